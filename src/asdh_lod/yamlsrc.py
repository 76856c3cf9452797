"""YAML with line numbers, safely.

PyYAML's safe loader builds plain Python values and forgets where they came from. We
compose the node tree instead (with the C parser when it is available) and construct the
values ourselves, keeping the line of every mapping value and list item, so every later
problem can name ``file:line``. Only the standard YAML tags are accepted: a tag that would
construct an object (``!!python/object``, custom ``!tags``) is a problem, never executed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .problems import Problem, problem

try:  # the C parser is several times faster; same node tree
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _Loader = yaml.SafeLoader

_STD_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq",
}


class LMap(dict):
    """A mapping that remembers its own line and the line of each key."""

    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LList(list):
    """A list that remembers its own line and the line of each item."""

    line: int
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class YamlError(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


def _construct(node: yaml.Node, loader: Any, path: str) -> Any:
    line = node.start_mark.line + 1
    if node.tag not in _STD_TAGS:
        raise YamlError(problem("yaml-tag", path, line, tag=node.tag))
    if isinstance(node, yaml.MappingNode):
        m = LMap()
        m.line, m.key_lines = line, {}
        for key_node, value_node in node.value:
            key = _construct(key_node, loader, path)
            if not isinstance(key, (str, int)):
                raise YamlError(problem("yaml-syntax", path, key_node.start_mark.line + 1,
                                        detail=f"a mapping key must be a plain word, not {key!r}"))
            key = str(key)
            if key in m:
                raise YamlError(problem("yaml-syntax", path, key_node.start_mark.line + 1,
                                        detail=f"key '{key}' appears twice in one mapping"))
            m[key] = _construct(value_node, loader, path)
            m.key_lines[key] = key_node.start_mark.line + 1
        return m
    if isinstance(node, yaml.SequenceNode):
        seq = LList(_construct(n, loader, path) for n in node.value)
        seq.line, seq.item_lines = line, [n.start_mark.line + 1 for n in node.value]
        return seq
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, OverflowError) as e:  # e.g. a timestamp like 2024-13-45
        raise YamlError(problem("yaml-syntax", path, line, detail=f"bad value {node.value!r}: {e}")) from None


def read_text(file: Path, display: str) -> str:
    """The file's text as UTF-8; a `YamlError` carrying the problem if it is not."""
    data = file.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise YamlError(problem("not-utf8", display, line, offset=e.start)) from None


def parse_yaml(text: str, display: str) -> Any:
    """Parse YAML text into LMap/LList/scalars; raise `YamlError` with file:line."""
    if not text.strip():
        raise YamlError(problem("empty-file", display, 1))
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as e:
            mark = e.problem_mark or e.context_mark
            line = mark.line + 1 if mark else None
            detail = " ".join(x for x in (e.context, e.problem) if x)
            raise YamlError(problem("yaml-syntax", display, line, detail=detail)) from None
        except yaml.YAMLError as e:
            raise YamlError(problem("yaml-syntax", display, None, detail=str(e))) from None
        if node is None:
            raise YamlError(problem("empty-file", display, 1))
        try:
            return _construct(node, loader, display)
        except yaml.constructor.ConstructorError as e:
            mark = e.problem_mark
            raise YamlError(problem("yaml-syntax", display, mark.line + 1 if mark else None,
                                    detail=str(e.problem))) from None
    finally:
        loader.dispose()


def load_yaml(file: Path, display: str) -> Any:
    return parse_yaml(read_text(file, display), display)
