"""The site's pages: a page and three RDF variants for every URI, every link resolves,
the variants and the embedded JSON-LD say the same as the graph, charts and tables."""

from __future__ import annotations

import gzip
import json
import posixpath
import re
import shutil
from fractions import Fraction
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pyoxigraph
import pytest
from pyld import jsonld
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from asdh_lod.publish import charts
from asdh_lod.publish import figures, i18n, links, maps, views
from asdh_lod.build.pipeline import build
from asdh_lod.publish.dumps import JsonLd, write_chunked
from asdh_lod.publish.site_index import NodeTexts, SiteIndex, SubjectSpans, subject_spans
from asdh_lod.rdf.serialise import jsonld_context, ntriples
from helpers import DATA

class _Page(HTMLParser):
    """What the checks need from one page: links, ids, landmarks, languages, scripts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []  # (tag, url)
        self.ids: set[str] = set()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self._script: dict | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if "id" in a:
            self.ids.add(a["id"])
        for name in ("href", "src"):
            if name in a and tag in ("a", "link", "script", "img", "source"):
                self.links.append(("canonical" if a.get("rel") == "canonical" else tag, a[name]))
        if tag == "script":
            self._script, self._text = a, []

    def handle_data(self, data):
        if self._script is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._text)))
            self._script = None


def parse(html: str) -> _Page:
    p = _Page()
    p.feed(html)
    p.close()
    return p


def broken_links(site: Path, base: str | None = None) -> list[str]:
    """Every link of every HTML page of `site` that does not resolve to a file of the site
    (and, for `#fragment` links, to an element of the target page). Links to other hosts
    are not followed; a link to the base IRI itself is broken (pages must link relatively,
    so the site works on any host and offline)."""
    problems = []
    parsed: dict[Path, _Page] = {}

    def page(path: Path) -> _Page:
        if path not in parsed:
            parsed[path] = parse(path.read_text(encoding="utf-8"))
        return parsed[path]

    for html in sorted(site.rglob("*.html")):
        rel = html.relative_to(site).as_posix()
        for tag, url in page(html).links:
            parts = urlsplit(url)
            if tag == "canonical":  # the page's own URI, which the page is the HTML variant of
                stem = unquote(url[len(base):]) if base and url.startswith(base) else None
                if stem is None or (stem + "index" if stem == "" or stem.endswith("/") else stem) + ".html" != rel:
                    problems.append(f"{rel}: canonical {url} is not this page's URI")
                continue
            if parts.scheme or url.startswith("//"):
                if base and url.startswith(base):
                    problems.append(f"{rel}: absolute link into the site {url}")
                elif parts.scheme not in ("http", "https", "mailto"):
                    problems.append(f"{rel}: unexpected link {url}")
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), unquote(parts.path))) if parts.path else rel
            if target.startswith("../") or target == "..":
                problems.append(f"{rel}: link leaves the site: {url}")
                continue
            f = site / target
            if not f.is_file():
                problems.append(f"{rel}: broken link {url} (no file {target})")
            elif parts.fragment.startswith("query=") and target == links.SPARQL_PAGE:
                # a query for the in-browser SPARQL page, which reads it from the fragment: it must parse
                try:
                    pyoxigraph.Store().query(unquote(parts.fragment[len("query="):]))
                except SyntaxError as err:
                    problems.append(f"{rel}: the query of {url[:60]}… does not parse: {err}")
            elif parts.fragment and f.suffix == ".html" and parts.fragment not in page(f).ids:
                problems.append(f"{rel}: broken fragment {url}")
    return problems


@pytest.fixture(scope="module")
def site(built) -> Path:
    return built.out


def _under_base(built) -> set[URIRef]:
    """Every URI under the base the graph mentions, hash IRIs as their document (no fragment)."""
    base = built.mapped.uris.base
    return {URIRef(str(t).split("#")[0]) for triple in built.mapped.union() for t in triple
            if isinstance(t, URIRef) and str(t).startswith(base)}


def _hash_iris(built) -> set[URIRef]:
    base = built.mapped.uris.base
    return {t for triple in built.mapped.union() for t in triple
            if isinstance(t, URIRef) and str(t).startswith(base) and "#" in t}


def _stem(built, u: URIRef) -> str:
    """Where the files of `u` (of its document, for a hash IRI) are."""
    path = unquote(str(u).split("#")[0][len(built.mapped.uris.base):])
    return path + "index" if path == "" or path.endswith("/") else path


# -- every URI resolves --------------------------------------------------------------------

def test_every_uri_under_the_base_has_a_page_and_three_rdf_variants(built, site):
    uris = _under_base(built)
    missing = []
    for u in sorted(uris):
        path = str(u)[len(built.mapped.uris.base):]
        if (site / path).is_file():  # the URI names a published file (sources/x.txt)
            continue
        for ext in ("html", "ttl", "jsonld", "nt"):
            if not (site / f"{_stem(built, u)}.{ext}").is_file():
                missing.append(f"{u} .{ext}")
    assert missing == []
    kinds = {"/".join(str(u)[len(built.mapped.uris.base):].split("/")[:2]) for u in uris}
    # an observation is a hash IRI in the document of its province and period: its section is there
    # (and each of its quotes a Web Annotation beside it: annotation, target and two selectors)
    hashes = _hash_iris(built)
    # … and so is the retired IRI (#year-total/…) of each total over a calendar year (dct:isReplacedBy),
    # and the four parts of each quote's Web Annotation (…/quote/n, /target, /text-quote, /text-position)
    retired = [f for f in built.model.facts if f.period_kind == "total" and f.period.granularity == "year"]
    annotations = {h for h in hashes if "/quote/" in str(h).split("#")[1]}
    assert len(annotations) == 4 * sum(1 + len(f.also_quoted) for f in built.model.facts)
    assert len(hashes - annotations) == len(built.model.facts) + len(retired) == 97 + 32
    for h in sorted(hashes):
        doc, frag = str(h).split("#")
        assert URIRef(doc) in uris
        assert f'<section id="{frag}"' in (site / f"{_stem(built, h)}.html").read_text(encoding="utf-8"), h
    for kind in ("data/provincial", "code/province", "code/programme", "code/indicator", "code/target-group",
                 "id/period", "id/source", "id/facility", "id/project", "def/Programme", "def/"):
        assert kind in kinds or any(k.startswith(kind) for k in kinds), kind


def test_a_uri_that_prefixes_others_has_its_files_beside_the_folder(site):
    assert (site / "data" / "provincial.html").is_file() and (site / "data" / "provincial").is_dir()
    assert (site / "code" / "province.ttl").is_file() and (site / "code" / "province" / "25.ttl").is_file()
    assert (site / "def" / "index.html").is_file() and (site / "def" / "Programme.html").is_file()


def test_link_checker_finds_every_kind_of_broken_link(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "ok.html").write_text('<p id="x">x</p>', encoding="utf-8")
    (tmp_path / "a" / "page.html").write_text(
        '<a href="ok.html#x">fine</a><a href="ok.html#nope">bad fragment</a><a href="gone.html">gone</a>'
        '<a href="../../outside.html">out</a><a href="https://example.org/x">external</a>'
        '<a href="https://w3id.org/asdh-lod/code/province/25">absolute</a>'
        '<link rel="stylesheet" href="../missing.css">'
        '<link rel="canonical" href="https://w3id.org/asdh-lod/a/other">', encoding="utf-8")
    problems = broken_links(tmp_path, base="https://w3id.org/asdh-lod/")
    assert problems == [
        "a/page.html: broken fragment ok.html#nope",
        "a/page.html: broken link gone.html (no file a/gone.html)",
        "a/page.html: link leaves the site: ../../outside.html",
        "a/page.html: absolute link into the site https://w3id.org/asdh-lod/code/province/25",
        "a/page.html: broken link ../missing.css (no file missing.css)",
        "a/page.html: canonical https://w3id.org/asdh-lod/a/other is not this page's URI",
    ]


def test_every_link_of_every_page_resolves_inside_the_site(built, site):
    assert len(list(site.rglob("*.html"))) > 400
    assert broken_links(site, base=built.mapped.uris.base) == []


def test_pages_are_accessible_and_self_contained(site):
    """lang on <html>, one <h1>, a <main> landmark, headers on every table, no external
    stylesheet, script or font (the site works offline), alternates for every variant."""
    problems = []
    for html in sorted(site.rglob("*.html")):
        rel = html.relative_to(site).as_posix()
        text = html.read_text(encoding="utf-8")
        p = parse(text)
        tags = [t for t, _ in p.tags]
        if not re.match(r'<!DOCTYPE html>\n<html lang="tr"', text):  # Turkish first
            problems.append(f"{rel}: no doctype or lang")
        classes = [c for _, a in p.tags for c in (a.get("class") or "").split()]
        if classes.count("l-tr") != classes.count("l-en") or classes.count("l-tr") < 5:
            problems.append(f"{rel}: not every phrase in both languages")
        if tags.count("h1") != 1 or tags.count("main") != 1 or "nav" not in tags:
            problems.append(f"{rel}: h1/main/nav")
        if tags.count("table") and tags.count("th") < tags.count("table") or tags.count("caption") != tags.count("table"):
            problems.append(f"{rel}: table without headers or caption")
        for t, a in p.tags:
            if t in ("link", "script", "img") and a.get("rel") != "canonical" and urlsplit(a.get("href") or a.get("src") or "").scheme:
                problems.append(f"{rel}: external {t}")
            if t == "svg" and not (a.get("aria-hidden") == "true" or (
                    a.get("role") in ("img", "group") and a.get("aria-labelledby") in p.ids)):
                problems.append(f"{rel}: svg without role/label")
        if rel.startswith("releases/"):  # a release's page: its record and change log, as Turtle (docs/releases.md)
            alts = {a["href"] for t, a in p.tags if t == "link" and a.get("rel") == "alternate"}
            if alts != {"catalog.ttl", "changes.ttl"}:
                problems.append(f"{rel}: alternates {alts}")
        elif rel not in ("index.html", links.QUERIES_PAGE, links.SPARQL_PAGE):  # not resources: no RDF
            alts = {a["type"] for t, a in p.tags if t == "link" and a.get("rel") == "alternate"}
            if alts != set(links.VARIANTS.values()):
                problems.append(f"{rel}: alternates {alts}")
    assert problems == []


# -- the variants and the embedded JSON-LD say the same -----------------------------------

def _description(built, u: URIRef, whole: Graph | None = None) -> Graph:
    """The resource's concise bounded description; a document of hash IRIs: theirs together."""
    if u == built.mapped.uris.ontology:
        return built.mapped.ontology
    whole = whole if whole is not None else built.mapped.union()
    members = {t for t in whole.subjects() if isinstance(t, URIRef) and str(t).startswith(str(u) + "#")}
    if not members:
        return whole.cbd(u)
    g = Graph()
    for m in members:
        g += whole.cbd(m)
    return g


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated")
def test_every_variant_and_the_embedded_json_ld_give_the_resource_description(built, site):
    whole = built.mapped.union()
    bad = []
    for u in sorted(_under_base(built)):
        stem = _stem(built, u)
        if not (site / f"{stem}.html").is_file():
            continue
        expected = _description(built, u, whole)
        scripts = [s for a, s in parse((site / f"{stem}.html").read_text(encoding="utf-8")).scripts
                   if a.get("type") == "application/ld+json"]
        docs = {"ttl": ("turtle", (site / f"{stem}.ttl").read_text(encoding="utf-8")),
                "nt": ("nt", (site / f"{stem}.nt").read_text(encoding="utf-8")),
                "jsonld": ("json-ld", (site / f"{stem}.jsonld").read_text(encoding="utf-8")),
                "embedded": ("json-ld", scripts[0] if len(scripts) == 1 else "")}
        for name, (fmt, text) in docs.items():
            g = Graph()
            if text.strip():
                g.parse(data=text, format=fmt)
            if not isomorphic(g, expected):
                bad.append(f"{stem} {name}")
        if len(expected) == 0 and not any(True for _ in whole.triples((None, None, u))):
            bad.append(f"{stem}: neither described nor used")
    assert bad == []


