"""The serialisers: every byte of RDF the project writes is made here. No I/O.

Deterministic: the same triples give byte-identical output. The large outputs (N-Triples,
N-Quads, Turtle and TriG of the whole, JSON-LD) are written by pyoxigraph or streamed from
sorted N-Triples; rdflib's pretty Turtle serves the small graphs (ontology, code lists,
shapes, catalogue).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
import zlib
from collections.abc import Callable, Iterable, Iterator

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from .vocab import CATALOGUE_VOCABULARIES, JSONLD_OWN, TURTLE_OWN, prefixes


def turtle_prefixes(base: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The prefixes our Turtle declares (`vocab.TURTLE_OWN` of our namespaces)."""
    return prefixes(base, TURTLE_OWN, extra)


def ntriple_lines(g) -> Iterator[bytes]:
    """The N-Triples lines of `g` (a graph or any iterable of rdflib triples), each term
    written by pyoxigraph (canonical), in `g`'s order, repeats kept: `ntriples` sorts them in
    memory, the dumps on disk (`core.fsio.sorted_unique_lines`).

    IRIs and blank nodes repeat a lot: each is written once; literals are mostly distinct.
    Lines are bytes, not str: one byte per ASCII character (a str with any Turkish letter
    takes two or four)."""
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

    for s, p, o in g:
        yield f"{term(s)} {term(p)} {term(o)} .\n".encode("utf-8")


def ntriples(g) -> bytes:
    """N-Triples, canonical (each term written by pyoxigraph), one triple a line, sorted: stable
    and diff-friendly. `g` is a graph or any iterable of rdflib triples (repeats are dropped).
    In memory: for the small graphs and pages; the dumps are sorted on disk."""
    return b"".join(sorted(set(ntriple_lines(g))))  # UTF-8 byte order is code point order


def quad_piece(graph: str) -> Callable[[bytes], bytes]:
    """A function turning sorted N-Triples lines (each ending " .\\n", given as one piece of
    bytes) into N-Quads lines in the named graph `graph` (for `fsio.merge_sorted`). Sorted
    N-Triples give sorted N-Quads: the object is followed by a space, which sorts before any
    character that could continue a longer object. The bytes are rewritten at once: an
    N-Triples line holds a raw line end only at its end (a literal escapes it), so " .\\n"
    occurs once a line, there."""
    suffix = f" <{graph}> .\n".encode("utf-8")

    def convert(piece: bytes) -> bytes:
        return piece.replace(b" .\n", suffix)
    return convert


def batched(lines: Iterable[bytes], size: int = 1 << 20) -> Iterator[bytes]:
    """Lines joined into chunks of about `size` bytes (for writers and compressors)."""
    buf: list[bytes] = []
    n = 0
    for line in lines:
        buf.append(line)
        n += len(line)
        if n >= size:
            yield b"".join(buf)
            buf, n = [], 0
    if buf:
        yield b"".join(buf)


CHUNK_SUBJECTS = 512  # a chunk holds this many subjects on average: a few hundred KB of N-Triples


def subject_chunks(lines: Iterable[bytes], every: int = CHUNK_SUBJECTS,
                   starts: Callable[[bytes, int], None] | None = None) -> Iterator[bytes]:
    """Sorted N-Triples lines in content-defined chunks of whole subjects: a new chunk starts
    at each subject whose CRC-32 is a multiple of `every`, wherever it is, so about `every`
    subjects a chunk. The boundaries depend on the subjects, not on byte counts: a change in
    a few subjects changes their chunks only (a new or removed subject may also join or split
    the chunks around it), and the other chunks of two versions of a dump are the same bytes
    — what is made of each (`turtle_body`, `trig_block`, `jsonld_body`) can be reused.

    `starts(subject, offset)`, if given, hears where each subject's lines start (the subject
    as written, without the space after it; the byte offset in the lines)."""
    buf: list[bytes] = []
    subject = b"\0"  # the current subject with the space after it
    crc32 = zlib.crc32
    pos = 0
    for line in lines:
        if not line.startswith(subject):
            subject = line[:line.index(b" ") + 1]
            if starts is not None:
                starts(subject[:-1], pos)
            if buf and crc32(subject) % every == 0:
                yield b"".join(buf)
                buf = []
        buf.append(line)
        pos += len(line)
    if buf:
        yield b"".join(buf)


def chunk_key(*parts: bytes) -> bytes:
    """The key of a chunk (`subject_chunks`), and of what else its use depends on (a graph's name).

    SHA-256: with the CPU's SHA extensions (x86 SHA-NI, ARMv8), OpenSSL's is about twice as
    fast as BLAKE2b here (0.14 s against 0.27 s for the 205 MB of a 30k edition's N-Triples,
    `benchmarks/chunk_keys.py`), and every chunk of every dump is hashed."""
    h = hashlib.sha256()
    for p in parts:
        h.update(len(p).to_bytes(8, "big"))
        h.update(p)
    return h.digest()


