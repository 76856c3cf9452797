"""Load stage: the data folder's YAML → `Model`, every value with its file and line.

Structure, types, identifiers, codes and periods are checked here; every problem is
collected (up to the report's limit) with ``file:line`` and a hint. Checks against the
source text (quotes, numbers, totals, duplicates) are the `check` stage's.
"""

from __future__ import annotations

import difflib
import math
import os
import re
import sys
from datetime import date, datetime
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import yaml

from ..core import parallel
from ..model.records import (Concept, ContactPoint, DatasetInfo, Document, Facility, Fact, Milestone, Model, Origin,
                    Parameter, Project, Quote, Rule, Scheme, Source)
from ..model.numbers import NumberFormatError, parse_number
from ..model.periods import Period, PeriodError, Unit, parse_period, parse_unit
from ..core.problems import Report, problem
from ..rdf.vocab import DEFAULT_BASE, QUDT_PREFIXES
from .yamlsrc import LList, LMap, YamlError, load_yaml, read_text

LANGUAGES = ("tr", "en")
SCHEMES = ("province", "programme", "target-group", "indicator", "unit", "period-kind",
           "facility-type", "project-status", "document-type", "organisation", "cofog")
SCHEME_FILES = {  # scheme id → file under data/codelists/
    "province": "provinces.yaml", "programme": "programmes.yaml",
    "target-group": "target-groups.yaml", "indicator": "indicators.yaml", "unit": "units.yaml",
    "period-kind": "period-kinds.yaml", "facility-type": "facility-types.yaml",
    "project-status": "project-statuses.yaml", "document-type": "document-types.yaml",
    "organisation": "organisations.yaml", "cofog": "cofog.yaml",
}
PARAMETER_ROLES = ("minimum", "maximum", "count", "share")
SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")
CODE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.\-]{0,62}[A-Za-z0-9])?$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def base_iri_of(data_dir: Path) -> str:
    """The base IRI in the data folder's dataset.yaml, if it is readable and ends with '/';
    else the default. (For commands that need only the base IRI, not a whole load.)"""
    try:
        base = yaml.safe_load((Path(data_dir) / "dataset.yaml").read_text(encoding="utf-8")).get("base_iri")
    except (OSError, AttributeError, yaml.YAMLError):
        return DEFAULT_BASE
    return base if isinstance(base, str) and base.endswith("/") else DEFAULT_BASE


def display_path(file: Path) -> str:
    """A path as people should see it in messages: relative to the working folder if inside it."""
    try:
        rel = os.path.relpath(file)
    except ValueError:  # another drive
        return str(file)
    return str(file) if rel.startswith("..") else rel


def _closest(word: str, candidates) -> str | None:
    """The most likely intended code: similar overall, and sharing the longest prefix."""
    close = difflib.get_close_matches(word, list(candidates), n=5, cutoff=0.5)
    if not close:
        return None
    return max(close, key=lambda c: (len(os.path.commonprefix([word, c])),
                                     difflib.SequenceMatcher(None, word, c).ratio()))


def _type_name(v: Any) -> str:
    if isinstance(v, LMap):
        return "a mapping"
    if isinstance(v, LList):
        return "a list"
    if v is None:
        return "empty"
    return {bool: "true/false", int: "a whole number", float: "a decimal number", str: "text",
            date: "a date", datetime: "a timestamp"}.get(type(v), type(v).__name__)


@lru_cache(maxsize=4096)
def _parse_period(text: str) -> Period | PeriodError:
    """`parse_period(text)`, or the error it raises, remembered: a few hundred periods recur
    in every source, and a period is immutable."""
    try:
        return parse_period(text)
    except PeriodError as e:
        e.__traceback__ = None  # kept in the cache: keep no frames alive
        return e


