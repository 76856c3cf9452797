"""Content negotiation for the static site: one rule set, three servers.

Every resource `{path}` has the files `{path}.html`, `.ttl`, `.jsonld` and `.nt` (see
`pages`). A request for the extensionless URI gets the variant its `Accept` header asks
for; a request for an existing file (`….ttl`, `sources/x.txt`, `downloads/…`) gets that
file. The rule, the same in nginx, Apache and `asdh-lod serve`:

    the first of our media types that the Accept header lists wins;
    with none of them listed (`*/*`, no header, `image/png`), HTML.

q-values are not weighed: nginx and Apache can only match the header with regular
expressions. Clients put their preferred type first (browsers, curl, rdflib, Jena), so
"first listed" gives them what they ask for.

The lookup order for a path P (nginx `try_files`): the file P itself, then P.{variant},
then P/index.{variant} for folder URIs (`/`, `/def/`), then the HTML page, then whatever
RDF variant P has (a document published as RDF only; the site's own documents, `catalog` and
`void` included, all have a page and every variant), else 404.
Every answer carries `Vary: Accept` and `Access-Control-Allow-Origin: *` (CORS: the RDF
is public and meant to be fetched by scripts on other sites).
"""

from __future__ import annotations

import posixpath
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

# variant (file extension) → the media types that select it, in the order of VARIANTS
ACCEPTS = {
    "html": ("text/html", "application/xhtml+xml"),
    "ttl": ("text/turtle",),
    "jsonld": ("application/ld+json", "application/json"),
    "nt": ("application/n-triples",),
}
DEFAULT = "html"
# a document with no variant of the kind asked for and no page (RDF only) answers with the
# first of these it has rather than 404
FALLBACK = ("ttl", "jsonld", "nt")

# extension → (media type, text with charset?): what every server sends as Content-Type
MEDIA_TYPES = {
    "html": ("text/html", True), "ttl": ("text/turtle", True), "jsonld": ("application/ld+json", False),
    "nt": ("application/n-triples", True), "txt": ("text/plain", True), "css": ("text/css", True),
    "json": ("application/json", False), "xml": ("application/xml", True), "csv": ("text/csv", True),
    "svg": ("image/svg+xml", True), "png": ("image/png", False), "gz": ("application/gzip", False),
    "js": ("text/javascript", True), "wasm": ("application/wasm", False), "rq": ("application/sparql-query", True),
}
OCTETS = "application/octet-stream"

NGINX_FILE = "_server/nginx.conf"
# VoID's well-known URI (RFC 8615; VoID §7): the published file if there is one, else void.ttl
WELL_KNOWN_VOID = ".well-known/void"
VOID_FILE = "void.ttl"
HTACCESS_FILE = ".htaccess"


def _alternation(types) -> str:
    return "|".join(t.replace("+", "\\+").replace(".", "\\.") for t in types)


def variant_patterns() -> dict[str, str]:
    """variant → a regular expression (PCRE and Python alike, case-insensitive) that
    matches an Accept header whose first listed type of ours selects that variant."""
    every = _alternation(t for ts in ACCEPTS.values() for t in ts)
    return {v: rf"^(?:(?!{every}).)*(?:{_alternation(ts)})" for v, ts in ACCEPTS.items()}


_COMPILED = {v: re.compile(p, re.IGNORECASE | re.DOTALL) for v, p in variant_patterns().items()}


def choose(accept: str | None) -> str:
    """The variant (file extension) an Accept header selects."""
    for v, rx in _COMPILED.items():
        if accept and rx.search(accept):
            return v
    return DEFAULT


def content_type(name: str) -> str:
    """The Content-Type of a site file, by its site-relative path."""
    if name == WELL_KNOWN_VOID:
        return "text/turtle; charset=utf-8"
    ext = name.rsplit(".", 1)[-1] if "." in posixpath.basename(name) else ""
    media, text = MEDIA_TYPES.get(ext, (OCTETS, False))
    return f"{media}; charset=utf-8" if text else media


