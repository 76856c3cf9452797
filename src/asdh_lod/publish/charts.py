"""Static SVG bar charts, drawn at build time (no script, no fonts, no external files).

Deterministic: the same bars give byte-identical markup. Accessible: each chart is an
`<svg role="img">` labelled by its own `<title>` and `<desc>`, each bar carries a
`<title>` with its full label and value, and every chart is shown next to a table of
the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

WIDTH = 640          # viewBox width; the stylesheet scales the chart to its column
LABEL_W = 250        # room for the bar labels
VALUE_W = 110        # room for the value after the longest bar
BAR_H = 22
GAP = 8
TOP = 8
MAX_LABEL = 38       # characters shown in the label column; the bar's <title> has it all


@dataclass(frozen=True)
class Bar:
    label: str
    value: float      # for the length only
    text: str         # the value as people read it, e.g. "1,100,000 TL"
    href: str | None = None  # the observation page this bar stands for


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"


def bar_chart(ident: str, title: str, desc: str, bars: list[Bar]) -> str:
    """A horizontal bar chart as SVG markup; `ident` must be unique within the page."""
    if not bars:
        raise ValueError("a chart needs at least one bar")
    top = max(b.value for b in bars)
    scale = (WIDTH - LABEL_W - VALUE_W) / top if top > 0 else 0.0
    height = TOP * 2 + len(bars) * (BAR_H + GAP) - GAP
    t, d = f"{ident}-title", f"{ident}-desc"
    out = [f'<svg class="chart" id="{escape(ident)}" xmlns="http://www.w3.org/2000/svg" '
           f'viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{t} {d}">',
           f'<title id="{t}">{escape(title)}</title>',
           f'<desc id="{d}">{escape(desc)}</desc>']
    for i, b in enumerate(bars):
        y = TOP + i * (BAR_H + GAP)
        w = max(round(b.value * scale, 1), 1.0) if b.value > 0 else 0.0
        mid = y + BAR_H / 2 + 4
        bar = (f'<g><title>{escape(b.label)}: {escape(b.text)}</title>'
               f'<text x="{LABEL_W - 6}" y="{mid:g}" text-anchor="end">{escape(_short(b.label))}</text>'
               f'<rect x="{LABEL_W}" y="{y}" width="{w:g}" height="{BAR_H}"/>'
               f'<text x="{LABEL_W + w + 4:g}" y="{mid:g}">{escape(b.text)}</text></g>')
        if b.href:
            bar = f'<a href="{escape(b.href)}">{bar}</a>'
        out.append(bar)
    out.append("</svg>")
    return "\n".join(out)