def _without_prefixes(body: bytes) -> bytes:
    """pyoxigraph's output without its @prefix lines."""
    at = 0
    while body.startswith(b"@prefix ", at):
        at = body.index(b"\n", at) + 1
    return body[at:]


def prefix_head(prefixes: dict[str, str]) -> bytes:
    """The @prefix lines of our Turtle and TriG, in sorted order (not pyoxigraph's)."""
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(prefixes.items())).encode("utf-8")


def turtle_body(chunk: bytes, prefixes: dict[str, str]) -> bytes:
    """Turtle of a chunk of sorted N-Triples (`subject_chunks`) by pyoxigraph, without the
    @prefix lines: a dump is `prefix_head` and its chunks' bodies, the same bytes as
    pyoxigraph writing the whole (each subject's lines are written on their own)."""
    return _without_prefixes(ox.serialize(ox.parse(chunk, ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.TURTLE,
                                          prefixes=prefixes))


def trig_block(chunk: bytes, graph: str, prefixes: dict[str, str]) -> bytes:
    """TriG of a chunk of sorted N-Triples in the named graph `graph`, by pyoxigraph, without
    the @prefix lines: one graph block, its first line opening it ("<graph> {"), its last
    closing it ("}"). A graph of several chunks is one opening line, the chunks' blocks
    without theirs, one closing line: the same bytes as pyoxigraph writing the whole."""
    g = ox.NamedNode(graph)
    quads = (ox.Quad(t.subject, t.predicate, t.object, g) for t in ox.parse(chunk, ox.RdfFormat.N_TRIPLES))
    return _without_prefixes(ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes))


def trig_of_turtle(body: bytes) -> bytes:
    """A graph block of TriG (without its opening and closing lines) from the Turtle body of
    the same triples under the same prefixes (`turtle_body`): pyoxigraph writes each line of
    it indented by a tab. Every line end in its Turtle is one (a literal's is escaped)."""
    return b"\t" + body[:-1].replace(b"\n", b"\n\t") + b"\n" if body else b""


def trig_prefixes(base: str) -> dict[str, str]:
    """The prefixes our TriG declares: Turtle's and the catalogue's vocabularies (its graph)."""
    return turtle_prefixes(base, CATALOGUE_VOCABULARIES)


def jsonld_body(chunk: bytes, c: "Compactor") -> bytes:
    """The JSON-LD node objects of a chunk of sorted N-Triples (`jsonld_nodes_of_lines`), one
    a line, separated by ",\n": a dump's "@graph" array is its chunks' bodies joined the same way."""
    dumps = json.dumps
    return ",\n".join(dumps(n, ensure_ascii=False, sort_keys=True)
                      for n in jsonld_nodes_of_lines(chunk, c)).encode("utf-8")


def jsonld_head(context: dict, context_url: str | None = None) -> bytes:
    """The start of a JSON-LD dump, up to its "@graph" array (the context embedded, or its URL)."""
    head = context_url if context_url is not None else context["@context"]
    return ('{"@context": ' + json.dumps(head, ensure_ascii=False) + ', "@graph": [\n').encode("utf-8")


JSONLD_SEPARATOR, JSONLD_TAIL = b",\n", b"\n]}\n"


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


def turtle_dump(nt, prefixes: dict[str, str]) -> bytes:
    """Turtle of a large graph, by pyoxigraph from its sorted N-Triples (bytes, or its triples
    already parsed, `parsed`): subjects in order, grouped with ';' and ','. Linear and
    streaming, unlike rdflib's pretty serialiser. The @prefix lines are written in sorted
    order here, not in pyoxigraph's."""
    triples = ox.parse(nt, ox.RdfFormat.N_TRIPLES) if isinstance(nt, bytes) else nt
    body = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
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


def trig(nq: bytes, base: str) -> bytes:
    """TriG of the sorted N-Quads `nq`, by pyoxigraph: graphs in IRI order, each graph's
    subjects in order, grouped with ';' and ','. Linear, like `turtle_dump` (rdflib's
    serialiser took most of a 10k-observation build's render stage)."""
    quads = sorted(ox.parse(nq, ox.RdfFormat.N_QUADS), key=lambda q: q.graph_name.value)  # stable
    declared = trig_prefixes(base)
    return _sorted_prefix_lines(ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=declared), declared)


def _sorted_prefix_lines(body: bytes, prefixes: dict[str, str]) -> bytes:
    """`body` with its @prefix lines replaced by ours, in sorted order (not pyoxigraph's)."""
    return prefix_head(prefixes) + _without_prefixes(body)


