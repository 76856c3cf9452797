"""asdh-lod push against a real Oxigraph server on 127.0.0.1, and against failing stubs."""

from __future__ import annotations

import os
import shutil
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from rdflib import Graph
from click.testing import CliRunner

from asdh_lod.sparql import push as p
from asdh_lod.cli import main
from helpers import older_edition, need
from endpoint import Oxigraph, Proxy, env_without_credentials

BASE = "https://w3id.org/asdh-lod/"
GRAPHS = [BASE + "graph/" + n for n in ("catalog", "codelists", "data", "ontology")]
COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"


@pytest.fixture
def server(tmp_path):
    s = Oxigraph(tmp_path / "db").start()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def v2(built) -> Path:
    """The real edition."""
    return built.out


@pytest.fixture(scope="module")
def v1(built, tmp_path_factory) -> Path:
    """An older, smaller edition: every other line of the code lists and data graphs."""
    return older_edition(built.out, tmp_path_factory.mktemp("v1") / "site")


def counts(server: Oxigraph) -> dict[str, int]:
    return {r["g"]: int(r["n"]) for r in server.select(COUNTS)}


def edition_counts(site: Path) -> dict[str, int]:
    return {g: body.count(b"\n") for g, body in p.read_edition(site).graphs.items()}


def fast(**kw):
    kw.setdefault("backoff", 0.01)
    kw.setdefault("timeout", 10)
    return kw


# --- the edition, the update, the credentials ------------------------------------------

def test_read_edition_splits_the_named_graphs(v2, built):
    ed = p.read_edition(v2)
    assert sorted(ed.graphs) == GRAPHS
    catalog = Graph().parse(built.out / "catalog.ttl")
    assert sum(b.count(b"\n") for b in ed.graphs.values()) == built.triples + len(catalog)
    assert ed.token == p.read_edition(v2).token and len(ed.token) == 16


def test_swap_is_one_update_request(v2):
    ed = p.read_edition(v2)
    update = p.swap_update(ed)
    assert update.startswith("".join(f"MOVE <{g}/staging/{ed.token}> TO <{g}> ;\n" for g in GRAPHS))
    assert update.endswith(" ||\n         ".join(f'STRSTARTS(STR(?g), "{g}/staging/")' for g in GRAPHS) + ") }\n")
    import pyoxigraph as ox
    ox.Store().update("".join(f"INSERT DATA {{ GRAPH <{g}/staging/{ed.token}> {{ <s:s> <p:p> 1 }} }} ;\n"
                              for g in GRAPHS) + update)  # valid SPARQL Update


def test_missing_build(tmp_path):
    with pytest.raises(p.PushError, match=r"no named-graph dump in .*: run asdh-lod build first"):
        p.read_edition(tmp_path)


@pytest.mark.parametrize("endpoint,update", [
    ("http://localhost:7878/store", "http://localhost:7878/update"),
    ("http://localhost:3030/ds/data", "http://localhost:3030/ds/update"),
    ("https://x.org/sparql/graphs/", "https://x.org/sparql/update"),
])
def test_default_update_endpoint(endpoint, update):
    assert p.default_update_endpoint(endpoint) == update


def test_credentials_from_environment_and_netrc(tmp_path):
    url = "http://sparql.example.org/store"
    assert p.credentials(url, {"NETRC": str(tmp_path / "no-netrc")}) is None
    assert p.credentials(url, {"ASDH_LOD_ENDPOINT_TOKEN": "t0k"}) == "Bearer t0k"
    assert p.credentials(url, {"ASDH_LOD_ENDPOINT_USER": "ann", "ASDH_LOD_ENDPOINT_PASSWORD": "s3"}) == \
        "Basic YW5uOnMz"
    with pytest.raises(p.PushError, match="set both ASDH_LOD_ENDPOINT_USER and ASDH_LOD_ENDPOINT_PASSWORD"):
        p.credentials(url, {"ASDH_LOD_ENDPOINT_USER": "ann"})
    rc = tmp_path / "netrc"
    rc.write_text("machine sparql.example.org login ann password s3\n")
    rc.chmod(0o600)
    assert p.credentials(url, {"NETRC": str(rc)}) == "Basic YW5uOnMz"
    assert p.credentials("http://other.example.org/store", {"NETRC": str(rc)}) is None


# --- a real Oxigraph server ------------------------------------------------------------

def test_push_loads_every_graph(server, v2):
    result = p.push(v2, server.store, **fast())
    assert counts(server) == edition_counts(v2) == result.graphs
    assert result.requests == 5  # four PUTs, one update
    again = p.push(v2, server.store, **fast())  # idempotent
    assert counts(server) == edition_counts(v2) and again.graphs == result.graphs


def test_a_new_edition_replaces_the_previous(server, v1, v2):
    p.push(v1, server.store, **fast())
    assert counts(server) == edition_counts(v1)
    p.push(v2, server.store, **fast())
    assert counts(server) == edition_counts(v2)


