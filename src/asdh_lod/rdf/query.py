"""SPARQL in-process, with Oxigraph (pyoxigraph): load N-Quads into a store, run a query
with our prefixes predeclared, and render its answer.

`run(store, text)` parses and runs a SPARQL 1.1 query; `render(answer, fmt)` turns the
answer into bytes:

    SELECT     table (for people), csv, tsv, json (SPARQL 1.1 Query Results JSON)
    ASK        table ("true"/"false"), csv, tsv, json
    CONSTRUCT, DESCRIBE   table or turtle (Turtle with our prefixes), ntriples

Problems raise `QueryError`; a syntax error carries its line and column in the query text
as the user wrote it. `sparql.query` opens a published site's dump with this engine; the
example-query page (`publish.querypage`) runs the example queries with it.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from rdflib import Graph
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue

FORMATS = ("table", "csv", "tsv", "json", "turtle", "ntriples")
SOLUTION_FORMATS = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
                    "json": ox.QueryResultsFormat.JSON}
GRAPH_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES}

_POSITION = re.compile(r"^error at (\d+):(\d+): (.*)$", re.S)
_NUMERIC = {f"http://www.w3.org/2001/XMLSchema#{t}" for t in (
    "integer", "decimal", "double", "float", "int", "long", "short", "byte", "nonNegativeInteger",
    "positiveInteger", "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong")}


class QueryError(Exception):
    """A query that cannot be answered: no build, unreadable file, bad syntax, bad format."""


class QuerySyntaxError(QueryError):
    def __init__(self, where: str, line: int, column: int, detail: str):
        self.where, self.line, self.column, self.detail = where, line, column, detail
        super().__init__(f"{where}:{line}:{column}: SPARQL syntax error: {detail}")


@dataclass
class Answer:
    """A query's result, materialised: solutions, a boolean, or triples."""
    kind: str  # "solutions" | "boolean" | "graph"
    raw: object  # the pyoxigraph result (consumed by rendering)
    prefixes: dict[str, str]


_GRAPH_NAME = re.compile(rb" <[^<>\s]*> \.$", re.MULTILINE)  # an N-Quads line's graph name, at its end


def edition_store(nq: bytes, default_graph: bool = True) -> ox.Store:
    """An in-memory store of N-Quads: the named graphs, and as the default graph their union,
    as a copy, so that FROM <…> still chooses graphs (union-default-graph mode would ignore it).
    Parsed and loaded by pyoxigraph (no Python object per quad). Without `default_graph`, the
    named graphs only: enough for queries that all say FROM (`declares_dataset`)."""
    store = loaded(nq, ox.RdfFormat.N_QUADS)
    if default_graph:
        store.load(_GRAPH_NAME.sub(b" .", nq), format=ox.RdfFormat.N_TRIPLES)
    return store


LOAD_BYTES = 16 << 20  # a piece given to pyoxigraph's bulk loader: it holds several times what it is given


def _pieces(source: Path | bytes) -> Iterator[bytes]:
    """`source` (a file or bytes of N-Triples or N-Quads) in pieces of about LOAD_BYTES, whole lines each."""
    if isinstance(source, bytes):
        start = 0
        while start < len(source):
            end = source.find(b"\n", start + LOAD_BYTES)
            end = len(source) if end < 0 else end + 1
            yield source[start:end]
            start = end
        return
    with open(source, "rb") as f:
        while True:
            piece = f.read(LOAD_BYTES)
            if not piece:
                return
            yield piece + f.readline()


class Stopped(Exception):
    """A load given up half-way (its `stop` event was set): the store is to be thrown away."""


def bulk_load(store: ox.Store, source: Path | bytes, fmt: ox.RdfFormat, graph=None,
              stop: threading.Event | None = None) -> None:
    """Bulk-load `source` piece by piece, so that memory stays bounded at any size (given a
    whole 100k-observation edition at once, the loader held about 3 GB). Every call names
    its blank nodes afresh, so the lines that mention one are kept and loaded together last
    (the ontology's few: the data has none). With `stop`, checked between pieces: raises
    `Stopped` once it is set."""
    extra = {} if graph is None else {"to_graph": graph}
    blank: list[bytes] = []
    for piece in _pieces(source):
        if stop is not None and stop.is_set():
            raise Stopped()
        if b"_:" in piece:
            lines = piece.splitlines(keepends=True)
            blank += [line for line in lines if b"_:" in line]
            piece = b"".join(line for line in lines if b"_:" not in line)
        store.bulk_load(piece, format=fmt, **extra)
    if blank:
        store.bulk_load(b"".join(blank), format=fmt, **extra)


