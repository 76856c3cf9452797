"""Mapping stage: model → RDF graphs. No I/O except reading the ontology text it is given.

The result keeps three graphs apart — the cube and its resources (`data`), the SKOS code
lists (`codelists`) and the OWL ontology (`ontology`) — and an index from every minted
subject back to the file and line it came from, so that SHACL results can point at YAML.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from types import SimpleNamespace

from rdflib import Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD

from ..model.records import Fact, Model, Origin, Source
from ..model.numbers import exact_decimal
from ..model.periods import Period, Unit, parse_period
from ..rdf.uris import Uris
from ..rdf.vocab import (DCAT, EU_LANGUAGE, LANGUAGE_CODES, OA, ORG, QB, SDMX_ATTRIBUTE, SDMX_MEASURE,
                         VOCABULARIES, add_labels, bind_prefixes)

# scheme id → the ontology class of its concepts
SCHEME_CLASSES = {
    "province": "Province", "programme": "Programme", "target-group": "TargetGroup",
    "indicator": "Indicator", "unit": "Unit", "period-kind": "PeriodKind",
    "facility-type": "FacilityType", "project-status": "ProjectStatus",
    "document-type": "DocumentType", "organisation": "Organisation", "cofog": "COFOGGroup",
}

# the SKOS mapping relation of each `qudt:` key of a unit (units.yaml)
MATCH_PROPERTIES = {"exact": SKOS.exactMatch, "close": SKOS.closeMatch, "broad": SKOS.broadMatch}
# code points of text before and after a quote in its oa:TextQuoteSelector (prefix, suffix)
QUOTE_CONTEXT = 32

# the cube's dimension properties, in key order (matches Fact.key)
DIMENSIONS = ("refArea", "refPeriod", "periodKind", "programme", "targetGroup", "indicator")

# Period kinds retired (code-list entries with `deprecated: true`), the kind that replaced each
# and the periods the old kind fitted. An observation's hash IRI names its kind, so an
# observation that had the old kind had another IRI: it is kept as a link, `{old IRI}
# dct:isReplacedBy {IRI}`, in the same document (the part before `#` is unchanged), so that
# the old IRI still resolves and says where the figure is now.
RETIRED_KINDS = {"total": ("year-total", lambda p: p.granularity == "year")}


class Triples(list):
    """The mapper's output: a plain list of triples (`add` appends). Building rdflib graphs
    costs far more than the mapping itself, so graphs are made once, only when asked for."""

    add = list.append


class Mapped:
    """The mapped graphs: the cube and its resources (`data`), the code lists (`codelists`) and
    the ontology (`ontology`), as rdflib graphs, plus `origins` (subject → file and line).

    `data` and `codelists` are built from the mapper's triple lists on first use; `union()`
    builds the whole graph straight from the lists (one rdflib graph, not three), and
    `triples()` iterates every triple without building any graph. Both give the same triples
    (tests/test_mapping.py)."""

    def __init__(self, uris: Uris, data: Graph | Triples, codelists: Graph | Triples, ontology: Graph,
                 origins: dict[URIRef, Origin] | None = None):
        self.uris = uris
        self._parts: dict[str, Graph | Triples] = {"data": data, "codelists": codelists}
        self.ontology = ontology
        self.origins = origins if origins is not None else {}
        self.sources: dict[str, MappedSource] = {}  # document id → its part of `data`
        self.shared: list = []  # the rest of `data`: the cube's structure and the periods (of all sources)

    def _graph(self, name: str) -> Graph:
        part = self._parts[name]
        if not isinstance(part, Graph):
            g = Graph()
            bind_prefixes(g, self.uris.base)
            add = g.store.add
            for t in part:
                add(t, g)
            self._parts[name] = part = g
        return part

    @property
    def data(self) -> Graph:
        return self._graph("data")

    @property
    def codelists(self) -> Graph:
        return self._graph("codelists")

    def part(self, name: str):
        """The triples of one part ("ontology", "codelists" or "data") as held: a list (a triple
        may repeat) or a graph; no graph is built."""
        return self.ontology if name == "ontology" else self._parts[name]

    def pieces(self) -> list[tuple[str | None, list]]:
        """The data's triples in pieces: each source's (document id, its triples), in document
        order, then (None, the shared rest); just (None, the data) for a mapping that did not
        record its sources. Together they are `part("data")`."""
        if not self.sources:
            return [(None, self._parts["data"])]
        return [*((doc, src.triples) for doc, src in sorted(self.sources.items())), (None, self.shared)]

    def triples(self):
        """Every triple of ontology, code lists and data (a triple may repeat across parts)."""
        yield from self.ontology
        yield from self._parts["codelists"]
        yield from self._parts["data"]

    def union(self) -> Graph:
        g = Graph()
        bind_prefixes(g, self.uris.base)
        add = g.store.add  # straight into the store: our terms are valid, skip the checks
        for t in self.triples():
            add(t, g)
        return g


def number_text(value: Fraction, unit_kind: str) -> tuple[str, URIRef]:
    """The lexical form and datatype of `number_literal` (for tables, without a Literal)."""
    if unit_kind == "count" and value.denominator == 1:
        return str(value.numerator), XSD.integer
    dec = exact_decimal(value)
    if dec is None:
        return f"{value.numerator}/{value.denominator}", OWL.rational
    text = format(dec.normalize(), "f")
    return (text if "." in text else text + ".0"), XSD.decimal


def number_literal(value: Fraction, unit_kind: str) -> Literal:
    """xsd:integer for counts, xsd:decimal for money and terminating fractions, owl:rational otherwise."""
    text, datatype = number_text(value, unit_kind)
    return Literal(text, datatype=datatype)


def _unit_literal(unit: Unit) -> Literal:
    dt = {"year": XSD.gYear, "month": XSD.gYearMonth, "day": XSD.date}[unit.granularity]
    return Literal(unit.notation, datatype=dt)


@dataclass
class MappedSource:
    """What one source contributes to the data graph: its triples, their origins and the periods
    it names. Depends on that source, the code lists and the base IRI only, so it can be cached."""

    triples: list
    origins: dict[URIRef, Origin]
    periods: dict[str, Period]


class _Mapper:
    def __init__(self, model: Model, uris: Uris):
        self.model = model
        self.u = uris
        self.A = uris.asdh
        self.data = Triples()
        self.codelists = Triples()
        self.origins: dict[URIRef, Origin] = {}
        self.periods: dict[str, Period] = {}
        self.parts: dict[str, MappedSource] = {}
        self._period_cache: dict[str, tuple[Period, URIRef]] = {}
        self._concepts: dict[tuple[str, str], URIRef] = {}
        self._sources: dict[str, URIRef] = {}
        A = uris.asdh
        self._terms = SimpleNamespace(
            type=RDF.type, Observation=QB.Observation, dataSet=QB.dataSet, dataset=uris.dataset,
            refArea=A.refArea, refPeriod=A.refPeriod, periodKind=A.periodKind, programme=A.programme,
            targetGroup=A.targetGroup, indicator=A.indicator, obsValue=SDMX_MEASURE.obsValue,
            unitMeasure=SDMX_ATTRIBUTE.unitMeasure, approximate=A.approximate, precision=A.precision,
            sourceDocument=A.sourceDocument, sourceQuote=A.sourceQuote, identifier=DCTERMS.identifier,
            wasDerivedFrom=PROV.wasDerivedFrom, isReplacedBy=DCTERMS.isReplacedBy, true=Literal(True),
            false=Literal(False), changeNote=SKOS.changeNote)
        # the annotations' terms, made once: rdflib's Namespace makes a new URIRef at each
        # `OA.x`, and an observation's quotes are a dozen triples each
        self._oa = SimpleNamespace(**{name: OA[name] for name in (
            "Annotation", "motivatedBy", "describing", "hasBody", "hasTarget", "SpecificResource",
            "hasSource", "hasSelector", "TextQuoteSelector", "exact", "prefix", "suffix",
            "TextPositionSelector", "start", "end")}, type=RDF.type, nonNegativeInteger=XSD.nonNegativeInteger)
        kinds = model.schemes["period-kind"].concepts if "period-kind" in model.schemes else {}
        self._retired = {new: (old, fits) for new, (old, fits) in RETIRED_KINDS.items()
                         if old in kinds and kinds[old].deprecated and kinds[old].replaced_by == new}

    # -- code lists ----------------------------------------------------------------------
    def codelist_graph(self) -> None:
        g, u, A = self.codelists, self.u, self.A
        for sid, scheme in sorted(self.model.schemes.items()):
            s = u.scheme(sid)
            self.origins[s] = scheme.origin
            g.add((s, RDF.type, SKOS.ConceptScheme))
            add_labels(g, s, scheme.label, RDFS.label, SKOS.prefLabel, DCTERMS.title)
            add_labels(g, s, scheme.definition, SKOS.definition)
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
                add_labels(g, cu, dict(country["label"]))
                if "wikidata" in country:
                    g.add((cu, OWL.sameAs, u.wikidata(str(country["wikidata"]))))
            for code, c in scheme.concepts.items():
                cu = u.concept(sid, code)
                self.origins[cu] = c.origin
                g.add((cu, RDF.type, SKOS.Concept))
                g.add((cu, RDF.type, cls))
                g.add((cu, SKOS.inScheme, s))
                g.add((cu, SKOS.notation, Literal(code)))
                add_labels(g, cu, c.label)
                add_labels(g, cu, c.definition, SKOS.definition)
                for lang, alts in sorted(c.alt.items()):
                    for a in alts:
                        g.add((cu, SKOS.altLabel, Literal(a, lang=lang)))
                broader = c.broader or (str(country["iso"]) if country else None)
                if broader is None:
                    g.add((cu, SKOS.topConceptOf, s))
                    g.add((s, SKOS.hasTopConcept, cu))
                else:
                    g.add((cu, SKOS.broader, u.concept(sid, broader)))
                if c.deprecated:  # kept so that its URI resolves: marked, and pointing onwards
                    g.add((cu, OWL.deprecated, Literal(True)))
                    if c.replaced_by is not None:
                        g.add((cu, DCTERMS.isReplacedBy, u.concept(sid, c.replaced_by)))
                        g.add((u.concept(sid, c.replaced_by), DCTERMS.replaces, cu))
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
        elif sid == "unit":
            if x.get("kind") == "currency":
                g.add((cu, RDF.type, A.CurrencyUnit))
            for rel, units in sorted(x.get("qudt", {}).items()):  # QUDT units, e.g. unit:NUM
                for unit in (units if isinstance(units, list) else [units]):
                    prefix, _, local = unit.partition(":")
                    g.add((cu, MATCH_PROPERTIES[rel], URIRef(VOCABULARIES[prefix] + local)))
        elif sid == "organisation":
            g.add((cu, RDF.type, FOAF.Organization))
            g.add((cu, RDF.type, ORG.Organization))
            if "part_of" in x:
                g.add((cu, A.partOf, u.concept("organisation", str(x["part_of"]))))
            if "province" in x:
                g.add((cu, A.locatedIn, u.concept("province", str(x["province"]))))

    # -- periods -------------------------------------------------------------------------
    def period(self, p: Period | Unit) -> URIRef:
        hit = self._period_cache.get(p.notation)
        if hit is None:
            period = parse_period(p.notation) if isinstance(p, Unit) else p
            hit = self._period_cache[p.notation] = (period, self.u.period(period))
        self.periods.setdefault(p.notation, hit[0])
        return hit[1]

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
        add_labels(g, ds, info.title, RDFS.label, DCTERMS.title)
        add_labels(g, ds, info.description, DCTERMS.description)
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
        # the hot loop at national scale: terms are looked up once (`_terms`, `_concept`), not minted per fact
        add, T, concept = self.data.add, self._terms, self._concept
        o = self.u.fact(fact)
        self.origins[o] = fact.origin
        add((o, T.type, T.Observation))
        add((o, T.dataSet, T.dataset))
        add((o, T.refArea, concept("province", fact.province)))
        add((o, T.refPeriod, self.period(fact.period)))
        add((o, T.periodKind, concept("period-kind", fact.period_kind)))
        add((o, T.programme, concept("programme", fact.programme)))
        add((o, T.targetGroup, concept("target-group", fact.target_group)))
        add((o, T.indicator, concept("indicator", fact.indicator)))
        add((o, T.obsValue, number_literal(fact.value, unit_kinds[fact.unit])))
        add((o, T.unitMeasure, concept("unit", fact.unit)))
        add((o, T.approximate, T.true if fact.approximate else T.false))
        if fact.precision is not None:
            add((o, T.precision, number_literal(fact.precision, "decimal")))
        add((o, T.sourceDocument, self._source(fact.document)))
        add((o, T.wasDerivedFrom, self._source(fact.document)))
        for q in [fact.quote, *fact.also_quoted]:
            add((o, T.sourceQuote, Literal(q.quote, lang="tr")))
        add((o, T.identifier, Literal(f"{fact.document}#{fact.id}")))
        retired = self._retired.get(fact.period_kind)
        if retired is not None and retired[1](fact.period):
            key = fact.key
            add((self.u.observation((*key[:2], retired[0], *key[3:])), T.isReplacedBy, o))
        if fact.revision_note:  # why it differs from an earlier release (stages/changes.py)
            add((o, T.changeNote, Literal(fact.revision_note)))
        return o

    def annotations(self, o: URIRef, fact: Fact, text: str) -> None:
        """Each quote of an observation as a W3C Web Annotation whose target is the quoted span of
        the published text (`{base}sources/{doc}.txt`), selected by the quote with the text around
        it and by its position in Unicode code points (a Python str index), at its first
        occurrence (the check stage proved it occurs). The observation is the body: it describes,
        as data, what the span says."""
        add, u, W = self.data.add, self.u, self._oa
        source_text = u.source_text(fact.document)
        for n, q in enumerate([fact.quote, *fact.also_quoted], start=1):
            start = text.find(q.quote)
            if start < 0:  # pragma: no cover - the check stage reports it first
                continue
            end = start + len(q.quote)
            a, target = u.annotation(o, n), u.annotation(o, n, "target")
            by_quote, by_position = u.annotation(o, n, "text-quote"), u.annotation(o, n, "text-position")
            add((a, W.type, W.Annotation))
            add((a, W.motivatedBy, W.describing))
            add((a, W.hasBody, o))
            add((a, W.hasTarget, target))
            add((target, W.type, W.SpecificResource))
            add((target, W.hasSource, source_text))
            add((target, W.hasSelector, by_quote))
            add((target, W.hasSelector, by_position))
            add((by_quote, W.type, W.TextQuoteSelector))
            add((by_quote, W.exact, Literal(q.quote)))
            if start:
                add((by_quote, W.prefix, Literal(text[max(0, start - QUOTE_CONTEXT):start])))
            if end < len(text):
                add((by_quote, W.suffix, Literal(text[end:end + QUOTE_CONTEXT])))
            add((by_position, W.type, W.TextPositionSelector))
            add((by_position, W.start, Literal(start, datatype=W.nonNegativeInteger)))
            add((by_position, W.end, Literal(end, datatype=W.nonNegativeInteger)))

    def _concept(self, scheme: str, code: str) -> URIRef:
        key = (scheme, code)
        c = self._concepts.get(key)
        if c is None:
            c = self._concepts[key] = self.u.concept(scheme, code)
        return c

    def _source(self, doc_id: str) -> URIRef:
        s = self._sources.get(doc_id)
        if s is None:
            s = self._sources[doc_id] = self.u.source(doc_id)
        return s

    # -- documents and other resources ---------------------------------------------------
    def document(self, src: Source) -> None:
        g, u, A, d = self.data, self.u, self.A, src.document
        s = u.source(d.id)
        self.origins[s] = d.origin
        g.add((s, RDF.type, A.SourceDocument))
        g.add((s, RDF.type, FOAF.Document))
        add_labels(g, s, d.title, RDFS.label, DCTERMS.title)
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
            add_labels(g, s, labels, RDFS.label)
            g.add((s, A.facilityType, u.concept("facility-type", f.type)))
            g.add((s, A.privatelyOperated, Literal(f.privately_operated)))
            g.add((s, A.locatedIn, u.concept("province", f.province)))
            provenance(s, f.quote)
        facts = {f.id: f for f in src.facts}
        for p in src.projects:
            s = u.project(p.id)
            self.origins[s] = p.origin
            g.add((s, RDF.type, A.InvestmentProject))
            add_labels(g, s, p.name, RDFS.label)
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
            add_labels(g, s, r.label, RDFS.label)
            g.add((s, A.appliesTo, u.concept("programme", r.programme)))
            if r.valid_during is not None:
                g.add((s, A.validDuring, self.period(r.valid_during)))
            provenance(s, r.quote)
            for prm in r.parameters:
                pu = u.parameter(r.id, prm.role, prm.unit)
                self.origins[pu] = prm.origin
                g.add((s, A.parameter, pu))
                g.add((pu, RDF.type, A.RuleParameter))
                add_labels(g, pu, prm.label, RDFS.label)
                g.add((pu, A.parameterRole, A[prm.role]))
                g.add((pu, RDF.value, number_literal(prm.value, unit_kinds[prm.unit])))
                g.add((pu, SDMX_ATTRIBUTE.unitMeasure, u.concept("unit", prm.unit)))

    def source(self, src: Source, unit_kinds: dict[str, str]) -> MappedSource:
        """One source's document, observations and resources, apart from everything else."""
        saved = self.data, self.origins, self.periods
        self.data, self.origins, self.periods = Triples(), {}, {}
        try:
            self.document(src)
            obs = {f.id: self.observation(f, unit_kinds) for f in src.facts}
            for f in src.facts:
                self.annotations(obs[f.id], f, src.document.text)
            for f in src.facts:  # a total the source states as the sum of other figures
                for part in f.total_of:
                    self.data.add((obs[f.id], self.A.totalOf, obs[part]))
            self.resources(src, obs, unit_kinds)
            return MappedSource(self.data, self.origins, self.periods)
        finally:
            self.data, self.origins, self.periods = saved

    def run(self, progress=None, reuse=None) -> None:
        self.codelist_graph()
        self.structure()
        structure = len(self.data)
        unit_kinds = {c.code: c.extra.get("kind", "count") for c in self.model.schemes["unit"].concepts.values()}
        for src in self.model.sources:
            part = reuse(src) if reuse else None
            if part is None:
                part = self.source(src, unit_kinds)
            self.parts[src.document.id] = part
            self.data.extend(part.triples)
            self.origins.update(part.origins)
            self.periods.update(part.periods)
            if progress:
                progress()
        sourced = len(self.data)
        self.period_graph()
        self.shared = self.data[:structure] + self.data[sourced:]


def parse_ontology(text: str, uris: Uris) -> Graph:
    """Parse our Turtle (ontology or shapes), resolving its relative IRIs against the base."""
    parsed = Graph()
    parsed.parse(data=text, format="turtle", publicID=uris.base)
    g = Graph()  # blank nodes (OWL lists, SHACL property shapes) get stable, content-derived labels
    for t in to_canonical_graph(parsed):
        g.add(t)
    bind_prefixes(g, uris.base)
    return g


def map_model(model: Model, ontology_text: str, progress=None, reuse=None) -> Mapped:
    """Map the model; `progress`, if given, is called once per source mapped.

    `reuse(source)` may return a cached `MappedSource` for a source (incremental builds);
    the result's `sources` holds every source's part, to be cached."""
    uris = Uris(model.dataset.base_iri, model.dataset.id)
    m = _Mapper(model, uris)
    m.run(progress, reuse)  # it mints no blank nodes (tests/test_mapping.py)
    onto = parse_ontology(ontology_text, uris)
    mapped = Mapped(uris=uris, data=m.data, codelists=m.codelists, ontology=onto, origins=m.origins)
    mapped.sources, mapped.shared = m.parts, m.shared
    return mapped