def gzipped(data: bytes) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=6) as gz:
        gz.write(data)
    return buf.getvalue()


def jsonld_context(base: str) -> dict:
    """The published @context: our prefixes, so compact IRIs read as in the Turtle."""
    return {"@context": prefixes(base, JSONLD_OWN)}


class Compactor:
    """Compact IRIs for a context of prefixes only (ours), each IRI compacted once."""

    RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

    def __init__(self, context: dict[str, str]):
        # longest namespace first, so code: wins over a shorter prefix of it
        self.prefixes = sorted(((ns, p) for p, ns in context.items()), key=lambda x: -len(x[0]))
        self.namespaces = tuple(ns for ns, _p in self.prefixes)  # one test for "under none of them"
        self.cache: dict[str, str] = {}  # IRI → compacted; emptied past CACHED (a national site has millions)

    CACHED = 1 << 16

    def iri(self, iri: str) -> str:
        c = self.cache.get(iri)
        if c is None:
            if len(self.cache) >= self.CACHED:  # bounded memory: the same dict, emptied (callers hold it)
                self.cache.clear()
            c = iri
            for ns, p in self.prefixes if iri.startswith(self.namespaces) else ():
                if iri.startswith(ns) and not iri[len(ns):].startswith("//"):
                    c = f"{p}:{iri[len(ns):]}"
                    break
            self.cache[iri] = c
        return c


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def parsed(nt) -> Iterator:
    """The pyoxigraph triples of N-Triples (bytes, or a file path)."""
    return (ox.parse(nt, ox.RdfFormat.N_TRIPLES) if isinstance(nt, bytes)
            else ox.parse(path=str(nt), format=ox.RdfFormat.N_TRIPLES))


_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
_ECHARS = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _unescaped(text: str) -> str:
    """An N-Triples string or IRI with its escapes (ECHAR, UCHAR) replaced by what they stand for."""
    if "\\" not in text:
        return text
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)) if m.group(3) is None
                       else _ECHARS[m.group(3)], text)


def _triples_of_lines(nt: bytes) -> Iterator[tuple]:
    """The triples of canonical N-Triples lines (as `ntriples` and pyoxigraph write them: one
    triple a line, single spaces, no comments) read as text, without a pyoxigraph object per
    term: (subject as written, predicate IRI, object kind, object value, language, datatype
    IRI), the kind being "<" (IRI), "_" (blank node) or '"' (literal). Lines end at "\\n"
    only (a literal may hold U+2028, which `str.splitlines` would take for a line end)."""
    for line in nt.decode("utf-8").split("\n"):
        if not line:
            continue
        i = line.index(" ")
        j = line.index(" ", i + 1)
        subject, predicate, o = line[:i], _unescaped(line[i + 2:j - 1]), line[j + 1:-2]
        kind = o[0]
        if kind == "<":
            yield subject, predicate, kind, _unescaped(o[1:-1]), None, None
        elif kind == "_":
            yield subject, predicate, kind, o, None, None
        else:
            q = o.rindex('"')
            suffix = o[q + 1:]
            if suffix[:1] == "@":
                yield subject, predicate, kind, _unescaped(o[1:q]), suffix[1:], None
            else:
                yield subject, predicate, kind, _unescaped(o[1:q]), None, _unescaped(suffix[3:-1]) if suffix else _XSD_STRING


def jsonld_nodes_of_lines(nt: bytes, c: "Compactor") -> Iterator[dict]:
    """`jsonld_nodes` of canonical N-Triples bytes (`ntriples`, or a slice of the sorted dump),
    read as text (`_triples_of_lines`): the same nodes, without a pyoxigraph object per term.
    For the pages' descriptions, a few thousand small documents."""
    iri, cache, rdf_type = c.iri, c.cache, Compactor.RDF_TYPE
    node: dict = {}
    subject = None

    def done() -> dict:
        return {k: (v[0] if len(v) == 1 else v) if k != "@id" else v for k, v in node.items()}

    for s, p, kind, ov, lang, dt in _triples_of_lines(nt):
        if s != subject:
            if node:
                yield done()
            subject = s
            node = {"@id": s if s[0] == "_" else iri(_unescaped(s[1:-1]))}
        if kind == "<":
            if p == rdf_type:
                node.setdefault("@type", []).append(cache.get(ov) or iri(ov))
                continue
            value = {"@id": cache.get(ov) or iri(ov)}
        elif kind == "_":
            if p == rdf_type:
                node.setdefault("@type", []).append(ov)
                continue
            value = {"@id": ov}
        elif lang:
            value = {"@language": lang, "@value": ov}
        else:
            value = ov if dt == _XSD_STRING else {"@type": cache.get(dt) or iri(dt), "@value": ov}
        key = cache.get(p) or iri(p)
        values = node.get(key)
        if values is None:
            node[key] = [value]
        else:
            values.append(value)
    if node:
        yield done()


