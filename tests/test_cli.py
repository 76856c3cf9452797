"""The command line: exit codes 0/1/2, exact messages, nothing written on failure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from asdh_lod.cli import main
from helpers import mutate


@pytest.fixture
def runner():
    return CliRunner()


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_build_publishes(runner, tiny, tmp_path):
    out = tmp_path / "site"
    r = runner.invoke(main, ["build", "--data", str(tiny), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert r.output == f"published {out}/: 7 observations, 4113 triples, 1504 files; SHACL: valid\n"
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
    assert r.output == "valid: 7 observations, 4113 triples\n"
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
    assert shapes == {"IC-13 Required attributes", "ASDH-7 Approximate flag given"}


def test_validate_reports_rdf_syntax_errors(runner, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .\n")
    r = runner.invoke(main, ["validate", str(bad)])
    assert r.exit_code == 1
    assert "[rdf-syntax]" in r.stdout and str(bad) in r.stdout


def test_help_has_examples(runner):
    for command in ("build", "validate"):
        r = runner.invoke(main, [command, "--help"])
        assert r.exit_code == 0 and "Example" in r.output


OBS = "<https://w3id.org/asdh-lod/data/provincial/obs/25/2025-12-31#stock/social-service-centres/total/facilities>"
DS = "<https://w3id.org/asdh-lod/data/provincial>"


@pytest.fixture
def tiny_dump(runner, data):
    """The tiny data folder built into site/ (working folder: its parent); the Turtle dump."""
    assert runner.invoke(main, ["build", "--data", "data", "--out", "site"]).exit_code == 0
    return data.parent / "site" / "downloads" / "asdh-lod.ttl"


def _duplicate(dump: Path, out: Path) -> Path:
    from rdflib import Graph, URIRef
    g = Graph().parse(dump)
    o = URIRef(OBS[1:-1])
    for p, v in list(g.predicate_objects(o)):
        g.add((URIRef(OBS[1:-1] + "-copy"), p, v))
    g.serialize(out, format="nt")
    return out


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_validate_report_grouped_by_shape_with_yaml_line(runner, tiny_dump, engine):
    bad = _duplicate(tiny_dump, tiny_dump.parent.parent.parent / "dup.nt")
    r = runner.invoke(main, ["validate", str(bad), "--engine", engine])
    assert r.exit_code == 1
    assert r.stdout.splitlines() == [
        "IC-12 No duplicate observations (Violation): 1 result",
        f"  data/sources/tiny-haber.yaml:35: {OBS}",
        f"    IC-12: 2 observations share the dimension values of {OBS[1:-1]}",
        f"    focus {DS}; value {OBS}",
    ]
    assert r.stderr == "Error: validate: 1 problem found; nothing was written\n"


def test_validate_json_report(runner, tiny_dump):
    bad = _duplicate(tiny_dump, tiny_dump.parent.parent.parent / "dup.nt")
    r = runner.invoke(main, ["validate", str(bad), "--format", "json"])
    assert r.exit_code == 1
    report = json.loads(r.stdout)
    assert report["valid"] is False and report["problem_count"] == 1
    assert report["shapes"] == [
        {"shape_id": "IC-12", "shape": "IC-12 No duplicate observations", "severity": "Violation", "results": 1}]
    (p,) = report["problems"]
    assert (p["code"], p["shape_id"], p["ic"], p["path"], p["line"], p["focus"], p["value"]) == (
        "shacl", "IC-12", 12, "data/sources/tiny-haber.yaml", 35, DS, OBS)


def test_validate_third_party_cube_gets_only_w3c_constraints(runner, tmp_path):
    cube = Path(__file__).parent / "mutations" / "ic-17-measure-missing-in-group.ttl"
    r = runner.invoke(main, ["validate", str(cube), "--data", str(tmp_path / "none")])
    assert r.exit_code == 1
    assert r.stdout.splitlines() == [
        "IC-17 All measures present in measures dimension cube (Violation): 1 result",
        "  <http://example.org/cube/o3>",
        "    IC-17: 1 observations share the non-measure dimension values of http://example.org/cube/o3, "
        "but the structure has 2 measures",
        "    focus <http://example.org/cube/ds>; value <http://example.org/cube/o3>",
    ]
    good = Path(__file__).parent / "mutations" / "third-party-measure-dimension-good.ttl"
    r = runner.invoke(main, ["validate", str(good), "--data", str(tmp_path / "none")])
    assert (r.exit_code, r.output) == (0, "valid: 31 triples in 1 file\n")


@pytest.mark.parametrize("args,message", [
    (["validate", "--data", "nowhere"], "data folder 'nowhere' does not exist"),
    (["validate", "x.ttl", "--engine", "jena"], "Invalid value for '--engine'"),
])
def test_validate_usage_errors(runner, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.ttl").write_text("")
    r = runner.invoke(main, args)
    assert r.exit_code == 2
    assert message in r.stderr
