"""Long German words break with a hyphen on a phone, in browsers without a German dictionary."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from pactsite.build import hyphenation, pipeline
from pactsite.outputs.search.text import search_entry
from pactsite.render import hyphenate
from pactsite.render.hyphenate import SOFT_HYPHEN, hyphenate_html, hyphenate_text, hyphenations

from conftest import REPOSITORY, parse_page, run_pactsite
from static_server import serve

if TYPE_CHECKING:  # Playwright takes a second to import: only browser tests pay for it
    from playwright.sync_api import Browser, Page

ARTIFACTS = REPOSITORY / "tests" / "artifacts" / "pages"
LONG_TITLE = "Entwicklungspartnerschaftsvereinbarungen der Beschäftigungsförderung"
LONG_WORD = "Arbeitsmarktintegrationsmaßnahmenkatalog"
NEWS = "content/pacts/alpha/news/2002-10-22-erste-meldung.md"
NEWS_URL = "/pakte/alpha/aktuelles/erste-meldung/"


@pytest.fixture
def long_words_site(minimal_site: Path) -> Path:
    """The minimal site whose first news item has long words in its title, headings and text."""
    (minimal_site / NEWS).write_text(
        f"---\ntitle: {LONG_TITLE}\ndate: 2002-10-22\nsectors: [chemie]\n---\n"
        f"## Beschäftigungsförderung für Langzeitarbeitslose\n\n"
        f"Der {LONG_WORD} wächst. Siehe `Konfigurationsdateiverzeichnisname`.\n",
        encoding="utf-8",
    )
    run = run_pactsite("build", "--site", str(minimal_site))
    assert run.exit_code == 0, run.stderr
    return minimal_site / "public"


def test_long_words_of_titles_headings_and_text_get_soft_hyphens(long_words_site: Path) -> None:
    page = parse_page(long_words_site / NEWS_URL.strip("/") / "index.html")
    h1 = page.xpath("string(//h1)")
    assert "Ent\u00adwick\u00adlungs\u00adpart\u00adner\u00adschafts" in h1
    assert h1.replace(SOFT_HYPHEN, "") == LONG_TITLE
    body_heading = page.xpath("string(//div[@class='prose']/h2)")
    assert "Beschäf\u00adti\u00adgungs\u00adför\u00adde\u00adrung" in body_heading, (
        "a word of a title is hyphenated in the bodies' headings too"
    )
    paragraph = page.xpath("string(//div[@class='prose']/p)")
    assert paragraph.startswith(f"Der {LONG_WORD} wächst."), "running text is left to CSS"
    assert SOFT_HYPHEN not in page.xpath("string(//code)"), "code is shown as written"
    assert SOFT_HYPHEN not in page.xpath("string(//title)")
    assert all(SOFT_HYPHEN not in v for v in page.xpath("//@*")), "never in an attribute"


def test_search_finds_the_words_without_their_soft_hyphens(long_words_site: Path) -> None:
    html = (long_words_site / NEWS_URL.strip("/") / "index.html").read_bytes()
    entry = search_entry(NEWS_URL, html)
    assert entry is not None
    assert entry.title == LONG_TITLE
    assert LONG_WORD in entry.text and SOFT_HYPHEN not in entry.text


def test_short_words_and_other_languages_without_patterns_stay_as_written() -> None:
    words = ["Entwicklungspartnerschaft", "Konfigurationsdatei", "Pakt"]
    assert hyphenations(words, "xx") == {}
    table = hyphenations(words, "de")
    assert table == {
        "Entwicklungspartnerschaft": "Ent\u00adwick\u00adlungs\u00adpart\u00adner\u00adschaft",
        "Konfigurationsdatei": "Kon\u00adfi\u00adgu\u00adra\u00adti\u00adons\u00adda\u00adtei",
    }
    assert hyphenate_text("Pakt für Arbeit", table) == "Pakt für Arbeit"
    html = '<h2><a href="/entwicklungspartnerschaft/">x</a></h2>'
    assert hyphenate_html(html, table) == html, "attributes stay as written"
    heading = "<h2><code>Konfigurationsdatei</code> Konfigurationsdatei</h2>"
    assert hyphenate_html(heading, table) == (
        "<h2><code>Konfigurationsdatei</code> Kon\u00adfi\u00adgu\u00adra\u00adti"
        "\u00adons\u00adda\u00adtei</h2>"
    )


@pytest.fixture
def narrow_phone(chromium: Browser) -> Iterator[Page]:
    """A 320 px wide tab: the narrowest phone WCAG's reflow asks for."""
    context = chromium.new_context(viewport={"width": 320, "height": 640})
    yield context.new_page()
    context.close()