def test_json_ld_variants_expand_with_pyld_to_the_same_graph(built, site):
    """The independent JSON-LD processor reads a sample of every kind of page's JSON-LD."""
    samples = ["data/provincial", "data/provincial/structure", "code/province/25", "code/programme/asdep",
               "def/index", "def/Programme", "id/period/2025", "id/source/erzurum-2025-faaliyet-raporu-haber"]
    obs = next(iter(built.mapped.uris.fact(f) for f in built.model.facts))
    samples.append(_stem(built, obs))
    for stem in samples:
        doc = json.loads((site / f"{stem}.jsonld").read_text(encoding="utf-8"))
        g = Graph()
        g.parse(data=jsonld.to_rdf(doc, {"format": "application/n-quads"}), format="nt")
        u = URIRef(built.mapped.uris.base + (stem[:-len("index")] if stem.endswith("index") else stem))
        assert len(g) > 0 and isomorphic(g, _description(built, u)), stem


def test_json_script_escapes_what_could_end_the_script_element():
    out = links.json_script({"q": "</script><script>alert(1)</script> & <!--"})
    assert "</" not in out and "<!--" not in out and "&" not in out.replace("\\u0026", "")
    assert json.loads(out) == {"q": "</script><script>alert(1)</script> & <!--"}


def test_a_quote_with_markup_stays_inside_its_page(tiny, tmp_path):
    src = tiny / "sources" / "tiny-haber.yaml"
    text = src.read_text(encoding="utf-8")
    quote_line = next(line for line in text.splitlines() if line.strip().startswith("quote:"))
    quote = quote_line.split("quote:", 1)[1].strip().strip('"')
    txt = tiny / "sources" / "tiny-haber.txt"
    txt.write_text(txt.read_text(encoding="utf-8").replace(quote, quote + " </script><b>x</b>"), encoding="utf-8")
    src.write_text(text.replace(quote_line, quote_line.replace(quote, quote + " </script><b>x</b>")), encoding="utf-8")
    result = build(tiny, tmp_path / "site")
    fact = next(f for f in result.model.facts if "</script>" in f.quote.quote)
    stem = _stem(result, result.mapped.uris.fact(fact))
    html = (tmp_path / "site" / f"{stem}.html").read_text(encoding="utf-8")
    assert "&lt;/script&gt;&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html
    p = parse(html)
    [(_, script)] = [s for s in p.scripts if s[0].get("type") == "application/ld+json"]
    assert "</script><b>x</b>" in json.dumps(json.loads(script), ensure_ascii=False)


