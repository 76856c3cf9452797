"""The figures of a page: tables, static SVG charts and province maps of facts. No I/O.

Pages that list figures (the dataset, a province, a programme, an indicator, a period …)
show at most FIGURE_LIMIT of them and CHART_LIMIT charts (MAP_LIMIT maps), and say where the
rest are (the CSV, the observation documents, SPARQL): at national scale the dataset has
100,000 figures. Tables are rendered in Python (`figures_table`), not by Jinja macros: a
national build renders many thousands of rows.

Every chart and map gives its figures: a CSV of exactly them, written beside the page
(`rdf.files.figures_csv`), and the SPARQL query that reproduces them, which the link opens
in the in-browser SPARQL page (`sparql/index.html#query=…`). A group of figures is named by
the dimensions its figures share (`DIMS`): the query asks for those values.
"""

from __future__ import annotations

import csv
import heapq
import io
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from markupsafe import Markup, escape
from rdflib import URIRef

from ..model.records import Fact
from ..rdf.files import figures_csv
from ..rdf.vocab import QB, SDMX_ATTRIBUTE, SDMX_MEASURE
from . import charts, maps
from .i18n import LANGS, bi, label, msg, number, text
from .links import CSV_DOWNLOAD, SPARQL_PAGE, Links

# the figures the dataset page charts: people served and money paid, per programme
HEADLINE_INDICATORS = ("beneficiaries", "payments")
# Pages that list figures show at most this many rows, charts and maps; the rest are one link away.
FIGURE_LIMIT = 250
CHART_LIMIT = 24
MAP_LIMIT = 12


def number_text(value: Fraction) -> str:
    """A figure as English readers write it: 1,100,000; 12.5; 1,234.75."""
    return number(value, "en")


# -- the dimensions of a figure ------------------------------------------------------------------

@dataclass(frozen=True)
class Dim:
    name: str                       # the CSV column and query variable
    scheme: str | None              # code list of its values (None: the period)
    predicate: str                  # in the query
    code: Callable[[Fact], str]


DIMS: dict[str, Dim] = {d.name: d for d in (
    Dim("province", "province", "asdh:refArea", lambda f: f.province),
    Dim("period", None, "asdh:refPeriod", lambda f: f.period.notation),
    Dim("periodKind", "period-kind", "asdh:periodKind", lambda f: f.period_kind),
    Dim("programme", "programme", "asdh:programme", lambda f: f.programme),
    Dim("targetGroup", "target-group", "asdh:targetGroup", lambda f: f.target_group),
    Dim("indicator", "indicator", "asdh:indicator", lambda f: f.indicator),
    Dim("unit", "unit", "sdmx-attribute:unitMeasure", lambda f: f.unit),
)}


def dim_uri(links: Links, dim: str, f: Fact) -> URIRef:
    d = DIMS[dim]
    return links.uris.period(f.period) if d.scheme is None else links.uris.concept(d.scheme, d.code(f))


def dim_label(links: Links, dim: str, f: Fact, lang: str) -> str:
    d = DIMS[dim]
    return d.code(f) if d.scheme is None else links.concept_label(d.scheme, d.code(f), lang)


def figures_query(links: Links, title: str, fixed: dict[str, URIRef], limit: int | None) -> str:
    """The SPARQL query that gives the figures whose dimensions have the `fixed` values."""
    u = links.uris
    free = [d for d in DIMS if d not in fixed]
    pattern = [f"qb:dataSet <{u.dataset}>"]
    pattern += [f"{DIMS[d].predicate} <{v}>" for d, v in fixed.items()]
    pattern += [f"{DIMS[d].predicate} ?{d}" for d in free]
    pattern.append("sdmx-measure:obsValue ?value")
    lines = [f"# {title}", "# The figures of a chart or map of the site: one row per figure, largest first.",
             f"PREFIX asdh: <{u.asdh}>", f"PREFIX qb: <{QB}>", f"PREFIX sdmx-measure: <{SDMX_MEASURE}>",
             f"PREFIX sdmx-attribute: <{SDMX_ATTRIBUTE}>", "",
             f"SELECT ?obs {' '.join('?' + d for d in free)} ?value",
             f"FROM <{u.graph('data')}>",
             "WHERE {", "  ?obs " + " ;\n       ".join(pattern) + " .", "}",
             "ORDER BY DESC(?value) ?obs"]
    if limit is not None:
        lines.append(f"LIMIT {limit}")
    return "\n".join(lines) + "\n"


