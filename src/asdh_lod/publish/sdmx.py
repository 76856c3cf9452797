"""SDMX: the observations as SDMX-CSV 2.0, and their structure as an SDMX-ML 3.0 structure
message (the data structure definition, its concept scheme and code lists). No I/O.

The data structure follows the cube's: dimensions REF_AREA, PERIOD_KIND, PROGRAMME,
TARGET_GROUP, INDICATOR and the time dimension TIME_PERIOD; the measure OBS_VALUE; the
attributes UNIT_MEASURE (coded), APPROXIMATE, PRECISION, REF_PERIOD (our ISO 8601 period),
SOURCE_DOCUMENT, SOURCE_QUOTE and OBS_URI (the observation's IRI in the cube). Code lists are
our SKOS schemes with the same codes and Turkish and English names.

TIME_PERIOD is an SDMX time period: a calendar year, month or day as is ("2025", "2024-05",
"2025-12-31"); an interval with a known start as an SDMX time range, start and duration
("2013-01-01/P11Y5M": 2013 to May 2024); an interval whose start is unknown ("..--2024-05",
cumulative since a program began) has no SDMX form, so its time period is its end ("2024-05")
and REF_PERIOD keeps the interval. `check_sdmx` reports, before rendering, two observations
that would share one SDMX key, and codes that are not SDMX identifiers.

The CSV has labels (SDMX-CSV `labels=both`) on its coded columns: the header "ID: Name" and
each cell "code: name" (English). Deterministic: the same model gives the same bytes (the
structure message's `Prepared` time is the dataset's modified date).
"""

from __future__ import annotations

import csv
import heapq
import io
import re
from collections.abc import Iterable
from datetime import date, timedelta
from operator import itemgetter
from xml.sax.saxutils import escape

from ..core.problems import Report, problem
from ..model.numbers import exact_decimal
from ..model.records import Fact, Model, Source
from ..rdf.files import FILES
from ..rdf.uris import Uris
from .csvw import QUOTE_SEPARATOR

AGENCY, VERSION = "ASDH_LOD", "1.0"
DSD_ID = "DSD_PROVINCIAL"
CONCEPT_SCHEME = "CS_PROVINCIAL"
STRUCTURE_ID = f"{AGENCY}:{DSD_ID}({VERSION})"  # what the CSV's STRUCTURE_ID names
ID = re.compile(r"^[A-Za-z0-9_@$\-]+$")  # SDMX IDType
NS = {"mes": "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/message",
      "str": "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/structure",
      "com": "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/common"}
URN = "urn:sdmx:org.sdmx.infomodel."

# the coded dimensions, in key order: (SDMX id, our scheme, the fact's field, names en/tr)
DIMENSIONS = (
    ("REF_AREA", "province", "province", {"en": "Province", "tr": "İl"}),
    ("PERIOD_KIND", "period-kind", "period_kind", {"en": "Period kind", "tr": "Dönem türü"}),
    ("PROGRAMME", "programme", "programme", {"en": "Programme", "tr": "Program"}),
    ("TARGET_GROUP", "target-group", "target_group", {"en": "Target group", "tr": "Hedef kitle"}),
    ("INDICATOR", "indicator", "indicator", {"en": "Indicator", "tr": "Gösterge"}),
)
TIME = ("TIME_PERIOD", {"en": "Time period", "tr": "Zaman dönemi"})
MEASURE = ("OBS_VALUE", {"en": "Observation value", "tr": "Gözlem değeri"})
UNIT = ("UNIT_MEASURE", "unit", {"en": "Unit of measure", "tr": "Ölçü birimi"})
# the uncoded attributes: (id, SDMX text type, required, names)
ATTRIBUTES = (
    ("APPROXIMATE", "Boolean", True, {"en": "Approximate", "tr": "Yaklaşık"}),
    ("PRECISION", "Decimal", False, {"en": "Precision of a rounded figure", "tr": "Yuvarlanmış rakamın duyarlığı"}),
    ("REF_PERIOD", "String", True, {"en": "Reference period (ISO 8601)", "tr": "Referans dönemi (ISO 8601)"}),
    ("SOURCE_DOCUMENT", "String", True, {"en": "Source document", "tr": "Kaynak belge"}),
    ("SOURCE_QUOTE", "String", True, {"en": "Source quote (Turkish)", "tr": "Kaynak alıntısı"}),
    ("OBS_URI", "URI", True, {"en": "Observation IRI in the RDF cube", "tr": "RDF küpündeki gözlem IRI'si"}),
)
CODED_SCHEMES = tuple(s for _id, s, _f, _n in DIMENSIONS) + (UNIT[1],)


