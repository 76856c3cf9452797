"""asdh-lod query: SPARQL over the built dump, in-process (library and CLI)."""

from __future__ import annotations

import csv
import gzip
import io
import json
import shutil
import threading

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from asdh_lod.rdf import query as engine
from asdh_lod.sparql import query as q
from asdh_lod.cli import main

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?o a qb:Observation }"


@pytest.fixture(scope="module")
def site(built):
    return built.out


@pytest.fixture(scope="module")
def store(site):
    return q.open_store(site)


def invoke(*args):
    return CliRunner().invoke(main, ["query", *map(str, args)])


def test_counts_every_observation(site, built):
    r = invoke("-e", COUNT, "--site", site, "--format", "csv")
    assert r.exit_code == 0, r.output
    assert r.stdout_bytes == f"n\r\n{built.observations}\r\n".encode()


def test_prefixes_follow_the_site(site):
    p = q.prefixes(site)
    assert p["asdh"] == "https://w3id.org/asdh-lod/def/"
    assert p["code"] == "https://w3id.org/asdh-lod/code/"
    assert p["period"] == "https://w3id.org/asdh-lod/id/period/"
    assert p["graph"] == "https://w3id.org/asdh-lod/graph/"
    assert p["qb"] == "http://purl.org/linked-data/cube#"


def test_table_is_aligned_with_numbers_right(store, site):
    a = engine.run(store, "SELECT ?code ?n WHERE { VALUES (?code ?n) { (code:x 5) (code:yy 12) } } ORDER BY ?n",
              q.prefixes(site))
    assert engine.render(a).decode() == (
        "code      n\n"
        "-------  --\n"
        "code:x    5\n"
        "code:yy  12\n"
        "(2 rows)\n")


