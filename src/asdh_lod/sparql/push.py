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

Virtuoso 7 does neither (tested, tests/test_push_virtuoso.py; docs/sparql-stores.md): it
commits the operations of a request that ran before a failing one and answers 500, and a
query that runs while the swap commits can read part of each edition. There push keeps
what does not depend on the store: a failure before the swap leaves the live graphs
untouched, and a swap is never sent twice for one upload (a MOVE whose staging graph is
already gone empties the live graph on Virtuoso).

HTTP: standard library (urllib). Timeouts on every request; retries with exponential
backoff on 5xx and timeouts of the uploads (idempotent PUTs); a 5xx to the swap uploads
everything again, then swaps again; clear errors for 4xx, wrong credentials,
unreachable hosts and TLS problems. Credentials never come from the command line: the
environment (`ASDH_LOD_ENDPOINT_USER` + `ASDH_LOD_ENDPOINT_PASSWORD`, `ASDH_LOD_ENDPOINT_TOKEN`
for Bearer) or a netrc entry for the endpoint's host (`$NETRC` or ~/.netrc).

A user and password are sent with the scheme the server asks for: before its first request
to an endpoint, push asks it (a HEAD without credentials) and answers a Digest challenge
(RFC 7616: MD5, SHA-256, SHA-512-256 and their -sess forms; qop auth or auth-int; a nonce
count per nonce; a stale nonce is renewed and the request sent once more) with Digest,
and anything else with Basic, as before. A secured Virtuoso (/sparql-graph-crud-auth,
/sparql-auth) speaks Digest only, and answers an unauthenticated upload with a 401 and a
reset connection before it has read the body: hence the question first.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import http.client
import netrc
import os
import re
import secrets
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
    """The push failed. `answered`: the server answered (so a failed request was not applied,
    on a store that applies a request as one transaction); `status`: its HTTP status."""

    def __init__(self, message: str, *, answered: bool = True, status: int | None = None):
        super().__init__(message)
        self.answered, self.status = answered, status


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


class Login(str):
    """A user and password. As a str it is the Basic Authorization header value (what push
    sent before it spoke Digest); the Client answers a Digest challenge with it instead."""

    user: str
    password: str

    def __new__(cls, user: str, password: str) -> "Login":
        self = super().__new__(cls, "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii"))
        self.user, self.password = user, password
        return self

    def __repr__(self) -> str:  # never the password, not even base64-encoded
        return f"Login({self.user!r}, '…')"


def credentials(url: str, environ: dict[str, str] | None = None) -> str | None:
    """The Authorization header value for `url` (a Login for a user and password): from the
    environment, else netrc, else None."""
    env = os.environ if environ is None else environ
    if env.get(ENV_TOKEN):
        return f"Bearer {env[ENV_TOKEN]}"
    user, password = env.get(ENV_USER), env.get(ENV_PASSWORD)
    if user or password:
        if not (user and password):
            raise PushError(f"set both {ENV_USER} and {ENV_PASSWORD}, or neither")
        return Login(user, password)
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
    return Login(login, password or "")


# --- HTTP Digest (RFC 7616) ------------------------------------------------------------

def _hash_available(name: str) -> bool:
    try:
        hashlib.new(name)
    except ValueError:
        return False
    return True


# the algorithms we answer, weakest first (a server that offers several gets the strongest)
DIGEST_HASHES = {name: impl for name, impl in (("MD5", "md5"), ("SHA-256", "sha256"), ("SHA-512-256", "sha512_256"))
                 if _hash_available(impl)}
_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_ITEM = re.compile(rf'\s*(,)?\s*({_TOKEN})(?:\s*=\s*("(?:[^"\\]|\\.)*"|[^\s,]*))?')


def challenges(values: list[str]) -> list[tuple[str, dict[str, str]]]:
    """The challenges in WWW-Authenticate values (RFC 9110 §11.6.1; several may share one
    value): (scheme in lower case, {parameter in lower case: unquoted value})."""
    found: list[tuple[str, dict[str, str]]] = []
    for value in values:
        pos, after_scheme = 0, False
        while pos < len(value):
            m = _ITEM.match(value, pos)
            if not m or m.end() == pos:
                break
            pos = m.end()
            comma, name, val = m.groups()
            if val is None:
                if after_scheme and not comma:  # a token68 (Negotiate, …): no parameters for us
                    after_scheme = False
                    continue
                found.append((name.lower(), {}))
                after_scheme = True
            elif found:
                if val.startswith('"'):
                    val = re.sub(r"\\(.)", r"\1", val[1:-1])
                found[-1][1][name.lower()] = val
                after_scheme = False
    return found


