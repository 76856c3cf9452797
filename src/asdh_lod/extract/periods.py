"""A figure's period and period kind: the cues of its sentence ("2013 yılından itibaren",
"her ay ortalama", "2025 yılında", "bulunmaktadır"), read left to right, and the defaults
of the document."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from ..core.text import fold

from .figures import Number
from .qualifiers import VERB, Context
from .records import Guess
from .text import MONTHS, Sentence, folded_rx


_M = "(" + "|".join(MONTHS) + ")"
_MONTHLY = folded_rx(r"her ay ortalama|aylık ortalama|ayda ortalama")
_SINCE = folded_rx(r"(\d{4})\s+yılından\s+(itibaren|bu yana|bugüne kadar)")
_STARTED_SINCE = folded_rx(r"(\d{4})\s+yılında\s+başladığından\s+(?:bu yana|beri|itibaren)")
_BETWEEN = folded_rx(r"(\d{4})\s*[-–]\s*(\d{4})\s+yılları\s+arasında")
_ASOF = folded_rx(r"(\d{4})\s+yılı\s+(?:sonu\s+itibarıyla|itibarıyla|sonundaki|sonunda)")
_DATE_ASOF = folded_rx(r"(?:(\d{4}-\d{2}-\d{2})|(\d{1,2})[./](\d{1,2})[./](\d{4}))\s+(?:tarihi\s+)?itibarıyla")
_DAY_ASOF = re.compile(r"\b(\d{1,2})\s+" + _M + r"(?:\s+(\d{4}))?\s+(?:tarihi\s+)?itibariyla")
_MONTH_END_ASOF = re.compile(r"\b" + _M + r"(?:\s+(\d{4}))?\s+sonu\s+itibariyla")
_YEAR_END = folded_rx(r"\byıl\s+sonu\s+itibarıyla|\byıl\s+sonunda")
_TODAY = folded_rx(r"\bbugün\s+itibarıyla")
_INYEAR = folded_rx(r"(\d{4})\s+yıl(ı boyunca|ı içerisinde|ı içinde|ında)\b")
_YEAR_SUFFIX = re.compile(r"(?<!\d)(\d{4})['’](te|de|da|ta)\b")
_BRACKET_YEAR = re.compile(r"\((\d{4}):\s*$")
_SAMEYEAR = folded_rx(r"\b(yıl boyunca|aynı yıl içerisinde|aynı yıl içinde|yıl içerisinde|yıl içinde|bir yıl içinde"
                      r"|bu yıl\b)")
_MONTH_RANGE = re.compile(_M + r"\s*[-–]\s*" + _M + r"(?:\s+(\d{4}))?\s+dönem")
_QUARTER = folded_rx(r"\b(ilk|birinci|ikinci|üçüncü|dördüncü|son)\s+çeyre")
_FIRST_MONTHS = folded_rx(r"\bilk\s+(üç|altı|dokuz)\s+ay")
_YEAR_TO_DATE = folded_rx(r"\byıl\s?başından\s+(?:bu yana|itibaren|beri)")
_MONTH_IN = re.compile(r"\b" + _M + r"\s+ay(?:inda|i\s+boyunca|i\s+içinde|i\s+içerisinde)\b")
_THIS_MONTH = folded_rx(r"\bay\s+(?:boyunca|içinde|içerisinde)\b")
_IN_PERIOD = folded_rx(r"\bdönem\s+(?:içinde|içerisinde|boyunca)|\bbu\s+dönemde")
_SAME_PERIOD_LAST_YEAR = folded_rx(r"\b(?:geçen|bir önceki)\s+yılın\s+aynı\s+dönemi")
_THIS_NUMBER = folded_rx(r"\bbu\s+sayı")
ANAPHOR = folded_rx(r"^(bu kapsamda|bu alanda|bu amaçla)|\bise\b")
_STOCK = folded_rx(r"\b(bulunmakta\w*|bulunurken|bulunan|mevcut\w*|sürdürülürken|\w+m[ae]kt[ae](d[ıi]r)?"
              r"|\w+[dt][ae]d[ıiuü]r|\w+[ıiuü]yor\w*)\b")
_PERFECT = folded_rx(r"\b\w+m[ıiuü]ş(t[ıiuü]r)?\b")
_STOCK_INDICATORS = {"capacity", "facilities", "foundations", "registered-persons", "investment-cost"}
_BOOKLET_STOCK_INDICATORS = _STOCK_INDICATORS | {"beneficiaries", "caregiving-families"}
_QUARTERS = {"ilk": 1, "birinci": 1, "ikinci": 2, "üçüncü": 3, "dördüncü": 4, "son": 4}
_FIRST = {"üç": 3, "alti": 6, "dokuz": 9}


def month_end(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


def months(year: int, first: int, last: int) -> str:
    """The period of months first..last of a year: "2025-03", "2025-01--2025-06", "2025"."""
    if first == 1 and last == 12:
        return f"{year:04d}"
    if first == last:
        return f"{year:04d}-{first:02d}"
    return f"{year:04d}-{first:02d}--{year:04d}-{last:02d}"


def shift_years(period: str, n: int) -> str:
    """The same period n years later: "2025-01--2025-06" → "2024-01--2024-06" (n = -1)."""
    return re.sub(r"\b(\d{4})(?=-|$)", lambda m: f"{int(m.group(1)) + n:04d}", period)


def period_end(period: str) -> str:
    """The last day of a period ("2025" → "2025-12-31", "2025-01--2025-06" → "2025-06-30");
    a month stays a month when `period` is one ("2025-09" → "2025-09-30")."""
    last = period.split("--")[-1]
    parts = [int(x) for x in last.split("-")]
    if len(parts) == 1:
        return f"{parts[0]:04d}-12-31"
    if len(parts) == 2:
        return month_end(parts[0], parts[1])
    return last


# ---------------------------------------------------------------------------------------
# the document's period: what a statistician reads first, in its title, cover and lead

_DOC_RANGE = re.compile(_M + r"\s*[-–]\s*" + _M + r"\s+(\d{4})")
_DOC_HALF = folded_rx(r"(\d{4})\s+yılının\s+ilk\s+(üç|altı|dokuz)\s+ay")
_DOC_MONTH_BULLETIN = re.compile(r"(?<![^\W\d_])" + _M + r"\s+(\d{4})\s+(?:bülten|sayı)")
_DOC_YEAR = folded_rx(r"(\d{4})\s+(?:yılı\s+(?:verileri|faaliyet|değerlendirme|çalışma|istatistik)"
                      r"|yılına\s+(?:ait|ilişkin)|yılında\s+yürüt|yılı\s+boyunca\s+yürüt|faaliyet\s+rapor)")
_DOC_SUBJECT_YEAR = folded_rx(r"(?m)^\s*konu\s*:\s*(\d{4})\s+yılında")
_COVER_MONTH = re.compile(r"(?m)^\s*" + _M + r"\s+(\d{4})\s*$")


def document_period(text: str, booklet: bool) -> tuple[str | None, str | None, str]:
    """The period a document reports on, the day its stocks stand at, and the words that said
    so, read from its title, date line, cover and lead (the first 700 characters): "Ocak–Haziran
    2025" (a half-year), "Mart 2025 bülteni" (a month), "2025 yılı verilerini açıkladı",
    "2025 yılında yürütülen çalışmalar", "2025 YILI FAALİYET RAPORU", "Konu: 2025 yılında …"
    (a year); a booklet's cover month ("Eylül 2025") is both. (None, None, "") when it does not say."""
    head = text[:700]
    low = fold(head)
    m = _DOC_RANGE.search(low)
    if m:
        y, a, b = int(m.group(3)), MONTHS.index(m.group(1)) + 1, MONTHS.index(m.group(2)) + 1
        return months(y, a, b), month_end(y, b), head[m.start():m.end()]
    m = _DOC_HALF.search(low)
    if m:
        y, n = int(m.group(1)), _FIRST[m.group(2)]
        return months(y, 1, n), month_end(y, n), head[m.start():m.end()]
    m = _DOC_MONTH_BULLETIN.search(low)
    if m and not booklet:
        y, mo = int(m.group(2)), MONTHS.index(m.group(1)) + 1
        return months(y, mo, mo), month_end(y, mo), head[m.start():m.end()]
    if booklet:
        m = _COVER_MONTH.search(low)
        if m:
            period = f"{int(m.group(2)):04d}-{MONTHS.index(m.group(1)) + 1:02d}"
            return period, period, f"the cover date {head[m.start(1):m.end(2)]!r} of a booklet"
    m = _DOC_YEAR.search(low) or _DOC_SUBJECT_YEAR.search(low)
    if m:
        y = m.group(1)
        return y, f"{y}-12-31", re.sub(r"\s+", " ", head[m.start():m.end()]).strip()
    return None, None, ""


