"""Content negotiation: the rule, and real servers on 127.0.0.1 — nginx with the
generated snippet, Apache httpd with the generated .htaccess, and the `asdh-lod serve`
preview — answering every kind of URI with
the right variant, status and headers for each Accept header."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import URIRef

from asdh_lod.publish import conneg
from asdh_lod.cli import main
from helpers import need, running_preview

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
APACHE = shutil.which("apache2") or ("/usr/sbin/apache2" if Path("/usr/sbin/apache2").exists() else None)
APACHE_MODULES = Path("/usr/lib/apache2/modules")

# what each variant must be sent as (written out here, not taken from the module)
CONTENT_TYPES = {"html": "text/html; charset=utf-8", "ttl": "text/turtle; charset=utf-8",
                 "jsonld": "application/ld+json", "nt": "application/n-triples; charset=utf-8"}

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
ACCEPTS = [
    (None, "html"),
    ("text/html", "html"),
    (BROWSER, "html"),
    ("*/*", "html"),
    ("image/png", "html"),
    ("text/turtle", "ttl"),
    ("text/turtle;q=1.0, application/ld+json;q=0.9, */*;q=0.1", "ttl"),
    ("application/rdf+xml, text/n3, text/turtle, application/n-triples;q=0.9", "ttl"),
    ("application/ld+json", "jsonld"),
    ("application/json", "jsonld"),
    ("application/ld+json;profile=\"http://www.w3.org/ns/json-ld#expanded\", text/html;q=0.5", "jsonld"),
    ("application/n-triples", "nt"),
    ("APPLICATION/N-TRIPLES", "nt"),
    ("application/n-triples, text/turtle;q=0.9, text/html;q=0.1", "nt"),
]


@pytest.mark.parametrize("accept,variant", ACCEPTS)
def test_the_first_listed_media_type_of_ours_selects_the_variant(accept, variant):
    assert conneg.choose(accept) == variant


def test_the_generated_configs_carry_the_one_rule():
    nginx, apache = conneg.nginx_conf(), conneg.htaccess()
    for v, pattern in conneg.variant_patterns().items():
        if v != conneg.DEFAULT:
            assert f'if ($http_accept ~* "{pattern}") {{ set $asdh_variant {v}; }}' in nginx
            assert f'RewriteCond "%{{HTTP_ACCEPT}}" "{pattern}" [NC]\nRewriteRule ^ - [E=ASDH_VARIANT:{v}]' in apache
    assert "Access-Control-Allow-Origin" in nginx and "Access-Control-Allow-Origin" in apache
    assert "DirectorySlash Off" in apache  # /data/provincial is a page, not a redirect to its folder


def _sample_paths(built) -> dict[str, str]:
    """One URI path of every kind the site publishes, plus the awkward ones."""
    base = built.mapped.uris.base
    # a hash IRI is served as its document: the fragment never reaches the server
    under = sorted({str(t)[len(base):].split("#")[0] for triple in built.mapped.union() for t in triple
                    if isinstance(t, URIRef) and str(t).startswith(base)})
    out: dict[str, str] = {}
    for path in under:
        parts = path.split("/")
        if parts[0] == "data":
            kind = {2: "dataset", 3: "structure", 4: "component"}.get(len(parts), "observation document")
        elif parts[0] == "def":
            kind = "ontology" if path == "def/" else "term"
        elif parts[0] == "code" and len(parts) == 2:
            kind = "code list"
        else:  # id/project and id/project/…/milestone, id/rule and id/rule/…/parameter, …
            kind = "/".join(parts[:2]) + (f"/{parts[3]}" if len(parts) > 3 else "")
        out.setdefault(kind, path)
    out["observations of an open period"] = next(p for p in under if "/..--" in p)
    out["code with dots"] = next(p for p in under if p.startswith("code/cofog/10."))
    out["ontology version"] = "def/0.2.0"
    out["prior ontology version"] = "def/0.1.0"  # owl:priorVersion: published URIs keep resolving
    # the description documents (catalog.py): pages and RDF like every resource
    out["catalogue"] = "catalog"
    out["VoID"] = "void"
    return out


def _file_for(site: Path, path: str, variant: str) -> Path:
    if (site / path).is_file():
        return site / path
    stem = path + "index" if path.endswith("/") else path
    return site / f"{stem}.{variant}"


def _get(url: str, accept: str | None = None, method: str = "GET"):
    req = urllib.request.Request(url, method=method)
    if accept is not None:
        req.add_header("Accept", accept)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, proc: subprocess.Popen | None = None, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


@contextlib.contextmanager
def running_nginx(root: Path):
    """nginx serving `root` with the snippet `root` publishes, on a free loopback port."""
    need(NGINX is not None, "nginx is not installed (Debian: apt-get install nginx-light)")
    prefix = Path(tempfile.mkdtemp(prefix="asdh-nginx-"))
    port = _free_port()
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read the pytest temp folder
    (prefix / "nginx.conf").write_text(f"""{user}worker_processes 1;
