"""Incremental builds: what one source contributes is reused while its files are unchanged.

A build with a cache folder (`asdh-lod build --cache DIR`) stores, per source, the loaded and
checked `Source` and its `MappedSource` (triples, origins, periods), under a key that hashes
everything they depend on:

- the source's YAML and its text file, and the path problems would name them by;
- the code lists, dataset.yaml, the ontology, the shapes, the base IRI;
- the code of this package and the Python and rdflib versions (pickles are not portable).

When one source changes, only that source is loaded, checked and mapped again. What depends
on all sources is always redone: the checks across sources (duplicate keys), the whole graph,
SHACL validation with every shape, and every output file — so the result is byte-identical to
a full build, and nothing stale or unvalidated is published. Entries are written only after a
build has been validated and published, and entries of sources that are gone are removed.

Entries are pickles: the cache folder is the builder's own working state (like .venv), never
a download; a missing or unreadable entry just means that source is built afresh.
"""

from __future__ import annotations

import hashlib
import pickle
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import rdflib

from ..core.fsio import write_file
from ..core.resources import CODE
from ..ingest.load import display_path
from .mapping import MappedSource
from ..model.records import Model, Source

_CUSTOM_TEXT = re.compile(rb"^\s+text\s*:", re.M)  # a document naming another text file: not cached


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


class BuildCache:
    """A folder of per-source entries (pickles) keyed by content hashes."""

    def __init__(self, folder: Path, data_dir: Path, ontology: Path, shapes_dir: Path, base_iri: str | None):
        self.folder = Path(folder)
        self.data_dir = Path(data_dir)
        self.global_key = _digest(
            b"asdh-lod incremental 1", sys.version.encode(), rdflib.__version__.encode(),
            (base_iri or "").encode(), Path(ontology).read_bytes(),
            *_files((CODE, "**/*.py"), (self.data_dir / "codelists", "*.yaml"),
                    (shapes_dir, "*.ttl")),
            (self.data_dir / "dataset.yaml").read_bytes() if (self.data_dir / "dataset.yaml").is_file() else b"")
        self.keys: dict[str, str] = {}     # document id → key, for every source of this build
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
        return self._file_keys[file]

    # -- hooks for load, check and map ---------------------------------------------------
    def source(self, file: Path) -> Source | None:
        """The cached source loaded from exactly this file, if any (the loader's `reuse`)."""
        key = self.key(file)
        if key is None:
            return None
        path = self.folder / f"{key}.pickle"
        try:
            with open(path, "rb") as fh:
                entry = pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None  # absent or unreadable: load it again
        if not isinstance(entry, Entry) or entry.source.document.id != file.stem:
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
            keep.add(f"{key}.pickle")
            target = self.folder / f"{key}.pickle"
            if src.document.id in self.hits and target.is_file():
                continue
            write_file(target, pickle.dumps(Entry(src, parts[src.document.id]), protocol=pickle.HIGHEST_PROTOCOL))
        for f in self.folder.glob("*.pickle"):
            if f.name not in keep:
                f.unlink()

    @property
    def reused(self) -> int:
        return len(self.hits)
