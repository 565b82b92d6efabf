"""Placeholders that `init` and `new` write, and example addresses, do not go live unnoticed."""

from __future__ import annotations

from pathlib import Path

import lxml.html

from conftest import parse_page, run_pactsite

BITV = "content/pages:1:"  # the minimal site lacks two BITV pages: not what these tests are about


def _warnings(stderr: str) -> list[str]:
    return [
        line for line in stderr.splitlines() if ": warning: " in line and not line.startswith(BITV)
    ]


def _demo(site: Path) -> Path:
    """The minimal site marked as a demonstration network."""
    config = site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "demo: true\n", encoding="utf-8")
    return site


def test_a_new_network_lists_every_placeholder_and_strict_refuses_to_publish_it(
    tmp_path: Path,
) -> None:
    site = tmp_path / "netz"
    assert run_pactsite("init", str(site)).exit_code == 0
    (welcome,) = (site / "content/pacts/beispiel/news").glob("*.md")
    news = welcome.relative_to(site).as_posix()
    run = run_pactsite("check", "--site", str(site))
    assert run.exit_code == 0, run.stderr
    lines = [line.split("; ")[0] for line in run.stderr.splitlines()]
    assert lines == [
        f"{news}:38: warning: placeholder text ('Platzhalter') would go live",
        "content/pacts/beispiel/pact.yaml:5: warning: placeholder text ('Platzhalter') would "
        "go live",
        "content/pages/barrierefreiheit.md:6: warning: placeholder text ('Platzhalter') would "
        "go live (also in lines 10, 14, 18, 22)",
        "content/pages/datenschutz.md:6: warning: the Datenschutzerklärung is still a template: "
        "it holds text marked 'Platzhalter' (also in lines 10, 14)",
        "content/pages/impressum.md:6: warning: the Impressum is still a template: it holds "
        "text marked 'Platzhalter' (also in lines 10, 14)",
        "content/pages/leichte-sprache.md:6: warning: placeholder text ('Platzhalter') would go "
        "live (also in line 10)",
        "site.yaml:2: warning: placeholder text ('Platzhalter') would go live (also in lines 3, "
        "16)",
        "site.yaml:4: warning: 'https://example.org/' is an example address (example.org, .com, "
        ".net), not a real one",
    ]
    strict = run_pactsite("build", "--strict", "--site", str(site))
    assert strict.exit_code == 1
    assert sum(": error: " in line for line in strict.stderr.splitlines()) == 8


def test_the_pruefbericht_lists_the_placeholders(tmp_path: Path) -> None:
    site = tmp_path / "netz"
    assert run_pactsite("init", str(site)).exit_code == 0
    report = run_pactsite("check", "--format", "html", "--site", str(site))
    rows = lxml.html.fromstring(report.output).xpath("//tbody/tr")
    assert len(rows) == 8
    assert run_pactsite("build", "--site", str(site)).exit_code == 0
    published = parse_page(site / "public/.pactsite/pruefbericht.html")
    files = [td.text_content() for td in published.xpath("//tbody/tr/td[2]")]
    assert files.count("content/pages/impressum.md") == 1
    assert files.count("site.yaml") == 2


def test_example_addresses_in_contacts_and_base_url_are_warnings_at_their_lines(
    minimal_site: Path,
) -> None:
    site = minimal_site
    profile = site / "content/pacts/alpha/pact.yaml"
    # a comment does not go live: 'Platzhalter' there is no warning
    profile.write_text(
        profile.read_text(encoding="utf-8") + "# Platzhalter: Telefon fehlt noch\n",
        encoding="utf-8",
    )
    run = run_pactsite("check", "--site", str(site))
    assert run.exit_code == 0, run.stderr
    alpha = "content/pacts/alpha/pact.yaml"
    assert [line.split(" is an example")[0] for line in _warnings(run.stderr)] == [
        f"{alpha}:4: warning: 'https://alpha.example.org/'",
        f"{alpha}:9: warning: 'https://gmbh.example.org/'",
        f"{alpha}:12: warning: 'info@alpha.example.org'",
        "site.yaml:2: warning: 'https://test.example.org/'",
    ]
    strict = run_pactsite("check", "--strict", "--site", str(site))
    assert strict.exit_code == 1
    assert f"{alpha}:12: error: 'info@alpha.example.org' is an example address" in strict.stderr


def test_an_impressum_still_holding_the_template_is_one_warning(minimal_site: Path) -> None:
    site = minimal_site
    for line in ("https://test.example.org/", "https://alpha.example.org/"):
        for name in ("site.yaml", "content/pacts/alpha/pact.yaml"):
            path = site / name
            real = path.read_text(encoding="utf-8").replace(line, "https://pakt-alpha.de/")
            path.write_text(real, encoding="utf-8")
    (site / "content/pacts/alpha/pact.yaml").write_text(
        "name: Pakt Alpha\nshort_name: Alpha\n", encoding="utf-8"
    )
    (site / "content/pages/impressum.md").write_text(
        '---\ntitle: Impressum\nsummary: "Anbieterkennzeichnung (Platzhalter)."\n---\n'
        "## Herausgeber\n\nName und Anschrift des Anbieters (Platzhalter)\n\n"
        "E-Mail: info@example.org (Platzhalter)\n",
        encoding="utf-8",
    )
    run = run_pactsite("check", "--site", str(site))
    assert run.exit_code == 0, run.stderr
    assert _warnings(run.stderr) == [
        "content/pages/impressum.md:7: warning: the Impressum is still a template: it holds "
        "text marked 'Platzhalter' (also in line 9); replace every text marked 'Platzhalter' "
        "with the network's real details: a German website must not go live without them"
    ]


def test_a_draft_with_placeholders_warns_only_in_a_preview_with_drafts(
    minimal_site: Path,
) -> None:
    site = minimal_site
    draft = site / "content/pacts/alpha/news/2002-12-01-entwurf.md"
    draft.write_text(
        draft.read_text(encoding="utf-8") + "Hier steht der Text. (Platzhalter: bitte ersetzen.)\n",
        encoding="utf-8",
    )
    path = "content/pacts/alpha/news/2002-12-01-entwurf.md"
    run = run_pactsite("check", "--site", str(site))
    assert path not in run.stderr
    preview = run_pactsite("check", "--drafts", "--site", str(site))
    assert f"{path}:7: warning: placeholder text ('Platzhalter') would go live" in preview.stderr


def test_a_demonstration_network_reports_no_placeholders(minimal_site: Path) -> None:
    page = minimal_site / "content/pacts/beta/news/2003-01-05-dritte-meldung.md"
    page.write_text(
        page.read_text(encoding="utf-8") + "(Platzhalter: bitte ersetzen.)\n", encoding="utf-8"
    )
    run = run_pactsite("check", "--site", str(minimal_site))
    assert len(_warnings(run.stderr)) == 5  # the placeholder and four example addresses
    run = run_pactsite("check", "--site", str(_demo(minimal_site)))
    assert run.exit_code == 0, run.stderr
    assert _warnings(run.stderr) == []
