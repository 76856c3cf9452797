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
from collections.abc import Callable, Sequence
from pathlib import Path

from rdflib import Graph, URIRef

from . import catalog, csvw, querypage
from .mapping import PREFIXES, Mapped, bind_prefixes
from .model import Model
from .pages import chrome, render_pages
from .query import prefixes_for
from .querypage import ExampleQuery

DUMP = "asdh-lod"  # file stem of the whole-dataset downloads

# The named graphs of the TriG and N-Quads dumps, in order: name (→ uris.graph(name), i.e.
# {base}graph/{name}) and the function giving its triples. One line a graph.
NAMED_GRAPHS: tuple[tuple[str, Callable[[Model, Mapped], Graph]], ...] = (
    ("ontology", lambda model, mapped: mapped.ontology),    # the OWL ontology
    ("codelists", lambda model, mapped: mapped.codelists),  # the SKOS code lists
    ("data", lambda model, mapped: mapped.data),            # the cube, its observations and resources
)
CATALOG_GRAPH = "catalog"  # the DCAT-AP catalogue (catalog.py), in the named-graph dumps only


def named_graphs(model: Model, mapped: Mapped, catalog: Graph | None = None) -> dict[URIRef, Graph]:
    """The named graphs of the TriG/N-Quads dumps; with `catalog`, the catalogue graph too.

    The plain dumps hold ontology, code lists and data; the catalogue describes them (by
    their bytes), so it cannot be inside them. The named-graph dumps come after it and hold
    it in its own graph; the catalogue therefore does not list them as distributions."""
    graphs = {mapped.uris.graph(name): part(model, mapped) for name, part in NAMED_GRAPHS}
    if catalog is not None:
        graphs[mapped.uris.graph(CATALOG_GRAPH)] = catalog
    return graphs


def turtle(g: Graph) -> bytes:
    return g.serialize(format="turtle", encoding="utf-8")


def ntriples(g: Graph) -> bytes:
    """N-Triples, one triple a line, sorted: stable and diff-friendly."""
    text = g.serialize(format="nt", encoding="utf-8").decode("utf-8")
    lines = sorted({line for line in text.splitlines() if line.strip()})
    return ("\n".join(lines) + "\n").encode("utf-8")


def nquads(graphs: dict[URIRef, Graph]) -> bytes:
    """N-Quads, one quad a line, sorted: the N-Triples of each graph with its name."""
    lines: set[str] = set()
    for name, g in graphs.items():
        suffix = f" <{name}> ."
        for line in ntriples(g).decode("utf-8").splitlines():
            assert line.endswith(" ."), line
            lines.add(line[:-2] + suffix)
    return ("\n".join(sorted(lines)) + "\n").encode("utf-8")


def trig(graphs: dict[URIRef, Graph], mapped: Mapped) -> bytes:
    """TriG: each named graph as Turtle with our prefixes, graphs in IRI order.

    Written graph by graph from rdflib's (deterministic) Turtle, because rdflib's TriG
    serializer orders graphs at random."""
    heads: set[str] = set()
    bodies = []
    for name in sorted(graphs):
        g = Graph()
        bind_prefixes(g, mapped.uris)
        for t in graphs[name]:
            g.add(t)
        text = turtle(g).decode("utf-8")
        lines = text.splitlines()
        heads.update(line for line in lines if line.startswith("@prefix "))
        # not indented: a long literal ("""…""") may span lines, and indenting would change it
        body = [line for line in lines if not line.startswith("@prefix ")]
        while body and not body[0]:
            body.pop(0)
        while body and not body[-1]:
            body.pop()
        bodies.append(f"<{name}> {{\n" + "\n".join(body) + "\n}\n")
    return ("\n".join(sorted(heads)) + "\n\n" + "\n".join(bodies)).encode("utf-8")


def gzipped(data: bytes) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(data)
    return buf.getvalue()


def jsonld_context(mapped: Mapped) -> dict:
    """The published @context: our prefixes, so compact IRIs read as in the Turtle."""
    ctx = dict(sorted(PREFIXES.items()))
    ctx["asdh"] = str(mapped.uris.asdh)
    ctx["code"] = mapped.uris.base + "code/"
    return {"@context": ctx}


