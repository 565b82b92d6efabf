"""The README and docs/ stay short where they must, and true: links, commands, layer diagram.

The layer diagram in docs/architecture.md is a fenced block with the info string `layers`:
one line per layer, top to bottom, siblings separated by `|`, module names without the root
package's prefix (`pactsite.`); a contract with `containers` starts its block with a line
`containers: a, b`. The n-th such block of a document is the n-th import-linter contract of
type `layers` in pyproject.toml.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from pactsite.cli import main

from conftest import REPOSITORY

README = REPOSITORY / "README.md"
DOCS = sorted((REPOSITORY / "docs").glob("*.md"))
ARCHITECTURE = REPOSITORY / "docs" / "architecture.md"
README_LIMIT = 15_000
LINK = re.compile(r"!?\[[^\]\n]*\]\(([^)\s]+)\)")
COMMAND = re.compile(r"^(?:\$ )?pactsite ((?:-{0,2}[a-z][a-z-]*)(?: [A-Za-z][A-Za-z|-]*)?)")
CODE_SPAN = re.compile(r"`([^`\n]+)`")
FENCED = re.compile(r"^(```+).*?^\1", flags=re.MULTILINE | re.DOTALL)
FENCE = re.compile(r"^(```+)\s*(\S*)")


def layer_contracts() -> list[list[str]]:
    """Each `layers` contract of pyproject.toml as the lines of its diagram."""
    config = tomllib.loads((REPOSITORY / "pyproject.toml").read_text(encoding="utf-8"))
    root = config["tool"]["importlinter"]["root_package"]
    contracts = config["tool"]["importlinter"]["contracts"]
    return [diagram_lines(c, root) for c in contracts if c["type"] == "layers"]


def diagram_lines(contract: dict[str, object], root: str) -> list[str]:
    """A layers contract as diagram lines: its layers, top to bottom, names without `root.`."""
    layers = [short(str(layer), root) for layer in contract["layers"]]  # type: ignore[attr-defined]
    containers = contract.get("containers")
    if containers:
        names = ", ".join(short(str(name), root) for name in containers)  # type: ignore[attr-defined]
        return [f"containers: {names}", *layers]
    return layers


def short(layer: str, root: str) -> str:
    """One layer line with the root package's prefix dropped and spaces evened out."""
    layer = re.sub(rf"(?<![\w.]){re.escape(root)}\.", "", layer)
    return re.sub(r"\s*([|:])\s*", r" \1 ", " ".join(layer.split())).strip()


def fenced_blocks(text: str) -> list[tuple[str, list[str]]]:
    """Every fenced block of a Markdown text: its info string and its lines."""
    blocks: list[tuple[str, list[str]]] = []
    lines = text.splitlines()
    number = 0
    while number < len(lines):
        fence = FENCE.match(lines[number])
        if fence:
            end = next(i for i in range(number + 1, len(lines)) if lines[i].startswith(fence[1]))
            blocks.append((fence[2], lines[number + 1 : end]))
            number = end
        number += 1
    return blocks


def diagrams(path: Path) -> list[list[str]]:
    """The layer diagrams of a document, each as its non-empty lines, spaces evened out."""
    text = path.read_text(encoding="utf-8")
    return [
        [short(line, "pactsite") for line in body if line.strip()]
        for info, body in fenced_blocks(text)
        if info == "layers"
    ]


def as_block(lines: list[str]) -> str:
    """A diagram as it is to be pasted into the document."""
    return "```layers\n" + "\n".join(lines) + "\n```"


def test_the_readme_is_short() -> None:
    """The README is for users; internals go to docs/."""
    length = len(README.read_text(encoding="utf-8"))
    assert length <= README_LIMIT, f"README.md has {length} characters; move details to docs/"


def test_the_readme_starts_with_the_two_setup_commands() -> None:
    """The repository's promise: `make build` and `make test` set up everything."""
    first = fenced_blocks(README.read_text(encoding="utf-8"))[0][1]
    assert first[0].startswith("make build") and first[1].startswith("make test")


def test_the_layer_diagram_is_the_contract() -> None:
    """docs/architecture.md draws the import-linter layers exactly as pyproject.toml has them."""
    expected = layer_contracts()
    assert expected, "pyproject.toml has no layers contract"
    paste = "\n\n".join(as_block(lines) for lines in expected)
    assert diagrams(ARCHITECTURE) == expected, f"docs/architecture.md should show:\n{paste}"
    readme = diagrams(README)
    assert readme in ([], expected[: len(readme)]), f"README.md should show:\n{paste}"


