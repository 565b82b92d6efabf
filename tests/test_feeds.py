"""News feeds: Atom, RSS 2.0 and JSON Feed of the network, each pact and each sector, and OPML.

Every feed is read the way strict readers read it: feedparser must find nothing to
complain about (`bozo`), Atom must validate against RFC 4287's RELAX NG schema, and the
schema's Schematron rules, which RELAX NG validators ignore, are checked with XPath.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import feedparser
import lxml.etree
import lxml.html
import pytest
from rnc2rng import parser as rnc_parser
from rnc2rng import serializer as rnc_serializer

from pactsite.render.markup import absolute_urls, sanitize

from conftest import REPOSITORY, Run, parse_page, run_pactsite

Build = Callable[..., tuple[Run, Path]]
# RFC 4287 Appendix B, copied unchanged from the project's shared schemas (see its header).
ATOM_SCHEMA = Path(__file__).parent / "schemas" / "atom.rnc"
ATOM = "{http://www.w3.org/2005/Atom}"
NS = {"atom": "http://www.w3.org/2005/Atom"}
HALLE_NEWS = "halle/news/schaffung-und-sicherung-neuer-arbeitsplaetze"
HALLE_URL = (
    "https://pakte.example.org/pakte/halle/aktuelles/schaffung-und-sicherung-neuer-arbeitsplaetze/"
)
HALLE_ID = f"tag:pakte.example.org,2002-10-22:{HALLE_NEWS}"
# RFC 4287's Schematron rules (annotations in atom.rnc), as XPath.
SCHEMATRON = [
    ("//atom:feed", "atom:author or not(atom:entry[not(atom:author)])"),
    ("//atom:entry", "atom:link[@rel='alternate'] or atom:link[not(@rel)] or atom:content"),
    ("//atom:entry", "atom:author or ../atom:author or atom:source/atom:author"),
]


def read_feed(path: Path) -> feedparser.FeedParserDict:
    """Parse an Atom or RSS file with feedparser (6.0 does not read JSON Feed)."""
    return feedparser.parse(path.read_bytes())


def read_json_feed(path: Path) -> dict[str, Any]:
    """Parse a JSON Feed file."""
    feed: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return feed


def feeds_in(out: Path, name: str) -> list[Path]:
    """Every feed file of one format below the output folder."""
    return sorted(out.rglob(name))


@pytest.fixture(scope="session")
def atom_schema() -> lxml.etree.RelaxNG:
    """RFC 4287's schema, converted from the compact syntax at test time with rnc2rng."""
    with ATOM_SCHEMA.open(encoding="utf-8") as rnc:
        xml = rnc_serializer.XMLSerializer().toxml(rnc_parser.parse(f=rnc))
    # rnc2rng declares `namespace local = ""` as xmlns:local="", which XML 1.0 forbids; the
    # empty namespace is what unprefixed names mean anyway.
    xml = xml.replace('xmlns:local=""', "")
    return lxml.etree.RelaxNG(lxml.etree.fromstring(xml.encode("utf-8")))


def test_network_pacts_sectors_and_topics_each_have_three_feeds(example_build: Path) -> None:
    pacts = sorted(p.name for p in (REPOSITORY / "content/pacts").iterdir())
    sectors = ["automobil", "biotechnologie", "chemie", "ikt", "landwirtschaft"]
    topics = ["erfahrungsaustausch", "lokales-kapital", "oeffentlichkeitsarbeit", "qualifizierung"]
    folders = [example_build] + [example_build / "pakte" / p for p in pacts]
    folders += [example_build / "branchen" / s for s in sectors]
    folders += [example_build / "themen" / s for s in topics]
    for folder in folders:
        for name in ("feed.xml", "rss.xml", "feed.json"):
            assert (folder / name).is_file(), folder / name
    assert len(feeds_in(example_build, "feed.xml")) == len(folders)


