"""Tests for the check stage (`asdh_lod.check`): the model against its source text and itself.

Every bad input is the tiny fixture (tests/fixtures/tiny) with one edit to the YAML (and, where
the figure itself changes, the same edit to the .txt). Line numbers refer to
tests/fixtures/tiny/sources/tiny-haber.yaml:

    fact                      id  quote figure value unit period  other
    home-care-monthly         13   14    15     16    17    21
    home-care-payments        24   25    26     27    28    32
    shm-centres               35   36    37     38    39    43
    aep-trainees              46   47    48     49    50    54
    eoe-trainees              57   58    59     60    61    65
    education-total           68   69    70     71    72    76    total_of 78
    social-assistance-funds   80   81    82     83    85    89    approximate 84
    rule home-care-income-threshold 93, its parameter 98
"""

from __future__ import annotations

from pathlib import Path

import pytest

from asdh_lod.stages.check import check
from asdh_lod.ingest.load import load
from asdh_lod.core.problems import TYPES, Report

from helpers import SRC, TXT, mutate, where


def checked(data: Path) -> Report:
    """Load (which must succeed: these inputs are well-formed) and check."""
    model, report = load(data)
    assert model is not None, report.lines()
    assert report.ok and report.problems == []
    out = check(model)
    assert isinstance(out, Report)
    return out


def test_good_fixture_is_clean(data):
    report = checked(data)
    assert report.ok and report.problems == [] and report.total == 0


def test_check_appends_to_the_given_report(data):
    mutate(data, "    value: 1250", "    value: 1251")
    model, report = load(data)
    assert check(model, report) is report
    assert where(report) == [("value-mismatch", SRC, 16)]


def test_a_fact_states_its_precision_without_the_check_stage(data):
    model, _ = load(data)
    by_id = {f.id: f for f in model.facts}
    assert by_id["home-care-monthly"].precision is None  # exact to the unit
    assert by_id["social-assistance-funds"].precision == 100_000_000  # "1,5 milyar": one decimal of a milliard


def test_check_does_not_change_the_model(data):
    import copy

    model, _ = load(data)
    before = copy.deepcopy(model.sources)
    mutate(data, "    value: 1250", "    value: 1251")
    broken, _ = load(data)
    for m in (model, broken):
        snapshot = copy.deepcopy(m.sources)
        check(m)
        assert m.sources == snapshot
    assert model.sources == before


# --- the bad-input corpus ----------------------------------------------------------------

Q0 = "2025 yılında her ay ortalama 1.250 engelli birey evde bakım yardımı aldı."
PAYMENTS_PERIOD = '    period: "2025"\n    period_kind: total'
SHM_PERIOD = '    period: "2025-12-31"'
AEP_PERIOD = '    period: "2013--2025"'  # the first one is aep-trainees'
HEDGE_YAML = "toplam 20.864 kişi\"\n    figure: \"20.864\""

