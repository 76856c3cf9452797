"""The bad-input corpus, through the command line: each broken input makes `asdh-lod build`
exit 1, print the documented message naming file:line and what to do, and leave the
previous site/ byte-identical. (tests/test_load.py and tests/test_check.py hold the larger
library-level corpora; these are the same kinds of faults, end to end.)

Each case edits the tiny data folder (tests/fixtures/tiny) after a good build:
(id, file under data/, old text, new text, the exact problem line).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from asdh_lod.cli import main

SRC = "data/sources/tiny-haber.yaml"
TXT = "data/sources/tiny-haber.txt"
PROV = "data/codelists/provinces.yaml"
Y = "sources/tiny-haber.yaml"
Q0 = "2025 yılında her ay ortalama 1.250 engelli birey evde bakım yardımı aldı."

CASES = [
    # YAML syntax and encodings
    ("yaml-unclosed-quote", Y, '    figure: "1.250"', '    figure: "1.250',
     'data/sources/tiny-haber.yaml:21: [yaml-syntax] while parsing a block mapping did not find expected key (fix the YAML syntax at this line)'),
    ("yaml-bad-indent", Y, "    unit: person\n", "   unit: person\n",
     "data/sources/tiny-haber.yaml:17: [yaml-syntax] while parsing a block collection did not find expected '-' indicator (fix the YAML syntax at this line)"),
    ("yaml-tab-indent", Y, "    unit: person\n", "\tunit: person\n",
     'data/sources/tiny-haber.yaml:17: [yaml-syntax] while scanning a plain scalar found a tab character that violates indentation (fix the YAML syntax at this line)'),
    ("yaml-unclosed-flow", Y, "    total_of: [aep-trainees, eoe-trainees]", "    total_of: [aep-trainees, eoe-trainees",
     "data/sources/tiny-haber.yaml:80: [yaml-syntax] while parsing a flow sequence did not find expected ',' or ']' (fix the YAML syntax at this line)"),
    ("yaml-duplicate-key", Y, "    unit: person\n", "    unit: person\n    unit: child\n",
     "data/sources/tiny-haber.yaml:18: [yaml-syntax] key 'unit' appears twice in one mapping (fix the YAML syntax at this line)"),
    ("yaml-python-object-tag", Y, "    value: 1250", "    value: !!python/object/apply:os.system [echo hi]",
     'data/sources/tiny-haber.yaml:16: [yaml-tag] tag tag:yaml.org,2002:python/object/apply:os.system is not allowed (use plain YAML values; tags that construct objects are never accepted)'),
    ("yaml-custom-tag", Y, "    value: 1250", "    value: !money 1250",
     'data/sources/tiny-haber.yaml:16: [yaml-tag] tag !money is not allowed (use plain YAML values; tags that construct objects are never accepted)'),
    ("yaml-alias", Y, "    unit: person\n", "    unit: &u person\n    note: *u\n",
     'data/sources/tiny-haber.yaml:17: [yaml-syntax] anchors and aliases (&name, *name) are not allowed; write the value out (fix the YAML syntax at this line)'),
    # wrong types
    ("value-text", Y, "    value: 1250", '    value: "abc"',
     "data/sources/tiny-haber.yaml:16: [wrong-type] 'value' must be a number, not text (write 'value' as a number)"),
    ("value-list", Y, "    value: 1250", "    value: [1250]",
     "data/sources/tiny-haber.yaml:16: [wrong-type] 'value' must be a number, not a list (write 'value' as a number)"),
    ("value-date", Y, "    value: 1250", "    value: 2025-01-01",
     "data/sources/tiny-haber.yaml:16: [wrong-type] 'value' must be a number, not a date (write 'value' as a number)"),
    ("approximate-text", Y, "    approximate: true", '    approximate: "yes"',
     "data/sources/tiny-haber.yaml:84: [wrong-type] 'approximate' must be true or false, not text (write 'approximate' as true or false)"),
    ("quote-number", Y, f'    quote: "{Q0}"', "    quote: 42",
     "data/sources/tiny-haber.yaml:14: [wrong-type] 'quote' must be text (in quotes), not a whole number (write 'quote' as text (in quotes))"),
    ("figure-unquoted", Y, '    figure: "1.250"', "    figure: 1.250",
     "data/sources/tiny-haber.yaml:15: [wrong-type] 'figure' must be text (in quotes), not a decimal number (write 'figure' as text (in quotes))"),
    ("title-text", Y, '  title: {tr: "Tiny faaliyet raporu", en: "Tiny activity report"}', '  title: "Tiny"',
     "data/sources/tiny-haber.yaml:3: [wrong-type] 'title' must be a mapping of languages, e.g. {tr: …, en: …}, not text (write 'title' as a mapping of languages, e.g. {tr: …, en: …})"),
    ("huge-number", Y, "    value: 1250", "    value: 1.0e+400",
     "data/sources/tiny-haber.yaml:16: [wrong-type] 'value' must be a finite number, not inf (write 'value' as a finite number)"),
    ("negative-value", Y, "    value: 1250", "    value: -1250",
     'data/sources/tiny-haber.yaml:16: [value-mismatch] value -1250 but the quote states "1.250" = 1250 (set \'value\' to 1250, or correct the figure)'),
    # missing fields
    ("missing-quote", Y, f'    quote: "{Q0}"\n', "",
     "data/sources/tiny-haber.yaml:13: [missing-field] a fact has no 'quote' (add 'quote')"),
    ("missing-unit", Y, "    unit: person\n", "",
     "data/sources/tiny-haber.yaml:13: [missing-field] a fact has no 'unit' (add 'unit')"),
    ("missing-period", Y, '    period: "2025"\n', "",
     "data/sources/tiny-haber.yaml:13: [missing-field] a fact has no 'period' (add 'period')"),
    ("missing-doc-title", Y, '  title: {tr: "Tiny faaliyet raporu", en: "Tiny activity report"}\n', "",
     "data/sources/tiny-haber.yaml:2: [missing-field] 'document' has no 'title' (add 'title')"),
    ("missing-english-title", Y, ', en: "Tiny activity report"}', "}",
     "data/sources/tiny-haber.yaml:3: [missing-field] 'title' has no 'en' (add 'en')"),
    ("unknown-field", Y, "    unit: person\n", "    unit: person\n    unti: person\n",
     "data/sources/tiny-haber.yaml:18: [unknown-field] a fact has an unknown field 'unti' (remove it or correct its spelling; allowed: also_quoted, approximate, confidence, cues, figure, id, indicator, note, period, period_kind, programme, province, quote, reviewed, revision_note, target_group, total_of, unit, value)"),
    # unknown codes and references
    ("unknown-programme", Y, "    programme: home-care-allowance", "    programme: home-care-alowance",
     "data/sources/tiny-haber.yaml:18: [unknown-code] programme 'home-care-alowance' is not in code list 'programme' (use a code from data/codelists/programmes.yaml (did you mean 'home-care-allowance'?))"),
    ("unknown-unit", Y, "    unit: person", "    unit: persons",
     "data/sources/tiny-haber.yaml:17: [unknown-code] unit 'persons' is not in code list 'unit' (use a code from data/codelists/units.yaml (did you mean 'person'?))"),
    ("unknown-province", Y, '  province: "25"', '  province: "82"',
     "data/sources/tiny-haber.yaml:10: [unknown-code] province '82' is not in code list 'province' (use a code from data/codelists/provinces.yaml)"),
    ("unknown-total-part", Y, "[aep-trainees, eoe-trainees]", "[aep-trainees, eoe-trainee]",
     "data/sources/tiny-haber.yaml:78: [unknown-reference] total_of names 'eoe-trainee', which is not a fact in this file (name an existing fact id)"),
    # identifiers and text that would break Turtle, JSON-LD or HTML
    ("id-with-script", Y, "  - id: shm-centres", "  - id: <script>alert(1)</script>",
     "data/sources/tiny-haber.yaml:35: [bad-identifier] fact '<script>alert(1)</script>' is not a valid identifier (use lower-case letters, digits and hyphens, starting with a letter or digit)"),
    ("id-with-gt", Y, "  - id: shm-centres", '  - id: "shm>centres"',
     "data/sources/tiny-haber.yaml:35: [bad-identifier] fact 'shm>centres' is not a valid identifier (use lower-case letters, digits and hyphens, starting with a letter or digit)"),
    ("id-with-quote", Y, "  - id: shm-centres", "  - id: 'shm\"centres'",
     'data/sources/tiny-haber.yaml:35: [bad-identifier] fact \'shm"centres\' is not a valid identifier (use lower-case letters, digits and hyphens, starting with a letter or digit)'),
    ("id-with-space", Y, "  - id: shm-centres", '  - id: "shm centres"',
     "data/sources/tiny-haber.yaml:35: [bad-identifier] fact 'shm centres' is not a valid identifier (use lower-case letters, digits and hyphens, starting with a letter or digit)"),
    ("label-with-newline", Y, 'en: "Tiny activity report"', 'en: "Tiny\\nactivity report"',
     "data/sources/tiny-haber.yaml:3: [bad-text] 'title.en' contains the control character U+000A (remove control characters; write text as plain Unicode)"),
    ("label-with-control", Y, 'en: "Tiny activity report"', 'en: "Tiny\\u0007 report"',
     "data/sources/tiny-haber.yaml:3: [bad-text] 'title.en' contains the control character U+0007 (remove control characters; write text as plain Unicode)"),
    ("quote-with-script", Y, f'    quote: "{Q0}"', f'    quote: "<script>{Q0}</script>"',
     'data/sources/tiny-haber.yaml:14: [quote-not-in-source] quote does not occur in data/sources/tiny-haber.txt: "<script>2025 yılında her ay ortalama 1.250 engelli birey evde bakım yardımı aldı.</script>" (copy the quote verbatim from the source text)'),
    # dates and periods
    ("bad-date", Y, "  published: 2026-01-28", "  published: 2026-13-45",
     "data/sources/tiny-haber.yaml:5: [yaml-syntax] bad value '2026-13-45': month must be in 1..12 (fix the YAML syntax at this line)"),
    ("period-backwards", Y, '    period: "2013--2025"', '    period: "2025--2013"',
     "data/sources/tiny-haber.yaml:54: [bad-period] period '2025--2013' is not valid: it begins (2025-01-01) after it ends (2013-12-31) (write a period as YYYY, YYYY-MM, YYYY-MM-DD, START--END or ..--END)"),
    ("period-not-whole-months", Y, '    period: "2025"\n    period_kind: monthly-average', '    period: "2025-06-15"\n    period_kind: monthly-average',
     'data/sources/tiny-haber.yaml:21: [period-kind-mismatch] period \'2025-06-15\' does not fit kind \'monthly-average\': it must run over whole months (from the first day of a month to the last day of a month) (write months or years: "2025-03" (a month), "2025-01--2025-03" (a quarter), "2025-01--2025-06" (a half-year), "2025" (a year), "2025-01--2025-09" (year to date))'),
    ("period-kind-deprecated", Y, '    period_kind: total', '    period_kind: year-total',
     "data/sources/tiny-haber.yaml:33: [deprecated-code] period_kind 'year-total' is deprecated in code list 'period-kind' (data/codelists/period-kinds.yaml) (write 'period_kind: total' instead)"),
    ("period-after-publication", Y, '    period: "2025-12-31"', '    period: "2027-01-01"',
     "data/sources/tiny-haber.yaml:43: [period-kind-mismatch] period '2027-01-01' does not fit kind 'stock': it lies after the source was published (2026-01-28) (a source cannot report a period it has not reached; correct the period)"),
    # the text
    ("quote-not-in-source", Y, "evde bakım yardımı aldı.\"", "evde bakim yardımı aldı.\"",
     'data/sources/tiny-haber.yaml:14: [quote-not-in-source] quote does not occur in data/sources/tiny-haber.txt: "2025 yılında her ay ortalama 1.250 engelli birey evde bakim yardımı aldı." (copy the quote verbatim from the source text)'),
    ("value-disagrees-with-quote", Y, "    value: 1250", "    value: 1251",
     'data/sources/tiny-haber.yaml:16: [value-mismatch] value 1251 but the quote states "1.250" = 1250 (set \'value\' to 1250, or correct the figure)'),
    ("figure-not-in-quote", Y, '    figure: "1.250"', '    figure: "1250"',
     'data/sources/tiny-haber.yaml:14: [figure-not-in-quote] figure "1250" does not occur in the quote (make \'figure\' the number exactly as written in the quote)'),
    ("approximate-flag-wrong", Y, "    approximate: true", "    approximate: false",
     'data/sources/tiny-haber.yaml:84: [approximate-flag] figure "1,5 milyar TL" is rounded but \'approximate\' is false (set \'approximate: true\')'),
    ("money-in-person", Y, "    unit: TRY", "    unit: person",
     'data/sources/tiny-haber.yaml:28: [unit-mismatch] figure "12 milyon 500 bin TL" is an amount of money but unit is \'person\' (use unit \'TRY\')'),
    ("total-disagrees-with-parts", Y, "[aep-trainees, eoe-trainees]", "[aep-trainees]",
     "data/sources/tiny-haber.yaml:78: [total-mismatch] 'education-total' is 21986 but its parts aep-trainees add up to 20864 (correct the total or its parts)"),
    ("duplicated-fact", Y, "  - id: eoe-trainees", "  - id: aep-trainees-again\n    quote: \"Aile Eğitim Programından 2013 yılından itibaren toplam 20.864 kişi\"\n    figure: \"20.864\"\n    value: 20864\n    unit: person\n    programme: family-education-programme\n    target_group: total\n    indicator: trainees\n    period: \"2013--2025\"\n    period_kind: cumulative\n\n  - id: eoe-trainees",
     "data/sources/tiny-haber.yaml:57: [duplicate-observation] fact 'aep-trainees-again' has the same dimensions as 'aep-trainees' (data/sources/tiny-haber.yaml:46) (two facts cannot describe the same figure: fix a dimension, or use 'also_quoted' for a repeated figure)"),
    # the dataset's catalogue metadata
    ("licence-not-an-iri", "dataset.yaml", "license: https://creativecommons.org/licenses/by/4.0/",
     'license: "not a <licence>"',
     "data/dataset.yaml:20: [wrong-type] 'license' must be an http(s) IRI, not 'not a <licence>' "
     "(write 'license' as an http(s) IRI)"),
    ("keyword-with-newline", "dataset.yaml", "  en: [social services", '  en: ["social\\nservices"',
     "data/dataset.yaml:24: [bad-text] 'keywords.en' contains the control character U+000A "
     "(remove control characters; write text as plain Unicode)"),
    ("keyword-language-unknown", "dataset.yaml", "  en: [social services", "  de: [Sozialdienste]\n  en: [social services",
     "data/dataset.yaml:24: [unknown-field] 'keywords' has an unknown field 'de' "
     "(remove it or correct its spelling; allowed: tr, en)"),
    ("keyword-number", "dataset.yaml", "  en: [social services", "  en: [42, social services",
     "data/dataset.yaml:24: [wrong-type] 'keywords.en' must be non-empty text, not a whole number "
     "(write 'keywords.en' as non-empty text)"),
    # code lists: caught by the SHACL gate, located at the code list's line
    ("unit-kind-unknown", "codelists/units.yaml", "kind: count, label: {tr: kişi", "kind: people, label: {tr: kişi",
     "data/codelists/units.yaml:11: [wrong-type] 'kind' must be count or currency or ratio, not 'people' "
     "(write 'kind' as count or currency or ratio)"),
    ("province-without-nuts-code", "codelists/provinces.yaml", ", nuts3: TR621}", "}",
     "data/codelists/provinces.yaml:12: [missing-field] a concept has no 'nuts3' (add 'nuts3')"),
    ("province-bad-nuts-code", "codelists/provinces.yaml", "nuts3: TR621}", "nuts3: TR-621}",
     'data/codelists/provinces.yaml:12: [shacl] ASDH-15 Province codes: ASDH-15: a province has one NUTS-3 code, TRxNN (e.g. TRA12) [<https://w3id.org/asdh-lod/code/province/01> <https://w3id.org/asdh-lod/def/nutsCode> = "TR-621"] (fix the data that produced this node)'),
]


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """A working folder with the tiny data/ and the site/ built from it, once."""
    from helpers import DATA, TINY
    work = tmp_path_factory.mktemp("published")
    data = work / "data"
    shutil.copytree(DATA / "codelists", data / "codelists")
    shutil.copy(DATA / "dataset.yaml", data / "dataset.yaml")
    shutil.copytree(TINY / "sources", data / "sources")
    r = CliRunner().invoke(main, ["build", "--data", str(data), "--out", str(work / "site")])
    assert r.exit_code == 0, r.output
    return work


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def broken_build(published: Path, tmp_path: Path, monkeypatch, edit) -> tuple:
    shutil.copytree(published / "data", tmp_path / "data")  # edited below: a copy
    # the site's files are hard links, not copies (18 MB a test, 60 tests): a failed
    # build must leave them as they are, which the snapshots check (a write into one would
    # show in both the link and the original)
    shutil.copytree(published / "site", tmp_path / "site", copy_function=os.link)
    monkeypatch.chdir(tmp_path)
    before = snapshot(tmp_path / "site")
    edit(tmp_path / "data")
    r = CliRunner().invoke(main, ["build", "--data", "data", "--out", "site"])
    assert snapshot(tmp_path / "site") == before, "a failed build must leave site/ byte-identical"
    return r


def _replace(data: Path, name: str, old: str, new: str) -> None:
    f = data / name
    text = f.read_text(encoding="utf-8")
    assert old in text, f"{old!r} does not occur in {name}"
    f.write_bytes(text.replace(old, new, 1).encode("utf-8"))


@pytest.mark.parametrize(("name", "old", "new", "line"), [pytest.param(*c[1:], id=c[0]) for c in CASES])
def test_bad_input_through_the_cli(published, tmp_path, monkeypatch, name, old, new, line):
    r = broken_build(published, tmp_path, monkeypatch, lambda d: _replace(d, name, old, new))
    assert r.exit_code == 1
    lines = r.stderr.splitlines()
    assert lines[-1].startswith("Error: ") and lines[-1].endswith("; nothing was written")
    assert lines[:-1] == [line]  # exactly this problem, and no other


SPECIAL = [  # (id, file under data/, bytes written to it, the exact problem line)
    ("source-not-utf8", Y, "quote: \"Bu alanda".encode() + "ödeme".encode("latin-1"),
     'data/sources/tiny-haber.yaml:1: [not-utf8] cannot be decoded as UTF-8 at byte 17 (save the file as UTF-8)'),
    ("source-utf16", Y, "document:\n  id: tiny-haber\n".encode("utf-16"),
     'data/sources/tiny-haber.yaml:1: [not-utf8] cannot be decoded as UTF-8 at byte 0 (save the file as UTF-8)'),
    ("source-empty", Y, b"",
     'data/sources/tiny-haber.yaml:1: [empty-file] the file is empty (add the content, or delete the file)'),
    ("source-only-comments", Y, b"# nothing here yet\n",
     'data/sources/tiny-haber.yaml:1: [empty-file] the file is empty (add the content, or delete the file)'),
    ("text-not-utf8", "sources/tiny-haber.txt", "İlde 3 Sosyal Hizmet Merkezi".encode("cp1254"),
     'data/sources/tiny-haber.txt:1: [not-utf8] cannot be decoded as UTF-8 at byte 0 (save the file as UTF-8)'),
    ("dataset-empty", "dataset.yaml", b"",
     'data/dataset.yaml:1: [empty-file] the file is empty (add the content, or delete the file)'),
]


@pytest.mark.parametrize(("name", "content", "line"), [pytest.param(*c[1:], id=c[0]) for c in SPECIAL])
def test_bad_file_through_the_cli(published, tmp_path, monkeypatch, name, content, line):
    r = broken_build(published, tmp_path, monkeypatch, lambda d: (d / name).write_bytes(content))
    assert r.exit_code == 1
    lines = r.stderr.splitlines()
    assert lines[-1].startswith("Error: ") and lines[-1].endswith("; nothing was written")
    assert lines[:-1] == [line]  # exactly this problem, and no other


def test_corpus_covers_every_problem_a_curator_can_cause_in_one_file():
    """Every problem code a single edit of a source file can cause has a case here."""
    seen = {re.search(r"\[([a-z0-9-]+)\]", c[-1])[1] for c in CASES + SPECIAL}
    assert seen >= {"yaml-syntax", "yaml-tag", "not-utf8", "empty-file", "missing-field", "unknown-field",
                    "wrong-type", "bad-identifier", "unknown-code", "bad-period",
                    "quote-not-in-source", "value-mismatch", "approximate-flag", "total-mismatch"}
    assert len({c[0] for c in CASES + SPECIAL}) == len(CASES) + len(SPECIAL)  # each case named once
