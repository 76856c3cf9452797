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
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
STAGES = ("load", "check", "map", "graph", "validate", "render", "write")


# ---------------------------------------------------------------------------------------
# child processes: one build each

class _StageLog:
    """Prints each stage's time and peak RSS as it ends, so a capped run still reports them."""

    def __init__(self, timings):
        self.timings = timings

    def start(self, stage, total):
        pass

    def advance(self, n=1):
        pass

    def end(self, stage):
        print(json.dumps({"stage": stage, "seconds": self.timings.seconds[stage],
                          "peak_rss": self.timings.peak_rss[stage]}), flush=True)


def _validator(spec: str):
    """'module:function' → that function; 'none' → a validator that checks nothing."""
    if spec == "none":
        def skip(graph, shapes, origins, report):
            return report
        skip.__module__, skip.__name__ = "(none)", "validation-skipped"
        return skip
    import importlib

    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


def child(kind: str, data: str, out: str, validator: str = "") -> None:
    sys.path.insert(0, str(HERE))
    from asdh_lod.build import pipeline
    from asdh_lod.build.pipeline import Timings

    timings = Timings()
    timings.progress = _StageLog(timings)
    if validator:
        pipeline.VALIDATE = _validator(validator)
    t = time.perf_counter()
    if kind == "floor":  # pyoxigraph alone: parse the fast build's N-Triples, write Turtle
        import pyoxigraph as ox

        ox.serialize(ox.parse(path=data, format=ox.RdfFormat.N_TRIPLES), out, format=ox.RdfFormat.TURTLE)
        total = time.perf_counter() - t
        print(json.dumps({"total": total, "cpu": pipeline.cpu_seconds(), "peak": pipeline.peak_rss()}))
        return
    if kind in ("fast", "cache"):  # "cache": the same build with --cache (work/cache-…)
        cache = Path(out).parent / f"cache-{Path(out).name}" if kind == "cache" else None
        result = pipeline.build(Path(data), Path(out), timings=timings, cache_dir=cache)
        info = {"observations": result.observations, "triples": result.triples, "pages_reused": result.pages_reused,
                "pieces_reused": getattr(result, "pieces_reused", 0),  # (commits before 0f94f96: none)
                "validator": f"{pipeline.VALIDATE.__module__}.{pipeline.VALIDATE.__name__}"}
    else:
        from naive import naive_build

        info = naive_build(Path(data), Path(out), timings)
        info["validator"] = "asdh_lod.validate.validate_graph (pySHACL)"
    total = time.perf_counter() - t
    print(json.dumps({**info, "seconds": timings.seconds, "peak_rss": timings.peak_rss, "total": total,
                      "cpu_stages": getattr(timings, "cpu", {}), "cpu": pipeline.cpu_seconds(),
                      "forked": getattr(timings, "forked", {}),  # stages run in a forked child: their time there
                      "peak": max(timings.peak_rss.values()),
                      "peak_workers": max(getattr(timings, "peak_rss_workers", {}).values() or [0])}))


def _tree(pid: int) -> list[int]:
    """`pid` and its descendants (Linux: /proc/PID/task/TID/children, no scan of every process)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for children in Path(f"/proc/{p}/task").glob("*/children"):
            try:
                todo += [int(c) for c in children.read_text().split()]
            except OSError:
                pass
    return out


def _pss(pid: int) -> int:
    """Proportional set size of one process in bytes (shared pages divided among their users), 0 if gone."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class TreeMemory:
    """Samples the summed PSS of a process and its workers (every `every` s) and keeps the
    peak: the memory of the whole build, a page shared copy-on-write by a forked worker
    counted once, not once per process as RSS counts it."""

    def __init__(self, pid: int, every: float = 0.5):
        self.pid, self.every, self.peak = pid, every, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, sum(_pss(p) for p in _tree(self.pid)))
            except OSError:
                pass
            self._stop.wait(self.every)

    def stop(self) -> int | None:
        self._stop.set()
        self._thread.join()
        return self.peak or None


def run_child(kind: str, data: Path, out: Path, cap: float | None, validator: str = "") -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind, str(data), str(out), validator]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    memory = TreeMemory(p.pid) if Path("/proc/self/smaps_rollup").exists() else None
    try:
        stdout, stderr = p.communicate(timeout=cap)
    except subprocess.TimeoutExpired:  # keep the stages that finished before the cap
        p.kill()
        stdout, _ = p.communicate()
        if memory:
            memory.stop()
        done = [d for d in map(json.loads, (ln for ln in stdout.splitlines() if ln.startswith("{"))) if "stage" in d]
        return {"timeout": cap, "seconds": {d["stage"]: d["seconds"] for d in done},
                "peak_rss": {d["stage"]: d["peak_rss"] for d in done}}
    peak_pss = memory.stop() if memory else None
    if p.returncode != 0:
        raise SystemExit(f"{kind} build of {data} failed:\n{stderr[-3000:]}")
    return {**json.loads(stdout.strip().splitlines()[-1]), "peak_pss_tree": peak_pss}


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


