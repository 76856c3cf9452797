"""The fast path of the SHACL gate: the shapes' results in linear time, for large graphs.

pySHACL runs a SPARQL query per focus node (or per data set) in rdflib's engine and first
copies the data graph; that is fine for our few hundred observations and far too slow for
a national cube. This module gives exactly the results pySHACL gives with the full shapes
(focus node, path, value, source shape, severity and message), computed so:

- every shape whose work grows with the number of observations (`NATIVE`: IC-1, IC-11 …
  IC-21, ASDH-1 … ASDH-14) is evaluated here in Python: one scan per predicate builds an
  index, then one pass over the observations; IC-12 and IC-17 group the observations in a
  dict keyed by their dimension values, never by comparing pairs;
- the remaining shapes (structure definitions, slice keys, code lists, metadata), whose
  targets do not grow with the observations, are run by pySHACL itself, with the native
  shapes' targets removed from its copy of the shapes, on a reduced graph: without the
  observations' triples those shapes cannot read (`reduced_graph`; the argument is written
  out above `read_predicates`).

The data is read once, as triples (`index_triples`): an rdflib Graph, a pyoxigraph Store or
the mapper's own lists (`mapping.Mapped`), so the build never needs an rdflib graph of the
whole cube to validate it.

The shapes stay the source of truth: messages are read from them, and the tests run this
module and pySHACL on every fixture of the mutation corpus (tests/test_mutations.py) and on
the real data (tests/test_fastcheck.py) and require identical result sets. `validate_fast`
has the contract of `validate.validate_graph`; the build uses it.
"""

from __future__ import annotations

import calendar
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.paths import NegatedPath
from rdflib.paths import Path as PropertyPath
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Variable
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS, TIME, XSD, Namespace

from ..rdf.serialise import rdflib_term
from ..rdf.vocab import QB, SDMX_ATTRIBUTE, SDMX_MEASURE
from .mapping import Mapped
from ..model.records import Origin
from ..core.problems import Report
from .validate import Result, add_results, shacl_results, shape_names, short


_EMPTY: dict = {}
# terms the hot loops use, made once (a namespace attribute is a new URIRef at every access)
TYPE, OBSERVATION, DATASET_P = RDF.type, QB.Observation, QB.dataSet
CONCEPT, IN_SCHEME = SKOS.Concept, SKOS.inScheme
UNIT_MEASURE, OBS_VALUE = SDMX_ATTRIBUTE.unitMeasure, SDMX_MEASURE.obsValue
INTEGER, DECIMAL, BOOLEAN, DATE = XSD.integer, XSD.decimal, XSD.boolean, XSD.date
HAS_END, HAS_BEGINNING, IN_XSD_DATE = TIME.hasEnd, TIME.hasBeginning, TIME.inXSDDate
TARGETS = (SH.targetClass, SH.target, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf)
HIERARCHY_DEPTH = 6  # IC-20/21: steps from a hierarchy root, as in shapes/cube.ttl


def _greater(a, b) -> bool:
    """SPARQL's `a > b` as rdflib evaluates it; an error (incomparable terms) is false."""
    try:
        return bool(isinstance(a, Literal) and isinstance(b, Literal) and a > b)
    except TypeError:
        return False


# ASDH-12's FILTER in rdflib's three-valued logic: True, False, or None for an error (a date
# SPARQL cannot read). rdflib's `&&` goes left to right and the first false or error decides;
# `||` is true if any operand is, else an error if any is; `!` and `=` pass an error on.
def _and(*xs):
    for x in xs:
        if x is not True:
            return x
    return True


def _or(*xs):
    return True if True in xs else None if None in xs else False


def _not(x):
    return None if x is None else not x


def _eq(a, b):
    return None if a is None or b is None else a == b


def _part(d, name: str):
    """YEAR(d), MONTH(d), DAY(d): an error (None) for an unreadable or unbound date."""
    return getattr(d, name) if d else None


@lru_cache(maxsize=4096)  # few periods and kinds, however many observations
def period_misfits(k: str | None, begin, end) -> bool:
    """ASDH-12's FILTER for one beginning and end of an observation's period of kind `k` (the
    code after …/period-kind/). `end`: a date or None (unreadable); `begin`: the same, or False
    when the period has no beginning (unbound)."""
    if k not in ("total", "monthly-average", "stock", "year-total"):
        return False
    bound = begin is not False
    begin = begin or None
    by, bm, bd = (_part(begin, n) for n in ("year", "month", "day"))
    ey, em, ed = (_part(end, n) for n in ("year", "month", "day"))
    last = calendar.monthrange(ey, em)[1] if end else None  # BIND(… AS ?last): unbound if ?end errs
    if k == "stock":
        fits = _and(bound, _eq(by, ey), _eq(bm, em), _or(_eq(bd, ed), _and(_eq(bd, 1), _eq(ed, last))))
    elif k == "year-total":
        fits = _and(bound, _eq(by, ey), _eq(bm, 1), _eq(bd, 1), _eq(em, 12), _eq(ed, 31))
    else:
        fits = _and(bound, _eq(bd, 1), _eq(ed, last))
    return _not(fits) is True


