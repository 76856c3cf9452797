"""The SDMX downloads, read with an independent SDMX library (pysdmx): the SDMX-ML 3.0
structure message validates against the SDMX schemas and holds the data structure, concept
scheme and code lists; the SDMX-CSV 2.0 file, read with that structure, gives every
observation of the model with its codes, value and attributes."""

from __future__ import annotations

import csv
from dataclasses import replace

import pytest

from asdh_lod.core.problems import Report
from asdh_lod.publish import sdmx as S
from asdh_lod.rdf.files import DISTRIBUTIONS, FILES
from asdh_lod.model.periods import parse_period

pysdmx_io = pytest.importorskip("pysdmx.io", reason="pysdmx is in the test extra: pip install -e '.[test]'")


@pytest.fixture(scope="module")
def paths(built):
    return built.out / FILES["sdmx-csv"].path, built.out / FILES["sdmx-structure"].path


@pytest.fixture(scope="module")
def structure(paths):
    return pysdmx_io.read_sdmx(paths[1], validate=True)  # validated against the SDMX-ML 3.0 schemas


def test_file_names_and_catalogue_distributions():
    assert "sdmx" in FILES["sdmx-csv"].path and "sdmx" in FILES["sdmx-structure"].path
    assert {FILES["sdmx-csv"], FILES["sdmx-structure"]} <= set(DISTRIBUTIONS)


def test_structure_message_holds_the_dsd_concepts_and_code_lists(structure, built):
    dsd = structure.get_data_structure_definitions()[0]
    assert (dsd.id, dsd.agency, dsd.version) == ("DSD_PROVINCIAL", "ASDH_LOD", "1.0")
    roles = {c.id: (c.role.name, c.local_codes.id if c.local_codes else None) for c in dsd.components}
    assert roles == {
        "REF_AREA": ("DIMENSION", "CL_PROVINCE"), "PERIOD_KIND": ("DIMENSION", "CL_PERIOD_KIND"),
        "PROGRAMME": ("DIMENSION", "CL_PROGRAMME"), "TARGET_GROUP": ("DIMENSION", "CL_TARGET_GROUP"),
        "INDICATOR": ("DIMENSION", "CL_INDICATOR"), "TIME_PERIOD": ("DIMENSION", None),
        "OBS_VALUE": ("MEASURE", None), "UNIT_MEASURE": ("ATTRIBUTE", "CL_UNIT"),
        "APPROXIMATE": ("ATTRIBUTE", None), "PRECISION": ("ATTRIBUTE", None), "REF_PERIOD": ("ATTRIBUTE", None),
        "SOURCE_DOCUMENT": ("ATTRIBUTE", None), "SOURCE_QUOTE": ("ATTRIBUTE", None), "OBS_URI": ("ATTRIBUTE", None)}
    [concepts] = structure.get_concept_schemes()
    assert {c.id for c in concepts.concepts} == set(roles)
    codelists = {cl.id: cl for cl in structure.get_codelists()}
    assert set(codelists) == {"CL_PROVINCE", "CL_PERIOD_KIND", "CL_PROGRAMME", "CL_TARGET_GROUP",
                              "CL_INDICATOR", "CL_UNIT"}
    schemes = built.model.schemes
    for ident, scheme in (("CL_PROGRAMME", "programme"), ("CL_UNIT", "unit"), ("CL_INDICATOR", "indicator")):
        assert {c.id for c in codelists[ident].codes} == set(schemes[scheme].concepts)
    provinces = {c.id: c for c in codelists["CL_PROVINCE"].codes}
    assert len(provinces) == 82  # 81 provinces and the country (national figures), their parent
    assert provinces["23"].name == "Elazığ Province"