def _cell(run: dict, stage: str) -> tuple[float | None, str, str]:
    """(seconds or None, seconds text, peak MB text) of one stage (or 'total') of one run."""
    if not run or "skipped" in run:
        return None, f"not run ({run.get('skipped', 'off')})" if stage == "total" and run else "—", "—"
    if stage == "total":
        if "timeout" in run:
            return None, f"> {run['timeout']:.0f} (capped)", "—"
        return run["total"], f"{run['total']:.2f}", mb(run["peak"])
    if stage in run["seconds"]:
        return run["seconds"][stage], f"{run['seconds'][stage]:.2f}", mb(run["peak_rss"][stage])
    if "timeout" in run and stage == next((st for st in STAGES if st not in run["seconds"]), None):
        return None, "capped here", "—"
    return None, "—", "—"


def table(results: list[dict]) -> str:
    rows = ["| observations | stage | fast s | fast peak MB | naive s | naive peak MB | naive ÷ fast |",
            "| ---: | --- | ---: | ---: | ---: | ---: | ---: |"]
    for r in results:
        f, nv = r["fast"], r.get("naive") or {}
        for st in STAGES + ("total",):
            fs, ftext, fmb = _cell(f, st)
            ns, ntext, nmb = _cell(nv, st)
            if fs and ns is not None:
                ratio = f"{ns / fs:.1f}×"
            elif st == "total" and fs and "timeout" in nv:
                ratio = f"> {nv['timeout'] / fs:.1f}×"
            else:
                ratio = "—"
            name = f"**{st}**" if st == "total" else st
            rows.append(f"| {r['observations']:,} | {name} | {ftext} | {fmb} | {ntext} | {nmb} | {ratio} |")
    rows.append("")
    rows.append("Fast build per stage: wall s, CPU s (this process and its finished workers), peak RSS MB of "
                "this process and of the largest worker process:")
    rows.append("")
    rows.append("| observations | stage | wall s | CPU s | peak MB | largest worker MB |")
    rows.append("| ---: | --- | ---: | ---: | ---: | ---: |")
    for r in results:
        f = r["fast"]
        if "timeout" in f or "cpu_stages" not in f:
            continue
        for st in STAGES:
            if st in f["seconds"]:
                rows.append(f"| {r['observations']:,} | {st} | {f['seconds'][st]:.2f} | {f['cpu_stages'].get(st, 0):.2f} | "
                            f"{mb(f['peak_rss'][st])} | {mb(f.get('peak_rss_workers', {}).get(st))} |")
        rows.append(f"| {r['observations']:,} | **total** | {f['total']:.2f} | {f['cpu']:.2f} | {mb(f['peak'])} | "
                    f"{mb(f.get('peak_workers'))} |")
    rows.append("")
    rows.append("| observations | triples | fast s | µs per observation | fast peak RSS MB (+ largest worker) | "
                "fast peak PSS MB, workers included | "
                "floor s (pyoxigraph nt → ttl) | fast ÷ floor | republish one source s | republish ÷ floor | validator |")
    rows.append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for r in results:
        f = r["fast"]
        if "timeout" in f:
            rows.append(f"| {r['observations']:,} | — | > {f['timeout']:.0f} (capped) | — | — | — | — | — | — | — | — |")
            continue
        fl, rp = r.get("floor"), r.get("republish")
        floor = f"{fl['total']:.2f}" if fl else "—"
        ratio = f"{f['total'] / fl['total']:.1f}×" if fl else "—"
        rep = f"{rp['total']:.2f}" if rp else "—"
        rep_ratio = f"{rp['total'] / fl['total']:.1f}×" if rp and fl else "—"
        rows.append(f"| {r['observations']:,} | {f['triples']:,} | {f['total']:.2f} | "
                    f"{f['total'] / r['observations'] * 1e6:.0f} | {mb(f['peak'])} (+ {mb(f.get('peak_workers'))}) | "
                    f"{mb(f.get('peak_pss_tree'))} | {floor} | {ratio} | {rep} | {rep_ratio} | `{f['validator']}` |")
    return "\n".join(rows)