def _msg(template: str, **bound) -> str:
    """Fill a sh:message template the way pySHACL does: {?var} → str(value)."""
    for var, val in bound.items():
        if val is not None:
            template = re.sub("{[?$]%s}" % var, str(val).replace("\\", r"\\"), template)
    return template


# The registry of native checks: shape id → the _Checker method that evaluates it. A method
# registers the shapes it evaluates with @evaluates; NATIVE, the shapes removed from pySHACL's
# copy, is derived from it, and a method can only report results of the shapes it registered.
CHECKS: dict[str, str] = {}


def evaluates(*idents: str):
    def register(method):
        for ident in idents:
            if ident in CHECKS:
                raise ValueError(f"{ident} is evaluated by both {CHECKS[ident]} and {method.__name__}")
            CHECKS[ident] = method.__name__
        method.idents = idents
        return method
    return register


def index_triples(triples) -> dict:
    """predicate → {subject: [objects]} in one pass; a triple given twice is indexed once."""
    index: dict = {}
    for s, p, o in triples:
        d = index.get(p)
        if d is None:
            d = index[p] = {}
        objects = d.get(s)
        if objects is None:
            d[s] = [o]
        elif o not in objects:  # per subject and predicate: a short list
            objects.append(o)
    return index


class _Checker:
    def __init__(self, index: dict, shapes: Graph):
        self.shapes = shapes
        self.names = shape_names(shapes)
        self.by_id = {ident: s for s, (ident, _n) in self.names.items() if not isinstance(s, BNode)}
        prefixes = {str(shapes.value(d, SH.prefix)): str(shapes.value(d, SH.namespace))
                    for d in shapes.objects(None, SH.declare)}
        self.structure = URIRef(prefixes["structure"])
        self.code = prefixes["code"]
        self.asdh = Namespace(prefixes["asdh"])
        self._total_of = self.asdh.totalOf
        self.out: list[Result] = []
        self.index = index        # predicate → {subject: [objects]}, no object twice
        self.inverse: dict = {}   # predicate → {object: [subjects]}, built from `index` when asked
        self.datasets = self.instances(QB.DataSet)
        self._dates: dict = {}    # (period, hasEnd|hasBeginning) → dates
        self.members: dict = defaultdict(list)
        for o, dss in self.of(QB.dataSet).items():
            for ds in dss:
                self.members[ds].append(o)

    # -- helpers ----------------------------------------------------------------------
    def template(self, ident: str, path=None) -> str:
        shape = self.by_id[ident]
        for sp in self.shapes.objects(shape, SH.sparql):
            return str(self.shapes.value(sp, SH.message))
        for ps in self.shapes.objects(shape, SH.property):
            if path is None or self.shapes.value(ps, SH.path) == path:
                return str(self.shapes.value(ps, SH.message))
        raise KeyError(ident)

    def add(self, ident, focus, path=None, value=None, **bound) -> None:
        if ident not in CHECKS:  # pragma: no cover - a check reporting a shape it did not register
            raise KeyError(f"{ident} is not registered as native (@evaluates)")
        _i, name = self.names[self.by_id[ident]]
        message = _msg(self.template(ident, path if ident in ("IC-1", "ASDH-1", "ASDH-9") else None),
                       this=focus, path=path, value=value, **bound)
        self.out.append(Result(ident, name, "Violation", short(focus), short(path), short(value), message))

    def of(self, p) -> dict:
        return self.index.get(p, _EMPTY)

    def subjects(self, p, o) -> list:
        d = self.inverse.get(p)
        if d is None:
            d = self.inverse[p] = defaultdict(list)
            for s, xs in self.of(p).items():
                for x in xs:
                    d[x].append(s)
        return d.get(o, [])

    def objs(self, s, p) -> list:
        return self.of(p).get(s, [])

    def instances(self, cls) -> list:
        """sh:targetClass: instances of `cls` or of its subclasses (rdfs:subClassOf* in the data)."""
        classes, todo = {cls}, [cls]
        while todo:
            for sub in self.subjects(RDFS.subClassOf, todo.pop()):
                if sub not in classes:
                    classes.add(sub)
                    todo.append(sub)
        return [s for s, types in self.of(RDF.type).items() if classes.intersection(types)]

    def a(self, s, cls) -> bool:
        return cls in self.of(TYPE).get(s, ())

    def dsds(self, ds):
        return self.objs(ds, QB.structure)

    def components(self, dsd):
        return self.objs(dsd, QB.component)

    def dims(self, dsd):
        return [d for c in self.components(dsd) for d in self.objs(c, QB.dimension)]

    def measures(self, dsd):
        return [m for c in self.components(dsd) for m in self.objs(c, QB.measure)]

    def has(self, s, p) -> bool:
        return s in self.of(p)

    # -- W3C integrity constraints ------------------------------------------------------
    @evaluates("IC-1")
    def ic1(self):
        datasets = self.of(DATASET_P)
        for o in self.instances(OBSERVATION):
            if len(datasets.get(o, ())) != 1:
                self.add("IC-1", o, DATASET_P)

    @evaluates("IC-11", "IC-12", "IC-13", "IC-14", "IC-15", "IC-16", "IC-17", "IC-18", "IC-19", "IC-20", "IC-21")
    def per_dataset(self):
        for ds in self.datasets:
            obs = self.members.get(ds, [])
            for dsd in self.dsds(ds):
                dims = self.dims(dsd)
                measure_dim = QB.measureType in dims
                for path in dims:  # IC-11
                    has = self.of(path)
                    for o in obs:
                        if o not in has:
                            self.add("IC-11", ds, path, o)
                for c in self.components(dsd):  # IC-13
                    if Literal(True) in self.objs(c, QB.componentRequired):
                        for path in self.objs(c, QB.attribute):
                            has = self.of(path)
                            for o in obs:
                                if o not in has:
                                    self.add("IC-13", ds, path, o)
                measures = self.measures(dsd)
                if not measure_dim:  # IC-14
                    for path in measures:
                        has = self.of(path)
                        for o in obs:
                            if o not in has:
                                self.add("IC-14", ds, path, o)
                else:
                    for o in obs:
                        for mt in self.objs(o, QB.measureType):
                            for path in measures:  # IC-16
                                if path != mt and self.has(o, path):
                                    self.add("IC-16", ds, path, o, measure=mt)
                self.codes(ds, dsd, obs)
            if any(QB.measureType in self.dims(dsd) for dsd in self.dsds(ds)):  # IC-15
                for o in obs:
                    for mt in self.objs(o, QB.measureType):
                        if not self.has(o, mt):
                            self.add("IC-15", ds, mt, o)
            self.ic12_17(ds, obs)
            for sl in self.objs(ds, QB.slice):  # IC-18
                for o in self.objs(sl, QB.observation):
                    if ds not in self.objs(o, QB.dataSet):
                        self.add("IC-18", ds, None, o, slice=sl)

    def ic12_17(self, ds, obs):
        dsds = self.dsds(ds)
        dims = [d for dsd in dsds for d in self.dims(dsd)]
        groups: dict = defaultdict(list)
        values = [(d, self.of(d)) for d in dims]
        for o in obs:
            key = frozenset((d, v) for d, m in values for v in m.get(o, ()))
            if key:
                groups[key].append(o)
        for members in groups.values():
            if len(members) > 1:
                self.add("IC-12", ds, None, URIRef(min(str(o) for o in members)), n=len(members))
        with_type = [dsd for dsd in dsds if QB.measureType in self.dims(dsd)]
        if not with_type:
            return
        m = len({x for dsd in with_type for x in self.measures(dsd)})
        other = [d for dsd in with_type for d in self.dims(dsd) if d != QB.measureType]
        groups = defaultdict(list)
        values = [(d, self.of(d)) for d in other]
        for o in obs:
            key = frozenset((d, v) for d, m in values for v in m.get(o, ()))
            if key:
                groups[key].append(o)
        for members in groups.values():
            if len(members) != m:
                self.add("IC-17", ds, None, URIRef(min(str(o) for o in members)), n=len(members), m=m)

    def codes(self, ds, dsd, obs):
        types_of = self.of(TYPE)
        for path in self.dims(dsd):
            values = self.of(path)
            for lst in self.objs(path, QB.codeList):
                types = set(self.objs(lst, TYPE))
                scheme, collection = SKOS.ConceptScheme in types, SKOS.Collection in types
                hierarchy = QB.HierarchicalCodeList in types
                reach20, reach21 = self.reachable(lst) if hierarchy else (None, None)
                members = self.members_of(lst) if collection else set()
                verdicts: dict = {}  # code → the shapes it fails, worked out once per code
                for o in obs:
                    for code in values.get(o, ()):
                        fails = verdicts.get(code)
                        if fails is None:
                            concept = CONCEPT in types_of.get(code, ())
                            fails = verdicts[code] = [ident for ident, bad in (
                                ("IC-19", scheme and not (concept and lst in self.objs(code, IN_SCHEME))),
                                ("IC-19", collection and not (concept and code in members)),
                                ("IC-20", reach20 is not None and code not in reach20),
                                ("IC-21", reach21 is not None and code not in reach21)) if bad]
                        for ident in fails:
                            self.add(ident, ds, path, o, code=code)

    def members_of(self, lst) -> set:
        seen, todo = set(), [lst]
        while todo:
            for m in self.objs(todo.pop(), SKOS.member):
                if m not in seen:
                    seen.add(m)
                    todo.append(m)
        return seen

    def reachable(self, lst):
        """Codes within HIERARCHY_DEPTH steps of a root: (IC-20 set or None, IC-21 set or None)."""
        roots = set(self.objs(lst, QB.hierarchyRoot))
        out = [None, None]
        for pcp in self.objs(lst, QB.parentChildProperty):
            if isinstance(pcp, URIRef):
                step, slot = (lambda n, p=pcp: self.objs(n, p)), 0
            elif isinstance(pcp, BNode) and self.has(pcp, OWL.inverseOf):
                step, slot = (lambda n, p=self.objs(pcp, OWL.inverseOf)[0]: self.subjects(p, n)), 1
            else:
                continue
            seen, frontier = set(roots), set(roots)
            for _ in range(HIERARCHY_DEPTH):
                frontier = {c for n in frontier for c in step(n)} - seen
                seen |= frontier
            out[slot] = (out[slot] or set()) | seen
        return out[0], out[1]

    # -- our domain rules ---------------------------------------------------------------------
    @evaluates("ASDH-1", "ASDH-2", "ASDH-3", "ASDH-4", "ASDH-5", "ASDH-6", "ASDH-7", "ASDH-8", "ASDH-12",
               "ASDH-13", "ASDH-14")
    def ours(self):
        A, of = self.asdh, self.of
        asdh1 = [(p, of(p)) for p in (self.shapes.value(ps, SH.path)
                                      for ps in self.shapes.objects(self.by_id["ASDH-1"], SH.property))]
        try_unit = URIRef(self.code + "unit/TRY")
        unit_scheme = URIRef(self.code + "unit")
        kinds = self.code + "period-kind/"
        types = of(TYPE)
        currency_unit, source_document = A.CurrencyUnit, A.SourceDocument
        units_of, values_of, precision_of = of(UNIT_MEASURE), of(OBS_VALUE), of(A.precision)
        periods_of, kinds_of = of(A.refPeriod), of(A.periodKind)

        def memo(good):  # for terms shared by many observations (units, documents): decide once
            seen: dict = {}

            def check(x):
                ok = seen.get(x)
                if ok is None:
                    ok = seen[x] = good(x)
                return ok
            return check

        checks = (
            ("ASDH-4", units_of,
             memo(lambda x: CONCEPT in types.get(x, ()) and unit_scheme in self.objs(x, IN_SCHEME))),
            ("ASDH-5", of(A.sourceDocument), memo(lambda x: source_document in types.get(x, ()))),
            ("ASDH-6", of(A.sourceQuote),
             lambda x: isinstance(x, Literal) and x.language == "tr" and len(str(x)) > 0),
            ("ASDH-7", of(A.approximate), lambda x: isinstance(x, Literal) and x.datatype == BOOLEAN),
        )
        for ds in self.subjects(QB.structure, self.structure):
            for o in self.members.get(ds, []):
                for p, m in asdh1:
                    if len(m.get(o, ())) > 1:
                        self.add("ASDH-1", o, p)
                units = units_of.get(o, ())
                values = values_of.get(o, ())
                for unit in units:
                    currency = currency_unit in types.get(unit, ())
                    for v in values:
                        if not isinstance(v, Literal):
                            continue
                        dt = v.datatype
                        num = v.value if dt in (INTEGER, DECIMAL) else None
                        if currency:
                            if dt != DECIMAL or (num is not None and num < 0) or unit != try_unit:
                                self.add("ASDH-3", ds, None, o, unit=unit, v=v)
                        elif dt != INTEGER or (num is not None and num < 0):
                            self.add("ASDH-2", ds, None, o, unit=unit, v=v)
                for ident, m, good in checks:
                    xs = m.get(o, ())
                    if not xs or not all(good(x) for x in xs):
                        self.add(ident, ds, None, o)
                for prec in precision_of.get(o, ()):
                    for v in values:
                        if not self._precision_ok(prec, v):
                            self.add("ASDH-8", ds, None, o, p=prec, v=v)
                for period in periods_of.get(o, ()):
                    for kind in kinds_of.get(o, ()):
                        self.period_kind(ds, o, period, kind, kinds)
                self.total(ds, o)

    @staticmethod
    def _precision_ok(prec, v) -> bool:
        if not isinstance(prec, Literal) or prec.datatype != XSD.decimal:
            return False
        p = prec.value
        if p is None or p <= 0:
            return p is None  # an ill-typed literal makes the SPARQL filter an error: no result
        num = v.value if isinstance(v, Literal) else None
        if not isinstance(num, (int, Decimal)):
            return True
        q = Decimal(num) / p
        return q == q.to_integral_value(rounding="ROUND_FLOOR")

    def dates(self, period, pred) -> list:
        """The dates of a period's instants; None for a value SPARQL's YEAR() etc. would reject."""
        key = (period, pred)
        out = self._dates.get(key)
        if out is None:
            out = self._dates[key] = [
                d.value if isinstance(d, Literal) and d.datatype == DATE and not d.ill_typed else None
                for i in self.objs(period, pred) for d in self.objs(i, IN_XSD_DATE)]
        return out

    def period_kind(self, ds, o, period, kind, kinds):
        k = str(kind)[len(kinds):] if str(kind).startswith(kinds) else None
        ends = self.dates(period, HAS_END)
        begins = self.dates(period, HAS_BEGINNING) or [False]  # False: no beginning (unbound)
        for end in ends:
            for begin in begins:
                if period_misfits(k, begin, end):
                    self.add("ASDH-12", ds, None, o, period=period, kind=kind)
        if k != "cumulative":
            return
        for doc in self.objs(o, self.asdh.sourceDocument):
            for asof in self.objs(doc, self.asdh.asOf):
                for end in ends:
                    for aend in self.dates(asof, HAS_END):
                        for abegin in self.dates(asof, HAS_BEGINNING) or [False]:
                            if end is None or aend is None or abegin is None:
                                continue
                            if end < (abegin or aend) or end.year != aend.year:
                                self.add("ASDH-13", ds, None, o, period=period, asof=asof)

    @evaluates("ASDH-9", "ASDH-10", "ASDH-11")
    def periods(self):
        """ASDH-9, ASDH-10, ASDH-11 over the reference periods (few, however many observations)."""
        periods = {p for ps in self.of(self.asdh.refPeriod).values() for p in ps}
        instants = set()
        for period in periods:
            ends, begins = self.objs(period, TIME.hasEnd), self.objs(period, TIME.hasBeginning)
            if len(ends) != 1:
                self.add("ASDH-9", period, TIME.hasEnd)
            if len(begins) > 1:
                self.add("ASDH-9", period, TIME.hasBeginning)
            instants.update(ends, begins)
            for b in (d for i in begins for d in self.objs(i, TIME.inXSDDate)):
                for e in (d for i in ends for d in self.objs(i, TIME.inXSDDate)):
                    if _greater(b, e):
                        self.add("ASDH-11", period, None, b, end=e)
        for i in instants:
            dates = self.objs(i, TIME.inXSDDate)
            if len(dates) != 1:
                self.add("ASDH-10", i, TIME.inXSDDate)
            for d in dates:
                if not (isinstance(d, Literal) and d.datatype == XSD.date and not d.ill_typed):
                    self.add("ASDH-10", i, TIME.inXSDDate, d)

    def total(self, ds, o):
        parts = self.objs(o, self._total_of)
        if not parts:
            return
        part_values = [v for p in parts for v in self.objs(p, SDMX_MEASURE.obsValue)]
        numbers = (int, Decimal)
        if not part_values or not all(isinstance(v, Literal) and isinstance(v.value, numbers) for v in part_values):
            return  # SUM over a non-number is an error in SPARQL: no result
        total_sum = sum((v.value for v in part_values), 0)
        for total in self.objs(o, SDMX_MEASURE.obsValue):
            if isinstance(total, Literal) and isinstance(total.value, numbers) and total.value != total_sum:
                self.add("ASDH-14", ds, None, o, total=total, sum=Literal(total_sum))

    def run(self) -> list[Result]:
        for method in dict.fromkeys(CHECKS.values()):  # each registered method once, in order
            getattr(self, method)()
        return self.out


