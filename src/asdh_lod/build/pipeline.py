"""The build: load → check → map → validate → render → publish, in that order.

Nothing is written unless every stage before publishing found no error; a failed build
raises `ProblemsFound` carrying the report and leaves the output folder untouched. `build`
validates in a forked child process (`Gate`) while the render stage makes the dumps' sorted
lines (in a republish, the dumps) in its scratch folder; it puts nothing into the site's
temporary folder before the gate has passed.
"""

from __future__ import annotations

import gc
import hashlib
import pickle
import resource
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from rdflib import Graph, URIRef

from ..core import parallel
from ..core.fsio import Scratch, stage_site, swap_in
from ..core.problems import ProblemsFound, Report
from ..core.resources import ontology_for, queries_for, shapes_for, web_for
from ..ingest.load import SCHEMES, load
from ..model.records import Model, Origin
from ..publish.maps import Outlines, load_outlines
from ..publish.querypage import load_queries, load_web_assets
from ..publish.links import QUERIES_PAGE, SPARQL_PAGE
from ..publish.render import check_outputs, render, render_iter, shapes_turtle
from ..stages.check import check
from ..stages.fastcheck import validate_fast
from ..stages.incremental import BuildCache, PagesMade
from ..stages.mapping import Mapped, map_model
from ..stages.validate import load_shapes
from .releases import ReleaseRequest, make_release, read_releases

# The validate stage, as one pluggable call: (data, shapes, origins, report) -> report, where
# data is the `Mapped` result (the mapper's triple lists; a validator that wants one rdflib
# graph of everything builds it: `validate.validate_graph` does).
# The build uses the fast path (`fastcheck.validate_fast`: linear in the observations, proven
# to give pySHACL's results in tests/test_fastcheck.py and tests/test_mutations.py);
# `validate.validate_graph` (pySHACL with every shape) is the reference, e.g. for benchmarks.
Validator = Callable[[Mapped, Graph, "dict[URIRef, Origin] | None", Report], Report]
VALIDATE: Validator = validate_fast



@dataclass
class BuildResult:
    model: Model
    mapped: Mapped
    files: dict[str, bytes] | None  # what `prepare` made, in memory; None after `build`, which streams them
    report: Report
    triples: int  # in the published whole graph
    paths: list[str] = field(default_factory=list)  # every file of the site, sorted
    seconds: dict[str, float] = field(default_factory=dict)
    peak_rss: dict[str, int] = field(default_factory=dict)  # bytes, the process's peak after each stage
    cache: BuildCache | None = None  # the incremental cache, when one was used
    releases: list = field(default_factory=list)  # the site's releases (stages.changes.Release), oldest first
    pages_reused: int = 0  # resources whose page an incremental build linked from the previous site
    pieces_reused: int = 0  # the dumps' serialised chunks an incremental build read back (publish/dumps.py)

    @property
    def observations(self) -> int:
        return len(self.model.facts)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the duration of a build.

    A build allocates millions of small objects (terms, triples, index entries) and makes
    almost no reference cycles; with the collector on, its ever longer full passes make the
    big stages superlinear (at 100k observations, graph 35 s → 14 s, map 9.5 s → 3 s).
    Memory is reference-counted as usual; the collector runs again afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def peak_rss() -> int:
    """The process's peak resident set size so far, in bytes."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


class Progress:
    """What a progress display hears from the pipeline; this base class ignores it all."""

    def start(self, stage: str, total: int) -> None: ...

    def advance(self, n: int = 1) -> None: ...

    def end(self, stage: str) -> None: ...


def cpu_seconds() -> float:
    """CPU time (user + system) of this process and of its finished worker processes."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def peak_rss_children() -> int:
    """The largest peak RSS of any finished worker process so far, in bytes (0 if none)."""
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


