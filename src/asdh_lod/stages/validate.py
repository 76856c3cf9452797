"""Validate stage: RDF graphs → SHACL report, with problems traced back to the YAML.

The shapes (`resources/shapes/`, or a project's `shapes/`) are the source of truth. They are Turtle with IRIs relative to
the base IRI (like the ontology), so they are parsed with that base; the SPARQL prefix
`asdh` is declared here from the same base, because SPARQL text is not resolved by Turtle.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SH, XSD

from ..core.problems import Report, problem
from ..core.resources import SHAPES, ontology_for
from ..ingest.load import load
from ..model.records import Origin
from ..rdf.uris import Uris
from ..rdf.vocab import own_namespaces
from .mapping import map_model, parse_ontology


def load_shapes(uris: Uris, shapes_dir: Path = SHAPES) -> Graph:
    g = Graph()
    files = sorted(Path(shapes_dir).glob("*.ttl"))
    if not files:
        raise FileNotFoundError(f"no shapes (*.ttl) in {shapes_dir}")
    for f in files:
        g += parse_ontology(f.read_text(encoding="utf-8"), uris)
    for shapes_doc in set(g.subjects(SH.declare, None)):
        for prefix, namespace in base_prefixes(uris).items():
            # a content-derived label: the published shapes.ttl must be byte-identical build after build
            decl = BNode("declare" + hashlib.sha256(f"{shapes_doc} {prefix}".encode()).hexdigest()[:16])
            g.add((shapes_doc, SH.declare, decl))
            g.add((decl, SH.prefix, Literal(prefix)))
            g.add((decl, SH.namespace, Literal(namespace, datatype=XSD.anyURI)))
    return g


def base_prefixes(uris: Uris) -> dict[str, str]:
    """The SPARQL prefixes of the shapes that depend on the base IRI (see shapes/asdh.ttl)."""
    own = own_namespaces(uris.base)
    return {"asdh": own["asdh"], "code": own["code"], "structure": str(uris.structure)}


@dataclass(frozen=True, order=True)
class Result:
    """One SHACL validation result, in plain terms (terms written as N-Triples: <iri>, "lit"@tr)."""

    shape_id: str       # the shape's identifier: IC-12, ASDH-3 (or its IRI if it has none)
    shape: str          # the shape's name, e.g. "IC-12 No duplicate observations"
    severity: str       # Violation | Warning | Info
    focus: str
    path: str | None
    value: str | None
    message: str

    @property
    def ic(self) -> int | None:
        return int(self.shape_id[3:]) if self.shape_id.startswith("IC-") else None


def _iri(short: str | None) -> str | None:
    return short[1:-1] if short and short.startswith("<") and short.endswith(">") else None


def short(term) -> str | None:
    if term is None:
        return None
    if isinstance(term, URIRef):
        return f"<{term}>"
    return term.n3() if isinstance(term, Literal) else f"_:{term}"


def shape_names(shapes: Graph) -> dict:
    """Every named shape (one with a dct:identifier) and the blank shapes inside it → (id, name)."""
    out = {}
    for shape, ident in shapes.subject_objects(DCTERMS.identifier):
        label = shapes.value(shape, RDFS.label)
        named = (str(ident), str(label) if label is not None else str(ident))
        out[shape] = named
        for link in (SH.property, SH.sparql):
            for inner in shapes.objects(shape, link):
                out.setdefault(inner, named)
    return out


def results(report_graph: Graph, shapes: Graph) -> list[Result]:
    names = shape_names(shapes)
    out = []
    for r in report_graph.subjects(RDF.type, SH.ValidationResult):
        shape = report_graph.value(r, SH.sourceShape)
        shape_id, name = names.get(shape, (str(shape), str(shape)))
        msg = report_graph.value(r, SH.resultMessage)
        sev = report_graph.value(r, SH.resultSeverity)
        out.append(Result(
            shape_id=shape_id, shape=name,
            severity=str(sev).rsplit("#", 1)[-1] if sev is not None else "Violation",
            focus=short(report_graph.value(r, SH.focusNode)),
            path=short(report_graph.value(r, SH.resultPath)),
            value=short(report_graph.value(r, SH.value)),
            message=str(msg) if msg is not None else "constraint violated",
        ))
    return sorted(out)


def shacl_results(data: Graph, shapes: Graph, *, inplace: bool = False) -> list[Result]:
    """pySHACL, the reference, with the full shapes over `data`.

    `inplace` spares pySHACL its copy of the data graph; without inference it adds nothing to it.
    """
    shapes_copy = Graph()  # pySHACL adds triples to the shapes graph it is given: keep ours pure
    shapes_copy += shapes
    _conforms, report_graph, _text = shacl_validate(
        data, shacl_graph=shapes_copy, inference="none", advanced=True, allow_warnings=True,
        abort_on_first=False, inplace=inplace)
    return results(report_graph, shapes_copy)


def add_results(found: list[Result], origins: dict[URIRef, Origin] | None, report: Report) -> Report:
    """One problem per result, located at the YAML line its node (or offending observation) came from."""
    full = {str(k): v for k, v in (origins or {}).items()}
    for res in sorted(found):
        # shapes that target a data set name the offending observation as the value
        node, origin = res.focus, full.get(_iri(res.focus))
        if _iri(res.value) in full and res.value != res.focus:
            node, origin = res.value, full[_iri(res.value)]
        where = node + (f" {res.path}" if res.path else "")
        if res.value and res.value not in (node, res.focus):
            where += f" = {res.value}"
        severity = "error" if res.severity == "Violation" else res.severity.lower()
        report.add(problem(
            "shacl", origin.path if origin else None, origin.line if origin else None, severity=severity,
            message=f"{res.shape}: {res.message} [{where}]",
            details={"shape": res.shape, "shape_id": res.shape_id, "ic": res.ic, "focus": res.focus,
                     "message_text": res.message,
                     "result_path": res.path, "value": res.value, "shacl_severity": res.severity}))
    return report


def validate_graph(data, shapes: Graph, origins: dict[URIRef, Origin] | None = None,
                   report: Report | None = None) -> Report:
    """Run pySHACL with the shapes over `data` (a Graph, or a `mapping.Mapped`, whose whole
    graph is built for it); one problem per validation result."""
    report = report if report is not None else Report()
    if not isinstance(data, Graph):
        data = data.union()
    return add_results(shacl_results(data, shapes), origins, report)


RDF_FORMATS = {".ttl": "turtle", ".nt": "nt", ".nq": "nquads", ".trig": "trig", ".jsonld": "json-ld",
               ".json": "json-ld", ".rdf": "xml", ".owl": "xml", ".xml": "xml", ".n3": "n3"}


def read_rdf(files: list[Path], report: Report) -> Graph | None:
    """Parse RDF files (format from the extension; .gz allowed) into one graph."""
    g = Graph()
    ok = True
    for f in files:
        f = Path(f)
        name = f.name[:-3] if f.name.endswith(".gz") else f.name
        fmt = RDF_FORMATS.get(Path(name).suffix.lower())
        if fmt is None:
            report.add(problem("rdf-syntax", str(f), None, detail="unknown RDF file extension",
                               format="RDF (.ttl, .nt, .nq, .trig, .jsonld, .rdf)"))
            ok = False
            continue
        data = f.read_bytes()
        if f.name.endswith(".gz"):
            data = gzip.decompress(data)
        try:
            g.parse(data=data, format=fmt, publicID=f.absolute().as_uri())
        except Exception as e:  # noqa: BLE001 - parsers raise many types; all mean "bad syntax"
            line = getattr(e, "lines", None) or getattr(e, "line", None)
            detail = " ".join(str(e).split())[:300]
            report.add(problem("rdf-syntax", str(f), line if isinstance(line, int) else None,
                               detail=detail, format=fmt))
            ok = False
    return g if ok else None


def origins_for(data_dir: Path, base_iri: str | None = None) -> dict[URIRef, Origin]:
    """Where each node of our data was written (YAML file and line), if `data_dir` loads; else {}.

    Used when validating RDF files: results on nodes we minted then name the YAML line to fix.
    """
    if not Path(data_dir).is_dir():
        return {}
    model, _report = load(Path(data_dir), base_iri=base_iri)
    if model is None:
        return {}
    ontology = ontology_for(data_dir)
    try:
        return map_model(model, ontology.read_text(encoding="utf-8")).origins
    except (KeyError, ValueError):  # data that loads but does not map (check fails): no origins
        return {}


def _shape_order(key: tuple) -> tuple:
    """IC-1 … IC-21, then ASDH-1 … ASDH-20, by number."""
    kind, _, num = key[0].partition("-")
    return (kind != "IC", int(num) if num.isdigit() else 0, key[0])


def grouped_lines(report: Report) -> list[str]:
    """The report for people, grouped by shape: a heading per shape, then one entry per result.

        IC-12 No duplicate observations (Violation): 1 result
          data/sources/x.yaml:42: <…/obs/…>
            IC-12: 2 observations share the dimension values of <…/obs/…>
            focus <…/data/provincial>; value <…/obs/…>
    """
    out: list[str] = []
    groups: dict[tuple, list] = {}
    for p in report.sorted():
        d = dict(p.details)
        if p.code != "shacl":
            out.append(str(p))
            continue
        groups.setdefault((d["shape_id"], d["shape"], d["shacl_severity"]), []).append((p, d))

    for key in sorted(groups, key=_shape_order):
        _ident, name, severity = key
        entries = groups[key]
        out.append(f"{name} ({severity}): {len(entries)} result{'s' if len(entries) != 1 else ''}")
        for p, d in entries:
            # shapes that target a data set name the offending observation as the value
            node = d["value"] if _iri(d["value"]) and d["value"] != d["focus"] else d["focus"]
            out.append(f"  {p.location + ': ' if p.location else ''}{node}")
            out.append(f"    {d['message_text']}")
            facts = [f"focus {d['focus']}"]
            if d["result_path"]:
                facts.append(f"path {d['result_path']}")
            if d["value"]:
                facts.append(f"value {d['value']}")
            out.append("    " + "; ".join(facts))
    if report.truncated:
        out.append(f"... and {report.total - len(report.problems)} more problems (limit {report.limit})")
    return out


def shape_summary(report: Report) -> list[dict]:
    """The SHACL problems counted by shape, IC-1 … IC-21 first, for `--format json`."""
    counts: dict[tuple, int] = {}
    for p in report.problems:
        if p.code == "shacl":
            d = dict(p.details)
            key = (d["shape_id"], d["shape"], d["shacl_severity"])
            counts[key] = counts.get(key, 0) + 1

    return [{"shape_id": k[0], "shape": k[1], "severity": k[2], "results": counts[k]}
            for k in sorted(counts, key=_shape_order)]
