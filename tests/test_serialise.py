"""The serialisers: deterministic bytes."""

from __future__ import annotations

import gzip
import json

from rdflib import BNode, Graph, Literal, Namespace
from rdflib.namespace import RDF, RDFS, XSD

from asdh_lod.publish.dumps import JsonLd, write_chunked
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


def test_subject_chunks_hold_whole_subjects_and_their_bounds_depend_on_the_subjects_alone():
    nt = _sorted_nt()
    lines = nt.splitlines(keepends=True)
    chunks = list(serialise.subject_chunks(lines, every=3))
    assert len(chunks) > 10 and b"".join(chunks) == nt
    firsts = [c[:c.index(b" ")] for c in chunks]
    lasts = [c.rstrip(b"\n").rsplit(b"\n", 1)[-1].split(b" ", 1)[0] for c in chunks]
    assert all(last != first for last, first in zip(lasts, firsts[1:]))  # no subject split
    # one subject's lines changed, one subject removed: every other chunk is the same bytes
    changed = [line.replace(b"figure 12", b"figure 12 (corrected)") for line in lines]
    gone = next(line for line in lines if b"figure 30" in line).split(b" ", 1)[0]
    changed = [line for line in changed if not line.startswith(gone + b" ")]
    after = list(serialise.subject_chunks(changed, every=3))
    assert 1 <= len(set(chunks) - set(after)) <= 3 and len(set(after) - set(chunks)) <= 3


def test_jsonld_of_a_file_read_as_text_equals_pyoxigraph_parsing(tmp_path):
    nt = _sorted_nt()
    path = tmp_path / "d.nt"
    path.write_bytes(nt)
    context = serialise.jsonld_context("https://w3id.org/asdh-lod/")
    with open(tmp_path / "d.jsonld", "wb") as f:  # the dump's way: chunks of the file read as text
        write_chunked(path, [JsonLd(f, context, "d.jsonld")], every=4)
    from_file = (tmp_path / "d.jsonld").read_bytes()
    assert from_file == b"".join(serialise.jsonld_chunks(nt, context))  # bytes: pyoxigraph's parser
    c = serialise.Compactor(context["@context"])
    chunks = serialise.subject_chunks(nt.splitlines(keepends=True), every=4)
    text = [n for chunk in chunks for n in serialise.jsonld_nodes_of_lines(chunk, c)]
    assert text == list(serialise.jsonld_nodes(nt, serialise.Compactor(context["@context"])))
    ids = [n["@id"] for n in json.loads(from_file)["@graph"]]
    assert len(ids) == 80 and "_:b0" in ids and ids == sorted(set(ids), key=ids.index)  # one node a subject