# ---------------------------------------------------------------------------------------
# a sentence's cues

@dataclass
class PeriodState:
    kind: str | None = None      # total | monthly-average | cumulative | stock
    start: str | None = None
    end: str | None = None
    year: str | None = None
    cue: str = ""
    period: str | None = None    # the whole period of a total or an average, when the cue names it
    once: bool = False           # "(2024: 12)": for the figure right after it only
    at: int = 0                  # where the cue starts in the text


def _reporting(ctx: Context) -> str:
    """The period a flow without a cue of its own is a total over: the reporting period; in a
    booklet (a snapshot on its date), the year of that date."""
    if ctx.meta.type == "province-booklet" or not ctx.meta.reporting_period:
        return ctx.meta.as_of[:4]
    return ctx.meta.reporting_period


def _year(ctx: Context, given: str | None) -> int:
    return int(given) if given else int(_reporting(ctx)[:4])


def _period_cues(ctx: Context, sent: Sentence) -> list[tuple[int, PeriodState]]:
    """Explicit period expressions in a sentence, each with the offset where it ends."""
    low = ctx.low[sent.start:sent.end].replace("*", " ")
    raw = ctx.text[sent.start:sent.end]
    as_of = ctx.meta.as_of
    reporting = _reporting(ctx)
    out: list[tuple[int, PeriodState]] = []
    taken: list[tuple[int, int]] = []

    def add(m: re.Match, state: PeriodState) -> None:
        if any(m.start() < e and s < m.end() for s, e in taken):
            return
        taken.append((m.start(), m.end()))
        state.cue = raw[m.start():m.end()].replace("**", "")
        state.at = sent.start + m.start()
        out.append((sent.start + m.end(), state))

    for m in _BETWEEN.finditer(low):
        add(m, PeriodState("cumulative", m.group(1), m.group(2), m.group(2)))
    for m in _STARTED_SINCE.finditer(low):
        add(m, PeriodState("cumulative", m.group(1), as_of, None))
    for m in _SINCE.finditer(low):
        add(m, PeriodState("cumulative", m.group(1), as_of, None))
    for m in _DATE_ASOF.finditer(low):
        day = m.group(1) or f"{m.group(4)}-{int(m.group(3)):02d}-{int(m.group(2)):02d}"
        add(m, PeriodState("stock", end=day, year=day[:4]))
    for m in _DAY_ASOF.finditer(low):
        y = _year(ctx, m.group(3))
        add(m, PeriodState("stock", end=f"{y:04d}-{MONTHS.index(m.group(2)) + 1:02d}-{int(m.group(1)):02d}",
                           year=str(y)))
    for m in _MONTH_END_ASOF.finditer(low):
        y = _year(ctx, m.group(2))
        add(m, PeriodState("stock", end=month_end(y, MONTHS.index(m.group(1)) + 1), year=str(y)))
    for m in _ASOF.finditer(low):
        add(m, PeriodState("stock", year=m.group(1)))
    for m in _YEAR_END.finditer(low):
        add(m, PeriodState("stock", end=f"{reporting[:4]}-12-31", year=reporting[:4]))
    for m in _TODAY.finditer(low):
        day = ctx.meta.published if len(ctx.meta.published) == 10 else as_of
        add(m, PeriodState("stock", end=day, year=day[:4]))
    for m in _SAME_PERIOD_LAST_YEAR.finditer(low):
        add(m, PeriodState("total", period=shift_years(reporting, -1)))
    for m in _MONTH_RANGE.finditer(low):
        y = _year(ctx, m.group(3))
        add(m, PeriodState("total", period=months(y, MONTHS.index(m.group(1)) + 1, MONTHS.index(m.group(2)) + 1)))
    for m in _QUARTER.finditer(low):
        q = _QUARTERS[m.group(1)]
        add(m, PeriodState("total", period=months(_year(ctx, None), 3 * q - 2, 3 * q)))
    for m in _FIRST_MONTHS.finditer(low):
        add(m, PeriodState("total", period=months(_year(ctx, None), 1, _FIRST[m.group(1)])))
    for m in _YEAR_TO_DATE.finditer(low):
        end = period_end(reporting)
        add(m, PeriodState("total", period=months(int(end[:4]), 1, int(end[5:7]))))
    for m in _MONTH_IN.finditer(low):
        mo = MONTHS.index(m.group(1)) + 1
        add(m, PeriodState("total", period=months(_year(ctx, None), mo, mo)))
    for m in _THIS_MONTH.finditer(low):
        if re.fullmatch(r"\d{4}-\d{2}", reporting):
            add(m, PeriodState("total", period=reporting))
    for m in _IN_PERIOD.finditer(low):
        add(m, PeriodState("total", period=reporting))
    for m in _INYEAR.finditer(low):
        add(m, PeriodState("total", year=m.group(1)))
    for m in _YEAR_SUFFIX.finditer(low):
        add(m, PeriodState("total", year=m.group(1)))
    for m in _SAMEYEAR.finditer(low):
        add(m, PeriodState("total"))
    for m in _MONTHLY.finditer(low):
        add(m, PeriodState("monthly-average"))
    for m in re.finditer(r"\((\d{4}):\s*", low):
        add(m, PeriodState("total", year=m.group(1), once=True))
    return sorted(out, key=lambda x: x[0])


