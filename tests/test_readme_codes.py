"""The README documents every problem code (code, title, what to do) and every shape."""

from __future__ import annotations

from rdflib.namespace import DCTERMS

from asdh_lod.problems import TYPES, markdown_table
from asdh_lod.uris import Uris
from asdh_lod.validate import load_shapes
from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_lists_every_problem_code():
    assert markdown_table() in README  # regenerate with asdh_lod.problems.markdown_table()
    for t in TYPES.values():
        assert f"| `{t.code}` | {t.title} |" in README


def test_readme_lists_every_shape():
    shapes = load_shapes(Uris("https://w3id.org/asdh-lod/", "provincial"))
    ids = {str(i) for i in shapes.objects(None, DCTERMS.identifier)}
    assert len(ids) == 41
    for ident in ids:
        assert f"| `{ident}` |" in README
