"""The one Jinja2 environment of the site's pages (templates in `publish/templates/`).

Autoescaped, strict (an undefined name is an error, not an empty string). The page views
(`pages`) register their rendering functions as filters; the query pages (`querypage`)
keep every template line as written (`trim=False`).
"""

from __future__ import annotations

from collections.abc import Callable

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..core.resources import TEMPLATES


def environment(*, filters: dict[str, Callable] | None = None, functions: dict[str, Callable] | None = None,
                trim: bool = True) -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=trim, lstrip_blocks=trim, keep_trailing_newline=True)
    env.filters.update(filters or {})
    env.globals.update(functions or {})
    return env
