"""A network in two languages (`languages: [de, en]`): every page kind in both, the links
between the languages, feeds per language, the checks of translations, and the to-do list
of what is not yet translated."""

from __future__ import annotations

import http.client
import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

import feedparser
import pytest
import test_netlify_dev
from playwright.sync_api import Browser, Page, expect
from test_accessibility import axe_violations

from pactsite.build import workers
from pactsite.content.languages import og_locale
from pactsite.content.words import fold
from pactsite.outputs import OutputFile

from conftest import FIXTURES, REPOSITORY, Run, copy_site, parse_page, run_pactsite
from static_server import netlify_headers, serve

BILINGUAL = FIXTURES / "bilingual"
NOW = ("--now", "2003-01-15T16:00+01:00")
EN_NEWS = "pakte/alpha/aktuelles/erste-meldung/index.html"
PAGE_KINDS_IN_BOTH = [
    "index.html",
    "pakte/index.html",
    "pakte/alpha/index.html",
    "pakte/beta/index.html",
    "aktuelles/index.html",
    EN_NEWS,
    "pakte/alpha/projekte/qualifizierung/index.html",
    "pakte/alpha/termine/treffen/index.html",
    "impressum/index.html",
    "projekte/index.html",
    "termine/index.html",
    "branchen/chemie/index.html",
    "foerderung/lokales-kapital/index.html",
    "suche/index.html",
    "netzwerk/index.html",
    "feed.xml",
    "rss.xml",
    "feed.json",
    "termine.ics",
    "pakte/alpha/feed.xml",
]


def _build(site: Path, *args: str) -> tuple[Run, Path]:
    out = site / "public"
    run = run_pactsite("build", "--site", str(site), "--output", str(out), "-j", "1", *NOW, *args)
    return run, out