NATIVE = tuple(CHECKS)  # the shapes evaluated here; pySHACL runs the others


def _store_triples(store):
    """The default graph of a pyoxigraph Store, as rdflib triples."""
    for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        yield rdflib_term(q.subject), rdflib_term(q.predicate), rdflib_term(q.object)


def triples_of(data):
    """Every triple of `data`: an rdflib Graph, a `mapping.Mapped` (its triple lists, no graph
    built; a triple may come twice) or a pyoxigraph Store (its default graph)."""
    if isinstance(data, Graph):
        return iter(data)
    if isinstance(data, Mapped):
        return data.triples()
    return _store_triples(data)


# -- the graph pySHACL sees -------------------------------------------------------------------
#
# pySHACL runs only the shapes that are not NATIVE (IC-2 … IC-10: structure definitions and
# slices; ASDH-15 … ASDH-20: code lists, source documents, data set and ontology metadata).
# None of them is about observations or their quotes' Web Annotations, so it is given a
# REDUCED graph: everything except, for each *plain subject* — one whose every rdf:type is
# outside READ (below) and has no rdfs:subClassOf in the data: a qb:Observation, an
# oa:Annotation, its oa:SpecificResource and selectors — its triples whose predicate no
# non-native shape reads. Its rdf:type triples stay — unless it is *hidden* (point 5): then
# none of its triples stays. At national scale that drops every triple of an observation and
# of its annotation, and pySHACL sees the code lists, the structure, the documents and the
# periods only: a graph that does not grow with the observations. (Points 1–4 below are
# written for an observation; they hold word for word for any plain subject, its types
# standing for qb:Observation.)
#
# Why the results cannot change — the shapes checked one by one (shapes/cube.ttl, asdh.ttl):
#
# 1. READ, the predicates kept for every subject, is computed from the shapes themselves
#    (`read_predicates`): rdf:type and rdfs:subClassOf (pySHACL's sh:targetClass and sh:class
#    follow rdf:type/rdfs:subClassOf* in the data), every IRI in the non-native shapes (their
#    sh:path, sh:class, sh:targetSubjectsOf/ObjectsOf objects … anything reachable from the
#    shape in the shapes graph, targets included) and every IRI of their SPARQL (constraints
#    and SPARQL targets, parsed by rdflib's SPARQL parser, property paths included). Today:
#    qb:structure, qb:component, qb:dimension, qb:measure, qb:attribute, qb:componentProperty,
#    qb:componentRequired, qb:codeList, qb:sliceKey, qb:sliceStructure, rdfs:range, skos:inScheme,
#    skos:prefLabel, asdh:plateCode/isoCode/nutsCode/asOf, dct:title/description/publisher/
#    license/issued, dcat:keyword, owl:versionInfo/versionIRI. None of the predicates our
#    observations carry (qb:dataSet, the six dimensions, obsValue, unitMeasure, approximate,
#    precision, sourceDocument, sourceQuote, dct:identifier, totalOf) is among them.
# 2. Every triple pattern and path step with a fixed predicate p ∈ READ matches the same triples
#    in both graphs, whatever its subject (an observation, a node reached from a focus node, a
#    ?dsd found by IC-8's `?dsd qb:sliceKey $this`, OurDataSets' `?this qb:structure structure:`):
#    the reduction removes no triple with a predicate in READ. So every target (sh:targetClass,
#    the SPARQL targets OurDataSets, OurConcepts and ASDH-20's owl:Ontology, sh:targetNode),
#    every sh:path value, every sh:class test and every SPARQL pattern with IRI predicates
#    gives the same solutions on the reduced graph.
# 3. The one pattern with a variable predicate is IC-10's `FILTER NOT EXISTS { $this ?path [] }`:
#    its subject is the focus node, an instance of qb:Slice (sh:targetClass). A plain
#    observation is an instance of qb:Observation alone — provided qb:Observation has no
#    rdfs:subClassOf in the data (else nothing is reduced) — and qb:Observation is not in READ
#    (no non-native shape targets it, else nothing is reduced), so it is never such a focus node
#    and its triples are never read there. `read_predicates` checks this condition for every
#    variable predicate (and negated property path, and sh:closed) it finds: unless the subject
#    is $this in a shape targeted by sh:targetClass only, nothing is reduced at all.
# 4. What READ cannot see disables the reduction too: a query rdflib cannot parse, custom
#    constraint components (sh:parameter: their validators hang off the component, not the
#    shape) and SHACL rules (sh:rule). Shapes that are classes (implicit class targets) are
#    walked like targeted shapes. None of these occurs in our shapes today.
# 5. A plain subject's rdf:type triples go too when it is *hidden*: its IRI is not in READ
#    (no sh:targetNode, sh:hasValue, SPARQL text … names it), it is the subject of no other
#    kept triple (every triple of it with a predicate in READ is an rdf:type triple) and the
#    object of no kept triple (nor of any rdf:type triple). Then, in the reduced graph, the
#    subject occurs in its rdf:type triples only, and those can be matched only by a pattern
#    whose predicate is rdf:type and whose subject is not bound by another pattern (a bound
#    subject was reached over another triple of it, of which there is none): with an IRI as
#    object, that object would be in READ, and the subject's types are outside READ — no
#    match; with a variable or a path as object (`?x a ?t`, `?x rdf:type/rdfs:subClassOf* ?c`),
#    or a path through rdf:type (`sh:path rdf:type`, `^rdf:type`), or rdf:type as the object
#    of sh:targetSubjectsOf/ObjectsOf, every typed subject could be read: `read_predicates`
#    notes any of these (`Reading.types_anywhere`) and then no subject is hidden. Targets:
#    sh:targetClass names a class in READ (a hidden subject's types are not, and have no
#    superclass); a shape that is itself a class (implicit class target) has its IRI in READ
#    too; sh:targetNode names the node (in READ); sh:targetSubjectsOf/ObjectsOf P need a kept
#    P triple of the node; SPARQL targets are patterns as above. Every value node is reached
#    from a focus node over kept triples, which a hidden subject is in none of. None of our
#    shapes reads rdf:type that way.
#
# tests/test_mutations.py (53 planted faults) and tests/test_fastcheck.py run this very
# reduction (fast_results on a Graph reduces it too) and compare with pySHACL on the full graph.


