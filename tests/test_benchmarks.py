"""The benchmark runs end to end (tiny size): both builds, every stage, table and files."""

from __future__ import annotations

import json
import subprocess
import sys

from helpers import ROOT

STAGES = {"fast": ["load", "check", "map", "validate", "render", "write"],  # no graph of everything
          "naive": ["load", "check", "map", "graph", "validate", "render", "write"]}


def test_benchmark_runs_both_builds_and_writes_results(tmp_path):
    stem = tmp_path / "results"
    p = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--sizes", "60", "--cap", "300",
                        "--work", str(tmp_path / "work"), "--out", str(stem)],
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    doc = json.loads(stem.with_suffix(".json").read_text(encoding="utf-8"))
    assert doc["machine"]["cores"] >= 1 and doc["machine"]["python"]
    (run,) = doc["results"]
    assert run["observations"] == 60
    for kind in ("fast", "naive"):
        assert list(run[kind]["seconds"]) == STAGES[kind]
        assert run[kind]["observations"] == 60 and run[kind]["triples"] > 60 * 14
        assert run[kind]["peak"] >= max(run[kind]["peak_rss"].values()) > 0
    assert run["fast"]["triples"] == run["naive"]["triples"]
    assert run["fast"]["validator"] == "asdh_lod.stages.fastcheck.validate_fast"
    assert "| 60 | **total** |" in p.stdout and "naive ÷ fast" in p.stdout
    assert stem.with_suffix(".md").read_text(encoding="utf-8").startswith("# Benchmark results")
    # both builds published the same graph
    import pyoxigraph as ox

    fast = set(ox.parse(path=str(tmp_path / "work" / "site-fast-60" / "downloads" / "asdh-lod.nt")))
    naive = set(ox.parse(path=str(tmp_path / "work" / "site-naive-60" / "downloads" / "asdh-lod.nt")))
    assert fast == naive


def test_validator_none_is_labelled(tmp_path):
    stem = tmp_path / "results"
    p = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--sizes", "30", "--no-naive",
                        "--validator", "none", "--work", str(tmp_path / "work"), "--out", str(stem)],
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    assert "`(none).validation-skipped`" in p.stdout
    run = json.loads(stem.with_suffix(".json").read_text(encoding="utf-8"))["results"][0]
    assert run["naive"] == {"skipped": "--no-naive"}
