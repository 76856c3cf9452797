"""Releases on disk: read and verify the release folders of a site, freeze a new release, and
compare two editions (`asdh-lod diff`).

The site folder is the store of releases: `site/releases/{version}/` is committed with the
site, and every build reads the folders it finds there, checks each file against the SHA-256
its release's record gives (and each record against the next release's), and carries them
over byte for byte into the new site, through the same atomic swap. Nothing here writes.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS

from ..core.problems import ProblemsFound, Report, problem
from ..core.resources import ontology_for
from ..ingest.load import base_iri_of, load
from ..model.records import Model
from ..rdf.files import RELEASE_FILES, RELEASES, release_folder, release_path
from ..rdf.serialise import rdflib_term
from ..rdf.uris import Uris
from ..rdf.vocab import DCAT, SPDX
from ..stages.changes import (ChangeLog, Edition, Release, compare, edition, is_version, read_changelog,
                              version_key)
from ..stages.check import check
from ..stages.mapping import Mapped, map_model
from ..publish.releases import ADMS, release_files


@dataclass(frozen=True)
class ReleaseRequest:
    """What `asdh-lod release` asks for: a version, a note, the date it is issued."""

    version: str
    note: str
    issued: date


def next_version(version: str | None, today: date | None = None) -> str:
    """The version after `version` (2026.1 → 2026.2), or the first of this year."""
    year = (today or date.today()).year
    if version is None:
        return f"{year}.1"
    y, n = version_key(version)
    return f"{y}.{n + 1}" if y >= year else f"{year}.1"


def _site_path(url: str) -> str | None:
    """A release file's path in the site, from its URL in a record (whatever the base IRI)."""
    at = url.rfind(f"/{RELEASES}/")
    return url[at + 1:] if at >= 0 else None


def _version_of(iri) -> str | None:
    parts = str(iri).rstrip("/").rsplit("/", 1)
    return parts[-1] if parts and is_version(parts[-1]) else None


def read_releases(site: Path, uris: Uris, report: Report) -> list[Release]:
    """The releases under `site/releases/`, in version order, each checked file by file
    against its record's checksums (a problem per changed, missing or unlisted file). A folder
    whose record cannot be read is reported and left out."""
    root = Path(site) / RELEASES
    if not root.is_dir():
        return []
    folders = sorted((d for d in root.iterdir() if d.is_dir() and is_version(d.name)), key=lambda d: version_key(d.name))
    for d in sorted(root.iterdir()):
        if not (d.is_dir() and is_version(d.name)):
            report.add(problem("release-tampered", str(d), folder=str(d),
                               detail=f"{d} is not a release folder (releases/YYYY.N/)"))
    releases: list[Release] = []
    files_by_path: dict[str, bytes] = {}
    listed: dict[str, tuple[str, str]] = {}  # site path → (sha256, which record lists it)
    for d in folders:
        version = d.name
        files = {f"{release_folder(version)}/{f.relative_to(d).as_posix()}": f.read_bytes()
                 for f in sorted(d.rglob("*")) if f.is_file()}
        files_by_path.update(files)
        record_path = release_path(version, "record")
        shown = lambda rel: str(Path(site) / rel)  # noqa: E731
        if record_path not in files:
            report.add(problem("release-tampered", shown(record_path), folder=str(d),
                               detail=f"release {version} has no record {RELEASE_FILES['record']}"))
            continue
        record = Graph()
        try:
            record.parse(data=files[record_path], format="turtle", publicID=uris.base)
        except Exception as err:  # noqa: BLE001 - any parser error: the record was changed
            report.add(problem("release-tampered", shown(record_path), folder=str(d),
                               detail=f"the record of release {version} does not parse: {err}"))
            continue
        own = set()
        for subject, ck in record.subject_objects(SPDX.checksum):
            url = record.value(subject, DCAT.downloadURL) or subject
            path = _site_path(str(url))
            value = record.value(ck, SPDX.checksumValue)
            if path is None or value is None:
                continue
            listed[path] = (str(value), record_path)
            if path.startswith(release_folder(version) + "/"):
                own.add(path)
        for path in sorted(set(files) - own - {record_path}):
            report.add(problem("release-tampered", shown(path), folder=str(d),
                               detail=f"{path} is not a file of release {version} (its record does not list it)"))
        r = _release(version, record, files, uris)
        if r is None:
            report.add(problem("release-tampered", shown(record_path), folder=str(d),
                               detail=f"the record of release {version} lacks its version or issue date"))
            continue
        releases.append(r)
    for path, (value, record_path) in sorted(listed.items()):
        folder = str(Path(site) / path.rsplit("/", 1)[0])
        if path not in files_by_path:
            report.add(problem("release-tampered", str(Path(site) / path), folder=folder,
                               detail=f"{path} is missing (listed in {record_path})"))
        elif _sha256(files_by_path[path]) != value:
            report.add(problem("release-tampered", str(Path(site) / path), folder=folder,
                               detail=f"{path} differs from the SHA-256 in {record_path}: it was changed"))
    return releases


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _release(version: str, record: Graph, files: dict[str, bytes], uris: Uris) -> Release | None:
    r = uris.release(version)
    issued = record.value(r, DCTERMS.issued)
    if issued is None or record.value(r, DCAT.version) is None:
        return None
    previous = _version_of(record.value(r, DCAT.previousVersion)) if record.value(r, DCAT.previousVersion) else None
    log = ChangeLog(version, previous)
    changes = files.get(release_path(version, "changes-ttl"))
    if changes is not None:
        g = Graph()
        try:
            g.parse(data=changes, format="turtle", publicID=uris.base)
            log = read_changelog(g, uris, version, previous)
        except Exception:  # noqa: BLE001 - a changed file is reported by its checksum
            pass
    return Release(version=version, issued=date.fromisoformat(str(issued)),
                   note=str(record.value(r, ADMS.versionNotes) or ""), previous=previous, files=files,
                   record=record, changelog=log)


