"""The naive baseline: the textbook rdflib pipeline, kept fixed as the yardstick.

The same loader, checks and mapping to rdflib graphs as asdh-lod, then pySHACL with every
shape over the whole graph, then rdflib's own Turtle, JSON-LD and N-Triples serialisers
(N-Triples sorted), written one file after another. It is what the pipeline was before it was
made fast; `run.py` measures both side by side.
"""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import Graph

from asdh_lod.stages.check import check
from asdh_lod.ingest.load import load
from asdh_lod.stages.mapping import map_model
from asdh_lod.build.pipeline import Timings
from asdh_lod.core.resources import ONTOLOGY, SHAPES
from asdh_lod.core.problems import ProblemsFound
from asdh_lod.publish.render import jsonld_context
from asdh_lod.stages.validate import load_shapes, validate_graph


def naive_build(data_dir: Path, out_dir: Path, timings: Timings) -> dict:
    with timings.stage("load"):
        model, report = load(Path(data_dir))
    if model is None:
        raise ProblemsFound("load", report)
    with timings.stage("check"):
        check(model, report)
    if not report.ok:
        raise ProblemsFound("check", report)
    with timings.stage("map"):
        mapped = map_model(model, ONTOLOGY.read_text(encoding="utf-8"))
        data, codelists = mapped.data, mapped.codelists  # the textbook mapping builds its graphs
    with timings.stage("graph"):
        whole = Graph()
        for part in (mapped.ontology, codelists, data):
            for t in part:
                whole.add(t)
    with timings.stage("validate"):
        validate_graph(whole, load_shapes(mapped.uris, SHAPES), mapped.origins, report)
    if not report.ok:
        raise ProblemsFound("validate", report)
    with timings.stage("render"):
        ttl = whole.serialize(format="turtle", encoding="utf-8")
        ctx = jsonld_context(mapped.uris.base)["@context"]
        jsonld = json.dumps(json.loads(whole.serialize(format="json-ld", context=ctx, auto_compact=True)),
                            ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
        nt = "".join(sorted(whole.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines(True)))
    with timings.stage("write"):
        out = Path(out_dir) / "downloads"
        out.mkdir(parents=True, exist_ok=True)
        (out / "asdh-lod.ttl").write_bytes(ttl)
        (out / "asdh-lod.jsonld").write_bytes(jsonld)
        (out / "asdh-lod.nt").write_text(nt, encoding="utf-8")
    return {"observations": len(model.facts), "triples": len(whole)}
