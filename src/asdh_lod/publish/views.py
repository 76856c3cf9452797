"""The page views: one per kind of page, in a registry keyed by kind. No I/O.

A view is a function giving the template context of one page, registered with the kind it
renders (`@view("province", matches=…)`), the template it fills and, for the pages of
resources, the test that picks it. `kind_of` tries the resource views in the order they
are registered (the first that matches wins; `resource` matches everything); `home` and
`description-document` are not resources' pages and are asked for by name. A new kind of
page is one more registered function here (and its template).

| kind                  | pages                                                         | template          |
| --------------------- | ------------------------------------------------------------- | ----------------- |
| observation-document  | the observations of one province and period (hash IRIs)      | observations.html |
| dataset               | the cube: headline charts, the first figures                  | resource.html     |
| province              | a province: its charts, figures, observation documents        | resource.html     |
| programme             | a programme: its figures by province                          | resource.html     |
| listing               | an indicator, target group, period, period kind, unit, source | resource.html     |
| ontology              | `def/`: every term of the ontology                            | resource.html     |
| resource              | any other resource: its description                           | resource.html     |
| home                  | `index.html`                                                  | home.html         |
| description-document  | `catalog.html`, `void.html`: a section per resource           | document.html     |

What repeats by the million (observation sections, property lists, figure tables, links)
is rendered by Python functions. An observation document's table of contents and sections
are made in one pass over its members, each section straight from its fact and its grouped
triples (`section_html`, `Links.rows_html`: no dictionary per section or value), and handed
to observations.html as markup, as the property lists are to resource.html and
document.html; links and figure tables (`links.link_html`, `figures.figures_table`) are
filters and functions of the one Jinja environment (`templating`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from jinja2 import Environment
from markupsafe import Markup
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from ..model.records import Fact
from ..rdf.files import FILES, LISTED, release_path
from ..rdf.vocab import QB
from ..stages.changes import history
from . import figures, i18n, templating
from .figures import figures_table
from .i18n import bi, html_text, label, msg
from .links import HOME, RDF_TYPE, SKOS_NOTATION, DocumentLinks, Links, chrome, json_script, json_script_text, link_html
from .maps import Outlines
from .site_index import Resource, SiteIndex

# the description documents that get a page (catalog.py's names), with what the home page says of them
DOCUMENT_PAGES = [("catalog", {"tr": "DCAT-AP katalog kaydı, sayfa olarak: veri kümesi, dağıtımlar, sağlama toplamları",
                               "en": "The DCAT-AP catalogue record, as a page: dataset, distributions, checksums"}),
                  ("void", {"tr": "VoID tanımı, sayfa olarak: dökümler, istatistikler, sözlükler, alt kümeler",
                            "en": "The VoID description, as a page: dumps, statistics, vocabularies, subsets"})]


def environment() -> Environment:
    return templating.environment(filters={"json_script": json_script, "link": link_html},
                                  functions={"figures_table": figures_table, "map_table": figures.map_table})


@dataclass(frozen=True)
class View:
    kind: str
    template: str
    context: Callable  # (pages, what, jsonld) → the template's context; `what`: the resource, or as the kind says
    matches: Callable[["Pages", Resource, set], bool] | None = None  # picks a resource's view; None: asked by name


VIEWS: dict[str, View] = {}  # kind → view, in the order `kind_of` tries them


def view(kind: str, template: str = "resource.html", matches: Callable | None = None) -> Callable:
    """Register the decorated function as the view of `kind`."""
    def register(context: Callable) -> Callable:
        if kind in VIEWS:  # pragma: no cover - a programming error
            raise ValueError(f"two views of kind {kind}")
        VIEWS[kind] = View(kind, template, context, matches)
        return context
    return register


class Pages:
    """What every view reads: the site's index, links and labels, and the one Jinja environment."""

    def __init__(self, index: SiteIndex, outlines: Outlines | None = None, releases=()):
        """`outlines`: the provinces' outlines for the maps (maps.load_outlines); None: no maps.
        `releases` (oldest first): listed on the home and dataset pages; an observation they
        revised shows its history."""
        self.index = index
        self.releases = list(releases)
        self.history = history(r.changelog for r in self.releases)  # observation IRI → its revisions
        self.links = Links(index)
        self.model, self.uris = index.model, index.uris
        self.outlines = outlines
        self.env = environment()

    def kind_of(self, r: Resource) -> str:
        types = set(self.index.objects(r.uri, RDF_TYPE))
        return next(v.kind for v in VIEWS.values() if v.matches is not None and v.matches(self, r, types))

    def render(self, kind: str, what, jsonld: str | None = None) -> list[tuple[str, bytes]]:
        """The page (path without .html: `ctx["stem"]`) and the files beside it (the CSVs of its
        charts and maps), as (site path, bytes)."""
        v = VIEWS[kind]
        ctx = v.context(self, what, jsonld)
        html = self.env.get_template(v.template).render(ctx).encode("utf-8")
        return [(ctx["stem"] + ".html", html), *sorted(ctx["files"].items())]

    def page(self, r: Resource, jsonld: str) -> list[tuple[str, bytes]]:
        """The HTML page of a resource (or of a document of hash IRIs), by its kind's view."""
        return self.render(self.kind_of(r), r, jsonld)

    def common(self, stem: str, title: str, lang_title: dict) -> dict:
        """What every page has: the frame's links, its title in both languages (`labels`: tr, en, or
        "" for a title in no language), the files written beside it."""
        tr, en = lang_title.get("tr") or lang_title.get("") or title, lang_title.get("en") or lang_title.get("") or title
        return {**chrome(stem, self.uris, self.model.dataset.title, self.index.existing), "title": title,
                "labels": lang_title, "title_tr": tr, "title_en": en, "heading": label(tr, en) if tr != en else bi(tr, en),
                "stem": stem, "files": {}}

    def release_links(self, stem: str) -> list[dict]:
        """The releases, newest first, for the home and dataset pages."""
        return [{"version": r.version, "issued": r.issued.isoformat(), "note": r.note,
                 "href": self.links.rel(stem, release_path(r.version, "page")),
                 "summary": r.changelog.summary() if r.previous else "the first release"}
                for r in reversed(self.releases)]

    def resource_context(self, r: Resource, jsonld: str) -> dict:
        """The context every resource page starts from: its description, links and variants."""
        lk, stem, u = self.links, r.stem, r.uri
        types = set(self.index.objects(u, RDF_TYPE))
        ls = lk.labels(u)
        ctx = self.common(stem, ls.get("en") or ls.get("") or lk.curie(u), ls)
        ctx.update(uri=str(u), curie=lk.curie(u), rows=lk.rows_html(stem, u), used_by=lk.used_by(stem, u),
                   alternates=lk.alternates(stem),
                   types=[lk.term(stem, t) for t in sorted(types)], jsonld=json_script_text(jsonld),
                   figures=None, figures_total=0, csv_href=None, obs_docs=None,
                   charts=[], maps=[], ontology=None, definition=lk.definition(u),
                   catalog_href=lk.rel(stem, DOCUMENT_PAGES[0][0] + ".html")
                   if u == self.uris.dataset and DOCUMENT_PAGES[0][0] in self.index.documents else None,
                   releases=self.release_links(stem) if u == self.uris.dataset else [])
        return ctx


