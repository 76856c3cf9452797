"""Comparing a draft with a curated file: which curated facts the draft found at the same
place with the same value, which qualifiers differ, which drafted figures are extra
(`asdh-lod extract --diff` and the evaluation)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from ..core.problems import ProblemsFound, Report
from ..ingest.load import load_source
from ..ingest.yamlsrc import read_text
from ..model.records import Source

from .draft import QUALIFIERS, Draft, DraftFact, extract, load_schemes
from .records import Meta


# ---------------------------------------------------------------------------------------
# comparing a draft with a curated file

@dataclass
class Expected:
    """A fact the draft should hold: a curated fact, or one of an evaluation corpus."""

    id: str
    quote: str
    figure: str
    value: Fraction
    places: list[int]                 # offsets of the figure in the text: its quote and every also_quoted
    qualifiers: dict[str, str]        # unit, programme, target_group, indicator, period, period_kind
    total_of: list[str] = field(default_factory=list)


@dataclass
class Pair:
    curated: Expected
    draft: DraftFact | None
    differences: dict[str, tuple[str, str]]


@dataclass
class Comparison:
    document: str
    pairs: list[Pair]                 # one per curated fact (draft None: missed)
    extra: list[DraftFact]            # drafted figures the curator does not have

    @property
    def matched(self) -> list[Pair]:
        return [p for p in self.pairs if p.draft is not None]

    def recall(self) -> float:
        return len(self.matched) / len(self.pairs) if self.pairs else 1.0

    def drafted(self) -> int:
        return len(self.matched) + len(self.extra)

    def spurious(self) -> float:
        n = self.drafted()
        return len(self.extra) / n if n else 0.0

    def right(self, qualifier: str) -> int:
        return sum(1 for p in self.matched if qualifier not in p.differences)

    def accuracy(self, qualifier: str) -> float:
        m = self.matched
        return self.right(qualifier) / len(m) if m else 1.0


# the period kind of a total over the period: `total` in the new period model, `year-total`
# before it (a year's total); the two are one when a draft is compared
_SAME_KIND = {"year-total": "total"}


def comparable(qualifier: str, value: str) -> str:
    return _SAME_KIND.get(value, value) if qualifier == "period_kind" else value


def _spans(text: str, quote: str, figure: str) -> list[int]:
    out = []
    at = text.find(quote)
    while at >= 0:
        off = quote.find(figure)
        if off >= 0:
            out.append(at + off)
        at = text.find(quote, at + 1)
    return out


def expected_from_source(source: Source) -> list[Expected]:
    """The curated facts of a loaded source file."""
    text = source.document.text
    out = []
    for fact in source.facts:
        places = _spans(text, fact.quote.quote, fact.quote.figure)
        for q in fact.also_quoted:
            places += _spans(text, q.quote, q.figure)
        quals = {q: fact.period.notation if q == "period" else str(getattr(fact, q)) for q in QUALIFIERS}
        out.append(Expected(fact.id, fact.quote.quote, fact.quote.figure, fact.value, places, quals,
                            list(fact.total_of)))
    return out


def expected_from_mapping(text: str, facts: list[dict]) -> list[Expected]:
    """Expected facts written as plain YAML mappings (an evaluation corpus, read as data: its
    codes need not be in the code lists yet)."""
    out = []
    for f in facts:
        places = _spans(text, f["quote"], f["figure"])
        for q in f.get("also_quoted") or []:
            places += _spans(text, q["quote"], q["figure"])
        quals = {q: str(f[q]) for q in QUALIFIERS}
        out.append(Expected(str(f["id"]), f["quote"], str(f["figure"]), Fraction(str(f["value"])), places, quals,
                            [str(x) for x in f.get("total_of") or []]))
    return out


def compare(source: Source, draft: Draft) -> Comparison:
    """Match each curated fact to the drafted figure at the same place with the same value."""
    return compare_expected(source.document.id, source.document.text, expected_from_source(source), draft)


def compare_expected(document: str, text: str, expected: list[Expected], draft: Draft) -> Comparison:
    """Match each expected fact to the drafted figure at the same place with the same value
    (or, failing that, the same value inside its quote)."""
    used: set[int] = set()
    pairs = []
    for fact in expected:
        found = None
        for i, d in enumerate(draft.facts):
            if i in used or d.value != fact.value:
                continue
            starts = [d.start] + [s for _, _, s in d.also_quoted]
            if any(s in fact.places for s in starts):
                found = i
                break
        if found is None:
            for i, d in enumerate(draft.facts):  # same value inside the curated quote
                if i in used or d.value != fact.value:
                    continue
                at = text.find(fact.quote)
                if at >= 0 and at <= d.start < at + len(fact.quote):
                    found = i
                    break
        if found is None:
            pairs.append(Pair(fact, None, {}))
            continue
        used.add(found)
        d = draft.facts[found]
        diffs = {q: (fact.qualifiers[q], d.get(q)) for q in QUALIFIERS
                 if comparable(q, fact.qualifiers[q]) != comparable(q, d.get(q))}
        pairs.append(Pair(fact, d, diffs))
    extra = [d for i, d in enumerate(draft.facts) if i not in used]
    return Comparison(document, pairs, extra)


def render_diff(cmp: Comparison) -> str:
    """A readable diff: '-' curated facts the extractor missed, '+' figures it found that the
    curated file lacks, '~' qualifiers that differ (curated → extracted, with the cue)."""
    lines = [f"--- curated {cmp.document}", f"+++ extracted {cmp.document}"]
    for p in cmp.pairs:
        f = p.curated
        if p.draft is None:
            lines.append(f"- {f.id}: {f.figure!r} not found by the extractor")
        elif p.differences:
            lines.append(f"~ {f.id}: {f.figure!r}")
            for q, (cur, got) in p.differences.items():
                lines.append(f"    {q}: {cur} → {got}   (cue: {p.draft.guesses[q].cue})")
    for d in cmp.extra:
        lines.append(f"+ {d.id}: {d.figure!r} in \"{_short(d.quote)}\"")
    same = sum(1 for p in cmp.matched if not p.differences)
    lines.append(f"{same} of {len(cmp.pairs)} curated facts agree; {len(cmp.pairs) - len(cmp.matched)} missing, "
                 f"{len(cmp.matched) - same} differing, {len(cmp.extra)} extra")
    return "\n".join(lines) + "\n"


def _short(s: str, n: int = 90) -> str:
    s = re.sub(r"\s+", " ", s)
    return s if len(s) <= n else s[:n - 1] + "…"


def meta_from_curated(source) -> Meta:
    """The document record a curator would pass on the command line, from the curated file."""
    d = source.document
    return Meta(id=d.id, title=d.title.get("tr", d.id), publisher=d.publisher,
                published=d.published.notation, as_of=d.as_of.notation, type=d.type, province=d.province,
                reporting_period=d.reporting_period.notation if d.reporting_period else None)


def diff_file(curated_yaml, data_dir, source_txt=None) -> str:
    """Compare a curated source file with a fresh extraction of its text (or `source_txt`)."""
    schemes, problems = load_schemes(data_dir)
    report = Report()
    report.extend(problems)
    source = load_source(Path(curated_yaml), report, schemes) if report.ok else None
    if source is None or not report.ok:
        raise ProblemsFound("extract --diff", report)
    text = source.document.text
    if source_txt is not None:
        text = read_text(Path(source_txt), str(source_txt))
        source.document.text = text
    draft = extract(text, schemes, meta_from_curated(source))
    return render_diff(compare(source, draft))
