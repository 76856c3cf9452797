"""Tests for the line-keeping, tag-refusing YAML reader (`asdh_lod.yamlsrc`)."""

from __future__ import annotations

import signal
from datetime import date, datetime

import pytest
import yaml

from asdh_lod.core.problems import Problem
from asdh_lod.ingest.yamlsrc import LList, LMap, YamlError, load_yaml, parse_yaml, read_text

F = "f.yaml"  # the display path every problem below is reported under


def fails(text: str) -> Problem:
    """The problem `parse_yaml` raises for `text` (the test fails if it parses)."""
    with pytest.raises(YamlError) as info:
        parse_yaml(text, F)
    p = info.value.problem
    assert p.path == F
    assert str(info.value) == str(p)
    return p


# --- lines are kept -----------------------------------------------------------------------

DOC = """\
# a comment line
document:
  id: tiny
  title: {tr: "Bir", en: "One"}

facts:
  - id: a
    value: 1
  - id: b
    value: 2
  - {id: c, value: 3}
"""


def test_mapping_lines():
    top = parse_yaml(DOC, F)
    assert isinstance(top, LMap) and isinstance(top, dict)
    assert top.line == 2
    assert top.key_lines == {"document": 2, "facts": 6}
    assert top.line_of("document") == 2
    assert top.line_of("facts") == 6
    assert top.line_of("absent") == 2  # a missing key falls back to the mapping's own line

    doc = top["document"]
    assert isinstance(doc, LMap)
    assert doc.line == 3  # a block mapping starts at its first key
    assert doc.line_of("id") == 3
    assert doc.line_of("title") == 4
    assert doc["title"].line == 4  # a flow mapping starts at its '{'
    assert doc["title"].line_of("en") == 4
    assert doc["title"] == {"tr": "Bir", "en": "One"}


def test_list_lines():
    facts = parse_yaml(DOC, F)["facts"]
    assert isinstance(facts, LList) and isinstance(facts, list)
    assert facts.line == 7
    assert facts.item_lines == [7, 9, 11]
    assert [facts.line_of(i) for i in range(3)] == [7, 9, 11]
    assert facts.line_of(99) == 7  # past the end: the list's own line
    assert [f.line for f in facts] == [7, 9, 11]
    assert facts[1].line_of("value") == 10
    assert facts[2] == {"id": "c", "value": 3}
    assert facts[2].line_of("value") == 11


def test_flow_list_lines():
    top = parse_yaml("a:\n  - 1\n  - [x,\n     y]\n", F)
    assert top["a"].item_lines == [2, 3]
    assert top["a"][1] == ["x", "y"]
    assert top["a"][1].item_lines == [3, 4]


def test_scalar_document():
    assert parse_yaml("just words\n", F) == "just words"
    assert parse_yaml("- a\n- b\n", F) == ["a", "b"]


# --- values are typed as YAML says -------------------------------------------------------

TYPED = """\
day: 2024-05-01
stamp: 2024-05-01 10:30:00
month: 2024-05
quoted_day: "2024-05-01"
year: 2025
quoted_year: "2025"
province: "01"
decimal: 1.5
yes_no: true
nothing: ~
empty:
text: plain words
hex: 0x1F
underscored: 1_000
"""


@pytest.mark.parametrize(
    ("key", "value", "kind"),
    [
        ("day", date(2024, 5, 1), date),
        ("stamp", datetime(2024, 5, 1, 10, 30), datetime),
        ("month", "2024-05", str),  # YYYY-MM is not a YAML timestamp
        ("quoted_day", "2024-05-01", str),
        ("year", 2025, int),
        ("quoted_year", "2025", str),
        ("province", "01", str),
        ("decimal", 1.5, float),
        ("yes_no", True, bool),
        ("nothing", None, type(None)),
        ("empty", None, type(None)),
        ("text", "plain words", str),
        ("hex", 31, int),
        ("underscored", 1000, int),
    ],
)
def test_values_typed_as_yaml_says(key, value, kind):
    top = parse_yaml(TYPED, F)
    assert type(top[key]) is kind
    assert top[key] == value


def test_integer_keys_become_strings():
    top = parse_yaml("25: Erzurum\n", F)
    assert top == {"25": "Erzurum"}
    assert top.line_of("25") == 1


