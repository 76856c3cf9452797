"""asdh-lod push against a real Virtuoso 7 (tests/virtuoso.py): HTTP Digest on the secured
endpoints, the example queries answering what they answer in-process, and what the swap
guarantees there (Virtuoso does not apply an update request all-or-nothing)."""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from asdh_lod.sparql import push as p
from asdh_lod.cli import main
from helpers import older_edition, ROOT
from virtuoso import USER, Virtuoso, query_json

BASE = "https://w3id.org/asdh-lod/"
GRAPHS = [BASE + "graph/" + n for n in ("catalog", "codelists", "data", "ontology")]
# Virtuoso keeps graphs of its own (virtrdf:, …): count ours only
COUNTS = (f'SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (STRSTARTS(STR(?g), "{BASE}") '
          f'|| STRSTARTS(STR(?g), "urn:asdh-test:")) }} GROUP BY ?g')
QUERIES = ROOT / "src" / "asdh_lod" / "resources" / "queries"
NAMES = sorted(f.stem for f in QUERIES.glob("*.rq"))
XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    v = Virtuoso(tmp_path_factory.mktemp("virtuoso") / "db").start()
    yield v
    v.stop()


@pytest.fixture(scope="module")
def v2(built) -> Path:
    return built.out


@pytest.fixture(scope="module")
def v1(built, tmp_path_factory) -> Path:
    """An older, smaller edition: every other line of the code lists and data graphs."""
    return older_edition(built.out, tmp_path_factory.mktemp("v1") / "site")


def counts(v: Virtuoso) -> dict[str, int]:
    return {r["g"]["value"]: int(r["n"]["value"]) for r in v.select(COUNTS)}


def edition_counts(site: Path) -> dict[str, int]:
    return {g: body.count(b"\n") for g, body in p.read_edition(site).graphs.items()}


def login(v: Virtuoso) -> p.Login:
    return p.Login(USER, v.password)


def push(v: Virtuoso, site: Path, **kw) -> p.PushResult:
    kw.setdefault("backoff", 0.01)
    kw.setdefault("timeout", 60)
    return p.push(site, v.crud_auth, update_endpoint=v.sparql_auth, auth=login(v), **kw)


def update(v: Virtuoso, text: str) -> None:
    """A SPARQL Update on /sparql-auth, as the publisher (Digest)."""
    p.Client(login(v), retries=0, timeout=60).send("POST", v.sparql_auth, text.encode(), "application/sparql-update",
                                                   what="update")


def run_cli(v: Virtuoso, site: Path, env: dict[str, str]):
    return CliRunner().invoke(main, ["push", "--endpoint", v.crud_auth, "--update-endpoint", v.sparql_auth,
                                     "--site", str(site), "--retries", "0"], env=env)


def environment(user: str | None = None, password: str | None = None) -> dict[str, str | None]:
    env: dict[str, str | None] = {k: None for k in ("ASDH_LOD_ENDPOINT_USER", "ASDH_LOD_ENDPOINT_PASSWORD",
                                                    "ASDH_LOD_ENDPOINT_TOKEN")}
    env["NETRC"] = "/nonexistent/netrc"
    if user:
        env.update(ASDH_LOD_ENDPOINT_USER=user, ASDH_LOD_ENDPOINT_PASSWORD=password)
    return env


# --- HTTP Digest on the secured endpoints ------------------------------------------------

def test_the_secured_endpoints_want_digest(virtuoso):
    import urllib.error
    import urllib.request
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(urllib.request.Request(virtuoso.crud_auth + "?graph=urn:x", method="HEAD"), timeout=10)
    assert err.value.code == 401
    challenge = p.Digest.pick(err.value.headers.get_all("WWW-Authenticate"))
    assert challenge is not None and challenge.algorithm == "MD5" and challenge.qop == "auth"


def test_push_with_digest(virtuoso, v1, v2):
    r = run_cli(virtuoso, v1, environment(USER, virtuoso.password))
    assert r.exit_code == 0, r.output
    assert counts(virtuoso) == edition_counts(v1)
    r = run_cli(virtuoso, v2, environment(USER, virtuoso.password))
    assert r.exit_code == 0, r.output
    assert r.output.startswith(f"pushed 4 graphs, {sum(edition_counts(v2).values())} triples (")
    assert counts(virtuoso) == edition_counts(v2)  # no staging graph left


