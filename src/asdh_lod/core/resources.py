"""The package's own files — ontology, shapes, example queries, templates, the DCAT-AP
shapes the catalogue is checked with — and how a
project folder overrides them.

They ship inside the package (`asdh_lod/resources/`, `asdh_lod/publish/templates/`) and are
found with `importlib.resources`, so a non-editable install validates and builds anywhere.
A project folder (the folder holding the data folder) that has its own `ontology/asdh.ttl`,
`shapes/` or `queries/` overrides the packaged ones.
"""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path

_PACKAGE = files("asdh_lod")


def _packaged(*parts: str) -> Path:
    """A packaged file or folder as a real path (the package is installed unzipped: setuptools
    wheels always are; `as_file` on a folder of a zipped package would extract it)."""
    node = _PACKAGE.joinpath(*parts)
    with as_file(node) as path:
        return Path(path)


ONTOLOGY = _packaged("resources", "ontology", "asdh.ttl")
SHAPES = _packaged("resources", "shapes")
QUERIES = _packaged("resources", "queries")
DCAT_AP = _packaged("resources", "dcat-ap")  # the official DCAT-AP 3.0.1 shapes (CC BY 4.0, see its NOTICE)
TEMPLATES = _packaged("publish", "templates")
CODE = _packaged()  # the package's own modules (the build cache keys entries by their bytes)


def project_file(data_dir: Path, rel: str, default: Path) -> Path:
    """`rel` in the project folder that holds `data_dir` if it has one, else the packaged default."""
    candidate = Path(data_dir).resolve().parent / rel
    return candidate if candidate.exists() else default


def ontology_for(data_dir: Path) -> Path:
    return project_file(data_dir, "ontology/asdh.ttl", ONTOLOGY)


def shapes_for(data_dir: Path) -> Path:
    return project_file(data_dir, "shapes", SHAPES)


def queries_for(data_dir: Path) -> Path:
    return project_file(data_dir, "queries", QUERIES)


# a source checkout (src/asdh_lod/ imported in place: the editable install of ./dev) has web/
# beside src/; an installed package has none
_CHECKOUT_WEB = Path(__file__).resolve().parents[3] / "web"


def web_for(data_dir: Path) -> Path | None:
    """The `web/` folder (package.json of the in-browser SPARQL page's assets, which `npm ci`
    installs into web/node_modules): the project's beside `data_dir`, else the source
    checkout's. None when neither exists (a package installed elsewhere): the site then has
    no in-browser SPARQL page."""
    for candidate in (Path(data_dir).resolve().parent / "web", _CHECKOUT_WEB):
        if (candidate / "package.json").is_file():
            return candidate
    return None
