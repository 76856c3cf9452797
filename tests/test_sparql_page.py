"""The in-browser SPARQL page: served from the built site on 127.0.0.1 and run in headless
Chromium, the Oxigraph WebAssembly engine loads the dump and answers an example query."""

from __future__ import annotations

import functools
import gzip
import json
import os
import re
import shutil
import subprocess
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from asdh_lod.publish.querypage import VENDOR
from asdh_lod.rdf import query as engine
from cdp import CHROMIUM, Chromium
from helpers import need


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    return None


class Quiet(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm",
                      ".js": "text/javascript"}

    def log_message(self, *args):
        pass


@pytest.fixture
def serve():
    servers = []

    def start(folder: Path) -> str:
        srv = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        servers.append(srv)
        return f"http://127.0.0.1:{srv.server_address[1]}"

    yield start
    for srv in servers:
        srv.shutdown()
        srv.server_close()


def dom(url: str, tmp_path: Path) -> str:
    """The page's DOM after its scripts ran (virtual time lets the engine load and answer)."""
    binary = chromium()
    need(binary is not None, "Chromium is not installed (apt-get install chromium)")
    profile = tmp_path / "chromium-profile"
    r = subprocess.run([binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        f"--user-data-dir={profile}", "--virtual-time-budget=30000", "--dump-dom", url],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    return r.stdout


def settled(url: str, tmp_path: Path) -> str:
    """The DOM once the page has finished (done or error); a slow machine gets three tries."""
    for _ in range(3):
        html = dom(url, tmp_path)
        if state(html)["state"] not in ("loading", "ready"):
            break
    return html


def state(html: str) -> dict[str, str]:
    body = re.search(r"<body([^>]*)>", html)[1]
    out = dict(re.findall(r'data-([a-z]+)="([^"]*)"', body))
    out["status"] = re.search(r'id="status"[^>]*>([^<]*)<', html)[1]
    return out


def test_vendored_files_are_on_the_site(built):
    for package, file in VENDOR:
        assert (built.out / "sparql" / "vendor" / package.rsplit("/", 1)[-1] / Path(file).name).stat().st_size > 1000
    html = (built.out / "sparql" / "index.html").read_text(encoding="utf-8")
    assert "http://" not in re.sub(r'href="http[^"]*"|&lt;http[^&]*&gt;|"http[^"]*"', "", html.split("<script")[0])
    assert "<script src=\"vendor/yasqe/yasqe.min.js\"></script>" in html  # no CDN


def test_the_page_answers_an_example_query_in_chromium(built, serve, tmp_path):
    base = serve(built.out)
    html = settled(f"{base}/sparql/?example=home-care-allowance-by-province&run=1", tmp_path)
    s = state(html)
    assert s["state"] == "done", s["status"]
    assert s["rows"] == "2" and s["status"].startswith("2 satır, ")  # Turkish first
    results = html.split('id="results"', 1)[1]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", results, re.S)
    text = " ".join(re.sub(r"<[^>]+>", " ", c) for c in cells)
    assert "5939" in text and "5394" in text and "monthly-average" in text


def test_a_bad_query_shows_its_error(built, serve, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(built.out, site)
    page = site / "sparql" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "ORDER BY ?province", "ORDER BY ?province }", 1), encoding="utf-8")
    s = state(settled(f"{serve(site)}/sparql/?example=home-care-allowance-by-province&run=1", tmp_path))
    assert s["state"] == "error" and "error at" in s["status"]