def test_wrong_or_no_password(virtuoso, v1, v2):
    push(virtuoso, v2)
    r = run_cli(virtuoso, v1, environment(USER, "wrong"))
    assert r.exit_code == 1
    assert r.output == (f"Error: uploading <{BASE}graph/catalog>: 401 Unauthorized from {virtuoso.crud_auth}: "
                        "wrong credentials: set ASDH_LOD_ENDPOINT_USER/ASDH_LOD_ENDPOINT_PASSWORD "
                        "(or ASDH_LOD_ENDPOINT_TOKEN) or a netrc entry for 127.0.0.1; nothing was swapped in: "
                        "the endpoint still serves its previous edition\n")
    r = run_cli(virtuoso, v1, environment())
    assert r.exit_code == 1 and "401 Unauthorized" in r.output and "the endpoint needs credentials" in r.output
    assert counts(virtuoso) == edition_counts(v2)


# --- what a swap is on Virtuoso -----------------------------------------------------------

def four_graphs(v: Virtuoso) -> None:
    """Live graphs a, b with one triple; staging graphs sa, sb with two."""
    update(v, "".join(f"DROP SILENT GRAPH <urn:asdh-test:{g}> ;\n" for g in ("a", "b", "sa", "sb"))
           + "INSERT DATA { GRAPH <urn:asdh-test:a> { <urn:s> <urn:p> 1 } GRAPH <urn:asdh-test:b> { <urn:s> <urn:p> 1 }"
             " GRAPH <urn:asdh-test:sa> { <urn:s> <urn:p> 2, 3 } GRAPH <urn:asdh-test:sb> { <urn:s> <urn:p> 2, 3 } }")


def test_virtuoso_keeps_the_operations_before_a_failing_one(virtuoso):
    """One update request is not all-or-nothing on Virtuoso: the endpoint runs it and then
    commits whatever it did, error or not (sparql_io.sql: exec (…); commit work;), and
    answers 500. Oxigraph, Fuseki/TDB2 and GraphDB would have applied none of it."""
    four_graphs(virtuoso)
    before = {k: n for k, n in counts(virtuoso).items() if k.startswith("urn:asdh-test:")}
    assert before == {"urn:asdh-test:a": 1, "urn:asdh-test:b": 1, "urn:asdh-test:sa": 2, "urn:asdh-test:sb": 2}
    with pytest.raises(p.PushError) as err:
        update(virtuoso, "MOVE <urn:asdh-test:sa> TO <urn:asdh-test:a> ;\n"
                         "DROP GRAPH <urn:asdh-test:nothing> ;\n"  # fails: no such graph
                         "MOVE <urn:asdh-test:sb> TO <urn:asdh-test:b>")
    assert err.value.status == 500 and "has not been explicitly created" in str(err.value)
    after = {k: n for k, n in counts(virtuoso).items() if k.startswith("urn:asdh-test:")}
    assert after == {"urn:asdh-test:a": 2, "urn:asdh-test:b": 1, "urn:asdh-test:sb": 2}  # the first MOVE stayed


def test_virtuoso_moves_a_missing_graph_as_an_empty_one(virtuoso):
    """MOVE of a graph that does not exist empties the target, without an error (SPARQL 1.1:
    an error unless SILENT; Oxigraph refuses it). So a swap sent a second time, after a
    first one that was partly applied, would empty the graphs it had already moved: push
    never sends the swap twice for one upload."""
    four_graphs(virtuoso)
    update(virtuoso, "MOVE <urn:asdh-test:sa> TO <urn:asdh-test:a>")
    update(virtuoso, "MOVE <urn:asdh-test:sa> TO <urn:asdh-test:a>")  # again: sa is gone
    assert "urn:asdh-test:a" not in counts(virtuoso)  # empty


