"""The named-graph dumps: N-Quads and TriG keep ontology, code lists and data apart."""

from __future__ import annotations

import gzip

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic

from asdh_lod.rdf import query as engine
from asdh_lod.sparql import query as q
from asdh_lod.publish.render import NAMED_GRAPHS, named_graphs
from asdh_lod.rdf.uris import Uris

BASE = "https://w3id.org/asdh-lod/"
PARTS = {"ontology": "ontology", "codelists": "codelists", "data": "data"}
NAMES = [*PARTS, "catalog"]  # the catalogue graph: in the named-graph dumps only


def catalog(built) -> Graph:
    return Graph().parse(built.out / "catalog.ttl")


def _graphs(data: bytes, fmt: str) -> dict[str, Graph]:
    ds = Dataset()
    ds.parse(data=data.decode("utf-8"), format=fmt)
    return {str(g.identifier): g for g in ds.graphs() if len(g)}


def test_graph_iris_are_minted_in_uris():
    u = Uris(BASE, "provincial")
    assert [str(u.graph(n)) for n, _ in NAMED_GRAPHS] == [
        BASE + "graph/ontology", BASE + "graph/codelists", BASE + "graph/data"]


@pytest.mark.parametrize("name,fmt", [("asdh-lod.nq.gz", "nquads"), ("asdh-lod.trig", "trig")])
def test_each_named_graph_is_its_part(built, name, fmt):
    data = (built.out / "downloads" / name).read_bytes()
    got = _graphs(gzip.decompress(data) if name.endswith(".gz") else data, fmt)
    assert sorted(got) == sorted(BASE + "graph/" + n for n in NAMES)
    for n, attr in PARTS.items():
        assert isomorphic(got[BASE + "graph/" + n], getattr(built.mapped, attr)), n
    assert isomorphic(got[BASE + "graph/catalog"], catalog(built))


def test_trig_and_nquads_hold_the_same_quads_for_oxigraph(built):
    d = built.out / "downloads"
    a, b = ox.Store(), ox.Store()
    a.load(path=str(d / "asdh-lod.trig"), format=ox.RdfFormat.TRIG)
    b.load(gzip.decompress((d / "asdh-lod.nq.gz").read_bytes()), format=ox.RdfFormat.N_QUADS)
    assert len(a) == len(b) == built.triples + len(catalog(built))
    no_blank = lambda s: {str(x) for x in s if not isinstance(x.subject, ox.BlankNode)  # noqa: E731
                          and not isinstance(x.object, ox.BlankNode)}
    assert no_blank(a) == no_blank(b)


def test_nquads_sorted_and_only_compressed(built):
    """The N-Quads are published gzip-compressed only (docs/scale.md: what is written)."""
    d = built.out / "downloads"
    assert not (d / "asdh-lod.nq").exists()
    nq = gzip.decompress((d / "asdh-lod.nq.gz").read_bytes())
    lines = nq.decode("utf-8").splitlines()
    assert lines == sorted(lines) and len(lines) == built.triples + len(catalog(built))


def test_the_graphs_but_the_catalogue_are_the_plain_dump(built):
    union = Graph()
    for g in named_graphs(built.model, built.mapped).values():
        for t in g:
            union.add(t)
    assert isomorphic(union, built.mapped.union())


def test_query_sees_the_union_and_the_graph_names(built):
    store = q.open_store(built.out)
    a = engine.run(store, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
    counts = {row["g"].value: int(row["n"].value) for row in a.raw}
    assert counts == {**{BASE + "graph/" + n: len(getattr(built.mapped, attr)) for n, attr in PARTS.items()},
                      BASE + "graph/catalog": len(catalog(built))}
    a = engine.run(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    union = built.mapped.union() + catalog(built)  # the default graph: distinct triples of all graphs
    assert int(next(iter(a.raw))["n"].value) == len(union)


def test_base_iri_moves_the_graph_names(tiny, tmp_path):
    from asdh_lod.build.pipeline import build
    result = build(tiny, tmp_path / "site", "http://example.org/x/")
    nq = gzip.decompress((tmp_path / "site" / "downloads" / "asdh-lod.nq.gz").read_bytes()).decode("utf-8")
    names = {line.rsplit(" ", 2)[-2] for line in nq.splitlines()}
    assert names == {f"<http://example.org/x/graph/{n}>" for n in NAMES}
    assert URIRef("http://example.org/x/graph/data") in named_graphs(result.model, result.mapped)
