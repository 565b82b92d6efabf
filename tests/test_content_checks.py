"""Checks for what editors get wrong, BITV pages and Leichte Sprache, and report formats."""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import pytest

from conftest import REPOSITORY, parse_page, run_pactsite

CARELESS = """---
title: Unachtsam
---
Mehr dazu [hier](https://example.org/a).

Siehe <https://example.org/ganz/lange/adresse>.

### Zu tief

Der [Plan](plan.pdf) zum Herunterladen, und der [Plan als PDF](plan.pdf).

<table><tr><td>a</td><td>b</td></tr></table>
"""


def _careless_site(site: Path) -> Path:
    (site / "content/pages/unachtsam.md").write_text(CARELESS, encoding="utf-8")
    (site / "content/pages/plan.pdf").write_bytes(b"%PDF-1.4\n")
    return site


def test_careless_writing_gives_warnings_at_file_and_line(minimal_site: Path) -> None:
    run = run_pactsite("check", "--site", str(_careless_site(minimal_site)))
    assert run.exit_code == 0
    path = "content/pages/unachtsam.md"
    lines = run.stderr.splitlines()
    expected = [
        f"{path}:4: warning: link text 'hier' does not say where it leads",
        f"{path}:6: warning: link text is a bare address",
        f"{path}:8: warning: heading 'Zu tief' skips a level (h1 to h3)",
        f"{path}:10: warning: link to a PDF file 'plan.pdf' does not say so",
        f"{path}:12: warning: table has no header row",
    ]
    for start in expected:
        assert any(line.startswith(start) for line in lines), (start, run.stderr)
    assert sum("PDF file" in line for line in lines) == 1


def test_strict_turns_warnings_into_errors(minimal_site: Path) -> None:
    run = run_pactsite("check", "--strict", "--site", str(_careless_site(minimal_site)))
    assert run.exit_code == 1
    assert "content/pages/unachtsam.md:4: error: link text 'hier'" in run.stderr
    assert run_pactsite("build", "--strict", "--site", str(minimal_site)).exit_code == 1


def test_check_warns_when_the_network_lacks_bitv_pages(minimal_site: Path) -> None:
    run = run_pactsite("check", "--site", str(minimal_site))
    assert "content/pages:1: warning: the network has no page 'barrierefreiheit'" in run.stderr
    assert "content/pages:1: warning: the network has no page 'leichte-sprache'" in run.stderr


def test_leichte_sprache_version_is_linked_and_marked_with_its_language(
    example_build: Path,
) -> None:
    page = parse_page(example_build / "ueber-uns/index.html")
    assert page.xpath("//main//a[@hreflang='de']/@href") == ["/ueber-uns/leichte-sprache/"]
    variant = parse_page(example_build / "ueber-uns/leichte-sprache/index.html")
    assert variant.xpath("//article/@lang") == ["de"]
    assert variant.xpath("//article//a[@lang='de']/@href") == ["/ueber-uns/"]


def test_every_footer_links_accessibility_statement_and_leichte_sprache(
    example_build: Path,
) -> None:
    for page in example_build.rglob("*.html"):
        if page == example_build / "netzwerk/leiste.html":
            continue  # the network bar, a fragment for the pacts' own sites
        if page.parent == example_build / ".pactsite":
            continue  # the build's report for editors, not a page of the site
        if page == example_build / "admin/index.html":
            continue  # the web editor for pact editors (Decap CMS), not a visitor page
        tree = parse_page(page)
        if tree.xpath("//meta[@http-equiv='refresh']"):
            continue  # a redirect stub for an old address, left at once
        footer = tree.xpath("//footer//a/@href")
        assert "/barrierefreiheit/" in footer and "/leichte-sprache/" in footer, page


def test_a_leichte_sprache_version_without_its_page_is_an_error(minimal_site: Path) -> None:
    orphan = minimal_site / "content/pages/kontakt.leichte-sprache.md"
    orphan.write_text("---\ntitle: Kontakt\n---\nText.\n", encoding="utf-8")
    run = run_pactsite("check", "--site", str(minimal_site))
    assert run.exit_code == 1
    assert (
        "content/pages/kontakt.leichte-sprache.md:1: error: there is no page that this "
        "'leichte-sprache' version belongs to"
    ) in run.stderr


def test_github_format_annotates_file_and_line(minimal_site: Path) -> None:
    run = run_pactsite("check", "--format", "github", "--site", str(_careless_site(minimal_site)))
    assert "::warning file=content/pages/unachtsam.md,line=4,title=pactsite::" in run.output


def test_json_format_is_machine_readable(minimal_site: Path) -> None:
    (minimal_site / "content/pages/kaputt.md").write_text("---\ntitel: X\n---\n")
    run = run_pactsite("check", "--format", "json", "--site", str(minimal_site))
    assert run.exit_code == 1
    records = json.loads(run.output)
    assert {
        "path": "content/pages/kaputt.md",
        "line": 2,
        "severity": "error",
        "message": "unknown key 'titel'",
        "hint": "did you mean 'title'? (known: aliases, draft, expires, publish, slug, "
        "summary, tags, title, weight)",
    } in records


def test_html_format_is_a_german_report_page(minimal_site: Path) -> None:
    (minimal_site / "content/pages/kaputt.md").write_text("---\ntitle: X\n---\n\n![](a.jpg)\n")
    run = run_pactsite("check", "--format", "html", "--lang", "de", "--site", str(minimal_site))
    page = lxml.html.fromstring(run.output)
    assert page.get("lang") == "de"
    headers = [th.text_content() for th in page.xpath("//th")]
    assert headers == ["Art", "Datei", "Zeile", "Was falsch ist und wie Sie es beheben"]
    rows = [[td.text_content() for td in tr.xpath("td")] for tr in page.xpath("//tbody/tr")]
    row = next(row for row in rows if "a.jpg' fehlt der Alternativtext" in row[3])
    assert row[:3] == ["Fehler", "content/pages/kaputt.md", "5"]
    # pactsite's own message, in the site's language: nothing left in English
    assert row[3].startswith("dem Bild 'a.jpg' fehlt der Alternativtext; schreiben Sie")


def test_every_build_publishes_the_german_report_and_the_log_links_it(
    minimal_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEPLOY_URL", "https://deploy-preview-7--pakte.netlify.app")
    run = run_pactsite("build", "--site", str(_careless_site(minimal_site)))
    assert run.exit_code == 0, run.stderr
    link = "https://deploy-preview-7--pakte.netlify.app/.pactsite/pruefbericht.html"
    assert f"Report of the warnings for editors: {link}" in run.output
    page = parse_page(minimal_site / "public/.pactsite/pruefbericht.html")
    assert page.xpath("//meta[@name='robots']/@content") == ["noindex"]
    files = {td.text_content() for td in page.xpath("//tbody/tr/td[2]")}
    assert "content/pages/unachtsam.md" in files


def test_example_network_has_no_content_warnings() -> None:
    run = run_pactsite("check", "--strict", "--site", str(REPOSITORY))
    assert run.exit_code == 0, run.stderr
