"""Releases (issue 14): two real releases of the tiny data folder with one corrected figure,
one removed fact and one new one. The first release's files stay byte-identical; the change
log lists exactly those three changes, with their old and new values, in RDF, CSV and HTML,
and `asdh-lod diff` says the same; a build without changes changes nothing; a changed
release file is reported by name; a version is never published twice with other content;
`push --release` puts a release into its own named graphs."""

from __future__ import annotations

import re

import csv
import gzip
import hashlib
import io
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, SKOS, XSD

from asdh_lod.cli import main
from asdh_lod.rdf.uris import Uris
from asdh_lod.rdf.vocab import DCAT, SDMX_MEASURE, SPDX
from asdh_lod.sparql import push as push_mod
from asdh_lod.stages.changes import read_changelog, version_key
from endpoint import Oxigraph
from helpers import copy_tiny, mutate

U = Uris("https://w3id.org/asdh-lod/", "provincial")
REVISED = "https://w3id.org/asdh-lod/data/provincial/obs/25/2025#monthly-average/home-care-allowance/disabled/beneficiaries"
REMOVED = "https://w3id.org/asdh-lod/data/provincial/obs/25/2025-12-31#stock/social-service-centres/total/facilities"
ADDED = "https://w3id.org/asdh-lod/data/provincial/obs/25/2025#total/home-care-allowance/disabled/payments"
NOTE = "The directorate corrected a typo in its report: 1.520, not 1.250."
PAYMENTS = '''  - id: home-care-payments
    quote: "Bu alanda toplam 12 milyon 500 bin TL ödeme yapıldı."
    figure: "12 milyon 500 bin TL"
    value: 12500000
    unit: TRY
    programme: home-care-allowance
    target_group: disabled
    indicator: payments
    period: "2025"
    period_kind: total

'''
SHM = '''  - id: shm-centres
    quote: "İlde 3 Sosyal Hizmet Merkezi bulunmaktadır."
    figure: "3"
    value: 3
    unit: facility
    programme: social-service-centres
    target_group: total
    indicator: facilities
    period: "2025-12-31"
    period_kind: stock

'''


def run(*args: str, code: int = 0):
    r = CliRunner().invoke(main, [str(a) for a in args])
    assert r.exit_code == code, r.output
    return r


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def second_edition(data: Path) -> None:
    """The corrections of the second release: a figure corrected (in its text too), one fact
    removed, one added."""
    mutate(data, SHM, PAYMENTS)
    mutate(data, 'figure: "1.250"\n    value: 1250',
           f'figure: "1.520"\n    value: 1520\n    revision_note: "{NOTE}"')
    mutate(data, "ortalama 1.250 engelli", "ortalama 1.520 engelli")
    txt = data / "sources" / "tiny-haber.txt"
    txt.write_text(txt.read_text(encoding="utf-8").replace("1.250", "1.520"), encoding="utf-8")


@pytest.fixture(scope="module")
def two(tmp_path_factory):
    """The tiny folder without the payments fact released as 2026.1, then corrected and
    released as 2026.2; the site after each step."""
    root = tmp_path_factory.mktemp("releases")
    data, site = copy_tiny(root / "data"), root / "site"
    mutate(data, PAYMENTS, "")
    run("release", "2026.1", "--note", "First release", "--date", "2026-03-01", "--data", data, "--out", site, "-q")
    first = files(site)
    second_edition(data)
    run("release", "2026.2", "--note", "Corrections", "--date", "2026-04-01", "--data", data, "--out", site, "-q")
    return data, site, first, files(site)


def test_the_first_release_is_byte_identical_after_the_second(two):
    _, site, first, second = two
    old = {p: b for p, b in first.items() if p.startswith("releases/2026.1/")}
    assert len(old) == 11 and "releases/2026.1/asdh-lod.nq.gz" in old
    assert {p: b for p, b in second.items() if p.startswith("releases/2026.1/")} == old
    assert sorted(p.split("/")[2] for p in second if p.startswith("releases/2026.2/")) == sorted(
        p.split("/")[2] for p in old)


