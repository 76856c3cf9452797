"""Catalogue and descriptions: DCAT-AP 3 catalogue, VoID, sitemap.xml, robots.txt.

Everything here is computed from the model, the published graph and the rendered files
(sizes and checksums of the downloads are those of the bytes that will be written), so it
runs last in `publish.render`. Functions return graphs or bytes; no I/O.

One dataset, three descriptions: `{base}data/{id}` is the `qb:DataSet` of the cube, and the
catalogue types the same resource `dcat:Dataset` (DCAT-AP: title, description, publisher,
contact point, themes, coverage, distributions, `dct:conformsTo` its
`qb:DataStructureDefinition`) and VoID types it `void:Dataset` (dumps and statistics of the
whole published graph, which holds the cube with its code lists and ontology). Resources that
exist only in these descriptions (distributions, checksums, contact point, temporal coverage,
VoID subsets) have hash IRIs in the documents that describe them (`{base}catalog#…`,
`{base}void#…`), so they dereference to those documents.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import quote, urljoin
from xml.sax.saxutils import escape

from pyshacl import validate as shacl_validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, SH, SKOS, VOID, XSD, Namespace

from ..core.problems import ProblemsFound, Report, problem
from ..core.resources import DCAT_AP

from ..core.fsio import Digest
from ..ingest.load import EU_DATA_THEMES
from ..model.records import Model
from ..rdf.files import DISTRIBUTIONS, FILES, RDF_DISTRIBUTIONS
from ..rdf.serialise import jsonld_embedded, ntriple_lines, ntriples, turtle
from ..rdf.vocab import EU, EU_LANGUAGE, LANGUAGE_CODES, QB, SPDX, VCARD, VOCABULARIES, add_labels, bind_prefixes
from ..stages.mapping import Mapped

ADMS_PUBLISHER_TYPE = Namespace("http://purl.org/adms/publishertype/")
EU_FILE_TYPE = Namespace(EU + "file-type/")
EU_COUNTRY = Namespace(EU + "country/")
EU_THEME = Namespace(EU + "data-theme/")
EU_ACCESS = Namespace(EU + "access-right/")
IANA = "http://www.iana.org/assignments/media-types/"
FORMATS = Namespace("http://www.w3.org/ns/formats/")
ADMS_LICENCE_TYPE = Namespace("http://purl.org/adms/licencetype/")
# labels of the EU authority terms we use (the vocabularies' own English labels)
LANGUAGE_LABELS = {EU_LANGUAGE.TUR: {"en": "Turkish", "tr": "Türkçe"},
                   EU_LANGUAGE.ENG: {"en": "English", "tr": "İngilizce"}}
THEME_LABELS = {code: {"en": label} for code, label in EU_DATA_THEMES.items()}
FILE_TYPE_LABELS = {"RDF_TURTLE": "RDF Turtle", "JSON_LD": "JSON-LD", "RDF_N_TRIPLES": "RDF N-Triples",
                    "CSV": "CSV", "SDMX": "SDMX"}
SCHEMA_TITLES = {"csv-metadata": "CSVW metadata (W3C CSV on the Web) of the CSV"}
LICENCE_TYPES = {"https://creativecommons.org/licenses/by/4.0/": "Attribution"}
COUNTRY = {"TR": "TUR"}  # ISO 3166 alpha-2 of the province scheme's country → EU country code

CATALOG_TTL, CATALOG_JSONLD, CATALOG_NT = (FILES[k].path for k in ("catalog-ttl", "catalog-jsonld", "catalog-nt"))
VOID_TTL, VOID_JSONLD, VOID_NT, VOID_WELL_KNOWN = (FILES[k].path for k in ("void-ttl", "void-jsonld", "void-nt",
                                                                          "void-well-known"))
# the description documents, by the path of their URI below the base ({base}catalog, {base}void);
# pages.py gives each an HTML page ({name}.html) beside these RDF variants
CATALOG, VOID_DOC = "catalog", "void"
SITEMAP, ROBOTS = FILES["sitemap"].path, FILES["robots"].path
SITEMAP_LIMIT = 50_000  # URLs per sitemap file (sitemaps.org)




def _words(camel: str) -> str:
    """'NonProfitOrganisation' → 'Non profit organisation'."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", camel).capitalize()


def _iana(media_type: str) -> URIRef:
    return URIRef(IANA + media_type)


