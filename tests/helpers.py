"""Shared test helpers: the project's folders, the tiny fixture, breaking it on purpose,
reading a report, and system tools that CI requires."""

from __future__ import annotations

import contextlib
import gzip
import os
import shutil
from pathlib import Path

import pytest

from asdh_lod.publish import conneg

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
TINY = Path(__file__).parent / "fixtures" / "tiny"
REQUIRE_ALL = os.environ.get("ASDH_REQUIRE_ALL") == "1"


def need(condition: bool, reason: str) -> None:
    """Skip when a system tool is missing, unless ASDH_REQUIRE_ALL=1 (CI), where it fails."""
    if not condition:
        if REQUIRE_ALL:
            pytest.fail(f"ASDH_REQUIRE_ALL=1 but {reason}")
        pytest.skip(reason)

SRC = "data/sources/tiny-haber.yaml"  # the tiny source as problems name it (working folder: tmp)
TXT = "data/sources/tiny-haber.txt"


def mutate(data: Path, old: str, new: str, name: str = "tiny-haber.yaml") -> None:
    """Replace the first `old` in data/sources/`name` by `new` (`old` must occur)."""
    f = data / "sources" / name
    text = f.read_text(encoding="utf-8")
    assert old in text, f"{old!r} does not occur in {name}"
    f.write_text(text.replace(old, new, 1), encoding="utf-8")


def where(report) -> list[tuple[str, str | None, int | None]]:
    """(code, path, line) of each problem in a report: what a person would look up."""
    return [(p.code, p.path, p.line) for p in report.problems]


def copy_tiny(data: Path) -> Path:
    """Make `data` a small, valid data folder: the real code lists and dataset.yaml, one tiny source."""
    shutil.copytree(DATA / "codelists", data / "codelists")
    shutil.copy(DATA / "dataset.yaml", data / "dataset.yaml")
    shutil.copytree(TINY / "sources", data / "sources")
    return data


@contextlib.contextmanager
def running_preview(root: Path):
    """`asdh-lod serve`'s server on a free 127.0.0.1 port, serving `root`; yields its URL."""
    server, thread = conneg.serve_in_thread(root)
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def older_edition(site: Path, into: Path) -> Path:
    """An older, smaller edition of `site` for push tests: every other line of the code lists
    and data graphs of its N-Quads (the ontology whole), as a site folder with only the dump."""
    nq = gzip.decompress((site / "downloads" / "asdh-lod.nq.gz").read_bytes()).decode("utf-8").splitlines()
    keep = [line for i, line in enumerate(nq) if line.endswith("/graph/ontology> .") or i % 2 == 0]
    (into / "downloads").mkdir(parents=True)
    (into / "downloads" / "asdh-lod.nq.gz").write_bytes(gzip.compress(("\n".join(keep) + "\n").encode()))
    return into