def _stock_period(ctx: Context, year: str | None) -> str:
    as_of = ctx.meta.as_of
    if year is None or as_of.startswith(year):
        return as_of
    return f"{year}-12-31"


def _finish_period(ctx: Context, st: PeriodState, year: str | None) -> tuple[str, str]:
    if st.kind == "cumulative":
        return st.kind, f"{st.start or '..'}--{st.end or ctx.meta.as_of}"
    if st.kind == "stock":
        return st.kind, st.end or _stock_period(ctx, st.year or year)
    if st.period is not None:
        return st.kind, st.period
    y = st.year or year
    if y is None or (ctx.meta.reporting_period or "").startswith(y):
        return st.kind, _reporting(ctx)
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
        self.read_to = sent.start  # the cues up to here have been read
        self.monthly_at = sent.start  # where the last "her ay ortalama" ended
        self.post_used: set[int] = set()  # cues read as the cue right after an earlier figure

    def guess(self, num: Number, prev_end: int, clause_low: str, unit: str, indicator: str) -> tuple[Guess, Guess]:
        ctx, meta = self.ctx, self.ctx.meta
        state = self.state
        once = None
        for end, st in self.cues:
            if end <= num.start and end > self.read_to:
                self.read_to = end
                if st.once:
                    once = st if not ctx.text[end:num.start].strip() else None
                    continue
                if st.kind == "monthly-average" or st.kind == "total" and st.year is None and st.period is None:
                    st = PeriodState(st.kind, year=st.year or state.year, cue=st.cue, period=state.period
                                     if st.kind == "monthly-average" and state.kind == "total" else None)
                elif st.kind == "total" and st.period is None and state.kind == "monthly-average" and self.own \
                        and (_THIS_NUMBER.search(ctx.low[self.sent.start:end])
                             or not VERB.search(ctx.low[self.monthly_at:end - len(st.cue)])):
                    # "aylık ortalaması 2024 yılında 7.904, 2025 yılında 8.216": still averages
                    st = PeriodState("monthly-average", year=st.year, cue=f"{state.cue}, {st.cue}")
                if st.kind == "monthly-average" and _MONTHLY.search(fold(st.cue)):
                    self.monthly_at = end
                state = st
                self.own = True
        self.state = state
        if once is not None:
            state = once
        kind = period = None
        cue, strength = "", 0.0
        if state.kind is not None:
            kind, period = _finish_period(ctx, state, state.year)
            cue, strength = f"{state.cue!r} before the figure", 0.85 if self.own else 0.65
            if kind == "monthly-average" and unit == "TRY" and not _MONTHLY.search(clause_low):
                # money is paid in totals: only an amount said to be a monthly average is one
                kind, cue = "total", f"an amount of money, not itself averaged ({state.cue!r} is about people)"
        own_before = [st for e, st in self.cues if prev_end <= e <= num.start and id(st) not in self.post_used]
        post = next((st for e, st in self.cues if st.at >= num.end
                     and re.fullmatch(r"['’]?[^\W\d_]{0,4}\s+", ctx.text[num.end:st.at])), None)
        if post is not None and not own_before:  # "bunların 3.104'ü 2025 yılında": the cue right after it
            self.post_used.add(id(post))
            kind, period = _finish_period(ctx, post, post.year)
            cue, strength = f"{post.cue!r} right after the figure", 0.8
            self.last = (kind, period, cue)
            return Guess(period, cue, strength), Guess(kind, cue, strength)
        if self.last is not None and re.search(r"\bolmak üzere\s+toplam\b", ctx.low[prev_end:num.start]) \
                and state.kind == "total":  # "ilk çeyrekte 164, ikinci çeyrekte 197 olmak üzere toplam 361"
            kind, period = "total", _reporting(ctx)
            cue, strength = "'olmak üzere toplam': the total of its parts, over the document's period", 0.65
            self.last = (kind, period, cue)
            return Guess(period, cue, strength), Guess(kind, cue, strength)
        olup_before = any(prev_end <= o < num.start for o in self.olup)
        own_here = any(prev_end <= e <= num.start for e, _ in self.cues)
        if olup_before and self.last is not None and not own_here:
            kind, period, cue = self.last
            cue, strength = f"{cue} (shared across 'olup')", 0.6
        if kind is None:
            verb_end = next((o for o in self.olup if o > num.end), self.sent.end)
            tail = ctx.low[num.end:verb_end].replace("*", " ")
            booklet = meta.reporting_period is None or meta.type == "province-booklet"
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
                kind, period = "total", _reporting(ctx)
                cue, strength = f"no period stated: the document's period {_reporting(ctx)}", 0.6
        self.last = (kind, period, cue)
        return Guess(period, cue, strength), Guess(kind, cue, strength)