def codelist_id(scheme: str) -> str:
    return "CL_" + scheme.upper().replace("-", "_")


def time_period(f: Fact) -> str:
    """The SDMX time period of a fact's period (see the module's docstring)."""
    p = f.period
    if "--" not in p.notation:
        return p.notation  # a year, month or day
    if p.begin is None:
        return p.notation.split("--", 1)[1]  # unknown start: its end
    return f"{p.begin.isoformat()}/{_duration(p.begin, p.end + timedelta(days=1))}"


def _duration(start: date, stop: date) -> str:
    """The ISO 8601 duration from `start` to `stop` (exclusive): whole months (a month added to
    the 31st ends on the month's last day), then days."""
    months = (stop.year - start.year) * 12 + stop.month - start.month
    if _add_months(start, months) > stop:
        months -= 1
    days = (stop - _add_months(start, months)).days
    years, months = divmod(months, 12)
    text = "".join(f"{n}{u}" for n, u in ((years, "Y"), (months, "M"), (days, "D")) if n)
    return "P" + (text or "0D")


def _add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    first_of_next = date(d.year + y + (m + 1) // 12, (m + 1) % 12 + 1, 1)
    return date(d.year + y, m + 1, min(d.day, (first_of_next - timedelta(days=1)).day))


def _number(value) -> str:
    dec = exact_decimal(value)
    if dec is None:  # a fraction without an exact decimal: as many digits as a double holds
        return f"{float(value):.15g}"
    return format(dec.normalize(), "f")


def _key(f: Fact) -> tuple[str, ...]:
    return tuple(getattr(f, field) for _id, _s, field, _n in DIMENSIONS) + (time_period(f),)


def check_sdmx(model: Model, report: Report) -> Report:
    """What SDMX cannot carry, found before rendering: codes that are not SDMX identifiers,
    and observations that would share one SDMX key (an unknown-start interval and a calendar
    period with the same end)."""
    for scheme in CODED_SCHEMES:
        for c in model.schemes[scheme].concepts.values():
            if not ID.match(c.code):
                report.add(problem("bad-identifier", c.origin.path, c.origin.line,
                                   what=f"code (an SDMX identifier in {codelist_id(scheme)})", value=c.code))
    seen: dict[tuple[str, ...], Fact] = {}
    for f in model.facts:
        k = _key(f)
        if k in seen:
            report.add(problem("duplicate-observation", f.origin.path, f.origin.line, fact=f.id,
                               other=seen[k].id, where=f"in the SDMX download, time period {k[-1]}"))
        else:
            seen[k] = f
    return report


# ---------------------------------------------------------------------------------------
# SDMX-CSV 2.0

def _label(model: Model, scheme: str, code: str) -> str:
    c = model.schemes[scheme].concepts.get(code)
    if c is not None:
        return c.label.get("en") or c.label.get("tr") or code
    country = model.schemes[scheme].extra.get("country")  # the provinces' country, e.g. TR
    return dict(country["label"]).get("en", code) if country and str(country["iso"]) == code else code


def source_rows(model: Model, uris: Uris, src: Source) -> list[tuple[tuple[str, ...], bytes]]:
    """The SDMX-CSV rows of one source's facts: (SDMX key, the row as UTF-8 bytes with its
    line end), in key order. An incremental build keeps them per source; `sdmx_csv` merges them."""
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    out = []
    for f in sorted(src.facts, key=_key):
        row = ["datastructure", STRUCTURE_ID, "I"]
        row += [f"{getattr(f, field)}: {_label(model, scheme, getattr(f, field))}"
                for _id, scheme, field, _n in DIMENSIONS]
        row += [time_period(f), _number(f.value), f"{f.unit}: {_label(model, 'unit', f.unit)}",
                "true" if f.approximate else "false",
                _number(f.precision) if f.precision is not None else "",
                f.period.notation, f.document,
                QUOTE_SEPARATOR.join(q.quote for q in [f.quote, *f.also_quoted]), str(uris.fact(f))]
        w.writerow(row)
        out.append((_key(f), buf.getvalue().encode("utf-8")))
        buf.seek(0)
        buf.truncate()
    return out


def sdmx_csv(model: Model, uris: Uris, by_source: Iterable[list[tuple[tuple[str, ...], bytes]]] | None = None) -> bytes:
    """One row per observation: STRUCTURE, STRUCTURE_ID, ACTION, the dimensions (coded ones as
    "code: name"), OBS_VALUE, UNIT_MEASURE ("code: name") and the attributes. UTF-8, CRLF.
    `by_source`: each source's `source_rows` (made here when not given), merged in key order
    (a stable merge: facts with one key stay in source order)."""
    if by_source is None:
        by_source = [source_rows(model, uris, src) for src in model.sources]
    header = ["STRUCTURE", "STRUCTURE_ID", "ACTION"]
    header += [f"{ident}: {names['en']}" for ident, _s, _f, names in DIMENSIONS]
    header += [TIME[0], MEASURE[0], f"{UNIT[0]}: {UNIT[2]['en']}"] + [a[0] for a in ATTRIBUTES]
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL).writerow(header)
    return b"".join([buf.getvalue().encode("utf-8"), *(line for _key, line in heapq.merge(*by_source, key=itemgetter(0)))])


