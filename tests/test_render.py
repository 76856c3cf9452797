"""Render: the build streams exactly the files `prepare` makes; two builds are identical."""

from __future__ import annotations

import re
import threading

import pytest

from asdh_lod.build.pipeline import build, prepare
from asdh_lod.core.fsio import Scratch
from asdh_lod.publish import catalog
from asdh_lod.publish.render import sorted_data_lines
from asdh_lod.rdf.serialise import ntriple_lines


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


class _Kept:
    """Keeps sorted lines per document in a folder, counting what it was asked to keep."""

    def __init__(self, folder):
        self.folder, self.kept = folder, []
        folder.mkdir()

    def sorted_lines(self, doc):
        path = self.folder / f"{doc}.nt"
        return path if path.is_file() else None

    def keep_sorted_lines(self, doc, data):
        self.kept.append(doc)
        (self.folder / f"{doc}.nt").write_bytes(data)
        return self.folder / f"{doc}.nt"


def test_the_data_graphs_lines_are_the_merge_of_each_sources_sorted_lines(tiny_build, tmp_path):
    mapped = tiny_build.mapped
    whole = sorted(set(ntriple_lines(mapped.part("data"))))
    assert [doc for doc, _ in mapped.pieces()] == ["tiny-haber", None]
    kept = _Kept(tmp_path / "kept")
    with Scratch(near=tmp_path / "x") as scratch:
        assert list(sorted_data_lines(mapped, scratch)) == whole  # no cache: each source sorted in scratch
        assert list(sorted_data_lines(mapped, scratch, kept)) == whole
        assert kept.kept == ["tiny-haber"]
        assert (tmp_path / "kept" / "tiny-haber.nt").read_bytes() == b"".join(
            sorted(set(ntriple_lines(mapped.sources["tiny-haber"].triples))))
        # kept lines are read back, not made again: a line planted in them is in the merge
        planted = b"<http://example.org/planted> <http://example.org/p> \"x\" .\n"
        own = tmp_path / "kept" / "tiny-haber.nt"
        own.write_bytes(b"".join(sorted([planted, *own.read_bytes().splitlines(keepends=True)])))
        assert list(sorted_data_lines(mapped, scratch, kept)) == sorted([*whole, planted])
        assert kept.kept == ["tiny-haber"]
