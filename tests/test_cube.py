"""The published cube holds every curated figure, correctly qualified and traceable.

The N-Triples dump the build wrote is loaded into pyoxigraph (a store the build does not
use), and every fact in data/sources/*.yaml is looked up through a SPARQL query by its
dimension values.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml

from helpers import DATA

QUERIES = Path(__file__).parent / "queries"
BASE = "https://w3id.org/asdh-lod/"


@pytest.fixture(scope="module")
def store(built) -> ox.Store:
    s = ox.Store()
    s.bulk_load(path=str(built.out / "downloads" / "asdh-lod.nt"), format=ox.RdfFormat.N_TRIPLES)
    return s


def query(store: ox.Store, name: str, **bindings) -> list:
    text = (QUERIES / name).read_text(encoding="utf-8")
    subs = {ox.Variable(k): (v if isinstance(v, (ox.NamedNode, ox.Literal)) else ox.Literal(v))
            for k, v in bindings.items()}
    return list(store.query(text, prefixes={"asdh": BASE + "def/"}, substitutions=subs))


def curated_facts() -> list[tuple[str, dict, dict]]:
    out = []
    for f in sorted((DATA / "sources").glob("*.yaml")):
        doc = yaml.safe_load(f.read_text(encoding="utf-8"))
        for fact in doc["facts"]:
            out.append((f.stem, doc["document"], fact))
    return out


FACTS = curated_facts()


def test_there_are_about_95_figures():
    assert len(FACTS) == 97
    assert {stem for stem, _, _ in FACTS} == {
        "elazig-ili-bilgilendirme-kitapcigi-2024-05", "erzurum-2025-faaliyet-raporu-haber"}


def _value(lit: ox.Literal) -> Fraction:
    return Fraction(Decimal(lit.value))


@pytest.mark.parametrize("stem,document,fact", FACTS, ids=[f"{s}#{f['id']}" for s, _, f in FACTS])
def test_every_fact_is_an_observation(store, stem, document, fact):
    rows = query(store, "fact-observation.rq",
                 province=str(fact.get("province", document["province"])), period=str(fact["period"]),
                 kind=fact["period_kind"], programme=fact["programme"],
                 targetGroup=fact["target_group"], indicator=fact["indicator"])
    assert len(rows) == 1, f"{len(rows)} observations for {stem}#{fact['id']}"
    row = rows[0]
    expected = Fraction(str(fact["value"])) if not isinstance(fact["value"], int) else Fraction(fact["value"])
    assert _value(row["value"]) == expected
    xsd = "http://www.w3.org/2001/XMLSchema#"
    assert row["value"].datatype.value == xsd + ("decimal" if fact["unit"] == "TRY" else "integer")
    assert row["unit"].value == fact["unit"]
    assert row["approximate"].value == ("true" if fact.get("approximate") else "false")
    assert row["source"].value == f"{BASE}id/source/{stem}"
    quotes = {r["quote"].value for r in query(store, "observation-quotes.rq", obs=row["obs"])}
    assert fact["quote"] in quotes


# Spot checks: numbers typed by hand from the source texts, not read from our YAML.
SPOT = [
    # province, period, kind, programme, target group, indicator, unit, value
    ("23", "2024-05", "stock", "home-care-allowance", "disabled", "beneficiaries", "person", 5394),
    ("23", "2017--2024-05", "cumulative", "asdep", "total", "beneficiaries", "household", 92783),
    ("23", "..--2024-05", "cumulative", "violence-prevention-centres", "women", "beneficiaries", "person", 23491),
    ("23", "..--2024-05", "cumulative", "violence-prevention-centres", "total", "beneficiaries", "person", 27074),
    ("23", "2012--2024-05", "cumulative", "socio-economic-support", "children", "funds-allocated", "TRY",
     Fraction(188_100_000)),
    ("23", "2003--2024", "cumulative", "social-assistance", "total", "funds-allocated", "TRY",
     Fraction(6_670_000_000)),
    ("23", "2024-05", "stock", "institutional-child-care", "children", "beneficiaries", "child", 90),
    ("23", "2024", "total", "social-assistance", "total", "beneficiaries", "household", 55477),
    ("25", "2025", "total", "private-disability-care", "disabled", "payments", "TRY", Fraction(267_857_181)),
    ("25", "2025", "monthly-average", "home-care-allowance", "disabled", "beneficiaries", "person", 5939),
    ("25", "2017--2025", "cumulative", "disability-id-card", "disabled", "active-card-holders", "person", 12721),
    ("25", "2025", "total", "private-childcare", "children", "beneficiaries", "child", 1122),
    ("25", "2025", "total", "family-education", "total", "trainees", "person", 24839),
    ("25", "2025", "total", "asdep", "total", "interviews", "interview", 99096),
    ("25", "2025", "total", "young-marriage-support", "young-people", "applications", "application", 1478),
]


@pytest.mark.parametrize("province,period,kind,programme,group,indicator,unit,value", SPOT)
def test_spot_checks_typed_from_the_sources(store, province, period, kind, programme, group, indicator, unit,
                                            value):
    rows = query(store, "fact-observation.rq", province=province, period=period, kind=kind,
                 programme=programme, targetGroup=group, indicator=indicator)
    assert len(rows) == 1
    assert _value(rows[0]["value"]) == Fraction(value)
    assert rows[0]["unit"].value == unit


def test_period_bounds_are_real_dates(store):
    rows = query(store, "fact-observation.rq", province="23", period="2013--2024-05", kind="cumulative",
                 programme="family-education-programme", targetGroup="total", indicator="trainees")
    assert rows[0]["begin"].value == "2013-01-01"
    assert rows[0]["end"].value == "2024-05-31"
    assert _value(rows[0]["value"]) == 20864


def test_approximate_values_keep_their_precision(store):
    q = """PREFIX sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#>
           SELECT ?v ?p WHERE { ?o asdh:approximate true ; asdh:precision ?p ; sdmx-measure:obsValue ?v }"""
    rows = {(Fraction(Decimal(r["v"].value)), Fraction(Decimal(r["p"].value)))
            for r in store.query(q, prefixes={"asdh": BASE + "def/"})}
    assert (Fraction(1_100_000), Fraction(100_000)) in rows          # "1,1 milyon TL"
    assert (Fraction(6_670_000_000), Fraction(10_000_000)) in rows   # "yaklaşık 6,67 milyar TL"
    assert len(rows) == 5


def test_non_numeric_facts_are_resources(store):
    q = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
           SELECT ?type (COUNT(?s) AS ?n) WHERE { ?s a ?type .
             VALUES ?type { asdh:Facility asdh:InvestmentProject asdh:NationalRule asdh:RuleParameter } }
           GROUP BY ?type"""
    counts = {r["type"].value.rsplit("/", 1)[-1]: int(r["n"].value)
              for r in store.query(q, prefixes={"asdh": BASE + "def/"})}
    assert counts["Facility"] == 4
    assert counts["InvestmentProject"] == 2
    assert counts["NationalRule"] == 13
    q = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
           SELECT ?v WHERE { <%sid/rule/home-care-income-threshold> asdh:parameter/rdf:value ?v }""" % BASE
    (row,) = store.query(q, prefixes={"asdh": BASE + "def/"})
    assert row["v"].value == "2/3"
    assert row["v"].datatype.value == "http://www.w3.org/2002/07/owl#rational"
    q = "SELECT ?c ?k WHERE { <%sid/project/erzurum-engelli-aktif-yasam-merkezi> asdh:cost ?c ; asdh:capacity ?k }" % BASE
    (row,) = store.query(q, prefixes={"asdh": BASE + "def/"})
    assert Fraction(Decimal(row["c"].value)) == 41_022_000 and row["k"].value == "40"


def test_all_81_provinces_with_codes(store):
    q = """SELECT ?plate ?iso ?nuts WHERE { ?p a asdh:Province ; asdh:plateCode ?plate ;
           asdh:isoCode ?iso ; asdh:nutsCode ?nuts }"""
    rows = {r["plate"].value: (r["iso"].value, r["nuts"].value)
            for r in store.query(q, prefixes={"asdh": BASE + "def/"})}
    assert len(rows) == 81
    assert rows["25"] == ("TR-25", "TRA11")
    assert rows["23"] == ("TR-23", "TRB12")
    assert rows["34"] == ("TR-34", "TR100")
    q = "SELECT ?s WHERE { <%scode/province/25> <http://www.w3.org/2002/07/owl#sameAs> ?s }" % BASE
    assert [r["s"].value for r in store.query(q)] == ["http://www.wikidata.org/entity/Q376797"]