def test_without_the_engine_the_page_says_so(built, serve, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(built.out, site)
    os.remove(site / "sparql" / "vendor" / "oxigraph" / "web_bg.wasm")
    s = state(settled(f"{serve(site)}/sparql/?run=1", tmp_path))
    assert s["state"] == "error" and s["status"].startswith("SPARQL motoru başlatılamadı:")


PREFIXES = ("PREFIX qb: <http://purl.org/linked-data/cube#>\n"
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
            "PREFIX asdh: <https://w3id.org/asdh-lod/def/>\n")


def test_the_default_graph_is_the_union_and_from_still_chooses(built, serve):
    """The page loads the named graphs only and makes the union default graph (a copy) for
    the first query without FROM: the browser's answers are the row counts pyoxigraph gives
    on `edition_store` (named graphs + the union copy, as `asdh-lod query` and the endpoints
    do), a triple in two graphs counted once; FROM and FROM NAMED still choose the graphs."""
    need(CHROMIUM is not None, "Chromium is not installed (apt-get install chromium)")
    graph = built.mapped.uris.graph
    queries = {
        # data ⋈ codelists, no FROM: the union
        "union-join": PREFIXES + "SELECT ?obs ?label WHERE { ?obs a qb:Observation ; asdh:refArea/skos:prefLabel ?label }",
        # labels, some in two graphs: one row each (the union is a set, not a bag)
        # (a FROM in a comment or a string is no FROM clause)
        "union-labels": PREFIXES + "# not FROM <x>\nSELECT ?s ?label WHERE { ?s skos:prefLabel ?label FILTER (?label != 'FROM <x>') }",
        # after the copy, FROM still restricts to the graphs it names
        "from-ontology": f"SELECT ?s ?p ?o FROM <{graph('ontology')}> WHERE {{ ?s ?p ?o }}",
        # FROM NAMED alone: an empty default graph, the named graph under GRAPH
        "from-named-default": f"SELECT ?s FROM NAMED <{graph('codelists')}> WHERE {{ ?s ?p ?o }}",
        "from-named-graph": f"SELECT ?s FROM NAMED <{graph('codelists')}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        # the ontology's lists (blank nodes, loaded apart from the other lines) are whole
        "blank-node-lists": ("PREFIX owl: <http://www.w3.org/2002/07/owl#>\n"
                             "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
                             f"SELECT ?c ?member FROM <{graph('ontology')}> "
                             "WHERE { ?c owl:oneOf ?list . ?list rdf:rest*/rdf:first ?member }"),
    }
    nq = gzip.decompress((built.out / "downloads" / "asdh-lod.nq.gz").read_bytes())
    store = engine.edition_store(nq)
    expected = {name: len(list(engine.run(store, text).raw)) for name, text in queries.items()}
    labels_in_graphs = len(list(engine.run(store, PREFIXES + "SELECT ?g ?s ?l WHERE { GRAPH ?g { ?s skos:prefLabel ?l } }").raw))
    assert labels_in_graphs > expected["union-labels"] > 0  # some labels are in two graphs: the test can tell a set from a bag
    assert expected["union-join"] > 0 and expected["from-named-default"] == 0 and expected["from-named-graph"] > 0
    assert expected["blank-node-lists"] > 1
    assert 0 < expected["from-ontology"] < len(list(engine.run(store, "SELECT * WHERE { ?s ?p ?o }").raw))
    browser = Chromium(timeout=60)
    try:
        assert browser.load(f"{serve(built.out)}/sparql/index.html") == []

        def wait(*states: str) -> str:
            for _ in range(600):
                state = browser.evaluate("document.body.dataset.state")
                if state in states:
                    return state
                browser.settle(0.1)
            return state

        assert wait("ready") == "ready"
        assert browser.evaluate("document.getElementById('status').textContent").startswith("Hazır: ")
        # the first query says FROM NAMED: answered before any copy; the second makes it
        order = ["from-named-graph", "blank-node-lists", "union-labels", "union-join", "from-ontology", "from-named-default"]
        got = {}
        for name in order:
            browser.evaluate("document.body.dataset.state = 'asked'; document.body.dataset.rows = ''; "
                             f"document.querySelector('.CodeMirror').CodeMirror.setValue({json.dumps(queries[name])}); "
                             "document.getElementById('run').click()")
            assert wait("done", "error") == "done", browser.evaluate("document.getElementById('status').textContent")
            got[name] = int(browser.evaluate("document.body.dataset.rows"))
        assert got == expected
    finally:
        browser.close()
