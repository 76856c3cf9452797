"""Extract stage: a Turkish source text → a draft fact file for a curator to review.

`extract(text, schemes, meta)` cuts the text into sentences (`text`), finds its statistical
figures and leaves out the numbers that are not figures, with the reason (`figures`),
guesses each figure's unit, programme, target group and indicator (`qualifiers`) and its
period and period kind (`periods`), links stated totals to their parts and repeated figures
to one fact, and gives each fact a readable id. `infer_meta` reads the document record from
the text; `Draft.to_yaml()` renders the draft in the format of ``data/sources/*.yaml`` (with
``draft: true`` and ``reviewed: false`` on every fact). Nothing here writes files except
`write_atomic`; `compare` (in `compare.py`) matches a draft against a curated file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from ..core.fsio import write_file
from ..core.problems import ProblemsFound, Report
from ..core.text import fold, yaml_quote
from ..ingest.load import display_path
from ..ingest.load import load_schemes as load_codelists
from ..ingest.yamlsrc import YamlError, read_text
from ..model.numbers import ParsedNumber, exact_decimal
from ..model.periods import PeriodError, parse_unit
from ..model.records import Scheme
from .figures import Number, find_numbers, is_approximate, select_figures
from .periods import ANAPHOR, PeriodReader, PeriodState, document_period, period_end
from .qualifiers import (PROGRAMME_CUES, VERB, Context, Lexicon, Mention, clauses, comma_clauses, guess_group,
                         guess_indicator, guess_programme, guess_unit, line_label_of)
from .records import Excluded, Guess, Meta
from .text import MONTHS, Sentence, clean_word, line_of, paragraphs, segment, unit_of_word

__all__ = ["Draft", "DraftFact", "ExtractError", "QUALIFIERS", "draft_file", "extract", "infer_meta",
           "load_schemes", "render_yaml", "write_atomic"]


@dataclass
class DraftFact:
    id: str
    quote: str
    figure: str
    value: Fraction
    start: int                 # offset of the figure in the text
    parsed: ParsedNumber
    guesses: dict[str, Guess]  # unit, programme, target_group, indicator, period, period_kind
    approximate: bool = False
    approximate_cue: str = ""
    total_of: list[str] = field(default_factory=list)
    also_quoted: list[tuple[str, str, int]] = field(default_factory=list)  # quote, figure, start
    section: int = 0           # the number of major headings before it

    def get(self, name: str) -> str:
        return self.guesses[name].value

    @property
    def confidence(self) -> float:
        return round(min(g.strength for g in self.guesses.values()), 2)


@dataclass
class Draft:
    meta: Meta
    facts: list[DraftFact]
    excluded: list[Excluded]

    def to_yaml(self) -> str:
        return render_yaml(self)


# ---------------------------------------------------------------------------------------
# document metadata

def infer_meta(text: str, schemes: dict[str, Scheme], doc_id: str, *, province: str | None = None,
               published: str | None = None, title: str | None = None,
               reporting_period: str | None = None, as_of: str | None = None,
               publisher: str | None = None, doc_type: str | None = None) -> Meta:
    """The document record: what the options give, the rest read from the text."""
    low = fold(text)
    cues: dict[str, str] = {}
    if published is None:
        m = re.search(r"\bdate\s+(\d{4}-\d{2}-\d{2})\b", text[:400]) or re.search(
            r"(?m)^\s*(\d{4}-\d{2}-\d{2})\b", text[:400])
        d = re.search(r"(?m)^\s*tarih\s*:\s*(\d{1,2})[./](\d{1,2})[./](\d{4})\b", low[:600])
        if m:
            published, cues["published"] = m.group(1), f"the date line {m.group(0).strip()!r}"
        elif d:
            published = f"{d.group(3)}-{int(d.group(2)):02d}-{int(d.group(1)):02d}"
            cues["published"] = f"the date line {text[d.start():d.end()].strip()!r}"
        else:
            m = re.search(r"(?m)^\s*(" + "|".join(MONTHS) + r")\s+(\d{4})\s*$", low)
            if m:
                published = f"{m.group(2)}-{MONTHS.index(m.group(1)) + 1:02d}"
                cues["published"] = f"the cover date {text[m.start(1):m.end(2)]!r}"
    if doc_type is None:
        doc_type, cues["type"] = _document_type(low, schemes)
    booklet = doc_type == "province-booklet"
    if reporting_period is None:
        reporting_period, end, cue = document_period(text, booklet)
        if reporting_period is not None:
            cues["reporting_period"] = f"read from {cue!r}"
            if as_of is None:
                as_of = end
                cues["as_of"] = "the date of the booklet" if booklet else "the end of the reporting period"
    if as_of is None:
        if reporting_period is not None:
            as_of = period_end(reporting_period)
            cues["as_of"] = "the end of the reporting period"
        elif published is not None:
            as_of = published
            cues["as_of"] = "the publication date"
    if province is None:
        counts = []
        for c in schemes["province"].concepts.values():
            name = fold(c.label.get("tr", ""))
            if name:
                # the name as a word, with at most a short suffix ("Erzurum'da", "Elazığlı")
                n = len(re.findall(r"(?<![^\W\d_])" + re.escape(name) + r"(?![^\W\d_]{5,})", low))
                if n:
                    counts.append((n, c.code, c.label["tr"]))
        if counts:
            n, province, name = max(counts)
            cues["province"] = f"{name!r} named {n} times"
    if publisher is None:
        for c in schemes["organisation"].concepts.values():
            words = re.findall(r"[^\W\d_]+", fold(c.label.get("tr", "")))
            if len(words) >= 2 and re.search(r"[\s*']+".join(map(re.escape, words)), low):
                publisher = c.code
                cues["publisher"] = f"names {c.label['tr']!r}"
                break
        else:
            publisher = "ministry"
            cues["publisher"] = "no organisation named: the ministry"
    if title is None:
        paras = [text[s:e].strip() for s, e in paragraphs(text)]
        first = re.sub(r"^date\s+\d{4}-\d{2}-\d{2}\s*", "", paras[0] if paras else doc_id)
        if len(first.split()) <= 2 and len(paras) > 1:
            first = f"{first} {paras[1]}"
        title = re.sub(r"\s+", " ", first).rstrip(".")
        if len(title) > 160:
            title = title[:160].rsplit(" ", 1)[0]
        cues["title"] = "the first line"
    return Meta(id=doc_id, title=title, publisher=publisher, published=published or "",
                as_of=as_of or "", type=doc_type, province=province or "",
                reporting_period=reporting_period, cues=cues)


_TYPES = (  # code, words in the text (folded), in the head only, what the cue says
    ("province-booklet", r"kitapçi|\bil bilgi notu", False, "'kitapçığı' / 'il bilgi notu'"),
    ("information-note", r"^\s*bilgi notu\s*$", True, "'BİLGİ NOTU' on its cover"),
    ("bulletin", r"bülten", True, "'bülten' in its title"),
    ("press-statement", r"basın mensuplarına|basına açıklama", False, "a statement to the press"),
    ("news-item", r"yayımlandı|paylaştı|açıkladı|haber", False, "reports on a publication ('açıkladı', 'paylaştı')"),
    ("activity-report", r"faaliyet rapor|değerlendirme rapor", True, "'faaliyet / değerlendirme raporu'"),
)


def _document_type(low: str, schemes: dict[str, Scheme]) -> tuple[str, str]:
    known = schemes["document-type"].concepts if "document-type" in schemes else {}
    for code, words, head, cue in _TYPES:
        if code in known and re.search(fold(words), low[:400] if head else low, re.M):
            return code, cue
    return "activity-report", "default"


def extract(text: str, schemes: dict[str, Scheme], meta: Meta) -> Draft:
    """Find every figure in `text` and guess its qualifiers; see the module docstring."""
    low = fold(text)
    lex = Lexicon(schemes)
    sentences = segment(text)
    ctx = Context(text, low, meta, lex, lex.mentions(text, low))
    facts: list[DraftFact] = []
    excluded: list[Excluded] = []
    headings: dict[str, Mention | None] = {"major": None, "minor": None}
    section = 0
    prev_state: PeriodState | None = None
    prev_para = -1
    prev_sentence_prog: tuple[str, str] | None = None
    heading_numbers: list[tuple[Number, Sentence, int]] = []
    table_columns: dict[int, list[DraftFact]] = {}
    report_year = int(meta.as_of[:4]) if meta.as_of[:4].isdigit() else None

    for sent in sentences:
        raw = sent.text(text)
        nums = find_numbers(text, sent.start, sent.end)
        if sent.heading:
            ment = [m for m in ctx.mentions if sent.start <= m.start < sent.end]
            level = "major" if raw.replace("İ", "I").isupper() or raw.isupper() else "minor"
            if level == "major":
                section += 1
                headings["minor"] = None
            headings[level] = ment[-1] if ment else None
            prev_state, prev_sentence_prog = None, None
        if sent.paragraph != prev_para:
            prev_state = None
            prev_para = sent.paragraph
        sent_low = low[sent.start:sent.end]
        figures = select_figures(text, sent, nums, excluded, report_year)
        if sent.heading:
            for num in figures:
                heading_numbers.append((num, sent, section))
            continue
        if sent.table is not None:
            if sent.cells is None:  # the header row: its numbers are column heads (years)
                table_columns = {}
                continue
            row_facts = _table_row_facts(ctx, sent, figures, headings, prev_sentence_prog, table_columns)
            for f in row_facts:
                f.section = section
            facts.extend(row_facts)
            continue
        inherited = None
        if prev_state is not None and ANAPHOR.search(sent_low.replace("*", "").strip()):
            inherited = PeriodState(**prev_state.__dict__)
            inherited.cue = f"{prev_state.cue!r} in the previous sentence ('{'ise' if ' ise ' in sent_low else 'bu'}')"
        periods = PeriodReader(ctx, sent, inherited)
        sentence_groups: set[str] = set()
        sent_mentions = [m for m in ctx.mentions if sent.start <= m.start < sent.end]
        sent_cue_mentions = [(sent.start + m.start(), code, cue) for rx, code, cue in PROGRAMME_CUES
                             for m in rx.finditer(sent_low)]
        sent_facts: list[DraftFact] = []
        spans = clauses(low, sent, figures)
        comma = comma_clauses(low, sent)
        first_start = figures[0].start if figures else sent.end
        for fi, num in enumerate(figures):
            prev_end = figures[fi - 1].end if fi else sent.start
            clause_start, clause_end = spans[fi]
            clause = text[clause_start:clause_end]
            clause_low = low[clause_start:clause_end]
            # ---- unit
            unit = guess_unit(ctx, num, sent, clause)
            # ---- programme
            mine = next(c for c in comma if c[0] <= num.start < c[1])
            owned = [c for c in comma if c != mine and any(c[0] <= f.start < c[1] for f in figures)]
            programme = guess_programme(ctx, num, sent, (clause_start, clause_end), owned, first_start,
                                         sent_mentions, sent_cue_mentions, headings,
                                         sent_facts[-1].get("programme") if sent_facts else None,
                                         prev_sentence_prog, facility=unit.value == "facility")
            # ---- target group
            group = guess_group(ctx, num, sent, programme, sentence_groups)
            if unit.value in ("person", "child") and group.value != "total":
                sentence_groups.add(group.value)
            # ---- indicator
            region = clause_low
            if not VERB.search(low[num.end:clause_end]):  # no verb yet: read on to it
                region = low[clause_start:figures[fi + 1].start if fi + 1 < len(figures) else sent.end]
            indicator = guess_indicator(unit.value, region, programme.value,
                                         line_label_of(ctx, num) is not None)
            if indicator.value == "cards-issued" and unit.value in ("person", "child"):
                unit = Guess("card", "indicator 'cards-issued' counts cards", 0.75)
            # ---- period and kind
            period, kind = periods.guess(num, prev_end, clause_low, unit.value, indicator.value)
            fact = DraftFact(
                id="", quote=raw.strip(), figure=num.figure, value=num.parsed.value, start=num.start,
                parsed=num.parsed,
                guesses={"unit": unit, "programme": programme, "target_group": group,
                         "indicator": indicator, "period": period, "period_kind": kind})
            fact.approximate, fact.approximate_cue = is_approximate(num, fact.quote, text)
            sent_facts.append(fact)
        for f in sent_facts:
            f.section = section
        _detect_totals(ctx, sent, sent_facts, facts)
        facts.extend(sent_facts)
        if sent_facts:
            prev_sentence_prog = (sent_facts[-1].get("programme"), "the previous sentence's programme")
        last_mentions = [m for m in sent_mentions if not lex.is_top(m.code)]
        if last_mentions:
            prev_sentence_prog = (last_mentions[-1].code, f"{last_mentions[-1].label!r} in the previous sentence")
        prev_state = periods.state if periods.state.kind is not None else None
    kinds = schemes["period-kind"].concepts if "period-kind" in schemes else {}
    if "total" not in kinds and "year-total" in kinds:  # the code list before the new period model
        for f in facts:
            g = f.guesses["period_kind"]
            if g.value == "total":
                f.guesses["period_kind"] = Guess("year-total", g.cue, g.strength)
    facts = _merge_repeats(facts, heading_numbers, text, excluded)
    excluded.sort(key=lambda e: e.start)
    _assign_ids(facts)
    _link_totals(facts)
    return Draft(meta=meta, facts=facts, excluded=excluded)


_YEAR_CELL = re.compile(r"(19|20)\d\d")
_CAPTION_DAY = re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{4})")


def _cell_unit(words: list[str]) -> tuple[str | None, str]:
    """The unit a column head or row label names: its head noun, the last word that names one
    ("Engelli kimlik kartı verilen kişi" counts cards given, "… belgesi verilen kurum"
    certificates)."""
    low = [clean_word(w) for w in words]
    if any(w.startswith("kart") for w in low) and any(w.startswith("veril") for w in low):
        return "card", "cards given"
    if any(w.startswith("belge") for w in low) and any(w.startswith("veril") for w in low):
        return "certificate", "certificates given"
    found = [(unit_of_word(w), w) for w in low if unit_of_word(w)]
    return (found[-1][0], found[-1][1]) if found else (None, "")


def _table_row_facts(ctx: Context, sent: Sentence, figures: list[Number], headings: dict[str, Mention | None],
                     prev_prog: tuple[str, str] | None, columns: dict[int, list[DraftFact]]) -> list[DraftFact]:
    """A table row read cell by cell: the unit and indicator from its column head (or, under a
    year, from the row label), the programme from the row label, the period from the column
    head or the caption; a "Toplam" row is the stated total of the rows above it."""
    table, cells = sent.table, sent.cells
    label = cells[0]
    label_words = re.findall(r"[^\W\d_]+", label.text)
    total_row = fold(label.text).strip() in ("toplam", "genel toplam")
    mentions = [m for m in ctx.mentions if label.start <= m.start < label.end]
    caption_low = fold(table.caption)
    out = []
    for num in figures:
        col = next((i for i, c in enumerate(cells) if c.start <= num.start < c.end), None)
        if col is None or col == 0:
            continue
        head = table.header[col].text
        year_column = _YEAR_CELL.fullmatch(head.strip()) is not None
        unit_code, word = _cell_unit(label_words if year_column else re.findall(r"[^\W\d_]+", head))
        if num.parsed.kind == "amount":
            unit = Guess("TRY", f"currency word in {num.figure!r}", 1.0)
        elif unit_code is not None:
            where = "row label" if year_column else "column head"
            unit = Guess(unit_code, f"{where} {(label.text if year_column else head)!r}", 0.85)
        else:
            unit = guess_unit(ctx, num, sent, label.text)
        programme = guess_programme(ctx, num, sent, (label.start, label.end), [], sent.end, mentions, [],
                                    headings, None, prev_prog)
        group = guess_group(ctx, num, sent, programme, set())
        indicator = guess_indicator(unit.value, fold(f"{head} {label.text} {table.caption}"), programme.value, False)
        if indicator.value == "cards-issued" and unit.value in ("person", "child"):
            unit = Guess("card", "indicator 'cards-issued' counts cards", 0.75)
        cue = None
        if year_column:
            kind, period, cue = "total", head.strip(), f"column head {head.strip()!r}"
        elif (d := _CAPTION_DAY.search(caption_low)) is not None:
            kind, period = "stock", f"{d.group(3)}-{int(d.group(2)):02d}-{int(d.group(1)):02d}"
            cue = f"the table's date {d.group(0)!r} ({table.caption!r})"
        elif (y := re.search(r"(?<!\d)((?:19|20)\d\d)(?!\d)", caption_low)) is not None:
            kind, period, cue = "total", y.group(1), f"the table's year in {table.caption!r}"
        if cue is not None:
            pg, kg = Guess(period, cue, 0.8), Guess(kind, cue, 0.8)
        else:
            pg, kg = PeriodReader(ctx, sent, None).guess(num, sent.start, fold(label.text), unit.value, indicator.value)
        fact = DraftFact(id="", quote=sent.text(ctx.text).strip(), figure=num.figure, value=num.parsed.value,
                         start=num.start, parsed=num.parsed,
                         guesses={"unit": unit, "programme": programme, "target_group": group,
                                  "indicator": indicator, "period": pg, "period_kind": kg})
        fact.approximate, fact.approximate_cue = is_approximate(num, fact.quote, ctx.text)
        parts = columns.setdefault(col, [])
        if total_row and len(parts) >= 2 and sum(p.value for p in parts) == fact.value:
            fact.total_of = [str(id(p)) for p in parts]
            codes = [p.get("programme") for p in parts]
            common = ctx.lex.common_broader(codes) if len(set(codes)) > 1 else codes[0]
            if common is not None:
                fact.guesses["programme"] = Guess(common, f"the common programme of the rows {codes}", 0.8)
            groups = {p.get("target_group") for p in parts}
            fact.guesses["target_group"] = (Guess(groups.pop(), "the group of every row", 0.8) if len(groups) == 1
                                            else Guess("total", "the total of several groups", 0.8))
        elif not total_row:
            parts.append(fact)
        out.append(fact)
    return out


def _detect_totals(ctx: Context, sent: Sentence, sent_facts: list[DraftFact], earlier: list[DraftFact]) -> None:
    """A figure stated as 'toplam …' that equals the sum of the figures just before it."""
    low = ctx.low[sent.start:sent.end]
    if "toplam" not in low:
        return
    for i, f in enumerate(sent_facts):
        pool = [g for g in earlier if g.section == f.section] + sent_facts[:i]
        same = [g for g in pool if g.get("unit") == f.get("unit") or
                {g.get("unit"), f.get("unit")} <= {"person", "child"}]
        total = Fraction(0)
        parts: list[DraftFact] = []
        for g in reversed(same):
            total += g.value
            parts.insert(0, g)
            if total == f.value and len(parts) >= 2:
                f.total_of = [str(id(p)) for p in parts]
                codes = [p.get("programme") for p in parts]
                if len(set(codes)) > 1:
                    common = ctx.lex.common_broader(codes)
                    if common is not None:
                        f.guesses["programme"] = Guess(common, f"the common programme of the parts {codes}", 0.8)
                groups = {p.get("target_group") for p in parts}
                if len(groups) > 1:
                    f.guesses["target_group"] = Guess("total", "the total of several groups", 0.8)
                break
            if total > f.value:
                break


def _merge_repeats(facts: list[DraftFact], heading_numbers: list[tuple[Number, Sentence, int]],
                   text: str, unmatched: list[Excluded]) -> list[DraftFact]:
    """The same figure stated twice in a section becomes one fact with `also_quoted`; a
    number in a heading that the text does not repeat goes to `unmatched`."""
    out: list[DraftFact] = []
    for f in facts:
        twin = next((g for g in out if g.section == f.section
                     and g.value == f.value and g.value >= 10
                     and all(g.get(k) == f.get(k) for k in ("unit", "programme", "target_group", "indicator"))),
                    None)
        if twin is not None:
            twin.also_quoted.append((f.quote, f.figure, f.start))
            continue
        out.append(f)
    for num, sent, section in heading_numbers:
        # a heading that repeats a figure of its section ("46 proje hayata geçirildi")
        twin = next((g for g in out if g.section in (section, section + 1) and g.value == num.parsed.value
                     and g.start > num.start), None)
        if twin is not None:
            twin.also_quoted.append((sent.text(text).strip(), num.figure, num.start))
        else:
            unmatched.append(Excluded(num.figure, num.start, line_of(text, num.start),
                                      "in a heading, and not repeated below it: check it",
                                      re.sub(r"\s+", " ", sent.text(text)).strip()))
    return out


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _assign_ids(facts: list[DraftFact]) -> None:
    """Readable ids: programme[-target group]-indicator, the group added where it tells
    two facts apart, a number only where nothing else does."""
    taken: set[str] = set()
    for f in facts:
        programme, group, indicator = f.get("programme"), f.get("target_group"), f.get("indicator")
        short = _slug(f"{programme}-{indicator}")[:80].strip("-")
        full = _slug(f"{programme}-{group}-{indicator}")[:80].strip("-")
        named = group != "total" and group not in programme
        candidates = [full, short] if named else [short, full]
        ident = next((c for c in candidates if c not in taken), None)
        n = 2
        while ident is None:
            ident = f"{candidates[0]}-{n}" if f"{candidates[0]}-{n}" not in taken else None
            n += 1
        taken.add(ident)
        f.id = ident


def _link_totals(facts: list[DraftFact]) -> None:
    by_key = {str(id(f)): f.id for f in facts}
    for f in facts:
        if f.total_of:
            f.total_of = [by_key[k] for k in f.total_of if k in by_key]


# ---------------------------------------------------------------------------------------
# YAML

def _value(v: Fraction) -> str:
    if v.denominator == 1:
        return str(v.numerator)
    d = exact_decimal(v)
    return format(d, "f") if d is not None else yaml_quote(f"{v.numerator}/{v.denominator}")


QUALIFIERS = ("unit", "programme", "target_group", "indicator", "period", "period_kind")


def render_yaml(draft: Draft) -> str:
    m = draft.meta
    out = [
        f"# Draft written by `asdh-lod extract` from {m.text_name or m.id + '.txt'}.",
        "# Review every fact against the source: correct the quote, value and qualifiers, then set",
        "# `reviewed: true` on it (or delete it). `asdh-lod build` refuses this file while any fact",
        "# is unreviewed. `confidence` is the weakest of the fact's guesses; `cues` says what",
        "# decided each guess. Both are ignored by the build.",
    ]
    if draft.excluded:
        out.append("#")
        out.append("# Numbers in the text that are not figures (left out):")
        for e in draft.excluded:
            out.append(f"#   line {e.line}: {e.text!r} - {e.reason}: \"{e.context}\"")
    out.append("")
    out.append("draft: true")
    out.append("")
    out.append("document:")
    out.append(f"  id: {m.id}")
    en = m.title_en or m.title
    out.append(f"  title: {{tr: {yaml_quote(m.title)}, en: {yaml_quote(en)}}}" + ("" if m.title_en else "   # translate 'en'"))
    for key, value, scheme in (("publisher", m.publisher, None), ("published", m.published, None)):
        cue = m.cues.get(key)
        out.append(f"  {key}: {yaml_quote(value)}" + (f"   # {cue}" if cue else ""))
    if m.reporting_period:
        cue = m.cues.get("reporting_period")
        out.append(f"  reporting_period: {yaml_quote(m.reporting_period)}" + (f"   # {cue}" if cue else ""))
    out.append(f"  as_of: {yaml_quote(m.as_of)}" + (f"   # {m.cues['as_of']}" if "as_of" in m.cues else ""))
    out.append(f"  type: {m.type}" + (f"   # {m.cues['type']}" if "type" in m.cues else ""))
    out.append("  language: tr")
    out.append(f"  province: {yaml_quote(m.province)}" + (f"   # {m.cues['province']}" if "province" in m.cues else ""))
    if m.text_name and m.text_name != f"{m.id}.txt":
        out.append(f"  text: {yaml_quote(m.text_name)}")
    out.append("")
    out.append("facts:" if draft.facts else "facts: []")
    for f in draft.facts:
        out.append(f"  - id: {f.id}")
        out.append(f"    quote: {yaml_quote(f.quote)}")
        out.append(f"    figure: {yaml_quote(f.figure)}")
        out.append(f"    value: {_value(f.value)}")
        if f.approximate:
            out.append(f"    approximate: true   # {f.approximate_cue}")
        for q in QUALIFIERS:
            out.append(f"    {q}: {yaml_quote(f.get(q)) if q == 'period' else f.get(q)}")
        if f.total_of:
            out.append(f"    total_of: [{', '.join(f.total_of)}]")
        if f.also_quoted:
            out.append("    also_quoted:")
            for quote, figure, _ in f.also_quoted:
                out.append(f"      - {{quote: {yaml_quote(quote)}, figure: {yaml_quote(figure)}}}")
        out.append("    reviewed: false")
        out.append(f"    confidence: {f.confidence}")
        out.append("    cues:")
        for q in QUALIFIERS:
            g = f.guesses[q]
            out.append(f"      {q}: {yaml_quote(g.cue)}")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def load_schemes(data_dir) -> tuple[dict[str, Scheme], list]:
    """The code lists of a data folder (and the problems reading them), by the build's loader."""
    report = Report()
    schemes = load_codelists(Path(data_dir), report)
    return schemes, report.problems