def test_sdmx_csv_gives_every_observation_with_its_codes_and_value(paths, structure, built):
    [ds] = pysdmx_io.get_datasets(paths[0], paths[1])
    rows = ds.data.to_dict("records")
    assert len(rows) == len(built.model.facts) == 97
    codelists = {cl.id: {c.id for c in cl.codes} for cl in structure.get_codelists()}
    by_uri = {str(built.mapped.uris.fact(f)): f for f in built.model.facts}
    seen = set()
    for r in rows:
        f = by_uri[r["OBS_URI"]]
        seen.add(r["OBS_URI"])
        assert (r["REF_AREA"], r["PERIOD_KIND"], r["PROGRAMME"], r["TARGET_GROUP"], r["INDICATOR"], r["UNIT_MEASURE"]) \
            == (f.province, f.period_kind, f.programme, f.target_group, f.indicator, f.unit)
        for column, cl in (("REF_AREA", "CL_PROVINCE"), ("PROGRAMME", "CL_PROGRAMME"), ("UNIT_MEASURE", "CL_UNIT")):
            assert r[column] in codelists[cl]
        assert r["OBS_VALUE"] == pytest.approx(float(f.value), rel=1e-12)
        assert r["REF_PERIOD"] == f.period.notation and r["SOURCE_DOCUMENT"] == f.document
        assert bool(r["APPROXIMATE"]) is f.approximate
        assert r["SOURCE_QUOTE"].startswith(f.quote.quote)
    assert seen == set(by_uri)
    elazig = [r for r in rows if (r["REF_AREA"], r["PROGRAMME"], r["INDICATOR"]) ==
              ("23", "home-care-allowance", "beneficiaries")]
    assert [(r["OBS_VALUE"], r["UNIT_MEASURE"], r["TIME_PERIOD"], r["PERIOD_KIND"]) for r in elazig] == [
        (5394, "person", "2024-05", "stock")]


def test_sdmx_csv_has_labels_and_time_ranges(paths):
    """labels=both on coded columns; an interval with a known start is an SDMX time range, one
    with an unknown start its end (REF_PERIOD keeps the interval). Read with the csv module."""
    with open(paths[0], encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["STRUCTURE"] == "datastructure" and rows[0]["STRUCTURE_ID"] == "ASDH_LOD:DSD_PROVINCIAL(1.0)"
    r = next(r for r in rows if r["REF_PERIOD"] == "2013--2024-05")
    assert r["TIME_PERIOD"] == "2013-01-01/P11Y5M"
    assert r["REF_AREA: Province"].startswith("23: Elazığ")
    assert next(r for r in rows if r["REF_PERIOD"] == "..--2024-05")["TIME_PERIOD"] == "2024-05"
    assert next(r for r in rows if r["REF_PERIOD"] == "2017--2025")["TIME_PERIOD"] == "2017-01-01/P9Y"


@pytest.mark.parametrize("start,stop,duration", [("2013-01-01", "2024-06-01", "P11Y5M"),
                                                 ("2024-01-31", "2024-03-01", "P1M1D"),
                                                 ("2025-01-01", "2025-01-01", "P0D"),
                                                 ("2017-01-01", "2026-01-01", "P9Y"),
                                                 ("2024-12-31", "2025-03-01", "P2M1D")])
def test_durations(start, stop, duration):
    from datetime import date
    assert S._duration(date.fromisoformat(start), date.fromisoformat(stop)) == duration


def test_two_observations_with_one_sdmx_key_are_a_problem(tiny_build):
    """A cumulative figure since an unknown start and one of the same kind ending the same month
    would share one SDMX key: reported at the fact's line before anything is rendered."""
    model = tiny_build.model
    f = next(f for f in model.facts if "--" not in f.period.notation)
    twin = replace(f, id=f.id + "-since-ever", period=parse_period("..--" + f.period.notation))
    assert S.time_period(twin) == S.time_period(f)
    report = Report()
    model.sources[0].facts.append(twin)
    try:
        S.check_sdmx(model, report)
    finally:
        model.sources[0].facts.pop()
    assert [(p.code, p.path, p.line) for p in report.problems] == [("duplicate-observation", *twin.at("id"))]
