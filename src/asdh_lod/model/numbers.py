"""Read numbers as written in Turkish government prose.

Activity reports and news items mix digits and words (``267 milyon 857 bin 181 TL``,
``bin 122``, ``1,1 milyon``), and no library reads those forms. `parse_number` reads one
figure -- exactly the figure, not the sentence around it -- into an exact `ParsedNumber`,
or raises `NumberFormatError` saying what is wrong and what a valid form looks like.

Grammar
-------
The text is split on whitespace (non-breaking spaces included) after `**` bold markers
around it are dropped. Words are compared case-insensitively, with the Turkish dotted and
dotless i treated as one letter (``MİLYON``, ``Milyon`` and ``MILYON`` are the same word,
``yaklaşik`` is ``yaklaşık``)::

    figure    = { before } body [ currency ] [ "civarında" ]
    before    = "yaklaşık" | "tahmini"            hedges: the figure is approximate
              | "ortalama"                         an average, not a hedge
    body      = percent | ratio | scaled
    percent   = "%" numeral                        "%40", "% 40", "%12,5"
    ratio     = digits "/" digits                  "2/3"
    scaled    = { term } [ numeral ]               at least one term or numeral
    term      = [ numeral ] scale                  "41 milyon", "bin" (= 1 bin)
    scale     = "bin" | "milyon" | "milyar" | "trilyon"
    numeral   = int-part [ "," digits ]            decimal comma: "670,15"
    int-part  = digits | 1*3digit 1*( "." 3digit ) thousands dots: "262.259.995"
    currency  = "TL" | "lira" | "Türk Lirası" | "₺"

The last word may carry a Turkish case suffix after an apostrophe (``'`` or ``’``; also the
rarer ``‘`` and ``ʼ``), which is ignored: ``12 bin 721'e``, ``1.891'dir``, ``%3'ü``, ``2/3'ünün``, ``500 TL'lik``.

Rules the grammar alone does not say:

* only ``bin`` may stand without a number before it (Turkish says "bin", not "bir bin");
* scale words strictly decrease, and each part after a scale word is smaller than it:
  ``5 bin 939`` and ``2 milyon 500 bin`` are fine, ``5 bin 1000`` and ``3 bin 2 milyon``
  are not;
* only the last numeral may have a decimal comma (``1,5 milyon 200 bin`` is an error);
* a percentage or a ratio stands alone: no scale word, no currency;
* at most 18 integer digits (the value is below 10**18) and 18 decimal places;
* anything else -- a minus sign, an unknown word, trailing words such as ``kişi`` -- is an
  error: callers pass only the figure.

What is recorded
----------------
``value`` is exact (a `Fraction`). ``precision`` is the value of one unit in the last digit
stated: 1 for ``92.783``, 1000 for ``41 milyon 22 bin``, 100000 for ``1,1 milyon``,
1/100 for ``670,15``. A figure is ``rounded`` when a decimal fraction is scaled by a word
(``6,67 milyar``), and ``hedged`` when ``yaklaşık``, ``tahmini`` or ``civarında``
qualifies it; either makes it ``approximate``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from ..core.text import fold

__all__ = ["NumberFormatError", "ParsedNumber", "exact_decimal", "parse_number"]


class NumberFormatError(ValueError):
    """Raised with a message that says what is wrong and what a valid form looks like."""


@dataclass(frozen=True)
class ParsedNumber:
    """A figure read from Turkish prose.

    value:     the exact value (``2/3`` stays 2/3; ``1,1 milyon`` is 1100000).
    kind:      "count" (a plain number), "amount" (with a currency word), "percent"
               (``%40``, value 40) or "ratio" (``2/3``).
    precision: the value of one unit in the last digit stated (1 for ``92.783``,
               1000 for ``41 milyon 22 bin``, 1/100 for ``670,15``; 1 for ``%40``
               and ``2/3``, 1/10 for ``%12,5``).
    rounded:   a decimal fraction is scaled by a word (``1,1 milyon``).
    hedged:    ``yaklaşık`` or ``tahmini`` precedes it, or ``civarında`` follows it.
    """

    value: Fraction
    kind: str
    precision: Fraction
    rounded: bool
    hedged: bool

    @property
    def approximate(self) -> bool:
        """True when the figure is rounded or hedged."""
        return self.rounded or self.hedged

    def as_int(self) -> int | None:
        """The value as an int if it is integral, else None."""
        return self.value.numerator if self.value.denominator == 1 else None

    def as_decimal(self) -> Decimal | None:
        """The exact value as a Decimal if it terminates in base 10, else None."""
        return exact_decimal(self.value)


def exact_decimal(value: Fraction) -> Decimal | None:
    """`value` as an exact Decimal if it terminates in base 10 (1/8 → 0.125), else None (2/3)."""
    places = _decimal_places(value.denominator)
    if places is None:
        return None
    scaled = value.numerator * 10**places // value.denominator
    return Decimal(f"{scaled}E-{places}")  # from a string: exact, no context rounding


def parse_number(text: str) -> ParsedNumber:
    """Read one figure written in Turkish (see the module docstring for the grammar)."""
    if not isinstance(text, str):
        raise TypeError(f"parse_number expects a str, not {type(text).__name__}")
    words = _tokenize(text)
    hedged, words = _strip_qualifiers(words)
    is_amount, words = _strip_currency(words)
    return replace(_parse_body(text, words, is_amount), hedged=hedged)


# --- vocabulary ---------------------------------------------------------------------------

_DIGITS = frozenset("0123456789")
_NUMERAL_CHARS = _DIGITS | {".", ","}
_APOSTROPHES = "'’‘ʼ"
_MINUS_SIGNS = "-−–"
_SCALES = {"bin": 10**3, "milyon": 10**6, "milyar": 10**9, "trilyon": 10**12}
_HEDGES_BEFORE = frozenset({"yaklaşik", "tahmini"})  # folded: ı -> i
_NEUTRAL_BEFORE = frozenset({"ortalama"})
_HEDGES_AFTER = frozenset({"civarinda"})
_CURRENCIES = (("türk", "lirasi"), ("tl",), ("lira",), ("₺",))
_MAX_DIGITS = 18
_LIMIT = 10**_MAX_DIGITS

_FORMS = "valid forms look like e.g. '92.783', '5 bin 939', '1,1 milyon TL', '%40' or '2/3'"
_NUMERAL_HINT = (
    "a number is digits with optional '.' thousands separators and one ',' decimal comma, "
    "e.g. '92.783' or '670,15'"
)
_SCALED_HINT = "e.g. '5 bin 939', '41 milyon 22 bin' or '2 milyon 500 bin'"


def _error(text: str, problem: str, hint: str = _FORMS) -> NumberFormatError:
    return NumberFormatError(f"cannot read {text!r} as a number: {problem}; {hint}")


# --- words around the number --------------------------------------------------------------


def _tokenize(text: str) -> list[str]:
    """Split into words, dropping bold markers and the case suffix of the last word."""
    body = unicodedata.normalize("NFC", text).strip()
    while body.startswith("**"):
        body = body[2:].strip()
    while body.endswith("**"):
        body = body[:-2].strip()
    if not body:
        raise _error(text, "it is empty", "pass the figure itself, e.g. '92.783'")
    words = body.split()
    for word in words[:-1]:
        if any(a in word for a in _APOSTROPHES):
            raise _error(
                text,
                f"the suffix in {word!r} is not at the end of the figure",
                "a case suffix follows the last word, e.g. \"12 bin 721'e\"",
            )
    words[-1] = _drop_suffix(text, words[-1])
    return words


def _drop_suffix(text: str, word: str) -> str:
    cut = next((i for i, ch in enumerate(word) if ch in _APOSTROPHES), None)
    if cut is None:
        return word
    stem, suffix = word[:cut], word[cut + 1 :]
    if not stem or not suffix.isalpha():
        raise _error(
            text,
            f"{word!r} has a malformed case suffix",
            "a suffix is letters after one apostrophe, e.g. \"1.891'dir\" or \"%3'ü\"",
        )
    return stem


def _strip_qualifiers(words: list[str]) -> tuple[bool, list[str]]:
    """Drop leading yaklaşık/tahmini/ortalama and a trailing civarında; report a hedge."""
    hedged = False
    start, end = 0, len(words)
    while start < end and fold(words[start]) in _HEDGES_BEFORE | _NEUTRAL_BEFORE:
        hedged |= fold(words[start]) in _HEDGES_BEFORE
        start += 1
    if start < end and fold(words[end - 1]) in _HEDGES_AFTER:
        hedged = True
        end -= 1
    return hedged, words[start:end]


def _strip_currency(words: list[str]) -> tuple[bool, list[str]]:
    """Drop a trailing currency word; report whether there was one."""
    folded = tuple(fold(w) for w in words)
    for name in _CURRENCIES:
        if folded[-len(name) :] == name:
            return True, words[: -len(name)]
    return False, words


# --- the number itself --------------------------------------------------------------------


def _parse_body(text: str, words: list[str], is_amount: bool) -> ParsedNumber:
    if not any(_is_number_word(w) for w in words):
        raise _error(text, "there is no number in it", _FORMS)
    if words[0].startswith("%"):
        return _parse_percent(text, words, is_amount)
    if any("/" in w for w in words):
        return _parse_ratio(text, words, is_amount)
    return _parse_scaled(text, words, "amount" if is_amount else "count")


def _is_number_word(word: str) -> bool:
    return any(ch in _DIGITS for ch in word) or fold(word) in _SCALES


def _parse_percent(text: str, words: list[str], is_amount: bool) -> ParsedNumber:
    hint = "write a percentage alone, e.g. '%40', '% 40' or '%12,5'"
    if is_amount:
        raise _error(text, "a percentage cannot carry a currency word", hint)
    first, rest = words[0][1:], words[1:]
    if not first and rest:
        first, rest = rest[0], rest[1:]
    if not first:
        raise _error(text, "'%' is not followed by a number", hint)
    if rest:
        extra = rest[0]
        if fold(extra) in _SCALES:
            raise _error(text, f"a percentage cannot take the scale word {extra!r}", hint)
        raise _error(text, f"unexpected {extra!r} after the percentage", hint)
    numeral = _parse_numeral(text, first)
    return ParsedNumber(numeral.value, "percent", numeral.unit, rounded=False, hedged=False)


def _parse_ratio(text: str, words: list[str], is_amount: bool) -> ParsedNumber:
    hint = "write a ratio of two whole numbers alone, e.g. '2/3'"
    if len(words) != 1 or is_amount:
        raise _error(text, "a ratio cannot take other words", hint)
    word = words[0]
    numerator, _, denominator = word.partition("/")
    if not (_is_digits(numerator) and _is_digits(denominator)):
        raise _error(text, f"{word!r} is not a ratio of two whole numbers", hint)
    for part in (numerator, denominator):
        _check_digit_count(text, word, part)
    if int(denominator) == 0:
        raise _error(text, f"the ratio {word!r} has a zero denominator", hint)
    value = Fraction(int(numerator), int(denominator))
    return ParsedNumber(value, "ratio", Fraction(1), rounded=False, hedged=False)


def _is_digits(s: str) -> bool:
    return bool(s) and all(ch in _DIGITS for ch in s)


def _check_digit_count(text: str, word: str, digits: str) -> None:
    if len(digits.lstrip("0")) > _MAX_DIGITS:
        raise _error(
            text,
            f"{word!r} is too large: at most {_MAX_DIGITS} integer digits are supported",
            "e.g. '999.999.999.999.999.999'",
        )


@dataclass(frozen=True)
class _Numeral:
    """One digit group as written ('92.783', '670,15') and what it means."""

    text: str
    value: Fraction
    unit: Fraction  # the value of one unit in its last digit

    @property
    def has_decimals(self) -> bool:
        return self.unit != 1


_numerals: dict[str, _Numeral] = {}  # word → its reading: "562" recurs in many figures


def _parse_numeral(text: str, word: str) -> _Numeral:
    """One digit group; a problem names the whole figure `text`, so only readings are kept."""
    numeral = _numerals.get(word)
    if numeral is None:
        numeral = _read_numeral(text, word)
        if len(_numerals) < 20_000:
            _numerals[word] = numeral
    return numeral


def _read_numeral(text: str, word: str) -> _Numeral:
    if not set(word) <= _NUMERAL_CHARS or not any(ch in _DIGITS for ch in word):
        raise _error(text, f"{word!r} is not a number", _NUMERAL_HINT)
    if word.count(",") > 1:
        raise _error(text, f"{word!r} has more than one decimal comma", _NUMERAL_HINT)
    int_part, comma, decimals = word.partition(",")
    if comma and not _is_digits(decimals):
        raise _error(text, f"{word!r} needs digits, and no dots, after its decimal comma",
                     _NUMERAL_HINT)
    if len(decimals) > _MAX_DIGITS:
        raise _error(text, f"{word!r} has more than {_MAX_DIGITS} decimal places",
                     "e.g. '670,15'")
    whole = _read_int_part(text, word, int_part)
    unit = Fraction(1, 10 ** len(decimals))
    value = whole + int(decimals or "0") * unit
    return _Numeral(word, value, unit)


def _read_int_part(text: str, word: str, int_part: str) -> int:
    """Read '92.783' or '500': dots separate groups of exactly three digits."""
    groups = int_part.split(".")
    well_grouped = all(groups) and (
        len(groups) == 1
        or (len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:]))
    )
    if not well_grouped:
        raise _error(
            text,
            f"bad thousands grouping in {word!r}",
            "dots separate groups of exactly three digits after a first group of one to "
            "three, e.g. '1.836', '92.783' or '262.259.995,21'",
        )
    digits = "".join(groups)
    _check_digit_count(text, word, digits)
    return int(digits)


@dataclass(frozen=True)
class _Term:
    """A numeral times a scale word ('41 milyon', bare 'bin'), or the final units group."""

    numeral: _Numeral | None
    scale_word: str | None  # as written; None for the units group
    scale: int

    @property
    def value(self) -> Fraction:
        return self.multiplier * self.scale

    @property
    def multiplier(self) -> Fraction:
        return self.numeral.value if self.numeral else Fraction(1)


def _parse_scaled(text: str, words: list[str], kind: str) -> ParsedNumber:
    terms = _read_terms(text, words)
    _check_terms(text, terms)
    value = sum((term.value for term in terms), Fraction(0))
    if value >= _LIMIT:
        raise _error(
            text,
            f"the value {int(value)} is too large: at most {_MAX_DIGITS} integer digits "
            "are supported",
            "e.g. '999.999 trilyon' or '999.999.999.999.999.999'",
        )
    last = terms[-1]
    unit = last.numeral.unit if last.numeral else Fraction(1)
    rounded = last.scale > 1 and last.numeral is not None and last.numeral.has_decimals
    return ParsedNumber(value, kind, unit * last.scale, rounded=rounded, hedged=False)


def _read_terms(text: str, words: list[str]) -> list[_Term]:
    terms: list[_Term] = []
    pending: _Numeral | None = None
    for index, word in enumerate(words):
        key = fold(word)
        if key in _SCALES:
            terms.append(_Term(pending, word, _SCALES[key]))
            pending = None
        elif word[0] in _DIGITS:
            if pending is not None:
                raise _error(
                    text,
                    f"two numbers in a row: {pending.text!r} then {word!r}",
                    "join digit groups with dots or scale words, e.g. '92.783' or '5 bin 939'",
                )
            pending = _parse_numeral(text, word)
        else:
            raise _unexpected_word(text, words, index)
    if pending is not None:
        terms.append(_Term(pending, None, 1))
    return terms


def _unexpected_word(text: str, words: list[str], index: int) -> NumberFormatError:
    word = words[index]
    if word[0] in _MINUS_SIGNS:
        return _error(text, f"{word!r} is negative, and negative numbers are not supported",
                      "write the magnitude, e.g. '5'")
    if not any(_is_number_word(w) for w in words[index + 1 :]):
        return _error(
            text,
            f"unexpected {word!r} after the number",
            "only a currency word (TL, lira, Türk Lirası), 'civarında' or an apostrophe "
            "suffix may follow it; pass only the figure, e.g. '500' or '500 TL'",
        )
    if not any(_is_number_word(w) for w in words[:index]):
        return _error(
            text,
            f"unexpected {word!r} before the number",
            "only 'yaklaşık', 'tahmini' or 'ortalama' may precede it, e.g. 'yaklaşık 500'",
        )
    return _error(
        text,
        f"unknown word {word!r} inside the number",
        f"only bin, milyon, milyar and trilyon may join digit groups, {_SCALED_HINT}",
    )


def _check_terms(text: str, terms: list[_Term]) -> None:
    for index, term in enumerate(terms):
        if term.numeral is None and term.scale != _SCALES["bin"]:
            raise _error(text, f"{term.scale_word!r} needs a number before it",
                         "e.g. '1 milyon' or '3 milyar'")
        if term.numeral and term.numeral.has_decimals and index < len(terms) - 1:
            raise _error(
                text,
                f"the decimal comma in {term.numeral.text!r} is only allowed on the last group",
                "e.g. '1,5 milyon' or '1 milyon 500 bin'",
            )
        if index:
            _check_order(text, terms[index - 1], term)


def _check_order(text: str, previous: _Term, term: _Term) -> None:
    """Scale words strictly decrease, and each part is smaller than the scale before it."""
    if term.scale >= previous.scale:
        raise _error(
            text,
            f"{term.scale_word!r} cannot follow {previous.scale_word!r}",
            f"scale words must strictly decrease (trilyon, milyar, milyon, bin), {_SCALED_HINT}",
        )
    limit = previous.scale // term.scale
    if term.multiplier >= limit:
        assert term.numeral is not None  # a bare 'bin' is 1, below any limit
        where = f" before {term.scale_word!r}" if term.scale_word else ""
        raise _error(
            text,
            f"the group {term.numeral.text!r}{where} after {previous.scale_word!r} "
            f"must be less than {limit}",
            _SCALED_HINT,
        )


def _decimal_places(denominator: int) -> int | None:
    """The fewest decimal places that represent 1/denominator exactly, or None."""
    twos = fives = 0
    rest = denominator
    while rest % 2 == 0:
        rest //= 2
        twos += 1
    while rest % 5 == 0:
        rest //= 5
        fives += 1
    return max(twos, fives) if rest == 1 else None


@lru_cache(maxsize=1 << 14)
def figure_precision(figure: str) -> Fraction | None:
    """The precision of a figure as written (`ParsedNumber.precision`), None when it is 1 (exact
    to the unit) or the figure does not read. Remembered: figures recur."""
    try:
        precision = parse_number(figure).precision
    except NumberFormatError:
        return None
    return precision if precision != 1 else None