class Timings:
    """Wall time, CPU time (worker processes included) and peak RSS (of this process, and of
    the largest worker) of each stage, and the stage events a `Progress` display hears."""

    def __init__(self, progress: Progress | None = None):
        self.seconds: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.peak_rss: dict[str, int] = {}
        self.peak_rss_workers: dict[str, int] = {}
        # stages run in a forked child process (the validation: `Gate`): their wall time there;
        # `seconds` has the time this process spent on them (in a republish, where the child
        # runs beside the render stage, only the fork and the wait at the gate)
        self.forked: dict[str, float] = {}
        self.progress = progress or Progress()

    @contextmanager
    def stage(self, name: str, total: int = 1) -> Iterator[Callable[[], None]]:
        """Time the block; it gets a `step()` to call `total` times as its work advances."""
        self.progress.start(name, total)
        done = 0

        def step() -> None:
            nonlocal done
            done += 1
            self.progress.advance()

        t, cpu = time.perf_counter(), cpu_seconds()
        try:
            yield step
        finally:
            self.seconds[name] = time.perf_counter() - t
            self.cpu[name] = cpu_seconds() - cpu
            self.peak_rss[name] = peak_rss()
            self.peak_rss_workers[name] = peak_rss_children()
            if done < total:
                self.progress.advance(total - done)
            self.progress.end(name)


@dataclass
class _Inputs:
    """What rendering needs besides the model and the mapped triples."""

    shapes: Graph
    queries: list
    web_assets: dict[str, bytes] | None
    outlines: Outlines | None = None  # the provinces' outlines for the maps (web/: turkey-map-react)


def prepare(data_dir: Path, base_iri: str | None = None, *, limit: int | None = None,
            ontology: Path | None = None, shapes_dir: Path | None = None,
            validator: Validator | None = None, timings: Timings | None = None,
            cache_dir: Path | None = None) -> BuildResult:
    """Run every stage up to (not including) writing; raise `ProblemsFound` on any error.

    The files are made in memory (`result.files`). With `cache_dir`, sources unchanged since a
    previous build are not loaded, checked or mapped again (`incremental.BuildCache`);
    everything across sources is always redone."""
    timings = timings or Timings()
    with gc_paused():
        result, inputs, _passed = _validated(data_dir, base_iri, limit=limit, ontology=ontology,
                                             shapes_dir=shapes_dir, validator=validator, timings=timings,
                                             cache_dir=cache_dir)  # validated here: the gate has passed
        stats: dict = {}
        with timings.stage("render"):
            result.files = render(result.model, result.mapped, inputs.shapes, inputs.queries,
                                  inputs.web_assets, stats=stats, outlines=inputs.outlines)
        result.paths, result.triples = sorted(result.files), stats["triples"]
    return result


class Gate:
    """The end of the validate stage: `gate()` adds the SHACL gate's problems (and then the
    output formats' checks') to the report and raises `ProblemsFound` on any error, as if they
    had been found in that order; it returns at once if it passed before.

    With `fork`, the validator runs in a forked child process (`parallel.Forked`): its index of
    every triple (0.6 GB at 100k observations) is never in this process, whose memory the page
    workers later start from. `build` goes on while it runs — the render stage sorts the data
    graph's lines and makes the dumps in its scratch folder — and the render stage calls
    `gate()` before the first file goes into the site's temporary folder; in a full build
    already before the threads that load the example-query store and compress the dumps
    start (beside them, the validation measured slower than before them), in an incremental
    republish, where those threads have little to do, after the dumps (`render_iter`'s
    `gate_early`). Without `fork` (or without fork on the platform, or with
    ``ASDH_LOD_WORKERS=1``) the validator runs here, at once."""

    def __init__(self, mapped: Mapped, shapes: Graph, validator: Validator, report: Report, outputs: Report,
                 timings: Timings, fork: bool):
        self.report, self.outputs, self.timings = report, outputs, timings
        self._run = lambda: _validate(validator, mapped, shapes, report.limit)
        self._job = parallel.Forked(self._run, fork=fork)
        self.forked = self._job.pid is not None
        self._passed = False

    def __call__(self) -> None:
        if self._passed:
            return
        try:
            found, seconds = self._job.result()
        except parallel.ChildFailed:  # the child died without a word (killed for memory?): validate here,
            found, seconds = self._run()  # which needs less than this process and the child together
        if self.forked:
            self.timings.forked["validate"] = seconds
        self.report.merge(found)
        if not self.report.ok:
            raise ProblemsFound("validate", self.report)
        self.report.merge(self.outputs)
        if not self.report.ok:
            raise ProblemsFound("outputs", self.report)
        self._passed = True

    def cancel(self) -> None:
        """Stop the validator if it still runs (the build failed elsewhere)."""
        if not self._passed:
            self._job.cancel()


