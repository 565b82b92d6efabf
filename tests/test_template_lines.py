"""The theme's templates keep lines a reader can take in (issue 21)."""

from __future__ import annotations

from conftest import REPOSITORY

TEMPLATES = REPOSITORY / "themes" / "default" / "templates"
LONGEST = 150
DATA = {"icons.html"}
"""Templates whose long lines are data (the pictograms' SVG paths), not markup to read."""


def test_no_template_line_is_longer_than_a_reader_takes_in() -> None:
    long_lines = [
        f"{path.name}:{number}: {len(line)} characters"
        for path in sorted(TEMPLATES.glob("*.html"))
        if path.name not in DATA
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if len(line) > LONGEST
    ]
    assert long_lines == [], "wrap inside {{ }} or {% %}, or with whitespace control"
