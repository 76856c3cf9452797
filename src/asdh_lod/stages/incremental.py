"""Incremental builds: what one source contributes is reused while its files are unchanged.

A build with a cache folder (`asdh-lod build --cache DIR`) stores, per source, the loaded and
checked `Source` and its `MappedSource` (triples, origins, periods), under a key that hashes
everything they depend on:

- the source's YAML and its text file, and the path problems would name them by;
- the code lists, dataset.yaml, the ontology, the shapes, the base IRI;
- the code of this package and the Python, rdflib and pyoxigraph versions (pickles are not
  portable; pyoxigraph writes the N-Triples terms).

Beside each entry, `{key}.nt` keeps the source's N-Triples lines, sorted (made by the render
stage: `sorted_lines`, `keep_sorted_lines`): the data graph's sorted N-Triples, from which
every dump is made, are the merge of those files and the shared triples', so a republish
writes the lines of the changed sources only.

When one source changes, only that source is loaded, checked and mapped again. What depends
on all sources is always redone: the checks across sources (duplicate keys), SHACL validation
with every shape, the dumps (from the kept sorted lines and pieces), the catalogue and the other files
about the whole edition — so nothing stale or unvalidated is published. Entries are written
only after a build has been validated and published (the sorted lines when made, after
validation: they depend on their key alone), and entries of sources that are gone are removed.

The pages are reused too (`SiteState`, `PageReuse`): after a published build the cache keeps
which files each resource's page made and what the pages depended on beyond the data (the
`fingerprint`: code, code lists, ontology, shapes, queries, maps, releases, the other
published files). The next build compares each source's entry key with the one it had then:
the triples of the changed sources, old (from their previous entries) and new, and the change
in the shared triples (structure, periods) say which resources may look different — every
subject of those triples and its neighbours (what it links to and what links to it: they
show its label, its figure, its links), and every IRI they mention. Only those pages are
rendered again; every other page is hard-linked from the previous site, after checking that
its files are still the ones that build wrote (inode, size, modification time). If anything
the pages depend on beyond the data changed, or the previous entries are gone, every page is
rendered. The result is byte-identical to a full build (tests/test_incremental.py).

The Turtle, TriG and JSON-LD dumps are written chunk by chunk (`publish.dumps`); the site
state also keeps where each chunk's piece lies in the published file (`DumpPieces`), and the
next build reads back the pieces of unchanged chunks from there instead of serialising them
again (while the file is as published and the global key is the same).

Entries are pickles: the cache folder is the builder's own working state (like .venv), never
a download; a missing or unreadable entry just means that source is built afresh.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import re
import shutil
import sys
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib import BNode, Literal, URIRef

from ..core.fsio import Linked, read_lines, write_file
from ..core.resources import CODE
from ..ingest.load import display_path
from ..rdf.query import edition_store_of
from ..rdf.serialise import chunk_key, subject_chunks
from .mapping import MappedSource
from ..model.records import Model, Source

_CUSTOM_TEXT = re.compile(rb"^\s+text\s*:", re.M)  # a document naming another text file: not cached
SITE_STATE = "site.state"  # the published site's pages (SiteState), beside the entries
QUERY_STORES = "query-store"  # the example queries' stores and the data graphs they hold (`StoreState`)
TABLES = ".tables"  # beside a source's entry: its rows of the CSV and SDMX tables


@dataclass
class Entry:
    source: Source
    mapped: MappedSource


def _digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(len(p).to_bytes(8, "big"))
        h.update(p)
    return h.hexdigest()


def _files(*patterns: tuple[Path, str]) -> list[bytes]:
    out = []
    for folder, pattern in patterns:
        for f in sorted(Path(folder).glob(pattern)):
            out += [f.relative_to(folder).as_posix().encode(), f.read_bytes()]
    return out


# a file of a published page: (site path, inode, size, modification time in ns)
FileStamp = tuple[str, int, int, int]


@dataclass
class SiteState:
    """What the last published build with this cache made of its pages."""

    out_dir: str                     # where it was published (absolute)
    fingerprint: str                 # what the pages depended on beyond the data (`PageReuse`)
    sources: dict[str, str]          # document id → its entry's key ("": not cached)
    shared: list                     # the shared triples of the data (`Mapped.shared`)
    pages: dict[str, list[FileStamp]]  # resource IRI → the files of its page
    # the dumps' serialised chunks (`DumpPieces`): site path → (its file's stamp, chunk key →
    # (offset, length) in it), under the cache's global key then
    dumps: tuple[str, dict[str, tuple[FileStamp, dict[bytes, tuple[int, int]]]]] = ("", {})
    store: "StoreState | None" = None  # the example queries' store (`BuildCache.query_store`)


@dataclass(frozen=True)
class StoreState:
    """The example queries' store of a published build, kept in the cache folder: its folder,
    the data graph's sorted N-Triples it holds (a file beside it, and where each content-defined
    chunk of it lies: key → (offset, length)), and what else it was loaded with (`setup`: the
    cache's global key — ontology, code lists, code —, the union default graph or not, the
    releases' editions)."""

    folder: str
    data_file: str
    setup: str
    chunks: dict[bytes, tuple[int, int]]


@dataclass
class PagesMade:
    """What the page renderer reports back for the next build: the fingerprint it rendered
    under and the files of each resource's page (site paths)."""

    fingerprint: str = ""
    files: dict[str, list[str]] = field(default_factory=dict)
    reused: int = 0  # resources whose page was linked from the previous site


@dataclass
class PageReuse:
    """The pages of the previous site that an incremental build may hard-link instead of
    rendering: those of every resource but the ones the changed triples may touch.

    `changed` are the subjects of the changed sources' triples (old and new): their pages, and
    those of their neighbours, are rendered again; `touched` every IRI those triples and the
    changed shared triples mention (their pages too). `fingerprint` is what the
    pages depended on beyond the data then; the renderer reuses nothing if its own differs."""

    site: Path
    fingerprint: str
    changed: frozenset
    touched: frozenset
    pages: dict[str, list[FileStamp]]

    def files(self, uri: URIRef) -> list[tuple[str, Linked]] | None:
        """The files of the previous page of `uri`, to link, if they are all as published."""
        stamps = self.pages.get(str(uri))
        if not stamps:
            return None
        out = []
        for path, inode, size, mtime in stamps:
            f = self.site / path
            try:
                st = f.stat()
            except OSError:
                return None
            if (st.st_ino, st.st_size, st.st_mtime_ns) != (inode, size, mtime):
                return None  # changed or replaced since it was published: render it again
            out.append((path, Linked(f)))
        return out


@dataclass
class DumpPieces:
    """The serialised chunks of the dumps (`publish.dumps.Pieces`): those of the previous
    site, read back by key while its file is as published (inode, size, modification time)
    and the code, base IRI and vocabularies are the same (the cache's global key); and where
    each of this build's lands, remembered after it is published (`BuildCache.store_site`)."""

    site: Path | None  # the previous site (None: nothing to reuse)
    old: dict[str, tuple[FileStamp, dict[bytes, tuple[int, int]]]]
    new: dict[str, dict[bytes, tuple[int, int]]] = field(default_factory=dict)

    def get(self, path: str, key: bytes) -> bytes | None:
        entry = self.old.get(path)
        span = entry[1].get(key) if entry is not None else None
        if span is None or self.site is None:
            return None
        stamp = entry[0]
        try:
            with open(self.site / path, "rb") as f:
                st = os.fstat(f.fileno())
                if (st.st_ino, st.st_size, st.st_mtime_ns) != stamp[1:]:
                    return None  # changed or replaced since it was published
                f.seek(span[0])
                data = f.read(span[1])
        except OSError:
            return None
        return data if len(data) == span[1] else None

    def record(self, path: str, key: bytes, offset: int, length: int) -> None:
        self.new.setdefault(path, {})[key] = (offset, length)


# -- the entries' pickles: rdflib terms made back without their checks ---------------------
#
# rdflib makes a term again from its text: a URIRef's IRI is checked, a Literal's lexical form
# parsed and normalised — at 100k observations most of a republish's load stage went there. The
# terms of an entry were made and checked by the build that wrote it, under the same code and
# rdflib (both in every key), so they are pickled with what they hold and made back as is.

_SAFE_VALUES = (type(None), bool, int, float, str, Decimal, date, datetime, time, Fraction)


def _uri(value: str) -> URIRef:
    return str.__new__(URIRef, value)


def _bnode(value: str) -> BNode:
    return str.__new__(BNode, value)


def _literal(lexical: str, language, datatype, value, ill_typed) -> Literal:
    lit = str.__new__(Literal, lexical)
    lit._language, lit._datatype, lit._value, lit._ill_typed = language, datatype, value, ill_typed
    return lit


class _TermPickler(pickle.Pickler):
    def reducer_override(self, obj):
        kind = type(obj)
        if kind is URIRef:
            return _uri, (str(obj),)
        if kind is BNode:
            return _bnode, (str(obj),)
        if kind is Literal and type(obj.value) in _SAFE_VALUES:
            return _literal, (str(obj), obj.language, obj.datatype, obj.value, obj.ill_typed)
        return NotImplemented


def pickled(obj) -> bytes:
    """`obj` pickled for the cache, its rdflib terms as they are (`_TermPickler`)."""
    buf = io.BytesIO()
    _TermPickler(buf, protocol=pickle.HIGHEST_PROTOCOL).dump(obj)
    return buf.getvalue()


def fingerprint(*parts: bytes) -> str:
    """A digest of what the pages depend on beyond the data triples."""
    return _digest(b"asdh-lod pages 1", *parts)


class BuildCache:
    """A folder of per-source entries (pickles) keyed by content hashes."""

    def __init__(self, folder: Path, data_dir: Path, ontology: Path, shapes_dir: Path, base_iri: str | None):
        self.folder = Path(folder)
        self.data_dir = Path(data_dir)
        self.global_key = _digest(
            b"asdh-lod incremental 1", sys.version.encode(), rdflib.__version__.encode(), ox.__version__.encode(),
            (base_iri or "").encode(), Path(ontology).read_bytes(),
            *_files((CODE, "**/*.py"), (self.data_dir / "codelists", "*.yaml"),
                    (shapes_dir, "*.ttl")),
            (self.data_dir / "dataset.yaml").read_bytes() if (self.data_dir / "dataset.yaml").is_file() else b"")
        self.keys: dict[str, str] = {}     # document id → key, for every source of this build
        self._token = uuid.uuid4().hex     # names this build's store and data file in the folder
        self._store: StoreState | None = None  # this build's query store, once made
        self.store_updated = False  # whether it was the previous build's, updated (not loaded afresh)
        self.hits: dict[str, Entry] = {}   # document id → reused entry
        self._file_keys: dict[Path, str | None] = {}

    def key(self, file: Path) -> str | None:
        """The key of a source file, or None if it cannot be cached."""
        if file not in self._file_keys:
            yaml_bytes = file.read_bytes()
            txt = file.with_suffix(".txt")
            if _CUSTOM_TEXT.search(yaml_bytes) or file.is_symlink() or txt.is_symlink():
                self._file_keys[file] = None  # a link is loaded afresh: load decides whether it may be read
            else:
                self._file_keys[file] = _digest(self.global_key.encode(), display_path(file).encode(), yaml_bytes,
                                                txt.read_bytes() if txt.is_file() else b"\0missing")
        self.keys[file.stem] = self._file_keys[file]
        return self._file_keys[file]

    # -- hooks for load, check and map ---------------------------------------------------
    def source(self, file: Path) -> Source | None:
        """The cached source loaded from exactly this file, if any (the loader's `reuse`)."""
        key = self.key(file)
        if key is None:
            return None
        entry = self._entry(key)  # absent or unreadable: load it again
        if entry is None or entry.source.document.id != file.stem:
            return None
        self.hits[entry.source.document.id] = entry
        return entry.source

    @property
    def checked(self) -> frozenset[str]:
        """Sources that passed their own checks before (the check stage's `checked`)."""
        return frozenset(self.hits)

    def mapped(self, src: Source) -> MappedSource | None:
        """The cached mapping of a reused source (the mapper's `reuse`)."""
        entry = self.hits.get(src.document.id)
        return entry.mapped if entry is not None and entry.source is src else None

    # -- the render stage: each source's sorted N-Triples --------------------------------
    def _kept_file(self, doc: str, suffix: str = ".nt") -> Path | None:
        key = self.keys.get(doc)
        return None if key is None else self.folder / f"{key}{suffix}"

    def sorted_lines(self, doc: str) -> Path | None:
        """The file of a source's sorted N-Triples lines, kept by an earlier build with the same
        key (the data graph's dump is their merge), if any."""
        path = self._kept_file(doc)
        return path if path is not None and path.is_file() else None

    def keep_sorted_lines(self, doc: str, data: bytes) -> Path | None:
        """Keep a source's sorted N-Triples lines under its key (None: it cannot be cached).
        Written when made, before the build is published: the file depends on the key alone,
        so a failed build leaves only what a later build may use (or `store` removes)."""
        path = self._kept_file(doc)
        if path is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_file(path, data)
        return path

    # -- the render stage: each source's rows of the CSV and SDMX tables ---------------
    def tables(self, doc: str) -> dict | None:
        """A source's rows of the tables (`publish.render.source_tables`), kept by an earlier
        build with the same key, if any (and readable)."""
        path = self._kept_file(doc, TABLES)
        if path is None or not path.is_file():
            return None
        return self._unpickled(path.name, dict)

    def keep_tables(self, doc: str, tables: dict) -> None:
        """Keep a source's rows of the tables under its key (as `keep_sorted_lines`)."""
        path = self._kept_file(doc, TABLES)
        if path is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_file(path, pickled(tables))

    # -- the render stage: the example queries' store ----------------------------------
    def data_file(self) -> Path:
        """Where this build writes the data graph's sorted N-Triples: in the folder, kept with
        the query store for the next build (`query_store`)."""
        (self.folder / QUERY_STORES).mkdir(parents=True, exist_ok=True)
        return self.folder / QUERY_STORES / f"{self._token}.nt"

    def query_store(self, graphs: dict[str, Path | bytes], data: str, union: bool, more: list[bytes],
                    stop: threading.Event | None = None) -> ox.Store:
        """The example queries' store of `graphs` (sorted N-Triples; `data` names the data graph,
        written at `data_file()`), on disk in the folder, as `rdf.query.edition_store_of` loads it.

        When the last published build kept its store with the same setup and no union default
        graph, that store is copied (a RocksDB checkpoint: hard links) and only the data graph's
        difference applied: the lines of the chunks (`serialise.subject_chunks`) whose keys
        differ, old ones removed, new ones added — not 3 M quads loaded again. With a blank
        node in the difference (each load names them afresh) it is loaded afresh. The store
        holds the previous catalogue's graph: the caller replaces it."""
        folder = self.folder / QUERY_STORES / self._token
        setup = _digest(self.global_key.encode(), b"union" if union else b"named graphs only", *more)
        spans = _chunk_spans(read_lines(Path(graphs[data])))
        self._store = StoreState(folder.name, Path(graphs[data]).name, setup, spans)
        self.store_updated = False
        state = self.previous
        old = getattr(state, "store", None)
        kept = self.folder / QUERY_STORES
        if old is not None and old.setup == setup and not union and (kept / old.folder).is_dir():
            store = _updated(kept / old.folder, kept / old.data_file, old.chunks,
                             Path(graphs[data]), spans, folder, data)
            if store is not None:
                self.store_updated = True
                return store
        return edition_store_of(graphs, union, folder, more=more, stop=stop)

    # -- after a published build ---------------------------------------------------------
    def store(self, model: Model, parts: dict[str, MappedSource]) -> None:
        """Write entries for the sources built afresh; drop entries of sources that are gone."""
        self.folder.mkdir(parents=True, exist_ok=True)
        keep = set()
        for src in model.sources:
            file = self.data_dir / "sources" / f"{src.document.id}.yaml"
            key = self.key(file) if file.is_file() else None
            if key is None:
                continue
            keep |= {f"{key}.pickle", f"{key}.nt", f"{key}{TABLES}"}
            target = self.folder / f"{key}.pickle"
            if src.document.id in self.hits and target.is_file():
                continue
            write_file(target, pickled(Entry(src, parts[src.document.id])))
        for f in [*self.folder.glob("*.pickle"), *self.folder.glob("*.nt"), *self.folder.glob(f"*{TABLES}")]:
            if f.name not in keep:
                f.unlink()

    @property
    def reused(self) -> int:
        return len(self.hits)

    # -- the pages -----------------------------------------------------------------------
    def _unpickled(self, name: str, kind: type):
        """The object pickled in the cache file `name`, if it is readable and a `kind`; else None."""
        try:
            with open(self.folder / name, "rb") as fh:
                obj = pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None
        return obj if isinstance(obj, kind) else None

    @cached_property
    def previous(self) -> SiteState | None:
        """The state the last published build with this cache left (read once: the pages, the
        dumps' pieces and the query store all start from it)."""
        return self._unpickled(SITE_STATE, SiteState)

    def republishes(self, out_dir: Path) -> bool:
        """Whether the last published build with this cache went into `out_dir`: this build
        may reuse its pages and dumps' pieces (an incremental republish)."""
        state = self.previous
        return state is not None and state.out_dir == str(Path(out_dir).absolute())

    def _entry(self, key: str) -> Entry | None:
        return self._unpickled(f"{key}.pickle", Entry)

    def page_reuse(self, out_dir: Path, parts: dict[str, MappedSource], shared: list) -> PageReuse | None:
        """What of the site last published into `out_dir` with this cache may be reused (None:
        nothing: no such site, an entry of it gone, a source not cached). The renderer checks
        the fingerprint."""
        if not self.republishes(out_dir):
            return None
        state = self.previous
        now = {doc: self.keys.get(doc) for doc in parts}
        triples: list = []
        for doc in sorted(set(now) | set(state.sources)):
            old, new = state.sources.get(doc), now.get(doc)
            if old and old == new:
                continue
            if (doc in now and new is None) or old == "":
                return None  # a source that is not cached (it names another text file): its old triples are unknown
            if old is not None:
                entry = self._entry(old)
                if entry is None or entry.source.document.id != doc:
                    return None
                triples += entry.mapped.triples
            if doc in parts:
                triples += parts[doc].triples
        changed = frozenset(s for s, _p, _o in triples)
        # the shared triples that changed (a source named by the dataset, a period, its
        # instants) touch their subject's and object's pages only: no label of theirs changes
        # without a change of the code lists or the dataset, which renders every page
        triples += set(state.shared) ^ set(shared)
        touched = frozenset(t for s, _p, o in triples for t in (s, o) if isinstance(t, URIRef))
        return PageReuse(Path(out_dir).absolute(), state.fingerprint, changed, touched, state.pages)

    def dump_pieces(self, out_dir: Path) -> DumpPieces:
        """The serialised chunks of the dumps last published into `out_dir` with this cache
        (none if the site was published elsewhere or under another global key)."""
        if not self.republishes(out_dir) or self.previous.dumps[0] != self.global_key:
            return DumpPieces(None, {})
        return DumpPieces(Path(out_dir).absolute(), self.previous.dumps[1])

    def store_site(self, out_dir: Path, made: PagesMade, shared: list, pieces: DumpPieces | None = None) -> None:
        """Remember the pages and the dumps' pieces just published into `out_dir` (after `store`)."""
        out_dir = Path(out_dir).absolute()
        pages = {}
        for uri, paths in made.files.items():
            stamps = []
            for path in paths:
                st = os.stat(out_dir / path)
                stamps.append((path, st.st_ino, st.st_size, st.st_mtime_ns))
            pages[uri] = stamps
        dumps = {}
        for path, spans in (pieces.new if pieces is not None else {}).items():
            st = os.stat(out_dir / path)
            dumps[path] = ((path, st.st_ino, st.st_size, st.st_mtime_ns), spans)
        state = SiteState(str(out_dir), made.fingerprint, {d: k or "" for d, k in self.keys.items()},
                          list(shared), pages, (self.global_key, dumps), self._store)
        keep = {self._store.folder, self._store.data_file} if self._store is not None else set()
        for f in (self.folder / QUERY_STORES).glob("*"):  # earlier builds' (or failed ones')
            if f.name not in keep:
                shutil.rmtree(f) if f.is_dir() else f.unlink()
        write_file(self.folder / SITE_STATE, pickled(state))


def _chunk_spans(lines: Iterable[bytes]) -> dict[bytes, tuple[int, int]]:
    """Where each content-defined chunk of sorted N-Triples lies: key → (offset, length)."""
    spans, at = {}, 0
    for chunk in subject_chunks(lines):
        spans[chunk_key(chunk)] = (at, len(chunk))
        at += len(chunk)
    return spans


def _read(path: Path, spans: Iterable[tuple[int, int]]) -> set[bytes]:
    """The lines of the chunks of `path` at `spans`."""
    lines: set[bytes] = set()
    with open(path, "rb") as f:
        for offset, length in sorted(spans):
            f.seek(offset)
            lines.update(f.read(length).splitlines(keepends=True))
    return lines


def _updated(old_store: Path, old_data: Path, old_chunks: dict[bytes, tuple[int, int]], new_data: Path,
             new_chunks: dict[bytes, tuple[int, int]], folder: Path, graph: str) -> ox.Store | None:
    """A copy of the store at `old_store` in `folder`, its data graph `graph` changed from the
    sorted N-Triples `old_data` to `new_data` (chunk by chunk: a line is in the chunks of one
    version only if it is in that version only). None if it cannot be done: a file gone, a
    blank node in the difference (or a literal that looks like one), or a difference of more
    than a quarter of the data and 16 MB (held in memory: a load afresh is as fast)."""
    gone = [span for key, span in old_chunks.items() if key not in new_chunks]
    new = [span for key, span in new_chunks.items() if key not in old_chunks]
    if sum(length for _at, length in gone + new) > max(sum(length for _at, length in new_chunks.values()) // 4,
                                                       16 << 20):
        return None
    try:
        removed = _read(old_data, gone)
    except OSError:
        return None
    added = _read(new_data, new)
    removed, added = removed - added, added - removed
    if any(b"_:" in line for line in (*removed, *added)):
        return None
    ox.Store.read_only(str(old_store)).backup(str(folder))
    store = ox.Store(str(folder))
    g = ox.NamedNode(graph)
    for t in ox.parse(b"".join(sorted(removed)), ox.RdfFormat.N_TRIPLES):
        store.remove(ox.Quad(t.subject, t.predicate, t.object, g))
    store.extend(ox.Quad(t.subject, t.predicate, t.object, g)
                 for t in ox.parse(b"".join(sorted(added)), ox.RdfFormat.N_TRIPLES))
    return store
