"""The docs: docs/shapes.md documents every problem code (code, title, what to do) and every
shape; the README is short and every document it links to exists."""

from __future__ import annotations

from rdflib.namespace import DCTERMS

from asdh_lod.core.problems import TYPES, markdown_table
from asdh_lod.rdf.uris import Uris
from asdh_lod.stages.validate import load_shapes
from helpers import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
SHAPES_DOC = (ROOT / "docs" / "shapes.md").read_text(encoding="utf-8")


def test_every_problem_code_is_documented():
    assert markdown_table() in SHAPES_DOC  # regenerate with asdh_lod.core.problems.markdown_table()
    for t in TYPES.values():
        assert f"| `{t.code}` | {t.title} |" in SHAPES_DOC


def test_every_shape_is_documented():
    shapes = load_shapes(Uris("https://w3id.org/asdh-lod/", "provincial"))
    ids = {str(i) for i in shapes.objects(None, DCTERMS.identifier)}
    assert len(ids) == 41
    for ident in ids:
        assert f"| `{ident}` |" in SHAPES_DOC


def test_the_readme_is_short_and_its_links_resolve():
    import re

    assert len(README.encode("utf-8")) < 10_000  # read in five minutes; the reference is in docs/
    links = re.findall(r"\]\(((?:docs/)?[\w./-]+\.md)\)", README)
    assert "docs/deploy.md" in links and "docs/architecture.md" in links
    for link in links:
        assert (ROOT / link).is_file(), link
    for doc in (ROOT / "docs").glob("*.md"):
        for link in re.findall(r"\]\(([\w./-]+\.md)\)", doc.read_text(encoding="utf-8")):
            assert (doc.parent / link).resolve().is_file(), f"{doc.name}: {link}"
