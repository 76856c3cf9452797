"""Fact-level provenance in the dumps: every observation prov:wasDerivedFrom its source
document, and each of its quotes is a W3C Web Annotation whose selectors, cut out of the
published text (site/sources/*.txt), give exactly the quote. And the units' QUDT links."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, SKOS, XSD, Namespace

from asdh_lod.rdf.files import FILES
from asdh_lod.stages.mapping import QB

OA = Namespace("http://www.w3.org/ns/oa#")
UNIT = Namespace("http://qudt.org/vocab/unit/")
CUR = Namespace("http://qudt.org/vocab/currency/")


@pytest.fixture(scope="module")
def dump(built) -> Graph:
    """The published Turtle dump, read back (not the build's triples)."""
    return Graph().parse(built.out / FILES["turtle"].path, format="turtle")


def _text(site: Path, base: str, url: URIRef) -> str:
    """A published source text, read from the site by its URL, decoded: Python str indices are
    Unicode code points, the unit of oa:start/oa:end."""
    assert str(url).startswith(base + "sources/") and str(url).endswith(".txt"), url
    return (site / str(url)[len(base):]).read_bytes().decode("utf-8")


def test_every_observation_was_derived_from_its_source_document(dump, built):
    u = built.mapped.uris
    obs = set(dump.subjects(RDF.type, QB.Observation))
    assert len(obs) == built.observations == 97
    for o in obs:
        docs = set(dump.objects(o, PROV.wasDerivedFrom))
        assert docs == set(dump.objects(o, u.asdh.sourceDocument)) and len(docs) == 1, o
    f = next(f for f in built.model.facts if f.id == "social-service-centres")
    assert (u.fact(f), PROV.wasDerivedFrom, u.source("elazig-ili-bilgilendirme-kitapcigi-2024-05")) in dump


def test_every_selector_cuts_exactly_the_quote_out_of_the_published_text(dump, built):
    site, u = built.out, built.mapped.uris
    annotations = set(dump.subjects(RDF.type, OA.Annotation))
    quotes = sum(1 + len(f.also_quoted) for f in built.model.facts)
    assert len(annotations) == quotes >= 97
    texts: dict[URIRef, str] = {}
    for a in annotations:
        o = dump.value(a, OA.hasBody)
        assert (o, RDF.type, QB.Observation) in dump
        assert str(a).startswith(str(o) + "/quote/")  # a hash IRI beside its observation
        assert dump.value(a, OA.motivatedBy) == OA.describing
        target = dump.value(a, OA.hasTarget)
        assert (target, RDF.type, OA.SpecificResource) in dump
        source = dump.value(target, OA.hasSource)
        doc = dump.value(o, PROV.wasDerivedFrom)
        assert str(source) == f"{u.base}sources/{str(doc).rsplit('/', 1)[1]}.txt"  # the published text
        text = texts.setdefault(source, _text(site, u.base, source))
        selectors = {dump.value(s, RDF.type): s for s in dump.objects(target, OA.hasSelector)}
        assert set(selectors) == {OA.TextQuoteSelector, OA.TextPositionSelector}
        q, p = selectors[OA.TextQuoteSelector], selectors[OA.TextPositionSelector]
        start, end = dump.value(p, OA.start), dump.value(p, OA.end)
        assert start.datatype == end.datatype == XSD.nonNegativeInteger
        start, end = int(start), int(end)
        exact = str(dump.value(q, OA.exact))
        assert text[start:end] == exact  # the position selector selects the quote
        assert Literal(exact, lang="tr") in set(dump.objects(o, u.asdh.sourceQuote))  # one of its quotes
        prefix, suffix = dump.value(q, OA.prefix), dump.value(q, OA.suffix)
        assert prefix is not None or start == 0
        assert suffix is not None or end == len(text)
        if prefix is not None:
            assert text[:start].endswith(str(prefix)) and len(str(prefix)) == min(32, start)
        if suffix is not None:
            assert text[end:].startswith(str(suffix)) and len(str(suffix)) == min(32, len(text) - end)
        # the quote selector alone finds the same span: its first match with prefix and suffix
        at = text.find(str(prefix or "") + exact + str(suffix or ""))
        assert at + len(str(prefix or "")) == start
    assert len(texts) == len(built.model.sources)


def test_a_quote_with_non_ascii_letters_counts_code_points(dump, built):
    """Turkish letters take two bytes in UTF-8: positions are in code points, not bytes."""
    f = next(f for f in built.model.facts if f.id == "social-service-centres")
    a = built.mapped.uris.annotation(built.mapped.uris.fact(f), 1)
    p = built.mapped.uris.annotation(built.mapped.uris.fact(f), 1, "text-position")
    assert dump.value(dump.value(a, OA.hasTarget), OA.hasSelector) is not None
    text = (built.out / "sources" / "elazig-ili-bilgilendirme-kitapcigi-2024-05.txt").read_bytes()
    start, end = int(dump.value(p, OA.start)), int(dump.value(p, OA.end))
    decoded = text.decode("utf-8")
    assert decoded[start:end] == f.quote.quote == "Elazığ ilimizde **2 Sosyal Hizmet Merkezi (SHM)** bulunmaktadır."
    assert len(decoded[:start].encode("utf-8")) > start  # Turkish letters before it: bytes ≠ code points


def test_units_link_to_qudt(dump, built):
    u = built.mapped.uris
    TRY, person, hour = (u.concept("unit", c) for c in ("TRY", "person", "hour"))
    assert set(dump.objects(TRY, SKOS.exactMatch)) == {UNIT.CCY_TRY, CUR.TRY}
    assert set(dump.objects(person, SKOS.broadMatch)) == {UNIT.NUM}
    assert set(dump.objects(person, SKOS.exactMatch)) == set()  # persons are not any number
    assert set(dump.objects(hour, SKOS.exactMatch)) == {UNIT.HR}
    used = {o for o in dump.objects(None, u.asdh.unitMeasure)} | set(
        dump.objects(None, URIRef("http://purl.org/linked-data/sdmx/2009/attribute#unitMeasure")))
    unmatched = [c for c in used if not any(dump.objects(c, p) for p in (SKOS.exactMatch, SKOS.closeMatch,
                                                                          SKOS.broadMatch))]
    assert used and unmatched == []  # every unit the data uses has its QUDT unit


@pytest.mark.parametrize("qudt,field", [('{broad: "unit:NUM"}', "qudt.broad"),
                                        ('{exact: "si:NUM"}', "qudt.exact"),
                                        ('{same: "unit:NUM"}', "same")])
def test_a_bad_qudt_link_is_a_problem_with_its_line(data, qudt, field):
    from asdh_lod.ingest.load import load

    f = data / "codelists" / "units.yaml"
    text = f.read_text(encoding="utf-8")
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if "code: person," in ln)
    bad = qudt if field != "qudt.broad" else '{broad: ["unit:NUM", 7]}'
    f.write_text(text.replace('{code: person, kind: count, label: {tr: kişi, en: persons}, qudt: {broad: "unit:NUM"}}',
                              '{code: person, kind: count, label: {tr: kişi, en: persons}, qudt: ' + bad + '}'),
                 encoding="utf-8")
    model, report = load(data)
    found = [(p.code, p.path, p.line) for p in report.problems]
    assert found and all(p[1:] == ("data/codelists/units.yaml", line) for p in found), found
    assert any(field in p.message for p in report.problems), [p.message for p in report.problems]
