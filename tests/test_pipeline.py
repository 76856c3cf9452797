"""The pipeline's SHACL gate (`build.pipeline.Gate`): in `build` the validator runs in a forked
child process while the render stage sorts the data graph's lines (in a republish, also makes
the dumps) in its scratch folder; nothing goes into the site before it has passed, and its
problems are reported as when it ran first."""

from __future__ import annotations

import os
import signal
from datetime import date
from pathlib import Path

import pytest

from asdh_lod.build import pipeline
from asdh_lod.build.releases import ReleaseRequest
from asdh_lod.core.problems import ProblemsFound, problem
from asdh_lod.publish import render
from asdh_lod.stages.fastcheck import validate_fast


def _validator(error: bool = False, die: bool = False):
    """The build's validator, which also says (a warning, or an error) which process ran it."""
    def run(mapped, shapes, origins, report):
        if die and os.getpid() != parent:  # in the child: killed, as the kernel kills one out of memory
            os.kill(os.getpid(), signal.SIGKILL)
        validate_fast(mapped, shapes, origins, report)
        report.add(problem("shacl", "data/x.yaml", 1, severity="error" if error else "warning",
                           message=f"validated in process {os.getpid()}"))
        return report
    parent = os.getpid()
    return run


def _validated_in(report) -> list[int]:
    return [int(p.message.rsplit(" ", 1)[1]) for p in report.problems if "validated in process" in p.message]


def _folder(path: Path) -> dict[str, bytes]:
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


@pytest.fixture
def events(monkeypatch) -> list[str]:
    """What happens, in order: the gate passed, the dumps were made, the first file was staged."""
    seen: list[str] = []
    real_gate, real_stage, real_chunked = pipeline.Gate.__call__, pipeline.stage_site, render.write_chunked
    real_sorted = render.sorted_data_lines

    def gate(self):
        passed = self._passed
        real_gate(self)
        if not passed:
            seen.append("gate passed")

    def stage_site(files, out):
        def watched():
            for i, item in enumerate(files):
                if i == 0:
                    seen.append("first file")
                yield item
        return real_stage(watched(), out)

    def write_chunked(*args, **kwargs):
        real_chunked(*args, **kwargs)
        seen.append("dumps made")

    def sorted_data_lines(*args, **kwargs):
        yield from real_sorted(*args, **kwargs)
        seen.append("data lines sorted")

    monkeypatch.setattr(pipeline.Gate, "__call__", gate)
    monkeypatch.setattr(pipeline, "stage_site", stage_site)
    monkeypatch.setattr(render, "write_chunked", write_chunked)
    monkeypatch.setattr(render, "sorted_data_lines", sorted_data_lines)
    return seen


def test_a_full_build_validates_in_a_child_beside_the_sorting_and_before_the_dumps(tiny, tmp_path, events):
    timings = pipeline.Timings()
    result = pipeline.build(tiny, tmp_path / "site", validator=_validator(), timings=timings)
    assert events == ["data lines sorted", "gate passed", "dumps made", "first file"]
    (pid,) = _validated_in(result.report)
    assert pid != os.getpid()  # a forked child: its index never in this process
    assert timings.forked["validate"] > 0


def test_a_republish_validates_in_a_child_beside_the_dumps_and_before_any_file(tiny, tmp_path, events):
    pipeline.build(tiny, tmp_path / "site", validator=_validator(), cache_dir=tmp_path / "cache")
    events.clear()
    timings = pipeline.Timings()
    result = pipeline.build(tiny, tmp_path / "site", validator=_validator(), timings=timings,
                            cache_dir=tmp_path / "cache")
    assert result.cache.reused == 1 and result.pages_reused > 0  # an incremental build
    assert events == ["data lines sorted", "dumps made", "gate passed", "first file"]
    (pid,) = _validated_in(result.report)
    assert pid != os.getpid()
    assert timings.forked["validate"] > 0 and timings.seconds["validate"] < timings.forked["validate"]
    # published elsewhere with the same cache: not a republish, the gate before the dumps
    events.clear()
    pipeline.build(tiny, tmp_path / "elsewhere", validator=_validator(), cache_dir=tmp_path / "cache")
    assert events == ["data lines sorted", "gate passed", "dumps made", "first file"]