C = [  # (id, [(old, new, file)], code, line, message or None, hint or None)
    # quotes and figures
    ("quote-one-char", [("evde bakım yardımı aldı.\"", "evde bakim yardımı aldı.\"", "yaml")],
     "quote-not-in-source", 14,
     f'quote does not occur in {TXT}: "2025 yılında her ay ortalama 1.250 engelli birey evde bakim yardımı aldı."',
     "copy the quote verbatim from the source text"),
    ("quote-case", [('"Bu alanda toplam', '"bu alanda toplam', "yaml")], "quote-not-in-source", 25, None, None),
    ("quote-double-space", [("İlde 3 Sosyal", "İlde 3  Sosyal", "yaml")], "quote-not-in-source", 36, None, None),
    ("quote-text-edited", [("ortalama 1.250 engelli", "ortalama 1.250  engelli", "txt")], "quote-not-in-source", 14,
     None, None),
    ("figure-not-in-quote", [('    figure: "1.250"', '    figure: "1250"', "yaml")], "figure-not-in-quote", 14,
     'figure "1250" does not occur in the quote', "make 'figure' the number exactly as written in the quote"),
    ("figure-other-number", [('    figure: "3"', '    figure: "4"', "yaml"), ("    value: 3\n", "    value: 4\n", "yaml")],
     "figure-not-in-quote", 36, 'figure "4" does not occur in the quote', None),
    ("unreadable-figure", [("12 milyon 500 bin TL", "12 bin bin TL", "txt"),
                           ("12 milyon 500 bin TL", "12 bin bin TL", "yaml"),
                           ("12 milyon 500 bin TL", "12 bin bin TL", "yaml")],
     "unreadable-number", 25,
     "figure \"12 bin bin TL\" is not a number: cannot read '12 bin bin TL' as a number: 'bin' cannot "
     "follow 'bin'; scale words must strictly decrease (trilyon, milyar, milyon, bin), e.g. '5 bin 939', "
     "'41 milyon 22 bin' or '2 milyon 500 bin'",
     "write the figure as in the text, e.g. 92.783, 5 bin 939, 1,1 milyon TL"),
    ("unreadable-trailing-word", [('    figure: "1.250"', '    figure: "1.250 engelli"', "yaml")],
     "unreadable-number", 14, None, None),
    ("huge-number", [("İlde 3 Sosyal", "İlde 1000000000000000000000000000000 Sosyal", "txt"),
                     ("İlde 3 Sosyal", "İlde 1000000000000000000000000000000 Sosyal", "yaml"),
                     ('    figure: "3"', '    figure: "1000000000000000000000000000000"', "yaml"),
                     ("    value: 3\n", f"    value: {10**30}\n", "yaml")],
     "unreadable-number", 36,
     "figure \"1000000000000000000000000000000\" is not a number: cannot read "
     "'1000000000000000000000000000000' as a number: '1000000000000000000000000000000' is too large: "
     "at most 18 integer digits are supported; e.g. '999.999.999.999.999.999'", None),
    # values
    ("value-off-by-one", [("    value: 1250", "    value: 1251", "yaml")], "value-mismatch", 16,
     'value 1251 but the quote states "1.250" = 1250', "set 'value' to 1250, or correct the figure"),
    ("value-unscaled", [("    value: 12500000", "    value: 12.5", "yaml")], "value-mismatch", 27,
     'value 12.5 but the quote states "12 milyon 500 bin TL" = 12500000',
     "set 'value' to 12500000, or correct the figure"),
    ("value-decimal-misread", [("    value: 1250", "    value: 1.25", "yaml")], "value-mismatch", 16,
     'value 1.25 but the quote states "1.250" = 1250', None),
    ("value-rounded", [("    value: 1500000000", "    value: 1000000000", "yaml")], "value-mismatch", 83,
     'value 1000000000 but the quote states "1,5 milyar TL" = 1500000000', None),
    ("also-quoted-disagrees", [("    period_kind: cumulative\n",
                                "    period_kind: cumulative\n    also_quoted:\n"
                                '      - {quote: "toplamda 21.986 kişiye", figure: "21.986"}\n', "yaml")],
     "value-mismatch", 57, 'value 20864 but the quote states "21.986" = 21986', None),
    ("also-quoted-not-in-source", [("    period_kind: cumulative\n",
                                    "    period_kind: cumulative\n    also_quoted:\n"
                                    '      - {quote: "toplam 20.864 kisi", figure: "20.864"}\n', "yaml")],
     "quote-not-in-source", 57, None, None),
    # the approximate flag
    ("approximate-missing", [("    approximate: true\n", "", "yaml")], "approximate-flag", 83,
     "figure \"1,5 milyar TL\" is rounded but 'approximate' is false", "set 'approximate: true'"),
    ("approximate-false", [("    approximate: true\n", "    approximate: false\n", "yaml")], "approximate-flag", 84,
     "figure \"1,5 milyar TL\" is rounded but 'approximate' is false", "set 'approximate: true'"),
    ("approximate-on-exact", [("    value: 3\n", "    value: 3\n    approximate: true\n", "yaml")],
     "approximate-flag", 39, "figure \"3\" is exact but 'approximate' is true", "set 'approximate: false'"),
    ("hedge-yaklasik", [("toplam 20.864 kişi", "yaklaşık 20.864 kişi", "txt"),
                        (HEDGE_YAML, HEDGE_YAML.replace("toplam", "yaklaşık"), "yaml")],
     "approximate-flag", 49, "figure \"20.864\" is hedged but 'approximate' is false", "set 'approximate: true'"),
    ("hedge-Yaklasik", [("toplam 20.864 kişi", "Yaklaşık 20.864 kişi", "txt"),
                        (HEDGE_YAML, HEDGE_YAML.replace("toplam", "Yaklaşık"), "yaml")],
     "approximate-flag", 49, "figure \"20.864\" is hedged but 'approximate' is false", None),
    ("hedge-in-figure", [("toplam 20.864 kişi", "yaklaşık 20.864 kişi", "txt"),
                         (HEDGE_YAML, HEDGE_YAML.replace("toplam", "yaklaşık").replace('"20.864"', '"yaklaşık 20.864"'),
                          "yaml")],
     "approximate-flag", 49, "figure \"yaklaşık 20.864\" is hedged but 'approximate' is false", None),
    # duplicates and totals
    ("total-mismatch", [("    total_of: [aep-trainees, eoe-trainees]", "    total_of: [aep-trainees]", "yaml")],
     "total-mismatch", 78, "'education-total' is 21986 but its parts aep-trainees add up to 20864",
     "correct the total or its parts"),
    ("total-part-twice", [("    total_of: [aep-trainees, eoe-trainees]",
                           "    total_of: [aep-trainees, eoe-trainees, eoe-trainees]", "yaml")],
     "total-mismatch", 78,
     "'education-total' is 21986 but its parts aep-trainees, eoe-trainees, eoe-trainees add up to 23108", None),
    ("total-unknown-part", [("    total_of: [aep-trainees, eoe-trainees]", "    total_of: [aep-trainees, eoe-trainee]",
                             "yaml")],
     "unknown-reference", 78, "total_of names 'eoe-trainee', which is not a fact in this file",
     "name an existing fact id"),
    # units
    ("money-in-persons", [("    unit: TRY", "    unit: person", "yaml")], "unit-mismatch", 28,
     "figure \"12 milyon 500 bin TL\" is an amount of money but unit is 'person'", "use unit 'TRY'"),
    ("fractional-count", [("İlde 3 Sosyal", "İlde 3,5 Sosyal", "txt"), ("İlde 3 Sosyal", "İlde 3,5 Sosyal", "yaml"),
                          ('    figure: "3"', '    figure: "3,5"', "yaml"), ("    value: 3\n", "    value: 3.5\n", "yaml")],
     "unit-mismatch", 38, "a count in 'facility' must be a whole number, not 3.5", "correct the value or the unit"),
    # periods against their kinds
    ("total-from-mid-month", [(PAYMENTS_PERIOD, PAYMENTS_PERIOD.replace('"2025"', '"2025-01-15--2025-06"'), "yaml")],
     "period-kind-mismatch", 32,
     "period '2025-01-15--2025-06' does not fit kind 'total': it must run over whole months "
     "(from the first day of a month to the last day of a month)",
     'write months or years: "2025-03" (a month), "2025-01--2025-03" (a quarter), "2025-01--2025-06" '
     '(a half-year), "2025" (a year), "2025-01--2025-09" (year to date)'),
    ("total-at-a-day", [(PAYMENTS_PERIOD, PAYMENTS_PERIOD.replace('"2025"', '"2025-12-31"'), "yaml")],
     "period-kind-mismatch", 32,
     "period '2025-12-31' does not fit kind 'total': it must run over whole months "
     "(from the first day of a month to the last day of a month)", None),
    ("total-open-start", [(PAYMENTS_PERIOD, PAYMENTS_PERIOD.replace('"2025"', '"..--2025"'), "yaml")],
     "period-kind-mismatch", 32,
     "period '..--2025' does not fit kind 'total': a total is over a known span, not from an unknown start ('..')",
     'write the first month or year it covers, e.g. "2025-01--2025-06"'),
    ("monthly-average-to-mid-month", [('    period: "2025"', '    period: "2025-01--2025-06-15"', "yaml")],
     "period-kind-mismatch", 21,
     "period '2025-01--2025-06-15' does not fit kind 'monthly-average': it must run over whole months "
     "(from the first day of a month to the last day of a month)", None),
    ("monthly-average-open-start", [('    period: "2025"', '    period: "..--2025-06"', "yaml")],
     "period-kind-mismatch", 21,
     "period '..--2025-06' does not fit kind 'monthly-average': an average per month is over a known span, "
     "not from an unknown start ('..')", None),
    ("stock-year", [(SHM_PERIOD, '    period: "2025"', "yaml")], "period-kind-mismatch", 43,
     "period '2025' does not fit kind 'stock': a stock is counted at a date (a day or a month)",
     'write the date it stands at, normally the source\'s as_of "2025-12-31"'),
    ("stock-interval", [(SHM_PERIOD, '    period: "2013--2025-12-31"', "yaml")], "period-kind-mismatch", 43,
     "period '2013--2025-12-31' does not fit kind 'stock': a stock is counted at a date (a day or a month)", None),
    ("stock-quarter", [(SHM_PERIOD, '    period: "2025-10--2025-12"', "yaml")], "period-kind-mismatch", 43,
     "period '2025-10--2025-12' does not fit kind 'stock': a stock is counted at a date (a day or a month)", None),
    ("cumulative-not-interval", [(AEP_PERIOD, '    period: "2025"', "yaml")], "period-kind-mismatch", 54,
     "period '2025' does not fit kind 'cumulative': a cumulative total runs from a start to an end",
     'write START--END, e.g. "2013--2025-12-31"'),
    ("cumulative-ends-early", [(AEP_PERIOD, '    period: "2013--2020"', "yaml")], "period-kind-mismatch", 54,
     "period '2013--2020' does not fit kind 'cumulative': it must end at the source's date (2025-12-31), not 2020",
     'end the period at "2025-12-31"'),
    ("cumulative-ends-mid-year", [(AEP_PERIOD, '    period: "2013--2025-06"', "yaml")], "period-kind-mismatch", 54,
     "period '2013--2025-06' does not fit kind 'cumulative': it must end at the source's date (2025-12-31), "
     "not 2025-06", None),
    ("after-publication", [(PAYMENTS_PERIOD, PAYMENTS_PERIOD.replace('"2025"', '"2027"'), "yaml")],
     "period-kind-mismatch", 32,
     "period '2027' does not fit kind 'total': it lies after the source was published (2026-01-28)",
     "a source cannot report a period it has not reached; correct the period"),
    ("stock-after-publication", [(SHM_PERIOD, '    period: "2026-02"', "yaml")], "period-kind-mismatch", 43,
     "period '2026-02' does not fit kind 'stock': it lies after the source was published (2026-01-28)", None),
    # rules
    ("rule-quote", [("2/3'ünün altında olması", "2/3'ünün altında olmasi", "yaml")], "quote-not-in-source", 93,
     None, None),
    ("parameter-figure", [('{figure: "2/3", value: "2/3"', '{figure: "3/4", value: "3/4"', "yaml")],
     "figure-not-in-quote", 98, 'figure "3/4" does not occur in the quote', None),
]

