"""The streamed dumps (sorted on disk, merged, serialised from files by pyoxigraph) are the
same bytes as the in-memory reference serialisers of rdf/serialise.py (issue 15)."""

from __future__ import annotations

import gzip
import os
import random
import zlib
from pathlib import Path

import pytest
from rdflib import Graph

from asdh_lod.build.pipeline import build
from asdh_lod.build.synth import write_synth
from asdh_lod.core.fsio import FileBytes, Scratch, sorted_unique_lines, unique_merge
from asdh_lod.publish import catalog
from asdh_lod.publish.dumps import Gzip, JsonLd, Turtle, TurtleBlocks, write_chunked, write_gzip, write_trig
from asdh_lod.publish.render import CATALOG_GRAPH, named_graphs
from asdh_lod.rdf.files import FILES
from asdh_lod.stages.incremental import DumpPieces
from asdh_lod.rdf.serialise import (jsonld, jsonld_context, nquads, ntriples, trig, trig_of_turtle, trig_prefixes,
                                    turtle_dump, turtle_prefixes)
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


def _write(kind, nt, site: Path, path: str, pieces, base: str, context: dict, graph: str) -> tuple[int, int]:
    """One dump of `nt` written chunk by chunk into `site`/`path`: (pieces reused, pieces made)."""
    (site / path).parent.mkdir(parents=True, exist_ok=True)
    with open(site / path, "wb") as f:
        if kind == "trig":
            return write_trig([(graph, nt)], f, base, path, pieces, 7)
        if kind == "gz":
            gz = write_gzip(nt.splitlines(keepends=True), f, path, pieces, 7)
            return gz.reused, gz.made
        dump = Turtle(f, base, path, pieces) if kind == "ttl" else JsonLd(f, context, path, pieces)
        write_chunked(nt, [dump], 7)  # about 7 subjects a chunk: dozens of chunks
        return dump.reused, dump.made


def _published(site: Path, made: DumpPieces) -> DumpPieces:
    """What the next build gets back (`BuildCache.store_site` then `dump_pieces`)."""
    old = {}
    for path, spans in made.new.items():
        st = os.stat(site / path)
        old[path] = ((path, st.st_ino, st.st_size, st.st_mtime_ns), spans)
    return DumpPieces(site, old)


def test_chunked_dumps_equal_the_whole_and_reuse_the_unchanged_chunks(national, tmp_path):
    nt = (national.out / FILES["n-triples"].path).read_bytes()
    base = national.mapped.uris.base
    context = jsonld_context(base)
    graph = str(national.mapped.uris.graph("data"))
    fixed = nt.replace(b'"Adana"@tr', b'"Adana (corrected)"@tr')  # the province's label: a few subjects
    assert fixed != nt
    references = {"ttl": lambda d: turtle_dump(d, turtle_prefixes(base)),
                  "jsonld": lambda d: jsonld(None, context, nt=d),
                  "trig": lambda d: trig(b"".join(line[:-2] + f"<{graph}> .\n".encode()
                                                  for line in d.splitlines(keepends=True)), base),
                  "gz": lambda d: d}  # compared decompressed (`_read`)
    made = {}
    for kind, reference in references.items():
        first, again, third = tmp_path / f"first-{kind}", tmp_path / f"again-{kind}", tmp_path / f"third-{kind}"
        pieces = DumpPieces(None, {})
        reused, made_first = _write(kind, nt, first, "dump", pieces, base, context, graph)
        assert _read(first / "dump") == reference(nt)  # chunk by chunk: the same bytes as the whole
        assert reused == 0 and made_first == len(pieces.new["dump"]) > 20
        old = _published(first, pieces)
        reused, made[kind] = _write(kind, fixed, again, "dump", old, base, context, graph)
        assert _read(again / "dump") == reference(fixed)
        assert made[kind] >= 1 and reused >= 20 and made[kind] < reused / 5  # only the changed chunks made
        if kind == "gz":  # the same bytes as compressing the fixed dump from scratch
            _write(kind, fixed, tmp_path / "fresh-gz", "dump", DumpPieces(None, {}), base, context, graph)
            assert (again / "dump").read_bytes() == (tmp_path / "fresh-gz" / "dump").read_bytes()
        # a file of the previous site edited since it was published: nothing is read back from it
        (first / "dump").write_bytes((first / "dump").read_bytes() + b"\n")
        reused, _ = _write(kind, fixed, third, "dump", old, base, context, graph)
        assert reused == 0 and _read(third / "dump") == reference(fixed)
    assert made["ttl"] == made["jsonld"] == made["gz"]


def _read(path: Path) -> bytes:
    """A dump's bytes; a gzip one decompressed, and checked to be one member (a browser's
    DecompressionStream reads only the first) ending in gzip's CRC-32 and size."""
    data = path.read_bytes()
    if data[:2] != b"\x1f\x8b":
        return data
    d = zlib.decompressobj(wbits=31)
    out = d.decompress(data) + d.flush()
    assert d.eof and d.unused_data == b""
    assert out == gzip.decompress(data)
    return out


def test_gzip_dump_is_one_member_of_separately_deflated_chunks(tmp_path):
    lines = [f"<s{i:05d}> <p> \"ğ {i}\" .\n".encode() for i in range(3000)]
    data = b"".join(lines)
    with open(tmp_path / "d.gz", "wb") as f:
        gz = write_gzip(lines, f, "d.gz", None, every=50)
    assert gz.made > 20 and gz.reused == 0
    assert _read(tmp_path / "d.gz") == data
    assert len((tmp_path / "d.gz").read_bytes()) < len(data) / 4  # still compressed
    with open(tmp_path / "empty.gz", "wb") as f:
        write_gzip([], f, "empty.gz")
    assert _read(tmp_path / "empty.gz") == b"" == gzip.decompress((tmp_path / "empty.gz").read_bytes())

    class Broken(Gzip):
        def make(self, chunk: bytes) -> bytes:
            raise ValueError("no space left")

    with open(tmp_path / "b.gz", "wb") as f, pytest.raises(ValueError, match="no space left"):
        gz = Broken(f, "b.gz")
        write_chunked(data, [gz], 50)  # the thread's error, reported by close


