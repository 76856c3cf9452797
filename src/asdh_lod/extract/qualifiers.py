"""Guessing a figure's unit, programme, target group and indicator: the lexicon of the code
lists' labels, the words around the figure, its clause, the section headings."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..core.text import fold
from ..model.records import Scheme

from .figures import Number
from .records import Guess, Meta
from .text import (POSSESSIVE, Sentence, Token, clean_word, folded_rx, group_of_word, root_of, stem_len,
                   unit_of_word)


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
PROGRAMME_CUES: list[tuple[re.Pattern, str, str]] = [
    (folded_rx(r"\b(bedel\w*|ihale\w*)"), "investments", "an investment cost or tender"),
    (folded_rx(r"\bistihdam"), "martyrs-veterans-employment", "employment of martyrs' relatives and veterans"),
    (folded_rx(r"\bücretsiz bakıl\w*"), "free-childcare", "free care"),
    (folded_rx(r"\b(sosyal proje\w*|projeler\w*)"), "social-projects", "social projects"),
]


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
    if re.search(r"\d", label):  # "ALO 183": the number is part of the name
        return re.compile(r"(?<![^\W\d_])" + r"\s+".join(map(re.escape, fold(label).split())) + r"(?!\d)")
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
# what every guess may look at

@dataclass
class Context:
    """What every guess may look at: the text (as written and folded), the document record,
    the code lists' labels and where they are named."""

    text: str
    low: str
    meta: Meta
    lex: Lexicon
    mentions: list[Mention]


_FIGURE_SUFFIXES = {"den", "dan", "ten", "tan", "i", "u", "ü"}  # folded: "ı" reads as "i"


def _words_after(ctx: Context, num: Number, stop: int, limit: int, commas: bool) -> list[Token]:
    """The words after a figure, up to the next number, punctuation or `limit` words."""
    out = []
    toks = num.tokens
    prev_end = num.end
    for t in toks[num.last + 1:]:
        if t.start >= stop or t.kind != "word":
            break
        gap = ctx.text[prev_end:t.start].replace("*", "")
        if not out and prev_end == num.end and gap in ("'", "’") and t.low in _FIGURE_SUFFIXES:
            prev_end = t.end  # the figure's own case ending ("600'den fazla", "1.200'ü aşkın")
            continue
        if re.search(r"[.;:!?()]" if commas else r"[.;:,!?()]", gap) or "\n\n" in gap:
            break
        if gap.strip(" \n,") and not commas:
            break
        out.append(t)
        prev_end = t.end
        if len(out) >= limit:
            break
    return out


def _words_before(ctx: Context, num: Number, start: int, limit: int, skip_numbers: bool = False) -> list[Token]:
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


# people nouns without a suffix: a modifier of the noun after them ("Engelli Bakım Merkezi")
_BARE_PEOPLE = {"çocuk", "kadin", "engelli", "yaşli", "şehit", "gazi", "genç", "erkek"}


def idx_word(words: list[Token], i: int) -> str:
    return clean_word(words[i].text) if i < len(words) else ""