def test_a_swap_that_fails_midway_is_repaired(virtuoso, v1, v2, monkeypatch):
    """A swap that fails after its first MOVE (a real partial swap, as Virtuoso does it: the
    catalog graph is the new edition's, the others the previous one's, answer 500): push
    uploads every staging graph again and swaps again, and the endpoint serves the whole
    new edition."""
    push(virtuoso, v1)
    real = p.swap_update
    sent: list[str] = []

    def failing_once(edition):
        text = real(edition)
        if not sent:
            first, rest = text.split(" ;\n", 1)
            text = first + " ;\nDROP GRAPH <urn:asdh-test:nothing> ;\n" + rest
        sent.append(text)
        return text

    monkeypatch.setattr(p, "swap_update", failing_once)
    result = push(virtuoso, v2)
    assert len(sent) == 2 and result.retries == 1
    assert counts(virtuoso).items() >= edition_counts(v2).items()
    assert not any("/staging/" in g for g in counts(virtuoso))
    monkeypatch.setattr(p, "swap_update", real)
    # and when it keeps failing, push says what state the endpoint may be in
    monkeypatch.setattr(p, "swap_update",
                        lambda ed: real(ed).replace(" ;\n", " ;\nDROP GRAPH <urn:asdh-test:x> ;\n", 1))
    with pytest.raises(p.PushError, match=r"500 SPARQL Request Failed .*\(after uploading 2 times\); the swap failed: "
                                          r".*Virtuoso may serve part of the new one: run the push again"):
        push(virtuoso, v1, retries=1)
    monkeypatch.setattr(p, "swap_update", real)
    live = {g: n for g, n in counts(virtuoso).items() if g in GRAPHS}
    mixed = dict(edition_counts(v2), **{GRAPHS[0]: edition_counts(v1)[GRAPHS[0]]})
    assert live == mixed  # catalog from v1, the rest still v2: a mix, until the push is run again
    push(virtuoso, v2)
    assert {g: n for g, n in counts(virtuoso).items() if g in GRAPHS} == edition_counts(v2)


# --- the example queries -----------------------------------------------------------------

NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long", "short", "byte",
                             "nonNegativeInteger", "positiveInteger", "unsignedInt", "unsignedLong")}


def term(b: dict | None):
    """One value of a SPARQL JSON result, as both stores mean it.

    Virtuoso 7 writes "typed-literal" (the SPARQL 1.0 draft's name), writes xsd:string on
    computed plain strings (the same literal in RDF 1.1), and writes xsd:boolean true as
    "1"; numbers are compared by value (lexical forms and integer subtypes vary)."""
    if b is None:
        return None
    kind, value, datatype = b["type"], b["value"], b.get("datatype")
    if kind == "typed-literal":
        kind = "literal"
    if datatype == XSD + "string":
        datatype = None
    if datatype in NUMERIC:
        return ("number", Decimal(value))
    if datatype == XSD + "boolean":
        return ("boolean", value in ("true", "1"))
    return (kind, value, datatype, b.get("xml:lang"))


def answers(doc: dict) -> tuple[list[str], Counter]:
    names = doc["head"]["vars"]
    return names, Counter(tuple(term(row.get(n)) for n in names) for row in doc["results"]["bindings"])


@pytest.fixture(scope="module")
def pushed(virtuoso, v2):
    push(virtuoso, v2)
    return virtuoso


def in_process(name: str, site: Path) -> dict:
    r = CliRunner().invoke(main, ["query", str(QUERIES / f"{name}.rq"), "--site", str(site), "--format", "json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout_bytes)


def integer_division_percent(rows: Counter) -> Counter:
    """period-kinds-share on Virtuoso: ROUND(1000 * ?figures / ?all) / 10 with SQL integer
    division (SPARQL 1.1: integer / integer is an xsd:decimal)."""
    everything = sum(figures for _, (_, figures), _ in rows.elements())  # every observation has a kind
    return Counter((kind, ("number", figures), ("number", Decimal(1000 * figures // everything // 10)))
                   for kind, (_, figures), _ in rows.elements())


@pytest.mark.parametrize("name", NAMES)
def test_example_query_on_virtuoso(name, pushed, v2):
    names, expected = answers(in_process(name, v2))
    got_names, got = answers(query_json(pushed.sparql, (QUERIES / f"{name}.rq").read_text(encoding="utf-8")))
    assert got_names == names and sum(expected.values()) > 0
    if name == "period-kinds-share":  # a Virtuoso quirk, kept visible: see docs/sparql-stores.md
        assert got != expected
        assert got == integer_division_percent(expected)
        return
    assert got == expected


def test_virtuoso_divides_integers_as_integers(pushed):
    """Why period-kinds-share differs: 7 / 2 is 3 on Virtuoso 7, 3.5 in SPARQL 1.1."""
    [row] = pushed.select("SELECT (7 / 2 AS ?x) (7.0 / 2 AS ?y) {}")
    assert (term(row["x"]), term(row["y"])) == (("number", 3), ("number", Decimal("3.5")))


def test_no_test_graph_left(pushed):
    update(pushed, "".join(f"DROP SILENT GRAPH <urn:asdh-test:{g}> ;\n" for g in ("a", "b", "sa", "sb")).rstrip(" ;\n"))
    assert set(counts(pushed)) == set(GRAPHS)
