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