def load_graphs(store: ox.Store, graphs: dict[str, Path | bytes], default_graph: bool,
                stop: threading.Event | None = None) -> ox.Store:
    """Named graphs given as N-Triples (a file or bytes each) bulk-loaded into `store`
    (`bulk_load`), each into its graph and, with `default_graph`, into the default graph too
    (the union, as a copy: see `edition_store`)."""
    for name, nt in graphs.items():
        for graph in (ox.NamedNode(name),) + ((ox.DefaultGraph(),) if default_graph else ()):
            bulk_load(store, nt, ox.RdfFormat.N_TRIPLES, graph, stop)
    return store


def edition_store_of(graphs: dict[str, Path | bytes], default_graph: bool, path: Path | None = None,
                     more: Iterable[bytes] = (), stop: threading.Event | None = None) -> ox.Store:
    """`edition_store` of named graphs given as sorted N-Triples (a file or bytes each),
    bulk-loaded by pyoxigraph piece by piece (`load_graphs`); at `path`, on disk (memory stays
    small at any size). `more`: N-Quads loaded into their own named graphs only (the
    releases' editions). `stop`: see `bulk_load`."""
    store = ox.Store(str(path)) if path is not None else ox.Store()
    for nq in more:
        bulk_load(store, nq, ox.RdfFormat.N_QUADS, stop=stop)
    return load_graphs(store, graphs, default_graph, stop)


_IRI = re.compile(r"<[^<>\"{}|^`\\\s]*>")
_STRING = re.compile(r"\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'")
_COMMENT = re.compile(r"#.*$", re.MULTILINE)
# FROM, not a variable's or a prefixed name's end (?from, ex:from); the prefix may be empty (FROM :g)
_FROM = re.compile(r"(?<![\w?$:])FROM\s+(NAMED\s+)?(<|(?:[A-Za-z_][\w.-]*)?:)", re.IGNORECASE)


def declares_dataset(text: str) -> bool:
    """Whether the query has a FROM clause: its default graph is then the graphs it names, and
    the store's own default graph does not matter. (Read from the text without its comments;
    IRIs and strings are blanked first, so a '#' in them is not taken for a comment.) The
    in-browser SPARQL page (`templates/sparql.html`, `declaresDataset`) applies the same rule
    to decide whether to make its union default graph."""
    bare = _COMMENT.sub("", _STRING.sub('""', _IRI.sub("<>", text)))
    return bool(_FROM.search(bare))


def reads_default_graph(text: str, prefixes: dict[str, str] | None = None) -> bool:
    """Whether the query's answer can depend on the store's default graph: it has no FROM
    clause and matches a triple pattern outside every GRAPH (an EXISTS or a subquery
    included). A query that reads named graphs only (GRAPH ?g { … }) does not, so a store for
    it needs no union default graph (a copy of every quad). Read from rdflib's algebra of the
    query; a query rdflib cannot parse is taken to read it."""
    if declares_dataset(text):
        return False
    try:
        algebra = prepareQuery(text, initNs=dict(prefixes or {})).algebra
    except Exception:  # noqa: BLE001 - rdflib's parser fails in many ways; pyoxigraph may still read it
        return True
    return _outside_graph(algebra)


def _outside_graph(node) -> bool:
    """A basic graph pattern with a triple that is not inside a GRAPH, anywhere below `node`."""
    if isinstance(node, CompValue):
        if node.name in ("Graph", "GraphGraphPattern"):  # (the second: inside EXISTS, left untranslated)
            return False
        if node.name in ("BGP", "TriplesBlock") and node.get("triples"):
            return True
        return any(_outside_graph(v) for v in node.values())
    if isinstance(node, (list, tuple)):
        return any(_outside_graph(v) for v in node)
    return False


def loaded(data: bytes, fmt: ox.RdfFormat) -> ox.Store:
    store = ox.Store()
    store.load(data, format=fmt)
    return store