def test_the_change_log_in_rdf_has_exactly_the_three_changes(two):
    _, site, _, _ = two
    g = Graph().parse(site / "releases/2026.2/changes.ttl", format="turtle")
    log = read_changelog(g, U, "2026.2", "2026.1")
    assert [(c.kind, c.iri, c.old_value, c.new_value, c.note) for c in log.changes] == [
        ("revised", REVISED, "1250", "1520", NOTE),
        ("removed", REMOVED, "3", "", ""),
        ("added", ADDED, "", "12500000.0", ""),
    ]
    # the quote changed with the figure: the other changed attribute, old and new
    (quote,) = log.changes[0].others
    assert quote.property == str(U.asdh.sourceQuote)
    assert [str(t) for t in quote.old + quote.new] == [
        "2025 yılında her ay ortalama 1.250 engelli birey evde bakım yardımı aldı.",
        "2025 yılında her ay ortalama 1.520 engelli birey evde bakım yardımı aldı."]
    # PROV-O: the new version is a revision of the old, which the release invalidated
    new, old = U.release_entity("2026.2", REVISED), U.release_entity("2026.1", REVISED)
    at = Literal("2026-04-01T00:00:00Z", datatype=XSD.dateTime)
    assert (new, PROV.wasRevisionOf, old) in g and (old, PROV.invalidatedAtTime, at) in g
    assert (new, PROV.specializationOf, URIRef(REVISED)) in g and (new, SKOS.changeNote, Literal(NOTE)) in g
    assert (old, SDMX_MEASURE.obsValue, Literal(1250, datatype=XSD.integer)) in g
    assert (new, SDMX_MEASURE.obsValue, Literal(1520, datatype=XSD.integer)) in g
    removed = U.release_entity("2026.1", REMOVED)
    assert (removed, RDF.type, U.asdh.RemovedObservation) in g and (removed, PROV.invalidatedAtTime, at) in g
    assert (U.release_entity("2026.2", ADDED), RDF.type, U.asdh.AddedObservation) in g
    assert len(set(g.objects(U.changes("2026.2"), PROV.hadMember))) == 3


def test_the_change_log_as_csv_and_html(two):
    _, site, _, _ = two
    rows = list(csv.DictReader(io.StringIO((site / "releases/2026.2/changes.csv").read_text(encoding="utf-8"))))
    assert [(r["release"], r["previous_release"], r["change"], r["iri"], r["old_value"], r["new_value"], r["note"])
            for r in rows] == [("2026.2", "2026.1", "revised", REVISED, "1250", "1520", NOTE),
                               ("2026.2", "2026.1", "removed", REMOVED, "3", "", ""),
                               ("2026.2", "2026.1", "added", ADDED, "", "12500000.0", "")]
    assert "1.250 engelli" in rows[0]["other_changes"] and "1.520 engelli" in rows[0]["other_changes"]
    page = (site / "releases/2026.2/index.html").read_text(encoding="utf-8")
    assert "1,250 in 2026.1 → <strong>1,520</strong> in 2026.2" in page and NOTE in page
    assert "3 in 2026.1; not in 2026.2" in page and "<strong>12,500,000</strong>, new in 2026.2" in page
    # the live observation page shows the figure's history; home and dataset pages link the releases
    obs = (site / "data/provincial/obs/25/2025.html").read_text(encoding="utf-8")
    history = re.search(r'<p class="history">(.*?)</p>', obs)[1]  # both languages in the page (i18n.bi)
    assert history == (
        '<span class="l-tr" lang="tr">Düzeltildi:</span><span class="l-en" lang="en">Revised:</span> '
        '<span class="l-tr" lang="tr">1.250</span><span class="l-en" lang="en">1,250</span> '
        '(<a href="../../../../releases/2026.1/index.html">2026.1</a>) → '
        '<span class="l-tr" lang="tr">1.520</span><span class="l-en" lang="en">1,520</span> '
        '(<a href="../../../../releases/2026.2/index.html">2026.2</a>).')
    assert f"2026.2: {NOTE}" in obs
    for page in ("index.html", "data/provincial.html"):
        text = (site / page).read_text(encoding="utf-8")
        assert "releases/2026.1/index.html" in text and "releases/2026.2/index.html" in text


