"""The figures of a page: tables and static SVG charts of facts. No I/O.

Pages that list figures (the dataset, a province, a programme, an indicator, a period …)
show at most FIGURE_LIMIT of them and CHART_LIMIT charts, and say where the rest are (the
CSV, the observation documents, SPARQL): at national scale the dataset has 100,000 figures.
Tables are rendered in Python (`figures_table`), not by Jinja macros: a national build
renders many thousands of rows.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from fractions import Fraction

from markupsafe import Markup, escape
from rdflib import URIRef

from ..model.numbers import exact_decimal
from ..model.records import Fact
from . import charts
from .links import CSV_DOWNLOAD, Links

# the figures the dataset page charts: people served and money paid, per programme
HEADLINE_INDICATORS = ("beneficiaries", "payments")
# Pages that list figures show at most this many rows and charts; the rest are one link away.
FIGURE_LIMIT = 250
CHART_LIMIT = 24


def number_text(value: Fraction) -> str:
    """A figure as English readers write it: 1,100,000; 12.5; 1,234.75."""
    if value.denominator == 1:
        return f"{value.numerator:,}"
    dec = exact_decimal(value)
    return format(dec.normalize() if dec is not None else Decimal(float(value)).quantize(Decimal("0.01")), ",f")


_FIGURES_HEAD = ('<thead><tr><th scope="col">Province</th><th scope="col">Period</th><th scope="col">Programme</th>'
                 '<th scope="col">Target group</th><th scope="col">Indicator</th><th scope="col" class="num">Value</th>'
                 '<th scope="col">Unit</th></tr></thead>\n')


def figures_table(rows: list[dict], caption: str) -> Markup:
    """A table of figures (`figure_rows`): province, period, programme, target group,
    indicator (linked to the observation), value, unit."""
    c = escape(caption)
    out = [f'<div class="scroll" role="region" aria-label="{c}" tabindex="0">\n<table>\n<caption>{c}</caption>\n',
           _FIGURES_HEAD, "<tbody>\n"]
    for f in rows:
        out.append(f'<tr><td>{escape(f["province"])}</td><td>{escape(f["period"])} <small>{escape(f["kind"])}</small></td>'
                   f'<td>{escape(f["programme"])}</td><td>{escape(f["target"])}</td>'
                   f'<th scope="row"><a href="{escape(f["href"])}">{escape(f["indicator"])}</a></th>'
                   f'<td class="num">{"≈ " if f["approximate"] else ""}{escape(f["value"])}</td><td>{escape(f["unit"])}</td></tr>\n')
    out.append("</tbody>\n</table>\n</div>")
    return Markup("".join(out))


def figure_rows(links: Links, from_stem: str, facts: list[Fact], limit: int | None = None) -> list[dict]:
    rows = []
    cl = links.concept_label
    for f in sorted(facts, key=lambda f: f.key)[:limit]:
        u = links.index.fact_uri(f)
        rows.append({"href": links.href(from_stem, u), "province": cl("province", f.province),
                     "period": f.period.notation, "kind": cl("period-kind", f.period_kind),
                     "programme": cl("programme", f.programme), "target": cl("target-group", f.target_group),
                     "indicator": cl("indicator", f.indicator), "value": number_text(f.value),
                     "approximate": f.approximate, "unit": cl("unit", f.unit)})
    return rows


def figures(links: Links, ctx: dict, stem: str, facts: list[Fact]) -> None:
    """The figures table of a page (at most FIGURE_LIMIT rows) and where the rest are."""
    ctx["figures"] = figure_rows(links, stem, facts, FIGURE_LIMIT)
    ctx["figures_total"] = len(facts)
    ctx["csv_href"] = links.rel(stem, CSV_DOWNLOAD) if CSV_DOWNLOAD in links.index.existing else None


def measure(links: Links, f: Fact) -> str:
    """e.g. "Beneficiaries (children)": what a chart's bars count, in which unit."""
    return f"{links.concept_label('indicator', f.indicator)} ({links.concept_label('unit', f.unit)})"


def where_when(links: Links, f: Fact) -> str:
    kind = links.concept_label("period-kind", f.period_kind)
    return f"{links.concept_label('province', f.province)}, {f.period.notation} ({kind[:1].lower()}{kind[1:]})"


