"""Finding numbers in a text (digits, scale words, currency) and deciding which are not
statistical figures, and why: years, dates, law numbers, ordinals, ages, durations, ranges
and limits of rules, percentages of rules, definitions, ornaments."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..core.text import fold
from ..model.numbers import NumberFormatError, ParsedNumber, parse_number

from .records import Excluded
from .text import APOS, MONTHS, SCALES, Sentence, Token, blank_between, line_of, tokenize, unit_of_word


# ---------------------------------------------------------------------------------------
# finding numbers

@dataclass
class Number:
    """A number as written in the text, with its tokens and the words around it."""

    figure: str
    start: int
    end: int
    tokens: list[Token]
    index: int            # index of its first token in the sentence's token list
    last: int             # index of its last token (currency included)
    parsed: ParsedNumber | None
    hedged: bool = False


def find_numbers(text: str, start: int = 0, end: int | None = None) -> list[Number]:
    """Every number written in text[start:end]: digits, scale words, currency, suffixes."""
    end = len(text) if end is None else end
    toks = tokenize(text, start, end)
    out: list[Number] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        if t.kind in ("iso", "pct", "ratio"):
            try:
                parsed = parse_number(t.text) if t.kind != "iso" else None
            except NumberFormatError:
                parsed = None
            out.append(Number(t.text, t.start, t.end, toks, i, i, parsed))
            i += 1
            continue
        if not (t.kind == "num" or (t.kind == "word" and t.low in SCALES)):
            i += 1
            continue
        j = i
        while j + 1 < len(toks) and blank_between(text, toks[j], toks[j + 1]) and (
                toks[j + 1].kind == "num" or (toks[j + 1].kind == "word" and toks[j + 1].low in SCALES)):
            j += 1
        # the longest prefix that reads as a number (a bare scale word alone is not one)
        parsed = None
        while j >= i:
            run = text[toks[i].start:toks[j].end]
            if not (j == i and toks[i].kind == "word" and toks[i].low != "bin"):
                try:
                    parsed = parse_number(run)
                    break
                except NumberFormatError:
                    pass
            j -= 1
        if parsed is None:
            i += 1
            continue
        last = j
        # a currency word after it
        k = j + 1
        if k < len(toks) and blank_between(text, toks[j], toks[k]) and toks[k].kind == "word":
            w = toks[k].low
            if w in ("tl", "lira", "₺"):
                last = k
            elif w == "türk" and k + 1 < len(toks) and toks[k + 1].low == "lirasi":
                last = k + 1
        figure = text[toks[i].start:toks[last].end]
        if last != j:
            parsed = parse_number(figure)
        hedged = i > 0 and toks[i - 1].kind == "word" and toks[i - 1].low in ("yaklaşik", "tahmini") \
            and blank_between(text, toks[i - 1], toks[i], allow_bold=True)
        out.append(Number(figure, toks[i].start, toks[last].end, toks, i, last, parsed, hedged))
        i = last + 1
    return out


# ---------------------------------------------------------------------------------------
# what is not a figure

_RULE_SENTENCE = re.compile(r"\b(ulusal|ülke genelinde|oluşmaktadir|oluşur)\b")
_LIMIT_BEFORE = ("en az", "en fazla", "en çok", "asgari", "azami")
# a plan or target ("… açmayı hedefliyoruz", "… planlanmaktadır", "… açılacaktır")
_PLAN = re.compile(r"hedefl|planl|\w+(?:acak|ecek)(?:tir|tır|iz|ız)?\b")
_DURATION = re.compile(r"^(gün|saat|yil|ay|hafta|dakika)$")


def _definition(sentence_low: str) -> bool:
    """A sentence that defines a kind of service: a plural noun and the copula at its end
    ("… merkezlerdir.", "… birimleridir."). Its numbers are rules, not figures. A locative
    with the copula ("bakım altındadır") states a fact and is not one."""
    words = re.findall(r"[^\W\d_]+", sentence_low.replace("*", ""))
    return bool(words) and re.search(r"l[ae]r[iı]?[dt][iı]r$", words[-1]) is not None


def _exclusion(text: str, num: Number, sent: Sentence, year_like: bool, report_year: int | None) -> str | None:
    toks, i, k = num.tokens, num.index, num.last
    nxt = toks[k + 1] if k + 1 < len(toks) else None
    prv = toks[i - 1] if i > 0 else None
    after = text[num.end:num.end + 3]
    before = text[max(sent.start, num.start - 3):num.start]
    low_sent = fold(sent.text(text))
    if num.tokens[i].kind == "iso":
        return "date"
    if num.tokens[i].kind == "ratio":
        return "round-the-clock service (7/24)" if num.figure == "7/24" else "ratio of a rule"
    if num.tokens[i].kind == "pct":
        if re.search(r"oranind|ve üzeri|ve altı|en az|en fazla|kadar|altind|üzerind", low_sent):
            return "percentage of a rule"
        return "percentage: a share or a change, not a count"
    value = num.parsed.value if num.parsed else None
    plain = num.figure.isdigit()
    nxt_low = nxt.low if nxt is not None and nxt.kind == "word" else ""
    prv_low = prv.low if prv is not None and prv.kind == "word" else ""
    line_start = text.rfind("\n", 0, num.start) + 1
    line_head = fold(text[line_start:num.start])
    if plain and not line_head.strip(" *\t") and re.match(r"[.)]\s", text[num.end:num.end + 2]):
        return "item number"
    if plain and (prv_low == "alo" or nxt_low in ("acil", "hatti", "hattina", "hattini", "hattinda")):
        return "hotline number"
    if plain and re.search(r"\b(telefon|tel|faks|gsm)\s*:?[\s\d]*$", line_head):
        return "phone number"
    if plain and re.search(r"\bno\s*:\s*$", line_head):
        return "address (door number)"
    if plain and len(num.figure) == 5 and re.match(r"\s+[^\W\d_]+/", text[num.end:num.end + 30]):
        return "address (postal code)"
    if plain and re.search(r"\b(sayi|no)\s*:\s*$", line_head):
        return "edition code"
    if plain and prv_low == "tablo":
        return "table number"
    if report_year is not None and _PLAN.search(low_sent) \
            and any(int(y) > report_year for y in re.findall(r"(?<!\d)(20\d\d)(?!\d)", low_sent)):
        return "target: a plan for a later year, not an observation"
    if plain and prv is not None and prv.kind == "word" and text[prv.end:num.start] == "-":
        return "part of a name"
    if nxt_low in MONTHS and plain and 1 <= int(num.figure) <= 31:
        return "date (day of a month)"
    if plain and prv is not None and prv.kind == "word" and prv.low in MONTHS:
        return "date (year of a month)"
    if nxt_low == "sayili":
        return "law number"
    if prv is not None and prv.low == "yüzde":
        return "percentage in words ('yüzde …'): a share or a change, not a count"
    if plain and len(num.figure) <= 2 and re.match(r"\.\s+[^\W\d_]", text[num.end:num.end + 3]) \
            and num.end + 1 < sent.end - 1:
        return "ordinal"
    dash = re.match(r"\s*[-–]\s*(\d+)", text[num.end:num.end + 8])
    dash_before = re.search(r"(\d+)\s*[-–]\s*$", text[max(sent.start, num.start - 8):num.start])
    if year_like:
        if nxt_low.startswith("yil") or dash or dash_before or prv is not None and prv.low in MONTHS \
                or after[:1] in APOS or before.endswith("(") or nxt is None or nxt.kind != "word" \
                or not unit_of_word(nxt_low):
            return "year"
    if dash_before and dash_before.group(1).isdigit() and 1900 <= int(dash_before.group(1)) <= 2100 \
            and value is not None and value < 100:
        return "issue number (after a year)"
    if (dash or dash_before) and plain:
        return "range of a rule"
    if nxt_low.startswith("yaş") and not nxt_low.startswith("yaşl"):
        return "age"
    if _DURATION.match(nxt_low):
        return "duration"
    prefix = fold(text[max(sent.start, num.start - 12):num.start]).replace("*", "").strip()
    if any(prefix.endswith(p) for p in _LIMIT_BEFORE):
        return "limit of a rule"
    if _RULE_SENTENCE.search(low_sent):
        return "national figure or rule, not the province's"
    if not sent.heading and _definition(low_sent):
        return "definition (a rule)"
    line_start = text.rfind("\n", 0, num.start) + 1
    line_end = text.find("\n", num.end)
    line = text[line_start:line_end if line_end >= 0 else len(text)].strip(" *")
    if line == num.figure:
        return "a number alone on a line (cover or page ornament)"
    return None


def select_figures(text: str, sent: Sentence, nums: list[Number], excluded: list[Excluded],
                   report_year: int | None = None) -> list[Number]:
    """The statistical figures among a sentence's numbers; the others go to `excluded`.
    `report_year`: the last year the document reports on (a later one in a sentence of plans
    makes its numbers targets)."""
    figures = []
    for num in nums:
        year_like = num.figure.isdigit() and len(num.figure) == 4 and 1900 <= int(num.figure) <= 2100
        reason = _exclusion(text, num, sent, year_like, report_year)
        if reason is None and num.parsed is None:
            reason = "not a number"
        if reason is None:
            figures.append(num)
            continue
        a, b = max(sent.start, num.start - 30), min(sent.end, num.end + 30)
        excluded.append(Excluded(num.figure, num.start, line_of(text, num.start), reason,
                                 re.sub(r"\s+", " ", text[a:b]).strip()))
    return figures


def is_approximate(num: Number, quote: str, text: str) -> tuple[bool, str]:
    if num.parsed.rounded:
        return True, f"{num.figure!r} is rounded"
    # the same reading as the loader's check: the word right beside the figure in the quote
    at = quote.find(num.figure)
    before = quote[:at].split()[-1:] if at >= 0 else []
    after = quote[at + len(num.figure):].split()[:1] if at >= 0 else []
    if before and fold(before[0]) in ("yaklaşik", "tahmini"):
        return True, f"{before[0]!r} before the figure"
    if after and fold(after[0]).startswith("civarind"):
        return True, f"{after[0]!r} after the figure"
    return False, ""
