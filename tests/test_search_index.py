"""The search index in /suchindex/: what it holds, and that an edit updates it like a rebuild."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import Stemmer  # type: ignore[import-not-found]
from hypothesis import given, settings
from hypothesis import strategies as st

import pactsite.build.pipeline as pipeline
import pactsite.build.workers as workers
from pactsite.build.pipeline import BuildOptions, build
from pactsite.content.words import SNOWBALL, stemmer
from pactsite.diagnostics import BuildFailed, OutputError
from pactsite.outputs import OutputFile
from pactsite.outputs.search import index as search
from pactsite.outputs.search.text import fold, search_entry, stem, words_of

from conftest import Run, run_pactsite

Build = Callable[..., tuple[Run, Path]]
NEWS_PAGE = "pakte/halle/aktuelles/schaffung-und-sicherung-neuer-arbeitsplaetze/index.html"
PROJECT_URL = "pakte/halle/projekte/kleinstprojekte-halle/"
PROJECT_PAGE = PROJECT_URL + "index.html"
NOW = dt.datetime(2003, 1, 1, tzinfo=dt.UTC)


def _index(out: Path) -> dict[str, bytes]:
    folder = out / search.INDEX_FOLDER
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _fragments(out: Path) -> list[dict[str, str]]:
    folder = out / search.INDEX_FOLDER / "seiten"
    return [json.loads(p.read_text(encoding="utf-8")) for p in folder.glob("*.json")]


def _shard(out: Path, word: str) -> dict[str, dict[str, list[object]]]:
    name = search.shard_file_name(search.shard_key(word))
    path = out / search.INDEX_FOLDER / "w" / f"{name}.json"
    data: dict[str, dict[str, list[object]]] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_the_index_holds_every_page_a_visitor_looks_for_and_no_repeated_lists(
    example_build: Path,
) -> None:
    marked = [p for p in example_build.rglob("*.html") if b" data-search" in p.read_bytes()]
    meta = json.loads((example_build / "suchindex/meta.json").read_text(encoding="utf-8"))
    assert meta == {"pages": len(marked)}
    kinds = {fragment["url"]: fragment["kind"] for fragment in _fragments(example_build)}
    assert len(kinds) == len(marked)
    expected = {
        "/pakte/halle/": "Pakt",
        "/" + NEWS_PAGE.removesuffix("index.html"): "Nachricht",
        "/pakte/halle/termine/erfahrungsaustausch/": "Termin",
        "/branchen/chemie/": "Branche",
        "/foerderung/lokales-kapital/": "Förderung",
        "/projekte/zielgruppe/arbeitslose/": "Zielgruppe",
        "/projekte/": "Übersicht",
        "/aktuelles/": "Übersicht",
        "/termine/": "Übersicht",
        "/pakte/": "Übersicht",
    }
    assert {url: kinds.get(url) for url in expected} == expected
    for listing in (
        "/",
        "/suche/",
        "/404.html",
        "/pakte/halle/aktuelles/",  # the pact's lists are on its profile
        "/projekte/branche/chemie/",  # the sector page lists these projects
        "/projekte/foerderung/equal/",  # so does the fund's page
        "/projekte/status/laufend/",
    ):
        assert listing not in kinds, listing
    assert not (example_build / "pagefind").exists()


def test_an_overview_is_found_by_its_heading_lead_and_names_not_by_what_it_lists(
    example_build: Path,
) -> None:
    (projects,) = [f for f in _fragments(example_build) if f["url"] == "/projekte/"]
    assert projects["title"] == "Projekte"
    assert "Biotechnologie" not in projects["text"], "the projects it lists are not its text"
    assert "Projektverzeichnis" in projects["names"]
    (sector,) = [f for f in _fragments(example_build) if f["url"] == "/branchen/chemie/"]
    assert sector["title"] == "Chemische Industrie"
    assert sector["names"] == "chemie Chemische Industrie Branche Wirtschaftszweig"


def test_an_entry_is_found_by_the_keys_and_labels_of_its_vocabulary(example_build: Path) -> None:
    url = "/pakte/merseburg-querfurt/projekte/qualifizierung-chemie/"
    (project,) = [f for f in _fragments(example_build) if f["url"] == url]
    assert {stem("chemie"), stem("chemische"), stem("industrie"), stem("arbeitslose")} <= set(
        search.page_terms(search.SearchEntry(**project))[0]
    )
    assert "Chemie" not in project["text"], "the project's text says Chemische Industrie only"


def test_a_result_knows_title_kind_and_pact_of_its_page(example_build: Path) -> None:
    (news,) = [f for f in _fragments(example_build) if f["url"].endswith("arbeitsplaetze/")]
    assert news["title"] == "Schaffung und Sicherung neuer Arbeitsplätze"
    assert news["kind"] == "Nachricht"
    assert news["pact"] == "Bündnis für Innovation und Beschäftigung Halle"


def test_the_text_is_the_pages_own_words_without_navigation_or_facts(example_build: Path) -> None:
    (project,) = [f for f in _fragments(example_build) if f["url"] == "/" + PROJECT_URL]
    text = project["text"]
    assert text.startswith("Kleinstprojekte aus dem Lokalen Kapital")
    assert "unbürokratische Vergabe von Geldern" in text
    assert "Startseite" not in text, "the breadcrumb is navigation"
    assert "Zielgruppen" not in text, "the table of facts is left out"
    assert "arbeitsmarktrelevanten Umfeld. Die ersten" in text, "paragraphs stay apart by a space"


def test_words_are_folded_and_stemmed_the_german_way() -> None:
    assert fold("Lösungsstrategien") == "losungsstrategien"
    assert fold("Straße") == "strasse"
    assert stem("projekte") == stem("projekt") == "projekt"
    assert stem("qualifizierungen") == stem("qualifizierung")
    assert words_of("Halle-Dessau, IHK; 2003 & a") == {"halle": 1, "dessau": 1, "ihk": 1, "2003": 1}


def test_the_word_map_gives_each_site_word_its_stem(example_build: Path) -> None:
    words = _shard(example_build, "projekte")["words"]
    assert words["projekte"][0] == words["projekt"][0] == "projekt"
    postings = _shard(example_build, "projekt")["stems"]["projekt"]
    assert len(postings) // 2 >= max(words["projekte"][1], words["projekt"][1]) > 0


def test_check_does_not_make_the_search_index(
    minimal_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("check made the search index")

    monkeypatch.setattr(pipeline, "start_search_index", refuse)
    assert run_pactsite("check", "--site", str(minimal_site)).exit_code == 0


def test_a_minimal_site_gets_an_index_too(build_minimal: Build) -> None:
    run, out = build_minimal()
    assert run.exit_code == 0, run.stderr
    assert json.loads((out / "suchindex/meta.json").read_text(encoding="utf-8"))["pages"] > 0


def test_a_quick_rebuild_rewrites_only_the_index_files_of_the_words_it_touched(
    minimal_site: Path,
) -> None:
    out = minimal_site / "public"
    assert run_pactsite("build", "--site", str(minimal_site)).exit_code == 0
    before = _index(out)
    news = minimal_site / "content/pacts/alpha/news/2002-10-22-erste-meldung.md"
    news.write_text(news.read_text(encoding="utf-8") + "\nZaunkönigsuche.\n", encoding="utf-8")
    run = run_pactsite("build", "--site", str(minimal_site))
    assert run.exit_code == 0 and "rewrote only" in run.output, run.output
    after = _index(out)
    changed = {path for path in after.keys() | before.keys() if after.get(path) != before.get(path)}
    fragment = next(p for p in changed if "/seiten/" in p)
    # the new word's file; those that list it as near to their key ("aun", "zun", "zan": it
    # without one of its first three letters, for typos there); that of the compounds
    # ending like its stem "zaunkonigsuch"
    near = {f"suchindex/w/{key}.json" for key in ("aun", "zun", "zan")}
    assert changed == {fragment, "suchindex/w/zau.json", *near, "suchindex/e/uch.json"}
    assert _shard(out, "zaunkonigsuche")["words"]["zaunkonigsuche"][1] == 1


def _example_pages(example_build: Path) -> list[OutputFile]:
    return [
        OutputFile(PurePosixPath(p.relative_to(example_build).as_posix()), p.read_bytes())
        for p in sorted(example_build.rglob("*.html"))
    ]


@dataclass(frozen=True)
class ExampleIndex:
    """The example site's pages and the index made of them, read and made once a module."""

    pages: list[OutputFile]
    indexed: tuple[str, ...]
    files: dict[str, bytes]