def figures_csv_bytes(links: Links, facts: list[Fact]) -> bytes:
    """The figures as CSV: observation URI, each dimension's code, value, approximate."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["observation", *DIMS, "province_tr", "province_en", "value", "approximate"])
    for f in facts:
        w.writerow([str(links.index.fact_uri(f)), *(DIMS[d].code(f) for d in DIMS),
                    links.concept_label("province", f.province, "tr"), links.concept_label("province", f.province, "en"),
                    number(f.value, "en").replace(",", ""), "true" if f.approximate else "false"])
    return buf.getvalue().encode("utf-8")


# urllib.parse.quote(text, safe=""), as one translation of the UTF-8 bytes: quote's own
# quoter is a Python call per byte (a chart's query is a few hundred)
_UNRESERVED = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~"
_QUOTING = {i: chr(i) if i in _UNRESERVED else f"%{i:02X}" for i in range(256)}


def quoted(text: str) -> str:
    """`urllib.parse.quote(text, safe="")`: every byte of its UTF-8 but the unreserved ones as %XX."""
    return text.encode("utf-8").decode("latin-1").translate(_QUOTING)


def give_figures(links: Links, stem: str, ident: str, title_en: str, facts: list[Fact],
                 fixed: dict[str, URIRef], limit: int | None, files: dict[str, bytes]) -> dict:
    """The CSV of `facts` beside the page (into `files`) and the links to it and to the query."""
    path = figures_csv(stem, ident)
    files[path] = figures_csv_bytes(links, facts)
    sparql = None
    if SPARQL_PAGE in links.index.existing:
        query = figures_query(links, title_en, fixed, limit)
        sparql = links.rel(stem, SPARQL_PAGE) + "#query=" + quoted(query)
    return {"csv": links.rel(stem, path), "sparql": sparql}


# -- tables ---------------------------------------------------------------------------------------

_NUM = ' class="num"'
_COLUMNS = ("province", "period", "programme", "target-group", "indicator", "value", "unit")


def _head() -> str:
    cells = "".join(f'<th scope="col"{_NUM if c == "value" else ""}>{msg(c)}</th>' for c in _COLUMNS)
    return f"<thead><tr>{cells}</tr></thead>\n"


def figures_table(rows: list[dict], caption: Markup | str, ident: str) -> Markup:
    """A table of figures (`figure_rows`): province, period, programme, target group,
    indicator (linked to the observation), value, unit. Its scrolling box is a region named
    by the caption (`ident`-cap), so its name switches language with the page."""
    cap = f"{ident}-cap"
    out = [f'<div class="scroll" role="region" aria-labelledby="{cap}" tabindex="0">\n<table>\n'
           f'<caption id="{cap}">{caption}</caption>\n', _head(), "<tbody>\n"]
    for f in rows:
        out.append(f'<tr><td>{f["province"]}</td><td>{escape(f["period"])} <small>{f["kind"]}</small></td>'
                   f'<td>{f["programme"]}</td><td>{f["target"]}</td>'
                   f'<th scope="row"><a href="{escape(f["href"])}">{f["indicator"]}</a></th>'
                   f'<td class="num">{"≈ " if f["approximate"] else ""}{f["value"]}</td><td>{f["unit"]}</td></tr>\n')
    out.append("</tbody>\n</table>\n</div>")
    return Markup("".join(out))


def map_table(rows: list[dict], caption: Markup | str, ident: str) -> Markup:
    """The table beside a map: province (linked to the observation) and value; what the figures
    share (indicator, unit, period …) is in the caption."""
    cap = f"{ident}-cap"
    out = [f'<div class="scroll" role="region" aria-labelledby="{cap}" tabindex="0">\n<table>\n'
           f'<caption id="{cap}">{caption}</caption>\n'
           f'<thead><tr><th scope="col">{msg("province")}</th><th scope="col"{_NUM}>{msg("value")}</th></tr></thead>\n<tbody>\n']
    for f in rows:
        out.append(f'<tr><th scope="row"><a href="{escape(f["href"])}">{f["province"]}</a></th>'
                   f'<td class="num">{"≈ " if f["approximate"] else ""}{f["value"]}</td></tr>\n')
    out.append("</tbody>\n</table>\n</div>")
    return Markup("".join(out))


def _bi_label(links: Links, scheme: str, code: str) -> Markup:
    key = (scheme, code)
    m = links.bi_labels.get(key)  # a few hundred concepts, asked for by the hundred thousand
    if m is None:
        m = links.bi_labels[key] = label(links.concept_label(scheme, code, "tr"), links.concept_label(scheme, code, "en"))
    return m


def _fact_key(f: Fact) -> tuple:
    return f.key


def figure_rows(links: Links, from_stem: str, facts: list[Fact], limit: int | None = None,
                ordered: bool = False) -> list[dict]:
    rows = []
    if ordered:
        chosen = facts[:limit]
    elif limit is not None and limit < len(facts):  # the same as sorted(…)[:limit] (stable), without sorting all
        chosen = heapq.nsmallest(limit, facts, key=_fact_key)
    else:
        chosen = sorted(facts, key=_fact_key)
    for f in chosen:
        rows.append({"href": links.href(from_stem, links.index.fact_uri(f)),
                     "province": _bi_label(links, "province", f.province),
                     "period": f.period.notation, "kind": _bi_label(links, "period-kind", f.period_kind),
                     "programme": _bi_label(links, "programme", f.programme),
                     "target": _bi_label(links, "target-group", f.target_group),
                     "indicator": _bi_label(links, "indicator", f.indicator),
                     "value": bi(*(number(f.value, lang) for lang in LANGS)),
                     "approximate": f.approximate, "unit": _bi_label(links, "unit", f.unit)})
    return rows


def figures(links: Links, ctx: dict, stem: str, facts: list[Fact]) -> None:
    """The figures table of a page (at most FIGURE_LIMIT rows) and where the rest are."""
    ctx["figures"] = figure_rows(links, stem, facts, FIGURE_LIMIT)
    ctx["figures_total"] = len(facts)
    ctx["csv_href"] = links.rel(stem, CSV_DOWNLOAD) if CSV_DOWNLOAD in links.index.existing else None


# -- charts ---------------------------------------------------------------------------------------

def measure(links: Links, f: Fact, lang: str = "en") -> str:
    """e.g. "Beneficiaries (children)": what a chart's bars count, in which unit."""
    return f"{links.concept_label('indicator', f.indicator, lang)} ({links.concept_label('unit', f.unit, lang)})"


