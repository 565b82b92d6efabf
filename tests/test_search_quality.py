"""Search quality: a table of what visitors type and the pages they must get, asked in Chromium
of the real index of the built example network (and of a tiny site for compounds).

Each row: the query, what it proves, pages that must be among the results, and the page that
must come first (or None). The words are those of the example content and of site.yaml's
vocabularies (sectors, funds, target groups).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from test_accessibility import axe_violations
from test_search import Build, _asked, _served_minimal, all_result_urls, search

CHEMIE_PROJECT = "/pakte/merseburg-querfurt/projekte/qualifizierung-chemie/"
IKT_PROJECT = "/pakte/magdeburg/projekte/qualifizierung-ikt/"
KMU_PROJECT = "/pakte/halle/projekte/qualifizierung-beschaeftigte-kmu/"
NEWS = "/pakte/halle/aktuelles/schaffung-und-sicherung-neuer-arbeitsplaetze/"
KLEINST = {
    "/pakte/halle/projekte/kleinstprojekte-halle/",
    "/pakte/altmark/projekte/kleinstprojekte-altmark/",
}

TABLE: list[tuple[str, str, set[str], str | None]] = [
    # the keys and labels of the vocabularies find their page and what is tagged with them
    ("Chemie", "sector key", {"/branchen/chemie/", CHEMIE_PROJECT}, "/branchen/chemie/"),
    ("chemische Industrie", "sector label", {"/branchen/chemie/", CHEMIE_PROJECT}, None),
    ("IKT", "sector key", {"/branchen/ikt/", IKT_PROJECT}, "/branchen/ikt/"),
    ("Kommunikationstechnologie", "word of a label", {"/branchen/ikt/", IKT_PROJECT}, None),
    ("Automobilbranche", "sector label", {"/branchen/automobil/"}, "/branchen/automobil/"),
    ("KMU", "target group key", {"/projekte/zielgruppe/kmu/", KMU_PROJECT}, None),
    ("Arbeitslose", "target group", {"/projekte/zielgruppe/arbeitslose/", CHEMIE_PROJECT}, None),
    ("EQUAL", "fund key", {"/foerderung/equal/", "/pakte/worms/projekte/so-wirts/"}, None),
    ("lokales-kapital", "fund key as typed", {"/foerderung/lokales-kapital/", *KLEINST}, None),
    ("Lokales Kapital", "fund label", {"/foerderung/lokales-kapital/", *KLEINST}, None),
    (
        "Förderung",
        "what a fund page is",
        {"/foerderung/equal/", "/foerderung/lokales-kapital/"},
        None,
    ),
    ("Branchen", "what a sector page is", {"/branchen/chemie/", "/branchen/ikt/"}, None),
    ("Zielgruppe", "what a target group page is", {"/projekte/zielgruppe/kmu/"}, None),
    # plurals and other forms
    ("Projekten", "a form not in the site", {CHEMIE_PROJECT, IKT_PROJECT}, None),
    ("Pakte", "plural", {"/pakte/halle/", "/pakte/worms/", "/pakte/"}, None),
    ("Arbeitslosen", "inflected", {"/projekte/zielgruppe/arbeitslose/", CHEMIE_PROJECT}, None),
    ("Lösungsstrategie", "singular of a plural", {NEWS}, NEWS),
    ("Initiativen", "plural of a word of the site", {"/pakte/halle/"}, None),
    # a word still being typed, and the whole word
    ("Chem", "beginning", {"/branchen/chemie/", CHEMIE_PROJECT}, None),
    ("Chemi", "beginning", {"/branchen/chemie/", CHEMIE_PROJECT}, None),
    ("Qualifi", "beginning", {CHEMIE_PROJECT, IKT_PROJECT, KMU_PROJECT}, None),
    # parts of compounds
    ("Partnerschaft", "in Entwicklungspartnerschaft", {"/pakte/worms/"}, None),
    ("Kammer", "in Handelskammer", {"/pakte/ihk-halle-dessau/"}, None),
    ("Markt", "in Arbeitsmarkt", {"/pakte/worms/"}, None),
    # one typo in a word of five letters or more
    ("Qualifiziereng", "a letter wrong", {CHEMIE_PROJECT, IKT_PROJECT}, None),
    ("Magdebrug", "two letters swapped", {"/pakte/magdeburg/"}, "/pakte/magdeburg/"),
    ("Biotechnolgie", "a letter missing", {"/branchen/biotechnologie/"}, None),
    ("Altmarkk", "a letter too many", {"/pakte/altmark/"}, None),
    ("Qaulifizierung", "swapped among the first three", {CHEMIE_PROJECT}, None),
    ("Kualifizierung", "the first letter wrong", {CHEMIE_PROJECT}, None),
    ("Maddeburg", "the third letter wrong", {"/pakte/magdeburg/"}, "/pakte/magdeburg/"),
    ("Mgdeburg", "one of the first letters missing", {"/pakte/magdeburg/"}, None),
    ("Beschaeftigung", "ae for ä", {"/pakte/worms/projekte/so-wirts/"}, None),
    # overviews, events, pact profiles with their members
    ("Veranstaltungen", "other name of an overview", {"/termine/"}, "/termine/"),
    ("Nachrichten", "other name of an overview", {"/aktuelles/"}, "/aktuelles/"),
    ("Projekte", "an overview", {"/projekte/"}, None),
    ("Erfahrungsaustausch", "an event", {"/pakte/halle/termine/erfahrungsaustausch/"}, None),
    ("Arbeitsagentur", "a member", {"/pakte/worms/"}, "/pakte/worms/"),
    ("Handelskammer", "a member", {"/pakte/ihk-halle-dessau/"}, "/pakte/ihk-halle-dessau/"),
    ("Merseburg", "a pact's name", {"/pakte/merseburg-querfurt/", CHEMIE_PROJECT}, None),
    ("Qualifizierung Magdeburg", "two words", {IKT_PROJECT}, None),
]


@pytest.mark.parametrize(("query", "proves", "pages", "first"), TABLE, ids=[r[0] for r in TABLE])
def test_a_query_finds_the_pages_a_visitor_expects(
    page: Page, example_served: str, query: str, proves: str, pages: set[str], first: str | None
) -> None:
    search(page, example_served, query)
    found = all_result_urls(page)
    assert pages <= set(found), f"{query} ({proves}): missing {pages - set(found)}"
    if first is not None:
        assert found[0] == first, f"{query} ({proves})"


def test_the_pages_found_while_typing_stay_when_the_word_is_complete(
    page: Page, example_served: str
) -> None:
    """Typing "Chem" showed three results that vanished with "Chemie"."""
    page.goto(example_served + "/suche/")
    field = page.get_by_label("Suchbegriff")
    for typed in ("Che", "Chem", "Chemi", "Chemie"):
        field.fill(typed)
        expect(page.get_by_role("status")).to_contain_text(f"„{typed}“")
        expect(page.locator(f"#ps_search_results a[href='{CHEMIE_PROJECT}']")).to_have_count(1)


def test_a_typo_says_what_was_searched_instead(page: Page, example_served: str) -> None:
    search(page, example_served, "Qualifiziereng")
    status = page.get_by_role("status")
    expect(status).to_have_text(
        re.compile(r"^Ergebnisse für „Qualifizierung“ \(\d+ Treffer\) – „Qualifiziereng“ kommt")
    )
    expect(page.locator("#ps_search_results mark").first).to_have_text(
        re.compile("^Qualifizierung", re.IGNORECASE)
    )
    assert page.url.endswith("?q=Qualifiziereng"), "the address keeps what was typed"


def test_a_short_word_is_not_taken_for_another_but_offered(page: Page, example_served: str) -> None:
    """Four letters are too few to guess: "Pakz" gives no result and offers "pakt"."""
    search(page, example_served, "Pakz")
    expect(page.get_by_role("status")).to_have_text("Keine Treffer für „Pakz“.")
    offer = page.locator("#ps_search_suggest")
    expect(offer).to_be_visible()
    expect(offer).to_contain_text("Meinten Sie:")
    offer.get_by_role("link", name="pakt", exact=True).click()
    expect(page.get_by_label("Suchbegriff")).to_have_value("pakt")
    expect(page.locator("#ps_search_results a[href='/pakte/halle/']")).to_have_count(1)
    expect(page.locator("#ps_search_help")).to_be_hidden()


def test_two_typos_are_not_forgiven_but_the_nearest_word_is_offered(
    page: Page, example_served: str
) -> None:
    search(page, example_served, "Qualifizirungg")
    expect(page.get_by_role("status")).to_have_text("Keine Treffer für „Qualifizirungg“.")
    expect(page.locator("#ps_search_suggest a")).to_have_text(["qualifizierung"])


def test_words_without_a_common_page_are_offered_alone(page: Page, example_served: str) -> None:
    search(page, example_served, "Automobilbranche Worms")
    expect(page.get_by_role("status")).to_have_text("Keine Treffer für „Automobilbranche Worms“.")
    expect(page.locator("#ps_search_suggest a")).to_have_text(["automobilbranche", "worms"])


def test_no_result_leads_to_the_overviews(page: Page, example_served: str) -> None:
    search(page, example_served, "Xylophonorchester")
    expect(page.get_by_role("status")).to_have_text("Keine Treffer für „Xylophonorchester“.")
    help_ = page.locator("#ps_search_help")
    expect(help_).to_be_visible()
    expect(page.locator("#ps_search_suggest")).to_be_hidden()  # no word of the site is near
    links = [str(a.get_attribute("href")) for a in help_.get_by_role("link").all()]
    assert {"/pakte/", "/aktuelles/", "/projekte/", "/termine/"} <= set(links)
    page.get_by_label("Suchbegriff").fill("Chemie")
    expect(page.locator("#ps_search_results > li").first).to_be_visible()
    expect(help_).to_be_hidden()


COMPOUNDS = "Der Chemiestandort Leuna wächst. Die Chemiestandorte der Region werben gemeinsam."


def test_a_part_of_a_compound_finds_it(
    chromium: Browser, build_minimal: Build, minimal_site: Path
) -> None:
    out = _served_minimal(minimal_site, build_minimal, {"2002-10-22-erste-meldung.md": COMPOUNDS})
    for query in ("Standort", "Standorte", "standorten"):
        with _asked(chromium, out, query) as page:
            result = page.locator("#ps_search_results > li")
            expect(result).to_have_count(1)
            expect(result.locator("mark").first).to_have_text(re.compile("^Chemiestandort"))


def test_a_part_of_three_letters_is_no_part(
    chromium: Browser, build_minimal: Build, minimal_site: Path
) -> None:
    """ "Ort" would find "Sport" and "Export": a compound's last part has four letters or more.
    (The minimal site's event has a heading "Ort".)"""
    out = _served_minimal(minimal_site, build_minimal, {"2002-10-22-erste-meldung.md": COMPOUNDS})
    with _asked(chromium, out, "Ort") as page:
        result = page.locator("#ps_search_results > li")
        expect(result).to_have_count(1)
        expect(result.locator("h2")).to_have_text("Treffen in Alpha")
        expect(page.locator("#ps_search_results mark")).to_have_text(["Ort"])


def test_no_result_with_its_offers_has_no_axe_violation(
    chromium: Browser, example_served: str
) -> None:
    context = chromium.new_context(bypass_csp=True)  # axe-core is injected as inline script
    page = context.new_page()
    page.goto(example_served + "/suche/?q=Pakz")
    expect(page.locator("#ps_search_suggest a").first).to_be_visible()
    violations = axe_violations(page)
    context.close()
    assert violations == []
