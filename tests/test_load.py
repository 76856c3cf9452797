"""Tests for the load stage (`asdh_lod.load`): a data folder's YAML → `Model` or problems.

Every bad input is the tiny fixture (tests/fixtures/tiny) with one edit. Line numbers refer to
tests/fixtures/tiny/sources/tiny-haber.yaml:

     2 document.id            13 facts[0] home-care-monthly   24 facts[1] home-care-payments
     3 document.title         14   quote   15 figure          35 facts[2] shm-centres
     4 document.publisher     16   value   17 unit            46 facts[3] aep-trainees
     5 document.published     18   programme                  57 facts[4] eoe-trainees
     6 reporting_period       19   target_group               68 facts[5] education-total
     7 as_of    8 type        20   indicator                  78   total_of
     9 language 10 province   21   period  22 period_kind     80 facts[6] social-assistance-funds
    12 facts:                                                 84   approximate
    92 rules:  93 rules[0].id  98 its parameter
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from asdh_lod.stages.check import check
from helpers import DATA
from asdh_lod.ingest.load import load
from asdh_lod.model.records import Model
from asdh_lod.core.problems import TYPES, Report

from helpers import SRC, TXT, mutate, where


def load_bad(data: Path) -> Report:
    model, report = load(data)
    assert model is None
    assert not report.ok
    return report


# --- the good fixture ---------------------------------------------------------------------

def test_good_fixture_loads_and_checks_clean(data):
    model, report = load(data)
    assert isinstance(model, Model)
    assert report.ok and report.problems == [] and report.total == 0
    assert report.lines() == []
    assert check(model).problems == []
    assert [f.id for f in model.facts] == [
        "home-care-monthly", "home-care-payments", "shm-centres", "aep-trainees",
        "eoe-trainees", "education-total", "social-assistance-funds"]
    doc = model.sources[0].document
    assert (doc.id, doc.province, doc.language, doc.type) == ("tiny-haber", "25", "tr", "news-item")
    assert (doc.published.notation, doc.as_of.notation) == ("2026-01-28", "2025-12-31")
    assert doc.text_path == TXT
    fact = model.facts[0]
    assert (str(fact.origin), fact.quote.origin.line) == (f"{SRC}:13", 14)
    assert fact.province == "25"  # from the document
    assert model.facts[-1].approximate is True
    assert model.facts[5].total_of == ["aep-trainees", "eoe-trainees"]
    assert model.sources[0].rules[0].parameters[0].value == pytest.approx(2 / 3)


def test_paths_outside_the_working_folder_are_absolute(tiny):
    mutate(tiny, "unit: person", "unit: persn")
    report = load_bad(tiny)
    assert where(report) == [("unknown-code", str(tiny / "sources" / "tiny-haber.yaml"), 17)]


# --- the bad-input corpus: one edit, one problem ------------------------------------------

TITLE = '  title: {tr: "Tiny faaliyet raporu", en: "Tiny activity report"}\n'
QUOTE0 = '    quote: "2025 yılında her ay ortalama 1.250 engelli birey evde bakım yardımı aldı."'
PERIOD0 = '    period: "2025"\n    period_kind: monthly-average'

C = [  # (id, old, new, code, line, message, hint or None)
    # missing fields
    ("doc-title", TITLE, "", "missing-field", 2, "'document' has no 'title'", "add 'title'"),
    ("doc-published", "  published: 2026-01-28\n", "", "missing-field", 2, "'document' has no 'published'", None),
    ("doc-as_of", "  as_of: 2025-12-31\n", "", "missing-field", 2, "'document' has no 'as_of'", None),
    ("doc-province", '  province: "25"\n', "", "missing-field", 2, "'document' has no 'province'", None),
    ("fact-id", "  - id: home-care-monthly\n    quote", "  - quote", "missing-field", 13, "a fact has no 'id'", None),
    ("fact-quote", QUOTE0 + "\n", "", "missing-field", 13, "a fact has no 'quote'", "add 'quote'"),
    ("fact-figure", '    figure: "1.250"\n', "", "missing-field", 13, "a fact has no 'figure'", None),
    ("fact-value", "    value: 1250\n", "", "missing-field", 13, "a fact has no 'value'", "add 'value'"),
    ("fact-unit", "    unit: person\n", "", "missing-field", 13, "a fact has no 'unit'", "add 'unit'"),
    ("fact-period", '    period: "2025"\n', "", "missing-field", 13, "a fact has no 'period'", "add 'period'"),
    ("fact-period_kind", "    period_kind: monthly-average\n", "", "missing-field", 13,
     "a fact has no 'period_kind'", None),
    ("fact-programme", "    programme: home-care-allowance\n", "", "missing-field", 13,
     "a fact has no 'programme'", None),
    ("title-en", 'en: "Tiny activity report"}', "}", "missing-field", 3, "'title' has no 'en'", "add 'en'"),
    # wrong types
    ("value-text", "    value: 1250", '    value: "abc"', "wrong-type", 16,
     "'value' must be a number, not text", "write 'value' as a number"),
    ("value-bool", "    value: 1250", "    value: true", "wrong-type", 16,
     "'value' must be a number, not true/false", None),
    ("value-list", "    value: 1250", "    value: [1250]", "wrong-type", 16, "'value' must be a number, not a list", None),
    ("value-date", "    value: 1250", "    value: 2025-01-01", "wrong-type", 16, "'value' must be a number, not a date", None),
    ("approximate-yes", "    approximate: true", '    approximate: "yes"', "wrong-type", 84,
     "'approximate' must be true or false, not text", "write 'approximate' as true or false"),
    ("approximate-1", "    approximate: true", "    approximate: 1", "wrong-type", 84,
     "'approximate' must be true or false, not a whole number", None),
    ("quote-int", QUOTE0, "    quote: 42", "wrong-type", 14,
     "'quote' must be text (in quotes), not a whole number", "write 'quote' as text (in quotes)"),
    ("quote-empty", QUOTE0, '    quote: "  "', "wrong-type", 14, "'quote' must be non-empty text, not empty text", None),
    ("figure-unquoted", '    figure: "1.250"', "    figure: 1.250", "wrong-type", 15,
     "'figure' must be text (in quotes), not a decimal number", None),
    ("title-text", TITLE, '  title: "Tiny"\n', "wrong-type", 3,
     "'title' must be a mapping of languages, e.g. {tr: …, en: …}, not text", None),
    ("fact-text", "facts:\n", "facts:\n  - just words\n", "wrong-type", 13, "'a fact' must be a mapping, not text", None),
    ("province-decimal", '  province: "25"', "  province: 25.5", "wrong-type", 10,
     "'province' must be a code (text), not a decimal number", "write 'province' as a code (text)"),
    ("total_of-text", "    total_of: [aep-trainees, eoe-trainees]", "    total_of: aep-trainees", "wrong-type", 78,
     "'total_of' must be a list, not text", None),
    ("parameters-mapping", "    parameters:\n      - {", "    parameters:\n        {", "wrong-type", 97,
     "'parameters' must be a list, not a mapping", None),
    # unknown fields
    ("title-de", 'en: "Tiny activity report"}', 'en: "Tiny activity report", de: "Winzig"}', "unknown-field", 3,
     "'title' has an unknown field 'de'", "remove it or correct its spelling; allowed: tr, en"),
    ("doc-typo", "  as_of: 2025-12-31\n", "  as_of: 2025-12-31\n  as-of: 2025-12-31\n", "unknown-field", 8,
     "'document' has an unknown field 'as-of'",
     "remove it or correct its spelling; allowed: as_of, id, language, province, published, publisher, "
     "reporting_period, text, title, type"),
    # identifiers
    ("id-upper", "  - id: home-care-monthly", "  - id: Bad_ID", "bad-identifier", 13,
     "fact 'Bad_ID' is not a valid identifier",
     "use lower-case letters, digits and hyphens, starting with a letter or digit"),
    ("id-leading-hyphen", "  - id: home-care-monthly", "  - id: -x", "bad-identifier", 13,
     "fact '-x' is not a valid identifier", None),
    ("id-trailing-hyphen", "  - id: home-care-monthly", "  - id: x-", "bad-identifier", 13,
     "fact 'x-' is not a valid identifier", None),
    ("id-empty", "  - id: home-care-monthly", '  - id: ""', "bad-identifier", 13, "fact '' is not a valid identifier", None),
    ("id-space", "  - id: home-care-monthly", '  - id: "a b"', "bad-identifier", 13,
     "fact 'a b' is not a valid identifier", None),
    ("id-turkish", "  - id: home-care-monthly", "  - id: evde-bakım", "bad-identifier", 13,
     "fact 'evde-bakım' is not a valid identifier", None),
    ("id-too-long", "  - id: home-care-monthly", "  - id: " + "a" * 81, "bad-identifier", 13,
     f"fact '{'a' * 80}' is not a valid identifier", None),
    ("total_of-entry", "    total_of: [aep-trainees, eoe-trainees]", "    total_of: [aep-trainees, Eoe]", "bad-identifier", 78,
     "total_of entry 'Eoe' is not a valid identifier", None),
    ("duplicate-fact-id", "  - id: home-care-payments", "  - id: home-care-monthly", "duplicate-id", 24,
     "fact id 'home-care-monthly' is used twice (first at line 13)", "give each entry its own id"),
    ("duplicate-rule-id", "  - id: home-care-income-threshold", "  - id: aep-trainees", "duplicate-id", 93,
     "rule id 'aep-trainees' is used twice (first at line 46)", None),
    ("document-id-not-stem", "  id: tiny-haber", "  id: tiny-news", "bad-identifier", 2,
     "document id (must equal the file name 'tiny-haber') 'tiny-news' is not a valid identifier", None),
    ("document-id-bad", "  id: tiny-haber", "  id: Tiny_Haber", "bad-identifier", 2,
     "document 'Tiny_Haber' is not a valid identifier", None),
    # unknown codes
    ("unit", "    unit: person", "    unit: persn", "unknown-code", 17, "unit 'persn' is not in code list 'unit'",
     "use a code from data/codelists/units.yaml (did you mean 'person'?)"),
    ("unit-no-suggestion", "    unit: person", "    unit: xyz", "unknown-code", 17,
     "unit 'xyz' is not in code list 'unit'", "use a code from data/codelists/units.yaml"),
    ("programme", "    programme: home-care-allowance", "    programme: home-care-alowance", "unknown-code", 18,
     "programme 'home-care-alowance' is not in code list 'programme'",
     "use a code from data/codelists/programmes.yaml (did you mean 'home-care-allowance'?)"),
    ("target_group", "    target_group: disabled", "    target_group: disable", "unknown-code", 19,
     "target_group 'disable' is not in code list 'target-group'",
     "use a code from data/codelists/target-groups.yaml (did you mean 'disabled'?)"),
    ("indicator", "    indicator: beneficiaries", "    indicator: beneficiary", "unknown-code", 20,
     "indicator 'beneficiary' is not in code list 'indicator'",
     "use a code from data/codelists/indicators.yaml (did you mean 'beneficiaries'?)"),
    ("period_kind", "    period_kind: monthly-average", "    period_kind: monthly", "unknown-code", 22,
     "period_kind 'monthly' is not in code list 'period-kind'",
     "use a code from data/codelists/period-kinds.yaml (did you mean 'monthly-average'?)"),
    ("period_kind-deprecated", "    period_kind: total", "    period_kind: year-total", "deprecated-code", 33,
     "period_kind 'year-total' is deprecated in code list 'period-kind' (data/codelists/period-kinds.yaml)",
     "write 'period_kind: total' instead"),
    ("period_kind-typo-not-deprecated", "    period_kind: total", "    period_kind: year-totl", "unknown-code", 33,
     "period_kind 'year-totl' is not in code list 'period-kind'",
     "use a code from data/codelists/period-kinds.yaml (did you mean 'total'?)"),  # never the deprecated code
    ("document-province", '  province: "25"', '  province: "99"', "unknown-code", 10,
     "province '99' is not in code list 'province'", None),
    ("fact-province", "    unit: person\n", '    unit: person\n    province: "99"\n', "unknown-code", 18,
     "province '99' is not in code list 'province'", None),
    ("publisher", "  publisher: erzurum-directorate", "  publisher: erzurum", "unknown-code", 4,
     "publisher 'erzurum' is not in code list 'organisation'",
     "use a code from data/codelists/organisations.yaml (did you mean 'erzurum-directorate'?)"),
    ("unit-people", "    unit: person", "    unit: people", "unknown-code", 17,
     "unit 'people' is not in code list 'unit'", "use a code from data/codelists/units.yaml (did you mean 'person'?)"),
    ("programme-prefix", "    programme: home-care-allowance", "    programme: home-care", "unknown-code", 18,
     "programme 'home-care' is not in code list 'programme'",
     "use a code from data/codelists/programmes.yaml (did you mean 'home-care-allowance'?)"),
    ("document-type", "  type: news-item", "  type: news", "unknown-code", 8,
     "type 'news' is not in code list 'document-type'",
     "use a code from data/codelists/document-types.yaml (did you mean 'news-item'?)"),
    ("language", "  language: tr", "  language: de", "unknown-code", 9,
     "language 'de' is not in code list 'language'", None),
    ("parameter-role", "role: maximum", "role: max", "unknown-code", 98,
     "role 'max' is not in code list 'parameter-role'", None),
    ("parameter-unit", "unit: ratio,", "unit: ratios,", "unknown-code", 98,
     "unit 'ratios' is not in code list 'unit'", None),
    # dates
    ("published-month-13", "  published: 2026-01-28", '  published: "2024-13"', "bad-date", 5,
     "'published' value '2024-13' is not a date", "write YYYY, YYYY-MM or YYYY-MM-DD in quotes"),
    ("published-month-13-plain", "  published: 2026-01-28", "  published: 2024-13", "bad-date", 5,
     "'published' value '2024-13' is not a date", None),
    ("published-1800", "  published: 2026-01-28", "  published: 1800", "bad-date", 5,
     "'published' value '1800' is not a date", None),
    ("as_of-feb-30", "  as_of: 2025-12-31", '  as_of: "2025-02-30"', "bad-date", 7,
     "'as_of' value '2025-02-30' is not a date", None),
    ("as_of-bool", "  as_of: 2025-12-31", "  as_of: true", "bad-date", 7, "'as_of' value 'True' is not a date", None),
    ("published-timestamp", "  published: 2026-01-28", "  published: 2026-01-28 10:00:00", "bad-date", 5,
     "'published' value '2026-01-28 10:00:00' is not a date", None),
    ("published-impossible", "  published: 2026-01-28", "  published: 2026-02-30", "yaml-syntax", 5,
     "bad value '2026-02-30': day is out of range for month", None),
    # periods
    ("period-feb-30", PERIOD0, '    period: "2025-02-30"\n    period_kind: monthly-average', "bad-period", 21,
     "period '2025-02-30' is not valid: '2025-02-30' is not a calendar date",
     "write a period as YYYY, YYYY-MM, YYYY-MM-DD, START--END or ..--END"),
    ("period-backwards", PERIOD0, '    period: "2025--2013"\n    period_kind: monthly-average', "bad-period", 21,
     "period '2025--2013' is not valid: it begins (2025-01-01) after it ends (2013-12-31)", None),
    ("period-unit-to-itself", PERIOD0, '    period: "2025--2025"\n    period_kind: monthly-average', "bad-period", 21,
     "period '2025--2025' is not valid: an interval from a unit to itself is just '2025'", None),
    ("period-abc", PERIOD0, '    period: "abc"\n    period_kind: monthly-average', "bad-period", 21,
     "period 'abc' is not valid: 'abc' is not YYYY, YYYY-MM or YYYY-MM-DD", None),
    ("period-1800", PERIOD0, "    period: 1800\n    period_kind: monthly-average", "bad-period", 21,
     "period '1800' is not valid: year 1800 is out of range 1900-2100", None),
    ("period-two-separators", PERIOD0, '    period: "2013--2020--2025"\n    period_kind: monthly-average', "bad-period", 21,
     "period '2013--2020--2025' is not valid: an interval has exactly one '--'", None),
    ("period-bool", PERIOD0, "    period: true\n    period_kind: monthly-average", "bad-period", 21,
     "period 'True' is not valid: it is true/false", None),
    ("period-feb-30-plain", PERIOD0, "    period: 2025-02-30\n    period_kind: monthly-average", "yaml-syntax", 21,
     "bad value '2025-02-30': day is out of range for month", "fix the YAML syntax at this line"),
    ("reporting-period", '  reporting_period: "2025"', '  reporting_period: "2025--2013"', "bad-period", 6,
     "period '2025--2013' is not valid: it begins (2025-01-01) after it ends (2013-12-31)", None),
    # unsafe text
    ("title-bell", 'tr: "Tiny faaliyet raporu"', 'tr: "Tiny \\a faaliyet raporu"', "bad-text", 3,
     "'title.tr' contains the control character U+0007",
     "remove control characters; write text as plain Unicode"),
    ("title-newline", 'en: "Tiny activity report"', 'en: "Tiny\\nactivity report"', "bad-text", 3,
     "'title.en' contains the control character U+000A", None),
    ("title-block-newline", TITLE, "  title:\n    tr: |\n      Tiny\n      faaliyet\n    en: Tiny\n", "bad-text", 4,
     "'title.tr' contains the control character U+000A", None),
    ("title-line-separator", 'tr: "Tiny faaliyet raporu"', 'tr: "Tiny\\u2028faaliyet"', "bad-text", 3,
     "'title.tr' contains the control character U+2028", None),
    ("quote-escape", QUOTE0, '    quote: "2025 \\e[31m yılında"', "bad-text", 14,
     "'quote' contains the control character U+001B", None),
    ("figure-delete", '    figure: "1.250"', '    figure: "1.250\\x7f"', "bad-text", 15,
     "'figure' contains the control character U+007F", None),
    ("note-nul", "    value: 1250\n", '    value: 1250\n    note: "a\\0b"\n', "bad-text", 17,
     "'note' contains the control character U+0000", None),
    ("language-newline", "  language: tr", '  language: "tr\\n"', "bad-text", 9,
     "'language' contains the control character U+000A", None),
]

CASES = [pytest.param(*c[1:], id=c[0]) for c in C]


@pytest.mark.parametrize(("old", "new", "code", "line", "message", "hint"), CASES)
def test_bad_input(data, old, new, code, line, message, hint):
    mutate(data, old, new)
    report = load_bad(data)
    assert where(report) == [(code, SRC, line)], report.lines()
    p = report.problems[0]
    assert p.title == TYPES[code].title
    if message is not None:
        assert p.message == message
    if hint is not None:
        assert p.hint == hint
    assert report.lines() == [f"{SRC}:{line}: [{code}] {p.message} ({p.hint})"]


def test_corpus_is_large_and_covers_codes():
    codes = {c[3] for c in C}
    assert len(C) >= 40
    assert {"missing-field", "unknown-field", "wrong-type", "bad-identifier", "bad-text",
            "duplicate-id", "unknown-code", "bad-date", "bad-period", "yaml-syntax"} <= codes


# --- structure problems that come in pairs ------------------------------------------------

def test_unknown_field_typo(data):
    mutate(data, '    quote: "2025 yılında', '    quotee: "2025 yılında')
    report = load_bad(data)
    assert where(report) == [("missing-field", SRC, 13), ("unknown-field", SRC, 14)]
    missing, unknown = report.problems
    assert missing.message == "a fact has no 'quote'"
    assert unknown.message == "a fact has an unknown field 'quotee'"
    assert unknown.hint == (
        "remove it or correct its spelling; allowed: also_quoted, approximate, confidence, cues, figure, id, "
        "indicator, note, period, period_kind, programme, province, quote, reviewed, revision_note, target_group, total_of, "
        "unit, value")


def test_facts_must_be_a_list(data):
    f = data / "sources" / "tiny-haber.yaml"
    text = f.read_text(encoding="utf-8")
    f.write_text(text[: text.index("facts:")] + "facts: {}\n\n" + text[text.index("rules:"):], encoding="utf-8")
    report = load_bad(data)
    assert where(report) == [("wrong-type", SRC, 12)]
    assert report.problems[0].message == "'facts' must be a list, not a mapping"


def test_facts_missing_and_misspelt(data):
    mutate(data, "facts:\n", "fakts:\n")
    report = load_bad(data)
    assert where(report) == [("missing-field", SRC, 1), ("unknown-field", SRC, 12)]
    assert report.problems[0].message == "the source file has no 'facts'"
    assert report.problems[1].message == "the source file has an unknown field 'fakts'"


def test_top_level_list(data):
    (data / "sources" / "tiny-haber.yaml").write_text("- document: x\n- facts: []\n", encoding="utf-8")
    report = load_bad(data)
    assert where(report) == [("wrong-type", SRC, 1)]
    assert report.problems[0].message == "'the source file' must be a mapping, not a list"


def test_top_level_scalar(data):
    (data / "sources" / "tiny-haber.yaml").write_text("hello\n", encoding="utf-8")
    report = load_bad(data)
    assert where(report) == [("wrong-type", SRC, 1)]
    assert report.problems[0].message == "'the source file' must be a mapping, not text"


# --- reading files -------------------------------------------------------------------------

def test_yaml_syntax_error(data):
    mutate(data, "    value: 1250\n", "    value: 1250: x\n")
    report = load_bad(data)
    assert where(report) == [("yaml-syntax", SRC, 16)]
    # libyaml's wording; PyYAML's pure-Python parser says "... allowed here"
    assert report.problems[0].message in ("mapping values are not allowed in this context",
                                          "mapping values are not allowed here")
    assert report.problems[0].hint == "fix the YAML syntax at this line"


def test_yaml_syntax_error_unclosed_flow(data):
    mutate(data, 'en: "Tiny activity report"}', 'en: "Tiny activity report"')
    report = load_bad(data)
    assert where(report) == [("yaml-syntax", SRC, 4)]
    assert report.problems[0].message == "while parsing a flow mapping did not find expected ',' or '}'"


def test_source_yaml_not_utf8(data):
    f = data / "sources" / "tiny-haber.yaml"
    raw = f.read_bytes()
    bad = raw.replace(b"Tiny faaliyet", b"Tiny \xff\xfe faaliyet", 1)
    f.write_bytes(bad)
    report = load_bad(data)
    assert where(report) == [("not-utf8", SRC, 3)]
    offset = bad.index(b"\xff")
    assert report.problems[0].message == f"cannot be decoded as UTF-8 at byte {offset}"
    assert report.problems[0].hint == "save the file as UTF-8"


def test_source_yaml_in_utf16(data):
    f = data / "sources" / "tiny-haber.yaml"
    f.write_bytes(b"\xff\xfe" + f.read_text(encoding="utf-8").encode("utf-16-le"))
    report = load_bad(data)
    assert where(report) == [("not-utf8", SRC, 1)]
    assert report.problems[0].message == "cannot be decoded as UTF-8 at byte 0"


def test_source_text_not_utf8(data):
    f = data / "sources" / "tiny-haber.txt"
    raw = f.read_bytes()
    bad = raw.replace("İlde 3".encode(), b"Ilde \xe73", 1)  # Latin-1 'ç' in a UTF-8 file
    f.write_bytes(bad)
    report = load_bad(data)
    assert where(report) == [("not-utf8", TXT, 4)]
    offset = bad.index(b"\xe7")
    assert report.problems[0].message == f"cannot be decoded as UTF-8 at byte {offset}"


@pytest.mark.parametrize("content", ["", "\n\n   \n", "# only a comment\n# and another\n"],
                         ids=["empty", "blank", "comments"])
def test_empty_source_file(data, content):
    (data / "sources" / "tiny-haber.yaml").write_text(content, encoding="utf-8")
    report = load_bad(data)
    assert where(report) == [("empty-file", SRC, 1)]
    assert report.problems[0].message == "the file is empty"


def test_python_tag_is_refused_and_never_runs(data, tmp_path):
    marker = tmp_path / "executed"
    mutate(data, "    value: 1250", f'    value: !!python/object/apply:os.system ["touch {marker}"]')
    report = load_bad(data)
    assert where(report) == [("yaml-tag", SRC, 16)]
    assert report.problems[0].message == "tag tag:yaml.org,2002:python/object/apply:os.system is not allowed"
    assert not marker.exists()


def test_echo_payload_is_refused(data, capfd):
    mutate(data, "    value: 1250", '    value: !!python/object/apply:os.system ["echo hi"]')
    report = load_bad(data)
    assert where(report) == [("yaml-tag", SRC, 16)]
    assert "hi" not in capfd.readouterr().out


def test_custom_tag_is_refused(data):
    mutate(data, "    unit: person", "    unit: !foo bar")
    report = load_bad(data)
    assert where(report) == [("yaml-tag", SRC, 17)]
    assert report.problems[0].message == "tag !foo is not allowed"


def test_duplicate_key(data):
    mutate(data, "    unit: person\n", "    unit: person\n    unit: TRY\n")
    report = load_bad(data)
    assert where(report) == [("yaml-syntax", SRC, 18)]
    assert report.problems[0].message == "key 'unit' appears twice in one mapping"


def test_missing_codelist(data):
    (data / "codelists" / "units.yaml").unlink()
    report = load_bad(data)
    assert where(report) == [("missing-file", "data/codelists/units.yaml", None)]
    assert report.problems[0].message == "code list data/codelists/units.yaml does not exist"
    assert report.problems[0].hint == "add the file, or correct the name"
    assert report.lines() == [
        "data/codelists/units.yaml: [missing-file] code list data/codelists/units.yaml does not exist "
        "(add the file, or correct the name)"]


def test_missing_dataset_yaml(data):
    (data / "dataset.yaml").unlink()
    report = load_bad(data)
    assert where(report) == [("missing-file", "data/dataset.yaml", None)]
    assert report.problems[0].message == "dataset metadata data/dataset.yaml does not exist"


def test_missing_source_text(data):
    (data / "sources" / "tiny-haber.txt").unlink()
    report = load_bad(data)
    assert where(report) == [("missing-file", SRC, 2)]
    assert report.problems[0].message == f"source text {TXT} does not exist"


def test_named_source_text_missing(data):
    mutate(data, '  province: "25"\n', '  province: "25"\n  text: other.txt\n')
    report = load_bad(data)
    assert where(report) == [("missing-file", SRC, 11)]
    assert report.problems[0].message == "source text data/sources/other.txt does not exist"


def test_named_source_text(data):
    (data / "sources" / "tiny-haber.txt").rename(data / "sources" / "other.txt")
    mutate(data, '  province: "25"\n', '  province: "25"\n  text: other.txt\n')
    model, report = load(data)
    assert report.ok and model is not None
    assert model.sources[0].document.text_path == "data/sources/other.txt"
    assert check(model).problems == []


def test_no_source_files(data):
    for f in (data / "sources").iterdir():
        f.unlink()
    report = load_bad(data)
    assert where(report) == [("missing-file", "data/sources", None)]
    assert report.problems[0].message == "source files (*.yaml) in data/sources does not exist"


def test_no_sources_folder(data):
    shutil.rmtree(data / "sources")
    report = load_bad(data)
    assert where(report) == [("missing-file", "data/sources", None)]


def test_dataset_yaml_problem(data):
    f = data / "dataset.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("publisher: asdh-lod", "publisher: asdh", 1),
                 encoding="utf-8")
    report = load_bad(data)
    assert where(report) == [("unknown-code", "data/dataset.yaml", 19)]
    assert report.problems[0].message == "publisher 'asdh' is not in code list 'organisation'"


# --- text that is safe to carry ------------------------------------------------------------

def test_markup_in_labels_is_accepted(data):
    label = """<script>alert(1)</script> "quoted" & 'single' > < &amp;"""
    mutate(data, 'en: "Tiny activity report"', "en: " + json.dumps(label))
    mutate(data, 'en: "Home-care income threshold"', "en: '<b>x</b> \"y\" > z'")
    model, report = load(data)
    assert report.ok and report.problems == []
    assert model.sources[0].document.title["en"] == label
    assert model.sources[0].rules[0].label["en"] == '<b>x</b> "y" > z'
    assert check(model).problems == []


def test_tabs_and_unicode_are_accepted(data):
    mutate(data, 'en: "Tiny activity report"', 'en: "Tiny\\tactivity — report ğüşıöç İ ₺"')
    model, report = load(data)
    assert report.ok
    assert model.sources[0].document.title["en"] == "Tiny\tactivity — report ğüşıöç İ ₺"


def test_labels_are_stripped(data):
    mutate(data, 'en: "Tiny activity report"', 'en: "  Tiny activity report  "')
    model, report = load(data)
    assert model.sources[0].document.title["en"] == "Tiny activity report"


# --- many problems, and the limit ----------------------------------------------------------

def test_many_problems_in_one_run(data):
    mutate(data, "    unit: person", "    unit: people")                       # line 17
    mutate(data, '    period: "2025"\n    period_kind: total', '    period: "abc"\n    period_kind: total')  # 32
    mutate(data, "  - id: shm-centres", "  - id: SHM")                            # line 35
    mutate(data, "    approximate: true", "    approximate: maybe")              # line 84
    report = load_bad(data)
    assert where(report) == [("unknown-code", SRC, 17), ("bad-period", SRC, 32),
                             ("bad-identifier", SRC, 35), ("wrong-type", SRC, 84)]
    assert report.total == 4 and not report.truncated


def test_problems_across_files(data):
    mutate(data, "    unit: person", "    unit: persn")
    f = data / "codelists" / "units.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("{code: child,", "{code: Child_,", 1), encoding="utf-8")
    report = load_bad(data)
    assert ("bad-identifier", "data/codelists/units.yaml", 12) in where(report)
    assert ("unknown-code", SRC, 17) in where(report)
    assert report.total == 2


# --- deprecated codes: kept in the code list so that their URIs resolve; facts may not use them

KINDS = "data/codelists/period-kinds.yaml"


def test_deprecated_code_is_loaded_with_its_replacement(data):
    model, report = load(data)
    assert report.ok, report.lines()
    kinds = model.schemes["period-kind"].concepts
    assert (kinds["year-total"].deprecated, kinds["year-total"].replaced_by) == (True, "total")
    assert [c for c, k in kinds.items() if not k.deprecated] == ["total", "monthly-average", "stock", "cumulative"]


def _edit_kinds(data: Path, old: str, new: str) -> None:
    f = data / "codelists" / "period-kinds.yaml"
    text = f.read_text(encoding="utf-8")
    assert old in text
    f.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(("old", "new", "problem", "message", "hint"), [
    ("    deprecated: true\n", "", ("missing-field", KINDS, 27),
     "concept 'year-total' (it has 'replaced_by') has no 'deprecated: true'", "add 'deprecated: true'"),
    ("    replaced_by: total", "    replaced_by: totl", ("unknown-code", KINDS, 28),
     "replaced_by 'totl' is not in code list 'period-kind'",
     "use a code from data/codelists/period-kinds.yaml that is not deprecated itself "
     "(cumulative, monthly-average, stock, total)"),
    ("    replaced_by: total", "    replaced_by: year-total", ("unknown-code", KINDS, 28),
     "replaced_by 'year-total' is not in code list 'period-kind'", None),
    ("    deprecated: true", "    deprecated: yes please", ("wrong-type", KINDS, 27),
     "'deprecated' must be true or false, not text", None),
])
def test_bad_deprecation_in_a_code_list(data, old, new, problem, message, hint):
    _edit_kinds(data, old, new)
    report = load_bad(data)
    assert problem in where(report), report.lines()
    p = next(p for p in report.problems if (p.code, p.path, p.line) == problem)
    assert p.message == message
    if hint is not None:
        assert p.hint == hint


def test_a_deprecated_code_without_replacement_says_to_pick_another(data):
    _edit_kinds(data, "    replaced_by: total\n", "")
    mutate(data, "    period_kind: total", "    period_kind: year-total")
    report = load_bad(data)
    assert where(report) == [("deprecated-code", SRC, 33)]
    assert report.problems[0].hint == "use a code of data/codelists/period-kinds.yaml that is not deprecated"


def break_many(data: Path) -> None:
    f = data / "sources" / "tiny-haber.yaml"
    text = f.read_text(encoding="utf-8")
    assert text.count("target_group: total") == 5
    f.write_text(text.replace("target_group: total", "target_group: nobody")
                 .replace("    unit: person", "    unit: people"), encoding="utf-8")


def test_all_problems_are_reported(data):
    break_many(data)
    report = load_bad(data)
    assert report.total == 9 and len(report.problems) == 9 and not report.truncated
    assert [p.line for p in report.problems if p.code == "unknown-code"] == [17, 41, 50, 52, 61, 63, 72, 74, 87]


def test_report_limit(data):
    break_many(data)
    model, report = load(data, limit=3)
    assert model is None
    assert len(report.problems) == 3
    assert report.total == 9
    assert report.truncated
    lines = report.lines()
    assert len(lines) == 4
    assert lines[-1] == "... and 6 more problems (limit 3)"
    assert lines[0] == (f"{SRC}:17: [unknown-code] unit 'people' is not in code list 'unit' "
                        "(use a code from data/codelists/units.yaml (did you mean 'person'?))")
    d = report.to_dict()
    assert (d["valid"], d["problem_count"], d["truncated"], len(d["problems"])) == (False, 9, True, 3)
    assert d["problems"][0] == {
        "code": "unknown-code", "title": "Unknown code", "severity": "error",
        "message": "unit 'people' is not in code list 'unit'",
        "hint": "use a code from data/codelists/units.yaml (did you mean 'person'?)", "path": SRC, "line": 17}
    json.dumps(d)  # serialisable as it is


def test_limit_one(data):
    break_many(data)
    _, report = load(data, limit=1)
    assert (len(report.problems), report.total) == (1, 9)
    assert report.lines()[-1] == "... and 8 more problems (limit 1)"


# --- bugs ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        ('    figure: "1.250"', "    figure:", 15),
        (QUOTE0, "    quote: ~", 14),
        ("  language: tr", "  language:", 9),
        ('tr: "Tiny faaliyet raporu"', "tr: ", 3),
    ],
    ids=["figure", "quote", "language", "title.tr"],
)
def test_null_text_is_a_problem(data, old, new, line):
    mutate(data, old, new)
    model, report = load(data)
    assert not report.ok
    assert [(p.code, p.line) for p in report.problems] in (
        [("missing-field", line)], [("wrong-type", line)])


def test_null_base_iri_is_a_problem(data):
    f = data / "dataset.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("base_iri: https://w3id.org/asdh-lod/", "base_iri:", 1),
                 encoding="utf-8")
    model, report = load(data)
    assert model is None
    assert not report.ok


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan", "1.0e+400"])
def test_infinite_value_is_a_problem(data, value):
    mutate(data, "    value: 1250", f"    value: {value}")
    report = load_bad(data)
    assert where(report) == [("wrong-type", SRC, 16)]


@pytest.mark.parametrize("name", ["sub/x.txt", "../tiny-haber.txt", "/etc/hostname"])
def test_text_name_with_folder_is_a_problem(data, name):
    mutate(data, '  province: "25"\n', f'  province: "25"\n  text: "{name}"\n')
    report = load_bad(data)
    assert [(p.path, p.line) for p in report.problems] == [(SRC, 11)]


def test_carriage_return_is_named(data):
    mutate(data, 'tr: "Tiny faaliyet raporu"', 'tr: "Tiny\\rfaaliyet"')
    report = load_bad(data)
    assert where(report) == [("bad-text", SRC, 3)]
    assert report.problems[0].message == "'title.tr' contains the control character U+000D"


@pytest.mark.parametrize("escape", ["\\x85", "\\x9b", "\\x80"])
def test_c1_control_is_bad_text(data, escape):
    mutate(data, 'tr: "Tiny faaliyet raporu"', f'tr: "Tiny{escape}faaliyet"')
    report = load_bad(data)
    assert where(report) == [("bad-text", SRC, 3)]


def test_period_with_trailing_newline_is_bad(data):
    mutate(data, PERIOD0, '    period: "2025\\n"\n    period_kind: monthly-average')
    report = load_bad(data)
    assert where(report) == [("bad-period", SRC, 21)]


def test_missing_issued_names_dataset_yaml(data):
    f = data / "dataset.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("issued: 2026-11-21\n", ""), encoding="utf-8")
    report = load_bad(data)
    assert [(p.code, p.path, p.message) for p in report.problems] == [
        ("missing-field", "data/dataset.yaml", "dataset.yaml has no 'issued'")]


# --- dataset.yaml: catalogue metadata (DCAT-AP) ----------------------------------------------

def _dataset_yaml(data: Path, old: str, new: str) -> None:
    f = data / "dataset.yaml"
    text = f.read_text(encoding="utf-8")
    assert old in text, old
    f.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_catalogue_fields_are_loaded(data):
    model, report = load(data)
    info = model.dataset
    assert (info.publisher_type, info.themes, str(info.modified)) == ("NonProfitOrganisation", ["SOCI"], "2026-11-21")
    assert (info.contact.name, info.contact.email, info.contact.url) == ("ASDH-LOD maintainers", None, "./")


@pytest.mark.parametrize("old,new,code,line,message", [
    ("themes: [SOCI]", "themes: [SOCI, SOCIAL]", "unknown-term", 31,
     "themes 'SOCIAL' is not in the EU data themes"),
    ("publisher_type: NonProfitOrganisation", "publisher_type: Charity", "unknown-term", 27,
     "publisher_type 'Charity' is not in the ADMS publisher types"),
    ("  url: ./", "  email: maintainers-at-example", "wrong-type", 30,
     "'email' must be an e-mail address (name@host), not 'maintainers-at-example'"),
    ("  url: ./", "  url: javascript:alert(1)", "wrong-type", 30,
     "'url' must be an http(s) URL, or a path relative to base_iri, not 'javascript:alert(1)'"),
    ("  url: ./", "  phone: 123", "unknown-field", 30,
     "contact_point has an unknown field 'phone'"),
    ("modified: 2026-11-21", "modified: 21.11.2026", "bad-date", 26,
     "'modified' value '21.11.2026' is not a date"),
])
def test_bad_catalogue_field_names_file_and_line(data, old, new, code, line, message):
    _dataset_yaml(data, old, new)
    report = load_bad(data)
    assert where(report)[0] == (code, "data/dataset.yaml", line)
    assert report.problems[0].message == message


def test_contact_point_needs_email_or_url(data):
    _dataset_yaml(data, "  url: ./\n", "")
    report = load_bad(data)
    assert where(report) == [("missing-field", "data/dataset.yaml", 29)]
    assert report.problems[0].message == "contact_point has no 'email' or 'url'"


def test_bad_theme_hint_lists_the_themes(data):
    _dataset_yaml(data, "themes: [SOCI]", "themes: [soci]")
    report = load_bad(data)
    assert "use one of: AGRI, ECON" in str(report.problems[0])


# --- many sources: loaded by worker processes, with the result of a serial load -------------

def _synth_with_problems(folder: Path) -> Path:
    """A synthetic data folder of 9 sources; two of them broken (YAML syntax, unknown code)."""
    from asdh_lod.build.synth import write_synth

    write_synth(450, folder, seed=7, template=DATA)
    files = sorted((folder / "sources").glob("*.yaml"))
    assert len(files) == 9
    text = files[2].read_text(encoding="utf-8")
    files[2].write_text(text.replace("unit: person", "unit: persons", 3), encoding="utf-8")
    text = files[6].read_text(encoding="utf-8")
    files[6].write_text(text.replace("facts:\n", "facts:\n  - id: [unclosed\n", 1), encoding="utf-8")
    return folder


def _load_with(monkeypatch, data: Path, workers: str, **kwargs):
    from asdh_lod.core import parallel

    monkeypatch.setenv(parallel.ENV, workers)
    monkeypatch.setattr(parallel, "CHUNK", 2)  # several chunks, results from both workers
    steps = []
    model, report = load(data, progress=lambda: steps.append(1), **kwargs)
    return model, report, len(steps)


@pytest.mark.parametrize("limit", [None, 3])
def test_parallel_load_reports_what_a_serial_load_reports(tmp_path, monkeypatch, limit):
    data = _synth_with_problems(tmp_path / "data")
    serial = _load_with(monkeypatch, data, "1", limit=limit)
    two = _load_with(monkeypatch, data, "2", limit=limit)
    assert serial[0] is None and two[0] is None
    assert [str(p) for p in two[1].problems] == [str(p) for p in serial[1].problems]
    assert (two[1].total, two[1].truncated) == (serial[1].total, serial[1].truncated)
    assert serial[1].total > 3  # the unknown codes and the syntax error, in file order
    assert any("[yaml-syntax]" in str(p) for p in serial[1].problems) or limit == 3
    assert two[2] == serial[2] == 11 + 1 + 9  # code lists, dataset.yaml, sources


def test_parallel_load_builds_the_same_model(tmp_path, monkeypatch):
    from asdh_lod.build.synth import write_synth

    data = tmp_path / "data"
    write_synth(450, data, seed=7, template=DATA)
    serial, report1, steps1 = _load_with(monkeypatch, data, "1")
    two, report2, steps2 = _load_with(monkeypatch, data, "2")
    assert report1.ok and report2.ok and steps1 == steps2
    assert len(two.facts) == 450
    assert two == serial  # every source, fact, quote, period, line
    assert check(two).problems == check(serial).problems == []
    assert [f.precision for f in two.facts] == [f.precision for f in serial.facts]


def test_parallel_load_reuses_what_it_is_given(tmp_path, monkeypatch):
    """Sources the incremental cache has are not loaded again; the others are, in order."""
    from asdh_lod.build.synth import write_synth

    data = tmp_path / "data"
    write_synth(450, data, seed=7, template=DATA)
    first, _, _ = _load_with(monkeypatch, data, "1")
    cached = {s.document.id: s for s in first.sources[::2]}
    asked = []

    def reuse(file: Path):
        asked.append(file.stem)
        return cached.get(file.stem)

    model, report, steps = _load_with(monkeypatch, data, "2", reuse=reuse)
    assert report.ok and steps == 21
    assert asked == [s.document.id for s in first.sources]
    assert model == first
    assert all(model.sources[i] is first.sources[i] for i in range(0, 9, 2))
    assert all(model.sources[i] is not first.sources[i] for i in range(1, 9, 2))


def test_workers_setting(monkeypatch):
    from asdh_lod.core import parallel

    monkeypatch.delenv(parallel.ENV, raising=False)
    assert parallel.workers(10) == 1  # a small folder: one process
    monkeypatch.setattr(parallel, "_cores", lambda: 2)
    assert parallel.workers(5000) == 1  # two cores: not worth the pickling by default
    monkeypatch.setattr(parallel, "_cores", lambda: 4)
    assert parallel.workers(5000) == 3  # one core left for this process
    assert parallel.workers(10) == 1
    monkeypatch.setenv(parallel.ENV, "0")
    assert parallel.workers(5000) == 4
    monkeypatch.setenv(parallel.ENV, "1")
    assert parallel.workers(5000) == 1
    monkeypatch.setenv(parallel.ENV, "3")
    assert parallel.workers(5000) == 3
    assert parallel.workers(20) == 2  # no more workers than chunks of CHUNK sources
    monkeypatch.setenv(parallel.ENV, "many")
    with pytest.raises(ValueError, match="ASDH_LOD_WORKERS must be a whole number"):
        parallel.workers(5000)


# --- only what is inside the data folder is read ---------------------------------------------

def test_a_source_text_linking_out_of_the_data_folder_is_refused(data, tmp_path):
    secret = tmp_path / "elsewhere.txt"
    secret.write_text((data / "sources" / "tiny-haber.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (data / "sources" / "tiny-haber.txt").unlink()
    (data / "sources" / "tiny-haber.txt").symlink_to(secret)  # quotes would match: it would be published
    report = load_bad(data)
    assert where(report) == [("outside-data-folder", TXT, None)]
    assert str(report.problems[0]) == (
        f"{TXT}: [outside-data-folder] the file is a link that resolves to {secret.resolve()}, outside the "
        f"data folder {data.resolve()} (put the file itself into the data folder; links out of it are never read)")


def test_source_and_code_list_yaml_linking_out_of_the_data_folder_are_refused(data, tmp_path):
    for rel in ("sources/tiny-haber.yaml", "codelists/units.yaml"):
        outside = tmp_path / rel.replace("/", "-")
        (data / rel).rename(outside)
        (data / rel).symlink_to(outside)
    report = load_bad(data)
    assert {(p.code, p.path) for p in report.problems} == {
        ("outside-data-folder", SRC), ("outside-data-folder", "data/codelists/units.yaml")}


def test_a_link_inside_the_data_folder_is_read(data):
    (data / "sources" / "tiny-haber.txt").rename(data / "tiny-haber-text.txt")
    (data / "sources" / "tiny-haber.txt").symlink_to(data / "tiny-haber-text.txt")
    model, report = load(data)
    assert report.ok and model is not None and "1.250 engelli" in model.sources[0].document.text
