"""The pages as real clients see them: an independent extractor finds the schema.org
Dataset, and headless Chromium loads pages over HTTP with no console errors, renders the
charts, fits a phone screen, and leaves screenshots in test-output/ for a person to look at."""

from __future__ import annotations

import pytest

from cdp import CHROMIUM, Chromium
from helpers import ROOT, need, running_preview

SHOTS = ROOT / "test-output"


def test_extruct_finds_the_schema_org_dataset_on_the_landing_page(built):
    import extruct

    html = (built.out / "index.html").read_text(encoding="utf-8")
    data = extruct.extract(html, base_url=built.mapped.uris.base, syntaxes=["json-ld", "microdata", "rdfa"],
                           uniform=True)
    datasets = [d for d in data["json-ld"] if d.get("@type") == "Dataset"]
    assert len(datasets) == 1
    ds, info = datasets[0], built.model.dataset
    assert ds["@context"] in ("https://schema.org/", "http://schema.org")
    assert ds["name"] == info.title["en"] and ds["description"] == info.description["en"]
    assert ds["license"] == info.license and ds["identifier"] == str(built.mapped.uris.dataset)
    assert ds["datePublished"] == info.issued.isoformat()
    formats = {d["encodingFormat"]: d["contentUrl"] for d in ds["distribution"]}
    base = built.mapped.uris.base
    assert formats["text/turtle"] == base + "downloads/asdh-lod.ttl"
    assert formats["application/ld+json"] == base + "downloads/asdh-lod.jsonld"
    assert (built.out / "downloads" / "asdh-lod.ttl").is_file() and (built.out / "downloads" / "asdh-lod.jsonld").is_file()
    assert set(ds["keywords"]) == {w for ws in info.keywords.values() for w in ws}


def test_extruct_reads_each_resource_page_json_ld(built):
    import extruct

    html = (built.out / "code" / "province" / "25.html").read_text(encoding="utf-8")
    [doc] = extruct.extract(html, syntaxes=["json-ld"])["json-ld"]
    ids = {node["@id"] for node in doc["@graph"]}
    assert "code:province/25" in ids or str(built.mapped.uris.concept("province", "25")) in ids


@pytest.fixture(scope="module")
def chromium():
    need(CHROMIUM is not None, "Chromium is not installed (Debian: apt-get install chromium)")
    browser = Chromium()
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture(scope="module")
def preview(built):
    with running_preview(built.out) as url:
        yield url


def test_console_error_detection_works(chromium, tmp_path):
    """The check below can fail: a page with a script error and a missing stylesheet is caught."""
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><html lang="en"><head><title>t</title><link rel="stylesheet" href="gone.css">'
                    '</head><body><script>console.error("planted")</script></body></html>', encoding="utf-8")
    errors = chromium.load(page.as_uri())
    assert any("planted" in e for e in errors) and any("gone.css" in e for e in errors)


def _observation_path(built) -> str:
    f = next(f for f in built.model.facts if f.unit == "TRY")
    return str(built.mapped.uris.fact(f))[len(built.mapped.uris.base):]


