"""Links, labels and relative paths between the site's pages, and the HTML of links, values
and property lists. No I/O.

Pages link relatively (the site works from any host or folder, offline): `relative` gives
the path from a page's folder to a site path, `chrome` the links of the frame around every
page, `Links` the link to any URI from any page (`term`: href, labels, short name, cached
per folder) and the property lists of a resource (`rows_html`, `used_by`).

What repeats by the million (links, values, property lists) is rendered by the plain
functions below rather than by Jinja macros: a macro call costs ten times a function call.
A property list is written straight from the subject's triples (`rows_html`), without a
dictionary per value; the HTML of a link, of a URI as a value and of a predicate's `<dt>`
is cached with the link, per folder (relative hrefs depend only on the page's folder).
"""

from __future__ import annotations

import json
import posixpath
from functools import lru_cache

from markupsafe import Markup
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from ..model.records import Fact
from ..rdf.files import FILES
from ..rdf.uris import Uris
from .i18n import html_text, label
from .site_index import Resource, SiteIndex

# file extension → media type of each RDF variant, in the order pages list them
VARIANTS = {"ttl": "text/turtle", "jsonld": "application/ld+json", "nt": "application/n-triples"}
VARIANT_NAMES = {"ttl": "Turtle", "jsonld": "JSON-LD", "nt": "N-Triples"}
STYLESHEET = "style.css"
FAVICON = "favicon.svg"
HOME = "index"
# pages of other modules that every page's navigation links to when they are published
QUERIES_PAGE = "queries/index.html"  # querypage.py: the example queries with their answers
SPARQL_PAGE = "sparql/index.html"  # querypage.py: SPARQL in the browser
CSV_DOWNLOAD = FILES["csv"].path

PREDICATE_ORDER = [RDF.type, SKOS.prefLabel, RDFS.label, DCTERMS.title, SKOS.definition,
                   DCTERMS.description]
_ORDER = {p: i for i, p in enumerate(PREDICATE_ORDER)}
# rdflib's namespaces look a term up on every attribute access (`RDF.type`): the hot paths read these
RDF_TYPE = RDF.type
LABEL_PREDICATES = (SKOS.prefLabel, RDFS.label, DCTERMS.title)
NAMING_PREDICATES = (RDFS.label, SKOS.prefLabel)  # a URI "has a label" (`Links._has_label`)
NAMING_SET = frozenset(NAMING_PREDICATES)  # (`in` a tuple compares with rdflib's __eq__, in Python)
DEFINITION_PREDICATES = (SKOS.definition, DCTERMS.description, RDFS.comment)
SKOS_NOTATION = SKOS.notation
XSD_STRING = XSD.string
USED_BY_LIMIT = 100  # subjects listed per property under "Used by"


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


def json_script(value) -> Markup:
    """JSON for a `<script>` element: `<`, `>` and `&` escaped as \\u003c…, so no string in
    the data (e.g. a quote containing `</script>`) can end the element early."""
    return json_script_text(json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True))


def json_script_text(text: str) -> Markup:
    """`json_script` of JSON already written as text (indented, keys sorted)."""
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


# -- the HTML of links, values and property lists

def link_html(t: dict) -> Markup:
    html = t.get("html")
    if html is None:
        html = t["html"] = _link_html(t)  # terms are cached per folder (Links.term): so is their HTML
    return html


def _link_html(t: dict) -> Markup:
    cls = ' class="ext"' if t["external"] else ""
    head = f'<a href="{html_text(t["href"])}"{cls} title="{html_text(t["uri"])}">'
    en, tr = t["en"], t["tr"]
    if not (en or tr):
        return Markup(f'{head}<code>{html_text(t["curie"])}</code></a>')
    return Markup(f"{head}{label(tr, en)}</a>")


def _sort_key(o) -> tuple:
    return (0 if isinstance(o, URIRef) else 1 if isinstance(o, Literal) else 2, str(o),
            getattr(o, "language", None) or "")


