"""The command line: exit codes 0/1/2, exact messages, nothing written on failure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from asdh_lod.cli import main
from conftest import mutate


@pytest.fixture
def runner():
    return CliRunner()


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_build_publishes(runner, tiny, tmp_path):
    out = tmp_path / "site"
    r = runner.invoke(main, ["build", "--data", str(tiny), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert r.output == f"published {out}/: 7 observations, 3533 triples, 1354 files; SHACL: valid\n"
    assert (out / "downloads" / "asdh-lod.ttl").is_file()


def test_failed_build_leaves_site_untouched(runner, tiny, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "site"
    assert runner.invoke(main, ["build", "--data", "data", "--out", "site"]).exit_code == 0
    (out / "marker.txt").write_text("previous edition")
    before = _snapshot(out)
    mutate(tiny, "value: 1250", "value: 1251")
    r = runner.invoke(main, ["build", "--data", "data", "--out", "site"])
    assert r.exit_code == 1
    assert r.stderr.splitlines() == [
        "data/sources/tiny-haber.yaml:16: [value-mismatch] value 1251 but the quote states \"1.250\" = 1250 "
        "(set 'value' to 1250, or correct the figure)",
        "Error: check: 1 problem found; nothing was written",
    ]
    assert _snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "site"]  # no temporary folder left


def test_build_reports_many_problems_at_once(runner, tiny, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    mutate(tiny, "unit: person", "unit: people")
    mutate(tiny, "programme: social-service-centres", "programme: shm")
    r = runner.invoke(main, ["build", "--data", "data", "--out", "site"])
    assert r.exit_code == 1
    assert r.stderr.splitlines() == [
        "data/sources/tiny-haber.yaml:17: [unknown-code] unit 'people' is not in code list 'unit' "
        "(use a code from data/codelists/units.yaml (did you mean 'person'?))",
        "data/sources/tiny-haber.yaml:40: [unknown-code] programme 'shm' is not in code list 'programme' "
        "(use a code from data/codelists/programmes.yaml)",
        "Error: load: 2 problems found; nothing was written",
    ]
    assert not (tmp_path / "site").exists()


def test_build_json_report(runner, tiny, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    mutate(tiny, "total_of: [aep-trainees, eoe-trainees]", "total_of: [aep-trainees]")
    r = runner.invoke(main, ["build", "--data", "data", "--out", "site", "--format", "json"])
    assert r.exit_code == 1
    report = json.loads(r.stdout)
    assert report["valid"] is False and report["problem_count"] == 1
    (p,) = report["problems"]
    assert (p["code"], p["path"], p["line"], p["title"]) == (
        "total-mismatch", "data/sources/tiny-haber.yaml", 78, "Total disagrees with its parts")
    assert p["message"] == "'education-total' is 21986 but its parts aep-trainees add up to 20864"


@pytest.mark.parametrize("args,message", [
    (["build", "--data", "nowhere"], "data folder 'nowhere' does not exist"),
    (["build", "--base-iri", "ftp://x/"], "--base-iri must be an http(s) IRI ending in '/', not 'ftp://x/'"),
    (["build", "--format", "xml"], "Invalid value for '--format'"),
    (["validate", "missing.ttl"], "File 'missing.ttl' does not exist"),
    (["frobnicate"], "No such command 'frobnicate'"),
])
def test_usage_errors_exit_2(runner, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(main, args)
    assert r.exit_code == 2
    assert message in r.stderr


def test_validate_data_folder_writes_nothing(runner, tiny, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(main, ["validate", "--data", "data"])
    assert r.exit_code == 0
    assert r.output == "valid: 7 observations, 3533 triples\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


def test_validate_rdf_files(runner, built, tmp_path):
    dump = built.out / "downloads" / "asdh-lod.ttl"
    r = runner.invoke(main, ["validate", str(dump)])
    assert r.exit_code == 0, r.output
    assert r.output == f"valid: {built.triples} triples in 1 file\n"
    broken = tmp_path / "broken.ttl"
    text = dump.read_text(encoding="utf-8")
    broken.write_text(text.replace("asdh:approximate false ;", "", 1), encoding="utf-8")
    r = runner.invoke(main, ["validate", str(broken), "--format", "json"])
    assert r.exit_code == 1
    shapes = {p["shape"] for p in json.loads(r.stdout)["problems"]}
    assert shapes == {"IC-13 Required attributes", "asdh observation"}


def test_validate_reports_rdf_syntax_errors(runner, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .\n")
    r = runner.invoke(main, ["validate", str(bad)])
    assert r.exit_code == 1
    assert "[rdf-syntax]" in r.stderr and str(bad) in r.stderr


def test_help_has_examples(runner):
    for command in ("build", "validate"):
        r = runner.invoke(main, [command, "--help"])
        assert r.exit_code == 0 and "Example" in r.output
