"""Publish stage: the only module that writes.

`render` turns the mapped graphs into file contents in memory (deterministic: the same
inputs give byte-identical files); `write_site` writes them into a fresh temporary folder
beside the target and swaps it in with one atomic rename-exchange, so a reader (or a
failed build) never sees half a site: either the previous `site/` or the new one.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gzip
import io
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef

from . import catalog, csvw, querypage
from .mapping import PREFIXES, Mapped, bind_prefixes
from .model import Model
from .pages import chrome, render_pages
from .query import prefixes_for as query_prefixes
from .querypage import ExampleQuery

DUMP = "asdh-lod"  # file stem of the whole-dataset downloads

# The named graphs of the TriG and N-Quads dumps, in order: name (→ uris.graph(name), i.e.
# {base}graph/{name}) and the function giving its triples. One line a graph.
# (The parts are the mapper's triple lists: no rdflib graph of the data is built for them.)
NAMED_GRAPHS: tuple[tuple[str, Callable[[Model, Mapped], Iterable]], ...] = (
    ("ontology", lambda model, mapped: mapped.ontology),               # the OWL ontology
    ("codelists", lambda model, mapped: mapped.part("codelists")),  # the SKOS code lists
    ("data", lambda model, mapped: mapped.part("data")),       # the cube, its observations and resources
)
CATALOG_GRAPH = "catalog"  # the DCAT-AP catalogue (catalog.py), in the named-graph dumps only


def named_graphs(model: Model, mapped: Mapped, catalog: Graph | None = None) -> dict[URIRef, Iterable]:
    """The named graphs of the TriG/N-Quads dumps; with `catalog`, the catalogue graph too.

    The plain dumps hold ontology, code lists and data; the catalogue describes them (by
    their bytes), so it cannot be inside them. The named-graph dumps come after it and hold
    it in its own graph; the catalogue therefore does not list them as distributions."""
    graphs = {mapped.uris.graph(name): part(model, mapped) for name, part in NAMED_GRAPHS}
    if catalog is not None:
        graphs[mapped.uris.graph(CATALOG_GRAPH)] = catalog
    return graphs


def turtle_prefixes(uris, *extra: tuple[str, str]) -> dict[str, str]:
    """The prefixes our Turtle declares: the vocabularies, then the project's own namespaces."""
    out = dict(PREFIXES)
    # no `code:` here: pyoxigraph would escape the slash of code/{scheme}/{code} (code:province\/25)
    out.update({"asdh": str(uris.asdh), "period": uris.base + "id/period/"})
    out.update(extra)
    return out


def ntriples(g) -> bytes:
    """N-Triples, canonical (each term written by pyoxigraph), one triple a line, sorted: stable
    and diff-friendly. `g` is a graph or any iterable of rdflib triples (repeats are dropped).

    IRIs and blank nodes repeat a lot: each is written once; literals are mostly distinct."""
    iris: dict[str, str] = {}
    blanks: dict[str, str] = {}
    datatypes: dict[str, ox.NamedNode] = {}

    def term(t) -> str:
        if isinstance(t, Literal):
            if t.language:
                return str(ox.Literal(str(t), language=t.language))
            dt = t.datatype
            if dt is None:
                return str(ox.Literal(str(t)))
            node = datatypes.get(dt)
            if node is None:
                node = datatypes[dt] = ox.NamedNode(dt)
            return str(ox.Literal(str(t), datatype=node))
        cache, make = (iris, ox.NamedNode) if isinstance(t, URIRef) else (blanks, ox.BlankNode)
        key = str(t)  # a plain str hashes in C; rdflib terms hash in Python
        text = cache.get(key)
        if text is None:
            text = cache[key] = str(make(key))
        return text

    # bytes, not str: one byte per ASCII character (a str with any Turkish letter takes two or four)
    lines = {f"{term(s)} {term(p)} {term(o)} .\n".encode("utf-8") for s, p, o in g}
    return b"".join(sorted(lines))  # UTF-8 byte order is code point order


def sorted_json(value):
    """Sort JSON-LD node arrays by @id and value arrays canonically, for determinism (the
    small JSON-LD documents: pages, catalogue). An @list keeps its order: it is an rdf:List."""
    if isinstance(value, dict):
        return {k: (v if k == "@list" else sorted_json(v)) for k, v in value.items()}
    if isinstance(value, list):
        items = [sorted_json(v) for v in value]
        return sorted(items, key=lambda v: (v.get("@id", "") if isinstance(v, dict) else "",
                                            json.dumps(v, sort_keys=True, ensure_ascii=False)))
    return value


