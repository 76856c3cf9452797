"""Extract stage: a Turkish source text → a draft fact file for a curator to review.

`extract(text, schemes, meta)` finds every statistical figure in the text, reads it with the
Turkish number reader (`numbers.parse_number`), and guesses its unit, programme, target
group, indicator, period and period kind from

- the code lists' Turkish labels and alternative labels (``skos:altLabel``: ASDEP, ŞÖNİM,
  SED, …), matched with Turkish suffixes allowed ("Aile Eğitim Programından");
- the document's section headings ("ÇOCUK HİZMETLERİ", "Sosyal Ekonomik Destek (SED)");
- cue phrases: "her ay ortalama" → monthly average, "2013 yılından itibaren" / "2017-2025
  yılları arasında" → cumulative, "2025 yılında" → that year's total, "bulunmaktadır",
  "verilmektedir" → stock at the document's date; the noun after the figure ("kişi",
  "çocuk", "hane", "kapasite", …) for the unit and target group.

Numbers that are not figures -- years, dates, law numbers ("6284 sayılı"), ordinals, ages,
durations, ranges and limits of rules, percentages and ratios that are rules -- are listed
in `Draft.excluded` with the reason. Every guess carries the cue that decided it and a
strength; a fact's confidence is the weakest of its guesses. Nothing here writes files:
`Draft.to_yaml()` renders the draft in the format of ``data/sources/*.yaml`` (with
``draft: true`` and ``reviewed: false`` on every fact), and `compare` matches a draft
against a curated file (for ``asdh-lod extract --diff`` and the evaluation script).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction

from pathlib import Path

from ..core.fsio import write_file
from ..core.problems import ProblemsFound, Report
from ..core.text import fold, yaml_quote
from ..ingest.load import display_path, load_source
from ..ingest.load import load_schemes as load_codelists
from ..ingest.yamlsrc import YamlError, read_text
from ..model.numbers import NumberFormatError, ParsedNumber, exact_decimal, parse_number
from ..model.periods import PeriodError, parse_unit
from ..model.records import Scheme, Source

__all__ = ["Draft", "DraftFact", "Excluded", "Guess", "Meta", "compare", "extract", "fold",
           "find_numbers", "infer_meta", "Comparison"]


# ---------------------------------------------------------------------------------------
# text helpers

_MONTHS = ("ocak", "şubat", "mart", "nisan", "mayis", "haziran", "temmuz", "ağustos",
           "eylül", "ekim", "kasim", "aralik")
_SCALES = ("bin", "milyon", "milyar", "trilyon")
_APOS = "'’‘ʼ"

_TOKEN = re.compile(r"""
    (?P<iso>(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)|(?<![\d.])\d{1,2}[./]\d{1,2}[./]\d{4}(?![\d.]))
  | (?P<pct>%\s?\d+(?:,\d+)?)
  | (?P<ratio>(?<![\d/])\d+/\d+(?![\d/]))
  | (?P<num>\d{1,3}(?:\.\d{3})+(?:,\d+)?(?!\d)|\d+(?:,\d+)?)
  | (?P<word>[^\W\d_]+)
""", re.X)


@dataclass
class Token:
    kind: str  # iso | pct | ratio | num | word
    text: str
    start: int
    end: int

    @property
    def low(self) -> str:
        return fold(self.text)


@dataclass
class Sentence:
    start: int
    end: int
    paragraph: int
    heading: bool = False

    def text(self, doc: str) -> str:
        return doc[self.start:self.end]


# ---------------------------------------------------------------------------------------
# results

@dataclass
class Guess:
    """One qualifier's best guess, the cue that decided it, and how strong that cue is."""

    value: str
    cue: str
    strength: float


@dataclass
class Excluded:
    """A number in the text that is not a statistical figure, and why."""

    text: str
    start: int
    line: int
    reason: str
    context: str


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
class Meta:
    """The document record of a draft: given on the command line or inferred from the text."""

    id: str
    title: str
    publisher: str
    published: str
    as_of: str
    type: str
    province: str
    reporting_period: str | None = None
    text_name: str | None = None  # the .txt name when it is not <id>.txt
    title_en: str | None = None
    cues: dict[str, str] = field(default_factory=dict)


@dataclass
class Draft:
    meta: Meta
    facts: list[DraftFact]
    excluded: list[Excluded]

    def to_yaml(self) -> str:
        return render_yaml(self)


# ---------------------------------------------------------------------------------------
# segmentation: paragraphs, headings, sentences

_TERMINAL = ".!?:;"


def _paragraphs(text: str) -> list[tuple[int, int]]:
    out = []
    for m in re.finditer(r"\S(?:.|\n(?![ \t\r]*\n))*", text):
        body = m.group().rstrip()
        out.append((m.start(), m.start() + len(body)))
    return out


def _is_fragment(text: str) -> bool:
    """An unfinished line that the next lower-case paragraph completes ("Elazığ ilinde")."""
    last = re.findall(r"[^\W\d_]+", text)
    if "\n" in text.strip():
        return True
    return bool(last) and bool(re.search(r"(n?d[ae]|n?t[ae])$", fold(last[-1])))


def segment(text: str) -> list[Sentence]:
    """Split into sentences; a paragraph without a full stop is a heading."""
    paras = _paragraphs(text)
    merged: list[list[int]] = []
    for i, (s, e) in enumerate(paras):
        body = text[s:e]
        if merged and body[:1].islower():
            # continues an unfinished paragraph: join back over fragments
            group = merged[-1]
            while len(merged) > 1 and _is_fragment(text[merged[-2][0]:merged[-2][1]]) \
                    and text[merged[-2][0]:merged[-2][1]].rstrip()[-1:] not in _TERMINAL \
                    and _is_fragment(text[group[0]:group[1]]):
                prev = merged.pop(-2)
                group[0] = prev[0]
            group[1] = e
            continue
        merged.append([s, e])
    sentences = []
    for p, (ps, pe) in enumerate(merged):
        body = text[ps:pe]
        if body.rstrip()[-1:] not in _TERMINAL and "\n" not in body and len(body) <= 140 \
                and not _BULLET.match(body):
            sentences.append(Sentence(ps, pe, p, heading=True))
            continue
        for s, e in _items(text, ps, pe):
            sentences.extend(_split_sentences(text, s, e, p))
    return sentences


