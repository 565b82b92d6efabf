"""YAML documents as plain values plus a map from key paths to source lines."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pactsite.diagnostics import Diagnostic
from pactsite.i18n import Text, t

if TYPE_CHECKING:
    import yaml

MAX_NODES = 50_000
MAX_DEPTH = 40
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_QUOTE_PROBLEMS = (
    "mapping values are not allowed",
    "found character that cannot start any token",
    "found undefined alias",
    "did not find expected key",
    "could not determine a constructor",
)
"""libyaml's words for a value whose characters YAML reads as structure (`: `, `@`, `*`, `!`)."""
_KEY_VALUE = re.compile(
    r"^(?P<lead>\s*(?:-\s+)?)(?P<key>[^\s#:\"'\[{][^:#]*?):[ \t]+(?P<value>\S.*?)\s*$"
)


@dataclass(frozen=True, slots=True)
class Written:
    """A scalar as the editor wrote it: its text, whether unquoted, and the rest of its line."""

    text: str
    plain: bool
    key: str
    """The key it is the value of; `-` for an item of a list written as lines, else empty."""
    rest: str = ""
    """What follows the value on its line when that is a comment (`#1 im Kreis`), else ''."""

    def as_line(self, value: str) -> str:
        """The line to write with `value` instead (`title: "#1 im Kreis"`)."""
        if self.key == "-":
            return f"- {value}"
        return f"{self.key}: {value}" if self.key else value

    @property
    def whole(self) -> str:
        """The value with the comment YAML cut off from it."""
        return f"{self.text}{self.rest}".strip() if self.rest else self.text


@dataclass(frozen=True, slots=True)
class YamlDoc:
    """A parsed YAML document: its value and the line of each key path (`contact.email`)."""

    value: Any
    lines: dict[str, int] = field(default_factory=dict)
    first_line: int = 1
    written: dict[str, Written] = field(default_factory=dict)
    """How each scalar was written, by key path, to tell what YAML read differently."""

    def line_of(self, key_path: str) -> int:
        """Return the line of a key path, or of its nearest parent, or of the document."""
        while key_path:
            if key_path in self.lines:
                return self.lines[key_path]
            key_path = key_path.rpartition(".")[0]
        return self.first_line

    def strings(self) -> Iterator[tuple[str, str]]:
        """Every text value of the document with its key path (`members.0.url`)."""
        return _strings(self.value, "")