@pytest.fixture(scope="module")
def example_index(example_build: Path) -> ExampleIndex:
    """The example's pages and their index: the same for every case, so made once."""
    pages = _example_pages(example_build)
    made = search.build_search_index(pages)
    return ExampleIndex(pages, made.pages, {str(f.path): f.content for f in made.files})


def _apply(
    files: dict[str, bytes], update: tuple[list[OutputFile], set[str]] | None
) -> dict[str, bytes]:
    assert update is not None
    written, removed = update
    result = {path: content for path, content in files.items() if path not in removed}
    result.update((str(f.path), f.content) for f in written)
    return result


def _reader(files: dict[str, bytes]) -> Callable[[str], bytes]:
    """Read a previous index file as the build does from the output folder."""

    def read(path: str) -> bytes:
        if path not in files:
            raise FileNotFoundError(path)
        return files[path]

    return read


def _edited(pages: list[OutputFile], path: str, old: str, new: str) -> list[OutputFile]:
    edited = []
    for page in pages:
        if str(page.path) == path:
            assert old.encode() in page.content
            page = OutputFile(page.path, page.content.replace(old.encode(), new.encode(), 1))
        edited.append(page)
    return edited


WORDS = st.text(alphabet="aäbeinorsßtuüzÄ", min_size=1, max_size=12)


