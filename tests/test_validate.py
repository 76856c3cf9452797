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
    return sorted({dict(p.details)["shape_id"] for p in report.problems})


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


# each shape's own faults: tests/mutations/ and tests/test_mutations.py


def test_shapes_are_versioned(shapes):
    from rdflib.namespace import OWL
    versions = {str(s).rsplit("/", 1)[-1]: str(v) for s, v in shapes.subject_objects(OWL.versionInfo)}
    assert versions == {"cube": "0.2.0", "asdh": "0.2.0"}