class Reader:
    """Field access on LMap values that reports problems instead of raising."""

    def __init__(self, path: str, report: Report, schemes: dict[str, Scheme] | None = None):
        self.path = path
        self.report = report
        self.schemes = schemes or {}

    def add(self, code: str, line: int | None, **fields: Any) -> None:
        self.report.add(problem(code, self.path, line, **fields))

    def origin(self, line: int | None) -> Origin:
        return Origin(self.path, line)

    def mapping(self, value: Any, where: str, line: int, required: tuple[str, ...],
                optional: tuple[str, ...] = ()) -> LMap | None:
        if not isinstance(value, LMap):
            self.add("wrong-type", line, field=where, expected="a mapping", actual=_type_name(value))
            return None
        ok = True
        for name in required:
            if name not in value:
                self.add("missing-field", value.line, where=where, field=name)
                ok = False
        allowed = set(required) | set(optional)
        for name in value:
            if name not in allowed:
                self.add("unknown-field", value.line_of(name), where=where, field=name,
                         allowed=", ".join(sorted(allowed)))
        return value if ok else None

    def items(self, m: LMap, key: str) -> list[tuple[Any, int]]:
        """A list field's items with their lines; an absent field is an empty list."""
        v = m.get(key)
        if v is None:
            return []
        if not isinstance(v, LList):
            self.add("wrong-type", m.line_of(key), field=key, expected="a list", actual=_type_name(v))
            return []
        return [(item, v.line_of(i)) for i, item in enumerate(v)]

    def text(self, m: LMap, key: str, *, multiline: bool = False, what: str | None = None) -> str | None:
        v = m.get(key)
        if v is None:
            if key in m:  # written but left blank: say so rather than drop the entry silently
                self.add("wrong-type", m.line_of(key), field=key, expected="non-empty text", actual="empty")
            return None
        if not isinstance(v, str):
            self.add("wrong-type", m.line_of(key), field=key, expected="text (in quotes)",
                     actual=_type_name(v))
            return None
        if not v.strip():
            self.add("wrong-type", m.line_of(key), field=key, expected="non-empty text", actual="empty text")
            return None
        bad = _CONTROL.search(v)
        if bad or (not multiline and ("\n" in v or "\r" in v)):
            ch = bad.group() if bad else ("\r" if "\r" in v else "\n")
            self.add("bad-text", m.line_of(key), what=what or f"'{key}'",
                     detail=f"the control character U+{ord(ch):04X}")
            return None
        return v

    def slug(self, m: LMap, key: str, what: str) -> str | None:
        v = m.get(key)
        if isinstance(v, int) and not isinstance(v, bool):
            v = str(v)
        if not isinstance(v, str) or not SLUG.match(v):
            self.add("bad-identifier", m.line_of(key), what=what, value=str(v)[:80])
            return None
        return v

    def labels(self, m: LMap, key: str, *, required: bool = True) -> dict[str, str]:
        v = m.get(key)
        if v is None:
            if required:
                self.add("missing-field", m.line, where=f"'{key}'", field=key)
            return {}
        if not isinstance(v, LMap):
            self.add("wrong-type", m.line_of(key), field=key,
                     expected="a mapping of languages, e.g. {tr: …, en: …}", actual=_type_name(v))
            return {}
        out = {}
        for lang in v:
            if lang not in LANGUAGES:
                self.add("unknown-field", v.line_of(lang), where=f"'{key}'", field=lang,
                         allowed=", ".join(LANGUAGES))
                continue
            t = self.text(v, lang, what=f"'{key}.{lang}'")
            if t is not None:
                out[lang] = t.strip()
        for lang in LANGUAGES:
            if lang not in v:
                self.add("missing-field", v.line, where=f"'{key}'", field=lang)
        return out

    def code(self, m: LMap, key: str, scheme: str, *, default: str | None = None) -> str | None:
        v = m.get(key, default)
        if v is None:
            self.add("missing-field", m.line, where="this entry", field=key)
            return None
        if isinstance(v, int) and not isinstance(v, bool):
            v = str(v)
        if not isinstance(v, str):
            self.add("wrong-type", m.line_of(key), field=key, expected="a code (text)", actual=_type_name(v))
            return None
        codes = self.schemes.get(scheme)
        if codes is not None and v not in codes.concepts:
            close = None if v.isdigit() else _closest(v, [k for k, c in codes.concepts.items() if not c.deprecated])  # '99' is not a typo of '79'
            suggestion = f" (did you mean '{close}'?)" if close else ""
            self.add("unknown-code", m.line_of(key), field=key, value=v[:80], scheme=scheme,
                     scheme_file=SCHEME_FILES[scheme], suggestion=suggestion)
            return None
        if codes is not None and codes.concepts[v].deprecated:
            instead = codes.concepts[v].replaced_by
            self.add("deprecated-code", m.line_of(key), field=key, value=v, scheme=scheme,
                     scheme_file=SCHEME_FILES[scheme],
                     fix=f"write '{key}: {instead}' instead" if instead else
                     f"use a code of data/codelists/{SCHEME_FILES[scheme]} that is not deprecated")
            return None
        return sys.intern(v) if type(v) is str else v  # a few hundred codes, written 100,000s of times

    def unit_date(self, m: LMap, key: str, where: str) -> Unit | None:
        v = m.get(key)
        if v is None:
            self.add("missing-field", m.line, where=where, field=key)
            return None
        text = v.isoformat() if isinstance(v, date) and not isinstance(v, datetime) else (
            str(v) if isinstance(v, (int, str)) and not isinstance(v, bool) else None)
        try:
            if text is None:
                raise PeriodError(f"it is {_type_name(v)}")
            return parse_unit(text)
        except PeriodError:
            self.add("bad-date", m.line_of(key), field=key, value=str(v)[:40])
            return None

    def period(self, m: LMap, key: str, *, required: bool = True) -> Period | None:
        v = m.get(key)
        if v is None:
            if required:
                self.add("missing-field", m.line, where="this entry", field=key)
            return None
        if isinstance(v, int) and not isinstance(v, bool):
            v = str(v)
        elif isinstance(v, date) and not isinstance(v, datetime):
            v = v.isoformat()
        if not isinstance(v, str):
            self.add("bad-period", m.line_of(key), value=str(v)[:40], detail=f"it is {_type_name(v)}")
            return None
        period = _parse_period(v)
        if isinstance(period, PeriodError):
            self.add("bad-period", m.line_of(key), value=v[:40], detail=str(period))
            return None
        return period

    def number(self, m: LMap, key: str) -> Fraction | None:
        """A number written in YAML (int, decimal, or a ratio like "2/3")."""
        v = m.get(key)
        if v is None:
            self.add("missing-field", m.line, where="this entry", field=key)
            return None
        if isinstance(v, bool):
            self.add("wrong-type", m.line_of(key), field=key, expected="a number", actual="true/false")
            return None
        if isinstance(v, int):
            return Fraction(v)
        if isinstance(v, float):
            if not math.isfinite(v):
                self.add("wrong-type", m.line_of(key), field=key, expected="a finite number", actual=repr(v))
                return None
            return Fraction(repr(v))
        if isinstance(v, str):
            try:
                return parse_number(v).value
            except NumberFormatError:
                pass
        self.add("wrong-type", m.line_of(key), field=key, expected="a number", actual=_type_name(v))
        return None

    def flag(self, m: LMap, key: str, default: bool = False) -> bool:
        v = m.get(key, default)
        if not isinstance(v, bool):
            self.add("wrong-type", m.line_of(key), field=key, expected="true or false", actual=_type_name(v))
            return default
        return v