CASES = [pytest.param(*c[1:], id=c[0]) for c in C]


@pytest.mark.parametrize(("edits", "code", "line", "message", "hint"), CASES)
def test_bad_input(data, edits, code, line, message, hint):
    for old, new, kind in edits:
        mutate(data, old, new, "tiny-haber.txt" if kind == "txt" else "tiny-haber.yaml")
    report = checked(data)
    assert where(report) == [(code, SRC, line)], report.lines()
    p = report.problems[0]
    assert p.title == TYPES[code].title
    if message is not None:
        assert p.message == message
    if hint is not None:
        assert p.hint == hint
    assert not report.ok
    assert report.lines() == [f"{SRC}:{line}: [{code}] {p.message} ({p.hint})"]


@pytest.mark.parametrize(("old", "period"), [
    (PAYMENTS_PERIOD, "2025-03"),                 # a total over a month
    (PAYMENTS_PERIOD, "2025-01--2025-03"),        # a quarter
    (PAYMENTS_PERIOD, "2025-01--2025-06"),        # a half-year
    (PAYMENTS_PERIOD, "2025-01--2025-09"),        # the year to date
    (PAYMENTS_PERIOD, "2013--2024"),              # several years
    (PAYMENTS_PERIOD, "2024-11--2025-02"),        # months across a new year
    (PAYMENTS_PERIOD, "2025-01-01--2025-03-31"),  # a quarter written in days
    (PAYMENTS_PERIOD, "2026-01"),                 # a month still in progress when published
    ('    period: "2025"', "2025-01--2025-06"),   # a monthly average over a half-year
    ('    period: "2025"', "2024-02"),            # … over one month
    (SHM_PERIOD, "2025-06"),                      # a stock at a month
    (SHM_PERIOD, "2025-06-30"),                   # … at a day
    (AEP_PERIOD, "..--2025-12-31"),               # a cumulative total from an unknown start
])
def test_periods_of_every_length_fit_their_kinds(data, old, period):
    mutate(data, old, old.replace(old.split('"')[1], period, 1))
    assert checked(data).problems == []


