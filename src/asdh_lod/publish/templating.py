"""The one Jinja2 environment of the site's pages (templates in `publish/templates/`).

Autoescaped, strict (an undefined name is an error, not an empty string). The page views
(`views`) register their rendering functions as filters; the query pages (`querypage`)
keep every template line as written (`trim=False`). Every template gets the two-language
helpers of `i18n`.
"""

from __future__ import annotations

from collections.abc import Callable

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..core.resources import TEMPLATES
from . import i18n

# every template may write a phrase in both languages (i18n): t("name", field=…), t_html, bi(tr, en),
# label(tr, en) of the data, count(n)
I18N = {"t": i18n.msg, "t_html": i18n.msg_html, "bi": i18n.bi, "label": i18n.label, "count": i18n.count}


def environment(*, filters: dict[str, Callable] | None = None, functions: dict[str, Callable] | None = None,
                trim: bool = True) -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=trim, lstrip_blocks=trim, keep_trailing_newline=True)
    env.filters.update(filters or {})
    env.globals.update(I18N)
    env.globals.update(functions or {})
    return env