# ---------------------------------------------------------------------------------------
# code lists

_CONCEPT_EXTRA = {
    "province": ("iso", "nuts3", "wikidata"),
    "programme": ("cofog",),
    "unit": ("kind", "qudt"),
    "organisation": ("part_of", "province"),
}
UNIT_KINDS = ("count", "currency", "ratio")  # how a unit's figures are typed (mapping.number_literal)
_CONCEPT_REQUIRED = {"province": ("iso", "nuts3")}  # of _CONCEPT_EXTRA: the mapping needs them


_UNREAD = object()  # a data file that could not be read (its problem is reported)


def _read_yaml(file: Path, path: str, root: Path, report: Report) -> Any:
    """The parsed YAML of a data file inside the folder `root`, or `_UNREAD` with its problem
    reported (a file holding only `null` parses to None, which the readers then report)."""
    try:
        return load_yaml(file, path, root=root)
    except YamlError as e:
        report.add(e.problem)
        return _UNREAD


def load_scheme(file: Path, report: Report) -> Scheme | None:
    """A code list file (`{data}/codelists/x.yaml`: read only if it is inside the data folder)."""
    path = display_path(file)
    doc = _read_yaml(file, path, file.parent.parent, report)
    if doc is _UNREAD:
        return None
    r = Reader(path, report)
    top = r.mapping(doc, "the code list", getattr(doc, "line", 1), ("scheme", "concepts"))
    if top is None:
        return None
    s = r.mapping(top["scheme"], "'scheme'", top.line_of("scheme"), ("id", "label"),
                  ("definition", "country"))
    if s is None:
        return None
    scheme_id = r.slug(s, "id", "scheme")
    label = r.labels(s, "label")
    definition = r.labels(s, "definition", required=False)
    extra = {}
    if "country" in s:  # the common broader concept of all codes (provinces: Türkiye)
        c = r.mapping(s["country"], "'country'", s.line_of("country"), ("label", "iso"), ("wikidata",))
        if c is not None and (label := r.labels(c, "label")) and (iso := r.text(c, "iso")):
            extra["country"] = {"label": label, "iso": iso, **({"wikidata": str(c["wikidata"])} if "wikidata" in c else {})}
    concepts: dict[str, Concept] = {}
    first_line: dict[str, int] = {}
    required = ("code", "label") + _CONCEPT_REQUIRED.get(scheme_id or "", ())
    optional = ("alt", "broader", "definition", "deprecated", "replaced_by") + tuple(
        k for k in _CONCEPT_EXTRA.get(scheme_id or "", ()) if k not in required)
    for item, line in r.items(top, "concepts"):
        c = r.mapping(item, "a concept", line, required, optional)
        if c is None:
            continue
        code = c["code"]
        code = str(code) if isinstance(code, int) and not isinstance(code, bool) else code
        if not isinstance(code, str) or not CODE.match(code):
            r.add("bad-identifier", c.line_of("code"), what="code", value=str(code)[:80])
            continue
        if code in concepts:
            r.add("duplicate-id", c.line_of("code"), what="concept", value=code, first_line=first_line[code])
            continue
        alt: dict[str, list[str]] = {}
        if "alt" in c:
            if isinstance(c["alt"], LMap):
                for lang, values in c["alt"].items():
                    if lang not in LANGUAGES or not isinstance(values, LList) or not all(
                            isinstance(x, str) and x.strip() and not _CONTROL.search(x) for x in values):
                        r.add("wrong-type", c["alt"].line_of(lang), field=f"alt.{lang}",
                              expected="a list of texts under tr or en", actual=_type_name(values))
                        continue
                    alt[lang] = [x.strip() for x in values]
            else:
                r.add("wrong-type", c.line_of("alt"), field="alt", expected="a mapping of languages",
                      actual=_type_name(c["alt"]))
        broader = c.get("broader")
        if broader is not None:
            broader = str(broader)
        if scheme_id == "unit" and c.get("kind", "count") not in UNIT_KINDS:
            r.add("wrong-type", c.line_of("kind"), field="kind", expected=" or ".join(UNIT_KINDS),
                  actual=repr(c["kind"]))
        extra_fields = {k: c[k] for k in _CONCEPT_EXTRA.get(scheme_id or "", ()) if k in c}
        extra_fields["_lines"] = {k: c.line_of(k) for k in c}
        deprecated = r.flag(c, "deprecated")
        replaced_by = c.get("replaced_by")
        if replaced_by is not None:
            replaced_by = str(replaced_by)
            if not deprecated:
                r.add("missing-field", c.line_of("replaced_by"), where=f"concept '{code}' (it has 'replaced_by')",
                      field="deprecated: true")
        concepts[code] = Concept(code=code, label=r.labels(c, "label"), origin=r.origin(c.line),
                                 alt=alt, definition=r.labels(c, "definition", required=False),
                                 broader=broader, extra=extra_fields, deprecated=deprecated,
                                 replaced_by=replaced_by)
        first_line[code] = c.line_of("code")
    for c in concepts.values():
        if c.broader is not None and c.broader not in concepts:
            r.add("unknown-code", c.extra["_lines"].get("broader", c.origin.line), field="broader",
                  value=c.broader, scheme=scheme_id, scheme_file=file.name, suggestion="")
        if c.replaced_by is not None and (c.replaced_by not in concepts or concepts[c.replaced_by].deprecated):
            current = sorted(k for k, x in concepts.items() if not x.deprecated)
            r.add("unknown-code", c.extra["_lines"].get("replaced_by", c.origin.line), field="replaced_by",
                  value=c.replaced_by, scheme=scheme_id, scheme_file=file.name,
                  suggestion=f" that is not deprecated itself ({', '.join(current[:8])})")
    if scheme_id is None:
        return None
    return Scheme(id=scheme_id, label=label, definition=definition, origin=r.origin(s.line),
                  concepts=concepts, extra=extra)


