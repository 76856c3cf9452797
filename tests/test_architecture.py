"""The package's layers hold: the import-linter contract in pyproject.toml, no import cycle,
no import inside a function, no file found from `__file__` outside core/resources.py."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

from helpers import ROOT

SRC = ROOT / "src" / "asdh_lod"


def test_the_layer_contract_is_kept():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint, "import-linter is a test dependency (pyproject.toml, extra 'test')"
    r = subprocess.run([lint, "--config", str(ROOT / "pyproject.toml")], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Contracts: 2 kept, 0 broken." in r.stdout


def test_the_contract_would_catch_an_upward_import(tmp_path):
    """The contract is not vacuous: a core module importing the pipeline breaks it."""
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    pkg = tmp_path / "src"
    shutil.copytree(SRC, pkg / "asdh_lod", ignore=shutil.ignore_patterns("__pycache__"))
    bad = pkg / "asdh_lod" / "core" / "text.py"
    bad.write_text(bad.read_text(encoding="utf-8") + "\nfrom ..build import pipeline  # noqa\n", encoding="utf-8")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    r = subprocess.run([lint, "--config", str(tmp_path / "pyproject.toml"), "--no-cache"], cwd=tmp_path,
                       capture_output=True, text=True, env={"PYTHONPATH": str(pkg), "PATH": "/usr/bin:/bin"})
    assert r.returncode == 1
    assert "asdh_lod.core.text -> asdh_lod.build.pipeline" in r.stdout


def _modules():
    return sorted(SRC.rglob("*.py"))


def test_no_import_inside_a_function():
    found = []
    for f in _modules():
        tree = ast.parse(f.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for inner in ast.walk(node):
                    if isinstance(inner, (ast.Import, ast.ImportFrom)):
                        found.append(f"{f.relative_to(SRC)}:{inner.lineno}")
    assert found == []


def test_files_are_found_by_core_resources_only():
    users = [f.relative_to(SRC).as_posix() for f in _modules() if "__file__" in f.read_text(encoding="utf-8")]
    assert users == ["core/resources.py"]


def test_one_prefix_map_one_atomic_writer():
    """The concepts the restructure gathered stay in one place each."""
    texts = {f.relative_to(SRC).as_posix(): f.read_text(encoding="utf-8") for f in _modules()}
    assert [p for p, t in texts.items() if "os.replace(" in t or "mkdtemp(" in t or "mkstemp(" in t] == ["core/fsio.py"]
    assert [p for p, t in texts.items() if '"sdmx-measure":' in t] == ["rdf/vocab.py"]
    assert [p for p, t in texts.items() if "Environment(" in t] == ["publish/templating.py"]
    assert [p for p, t in texts.items() if '"downloads/' in t or "'downloads/" in t] == ["rdf/files.py"]  # the one table
    assert [p for p, t in texts.items() if "w3id.org/asdh-lod" in t] == ["rdf/vocab.py"]
