"""Shared fixtures: the real data folder, and a tiny copy to break on purpose."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

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


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A small, valid data folder: the real code lists and dataset.yaml, one tiny source."""
    data = tmp_path / "data"
    shutil.copytree(DATA / "codelists", data / "codelists")
    shutil.copy(DATA / "dataset.yaml", data / "dataset.yaml")
    shutil.copytree(TINY / "sources", data / "sources")
    return data


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> "BuildResult":  # noqa: F821
    """The real data, built once for the session into a temporary site folder."""
    from asdh_lod.pipeline import build

    out = tmp_path_factory.mktemp("site") / "site"
    result = build(DATA, out)
    result.out = out
    return result
