"""Shared fixtures: the real data built once, a tiny copy to break on purpose. The helpers
they use are in tests/helpers.py."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from asdh_lod.build.pipeline import build, prepare
from helpers import DATA, ROOT, copy_tiny


@pytest.fixture
def data(tiny: Path, monkeypatch) -> Path:
    """The tiny data folder, with the working folder set so paths show as data/…."""
    monkeypatch.chdir(tiny.parent)
    return tiny


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A small, valid data folder in tmp (see copy_tiny)."""
    return copy_tiny(tmp_path / "data")


@pytest.fixture(scope="module")
def tiny_build(tmp_path_factory):
    """The tiny data folder prepared (every stage but writing), once per test module."""
    return prepare(copy_tiny(tmp_path_factory.mktemp("tiny") / "data"))


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The real data, built once for the session into a temporary site folder that holds the
    committed releases (site/releases/), as site/ does: a build carries them over."""
    out = tmp_path_factory.mktemp("site") / "site"
    if (ROOT / "site" / "releases").is_dir():
        shutil.copytree(ROOT / "site" / "releases", out / "releases")
    result = build(DATA, out)
    result.out = out
    return result

