"""The dumps' chunk keys, two ways side by side, over a published sorted N-Triples dump: as
before `write_dumps` shared them — BLAKE2b-160, once for each of the Turtle, JSON-LD and gzip
dumps cut from one pass — and now — SHA-256 (`serialise.chunk_key`), once a chunk.

    asdh-lod synth --observations 30000 --out /tmp/n && asdh-lod build --data /tmp/n --out /tmp/s
    .venv/bin/python benchmarks/chunk_keys.py /tmp/s/downloads/asdh-lod.nt

Prints the chunks, the seconds of each way (the best of three rounds, alternating, one
process, the chunks in memory) and their ratio; and the two hashes alone, once a chunk.
"""

from __future__ import annotations

import hashlib
import sys
import time
from pathlib import Path

from asdh_lod.core.fsio import read_lines
from asdh_lod.rdf.serialise import chunk_key, subject_chunks


def _blake2b(*parts: bytes) -> bytes:
    """The chunk key before (`chunk_key` with BLAKE2b, 20 bytes)."""
    h = hashlib.blake2b(digest_size=20)
    for p in parts:
        h.update(len(p).to_bytes(8, "big"))
        h.update(p)
    return h.digest()


def _best(fn, rounds: list[float]) -> None:
    t = time.perf_counter()
    fn()
    rounds.append(time.perf_counter() - t)


def main(nt: Path) -> None:
    chunks = list(subject_chunks(read_lines(nt)))
    size = sum(map(len, chunks))
    before, after, b1, s1 = [], [], [], []
    for _ in range(3):
        _best(lambda: [_blake2b(c) for c in chunks for _dump in range(3)], before)
        _best(lambda: [chunk_key(c) for c in chunks], after)
        _best(lambda: [_blake2b(c) for c in chunks], b1)
        _best(lambda: [chunk_key(c) for c in chunks], s1)
    print(f"{len(chunks):,} chunks, {size / 1e6:.0f} MB: three BLAKE2b keys a chunk {min(before):.2f} s, "
          f"one SHA-256 key a chunk {min(after):.2f} s, {min(before) / min(after):.1f}x "
          f"(once a chunk: BLAKE2b {min(b1):.2f} s, SHA-256 {min(s1):.2f} s)")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
