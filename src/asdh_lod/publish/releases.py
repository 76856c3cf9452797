"""Render a release: the frozen files of `releases/{version}/`, and what the live site says
of the releases (catalogue and VoID versions, an observation's history). No I/O.

A release folder holds the edition's dumps (N-Quads gzip in the release's own named graphs
`{base}graph/{version}/…`, Turtle, JSON-LD with its frozen context, CSV), the ontology (with
`owl:versionIRI` and `owl:priorVersion`) and shapes it was made with, its change log against
the previous release (Turtle and CSV), its page, and last its DCAT record (`catalog.ttl`):
the release as a `dcat:Dataset` that `dcat:isVersionOf` the latest edition, with its
distributions and a SHA-256 checksum of every other file of the folder (and of the previous
release's record, so a chain of records vouches for every earlier release).
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from fractions import Fraction

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, SKOS, VOID, XSD, Namespace

from ..model.records import Model
from ..rdf.files import FILES, RELEASE_DISTRIBUTIONS, RELEASE_FILES, release_folder, release_path
from ..rdf.serialise import gzipped, jsonld, jsonld_context, nquads, ntriples, turtle, turtle_dump, turtle_prefixes
from ..rdf.vocab import DCAT, EU, SPDX, VCARD, add_labels, bind_prefixes
from ..stages.changes import OBS_VALUE, ChangeLog, Release, changelog_graph, csv_bytes, rows
from ..stages.mapping import Mapped
from . import csvw
from .catalog import temporal_coverage
from .figures import number_text
from .links import chrome
from .templating import environment

ADMS = Namespace("http://www.w3.org/ns/adms#")
EU_FILE_TYPE = Namespace(EU + "file-type/")
EU_THEME = Namespace(EU + "data-theme/")
IANA = "http://www.iana.org/assignments/media-types/"
# the EU file type of each distribution of a release
FILE_TYPES = {"n-quads-gzip": "RDF_N_QUADS", "turtle": "RDF_TURTLE", "json-ld": "JSON_LD", "csv": "CSV"}
FILE_TYPE_LABELS = {"RDF_N_QUADS": "RDF N-Quads", "RDF_TURTLE": "RDF Turtle", "JSON_LD": "JSON-LD", "CSV": "CSV"}
GRAPHS = ("ontology", "codelists", "data", "changes")  # a release's named graphs, {base}graph/{version}/{name}
WHAT = {  # for the release page's list of files
    "n-quads-gzip": "The edition in its named graphs (ontology, code lists, data, change log), for SPARQL stores",
    "turtle": "The edition (cube, code lists, ontology)", "json-ld": "The same, as JSON-LD",
    "csv": "Every observation as one CSV row", "context": "The JSON-LD context of the JSON-LD file",
    "ontology": "The OWL ontology it was made with", "shapes": "The SHACL shapes it was validated with",
    "changes-ttl": "The change log, as RDF (PROV-O)", "changes-csv": "The change log, as CSV",
    "page": "This page", "record": "The DCAT record: every other file with its SHA-256",
}


def _checksum(g: Graph, ck: URIRef, data: bytes) -> None:
    g.add((ck, RDF.type, SPDX.Checksum))
    g.add((ck, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    g.add((SPDX.checksumAlgorithm_sha256, RDF.type, SPDX.ChecksumAlgorithm))
    g.add((ck, SPDX.checksumValue, Literal(hashlib.sha256(data).hexdigest(), datatype=XSD.hexBinary)))


def _term(g: Graph, concept: URIRef, scheme: URIRef, scheme_title: str, label: str, *types: URIRef) -> None:
    for t in (SKOS.Concept, *types):
        g.add((concept, RDF.type, t))
    g.add((concept, SKOS.prefLabel, Literal(label, lang="en")))
    g.add((concept, SKOS.inScheme, scheme))
    g.add((scheme, RDF.type, SKOS.ConceptScheme))
    g.add((scheme, DCTERMS.title, Literal(scheme_title, lang="en")))


def release_ontology(mapped: Mapped, version: str, previous: str | None) -> Graph:
    """The ontology as released: its version IRI is the release's ontology file, its prior
    version the previous release's (the first release keeps the live ontology's prior version)."""
    u = mapped.uris
    g = Graph()
    bind_prefixes(g, u.base)
    replaced = (OWL.versionIRI, OWL.priorVersion) if previous else (OWL.versionIRI,)
    for t in mapped.ontology:
        if t[0] != u.ontology or t[1] not in replaced:
            g.add(t)
    g.add((u.ontology, OWL.versionIRI, u.file(release_path(version, "ontology"))))
    if previous:
        g.add((u.ontology, OWL.priorVersion, u.file(release_path(previous, "ontology"))))
    return g


def release_description(model: Model, mapped: Mapped, version: str, issued: date, note: str,
                        previous: str | None) -> Graph:
    """What a release is, in its changes graph and its record: a dcat:Dataset, a version of the
    latest edition, and the named graphs that hold it."""
    u, info = mapped.uris, model.dataset
    r = u.release(version)
    g = Graph()
    bind_prefixes(g, u.base)
    g.bind("adms", ADMS)
    g.add((r, RDF.type, DCAT.Dataset))
    add_labels(g, r, {lang: f"{t} ({'sürüm' if lang == 'tr' else 'release'} {version})"
                      for lang, t in info.title.items()}, DCTERMS.title)
    add_labels(g, r, info.description, DCTERMS.description)
    g.add((r, DCTERMS.identifier, Literal(str(r))))
    g.add((r, DCAT.version, Literal(version)))
    g.add((r, DCTERMS.issued, Literal(issued.isoformat(), datatype=XSD.date)))
    if note:
        g.add((r, ADMS.versionNotes, Literal(note)))
    g.add((r, DCAT.isVersionOf, u.dataset))
    if previous:
        g.add((r, DCAT.previousVersion, u.release(previous)))
    for name in GRAPHS:
        g.add((r, DCTERMS.hasPart, u.release_graph(version, name)))
    g.add((u.changes(version), DCTERMS.isPartOf, r))
    return g


def release_files(model: Model, mapped: Mapped, shapes_ttl: bytes, version: str, issued: date, note: str,
                  previous: Release | None, log: ChangeLog, *, existing: set[str]) -> tuple[dict[str, bytes], Graph]:
    """Every file of `releases/{version}/` ({path in the site: bytes}) and its record, made from
    the validated edition. `existing`: the live site's paths (for the page's navigation)."""
    u = mapped.uris
    prev = previous.version if previous else None
    onto = release_ontology(mapped, version, prev)
    describe = release_description(model, mapped, version, issued, note, prev)
    changes = changelog_graph(log, u, issued)
    for t in describe:
        changes.add(t)
    changes.bind("adms", ADMS)
    parts = {"ontology": ntriples(onto), "codelists": ntriples(mapped.part("codelists")),
             "data": ntriples(mapped.part("data"))}
    nt = b"".join(sorted({line for part in parts.values() for line in part.splitlines(keepends=True)}))
    nq = nquads({**{u.release_graph(version, n): p for n, p in parts.items()},
                 u.release_graph(version, "changes"): ntriples(changes)})
    context = jsonld_context(u.base)
    path = lambda key: release_path(version, key)  # noqa: E731
    files = {
        path("n-quads-gzip"): gzipped(nq),
        path("turtle"): turtle_dump(nt, turtle_prefixes(u.base)),
        path("json-ld"): jsonld(None, context, nt=nt),  # self-contained: the context embedded
        path("csv"): csvw.csv_files(model, u)[FILES["csv"].path],
        path("context"): (json.dumps(context, ensure_ascii=False, indent=1) + "\n").encode("utf-8"),
        path("ontology"): turtle(onto),
        path("shapes"): shapes_ttl,
        path("changes-ttl"): turtle(changes),
        path("changes-csv"): csv_bytes(log),
    }
    files[path("page")] = release_page(model, mapped, version, issued, note, prev, log, files, existing)
    record = release_record(model, mapped, version, files, describe, previous)
    files[path("record")] = turtle(record)
    return files, record


def release_record(model: Model, mapped: Mapped, version: str, files: dict[str, bytes], describe: Graph,
                   previous: Release | None) -> Graph:
    """The release's DCAT record: the dataset version, its distributions (size, format, SHA-256)
    and the checksum of every other file of its folder and of the previous release's record."""
    u, info = mapped.uris, model.dataset
    r = u.release(version)
    g = Graph()
    bind_prefixes(g, u.base)
    for p, ns in (("adms", ADMS), ("spdx", SPDX)):
        g.bind(p, ns)
    for t in describe:
        if t[1] != DCTERMS.hasPart and t[0] == r:
            g.add(t)
    publisher, licence = u.concept("organisation", info.publisher), URIRef(info.license)
    g.add((r, DCTERMS.publisher, publisher))
    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((r, DCTERMS.license, licence))
    g.add((licence, RDF.type, DCTERMS.LicenseDocument))
    g.add((r, DCTERMS.conformsTo, u.structure))
    g.add((u.structure, RDF.type, DCTERMS.Standard))
    page = u.file(release_path(version, "page"))
    g.add((r, DCAT.landingPage, page))
    g.add((page, RDF.type, FOAF.Document))
    # what DCAT-AP recommends of a dataset, as the latest edition says it (catalog.py)
    for lang, words in sorted(info.keywords.items()):
        for w in words:
            g.add((r, DCAT.keyword, Literal(w, lang=lang)))
    if info.contact is not None:
        cp = u.catalog_part("contact-point")  # the live catalogue's, which describes it
        g.add((r, DCAT.contactPoint, cp))
        g.add((cp, RDF.type, VCARD.Kind))
        g.add((cp, VCARD.fn, Literal(info.contact.name)))
    for code in info.themes:
        g.add((r, DCAT.theme, EU_THEME[code]))
        g.add((EU_THEME[code], RDF.type, SKOS.Concept))
    for code in sorted({f.province for f in model.facts}):
        place = u.concept("province", code)
        g.add((r, DCTERMS.spatial, place))
        g.add((place, RDF.type, DCTERMS.Location))
    start, end = temporal_coverage(model)
    if end is not None:
        t = u.release_part(version, "temporal-coverage")
        g.add((r, DCTERMS.temporal, t))
        g.add((t, RDF.type, DCTERMS.PeriodOfTime))
        if start is not None:
            g.add((t, DCAT.startDate, Literal(start.isoformat(), datatype=XSD.date)))
        g.add((t, DCAT.endDate, Literal(end.isoformat(), datatype=XSD.date)))
    issued = describe.value(r, DCTERMS.issued)
    for key in RELEASE_FILES:
        if key == "record":
            continue
        data, url = files[release_path(version, key)], u.file(release_path(version, key))
        ck = u.release_part(version, f"checksum-{key}")
        if key in RELEASE_DISTRIBUTIONS:
            dist, spec, ftype = u.release_part(version, f"distribution-{key}"), FILES[key], FILE_TYPES[key]
            g.add((r, DCAT.distribution, dist))
            g.add((dist, RDF.type, DCAT.Distribution))
            for lang, t in info.title.items():
                g.add((dist, DCTERMS.title, Literal(f"{t} ({version}, {spec.label})", lang=lang)))
            g.add((dist, DCTERMS.description, Literal(f"Release {version} of the dataset as {spec.label}.", lang="en")))
            g.add((dist, DCAT.accessURL, url))
            g.add((dist, DCAT.downloadURL, url))
            g.add((dist, DCTERMS.format, EU_FILE_TYPE[ftype]))
            _term(g, EU_FILE_TYPE[ftype], URIRef(EU + "file-type"), "File types", FILE_TYPE_LABELS[ftype],
                  DCTERMS.MediaTypeOrExtent)
            g.add((dist, DCAT.mediaType, URIRef(IANA + spec.media_type)))
            g.add((URIRef(IANA + spec.media_type), RDF.type, DCTERMS.MediaType))
            if spec.compress:
                g.add((dist, DCAT.compressFormat, URIRef(IANA + spec.compress)))
                g.add((URIRef(IANA + spec.compress), RDF.type, DCTERMS.MediaType))
            g.add((dist, DCTERMS.license, licence))
            g.add((dist, DCTERMS.issued, issued))
            subject = dist
        else:
            g.add((r, DCTERMS.relation, url))
            g.add((url, RDF.type, FOAF.Document))
            g.add((url, DCTERMS.title, Literal(WHAT[key], lang="en")))
            subject = url
        g.add((subject, DCAT.byteSize, Literal(len(data), datatype=XSD.nonNegativeInteger)))
        g.add((subject, SPDX.checksum, ck))
        _checksum(g, ck, data)
    if previous is not None:  # the chain: this record vouches for the previous one
        key = release_path(previous.version, "record")
        url = u.file(key)
        g.add((r, DCTERMS.relation, url))
        g.add((url, RDF.type, FOAF.Document))
        g.add((url, DCTERMS.title, Literal(f"The DCAT record of release {previous.version}", lang="en")))
        ck = u.release_part(version, "checksum-previous-record")
        g.add((url, SPDX.checksum, ck))
        _checksum(g, ck, previous.files[key])
    return g