# ---------------------------------------------------------------------------------------
# SDMX-ML 3.0 structure message

def _names(names: dict[str, str], indent: str) -> list[str]:
    return [f'{indent}<com:Name xml:lang="{lang}">{escape(names[lang])}</com:Name>' for lang in sorted(names)]


def _concept_urn(ident: str) -> str:
    return f"{URN}conceptscheme.Concept={AGENCY}:{CONCEPT_SCHEME}({VERSION}).{ident}"


def _codelist_urn(scheme: str) -> str:
    return f"{URN}codelist.Codelist={AGENCY}:{codelist_id(scheme)}({VERSION})"


def _codelist(model: Model, scheme: str) -> list[str]:
    s = model.schemes[scheme]
    out = [f'      <str:Codelist id="{codelist_id(scheme)}" urn="{_codelist_urn(scheme)}" version="{VERSION}" '
           f'agencyID="{AGENCY}" isExternalReference="false" isPartial="false">', *_names(s.label, "        ")]
    country = s.extra.get("country")
    codes = []
    if country:  # the provinces' country (national figures), parent of every province
        codes.append((str(country["iso"]), dict(country["label"]), None))
    codes += [(c.code, c.label, c.broader or (str(country["iso"]) if country else None))
              for c in s.concepts.values()]
    for code, label, parent in codes:
        out.append(f'        <str:Code id="{code}" urn="{URN}codelist.Code={AGENCY}:{codelist_id(scheme)}'
                   f'({VERSION}).{code}">')
        out += _names(label, "          ")
        if parent is not None:
            out.append(f"          <str:Parent>{parent}</str:Parent>")
        out.append("        </str:Code>")
    out.append("      </str:Codelist>")
    return out


def _component(tag: str, ident: str, representation: str, extra: str = "", after: list[str] = ()) -> list[str]:
    return [f'          <str:{tag} id="{ident}"{extra}>',
            f"            <str:ConceptIdentity>{_concept_urn(ident)}</str:ConceptIdentity>",
            "            <str:LocalRepresentation>", f"              {representation}",
            "            </str:LocalRepresentation>", *after, f"          </str:{tag}>"]


def _enumeration(scheme: str) -> str:
    return (f"<str:Enumeration>{_codelist_urn(scheme)}</str:Enumeration>"
            '<str:EnumerationFormat textType="String"/>')


