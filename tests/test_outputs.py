"""Every output parses with a second, independent parser and gives the build's graph;
outputs are byte-identical on rebuild; the committed site/ equals a fresh build."""

from __future__ import annotations

import gzip
import json
import shutil

import pyoxigraph as ox
import pytest
from pyld import jsonld
from rdflib import Graph
from rdflib.compare import isomorphic, graph_diff, to_isomorphic

from asdh_lod.build.pipeline import build
from helpers import DATA, ROOT


def _via_oxigraph(data: bytes, fmt: ox.RdfFormat) -> Graph:
    """Parse with pyoxigraph, hand the triples to rdflib as N-Triples for comparison."""
    triples = ox.parse(data, fmt)
    nt = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    g = Graph()
    g.parse(data=nt, format="nt")
    return g


def _assert_same(expected: Graph, actual: Graph) -> None:
    if not isomorphic(expected, actual):
        _, only_expected, only_actual = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
        pytest.fail(f"graphs differ: {len(only_expected)} triples only in the build, "
                    f"{len(only_actual)} only in the file, e.g. {sorted(only_expected)[:2]} / {sorted(only_actual)[:2]}")


@pytest.mark.parametrize("name,fmt", [("asdh-lod.ttl", ox.RdfFormat.TURTLE),
                                      ("asdh-lod.nt", ox.RdfFormat.N_TRIPLES)])
def test_dump_parses_with_oxigraph_to_the_build_graph(built, name, fmt):
    _assert_same(built.mapped.union(), _via_oxigraph((built.out / "downloads" / name).read_bytes(), fmt))


def test_gzipped_dump_is_the_dump(built):
    d = built.out / "downloads"
    assert gzip.decompress((d / "asdh-lod.nt.gz").read_bytes()) == (d / "asdh-lod.nt").read_bytes()


def test_ntriples_is_sorted_one_triple_a_line(built):
    lines = (built.out / "downloads" / "asdh-lod.nt").read_text(encoding="utf-8").splitlines()
    assert lines == sorted(lines) and len(lines) == len(built.mapped.union())


@pytest.mark.parametrize("name,part", [("ontology.ttl", "ontology"), ("codelists.ttl", "codelists")])
def test_ontology_and_codelists_parse_with_oxigraph(built, name, part):
    _assert_same(getattr(built.mapped, part), _via_oxigraph((built.out / "downloads" / name).read_bytes(),
                                                            ox.RdfFormat.TURTLE))


def test_jsonld_expands_with_pyld_with_the_published_context_embedded(built):
    site = built.out
    doc = json.loads((site / "downloads" / "asdh-lod.jsonld").read_text(encoding="utf-8"))
    # self-contained: the published context.jsonld, embedded (tests/test_offline.py blocks the network)
    assert doc["@context"] == json.loads((site / "context.jsonld").read_text(encoding="utf-8"))["@context"]

    def loader(url, options=None):
        raise AssertionError(f"unexpected fetch of {url}")

    nquads = jsonld.to_rdf(doc, {"format": "application/n-quads", "documentLoader": loader})
    g = Graph()
    g.parse(data=nquads, format="nt")
    _assert_same(built.mapped.union(), g)


def test_rebuild_is_byte_identical(built, tmp_path):
    again = tmp_path / "again"
    if (ROOT / "site" / "releases").is_dir():  # as the `built` fixture: a build carries the releases over
        shutil.copytree(ROOT / "site" / "releases", again / "releases")
    build(DATA, again)
    first = {p.relative_to(built.out): p.read_bytes() for p in built.out.rglob("*") if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []


def test_committed_site_equals_a_fresh_build(built):
    committed = ROOT / "site"
    fresh = {str(p.relative_to(built.out)): p.read_bytes() for p in built.out.rglob("*") if p.is_file()}
    have = {str(p.relative_to(committed)): p.read_bytes() for p in committed.rglob("*") if p.is_file()}
    assert sorted(have) == sorted(fresh), "site/ has other files than a build writes: run ./dev publish"
    stale = [k for k in fresh if have[k] != fresh[k]]
    assert stale == [], f"site/ is stale in {stale}: run ./dev publish and commit it"


def test_source_texts_are_published_unchanged(built):
    for txt in (DATA / "sources").glob("*.txt"):
        assert (built.out / "sources" / txt.name).read_bytes() == txt.read_bytes()
    shared = ROOT.parent / "shared" / "sources"
    if shared.is_dir():  # the copies in data/sources are the shared originals, unchanged
        for txt in shared.glob("*.txt"):
            assert (DATA / "sources" / txt.name).read_bytes() == txt.read_bytes()


def test_published_shapes_parse_with_oxigraph_to_the_shapes_used(built):
    from asdh_lod.core.resources import SHAPES
    from asdh_lod.stages.validate import load_shapes

    used = load_shapes(built.mapped.uris, SHAPES)
    _assert_same(used, _via_oxigraph((built.out / "downloads" / "shapes.ttl").read_bytes(), ox.RdfFormat.TURTLE))
