"""The data graph's merge, two ways side by side: `heapq.merge` line by line (`fsio.unique_merge`)
and the galloping merge on bytes (`fsio.merge_sorted`), over the per-source sorted N-Triples
files an incremental build keeps in its cache (`{key}.nt`).

    asdh-lod synth --observations 100000 --out /tmp/n && asdh-lod build --data /tmp/n --out /tmp/s --cache /tmp/c
    .venv/bin/python benchmarks/merge_sorted.py /tmp/c

Prints the lines, the runs the galloping merge copied, both times and their ratio (one
process, one after the other, the files in the page cache after a first read).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from asdh_lod.core import fsio


def main(cache: Path) -> None:
    files = sorted(cache.glob("*.nt"))
    if not files:
        raise SystemExit(f"no *.nt files in {cache}: build with --cache {cache} first")
    for f in files:  # into the page cache, for both alike
        f.read_bytes()
    t = time.perf_counter()
    lines = sum(1 for _ in fsio.unique_merge([fsio.read_lines(f) for f in files]))
    by_line = time.perf_counter() - t
    t = time.perf_counter()
    runs = merged = 0
    for piece in fsio.merge_sorted([fsio.read_chunks(f) for f in files]):
        runs += 1
        merged += piece.count(b"\n")
    galloping = time.perf_counter() - t
    assert merged == lines, (merged, lines)
    print(f"{len(files)} files, {lines:,} lines, {runs:,} runs: heapq line by line {by_line:.2f} s, "
          f"galloping on bytes {galloping:.2f} s, {by_line / galloping:.1f}x")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
