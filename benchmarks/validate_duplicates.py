"""Benchmark: `asdh-lod validate` on a cube with N observations and one planted duplicate (IC-12).

Builds the real data (code lists, ontology, structure, sources), adds N synthetic, valid
observations of our structure (distinct province × programme × target group × indicator
keys, year totals for 2025) and one copy of the first under another IRI, writes the whole
graph as N-Triples, then runs the command line on it, side by side:

    asdh-lod validate FILE --engine fast      (the fast path, the build's default)
    asdh-lod validate FILE --engine pyshacl   (the reference, only while it finishes under --cap)

Each run must exit 1 and report exactly one problem, the IC-12 duplicate; the script prints
the wall-clock seconds and the ratio at each size.

    .venv/bin/python benchmarks/validate_duplicates.py [--sizes 100,1000,10000] [--cap 300]
"""

from __future__ import annotations

import argparse
import itertools
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from asdh_lod.stages.mapping import QB, SDMX_ATTRIBUTE, SDMX_MEASURE  # noqa: E402
from asdh_lod.build.pipeline import prepare  # noqa: E402


def cube(n: int, out: Path) -> Path:
    built = prepare(ROOT / "data")
    u, m = built.mapped.uris, built.model
    g = Graph()
    g += built.mapped.union()
    A = u.asdh
    doc = u.source(m.sources[0].document.id)
    period = next(p for p in g.objects(None, A.refPeriod) if str(p).endswith("/id/period/2025"))
    keys = itertools.product(sorted(m.schemes["province"].concepts), sorted(m.schemes["programme"].concepts),
                             sorted(m.schemes["target-group"].concepts), sorted(m.schemes["indicator"].concepts))
    first = None
    for i, (prov, prog, group, ind) in zip(range(n), keys):
        o = URIRef(f"{u.dataset}/obs/bench/{i}")
        first = first or o
        for p, v in ((RDF.type, QB.Observation), (QB.dataSet, u.dataset), (A.refArea, u.concept("province", prov)),
                     (A.refPeriod, period), (A.periodKind, u.concept("period-kind", "total")),
                     (A.programme, u.concept("programme", prog)), (A.targetGroup, u.concept("target-group", group)),
                     (A.indicator, u.concept("indicator", ind)),
                     (SDMX_MEASURE.obsValue, Literal(i, datatype=XSD.integer)),
                     (SDMX_ATTRIBUTE.unitMeasure, u.concept("unit", "person")), (A.approximate, Literal(False)),
                     (A.sourceDocument, doc), (A.sourceQuote, Literal(f"synthetic figure {i}", lang="tr"))):
            g.add((o, p, v))
    for p, v in list(g.predicate_objects(first)):  # the planted duplicate
        g.add((URIRef(f"{u.dataset}/obs/bench/duplicate"), p, v))
    g.serialize(out, format="nt", encoding="utf-8")
    return out


def run(file: Path, engine: str, cap: float) -> float | None:
    exe = Path(sys.executable).with_name("asdh-lod")
    t = time.perf_counter()
    try:
        r = subprocess.run([str(exe), "validate", str(file), "--engine", engine, "--format", "json",
                            "--data", str(ROOT / "data")], capture_output=True, text=True, timeout=cap)
    except subprocess.TimeoutExpired:
        return None
    seconds = time.perf_counter() - t
    report = json.loads(r.stdout)
    found = [(p["shape_id"], p["value"]) for p in report["problems"]]
    assert r.returncode == 1 and len(found) == 1 and found[0][0] == "IC-12", (r.returncode, found)
    return seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100,1000,10000")
    ap.add_argument("--cap", type=float, default=300.0, help="seconds after which pySHACL is given up")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="asdh-bench-"))
    try:
        print(f"{'observations':>12} {'triples':>8} {'fast s':>8} {'pySHACL s':>10} {'pySHACL/fast':>13}")
        give_up = False
        for n in [int(s) for s in args.sizes.split(",")]:
            f = cube(n, tmp / f"cube-{n}.nt")
            triples = sum(1 for _ in f.open(encoding="utf-8"))
            fast = run(f, "fast", args.cap)
            ref = None if give_up else run(f, "pyshacl", args.cap)
            give_up = give_up or ref is None
            ratio = f"{ref / fast:13.1f}" if ref and fast else f"{'—':>13}"
            ref_text = f"{ref:10.2f}" if ref is not None else f"{'> cap':>10}"
            print(f"{n:>12} {triples:>8} {fast:8.2f} {ref_text} {ratio}", flush=True)
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
