"""Mapping stage: model → RDF graphs. No I/O except reading the ontology text it is given.

The result keeps three graphs apart — the cube and its resources (`data`), the SKOS code
lists (`codelists`) and the OWL ontology (`ontology`) — and an index from every minted
subject back to the file and line it came from, so that SHACL results can point at YAML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD, Namespace

from .model import Fact, Model, Origin, Source
from .numbers import exact_decimal
from .periods import Period, Unit, parse_period
from .uris import Uris

QB = Namespace("http://purl.org/linked-data/cube#")
SDMX_MEASURE = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
SDMX_ATTRIBUTE = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")
SDMX_DIMENSION = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
ORG = Namespace("http://www.w3.org/ns/org#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
EU_LANGUAGE = Namespace("http://publications.europa.eu/resource/authority/language/")
LANGUAGE_CODES = {"tr": "TUR", "en": "ENG"}

PREFIXES = {
    "rdf": str(RDF), "rdfs": str(RDFS), "owl": str(OWL), "xsd": str(XSD), "skos": str(SKOS),
    "dct": str(DCTERMS), "foaf": str(FOAF), "prov": str(PROV), "time": str(TIME), "org": str(ORG),
    "dcat": str(DCAT), "qb": str(QB), "sdmx-measure": str(SDMX_MEASURE),
    "sdmx-attribute": str(SDMX_ATTRIBUTE), "sdmx-dimension": str(SDMX_DIMENSION),
}

# scheme id → the ontology class of its concepts
SCHEME_CLASSES = {
    "province": "Province", "programme": "Programme", "target-group": "TargetGroup",
    "indicator": "Indicator", "unit": "Unit", "period-kind": "PeriodKind",
    "facility-type": "FacilityType", "project-status": "ProjectStatus",
    "document-type": "DocumentType", "organisation": "Organisation", "cofog": "COFOGGroup",
}

# the cube's dimension properties, in key order (matches Fact.key)
DIMENSIONS = ("refArea", "refPeriod", "periodKind", "programme", "targetGroup", "indicator")


@dataclass
class Mapped:
    uris: Uris
    data: Graph
    codelists: Graph
    ontology: Graph
    origins: dict[URIRef, Origin] = field(default_factory=dict)

    def union(self) -> Graph:
        g = Graph()
        bind_prefixes(g, self.uris)
        for part in (self.ontology, self.codelists, self.data):
            for t in part:
                g.add(t)
        return g


def bind_prefixes(g: Graph, uris: Uris) -> None:
    for p, ns in PREFIXES.items():
        g.bind(p, ns, override=True, replace=True)
    g.bind("asdh", uris.asdh, override=True, replace=True)
    g.bind("code", uris.base + "code/", override=True, replace=True)
    g.bind("period", uris.base + "id/period/", override=True, replace=True)


def _labels(g: Graph, s: URIRef, labels: dict[str, str], *preds: URIRef) -> None:
    for lang in sorted(labels):
        for p in preds or (RDFS.label, SKOS.prefLabel):
            g.add((s, p, Literal(labels[lang], lang=lang)))


def number_literal(value: Fraction, unit_kind: str) -> Literal:
    """xsd:integer for counts, xsd:decimal for money and terminating fractions, owl:rational otherwise."""
    if unit_kind == "count" and value.denominator == 1:
        return Literal(value.numerator, datatype=XSD.integer)
    dec = exact_decimal(value)
    if dec is None:
        return Literal(f"{value.numerator}/{value.denominator}", datatype=OWL.rational)
    text = format(dec.normalize(), "f")
    if "." not in text:
        text += ".0"
    return Literal(text, datatype=XSD.decimal)


def _unit_literal(unit: Unit) -> Literal:
    dt = {"year": XSD.gYear, "month": XSD.gYearMonth, "day": XSD.date}[unit.granularity]
    return Literal(unit.notation, datatype=dt)


class _Mapper:
    def __init__(self, model: Model, uris: Uris):
        self.model = model
        self.u = uris
        self.A = uris.asdh
        self.data = Graph()
        self.codelists = Graph()
        self.origins: dict[URIRef, Origin] = {}
        self.periods: dict[str, Period] = {}

    # -- code lists ----------------------------------------------------------------------
    def codelist_graph(self) -> None:
        g, u, A = self.codelists, self.u, self.A
        for sid, scheme in sorted(self.model.schemes.items()):
            s = u.scheme(sid)
            self.origins[s] = scheme.origin
            g.add((s, RDF.type, SKOS.ConceptScheme))
            _labels(g, s, scheme.label, RDFS.label, SKOS.prefLabel, DCTERMS.title)
            _labels(g, s, scheme.definition, SKOS.definition)
            g.add((s, SKOS.notation, Literal(sid)))
            cls = A[SCHEME_CLASSES[sid]]
            country = scheme.extra.get("country")
            if country:  # the provinces' common broader concept, e.g. Türkiye
                cu = u.concept(sid, str(country["iso"]))
                g.add((cu, RDF.type, SKOS.Concept))
                g.add((cu, SKOS.inScheme, s))
                g.add((cu, SKOS.notation, Literal(str(country["iso"]))))
                g.add((cu, SKOS.topConceptOf, s))
                g.add((s, SKOS.hasTopConcept, cu))
                g.add((cu, A.isoCode, Literal(str(country["iso"]))))
                _labels(g, cu, dict(country["label"]))
                if "wikidata" in country:
                    g.add((cu, OWL.sameAs, u.wikidata(str(country["wikidata"]))))
            for code, c in scheme.concepts.items():
                cu = u.concept(sid, code)
                self.origins[cu] = c.origin
                g.add((cu, RDF.type, SKOS.Concept))
                g.add((cu, RDF.type, cls))
                g.add((cu, SKOS.inScheme, s))
                g.add((cu, SKOS.notation, Literal(code)))
                _labels(g, cu, c.label)
                _labels(g, cu, c.definition, SKOS.definition)
                for lang, alts in sorted(c.alt.items()):
                    for a in alts:
                        g.add((cu, SKOS.altLabel, Literal(a, lang=lang)))
                broader = c.broader or (str(country["iso"]) if country else None)
                if broader is None:
                    g.add((cu, SKOS.topConceptOf, s))
                    g.add((s, SKOS.hasTopConcept, cu))
                else:
                    g.add((cu, SKOS.broader, u.concept(sid, broader)))
                self._concept_extra(sid, cu, c)

    def _concept_extra(self, sid: str, cu: URIRef, c) -> None:
        g, u, A, x = self.codelists, self.u, self.A, c.extra
        if sid == "province":
            g.add((cu, A.plateCode, Literal(c.code)))
            g.add((cu, A.isoCode, Literal(x["iso"])))
            g.add((cu, A.nutsCode, Literal(x["nuts3"])))
            if "wikidata" in x:
                g.add((cu, OWL.sameAs, u.wikidata(x["wikidata"])))
        elif sid == "programme" and "cofog" in x:
            for rel, pred in (("close", SKOS.closeMatch), ("broad", SKOS.broadMatch)):
                if rel in x["cofog"]:
                    g.add((cu, pred, u.concept("cofog", str(x["cofog"][rel]))))
        elif sid == "unit" and x.get("kind") == "currency":
            g.add((cu, RDF.type, A.CurrencyUnit))
        elif sid == "organisation":
            g.add((cu, RDF.type, FOAF.Organization))
            g.add((cu, RDF.type, ORG.Organization))
            if "part_of" in x:
                g.add((cu, A.partOf, u.concept("organisation", str(x["part_of"]))))
            if "province" in x:
                g.add((cu, A.locatedIn, u.concept("province", str(x["province"]))))

    # -- periods -------------------------------------------------------------------------
    def period(self, p: Period | Unit) -> URIRef:
        if isinstance(p, Unit):
            p = parse_period(p.notation)
        self.periods.setdefault(p.notation, p)
        return self.u.period(p)

    def period_graph(self) -> None:
        g, u = self.data, self.u
        for notation, p in sorted(self.periods.items()):
            pu = u.period(p)
            g.add((pu, RDF.type, TIME.Interval))
            if p.begin is not None and p.begin < p.end:
                g.add((pu, RDF.type, TIME.ProperInterval))
            g.add((pu, RDFS.label, Literal(notation)))
            g.add((pu, SKOS.notation, Literal(notation)))
            instants = [(TIME.hasEnd, p.end)]
            if p.begin is not None:
                instants.append((TIME.hasBeginning, p.begin))
            for pred, d in instants:
                iu = u.instant(d)
                g.add((pu, pred, iu))
                g.add((iu, RDF.type, TIME.Instant))
                g.add((iu, TIME.inXSDDate, Literal(d.isoformat(), datatype=XSD.date)))

    # -- the cube ------------------------------------------------------------------------
    def structure(self) -> None:
        g, u, A, info = self.data, self.u, self.A, self.model.dataset
        ds, dsd = u.dataset, u.structure
        self.origins[ds] = info.origin
        g.add((ds, RDF.type, QB.DataSet))
        g.add((ds, QB.structure, dsd))
        _labels(g, ds, info.title, RDFS.label, DCTERMS.title)
        _labels(g, ds, info.description, DCTERMS.description)
        g.add((ds, DCTERMS.publisher, u.concept("organisation", info.publisher)))
        g.add((ds, DCTERMS.license, URIRef(info.license)))
        g.add((ds, DCTERMS.issued, Literal(info.issued.isoformat(), datatype=XSD.date)))
        for lang, words in sorted(info.keywords.items()):
            for w in words:
                g.add((ds, DCAT.keyword, Literal(w, lang=lang)))
        for src in self.model.sources:
            g.add((ds, DCTERMS.source, u.source(src.document.id)))
        g.add((dsd, RDF.type, QB.DataStructureDefinition))
        g.add((dsd, RDFS.label, Literal("Structure of " + info.title["en"], lang="en")))
        g.add((dsd, RDFS.label, Literal(info.title["tr"] + " yapısı", lang="tr")))
        components = [(A[name], QB.dimension, True) for name in DIMENSIONS]
        components += [(SDMX_MEASURE.obsValue, QB.measure, True),
                       (SDMX_ATTRIBUTE.unitMeasure, QB.attribute, True),
                       (A.approximate, QB.attribute, True),
                       (A.precision, QB.attribute, False),
                       (A.sourceDocument, QB.attribute, True),
                       (A.sourceQuote, QB.attribute, True)]
        for order, (prop, kind, required) in enumerate(components, start=1):
            name = str(prop).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
            spec = u.component(name)
            g.add((dsd, QB.component, spec))
            g.add((spec, RDF.type, QB.ComponentSpecification))
            g.add((spec, kind, prop))
            g.add((spec, QB.order, Literal(order)))
            g.add((spec, QB.componentRequired, Literal(required)))
            if kind == QB.attribute:
                g.add((spec, QB.componentAttachment, QB.Observation))
        g.add((SDMX_MEASURE.obsValue, RDF.type, QB.MeasureProperty))
        g.add((SDMX_ATTRIBUTE.unitMeasure, RDF.type, QB.AttributeProperty))

    def observation(self, fact: Fact, unit_kinds: dict[str, str]) -> URIRef:
        g, u, A = self.data, self.u, self.A
        o = u.fact(fact)
        self.origins[o] = fact.origin
        g.add((o, RDF.type, QB.Observation))
        g.add((o, QB.dataSet, u.dataset))
        g.add((o, A.refArea, u.concept("province", fact.province)))
        g.add((o, A.refPeriod, self.period(fact.period)))
        g.add((o, A.periodKind, u.concept("period-kind", fact.period_kind)))
        g.add((o, A.programme, u.concept("programme", fact.programme)))
        g.add((o, A.targetGroup, u.concept("target-group", fact.target_group)))
        g.add((o, A.indicator, u.concept("indicator", fact.indicator)))
        g.add((o, SDMX_MEASURE.obsValue, number_literal(fact.value, unit_kinds[fact.unit])))
        g.add((o, SDMX_ATTRIBUTE.unitMeasure, u.concept("unit", fact.unit)))
        g.add((o, A.approximate, Literal(fact.approximate)))
        if fact.precision is not None:
            g.add((o, A.precision, number_literal(fact.precision, "decimal")))
        g.add((o, A.sourceDocument, u.source(fact.document)))
        for q in [fact.quote, *fact.also_quoted]:
            g.add((o, A.sourceQuote, Literal(q.quote, lang="tr")))
        g.add((o, DCTERMS.identifier, Literal(f"{fact.document}#{fact.id}")))
        return o

    # -- documents and other resources ---------------------------------------------------
    def document(self, src: Source) -> None:
        g, u, A, d = self.data, self.u, self.A, src.document
        s = u.source(d.id)
        self.origins[s] = d.origin
        g.add((s, RDF.type, A.SourceDocument))
        g.add((s, RDF.type, FOAF.Document))
        _labels(g, s, d.title, RDFS.label, DCTERMS.title)
        g.add((s, DCTERMS.publisher, u.concept("organisation", d.publisher)))
        g.add((s, DCTERMS.issued, _unit_literal(d.published)))
        g.add((s, A.asOf, self.period(d.as_of)))
        if d.reporting_period is not None:
            g.add((s, A.reportingPeriod, self.period(d.reporting_period)))
        g.add((s, A.documentType, u.concept("document-type", d.type)))
        g.add((s, DCTERMS.language, EU_LANGUAGE[LANGUAGE_CODES[d.language]]))
        g.add((s, DCTERMS.spatial, u.concept("province", d.province)))
        g.add((s, A.textFile, u.source_text(d.id)))
        g.add((u.source_text(d.id), RDF.type, FOAF.Document))
        g.add((u.source_text(d.id), DCTERMS.format, Literal("text/plain")))

    def resources(self, src: Source, obs: dict[str, URIRef], unit_kinds: dict[str, str]) -> None:
        g, u, A = self.data, self.u, self.A
        doc = u.source(src.document.id)

        def provenance(s: URIRef, quote: str) -> None:
            g.add((s, A.sourceDocument, doc))
            g.add((s, A.sourceQuote, Literal(quote, lang="tr")))

        for f in src.facilities:
            s = u.facility(f.id)
            self.origins[s] = f.origin
            g.add((s, RDF.type, A.Facility))
            labels = {"tr": f.name, **f.label}
            _labels(g, s, labels, RDFS.label)
            g.add((s, A.facilityType, u.concept("facility-type", f.type)))
            g.add((s, A.privatelyOperated, Literal(f.privately_operated)))
            g.add((s, A.locatedIn, u.concept("province", f.province)))
            provenance(s, f.quote)
        facts = {f.id: f for f in src.facts}
        for p in src.projects:
            s = u.project(p.id)
            self.origins[s] = p.origin
            g.add((s, RDF.type, A.InvestmentProject))
            _labels(g, s, p.name, RDFS.label)
            g.add((s, A.facilityType, u.concept("facility-type", p.facility_type)))
            g.add((s, A.projectStatus, u.concept("project-status", p.status)))
            g.add((s, A.locatedIn, u.concept("province", p.province)))
            provenance(s, p.quote)
            for ref in p.facts:
                g.add((s, A.observation, obs[ref]))
                fact = facts[ref]
                if fact.indicator == "investment-cost":
                    g.add((s, A.cost, number_literal(fact.value, "decimal")))
                elif fact.indicator == "capacity":
                    g.add((s, A.capacity, number_literal(fact.value, "count")))
            for ms in p.milestones:
                m = u.milestone(p.id, ms.event)
                self.origins[m] = ms.origin
                g.add((s, A.milestone, m))
                g.add((m, RDF.type, A.Milestone))
                g.add((m, A.milestoneEvent, Literal(ms.event, lang="en")))
                g.add((m, A.plannedPeriod, self.period(ms.period)))
                provenance(m, ms.quote)
        for r in src.rules:
            s = u.rule(r.id)
            self.origins[s] = r.origin
            g.add((s, RDF.type, A.NationalRule))
            _labels(g, s, r.label, RDFS.label)
            g.add((s, A.appliesTo, u.concept("programme", r.programme)))
            if r.valid_during is not None:
                g.add((s, A.validDuring, self.period(r.valid_during)))
            provenance(s, r.quote)
            for prm in r.parameters:
                pu = u.parameter(r.id, prm.role, prm.unit)
                self.origins[pu] = prm.origin
                g.add((s, A.parameter, pu))
                g.add((pu, RDF.type, A.RuleParameter))
                _labels(g, pu, prm.label, RDFS.label)
                g.add((pu, A.parameterRole, A[prm.role]))
                g.add((pu, RDF.value, number_literal(prm.value, unit_kinds[prm.unit])))
                g.add((pu, SDMX_ATTRIBUTE.unitMeasure, u.concept("unit", prm.unit)))

    def run(self) -> None:
        self.codelist_graph()
        self.structure()
        unit_kinds = {c.code: c.extra.get("kind", "count") for c in self.model.schemes["unit"].concepts.values()}
        for src in self.model.sources:
            self.document(src)
            obs = {f.id: self.observation(f, unit_kinds) for f in src.facts}
            for f in src.facts:  # a total the source states as the sum of other figures
                for part in f.total_of:
                    self.data.add((obs[f.id], self.A.totalOf, obs[part]))
            self.resources(src, obs, unit_kinds)
        self.period_graph()


def parse_ontology(text: str, uris: Uris) -> Graph:
    """Parse our Turtle (ontology or shapes), resolving its relative IRIs against the base."""
    parsed = Graph()
    parsed.parse(data=text, format="turtle", publicID=uris.base)
    g = Graph()  # blank nodes (OWL lists, SHACL property shapes) get stable, content-derived labels
    for t in to_canonical_graph(parsed):
        g.add(t)
    bind_prefixes(g, uris)
    return g


def map_model(model: Model, ontology_text: str) -> Mapped:
    uris = Uris(model.dataset.base_iri, model.dataset.id)
    m = _Mapper(model, uris)
    m.run()
    for g in (m.data, m.codelists):
        bind_prefixes(g, uris)
    onto = parse_ontology(ontology_text, uris)
    if any(isinstance(t, BNode) for triple in m.data for t in triple):  # pragma: no cover - invariant
        raise AssertionError("the mapping must not mint blank nodes")
    return Mapped(uris=uris, data=m.data, codelists=m.codelists, ontology=onto, origins=m.origins)
