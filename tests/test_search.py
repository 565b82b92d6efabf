"""Search (/suche/): the search page in Chromium, over the index built with the site."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, Page, Request, expect
from test_accessibility import axe_violations

from pactsite.outputs.search.text import fold, stem, words_of

from conftest import REPOSITORY, Run, parse_page
from static_server import netlify_headers, serve

Build = Callable[..., tuple[Run, Path]]

NEWS_FILE = (
    REPOSITORY
    / "content/pacts/halle/news/2002-10-22-schaffung-und-sicherung-neuer-arbeitsplaetze.md"
)
NEWS_URL = "/pakte/halle/aktuelles/schaffung-und-sicherung-neuer-arbeitsplaetze/"
NEWS_ONLY_WORD = "Lösungsstrategien"
"""A word of the Halle press note's body and of no other content file."""


ENDINGS = ("ern", "em", "en", "er", "es", "e", "n", "s")
LINKS = ("es", "en", "s", "n", "e")


def site_pages(out: Path) -> dict[str, set[str]]:
    """The folded words of each indexed page (its title is in its text), by address: of its
    text, its title, its other names and the terms of what it is about."""
    pages = {}
    for path in (out / "suchindex/seiten").glob("*.json"):
        page = json.loads(path.read_text(encoding="utf-8"))
        texts = (page["text"], page["title"], page["names"], page["terms"])
        pages[page["url"]] = set().union(*(words_of(text) for text in texts))
    return pages


def _without_endings(word: str) -> list[str]:
    return [
        word[: -len(end)] for end in ENDINGS if word.endswith(end) and len(word) - len(end) >= 3
    ]


def _compound_stems(word: str, site_words: set[str], site_stems: set[str]) -> set[str]:
    """The stems of the compounds a word ends, as suche.js finds them (see search.py)."""
    parts = {word, *_without_endings(word)} | ({stem(word)} if word in site_words else set())
    found = set()
    for part in (p for p in parts if len(p) >= 4):
        for term in site_stems:
            head = term[: -len(part)]
            if len(term) < 7 or not term.endswith(part) or len(head) < 3:
                continue
            heads = {head, head + "e", head + "en"} | {
                head[: -len(link)] for link in LINKS if head.endswith(link)
            }
            known = any(len(h) >= 3 and (h in site_words or h in site_stems) for h in heads)
            if known or (len(head) >= 4 and len(part) >= 6):
                found.add(term)
    return found


def expected_urls(out: Path, query: str) -> set[str]:
    """The pages a query should find, worked out from the pages' texts, not the index files.

    A query word stands for its own stem and the stems of the site words it begins (3 letters
    or more) or its stem begins (5 letters or more), or else for the stems of the site word
    it is without one German ending and of the words that begins (5 letters or more); and
    for the stems of the compounds it ends. A page is found if it has, for every query word,
    a word of one of those stems. (Words not in the site and typos have their own tests.)
    """
    pages = site_pages(out)
    site_words = set().union(*pages.values())
    site_stems = {stem(w) for w in site_words}
    found = set(pages)
    for word in {w for w in re.findall(r"[^\W_]+", fold(query)) if len(w) >= 2}:
        stems = {
            stem(w) for w in site_words if w == word or (len(word) >= 3 and w.startswith(word))
        }
        own = stem(word)
        if word in site_words and own != word and len(own) >= 5:
            stems |= {stem(w) for w in site_words if w.startswith(own)}
        if not stems:
            for rest in _without_endings(word):
                stems |= {stem(rest)} if rest in site_words else set()
                if len(rest) >= 5:
                    stems |= {stem(w) for w in site_words if w.startswith(rest)}
        stems |= _compound_stems(word, site_words, site_stems)
        found &= {url for url, words in pages.items() if any(stem(w) in stems for w in words)}
    return found


def search(page: Page, base: str, query: str) -> None:
    """Type a query into the search page and wait for its live count."""
    page.goto(base + "/suche/")
    page.get_by_label("Suchbegriff").fill(query)
    expect(page.get_by_role("status")).to_contain_text(f"„{query}“")


def shown_count(page: Page) -> int:
    """The number of results the status line announces ("12 Treffer für ...", or "Ergebnisse
    für „...“ (12 Treffer) ..." for a word taken for another)."""
    status = page.get_by_role("status").inner_text()
    if status.startswith("Ergebnisse"):
        return int(status.split("(", 1)[1].split()[0])
    first = status.split()[0]
    return 0 if first == "Keine" else int(first)


def all_result_urls(page: Page) -> list[str]:
    """The addresses of all results in their order, after asking for more until none are left."""
    results = page.locator("#ps_search_results > li")
    expect(results.first).to_be_visible()
    total = shown_count(page)
    more = page.locator("#ps_search_more")
    while more.is_visible():
        before = results.count()
        more.click()
        expect(results).to_have_count(min(total, before + 10))
    expect(results).to_have_count(total)
    return [str(a.get_attribute("href")) for a in page.locator("#ps_search_results h2 a").all()]


