"""Linking the pacts: backlinks, related pages, the network page and the embeddable bar."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from conftest import REPOSITORY, parse_page, run_pactsite
from static_server import netlify_headers, serve

if TYPE_CHECKING:  # Playwright takes a second to import: only browser tests pay for it
    from playwright.sync_api import Browser

PRESS_NOTE = "/pakte/halle/aktuelles/schaffung-und-sicherung-neuer-arbeitsplaetze/"


def _hrefs(page: Path, xpath: str) -> list[str]:
    return [str(h) for h in parse_page(page).xpath(xpath)]


def test_pages_show_which_pages_link_to_them(example_build: Path) -> None:
    event = example_build / "pakte/altmark/termine/treffen/index.html"
    backlinks = _hrefs(event, "//section[@class='related']//a/@href")
    assert PRESS_NOTE in backlinks
    assert "/pakte/altmark/" in backlinks


def test_related_pages_come_from_other_pacts_by_shared_sectors(example_build: Path) -> None:
    page = example_build / "pakte/magdeburg/projekte/qualifizierung-ikt/index.html"
    related = _hrefs(page, "//section[@class='related']//a/@href")
    assert related[0] == PRESS_NOTE
    assert all(not url.startswith("/pakte/magdeburg/") for url in related)


def test_network_page_draws_the_pacts_and_their_cross_links(example_build: Path) -> None:
    page = parse_page(example_build / "netzwerk/index.html")
    svg = page.xpath("//figure[@class='network-graph']/*[local-name()='svg']")[0]
    assert svg.get("role") == "img" and svg.get("aria-labelledby")
    assert len(svg.xpath(".//*[local-name()='circle']")) == 6
    lines = svg.xpath(".//*[local-name()='line']")
    rows = page.xpath("//table[@class='link-table']/tbody/tr")
    assert len(lines) == len(rows) >= 4
    assert not page.xpath("//script")


def test_the_guide_shows_webmasters_the_two_lines_to_paste(example_build: Path) -> None:
    network = parse_page(example_build / "netzwerk/index.html")
    assert "/hilfe/#leiste-zum-kopieren" in network.xpath("//main//a/@href")
    assert not network.xpath("//main//pre"), "the instructions for webmasters are on /hilfe/"
    help_page = parse_page(example_build / "hilfe/index.html")
    section = help_page.xpath("//section[@aria-labelledby='leiste-zum-kopieren']")[0]
    code = section.xpath(".//pre/code")[0].text_content()
    assert code.splitlines() == [
        '<div id="pakte-leiste" data-pakt="altmark"></div>',
        '<script src="https://pakte.example.org/netzwerk/leiste.js" defer></script>',
    ]


def test_network_data_lists_all_pacts_and_latest_news(example_build: Path) -> None:
    data = json.loads((example_build / "netzwerk/pakte.json").read_text(encoding="utf-8"))
    assert [p["key"] for p in data["pacts"]] == [
        "altmark",
        "halle",
        "ihk-halle-dessau",
        "magdeburg",
        "merseburg-querfurt",
        "worms",
    ]
    assert data["news"][0]["url"] == "https://pakte.example.org" + PRESS_NOTE
    assert (example_build / "netzwerk/leiste.js").stat().st_size < 5 * 1024


def test_cors_lets_other_sites_read_the_network_data() -> None:
    rules = dict(netlify_headers(REPOSITORY / "netlify.toml"))
    assert rules["/netzwerk/pakte.json"]["Access-Control-Allow-Origin"] == "*"


def test_no_js_bar_links_every_pact_out_of_the_frame(example_build: Path) -> None:
    page = parse_page(example_build / "netzwerk/leiste.html")
    links = page.xpath("//nav/ul[1]/li/a")
    assert len(links) == 6
    assert {a.get("target") for a in links} == {"_top"}


THIRD_PARTY = """<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src {origin};
 connect-src {origin}; img-src 'none'; style-src 'none'">
<title>Pakt Altmark (fremde Website)</title></head><body>
<h1>Die eigene Website eines Pakts</h1>
<div id="pakte-leiste" data-pakt="altmark"></div>
<script src="{origin}/netzwerk/leiste.js" defer></script>
</body></html>"""


@pytest.fixture
def third_party_site(tmp_path: Path, example_served: str) -> Iterator[str]:
    (tmp_path / "index.html").write_text(THIRD_PARTY.format(origin=example_served))
    with serve(tmp_path) as base:
        yield base


def test_network_bar_works_on_a_foreign_page_under_a_strict_csp(
    chromium: Browser, third_party_site: str
) -> None:
    page = chromium.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(third_party_site + "/")
    bar = page.locator("#pakte-leiste nav")
    bar.wait_for()
    links = bar.locator("ul").first.locator("a")
    assert links.count() == 6
    assert links.nth(0).get_attribute("aria-current") == "page"
    assert links.nth(1).get_attribute("href", timeout=1000).endswith("/pakte/halle/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('#pakte-leiste') !== null")
    assert focused, "the bar is not reachable by keyboard"
    assert errors == []
    page.close()


def test_aliases_redirect_old_addresses(example_build: Path) -> None:
    redirects = (example_build / "_redirects").read_text(encoding="utf-8").splitlines()
    # forced: the forwarding page is a file at the old address, which Netlify would serve
    assert f"/presse/2002/pakt-fuer-arbeit/ {PRESS_NOTE} 301!" in redirects
    fallback = parse_page(example_build / "presse/2002/pakt-fuer-arbeit/index.html")
    assert fallback.xpath("//meta[@http-equiv='refresh']/@content") == [f"0; url={PRESS_NOTE}"]


def test_files_beside_the_markdown_are_published_and_linked(minimal_site: Path) -> None:
    news = minimal_site / "content/pacts/alpha/news"
    (news / "programm.pdf").write_bytes(b"%PDF-1.4\n")
    page = news / "2002-11-01-zweite-meldung.md"
    page.write_text(page.read_text() + "\n[Programm (PDF)](programm.pdf)\n", encoding="utf-8")
    out = minimal_site / "public"
    assert run_pactsite("build", "--site", str(minimal_site)).exit_code == 0
    hrefs = _hrefs(
        out / "pakte/alpha/aktuelles/zweite-meldung/index.html", "//div[@class='prose']//a/@href"
    )
    assert hrefs == ["/dateien/pacts/alpha/news/programm.pdf"]
    assert (out / "dateien/pacts/alpha/news/programm.pdf").read_bytes() == b"%PDF-1.4\n"


def test_html_shown_as_code_is_text_not_a_link(minimal_site: Path) -> None:
    page = minimal_site / "content/pacts/alpha/news/2002-11-01-zweite-meldung.md"
    code = '`<a href="seite.html">Link</a>` und `<img src="bild.png">`'
    page.write_text(
        page.read_text() + f"\nSo sieht HTML aus: {code}, siehe [Beta](pact:beta).\n",
        encoding="utf-8",
    )
    run = run_pactsite("build", "--site", str(minimal_site))
    assert run.exit_code == 0, run.stderr
    built = parse_page(minimal_site / "public/pakte/alpha/aktuelles/zweite-meldung/index.html")
    assert built.xpath("//main//code/text()") == [
        '<a href="seite.html">Link</a>',
        '<img src="bild.png">',
    ]
    assert built.xpath("//main//p/a/@href")[-1] == "/pakte/beta/"
