"""The project directory: facets with counts, static facet pages, the filter, open data."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from test_accessibility import axe_violations
from test_html_validity import _check as nu_html_messages

from pactsite.render.hyphenate import SOFT_HYPHEN

from conftest import FIXTURES, copy_site, parse_page, run_pactsite
from static_server import serve

if TYPE_CHECKING:  # Playwright takes a second to import: only browser tests pay for it
    from playwright.sync_api import Browser, Page

PROJECTS = 9
MANY = 2000
PHONE = {"width": 375, "height": 740}
ARTIFACTS = Path(__file__).parent / "artifacts"


def _titles(page: Path) -> list[str]:
    return [
        " ".join(a.text_content().replace(SOFT_HYPHEN, "").split())
        for a in parse_page(page).xpath("//ul[@id='projekt-liste']//h2/a")
    ]


def test_directory_lists_every_project_by_status_then_title(example_build: Path) -> None:
    titles = _titles(example_build / "projekte/index.html")
    assert len(titles) == PROJECTS
    assert titles[-1].startswith("So_WirtS!")  # the only completed one comes last
    running = titles[:-1]
    assert running == sorted(running, key=lambda t: t.casefold().replace("ä", "a"))


def test_every_facet_value_has_a_static_page_with_its_projects(example_build: Path) -> None:
    chemie = _titles(example_build / "projekte/branche/chemie/index.html")
    assert chemie == ["Qualifizierung für Arbeitslose in der Chemischen Industrie"]
    running = _titles(example_build / "projekte/status/laufend/index.html")
    assert len(running) == PROJECTS - 1
    local = _titles(example_build / "projekte/foerderung/lokales-kapital/index.html")
    assert len(local) == 2
    assert _titles(example_build / "projekte/status/geplant/index.html") == []
    for facet in ("pakt/altmark", "zielgruppe/kmu", "pakt/worms"):
        assert (example_build / "projekte" / facet / "index.html").is_file()


def test_facet_values_show_their_counts(example_build: Path) -> None:
    page = parse_page(example_build / "projekte/index.html")
    counts = {
        " ".join(li.xpath("a|span[@class='facets__none']")[0].text_content().split()): li.xpath(
            "span[@class='count']"
        )[0].text_content()
        for li in page.xpath("//nav[@class='facets']//li")
    }
    assert not page.xpath("//nav[@class='facets']//a[text()='geplant']")  # would list nothing
    assert counts["laufend"].startswith("(8")
    assert counts["geplant"].startswith("(0")
    assert counts["Lokales Kapital für soziale Zwecke"].startswith("(2")


def test_fund_page_totals_budgets_per_pact_and_says_what_is_missing(example_build: Path) -> None:
    page = parse_page(example_build / "foerderung/lokales-kapital/index.html")
    rows = [
        [c.text_content().strip() for c in tr.xpath("th|td")]
        for tr in page.xpath("//table[@class='budget-table']//tr")
    ]
    assert ["BIB Halle", "10.000\xa0Euro"] in rows
    assert ["Summe", "10.000\xa0Euro"] in rows
    assert "1 Projekt ohne Angabe zum Budget ist nicht mitgezählt" in page.text_content()


def test_open_data_json_and_csv_match_the_content(example_build: Path) -> None:
    document = json.loads((example_build / "projekte.json").read_text(encoding="utf-8"))
    records = {r["id"]: r for r in document["projects"]}
    assert len(records) == PROJECTS
    so_wirts = records["worms/projects/so-wirts"]
    assert so_wirts["start"] == "2005-07-01" and so_wirts["end"] == "2007-12-31"
    assert so_wirts["url"] == "https://pakte.example.org/pakte/worms/projekte/so-wirts/"
    assert so_wirts["fund"] == "equal" and so_wirts["status"] == "completed"
    assert set(document["fields"]) == set(so_wirts)
    raw = (example_build / "projekte.csv").read_bytes()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert [r["id"] for r in rows] == sorted(records)
    assert rows[-1]["title"] == so_wirts["title"]
    assert set(rows[0]) == set(so_wirts)


def test_a_network_without_projects_renders_gracefully(minimal_site: Path) -> None:
    (minimal_site / "content/pacts/alpha/projects/qualifizierung.md").unlink()
    run = run_pactsite("build", "--site", str(minimal_site))
    assert run.exit_code == 0, run.stderr
    page = parse_page(minimal_site / "public/projekte/index.html")
    assert "Noch keine Projekte." in page.text_content()
    data = json.loads((minimal_site / "public/projekte.json").read_text(encoding="utf-8"))
    assert data["projects"] == []


@pytest.fixture
def page(chromium: Browser) -> Iterator[Page]:
    context = chromium.new_context()
    yield context.new_page()
    context.close()


def _visible_titles(page: Page) -> list[str]:
    titles = page.locator("#projekt-liste > li:not([hidden]) h2").all_inner_texts()
    return [title.replace(SOFT_HYPHEN, "") for title in titles]


def test_choosing_two_facets_narrows_the_list_and_updates_url_and_count(
    page: Page, example_served: str
) -> None:
    page.goto(example_served + "/projekte/")
    assert page.locator("#projekt-anzahl").inner_text() == f"{PROJECTS} von {PROJECTS} Projekten"
    page.get_by_role("checkbox", name="Lokales Kapital für soziale Zwecke (2)").check()
    page.get_by_role("checkbox", name="Altmark (1)").check()  # 1 with that fund
    assert _visible_titles(page) == [
        "Kleinstprojekte aus dem Lokalen Kapital für soziale Zwecke in der Altmark"
    ]
    assert page.url.endswith("/projekte/?pakt=altmark&foerderung=lokales-kapital")
    assert page.locator("#projekt-anzahl").inner_text() == f"1 von {PROJECTS} Projekten"
    assert page.locator("#projekt-anzahl").get_attribute("role") == "status"
    page.reload()
    assert _visible_titles(page) == [
        "Kleinstprojekte aus dem Lokalen Kapital für soziale Zwecke in der Altmark"
    ]
    assert page.get_by_role("checkbox", name="Altmark (1)").is_checked()
    page.go_back()
    assert len(_visible_titles(page)) == 2


def test_text_filter_and_keyboard_only_use(page: Page, example_served: str) -> None:
    page.goto(example_served + "/projekte/")
    page.locator("#projekt-suche").focus()
    page.keyboard.type("chemischen")
    assert _visible_titles(page) == ["Qualifizierung für Arbeitslose in der Chemischen Industrie"]
    assert "suche=chemischen" in page.url
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.checked") is True


def test_without_javascript_the_facet_pages_work(chromium: Browser, example_served: str) -> None:
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(example_served + "/projekte/")
    assert page.locator("#projekt-filter").is_hidden()
    facet_link = page.locator(".facets").get_by_role("link", name="Chemische Industrie")
    assert facet_link.is_hidden()  # folded away
    page.get_by_text("Filter", exact=True).click()
    facet_link.click()
    assert page.url.endswith("/projekte/branche/chemie/")
    assert _visible_titles(page) == ["Qualifizierung für Arbeitslose in der Chemischen Industrie"]
    assert "(1 aktiv)" in page.locator("#projekt-filterbox > summary").inner_text()
    assert page.locator("#projekt-anzahl").inner_text() == "1 Projekt"
    page.get_by_role("link", name="Chemische Industrie – Filter entfernen").click()
    assert page.url.endswith("/projekte/")
    context.close()


def test_directory_with_filters_open_has_no_serious_axe_violation(
    chromium: Browser, example_served: str
) -> None:
    context = chromium.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(example_served + "/projekte/?branche=chemie&status=laufend")
    serious = [v for v in axe_violations(page) if v["impact"] in ("serious", "critical")]
    context.close()
    assert serious == []


@pytest.fixture
def phone(chromium: Browser) -> Iterator[Page]:
    """A 375×740 phone tab."""
    context = chromium.new_context(viewport=PHONE, device_scale_factor=2, has_touch=True)
    yield context.new_page()
    context.close()


def _in_viewport(page: Page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    assert box is not None
    return box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]


def test_on_a_phone_the_filters_are_folded_and_the_count_stays_in_view_after_a_click(
    phone: Page, example_served: str
) -> None:
    phone.goto(example_served + "/projekte/")
    summary = phone.locator("#projekt-filterbox > summary")
    assert summary.inner_text().strip() == "Filter"
    assert phone.locator("#projekt-filter").is_hidden()  # inside the closed disclosure
    assert _in_viewport(phone, "#projekt-anzahl")
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "directory-375-filters-closed.png"))
    summary.click()
    phone.screenshot(path=str(ARTIFACTS / "directory-375-filters-open.png"))
    box = phone.get_by_role("checkbox", name="Landwirtschaft (1)")
    box.scroll_into_view_if_needed()
    box.check()
    assert phone.locator("#projekt-anzahl").inner_text() == f"1 von {PROJECTS} Projekten"
    assert _in_viewport(phone, "#projekt-anzahl")
    assert _in_viewport(phone, "#projekt-chips")
    assert summary.inner_text().strip() == "Filter (1 aktiv)"
    phone.screenshot(path=str(ARTIFACTS / "directory-375-after-click.png"))
    phone.get_by_role("button", name="Landwirtschaft – Filter entfernen").click()
    assert phone.locator("#projekt-anzahl").inner_text() == f"{PROJECTS} von {PROJECTS} Projekten"
    assert phone.evaluate("document.activeElement.id") == "projekt-anzahl"


def test_facet_counts_follow_the_selection_and_empty_choices_are_disabled(
    page: Page, example_served: str
) -> None:
    page.goto(example_served + "/projekte/")
    assert page.get_by_role("checkbox", name="Chemische Industrie (1)").is_enabled()
    page.get_by_role("checkbox", name="Altmark (2)").check()
    chemistry = page.get_by_role("checkbox", name="Chemische Industrie (0)")
    assert chemistry.is_disabled()  # Altmark has no chemistry project: not offered
    assert page.get_by_role("checkbox", name="Landwirtschaft (1)").is_enabled()
    # within a facet values add up: the other pacts keep their own counts
    assert page.get_by_role("checkbox", name="BIB Halle (2)").is_enabled()
    page.get_by_role("checkbox", name="Lokales Kapital für soziale Zwecke (1)").check()
    assert page.get_by_role("checkbox", name="Landwirtschaft (0)").is_disabled()
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")  # else the sticky count shows where it was
    page.screenshot(path=str(ARTIFACTS / "directory-1280-two-filters.png"), full_page=True)


def test_a_selection_that_finds_nothing_offers_a_reset_link(
    page: Page, example_served: str
) -> None:
    page.goto(example_served + "/projekte/?suche=Raumfahrt")
    empty = page.locator("#projekt-leer")
    assert empty.is_visible()
    assert "Keine Projekte passen zu dieser Auswahl." in empty.inner_text()
    assert page.locator("#projekt-anzahl").inner_text() == f"0 von {PROJECTS} Projekten"
    empty.get_by_role("link", name="Alle Filter zurücksetzen").click()
    assert len(_visible_titles(page)) == PROJECTS
    assert page.url.endswith("/projekte/")
    assert empty.is_hidden()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Chemie", "Qualifizierung für Arbeitslose in der Chemischen Industrie"),
        ("KLEINSTPROJEKT altmark", "Kleinstprojekte aus dem Lokalen Kapital"),
        ("beschaftigten unternehmen", "Qualifizierung von Beschäftigten"),
        ("Kooperationen", "So_WirtS!"),  # a plural the text does not have
        ("Beschäftigungsfrage", "So_WirtS!"),
    ],
)
def test_text_filter_folds_case_and_umlauts_and_finds_plurals(
    page: Page, example_served: str, query: str, expected: str
) -> None:
    page.goto(example_served + "/projekte/")
    page.locator("#projekt-suche").fill(query)
    titles = _visible_titles(page)
    assert len(titles) == 1 and titles[0].startswith(expected), titles


def test_checkboxes_keep_their_size_beside_a_wrapping_label(
    phone: Page, example_served: str
) -> None:
    phone.goto(example_served + "/projekte/")
    phone.locator("#projekt-filterbox > summary").click()
    for box in phone.locator("#projekt-filter input[type=checkbox]").all():
        size = box.bounding_box()
        assert size is not None and size["width"] >= 24 and size["height"] >= 24
    label = phone.locator(".choice", has_text="Kommunikationstechnologie").bounding_box()
    assert label is not None and label["height"] > 40  # it does wrap at this width


@pytest.fixture(scope="module")
def many_projects(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A network of MANY tiny projects in two pacts, built once."""
    site = copy_site(FIXTURES / "minimal", tmp_path_factory.mktemp("many") / "site")
    (site / "content/pacts/alpha/projects/qualifizierung.md").unlink()
    statuses = ("running", "planned", "completed")
    for number in range(MANY):
        pact = "alpha" if number % 2 else "beta"
        folder = site / "content/pacts" / pact / "projects"
        folder.mkdir(parents=True, exist_ok=True)
        sector = "chemie" if number % 5 else "ikt"
        (folder / f"p{number:04}.md").write_text(
            f"---\ntitle: Projekt {number:04}\nstatus: {statuses[number % 3]}\n"
            f"sectors: [{sector}]\n---\nText.\n",
            encoding="utf-8",
        )
    run = run_pactsite("build", "--site", str(site))
    assert run.exit_code == 0, run.stderr
    return site / "public"


