"""The DCAT-AP 3 catalogue, VoID, sitemap and robots.txt: official shapes, a real harvester."""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, SH, VOID, XSD

from asdh_lod.build.pipeline import build
from asdh_lod.core.problems import ProblemsFound
from asdh_lod.core.resources import DCAT_AP
from asdh_lod.publish import catalog as K
from asdh_lod.publish.releases import catalog_versions, void_versions
from asdh_lod.rdf.files import DISTRIBUTIONS
from asdh_lod.stages.mapping import QB

from helpers import ROOT, need, where

SPDX = K.SPDX
EU_FILE = "http://publications.europa.eu/resource/authority/file-type/"


@pytest.fixture(scope="module")
def site(built) -> Path:
    return built.out


@pytest.fixture(scope="module")
def cat(site) -> Graph:
    return Graph().parse(site / K.CATALOG_TTL, format="turtle")


# --- the catalogue's content ------------------------------------------------------------------

def test_turtle_and_jsonld_say_the_same(site, cat):
    assert isomorphic(Graph().parse(site / K.CATALOG_JSONLD, format="json-ld"), cat)


def test_dataset_is_the_cube_and_conforms_to_its_structure(cat, built):
    u = built.mapped.uris
    assert list(cat.subjects(RDF.type, DCAT.Catalog)) == [u.catalog]
    # the latest edition, and each release as a dataset of its own (docs/releases.md)
    assert set(cat.objects(u.catalog, DCAT.dataset)) == {u.dataset, *(u.release(r.version) for r in built.releases)}
    assert {DCAT.Dataset, QB.DataSet} <= set(cat.objects(u.dataset, RDF.type))
    assert list(cat.objects(u.dataset, DCTERMS.conformsTo)) == [u.structure]
    assert (u.structure, RDF.type, DCTERMS.Standard) in cat