def structure_xml(model: Model, uris: Uris) -> bytes:
    """The SDMX-ML 3.0 structure message: code lists, the concept scheme, the data structure."""
    info = model.dataset
    prepared = (info.modified or info.issued).isoformat() + "T00:00:00Z"
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             f'<mes:Structure xmlns:mes="{NS["mes"]}" xmlns:str="{NS["str"]}" xmlns:com="{NS["com"]}">',
             "  <mes:Header>", f"    <mes:ID>{AGENCY}_{DSD_ID}_STRUCTURE</mes:ID>", "    <mes:Test>false</mes:Test>",
             f"    <mes:Prepared>{prepared}</mes:Prepared>", f'    <mes:Sender id="{AGENCY}"/>',
             "  </mes:Header>", "  <mes:Structures>", "    <str:Codelists>"]
    for scheme in sorted(set(CODED_SCHEMES), key=codelist_id):
        lines += _codelist(model, scheme)
    lines += ["    </str:Codelists>", "    <str:ConceptSchemes>",
              f'      <str:ConceptScheme id="{CONCEPT_SCHEME}" urn="{URN}conceptscheme.ConceptScheme={AGENCY}:'
              f'{CONCEPT_SCHEME}({VERSION})" version="{VERSION}" agencyID="{AGENCY}" isExternalReference="false" '
              'isPartial="false">',
              *_names({"en": "Concepts of " + info.title["en"], "tr": info.title["tr"] + " kavramları"}, "        ")]
    concepts = [(i, n) for i, _s, _f, n in DIMENSIONS] + [TIME, MEASURE, (UNIT[0], UNIT[2])]
    concepts += [(a[0], a[3]) for a in ATTRIBUTES]
    for ident, names in concepts:
        lines += [f'        <str:Concept id="{ident}" urn="{_concept_urn(ident)}">', *_names(names, "          "),
                  "        </str:Concept>"]
    lines += ["      </str:ConceptScheme>", "    </str:ConceptSchemes>", "    <str:DataStructures>",
              f'      <str:DataStructure id="{DSD_ID}" urn="{URN}datastructure.DataStructure={STRUCTURE_ID}" '
              f'version="{VERSION}" agencyID="{AGENCY}" isExternalReference="false">',
              *_names(info.title, "        "),
              "        <str:DataStructureComponents>", "          <str:DimensionList>"]
    body: list[str] = []
    for position, (ident, scheme, _f, _n) in enumerate(DIMENSIONS, start=1):
        body += _component("Dimension", ident, _enumeration(scheme), f' position="{position}"')
    body += _component("TimeDimension", TIME[0], '<str:TextFormat textType="ObservationalTimePeriod"/>')
    lines += ["  " + b for b in body] + ["          </str:DimensionList>", "          <str:AttributeList>"]
    observation = ["            <str:AttributeRelationship>", "              <str:Observation/>",
                   "            </str:AttributeRelationship>"]
    body = _component("Attribute", UNIT[0], _enumeration(UNIT[1]), ' usage="mandatory"', observation)
    for ident, text_type, required, _n in ATTRIBUTES:
        body += _component("Attribute", ident, f'<str:TextFormat textType="{text_type}"/>',
                           f' usage="{"mandatory" if required else "optional"}"', observation)
    lines += ["  " + b for b in body] + ["          </str:AttributeList>", "          <str:MeasureList>"]
    lines += ["  " + b for b in _component("Measure", MEASURE[0], '<str:TextFormat textType="Decimal"/>')]
    lines += ["          </str:MeasureList>", "        </str:DataStructureComponents>", "      </str:DataStructure>",
              "    </str:DataStructures>", "  </mes:Structures>", "</mes:Structure>"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def sdmx_files(model: Model, uris: Uris, by_source: Iterable[list] | None = None) -> dict[str, bytes]:
    """The SDMX downloads: {path: bytes} (`by_source`: see `sdmx_csv`)."""
    return {FILES["sdmx-csv"].path: sdmx_csv(model, uris, by_source),
            FILES["sdmx-structure"].path: structure_xml(model, uris)}
