"""Releases and their change logs, as data. No I/O.

An *edition* is what a set of triples says about each observation and each code-list concept
(`edition`); the *change log* between two editions lists the observations added, removed and
revised (every attribute that changed, with its old and new values, and the curator's
`revision_note`, published as `skos:changeNote`) and the concepts added, removed and changed
(`compare`). A change log is published as RDF with PROV-O (`changelog_graph`, read back by
`read_changelog`), as CSV (`csv_bytes`) and as lines for people (`text_lines`).

A `Release` is one frozen folder `releases/{version}/` of the site: its metadata and its files'
bytes, as the build found (or made) them.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS, XSD

from ..rdf.uris import Uris
from ..rdf.vocab import QB, SDMX_MEASURE, bind_prefixes
from .mapping import DIMENSIONS

VERSION = re.compile(r"^(\d{4})\.([1-9]\d{0,3})$")  # YYYY.N, e.g. 2026.1


def version_key(version: str) -> tuple[int, int]:
    """Releases in order: 2026.2 < 2026.10 < 2027.1. ValueError for a malformed version."""
    m = VERSION.match(version)
    if not m:
        raise ValueError(f"'{version}' is not a release version: write YYYY.N, e.g. 2026.1")
    return int(m.group(1)), int(m.group(2))


def is_version(text: str) -> bool:
    return VERSION.match(text) is not None


# what identifies an observation rather than describing it: its IRI is a function of its
# dimensions (uris.observation), so they are never "changed", and the note is not an attribute
_NOT_ATTRIBUTES = {str(RDF.type), str(QB.dataSet), str(SKOS.changeNote)}
OBS_VALUE = str(SDMX_MEASURE.obsValue)


@dataclass
class Edition:
    """What one edition says: observation IRI → {property IRI: its objects, sorted}; concept
    IRI → the same; observation IRI → its revision note."""

    observations: dict[str, dict[str, tuple]] = field(default_factory=dict)
    concepts: dict[str, dict[str, tuple]] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)


def _group(triples: Iterable, subjects: set[str]) -> dict[str, dict[str, tuple]]:
    out: dict[str, dict[str, set]] = {}
    for s, p, o in triples:
        if str(s) in subjects:
            out.setdefault(str(s), {}).setdefault(str(p), set()).add(o)
    return {s: {p: tuple(sorted(os, key=_term_key)) for p, os in sorted(props.items())}
            for s, props in sorted(out.items())}


def _term_key(t) -> tuple:
    return (type(t).__name__, str(t), getattr(t, "language", None) or "", str(getattr(t, "datatype", None) or ""))


def edition(data: Iterable, codelists: Iterable, uris: Uris) -> Edition:
    """The observations (subjects typed qb:Observation in `data`) and concepts (typed
    skos:Concept in `codelists`) of an edition, from its triples (rdflib terms)."""
    data, codelists = list(data), list(codelists)
    dims = {str(uris.asdh[d]) for d in DIMENSIONS}
    obs = {str(s) for s, p, o in data if p == RDF.type and o == QB.Observation}
    concepts = {str(s) for s, p, o in codelists if p == RDF.type and o == SKOS.Concept}
    observations = _group(data, obs)
    notes = {s: str(props[str(SKOS.changeNote)][0]) for s, props in observations.items()
             if str(SKOS.changeNote) in props}
    observations = {s: {p: v for p, v in props.items() if p not in _NOT_ATTRIBUTES and p not in dims}
                    for s, props in observations.items()}
    return Edition(observations, _group(codelists, concepts), notes)


@dataclass(frozen=True)
class PropertyChange:
    property: str   # IRI
    old: tuple      # its objects before (rdflib terms), () when it had none
    new: tuple      # and after


@dataclass(frozen=True)
class Change:
    kind: str       # "added" | "removed" | "revised" (observations) or "changed" (concepts)
    subject: str    # "observation" | "concept"
    iri: str
    properties: tuple[PropertyChange, ...] = ()  # revised/changed: what changed; added/removed: the value (or labels)
    note: str = ""

    @property
    def old_value(self) -> str:
        return _values(self, "old", OBS_VALUE if self.subject == "observation" else str(SKOS.prefLabel))

    @property
    def new_value(self) -> str:
        return _values(self, "new", OBS_VALUE if self.subject == "observation" else str(SKOS.prefLabel))

    @property
    def others(self) -> tuple[PropertyChange, ...]:
        """The changed properties besides the value (observations) or nothing (added/removed)."""
        if self.kind in ("added", "removed"):
            return ()
        key = OBS_VALUE if self.subject == "observation" else None
        return tuple(pc for pc in self.properties if pc.property != key)


def _values(c: Change, side: str, prop: str) -> str:
    for pc in c.properties:
        if pc.property == prop:
            return " | ".join(_show(t) for t in getattr(pc, side))
    return ""


def _show(t) -> str:
    return f"{t}@{t.language}" if isinstance(t, Literal) and t.language else str(t)


KIND_ORDER = {"revised": 0, "changed": 0, "removed": 1, "added": 2}


@dataclass
class ChangeLog:
    """The changes from release `previous` (None: none before) to `version` ("" for the working data)."""

    version: str
    previous: str | None
    changes: list[Change] = field(default_factory=list)

    def count(self, subject: str, kind: str) -> int:
        return sum(1 for c in self.changes if c.subject == subject and c.kind == kind)

    def summary(self) -> str:
        obs = ", ".join(f"{self.count('observation', k)} {k}" for k in ("revised", "removed", "added"))
        con = ", ".join(f"{self.count('concept', k)} {k}" for k in ("changed", "removed", "added"))
        return f"observations: {obs}; code-list concepts: {con}"


def _sorted(changes: list[Change]) -> list[Change]:
    return sorted(changes, key=lambda c: (c.subject != "observation", KIND_ORDER[c.kind], c.iri))


def compare(old: Edition, new: Edition, version: str, previous: str | None) -> ChangeLog:
    """The change log from edition `old` (release `previous`) to edition `new` (`version`)."""
    changes: list[Change] = []
    for subject, a, b, changed in (("observation", old.observations, new.observations, "revised"),
                                   ("concept", old.concepts, new.concepts, "changed")):
        shown = OBS_VALUE if subject == "observation" else str(SKOS.prefLabel)
        for iri in sorted(a.keys() | b.keys()):
            if iri not in a:
                changes.append(Change("added", subject, iri, _shown(b[iri], shown, new=True),
                                      new.notes.get(iri, "") if subject == "observation" else ""))
            elif iri not in b:
                changes.append(Change("removed", subject, iri, _shown(a[iri], shown, new=False)))
            else:
                diff = tuple(PropertyChange(p, a[iri].get(p, ()), b[iri].get(p, ()))
                             for p in sorted(a[iri].keys() | b[iri].keys())
                             if _n3s(a[iri].get(p, ())) != _n3s(b[iri].get(p, ())))
                if diff:
                    changes.append(Change(changed, subject, iri, diff,
                                          new.notes.get(iri, "") if subject == "observation" else ""))
    return ChangeLog(version, previous, _sorted(changes))


def _n3s(terms: tuple) -> tuple[str, ...]:
    return tuple(t.n3() for t in terms)


def _shown(props: dict[str, tuple], prop: str, new: bool) -> tuple[PropertyChange, ...]:
    values = props.get(prop, ())
    return (PropertyChange(prop, () if new else values, values if new else ()),) if values else ()


# -- the change log as RDF (PROV-O) -----------------------------------------------------------
def _class(uris: Uris, c: Change) -> URIRef:
    name = {"observation": "Observation", "concept": "Concept"}[c.subject]
    return uris.asdh[c.kind.capitalize() + name]  # asdh:RevisedObservation, asdh:AddedConcept, …


def _instant(d: date) -> Literal:
    return Literal(f"{d.isoformat()}T00:00:00Z", datatype=XSD.dateTime)


def changelog_graph(log: ChangeLog, uris: Uris, issued: date) -> Graph:
    """The change log of release `log.version` as PROV-O: a `prov:Collection` whose members are
    the changed resources as published in a release (`uris.release_entity`), each a
    `prov:specializationOf` the resource. A revised observation's new version is a
    `prov:wasRevisionOf` its version in the previous release, which was invalidated when this
    release was issued (`prov:invalidatedAtTime`); each carries the values of the properties
    that changed (old on the old version, new on the new one) and the new one the note
    (`skos:changeNote`). Added: generated at the release (`prov:generatedAtTime`), with its
    value; removed: the previous release's version, invalidated, with its value."""
    g = Graph()
    bind_prefixes(g, uris.base)
    g.bind("prov", PROV)
    log_iri, release, at = uris.changes(log.version), uris.release(log.version), _instant(issued)
    g.add((log_iri, RDF.type, PROV.Collection))
    g.add((log_iri, RDF.type, uris.asdh.ChangeLog))
    g.add((log_iri, DCTERMS.title, Literal(f"Changes in release {log.version}", lang="en")))
    g.add((log_iri, DCTERMS.title, Literal(f"{log.version} sürümündeki değişiklikler", lang="tr")))
    g.add((log_iri, DCTERMS.isPartOf, release))
    g.add((log_iri, PROV.generatedAtTime, at))
    if log.previous:
        g.add((log_iri, PROV.wasDerivedFrom, uris.release(log.previous)))
    for c in log.changes:
        this = uris.release_entity(log.version, c.iri)
        before = uris.release_entity(log.previous, c.iri) if log.previous else None
        member = before if c.kind == "removed" else this
        g.add((log_iri, PROV.hadMember, member))
        g.add((member, RDF.type, _class(uris, c)))
        g.add((member, RDF.type, PROV.Entity))
        g.add((member, PROV.specializationOf, URIRef(c.iri)))
        if c.kind == "removed":
            g.add((member, PROV.invalidatedAtTime, at))
        else:
            g.add((member, PROV.generatedAtTime, at))
        if c.note:
            g.add((member, SKOS.changeNote, Literal(c.note)))
        if c.kind in ("revised", "changed") and before is not None:
            g.add((this, PROV.wasRevisionOf, before))
            g.add((before, PROV.specializationOf, URIRef(c.iri)))
            g.add((before, PROV.invalidatedAtTime, at))
        for pc in c.properties:
            for o in pc.old:
                g.add((before, URIRef(pc.property), o))
            for o in pc.new:
                g.add((this, URIRef(pc.property), o))
    return g


