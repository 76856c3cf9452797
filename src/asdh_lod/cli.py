"""The `asdh-lod` command line: a thin layer over the library.

It only parses options and turns library problems into exit codes: 0 success, 1 problems
found (`click.ClickException`), 2 usage error (`click.UsageError`).
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click

from . import __version__
from .build.pipeline import Timings, prepare
from .build.pipeline import build as run_build
from .build.progress import TerminalProgress, stderr_is_terminal, summary
from .build import releases as rel
from .stages import changes
from .build.synth import SynthError, write_synth
from .core.problems import DEFAULT_LIMIT, ProblemsFound, Report
from .core.resources import shapes_for
from .extract.compare import diff_file
from .extract.draft import ExtractError, draft_file, write_atomic
from .ingest.load import base_iri_of
from .publish.conneg import make_server
from .rdf import query as engine
from .rdf.uris import Uris
from .sparql import push as push_mod
from .sparql import query as site_query
from .stages.fastcheck import validate_fast
from .stages.validate import grouped_lines, load_shapes, origins_for, read_rdf, shape_summary, validate_graph


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



def publish_options(command):
    """The options of the commands that publish a site (build, release)."""
    for option in reversed((
        click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("data"),
                     show_default=True, help="The data folder to publish."),
        click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("site"),
                     show_default=True, help="The site folder to (re)place; its releases/ are kept."),
        base_option, format_option, limit_option,
        click.option("--quiet", "-q", is_flag=True, help="No progress bars or summary on the terminal."),
        click.option("--cache", "cache_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                     help="Incremental build: reuse what unchanged sources gave last time, kept in this folder."),
    )):
        command = option(command)
    return command


@click.group()
@click.version_option(__version__, prog_name="asdh-lod")
def main() -> None:
    """Türkiye's family and social services statistics as linked open data."""


@main.command()
@publish_options
def build(data_dir: Path, out_dir: Path, base_iri: str | None, fmt: str, limit: int, quiet: bool,
          cache_dir: Path | None) -> None:
    """Load, check, map, validate with SHACL and publish the data folder.

    Nothing is written unless every check passes; the site folder is then replaced
    atomically, so a failed build leaves the previous site untouched. On a terminal,
    a progress bar per stage and a summary line (time, peak memory) go to stderr.

    With --cache, sources whose files did not change are not loaded, checked or mapped
    again, and the pages the changed sources cannot touch are linked from the previous site
    instead of rendered; validation and the dumps are always redone over everything, and the
    site is byte-identical to a full build.

    Examples:

        asdh-lod build --data data --out site

        asdh-lod build --data national --out national-site --cache .asdh-cache
    """
    _build(data_dir, out_dir, base_iri, fmt, limit, quiet, cache_dir, None)


def _build(data_dir: Path, out_dir: Path, base_iri: str | None, fmt: str, limit: int, quiet: bool,
           cache_dir: Path | None, release: "rel.ReleaseRequest | None") -> None:
    """`build` and `release`."""
    if base_iri is not None and not (base_iri.startswith(("http://", "https://")) and base_iri.endswith("/")):
        raise click.UsageError(f"--base-iri must be an http(s) IRI ending in '/', not '{base_iri}'")
    if not data_dir.is_dir():
        raise click.UsageError(f"data folder '{data_dir}' does not exist")
    show = not quiet and stderr_is_terminal()
    timings = Timings(TerminalProgress() if show else None)
    try:
        result = run_build(data_dir, out_dir, base_iri, limit=limit, timings=timings, cache_dir=cache_dir,
                           release=release)
    except ProblemsFound as err:
        _fail(err, fmt)
    if show:
        click.echo(summary(result.observations, result.triples, sum(timings.seconds.values()),
                           max(timings.peak_rss.values())), err=True)
    if fmt == "json":
        _emit(result.report, fmt)
    else:
        reused = (f"; {result.cache.reused} of {len(result.model.sources)} sources unchanged, "
                  f"{result.pages_reused} pages linked from the previous site, "
                  f"{result.pieces_reused} pieces of the dumps reused" if result.cache is not None else "")
        click.echo(f"published {out_dir}/: {result.observations} observations, {result.triples} triples, "
                   f"{len(result.paths)} files; SHACL: valid{reused}")
        if release is not None:
            made = next(r for r in result.releases if r.version == release.version)
            click.echo(f"release {made.version}: {out_dir}/releases/{made.version}/"
                       + (f" ({made.changelog.summary()})" if made.previous else " (the first release)")
                       + ("" if made.new else "; it existed with this content, unchanged"))


