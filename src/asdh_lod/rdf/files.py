"""The one table of published files: every file of the site that is not a page, with its
path, what it is and (for the catalogue's distributions) its DCAT description.

Every module that writes, lists, describes or reads one of these files looks it up here
(`FILES[key].path`), so a file is named once.
"""

from __future__ import annotations

from dataclasses import dataclass

DUMP = "asdh-lod"  # file stem of the whole-dataset downloads


@dataclass(frozen=True)
class PublishedFile:
    key: str          # how code names it; in the catalogue: distribution-{key}, checksum-{key}
    path: str         # in the site
    label: str        # format name, for titles and lists
    what: str         # for people: the home page's list of downloads
    media_type: str   # IANA media type (of the uncompressed content when `compress`)
    file_type: str | None = None  # EU file-type code: the catalogue describes it as a distribution
    compress: str | None = None   # IANA media type of the compression
    void_feature: str | None = None  # W3C format name, for void:feature
    schema: str | None = None     # key of a file this one conforms to (dct:conformsTo)
    listed: bool = True           # in the home page's list of downloads

    @property
    def rdf(self) -> bool:
        """An RDF serialisation of the whole dataset (VoID's dumps)."""
        return self.file_type is not None and (self.file_type.startswith("RDF_") or self.file_type == "JSON_LD")

    @property
    def what_tr(self) -> str:
        """`what` in Turkish, for the home page's list of downloads."""
        return WHAT_TR.get(self.key, self.what)

    @property
    def description(self) -> str:
        """The distribution's dct:description in the catalogue."""
        if self.key == "sdmx-csv":
            return ("Every observation as one SDMX-CSV 2.0 row (labels=both): dimension codes with their "
                    "names, OBS_VALUE, UNIT_MEASURE and the attributes; its structure is the SDMX-ML 3.0 "
                    "structure message beside it (asdh-lod-sdmx-structure.xml).")
        if self.key == "sdmx-structure":
            return ("The SDMX-ML 3.0 structure message of the SDMX-CSV download: the data structure "
                    "definition, its concept scheme and code lists.")
        if self.file_type == "CSV":
            return ("Every observation as one CSV row, with codes and their Turkish and English "
                    "labels; the CSVW metadata beside it (asdh-lod.csv-metadata.json) maps the "
                    "table back to the cube's RDF.")
        fmt = self.label.split(",")[0]
        how = f"gzip-compressed {fmt}" if self.compress else fmt
        return f"The whole dataset (the cube, its code lists and ontology) as {how}."


_TABLE = (
    PublishedFile("turtle", f"downloads/{DUMP}.ttl", "Turtle", "The whole dataset (cube, code lists, ontology)",
                  "text/turtle", "RDF_TURTLE", void_feature="Turtle"),
    PublishedFile("json-ld", f"downloads/{DUMP}.jsonld", "JSON-LD", "The whole dataset",
                  "application/ld+json", "JSON_LD", void_feature="JSON-LD"),
    PublishedFile("n-triples", f"downloads/{DUMP}.nt", "N-Triples", "The whole dataset, sorted",
                  "application/n-triples", "RDF_N_TRIPLES", void_feature="N-Triples", listed=False),
    PublishedFile("n-triples-gzip", f"downloads/{DUMP}.nt.gz", "N-Triples, gzip",
                  "The whole dataset, sorted, for SPARQL stores", "application/n-triples", "RDF_N_TRIPLES",
                  compress="application/gzip"),
    PublishedFile("trig", f"downloads/{DUMP}.trig", "TriG",
                  "The whole dataset in named graphs (ontology, code lists, data)", "application/trig"),
    PublishedFile("n-quads-gzip", f"downloads/{DUMP}.nq.gz", "N-Quads, gzip",
                  "The same named graphs, for SPARQL stores", "application/n-quads", compress="application/gzip"),
    PublishedFile("csv", f"downloads/{DUMP}.csv", "CSV", "Every observation as a table, with labels and codes",
                  "text/csv", "CSV", schema="csv-metadata"),
    PublishedFile("csv-metadata", f"downloads/{DUMP}.csv-metadata.json", "CSVW JSON",
                  "CSVW metadata mapping the table back to the same RDF", "application/csvm+json"),
    PublishedFile("sdmx-csv", f"downloads/{DUMP}-sdmx.csv", "SDMX-CSV 2.0",
                  "Every observation as SDMX-CSV 2.0, for SDMX tools", "text/csv", "CSV", schema="sdmx-structure"),
    PublishedFile("sdmx-structure", f"downloads/{DUMP}-sdmx-structure.xml", "SDMX-ML 3.0",
                  "The SDMX structure (data structure definition, concepts, code lists)", "application/xml", "SDMX"),
    PublishedFile("ontology", "downloads/ontology.ttl", "Turtle", "The OWL ontology", "text/turtle"),
    PublishedFile("codelists", "downloads/codelists.ttl", "Turtle", "The SKOS code lists", "text/turtle"),
    PublishedFile("shapes", "downloads/shapes.ttl", "Turtle", "The SHACL shapes the data was validated with",
                  "text/turtle"),
    PublishedFile("context", "context.jsonld", "JSON-LD", "The JSON-LD context of the JSON-LD files",
                  "application/ld+json", listed=False),
    PublishedFile("catalog-ttl", "catalog.ttl", "Turtle", "DCAT-AP 3 catalogue record, for open-data portals",
                  "text/turtle"),
    PublishedFile("catalog-jsonld", "catalog.jsonld", "JSON-LD", "The same catalogue record", "application/ld+json"),
    PublishedFile("catalog-nt", "catalog.nt", "N-Triples", "The same catalogue record", "application/n-triples",
                  listed=False),
    PublishedFile("void-ttl", "void.ttl", "Turtle", "VoID description", "text/turtle"),
    PublishedFile("void-jsonld", "void.jsonld", "JSON-LD", "VoID description", "application/ld+json", listed=False),
    PublishedFile("void-nt", "void.nt", "N-Triples", "VoID description", "application/n-triples", listed=False),
    PublishedFile("void-well-known", ".well-known/void", "Turtle", "VoID description, at its well-known path",
                  "text/turtle", listed=False),
    PublishedFile("sitemap", "sitemap.xml", "XML", "Sitemap", "application/xml"),
    PublishedFile("robots", "robots.txt", "text", "Robots rules", "text/plain", listed=False),
    PublishedFile("map-notice", "maps/NOTICE.txt", "text", "Where the province outlines of the maps come from, and their licence",
                  "text/plain", listed=False),
)

