"""asdh-lod push speaks HTTP Digest (RFC 7616), chosen from the server's challenge: the
client's computation against the RFC's own examples, and whole pushes through a Digest
proxy (strict: nonce counts must grow, stale nonces, early 401 without reading the body,
as Virtuoso does) in front of a real Oxigraph server. Virtuoso itself: test_push_virtuoso.py."""

from __future__ import annotations

import hashlib
import secrets
import socket
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler

import pytest

from asdh_lod.sparql import push as p
from endpoint import LoopbackServer, Oxigraph

BASE = "https://w3id.org/asdh-lod/"
COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
HASH = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}


# --- the computation, the challenges ---------------------------------------------------

# RFC 7616 §3.9.1: GET /dir/index.html by Mufasa, password "Circle of Life"
RFC_NONCE = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"
RFC_CNONCE = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"
RFC_OPAQUE = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"


@pytest.mark.parametrize("algorithm,response", [
    ("MD5", "8ca523f5e9506fed4657c9700eebdbec"),
    ("SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"),
])
def test_rfc7616_example(algorithm, response):
    challenge = (f'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm={algorithm}, '
                 f'nonce="{RFC_NONCE}", opaque="{RFC_OPAQUE}"')
    digest = p.Digest.pick([challenge])
    assert digest.qop == "auth" and digest.algorithm == algorithm
    header = digest.authorization("Mufasa", "Circle of Life", "GET", "/dir/index.html", b"", cnonce=RFC_CNONCE)
    assert header == (f'Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", '
                      f'algorithm={algorithm}, nonce="{RFC_NONCE}", nc=00000001, cnonce="{RFC_CNONCE}", qop=auth, '
                      f'response="{response}", opaque="{RFC_OPAQUE}"')
    assert "nc=00000002" in digest.authorization("Mufasa", "Circle of Life", "GET", "/", b"")


def test_challenges_are_parsed_as_rfc9110_says():
    found = p.challenges(['Negotiate a87421000492aa874209af8bc028, Basic realm="x, y", '
                          'Digest realm="r\\"q", nonce=abc, qop="auth,auth-int"', 'Bearer'])
    assert found == [("negotiate", {}), ("basic", {"realm": "x, y"}),
                     ("digest", {"realm": 'r"q', "nonce": "abc", "qop": "auth,auth-int"}), ("bearer", {})]


def test_the_strongest_challenge_we_can_answer():
    md5 = 'Digest realm="r", nonce="n1", qop="auth", algorithm=MD5'
    sha = 'Digest realm="r", nonce="n2", qop="auth", algorithm=SHA-256'
    assert p.Digest.pick([md5, sha]).nonce == "n2" and p.Digest.pick([sha + ", " + md5]).nonce == "n2"
    assert p.Digest.pick(['Digest realm="r", nonce="n", algorithm=SHA-1']) is None  # not in RFC 7616
    assert p.Digest.pick(['Digest realm="r", nonce="n", qop="auth-conf"']) is None
    assert p.Digest.pick(['Basic realm="r"']) is None
    legacy = p.Digest.pick(['Digest realm="r", nonce="n"'])  # RFC 2069: no qop, no algorithm
    assert legacy.qop is None and legacy.algorithm is None
    header = legacy.authorization("u", "pw", "PUT", "/x", b"")
    ha1, ha2 = (hashlib.md5(s.encode()).hexdigest() for s in ("u:r:pw", "PUT:/x"))
    assert f'response="{hashlib.md5(f"{ha1}:n:{ha2}".encode()).hexdigest()}"' in header
    assert "nc=" not in header and "algorithm" not in header
    sess = p.Digest.pick(['Digest realm="r", nonce="n", qop="auth-int", algorithm=SHA-256-sess, userhash=true'])
    assert sess.qop == "auth-int" and sess.userhash
    header = sess.authorization("u", "pw", "PUT", "/x", b"body", cnonce="c")
    h = lambda s: hashlib.sha256(s.encode() if isinstance(s, str) else s).hexdigest()  # noqa: E731
    ha1 = h(f"{h('u:r:pw')}:n:c")
    ha2 = h(f"PUT:/x:{h(b'body')}")
    assert f'response="{h(f"{ha1}:n:00000001:c:auth-int:{ha2}")}"' in header
    assert f'username="{h("u:r")}"' in header and header.endswith("userhash=true")