def test_every_feed_parses_without_complaint_and_has_the_expected_entries(
    example_build: Path,
) -> None:
    for name in ("feed.xml", "rss.xml"):
        for path in feeds_in(example_build, name):
            feed = read_feed(path)
            assert not feed.bozo, f"{path}: {feed.get('bozo_exception')}"
            assert feed.feed.title, path
            expected = [HALLE_ID] if _has_halle_news(path, example_build) else []
            assert [e.id for e in feed.entries] == expected, path
    for path in feeds_in(example_build, "feed.json"):
        expected = [HALLE_ID] if _has_halle_news(path, example_build) else []
        assert [i["id"] for i in read_json_feed(path)["items"]] == expected, path


def _has_halle_news(path: Path, out: Path) -> bool:
    scope = path.parent.relative_to(out).parts
    return scope in ((), ("pakte", "halle")) or scope[:1] in (("branchen",), ("themen",))


def test_entries_carry_link_dates_author_sectors_summary_and_content(example_build: Path) -> None:
    for name in ("feed.xml", "rss.xml"):
        entry = read_feed(example_build / name).entries[0]
        assert entry.title == "Schaffung und Sicherung neuer Arbeitsplätze"
        assert entry.link == HALLE_URL
        assert entry.published_parsed[:3] == (2002, 10, 21)  # midnight in Berlin is 22:00 UTC
        assert entry.author == "Bündnis für Innovation und Beschäftigung Halle"
        tags = {t.get("label") or t.term for t in entry.tags}
        assert "Chemische Industrie" in tags, name
        assert entry.summary.startswith("Zwölf Vertreter"), name
        assert "Lokales Kapital für soziale Zwecke" in entry.content[0].value, name
    item = read_json_feed(example_build / "feed.json")["items"][0]
    assert (item["title"], item["url"], item["id"]) == (
        "Schaffung und Sicherung neuer Arbeitsplätze",
        HALLE_URL,
        HALLE_ID,
    )
    assert item["date_published"] == "2002-10-22T00:00:00+02:00"
    assert item["authors"][0]["name"] == "Bündnis für Innovation und Beschäftigung Halle"
    assert "Chemische Industrie" in item["tags"]
    assert item["summary"].startswith("Zwölf Vertreter")
    assert "Lokales Kapital für soziale Zwecke" in item["content_html"]
    atom = lxml.etree.parse(example_build / "feed.xml")
    assert atom.findtext(f"{ATOM}entry/{ATOM}published") == "2002-10-22T00:00:00+02:00"
    assert atom.findtext(f"{ATOM}updated") == "2002-10-22T00:00:00+02:00"  # the newest entry's


def test_content_has_only_absolute_urls(example_build: Path) -> None:
    bodies = [
        entry.content[0].value
        for name in ("feed.xml", "rss.xml")
        for path in feeds_in(example_build, name)
        for entry in read_feed(path).entries
    ]
    bodies += [
        item["content_html"]
        for path in feeds_in(example_build, "feed.json")
        for item in read_json_feed(path)["items"]
    ]
    assert len(bodies) == 33  # 11 feeds of each format carry the Halle article
    for html in bodies:
        body = lxml.html.fragment_fromstring(html, create_parent="div")
        targets = body.xpath("//@href | //@src | //@srcset")
        assert targets
        assert all(t.startswith("https://pakte.example.org/") for t in targets), targets


def test_atom_feeds_validate_against_rfc_4287(
    example_build: Path, atom_schema: lxml.etree.RelaxNG
) -> None:
    for path in feeds_in(example_build, "feed.xml"):
        document = lxml.etree.parse(path)
        assert atom_schema.validate(document), f"{path}: {atom_schema.error_log}"
        for context, test in SCHEMATRON:
            for node in document.xpath(context, namespaces=NS):
                assert node.xpath(f"boolean({test})", namespaces=NS), (path, test)


def test_the_schema_rejects_a_broken_feed(atom_schema: lxml.etree.RelaxNG) -> None:
    smallest = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><id>x</id><title>x</title>'
        b"<updated>2002-10-22T00:00:00+02:00</updated></feed>"
    )
    assert atom_schema.validate(lxml.etree.fromstring(smallest))
    for broken in (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>',
        b'<feed xmlns="http://www.w3.org/2005/Atom" bogus="1"><id>x</id><title>x</title>'
        b"<updated>2002-10-22T00:00:00+02:00</updated></feed>",
    ):
        assert not atom_schema.validate(lxml.etree.fromstring(broken))


