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
