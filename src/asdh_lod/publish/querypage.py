"""The SPARQL pages of the site.

- `queries/index.html`: every example query of `queries/*.rq` with its answer, computed
  from the edition at build time, and the `.rq` files themselves;
- `sparql/index.html`: a SPARQL editor (Yasqe) and results view (Yasr) running the queries
  in the browser on the Oxigraph WebAssembly engine, which loads the N-Quads dump. The
  JavaScript and WebAssembly are vendored from `web/node_modules` (npm ci, pinned by
  `web/package-lock.json`) into `sparql/vendor/`: no CDN, works offline.

`load_queries(folder)` reads the files (the pipeline does this I/O); `pages(...)` runs them
on the edition's N-Quads in pyoxigraph and renders the page with Jinja2 (autoescaped
template `templates/queries.html`). No file is written here. A query that fails is a
`query-error` problem naming the file and line, and the build stops.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import pyoxigraph as ox

from ..rdf import query as q
from ..rdf.vocab import DEFAULT_BASE
from ..core.problems import ProblemsFound, Report, problem
from . import templating

# (npm package, file inside it) → copied to sparql/vendor/{short name}/{file name}
VENDOR = (
    ("oxigraph", "web.js"),
    ("oxigraph", "web_bg.wasm"),
    ("@zazuko/yasqe", "build/yasqe.min.js"),
    ("@zazuko/yasqe", "build/yasqe.min.css"),
    ("@zazuko/yasr", "build/yasr.min.js"),
    ("@zazuko/yasr", "build/yasr.min.css"),
)


def _vendor_path(package: str, file: str) -> str:
    return f"sparql/vendor/{package.rsplit('/', 1)[-1]}/{file.rsplit('/', 1)[-1]}"


def load_web_assets(web: Path) -> dict[str, bytes]:
    """The vendored browser files, {site path: bytes}, plus a notice of their versions and
    licences; raise ProblemsFound if `npm ci` has not installed them."""
    web = Path(web)
    report, files, notice = Report(), {}, []
    for package in sorted({p for p, _ in VENDOR}):
        meta = web / "node_modules" / package / "package.json"
        if not meta.is_file():
            report.add(problem("web-assets-missing", str(meta), None, name=f"npm package {package}", web=str(web)))
            continue
        info = json.loads(meta.read_text(encoding="utf-8"))
        notice.append(f"{package} {info.get('version')} — licence {info.get('license')} — {info.get('homepage', '')}".rstrip(" —"))
        for pkg, file in VENDOR:
            if pkg == package:
                src = web / "node_modules" / package / file
                if not src.is_file():
                    report.add(problem("web-assets-missing", str(src), None, name=f"{package}/{file}", web=str(web)))
                    continue
                files[_vendor_path(package, file)] = src.read_bytes()
    if not report.ok:
        raise ProblemsFound("web assets", report)
    files["sparql/vendor/README.txt"] = ("Third-party files vendored by asdh-lod from npm (web/package-lock.json):\n"
                                         + "".join(f"  {line}\n" for line in notice)).encode("utf-8")
    return files


@dataclass(frozen=True)
class ExampleQuery:
    name: str  # file stem
    text: str

    @property
    def path(self) -> str:
        return f"queries/{self.name}.rq"


@dataclass
class Rendered:
    name: str
    text: str
    title: str
    description: str
    columns: list[str] = field(default_factory=list)
    rows: list[list[dict]] = field(default_factory=list)


def load_queries(folder: Path) -> list[ExampleQuery]:
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return [ExampleQuery(f.stem, f.read_text(encoding="utf-8")) for f in sorted(folder.glob("*.rq"))]


def environment() -> jinja2.Environment:
    return templating.environment(trim=False)


def _answer(store: ox.Store, eq: ExampleQuery, report: Report):
    """The query's answer on `store`, or None with the problem reported: no title line, a
    syntax error (with its line), or a failure."""
    if not q.describe(eq.text)[0]:
        report.add(problem("query-error", eq.path, 1, name=eq.path,
                           detail="the query must start with a comment line saying what it answers"))
        return None
    try:
        return q.run(store, eq.text, {}, where=eq.path)
    except q.QuerySyntaxError as err:
        report.add(problem("query-error", eq.path, err.line, name=eq.path,
                           detail=f"SPARQL syntax error at {err.line}:{err.column}: {err.detail}"))
    except q.QueryError as err:
        report.add(problem("query-error", eq.path, None, name=eq.path, detail=str(err)))
    return None


def check_queries(queries: list[ExampleQuery], report: Report) -> Report:
    """What can be told of the example queries before any edition exists: each starts with a
    comment line saying what it answers, and parses (run on an empty store). Runs before render."""
    empty = ox.Store()
    for eq in queries:
        _answer(empty, eq, report)
    return report


def needs_default_graph(queries: list[ExampleQuery]) -> bool:
    """Whether the store for `queries` needs the union default graph, a copy of every quad:
    only if one of them reads it (`query.reads_default_graph`)."""
    return any(q.reads_default_graph(eq.text) for eq in queries)


def run_all(nq: bytes | Callable[[bool], ox.Store], queries: list[ExampleQuery],
            prefixes: dict[str, str]) -> list[Rendered]:
    """Each query's answer as display cells; raise ProblemsFound naming the failing files.
    `nq`: the edition's N-Quads, or a function making its store (given whether the store
    needs the union default graph)."""
    default_graph = needs_default_graph(queries)
    store = nq(default_graph) if callable(nq) else q.edition_store(nq, default_graph=default_graph)
    report, out = Report(), []
    for eq in queries:
        answer = _answer(store, eq, report)
        if answer is None:
            continue
        title, description = q.describe(eq.text)
        r = Rendered(eq.name, eq.text, title, description)
        if answer.kind == "boolean":
            r.columns, r.rows = ["answer"], [[{"text": "true" if bool(answer.raw) else "false", "num": False}]]
        elif answer.kind == "graph":
            r.columns = ["subject", "predicate", "object"]
            r.rows = [[{"text": _text(t, prefixes), "num": False} for t in (x.subject, x.predicate, x.object)]
                      for x in sorted(answer.raw, key=str)]
        else:
            r.columns = [v.value for v in answer.raw.variables]
            for solution in answer.raw:
                r.rows.append([{"text": _text(solution[c], prefixes), "num": q.is_numeric(solution[c])}
                               for c in r.columns])
        out.append(r)
    if not report.ok:
        raise ProblemsFound("queries", report)
    return out


def _text(term, prefixes: dict[str, str]) -> str:
    """A term for the page: literals without their language tag (the query chose the language)."""
    return term.value if isinstance(term, ox.Literal) else q.cell(term, prefixes)


def rebase(queries: list[ExampleQuery], base: str) -> list[ExampleQuery]:
    """The queries are written against the default base IRI; a site built with another
    (--base-iri) gets them with its own."""
    if base == DEFAULT_BASE:
        return list(queries)
    return [ExampleQuery(eq.name, eq.text.replace(DEFAULT_BASE, base)) for eq in queries]


def page_paths(queries: list[ExampleQuery], web_assets: dict[str, bytes] | None = None) -> set[str]:
    """The paths `pages` makes, known before its queries run."""
    if not queries:
        return set()
    return ({"queries/index.html"} | {f"queries/{eq.name}.rq" for eq in queries}
            | (set(web_assets) | {"sparql/index.html"} if web_assets else set()))


def pages(nq: bytes | Callable[[bool], ox.Store], queries: list[ExampleQuery], *, base: str, prefixes: dict[str, str], title: str,
          graphs: list[str], dump: str, nq_name: str, web_assets: dict[str, bytes] | None = None,
          chrome: Callable[[str, set[str]], dict] | None = None) -> dict[str, bytes]:
    """{relative path: bytes} for queries/index.html, queries/*.rq and, given the vendored
    web assets, sparql/index.html and sparql/vendor/…

    `chrome(stem, pages)` gives what the site's base template needs around the page at
    `stem`, given the query pages that exist (pages.chrome)."""
    if not queries:
        return {}
    queries = rebase(queries, base)
    rendered = run_all(nq, queries, prefixes)
    env = environment()
    own = {"queries/index.html"} | ({"sparql/index.html"} if web_assets else set())
    chrome = chrome or (lambda stem, existing: _plain_chrome(stem, existing, title))
    editor = "../sparql/index.html" if web_assets else None
    html = env.get_template("queries.html").render(
        **chrome("queries/index", own), site_title=title, title="Example SPARQL queries",
        title_tr="Örnek SPARQL sorguları", title_en="Example SPARQL queries", queries=rendered,
        graphs=graphs, dump=dump, editor=editor)
    files = {"queries/index.html": html.encode("utf-8")}
    for eq in queries:
        files[f"queries/{eq.name}.rq"] = eq.text.encode("utf-8")
    if web_assets:
        files.update(web_assets)
        examples = [{"name": r.name, "title": r.title, "text": r.text} for r in rendered]
        files["sparql/index.html"] = env.get_template("sparql.html").render(
            **chrome("sparql/index", own), site_title=title, title="SPARQL in your browser",
            title_tr="Tarayıcınızda SPARQL", title_en="SPARQL in your browser", queries=rendered, examples=examples, graphs=graphs, dump=dump, nq=nq_name,
            prefixes=prefixes).encode("utf-8")
    return files


def _plain_chrome(stem: str, existing: set[str], title: str) -> dict:
    """The base template's links for a site without pages.py's pages (tests of this module)."""
    up = "../" * stem.count("/")
    return {"css": up + "style.css", "icon": up + "favicon.svg", "home": up + "index.html",
            "dataset_href": up + "index.html", "ontology_href": up + "index.html",
            "queries_href": up + "queries/index.html" if "queries/index.html" in existing else None,
            "sparql_href": up + "sparql/index.html" if "sparql/index.html" in existing else None,
            "dataset_title": {"en": title, "tr": title}}