def _check_scheme_links(schemes: dict[str, Scheme], report: Report) -> None:
    """Codes that one code list uses from another (COFOG groups, provinces, organisations)."""
    links = (("programme", "cofog", "cofog"), ("organisation", "part_of", "organisation"),
             ("organisation", "province", "province"))
    for scheme_id, key, target in links:
        if scheme_id not in schemes or target not in schemes:
            continue
        for c in schemes[scheme_id].concepts.values():
            if key not in c.extra:
                continue
            value = c.extra[key]
            values = value.values() if isinstance(value, dict) else [value]
            line = c.extra["_lines"].get(key, c.origin.line)
            if isinstance(value, dict) and not set(value) <= {"close", "broad"}:
                report.add(problem("unknown-field", c.origin.path, line, where="'cofog'",
                                   field=",".join(sorted(set(value) - {"close", "broad"})),
                                   allowed="close, broad"))
            for v in values:
                if str(v) not in schemes[target].concepts:
                    report.add(problem("unknown-code", c.origin.path, line, field=key, value=str(v),
                                       scheme=target, scheme_file=SCHEME_FILES[target], suggestion=""))


MATCHES = ("exact", "close", "broad")  # SKOS mapping relations a code may name (skos:exactMatch, …)
_QUDT_LOCAL = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]{0,62}$")  # e.g. NUM, CCY_TRY, KiloGM-PER-M3


def _check_qudt(schemes: dict[str, Scheme], report: Report) -> None:
    """A unit's QUDT units: `qudt: {exact|close|broad: "unit:X" or a list of them}`, each a
    compact IRI with a QUDT prefix (vocab.QUDT_PREFIXES)."""
    if "unit" not in schemes:
        return
    for c in schemes["unit"].concepts.values():
        if "qudt" not in c.extra:
            continue
        value, line = c.extra["qudt"], c.extra["_lines"].get("qudt", c.origin.line)
        if not isinstance(value, dict):
            report.add(problem("wrong-type", c.origin.path, line, field="qudt",
                               expected="a mapping, e.g. {exact: \"unit:HR\"}", actual=_type_name(value)))
            continue
        for rel, units in value.items():
            if rel not in MATCHES:
                report.add(problem("unknown-field", c.origin.path, line, where="'qudt'", field=str(rel),
                                   allowed=", ".join(MATCHES)))
                continue
            for unit in (units if isinstance(units, list) else [units]):
                prefix, _, local = str(unit).partition(":")
                if not isinstance(unit, str) or prefix not in QUDT_PREFIXES or not _QUDT_LOCAL.match(local):
                    report.add(problem("wrong-type", c.origin.path, line, field=f"qudt.{rel}",
                                       expected=" or ".join(f'"{p}:…"' for p in QUDT_PREFIXES),
                                       actual=repr(unit)[:80]))


# ---------------------------------------------------------------------------------------
# dataset.yaml

def _keywords(r: "Reader", m: LMap) -> dict[str, list[str]] | None:
    """keywords: {tr: [..], en: [..]}, each keyword one line of plain text; None after a problem."""
    v = m.get("keywords")
    if v is None:
        return {}
    if not isinstance(v, LMap):
        r.add("wrong-type", m.line_of("keywords"), field="keywords",
              expected="a mapping of languages to lists, e.g. {tr: [..], en: [..]}", actual=_type_name(v))
        return None
    out: dict[str, list[str]] = {}
    ok = True
    for lang in v:
        if lang not in ("tr", "en"):
            r.add("unknown-field", v.line_of(lang), where="'keywords'", field=lang, allowed="tr, en")
            ok = False
            continue
        words = []
        for word, line in r.items(v, lang):
            if not isinstance(word, str) or not word.strip():
                r.add("wrong-type", line, field=f"keywords.{lang}", expected="non-empty text",
                      actual=_type_name(word) if not isinstance(word, str) else "empty text")
                ok = False
            elif _CONTROL.search(word) or "\n" in word or "\r" in word:
                ch = (_CONTROL.search(word) or re.search(r"[\r\n]", word)).group()
                r.add("bad-text", line, what=f"'keywords.{lang}'", detail=f"the control character U+{ord(ch):04X}")
                ok = False
            else:
                words.append(word.strip())
        out[lang] = words
    return out if ok else None


