"""schema.org JSON-LD and OpenGraph tags: valid JSON, the right types, and no way out of the
script element for text from the content."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conftest import Run, parse_page

Build = Callable[..., tuple[Run, Path]]


def json_ld(page: Path) -> list[dict[str, Any]]:
    """The JSON-LD blocks of a built page."""
    scripts = parse_page(page).xpath("//script[@type='application/ld+json']/text()")
    return [json.loads(text) for text in scripts]


def test_every_json_ld_block_of_the_example_is_valid_json(example_build: Path) -> None:
    found = 0
    for page in example_build.rglob("*.html"):
        for data in json_ld(page):
            assert data["@context"] == "https://schema.org", page
            found += 1
    assert found > 10


def test_entries_and_pacts_have_their_schema_org_types(example_build: Path) -> None:
    news = json_ld(
        example_build
        / "pakte/halle/aktuelles/schaffung-und-sicherung-neuer-arbeitsplaetze/index.html"
    )
    assert news[0]["@type"] == "NewsArticle"
    assert news[0]["headline"] == "Schaffung und Sicherung neuer Arbeitsplätze"
    assert news[0]["datePublished"] == "2002-10-22T00:00:00+02:00"
    assert news[0]["author"]["name"] == "Bündnis für Innovation und Beschäftigung Halle"
    event = json_ld(example_build / "pakte/altmark/termine/treffen/index.html")[0]
    assert (event["@type"], event["startDate"]) == ("Event", "2003-01-15T16:00:00+01:00")
    assert event["organizer"][0]["name"] == "Pakt für Arbeit Altmark"
    assert event["location"]["@type"] == "Place"
    pact = json_ld(example_build / "pakte/worms/index.html")[0]
    assert pact["@type"] == "Organization"
    assert pact["url"] == "https://pakte.example.org/pakte/worms/"
    project = json_ld(example_build / "pakte/worms/projekte/so-wirts/index.html")[0]
    assert project["@type"] == "CreativeWork"
    assert project["creator"]["@type"] == "Organization"
    assert json_ld(example_build / "ueber-uns/index.html") == []
    assert json_ld(example_build / "pakte/worms/aktuelles/index.html") == []


def test_pages_have_opengraph_tags_with_absolute_urls(example_build: Path) -> None:
    page = parse_page(example_build / "pakte/altmark/termine/treffen/index.html")
    og = {m.get("property"): m.get("content") for m in page.xpath("//meta[@property]")}
    assert og["og:title"] == "Fortsetzung des Erfahrungsaustauschs der Pakte in der Altmark"
    assert og["og:url"] == "https://pakte.example.org/pakte/altmark/termine/treffen/"
    assert og["og:type"] == "website"
    assert og["og:locale"] == "de_DE"
    assert og["og:site_name"] == "Pakte für Arbeit im Netz"
    assert og["og:description"].startswith("Die Pakte setzen")
    news = parse_page(
        example_build
        / "pakte/halle/aktuelles/schaffung-und-sicherung-neuer-arbeitsplaetze/index.html"
    )
    assert news.xpath("string(//meta[@property='og:type']/@content)") == "article"
    for path in example_build.rglob("index.html"):
        urls = parse_page(path).xpath("//meta[@property='og:url']/@content")
        assert len(urls) <= 1 and all(u.startswith("https://") for u in urls), path


def test_content_cannot_break_out_of_the_json_ld_script(
    minimal_site: Path, build_minimal: Build
) -> None:
    title = '</script><script>alert(1)</script><!-- & "x"'
    (minimal_site / "content/pacts/alpha/news/2003-02-01-ausbruch.md").write_text(
        f"---\ntitle: {json.dumps(title)}\ndate: 2003-02-01\n"
        "summary: '<b>fett</b> & mehr'\n---\nText.\n",
        encoding="utf-8",
    )
    run, out = build_minimal()
    assert run.exit_code == 0, run.stderr
    page = out / "pakte/alpha/aktuelles/ausbruch/index.html"
    raw = page.read_text(encoding="utf-8")
    start = raw.index('<script type="application/ld+json">')
    block = raw[start : raw.index("</script>", start) + len("</script>")]
    inner = block.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert "<" not in inner and ">" not in inner and "&" not in inner
    assert "\\u003c/script\\u003e" in inner
    data = json.loads(inner)
    assert data["headline"] == title
    assert data["description"] == "<b>fett</b> & mehr"
    assert "<script>alert(1)" not in raw
    assert len(parse_page(page).xpath("//script")) == 1