def _notation(p: Pages, r: Resource) -> str:
    return str(p.index.value_of(r.uri, SKOS_NOTATION))


# -- the pages of resources, in the order `kind_of` tries them ---------------------------------

@view("observation-document", "observations.html", matches=lambda p, r, types: bool(r.members))
def observation_document(p: Pages, r: Resource, jsonld: str) -> dict:
    """The page of a document of hash IRIs (the observations of one province and period):
    a section per observation, whose `id` is the fragment, so the hash IRI lands on it. The
    table of contents (`toc`) and the sections (`body`) are made here, in one pass (`section_html`)."""
    lk, ix, stem = p.links, p.index, r.stem
    ls = lk.labels(r.uri)
    toc, body = [], []
    for m in r.members:
        sid = html_text(m[m.index("#") + 1:])
        grouped = lk.grouped(m)
        mls = lk.labels(m, grouped)
        title = mls.get("en") or mls.get("") or lk.curie(m)
        heading = label(mls.get("tr") or title, title)
        toc.append(f'<li><a href="#{sid}">{heading}</a></li>\n')
        body.append(section_html(p, stem, m, sid, heading, grouped))
    ctx = p.common(stem, ls.get("en") or ls.get("") or lk.curie(r.uri), ls)
    facts = [ix.facts[m] for m in r.members if m in ix.facts]
    ctx.update(uri=str(r.uri), toc=Markup("".join(toc)), body=Markup("".join(body)),
               alternates=lk.alternates(stem), jsonld=json_script_text(jsonld),
               dataset=lk.term(stem, p.uris.dataset), n_sections=len(r.members),
               province=lk.term(stem, p.uris.concept("province", facts[0].province)) if facts else None,
               period=lk.term(stem, p.uris.period(facts[0].period)) if facts else None)
    return ctx