def _date(d) -> Literal:
    return Literal(d.isoformat(), datatype=XSD.date)


def _concept(g: Graph, concept: URIRef, scheme: URIRef, scheme_title: str, label: dict[str, str]) -> None:
    """A controlled-vocabulary term with its label and scheme, as DCAT-AP's shapes expect."""
    g.add((concept, RDF.type, SKOS.Concept))
    add_labels(g, concept, label, SKOS.prefLabel)
    g.add((concept, SKOS.inScheme, scheme))
    g.add((scheme, RDF.type, SKOS.ConceptScheme))
    g.add((scheme, DCTERMS.title, Literal(scheme_title, lang="en")))


# ---------------------------------------------------------------------------------------
# the catalogue gate: DCAT-AP 3.0.1's mandatory and range shapes

GATE_SHAPES = ("html-shacl/shapes.ttl", "html-shacl/range.ttl")  # in resources/dcat-ap/ (violations)
# the dataset.yaml field each catalogue property of the catalogue, the dataset or its
# distributions comes from (a violation on it points at that field's line)
FIELDS = {DCTERMS.title: "title", DCTERMS.description: "description", DCTERMS.publisher: "publisher",
          DCTERMS.license: "license", DCTERMS.issued: "issued", DCTERMS.modified: "modified",
          DCAT.keyword: "keywords", DCAT.contactPoint: "contact_point", DCAT.theme: "themes",
          DCAT.themeTaxonomy: "themes", DCTERMS.identifier: "id", DCAT.landingPage: "base_iri",
          FOAF.homepage: "base_iri"}


@lru_cache(maxsize=1)
def gate_shapes() -> Graph:
    """The DCAT-AP shapes the build checks the catalogue with, parsed once."""
    g = Graph()
    for name in GATE_SHAPES:
        g.parse(DCAT_AP / name, format="turtle")
    return g


def check_catalogue(model: Model, mapped: Mapped, g: Graph, report: Report | None = None) -> Report:
    """The catalogue graph against DCAT-AP 3.0.1's mandatory and range shapes (pySHACL: the
    graph is small). Each violation is a problem at the line it came from: the dataset.yaml
    field that made the value, or the code list entry of a concept, or dataset.yaml itself."""
    report = report if report is not None else Report()
    _conforms, results, _text = shacl_validate(g, shacl_graph=gate_shapes(), inference="none",
                                               allow_warnings=True)
    info, origins = model.dataset, mapped.origins
    found = []
    for r in results.objects(None, SH.result):
        if results.value(r, SH.resultSeverity) != SH.Violation:
            continue
        focus, path = results.value(r, SH.focusNode), results.value(r, SH.resultPath)
        message = results.value(r, SH.resultMessage)
        if focus in origins and focus != mapped.uris.dataset:  # a code list concept, e.g. a province
            where = (origins[focus].path, origins[focus].line)
        elif focus == mapped.uris.catalog_part("contact-point"):
            where = info.at("contact_point")
        elif path in FIELDS:
            where = info.at(FIELDS[path])
        else:
            where = (info.origin.path, info.origin.line)
        found.append((where, f"the catalogue breaks DCAT-AP 3.0.1: {_short(g, focus)} "
                             f"{_short(g, path) if path is not None else ''}: {message}"))
    for (path, line), text in sorted(set(found), key=lambda x: (x[0][0], x[0][1] or 0, x[1])):
        report.add(problem("shacl", path, line, message=text))
    return report


def _short(g: Graph, term) -> str:
    """A term as people read it in a problem: a compact IRI where a prefix fits."""
    return g.namespace_manager.normalizeUri(term) if isinstance(term, URIRef) else str(term)


def temporal_coverage(model: Model):
    """(start, end) dates of the observations' periods: the earliest known begin, the latest end."""
    periods = [f.period for f in model.facts]
    if not periods:
        return None, None
    begins = [p.begin for p in periods if p.begin is not None]
    return (min(begins) if begins else None), max(p.end for p in periods)


