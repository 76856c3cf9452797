"""The one atomic writer: a temporary folder swapped in atomically; single files by rename."""

from __future__ import annotations

from pathlib import Path

import pytest

from asdh_lod.core import fsio


def test_write_site_creates_and_replaces(tmp_path):
    out = tmp_path / "site"
    fsio.write_site({"a.txt": b"1", "d/b.txt": b"2"}, out)
    assert (out / "d" / "b.txt").read_bytes() == b"2"
    fsio.write_site({"c.txt": b"3"}, out)
    assert sorted(p.name for p in out.rglob("*")) == ["c.txt"]  # the old edition is gone, not merged
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_files_made_while_writing_and_a_failure_midway_leave_the_previous_site(tmp_path):
    """`build` writes files as `render_iter` makes them: an error in the middle of making
    them removes what was staged and leaves the published site as it was."""
    out = tmp_path / "site"
    assert fsio.write_site(iter([("a.txt", b"old")]), out) == ["a.txt"]

    def made():
        yield "a.txt", b"new"
        yield "d/b.txt", b"new"
        raise RuntimeError("a template failed")

    with pytest.raises(RuntimeError, match="a template failed"):
        fsio.write_site(made(), out)
    assert (out / "a.txt").read_bytes() == b"old"
    assert sorted(p.name for p in out.rglob("*")) == ["a.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # the staged folder is gone


def test_a_failing_write_leaves_the_previous_site(tmp_path, monkeypatch):
    out = tmp_path / "site"
    fsio.write_site({"a.txt": b"old"}, out)
    real = Path.write_bytes
    calls = []

    def flaky(self, data):
        calls.append(self.name)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", flaky)
    with pytest.raises(OSError, match="No space left"):
        fsio.write_site({"a.txt": b"new", "b.txt": b"new"}, out)
    monkeypatch.undo()
    assert (out / "a.txt").read_bytes() == b"old"
    assert sorted(p.name for p in out.iterdir()) == ["a.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # temporary folder removed


def test_swap_without_rename_exchange(tmp_path, monkeypatch):
    monkeypatch.setattr(fsio, "_exchange", lambda a, b: False)
    out = tmp_path / "site"
    fsio.write_site({"a.txt": b"1"}, out)
    fsio.write_site({"a.txt": b"2"}, out)
    assert (out / "a.txt").read_bytes() == b"2"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_write_file_replaces_a_file_whole(tmp_path, monkeypatch):
    target = tmp_path / "x.yaml"
    fsio.write_file(target, b"old")
    fsio.write_file(target, b"new")
    assert target.read_bytes() == b"new"

    def broken(fd, mode):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fsio.os, "fdopen", broken)
    with pytest.raises(OSError, match="No space left"):
        fsio.write_file(target, b"newer")
    monkeypatch.undo()
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["x.yaml"]  # no temporary file left


def test_merge_files_merges_in_groups_when_there_are_more_than_it_may_open(tmp_path):
    lines = [f"<s{i % 37:02d}> <p> \"{i % 11}\" .\n".encode() for i in range(400)]
    files = []
    for n in range(9):  # nine sorted files with repeats across and within them
        files.append(tmp_path / f"in-{n}.nt")
        files[-1].write_bytes(b"".join(sorted(set(lines[n::9]) | {lines[0]})))
    before = {f: f.read_bytes() for f in files}
    with fsio.Scratch(near=tmp_path / "x") as scratch:
        merged = b"".join(fsio.merge_files(files, scratch, fan_in=2)).splitlines(keepends=True)  # 9 → 5 → 3 → 2 → 1
        assert merged == sorted(set(lines))
        assert list(scratch.path.iterdir()) == []  # the runs of each level are removed
    assert {f: f.read_bytes() for f in files} == before  # the inputs are left as they are


def test_merge_sorted_equals_sorting_the_union(tmp_path):
    """The galloping merge on bytes gives sorted(set(…)) of its sources, whatever their runs,
    repeats across them, piece sizes (down to a line), empty pieces or sources — and lines
    that are prefixes of others (the binary search compares whole lines)."""
    import random

    rng = random.Random(7)
    for trial in range(80):
        pool = [f"<s{rng.randrange(300):03d}> <p> \"{'x' * rng.randrange(3)}{rng.randrange(4)}\" .\n".encode()
                for _ in range(rng.randrange(1, 900))]
        whole = sorted(set(pool))
        sources = []
        for _ in range(rng.randrange(1, 12)):
            lines = sorted(set(rng.sample(pool, rng.randrange(0, len(pool) + 1))))
            if rng.random() < 0.3:  # long runs: a contiguous range of the sorted pool
                a = rng.randrange(len(whole))
                lines = whole[a:a + rng.randrange(1, 200)]
            sources.append(lines)
        expected = sorted({line for src in sources for line in src})
        pieces = []
        for n, lines in enumerate(sources):
            if n % 2:  # from a file, read in pieces of a few bytes to a few KB
                f = tmp_path / f"{trial}-{n}.nt"
                f.write_bytes(b"".join(lines))
                pieces.append(fsio.read_chunks(f, size=rng.choice([7, 64, 4096])))
            else:  # pieces of a few lines, with empty pieces between
                k = rng.randrange(1, 50)
                pieces.append([p for i in range(0, len(lines), k) for p in (b"", b"".join(lines[i:i + k]))])
        merged = list(fsio.merge_sorted(pieces))
        assert all(merged) and all(m.endswith(b"\n") for m in merged), trial
        assert b"".join(merged).splitlines(keepends=True) == expected, trial
    assert list(fsio.merge_sorted([])) == [] and list(fsio.merge_sorted([[], [b""]])) == []
