"""The vocabularies we use and the one prefix map.

Every prefix the project writes (Turtle, JSON-LD contexts, SPARQL, shapes, pages) comes from
`prefixes`: the fixed vocabularies (`VOCABULARIES`) plus our own namespaces under the base
IRI (`own_namespaces`). A consumer that must leave one out says which and why.
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD, ClosedNamespace, Namespace

DEFAULT_BASE = "https://w3id.org/asdh-lod/"

QB = Namespace("http://purl.org/linked-data/cube#")
SDMX_MEASURE = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
SDMX_ATTRIBUTE = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")
SDMX_DIMENSION = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
ORG = Namespace("http://www.w3.org/ns/org#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
# W3C Web Annotation: where in its source a quote stands. Closed: each term is one object
# (an open Namespace makes a new URIRef at each `OA.x`, and annotations are a third of the
# data's terms), and a misspelt term raises
OA = ClosedNamespace("http://www.w3.org/ns/oa#", [
    "Annotation", "motivatedBy", "describing", "hasBody", "hasTarget", "SpecificResource", "hasSource",
    "hasSelector", "TextQuoteSelector", "exact", "prefix", "suffix", "TextPositionSelector", "start", "end"])
QUDT_UNIT = Namespace("http://qudt.org/vocab/unit/")  # QUDT units (QUDT 3: currencies are unit:CCY_…)
QUDT_CURRENCY = Namespace("http://qudt.org/vocab/currency/")  # QUDT 2's currency units (cur:TRY)
EU = "http://publications.europa.eu/resource/authority/"
EU_LANGUAGE = Namespace(EU + "language/")
LANGUAGE_CODES = {"tr": "TUR", "en": "ENG"}  # our language tags → EU language authority codes

# the fixed vocabularies, by the prefix every output uses for them
VOCABULARIES: dict[str, str] = {
    "rdf": str(RDF), "rdfs": str(RDFS), "owl": str(OWL), "xsd": str(XSD), "skos": str(SKOS),
    "dct": str(DCTERMS), "foaf": str(FOAF), "prov": str(PROV), "time": str(TIME), "org": str(ORG),
    "dcat": str(DCAT), "qb": str(QB), "sdmx-measure": str(SDMX_MEASURE),
    "sdmx-attribute": str(SDMX_ATTRIBUTE), "sdmx-dimension": str(SDMX_DIMENSION),
    "oa": str(OA), "unit": str(QUDT_UNIT), "cur": str(QUDT_CURRENCY),
}
# the prefixes a code list may name QUDT units with (units.yaml: `qudt: {exact: "unit:HR"}`)
QUDT_PREFIXES = ("unit", "cur")
# the catalogue's extra vocabularies (DCAT-AP): in the TriG, whose catalogue graph uses them
CATALOGUE_VOCABULARIES: dict[str, str] = {"spdx": str(SPDX), "vcard": str(VCARD)}


def own_namespaces(base: str) -> dict[str, str]:
    """Our namespaces under the base IRI: ontology terms, code lists, periods, named graphs."""
    return {"asdh": base + "def/", "code": base + "code/", "period": base + "id/period/", "graph": base + "graph/"}


def prefixes(base: str, own: tuple[str, ...] = ("asdh", "code", "period", "graph"),
             extra: dict[str, str] | None = None) -> dict[str, str]:
    """The one prefix map: the vocabularies (sorted by prefix), then the named ones of our
    namespaces in the order named, then `extra`."""
    mine = own_namespaces(base)
    return {**dict(sorted(VOCABULARIES.items())), **{p: mine[p] for p in own}, **(extra or {})}


def sparql_prefixes(base: str) -> dict[str, str]:
    """What a SPARQL query gets predeclared (`asdh-lod query`, the example-query page): every
    prefix, sorted."""
    return dict(sorted(prefixes(base).items()))


# What each output declares of our namespaces, and why:
TURTLE_OWN = ("asdh", "period")  # no code: pyoxigraph would escape its slash (code:province\/25)
JSONLD_OWN = ("asdh", "code")    # the published context.jsonld
GRAPH_OWN = ("asdh", "code", "period")  # rdflib graphs (bind_prefixes)


def bind_prefixes(g: Graph, base: str) -> None:
    for p, ns in prefixes(base, GRAPH_OWN).items():
        g.bind(p, ns, override=True, replace=True)


def add_labels(g: Graph, s: URIRef, labels: dict[str, str], *preds: URIRef) -> None:
    """One language-tagged literal per language (sorted), for each predicate (default
    rdfs:label and skos:prefLabel)."""
    for lang in sorted(labels):
        for p in preds or (RDFS.label, SKOS.prefLabel):
            g.add((s, p, Literal(labels[lang], lang=lang)))