def candidates(path: str, variant: str) -> list[str]:
    """The site-relative files tried for a URL path, in order (nginx try_files)."""
    p = path.lstrip("/")
    if p == WELL_KNOWN_VOID:
        return [p, VOID_FILE]
    out = [p] if p and not p.endswith("/") else []
    if p and not p.endswith("/"):
        out += [f"{p}.{variant}", f"{p}/index.{variant}", f"{p}.html", f"{p}/index.html"]
        out += [f"{p}.{v}" for v in FALLBACK]
    else:
        out += [f"{p}index.{variant}", f"{p}index.html"]
    return out


def resolve(site: Path, url_path: str, accept: str | None) -> Path | None:
    """The file of `site` that answers a GET of `url_path` (percent-encoded) with `accept`."""
    path = unquote(url_path)
    if not path.startswith("/") or any(seg in (".", "..") for seg in path.split("/")) or "\0" in path:
        return None  # dot segments never leave the site (a segment like "..--2024-05" is a name)
    for rel in candidates(path, choose(accept)):
        f = site / rel
        if f.is_file():
            return f
    return None


# ---------------------------------------------------------------------------------------
# generated server configuration

def nginx_conf() -> str:
    """A snippet to include inside an nginx `server` block whose `root` is the site."""
    lines = [
        "# asdh-lod: content negotiation for the static site (generated by asdh-lod; do not edit).",
        "# Include inside a server block whose root is the site folder, e.g.",
        "#     server { listen 80; root /srv/asdh-lod/site; include /srv/asdh-lod/site/_server/nginx.conf; }",
        "# The first of text/html, text/turtle, application/ld+json, application/n-triples listed in",
        "# Accept selects the variant; otherwise HTML. Files (…ttl, downloads/…) are served as they are.",
        "",
        "charset utf-8;",
        "charset_types " + " ".join(sorted({m for m, text in MEDIA_TYPES.values() if text and m != "text/html"})) + ";",
        "types {",
        *[f"    {media} {ext};" for ext, (media, _) in MEDIA_TYPES.items()],
        "}",
        f"default_type {OCTETS};",
        "index index.html;",
        "",
        f"set $asdh_variant {DEFAULT};",
    ]
    for v, pattern in variant_patterns().items():
        if v != DEFAULT:
            lines.append(f'if ($http_accept ~* "{pattern}") {{ set $asdh_variant {v}; }}')
    lines += [
        "",
        'add_header Vary "Accept" always;',
        'add_header Access-Control-Allow-Origin "*" always;',
        "",
        "location / {",
        "    try_files $uri $uri.$asdh_variant $uri/index.$asdh_variant $uri.html $uri/index.html "
        + " ".join(f"$uri.{v}" for v in FALLBACK) + " =404;",
        "}",
        "location ~ /$ {",
        "    try_files ${uri}index.$asdh_variant ${uri}index.html =404;",
        "}",
        f"location = /{WELL_KNOWN_VOID} {{",
        "    default_type text/turtle;",
        f"    try_files $uri /{VOID_FILE} =404;",
        "}",
        "",
    ]
    return "\n".join(lines)