@view("dataset", matches=lambda p, r, types: QB.DataSet in types)
def dataset(p: Pages, r: Resource, jsonld: str) -> dict:
    ctx = p.resource_context(r, jsonld)
    figures.figures(p.links, ctx, r.stem, p.index.all_facts)
    ctx["charts"] = figures.headline_charts(p.links, r.stem, ctx["files"])
    return ctx


@view("province", matches=lambda p, r, types: p.uris.asdh.Province in types)
def province(p: Pages, r: Resource, jsonld: str) -> dict:
    ctx = p.resource_context(r, jsonld)
    mine = p.index.by_province.get(_notation(p, r), [])
    figures.figures(p.links, ctx, r.stem, mine)
    ctx["obs_docs"] = figures.observation_documents(p.links, r.stem, mine)
    ctx["charts"] = figures.province_charts(p.links, r.stem, mine, ctx["files"])
    return ctx


@view("programme", matches=lambda p, r, types: p.uris.asdh.Programme in types)
def programme(p: Pages, r: Resource, jsonld: str) -> dict:
    ctx = p.resource_context(r, jsonld)
    mine = p.index.by_programme.get(_notation(p, r), [])
    figures.figures(p.links, ctx, r.stem, mine)
    # a map per indicator and period; without outlines (no web/), bar charts by province instead
    ctx["maps"] = figures.programme_maps(p.links, r.stem, mine, p.outlines, ctx["files"])
    if not ctx["maps"]:
        ctx["charts"] = figures.programme_charts(p.links, r.stem, mine, ctx["files"])
    return ctx


@view("listing", matches=lambda p, r, types: r.uri in p.index.fact_concepts)
def listing(p: Pages, r: Resource, jsonld: str) -> dict:
    """An indicator, target group, period, period kind, unit or source document: its figures;
    a period's and a source's observation documents."""
    ctx = p.resource_context(r, jsonld)
    mine = p.index.fact_concepts[r.uri]
    figures.figures(p.links, ctx, r.stem, mine)
    if p.uris.asdh.SourceDocument in set(p.index.objects(r.uri, RDF_TYPE)) or r.uri in p.index.period_uris:
        ctx["obs_docs"] = figures.observation_documents(p.links, r.stem, mine)
    if r.uri in p.index.indicator_uris:
        ctx["maps"] = figures.indicator_maps(p.links, r.stem, mine, p.outlines, ctx["files"])
    return ctx


@view("ontology", matches=lambda p, r, types: r.uri == p.uris.ontology)
def ontology(p: Pages, r: Resource, jsonld: str) -> dict:
    ctx = p.resource_context(r, jsonld)
    ctx["ontology"] = ontology_index(p, r.stem)
    return ctx


@view("resource", matches=lambda p, r, types: True)
def resource(p: Pages, r: Resource, jsonld: str) -> dict:
    return p.resource_context(r, jsonld)


def ontology_index(p: Pages, stem: str) -> list[dict]:
    onto = p.index.mapped.ontology
    groups = [("classes", OWL.Class), ("objects", OWL.ObjectProperty),
              ("datatypes", OWL.DatatypeProperty), ("annotations", OWL.AnnotationProperty),
              ("individuals", OWL.NamedIndividual)]
    out = []
    for name, cls in groups:
        terms = sorted(s for s in onto.subjects(RDF.type, cls)
                       if isinstance(s, URIRef) and str(s).startswith(str(p.uris.asdh)))
        if terms:
            out.append({"name": msg(name), "terms": [{**p.links.term(stem, t), "definition": p.links.definition(t)}
                                                for t in terms]})
    return out


# -- observations ---------------------------------------------------------------------------------

