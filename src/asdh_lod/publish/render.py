"""Render: the mapped graphs → every file of the site, as (path, bytes or a finished file).

Deterministic: the same inputs give byte-identical files. The pipeline writes what
`render_iter` yields into a temporary folder with the one atomic writer (`core.fsio`); the
whole-dataset dumps are made in a scratch folder through `core.fsio` (sorted on disk,
streamed), never held in memory.
"""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox
from rdflib import Graph, URIRef

from ..core.fsio import (Digest, FileBytes, Linked, Scratch, digest, in_memory, merge_files, merge_sorted,
                         open_for_writing, read_chunks, read_lines, sorted_unique_lines, write_chunks)
from ..core.parallel import Background
from ..core.problems import Report
from ..model.records import Model
from ..rdf.files import DISTRIBUTIONS, FILES, release_path, source_text
from ..rdf.query import edition_store_of, load_graphs
from ..rdf.serialise import batched, jsonld_context, ntriple_lines, ntriples, quad_piece, trig_prefixes, turtle
from ..rdf.uris import Uris
from ..rdf.vocab import bind_prefixes, sparql_prefixes
from ..stages.changes import Release
from ..stages.incremental import PageReuse, PagesMade
from ..stages.mapping import Mapped
from . import catalog, csvw, querypage, sdmx
from .dumps import Gzip, JsonLd, Pieces, Turtle, TurtleBlocks, write_chunked, write_gzip, write_trig
from . import releases as versions
from .links import chrome
from .maps import Outlines
from .pages import render_pages
from .site_index import NodeTexts, SubjectSpans
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


class KeptLines(Protocol):
    """Where an incremental build keeps each source's sorted N-Triples lines and its rows of
    the CSV and SDMX tables (`stages.incremental.BuildCache`)."""

    def sorted_lines(self, doc: str) -> Path | None: ...

    def keep_sorted_lines(self, doc: str, data: bytes) -> Path | None: ...

    def tables(self, doc: str) -> dict | None: ...

    def keep_tables(self, doc: str, tables: dict) -> None: ...


def source_tables(model: Model, uris: Uris, kept: KeptLines | None = None) -> dict[str, list]:
    """Each source's rows of the CSV and the SDMX-CSV ({"csv": [per source], "sdmx": [...]}, in
    source order), for `csvw.csv_files` and `sdmx.sdmx_files` to merge: kept by `kept` and read
    back by the next build while the source is unchanged, else made."""
    out: dict[str, list] = {"csv": [], "sdmx": []}
    for src in model.sources:
        doc = src.document.id
        tables = kept.tables(doc) if kept is not None else None
        if tables is None or set(tables) != set(out):
            tables = {"csv": csvw.source_rows(model, uris, src), "sdmx": sdmx.source_rows(model, uris, src)}
            if kept is not None:
                kept.keep_tables(doc, tables)
        for name, rows in tables.items():
            out[name].append(rows)
    return out


class QueryStores(Protocol):
    """Where an incremental build keeps the example queries' store and the data graph it holds,
    to update it next time rather than load it afresh (`stages.incremental.BuildCache`)."""

    def data_file(self) -> Path: ...

    def query_store(self, graphs: dict[str, Path | bytes], data: str, union: bool, more: list[bytes],
                    stop: threading.Event | None = None) -> ox.Store: ...


def sorted_data_lines(mapped: Mapped, scratch: Scratch, kept: KeptLines | None = None) -> Iterator[bytes]:
    """The data graph's N-Triples lines, sorted, repeats dropped, in pieces: the merge of each
    source's lines, sorted on their own (kept by `kept` and read back by the next build while
    the source is unchanged, else in `scratch`), and the shared triples' (sorted on disk)."""
    files = []
    for doc, triples in mapped.pieces():
        if doc is None:  # the shared triples: sorted on disk
            files.append(scratch.file("shared.nt"))
            write_chunks(files[-1], batched(sorted_unique_lines(ntriple_lines(triples), scratch)))
            continue
        path = kept.sorted_lines(doc) if kept is not None else None
        if path is None:  # one source: a few thousand lines, sorted in memory
            data = b"".join(sorted(set(ntriple_lines(triples))))
            path = kept.keep_sorted_lines(doc, data) if kept is not None else None
            if path is None:  # not kept (no cache, or a source that cannot be cached)
                path = scratch.file("source.nt")
                write_chunks(path, [data])
        files.append(path)
    return merge_files(files, scratch)


