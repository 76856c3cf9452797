"""Real SPARQL endpoints for the tests: an Oxigraph server on a free 127.0.0.1 port, and a
small HTTP proxy in front of it that can fail on purpose (5xx, 4xx, Basic auth, dropped
connections, slowness)."""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from helpers import need


def oxigraph_binary() -> str | None:
    """The `oxigraph` CLI of the PyPI package: beside this Python, else on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Oxigraph:
    """`oxigraph serve --location DIR --bind 127.0.0.1:PORT`, started and stopped by the test."""

    def __init__(self, location: Path):
        binary = oxigraph_binary()
        need(binary is not None, "the oxigraph server (pip install oxigraph) is not installed")
        self.binary, self.location = binary, location
        self.proc: subprocess.Popen | None = None
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self) -> "Oxigraph":
        self.proc = subprocess.Popen([self.binary, "serve", "--location", str(self.location),
                                      "--bind", f"127.0.0.1:{self.port}"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"oxigraph serve exited: {self.proc.stderr.read().decode(errors='replace')}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("oxigraph serve did not start listening within 30 s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc is not None and self.proc.stderr:
            self.proc.stderr.close()
        self.proc = None

    @property
    def store(self) -> str:
        return self.url + "/store"

    def select(self, query: str) -> list[dict[str, str]]:
        """Run a SELECT over HTTP with the SPARQL protocol; rows of plain values."""
        return select(self.url + "/query", query)


def select(endpoint: str, query: str, timeout: float = 30) -> list[dict[str, str]]:
    body = urllib.parse.urlencode({"query": query}).encode()
    req = urllib.request.Request(endpoint, data=body, method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        doc = json.load(resp)
    return [{k: v["value"] for k, v in b.items()} for b in doc["results"]["bindings"]]


def raw_query(endpoint: str, query: str, accept: str, timeout: float = 30) -> bytes:
    body = urllib.parse.urlencode({"query": query}).encode()
    req = urllib.request.Request(endpoint, data=body, method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded", "Accept": accept})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return resp.read()


class LoopbackServer:
    """An HTTP server of the tests on a free 127.0.0.1 port, run in a thread while used as a
    context manager; `store` is its Graph Store endpoint."""

    def listen(self, handler) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)

    @property
    def store(self) -> str:
        return self.url + "/store"


class Proxy(LoopbackServer):
    """A forwarding HTTP proxy to `target` whose `rule(n, method, path)` may answer instead.

    rule returns None (forward), an int status (answer it, no forwarding), "drop" (close
    the connection without an answer) or ("sleep", seconds) (then forward). `user`/`password`
    make it demand Basic auth first (401 otherwise). `log` records (method, path, status)."""

    def __init__(self, target: str, rule=None, *, user: str | None = None, password: str | None = None):
        self.target, self.rule = target, rule or (lambda n, method, path: None)
        self.auth = None if user is None else "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        self.log: list[tuple[str, str, int | str]] = []
        self.count = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                proxy.count += 1
                n = proxy.count
                if proxy.auth is not None and self.headers.get("Authorization") != proxy.auth:
                    proxy.log.append((self.command, self.path, 401))
                    return self._answer(401, b"Unauthorized", {"WWW-Authenticate": 'Basic realm="sparql"'})
                action = proxy.rule(n, self.command, self.path)
                if action == "drop":
                    proxy.log.append((self.command, self.path, "drop"))
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if isinstance(action, int):
                    proxy.log.append((self.command, self.path, action))
                    return self._answer(action, f"stub answer {action}".encode())
                if isinstance(action, tuple) and action[0] == "sleep":
                    time.sleep(action[1])
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() in ("content-type", "accept")}
                req = urllib.request.Request(proxy.target + self.path, data=body if body or self.command in
                                             ("PUT", "POST") else None, method=self.command, headers=headers)
                try:
                    with urllib.request.urlopen(req, timeout=60) as resp:
                        status, data, ctype = resp.status, resp.read(), resp.headers.get("Content-Type", "")
                except urllib.error.HTTPError as err:
                    status, data, ctype = err.code, err.read(), err.headers.get("Content-Type", "")
                proxy.log.append((self.command, self.path, status))
                self._answer(status, data, {"Content-Type": ctype} if ctype else {})

            def _answer(self, status: int, data: bytes, headers: dict | None = None):
                self.send_response(status)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_PUT = do_POST = do_DELETE = _handle

        self.listen(Handler)


def env_without_credentials() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("ASDH_LOD_ENDPOINT_")}