def guess_unit(ctx: Context, num: Number, sent: Sentence, clause: str) -> Guess:
    p = num.parsed
    if p.kind == "amount":
        return Guess("TRY", f"currency word in {num.figure!r}", 1.0)
    if p.kind == "percent":
        return Guess("percent", "'%'", 1.0)
    after = _words_after(ctx, num, sent.end, 5, commas=False)
    label = line_label_of(ctx, num)
    if label is not None:
        u = unit_of_word(clean_word(label.text))
        if u:
            return Guess(u, f"line label {label.text!r}", 0.8)
    chosen = None
    in_name = [(m.start, m.end) for m in ctx.mentions if m.start < sent.end and sent.start < m.end]
    for idx, t in enumerate(after):
        low = clean_word(t.text)
        unit = unit_of_word(low)
        if unit is None or unit == "training-session" and any(a <= t.start < b for a, b in in_name):
            continue  # "Evlilik Öncesi Eğitim Programı": a word of a name is not the noun counted
        if unit == "visit" and idx + 1 < len(after) and clean_word(after[idx + 1].text).startswith("edil"):
            continue  # "ziyaret edilen hane": the households are counted
        chosen = (unit, t, idx)
        break
    if chosen is not None and idx_word(after, chosen[2] + 1) == "için":
        # "2 yeni proje için … başvuru yapıldı": the projects are the purpose, the applications counted
        for t2 in num.tokens[num.last + 1:]:
            if t2.start >= sent.end:
                break
            u2 = unit_of_word(clean_word(t2.text)) if t2.kind == "word" and t2.start > chosen[1].end else None
            if u2 is not None and u2 != chosen[0]:
                return Guess(u2, f"noun {t2.text!r}: the {chosen[1].text!r} are what it is for ('için')", 0.6)
    if chosen is not None:
        unit, t, idx = chosen
        low = clean_word(t.text)
        if low == root_of(low, unit) or low in _BARE_PEOPLE:
            # a bare modifier before a compound head ("Çocuk Evinde", "kadın kooperatifi", "şehit
            # yakını ve gazi ziyareti"); the chain stops at a noun of another kind, or at one with
            # a first-person possessive ("bireylerimize")
            prev_word = low
            for t2 in after[idx + 1:]:
                low2 = clean_word(t2.text)
                u2 = unit_of_word(low2)
                stem = stem_len(low2, u2)
                if u2 and u2 != unit and stem is not None and POSSESSIVE.match(low2[stem:]) and prev_word != "ve":
                    return Guess(u2, f"compound head {t2.text!r} after the figure", 0.85)
                prev_word = low2
                if u2 is not None and u2 != unit or re.search(r"m[iuü]z", low2):
                    break
        if unit == "institution" and any(unit_of_word(clean_word(t2.text)) == "certificate" for t2 in after[idx + 1:]):
            return Guess("certificate", f"certificates given to institutions ({t.text!r} … 'Belgesi')", 0.8)
        if unit in ("person", "child") and re.search(r"\bkart\w*\s+(veril|dağıt|teslim)", fold(clause)):
            return Guess("card", "cards given to people ('kart verildi')", 0.75)
        return Guess(unit, f"noun {t.text!r} after the figure", 0.9)
    before = _words_before(ctx, num, sent.start, 3)
    if before and before[-1].low.startswith("sayis"):
        for t in reversed(before[:-1]):
            unit = unit_of_word(clean_word(t.text))
            if unit:
                return Guess(unit, f"'{t.text} {before[-1].text}' before the figure", 0.85)
    if re.match(r"\s*,", ctx.text[num.end:num.end + 3]) or re.search(r"\bolmak üzere\b", ctx.low[num.end:sent.end]):
        # a list whose last figure names the noun for all ("… merkezinde 340, 7 özel bakım
        # merkezinde 812 engelli birey", "ilk çeyrekte 164, … olmak üzere toplam 361 başvuru")
        later = [t for t in num.tokens[num.last + 1:] if t.start < sent.end]
        for i, t in enumerate(later):
            if t.kind != "num" or i + 1 >= len(later) or later[i + 1].kind != "word":
                continue
            unit = unit_of_word(clean_word(later[i + 1].text))
            if unit in ("person", "child", "household", "family", "application", "visit", "call"):
                return Guess(unit, f"noun {later[i + 1].text!r} of a later figure in the same list", 0.6)
            if unit is not None:
                break
    for t in reversed(_words_before(ctx, num, sent.start, 10, skip_numbers=True)):
        unit = unit_of_word(clean_word(t.text))
        if unit:
            return Guess(unit, f"noun {t.text!r} before the figure", 0.6)
    return Guess("person", "no noun found: default", 0.3)


def line_label_of(ctx: Context, num: Number) -> Token | None:
    """'Şehit 301' on a line of its own: the word before the figure labels it."""
    line_start = ctx.text.rfind("\n", 0, num.start) + 1
    head = ctx.text[line_start:num.start].strip()
    line_end = ctx.text.find("\n", num.end)
    tail = ctx.text[num.end:line_end if line_end >= 0 else len(ctx.text)].strip()
    if head and not tail and re.fullmatch(r"[^\W\d_]+", head) and num.index > 0:
        return num.tokens[num.index - 1]
    return None


def guess_group(ctx: Context, num: Number, sent: Sentence, programme: Guess,
                 sentence_groups: set[str]) -> Guess:
    label = line_label_of(ctx, num)
    if label is not None:
        g = group_of_word(clean_word(label.text))
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
        low = clean_word(t.text)
        g = group_of_word(low)
        if g == "martyrs" and i + 1 < len(words) and clean_word(words[i + 1].text).startswith("yakin"):
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
        g = group_of_word(clean_word(t.text))
        if g:
            return Guess(g, f"{t.text!r} earlier in the sentence", 0.5)
    return Guess("total", "no group named", 0.6)