def where_when(links: Links, f: Fact, lang: str = "en") -> str:
    kind = links.concept_label("period-kind", f.period_kind, lang)
    return f"{links.concept_label('province', f.province, lang)}, {f.period.notation} ({kind[:1].lower()}{kind[1:]})"


def chart_set(links: Links, from_stem: str, facts: list[Fact], group: tuple[str, ...], bars: tuple[str, ...],
              title: Callable[[Fact, str], str], prefix: str, files: dict[str, bytes],
              fixed: dict[str, URIRef] | None = None, indicators: tuple[str, ...] | None = None) -> list[dict]:
    """Bar charts of `facts` grouped by the dimensions `group` (groups of one figure are not
    charted), at most CHART_LIMIT, the headline indicators first; each bar labelled by the
    dimensions `bars` that tell it apart, each chart with the table, CSV and query of its
    figures. `fixed`: what the page's figures share already (a programme page's programme)."""
    groups: dict[tuple, list[Fact]] = defaultdict(list)
    for f in facts:
        if indicators is None or f.indicator in indicators:
            groups[tuple(DIMS[d].code(f) for d in group)].append(f)
    rank = {ind: i for i, ind in enumerate(HEADLINE_INDICATORS)}
    ind_at = group.index("indicator")
    out = []
    for k in sorted(groups, key=lambda k: (rank.get(k[ind_at], len(rank)), k)):
        fs = groups[k]
        if len(fs) < 2:
            continue
        if len(out) == CHART_LIMIT:
            break
        labels = {}
        for lang in LANGS:
            parts = {id(f): tuple(" ".join(dim_label(links, d, f, lang) for d in dd.split("+")) for dd in bars)
                     for f in fs}
            # say only what tells the bars apart: drop the parts every bar shares
            keep = [i for i in range(len(bars)) if len({p[i] for p in parts.values()}) > 1]
            labels[lang] = {key: ", ".join(p[i] for i in keep) or ", ".join(p) for key, p in parts.items()}
        total = len(fs)
        fs = sorted(fs, key=lambda f: (-f.value, labels["en"][id(f)]))[:FIGURE_LIMIT]
        unit = {lang: links.concept_label("unit", fs[0].unit, lang) for lang in LANGS}
        drawn = [charts.Bar({lang: labels[lang][id(f)] for lang in LANGS}, float(f.value),
                            {lang: f"{number(f.value, lang)} {unit[lang]}" for lang in LANGS},
                            links.href(from_stem, links.index.fact_uri(f))) for f in fs]
        ident = f"{prefix}-{len(out) + 1}"
        heading = {lang: title(fs[0], lang) for lang in LANGS}
        desc = {lang: text("chart-desc", lang, n=len(drawn), unit=unit[lang], label=drawn[0].label[lang],
                           value=drawn[0].text[lang]) for lang in LANGS}
        shared = {**(fixed or {}), **{d: dim_uri(links, d, fs[0]) for d in group}}
        out.append({"id": ident, "title": bi(heading["tr"], heading["en"]), "title_en": heading["en"],
                    "svg": Markup(charts.bar_chart(ident, heading, desc, drawn)),
                    "caption": msg("chart-figures", title=heading),
                    "rows": figure_rows(links, from_stem, fs, ordered=True),
                    "give": give_figures(links, from_stem, ident, heading["en"], fs, shared,
                                         FIGURE_LIMIT if total > FIGURE_LIMIT else None, files)})
    return out