def test_a_login_is_still_the_basic_header_and_hides_its_password():
    login = p.credentials("http://x.org/store", {"ASDH_LOD_ENDPOINT_USER": "ann", "ASDH_LOD_ENDPOINT_PASSWORD": "s3"})
    assert isinstance(login, p.Login) and login == "Basic YW5uOnMz" and (login.user, login.password) == ("ann", "s3")
    assert "s3" not in repr(login) and "YW5u" not in repr(login)


# --- a Digest proxy in front of Oxigraph -------------------------------------------------

class DigestProxy(LoopbackServer):
    """Forwards to `target` what carries valid Digest credentials for user/password.

    It checks the response, the uri (= the request line's target), the realm and opaque,
    and that the nonce count of each nonce grows (a replayed count is refused). Without
    valid credentials it answers 401 with one challenge per algorithm at once, without
    reading the body, and closes the connection (Virtuoso does so). `stale_after`: a
    nonce serves that many requests, then the answer is 401 stale=true with a new nonce.
    `head_free`: HEAD needs no credentials (a server that protects writes only). `drain`:
    read the body before the 401 (most servers do): the client then always reads the 401, where
    without it a body larger than the socket's buffers meets a reset first — a race whose outcome
    depends on the machine's load, so tests that count requests drain."""

    def __init__(self, target: str, user: str, password: str, *, algorithms=("MD5",), qop="auth",
                 stale_after: int | None = None, head_free: bool = False, drain: bool = False):
        self.target, self.user, self.password = target, user, password
        self.algorithms, self.qop, self.stale_after, self.head_free = algorithms, qop, stale_after, head_free
        self.drain = drain
        self.realm, self.opaque = "SPARQL", secrets.token_hex(8)
        self.nonces: dict[str, int] = {}  # nonce → highest nc seen
        self.uses: dict[str, int] = {}
        self.log: list[tuple[str, int, str]] = []  # (method, status, Authorization scheme or "")
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _handle(self):
                auth = self.headers.get("Authorization") or ""
                scheme = auth.split(" ", 1)[0]
                free = self.command == "HEAD" and proxy.head_free
                verdict = "ok" if free else proxy.check(self.command, self.path, auth)
                if verdict != "ok":
                    proxy.log.append((self.command, 401, scheme))
                    if proxy.drain and self.command != "HEAD":
                        self.rfile.read(int(self.headers.get("Content-Length") or 0))
                    self.send_response(401)
                    for a in proxy.algorithms:
                        nonce = secrets.token_hex(16)
                        proxy.nonces[nonce] = 0
                        self.send_header("WWW-Authenticate",
                                         f'Digest realm="{proxy.realm}", nonce="{nonce}", opaque="{proxy.opaque}", '
                                         f'qop="{proxy.qop}", algorithm={a}'
                                         + (", stale=true" if verdict == "stale" else ""))
                    self.send_header("Content-Length", "0")
                    self.send_header("Connection", "close")
                    self.end_headers()
                    self.close_connection = True
                    try:
                        self.connection.shutdown(socket.SHUT_RDWR)  # the body, if any, is never read
                    except OSError:
                        pass
                    return
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if self.command == "HEAD":
                    status, data = 200, b""
                else:
                    req = urllib.request.Request(proxy.target + self.path, data=body if body else None,
                                                 method=self.command,
                                                 headers={k: v for k, v in self.headers.items()
                                                          if k.lower() in ("content-type", "accept")})
                    try:
                        with urllib.request.urlopen(req, timeout=60) as resp:
                            status, data = resp.status, resp.read()
                    except urllib.error.HTTPError as err:
                        status, data = err.code, err.read()
                proxy.log.append((self.command, status, scheme))
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            do_GET = do_HEAD = do_PUT = do_POST = _handle

        self.listen(Handler)

    def check(self, method: str, path: str, auth: str) -> str:
        """"ok", "stale" or "no"."""
        if not auth.startswith("Digest "):
            return "no"
        f = dict(p.challenges([auth])[0][1])
        algorithm = f.get("algorithm", "MD5")
        if algorithm not in self.algorithms or f.get("nonce") not in self.nonces or f.get("uri") != path:
            return "no"
        if f.get("realm") != self.realm or f.get("opaque") != self.opaque or f.get("username") != self.user:
            return "no"
        nc = int(f.get("nc", "0"), 16)
        if f.get("qop") != self.qop or nc <= self.nonces[f["nonce"]]:
            return "no"
        h = lambda s: HASH[algorithm](s.encode()).hexdigest()  # noqa: E731
        expected = h(f"{h(f'{self.user}:{self.realm}:{self.password}')}:{f['nonce']}:{f['nc']}:{f['cnonce']}:"
                     f"{self.qop}:{h(f'{method}:{path}')}")
        if f.get("response") != expected:
            return "no"
        self.nonces[f["nonce"]] = nc
        self.uses[f["nonce"]] = self.uses.get(f["nonce"], 0) + 1
        if self.stale_after is not None and self.uses[f["nonce"]] > self.stale_after:
            return "stale"
        return "ok"