@pytest.mark.slow  # builds 2,000 projects
def test_at_two_thousand_projects_every_directory_page_stays_under_300_kb(
    many_projects: Path,
) -> None:
    pages = sorted((many_projects / "projekte").rglob("*.html"))
    sizes = {str(p.relative_to(many_projects)): p.stat().st_size for p in pages}
    assert max(sizes.values()) < 300_000, max(sizes.items(), key=lambda kv: kv[1])
    assert "projekte/seite/2/index.html" in sizes
    assert "projekte/branche/chemie/seite/2/index.html" in sizes
    second = parse_page(many_projects / "projekte/seite/2/index.html")
    assert second.xpath("//head/link[@rel='prev']/@href") == ["/projekte/"]
    assert second.xpath("//head/link[@rel='next']/@href") == ["/projekte/seite/3/"]
    assert second.xpath("//a[@rel='next']/@href") == ["/projekte/seite/3/"]
    assert len(_titles(many_projects / "projekte/seite/2/index.html")) == 50
    cards = json.loads((many_projects / "projekte/karten.json").read_text(encoding="utf-8"))
    assert len(cards["items"]) == MANY


@pytest.mark.slow  # Java
def test_the_pages_of_a_long_directory_pass_the_nu_html_checker(many_projects: Path) -> None:
    pages = [
        many_projects / "projekte" / path / "index.html"
        for path in ("", "seite/2", "seite/40", "branche/ikt/seite/8", "status/geplant")
    ]
    errors = [m for m in nu_html_messages(*pages) if m.get("type") == "error"]
    assert errors == [], errors