def _validate(validator: Validator, mapped: Mapped, shapes: Graph, limit: int) -> tuple[Report, float]:
    """The validator's problems, in a report of their own, and the seconds it took."""
    t = time.perf_counter()
    found = validator(mapped, shapes, mapped.origins, Report(limit=limit))
    return found, time.perf_counter() - t


def _validated(data_dir: Path, base_iri: str | None, *, limit: int | None, ontology: Path | None,
               shapes_dir: Path | None, validator: Validator | None, timings: Timings,
               cache_dir: Path | None, in_child: bool = False) -> tuple[BuildResult, _Inputs, Gate]:
    """Load, check and map (raising `ProblemsFound` on any error) and validate: here, the
    `Gate` passed before this returns, or with `in_child` in a forked child the caller goes on
    beside and must pass the `Gate` itself; the result, not yet rendered, what rendering needs,
    and the `Gate`."""
    ontology = ontology or ontology_for(data_dir)
    shapes_dir = shapes_dir or shapes_for(data_dir)
    cache = None
    if cache_dir is not None:
        cache = BuildCache(cache_dir, Path(data_dir), ontology, shapes_dir, base_iri)
    files_to_read = len(SCHEMES) + 1 + len(list((Path(data_dir) / "sources").glob("*.yaml")))
    with timings.stage("load", files_to_read) as step:
        model, report = load(Path(data_dir), base_iri=base_iri, limit=limit, progress=step,
                             reuse=cache.source if cache else None)
    if model is None:
        raise ProblemsFound("load", report)
    with timings.stage("check", len(model.sources)) as step:
        check(model, report, progress=step, checked=cache.checked if cache else frozenset())
    if not report.ok:
        raise ProblemsFound("check", report)
    with timings.stage("map", len(model.sources)) as step:
        mapped = map_model(model, ontology.read_text(encoding="utf-8"), progress=step,
                           reuse=cache.mapped if cache else None)
    # no rdflib graph of everything is built: the validator, the catalogue and the pages read
    # the mapper's triple lists (at 100k observations such a graph took 12 s and 1.1 GB)
    queries = load_queries(queries_for(data_dir))
    outputs = check_outputs(model, queries, Report(limit=report.limit))  # what the CSV and the query pages cannot carry
    with timings.stage("validate"):
        shapes = load_shapes(mapped.uris, shapes_dir)
        gate = Gate(mapped, shapes, validator or VALIDATE, report, outputs, timings, in_child)
        if not gate.forked:  # not asked, or no child could be forked: validated here
            gate()
    try:
        web = web_for(data_dir)
        web_assets = load_web_assets(web) if queries and web is not None else None
        outlines = load_outlines(web) if web is not None else None  # no web/ (an installed package): no maps
    except BaseException:
        gate.cancel()
        raise
    result = BuildResult(model=model, mapped=mapped, files=None, report=report, triples=0,
                         seconds=timings.seconds, peak_rss=timings.peak_rss, cache=cache)
    return result, _Inputs(shapes, queries, web_assets, outlines), gate


