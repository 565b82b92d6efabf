"""The pages of a further language link the network's pages like the default's do: the
imprint, the privacy policy and the accessibility statement are a click away from every
English page, translated or not."""

from __future__ import annotations

from pathlib import Path

from conftest import FIXTURES, copy_site, parse_page, run_pactsite

NOW = ("--now", "2003-01-15T16:00+01:00")


def _footer(page: Path) -> list[tuple[str, str, str | None]]:
    links = parse_page(page).xpath("//footer//nav//a")
    return [(a.get("href"), a.text_content(), a.get("lang")) for a in links]


def _built_with_page(tmp_path: Path, slug: str, text: str) -> Path:
    """The bilingual fixture with the network page `slug` added, built: its output folder."""
    site = copy_site(FIXTURES / "bilingual", tmp_path / "site")
    (site / f"content/pages/{slug}.md").write_text(text, encoding="utf-8")
    out = site / "public"
    run = run_pactsite("build", "--site", str(site), "--output", str(out), *NOW)
    assert run.exit_code == 0, run.stderr
    return out


def test_english_pages_link_every_network_page_in_english_or_else_the_german_one(
    tmp_path: Path,
) -> None:
    out = _built_with_page(
        tmp_path, "datenschutz", "---\ntitle: Datenschutzerklärung\n---\nWir speichern nichts.\n"
    )
    german = _footer(out / "index.html")
    assert [href for href, _, _ in german] == ["/datenschutz/", "/impressum/"]
    english = _footer(out / "en/index.html")
    assert english[0] == ("/datenschutz/", "Datenschutzerklärung", "de")
    assert english[1][0] == "/en/impressum/" and english[1][2] is None
    assert _footer(out / "en/pakte/alpha/index.html") == english


def test_english_pages_lead_to_the_german_leichte_sprache_page_from_the_header(
    tmp_path: Path,
) -> None:
    out = _built_with_page(
        tmp_path,
        "leichte-sprache",
        "---\ntitle: Leichte Sprache\n---\nHier erklären wir die Seite.\n",
    )
    links = parse_page(out / "en/index.html").xpath("//header//a[@class='service-link']")
    easy = [(a.get("href"), a.get("hreflang")) for a in links if "leichte" in a.get("href")]
    assert easy == [("/leichte-sprache/", "de")]
    german = parse_page(out / "index.html").xpath("//header//a[@href='/leichte-sprache/']")
    assert german[0].get("hreflang") is None
