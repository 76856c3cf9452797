"""The whole-dataset Turtle, TriG, JSON-LD and gzip dumps, written chunk by chunk from sorted N-Triples.

Each sorted N-Triples file is cut into content-defined chunks of whole subjects
(`serialise.subject_chunks`) and each chunk is serialised on its own (`turtle_body`,
`trig_block`, `jsonld_body`): a dump is its head, the chunks' pieces and its tail — the same
bytes as serialising the whole at once (tests/test_dumps.py). The gzip dumps (`Gzip`) are
one gzip member whose deflate stream is the chunks compressed each on its own, flushed to a
byte boundary (as pigz does), then an empty final block: any gzip reader, a browser's
`DecompressionStream` included, reads it as one stream. Nothing the size of the graph is held.

An incremental build (`--cache`) reuses the pieces: `Pieces` (`stages.incremental.DumpPieces`)
reads the piece of a chunk whose N-Triples are unchanged back from the previous site's file
and records where each piece of this build lands, for the next. A corrected figure changes
the chunks of the few subjects it touches; the other pieces are copied, not serialised again.
"""

from __future__ import annotations

import queue
import struct
import threading
import zlib
from array import array
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import BinaryIO, Protocol

from ..core.fsio import FileBytes, read_lines
from ..rdf.serialise import (CHUNK_SUBJECTS, JSONLD_SEPARATOR, JSONLD_TAIL, Compactor, chunk_key, jsonld_body, jsonld_head,
                             prefix_head, subject_chunks, trig_block, trig_of_turtle, trig_prefixes, turtle_body,
                             turtle_prefixes)


class Pieces(Protocol):
    """Serialised chunks by key: those of the previous site to reuse, those of this build to remember."""

    def get(self, path: str, key: bytes) -> bytes | None: ...

    def record(self, path: str, key: bytes, offset: int, length: int) -> None: ...


class Dump:
    """A dump written chunk by chunk into a binary file: its head, each chunk's piece (read
    back through `pieces` by key, or made), its tail. Published at `path` (the pieces' name)."""

    separator = b""  # between two pieces

    def __init__(self, f: BinaryIO, path: str, pieces: Pieces | None = None):
        self.f, self.path, self.pieces, self.at = f, path, pieces, 0
        self.reused = self.made = 0  # pieces read back, pieces made
        self._first = True

    def head(self) -> bytes:
        return b""

    def tail(self) -> bytes:
        return b""

    def key(self, plain: bytes) -> bytes:
        """The key of a chunk's piece, given the chunk's own key (`chunk_key(chunk)`, made once
        a chunk for all the dumps cut from one pass: `write_dumps`)."""
        return plain

    def make(self, chunk: bytes, plain: bytes) -> bytes:
        """The piece of `chunk` (`plain`: its own key, `chunk_key(chunk)`)."""
        raise NotImplementedError

    def raw(self, data: bytes) -> None:
        self.f.write(data)
        self.at += len(data)

    def close(self) -> None:
        """Write the tail; the dump is then complete."""
        self.raw(self.tail())

    def abandon(self) -> None:
        """Stop after a failure (the file is left incomplete)."""

    def lookup(self, chunk: bytes, plain: bytes | None = None) -> tuple[bytes, bytes | None]:
        """The key of `chunk`'s piece, and the previous build's piece of it (None: to be made);
        `plain`: the chunk's own key, if already made."""
        key = self.key(chunk_key(chunk) if plain is None else plain)
        return key, self.pieces.get(self.path, key) if self.pieces is not None else None

    def add(self, chunk: bytes, plain: bytes | None = None) -> None:
        """Write the piece of `chunk`: the previous build's, or made now; remember where it lies.
        `plain`: the chunk's own key, if already made (`lookup`)."""
        plain = chunk_key(chunk) if plain is None else plain
        key, body = self.lookup(chunk, plain)
        if body is None:
            body = self.make(chunk, plain)
            self.made += 1
        else:
            self.reused += 1
        if not self._first:
            self.raw(self.separator)
        self._first = False
        self.placed(key, self.at, body)
        self.raw(body)

    def placed(self, key: bytes, at: int, body: bytes) -> None:
        """The piece `body` of key `key` is written at byte `at` of the file."""
        if self.pieces is not None:
            self.pieces.record(self.path, key, at, len(body))


class Turtle(Dump):
    """Our Turtle: sorted @prefix lines, then pyoxigraph's subject blocks (`turtle_body`).
    `written`: where each chunk's piece lies in the file, by the chunk's key (`TurtleBlocks`)."""

    def __init__(self, f: BinaryIO, base: str, path: str, pieces: Pieces | None = None):
        super().__init__(f, path, pieces)
        self.prefixes = turtle_prefixes(base)
        self.written: dict[bytes, tuple[int, int]] = {}

    def head(self) -> bytes:
        return prefix_head(self.prefixes)

    def make(self, chunk: bytes, plain: bytes) -> bytes:
        return turtle_body(chunk, self.prefixes)

    def placed(self, key: bytes, at: int, body: bytes) -> None:
        super().placed(key, at, body)
        self.written[key] = (at, len(body))


