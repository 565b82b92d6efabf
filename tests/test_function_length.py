"""No function of pactsite is longer than 45 lines (its signature and docstring included)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "pactsite"
LIMIT = 45

LONGER: dict[str, int] = {}
"""The functions that were longer when the limit came (issue 21), with their length then:
each may shrink (then take it off the list) but not grow; no other may pass the limit."""


def function_lengths() -> dict[str, int]:
    """The number of lines of every function and method, by `file:name`."""
    lengths = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = path.relative_to(PACKAGE.parent).as_posix()
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                assert node.end_lineno is not None
                name = f"{where}:{node.name}"
                lengths[name] = max(lengths.get(name, 0), node.end_lineno - node.lineno + 1)
    return lengths


def test_no_function_is_longer_than_45_lines() -> None:
    too_long = {
        name: length
        for name, length in function_lengths().items()
        if length > LONGER.get(name, LIMIT)
    }
    assert not too_long, f"split these functions (at most {LIMIT} lines): {too_long}"


def test_the_list_of_longer_functions_only_shrinks() -> None:
    lengths = function_lengths()
    fixed = [name for name in LONGER if lengths.get(name, 0) <= LIMIT]
    assert not fixed, f"now short enough, take them off LONGER: {fixed}"