@contextmanager
def index_requests(page: Page) -> Iterator[list[str]]:
    """The paths under /suchindex/ the page requests meanwhile."""
    paths: list[str] = []

    def record(request: Request) -> None:
        path = request.url.split("://", 1)[1].split("/", 1)[1]
        if path.startswith("suchindex/"):
            paths.append(path.removeprefix("suchindex/"))

    page.on("request", record)
    yield paths
    page.remove_listener("request", record)


def test_the_word_of_the_test_occurs_only_in_the_news_body() -> None:
    having = [
        p
        for p in (REPOSITORY / "content").rglob("*")
        if p.is_file()
        and p.suffix in {".md", ".yaml"}
        and NEWS_ONLY_WORD in p.read_text(encoding="utf-8")
    ]
    assert having == [NEWS_FILE]
    assert NEWS_ONLY_WORD in NEWS_FILE.read_text(encoding="utf-8").split("---", 2)[2]


def test_search_page_finds_a_word_that_occurs_only_in_a_news_body(
    page: Page, example_served: str
) -> None:
    page.goto(example_served + "/suche/")
    page.get_by_label("Suchbegriff").type(NEWS_ONLY_WORD)
    results = page.locator("#ps_search_results > li")
    expect(results).to_have_count(1)
    link = results.first.locator("h2 a")
    expect(link).to_have_text("Schaffung und Sicherung neuer Arbeitsplätze")
    assert link.get_attribute("href") == NEWS_URL
    expect(results.first).to_contain_text("Bündnis für Innovation und Beschäftigung Halle")
    expect(results.first.locator("mark")).to_have_text(NEWS_ONLY_WORD)
    excerpt = results.first.locator(".search-result__excerpt").inner_text()
    assert excerpt.startswith("… ") and excerpt.endswith(" …"), "cut around the word"
    assert len(excerpt.split()) == 24 + 2
    expect(page.get_by_role("status")).to_have_text(f"1 Treffer für „{NEWS_ONLY_WORD}“.")
    assert page.url.endswith("?q=" + "L%C3%B6sungsstrategien")


def test_german_stemming_finds_the_plural_by_the_singular(page: Page, example_served: str) -> None:
    page.goto(example_served + "/suche/")
    page.get_by_label("Suchbegriff").fill("Lösungsstrategie")
    expect(page.locator("#ps_search_results a[href='" + NEWS_URL + "']")).to_have_count(1)


def test_no_result_is_announced(page: Page, example_served: str) -> None:
    page.goto(example_served + "/suche/")
    page.get_by_label("Suchbegriff").fill("Xylophonorchester")
    expect(page.get_by_role("status")).to_have_text("Keine Treffer für „Xylophonorchester“.")
    expect(page.locator("#ps_search_results")).to_be_hidden()


def test_a_word_without_a_file_in_the_index_is_no_result_not_an_error(
    page: Page, example_build: Path, example_served: str
) -> None:
    """No site word begins with "xyl", so the index has no file w/xyl.json: the 404 is news."""
    assert not (example_build / "suchindex/w/xyl.json").exists()
    statuses: list[tuple[str, int]] = []
    errors: list[str] = []
    page.on("response", lambda r: statuses.append((r.url.rsplit("/", 2)[-2:][1], r.status)))
    page.on("pageerror", lambda error: errors.append(str(error)))
    search(page, example_served, "Qualifizierung Xylophonorchester")
    expect(page.get_by_role("status")).to_have_text(
        "Keine Treffer für „Qualifizierung Xylophonorchester“."
    )
    assert ("xyl.json", 404) in statuses
    assert errors == []
    page.get_by_label("Suchbegriff").fill("Zusammenkunft")  # the search goes on working
    expect(page.locator("#ps_search_results > li")).to_have_count(1)


def test_an_index_that_cannot_be_loaded_is_announced(page: Page, example_served: str) -> None:
    search_failed = "Die Suche konnte nicht geladen werden. Bitte nutzen Sie die Übersichten."
    results = page.locator("#ps_search_results > li")
    page.goto(example_served + "/suche/")
    page.get_by_label("Suchbegriff").fill("Qualifizierung")
    expect(page.locator("#ps_search_more")).to_be_visible()
    page.route("**/suchindex/w/**", lambda route: route.fulfill(status=500, body="kaputt"))
    page.get_by_label("Suchbegriff").fill("Zusammenkunft")
    expect(page.get_by_role("status")).to_have_text(search_failed)
    expect(page.locator("#ps_search_results")).to_be_hidden()  # no results of before
    expect(page.locator("#ps_search_more")).to_be_hidden()
    page.unroute("**/suchindex/w/**")  # a failed file is fetched again by the next query
    page.get_by_label("Suchbegriff").fill("Zusammenkunft ")
    expect(results).to_have_count(1)


