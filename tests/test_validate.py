"""The SHACL gate: the good cube has no result, and each planted fault produces its own."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, TIME, XSD

from asdh_lod.mapping import QB, SDMX_ATTRIBUTE, SDMX_MEASURE
from asdh_lod.pipeline import prepare
from asdh_lod.validate import SHAPES_DIR, load_shapes, validate_graph


@pytest.fixture(scope="module")
def tiny_build(tmp_path_factory):
    import shutil
    from conftest import DATA, TINY
    data = tmp_path_factory.mktemp("tiny") / "data"
    shutil.copytree(DATA / "codelists", data / "codelists")
    shutil.copy(DATA / "dataset.yaml", data / "dataset.yaml")
    shutil.copytree(TINY / "sources", data / "sources")
    return prepare(data)


@pytest.fixture(scope="module")
def shapes(tiny_build):
    return load_shapes(tiny_build.mapped.uris, SHAPES_DIR)


@pytest.fixture
def graph(tiny_build) -> Graph:
    return tiny_build.mapped.union()


def shapes_fired(graph: Graph, shapes: Graph, origins=None) -> list[str]:
    report = validate_graph(graph, shapes, origins)
    return sorted({dict(p.details)["shape"] for p in report.problems})


def obs(tiny_build, fact_id: str) -> URIRef:
    fact = next(f for f in tiny_build.model.facts if f.id == fact_id)
    return tiny_build.mapped.uris.fact(fact)


def test_good_cube_conforms(graph, shapes):
    assert validate_graph(graph, shapes).problems == []


def test_problem_points_at_the_yaml_line(tiny_build, graph, shapes):
    o = obs(tiny_build, "home-care-payments")
    graph.remove((o, SDMX_ATTRIBUTE.unitMeasure, None))
    report = validate_graph(graph, shapes, tiny_build.mapped.origins)
    lines = {(p.path.rsplit("/", 1)[-1], p.line) for p in report.problems}
    assert lines == {("tiny-haber.yaml", 24)}  # the fact 'home-care-payments' starts on line 24
    assert any("IC-13" in p.message for p in report.problems)


A = lambda b: b.mapped.uris.asdh  # noqa: E731


def _drop_dimension(b, g):
    g.remove((obs(b, "shm-centres"), A(b).indicator, None))


def _two_programmes(b, g):
    g.add((obs(b, "shm-centres"), A(b).programme, b.mapped.uris.concept("programme", "asdep")))


def _code_not_in_scheme(b, g):
    bogus = b.mapped.uris.concept("programme", "bogus")
    g.add((bogus, RDF.type, A(b).Programme))
    g.set((obs(b, "shm-centres"), A(b).programme, bogus))


def _string_value(b, g):
    g.set((obs(b, "shm-centres"), SDMX_MEASURE.obsValue, Literal("3")))


def _negative_value(b, g):
    g.set((obs(b, "shm-centres"), SDMX_MEASURE.obsValue, Literal(-3)))


def _money_as_integer(b, g):
    g.set((obs(b, "home-care-payments"), SDMX_MEASURE.obsValue, Literal(12500000)))


def _count_as_decimal(b, g):
    g.set((obs(b, "shm-centres"), SDMX_MEASURE.obsValue, Literal("3.0", datatype=XSD.decimal)))


def _no_unit(b, g):
    g.remove((obs(b, "shm-centres"), SDMX_ATTRIBUTE.unitMeasure, None))


def _no_source(b, g):
    g.remove((obs(b, "shm-centres"), A(b).sourceDocument, None))


def _no_quote(b, g):
    g.remove((obs(b, "shm-centres"), A(b).sourceQuote, None))


def _plain_quote(b, g):
    o = obs(b, "shm-centres")
    q = g.value(o, A(b).sourceQuote)
    g.set((o, A(b).sourceQuote, Literal(str(q))))


def _duplicate_observation(b, g):
    o = obs(b, "shm-centres")
    copy = URIRef(str(o) + "-copy")
    for p, v in list(g.predicate_objects(o)):
        g.add((copy, p, v))


def _period_backwards(b, g):
    o = obs(b, "aep-trainees")
    period = g.value(o, A(b).refPeriod)
    begin = g.value(period, TIME.hasBeginning)
    g.set((begin, TIME.inXSDDate, Literal("2030-01-01", datatype=XSD.date)))


def _no_dataset(b, g):
    g.remove((obs(b, "shm-centres"), QB.dataSet, None))


def _concept_without_english(b, g):
    c = b.mapped.uris.concept("programme", "asdep")
    g.remove((c, SKOS.prefLabel, Literal("Family Social Support Programme", lang="en")))


def _dsd_without_measure(b, g):
    g.remove((None, QB.measure, None))


def _dimension_without_range(b, g):
    g.remove((A(b).indicator, RDFS.range, None))


def _optional_dimension(b, g):
    spec = b.mapped.uris.component("indicator")
    g.set((spec, QB.componentRequired, Literal(False)))


def _approximate_missing(b, g):
    g.remove((obs(b, "shm-centres"), A(b).approximate, None))


FAULTS = [
    (_drop_dimension, ["IC-11 All dimensions required", "asdh observation"]),
    (_two_programmes, ["asdh observation"]),
    (_code_not_in_scheme, ["IC-19 Codes from code list", "asdh observation", "labelled concept"]),
    (_string_value, ["asdh observation", "value fits unit"]),
    (_negative_value, ["asdh observation"]),
    (_money_as_integer, ["value fits unit"]),
    (_count_as_decimal, ["value fits unit"]),
    (_no_unit, ["IC-13 Required attributes", "asdh observation"]),
    (_no_source, ["IC-13 Required attributes", "asdh observation"]),
    (_no_quote, ["IC-13 Required attributes", "asdh observation"]),
    (_plain_quote, ["asdh observation"]),
    (_duplicate_observation, ["IC-12 No duplicate observations"]),
    (_period_backwards, ["reference period"]),
    (_no_dataset, ["IC-1 Unique DataSet"]),
    (_concept_without_english, ["labelled concept"]),
    (_dsd_without_measure, ["IC-3 DSD includes measure"]),
    (_dimension_without_range, ["IC-4 Dimensions have range"]),
    (_optional_dimension, ["IC-6 Only attributes may be optional"]),
    (_approximate_missing, ["IC-13 Required attributes", "asdh observation"]),
]


@pytest.mark.parametrize("fault,expected", FAULTS, ids=[f.__name__.strip("_") for f, _ in FAULTS])
def test_each_fault_is_caught_by_its_shapes(tiny_build, graph, shapes, fault, expected):
    fault(tiny_build, graph)
    assert shapes_fired(graph, shapes) == sorted(expected)


def test_shapes_are_versioned(shapes):
    from rdflib.namespace import OWL
    versions = {str(s).rsplit("/", 1)[-1]: str(v) for s, v in shapes.subject_objects(OWL.versionInfo)}
    assert versions == {"cube": "0.1.0", "asdh": "0.1.0"}
