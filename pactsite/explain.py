"""German explanations of pactsite's messages, taken from the error tables of the editors' guide.

The guide (`docs/redaktion.md`) lists each message as pactsite prints it, in backticks, with
`…` where the message names a value, next to its meaning and fix in German. Its tests prove
that every listed message is one the code can produce, so the report can rely on it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

ERRORS_HEADING = "## Fehlermeldungen und was sie bedeuten"
_CODE = re.compile(r"`([^`]+)`")


@dataclass(frozen=True, slots=True)
class Explanation:
    """One row of the guide: the message as a pattern and what it means, in German."""

    pattern: re.Pattern[str]
    literal_length: int
    german: str


def parse_explanations(guide: str) -> list[Explanation]:
    """Read the rows `| `message` | meaning and fix |` of the guide's error section."""
    if ERRORS_HEADING not in guide:
        return []
    section = guide.split(ERRORS_HEADING, 1)[1].split("\n## ", 1)[0]
    found = []
    for row in section.splitlines():
        cells = [cell.strip() for cell in row.strip().strip("|").split(" | ")]
        if len(cells) != 2 or not cells[0].startswith("`"):
            continue
        for message in _CODE.findall(cells[0]):
            parts = [re.escape(part) for part in message.split("; ")[0].split("…")]
            literal = sum(len(part) for part in parts)
            if literal >= 8:
                found.append(Explanation(re.compile(".+?".join(parts)), literal, cells[1]))
    return found


def explain(message: str, explanations: Sequence[Explanation]) -> str:
    """The German explanation of a message (the most specific match), or ''."""
    matches = [e for e in explanations if e.pattern.search(message)]
    return max(matches, key=lambda e: e.literal_length).german if matches else ""