class JsonLd(Dump):
    """JSON-LD, the context embedded: one node object a line in one "@graph" array, one a
    subject, in the subjects' order. With `nodes`, `node_starts` gets where each node starts
    in the file, and at the end where one more would (`site_index.NodeTexts`)."""

    separator = JSONLD_SEPARATOR

    def __init__(self, f: BinaryIO, context: dict, path: str, pieces: Pieces | None = None, nodes: bool = False):
        super().__init__(f, path, pieces)
        self.context, self.compactor = context, Compactor(context["@context"])
        self.node_starts: array | None = array("Q") if nodes else None

    def placed(self, key: bytes, at: int, body: bytes) -> None:
        super().placed(key, at, body)
        starts = self.node_starts
        if starts is not None and body:  # a node a line: JSON escapes a line end inside a string
            starts.append(at)
            find, i = body.find, body.find(b"\n")
            while i >= 0:
                starts.append(at + i + 1)
                i = find(b"\n", i + 1)

    def close(self) -> None:
        if self.node_starts is not None:
            self.node_starts.append(self.at + len(self.separator))
        super().close()

    def head(self) -> bytes:
        return jsonld_head(self.context)

    def tail(self) -> bytes:
        return JSONLD_TAIL

    def make(self, chunk: bytes, plain: bytes) -> bytes:
        return jsonld_body(chunk, self.compactor)


# gzip's header as gzip.GzipFile(filename="", mtime=0) writes it at levels 2 to 8: no name, no
# time, unknown OS; and the end of a deflate stream, an empty final block (fixed codes)
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
DEFLATE_END = b"\x03\x00"