def _select_texts(shapes: Graph, node) -> list:
    return [str(t) for t in shapes.objects(node, SH.select)] + [str(t) for t in shapes.objects(node, SH.ask)]


@dataclass(frozen=True)
class Reading:
    """What the non-native shapes can read (see above): `predicates` is READ; `types_anywhere`
    is true when a shape may read rdf:type triples of subjects it reaches over no other triple
    (a variable or a path as the object of rdf:type, a path through rdf:type, rdf:type as the
    object of sh:targetSubjectsOf/ObjectsOf): then no subject is hidden (point 5)."""

    predicates: frozenset
    types_anywhere: bool


def _mentions_type(node) -> bool:
    """Whether rdf:type occurs anywhere in a property path (rdflib's path objects)."""
    if node == RDF.type:
        return True
    if isinstance(node, PropertyPath):
        return any(_mentions_type(v) for v in vars(node).values())
    if isinstance(node, (list, tuple)):
        return any(_mentions_type(v) for v in node)
    return False


def read_predicates(shapes: Graph, rest: Graph) -> Reading | None:
    """READ (see above) for the shapes `rest` still targets; None where reduction is unsafe."""
    prefixes = {str(shapes.value(d, SH.prefix)): str(shapes.value(d, SH.namespace))
                for d in shapes.objects(None, SH.declare)}
    if any(True for _ in rest.subjects(SH.parameter, None)) or any(True for _ in rest.subjects(SH.rule, None)):
        return None  # custom constraint components or rules: what they read is not in the shapes we walk
    targeted = {s for t in TARGETS for s in rest.subjects(t, None)}
    implicit = {s for cls in (RDFS.Class, OWL.Class) for s in rest.subjects(RDF.type, cls)}  # a shape that is a class
    targeted |= implicit
    read = {RDF.type, RDFS.subClassOf} | {s for s in implicit if isinstance(s, URIRef)}
    unsafe = False
    types_anywhere = any(True for t in (SH.targetSubjectsOf, SH.targetObjectsOf)
                         for _ in rest.subjects(t, RDF.type))

    def visit(node, class_targets_only):
        nonlocal unsafe, types_anywhere
        if isinstance(node, URIRef):
            read.add(node)
        elif isinstance(node, PropertyPath):
            if isinstance(node, NegatedPath):
                unsafe = True
            types_anywhere = types_anywhere or _mentions_type(node)
            for v in vars(node).values():
                visit(v, class_targets_only)
        elif isinstance(node, CompValue):
            for key, v in node.items():
                if key == "triples":
                    for t in v:
                        if isinstance(t[1], Variable) and not (t[0] == Variable("this") and class_targets_only):
                            unsafe = True
                        if t[1] == RDF.type and not isinstance(t[2], URIRef):
                            types_anywhere = True
                visit(v, class_targets_only)
        elif isinstance(node, (list, tuple, set, frozenset)):
            for v in node:
                visit(v, class_targets_only)
        elif isinstance(node, dict):
            for v in node.values():
                visit(v, class_targets_only)

    for shape in targeted:
        kinds = set(rest.predicates(shape, None)) & set(TARGETS) | ({SH.targetClass} if shape in implicit else set())
        class_only = kinds == {SH.targetClass}
        seen, todo = {shape}, [shape]
        while todo:  # everything reachable from the shape in the shapes graph
            node = todo.pop()
            if (node, SH.closed, Literal(True)) in rest:
                unsafe = unsafe or not class_only
            for text in _select_texts(rest, node):
                try:
                    query = prepareQuery(text, initNs=prefixes)
                except Exception:  # noqa: BLE001 - a query rdflib cannot parse: we cannot know what it reads
                    return None
                visit(query.algebra, class_only)
            for path in rest.objects(node, SH.path):  # `sh:path rdf:type` reads a reached node's types: fine;
                if path != RDF.type and _path_mentions_type(rest, path):  # a path through it may not be
                    types_anywhere = True
            for o in rest.objects(node, None):
                if isinstance(o, URIRef):
                    read.add(o)
                if o not in seen and not isinstance(o, Literal):
                    seen.add(o)
                    todo.append(o)
    return None if unsafe or QB.Observation in read else Reading(frozenset(read), types_anywhere)