def load_dataset_info(file: Path, report: Report, schemes: dict[str, Scheme]) -> DatasetInfo | None:
    path = display_path(file)
    if not file.exists():
        report.add(problem("missing-file", path, None, what="dataset metadata", name=path))
        return None
    doc = _read_yaml(file, path, file.parent, report)
    if doc is _UNREAD:
        return None
    r = Reader(path, report, schemes)
    m = r.mapping(doc, "dataset.yaml", getattr(doc, "line", 1),
                  ("id", "base_iri", "title", "description", "publisher", "license", "issued"),
                  ("keywords", "modified", "publisher_type", "contact_point", "themes"))
    if m is None:
        return None
    base = r.text(m, "base_iri")
    if base is not None and not re.match(r"^https?://[^\s<>\"{}|\\^`]+/$", base):
        r.add("wrong-type", m.line_of("base_iri"), field="base_iri",
              expected="an http(s) IRI ending in '/'", actual=repr(base))
        base = None
    issued = r.unit_date(m, "issued", "dataset.yaml")
    keywords = _keywords(r, m)
    ident, title, desc = r.slug(m, "id", "dataset"), r.labels(m, "title"), r.labels(m, "description")
    publisher = r.code(m, "publisher", "organisation")
    licence = r.text(m, "license")
    if licence is not None and not re.match(r"^https?://[^\s<>\"{}|\\^`]+$", licence):
        r.add("wrong-type", m.line_of("license"), field="license", expected="an http(s) IRI",
              actual=repr(licence))
        licence = None
    catalogue = _catalogue_fields(r, m)
    if None in (ident, base, issued, publisher, licence, keywords) or catalogue is None:
        return None
    return DatasetInfo(id=ident, title=title, description=desc, publisher=publisher,
                       license=licence, base_iri=base, issued=issued.begin,
                       origin=r.origin(m.line), keywords=keywords, lines=dict(m.key_lines), **catalogue)


# The controlled vocabularies DCAT-AP asks for, by the codes dataset.yaml may use.
EU_DATA_THEMES = {  # code → the vocabulary's English label
    "AGRI": "Agriculture, fisheries, forestry and food", "ECON": "Economy and finance",
    "EDUC": "Education, culture and sport", "ENER": "Energy", "ENVI": "Environment",
    "GOVE": "Government and public sector", "HEAL": "Health", "INTR": "International issues",
    "JUST": "Justice, legal system and public safety", "OP_DATPRO": "Provisional data",
    "REGI": "Regions and cities", "SOCI": "Population and society",
    "TECH": "Science and technology", "TRAN": "Transport"}
ADMS_PUBLISHER_TYPES = ("Academia-ScientificOrganisation", "Company", "IndustryConsortium",
                        "LocalAuthority", "NationalAuthority", "NonGovernmentalOrganisation",
                        "NonProfitOrganisation", "PrivateIndividual(s)", "RegionalAuthority",
                        "StandardisationBody", "SupraNationalAuthority")
_EMAIL = re.compile(r"^[^@\s<>\"]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?\.[A-Za-z]{2,}$")
_URL = re.compile(r"^(?:https?://[^\s<>\"{}|\\^`]+|[^\s<>\"{}|\\^`:]*)$")


def _catalogue_fields(r: Reader, m: LMap) -> dict | None:
    """The optional catalogue metadata of dataset.yaml (modified, publisher_type,
    contact_point, themes); None if any of it is wrong (the problems are reported)."""
    ok, out = True, {}
    if "modified" in m:
        modified = r.unit_date(m, "modified", "dataset.yaml")
        ok &= modified is not None
        out["modified"] = modified.begin if modified is not None else None
    if "publisher_type" in m:
        v = m.get("publisher_type")
        if v not in ADMS_PUBLISHER_TYPES:
            r.add("unknown-term", m.line_of("publisher_type"), field="publisher_type", value=str(v)[:80],
                  vocabulary="the ADMS publisher types", allowed=", ".join(ADMS_PUBLISHER_TYPES))
            ok = False
        out["publisher_type"] = v
    themes = []
    for item, line in r.items(m, "themes"):
        if item not in EU_DATA_THEMES:
            r.add("unknown-term", line, field="themes", value=str(item)[:80],
                  vocabulary="the EU data themes", allowed=", ".join(EU_DATA_THEMES))
            ok = False
        else:
            themes.append(item)
    out["themes"] = sorted(set(themes))
    if "contact_point" in m:
        c = r.mapping(m["contact_point"], "contact_point", m.line_of("contact_point"), ("name",),
                      ("email", "url"))
        if c is None:
            return None
        name = r.text(c, "name")
        email = r.text(c, "email") if "email" in c else None
        url = r.text(c, "url") if "url" in c else None
        if email is not None and not _EMAIL.match(email):
            r.add("wrong-type", c.line_of("email"), field="email", expected="an e-mail address (name@host)",
                  actual=repr(email[:80]))
            email, ok = None, False
        if url is not None and not _URL.match(url):
            r.add("wrong-type", c.line_of("url"), field="url",
                  expected="an http(s) URL, or a path relative to base_iri", actual=repr(url[:80]))
            url, ok = None, False
        if email is None and url is None and ok:
            r.add("missing-field", c.line, where="contact_point", field="email' or 'url")
            ok = False
        if name is None:
            ok = False
        out["contact"] = ContactPoint(name=name, email=email, url=url) if ok else None
    return out if ok else None


