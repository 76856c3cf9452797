"""The load and check stages alone, in one process and with worker processes, side by side.

    python benchmarks/load_check.py --sizes 10000,100000 [--workers 2] [--repeat 3]

For each size it writes a synthetic data folder (`asdh-lod synth`, seed 0) and runs load then
check in fresh subprocesses, alternating `ASDH_LOD_WORKERS=1` (one process) and
`ASDH_LOD_WORKERS=N`, `--repeat` times each; it prints the best wall time of each stage, the
CPU seconds of the process and of its workers, the peak RSS of the process and of the largest
worker, and the ratio one process ÷ workers. Both runs must load the same model: the script
compares a digest of it. On a machine whose cores are busy with other work, workers cannot
help (and cost the pickling of their results): compare on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = r"""
import gc, hashlib, json, resource, sys, time
from pathlib import Path
from asdh_lod.stages.check import check
from asdh_lod.ingest.load import load

def children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime

gc.disable()  # as pipeline.prepare does
t0, c0, k0 = time.perf_counter(), time.process_time(), children()
model, report = load(Path(sys.argv[1]))
t1, c1, k1 = time.perf_counter(), time.process_time(), children()
check(model, report)
t2, c2, k2 = time.perf_counter(), time.process_time(), children()
assert model is not None and report.ok, report.lines()[:5]
print(json.dumps({
    "load": t1 - t0, "load_cpu": c1 - c0, "load_workers_cpu": k1 - k0,
    "check": t2 - t1, "check_cpu": c2 - c1,
    "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    "worker_rss": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024,
    "observations": len(model.facts),
    "digest": hashlib.sha256(repr(model).encode()).hexdigest(),  # dataclass reprs: every field
}))
"""


def run(data: Path, workers: int) -> dict:
    env = dict(os.environ, ASDH_LOD_WORKERS=str(workers))
    p = subprocess.run([sys.executable, "-c", CHILD, str(data)], env=env, capture_output=True, text=True,
                       check=True)
    return json.loads(p.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    from asdh_lod.build.synth import write_synth

    print(f"{'size':>7} {'run':>10} {'load s':>7} {'cpu':>11} {'check s':>8} {'rss MB':>7} {'worker MB':>9}")
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            data = Path(tmp) / "data"
            write_synth(size, data, seed=0)
            runs: dict[int, list[dict]] = {1: [], args.workers: []}
            for _ in range(args.repeat):
                for w in runs:
                    runs[w].append(run(data, w))
            digests = {r["digest"] for rs in runs.values() for r in rs}
            assert len(digests) == 1, "the runs loaded different models"
            best = {w: {k: min(r[k] for r in rs) for k in rs[0] if k != "digest"} for w, rs in runs.items()}
            for w, b in best.items():
                label = "1 process" if w == 1 else f"{w} workers"
                cpu = f"{b['load_cpu']:.2f}+{b['load_workers_cpu']:.2f}"
                print(f"{size:>7} {label:>10} {b['load']:7.2f} {cpu:>11} {b['check']:8.2f} "
                      f"{b['rss'] / 2**20:7.0f} {b['worker_rss'] / 2**20:9.0f}")
            one, many = best[1], best[args.workers]
            print(f"{size:>7} {'ratio':>10} {one['load'] / many['load']:6.2f}x "
                  f"{'':>11} {one['check'] / many['check']:7.2f}x")


if __name__ == "__main__":
    main()