# -- content of the pages --------------------------------------------------------------------

def _page(site, stem) -> str:
    return (site / f"{stem}.html").read_text(encoding="utf-8")


def test_observation_page_shows_value_quote_source_and_labels(built, site):
    f = next(f for f in built.model.facts if f.province == "25" and f.unit == "TRY")
    html = _page(site, _stem(built, built.mapped.uris.fact(f)))
    assert f'<mark>{f.quote.figure.replace("&", "&amp;")}</mark>' in html
    assert figures.number_text(f.value) in html
    assert f'href="../../../../sources/{f.document}.txt"' in html  # from data/provincial/obs/25/{period}.html
    assert f'<span class="l-tr" lang="tr">{i18n.number(f.value, "tr")}</span>' in html  # 1.100.000 in Turkish
    prog = built.model.schemes["programme"].concepts[f.programme]
    assert f'<span class="l-tr" lang="tr">{prog.label["tr"]}</span><span class="l-en" lang="en">{prog.label["en"]}</span>' in html


def test_province_page_charts_each_group_and_links_bars_to_observations(built, site):
    html = _page(site, "code/province/25")
    p = parse(html)
    svgs = [a for t, a in p.tags if t == "svg"]
    assert len(svgs) >= 2
    assert "Beneficiaries (children) per programme, Erzurum Province, 2025 (total over the period)" in html
    assert "Amount paid (Turkish lira) per programme, Erzurum Province, 2025 (total over the period)" in html
    # the payments chart of the totals over 2025 has one bar per observation of that group, longest first
    group = [f for f in built.model.facts if f.province == "25" and f.indicator == "payments"
             and f.period.notation == "2025" and f.period_kind == "total"]
    assert len(group) >= 2
    chart = re.search(r'<svg class="chart" id="(chart-\d+)"[^>]*>\s*<title lang="tr">[^<]*</title>\s*<title lang="en">'
                      r'Amount paid \(Turkish lira\) per programme, Erzurum Province, 2025 \(total[^<]*</title>.*?</svg>',
                      html, re.S).group(0)
    for lang in ("tr", "en"):  # each bar's value, in each language, longest bar first
        values = [i18n.number(f.value, lang) for f in sorted(group, key=lambda f: -f.value)]
        shown = re.findall(rf'<g class="l-{lang}" lang="{lang}"><title>[^<]*</title><text [^>]*>[^<]*</text>'
                           r'<text x="[\d.]+" y="[\d.]+">([\d,.]+) ', chart)
        assert shown == values
    assert len(re.findall(r"<rect ", chart)) == len(group)