def test_readers_never_see_half_an_edition(server, v1, v2):
    p.push(v1, server.store, **fast())
    old, new = edition_counts(v1), edition_counts(v2)
    assert old != new
    seen: list[dict[str, int]] = []
    done = threading.Event()

    def reader():
        for _ in range(2000):  # bounded
            seen.append(counts(server))
            if done.is_set():
                break

    t = threading.Thread(target=reader)
    slow = lambda n, method, path: ("sleep", 0.3) if method == "PUT" else None  # noqa: E731
    with Proxy(server.url, slow) as proxy:
        t.start()
        p.push(v2, proxy.store, **fast())
        seen_after = counts(server)
        done.set()
        t.join(30)
    assert seen_after == new
    live = [{g: n for g, n in c.items() if g in GRAPHS} for c in seen]
    assert old in live and all(c in (old, new) for c in live), {str(c) for c in live if c not in (old, new)}


def test_5xx_is_retried_with_backoff(server, v2):
    waits = []
    with Proxy(server.url, lambda n, m, path: 503 if n <= 2 else None) as proxy:
        result = p.push(v2, proxy.store, backoff=0.5, sleep=waits.append)
    assert waits == [0.5, 1.0] and result.retries == 2
    assert counts(server) == edition_counts(v2)


def fails_on_data_put(code):
    return lambda n, method, path: code if method == "PUT" and "graph%2Fdata" in path else None


def assert_previous(server, v1):
    assert counts(server) == edition_counts(v1)  # also: no staging graph is left


def test_persistent_5xx_midway_leaves_the_previous_edition(server, v1, v2):
    p.push(v1, server.store, **fast())
    with Proxy(server.url, fails_on_data_put(500)) as proxy:
        with pytest.raises(p.PushError) as err:
            p.push(v2, proxy.store, **fast(retries=2))
    assert str(err.value) == (
        f"uploading <{BASE}graph/data>: 500 Internal Server Error from {proxy.store} after 3 attempts: "
        "stub answer 500; nothing was swapped in: the endpoint still serves its previous edition")
    assert [m for m, path, s in proxy.log].count("PUT") == 5  # catalog, codelists, then data three times
    assert_previous(server, v1)


def test_4xx_midway_is_not_retried(server, v1, v2):
    p.push(v1, server.store, **fast())
    with Proxy(server.url, fails_on_data_put(413)) as proxy:
        with pytest.raises(p.PushError, match=r"uploading <.*graph/data>: 413 Request Entity Too Large from "
                                              r"http://127.0.0.1:\d+/store: stub answer 413; nothing was swapped in"):
            p.push(v2, proxy.store, **fast())
    assert [s for m, path, s in proxy.log if m == "PUT"] == [201, 201, 413]
    assert_previous(server, v1)


def test_a_rejected_swap_leaves_the_previous_edition(server, v1, v2):
    p.push(v1, server.store, **fast())
    first = []

    def rule(n, method, path):
        if method == "POST" and not first:
            first.append(n)
            return 400
        return None

    with Proxy(server.url, rule) as proxy:
        with pytest.raises(p.PushError, match="swapping the new edition in: 400 Bad Request .*the swap was refused: "
                                              "the endpoint still serves its previous edition"):
            p.push(v2, proxy.store, **fast())
    assert_previous(server, v1)


def test_an_interrupted_push_leaves_the_previous_edition(server, v1, v2):
    p.push(v1, server.store, **fast())
    sent = []

    def progress(n):
        sent.append(n)
        if sum(sent) > 200_000:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        p.push(v2, server.store, progress=progress, **fast())
    assert_previous(server, v1)


def test_a_dropped_connection_midway(server, v1, v2):
    p.push(v1, server.store, **fast())
    with Proxy(server.url, lambda n, method, path: "drop" if method == "PUT" and "graph%2Fdata" in path else None) \
            as proxy:
        with pytest.raises(p.PushError, match=r"uploading <.*graph/data>: (the connection to|cannot reach) "
                                              r"http://127.0.0.1:\d+/store .*nothing was swapped in"):
            p.push(v2, proxy.store, **fast(retries=1))
    assert_previous(server, v1)


def test_a_stopped_server(server, v1, v2):
    p.push(v1, server.store, **fast())
    server.stop()
    with pytest.raises(p.PushError, match=rf"uploading <.*>: cannot reach {server.store}: Connection refused; "
                                          "nothing was swapped in"):
        p.push(v2, server.store, **fast())
    server.start()  # same folder, same port: the previous edition is still there
    assert_previous(server, v1)


def test_no_answer_in_time(server, v2):
    with Proxy(server.url, lambda n, m, path: ("sleep", 1.5)) as proxy:
        with pytest.raises(p.PushError, match=r"uploading <.*>: no answer from http://127.0.0.1:\d+/store "
                                              r"within 0.3 s; nothing was swapped in"):
            p.push(v2, proxy.store, timeout=0.3, retries=1, backoff=0.01)