def test_feeds_are_xml_with_a_declaration(example_build: Path) -> None:
    for name in ("feed.xml", "rss.xml", "feeds.opml"):
        for path in feeds_in(example_build, name):
            assert path.read_bytes().startswith(b'<?xml version="1.0" encoding="utf-8"?>\n')


def test_json_feeds_have_the_required_fields(example_build: Path) -> None:
    for path in feeds_in(example_build, "feed.json"):
        feed = json.loads(path.read_text(encoding="utf-8"))
        assert feed["version"] == "https://jsonfeed.org/version/1.1"
        assert feed["title"] and feed["feed_url"].endswith("/feed.json")
        assert isinstance(feed["items"], list)
        for item in feed["items"]:
            assert item["id"] and ("content_html" in item or "content_text" in item)
            assert item["date_published"].endswith("+02:00")


def test_opml_lists_exactly_the_feeds_on_disk(example_build: Path) -> None:
    opml = lxml.etree.parse(example_build / "feeds.opml")
    listed = sorted(opml.xpath("//outline/@xmlUrl"))
    on_disk = sorted(
        "https://pakte.example.org/" + str(p.relative_to(example_build))
        for name in ("feed.xml", "rss.xml", "feed.json")
        for p in feeds_in(example_build, name)
    )
    assert listed == on_disk
    assert all(o.get("text") for o in opml.xpath("//outline"))


def test_pages_announce_their_own_feeds_in_the_head(example_build: Path) -> None:
    def announced(url: str) -> set[str]:
        page = parse_page(example_build / url.lstrip("/") / "index.html")
        return set(
            page.xpath(
                "//head/link[@rel='alternate'][contains(@type, 'feed') or "
                "contains(@type, 'xml')]/@href"
            )
        )

    network = {"/feed.xml", "/rss.xml", "/feed.json"}
    halle = {"/pakte/halle/feed.xml", "/pakte/halle/rss.xml", "/pakte/halle/feed.json"}
    chemie = {"/branchen/chemie/feed.xml", "/branchen/chemie/rss.xml", "/branchen/chemie/feed.json"}
    assert announced("/") == network
    assert announced("/ueber-uns/") == network
    assert announced("/pakte/halle/") == network | halle
    assert announced("/pakte/halle/aktuelles/") == network | halle
    assert announced("/pakte/halle/projekte/kleinstprojekte-halle/") == network | halle
    assert announced("/branchen/chemie/") == network | chemie
    for page in example_build.rglob("*.html"):
        for href in parse_page(page).xpath("//head/link[@rel='alternate']/@href"):
            assert (example_build / href.lstrip("/")).is_file(), (page, href)


def test_list_pages_link_their_feeds_visibly(example_build: Path) -> None:
    def visible(url: str) -> set[str]:
        page = parse_page(example_build / url.lstrip("/") / "index.html")
        return set(
            page.xpath(
                "//main//a[contains(@type, 'feed') or contains(@type, 'xml') "
                "or contains(@type, 'opml')]/@href"
            )
        )

    assert visible("/aktuelles/") == {"/feed.xml", "/rss.xml", "/feed.json", "/feeds.opml"}
    assert visible("/pakte/halle/") >= {"/pakte/halle/feed.xml", "/pakte/halle/rss.xml"}
    assert visible("/pakte/halle/aktuelles/") >= {"/pakte/halle/feed.json"}
    assert visible("/branchen/chemie/") == {
        "/branchen/chemie/feed.xml",
        "/branchen/chemie/rss.xml",
        "/branchen/chemie/feed.json",
    }


def test_two_builds_give_identical_feeds(tmp_path: Path) -> None:
    outputs = []
    for number, now in enumerate(("2010-01-01T00:00+00:00", "2026-06-01T12:00+00:00")):
        out = tmp_path / f"out{number}"
        run = run_pactsite("build", "--site", str(REPOSITORY), "--output", str(out), "--now", now)
        assert run.exit_code == 0, run.stderr
        outputs.append(
            {
                p.relative_to(out): p.read_bytes()
                for pattern in ("feed.xml", "rss.xml", "feed.json", "feeds.opml", "*.ics")
                for p in out.rglob(pattern)
            }
        )
    assert outputs[0] and outputs[0] == outputs[1]


