"""The streamed dumps (sorted on disk, merged, serialised from files by pyoxigraph) are the
same bytes as the in-memory reference serialisers of rdf/serialise.py (issue 15)."""

from __future__ import annotations

import gzip
import random

import pytest
from rdflib import Graph

from asdh_lod.build.pipeline import build
from asdh_lod.build.synth import write_synth
from asdh_lod.core.fsio import FileBytes, Scratch, sorted_unique_lines, unique_merge
from asdh_lod.publish import catalog
from asdh_lod.publish.render import CATALOG_GRAPH, named_graphs
from asdh_lod.rdf.files import FILES
from asdh_lod.rdf.serialise import jsonld, jsonld_context, nquads, ntriples, trig, turtle_dump, turtle_prefixes
from helpers import DATA


def test_external_sort_equals_sorted_set_with_many_runs(tmp_path):
    rng = random.Random(3)
    lines = [f"<s{rng.randrange(500)}> <p> \"ç{rng.randrange(50)}\" .\n".encode() for _ in range(5000)]
    with Scratch(tmp_path / "x") as scratch:
        got = list(sorted_unique_lines(iter(lines), scratch, run_bytes=2000))  # dozens of spilled runs
        assert len(list(scratch.path.iterdir())) == 0  # the runs are removed once merged
    assert got == sorted(set(lines))
    assert list(unique_merge([iter(got[::2]), iter(got[1::2]), iter(got)])) == got


def test_file_bytes_reads_like_bytes(tmp_path):
    data = "".join(f"<a{i}> <p> \"ğ{i}\" .\n" for i in range(20000)).encode()
    (tmp_path / "f.nt").write_bytes(data)
    fb = FileBytes(tmp_path / "f.nt")
    (tmp_path / "f.nt").rename(tmp_path / "moved.nt")  # read through the open descriptor
    assert list(fb.splitlines(keepends=True)) == data.splitlines(keepends=True)
    assert fb[10:5000] == data[10:5000] and fb[len(data) - 3:] == data[-3:] and fb.count(b"\n") == 20000
    fb.close()


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    root = tmp_path_factory.mktemp("dumps")
    write_synth(300, root / "data", seed=5, template=DATA)
    result = build(root / "data", root / "site")
    result.out = root / "site"
    return result


def test_streamed_dumps_equal_the_in_memory_serialisers(national):
    r, d = national, national.out
    graphs = named_graphs(r.model, r.mapped)
    nt = b"".join(sorted({line for g in graphs.values() for line in ntriples(g).splitlines(keepends=True)}))
    assert (d / FILES["n-triples"].path).read_bytes() == nt
    assert gzip.decompress((d / FILES["n-triples-gzip"].path).read_bytes()) == nt
    base = r.mapped.uris.base
    assert (d / FILES["turtle"].path).read_bytes() == turtle_dump(nt, turtle_prefixes(base))
    context = jsonld_context(base)
    assert (d / FILES["json-ld"].path).read_bytes() == jsonld(None, context, nt=nt)  # the context embedded
    cat = Graph().parse(d / "catalog.nt", format="nt")
    nq = nquads({**graphs, r.mapped.uris.graph(CATALOG_GRAPH): cat})
    assert gzip.decompress((d / FILES["n-quads-gzip"].path).read_bytes()) == nq
    assert (d / FILES["trig"].path).read_bytes() == trig(nq, base)
    assert r.triples == nt.count(b"\n")
    assert catalog.CATALOG == "catalog"
