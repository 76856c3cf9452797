"""The published cube passes all 21 W3C Data Cube integrity constraints, checked with the
Recommendation's own SPARQL queries (after its normalization algorithm) in pyoxigraph — an
engine and a formulation independent of our SHACL shapes. Planted faults make them fire."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

IC_DIR = Path(__file__).parent / "queries" / "w3c-ic"
QB = "http://purl.org/linked-data/cube#"
IC_FILES = sorted(p.name for p in IC_DIR.glob("ic-*.rq") if "instances" not in p.name)


def store_for(dump: Path, faults: list[str] = ()) -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(dump), format=ox.RdfFormat.N_TRIPLES)
    for update in faults:
        store.update(update)
    for phase in ("normalize-1.ru", "normalize-2.ru"):
        store.update((IC_DIR / phase).read_text(encoding="utf-8"))
    return store


def violated(store: ox.Store) -> list[str]:
    """The ICs whose ASK query is true (i.e. violated), templates instantiated."""
    out = []
    for name in IC_FILES:
        text = (IC_DIR / name).read_text(encoding="utf-8")
        if "<$p>" in text:
            inst = (IC_DIR / name.replace(".rq", "-instances.rq")).read_text(encoding="utf-8")
            queries = [text.replace("<$p>", f"<{r['p'].value}>") for r in store.query(inst)]
        else:
            queries = [text]
        if any(bool(store.query(q)) for q in queries):
            out.append(name[:-3])
    return out


@pytest.fixture(scope="module")
def dump(built) -> Path:
    return built.out / "downloads" / "asdh-lod.nt"


def test_there_are_21_constraints():
    assert len({name[:5] for name in IC_FILES}) == 21


def test_cube_passes_all_21_integrity_constraints(dump):
    store = store_for(dump)
    assert violated(store) == []
    # the cube is really there and the structure normalised: the queries had something to check
    n = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?o a <{QB}Observation> }}")
    assert int(next(iter(n))["n"].value) == 97
    dims = store.query(f"SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {{ ?c <{QB}componentProperty> ?d . "
                       f"?d a <{QB}DimensionProperty> }}")
    assert int(next(iter(dims))["n"].value) == 6


def test_no_hierarchical_code_lists_so_ic20_ic21_have_no_instances(dump):
    store = store_for(dump)
    for name in ("ic-20-instances.rq", "ic-21-instances.rq"):
        assert list(store.query((IC_DIR / name).read_text(encoding="utf-8"))) == []


OBS = "<https://w3id.org/asdh-lod/data/provincial/obs/25/2025#monthly-average/home-care-allowance/disabled/beneficiaries>"
ASDH = "https://w3id.org/asdh-lod/def/"

FAULTS = {
    "ic-12": [f"INSERT {{ <urn:x:copy> ?p ?o }} WHERE {{ {OBS} ?p ?o }}"],
    "ic-11": [f"DELETE WHERE {{ {OBS} <{ASDH}indicator> ?v }}"],
    "ic-19a": [f"DELETE WHERE {{ {OBS} <{ASDH}programme> ?v }}",
               f"INSERT DATA {{ {OBS} <{ASDH}programme> <urn:x:not-a-code> }}"],
    "ic-13": [f"DELETE WHERE {{ {OBS} <http://purl.org/linked-data/sdmx/2009/attribute#unitMeasure> ?v }}"],
    "ic-14": [f"DELETE WHERE {{ {OBS} <http://purl.org/linked-data/sdmx/2009/measure#obsValue> ?v }}"],
    "ic-01": [f"INSERT DATA {{ {OBS} <{QB}dataSet> <urn:x:other-dataset> }}"],
    "ic-04": [f"DELETE WHERE {{ <{ASDH}indicator> <http://www.w3.org/2000/01/rdf-schema#range> ?r }}"],
}


@pytest.mark.parametrize("ic", sorted(FAULTS))
def test_planted_faults_make_the_constraint_fire(dump, ic):
    assert ic in violated(store_for(dump, FAULTS[ic]))
