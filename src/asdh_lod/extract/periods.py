"""A figure's period and period kind: the cues of its sentence ("2013 yılından itibaren",
"her ay ortalama", "2025 yılında", "bulunmaktadır"), read left to right, and the defaults
of the document."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..core.text import fold

from .figures import Number
from .qualifiers import VERB, Context
from .records import Guess
from .text import Sentence, folded_rx


_MONTHLY = folded_rx(r"her ay ortalama|aylık ortalama|ayda ortalama")
_SINCE = folded_rx(r"(\d{4})\s+yılından\s+(itibaren|bu yana|bugüne kadar)")
_BETWEEN = folded_rx(r"(\d{4})\s*[-–]\s*(\d{4})\s+yılları\s+arasında")
_ASOF = folded_rx(r"(\d{4})\s+yılı\s+(?:sonu\s+itibarıyla|itibarıyla|sonunda)")
_DATE_ASOF = folded_rx(r"(?:(\d{4}-\d{2}-\d{2})|(\d{1,2})[./](\d{1,2})[./](\d{4}))\s+(?:tarihi\s+)?itibarıyla")
_INYEAR = folded_rx(r"(\d{4})\s+yıl(ı boyunca|ı içerisinde|ı içinde|ında)\b")
_SAMEYEAR = folded_rx(r"\b(yıl boyunca|aynı yıl içerisinde|aynı yıl içinde|yıl içerisinde|yıl içinde)\b")
ANAPHOR = folded_rx(r"^(bu kapsamda|bu alanda|bu amaçla)|\bise\b")
_STOCK = folded_rx(r"\b(bulunmakta\w*|bulunurken|bulunan|mevcut\w*|sürdürülürken|\w+m[ae]kt[ae](d[ıi]r)?"
              r"|\w+[dt][ae]d[ıiuü]r|\w+[ıiuü]yor\w*)\b")
_PERFECT = folded_rx(r"\b\w+m[ıiuü]ş(t[ıiuü]r)?\b")
_STOCK_INDICATORS = {"capacity", "facilities", "foundations", "registered-persons", "investment-cost"}
_BOOKLET_STOCK_INDICATORS = _STOCK_INDICATORS | {"beneficiaries", "caregiving-families"}


@dataclass
class PeriodState:
    kind: str | None = None      # year-total | monthly-average | cumulative | stock
    start: str | None = None
    end: str | None = None
    year: str | None = None
    cue: str = ""


def _period_cues(ctx: Context, sent: Sentence) -> list[tuple[int, PeriodState]]:
    """Explicit period expressions in a sentence, each with the offset where it ends."""
    low = ctx.low[sent.start:sent.end].replace("*", " ")
    raw = ctx.text[sent.start:sent.end]
    as_of = ctx.meta.as_of
    out: list[tuple[int, PeriodState]] = []
    taken: list[tuple[int, int]] = []

    def add(m: re.Match, state: PeriodState) -> None:
        if any(m.start() < e and s < m.end() for s, e in taken):
            return
        taken.append((m.start(), m.end()))
        state.cue = raw[m.start():m.end()].replace("**", "")
        out.append((sent.start + m.end(), state))

    for m in _BETWEEN.finditer(low):
        add(m, PeriodState("cumulative", m.group(1), m.group(2), m.group(2)))
    for m in _SINCE.finditer(low):
        add(m, PeriodState("cumulative", m.group(1), as_of, None))
    for m in _DATE_ASOF.finditer(low):
        day = m.group(1) or f"{m.group(4)}-{int(m.group(3)):02d}-{int(m.group(2)):02d}"
        add(m, PeriodState("stock", end=day, year=day[:4]))
    for m in _ASOF.finditer(low):
        add(m, PeriodState("stock", year=m.group(1)))
    for m in _INYEAR.finditer(low):
        add(m, PeriodState("year-total", year=m.group(1)))
    for m in _SAMEYEAR.finditer(low):
        add(m, PeriodState("year-total"))
    for m in _MONTHLY.finditer(low):
        add(m, PeriodState("monthly-average"))
    return sorted(out, key=lambda x: x[0])


def _stock_period(ctx: Context, year: str | None) -> str:
    as_of = ctx.meta.as_of
    if year is None or as_of.startswith(year):
        return as_of
    return f"{year}-12-31"


def _finish_period(ctx: Context, st: PeriodState, year: str | None) -> tuple[str, str]:
    reporting = ctx.meta.reporting_period
    if st.kind == "cumulative":
        return st.kind, f"{st.start or '..'}--{st.end or ctx.meta.as_of}"
    if st.kind == "stock":
        return st.kind, st.end or _stock_period(ctx, st.year or year)
    y = st.year or year or reporting or ctx.meta.as_of[:4]
    return st.kind, y


class PeriodReader:
    """A sentence's period, read left to right, figure by figure.

    Strongest first: an explicit period before the figure in the sentence ("2013 yılından
    itibaren", "her ay ortalama", "2025 yılında"; or the previous sentence's, after "bu
    kapsamda" / "ise"); the figure before 'olup' for the clause after it; the verb after the
    figure ("bulunmaktadır" → stock); the indicator (capacities are stocks); the document
    (a report's year, or a booklet's total so far)."""

    def __init__(self, ctx: Context, sent: Sentence, inherited: PeriodState | None):
        self.ctx, self.sent = ctx, sent
        self.cues = _period_cues(ctx, sent)
        self.state = inherited or PeriodState()
        self.own = False  # a cue of this sentence has been read
        self.olup = [sent.start + m.start() for m in re.finditer(r"\bolup\b", ctx.low[sent.start:sent.end])]
        self.last: tuple[str, str, str] | None = None  # kind, period, cue of the previous figure

    def guess(self, num: Number, prev_end: int, clause_low: str, unit: str, indicator: str) -> tuple[Guess, Guess]:
        ctx, meta = self.ctx, self.ctx.meta
        state = self.state
        for end, st in self.cues:
            if end <= num.start:
                if st.kind == "monthly-average" or st.kind == "year-total" and st.year is None:
                    st = PeriodState(st.kind, year=st.year or state.year, cue=st.cue)
                state = st
                self.own = True
        self.state = state
        kind = period = None
        cue, strength = "", 0.0
        if state.kind is not None:
            kind, period = _finish_period(ctx, state, state.year)
            cue, strength = f"{state.cue!r} before the figure", 0.85 if self.own else 0.65
            if kind == "monthly-average" and unit == "TRY" and not _MONTHLY.search(clause_low):
                # money is paid in totals: only an amount said to be a monthly average is one
                kind, cue = "year-total", f"an amount of money, not itself averaged ({state.cue!r} is about people)"
        olup_before = any(prev_end <= o < num.start for o in self.olup)
        own_here = any(prev_end <= e <= num.start for e, _ in self.cues)
        if olup_before and self.last is not None and not own_here:
            kind, period, cue = self.last
            cue, strength = f"{cue} (shared across 'olup')", 0.6
        if kind is None:
            verb_end = next((o for o in self.olup if o > num.end), self.sent.end)
            tail = ctx.low[num.end:verb_end].replace("*", " ")
            booklet = meta.reporting_period is None
            stocks = _BOOKLET_STOCK_INDICATORS if booklet and not _PERFECT.search(tail) else _STOCK_INDICATORS
            if (m := _STOCK.search(tail)) is not None:
                kind, period = "stock", _stock_period(ctx, None)
                cue, strength = f"{ctx.text[num.end + m.start():num.end + m.end()]!r} (present state)", 0.75
            elif re.search(r"sayisi\W*$", fold(ctx.text[max(self.sent.start, num.start - 12):num.start])) \
                    and not VERB.search(tail) and indicator in _BOOKLET_STOCK_INDICATORS:
                kind, period = "stock", _stock_period(ctx, None)
                cue, strength = "'… sayısı: N' with no verb: a count at the date", 0.6
            elif indicator in stocks:
                kind, period = "stock", _stock_period(ctx, None)
                cue, strength = f"indicator {indicator!r} is a stock", 0.6
            elif booklet:
                kind, period = "cumulative", f"..--{meta.as_of}"
                m = _PERFECT.search(tail)
                cue = (f"{ctx.text[num.end + m.start():num.end + m.end()]!r} (has been) with no start year"
                       if m else "no period stated in a booklet: total so far")
                strength = 0.55
            else:
                kind, period = "year-total", meta.reporting_period
                cue, strength = f"no period stated: the report year {meta.reporting_period}", 0.6
        self.last = (kind, period, cue)
        return Guess(period, cue, strength), Guess(kind, cue, strength)