def section_html(p: Pages, stem: str, m: URIRef, sid: str, heading: Markup, grouped: dict) -> str:
    """One observation's section of its document (observations.html), and the newline after
    it: the figure, its quotes and source, its properties and what uses it. Straight from the
    fact and the triples (`grouped`: `Links.grouped(m)`), like `figures_table`: a national
    build renders 100,000 of them. `sid`: the fragment, escaped; `heading`: its label."""
    lk = p.links
    out = [f'<section id="{sid}" aria-labelledby="{sid}-h">\n<h2 id="{sid}-h">{heading}</h2>\n'
           f'<p class="uri"><code>{html_text(str(m))}</code></p>\n']
    types = grouped.get(RDF_TYPE)
    if types:
        out.append(f'<p class="types">{", ".join(link_html(lk.term(stem, t)) for t in sorted(types))}</p>\n')
    f = p.index.facts.get(m)
    if f is not None:
        out.append(observation_html(p, stem, f))
    out.append(f'<details>\n<summary>{msg("properties")}</summary>\n<dl class="props">\n'
               f'{lk.rows_html(stem, m, grouped=grouped)}</dl>\n</details>\n')
    used_by = lk.used_by(stem, m)
    if used_by:
        parts = []
        for u in used_by:
            more = f' {msg("and-more", n=i18n.count(u["more"]))}' if u["more"] else ""
            parts.append(f'{link_html(u["predicate"])} <span class="muted">{msg("of")}</span> '
                         f'{", ".join(link_html(x) for x in u["subjects"])}{more}')
        out.append(f'<p class="used-by">{msg("used-by")}:\n{"; ".join(parts)}\n</p>\n')
    out.append("</section>\n\n")
    return "".join(out)


def observation_html(p: Pages, stem: str, f: Fact) -> str:
    """An observation's figure, its quotes, source, note and history (the part of its section
    that comes from the fact rather than from its triples)."""
    lk, ix = p.links, p.index
    u = ix.fact_uri(f)
    doc = ix.fact_doc[u]
    value = i18n.numbers(f.value)
    out = [f'<p class="figure">{"≈ " if f.approximate else ""}<strong>{bi(value["tr"], value["en"])}</strong> '
           f'{label(lk.concept_label("unit", f.unit, "tr"), lk.concept_label("unit", f.unit))}</p>\n']
    if f.approximate:
        to = {"tr": "", "en": ""}
        if f.precision is not None:
            precision = i18n.numbers(f.precision)
            to = {lang: i18n.text("nearest", lang, p=precision[lang]) for lang in i18n.LANGS}
        out.append(f"<p>{msg('approximate', to=to)}</p>\n")
    cite = html_text(lk.href(stem, p.uris.source_text(doc.id)))
    for q in [f.quote, *f.also_quoted]:
        i = q.quote.find(q.figure)
        before, figure, after = (q.quote[:i], q.figure, q.quote[i + len(q.figure):]) if i >= 0 else (q.quote, "", "")
        out.append(f'<blockquote lang="tr" cite="{cite}"><p>{html_text(before)}<mark>{html_text(figure)}</mark>'
                   f'{html_text(after)}</p></blockquote>\n')
    out.append(f'<p>{msg("source")} {link_html(lk.term(stem, p.uris.source(doc.id)))} '
               f'(<a href="{cite}">{msg("full-text")}</a>).</p>\n')
    if f.note:
        out.append(f'<p class="note" lang="en">{html_text(f.note)}</p>\n')
    revisions = p.history.get(str(u), ())
    if revisions:  # its values through the releases that revised it (stages/changes.py)
        steps = " → ".join(f'{_history_html(value)} (<a href="{html_text(lk.rel(stem, release_path(v, "page")))}">'
                           f'{html_text(v)}</a>)' for v, value, _note in revisions)
        notes = "".join(f'<p class="note" lang="en">{html_text(v)}: {html_text(note)}</p>\n' for v, _value, note in revisions if note)
        out.append(f'<p class="history">{msg("revised")} {steps}.</p>\n{notes}')
    return "".join(out)


def _history_html(text: str) -> Markup:
    """A value of the change log as people read it, in both languages (5939 → 5.939 / 5,939)."""
    try:
        value = i18n.numbers(Fraction(text))
    except (ValueError, ZeroDivisionError):
        return bi(text, text)
    return bi(value["tr"], value["en"])


# -- pages that are not a resource's ---------------------------------------------------------------

