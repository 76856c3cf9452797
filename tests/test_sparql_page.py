"""The in-browser SPARQL page: served from the built site on 127.0.0.1 and run in headless
Chromium, the Oxigraph WebAssembly engine loads the dump and answers an example query."""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from asdh_lod.publish.querypage import VENDOR
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
