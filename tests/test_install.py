"""A non-editable install works outside the checkout: the ontology, shapes, queries and
templates are package data. The wheel is built and installed into a fresh virtual
environment, and `asdh-lod validate` and `asdh-lod build` run from a folder elsewhere."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from helpers import DATA, ROOT


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The `asdh-lod` command of a fresh virtual environment with the wheel installed."""
    tmp = tmp_path_factory.mktemp("install")
    dist = tmp / "dist"
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--disable-pip-version-check",
                        "-w", str(dist), str(ROOT)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    wheel = next(dist.glob("asdh_lod-*.whl"))
    env_dir = tmp / "venv"
    venv.create(env_dir, with_pip=True)
    r = subprocess.run([str(env_dir / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        str(wheel)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return env_dir / "bin" / "asdh-lod"


def _run(cmd: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run([str(cmd), *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=600)


def test_the_installed_package_is_not_the_checkout(installed):
    python = installed.parent / "python"
    r = subprocess.run([str(python), "-c", "import asdh_lod, sys; print(asdh_lod.__file__)"], capture_output=True,
                       text=True, cwd="/")
    assert "site-packages" in r.stdout and str(ROOT) not in r.stdout


def test_validate_and_build_from_a_folder_outside_the_checkout(installed, tmp_path):
    work = tmp_path / "elsewhere"
    (work / "data").mkdir(parents=True)
    for item in ("codelists", "sources"):
        subprocess.run(["cp", "-r", str(DATA / item), str(work / "data" / item)], check=True)
    (work / "data" / "dataset.yaml").write_bytes((DATA / "dataset.yaml").read_bytes())

    r = _run(installed, "validate", "--data", "data", cwd=work)
    assert r.returncode == 0, r.stdout + r.stderr
    r = _run(installed, "build", "--data", "data", "--out", "site", cwd=work)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.startswith("published site/: 97 observations")
    site = work / "site"
    assert (site / "downloads" / "shapes.ttl").is_file() and (site / "def" / "index.html").is_file()
    assert sorted(p.name for p in (site / "queries").glob("*.rq")) == sorted(
        p.name for p in (ROOT / "src" / "asdh_lod" / "resources" / "queries").glob("*.rq"))
    assert not (site / "sparql").exists()  # no web/ here: no in-browser SPARQL page …
    assert not (site / "maps").exists() and 'class="map"' not in (site / "index.html").read_text(encoding="utf-8")  # … no maps
    assert (site / "index.chart-1.csv").is_file()  # the charts still give their figures
    r = _run(installed, "validate", "site/downloads/asdh-lod.ttl", "--data", "data", cwd=work)
    assert r.returncode == 0, r.stdout + r.stderr
    # the shapes really run: a broken value is refused with its YAML line
    src = work / "data" / "sources" / "erzurum-2025-faaliyet-raporu-haber.yaml"
    src.write_text(src.read_text(encoding="utf-8").replace("value: 5939", "value: 5393", 1), encoding="utf-8")
    r = _run(installed, "validate", "--data", "data", cwd=work)
    assert r.returncode == 1
    assert "erzurum-2025-faaliyet-raporu-haber.yaml:48: [value-mismatch] value 5393" in r.stdout + r.stderr