_STRUCTURAL = {str(RDF.type), str(SKOS.changeNote)} | {str(p) for p in (
    PROV.specializationOf, PROV.generatedAtTime, PROV.invalidatedAtTime, PROV.wasRevisionOf)}


def read_changelog(g: Graph, uris: Uris, version: str, previous: str | None) -> ChangeLog:
    """The change log of a release, read back from its RDF (`changelog_graph`'s inverse)."""
    kinds = {_class(uris, Change(k, s, "")): (k, s) for s, ks in (("observation", ("added", "removed", "revised")),
                                                                  ("concept", ("added", "removed", "changed")))
             for k in ks}
    changes = []

    def props(entity) -> dict[str, tuple]:
        out: dict[str, set] = {}
        if entity is None:
            return {}
        for p, o in g.predicate_objects(entity):
            if str(p) not in _STRUCTURAL:
                out.setdefault(str(p), set()).add(o)
        return {p: tuple(sorted(os, key=_term_key)) for p, os in out.items()}

    for member in g.objects(uris.changes(version), PROV.hadMember):
        kind = next((kinds[t] for t in g.objects(member, RDF.type) if t in kinds), None)
        resource = g.value(member, PROV.specializationOf)
        if kind is None or resource is None:
            continue
        k, subject = kind
        note = str(g.value(member, SKOS.changeNote) or "")
        if k == "removed":
            old, new = props(member), {}
        elif k == "added":
            old, new = {}, props(member)
        else:
            old, new = props(g.value(member, PROV.wasRevisionOf)), props(member)
        pcs = tuple(PropertyChange(p, old.get(p, ()), new.get(p, ())) for p in sorted(old.keys() | new.keys()))
        changes.append(Change(k, subject, str(resource), pcs, note))
    return ChangeLog(version, previous, _sorted(changes))


