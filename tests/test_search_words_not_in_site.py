"""Search (/suche/) for words the site does not contain: no results, never those of a shorter word.

Pagefind, which the site used before, answered a word that was not in its index with the pages
of the longest indexed word the query began with ("Ausbildung" gave the pages with "aus"), and
left such a word out of a query of several words. The search page must say "no results" instead,
and find every page with the words of the site it is asked for.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect
from test_search import all_result_urls, expected_urls, index_requests, search, site_pages

from conftest import REPOSITORY

ABSENT = "Ausbildung"
"""A word that no content file holds, whose beginning "aus" is in many pages."""


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


def test_telling_an_absent_word_loads_its_words_file_and_no_page(
    page: Page, example_served: str
) -> None:
    """On a phone, a typo must not fetch the texts of the pages that have a shorter word."""
    with index_requests(page) as paths:
        search(page, example_served, ABSENT)
        expect(page.get_by_role("status")).to_have_text(f"Keine Treffer für „{ABSENT}“.")
    assert not [p for p in paths if p.startswith("seiten/")], paths
    # its own words file, the one of the compounds ending like it, and those of the words it
    # is with one of its first three letters left out or two of them swapped (nearest words)
    assert (
        {"meta.json", "w/aus.json", "e/ung.json"}
        <= set(paths)
        <= {
            "meta.json",
            "w/aus.json",
            "e/ung.json",
            "w/usb.json",
            "w/asb.json",
            "w/aub.json",
            "w/uas.json",
            "w/asu.json",
        }
    ), paths


def test_a_word_not_in_the_site_empties_a_query_of_several_words(
    page: Page, example_served: str
) -> None:
    query = f"Qualifizierung {ABSENT}"
    search(page, example_served, query)
    expect(page.get_by_role("status")).to_have_text(f"Keine Treffer für „{query}“.")
    expect(page.locator("#ps_search_results")).to_be_hidden()


def test_a_word_of_the_site_finds_every_page_with_it_or_a_word_it_begins(
    page: Page, example_build: Path, example_served: str
) -> None:
    search(page, example_served, "Qualifizierung")
    expected = expected_urls(example_build, "Qualifizierung")
    assert len(expected) > 10
    assert sorted(all_result_urls(page)) == sorted(expected)


def test_an_inflected_form_finds_the_pages_with_the_other_form(
    page: Page, example_build: Path, example_served: str
) -> None:
    search(page, example_served, "Projekte")
    assert sorted(all_result_urls(page)) == sorted(expected_urls(example_build, "Projekte"))
    marks = page.locator("#ps_search_results mark").all_inner_texts()
    assert "Projekt" in marks, "a page with only the singular"


def test_several_words_of_the_site_find_the_pages_with_all_of_them(
    page: Page, example_build: Path, example_served: str
) -> None:
    query = "Qualifizierung Halle"
    search(page, example_served, query)
    expected = expected_urls(example_build, query)
    assert 1 < len(expected) < len(expected_urls(example_build, "Qualifizierung"))
    assert sorted(all_result_urls(page)) == sorted(expected)
    expect(page.locator("#ps_search_results > li").first).to_contain_text("Halle")


def test_a_word_still_being_typed_finds_the_words_it_begins(
    page: Page, example_served: str
) -> None:
    search(page, example_served, "Lösungsstr")
    results = page.locator("#ps_search_results > li")
    expect(results).to_have_count(1)
    expect(results.first.locator("mark")).to_have_text("Lösungsstrategien")


def test_two_letters_are_a_whole_word_not_a_beginning(
    page: Page, example_build: Path, example_served: str
) -> None:
    site_words = set().union(*site_pages(example_build).values())
    assert "pr" not in site_words and any(w.startswith("pr") for w in site_words)
    search(page, example_served, "PR")
    expect(page.get_by_role("status")).to_have_text("Keine Treffer für „PR“.")