def test_standard_tags_are_accepted():
    top = parse_yaml('a: !!str 12\nb: !!int "7"\nc: !!float 1\n', F)
    assert top == {"a": "12", "b": 7, "c": 1.0}
    assert type(top["a"]) is str and type(top["c"]) is float


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("a: &x 1\nb: *x\n", 1),               # reported at the anchored node: the alias is that node again
        ("a: &x [1, 2]\nb: *x\n", 1),
        ("a: &x {k: v}\nb:\n  c: *x\n", 1),
    ],
)
def test_aliases_are_refused(text, line):
    p = fails(text)
    assert (p.code, p.line) == ("yaml-syntax", line)
    assert p.message == "anchors and aliases (&name, *name) are not allowed; write the value out"


def test_an_unused_anchor_is_harmless():
    assert parse_yaml("a: &x 1\nb: 2\n", F) == {"a": 1, "b": 2}


def test_merge_keys_are_refused():
    p = fails("a: {b: 1}\nc:\n  <<: {b: 2}\n")
    assert (p.code, p.line) == ("yaml-syntax", 3)
    assert p.message == "merge keys (<<) are not allowed; write the fields out"


# --- tags are refused, never constructed -------------------------------------------------

@pytest.mark.parametrize(
    ("text", "tag", "line"),
    [
        ('a: 1\nb: !!python/object/apply:os.system ["echo hi"]\n',
         "tag:yaml.org,2002:python/object/apply:os.system", 2),
        ("a: !!python/name:os.system\n", "tag:yaml.org,2002:python/name:os.system", 1),
        ("a:\n  - 1\n  - !!python/object:pathlib.Path {}\n", "tag:yaml.org,2002:python/object:pathlib.Path", 3),
        ("a: !foo bar\n", "!foo", 1),
        ("a:\n  b: !foo {c: 1}\n", "!foo", 2),
        ("!foo [1, 2]\n", "!foo", 1),
        ("a: !!binary aGk=\n", "tag:yaml.org,2002:binary", 1),
        ("a: !!set {x}\n", "tag:yaml.org,2002:set", 1),
        ("a: !!omap [{x: 1}]\n", "tag:yaml.org,2002:omap", 1),
    ],
)
def test_tags_are_refused(text, tag, line):
    p = fails(text)
    assert (p.code, p.line) == ("yaml-tag", line)
    assert p.message == f"tag {tag} is not allowed"
    assert p.hint == "use plain YAML values; tags that construct objects are never accepted"


def test_python_tag_never_runs(tmp_path):
    marker = tmp_path / "executed"
    payload = f'x: !!python/object/apply:os.system ["touch {marker}"]\n'
    assert fails(payload).code == "yaml-tag"
    assert not marker.exists()
    # control: the payload is live, so the assertion above proves something
    yaml.unsafe_load(payload)
    assert marker.exists()


# --- duplicate keys, bad values, syntax --------------------------------------------------

@pytest.mark.parametrize(
    ("text", "line", "key"),
    [
        ("a: 1\nb: 2\na: 3\n", 3, "a"),
        ("top:\n  x: 1\n  y: 2\n  x: 1\n", 4, "x"),
        ("a: {b: 1, b: 2}\n", 1, "b"),
        ("- id: a\n  id: b\n", 2, "id"),
        ("25: a\n'25': b\n", 2, "25"),  # the same key once made a string
    ],
)
def test_duplicate_keys_refused(text, line, key):
    p = fails(text)
    assert (p.code, p.line) == ("yaml-syntax", line)
    assert p.message == f"key '{key}' appears twice in one mapping"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("a: 1\nwhen: 2024-13-45\n", 2, "bad value '2024-13-45': month must be in 1..12"),
        ("when: 2024-02-30\n", 1, "bad value '2024-02-30': day is out of range for month"),
        ("a:\n  - 2025-00-10\n", 2, "bad value '2025-00-10': month must be in 1..12"),
        ('n: !!int "abc"\n', 1, "bad value 'abc': invalid literal for int() with base 10: 'abc'"),
    ],
)
def test_bad_scalar_values(text, line, message):
    p = fails(text)
    assert (p.code, p.line, p.message) == ("yaml-syntax", line, message)
    assert p.hint == "fix the YAML syntax at this line"


