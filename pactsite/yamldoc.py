"""YAML documents as plain values plus a map from key paths to source lines."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from pactsite.diagnostics import Diagnostic

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_NODES = 50_000
MAX_DEPTH = 40
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


@dataclass(frozen=True, slots=True)
class YamlDoc:
    """A parsed YAML document: its value and the line of each key path (`contact.email`)."""

    value: Any
    lines: dict[str, int] = field(default_factory=dict)
    first_line: int = 1

    def line_of(self, key_path: str) -> int:
        """Return the line of a key path, or of its nearest parent, or of the document."""
        while key_path:
            if key_path in self.lines:
                return self.lines[key_path]
            key_path = key_path.rpartition(".")[0]
        return self.first_line


def parse_yaml(
    text: str, path: str, first_line: int = 1
) -> tuple[YamlDoc | None, list[Diagnostic]]:
    """Parse YAML text that starts at `first_line` of the file at site-relative `path`."""
    loader = _Loader(text)
    try:
        too_big = _check_shape(text, path, first_line) if _could_be_deep(text) else None
        if too_big:
            return None, [too_big]
        node = loader.get_single_node()
        if node is None:
            return YamlDoc({}, {}, first_line), []
        lines: dict[str, int] = {}
        problems = list(_check_nodes(node, "", lines, first_line, path, loader))
        if problems:
            return None, problems
        return YamlDoc(loader.construct_document(node), lines, first_line), []
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = first_line + (mark.line if mark else 0)
        what = error.problem or error.context or "invalid YAML"
        return None, [_yaml_error(path, line, f"invalid YAML: {what}")]
    except yaml.reader.ReaderError as error:
        line = first_line + text.count("\n", 0, max(error.position, 0))
        character = f"U+{error.character:04X}" if isinstance(error.character, int) else "?"
        return None, [
            Diagnostic(
                path=path,
                line=line,
                message=f"the character {character} is not allowed in YAML ({error.reason})",
                hint="delete it; it is often an invisible leftover from copy and paste",
            )
        ]
    except (yaml.YAMLError, ValueError, OverflowError, RecursionError) as error:
        return None, [_yaml_error(path, first_line, f"invalid YAML: {error}")]
    finally:
        loader.dispose()


def _could_be_deep(text: str) -> bool:
    """Whether the text has enough collection indicators to nest deeper than MAX_DEPTH.

    Every level of nesting starts with one of `[ { - : ?`, so most front matter, with fewer
    than that, skips the second parse that `_check_shape` costs.
    """
    return sum(text.count(indicator) for indicator in "[{-:?") > MAX_DEPTH


def _check_shape(text: str, path: str, first_line: int) -> Diagnostic | None:
    """Reject documents too deep or too large before they are composed into nodes.

    libyaml composes nested collections recursively in C, so a few thousand open brackets
    overflow the C stack and kill the process; its parser, walked here event by event, does not.
    """
    depth = 0
    for count, event in enumerate(yaml.parse(text, Loader=_Loader)):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        if depth > MAX_DEPTH or count > 2 * MAX_NODES:
            mark = event.start_mark
            return _too_big(path, first_line + (mark.line if mark else 0))
    return None


def _too_big(path: str, line: int) -> Diagnostic:
    return Diagnostic(
        path=path,
        line=line,
        message="YAML document is too large or too deeply nested",
        hint=f"keep it under {MAX_NODES} values and {MAX_DEPTH} levels",
    )


def _yaml_error(path: str, line: int, message: str) -> Diagnostic:
    hint = "check indentation, and put values with ':' or '#' in quotes"
    return Diagnostic(path=path, line=line, message=message, hint=hint)


def _check_nodes(
    root: yaml.Node, prefix: str, lines: dict[str, int], first_line: int, path: str, loader: Any
) -> Iterator[Diagnostic]:
    """Record key lines; reject aliases, duplicate keys, bad dates and oversized documents."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, str, int]] = [(root, prefix, 0)]
    while stack:
        node, key_path, depth = stack.pop()
        line = first_line + node.start_mark.line
        if id(node) in seen:
            yield Diagnostic(
                path=path,
                line=line,
                message="YAML anchors and aliases (&name, *name) are not supported",
                hint="write the value out in full",
            )
            return
        seen.add(id(node))
        if len(seen) > MAX_NODES or depth > MAX_DEPTH:
            yield _too_big(path, line)
            return
        if isinstance(node, yaml.MappingNode):
            yield from _check_mapping(node, key_path, depth, lines, first_line, path, stack)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                item_path = f"{key_path}.{index}" if key_path else str(index)
                lines[item_path] = first_line + item.start_mark.line
                stack.append((item, item_path, depth + 1))
        elif node.tag == _TIMESTAMP_TAG:
            try:
                loader.construct_object(node)
            except (ValueError, OverflowError):
                yield Diagnostic(
                    path=path,
                    line=line,
                    message=f"invalid date '{node.value}'",
                    hint="write dates as YYYY-MM-DD, e.g. 2002-10-22",
                )


def _check_mapping(
    node: yaml.MappingNode,
    key_path: str,
    depth: int,
    lines: dict[str, int],
    first_line: int,
    path: str,
    stack: list[tuple[yaml.Node, str, int]],
) -> Iterator[Diagnostic]:
    keys_seen: set[str] = set()
    for key_node, value_node in node.value:
        key = str(key_node.value)
        line = first_line + key_node.start_mark.line
        child_path = f"{key_path}.{key}" if key_path else key
        if key in keys_seen:
            yield Diagnostic(
                path=path,
                line=line,
                message=f"key '{key}' is given twice",
                hint="remove one of them",
            )
        keys_seen.add(key)
        lines.setdefault(child_path, line)
        stack.append((value_node, child_path, depth + 1))