def test_programme_page_compares_the_provinces_that_report_it(built, site):
    by_prog: dict[str, set[str]] = {}
    for f in built.model.facts:
        by_prog.setdefault(f.programme, set()).add(f.province)
    prog = next(p for p, provs in sorted(by_prog.items()) if len(provs) > 1)
    html = _page(site, f"code/programme/{prog}")
    assert "Elazığ Province" in html and "Erzurum Province" in html
    rows = re.findall(r'<tr><td><span class="l-tr" lang="tr">(Elazığ|Erzurum)</span>', html)
    assert len(rows) >= sum(1 for f in built.model.facts if f.programme == prog)


def test_ontology_index_lists_every_term_with_its_definition(built, site):
    html = _page(site, "def/index")
    from rdflib.namespace import OWL, RDF

    onto = built.mapped.ontology
    asdh = str(built.mapped.uris.asdh)
    for cls in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for t in onto.subjects(RDF.type, cls):
            if str(t).startswith(asdh):
                assert f'href="{str(t)[len(asdh):]}.html"' in html, t
    assert 'href="../def/index.html"' in _page(site, "index") or 'href="def/index.html"' in _page(site, "index")


def test_home_page_links_dataset_ontology_downloads_and_code_lists(site):
    p = parse(_page(site, "index"))
    hrefs = {url for _, url in p.links}
    assert {"data/provincial.html", "def/index.html", "downloads/asdh-lod.ttl", "catalog.ttl", "void.ttl",
            "downloads/asdh-lod.csv", "sitemap.xml", "code/province.html", "style.css"} <= hrefs


# -- the description documents: catalogue and VoID ----------------------------------------------

DOCUMENTS = ("catalog", "void")


def _sections(html: str) -> dict[str, str]:
    """id → the HTML of each <section> of a page."""
    return dict(re.findall(r'<section id="([^"]+)"[^>]*>(.*?)</section>', html, re.DOTALL))


@pytest.mark.parametrize("name", DOCUMENTS)
def test_catalogue_and_void_have_a_page_and_three_rdf_variants_saying_the_same(built, site, name):
    base = built.mapped.uris.base
    ttl = Graph().parse(site / f"{name}.ttl", format="turtle")
    assert len(ttl) > 100
    assert isomorphic(ttl, Graph().parse(site / f"{name}.nt", format="nt"))
    assert isomorphic(ttl, Graph().parse(site / f"{name}.jsonld", format="json-ld"))
    p = parse(_page(site, name))
    (embedded,) = [text for a, text in p.scripts if a.get("type") == "application/ld+json"]
    assert isomorphic(ttl, Graph().parse(data=embedded, format="json-ld"))
    assert ("canonical", base + name) in p.links
    alternates = {a["type"]: a["href"] for t, a in p.tags if t == "link" and a.get("rel") == "alternate"}
    assert alternates == {"text/turtle": f"{name}.ttl", "application/ld+json": f"{name}.jsonld",
                          "application/n-triples": f"{name}.nt"}
    assert f"<loc>{base}{name}</loc>" in (site / "sitemap.xml").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_hash_iri_of_a_document_lands_on_its_own_section(built, site, name):
    """`{base}catalog#x` is served as catalog.html (conneg) and the browser scrolls to id="x":
    the section of that resource, which shows its URI and every property of it."""
    doc = built.mapped.uris.base + name
    g = Graph().parse(site / f"{name}.ttl", format="turtle")
    hashes = sorted({t for triple in g for t in triple if isinstance(t, URIRef) and str(t).startswith(doc + "#")})
    assert len(hashes) >= 10
    sections = _sections(_page(site, name))
    for h in hashes:
        frag = str(h)[len(doc) + 1:]
        assert frag in sections, h
        assert f"<code>{h}</code>" in sections[frag]
        for p in set(g.predicates(h)):
            assert f'title="{p}"' in sections[frag], (h, p)
    # every resource the document describes has a section
    subjects = {s for s in g.subjects() if isinstance(s, URIRef)}
    shown = {m for sec in sections.values() for m in re.findall(r'<p class="uri"><code>([^<]+)</code>', sec)}
    assert shown == {str(s) for s in subjects}


