"""Render: the build streams exactly the files `prepare` makes; two builds are identical."""

from __future__ import annotations

import csv
import io
import pickle
import re
import threading

import pytest

from asdh_lod.build.pipeline import build, prepare
from asdh_lod.core.fsio import Scratch
from asdh_lod.publish import catalog, csvw, sdmx
from asdh_lod.publish.render import sorted_data_lines, source_tables
from asdh_lod.rdf.files import FILES
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


def _lines(pieces) -> list[bytes]:
    return b"".join(pieces).splitlines(keepends=True)


def test_the_data_graphs_lines_are_the_merge_of_each_sources_sorted_lines(tiny_build, tmp_path):
    mapped = tiny_build.mapped
    whole = sorted(set(ntriple_lines(mapped.part("data"))))
    assert [doc for doc, _ in mapped.pieces()] == ["tiny-haber", None]
    kept = _Kept(tmp_path / "kept")
    with Scratch(near=tmp_path / "x") as scratch:
        assert _lines(sorted_data_lines(mapped, scratch)) == whole  # no cache: each source sorted in scratch
        assert _lines(sorted_data_lines(mapped, scratch, kept)) == whole
        assert kept.kept == ["tiny-haber"]
        assert (tmp_path / "kept" / "tiny-haber.nt").read_bytes() == b"".join(
            sorted(set(ntriple_lines(mapped.sources["tiny-haber"].triples))))
        # kept lines are read back, not made again: a line planted in them is in the merge
        planted = b"<http://example.org/planted> <http://example.org/p> \"x\" .\n"
        own = tmp_path / "kept" / "tiny-haber.nt"
        own.write_bytes(b"".join(sorted([planted, *own.read_bytes().splitlines(keepends=True)])))
        assert _lines(sorted_data_lines(mapped, scratch, kept)) == sorted([*whole, planted])
        assert kept.kept == ["tiny-haber"]


class _KeptTables(_Kept):
    """Keeps each source's rows of the tables too, counting what it was asked to keep."""

    def __init__(self, folder):
        super().__init__(folder)
        self.tables_kept: list[str] = []

    def tables(self, doc):
        path = self.folder / f"{doc}.tables"
        return pickle.loads(path.read_bytes()) if path.is_file() else None

    def keep_tables(self, doc, tables):
        self.tables_kept.append(doc)
        (self.folder / f"{doc}.tables").write_bytes(pickle.dumps(tables))


def test_the_tables_are_the_merge_of_each_sources_rows_kept_between_builds(built, tmp_path):
    """The CSV and the SDMX-CSV are each source's rows merged: the same bytes as sorting every
    fact at once (the CSV by observation IRI, the SDMX-CSV by SDMX key, ties in source order),
    and an incremental build reads a source's rows back instead of making them."""
    model, uris = built.model, built.mapped.uris
    assert len(model.sources) >= 2
    csv_path, sdmx_path = FILES["csv"].path, FILES["sdmx-csv"].path
    # the reference: every fact sorted at once
    reference_csv = io.StringIO(newline="")
    w = csv.DictWriter(reference_csv, fieldnames=[c.name for c in csvw.columns(uris)], lineterminator="\r\n")
    w.writeheader()
    w.writerows(csvw.rows(model, uris))
    ordered = sorted(model.facts, key=sdmx._key)
    kept = _KeptTables(tmp_path / "kept")
    tables = source_tables(model, uris, kept)
    assert kept.tables_kept == [src.document.id for src in model.sources]
    merged_csv = csvw.csv_files(model, uris, tables["csv"])[csv_path]
    assert merged_csv == reference_csv.getvalue().encode("utf-8") == (built.out / csv_path).read_bytes()
    merged_sdmx = sdmx.sdmx_files(model, uris, tables["sdmx"])[sdmx_path]
    assert merged_sdmx == (built.out / sdmx_path).read_bytes() == sdmx.sdmx_csv(model, uris)
    rows = list(csv.reader(io.StringIO(merged_sdmx.decode("utf-8"), newline="")))[1:]
    assert [r[-1] for r in rows] == [str(uris.fact(f)) for f in ordered]
    # kept rows are read back, not made again: a row planted in one source's is in the merge
    first = model.sources[0].document.id
    planted = dict(kept.tables(first))
    planted["csv"] = sorted([*planted["csv"], ("https://planted.example/", b"planted\r\n")])
    kept.keep_tables(first, planted)
    kept.tables_kept.clear()
    again = source_tables(model, uris, kept)
    assert kept.tables_kept == []
    assert csvw.csv_files(model, uris, again["csv"])[csv_path].count(b"planted\r\n") == 1
