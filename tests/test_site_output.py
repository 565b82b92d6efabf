"""What the build writes for a small site: pages, lists, drafts, dates, safety, determinism."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

from PIL import Image

from conftest import Run, parse_page, run_pactsite

Build = Callable[..., tuple[Run, Path]]


def _texts(page: Path, xpath: str) -> list[str]:
    return [" ".join(el.text_content().split()) for el in parse_page(page).xpath(xpath)]


def test_every_entry_gets_a_clean_url_page(build_minimal: Build) -> None:
    run, out = build_minimal()
    assert run.exit_code == 0, run.stderr
    for url in (
        "index.html",
        "pakte/index.html",
        "pakte/alpha/index.html",
        "pakte/alpha/aktuelles/erste-meldung/index.html",
        "pakte/alpha/projekte/qualifizierung/index.html",
        "pakte/alpha/termine/treffen/index.html",
        "impressum/index.html",
        "aktuelles/index.html",
        "projekte/index.html",
        "termine/index.html",
        "branchen/chemie/index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
    ):
        assert (out / url).is_file(), url


def test_news_list_is_newest_first_and_paginated(build_minimal: Build) -> None:
    _, out = build_minimal()
    first = _texts(out / "aktuelles/index.html", "//main//h2[@class='card__title']")
    second = _texts(out / "aktuelles/seite/2/index.html", "//main//h2[@class='card__title']")
    assert first == ["Dritte Meldung", "Zweite Meldung"]
    assert second == ["Erste Meldung"]
    links = parse_page(out / "aktuelles/index.html").xpath("//nav[@class='pagination']//a/@href")
    assert links == ["/aktuelles/seite/2/"]


def test_drafts_appear_nowhere_unless_requested(build_minimal: Build) -> None:
    _, out = build_minimal()
    every_page = "".join(p.read_text(encoding="utf-8") for p in out.rglob("*.html"))
    assert "Entwurf einer Meldung" not in every_page
    assert not (out / "pakte/alpha/aktuelles/entwurf").exists()
    run, out = build_minimal("--drafts")
    assert run.exit_code == 0
    assert (out / "pakte/alpha/aktuelles/entwurf/index.html").is_file()


def test_dates_are_written_in_german(build_minimal: Build) -> None:
    _, out = build_minimal()
    meta = _texts(out / "pakte/alpha/aktuelles/erste-meldung/index.html", "//time")
    assert meta == ["22. Oktober 2002"]
    event = _texts(out / "pakte/alpha/termine/treffen/index.html", "//p[@class='entry-meta']")
    assert event[0].startswith("16. Oktober 2002, 10:00 bis 14:00 Uhr")
    raw = (out / "pakte/alpha/termine/treffen/index.html").read_text(encoding="utf-8")
    assert "16.\u00a0Oktober\u00a02002" in raw and "14:00</time>\u00a0Uhr" in raw


def test_pact_profile_shows_members_by_kind_contact_join_and_website(build_minimal: Build) -> None:
    _, out = build_minimal()
    page = out / "pakte/alpha/index.html"
    assert _texts(page, "//section[@aria-labelledby='ps_members']/h3") == [
        "Unternehmen",
        "Kommunen",
    ]
    assert "https://alpha.example.org/" in parse_page(page).xpath("//dl//a/@href")
    assert _texts(page, "//section[@aria-labelledby='ps_join']/p") == [
        "Neue Partner sind willkommen."
    ]
    assert "info@alpha.example.org" in _texts(page, "//address")[0]
    events = "//section[@aria-labelledby='ps_pact_events']//*[@class='card__title']"
    assert _texts(page, events) == ["Treffen in Alpha"]


def test_internal_links_are_rewritten_to_urls(build_minimal: Build) -> None:
    _, out = build_minimal()
    hrefs = parse_page(out / "pakte/alpha/aktuelles/erste-meldung/index.html").xpath(
        "//div[@class='prose']//a/@href"
    )
    assert hrefs == [
        "/pakte/beta/",
        "/pakte/alpha/#ziele-fuer-2003",
        "/pakte/alpha/termine/treffen/",
    ]


def test_every_page_is_german_with_one_h1_skip_link_and_landmarks(build_minimal: Build) -> None:
    _, out = build_minimal()
    for page in out.rglob("*.html"):
        root = parse_page(page)
        assert root.get("lang") == "de", page
        if page.name == "leiste.html":  # the bar for other sites' iframes is not a page
            continue
        if page.parent.name == ".pactsite":  # the build's report for editors, not a page
            continue
        assert len(root.xpath("//h1")) == 1, page
        assert root.xpath("//a[@class='skip-link']/@href") == ["#ps_inhalt"], page
        assert len(root.xpath("//main[@id='ps_inhalt']")) == 1, page
        assert root.xpath("//header") and root.xpath("//footer") and root.xpath("//nav"), page


def test_pages_have_no_inline_script_or_style_and_load_nothing_from_other_hosts(
    build_minimal: Build,
) -> None:
    _, out = build_minimal()
    for page in out.rglob("*.html"):
        root = parse_page(page)
        inline = "//script[not(@src)][not(@type='application/ld+json')] | //style | //*[@style]"
        assert not root.xpath(inline), page  # JSON-LD is data, never run
        loaded = root.xpath("//script/@src | //link[@rel='stylesheet']/@href | //img/@src")
        assert all(url.startswith("/") and not url.startswith("//") for url in loaded), page


def test_every_page_names_icons_the_site_has_and_a_site_can_replace_them(
    build_minimal: Build, minimal_site: Path
) -> None:
    _, out = build_minimal()
    for page in out.rglob("*.html"):
        root = parse_page(page)
        if not root.xpath("//a[@class='skip-link']"):  # not a page of the site's layout
            continue
        icons = root.xpath("//link[@rel='icon' or @rel='apple-touch-icon']/@href")
        assert sorted(icons) == ["/apple-touch-icon.png", "/favicon.ico", "/favicon.svg"], page
    with Image.open(out / "favicon.ico") as ico:  # browsers ask for it without being told
        assert ico.format == "ICO" and {(16, 16), (32, 32)} <= ico.info["sizes"]
    with Image.open(out / "apple-touch-icon.png") as touch:
        assert (touch.format, touch.size) == ("PNG", (180, 180))
    svg = ElementTree.fromstring((out / "favicon.svg").read_bytes())
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    own = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1"/></svg>'
    (minimal_site / "static").mkdir()
    (minimal_site / "static/favicon.svg").write_text(own, encoding="utf-8")
    _, out = build_minimal()
    assert (out / "favicon.svg").read_text(encoding="utf-8") == own


def test_raw_html_in_markdown_is_sanitised(build_minimal: Build, minimal_site: Path) -> None:
    (minimal_site / "content/pages/angriff.md").write_text(
        "---\ntitle: Angriff\n---\n"
        '<script>alert(1)</script><a href="javascript:alert(2)" onclick="alert(3)">x</a>'
        '<img src="data:image/png;base64,AAAA" onerror="alert(4)" alt="x"><iframe src="https://evil.example"></iframe>'
        '<p style="background:url(javascript:alert(5))">text</p>\n',
        encoding="utf-8",
    )
    run, out = build_minimal()
    assert run.exit_code == 0, run.stderr
    html = (out / "angriff/index.html").read_text(encoding="utf-8")
    for payload in ("<script", "javascript:", "onclick", "onerror", "<iframe", "style=", "data:"):
        assert payload not in html


def test_two_builds_give_byte_identical_output(build_minimal: Build, tmp_path: Path) -> None:
    _, out = build_minimal()
    first = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    _, out = build_minimal()
    second = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert first == second


def test_check_validates_without_writing(minimal_site: Path) -> None:
    run = run_pactsite("check", "--site", str(minimal_site))
    assert run.exit_code == 0, run.stderr
    assert run.output.startswith("ok: 2 pacts")
    assert not (minimal_site / "public").exists()


def test_site_templates_override_theme_templates_by_name(
    build_minimal: Build, minimal_site: Path
) -> None:
    (minimal_site / "templates").mkdir()
    (minimal_site / "templates/404.html").write_text(
        '{% extends "theme/404.html" %}{% block title %}Hier nicht{% endblock %}', encoding="utf-8"
    )
    run, out = build_minimal()
    assert run.exit_code == 0, run.stderr
    assert _texts(out / "404.html", "//title") == ["Hier nicht – Testnetz"]


def test_broken_site_template_is_reported_with_file_and_line(
    build_minimal: Build, minimal_site: Path
) -> None:
    (minimal_site / "templates").mkdir()
    (minimal_site / "templates/404.html").write_text("<p>\n{% if %}</p>", encoding="utf-8")
    run, _ = build_minimal()
    assert run.exit_code == 1
    assert "404.html:2: error: template error" in run.stderr


def test_output_folder_can_be_chosen(minimal_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "elsewhere"
    run = run_pactsite("build", "--site", str(minimal_site), "--output", str(out))
    assert run.exit_code == 0
    assert (out / "index.html").is_file()
    assert not (minimal_site / "public").exists()


def test_english_sites_get_english_ui_strings_and_dates(
    build_minimal: Build, minimal_site: Path
) -> None:
    config = minimal_site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "language: en\n", encoding="utf-8")
    run, out = build_minimal()
    assert run.exit_code == 0, run.stderr
    page = out / "pakte/alpha/aktuelles/erste-meldung/index.html"
    assert parse_page(page).get("lang") == "en"
    assert _texts(page, "//time") == ["22 October 2002"]
    assert _texts(page, "//a[@class='skip-link']") == ["Skip to content"]


def test_nfd_file_names_from_macos_link_and_build(build_minimal: Build, minimal_site: Path) -> None:
    name = unicodedata.normalize("NFD", "2002-12-24-grüße.md")
    (minimal_site / "content/pacts/beta/news" / name).write_text(
        "---\ntitle: Grüße\ndate: 2002-12-24\n---\nText.\n", encoding="utf-8"
    )
    page = minimal_site / "content/pacts/beta/news/2003-01-05-dritte-meldung.md"
    page.write_text(page.read_text() + "\n[Grüße](2002-12-24-grüße.md)\n", encoding="utf-8")
    run, out = build_minimal()
    assert run.exit_code == 0, run.stderr
    assert (out / "pakte/beta/aktuelles/gruesse/index.html").is_file()
    hrefs = parse_page(out / "pakte/beta/aktuelles/dritte-meldung/index.html").xpath(
        "//div[@class='prose']//a/@href"
    )
    assert hrefs == ["/pakte/beta/aktuelles/gruesse/"]


def test_a_network_whose_accessibility_statement_says_nothing_of_sign_language_builds(
    build_minimal: Build, minimal_site: Path
) -> None:
    statement = minimal_site / "content/pages/barrierefreiheit.md"
    statement.write_text("---\ntitle: Barrierefreiheit\n---\nBarrieren melden\n", "utf-8")
    run, public = build_minimal()
    assert run.exit_code == 0, run.stderr
    header = parse_page(public / "index.html").xpath("//nav[@class='service-nav']//a")
    assert [a.get("href") for a in header] == ["/barrierefreiheit/"]