def jsonld_nodes(nt, c: "Compactor") -> Iterator[dict]:
    """The JSON-LD node objects of sorted N-Triples (bytes, or a file path; parsed by pyoxigraph;
    or their triples already parsed, `parsed`), compacted by `c`: one node per subject, in
    subject order, values in N-Triples order, a single value not wrapped in an array. The whole
    dump (`jsonld`) and each page's description use it."""
    iri, cache, rdf_type = c.iri, c.cache, Compactor.RDF_TYPE
    NamedNode, BlankNode = ox.NamedNode, ox.BlankNode
    node: dict = {}
    subject = None

    def done() -> dict:
        return {k: (v[0] if len(v) == 1 else v) if k != "@id" else v for k, v in node.items()}

    for t in (parsed(nt) if isinstance(nt, (bytes, str)) or hasattr(nt, "__fspath__") else nt):
        s, o = t.subject, t.object
        sid = "_:" + s.value if type(s) is BlankNode else s.value
        if sid != subject:
            if node:
                yield done()
            subject = sid
            node = {"@id": sid if sid.startswith("_:") else iri(sid)}
        p = t.predicate.value
        kind = type(o)
        if kind is NamedNode:
            ov = o.value
            if p == rdf_type:
                node.setdefault("@type", []).append(cache.get(ov) or iri(ov))
                continue
            value = {"@id": cache.get(ov) or iri(ov)}
        elif kind is BlankNode:
            value = {"@id": "_:" + o.value}
            if p == rdf_type:
                node.setdefault("@type", []).append(value["@id"])
                continue
        elif o.language:
            value = {"@language": o.language, "@value": o.value}
        else:
            dt = o.datatype.value
            value = o.value if dt == _XSD_STRING else {"@type": cache.get(dt) or iri(dt), "@value": o.value}
        key = cache.get(p) or iri(p)
        values = node.get(key)
        if values is None:
            node[key] = [value]
        else:
            values.append(value)
    if node:
        yield done()


def jsonld(g: Graph | None, context: dict, context_url: str | None = None, *, nt: bytes | None = None) -> bytes:
    """JSON-LD compacted with `context` ({"@context": {prefix: namespace}}), which is embedded
    in the document (self-contained: a reader needs no network), or, given `context_url`,
    referenced by that URL.

    Streamed from the sorted N-Triples (`jsonld_nodes`): one node a line. `context_url` None:
    the context is embedded (a self-contained download)."""
    return b"".join(jsonld_chunks(nt if nt is not None else ntriples(g), context, context_url))


def jsonld_chunks(nt: bytes, context: dict, context_url: str | None = None) -> Iterator[bytes]:
    """`jsonld` of sorted N-Triples bytes (parsed by pyoxigraph: `jsonld_nodes`), as a stream of
    byte chunks. Without `context_url` the context is embedded. (The whole dump is written
    chunk by chunk from its file by `publish.dumps.JsonLd`, with `jsonld_body`.)"""
    yield jsonld_head(context, context_url)
    dumps, c = json.dumps, Compactor(context["@context"])
    first = True
    for node in jsonld_nodes(nt, c):
        line = dumps(node, ensure_ascii=False, sort_keys=True).encode("utf-8")
        yield line if first else JSONLD_SEPARATOR + line
        first = False
    yield JSONLD_TAIL


def jsonld_embedded(g: Graph) -> bytes:
    """Self-contained JSON-LD of a small graph (the context, its bound prefixes, is embedded:
    harvesters need not fetch it)."""
    context = {p: str(ns) for p, ns in sorted(g.namespaces()) if p}
    doc = json.loads(g.serialize(format="json-ld", context=context, auto_compact=True))
    graph = doc.get("@graph", [doc] if "@id" in doc else [])
    graph = [{k: v for k, v in node.items() if k != "@context"} for node in graph]
    out = {"@context": context, "@graph": sorted_json(graph)}
    return (json.dumps(out, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def rdflib_term(t, *, plain_strings: bool = False):
    """A pyoxigraph term as an rdflib term. `plain_strings`: an xsd:string literal becomes a
    plain literal (as rdflib parses N-Triples); otherwise it keeps its datatype (as pyoxigraph
    reports it: what pySHACL sees of a store)."""
    if isinstance(t, ox.NamedNode):
        return URIRef(t.value)
    if isinstance(t, ox.BlankNode):
        return BNode(t.value)
    if t.language:
        return Literal(t.value, lang=t.language)
    dt = t.datatype.value
    return Literal(t.value, datatype=None if plain_strings and dt == _XSD_STRING else URIRef(dt))
