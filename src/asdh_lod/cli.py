"""The `asdh-lod` command line: a thin layer over the library.

It only parses options and turns library problems into exit codes: 0 success, 1 problems
found (`click.ClickException`), 2 usage error (`click.UsageError`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import __version__
from .pipeline import build as run_build
from .pipeline import prepare
from .problems import DEFAULT_LIMIT, ProblemsFound, Report
from .uris import Uris
from .fastcheck import validate_fast
from .validate import SHAPES_DIR, grouped_lines, load_shapes, origins_for, read_rdf, validate_graph

DEFAULT_BASE = "https://w3id.org/asdh-lod/"


def _emit(report: Report, fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        for line in report.lines():
            click.echo(line, err=True)


def _fail(err: ProblemsFound, fmt: str) -> None:
    _emit(err.report, fmt)
    raise click.ClickException(str(err))


format_option = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
                             show_default=True, help="How to print problems: lines for people, or JSON.")
limit_option = click.option("--limit", type=click.IntRange(1, 100_000), default=DEFAULT_LIMIT,
                            show_default=True, help="Stop collecting problems after this many.")
base_option = click.option("--base-iri", default=None, metavar="IRI",
                           help="Mint every URI under this base instead of data/dataset.yaml's base_iri.")


@click.group()
@click.version_option(__version__, prog_name="asdh-lod")
def main() -> None:
    """Türkiye's family and social services statistics as linked open data."""


@main.command()
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("data"),
              show_default=True, help="The data folder to publish.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("site"),
              show_default=True, help="The site folder to (re)place.")
@base_option
@format_option
@limit_option
def build(data_dir: Path, out_dir: Path, base_iri: str | None, fmt: str, limit: int) -> None:
    """Load, check, map, validate with SHACL and publish the data folder.

    Nothing is written unless every check passes; the site folder is then replaced
    atomically, so a failed build leaves the previous site untouched.

    Example:

        asdh-lod build --data data --out site
    """
    if base_iri is not None and not (base_iri.startswith(("http://", "https://")) and base_iri.endswith("/")):
        raise click.UsageError(f"--base-iri must be an http(s) IRI ending in '/', not '{base_iri}'")
    if not data_dir.is_dir():
        raise click.UsageError(f"data folder '{data_dir}' does not exist")
    try:
        result = run_build(data_dir, out_dir, base_iri, limit=limit)
    except ProblemsFound as err:
        _fail(err, fmt)
    if fmt == "json":
        _emit(result.report, fmt)
    else:
        click.echo(f"published {out_dir}/: {result.observations} observations, {result.triples} triples, "
                   f"{len(result.files)} files; SHACL: valid")


@main.command()
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("data"),
              show_default=True, help="Without FILES: the data folder to validate. With FILES: where "
              "to look up the YAML line each of our nodes came from (if the folder exists).")
@click.option("--engine", type=click.Choice(["fast", "pyshacl"]), default="fast", show_default=True,
              help="fast: the linear-time path (same results); pyshacl: the reference engine.")
@base_option
@format_option
@limit_option
def validate(files: tuple[Path, ...], data_dir: Path, engine: str, base_iri: str | None, fmt: str,
             limit: int) -> None:
    """Validate RDF files, or the data folder, against the SHACL shapes.

    With FILES (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML; .gz allowed), the
    files are checked as one graph: ours or anybody's Data Cube (a third party's cube
    gets the 21 W3C integrity constraints; our domain rules apply to our structure).
    The report is grouped by shape: its IC number or rule, severity, focus node, path,
    value and message, and for our own data the YAML file:line to fix. Without FILES,
    the data folder is loaded, checked against its sources and validated; nothing is
    written. Exit 0 when valid, 1 when not, 2 on a usage error.

    Examples:

        asdh-lod validate site/downloads/asdh-lod.ttl

        asdh-lod validate --data data --format json
    """
    if not files:
        if not data_dir.is_dir():
            raise click.UsageError(f"data folder '{data_dir}' does not exist")
        try:
            result = prepare(data_dir, base_iri, limit=limit)
        except ProblemsFound as err:
            _report_and_fail(err, fmt)
        if fmt == "json":
            _emit(result.report, fmt)
        else:
            click.echo(f"valid: {result.observations} observations, {result.triples} triples")
        return
    report = Report(limit=limit)
    graph = read_rdf(list(files), report)
    if graph is not None:
        shapes = load_shapes(Uris(base_iri or _base_from(data_dir), "provincial"), SHAPES_DIR)
        run = validate_fast if engine == "fast" else validate_graph
        run(graph, shapes, origins_for(data_dir, base_iri), report)
    if not report.ok:
        _report_and_fail(ProblemsFound("validate", report), fmt)
    if fmt == "json":
        _emit(report, fmt)
    else:
        click.echo(f"valid: {len(graph)} triples in {len(files)} file{'s' if len(files) != 1 else ''}")


def _report_and_fail(err: ProblemsFound, fmt: str) -> None:
    """`validate`'s report: JSON, or lines grouped by shape, on standard output; then exit 1."""
    if fmt == "json":
        _emit(err.report, fmt)
    else:
        for line in grouped_lines(err.report):
            click.echo(line)
    raise click.ClickException(str(err))


def _base_from(data_dir: Path) -> str:
    """The base IRI in data/dataset.yaml, if there is one readable; else the default."""
    import yaml

    try:
        base = yaml.safe_load((data_dir / "dataset.yaml").read_text(encoding="utf-8")).get("base_iri")
    except (OSError, AttributeError, yaml.YAMLError):
        return DEFAULT_BASE
    return base if isinstance(base, str) and base.endswith("/") else DEFAULT_BASE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