# ---------------------------------------------------------------------------------------
# sources

_DOC_REQUIRED = ("id", "title", "publisher", "published", "as_of", "type", "language", "province")
_FACT_REQUIRED = ("id", "quote", "figure", "value", "unit", "programme", "target_group",
                  "indicator", "period", "period_kind")
_FACT_OPTIONAL = ("province", "approximate", "total_of", "also_quoted", "note", "revision_note",
                  "reviewed", "confidence", "cues")  # the last three: review fields of drafts


def _quote(r: Reader, m: LMap) -> Quote | None:
    q = r.text(m, "quote", multiline=True)
    fig = r.text(m, "figure")
    if "quote" not in m:
        r.add("missing-field", m.line, where="this entry", field="quote")
    if "figure" not in m:
        r.add("missing-field", m.line, where="this entry", field="figure")
    if q is None or fig is None:
        return None
    return Quote(quote=q, figure=fig, origin=r.origin(m.line_of("quote")))


def _load_document(r: Reader, top: LMap, file: Path) -> Document | None:
    d = r.mapping(top["document"], "'document'", top.line_of("document"), _DOC_REQUIRED,
                  ("reporting_period", "text"))
    if d is None:
        return None
    ident = r.slug(d, "id", "document")
    if ident is not None and ident != file.stem:
        r.add("bad-identifier", d.line_of("id"), what=f"document id (must equal the file name '{file.stem}')",
              value=ident)
        ident = None
    text_name = str(d.get("text", f"{file.stem}.txt"))
    text = None
    if Path(text_name).name != text_name or text_name in ("", ".", ".."):
        r.add("bad-identifier", d.line_of("text"), what="text file (a file name beside this one, no folders)",
              value=text_name[:80])
        return None
    text_file = file.with_name(text_name)
    if not text_file.is_file():
        r.add("missing-file", d.line_of("text") if "text" in d else d.line,
              what="source text", name=display_path(text_file))
    else:
        try:
            text = read_text(text_file, display_path(text_file), root=file.parent.parent)
        except YamlError as e:
            r.report.add(e.problem)
    values = dict(
        title=r.labels(d, "title"), publisher=r.code(d, "publisher", "organisation"),
        published=r.unit_date(d, "published", "'document'"), as_of=r.unit_date(d, "as_of", "'document'"),
        type=r.code(d, "type", "document-type"), language=r.text(d, "language"),
        province=r.code(d, "province", "province"),
        reporting_period=r.period(d, "reporting_period", required=False),
    )
    if values["language"] not in (None, "tr", "en"):
        r.add("unknown-code", d.line_of("language"), field="language", value=values["language"],
              scheme="language", scheme_file="", suggestion=" (tr or en)")
        return None
    if ident is None or text is None or any(v is None for k, v in values.items() if k != "reporting_period"):
        return None
    return Document(id=ident, origin=r.origin(d.line), text_path=display_path(text_file), text=text,
                    **values)


def _load_fact(r: Reader, item: Any, line: int, doc: Document) -> Fact | None:
    m = r.mapping(item, "a fact", line, _FACT_REQUIRED, _FACT_OPTIONAL)
    if m is None:
        return None
    values = dict(
        id=r.slug(m, "id", "fact"), quote=_quote(r, m), value=r.number(m, "value"),
        unit=r.code(m, "unit", "unit"), programme=r.code(m, "programme", "programme"),
        target_group=r.code(m, "target_group", "target-group"),
        indicator=r.code(m, "indicator", "indicator"),
        province=r.code(m, "province", "province", default=doc.province),
        period=r.period(m, "period"), period_kind=r.code(m, "period_kind", "period-kind"),
    )
    approximate = r.flag(m, "approximate")
    total_of = []
    for part, pline in r.items(m, "total_of"):
        if isinstance(part, str) and SLUG.match(part):
            total_of.append(part)
        else:
            r.add("bad-identifier", pline, what="total_of entry", value=str(part)[:80])
    also = []
    for q, qline in r.items(m, "also_quoted"):
        qm = r.mapping(q, "an also_quoted entry", qline, ("quote", "figure"))
        if qm is not None and (quote := _quote(r, qm)) is not None:
            also.append(quote)
    note = r.text(m, "note", multiline=True) if "note" in m else None
    revision_note = r.text(m, "revision_note", multiline=True) if "revision_note" in m else None
    _check_review_fields(r, m)
    if any(v is None for v in values.values()):
        return None
    return Fact(document=doc.id, origin=r.origin(m.line), approximate=approximate,
                total_of=total_of, also_quoted=also, note=note, revision_note=revision_note,
                lines=dict(m.key_lines), **values)


