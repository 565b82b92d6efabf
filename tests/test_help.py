"""The editors' guide: built under /hilfe/ for every site, and complete about the fields."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pactsite.scaffold import SPECS

from conftest import REPOSITORY, parse_page, run_pactsite

GUIDE = (REPOSITORY / "docs/redaktion.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", sorted(SPECS))
def test_the_guide_names_every_field_of_every_type(kind: str) -> None:
    missing = [s.name for s in SPECS[kind] if f"`{s.name}" not in GUIDE]
    assert missing == []


def test_help_page_has_the_guide_with_a_contents_list(example_build: Path) -> None:
    page = parse_page(example_build / "hilfe/index.html")
    assert page.xpath("//h1/text()") == ["Anleitung für die Redaktion"]
    contents = page.xpath("//nav[@class='help-contents']//a/@href")
    ids = set(page.xpath("//main//h2/@id"))
    assert len(contents) > 5 and {c.removeprefix("#") for c in contents} <= ids
    assert "pakte-leiste" in page.text_content()
    network = parse_page(example_build / "netzwerk/index.html")
    assert "/hilfe/" in network.xpath("//main//a/@href")


def test_a_new_site_gets_the_shipped_guide_and_a_site_can_bring_its_own(tmp_path: Path) -> None:
    site = tmp_path / "netz"
    assert run_pactsite("init", str(site)).exit_code == 0
    assert run_pactsite("build", "--site", str(site)).exit_code == 0
    assert "Fehlermeldungen" in (site / "public/hilfe/index.html").read_text(encoding="utf-8")
    (site / "docs").mkdir()
    (site / "docs/redaktion.md").write_text("# Unsere Hilfe\n\n## Kontakt\n\nText.\n")
    assert run_pactsite("build", "--site", str(site)).exit_code == 0
    own = parse_page(site / "public/hilfe/index.html")
    assert own.xpath("//h1/text()") == ["Unsere Hilfe"]


def _documented_messages() -> list[str]:
    """The messages in the first column of the guide's error tables (without 'sonstige')."""
    section = GUIDE.split("## Fehlermeldungen und was sie bedeuten")[1].split("\n## ")[0]
    messages = []
    for row in section.splitlines():
        cells = row.split(" | ")
        if row.startswith("| `") and len(cells) > 1:
            messages += re.findall(r"`([^`]+)`", cells[0])
    return messages


_LITERAL = re.compile(r'f?"((?:[^"\\\n]|\\.)*)"')


def _message_patterns() -> list[re.Pattern[str]]:
    """Every string literal of the code as a pattern, `{...}` placeholders as wildcards."""
    code = "\n".join(p.read_text(encoding="utf-8") for p in (REPOSITORY / "pactsite").rglob("*.py"))
    patterns = []
    for literal in _LITERAL.findall(code):
        parts = re.split(r"\{[^{}]*\}", literal)
        if sum(len(part) for part in parts) >= 7:
            patterns.append(re.compile(".+?".join(re.escape(part) for part in parts)))
    return patterns


def test_every_error_message_in_the_guide_is_one_the_code_can_produce() -> None:
    patterns = _message_patterns()
    messages = [m.split("; ")[0].replace("…", "X") for m in _documented_messages() if " " in m]
    assert len(messages) > 40
    # a field's message is prefixed with its name: "editors: 'x' is neither ..."
    unknown = [
        m
        for m in messages
        if not any(p.fullmatch(m) or p.fullmatch(re.sub(r"^[a-z_.]+: ", "", m)) for p in patterns)
    ]
    assert unknown == []
