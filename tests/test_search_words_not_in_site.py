"""Search (/suche/) for words the site does not contain: no results, never those of a shorter word.

Pagefind answers a word that is not in its index with the pages of the longest indexed word the
query begins with ("Ausbildung" gives the pages with "aus"), and leaves such a word out of a
query of several words. The search page must say "no results" instead.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from conftest import REPOSITORY

ABSENT = "Ausbildung"
"""A word that no content file holds, whose beginning "aus" is in many pages."""


def search(page: Page, base: str, query: str) -> None:
    """Type a query into the search page and wait for its live count."""
    page.goto(base + "/suche/")
    page.get_by_label("Suchbegriff").fill(query)
    expect(page.get_by_role("status")).to_contain_text(f"„{query}“")


def pagefind_count(page: Page, query: str) -> int:
    """How many pages Pagefind itself returns for the query, unchecked."""
    count: int = page.evaluate(
        """async (query) => {
            const pagefind = await import("/pagefind/pagefind.js");
            return (await pagefind.search(query)).results.length;
        }""",
        query,
    )
    return count


def shown_count(page: Page) -> int:
    """The number of results the status line announces ("12 Treffer für ...")."""
    first = page.get_by_role("status").inner_text().split()[0]
    return 0 if first == "Keine" else int(first)


def test_the_absent_word_is_in_no_content_file_but_its_beginning_is() -> None:
    texts = [
        p.read_text(encoding="utf-8").casefold()
        for p in (REPOSITORY / "content").rglob("*")
        if p.is_file() and p.suffix in {".md", ".yaml"}
    ]
    assert not any(ABSENT[:7].casefold() in text for text in texts)
    assert any(" aus " in text for text in texts)


def test_a_word_not_in_the_site_finds_nothing(page: Page, example_served: str) -> None:
    search(page, example_served, ABSENT)
    expect(page.get_by_role("status")).to_have_text(f"Keine Treffer für „{ABSENT}“.")
    expect(page.locator("#ps_search_results")).to_be_hidden()
    expect(page.locator("#ps_search_more")).to_be_hidden()


def test_telling_an_absent_word_loads_the_text_of_one_page_only(
    page: Page, example_served: str
) -> None:
    """On a phone, a typo must not fetch the texts of every page that has a shorter word."""
    fragments: list[str] = []
    page.on("request", lambda r: fragments.append(r.url) if ".pf_fragment" in r.url else None)
    search(page, example_served, ABSENT)
    expect(page.get_by_role("status")).to_have_text(f"Keine Treffer für „{ABSENT}“.")
    assert len(fragments) == 1, fragments


def test_pagefind_itself_gives_the_pages_of_a_shorter_word(page: Page, example_served: str) -> None:
    """The reason for the check in suche.js; once Pagefind stops doing this, it can go."""
    page.goto(example_served + "/suche/")
    assert pagefind_count(page, ABSENT) > 0
    assert pagefind_count(page, f"Qualifizierung {ABSENT}") > 0


def test_a_word_not_in_the_site_empties_a_query_of_several_words(
    page: Page, example_served: str
) -> None:
    query = f"Qualifizierung {ABSENT}"
    search(page, example_served, query)
    expect(page.get_by_role("status")).to_have_text(f"Keine Treffer für „{query}“.")
    expect(page.locator("#ps_search_results")).to_be_hidden()


def test_a_word_of_the_site_keeps_all_of_pagefinds_results(page: Page, example_served: str) -> None:
    search(page, example_served, "Qualifizierung")
    expect(page.locator("#ps_search_results > li").first).to_be_visible()
    assert shown_count(page) == pagefind_count(page, "Qualifizierung") > 10


def test_an_inflected_form_finds_the_pages_with_the_other_form(
    page: Page, example_served: str
) -> None:
    search(page, example_served, "Projekte")
    expect(page.locator("#ps_search_results > li").first).to_be_visible()
    assert shown_count(page) == pagefind_count(page, "Projekte")
    page.locator("#ps_search_more").click()
    marks = page.locator("#ps_search_results mark").all_inner_texts()
    assert "Projekt" in marks, "a page with only the singular"


def test_several_words_of_the_site_find_the_pages_with_all_of_them(
    page: Page, example_served: str
) -> None:
    search(page, example_served, "Qualifizierung Halle")
    results = page.locator("#ps_search_results > li")
    expect(results.first).to_be_visible()
    assert shown_count(page) == pagefind_count(page, "Qualifizierung Halle") > 1
    expect(results.first).to_contain_text("Halle")


def test_a_word_still_being_typed_finds_the_words_it_begins(
    page: Page, example_served: str
) -> None:
    search(page, example_served, "Lösungsstr")
    results = page.locator("#ps_search_results > li")
    expect(results).to_have_count(1)
    expect(results.first.locator("mark")).to_have_text("Lösungsstrategien.")
