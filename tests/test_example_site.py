"""The example network of the seed texts builds into a complete German site."""

from __future__ import annotations

from pathlib import Path

from pactsite.render.hyphenate import SOFT_HYPHEN

from conftest import REPOSITORY, parse_page, run_pactsite

PACTS = ["altmark", "halle", "ihk-halle-dessau", "magdeburg", "merseburg-querfurt", "worms"]
PRESS_NOTE = "pakte/halle/aktuelles/schaffung-und-sicherung-neuer-arbeitsplaetze/index.html"


def _texts(page: Path, xpath: str) -> list[str]:
    return [
        " ".join(el.text_content().replace(SOFT_HYPHEN, "").split())
        for el in parse_page(page).xpath(xpath)
    ]


def test_home_shows_all_pacts_latest_news_projects_and_events(example_build: Path) -> None:
    home = parse_page(example_build / "index.html")
    pact_links = home.xpath("//main//ul[@class='pact-grid']//a/@href")
    assert pact_links == [f"/pakte/{key}/" for key in PACTS]
    news = _texts(example_build / "index.html", "//section[@aria-labelledby='ps_news']//h3")
    assert news == ["Schaffung und Sicherung neuer Arbeitsplätze"]
    running = home.xpath("//section[@aria-labelledby='ps_projects']//h3/a/@href")
    assert len(running) == 6
    assert "/pakte/altmark/termine/treffen/" in home.xpath(
        "//section[@aria-labelledby='ps_events']//a/@href"
    )


def test_every_pact_has_a_profile_in_the_network_navigation(example_build: Path) -> None:
    for key in PACTS:
        page = parse_page(example_build / "pakte" / key / "index.html")
        current = page.xpath("//nav[@class='network-nav']//a[@aria-current='page']/@href")
        assert current == [f"/pakte/{key}/"]


def test_the_network_navigation_marks_the_pact_of_every_page_and_no_other(
    example_build: Path,
) -> None:
    marked = "//nav[@class='network-nav']//a[@aria-current]"
    for key in PACTS:
        for page_file in sorted((example_build / "pakte" / key).rglob("index.html")):
            links = parse_page(page_file).xpath(marked)
            assert [(a.get("href"), a.get("aria-current")) for a in links] == [
                (f"/pakte/{key}/", "page" if page_file.parent.name == key else "true")
            ], page_file
    assert parse_page(example_build / "index.html").xpath(marked) == []
    assert parse_page(example_build / "aktuelles/index.html").xpath(marked) == []


def test_so_wirts_profile_has_members_funders_join_and_website(example_build: Path) -> None:
    page = example_build / "pakte/worms/index.html"
    assert _texts(page, "//section[@aria-labelledby='ps_members']/h3") == [
        "Agenturen und Jobcenter"
    ]
    funders = _texts(page, "//section[@aria-labelledby='ps_funders']//li")
    assert "Europäischer Sozialfonds" in funders
    join = _texts(page, "//section[@aria-labelledby='ps_join']")[0]
    assert "offen für neue Mitwirkende" in join
    assert "https://worms.example.org/" in parse_page(page).xpath("//dl//a/@href")


def test_so_wirts_project_runs_from_july_2005_to_december_2007(example_build: Path) -> None:
    page = example_build / "pakte/worms/projekte/so-wirts/index.html"
    meta = _texts(page, "//header/p[@class='entry-meta']")[0]
    assert meta == "abgeschlossen · So_WirtS! Worms · 1. Juli 2005 bis 31. Dezember 2007"
    facts = dict(
        zip(
            _texts(page, "//dl[@class='facts']//dt"),
            _texts(page, "//dl[@class='facts']//dd"),
            strict=True,
        )
    )
    assert facts["Förderung"] == "EU-Gemeinschaftsinitiative EQUAL"


def test_press_note_is_dated_german_and_links_resolve(example_build: Path) -> None:
    page = example_build / PRESS_NOTE
    assert _texts(page, "//p[@class='entry-meta']/time") == ["22. Oktober 2002"]
    hrefs = parse_page(page).xpath("//div[@class='prose']//a/@href")
    assert "/pakte/halle/termine/erfahrungsaustausch/" in hrefs
    assert "/pakte/altmark/termine/treffen/#ort" in hrefs
    assert "/pakte/altmark/" in hrefs


def test_projects_cover_all_five_sectors_and_the_local_capital_fund(example_build: Path) -> None:
    sectors = ["ikt", "biotechnologie", "chemie", "automobil", "landwirtschaft"]
    for sector in sectors:
        projects = _texts(example_build / "branchen" / sector / "index.html", "//main//article//h3")
        assert projects, sector
    project_pages = list((example_build / "pakte").glob("*/projekte/*/index.html"))
    assert len(project_pages) >= 7
    funded = [p for p in project_pages if "Lokales Kapital für soziale Zwecke" in p.read_text()]
    assert len(funded) >= 2


def test_network_pages_are_linked_from_every_footer(example_build: Path) -> None:
    footer = parse_page(example_build / "404.html").xpath("//footer//a/@href")
    assert footer == [
        "/ueber-uns/",
        "/leichte-sprache/",
        "/impressum/",
        "/datenschutz/",
        "/barrierefreiheit/",
    ]


def test_the_draft_appears_only_with_drafts(example_build: Path, tmp_path: Path) -> None:
    draft = "pakte/altmark/aktuelles/einladung-treffen-altmark/index.html"
    assert not (example_build / draft).exists()
    out = tmp_path / "with-drafts"
    run = run_pactsite("build", "--site", str(REPOSITORY), "--output", str(out), "--drafts")
    assert run.exit_code == 0, run.stderr
    assert (out / draft).is_file()


def test_example_site_checks_clean() -> None:
    run = run_pactsite("check", "--site", str(REPOSITORY))
    assert run.exit_code == 0, run.stderr
    assert run.output.strip() == "ok: 6 pacts, 18 entries, 0 warning(s)"


def test_example_site_builds_byte_identically_twice(example_build: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert run_pactsite("build", "--site", str(REPOSITORY), "--output", str(again)).exit_code == 0
    first = {
        p.relative_to(example_build): p.read_bytes()
        for p in example_build.rglob("*")
        if p.is_file()
    }
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    assert first == second
