"""Mapping and URIs: one place mints URIs, the base IRI moves everything, literals are typed."""

from __future__ import annotations

import pickle
from fractions import Fraction

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import OWL, RDF, XSD

from asdh_lod.stages.mapping import number_literal
from asdh_lod.build.pipeline import build
from asdh_lod.rdf.uris import Uris


def test_observation_uri_is_built_from_its_dimensions():
    u = Uris("https://example.org/lod/", "provincial")
    key = ("25", "2017--2025", "cumulative", "disability-id-card", "disabled", "active-card-holders")
    assert u.observation(key) == URIRef(
        "https://example.org/lod/data/provincial/obs/25/2017--2025#cumulative/disability-id-card/disabled/"
        "active-card-holders")
    assert u.period("..--2024-05") == URIRef("https://example.org/lod/id/period/..--2024-05")
    assert u.concept("cofog", "10.1.2") == URIRef("https://example.org/lod/code/cofog/10.1.2")


def test_uri_segments_are_escaped():
    u = Uris("https://example.org/", "d")
    assert u.concept("unit", "a b/c") == URIRef("https://example.org/code/unit/a%20b%2Fc")


def test_repeated_uris_are_one_object_and_figures_uris_are_not_kept():
    """The URIs every figure repeats are made once (`Uris._iri`): the mapper's triples share
    one object, which the site index then finds by identity; a figure's own URIs are not
    kept (they would grow with the edition), and a pickled `Uris` carries no cache."""
    u = Uris("https://example.org/lod/", "provincial")
    for mint in (lambda: u.concept("province", "23"), lambda: u.period("2024"), lambda: u.source("haber"),
                 lambda: u.source_text("haber"), lambda: u.dataset, lambda: u.structure,
                 lambda: u.observation_document("23", "2024"), lambda: u.scheme("unit")):
        assert mint() is mint() and type(mint()) is URIRef
    key = ("23", "2024", "annual", "home-care", "households", "beneficiaries")
    assert u.observation(key) == u.observation(key) and u.observation(key) is not u.observation(key)
    assert str(u.observation(key)) not in u._made
    back = pickle.loads(pickle.dumps(u))
    assert back._made == {} and back.concept("province", "23") == u.concept("province", "23")


def test_mapped_triples_share_their_repeated_terms(built):
    """Every annotation's type and predicates, and every quote's source text, are one object
    each across the data, not one a triple (`_Mapper._oa`, `Uris._iri`)."""
    oa = "http://www.w3.org/ns/oa#"
    annotation_types = [o for _s, p, o in built.mapped.triples() if p == RDF.type and o == URIRef(oa + "Annotation")]
    has_source = [(p, o) for _s, p, o in built.mapped.triples() if p == URIRef(oa + "hasSource")]
    assert len(annotation_types) == built.observations + sum(len(f.also_quoted) for f in built.model.facts) > 50
    assert len({id(o) for o in annotation_types}) == 1
    assert len({id(p) for p, _o in has_source}) == 1
    assert len({id(o) for _p, o in has_source}) == len({o for _p, o in has_source}) == len(built.model.sources)


def test_base_must_end_with_slash():
    with pytest.raises(ValueError, match="must end with '/'"):
        Uris("https://example.org", "d")


@pytest.mark.parametrize("value,kind,expected", [
    (Fraction(1250), "count", Literal(1250, datatype=XSD.integer)),
    (Fraction(12_500_000), "currency", Literal("12500000.0", datatype=XSD.decimal)),
    (Fraction(629_130_670_15, 100), "currency", Literal("629130670.15", datatype=XSD.decimal)),
    (Fraction(1, 8), "ratio", Literal("0.125", datatype=XSD.decimal)),
    (Fraction(2, 3), "ratio", Literal("2/3", datatype=OWL.rational)),
])
def test_number_literals(value, kind, expected):
    assert number_literal(value, kind) == expected


def test_the_base_iri_moves_every_uri(tiny, tmp_path):
    base = "http://data.example.test/sosyal/"
    result = build(tiny, tmp_path / "site", base_iri=base)  # validated against the shapes too
    graph = result.mapped.union()
    ours = {str(t) for triple in graph for t in triple if isinstance(t, URIRef) and "asdh" in str(t)}
    assert ours and all(t.startswith(base) or "asdh-lod" not in t for t in ours)
    for f in (tmp_path / "site").rglob("*"):
        if f.is_file() and f.suffix != ".gz":
            assert b"w3id.org/asdh-lod" not in f.read_bytes(), f"{f.name} still names the default base"
    assert (tmp_path / "site" / "downloads" / "asdh-lod.ttl").read_text().count(base + "def/") > 0


def test_no_blank_nodes_in_the_data(built):
    assert not any(isinstance(t, BNode) for triple in built.mapped.data for t in triple)
    assert not any(isinstance(t, BNode) for triple in built.mapped.codelists for t in triple)


def test_every_minted_subject_knows_its_yaml_line(built):
    origins = built.mapped.origins
    for fact in built.model.facts:
        origin = origins[built.mapped.uris.fact(fact)]
        assert origin.path.endswith(f"{fact.document}.yaml") and origin.line == fact.origin.line


def test_also_quoted_figures_carry_every_quote(built):
    fact = next(f for f in built.model.facts if f.also_quoted)
    quotes = set(built.mapped.data.objects(built.mapped.uris.fact(fact), built.mapped.uris.asdh.sourceQuote))
    assert {str(q) for q in quotes} == {fact.quote.quote, *(q.quote for q in fact.also_quoted)}
    assert all(q.language == "tr" for q in quotes)


def test_dsd_components(built):
    from asdh_lod.stages.mapping import QB
    g = built.mapped.data
    dims = {str(d).rsplit("/", 1)[-1] for d in g.objects(None, QB.dimension)}
    assert dims == {"refArea", "refPeriod", "periodKind", "programme", "targetGroup", "indicator"}
    assert not list(g.objects(None, QB.measureType))
    required = {str(g.value(s, QB.attribute)).rsplit("/", 1)[-1].rsplit("#", 1)[-1]
                for s in g.subjects(QB.componentRequired, Literal(True)) if g.value(s, QB.attribute)}
    assert required == {"unitMeasure", "approximate", "sourceDocument", "sourceQuote"}


def test_triples_and_union_and_parts_agree(built):
    """The lazily built graphs, the whole graph and the raw triple stream hold the same triples."""
    m = built.mapped
    whole = m.union()
    assert set(m.triples()) == set(whole)
    assert set(whole) == set(m.ontology) | set(m.codelists) | set(m.data)
    assert len(whole) == built.triples
    # the published N-Triples are exactly these triples
    from asdh_lod.publish.render import ntriples

    assert ntriples(m.triples()) == ntriples(whole)