def test_diff_prints_the_same_change_log(two):
    data, site, _, _ = two
    out = run("diff", "2026.1", "2026.2", "--site", site, "--data", data).output.splitlines()
    assert out == [
        "2026.1 → 2026.2: observations: 1 revised, 1 removed, 1 added; code-list concepts: 0 changed, 0 removed, 0 added",
        "~ observation data/provincial/obs/25/2025#monthly-average/home-care-allowance/disabled/beneficiaries: "
        "1250 → 1520; def/sourceQuote: 2025 yılında her ay ortalama 1.250 engelli birey evde bakım yardımı aldı.@tr"
        " → 2025 yılında her ay ortalama 1.520 engelli birey evde bakım yardımı aldı.@tr (note: " + NOTE + ")",
        "- observation data/provincial/obs/25/2025-12-31#stock/social-service-centres/total/facilities: 3",
        "+ observation data/provincial/obs/25/2025#total/home-care-allowance/disabled/payments: 12500000.0",
    ]
    assert run("diff", "2026.1", "2026.2", "--site", site, "--data", data, "--format", "csv").stdout_bytes == (
        site / "releases/2026.2/changes.csv").read_bytes()
    # against the working data folder: the same changes (not yet a release)
    working = run("diff", "2026.1", data, "--site", site, "--data", data, "--format", "json").output
    assert '"release": ""' in working and working.count('"change"') == 3
    assert run("diff", "2026.2", data, "--site", site, "--data", data).output.startswith(
        "2026.2 → working data: observations: 0 revised, 0 removed, 0 added")
    assert "no release 2027.1" in run("diff", "2027.1", "2026.2", "--site", site, "--data", data, code=2).output


def test_a_build_without_changes_is_byte_identical(two, tmp_path):
    data, site, _, second = two
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    run("build", "--data", data, "--out", copy, "-q")
    assert files(copy) == second
    # releasing the same version again with the same content changes nothing either
    run("release", "2026.2", "--note", "Corrections", "--date", "2026-04-01", "--data", data, "--out", copy, "-q")
    assert files(copy) == second


def test_a_version_is_never_published_twice_with_other_content(two, tmp_path):
    data, site, _, second = two
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    r = run("release", "2026.1", "--note", "Again", "--date", "2026-03-01", "--data", data, "--out", copy, code=1)
    assert "[release-exists] release 2026.1 exists with other content" in r.output and "2026.3" in r.output
    r = run("release", "2025.9", "--data", data, "--out", copy, code=1)
    assert "[release-order] release 2025.9 is not after the latest release 2026.2" in r.output
    assert files(copy) == second  # nothing written
    assert "not a release version" in run("release", "26.1", "--data", data, "--out", copy, code=2).output


@pytest.mark.parametrize("name", ["asdh-lod.csv", "catalog.ttl", "index.html"])
def test_a_changed_release_file_is_reported_by_name(two, tmp_path, name):
    data, site, _, _ = two
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    target = copy / "releases" / "2026.1" / name
    target.write_bytes(target.read_bytes() + b"\n")  # one byte more: still valid CSV, Turtle, HTML
    before = files(copy)
    r = run("validate", "--releases", copy, "--data", data, code=1)
    assert f"{target}: [release-tampered]" in r.output, r.output
    assert "[release-tampered]" in run("build", "--data", data, "--out", copy, "-q", code=1).output
    assert files(copy) == before  # the build wrote nothing
    (copy / "releases" / "2026.1" / "extra.txt").write_text("x")
    assert "extra.txt is not a file of release 2026.1" in run("validate", "--releases", copy, "--data", data,
                                                             code=1).output


def test_valid_releases_validate(two):
    data, site, _, _ = two
    assert run("validate", "--releases", site, "--data", data).output == \
        f"releases unchanged: 2026.1, 2026.2 in {site}/releases/\n"