class Links:
    """Links to any URI from any page, the labels they show, and a resource's property lists."""

    def __init__(self, index: SiteIndex):
        self.index = index
        self.model, self.uris, self.base = index.model, index.uris, index.base
        self.prefixes = index.prefixes
        self._namespaces: tuple[str, ...] | None = None
        self._dt_tags: dict[URIRef, str] = {}  # datatype → its tag after a literal
        self._row_keys: dict[URIRef, tuple] = {}  # predicate → where its row goes in a property list
        self._labels: dict[URIRef, dict[str, str]] = {}
        self._curies: dict[URIRef, str] = {}
        self._folder_terms: dict[str, dict[URIRef, dict]] = {}  # page folder → URI → its link
        self._terms: dict[str, dict[URIRef, dict]] = {}  # page stem → its folder's links
        self._folders: dict[str, str] = {}  # page stem → its folder
        self._cached_terms = 0  # links made since the caches were last emptied (`trim`)
        self.bi_labels: dict[tuple[str, str], Markup] = {}  # (scheme, code) → its label in both languages (figures)

    CACHED = 1 << 16  # entries a cache may hold before `trim` empties it

    def trim(self) -> None:
        """Empty the caches of links, labels and short names that have grown past CACHED: a
        national site asks for millions of them, each page mostly its own (pages are rendered
        in URI order, folder by folder), so bounded caches lose little and keep memory flat.
        Called between pages; what is cached is a function of the index alone, so the output
        does not change."""
        if self._cached_terms > self.CACHED:
            self._folder_terms.clear()
            self._terms.clear()
            self._cached_terms = 0
        for cache in (self._labels, self._curies, self._folders):
            if len(cache) > self.CACHED:
                cache.clear()

    # the triples the labels come from (a description document adds its own)
    def pairs(self, s):
        """The (predicate, object) pairs of `s`, repeats possible (`grouped` drops them)."""
        return self.index.po.get(s, ())

    def objects(self, s, p) -> list:
        return list(self.grouped(s).get(p, ()))

    def value_of(self, s, p):
        return next(iter(self.objects(s, p)), None)

    # -- paths ----------------------------------------------------------------------------------
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
        ix = self.index
        r = ix.resources.get(u)
        if r is not None:
            return self.rel(from_stem, r.stem + ".html")
        r = ix.hash_doc.get(u)
        if r is not None:
            return self.rel(from_stem, r.stem + ".html") + u[u.index("#"):]
        if u in ix.files:
            return self.rel(from_stem, ix.files[u])
        if u in ix.anchors:
            return self.rel(from_stem, ix.anchors[u])
        if str(u) == self.base:  # the site's root (foaf:homepage): the home page
            return self.rel(from_stem, HOME + ".html")
        if str(u).startswith(self.base) and str(u)[len(self.base):] in ix.existing:  # a file the published graph does not mention
            return self.rel(from_stem, str(u)[len(self.base):])
        if str(u).startswith(self.base):  # a release (its folder's page) or a part of its record (catalog.ttl#…)
            path, hash_, frag = str(u)[len(self.base):].partition("#")
            for f in (path + "index.html", path + ".ttl"):
                if f in ix.existing:
                    return self.rel(from_stem, f) + hash_ + frag
        if str(u).startswith(self.base):  # pragma: no cover - every mentioned URI is one of the two
            raise AssertionError(f"no document for {u}")
        return str(u)

    # -- names and labels -------------------------------------------------------------------------
    def curie(self, u: URIRef) -> str:
        c = self._curies.get(u)
        if c is None:
            c = self._curies[u] = self._curie(u)
        return c

    def _curie(self, u: URIRef) -> str:
        s = str(u)
        if self._namespaces is None:  # one test for "under none of them" (DocumentLinks adds prefixes)
            self._namespaces = tuple(ns for ns, _p in self.prefixes)
        for ns, p in self.prefixes if s.startswith(self._namespaces) else ():
            if s.startswith(ns) and len(s) > len(ns):
                return f"{p}:{s[len(ns):]}"
        if s.startswith(self.base):  # for display: our own URIs read as their path
            return s[len(self.base):] or s
        return s

    def labels(self, u: URIRef, grouped: dict | None = None) -> dict[str, str]:
        """`u`'s labels: language ("" for none) → text. `grouped`: `self.grouped(u)`, if the caller has it."""
        ls = self._labels.get(u)
        if ls is None:
            ls = self._labels[u] = self._find_labels(u, grouped)
        return ls

    def _find_labels(self, u: URIRef, grouped: dict | None = None) -> dict[str, str]:
        ix = self.index
        if u in ix.facts:
            return self.fact_labels(ix.facts[u])
        out: dict[str, str] = {}
        if grouped is None:
            grouped = self.grouped(u)
        for pred in LABEL_PREDICATES:
            for o in sorted(grouped.get(pred, ())):
                if isinstance(o, Literal) and (o.language or "") not in out:
                    out[o.language or ""] = str(o)
        if not out and u in ix.resources and ix.resources[u].members:
            out = self.document_labels(ix.resources[u])
        if not out:
            notation = next(iter(grouped.get(SKOS_NOTATION, ())), None)
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
        facts = [self.index.facts[m] for m in r.members if m in self.index.facts]
        if not facts:
            return {"": self.curie(r.uri)}
        f = facts[0]
        return {lang: f"{self.concept_label('province', f.province, lang)}, {f.period.notation}"
                for lang in ("en", "tr")}

    def definition(self, u: URIRef) -> dict[str, str]:
        out = {}
        grouped = self.grouped(u)
        for pred in DEFINITION_PREDICATES:
            for o in sorted(grouped.get(pred, ())):
                if isinstance(o, Literal) and o.language in ("en", "tr") and o.language not in out:
                    out[o.language] = str(o)
        return out

    # -- links ------------------------------------------------------------------------------------
    def terms(self, from_stem: str) -> dict[URIRef, dict]:
        """The links cached for the folder of the page `from_stem` (URI → `term`), for a caller
        that reads many: a miss is asked of `term`."""
        terms = self._terms.get(from_stem)
        if terms is None:  # the pages of a folder share their links
            terms = self._terms[from_stem] = self._folder_terms.setdefault(self.folder(from_stem), {})
        return terms

    def term(self, from_stem: str, u: URIRef) -> dict:
        """A link to `u` from the page `from_stem`: href, labels, short name (cached per folder:
        the same links repeat on every page of a folder). Callers must not change it."""
        terms = self._terms.get(from_stem) or self.terms(from_stem)
        t = terms.get(u)
        if t is None:
            t = terms[u] = self._term(from_stem, u)
            self._cached_terms += 1
        return t

    def _term(self, from_stem: str, u: URIRef) -> dict:
        ix = self.index
        ls = self.labels(u) if (u in ix.resources or u in ix.hash_doc or u in ix.files
                                or u in ix.anchors or self._has_label(u)) else {}
        if ls.get("") == self.curie(u):  # no label: the link shows the URI's short form only
            ls = {}
        return {"kind": "link", "uri": str(u), "curie": self.curie(u), "href": self.href(from_stem, u),
                "external": not str(u).startswith(self.base),
                "en": ls.get("en") or ls.get("") or "", "tr": ls.get("tr") or ls.get("") or ""}

    def _has_label(self, u: URIRef) -> bool:
        return any(p in NAMING_SET for p, _o in self.index.po.get(u, ()))

    def grouped(self, s, graph: Graph | None = None) -> dict:
        """The properties of `s` in `graph` (default: the published triples): predicate → its
        values, each once, in the order of the triples (a triple may repeat across graphs)."""
        by_pred: dict = {}
        for p, o in (self.pairs(s) if graph is None else graph.predicate_objects(s)):
            values = by_pred.get(p)
            if values is None:
                by_pred[p] = [o]
            else:
                values.append(o)
        for p, values in by_pred.items():
            if len(values) > 1:
                by_pred[p] = list(dict.fromkeys(values))
        return by_pred

    def rows_html(self, from_stem: str, s, depth: int = 0, graph: Graph | None = None,
                  grouped: dict | None = None) -> Markup:
        """The property list of `s` (`<dt>`/`<dd>` pairs) in `graph` (default: the published
        triples), values linked from the page `from_stem`; `grouped`: `self.grouped(s, graph)`,
        if the caller has it. Straight from the triples, no dictionary per value: an
        observation document has thousands of them."""
        by_pred = self.grouped(s, graph) if grouped is None else grouped
        keys, terms = self._row_keys, self.terms(from_stem)
        for p in by_pred:
            if p not in keys:
                keys[p] = (_ORDER.get(p, len(_ORDER)), self.curie(p))
        out = []
        for p in sorted(by_pred, key=keys.__getitem__):
            t = terms.get(p) or self.term(from_stem, p)
            dt = t.get("dt_html")
            if dt is None:
                dt = t["dt_html"] = f"<dt>{link_html(t)}</dt>\n"
            out.append(dt)
            values = by_pred[p]
            paired = False
            if len(values) > 1:
                values = sorted(values, key=_sort_key)
                langs = {o.language for o in values if isinstance(o, Literal)}
                paired = "tr" in langs and "en" in langs  # a label or text in both languages: the page shows one
            for o in values:
                if isinstance(o, URIRef):
                    t = terms.get(o)
                    html = t.get("dd_html") if t is not None else None
                    if html is None:
                        t = self.term(from_stem, o)
                        html = t["dd_html"] = f"<dd>{self.value_link_html(from_stem, o)}</dd>\n"
                    out.append(html)
                elif isinstance(o, BNode):
                    inner = self.rows_html(from_stem, o, depth + 1, graph) if depth < 4 else ""
                    out.append(f'<dd><dl class="bnode">{inner}</dl></dd>\n')
                elif paired and o.language in ("tr", "en"):
                    out.append(f'<dd class="l-{o.language}">{self.literal_html(o)}</dd>\n')
                else:
                    out.append(f"<dd>{self.literal_html(o)}</dd>\n")
        return Markup("".join(out))

    def value_link_html(self, from_stem: str, u: URIRef) -> Markup:
        """A URI as a value: its link and, when the link shows a label, its short name."""
        t = self.term(from_stem, u)
        html = t.get("value_html")
        if html is None:  # a link is a cached term (Links.term): so is its HTML as a value
            out = str(link_html(t))
            if t["en"] or t["tr"]:
                out += f' <code class="curie">{html_text(t["curie"])}</code>'
            html = t["value_html"] = Markup(out)
        return html

    def literal_html(self, o: Literal) -> str:
        lang = o.language
        out = f'<span lang="{html_text(lang)}">{html_text(str(o))}</span> <small class="tag">@{html_text(lang)}</small>' \
            if lang else f"<span>{html_text(str(o))}</span>"
        dt = o.datatype
        if dt is not None:
            tag = self._dt_tags.get(dt)
            if tag is None:
                tag = self._dt_tags[dt] = f' <small class="tag">{html_text(self.curie(dt))}</small>' if dt != XSD_STRING else ""
            out += tag
        return out

    def used_by(self, stem: str, u: URIRef) -> list[dict]:
        """The resources that link to `u`, by property (at most USED_BY_LIMIT each)."""
        by_pred: dict[URIRef, set[URIRef]] = {}
        for p, s in self.index.incoming_links.get(u, ()):
            subs = by_pred.get(p)
            if subs is None:
                by_pred[p] = {s}
            else:
                subs.add(s)
        out = []
        for p in sorted(by_pred, key=self.curie):
            subs = sorted(by_pred[p], key=str)  # URIs (no blank nodes): rdflib's __lt__ orders them so, in Python
            out.append({"predicate": self.term(stem, p),
                        "subjects": [self.term(stem, s) for s in subs[:USED_BY_LIMIT]],
                        "more": max(0, len(subs) - USED_BY_LIMIT)})
        return out

    def alternates(self, stem: str) -> list[dict]:
        """The page's RDF variants, for `<link rel="alternate">` and the "As data" line."""
        return [{"href": self.rel(stem, stem + "." + ext), "type": t, "name": VARIANT_NAMES[ext]}
                for ext, t in VARIANTS.items()]


class DocumentLinks(Links):
    """Links whose labels and short names also come from one description document (the
    catalogue labels the EU vocabularies' terms it uses; our graph does not hold them)."""

    def __init__(self, links: Links, g: Graph):
        super().__init__(links.index)
        self.doc_graph = g
        extra = {str(ns): p for p, ns in g.namespaces() if p and str(ns) not in {n for n, _ in links.prefixes}}
        self.prefixes = sorted([*links.prefixes, *extra.items()], key=lambda x: (-len(x[0]), x[1]))

    def pairs(self, s):
        return [*self.doc_graph.predicate_objects(s), *self.index.po.get(s, ())]

    def _has_label(self, u: URIRef) -> bool:
        return super()._has_label(u) or any(
            True for p in NAMING_PREDICATES for _ in self.doc_graph.objects(u, p))