def test_json_is_sparql_results_json(site):
    r = invoke("-e", "SELECT ?v WHERE { <https://w3id.org/asdh-lod/code/province/25> asdh:plateCode ?v }",
               "--site", site, "--format", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert doc["head"]["vars"] == ["v"]
    assert [b["v"]["value"] for b in doc["results"]["bindings"]] == ["25"]


def test_tsv(site):
    r = invoke("-e", "SELECT ?l WHERE { code:cofog skos:prefLabel ?l FILTER(lang(?l) = 'en') }",
               "--site", site, "--format", "tsv")
    assert r.exit_code == 0, r.output
    head, *rows = r.output.splitlines()
    assert head == "?l" and len(rows) == 1 and rows[0].endswith("@en")


def test_ask(site):
    assert invoke("-e", "ASK { ?o a qb:Observation }", "--site", site).output == "true\n"
    assert invoke("-e", "ASK { ?o a qb:Slice }", "--site", site).output == "false\n"
    assert json.loads(invoke("-e", "ASK {}", "--site", site, "--format", "json").output) == \
        {"head": {}, "boolean": True}


def test_construct_is_turtle_with_our_prefixes(site):
    import pyoxigraph as ox
    r = invoke("-e", "CONSTRUCT { ?p skos:notation ?n } WHERE { ?p skos:inScheme <https://w3id.org/asdh-lod/code/province> ;"
               " skos:notation ?n }", "--site", site)
    assert r.exit_code == 0, r.output
    assert "@prefix skos: <http://www.w3.org/2004/02/skos/core#>" in r.output
    triples = list(ox.parse(r.output.encode(), format=ox.RdfFormat.TURTLE))
    assert len(triples) >= 82  # 81 provinces + Türkiye (some have several notations)
    nt = invoke("-e", "DESCRIBE <https://w3id.org/asdh-lod/code/province/25>", "--site", site,
                "--format", "ntriples")
    assert nt.exit_code == 0 and nt.output.count("\n") == len(list(ox.parse(nt.output.encode(),
                                                                             format=ox.RdfFormat.N_TRIPLES)))


def test_construct_refuses_tabular_formats(site):
    r = invoke("-e", "CONSTRUCT WHERE { ?s a qb:DataSet }", "--site", site, "--format", "csv")
    assert r.exit_code == 1
    assert "Error: a CONSTRUCT or DESCRIBE query returns triples, not a table: use --format turtle or ntriples, not csv" in r.output
    r = invoke("-e", COUNT, "--site", site, "--format", "turtle")
    assert r.exit_code == 1 and "use --format table, csv, tsv or json, not turtle" in r.output


def test_query_file_and_syntax_error_position(site, tmp_path):
    f = tmp_path / "bad.rq"
    f.write_text("SELECT ?s\nWHER {\n  ?s ?p ?o\n}\n", encoding="utf-8")
    r = invoke(f, "--site", site)
    assert r.exit_code == 1
    assert r.output == f"Error: {f}:2:6: SPARQL syntax error: expected one of DISTINCT, WHERE\n"


def test_unknown_prefix_is_named(site):
    r = invoke("-e", "SELECT * WHERE {\n ?s nope:x ?o }", "--site", site)
    assert r.exit_code == 1
    assert r.output.startswith("Error: -e:2:11: SPARQL syntax error: unknown prefix 'nope:' (predeclared: asdh:, code:, cur:, dcat:, dct:, foaf:, graph:")


def test_missing_build(tmp_path):
    r = invoke("-e", COUNT, "--site", tmp_path / "site")
    assert r.exit_code == 1
    assert r.output == (f"Error: no dump in '{tmp_path / 'site'}' (looked for {tmp_path / 'site'}/downloads/asdh-lod.nq.gz "
                        f"and asdh-lod.nt.gz): run asdh-lod build first (asdh-lod build --out {tmp_path / 'site'})\n")


def test_corrupt_dump(site, tmp_path):
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    for f in (copy / "downloads").glob("asdh-lod.n[qt]*"):
        f.unlink()
    (copy / "downloads" / "asdh-lod.nt").write_text("<a> <b> .\n")
    r = invoke("-e", COUNT, "--site", copy)
    assert r.exit_code == 1 and "asdh-lod.nt:" in r.output and "rebuild with asdh-lod build" in r.output


def test_plain_ntriples_dump_is_used_without_nquads(site, tmp_path, built):
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    for f in (copy / "downloads").glob("asdh-lod.nq*"):
        f.unlink()
    (copy / "downloads" / "asdh-lod.nt.gz").unlink()
    assert q.dump_file(copy)[0].name == "asdh-lod.nt"
    r = invoke("-e", COUNT, "--site", copy, "--format", "csv")
    assert r.exit_code == 0 and r.stdout_bytes == f"n\r\n{built.observations}\r\n".encode()


@pytest.mark.parametrize("args, message", [
    ([], "give a .rq file or -e 'SPARQL', not both and not neither"),
    (["x.rq", "-e", "ASK {}"], "give a .rq file or -e 'SPARQL', not both and not neither"),
    (["missing.rq"], "query file 'missing.rq' does not exist"),
    (["-e", "ASK {}", "--format", "xml"], "Invalid value for '--format'"),
])
def test_usage_errors_exit_2(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = invoke(*args)
    assert r.exit_code == 2 and message in r.output


def test_not_utf8_query_file(site, tmp_path):
    f = tmp_path / "x.rq"
    f.write_bytes(b"SELECT * WHERE { ?s ?p \"caf\xe9\" }")
    r = invoke(f, "--site", site)
    assert r.exit_code == 1 and f"{f}: not UTF-8 text (byte 27)" in r.output


def test_csv_is_real_csv(site):
    r = invoke("-e", "SELECT ?q WHERE { ?o asdh:sourceQuote ?q } ORDER BY ?q LIMIT 3", "--site", site, "--format", "csv")
    rows = list(csv.reader(io.StringIO(r.output)))
    assert rows[0] == ["q"] and len(rows) == 4 and all(len(x) == 1 for x in rows)


def test_from_picks_named_graphs_as_an_endpoint_would(store, site, built):
    a = engine.run(store, "SELECT (COUNT(*) AS ?n) FROM graph:data FROM graph:ontology WHERE { ?s ?p ?o }",
              q.prefixes(site))
    assert int(next(iter(a.raw))["n"].value) == len(built.mapped.data) + len(built.mapped.ontology)


def test_a_store_without_the_default_graph_copy_serves_queries_that_say_from(built):
    """The example-query page loads the named graphs only when every query names its graphs
    (FROM): the answers are the same as with the union copy, which `asdh-lod query` keeps."""
    nq = gzip.decompress((built.out / "downloads" / "asdh-lod.nq.gz").read_bytes())
    text = ("PREFIX qb: <http://purl.org/linked-data/cube#>\n"
            f"SELECT (COUNT(?o) AS ?n) FROM <{built.mapped.uris.graph('data')}> WHERE {{ ?o a qb:Observation }}")
    assert engine.declares_dataset(text)
    assert not engine.declares_dataset("# FROM <x> in a comment\nSELECT * WHERE { ?s ?p ?o }")
    full, named = engine.edition_store(nq), engine.edition_store(nq, default_graph=False)
    n = len(built.model.facts)
    assert engine.render(engine.run(full, text), "csv") == engine.render(engine.run(named, text), "csv") == f"n\r\n{n}\r\n".encode()
    union = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert engine.render(engine.run(named, union), "csv") == b"n\r\n0\r\n"


def test_bulk_load_in_pieces_keeps_blank_nodes_together(tmp_path, monkeypatch):
    """Loaded piece by piece (bounded memory), the store holds what one load gives: a blank node
    named on lines that fall into different pieces is still one node."""
    lines = [f"<http://x/s{i:03d}> <http://x/p> \"{i}\" .\n" for i in range(200)]
    lines.insert(10, "<http://x/a> <http://x/list> _:b1 .\n")
    lines.insert(150, "_:b1 <http://x/first> <http://x/s001> .\n")
    nt = "".join(lines).encode()
    (tmp_path / "g.nt").write_bytes(nt)
    monkeypatch.setattr(engine, "LOAD_BYTES", 256)  # dozens of pieces
    count = "SELECT (COUNT(*) AS ?n) (COUNT(DISTINCT ?b) AS ?b) WHERE { GRAPH ?g { ?s ?p ?o } OPTIONAL { GRAPH ?g { <http://x/a> <http://x/list> ?b . ?b <http://x/first> ?f } } }"
    for source in (nt, tmp_path / "g.nt"):
        store = ox.Store()
        engine.bulk_load(store, source, ox.RdfFormat.N_TRIPLES, ox.NamedNode("http://x/g"))
        (row,) = list(store.query(count))
        assert (row["n"].value, row["b"].value) == ("202", "1")


def test_bulk_load_stops_between_pieces_once_asked(monkeypatch):
    """The example-query store is loaded in a thread (publish.render); a failed build sets
    `stop`, and the load gives up at the next piece instead of reading on."""

    nt = b"".join(f"<http://x/s{i:03d}> <http://x/p> \"{i}\" .\n".encode() for i in range(200))
    monkeypatch.setattr(engine, "LOAD_BYTES", 256)
    stop = threading.Event()
    pieces = []
    real = engine._pieces

    def counted(source):
        for piece in real(source):
            pieces.append(piece)
            if len(pieces) == 3:
                stop.set()
            yield piece

    monkeypatch.setattr(engine, "_pieces", counted)
    store = ox.Store()
    with pytest.raises(engine.Stopped):
        engine.bulk_load(store, nt, ox.RdfFormat.N_TRIPLES, stop=stop)
    assert len(pieces) == 3 and 0 < len(store) < 200  # two pieces loaded, the third refused


@pytest.mark.parametrize("text, says", [
    ("SELECT * FROM <x> WHERE { ?s ?p ?o }", True),
    ("select * from named graph:data { graph ?g { ?s ?p ?o } }", True),
    ("SELECT * FROM :g WHERE { ?s ?p ?o }", True),
    ("SELECT * FROM\n  <x> WHERE { ?s ?p ?o }", True),
    ("# FROM <x>\nSELECT * WHERE { ?s ?p ?o }", False),
    ('SELECT * WHERE { ?s ?p "FROM <x>" }', False),
    ("SELECT * WHERE { ?s <http://x/#FROM> <y> }", False),
    ("SELECT ?from WHERE { ?s ?p ?from FILTER (?from < 3) }", False),  # a variable, not the keyword
    ("SELECT * WHERE { ?s ex:from <o> }", False),  # a prefixed name
])
def test_declares_dataset_reads_the_from_clause_only(text, says):
    """The rule deciding whether a store (or the in-browser page) needs its union default
    graph: a miss only costs the copy, a false FROM would leave the query an empty default graph."""
    assert engine.declares_dataset(text) is says


@pytest.mark.parametrize("text, reads", [
    ("SELECT * WHERE { ?s ?p ?o }", True),
    ("SELECT * FROM <http://x/g> WHERE { ?s ?p ?o }", False),
    ("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", False),
    ("SELECT * WHERE { VALUES ?s { <http://x/a> } GRAPH <http://x/g> { ?s ?p ?o } BIND (1 AS ?one) }", False),
    ("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } ?s a ?t }", True),
    ("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } FILTER EXISTS { ?s a ?t } }", True),
    ("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } { SELECT ?s WHERE { ?s a ?t } } }", True),
    ("ASK { GRAPH ?g { ?s <http://x/p>+ ?o } }", False),
    ("SELECT * WHERE { this is not SPARQL", True),  # cannot tell: as if it did
])
def test_reads_default_graph_sees_patterns_outside_graph(text, reads):
    """Whether the example-query store needs its union default graph (a copy of every quad)."""
    assert engine.reads_default_graph(text) is reads


def test_the_example_queries_need_no_union_default_graph():
    """Every example query says FROM or reads named graphs only: the build's store is loaded
    once, without the copy (at 100k observations, 3 M quads fewer to load)."""
    from asdh_lod.core.resources import QUERIES

    texts = [f.read_text(encoding="utf-8") for f in QUERIES.iterdir() if f.name.endswith(".rq")]
    assert len(texts) >= 16
    assert not [t.splitlines()[0] for t in texts if engine.reads_default_graph(t)]


def test_reads_default_graph_inside_exists():
    assert not engine.reads_default_graph("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } FILTER NOT EXISTS { GRAPH ?h { ?s a ?t } } }")