def test_corpus_is_large_and_covers_codes():
    assert len(C) >= 35
    assert {c[2] for c in C} == {
        "quote-not-in-source", "figure-not-in-quote", "unreadable-number", "value-mismatch",
        "approximate-flag", "total-mismatch", "unknown-reference", "unit-mismatch", "period-kind-mismatch"}


def test_long_quote_is_shortened_in_the_message(data):
    long = "x" * 200
    mutate(data, f'    quote: "{Q0}"', f'    quote: "{long} 1.250"')
    report = checked(data)
    assert where(report) == [("quote-not-in-source", SRC, 14)]
    assert report.problems[0].message == f'quote does not occur in {TXT}: "{"x" * 120}…"'


def test_quote_and_figure_both_wrong(data):
    mutate(data, f'    quote: "{Q0}"', '    quote: "her ay ortalama 1.205 engelli"')
    report = checked(data)
    assert where(report) == [("quote-not-in-source", SRC, 14), ("figure-not-in-quote", SRC, 14)]


# --- duplicate observations --------------------------------------------------------------

COPY = """
  - id: home-care-monthly-again
    quote: "2025 yılında her ay ortalama 1.250 engelli birey evde bakım yardımı aldı."
    figure: "1.250"
    value: 1250
    unit: person
    programme: home-care-allowance
    target_group: disabled
    indicator: beneficiaries
    period: "2025"
    period_kind: monthly-average
{extra}
rules:"""


