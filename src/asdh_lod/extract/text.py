"""A source text cut into what the extractor reads: paragraphs, headings, sentences and
bulleted items, tokens; the Turkish nouns that name a unit or a target group."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..core.text import fold


# ---------------------------------------------------------------------------------------
# text helpers

MONTHS = ("ocak", "şubat", "mart", "nisan", "mayis", "haziran", "temmuz", "ağustos",
           "eylül", "ekim", "kasim", "aralik")
SCALES = ("bin", "milyon", "milyar", "trilyon")
APOS = "'’‘ʼ"

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
class Cell:
    start: int
    end: int
    text: str


@dataclass
class Table:
    """A block of lines whose columns are set apart by tabs or runs of spaces."""

    header: list[Cell]
    caption: str              # the "Tablo N. …" line above it ("" if none)


@dataclass
class Sentence:
    start: int
    end: int
    paragraph: int
    heading: bool = False
    table: Table | None = None      # a line of a table: its header row or one of its rows
    cells: list[Cell] | None = None  # the row's cells (None for the header row)

    def text(self, doc: str) -> str:
        return doc[self.start:self.end]


# ---------------------------------------------------------------------------------------
# segmentation: paragraphs, headings, sentences

_TERMINAL = ".!?:;"


def paragraphs(text: str) -> list[tuple[int, int]]:
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
    paras = paragraphs(text)
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
        table = _table(text, ps, pe)
        if table is not None:
            sentences.extend(table)
            for sent in table:
                sent.paragraph = p
            continue
        if body.rstrip()[-1:] not in _TERMINAL and "\n" not in body and len(body) <= 140 \
                and not _BULLET.match(body):
            sentences.append(Sentence(ps, pe, p, heading=True))
            continue
        for s, e in _items(text, ps, pe):
            sentences.extend(_split_sentences(text, s, e, p))
    return sentences


_BULLET = re.compile(r"[ \t]*[-•–·*][ \t]+(?=\S)")
_COLUMNS = re.compile(r"\t+| {2,}")


def _cells(text: str, start: int, end: int) -> list[Cell]:
    out, at = [], start
    line = text[start:end]
    for m in list(_COLUMNS.finditer(line)) + [None]:
        stop = start + (m.start() if m else len(line))
        raw = text[at:stop]
        if raw.strip():
            a = at + len(raw) - len(raw.lstrip())
            out.append(Cell(a, a + len(raw.strip()), raw.strip()))
        if m:
            at = start + m.end()
    return out


def _table(text: str, s: int, e: int) -> list[Sentence] | None:
    """A paragraph of two lines or more, each cut into as many cells as the first (its header)
    by tabs or runs of two spaces or more: one sentence per line."""
    lines, at = [], s
    for line in text[s:e].split("\n"):
        lines.append((at, at + len(line.rstrip())))
        at += len(line) + 1
    if len(lines) < 2:
        return None
    rows = [_cells(text, a, b) for a, b in lines]
    if len(rows[0]) < 2 or any(len(r) != len(rows[0]) for r in rows):
        return None
    before = text[:s].rstrip().rsplit("\n", 1)[-1].strip()
    table = Table(rows[0], before if fold(before).startswith("tablo") else "")
    out = [Sentence(lines[0][0], lines[0][1], 0, table=table)]
    for (a, b), cells in zip(lines[1:], rows[1:]):
        out.append(Sentence(a, b, 0, table=table, cells=cells))
    return out


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


def tokenize(text: str, start: int, end: int) -> list[Token]:
    return [Token(m.lastgroup, m.group(), start + m.start(), start + m.end())
            for m in _TOKEN.finditer(text[start:end])]


def blank_between(text: str, a: Token, b: Token, allow_bold: bool = False) -> bool:
    """True when only blanks (and, if allowed, bold markers) separate two tokens."""
    between = text[a.end:b.start]
    if allow_bold:
        between = between.replace("*", "")
    return between.strip() == "" and "\n\n" not in between


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


# ---------------------------------------------------------------------------------------
# vocabularies: nouns after a figure, cue words

def folded_rx(pattern: str) -> re.Pattern:
    return re.compile(fold(pattern))


# the noun after a figure (folded, apostrophes removed) → its unit; first match wins
_UNIT_WORDS: list[tuple[re.Pattern, str]] = [
    (folded_rx(r"^(kapasite)"), "place"),
    (folded_rx(r"^(kart)"), "card"),
    (folded_rx(r"^(belge)"), "certificate"),
    (folded_rx(r"^(tarama)"), "survey"),
    (folded_rx(r"^(görüşme)"), "interview"),
    (folded_rx(r"^(başvuru)"), "application"),
    (folded_rx(r"^(proje)"), "project"),
    (folded_rx(r"^(kooperatif)"), "cooperative"),
    (folded_rx(r"^(vakf|vakıf|sydv)"), "foundation"),
    (folded_rx(r"^(afet|etkinlik)"), "event"),
    (folded_rx(r"^(ziyaret)"), "visit"),
    (folded_rx(r"^(eğitim)(?!ci)"), "training-session"),
    (folded_rx(r"^(çağrı)"), "call"),
    (folded_rx(r"^(kurum(?!sal)|okul|lise)"), "institution"),
    (folded_rx(r"^(hane)"), "household"),
    (folded_rx(r"^(kreş|merkez|konukev|huzurev|bakımev|kulüb|kulüp|site|kuruluş)"), "facility"),
    (folded_rx(r"^ev(?=$|i|ler)"), "facility"),
    (folded_rx(r"^aile(?=$|ye|nin|ler|y[ie]$|sine$)"), "family"),
    (folded_rx(r"^(çocu)"), "child"),
    (folded_rx(r"^(kişi|birey|vatandaş|kullanıcı|genç|genc|kadın|erkek|engelli|yaşlı|şehit|gazi|yakın|anne|öğrenci|katılımcı|katılan)"),
     "person"),
]
POSSESSIVE = re.compile(r"^(l[ae]r)?(s?[iuü](n|m[iuü]z)?|[iuü]m[iuü]z)([dt][ae]|[dt][ae]n|[ny]?[ae])?$")

# words naming a target group (folded)
_GROUP_WORDS: list[tuple[re.Pattern, str]] = [
    (folded_rx(r"^(kadın|kadınlar)"), "women"),
    (folded_rx(r"^(erkek)"), "men"),
    (folded_rx(r"^(çocu)"), "children"),
    (folded_rx(r"^(genç)"), "young-people"),
    (folded_rx(r"^(engelli)"), "disabled"),
    (folded_rx(r"^(yaşlı|huzurev)"), "elderly"),
    (folded_rx(r"^(gazi)"), "veterans"),
    (folded_rx(r"^(şehit)"), "martyrs"),
]


def clean_word(word: str) -> str:
    return fold(re.sub(f"[{APOS}]", "", word))


def unit_of_word(low: str) -> str | None:
    for rx, unit in _UNIT_WORDS:
        if rx.search(low):
            return unit
    return None


def group_of_word(low: str) -> str | None:
    for rx, group in _GROUP_WORDS:
        if rx.search(low):
            return group
    return None


def stem_len(low: str, unit: str | None) -> int | None:
    if unit is None:
        return None
    for rx, u in _UNIT_WORDS:
        if u == unit:
            m = rx.search(low)
            if m:
                return m.end()
    return None


def root_of(low: str, unit: str) -> str:
    n = stem_len(low, unit)
    return low[:n] if n is not None else low
