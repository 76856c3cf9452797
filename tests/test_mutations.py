"""The mutation corpus: for every W3C integrity constraint and every domain rule, a minimal
bad graph that produces exactly that problem and no other — checked by pySHACL with the full
shapes (the reference) and by the fast path, which must give identical results.

tests/mutations/*.ru are SPARQL updates applied to the tiny good cube (tests/fixtures/tiny);
tests/mutations/*.ttl are small third-party cubes on their own. The first line of each file
says what it must produce: `# expect: IC-12` (a shape identifier) or `# expect: none`; then
a line of description and one `# message: …` line per distinct message the results carry.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph

from asdh_lod.stages.fastcheck import fast_results
from asdh_lod.core.resources import SHAPES
from asdh_lod.stages.validate import load_shapes, shacl_results

MUTATIONS = Path(__file__).parent / "mutations"
FILES = sorted(p.name for p in MUTATIONS.iterdir() if p.suffix in (".ru", ".ttl"))


@pytest.fixture(scope="module")
def good(tiny_build) -> Graph:
    return tiny_build.mapped.union()


@pytest.fixture(scope="module")
def shapes(tiny_build) -> Graph:
    return load_shapes(tiny_build.mapped.uris, SHAPES)


def expected(path: Path) -> set[str]:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    m = re.fullmatch(r"# expect: (.+)", first)
    assert m, f"{path.name} must start with '# expect: …'"
    return set() if m.group(1) == "none" else set(m.group(1).split())


def messages(path: Path) -> list[str]:
    prefix = "# message: "
    return [line[len(prefix):] for line in path.read_text(encoding="utf-8").splitlines() if line.startswith(prefix)]


def mutated(path: Path, good: Graph) -> Graph:
    if path.suffix == ".ttl":
        return Graph().parse(path, format="turtle")
    g = Graph()
    g += good
    g.update(path.read_text(encoding="utf-8"))
    assert set(g) != set(good), f"{path.name} changed nothing"
    return g


def test_corpus_covers_every_ic_and_domain_rule(shapes):
    from rdflib.namespace import DCTERMS
    ids = {str(i) for i in shapes.objects(None, DCTERMS.identifier)}
    assert {f"IC-{n}" for n in range(1, 22)} <= ids
    covered = set().union(*(expected(MUTATIONS / f) for f in FILES))
    assert covered == ids


def test_good_cube_has_no_result(good, shapes):
    assert shacl_results(good, shapes) == []
    assert fast_results(good, shapes) == []


@pytest.mark.parametrize("name", FILES)
def test_mutation_gives_exactly_its_problem_in_both_engines(name, good, shapes):
    g = mutated(MUTATIONS / name, good)
    reference = shacl_results(g, shapes)
    fast = fast_results(g, shapes)
    assert set(fast) == set(reference)
    assert {r.shape_id for r in reference} == expected(MUTATIONS / name)
    assert sorted({r.message for r in reference}) == messages(MUTATIONS / name)