def _strings(value: object, key_path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield key_path, value
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield from _strings(inner, f"{key_path}.{key}" if key_path else str(key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _strings(inner, f"{key_path}.{index}" if key_path else str(index))


_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})")


def impossible_day(written: str) -> Text | None:
    """What is wrong with a YYYY-MM-DD date that does not exist (`2026-13-01`, `2026-02-30`)."""
    found = _ISO_DAY.match(written.strip())
    if not found:
        return None
    year, month, day = (int(part) for part in found.groups())
    if not 1 <= month <= 12:
        return t("there is no month {month} (months go from 01 to 12)", month=found[2])
    days = ((dt.date(year + month // 12, month % 12 + 1, 1)) - dt.timedelta(days=1)).day
    if not 1 <= day <= days:
        return t(
            "there is no day {day} in {year}-{month}: the month has {days} days",
            day=found[3],
            year=found[1],
            month=found[2],
            days=days,
        )
    return None


def _loader_class() -> type[yaml.CSafeLoader] | type[yaml.SafeLoader]:
    """PyYAML's loader in C (libyaml) where PyYAML was built with it, else in Python."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(
    text: str, path: str, first_line: int = 1
) -> tuple[YamlDoc | None, list[Diagnostic]]:
    """Parse YAML text that starts at `first_line` of the file at site-relative `path`."""
    import yaml  # here: a rebuild whose front matter is unchanged parses none (7 ms)

    loader = _loader_class()(text)
    try:
        too_big = _check_shape(text, path, first_line) if _could_be_deep(text) else None
        if too_big:
            return None, [too_big]
        node = loader.get_single_node()
        if node is None:
            return YamlDoc({}, {}, first_line), []
        lines: dict[str, int] = {}
        written: dict[str, Written] = {}
        source_lines = text.split("\n")
        shape = _Shape(lines, written, source_lines, first_line, path, loader)
        problems = list(_check_nodes(node, shape))
        if problems:
            return None, problems
        return YamlDoc(loader.construct_document(node), lines, first_line, written), []
    except yaml.MarkedYAMLError as error:
        return None, [_syntax_error(error, text, path, first_line)]
    except yaml.reader.ReaderError as error:
        line = first_line + text.count("\n", 0, max(error.position, 0))
        character = f"U+{error.character:04X}" if isinstance(error.character, int) else "?"
        return None, [
            Diagnostic(
                path=path,
                line=line,
                message=t(
                    "the character {character} is not allowed in YAML ({reason})",
                    character=character,
                    reason=str(error.reason),
                ),
                hint=t("delete it; it is often an invisible leftover from copy and paste"),
            )
        ]
    except (yaml.YAMLError, ValueError, OverflowError, RecursionError) as error:
        return None, [
            _yaml_error(path, first_line, t("invalid YAML: {problem}", problem=str(error)))
        ]
    finally:
        loader.dispose()


def _syntax_error(error: yaml.MarkedYAMLError, text: str, path: str, first_line: int) -> Diagnostic:
    """Name a syntax error for what the editor did: a tab, a value that needs quotes, a
    missing space or colon; else say what libyaml says."""
    lines = text.split("\n")
    mark = error.problem_mark or error.context_mark
    row = min(mark.line, len(lines) - 1) if mark else 0
    what = error.problem or error.context or "invalid YAML"
    for detect in (_tab, _no_space_after_colon, _hash_in_brackets, _unclosed_bracket):
        found = detect(lines, row, first_line)
        if found:
            break
    else:
        found = _needs_quotes(lines[row], row, first_line, what, mark.column if mark else 0)
        indented = found is not None and found[1].template.startswith("line {line} is indented")
        if (found is None or indented) and what.startswith(
            ("could not find expected ':'", "mapping values are not allowed")
        ):
            # `name "Beispielpakt"` runs on into the next line, which then seems indented
            found = _no_colon(lines, row, first_line) or found
    if found is None:
        found = row, _libyaml_problem(what), _YAML_HINT
    at, message, hint = found
    return Diagnostic(path=path, line=first_line + at, message=message, hint=hint)


Found = tuple[int, Text, Text] | None
"""A syntax error's row in the YAML text, its message and its hint; None: not this one."""
_YAML_HINT = t("check indentation, and put values with ':' or '#' in quotes")
_NO_SPACE = re.compile(r"^(\s*(?:-\s+)?)([A-Za-z_][\w-]*):([^\s/].*)$")
_FLOW_HASH = re.compile(r"[\[,]\s*(#[^,\]]*)")


def _libyaml_problem(what: str) -> Text:
    """libyaml's reason in the editor's language, for the problems editors run into."""
    known = (
        ("did not find expected key", t("a line does not fit the lines around it")),
        ("mapping values are not allowed", t("a ': ' where YAML expects no new key")),
        ("could not find expected ':'", t("a line has no ':' after its key")),
        (
            "did not find expected comment or line break",
            t("something follows the value where the line should end"),
        ),
        ("block sequence entries are not allowed", t("a '- ' where no list may start")),
        ("did not find expected '-' indicator", t("a list item does not start with '- '")),
        ("found unexpected end of stream", t("a quote or bracket is not closed")),
        ("found unknown escape character", t("a backslash in double quotes starts no escape")),
        ("found character that cannot start any token", t("a character YAML cannot read here")),
        (
            "did not find expected alphabetic or numeric character",
            t("'*' or '&' is not followed by a name"),
        ),
        ("found undefined alias", t("'*' starts a reference to a name that does not exist")),
    )
    for prefix, message in known:
        if what.startswith(prefix):
            return t("invalid YAML: {problem}", problem=message)
    return t("invalid YAML: {problem}", problem=what)


def _tab(lines: list[str], row: int, first_line: int) -> Found:
    for number, line in enumerate(lines):
        if "\t" in line[: len(line) - len(line.lstrip())]:
            message = t("tab in line {line}: indent with spaces", line=first_line + number)
            return number, message, t("replace each tab at the start of a line with spaces")
    return None


def _no_space_after_colon(lines: list[str], row: int, first_line: int) -> Found:
    """`title:Erste` (YAML needs `: `), at or before the line of the error."""
    for number, line in enumerate(lines[: row + 1]):
        match = _NO_SPACE.match(line)
        if match:
            corrected = f"{match[1]}{match[2]}: {match[3]}".strip()
            return (
                number,
                t("'{key}:' needs a space after the colon", key=match[2]),
                t("write {line}", line=corrected),
            )
    return None


def _hash_in_brackets(lines: list[str], row: int, first_line: int) -> Found:
    """`sectors: [chemie, #ikt]`: YAML reads `#ikt]` as a comment, also inside brackets."""
    for number in range(row, max(row - 2, -1), -1):
        match = _FLOW_HASH.search(lines[number]) if "[" in lines[number] else None
        if match:
            item = match[1].strip()
            corrected = lines[number].replace(item, quoted(item), 1).strip()
            return (
                number,
                t("YAML reads '{item}' as a comment, also inside [ ]", item=item),
                t("write {line}", line=corrected),
            )
    return None


def _unclosed_bracket(lines: list[str], row: int, first_line: int) -> Found:
    """`region: [Süd` without `]`: libyaml notices only at a later line."""
    for number in range(row, max(row - 3, -1), -1):
        line = lines[number].rstrip()
        for opening, closing in ("[]", "{}"):
            if _KEY_VALUE.match(line) and line.count(opening) > line.count(closing):
                return (
                    number,
                    t(
                        "'{opening}' in line {line} is not closed",
                        opening=opening,
                        line=first_line + number,
                    ),
                    t("write {line}", line=(line + closing).strip()),
                )
    return None


def _needs_quotes(line: str, row: int, first_line: int, what: str, column: int) -> Found:
    """A value with `: `, or starting with `@`, `*`, `!`, a quote: YAML reads it as structure.

    Markdown written into a field (`*wichtig* ist das`, `- erstens`, `> Zitat`) starts with
    such a character too: whatever libyaml calls the problem, the fix is the quotes.
    """
    match = _KEY_VALUE.match(line)
    if not match:
        return None
    value = match["value"]
    indicator = value[:1] in _QUOTE_STARTS or value[:2] in ("- ", "? ") or _typographic(value)
    if not indicator and not any(what.startswith(p) for p in _QUOTE_PROBLEMS):
        return None
    key = match["key"].strip()
    if indicator or column >= match.start("value"):
        corrected = f"{match['lead']}{match['key']}: {_quoted_value(value)}".strip()
        message = (
            t(
                "“ ” and „ “ are not quotes to YAML, so the value of '{key}' is read as it stands",
                key=key,
            )
            if _typographic(value)
            else t("the value of '{key}' needs quotes", key=key)
        )
        return row, message, t("write {line}", line=corrected)
    if what.startswith("mapping values are not allowed"):
        return (
            row,
            t("line {line} is indented more than the key above it", line=first_line + row),
            t(
                "start '{key}:' in the same column as the other keys, or put the value "
                "of the line above in quotes",
                key=key,
            ),
        )
    return None


_KEY_NAME = re.compile(r"^[A-Za-z_][\w-]*$")


def _no_colon(lines: list[str], row: int, first_line: int) -> Found:
    """A line without `key:` where libyaml expected one (it says so only at the end)."""
    for number, line in enumerate(lines[: row + 1]):
        bare = line.strip()
        if bare and line[0] not in " -#" and ":" not in bare:
            key, _, value = bare.partition(" ")
            corrected = f"{key}: {value.strip()}"
            return (
                number,
                t("line {line} is not a 'key: value' line", line=first_line + number),
                t("write {line}", line=corrected)
                if _KEY_NAME.match(key) and value.strip()
                else t(
                    "write a ':' after the key, or indent the line if it goes on with the "
                    "value of the line above"
                ),
            )
    return None


_TYPOGRAPHIC = (("“", "”"), ("„", "“"), ("”", "”"), ("‘", "’"), ("‚", "‘"), ("»", "«"))


def _typographic(value: str) -> bool:
    """`“Pakt: Halle”`: a value in typographic quotes, which YAML takes for text."""
    stripped = value.strip()
    return any(stripped.startswith(a) and stripped.endswith(b) for a, b in _TYPOGRAPHIC)


def _quoted_value(value: str) -> str:
    """The value quoted; in a `[list]`, only the items that need it, so it stays a list.

    A value already in quotes that break it (`"Er sagte "Hallo""`, `'Pakt's Fest'`) or in
    typographic quotes is unwrapped first, so the other kind of quotes can hold it.
    """
    stripped = value.strip()
    if len(stripped) > 1 and (
        (stripped[0] == stripped[-1] and stripped[0] in "\"'") or _typographic(stripped)
    ):
        return quoted(stripped[1:-1])
    if not (stripped.startswith("[") and stripped.endswith("]")):
        return quoted(stripped)
    items = [item.strip() for item in stripped[1:-1].split(",")]
    fixed = [quoted(item) if item[:1] in _QUOTE_STARTS else item for item in items]
    return "[" + ", ".join(fixed) + "]"


_QUOTE_STARTS = frozenset("@`*!&%|>'\"")


def quoted(value: str) -> str:
    """A value in YAML quotes: double quotes, or single ones if it holds a double quote."""
    if '"' in value and "'" not in value:
        return f"'{value}'"
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


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
    import yaml  # imported by parse_yaml

    depth = 0
    for count, event in enumerate(yaml.parse(text, Loader=_loader_class())):
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
        message=t("YAML document is too large or too deeply nested"),
        hint=t("keep it under {nodes} values and {depth} levels", nodes=MAX_NODES, depth=MAX_DEPTH),
    )


def _yaml_error(path: str, line: int, message: Text) -> Diagnostic:
    return Diagnostic(path=path, line=line, message=message, hint=_YAML_HINT)


@dataclass(frozen=True, slots=True)
class _Shape:
    """What the node walk fills in and needs to know: key lines, written scalars, the text."""

    lines: dict[str, int]
    written: dict[str, Written]
    source: list[str]
    first_line: int
    path: str
    loader: Any

    def record(self, node: yaml.ScalarNode, key_path: str, key: str) -> None:
        """Keep how a scalar was written, and a comment YAML found on the same line."""
        start, end = node.start_mark, node.end_mark
        rest = ""
        if start.line == end.line and end.line < len(self.source):
            after = self.source[end.line][end.column :]
            rest = after.rstrip() if after.strip().startswith("#") else ""
        self.written[key_path] = Written(str(node.value), not node.style, key, rest)


def _check_nodes(root: yaml.Node, shape: _Shape) -> Iterator[Diagnostic]:
    """Record key lines; reject aliases, duplicate keys, bad dates and oversized documents."""
    import yaml  # imported by parse_yaml

    seen: set[int] = set()
    stack: list[tuple[yaml.Node, str, int, str]] = [(root, "", 0, "")]
    path = shape.path
    anchored: list[Diagnostic] = []
    while stack:
        node, key_path, depth, key = stack.pop()
        line = shape.first_line + node.start_mark.line
        if id(node) not in seen:
            anchored.extend(_anchor(node, shape))
        if id(node) in seen:
            yield Diagnostic(
                path=path,
                line=line,
                message=t("YAML anchors and aliases (&name, *name) are not supported"),
                hint=t("write the value out in full"),
            )
            return
        seen.add(id(node))
        if len(seen) > MAX_NODES or depth > MAX_DEPTH:
            yield _too_big(path, line)
            return
        if isinstance(node, yaml.MappingNode):
            yield from _check_mapping(node, key_path, depth, shape, stack)
        elif isinstance(node, yaml.SequenceNode):
            _push_items(node, key_path, depth, shape, stack)
        elif isinstance(node, yaml.ScalarNode):
            yield from _check_scalar(node, key_path, key, shape)
    # an anchor never used by an alias is text the editor wrote (`author: &Co KG`)
    yield from anchored


def _push_items(
    node: yaml.SequenceNode,
    key_path: str,
    depth: int,
    shape: _Shape,
    stack: list[tuple[yaml.Node, str, int, str]],
) -> None:
    """Record the line of each item of a list and put the items on the `stack` to check."""
    for index, item in enumerate(node.value):
        item_path = f"{key_path}.{index}" if key_path else str(index)
        shape.lines[item_path] = shape.first_line + item.start_mark.line
        stack.append((item, item_path, depth + 1, "" if node.flow_style else "-"))


def _check_scalar(
    node: yaml.ScalarNode, key_path: str, key: str, shape: _Shape
) -> Iterator[Diagnostic]:
    """Record how a value was written; reject a date that does not exist."""
    shape.record(node, key_path, key)
    if node.tag != _TIMESTAMP_TAG:
        return
    try:
        shape.loader.construct_object(node)
    except (ValueError, OverflowError):
        reason = impossible_day(str(node.value))
        yield Diagnostic(
            path=shape.path,
            line=shape.first_line + node.start_mark.line,
            message=t("invalid date '{date}': {reason}", date=str(node.value), reason=reason)
            if reason
            else t("invalid date '{date}'", date=str(node.value)),
            hint=t("write dates as YYYY-MM-DD, e.g. 2002-10-22"),
        )


def _anchor(node: yaml.Node, shape: _Shape) -> Iterator[Diagnostic]:
    """`author: &Co KG`: YAML takes `&Co` for an anchor's name and drops it from the value."""
    mark = node.start_mark
    if mark.line >= len(shape.source):
        return
    line = shape.source[mark.line]
    if line[mark.column : mark.column + 1] != "&":  # a node's mark is at its anchor
        return
    match = _KEY_VALUE.match(line)
    if match is None:
        yield Diagnostic(
            path=shape.path,
            line=shape.first_line + mark.line,
            message=t("YAML anchors and aliases (&name, *name) are not supported"),
            hint=t("write the value out in full"),
        )
        return
    corrected = f"{match['lead']}{match['key']}: {_quoted_value(match['value'])}".strip()
    yield Diagnostic(
        path=shape.path,
        line=shape.first_line + mark.line,
        message=t("the value of '{key}' needs quotes", key=match["key"].strip()),
        hint=t("write {line}", line=corrected),
    )


def _check_mapping(
    node: yaml.MappingNode,
    key_path: str,
    depth: int,
    shape: _Shape,
    stack: list[tuple[yaml.Node, str, int, str]],
) -> Iterator[Diagnostic]:
    keys_seen: set[str] = set()
    for key_node, value_node in node.value:
        key = str(key_node.value)
        line = shape.first_line + key_node.start_mark.line
        child_path = f"{key_path}.{key}" if key_path else key
        if key_node.tag == _BOOL_TAG and not key_node.style:
            yield Diagnostic(
                path=shape.path,
                line=line,
                message=t("YAML reads the key '{key}' as yes/no, not as a name", key=key),
                hint=t('put it in quotes: "{key}":', key=key),
            )
        if key in keys_seen:
            yield Diagnostic(
                path=shape.path,
                line=line,
                message=t("key '{key}' is given twice", key=key),
                hint=t("remove one of them"),
            )
        keys_seen.add(key)
        shape.lines.setdefault(child_path, line)
        stack.append((value_node, child_path, depth + 1, key))