@pytest.mark.parametrize("name", ["home", "observation", "province"])
def test_chromium_loads_pages_without_console_errors(built, chromium, preview, name):
    path = {"home": "", "observation": _observation_path(built), "province": "code/province/25"}[name]
    SHOTS.mkdir(exist_ok=True)
    assert chromium.load(preview + path) == []  # negotiated: the browser's Accept gets the HTML page
    assert chromium.evaluate("document.contentType") == "text/html"
    assert chromium.evaluate("document.querySelector('h1').textContent.length") > 10
    # the stylesheet applied (it is local: the page works offline)
    assert chromium.evaluate("getComputedStyle(document.body).fontFamily").startswith("system-ui")
    if name != "observation":  # charts drew bars of real width
        widths = chromium.evaluate("[...document.querySelectorAll('svg.chart rect')].map(r => r.getBoundingClientRect().width)")
        assert widths and all(w > 0 for w in widths)
    else:  # a hash IRI: the browser lands on the observation's own section of its document
        assert chromium.evaluate("document.querySelector(':target').tagName") == "SECTION"
        assert chromium.evaluate("document.querySelector(':target blockquote mark').textContent") != ""
    chromium.screenshot(SHOTS / f"{name}.png")
    # readable on a phone: nothing wider than the screen
    assert chromium.load(preview + path, width=390, height=844, mobile=True) == []
    assert chromium.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    chromium.screenshot(SHOTS / f"{name}-phone.png")
    assert (SHOTS / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# -- every kind of page: accessible (axe-core), readable on a phone, in both languages -------------

AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"


def _kinds(built) -> dict[str, str]:
    """One page of each kind (views.VIEWS), the query pages and the SPARQL page: name → site path."""
    u, base = built.mapped.uris, built.mapped.uris.base
    rel = lambda x: str(x)[len(base):]  # noqa: E731
    counts: dict[str, int] = {}
    for x in built.model.facts:
        counts[x.programme] = counts.get(x.programme, 0) + 1
    prog = max(sorted(counts), key=lambda p: counts[p])  # the programme with most figures: charts and maps
    f = next(f for f in built.model.facts if f.unit == "TRY")
    return {"home": "", "dataset": rel(u.dataset), "province": "code/province/25",
            "programme": rel(u.concept("programme", prog)), "indicator": rel(u.concept("indicator", "beneficiaries")),
            "period": rel(u.period(f.period)), "observation-document": rel(u.fact(f)).split("#")[0],
            "ontology": "def/", "resource": "def/Programme", "description-document": "catalog",
            "queries": "queries/index.html", "sparql": "sparql/index.html"}


def _ready(chromium) -> None:
    """Wait until the SPARQL page's engine has loaded the data (other pages are ready at once)."""
    for _ in range(200):
        if chromium.evaluate("document.body.dataset.state || 'none'") in ("none", "ready", "done", "error"):
            return
        chromium.settle(0.1)


def _axe(chromium) -> list[str]:
    """The serious and critical axe-core violations of the loaded page, one line each."""
    chromium.evaluate(AXE.read_text(encoding="utf-8"))
    found = chromium.evaluate("axe.run(document, {resultTypes: ['violations']}).then(r => r.violations"
                              ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
                              ".map(v => v.impact + ' ' + v.id + ': ' + v.nodes.length + ' × '"
                              " + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')))", await_promise=True)
    return found


KINDS = ["home", "dataset", "province", "programme", "indicator", "period", "observation-document", "ontology",
         "resource", "description-document", "queries", "sparql"]


@pytest.mark.parametrize("lang", ["tr", "en"])
def test_axe_core_finds_no_serious_violation_on_any_kind_of_page(built, chromium, preview, lang):
    need(AXE.is_file(), "axe-core is not installed (npm ci --prefix web)")
    problems = {}
    for kind, path in _kinds(built).items():
        chromium.load(preview + path)
        chromium.evaluate(f"localStorage.setItem('asdh-lang', '{lang}')")
        assert chromium.load(preview + path) == [], kind
        assert chromium.evaluate("document.documentElement.lang") == lang, kind
        _ready(chromium)
        if kind == "sparql":  # with an answer shown (the results view's table, links, buttons)
            chromium.evaluate("document.getElementById('run').click()")
            _ready(chromium)
            assert chromium.evaluate("document.body.dataset.state") == "done"
        found = _axe(chromium)
        if found:
            problems[kind] = found
    chromium.evaluate("localStorage.removeItem('asdh-lang')")
    assert problems == {}


def test_axe_check_fails_on_a_page_with_violations(chromium, tmp_path):
    """The check above can fail: a form field without a label and a nested link are caught."""
    need(AXE.is_file(), "axe-core is not installed (npm ci --prefix web)")
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><main><input type="text">'
                    '<button type="button"><a href="#x">x</a></button></main></body></html>', encoding="utf-8")
    chromium.load(page.as_uri())
    found = " ".join(_axe(chromium))
    assert "critical label" in found and "nested-interactive" in found


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_of_page_fits_a_phone_and_its_chart_text_stays_readable(built, chromium, preview, kind):
    """At 390 px nothing scrolls sideways (tables scroll in their own box) and no chart text is
    smaller than 11 px."""
    path = _kinds(built)[kind]
    SHOTS.mkdir(exist_ok=True)
    assert chromium.load(preview + path, width=390, height=844, mobile=True) == []
    _ready(chromium)
    assert chromium.evaluate("document.documentElement.scrollWidth") <= chromium.evaluate("window.innerWidth")
    sizes = chromium.evaluate("[...document.querySelectorAll('svg text')].filter(t => t.getClientRects().length)"
                              ".map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)")
    if kind in ("home", "dataset", "province"):
        assert sizes, kind  # these pages have charts
    assert all(s >= 11 for s in sizes), (kind, min(sizes))
    chromium.screenshot(SHOTS / f"phone-{kind}.png")


def test_the_language_switch_shows_one_language_and_is_remembered(built, chromium, preview):
    path = _kinds(built)["province"]
    chromium.load(preview + path)
    chromium.evaluate("localStorage.removeItem('asdh-lang')")
    assert chromium.load(preview + path) == []
    visible = "[...document.querySelectorAll('.l-{0}')].filter(e => e.getClientRects().length).length"
    assert chromium.evaluate("document.documentElement.lang") == "tr"
    assert chromium.evaluate(visible.format("tr")) > 50 and chromium.evaluate(visible.format("en")) == 0
    assert chromium.evaluate("document.querySelector('h2#figures-h').innerText") == "Rakamlar"
    assert chromium.evaluate("document.title").startswith("Erzurum — ")
    chromium.evaluate("document.getElementById('lang-switch').click()")
    assert chromium.evaluate(visible.format("tr")) == 0 and chromium.evaluate(visible.format("en")) > 50
    assert chromium.evaluate("document.querySelector('h2#figures-h').innerText") == "Figures"
    assert chromium.evaluate("document.title").startswith("Erzurum Province — ")
    chromium.screenshot(SHOTS / "province-en.png")
    assert chromium.load(preview + _kinds(built)["home"]) == []  # another page: the choice is remembered
    assert chromium.evaluate("document.documentElement.lang") == "en"
    assert chromium.evaluate(visible.format("tr")) == 0
    chromium.evaluate("document.getElementById('lang-switch').click()")
    assert chromium.evaluate("localStorage.getItem('asdh-lang')") == "tr"


def test_a_chart_s_query_link_opens_the_sparql_page_with_it_and_runs_it(built, chromium, preview):
    path = _kinds(built)["province"]
    assert chromium.load(preview + path) == []
    href = chromium.evaluate("document.querySelector('figure.chart p.give a[href*=\"#query=\"]').href")
    rows = chromium.evaluate("document.querySelectorAll('figure.chart')[0].querySelectorAll('tbody tr').length")
    assert chromium.load(href) == []
    for _ in range(300):
        if chromium.evaluate("document.body.dataset.state") in ("done", "error"):
            break
        chromium.settle(0.1)
    assert chromium.evaluate("document.body.dataset.state") == "done"
    assert chromium.evaluate("document.body.dataset.rows") == str(rows)