def catalog_graph(model: Model, mapped: Mapped, files: dict[str, bytes]) -> Graph:
    """The DCAT-AP 3 catalogue: one catalogue, our dataset, one distribution per download."""
    info, u = model.dataset, mapped.uris
    g = Graph()
    bind_prefixes(g, u.base)
    for p, ns in (("spdx", SPDX), ("vcard", VCARD), ("adms-type", ADMS_PUBLISHER_TYPE)):
        g.bind(p, ns)
    cat, ds, home = u.catalog, u.dataset, URIRef(u.base)
    licence = URIRef(info.license)
    issued, modified = _date(info.issued), _date(info.modified or info.issued)

    # shared resources, typed as the DCAT-AP range shapes require
    g.add((home, RDF.type, FOAF.Document))
    g.add((licence, RDF.type, DCTERMS.LicenseDocument))
    if info.license in LICENCE_TYPES:
        ltype = ADMS_LICENCE_TYPE[LICENCE_TYPES[info.license]]
        g.add((licence, DCTERMS.type, ltype))
        _concept(g, ltype, URIRef("http://purl.org/adms/licencetype/1.0"), "Licence type",
                 {"en": LICENCE_TYPES[info.license]})
    languages = [EU_LANGUAGE[LANGUAGE_CODES[lang]] for lang in sorted(LANGUAGE_CODES)]
    for lang in languages:
        g.add((lang, RDF.type, DCTERMS.LinguisticSystem))
        _concept(g, lang, URIRef(EU + "language"), "Languages", LANGUAGE_LABELS[lang])
    publisher = u.concept("organisation", info.publisher)
    org = model.schemes["organisation"].concepts[info.publisher]
    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((publisher, RDF.type, FOAF.Organization))
    add_labels(g, publisher, org.label, FOAF.name)
    if info.publisher_type:
        ptype = ADMS_PUBLISHER_TYPE[info.publisher_type]
        g.add((publisher, DCTERMS.type, ptype))
        _concept(g, ptype, URIRef("http://purl.org/adms/publishertype/1.0"), "Publisher type",
                 {"en": _words(info.publisher_type)})

    # the catalogue
    g.add((cat, RDF.type, DCAT.Catalog))
    add_labels(g, cat, {lang: f"ASDH-LOD: {t}" for lang, t in info.title.items()}, DCTERMS.title)
    add_labels(g, cat, {"tr": "ASDH-LOD bağlantılı açık veri kataloğu: " + info.title["tr"] + ".",
                     "en": "The ASDH-LOD linked open data catalogue: " + info.title["en"] + "."},
            DCTERMS.description)
    g.add((cat, DCTERMS.publisher, publisher))
    g.add((cat, DCTERMS.license, licence))
    g.add((cat, FOAF.homepage, home))
    g.add((cat, DCAT.dataset, ds))
    g.add((cat, DCTERMS.issued, issued))
    g.add((cat, DCTERMS.modified, modified))
    for lang in languages:
        g.add((cat, DCTERMS.language, lang))

    # the dataset: the cube's qb:DataSet, also a dcat:Dataset
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, RDF.type, QB.DataSet))
    add_labels(g, ds, info.title, DCTERMS.title)
    add_labels(g, ds, info.description, DCTERMS.description)
    g.add((ds, DCTERMS.identifier, Literal(str(ds))))
    g.add((ds, DCTERMS.publisher, publisher))
    g.add((ds, DCTERMS.license, licence))
    g.add((ds, DCTERMS.issued, issued))
    g.add((ds, DCTERMS.modified, modified))
    g.add((ds, DCAT.landingPage, home))
    g.add((ds, DCTERMS.accessRights, EU_ACCESS.PUBLIC))
    g.add((EU_ACCESS.PUBLIC, RDF.type, DCTERMS.RightsStatement))
    _concept(g, EU_ACCESS.PUBLIC, URIRef(EU + "access-right"), "Access right", {"en": "public", "tr": "kamuya açık"})
    for lang in languages:
        g.add((ds, DCTERMS.language, lang))
    for lang, words in sorted(info.keywords.items()):
        for w in words:
            g.add((ds, DCAT.keyword, Literal(w, lang=lang)))
    # conforms to its structure definition
    g.add((ds, DCTERMS.conformsTo, u.structure))
    g.add((u.structure, RDF.type, DCTERMS.Standard))
    g.add((u.structure, RDF.type, QB.DataStructureDefinition))
    g.add((ds, QB.structure, u.structure))
    is_structure = {u.structure: True}.get  # a str hash look-up, not rdflib's == (Python code)
    for s, p, o in mapped.part("data"):  # the triple lists: no graph of the data is built
        if is_structure(s) and (p == SKOS.prefLabel or str(p).endswith("#label")):
            g.add((s, DCTERMS.title, o))
    # the source documents: dct:relation (DCAT-AP keeps dct:source for datasets; the cube's
    # own graph says dct:source)
    for src in model.sources:
        g.add((ds, DCTERMS.relation, u.source(src.document.id)))

    # contact point
    if info.contact is not None:
        cp = u.catalog_part("contact-point")
        g.add((ds, DCAT.contactPoint, cp))
        g.add((cp, RDF.type, VCARD.Kind))
        g.add((cp, RDF.type, VCARD.Organization))
        g.add((cp, VCARD.fn, Literal(info.contact.name)))
        if info.contact.email:
            g.add((cp, VCARD.hasEmail, URIRef("mailto:" + info.contact.email)))
        if info.contact.url:
            g.add((cp, VCARD.hasURL, URIRef(urljoin(u.base, info.contact.url))))

    # themes: the EU data themes of dataset.yaml, and the COFOG groups our programmes align to
    theme_scheme = URIRef(EU + "data-theme")
    g.add((cat, DCAT.themeTaxonomy, theme_scheme))
    for code in info.themes:
        g.add((ds, DCAT.theme, EU_THEME[code]))
        _concept(g, EU_THEME[code], theme_scheme, "Data theme", THEME_LABELS[code])
    cofog_scheme = u.scheme("cofog")
    programmes = model.schemes["programme"].concepts
    cofog = sorted({str(c) for f in model.facts
                    for c in programmes[f.programme].extra.get("cofog", {}).values()})
    if cofog:
        g.add((cat, DCAT.themeTaxonomy, cofog_scheme))
        add_labels(g, cofog_scheme, model.schemes["cofog"].label, DCTERMS.title)
        for code in cofog:
            c = u.concept("cofog", code)
            g.add((ds, DCAT.theme, c))
            g.add((c, RDF.type, SKOS.Concept))
            g.add((c, SKOS.inScheme, cofog_scheme))
            g.add((c, SKOS.notation, Literal(code)))
            add_labels(g, c, model.schemes["cofog"].concepts[code].label, SKOS.prefLabel)
        g.add((cofog_scheme, RDF.type, SKOS.ConceptScheme))

    # spatial coverage: the country (EU authority and our concept) and the provinces reported
    province_scheme = model.schemes["province"]
    country = province_scheme.extra.get("country")
    places = []
    if country and str(country["iso"]) in COUNTRY:
        eu_country = EU_COUNTRY[COUNTRY[str(country["iso"])]]
        places.append(eu_country)
        _concept(g, eu_country, URIRef(EU + "country"), "Countries and territories", dict(country["label"]))
        ours = u.concept("province", str(country["iso"]))
        places.append(ours)
        add_labels(g, ours, dict(country["label"]), SKOS.prefLabel)
        g.add((ours, SKOS.exactMatch, eu_country))
    for code in sorted({f.province for f in model.facts}):
        if code in province_scheme.concepts:
            p = u.concept("province", code)
            places.append(p)
            add_labels(g, p, province_scheme.concepts[code].label, SKOS.prefLabel)
    same_as = {}  # e.g. the Wikidata item of a place
    for s, p, o in mapped.part("codelists"):
        if p == OWL.sameAs:
            same_as.setdefault(s, []).append(o)
    for p in places:
        g.add((ds, DCTERMS.spatial, p))
        g.add((p, RDF.type, DCTERMS.Location))
        for same in same_as.get(p, ()):
            g.add((p, OWL.sameAs, same))
    if places:
        g.add((cat, DCTERMS.spatial, places[0]))

    # temporal coverage, from the data
    start, end = temporal_coverage(model)
    if end is not None:
        t = u.catalog_part("temporal-coverage")
        g.add((ds, DCTERMS.temporal, t))
        g.add((t, RDF.type, DCTERMS.PeriodOfTime))
        if start is not None:
            g.add((t, DCAT.startDate, _date(start)))
        g.add((t, DCAT.endDate, _date(end)))

    # distributions: sizes and checksums of the bytes that are published
    for d in DISTRIBUTIONS:
        for path in (d.path, FILES[d.schema].path if d.schema else None):
            if path is not None and path not in files:
                raise ValueError(f"the catalogue describes {path}, which the site does not have")
        data = files[d.path]  # the bytes, or the size and checksum of a file made on disk
        size, checksum = ((data.size, data.sha256) if isinstance(data, Digest)
                          else (len(data), hashlib.sha256(data).hexdigest()))
        dist, url = u.catalog_part(f"distribution-{d.key}"), u.file(d.path)
        g.add((ds, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(f"{info.title['en']} ({d.label})", lang="en")))
        g.add((dist, DCTERMS.title, Literal(f"{info.title['tr']} ({d.label})", lang="tr")))
        g.add((dist, DCTERMS.description, Literal(d.description, lang="en")))
        g.add((dist, DCAT.accessURL, url))
        g.add((dist, DCAT.downloadURL, url))
        g.add((dist, DCTERMS.format, EU_FILE_TYPE[d.file_type]))
        _concept(g, EU_FILE_TYPE[d.file_type], URIRef(EU + "file-type"), "File types",
                 {"en": FILE_TYPE_LABELS[d.file_type]})
        g.add((EU_FILE_TYPE[d.file_type], RDF.type, DCTERMS.MediaTypeOrExtent))
        g.add((dist, DCAT.mediaType, _iana(d.media_type)))
        g.add((_iana(d.media_type), RDF.type, DCTERMS.MediaType))
        if d.compress:
            g.add((dist, DCAT.compressFormat, _iana(d.compress)))
            g.add((_iana(d.compress), RDF.type, DCTERMS.MediaType))
        g.add((dist, DCAT.byteSize, Literal(size, datatype=XSD.nonNegativeInteger)))
        ck = u.catalog_part(f"checksum-{d.key}")
        g.add((dist, SPDX.checksum, ck))
        g.add((ck, RDF.type, SPDX.Checksum))
        g.add((ck, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((SPDX.checksumAlgorithm_sha256, RDF.type, SPDX.ChecksumAlgorithm))
        g.add((ck, SPDX.checksumValue, Literal(checksum, datatype=XSD.hexBinary)))
        if d.schema:  # the schema the file conforms to (DCAT-AP "linked schemas"): CSVW, SDMX structure
            schema = u.file(FILES[d.schema].path)
            g.add((dist, DCTERMS.conformsTo, schema))
            g.add((schema, RDF.type, DCTERMS.Standard))
            g.add((schema, DCTERMS.title, Literal(SCHEMA_TITLES.get(d.schema, FILES[d.schema].what), lang="en")))
        g.add((dist, DCTERMS.license, licence))
        g.add((dist, DCTERMS.issued, issued))
        g.add((dist, DCTERMS.modified, modified))
        for lang in languages:
            g.add((dist, DCTERMS.language, lang))
    return g


# ---------------------------------------------------------------------------------------
# VoID

@dataclass
class _Summary:
    """What VoID says of a set of distinct triples, from one pass over their sorted N-Triples."""

    triples: int
    subjects: int
    entities: int            # subjects that are IRIs in the base's URI space
    objects: int
    predicates: set          # predicate IRIs (str)
    classes: dict            # class IRI (str) → number of instances (rdf:type triples)
    types: int               # distinct objects of rdf:type (IRIs or not)
    example: str | None      # the least IRI of a qb:Observation
    wikidata: int            # owl:sameAs links to Wikidata


_TYPE = f"<{RDF.type}>".encode()
_SAME_AS = f"<{OWL.sameAs}>".encode()
_OBSERVATION = f"<{QB.Observation}>".encode()
_WIKIDATA = b"<http://www.wikidata.org/"


@dataclass
class _Scan:
    """What one pass over sorted, distinct N-Triples lines counts (bytes, not rdflib terms:
    a bytes object hashes in C), before it is a `_Summary`; kept apart so that the whole's
    counts can be put together from its parts' (`_summaries`)."""

    triples: int = 0
    subjects: int = 0
    entities: int = 0
    objects: set = field(default_factory=set)
    predicates: set = field(default_factory=set)
    classes: dict = field(default_factory=dict)  # object of rdf:type → type triples
    example: bytes | None = None                 # the least subject typed qb:Observation
    wikidata: int = 0
    subject_set: set | None = None               # the subjects, when asked for (`keep_subjects`)
    repeats: list = field(default_factory=list)  # lines also in `known` (another part's)
    common_subjects: int = 0                     # subjects also in `known_subjects`
    common_entities: int = 0

    def summary(self) -> _Summary:
        def iri(term: bytes) -> str:
            return term[1:-1].decode("utf-8")

        return _Summary(self.triples, self.subjects, self.entities, len(self.objects),
                        {iri(p) for p in self.predicates},
                        {iri(c): k for c, k in self.classes.items() if c.startswith(b"<")}, len(self.classes),
                        iri(self.example) if self.example is not None else None, self.wikidata)


def _scan(lines: Iterable[bytes], base: str, *, keep_subjects: bool = False, known: set | frozenset = frozenset(),
          known_subjects: set | frozenset = frozenset()) -> _Scan:
    """One pass over sorted, distinct N-Triples lines (a dump's file: a subject's lines are
    together, so subjects are counted where they change; subjects and predicates never hold a
    space). `known`, `known_subjects`: another part's lines and subjects, whose repeats here
    are noted."""
    out = _Scan(subject_set=set() if keep_subjects else None)
    n = subjects = entities = wikidata = common = common_own = 0
    classes = out.classes
    observations: list[bytes] = []
    own, prev = b"<" + base.encode(), None
    add_object, add_predicate = out.objects.add, out.predicates.add
    check_lines, check_subjects = bool(known), bool(known_subjects)
    for line in lines:
        n += 1
        if check_lines and line in known:
            out.repeats.append(line)
        s, p, o = line[:-3].split(b" ", 2)  # each line ends " .\n"
        if s != prev:
            prev = s
            subjects += 1
            is_own = s.startswith(own)
            entities += is_own
            if out.subject_set is not None:
                out.subject_set.add(s)
            if check_subjects and s in known_subjects:
                common += 1
                common_own += is_own
        add_object(o)
        add_predicate(p)
        if p == _TYPE:
            classes[o] = classes.get(o, 0) + 1
            if o == _OBSERVATION:
                observations.append(s)
        elif p == _SAME_AS and o.startswith(_WIKIDATA):
            wikidata += 1
    out.triples, out.subjects, out.entities, out.wikidata = n, subjects, entities, wikidata
    out.common_subjects, out.common_entities = common, common_own
    out.example = min(observations, default=None)
    return out


def _summary(lines: Iterable[bytes], base: str) -> _Summary:
    """VoID's counts of sorted, distinct N-Triples lines, in one pass (`_scan`)."""
    return _scan(lines, base).summary()


def _union(small: _Scan, big: _Scan, base: str) -> _Summary:
    """The summary of the union of two parts' lines: `small`'s scanned with `keep_subjects`,
    `big`'s with `small`'s lines and subjects known (its repeats of them noted)."""
    repeated = _scan(big.repeats, base)  # counted in both: taken off once
    classes = dict(small.classes)
    for c, k in big.classes.items():
        classes[c] = classes.get(c, 0) + k
    for c, k in repeated.classes.items():
        classes[c] -= k
    examples = [e for e in (small.example, big.example) if e is not None]
    return _Scan(small.triples + big.triples - repeated.triples,
                 small.subjects + big.subjects - big.common_subjects,
                 small.entities + big.entities - big.common_entities,
                 big.objects | small.objects, big.predicates | small.predicates,
                 {c: k for c, k in classes.items() if k}, min(examples, default=None),
                 small.wikidata + big.wikidata - repeated.wikidata).summary()


def _vocabularies(summary: _Summary, mapped: Mapped) -> list[URIRef]:
    """The namespaces (of our known prefixes) whose properties or classes the triples use."""
    namespaces = sorted({*VOCABULARIES.values(), str(mapped.uris.asdh)}, key=len, reverse=True)
    used = summary.predicates | set(summary.classes)
    out = set()
    for term in used:
        for ns in namespaces:
            if term.startswith(ns):
                out.add(URIRef(ns))
                break
    return sorted(out)


def _stats(summary: _Summary) -> dict[URIRef, int]:
    return {
        VOID.triples: summary.triples,
        VOID.entities: summary.entities,
        VOID.distinctSubjects: summary.subjects,
        VOID.distinctObjects: summary.objects,
        VOID.properties: len(summary.predicates),
        VOID.classes: summary.types,
    }


# what VoID counts, each from its sorted N-Triples: the parts of the published graph (the whole,
# the plain dumps, is put together from theirs: `_summaries`)
SUMMARISED = ("data", "codelists", "ontology")


def sorted_lines_in_memory(mapped: Mapped) -> Callable[[str], list[bytes]]:
    """The sorted, distinct N-Triples lines of each part (`SUMMARISED`), made in memory from
    the mapper's triple lists: what `description_files` reads when it is not given the build's
    sorted files (a triple may repeat within a list and across parts)."""
    return lambda name: sorted(set(ntriple_lines(mapped.part(name))))


def _summaries(lines: Callable[[str], Iterable[bytes]], base: str) -> tuple[_Summary, dict[str, _Summary]]:
    """The whole published graph's summary and each part's, each part from one pass over its
    sorted N-Triples (`lines(name)`): counts are of distinct triples, as in a graph. The whole's
    are put together from the parts' (`_union`: the code lists and the ontology are small, their
    lines and subjects held; the data's repeats of them noted in its pass), not from a pass over
    the whole: at 100k observations the whole and the data are each 3 M lines."""
    small_parts = {name: list(lines(name)) for name in SUMMARISED[1:]}
    parts = {name: _summary(ls, base) for name, ls in small_parts.items()}
    small_lines = {line for ls in small_parts.values() for line in ls}
    small = _scan(sorted(small_lines), base, keep_subjects=True)
    data = _scan(lines("data"), base, known=small_lines, known_subjects=small.subject_set)
    parts["data"] = data.summary()
    return _union(small, data, base), {name: parts[name] for name in SUMMARISED}


def void_graph(model: Model, mapped: Mapped, lines: Callable[[str], Iterable[bytes]] | None = None) -> Graph:
    """VoID: the dataset's dumps, statistics, URI space and vocabularies, one subset a graph.

    The statistics come from one pass over the sorted N-Triples of each part, the whole's put
    together from them (`_summaries`; `lines(name)`, name in `SUMMARISED`: the build's sorted
    files; by default made in memory from `mapped`, `sorted_lines_in_memory`)."""
    info, u = model.dataset, mapped.uris
    summary, parts = _summaries(lines or sorted_lines_in_memory(mapped), u.base)
    g = Graph()
    bind_prefixes(g, u.base)
    g.bind("void", VOID)
    doc, ds = u.void, u.dataset
    g.add((doc, RDF.type, VOID.DatasetDescription))
    g.add((doc, DCTERMS.title, Literal("VoID description of " + info.title["en"], lang="en")))
    g.add((doc, FOAF.primaryTopic, ds))
    g.add((ds, RDF.type, VOID.Dataset))
    add_labels(g, ds, info.title, DCTERMS.title)
    add_labels(g, ds, info.description, DCTERMS.description)
    g.add((ds, DCTERMS.publisher, u.concept("organisation", info.publisher)))
    g.add((ds, DCTERMS.license, URIRef(info.license)))
    g.add((ds, DCTERMS.issued, _date(info.issued)))
    g.add((ds, DCTERMS.modified, _date(info.modified or info.issued)))
    g.add((ds, FOAF.homepage, URIRef(u.base)))
    for d in RDF_DISTRIBUTIONS:
        g.add((ds, VOID.dataDump, u.file(d.path)))
        if d.void_feature:
            g.add((ds, VOID.feature, FORMATS[d.void_feature]))
    g.add((ds, VOID.uriSpace, Literal(u.base)))
    for vocab in _vocabularies(summary, mapped):
        g.add((ds, VOID.vocabulary, vocab))
    for pred, n in _stats(summary).items():
        g.add((ds, pred, Literal(n, datatype=XSD.integer)))
    if summary.example is not None:
        g.add((ds, VOID.exampleResource, URIRef(summary.example)))
    g.add((ds, VOID.rootResource, ds))
    # one subset per published graph; the ontology and the code lists have their own dumps
    for name, dump in (("ontology", FILES["ontology"].path), ("codelists", FILES["codelists"].path),
                       ("data", None)):
        sub = u.void_part(name)
        g.add((ds, VOID.subset, sub))
        g.add((sub, RDF.type, VOID.Dataset))
        g.add((sub, DCTERMS.title, Literal({"ontology": "The asdh ontology",
                                             "codelists": "The SKOS code lists",
                                             "data": "The cube, its observations and the resources they cite"}[name],
                                            lang="en")))
        if dump:
            g.add((sub, VOID.dataDump, u.file(dump)))
        for pred, n in _stats(parts[name]).items():
            g.add((sub, pred, Literal(n, datatype=XSD.integer)))
    # class partitions of the data: how many observations, facilities, … there are
    classes = summary.classes
    for cls in sorted(classes):
        local = cls.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        prefix = next((p for p, ns in sorted(VOCABULARIES.items()) if cls == ns + local), None)
        if prefix is None and cls == str(u.asdh) + local:
            prefix = "asdh"
        part = u.void_part(f"class-{prefix or 'other'}-{local}")
        g.add((ds, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(cls)))
        g.add((part, VOID.entities, Literal(classes[cls], datatype=XSD.integer)))
    # links out: owl:sameAs to Wikidata
    if summary.wikidata:
        ls = u.void_part("links-wikidata")
        g.add((ds, VOID.subset, ls))
        g.add((ls, RDF.type, VOID.Linkset))
        g.add((ls, VOID.linkPredicate, OWL.sameAs))
        g.add((ls, VOID.subjectsTarget, ds))
        g.add((ls, VOID.objectsTarget, URIRef("http://www.wikidata.org/")))
        g.add((ls, VOID.triples, Literal(summary.wikidata, datatype=XSD.integer)))
    return g


# ---------------------------------------------------------------------------------------
# serialisations, sitemap, robots

def page_url(base: str, path: str) -> str:
    """The URL of an HTML page in the site: the URI it is the page of (its rel=canonical),
    served as HTML by content negotiation; a folder's index.html is the folder's URL."""
    if path == "index.html":
        return base
    if path.endswith("/index.html"):
        path = path[: -len("index.html")]
    elif path.endswith(".html"):
        path = path[: -len(".html")]
    return base + "/".join(_quote_segment(p) for p in path.split("/"))


def _quote_segment(s: str) -> str:
    """Percent-encode what a path segment cannot hold; a file named from a minted URI is
    already encoded, so '%' is kept."""
    return quote(s, safe="-._~!$&'()*+,;=:@%")


def sitemap(files: dict[str, bytes], base: str) -> bytes:
    """sitemaps.org XML listing every HTML page in `files`, sorted (no lastmod: no data gives one)."""
    urls = sorted(page_url(base, p) for p in files if p.endswith(".html"))
    if len(urls) > SITEMAP_LIMIT:
        raise ValueError(f"{len(urls)} pages exceed the sitemap limit of {SITEMAP_LIMIT}; split the sitemap")
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"  <url><loc>{escape(u)}</loc></url>" for u in urls]
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def robots(base: str) -> bytes:
    return f"User-agent: *\nAllow: /\n\nSitemap: {base}{SITEMAP}\n".encode("utf-8")


def description_files(model: Model, mapped: Mapped, files: dict[str, bytes],
                      extra: tuple[Graph, Graph] | None = None,
                      lines: Callable[[str], Iterable[bytes]] | None = None,
                      ) -> tuple[dict[str, Graph], dict[str, bytes]]:
    """The description documents as graphs ({"catalog": …, "void": …}), and their RDF files:
    Turtle, JSON-LD and N-Triples of each, and VoID's well-known copy. Their HTML pages come
    from `pages.render_pages`.

    Call it once the downloads are in `files`: it describes them by their bytes. The
    statistics come from the sorted N-Triples `lines(name)` of each part (`SUMMARISED`;
    `void_graph`; by default made in memory from `mapped`). `extra`: triples to add to the catalogue and
    to VoID (the releases: publish/releases.py). Raises `ProblemsFound` if the catalogue
    breaks DCAT-AP's mandatory or range shapes (`check_catalogue`): the build then writes nothing."""
    cat = catalog_graph(model, mapped, files)
    void_g = void_graph(model, mapped, lines)
    for g, more in zip((cat, void_g), extra or ()):
        for p, ns in more.namespaces():
            if p in ("adms", "spdx", "prov"):
                g.bind(p, ns)
        for t in more:
            g.add(t)
    gate = check_catalogue(model, mapped, cat)  # with its releases: a catalogue that breaks DCAT-AP never reaches a portal
    if not gate.ok:
        raise ProblemsFound("catalogue", gate)
    void = turtle(void_g)
    return {CATALOG: cat, VOID_DOC: void_g}, {
        CATALOG_TTL: turtle(cat), CATALOG_JSONLD: jsonld_embedded(cat), CATALOG_NT: ntriples(cat),
        VOID_TTL: void, VOID_JSONLD: jsonld_embedded(void_g), VOID_NT: ntriples(void_g), VOID_WELL_KNOWN: void}


def index_files(files: dict[str, bytes], base: str) -> dict[str, bytes]:
    """sitemap.xml and robots.txt. Call it last in `publish.render`: the sitemap lists every
    HTML page in `files`."""
    return {SITEMAP: sitemap(files, base), ROBOTS: robots(base)}