@settings(max_examples=25, deadline=None)
@given(added=st.lists(WORDS, max_size=6), drop_lead=st.booleans(), news_too=st.lists(WORDS))
def test_an_updated_index_equals_one_made_afresh(
    example_index: ExampleIndex, added: list[str], drop_lead: bool, news_too: list[str]
) -> None:
    pages, before = example_index.pages, example_index.files
    old = "Kleinstprojekte im sozialen und arbeitsmarktrelevanten Umfeld"
    new = ("" if drop_lead else old) + " " + " ".join(added)
    edited = _edited(pages, PROJECT_PAGE, old, new)
    if news_too:  # a body shown on two pages changes both
        edited = _edited(edited, NEWS_PAGE, "Lösungsstrategien", " ".join(news_too))
    changed = [p for p in edited if str(p.path) in {PROJECT_PAGE, NEWS_PAGE}]
    update = search.update_search_index(example_index.indexed, changed, _reader(before))
    fresh = search.build_search_index(edited)
    assert _apply(before, update) == {str(f.path): f.content for f in fresh.files}


def test_a_word_gone_from_its_only_page_leaves_the_index(example_index: ExampleIndex) -> None:
    pages, before = example_index.pages, example_index.files
    edited = _edited(pages, NEWS_PAGE, "Lösungsstrategien", "Wege")
    changed = [p for p in edited if str(p.path) == NEWS_PAGE]
    update = search.update_search_index(example_index.indexed, changed, _reader(before))
    after = _apply(before, update)
    shard = json.loads(after["suchindex/w/los.json"])
    assert "losungsstrategien" not in shard["words"]
    assert after == {str(f.path): f.content for f in search.build_search_index(edited).files}


def test_a_changed_page_the_index_does_not_know_asks_for_a_whole_index(
    example_index: ExampleIndex,
) -> None:
    news = next(p for p in example_index.pages if str(p.path) == NEWS_PAGE)
    unknown = OutputFile(PurePosixPath("neu/index.html"), news.content)
    assert search.update_search_index(example_index.indexed, [unknown], lambda _: b"") is None


def test_the_text_leaves_out_excluded_parts_however_nested_and_keeps_blocks_apart() -> None:
    page = (
        '<html><nav>Menü</nav><main id="m" data-search data-kind="Projekt" data-pact="A &amp; B">'
        '<nav class="breadcrumb"><ol><li>Start</li></ol></nav>'
        "<h1>Titel <em>mit</em> Nachdruck</h1>"
        "<p>Erster&nbsp;Absatz mit <strong>Arb</strong>eit.</p><p>Zweiter</p>"
        '<div class="x related y"><div><div>Verwandt</div></div><p>auch weg</p></div>'
        "<script>var versteckt = 1;</script><!-- Kommentar <p>weg</p> -->"
        "<ul><li>Liste</li><li>Ende&lt;p&gt;</li></ul>"
        "<img class='facts' alt='Bild'><dl class='facts'><dt>Stand</dt></dl>"
        "<p>Schluss</p></main><footer>Fuß</footer></html>"
    )
    entry = search_entry("/a/", page.encode())
    assert entry is not None
    assert entry.title == "Titel mit Nachdruck"
    assert entry.kind == "Projekt" and entry.pact == "A & B"
    assert entry.text == (
        "Titel mit Nachdruck Erster Absatz mit Arbeit. Zweiter Liste Ende<p> Schluss"
    )


def test_a_page_without_the_mark_is_not_indexed() -> None:
    assert search_entry("/a/", b"<html><main><h1>Titel</h1><p>Text</p></main></html>") is None


def test_a_forked_index_equals_one_made_here(
    example_index: ExampleIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workers, "INDEX_APART_FROM", 0)
    with workers.start_search_index(example_index.pages) as indexing:
        assert indexing.forked
        forked = indexing.finish()
    assert forked.pages == example_index.indexed
    assert [(str(f.path), f.content) for f in forked.files] == [*example_index.files.items()]