def guess_indicator(unit: str, clause_low: str, programme: str,
                     line_label: bool) -> Guess:
    def has(rx: str, where: str = clause_low) -> bool:
        return re.search(fold(rx), where) is not None

    if unit == "TRY":
        if has(r"bedel"):
            return Guess("investment-cost", "'bedel' (cost)", 0.9)
        if has(r"tahsis|kaynağ|kaynak|aktarıl"):
            return Guess("funds-allocated", "'tahsis' / 'kaynak' (funds allocated)", 0.85)
        return Guess("payments", "an amount of money: payments", 0.8)
    if unit == "visit":
        return Guess("visits", "unit 'visit' (visits made)", 0.85)
    if unit == "training-session":
        return Guess("training-sessions", "unit 'training-session' (sessions held)", 0.85)
    if unit == "call":
        return Guess("calls-received", "unit 'call'", 0.85)
    if unit == "institution":
        return Guess("institutions-reached", "unit 'institution'", 0.8)
    if unit in ("household", "family", "person", "child") and has(r"yönlendir"):
        return Guess("referrals", "'yönlendirildi' (referred)", 0.8)
    if unit in ("household", "family") and has(r"ziyaret e[dt]"):
        return Guess("households-visited", "households or families 'ziyaret etti / edildi' (visited)", 0.8)
    if unit in ("person", "child") and has(r"katıl\w*|bir araya getir") and has(
            r"etkinli|yürüyüş|anma|buluşma|program\w* katıl|günü"):
        return Guess("event-participants", "'katıldı' (took part) in an event", 0.8)
    if unit == "child" and has(r"yerleştiril"):
        return Guess("placements", "'yerleştirildi' (placed)", 0.8)
    simple = {"place": "capacity", "facility": "facilities", "foundation": "foundations",
              "cooperative": "cooperatives-supported", "interview": "interviews",
              "survey": "area-surveys", "certificate": "certificates-issued",
              "application": "applications"}
    if unit in simple:
        return Guess(simple[unit], f"unit {unit!r}", 0.85)
    if unit == "project":
        if has(r"tamamlan"):
            if programme != "investments":
                return Guess("projects-concluded", "a social project 'tamamlandı' (concluded)", 0.8)
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


def clauses(low: str, sent: Sentence, figures: list[Number]) -> list[tuple[int, int]]:
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


VERB = folded_rx(r"\w{3,}(d[ıiuü]|t[ıiuü]|m[ıiuü]ş\w*|m[ae]kt[ae]\w*|ken|[ae]r[ae]k)\b")
def comma_clauses(low: str, sent: Sentence) -> list[tuple[int, int]]:
    """The sentence cut at commas, semicolons and 'olup'."""
    cuts = [sent.start] + [sent.start + m.end() for m in re.finditer(r"[,;]|\bolup\b", low[sent.start:sent.end])]
    return [(a, b) for a, b in zip(cuts, cuts[1:] + [sent.end]) if a < b] or [(sent.start, sent.end)]


_SENTENCE_ANAPHOR = folded_rx(r"(bu|program|programın|hizmetin)\b")
_CLAUSE_ANAPHOR = folded_rx(r"\b(bu alanda|bu kapsamda|bu amaçla)\b")


def guess_programme(ctx: Context, num: Number, sent: Sentence, clause: tuple[int, int],
                     owned: list[tuple[int, int]], first_start: int, sent_mentions: list[Mention],
                     cue_mentions: list[tuple[int, str, str]], headings: dict[str, Mention | None],
                     prev_figure_prog: str | None, prev_prog: tuple[str, str] | None,
                     facility: bool = False) -> Guess:
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
        after = [m for m in specific if num.end <= m.start <= num.end + 3]
        if facility and after:  # "4 bakım ve rehabilitasyon merkezi ile 11 özel bakım merkezinde"
            return after[0]
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
    opening = _SENTENCE_ANAPHOR.match(ctx.low[sent.start:sent.end].lstrip(" *\"“-"))
    if opening and prev_prog is not None and not lex.is_top(prev_prog[0]):
        return Guess(prev_prog[0], f"{opening.group(0).strip()!r} refers back: {prev_prog[1]}", 0.7)
    for level, strength in (("minor", 0.75), ("major", 0.6)):
        h = headings[level]
        if h is not None and not lex.is_top(h.code):
            return Guess(h.code, f"section heading {ctx.text[h.start:h.end]!r}", strength)
    words = {group_of_word(clean_word(t.text)) for t in num.tokens if t.kind == "word"}
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