def _path_mentions_type(shapes: Graph, path) -> bool:
    """Whether a SHACL path node (an IRI, or a blank node of sh:inversePath, an RDF list …)
    reaches rdf:type in the shapes graph."""
    seen, todo = set(), [path]
    while todo:
        node = todo.pop()
        if node == RDF.type:
            return True
        if node in seen or isinstance(node, (URIRef, Literal)):
            continue
        seen.add(node)
        todo.extend(shapes.objects(node, None))
    return False


def reduced_graph(index: dict, reading: Reading | None) -> Graph:
    """The graph pySHACL checks: all of `index` but the plain subjects' triples outside READ
    and the hidden subjects' triples (see above); all of it when `reading` is None.

    Set operations on the index's keys pick the subjects, so that the loops in Python run
    over the triples kept, not over every triple."""
    g = Graph()
    add = g.store.add  # our terms are valid: skip rdflib's checks
    types = index.get(RDF.type, _EMPTY)
    plain: set = set()
    hidden: set = set()
    read = reading.predicates if reading is not None else None
    if read is not None:
        subclassed = index.get(RDFS.subClassOf, _EMPTY)
        named = {t for ts in types.values() for t in ts}  # every type
        inside = {t for t in named if t in read or t in subclassed}
        plain = {s for s, ts in types.items() if inside.isdisjoint(ts)}
        if not reading.types_anywhere:
            hidden = plain - read
            hidden -= named  # a type named by a type triple: never hidden
            for p, d in index.items():
                if p == TYPE:
                    continue
                if p in read:  # kept for every subject: its subjects and objects are not hidden
                    hidden -= d.keys()
                    for objects in d.values():
                        hidden.difference_update(objects)
                else:  # kept for the subjects that are not plain: their objects are not hidden
                    for s in set(d).difference(plain):  # (keys() - plain would iterate all of plain)
                        hidden.difference_update(d[s])
    for p, d in index.items():
        if read is None or p in read:
            subjects = set(d).difference(hidden) if hidden else d.keys()
        else:
            subjects = set(d).difference(plain)  # hidden subjects are plain
        for s in subjects:
            for o in d[s]:
                add((s, p, o), g)
    return g


