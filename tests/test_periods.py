"""Tests for reference periods in ISO 8601 notation (`asdh_lod.periods`)."""

from __future__ import annotations

from datetime import date

import pytest

from asdh_lod.model.periods import Period, PeriodError, Unit, month_end, parse_period, parse_unit
from asdh_lod.rdf.uris import Uris

D = date


# --- calendar units ----------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "begin", "end", "granularity"),
    [
        ("2025", D(2025, 1, 1), D(2025, 12, 31), "year"),
        ("1900", D(1900, 1, 1), D(1900, 12, 31), "year"),
        ("2100", D(2100, 1, 1), D(2100, 12, 31), "year"),
        ("2024-05", D(2024, 5, 1), D(2024, 5, 31), "month"),
        ("2024-04", D(2024, 4, 1), D(2024, 4, 30), "month"),
        ("2024-02", D(2024, 2, 1), D(2024, 2, 29), "month"),  # leap year
        ("2025-02", D(2025, 2, 1), D(2025, 2, 28), "month"),
        ("2000-02", D(2000, 2, 1), D(2000, 2, 29), "month"),  # divisible by 400: leap
        ("1900-02", D(1900, 2, 1), D(1900, 2, 28), "month"),  # divisible by 100: not leap
        ("2025-12", D(2025, 12, 1), D(2025, 12, 31), "month"),
        ("2026-01-28", D(2026, 1, 28), D(2026, 1, 28), "day"),
        ("2024-02-29", D(2024, 2, 29), D(2024, 2, 29), "day"),
    ],
)
def test_parse_unit(text, begin, end, granularity):
    u = parse_unit(text)
    assert u == Unit(text, begin, end, granularity)
    assert (u.notation, u.begin, u.end, u.granularity) == (text, begin, end, granularity)
    assert u.contains(begin) and u.contains(end)
    assert not u.contains(D.fromordinal(begin.toordinal() - 1))
    assert not u.contains(D.fromordinal(end.toordinal() + 1))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", "'abc' is not YYYY, YYYY-MM or YYYY-MM-DD"),
        ("", "'' is not YYYY, YYYY-MM or YYYY-MM-DD"),
        ("25", "'25' is not YYYY, YYYY-MM or YYYY-MM-DD"),
        ("20251", "'20251' is not YYYY, YYYY-MM or YYYY-MM-DD"),
        ("2024-5", "'2024-5' is not YYYY, YYYY-MM or YYYY-MM-DD"),
        ("2024-05-1", "'2024-05-1' is not YYYY, YYYY-MM or YYYY-MM-DD"),
        ("2024/05", "'2024/05' is not YYYY, YYYY-MM or YYYY-MM-DD"),
        ("2024-05-01T00:00", "'2024-05-01T00:00' is not YYYY, YYYY-MM or YYYY-MM-DD"),
        (" 2024", "' 2024' is not YYYY, YYYY-MM or YYYY-MM-DD"),
        ("..", "'..' is not YYYY, YYYY-MM or YYYY-MM-DD"),
        ("1800", "year 1800 is out of range 1900-2100"),
        ("1899-12-31", "year 1899 is out of range 1900-2100"),
        ("2101", "year 2101 is out of range 1900-2100"),
        ("2024-13", "'2024-13' is not a calendar date"),
        ("2024-00", "'2024-00' is not a calendar date"),
        ("2025-02-29", "'2025-02-29' is not a calendar date"),
        ("2025-02-30", "'2025-02-30' is not a calendar date"),
        ("2024-04-31", "'2024-04-31' is not a calendar date"),
        ("2024-05-00", "'2024-05-00' is not a calendar date"),
        ("2024-13-01", "'2024-13-01' is not a calendar date"),
    ],
)
def test_parse_unit_errors(text, message):
    with pytest.raises(PeriodError) as info:
        parse_unit(text)
    assert str(info.value) == message
    assert isinstance(info.value, ValueError)


# --- periods -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "begin", "end", "granularity", "calendar_year"),
    [
        ("2025", D(2025, 1, 1), D(2025, 12, 31), "year", 2025),
        ("2024-05", D(2024, 5, 1), D(2024, 5, 31), "month", None),
        ("2024-02", D(2024, 2, 1), D(2024, 2, 29), "month", None),
        ("2026-01-28", D(2026, 1, 28), D(2026, 1, 28), "day", None),
    ],
)
def test_single_unit_periods(text, begin, end, granularity, calendar_year):
    p = parse_period(text)
    assert isinstance(p, Period)
    assert p.notation == text
    assert p.is_interval is False
    assert p.start == p.stop == parse_unit(text)
    assert (p.begin, p.end) == (begin, end)
    assert p.granularity == granularity
    assert p.calendar_year == calendar_year