class Gzip(Dump):
    """A gzip file of the chunks, one member: each chunk deflated on its own (no window shared
    with the chunk before it, so its piece can be reused) and flushed to a byte boundary
    (Z_SYNC_FLUSH), then an empty final block, the CRC-32 and the size of the whole.

    The chunks are compressed in a thread (zlib releases the GIL: compressing overlaps the
    caller's work on a second core); pieces read back are written by the same thread, in order."""

    def __init__(self, f: BinaryIO, path: str, pieces: Pieces | None = None, level: int = 6):
        super().__init__(f, path, pieces)
        self.level, self.crc, self.size = level, 0, 0
        self._queue: queue.Queue = queue.Queue(maxsize=8)  # a few chunks wait, not the whole
        self._spans: list[tuple[bytes, int, int]] = []  # recorded by the caller's thread, at close
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None

    def head(self) -> bytes:
        return GZIP_HEADER

    def tail(self) -> bytes:
        return DEFLATE_END + struct.pack("<II", self.crc, self.size & 0xFFFFFFFF)

    def make(self, chunk: bytes, plain: bytes | None = None) -> bytes:
        c = zlib.compressobj(self.level, zlib.DEFLATED, -15)
        return c.compress(chunk) + c.flush(zlib.Z_SYNC_FLUSH)

    def _run(self) -> None:
        try:
            while (item := self._queue.get()) is not None:
                key, body, chunk = item
                if body is None:
                    body = self.make(chunk)
                    self.made += 1
                else:
                    self.reused += 1
                self._spans.append((key, self.at, len(body)))
                self.raw(body)
        except BaseException as err:  # reported by close()
            self._error = err
            while self._queue.get() is not None:  # let the caller finish
                pass

    def add(self, chunk: bytes, plain: bytes | None = None) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()
        self.crc = zlib.crc32(chunk, self.crc)
        self.size += len(chunk)
        self._queue.put((*self.lookup(chunk, plain), chunk))

    def abandon(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None

    def close(self) -> None:
        self.abandon()
        if self._error is not None:
            raise self._error
        if self.pieces is not None:
            for key, at, length in self._spans:
                self.pieces.record(self.path, key, at, length)
        super().close()


def write_gzip(lines: Iterable[bytes], f: BinaryIO, path: str, pieces: Pieces | None = None,
               every: int = CHUNK_SUBJECTS) -> Gzip:
    """Sorted N-Triples or N-Quads lines gzip-compressed into `f`, chunk by chunk (`Gzip`)."""
    gz = Gzip(f, path, pieces)
    write_dumps(lines, [gz], every)
    return gz


def _lines(nt: Path | bytes) -> Iterable[bytes]:
    return nt.splitlines(keepends=True) if isinstance(nt, bytes) else read_lines(nt)


def write_dumps(lines: Iterable[bytes], dumps: Sequence[Dump], every: int = CHUNK_SUBJECTS,
                starts: Callable[[bytes, int], None] | None = None) -> None:
    """Write `dumps` of sorted lines, all from one pass over their chunks
    (`serialise.subject_chunks`; `every`: subjects a chunk, on average; `starts` hears where
    each subject starts)."""
    for d in dumps:
        d.raw(d.head())
    try:
        for chunk in subject_chunks(lines, every, starts):
            plain = chunk_key(chunk)  # once, for every dump
            for d in dumps:
                d.add(chunk, plain)
    except BaseException:
        for d in dumps:  # a Gzip's thread is stopped
            d.abandon()
        raise
    for d in dumps:
        d.close()


def write_chunked(nt: Path | bytes, dumps: Sequence[Dump], every: int = CHUNK_SUBJECTS,
                  starts: Callable[[bytes, int], None] | None = None) -> None:
    """Write `dumps` of the sorted N-Triples `nt` (a file or bytes), all from one pass over its
    chunks (`write_dumps`)."""
    write_dumps(_lines(nt), dumps, every, starts)


class TurtleBlocks:
    """The Turtle dump's pieces of this build (`Turtle.written`, read back from its file), as
    TriG graph blocks: pyoxigraph writes a chunk in a named graph as it writes it in Turtle,
    each line indented by a tab (`serialise.trig_of_turtle`), when the two prefix maps compact
    its IRIs alike — when the chunk names no namespace the TriG and Turtle prefixes declare
    differently (the catalogue's vocabularies). The data graph, nearly every quad, is mostly
    chunks of the Turtle dump too: its TriG is then copied, not serialised again."""

    def __init__(self, turtle: Path, written: dict[bytes, tuple[int, int]], turtle_prefixes: dict[str, str],
                 trig_prefixes: dict[str, str]):
        self.file, self.written = FileBytes(turtle), written
        differing = set(turtle_prefixes.items()) ^ set(trig_prefixes.items())
        self.namespaces = tuple(sorted({ns.encode("utf-8") for _p, ns in differing}))
        self.used = 0  # blocks made from a Turtle piece

    def block(self, chunk: bytes, plain: bytes) -> bytes | None:
        """The TriG block (without its opening and closing lines) of `chunk` (`plain`: its own
        key), if the Turtle dump has its piece and the prefixes allow; else None."""
        span = self.written.get(plain)
        if span is None or any(ns in chunk for ns in self.namespaces):
            return None
        self.used += 1
        return trig_of_turtle(self.file[span[0]:span[0] + span[1]])

    def close(self) -> None:
        self.file.close()


class _TrigGraph(Dump):
    """One named graph of a TriG dump: its blocks without their opening and closing lines."""

    def __init__(self, f: BinaryIO, path: str, pieces: Pieces | None, name: str, prefixes: dict[str, str],
                 turtle: TurtleBlocks | None = None):
        super().__init__(f, path, pieces)
        self.name, self.prefixes, self.turtle = name, prefixes, turtle

    def key(self, plain: bytes) -> bytes:
        return chunk_key(self.name.encode("utf-8"), plain)  # the same chunk in another graph: another piece

    def make(self, chunk: bytes, plain: bytes) -> bytes:
        if self.turtle is not None:
            copied = self.turtle.block(chunk, plain)
            if copied is not None:
                return copied
        block = trig_block(chunk, self.name, self.prefixes)
        if not block.endswith(b"}\n"):
            raise ValueError(f"not a TriG graph block: {block[-40:]!r}")
        return block[block.index(b"\n") + 1:-2]


def write_trig(graphs: Iterable[tuple[str, Path | bytes]], f: BinaryIO, base: str, path: str,
               pieces: Pieces | None = None, every: int = CHUNK_SUBJECTS,
               turtle: TurtleBlocks | None = None) -> tuple[int, int]:
    """TriG of named graphs given as (name, sorted N-Triples: a file or bytes) into `f`, graphs
    in IRI order: the same bytes as pyoxigraph writing their N-Quads (`serialise.trig`).
    `turtle`: this build's Turtle dump's pieces, copied for the chunks it has (`TurtleBlocks`).
    Returns the pieces reused and made."""
    declared = trig_prefixes(base)
    f.write(prefix_head(declared))
    at, reused, made = len(prefix_head(declared)), 0, 0
    for name, nt in sorted(graphs, key=lambda g: g[0]):
        graph = _TrigGraph(f, path, pieces, name, declared, turtle)
        graph.at = at
        for chunk in subject_chunks(_lines(nt), every):
            if graph.made + graph.reused == 0:  # the graph's opening line, as pyoxigraph writes it
                block = trig_block(chunk[:chunk.index(b"\n") + 1], name, declared)  # (one triple's block)
                graph.raw(block[:block.index(b"\n") + 1])
            graph.add(chunk, chunk_key(chunk))
        if graph.made + graph.reused:
            graph.raw(b"}\n")
        at, reused, made = graph.at, reused + graph.reused, made + graph.made
    return reused, made
