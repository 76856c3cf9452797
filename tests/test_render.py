"""Render: the build streams exactly the files `prepare` makes; two builds are identical."""

from __future__ import annotations

import re
import threading

import pytest

from asdh_lod.build.pipeline import build, prepare
from asdh_lod.publish import catalog


def test_a_build_streams_the_same_files_prepare_makes_in_memory(tiny, tmp_path):
    result = build(tiny, tmp_path / "site")
    assert result.files is None
    in_memory = prepare(tiny).files
    assert result.paths == sorted(in_memory)
    assert all((tmp_path / "site" / p).read_bytes() == data for p, data in in_memory.items())


def test_two_builds_are_byte_identical_and_name_every_prefix(tiny, tmp_path):
    """Blank node ids are random in every run; rdflib names a namespace it has no prefix for
    ns1, ns2, … in the order it meets them, which then changes from run to run (the TriG's
    catalogue graph once had ns1: spdx or vcard at random). Every namespace has its name."""
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


def test_a_failure_while_the_query_store_loads_stops_it_and_leaves_nothing(tiny, tmp_path, monkeypatch):
    """The example queries' store is loaded in a thread while the dumps are made; when the
    build fails meanwhile, the thread is stopped and waited for before the scratch folder goes,
    and the previous site stays as it was."""
    build(tiny, tmp_path / "site")
    before = {p: p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()}
    threads = threading.active_count()

    def broken(*args, **kw):
        raise OSError("disk full")

    monkeypatch.setattr(catalog, "description_files", broken)
    with pytest.raises(OSError, match="disk full"):
        build(tiny, tmp_path / "site")
    assert threading.active_count() == threads
    assert {p: p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "site"]
