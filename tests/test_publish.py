"""Writing: a temporary folder swapped in atomically; deterministic bytes."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from asdh_lod import publish


def test_write_site_creates_and_replaces(tmp_path):
    out = tmp_path / "site"
    publish.write_site({"a.txt": b"1", "d/b.txt": b"2"}, out)
    assert (out / "d" / "b.txt").read_bytes() == b"2"
    publish.write_site({"c.txt": b"3"}, out)
    assert sorted(p.name for p in out.rglob("*")) == ["c.txt"]  # the old edition is gone, not merged
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_files_made_while_writing_and_a_failure_midway_leave_the_previous_site(tmp_path):
    """`build` writes files as `render_iter` makes them: an error in the middle of making
    them removes what was staged and leaves the published site as it was."""
    out = tmp_path / "site"
    assert publish.write_site(iter([("a.txt", b"old")]), out) == ["a.txt"]

    def made():
        yield "a.txt", b"new"
        yield "d/b.txt", b"new"
        raise RuntimeError("a template failed")

    with pytest.raises(RuntimeError, match="a template failed"):
        publish.write_site(made(), out)
    assert (out / "a.txt").read_bytes() == b"old"
    assert sorted(p.name for p in out.rglob("*")) == ["a.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # the staged folder is gone


def test_a_build_streams_the_same_files_prepare_makes_in_memory(tiny, tmp_path):
    from asdh_lod.pipeline import build, prepare

    result = build(tiny, tmp_path / "site")
    assert result.files is None
    in_memory = prepare(tiny).files
    assert result.paths == sorted(in_memory)
    assert all((tmp_path / "site" / p).read_bytes() == data for p, data in in_memory.items())


def test_a_failing_write_leaves_the_previous_site(tmp_path, monkeypatch):
    out = tmp_path / "site"
    publish.write_site({"a.txt": b"old"}, out)
    real = Path.write_bytes
    calls = []

    def flaky(self, data):
        calls.append(self.name)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", flaky)
    with pytest.raises(OSError, match="No space left"):
        publish.write_site({"a.txt": b"new", "b.txt": b"new"}, out)
    monkeypatch.undo()
    assert (out / "a.txt").read_bytes() == b"old"
    assert sorted(p.name for p in out.iterdir()) == ["a.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # temporary folder removed


def test_swap_without_rename_exchange(tmp_path, monkeypatch):
    monkeypatch.setattr(publish, "_exchange", lambda a, b: False)
    out = tmp_path / "site"
    publish.write_site({"a.txt": b"1"}, out)
    publish.write_site({"a.txt": b"2"}, out)
    assert (out / "a.txt").read_bytes() == b"2"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_gzip_is_deterministic():
    a, b = publish.gzipped(b"x" * 1000), publish.gzipped(b"x" * 1000)
    assert a == b and gzip.decompress(a) == b"x" * 1000
    assert a[4:8] == b"\x00\x00\x00\x00"  # mtime 0


def test_jsonld_compaction_with_a_prefix_context():
    from rdflib import BNode, Graph, Literal, Namespace
    from rdflib.namespace import RDF, RDFS, XSD

    code, x = Namespace("https://w3id.org/asdh-lod/code/"), Namespace("http://x.org/")
    g = Graph()
    s = code["province/25"]
    for t in [(s, RDF.type, x.A), (s, RDFS.label, Literal("Erzurum", lang="tr")), (s, RDFS.label, Literal("25")),
              (s, RDFS.seeAlso, BNode("b1")), (s, x.n, Literal("7", datatype=XSD.integer)),
              (BNode("b1"), RDF.type, x.B), (BNode("b1"), RDF.type, x.C)]:
        g.add(t)
    context = {"@context": {"code": str(code), "xsd": str(XSD), "rdfs": str(RDFS)}}
    import json

    doc = json.loads(publish.jsonld(g, context, "https://example.org/context.jsonld"))
    assert doc == {"@context": "https://example.org/context.jsonld", "@graph": [
        {"@id": "code:province/25", "@type": "http://x.org/A",
         "rdfs:label": ["25", {"@language": "tr", "@value": "Erzurum"}],  # N-Triples order: '"2' < '"E'
         "rdfs:seeAlso": {"@id": "_:b1"},
         "http://x.org/n": {"@type": "xsd:integer", "@value": "7"}},
        {"@id": "_:b1", "@type": ["http://x.org/B", "http://x.org/C"]}]}



def test_two_builds_are_byte_identical_and_name_every_prefix(tiny, tmp_path):
    """Blank node ids are random in every run; rdflib names a namespace it has no prefix for
    ns1, ns2, … in the order it meets them, which then changes from run to run (the TriG's
    catalogue graph once had ns1: spdx or vcard at random). Every namespace has its name."""
    import re

    from asdh_lod.pipeline import build

    outs = []
    for n in (1, 2):
        out = tmp_path / f"site-{n}"
        build(tiny, out)
        outs.append({p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()})
    assert len(outs[0]) > 1000 and "downloads/asdh-lod.trig" in outs[0]
    assert sorted(outs[0]) == sorted(outs[1])
    assert [name for name in outs[0] if outs[0][name] != outs[1][name]] == []
    unnamed = [name for name, data in outs[0].items() if name.endswith((".ttl", ".trig"))
               and re.search(rb"^@prefix ns\d+:", data, re.M)]
    assert unnamed == []