def test_search_works_by_keyboard_alone(page: Page, example_served: str) -> None:
    page.goto(example_served + "/suche/")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "ps_search_q":
            break
    assert page.evaluate("document.activeElement.id") == "ps_search_q"
    page.keyboard.type("Zusammenkunft")
    page.keyboard.press("Enter")
    expect(page.locator("#ps_search_results > li")).to_have_count(1)
    page.keyboard.press("Tab")  # the search button
    page.keyboard.press("Tab")  # the first result
    assert page.evaluate("document.activeElement.getAttribute('href')") == NEWS_URL
    page.keyboard.press("Enter")
    page.wait_for_url("**" + NEWS_URL)


def test_a_query_in_the_address_is_searched_at_once(page: Page, example_served: str) -> None:
    page.goto(example_served + "/suche/?q=Zusammenkunft")
    expect(page.get_by_label("Suchbegriff")).to_have_value("Zusammenkunft")
    expect(page.locator("#ps_search_results > li")).to_have_count(1)


def test_search_page_with_results_has_no_axe_violation(
    chromium: Browser, example_served: str
) -> None:
    context = chromium.new_context(bypass_csp=True)  # axe-core is injected as inline script
    page = context.new_page()
    page.goto(example_served + "/suche/?q=Qualifizierung")
    expect(page.locator("#ps_search_results > li").first).to_be_visible()
    expect(page.locator("#ps_search_more")).to_be_visible()
    violations = axe_violations(page)
    context.close()
    assert violations == []


def test_without_javascript_the_page_points_to_the_overviews(
    chromium: Browser, example_served: str
) -> None:
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(example_served + "/suche/")
    note = page.locator("#ps_search_nojs")
    expect(note).to_be_visible()
    expect(note.get_by_role("link", name="Alle Projekte")).to_have_attribute("href", "/projekte/")
    expect(page.get_by_role("search")).to_be_visible()
    context.close()


def test_excerpts_are_inserted_as_text_not_markup(
    chromium: Browser, build_minimal: Build, minimal_site: Path
) -> None:
    text = "Schnabeltier `<img src=x id=injiziert>` und Schnabeltier."
    out = _served_minimal(minimal_site, build_minimal, {"2002-10-22-erste-meldung.md": text})
    with _asked(chromium, out, "Schnabeltier") as page:
        result = page.locator("#ps_search_results > li")
        expect(result).to_have_count(1)
        expect(result.locator(".search-result__excerpt")).to_contain_text("<img src=x")
        assert page.locator("#injiziert").count() == 0


def test_the_main_navigation_links_the_search(example_build: Path) -> None:
    nav = parse_page(example_build / "index.html").xpath("//nav[@class='main-nav']//a/@href")
    assert "/suche/" in nav


def test_more_results_come_on_request_and_focus_moves_to_the_first_new_one(
    page: Page, example_served: str
) -> None:
    page.goto(example_served + "/suche/?q=Qualifizierung")
    results = page.locator("#ps_search_results > li")
    expect(results).to_have_count(10)
    total = int(page.get_by_role("status").inner_text().split()[0])
    assert total > 10
    page.locator("#ps_search_more").focus()
    page.keyboard.press("Enter")
    expect(results).to_have_count(total)
    eleventh = results.nth(10).locator("a").get_attribute("href")
    assert page.evaluate("document.activeElement.getAttribute('href')") == eleventh
    expect(page.locator("#ps_search_more")).to_be_hidden()


def test_a_query_loads_only_the_files_of_its_words_and_of_the_results_shown(
    page: Page, example_build: Path, example_served: str
) -> None:
    """On a phone, a query must not fetch the index of every word or the text of every page."""
    query = "Qualifizierung Pakt"
    assert len(expected_urls(example_build, query)) > 10
    page.goto(example_served + "/suche/")
    expect(page.locator("#ps_search_nojs")).to_be_hidden()  # meta.json is loaded
    with index_requests(page) as paths:
        page.get_by_label("Suchbegriff").fill(query)
        expect(page.locator("#ps_search_results > li")).to_have_count(10)
        expect(page.get_by_role("status")).to_contain_text(f"„{query}“")
    pages = [p for p in paths if p.startswith("seiten/")]
    words = sorted(p for p in paths if not p.startswith("seiten/"))
    # the files of the words' beginnings, of the compounds ending like them ("akt" for
    # "Pakt", "ier" and "ung" for "Qualifizierung" and its stem), of those compounds
    assert {"w/pak.json", "w/qua.json", "e/akt.json"} <= set(words), words
    assert len(words) == len(set(words)) <= 8, words
    assert len(pages) == len(set(pages)) == 10
    with index_requests(page) as paths:  # the files are loaded once per visit
        page.get_by_label("Suchbegriff").fill("Pakt Qualifizierung")
        expect(page.get_by_role("status")).to_contain_text("„Pakt Qualifizierung“")
        expect(page.locator("#ps_search_results > li")).to_have_count(10)
    assert paths == []


