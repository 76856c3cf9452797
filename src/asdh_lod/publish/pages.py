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

Observations are hash IRIs (`data/provincial/obs/25/2025#total/asdep/total/payments`):
the document before the `#` gets the four files, describing every observation of that
province and period, and its page has a section per observation whose `id` is the
fragment. At national scale that is a few thousand documents instead of 100,000 pages.
Pages that list figures (the dataset, a province, a programme, a period …) show at most
FIGURE_LIMIT of them and CHART_LIMIT charts, and say where the rest are.

Everything is made from the mapper's triples and the sorted N-Triples of the whole (a
resource's description is a slice of it): no rdflib graph is built. What repeats by the
million (links, property lists, figure tables, observation sections) is rendered by the
Python functions below rather than by Jinja macros; the page frames are Jinja templates.

A resource is described by its concise bounded description (its outgoing triples, with
the closure over blank nodes); the namespace `def/` is described by the whole ontology.
The HTML page adds the resources that link to it ("used by"), labels in Turkish and
English, the source quote of an observation, tables and SVG charts of the figures, and
the same description as embedded JSON-LD.

The description documents of `catalog` (`{base}catalog`, the DCAT-AP catalogue, and
`{base}void`, the VoID description) are documents, not resources of the graph: their RDF
variants come from `catalog.description_files`, and each gets one HTML page here
(`catalog.html`, `void.html`) with a section per resource it describes. The resources that
exist only inside a document have hash IRIs (`{base}catalog#distribution-turtle`); their
section carries the fragment as its `id`, so the hash IRI lands on it.
"""

from __future__ import annotations

import json
import posixpath
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from urllib.parse import unquote

from jinja2 import Environment
from markupsafe import Markup, escape
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from . import charts, templating
from . import conneg
from ..core import parallel
from ..core.resources import TEMPLATES
from ..rdf.files import FILES, LISTED, release_path
from ..rdf.serialise import Compactor, jsonld_embedded, jsonld_nodes, ntriples, turtle_dump, turtle_prefixes
from ..rdf.vocab import JSONLD_OWN, QB, prefixes
from ..stages.changes import history
from ..stages.mapping import Mapped
from ..model.records import Fact, Model
from ..model.numbers import exact_decimal
from ..rdf.uris import Uris

# file extension → media type of each RDF variant, in the order pages list them
VARIANTS = {"ttl": "text/turtle", "jsonld": "application/ld+json", "nt": "application/n-triples"}
VARIANT_NAMES = {"ttl": "Turtle", "jsonld": "JSON-LD", "nt": "N-Triples"}
STYLESHEET = "style.css"
FAVICON = "favicon.svg"
HOME = "index"

# the figures the dataset page charts: people served and money paid, per programme
HEADLINE_INDICATORS = ("beneficiaries", "payments")
PREDICATE_ORDER = [RDF.type, SKOS.prefLabel, RDFS.label, DCTERMS.title, SKOS.definition,
                   DCTERMS.description]


def environment() -> Environment:
    return templating.environment(filters={"json_script": json_script, "link": link_html, "rows": rows_html,
                                           "section": section_html},
                                  functions={"figures_table": figures_table})


def json_script(value) -> Markup:
    """JSON for a `<script>` element: `<`, `>` and `&` escaped as \\u003c…, so no string in
    the data (e.g. a quote containing `</script>`) can end the element early."""
    return json_script_text(json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True))


def json_script_text(text: str) -> Markup:
    """`json_script` of JSON already written as text (indented, keys sorted)."""
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def number_text(value: Fraction) -> str:
    """A figure as English readers write it: 1,100,000; 12.5; 1,234.75."""
    if value.denominator == 1:
        return f"{value.numerator:,}"
    dec = exact_decimal(value)
    return format(dec.normalize() if dec is not None else Decimal(float(value)).quantize(Decimal("0.01")), ",f")


@dataclass
class Resource:
    uri: URIRef
    stem: str      # the URI's path below the base, as written in the URI (percent-encoded)
    members: tuple[URIRef, ...] = ()  # for a document of hash IRIs (`…/obs/25/2025`): the IRIs it describes

    @property
    def file_stem(self) -> str:
        """Where its files are, as a web server maps the URI path to the file system."""
        return unquote(self.stem)


@lru_cache(maxsize=1 << 18)
def relative(target: str, start_dir: str) -> str:
    """`posixpath.relpath(target, start_dir)` for site paths (no `.` or `..` in them), cached:
    a build computes hundreds of thousands of links between a few thousand folders."""
    t = target.split("/")
    s = start_dir.split("/") if start_dir else []
    i = 0
    while i < len(s) and i < len(t) - 1 and s[i] == t[i]:
        i += 1
    return "/".join([".."] * (len(s) - i) + t[i:])


# -- the HTML of links, values and property lists: plain functions, not Jinja macros (a national
# build renders millions of them; a macro call costs ten times a function call)

def link_html(t: dict) -> Markup:
    html = t.get("html")
    if html is None:
        html = t["html"] = _link_html(t)  # terms are cached per folder (Site.term): so is their HTML
    return html


def _link_html(t: dict) -> Markup:
    cls = ' class="ext"' if t["external"] else ""
    head = f'<a href="{escape(t["href"])}"{cls} title="{escape(t["uri"])}">'
    en, tr = t["en"], t["tr"]
    if not (en or tr):
        return Markup(f'{head}<code>{escape(t["curie"])}</code></a>')
    text = str(escape(en)) if en else ""
    if tr and tr != en:
        text += (" · " if en else "") + f'<span lang="tr">{escape(tr)}</span>'
    return Markup(f"{head}{text}</a>")


def value_html(v: dict) -> Markup:
    if v["kind"] == "link":
        html = v.get("value_html")
        if html is None:  # a link is a cached term (Site.term): so is its HTML as a value
            out = str(link_html(v))
            if v["en"] or v["tr"]:
                out += f' <code class="curie">{escape(v["curie"])}</code>'
            html = v["value_html"] = Markup(out)
        return html
    if v["kind"] == "literal":
        lang = v["lang"]
        out = f'<span lang="{escape(lang)}">' if lang else "<span>"
        out += f'{escape(v["text"])}</span>'
        if lang:
            out += f' <small class="tag">@{escape(lang)}</small>'
        if v["datatype"]:
            out += f' <small class="tag">{escape(v["datatype"])}</small>'
        return Markup(out)
    return Markup(f'<dl class="bnode">{rows_html(v["rows"])}</dl>')


def rows_html(rows: list[dict]) -> Markup:
    out = []
    for r in rows:
        out.append(f"<dt>{link_html(r['predicate'])}</dt>\n")
        out.extend(f"<dd>{value_html(v)}</dd>\n" for v in r["values"])
    return Markup("".join(out))


_FIGURES_HEAD = ('<thead><tr><th scope="col">Province</th><th scope="col">Period</th><th scope="col">Programme</th>'
                 '<th scope="col">Target group</th><th scope="col">Indicator</th><th scope="col" class="num">Value</th>'
                 '<th scope="col">Unit</th></tr></thead>\n')


def figures_table(rows: list[dict], caption: str) -> Markup:
    """A table of figures (`Site.figure_rows`): province, period, programme, target group,
    indicator (linked to the observation), value, unit."""
    c = escape(caption)
    out = [f'<div class="scroll" role="region" aria-label="{c}" tabindex="0">\n<table>\n<caption>{c}</caption>\n',
           _FIGURES_HEAD, "<tbody>\n"]
    for f in rows:
        out.append(f'<tr><td>{escape(f["province"])}</td><td>{escape(f["period"])} <small>{escape(f["kind"])}</small></td>'
                   f'<td>{escape(f["programme"])}</td><td>{escape(f["target"])}</td>'
                   f'<th scope="row"><a href="{escape(f["href"])}">{escape(f["indicator"])}</a></th>'
                   f'<td class="num">{"≈ " if f["approximate"] else ""}{escape(f["value"])}</td><td>{escape(f["unit"])}</td></tr>\n')
    out.append("</tbody>\n</table>\n</div>")
    return Markup("".join(out))


def section_html(s: dict) -> Markup:
    """One observation's section of its document (observations.html): the figure, its quotes
    and source, its properties and what uses it. In Python, like `figures_table`: a national
    build renders 100,000 of them."""
    sid = escape(s["id"])
    tr = f' <span class="tr" lang="tr">{escape(s["tr"])}</span>' if s["tr"] and s["tr"] != s["title"] else ""
    out = [f'<section id="{sid}" aria-labelledby="{sid}-h">\n<h2 id="{sid}-h">{escape(s["title"])}{tr}</h2>\n'
           f'<p class="uri"><code>{escape(s["uri"])}</code></p>\n']
    if s["types"]:
        out.append(f'<p class="types">{", ".join(link_html(t) for t in s["types"])}</p>\n')
    o = s["observation"]
    if o:
        approx = "≈ " if o["approximate"] else ""
        out.append(f'<p class="figure">{approx}<strong>{escape(o["value"])}</strong> {escape(o["unit"])} '
                   f'<span lang="tr">({escape(o["unit_tr"])})</span></p>\n')
        if o["approximate"]:
            to = f' to the nearest {escape(o["precision"])}' if o["precision"] else ""
            out.append(f"<p>Approximate: the source rounds it{to}.</p>\n")
        cite = escape(o["text_href"])
        for q in o["quotes"]:
            out.append(f'<blockquote lang="tr" cite="{cite}"><p>{escape(q["before"])}<mark>{escape(q["figure"])}</mark>'
                       f'{escape(q["after"])}</p></blockquote>\n')
        out.append(f'<p>Source: {link_html(o["document"])} (<a href="{cite}">full text</a>).</p>\n')
        if o["note"]:
            out.append(f'<p class="note">{escape(o["note"])}</p>\n')
        if o.get("history"):  # its values through the releases that revised it (stages/changes.py)
            steps = " → ".join(f'{escape(h["value"])} in <a href="{escape(h["href"])}">{escape(h["release"])}</a>'
                               for h in o["history"])
            notes = "".join(f'<p class="note">{escape(h["release"])}: {escape(h["note"])}</p>\n'
                            for h in o["history"] if h["note"])
            out.append(f'<p class="history">Revised: {steps}.</p>\n{notes}')
    out.append(f'<details>\n<summary>Properties</summary>\n<dl class="props">\n{rows_html(s["rows"])}</dl>\n</details>\n')
    if s["used_by"]:
        parts = []
        for u in s["used_by"]:
            more = f' and {u["more"]:,} more' if u["more"] else ""
            parts.append(f'{link_html(u["predicate"])} <span class="muted">of</span> '
                         f'{", ".join(link_html(x) for x in u["subjects"])}{more}')
        out.append(f'<p class="used-by">Used by:\n{"; ".join(parts)}\n</p>\n')
    out.append("</section>\n")
    return Markup("".join(out))


# pages of other modules that every page's navigation links to when they are published
QUERIES_PAGE = "queries/index.html"  # querypage.py: the example queries with their answers
SPARQL_PAGE = "sparql/index.html"  # querypage.py: SPARQL in the browser
CSV_DOWNLOAD = FILES["csv"].path

# Pages that list figures (the dataset, a province, a programme, an indicator, a period …)
# show at most this many rows and charts: at national scale the dataset has 100,000 figures.
# The rest are one link away (the CSV, the observation pages, SPARQL), and the page says so.
FIGURE_LIMIT = 250
CHART_LIMIT = 24
USED_BY_LIMIT = 100  # subjects listed per property under "Used by"


def chrome(stem: str, uris: Uris, dataset_title: dict, existing: set[str] | dict) -> dict:
    """What base.html needs around a page at `stem` (site path without .html): relative links
    to the stylesheet, the home, dataset and ontology pages and, where published, the query pages."""
    start = posixpath.dirname(stem)

    def page(u: URIRef) -> str:
        path = str(u)[len(uris.base):]
        return relative((path + "index" if path == "" or path.endswith("/") else path) + ".html", start)

    return {"css": relative(STYLESHEET, start), "icon": relative(FAVICON, start), "home": relative(HOME + ".html", start),
            "dataset_href": page(uris.dataset), "ontology_href": page(uris.ontology),
            "queries_href": relative(QUERIES_PAGE, start) if QUERIES_PAGE in existing else None,
            "sparql_href": relative(SPARQL_PAGE, start) if SPARQL_PAGE in existing else None,
            "dataset_title": dataset_title}


def subject_spans(nt: bytes) -> dict[bytes, tuple[int, int]]:
    """Where each subject's lines are in sorted N-Triples: {subject as written: (start, end)}.
    Sorted N-Triples keep a subject's lines together, so a resource's description is a slice."""
    spans: dict[bytes, tuple[int, int]] = {}
    prev, start, pos = None, 0, 0
    for line in nt.splitlines(keepends=True):
        subj = line[:line.index(b" ")]
        if subj != prev:
            if prev is not None:
                spans[prev] = (start, pos)
            prev, start = subj, pos
        pos += len(line)
    if prev is not None:
        spans[prev] = (start, pos)
    return spans


class Site:
    def __init__(self, model: Model, mapped: Mapped, existing: set[str] | dict, nt: bytes):
        """`nt`: the sorted N-Triples of every published triple (`publish.ntriples`), from which
        each resource's description is sliced; the triples themselves are indexed once here."""
        self.model, self.mapped = model, mapped
        self.uris = mapped.uris
        self.base = base = mapped.uris.base
        self.context = prefixes(self.base, JSONLD_OWN)
        self.prefixes = sorted(((ns, p) for p, ns in self.context.items()), key=lambda x: -len(x[0]))
        self.facts: dict[URIRef, Fact] = {}
        self.releases: list = []  # the site's releases, oldest first (render_pages)
        self.history: dict[str, list] = {}  # observation IRI → its revisions (stages.changes.history)
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
        for s, p, o in mapped.triples():
            po[s].append((p, o))
            if type(o) is URIRef and o.startswith(base):
                mentioned.add(o)
                if type(s) is not BNode:
                    incoming[o].append((p, s))
            if type(s) is URIRef and s.startswith(base):
                mentioned.add(s)
            if p.startswith(base):
                mentioned.add(p)
        self.po, self.incoming_links = po, incoming
        self.files = {u: str(u)[len(base):] for u in mentioned if str(u)[len(base):] in existing}
        hashed: dict[URIRef, list[URIRef]] = defaultdict(list)
        for u in mentioned:
            if "#" in u and u not in self.files:
                hashed[URIRef(u[:u.index("#")])].append(u)
        plain = {u for u in mentioned if "#" not in u and u not in self.files and u not in hashed}
        self.resources = {u: Resource(u, self._stem(u), tuple(sorted(hashed.get(u, ()))))
                          for u in sorted(plain | set(hashed))}
        self.hash_doc = {m: r for r in self.resources.values() for m in r.members}
        self.nt, self.spans = nt, subject_spans(nt)
        self.existing = existing
        self.env = environment()
        self._labels: dict[URIRef, dict[str, str]] = {}
        self._curies: dict[URIRef, str] = {}
        self._terms: dict[tuple[str, URIRef], dict] = {}  # (page folder, URI) → its link
        self._folders: dict[str, str] = {}  # page stem → its folder
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

    def _stem(self, u: URIRef) -> str:
        path = str(u)[len(self.base):]
        return path + "index" if path == "" or path.endswith("/") else path

    # -- the triples --------------------------------------------------------------------------
    def predicate_objects(self, s) -> list:
        return list(dict.fromkeys(self.po.get(s, ())))  # a triple may repeat across graphs

    def objects(self, s, p) -> list:
        return [o for q, o in self.predicate_objects(s) if q == p]

    def value_of(self, s, p):
        return next(iter(self.objects(s, p)), None)

    def incoming(self, u: URIRef) -> list[tuple[URIRef, URIRef]]:
        return list(dict.fromkeys(self.incoming_links.get(u, ())))

    def description_nt(self, r: Resource) -> bytes:
        """The resource's concise bounded description (for a document of hash IRIs: theirs), as
        sorted N-Triples sliced from the whole; the `def/` namespace is the whole ontology."""
        if r.uri == self.uris.ontology:
            return ntriples(self.mapped.ontology)
        parts, todo, seen = [], list(r.members or (r.uri,)), set()
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

    # -- links and labels -----------------------------------------------------------------
    def folder(self, stem: str) -> str:
        """The folder of the page `stem` (cached: every link of a page asks)."""
        f = self._folders.get(stem)
        if f is None:
            f = self._folders[stem] = posixpath.dirname(stem)
        return f

    def rel(self, from_stem: str, target: str) -> str:
        """A relative link from the page `from_stem`.html to the site path `target`."""
        return relative(target, self.folder(from_stem))

    def href(self, from_stem: str, u: URIRef) -> str | None:
        r = self.resources.get(u)
        if r is not None:
            return self.rel(from_stem, r.stem + ".html")
        r = self.hash_doc.get(u)
        if r is not None:
            return self.rel(from_stem, r.stem + ".html") + u[u.index("#"):]
        if u in self.files:
            return self.rel(from_stem, self.files[u])
        if u in self.anchors:
            return self.rel(from_stem, self.anchors[u])
        if str(u) == self.base:  # the site's root (foaf:homepage): the home page
            return self.rel(from_stem, HOME + ".html")
        if str(u).startswith(self.base) and str(u)[len(self.base):] in self.existing:  # a file the published graph does not mention
            return self.rel(from_stem, str(u)[len(self.base):])
        if str(u).startswith(self.base):  # a release (its folder's page) or a part of its record (catalog.ttl#…)
            path, hash_, frag = str(u)[len(self.base):].partition("#")
            for f in (path + "index.html", path + ".ttl"):
                if f in self.existing:
                    return self.rel(from_stem, f) + hash_ + frag
        if str(u).startswith(self.base):  # pragma: no cover - every mentioned URI is one of the two
            raise AssertionError(f"no document for {u}")
        return str(u)

    def curie(self, u: URIRef) -> str:
        c = self._curies.get(u)
        if c is None:
            c = self._curies[u] = self._curie(u)
        return c

    def _curie(self, u: URIRef) -> str:
        s = str(u)
        for ns, p in self.prefixes:
            if s.startswith(ns) and len(s) > len(ns):
                return f"{p}:{s[len(ns):]}"
        if s.startswith(self.base):  # for display: our own URIs read as their path
            return s[len(self.base):] or s
        return s

    def labels(self, u: URIRef) -> dict[str, str]:
        if u not in self._labels:
            self._labels[u] = self._find_labels(u)
        return self._labels[u]

    def _find_labels(self, u: URIRef) -> dict[str, str]:
        if u in self.facts:
            return self.fact_labels(self.facts[u])
        out: dict[str, str] = {}
        for pred in (SKOS.prefLabel, RDFS.label, DCTERMS.title):
            for o in sorted(self.objects(u, pred)):
                if isinstance(o, Literal) and (o.language or "") not in out:
                    out[o.language or ""] = str(o)
        if not out and u in self.resources and self.resources[u].members:
            out = self.document_labels(self.resources[u])
        if not out:
            notation = self.value_of(u, SKOS.notation)
            out[""] = str(notation) if notation is not None else self.curie(u)
        return out

    def concept_label(self, scheme: str, code: str, lang: str = "en") -> str:
        c = self.model.schemes[scheme].concepts.get(code)
        if c is None:  # the country concept of the provinces
            return self.label_text(self.uris.concept(scheme, code), lang)
        return c.label.get(lang) or c.label.get("en") or code

    def label_text(self, u: URIRef, lang: str = "en") -> str:
        ls = self.labels(u)
        return ls.get(lang) or ls.get("en") or ls.get("") or next(iter(ls.values()))

    def fact_labels(self, f: Fact) -> dict[str, str]:
        out = {}
        for lang in ("en", "tr"):
            cl = lambda s, c: self.concept_label(s, c, lang)  # noqa: E731
            out[lang] = (f"{cl('programme', f.programme)}: {cl('indicator', f.indicator)} "
                         f"({cl('target-group', f.target_group)}), {cl('province', f.province)}, "
                         f"{f.period.notation} {cl('period-kind', f.period_kind)}")
        return out

    def document_labels(self, r: Resource) -> dict[str, str]:
        """"Erzurum Province, 2025": the document of one province's figures of one period."""
        facts = [self.facts[m] for m in r.members if m in self.facts]
        if not facts:
            return {"": self.curie(r.uri)}
        f = facts[0]
        return {lang: f"{self.concept_label('province', f.province, lang)}, {f.period.notation}"
                for lang in ("en", "tr")}

    def term(self, from_stem: str, u: URIRef) -> dict:
        """A link to `u` from the page `from_stem`: href, labels, short name (cached per folder:
        the same links repeat on every page of a folder). Callers must not change it."""
        key = (self.folder(from_stem), u)
        t = self._terms.get(key)
        if t is None:
            t = self._terms[key] = self._term(from_stem, u)
        return t

    def _term(self, from_stem: str, u: URIRef) -> dict:
        ls = self.labels(u) if (u in self.resources or u in self.hash_doc or u in self.files
                                or u in self.anchors or self._has_label(u)) else {}
        if ls.get("") == self.curie(u):  # no label: the link shows the URI's short form only
            ls = {}
        return {"kind": "link", "uri": str(u), "curie": self.curie(u), "href": self.href(from_stem, u),
                "external": not str(u).startswith(self.base),
                "en": ls.get("en") or ls.get("") or "", "tr": ls.get("tr", "")}

    def _has_label(self, u: URIRef) -> bool:
        return any(p in (RDFS.label, SKOS.prefLabel) for p, _o in self.po.get(u, ()))

    def value(self, from_stem: str, o, depth: int = 0, graph: Graph | None = None) -> dict:
        if isinstance(o, URIRef):
            return self.term(from_stem, o)
        if isinstance(o, BNode):
            return {"kind": "bnode", "rows": self.rows(from_stem, o, depth + 1, graph) if depth < 4 else []}
        dt = o.datatype
        return {"kind": "literal", "text": str(o), "lang": o.language or "",
                "datatype": self.curie(dt) if dt is not None and dt != XSD.string else ""}

    def rows(self, from_stem: str, s, depth: int = 0, graph: Graph | None = None) -> list[dict]:
        """The properties of `s` in `graph` (default: the published triples), with linked values."""
        by_pred: dict[URIRef, list] = defaultdict(list)
        for p, o in (self.predicate_objects(s) if graph is None else graph.predicate_objects(s)):
            by_pred[p].append(o)
        order = {p: i for i, p in enumerate(PREDICATE_ORDER)}
        preds = sorted(by_pred, key=lambda p: (order.get(p, len(order)), self.curie(p)))
        return [{"predicate": self.term(from_stem, p),
                 "values": [self.value(from_stem, o, depth, graph) for o in sorted(by_pred[p], key=_sort_key)]}
                for p in preds]

    def used_by(self, stem: str, u: URIRef) -> list[dict]:
        by_pred: dict[URIRef, list[URIRef]] = defaultdict(list)
        for p, s in self.incoming(u):
            by_pred[p].append(s)
        out = []
        for p, subs in sorted(by_pred.items(), key=lambda x: self.curie(x[0])):
            subs = sorted(set(subs))
            out.append({"predicate": self.term(stem, p),
                        "subjects": [self.term(stem, s) for s in subs[:USED_BY_LIMIT]],
                        "more": max(0, len(subs) - USED_BY_LIMIT)})
        return out

    # -- figures, tables and charts ---------------------------------------------------------
    def figure_rows(self, from_stem: str, facts: list[Fact], limit: int | None = None) -> list[dict]:
        rows = []
        for f in sorted(facts, key=lambda f: f.key)[:limit]:
            u = self.fact_uri(f)
            cl = self.concept_label
            rows.append({"href": self.href(from_stem, u), "province": cl("province", f.province),
                         "period": f.period.notation, "kind": cl("period-kind", f.period_kind),
                         "programme": cl("programme", f.programme), "target": cl("target-group", f.target_group),
                         "indicator": cl("indicator", f.indicator), "value": number_text(f.value),
                         "approximate": f.approximate, "unit": cl("unit", f.unit)})
        return rows

    def figures(self, ctx: dict, stem: str, facts: list[Fact]) -> None:
        """The figures table of a page (at most FIGURE_LIMIT rows) and where the rest are."""
        ctx["figures"] = self.figure_rows(stem, facts, FIGURE_LIMIT)
        ctx["figures_total"] = len(facts)
        ctx["csv_href"] = self.rel(stem, CSV_DOWNLOAD) if CSV_DOWNLOAD in self.existing else None

    def chart_set(self, from_stem: str, facts: list[Fact], key, bar_label, title, prefix: str,
                  indicators: tuple[str, ...] | None = None) -> list[dict]:
        groups: dict[tuple, list[Fact]] = defaultdict(list)
        for f in facts:
            if indicators is None or f.indicator in indicators:
                groups[key(f)].append(f)
        rank = {ind: i for i, ind in enumerate(HEADLINE_INDICATORS)}
        out = []
        for k in sorted(groups, key=lambda k: (rank.get(groups[k][0].indicator, len(rank)), k)):
            fs = groups[k]
            if len(fs) < 2:
                continue
            if len(out) == CHART_LIMIT:
                break
            parts = {id(f): bar_label(f) for f in fs}
            # say only what tells the bars apart: drop the parts every bar shares
            keep = [i for i in range(len(parts[id(fs[0])])) if len({p[i] for p in parts.values()}) > 1]
            label = {k: ", ".join(p[i] for i in keep) or ", ".join(p) for k, p in parts.items()}
            fs = sorted(fs, key=lambda f: (-f.value, label[id(f)]))[:FIGURE_LIMIT]
            unit = self.concept_label("unit", fs[0].unit)
            bars = [charts.Bar(label[id(f)], float(f.value), f"{number_text(f.value)} {unit}",
                               self.href(from_stem, self.fact_uri(f))) for f in fs]
            ident = f"{prefix}-{len(out) + 1}"
            heading = title(fs[0])
            desc = (f"Bar chart of {len(bars)} figures in {unit}; the largest is {bars[0].label} with "
                    f"{bars[0].text}. The table below the chart gives the same figures.")
            out.append({"id": ident, "title": heading, "svg": Markup(charts.bar_chart(ident, heading, desc, bars)),
                        "rows": self.figure_rows(from_stem, fs)})
        return out

    def observation_documents(self, stem: str, facts: list[Fact]) -> list[dict]:
        """The observation documents (one per province and period) that hold `facts`."""
        counts: dict[URIRef, int] = defaultdict(int)
        for f in facts:
            counts[self.hash_doc[self.fact_uri(f)].uri] += 1
        return [{**self.term(stem, d), "count": n} for d, n in sorted(counts.items())]

    # -- documents ----------------------------------------------------------------------------
    def jsonld_text(self, nt: bytes) -> str:
        """The description as JSON-LD, compacted with our prefixes (the context is embedded):
        one node a line, keys sorted (json's C encoder; an indented dump is pure Python)."""
        if not hasattr(self, "_compactor"):
            self._compactor = Compactor(self.context)
            self._context_text = json.dumps(self.context, ensure_ascii=False, sort_keys=True)
        nodes = [json.dumps(n, ensure_ascii=False, sort_keys=True) for n in jsonld_nodes(nt, self._compactor)]
        return '{"@context": ' + self._context_text + ',\n"@graph": [\n' + ",\n".join(nodes) + "\n]}"

    def common(self, stem: str, title: str, lang_title: dict) -> dict:
        return {**chrome(stem, self.uris, self.model.dataset.title, self.existing), "title": title,
                "labels": lang_title}

    def alternates(self, stem: str) -> list[dict]:
        return [{"href": self.rel(stem, stem + "." + ext), "type": t, "name": VARIANT_NAMES[ext]}
                for ext, t in VARIANTS.items()]

    def page(self, r: Resource, jsonld: str) -> bytes:
        if r.members:
            return self.members_page(r, jsonld)
        stem, u = r.stem, r.uri
        types = set(self.objects(u, RDF.type))
        ls = self.labels(u)
        ctx = self.common(stem, ls.get("en") or ls.get("") or self.curie(u), ls)
        ctx.update(uri=str(u), curie=self.curie(u), rows=self.rows(stem, u), used_by=self.used_by(stem, u),
                   alternates=self.alternates(stem),
                   types=[self.term(stem, t) for t in sorted(types)], jsonld=json_script_text(jsonld),
                   figures=None, figures_total=0, csv_href=None, obs_docs=None,
                   charts=[], ontology=None, definition=self._definition(u),
                   catalog_href=self.rel(stem, DOCUMENT_PAGES[0][0] + ".html")
                   if u == self.uris.dataset and DOCUMENT_PAGES[0][0] in self.documents else None)
        facts = self.all_facts
        A = self.uris.asdh
        ctx["releases"] = self.release_links(stem) if u == self.uris.dataset else []
        if QB.DataSet in types:
            self.figures(ctx, stem, facts)
            ctx["charts"] = self.headline_charts(stem)
        elif A.Province in types:
            code = str(self.value_of(u, SKOS.notation))
            mine = self.by_province.get(code, [])
            self.figures(ctx, stem, mine)
            ctx["obs_docs"] = self.observation_documents(stem, mine)
            ctx["charts"] = self.chart_set(
                stem, mine, key=lambda f: (f.indicator, f.unit, f.period.notation, f.period_kind),
                bar_label=lambda f: (self.concept_label('programme', f.programme), self.concept_label('target-group', f.target_group)),
                title=lambda f: f"{self.measure(f)} per programme, {self.where_when(f)}", prefix="chart")
        elif A.Programme in types:
            code = str(self.value_of(u, SKOS.notation))
            mine = self.by_programme.get(code, [])
            self.figures(ctx, stem, mine)
            ctx["charts"] = self.chart_set(
                stem, mine, key=lambda f: (f.indicator, f.unit),
                bar_label=lambda f: (self.concept_label('province', f.province),
                                     f"{f.period.notation} {self.concept_label('period-kind', f.period_kind)}",
                                     self.concept_label('target-group', f.target_group)),
                title=lambda f: f"{self.measure(f)} of {self.concept_label('programme', f.programme)} by province",
                prefix="chart")
        elif u in self.fact_concepts:
            mine = self.fact_concepts[u]
            self.figures(ctx, stem, mine)
            if A.SourceDocument in types or u in self.period_uris:
                ctx["obs_docs"] = self.observation_documents(stem, mine)
        if u == self.uris.ontology:
            ctx["ontology"] = self.ontology_index(stem)
        return self.env.get_template("resource.html").render(ctx).encode("utf-8")

    def members_page(self, r: Resource, jsonld: str) -> bytes:
        """The page of a document of hash IRIs (the observations of one province and period):
        a section per observation, whose `id` is the fragment, so the hash IRI lands on it."""
        stem = r.stem
        ls = self.labels(r.uri)
        sections = []
        for m in r.members:
            frag = m[m.index("#") + 1:]
            mls = self.labels(m)
            f = self.facts.get(m)
            sections.append({"id": frag, "uri": str(m), "title": mls.get("en") or mls.get("") or self.curie(m),
                             "tr": mls.get("tr", ""), "types": [self.term(stem, t) for t in sorted(self.objects(m, RDF.type))],
                             "observation": self.observation(stem, f) if f is not None else None,
                             "rows": self.rows(stem, m), "used_by": self.used_by(stem, m)})
        ctx = self.common(stem, ls.get("en") or ls.get("") or self.curie(r.uri), ls)
        facts = [self.facts[m] for m in r.members if m in self.facts]
        ctx.update(uri=str(r.uri), sections=sections, alternates=self.alternates(stem), jsonld=json_script_text(jsonld),
                   dataset=self.term(stem, self.uris.dataset),
                   province=self.term(stem, self.uris.concept("province", facts[0].province)) if facts else None,
                   period=self.term(stem, self.uris.period(facts[0].period)) if facts else None)
        return self.env.get_template("observations.html").render(ctx).encode("utf-8")

    @property
    def period_uris(self) -> set[URIRef]:
        if not hasattr(self, "_period_uris"):
            self._period_uris = {self.uris.period(f.period) for f in self.all_facts}
        return self._period_uris

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

    def _definition(self, u: URIRef) -> dict[str, str]:
        out = {}
        for pred in (SKOS.definition, DCTERMS.description, RDFS.comment):
            for o in sorted(self.objects(u, pred)):
                if isinstance(o, Literal) and o.language in ("en", "tr") and o.language not in out:
                    out[o.language] = str(o)
        return out

    def measure(self, f: Fact) -> str:
        """e.g. "Beneficiaries (children)": what a chart's bars count, in which unit."""
        return f"{self.concept_label('indicator', f.indicator)} ({self.concept_label('unit', f.unit)})"

    def where_when(self, f: Fact) -> str:
        kind = self.concept_label("period-kind", f.period_kind)
        return f"{self.concept_label('province', f.province)}, {f.period.notation} ({kind[:1].lower()}{kind[1:]})"

    def headline_charts(self, stem: str) -> list[dict]:
        return self.chart_set(
            stem, self.all_facts, key=lambda f: (f.province, f.indicator, f.unit, f.period.notation, f.period_kind),
            bar_label=lambda f: (self.concept_label('programme', f.programme), self.concept_label('target-group', f.target_group)),
            title=lambda f: f"{self.measure(f)} per programme, {self.where_when(f)}",
            prefix="chart", indicators=HEADLINE_INDICATORS)

    def observation(self, stem: str, f: Fact) -> dict:
        doc = self.fact_doc[self.fact_uri(f)]
        quotes = []
        for q in [f.quote, *f.also_quoted]:
            i = q.quote.find(q.figure)
            parts = (q.quote[:i], q.figure, q.quote[i + len(q.figure):]) if i >= 0 else (q.quote, "", "")
            quotes.append({"before": parts[0], "figure": parts[1], "after": parts[2]})
        return {"value": number_text(f.value), "unit": self.concept_label("unit", f.unit),
                "unit_tr": self.concept_label("unit", f.unit, "tr"), "approximate": f.approximate,
                "precision": number_text(f.precision) if f.precision is not None else "",
                "quotes": quotes, "document": self.term(stem, self.uris.source(doc.id)),
                "text_href": self.href(stem, self.uris.source_text(doc.id)), "note": f.note or "",
                "history": [{"release": v, "value": _figure(value), "note": note,
                             "href": self.rel(stem, release_path(v, "page"))}
                            for v, value, note in self.history.get(str(self.fact_uri(f)), ())]}

    def release_links(self, stem: str) -> list[dict]:
        """The releases, newest first, for the home and dataset pages."""
        return [{"version": r.version, "issued": r.issued.isoformat(), "note": r.note,
                 "href": self.rel(stem, release_path(r.version, "page")), "summary": r.changelog.summary()
                 if r.previous else "the first release"} for r in reversed(self.releases)]

    def ontology_index(self, stem: str) -> list[dict]:
        onto = self.mapped.ontology
        groups = [("Classes", OWL.Class), ("Object properties", OWL.ObjectProperty),
                  ("Datatype properties", OWL.DatatypeProperty), ("Annotation properties", OWL.AnnotationProperty),
                  ("Named individuals", OWL.NamedIndividual)]
        out = []
        for name, cls in groups:
            terms = sorted(s for s in onto.subjects(RDF.type, cls)
                           if isinstance(s, URIRef) and str(s).startswith(str(self.uris.asdh)))
            if terms:
                out.append({"name": name, "terms": [{**self.term(stem, t), "definition": self._definition(t)}
                                                    for t in terms]})
        return out

    # -- the home page -----------------------------------------------------------------------------
    def home(self) -> bytes:
        info, u = self.model.dataset, self.uris
        stem = HOME
        ctx = self.common(stem, info.title["en"], info.title)
        periods = sorted({f.period for f in self.all_facts}, key=lambda p: (p.begin or p.end, p.end))
        publisher = self.concept_label("organisation", info.publisher)
        schema = {
            "@context": "https://schema.org/", "@type": "Dataset", "@id": str(u.dataset),
            "name": info.title["en"], "alternateName": info.title["tr"],
            "description": info.description["en"], "url": self.base, "identifier": str(u.dataset),
            "license": info.license, "isAccessibleForFree": True, "inLanguage": ["tr", "en"],
            "keywords": [w for lang in sorted(info.keywords) for w in info.keywords[lang]],
            "datePublished": info.issued.isoformat(),
            "publisher": {"@type": "Organization", "name": publisher},
            "creator": {"@type": "Organization", "name": publisher},
            "spatialCoverage": {"@type": "Place", "name": "Türkiye"},
            "temporalCoverage": f"{(periods[0].begin or periods[0].end).isoformat()}/{periods[-1].end.isoformat()}",
            "variableMeasured": sorted({self.concept_label("indicator", f.indicator) for f in self.all_facts}),
            "isBasedOn": [str(u.source(s.document.id)) for s in self.model.sources],
            "distribution": [{"@type": "DataDownload", "contentUrl": self.base + path, "encodingFormat": mt,
                              "name": f"{info.title['en']} ({fmt})"}
                             for path, fmt, mt in ((FILES[k].path, FILES[k].label, FILES[k].media_type)
                                                   for k in ("turtle", "json-ld", "n-triples-gzip", "csv"))],
        }
        schemes = [self.term(stem, u.scheme(sid)) | {"count": len(s.concepts)}
                   for sid, s in sorted(self.model.schemes.items())]
        sources = [self.term(stem, u.source(s.document.id)) | {"count": len(s.facts)} for s in self.model.sources]
        downloads = [(f.path, f.what, f.label) for f in LISTED] + [
            (name + ".html", what, "HTML") for name, what in DOCUMENT_PAGES if name in self.documents]
        ctx.update(info=info, schema=schema, charts=self.headline_charts(stem), schemes=schemes, sources=sources,
                   downloads=[{"href": self.rel(stem, p), "what": w, "format": fmt} for p, w, fmt in downloads],
                   observations=len(self.all_facts),
                   provinces=[self.term(stem, u.concept("province", c))
                              for c in sorted({f.province for f in self.all_facts})],
                   programmes=len({f.programme for f in self.all_facts}), publisher=publisher,
                   releases=self.release_links(stem))
        return self.env.get_template("home.html").render(ctx).encode("utf-8")


    # -- the description documents (catalogue, VoID) -----------------------------------------------
    def document_page(self, name: str, g: Graph, jsonld: str) -> bytes:
        """The page of the document `{base}{name}`: a section per resource it describes, the
        document first, then the dataset, then its hash IRIs (each section's id is the
        fragment), then the other resources it says something about (publisher, themes, …)."""
        doc, stem = URIRef(self.base + name), name
        view = _DocumentView(self, g)
        subjects = {s for s in g.subjects() if isinstance(s, URIRef)}
        hashes = {s: str(s)[len(doc) + 1:] for s in subjects if str(s).startswith(str(doc) + "#")}
        rank = lambda s: (0 if s == doc else 1 if s == self.uris.dataset else 2 if s in hashes else 3, str(s))  # noqa: E731
        sections = []
        for s in sorted(subjects, key=rank):
            ls = view.labels(s)
            own = s not in hashes and s != doc  # a resource with a page of its own: link to it
            sections.append({"id": hashes.get(s), "uri": str(s), "curie": view.curie(s),
                             "title": ls.get("en") or ls.get("") or view.curie(s), "tr": ls.get("tr", ""),
                             "href": view.href(stem, s) if own else None,
                             "types": [view.term(stem, t) for t in sorted(g.objects(s, RDF.type))],
                             "rows": view.rows(stem, s, graph=g)})
        ls = view.labels(doc)
        ctx = self.common(stem, ls.get("en") or ls.get("") or name, ls)
        ctx.update(uri=str(doc), sections=sections, jsonld=json_script_text(jsonld),
                   alternates=self.alternates(stem),
                   definition=view._definition(doc))
        return self.env.get_template("document.html").render(ctx).encode("utf-8")


