"""Static SVG bar charts, drawn at build time (no script, no fonts, no external files).

Deterministic: the same bars give byte-identical markup. Accessible: each chart is an
`<svg role="group">` named by its caption (`aria-labelledby`: the figure's caption, which
switches language with the page), with a `<title>` and `<desc>` per language (SVG 2); each
bar's label and value are written in both languages (`class="l-tr"`/`"l-en"`: the stylesheet
shows one) under a `<title>` with the full label, and link to the observation. Every chart
is shown next to a table of the same figures.

Readable on a phone: each label stands on its own line above its bar, so the chart is
narrow (WIDTH units) and its text (FONT units) stays above 11 px on a 390 px screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

WIDTH = 400          # viewBox width; the stylesheet scales the chart to its column (at most 30rem)
VALUE_W = 170        # room for the value after the longest bar (about 26 characters)
FONT = 13            # text size in viewBox units
LABEL_H = 16         # the label line above a bar
BAR_H = 16
GAP = 10
TOP = 4
MAX_LABEL = 56       # characters shown on the label line; the bar's <title> has it all


@dataclass(frozen=True)
class Bar:
    label: dict[str, str]   # language → label
    value: float            # for the length only
    text: dict[str, str]    # language → the value as people read it, e.g. "1,100,000 Turkish lira"
    href: str | None = None  # the observation page this bar stands for


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"


def bar_chart(ident: str, title: dict[str, str], desc: dict[str, str], bars: list[Bar]) -> str:
    """A horizontal bar chart as SVG markup; `ident` must be unique within the page and name
    the figure caption `{ident}-caption` that labels it."""
    if not bars:
        raise ValueError("a chart needs at least one bar")
    top = max(b.value for b in bars)
    scale = (WIDTH - VALUE_W) / top if top > 0 else 0.0
    row = LABEL_H + BAR_H + GAP
    height = TOP * 2 + len(bars) * row - GAP
    out = [f'<svg class="chart" id="{escape(ident)}" xmlns="http://www.w3.org/2000/svg" '
           f'viewBox="0 0 {WIDTH} {height}" role="group" aria-labelledby="{escape(ident)}-caption" '
           f'font-size="{FONT}">']
    out += [f'<title lang="{lang}">{escape(t)}</title>' for lang, t in title.items()]
    out += [f'<desc lang="{lang}">{escape(d)}</desc>' for lang, d in desc.items()]
    for i, b in enumerate(bars):
        y = TOP + i * row
        w = max(round(b.value * scale, 1), 1.0) if b.value > 0 else 0.0
        text_y, bar_y = y + LABEL_H - 4, y + LABEL_H
        parts = []
        for lang, label in b.label.items():
            parts.append(f'<g class="l-{lang}" lang="{lang}"><title>{escape(label)}: {escape(b.text[lang])}</title>'
                         f'<text x="0" y="{text_y:g}">{escape(_short(label))}</text>'
                         f'<text x="{w + 4:g}" y="{bar_y + BAR_H - 4:g}">{escape(b.text[lang])}</text></g>')
        parts.append(f'<rect x="0" y="{bar_y}" width="{w:g}" height="{BAR_H}"/>')
        bar = "".join(parts)
        out.append(f'<a href="{escape(b.href)}">{bar}</a>' if b.href else f"<g>{bar}</g>")
    out.append("</svg>")
    return "\n".join(out)
