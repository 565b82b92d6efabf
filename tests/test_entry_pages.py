"""What a visitor sees on single pages and overviews (issue 20, items 4-6): entry pages that
read like articles, the section in the main navigation, the overviews of sectors and funds,
the 404 page, event times, the network page on a phone, and Leichte Sprache."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from conftest import REPOSITORY, parse_page

if TYPE_CHECKING:  # Playwright takes a second to import: only browser tests pay for it
    from playwright.sync_api import Browser, Page

PRESS_NOTE = "pakte/halle/aktuelles/schaffung-und-sicherung-neuer-arbeitsplaetze/"
PROJECT = "pakte/worms/projekte/so-wirts/"
EVENT = "pakte/altmark/termine/treffen/"
ARTIFACTS = REPOSITORY / "tests" / "artifacts" / "pages"


def _text(element: object) -> str:
    return " ".join(str(element.text_content()).split())  # type: ignore[attr-defined]


@pytest.mark.parametrize("url", [PRESS_NOTE, PROJECT, EVENT])
def test_entry_page_opens_with_heading_lead_and_one_meta_line(
    example_build: Path, url: str
) -> None:
    header = parse_page(example_build / url / "index.html").xpath("//article/header")[0]
    first = [child.tag + "." + (child.get("class") or "") for child in header][:3]
    assert first == ["h1.", "p.lead", "p.entry-meta"]
    assert len(header.xpath("p[@class='entry-meta']")) == 1
    assert not header.xpath(".//dl"), "the other facts come after the text"
    article = header.getparent()
    assert article.xpath("./div[@class='prose']/following-sibling::section//dl[@class='facts']")


def test_news_meta_line_is_date_and_pact(example_build: Path) -> None:
    page = parse_page(example_build / PRESS_NOTE / "index.html")
    assert _text(page.xpath("//p[@class='entry-meta']")[0]) == "22. Oktober 2002 · BIB Halle"


def test_related_box_lists_each_page_once_and_says_how_it_is_related(
    example_build: Path,
) -> None:
    page = parse_page(example_build / PRESS_NOTE / "index.html")
    assert len(page.xpath("//section[@class='related']")) == 1
    assert not page.xpath("//section[@class='backlinks']")
    items = page.xpath("//section[@class='related']//li")
    hrefs = [li.xpath("a/@href")[0] for li in items]
    assert len(hrefs) == len(set(hrefs)) >= 3
    both = "/pakte/altmark/projekte/qualifizierung-fuer-arbeitslose/"
    what = {li.xpath("a/@href")[0]: _text(li.xpath("span")[0]) for li in items}
    assert what[both] == "Projekt · Altmark · verweist auf diese Seite · gleiche Branche"


@pytest.mark.parametrize(
    ("url", "section"),
    [
        (PRESS_NOTE, "/aktuelles/"),
        ("pakte/halle/aktuelles/", "/aktuelles/"),
        (PROJECT, "/projekte/"),
        (EVENT, "/termine/"),
        ("pakte/halle/", "/pakte/"),
    ],
)
def test_main_navigation_marks_the_section_of_the_page(
    example_build: Path, url: str, section: str
) -> None:
    nav = parse_page(example_build / url / "index.html").xpath("//nav[@class='main-nav']")[0]
    assert nav.xpath(".//a[@aria-current]/@href") == [section]


def test_overview_pages_list_every_sector_and_fund_with_counts(example_build: Path) -> None:
    sectors = parse_page(example_build / "branchen/index.html")
    links = sectors.xpath("//main//h2/a/@href")
    assert sorted(links) == [
        f"/branchen/{s}/"
        for s in ("automobil", "biotechnologie", "chemie", "ikt", "landwirtschaft")
    ]
    chemie = sectors.xpath("//main//article[h2/a/@href='/branchen/chemie/']")[0]
    assert "3 Pakte · 1 Projekt" in _text(chemie)
    funds = parse_page(example_build / "foerderung/index.html")
    assert sorted(funds.xpath("//main//h2/a/@href")) == [
        "/foerderung/equal/",
        "/foerderung/lokales-kapital/",
    ]
    local = funds.xpath("//main//article[h2/a/@href='/foerderung/lokales-kapital/']")[0]
    assert "2 Projekte · 2 Pakte" in _text(local)


@pytest.mark.parametrize(
    ("url", "trail"),
    [
        ("branchen/chemie/", ["/", "/branchen/", "/branchen/chemie/"]),
        ("foerderung/equal/", ["/", "/foerderung/", "/foerderung/equal/"]),
    ],
)
def test_breadcrumbs_lead_through_the_overviews(
    example_build: Path, url: str, trail: list[str]
) -> None:
    crumbs = parse_page(example_build / url / "index.html").xpath("//nav[@class='breadcrumb']")
    assert crumbs[0].xpath(".//a/@href") == trail
    assert [_text(a) for a in crumbs[0].xpath(".//a")][:2] in (
        ["Startseite", "Branchen"],
        ["Startseite", "Förderung"],
    )


def test_event_times_read_from_to_in_german(example_build: Path) -> None:
    meta = parse_page(example_build / EVENT / "index.html").xpath("//p[@class='entry-meta']")
    assert _text(meta[0]).startswith("15. Januar 2003, 16:00 bis 18:00 Uhr")
    raw = (example_build / EVENT / "index.html").read_text(encoding="utf-8")
    assert "15.\u00a0Januar\u00a02003" in raw, "a date never breaks across lines"
    assert "</time>\u00a0Uhr" in raw


@pytest.fixture
def no_js_page(chromium: Browser) -> Iterator[Page]:
    """A phone-sized tab with JavaScript off."""
    context = chromium.new_context(
        viewport={"width": 375, "height": 740}, java_script_enabled=False
    )
    yield context.new_page()
    context.close()


def test_404_page_searches_without_javascript(no_js_page: Page, example_served: str) -> None:
    no_js_page.goto(example_served + "/404.html")
    no_js_page.get_by_role("searchbox").fill("Chemie")
    no_js_page.get_by_role("button", name="Suchen").click()
    no_js_page.wait_for_url("**/suche/?q=Chemie")
    assert no_js_page.locator("h1").inner_text() == "Suche"
    no_js_page.goto(example_served + "/404.html")
    overviews = no_js_page.locator("main a").evaluate_all("els => els.map(a => a.pathname)")
    assert {"/branchen/", "/foerderung/", "/projekte/"} <= set(overviews)


@pytest.fixture
def phone(chromium: Browser) -> Iterator[Page]:
    """A 320 px wide tab, the narrowest phone WCAG reflow asks for."""
    context = chromium.new_context(viewport={"width": 320, "height": 640})
    yield context.new_page()
    context.close()


def test_network_page_fits_a_320px_phone_with_readable_labels(
    phone: Page, example_served: str
) -> None:
    phone.goto(example_served + "/netzwerk/")
    width = phone.evaluate("[document.scrollingElement.scrollWidth, innerWidth]")
    assert width[0] <= width[1]
    label_heights = phone.locator(".network-graph text").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().height)"
    )
    assert min(label_heights) >= 11, "graph labels shrink below a readable size"
    headers = phone.locator(".link-table th").evaluate_all(
        "els => els.map(e => e.scrollWidth <= e.clientWidth)"
    )
    assert all(headers)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "netzwerk-320.png"), full_page=True)


def test_embed_snippet_scrolls_by_itself_on_a_phone(phone: Page, example_served: str) -> None:
    phone.goto(example_served + "/hilfe/")
    assert phone.evaluate("document.scrollingElement.scrollWidth <= innerWidth")
    snippet = phone.locator("#leiste-zum-kopieren ~ pre.snippet").first
    assert snippet.evaluate("e => e.scrollWidth > e.clientWidth && e.tabIndex === 0")


def test_german_text_hyphenates_and_no_rule_breaks_words_anywhere(
    phone: Page, example_served: str
) -> None:
    for url in ("/" + PRESS_NOTE, "/netzwerk/", "/branchen/", "/foerderung/"):
        phone.goto(example_served + url)
        assert phone.evaluate("document.documentElement.lang") == "de"
        for selector in ("h1", "main p"):
            assert phone.locator(selector).first.evaluate("e => getComputedStyle(e).hyphens") == (
                "auto"
            )
        breaking = phone.evaluate(
            """[...document.querySelectorAll('body *')].filter(e => {
                 const s = getComputedStyle(e);
                 return e.closest('pre') === null
                   && (s.overflowWrap === 'anywhere' || s.wordBreak === 'break-all');
               }).map(e => e.tagName + '.' + e.className)"""
        )
        assert breaking == [], url


def test_leichte_sprache_pages_look_alike_and_are_all_listed(
    chromium: Browser, example_served: str
) -> None:
    context = chromium.new_context(viewport={"width": 375, "height": 740})
    tab = context.new_page()
    styles = []
    for url in ("/leichte-sprache/", "/ueber-uns/leichte-sprache/"):
        tab.goto(example_served + url)
        styles.append(
            tab.locator(".prose p").first.evaluate(
                """e => { const s = getComputedStyle(e);
                   return [s.fontSize, s.lineHeight, s.textAlign, s.hyphens, s.whiteSpace]; }"""
            )
        )
        name = url.strip("/").replace("/", "-")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / f"{name}-375.png"), full_page=True)
    context.close()
    assert styles[0] == styles[1]
    size, line_height, align, hyphens, _ = styles[0]
    assert float(size.removesuffix("px")) >= 19
    assert float(line_height.removesuffix("px")) >= 1.7 * float(size.removesuffix("px"))
    assert align in ("left", "start") and hyphens == "manual"


def test_leichte_sprache_overview_lists_every_page_in_leichte_sprache(
    example_build: Path,
) -> None:
    page = parse_page(example_build / "leichte-sprache/index.html")
    listed = page.xpath("//section[@aria-labelledby='ps_easy_read']//a/@href")
    versions = sorted(
        "/" + str(p.parent.relative_to(example_build)) + "/"
        for p in example_build.glob("**/leichte-sprache/index.html")
        if p.parent != example_build / "leichte-sprache"
    )
    assert listed == versions == ["/ueber-uns/leichte-sprache/"]


@pytest.mark.parametrize("width", [375, 1280])
def test_screenshots_of_the_pages_of_issue_20(
    chromium: Browser, example_served: str, width: int
) -> None:
    context = chromium.new_context(viewport={"width": width, "height": 800})
    tab = context.new_page()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, url in {
        "news": "/" + PRESS_NOTE,
        "project": "/" + PROJECT,
        "event": "/" + EVENT,
        "branchen": "/branchen/",
        "foerderung": "/foerderung/",
        "404": "/404.html",
        "netzwerk": "/netzwerk/",
    }.items():
        tab.goto(example_served + url)
        assert tab.evaluate("document.scrollingElement.scrollWidth <= innerWidth"), url
        tab.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
    context.close()