@view("home", "home.html")
def home(p: Pages, _what=None, _jsonld=None) -> dict:
    info, u, lk, ix = p.model.dataset, p.uris, p.links, p.index
    stem = HOME
    ctx = p.common(stem, info.title["en"], info.title)
    ctx["title"] = info.title["tr"]
    periods = sorted({f.period for f in ix.all_facts}, key=lambda p: (p.begin or p.end, p.end))
    publisher = lk.concept_label("organisation", info.publisher)
    publisher_l = {lang: lk.concept_label("organisation", info.publisher, lang) for lang in i18n.LANGS}
    schema = {
        "@context": "https://schema.org/", "@type": "Dataset", "@id": str(u.dataset),
        "name": info.title["en"], "alternateName": info.title["tr"],
        "description": info.description["en"], "url": ix.base, "identifier": str(u.dataset),
        "license": info.license, "isAccessibleForFree": True, "inLanguage": ["tr", "en"],
        "keywords": [w for lang in sorted(info.keywords) for w in info.keywords[lang]],
        "datePublished": info.issued.isoformat(),
        "publisher": {"@type": "Organization", "name": publisher},
        "creator": {"@type": "Organization", "name": publisher},
        "spatialCoverage": {"@type": "Place", "name": "Türkiye"},
        "temporalCoverage": f"{(periods[0].begin or periods[0].end).isoformat()}/{periods[-1].end.isoformat()}",
        "variableMeasured": sorted({lk.concept_label("indicator", f.indicator) for f in ix.all_facts}),
        "isBasedOn": [str(u.source(s.document.id)) for s in p.model.sources],
        "distribution": [{"@type": "DataDownload", "contentUrl": ix.base + path, "encodingFormat": mt,
                          "name": f"{info.title['en']} ({fmt})"}
                         for path, fmt, mt in ((FILES[k].path, FILES[k].label, FILES[k].media_type)
                                               for k in ("turtle", "json-ld", "n-triples-gzip", "csv"))],
    }
    schemes = [lk.term(stem, u.scheme(sid)) | {"count": len(s.concepts)}
               for sid, s in sorted(p.model.schemes.items())]
    sources = [lk.term(stem, u.source(s.document.id)) | {"count": len(s.facts)} for s in p.model.sources]
    downloads = [(f.path, bi(f.what_tr, f.what), f.label) for f in LISTED] + [
        (name + ".html", bi(what["tr"], what["en"]), "HTML") for name, what in DOCUMENT_PAGES if name in ix.documents]
    ctx.update(info=info, schema=schema, charts=figures.headline_charts(lk, stem, ctx["files"]), schemes=schemes,
               sources=sources, coverage=figures.coverage_map(lk, stem, p.outlines),
               notice_href=lk.rel(stem, FILES["map-notice"].path) if p.outlines else None,
               downloads=[{"href": lk.rel(stem, path), "what": w, "format": fmt} for path, w, fmt in downloads],
               observations=len(ix.all_facts),
               provinces=[lk.term(stem, u.concept("province", c))
                          for c in sorted({f.province for f in ix.all_facts})],
               programmes=len({f.programme for f in ix.all_facts}), publisher=publisher_l,
               releases=p.release_links(stem))
    return ctx


@view("description-document", "document.html")
def description_document(p: Pages, what: tuple[str, Graph], jsonld: str) -> dict:
    """The page of the document `{base}{name}`: a section per resource it describes, the
    document first, then the dataset, then its hash IRIs (each section's id is the
    fragment), then the other resources it says something about (publisher, themes, …)."""
    name, g = what
    doc, stem = URIRef(p.index.base + name), name
    lk = DocumentLinks(p.links, g)
    subjects = {s for s in g.subjects() if isinstance(s, URIRef)}
    hashes = {s: str(s)[len(doc) + 1:] for s in subjects if str(s).startswith(str(doc) + "#")}
    rank = lambda s: (0 if s == doc else 1 if s == p.uris.dataset else 2 if s in hashes else 3, str(s))  # noqa: E731
    sections = []
    for s in sorted(subjects, key=rank):
        ls = lk.labels(s)
        own = s not in hashes and s != doc  # a resource with a page of its own: link to it
        sections.append({"id": hashes.get(s), "uri": str(s), "curie": lk.curie(s),
                         "title": ls.get("en") or ls.get("") or lk.curie(s), "tr": ls.get("tr", ""),
                         "href": lk.href(stem, s) if own else None,
                         "types": [lk.term(stem, t) for t in sorted(g.objects(s, RDF.type))],
                         "rows": lk.rows_html(stem, s, graph=g)})
    ls = lk.labels(doc)
    ctx = p.common(stem, ls.get("en") or ls.get("") or name, ls)
    ctx.update(uri=str(doc), sections=sections, jsonld=json_script_text(jsonld),
               alternates=lk.alternates(stem), definition=lk.definition(doc))
    return ctx
