"""SPARQL over the published dump, in-process, with Oxigraph (pyoxigraph).

`open_store(site)` loads the built dump — the named-graph N-Quads if the site has them,
else the plain N-Triples — into an in-memory store; `run(store, text)` parses and runs a
SPARQL 1.1 query with our vocabularies' prefixes predeclared (`prefixes(site)`, read from
the site's published JSON-LD context, so they follow the base IRI the site was built with);
`render(result, fmt)` turns the answer into bytes:

    SELECT     table (for people), csv, tsv, json (SPARQL 1.1 Query Results JSON)
    ASK        table ("true"/"false"), csv, tsv, json
    CONSTRUCT, DESCRIBE   table or turtle (Turtle with our prefixes), ntriples

The default graph is the union of the named graphs, so a query needs no GRAPH clause;
`GRAPH ?g { … }` still tells which graph a triple is in, and `FROM <…graph/data>` picks
graphs as on any endpoint holding the pushed named graphs. Problems raise `QueryError`; a syntax error carries its
line and column in the query text as the user wrote it.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .mapping import PREFIXES

FORMATS = ("table", "csv", "tsv", "json", "turtle", "ntriples")
SOLUTION_FORMATS = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
                    "json": ox.QueryResultsFormat.JSON}
GRAPH_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES}
DEFAULT_BASE = "https://w3id.org/asdh-lod/"

# the dump files a site may hold, best first: (relative path, format, gzipped)
DUMPS = (
    ("downloads/asdh-lod.nq.gz", ox.RdfFormat.N_QUADS, True),
    ("downloads/asdh-lod.nq", ox.RdfFormat.N_QUADS, False),
    ("downloads/asdh-lod.nt.gz", ox.RdfFormat.N_TRIPLES, True),
    ("downloads/asdh-lod.nt", ox.RdfFormat.N_TRIPLES, False),
)

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


def dump_file(site: Path) -> tuple[Path, ox.RdfFormat, bool]:
    site = Path(site)
    for rel, fmt, gz in DUMPS:
        if (site / rel).is_file():
            return site / rel, fmt, gz
    raise QueryError(f"no dump in '{site}' (looked for {site}/downloads/asdh-lod.nq.gz and "
                     f"asdh-lod.nt.gz): run asdh-lod build first (asdh-lod build --out {site})")


def prefixes(site: Path | None = None) -> dict[str, str]:
    """Our vocabularies' prefixes: the site's published JSON-LD context, else the defaults."""
    found: dict[str, str] = {}
    if site is not None:
        try:
            ctx = json.loads((Path(site) / "context.jsonld").read_text(encoding="utf-8"))["@context"]
            found = {k: v for k, v in ctx.items() if isinstance(v, str) and not k.startswith("@")}
        except (OSError, ValueError, KeyError, TypeError):
            found = {}
    if not found:
        return prefixes_for(DEFAULT_BASE)
    if "asdh" in found and found["asdh"].endswith("def/"):
        base = found["asdh"][: -len("def/")]
        found.setdefault("period", base + "id/period/")
        found.setdefault("graph", base + "graph/")
    return dict(sorted(found.items()))


def prefixes_for(base: str) -> dict[str, str]:
    """Our prefixes for a site built with base IRI `base`."""
    return dict(sorted(dict(PREFIXES, asdh=base + "def/", code=base + "code/", period=base + "id/period/",
                            graph=base + "graph/").items()))


def open_store(site: Path) -> ox.Store:
    """An in-memory store holding the site's dump."""
    path, fmt, gz = dump_file(site)
    data = path.read_bytes()
    if gz:
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as err:
            raise QueryError(f"{path}: not a readable gzip file ({err}): rebuild with asdh-lod build") from err
    try:
        return edition_store(data) if fmt == ox.RdfFormat.N_QUADS else _loaded(data, fmt)
    except SyntaxError as err:
        raise QueryError(f"{path}: {err}: rebuild with asdh-lod build") from err


_GRAPH_NAME = re.compile(rb" <[^<>\s]*> \.$", re.MULTILINE)  # an N-Quads line's graph name, at its end


def edition_store(nq: bytes, default_graph: bool = True) -> ox.Store:
    """An in-memory store of N-Quads: the named graphs, and as the default graph their union,
    as a copy, so that FROM <…> still chooses graphs (union-default-graph mode would ignore it).
    Parsed and loaded by pyoxigraph (no Python object per quad). Without `default_graph`, the
    named graphs only: enough for queries that all say FROM (`declares_dataset`)."""
    store = _loaded(nq, ox.RdfFormat.N_QUADS)
    if default_graph:
        store.load(_GRAPH_NAME.sub(b" .", nq), format=ox.RdfFormat.N_TRIPLES)
    return store


_IRI = re.compile(r"<[^<>\"{}|^`\\\s]*>")
_STRING = re.compile(r"\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'")
_COMMENT = re.compile(r"#.*$", re.MULTILINE)
_FROM = re.compile(r"\bFROM\s+(NAMED\s+)?(<|[A-Za-z_][\w.-]*:)", re.IGNORECASE)


def declares_dataset(text: str) -> bool:
    """Whether the query has a FROM clause: its default graph is then the graphs it names, and
    the store's own default graph does not matter. (Read from the text without its comments;
    IRIs and strings are blanked first, so a '#' in them is not taken for a comment.)"""
    bare = _COMMENT.sub("", _STRING.sub('""', _IRI.sub("<>", text)))
    return bool(_FROM.search(bare))


def _loaded(data: bytes, fmt: ox.RdfFormat) -> ox.Store:
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
        from rdflib import Graph  # rdflib's Turtle is deterministic: sorted prefixes and subjects

        g = Graph()
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