def _write_news(site: Path, name: str, front_matter: str, body: str = "Text.") -> None:
    (site / "content/pacts/alpha/news" / name).write_text(
        f"---\n{front_matter}\n---\n{body}\n", encoding="utf-8"
    )


def test_a_title_with_ampersand_angle_brackets_and_quotes_round_trips(
    build_minimal: Build, minimal_site: Path
) -> None:
    title = "Löhne & <Tarife> \"heute\" – 'morgen'"
    _write_news(
        minimal_site,
        "2003-02-01-zeichen.md",
        f'title: {json.dumps(title)}\ndate: 2003-02-01\nsummary: "A & B < C"',
        "Ein [Link](pact:beta) & <b>fett</b> und ]]> Ende.",
    )
    run, out = build_minimal()
    assert run.exit_code == 0, run.stderr
    link = '<a href="https://test.example.org/pakte/beta/">Link</a>'
    for name in ("feed.xml", "rss.xml"):
        feed = read_feed(out / name)
        assert not feed.bozo, feed.get("bozo_exception")
        newest = feed.entries[0]
        assert newest.title == title, name
        assert newest.summary == "A & B < C", name
        assert link in newest.content[0].value
        assert "]]&gt; Ende" in newest.content[0].value
    item = read_json_feed(out / "feed.json")["items"][0]
    assert (item["title"], item["summary"]) == (title, "A & B < C")
    assert link in item["content_html"]
    atom = lxml.etree.parse(out / "feed.xml")
    assert atom.findtext(f"{ATOM}entry/{ATOM}title") == title


def test_drafts_and_scheduled_news_never_reach_a_feed(
    build_minimal: Build, minimal_site: Path
) -> None:
    _write_news(
        minimal_site,
        "2003-02-01-geplant.md",
        'title: Geplant\ndate: 2003-02-01\npublish: "2099-01-01 09:00"',
    )
    for args in ((), ("--drafts",)):
        run, out = build_minimal(*args)
        assert run.exit_code == 0, run.stderr
        titles = [e.title for e in read_feed(out / "feed.xml").entries]
        assert titles == ["Dritte Meldung", "Zweite Meldung", "Erste Meldung"], args


def test_feed_length_follows_the_configured_limit(build_minimal: Build, minimal_site: Path) -> None:
    config = minimal_site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "feeds:\n  limit: 2\n", encoding="utf-8")
    run, out = build_minimal()
    assert run.exit_code == 0, run.stderr
    feed = json.loads((out / "feed.json").read_text(encoding="utf-8"))
    assert [i["title"] for i in feed["items"]] == ["Dritte Meldung", "Zweite Meldung"]


@pytest.mark.parametrize(
    ("setting", "line", "message"),
    [
        ("feeds:\n  limit: 0\n", 12, "feeds.limit must be at least 1"),
        ("feeds:\n  limit: viele\n", 12, "feeds.limit: expected a whole number"),
        ("feeds:\n  tag_authority: https://x.org/\n", 12, "'https://x.org/' is not a domain name"),
        ("feeds:\n  limt: 5\n", 12, "unknown feed setting 'limt'; did you mean 'limit'?"),
    ],
)
def test_bad_feed_settings_are_errors_at_their_line(
    minimal_site: Path, setting: str, line: int, message: str
) -> None:
    config = minimal_site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + setting, encoding="utf-8")
    run = run_pactsite("check", "--site", str(minimal_site))
    assert run.exit_code == 1
    assert f"site.yaml:{line}: error: {message}" in run.stderr