def page_value(term) -> str:
    """A value for people: numbers as 5,939; anything else as written."""
    if isinstance(term, Literal) and term.datatype in (XSD.integer, XSD.decimal):
        try:
            return number_text(Fraction(str(term)))
        except (ValueError, ZeroDivisionError):
            return str(term)
    return str(term)


def release_page(model: Model, mapped: Mapped, version: str, issued: date, note: str, previous: str | None,
                 log: ChangeLog, files: dict[str, bytes], existing: set[str]) -> bytes:
    """The release's page: what it is, its files with their sizes and checksums, its change log."""
    u, info = mapped.uris, model.dataset
    stem = release_path(version, "page")[: -len(".html")]
    folder = release_folder(version) + "/"

    def link(iri: str) -> str | None:
        """A resource of the live site, relative to this page (None outside the base IRI)."""
        if not iri.startswith(u.base):
            return None
        path, _, frag = iri[len(u.base):].partition("#")
        return "../../" + path + ".html" + (f"#{frag}" if frag else "")

    def shown(terms: tuple) -> str:
        return " | ".join(page_value(t) for t in terms) or "(none)"

    def short(iri: str) -> str:
        return iri[len(u.base):] if iri.startswith(u.base) else iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]

    changes = []
    for c, row in zip(log.changes, rows(log)):
        changes.append({"id": str(u.release_entity(version, c.iri)).rsplit("#", 1)[1], "kind": c.kind,
                        "subject": c.subject, "iri": c.iri, "short": short(c.iri),
                        "href": link(c.iri) if c.kind != "removed" else None,
                        "old": shown(next((pc.old for pc in c.properties if pc.property == _main(c)), ())),
                        "new": shown(next((pc.new for pc in c.properties if pc.property == _main(c)), ())),
                        "others": [{"property": short(pc.property), "old": shown(pc.old), "new": shown(pc.new)}
                                   for pc in c.others],
                        "note": c.note})
    listing = [{"href": RELEASE_FILES[k], "what": WHAT[k], "bytes": len(files[release_path(version, k)]),
                "sha256": hashlib.sha256(files[release_path(version, k)]).hexdigest()}
               for k in RELEASE_FILES if release_path(version, k) in files]
    listing.append({"href": RELEASE_FILES["record"], "what": WHAT["record"], "bytes": None, "sha256": None})
    ctx = {**chrome(stem, u, info.title, existing), "title": f"Release {version}", "labels": {},
           "title_tr": f"{version} sürümü", "title_en": f"Release {version}",
           "version": version, "issued": issued.isoformat(), "note": note, "previous": previous,
           "previous_href": f"../{previous}/" if previous else None, "iri": str(u.release(version)),
           "latest": str(u.dataset), "latest_href": link(str(u.dataset)), "files": listing, "changes": changes,
           "summary": log.summary(), "graphs": [str(u.release_graph(version, n)) for n in GRAPHS],
           "folder": folder}
    return environment().get_template("release.html").render(ctx).encode("utf-8")