def turtle(g: Graph) -> bytes:
    """rdflib's pretty Turtle (nested blank nodes, lists): for the small graphs (ontology,
    code lists, shapes), where reading matters more than speed."""
    return g.serialize(format="turtle", encoding="utf-8")


def turtle_dump(nt: bytes, prefixes: dict[str, str]) -> bytes:
    """Turtle of a large graph, by pyoxigraph from its sorted N-Triples: subjects in order,
    grouped with ';' and ','. Linear and streaming, unlike rdflib's pretty serialiser. The
    @prefix lines are written in sorted order here, not in pyoxigraph's."""
    body = ox.serialize(ox.parse(nt, ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    return _sorted_prefix_lines(body, prefixes)


def nquads(graphs: dict[URIRef, Iterable | bytes]) -> bytes:
    """N-Quads, one quad a line, sorted: the N-Triples of each graph (a Graph, any iterable
    of triples, or its N-Triples already written by `ntriples`) with its name."""
    lines: list[bytes] = []
    for name, g in graphs.items():
        suffix = f" <{name}> .".encode("utf-8")
        lines.extend(line[:-2] + suffix for line in (g if isinstance(g, bytes) else ntriples(g)).splitlines())
    lines.sort()  # UTF-8 byte order is code point order; no repeats: each graph's lines are distinct
    return b"\n".join(lines) + b"\n"


def trig(nq: bytes, mapped: Mapped) -> bytes:
    """TriG of the sorted N-Quads `nq`, by pyoxigraph: graphs in IRI order, each graph's
    subjects in order, grouped with ';' and ','. Linear, like `turtle_dump` (rdflib's
    serialiser took most of a 10k-observation build's render stage)."""
    quads = sorted(ox.parse(nq, ox.RdfFormat.N_QUADS), key=lambda q: q.graph_name.value)  # stable
    prefixes = turtle_prefixes(mapped.uris, ("spdx", str(catalog.SPDX)), ("vcard", str(catalog.VCARD)))
    return _sorted_prefix_lines(ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes), prefixes)


def _sorted_prefix_lines(body: bytes, prefixes: dict[str, str]) -> bytes:
    """`body` with its @prefix lines replaced by ours, in sorted order (not pyoxigraph's)."""
    at = 0
    while body.startswith(b"@prefix ", at):
        at = body.index(b"\n", at) + 1
    head = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(prefixes.items()))
    return head.encode("utf-8") + body[at:]


def gzipped(data: bytes) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=6) as gz:
        gz.write(data)
    return buf.getvalue()


def jsonld_context(mapped: Mapped) -> dict:
    """The published @context: our prefixes, so compact IRIs read as in the Turtle."""
    ctx = dict(sorted(PREFIXES.items()))
    ctx["asdh"] = str(mapped.uris.asdh)
    ctx["code"] = mapped.uris.base + "code/"
    return {"@context": ctx}


class Compactor:
    """Compact IRIs for a context of prefixes only (ours), each IRI compacted once."""

    RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

    def __init__(self, context: dict[str, str]):
        # longest namespace first, so code: wins over a shorter prefix of it
        self.prefixes = sorted(((ns, p) for p, ns in context.items()), key=lambda x: -len(x[0]))
        self.cache: dict[str, str] = {}

    def iri(self, iri: str) -> str:
        c = self.cache.get(iri)
        if c is None:
            c = iri
            for ns, p in self.prefixes:
                if iri.startswith(ns) and not iri[len(ns):].startswith("//"):
                    c = f"{p}:{iri[len(ns):]}"
                    break
            self.cache[iri] = c
        return c


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def jsonld_nodes(nt: bytes, c: "Compactor") -> Iterator[dict]:
    """The JSON-LD node objects of sorted N-Triples (parsed by pyoxigraph), compacted by `c`:
    one node per subject, in subject order, values in N-Triples order, a single value not
    wrapped in an array. The whole dump (`jsonld`) and each page's description use it."""
    iri, rdf_type = c.iri, Compactor.RDF_TYPE
    NamedNode, BlankNode = ox.NamedNode, ox.BlankNode
    node: dict = {}
    subject = None

    def done() -> dict:
        return {k: (v[0] if len(v) == 1 else v) if k != "@id" else v for k, v in node.items()}

    for t in ox.parse(nt, ox.RdfFormat.N_TRIPLES):
        s, o = t.subject, t.object
        sid = "_:" + s.value if isinstance(s, BlankNode) else s.value
        if sid != subject:
            if node:
                yield done()
            subject = sid
            node = {"@id": sid if sid.startswith("_:") else iri(sid)}
        p = t.predicate.value
        if isinstance(o, NamedNode):
            value = iri(o.value)
            if p == rdf_type:
                node.setdefault("@type", []).append(value)
                continue
            value = {"@id": value}
        elif isinstance(o, BlankNode):
            value = {"@id": "_:" + o.value}
            if p == rdf_type:
                node.setdefault("@type", []).append(value["@id"])
                continue
        elif o.language:
            value = {"@language": o.language, "@value": o.value}
        elif o.datatype.value == _XSD_STRING:
            value = o.value
        else:
            value = {"@type": iri(o.datatype.value), "@value": o.value}
        node.setdefault(iri(p), []).append(value)
    if node:
        yield done()