@main.command()
@click.argument("version")
@click.option("--note", default="", help="What the release is, for its record (adms:versionNotes) and page.")
@click.option("--date", "issued", default=None, metavar="YYYY-MM-DD", help="Its issue date (default: today).")
@publish_options
def release(version: str, note: str, issued: str | None, data_dir: Path, out_dir: Path, base_iri: str | None,
            fmt: str, limit: int, quiet: bool, cache_dir: Path | None) -> None:
    """Build and publish like 'build', and freeze the edition as release VERSION (YYYY.N).

    The release is written to OUT/releases/VERSION/: its dumps (N-Quads gzip in its own
    named graphs, Turtle, JSON-LD, CSV), the ontology and shapes it was made with, its
    change log against the previous release (Turtle, CSV, a page) and its DCAT record,
    which lists every file with its SHA-256. A release never changes: every later build
    carries it over byte for byte; a VERSION that exists with other content is refused.

    Example:

        asdh-lod release 2026.2 --note "Corrected Erzurum home-care figure"
    """
    try:
        changes.version_key(version)
        when = date.fromisoformat(issued) if issued else date.today()
    except ValueError as err:
        raise click.UsageError(str(err)) from None
    _build(data_dir, out_dir, base_iri, fmt, limit, quiet, cache_dir, rel.ReleaseRequest(version, note, when))


@main.command()
@click.argument("old")
@click.argument("new")
@click.option("--site", "site_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("site"),
              show_default=True, help="The site whose releases/ to read.")
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("data"),
              show_default=True, help="The data folder whose dataset.yaml gives the base IRI.")
@base_option
@click.option("--format", "fmt", type=click.Choice(["text", "csv", "json"]), default="text", show_default=True,
              help="text for people; csv or json for machines.")
def diff(old: str, new: str, site_dir: Path, data_dir: Path, base_iri: str | None, fmt: str) -> None:
    """The change log from OLD to NEW: each a release version (YYYY.N) or a data folder.

    Observations added, removed and revised (old and new value, every other attribute that
    changed, the revision note) and code-list concepts added, removed and changed.

    Examples:

        asdh-lod diff 2026.1 2026.2

        asdh-lod diff 2026.1 data --format csv
    """
    try:
        log = rel.diff(site_dir, old, new, data_dir, base_iri)
    except ValueError as err:
        raise click.UsageError(str(err)) from None
    except ProblemsFound as err:
        _fail(err, "text")
    if fmt == "csv":
        click.echo(changes.csv_bytes(log), nl=False)  # bytes: the CRLF of RFC 4180 kept
    elif fmt == "json":
        click.echo(changes.json_text(log), nl=False)
    else:
        base = base_iri or base_iri_of(data_dir)
        for line in changes.text_lines(log, base):
            click.echo(line)


@main.command()
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("data"),
              show_default=True, help="Without FILES: the data folder to validate. With FILES: where "
              "to look up the YAML line each of our nodes came from (if the folder exists).")
@click.option("--engine", type=click.Choice(["fast", "pyshacl"]), default="fast", show_default=True,
              help="fast: the linear-time path (same results); pyshacl: the reference engine.")
@click.option("--releases", "releases_site", type=click.Path(file_okay=False, path_type=Path), default=None,
              is_flag=False, flag_value=Path("site"), metavar="SITE",
              help="Check the release folders of SITE (default site/) against their checksums instead.")
