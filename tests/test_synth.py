"""The synthetic national data folder: the real pipeline accepts it, and it is deterministic."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from asdh_lod.cli import main
from helpers import DATA
from asdh_lod.ingest.load import load
from asdh_lod.model.numbers import parse_number
from asdh_lod.build.pipeline import prepare
from asdh_lod.build.synth import SynthError, dotted, figure_for, plan, synthesize, words, write_synth


def test_words_and_dots_read_back_exactly():
    assert words(1122) == "bin 122"
    assert words(5939) == "5 bin 939"
    assert words(267857181) == "267 milyon 857 bin 181"
    assert words(2_000_000) == "2 milyon"
    assert words(1_000_001_000) == "1 milyar bin"
    assert dotted(92783) == "92.783"
    rng = random.Random(7)
    for _ in range(2000):
        n = int(10 ** rng.uniform(0, 10))
        assert parse_number(words(n)).value == n
        assert parse_number(dotted(n)).value == n
        for money in (False, True):
            fig, value, approx = figure_for(rng, n, money)
            parsed = parse_number(fig)
            assert (parsed.value, parsed.approximate) == (value, approx), fig
            assert (parsed.kind == "amount") == money


@pytest.mark.parametrize("n", [1, 3, 49, 50, 51, 200, 4049, 100_000])
def test_plan_states_exactly_n_facts(n):
    docs = plan(n)
    assert sum(d.n_facts for d in docs) == n
    assert len({(d.province, d.year) for d in docs}) == len(docs)


def test_plan_covers_every_province_and_year_at_national_scale():
    docs = plan(100_000)
    assert {d.province for d in docs} == {f"{i:02d}" for i in range(1, 82)}
    assert {d.year for d in docs} == set(range(2002, 2026))


def test_too_many_observations_is_refused():
    with pytest.raises(SynthError, match="at most"):
        plan(10**7)
    with pytest.raises(SynthError, match="at least 1"):
        plan(0)


def test_same_seed_same_files_other_seed_other_files():
    a, b, c = synthesize(300, seed=1, template=DATA), synthesize(300, seed=1, template=DATA), synthesize(300, seed=2, template=DATA)
    assert a == b
    assert a.keys() == c.keys() and a != c


def test_synthetic_folder_builds_with_no_problem(tmp_path):
    data = tmp_path / "national"
    write_synth(200, data, seed=3, template=DATA)
    assert (data / "codelists" / "provinces.yaml").read_bytes() == (
        Path(__file__).resolve().parents[1] / "data" / "codelists" / "provinces.yaml").read_bytes()
    result = prepare(data)
    assert result.report.problems == []
    assert result.observations == 200
    facts = result.model.facts
    assert Counter(f.period_kind for f in facts).keys() == {"total", "monthly-average", "stock", "cumulative"}
    assert any(f.approximate for f in facts) and any(f.total_of for f in facts)
    assert any(f.unit == "TRY" for f in facts) and any(" bin " in f.quote.figure for f in facts)
    for f in facts:  # what the check stage verified, asserted directly
        src = next(s for s in result.model.sources if s.document.id == f.document)
        assert f.quote.quote in src.document.text
        assert parse_number(f.quote.figure).value == f.value


def test_loader_sees_the_source_yaml_as_written(tmp_path):
    data = tmp_path / "national"
    write_synth(60, data, template=DATA)
    model, report = load(data)
    assert report.ok
    raw = yaml.safe_load((data / "sources" / "adana-2025-faaliyet-raporu.yaml").read_text(encoding="utf-8"))
    assert [f["id"] for f in raw["facts"]] == [f.id for f in model.sources[0].facts]


def test_cli_synth_then_build(tmp_path):
    runner = CliRunner()
    data, site = tmp_path / "national", tmp_path / "site"
    r = runner.invoke(main, ["synth", "--observations", "120", "--out", str(data), "--seed", "5", "--from", str(DATA)])
    assert r.exit_code == 0, r.output
    assert r.output == f"wrote {data}/: 120 observations in 3 source documents (seed 5)\n"
    r = runner.invoke(main, ["build", "--data", str(data), "--out", str(site)])
    assert r.exit_code == 0, r.output
    assert r.output.startswith(f"published {site}/: 120 observations, ")


def test_cli_synth_needs_a_data_folder_to_copy(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no data/ here
    r = CliRunner().invoke(main, ["synth", "--observations", "10", "--out", str(tmp_path / "x")])
    assert r.exit_code == 2
    assert "data is not a data folder with codelists/ and dataset.yaml: pass --from DIR" in r.output
    assert not (tmp_path / "x").exists()


def test_cli_synth_refuses_impossible_sizes(tmp_path):
    r = CliRunner().invoke(main, ["synth", "--observations", "99999999", "--out", str(tmp_path / "x")])
    assert r.exit_code == 2
    assert "at most" in r.output
    assert not (tmp_path / "x").exists()
