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
    c = publish._Compactor({"code": "https://w3id.org/asdh-lod/code/", "xsd": "http://www.w3.org/2001/XMLSchema#",
                            "rdfs": "http://www.w3.org/2000/01/rdf-schema#"})
    node = {"@id": "https://w3id.org/asdh-lod/code/province/25",
            "http://www.w3.org/1999/02/22-rdf-syntax-ns#type": [{"@id": "http://x.org/A"}],
            "http://www.w3.org/2000/01/rdf-schema#label": [{"@language": "tr", "@value": "Erzurum"},
                                                           {"@value": "25"}],
            "http://www.w3.org/2000/01/rdf-schema#seeAlso": [{"@id": "_:b1"}],
            "http://x.org/n": [{"@type": "http://www.w3.org/2001/XMLSchema#integer", "@value": "7"}]}
    assert c.node(node) == {"@id": "code:province/25", "@type": "http://x.org/A",
                            "rdfs:label": [{"@language": "tr", "@value": "Erzurum"}, "25"],
                            "rdfs:seeAlso": {"@id": "_:b1"},
                            "http://x.org/n": {"@type": "xsd:integer", "@value": "7"}}
