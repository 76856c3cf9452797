"""Tests for the Turkish number reader (`asdh_lod.numbers`)."""

from __future__ import annotations

import dataclasses
import random
import re
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

try:
    from asdh_lod.model.numbers import NumberFormatError, ParsedNumber, parse_number
except ModuleNotFoundError:  # the package is not installed: read it from the source tree
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from asdh_lod.model.numbers import NumberFormatError, ParsedNumber, parse_number

F = Fraction
NBSP = "\u00a0"

# (text, value, kind, precision, rounded, hedged)
VALID = [
    # dotted thousands
    ("92.783", 92783, "count", 1, False, False),
    ("1.836", 1836, "count", 1, False, False),
    ("107.064", 107064, "count", 1, False, False),
    ("262.259.995,21 Türk Lirası", F("262259995.21"), "amount", F(1, 100), False, False),
    ("999.999.999.999.999.999", 10**18 - 1, "count", 1, False, False),
    ("1.836,5", F("1836.5"), "count", F(1, 10), False, False),
    # plain digits, and a decimal comma without a scale
    ("500", 500, "count", 1, False, False),
    ("0", 0, "count", 1, False, False),
    ("7", 7, "count", 1, False, False),
    ("670,15", F("670.15"), "count", F(1, 100), False, False),
    ("1,836", F("1.836"), "count", F(1, 1000), False, False),
    # digits and scale words
    ("267 milyon 857 bin 181 TL", 267857181, "amount", 1, False, False),
    ("5 bin 939", 5939, "count", 1, False, False),
    ("12 bin 721", 12721, "count", 1, False, False),
    ("99 bin 96", 99096, "count", 1, False, False),
    ("2 bin 7", 2007, "count", 1, False, False),
    ("3 bin 92", 3092, "count", 1, False, False),
    ("41 milyon 22 bin TL", 41022000, "amount", 1000, False, False),
    ("65 milyon 550 bin TL", 65550000, "amount", 1000, False, False),
    ("629 milyon 130 bin 670,15 TL", F("629130670.15"), "amount", F(1, 100), False, False),
    ("178 milyon 216 bin 83 TL", 178216083, "amount", 1, False, False),
    ("165 bin 371 TL", 165371, "amount", 1, False, False),
    ("3 milyon", 3000000, "count", 1000000, False, False),
    ("3 milyon 500", 3000500, "count", 1, False, False),
    ("2 milyon bin 500", 2001500, "count", 1, False, False),
    ("1.500 milyon", 1500000000, "count", 1000000, False, False),
    ("999.999 trilyon", 999999 * 10**12, "count", 10**12, False, False),
    # bare "bin" is one thousand
    ("bin 122", 1122, "count", 1, False, False),
    ("Bin 843", 1843, "count", 1, False, False),
    ("bin 478", 1478, "count", 1, False, False),
    ("bin", 1000, "count", 1000, False, False),
    # a decimal comma scaled by a word is rounded
    ("1,1 milyon", 1100000, "count", 100000, True, False),
    ("188,1 milyon TL", 188100000, "amount", 100000, True, False),
    ("933,8 milyon TL", 933800000, "amount", 100000, True, False),
    ("1,3 milyar TL", 1300000000, "amount", 100000000, True, False),
    ("6,67 milyar", 6670000000, "count", 10000000, True, False),
    ("6,1 milyar lira", 6100000000, "amount", 100000000, True, False),
    ("1,5 bin", 1500, "count", 100, True, False),
    ("2 milyon 999,5 bin", 2999500, "count", 100, True, False),
    # scale words in any case, Turkish dotted/dotless i alike
    ("3 MİLYON", 3000000, "count", 1000000, False, False),
    ("3 MILYON", 3000000, "count", 1000000, False, False),
    ("3 Milyon 200 BİN 5", 3200005, "count", 1, False, False),
    ("BİN 5", 1005, "count", 1, False, False),
    ("2 Milyar 5 Milyon", 2005000000, "count", 1000000, False, False),
    ("1 trilyon", 10**12, "count", 10**12, False, False),
    ("4 TRİLYON 2 milyar", 4002000000000, "count", 10**9, False, False),
    # hedges; "ortalama" is not one
    ("yaklaşık 6,67 milyar TL", 6670000000, "amount", 10000000, True, True),
    ("Yaklaşık 500", 500, "count", 1, False, True),
    ("yaklaşik 500", 500, "count", 1, False, True),
    ("YAKLAŞIK 500", 500, "count", 1, False, True),
    ("tahmini 2 bin", 2000, "count", 1000, False, True),
    ("500 civarında", 500, "count", 1, False, True),
    ("6 milyon TL civarında", 6000000, "amount", 1000000, False, True),
    ("ortalama 5 bin 939", 5939, "count", 1, False, False),
    ("Ortalama 1,1 milyon", 1100000, "count", 100000, True, False),
    # percent
    ("%40", 40, "percent", 1, False, False),
    ("% 40", 40, "percent", 1, False, False),
    ("%3", 3, "percent", 1, False, False),
    ("%12,5", F(25, 2), "percent", F(1, 10), False, False),
    ("yaklaşık %40", 40, "percent", 1, False, True),
    # ratio
    ("2/3", F(2, 3), "ratio", 1, False, False),
    ("4/2", 2, "ratio", 1, False, False),
    # a case suffix after an apostrophe
    ("12 bin 721'e", 12721, "count", 1, False, False),
    ("1.891'dir", 1891, "count", 1, False, False),
    ("%3'ü", 3, "percent", 1, False, False),
    ("2/3'ünün", F(2, 3), "ratio", 1, False, False),
    ("12 bin 721’e", 12721, "count", 1, False, False),
    ("1.891’dir", 1891, "count", 1, False, False),
    ("%3’ü", 3, "percent", 1, False, False),
    ("2/3’ünün", F(2, 3), "ratio", 1, False, False),
    ("500 TL'lik", 500, "amount", 1, False, False),
    ("bin'e", 1000, "count", 1000, False, False),
    # currency words
    ("500 TL", 500, "amount", 1, False, False),
    ("500 lira", 500, "amount", 1, False, False),
    ("500 Türk Lirası", 500, "amount", 1, False, False),
    ("500 Türk lirası", 500, "amount", 1, False, False),
    ("500 TÜRK LİRASI", 500, "amount", 1, False, False),
    ("500 ₺", 500, "amount", 1, False, False),
    # whitespace, non-breaking spaces and bold markers
    ("  92.783  ", 92783, "count", 1, False, False),
    ("\t500\n", 500, "count", 1, False, False),
    (f"{NBSP}92.783{NBSP}", 92783, "count", 1, False, False),
    (f"5{NBSP}bin{NBSP}939", 5939, "count", 1, False, False),
    (f"%{NBSP}40", 40, "percent", 1, False, False),
    ("**92.783**", 92783, "count", 1, False, False),
    ("** 1,1 milyon **", 1100000, "count", 100000, True, False),
    ("**%40**", 40, "percent", 1, False, False),
    (" **267 milyon 857 bin 181 TL** ", 267857181, "amount", 1, False, False),
]