def _per_programme(links: Links) -> Callable[[Fact, str], str]:
    return lambda f, lang: text("per-programme", lang, measure=measure(links, f, lang),
                                where=where_when(links, f, lang))


def headline_charts(links: Links, stem: str, files: dict[str, bytes]) -> list[dict]:
    """People served and money paid per programme, for each province and period (home, dataset)."""
    return chart_set(links, stem, links.index.all_facts,
                     group=("province", "indicator", "unit", "period", "periodKind"),
                     bars=("programme", "targetGroup"), title=_per_programme(links), prefix="chart",
                     files=files, indicators=HEADLINE_INDICATORS)


def province_charts(links: Links, stem: str, facts: list[Fact], files: dict[str, bytes]) -> list[dict]:
    """A province's figures per programme, one chart per indicator and period."""
    return chart_set(links, stem, facts, group=("indicator", "unit", "period", "periodKind"),
                     bars=("programme", "targetGroup"), title=_per_programme(links), prefix="chart", files=files,
                     fixed={"province": dim_uri(links, "province", facts[0])} if facts else None)


def programme_charts(links: Links, stem: str, facts: list[Fact], files: dict[str, bytes]) -> list[dict]:
    """A programme's figures by province, one chart per indicator."""
    return chart_set(
        links, stem, facts, group=("indicator", "unit"), bars=("province", "period+periodKind", "targetGroup"),
        title=lambda f, lang: text("by-province", lang, measure=measure(links, f, lang),
                                   programme=links.concept_label("programme", f.programme, lang)),
        prefix="chart", files=files,
        fixed={"programme": dim_uri(links, "programme", facts[0])} if facts else None)


# -- maps -----------------------------------------------------------------------------------------

def coverage_map(links: Links, stem: str, outlines: maps.Outlines | None) -> dict | None:
    """The home page's map: each province with figures coloured and linked to its page."""
    if outlines is None:
        return None
    counts: dict[str, int] = defaultdict(int)
    for f in links.index.all_facts:
        counts[f.province] += 1
    areas = []
    for code in outlines.paths:
        name = links.concept_label("province", code, "tr")
        if code in counts:
            areas.append(maps.Area(code, name, "has", maps.grouped(counts[code]),
                                   links.href(stem, links.uris.concept("province", code))))
        else:
            areas.append(maps.Area(code, name, "nd"))
    n = len(counts)
    ident = "map-coverage"
    titles = {lang: text("coverage-title", lang, n=n) for lang in LANGS}
    descs = {lang: text("coverage-desc", lang, n=n) for lang in LANGS}
    return {"id": ident, "title": bi(titles["tr"], titles["en"]), "defs": Markup(maps.defs(outlines)),
            "svg": Markup(maps.choropleth(ident, titles, descs, areas, outlines)),
            "legend": [{"cls": "has", "text": msg("has-data")}, {"cls": "nd", "text": msg("no-data")}],
            "notice": outlines.notice.split("\n", 1)[0]}