def add_copy(data: Path, extra: str = "") -> None:
    mutate(data, "\nrules:", COPY.format(extra=extra))


def test_duplicate_observation(data):
    add_copy(data)
    report = checked(data)
    assert where(report) == [("duplicate-observation", SRC, 92)]
    p = report.problems[0]
    assert p.message == f"fact 'home-care-monthly-again' has the same dimensions as 'home-care-monthly' ({SRC}:13)"
    assert "also_quoted" in p.hint


def test_duplicate_observation_with_explicit_default_province(data):
    add_copy(data, '    province: "25"\n')
    report = checked(data)
    assert where(report) == [("duplicate-observation", SRC, 92)]


@pytest.mark.parametrize(("extra", "old", "new"), [
    ('    province: "24"\n', None, None),
    ("", "    target_group: disabled\n    indicator: beneficiaries\n    period: \"2025\"\n    period_kind: monthly-average\n\n",
     "    target_group: total\n    indicator: beneficiaries\n    period: \"2025\"\n    period_kind: monthly-average\n\n"),
], ids=["other-province", "other-target-group"])
def test_a_different_dimension_is_not_a_duplicate(data, extra, old, new):
    add_copy(data, extra)
    if old is not None:
        f = data / "sources" / "tiny-haber.yaml"
        text = f.read_text(encoding="utf-8")
        i = text.index("home-care-monthly-again")
        f.write_text(text[:i] + text[i:].replace(old, new, 1), encoding="utf-8")
    assert checked(data).problems == []


def test_duplicate_observation_across_sources(data):
    src = data / "sources"
    (src / "tiny-haber-2.txt").write_bytes((src / "tiny-haber.txt").read_bytes())
    (src / "tiny-haber-2.yaml").write_text(
        (src / "tiny-haber.yaml").read_text(encoding="utf-8").replace("id: tiny-haber", "id: tiny-haber-2", 1),
        encoding="utf-8")
    report = checked(data)
    dup = [p for p in report.problems if p.code == "duplicate-observation"]
    assert len(dup) == 7 and len(report.problems) == 7
    # files load in sorted order, and "tiny-haber-2.yaml" sorts before "tiny-haber.yaml"
    assert {p.path for p in dup} == {SRC}
    assert dup[0].line == 13
    assert dup[0].message == ("fact 'home-care-monthly' has the same dimensions as 'home-care-monthly' "
                              "(data/sources/tiny-haber-2.yaml:13)")


# --- good variants: edits that must stay clean ---------------------------------------------