@pytest.mark.parametrize(
    ("text", "value", "kind", "precision", "rounded", "hedged"), VALID, ids=[v[0] for v in VALID]
)
def test_parses(text, value, kind, precision, rounded, hedged):
    parsed = parse_number(text)
    assert parsed == ParsedNumber(F(value), kind, F(precision), rounded, hedged)
    assert type(parsed.value) is Fraction and type(parsed.precision) is Fraction
    assert parsed.approximate == (rounded or hedged)


# (text, the offending text the message must quote, a word saying what is wrong)
INVALID = [
    ("", "", "empty"),
    ("   ", "   ", "empty"),
    ("****", "****", "empty"),
    ("abc", "abc", "no number"),
    ("TL", "TL", "no number"),
    ("yaklaşık", "yaklaşık", "no number"),
    ("1.83", "1.83", "grouping"),
    ("1.8345", "1.8345", "grouping"),
    ("12.34.567", "12.34.567", "grouping"),
    ("1234.567", "1234.567", "grouping"),
    ("500.", "500.", "grouping"),
    ("1,1,1", "1,1,1", "more than one decimal comma"),
    ("1,", "1,", "after its decimal comma"),
    ("1,5.000", "1,5.000", "after its decimal comma"),
    ("5 bin 1000", "1000", "less than 1000"),
    ("2 bin 1.000", "1.000", "less than 1000"),
    ("2 milyon 1.500 bin", "1.500", "less than 1000"),
    ("3 bin 2 milyon", "milyon", "cannot follow"),
    ("5 bin 3 bin", "bin", "cannot follow"),
    ("bin bin", "bin", "cannot follow"),
    ("1,5 milyon 200 bin", "1,5", "only allowed on the last group"),
    ("milyon", "milyon", "needs a number"),
    ("5 3", "3", "two numbers in a row"),
    ("2/0", "2/0", "zero denominator"),
    ("2/3 TL", "2/3 TL", "ratio"),
    ("2/3 bin", "2/3 bin", "ratio"),
    ("1,5/3", "1,5/3", "two whole numbers"),
    ("-5", "-5", "negative"),
    ("−5", "−5", "negative"),
    ("5 yüz 3", "yüz", "unknown word"),
    ("toplam 500", "toplam", "before the number"),
    ("%40 bin", "bin", "scale word"),
    ("%40 TL", "%40 TL", "currency"),
    ("%40 kişi", "kişi", "after the percentage"),
    ("%", "%", "no number"),
    ("500 kişi", "kişi", "after the number"),
    ("5TL", "5TL", "not a number"),
    ("12'e bin", "12'e", "not at the end"),
    ("500'", "500'", "malformed case suffix"),
    ("999999999999999999999", "999999999999999999999", "too large"),
    ("1.000.000.000.000.000.000", "1.000.000.000.000.000.000", "too large"),
    ("1.000.000 trilyon", "1.000.000 trilyon", "too large"),
    ("1,1234567890123456789", "1,1234567890123456789", "decimal places"),
]