def _sorted_json(value):
    """Sort JSON-LD node arrays by @id and value arrays canonically, for determinism."""
    if isinstance(value, dict):  # an @list keeps its order: it is an rdf:List
        return {k: (v if k == "@list" else _sorted_json(v)) for k, v in value.items()}
    if isinstance(value, list):
        items = [_sorted_json(v) for v in value]
        return sorted(items, key=lambda v: (v.get("@id", "") if isinstance(v, dict) else "",
                                            json.dumps(v, sort_keys=True, ensure_ascii=False)))
    return value


def jsonld(g: Graph, context: dict, context_url: str) -> bytes:
    """JSON-LD compacted with the published context, which the document references by URL."""
    doc = json.loads(g.serialize(format="json-ld", context=context["@context"], auto_compact=True))
    graph = doc.get("@graph", [doc] if "@id" in doc else [])
    graph = [{k: v for k, v in node.items() if k != "@context"} for node in graph]
    out = {"@context": context_url, "@graph": _sorted_json(graph)}
    return (json.dumps(out, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def render(model: Model, mapped: Mapped, whole: Graph, shapes: Graph,
           queries: Sequence[ExampleQuery] = (), web_assets: dict[str, bytes] | None = None) -> dict[str, bytes]:
    """Every output file of the site, as {relative path: bytes}. No I/O.

    `whole` is `mapped.union()`, built once by the caller (it also validated it);
    `queries` are the example queries (queries/*.rq), run on the edition for their page;
    `web_assets` the vendored browser files of the in-browser SPARQL page (querypage)."""
    context = jsonld_context(mapped)
    nt = ntriples(whole)
    files = {
        f"downloads/{DUMP}.ttl": turtle(whole),
        f"downloads/{DUMP}.jsonld": jsonld(whole, context, mapped.uris.base + "context.jsonld"),
        f"downloads/{DUMP}.nt": nt,
        f"downloads/{DUMP}.nt.gz": gzipped(nt),
        "downloads/ontology.ttl": turtle(mapped.ontology),
        "downloads/codelists.ttl": turtle(mapped.codelists),
        "downloads/shapes.ttl": turtle(_with_prefixes(shapes, mapped)),
        "context.jsonld": (json.dumps(context, ensure_ascii=False, indent=1) + "\n").encode("utf-8"),
    }
    for src in model.sources:
        files[f"sources/{src.document.id}.txt"] = src.document.text.encode("utf-8")
    files.update(csvw.csv_files(model, mapped.uris))
    # the catalogue describes the downloads above by their bytes, so it comes after them …
    cat, described = catalog.description_files(model, mapped, whole, files)
    files.update(described)
    # … and the named-graph dumps, which hold it in its own graph, after it
    graphs = named_graphs(model, mapped, cat)
    nq = nquads(graphs)
    files.update({f"downloads/{DUMP}.nq": nq, f"downloads/{DUMP}.nq.gz": gzipped(nq),
                  f"downloads/{DUMP}.trig": trig(graphs, mapped)})
    files.update(querypage.pages(nq, list(queries), base=mapped.uris.base, prefixes=prefixes_for(mapped.uris.base),
                                 title=model.dataset.title.get("en") or model.dataset.id,
                                 graphs=[str(g) for g in graphs], dump=f"{DUMP}.nq.gz", nq_name=f"{DUMP}.nq",
                                 web_assets=web_assets,
                                 chrome=lambda stem, own: chrome(stem, mapped.uris, model.dataset.title, own)))
    files |= render_pages(model, mapped, whole, set(files))  # HTML + RDF per resource (pages.py)
    # last: the sitemap lists every page
    files.update(catalog.index_files(files, mapped.uris.base))
    return dict(sorted(files.items()))


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


def write_site(files: dict[str, bytes], out_dir: Path) -> None:
    """Write `files` into a temporary folder beside `out_dir`, then swap it in atomically.

    On any error the temporary folder is removed and `out_dir` is left as it was.
    """
    out_dir = Path(out_dir).absolute()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))
    try:
        for rel, data in files.items():
            target = tmp / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        os.chmod(tmp, 0o755)
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
