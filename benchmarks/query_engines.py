"""Benchmark: the example queries on the dump with pyoxigraph (what `asdh-lod query` uses)
against rdflib's SPARQL engine, side by side in one run.

    .venv/bin/python benchmarks/query_engines.py [--site site] [--repeat 5]

Both engines get the same data (the N-Quads dump, default graph = union of the named
graphs) and the same query text with the FROM clauses removed (rdflib would try to fetch
FROM IRIs from the web). Prints, per query, the best time of each engine over --repeat
runs and the ratio rdflib / pyoxigraph; then the load times. Answers are compared too
(row counts), so a fast wrong engine would show.
"""

from __future__ import annotations

import argparse
import gzip
import re
import time
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset

ROOT = Path(__file__).resolve().parents[1]


def best(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--site", type=Path, default=ROOT / "site")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    nq = gzip.decompress((args.site / "downloads" / "asdh-lod.nq.gz").read_bytes())

    t = time.perf_counter()
    store = ox.Store()
    quads = list(ox.parse(nq, format=ox.RdfFormat.N_QUADS))
    store.extend(quads)
    store.extend(ox.Quad(x.subject, x.predicate, x.object, ox.DefaultGraph()) for x in quads)
    ox_load = time.perf_counter() - t
    t = time.perf_counter()
    ds = Dataset(default_union=True)
    ds.parse(data=nq.decode("utf-8"), format="nquads")
    rdflib_load = time.perf_counter() - t

    print(f"{'query':45} {'pyoxigraph ms':>14} {'rdflib ms':>10} {'ratio':>7}  rows")
    total_ox = total_rd = 0.0
    for f in sorted((ROOT / "queries").glob("*.rq")):
        text = re.sub(r"^FROM .*$", "", f.read_text(encoding="utf-8"), flags=re.M)
        t_ox, rows_ox = best(lambda: len(list(store.query(text))), args.repeat)
        t_rd, rows_rd = best(lambda: len(list(ds.query(text))), args.repeat)
        total_ox += t_ox
        total_rd += t_rd
        same = "" if rows_ox == rows_rd else f"  (rdflib: {rows_rd} rows!)"
        print(f"{f.stem:45} {t_ox * 1000:14.2f} {t_rd * 1000:10.2f} {t_rd / t_ox:7.1f}x  {rows_ox}{same}")
    print(f"{'all queries':45} {total_ox * 1000:14.2f} {total_rd * 1000:10.2f} {total_rd / total_ox:7.1f}x")
    print(f"{'load the dump':45} {ox_load * 1000:14.2f} {rdflib_load * 1000:10.2f} {rdflib_load / ox_load:7.1f}x")


if __name__ == "__main__":
    main()