def _main(c) -> str:
    return OBS_VALUE if c.subject == "observation" else str(SKOS.prefLabel)


# -- what the live site says of its releases ---------------------------------------------------
def catalog_versions(releases: list[Release], mapped: Mapped) -> Graph:
    """For the live catalogue: every release's record, each release a dataset of the catalogue
    and a version of the latest edition (`dcat:hasVersion`)."""
    u = mapped.uris
    g = Graph()
    for p, ns in (("adms", ADMS), ("spdx", SPDX)):
        g.bind(p, ns)
    for r in releases:
        for t in r.record:
            g.add(t)
        g.add((u.catalog, DCAT.dataset, u.release(r.version)))
        g.add((u.dataset, DCAT.hasVersion, u.release(r.version)))
    return g


def void_versions(releases: list[Release], mapped: Mapped) -> Graph:
    """For VoID: each release a void:Dataset with its dumps, a version of the latest edition."""
    u = mapped.uris
    g = Graph()
    for r in releases:
        ds = u.release(r.version)
        g.add((ds, RDF.type, VOID.Dataset))
        for lang_t in r.record.objects(ds, DCTERMS.title):
            g.add((ds, DCTERMS.title, lang_t))
        g.add((ds, DCAT.version, Literal(r.version)))
        g.add((ds, DCTERMS.issued, Literal(r.issued.isoformat(), datatype=XSD.date)))
        g.add((ds, DCAT.isVersionOf, u.dataset))
        g.add((u.dataset, DCAT.hasVersion, ds))
        if r.previous:
            g.add((ds, DCAT.previousVersion, u.release(r.previous)))
        for key in ("n-quads-gzip", "turtle"):
            g.add((ds, VOID.dataDump, u.file(release_path(r.version, key))))
        g.add((ds, VOID.uriSpace, Literal(u.base)))
    return g