# -- for machines and people --------------------------------------------------------------------
CSV_COLUMNS = ("release", "previous_release", "change", "subject", "iri", "old_value", "new_value",
               "other_changes", "note")


def _other(c: Change, short) -> str:
    return "; ".join(f"{short(pc.property)}: {' | '.join(_show(t) for t in pc.old) or '(none)'} → "
                     f"{' | '.join(_show(t) for t in pc.new) or '(none)'}" for pc in c.others)


def rows(log: ChangeLog, short=str) -> list[dict[str, str]]:
    """One row a change: CSV_COLUMNS."""
    return [{"release": log.version, "previous_release": log.previous or "", "change": c.kind,
             "subject": c.subject, "iri": c.iri, "old_value": c.old_value, "new_value": c.new_value,
             "other_changes": _other(c, short), "note": c.note} for c in log.changes]


def csv_bytes(log: ChangeLog) -> bytes:
    """The change log as CSV (UTF-8, RFC 4180, CRLF), one row a change."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    w.writeheader()
    w.writerows(rows(log))
    return buf.getvalue().encode("utf-8")


def json_text(log: ChangeLog) -> str:
    """The change log as JSON, every changed property with its old and new values."""
    doc = {"release": log.version, "previous_release": log.previous, "summary": log.summary(), "changes": [
        {"change": c.kind, "subject": c.subject, "iri": c.iri, "old_value": c.old_value or None,
         "new_value": c.new_value or None, "note": c.note or None,
         "properties": [{"property": pc.property, "old": [_show(t) for t in pc.old],
                         "new": [_show(t) for t in pc.new]} for pc in c.properties]}
        for c in log.changes]}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def text_lines(log: ChangeLog, base: str) -> list[str]:
    """The change log for people: a summary line, then one line a change ('~' revised or
    changed, '-' removed, '+' added), IRIs shortened below the base IRI."""
    def short(iri: str) -> str:
        return iri[len(base):] if iri.startswith(base) else iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]

    lines = [f"{log.previous or '(nothing)'} → {log.version or 'working data'}: {log.summary()}"]
    sign = {"revised": "~", "changed": "~", "removed": "-", "added": "+"}
    for c, row in zip(log.changes, rows(log, short)):
        if c.kind in ("revised", "changed"):
            what = (f"{row['old_value']} → {row['new_value']}" if row["old_value"] != row["new_value"] else "")
            what = "; ".join(x for x in (what, row["other_changes"]) if x)
        else:
            what = row["old_value"] or row["new_value"]
        note = f" (note: {c.note})" if c.note else ""
        lines.append(f"{sign[c.kind]} {c.subject} {short(c.iri)}: {what}{note}")
    return lines


def history(logs: Iterable[ChangeLog]) -> dict[str, list[tuple[str, str, str]]]:
    """Observation IRI → its values through the releases where it was revised: [(release,
    value, note)], the first being its value before the first revision."""
    out: dict[str, list[tuple[str, str, str]]] = {}
    for log in logs:
        for c in log.changes:
            if c.subject == "observation" and c.kind == "revised" and c.old_value != c.new_value:
                h = out.setdefault(c.iri, [])
                if not h or h[-1][1] != c.old_value:
                    h.append((log.previous or "", c.old_value, ""))
                h.append((log.version, c.new_value, c.note))
    return out


# -- a release, as found in (or made for) the site ---------------------------------------------
@dataclass
class Release:
    """One frozen release folder: its version, metadata, change log and every file's bytes
    ({path in the site: bytes}; the build carries them over unchanged)."""

    version: str
    issued: date
    note: str
    previous: str | None
    files: dict[str, bytes]
    record: Graph                # its catalogue record (the folder's catalog.ttl)
    changelog: ChangeLog
    new: bool = False            # made by this run (`asdh-lod release`), not found in the site

    @property
    def key(self) -> tuple[int, int]:
        return version_key(self.version)