def _check_review_fields(r: Reader, m: LMap) -> None:
    """`reviewed`, `confidence` and `cues`, written on draft facts by `asdh-lod extract`."""
    if "reviewed" in m:
        r.flag(m, "reviewed")
    if "confidence" in m:
        v = m["confidence"]
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 1:
            r.add("wrong-type", m.line_of("confidence"), field="confidence",
                  expected="a number from 0 to 1", actual=_type_name(v) if not isinstance(v, (int, float)) else repr(v))
    if "cues" in m:
        v = m["cues"]
        if not isinstance(v, LMap) or not all(isinstance(x, str) for x in v.values()):
            r.add("wrong-type", m.line_of("cues"), field="cues",
                  expected="a mapping of qualifier names to texts", actual=_type_name(v))


def _check_reviewed(r: Reader, item: Any, line: int, draft: bool) -> None:
    """A drafted fact is refused until the curator sets `reviewed: true` on it."""
    if not isinstance(item, LMap):
        return
    reviewed = item.get("reviewed")
    if reviewed is False or (draft and reviewed is not True):
        fact = item.get("id", "?")
        detail = f" (confidence {item['confidence']})" if isinstance(item.get("confidence"), (int, float)) \
            and not isinstance(item.get("confidence"), bool) else ""
        if reviewed is None:
            detail += "; every fact of a file marked 'draft: true' needs 'reviewed: true'"
        r.add("unreviewed-draft", item.line_of("reviewed") if "reviewed" in item else line,
              fact=str(fact)[:80], detail=detail)


def _load_facility(r: Reader, item: Any, line: int, doc: Document) -> Facility | None:
    m = r.mapping(item, "a facility", line, ("id", "name", "type", "operator", "quote"),
                  ("province", "label", "note"))
    if m is None:
        return None
    operator = m.get("operator")
    if operator not in ("public", "private"):
        r.add("wrong-type", m.line_of("operator"), field="operator", expected="public or private",
              actual=repr(operator))
        return None
    values = dict(id=r.slug(m, "id", "facility"), name=r.text(m, "name"),
                  type=r.code(m, "type", "facility-type"),
                  province=r.code(m, "province", "province", default=doc.province),
                  quote=r.text(m, "quote", multiline=True))
    label = r.labels(m, "label", required=False)
    if any(v is None for v in values.values()):
        return None
    return Facility(document=doc.id, privately_operated=operator == "private",
                    origin=r.origin(m.line), label=label, **values)


def _load_project(r: Reader, item: Any, line: int, doc: Document) -> Project | None:
    m = r.mapping(item, "a project", line, ("id", "name", "facility_type", "status", "quote", "facts"),
                  ("milestones", "province", "note"))
    if m is None:
        return None
    milestones = []
    for ms, mline in r.items(m, "milestones"):
        mm = r.mapping(ms, "a milestone", mline, ("event", "period", "quote"))
        if mm is None:
            continue
        event, period, quote = r.slug(mm, "event", "milestone event"), r.period(mm, "period"), r.text(
            mm, "quote", multiline=True)
        if None not in (event, period, quote):
            milestones.append(Milestone(event=event, period=period, quote=quote, origin=r.origin(mm.line)))
    facts = [f for f, _ in r.items(m, "facts") if isinstance(f, str)]
    values = dict(id=r.slug(m, "id", "project"), name=r.labels(m, "name"),
                  facility_type=r.code(m, "facility_type", "facility-type"),
                  status=r.code(m, "status", "project-status"),
                  province=r.code(m, "province", "province", default=doc.province),
                  quote=r.text(m, "quote", multiline=True))
    if any(v is None for v in values.values()):
        return None
    return Project(document=doc.id, facts=facts, milestones=milestones, origin=r.origin(m.line), **values)


def _load_rule(r: Reader, item: Any, line: int, doc: Document) -> Rule | None:
    m = r.mapping(item, "a rule", line, ("id", "label", "programme", "quote", "parameters"),
                  ("valid_during", "note"))
    if m is None:
        return None
    params = []
    for p, pline in r.items(m, "parameters"):
        pm = r.mapping(p, "a parameter", pline, ("figure", "value", "role", "unit", "label"))
        if pm is None:
            continue
        role = pm.get("role")
        if role not in PARAMETER_ROLES:
            r.add("unknown-code", pm.line_of("role"), field="role", value=str(role), scheme="parameter-role",
                  scheme_file=f"(one of {', '.join(PARAMETER_ROLES)})", suggestion="")
            continue
        pv = dict(figure=r.text(pm, "figure"), value=r.number(pm, "value"), unit=r.code(pm, "unit", "unit"))
        label = r.labels(pm, "label")
        if None not in pv.values():
            params.append(Parameter(role=role, label=label, origin=r.origin(pm.line), **pv))
    values = dict(id=r.slug(m, "id", "rule"), label=r.labels(m, "label"),
                  programme=r.code(m, "programme", "programme"), quote=r.text(m, "quote", multiline=True))
    valid = r.period(m, "valid_during", required=False)
    if any(v is None for v in values.values()):
        return None
    return Rule(document=doc.id, parameters=params, origin=r.origin(m.line), valid_during=valid, **values)


