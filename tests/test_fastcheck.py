"""The fast path agrees with pySHACL (the reference) on the real data; the mutation corpus
(tests/test_mutations.py) checks the same on every planted fault."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from asdh_lod.stages.fastcheck import NATIVE, fast_results, validate_fast
from asdh_lod.stages.validate import load_shapes, shacl_results, validate_graph


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


# -- a mapping.Mapped as input, and the reduced graph pySHACL checks ---------------------------

def _planted(built):
    """The real data as a Mapped whose lists carry planted faults, and the same as one graph.

    Faults: a duplicate observation (IC-12), an approximate flag that is no boolean (ASDH-7),
    an observation that claims our structure (so OurDataSets targets it: ASDH-19 and the data
    set rules, through a triple of a plain observation pySHACL must still see), an observation
    typed asdh:SourceDocument too (not plain: ASDH-18 reads its triples). Every data triple
    of one observation is repeated in the code-list part: counted once, as in a graph."""
    from rdflib.namespace import RDF

    from asdh_lod.stages.mapping import Mapped, Triples

    m, u = built.mapped, built.mapped.uris
    data = Triples(m.data)
    facts = built.model.facts
    o0, o1, o2, o3 = (u.fact(f) for f in facts[:4])
    copy = URIRef(str(o0) + "-copy")
    data += [(copy, p, v) for p, v in m.data.predicate_objects(o0)]
    data = Triples(t for t in data if t[:2] != (o1, u.asdh.approximate))
    data.add((o1, u.asdh.approximate, Literal("maybe")))
    data.add((o2, URIRef("http://purl.org/linked-data/cube#structure"), u.structure))
    data.add((o3, RDF.type, u.asdh.SourceDocument))
    codelists = Triples(m.codelists)
    codelists += [(o0, p, v) for p, v in m.data.predicate_objects(o0)]
    planted = Mapped(u, data, codelists, m.ontology, m.origins)
    return planted, planted.union()


def test_a_mapped_gives_the_report_of_its_union_and_of_pyshacl_on_the_real_data(built):
    shapes = load_shapes(built.mapped.uris)
    whole = built.mapped.union()
    fast = validate_fast(built.mapped, shapes, built.mapped.origins)
    assert fast.to_dict() == validate_fast(whole, shapes, built.mapped.origins).to_dict()
    assert fast.to_dict() == validate_graph(whole, shapes, built.mapped.origins).to_dict()
    assert fast.ok and not fast.problems


def test_a_mapped_with_planted_faults_gives_the_report_of_its_union_and_of_pyshacl(built):
    shapes = load_shapes(built.mapped.uris)
    planted, whole = _planted(built)
    fast = validate_fast(planted, shapes, planted.origins)
    assert fast.to_dict() == validate_fast(whole, shapes, planted.origins).to_dict()
    assert fast.to_dict() == validate_graph(whole, shapes, planted.origins).to_dict()
    ids = {dict(p.details)["shape_id"] for p in fast.problems}
    assert {"IC-12", "ASDH-7", "ASDH-18", "ASDH-19"} <= ids
    assert "ASDH-1" not in ids  # the repeated triples are one triple each, as in a graph


def test_pyshacl_sees_a_reduced_graph_and_only_plain_subjects_triples_are_dropped(built):
    """The equivalence tests above and in test_mutations.py run through the reduction: it does
    drop the triples of the plain subjects — the observations, their quotes' Web Annotations,
    the periods' instants … — and nothing else; of the hidden ones (referred to by no kept
    triple) the rdf:type triples too."""
    from rdflib.namespace import RDF, RDFS, SH

    from asdh_lod.stages.fastcheck import TARGETS, index_triples, read_predicates, reduced_graph
    from asdh_lod.stages.mapping import OA, QB

    shapes = load_shapes(built.mapped.uris)
    rest = Graph()
    rest += shapes
    ids = {str(i): s for s, i in shapes.subject_objects(DCTERMS.identifier)}
    for ident in NATIVE:
        for t in TARGETS:
            rest.remove((ids[ident], t, None))
    reading = read_predicates(shapes, rest)
    assert reading is not None and not reading.types_anywhere
    read = reading.predicates
    assert {RDF.type, RDFS.subClassOf, QB.structure, QB.component} <= read
    whole = built.mapped.union()
    reduced = reduced_graph(index_triples(built.mapped.triples()), reading)
    assert set(reduced) <= set(whole)
    dropped = set(whole) - set(reduced)
    observations = set(whole.subjects(RDF.type, QB.Observation))
    annotations = {s for t in (OA.Annotation, OA.SpecificResource, OA.TextQuoteSelector, OA.TextPositionSelector)
                   for s in whole.subjects(RDF.type, t)}
    subjects = {s for s, _p, _o in dropped}
    assert annotations and observations | annotations <= subjects
    for s in subjects:  # plain: typed, every type outside READ and without a superclass in the data
        types = set(whole.objects(s, RDF.type))
        assert types and types.isdisjoint(read), s
        assert not [c for t in types for c in whole.objects(t, RDFS.subClassOf)], s
    assert {p for _s, p, _o in dropped if p != RDF.type}.isdisjoint(read)
    # hidden: a plain subject whose rdf:type triples went too is named by no triple kept
    hidden = {s for s, p, _o in dropped if p == RDF.type}
    assert annotations <= hidden and hidden.isdisjoint(read)
    assert not [t for t in reduced if t[2] in hidden or t[0] in hidden]
    # an observation a kept triple refers to (dct:isReplacedBy from a retired IRI) keeps its type
    replaced = set(whole.objects(None, DCTERMS.isReplacedBy)) & observations
    assert replaced and all((o, RDF.type, QB.Observation) in reduced for o in replaced)
    assert len(reduced) < len(whole) - 12 * len(observations) - 3 * len(annotations)

    # a shape that reads every typed subject's types: no subject hidden, every rdf:type kept
    reads_types = URIRef("urn:x:types")
    rest.add((reads_types, SH.targetNode, URIRef("urn:x:n")))
    sparql = URIRef("urn:x:types-sparql")
    rest.add((reads_types, SH.sparql, sparql))
    rest.add((sparql, SH.select, Literal("SELECT $this WHERE { ?x a ?class }")))
    loose = read_predicates(shapes, rest)
    assert loose is not None and loose.types_anywhere
    kept = reduced_graph(index_triples(built.mapped.triples()), loose)
    assert set(whole.triples((None, RDF.type, None))) <= set(kept)
    rest.remove((reads_types, None, None))
    rest.remove((sparql, None, None))
    inverse, node, path = URIRef("urn:x:inverse"), URIRef("urn:x:inverse-path"), BNode()
    rest.add((inverse, SH.targetNode, URIRef("urn:x:n")))  # a SHACL path ^rdf:type: a class's instances
    rest.add((inverse, SH.property, node))
    rest.add((node, SH.path, path))
    rest.add((path, SH.inversePath, RDF.type))
    assert read_predicates(shapes, rest).types_anywhere
    rest.remove((path, SH.inversePath, RDF.type))
    rest.add((node, SH.path, RDF.type))  # the types of the focus node itself: reached, so never hidden
    rest.remove((node, SH.path, path))
    assert not read_predicates(shapes, rest).types_anywhere
    for s in (inverse, node):
        rest.remove((s, None, None))

    # a pattern with a variable predicate on anything but a class-targeted focus: no reduction
    shape = URIRef("urn:x:shape")
    rest.add((shape, SH.targetNode, URIRef("urn:x:n")))
    sparql = URIRef("urn:x:sparql")
    rest.add((shape, SH.sparql, sparql))
    rest.add((sparql, SH.select, Literal("SELECT $this WHERE { $this ?p ?o }")))
    assert read_predicates(shapes, rest) is None
    assert len(reduced_graph(index_triples(built.mapped.triples()), None)) == len(whole)


# -- ASDH-12 (period fits its kind) in rdflib's three-valued logic ---------------------------------

def test_period_misfits_follows_the_shapes_filter():
    """The mutation corpus compares it with pySHACL on real periods; here the cases pySHACL
    cannot be asked about (rdflib stops on an ill-typed xsd:date), as the FILTER reads them:
    None is a date SPARQL cannot read (an error), False a period with no beginning."""
    from datetime import date as D

    from asdh_lod.stages.fastcheck import period_misfits

    cases = [
        ("total", D(2025, 1, 1), D(2025, 6, 30), False),       # a half-year
        ("total", D(2024, 1, 1), D(2024, 2, 29), False),       # to a leap day
        ("total", D(2024, 1, 1), D(2024, 2, 28), True),        # a day short of it
        ("total", D(1900, 1, 1), D(1900, 2, 28), False),       # 1900 is no leap year
        ("total", D(2025, 1, 15), D(2025, 6, 30), True),
        ("total", False, D(2025, 6, 30), True),                # no beginning
        ("monthly-average", D(2025, 3, 1), D(2025, 3, 31), False),
        ("stock", D(2025, 12, 31), D(2025, 12, 31), False),    # a day
        ("stock", D(2025, 12, 1), D(2025, 12, 31), False),     # a month
        ("stock", D(2025, 12, 1), D(2025, 12, 15), True),      # half a month
        ("stock", D(2025, 11, 30), D(2025, 12, 31), True),
        ("year-total", D(2025, 1, 1), D(2025, 12, 31), False),  # the retired kind keeps its rule
        ("year-total", D(2025, 1, 1), D(2025, 6, 30), True),
        ("cumulative", D(2013, 1, 15), D(2025, 6, 3), False),   # any span (ASDH-13 checks its end)
        ("unknown", D(2025, 1, 15), D(2025, 6, 3), False),
        # errors: rdflib's && stops at the first false or error, from the left
        ("total", None, D(2025, 6, 15), False),                # DAY(?begin) errs first: no result
        ("total", D(2025, 1, 15), None, True),                 # DAY(?begin) = 1 is false first
        ("total", D(2025, 1, 1), None, False),                 # ?last is unbound: an error
        ("stock", None, D(2025, 12, 31), False),
    ]
    assert [(k, b, e, period_misfits(k, b, e)) for k, b, e, _ in cases] == [tuple(c) for c in cases]
