"""Leichte Sprache versions of any page (issue 23, item 3): built, linked, listed, checked."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pactsite.render.easyread import check_easy_read, suggest_split, with_splits, words_to_split
from pactsite.render.hyphenate import hyphenations

from conftest import parse_page, run_pactsite

ALPHA = "content/pacts/alpha"
VERSIONS = {
    f"{ALPHA}/news/2002-10-22-erste-meldung.ls.md": "Erste Meldung einfach",
    f"{ALPHA}/projects/qualifizierung.ls.md": "Lernen für die Arbeit",
    f"{ALPHA}/events/2002-10-16-treffen.leichte-sprache.md": "Treffen einfach",
    "content/pages/impressum.ls.md": "Wer macht diese Seite?",
}
ADDRESSES = {
    "/pakte/alpha/aktuelles/erste-meldung/": "Erste Meldung einfach",
    "/pakte/alpha/projekte/qualifizierung/": "Lernen für die Arbeit",
    "/pakte/alpha/termine/treffen/": "Treffen einfach",
    "/impressum/": "Wer macht diese Seite?",
    "/pakte/alpha/": "Pakt Alpha",
}


def _write(site: Path, path: str, text: str) -> None:
    (site / path).parent.mkdir(parents=True, exist_ok=True)
    (site / path).write_text(text, encoding="utf-8")


def _with_versions(site: Path) -> Path:
    """The minimal site with a Leichte Sprache version of a news item, a project, an event,
    a network page and a pact's description (no front matter: titled by the pact's name)."""
    for path, title in VERSIONS.items():
        _write(site, path, f"---\ntitle: {title}\n---\nDas ist einfach.\nSo ist es gut.\n")
    _write(site, f"{ALPHA}/index.ls.md", "Der Pakt Alpha hilft Menschen bei der Arbeit.\n")
    _write(site, "content/pages/leichte-sprache.md", "---\ntitle: Leichte Sprache\n---\nHallo.\n")
    return site


def _build(site: Path) -> Path:
    run = run_pactsite("build", "--site", str(site))
    assert run.exit_code == 0, run.stderr
    return site / "public"


def _html(out: Path, url: str) -> Path:
    return out / url.strip("/") / "index.html"


def test_versions_of_news_project_event_page_and_pact_are_built_and_linked_both_ways(
    minimal_site: Path,
) -> None:
    out = _build(_with_versions(minimal_site))
    for url, title in ADDRESSES.items():
        version = f"{url}leichte-sprache/"
        original = parse_page(_html(out, url))
        link = original.xpath("//p[@class='variant-link']/a")
        assert [a.get("href") for a in link] == [version], url
        assert link[0].xpath("string(.)").strip() == "Diese Seite in Leichter Sprache"
        assert link[0].xpath("svg[contains(@class, 'icon--leichte-sprache')]"), url
        page = parse_page(_html(out, version))
        assert page.xpath("string(//h1)").strip() == title
        assert page.xpath("//article/@lang") == ["de"]
        assert "easy-read" in page.xpath("//article/@class")[0]
        assert page.xpath("//article//p[@class='variant-link']/a/@href") == [url]


def test_leichte_sprache_page_lists_every_version_grouped_by_kind_and_pact(
    minimal_site: Path,
) -> None:
    out = _build(_with_versions(minimal_site))
    section = parse_page(out / "leichte-sprache/index.html").xpath(
        "//section[@aria-labelledby='ps_easy_read']"
    )[0]
    groups = {
        h3.text_content(): h3.xpath("following-sibling::ul[1]//a/@href")
        for h3 in section.xpath("h3")
    }
    assert groups == {
        "Seiten vom Netzwerk": ["/impressum/leichte-sprache/"],
        "Pakt Alpha": ["/pakte/alpha/leichte-sprache/"],
        "Nachrichten": ["/pakte/alpha/aktuelles/erste-meldung/leichte-sprache/"],
        "Projekte": ["/pakte/alpha/projekte/qualifizierung/leichte-sprache/"],
        "Termine": ["/pakte/alpha/termine/treffen/leichte-sprache/"],
    }


def test_versions_are_in_sitemap_and_search_but_not_in_lists_feeds_or_directory(
    minimal_site: Path,
) -> None:
    out = _build(_with_versions(minimal_site))
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    for url in ADDRESSES:
        assert f"<loc>https://test.example.org{url}leichte-sprache/</loc>" in sitemap
    searched = "".join(p.read_text(encoding="utf-8") for p in (out / "suchindex").rglob("*.json"))
    assert "Erste Meldung einfach" in searched and "Lernen für die Arbeit" in searched
    for listing in (
        "feed.xml",
        "rss.xml",
        "feed.json",
        "pakte/alpha/feed.xml",
        "aktuelles/index.html",
        "pakte/alpha/aktuelles/index.html",
        "projekte/index.html",
        "projekte.json",
        "projekte.csv",
        "termine/index.html",
        "termine.ics",
    ):
        text = (out / listing).read_text(encoding="utf-8-sig")
        assert "/leichte-sprache/" not in text.replace('href="/leichte-sprache/"', ""), listing
        assert "Erste Meldung einfach" not in text and "Lernen für die Arbeit" not in text
    assert len(json.loads((out / "projekte.json").read_text())["projects"]) == 1


def test_both_spellings_mean_the_same_version(minimal_site: Path) -> None:
    _write(minimal_site, "content/pages/impressum.leichte-sprache.md", "---\ntitle: Lang\n---\n")
    _write(minimal_site, f"{ALPHA}/news/2002-11-01-zweite-meldung.ls.md", "---\ntitle: Kurz\n---\n")
    out = _build(minimal_site)
    assert parse_page(out / "impressum/leichte-sprache/index.html").xpath("string(//h1)") == "Lang"
    short = out / "pakte/alpha/aktuelles/zweite-meldung/leichte-sprache/index.html"
    assert parse_page(short).xpath("string(//h1)") == "Kurz"


def test_a_version_without_its_page_is_an_error_naming_the_page_it_needs(
    minimal_site: Path,
) -> None:
    _write(minimal_site, f"{ALPHA}/news/2002-10-23-ohne.ls.md", "---\ntitle: Allein\n---\nText.\n")
    run = run_pactsite("check", "--site", str(minimal_site))
    assert run.exit_code == 1
    assert (
        f"{ALPHA}/news/2002-10-23-ohne.ls.md:1: error: there is no page that this "
        f"'leichte-sprache' version belongs to; its page would be {ALPHA}/news/2002-10-23-ohne.md"
    ) in run.stderr


def test_two_spellings_of_one_version_are_one_error(minimal_site: Path) -> None:
    for name in ("impressum.ls.md", "impressum.leichte-sprache.md"):
        _write(minimal_site, f"content/pages/{name}", "---\ntitle: Einfach\n---\nText.\n")
    run = run_pactsite("check", "--site", str(minimal_site))
    assert run.exit_code == 1
    errors = [line for line in run.stderr.splitlines() if ": error: " in line]
    assert errors == [
        "content/pages/impressum.ls.md:1: error: content/pages/impressum.ls.md and "
        "content/pages/impressum.leichte-sprache.md are both the Leichte Sprache version of one "
        "page; keep one of them: '.ls.md' is the short form of '.leichte-sprache.md', both "
        "mean the same"
    ]


def test_a_version_takes_the_address_its_page_has_by_slug(minimal_site: Path) -> None:
    page = minimal_site / "content/pages/impressum.md"
    page.write_text(page.read_text().replace("weight: 1", "weight: 1\nslug: anbieter"))
    _write(minimal_site, "content/pages/impressum.ls.md", "---\ntitle: Einfach\n---\nText.\n")
    out = _build(minimal_site)
    assert (out / "anbieter/leichte-sprache/index.html").is_file()


def test_the_version_of_a_draft_is_hidden_with_it(minimal_site: Path) -> None:
    _write(minimal_site, f"{ALPHA}/news/2002-12-01-entwurf.ls.md", "---\ntitle: Bald\n---\nText.\n")
    out = _build(minimal_site)
    assert not (out / "pakte/alpha/aktuelles/entwurf").exists()
    assert "Bald" not in (out / "sitemap.xml").read_text()


def test_a_version_needs_only_a_title_and_takes_no_facts(minimal_site: Path) -> None:
    _write(
        minimal_site,
        f"{ALPHA}/news/2002-10-22-erste-meldung.ls.md",
        "---\ntitle: Einfach\ndate: 2002-10-22\n---\nText.\n",
    )
    run = run_pactsite("check", "--site", str(minimal_site))
    assert f"{ALPHA}/news/2002-10-22-erste-meldung.ls.md:3: error: unknown key 'date'" in run.stderr


# The checks of the rules of Leichte Sprache: each fires on a bad line and not on a good one.
CHECKS = [
    (
        "Die Pakte treffen sich jedes Jahr im Herbst in der Stadt Halle und sprechen dann "
        "lange über die Arbeit.",
        "Die Pakte treffen sich jedes Jahr im Herbst.\nSie sprechen über die Arbeit.",
        "this sentence has 19 words; in Leichte Sprache a sentence has at most 15",
    ),
    (
        "Die Qualifizierungsmaßnahme ist gut.",
        "Die Qualifizierungs·maßnahme ist gut.",
        "the word 'Qualifizierungsmaßnahme' has 23 letters",
    ),
    ("Es gibt z. B. Kurse.", "Es gibt zum Beispiel Kurse.", "abbreviation 'z. B.'"),
    ("Wir helfen Firmen usw.", "Wir helfen Firmen und anderen.", "abbreviation 'usw.'"),
    ("Die IHK hilft.", "Die IHK (Industrie- und Handels·kammer) hilft.", "abbreviation 'IHK'"),
    ("Es kommen zwölf Menschen.", "Es kommen 12 Menschen.", "number 'zwölf' written as a word"),
    ("Zwei Menschen kommen.", "2 Menschen kommen.", "number 'Zwei' written as a word"),
]


@pytest.mark.parametrize(("bad", "good", "message"), CHECKS)
def test_each_leichte_sprache_rule_warns_on_a_bad_line_and_not_on_a_good_one(
    bad: str, good: str, message: str
) -> None:
    found = check_easy_read("content/pages/x.ls.md", f"Hallo.\n{bad}\n", 5)
    assert [(d.line, d.severity.value) for d in found if message in str(d.message)] == [
        (6, "warning")
    ]
    assert check_easy_read("content/pages/x.ls.md", f"Hallo.\n{good}\n", 5) == []


def test_leichte_sprache_warnings_say_how_to_fix() -> None:
    found = check_easy_read(
        "p.ls.md", "Es gibt z.B. Kurse.\nEs kommen zwölf.\nDas Arbeitsmarktprogramm.\n", 4
    )
    assert words_to_split(found) == {"Arbeitsmarktprogramm"}
    found = with_splits(found, hyphenations(words_to_split(found), "de"))
    hints = {d.line: str(d.hint) for d in found}
    assert hints == {
        4: "write it out: 'zum Beispiel'",
        5: "write it in digits: 12",
        6: "split it where its parts meet, with a Mediopunkt: 'Arbeits·marktprogramm'",
    }


def test_long_words_get_a_mediopunkt_where_their_parts_meet() -> None:
    words = [
        "Qualifizierungsmaßnahme",
        "Ausbildungsplatzangebot",
        "Bundesausbildungsförderungsgesetz",
    ]
    syllables = hyphenations(words, "de")
    assert suggest_split(words[0], syllables[words[0]]) == "Qualifizierungs·maßnahme"
    assert suggest_split(words[1], syllables[words[1]]) == "Ausbildungs·platzangebot"
    assert suggest_split(words[2], syllables[words[2]]) == "Bundesausbildungs·förderungs·gesetz"


BUILD_AND_SAY = """
import sys
from pathlib import Path
from pactsite.build.pipeline import BuildOptions, build
import datetime as dt
site = Path(sys.argv[1])
report = build(site, site / "public", BuildOptions(now=dt.datetime(2003, 1, 15, tzinfo=dt.UTC)))
print(*(w.format("de") for w in report.warnings), sep="\\n")
print("pyphen in the build process:", "pyphen" in sys.modules)
"""


def test_a_long_word_gets_its_split_without_pyphen_in_the_build_process(
    minimal_site: Path,
) -> None:
    text = "---\ntitle: Seite\n---\nDas ist eine Qualifizierungsmaßnahme.\n"
    _write(minimal_site, "content/pages/impressum.ls.md", text)
    done = subprocess.run(
        [sys.executable, "-c", BUILD_AND_SAY, str(minimal_site)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert (
        "content/pages/impressum.ls.md:4: warning: das Wort 'Qualifizierungsmaßnahme' hat 23 "
        "Buchstaben; trennen Sie es mit einem Mediopunkt dort, wo seine Teile zusammenstoßen: "
        "'Qualifizierungs·maßnahme'"
    ) in done.stdout.splitlines()
    assert done.stdout.splitlines()[-1] == "pyphen in the build process: False"


def test_links_addresses_and_code_are_not_checked() -> None:
    text = "Mehr steht [hier](https://www.example.org/Arbeitsmarktprogramm-usw).\n`z. B.`\n"
    assert check_easy_read("p.ls.md", text, 1) == []


def test_leichte_sprache_rules_are_checked_in_versions_only(minimal_site: Path) -> None:
    bad = "---\ntitle: Seite\n---\nEs kommen z. B. zwölf Leute zur Qualifizierungsmaßnahme.\n"
    _write(minimal_site, "content/pages/impressum.ls.md", bad)
    _write(minimal_site, "content/pages/ueber-uns.md", bad)
    run = run_pactsite("check", "--site", str(minimal_site))
    assert run.exit_code == 0, run.stderr
    warned = [line for line in run.stderr.splitlines() if "in Leichte Sprache;" in line]
    assert warned == [
        "content/pages/impressum.ls.md:4: warning: abbreviation 'z. B.' in Leichte Sprache; "
        "write it out: 'zum Beispiel'"
    ]
    assert "content/pages/impressum.ls.md:4: warning: number 'zwölf'" in run.stderr
    assert "ueber-uns.md" not in run.stderr


def test_leichte_sprache_warnings_are_german_for_a_german_site(
    minimal_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PACTSITE_LANG")
    _write(minimal_site, "content/pages/impressum.ls.md", "---\ntitle: S\n---\nEs kommen zwölf.\n")
    run = run_pactsite("check", "--site", str(minimal_site))
    assert (
        "content/pages/impressum.ls.md:4: warning: Zahl 'zwölf' als Wort geschrieben; "
        "schreiben Sie die Zahl in Ziffern: 12"
    ) in run.stderr


def test_editing_a_version_rebuilds_only_its_page_and_equals_a_clean_build(
    minimal_site: Path, tmp_path: Path
) -> None:
    path = minimal_site / f"{ALPHA}/news/2002-10-22-erste-meldung.ls.md"
    path.write_text("---\ntitle: Einfach\n---\nDas ist alt.\n", encoding="utf-8")
    _build(minimal_site)
    path.write_text("---\ntitle: Einfach\n---\nDas ist neu.\n", encoding="utf-8")
    run = run_pactsite("build", "--site", str(minimal_site))
    assert run.exit_code == 0 and "rewrote only" in run.output, run.output
    clean = tmp_path / "clean"
    args = ("--site", str(minimal_site), "--output", str(clean), "--no-cache")
    rebuilt = run_pactsite("build", *args)
    assert rebuilt.exit_code == 0, rebuilt.stderr
    built = minimal_site / "public"
    for page in clean.rglob("*"):
        if page.is_file() and ".pactsite" not in page.parts:
            assert page.read_bytes() == (built / page.relative_to(clean)).read_bytes(), page
    assert "Das ist neu." in (
        built / "pakte/alpha/aktuelles/erste-meldung/leichte-sprache/index.html"
    ).read_text(encoding="utf-8")