def htaccess() -> str:
    """An Apache .htaccess for the site root (mod_rewrite, mod_headers, mod_mime)."""
    lines = [
        "# asdh-lod: content negotiation for the static site (generated by asdh-lod; do not edit).",
        "# Needs AllowOverride FileInfo Indexes Options and mod_rewrite, mod_headers, mod_mime.",
        "# Same rule as _server/nginx.conf: the first of our media types listed in Accept wins; else HTML.",
        "Options -MultiViews",
        "DirectorySlash Off",
        "DirectoryIndex index.html",
        *[f"AddType {media} .{ext}" for ext, (media, _) in MEDIA_TYPES.items()],
        "AddCharset utf-8 " + " ".join(f".{ext}" for ext, (_, text) in MEDIA_TYPES.items() if text),
        "# a compressed file is only its compression: no charset from an inner extension (….nt.gz)",
        '<FilesMatch "\\.gz$">',
        "    ForceType application/gzip",
        "</FilesMatch>",
        '<Files "void">',
        '    ForceType "text/turtle; charset=utf-8"',
        "</Files>",
        "<IfModule mod_headers.c>",
        '    Header always set Access-Control-Allow-Origin "*"',
        '    Header always merge Vary "Accept"',
        "</IfModule>",
        "RewriteEngine On",
        f"RewriteRule ^ - [E=ASDH_VARIANT:{DEFAULT}]",
    ]
    for v, pattern in variant_patterns().items():
        if v != DEFAULT:
            lines += [f'RewriteCond "%{{HTTP_ACCEPT}}" "{pattern}" [NC]', f"RewriteRule ^ - [E=ASDH_VARIANT:{v}]"]
    lines += [
        "# a file is served as it is",
        "RewriteCond %{REQUEST_FILENAME} -f",
        "RewriteRule ^ - [L]",
        "# VoID's well-known URI: void.ttl unless a file of that name is published",
        f"RewriteRule ^{re.escape(WELL_KNOWN_VOID)}$ {VOID_FILE} [L]",
        "RewriteCond %{REQUEST_FILENAME}.%{ENV:ASDH_VARIANT} -f",
        "RewriteRule ^(.+)$ $1.%{ENV:ASDH_VARIANT} [L]",
        "RewriteCond %{REQUEST_FILENAME}/index.%{ENV:ASDH_VARIANT} -f",
        "RewriteRule ^(.*?)/?$ $1/index.%{ENV:ASDH_VARIANT} [L]",
        "RewriteCond %{REQUEST_FILENAME}.html -f",
        "RewriteRule ^(.+)$ $1.html [L]",
        "# a document without that variant or a page (RDF only): the RDF it has",
        *[line for v in FALLBACK for line in (f"RewriteCond %{{REQUEST_FILENAME}}.{v} -f",
                                              f"RewriteRule ^(.+)$ $1.{v} [L]")],
        "",
    ]
    return "\n".join(lines)


def server_files() -> dict[str, bytes]:
    return {NGINX_FILE: nginx_conf().encode("utf-8"), HTACCESS_FILE: htaccess().encode("utf-8")}


# ---------------------------------------------------------------------------------------
# the preview server

class Handler(BaseHTTPRequestHandler):
    """GET/HEAD over a site folder with the same negotiation as the generated configs."""

    site: Path = Path("site")
    server_version = "asdh-lod"
    quiet = False

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._answer(body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(body=False)

    def _answer(self, body: bool) -> None:
        target = resolve(self.site, urlsplit(self.path).path, self.headers.get("Accept"))
        if target is None:
            data, status, ctype = b"404 Not Found\n", 404, "text/plain; charset=utf-8"
        else:
            data, status, ctype = target.read_bytes(), 200, content_type(target.relative_to(self.site).as_posix())
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Vary", "Accept")
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        if body:
            self.wfile.write(data)

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        if not self.quiet:
            super().log_message(format, *args)


def make_server(site: Path, host: str = "127.0.0.1", port: int = 8000, *, quiet: bool = False) -> ThreadingHTTPServer:
    """A server for `site` (not yet serving); port 0 picks a free port (`server.server_address`)."""
    site = Path(site).resolve()
    handler = type("SiteHandler", (Handler,), {"site": site, "quiet": quiet})
    return ThreadingHTTPServer((host, port), handler)


def serve_in_thread(site: Path, host: str = "127.0.0.1", port: int = 0) -> tuple[ThreadingHTTPServer, threading.Thread]:
    server = make_server(site, host, port, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread
