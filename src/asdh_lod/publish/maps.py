"""Static SVG maps of Türkiye's 81 provinces, drawn at build time (no script, no fonts).

The outlines come from the MIT-licensed npm package `turkey-map-react` (its `lib/data` holds
each province's SVG path, keyed by licence-plate number), pinned in `web/package-lock.json`
and read from `web/node_modules` by `load_outlines` (the pipeline's I/O, like the SPARQL
page's assets). A build without `web/` (an installed package) has no outlines: its pages
have no maps, and their tables still give every figure.

A page with maps holds the 81 outlines once (`defs`, a hidden `<svg>` of `<path id>`s) and each
map is 81 `<use>`s of them, coloured by class: a province page of a national edition stays
small. Each map is an `<svg role="group">` named by its caption (`aria-labelledby`, which
switches language with the page), with `<title>` and `<desc>` in both languages (SVG 2: one
per `lang`); each province has a `<title>` (its name and value, digits grouped by a thin
space, readable in both languages) and, where it has a figure, links to it. The legend and
the table of the same figures are HTML beside the map. Deterministic: the same figures give
byte-identical markup.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from html import escape
from pathlib import Path

from ..core.problems import ProblemsFound, Report, problem

PACKAGE = "turkey-map-react"
DATA_FILE = "lib/data/index.js"
VIEWBOX = "20 140 1012 450"  # the outlines' extent (x 22–1029, y 144–588)
CLASSES = 5                  # at most this many colour classes (quantiles of the values)

_CITY = re.compile(r'"plateNumber":\s*(\d+),\s*"name":\s*"([^"]*)",\s*"path":\s*"([^"]*)"')
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


@dataclass(frozen=True)
class Outlines:
    paths: dict[str, str]  # plate code ("01" … "81") → SVG path data (coordinates rounded)
    notice: str            # package, version, licence, copyright: kept in the site


def _round(d: str) -> str:
    """Coordinates to whole units (1 unit ≈ 0.7 px at the map's widest): half the bytes."""
    return _NUMBER.sub(lambda m: str(round(float(m.group(0)))), d).replace(" C ", "C").replace(" L ", "L")


def parse_outlines(js: str, notice: str) -> Outlines:
    paths = {f"{int(plate):02d}": _round(d) for plate, _name, d in _CITY.findall(js)}
    if sorted(paths) != [f"{i:02d}" for i in range(1, 82)]:
        raise ValueError(f"{PACKAGE}: expected the outlines of 81 provinces, found {len(paths)}")
    return Outlines(dict(sorted(paths.items())), notice)


def load_outlines(web: Path) -> Outlines:
    """The province outlines from web/node_modules; ProblemsFound if npm ci has not installed them."""
    root = Path(web) / "node_modules" / PACKAGE
    meta, data = root / "package.json", root / DATA_FILE
    for f in (meta, data):
        if not f.is_file():
            report = Report()
            report.add(problem("web-assets-missing", str(f), None, name=f"npm package {PACKAGE}", web=str(web)))
            raise ProblemsFound("web assets", report)
    info = json.loads(meta.read_text(encoding="utf-8"))
    licence = (root / "LICENSE").read_text(encoding="utf-8") if (root / "LICENSE").is_file() else ""
    notice = (f"Province outlines: {PACKAGE} {info.get('version')} (npm), licence {info.get('license')}, "
              f"{info.get('homepage', '')}\n\n{licence}")
    return parse_outlines(data.read_text(encoding="utf-8"), notice)


def defs(outlines: Outlines) -> str:
    """The outlines once per page, for every map of it to `<use>`."""
    paths = "".join(f'<path id="tr-p{code}" d="{d}"/>' for code, d in outlines.paths.items())
    return (f'<svg class="map-defs" xmlns="http://www.w3.org/2000/svg" width="0" height="0" aria-hidden="true" '
            f'focusable="false"><defs>{paths}</defs></svg>')


def grouped(n: int) -> str:
    """Digits grouped by a thin space (ISO 31-0): read alike in Turkish and English."""
    return f"{n:,}".replace(",", "\u2009")


def breaks(values: list[float], k: int = CLASSES) -> list[float]:
    """Upper bounds of at most `k` classes holding about as many values each (quantiles)."""
    vs = sorted(set(values))
    if not vs:
        return []
    k = min(k, len(vs))
    return [vs[math.ceil(i * len(vs) / k) - 1] for i in range(1, k + 1)]


def klass(value: float, bounds: list[float]) -> int:
    """1-based class of `value` among the upper `bounds`."""
    return next(i for i, b in enumerate(bounds, start=1) if value <= b)


@dataclass(frozen=True)
class Area:
    code: str                  # plate code
    name: str                  # the province's name (Turkish, as both languages write it)
    cls: str                   # CSS class: c1 … c5, "has" (coverage), "nd" (no data)
    tip: str = ""              # after the name in the tooltip, e.g. the value
    href: str | None = None


def choropleth(ident: str, titles: dict[str, str], descs: dict[str, str], areas: list[Area],
               outlines: Outlines) -> str:
    """A map of the 81 provinces: every area of `areas` coloured by its class and linked;
    `ident` unique within the page. Needs `defs(outlines)` once on the page."""
    out = [f'<svg class="map" id="{escape(ident)}" xmlns="http://www.w3.org/2000/svg" viewBox="{VIEWBOX}" '
           f'role="group" aria-labelledby="{escape(ident)}-caption">']
    out += [f'<title lang="{lang}">{escape(t)}</title>' for lang, t in titles.items()]
    out += [f'<desc lang="{lang}">{escape(d)}</desc>' for lang, d in descs.items()]
    by_code = {a.code: a for a in areas}
    for code in outlines.paths:
        a = by_code.get(code)
        if a is None:
            continue
        tip = f"{a.name}: {a.tip}" if a.tip else a.name
        shape = f'<use href="#tr-p{code}" class="{a.cls}"/>'
        if a.href:
            out.append(f'<a href="{escape(a.href)}"><title>{escape(tip)}</title>{shape}</a>')
        else:
            out.append(f'<g><title>{escape(tip)}</title>{shape}</g>')
    out.append("</svg>")
    return "\n".join(out)
