"""Periods of every length (issue 13): a half-year total, a quarter total, a monthly average over
a half-year, a stock at a month, a year-to-date total and a year total build into a valid cube,
with their period IRIs, dates, CSV rows, and — for the year total, which had the retired kind
`year-total` — a link from its old observation IRI. The data folder is
tests/fixtures/periods (a nine-month bulletin) beside the real code lists."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib import namespace as ns

from asdh_lod.build.pipeline import prepare
from asdh_lod.publish import csvw
from asdh_lod.stages.fastcheck import fast_results
from asdh_lod.stages.validate import load_shapes, shacl_results
from helpers import DATA

PERIODS = Path(__file__).parent / "fixtures" / "periods"
BASE = "https://w3id.org/asdh-lod/"
OBS = BASE + "data/provincial/obs/23/"

# fact id → (period, kind, begin, end, value, observation IRI after …/obs/23/)
EXPECTED = {
    "home-care-payments-half-year": ("2025-01--2025-06", "total", "2025-01-01", "2025-06-30", "48300000",
                                     "2025-01--2025-06#total/home-care-allowance/disabled/payments"),
    "home-care-applications-first-quarter": ("2025-01--2025-03", "total", "2025-01-01", "2025-03-31", "3120",
                                             "2025-01--2025-03#total/home-care-allowance/disabled/applications"),
    "home-care-monthly-half-year": ("2025-01--2025-06", "monthly-average", "2025-01-01", "2025-06-30", "2450",
                                    "2025-01--2025-06#monthly-average/home-care-allowance/disabled/beneficiaries"),
    "shm-centres-june": ("2025-06", "stock", "2025-06-01", "2025-06-30", "4",
                         "2025-06#stock/social-service-centres/total/facilities"),
    "asdep-interviews-year-to-date": ("2025-01--2025-09", "total", "2025-01-01", "2025-09-30", "12870",
                                      "2025-01--2025-09#total/asdep/total/interviews"),
    "asdep-interviews-2024": ("2024", "total", "2024-01-01", "2024-12-31", "15002",
                              "2024#total/asdep/total/interviews"),
}


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    data = tmp_path_factory.mktemp("periods") / "data"
    shutil.copytree(DATA / "codelists", data / "codelists")
    shutil.copy(DATA / "dataset.yaml", data / "dataset.yaml")
    shutil.copytree(PERIODS / "sources", data / "sources")
    return prepare(data)  # raises ProblemsFound if any stage (load, check, SHACL gate) objects


def test_every_period_builds_into_a_valid_cube(result):
    assert result.report.ok and not result.report.problems
    whole = result.mapped.union()
    shapes = load_shapes(result.mapped.uris)
    assert fast_results(whole, shapes) == shacl_results(whole, shapes) == []


@pytest.mark.parametrize("fact_id", sorted(EXPECTED))
def test_observation_iri_period_iri_and_dates(result, fact_id):
    period, kind, begin, end, value, iri = EXPECTED[fact_id]
    g = result.mapped.data
    o = URIRef(OBS + iri)
    assert (o, ns.RDF.type, URIRef("http://purl.org/linked-data/cube#Observation")) in g
    assert (o, ns.DCTERMS.identifier, Literal(f"periods-bulten#{fact_id}")) in g
    p = URIRef(BASE + "id/period/" + period)
    assert (o, URIRef(BASE + "def/refPeriod"), p) in g
    assert (o, URIRef(BASE + "def/periodKind"), URIRef(BASE + "code/period-kind/" + kind)) in g
    dates = {pred: str(g.value(g.value(p, pred), ns.TIME.inXSDDate)) for pred in (ns.TIME.hasBeginning, ns.TIME.hasEnd)}
    assert dates == {ns.TIME.hasBeginning: begin, ns.TIME.hasEnd: end}
    assert g.value(g.value(p, ns.TIME.hasEnd), ns.TIME.inXSDDate).datatype == ns.XSD.date
    assert str(g.value(o, URIRef("http://purl.org/linked-data/sdmx/2009/measure#obsValue"))).removesuffix(".0") == value


def test_csv_rows_carry_the_period_and_its_dates(result):
    rows = {r["fact_id"].split("#")[1]: r for r in
            csv.DictReader(io.StringIO(result.files[csvw.CSV_PATH].decode("utf-8"), newline=""))}
    assert set(rows) == set(EXPECTED)
    for fact_id, (period, kind, begin, end, value, iri) in EXPECTED.items():
        r = rows[fact_id]
        assert (r["observation"], r["period"], r["period_start"], r["period_end"], r["period_kind"], r["value"]) == (
            OBS + iri, period, begin, end, kind, value)
    assert rows["home-care-payments-half-year"]["period_kind_en"] == "Total over the period"
    assert rows["home-care-payments-half-year"]["period_kind_tr"] == "Dönem toplamı"
    assert rows["home-care-monthly-half-year"]["period_kind_en"] == "Monthly average over the period"


def test_only_a_total_over_a_calendar_year_links_its_former_iri(result):
    """A total over one calendar year was a `year-total` before: its old hash IRI is published
    as dct:isReplacedBy the new one, in the same document (the part before `#` is unchanged)."""
    g = result.mapped.data
    links = sorted((str(s), str(o)) for s, o in g.subject_objects(ns.DCTERMS.isReplacedBy))
    assert links == [(OBS + "2024#year-total/asdep/total/interviews", OBS + "2024#total/asdep/total/interviews")]
    html = result.files["data/provincial/obs/23/2024.html"].decode("utf-8")
    assert 'id="year-total/asdep/total/interviews"' in html  # the old IRI lands on a section of its document
    assert "data/provincial/obs/23/2025-01--2025-06.html" in result.files


def test_the_retired_kind_stays_in_the_code_list_deprecated(result):
    g = result.mapped.codelists
    old, new = URIRef(BASE + "code/period-kind/year-total"), URIRef(BASE + "code/period-kind/total")
    assert (old, ns.OWL.deprecated, Literal(True)) in g
    assert (old, ns.DCTERMS.isReplacedBy, new) in g
    assert (new, ns.DCTERMS.replaces, old) in g
    assert (new, ns.OWL.deprecated, None) not in g
    assert "code/period-kind/year-total.html" in result.files  # its URI still resolves