@pytest.fixture(scope="module")
def bilingual(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bilingual fixture, built once."""
    site = copy_site(BILINGUAL, tmp_path_factory.mktemp("bilingual") / "site")
    run, out = _build(site, "--no-cache")
    assert run.exit_code == 0, run.stderr
    return out


def _write(site: Path, relative: str, text: str) -> None:
    path = site / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _errors(run: Run) -> list[str]:
    return [line for line in run.stderr.splitlines() if ": error: " in line]


def test_every_page_kind_exists_in_the_default_language_at_the_root_and_in_english_under_en(
    bilingual: Path,
) -> None:
    for path in PAGE_KINDS_IN_BOTH:
        assert (bilingual / path).is_file(), path
        assert (bilingual / "en" / path).is_file(), f"en/{path}"
    assert not (bilingual / "en/pakte/alpha/aktuelles/zweite-meldung/index.html").exists()


def test_each_page_says_its_language_and_english_pages_show_english_texts(bilingual: Path) -> None:
    for page in bilingual.rglob("*.html"):
        relative = page.relative_to(bilingual).as_posix()
        if relative.startswith("hilfe/") or page.name == "leiste.html":
            continue
        expected = "en" if relative.startswith("en/") else "de"
        assert parse_page(page).get("lang") == expected, relative
    news = parse_page(bilingual / "en" / EN_NEWS)
    assert news.findtext(".//h1").strip() == "First news"
    assert news.xpath("//a[@class='service-link' and @hreflang='de']")[0].get("lang") == "de"


def test_an_english_list_shows_only_the_entries_that_exist_in_english(bilingual: Path) -> None:
    text = parse_page(bilingual / "en/aktuelles/index.html").text_content()
    assert "First news" in text
    assert "Zweite Meldung" not in text and "Dritte Meldung" not in text
    german = parse_page(bilingual / "aktuelles/seite/2/index.html").text_content()
    assert "Erste Meldung" in german and "First news" not in german


def test_a_leichte_sprache_version_in_a_network_of_two_languages_is_one_german_page(
    bilingual: Path,
) -> None:
    version = "pakte/alpha/aktuelles/erste-meldung/leichte-sprache/index.html"
    page = parse_page(bilingual / version)
    assert page.get("lang") == "de"
    assert page.findtext(".//h1").strip() == "Die erste Meldung in Leichter Sprache"
    original = parse_page(bilingual / "pakte/alpha/aktuelles/erste-meldung/index.html")
    (link,) = original.xpath("//p[@class='variant-link']/a")
    assert link.get("href") == "/pakte/alpha/aktuelles/erste-meldung/leichte-sprache/"
    assert not (bilingual / "en" / version).exists(), "not a page of the English site"
    english_news = parse_page(bilingual / "en/aktuelles/index.html").text_content()
    assert "Leichter Sprache" not in english_news, "not an entry of the English lists"


def test_an_untranslated_pact_name_on_an_english_page_is_marked_german(bilingual: Path) -> None:
    beta = parse_page(bilingual / "en/pakte/beta/index.html")
    assert beta.xpath("//h1")[0].get("lang") == "de"
    alpha = parse_page(bilingual / "en/pakte/alpha/index.html")
    assert alpha.xpath("//h1")[0].text_content().strip() == "Alpha Pact"
    assert alpha.xpath("//h1")[0].get("lang") is None
    assert "Northern District" in alpha.text_content()


def test_an_untranslated_pact_name_in_a_sentence_of_an_english_page_is_marked_german(
    bilingual: Path,
) -> None:
    beta = parse_page(bilingual / "en/pakte/beta/index.html")
    (intro,) = beta.xpath("//span[@class='subscribe__intro']")
    assert intro.text_content() == "Follow the news of Pakt Beta:"
    assert [(s.get("lang"), s.text) for s in intro.xpath("span")] == [("de", "Pakt Beta")]
    news = parse_page(bilingual / "en/pakte/beta/aktuelles/index.html")
    assert news.xpath("//h1/span[@lang='de']/text()") == ["Pakt Beta"]
    assert news.xpath("//title")[0].text == "News: Pakt Beta – Testnetz"  # text only
    (listed,) = parse_page(bilingual / "en/pakte/index.html").xpath("//h2/a[.='Pakt Beta']")
    assert listed.get("lang") == "de"
    german = parse_page(bilingual / "pakte/beta/index.html")
    assert german.xpath("//span[@class='subscribe__intro']/span") == []


def test_the_networks_name_and_untranslated_pact_facets_are_marked_german_on_english_pages(
    bilingual: Path,
) -> None:
    home = parse_page(bilingual / "en/index.html")
    (title,) = home.xpath("//a[@class='site-title']")
    assert title.get("lang") == "de" and title.get("aria-current") == "page"
    assert home.xpath("//footer//span[@lang='de']")[0].text == "Testnetz"
    directory = parse_page(bilingual / "en/projekte/index.html")
    beta = directory.xpath("//nav[@class='facets']//*[normalize-space()='Pakt Beta']")
    assert beta and all(item.get("lang") == "de" for item in beta)
    german = parse_page(bilingual / "index.html")
    assert german.xpath("//a[@class='site-title']")[0].get("lang") is None


def test_an_untranslated_pact_name_in_the_breadcrumb_of_an_english_page_is_marked_german(
    bilingual: Path,
) -> None:
    page = parse_page(bilingual / "en/pakte/beta/index.html")
    (name,) = page.xpath("//nav[@class='breadcrumb']//a[@href='/en/pakte/beta/']/span")
    assert name.get("lang") == "de" and name.text == "Pakt Beta"
    german = parse_page(bilingual / "pakte/beta/index.html")
    assert not german.xpath("//nav[@class='breadcrumb']//span[@lang]"), "not on its own pages"


@pytest.mark.parametrize(("page", "locale"), [("index.html", "de_DE"), ("en/index.html", "en_GB")])
def test_og_locale_is_the_locale_of_the_pages_language(
    bilingual: Path, page: str, locale: str
) -> None:
    meta = parse_page(bilingual / page).xpath("//meta[@property='og:locale']")
    assert [m.get("content") for m in meta] == [locale]


def test_og_locale_of_other_languages_is_their_own() -> None:
    assert [og_locale(code) for code in ("fr", "pl", "pt", "sv", "el")] == [
        "fr_FR",
        "pl_PL",
        "pt_PT",
        "sv_SE",
        "el_GR",
    ]


def _alternates(page: Path) -> dict[str, str]:
    links = parse_page(page).xpath("//head/link[@rel='alternate'][@hreflang]")
    return {link.get("hreflang"): link.get("href") for link in links}


def test_hreflang_alternates_of_translated_pages_point_at_each_other(bilingual: Path) -> None:
    base = "https://test.example.org/"
    checked = 0
    for page in bilingual.rglob("index.html"):
        alternates = _alternates(page)
        if not alternates:
            continue
        own = base + page.relative_to(bilingual).as_posix().removesuffix("index.html")
        assert own in alternates.values(), page
        assert alternates["x-default"] == alternates["de"]
        for code in ("de", "en"):
            other = bilingual / alternates[code].removeprefix(base) / "index.html"
            assert _alternates(other) == alternates, other
        checked += 1
    assert checked >= 2 * 15
    assert _alternates(bilingual / "pakte/alpha/aktuelles/zweite-meldung/index.html") == {}


def test_the_language_switch_leads_to_the_translation_or_says_there_is_none(
    bilingual: Path,
) -> None:
    switch = parse_page(bilingual / "en" / EN_NEWS).xpath("//a[@class='service-link'][@hreflang]")
    assert [(a.get("href"), a.get("lang")) for a in switch] == [
        ("/pakte/alpha/aktuelles/erste-meldung/", "de")
    ]
    untranslated = parse_page(bilingual / "pakte/alpha/aktuelles/zweite-meldung/index.html")
    (link,) = untranslated.xpath("//a[@class='service-link'][@hreflang]")
    assert link.get("href") == "/en/"
    assert "not available in English" in link.text_content()


def test_the_sitemap_names_the_alternates_of_each_translated_page(bilingual: Path) -> None:
    root = ET.parse(bilingual / "sitemap.xml").getroot()
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    entries = {
        url.findtext("s:loc", namespaces=ns): {
            link.get("hreflang"): link.get("href") for link in url.findall("x:link", ns)
        }
        for url in root.findall("s:url", ns)
    }
    news = "https://test.example.org/pakte/alpha/aktuelles/erste-meldung/"
    english = "https://test.example.org/en/pakte/alpha/aktuelles/erste-meldung/"
    assert entries[news] == {"de": news, "en": english, "x-default": news}
    assert entries[english] == entries[news]
    assert entries["https://test.example.org/pakte/alpha/aktuelles/zweite-meldung/"] == {}


def test_a_link_to_a_page_that_is_not_translated_leads_to_the_original_with_hreflang(
    bilingual: Path,
) -> None:
    body = parse_page(bilingual / "en" / EN_NEWS)
    (link,) = body.xpath("//main//a[normalize-space()='the second news']")
    assert link.get("href") == "/pakte/alpha/aktuelles/zweite-meldung/"
    assert link.get("hreflang") == "de"
    (meeting,) = body.xpath("//main//a[normalize-space()='the meeting']")
    assert meeting.get("href") == "/en/pakte/alpha/termine/treffen/"
    (goals,) = body.xpath("//main//a[normalize-space()='goals']")
    assert goals.get("href") == "/en/pakte/alpha/#goals-for-2003"


def test_each_language_has_feeds_in_its_language_with_its_entries(bilingual: Path) -> None:
    for name in ("feed.xml", "rss.xml"):
        feed = feedparser.parse((bilingual / "en" / name).read_bytes())
        assert not feed.bozo, name
        assert [e.title for e in feed.entries] == ["First news"]
        assert feed.entries[0].link == "https://test.example.org/en/" + EN_NEWS.removesuffix(
            "index.html"
        )
    assert feedparser.parse((bilingual / "en/feed.xml").read_bytes()).feed.language == "en"
    german = feedparser.parse((bilingual / "feed.xml").read_bytes())
    assert len(german.entries) == 3
    assert {e.id for e in german.entries}.isdisjoint(
        e.id for e in feedparser.parse((bilingual / "en/feed.xml").read_bytes()).entries
    )
    data = json.loads((bilingual / "en/feed.json").read_text(encoding="utf-8"))
    assert data["language"] == "en" and [i["title"] for i in data["items"]] == ["First news"]
    assert "SUMMARY:Meeting in Alpha" in (bilingual / "en/termine.ics").read_text()


def test_a_bilingual_site_builds_byte_for_byte_the_same_twice(tmp_path: Path) -> None:
    site = copy_site(BILINGUAL, tmp_path / "site")
    first, out = _build(site, "--no-cache")
    assert first.exit_code == 0, first.stderr
    one = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    again, _ = _build(site, "--no-cache")
    assert again.exit_code == 0
    two = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert one == two


def test_languages_with_one_entry_builds_the_same_as_language(tmp_path: Path) -> None:
    plain = copy_site(FIXTURES / "minimal", tmp_path / "plain")
    listed = copy_site(FIXTURES / "minimal", tmp_path / "listed")
    config = listed / "site.yaml"
    config.write_text(config.read_text() + "languages: [de]\n")
    outputs = []
    for site in (plain, listed):
        run, out = _build(site, "--no-cache")
        assert run.exit_code == 0, run.stderr
        outputs.append({p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()})
    assert outputs[0] == outputs[1]


def test_a_translation_with_a_language_the_site_lacks_is_an_error_with_a_hint(
    tmp_path: Path,
) -> None:
    site = copy_site(BILINGUAL, tmp_path / "site")
    _write(site, "content/pages/impressum.fr.md", "---\ntitle: Mentions légales\n---\n")
    run = run_pactsite("check", "--site", str(site), *NOW)
    assert run.exit_code == 1
    assert _errors(run) == [
        "content/pages/impressum.fr.md:1: error: 'fr' in the file name is a language the site "
        "does not have; add fr to languages in site.yaml, or rename the file without '.fr'"
    ]


def test_a_translation_without_its_original_names_the_file_it_expects(tmp_path: Path) -> None:
    site = copy_site(BILINGUAL, tmp_path / "site")
    _write(site, "content/pacts/beta/news/2003-02-01-neu.en.md", "---\ntitle: New\n---\n")
    run = run_pactsite("check", "--site", str(site), *NOW)
    assert run.exit_code == 1
    assert _errors(run) == [
        "content/pacts/beta/news/2003-02-01-neu.en.md:1: error: there is no original that this "
        "translation translates; write the original as content/pacts/beta/news/2003-02-01-neu.md"
        ", or rename this file like the original it translates (<name>.en.md next to <name>.md)"
    ]


def test_a_fact_that_a_translation_changes_is_an_error_at_its_line(tmp_path: Path) -> None:
    site = copy_site(BILINGUAL, tmp_path / "site")
    path = "content/pacts/alpha/projects/qualifizierung.en.md"
    _write(site, path, "---\ntitle: Qualification\nstatus: completed\nbudget_eur: 25000\n---\n")
    run = run_pactsite("check", "--site", str(site), *NOW)
    assert run.exit_code == 1
    assert _errors(run) == [
        f"{path}:3: error: 'status' differs from the original: a translation takes its facts "
        "(dates, status, sectors, ...) from content/pacts/alpha/projects/qualifizierung.md; "
        "delete the line 'status: ...' here, or correct it in "
        "content/pacts/alpha/projects/qualifizierung.md"
    ]


def test_an_unknown_field_of_a_translation_is_an_error_with_did_you_mean(tmp_path: Path) -> None:
    site = copy_site(BILINGUAL, tmp_path / "site")
    path = "content/pages/impressum.en.md"
    _write(site, path, "---\ntitle: Legal notice\nsumary: Who is responsible\n---\n")
    run = run_pactsite("check", "--site", str(site), *NOW)
    assert run.exit_code == 1
    (error,) = _errors(run)
    assert error.startswith(f"{path}:3: error: unknown key 'sumary'; did you mean 'summary'?")


def test_an_unknown_language_in_a_pacts_translations_is_an_error_at_its_line(
    tmp_path: Path,
) -> None:
    site = copy_site(BILINGUAL, tmp_path / "site")
    profile = site / "content/pacts/beta/pact.yaml"
    profile.write_text("name: Pakt Beta\ntranslations:\n  eng:\n    name: Beta Pact\n")
    run = run_pactsite("check", "--site", str(site), *NOW)
    assert run.exit_code == 1
    (error,) = _errors(run)
    assert error.startswith(
        "content/pacts/beta/pact.yaml:3: error: unknown key 'eng'; did you mean 'en'?"
    )


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "languages: [de, englisch]",
            "site.yaml:3: error: unknown language code 'englisch'; did you mean 'en'?",
        ),
        (
            "language: en\nlanguages: [de, en]",
            "site.yaml:3: error: language: en and languages: [de, en] disagree; delete the "
            "line 'language: ...': the first of 'languages' is the default",
        ),
        (
            "languages: [de, en, de]",
            "site.yaml:3: error: language 'de' is named twice; name it once",
        ),
    ],
)
def test_a_wrong_languages_setting_is_an_error_at_its_line(
    tmp_path: Path, line: str, expected: str
) -> None:
    site = copy_site(BILINGUAL, tmp_path / "site")
    config = (site / "site.yaml").read_text().replace("languages: [de, en]", line)
    (site / "site.yaml").write_text(config)
    run = run_pactsite("check", "--site", str(site), *NOW)
    assert run.exit_code == 1
    assert _errors(run) == [expected]


def test_a_language_without_interface_strings_is_a_warning_and_uses_english_ones(
    tmp_path: Path,
) -> None:
    site = copy_site(BILINGUAL, tmp_path / "site")
    config = (site / "site.yaml").read_text().replace("[de, en]", "[de, en, pl]")
    (site / "site.yaml").write_text(config)
    _write(site, "content/pages/impressum.pl.md", "---\ntitle: Stopka redakcyjna\n---\n")
    run, out = _build(site, "--no-cache")
    assert run.exit_code == 0, run.stderr
    assert "site.yaml:3: warning: pactsite has no interface strings in 'pl'" in run.stderr
    page = parse_page(out / "pl/impressum/index.html")
    assert page.get("lang") == "pl"
    assert page.xpath("//a[@class='skip-link']")[0].text_content() == "Skip to content"
    assert page.xpath("//meta[@property='og:locale']")[0].get("content") == "pl_PL"
    untranslated = parse_page(out / "pakte/alpha/aktuelles/zweite-meldung/index.html")
    (to_polish,) = untranslated.xpath("//a[@class='service-link'][@hreflang='pl']")
    assert to_polish.get("href") == "/pl/" and to_polish.get("lang") == "pl"
    assert to_polish.xpath("span[@lang='en']")[0].text_content().startswith(" (home page")


def test_translation_errors_are_said_in_german_for_a_german_site(tmp_path: Path) -> None:
    site = copy_site(BILINGUAL, tmp_path / "site")
    _write(site, "content/pages/impressum.fr.md", "---\ntitle: Mentions légales\n---\n")
    run = run_pactsite("check", "--site", str(site), "--lang", "de", *NOW)
    assert "'fr' im Dateinamen ist eine Sprache, die die Website nicht hat" in run.stderr
    assert "nehmen Sie fr in languages in site.yaml auf" in run.stderr


def test_a_link_to_an_untranslated_page_is_a_warning_at_its_line(tmp_path: Path) -> None:
    site = copy_site(BILINGUAL, tmp_path / "site")
    run = run_pactsite("check", "--site", str(site), *NOW)
    assert run.exit_code == 0, run.stderr
    assert (
        "content/pacts/alpha/news/2002-10-22-erste-meldung.en.md:6: warning: the link to "
        "2002-11-01-zweite-meldung.md leads to a page in 'de': it has no translation in this "
        "language" in run.stderr
    )


def test_missing_translations_lists_what_is_not_yet_translated_and_exits_0() -> None:
    run = run_pactsite("check", "--site", str(BILINGUAL), "--missing-translations", "en", *NOW)
    assert run.exit_code == 0, run.stderr
    assert run.output.splitlines() == [
        "content/pacts/alpha/news/2002-11-01-zweite-meldung.md:1: note: not yet translated "
        "into 'en'; write the translation as "
        "content/pacts/alpha/news/2002-11-01-zweite-meldung.en.md",
        "content/pacts/beta/news/2003-01-05-dritte-meldung.md:1: note: not yet translated into "
        "'en'; write the translation as content/pacts/beta/news/2003-01-05-dritte-meldung.en.md",
        "content/pacts/beta/pact.yaml:1: note: the pact's name is not yet translated into 'en'; "
        "add translations: {en: {name: ...}} to pact.yaml",
        "3 not yet translated into 'en'",
    ]


@pytest.mark.parametrize("fmt", ["json", "github", "html"])
def test_missing_translations_comes_in_every_format_of_check(fmt: str) -> None:
    run = run_pactsite(
        "check", "--site", str(BILINGUAL), "--missing-translations", "en", "--format", fmt, *NOW
    )
    assert run.exit_code == 0, run.stderr
    if fmt == "json":
        notes = json.loads(run.output)
        assert [n["severity"] for n in notes] == ["note"] * 3
        assert notes[2]["path"] == "content/pacts/beta/pact.yaml"
    elif fmt == "github":
        assert run.output.count("::notice file=") == 3
    else:
        assert run.output.count("<td>To do</td>") == 3


def test_missing_translations_of_a_language_the_site_lacks_is_refused() -> None:
    run = run_pactsite("check", "--site", str(BILINGUAL), "--missing-translations", "fr", *NOW)
    assert run.exit_code == 1
    assert "the site's further languages are: en" in run.stderr


@pytest.fixture(scope="module")
def bilingual_served(bilingual: Path) -> Iterator[str]:
    """The built bilingual fixture on 127.0.0.1 with the headers of netlify.toml."""
    with serve(bilingual, netlify_headers(REPOSITORY / "netlify.toml")) as base:
        yield base


def test_the_language_switch_followed_in_chromium_leads_there_and_back(
    page: Page, bilingual_served: str
) -> None:
    page.goto(bilingual_served + "/pakte/alpha/aktuelles/erste-meldung/")
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/en/pakte/alpha/aktuelles/erste-meldung/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "First news"
    page.get_by_role("link", name="Deutsch").click()
    page.wait_for_url(bilingual_served + "/pakte/alpha/aktuelles/erste-meldung/")
    assert page.locator("h1").inner_text() == "Erste Meldung"
    page.goto(bilingual_served + "/pakte/alpha/aktuelles/zweite-meldung/")
    switch = page.get_by_role("link", name="English (home page: this page is not available")
    switch.click()
    page.wait_for_url(bilingual_served + "/en/")
    assert page.locator("html").get_attribute("lang") == "en"


BILINGUAL_PAGES = ["/", "/pakte/alpha/", "/pakte/beta/", "/" + EN_NEWS.removesuffix("index.html")]


@pytest.fixture
def axe_page(chromium: Browser) -> Iterator[Page]:
    """A tab that lets axe-core in (it is added as an inline script)."""
    context = chromium.new_context(bypass_csp=True, viewport={"width": 375, "height": 800})
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("language", ["", "/en"])
@pytest.mark.parametrize("path", BILINGUAL_PAGES)
def test_axe_finds_no_serious_violation_in_either_language(
    axe_page: Page, bilingual_served: str, language: str, path: str
) -> None:
    axe_page.goto(bilingual_served + language + path)
    serious = [v for v in axe_violations(axe_page) if v["impact"] in ("serious", "critical")]
    assert serious == [], "\n".join(f"{v['id']}: {v['help']} {v['nodes']}" for v in serious)


def test_a_network_page_named_like_a_further_language_is_an_error(tmp_path: Path) -> None:
    site = copy_site(BILINGUAL, tmp_path / "site")
    _write(site, "content/pages/en.md", "---\ntitle: English\n---\n")
    run = run_pactsite("check", "--site", str(site), *NOW)
    assert run.exit_code == 1
    assert _errors(run) == [
        "content/pages/en.md:1: error: the page name 'en' is reserved for a section of the "
        "site; rename the file or set another 'slug:'"
    ]


@pytest.mark.parametrize(
    ("language", "word", "title"),
    [("/en", "hall", "Meeting in Alpha"), ("", "Rathaus", "Treffen in Alpha")],
)
def test_the_search_of_each_language_finds_the_pages_of_that_language(
    page: Page, bilingual_served: str, language: str, word: str, title: str
) -> None:
    page.goto(bilingual_served + language + "/suche/")
    page.locator("#ps_search input[type=search]").type(word)
    results = page.locator("#ps_search_results > li h2 a")
    expect(results.first).to_be_visible()
    assert title in results.all_inner_texts()
    hrefs = [str(a.get_attribute("href")) for a in results.all()]
    assert all(h.startswith("/en/") == (language == "/en") for h in hrefs), hrefs


def _index_words(out: Path, folder: str, key: str) -> dict[str, list[object]]:
    words: dict[str, list[object]] = json.loads((out / folder / f"w/{key}.json").read_bytes())[
        "words"
    ]
    return words


def test_each_language_is_indexed_with_its_own_stemmer(bilingual: Path) -> None:
    english = _index_words(bilingual, "en/suchindex", "emp")
    assert english["employers"][0] == english["employment"][0] == "employ"
    assert "employers" not in _index_words(bilingual, "suchindex", "ein")  # German pages apart


def test_the_indexes_of_all_languages_are_made_in_the_one_forked_process(
    bilingual: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workers, "INDEX_APART_FROM", 1)

    def pages(root: Path) -> list[OutputFile]:
        found = sorted(p for p in root.rglob("*.html") if "en" not in p.relative_to(root).parts[:1])
        return [
            OutputFile(PurePosixPath(p.relative_to(root).as_posix()), p.read_bytes()) for p in found
        ]

    english = workers.IndexedLanguage(pages(bilingual / "en"), "en", "en")
    with workers.start_search_index(pages(bilingual), "de", [english]) as indexing:
        assert indexing.forked
        index = indexing.finish()
    made = {str(file.path): file.content for file in index.files}
    assert made["suchindex/meta.json"] == (bilingual / "suchindex/meta.json").read_bytes()
    assert made["en/suchindex/w/emp.json"] == (bilingual / "en/suchindex/w/emp.json").read_bytes()
    assert all(not page.startswith("en/") for page in index.pages)


@pytest.mark.parametrize("query", ["employment", "employing"])
def test_an_english_query_finds_the_english_page_by_another_inflection(
    page: Page, bilingual_served: str, query: str
) -> None:
    page.goto(bilingual_served + "/en/suche/")
    page.locator("#ps_search input[type=search]").type(query)
    results = page.locator("#ps_search_results > li h2 a")
    expect(results.nth(1)).to_be_visible()
    # the project says "employers", the news item "employment"
    assert set(results.all_inner_texts()) == {
        "Qualification in the chemical industry",
        "First news",
    }


FOLDED = [
    "Straße",
    "STRASSE",
    "ẞ",
    "naïve",
    "Éclair",
    "Employers’",
    "İstanbul",
    "ΣΊΣΥΦΟΣ",
    "ﬁnance",
]


def test_the_browser_folds_a_query_as_the_index_folds_words_on_an_english_page(
    page: Page, bilingual_served: str
) -> None:
    page.goto(bilingual_served + "/en/suche/")
    script = (REPOSITORY / "themes/default/static/js/suche.js").read_text(encoding="utf-8")
    fold_js = re.search(r"^function fold\(text\) \{.*?^\}", script, re.M | re.S)
    assert fold_js is not None
    folded = page.evaluate(f"(words) => {{ {fold_js[0]}; return words.map(fold); }}", FOLDED)
    assert folded == [fold(word) for word in FOLDED]


def test_labels_of_site_yaml_on_english_pages_are_marked_as_german(bilingual: Path) -> None:
    project = parse_page(bilingual / "en/pakte/alpha/projekte/qualifizierung/index.html")
    (sector,) = project.xpath("//main//a[normalize-space()='Chemische Industrie']")
    assert sector.get("lang") == "de"
    assert parse_page(bilingual / "en/branchen/chemie/index.html").xpath("//h1")[0].get("lang")
    german = parse_page(bilingual / "pakte/alpha/projekte/qualifizierung/index.html")
    assert german.xpath("//main//a[normalize-space()='Chemische Industrie']")[0].get("lang") is None


LABEL_TRANSLATIONS = """
translations:
  en:
    sectors: {chemie: Chemical industry}
    funds: {lokales-kapital: {name: Local Social Capital, description: Small grants.}}
    tags: {ausbildung: Vocational training}
"""


@pytest.fixture(scope="module")
def translated_labels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bilingual fixture with a sector, a fund and a tag translated in site.yaml (another
    sector, the target group and a tag not), built once."""
    site = copy_site(BILINGUAL, tmp_path_factory.mktemp("labels") / "site")
    with (site / "site.yaml").open("a", encoding="utf-8") as config:
        config.write(LABEL_TRANSLATIONS)
    news = site / "content/pacts/alpha/news/2002-10-22-erste-meldung.md"
    news.write_text(
        news.read_text().replace(
            "sectors: [chemie]", "sectors: [chemie]\ntags: [Ausbildung, Chemie]"
        )
    )
    run, out = _build(site, "--no-cache")
    assert run.exit_code == 0, run.stderr
    return out


def _lang_of(page: Path, text: str) -> list[str | None]:
    """The lang attribute of each element of `main` whose own text is `text`."""
    found = parse_page(page).xpath(f"//main//*[normalize-space(text())='{text}']")
    return [element.get("lang") for element in found]


def test_labels_translated_in_site_yaml_show_on_english_pages_unmarked(
    translated_labels: Path,
) -> None:
    out = translated_labels
    project = out / "en/pakte/alpha/projekte/qualifizierung/index.html"
    assert _lang_of(project, "Chemical industry") == [None]
    assert _lang_of(project, "Local Social Capital") == [None]
    assert _lang_of(project, "Arbeitslose") == ["de"]  # not translated
    assert _lang_of(out / "en/branchen/chemie/index.html", "Chemical industry")[0] is None
    fund = parse_page(out / "en/foerderung/lokales-kapital/index.html")
    assert fund.xpath("//h1")[0].text_content() == "Local Social Capital"
    assert "Small grants." in fund.text_content()
    directory = out / "en/projekte/index.html"
    assert set(_lang_of(directory, "Chemical industry")) == {None}
    assert set(_lang_of(directory, "Informations- und Kommunikationstechnologie")) == {"de"}
    news = out / "en/pakte/alpha/aktuelles/erste-meldung/index.html"
    assert _lang_of(news, "Vocational training") == [None]
    assert _lang_of(news, "Chemie") == ["de"]  # a tag not translated
    assert _lang_of(out / "en/themen/index.html", "Vocational training") == [None]
    feed = feedparser.parse((out / "en/branchen/chemie/feed.xml").read_bytes())
    assert "Chemical industry" in feed.feed.title
    german = out / "pakte/alpha/projekte/qualifizierung/index.html"
    assert _lang_of(german, "Chemische Industrie") == [None]
    assert _lang_of(german, "Chemical industry") == []


def test_a_wrong_translation_of_site_yaml_labels_is_an_error_in_german_with_did_you_mean(
    tmp_path: Path,
) -> None:
    site = copy_site(BILINGUAL, tmp_path / "site")
    with (site / "site.yaml").open("a", encoding="utf-8") as config:
        config.write(
            "translations:\n  fr: {sectors: {chemie: Chimie}}\n  en:\n    sector: {chemie: x}\n"
            "    funds: {lokales-kaptal: Local capital}\n"
        )
    run = run_pactsite("check", "--site", str(site), "--lang", "de", *NOW)
    assert run.exit_code == 1
    assert _errors(run) == [
        "site.yaml:13: error: 'fr' ist keine weitere Sprache in 'languages:'; verwenden Sie "
        "einen dieser Werte: en",
        "site.yaml:15: error: unbekanntes Vokabular 'sector' in translations; meinten Sie "
        "'sectors'? (bekannt: funds, sectors, tags, target_groups)",
        "site.yaml:16: error: 'lokales-kaptal' steht nicht in diesem Vokabular der site.yaml; "
        "meinten Sie 'lokales-kapital'? (bekannt: lokales-kapital)",
    ]


def test_a_new_pact_of_a_bilingual_site_offers_its_translations_commented(
    tmp_path: Path,
) -> None:
    site = copy_site(BILINGUAL, tmp_path / "site")
    run = run_pactsite("new", "pact", "gamma", "--site", str(site), "--name", "Pakt Gamma")
    assert run.exit_code == 0, run.stderr
    text = (site / "content/pacts/gamma/pact.yaml").read_text(encoding="utf-8")
    assert "# translations:\n#   en:\n#     name: " in text
    uncommented = text.replace(
        '# translations:\n#   en:\n#     name: ""', "translations:\n  en:\n    name: Gamma Pact"
    )
    (site / "content/pacts/gamma/pact.yaml").write_text(uncommented, encoding="utf-8")
    assert run_pactsite("check", "--site", str(site), *NOW).exit_code == 0


def test_a_new_pact_of_a_one_language_site_has_no_translations(minimal_site: Path) -> None:
    run = run_pactsite("new", "pact", "gamma", "--site", str(minimal_site), "--name", "Gamma")
    assert run.exit_code == 0, run.stderr
    assert "translations" not in (minimal_site / "content/pacts/gamma/pact.yaml").read_text()


netlify = test_netlify_dev.netlify_dev
"""`netlify dev` serving this module's `network` (a fixture of test_netlify_dev.py)."""


@pytest.fixture(scope="module")
def network(bilingual: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A network repository as `pactsite init` writes it, holding the bilingual build (for
    test_netlify_dev's `netlify_dev`)."""
    folder = tmp_path_factory.mktemp("netlify") / "netz"
    assert run_pactsite("init", str(folder)).exit_code == 0
    shutil.copytree(bilingual, folder / "public")
    return folder


@pytest.mark.slow  # Netlify CLI
def test_netlify_answers_a_missing_english_address_with_the_english_404_page(
    netlify: str,
) -> None:
    def get(path: str) -> tuple[int, str]:
        host = netlify.removeprefix("http://")
        connection = http.client.HTTPConnection(host, timeout=30)
        connection.request("GET", path)
        answer = connection.getresponse()
        body = answer.read().decode("utf-8", "replace")
        connection.close()
        return answer.status, body

    status, body = get("/en/pakte/alpha/aktuelles/zweite-meldung/")
    assert status == 404 and '<html lang="en">' in body
    status, body = get("/pakte/nirgends/")
    assert status == 404 and '<html lang="de">' in body
    assert get("/en/pakte/alpha/")[0] == 200


def test_an_image_only_a_translation_shows_is_published_in_its_sizes(tmp_path: Path) -> None:
    from PIL import Image

    site = copy_site(BILINGUAL, tmp_path / "site")
    Image.new("RGB", (800, 600), (200, 100, 50)).save(site / "content/pages/karte.jpg")
    _write(
        site,
        "content/pages/impressum.en.md",
        "---\ntitle: Legal notice\n---\n![Map of the network](karte.jpg)\n",
    )
    run, out = _build(site, "--no-cache")
    assert run.exit_code == 0, run.stderr
    (image,) = parse_page(out / "en/impressum/index.html").xpath("//main//img")
    assert image.get("alt") == "Map of the network"
    assert (out / image.get("src").lstrip("/")).is_file()
    assert not (out / "dateien/pages/karte.jpg").exists()  # the original carries its metadata
