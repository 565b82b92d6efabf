"""Search (/suche/): Pagefind's index of the built site, and our own search page in Chromium."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path, PurePosixPath

import pytest
from playwright.sync_api import Browser, Page, expect
from test_accessibility import axe_violations

import pactsite.build as pipeline
from pactsite.artifact import OutputFile
from pactsite.build import BuildOptions, build
from pactsite.diagnostics import BuildFailed, OutputError
from pactsite.outputs import search

from conftest import REPOSITORY, Run, parse_page, run_pactsite
from static_server import netlify_headers, serve

Build = Callable[..., tuple[Run, Path]]

NEWS_FILE = (
    REPOSITORY
    / "content/pacts/halle/news/2002-10-22-schaffung-und-sicherung-neuer-arbeitsplaetze.md"
)
NEWS_URL = "/pakte/halle/aktuelles/schaffung-und-sicherung-neuer-arbeitsplaetze/"
NEWS_ONLY_WORD = "Lösungsstrategien"
"""A word of the Halle press note's body and of no other content file."""


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


def test_build_writes_a_german_index_of_the_content_pages_only(example_build: Path) -> None:
    entry = json.loads((example_build / "pagefind/pagefind-entry.json").read_text())
    assert list(entry["languages"]) == ["de"]
    marked = [p for p in example_build.rglob("*.html") if b"data-pagefind-body" in p.read_bytes()]
    assert entry["languages"]["de"]["page_count"] == len(marked)
    indexed = {str(p.relative_to(example_build)) for p in marked}
    assert "pakte/halle/index.html" in indexed
    assert NEWS_URL.strip("/") + "/index.html" in indexed
    for listing in (
        "index.html",
        "aktuelles/index.html",
        "projekte/index.html",
        "suche/index.html",
        "404.html",
        "branchen/chemie/index.html",
    ):
        assert listing not in indexed, listing
    assert (example_build / "pagefind/pagefind.js").is_file()
    assert not list((example_build / "pagefind").glob("pagefind-ui*")), "unused default UI"


def test_results_name_the_pact_of_the_page(example_build: Path) -> None:
    main = parse_page(example_build / NEWS_URL.strip("/") / "index.html").xpath("//main")[0]
    assert main.get("data-pact") == "Bündnis für Innovation und Beschäftigung Halle"
    assert "pact[data-pact]" in main.get("data-pagefind-meta")


