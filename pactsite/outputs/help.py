"""The editors' guide at /hilfe/: `docs/redaktion.md`, rendered like a page of the site.

The guide is one Markdown file, readable on GitHub as it is. A site may bring its own
`docs/redaktion.md`; otherwise the copy that ships with pactsite is used, so every site,
also one made by `pactsite init`, has the guide.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pactsite.content.textfile import read_text
from pactsite.diagnostics import Diagnostic
from pactsite.outputs import PageJob
from pactsite.render.markup import Heading, render_bodies

GUIDE_FILE = Path("docs") / "redaktion.md"
HELP_URL = "/hilfe/"
_SHIPPED = (
    Path(__file__).parent.parent / GUIDE_FILE,  # installed: pactsite/docs/redaktion.md
    Path(__file__).parent.parent.parent / GUIDE_FILE,  # this repository
)


@dataclass(frozen=True, slots=True)
class Guide:
    """The guide's title, its body as safe HTML, and its main sections for a contents list."""

    title: str
    html: str
    sections: tuple[Heading, ...]


def locate_guide(root: Path) -> Path | None:
    """The site's own `docs/redaktion.md`, else the shipped one, else None."""
    return next((p for p in guide_candidates(root) if p.is_file()), None)


def guide_candidates(root: Path) -> tuple[Path, ...]:
    """Where the guide is looked for, the first file found wins."""
    return (root / GUIDE_FILE, *_SHIPPED)


def render_guide(text: str, path: str) -> tuple[Guide, list[Diagnostic]]:
    """Split off the first `# ` heading as the title and render the rest; pure."""
    guide, problems = _rendered_guide(text, path)
    return guide, list(problems)


@functools.lru_cache(maxsize=4)  # the same guide for every build of a process (serve, tests)
def _rendered_guide(text: str, path: str) -> tuple[Guide, tuple[Diagnostic, ...]]:
    title, body, first_line = "Hilfe", text, 1
    lines = text.splitlines(keepends=True)
    for number, line in enumerate(lines):
        if line.startswith("# "):
            title = line[2:].strip()
            body = "".join(lines[number + 1 :])
            first_line = number + 2
            break
    rendered, problems = render_bodies([("guide", path, body, first_line)])
    result = rendered["guide"]
    sections = tuple(h for h in result.headings if h.level == 2)
    return Guide(title=title, html=result.html, sections=sections), tuple(problems)


GuideRenderer = Callable[[str, str], tuple[Guide, list[Diagnostic]]]
"""`render_guide`, or what gives the same (text, path) -> (guide, problems)."""


def plan_help(
    root: Path, render_shipped: GuideRenderer = render_guide
) -> tuple[list[PageJob], list[Diagnostic]]:
    """The /hilfe/ page job, if a guide is found; problems reading or rendering it.

    `render_shipped` renders the guide that ships with pactsite (the caller may keep it:
    it is the same for every site); a site's own guide is rendered with `render_guide`.
    """
    found = locate_guide(root)
    if found is None:
        return [], []
    shown = str(GUIDE_FILE)
    text, problem = read_text(found, shown)
    if problem or text is None:
        return [], [problem] if problem else []
    render = render_shipped if found in _SHIPPED else render_guide
    guide, problems = render(text, shown)
    return [PageJob(HELP_URL, "help.html", {"guide": guide})], problems