_BULLET = re.compile(r"[ \t]*[-•–·*][ \t]+(?=\S)")


def _items(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """A paragraph cut before each bulleted line ("- Evde bakım …: 2.906"): each is a sentence."""
    cuts = [s] + [s + m.start() + 1 for m in re.finditer(r"\n(?=[ \t]*[-•–·*][ \t]+\S)", text[s:e])]
    out = []
    for a, b in zip(cuts, cuts[1:] + [e]):
        chunk = text[a:b]
        a2 = a + len(chunk) - len(chunk.lstrip())
        b2 = a + len(chunk.rstrip())
        if a2 < b2:
            out.append((a2, b2))
    return out


def _split_sentences(text: str, s: int, e: int, p: int) -> list[Sentence]:
    out = []
    body = text[s:e]
    cut = s
    for m in re.finditer(r"[.!?](?:\*\*)?(?=\s+[\"“*]*[A-ZÇĞİÖŞÜ0-9])", body):
        before = body[:m.start()]
        if re.search(r"(?<![\d.])\d{1,2}$", before) and not re.search(r"\d[.,]\d{1,2}$", before):
            continue  # "4. Ulusal Eylem Planı": an ordinal, not a sentence end
        end = s + m.end()
        out.append(Sentence(cut, end, p))
        cut = end
        while cut < e and text[cut].isspace():
            cut += 1
    if cut < e:
        out.append(Sentence(cut, e, p))
    return out


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


def _tokens(text: str, start: int, end: int) -> list[Token]:
    return [Token(m.lastgroup, m.group(), start + m.start(), start + m.end())
            for m in _TOKEN.finditer(text[start:end])]


def _gap(text: str, a: Token, b: Token, allow_bold: bool = False) -> bool:
    """True when only blanks (and, if allowed, bold markers) separate two tokens."""
    between = text[a.end:b.start]
    if allow_bold:
        between = between.replace("*", "")
    return between.strip() == "" and "\n\n" not in between


def find_numbers(text: str, start: int = 0, end: int | None = None) -> list[Number]:
    """Every number written in text[start:end]: digits, scale words, currency, suffixes."""
    end = len(text) if end is None else end
    toks = _tokens(text, start, end)
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
        if not (t.kind == "num" or (t.kind == "word" and t.low in _SCALES)):
            i += 1
            continue
        j = i
        while j + 1 < len(toks) and _gap(text, toks[j], toks[j + 1]) and (
                toks[j + 1].kind == "num" or (toks[j + 1].kind == "word" and toks[j + 1].low in _SCALES)):
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
        if k < len(toks) and _gap(text, toks[j], toks[k]) and toks[k].kind == "word":
            w = toks[k].low
            if w in ("tl", "lira", "₺"):
                last = k
            elif w == "türk" and k + 1 < len(toks) and toks[k + 1].low == "lirasi":
                last = k + 1
        figure = text[toks[i].start:toks[last].end]
        if last != j:
            parsed = parse_number(figure)
        hedged = i > 0 and toks[i - 1].kind == "word" and toks[i - 1].low in ("yaklaşik", "tahmini") \
            and _gap(text, toks[i - 1], toks[i], allow_bold=True)
        out.append(Number(figure, toks[i].start, toks[last].end, toks, i, last, parsed, hedged))
        i = last + 1
    return out


# ---------------------------------------------------------------------------------------
# what is not a figure

_RULE_SENTENCE = re.compile(r"\b(ulusal|ülke genelinde|oluşmaktadir|oluşur)\b")
_LIMIT_BEFORE = ("en az", "en fazla", "en çok", "asgari", "azami")
_DURATION = re.compile(r"^(gün|saat|yil|ay|hafta|dakika)$")


def _definition(sentence_low: str) -> bool:
    """A sentence that defines a kind of service: a plural noun and the copula at its end
    ("… merkezlerdir.", "… birimleridir."). Its numbers are rules, not figures. A locative
    with the copula ("bakım altındadır") states a fact and is not one."""
    words = re.findall(r"[^\W\d_]+", sentence_low.replace("*", ""))
    return bool(words) and re.search(r"l[ae]r[iı]?[dt][iı]r$", words[-1]) is not None


def _exclusion(text: str, num: Number, sent: Sentence, year_like: bool) -> str | None:
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
        return None
    value = num.parsed.value if num.parsed else None
    plain = num.figure.isdigit()
    nxt_low = nxt.low if nxt is not None and nxt.kind == "word" else ""
    if plain and prv is not None and prv.kind == "word" and text[prv.end:num.start] == "-":
        return "part of a name"
    if nxt_low in _MONTHS and plain and 1 <= int(num.figure) <= 31:
        return "date (day of a month)"
    if plain and prv is not None and prv.kind == "word" and prv.low in _MONTHS:
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
        if nxt_low.startswith("yil") or dash or dash_before or prv is not None and prv.low in _MONTHS \
                or after[:1] in _APOS or before.endswith("(") or nxt is None or nxt.kind != "word" \
                or not _unit_of_word(nxt_low):
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


# ---------------------------------------------------------------------------------------
# vocabularies: nouns after a figure, cue words

def _rx(pattern: str) -> re.Pattern:
    return re.compile(fold(pattern))


# the noun after a figure (folded, apostrophes removed) → its unit; first match wins
_UNIT_WORDS: list[tuple[re.Pattern, str]] = [
    (_rx(r"^(kapasite)"), "place"),
    (_rx(r"^(kart)"), "card"),
    (_rx(r"^(belge)"), "certificate"),
    (_rx(r"^(tarama)"), "survey"),
    (_rx(r"^(görüşme)"), "interview"),
    (_rx(r"^(başvuru)"), "application"),
    (_rx(r"^(proje)"), "project"),
    (_rx(r"^(kooperatif)"), "cooperative"),
    (_rx(r"^(vakf|vakıf|sydv)"), "foundation"),
    (_rx(r"^(afet|etkinlik)"), "event"),
    (_rx(r"^(hane)"), "household"),
    (_rx(r"^(kreş|merkez|konukev|huzurev|bakımev|kulüb|kulüp|site|kuruluş)"), "facility"),
    (_rx(r"^ev(?=$|i|ler)"), "facility"),
    (_rx(r"^aile(?=$|ye|nin|ler|y[ie]$)"), "family"),
    (_rx(r"^(çocu)"), "child"),
    (_rx(r"^(kişi|birey|vatandaş|kullanıcı|genç|kadın|erkek|engelli|yaşlı|şehit|gazi|yakın)"), "person"),
]
_POSSESSIVE = re.compile(r"^(l[ae]r)?(s?[iuü](n|m[iuü]z)?|[iuü]m[iuü]z)([dt][ae]|[dt][ae]n|[ny]?[ae])?$")

# words naming a target group (folded)
_GROUP_WORDS: list[tuple[re.Pattern, str]] = [
    (_rx(r"^(kadın|kadınlar)"), "women"),
    (_rx(r"^(erkek)"), "men"),
    (_rx(r"^(çocu)"), "children"),
    (_rx(r"^(genç)"), "young-people"),
    (_rx(r"^(engelli)"), "disabled"),
    (_rx(r"^(yaşlı|huzurev)"), "elderly"),
    (_rx(r"^(gazi)"), "veterans"),
    (_rx(r"^(şehit)"), "martyrs"),
]

# a programme's usual target group, when the sentence names none
_PROGRAMME_GROUP = {
    "child-services": "children", "women-services": "women",
    "disability-residential-care": "disabled", "home-care-allowance": "disabled",
    "disability-id-card": "disabled", "nursing-homes": "elderly", "private-nursing-homes": "elderly",
    "martyrs-veterans-services": "martyrs-relatives-and-veterans",
    "young-marriage-support": "young-people", "violence-prevention-centres": "total",
    "social-projects": "total", "social-assistance": "total", "accessibility": "total",
}

# cue words for programmes that are not names (so not alternative labels)
_PROGRAMME_CUES: list[tuple[re.Pattern, str, str]] = [
    (_rx(r"\b(bedel\w*|ihale\w*)"), "investments", "an investment cost or tender"),
    (_rx(r"\bistihdam"), "martyrs-veterans-employment", "employment of martyrs' relatives and veterans"),
    (_rx(r"\bücretsiz bakıl\w*"), "free-childcare", "free care"),
]

_MONTHLY = _rx(r"her ay ortalama|aylık ortalama|ayda ortalama")
_SINCE = _rx(r"(\d{4})\s+yılından\s+(itibaren|bu yana|bugüne kadar)")
_BETWEEN = _rx(r"(\d{4})\s*[-–]\s*(\d{4})\s+yılları\s+arasında")
_ASOF = _rx(r"(\d{4})\s+yılı\s+(?:sonu\s+itibarıyla|itibarıyla|sonunda)")
_DATE_ASOF = _rx(r"(?:(\d{4}-\d{2}-\d{2})|(\d{1,2})[./](\d{1,2})[./](\d{4}))\s+(?:tarihi\s+)?itibarıyla")
_INYEAR = _rx(r"(\d{4})\s+yıl(ı boyunca|ı içerisinde|ı içinde|ında)\b")
_SAMEYEAR = _rx(r"\b(yıl boyunca|aynı yıl içerisinde|aynı yıl içinde|yıl içerisinde|yıl içinde)\b")
_ANAPHOR = _rx(r"^(bu kapsamda|bu alanda|bu amaçla)|\bise\b")
_STOCK = _rx(r"\b(bulunmakta\w*|bulunurken|bulunan|mevcut\w*|sürdürülürken|\w+m[ae]kt[ae](d[ıi]r)?"
              r"|\w+[dt][ae]d[ıiuü]r|\w+[ıiuü]yor\w*)\b")
_PERFECT = _rx(r"\b\w+m[ıiuü]ş(t[ıiuü]r)?\b")
_STOCK_INDICATORS = {"capacity", "facilities", "foundations", "registered-persons", "investment-cost"}
_BOOKLET_STOCK_INDICATORS = _STOCK_INDICATORS | {"beneficiaries", "caregiving-families"}


def _clean_word(word: str) -> str:
    return fold(re.sub(f"[{_APOS}]", "", word))


def _unit_of_word(low: str) -> str | None:
    for rx, unit in _UNIT_WORDS:
        if rx.search(low):
            return unit
    return None


def _group_of_word(low: str) -> str | None:
    for rx, group in _GROUP_WORDS:
        if rx.search(low):
            return group
    return None


# ---------------------------------------------------------------------------------------
# code-list labels in the text

@dataclass
class Mention:
    start: int
    end: int
    code: str
    label: str


def _root(word: str, compound: bool = False) -> str:
    """The stem a label's last word is matched by: "Programı" → "program", "Evleri" → "ev"
    (two-letter stems only after another word: "Çocuk Evleri")."""
    w = fold(word)
    for pattern in (r"(l[ae]r)?(s[iuü]|[iuü])$", r"m[ae]$"):
        stripped = re.sub(pattern, "", w)
        if len(stripped) >= 3 or (len(stripped) >= 2 and (compound or len(w) <= 5)):
            w = stripped
    return w


def _label_pattern(label: str) -> re.Pattern | None:
    words = re.findall(r"[^\W\d_]+", label)
    if not words:
        return None
    if len(words) == 1 and label.isupper() and len(label) <= 6:
        return re.compile(r"(?<![^\W\d_])" + re.escape(label) + r"(?![^\W\d_])")  # acronym, as written
    parts = [re.escape(fold(w)) for w in words[:-1]] + [re.escape(_root(words[-1], len(words) > 1)) + r"[\w'’]*"]
    return re.compile(r"(?<![^\W\d_])" + r"[\s*]+".join(parts))


class Lexicon:
    """Every programme label and alternative label of the code lists, as text patterns."""

    def __init__(self, schemes: dict[str, Scheme]):
        self.schemes = schemes
        self.programme = schemes["programme"]
        self.patterns: list[tuple[re.Pattern, str, str, bool]] = []  # pattern, code, label, acronym
        for c in self.programme.concepts.values():
            labels = [c.label.get("tr", "")] + list(c.alt.get("tr", []))
            for label in labels:
                label = re.sub(r"\s*\(.*?\)", "", label).strip()
                p = _label_pattern(label)
                if p is not None:
                    self.patterns.append((p, c.code, label, label.isupper() and len(label) <= 6))

    def mentions(self, text: str, low: str) -> list[Mention]:
        found: list[Mention] = []
        for p, code, label, acronym in self.patterns:
            for m in p.finditer(text if acronym else low):
                found.append(Mention(m.start(), m.end(), code, label))
        # the longest wins where mentions overlap ("Çocuk Evleri Sitesi" over "Çocuk Evleri")
        found.sort(key=lambda m: (-(m.end - m.start), m.start))
        kept: list[Mention] = []
        for m in found:
            if not any(m.start < k.end and k.start < m.end for k in kept):
                kept.append(m)
        return sorted(kept, key=lambda m: m.start)

    def ancestors(self, code: str) -> list[str]:
        out = []
        c = self.programme.concepts.get(code)
        while c is not None and c.broader:
            out.append(c.broader)
            c = self.programme.concepts.get(c.broader)
        return out

    def is_top(self, code: str) -> bool:
        return self.programme.concepts[code].broader is None

    def common_broader(self, codes: list[str]) -> str | None:
        chains = [[c] + self.ancestors(c) for c in codes]
        for candidate in chains[0]:
            if all(candidate in chain for chain in chains[1:]):
                return candidate
        return None


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
        if m:
            published, cues["published"] = m.group(1), f"the date line {m.group(0).strip()!r}"
        else:
            m = re.search(r"(?m)^\s*(" + "|".join(_MONTHS) + r")\s+(\d{4})\s*$", low)
            if m:
                published = f"{m.group(2)}-{_MONTHS.index(m.group(1)) + 1:02d}"
                cues["published"] = f"the cover date {text[m.start(1):m.end(2)]!r}"
    if reporting_period is None:
        m = re.search(fold(r"(\d{4})\s+(?:yılına\s+(?:ilişkin|ait)\s+)?faaliyet rapor"), low)
        if m:
            reporting_period = m.group(1)
            cues["reporting_period"] = f"{text[m.start():m.end()]!r}"
    if as_of is None:
        if reporting_period is not None:
            as_of = f"{reporting_period}-12-31"
            cues["as_of"] = "the end of the reporting year"
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
    if doc_type is None:
        if "kitapçi" in low or "bilgi notu" in low:
            doc_type, cues["type"] = "province-booklet", "'kitapçığı' / 'bilgi notu' in the text"
        elif re.search(fold(r"yayımlandı|paylaştı|açıkladı|haber"), low):
            doc_type, cues["type"] = "news-item", "reports on a publication ('yayımlandı', 'paylaştı')"
        else:
            doc_type, cues["type"] = "activity-report", "default"
    if title is None:
        paras = [text[s:e].strip() for s, e in _paragraphs(text)]
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


# ---------------------------------------------------------------------------------------
# the extractor

@dataclass
class _Ctx:
    """What every guess may look at: the text (as written and folded), the document record,
    the code lists' labels and where they are named."""

    text: str
    low: str
    meta: Meta
    lex: Lexicon
    mentions: list[Mention]


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _words_after(ctx: _Ctx, num: Number, stop: int, limit: int, commas: bool) -> list[Token]:
    """The words after a figure, up to the next number, punctuation or `limit` words."""
    out = []
    toks = num.tokens
    prev_end = num.end
    for t in toks[num.last + 1:]:
        if t.start >= stop or t.kind != "word":
            break
        gap = ctx.text[prev_end:t.start].replace("*", "")
        if re.search(r"[.;:!?()]" if commas else r"[.;:,!?()]", gap) or "\n\n" in gap:
            break
        if gap.strip(" \n,") and not commas:
            break
        out.append(t)
        prev_end = t.end
        if len(out) >= limit:
            break
    return out


def _words_before(ctx: _Ctx, num: Number, start: int, limit: int, skip_numbers: bool = False) -> list[Token]:
    out = []
    toks = num.tokens
    for t in reversed(toks[:num.index]):
        if t.end <= start:
            break
        if t.kind != "word":
            if skip_numbers:
                continue
            break
        out.insert(0, t)
        if len(out) >= limit:
            break
    return out


def _guess_unit(ctx: _Ctx, num: Number, sent: Sentence, clause: str) -> Guess:
    p = num.parsed
    if p.kind == "amount":
        return Guess("TRY", f"currency word in {num.figure!r}", 1.0)
    if p.kind == "percent":
        return Guess("percent", "'%'", 1.0)
    after = _words_after(ctx, num, sent.end, 5, commas=False)
    label = _line_label(ctx, num)
    if label is not None:
        u = _unit_of_word(_clean_word(label.text))
        if u:
            return Guess(u, f"line label {label.text!r}", 0.8)
    chosen = None
    for idx, t in enumerate(after):
        low = _clean_word(t.text)
        unit = _unit_of_word(low)
        if unit is None:
            continue
        chosen = (unit, t, idx)
        break
    if chosen is not None:
        unit, t, idx = chosen
        low = _clean_word(t.text)
        if unit in ("person", "child") or low == _root_of(low, unit):
            # a modifier before a compound head ("Çocuk Evinde", "kadın kooperatifi")
            for t2 in after[idx + 1:]:
                low2 = _clean_word(t2.text)
                u2 = _unit_of_word(low2)
                stem = _stem_len(low2, u2)
                if u2 and u2 != unit and stem is not None and _POSSESSIVE.match(low2[stem:]):
                    return Guess(u2, f"compound head {t2.text!r} after the figure", 0.85)
        if unit in ("person", "child") and re.search(r"\bkart\w*\s+(veril|dağıt|teslim)", fold(clause)):
            return Guess("card", "cards given to people ('kart verildi')", 0.75)
        return Guess(unit, f"noun {t.text!r} after the figure", 0.9)
    before = _words_before(ctx, num, sent.start, 3)
    if before and before[-1].low.startswith("sayis"):
        for t in reversed(before[:-1]):
            unit = _unit_of_word(_clean_word(t.text))
            if unit:
                return Guess(unit, f"'{t.text} {before[-1].text}' before the figure", 0.85)
    for t in reversed(_words_before(ctx, num, sent.start, 6)):
        unit = _unit_of_word(_clean_word(t.text))
        if unit:
            return Guess(unit, f"noun {t.text!r} before the figure", 0.6)
    return Guess("person", "no noun found: default", 0.3)


def _stem_len(low: str, unit: str | None) -> int | None:
    if unit is None:
        return None
    for rx, u in _UNIT_WORDS:
        if u == unit:
            m = rx.search(low)
            if m:
                return m.end()
    return None


def _root_of(low: str, unit: str) -> str:
    n = _stem_len(low, unit)
    return low[:n] if n is not None else low


def _line_label(ctx: _Ctx, num: Number) -> Token | None:
    """'Şehit 301' on a line of its own: the word before the figure labels it."""
    line_start = ctx.text.rfind("\n", 0, num.start) + 1
    head = ctx.text[line_start:num.start].strip()
    line_end = ctx.text.find("\n", num.end)
    tail = ctx.text[num.end:line_end if line_end >= 0 else len(ctx.text)].strip()
    if head and not tail and re.fullmatch(r"[^\W\d_]+", head) and num.index > 0:
        return num.tokens[num.index - 1]
    return None


def _guess_group(ctx: _Ctx, num: Number, sent: Sentence, programme: Guess,
                 sentence_groups: set[str]) -> Guess:
    label = _line_label(ctx, num)
    if label is not None:
        g = _group_of_word(_clean_word(label.text))
        if g:
            return Guess(g, f"line label {label.text!r}", 0.8)
    words = _words_after(ctx, num, sent.end, 6, commas=True)
    if num.parsed.kind != "amount":
        before = _words_before(ctx, num, sent.start, 3)
        if before and before[-1].low.startswith("sayis"):
            words = before[:-1] + words
    groups: list[str] = []
    shown = []
    for i, t in enumerate(words):
        low = _clean_word(t.text)
        g = _group_of_word(low)
        if g == "martyrs" and i + 1 < len(words) and _clean_word(words[i + 1].text).startswith("yakin"):
            g = "martyrs-relatives"
        if g and g not in groups:
            if g == "martyrs" and "martyrs-relatives" in groups:
                continue
            groups.append(g)
            shown.append(t.text)
    if groups:
        cue = f"{' / '.join(shown)!r} after the figure"
        s = set(groups)
        if s >= {"disabled", "elderly"}:
            return Guess("disabled-and-elderly", cue, 0.85)
        if s & {"martyrs-relatives", "martyrs"} and "veterans" in s:
            return Guess("martyrs-relatives-and-veterans", cue, 0.85)
        return Guess(groups[0], cue, 0.85 if len(s) == 1 else 0.5)
    if num.parsed.kind == "amount" and len(sentence_groups) >= 2:
        return Guess("total", "an amount shared by the groups this sentence names", 0.6)
    code = programme.value
    for c in [code] + ctx.lex.ancestors(code):
        if c in _PROGRAMME_GROUP:
            return Guess(_PROGRAMME_GROUP[c], f"the programme {code!r} serves it", 0.6)
    for t in reversed(_words_before(ctx, num, sent.start, 12, skip_numbers=True)):
        g = _group_of_word(_clean_word(t.text))
        if g:
            return Guess(g, f"{t.text!r} earlier in the sentence", 0.5)
    return Guess("total", "no group named", 0.6)


def _guess_indicator(unit: str, clause_low: str, programme: str,
                     line_label: bool) -> Guess:
    def has(rx: str, where: str = clause_low) -> bool:
        return re.search(fold(rx), where) is not None

    if unit == "TRY":
        if has(r"bedel"):
            return Guess("investment-cost", "'bedel' (cost)", 0.9)
        if has(r"tahsis|kaynağ|kaynak|aktarıl"):
            return Guess("funds-allocated", "'tahsis' / 'kaynak' (funds allocated)", 0.85)
        return Guess("payments", "an amount of money: payments", 0.8)
    simple = {"place": "capacity", "facility": "facilities", "foundation": "foundations",
              "cooperative": "cooperatives-supported", "interview": "interviews",
              "survey": "area-surveys", "certificate": "certificates-issued",
              "application": "applications"}
    if unit in simple:
        return Guess(simple[unit], f"unit {unit!r}", 0.85)
    if unit == "project":
        if has(r"tamamlan"):
            return Guess("projects-completed", "'tamamlanmıştır' (completed)", 0.85)
        return Guess("projects", "unit 'project'", 0.8)
    if unit == "event":
        if has(r"afet|acil durum"):
            return Guess("emergencies", "'afet' (disaster)", 0.85)
        return Guess("events", "unit 'event'", 0.8)
    if unit == "household" and has(r"kayıt altına"):
        return Guess("households-registered", "'kayıt altına alındı' (registered)", 0.85)
    if unit == "family" and (has(r"bakımını|üstlen") or programme == "foster-care"):
        return Guess("caregiving-families", "'bakımını üstlenmiştir' (took on the care)", 0.8)
    if unit == "card" or has(r"aktif kullanıcı|kart\w* sahibi"):
        if has(r"aktif kullanıcı|kart\w* sahibi"):
            return Guess("active-card-holders", "'aktif kullanıcı' / 'kart sahibi' (card holders)", 0.85)
        return Guess("cards-issued", "cards given", 0.8)
    for rx, code, cue in ((r"tedbir kararı", "protective-orders", "'tedbir kararı' (protective order)"),
                          (r"istihdam", "persons-employed", "'istihdam' (employed)"),
                          (r"ziyaret" if unit in ("person", "child") else r"(?!)", "persons-visited",
                           "'ziyaret edildi' (visited)"),
                          (r"hak kazan", "entitled-persons", "'hak kazandı' (found eligible)")):
        if has(rx):
            return Guess(code, cue, 0.85)
    if has(r"eğitim\w*\s+(veril|hizmet)|seminer|eğitim progr") or programme in (
            "family-education", "premarital-education", "family-education-programme",
            "addiction-prevention-training", "financial-literacy-seminars"):
        return Guess("trainees", "training ('eğitim verildi', an education programme)", 0.75)
    if line_label:
        return Guess("registered-persons", "a register listed line by line", 0.6)
    return Guess("beneficiaries", "people served: beneficiaries", 0.6)


@dataclass
class _PeriodState:
    kind: str | None = None      # total | monthly-average | cumulative | stock
    start: str | None = None
    end: str | None = None
    year: str | None = None
    cue: str = ""


def _period_cues(ctx: _Ctx, sent: Sentence) -> list[tuple[int, _PeriodState]]:
    """Explicit period expressions in a sentence, each with the offset where it ends."""
    low = ctx.low[sent.start:sent.end].replace("*", " ")
    raw = ctx.text[sent.start:sent.end]
    as_of = ctx.meta.as_of
    out: list[tuple[int, _PeriodState]] = []
    taken: list[tuple[int, int]] = []

    def add(m: re.Match, state: _PeriodState) -> None:
        if any(m.start() < e and s < m.end() for s, e in taken):
            return
        taken.append((m.start(), m.end()))
        state.cue = raw[m.start():m.end()].replace("**", "")
        out.append((sent.start + m.end(), state))

    for m in _BETWEEN.finditer(low):
        add(m, _PeriodState("cumulative", m.group(1), m.group(2), m.group(2)))
    for m in _SINCE.finditer(low):
        add(m, _PeriodState("cumulative", m.group(1), as_of, None))
    for m in _DATE_ASOF.finditer(low):
        day = m.group(1) or f"{m.group(4)}-{int(m.group(3)):02d}-{int(m.group(2)):02d}"
        add(m, _PeriodState("stock", end=day, year=day[:4]))
    for m in _ASOF.finditer(low):
        add(m, _PeriodState("stock", year=m.group(1)))
    for m in _INYEAR.finditer(low):
        add(m, _PeriodState("total", year=m.group(1)))
    for m in _SAMEYEAR.finditer(low):
        add(m, _PeriodState("total"))
    for m in _MONTHLY.finditer(low):
        add(m, _PeriodState("monthly-average"))
    return sorted(out, key=lambda x: x[0])


def _stock_period(ctx: _Ctx, year: str | None) -> str:
    as_of = ctx.meta.as_of
    if year is None or as_of.startswith(year):
        return as_of
    return f"{year}-12-31"


def _finish_period(ctx: _Ctx, st: _PeriodState, year: str | None) -> tuple[str, str]:
    reporting = ctx.meta.reporting_period
    if st.kind == "cumulative":
        return st.kind, f"{st.start or '..'}--{st.end or ctx.meta.as_of}"
    if st.kind == "stock":
        return st.kind, st.end or _stock_period(ctx, st.year or year)
    y = st.year or year or reporting or ctx.meta.as_of[:4]
    return st.kind, y


class _PeriodReader:
    """A sentence's period, read left to right, figure by figure.

    Strongest first: an explicit period before the figure in the sentence ("2013 yılından
    itibaren", "her ay ortalama", "2025 yılında"; or the previous sentence's, after "bu
    kapsamda" / "ise"); the figure before 'olup' for the clause after it; the verb after the
    figure ("bulunmaktadır" → stock); the indicator (capacities are stocks); the document
    (a report's year, or a booklet's total so far)."""

    def __init__(self, ctx: _Ctx, sent: Sentence, inherited: _PeriodState | None):
        self.ctx, self.sent = ctx, sent
        self.cues = _period_cues(ctx, sent)
        self.state = inherited or _PeriodState()
        self.own = False  # a cue of this sentence has been read
        self.olup = [sent.start + m.start() for m in re.finditer(r"\bolup\b", ctx.low[sent.start:sent.end])]
        self.last: tuple[str, str, str] | None = None  # kind, period, cue of the previous figure

    def guess(self, num: Number, prev_end: int, clause_low: str, unit: str, indicator: str) -> tuple[Guess, Guess]:
        ctx, meta = self.ctx, self.ctx.meta
        state = self.state
        for end, st in self.cues:
            if end <= num.start:
                if st.kind == "monthly-average" or st.kind == "total" and st.year is None:
                    st = _PeriodState(st.kind, year=st.year or state.year, cue=st.cue)
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
                kind, cue = "total", f"an amount of money, not itself averaged ({state.cue!r} is about people)"
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
                    and not _VERB.search(tail) and indicator in _BOOKLET_STOCK_INDICATORS:
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
                kind, period = "total", meta.reporting_period
                cue, strength = f"no period stated: the report year {meta.reporting_period}", 0.6
        self.last = (kind, period, cue)
        return Guess(period, cue, strength), Guess(kind, cue, strength)


def _figures(text: str, sent: Sentence, nums: list[Number], excluded: list[Excluded]) -> list[Number]:
    """The statistical figures among a sentence's numbers; the others go to `excluded`."""
    figures = []
    for num in nums:
        year_like = num.figure.isdigit() and len(num.figure) == 4 and 1900 <= int(num.figure) <= 2100
        reason = _exclusion(text, num, sent, year_like)
        if reason is None and num.parsed is None:
            reason = "not a number"
        if reason is None:
            figures.append(num)
            continue
        a, b = max(sent.start, num.start - 30), min(sent.end, num.end + 30)
        excluded.append(Excluded(num.figure, num.start, _line_of(text, num.start), reason,
                                 re.sub(r"\s+", " ", text[a:b]).strip()))
    return figures


def extract(text: str, schemes: dict[str, Scheme], meta: Meta) -> Draft:
    """Find every figure in `text` and guess its qualifiers; see the module docstring."""
    low = fold(text)
    lex = Lexicon(schemes)
    sentences = segment(text)
    ctx = _Ctx(text, low, meta, lex, lex.mentions(text, low))
    facts: list[DraftFact] = []
    excluded: list[Excluded] = []
    headings: dict[str, Mention | None] = {"major": None, "minor": None}
    section = 0
    prev_state: _PeriodState | None = None
    prev_para = -1
    prev_sentence_prog: tuple[str, str] | None = None
    heading_numbers: list[tuple[Number, Sentence, int]] = []

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
        figures = _figures(text, sent, nums, excluded)
        if sent.heading:
            for num in figures:
                heading_numbers.append((num, sent, section))
            continue
        inherited = None
        if prev_state is not None and _ANAPHOR.search(sent_low.replace("*", "").strip()):
            inherited = _PeriodState(**prev_state.__dict__)
            inherited.cue = f"{prev_state.cue!r} in the previous sentence ('{'ise' if ' ise ' in sent_low else 'bu'}')"
        periods = _PeriodReader(ctx, sent, inherited)
        sentence_groups: set[str] = set()
        sent_mentions = [m for m in ctx.mentions if sent.start <= m.start < sent.end]
        sent_cue_mentions = [(sent.start + m.start(), code, cue) for rx, code, cue in _PROGRAMME_CUES
                             for m in rx.finditer(sent_low)]
        sent_facts: list[DraftFact] = []
        spans = _clauses(low, sent, figures)
        comma = _comma_clauses(low, sent)
        first_start = figures[0].start if figures else sent.end
        for fi, num in enumerate(figures):
            prev_end = figures[fi - 1].end if fi else sent.start
            clause_start, clause_end = spans[fi]
            clause = text[clause_start:clause_end]
            clause_low = low[clause_start:clause_end]
            # ---- unit
            unit = _guess_unit(ctx, num, sent, clause)
            # ---- programme
            mine = next(c for c in comma if c[0] <= num.start < c[1])
            owned = [c for c in comma if c != mine and any(c[0] <= f.start < c[1] for f in figures)]
            programme = _guess_programme(ctx, num, sent, (clause_start, clause_end), owned, first_start,
                                         sent_mentions, sent_cue_mentions, headings,
                                         sent_facts[-1].get("programme") if sent_facts else None,
                                         prev_sentence_prog)
            # ---- target group
            group = _guess_group(ctx, num, sent, programme, sentence_groups)
            if unit.value in ("person", "child") and group.value != "total":
                sentence_groups.add(group.value)
            # ---- indicator
            region = clause_low
            if not _VERB.search(low[num.end:clause_end]):  # no verb yet: read on to it
                region = low[clause_start:figures[fi + 1].start if fi + 1 < len(figures) else sent.end]
            indicator = _guess_indicator(unit.value, region, programme.value,
                                         _line_label(ctx, num) is not None)
            if indicator.value == "cards-issued" and unit.value in ("person", "child"):
                unit = Guess("card", "indicator 'cards-issued' counts cards", 0.75)
            # ---- period and kind
            period, kind = periods.guess(num, prev_end, clause_low, unit.value, indicator.value)
            fact = DraftFact(
                id="", quote=raw.strip(), figure=num.figure, value=num.parsed.value, start=num.start,
                parsed=num.parsed,
                guesses={"unit": unit, "programme": programme, "target_group": group,
                         "indicator": indicator, "period": period, "period_kind": kind})
            fact.approximate, fact.approximate_cue = _approximate(num, fact.quote, text)
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
    facts = _merge_repeats(facts, heading_numbers, text, excluded)
    excluded.sort(key=lambda e: e.start)
    _assign_ids(facts)
    _link_totals(facts)
    return Draft(meta=meta, facts=facts, excluded=excluded)


def _approximate(num: Number, quote: str, text: str) -> tuple[bool, str]:
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


def _clauses(low: str, sent: Sentence, figures: list[Number]) -> list[tuple[int, int]]:
    """Each figure's clause: from the last comma, ';' or 'olup' before it (not before the
    previous figure) to the next one after it (not past the next figure)."""
    out = []
    for fi, num in enumerate(figures):
        prev_end = figures[fi - 1].end if fi else sent.start
        next_start = figures[fi + 1].start if fi + 1 < len(figures) else sent.end
        before = list(re.finditer(r"[,;]|\bolup\b", low[prev_end:num.start]))
        start = prev_end + before[-1].end() if before else prev_end
        after = re.search(r"[,;]|\bolup\b", low[num.end:next_start])
        end = num.end + after.start() if after else next_start
        out.append((start, end))
    return out


_VERB = _rx(r"\w{3,}(d[ıiuü]|t[ıiuü]|m[ıiuü]ş\w*|m[ae]kt[ae]\w*|ken|[ae]r[ae]k)\b")
def _comma_clauses(low: str, sent: Sentence) -> list[tuple[int, int]]:
    """The sentence cut at commas, semicolons and 'olup'."""
    cuts = [sent.start] + [sent.start + m.end() for m in re.finditer(r"[,;]|\bolup\b", low[sent.start:sent.end])]
    return [(a, b) for a, b in zip(cuts, cuts[1:] + [sent.end]) if a < b] or [(sent.start, sent.end)]


_CLAUSE_ANAPHOR = _rx(r"\b(bu alanda|bu kapsamda|bu amaçla)\b")


def _guess_programme(ctx: _Ctx, num: Number, sent: Sentence, clause: tuple[int, int],
                     owned: list[tuple[int, int]], first_start: int, sent_mentions: list[Mention],
                     cue_mentions: list[tuple[int, str, str]], headings: dict[str, Mention | None],
                     prev_figure_prog: str | None, prev_prog: tuple[str, str] | None) -> Guess:
    """Named beside the figure > 'bu alanda' (the one before) > the sentence's topic >
    cue words > the section heading > the people named > the previous sentence."""
    lex = ctx.lex
    c0, c1 = clause

    def pick(cands: list[Mention]) -> Mention | None:
        if not cands:
            return None
        # the most specific: drop a candidate when a narrower one is also named
        codes = {m.code for m in cands}
        narrow = [m for m in cands if not any(m.code in lex.ancestors(o) for o in codes if o != m.code)]
        specific = [m for m in narrow if not lex.is_top(m.code)] or narrow
        before = [m for m in specific if m.end <= num.start]
        if before:
            return before[-1]
        return min(specific, key=lambda m: abs(m.start - num.end))

    def free(pos: int) -> bool:
        return pos < first_start or not any(a <= pos < b for a, b in owned)

    investment = [q for _, code, q in cue_mentions if code == "investments"]
    if investment and not any(m.code == "investments" for m in sent_mentions):
        return Guess("investments", f"{investment[0]} in the sentence", 0.75)
    local = [m for m in sent_mentions if c0 <= m.start < c1]
    local_cues = [(p, c, q) for p, c, q in cue_mentions if c0 <= p < c1]
    m = pick(local)
    if local_cues:
        p, c, q = local_cues[0]
        if m is None or m.code in lex.ancestors(c) or lex.is_top(m.code):
            return Guess(c, f"{q} ('{ctx.text[p:p + 24].split()[0]}…')", 0.7)
    if m is not None and not lex.is_top(m.code):
        return Guess(m.code, f"{m.label!r} named beside the figure", 0.9)
    if _CLAUSE_ANAPHOR.search(ctx.low[c0:c1]):
        if prev_figure_prog is not None:
            return Guess(prev_figure_prog, "'bu alanda' / 'bu kapsamda': the programme just before", 0.8)
        if prev_prog is not None:
            return Guess(prev_prog[0], f"'bu alanda' / 'bu kapsamda': {prev_prog[1]}", 0.7)
    topic = pick([x for x in sent_mentions if free(x.start)])
    if topic is not None and not lex.is_top(topic.code):
        return Guess(topic.code, f"{topic.label!r} named in the sentence", 0.8)
    cues = [(p, c, q) for p, c, q in cue_mentions if free(p)]
    if cues:
        p, c, q = cues[0]
        return Guess(c, f"{q} in the sentence", 0.65)
    for level, strength in (("minor", 0.75), ("major", 0.6)):
        h = headings[level]
        if h is not None and not lex.is_top(h.code):
            return Guess(h.code, f"section heading {ctx.text[h.start:h.end]!r}", strength)
    words = {_group_of_word(_clean_word(t.text)) for t in num.tokens if t.kind == "word"}
    if words & {"martyrs", "veterans"}:
        return Guess("martyrs-veterans-services", "martyrs' relatives or veterans in the sentence", 0.6)
    if prev_figure_prog is not None and not lex.is_top(prev_figure_prog):
        return Guess(prev_figure_prog, "nothing named in its clause: the programme of the figure before", 0.5)
    if m is not None:
        return Guess(m.code, f"{m.label!r} (a service area) beside the figure", 0.5)
    if topic is not None:
        return Guess(topic.code, f"{topic.label!r} (a service area) in the sentence", 0.45)
    for level in ("minor", "major"):
        h = headings[level]
        if h is not None:
            return Guess(h.code, f"section heading {ctx.text[h.start:h.end]!r}", 0.45)
    if prev_prog is not None:
        return Guess(prev_prog[0], prev_prog[1], 0.4)
    return Guess("social-projects" if "proje" in fold(ctx.text[sent.start:sent.end]) else "social-assistance",
                 "nothing named: a guess", 0.2)


def _detect_totals(ctx: _Ctx, sent: Sentence, sent_facts: list[DraftFact], earlier: list[DraftFact]) -> None:
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
            unmatched.append(Excluded(num.figure, num.start, _line_of(text, num.start),
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


# ---------------------------------------------------------------------------------------
# comparing a draft with a curated file

@dataclass
class Pair:
    curated: object            # model.Fact
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

    def accuracy(self, qualifier: str) -> float:
        m = self.matched
        return sum(1 for p in m if qualifier not in p.differences) / len(m) if m else 1.0


def _curated_value(fact, name: str) -> str:
    if name == "period":
        return fact.period.notation
    return str(getattr(fact, name))


def _spans(text: str, quote: str, figure: str) -> list[int]:
    out = []
    at = text.find(quote)
    while at >= 0:
        off = quote.find(figure)
        if off >= 0:
            out.append(at + off)
        at = text.find(quote, at + 1)
    return out


def compare(source: Source, draft: Draft) -> Comparison:
    """Match each curated fact to the drafted figure at the same place with the same value."""
    text = source.document.text
    used: set[int] = set()
    pairs = []
    for fact in source.facts:
        places = _spans(text, fact.quote.quote, fact.quote.figure)
        for q in fact.also_quoted:
            places += _spans(text, q.quote, q.figure)
        found = None
        for i, d in enumerate(draft.facts):
            if i in used or d.value != fact.value:
                continue
            starts = [d.start] + [s for _, _, s in d.also_quoted]
            if any(s in places for s in starts):
                found = i
                break
        if found is None:
            for i, d in enumerate(draft.facts):  # same value inside the curated quote
                if i in used or d.value != fact.value:
                    continue
                at = text.find(fact.quote.quote)
                if at >= 0 and at <= d.start < at + len(fact.quote.quote):
                    found = i
                    break
        if found is None:
            pairs.append(Pair(fact, None, {}))
            continue
        used.add(found)
        d = draft.facts[found]
        diffs = {q: (_curated_value(fact, q), d.get(q)) for q in QUALIFIERS
                 if _curated_value(fact, q) != d.get(q)}
        pairs.append(Pair(fact, d, diffs))
    extra = [d for i, d in enumerate(draft.facts) if i not in used]
    return Comparison(source.document.id, pairs, extra)


def render_diff(cmp: Comparison) -> str:
    """A readable diff: '-' curated facts the extractor missed, '+' figures it found that the
    curated file lacks, '~' qualifiers that differ (curated → extracted, with the cue)."""
    lines = [f"--- curated {cmp.document}", f"+++ extracted {cmp.document}"]
    for p in cmp.pairs:
        f = p.curated
        if p.draft is None:
            lines.append(f"- {f.id}: {f.quote.figure!r} not found by the extractor")
        elif p.differences:
            lines.append(f"~ {f.id}: {f.quote.figure!r}")
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


def write_atomic(path, content: str, *, force: bool = False) -> None:
    """Write a draft to `path` atomically; an existing file only with `force`."""
    path = Path(path)
    if path.exists() and not force:
        raise ExtractError(f"{path} exists; pass --force to replace it (a curated file is never "
                           "overwritten by accident)")
    write_file(path, content.encode("utf-8"))