def read_query(path: Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise QueryError(f"{path}: not UTF-8 text (byte {err.start})") from err
    except OSError as err:
        raise QueryError(f"{path}: cannot read ({err.strerror})") from err


def run(store: ox.Store, text: str, prefixes: dict[str, str] | None = None, *,
        where: str = "query") -> Answer:
    """Parse and run `text`; `where` names it in errors (a file name, or "query")."""
    pre = dict(prefixes or {})
    try:
        result = store.query(text, prefixes=pre)
    except SyntaxError as err:
        m = _POSITION.match(str(err))
        if m:
            line, column = int(m[1]), int(m[2])
            detail = " ".join(m[3].split()).replace(", [_]", "")  # [_]: the parser's whitespace rule
            if "Prefix not found" in detail:
                detail = _unknown_prefix(text, line, column, pre)
            elif len(detail) > 160:
                detail = detail[:157] + "…"
            raise QuerySyntaxError(where, line, column, detail) from err
        raise QueryError(f"{where}: SPARQL syntax error: {err}") from err
    except (OSError, ValueError, RuntimeError) as err:
        raise QueryError(f"{where}: the query failed: {err}") from err
    if isinstance(result, ox.QueryBoolean):
        return Answer("boolean", result, pre)
    if isinstance(result, ox.QueryTriples):
        return Answer("graph", result, pre)
    return Answer("solutions", result, pre)


def _unknown_prefix(text: str, line: int, column: int, declared: dict[str, str]) -> str:
    """Name the undeclared prefix that ends just before line:column."""
    lines = text.split("\n")
    before = lines[line - 1][: column - 1] if 0 < line <= len(lines) else ""
    m = re.search(r"([A-Za-z][\w\-.]*)?:[\w\-.]*$", before)
    name = m[1] or "" if m else None
    known = ", ".join(f"{p}:" for p in declared)
    if name is None:
        return f"unknown prefix (predeclared: {known}; declare others with PREFIX)"
    return f"unknown prefix '{name}:' (predeclared: {known}; declare others with PREFIX {name}: <…>)"


def render(answer: Answer, fmt: str = "table") -> bytes:
    if fmt not in FORMATS:
        raise QueryError(f"unknown format '{fmt}' (one of {', '.join(FORMATS)})")
    if answer.kind == "graph":
        if fmt in ("csv", "tsv", "json"):
            raise QueryError(f"a CONSTRUCT or DESCRIBE query returns triples, not a table: "
                             f"use --format turtle or ntriples, not {fmt}")
        rdf = GRAPH_FORMATS["ntriples" if fmt == "ntriples" else "turtle"]
        triples = sorted(answer.raw, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
        nt = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        if rdf == ox.RdfFormat.N_TRIPLES:
            return nt
        g = Graph()  # rdflib's Turtle is deterministic: sorted prefixes and subjects
        for p, ns in answer.prefixes.items():
            g.bind(p, ns, override=True, replace=True)
        g.parse(data=nt.decode("utf-8"), format="nt")
        return g.serialize(format="turtle", encoding="utf-8")
    if fmt in ("turtle", "ntriples"):
        raise QueryError(f"a {'ASK' if answer.kind == 'boolean' else 'SELECT'} query returns "
                         f"{'a boolean' if answer.kind == 'boolean' else 'a table'}: use --format "
                         f"table, csv, tsv or json, not {fmt}")
    if fmt in SOLUTION_FORMATS:
        out = answer.raw.serialize(format=SOLUTION_FORMATS[fmt])
        return out if fmt != "json" else out + b"\n"
    if answer.kind == "boolean":
        return (("true" if bool(answer.raw) else "false") + "\n").encode()
    return table(answer).encode("utf-8")


def cell(term, prefixes: dict[str, str]) -> str:
    """A term as a person reads it: compact IRIs, plain literals (with @lang), _:blank."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact(term.value, prefixes)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return term.value + (f"@{term.language}" if term.language else "")
    return str(term)


def compact(iri: str, prefixes: dict[str, str]) -> str:
    """`prefix:local` with the longest matching namespace, else `<iri>`."""
    best = max((p for p, ns in prefixes.items() if iri.startswith(ns) and iri != ns),
               key=lambda p: len(prefixes[p]), default=None)
    return f"{best}:{iri[len(prefixes[best]):]}" if best else f"<{iri}>"


def is_numeric(term) -> bool:
    return isinstance(term, ox.Literal) and term.datatype.value in _NUMERIC


def table(answer: Answer) -> str:
    """An aligned text table; numbers right-aligned; the row count last."""
    names = [v.value for v in answer.raw.variables]
    rows, right = [], [True] * len(names)
    for solution in answer.raw:
        row = []
        for i, n in enumerate(names):
            term = solution[n]
            row.append(cell(term, answer.prefixes).replace("\n", " "))
            if term is not None and not is_numeric(term):
                right[i] = False
        rows.append(row)
    widths = [max([len(n)] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]

    def line(values: list[str]) -> str:
        return "  ".join(v.rjust(w) if r else v.ljust(w) for v, w, r in zip(values, widths, right)).rstrip()

    out = [line(names), line(["-" * w for w in widths])] + [line(r) for r in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def describe(text: str) -> tuple[str, str]:
    """A .rq file's title (its first comment line: the question it answers) and description
    (the comment lines after it, up to the first line of SPARQL)."""
    comments = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        comments.append(line[1:].strip())
    if not comments or not comments[0]:
        return "", ""
    return comments[0], " ".join(c for c in comments[1:] if c)