def test_a_build_failing_while_the_index_is_made_stops_its_process(
    minimal_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[workers.SearchIndexing] = []
    real_start = workers.start_search_index

    def record(files: list[OutputFile], *args: Any) -> workers.SearchIndexing:
        indexing = real_start(files, *args)
        started.append(indexing)
        return indexing

    def fail(*args: object, **kwargs: object) -> None:
        assert started and started[0].forked and started[0].running, "indexing while feeds"
        raise BuildFailed([])

    monkeypatch.setattr(workers, "INDEX_APART_FROM", 0)
    monkeypatch.setattr(pipeline, "start_search_index", record)
    monkeypatch.setattr(pipeline, "build_feeds", fail)
    out = minimal_site / "public"
    with pytest.raises(BuildFailed):
        build(minimal_site, out, BuildOptions(now=NOW))
    assert not started[0].running
    assert not out.exists()


def test_an_indexing_process_that_dies_is_a_clean_error(
    monkeypatch: pytest.MonkeyPatch, example_build: Path
) -> None:
    def crash(*_: object) -> None:
        raise MemoryError("kein Speicher")

    monkeypatch.setattr(workers, "INDEX_APART_FROM", 0)
    monkeypatch.setattr(workers, "build_search_index", crash)
    with (
        pytest.raises(OutputError, match="making the search index failed: MemoryError: kein"),
        workers.start_search_index(_example_pages(example_build)) as indexing,
    ):
        indexing.finish()


def _same_index(first: search.SearchIndex, second: search.SearchIndex) -> None:
    assert first.pages == second.pages
    assert {str(f.path): f.content for f in first.files} == {
        str(f.path): f.content for f in second.files
    }


def test_an_index_read_in_two_processes_equals_one_read_in_one(
    monkeypatch: pytest.MonkeyPatch, example_build: Path
) -> None:
    monkeypatch.setattr(workers, "INDEX_SPLIT_FROM", 2)
    pages = _example_pages(example_build)
    _same_index(
        search.build_search_index(pages, read=workers._read_in_two),
        search.build_search_index(pages),
    )


def test_an_index_helper_process_that_fails_leaves_its_pages_to_the_indexing_process(
    monkeypatch: pytest.MonkeyPatch, example_build: Path
) -> None:
    here = os.getpid()
    read_part = search.read_part

    def failing_apart(
        pages: Sequence[OutputFile], language: str = "de", made: search.Fragments | None = None
    ) -> search.IndexPart:
        if os.getpid() != here:
            raise MemoryError("kein Speicher")
        return read_part(pages, language, made)

    monkeypatch.setattr(workers, "INDEX_SPLIT_FROM", 2)
    monkeypatch.setattr(workers, "read_part", failing_apart)
    pages = _example_pages(example_build)
    _same_index(
        search.build_search_index(pages, read=workers._read_in_two),
        search.build_search_index(pages),
    )


def test_long_stems_are_listed_by_their_ending_for_compounds(example_build: Path) -> None:
    """The browser finds "Entwicklungspartnerschaft" for "Partnerschaft" in e/aft.json."""
    compounds = json.loads((example_build / "suchindex/e/aft.json").read_text(encoding="utf-8"))
    assert stem("entwicklungspartnerschaft") in compounds
    assert compounds == sorted(compounds)
    assert all(len(term) >= search.MIN_COMPOUND and term.endswith("aft") for term in compounds)


def test_a_word_is_listed_near_the_keys_it_has_without_one_of_its_first_letters(
    example_build: Path,
) -> None:
    """ "Maddeburg" and "magdeburg" both begin with "mad" once their third letter is left out:
    w/mad.json lists "magdeburg" as near, though no word of the site begins with "mad"."""
    assert search.typo_keys("magdeburg") == {"agd", "mgd", "mad"}
    assert "magdeburg" in _shard(example_build, "mad")["near"]
    assert search.typo_keys("pakt") == {"akt", "pkt", "pat"}
    assert search.typo_keys("pak") == set(), "a word of three letters is not corrected"


def test_each_language_has_its_snowball_stems_and_one_without_a_stemmer_its_words() -> None:
    assert set(SNOWBALL.values()) <= set(Stemmer.algorithms())
    assert [stemmer("en")(w) for w in ("employers", "employment")] == ["employ", "employ"]
    assert stemmer("de")("projekte") == stemmer("de")("projekt")
    assert stemmer("fr")("formations") == stemmer("fr")("formation")
    assert stemmer("sl")("zaposlitve") == "zaposlitve"  # Slovenian: Snowball has none