def test_check_does_not_build_the_search_index(
    minimal_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("check ran Pagefind")

    monkeypatch.setattr(subprocess, "run", refuse)
    assert run_pactsite("check", "--site", str(minimal_site)).exit_code == 0


def test_a_minimal_site_gets_an_index_too(build_minimal: Build) -> None:
    run, out = build_minimal()
    assert run.exit_code == 0, run.stderr
    assert (out / "pagefind/pagefind.js").is_file()


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
    expect(results.first.locator("mark")).to_contain_text(NEWS_ONLY_WORD)
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
    news = minimal_site / "content/pacts/alpha/news/2002-10-22-erste-meldung.md"
    news.write_text(
        news.read_text(encoding="utf-8")
        + "\n\nSchnabeltier `<img src=x id=injiziert>` und Schnabeltier.\n",
        encoding="utf-8",
    )
    run, out = build_minimal()
    assert run.exit_code == 0, run.stderr
    with serve(out, netlify_headers(REPOSITORY / "netlify.toml")) as base:
        context = chromium.new_context()
        page = context.new_page()
        page.goto(base + "/suche/?q=Schnabeltier")
        result = page.locator("#ps_search_results > li")
        expect(result).to_have_count(1)
        expect(result.locator(".search-result__excerpt")).to_contain_text("<img src=x")
        assert page.locator("#injiziert").count() == 0
        context.close()


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


def _index_files(out: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in (out / "pagefind").rglob("*")
        if p.is_file()
    }


def test_a_reusing_rebuild_carries_the_index_over_unchanged_without_pagefind(
    minimal_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = minimal_site / "public"
    options = BuildOptions(now=dt.datetime(2003, 1, 1, tzinfo=dt.UTC))
    build(minimal_site, out, options)
    before = _index_files(out)
    assert "pagefind/pagefind-entry.json" in before
    news = minimal_site / "content/pacts/alpha/news/2002-10-22-erste-meldung.md"
    news.write_text(news.read_text(encoding="utf-8") + "\nZaunkönigsuche.\n", encoding="utf-8")

    real_popen = subprocess.Popen

    def refuse(command: list[str], **kwargs: object) -> subprocess.Popen[bytes]:
        assert "pagefind" not in str(command[0]), "a reusing build ran Pagefind"
        return real_popen(command, **kwargs)  # type: ignore[call-overload]

    with monkeypatch.context() as patch:
        patch.setattr(subprocess, "Popen", refuse)  # subprocess.run starts one too
        build(minimal_site, out, replace(options, search_index="reuse"))
    assert _index_files(out) == before
    assert "Zaunkönigsuche" in (out / "pakte/alpha/aktuelles/erste-meldung/index.html").read_text()
    build(minimal_site, out, options)
    assert _index_files(out) != before


def test_a_reusing_build_without_a_previous_index_builds_one(minimal_site: Path) -> None:
    out = minimal_site / "public"
    options = BuildOptions(now=dt.datetime(2003, 1, 1, tzinfo=dt.UTC), search_index="reuse")
    build(minimal_site, out, options)
    assert (out / "pagefind/pagefind-entry.json").is_file()


def test_pagefind_is_given_only_the_indexed_part_and_builds_the_same_index(
    example_build: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = [
        OutputFile(PurePosixPath(p.relative_to(example_build).as_posix()), p.read_bytes())
        for p in sorted(example_build.rglob("*.html"))
    ]
    pages = search.indexed_pages(files)
    assert pages
    for page in pages:  # the navigation around <main> is left out
        part = search.indexed_part(page.content)
        assert len(part) < len(page.content) and b"<body><main " in part
    slim = search.build_search_index(files)
    monkeypatch.setattr(search, "indexed_part", lambda page: page)
    assert slim == search.build_search_index(files)


def test_a_build_failing_while_pagefind_runs_stops_it_and_leaves_no_folder(
    minimal_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[subprocess.Popen[bytes]] = []
    folders: list[Path] = []
    real_popen = subprocess.Popen

    def record(command: list[str], **kwargs: object) -> subprocess.Popen[bytes]:
        process = real_popen(command, **kwargs)  # type: ignore[call-overload]
        started.append(process)
        folders.append(Path(str(kwargs["cwd"])))
        return process

    def fail(*args: object, **kwargs: object) -> None:
        assert started and started[0].returncode is None, "Pagefind runs during the feeds"
        raise BuildFailed([])

    monkeypatch.setattr(subprocess, "Popen", record)
    monkeypatch.setattr(pipeline, "build_feeds", fail)
    out = minimal_site / "public"
    with pytest.raises(BuildFailed):
        build(minimal_site, out, BuildOptions(now=dt.datetime(2003, 1, 1, tzinfo=dt.UTC)))
    assert started[0].returncode is not None  # ended and reaped, not left running
    assert not folders[0].exists()
    assert not out.exists()


def test_a_failing_pagefind_is_a_clean_error_and_keeps_the_site(
    minimal_site: Path, tmp_path: Path
) -> None:
    out = minimal_site / "public"
    options = BuildOptions(now=dt.datetime(2003, 1, 1, tzinfo=dt.UTC))
    build(minimal_site, out, options)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    broken = tmp_path / "pagefind"
    broken.write_text("#!/bin/sh\necho 'Pagefind stolpert' >&2\nexit 3\n", encoding="utf-8")
    broken.chmod(0o755)
    files = [OutputFile(PurePosixPath("a/index.html"), b"<main data-pagefind-body>x</main>")]
    with pytest.raises(OutputError, match="Pagefind failed: Pagefind stolpert"):
        search.build_search_index(files, broken)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_a_build_sweeps_up_what_a_killed_build_left_behind(
    minimal_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    leftover = tmp_path / f"{search.folder_prefix(int(ended.stdout))}x1y2"
    (leftover / "site").mkdir(parents=True)
    (leftover / "site/seite.html").write_text("<main data-pagefind-body>x</main>")
    orphan = subprocess.Popen(  # stands in for the killed build's Pagefind, still indexing
        [sys.executable, "-c", "import time; time.sleep(60)", "--site", str(leftover / "site")]
    )
    running = tmp_path / f"{search.folder_prefix(os.getpid())}a1b2"  # a build that still runs
    running.mkdir()
    elsewhere = tmp_path / f"pactsite-search-{int(ended.stdout)}@0000ffff-c3d4"  # other machine
    elsewhere.mkdir()
    monkeypatch.setattr(search, "_memory_folder", lambda needed: str(tmp_path))
    try:
        build(
            minimal_site,
            minimal_site / "public",
            BuildOptions(now=dt.datetime(2003, 1, 1, tzinfo=dt.UTC)),
        )
        assert orphan.wait(timeout=10) == -signal.SIGKILL
    finally:
        orphan.kill()
        orphan.wait()
    assert not leftover.exists()
    assert running.is_dir()
    assert elsewhere.is_dir()
    assert (minimal_site / "public/pagefind/pagefind-entry.json").is_file()
