"""SPARQL over a published site's dump: `open_store(site)` loads the named-graph N-Quads if
the site has them, else the plain N-Triples, into an in-memory store (`rdf.query`);
`prefixes(site)` reads our prefixes from the site's published JSON-LD context, so they follow
the base IRI the site was built with.

The default graph is the union of the named graphs (a copy), so a query needs no GRAPH
clause; `GRAPH ?g { … }` still tells which graph a triple is in, and `FROM <…graph/data>`
picks graphs as on any endpoint holding the pushed named graphs.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyoxigraph as ox

from ..rdf.files import FILES, QUERY_DUMPS
from ..rdf.files import release_path
from ..rdf.query import QueryError, edition_store, loaded
from ..rdf.vocab import DEFAULT_BASE
from ..rdf.vocab import sparql_prefixes

_FORMATS = {"application/n-quads": ox.RdfFormat.N_QUADS, "application/n-triples": ox.RdfFormat.N_TRIPLES}


def dump_file(site: Path) -> tuple[Path, ox.RdfFormat, bool]:
    site = Path(site)
    for f in QUERY_DUMPS:
        if (site / f.path).is_file():
            return site / f.path, _FORMATS[f.media_type], f.compress is not None
    raise QueryError(f"no dump in '{site}' (looked for {site}/{QUERY_DUMPS[0].path} and "
                     f"{QUERY_DUMPS[1].path.rsplit('/', 1)[1]}): run asdh-lod build first (asdh-lod build --out {site})")


def prefixes(site: Path | None = None) -> dict[str, str]:
    """Our prefixes for the base IRI the site was built with (read from its published JSON-LD
    context), else for the default base."""
    base = DEFAULT_BASE
    if site is not None:
        try:
            ctx = json.loads((Path(site) / FILES["context"].path).read_text(encoding="utf-8"))["@context"]
            if ctx["asdh"].endswith("def/"):
                base = ctx["asdh"][: -len("def/")]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass
    return sparql_prefixes(base)


def open_store(site: Path, releases: bool = False) -> ox.Store:
    """An in-memory store holding the site's dump; with `releases`, also every release's
    N-Quads (each in its own named graphs)."""
    path, fmt, gz = dump_file(site)
    data = path.read_bytes()
    if gz:
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as err:
            raise QueryError(f"{path}: not a readable gzip file ({err}): rebuild with asdh-lod build") from err
    if releases and fmt == ox.RdfFormat.N_QUADS:
        for dump in sorted(Path(site).glob(release_path("*", "n-quads-gzip"))):
            try:
                data += gzip.decompress(dump.read_bytes())
            except (OSError, EOFError) as err:
                raise QueryError(f"{dump}: not a readable gzip file ({err})") from err
    try:
        return edition_store(data) if fmt == ox.RdfFormat.N_QUADS else loaded(data, fmt)
    except SyntaxError as err:
        raise QueryError(f"{path}: {err}: rebuild with asdh-lod build") from err