def test_one_pass_hashes_each_chunk_once_for_all_its_dumps(national, tmp_path, monkeypatch):
    """The Turtle, JSON-LD and gzip dumps cut from one pass share each chunk's key (`write_dumps`):
    hashing 3 M lines once, not three times; a TriG graph's key is the chunk's with the graph's name."""
    from asdh_lod.publish import dumps
    from asdh_lod.rdf.serialise import chunk_key
    nt = (national.out / FILES["n-triples"].path).read_bytes()
    base = national.mapped.uris.base
    calls = []

    def counted(*parts):
        calls.append(parts)
        return chunk_key(*parts)

    monkeypatch.setattr(dumps, "chunk_key", counted)
    pieces = DumpPieces(None, {})
    with open(tmp_path / "t", "wb") as f, open(tmp_path / "j", "wb") as g, open(tmp_path / "z", "wb") as z:
        three = [Turtle(f, base, "t", pieces), JsonLd(g, jsonld_context(base), "j", pieces), Gzip(z, "z", pieces)]
        write_chunked(nt, three)
    chunks = sum(d.made for d in three) // 3
    assert chunks > 1 and len(calls) == chunks == len(pieces.new["t"])
    assert set(pieces.new["t"]) == set(pieces.new["j"]) == set(pieces.new["z"])  # one key, three pieces
    calls.clear()
    with open(tmp_path / "g", "wb") as f:
        write_trig([("http://example.org/g1", nt), ("http://example.org/g2", nt)], f, base, "g", pieces)
    assert len(calls) == 4 * chunks  # each chunk's key, then its piece's key in each graph
    assert len(pieces.new["g"]) == 2 * chunks  # the same chunk in two graphs: two pieces


def _turtle_and_blocks(nt: bytes, base: str, folder: Path) -> TurtleBlocks:
    """The Turtle dump of `nt` written chunk by chunk, and its pieces as TriG blocks."""
    with open(folder / "t.ttl", "wb") as f:
        t = Turtle(f, base, "t.ttl")
        write_chunked(nt, [t], 7)
    assert t.made == len(t.written) > 20
    return TurtleBlocks(folder / "t.ttl", t.written, t.prefixes, trig_prefixes(base))


def test_trig_copies_the_turtle_pieces_of_the_chunks_it_shares(national, tmp_path):
    """A chunk in a named graph is its Turtle piece indented by a tab (`trig_of_turtle`): the
    TriG dump copies the Turtle dump's pieces rather than serialising the data graph again."""
    nt = (national.out / FILES["n-triples"].path).read_bytes()
    base = national.mapped.uris.base
    graph = str(national.mapped.uris.graph("data"))
    reference = trig(b"".join(line[:-2] + f"<{graph}> .\n".encode() for line in nt.splitlines(keepends=True)), base)
    blocks = _turtle_and_blocks(nt, base, tmp_path)
    with open(tmp_path / "copied.trig", "wb") as f:
        reused, made = write_trig([(graph, nt)], f, base, "copied.trig", None, 7, turtle=blocks)
    blocks.close()
    assert (tmp_path / "copied.trig").read_bytes() == reference
    assert reused == 0 and blocks.used == made == len(blocks.written)  # every chunk copied, none serialised
    # a graph of other chunks (another chunking): none of them is in the Turtle dump, each is serialised
    blocks = _turtle_and_blocks(nt, base, tmp_path)
    with open(tmp_path / "other.trig", "wb") as f:
        write_trig([(graph, nt)], f, base, "other.trig", None, 11, turtle=blocks)
    blocks.close()
    assert (tmp_path / "other.trig").read_bytes() == reference and blocks.used < made / 5


def test_a_chunk_under_a_namespace_only_trig_declares_is_serialised_not_copied(tmp_path):
    """TriG declares the catalogue's vocabularies too (vcard:, spdx:): a chunk naming one of them
    compacts otherwise in TriG than in Turtle, so its Turtle piece is not copied."""
    base = "https://w3id.org/asdh-lod/"
    lines = sorted(f'<{base}id/x{i:03d}> <http://www.w3.org/2006/vcard/ns#fn> "ç\\n{i}" .\n'.encode() if i % 9 == 0
                   else f'<{base}id/x{i:03d}> <http://purl.org/dc/terms/title> "ğ {i}"@tr .\n'.encode()
                   for i in range(300))
    nt = b"".join(lines)
    graph = base + "graph/data"
    reference = trig(b"".join(line[:-2] + f"<{graph}> .\n".encode() for line in lines), base)
    assert b"> vcard:fn " in reference and b"> dct:title " in reference and b"\n\t<" in reference  # compacted, indented
    blocks = _turtle_and_blocks(nt, base, tmp_path)
    with open(tmp_path / "g.trig", "wb") as f:
        _reused, made = write_trig([(graph, nt)], f, base, "g.trig", None, 7, turtle=blocks)
    blocks.close()
    assert (tmp_path / "g.trig").read_bytes() == reference
    assert 0 < blocks.used < made  # the chunks without a vcard: IRI copied, the others serialised
    assert trig_of_turtle(b"") == b""