MID_WORD_BREAKS = """els => els.flatMap(el => {
  const bad = [], range = document.createRange();
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  let top = null, before = ' ';
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest('code, pre')) continue;  // code is shown as written
    for (let i = 0; i < node.data.length; i++) {
      const c = node.data[i];
      if (c === '\\u00ad' || /\\s/.test(c)) { before = c; continue; }
      range.setStart(node, i); range.setEnd(node, i + 1);
      const boxes = range.getClientRects();  // at a soft hyphen's break: hyphen, letter
      const box = boxes[boxes.length - 1];
      if (!box) continue;
      if (top !== null && box.top > top + 2 && !/[\\s\\-\\u00ad\\/]/.test(before))
        bad.push(el.textContent.slice(0, 30) + ' | ' + node.data.slice(Math.max(0, i - 8), i + 8));
      top = box.top; before = c;
    }
  }
  return bad;
})"""
"""Where a line of an element starts in the middle of a word, after no space, hyphen or
soft hyphen: the break a visitor reads as a misspelt word."""


@pytest.mark.browser
def test_no_word_breaks_without_a_hyphen_on_a_320px_phone(
    narrow_phone: Page, long_words_site: Path
) -> None:
    with serve(long_words_site) as base:
        narrow_phone.goto(base + NEWS_URL)
        lines = narrow_phone.locator("h1").evaluate(
            "e => Math.round(e.getBoundingClientRect().height"
            " / parseFloat(getComputedStyle(e).lineHeight))"
        )
        assert lines >= 3, "the title is long enough to need breaking"
        broken = narrow_phone.locator("h1, .prose h2").evaluate_all(MID_WORD_BREAKS)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        narrow_phone.screenshot(path=str(ARTIFACTS / "hyphenation-320.png"), full_page=True)
        assert broken == []
        narrow_phone.goto(base + "/aktuelles/")
        assert narrow_phone.locator(".card__title").first.evaluate_all(MID_WORD_BREAKS) == []


def test_the_packed_patterns_hyphenate_as_pyphen_does(tmp_path: Path) -> None:
    import pyphen

    words = ["Arbeitsmarktpolitik", "Qualifizierungsmaßnahme", LONG_WORD, "Fachkräftesicherung"]
    expected = {
        w: pyphen.Pyphen(lang="de_DE", left=3, right=3).inserted(w, "\u00ad") for w in words
    }
    script = (
        "import json, sys; from pactsite.render.hyphenate import hyphenations as h;"
        f"print(json.dumps(h({words!r}, 'de')))"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    for _ in range(2):  # parsed and packed, then from the packed copy
        done = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) == {w: h for w, h in expected.items() if h != w}
    assert list((tmp_path / "pactsite").glob("*.packed"))


