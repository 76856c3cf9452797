"""Reference periods in ISO 8601 notation.

A period is a calendar unit (``2025``, ``2024-05``, ``2026-01-28``) or an interval of two
units joined by ``--`` (ISO 8601-2's alternative to ``/``, safe in URIs and file names):
``2013--2024-05`` runs from 2013-01-01 to 2024-05-31. An unknown start is written ``..``
(``..--2024-05``). Every period has an end date; only open intervals lack a begin date.

Any calendar interval is a period: a month ``2025-03``, a quarter ``2025-01--2025-03``, a
half-year ``2025-01--2025-06``, a year ``2025``, a year to date ``2025-01--2025-09``, several
years ``2013--2024``; so is an instant, a day ``2025-12-31``. What a figure says about its
period (a total over it, an average per month, a stock at it, a running total up to its end)
is its period kind, not the period's.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

_UNIT = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")  # ASCII digits only


class PeriodError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Unit:
    """A calendar unit: a year, a month or a day."""

    notation: str
    begin: date
    end: date
    granularity: str  # "year" | "month" | "day"

    def contains(self, d: date) -> bool:
        return self.begin <= d <= self.end


def month_end(d: date) -> date:
    """The last day of the month of `d`."""
    return date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


def parse_unit(text: str) -> Unit:
    m = _UNIT.fullmatch(text)
    if not m:
        raise PeriodError(f"'{text}' is not YYYY, YYYY-MM or YYYY-MM-DD")
    y, mo, d = m.group(1), m.group(2), m.group(3)
    year = int(y)
    if year < 1900 or year > 2100:
        raise PeriodError(f"year {year} is out of range 1900-2100")
    try:
        if mo is None:
            return Unit(text, date(year, 1, 1), date(year, 12, 31), "year")
        month = int(mo)
        if d is None:
            last = calendar.monthrange(year, month)[1] if 1 <= month <= 12 else 0
            return Unit(text, date(year, month, 1), date(year, month, last), "month")
        day = date(year, month, int(d))
        return Unit(text, day, day, "day")
    except ValueError:
        raise PeriodError(f"'{text}' is not a calendar date") from None


@dataclass(frozen=True)
class Period:
    """A reference period: one calendar unit, or an interval from `start` to `stop`."""

    notation: str
    start: Unit | None  # None for an open start ("..")
    stop: Unit
    is_interval: bool

    @property
    def begin(self) -> date | None:
        return self.start.begin if self.start else None

    @property
    def end(self) -> date:
        return self.stop.end

    @property
    def granularity(self) -> str:
        """`year`, `month` or `day` for a single unit; `interval` otherwise."""
        return "interval" if self.is_interval else self.stop.granularity

    @property
    def calendar_year(self) -> int | None:
        return self.stop.begin.year if self.granularity == "year" else None

    @property
    def whole_months(self) -> bool:
        """It begins on the first day of a month and ends on the last day of a month (a month,
        a quarter, a half-year, a year, several years …); an open start does not."""
        begin = self.begin
        return begin is not None and begin.day == 1 and self.end == month_end(self.end)

    @property
    def months(self) -> int | None:
        """How many calendar months it spans, if it spans whole months (else None)."""
        if not self.whole_months:
            return None
        begin, end = self.begin, self.end
        return (end.year - begin.year) * 12 + end.month - begin.month + 1

    @property
    def is_instant(self) -> bool:
        """A single day or a single month: a date a stock can stand at."""
        return not self.is_interval and self.stop.granularity in ("day", "month")


def parse_period(text: str) -> Period:
    """Parse period notation; raise `PeriodError` saying what is wrong."""
    if not isinstance(text, str) or not text:
        raise PeriodError("a period must be a non-empty string")
    if "--" not in text:
        return Period(text, parse_unit(text), parse_unit(text), False)
    left, sep, right = text.partition("--")
    if "--" in right:
        raise PeriodError("an interval has exactly one '--'")
    stop = parse_unit(right)
    start = None if left == ".." else parse_unit(left)
    if start is not None and start.begin > stop.end:
        raise PeriodError(f"it begins ({start.begin}) after it ends ({stop.end})")
    if start is not None and start == stop:
        raise PeriodError(f"an interval from a unit to itself is just '{right}'")
    return Period(text, start, stop, True)
