"""Topics from tags (issue 23, item 5): a page and feeds per tag, across the pacts."""

from __future__ import annotations

import re
from pathlib import Path

import feedparser
import lxml.etree
import lxml.html
import pytest
import yaml
from test_feeds import SCHEMATRON, atom_schema  # noqa: F401 (a fixture)

from conftest import parse_page, run_pactsite

ALPHA = "content/pacts/alpha"
BETA = "content/pacts/beta"
ALPHA_NEWS = f"{ALPHA}/news/2002-10-22-erste-meldung.md"
BETA_NEWS = f"{BETA}/news/2003-01-05-dritte-meldung.md"
PROJECT = f"{ALPHA}/projects/qualifizierung.md"
EVENT = f"{ALPHA}/events/2002-10-16-treffen.md"
PAGE = "content/pages/ausbildungsmarkt.md"


def tag(site: Path, path: str, line: str) -> None:
    """Put a front-matter line (`tags: [...]`) right after the opening `---` of a file."""
    file = site / path
    if not file.exists():
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text("---\ntitle: Ausbildungsmarkt\n---\nText.\n", encoding="utf-8")
    text = file.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    file.write_text(f"---\n{line}\n{text[4:]}", encoding="utf-8")


def configure(site: Path, settings: str) -> None:
    """Add settings to the site's site.yaml."""
    config = site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + settings, encoding="utf-8")


def build(site: Path, *args: str) -> Path:
    """Build the site (without the cache); fail on any error."""
    out = site / "public"
    run = run_pactsite("build", "--site", str(site), "--no-cache", *args)
    assert run.exit_code == 0, run.stderr
    return out