@pytest.mark.parametrize(
    ("text", "line", "detail"),
    [
        ("a: 1\n b: 2\n", 2, "mapping values are not allowed in this context"),
        ("a: [1, 2\nb: 3\n", 2, "while parsing a flow sequence did not find expected ',' or ']'"),
        ('a: 1\nx: "unterminated\n', 3, "while scanning a quoted scalar found unexpected end of stream"),
        ("a: 1\n\t\nb: 2", 2, "while scanning a plain scalar found a tab character that violates indentation"),
        ("---\na: 1\n---\nb: 2\n", 3, "expected a single document in the stream but found another document"),
        ("a: *nowhere\n", 1, "found undefined alias"),
        ("a:\n  - 1\n  b: 2\n", 3, "while parsing a block collection did not find expected '-' indicator"),
    ],
)
def test_syntax_errors_name_their_line(text, line, detail):
    p = fails(text)
    assert (p.code, p.line) == ("yaml-syntax", line)
    assert p.message == detail


@pytest.mark.parametrize("text", ["? [a]\n: 1\n", "1.5: x\n", "~: x\n", "2024-01-01: x\n"])
def test_keys_must_be_plain_words(text):
    p = fails(text)
    assert (p.code, p.line) == ("yaml-syntax", 1)
    assert p.message.startswith("a mapping key must be a plain word, not ")


@pytest.mark.parametrize("text", ["", "   ", "\n\n", "# only\n# comments\n", "\n# comment after a blank\n"])
def test_empty_documents(text):
    p = fails(text)
    assert (p.code, p.line, p.message) == ("empty-file", 1, "the file is empty")
    assert p.hint == "add the content, or delete the file"


@pytest.mark.parametrize("text", ["---\n", "--- # c\n...\n", "~\n"])
def test_an_explicit_empty_document_is_null(text):
    # not "empty-file": the document exists and is null; callers then report the wrong type
    assert parse_yaml(text, F) is None


# --- reading bytes -----------------------------------------------------------------------

def test_read_text_utf8(tmp_path):
    f = tmp_path / "x.yaml"
    f.write_bytes("a: Ağrı\n".encode())
    assert read_text(f, "x.yaml") == "a: Ağrı\n"
    assert load_yaml(f, "x.yaml") == {"a": "Ağrı"}


@pytest.mark.parametrize(
    ("data", "line", "offset"),
    [
        (b"\xff\xfea: 1\n", 1, 0),
        (b"a: 1\nb: caf\xe9\n", 2, 11),
        (b"a: 1\n\nc: \x80\n", 3, 9),
        ("a: ğ\nb: ".encode() + b"\xc4", 2, 9),  # a truncated two-byte sequence
    ],
)
def test_not_utf8(tmp_path, data, line, offset):
    f = tmp_path / "x.yaml"
    f.write_bytes(data)
    with pytest.raises(YamlError) as info:
        load_yaml(f, "shown/x.yaml")
    p = info.value.problem
    assert (p.code, p.path, p.line) == ("not-utf8", "shown/x.yaml", line)
    assert p.message == f"cannot be decoded as UTF-8 at byte {offset}"
    assert p.hint == "save the file as UTF-8"


# --- inputs that once crashed the reader: each must be a problem with a line -------------

@pytest.mark.parametrize(
    "text",
    ["a: 1\nb: !!bool maybe\n", "a: 1\nb: !!timestamp soon\n", 'a: 1\nb: !!int ""\n',
     'a: 1\nb: !!float "x"\n'],
)
def test_bad_standard_tag_values_are_problems(text):
    p = fails(text)
    assert (p.code, p.line) == ("yaml-syntax", 2)


def test_recursive_alias_is_a_problem():
    p = fails("a: 1\nb: &x [*x]\n")
    assert (p.code, p.line) == ("yaml-syntax", 2)
    assert p.message == "anchors and aliases (&name, *name) are not allowed; write the value out"


@pytest.mark.parametrize("depth", [41, 3000])
def test_deep_nesting_is_a_problem(depth):
    p = fails("a: " + "[" * depth + "]" * depth + "\n")
    assert p.code == "yaml-syntax"
    assert p.message == "nesting deeper than 40 levels"


def test_moderate_nesting_is_fine():
    value = parse_yaml("a: " + "[" * 39 + "]" * 39 + "\n", F)["a"]
    for _ in range(38):
        assert len(value) == 1
        value = value[0]
    assert value == []


class _Slow(Exception):
    pass


def _alarm(signum, frame):
    raise _Slow()


def test_alias_bomb_is_refused_quickly():
    lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]")
    text = "\n".join(lines) + "\n"
    assert len(text) < 1000  # a 1 KB 'billion laughs': 10**9 leaves if aliases were expanded
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, 5.0)
    try:
        p = fails(text)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    assert (p.code, p.line) == ("yaml-syntax", 1)
