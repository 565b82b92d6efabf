"""One news item, project or event in several pacts: written once, shown in each, listed once."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import feedparser
import icalendar

from conftest import parse_page, run_pactsite

ALPHA = "content/pacts/alpha"
BETA = "content/pacts/beta"
NEWS = f"{ALPHA}/news/2002-10-22-erste-meldung.md"
NEWS_URL = "/pakte/alpha/aktuelles/erste-meldung/"
COPY = f"{BETA}/news/2002-10-22-erste-meldung.md"


def _name_pacts(site: Path, path: str, line: str) -> None:
    """Add a front-matter line right after the opening `---`."""
    file = site / path
    text = file.read_text(encoding="utf-8")
    file.write_text(text.replace("---\n", f"---\n{line}\n", 1), encoding="utf-8")


def _build(site: Path) -> tuple[int, str, Path]:
    run = run_pactsite("build", "--site", str(site))
    return run.exit_code, run.stderr, site / "public"


def _warnings(stderr: str) -> list[str]:
    """The warnings of a run besides the minimal site's own (it lacks two BITV pages and its
    addresses are on example.org)."""
    return [
        line
        for line in stderr.splitlines()
        if ": warning: " in line
        and not line.startswith("content/pages:1:")
        and "is an example address" not in line
    ]


def _links(page: Path, url: str) -> int:
    """How often a page lists the entry at `url` (as the title of a card)."""
    return len(parse_page(page).xpath(f"//main//*[@class='card__title']/a[@href='{url}']"))


def _feed_links(path: Path) -> list[str]:
    return [entry.link for entry in feedparser.parse(path.read_bytes()).entries]


def _json_feed_urls(path: Path) -> list[str]:
    return [item["url"] for item in json.loads(path.read_text(encoding="utf-8"))["items"]]


def _news_list_links(out: Path, section: Path) -> int:
    """How often the article is linked across all pages of a paginated news list."""
    pages = [section / "index.html", *sorted(section.glob("seite/*/index.html"))]
    return sum(_links(page, NEWS_URL) for page in pages)


def test_a_news_item_naming_another_pact_is_shown_there_and_listed_once_in_the_network(
    minimal_site: Path,
) -> None:
    _name_pacts(minimal_site, NEWS, "pacts: [beta]")
    code, stderr, out = _build(minimal_site)
    assert code == 0, stderr
    assert _warnings(stderr) == []
    absolute = f"https://test.example.org{NEWS_URL}"
    # the pact it names: profile, news list and its three feeds
    assert _links(out / "pakte/beta/index.html", NEWS_URL) == 1
    assert _news_list_links(out, out / "pakte/beta/aktuelles") == 1
    assert _feed_links(out / "pakte/beta/feed.xml").count(absolute) == 1
    assert _feed_links(out / "pakte/beta/rss.xml").count(absolute) == 1
    assert _json_feed_urls(out / "pakte/beta/feed.json").count(absolute) == 1
    # its own pact keeps it, under its own address
    assert _feed_links(out / "pakte/alpha/feed.xml").count(absolute) == 1
    assert (out / NEWS_URL.strip("/") / "index.html").is_file()
    assert not (out / "pakte/beta/aktuelles/erste-meldung").exists()
    # the network: exactly once in lists, feeds, the sector page and the sitemap
    assert _news_list_links(out, out / "aktuelles") == 1
    assert _feed_links(out / "feed.xml").count(absolute) == 1
    assert _feed_links(out / "rss.xml").count(absolute) == 1
    assert _json_feed_urls(out / "feed.json").count(absolute) == 1
    assert _links(out / "branchen/chemie/index.html", NEWS_URL) == 1
    assert (out / "sitemap.xml").read_text(encoding="utf-8").count(absolute) == 1


def test_the_entry_page_and_its_cards_name_every_pact_it_belongs_to(minimal_site: Path) -> None:
    _name_pacts(minimal_site, NEWS, "pacts: [beta]")
    code, stderr, out = _build(minimal_site)
    assert code == 0, stderr
    page = parse_page(out / "pakte/alpha/aktuelles/erste-meldung/index.html")
    meta = page.xpath("//header/p[@class='entry-meta']//a/@href")
    assert meta == ["/pakte/alpha/", "/pakte/beta/"]
    card = parse_page(out / "pakte/beta/aktuelles/index.html").xpath(
        f"//article[.//a/@href='{NEWS_URL}']//p[@class='card__meta']//a/@href"
    )
    assert card == ["/pakte/alpha/", "/pakte/beta/"]
    assert page.xpath("//main/@data-pact") == ["Pakt Alpha, Pakt Beta"]


def test_a_project_of_two_pacts_is_found_under_both_pact_filters_and_once_in_the_directory(
    minimal_site: Path,
) -> None:
    _name_pacts(minimal_site, f"{ALPHA}/projects/qualifizierung.md", "pacts: [beta]")
    code, stderr, out = _build(minimal_site)
    assert code == 0, stderr
    url = "/pakte/alpha/projekte/qualifizierung/"
    for facet in ("projekte/pakt/alpha", "projekte/pakt/beta", "projekte", "pakte/beta/projekte"):
        assert _links(out / facet / "index.html", url) == 1, facet
    item = parse_page(out / "projekte/index.html").xpath(f"//li[.//a/@href='{url}']")
    assert [li.get("data-pakt") for li in item] == ["alpha beta"]
    facet_counts = parse_page(out / "projekte/index.html").text_content()
    assert "Pakt Beta" in facet_counts
    records = json.loads((out / "projekte.json").read_text(encoding="utf-8"))["projects"]
    assert [r["id"] for r in records].count("alpha/projects/qualifizierung") == 1


def test_an_event_naming_another_pact_is_in_its_calendar_and_once_in_the_network_calendar(
    minimal_site: Path,
) -> None:
    (minimal_site / f"{BETA}/events").mkdir()
    (minimal_site / f"{BETA}/events/2002-11-05-messe.md").write_text(
        "---\ntitle: Messe\nstart: 2002-11-05\npacts: [alpha]\n---\nIn Beta.\n", encoding="utf-8"
    )
    code, stderr, out = _build(minimal_site)
    assert code == 0, stderr

    def uids(path: Path) -> list[str]:
        calendar = icalendar.Calendar.from_ical(path.read_bytes())
        return [str(e["UID"]) for e in calendar.walk("VEVENT")]

    uid = "beta/events/messe@test.example.org"
    assert uids(out / "pakte/alpha/termine.ics").count(uid) == 1
    assert uids(out / "pakte/beta/termine.ics").count(uid) == 1
    assert uids(out / "termine.ics").count(uid) == 1
    assert _links(out / "pakte/alpha/termine/index.html", "/pakte/beta/termine/messe/") == 1
    assert _links(out / "termine/index.html", "/pakte/beta/termine/messe/") == 1


def test_an_unknown_pact_in_pacts_is_an_error_at_its_line_with_the_nearest_name(
    minimal_site: Path,
) -> None:
    _name_pacts(minimal_site, NEWS, "pacts: [betta]")
    run = run_pactsite("check", "--site", str(minimal_site))
    assert run.exit_code == 1
    errors = [line for line in run.stderr.splitlines() if ": error: " in line]
    assert errors == [
        f"{NEWS}:2: error: unknown pact 'betta'; did you mean 'beta'? (known: alpha, beta)"
    ]


def test_naming_its_own_pact_in_pacts_is_a_warning_and_changes_nothing(
    minimal_site: Path,
) -> None:
    _name_pacts(minimal_site, NEWS, "pacts:\n  - beta\n  - alpha")
    code, stderr, out = _build(minimal_site)
    assert code == 0, stderr
    warnings = [line for line in stderr.splitlines() if line.startswith(NEWS)]
    assert warnings == [
        f"{NEWS}:4: warning: 'pacts' names 'alpha', the pact whose folder this file is in; "
        "write the line as 'pacts: [beta]'"
    ]
    assert _news_list_links(out, out / "pakte/alpha/aktuelles") == 1
    assert _news_list_links(out, out / "pakte/beta/aktuelles") == 1


def test_an_identical_copy_in_another_pact_is_a_warning_and_listed_once(
    minimal_site: Path,
) -> None:
    shutil.copy(minimal_site / NEWS, minimal_site / COPY)
    code, stderr, out = _build(minimal_site)
    assert code == 0, stderr
    assert _warnings(stderr) == [
        f"{COPY}:1: warning: {COPY} and {NEWS} are identical copies; the item is listed once, "
        f"at the address of {NEWS}; delete one of them and write the other pact in 'pacts:' "
        f"of the one you keep, e.g. 'pacts: [beta]' in {NEWS}"
    ]
    absolute = f"https://test.example.org{NEWS_URL}"
    copy_url = "/pakte/beta/aktuelles/erste-meldung/"
    assert _news_list_links(out, out / "aktuelles") == 1
    assert _news_list_links(out, out / "pakte/beta/aktuelles") == 1
    assert _news_list_links(out, out / "pakte/alpha/aktuelles") == 1
    assert _news_list_links(out, out / "aktuelles") + _links(out / "index.html", copy_url) == 1
    for feed in ("feed.xml", "rss.xml", "pakte/beta/feed.xml"):
        links = _feed_links(out / feed)
        assert links.count(absolute) == 1 and f"https://test.example.org{copy_url}" not in links
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert sitemap.count(absolute) == 1 and copy_url not in sitemap
    # the copy's address still works: it redirects to the one page
    assert f"{copy_url} {NEWS_URL} 301" in (out / "_redirects").read_text(encoding="utf-8")


def test_the_first_path_wins_and_links_to_the_copy_lead_to_it(minimal_site: Path) -> None:
    """Beta wrote the article, alpha copied it: the kept file is the one whose path sorts
    first (a stable choice; which was written first, the files do not tell)."""
    beta_news = f"{BETA}/news/2003-01-05-dritte-meldung.md"
    shutil.copy(minimal_site / beta_news, minimal_site / f"{ALPHA}/news/dritte-meldung.md")
    note = minimal_site / f"{ALPHA}/news/2002-11-01-zweite-meldung.md"
    note.write_text(
        note.read_text(encoding="utf-8")
        + "\n[Datei](../../beta/news/2003-01-05-dritte-meldung.md), "
        "[kurz](pact:beta/news/dritte-meldung)\n",
        encoding="utf-8",
    )
    code, stderr, out = _build(minimal_site)
    assert code == 0, stderr
    assert _warnings(stderr) == [
        f"{beta_news}:1: warning: {beta_news} and {ALPHA}/news/dritte-meldung.md are identical "
        f"copies; the item is listed once, at the address of {ALPHA}/news/dritte-meldung.md; "
        "delete one of them and write the other pact in 'pacts:' of the one you keep, e.g. "
        f"'pacts: [beta]' in {ALPHA}/news/dritte-meldung.md"
    ]
    kept = "/pakte/alpha/aktuelles/dritte-meldung/"
    page = parse_page(out / "pakte/alpha/aktuelles/zweite-meldung/index.html")
    assert page.xpath("//div[@class='prose']//a/@href") == [kept, kept]
    listed = [
        href
        for page in (out / "aktuelles").rglob("index.html")
        for href in parse_page(page).xpath("//main//*[@class='card__title']/a/@href")
    ]
    assert listed.count(kept) == 1
    assert "/pakte/beta/aktuelles/dritte-meldung/" not in listed
    assert _links(out / "pakte/beta/aktuelles/index.html", kept) == 1


def test_a_pact_description_needs_no_front_matter(minimal_site: Path) -> None:
    (minimal_site / f"{ALPHA}/index.md").write_text(
        "## Ziele für 2003\n\nDer Pakt Alpha.\n", encoding="utf-8"
    )
    code, stderr, out = _build(minimal_site)
    assert code == 0, stderr
    assert f"{ALPHA}/index.md" not in stderr
    page = parse_page(out / "pakte/alpha/index.html")
    assert page.xpath("//h1")[0].text_content() == "Pakt Alpha"
    assert page.xpath("//h2[@id='ziele-fuer-2003']")
    # the link to its heading from a news item still resolves
    news = parse_page(out / NEWS_URL.strip("/") / "index.html")
    assert "/pakte/alpha/#ziele-fuer-2003" in news.xpath("//div[@class='prose']//a/@href")
