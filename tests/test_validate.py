"""The SHACL gate (asdh_lod.validate): shapes, results traced to YAML lines, grouped reports.

Each shape's own faults are in tests/mutations/ (tests/test_mutations.py)."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDFS, SH

from asdh_lod.stages.mapping import SDMX_ATTRIBUTE
from asdh_lod.core.resources import SHAPES
from asdh_lod.stages.validate import grouped_lines, load_shapes, origins_for, validate_graph


@pytest.fixture(scope="module")
def shapes(tiny_build):
    return load_shapes(tiny_build.mapped.uris, SHAPES)


@pytest.fixture
def graph(tiny_build) -> Graph:
    return tiny_build.mapped.union()


def obs(tiny_build, fact_id: str) -> URIRef:
    fact = next(f for f in tiny_build.model.facts if f.id == fact_id)
    return tiny_build.mapped.uris.fact(fact)


def test_good_cube_conforms(graph, shapes):
    assert validate_graph(graph, shapes).problems == []


def test_problem_points_at_the_yaml_line(tiny_build, graph, shapes):
    o = obs(tiny_build, "home-care-payments")
    graph.remove((o, SDMX_ATTRIBUTE.unitMeasure, None))
    report = validate_graph(graph, shapes, tiny_build.mapped.origins)
    found = sorted((dict(p.details)["shape_id"], p.path.rsplit("/", 1)[-1], p.line) for p in report.problems)
    # the fact 'home-care-payments' starts on line 24
    assert found == [("ASDH-4", "tiny-haber.yaml", 24), ("IC-13", "tiny-haber.yaml", 24)]


def test_grouped_report(tiny_build, graph, shapes):
    o = obs(tiny_build, "home-care-payments")
    graph.remove((o, SDMX_ATTRIBUTE.unitMeasure, None))
    report = validate_graph(graph, shapes, tiny_build.mapped.origins)
    ds = f"<{tiny_build.mapped.uris.dataset}>"
    at = str(next(f for f in tiny_build.model.facts if f.id == "home-care-payments").origin)
    assert at.endswith("data/sources/tiny-haber.yaml:24")
    unit = f"<{SDMX_ATTRIBUTE.unitMeasure}>"
    assert grouped_lines(report) == [
        "IC-13 Required attributes (Violation): 1 result",
        f"  {at}: <{o}>",
        f"    IC-13: observation {o} has no value for required attribute {SDMX_ATTRIBUTE.unitMeasure}",
        f"    focus {ds}; path {unit}; value <{o}>",
        "ASDH-4 Unit from the unit code list (Violation): 1 result",
        f"  {at}: <{o}>",
        f"    ASDH-4: observation {o} has no unit (sdmx-attribute:unitMeasure) from code list 'unit'",
        f"    focus {ds}; value <{o}>",
    ]


def test_origins_for_a_data_folder(tiny_build, tmp_path):
    from pathlib import Path
    data = Path(tiny_build.model.facts[0].origin.path).parents[1]
    assert data.name == "data"
    origins = origins_for(data)
    assert origins.keys() == tiny_build.mapped.origins.keys()
    o = obs(tiny_build, "shm-centres")
    assert (origins[o].path.endswith("tiny-haber.yaml"), origins[o].line) == (True, 35)
    assert origins_for(tmp_path / "nowhere") == {}


def test_every_shape_is_identified_named_and_has_messages(shapes):
    named = {s: str(i) for s, i in shapes.subject_objects(DCTERMS.identifier)}
    assert {f"IC-{n}" for n in range(1, 22)} <= set(named.values())
    assert len(named) == len(set(named.values())) == 41
    for shape, ident in named.items():
        label = shapes.value(shape, RDFS.label)
        assert label is not None and str(label).startswith(ident + " "), ident
        constraints = list(shapes.objects(shape, SH.property)) + list(shapes.objects(shape, SH.sparql))
        assert constraints, ident
        for c in constraints:
            assert str(shapes.value(c, SH.message)).startswith(ident + ": "), ident


def test_shapes_are_versioned(shapes):
    versions = {str(s).rsplit("/", 1)[-1]: str(v) for s, v in shapes.subject_objects(OWL.versionInfo)}
    assert versions == {"cube": "0.2.0", "asdh": "0.3.0"}