@pytest.fixture
def server(tmp_path):
    s = Oxigraph(tmp_path / "db").start()
    yield s
    s.stop()


def counts(server: Oxigraph) -> dict[str, int]:
    return {r["g"]: int(r["n"]) for r in server.select(COUNTS)}


def edition_counts(site) -> dict[str, int]:
    return {g: body.count(b"\n") for g, body in p.read_edition(site).graphs.items()}


def fast(**kw):
    kw.setdefault("backoff", 0.01)
    kw.setdefault("timeout", 10)
    return kw


@pytest.mark.parametrize("algorithms", [("MD5",), ("SHA-256",), ("MD5", "SHA-256")])
def test_push_answers_a_digest_challenge(server, built, algorithms):
    with DigestProxy(server.url, "publisher", "right", algorithms=algorithms) as proxy:
        result = p.push(built.out, proxy.store, auth=p.Login("publisher", "right"), **fast())
    assert counts(server) == edition_counts(built.out)
    # one question per endpoint (a HEAD, no body), then every request answered at once
    # per endpoint: the question (a HEAD without credentials), the credentials checked (a HEAD
    # with them), then every request answered at once; no body is sent before that
    ask = [("HEAD", 401, ""), ("HEAD", 200, "Digest")]
    assert [(m, s, a) for m, s, a in proxy.log] == ask + [("PUT", 201, "Digest")] * 4 + ask + [("POST", 204, "Digest")]
    assert result.requests == 9 and result.retries == 0
    assert sorted(proxy.nonces.values(), reverse=True)[:2] == [5, 2]  # one nonce for HEAD + 4 PUTs: nc 1…5


def test_a_stale_nonce_is_renewed_and_the_request_sent_once_more(server, built):
    with DigestProxy(server.url, "publisher", "right", stale_after=2, drain=True) as proxy:
        result = p.push(built.out, proxy.store, auth=p.Login("publisher", "right"), **fast())
    assert counts(server) == edition_counts(built.out)
    # the HEAD and the first PUT use the first nonce, the second PUT finds it stale: push takes
    # the new nonce from the 401; two more uses, stale again
    puts = [s for m, s, a in proxy.log if m == "PUT"]
    assert puts.count(201) == 4 and puts.count(401) == 2
    assert {a for m, s, a in proxy.log if m != "HEAD"} == {"Digest"}
    assert result.retries == 0  # answering a challenge is no retry