# ---------------------------------------------------------------------------------------
# from files (what the command line calls)

class ExtractError(ValueError):
    """A bad option or input file: the message says what to fix."""


def draft_file(source_txt, data_dir, *, doc_id: str | None = None, **options) -> Draft:
    """Draft the facts of a source text file with the code lists of `data_dir`.

    `options` are `infer_meta`'s keyword arguments (province, published, title, …); what
    they leave out is read from the text."""
    source_txt = Path(source_txt)
    schemes, problems = load_schemes(data_dir)
    if problems or "programme" not in schemes or "province" not in schemes:
        report = Report()
        report.extend(problems)
        if not problems:
            raise ExtractError(f"no code lists in {Path(data_dir) / 'codelists'}; pass --data DIR")
        raise ProblemsFound("extract", report)
    try:
        text = read_text(source_txt, display_path(source_txt))
    except YamlError as e:
        report = Report()
        report.add(e.problem)
        raise ProblemsFound("extract", report) from None
    title_en = options.pop("title_en", None)
    province = options.get("province")
    if province is not None and province not in schemes["province"].concepts:
        raise ExtractError(f"--province {province!r} is not a plate code in codelists/provinces.yaml (e.g. 44)")
    for key in ("published", "as_of"):
        if options.get(key) is not None:
            try:
                parse_unit(str(options[key]))
            except PeriodError:
                raise ExtractError(f"--{key.replace('_', '-')} {options[key]!r} is not a date: "
                                   "write YYYY, YYYY-MM or YYYY-MM-DD") from None
    for key, scheme in (("publisher", "organisation"), ("doc_type", "document-type")):
        v = options.get(key)
        if v is not None and v not in schemes[scheme].concepts:
            raise ExtractError(f"--{'type' if key == 'doc_type' else key} {v!r} is not in codelists "
                               f"({', '.join(sorted(schemes[scheme].concepts))})")
    ident = doc_id or source_txt.stem
    meta = infer_meta(text, schemes, ident, **options)
    meta.title_en = title_en
    if source_txt.name != f"{ident}.txt":
        meta.text_name = source_txt.name
    missing = [k for k in ("published", "as_of", "province") if not getattr(meta, k)]
    if missing:
        raise ExtractError(f"cannot tell the document's {', '.join(missing)} from the text: pass "
                           + " ".join(f"--{k.replace('_', '-')}" for k in missing))
    return extract(text, schemes, meta)


def write_atomic(path, content: str, *, force: bool = False) -> None:
    """Write a draft to `path` atomically; an existing file only with `force`."""
    path = Path(path)
    if path.exists() and not force:
        raise ExtractError(f"{path} exists; pass --force to replace it (a curated file is never "
                           "overwritten by accident)")
    write_file(path, content.encode("utf-8"))