def test_every_download_is_a_distribution_with_its_real_size_and_checksum(cat, site, built):
    u = built.mapped.uris
    dists = set(cat.objects(u.dataset, DCAT.distribution))
    assert len(dists) == len(DISTRIBUTIONS) == 7
    seen = set()
    for d in dists:
        url = cat.value(d, DCAT.downloadURL)
        assert cat.value(d, DCAT.accessURL) == url
        path = str(url)[len(u.base):]
        data = (site / path).read_bytes()  # the bytes written, not the bytes first rendered
        assert cat.value(d, DCAT.byteSize) == Literal(len(data), datatype=XSD.nonNegativeInteger)
        ck = cat.value(d, SPDX.checksum)
        assert cat.value(ck, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(cat.value(ck, SPDX.checksumValue)) == hashlib.sha256(data).hexdigest()
        assert str(cat.value(d, DCTERMS.format)).startswith(EU_FILE)
        assert str(cat.value(d, DCAT.mediaType)).startswith("http://www.iana.org/assignments/media-types/")
        seen.add((path, str(cat.value(d, DCTERMS.format))[len(EU_FILE):],
                  str(cat.value(d, DCAT.mediaType)).rsplit("media-types/", 1)[1]))
    assert seen == {
        ("downloads/asdh-lod.ttl", "RDF_TURTLE", "text/turtle"),
        ("downloads/asdh-lod.jsonld", "JSON_LD", "application/ld+json"),
        ("downloads/asdh-lod.nt", "RDF_N_TRIPLES", "application/n-triples"),
        ("downloads/asdh-lod.nt.gz", "RDF_N_TRIPLES", "application/n-triples"),
        ("downloads/asdh-lod.csv", "CSV", "text/csv"),
        ("downloads/asdh-lod-sdmx.csv", "CSV", "text/csv"),
        ("downloads/asdh-lod-sdmx-structure.xml", "SDMX", "application/xml"),
    }
    csv_schema = cat.value(u.catalog_part("distribution-csv"), DCTERMS.conformsTo)
    assert (site / str(csv_schema)[len(u.base):]).is_file()  # the CSVW metadata
    sdmx_schema = cat.value(u.catalog_part("distribution-sdmx-csv"), DCTERMS.conformsTo)
    assert str(sdmx_schema) == str(u.file("downloads/asdh-lod-sdmx-structure.xml"))  # its SDMX structure
    gz = u.catalog_part("distribution-n-triples-gzip")
    assert cat.value(gz, DCAT.compressFormat) == URIRef("http://www.iana.org/assignments/media-types/application/gzip")


def test_coverage_themes_languages_contact(cat, built):
    u, info = built.mapped.uris, built.model.dataset
    t = cat.value(u.dataset, DCTERMS.temporal)
    # earliest known begin ("2002--2024") and latest end ("2025", "2025-12-31") of the data
    assert (cat.value(t, DCAT.startDate), cat.value(t, DCAT.endDate)) == (
        Literal("2002-01-01", datatype=XSD.date), Literal("2025-12-31", datatype=XSD.date))
    spatial = set(cat.objects(u.dataset, DCTERMS.spatial))
    assert URIRef("http://publications.europa.eu/resource/authority/country/TUR") in spatial
    assert {u.concept("province", "23"), u.concept("province", "25"), u.concept("province", "TR")} <= spatial
    assert (u.concept("province", "TR"), OWL.sameAs, URIRef("http://www.wikidata.org/entity/Q43")) in cat
    themes = set(cat.objects(u.dataset, DCAT.theme))
    assert URIRef("http://publications.europa.eu/resource/authority/data-theme/SOCI") in themes
    assert u.concept("cofog", "10.4") in themes  # from the programmes' COFOG alignment
    assert set(cat.objects(u.dataset, DCTERMS.language)) == {
        URIRef("http://publications.europa.eu/resource/authority/language/TUR"),
        URIRef("http://publications.europa.eu/resource/authority/language/ENG")}
    cp = cat.value(u.dataset, DCAT.contactPoint)
    assert str(cat.value(cp, K.VCARD.fn)) == info.contact.name
    assert cat.value(cp, K.VCARD.hasURL) == URIRef(u.base)
    pub = cat.value(u.dataset, DCTERMS.publisher)
    assert {str(n) for n in cat.objects(pub, FOAF.name)} >= {"ASDH-LOD open data project"}
    assert cat.value(pub, DCTERMS.type) == URIRef("http://purl.org/adms/publishertype/NonProfitOrganisation")
    assert cat.value(u.dataset, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    kw = {(str(k), k.language) for k in cat.objects(u.dataset, DCAT.keyword)}
    assert ("sosyal hizmetler", "tr") in kw and ("social services", "en") in kw


def test_base_iri_moves_everything(tiny):
    from asdh_lod.build.pipeline import prepare

    result = prepare(tiny, "https://example.org/x/")
    for name in (K.CATALOG_TTL, K.CATALOG_JSONLD, K.VOID_TTL, K.SITEMAP, K.ROBOTS):
        assert b"w3id.org" not in result.files[name], name
    assert b"https://example.org/x/downloads/asdh-lod.nt.gz" in result.files[K.CATALOG_TTL]


def test_catalogue_refuses_a_missing_download(built):
    files = {p: (built.out / p).read_bytes() for p in built.paths if p.startswith("downloads/")}
    del files["downloads/asdh-lod.csv"]
    with pytest.raises(ValueError, match="downloads/asdh-lod.csv"):
        K.catalog_graph(built.model, built.mapped, files)


# --- official DCAT-AP 3.0.1 shapes --------------------------------------------------------------

def _shacl(data: Graph, *files: str):
    from pyshacl import validate

    shapes = Graph()
    for f in files:
        shapes.parse(DCAT_AP / f, format="turtle")
    conforms, report, _ = validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
    results = []
    for r in report.objects(None, SH.result):  # top-level results (nested details excluded)
        results.append((str(report.value(r, SH.resultSeverity)).rsplit("#", 1)[1],
                        str(report.value(r, SH.focusNode)), str(report.value(r, SH.resultPath)),
                        str(report.value(r, SH.resultMessage))))
    for r in sorted(results):
        print(f"{f}: {r[0]}: {r[1]} {r[2]}: {r[3]}")
    return conforms, sorted(results)


def test_the_shapes_are_the_packaged_copy_with_its_notice():
    """The repository's copy (package data), never a folder outside the checkout."""
    assert DCAT_AP.is_relative_to(ROOT / "src") or "site-packages" in DCAT_AP.parts
    notice = (DCAT_AP / "NOTICE").read_text(encoding="utf-8")
    assert "CC BY 4.0" in notice and "SEMICeu/DCAT-AP" in notice and "7c531da" in notice
    for name in ("dcat-ap-SHACL.ttl", "ranges.ttl", *K.GATE_SHAPES, "html-shacl/shapes_recommended.ttl",
                 "html-shacl/mdr-vocabularies.shape.ttl", "html-shacl/deprecateduris.ttl"):
        assert (DCAT_AP / name).is_file(), name


def test_dcat_ap_consolidated_shapes_no_violation(cat):
    conforms, results = _shacl(cat, "dcat-ap-SHACL.ttl")
    assert [r for r in results if r[0] == "Violation"] == []
    assert conforms


def test_dcat_ap_mandatory_and_range_shapes_conform(cat):
    conforms, results = _shacl(cat, "html-shacl/shapes.ttl", "html-shacl/range.ttl")
    assert conforms and results == []


def test_dcat_ap_recommended_shapes_only_warn(cat):
    conforms, results = _shacl(cat, "html-shacl/shapes_recommended.ttl")
    assert {r[0] for r in results} <= {"Warning"}  # reported above (pytest -s), never violations
    # what we leave out on purpose: dcatap:availability, bounding boxes/centroids of places
    assert {r[2].rsplit("/", 1)[-1].rsplit("#", 1)[-1] for r in results} <= {"availability", "bbox", "centroid"}


def test_dcat_ap_vocabulary_shapes(cat):
    """The controlled-vocabulary shapes: our own COFOG themes, provinces and publisher are not EU
    authority terms (warnings). One known clash: they want SPDX algorithm IRIs under
    https://spdx.org/rdf/terms, while the SPDX namespace (and DCAT-AP's own spdx: prefix, and
    ckanext-dcat) is http://spdx.org/rdf/terms#; we keep the namespace's IRI."""
    conforms, results = _shacl(cat, "html-shacl/mdr-vocabularies.shape.ttl")
    violations = [r for r in results if r[0] == "Violation"]
    assert violations and all(r[2] == str(SPDX.algorithm) and "ChecksumAlgorithmRestriction" in r[3]
                              for r in violations), violations
    assert {r[0] for r in results} <= {"Violation", "Warning"}


def test_dcat_ap_deprecated_terms_unused(cat):
    conforms, results = _shacl(cat, "html-shacl/deprecateduris.ttl")
    assert conforms and results == []


def _line(path: Path, startswith: str) -> int:
    return next(i for i, ln in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if ln.startswith(startswith))


def test_the_build_gate_passes_the_published_catalogue(cat, built):
    assert K.check_catalogue(built.model, built.mapped, cat).problems == []


def test_a_catalogue_that_breaks_dcat_ap_stops_the_build_at_its_yaml_line(data, tmp_path, monkeypatch):
    """A catalogue without the dataset's description (mandatory in DCAT-AP) stops the build with
    a problem at dataset.yaml's `description:` line, and nothing is written."""
    out = tmp_path / "site"
    build(data, out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    made = K.catalog_graph

    def without_description(model, mapped, files):  # injected: what a broken edit would give
        g = made(model, mapped, files)
        g.remove((mapped.uris.dataset, DCTERMS.description, None))
        return g

    monkeypatch.setattr(K, "catalog_graph", without_description)
    with pytest.raises(ProblemsFound) as e:
        build(data, out)
    assert e.value.stage == "catalogue"
    assert where(e.value.report) == [("shacl", "data/dataset.yaml", _line(data / "dataset.yaml", "description:"))]
    assert "dct:description" in e.value.report.problems[0].message
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before  # nothing written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "site"]  # no staged folder left


def test_a_dcat_ap_violation_on_a_concept_points_at_its_code_list(cat, built):
    g = Graph()
    for t in cat:
        g.add(t)
    province = built.mapped.uris.concept("province", "23")
    g.remove((province, K.SKOS.prefLabel, None))
    g.add((province, RDF.type, K.SKOS.Concept))  # a concept without a label: DCAT-AP needs skos:prefLabel
    problems = K.check_catalogue(built.model, built.mapped, g).problems
    origin = built.mapped.origins[province]
    assert [(p.code, p.path, p.line) for p in problems] == [("shacl", origin.path, origin.line)]
    assert origin.path.endswith("codelists/provinces.yaml")


# --- a real harvester: ckanext-dcat -------------------------------------------------------------

def _ckan_parser():
    try:
        from ckanext.dcat.processors import RDFParser
    except ImportError as e:
        need(False, f"ckanext-dcat is not importable ({e}); install the extra: pip install -e '.[ckan]'")
    return RDFParser


@pytest.mark.parametrize("name,fmt", [(K.CATALOG_TTL, "turtle"), (K.CATALOG_JSONLD, "json-ld")])
def test_ckanext_dcat_harvests_the_catalogue(site, built, name, fmt):
    RDFParser = _ckan_parser()
    parser = RDFParser(profiles=["euro_dcat_ap_3"])
    parser.parse((site / name).read_bytes(), _format=fmt)
    info, u = built.model.dataset, built.mapped.uris
    datasets = {next(e["value"] for e in d["extras"] if e["key"] == "uri"): d for d in parser.datasets()}
    assert sorted(datasets) == sorted([str(u.dataset), *(str(u.release(r.version)) for r in built.releases)])
    d = datasets[str(u.dataset)]  # the latest edition; each release is a dataset of its own (docs/releases.md)
    assert d["title"] == info.title["en"]
    assert d["notes"] == info.description["en"]
    extras = {e["key"]: e["value"] for e in d["extras"]}
    assert extras["uri"] == str(u.dataset)
    assert extras["temporal_start"] == "2002-01-01" and extras["temporal_end"] == "2025-12-31"
    assert extras["contact_name"] == info.contact.name
    assert u.structure in extras["conforms_to"]
    resources = {(r["url"], r["format"], r["size"], r["hash"]) for r in d["resources"]}
    want = set()
    for dl in DISTRIBUTIONS:
        data = (site / dl.path).read_bytes()
        want.add((str(u.file(dl.path)), EU_FILE + dl.file_type, len(data), hashlib.sha256(data).hexdigest()))
    assert resources == want
    assert {r["name"] for r in d["resources"]} == {f"{info.title['en']} ({dl.label})" for dl in DISTRIBUTIONS}


# --- VoID ---------------------------------------------------------------------------------------

def test_void_counts_the_published_graph(site, built):
    assert (site / K.VOID_TTL).read_bytes() == (site / ".well-known" / "void").read_bytes()
    v = Graph().parse(site / K.VOID_TTL, format="turtle")
    whole = Graph().parse(site / "downloads" / "asdh-lod.nt", format="nt")
    u = built.mapped.uris
    ds = u.dataset
    assert (ds, RDF.type, VOID.Dataset) in v
    assert int(v.value(ds, VOID.triples)) == len(whole) == built.triples
    subjects = set(whole.subjects())
    assert int(v.value(ds, VOID.distinctSubjects)) == len(subjects)
    assert int(v.value(ds, VOID.entities)) == len({s for s in subjects if str(s).startswith(u.base)})
    assert int(v.value(ds, VOID.properties)) == len(set(whole.predicates()))
    assert str(v.value(ds, VOID.uriSpace)) == u.base
    dumps = {str(o)[len(u.base):] for o in v.objects(ds, VOID.dataDump)}
    assert dumps == {"downloads/asdh-lod.ttl", "downloads/asdh-lod.jsonld", "downloads/asdh-lod.nt",
                     "downloads/asdh-lod.nt.gz"}
    assert all((site / p).is_file() for p in dumps)
    vocabs = set(v.objects(ds, VOID.vocabulary))
    assert {URIRef(str(QB)), URIRef("http://www.w3.org/2004/02/skos/core#"), URIRef(str(u.asdh))} <= vocabs
    assert v.value(ds, VOID.sparqlEndpoint) is None  # there is none: none is claimed
    obs = next(p for p in v.objects(ds, VOID.classPartition) if v.value(p, VOID["class"]) == QB.Observation)
    assert int(v.value(obs, VOID.entities)) == built.observations
    subsets = {str(s).rsplit("#", 1)[1]: int(v.value(s, VOID.triples)) for s in v.objects(ds, VOID.subset)
               if v.value(s, VOID.triples) is not None and (s, RDF.type, VOID.Linkset) not in v}
    assert subsets == {"ontology": len(built.mapped.ontology), "codelists": len(built.mapped.codelists),
                       "data": len(built.mapped.data)}



def test_void_and_catalog_come_from_the_triple_lists_and_count_distinct_triples(built):
    """No graph of the data or the code lists is built (nor the whole graph); a triple repeated
    within a part or across parts counts once, as in the published graph."""
    from asdh_lod.stages.mapping import Mapped, Triples

    m, u = built.mapped, built.mapped.uris
    lists = Mapped(u, Triples(m.data), Triples(m.codelists), m.ontology, m.origins)
    twice = Mapped(u, Triples([*m.data, *m.data]), Triples([*m.codelists, *m.codelists]), m.ontology, m.origins)
    published = {p: (built.out / p).read_bytes() for p in built.paths}
    versions = (catalog_versions(built.releases, lists), void_versions(built.releases, lists))  # the releases
    _docs, out = K.description_files(built.model, lists, files=published, extra=versions)
    assert isinstance(lists.part("data"), list) and isinstance(lists.part("codelists"), list)
    assert out == {p: published[p] for p in out}  # byte for byte what the build published
    assert K.description_files(built.model, twice, published, extra=versions)[1] == out
    # the ontology's triples repeated in the data part: the data subset grows, the whole does not
    repeated = Mapped(u, Triples([*m.data, *m.ontology]), Triples(m.codelists), m.ontology, m.origins)
    whole, parts = K._summaries(K.sorted_lines_in_memory(repeated), u.base)
    g = m.union()  # what VoID must say of it, counted here by rdflib
    subjects = set(g.subjects())
    assert K._stats(whole) == {
        VOID.triples: len(g), VOID.distinctSubjects: len(subjects), VOID.distinctObjects: len(set(g.objects())),
        VOID.properties: len(set(g.predicates())), VOID.classes: len(set(g.objects(None, RDF.type))),
        VOID.entities: len({s for s in subjects if isinstance(s, URIRef) and str(s).startswith(u.base)})}
    assert K._stats(whole)[VOID.triples] == built.triples
    assert whole.example == min(str(s) for s in g.subjects(RDF.type, QB.Observation))
    assert {name: s.triples for name, s in parts.items()} == {
        "ontology": len(m.ontology), "codelists": len(m.codelists), "data": len(m.data) + len(m.ontology)}


def test_void_counts_every_object_of_rdf_type_as_a_class_and_partitions_the_iris():
    rdf_type = f"<{RDF.type}>".encode()
    lines = sorted([b"<http://x/a> " + rdf_type + b" <http://x/C> .\n",
                    b"<http://x/b> " + rdf_type + b" _:k .\n",
                    b'<http://x/b> <http://x/p> "a b . c" .\n',
                    b"_:k <http://x/p> <http://x/C> .\n"])
    s = K._summary(lines, "http://x/")
    assert (s.triples, s.subjects, s.entities, s.objects, s.types) == (4, 3, 2, 3, 2)
    assert s.classes == {"http://x/C": 1} and s.predicates == {str(RDF.type), "http://x/p"}


# --- sitemap and robots -------------------------------------------------------------------------

def test_sitemap_lists_every_html_page_sorted():
    files = {"b/x.html": b"", "index.html": b"", "a/index.html": b"", "c.txt": b"", "d/e.ttl": b"",
             "code/province/23.html": b"", "q&a.html": b""}
    xml = K.sitemap(files, "https://example.org/base/")
    assert xml == (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        b"  <url><loc>https://example.org/base/</loc></url>\n"
        b"  <url><loc>https://example.org/base/a/</loc></url>\n"
        b"  <url><loc>https://example.org/base/b/x</loc></url>\n"
        b"  <url><loc>https://example.org/base/code/province/23</loc></url>\n"
        b"  <url><loc>https://example.org/base/q&amp;a</loc></url>\n"
        b"</urlset>\n")
    root = ET.fromstring(xml)
    assert len(root) == 5


def test_sitemap_of_the_site_covers_its_pages(site):
    root = ET.fromstring((site / K.SITEMAP).read_bytes())
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    listed = [e.text for e in root.findall("s:url/s:loc", ns)]
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert len(listed) == len(pages)
    assert listed == sorted(listed)


def test_sitemap_refuses_more_than_the_limit(monkeypatch):
    monkeypatch.setattr(K, "SITEMAP_LIMIT", 2)
    with pytest.raises(ValueError, match="exceed the sitemap limit"):
        K.sitemap({"a.html": b"", "b.html": b"", "c.html": b""}, "https://example.org/")


def test_robots_points_to_the_sitemap(site, built):
    text = (site / K.ROBOTS).read_text(encoding="utf-8")
    assert f"Sitemap: {built.mapped.uris.base}sitemap.xml" in text.splitlines()
    assert "User-agent: *" in text.splitlines()


def test_the_wholes_counts_put_together_from_its_parts_equal_one_pass_over_it():
    """VoID's whole is `_union` of the small parts' scan and the data's (its repeats of their
    lines and subjects noted), not a pass of its own: equal to scanning the sorted union, with
    repeated lines, subjects, rdf:type and Wikidata links across the parts."""
    import random

    rng = random.Random(11)
    rdf_type, same_as = f"<{RDF.type}>", f"<{OWL.sameAs}>"
    for trial in range(40):
        def line() -> bytes:
            s = rng.choice([f"<http://x/s{rng.randrange(30)}>", f"<http://y/t{rng.randrange(5)}>", f"_:b{rng.randrange(3)}"])
            p, o = rng.choice([(rdf_type, f"<http://x/C{rng.randrange(4)}>"), (rdf_type, f"<{QB.Observation}>"),
                               (same_as, f"<http://www.wikidata.org/entity/Q{rng.randrange(4)}>"),
                               ("<http://x/p>", f'"{rng.randrange(9)}"'), (rdf_type, "_:k")])
            return f"{s} {p} {o} .\n".encode()
        parts = {name: sorted({line() for _ in range(rng.randrange(0, 60))}) for name in ("data", "codelists", "ontology")}
        whole, summaries = K._summaries(lambda name: iter(parts[name]), "http://x/")
        assert whole == K._summary(sorted({x for ls in parts.values() for x in ls}), "http://x/"), trial
        assert summaries == {name: K._summary(parts[name], "http://x/") for name in ("data", "codelists", "ontology")}