@pytest.mark.parametrize(
    ("text", "start", "stop", "begin", "end"),
    [
        ("2013--2024-05", "2013", "2024-05", D(2013, 1, 1), D(2024, 5, 31)),
        ("2013--2025", "2013", "2025", D(2013, 1, 1), D(2025, 12, 31)),
        ("2003--2025", "2003", "2025", D(2003, 1, 1), D(2025, 12, 31)),
        ("2026-01--2026-02", "2026-01", "2026-02", D(2026, 1, 1), D(2026, 2, 28)),
        ("2024-01-15--2024-02", "2024-01-15", "2024-02", D(2024, 1, 15), D(2024, 2, 29)),
        ("2024-12-31--2025-01-01", "2024-12-31", "2025-01-01", D(2024, 12, 31), D(2025, 1, 1)),
        ("2024-05--2024-05-31", "2024-05", "2024-05-31", D(2024, 5, 1), D(2024, 5, 31)),
        ("1900--2100", "1900", "2100", D(1900, 1, 1), D(2100, 12, 31)),
    ],
)
def test_intervals(text, start, stop, begin, end):
    p = parse_period(text)
    assert p.notation == text
    assert p.is_interval is True
    assert p.start == parse_unit(start)
    assert p.stop == parse_unit(stop)
    assert (p.begin, p.end) == (begin, end)
    assert p.granularity == "interval"
    assert p.calendar_year is None


@pytest.mark.parametrize(
    ("text", "stop", "end"),
    [
        ("..--2024-05", "2024-05", D(2024, 5, 31)),
        ("..--2025", "2025", D(2025, 12, 31)),
        ("..--2025-12-31", "2025-12-31", D(2025, 12, 31)),
    ],
)
def test_open_start(text, stop, end):
    p = parse_period(text)
    assert p.start is None
    assert p.begin is None
    assert p.stop == parse_unit(stop)
    assert p.end == end
    assert p.is_interval is True
    assert p.granularity == "interval"
    assert p.calendar_year is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "a period must be a non-empty string"),
        (None, "a period must be a non-empty string"),
        (2025, "a period must be a non-empty string"),
        (D(2025, 1, 1), "a period must be a non-empty string"),
        ("abc", "'abc' is not YYYY, YYYY-MM or YYYY-MM-DD"),
        ("1800", "year 1800 is out of range 1900-2100"),
        ("2025-02-30", "'2025-02-30' is not a calendar date"),
        ("2024-13", "'2024-13' is not a calendar date"),
        ("2025--2013", "it begins (2025-01-01) after it ends (2013-12-31)"),
        ("2024-06--2024-05", "it begins (2024-06-01) after it ends (2024-05-31)"),
        ("2024-05-02--2024-05-01", "it begins (2024-05-02) after it ends (2024-05-01)"),
        ("2025--2025", "an interval from a unit to itself is just '2025'"),
        ("2024-05--2024-05", "an interval from a unit to itself is just '2024-05'"),
        ("2026-01-28--2026-01-28", "an interval from a unit to itself is just '2026-01-28'"),
        ("2013--2020--2025", "an interval has exactly one '--'"),
        ("2013----2025", "an interval has exactly one '--'"),
        ("2013--", "'' is not YYYY, YYYY-MM or YYYY-MM-DD"),
        ("--2025", "'' is not YYYY, YYYY-MM or YYYY-MM-DD"),
        ("..--..", "'..' is not YYYY, YYYY-MM or YYYY-MM-DD"),
        ("2013--..", "'..' is not YYYY, YYYY-MM or YYYY-MM-DD"),
        ("...--2025", "'...' is not YYYY, YYYY-MM or YYYY-MM-DD"),
        ("2013/2025", "'2013/2025' is not YYYY, YYYY-MM or YYYY-MM-DD"),
        ("2013-2025", "'2013-2025' is not YYYY, YYYY-MM or YYYY-MM-DD"),
        ("1800--2025", "year 1800 is out of range 1900-2100"),
        ("2013--2025-02-30", "'2025-02-30' is not a calendar date"),
        ("2013 -- 2025", "' 2025' is not YYYY, YYYY-MM or YYYY-MM-DD"),
    ],
)
def test_parse_period_errors(text, message):
    with pytest.raises(PeriodError) as info:
        parse_period(text)
    assert str(info.value) == message