def test_catalogue_page_shows_each_distribution_with_format_size_checksum_and_licence(built, site):
    from rdflib.namespace import DCAT, DCTERMS

    from asdh_lod.publish.catalog import SPDX

    g = Graph().parse(site / "catalog.ttl", format="turtle")
    html = _page(site, "catalog")
    sections = _sections(html)
    doc = built.mapped.uris.base + "catalog"
    distributions = sorted(g.objects(built.mapped.uris.dataset, DCAT.distribution))
    assert len(distributions) == 7
    for d in distributions:
        sec = sections[str(d)[len(doc) + 1:]]
        size = g.value(d, DCAT.byteSize)
        assert f"<span>{size}</span>" in sec and int(size) > 0
        assert f'href="{g.value(d, DCAT.mediaType)}"' in sec
        assert f'href="{g.value(d, DCTERMS.format)}"' in sec
        assert f'href="{g.value(d, DCTERMS.license)}"' in sec
        checksum = g.value(d, SPDX.checksum)
        assert f'href="catalog.html#{str(checksum)[len(doc) + 1:]}"' in sec
        download = str(g.value(d, DCAT.downloadURL))[len(built.mapped.uris.base):]
        assert f'href="{download}"' in sec
        assert f"<span>{g.value(checksum, SPDX.checksumValue)}</span>" in sections[str(checksum)[len(doc) + 1:]]
    dataset = sections[next(k for k, v in sections.items() if f"<code>{built.mapped.uris.dataset}</code>" in v)]
    for key in ("contact-point", "temporal-coverage"):
        assert f'href="catalog.html#{key}"' in dataset
    assert 'href="code/organisation/' in dataset  # the publisher's page


def test_home_and_dataset_pages_link_the_catalogue_and_void_pages(site):
    home = {url for _, url in parse(_page(site, "index")).links}
    assert {"catalog.html", "void.html"} <= home
    assert "../catalog.html" in {url for _, url in parse(_page(site, "data/provincial")).links}


def test_base_iri_moves_every_page(tiny, tmp_path):
    base = "http://example.org/lod/"
    build(tiny, tmp_path / "site", base)
    site = tmp_path / "site"
    assert (site / "code" / "province" / "25.html").is_file()
    assert '<link rel="canonical" href="http://example.org/lod/code/province/25">' in _page(site, "code/province/25")
    leaks = [p.relative_to(site).as_posix() for p in site.rglob("*")
             if p.is_file() and p.suffix in (".html", ".ttl", ".jsonld", ".nt") and b"w3id.org" in p.read_bytes()]
    assert leaks == []
    assert broken_links(site, base=base) == []


# -- charts and numbers ------------------------------------------------------------------------

def test_bar_chart_is_accessible_deterministic_and_proportional():
    two = lambda tr, en: {"tr": tr, "en": en}  # noqa: E731
    bars = [charts.Bar(two("Büyük & kalın", "Big & bold"), 200.0, two("200 TL", "200 TL"), "a.html"),
            charts.Bar(two("Küçük", "Small"), 50.0, two("50 TL", "50 TL"))]
    svg = charts.bar_chart("c1", two("Ödemeler <2025>", "Payments <2025>"), two("İki çubuk", "Two bars"), bars)
    assert svg == charts.bar_chart("c1", two("Ödemeler <2025>", "Payments <2025>"), two("İki çubuk", "Two bars"), bars)
    assert 'role="group" aria-labelledby="c1-caption"' in svg  # named by its figure's caption, which switches language
    assert '<title lang="tr">Ödemeler &lt;2025&gt;</title><title lang="en">Payments &lt;2025&gt;</title>' in svg.replace("\n", "")
    assert '<g class="l-en" lang="en"><title>Big &amp; bold: 200 TL</title>' in svg and "Büyük &amp; kalın" in svg
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', svg)]
    assert widths[0] == pytest.approx(4 * widths[1]) and widths[0] == charts.WIDTH - charts.VALUE_W
    assert svg.count('<a href="a.html">') == 1
    with pytest.raises(ValueError):
        charts.bar_chart("c2", two("t", "t"), two("d", "d"), [])


@pytest.mark.parametrize("value,tr,en", [(Fraction(1100000), "1.100.000", "1,100,000"), (Fraction(25, 2), "12,5", "12.5"),
                                         (Fraction(123475, 100), "1.234,75", "1,234.75"), (Fraction(0), "0", "0")])
def test_numbers_as_turkish_and_english_readers_write_them(value, tr, en):
    assert i18n.number(value, "tr") == tr and i18n.number(value, "en") == en == figures.number_text(value)


def test_literal_values_keep_their_language(site):
    html = _page(site, "def/Programme")
    assert '<span lang="tr">Program</span> <small class="tag">@tr</small>' in html


# -- national scale: listing pages stay small -------------------------------------------------

