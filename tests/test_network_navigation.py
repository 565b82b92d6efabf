"""The network navigation: every pact while they fit, the page's own pact and the overview after."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import parse_page, run_pactsite

NAV_LINKS = "//nav[@class='network-nav']//a"


def _site_with_pacts(minimal_site: Path, count: int) -> Path:
    """The minimal site with pacts added until it has `count` (it has two: alpha and beta)."""
    for number in range(count - 2):
        folder = minimal_site / "content" / "pacts" / f"pakt-{number:02d}"
        folder.mkdir(parents=True)
        (folder / "pact.yaml").write_text(f"name: Pakt Nummer {number}\n", encoding="utf-8")
    run = run_pactsite("build", "--site", str(minimal_site))
    assert run.exit_code == 0, run.stderr
    return minimal_site / "public"


def _nav(page: Path) -> list[tuple[str, str | None, str]]:
    links = parse_page(page).xpath(NAV_LINKS)
    return [(a.get("href"), a.get("aria-current"), a.text_content().strip()) for a in links]


def test_a_network_of_twelve_pacts_lists_every_pact_on_every_page(minimal_site: Path) -> None:
    public = _site_with_pacts(minimal_site, 12)
    home = _nav(public / "index.html")
    assert len(home) == 12
    assert all(current is None for _, current, _ in home)
    on_alpha = _nav(public / "pakte/alpha/index.html")
    assert len(on_alpha) == 12
    assert [link for link in on_alpha if link[1]] == [("/pakte/alpha/", "page", "Alpha")]


@pytest.mark.parametrize("count", [13, 40])
def test_a_larger_network_names_the_pages_own_pact_and_links_to_all_pacts(
    minimal_site: Path, count: int
) -> None:
    public = _site_with_pacts(minimal_site, count)
    overview = ("/pakte/", None, f"Alle {count} Pakte")
    assert _nav(public / "index.html") == [overview]
    assert _nav(public / "pakte/alpha/index.html") == [
        ("/pakte/alpha/", "page", "Alpha"),
        overview,
    ]
    news = public / "pakte/alpha/aktuelles/erste-meldung/index.html"
    assert _nav(news) == [("/pakte/alpha/", "true", "Alpha"), overview]
    assert _nav(public / "pakte/index.html") == [("/pakte/", "page", f"Alle {count} Pakte")]
    every_pact = parse_page(public / "pakte/index.html").xpath("//main//a/@href")
    assert {f"/pakte/pakt-{n:02d}/" for n in range(count - 2)} <= set(every_pact)