def _hyphenate_in_a_new_process(cache: Path) -> str:
    script = (
        "from pactsite.render.hyphenate import hyphenations as h;"
        "print(h(['Arbeitsmarkt'], 'de')['Arbeitsmarkt'])"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_parsed_patterns_are_kept_in_the_user_cache_and_a_broken_copy_is_replaced(
    tmp_path: Path,
) -> None:
    assert _hyphenate_in_a_new_process(tmp_path) == "Arbeits\u00admarkt"
    (kept,) = (tmp_path / "pactsite").glob("hyph-*-hyph_de_DE-*.packed")
    written = kept.stat().st_mtime_ns
    assert _hyphenate_in_a_new_process(tmp_path) == "Arbeits\u00admarkt", "from the kept copy"
    assert kept.stat().st_mtime_ns == written, "read, not written again"
    kept.write_bytes(b"not a pickle")
    assert _hyphenate_in_a_new_process(tmp_path) == "Arbeits\u00admarkt"
    assert kept.read_bytes().startswith(b"\x80"), "parsed again and kept again"


def test_parsed_patterns_of_other_installs_do_not_pile_up_in_the_user_cache(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "pactsite"
    folder.mkdir()
    for number in range(6):  # what six earlier virtual environments left behind
        old = folder / f"hyph-0.0-hyph_de_DE-{number}.pickle"
        old.write_bytes(b"old")
        os.utime(old, ns=(number * 10**9, number * 10**9))
    other_dictionary = folder / "hyph-0.0-hyph_en_GB-0.pickle"
    other_dictionary.write_bytes(b"old")
    assert _hyphenate_in_a_new_process(tmp_path) == "Arbeits\u00admarkt"
    kept = sorted(p.name for p in folder.glob("hyph-*-hyph_de_DE-*"))
    assert len(kept) == 4, kept  # this install's copy and the three newest of the others
    assert any(name.endswith(".packed") for name in kept)
    assert "hyph-0.0-hyph_de_DE-5.pickle" in kept and "hyph-0.0-hyph_de_DE-2.pickle" not in kept
    assert other_dictionary.exists()


def test_a_rebuild_takes_the_hyphenation_from_the_build_cache(long_words_site: Path) -> None:
    kept = long_words_site.parent / ".pactsite-cache" / "hyphenation-de.json"
    data = json.loads(kept.read_text(encoding="utf-8"))
    assert (
        data["words"]["Beschäftigungsförderung"]
        == "Beschäf\u00adti\u00adgungs\u00adför\u00adde\u00adrung"
    )
    data["words"]["Beschäftigungsförderung"] = "Beschäftigungs\u00adförderung"
    kept.write_text(json.dumps(data), encoding="utf-8")
    news = long_words_site.parent / NEWS
    news.write_text(news.read_text(encoding="utf-8") + "\nNoch ein Satz.\n", encoding="utf-8")
    fresh = long_words_site.parent / "other"
    run = run_pactsite("build", "--site", str(long_words_site.parent), "--output", str(fresh))
    assert run.exit_code == 0, run.stderr
    h1 = parse_page(fresh / NEWS_URL.strip("/") / "index.html").xpath("string(//h1)")
    assert "Beschäftigungs\u00adförderung" in h1, "the kept answer was used, not asked again"


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The languages of the hyphenation processes started from now on (they still run)."""
    languages: list[str] = []
    start = hyphenation._start

    def counted(language: str) -> hyphenation._Hyphenator:
        languages.append(language)
        return start(language)

    monkeypatch.setattr(hyphenation, "_start", counted)
    monkeypatch.setattr(hyphenation, "_ANSWERED", {})  # as in a new process
    return languages


def test_a_process_started_before_the_words_are_known_answers_them(started: list[str]) -> None:
    hyphenation.start_hyphenation(["de"], None)
    assert started == ["de"]
    table = hyphenation.hyphenation_table(["Arbeitsmarkt", "Pakt"], "de", None)
    assert table == {"Arbeitsmarkt": f"Arbeits{SOFT_HYPHEN}markt"}
    assert started == ["de"], "the words went to the process started before"


def test_a_hyphenation_process_that_fails_leaves_the_titles_unhyphenated_without_a_traceback(
    started: list[str], monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    def broken(language: str) -> None:
        raise RuntimeError("patterns unreadable")

    monkeypatch.setattr(hyphenate, "load_patterns", broken)  # the forked process has it too
    assert hyphenation.hyphenation_table(["Arbeitsmarkt"], "de", None) == {}
    assert started == ["de"]
    assert "Traceback" not in capfd.readouterr().err


def test_a_build_starts_the_hyphenation_early_a_check_and_a_rebuild_do_not(
    minimal_site: Path, started: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    early: list[list[str]] = []
    start = pipeline.start_hyphenation

    def noted(languages: list[str], folder: Path | None) -> None:
        early.append(list(languages))
        start(languages, folder)

    monkeypatch.setattr(pipeline, "start_hyphenation", noted)
    assert run_pactsite("build", "--site", str(minimal_site)).exit_code == 0
    assert early == [["de"]]
    assert started == ["de"]
    assert not hyphenation._STARTED, "the build sent its titles to the process it started"
    assert run_pactsite("check", "--site", str(minimal_site)).exit_code == 0
    assert early == [["de"]], "a check renders no titles"
    (minimal_site / NEWS).write_text(
        (minimal_site / NEWS).read_text(encoding="utf-8").replace("Erste", "Neue"),
        encoding="utf-8",
    )
    assert run_pactsite("build", "--site", str(minimal_site)).exit_code == 0
    assert started == ["de"], "the answers are kept in the build cache"