def chart_set(links: Links, from_stem: str, facts: list[Fact], key, bar_label, title, prefix: str,
              indicators: tuple[str, ...] | None = None) -> list[dict]:
    """Bar charts of `facts` grouped by `key` (groups of one figure are not charted), at most
    CHART_LIMIT, the headline indicators first; each with the table of its figures."""
    groups: dict[tuple, list[Fact]] = defaultdict(list)
    for f in facts:
        if indicators is None or f.indicator in indicators:
            groups[key(f)].append(f)
    rank = {ind: i for i, ind in enumerate(HEADLINE_INDICATORS)}
    out = []
    for k in sorted(groups, key=lambda k: (rank.get(groups[k][0].indicator, len(rank)), k)):
        fs = groups[k]
        if len(fs) < 2:
            continue
        if len(out) == CHART_LIMIT:
            break
        parts = {id(f): bar_label(f) for f in fs}
        # say only what tells the bars apart: drop the parts every bar shares
        keep = [i for i in range(len(parts[id(fs[0])])) if len({p[i] for p in parts.values()}) > 1]
        label = {k: ", ".join(p[i] for i in keep) or ", ".join(p) for k, p in parts.items()}
        fs = sorted(fs, key=lambda f: (-f.value, label[id(f)]))[:FIGURE_LIMIT]
        unit = links.concept_label("unit", fs[0].unit)
        bars = [charts.Bar(label[id(f)], float(f.value), f"{number_text(f.value)} {unit}",
                           links.href(from_stem, links.index.fact_uri(f))) for f in fs]
        ident = f"{prefix}-{len(out) + 1}"
        heading = title(fs[0])
        desc = (f"Bar chart of {len(bars)} figures in {unit}; the largest is {bars[0].label} with "
                f"{bars[0].text}. The table below the chart gives the same figures.")
        out.append({"id": ident, "title": heading, "svg": Markup(charts.bar_chart(ident, heading, desc, bars)),
                    "rows": figure_rows(links, from_stem, fs)})
    return out


def headline_charts(links: Links, stem: str) -> list[dict]:
    """People served and money paid per programme, for each province and period (home, dataset)."""
    cl = links.concept_label
    return chart_set(
        links, stem, links.index.all_facts,
        key=lambda f: (f.province, f.indicator, f.unit, f.period.notation, f.period_kind),
        bar_label=lambda f: (cl('programme', f.programme), cl('target-group', f.target_group)),
        title=lambda f: f"{measure(links, f)} per programme, {where_when(links, f)}",
        prefix="chart", indicators=HEADLINE_INDICATORS)


def province_charts(links: Links, stem: str, facts: list[Fact]) -> list[dict]:
    """A province's figures per programme, one chart per indicator and period."""
    cl = links.concept_label
    return chart_set(
        links, stem, facts, key=lambda f: (f.indicator, f.unit, f.period.notation, f.period_kind),
        bar_label=lambda f: (cl('programme', f.programme), cl('target-group', f.target_group)),
        title=lambda f: f"{measure(links, f)} per programme, {where_when(links, f)}", prefix="chart")


def programme_charts(links: Links, stem: str, facts: list[Fact]) -> list[dict]:
    """A programme's figures by province, one chart per indicator."""
    cl = links.concept_label
    return chart_set(
        links, stem, facts, key=lambda f: (f.indicator, f.unit),
        bar_label=lambda f: (cl('province', f.province),
                             f"{f.period.notation} {cl('period-kind', f.period_kind)}",
                             cl('target-group', f.target_group)),
        title=lambda f: f"{measure(links, f)} of {cl('programme', f.programme)} by province",
        prefix="chart")


def observation_documents(links: Links, stem: str, facts: list[Fact]) -> list[dict]:
    """The observation documents (one per province and period) that hold `facts`."""
    counts: dict[URIRef, int] = defaultdict(int)
    for f in facts:
        counts[links.index.hash_doc[links.index.fact_uri(f)].uri] += 1
    return [{**links.term(stem, d), "count": n} for d, n in sorted(counts.items())]