def test_on_a_phone_with_filters_open_and_nothing_found_axe_finds_nothing_serious(
    chromium: Browser, example_served: str
) -> None:
    context = chromium.new_context(bypass_csp=True, viewport=PHONE)
    page = context.new_page()
    page.goto(example_served + "/projekte/?pakt=altmark&suche=Raumfahrt")
    page.locator("#projekt-filterbox > summary").click()
    serious = [v for v in axe_violations(page) if v["impact"] in ("serious", "critical")]
    context.close()
    assert serious == []


def test_at_two_thousand_projects_the_filter_works_across_every_page(
    chromium: Browser, many_projects: Path
) -> None:
    context = chromium.new_context(viewport=PHONE)
    page = context.new_page()
    with serve(many_projects) as base:
        page.goto(base + "/projekte/")
        count = page.locator("#projekt-anzahl")
        count.filter(has_text=f"von {MANY} Projekten").wait_for()
        assert count.inner_text() == f"{MANY} von {MANY} Projekten"
        assert page.locator("#projekt-seiten").is_hidden()  # the script shows more instead
        page.locator("#projekt-filterbox > summary").click()
        page.get_by_role("checkbox", name="Informations- und").check()
        assert count.inner_text() == f"{MANY // 5} von {MANY} Projekten"
        page.locator("#projekt-suche").fill("1995")
        assert _visible_titles(page) == ["Projekt 1995"]
        page.goto(base + "/projekte/?branche=ikt&suche=Projekte%201995")  # an address shared
        count.filter(has_text=f"1 von {MANY} Projekten").wait_for()
        assert _visible_titles(page) == ["Projekt 1995"]
    context.close()


def test_without_javascript_the_directory_pages_link_to_each_other(
    chromium: Browser, many_projects: Path
) -> None:
    context = chromium.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    with serve(many_projects) as base:
        page.goto(base + "/projekte/")
        assert page.locator("#projekt-anzahl").inner_text() == f"Projekte 1 bis 50 von {MANY}"
        page.get_by_role("link", name="Nächste Seite").click()
        assert page.url.endswith("/projekte/seite/2/")
        assert _visible_titles(page)[0] != ""
        page.get_by_role("link", name="Vorige Seite").click()
        assert page.url.endswith("/projekte/")
    context.close()