def test_listing_pages_show_the_first_figures_and_say_where_the_rest_are(tiny, tmp_path, monkeypatch):
    """At 100,000 figures the dataset page cannot list them all: it shows the first
    FIGURE_LIMIT (in dimension order), CHART_LIMIT charts and USED_BY_LIMIT subjects per property,
    and links to where every figure is (the CSV, the observation pages, SPARQL)."""
    monkeypatch.setattr(figures, "FIGURE_LIMIT", 3)
    monkeypatch.setattr(figures, "CHART_LIMIT", 1)
    monkeypatch.setattr(links, "USED_BY_LIMIT", 2)
    result = build(tiny, tmp_path / "site")
    site = tmp_path / "site"
    facts = result.model.facts
    assert len(facts) == 7
    html = _page(site, "data/provincial")
    assert '<span class="l-en" lang="en">The first 3 of 7 figures, in the order of their dimensions.' in html
    assert '<span class="l-tr" lang="tr">7 rakamın boyut sırasına göre ilk 3 tanesi.' in html
    assert 'href="../downloads/asdh-lod.csv"' in html
    table = html[html.index('<section aria-labelledby="figures-h">'):]
    first = sorted(facts, key=lambda f: f.key)[:3]
    assert re.findall(r'<th scope="row"><a href="([^"]+)">', table) == [
        posixpath.relpath(_stem(result, result.mapped.uris.fact(f)) + ".html", "data")
        + "#" + str(result.mapped.uris.fact(f)).split("#")[1] for f in first]
    assert len(re.findall(r'<figure class="chart"', html)) <= 1
    # a province page lists its observation pages, one per period, with their counts
    prov = _page(site, "code/province/25")
    docs = re.findall(r'<li><a href="\.\./\.\./data/provincial/obs/25/([^"]+)\.html"[^>]*>.*?</a> <small>\(<span class="l-tr" lang="tr">(\d+) rakam</span>', prov)
    expected: dict[str, int] = {}
    for f in facts:
        if f.province == "25":
            expected[f.period.notation] = expected.get(f.period.notation, 0) + 1
    assert {p: int(n) for p, n in docs} == expected
    # "used by" lists USED_BY_LIMIT subjects per property and counts the rest
    unit = _page(site, "code/unit/person")
    n_person = sum(1 for f in facts if f.unit == "person")
    assert n_person > 2
    assert (f'<li class="muted"><span class="l-tr" lang="tr">ve {n_person - 2} tane daha</span>'
            f'<span class="l-en" lang="en">and {n_person - 2} more</span></li>') in unit
    assert broken_links(site, base=result.mapped.uris.base) == []


# -- the page views: a registry keyed by kind ------------------------------------------------

def test_each_kind_of_page_has_its_view_and_every_resource_view_is_used(built):
    from asdh_lod.publish.site_index import SiteIndex
    from asdh_lod.rdf.serialise import ntriples

    index = SiteIndex(built.model, built.mapped, set(), ntriples(built.mapped.union()))
    p = views.Pages(index)
    uris = built.mapped.uris
    kinds = {u: p.kind_of(r) for u, r in index.resources.items()}
    assert kinds[uris.dataset] == "dataset"
    assert kinds[uris.concept("province", "25")] == "province"
    assert kinds[uris.ontology] == "ontology"
    assert kinds[uris.concept("indicator", "payments")] == "listing"
    f = built.model.facts[0]
    assert kinds[index.hash_doc[uris.fact(f)].uri] == "observation-document"
    assert {v.kind for v in views.VIEWS.values() if v.matches is not None} == set(kinds.values())
    assert {"home", "description-document"} <= set(views.VIEWS)


def test_the_index_prepared_before_workers_fork_is_the_index_made_when_asked(built):
    """`SiteIndex.prepare` makes, in the parent, what each page worker would otherwise make
    for itself on its first page: the same indexes."""
    from asdh_lod.publish.site_index import SiteIndex
    from asdh_lod.rdf.serialise import ntriples

    nt = ntriples(built.mapped.union())
    lazy, ready = SiteIndex(built.model, built.mapped, set(), nt), SiteIndex(built.model, built.mapped, set(), nt)
    ready.prepare()
    assert {"_fact_concepts", "_period_uris", "_indicator_uris", "_compactor"} <= set(vars(ready))
    assert not {"_fact_concepts", "_period_uris", "_indicator_uris", "_compactor"} & set(vars(lazy))
    assert ready.fact_concepts == lazy.fact_concepts
    assert len(ready.fact_concepts.get(built.mapped.uris.concept("indicator", "payments"), ())) > 0
    assert ready.period_uris == lazy.period_uris and ready.indicator_uris == lazy.indicator_uris
    r = next(r for r in ready.resources.values() if r.members)
    assert ready.jsonld_text(ready.description_nt(r)) == lazy.jsonld_text(lazy.description_nt(r))


# -- every chart and map gives its figures: a CSV beside the page and the SPARQL query ---------------

def _figure_blocks(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<figure class="(chart|map)">(.*?)</figure>', html, re.S)


def _observations(site_base: str, rel: str, hrefs: list[str]) -> set[str]:
    """The observation URIs that links from the page `rel` point to (page#fragment → URI)."""
    out = set()
    for h in hrefs:
        path, _, frag = h.partition("#")
        target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), unquote(path)))
        out.add(site_base + target[: -len(".html")] + "#" + unquote(frag))
    return out


def test_every_chart_and_map_gives_exactly_its_figures_as_csv_and_as_a_sparql_query(built, site):
    import csv as csvmod

    base = built.mapped.uris.base
    store = pyoxigraph.Store()
    store.load(gzip.decompress((site / "downloads" / "asdh-lod.nq.gz").read_bytes()), format=pyoxigraph.RdfFormat.N_QUADS)
    seen = {"chart": 0, "map": 0}
    problems = []
    for html_file in sorted(site.rglob("*.html")):
        rel = html_file.relative_to(site).as_posix()
        for kind, block in _figure_blocks(html_file.read_text(encoding="utf-8")):
            if kind == "map" and 'class="give"' not in block:
                continue  # the home page's coverage map: provinces, not figures
            seen[kind] += 1
            shown = _observations(base, rel, re.findall(r'<th scope="row"><a href="([^"]+)"', block))
            [csv_href] = re.findall(r'<a href="([^"]+\.csv)" download>', block)
            csv_path = posixpath.normpath(posixpath.join(posixpath.dirname(rel), csv_href))
            rows = list(csvmod.DictReader((site / csv_path).read_text(encoding="utf-8").splitlines()))
            if {r["observation"] for r in rows} != shown or len(rows) != len(shown):
                problems.append(f"{rel} {kind}: CSV {csv_path} is not the figures shown")
            [query] = re.findall(r'href="[^"]*sparql/index\.html#query=([^"]+)"', block)
            answer = {s["obs"].value for s in store.query(unquote(query))}
            if answer != shown:
                problems.append(f"{rel} {kind}: the query gives {len(answer)} figures, the page shows {len(shown)}")
    assert problems == []
    assert seen["chart"] > 20 and seen["map"] > 20


