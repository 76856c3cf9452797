"""CSV for spreadsheet users, with W3C CSVW metadata that maps it back to the same RDF.

`observations_csv` gives a tidy table: one row per observation, codes with their Turkish
and English labels, the value, and its provenance. `csvw_metadata` describes that table
(CSV on the Web, https://www.w3.org/TR/tabular-metadata/) so that a CSVW processor
(csv2rdf) regenerates the cube's observation triples from it: `aboutUrl` mints the same
observation IRI as `uris.observation`, `propertyUrl`/`valueUrl` give the same properties and
code IRIs, `datatype` the same literal types. Label columns map to the concepts'
`skos:prefLabel`, which are triples of the published graph too; columns for people only
(the observation IRI, the period's dates, the plain value) are `suppressOutput`. Pure
functions, no I/O.

Values: the cube types a count as xsd:integer and money (or a fractional count) as
xsd:decimal; a CSVW column has one datatype, so the figure is written three times: `value`
for people (not mapped), and `value_integer` or `value_decimal`, whichever holds the cube's
literal, mapped to sdmx-measure:obsValue.
"""

from __future__ import annotations

import csv
import heapq
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from operator import itemgetter

from rdflib.namespace import DCTERMS, PROV, RDF, SKOS, XSD

from ..rdf.vocab import QB, SDMX_ATTRIBUTE, SDMX_MEASURE
from ..stages.mapping import number_text
from ..model.records import Fact, Model, Source
from ..core.problems import Report, problem
from ..rdf.files import FILES
from ..rdf.uris import Uris

CSV_PATH = FILES["csv"].path
METADATA_PATH = FILES["csv-metadata"].path  # the CSVW default location for the CSV's metadata: {csv}-metadata.json
QUOTE_SEPARATOR = " | "  # between several quotes of one figure (never inside a quote: checked)

# a dimension's scheme and property name, as in mapping.DIMENSIONS (coded ones only)
_CODED = (("province", "province", "refArea"), ("period_kind", "period-kind", "periodKind"),
          ("programme", "programme", "programme"), ("target_group", "target-group", "targetGroup"),
          ("indicator", "indicator", "indicator"))


@dataclass(frozen=True)
class Column:
    name: str
    title: str
    datatype: str = "string"
    property: str | None = None   # propertyUrl (None: not mapped to RDF, suppressOutput)
    value_url: str | None = None  # valueUrl template: the cell names a resource
    about_url: str | None = None  # the subject, if not the row's observation
    lang: str | None = None
    separator: str | None = None
    required: bool = False

    def describe(self) -> dict:
        d: dict = {"name": self.name, "titles": self.title, "datatype": self.datatype}
        if self.required:
            d["required"] = True
        if self.property is None:
            d["suppressOutput"] = True
            return d
        if self.about_url:
            d["aboutUrl"] = self.about_url
        d["propertyUrl"] = self.property
        if self.value_url:
            d["valueUrl"] = self.value_url
        if self.lang:
            d["lang"] = self.lang
        if self.separator:
            d["separator"] = self.separator
        return d