@base_option
@format_option
@limit_option
def validate(files: tuple[Path, ...], data_dir: Path, engine: str, releases_site: Path | None,
             base_iri: str | None, fmt: str, limit: int) -> None:
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

        asdh-lod validate --releases          # has any file of site/releases/ changed?
    """
    if releases_site is not None:
        if files:
            raise click.UsageError("give FILES or --releases, not both")
        report = Report(limit=limit)
        found = rel.read_releases(releases_site, Uris(base_iri or base_iri_of(data_dir), "provincial"), report)
        if not report.ok:
            _report_and_fail(ProblemsFound("releases", report), fmt)
        if fmt == "json":
            _emit(report, fmt)
        else:
            click.echo(f"releases unchanged: {', '.join(r.version for r in found) or 'none'} in {releases_site}/releases/")
        return
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
        shapes = load_shapes(Uris(base_iri or base_iri_of(data_dir), "provincial"), shapes_for(data_dir))
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
        doc = {**err.report.to_dict(), "shapes": shape_summary(err.report)}
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        for line in grouped_lines(err.report):
            click.echo(line)
    raise click.ClickException(str(err))


@main.command()
@click.option("--site", "site_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("site"),
              show_default=True, help="The site folder to serve.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="The port to listen on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
def serve(site_dir: Path, port: int, host: str) -> None:
    """Preview the site locally, with the same content negotiation as the published
    nginx and Apache configuration: a resource URI answers with HTML, Turtle, JSON-LD or
    N-Triples as its Accept header asks.

    Example:

        asdh-lod serve --port 8000

        curl -H 'Accept: text/turtle' http://127.0.0.1:8000/code/province/25
    """
    if not (site_dir / "index.html").is_file():
        raise click.UsageError(f"site folder '{site_dir}' has no index.html: run 'asdh-lod build' first")
    try:
        server = make_server(site_dir, host, port)
    except OSError as err:
        raise click.ClickException(f"cannot listen on {host}:{port}: {err.strerror}") from None
    click.echo(f"serving {site_dir}/ at http://{host}:{server.server_address[1]}/ (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@main.command()
@click.argument("source", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("data"),
              show_default=True, help="The data folder whose code lists name the guesses.")
@click.option("--province", default=None, metavar="PLATE", help="The province's plate code (e.g. 44), if the text does not say.")
@click.option("--published", default=None, metavar="DATE", help="Publication date YYYY[-MM[-DD]], if the text does not say.")
@click.option("--title", default=None, help="The document's Turkish title (default: its first line).")
@click.option("--title-en", default=None, help="Its English title.")
@click.option("--reporting-period", default=None, metavar="YYYY", help="The year the document reports on.")
@click.option("--as-of", default=None, metavar="DATE", help="The date its stocks refer to (default: end of the reporting year, or the publication date).")
@click.option("--publisher", default=None, metavar="CODE", help="Publisher code from codelists/organisations.yaml.")
@click.option("--type", "doc_type", default=None, metavar="CODE", help="Document type from codelists/document-types.yaml.")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the draft here (its name gives the document id) instead of printing it.")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
@click.option("--diff", "curated", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Compare this curated source file with a fresh extraction instead of drafting.")
def extract(source: Path | None, data_dir: Path, province, published, title, title_en, reporting_period, as_of,
            publisher, doc_type, out_file: Path | None, force: bool, curated: Path | None) -> None:
    """Draft a fact file from a Turkish source text, for a curator to review.

    Every statistical figure becomes a fact with its verbatim quote, its parsed value and a
    guess for unit, programme, target group, indicator, period and period kind; each fact
    carries `reviewed: false`, a confidence and the cue behind each guess, and
    `asdh-lod build` refuses the file until every fact is reviewed. Numbers that are not
    figures (years, dates, law numbers, rules) are listed in a comment with the reason.

    With --diff CURATED.yaml, show where a curated file and a fresh extraction of its text
    (or of SOURCE) disagree: '-' missing, '+' extra, '~' differing qualifiers.

    Examples:

    \b
        asdh-lod extract malatya-haber.txt --province 44 --out data/sources/malatya-haber.yaml
        asdh-lod extract --diff data/sources/erzurum-2025-faaliyet-raporu-haber.yaml
    """
    try:
        if curated is not None:
            click.echo(diff_file(curated, data_dir, source), nl=False)
            return
        if source is None:
            raise click.UsageError("give a SOURCE text file (or --diff CURATED.yaml)")
        draft = draft_file(source, data_dir, doc_id=out_file.stem if out_file else None, province=province,
                           published=published, title=title, title_en=title_en,
                           reporting_period=reporting_period, as_of=as_of, publisher=publisher,
                           doc_type=doc_type)
        text = draft.to_yaml()
        if out_file is None:
            click.echo(text, nl=False)
        else:
            write_atomic(out_file, text, force=force)
            click.echo(f"drafted {len(draft.facts)} facts ({len(draft.excluded)} numbers left out) "
                       f"into {out_file}; review each and set 'reviewed: true'", err=True)
            if source.resolve().parent != out_file.resolve().parent:
                click.echo(f"note: the build reads the text beside the draft: copy {source} "
                           f"to {out_file.parent}/", err=True)
    except ExtractError as e:
        raise click.UsageError(str(e)) from None
    except ProblemsFound as err:
        _fail(err, "text")


@main.command()
@click.argument("query_file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("-e", "--expression", metavar="SPARQL", help="The query text (instead of a .rq file).")
@click.option("--site", "site_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("site"),
              show_default=True, help="The built site whose dump to query.")
@click.option("--format", "fmt", type=click.Choice(engine.FORMATS), default="table", show_default=True,
              help="table, csv, tsv or json (SPARQL results JSON) for SELECT/ASK; "
                   "table/turtle or ntriples for CONSTRUCT/DESCRIBE.")
@click.option("--releases", "with_releases", is_flag=True,
              help="Also load every release of the site, each in its own named graphs ({base}graph/VERSION/…).")
def query(query_file: Path | None, expression: str | None, site_dir: Path, fmt: str, with_releases: bool) -> None:
    """Run a SPARQL query against the built dump, in-process (Oxigraph).

    The query is a .rq file or -e TEXT. Our prefixes (asdh:, code:, qb:, skos:,
    sdmx-measure:, …) are predeclared; the default graph is the union of the dump's
    named graphs. Exit 0 with the answer, 1 on a syntax error (with its line:column)
    or a missing build, 2 on a usage error.

    Examples:

        asdh-lod query queries/home-care-allowance-by-province.rq

        asdh-lod query -e 'SELECT (COUNT(*) AS ?n) WHERE { ?o a qb:Observation }' --format csv

        asdh-lod query --releases src/asdh_lod/resources/queries/figure-history-across-releases.rq
    """
    if (query_file is None) == (expression is None):
        raise click.UsageError("give a .rq file or -e 'SPARQL', not both and not neither")
    try:
        if query_file is not None:
            if not query_file.is_file():
                raise click.UsageError(f"query file '{query_file}' does not exist")
            text, where = engine.read_query(query_file), str(query_file)
        else:
            text, where = expression, "-e"
        store = site_query.open_store(site_dir, releases=with_releases)
        answer = engine.run(store, text, site_query.prefixes(site_dir), where=where)
        out = engine.render(answer, fmt)
    except engine.QueryError as err:
        raise click.ClickException(str(err)) from err
    click.echo(out, nl=False)


@main.command()
@click.option("--endpoint", required=True, metavar="URL",
              help="The Graph Store HTTP Protocol URL, e.g. http://localhost:7878/store (Oxigraph) "
                   "or http://localhost:3030/ds/data (Fuseki).")
@click.option("--update-endpoint", metavar="URL",
              help="The SPARQL Update URL for the swap. Default: the endpoint's last path segment "
                   "replaced by 'update'.")
@click.option("--site", "site_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("site"),
              show_default=True, help="The built site whose edition to push.")
@click.option("--timeout", type=click.FloatRange(0.1, 3600), default=60.0, show_default=True,
              help="Seconds to wait for each request.")
@click.option("--retries", type=click.IntRange(0, 20), default=4, show_default=True,
              help="Retries after a 5xx answer or a timeout, with exponential backoff (1 s, 2 s, 4 s, …).")
@click.option("--release", "release", default=None, metavar="VERSION",
              help="Push release VERSION of the site into its own named graphs ({base}graph/VERSION/…) "
                   "instead of the latest edition.")
def push(endpoint: str, update_endpoint: str | None, site_dir: Path, timeout: float, retries: int,
         release: str | None) -> None:
    """Load the built edition into a SPARQL store, so that readers never see half of it.

    Each named graph (ontology, code lists, data) is PUT into a staging graph with the
    SPARQL 1.1 Graph Store HTTP Protocol; then one SPARQL Update request moves them all
    in (MOVE … TO …), which a transactional store applies at once. A failure before that
    leaves the live graphs as they were. Credentials: the environment variables
    ASDH_LOD_ENDPOINT_USER and ASDH_LOD_ENDPOINT_PASSWORD (Basic) or ASDH_LOD_ENDPOINT_TOKEN
    (Bearer), else a netrc entry for the host; never the command line.

    With --release VERSION, the release's graphs are loaded beside the latest edition's,
    so the endpoint can answer "as of release VERSION" queries.

    Examples:

        asdh-lod push --endpoint http://localhost:7878/store

        asdh-lod push --endpoint http://localhost:7878/store --release 2026.1
    """
    try:
        if release is not None:
            changes.version_key(release)
        push_mod.check_url(endpoint, "--endpoint")
        if update_endpoint:
            push_mod.check_url(update_endpoint, "--update-endpoint")
    except ValueError as err:
        raise click.UsageError(str(err)) from err
    bar = None

    def on_start(edition) -> None:
        nonlocal bar
        if sys.stderr.isatty():
            bar = click.progressbar(length=edition.size, label="uploading", file=sys.stderr,
                                    show_pos=False, show_percent=True)
            bar.__enter__()

    try:
        auth = push_mod.credentials(endpoint)
        result = push_mod.push(site_dir, endpoint, update_endpoint=update_endpoint, auth=auth, timeout=timeout,
                               retries=retries, on_start=on_start, release=release,
                               progress=lambda n: bar.update(n) if bar is not None else None)
    except push_mod.PushError as err:
        raise click.ClickException(str(err)) from err
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    triples = sum(result.graphs.values())
    click.echo(f"pushed {len(result.graphs)} graphs, {triples} triples ({result.bytes} bytes) to {endpoint}"
               + (f" after {result.retries} retr{'y' if result.retries == 1 else 'ies'}" if result.retries else ""))


@main.command()
@click.option("--observations", "-n", type=click.IntRange(1), required=True, metavar="N",
              help="How many observations (facts) to generate.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="The data folder to (re)place.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed: the same seed gives identical files.")
@click.option("--from", "template", type=click.Path(file_okay=False, path_type=Path), default=Path("data"),
              show_default=True, help="The data folder whose code lists and dataset record are copied.")
def synth(observations: int, out_dir: Path, seed: int, template: Path) -> None:
    """Write a synthetic national data folder (for benchmarks), in the format of data/.

    Activity reports for the 81 provinces and the years since 2002, in Turkish prose, with
    one fact per figure and its quote; the real code lists are copied. Not real figures.

    Example:

    \b
        asdh-lod synth --observations 10000 --out /tmp/national
        asdh-lod build --data /tmp/national --out /tmp/site
    """
    try:
        sources = write_synth(observations, out_dir, seed=seed, template=template)
    except SynthError as err:
        raise click.UsageError(str(err)) from None
    click.echo(f"wrote {out_dir}/: {observations} observations in {sources} source documents (seed {seed})")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
