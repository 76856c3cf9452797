"""The site's index of the published triples: which resources get pages, where their files
are, their descriptions, and the facts behind the figures. No HTML, no I/O.

Every URI under the base IRI that the published graph mentions gets, at the path the
URI names (percent-decoded, as a web server maps it), one page and three RDF variants;
observations are hash IRIs, described by the document before the `#` (one province and
period). A URI that names a published file itself (`sources/x.txt`) needs no page.

Everything is made from the mapper's triples and the sorted N-Triples of the whole (a
resource's description is a slice of it): no rdflib graph is built. The triples are indexed
once, here; the links and labels (`links`) and the page views (`views`) read this index.
"""

from __future__ import annotations

import json
from array import array
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from rdflib import BNode, Graph, URIRef

from ..model.records import Fact, Model
from ..core.fsio import FileBytes
from ..rdf.serialise import JSONLD_SEPARATOR, Compactor, jsonld_nodes_of_lines, ntriples
from ..rdf.vocab import JSONLD_OWN, prefixes
from ..stages.mapping import Mapped


@dataclass
class Resource:
    uri: URIRef
    stem: str      # the URI's path below the base, as written in the URI (percent-encoded)
    members: tuple[URIRef, ...] = ()  # for a document of hash IRIs (`…/obs/25/2025`): the IRIs it describes

    @property
    def file_stem(self) -> str:
        """Where its files are, as a web server maps the URI path to the file system."""
        return unquote(self.stem)


class SubjectSpans:
    """Where each subject's lines are in sorted N-Triples, {subject as written: (start, end,
    first, stop)}: the bytes, and the subjects' ordinals (the first subject's, and one past
    the last: their JSON-LD nodes, `NodeTexts`), collected from where a pass over them sees
    each subject start (`starts` of `serialise.subject_chunks`, which the dumps' pass makes
    anyway: no pass of its own). Sorted N-Triples keep a subject's lines together, so a
    resource's description is a slice.

    Hash IRIs are kept by document: every subject `<doc#…>` is under the one key `<doc#` (their
    lines are together too, `#` being part of the prefix they share). A national edition has
    100,000 observations but a few thousand documents of them: that many fewer entries held."""

    def __init__(self) -> None:
        self.spans: dict[bytes, tuple[int, int, int, int]] = {}
        self._prev: bytes | None = None
        self._start = self._first = 0
        self.subjects = 0  # seen so far

    def __call__(self, subject: bytes, start: int) -> None:
        hashed = subject.find(b"#")
        if hashed >= 0 and subject[:1] == b"<":
            subject = subject[:hashed + 1]
        if subject != self._prev:
            if self._prev is not None:
                self.spans[self._prev] = (self._start, start, self._first, self.subjects)
            self._prev, self._start, self._first = subject, start, self.subjects
        self.subjects += 1

    def close(self, end: int) -> dict[bytes, tuple[int, int, int, int]]:
        """The spans, once the pass is over (`end`: the size of the lines)."""
        if self._prev is not None:
            self.spans[self._prev] = (self._start, end, self._first, self.subjects)
            self._prev = None
        return self.spans


class NodeTexts:
    """The JSON-LD dump's node objects, one a subject in the sorted N-Triples' order, read back
    from its file by the subjects' ordinals (`SubjectSpans`): a page's JSON-LD is the nodes of
    its description, the same text as the dump's (`SiteIndex.description_jsonld`), not made
    again. `starts`: where each node starts in the file, and where one more would
    (`dumps.JsonLd.node_starts`); the nodes are separated by ",\n"."""

    def __init__(self, path: Path, starts: array, subjects: int):
        if len(starts) != subjects + 1:  # pragma: no cover - a node a subject, or a bug
            raise AssertionError(f"{len(starts) - 1} JSON-LD nodes for {subjects} subjects")
        self.file, self.starts = FileBytes(path), starts

    def text(self, first: int, stop: int) -> str:
        """The nodes of the subjects `first` to `stop` (exclusive), separated by ",\n"."""
        return self.file[self.starts[first]:self.starts[stop] - len(JSONLD_SEPARATOR)].decode("utf-8")

    def close(self) -> None:
        self.file.close()


def subject_spans(nt: bytes) -> dict[bytes, tuple[int, int, int, int]]:
    """`SubjectSpans` of sorted N-Triples, in a pass of their own."""
    spans, pos, subject = SubjectSpans(), 0, b"\0"
    for line in nt.splitlines(keepends=True):
        if not line.startswith(subject):
            subject = line[:line.index(b" ") + 1]
            spans(subject[:-1], pos)
        pos += len(line)
    return spans.close(pos)


def page_stem(base: str, u: URIRef) -> str:
    """The site path (without .html) of the page of `u`: `def/` → `def/index`."""
    path = str(u)[len(base):]
    return path + "index" if path == "" or path.endswith("/") else path