def test_csv_names_are_registered_in_one_place(site):
    from asdh_lod.rdf.files import figures_csv

    assert (site / figures_csv("code/province/25", "chart-1")).is_file()
    assert (site / figures_csv("index", "chart-1")).is_file()


# -- maps ------------------------------------------------------------------------------------------

def test_home_page_maps_the_provinces_with_data_linked_and_the_others_grey(built, site):
    html = _page(site, "index")
    [svg] = re.findall(r'<svg class="map" id="map-coverage".*?</svg>', html, re.S)
    provinces = sorted({f.province for f in built.model.facts})
    linked = re.findall(r'<a href="code/province/(\d+)\.html"><title>[^<]*</title><use href="#tr-p(\d+)" class="has"/></a>', svg)
    assert [a for a, b in linked if a == b] == provinces
    assert svg.count('class="nd"') == 81 - len(provinces)
    assert html.count('<path id="tr-p') == 81  # the outlines once on the page
    assert '<title lang="tr">Verisi olan iller (2 / 81)</title>' in svg and '<desc lang="en">' in svg
    assert (site / "maps" / "NOTICE.txt").read_text(encoding="utf-8").startswith("Province outlines: turkey-map-react ")
    assert 'href="maps/NOTICE.txt"' in html


def test_programme_and_indicator_pages_map_each_indicator_and_period(built, site):
    html = _page(site, "code/indicator/beneficiaries")
    maps_ = re.findall(r'<figure class="map">(.*?)</figure>', html, re.S)
    assert maps_ and html.count('<path id="tr-p') == 81
    for block in maps_:
        svg = re.search(r"<svg class=\"map\".*?</svg>", block, re.S).group(0)
        assert svg.count("<use ") == 81
        legend = re.search(r'<ul class="legend">(.*?)</ul>', block, re.S).group(1)
        classes = sorted(set(re.findall(r'class="(c\d)"', svg)))
        assert classes and all(f'class="{c}"' in legend for c in classes) and 'class="nd"' in legend
        rows = re.findall(r'<tr><th scope="row"><a href="([^"]+)"', block)
        assert rows == re.findall(r'<a href="([^"]+)"><title>', svg)  # a row per coloured province, linked alike
    assert "<figure class=\"map\">" in _page(site, "code/programme/asdep")


def test_class_bounds_split_the_values_and_every_value_has_its_class():
    assert maps.breaks([5, 1, 3, 2, 4, 6, 7, 8, 9, 10]) == [2, 4, 6, 8, 10]
    assert maps.breaks([7, 7]) == [7] and maps.breaks([1, 2]) == [1, 2] and maps.breaks([]) == []
    bounds = maps.breaks([float(v) for v in range(1, 82)])
    assert [maps.klass(v, bounds) for v in (1, 17, 18, 81)] == [1, 1, 2, 5]


def test_the_outlines_are_the_81_provinces_and_a_map_is_deterministic():
    from helpers import ROOT

    web = ROOT / "web"
    if not (web / "node_modules" / maps.PACKAGE).is_dir():
        pytest.skip("npm ci --prefix web has not run")
    outlines = maps.load_outlines(web)
    assert list(outlines.paths) == [f"{i:02d}" for i in range(1, 82)]
    assert "MIT" in outlines.notice
    areas = [maps.Area("25", "Erzurum", "c1", "1", "a.html")]
    one = maps.choropleth("m", {"tr": "t", "en": "t"}, {"tr": "d", "en": "d"}, areas, outlines)
    assert one == maps.choropleth("m", {"tr": "t", "en": "t"}, {"tr": "d", "en": "d"}, areas, outlines)
    assert '<a href="a.html"><title>Erzurum: 1</title><use href="#tr-p25" class="c1"/></a>' in one


def test_a_site_built_without_the_outlines_has_no_maps_and_its_pages_still_work(tiny_build, tmp_path):
    from asdh_lod.publish.render import render
    from asdh_lod.stages.validate import load_shapes
    from asdh_lod.publish.querypage import load_queries
    from asdh_lod.core.resources import QUERIES

    r = tiny_build
    files = render(r.model, r.mapped, load_shapes(r.mapped.uris), load_queries(QUERIES), None, outlines=None)
    assert "maps/NOTICE.txt" not in files
    assert not any(b'class="map"' in data for path, data in files.items() if path.endswith(".html"))
    assert any(path.endswith(".chart-1.csv") for path in files)
    out = tmp_path / "site"
    for path, data in files.items():
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        (out / path).write_bytes(data)
    assert broken_links(out, base=r.mapped.uris.base) == []