def test_a_diagram_line_reads_like_a_contract_line() -> None:
    """The comparison ignores spacing and the package prefix, nothing else."""
    assert short("pactsite.a |pactsite.b", "pactsite") == "a | b"
    assert short("pactsite.outputs.x : pactsite.y", "pactsite") == "outputs.x : y"
    assert short("(pactsite.cache)", "pactsite") == "(cache)"
    contract = {"layers": ["pactsite.a", "pactsite.b"], "containers": ["pactsite.render"]}
    assert diagram_lines(contract, "pactsite") == ["containers: render", "a", "b"]
    assert diagrams(ARCHITECTURE), "docs/architecture.md has no ```layers block"


def without_code(text: str) -> str:
    """The text without code blocks and inline code, where links are examples, not links."""
    return CODE_SPAN.sub("", FENCED.sub("", text))


# The editors' guide links pages of a site, not files of this repository: its link
# examples are built by tests/test_guide_examples.py.
@pytest.mark.parametrize(
    "path", [README, *(p for p in DOCS if p.name != "redaktion.md")], ids=lambda p: p.name
)
def test_every_relative_link_leads_to_a_file(path: Path) -> None:
    """A link to a document or file of the repository leads to it (and to its heading)."""
    text = without_code(path.read_text(encoding="utf-8"))
    broken = []
    for target in LINK.findall(text):
        if re.match(r"^[a-z][a-z0-9+.-]*:|^#|^/", target):  # absolute, page: / pact:, anchors
            continue
        file, _, fragment = target.partition("#")
        linked = path.parent / file if file else path
        if not linked.exists() or (fragment and fragment not in headings(linked)):
            broken.append(target)
    assert broken == []


def headings(path: Path) -> set[str]:
    """The anchors GitHub gives the headings of a Markdown file (none for other files)."""
    if path.suffix != ".md":
        return set()
    text = FENCED.sub("", path.read_text(encoding="utf-8"))
    titles = re.findall(r"^#+ (.+)$", text, flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", title.strip().lower()).replace(" ", "-") for title in titles}


def test_every_document_in_docs_is_linked_from_the_readme() -> None:
    """A reader of the README finds every document of docs/."""
    linked = {Path(t.partition("#")[0]).name for t in LINK.findall(README.read_text("utf-8"))}
    assert [path.name for path in DOCS if path.name not in linked] == []


def known_commands() -> set[str]:
    """Every command and subcommand of the command line, as `build` or `new news`."""
    assert isinstance(main, click.Group)
    context = click.Context(main)
    names = set()
    for name in main.list_commands(context):
        names.add(name)
        command = main.get_command(context, name)
        if isinstance(command, click.Group):
            names |= {f"{name} {sub}" for sub in command.list_commands(context)}
    return names


def commands_in(text: str) -> Iterator[list[str]]:
    """The words after `pactsite` where inline code or a line of a code block starts with it."""
    code = CODE_SPAN.findall(text)
    code += [line for _, body in fenced_blocks(text) for line in body]
    for piece in code:
        found = COMMAND.match(piece.strip())
        if found:
            yield found[1].split()


def unknown_commands(text: str) -> set[str]:
    """The commands (and subcommands, `a|b` as alternatives) a text names that do not exist."""
    # The guide's table of messages quotes pactsite's sentences ("pactsite reads only …").
    text = re.sub(r"<!-- messages: begin .*?<!-- messages: end -->", "", text, flags=re.DOTALL)
    known = known_commands()
    unknown = set()
    for words in commands_in(text):
        first = words[0]
        if first.startswith("-"):  # pactsite --version
            continue
        if first not in known:
            unknown.add(first)
        elif len(words) > 1 and any(name.startswith(f"{first} ") for name in known):
            if words[1].startswith("-") or words[1].isupper():
                continue
            unknown |= {f"{first} {sub}" for sub in words[1].split("|")} - known
    return unknown


def test_commands_are_read_from_code_only() -> None:
    """Prose such as 'pactsite turns …' is not a command; alternatives are each checked."""
    text = "pactsite turns text into pages. `pactsite new news|pakt`\n```\n$ pactsite chek\n```\n"
    assert unknown_commands(text) == {"new pakt", "chek"}


@pytest.mark.parametrize("path", [README, *DOCS], ids=lambda p: p.name)
def test_every_command_mentioned_exists(path: Path) -> None:
    """`pactsite <command>` in the code of a document is a command pactsite has."""
    assert unknown_commands(path.read_text(encoding="utf-8")) == set()


REPOSITORY_PATH = re.compile(r"^(?:pactsite|themes|tests|scripts|bench)/[\w./-]*\w$")


@pytest.mark.parametrize("path", [README, *DOCS], ids=lambda p: p.name)
def test_every_file_of_the_repository_named_exists(path: Path) -> None:
    """A module, template or script named in code (`pactsite/build.py`) is still there."""
    text = path.read_text(encoding="utf-8")
    named = {span for span in CODE_SPAN.findall(text) if REPOSITORY_PATH.match(span)}
    assert sorted(name for name in named if not (REPOSITORY / name).exists()) == []
