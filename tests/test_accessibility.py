"""Accessibility in real Chromium: axe-core on every page kind, keyboard use, small screens."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from conftest import PAGE_KINDS, REPOSITORY

if TYPE_CHECKING:  # Playwright takes a second to import: only browser tests pay for it
    from playwright.sync_api import Browser, Page

AXE = REPOSITORY / "node_modules" / "axe-core" / "axe.min.js"
FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex='-1'])"


@pytest.fixture
def page(chromium: Browser) -> Iterator[Page]:
    context = chromium.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def axe_violations(page: Page) -> list[dict[str, object]]:
    """Run axe-core (WCAG 2.1 A/AA and best practice rules) on the loaded page."""
    assert AXE.is_file(), "axe-core is missing: run make test, which runs npm ci"
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    return list(
        page.evaluate(
            """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
                .map(v => ({id: v.id, impact: v.impact, help: v.help,
                            nodes: v.nodes.map(n => n.target.join(' '))}))"""
        )
    )


@pytest.mark.parametrize("kind", sorted(PAGE_KINDS))
@pytest.mark.parametrize("width", [320, 1280])
def test_axe_finds_no_serious_or_critical_violation(
    page: Page, example_served: str, kind: str, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(example_served + PAGE_KINDS[kind])
    serious = [v for v in axe_violations(page) if v["impact"] in ("serious", "critical")]
    assert serious == [], "\n".join(f"{v['id']}: {v['help']} {v['nodes']}" for v in serious)


def test_axe_reports_a_violation_when_there_is_one(page: Page, example_served: str) -> None:
    page.goto(example_served + "/")
    page.evaluate("document.querySelector('main img, main a').textContent = ''")
    ids = {v["id"] for v in axe_violations(page)}
    assert "link-name" in ids


@pytest.mark.parametrize("kind", ["home", "pact", "news"])
def test_every_interactive_element_is_reachable_by_tab_and_visibly_focused(
    page: Page, example_served: str, kind: str
) -> None:
    page.goto(example_served + PAGE_KINDS[kind])
    expected = page.evaluate(
        f"""() => {{
            // what a visitor can see: the header's menu buttons are hidden on a wide screen
            const all = [...document.querySelectorAll(`{FOCUSABLE}`)]
                .filter(el => el.checkVisibility());
            all.forEach((el, i) => {{ el.dataset.tabStop = String(i); }});
            return all.length;
        }}"""
    )
    reached: list[str] = []
    for _ in range(expected):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
                const el = document.activeElement;
                const focusedStyle = getComputedStyle(el);
                const box = el.getBoundingClientRect();
                return {
                    id: el.dataset.tabStop + ' ' + el.outerHTML.slice(0, 100),
                    indicator: (focusedStyle.outlineStyle !== 'none'
                                && parseFloat(focusedStyle.outlineWidth) >= 2
                                && focusedStyle.outlineColor !== 'rgba(0, 0, 0, 0)')
                               || focusedStyle.boxShadow !== 'none',
                    visible: box.width > 0 && box.height > 0 && box.bottom > 0,
                };
            }"""
        )
        assert focused["indicator"], f"no visible focus on {focused['id']}"
        assert focused["visible"], f"focused element is off screen: {focused['id']}"
        reached.append(focused["id"])
    assert len(set(reached)) == expected
    assert "skip-link" in reached[0]


def test_skip_link_moves_focus_to_the_main_content(page: Page, example_served: str) -> None:
    page.goto(example_served + "/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "ps_inhalt"


@pytest.mark.parametrize("kind", sorted(PAGE_KINDS))
def test_pages_fit_a_320_pixel_screen_without_sideways_scrolling(
    page: Page, example_served: str, kind: str
) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(example_served + PAGE_KINDS[kind])
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