def value_maps(links: Links, stem: str, facts: list[Fact], group: tuple[str, ...], what: tuple[str, ...],
               fixed: dict[str, URIRef], outlines: maps.Outlines | None, files: dict[str, bytes]) -> list[dict]:
    """A map per group of `facts` sharing the dimensions `group` (one figure per province):
    value per province in at most maps.CLASSES classes, the legend's bounds, the table beside
    it, its CSV and query. The groups reporting most provinces first, at most MAP_LIMIT."""
    if outlines is None:
        return []
    groups: dict[tuple, list[Fact]] = defaultdict(list)
    for f in facts:
        groups[tuple(DIMS[d].code(f) for d in group)].append(f)
    out = []
    for k in sorted(groups, key=lambda k: (-len({f.province for f in groups[k]}), k))[:MAP_LIMIT]:
        fs = sorted(groups[k], key=lambda f: (-f.value, f.province))
        first = fs[0]
        bounds = maps.breaks([float(f.value) for f in fs])
        lows = [min(float(f.value) for f in fs if maps.klass(float(f.value), bounds) == i)
                for i in range(1, len(bounds) + 1)]  # each class from its smallest value to its bound
        areas = [maps.Area(f.province, links.concept_label("province", f.province, "tr"),
                           f"c{maps.klass(float(f.value), bounds)}",
                           maps.grouped(int(f.value)) if f.value.denominator == 1 else number(f.value, "en"),
                           links.href(stem, links.index.fact_uri(f))) for f in fs]
        have = {f.province for f in fs}
        areas += [maps.Area(c, links.concept_label("province", c, "tr"), "nd") for c in outlines.paths if c not in have]
        ident = f"map-{len(out) + 1}"
        titles = {lang: text("map-title", lang, measure=measure(links, first, lang),
                             what=", ".join(dim_label(links, d, first, lang) for d in what),
                             period=f"{first.period.notation} ({links.concept_label('period-kind', first.period_kind, lang)})")
                  for lang in LANGS}
        descs = {lang: text("map-desc", lang, n=len(fs), k=len(bounds)) for lang in LANGS}
        legend = []
        for i, (lo, hi) in enumerate(zip(lows, bounds), start=1):
            span = {lang: _num(lo, lang) if lo == hi else f"{_num(lo, lang)} – {_num(hi, lang)}" for lang in LANGS}
            legend.append({"cls": f"c{i}", "text": bi(span["tr"], span["en"])})
        legend.append({"cls": "nd", "text": msg("no-data")})
        shared = {**fixed, **{d: dim_uri(links, d, first) for d in group}}
        out.append({"id": ident, "title": bi(titles["tr"], titles["en"]), "defs": None,
                    "svg": Markup(maps.choropleth(ident, titles, descs, areas, outlines)), "legend": legend,
                    "caption": msg("map-figures", title=titles), "rows": figure_rows(links, stem, fs, ordered=True),
                    "give": give_figures(links, stem, ident, titles["en"], fs, shared, None, files)})
    if out:
        out[0]["defs"] = Markup(maps.defs(outlines))
    return out


def _num(x: float, lang: str) -> str:
    return number(Fraction(x).limit_denominator(100), lang)


def programme_maps(links: Links, stem: str, facts: list[Fact], outlines, files) -> list[dict]:
    return value_maps(links, stem, facts, ("indicator", "unit", "targetGroup", "period", "periodKind"),
                      ("targetGroup",), {"programme": dim_uri(links, "programme", facts[0])} if facts else {},
                      outlines, files)


def indicator_maps(links: Links, stem: str, facts: list[Fact], outlines, files) -> list[dict]:
    return value_maps(links, stem, facts, ("programme", "targetGroup", "unit", "period", "periodKind"),
                      ("programme", "targetGroup"), {"indicator": dim_uri(links, "indicator", facts[0])} if facts else {},
                      outlines, files)


def observation_documents(links: Links, stem: str, facts: list[Fact]) -> list[dict]:
    """The observation documents (one per province and period) that hold `facts`."""
    counts: dict[URIRef, int] = defaultdict(int)
    for f in facts:
        counts[links.index.hash_doc[links.index.fact_uri(f)].uri] += 1
    return [{**links.term(stem, d), "count": n} for d, n in sorted(counts.items())]
