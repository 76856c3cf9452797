"""Push an edition into a SPARQL 1.1 store: Graph Store HTTP Protocol uploads, one atomic swap.

`push(site, endpoint)` reads the built named-graph dump (downloads/asdh-lod.nq.gz) and

1. PUTs each named graph, as N-Triples, into its own *staging* graph
   (`{graph}/staging/{token}`, token = a digest of the dump) with the Graph Store HTTP
   Protocol (`PUT {endpoint}?graph={staging IRI}`);
2. sends ONE SPARQL 1.1 Update request to the update endpoint:
   `MOVE <staging 1> TO <graph 1> ; MOVE <staging 2> TO <graph 2> ; … ; DELETE …` (the
   last operation empties staging graphs that a killed earlier push left behind).

A server that runs one update request as one transaction with snapshot-isolated reads
(Oxigraph does; so do Fuseki/TDB2 and GraphDB) switches every graph of the edition at
once: a query that reads the edition's graphs (GRAPH <…>, FROM <…>) sees the previous
edition until the swap commits and the new one after, never a mix. If anything fails
before the swap — a 4xx, a 5xx after the retries, a lost connection, Ctrl-C — the live
graphs are untouched, and the staging graphs are dropped (best effort; a rerun overwrites
them anyway). A default graph that the server makes the union of *all* graphs shows the
staging graphs while they upload: query the edition's graphs by name (as queries/ does).

HTTP: standard library (urllib). Timeouts on every request; retries with exponential
backoff on 5xx and timeouts (the uploads are idempotent PUTs; the swap is retried only on
5xx, which means it did not commit); clear errors for 4xx, wrong credentials,
unreachable hosts and TLS problems. Credentials never come from the command line: the
environment (`ASDH_LOD_ENDPOINT_USER` + `ASDH_LOD_ENDPOINT_PASSWORD` for Basic,
`ASDH_LOD_ENDPOINT_TOKEN` for Bearer) or a netrc entry for the endpoint's host
(`$NETRC` or ~/.netrc).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import http.client
import netrc
import os
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..rdf.files import PUSH_DUMPS, RELEASES, release_path
from ..rdf.uris import staging_graph

ENV_USER = "ASDH_LOD_ENDPOINT_USER"
ENV_PASSWORD = "ASDH_LOD_ENDPOINT_PASSWORD"
ENV_TOKEN = "ASDH_LOD_ENDPOINT_TOKEN"
DUMPS = tuple(f.path for f in PUSH_DUMPS)
CHUNK = 64 * 1024


class PushError(Exception):
    """The push failed. `answered`: the server answered (so a failed request was not applied)."""

    def __init__(self, message: str, *, answered: bool = True):
        super().__init__(message)
        self.answered = answered


@dataclass
class Edition:
    graphs: dict[str, bytes]  # graph IRI → N-Triples
    token: str

    @property
    def size(self) -> int:
        return sum(len(b) for b in self.graphs.values())


@dataclass
class PushResult:
    graphs: dict[str, int] = field(default_factory=dict)  # graph IRI → triples
    bytes: int = 0
    requests: int = 0
    retries: int = 0


def read_edition(site: Path, release: str | None = None) -> Edition:
    """The named graphs of the built dump (or of release `release`, in its own named graphs
    {base}graph/{version}/…), each as N-Triples."""
    site = Path(site)
    if release is not None:
        path = site / release_path(release, "n-quads-gzip")
        if not path.is_file():
            known = sorted(d.name for d in (site / RELEASES).glob("*") if d.is_dir()) if (site / RELEASES).is_dir() else []
            raise PushError(f"no release {release} in '{site}' (looked for {path}; releases: "
                            f"{', '.join(known) or 'none'}): make it with asdh-lod release {release}")
    else:
        for rel in DUMPS:
            path = site / rel
            if path.is_file():
                break
        else:
            raise PushError(f"no named-graph dump in '{site}' (looked for {site}/{DUMPS[0]}): "
                            f"run asdh-lod build first (asdh-lod build --out {site})")
    data = path.read_bytes()
    try:
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        quads = list(ox.parse(data, format=ox.RdfFormat.N_QUADS))
    except (OSError, EOFError, SyntaxError) as err:
        raise PushError(f"{path}: unreadable ({err}): rebuild with asdh-lod build") from err
    by_graph: dict[str, list[ox.Triple]] = {}
    for q in quads:
        if not isinstance(q.graph_name, ox.NamedNode):
            raise PushError(f"{path}: a triple in the default graph ({q.subject} {q.predicate} …): "
                            "every triple of an edition belongs to a named graph; rebuild with asdh-lod build")
        by_graph.setdefault(q.graph_name.value, []).append(q.triple)
    graphs = {g: ox.serialize(sorted(ts, key=str), format=ox.RdfFormat.N_TRIPLES)
              for g, ts in sorted(by_graph.items())}
    return Edition(graphs, hashlib.sha256(data).hexdigest()[:16])


def swap_update(edition: Edition) -> str:
    """The one SPARQL Update request that moves every staged graph in, and empties any
    staging graph a killed earlier push left behind."""
    moves = [f"MOVE <{staging_graph(g, edition.token)}> TO <{g}>" for g in edition.graphs]
    leftovers = " ||\n         ".join(f'STRSTARTS(STR(?g), "{staging_graph(g, "")}")' for g in edition.graphs)
    sweep = f"DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }}\nWHERE {{ GRAPH ?g {{ ?s ?p ?o }}\n  FILTER ({leftovers}) }}"
    return " ;\n".join(moves + [sweep]) + "\n"


def drop_update(edition: Edition) -> str:
    return " ;\n".join(f"DROP SILENT GRAPH <{staging_graph(g, edition.token)}>" for g in edition.graphs) + "\n"


def default_update_endpoint(endpoint: str) -> str:
    """Oxigraph's /store → /update, Fuseki's /ds/data → /ds/update: the last segment → update."""
    parts = urllib.parse.urlsplit(endpoint)
    path = parts.path.rstrip("/")
    head = path.rsplit("/", 1)[0] if "/" in path else ""
    return urllib.parse.urlunsplit(parts._replace(path=head + "/update", query="", fragment=""))


def check_url(url: str, what: str) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{what} must be an http(s) URL, not '{url}'")
    if parts.username or parts.password:
        raise ValueError(f"{what} must not contain credentials (they would show in logs and shell "
                         f"history): set {ENV_USER}/{ENV_PASSWORD} or a netrc entry for {parts.hostname}")


def credentials(url: str, environ: dict[str, str] | None = None) -> str | None:
    """The Authorization header value for `url`: from the environment, else netrc, else None."""
    env = os.environ if environ is None else environ
    if env.get(ENV_TOKEN):
        return f"Bearer {env[ENV_TOKEN]}"
    user, password = env.get(ENV_USER), env.get(ENV_PASSWORD)
    if user or password:
        if not (user and password):
            raise PushError(f"set both {ENV_USER} and {ENV_PASSWORD}, or neither")
        return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    host = urllib.parse.urlsplit(url).hostname
    path = env.get("NETRC") or os.path.join(os.path.expanduser("~"), ".netrc")
    if not os.path.isfile(path):
        return None
    try:
        entry = netrc.netrc(path).authenticators(host)
    except (netrc.NetrcParseError, OSError) as err:
        raise PushError(f"{path}: unreadable netrc ({err})") from err
    if entry is None:
        return None
    login, _, password = entry
    return "Basic " + base64.b64encode(f"{login}:{password or ''}".encode()).decode("ascii")


def _public(url: str) -> str:
    """The URL as it may be shown: no query string (it holds graph IRIs only, but long)."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(query="", fragment=""))


