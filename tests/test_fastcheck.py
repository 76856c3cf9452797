"""The fast path agrees with pySHACL (the reference) on the real data; the mutation corpus
(tests/test_mutations.py) checks the same on every planted fault."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef

from asdh_lod.fastcheck import NATIVE, fast_results, validate_fast
from asdh_lod.validate import load_shapes, shacl_results, validate_graph


def test_real_data_same_results_in_both_engines(built):
    shapes = load_shapes(built.mapped.uris)
    whole = built.mapped.union()
    assert fast_results(whole, shapes) == shacl_results(whole, shapes) == []


def test_real_data_with_a_planted_duplicate_same_problems(built):
    """validate_fast has validate_graph's contract: same problems, same YAML lines."""
    shapes = load_shapes(built.mapped.uris)
    whole = Graph()
    whole += built.mapped.union()
    fact = built.model.facts[0]
    o = built.mapped.uris.fact(fact)
    copy = URIRef(str(o) + "-copy")
    for p, v in list(whole.predicate_objects(o)):
        whole.add((copy, p, v))
    whole.set((o, built.mapped.uris.asdh.approximate, Literal("maybe")))
    fast = validate_fast(whole, shapes, built.mapped.origins)
    reference = validate_graph(whole, shapes, built.mapped.origins)
    assert fast.to_dict() == reference.to_dict()
    assert [(dict(p.details)["shape_id"], p.path, p.line) for p in fast.sorted()] == [
        ("ASDH-7", fact.origin.path, fact.origin.line),
        ("IC-12", fact.origin.path, fact.origin.line),
    ]


def test_native_shapes_exist(built):
    from rdflib.namespace import DCTERMS
    shapes = load_shapes(built.mapped.uris)
    ids = {str(i) for i in shapes.objects(None, DCTERMS.identifier)}
    assert set(NATIVE) <= ids


def test_accepts_a_pyoxigraph_store(built):
    import pyoxigraph as ox
    shapes = load_shapes(built.mapped.uris)
    store = ox.Store()
    store.bulk_load(path=str(built.out / "downloads" / "asdh-lod.nt"), format=ox.RdfFormat.N_TRIPLES)
    fact = next(f for f in built.model.facts if not f.also_quoted)  # one quote: remove it
    o = ox.NamedNode(str(built.mapped.uris.fact(fact)))
    quote = ox.NamedNode(str(built.mapped.uris.asdh.sourceQuote))
    store.remove(next(iter(store.quads_for_pattern(o, quote, None))))
    report = validate_fast(store, shapes, built.mapped.origins)
    assert [(dict(p.details)["shape_id"], p.path, p.line) for p in report.sorted()] == [
        ("ASDH-6", fact.origin.path, fact.origin.line), ("IC-13", fact.origin.path, fact.origin.line)]