def test_a_document_of_hash_iris_is_one_slice_equal_to_its_members_lines():
    """`subject_spans` keeps the hash IRIs of a document under one key: the slice is exactly the
    lines of its members, in order, as slicing each member and sorting the parts gives."""
    nt = b"".join(sorted([
        b"<http://x/a> <http://x/p> \"1\" .\n",
        b"<http://x/d#m1> <http://x/p> \"2\" .\n", b"<http://x/d#m1> <http://x/q> _:b1 .\n",
        b"<http://x/d#m2> <http://x/p> \"3\" .\n",
        b"<http://x/d> <http://x/p> \"4\" .\n", b"<http://x/d/e> <http://x/p> \"5\" .\n",
        b"<http://x/d#m3> <http://x/p> \"6\" .\n", b"_:b1 <http://x/p> \"7\" .\n"]))
    spans = subject_spans(nt)
    start, end, first, stop = spans[b"<http://x/d#"]
    members = [line for line in nt.splitlines(keepends=True) if line.startswith(b"<http://x/d#")]
    assert nt[start:end] == b"".join(members) and len(members) == 4
    assert (first, stop) == (1, 4)  # the subjects' ordinals: <a>, then d#m1, d#m2, d#m3 (their JSON-LD nodes)
    assert nt[slice(*spans[b"<http://x/d>"][:2])] == b"<http://x/d> <http://x/p> \"4\" .\n"
    assert spans[b"<http://x/d/e>"][2:] == (4, 5) and spans[b"<http://x/d>"][2:] == (5, 6)
    assert nt[slice(*spans[b"_:b1"][:2])] == b"_:b1 <http://x/p> \"7\" .\n" and spans[b"_:b1"][2:] == (6, 7)
    assert b"<http://x/d#m1>" not in spans


def test_a_pages_json_ld_is_sliced_from_the_json_ld_dump(built, tmp_path):
    """The JSON-LD dump is a node a subject, in the sorted N-Triples' order (`dumps.JsonLd`):
    a page's JSON-LD is its description's nodes read back from it (`SiteIndex.description_jsonld`),
    the same text as made from its N-Triples; the ontology's (not a slice) and those with blank
    nodes are made."""
    nt = ntriples(built.mapped.union())
    spans = SubjectSpans()
    with open(tmp_path / "d.jsonld", "wb") as f:
        dump = JsonLd(f, jsonld_context(built.mapped.uris.base), "d.jsonld", nodes=True)
        write_chunked(nt, [dump], 7, starts=spans)  # about 7 subjects a chunk: many pieces
    spans.close(len(nt))
    assert dump.made > 20 and len(dump.node_starts) == spans.subjects + 1
    nodes = NodeTexts(tmp_path / "d.jsonld", dump.node_starts, spans.subjects)
    index = SiteIndex(built.model, built.mapped, set(), nt, spans.spans, nodes)
    made, sliced = [], 0
    for r in index.resources.values():
        text = index.description_jsonld(r)
        if text is None:  # the ontology; a resource with blank nodes, or no lines of its own
            made.append(r.uri)
        else:
            assert text == index.jsonld_text(index.description_nt(r)), r.uri
            sliced += 1
    nodes.close()
    assert built.mapped.uris.ontology in made and sliced > 10 * len(made) and sliced > 100


def test_bounded_caches_do_not_change_a_byte(built, tmp_path, monkeypatch):
    """The link, label and compaction caches are emptied past a bound (memory stays flat at
    national scale); emptied after every few entries, the site is the same, byte for byte."""
    from asdh_lod.rdf.serialise import Compactor

    monkeypatch.setattr(links.Links, "CACHED", 8)
    monkeypatch.setattr(Compactor, "CACHED", 8)
    monkeypatch.setenv("ASDH_LOD_WORKERS", "1")
    out = tmp_path / "site"
    shutil.copytree(built.out / "releases", out / "releases")
    build(DATA, out)
    files = lambda d: {p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}  # noqa: E731
    assert files(out) == files(built.out)


def test_the_dumps_pass_finds_each_subjects_lines(built):
    """The pages' descriptions are sliced where the dumps' pass over the sorted N-Triples saw
    each subject start (`SubjectSpans` given to `subject_chunks`), as a pass of their own finds
    them: the spans tile the file and each holds exactly its subject's lines."""
    from asdh_lod.publish.site_index import SubjectSpans
    from asdh_lod.rdf.files import FILES
    from asdh_lod.rdf.serialise import subject_chunks

    nt = (built.out / FILES["n-triples"].path).read_bytes()
    collected = SubjectSpans()
    assert b"".join(subject_chunks(nt.splitlines(keepends=True), 7, starts=collected)) == nt
    spans = collected.close(len(nt))
    assert spans == subject_spans(nt)
    tiles = sorted(spans.values())
    assert tiles[0][0] == 0 and tiles[-1][1] == len(nt)
    assert all(a[1] == b[0] and a[3] == b[2] for a, b in zip(tiles, tiles[1:]))  # bytes and ordinals
    assert tiles[0][2] == 0 and tiles[-1][3] == collected.subjects
    lines = nt.splitlines(keepends=True)
    for key, (start, end, first, stop) in spans.items():
        own = [line for line in lines if line.startswith(key if key.endswith(b"#") else key + b" ")]
        assert nt[start:end] == b"".join(own), key
        assert stop - first == len({line[:line.index(b" ")] for line in own}), key  # its subjects
    assert any(key.endswith(b"#") for key in spans)  # observations: by document