class Client:
    """Timeouts, retries with exponential backoff, and errors people can act on."""

    def __init__(self, auth: str | None, *, timeout: float = 60.0, retries: int = 4, backoff: float = 1.0,
                 sleep: Callable[[float], None] = time.sleep, result: PushResult | None = None):
        self.auth, self.timeout, self.retries, self.backoff, self.sleep = auth, timeout, retries, backoff, sleep
        self.result = result or PushResult()

    def send(self, method: str, url: str, body: bytes, content_type: str, *, what: str,
             progress: Callable[[int], None] | None = None, retry_timeouts: bool = True) -> None:
        attempt = 0
        while True:
            attempt += 1
            self.result.requests += 1
            try:
                self._once(method, url, body, content_type, progress)
                return
            except urllib.error.HTTPError as err:
                detail = _body(err)
                if err.code in (401, 403):
                    raise PushError(
                        f"{what}: {err.code} {err.reason} from {_public(url)}: "
                        + ("wrong credentials" if self.auth else "the endpoint needs credentials")
                        + f": set {ENV_USER}/{ENV_PASSWORD} (or {ENV_TOKEN}) or a netrc entry for "
                          f"{urllib.parse.urlsplit(url).hostname}") from err
                if err.code < 500 or attempt > self.retries:
                    tail = f" after {attempt} attempts" if err.code >= 500 else ""
                    raise PushError(f"{what}: {err.code} {err.reason} from {_public(url)}{tail}"
                                    + (f": {detail}" if detail else "")) from err
            except urllib.error.URLError as err:
                reason = err.reason
                if isinstance(reason, ssl.SSLError):
                    raise PushError(f"{what}: TLS problem with {_public(url)}: {getattr(reason, 'verify_message', None) or reason}"
                                    " (check the certificate, or point SSL_CERT_FILE at your CA bundle)") from err
                if isinstance(reason, (TimeoutError, socket.timeout)) and retry_timeouts and attempt <= self.retries:
                    pass  # retried below
                elif isinstance(reason, (TimeoutError, socket.timeout)):
                    raise PushError(f"{what}: no answer from {_public(url)} within {self.timeout:g} s",
                                    answered=False) from err
                else:
                    raise PushError(f"{what}: cannot reach {_public(url)}: {_reason(reason)}",
                                    answered=False) from err
            except (TimeoutError, socket.timeout) as err:
                if not retry_timeouts or attempt > self.retries:
                    raise PushError(f"{what}: no answer from {_public(url)} within {self.timeout:g} s",
                                    answered=False) from err
            except ssl.SSLError as err:
                raise PushError(f"{what}: TLS problem with {_public(url)}: {err}") from err
            except (ConnectionError, http.client.HTTPException) as err:  # reset, closed without an answer
                if attempt > self.retries:
                    raise PushError(f"{what}: the connection to {_public(url)} failed: {_reason(err)}",
                                    answered=False) from err
            self.result.retries += 1
            self.sleep(self.backoff * 2 ** (attempt - 1))

    def _once(self, method: str, url: str, body: bytes, content_type: str,
              progress: Callable[[int], None] | None) -> None:
        headers = {"Content-Type": content_type, "Content-Length": str(len(body))}
        if self.auth:
            headers["Authorization"] = self.auth
        sent = 0

        def chunks() -> Iterator[bytes]:
            nonlocal sent
            for i in range(0, len(body), CHUNK):
                piece = body[i:i + CHUNK]
                sent += len(piece)
                if progress:
                    progress(len(piece))
                yield piece

        req = urllib.request.Request(url, data=chunks() if body else b"", method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                resp.read()
        except BaseException:
            if progress and sent:
                progress(-sent)  # a retry sends it again
            raise
        self.result.bytes += len(body)


def _reason(reason) -> str:
    if isinstance(reason, socket.gaierror):
        return f"unknown host ({reason.strerror})"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return str(reason) or type(reason).__name__


def _body(err: urllib.error.HTTPError) -> str:
    try:
        text = err.read().decode("utf-8", "replace").strip()
    except OSError:
        return ""
    return " ".join(text.split())[:300]


def push(site: Path, endpoint: str, *, update_endpoint: str | None = None, auth: str | None = None,
         timeout: float = 60.0, retries: int = 4, backoff: float = 1.0,
         progress: Callable[[int], None] | None = None, on_start: Callable[[Edition], None] | None = None,
         sleep: Callable[[float], None] = time.sleep, release: str | None = None) -> PushResult:
    """Upload the site's edition (or its release `release`) graph by graph into staging
    graphs, then swap them in at once."""
    update_endpoint = update_endpoint or default_update_endpoint(endpoint)
    edition = read_edition(site, release)
    if on_start:
        on_start(edition)
    result = PushResult()
    client = Client(auth, timeout=timeout, retries=retries, backoff=backoff, sleep=sleep, result=result)
    staged = False
    try:
        try:
            for graph, body in edition.graphs.items():
                url = endpoint + ("&" if "?" in endpoint else "?") + urllib.parse.urlencode(
                    {"graph": staging_graph(graph, edition.token)})
                staged = True
                client.send("PUT", url, body, "application/n-triples", what=f"uploading <{graph}>",
                            progress=progress)
                result.graphs[graph] = body.count(b"\n")
        except PushError as err:
            raise PushError(f"{err}; nothing was swapped in: the endpoint still serves its previous edition") from err
        try:
            client.send("POST", update_endpoint, swap_update(edition).encode("utf-8"),
                        "application/sparql-update", what="swapping the new edition in", retry_timeouts=False)
        except PushError as err:
            if err.answered:
                raise PushError(f"{err}; the swap was refused: the endpoint still serves its previous edition") from err
            raise PushError(f"{err}; the swap may or may not have been applied: run the push again",
                            answered=False) from err
    except BaseException:
        if staged:
            try:
                Client(auth, timeout=min(timeout, 10.0), retries=0, sleep=sleep).send(
                    "POST", update_endpoint, drop_update(edition).encode("utf-8"), "application/sparql-update",
                    what="dropping the staging graphs")
            except PushError:
                pass  # best effort: the next push overwrites them
        raise
    return result