def render(model: Model, mapped: Mapped, shapes: Graph,
           queries: Sequence[ExampleQuery] = (), web_assets: dict[str, bytes] | None = None,
           stats: dict | None = None, releases: Sequence[Release] = (),
           outlines: Outlines | None = None) -> dict[str, bytes]:
    """Every output file of the site, as {relative path: bytes}, in memory.

    `build` does not hold the site in memory: it writes `render_iter`'s files as they come."""
    with Scratch() as scratch:
        return dict(sorted(in_memory(render_iter(model, mapped, shapes, queries, web_assets, stats=stats,
                                                 scratch=scratch, releases=releases, outlines=outlines))))


def shapes_turtle(shapes: Graph, mapped: Mapped) -> bytes:
    """The published shapes.ttl (also frozen into each release)."""
    return turtle(_with_prefixes(shapes, mapped))


def render_iter(model: Model, mapped: Mapped, shapes: Graph,
                queries: Sequence[ExampleQuery] = (), web_assets: dict[str, bytes] | None = None,
                progress=None, stats: dict | None = None, scratch: Scratch | None = None,
                releases: Sequence[Release] = (), outlines: Outlines | None = None,
                reuse: PageReuse | None = None, made: PagesMade | None = None, depends: bytes = b"",
                kept: KeptLines | None = None, pieces: Pieces | None = None,
                stores: QueryStores | None = None,
                gate: Callable[[], object] | None = None,
                gate_early: bool = False) -> Iterator[tuple[str, bytes | Path | Linked]]:
    """Every output file of the site, one (relative path, bytes) at a time; the whole-dataset
    dumps as the `Path` of a finished file in the `scratch` folder (`core.fsio.stage_site`
    moves it in; the caller keeps `scratch` until the files are moved).

    Bounded memory: the dumps are never held whole. Each named graph's N-Triples are sorted on
    disk (an external merge sort: `fsio.sorted_unique_lines`; the data graph's are the merge of
    each source's, `sorted_data_lines`); the plain dump and the N-Quads
    are merges of those sorted files (`fsio.merge_sorted`); Turtle, TriG, JSON-LD and both
    gzip files are written from them chunk by chunk (`dumps.py`; the gzip compressed in a
    thread); the example-query store is loaded from them, on disk, and the example queries
    run on it in a thread beside the N-Quads and TriG dumps and the pages; each page's
    description is a slice read from the N-Triples file, its JSON-LD from the JSON-LD dump's
    (`site_index.NodeTexts`), and the TriG dump copies the Turtle dump's pieces (`TurtleBlocks`).
    Held until the end: the downloads' sizes and checksums (for the catalogue), the list of
    paths (for the sitemap). `queries` are the example queries (queries/*.rq), run on the
    edition for their page; `web_assets` the vendored browser files of the in-browser SPARQL
    page (querypage); `releases` the release folders (publish/releases.py), yielded first,
    unchanged, and described by the catalogue, VoID, the pages and the query page; `outlines`
    the provinces' outlines for the maps (maps.load_outlines; None: no maps). `stats`, if
    given, gets "triples": the number of triples in the published whole, and "pieces reused":
    the dumps' serialised chunks read back through `pieces` (`dumps.py`). `reuse`, `made` and
    `depends`: an incremental build's reuse of the previous site's pages (`pages.render_pages`);
    `kept`: where it keeps each source's sorted N-Triples (`sorted_data_lines`); `pieces`: the
    previous site's serialised chunks of the Turtle, TriG and JSON-LD dumps (`dumps.Pieces`);
    `stores`: where the example queries' store is kept and updated (`QueryStores`).

    `gate()`, if given, is called before the first file is yielded (and may raise): the
    pipeline's end of validation, which runs in another process while the dumps are made in
    `scratch` (`pipeline.Gate`); with `gate_early`, already once the data graph's lines are
    sorted, before the threads that load the query store and compress the dumps start (the
    validation then has the second core to itself)."""
    if scratch is None:
        with Scratch() as own:
            yield from render_iter(model, mapped, shapes, queries, web_assets, progress, stats, own,
                                   releases=releases, outlines=outlines, reuse=reuse, made=made, depends=depends,
                                   kept=kept, pieces=pieces, stores=stores, gate=gate, gate_early=gate_early)
        return
    paths: set[str] = set()
    described = {p for d in DISTRIBUTIONS for p in (d.path, FILES[d.schema].path if d.schema else None) if p}
    held: dict[str, bytes | Digest] = {}  # what the catalogue describes (bytes, or a file's digest), until it is made

    def out(path: str, data: bytes | Path) -> tuple[str, bytes | Path]:
        paths.add(path)
        if path in described:
            held[path] = digest(data) if isinstance(data, Path) else data
        return path, data

    releases = sorted(releases, key=lambda r: r.key)
    base = mapped.uris.base
    context = jsonld_context(base)
    # each named graph's N-Triples once, sorted on disk; the plain dump is their sorted union
    # (a triple can be in two), compressed as it is written
    parts: dict[str, Path | bytes] = {}
    data_graph = mapped.uris.graph("data")
    for name, g in named_graphs(model, mapped).items():
        parts[str(name)] = stores.data_file() if stores is not None and name == data_graph else scratch.file("graph.nt")
        write_chunks(parts[str(name)], sorted_data_lines(mapped, scratch, kept) if name == data_graph
                     else batched(sorted_unique_lines(ntriple_lines(g), scratch)))
    loading = answering = turtle_blocks = nodes = None
    try:
        nt_path = scratch.file("dump.nt")
        counted = [0]

        def count(pieces: Iterator[bytes]) -> Iterator[bytes]:
            for piece in pieces:
                counted[0] += piece.count(b"\n")
                yield piece

        write_chunks(nt_path, count(merge_sorted([read_chunks(p) for p in parts.values()])))
        if gate is not None and gate_early:
            gate()
        # the example queries' store, on disk, is loaded from the sorted files in a thread while
        # the other dumps are made here (pyoxigraph's loader releases the GIL): each release in
        # its own named graphs too (not in the default graph); the catalogue's graph is added
        # when made. An incremental build updates the previous build's store instead (`QueryStores`)
        union, more = querypage.needs_default_graph(list(queries)), [
            gzip.decompress(r.files[release_path(r.version, "n-quads-gzip")]) for r in releases]
        loading = Background(
            lambda stop: stores.query_store(dict(parts), str(data_graph), union, more, stop) if stores is not None
            else edition_store_of(dict(parts), union, scratch.file("store"), stop=stop, more=more)) if queries else None
        if stats is not None:
            stats["triples"] = counted[0]
        nt = FileBytes(nt_path)  # the pages' descriptions are slices of it
        held[FILES["n-triples"].path] = digest(nt_path)  # the file itself is moved in last
        # Turtle, JSON-LD and the gzip from one pass over the sorted file's chunks (`dumps.py`)
        ttl, jl, nt_gz = scratch.file("dump.ttl"), scratch.file("dump.jsonld"), scratch.file("dump.nt.gz")
        with open_for_writing(ttl) as f, open_for_writing(jl) as g, open_for_writing(nt_gz) as z:
            turtle_whole = Turtle(f, base, FILES["turtle"].path, pieces)
            json_whole = JsonLd(g, context, FILES["json-ld"].path, pieces, nodes=True)  # the context embedded
            whole = [turtle_whole, json_whole, Gzip(z, FILES["n-triples-gzip"].path, pieces)]
            spans = SubjectSpans()  # where each subject's lines are, for the pages' descriptions
            write_chunked(nt_path, whole, starts=spans)
        spans.close(len(nt))
        # the pages' JSON-LD is sliced from the JSON-LD dump's nodes (read through an open file:
        # the dump is moved into the site before the pages are made)
        assert json_whole.node_starts is not None
        nodes = NodeTexts(jl, json_whole.node_starts, spans.subjects)
        # the TriG dump copies the Turtle's pieces of the chunks the data graph shares with it
        turtle_blocks = TurtleBlocks(ttl, turtle_whole.written, turtle_whole.prefixes, trig_prefixes(base))
        if gate is not None:
            gate()  # nothing is yielded (written into the site) before validation has passed
        for r in releases:  # frozen: carried over byte for byte
            for path, data in sorted(r.files.items()):
                yield out(path, data)
        yield out(FILES["n-triples-gzip"].path, nt_gz)
        yield out(FILES["turtle"].path, ttl)
        yield out(FILES["json-ld"].path, jl)
        yield out(FILES["ontology"].path, turtle(mapped.ontology))
        yield out(FILES["codelists"].path, turtle(mapped.codelists))
        yield out(FILES["shapes"].path, shapes_turtle(shapes, mapped))
        yield out(FILES["context"].path, (json.dumps(context, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
        for src in model.sources:
            yield out(source_text(src.document.id), src.document.text.encode("utf-8"))
        tables = source_tables(model, mapped.uris, kept)
        for path, data in csvw.csv_files(model, mapped.uris, tables["csv"]).items():
            yield out(path, data)
        for path, data in sdmx.sdmx_files(model, mapped.uris, tables["sdmx"]).items():
            yield out(path, data)
        del tables
        # the catalogue describes the downloads above by their bytes, so it comes after them …
        sorted_files = {name: parts[str(mapped.uris.graph(name))] for name, _ in NAMED_GRAPHS}
        documents, descriptions = catalog.description_files(
            model, mapped, held, extra=(versions.catalog_versions(releases, mapped), versions.void_versions(releases, mapped)),
            lines=lambda name: read_lines(sorted_files[name]))  # VoID's statistics: one pass over each sorted file
        held.clear()
        described.clear()
        for path, data in descriptions.items():
            yield out(path, data)
        # … and the named-graph dumps, which hold it in its own graph, after it
        parts[str(mapped.uris.graph(CATALOG_GRAPH))] = ntriples(documents[catalog.CATALOG])
        def store(default_graph: bool):
            """The edition's store, once loaded; the catalogue's graph added (it is made last)."""
            assert loading is not None and default_graph == union
            catalog_part, store = str(mapped.uris.graph(CATALOG_GRAPH)), loading.result()
            if store.contains_named_graph(ox.NamedNode(catalog_part)):  # a kept store's: the previous catalogue
                store.remove_graph(ox.NamedNode(catalog_part))
            return load_graphs(store, {catalog_part: parts[catalog_part]}, default_graph)

        def query_files(_stop) -> dict[str, bytes]:
            return querypage.pages(store, list(queries), base=base, prefixes=sparql_prefixes(base),
                                   title=model.dataset.title.get("en") or model.dataset.id,
                                   graphs=list(parts), dump=FILES["n-quads-gzip"].path.rsplit("/", 1)[1],
                                   nq_name=FILES["n-quads-gzip"].path.rsplit("/", 1)[1],
                                   web_assets=web_assets,
                                   chrome=lambda stem, own: chrome(stem, mapped.uris, model.dataset.title, own))

        # the example queries run in a thread, from now on, while the N-Quads and TriG dumps and
        # the pages are made here: pyoxigraph releases the GIL while it evaluates a query, so
        # they take the second core (joined before the page workers are forked: `before_fork`)
        answering = Background(query_files)
        nq_gz = scratch.file("dump.nq.gz")
        with open_for_writing(nq_gz) as f:
            merged = merge_sorted([map(quad_piece(name), [p] if isinstance(p, bytes) else read_chunks(p))
                                   for name, p in parts.items()])
            quads = write_gzip(chain.from_iterable(q.splitlines(keepends=True) for q in merged),
                               f, FILES["n-quads-gzip"].path, pieces)
        yield out(FILES["n-quads-gzip"].path, nq_gz)
        tg = scratch.file("dump.trig")
        with open_for_writing(tg) as f:
            reused, _made = write_trig(parts.items(), f, base, FILES["trig"].path, pieces, turtle=turtle_blocks)
        yield out(FILES["trig"].path, tg)
        if stats is not None:  # the dumps' pieces read back from the previous site
            stats["pieces reused"] = reused + sum(d.reused for d in (*whole, quads))

        query_paths = querypage.page_paths(list(queries), web_assets)
        # HTML + RDF per resource, and the pages of the catalogue and VoID documents (pages.py)
        for path, data in render_pages(model, mapped, nt, set(paths) | query_paths | {FILES["n-triples"].path},
                                       documents=documents, progress=progress, releases=releases, outlines=outlines,
                                       reuse=reuse, made=made, depends=depends, spans=spans.spans, nodes=nodes,
                                       before_fork=answering.result):
            yield out(path, data)
        query_pages = answering.result()
        if set(query_pages) != query_paths:  # pragma: no cover - querypage.page_paths out of step with pages
            raise AssertionError(f"query pages {sorted(set(query_pages) ^ query_paths)} not foreseen")
        if stores is not None and loading is not None:  # kept for the next build: written out whole
            loading.result().flush()
    finally:
        if turtle_blocks is not None:
            turtle_blocks.close()
        if nodes is not None:
            nodes.close()
        if answering is not None:
            answering.cancel()  # done by now, unless something failed
        if loading is not None:
            loading.cancel()  # done by now, unless something failed: then stopped before the scratch goes
    for path, data in query_pages.items():
        yield out(path, data)
    del query_pages
    nt.close()
    yield out(FILES["n-triples"].path, nt_path)
    # last: the sitemap lists every page
    for path, data in catalog.index_files(paths, base).items():
        yield out(path, data)


def _with_prefixes(g: Graph, mapped: Mapped) -> Graph:
    out = Graph()
    bind_prefixes(out, mapped.uris.base)
    out.bind("sh", "http://www.w3.org/ns/shacl#")
    out.bind("asdhs", mapped.uris.base + "shapes/")
    for t in g:
        out.add(t)
    return out
