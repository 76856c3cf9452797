"""Render: the mapped graphs → every file of the site, as (path, bytes). No I/O.

Deterministic: the same inputs give byte-identical files. The pipeline writes what
`render_iter` yields into a temporary folder with the one atomic writer (`core.fsio`).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Iterable, Iterator, Sequence

from rdflib import Graph, URIRef

from ..core.problems import Report
from ..model.records import Model
from ..rdf.files import DISTRIBUTIONS, FILES, release_path, source_text
from ..rdf.serialise import gzipped, jsonld, jsonld_context, nquads, ntriples, trig, turtle, turtle_dump, turtle_prefixes
from ..rdf.vocab import bind_prefixes, sparql_prefixes
from ..stages.changes import Release
from ..stages.mapping import Mapped
from . import catalog, csvw, querypage, sdmx
from . import releases as versions
from .links import chrome
from .maps import Outlines
from .pages import render_pages
from .querypage import ExampleQuery


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


def check_outputs(model: Model, queries: Sequence[ExampleQuery], report: Report) -> Report:
    """What the output formats cannot carry, found before anything is rendered: a quote holding
    the CSV's separator (csvw), codes or keys SDMX cannot carry (sdmx), example queries without a title or that do not parse."""
    csvw.check_csv(model, report)
    sdmx.check_sdmx(model, report)
    querypage.check_queries(list(queries), report)
    return report


def render(model: Model, mapped: Mapped, shapes: Graph,
           queries: Sequence[ExampleQuery] = (), web_assets: dict[str, bytes] | None = None,
           stats: dict | None = None, releases: Sequence[Release] = (),
           outlines: Outlines | None = None) -> dict[str, bytes]:
    """Every output file of the site, as {relative path: bytes}, in memory. No I/O.

    `build` does not hold the site in memory: it writes `render_iter`'s files as they come."""
    return dict(sorted(render_iter(model, mapped, shapes, queries, web_assets, stats=stats, releases=releases,
                                   outlines=outlines)))


def shapes_turtle(shapes: Graph, mapped: Mapped) -> bytes:
    """The published shapes.ttl (also frozen into each release)."""
    return turtle(_with_prefixes(shapes, mapped))


def render_iter(model: Model, mapped: Mapped, shapes: Graph,
                queries: Sequence[ExampleQuery] = (), web_assets: dict[str, bytes] | None = None,
                progress=None, stats: dict | None = None,
                releases: Sequence[Release] = (), outlines: Outlines | None = None) -> Iterator[tuple[str, bytes]]:
    """Every output file of the site, one (relative path, bytes) at a time. No I/O.

    A file is dropped once yielded, except what later files are made from: the N-Triples of
    the whole (each page's description is a slice of it), the downloads the catalogue
    describes by their bytes (until it is made), and the list of paths (for the sitemap).
    Everything is made from the mapper's triple lists (no rdflib graph of the whole); `queries` are
    the example queries (queries/*.rq), run on the edition for their page; `web_assets` the
    vendored browser files of the in-browser SPARQL page (querypage); `releases` the release
    folders (publish/releases.py), yielded first, unchanged, and described by the catalogue,
    VoID, the pages and the query page; `outlines` the provinces' outlines for the maps
    (maps.load_outlines; None: no maps). `stats`, if given, gets "triples": the number of
    triples in the published whole."""
    paths: set[str] = set()
    described = {p for d in DISTRIBUTIONS for p in (d.path, FILES[d.schema].path if d.schema else None) if p}
    held: dict[str, bytes] = {}  # the downloads the catalogue describes, until it is made

    def out(path: str, data: bytes) -> tuple[str, bytes]:
        paths.add(path)
        if path in described:
            held[path] = data
        return path, data

    releases = sorted(releases, key=lambda r: r.key)
    for r in releases:  # frozen: carried over byte for byte
        for path, data in sorted(r.files.items()):
            yield out(path, data)
    context = jsonld_context(mapped.uris.base)
    # each named graph's N-Triples once; the plain dump is their sorted union (a triple can be in two)
    parts = {name: ntriples(g) for name, g in named_graphs(model, mapped).items()}
    nt = b"".join(sorted({line for part in parts.values() for line in part.splitlines(keepends=True)}))
    if stats is not None:
        stats["triples"] = nt.count(b"\n")
    yield out(FILES["n-triples"].path, nt)
    yield out(FILES["n-triples-gzip"].path, gzipped(nt))
    yield out(FILES["turtle"].path, turtle_dump(nt, turtle_prefixes(mapped.uris.base)))
    yield out(FILES["json-ld"].path, jsonld(None, context, nt=nt))  # self-contained: the context embedded
    yield out(FILES["ontology"].path, turtle(mapped.ontology))
    yield out(FILES["codelists"].path, turtle(mapped.codelists))
    yield out(FILES["shapes"].path, shapes_turtle(shapes, mapped))
    yield out(FILES["context"].path, (json.dumps(context, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    for src in model.sources:
        yield out(source_text(src.document.id), src.document.text.encode("utf-8"))
    for path, data in csvw.csv_files(model, mapped.uris).items():
        yield out(path, data)
    for path, data in sdmx.sdmx_files(model, mapped.uris).items():
        yield out(path, data)
    # the catalogue describes the downloads above by their bytes, so it comes after them …
    documents, descriptions = catalog.description_files(
        model, mapped, held, extra=(versions.catalog_versions(releases, mapped), versions.void_versions(releases, mapped)))
    held.clear()
    described.clear()
    for path, data in descriptions.items():
        yield out(path, data)
    # … and the named-graph dumps, which hold it in its own graph, after it
    graphs = {**parts, mapped.uris.graph(CATALOG_GRAPH): documents[catalog.CATALOG]}
    del parts
    nq = nquads(graphs)
    yield out(FILES["n-quads-gzip"].path, gzipped(nq))
    yield out(FILES["trig"].path, trig(nq, mapped.uris.base))
    # the example queries also see each release, in its own named graphs
    query_nq = nq + b"".join(gzip.decompress(r.files[release_path(r.version, "n-quads-gzip")]) for r in releases)
    query_pages = querypage.pages(query_nq, list(queries), base=mapped.uris.base, prefixes=sparql_prefixes(mapped.uris.base),
                                  title=model.dataset.title.get("en") or model.dataset.id,
                                  graphs=[str(g) for g in graphs], dump=FILES["n-quads-gzip"].path.rsplit("/", 1)[1],
                                  nq_name=FILES["n-quads"].path.rsplit("/", 1)[1],
                                  web_assets=web_assets,
                                  chrome=lambda stem, own: chrome(stem, mapped.uris, model.dataset.title, own))
    yield out(FILES["n-quads"].path, nq)
    del nq
    for path, data in query_pages.items():
        yield out(path, data)
    del query_pages, query_nq
    # HTML + RDF per resource, and the pages of the catalogue and VoID documents (pages.py)
    for path, data in render_pages(model, mapped, nt, set(paths), documents=documents, progress=progress,
                                   releases=releases, outlines=outlines):
        yield out(path, data)
    # last: the sitemap lists every page
    for path, data in catalog.index_files(paths, mapped.uris.base).items():
        yield out(path, data)


def _with_prefixes(g: Graph, mapped: Mapped) -> Graph:
    out = Graph()
    bind_prefixes(out, mapped.uris.base)
    out.bind("sh", "http://www.w3.org/ns/shacl#")
    out.bind("asdhs", mapped.uris.base + "shapes/")
    for t in g:
        out.add(t)
    return out
