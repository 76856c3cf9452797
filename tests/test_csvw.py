"""The tidy CSV and its CSVW metadata: read back by independent readers, same figures, same RDF."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from asdh_lod.publish import csvw as C
from asdh_lod.stages.mapping import QB, SDMX_MEASURE
from asdh_lod.rdf.uris import Uris


@pytest.fixture(scope="module")
def site(built):
    return built.out


@pytest.fixture(scope="module")
def dump(site) -> Graph:
    return Graph().parse(site / "downloads" / "asdh-lod.nt", format="nt")


def _norm(o):
    """A term as a comparable value: IRIs as themselves, numbers by value and type."""
    if isinstance(o, Literal):
        if o.datatype in (XSD.integer, XSD.decimal):
            return (str(o.datatype), None, Decimal(str(o)))
        return (str(o.datatype) if o.datatype else None, o.language, str(o))
    return o


def _literal(value, col) -> Literal:
    base = col.datatype.base if col.datatype else "string"
    if base == "string":
        lang = col.inherit("lang")
        return Literal(value, lang=None if lang in (None, "und") else lang)
    return Literal(value, datatype=XSD[base])


def csvw_to_rdf(metadata) -> set:
    """csv2rdf (minimal mode) with the `csvw` package: it reads the CSV as the metadata says
    (dialect, datatypes, nulls, separators) and expands aboutUrl/propertyUrl/valueUrl; we only
    assemble its triples. (Its own to_json cannot frame rows that describe several subjects.)"""
    from csvw import Table
    from csvw.jsonld import Triple
    from csvw.metadata_utils import qname2url

    def iri(text: str) -> URIRef:
        return URIRef(text if "://" in text else qname2url(text))

    table = Table.from_file(metadata)
    about = table.tableSchema.aboutUrl
    out = set()
    for rownum, row in enumerate(table.iterdicts(strict=True), start=1):
        subject = iri(table.expand(about, row, _row=rownum))
        for col in table.tableSchema.columns:
            if col.suppressOutput:
                continue
            if col.virtual:
                values = [None]
            else:
                v = row[col.header]
                if v is None or v == "" or v == []:
                    continue
                values = v if isinstance(v, list) else [v]
            for v in values:
                t = Triple.from_col(table, col, row, col.header, v, rownum)
                s = iri(t.about) if t.about else subject
                o = iri(t.value) if col.valueUrl else _literal(v, col)
                out.add((s, iri(t.property), o))
    return out


def test_the_csvw_package_finds_the_table_valid(site):
    from csvw import CSVW

    doc = CSVW(str(site / C.METADATA_PATH))
    assert doc.is_valid, doc.warnings
    assert doc.warnings == []


def test_csvw_gives_exactly_the_cubes_observation_triples(site, dump, built):
    triples = csvw_to_rdf(site / C.METADATA_PATH)
    got = {(s, p, _norm(o)) for s, p, o in triples}
    observations = set(dump.subjects(RDF.type, QB.Observation))
    assert len(observations) == built.observations == 97
    # asdh:totalOf links a stated total to other observations (the SHACL gate's ASDH-14): a link
    # between rows, not a cell of one; the CSV does not carry it (yet)
    total_of = URIRef(built.mapped.uris.asdh + "totalOf")
    want = {(s, p, _norm(o)) for s in observations for p, o in dump.predicate_objects(s) if p != total_of}
    from_csv_about_obs = {t for t in got if t[0] in observations}
    assert from_csv_about_obs == want
    # and whatever else the CSV says (the codes' labels) is in the published graph too
    published = {(s, p, _norm(o)) for s, p, o in dump}
    assert got - published == set()
    assert len(got - from_csv_about_obs) > 0


def test_a_plain_csv_reader_gives_the_same_figures(site, dump):
    text = (site / C.CSV_PATH).read_bytes().decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    values = {s: o for s, o in dump.subject_objects(SDMX_MEASURE.obsValue)
              if (s, RDF.type, QB.Observation) in dump}
    assert {URIRef(r["observation"]): Decimal(r["value"]) for r in rows} == {
        s: Decimal(str(o)) for s, o in values.items()}
    for r in rows:  # the typed column that holds the figure is the one of the cube's literal
        lit = values[URIRef(r["observation"])]
        typed = r["value_integer"] if lit.datatype == XSD.integer else r["value_decimal"]
        assert Decimal(typed) == Decimal(r["value"])
        assert (r["value_integer"] == "") != (r["value_decimal"] == "")


def test_csv_is_rfc4180_utf8_sorted(site, built):
    data = (site / C.CSV_PATH).read_bytes()
    text = data.decode("utf-8")
    assert not text.startswith("\ufeff")
    header = text.split("\r\n", 1)[0]
    assert header.split(",") == [c.name for c in C.columns(built.mapped.uris)]
    assert text.endswith("\r\n") and header.endswith("_id")
    rows = list(csv.DictReader(io.StringIO(text, newline=""), strict=True))
    assert any("\n" in r["quote"] for r in rows)  # a quote over two lines stays one quoted cell
    assert len(rows) == built.observations
    assert [r["observation"] for r in rows] == sorted(r["observation"] for r in rows)
    first = next(r for r in rows if r["fact_id"].endswith("#free-travel-cards-issued"))
    assert (first["province"], first["province_tr"], first["province_en"]) == ("23", "Elazığ", "Elazığ Province")
    assert (first["period"], first["period_start"], first["period_end"]) == ("..--2024-05", "", "2024-05-31")
    assert (first["value"], first["value_integer"], first["approximate"]) == ("1891", "1891", "false")


def test_metadata_names_the_csv_and_the_observation_template(site, built):
    meta = json.loads((site / C.METADATA_PATH).read_text(encoding="utf-8"))
    assert meta["url"] == "asdh-lod.csv"
    u = built.mapped.uris
    fact = built.model.facts[0]
    template = meta["tableSchema"]["aboutUrl"]
    filled = template
    for name, value in zip(("province", "period", "period_kind", "programme", "target_group", "indicator"), fact.key):
        filled = filled.replace("{" + name + "}", value)
    assert filled == str(u.fact(fact))


def test_several_quotes_are_one_cell_split_by_the_separator(site, dump):
    rows = list(csv.DictReader(io.StringIO((site / C.CSV_PATH).read_text(encoding="utf-8"), newline="")))
    multi = [r for r in rows if C.QUOTE_SEPARATOR in r["quote"]]
    assert multi, "the real data has figures quoted twice (also_quoted)"
    for r in multi:
        quotes = set(r["quote"].split(C.QUOTE_SEPARATOR))
        s = URIRef(r["observation"])
        published = {str(o) for p, o in dump.predicate_objects(s) if str(p).endswith("/def/sourceQuote")}
        assert quotes == published


def test_base_iri_moves_the_templates(tiny):
    from asdh_lod.build.pipeline import prepare

    result = prepare(tiny, "https://example.org/x/")
    meta = json.loads(result.files[C.METADATA_PATH])
    assert meta["tableSchema"]["aboutUrl"].startswith("https://example.org/x/data/")
    assert all("w3id.org" not in json.dumps(c) for c in meta["tableSchema"]["columns"])
    first = result.files[C.CSV_PATH].decode("utf-8").split("\r\n")[1]
    assert first.startswith("https://example.org/x/data/")


def test_a_quote_holding_the_separator_is_a_problem_before_anything_is_written(data, tmp_path):
    from helpers import SRC, mutate
    from asdh_lod.build.pipeline import build
    from asdh_lod.core.problems import ProblemsFound

    txt = data / "sources" / "tiny-haber.txt"
    txt.write_text(txt.read_text(encoding="utf-8").replace(
        "Bu alanda toplam", "Bu alanda | toplam", 1), encoding="utf-8")
    mutate(data, '"Bu alanda toplam 12', '"Bu alanda | toplam 12')
    out = tmp_path / "site"
    with pytest.raises(ProblemsFound) as e:
        build(data, out)
    assert [(p.code, p.path, p.line) for p in e.value.report.problems] == [("quote-has-separator", SRC, 25)]
    assert str(e.value.report.problems[0]) == (
        f'{SRC}:25: [quote-has-separator] quote contains " | ", which separates a figure\'s quotes in '
        'the CSV download (quote a passage without " | ")')
    assert not out.exists()
    with pytest.raises(ValueError, match="quote contains the CSV separator"):  # render never guesses
        C.observations_csv(_model(data), Uris("https://w3id.org/asdh-lod/", "provincial"))


def _model(data):
    from asdh_lod.ingest.load import load

    model, _ = load(data)
    return model
