"""Incremental builds: only a changed source is loaded, checked and mapped again, and the site
is byte-identical to a full build; a failed build neither publishes nor caches anything."""

from __future__ import annotations

import gzip
import pickle
import re
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from asdh_lod.cli import main
from helpers import DATA
from asdh_lod.build.pipeline import build
from asdh_lod.core.problems import ProblemsFound
from asdh_lod.build.synth import write_synth
from asdh_lod.rdf.serialise import ntriple_lines
from asdh_lod.stages import incremental
from asdh_lod.stages.incremental import QUERY_STORES, SITE_STATE

ADANA = "adana-2025-faaliyet-raporu"
AGRI = "agri-2025-faaliyet-raporu"


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _edit(file: Path, old: str, new: str) -> None:
    text = file.read_text(encoding="utf-8")
    assert old in text, old
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def national(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    write_synth(200, tmp_path / "data", seed=11, template=DATA)  # 4 sources: Adana, Adıyaman, Afyonkarahisar, Ağrı
    return Path("data")


def _full(data: Path, out: Path) -> dict[str, bytes]:
    build(data, out)
    return _files(out)


def test_cold_and_warm_builds_equal_a_full_build(national, tmp_path):
    full = _full(national, tmp_path / "full")
    cold = build(national, tmp_path / "site", cache_dir=tmp_path / "cache")
    assert cold.cache.reused == 0
    assert _files(tmp_path / "site") == full
    assert len(list((tmp_path / "cache").glob("*.pickle"))) == 4
    warm = build(national, tmp_path / "site", cache_dir=tmp_path / "cache")
    assert warm.cache.reused == 4
    assert _files(tmp_path / "site") == full
    assert cold.pieces_reused == 0 and warm.pieces_reused == _pieces(tmp_path / "cache", tmp_path / "site") > 3


def _store_quads(cache: Path) -> Counter:
    """The quads of the example queries' store the last published build kept."""
    state = pickle.loads((cache / SITE_STATE).read_bytes())
    return _quads(ox.Store.read_only(str(cache / QUERY_STORES / state.store.folder)))


def _dump_quads(site: Path) -> Counter:
    """The quads of the site's N-Quads dump (the named graphs: ontology, code lists, data, catalogue)
    as a store loaded with it holds them (Oxigraph reads an xsd:nonNegativeInteger back as xsd:integer)."""
    store = ox.Store()
    store.load(gzip.decompress((site / "downloads/asdh-lod.nq.gz").read_bytes()), format=ox.RdfFormat.N_QUADS)
    return _quads(store)


def _quads(store: ox.Store) -> Counter:
    """A store's quads, blank nodes unnamed (each load names them afresh: the ontology's lists)."""
    return Counter(re.sub(r"_:\w+", "_:", str(q)) for q in store)


def _pieces(cache: Path, site: Path) -> int:
    """The dumps' pieces the last build published into `site` recorded (publish/dumps.py)."""
    state = pickle.loads((cache / SITE_STATE).read_bytes())
    assert state.out_dir == str(site.absolute())
    return sum(len(spans) for _stamp, spans in state.dumps[1].values())


def test_one_changed_source_is_rebuilt_and_the_site_equals_a_full_build(national, tmp_path):
    cache = tmp_path / "cache"
    build(national, tmp_path / "site", cache_dir=cache)
    yaml_file, txt_file = national / "sources" / f"{ADANA}.yaml", national / "sources" / f"{ADANA}.txt"
    # a new figure in the text, and the fact that states it
    _edit(txt_file, "raporunu yayımladı.", "raporunu yayımladı. İlde 12 bin 345 gönüllü görev aldı.")
    yaml_file.write_text(yaml_file.read_text(encoding="utf-8") + """
  - id: volunteers
    quote: "İlde 12 bin 345 gönüllü görev aldı."
    figure: "12 bin 345"
    value: 12345
    unit: person
    programme: asdep
    target_group: total
    indicator: registered-persons
    period: "2025-12-31"
    period_kind: stock
""", encoding="utf-8")
    result = build(national, tmp_path / "site", cache_dir=cache)
    assert result.cache.reused == 3 and set(result.cache.hits) == {
        "adiyaman-2025-faaliyet-raporu", "afyonkarahisar-2025-faaliyet-raporu", AGRI}
    assert result.observations == 201
    assert _files(tmp_path / "site") == _full(national, tmp_path / "full")
    assert "12 bin 345 gönüllü" in (tmp_path / "site" / "downloads" / "asdh-lod.ttl").read_text(encoding="utf-8")
    assert len(list(cache.glob("*.pickle"))) == 4  # the old Adana entry is gone
    assert len(list(cache.glob("*.nt"))) == 4  # and its sorted lines


def test_each_sources_sorted_lines_are_kept_and_the_dump_is_merged_from_them(national, tmp_path):
    cache = tmp_path / "cache"
    first = build(national, tmp_path / "site", cache_dir=cache)
    keys = dict(first.cache.keys)
    for doc, part in first.mapped.sources.items():
        assert (cache / f"{keys[doc]}.nt").read_bytes() == b"".join(sorted(set(ntriple_lines(part.triples))))
    # a republish reads the unchanged sources' lines back (a line planted in Ağrı's shows in
    # the dump) and makes the changed source's afresh (Adana's old file is gone)
    planted = b'<http://example.org/planted> <http://example.org/p> "x" .\n'
    agri = cache / f"{keys[AGRI]}.nt"
    agri.write_bytes(b"".join(sorted([planted, *agri.read_bytes().splitlines(keepends=True)])))
    _edit(national / "sources" / f"{ADANA}.txt", "raporunu yayımladı.", "raporunu yayımladı (düzeltilmiş).")
    second = build(national, tmp_path / "site", cache_dir=cache)
    assert planted in (tmp_path / "site" / "downloads" / "asdh-lod.nt").read_bytes()
    assert second.cache.keys[ADANA] != keys[ADANA] and not (cache / f"{keys[ADANA]}.nt").exists()
    assert (cache / f"{second.cache.keys[ADANA]}.nt").is_file()


def test_a_failed_build_publishes_nothing_and_caches_nothing(national, tmp_path):
    cache = tmp_path / "cache"
    build(national, tmp_path / "site", cache_dir=cache)
    site_before, cache_before = _files(tmp_path / "site"), _files(cache)
    _edit(national / "sources" / f"{ADANA}.yaml", "    value: ", "    value: 1")  # first value now wrong
    with pytest.raises(ProblemsFound) as err:
        build(national, tmp_path / "site", cache_dir=cache)
    assert [p.code for p in err.value.report.problems] == ["value-mismatch", "total-mismatch"]  # a part of a total
    assert err.value.report.problems[0].path == f"data/sources/{ADANA}.yaml"
    assert _files(tmp_path / "site") == site_before
    assert _files(cache) == cache_before


def test_duplicates_across_sources_are_found_when_one_side_is_cached(national, tmp_path):
    cache = tmp_path / "cache"
    build(national, tmp_path / "site", cache_dir=cache)
    # Ağrı's report now states Adana's women trainees figure again, for Adana (province "01")
    adana = (national / "sources" / f"{ADANA}.yaml").read_text(encoding="utf-8")
    start = adana.index("  - id: trainees-women")
    fact = adana[start:adana.index("\n\n", start)]
    quote = fact.split('quote: "', 1)[1].split('"\n', 1)[0]
    _edit(national / "sources" / f"{AGRI}.txt", "raporunu yayımladı.", "raporunu yayımladı. " + quote)
    agri = national / "sources" / f"{AGRI}.yaml"
    agri.write_text(agri.read_text(encoding="utf-8") + "\n" + fact.replace("id: trainees-women", "id: adana-copy")
                    + '\n    province: "01"\n', encoding="utf-8")
    with pytest.raises(ProblemsFound) as err:
        build(national, tmp_path / "site", cache_dir=cache)
    assert [p.code for p in err.value.report.problems] == ["duplicate-observation"]
    assert err.value.report.problems[0].path == f"data/sources/{AGRI}.yaml"


def test_a_code_list_change_rebuilds_every_source(national, tmp_path):
    cache = tmp_path / "cache"
    build(national, tmp_path / "site", cache_dir=cache)
    units = national / "codelists" / "units.yaml"
    units.write_text(units.read_text(encoding="utf-8") + "# a comment changes the key\n", encoding="utf-8")
    result = build(national, tmp_path / "site", cache_dir=cache)
    assert result.cache.reused == 0
    assert not result.cache.store_updated  # loaded afresh; the previous store removed once published
    assert len([p for p in (cache / QUERY_STORES).iterdir() if p.is_dir()]) == 1
    assert _store_quads(cache) == _dump_quads(tmp_path / "site")


def test_a_blank_node_in_the_difference_loads_the_store_afresh(tmp_path):
    old, new = tmp_path / "old.nt", tmp_path / "new.nt"
    lines = [f"<https://x.org/s{i}> <https://x.org/p> \"{i}\" .\n".encode() for i in range(20000)]
    old.write_bytes(b"".join(sorted(lines)))
    store = ox.Store(str(tmp_path / "old"))
    store.bulk_load(old.read_bytes(), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode("https://x.org/g"))
    store.flush()
    spans = incremental._chunk_spans(old.read_bytes().splitlines(keepends=True))
    assert len(spans) > 1
    for changed, expected in ((b'"7" .\n', b'"seven" .\n'), (b'"7" .\n', b'_:b7 .\n')):
        new.write_bytes(b"".join(sorted(line.replace(*(changed, expected)) for line in lines)))
        new_spans = incremental._chunk_spans(new.read_bytes().splitlines(keepends=True))
        target = tmp_path / f"new-{len(expected)}"
        updated = incremental._updated(tmp_path / "old", old, spans, new, new_spans, target, "https://x.org/g")
        if expected.startswith(b"_:"):
            assert updated is None and not target.exists()
        else:
            assert len(updated) == 20000 and {str(q.object) for q in updated if q.subject.value.endswith("/s7")} == {'"seven"'}


def test_cli_cache_option(national, tmp_path):
    runner = CliRunner()
    args = ["build", "--data", "data", "--out", "site", "--cache", ".asdh-cache"]
    first = runner.invoke(main, args)
    assert first.exit_code == 0, first.output
    assert first.stdout.endswith("SHACL: valid; 0 of 4 sources unchanged, 0 pages linked from the previous site, "
                                 "0 pieces of the dumps reused\n")
    again = runner.invoke(main, args)
    pages = len(list(Path("site").rglob("*.html")))
    linked, pieces = (int(part.split()[0]) for part in again.stdout.rsplit(", ", 2)[1:])
    assert again.stdout.endswith(f"SHACL: valid; 4 of 4 sources unchanged, {linked} pages linked from the previous "
                                 f"site, {pieces} pieces of the dumps reused\n")
    assert pieces == _pieces(Path(".asdh-cache"), Path("site"))  # nothing changed: every piece
    assert 0 < linked < pages  # nothing changed: every resource's page (not the home, catalogue … pages)


def _replace_fact(yaml_file: Path, fact_id: str, new: str) -> str:
    """Replace the block of fact `fact_id` (up to the blank line after it) by `new`; return the old block."""
    text = yaml_file.read_text(encoding="utf-8")
    start = text.index(f"  - id: {fact_id}\n")
    end = text.find("\n\n", start)
    end = len(text) if end < 0 else end + 1
    yaml_file.write_text(text[:start] + new + text[end:], encoding="utf-8")
    return text[start:end]


def _inodes(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


def test_pages_the_change_does_not_touch_are_linked_and_the_site_equals_a_full_build(national, tmp_path):
    cache, site = tmp_path / "cache", tmp_path / "site"
    first = build(national, site, cache_dir=cache)
    assert first.pages_reused == 0  # nothing to reuse yet
    pages = len(_page_files(site))
    yaml_file, txt_file = national / "sources" / f"{ADANA}.yaml", national / "sources" / f"{ADANA}.txt"

    # 1. one figure corrected: the quote in the text, the figure and the value of the fact
    _edit(txt_file, "Adana ilinden 123 başvuru", "Adana ilinden 124 başvuru")
    block = _replace_fact(yaml_file, "asdep-applications-year", "")
    corrected = block.replace("Adana ilinden 123 başvuru", "Adana ilinden 124 başvuru").replace(
        'figure: "123"', 'figure: "124"').replace("value: 123\n", "value: 124\n")
    assert corrected != block
    yaml_file.write_text(yaml_file.read_text(encoding="utf-8") + "\n" + corrected, encoding="utf-8")
    before = _inodes(site)
    result = build(national, site, cache_dir=cache)
    assert result.cache.reused == 3
    assert 0 < result.pages_reused
    assert 0 < result.pieces_reused < _pieces(cache, site)  # the dumps' chunks without Adana's figure
    after = _inodes(site)
    linked = {p for p, ino in after.items() if before.get(p) == ino}
    rendered = set(_page_files(site)) - linked
    # the observation's document, its province, programme, indicator, period … were rendered again;
    # Ağrı's pages were not
    assert "data/provincial/obs/01/2025.html" in rendered and "code/province/01.html" in rendered
    assert "code/province/04.html" in linked and "data/provincial/obs/04/2025.html" in linked
    assert len(linked) > pages // 2
    assert _files(site) == _full(national, tmp_path / "full-1")
    assert "124 başvuru" in (site / "data/provincial/obs/01/2025.html").read_text(encoding="utf-8")
    # the example queries ran on the previous build's store with the difference applied, not a new load
    assert result.cache.store_updated and (site / "queries/index.html").is_file()
    assert _store_quads(cache) == _dump_quads(site)

    # 2. a fact removed, and the source's title changed: its document's page and every page that shows it
    _replace_fact(yaml_file, "trainees-women", "")
    _edit(yaml_file, "(sentetik)", "(sentetik, düzeltilmiş)")
    total = yaml_file.read_text(encoding="utf-8")
    yaml_file.write_text(total.replace("    total_of: [trainees-women, trainees-men]\n", ""), encoding="utf-8")
    result = build(national, site, cache_dir=cache)
    assert result.pages_reused > 0
    assert _files(site) == _full(national, tmp_path / "full-2")
    assert result.cache.store_updated and _store_quads(cache) == _dump_quads(site)  # the fact's quads removed

    # 3. a page of the published site edited by hand is rendered again, not linked
    agri_page = site / "code/province/04.html"
    agri_page.write_bytes(agri_page.read_bytes().replace(b"</body>", b"<!-- edited --></body>"))
    _edit(txt_file, "Adana ilinden 124 başvuru", "Adana ilinden 125 başvuru")
    yaml_file.write_text(yaml_file.read_text(encoding="utf-8").replace("Adana ilinden 124 başvuru", "Adana ilinden 125 başvuru")
                         .replace('figure: "124"', 'figure: "125"').replace("value: 124\n", "value: 125\n"), encoding="utf-8")
    ttl = site / "downloads/asdh-lod.ttl"  # and a dump edited by hand: none of its pieces is read back
    ttl.write_bytes(ttl.read_bytes() + b"# edited\n")
    result = build(national, site, cache_dir=cache)
    assert result.pages_reused > 0
    assert b"<!-- edited -->" not in agri_page.read_bytes() and not ttl.read_bytes().endswith(b"# edited\n")
    assert _files(site) == _full(national, tmp_path / "full-3")


def test_a_new_source_renders_its_pages_and_their_neighbours_and_equals_a_full_build(national, tmp_path):
    cache, site = tmp_path / "cache", tmp_path / "site"
    build(national, site, cache_dir=cache)
    for suffix in (".yaml", ".txt"):  # Ağrı's report once more, as the 2024 report of the same province
        text = (national / "sources" / f"{AGRI}{suffix}").read_text(encoding="utf-8")
        (national / "sources" / f"agri-2024-faaliyet-raporu{suffix}").write_text(
            text.replace(AGRI, "agri-2024-faaliyet-raporu").replace("2025", "2024"), encoding="utf-8")
    before = _inodes(site)
    result = build(national, site, cache_dir=cache)
    assert result.cache.reused == 4 and result.pages_reused > 0
    assert result.cache.store_updated and _store_quads(cache) == _dump_quads(site)  # a whole source's lines added
    linked = {p for p, ino in _inodes(site).items() if before.get(p) == ino}
    assert "code/province/01.html" in linked and "code/province/04.html" not in linked
    assert "data/provincial/obs/04/2024.html" not in before and "data/provincial/obs/04/2025.html" in linked, sorted(
        p for p in before if p.startswith("data/provincial/obs/04/") and p.endswith(".html") and p not in linked)
    assert _files(site) == _full(national, tmp_path / "full")


def _page_files(site: Path) -> list[str]:
    return [str(p.relative_to(site)) for p in site.rglob("*.html")]


def test_cache_entries_give_back_the_very_terms(built):
    """The entries pickle rdflib terms with what they hold (`incremental.pickled`) and make them
    back without rdflib's checks: every term of the real data's sources comes back equal, of the
    same type, language, datatype, value and ill-typedness, with the same N-Triples — and
    rdflib's own pickling of a term we do not know how to copy (a value outside the safe
    types) still works."""
    from decimal import Decimal

    from rdflib import BNode, Literal, URIRef
    from rdflib.namespace import XSD

    triples = [t for part in built.mapped.sources.values() for t in part.triples]
    extra = [(BNode("b1"), URIRef("http://x/p"), Literal("ab", datatype=XSD.hexBinary)),  # value: bytes
             (URIRef("http://x/s"), URIRef("http://x/p"), Literal("nope", datatype=XSD.integer)),  # ill-typed
             (URIRef("http://x/s"), URIRef("http://x/p"), Literal(Decimal("1.50")))]
    back = pickle.loads(incremental.pickled([*triples, *extra]))
    assert back == [*triples, *extra] and len(triples) > 1000
    kinds = set()
    for before, after in zip([*triples, *extra], back):
        for a, b in zip(before, after):
            assert type(a) is type(b) and str(a) == str(b) and hash(a) == hash(b) and a.n3() == b.n3()
            if isinstance(a, Literal):
                assert (a.language, a.datatype, a.value, a.ill_typed) == (b.language, b.datatype, b.value, b.ill_typed)
                kinds.add(type(a.value))
    assert {str, int, Decimal, bool, bytes, type(None)} <= kinds
    assert back[-2][2].ill_typed and back[-3][2].value == b"\xab"