def test_one_worker_validates_here_first(tiny, tmp_path, monkeypatch):
    monkeypatch.setenv("ASDH_LOD_WORKERS", "1")
    timings = pipeline.Timings()
    result = pipeline.build(tiny, tmp_path / "site", validator=_validator(), timings=timings)
    assert _validated_in(result.report) == [os.getpid()] and "validate" not in timings.forked


def test_a_failed_gate_writes_nothing_and_its_problems_come_first(tiny, tmp_path, monkeypatch):
    site = tmp_path / "site"
    pipeline.build(tiny, site)
    before, beside = _folder(site), sorted(tmp_path.iterdir())

    def outputs(model, queries, report):  # a problem of the output formats' checks too
        report.add(problem("quote-has-separator", "data/y.yaml", 7, separator=" | "))
        return report

    monkeypatch.setattr(pipeline, "check_outputs", outputs)
    with pytest.raises(ProblemsFound) as err:
        pipeline.build(tiny, site, validator=_validator(error=True))
    assert err.value.stage == "validate"
    assert [p.code for p in err.value.report.problems] == ["shacl"]  # the outputs' problem is not reached
    assert _validated_in(err.value.report)[0] != os.getpid()
    assert _folder(site) == before and sorted(tmp_path.iterdir()) == beside  # nothing written, nothing left
    with pytest.raises(ProblemsFound) as err:  # the gate passed: then the outputs' problems
        pipeline.build(tiny, site, validator=_validator())
    assert err.value.stage == "outputs"
    assert [(p.code, p.severity) for p in err.value.report.problems] == [("shacl", "warning"),
                                                                         ("quote-has-separator", "error")]
    assert _folder(site) == before and sorted(tmp_path.iterdir()) == beside


def test_a_republish_that_fails_the_gate_writes_nothing_and_the_gate_comes_before_the_releases(tiny, tmp_path):
    site, cache = tmp_path / "site", tmp_path / "cache"
    pipeline.build(tiny, site, cache_dir=cache, release=ReleaseRequest("2026.1", "first", date(2026, 12, 3)))
    before, beside = _folder(site), sorted(tmp_path.iterdir())
    with pytest.raises(ProblemsFound) as err:  # deferred: the gate inside the render stage
        pipeline.build(tiny, site, validator=_validator(error=True), cache_dir=cache)
    assert err.value.stage == "validate" and _validated_in(err.value.report)[0] != os.getpid()
    assert _folder(site) == before and sorted(tmp_path.iterdir()) == beside
    record = next((site / "releases" / "2026.1").rglob("*.ttl"))
    record.write_bytes(record.read_bytes() + b"\n")  # a tampered release: a problem of its own
    before = _folder(site)
    with pytest.raises(ProblemsFound) as err:  # both: the SHACL gate's problems come first
        pipeline.build(tiny, site, validator=_validator(error=True), cache_dir=cache)
    assert err.value.stage == "validate" and [p.code for p in err.value.report.problems] == ["shacl"]
    with pytest.raises(ProblemsFound) as err:
        pipeline.build(tiny, site, validator=_validator(), cache_dir=cache)
    assert err.value.stage == "releases" and "release-tampered" in [p.code for p in err.value.report.problems]
    assert _folder(site) == before and sorted(tmp_path.iterdir()) == beside


def test_a_killed_validation_child_means_validating_here(tiny, tmp_path):
    result = pipeline.build(tiny, tmp_path / "site", validator=_validator(die=True))
    assert _validated_in(result.report) == [os.getpid()]  # the child died; validated here instead
    assert (tmp_path / "site" / "index.html").is_file()
