"""The default theme as visitors see it, in real Chromium: the first screen, the header's
menus without JavaScript, the dark and forced-colors schemes, print, and the weight of a
first visit.

The screenshots go to tests/artifacts/screens/ (git-ignored): look at them after a change
to the theme; the tests check what can be measured, the eye the rest.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from test_accessibility import axe_violations

from conftest import PAGE_KINDS, REPOSITORY, parse_page

SCREENS = REPOSITORY / "tests" / "artifacts" / "screens"
SHOWN = {"home": "/", "entry": PAGE_KINDS["news"], "projekte": "/projekte/"}
# name: (CSS viewport width, height, device pixel ratio); 200 % zoom of a 1280×800 screen
# is a 640×400 viewport at twice the pixels
SCREEN_SIZES = {"320": (320, 740, 1), "375": (375, 740, 1), "1280": (1280, 800, 1)}
SCREEN_SIZES["zoom200"] = (640, 400, 2)
FIRST_SCREEN = [SCREEN_SIZES["375"], SCREEN_SIZES["zoom200"]]
# every page kind with the site's header (the network bar is a page for iframes, without it)
WITH_HEADER = sorted(kind for kind in PAGE_KINDS if kind != "network-bar")


def _context(chromium: Browser, size: tuple[int, int, int], **options: object) -> BrowserContext:
    width, height, scale = size
    return chromium.new_context(
        viewport={"width": width, "height": height}, device_scale_factor=scale, **options
    )


@pytest.fixture
def phone(chromium: Browser) -> Iterator[Page]:
    """A 375×740 phone without JavaScript: the header must work without it."""
    context = _context(chromium, SCREEN_SIZES["375"], java_script_enabled=False)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", sorted(SCREEN_SIZES))
def test_screenshots_of_home_entry_and_directory_are_taken_for_looking_at(
    chromium: Browser, example_served: str, size: str, scheme: str
) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    context = _context(chromium, SCREEN_SIZES[size], color_scheme=scheme)
    page = context.new_page()
    for name, url in SHOWN.items():
        page.goto(example_served + url)
        expect(page.locator("h1")).to_be_visible()
        page.screenshot(path=SCREENS / f"{name}-{size}-{scheme}.png")
    context.close()


@pytest.mark.parametrize("size", FIRST_SCREEN, ids=["phone-375x740", "zoom200-1280x800"])
@pytest.mark.parametrize("kind", WITH_HEADER)
def test_the_h1_starts_within_the_first_200_pixels(
    chromium: Browser, example_served: str, kind: str, size: tuple[int, int, int]
) -> None:
    context = _context(chromium, size)
    page = context.new_page()
    page.goto(example_served + PAGE_KINDS[kind])
    top = page.evaluate("document.querySelector('h1').getBoundingClientRect().top")
    context.close()
    assert top <= 200, f"the h1 of {PAGE_KINDS[kind]} starts at {top:.0f} px"


@pytest.mark.parametrize("label", ["Menü", "Pakte"])
def test_the_header_menus_open_and_close_without_javascript(
    phone: Page, example_served: str, label: str
) -> None:
    phone.goto(example_served + PAGE_KINDS["news"])
    button = phone.locator("summary", has_text=label)
    menu = phone.locator("details", has=button).locator("nav")
    expect(button).to_be_visible()
    expect(menu).to_be_hidden()
    button.click()
    expect(menu).to_be_visible()
    expect(menu.locator("a").first).to_be_visible()
    button.click()
    expect(menu).to_be_hidden()
    button.focus()  # and with the keyboard
    phone.keyboard.press("Enter")
    expect(menu).to_be_visible()
    phone.keyboard.press("Enter")
    expect(menu).to_be_hidden()


def test_opening_one_header_menu_closes_the_other(phone: Page, example_served: str) -> None:
    phone.goto(example_served + "/")
    phone.locator("summary", has_text="Menü").click()
    phone.locator("summary", has_text="Pakte").click()
    assert phone.evaluate("[...document.querySelectorAll('header details')].map(d => d.open)") == [
        False,
        True,
    ]


def test_the_header_menus_are_named_for_screen_readers(phone: Page, example_served: str) -> None:
    phone.goto(example_served + "/")
    expect(phone.get_by_role("group").filter(has_text="Menü")).to_have_count(1)
    phone.locator("summary", has_text="Menü").click()
    expect(phone.get_by_role("navigation", name="Hauptnavigation")).to_be_visible()
    header = phone.get_by_role("banner")
    # the pictograms alone on a phone, named by their visually hidden text
    expect(header.get_by_role("link", name="Leichte Sprache")).to_be_visible()
    expect(header.get_by_role("link", name="Gebärdensprache")).to_be_visible()


@pytest.mark.parametrize("size", [SCREEN_SIZES["320"], SCREEN_SIZES["375"]], ids=["320", "375"])
def test_search_is_one_tap_away_on_a_phone(
    chromium: Browser, example_served: str, size: tuple[int, int, int]
) -> None:
    context = _context(chromium, size)
    page = context.new_page()
    page.goto(example_served + PAGE_KINDS["project"])
    search = page.locator("header .search-link")
    expect(search).to_be_in_viewport(ratio=1)
    search.click()
    assert page.url.endswith("/suche/")
    context.close()


def test_on_a_wide_screen_the_navigation_stays_open(page: Page, example_served: str) -> None:
    page.goto(example_served + "/")
    expect(page.locator("header summary").first).to_be_hidden()
    main_nav = page.get_by_role("navigation", name="Hauptnavigation")
    expect(main_nav.get_by_role("link")).to_have_count(6)
    expect(page.locator("nav.network-nav a").first).to_be_visible()


@pytest.mark.parametrize(
    ("kind", "marked"),
    [("news", "Aktuelles"), ("project", "Projekte"), ("event", "Termine"), ("pact", "Pakte")],
)
def test_the_main_navigation_marks_the_section_of_the_page(
    page: Page, example_served: str, kind: str, marked: str
) -> None:
    page.goto(example_served + PAGE_KINDS[kind])
    current = page.locator("nav.main-nav a[aria-current]")
    expect(current).to_have_count(1)
    expect(current).to_have_text(marked)


def test_the_pictogram_links_lead_to_pages_that_exist(example_build: Path) -> None:
    header = parse_page(example_build / "index.html").xpath("//nav[@class='service-nav']//a")
    assert [a.text_content().strip() for a in header] == ["Leichte Sprache", "Gebärdensprache"]
    for link in header:
        path, _, fragment = link.get("href").partition("#")
        target = parse_page(example_build / path.strip("/") / "index.html")
        if fragment:
            assert target.xpath(f"//*[@id='{fragment}']"), link.get("href")


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("kind", WITH_HEADER)
def test_axe_finds_no_serious_violation_in_the_dark_scheme(
    chromium: Browser, example_served: str, kind: str, width: int
) -> None:
    context = chromium.new_context(
        bypass_csp=True, viewport={"width": width, "height": 800}, color_scheme="dark"
    )
    page = context.new_page()
    page.goto(example_served + PAGE_KINDS[kind])
    assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    serious = [v for v in axe_violations(page) if v["impact"] in ("serious", "critical")]
    context.close()
    assert serious == [], "\n".join(f"{v['id']}: {v['help']} {v['nodes']}" for v in serious)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_measures_the_contrast_of_every_text_in_both_schemes(
    chromium: Browser, example_served: str, scheme: str
) -> None:
    """KERN's colours are oklch(): axe must compute them, not leave them "to review"."""
    context = chromium.new_context(bypass_csp=True, color_scheme=scheme)
    page = context.new_page()
    page.goto(example_served + PAGE_KINDS["news"])
    page.add_script_tag(path=str(REPOSITORY / "node_modules" / "axe-core" / "axe.min.js"))
    counts = page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: ['color-contrast']});
            return [r.passes, r.incomplete, r.violations].map(l => l.flatMap(x => x.nodes).length);
        }"""
    )
    context.close()
    passes, incomplete, violations = counts
    assert passes > 20
    assert (incomplete, violations) == (0, 0)


def test_the_dark_scheme_is_dark(chromium: Browser, example_served: str) -> None:
    context = chromium.new_context(color_scheme="dark")
    page = context.new_page()
    page.goto(example_served + "/")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    context.close()
    assert background in ("rgb(0, 0, 0)", "oklch(0 0 0)"), background


@pytest.mark.parametrize("width", [375, 1280])
def test_forced_colors_underline_only_the_current_navigation_item(
    chromium: Browser, example_served: str, width: int
) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    context = chromium.new_context(
        viewport={"width": width, "height": 800}, forced_colors="active", java_script_enabled=False
    )
    page = context.new_page()
    page.goto(example_served + PAGE_KINDS["news"])
    if width < 960:
        page.locator("summary", has_text="Menü").click()
    page.screenshot(path=SCREENS / f"forced-colors-{width}.png")
    marks = page.evaluate(
        """() => [...document.querySelectorAll('.main-nav a')].map(a => {
            const style = getComputedStyle(a);
            return [a.textContent.trim(), !!a.getAttribute('aria-current'),
                    style.textDecorationLine.includes('underline')
                    || parseFloat(style.borderBottomWidth) > 0];
        })"""
    )
    context.close()
    assert [name for name, current, marked in marks if marked != current] == [], marks
    assert [name for name, _, marked in marks if marked] == ["Aktuelles"]


def test_print_shows_the_content_with_link_addresses_and_no_navigation(
    chromium: Browser, example_served: str
) -> None:
    context = chromium.new_context(viewport={"width": 800, "height": 1100})
    page = context.new_page()
    page.emulate_media(media="print")
    page.goto(example_served + PAGE_KINDS["news"])
    page.screenshot(path=SCREENS / "print-entry.png", full_page=True)
    expect(page.locator(".site-header__nav")).to_be_hidden()
    expect(page.locator(".breadcrumb")).to_be_hidden()
    after = page.evaluate(
        "getComputedStyle(document.querySelector('main .prose a[href]'), '::after').content"
    )
    assert "/pakte/" in after
    assert page.evaluate("getComputedStyle(document.body).color") in ("rgb(0, 0, 0)",)
    context.close()


def test_a_first_visit_of_the_home_page_transfers_less_than_200_kb(
    chromium: Browser, example_served: str
) -> None:
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    responses = []
    page.on("requestfinished", lambda request: responses.append(request))
    page.goto(example_served + "/", wait_until="networkidle")
    sizes = {r.url: r.sizes() for r in responses}
    total = sum(s["responseBodySize"] + s["responseHeadersSize"] for s in sizes.values())
    context.close()
    assert any(url.endswith(".woff2") for url in sizes), "the theme's fonts were not loaded"
    assert total < 200_000, f"{total} bytes: " + ", ".join(sorted(sizes))