def test_entry_ids_survive_a_move_to_another_address(
    build_minimal: Build, minimal_site: Path
) -> None:
    config = minimal_site / "site.yaml"
    original = config.read_text(encoding="utf-8")
    config.write_text(original + "feeds:\n  tag_authority: test.example.org\n", encoding="utf-8")
    _, out = build_minimal()
    before = read_feed(out / "feed.xml").entries
    moved = original.replace("https://test.example.org/", "https://neu.example.net/netz/")
    config.write_text(moved + "feeds:\n  tag_authority: test.example.org\n", encoding="utf-8")
    run, out = build_minimal()
    assert run.exit_code == 0, run.stderr
    after = read_feed(out / "feed.xml").entries
    assert [e.id for e in after] == [e.id for e in before]
    assert before[0].id == "tag:test.example.org,2003-01-05:beta/news/dritte-meldung"
    assert after[0].link == "https://neu.example.net/netz/pakte/beta/aktuelles/dritte-meldung/"


def test_check_warns_when_base_url_is_not_absolute_https(minimal_site: Path) -> None:
    config = minimal_site / "site.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("https://test.example.org/", "http://test.example.org/"))
    run = run_pactsite("check", "--site", str(minimal_site))
    assert run.exit_code == 0, run.stderr
    assert (
        "site.yaml:2: warning: base_url 'http://test.example.org/' is not an absolute https "
        "address; feeds and calendars need one" in run.stderr
    )
    config.write_text(text.replace("base_url: https://test.example.org/\n", ""))
    run = run_pactsite("check", "--site", str(minimal_site))
    assert "site.yaml:1: warning: there is no base_url" in run.stderr


def test_the_host_serves_feeds_and_calendars_with_their_media_types(example_served: str) -> None:
    expected = {
        "/feed.xml": "application/atom+xml; charset=utf-8",
        "/pakte/halle/rss.xml": "application/rss+xml; charset=utf-8",
        "/branchen/chemie/feed.json": "application/feed+json; charset=utf-8",
        "/feeds.opml": "text/x-opml; charset=utf-8",
        "/termine.ics": "text/calendar; charset=utf-8",
        "/pakte/altmark/termine.ics": "text/calendar; charset=utf-8",
        "/pakte/altmark/termine/treffen.ics": "text/calendar; charset=utf-8",
    }
    for path, media_type in expected.items():
        with urllib.request.urlopen(example_served + path) as response:
            assert response.headers.get_all("Content-Type") == [media_type], path


@pytest.mark.parametrize(
    "url",
    ["/pakte/halle/", "/a/./b", "/a/../b", "/a?x=1&y=2#f", "//other.example/x", "/",
     "#fussnote-1", "bild.jpg", "../oben/", "https://extern.example/a/../b?", "mailto:a@b.de",
     "/ä%20b", "/.well-known/x", "?q", ""],
)  # fmt: skip
def test_feed_addresses_are_what_urljoin_makes_of_them(url: str) -> None:
    base = "https://netz.example:8443/pakte/halle/aktuelles/meldung/"
    html = f'<p><a href="{escape(url)}">x</a><img src="{escape(url)}" alt="y"></p>'
    made = lxml.html.fromstring(absolute_urls(html, base))
    expected = urljoin(base, url)
    assert made.xpath("//a/@href") == [expected]
    assert made.xpath("//img/@src") == [expected]


@pytest.mark.parametrize(
    "url",
    ["/pakte/halle/", "/a?x=1&y=\"2\"#f", "#fussnote-1", "../oben/", "mailto:a@b.de", "/ä b",
     "/a\u00a0b", " /mit/leerzeichen ", "https://extern.example/a/../b?"],
)  # fmt: skip
def test_feed_addresses_of_a_text_without_images_are_made_as_the_sanitiser_makes_them(
    url: str,
) -> None:
    base = "https://netz.example/pakte/halle/aktuelles/meldung/"
    text = sanitize(  # as the bodies are
        '<p>Er schrieb <code>&lt;a href="/x"&gt;</code> &amp; „so“\u00a0weiter.</p>'
        f'<p><a href="{escape(url)}" title="ein &quot;Titel&quot;">x</a></p>'
    )
    image = '<img src="bild.jpg" alt="">'  # with an image, the sanitiser rewrites them all
    assert absolute_urls(text, base) + absolute_urls(image, base) == absolute_urls(
        text + image, base
    )