class SiteIndex:
    def __init__(self, model: Model, mapped: Mapped, existing: set[str] | dict, nt: bytes,
                 spans: dict[bytes, tuple[int, int, int, int]] | None = None, nodes: NodeTexts | None = None):
        """`nt`: the sorted N-Triples of every published triple (`publish.ntriples`), from which
        each resource's description is sliced; the triples themselves are indexed once here.
        `existing`: the paths of the other published files. `spans`: `subject_spans(nt)`, if
        a pass over `nt` collected them already (`SubjectSpans`). `nodes`: the JSON-LD dump's
        nodes of `nt`, if written (`NodeTexts`): the pages' JSON-LD is sliced from them."""
        self.model, self.mapped = model, mapped
        self.uris = mapped.uris
        self.base = base = mapped.uris.base
        self.context = prefixes(self.base, JSONLD_OWN)
        self.prefixes = sorted(((ns, p) for p, ns in self.context.items()), key=lambda x: -len(x[0]))
        self.facts: dict[URIRef, Fact] = {}
        self.fact_doc = {}
        self._fact_uri: dict[int, URIRef] = {}  # id(fact) → its URI, minted once
        self.all_facts: list[Fact] = []  # `model.facts` builds a new list each time: once here
        self.by_province: dict[str, list[Fact]] = defaultdict(list)
        self.by_programme: dict[str, list[Fact]] = defaultdict(list)
        for src in model.sources:
            for f in src.facts:
                u = self._fact_uri[id(f)] = self.uris.fact(f)
                self.facts[u] = f
                self.fact_doc[u] = src.document
                self.all_facts.append(f)
                self.by_province[f.province].append(f)
                self.by_programme[f.programme].append(f)
        # one pass over every triple: outgoing (subject → [(p, o)]), incoming links, our URIs
        po: dict = defaultdict(list)
        incoming: dict = defaultdict(list)
        mentioned: set[URIRef] = set()
        pairs: dict = {}  # one tuple per distinct (p, o): most repeat (rdf:type, qb:dataSet, dimensions …)
        predicates: dict = {}  # one object per predicate: the pages' caches then find theirs by identity
        starts = str.startswith  # rdflib's URIRef.startswith is Python: str(self).startswith(…)
        for s, p, o in mapped.triples():
            p = predicates.setdefault(p, p)
            if type(o) is URIRef:
                pair = (p, o)
                po[s].append(pairs.setdefault(pair, pair))
                if type(s) is not BNode and starts(o, base):
                    incoming[o].append((p, s))
            else:
                po[s].append((p, o))  # literals rarely repeat
        # our URIs: once each from the distinct subjects, predicates and (p, IRI) pairs, not
        # once a triple
        mentioned.update(s for s in po if type(s) is URIRef and starts(s, base))
        mentioned.update(p for p in predicates if starts(p, base))
        mentioned.update(o for _p, o in pairs if starts(o, base))
        del pairs, predicates
        self.po, self.incoming_links = po, incoming
        self.files = {u: str(u)[len(base):] for u in mentioned if str(u)[len(base):] in existing}
        hashed: dict[URIRef, list[URIRef]] = defaultdict(list)
        documents: dict[str, URIRef] = {}  # a document's IRI made once, not once a hash IRI
        for u in mentioned:
            if "#" in u and u not in self.files:
                name = u[:u.index("#")]
                doc = documents.get(name)
                if doc is None:
                    doc = documents[name] = URIRef(name)
                hashed[doc].append(u)
        plain = {u for u in mentioned if "#" not in u and u not in self.files and u not in hashed}
        # sorted as their IRIs (key=str: rdflib's __lt__ is Python; the same order for URIs)
        self.resources = {u: Resource(u, page_stem(base, u), tuple(sorted(hashed.get(u, ()), key=str)))
                          for u in sorted(plain | set(hashed), key=str)}
        self.hash_doc = {m: r for r in self.resources.values() for m in r.members}
        self.nt, self.spans = nt, spans if spans is not None else subject_spans(nt)
        self.nodes = nodes
        self.existing = existing
        # description documents (catalog.py) → their graphs; their URIs and hash IRIs → page#anchor
        self.documents: dict[str, Graph] = {}
        self.anchors: dict[URIRef, str] = {}

    def fact_uri(self, f: Fact) -> URIRef:
        return self._fact_uri[id(f)]

    def add_documents(self, documents: dict[str, Graph]) -> None:
        """Know the description documents: links to `{base}name` and `{base}name#x` go to
        `name.html` and `name.html#x`."""
        for name, g in sorted(documents.items()):
            doc = URIRef(self.base + name)
            if doc in self.resources or name + ".html" in self.existing:  # pragma: no cover - uris.py bug
                raise AssertionError(f"the document {doc} would clash with a page or file")
            self.documents[name] = g
            self.anchors[doc] = name + ".html"
            for t in {t for triple in g for t in triple if isinstance(t, URIRef)}:
                if str(t).startswith(str(doc) + "#"):
                    self.anchors[t] = f"{name}.html#{str(t)[len(doc) + 1:]}"

    # -- the triples --------------------------------------------------------------------------
    def predicate_objects(self, s) -> list:
        return list(dict.fromkeys(self.po.get(s, ())))  # a triple may repeat across graphs

    def objects(self, s, p) -> list:
        return [o for q, o in self.predicate_objects(s) if q == p]

    def value_of(self, s, p):
        return next(iter(self.objects(s, p)), None)

    # -- the facts behind the figures -----------------------------------------------------------
    @property
    def period_uris(self) -> set[URIRef]:
        if not hasattr(self, "_period_uris"):
            self._period_uris = {self.uris.period(f.period) for f in self.all_facts}
        return self._period_uris

    @property
    def indicator_uris(self) -> set[URIRef]:
        if not hasattr(self, "_indicator_uris"):
            self._indicator_uris = {self.uris.concept("indicator", f.indicator) for f in self.all_facts}
        return self._indicator_uris

    @property
    def fact_concepts(self) -> dict[URIRef, list[Fact]]:
        """Target groups, indicators, periods, period kinds, units, documents → their facts."""
        if not hasattr(self, "_fact_concepts"):
            idx: dict[URIRef, list[Fact]] = defaultdict(list)
            u = self.uris
            for src in self.model.sources:
                for f in src.facts:
                    for key in (u.concept("target-group", f.target_group), u.concept("indicator", f.indicator),
                                u.period(f.period), u.concept("period-kind", f.period_kind),
                                u.concept("unit", f.unit), u.source(src.document.id)):
                        idx[key].append(f)
            self._fact_concepts = idx
        return self._fact_concepts

    def prepare(self) -> None:
        """Make the indexes the pages make when first asked (`fact_concepts` …) now: before
        page workers are forked, so that they share them rather than each making its own
        (a recycled worker would make them again: `parallel.RECYCLE`)."""
        _made = self.fact_concepts, self.period_uris, self.indicator_uris
        self._json_tools()

    # -- descriptions ----------------------------------------------------------------------------
    def description_nt(self, r: Resource) -> bytes:
        """The resource's concise bounded description (for a document of hash IRIs: theirs), as
        sorted N-Triples sliced from the whole; the `def/` namespace is the whole ontology."""
        if r.uri == self.uris.ontology:
            return ntriples(self.mapped.ontology)
        parts, seen = [], set()
        span = self.spans.get(self._span_key(r))
        if span is not None:  # its lines (a document's members': one slice), then its blank nodes
            parts.append(self.nt[span[0]:span[1]])
        todo = self._blank_objects(r)
        while todo:
            s = todo.pop()
            if s in seen:
                continue
            seen.add(s)
            key = (f"_:{s}" if type(s) is BNode else f"<{s}>").encode("utf-8")
            span = self.spans.get(key)
            if span is not None:
                parts.append(self.nt[span[0]:span[1]])
            todo.extend(o for _p, o in self.po.get(s, ()) if type(o) is BNode)
        return b"".join(sorted(parts))

    @staticmethod
    def _span_key(r: Resource) -> bytes:
        """The key of its lines in `spans` (`SubjectSpans`)."""
        return (f"<{r.uri}#" if r.members else f"<{r.uri}>").encode("utf-8")

    def _blank_objects(self, r: Resource) -> list[BNode]:
        """The blank nodes its triples (a document's: its members') have as objects."""
        return [o for m in (r.members or (r.uri,)) for _p, o in self.po.get(m, ()) if type(o) is BNode]

    def description_jsonld(self, r: Resource) -> str | None:
        """`jsonld_text(description_nt(r))` sliced from the JSON-LD dump's nodes (`NodeTexts`):
        when its description is its own lines only (no blank node), their nodes are the dump's,
        one after another. None when it cannot be sliced (no dump's nodes, blank nodes, the
        ontology): make it from `description_nt`."""
        if self.nodes is None or r.uri == self.uris.ontology or self._blank_objects(r):
            return None
        span = self.spans.get(self._span_key(r))
        if span is None:
            return None
        return self._jsonld_document(self.nodes.text(span[2], span[3]))

    def jsonld_text(self, nt: bytes) -> str:
        """The description (sorted N-Triples: `description_nt`) as JSON-LD, compacted with our
        prefixes (the context is embedded): one node a line, keys sorted (json's C encoder,
        without making one each time; an indented dump is pure Python). The N-Triples are read
        as text (`serialise.jsonld_nodes_of_lines`), not by pyoxigraph."""
        self._json_tools()
        encode = self._encode
        nodes = [encode(n) for n in jsonld_nodes_of_lines(nt, self._compactor)]
        return self._jsonld_document(",\n".join(nodes))

    def _jsonld_document(self, nodes: str) -> str:
        """A page's JSON-LD: the context embedded, then its node objects (one a line, separated
        by ",\n", as the JSON-LD dump writes them) in "@graph"."""
        self._json_tools()
        return '{"@context": ' + self._context_text + ',\n"@graph": [\n' + nodes + "\n]}"

    def _json_tools(self) -> None:
        if not hasattr(self, "_compactor"):
            self._compactor = Compactor(self.context)
            self._context_text = json.dumps(self.context, ensure_ascii=False, sort_keys=True)
            self._encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
