"""The human and machine pages of the site: one document set per URI. No I/O.

Every URI under the base IRI that the published graph mentions gets, at the path the
URI names (percent-decoded, as a web server maps it), four files:

    {path}.html  {path}.ttl  {path}.jsonld  {path}.nt

`code/province/25` → `code/province/25.html`, `…25.ttl`, …; a URI ending in `/` (the
ontology namespace `def/`) gets `def/index.html`, …. A URI that is also the prefix of
others (`data/provincial` and `data/provincial/obs/…`) has its files beside the folder of
the same name, so the two never clash. The extensionless URI is served by content
negotiation (`conneg`). URIs that name a published file themselves (`sources/x.txt`)
need no page.

Observations are hash IRIs (`data/provincial/obs/25/2025#year-total/asdep/total/payments`):
the document before the `#` gets the four files, describing every observation of that
province and period, and its page has a section per observation whose `id` is the
fragment. At national scale that is a few thousand documents instead of 100,000 pages.
Pages that list figures (the dataset, a province, a programme, a period …) show at most
FIGURE_LIMIT of them and CHART_LIMIT charts, and say where the rest are.

Everything is made from the mapper's triples and the sorted N-Triples of the whole (a
resource's description is a slice of it): no rdflib graph is built. What repeats by the
million (links, property lists, figure tables, observation sections) is rendered by Python
functions rather than by Jinja macros (an observation document's sections reach its
template as one piece of markup); the page frames are Jinja templates. A description's
JSON-LD (also embedded in its page) is read from its N-Triples as text
(`serialise.jsonld_nodes_of_lines`); its Turtle is pyoxigraph's.

A resource is described by its concise bounded description (its outgoing triples, with
the closure over blank nodes); the namespace `def/` is described by the whole ontology.
The HTML page adds the resources that link to it ("used by"), labels in Turkish and
English, the source quote of an observation, tables and SVG charts of the figures, and
the same description as embedded JSON-LD.

The work is split: `site_index` indexes the triples (which resources get pages, their
descriptions, the facts), `links` makes links, labels and relative paths, `figures` the
tables and charts, and `views` holds the page views, one per kind of page, in a registry
keyed by kind. This module runs them over the whole site.

The description documents of `catalog` (`{base}catalog`, the DCAT-AP catalogue, and
`{base}void`, the VoID description) are documents, not resources of the graph: their RDF
variants come from `catalog.description_files`, and each gets one HTML page here
(`catalog.html`, `void.html`) with a section per resource it describes. The resources that
exist only inside a document have hash IRIs (`{base}catalog#distribution-turtle`); their
section carries the fragment as its `id`, so the hash IRI lands on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from urllib.parse import unquote

from rdflib import Graph, URIRef

from . import conneg
from ..core import parallel
from ..core.fsio import Linked
from ..core.resources import TEMPLATES
from ..model.records import Model
from ..rdf.serialise import jsonld_embedded, turtle_dump, turtle_prefixes
from ..stages.incremental import PageReuse, PagesMade, fingerprint
from ..stages.mapping import Mapped
from ..rdf.files import FILES, source_text
from .links import FAVICON, STYLESHEET
from .maps import Outlines
from .site_index import NodeTexts, Resource, SiteIndex
from .views import Pages


def render_pages(model: Model, mapped: Mapped, nt: bytes, existing: set[str],
                 documents: dict[str, Graph] | None = None, progress=None,
                 outlines: Outlines | None = None, releases=(), reuse: PageReuse | None = None,
                 made: PagesMade | None = None, depends: bytes = b"",
                 spans: dict[bytes, tuple[int, int, int, int]] | None = None, nodes: NodeTexts | None = None,
                 before_fork: Callable[[], object] | None = None) -> Iterator[tuple[str, bytes | Linked]]:
    """The pages and RDF variants of every resource, the home page and the stylesheet, and
    the HTML page of each description document (`documents`: name → graph, from
    `catalog.description_files`, whose RDF variants are among `existing`), one (path, bytes)
    at a time.

    `nt` is the sorted N-Triples of every published triple (each description is a slice of
    it; `spans`: where each subject's lines are in it, if known, `site_index.SubjectSpans`;
    `nodes`: the JSON-LD dump's nodes of it, if written, which the pages' JSON-LD is sliced from,
    `site_index.NodeTexts`);
    `existing` are the paths of the other published files: a URI naming one of them is
    that file and gets no page of its own. `progress()` is called once per resource.
    `outlines`: the provinces' outlines (maps.load_outlines), for the maps; None: no maps.
    Beside a page with charts or maps are the CSVs of their figures. `releases` (oldest first):
    listed on the home and dataset pages; an observation they revised shows its history.

    Incremental builds: `depends` is what the pages depend on beyond the data triples and
    `existing` (the caller's digest of code, code lists, queries, maps, releases …); `made`, if
    given, gets the fingerprint of both and the files of each resource's page; with `reuse`
    (the previous build's, `stages.incremental`) under the same fingerprint, the page of a
    resource the changed triples do not touch is not rendered but linked from the previous
    site (`core.fsio.Linked`). The home page, the description documents' pages and the
    server files are always rendered. `before_fork` is called before page workers are forked
    (to join a thread of the caller's: fork copies no thread)."""
    index = SiteIndex(model, mapped, existing, nt, spans, nodes)
    ttl_prefixes = turtle_prefixes(mapped.uris.base)
    index.add_documents(documents or {})
    site = Pages(index, outlines, releases)
    assets = TEMPLATES

    def checked(path: str, data: bytes) -> tuple[str, bytes]:
        if path in existing:  # pragma: no cover - a URI pattern that maps onto a download would be a uris.py bug
            raise AssertionError(f"a page would overwrite the published file {path}")
        return path, data

    for path, data in site.render("home", None):
        yield checked(path, data)
    yield checked(STYLESHEET, assets.joinpath(STYLESHEET).read_bytes())
    yield checked(FAVICON, assets.joinpath(FAVICON).read_bytes())
    if outlines is not None:
        yield checked(FILES["map-notice"].path, outlines.notice.encode("utf-8"))
    # the resources' files are independent of each other: with many, forked workers render
    # them (they inherit the site, caches and all) and send back bytes (parallel.page_workers)
    resources = list(index.resources.values())
    # the sources' texts are left out: a page links to one only if a triple it shows names it,
    # so a new source's text is among the changed triples' IRIs (`_dirty`)
    texts = {source_text(src.document.id) for src in model.sources}
    fp = fingerprint(depends, "\n".join(sorted(p for p in existing if p not in texts)).encode("utf-8"))
    if made is not None:
        made.fingerprint = fp
    reused: dict[URIRef, list[tuple[str, Linked]]] = {}
    if reuse is not None and reuse.fingerprint == fp:
        dirty = _dirty(index, reuse)
        for r in resources:
            files = None if r.uri in dirty else reuse.files(r.uri)
            if files is not None:
                reused[r.uri] = files
    for r in resources:
        if r.uri in reused:
            for path, data in reused[r.uri]:
                yield checked(path, data)
            if made is not None:
                made.files[str(r.uri)] = [path for path, _ in reused[r.uri]]
                made.reused += 1
            if progress:
                progress()
    todo = [r for r in resources if r.uri not in reused]
    workers = parallel.page_workers(len(todo))
    if workers > 1:
        index.prepare()  # made once, here, and shared by the forked workers
    for r, files in zip(todo, parallel.ordered(_resource_files, todo, (site, ttl_prefixes), workers,
                                               before_fork=before_fork, recycle=parallel.RECYCLE)):
        for path, data in files:
            yield checked(path, data)
        if made is not None:
            made.files[str(r.uri)] = [path for path, _ in files]
        if progress:
            progress()
    for name, g in index.documents.items():
        for path, data in site.render("description-document", (name, g), jsonld_embedded(g).decode("utf-8")):
            yield checked(path, data)
    for path, data in conneg.server_files().items():
        yield checked(path, data)


def _dirty(index: SiteIndex, reuse: PageReuse) -> set[URIRef]:
    """The resources whose pages the changed triples may touch: every IRI they mention, and
    the neighbours of every subject (what it links to, what links to it: their pages show its
    label, its figure or its links), as the resources that have the pages (a hash IRI: its document)."""
    terms = set(reuse.touched)
    for s in reuse.changed:
        terms.update(o for _p, o in index.po.get(s, ()) if type(o) is URIRef)
        terms.update(x for _p, x in index.incoming_links.get(s, ()))
    dirty = set()
    for t in terms:
        if t in index.resources:
            dirty.add(t)
        elif t in index.hash_doc:
            dirty.add(index.hash_doc[t].uri)
    return dirty


def _resource_files(state: tuple[Pages, dict[str, str]], chunk: list[Resource]) -> list[list[tuple[str, bytes]]]:
    """The page and the three RDF variants of each resource of `chunk` (in a worker or here)."""
    site, prefixes = state
    out = []
    for r in chunk:
        site.links.trim()  # bounded caches
        desc = site.index.description_nt(r)
        text = site.index.description_jsonld(r) or site.index.jsonld_text(desc)
        out.append([*((unquote(path), data) for path, data in site.page(r, text)),
                    (r.file_stem + ".ttl", turtle_dump(desc, prefixes)),  # pyoxigraph: rdflib's took most of the render stage
                    (r.file_stem + ".jsonld", (text + "\n").encode("utf-8")),
                    (r.file_stem + ".nt", desc)])
    return out
