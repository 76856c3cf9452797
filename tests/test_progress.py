"""Progress: bars per stage and a summary on a terminal; silent off a terminal or with --quiet."""

from __future__ import annotations

import re

from click.testing import CliRunner

from asdh_lod import cli
from asdh_lod.build.pipeline import Progress, Timings, build
from asdh_lod.build.progress import summary


class Recorder(Progress):
    def __init__(self):
        self.events = []

    def start(self, stage, total):
        self.events.append(("start", stage, total))

    def advance(self, n=1):
        self.events.append(("advance", n))

    def end(self, stage):
        self.events.append(("end", stage))


def test_every_stage_reports_start_steps_and_end(tiny, tmp_path):
    rec = Recorder()
    result = build(tiny, tmp_path / "site", timings=Timings(rec))
    starts = [(e[1], e[2]) for e in rec.events if e[0] == "start"]
    assert starts == [("load", 13), ("check", 1), ("map", 1), ("validate", 1), ("render", 1),
                      ("write", 1)]
    # between a start and its end, the steps add up to the stage's total
    total, done = None, 0
    for e in rec.events:
        if e[0] == "start":
            total, done = e[2], 0
        elif e[0] == "advance":
            done += e[1]
        else:
            assert done == total, e
    assert list(result.seconds) == ["load", "check", "map", "validate", "render", "write"]
    assert all(v > 0 for v in result.peak_rss.values())


def test_not_a_terminal_is_silent(tiny, tmp_path):
    out = tmp_path / "site"
    r = CliRunner().invoke(cli.main, ["build", "--data", str(tiny), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert r.stderr == ""
    assert r.stdout == f"published {out}/: 7 observations, 4113 triples, 1504 files; SHACL: valid\n"


def test_terminal_shows_bars_and_a_summary(tiny, tmp_path, monkeypatch):
    monkeypatch.setattr(cli, "stderr_is_terminal", lambda: True)
    out = tmp_path / "site"
    r = CliRunner().invoke(cli.main, ["build", "--data", str(tiny), "--out", str(out)])
    assert r.exit_code == 0, r.output
    for stage in ("load", "check", "map", "validate", "render", "write"):
        assert re.search(rf"^{stage}\b", r.stderr, re.M), stage
    last = r.stderr.strip().splitlines()[-1]
    assert re.fullmatch(r"7 observations, 4,113 triples in \d+\.\d s; peak memory [\d,]+ MiB", last), last
    assert r.stdout == f"published {out}/: 7 observations, 4113 triples, 1504 files; SHACL: valid\n"


def test_quiet_on_a_terminal_is_silent(tiny, tmp_path, monkeypatch):
    monkeypatch.setattr(cli, "stderr_is_terminal", lambda: True)
    out = tmp_path / "site"
    for flag in ("--quiet", "-q"):
        r = CliRunner().invoke(cli.main, ["build", "--data", str(tiny), "--out", str(out), flag])
        assert r.exit_code == 0, r.output
        assert r.stderr == ""


def test_failed_build_shows_no_summary(tiny, tmp_path, monkeypatch):
    from helpers import mutate

    monkeypatch.setattr(cli, "stderr_is_terminal", lambda: True)
    mutate(tiny, "value: 1250", "value: 1251")
    r = CliRunner().invoke(cli.main, ["build", "--data", str(tiny), "--out", str(tmp_path / "site")])
    assert r.exit_code == 1
    assert "peak memory" not in r.stderr
    assert not (tmp_path / "site").exists()


def test_summary_line():
    assert summary(100_000, 1_234_567, 18.25, 1_500 * 2**20) == \
        "100,000 observations, 1,234,567 triples in 18.2 s; peak memory 1,500 MiB"


def test_the_garbage_collector_is_paused_during_a_build_only(tiny, tmp_path):
    import gc

    from asdh_lod.build import pipeline

    seen = []

    class Spy(Progress):
        def start(self, stage, total):
            seen.append(gc.isenabled())

    assert gc.isenabled()
    build(tiny, tmp_path / "site", timings=Timings(Spy()))
    assert seen and not any(seen)
    assert gc.isenabled()
    with pipeline.gc_paused():
        with pipeline.gc_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()