def fast_results(data, shapes: Graph) -> list[Result]:
    """The results pySHACL gives with the full shapes, in linear time (see the module doc).

    `data` is an rdflib Graph, a `mapping.Mapped` or a pyoxigraph Store; none of them is
    copied into an rdflib graph of every triple: the native shapes read an index built in one
    pass, pySHACL reads the reduced graph (above)."""
    checker = _Checker(index_triples(triples_of(data)), shapes)
    found = checker.run()
    rest = Graph()
    rest += shapes
    for ident in NATIVE:
        for t in TARGETS:
            rest.remove((checker.by_id[ident], t, None))
    reduced = reduced_graph(checker.index, read_predicates(shapes, rest))
    del checker
    found += shacl_results(reduced, rest, inplace=True)
    return sorted(set(found))


def validate_fast(data, shapes: Graph, origins: dict[URIRef, Origin] | None = None,
                  report: Report | None = None) -> Report:
    """`validate.validate_graph`, fast: same results, same problems, linear in the observations.

    `data` is an rdflib Graph, a `mapping.Mapped` (read from its triple lists: no graph of
    every triple is built) or a pyoxigraph Store (its default graph); `shapes` comes from
    `validate.load_shapes`; `origins` maps our nodes to their YAML file and line.
    """
    report = report if report is not None else Report()
    return add_results(fast_results(data, shapes), origins, report)


__all__ = ["CHECKS", "NATIVE", "Reading", "evaluates", "fast_results", "read_predicates", "reduced_graph",
           "validate_fast"]