def columns(uris: Uris) -> list[Column]:
    """The table's columns, in order, with their RDF mapping."""
    A, b = str(uris.asdh), uris.base
    cols = [Column("observation", "observation IRI", "anyURI", required=True)]

    def coded(name: str, scheme: str, prop: str, title: str) -> None:
        concept = f"{b}code/{scheme}/{{{name}}}"
        cols.append(Column(name, f"{title} code", property=prop, value_url=concept, required=True))
        for lang, word in (("tr", "Türkçe"), ("en", "English")):
            cols.append(Column(f"{name}_{lang}", f"{title} ({word})", property=str(SKOS.prefLabel),
                               about_url=concept, lang=lang))

    coded("province", "province", A + "refArea", "province")
    period = f"{b}id/period/{{period}}"
    cols.append(Column("period", "reference period (ISO 8601)", property=A + "refPeriod",
                       value_url=period, required=True))
    # the period's dates, for people; in RDF the period IRI carries them (time:hasBeginning/End)
    cols.append(Column("period_start", "period start", "date"))
    cols.append(Column("period_end", "period end", "date", required=True))
    for name, scheme, prop in _CODED[1:]:
        coded(name, scheme, A + prop, name.replace("_", " "))
    coded("unit", "unit", str(SDMX_ATTRIBUTE.unitMeasure), "unit")
    cols += [
        Column("value", "value", "decimal", required=True),
        Column("value_integer", "value (xsd:integer)", "integer", property=str(SDMX_MEASURE.obsValue)),
        Column("value_decimal", "value (xsd:decimal)", "decimal", property=str(SDMX_MEASURE.obsValue)),
        Column("approximate", "approximate", "boolean", property=A + "approximate", required=True),
        Column("precision", "precision", "decimal", property=A + "precision"),
        Column("source_document", "source document", property=A + "sourceDocument",
               value_url=f"{b}id/source/{{source_document}}", required=True),
        Column("quote", "quote (Turkish)", property=A + "sourceQuote", lang="tr",
               separator=QUOTE_SEPARATOR, required=True),
        Column("fact_id", "fact identifier", property=str(DCTERMS.identifier), required=True),
    ]
    return cols


def observation_template(uris: Uris) -> str:
    """`uris.observation` as an RFC 6570 template over the row's code columns."""
    return f"{uris.dataset}/obs/{{province}}/{{period}}#{{period_kind}}/{{programme}}/{{target_group}}/{{indicator}}"


def _decimal_text(value: Fraction) -> str:
    text, _datatype = number_text(value, "decimal")
    if "/" in text:
        raise ValueError(f"{value} has no finite decimal form; it cannot be a CSV decimal")
    return text


def _plain(text: str) -> str:
    """A decimal lexical form without a needless '.0', for people."""
    return text[:-2] if text.endswith(".0") else text


def _labeller(model: Model):
    def label(scheme: str, code: str, lang: str) -> str:
        s = model.schemes[scheme]
        if code in s.concepts:
            return s.concepts[code].label.get(lang, "")
        country = s.extra.get("country") or {}
        return str(country.get("label", {}).get(lang, "")) if str(country.get("iso")) == code else ""
    return label


def _row(f: Fact, uris: Uris, unit_kinds: dict[str, str], label) -> dict[str, str]:
    text, datatype = number_text(f.value, unit_kinds[f.unit])
    is_int = datatype == XSD.integer
    quotes = [q.quote for q in [f.quote, *f.also_quoted]]
    if any(QUOTE_SEPARATOR in q for q in quotes):  # check_csv reports it before rendering
        raise ValueError(f"{f.origin}: quote contains the CSV separator {QUOTE_SEPARATOR!r}")
    row = {"observation": str(uris.fact(f))}
    for name, scheme, _ in (*_CODED, ("unit", "unit", None)):
        code = getattr(f, name)
        row[name] = code
        for lang in ("tr", "en"):
            row[f"{name}_{lang}"] = label(scheme, code, lang)
    row["period"] = f.period.notation
    row["period_start"] = f.period.begin.isoformat() if f.period.begin else ""
    row["period_end"] = f.period.end.isoformat()
    decimal = _decimal_text(f.value)
    row["value"] = _plain(decimal)
    row["value_integer"] = text if is_int else ""
    row["value_decimal"] = "" if is_int else decimal
    row["approximate"] = "true" if f.approximate else "false"
    row["precision"] = _decimal_text(f.precision) if f.precision is not None else ""
    row["source_document"] = f.document
    row["quote"] = QUOTE_SEPARATOR.join(quotes)
    row["fact_id"] = f"{f.document}#{f.id}"
    return row


def rows(model: Model, uris: Uris, facts: list[Fact] | None = None) -> list[dict[str, str]]:
    """One dict per observation (cell texts) of `facts` (default: every fact), sorted by observation IRI."""
    unit_kinds = {c.code: c.extra.get("kind", "count") for c in model.schemes["unit"].concepts.values()}
    label = _labeller(model)
    out = [_row(f, uris, unit_kinds, label) for f in (model.facts if facts is None else facts)]
    return sorted(out, key=lambda r: r["observation"])


