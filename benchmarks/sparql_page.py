"""Time to the first answer of the in-browser SPARQL page on a built site, in headless Chromium.

    .venv/bin/python benchmarks/sparql_page.py SITE [--example NAME | --query TEXT] [--page sparql/index.html] [--timeout 600]

Serves SITE with a static file server on 127.0.0.1, opens
`PAGE?example=NAME&run=1` and polls the page's state: prints the seconds until the engine
is ready (the .nq.gz fetched, decompressed by the browser and loaded into Oxigraph's
WebAssembly store) and until the example query's first answer is shown, the quads loaded and
the size of the compressed dump fetched. The page marks both moments itself
(`performance.mark("sparql-ready")`, `"sparql-answer"`, from the navigation's start); a page
without the marks (an older one: `--page` lets one be measured beside the current) is timed
by polling only, and polling cannot see "ready" when the answer follows at once.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import threading
import time
import urllib.parse
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from cdp import Chromium  # noqa: E402  (tests/cdp.py: the minimal DevTools client)



class Quiet(SimpleHTTPRequestHandler):
    """A static file server (as tests/test_sparql_page.py uses) with the WebAssembly media type."""
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm",
                      ".js": "text/javascript"}

    def log_message(self, *args):
        pass


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("site", type=Path)
    ap.add_argument("--example", default="home-care-allowance-by-province")
    ap.add_argument("--page", default="sparql/index.html", help="the page, relative to SITE")
    ap.add_argument("--query", help="a query of your own instead of the example (in the URL's #query=, as the charts link it)")
    ap.add_argument("--timeout", type=float, default=600.0)
    args = ap.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(args.site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    browser = Chromium(timeout=args.timeout)
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/{args.page}?example={args.example}&run=1"
        if args.query:
            url += "#query=" + urllib.parse.quote(args.query, safe="")
        t = time.perf_counter()
        browser.call("Page.navigate", session=True, url=url)
        ready = done = None
        state = ""
        while time.perf_counter() - t < args.timeout:
            state = browser.evaluate("document.body ? (document.body.dataset.state || '') : ''") or ""
            now = time.perf_counter() - t
            if ready is None and state in ("ready", "running", "done"):
                ready = now
            if state in ("done", "error"):
                done = now
                break
            time.sleep(0.1)
        status = browser.evaluate("document.getElementById('status') ? document.getElementById('status').textContent : ''")
        rows = browser.evaluate("document.body.dataset.rows || ''")
        marks = browser.evaluate("Object.fromEntries(performance.getEntriesByType('mark').map(m => [m.name, m.startTime / 1000]))") or {}
        if "sparql-ready" in marks:
            ready = marks["sparql-ready"]
        if "sparql-answer" in marks:
            done = marks["sparql-answer"]
        gz = next((args.site / "downloads").glob("*.nq.gz"))
        print(json.dumps({"site": str(args.site), "page": args.page, "example": None if args.query else args.example, "state": state,
                          "timed_by": "marks" if "sparql-answer" in marks else "polling",
                          "seconds_to_ready": ready, "seconds_to_first_answer": done, "rows": rows,
                          "status": status, "nq_gz_bytes": gz.stat().st_size}, ensure_ascii=False))
    finally:
        browser.close()
        server.shutdown()
        server.server_close()
        thread.join(5)


if __name__ == "__main__":
    main()
