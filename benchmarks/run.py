"""Benchmark: the full asdh-lod build against the naive baseline, side by side.

    .venv/bin/python benchmarks/run.py                       # 1k, 10k, 100k observations
    .venv/bin/python benchmarks/run.py --sizes 1000,10000 --cap 300
    .venv/bin/python benchmarks/run.py --profile 10000       # cProfile of one fast build

For each size a synthetic national data folder is made (`asdh-lod synth`, fixed seed), then
the real build (load → check → map → validate with every shape → render → write, exactly
`pipeline.build`, with whatever validator the pipeline uses) runs in a fresh subprocess, and
so does the naive baseline (`naive.py`: rdflib graph + pySHACL over the whole graph + rdflib
serialisation) with a wall-time cap. Each run is its own process, so the peak RSS is that
run's. Prints per stage wall time and peak RSS for both and the ratios, and writes
`benchmarks/results.json` and `benchmarks/results.md` (or `--out STEM`).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
STAGES = ("load", "check", "map", "graph", "validate", "render", "write")


# ---------------------------------------------------------------------------------------
# child processes: one build each

def child(kind: str, data: str, out: str) -> None:
    sys.path.insert(0, str(HERE))
    from asdh_lod import pipeline
    from asdh_lod.pipeline import Timings

    timings = Timings()
    t = time.perf_counter()
    if kind == "fast":
        result = pipeline.build(Path(data), Path(out), timings=timings)
        info = {"observations": result.observations, "triples": result.triples,
                "validator": f"{pipeline.VALIDATE.__module__}.{pipeline.VALIDATE.__name__}"}
    else:
        from naive import naive_build

        info = naive_build(Path(data), Path(out), timings)
        info["validator"] = "asdh_lod.validate.validate_graph (pySHACL)"
    total = time.perf_counter() - t
    print(json.dumps({**info, "seconds": timings.seconds, "peak_rss": timings.peak_rss, "total": total,
                      "peak": max(timings.peak_rss.values())}))


def run_child(kind: str, data: Path, out: Path, cap: float | None) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind, str(data), str(out)]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=cap)
    except subprocess.TimeoutExpired:
        return {"timeout": cap}
    if p.returncode != 0:
        raise SystemExit(f"{kind} build of {data} failed:\n{p.stderr[-3000:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------
# the parent: sizes, table, files

def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    from importlib.metadata import version

    libs = {}
    for lib in ("rdflib", "pyshacl", "pyoxigraph", "pyyaml"):
        try:
            libs[lib] = version(lib)
        except Exception:  # noqa: BLE001 - not installed
            libs[lib] = None
    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gb": ram, "python": platform.python_version(),
            "platform": platform.platform(), "libraries": libs}


def mb(n: int | None) -> str:
    return "—" if n is None else f"{n / 1e6:.0f}"


def table(results: list[dict]) -> str:
    rows = ["| observations | stage | fast s | fast peak MB | naive s | naive peak MB | naive ÷ fast |",
            "| ---: | --- | ---: | ---: | ---: | ---: | ---: |"]
    for r in results:
        f, nv = r["fast"], r.get("naive") or {}
        for st in STAGES + ("total",):
            fs = f["total"] if st == "total" else f["seconds"][st]
            fm = f["peak"] if st == "total" else f["peak_rss"][st]
            if "seconds" in nv:
                ns = nv["total"] if st == "total" else nv["seconds"][st]
                nm = nv["peak"] if st == "total" else nv["peak_rss"][st]
                ratio = f"{ns / fs:.1f}×" if fs > 0 else "—"
                ncol = f"{ns:.2f} | {mb(nm)} | {ratio}"
            elif "timeout" in nv:
                ncol = (f"> {nv['timeout']:.0f} (capped) | — | > {nv['timeout'] / f['total']:.1f}×"
                        if st == "total" else "— | — | —")
            else:
                ncol = f"not run ({nv.get('skipped', 'off')}) | — | —" if st == "total" else "— | — | —"
            name = f"**{st}**" if st == "total" else st
            rows.append(f"| {r['observations']:,} | {name} | {fs:.2f} | {mb(fm)} | {ncol} |")
    rows.append("")
    rows.append("| observations | triples | fast s | µs per observation | fast peak MB |")
    rows.append("| ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        f = r["fast"]
        rows.append(f"| {r['observations']:,} | {f['triples']:,} | {f['total']:.2f} | "
                    f"{f['total'] / r['observations'] * 1e6:.0f} | {mb(f['peak'])} |")
    return "\n".join(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000,100000", help="comma-separated observation counts")
    ap.add_argument("--cap", type=float, default=300.0, help="wall-time cap of a naive run, seconds")
    ap.add_argument("--no-naive", action="store_true", help="run the fast build only")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=str(HERE / "results"), help="results file stem (.json and .md)")
    ap.add_argument("--work", default=None, help="folder for synthetic data and sites (default: a temp folder)")
    ap.add_argument("--profile", type=int, metavar="N", help="cProfile one fast build of N observations")
    ap.add_argument("--child", nargs=3, metavar=("KIND", "DATA", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    from asdh_lod.synth import write_synth

    work = Path(args.work or tempfile.mkdtemp(prefix="asdh-bench-"))
    if args.profile:
        data = work / f"data-{args.profile}"
        write_synth(args.profile, data, seed=args.seed)
        import cProfile
        import pstats

        from asdh_lod.pipeline import build

        prof = cProfile.Profile()
        prof.runcall(build, data, work / "site-profile")
        pstats.Stats(prof).sort_stats("cumulative").print_stats(40)
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)
        return
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    info = machine()
    print(f"machine: {info['cpu']}, {info['cores']} cores, {info['ram_gb']} GB RAM, Python {info['python']}",
          file=sys.stderr)
    results, naive_over_cap = [], None
    for n in sizes:
        data = work / f"data-{n}"
        t = time.perf_counter()
        write_synth(n, data, seed=args.seed)
        print(f"{n:,} observations: synthetic data in {time.perf_counter() - t:.1f} s", file=sys.stderr)
        fast = run_child("fast", data, work / f"site-fast-{n}", None)
        print(f"  fast : {fast['total']:.2f} s, peak {mb(fast['peak'])} MB", file=sys.stderr)
        naive: dict | None = None
        if args.no_naive:
            naive = {"skipped": "--no-naive"}
        elif naive_over_cap is not None and n > naive_over_cap:
            naive = {"skipped": f"hit the {args.cap:.0f} s cap at {naive_over_cap:,}"}
        else:
            naive = run_child("naive", data, work / f"site-naive-{n}", args.cap)
            if "timeout" in naive:
                naive_over_cap = n
                print(f"  naive: > {args.cap:.0f} s (capped)", file=sys.stderr)
            else:
                print(f"  naive: {naive['total']:.2f} s, peak {mb(naive['peak'])} MB "
                      f"({naive['total'] / fast['total']:.1f}× the fast build)", file=sys.stderr)
        results.append({"observations": n, "fast": fast, "naive": naive})
    text = table(results)
    print(text)
    doc = {"machine": info, "seed": args.seed, "cap_seconds": args.cap,
           "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "results": results}
    stem = Path(args.out)
    stem.with_suffix(".json").write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    libs = ", ".join(f"{k} {v}" for k, v in info["libraries"].items() if v)
    stem.with_suffix(".md").write_text(
        f"# Benchmark results ({doc['date']})\n\n"
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['ram_gb']} GB RAM; Python {info['python']}; "
        f"{libs}. Validator: `{results[0]['fast']['validator'] if results else '?'}`.\n"
        f"Naive cap: {args.cap:.0f} s. Peak MB is the run's peak RSS after each stage.\n\n{text}\n",
        encoding="utf-8")
    print(f"wrote {stem.with_suffix('.json')} and {stem.with_suffix('.md')}", file=sys.stderr)


if __name__ == "__main__":
    main()
