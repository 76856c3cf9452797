"""Self-contained downloads: every RDF file under downloads/ parses with rdflib, and every
JSON-LD of the site (the dump, the catalogue and VoID, each page's JSON-LD variant and the
JSON-LD inside each HTML page) with pyLD, with the network blocked: a reader needs nothing
but the file. Any attempt to reach the network fails loudly (and fails the test)."""

from __future__ import annotations

import gzip
import html
import json
import re
import socket
import urllib.request
from pathlib import Path

import pytest
from pyld import jsonld
from rdflib import Dataset, Graph

from asdh_lod.rdf.files import FILES


class NetworkBlocked(AssertionError):
    """Raised by any attempt to open a connection or resolve a name during these tests."""


@pytest.fixture
def offline(monkeypatch):
    attempts: list[str] = []

    def refuse(*args, **kwargs):
        attempts.append(repr(args[:2])[:200])
        raise NetworkBlocked(f"network access attempted: {args[:2]!r}")

    for obj, name in ((socket.socket, "connect"), (socket.socket, "connect_ex"), (socket, "create_connection"),
                      (socket, "getaddrinfo"), (socket, "gethostbyname"), (urllib.request, "urlopen")):
        monkeypatch.setattr(obj, name, refuse)
    yield attempts
    assert attempts == [], f"the network was asked for: {attempts}"


# the RDF files of downloads/, by how their name ends, and what rdflib reads them as
RDF_FORMATS = {".ttl": "turtle", ".nt": "nt", ".nq": "nquads", ".trig": "trig", ".jsonld": "json-ld"}
NOT_RDF = {".csv", ".csv-metadata.json"}  # the CSV, and its CSVW metadata (a CSVW document, read by test_csvw)


def _format(name: str) -> str | None:
    stem = name[:-3] if name.endswith(".gz") else name
    for ending, fmt in RDF_FORMATS.items():
        if stem.endswith(ending):
            return fmt
    return None


def test_the_blocker_catches_what_pyld_and_rdflib_would_fetch(offline):
    """The fixture works: a remote JSON-LD context cannot be fetched (pyLD's loader goes
    through requests → socket), nor a URL opened with urllib (rdflib's)."""
    with pytest.raises(Exception) as e:
        jsonld.expand({"@context": "https://w3id.org/asdh-lod/context.jsonld", "@id": "x"})
    chain, err = [], e.value
    while err is not None:
        chain.append(err)
        err = err.__cause__ or err.__context__ or getattr(err, "cause", None)
    assert any(isinstance(x, NetworkBlocked) for x in chain) or "network access attempted" in str(e.value)
    with pytest.raises(NetworkBlocked):
        Graph().parse("https://w3id.org/asdh-lod/downloads/asdh-lod.ttl")
    offline.clear()  # both attempts were ours


def test_every_rdf_download_parses_with_rdflib_offline(built, offline):
    downloads = sorted((built.out / "downloads").iterdir())
    seen = {}
    for f in downloads:
        fmt = _format(f.name)
        if fmt is None:
            assert any(f.name.endswith(e) for e in NOT_RDF) or f.name.endswith(".json") \
                or "sdmx" in f.name, f"{f.name}: an unknown download"
            continue
        data = f.read_bytes()
        if f.name.endswith(".gz"):
            data = gzip.decompress(data)
        g = Dataset() if fmt in ("nquads", "trig") else Graph()
        g.parse(data=data, format=fmt, publicID="urn:x-offline:")
        seen[f.name] = len(g) if fmt not in ("nquads", "trig") else sum(1 for _ in g.quads())
    whole = seen["asdh-lod.nt"]
    assert whole == built.triples
    assert seen["asdh-lod.ttl"] == seen["asdh-lod.jsonld"] == seen["asdh-lod.nt.gz"] == whole
    assert {"asdh-lod.ttl", "asdh-lod.jsonld", "asdh-lod.nt", "asdh-lod.nt.gz", "asdh-lod.nq.gz",
            "asdh-lod.trig", "ontology.ttl", "codelists.ttl", "shapes.ttl"} <= set(seen)


def test_jsonld_dump_embeds_its_context_and_reads_with_pyld_offline(built, offline):
    doc = json.loads((built.out / FILES["json-ld"].path).read_text(encoding="utf-8"))
    published = json.loads((built.out / FILES["context"].path).read_text(encoding="utf-8"))
    assert doc["@context"] == published["@context"]  # the same context, embedded
    nq = jsonld.to_rdf(doc, {"format": "application/n-quads"})
    g = Graph().parse(data=nq, format="nt")
    assert len(g) == built.triples


def _page_jsonld(site: Path):
    """(where, JSON-LD document) of every JSON-LD file of the site and every JSON-LD script in
    its HTML pages."""
    for f in sorted(site.rglob("*.jsonld")):
        if f.parent.name != "downloads" and f.name != FILES["context"].path:  # the context holds no data
            yield str(f.relative_to(site)), json.loads(f.read_text(encoding="utf-8"))
    script = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
    for f in sorted(site.rglob("*.html")):
        for i, m in enumerate(script.finditer(f.read_text(encoding="utf-8"))):
            text = m.group(1)
            try:
                doc = json.loads(text)
            except json.JSONDecodeError:
                doc = json.loads(html.unescape(text))
            yield f"{f.relative_to(site)} script {i + 1}", doc


def _remote_contexts(value) -> list[str]:
    """The context URLs a JSON-LD document names anywhere (a string @context, or one in a list)."""
    out = []
    if isinstance(value, dict):
        for k, v in value.items():
            if k == "@context":
                for c in (v if isinstance(v, list) else [v]):
                    if isinstance(c, str):
                        out.append(c)
                    else:
                        out += _remote_contexts(c)
            else:
                out += _remote_contexts(v)
    elif isinstance(value, list):
        for v in value:
            out += _remote_contexts(v)
    return out


def test_pages_jsonld_is_self_contained_and_expands_with_pyld_offline(built, offline):
    docs = list(_page_jsonld(built.out))
    pages = sum(1 for where, _ in docs if where.endswith(".jsonld"))
    scripts = len(docs) - pages
    assert pages > 300 and scripts > 300  # every page's variant, every page's script
    nodes, schema_org = 0, []
    for where, doc in docs:
        remote = _remote_contexts(doc)
        if remote == [SCHEMA_ORG]:  # the home page's schema.org description, for search engines
            schema_org.append(where)
            continue
        assert remote == [], f"{where} names a remote context"
        nodes += len(jsonld.expand(doc))  # a page may describe nothing (def/0.1.0, the version IRI)
    assert nodes > 2 * len(docs)
    # the one exception (docs/outputs.md): search engines read schema.org's context by its URL, and
    # its full context (hundreds of kilobytes) is not worth embedding in a page; every other
    # JSON-LD of the site, in a file or a page, is self-contained
    assert schema_org == ["index.html script 1"]


SCHEMA_ORG = "https://schema.org/"