def build(data_dir: Path, out_dir: Path, base_iri: str | None = None, *, limit: int | None = None,
          ontology: Path | None = None, shapes_dir: Path | None = None,
          validator: Validator | None = None, timings: Timings | None = None,
          cache_dir: Path | None = None, release: ReleaseRequest | None = None) -> BuildResult:
    """Validate everything, then publish it into `out_dir` atomically (and, with `cache_dir`,
    keep what each source contributed for the next, incremental build).

    The release folders of `out_dir` (`releases/{version}/`) are checked against their
    checksums and carried over unchanged; with `release`, the edition is also frozen as a
    new release (build/releases.py). A changed release, or a release that exists with other
    content, raises `ProblemsFound` before anything is written.

    The files are written as they are made (stage "render"), into a temporary folder beside
    `out_dir`, never all held in memory (`result.files` stays None); the folder is then
    swapped in (stage "write"). A failure at any point removes the folder and leaves
    `out_dir` as it was.

    The SHACL validation runs in a forked child process (`Gate`) while the render stage sorts
    the data graph's lines (and, in an incremental republish, makes the dumps) in its scratch
    folder. The first file goes into the temporary folder only once it has passed, and its
    problems are reported as when it ran before."""
    timings = timings or Timings()
    with gc_paused():
        result, inputs, gate = _validated(data_dir, base_iri, limit=limit, ontology=ontology,
                                          shapes_dir=shapes_dir, validator=validator, timings=timings,
                                          cache_dir=cache_dir, in_child=True)
        stats: dict = {}
        cache, made = result.cache, PagesMade()
        try:
            with timings.stage("render"), Scratch(near=Path(out_dir)) as scratch:
                # made and written into the temporary folder; the dumps made in `scratch` and moved in
                result.releases = _releases(result, inputs, Path(out_dir), release, gate)  # read, checked (and made)
                reuse = cache.page_reuse(Path(out_dir), result.mapped.sources, result.mapped.shared) if cache else None
                pieces = cache.dump_pieces(Path(out_dir)) if cache else None
                files = render_iter(result.model, result.mapped, inputs.shapes, inputs.queries,
                                    inputs.web_assets, stats=stats, scratch=scratch, releases=result.releases,
                                    outlines=inputs.outlines, reuse=reuse, made=made,
                                    depends=_page_inputs(cache, inputs, result.releases) if cache else b"", kept=cache,
                                    pieces=pieces, stores=cache, gate=gate,
                                    gate_early=not (cache is not None and cache.republishes(Path(out_dir))))
                staged, result.paths = stage_site(files, Path(out_dir))
        finally:
            gate.cancel()  # still running only if the build failed before the gate
        result.triples = stats["triples"]
        result.pages_reused = made.reused
        result.pieces_reused = stats["pieces reused"]
        with timings.stage("write"):
            swap_in(staged, Path(out_dir))
        if cache is not None:  # only after the site was validated and published
            cache.store(result.model, result.mapped.sources)
            cache.store_site(Path(out_dir), made, result.mapped.shared, pieces)
    return result


def _page_inputs(cache: BuildCache, inputs: _Inputs, releases: list) -> bytes:
    """What the pages depend on beyond the data triples and the other published files, for an
    incremental build's fingerprint (`stages.incremental`): the cache's key of code, code lists,
    dataset, ontology and shapes, and the example queries, the maps' outlines and the releases."""
    parts = [cache.global_key.encode(), b"web" if inputs.web_assets is not None else b"no web"]
    parts += [f"{q.name}\n{q.text}".encode("utf-8") for q in inputs.queries]
    parts.append(pickle.dumps(inputs.outlines, protocol=4))
    for r in releases:
        parts.append(r.version.encode())
        parts += [path.encode() + b"\0" + hashlib.sha256(data).digest() for path, data in sorted(r.files.items())]
    return b"\0".join(parts)


def _releases(result: BuildResult, inputs: _Inputs, out_dir: Path, request: ReleaseRequest | None,
              gate: Gate) -> list:
    """The releases of `out_dir`, verified, and with `request` the new one (build/releases.py).
    Their problems come after the SHACL gate's, as when validation ran first; a new release
    freezes the edition only once it has passed the gate."""
    found = Report(limit=result.report.limit)
    releases = read_releases(out_dir, result.mapped.uris, found)
    if found.total:
        gate()
        result.report.merge(found)
        if not result.report.ok:
            raise ProblemsFound("releases", result.report)
    if request is None:
        return releases
    gate()
    live = {p for p, on in ((QUERIES_PAGE, bool(inputs.queries)), (SPARQL_PAGE, inputs.web_assets is not None)) if on}
    made = make_release(result.model, result.mapped, shapes_turtle(inputs.shapes, result.mapped), releases,
                        request, live)
    return sorted([r for r in releases if r.version != made.version] + [made], key=lambda r: r.key)