def test_periods_are_values():
    assert parse_period("2013--2025") == parse_period("2013--2025")
    assert hash(parse_period("2025")) == hash(parse_period("2025"))
    assert parse_unit("2024") < parse_unit("2025")  # units order by notation first


# --- bugs --------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["2025\n", "2024-05\n", "2013--2025\n", "٢٠٢٥", "２０２５", "2024-０５"])
def test_notation_is_strict_ascii(text):
    try:
        p = parse_period(text)
    except PeriodError:
        return
    raise AssertionError(f"{text!r} was accepted as {p.notation!r}")


# --- periods of every length (issue 13): what the period kinds ask of them ---------------------

@pytest.mark.parametrize(
    ("text", "what", "begin", "end", "months", "instant"),
    [
        ("2025-03", "a month", D(2025, 3, 1), D(2025, 3, 31), 1, True),
        ("2025-01--2025-03", "a quarter", D(2025, 1, 1), D(2025, 3, 31), 3, False),
        ("2025-04--2025-06", "the second quarter", D(2025, 4, 1), D(2025, 6, 30), 3, False),
        ("2025-01--2025-06", "a half-year", D(2025, 1, 1), D(2025, 6, 30), 6, False),
        ("2025-07--2025-12", "the second half-year", D(2025, 7, 1), D(2025, 12, 31), 6, False),
        ("2025", "a year", D(2025, 1, 1), D(2025, 12, 31), 12, False),
        ("2025-01--2025-09", "a year to date", D(2025, 1, 1), D(2025, 9, 30), 9, False),
        ("2013--2024", "several years", D(2013, 1, 1), D(2024, 12, 31), 144, False),
        ("2024-11--2025-02", "months across a new year", D(2024, 11, 1), D(2025, 2, 28), 4, False),
        ("2024-02", "February of a leap year", D(2024, 2, 1), D(2024, 2, 29), 1, True),
        ("2025-01-01--2025-03-31", "a quarter written in days", D(2025, 1, 1), D(2025, 3, 31), 3, False),
        ("2025-12-31", "a day", D(2025, 12, 31), D(2025, 12, 31), None, True),
        ("2025-01-15--2025-06", "from the middle of a month", D(2025, 1, 15), D(2025, 6, 30), None, False),
        ("2025-01--2025-06-15", "to the middle of a month", D(2025, 1, 1), D(2025, 6, 15), None, False),
        ("2024-01--2024-02-28", "to the day before a leap day", D(2024, 1, 1), D(2024, 2, 28), None, False),
        ("..--2025-06", "from an unknown start", None, D(2025, 6, 30), None, False),
    ],
)
def test_whole_months_and_instants(text, what, begin, end, months, instant):
    p = parse_period(text)
    assert (p.begin, p.end) == (begin, end), what
    assert p.whole_months is (months is not None), what
    assert p.months == months, what
    assert p.is_instant is instant, what


@pytest.mark.parametrize(("d", "last"), [(D(2025, 1, 15), D(2025, 1, 31)), (D(2024, 2, 1), D(2024, 2, 29)),
                                         (D(2025, 2, 28), D(2025, 2, 28)), (D(1900, 2, 3), D(1900, 2, 28)),
                                         (D(2000, 2, 3), D(2000, 2, 29)), (D(2025, 4, 30), D(2025, 4, 30))])
def test_month_end(d, last):
    assert month_end(d) == last


@pytest.mark.parametrize(
    ("text", "uri"),
    [
        ("2025-03", "https://example.org/lod/id/period/2025-03"),
        ("2025-01--2025-03", "https://example.org/lod/id/period/2025-01--2025-03"),
        ("2025-01--2025-06", "https://example.org/lod/id/period/2025-01--2025-06"),
        ("2025-01--2025-09", "https://example.org/lod/id/period/2025-01--2025-09"),
        ("2013--2024", "https://example.org/lod/id/period/2013--2024"),
        ("..--2024-05", "https://example.org/lod/id/period/..--2024-05"),
    ],
)
def test_period_uris(text, uri):
    u = Uris("https://example.org/lod/", "provincial")
    assert str(u.period(parse_period(text))) == uri
    assert str(u.period(text)) == uri
    # an observation of that period lives in the document of its province and period
    key = ("25", text, "total", "asdep", "total", "payments")
    assert str(u.observation(key)) == f"https://example.org/lod/data/provincial/obs/25/{text}#total/asdep/total/payments"