def check_csv(model: Model, report: Report) -> None:
    """Report what the CSV cannot carry faithfully (run before rendering, with the checks)."""
    for f in model.facts:
        for q in [f.quote, *f.also_quoted]:
            if QUOTE_SEPARATOR in q.quote:
                report.add(problem("quote-has-separator", q.origin.path, q.origin.line,
                                   separator=QUOTE_SEPARATOR))


def _writer(buf: io.StringIO, names: list[str]) -> csv.DictWriter:
    return csv.DictWriter(buf, fieldnames=names, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)


def source_rows(model: Model, uris: Uris, src: Source) -> list[tuple[str, bytes]]:
    """The CSV rows of one source's facts: (observation IRI, the row as UTF-8 bytes with its
    line end), sorted. They depend on the source, the code lists and the base IRI only, so an
    incremental build keeps them per source; `observations_csv` merges them."""
    names = [c.name for c in columns(uris)]
    buf = io.StringIO(newline="")
    w = _writer(buf, names)
    out = []
    for row in rows(model, uris, src.facts):
        w.writerow(row)
        out.append((row["observation"], buf.getvalue().encode("utf-8")))
        buf.seek(0)
        buf.truncate()
    return out


def observations_csv(model: Model, uris: Uris, by_source: Iterable[list[tuple[str, bytes]]] | None = None) -> bytes:
    """The tidy CSV: UTF-8, a header row, CRLF line ends, quoted only where needed (RFC 4180).
    `by_source`: each source's `source_rows` (made here when not given), merged in IRI order."""
    if by_source is None:
        by_source = [source_rows(model, uris, src) for src in model.sources]
    buf = io.StringIO(newline="")
    _writer(buf, [c.name for c in columns(uris)]).writeheader()
    return b"".join([buf.getvalue().encode("utf-8"), *(line for _key, line in heapq.merge(*by_source, key=itemgetter(0)))])


def csvw_metadata(model: Model, uris: Uris) -> bytes:
    """The CSVW table description of `observations_csv` (JSON, UTF-8)."""
    info = model.dataset
    cols = [c.describe() for c in columns(uris)]
    cols += [  # virtual columns: the triples every observation has whatever its cells
        {"name": "type", "virtual": True, "propertyUrl": str(RDF.type), "valueUrl": str(QB.Observation)},
        {"name": "dataset", "virtual": True, "propertyUrl": str(QB.dataSet), "valueUrl": str(uris.dataset)},
        {"name": "derived_from", "virtual": True, "propertyUrl": str(PROV.wasDerivedFrom),  # = source_document
         "valueUrl": f"{uris.base}id/source/{{source_document}}"},
    ]
    doc = {
        "@context": ["http://www.w3.org/ns/csvw", {"@language": "en"}],
        "@id": str(uris.file(METADATA_PATH)),
        "url": CSV_PATH.rsplit("/", 1)[-1],
        "dc:title": [{"@value": info.title[lang], "@language": lang} for lang in sorted(info.title)],
        "dc:description": [{"@value": "One row per observation of " + info.title["en"]
                            + ": codes with their labels, the value, and the quote it comes from.",
                            "@language": "en"}],
        "dc:license": {"@id": info.license},
        "dc:source": {"@id": str(uris.dataset)},
        "dialect": {"encoding": "utf-8", "header": True, "lineTerminators": ["\r\n"],
                    "doubleQuote": True, "delimiter": ","},
        "tableSchema": {
            "aboutUrl": observation_template(uris),
            "primaryKey": "observation",
            "columns": cols,
        },
    }
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def csv_files(model: Model, uris: Uris, by_source: Iterable[list[tuple[str, bytes]]] | None = None) -> dict[str, bytes]:
    """{path: bytes} of the CSV and its metadata, for `publish.render` (`by_source`: see `observations_csv`)."""
    return {CSV_PATH: observations_csv(model, uris, by_source), METADATA_PATH: csvw_metadata(model, uris)}
