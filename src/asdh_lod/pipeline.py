"""The build: load → check → map → validate → render → publish, in that order.

Nothing is written unless every stage before publishing found no error; a failed build
raises `ProblemsFound` carrying the report and leaves the output folder untouched.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from .check import check
from .csvw import check_csv
from .load import load
from .mapping import Mapped, map_model
from .model import Model
from .problems import ProblemsFound, Report
from .publish import render, write_site
from .fastcheck import validate_fast
from .querypage import load_queries, load_web_assets
from .validate import SHAPES_DIR, load_shapes

ROOT = Path(__file__).resolve().parents[2]
ONTOLOGY = ROOT / "ontology" / "asdh.ttl"
QUERIES = ROOT / "queries"
WEB = ROOT / "web"  # package.json of the browser assets; npm ci installs web/node_modules


def project_file(data_dir: Path, rel: str, default: Path) -> Path:
    """`rel` in the project folder that holds `data_dir` if it has one, else the default."""
    candidate = Path(data_dir).resolve().parent / rel
    return candidate if candidate.exists() else default


@dataclass
class BuildResult:
    model: Model
    mapped: Mapped
    files: dict[str, bytes]
    report: Report
    triples: int  # in the published whole graph
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def observations(self) -> int:
        return len(self.model.facts)


def prepare(data_dir: Path, base_iri: str | None = None, *, limit: int | None = None,
            ontology: Path | None = None, shapes_dir: Path | None = None) -> BuildResult:
    """Run every stage up to (not including) writing; raise `ProblemsFound` on any error."""
    ontology = ontology or project_file(data_dir, "ontology/asdh.ttl", ONTOLOGY)
    shapes_dir = shapes_dir or project_file(data_dir, "shapes", SHAPES_DIR)
    seconds: dict[str, float] = {}
    t = time.perf_counter()
    model, report = load(Path(data_dir), base_iri=base_iri, limit=limit)
    seconds["load"] = time.perf_counter() - t
    if model is None:
        raise ProblemsFound("load", report)
    t = time.perf_counter()
    check(model, report)
    check_csv(model, report)
    seconds["check"] = time.perf_counter() - t
    if not report.ok:
        raise ProblemsFound("check", report)
    t = time.perf_counter()
    mapped = map_model(model, ontology.read_text(encoding="utf-8"))
    seconds["map"] = time.perf_counter() - t
    t = time.perf_counter()
    shapes = load_shapes(mapped.uris, shapes_dir)
    whole = mapped.union()
    validate_fast(whole, shapes, mapped.origins, report)  # = pySHACL's results (tests/test_fastcheck.py)
    seconds["validate"] = time.perf_counter() - t
    if not report.ok:
        raise ProblemsFound("validate", report)
    t = time.perf_counter()
    queries = load_queries(project_file(data_dir, "queries", QUERIES))
    web_assets = load_web_assets(project_file(data_dir, "web", WEB)) if queries else None
    files = render(model, mapped, whole, shapes, queries, web_assets)
    seconds["render"] = time.perf_counter() - t
    return BuildResult(model=model, mapped=mapped, files=files, report=report, triples=len(whole),
                       seconds=seconds)


def build(data_dir: Path, out_dir: Path, base_iri: str | None = None, *, limit: int | None = None,
          ontology: Path | None = None, shapes_dir: Path | None = None) -> BuildResult:
    """Prepare everything, then publish it into `out_dir` atomically."""
    result = prepare(data_dir, base_iri, limit=limit, ontology=ontology, shapes_dir=shapes_dir)
    t = time.perf_counter()
    write_site(result.files, Path(out_dir))
    result.seconds["write"] = time.perf_counter() - t
    return result