class _DocumentView(Site):
    """A site whose labels and short names also come from one description document (the
    catalogue labels the EU vocabularies' terms it uses; our graph does not hold them)."""

    def __init__(self, site: Site, g: Graph):  # noqa: D107 - shares the site's state
        self.__dict__.update(site.__dict__)
        self.doc_graph = g
        self._labels, self._curies, self._terms = {}, {}, {}  # its labels and prefixes differ: own caches
        extra = {str(ns): p for p, ns in g.namespaces() if p and str(ns) not in {n for n, _ in site.prefixes}}
        self.prefixes = sorted([*site.prefixes, *extra.items()], key=lambda x: (-len(x[0]), x[1]))

    def predicate_objects(self, s) -> list:
        return list(dict.fromkeys([*self.doc_graph.predicate_objects(s), *self.po.get(s, ())]))

    def _has_label(self, u: URIRef) -> bool:
        return super()._has_label(u) or any(
            True for p in (RDFS.label, SKOS.prefLabel) for _ in self.doc_graph.objects(u, p))


# the description documents that get a page (catalog.py's names), with what the home page says of them
DOCUMENT_PAGES = [("catalog", "The DCAT-AP catalogue record, as a page: dataset, distributions, checksums"),
                  ("void", "The VoID description, as a page: dumps, statistics, vocabularies, subsets")]