FILES: dict[str, PublishedFile] = {f.key: f for f in _TABLE}
# what the listed files are, in Turkish (the pages are Turkish first)
WHAT_TR = {
    "turtle": "Tüm veri kümesi (küp, kod listeleri, ontoloji)",
    "json-ld": "Tüm veri kümesi",
    "n-triples-gzip": "Tüm veri kümesi, sıralı, SPARQL depoları için",
    "trig": "Adlandırılmış çizgelerde tüm veri kümesi (ontoloji, kod listeleri, veri)",
    "n-quads-gzip": "Aynı adlandırılmış çizgeler, SPARQL depoları için",
    "csv": "Tüm gözlemler bir tablo olarak, etiketler ve kodlarla",
    "csv-metadata": "Tabloyu aynı RDF'ye eşleyen CSVW üst verisi",
    "ontology": "OWL ontolojisi",
    "codelists": "SKOS kod listeleri",
    "shapes": "Verinin doğrulandığı SHACL şekilleri",
    "catalog-ttl": "Açık veri portalları için DCAT-AP 3 katalog kaydı",
    "catalog-jsonld": "Aynı katalog kaydı",
    "void-ttl": "VoID tanımı",
    "sitemap": "Site haritası",
}
# the whole-dataset files the catalogue describes as dcat:Distributions, in catalogue order
DISTRIBUTIONS: tuple[PublishedFile, ...] = tuple(FILES[k] for k in ("turtle", "json-ld", "n-triples",
                                                                   "n-triples-gzip", "csv", "sdmx-csv",
                                                                   "sdmx-structure"))
RDF_DISTRIBUTIONS = tuple(d for d in DISTRIBUTIONS if d.rdf)
# the home page's list of downloads, in order
LISTED: tuple[PublishedFile, ...] = tuple(f for f in _TABLE if f.listed)
# the dumps `asdh-lod query` can load from a site, best first
QUERY_DUMPS: tuple[PublishedFile, ...] = tuple(FILES[k] for k in ("n-quads-gzip", "n-triples-gzip", "n-triples"))
# the named-graph dumps `asdh-lod push` uploads, best first
PUSH_DUMPS: tuple[PublishedFile, ...] = (FILES["n-quads-gzip"],)


def source_text(document_id: str) -> str:
    """Where a source document's text is published."""
    return f"sources/{document_id}.txt"


# -- releases: the frozen editions under releases/{version}/ (build/releases.py) ------------
RELEASES = "releases"  # the folder of the site that holds one folder per release


def _name(key: str) -> str:
    return FILES[key].path.rsplit("/", 1)[-1]


# key → file name inside releases/{version}/; the catalogue record comes last (it lists the
# others with their checksums)
RELEASE_FILES: dict[str, str] = {
    "n-quads-gzip": _name("n-quads-gzip"),   # the named graphs {base}graph/{version}/{name}
    "turtle": _name("turtle"),
    "json-ld": _name("json-ld"),
    "csv": _name("csv"),
    "context": _name("context"),             # the JSON-LD context the JSON-LD refers to, frozen
    "ontology": _name("ontology"),           # with owl:versionIRI and owl:priorVersion
    "shapes": _name("shapes"),
    "changes-ttl": "changes.ttl",            # the change log against the previous release
    "changes-csv": "changes.csv",
    "page": "index.html",                    # the release's page: note, files, change log
    "record": _name("catalog-ttl"),          # its DCAT record: every other file with its SHA-256
}
# the release files its record describes as dcat:Distributions (the dataset itself), in order
RELEASE_DISTRIBUTIONS: tuple[str, ...] = ("n-quads-gzip", "turtle", "json-ld", "csv")


def release_folder(version: str) -> str:
    """Where a release's files are, in the site."""
    return f"{RELEASES}/{version}"


def release_path(version: str, key: str) -> str:
    """The path in the site of one of a release's files."""
    return f"{release_folder(version)}/{RELEASE_FILES[key]}"


def figures_csv(page_stem: str, ident: str) -> str:
    """Where the CSV of the figures of one chart or map (`ident`) of the page `page_stem` is:
    beside the page (`code/programme/asdep.map-1.csv`)."""
    return f"{page_stem}.{ident}.csv"