def test_credentials(server, v1, v2, tmp_path):
    with Proxy(server.url, user="publisher", password="right") as proxy:
        with pytest.raises(p.PushError, match=r"401 Unauthorized from .*: the endpoint needs credentials: "
                                              r"set ASDH_LOD_ENDPOINT_USER/ASDH_LOD_ENDPOINT_PASSWORD"):
            p.push(v1, proxy.store, **fast())
        wrong = p.credentials(proxy.store, {"ASDH_LOD_ENDPOINT_USER": "publisher",
                                            "ASDH_LOD_ENDPOINT_PASSWORD": "wrong"})
        with pytest.raises(p.PushError, match=r"401 Unauthorized from .*: wrong credentials"):
            p.push(v1, proxy.store, auth=wrong, **fast())
        assert counts(server) == {}
        rc = tmp_path / "netrc"
        rc.write_text("machine 127.0.0.1 login publisher password right\n")
        rc.chmod(0o600)
        p.push(v2, proxy.store, auth=p.credentials(proxy.store, {"NETRC": str(rc)}), **fast())
    assert counts(server) == edition_counts(v2)


def test_tls_problem_is_named(tmp_path, v2):
    need(shutil.which("openssl") is not None, "openssl is not installed")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
                    "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1"], check=True, capture_output=True)

    class Handler(BaseHTTPRequestHandler):
        def do_PUT(self):
            self.send_response(204)
            self.end_headers()

        def log_message(self, *a):
            pass

    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        url = f"https://127.0.0.1:{srv.server_address[1]}/store"
        with pytest.raises(p.PushError, match=rf"uploading <.*>: TLS problem with {url}: .*certificate"):
            p.push(v2, url, **fast())
    finally:
        srv.shutdown()
        srv.server_close()


# --- the command line -------------------------------------------------------------------

def run_cli(*args, env=None):
    return CliRunner().invoke(main, ["push", *map(str, args)], env=env)


def test_cli_push(server, v2, monkeypatch):
    monkeypatch.setattr(os, "environ", env_without_credentials())
    r = run_cli("--endpoint", server.store, "--site", v2)
    assert r.exit_code == 0, r.output
    total = sum(edition_counts(v2).values())
    assert r.output.startswith(f"pushed 4 graphs, {total} triples (") and r.output.endswith(f" to {server.store}\n")
    assert r.output.count("\n") == 1  # no progress bar without a terminal
    assert counts(server) == edition_counts(v2)


def test_cli_errors(tmp_path, v2, server):
    r = run_cli("--endpoint", "http://ann:secret@127.0.0.1:1/store", "--site", v2)
    assert r.exit_code == 2 and "--endpoint must not contain credentials" in r.output and "secret" not in \
        r.output.split("Error:")[1].split("(")[0]
    r = run_cli("--endpoint", "ftp://x/store", "--site", v2)
    assert r.exit_code == 2 and "--endpoint must be an http(s) URL, not 'ftp://x/store'" in r.output
    r = run_cli("--endpoint", server.store, "--site", tmp_path / "nosite")
    assert r.exit_code == 1 and "run asdh-lod build first" in r.output
    server.stop()
    r = run_cli("--endpoint", server.store, "--site", v2, "--retries", "0")
    assert r.exit_code == 1
    assert r.output.startswith(f"Error: uploading <{BASE}graph/catalog>: cannot reach {server.store}: "
                               "Connection refused; nothing was swapped in")


def test_progress_bar_on_a_terminal_only(server, v2):
    import pty
    import sys
    exe = Path(sys.executable).parent / "asdh-lod"
    master, slave = pty.openpty()
    try:
        r = subprocess.run([str(exe), "push", "--endpoint", server.store, "--site", str(v2)],
                           stdout=subprocess.PIPE, stderr=slave, timeout=120, env=env_without_credentials())
        os.close(slave)
        chunks = []
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(master)
    assert r.returncode == 0
    assert r.stdout.decode().startswith("pushed 4 graphs")
    bar = b"".join(chunks).decode(errors="replace")
    assert "uploading" in bar and "100%" in bar


def test_a_killed_push_leaves_the_previous_edition(server, v1, v2):
    """kill -9 in the middle of the uploads: no clean-up runs, the live graphs still hold
    the previous edition; the next push, of any edition, leaves no staging graph."""
    import signal
    import sys
    import time
    p.push(v1, server.store, **fast())
    exe = Path(sys.executable).parent / "asdh-lod"
    slow = lambda n, method, path: ("sleep", 0.5) if method == "PUT" else None  # noqa: E731
    with Proxy(server.url, slow) as proxy:
        proc = subprocess.Popen([str(exe), "push", "--endpoint", proxy.store, "--site", str(v2)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env_without_credentials())
        deadline = time.monotonic() + 60
        while not any(s == 201 or s == 204 for m, path, s in proxy.log if m == "PUT"):
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    live = {g: n for g, n in counts(server).items() if g in GRAPHS}
    assert live == edition_counts(v1)
    assert any("/staging/" in g for g in counts(server))  # the killed push left its upload behind
    p.push(v1, server.store, **fast())  # another edition's push (another token) sweeps it away
    assert counts(server) == edition_counts(v1)
