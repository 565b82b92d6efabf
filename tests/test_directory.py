"""The project directory: facets with counts, static facet pages, the filter, open data."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from test_accessibility import axe_violations

from conftest import parse_page, run_pactsite

PROJECTS = 9


def _titles(page: Path) -> list[str]:
    return [
        " ".join(a.text_content().split())
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
        " ".join(li.xpath("a")[0].text_content().split()): li.xpath("span")[0].text_content()
        for li in page.xpath("//nav[@class='facets']//li")
    }
    assert counts["laufend"].startswith("(8")
    assert counts["geplant"].startswith("(0")
    assert counts["Lokales Kapital für soziale Zwecke"].startswith("(2")


def test_fund_page_totals_budgets_per_pact_and_says_what_is_missing(example_build: Path) -> None:
    page = parse_page(example_build / "foerderung/lokales-kapital/index.html")
    rows = [
        [c.text_content().strip() for c in tr.xpath("th|td")]
        for tr in page.xpath("//table[@class='budget-table']//tr")
    ]
    assert ["BIB Halle", "10.000 Euro"] in rows
    assert ["Summe", "10.000 Euro"] in rows
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
    return page.locator("#projekt-liste > li:not([hidden]) h2").all_inner_texts()


def test_choosing_two_facets_narrows_the_list_and_updates_url_and_count(
    page: Page, example_served: str
) -> None:
    page.goto(example_served + "/projekte/")
    assert page.locator("#projekt-anzahl").inner_text() == f"{PROJECTS} von {PROJECTS} Projekten"
    page.get_by_role("checkbox", name="Lokales Kapital für soziale Zwecke (2)").check()
    page.get_by_role("checkbox", name="Altmark (2)").check()
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
    assert page.get_by_role("checkbox", name="Altmark (2)").is_checked()
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
    page.get_by_role("link", name="Chemische Industrie").first.click()
    assert page.url.endswith("/projekte/branche/chemie/")
    assert _visible_titles(page) == ["Qualifizierung für Arbeitslose in der Chemischen Industrie"]
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