def test_the_record_lists_every_file_with_its_checksum_and_the_versions(two):
    _, site, _, _ = two
    r2, r1 = U.release("2026.2"), U.release("2026.1")
    rec = Graph().parse(site / "releases/2026.2/catalog.ttl", format="turtle")
    sums = {}
    for subject, ck in rec.subject_objects(SPDX.checksum):
        url = str(rec.value(subject, DCAT.downloadURL) or subject)
        sums[url[len(U.base):]] = str(rec.value(ck, SPDX.checksumValue))
    assert set(sums) == {f"releases/2026.2/{p.name}" for p in (site / "releases/2026.2").iterdir()
                         if p.name != "catalog.ttl"} | {"releases/2026.1/catalog.ttl"}
    for path, value in sums.items():
        assert hashlib.sha256((site / path).read_bytes()).hexdigest() == value
    assert rec.value(r2, DCAT.version) == Literal("2026.2")
    assert rec.value(r2, DCAT.isVersionOf) == U.dataset and rec.value(r2, DCAT.previousVersion) == r1
    assert rec.value(r2, DCTERMS.issued) == Literal("2026-04-01", datatype=XSD.date)
    assert str(rec.value(r2, URIRef("http://www.w3.org/ns/adms#versionNotes"))) == "Corrections"
    # the live catalogue and VoID: every release a version of the latest edition
    for doc in ("catalog.ttl", "void.ttl"):
        live = Graph().parse(site / doc, format="turtle")
        assert set(live.objects(U.dataset, DCAT.hasVersion)) == {r1, r2}, doc
        assert live.value(r2, DCAT.previousVersion) == r1, doc
    # the ontology as released: its version IRI, and the one before
    onto = Graph().parse(site / "releases/2026.2/ontology.ttl", format="turtle")
    assert list(onto.objects(U.ontology, OWL.versionIRI)) == [U.file("releases/2026.2/ontology.ttl")]
    assert list(onto.objects(U.ontology, OWL.priorVersion)) == [U.file("releases/2026.1/ontology.ttl")]


def test_a_release_dump_holds_its_own_named_graphs(two):
    _, site, _, _ = two
    nq = gzip.decompress((site / "releases/2026.1/asdh-lod.nq.gz").read_bytes()).decode("utf-8")
    graphs = {line.rsplit(" ", 2)[-2] for line in nq.splitlines()}
    assert graphs == {f"<{U.release_graph('2026.1', n)}>" for n in ("ontology", "codelists", "data", "changes")}


def test_push_a_release_into_its_own_named_graphs(two, tmp_path):
    _, site, _, _ = two
    server = Oxigraph(tmp_path / "db").start()
    try:
        push_mod.push(site, server.store, backoff=0.01)
        for v in ("2026.1", "2026.2"):
            result = push_mod.push(site, server.store, backoff=0.01, release=v)
            assert set(result.graphs) == {str(U.release_graph(v, n)) for n in ("ontology", "codelists", "data", "changes")}
        rows = server.select(f"""
            SELECT ?edition ?value WHERE {{
              {{ GRAPH ?m {{ ?r <http://www.w3.org/ns/dcat#version> ?edition ; <http://purl.org/dc/terms/hasPart> ?g }}
                GRAPH ?g {{ <{REVISED}> <{SDMX_MEASURE.obsValue}> ?value }} }}
              UNION {{ GRAPH <{U.graph('data')}> {{ <{REVISED}> <{SDMX_MEASURE.obsValue}> ?value }} BIND("latest" AS ?edition) }}
            }} ORDER BY ?edition""")
        assert [(r["edition"], r["value"]) for r in rows] == [("2026.1", "1250"), ("2026.2", "1520"), ("latest", "1520")]
    finally:
        server.stop()
    with pytest.raises(push_mod.PushError, match="no release 2030.1"):
        push_mod.read_edition(site, "2030.1")


def test_versions_are_ordered_numerically():
    assert sorted(["2026.10", "2026.2", "2025.3"], key=version_key) == ["2025.3", "2026.2", "2026.10"]
    with pytest.raises(ValueError):
        version_key("2026.0")