def change_one_figure(data: Path) -> str:
    """Change one figure in the first source of a synthetic data folder (its quote in the
    text and the fact: figure and value, by one in the last digit group). Returns what changed."""
    for yaml_file in sorted((data / "sources").glob("*.yaml")):  # the first with a payment in TL
        y = yaml_file.read_text(encoding="utf-8")
        m = re.search(r'figure: "((?:[^"]*? )?bin )(\d{3})( TL)"\n(\s+)value: (\d+)\n', y)
        if m:
            break
    else:
        raise SystemExit(f"no figure to change in {data}")
    txt_file = yaml_file.with_suffix(".txt")
    head, group, tl, indent, value = m.group(1), m.group(2), m.group(3) or "", m.group(4), m.group(5)
    new_group = f"{int(group) + 1:03d}" if group != "999" else "998"
    old_fig, new_fig = head + group + tl, head + new_group + tl
    new_value = str(int(value) - int(group) + int(new_group))
    y = y.replace(m.group(0), f'figure: "{new_fig}"\n{indent}value: {new_value}\n', 1)
    yaml_file.write_text(y.replace(old_fig, new_fig), encoding="utf-8")
    txt_file.write_text(txt_file.read_text(encoding="utf-8").replace(old_fig, new_fig), encoding="utf-8")
    return f"{yaml_file.name}: {old_fig} → {new_fig}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000,100000", help="comma-separated observation counts")
    ap.add_argument("--cap", type=float, default=300.0, help="wall-time cap of a naive run, seconds")
    ap.add_argument("--no-naive", action="store_true", help="run the fast build only")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=str(HERE / "results"), help="results file stem (.json and .md)")
    ap.add_argument("--work", default=None, help="folder for synthetic data and sites (default: a temp folder)")
    ap.add_argument("--profile", type=int, metavar="N", help="cProfile one fast build of N observations")
    ap.add_argument("--fast-cap", type=float, default=None, help="wall-time cap of a fast run, seconds")
    ap.add_argument("--validator", default="", metavar="MODULE:FUNCTION",
                    help="the fast build's validator instead of pipeline.VALIDATE (e.g. "
                         "asdh_lod.fastcheck:validate_fast); 'none' skips validation and the table says so")
    ap.add_argument("--republish", action="store_true",
                    help="also time an incremental build (--cache) after changing one figure in one source")
    ap.add_argument("--child", nargs=4, metavar=("KIND", "DATA", "OUT", "VALIDATOR"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    from asdh_lod.build.synth import write_synth

    work = Path(args.work or tempfile.mkdtemp(prefix="asdh-bench-"))
    if args.profile:
        data = work / f"data-{args.profile}"
        write_synth(args.profile, data, seed=args.seed)
        import cProfile
        import pstats

        from asdh_lod.build.pipeline import build

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
        fast = run_child("fast", data, work / f"site-fast-{n}", args.fast_cap, args.validator)
        if "timeout" in fast:
            print(f"  fast : > {args.fast_cap:.0f} s (capped) after {', '.join(fast['seconds'])}", file=sys.stderr)
        else:
            print(f"  fast : {fast['total']:.2f} s, peak RSS {mb(fast['peak'])} MB (largest worker "
                  f"{mb(fast.get('peak_workers'))} MB), peak PSS of the build and its workers "
                  f"{mb(fast.get('peak_pss_tree'))} MB", file=sys.stderr)
        fl = None
        if "timeout" not in fast:
            fl = run_child("floor", work / f"site-fast-{n}" / "downloads" / "asdh-lod.nt", work / f"floor-{n}.ttl", None)
            (work / f"floor-{n}.ttl").unlink(missing_ok=True)
            print(f"  floor: {fl['total']:.2f} s, peak {mb(fl['peak'])} MB (pyoxigraph: parse the N-Triples, write Turtle)"
                  f" → fast ÷ floor {fast['total'] / fl['total']:.1f}×", file=sys.stderr)
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
                print(f"  naive: {naive['total']:.2f} s, peak {mb(naive['peak'])} MB", file=sys.stderr)
        rp = None
        if args.republish and "timeout" not in fast:
            edition = work / f"data-{n}-republish"  # a copy: the synthetic folder stays as made
            shutil.rmtree(edition, ignore_errors=True)
            shutil.rmtree(work / f"cache-site-inc-{n}", ignore_errors=True)
            shutil.copytree(data, edition)
            run_child("cache", edition, work / f"site-inc-{n}", args.fast_cap)  # fills the cache
            what = change_one_figure(edition)
            rp = run_child("cache", edition, work / f"site-inc-{n}", args.fast_cap)
            rp["changed"] = what
            print(f"  republish after one changed figure ({what}): {rp['total']:.2f} s, peak RSS {mb(rp['peak'])} MB, "
                  f"{rp.get('pages_reused', 0):,} pages linked, {rp.get('pieces_reused', 0):,} dump pieces reused"
                  + (f", validated in a child beside the render stage in {rp['forked']['validate']:.2f} s"
                     if "validate" in rp.get("forked", {}) else ""), file=sys.stderr)
        results.append({"observations": n, "fast": fast, "naive": naive, "floor": fl, "republish": rp})
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
        f"{libs}. Fast build's validator: `{args.validator or 'pipeline.VALIDATE'}`.\n"
        f"Naive cap: {args.cap:.0f} s. Peak MB is the run's peak RSS after each stage.\n\n{text}\n",
        encoding="utf-8")
    print(f"wrote {stem.with_suffix('.json')} and {stem.with_suffix('.md')}", file=sys.stderr)


if __name__ == "__main__":
    main()