def _figure(text: str) -> str:
    """A value of the change log as people read it: 5939 → 5,939."""
    try:
        return number_text(Fraction(text))
    except (ValueError, ZeroDivisionError):
        return text


def _sort_key(o) -> tuple:
    return (0 if isinstance(o, URIRef) else 1 if isinstance(o, Literal) else 2, str(o),
            getattr(o, "language", None) or "")


def render_pages(model: Model, mapped: Mapped, nt: bytes, existing: set[str],
                 documents: dict[str, Graph] | None = None, progress=None,
                 releases=()) -> Iterator[tuple[str, bytes]]:
    """The pages and RDF variants of every resource, the home page and the stylesheet, and
    the HTML page of each description document (`documents`: name → graph, from
    `catalog.description_files`, whose RDF variants are among `existing`), one (path, bytes)
    at a time. `releases` (oldest first): listed on the home and dataset pages; an observation
    they revised shows its history.

    `nt` is the sorted N-Triples of every published triple (each description is a slice of
    it); `existing` are the paths of the other published files: a URI naming one of them is
    that file and gets no page of its own. `progress()` is called once per resource."""
    site = Site(model, mapped, existing, nt)
    site.releases, site.history = list(releases), history(r.changelog for r in releases)
    ttl_prefixes = turtle_prefixes(mapped.uris.base)
    site.add_documents(documents or {})
    assets = TEMPLATES

    def checked(path: str, data: bytes) -> tuple[str, bytes]:
        if path in existing:  # pragma: no cover - a URI pattern that maps onto a download would be a uris.py bug
            raise AssertionError(f"a page would overwrite the published file {path}")
        return path, data

    yield checked(HOME + ".html", site.home())
    yield checked(STYLESHEET, assets.joinpath(STYLESHEET).read_bytes())
    yield checked(FAVICON, assets.joinpath(FAVICON).read_bytes())
    # the resources' files are independent of each other: with many, forked workers render
    # them (they inherit the site, caches and all) and send back bytes (parallel.page_workers)
    resources = list(site.resources.values())
    for files in parallel.ordered(_resource_files, resources, (site, ttl_prefixes),
                                  parallel.page_workers(len(resources))):
        for path, data in files:
            yield checked(path, data)
        if progress:
            progress()
    for name, g in site.documents.items():
        yield checked(name + ".html", site.document_page(name, g, jsonld_embedded(g).decode("utf-8")))
    for path, data in conneg.server_files().items():
        yield checked(path, data)


def _resource_files(state: tuple[Site, dict[str, str]], chunk: list[Resource]) -> list[list[tuple[str, bytes]]]:
    """The page and the three RDF variants of each resource of `chunk` (in a worker or here)."""
    site, prefixes = state
    out = []
    for r in chunk:
        desc = site.description_nt(r)
        text = site.jsonld_text(desc)
        out.append([(r.file_stem + ".html", site.page(r, text)),
                    (r.file_stem + ".ttl", turtle_dump(desc, prefixes)),  # pyoxigraph: rdflib's took most of the render stage
                    (r.file_stem + ".jsonld", (text + "\n").encode("utf-8")),
                    (r.file_stem + ".nt", desc)])
    return out
