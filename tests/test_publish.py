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


def test_jsonld_lists_keep_their_order():
    value = {"@list": [{"@id": "b"}, {"@id": "a"}], "x": [{"@id": "b"}, {"@id": "a"}]}
    out = publish._sorted_json(value)
    assert out["@list"] == [{"@id": "b"}, {"@id": "a"}]
    assert out["x"] == [{"@id": "a"}, {"@id": "b"}]
