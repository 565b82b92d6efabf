"""The build cache and worker processes never change the output: same bytes as a clean build."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from conftest import FIXTURES, REPOSITORY, copy_site, run_pactsite

sys.path.insert(0, str(REPOSITORY / "bench"))
from generate import write_site

PACTSITE = [sys.executable, "-m", "pactsite"]
NEWS = "content/pacts/alpha/news"


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _cached_build(site: Path) -> Path:
    run = run_pactsite("build", "--site", str(site))
    assert run.exit_code == 0, run.stderr
    return site / "public"


def _clean_build(site: Path, out: Path) -> dict[str, bytes]:
    run = run_pactsite("build", "--site", str(site), "--output", str(out), "--no-cache")
    assert run.exit_code == 0, run.stderr
    return _tree(out)


def _edit_body(site: Path) -> None:
    with (site / NEWS / "2002-10-22-erste-meldung.md").open("a", encoding="utf-8") as file:
        file.write("\nEin neuer Absatz mit **Nachtrag**.\n")


def _edit_front_matter(site: Path) -> None:
    path = site / "content/pacts/beta/news/2003-01-05-dritte-meldung.md"
    path.write_text(path.read_text().replace("Dritte Meldung", "Geänderte Meldung"))


def _edit_links(site: Path) -> None:
    path = site / "content/pacts/beta/news/2003-01-05-dritte-meldung.md"
    with path.open("a", encoding="utf-8") as file:
        file.write("\nSiehe die [erste Meldung aus Alpha](pact:alpha/news/erste-meldung).\n")


def _add_file(site: Path) -> None:
    (site / NEWS / "2003-02-01-neue-meldung.md").write_text(
        "---\ntitle: Neue Meldung\ndate: 2003-02-01\nsectors: [ikt]\n---\n"
        "Mehr beim [Pakt Beta](pact:beta).\n",
        encoding="utf-8",
    )


def _delete_file(site: Path) -> None:
    (site / NEWS / "2002-11-01-zweite-meldung.md").unlink()


def _rename_file(site: Path) -> None:
    folder = site / "content/pacts/beta/news"
    (folder / "2003-01-05-dritte-meldung.md").rename(folder / "2003-01-05-umbenannt.md")


def _add_tag(site: Path) -> None:
    path = site / "content/pacts/beta/news/2003-01-05-dritte-meldung.md"
    text = path.read_text().replace("date: 2003-01-05", "date: 2003-01-05\ntags: [Chemie]")
    path.write_text(text)


def _change_template(site: Path) -> None:
    (site / "templates").mkdir(exist_ok=True)
    base = (REPOSITORY / "themes/default/templates/base.html").read_text(encoding="utf-8")
    assert "</footer>" in base
    marked = base.replace("</footer>", "<p>Testmarke</p></footer>", 1)
    (site / "templates/base.html").write_text(marked, encoding="utf-8")


def _change_config(site: Path) -> None:
    path = site / "site.yaml"
    path.write_text(path.read_text().replace("title: Testnetz", "title: Anderes Netz"))


CHANGES: dict[str, Callable[[Path], None]] = {
    "edit body": _edit_body,
    "edit front matter": _edit_front_matter,
    "add a tag (topic pages appear)": _add_tag,
    "edit links (backlinks change)": _edit_links,
    "add file": _add_file,
    "delete file": _delete_file,
    "rename file": _rename_file,
    "change template": _change_template,
    "change site.yaml": _change_config,
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_cached_rebuild_after_a_change_equals_a_clean_build(
    minimal_site: Path, tmp_path: Path, change: Callable[[Path], None]
) -> None:
    before = _tree(_cached_build(minimal_site))
    change(minimal_site)
    after = _tree(_cached_build(minimal_site))
    assert after != before, "the change did not show in the output"
    assert after == _clean_build(minimal_site, tmp_path / "clean")


def _add_translation(site: Path) -> None:
    (site / NEWS / "2002-11-01-zweite-meldung.en.md").write_text(
        "---\ntitle: Second news\n---\nSee [the first news](2002-10-22-erste-meldung.md).\n",
        encoding="utf-8",
    )


def _change_translation(site: Path) -> None:
    with (site / NEWS / "2002-10-22-erste-meldung.en.md").open("a", encoding="utf-8") as file:
        file.write("\nA new paragraph with an **addendum**.\n")


def _retitle_translation(site: Path) -> None:
    path = site / NEWS / "2002-10-22-erste-meldung.en.md"
    path.write_text(path.read_text().replace("title: First news", "title: Renamed news"))


def _delete_translation(site: Path) -> None:
    (site / "content/pacts/alpha/events/2002-10-16-treffen.en.md").unlink()


TRANSLATION_CHANGES: dict[str, Callable[[Path], None]] = {
    "edit the original's body": _edit_body,
    "add a translation": _add_translation,
    "edit a translation's body": _change_translation,
    "edit a translation's title": _retitle_translation,
    "delete a translation": _delete_translation,
}


@pytest.mark.parametrize("change", TRANSLATION_CHANGES.values(), ids=TRANSLATION_CHANGES.keys())
def test_cached_rebuild_of_a_bilingual_site_after_a_change_equals_a_clean_build(
    tmp_path: Path, change: Callable[[Path], None]
) -> None:
    site = copy_site(FIXTURES / "bilingual", tmp_path / "site")
    before = _tree(_cached_build(site))
    change(site)
    after = _tree(_cached_build(site))
    assert after != before, "the change did not show in the output"
    assert after == _clean_build(site, tmp_path / "clean")


def test_a_template_edited_twice_shows_the_second_edit(minimal_site: Path, tmp_path: Path) -> None:
    _change_template(minimal_site)
    _cached_build(minimal_site)
    override = minimal_site / "templates/base.html"
    override.write_text(override.read_text().replace("Testmarke", "Zweite Marke"))
    after = _tree(_cached_build(minimal_site))
    assert b"Zweite Marke" in after["index.html"]
    assert after == _clean_build(minimal_site, tmp_path / "clean")


def test_unchanged_rebuild_is_served_from_the_cache_and_equal(
    minimal_site: Path, tmp_path: Path
) -> None:
    first = _tree(_cached_build(minimal_site))
    with sqlite3.connect(minimal_site / ".pactsite-cache/cache.sqlite") as db:
        tables = dict(db.execute("SELECT tab, count(*) FROM entries GROUP BY tab").fetchall())
    assert tables.get("bodies", 0) > 0 and tables.get("pages", 0) > 0
    assert _tree(_cached_build(minimal_site)) == first
    assert first == _clean_build(minimal_site, tmp_path / "clean")


def test_a_damaged_or_deleted_cache_only_costs_time(minimal_site: Path, tmp_path: Path) -> None:
    first = _tree(_cached_build(minimal_site))
    (minimal_site / ".pactsite-cache/cache.sqlite").write_bytes(b"kein SQLite " * 100)
    assert _tree(_cached_build(minimal_site)) == first
    shutil.rmtree(minimal_site / ".pactsite-cache")
    assert _tree(_cached_build(minimal_site)) == first


def test_the_writer_reuses_the_previous_build_without_leaving_stale_files(
    minimal_site: Path,
) -> None:
    _cached_build(minimal_site)
    _delete_file(minimal_site)
    _cached_build(minimal_site)
    old = minimal_site / ".public.old"
    (old / "stray.html").write_text("alt")  # what a crash or a person may leave behind
    _cached_build(minimal_site)  # builds into the recycled folder
    public = _tree(minimal_site / "public")
    assert "stray.html" not in public
    assert not any("zweite-meldung" in path for path in public)


def test_the_writer_replaces_a_link_in_the_recycled_folder_instead_of_writing_through_it(
    minimal_site: Path, tmp_path: Path
) -> None:
    _cached_build(minimal_site)
    _delete_file(minimal_site)
    _cached_build(minimal_site)  # now .public.old holds the build before
    outside = tmp_path / "outside.html"
    outside.write_text("fremd")
    recycled = minimal_site / ".public.old" / "index.html"
    recycled.unlink()
    recycled.symlink_to(outside)
    (minimal_site / "site.yaml").write_text(
        (minimal_site / "site.yaml").read_text() + "\n# geändert\n"
    )
    public = _tree(_cached_build(minimal_site))
    assert outside.read_text() == "fremd"
    index = minimal_site / "public" / "index.html"
    assert index.is_file() and not index.is_symlink()
    assert public["index.html"].startswith(b"<!DOCTYPE html>")


def _build_by_workers(site: Path, out: Path, *args: str) -> None:
    """Build with two forked workers in a process of its own, as `pactsite build` runs."""
    forced = {**os.environ, "PACTSITE_MIN_ITEMS_PER_WORKER": "4"}  # workers for a small site
    command = [*PACTSITE, "build", "--site", str(site), "--output", str(out), "--jobs", "2"]
    done = subprocess.run([*command, *args], capture_output=True, text=True, env=forced)
    assert done.returncode == 0, done.stderr


def _serial_build(site: Path, out: Path) -> dict[str, bytes]:
    """The reference: no workers, no cache (in this process: it is no worker build)."""
    run = run_pactsite(
        "build", "--site", str(site), "--output", str(out), "--jobs", "1", "--no-cache"
    )
    assert run.exit_code == 0, run.stderr
    return _tree(out)


def test_the_example_site_built_by_workers_equals_a_serial_build(tmp_path: Path) -> None:
    site = tmp_path / "example"  # a copy, with its own cache folder
    shutil.copytree(REPOSITORY / "content", site / "content")
    shutil.copy(REPOSITORY / "site.yaml", site / "site.yaml")
    _build_by_workers(site, tmp_path / "parallel", "--no-cache")
    _build_by_workers(site, tmp_path / "cached")
    serial = _serial_build(site, tmp_path / "serial")
    assert _tree(tmp_path / "parallel") == serial
    assert _tree(tmp_path / "cached") == serial


def test_a_generated_site_built_by_workers_equals_a_serial_build(tmp_path: Path) -> None:
    site = tmp_path / "generated"
    write_site(site, 48, seed=3, hugo=None)  # 121 pages, 1,377 files
    _build_by_workers(site, tmp_path / "parallel", "--no-cache")
    serial = _serial_build(site, tmp_path / "serial")
    assert len(serial) > 1000
    assert _tree(tmp_path / "parallel") == serial
    _build_by_workers(site, tmp_path / "cached")
    news = sorted((site / "content/pacts").glob("*/news/*.md"))[0]
    news.write_text(news.read_text() + "\nNachtrag: neue Zahlen.\n", encoding="utf-8")
    _build_by_workers(site, tmp_path / "cached")
    assert _tree(tmp_path / "cached") == _serial_build(site, tmp_path / "clean")
    # a new heading: the whole site is built, with the pages the workers cached before
    news.write_text(news.read_text() + "\n## Neue Zahlen\n\nMehr dazu.\n", encoding="utf-8")
    _build_by_workers(site, tmp_path / "cached")
    assert _tree(tmp_path / "cached") == _serial_build(site, tmp_path / "clean")


def test_cached_rebuilds_follow_the_clock_as_events_start_and_end(
    minimal_site: Path, tmp_path: Path
) -> None:
    outputs = []
    for moment in ("2002-10-16T09:00+02:00", "2002-10-16T12:00+02:00", "2002-10-17T09:00+02:00"):
        run = run_pactsite("build", "--site", str(minimal_site), "--now", moment)
        assert run.exit_code == 0, run.stderr
        cached = _tree(minimal_site / "public")
        out = tmp_path / moment[:13]
        site = str(minimal_site)
        clean = run_pactsite(
            "build", "--site", site, "--output", str(out), "--no-cache", "--now", moment
        )
        assert clean.exit_code == 0, clean.stderr
        assert cached == _tree(out), moment
        outputs.append(cached)
    assert outputs[0] != outputs[1] != outputs[2]  # upcoming, running, past


def test_cached_feeds_follow_the_clock_as_a_scheduled_news_item_appears(
    minimal_site: Path, tmp_path: Path
) -> None:
    (minimal_site / NEWS / "2003-01-10-geplant.md").write_text(
        '---\ntitle: Geplante Meldung\ndate: 2003-01-10\npublish: "2003-01-10 12:00"\n---\n'
        "Erscheint mittags.\n",
        encoding="utf-8",
    )
    feeds = []
    for moment in ("2003-01-10T11:00+01:00", "2003-01-10T13:00+01:00", "2003-01-10T11:30+01:00"):
        run = run_pactsite("build", "--site", str(minimal_site), "--now", moment)
        assert run.exit_code == 0, run.stderr
        cached = _tree(minimal_site / "public")
        out = tmp_path / moment.replace(":", "")
        site = str(minimal_site)
        clean = run_pactsite(
            "build", "--site", site, "--output", str(out), "--no-cache", "--now", moment
        )
        assert clean.exit_code == 0, clean.stderr
        assert cached == _tree(out), moment
        feeds.append(cached["feed.xml"])
    assert b"Geplante Meldung" not in feeds[0]
    assert b"Geplante Meldung" in feeds[1]
    assert feeds[2] == feeds[0]


def _quick_build(site: Path) -> int | None:
    """Build with the cache; how many files the quick path rewrote (None: a whole build)."""
    run = run_pactsite("build", "--site", str(site))
    assert run.exit_code == 0, run.stderr
    found = re.search(r"rewrote only the (\d+) changed", run.output)
    return int(found.group(1)) if found else None


def test_a_body_edit_rewrites_only_the_files_that_show_it(
    minimal_site: Path, tmp_path: Path
) -> None:
    assert _quick_build(minimal_site) is None
    before = _tree(minimal_site / "public")
    _edit_body(minimal_site)
    rewritten = _quick_build(minimal_site)
    after = _tree(minimal_site / "public")
    changed = {path for path in after if after[path] != before.get(path)}
    assert rewritten is not None and rewritten >= len(changed)
    assert "pakte/alpha/aktuelles/erste-meldung/index.html" in changed
    assert "feed.xml" in changed and "index.html" not in changed
    assert after == _clean_build(minimal_site, tmp_path / "clean")


def test_body_edits_one_after_another_each_equal_a_clean_build(
    minimal_site: Path, tmp_path: Path
) -> None:
    _quick_build(minimal_site)
    for number in range(3):
        _edit_body(minimal_site)
        assert _quick_build(minimal_site) is not None
        assert _tree(minimal_site / "public") == _clean_build(minimal_site, tmp_path / str(number))


def _add_heading(site: Path) -> None:
    with (site / NEWS / "2002-10-22-erste-meldung.md").open("a", encoding="utf-8") as file:
        file.write("\n## Neuer Abschnitt\n\nText.\n")


WHOLE_BUILD_CHANGES: dict[str, Callable[[Path], None]] = {
    "a new heading (other pages may link to it)": _add_heading,
    "a new link (backlinks change)": _edit_links,
    "front matter": _edit_front_matter,
    "a template": _change_template,
}


@pytest.mark.parametrize("change", WHOLE_BUILD_CHANGES.values(), ids=WHOLE_BUILD_CHANGES.keys())
def test_an_edit_beyond_a_body_text_builds_the_whole_site(
    minimal_site: Path, tmp_path: Path, change: Callable[[Path], None]
) -> None:
    _quick_build(minimal_site)
    change(minimal_site)
    assert _quick_build(minimal_site) is None
    assert _tree(minimal_site / "public") == _clean_build(minimal_site, tmp_path / "clean")


def test_a_file_removed_from_the_output_folder_is_written_again(minimal_site: Path) -> None:
    first = _tree(_cached_build(minimal_site))
    (minimal_site / "public/index.html").unlink()
    assert _quick_build(minimal_site) is None
    assert _tree(minimal_site / "public") == first


def test_a_rebuild_restores_a_page_edited_by_hand_in_the_output_folder(minimal_site: Path) -> None:
    first = _tree(_cached_build(minimal_site))
    page = minimal_site / "public/pakte/alpha/aktuelles/erste-meldung/index.html"
    page.write_bytes(page.read_bytes().replace(b"</main>", b"<p>von Hand</p></main>"))
    with (minimal_site / NEWS / "2002-10-22-erste-meldung.md").open("a", encoding="utf-8") as file:
        file.write("\n\n")  # the page is made again, and comes out as it was built
    assert _quick_build(minimal_site) == 1
    assert _tree(minimal_site / "public") == first


def test_a_damaged_build_state_only_costs_time(minimal_site: Path, tmp_path: Path) -> None:
    _quick_build(minimal_site)
    (minimal_site / ".pactsite-cache/state.pickle").write_bytes(b"\x80\x05kaputt")
    _edit_body(minimal_site)
    assert _quick_build(minimal_site) is None
    assert _tree(minimal_site / "public") == _clean_build(minimal_site, tmp_path / "clean")


def test_a_text_edit_beside_an_image_rewrites_only_what_shows_it(
    minimal_site: Path, tmp_path: Path
) -> None:
    Image.new("RGB", (1200, 800), (20, 60, 120)).save(minimal_site / NEWS / "karte.png")
    with (minimal_site / NEWS / "2002-10-22-erste-meldung.md").open("a", encoding="utf-8") as f:
        f.write("\n![Karte der Pakte](karte.png)\n")
    _quick_build(minimal_site)
    _edit_body(minimal_site)
    assert _quick_build(minimal_site) is not None
    after = _tree(minimal_site / "public")
    assert b"<picture" in after["pakte/alpha/aktuelles/erste-meldung/index.html"]
    assert after == _clean_build(minimal_site, tmp_path / "clean")


LOADED_BY_A_REBUILD = """
import sys
from pactsite.cli import main
try:
    main(["build", "--site", sys.argv[1]])
except SystemExit as done:
    print("loaded:", *sorted(sys.modules))
    sys.exit(done.code)
"""


def test_a_rebuild_after_a_body_edit_loads_neither_yaml_nor_what_only_whole_builds_use(
    minimal_site: Path,
) -> None:
    _cached_build(minimal_site)
    _edit_body(minimal_site)
    command = [sys.executable, "-c", LOADED_BY_A_REBUILD, str(minimal_site)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    report, modules = done.stdout.split("loaded:")
    changed_only = ("rewrote only the", "nur geänderte Dateien")  # in the messages' language
    assert any(words in report for words in changed_only), "a rebuild, not a whole build"
    loaded = set(modules.split())
    assert "pactsite.build.pipeline" in loaded, "the rebuild ran in this process"
    whole_builds_only = {
        "yaml",  # the front matter is unchanged: nothing to parse
        "pactsite.content.assemble",
        "pactsite.cache.weblinks",
        "pactsite.outputs.admin",
        "pactsite.outputs.network",
        "pactsite.outputs.report_page",
    }
    assert loaded & whole_builds_only == set()