def jsonld(g: Graph, context: dict, context_url: str, *, nt: bytes | None = None) -> bytes:
    """JSON-LD compacted with the published context, which the document references by URL.

    Streamed from the sorted N-Triples (`jsonld_nodes`): one node a line. Nothing the size of the
    whole graph is held but the output itself."""
    nt = nt if nt is not None else ntriples(g)
    lines = [json.dumps(n, ensure_ascii=False, sort_keys=True) for n in jsonld_nodes(nt, Compactor(context["@context"]))]
    head = json.dumps(context_url, ensure_ascii=False)
    return ('{"@context": ' + head + ', "@graph": [\n' + ",\n".join(lines) + "\n]}\n").encode("utf-8")


def render(model: Model, mapped: Mapped, shapes: Graph,
           queries: Sequence[ExampleQuery] = (), web_assets: dict[str, bytes] | None = None,
           stats: dict | None = None) -> dict[str, bytes]:
    """Every output file of the site, as {relative path: bytes}, in memory. No I/O.

    `build` does not hold the site in memory: it writes `render_iter`'s files as they come."""
    return dict(sorted(render_iter(model, mapped, shapes, queries, web_assets, stats=stats)))


def render_iter(model: Model, mapped: Mapped, shapes: Graph,
                queries: Sequence[ExampleQuery] = (), web_assets: dict[str, bytes] | None = None,
                progress=None, stats: dict | None = None) -> Iterator[tuple[str, bytes]]:
    """Every output file of the site, one (relative path, bytes) at a time. No I/O.

    A file is dropped once yielded, except what later files are made from: the N-Triples of
    the whole (each page's description is a slice of it), the downloads the catalogue
    describes by their bytes (until it is made), and the list of paths (for the sitemap).
    Everything is made from the mapper's triple lists (no rdflib graph of the whole); `queries` are
    the example queries (queries/*.rq), run on the edition for their page; `web_assets` the
    vendored browser files of the in-browser SPARQL page (querypage). `stats`, if given,
    gets "triples": the number of triples in the published whole."""
    paths: set[str] = set()
    described = {p for d in catalog.DOWNLOADS for p in (d.path, d.schema) if p}
    held: dict[str, bytes] = {}  # the downloads the catalogue describes, until it is made

    def out(path: str, data: bytes) -> tuple[str, bytes]:
        paths.add(path)
        if path in described:
            held[path] = data
        return path, data

    context = jsonld_context(mapped)
    # each named graph's N-Triples once; the plain dump is their sorted union (a triple can be in two)
    parts = {name: ntriples(g) for name, g in named_graphs(model, mapped).items()}
    nt = b"".join(sorted({line for part in parts.values() for line in part.splitlines(keepends=True)}))
    if stats is not None:
        stats["triples"] = nt.count(b"\n")
    yield out(f"downloads/{DUMP}.nt", nt)
    yield out(f"downloads/{DUMP}.nt.gz", gzipped(nt))
    yield out(f"downloads/{DUMP}.ttl", turtle_dump(nt, turtle_prefixes(mapped.uris)))
    yield out(f"downloads/{DUMP}.jsonld", jsonld(None, context, mapped.uris.base + "context.jsonld", nt=nt))
    yield out("downloads/ontology.ttl", turtle(mapped.ontology))
    yield out("downloads/codelists.ttl", turtle(mapped.codelists))
    yield out("downloads/shapes.ttl", turtle(_with_prefixes(shapes, mapped)))
    yield out("context.jsonld", (json.dumps(context, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    for src in model.sources:
        yield out(f"sources/{src.document.id}.txt", src.document.text.encode("utf-8"))
    for path, data in csvw.csv_files(model, mapped.uris).items():
        yield out(path, data)
    # the catalogue describes the downloads above by their bytes, so it comes after them …
    documents, descriptions = catalog.description_files(model, mapped, held)
    held.clear()
    described.clear()
    for path, data in descriptions.items():
        yield out(path, data)
    # … and the named-graph dumps, which hold it in its own graph, after it
    graphs = {**parts, mapped.uris.graph(CATALOG_GRAPH): documents[catalog.CATALOG]}
    del parts
    nq = nquads(graphs)
    yield out(f"downloads/{DUMP}.nq.gz", gzipped(nq))
    yield out(f"downloads/{DUMP}.trig", trig(nq, mapped))
    query_pages = querypage.pages(nq, list(queries), base=mapped.uris.base, prefixes=query_prefixes(mapped.uris.base),
                                  title=model.dataset.title.get("en") or model.dataset.id,
                                  graphs=[str(g) for g in graphs], dump=f"{DUMP}.nq.gz", nq_name=f"{DUMP}.nq",
                                  web_assets=web_assets,
                                  chrome=lambda stem, own: chrome(stem, mapped.uris, model.dataset.title, own))
    yield out(f"downloads/{DUMP}.nq", nq)
    del nq
    for path, data in query_pages.items():
        yield out(path, data)
    del query_pages
    # HTML + RDF per resource, and the pages of the catalogue and VoID documents (pages.py)
    for path, data in render_pages(model, mapped, nt, set(paths), documents=documents, progress=progress):
        yield out(path, data)
    # last: the sitemap lists every page
    for path, data in catalog.index_files(paths, mapped.uris.base).items():
        yield out(path, data)


def _with_prefixes(g: Graph, mapped: Mapped) -> Graph:
    out = Graph()
    bind_prefixes(out, mapped.uris)
    out.bind("sh", "http://www.w3.org/ns/shacl#")
    out.bind("asdhs", mapped.uris.base + "shapes/")
    for t in g:
        out.add(t)
    return out


# ---------------------------------------------------------------------------------------
# writing

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2 RENAME_EXCHANGE). False if unsupported."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    fn = getattr(libc, "renameat2", None)
    if fn is None:
        return False
    rc = fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if rc != 0:
        err = ctypes.get_errno()
        if err in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: file system cannot exchange
            return False
        raise OSError(err, os.strerror(err), str(a))
    return True


def write_site(files: Mapping[str, bytes] | Iterable[tuple[str, bytes]], out_dir: Path, progress=None) -> list[str]:
    """Write `files` into a temporary folder beside `out_dir`, then swap it in atomically;
    return the paths written.

    On any error (also one raised while `files`, an iterator, makes the next file) the
    temporary folder is removed and `out_dir` is left as it was."""
    tmp, paths = stage_site(files, out_dir, progress)
    swap_in(tmp, out_dir)
    return paths


def stage_site(files: Mapping[str, bytes] | Iterable[tuple[str, bytes]], out_dir: Path,
               progress=None) -> tuple[Path, list[str]]:
    """Write `files` into a fresh temporary folder beside `out_dir` (nothing else is touched);
    return it and the paths written. On any error the folder is removed."""
    out_dir = Path(out_dir).absolute()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))
    paths: list[str] = []
    made: set[Path] = {tmp}
    try:
        for rel, data in (files.items() if isinstance(files, Mapping) else files):
            target = tmp / rel
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            target.write_bytes(data)
            paths.append(rel)
            if progress:
                progress()
        os.chmod(tmp, 0o755)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return tmp, sorted(paths)


def swap_in(tmp: Path, out_dir: Path) -> None:
    """Swap the staged folder `tmp` in as `out_dir`, atomically where the system can (the
    previous site is removed after). On any error `tmp` is removed and `out_dir` is left as it was."""
    out_dir = Path(out_dir).absolute()
    try:
        if not out_dir.exists():
            os.rename(tmp, out_dir)
            return
        if _exchange(tmp, out_dir):
            shutil.rmtree(tmp)  # now holds the previous site
            return
        old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
        os.rmdir(old)
        os.rename(out_dir, old)
        try:
            os.rename(tmp, out_dir)
        except OSError:
            os.rename(old, out_dir)
            raise
        shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