@pytest.mark.parametrize(
    ("text", "offending", "reason"), INVALID, ids=[v[0] or "<empty>" for v in INVALID]
)
def test_rejects(text, offending, reason):
    with pytest.raises(NumberFormatError, match=re.escape(repr(offending))) as caught:
        parse_number(text)
    message = str(caught.value)
    assert reason in message
    assert repr(text) in message  # the whole input is named too
    assert "e.g." in message  # and a valid form is shown


def test_error_is_caught_as_a_value_error():
    with pytest.raises(ValueError, match="cannot read 'beş' as a number"):
        parse_number("beş")


def test_rejects_non_strings():
    with pytest.raises(TypeError):
        parse_number(92783)  # type: ignore[arg-type]


# --- ParsedNumber ------------------------------------------------------------------------


def test_parsed_number_is_frozen():
    parsed = parse_number("92.783")
    with pytest.raises(dataclasses.FrozenInstanceError):
        parsed.value = F(1)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("92.783", 92783), ("1,1 milyon", 1100000), ("%40", 40), ("2/3", None), ("670,15", None)],
)
def test_as_int(text, expected):
    assert parse_number(text).as_int() == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("92.783", Decimal("92783")),
        ("629 milyon 130 bin 670,15 TL", Decimal("629130670.15")),
        ("%12,5", Decimal("12.5")),
        ("6,67 milyar", Decimal("6670000000")),
        ("2/3", None),
        ("1/8", Decimal("0.125")),
        ("3/4", Decimal("0.75")),
        ("1/7", None),
        (
            "999.999.999.999.999.999,999999999999999999",
            Decimal("999999999999999999.999999999999999999"),  # beyond the 28-digit context
        ),
    ],
)
def test_as_decimal(text, expected):
    result = parse_number(text).as_decimal()
    assert result == expected
    if expected is not None:
        assert str(result) == str(expected)


@pytest.mark.parametrize(
    ("text", "approximate"),
    [("1,1 milyon", True), ("yaklaşık 500", True), ("500 civarında", True),
     ("ortalama 500", False), ("41 milyon 22 bin", False), ("92.783", False)],
)
def test_approximate(text, approximate):
    assert parse_number(text).approximate is approximate


# --- round trip ----------------------------------------------------------------------------

_SCALE_NAMES = [(10**12, "trilyon"), (10**9, "milyar"), (10**6, "milyon"), (10**3, "bin")]


def turkish_words(n: int) -> str:
    """Write n as Turkish prose does: '267 milyon 857 bin 181', 'bin 122'."""
    if n == 0:
        return "0"
    parts = []
    for scale, name in _SCALE_NAMES:
        count, n = divmod(n, scale)
        if count:
            parts.append(name if (count, name) == (1, "bin") else f"{count} {name}")
    if n:
        parts.append(str(n))
    return " ".join(parts)


def dotted(n: int) -> str:
    """Write n with dots as thousands separators: '92.783'."""
    return f"{n:,}".replace(",", ".")


def last_unit(n: int) -> int:
    """The precision of turkish_words(n): the smallest scale it states."""
    for scale in (1, 10**3, 10**6, 10**9):
        if n == 0 or (n // scale) % 1000:
            return scale
    return 10**12


EDGES = [0, 1, 7, 999, 1000, 1001, 1999, 2000, 10_000, 999_999, 1_000_000, 1_000_001,
         1_001_000, 1_999_999, 2_000_000, 3_000_000, 2_000_000_000, 1_000_000_000_001,
         10**15, 10**18 - 1]


def _sample() -> list[int]:
    rng = random.Random(20250128)
    small = {rng.randrange(0, 3_000_001) for _ in range(3000)}
    large = {rng.randrange(0, 10**18) for _ in range(500)}
    return sorted(small | large | set(range(0, 3_000_001, 7919)) | set(EDGES))


def test_helpers_write_as_turkish_prose_does():
    assert turkish_words(267_857_181) == "267 milyon 857 bin 181"
    assert turkish_words(1122) == "bin 122"
    assert turkish_words(41_022_000) == "41 milyon 22 bin"
    assert dotted(262_259_995) == "262.259.995"
    assert last_unit(41_022_000) == 1000 and last_unit(3_000_000) == 10**6


@pytest.mark.parametrize("n", EDGES)
@pytest.mark.parametrize("style", [turkish_words, dotted])
def test_round_trip_edges(n, style):
    parsed = parse_number(style(n))
    assert parsed.as_int() == n
    assert (parsed.kind, parsed.rounded, parsed.hedged) == ("count", False, False)


def test_round_trip_sample():
    for n in _sample():
        words, dots = turkish_words(n), dotted(n)
        expected_words = ParsedNumber(F(n), "count", F(last_unit(n)), False, False)
        assert parse_number(words) == expected_words, words
        assert parse_number(dots) == ParsedNumber(F(n), "count", F(1), False, False), dots
        assert parse_number(f"{words} TL").kind == "amount", words


def test_round_trip_stops_at_eighteen_digits():
    for text in (dotted(10**18), turkish_words(10**18)):
        with pytest.raises(NumberFormatError, match="too large"):
            parse_number(text)