# -- editions --------------------------------------------------------------------------------


def release_edition(r: Release, uris: Uris) -> Edition:
    """What a release says, read from its N-Quads dump (its data and code-list graphs)."""
    nq = gzip.decompress(r.files[release_path(r.version, "n-quads-gzip")])
    want = {uris.release_graph(r.version, "data"): "data", uris.release_graph(r.version, "codelists"): "codelists"}
    parts: dict[str, list] = {"data": [], "codelists": []}
    for q in ox.parse(nq, format=ox.RdfFormat.N_QUADS):
        name = want.get(URIRef(q.graph_name.value)) if isinstance(q.graph_name, ox.NamedNode) else None
        if name:
            parts[name].append((rdflib_term(q.subject), rdflib_term(q.predicate), rdflib_term(q.object, plain_strings=True)))
    return edition(parts["data"], parts["codelists"], uris)


def mapped_edition(mapped: Mapped) -> Edition:
    """What the working data says (after mapping)."""
    return edition(mapped.part("data"), mapped.part("codelists"), mapped.uris)


def make_release(model: Model, mapped: Mapped, shapes_ttl: bytes, releases: list[Release],
                 request: ReleaseRequest, live_paths: set[str]) -> Release:
    """Freeze the validated edition as release `request.version`; raise `ProblemsFound` if that
    version exists with other content, or is not after the latest release. A version that
    exists with exactly this content is returned as it is (nothing changes)."""
    version = request.version
    report = Report()
    have = {r.version: r for r in releases}
    earlier = [r for r in releases if r.key < version_key(version)]
    previous = earlier[-1] if earlier else None
    log = compare(release_edition(previous, mapped.uris), mapped_edition(mapped), version,
                  previous.version) if previous else ChangeLog(version, None)
    files, record = release_files(model, mapped, shapes_ttl, version, request.issued, request.note, previous, log,
                                  existing=live_paths)
    if version in have:
        old = have[version].files
        differ = sorted(p for p in files.keys() | old.keys() if files.get(p) != old.get(p))
        if not differ:
            return have[version]
        report.add(problem("release-exists", release_folder(version), version=version,
                           next=next_version(releases[-1].version),
                           detail=f"{len(differ)} file(s) would differ, e.g. {differ[0]}"))
        raise ProblemsFound("release", report)
    if releases and releases[-1].key > version_key(version):
        report.add(problem("release-order", release_folder(version), version=version, latest=releases[-1].version,
                           next=next_version(releases[-1].version)))
        raise ProblemsFound("release", report)
    return Release(version=version, issued=request.issued, note=request.note,
                   previous=previous.version if previous else None, files=files, record=record,
                   changelog=log, new=True)


def working_edition(data_dir: Path, base_iri: str | None) -> tuple[Edition, Uris]:
    """The working data folder's edition: loaded, checked and mapped (`ProblemsFound` if not valid)."""
    model, report = load(Path(data_dir), base_iri=base_iri)
    if model is None:
        raise ProblemsFound("load", report)
    check(model, report)
    if not report.ok:
        raise ProblemsFound("check", report)
    mapped = map_model(model, ontology_for(data_dir).read_text(encoding="utf-8"))
    return mapped_edition(mapped), mapped.uris


def diff(site: Path, old: str, new: str, data_dir: Path, base_iri: str | None) -> ChangeLog:
    """The change log from `old` to `new`, each a release version of `site` or a data folder.
    Raises `ProblemsFound` (a release folder changed, or the data folder is not valid) or
    `ValueError` (no such release)."""
    uris = Uris(base_iri or base_iri_of(data_dir), "provincial")
    report = Report()
    releases = {r.version: r for r in read_releases(site, uris, report)}
    if not report.ok:
        raise ProblemsFound("releases", report)

    def side(name: str) -> tuple[Edition, str]:
        if is_version(name):
            if name not in releases:
                known = ", ".join(releases) or "none"
                raise ValueError(f"no release {name} in {Path(site) / RELEASES} (releases: {known})")
            return release_edition(releases[name], uris), name
        folder = Path(name)
        if not folder.is_dir():
            raise ValueError(f"'{name}' is neither a release version (YYYY.N) nor a data folder")
        ed, _ = working_edition(folder, base_iri)
        return ed, ""

    (a, va), (b, vb) = side(old), side(new)
    return compare(a, b, vb, va or None)