@dataclass
class Digest:
    """One Digest challenge we can answer, and the nonce count of its nonce."""

    realm: str
    nonce: str
    algorithm: str | None  # as the server named it (None: MD5, and we name none either)
    qop: str | None        # "auth", "auth-int", or None for a server of RFC 2069
    opaque: str | None = None
    userhash: bool = False
    stale: bool = False    # the server says: the nonce expired, the credentials were right
    nc: int = 0

    @classmethod
    def pick(cls, values: list[str]) -> "Digest | None":
        """The strongest Digest challenge in WWW-Authenticate values that we can answer."""
        best: Digest | None = None
        for scheme, params in challenges(values):
            if scheme != "digest" or "nonce" not in params:
                continue
            algorithm = params.get("algorithm")
            base = (algorithm or "MD5").upper().removesuffix("-SESS")
            if base not in DIGEST_HASHES:
                continue
            offered = [q.strip().lower() for q in params.get("qop", "").split(",") if q.strip()]
            if offered and not {"auth", "auth-int"} & set(offered):
                continue
            qop = None if not offered else "auth" if "auth" in offered else "auth-int"
            digest = cls(params.get("realm", ""), params["nonce"], algorithm, qop, params.get("opaque"),
                         params.get("userhash", "").lower() == "true", params.get("stale", "").lower() == "true")
            if best is None or digest.strength > best.strength:
                best = digest
        return best

    @property
    def strength(self) -> int:
        return list(DIGEST_HASHES).index(self.base)

    @property
    def base(self) -> str:
        return (self.algorithm or "MD5").upper().removesuffix("-SESS")

    def _h(self, data: str | bytes) -> str:
        data = data.encode("utf-8") if isinstance(data, str) else data
        return hashlib.new(DIGEST_HASHES[self.base], data).hexdigest()

    def authorization(self, user: str, password: str, method: str, uri: str, body: bytes,
                      cnonce: str | None = None) -> str:
        """The Authorization header value for one request (and the next nonce count)."""
        self.nc += 1
        nc, cnonce = f"{self.nc:08x}", cnonce or secrets.token_hex(16)
        ha1 = self._h(f"{user}:{self.realm}:{password}")
        if (self.algorithm or "").upper().endswith("-SESS"):
            ha1 = self._h(f"{ha1}:{self.nonce}:{cnonce}")
        a2 = f"{method}:{uri}" + (f":{self._h(body)}" if self.qop == "auth-int" else "")
        if self.qop:
            response = self._h(f"{ha1}:{self.nonce}:{nc}:{cnonce}:{self.qop}:{self._h(a2)}")
        else:
            response = self._h(f"{ha1}:{self.nonce}:{self._h(a2)}")
        if self.userhash:
            name = f'username="{self._h(f"{user}:{self.realm}")}"'
        elif user.isascii():
            name = f"username={_quoted(user)}"
        else:  # RFC 7616 §3.4.4: the UTF-8 form, percent-encoded
            name = "username*=UTF-8''" + urllib.parse.quote(user, safe="")
        parts = [name, f"realm={_quoted(self.realm)}", f"uri={_quoted(uri)}"]
        if self.algorithm:
            parts.append(f"algorithm={self.algorithm}")
        parts += [f"nonce={_quoted(self.nonce)}"]
        if self.qop:
            parts += [f"nc={nc}", f'cnonce="{cnonce}"', f"qop={self.qop}"]
        parts.append(f'response="{response}"')
        if self.opaque is not None:
            parts.append(f"opaque={_quoted(self.opaque)}")
        if self.userhash:
            parts.append("userhash=true")
        return "Digest " + ", ".join(parts)


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


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
        # for a Login: the Digest challenge of each endpoint (URL without query), None for Basic
        self.challenges: dict[str, Digest | None] = {}

    def send(self, method: str, url: str, body: bytes, content_type: str, *, what: str,
             progress: Callable[[int], None] | None = None, retry_timeouts: bool = True,
             retries: int | None = None) -> None:
        retries = self.retries if retries is None else retries
        attempt = 0
        answered_challenge = False
        while True:
            attempt += 1
            self.result.requests += 1
            try:
                self._once(method, url, body, content_type, progress)
                return
            except urllib.error.HTTPError as err:
                detail = _body(err)
                if err.code == 401 and not answered_challenge and self._new_challenge(url, err):
                    answered_challenge = True  # answered once at once: no retry, no backoff
                    attempt -= 1
                    continue
                if err.code in (401, 403):
                    raise self._credentials(what, url, err) from err
                if err.code < 500 or attempt > retries:
                    tail = f" after {attempt} attempts" if err.code >= 500 else ""
                    raise PushError(f"{what}: {err.code} {err.reason} from {_public(url)}{tail}"
                                    + (f": {detail}" if detail else ""), status=err.code) from err
            except urllib.error.URLError as err:
                reason = err.reason
                if isinstance(reason, (ConnectionResetError, BrokenPipeError)) and not answered_challenge \
                        and isinstance(self.challenges.get(_public(url)), Digest):
                    # a server that refuses a Digest request before reading its body (a stale
                    # nonce) resets the connection instead of a readable 401: ask again, once
                    del self.challenges[_public(url)]
                    answered_challenge = True
                    attempt -= 1
                    continue
                if isinstance(reason, (ConnectionResetError, BrokenPipeError)) and body:
                    self._refused(method, url, what, err)
                if isinstance(reason, ssl.SSLError):
                    raise PushError(f"{what}: TLS problem with {_public(url)}: {getattr(reason, 'verify_message', None) or reason}"
                                    " (check the certificate, or point SSL_CERT_FILE at your CA bundle)") from err
                if isinstance(reason, (TimeoutError, socket.timeout)) and retry_timeouts and attempt <= retries:
                    pass  # retried below
                elif isinstance(reason, (TimeoutError, socket.timeout)):
                    raise PushError(f"{what}: no answer from {_public(url)} within {self.timeout:g} s",
                                    answered=False) from err
                else:
                    raise PushError(f"{what}: cannot reach {_public(url)}: {_reason(reason)}",
                                    answered=False) from err
            except (TimeoutError, socket.timeout) as err:
                if not retry_timeouts or attempt > retries:
                    raise PushError(f"{what}: no answer from {_public(url)} within {self.timeout:g} s",
                                    answered=False) from err
            except ssl.SSLError as err:
                raise PushError(f"{what}: TLS problem with {_public(url)}: {err}") from err
            except (ConnectionError, http.client.HTTPException) as err:  # reset, closed without an answer
                if body:
                    self._refused(method, url, what, err)
                if attempt > retries:
                    raise PushError(f"{what}: the connection to {_public(url)} failed: {_reason(err)}",
                                    answered=False) from err
            self.result.retries += 1
            self.sleep(self.backoff * 2 ** (attempt - 1))

    def _once(self, method: str, url: str, body: bytes, content_type: str,
              progress: Callable[[int], None] | None) -> None:
        headers = {"Content-Type": content_type, "Content-Length": str(len(body))}
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
        authorization = self._authorization(req, body)
        if authorization:
            req.add_header("Authorization", authorization)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                resp.read()
                self._next_nonce(req.full_url, resp.headers.get("Authentication-Info"))
        except BaseException:
            if progress and sent:
                progress(-sent)  # a retry sends it again
            raise
        self.result.bytes += len(body)

    def _refused(self, method: str, url: str, what: str, err: BaseException) -> None:
        """A connection reset while a body was being sent may hide a refusal: a server may
        answer 401 at once and close the connection without reading the body. Ask once more
        without a body (a HEAD with the same credentials); if that is refused, say so."""
        self.result.requests += 1
        req = urllib.request.Request(url, method="HEAD")
        authorization = self._authorization(req, b"")
        if authorization:
            req.add_header("Authorization", authorization)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                resp.read()
        except urllib.error.HTTPError as refusal:
            _body(refusal)
            if refusal.code in (401, 403):
                raise self._credentials(what, url, refusal) from err
        except (OSError, http.client.HTTPException):
            pass  # unreachable now: the caller reports the first failure

    def _credentials(self, what: str, url: str, err: urllib.error.HTTPError) -> PushError:
        return PushError(
            f"{what}: {err.code} {err.reason} from {_public(url)}: "
            + ("wrong credentials" if self.auth else "the endpoint needs credentials")
            + f": set {ENV_USER}/{ENV_PASSWORD} (or {ENV_TOKEN}) or a netrc entry for "
              f"{urllib.parse.urlsplit(url).hostname}")

    def _authorization(self, req: urllib.request.Request, body: bytes) -> str | None:
        if not isinstance(self.auth, Login):
            return self.auth or None
        space = _public(req.full_url)
        if space not in self.challenges:
            self.challenges[space] = self._ask(req.full_url)
        digest = self.challenges[space]
        if digest is None:
            return self.auth  # Basic
        return digest.authorization(self.auth.user, self.auth.password, req.get_method(), req.selector, body)

    def _next_nonce(self, url: str, info: str | None) -> None:
        """RFC 7616 §3.5: a server may hand out the nonce for the next request."""
        digest = self.challenges.get(_public(url))
        nextnonce = dict(challenges([f"x {info}"])[0][1]).get("nextnonce") if digest and info else None
        if digest and nextnonce and nextnonce != digest.nonce:
            digest.nonce, digest.nc = nextnonce, 0

    def _ask(self, url: str) -> Digest | None:
        """Which scheme the endpoint wants, before any body is sent (a server may answer 401
        and reset the connection while a large PUT is still being sent, as Virtuoso does): a
        HEAD without credentials; if it brings a Digest challenge we can answer, a HEAD with
        Digest credentials, so that wrong ones fail here, clearly. Otherwise: Basic."""
        self.result.requests += 1
        try:
            with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=self.timeout) as resp:
                resp.read()
            return None
        except urllib.error.HTTPError as err:
            _body(err)
            if err.code != 401:
                return None
            digest = Digest.pick(err.headers.get_all("WWW-Authenticate") or [])
        if digest is None:
            return None
        self.challenges[_public(url)] = digest
        self.result.requests += 1
        req = urllib.request.Request(url, method="HEAD")
        req.add_header("Authorization", digest.authorization(self.auth.user, self.auth.password, "HEAD",
                                                             req.selector, b""))
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                resp.read()
        except urllib.error.HTTPError as err:
            _body(err)
            if err.code == 401:
                fresh = Digest.pick(err.headers.get_all("WWW-Authenticate") or [])
                if fresh is None or not fresh.stale:
                    raise  # wrong credentials: send() says so
                return fresh
        return digest

    def _new_challenge(self, url: str, err: urllib.error.HTTPError) -> bool:
        """A 401 to a Login that is worth one more request: a Digest challenge after Basic
        was sent (the HEAD was not challenged), or a stale nonce (the credentials were right)."""
        if not isinstance(self.auth, Login):
            return False
        digest = Digest.pick(err.headers.get_all("WWW-Authenticate") or [])
        space = _public(url)
        if digest is None or not (self.challenges.get(space) is None or digest.stale):
            return False
        self.challenges[space] = digest
        return True


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
        for round_ in range(retries + 1):
            if round_:  # a 5xx to the swap: upload again, then swap again (see below)
                result.retries += 1
                sleep(backoff * 2 ** (round_ - 1))
                if progress:
                    progress(-edition.size)
            try:
                for graph, body in edition.graphs.items():
                    url = endpoint + ("&" if "?" in endpoint else "?") + urllib.parse.urlencode(
                        {"graph": staging_graph(graph, edition.token)})
                    staged = True
                    client.send("PUT", url, body, "application/n-triples", what=f"uploading <{graph}>",
                                progress=progress)
                    result.graphs[graph] = body.count(b"\n")
            except PushError as err:
                if round_:
                    raise PushError(f"{err}; a swap before had failed: run the push again",
                                    answered=err.answered, status=err.status) from err
                raise PushError(f"{err}; nothing was swapped in: the endpoint still serves its previous edition",
                                answered=err.answered, status=err.status) from err
            # The swap is never sent twice for one upload: a store that does not apply an update
            # request as one transaction (Virtuoso) keeps the MOVEs before a failing operation, and
            # a MOVE whose staging graph has already been moved empties the live graph there.
            try:
                client.send("POST", update_endpoint, swap_update(edition).encode("utf-8"),
                            "application/sparql-update", what="swapping the new edition in",
                            retry_timeouts=False, retries=0)
                break
            except PushError as err:
                if not err.answered:
                    raise PushError(f"{err}; the swap may or may not have been applied: run the push again",
                                    answered=False) from err
                if err.status is not None and err.status >= 500:
                    if round_ < retries:
                        continue
                    raise PushError(
                        f"{err} (after uploading {round_ + 1} times); the swap failed: a store that applies an "
                        "update request as one transaction (Oxigraph, Fuseki/TDB2, GraphDB) still serves its "
                        "previous edition, Virtuoso may serve part of the new one: run the push again",
                        status=err.status) from err
                raise PushError(f"{err}; the swap was refused: the endpoint still serves its previous edition",
                                status=err.status) from err
    except BaseException:
        if staged:
            try:
                dropper = Client(auth, timeout=min(timeout, 10.0), retries=0, sleep=sleep)
                dropper.challenges = client.challenges
                dropper.send("POST", update_endpoint, drop_update(edition).encode("utf-8"),
                             "application/sparql-update", what="dropping the staging graphs")
            except PushError:
                pass  # best effort: the next push overwrites them
        raise
    return result