def test_a_form_not_in_the_site_finds_the_pages_of_the_word_without_its_ending(
    page: Page, example_build: Path, example_served: str
) -> None:
    site_words = set().union(*site_pages(example_build).values())
    assert "projektes" not in site_words and "projekt" in site_words
    assert not any(w.startswith("projektes") for w in site_words)
    search(page, example_served, "Projektes")
    assert sorted(all_result_urls(page)) == sorted(expected_urls(example_build, "Projekt"))
    assert "Projekt" in page.locator("#ps_search_results mark").all_inner_texts()


def test_quotes_are_punctuation(page: Page, example_served: str) -> None:
    search(page, example_served, f"„{NEWS_ONLY_WORD}“")
    results = page.locator("#ps_search_results > li")
    expect(results).to_have_count(1)
    assert results.locator("a").get_attribute("href") == NEWS_URL


def _served_minimal(minimal_site: Path, build_minimal: Build, edits: dict[str, str]) -> Path:
    """Build the minimal site with text added to some of its news (file name: text)."""
    for name, text in edits.items():
        news = minimal_site / "content/pacts/alpha/news" / name
        news.write_text(news.read_text(encoding="utf-8") + "\n\n" + text + "\n", encoding="utf-8")
    run, out = build_minimal()
    assert run.exit_code == 0, run.stderr
    return out


@contextmanager
def _asked(chromium: Browser, out: Path, query: str) -> Iterator[Page]:
    """A visitor's tab on the search page of the site built in `out` (served as Netlify
    serves it), with `query` in the address."""
    with serve(out, netlify_headers(REPOSITORY / "netlify.toml")) as base:
        context = chromium.new_context()
        try:
            page = context.new_page()
            page.goto(base + "/suche/?q=" + query)
            yield page
        finally:
            context.close()


def test_a_word_in_the_title_ranks_its_page_first(
    chromium: Browser, build_minimal: Build, minimal_site: Path
) -> None:
    """The title counts thrice: the later page (the higher id) comes first; pages of equal
    score (the word once in the text; the pact page lists the news by title) by id."""
    zweite = minimal_site / "content/pacts/alpha/news/2002-11-01-zweite-meldung.md"
    zweite.write_text(
        zweite.read_text(encoding="utf-8").replace("Zweite Meldung", "Schnabeltier gesichtet"),
        encoding="utf-8",
    )
    out = _served_minimal(
        minimal_site, build_minimal, {"2002-10-22-erste-meldung.md": "Ein Schnabeltier."}
    )
    with _asked(chromium, out, "Schnabeltier") as page:
        links = page.locator("#ps_search_results h2 a")
        expect(links).to_have_count(3)
        assert links.all_inner_texts() == ["Schnabeltier gesichtet", "Erste Meldung", "Pakt Alpha"]
        first = page.locator(".search-result__excerpt").first
        expect(first).to_have_text("Text.")  # the title is shown above, not again


def test_a_word_of_other_letters_than_a_to_z_has_a_file_of_its_own(
    chromium: Browser, build_minimal: Build, minimal_site: Path
) -> None:
    out = _served_minimal(
        minimal_site, build_minimal, {"2002-10-22-erste-meldung.md": "Gruß aus Łódź."}
    )
    assert (out / "suchindex/w" / ("x" + "łod".encode().hex() + ".json")).is_file()
    with _asked(chromium, out, "ŁÓDŹ") as page:
        result = page.locator("#ps_search_results > li")
        expect(result).to_have_count(1)
        expect(result.locator("mark")).to_have_text("Łódź")


def test_a_word_named_like_a_property_of_every_object_is_just_a_word(
    chromium: Browser, build_minimal: Build, minimal_site: Path
) -> None:
    out = _served_minimal(
        minimal_site, build_minimal, {"2002-10-22-erste-meldung.md": "Controlling."}
    )
    assert (out / "suchindex/w/con.json").is_file()
    with _asked(chromium, out, "constructor") as page:
        expect(page.get_by_role("status")).to_have_text("Keine Treffer für „constructor“.")
        page.get_by_label("Suchbegriff").fill("Controlling constructor")
        expect(page.get_by_role("status")).to_have_text(
            "Keine Treffer für „Controlling constructor“."
        )
        page.get_by_label("Suchbegriff").fill("Controlling")
        expect(page.locator("#ps_search_results > li")).to_have_count(1)
