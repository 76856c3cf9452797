"""YAML with line numbers, safely.

PyYAML's safe loader builds plain Python values and forgets where they came from. We
compose the node tree instead (with the C parser when it is available) and construct the
values ourselves, keeping the line of every mapping value and list item, so every later
problem can name ``file:line``. Only the standard YAML tags are accepted: a tag that would
construct an object (``!!python/object``, custom ``!tags``) is a problem, never executed.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

from ..core.problems import Problem, problem

try:  # the C parser is several times faster; same node tree
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _BaseLoader = yaml.SafeLoader

_STD_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq",
}
_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """The safe loader with the parser's per-node resolver calls made cheap.

    The parser asks the resolver for the tag of every node. We register no path resolvers, so
    descending and ascending are no-ops; a quoted scalar is always a string, and the tag of a
    plain scalar depends only on its text, so it is remembered (the same codes, units and
    periods recur in every file)."""

    _plain_tags: dict[str, str] = {}

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

    def resolve(self, kind: Any, value: Any, implicit: Any, _scalar: type = yaml.ScalarNode) -> str:
        if kind is _scalar:
            if not implicit[0]:  # quoted, or tagged '!': a string, as Resolver.resolve says
                return _STR
            tag = self._plain_tags.get(value)
            if tag is not None:
                return tag
            tag = _BaseLoader.resolve(self, kind, value, implicit)
            if len(self._plain_tags) < 10_000:
                self._plain_tags[value] = tag
            return tag
        return _BaseLoader.resolve(self, kind, value, implicit)


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


MAX_DEPTH = 40


_CONSTRUCTED_TAGS = {  # scalar tags whose values are immutable and depend only on the text
    "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
}
_constructed: dict[tuple[str, str], Any] = {}  # (tag, text) → value, e.g. ("…:int", "2025") → 2025


class _Builder:
    """Builds LMap/LList/scalars from a composed node tree, refusing what data never needs:
    anchors and aliases (a repeated node: alias bombs, recursive aliases), non-standard tags,
    and nesting deeper than MAX_DEPTH.

    A text without '*' has no alias, so no node can repeat: then the builder skips keeping
    the set of nodes seen, and takes plain string keys and values without a call each."""

    def __init__(self, loader: Any, path: str, aliases_possible: bool = True):
        self.loader = loader
        self.path = path
        self.seen: set[int] | None = set() if aliases_possible else None

    def fail(self, node: yaml.Node, code: str = "yaml-syntax", **fields: Any) -> YamlError:
        return YamlError(problem(code, self.path, node.start_mark.line + 1, **fields))

    def build(self, node: yaml.Node, depth: int = 0) -> Any:
        seen = self.seen
        if seen is not None:
            if id(node) in seen:
                return self._refuse_alias(node)
            seen.add(id(node))
        tag = node.tag
        if tag not in _STD_TAGS:
            raise self.fail(node, "yaml-tag", tag=tag)
        if depth > MAX_DEPTH:
            raise self.fail(node, detail=f"nesting deeper than {MAX_DEPTH} levels")
        if isinstance(node, yaml.ScalarNode):
            if tag == _STR:
                return node.value  # what SafeConstructor.construct_yaml_str returns, without its dispatch
            key = (tag, node.value)
            if key in _constructed:
                return _constructed[key]
            try:
                value = self.loader.construct_object(node, deep=True)
            except (ValueError, OverflowError, KeyError, IndexError, AttributeError, TypeError) as e:
                # a standard tag with a value it cannot take (!!int "", a timestamp like 2024-13-45)
                raise self.fail(node, detail=f"bad value {node.value!r}: {e}") from None
            if tag in _CONSTRUCTED_TAGS and len(_constructed) < 10_000:
                _constructed[key] = value
            return value
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, depth)
        if isinstance(node, yaml.SequenceNode):
            seq = LList(self.build(n, depth + 1) for n in node.value)
            seq.line, seq.item_lines = node.start_mark.line + 1, [n.start_mark.line + 1 for n in node.value]
            return seq
        try:  # pragma: no cover - the composer makes no other kind of node
            return self.loader.construct_object(node, deep=True)
        except (ValueError, OverflowError, KeyError, IndexError, AttributeError, TypeError) as e:
            raise self.fail(node, detail=f"bad value {node.value!r}: {e}") from None

    def _refuse_alias(self, node: yaml.Node) -> Any:
        raise self.fail(node, detail="anchors and aliases (&name, *name) are not allowed; write the value out")

    def _mapping(self, node: yaml.MappingNode, depth: int) -> LMap:
        m = LMap()
        key_lines: dict[str, int] = {}
        m.line, m.key_lines = node.start_mark.line + 1, key_lines
        build, scalar, intern = self.build, yaml.ScalarNode, sys.intern
        # the fast path below does what build() does for a plain string scalar, in the same order
        fast = self.seen is None and depth + 1 <= MAX_DEPTH
        for key_node, value_node in node.value:
            tag = key_node.tag
            if tag == _MERGE:
                raise self.fail(key_node, detail="merge keys (<<) are not allowed; write the fields out")
            if fast and tag == _STR and key_node.__class__ is scalar:
                key = key_node.value
            else:
                key = build(key_node, depth + 1)
                if not isinstance(key, (str, int)) or isinstance(key, bool):
                    raise self.fail(key_node, detail=f"a mapping key must be a plain word, not {key!r}")
                key = str(key)
            key = intern(key)  # the same few field names in every entry: one string each
            if key in m:
                raise self.fail(key_node, detail=f"key '{key}' appears twice in one mapping")
            if fast and value_node.tag == _STR and value_node.__class__ is scalar:
                m[key] = value_node.value
            else:
                m[key] = build(value_node, depth + 1)
            key_lines[key] = key_node.start_mark.line + 1
        return m


def read_text(file: Path, display: str, root: Path | None = None) -> str:
    """The file's text as UTF-8; a `YamlError` carrying the problem if it is not, or if the
    file resolves (through symbolic links) to a place outside the folder `root`."""
    if root is not None:
        real, top = Path(file).resolve(), Path(root).resolve()
        if not real.is_relative_to(top):
            raise YamlError(problem("outside-data-folder", display, None, target=str(real), root=str(top)))
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
        except RecursionError:
            raise YamlError(problem("yaml-syntax", display, None,
                                    detail=f"nesting deeper than {MAX_DEPTH} levels")) from None
        except yaml.MarkedYAMLError as e:
            mark = e.problem_mark or e.context_mark
            line = mark.line + 1 if mark else None
            detail = " ".join(x for x in (e.context, e.problem) if x)
            if "maximum nesting depth" in detail:  # PyYAML >= 6.0.4 limits nesting itself: say it as we do
                detail = f"nesting deeper than {MAX_DEPTH} levels"
            raise YamlError(problem("yaml-syntax", display, line, detail=detail)) from None
        except yaml.YAMLError as e:
            raise YamlError(problem("yaml-syntax", display, None, detail=str(e))) from None
        if node is None:
            raise YamlError(problem("empty-file", display, 1))
        try:
            return _Builder(loader, display, aliases_possible="*" in text).build(node)
        except yaml.constructor.ConstructorError as e:
            mark = e.problem_mark
            raise YamlError(problem("yaml-syntax", display, mark.line + 1 if mark else None,
                                    detail=str(e.problem))) from None
    finally:
        loader.dispose()


def load_yaml(file: Path, display: str, root: Path | None = None) -> Any:
    """Parse a YAML file (inside the folder `root`, if given: see `read_text`)."""
    return parse_yaml(read_text(file, display, root), display)