def tree(out: Path) -> dict[str, bytes]:
    """Every file below a folder, by its relative path."""
    return {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def links_in_main(page: Path) -> list[str]:
    """The hrefs of the entry cards' titles, in order."""
    return [str(h) for h in parse_page(page).xpath("//main//*[@class='card__title']/a/@href")]


@pytest.fixture
def tagged_site(minimal_site: Path) -> Path:
    """The minimal site with "Ausbildung" spelt four ways on five entries of two pacts."""
    tag(minimal_site, ALPHA_NEWS, "tags: [Ausbildung, Chemie]")
    tag(minimal_site, BETA_NEWS, "tags: [ausbildung]")
    tag(minimal_site, PROJECT, 'tags: [" Ausbildung "]')
    tag(minimal_site, EVENT, "tags: [AUSBILDUNG]")
    tag(minimal_site, PAGE, "tags: [Ausbildung]")
    return minimal_site


def test_a_tag_page_lists_its_entries_of_every_kind_across_pacts_newest_first(
    tagged_site: Path,
) -> None:
    config = tagged_site / "site.yaml"
    config.write_text(config.read_text().replace("paginate: 2", "paginate: 10"))
    out = build(tagged_site)
    assert links_in_main(out / "themen/ausbildung/index.html") == [
        "/pakte/beta/aktuelles/dritte-meldung/",
        "/pakte/alpha/aktuelles/erste-meldung/",
        "/pakte/alpha/termine/treffen/",
        "/pakte/alpha/projekte/qualifizierung/",
        "/ausbildungsmarkt/",
    ]
    assert links_in_main(out / "themen/chemie/index.html") == [
        "/pakte/alpha/aktuelles/erste-meldung/"
    ]


def test_a_long_topic_is_paginated_like_the_other_lists(tagged_site: Path) -> None:
    out = build(tagged_site)  # the minimal site shows two entries a page
    pages = [out / "themen/ausbildung/index.html"]
    pages += [out / f"themen/ausbildung/seite/{n}/index.html" for n in (2, 3)]
    shown = [links_in_main(page) for page in pages]
    assert [len(links) for links in shown] == [2, 2, 1]
    assert shown[2] == ["/ausbildungsmarkt/"]
    second = parse_page(pages[1])
    assert second.xpath("//a[@rel='prev']/@href") == ["/themen/ausbildung/"]
    assert second.xpath("//a[@rel='next']/@href") == ["/themen/ausbildung/seite/3/"]
    assert not (out / "themen/ausbildung/seite/4").exists()


def test_a_topic_feed_carries_the_tagged_news_and_validates(
    tagged_site: Path,
    atom_schema: lxml.etree.RelaxNG,  # noqa: F811 (the fixture imported above)
) -> None:
    out = build(tagged_site)
    folder = out / "themen/ausbildung"
    atom = lxml.etree.parse(str(folder / "feed.xml"))
    assert atom_schema.validate(atom), atom_schema.error_log
    namespaces = {"atom": "http://www.w3.org/2005/Atom"}
    for context, rule in SCHEMATRON:
        for node in atom.xpath(context, namespaces=namespaces):
            assert node.xpath(f"boolean({rule})", namespaces=namespaces), rule
    for name in ("feed.xml", "rss.xml"):
        feed = feedparser.parse((folder / name).read_bytes())
        assert not feed.bozo, feed.get("bozo_exception")
        assert [e.link for e in feed.entries] == [
            "https://test.example.org/pakte/beta/aktuelles/dritte-meldung/",
            "https://test.example.org/pakte/alpha/aktuelles/erste-meldung/",
        ]
        assert feed.feed.title == "Ausbildung – Testnetz"
    terms = atom.xpath("//atom:entry[1]/atom:category/@term", namespaces=namespaces)
    assert terms == ["ausbildung"]
    page = parse_page(folder / "index.html")
    assert "/themen/ausbildung/feed.xml" in page.xpath("//head/link[@rel='alternate']/@href")
    assert "/themen/ausbildung/feed.xml" in page.xpath("//main//a/@href")
    opml = (out / "feeds.opml").read_text(encoding="utf-8")
    assert "https://test.example.org/themen/ausbildung/rss.xml" in opml


def test_case_accents_and_spaces_make_one_tag_labelled_as_most_entries_spell_it(
    minimal_site: Path,
) -> None:
    spellings = {ALPHA_NEWS: "café", BETA_NEWS: '" Café "', PROJECT: "Café", EVENT: "CAFE"}
    for path, spelling in spellings.items():
        tag(minimal_site, path, f"tags: [{spelling}]")
    out = build(minimal_site)
    assert sorted(p.name for p in (out / "themen").iterdir() if p.is_dir()) == ["cafe"]
    overview = parse_page(out / "themen/index.html")
    assert overview.xpath("//ul[@class='topic-list']/li/a/text()") == ["Café"]
    assert "4\u00a0Einträge" in overview.xpath("string(//ul[@class='topic-list']/li)")


def test_equally_used_spellings_give_the_same_label_in_every_build(minimal_site: Path) -> None:
    tag(minimal_site, ALPHA_NEWS, "tags: [ausbildung]")
    tag(minimal_site, BETA_NEWS, "tags: [Ausbildung]")
    out = build(minimal_site)
    heading = parse_page(out / "themen/ausbildung/index.html").xpath("string(//h1)")
    assert heading.replace("\u00ad", "") == "Ausbildung"


def test_a_near_duplicate_tag_is_a_warning_at_its_line_naming_the_other_spelling(
    tagged_site: Path,
) -> None:
    tag(tagged_site, f"{BETA}/news/2003-02-01-vierte.md", "tags: [Ausbildungen]")
    run = run_pactsite("check", "--site", str(tagged_site))
    assert run.exit_code == 0, run.stderr
    warning = next(line for line in run.stderr.splitlines() if "Ausbildungen" in line)
    assert warning.startswith(f"{BETA}/news/2003-02-01-vierte.md:2: warning:")
    assert "did you mean 'Ausbildung'?" in warning
    assert f"(used in {EVENT}, {ALPHA_NEWS}, {PROJECT}, ...)" in warning  # three of five
    assert "Ausbildung'" not in run.stderr.replace(warning, "")  # the common one is not warned


def test_a_tag_one_letter_apart_is_a_near_duplicate_in_the_sites_language(
    minimal_site: Path,
) -> None:
    tags = {
        ALPHA_NEWS: "Qualifizierung",
        PROJECT: "Qualifizierung",
        BETA_NEWS: "Qualifiezierung",
        EVENT: "Team, Tee",  # short words: no near-duplicates
    }
    for path, written in tags.items():
        tag(minimal_site, path, f"tags: [{written}]")
    run = run_pactsite("check", "--site", str(minimal_site), "--lang", "de")
    assert run.exit_code == 0, run.stderr
    tagged = [line for line in run.stderr.splitlines() if "Schlagwort" in line]
    assert tagged == [
        f"{BETA_NEWS}:2: warning: das Schlagwort 'Qualifiezierung' ist fast gleich dem "
        "Schlagwort 'Qualifizierung'; meinten Sie 'Qualifizierung'? (verwendet in "
        f"{ALPHA_NEWS}, {PROJECT})"
    ]


def test_with_a_vocabulary_an_unknown_tag_is_an_error_with_a_did_you_mean(
    tagged_site: Path,
) -> None:
    configure(tagged_site, "tags:\n  ausbildung: Ausbildung\n  chemie: Chemische Industrie\n")
    tag(tagged_site, f"{BETA}/news/2003-02-01-vierte.md", "tags: [Chemie, Ausbildnug]")
    run = run_pactsite("check", "--site", str(tagged_site))
    assert run.exit_code == 1
    errors = [line for line in run.stderr.splitlines() if "unknown tag" in line]
    assert errors == [
        f"{BETA}/news/2003-02-01-vierte.md:2: error: unknown tag 'Ausbildnug': site.yaml has a "
        "list of tags; did you mean 'Ausbildung'? (known: Ausbildung, Chemische Industrie)"
    ]
    assert "Traceback" not in run.stderr


def test_a_vocabulary_tag_is_found_by_its_key_or_label_and_shown_with_its_label(
    tagged_site: Path,
) -> None:
    configure(tagged_site, "tags:\n  ausbildung: Berufsausbildung\n  chemie: Chemie\n")
    tag(tagged_site, f"{BETA}/news/2003-02-01-vierte.md", "tags: [Berufsausbildung]")
    out = build(tagged_site)
    assert len(links_in_main(out / "themen/ausbildung/index.html")) == 2  # paginate: 2
    assert not (out / "themen/berufsausbildung").exists()
    labels = parse_page(out / "themen/index.html").xpath("//ul[@class='topic-list']/li/a/text()")
    assert [label.replace("\u00ad", "") for label in labels] == ["Berufsausbildung", "Chemie"]


def test_entry_pages_link_their_tags_to_the_topic_pages(tagged_site: Path) -> None:
    out = build(tagged_site)
    pages = {
        "pakte/alpha/aktuelles/erste-meldung": ["/themen/ausbildung/", "/themen/chemie/"],
        "pakte/beta/aktuelles/dritte-meldung": ["/themen/ausbildung/"],
        "pakte/alpha/projekte/qualifizierung": ["/themen/ausbildung/"],
        "pakte/alpha/termine/treffen": ["/themen/ausbildung/"],
        "ausbildungsmarkt": ["/themen/ausbildung/"],
    }
    for url, topics in pages.items():
        facts = parse_page(out / url / "index.html").xpath("//dl[@class='facts']")
        assert facts, url
        assert facts[0].xpath(".//a[starts-with(@href, '/themen/')]/@href") == topics, url
        assert facts[0].xpath(".//a[@href='/themen/ausbildung/']/text()") == ["Ausbildung"]


def test_the_overview_lists_every_tag_with_its_count_in_german_order(minimal_site: Path) -> None:
    tag(minimal_site, ALPHA_NEWS, "tags: [Zukunft, Ärzte, Bau]")
    tag(minimal_site, BETA_NEWS, "tags: [ärzte, Arbeit]")
    out = build(minimal_site)
    items = parse_page(out / "themen/index.html").xpath("//main//ul[@class='topic-list']/li")
    shown = [(i.xpath("string(a)").replace("\u00ad", ""), i.xpath("string(span)")) for i in items]
    assert shown == [
        ("Arbeit", "(1\u00a0Eintrag)"),
        ("Ärzte", "(2\u00a0Einträge)"),
        ("Bau", "(1\u00a0Eintrag)"),
        ("Zukunft", "(1\u00a0Eintrag)"),
    ]
    assert [str(h) for h in items[1].xpath("a/@href")] == ["/themen/aerzte/"]


def test_topic_pages_are_in_the_search_index_and_the_sitemap(tagged_site: Path) -> None:
    out = build(tagged_site)
    main = parse_page(out / "themen/ausbildung/index.html").xpath("//main")[0]
    assert main.get("data-search") == "summary"
    assert "Ausbildung" in main.get("data-search-names")
    assert parse_page(out / "themen/index.html").xpath("//main/@data-search") == ["summary"]
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://test.example.org/themen/</loc>" in sitemap
    assert "<loc>https://test.example.org/themen/ausbildung/</loc>" in sitemap
    terms = parse_page(out / "pakte/alpha/projekte/qualifizierung/index.html").xpath(
        "//main/@data-search-terms"
    )
    assert "Ausbildung" in terms[0]


def test_the_topics_path_segment_is_configurable(tagged_site: Path) -> None:
    configure(tagged_site, "urls:\n  topics: schlagwoerter\n")
    out = build(tagged_site)
    assert (out / "schlagwoerter/ausbildung/feed.xml").is_file()
    assert not (out / "themen").exists()
    facts = parse_page(out / "pakte/beta/aktuelles/dritte-meldung/index.html")
    assert facts.xpath("//dl[@class='facts']//a/@href") == ["/schlagwoerter/ausbildung/"]


def test_a_page_cannot_take_the_topics_path(minimal_site: Path) -> None:
    tag(minimal_site, "content/pages/themen.md", "weight: 1")
    run = run_pactsite("check", "--site", str(minimal_site))
    assert run.exit_code == 1
    assert "content/pages/themen.md" in run.stderr


def test_a_site_without_tags_has_no_topic_pages(minimal_site: Path) -> None:
    out = build(minimal_site)
    assert not (out / "themen").exists()
    assert "/themen/" not in (out / "sitemap.xml").read_text(encoding="utf-8")


def test_two_builds_of_a_tagged_site_are_byte_identical(tagged_site: Path, tmp_path: Path) -> None:
    build(tagged_site, "--output", str(tmp_path / "a"))
    build(tagged_site, "--output", str(tmp_path / "b"))
    first, second = tree(tmp_path / "a"), tree(tmp_path / "b")
    assert "themen/ausbildung/feed.xml" in first
    assert first == second


def test_adding_a_tag_to_one_file_rebuilds_its_topic_pages_as_a_clean_build_would(
    tagged_site: Path, tmp_path: Path
) -> None:
    cached = run_pactsite("build", "--site", str(tagged_site))
    assert cached.exit_code == 0, cached.stderr
    path = tagged_site / BETA_NEWS
    path.write_text(path.read_text().replace("tags: [ausbildung]", "tags: [ausbildung, Chemie]"))
    cached = run_pactsite("build", "--site", str(tagged_site))
    assert cached.exit_code == 0, cached.stderr
    after = tree(tagged_site / "public")
    assert "/pakte/beta/aktuelles/dritte-meldung/" in links_in_main(
        tagged_site / "public/themen/chemie/index.html"
    )
    overview = after["themen/index.html"].decode()
    assert re.search(r"Chemie</a> <span[^>]*>\(2\xa0Einträge\)", overview)
    build(tagged_site, "--output", str(tmp_path / "clean"))
    assert after == tree(tmp_path / "clean")


def test_a_text_edit_of_a_tagged_article_updates_its_topic_feed_on_the_quick_path(
    tagged_site: Path, tmp_path: Path
) -> None:
    assert run_pactsite("build", "--site", str(tagged_site)).exit_code == 0
    with (tagged_site / ALPHA_NEWS).open("a", encoding="utf-8") as file:
        file.write("\nEin Nachtrag zur Ausbildung.\n")
    quick = run_pactsite("build", "--site", str(tagged_site))
    assert quick.exit_code == 0, quick.stderr
    assert "rewrote only the" in quick.output
    after = tree(tagged_site / "public")
    assert b"Nachtrag zur Ausbildung" in after["themen/chemie/feed.xml"]
    build(tagged_site, "--output", str(tmp_path / "clean"))
    assert after == tree(tmp_path / "clean")


def test_the_web_editor_offers_the_vocabulary_or_names_the_tags_in_use(tagged_site: Path) -> None:
    configure(tagged_site, "cms: {enabled: true}\n")

    def tags_field() -> dict[str, object]:
        out = build(tagged_site)
        parsed = yaml.safe_load((out / "admin/config.yml").read_text(encoding="utf-8"))
        news = next(c for c in parsed["collections"] if c["name"].endswith("news"))
        field: dict[str, object] = next(f for f in news["fields"] if f["name"] == "tags")
        return field

    free = tags_field()
    assert free["widget"] == "list"
    assert "Ausbildung, Chemie" in str(free["hint"])
    configure(tagged_site, "tags:\n  ausbildung: Ausbildung\n  chemie: Chemie\n")
    controlled = tags_field()
    assert controlled["widget"] == "select" and controlled["multiple"] is True
    assert controlled["options"] == [
        {"label": "Ausbildung", "value": "Ausbildung"},
        {"label": "Chemie", "value": "Chemie"},
    ]


def test_a_tag_without_a_letter_is_an_error_at_its_line(minimal_site: Path) -> None:
    tag(minimal_site, ALPHA_NEWS, 'tags: ["–"]')
    run = run_pactsite("check", "--site", str(minimal_site))
    assert run.exit_code == 1
    assert f"{ALPHA_NEWS}:2: error: tag '–' has no letter or digit" in run.stderr


def test_the_example_sites_tags_become_topics(example_build: Path) -> None:
    overview = lxml.html.fromstring((example_build / "themen/index.html").read_bytes())
    assert overview.xpath("//main//ul[@class='topic-list']/li")