@pytest.mark.parametrize(("edits",), [
    pytest.param([(AEP_PERIOD, '    period: "..--2025"', "yaml")], id="cumulative-open-start"),
    pytest.param([(AEP_PERIOD, '    period: "2013--2025-12-31"', "yaml")], id="cumulative-to-as_of-day"),
    pytest.param([(AEP_PERIOD, '    period: "2013--2025-12"', "yaml")], id="cumulative-to-as_of-month"),
    pytest.param([(SHM_PERIOD, '    period: "2025-12"', "yaml")], id="stock-month"),
    pytest.param([(PAYMENTS_PERIOD, PAYMENTS_PERIOD.replace('"2025"', '"2026"'), "yaml")], id="year-in-progress"),
    pytest.param([("toplam 20.864 kişi", "yaklaşık 20.864 kişi", "txt"),
                  (HEDGE_YAML, HEDGE_YAML.replace("toplam", "yaklaşık") + "\n    approximate: true", "yaml")],
                 id="hedged-and-flagged"),
    pytest.param([("    period_kind: cumulative\n",
                   "    period_kind: cumulative\n    also_quoted:\n"
                   '      - {quote: "toplam 20.864 kişi", figure: "20.864"}\n', "yaml")], id="also-quoted-agrees"),
    pytest.param([("    value: 1250", '    value: "1.250"', "yaml")], id="value-as-turkish-text"),
    pytest.param([("    value: 12500000", "    value: 12500000.0", "yaml")], id="value-as-decimal"),
    pytest.param([("    unit: person\n", '    unit: person\n    note: "a note\\nover two lines"\n', "yaml")],
                 id="multiline-note"),
])
def test_good_variants(data, edits):
    for old, new, kind in edits:
        mutate(data, old, new, "tiny-haber.txt" if kind == "txt" else "tiny-haber.yaml")
    assert checked(data).problems == []


# --- many problems in one run -------------------------------------------------------------

def test_many_problems_in_one_run(data):
    mutate(data, "    value: 1250", "    value: 1251")                                  # 16
    mutate(data, "    unit: TRY", "    unit: person")                                    # 28
    mutate(data, SHM_PERIOD, '    period: "2025"')                                       # 43
    mutate(data, "    total_of: [aep-trainees, eoe-trainees]", "    total_of: [aep-trainees]")  # 78
    mutate(data, "    approximate: true\n", "")                                          # 83
    report = checked(data)
    assert where(report) == [("value-mismatch", SRC, 16), ("unit-mismatch", SRC, 28),
                             ("period-kind-mismatch", SRC, 43), ("approximate-flag", SRC, 83),
                             ("total-mismatch", SRC, 78)]
    assert [line.split(": [")[0] for line in report.lines()] == [
        f"{SRC}:16", f"{SRC}:28", f"{SRC}:43", f"{SRC}:78", f"{SRC}:83"]


def test_check_limit(data):
    mutate(data, "    value: 1250", "    value: 1251")
    mutate(data, "    unit: TRY", "    unit: person")
    mutate(data, SHM_PERIOD, '    period: "2025"')
    model, _ = load(data)
    report = check(model, Report(limit=2))
    assert (len(report.problems), report.total, report.truncated) == (2, 3, True)
    assert report.lines()[-1] == "... and 1 more problems (limit 2)"


# --- bugs ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("txt_new",), [("tahmini 20.864 kişi",), ("Tahmini 20.864 kişi",), ("20.864 civarında kişi",)],
                         ids=["tahmini", "Tahmini", "civarinda"])
def test_other_hedges_in_the_quote(data, txt_new):
    mutate(data, "toplam 20.864 kişi", txt_new, "tiny-haber.txt")
    mutate(data, HEDGE_YAML, HEDGE_YAML.replace("toplam 20.864 kişi", txt_new))
    report = checked(data)
    assert where(report) == [("approximate-flag", SRC, 49)]
    assert report.problems[0].message == "figure \"20.864\" is hedged but 'approximate' is false"


def test_parameter_value_mismatch(data):
    mutate(data, '{figure: "2/3", value: "2/3"', '{figure: "2/3", value: "3/4"')
    report = checked(data)
    assert where(report) == [("value-mismatch", SRC, 98)]


def test_parameter_value_mismatch_names_the_exact_ratio(data):
    mutate(data, '{figure: "2/3", value: "2/3"', '{figure: "2/3", value: "3/4"')
    report = checked(data)
    p = report.problems[0]
    assert p.message == 'value 0.75 but the quote states "2/3" = 2/3'
    assert p.hint == "set 'value' to 2/3, or correct the figure"


def test_following_the_ratio_hint_does_not_loop(data):
    mutate(data, '{figure: "2/3", value: "2/3"', '{figure: "2/3", value: 0.666667')
    report = checked(data)
    for p in report.problems:
        assert p.message != 'value 0.666667 but the quote states "2/3" = 0.666667'