error_log {prefix}/error.log;
pid {prefix}/nginx.pid;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        include {root}/{conneg.NGINX_FILE};
    }}
}}
""", encoding="utf-8")
    try:
        check = subprocess.run([NGINX, "-t", "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
                               capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        proc = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait_for(port, proc)
            yield f"http://127.0.0.1:{port}/"
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    finally:
        shutil.rmtree(prefix, ignore_errors=True)


@contextlib.contextmanager
def running_apache(root: Path):
    """Apache httpd (Debian apache2) serving a world-readable copy of `root` with its
    generated .htaccess (its children drop root, so they could not read pytest's folder)."""
    need(APACHE is not None and APACHE_MODULES.is_dir(), "Apache is not installed (Debian: apt-get install apache2)")
    prefix = Path(tempfile.mkdtemp(prefix="asdh-apache-"))
    try:
        site = prefix / "site"
        shutil.copytree(root, site)
        for p in [prefix, *prefix.rglob("*")]:
            p.chmod(0o755 if p.is_dir() else 0o644)
        port = _free_port()
        modules = "\n".join(f"LoadModule {name}_module {APACHE_MODULES}/mod_{name}.so"
                            for name in ("mpm_event", "authz_core", "mime", "dir", "rewrite", "headers"))
        types = "/etc/mime.types" if Path("/etc/mime.types").is_file() else "/dev/null"
        (prefix / "httpd.conf").write_text(f"""ServerRoot "{prefix}"
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile "{prefix}/httpd.pid"
DefaultRuntimeDir "{prefix}"
ErrorLog "{prefix}/error.log"
{modules}
TypesConfig {types}
{"User nobody" if os.geteuid() == 0 else ""}
DocumentRoot "{site}"
<Directory "/">
    AllowOverride None
    Require all denied
</Directory>
<Directory "{site}">
    AllowOverride All
    Require all granted
</Directory>
""", encoding="utf-8")
        env = {**os.environ, "APACHE_RUN_DIR": str(prefix), "APACHE_LOCK_DIR": str(prefix), "APACHE_LOG_DIR": str(prefix)}
        check = subprocess.run([APACHE, "-t", "-f", str(prefix / "httpd.conf")], capture_output=True, text=True, env=env)
        assert check.returncode == 0, check.stderr
        proc = subprocess.Popen([APACHE, "-f", str(prefix / "httpd.conf"), "-DFOREGROUND"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait_for(port, proc)
            yield f"http://127.0.0.1:{port}/"
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    finally:
        shutil.rmtree(prefix, ignore_errors=True)


RUNNING = {"nginx": running_nginx, "apache": running_apache, "preview": running_preview}


@pytest.fixture(scope="module")
def nginx(built):
    with running_nginx(built.out) as url:
        yield url


@pytest.fixture(scope="module")
def apache(built):
    with running_apache(built.out) as url:
        yield url


@pytest.fixture(scope="module")
def preview(built):
    with running_preview(built.out) as url:
        yield url


@pytest.fixture(params=["nginx", "apache", "preview"])
def server(request):
    return request.getfixturevalue(request.param)


def test_every_kind_of_uri_answers_each_accept_header_with_its_variant(built, server):
    site = built.out
    wrong = []
    samples = _sample_paths(built)
    assert len(samples) >= 20, samples
    assert {"id/project/milestone", "id/rule/parameter", "id/facility", "id/instant", "id/period",
            "catalogue", "VoID"} <= set(samples)
    for kind, path in samples.items():
        for accept, variant in ACCEPTS:
            status, headers, body = _get(server + urllib.request.quote(path), accept)
            expected = _file_for(site, path, variant)
            ctype = CONTENT_TYPES[variant] if expected.suffix != ".txt" else "text/plain; charset=utf-8"
            got = (status, headers.get("Content-Type"), body == expected.read_bytes(),
                   headers.get("Vary"), headers.get("Access-Control-Allow-Origin"))
            if got != (200, ctype, True, "Accept", "*"):
                wrong.append(f"{kind} {path} [{accept}]: {got[:3]} vary={got[3]} cors={got[4]}")
    assert wrong == []


@pytest.mark.parametrize("path,accept,file,ctype", [
    ("", "text/html", "index.html", "text/html; charset=utf-8"),
    ("", "text/turtle", "index.html", "text/html; charset=utf-8"),  # the home page has no RDF of its own
    ("def/", "text/turtle", "def/index.ttl", "text/turtle; charset=utf-8"),
    ("code/province/25.ttl", "text/html", "code/province/25.ttl", "text/turtle; charset=utf-8"),
    ("code/province/25.jsonld", None, "code/province/25.jsonld", "application/ld+json"),
    ("code/province/25.html", "text/turtle", "code/province/25.html", "text/html; charset=utf-8"),
    ("downloads/asdh-lod.nt", "text/html", "downloads/asdh-lod.nt", "application/n-triples; charset=utf-8"),
    ("downloads/asdh-lod.nt.gz", None, "downloads/asdh-lod.nt.gz", "application/gzip"),
    ("context.jsonld", None, "context.jsonld", "application/ld+json"),
    ("style.css", None, "style.css", "text/css; charset=utf-8"),
    # the description documents: each variant by its extension, and VoID's well-known URI
    ("catalog.html", "text/turtle", "catalog.html", "text/html; charset=utf-8"),
    ("catalog.nt", None, "catalog.nt", "application/n-triples; charset=utf-8"),
    ("void.jsonld", "text/html", "void.jsonld", "application/ld+json"),
    ("void.nt", BROWSER, "void.nt", "application/n-triples; charset=utf-8"),
    (".well-known/void", "text/html", ".well-known/void", "text/turtle; charset=utf-8"),
    ("sitemap.xml", None, "sitemap.xml", "application/xml; charset=utf-8"),
    ("downloads/asdh-lod.csv", None, "downloads/asdh-lod.csv", "text/csv; charset=utf-8"),
])
def test_files_and_folder_uris_are_served_directly(built, server, path, accept, file, ctype):
    status, headers, body = _get(server + path, accept)
    assert (status, headers.get("Content-Type")) == (200, ctype)
    assert body == (built.out / file).read_bytes()


@pytest.mark.parametrize("path", ["code/province/999", "code/province/999.ttl", "nope/", "data/provincial/obs"])
def test_unknown_uris_are_404(server, path):
    status, _, _ = _get(server + path, "text/turtle")
    assert status == 404


def test_preview_never_leaves_the_site(built, preview):
    outside = built.out.parent / "secret.txt"
    outside.write_text("secret", encoding="utf-8")
    for path in ("../secret.txt", "code/../../secret.txt", "%2e%2e/secret.txt"):
        with socket.create_connection(("127.0.0.1", int(preview.rsplit(":", 1)[1].strip("/")))) as s:
            s.sendall(f"GET /{path} HTTP/1.0\r\n\r\n".encode())
            answer = b""
            while chunk := s.recv(65536):
                answer += chunk
        assert answer.startswith(b"HTTP/1.0 404"), (path, answer[:40])
        assert b"secret" not in answer


def test_preview_head_sends_headers_only(built, preview):
    status, headers, body = _get(preview + "code/province/25", "text/turtle", method="HEAD")
    assert (status, body) == (200, b"")
    assert int(headers["Content-Length"]) == len((built.out / "code/province/25.ttl").read_bytes())


# -- the command -------------------------------------------------------------------------------

def test_serve_command_previews_the_site_with_negotiation(built):
    proc = subprocess.Popen([sys.executable, "-m", "asdh_lod.cli", "serve", "--site", str(built.out), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        m = re.fullmatch(rf"serving {re.escape(str(built.out))}/ at (http://127\.0\.0\.1:(\d+)/) \(Ctrl-C to stop\)\n", line)
        assert m, line
        status, headers, body = _get(m.group(1) + "code/province/25", "application/n-triples")
        assert (status, headers["Content-Type"]) == (200, "application/n-triples; charset=utf-8")
        assert body == (built.out / "code/province/25.nt").read_bytes()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_serve_refuses_a_folder_without_a_site(tmp_path):
    result = CliRunner().invoke(main, ["serve", "--site", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert f"Error: site folder '{tmp_path / 'nowhere'}' has no index.html: run 'asdh-lod build' first" in result.output


def test_serve_reports_a_port_in_use(built):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--site", str(built.out), "--port", str(port)])
    assert result.exit_code == 1
    assert result.output == f"Error: cannot listen on 127.0.0.1:{port}: Address already in use\n"


def test_serve_help_has_an_example():
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0 and "asdh-lod serve --port 8000" in result.output


@pytest.mark.parametrize("kind", sorted(RUNNING))
def test_the_well_known_void_uri_answers_with_the_void_description(tmp_path, kind):
    """/.well-known/void (RFC 8615, VoID §7) is the published file if there is one, else void.ttl;
    always as Turtle."""
    void = "<https://example.org/ds> a <http://rdfs.org/ns/void#Dataset> .\n"
    for with_file in (False, True):
        root = tmp_path / f"site-{with_file}"
        root.mkdir()
        for rel, data in conneg.server_files().items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(data)
        (root / "index.html").write_text("<!DOCTYPE html><title>x</title>", encoding="utf-8")
        (root / "void.ttl").write_text(void, encoding="utf-8")
        if with_file:
            (root / ".well-known").mkdir()
            (root / ".well-known" / "void").write_text(void.replace("ds>", "ds2>"), encoding="utf-8")
        with RUNNING[kind](root) as url:
            status, headers, body = _get(url + ".well-known/void", "*/*")
        expected = void.replace("ds>", "ds2>") if with_file else void
        assert (status, headers.get("Content-Type"), body.decode()) == (200, "text/turtle; charset=utf-8", expected)


@pytest.mark.parametrize("kind", sorted(RUNNING))
def test_a_document_published_as_rdf_only_answers_with_the_rdf_it_has(tmp_path, kind):
    """A URI with no page and not the variant asked for gets the first RDF variant it has
    (Turtle, then JSON-LD, then N-Triples) rather than a 404."""
    root = tmp_path / "site"
    for rel, data in conneg.server_files().items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    (root / "index.html").write_text("<!DOCTYPE html><title>x</title>", encoding="utf-8")
    (root / "doc.jsonld").write_text('{"@id": "https://example.org/doc"}\n', encoding="utf-8")
    (root / "doc.nt").write_text("<https://example.org/doc> <https://example.org/p> \"x\" .\n", encoding="utf-8")
    got = {}
    with RUNNING[kind](root) as url:
        for accept in ("text/html", "text/turtle", "application/n-triples", None):
            status, headers, body = _get(url + "doc", accept)
            got[accept] = (status, headers.get("Content-Type"), body.decode()[:1])
    assert got == {"text/html": (200, "application/ld+json", "{"), "text/turtle": (200, "application/ld+json", "{"),
                   "application/n-triples": (200, "application/n-triples; charset=utf-8", "<"),
                   None: (200, "application/ld+json", "{")}
