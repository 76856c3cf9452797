"""Check stage: the model against its source texts and against itself.

- every quote occurs verbatim in its source text and every figure in its quote;
- the number reader reads each figure as exactly the fact's value, and the approximate
  flag matches what the figure says (rounded "1,1 milyon" or hedged "yaklaşık");
- the unit fits the figure (TL figures are in TRY, % in percent, other units count);
- the period fits its kind (a year for year totals and monthly averages, a day or month for
  stocks, an interval ending at the source's date for cumulative totals);
- no two facts share a dimension key (one pass with a dict: linear in the facts);
- a total stated in the text equals the sum of its parts; project/fact references resolve.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from functools import lru_cache
from typing import Callable

from ..model.records import Fact, Model, Origin, Quote, Source
from ..model import numbers
from ..core.text import fold
from ..model.numbers import NumberFormatError, ParsedNumber, parse_number
from ..core.problems import Report, problem


def _fmt(v: Fraction) -> str:
    """A value as people write it in YAML: 1250, 1100000.5, or 2/3 when no decimal is exact."""
    if v.denominator == 1:
        return str(v.numerator)
    text = f"{float(v):.15g}"
    return text if Fraction(text) == v else f"{v.numerator}/{v.denominator}"


def _quote_in_source(quote: str, origin: Origin, source: Source, report: Report) -> bool:
    if quote in source.document.text:
        return True
    report.add(problem("quote-not-in-source", origin.path, origin.line, source=source.document.text_path,
                       quote=quote[:120] + ("…" if len(quote) > 120 else "")))
    return False


@lru_cache(maxsize=1 << 16)
def _parse(text: str) -> ParsedNumber | NumberFormatError:
    """`parse_number(text)`, or the error it raises, remembered: the same figures recur
    ("12", "1.054", "2 bin 156") and a parsed number is immutable."""
    try:
        return parse_number(text)
    except NumberFormatError as e:
        e.__traceback__ = None  # kept in the cache: keep no frames alive
        return e


def _read_figure(q: Quote, report: Report) -> ParsedNumber | None:
    """The number `q.figure` states, if it stands in its quote and reads as a number."""
    in_quote = q.figure in q.quote
    if not in_quote:
        report.add(problem("figure-not-in-quote", q.origin.path, q.origin.line, figure=q.figure))
    parsed = _parse(q.figure)
    if isinstance(parsed, NumberFormatError):
        report.add(problem("unreadable-number", q.origin.path, q.origin.line, figure=q.figure, detail=str(parsed)))
        return None
    if not in_quote:
        return None
    # a hedge written around the figure in the quote ("yaklaşık 6,67 milyar", "500 civarında")
    # counts even if the figure leaves it out: let the number reader judge the word beside it
    if not parsed.hedged and _hedged_in_quote(q):
        parsed = replace(parsed, hedged=True)
    return parsed


# the number reader's hedge words, folded (a word beside a figure must contain one to hedge it)
_HEDGE_STEMS = tuple(sorted(numbers._HEDGES_BEFORE | numbers._HEDGES_AFTER))


@lru_cache(maxsize=1 << 14)
def _has_hedge_stem(words: str) -> bool:
    """Whether one of `words` contains a hedge stem (a stem has no space: found in the joined
    words = found in one of them). Remembered: the same words stand beside many figures."""
    folded = fold(words)
    return any(stem in folded for stem in _HEDGE_STEMS)


def _hedged_in_quote(q: Quote) -> bool:
    at = q.quote.find(q.figure)
    before = q.quote[:at].rsplit(None, 1)[-1:]  # the word before the figure, if any
    after = q.quote[at + len(q.figure):].split(None, 1)[:1]  # the word after it
    if not _has_hedge_stem(" ".join(before + after)):
        return False  # no hedge word beside the figure: the reader would find none (the common case)
    for words in (before + [q.figure], [q.figure] + after):
        parsed = _parse(" ".join(words))
        if not isinstance(parsed, NumberFormatError) and parsed.hedged:
            return True
    return False


def _check_unit(fact: Fact, parsed: ParsedNumber, model: Model, report: Report) -> None:
    unit = model.schemes["unit"].concepts[fact.unit]
    kind = unit.extra.get("kind", "count")
    path, line = fact.at("unit")
    if parsed.kind == "amount" and kind != "currency":
        report.add(problem("unit-mismatch", path, line,
                           detail=f"figure \"{fact.quote.figure}\" is an amount of money but unit is '{fact.unit}'",
                           fix="use unit 'TRY'"))
    elif parsed.kind in ("percent", "ratio") and kind != "ratio":
        report.add(problem("unit-mismatch", path, line,
                           detail=f"figure \"{fact.quote.figure}\" is a {parsed.kind} but unit is '{fact.unit}'",
                           fix="use unit 'percent' or 'ratio'"))
    elif kind == "count" and fact.value.denominator != 1:
        report.add(problem("unit-mismatch", *fact.at("value"),
                           detail=f"a count in '{fact.unit}' must be a whole number, not {_fmt(fact.value)}",
                           fix="correct the value or the unit"))
    elif fact.value < 0:
        report.add(problem("unit-mismatch", *fact.at("value"), detail="a figure cannot be negative",
                           fix="correct the value"))


def _check_period(fact: Fact, source: Source, report: Report) -> None:
    p, kind, doc = fact.period, fact.period_kind, source.document
    detail = fix = None
    if kind in ("total", "monthly-average"):
        if p.begin is None:
            what = "a total" if kind == "total" else "an average per month"
            detail = f"{what} is over a known span, not from an unknown start ('..')"
            fix = "write the first month or year it covers, e.g. \"2025-01--2025-06\""
        elif not p.whole_months:
            detail = "it must run over whole months (from the first day of a month to the last day of a month)"
            fix = ("write months or years: \"2025-03\" (a month), \"2025-01--2025-03\" (a quarter), "
                   "\"2025-01--2025-06\" (a half-year), \"2025\" (a year), \"2025-01--2025-09\" (year to date)")
    elif kind == "stock":
        if not p.is_instant:
            detail = "a stock is counted at a date (a day or a month)"
            fix = f"write the date it stands at, normally the source's as_of \"{doc.as_of.notation}\""
    elif kind == "cumulative":
        if not p.is_interval:
            detail, fix = "a cumulative total runs from a start to an end", \
                f"write START--END, e.g. \"2013--{doc.as_of.notation}\""
        elif not p.stop.contains(doc.as_of.end) and not doc.as_of.begin <= p.end <= doc.as_of.end:
            detail = f"it must end at the source's date ({doc.as_of.notation}), not {p.stop.notation}"
            fix = f"end the period at \"{doc.as_of.notation}\""
    if p.stop.begin > doc.published.end:  # a year still in progress when published is fine
        detail = f"it lies after the source was published ({doc.published.notation})"
        fix = "a source cannot report a period it has not reached; correct the period"
    if detail:
        report.add(problem("period-kind-mismatch", *fact.at("period"),
                           period=p.notation, kind=kind, detail=detail, fix=fix))


def check_fact(fact: Fact, source: Source, model: Model, report: Report) -> None:
    in_source = _quote_in_source(fact.quote.quote, fact.quote.origin, source, report)
    parsed = _read_figure(fact.quote, report)
    for q in fact.also_quoted:
        again_in_source = _quote_in_source(q.quote, q.origin, source, report)
        again = _read_figure(q, report)
        if again_in_source and again is not None and again.value != fact.value:
            report.add(problem("value-mismatch", q.origin.path, q.origin.line, value=_fmt(fact.value),
                               figure=q.figure, parsed=_fmt(again.value)))
    _check_period(fact, source, report)
    if parsed is None or not in_source:
        return
    if parsed.value != fact.value:
        report.add(problem("value-mismatch", *fact.at("value"), value=_fmt(fact.value),
                           figure=fact.quote.figure, parsed=_fmt(parsed.value)))
        return
    if parsed.approximate != fact.approximate:
        state = ("rounded" if parsed.rounded else "hedged") if parsed.approximate else "exact"
        where = fact.at("approximate") if "approximate" in fact.lines else fact.at("value")
        report.add(problem("approximate-flag", *where, figure=fact.quote.figure, state=state,
                           flag=str(fact.approximate).lower(), expected=str(parsed.approximate).lower()))
    _check_unit(fact, parsed, model, report)


def check(model: Model, report: Report | None = None, progress: Callable[[], None] | None = None,
          checked: frozenset[str] = frozenset()) -> Report:
    """Run every check; return the report (problems appended to `report` if given).

    `progress`, if given, is called once per source checked. Sources whose document id is in
    `checked` passed every check of their own in a previous build of the same files (incremental
    builds): only the checks across sources (duplicate dimension keys) run on them."""
    report = report if report is not None else Report()
    by_key: dict[tuple, Fact] = {}
    for source in model.sources:
        facts = {f.id: f for f in source.facts}
        trusted = source.document.id in checked
        for fact in source.facts:
            if not trusted:
                check_fact(fact, source, model, report)
            other = by_key.setdefault(fact.key, fact)
            if other is not fact:
                report.add(problem("duplicate-observation", fact.origin.path, fact.origin.line,
                                   fact=fact.id, other=other.id, where=str(other.origin)))
        if trusted:
            if progress:
                progress()
            continue
        for fact in source.facts:
            if not fact.total_of:
                continue
            missing = [p for p in fact.total_of if p not in facts]
            for p in missing:
                report.add(problem("unknown-reference", *fact.at("total_of"),
                                   field="total_of", value=p, what="fact"))
            if missing:
                continue
            total = sum((facts[p].value for p in fact.total_of), Fraction(0))
            if total != fact.value:
                report.add(problem("total-mismatch", *fact.at("total_of"), fact=fact.id,
                                   total=_fmt(fact.value), parts=", ".join(fact.total_of), sum=_fmt(total)))
        for project in source.projects:
            for ref in project.facts:
                if ref not in facts:
                    report.add(problem("unknown-reference", project.origin.path, project.origin.line,
                                       field="facts", value=ref, what="fact"))
            _quote_in_source(project.quote, project.origin, source, report)
            for ms in project.milestones:
                _quote_in_source(ms.quote, ms.origin, source, report)
        for facility in source.facilities:
            _quote_in_source(facility.quote, facility.origin, source, report)
            if facility.name not in facility.quote:
                report.add(problem("figure-not-in-quote", facility.origin.path, facility.origin.line,
                                   figure=facility.name))
        for rule in source.rules:
            _quote_in_source(rule.quote, rule.origin, source, report)
            for p in rule.parameters:
                q = Quote(quote=rule.quote, figure=p.figure, origin=p.origin)
                parsed = _read_figure(q, report)
                if parsed is not None and parsed.value != p.value:
                    report.add(problem("value-mismatch", p.origin.path, p.origin.line, value=_fmt(p.value),
                                       figure=p.figure, parsed=_fmt(parsed.value)))
        if progress:
            progress()
    _parse.cache_clear()  # tens of thousands of figures at national scale: free them for the later stages
    return report
