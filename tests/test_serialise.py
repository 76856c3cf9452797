"""The serialisers: deterministic bytes."""

from __future__ import annotations

import gzip
import json

from rdflib import BNode, Graph, Literal, Namespace
from rdflib.namespace import RDF, RDFS, XSD

from asdh_lod.rdf import serialise


def test_gzip_is_deterministic():
    a, b = serialise.gzipped(b"x" * 1000), serialise.gzipped(b"x" * 1000)
    assert a == b and gzip.decompress(a) == b"x" * 1000
    assert a[4:8] == b"\x00\x00\x00\x00"  # mtime 0


def test_jsonld_compaction_with_a_prefix_context():
    code, x = Namespace("https://w3id.org/asdh-lod/code/"), Namespace("http://x.org/")
    g = Graph()
    s = code["province/25"]
    for t in [(s, RDF.type, x.A), (s, RDFS.label, Literal("Erzurum", lang="tr")), (s, RDFS.label, Literal("25")),
              (s, RDFS.seeAlso, BNode("b1")), (s, x.n, Literal("7", datatype=XSD.integer)),
              (BNode("b1"), RDF.type, x.B), (BNode("b1"), RDF.type, x.C)]:
        g.add(t)
    context = {"@context": {"code": str(code), "xsd": str(XSD), "rdfs": str(RDFS)}}
    doc = json.loads(serialise.jsonld(g, context, "https://example.org/context.jsonld"))
    assert doc == {"@context": "https://example.org/context.jsonld", "@graph": [
        {"@id": "code:province/25", "@type": "http://x.org/A",
         "rdfs:label": ["25", {"@language": "tr", "@value": "Erzurum"}],  # N-Triples order: '"2' < '"E'
         "rdfs:seeAlso": {"@id": "_:b1"},
         "http://x.org/n": {"@type": "xsd:integer", "@value": "7"}},
        {"@id": "_:b1", "@type": ["http://x.org/B", "http://x.org/C"]}]}


def _sorted_nt() -> bytes:
    ex = Namespace("https://w3id.org/asdh-lod/data/")
    g = Graph()
    for i in range(40):
        s = ex[f"obs/{i % 7}/2025#f{i}"]
        g.add((s, RDF.type, ex.Fact))
        g.add((s, RDFS.label, Literal(f"figure {i}\n\"quoted\" \\ İzmir", lang="tr")))
        g.add((s, ex.value, Literal(i * 37, datatype=XSD.integer)))
        b = BNode(f"b{i}")
        g.add((s, ex.part, b))
        g.add((b, ex.note, Literal(f"note {i}")))
    return serialise.ntriples(g)


def test_subject_blocks_end_where_a_subject_ends(tmp_path):
    nt = _sorted_nt()
    path = tmp_path / "d.nt"
    path.write_bytes(nt)
    blocks = list(serialise.subject_blocks(path, size=200))
    assert len(blocks) > 20 and b"".join(blocks) == nt
    firsts = [b[:b.index(b" ")] for b in blocks]
    lasts = [b.rstrip(b"\n").rsplit(b"\n", 1)[-1].split(b" ", 1)[0] for b in blocks]
    assert all(last != first for last, first in zip(lasts, firsts[1:]))  # no subject split
    # a block smaller than one subject's lines grows until the subject is whole
    assert b"".join(serialise.subject_blocks(path, size=8)) == nt


def test_jsonld_of_a_file_read_as_text_equals_pyoxigraph_parsing(tmp_path):
    nt = _sorted_nt()
    path = tmp_path / "d.nt"
    path.write_bytes(nt)
    context = serialise.jsonld_context("https://w3id.org/asdh-lod/")
    from_file = b"".join(serialise.jsonld_chunks(path, context))
    assert from_file == b"".join(serialise.jsonld_chunks(nt, context))  # bytes: pyoxigraph's parser
    c = serialise.Compactor(context["@context"])
    text = [n for block in serialise.subject_blocks(path, size=100) for n in serialise.jsonld_nodes_of_lines(block, c)]
    assert text == list(serialise.jsonld_nodes(nt, serialise.Compactor(context["@context"])))
    ids = [n["@id"] for n in json.loads(from_file)["@graph"]]
    assert len(ids) == 80 and "_:b0" in ids and ids == sorted(set(ids), key=ids.index)  # one node a subject
