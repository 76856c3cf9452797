"""The example queries (queries/*.rq) give the hand-written expected results
(tests/queries-expected/*.csv), in-process with `asdh-lod query` and over HTTP from a real
Oxigraph server the edition was pushed to."""

from __future__ import annotations

import csv
import io
from decimal import Decimal, InvalidOperation

import pytest
from click.testing import CliRunner

from asdh_lod.sparql import push as push_mod
from asdh_lod.rdf import query as engine
from asdh_lod.sparql import query as q
from asdh_lod.cli import main
from helpers import DATA, ROOT
from endpoint import Oxigraph, raw_query

QUERIES = ROOT / "src" / "asdh_lod" / "resources" / "queries"
EXPECTED = ROOT / "tests" / "queries-expected"
NAMES = sorted(f.stem for f in QUERIES.glob("*.rq"))


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def same(expected: str, actual: str) -> bool:
    try:
        return Decimal(expected) == Decimal(actual)
    except InvalidOperation:
        return expected == actual


def assert_matches(name: str, actual_csv: str) -> None:
    expected = rows((EXPECTED / f"{name}.csv").read_text(encoding="utf-8"))
    actual = rows(actual_csv)
    assert actual[0] == expected[0], f"{name}: columns"
    assert len(actual) == len(expected), f"{name}: {len(actual) - 1} rows, expected {len(expected) - 1}:\n{actual_csv}"
    for i, (e, a) in enumerate(zip(expected[1:], actual[1:]), start=1):
        assert len(a) == len(e) and all(same(x, y) for x, y in zip(e, a)), f"{name}: row {i}: {a} != {e}"


def test_at_least_twelve_queries_each_with_expected_results():
    assert len(NAMES) == 16
    assert NAMES == sorted(f.stem for f in EXPECTED.glob("*.csv"))


@pytest.mark.parametrize("name", NAMES)
def test_each_query_says_what_it_answers_and_declares_its_prefixes(name, built):
    text = (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
    title, _ = engine.describe(text)
    assert title and title[-1] in "?.", f"{name}: the first line must be a comment saying what it answers"
    engine.run(q.open_store(built.out), text, prefixes={}, where=name)  # runs on an endpoint that predeclares nothing


@pytest.mark.parametrize("name", NAMES)
def test_query_in_process(name, built):
    r = CliRunner().invoke(main, ["query", str(QUERIES / f"{name}.rq"), "--site", str(built.out), "--format", "csv",
                                  "--releases"])
    assert r.exit_code == 0, r.output
    assert_matches(name, r.stdout_bytes.decode("utf-8"))


@pytest.fixture(scope="module")
def endpoint(built, tmp_path_factory):
    server = Oxigraph(tmp_path_factory.mktemp("oxigraph") / "db").start()
    try:
        push_mod.push(built.out, server.store, backoff=0.01)
        for r in built.releases:  # each release into its own named graphs
            push_mod.push(built.out, server.store, backoff=0.01, release=r.version)
        yield server
    finally:
        server.stop()


@pytest.mark.parametrize("name", NAMES)
def test_query_over_http_after_push(name, endpoint):
    text = (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
    answer = raw_query(endpoint.url + "/query", text, "text/csv").decode("utf-8")
    assert_matches(name, answer)


def test_a_wrong_expectation_fails(built):
    with pytest.raises(AssertionError, match="row 1"):
        assert_matches("home-care-allowance-by-province",
                       "province,period,periodKind,persons\r\nElazığ,2024-05,stock,5395\r\nErzurum,2025,monthly-average,5939\r\n")


def _section_rows(html: str, name: str) -> list[list[str]]:
    import re
    from html import unescape
    section = re.split(rf'<section[^>]* id="{name}">', html, maxsplit=1)[1].split("</section>", 1)[0]
    head = [unescape(c) for c in re.findall(r"<th(?:\s[^>]*)?>(.*?)</th>", section)]
    body = section.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = [[unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
            for tr in re.findall(r"<tr>(.*?)</tr>", body, re.S)]
    return [head] + rows


@pytest.mark.parametrize("name", NAMES)
def test_site_page_shows_each_answer(name, built):
    html = (built.out / "queries" / "index.html").read_text(encoding="utf-8")
    shown = _section_rows(html, name)
    out = io.StringIO()
    csv.writer(out).writerows(shown)
    assert_matches(name, out.getvalue())
    assert (built.out / "queries" / f"{name}.rq").read_bytes() == (QUERIES / f"{name}.rq").read_bytes()


def test_a_failing_example_query_stops_the_build(tiny, tmp_path):
    from asdh_lod.build.pipeline import build
    from asdh_lod.core.problems import ProblemsFound
    (tmp_path / "queries").mkdir()
    (tmp_path / "queries" / "bad.rq").write_text("# Which?\nSELECT ?s\nWHER { ?s ?p ?o }\n", encoding="utf-8")
    (tmp_path / "queries" / "untitled.rq").write_text("SELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(ProblemsFound) as err:
        build(tiny, tmp_path / "site")
    assert [str(p) for p in err.value.report.sorted()] == [
        "queries/bad.rq:3: [query-error] SPARQL syntax error at 3:6: expected one of DISTINCT, WHERE "
        "(fix the query; try it with asdh-lod query queries/bad.rq)",
        "queries/untitled.rq:1: [query-error] the query must start with a comment line saying what it answers "
        "(fix the query; try it with asdh-lod query queries/untitled.rq)"]
    assert not (tmp_path / "site").exists()


def test_page_is_escaped(built):
    html = (built.out / "queries" / "index.html").read_text(encoding="utf-8")
    assert "PREFIX asdh: &lt;https://w3id.org/asdh-lod/def/&gt;" in html and "<https://" not in html


def test_the_query_pages_paths_are_known_before_the_queries_run(built):
    """The render runs the example queries in a thread beside the pages and tells the pages
    which paths the query pages will take (`querypage.page_paths`) before they exist."""
    from asdh_lod.core.resources import queries_for, web_for
    from asdh_lod.publish import querypage
    from asdh_lod.publish.querypage import load_queries, load_web_assets

    queries = load_queries(queries_for(DATA))
    web = load_web_assets(web_for(DATA))
    paths = querypage.page_paths(queries, web)
    assert {"queries/index.html", "sparql/index.html"} <= paths and len(paths) > len(queries) + 2
    assert paths == {p.relative_to(built.out).as_posix() for p in built.out.rglob("*")
                     if p.relative_to(built.out).as_posix() in paths}  # all published
    assert querypage.page_paths(queries) == {"queries/index.html", *(f"queries/{q.name}.rq" for q in queries)}
    assert querypage.page_paths([]) == set()