def test_wrong_password_fails_clearly_and_never_sends_it(server, built):
    with DigestProxy(server.url, "publisher", "right", algorithms=("SHA-256",)) as proxy:
        with pytest.raises(p.PushError, match=r"uploading <.*graph/catalog>: 401 Unauthorized from "
                                              r"http://127.0.0.1:\d+/store: wrong credentials: set "
                                              r"ASDH_LOD_ENDPOINT_USER/ASDH_LOD_ENDPOINT_PASSWORD .*"
                                              r"nothing was swapped in"):
            p.push(built.out, proxy.store, auth=p.Login("publisher", "wrong"), **fast())
        # refused at the credentials check, before any body was sent; then the drop, refused too
        assert [(m, s, a) for m, s, a in proxy.log] == [("HEAD", 401, ""), ("HEAD", 401, "Digest")] * 2
        assert "Basic" not in {a for m, s, a in proxy.log}
        with pytest.raises(p.PushError, match="401 Unauthorized .*: the endpoint needs credentials"):
            p.push(built.out, proxy.store, **fast())
    assert counts(server) == {}


def test_a_refusal_that_resets_a_large_body_still_says_credentials(server):
    """A server that answers 401 at once and closes without reading the body: a body larger
    than the sockets' buffers meets a reset, not the 401. push asks once more without a body
    and reports the refusal, not "Broken pipe"."""
    body = b"<a:x> <a:y> <a:z> .\n" * 1_600_000  # 32 MB: more than any socket buffer holds
    with DigestProxy(server.url, "publisher", "right") as proxy:
        client = p.Client(None, **fast())
        with pytest.raises(p.PushError, match=r"^uploading x: 401 Unauthorized from http://127.0.0.1:\d+/store: "
                                              r"the endpoint needs credentials: set ASDH_LOD_ENDPOINT_USER"):
            client.send("PUT", proxy.store + "?graph=urn:x", body, "application/n-triples", what="uploading x")
        assert [(m, s) for m, s, a in proxy.log] == [("PUT", 401), ("HEAD", 401)]
    assert counts(server) == {}


def test_a_digest_challenge_after_basic_was_sent(server, built):
    """A server that lets HEAD through but wants Digest for writes: the HEAD says nothing,
    push sends Basic as before, and answers the Digest challenge once."""
    with DigestProxy(server.url, "publisher", "right", head_free=True, drain=True) as proxy:
        p.push(built.out, proxy.store, auth=p.Login("publisher", "right"), **fast())
    assert counts(server) == edition_counts(built.out)
    assert [(m, s, a) for m, s, a in proxy.log][:4] == [("HEAD", 200, ""), ("PUT", 401, "Basic"),
                                                        ("PUT", 201, "Digest"), ("PUT", 201, "Digest")]


def test_a_5xx_to_the_swap_uploads_again_before_swapping_again(server, built, monkeypatch):
    """The swap is never sent twice for one upload (on Virtuoso a swap sent again empties
    the graphs that the first one had moved: test_push_virtuoso.py)."""
    sent: list[str] = []
    real = p.Client.send

    def send(self, method, url, body, content_type, **kw):
        sent.append(method)
        if kw.get("what") == "swapping the new edition in" and sent.count("POST") == 1:
            raise p.PushError("swapping the new edition in: 500 Internal Server Error from x", status=500)
        return real(self, method, url, body, content_type, **kw)

    monkeypatch.setattr(p.Client, "send", send)
    waits: list[float] = []
    result = p.push(built.out, server.store, backoff=0.5, sleep=waits.append, timeout=10)
    assert sent == ["PUT"] * 4 + ["POST"] + ["PUT"] * 4 + ["POST"] and waits == [0.5] and result.retries == 1
    assert counts(server) == edition_counts(built.out)
    sent.clear()

    def always_500(self, method, url, body, content_type, **kw):
        sent.append(method)
        if kw.get("what") == "swapping the new edition in":
            raise p.PushError("swapping the new edition in: 500 Internal Server Error from x", status=500)
        return real(self, method, url, body, content_type, **kw)

    monkeypatch.setattr(p.Client, "send", always_500)
    with pytest.raises(p.PushError, match=r"500 .* \(after uploading 3 times\); the swap failed: a store that applies "
                                          r"an update request as one transaction .* Virtuoso may serve part of the "
                                          r"new one: run the push again"):
        p.push(built.out, server.store, retries=2, backoff=0.01, sleep=lambda s: None, timeout=10)
    assert sent.count("PUT") == 12