def load_source(file: Path, report: Report, schemes: dict[str, Scheme]) -> Source | None:
    """A source file (`{data}/sources/x.yaml`) and its text: both read only if they are inside
    the data folder (a link to a file elsewhere would publish it)."""
    path = display_path(file)
    doc = _read_yaml(file, path, file.parent.parent, report)
    if doc is _UNREAD:
        return None
    r = Reader(path, report, schemes)
    top = r.mapping(doc, "the source file", getattr(doc, "line", 1), ("document", "facts"),
                    ("facilities", "projects", "rules", "draft"))
    if top is None:
        return None
    draft = r.flag(top, "draft") if "draft" in top else False
    document = _load_document(r, top, file)
    if document is None:
        return None
    source = Source(document=document, facts=[], facilities=[], projects=[], rules=[])
    seen: dict[str, int] = {}
    sections = (("facts", _load_fact, source.facts), ("facilities", _load_facility, source.facilities),
                ("projects", _load_project, source.projects), ("rules", _load_rule, source.rules))
    for key, load_one, out in sections:
        for item, line in r.items(top, key):
            if key == "facts":
                _check_reviewed(r, item, line, draft)
            obj = load_one(r, item, line, document)
            if obj is None:
                continue
            if obj.id in seen:
                r.add("duplicate-id", line, what=key[:-1] if key != "facilities" else "facility",
                      value=obj.id, first_line=seen[obj.id])
                continue
            seen[obj.id] = line
            out.append(obj)
    return source


def _load_sources(state: tuple[dict[str, Scheme], int], files: list[Path]) -> list[tuple[Source | None, Report]]:
    """Load source files on their own (in a worker process, or here): for each, the source
    (or None) and its own report of the problems found."""
    schemes, limit = state
    out = []
    for file in files:
        report = Report(limit=limit)
        source = load_source(file, report, schemes)
        out.append((source, report))
    return out


def load_schemes(data_dir: Path, report: Report, progress: Callable[[], None] | None = None) -> dict[str, Scheme]:
    """The code lists of a data folder (`codelists/`), checked file by file and for their links
    to each other; what is wrong goes into `report`. The one code-list loader: the build and
    the extractor both read code lists through it."""
    schemes: dict[str, Scheme] = {}
    for scheme_id in SCHEMES:
        file = Path(data_dir) / "codelists" / SCHEME_FILES[scheme_id]
        if not file.is_file():
            report.add(problem("missing-file", display_path(file), None, what="code list", name=display_path(file)))
            continue
        s = load_scheme(file, report)
        if progress:
            progress()
        if s is not None:
            if s.id != scheme_id:
                report.add(problem("bad-identifier", s.origin.path, s.origin.line,
                                   what=f"scheme id (must be '{scheme_id}' in this file)", value=s.id))
            schemes[scheme_id] = s
    _check_scheme_links(schemes, report)
    _check_qudt(schemes, report)
    return schemes


def load(data_dir: Path, base_iri: str | None = None, limit: int | None = None,
         progress: Callable[[], None] | None = None,
         reuse: Callable[[Path], Source | None] | None = None) -> tuple[Model | None, Report]:
    """Load a data folder. Returns the model (None if anything is wrong) and the report.

    `progress`, if given, is called once per file read (code lists, dataset.yaml, sources).
    `reuse(file)` may return the source a previous build loaded from exactly this file
    (incremental builds); it is then not parsed again."""
    step = progress or (lambda: None)
    report = Report() if limit is None else Report(limit=limit)
    data_dir = Path(data_dir)
    schemes = load_schemes(data_dir, report, progress=step)
    info = load_dataset_info(data_dir / "dataset.yaml", report, schemes)
    step()
    if info is not None and base_iri is not None:
        info.base_iri = base_iri
    sources = []
    source_files = sorted((data_dir / "sources").glob("*.yaml"))
    if not source_files:
        report.add(problem("missing-file", display_path(data_dir / "sources"), None,
                           what="source files (*.yaml) in", name=display_path(data_dir / "sources")))
    workers = parallel.workers(len(source_files))
    if workers == 1:
        for file in source_files:
            s = (reuse(file) if reuse else None) or load_source(file, report, schemes)
            step()
            if s is not None:
                sources.append(s)
    else:  # the same, with the files not reused loaded by worker processes
        reused = [reuse(file) if reuse else None for file in source_files]
        to_load = [file for file, s in zip(source_files, reused) if s is None]
        loaded = parallel.ordered(_load_sources, to_load, (schemes, report.limit),
                                  parallel.workers(len(to_load)))  # few changed files: no pool
        try:
            for s in reused:
                if s is None:
                    s, own = next(loaded)
                    report.merge(own)
                step()
                if s is not None:
                    sources.append(s)
        finally:
            loaded.close()  # the workers end here
    if not report.ok or info is None:
        return None, report
    return Model(dataset=info, schemes=schemes, sources=sources), report
