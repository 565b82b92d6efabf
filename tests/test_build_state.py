"""The build state in `.pactsite-cache/`: cheap when nothing changed, never wrong when it did."""

from __future__ import annotations

import datetime as dt
import io
import os
import pickle
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pactsite.build.pipeline import check
from pactsite.buildinfo import BuildOptions
from pactsite.cache import state
from pactsite.cache.state import dump, load, load_summary, save, with_changes, write_html

from conftest import run_pactsite

NEWS = "content/pacts/alpha/news"
CACHE = ".pactsite-cache"


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _build(site: Path) -> int | None:
    """Build with the cache; how many files a quick rebuild rewrote (None: a whole build)."""
    run = run_pactsite("build", "--site", str(site))
    assert run.exit_code == 0, run.stderr
    found = re.search(r"rewrote only the (\d+) changed", run.output)
    return int(found.group(1)) if found else None


def _clean_build(site: Path, out: Path) -> dict[str, bytes]:
    run = run_pactsite("build", "--site", str(site), "--output", str(out), "--no-cache")
    assert run.exit_code == 0, run.stderr
    return _tree(out)


def _edit_body(site: Path, number: int = 0) -> None:
    with (site / NEWS / "2002-10-22-erste-meldung.md").open("a", encoding="utf-8") as file:
        file.write(f"\nEin neuer Absatz mit **Nachtrag {number}**.\n")


def _age_output_folders(site: Path) -> None:
    """Make every output folder look written a minute ago, as after a pause of the editor.

    Folder times written in the last seconds are not trusted (a change within the clock's
    resolution would not show); a build that finds them old enough records them.
    """
    old = time.time_ns() - 60 * 1_000_000_000
    for folder in [site / "public", *(p for p in (site / "public").rglob("*") if p.is_dir())]:
        os.utime(folder, ns=(old, old))
    assert _build(site) == 0
    summary = load_summary(site)
    assert summary is not None
    assert all(mtime >= 0 for mtime in summary.folders.values()), "times not recorded"


def test_the_state_names_every_file_and_folder_of_the_output_after_a_whole_build(
    minimal_site: Path,
) -> None:
    (minimal_site / "public/alt").mkdir(parents=True)
    (minimal_site / "public/alt/weg.html").write_text("weg", encoding="utf-8")
    assert _build(minimal_site) is None
    summary = load_summary(minimal_site)
    assert summary is not None
    public = minimal_site / "public"
    files = {p.relative_to(public).as_posix() for p in public.rglob("*") if not p.is_dir()}
    folders = {p.relative_to(public).as_posix() for p in public.rglob("*") if p.is_dir()}
    assert summary.outputs == files
    assert set(summary.folders) == {"", *folders}
    assert "alt/weg.html" not in files and any(f.startswith(".pactsite/") for f in files)


def test_a_file_deleted_from_an_output_folder_is_noticed_by_the_folder_time(
    minimal_site: Path,
) -> None:
    _build(minimal_site)
    first = _tree(minimal_site / "public")
    _age_output_folders(minimal_site)
    (minimal_site / "public/pakte/alpha/aktuelles/erste-meldung/index.html").unlink()
    assert _build(minimal_site) is None
    assert _tree(minimal_site / "public") == first


def test_a_rebuild_after_an_edit_keeps_the_folder_times_found_old_enough(
    minimal_site: Path,
) -> None:
    _build(minimal_site)
    old = time.time_ns() - 60 * 1_000_000_000
    public = minimal_site / "public"
    for folder in [public, *(p for p in public.rglob("*") if p.is_dir())]:
        os.utime(folder, ns=(old, old))
    _edit_body(minimal_site)
    assert _build(minimal_site) is not None, "a quick rebuild"
    summary = load_summary(minimal_site)
    assert summary is not None
    untrusted = [folder for folder, mtime in summary.folders.items() if mtime < 0]
    # only the folders the rebuild wrote into are too recent to trust; the next rebuild
    # lists just those, not every folder of the site
    assert 0 < len(untrusted) < len(summary.folders) / 2, untrusted


def test_a_file_added_to_an_output_folder_is_noticed_by_the_folder_time(
    minimal_site: Path,
) -> None:
    _build(minimal_site)
    first = _tree(minimal_site / "public")
    _age_output_folders(minimal_site)
    (minimal_site / "public/pakte/alpha/fremd.html").write_text("fremd", encoding="utf-8")
    assert _build(minimal_site) is None
    assert _tree(minimal_site / "public") == first


def test_a_file_in_a_new_output_folder_is_noticed(minimal_site: Path) -> None:
    _build(minimal_site)
    first = _tree(minimal_site / "public")
    _age_output_folders(minimal_site)
    (minimal_site / "public/neu").mkdir()
    (minimal_site / "public/neu/seite.html").write_text("neu", encoding="utf-8")
    assert _build(minimal_site) is None
    assert _tree(minimal_site / "public") == first


def test_a_build_that_finds_nothing_changed_rewrites_no_state_file(minimal_site: Path) -> None:
    _build(minimal_site)
    _age_output_folders(minimal_site)
    cache = minimal_site / CACHE
    before = {p.name: p.stat().st_mtime_ns for p in cache.iterdir() if p.is_file()}
    assert {"state.pickle", "summary.pickle"} <= before.keys()
    assert _build(minimal_site) == 0
    after = {p.name: p.stat().st_mtime_ns for p in cache.iterdir() if p.is_file()}
    assert after == before


def test_a_build_that_finds_nothing_changed_imports_no_pipeline_module(
    minimal_site: Path,
) -> None:
    _build(minimal_site)
    script = (
        "import sys\n"
        "from pactsite.cli import main\n"
        "try:\n"
        f"    main(['build', '--site', {str(minimal_site)!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ['jinja2', 'markdown', 'PIL', 'icalendar', 'nh3', 'yaml',\n"
        "         'pactsite.build.pipeline', 'pactsite.editing.commands']\n"
        "print('imported:', *[name for name in heavy if name in sys.modules])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert "rewrote only the 0 changed" in done.stdout, done.stderr
    assert "imported:\n" in done.stdout


def test_body_edits_saved_in_the_journal_give_the_same_site_as_a_clean_build(
    minimal_site: Path, tmp_path: Path
) -> None:
    _build(minimal_site)
    for number in range(3):
        _edit_body(minimal_site, number)
        assert _build(minimal_site) is not None
    assert (minimal_site / CACHE / "state.journal").is_file()
    _edit_body(minimal_site, 3)  # the next build reads the state through the whole journal
    assert _build(minimal_site) is not None
    assert _tree(minimal_site / "public") == _clean_build(minimal_site, tmp_path / "clean")


def test_a_long_journal_is_folded_into_the_state(
    minimal_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _build(minimal_site)
    _edit_body(minimal_site, 1)
    assert _build(minimal_site) is not None
    assert (minimal_site / CACHE / "state.journal").is_file()
    monkeypatch.setattr(state, "JOURNAL_LIMIT", 1)
    _edit_body(minimal_site, 2)
    assert _build(minimal_site) is not None
    assert not (minimal_site / CACHE / "state.journal").exists()
    _edit_body(minimal_site, 3)
    assert _build(minimal_site) is not None
    assert _tree(minimal_site / "public") == _clean_build(minimal_site, tmp_path / "clean")


def test_a_damaged_journal_only_costs_time(minimal_site: Path, tmp_path: Path) -> None:
    _build(minimal_site)
    _edit_body(minimal_site, 1)
    assert _build(minimal_site) is not None
    journal = minimal_site / CACHE / "state.journal"
    journal.write_bytes(journal.read_bytes()[:-20])
    _edit_body(minimal_site, 2)
    assert _build(minimal_site) is None
    assert _tree(minimal_site / "public") == _clean_build(minimal_site, tmp_path / "clean")


def test_a_saved_site_model_loads_equal_to_the_one_built(
    minimal_site: Path, tmp_path: Path
) -> None:
    options = BuildOptions(now=dt.datetime(2003, 1, 1, tzinfo=dt.UTC), cache=True)
    checked = check(minimal_site, options)
    save(tmp_path / "state.pickle", checked)
    loaded = load(tmp_path / "state.pickle")
    assert loaded == checked
    assert loaded is not None and loaded.site.pact(checked.site.pacts[0].key).key


def test_the_state_keeps_the_entries_html_but_not_their_markdown(minimal_site: Path) -> None:
    _edit_body(minimal_site, 7)
    _build(minimal_site)
    state = (minimal_site / CACHE / "state.pickle").read_bytes()
    html = (minimal_site / CACHE / "state-html.bin").read_bytes()
    assert b"<strong>Nachtrag 7</strong>" in html
    assert b"Nachtrag 7" not in state  # neither the Markdown nor the HTML: in the html file


@pytest.mark.parametrize("damage", ["deleted", "from another build", "cut short"])
def test_a_state_without_its_html_file_only_costs_time(
    minimal_site: Path, tmp_path: Path, damage: str
) -> None:
    _build(minimal_site)
    stored = minimal_site / CACHE / "state-html.bin"
    assert stored.is_file()
    if damage == "deleted":
        stored.unlink()
    elif damage == "cut short":
        stored.write_bytes(stored.read_bytes()[:-10])
    else:
        stored.write_bytes(b"0123456789abcdef" + stored.read_bytes()[16:])
    _edit_body(minimal_site, 1)
    assert _build(minimal_site) is None
    assert _tree(minimal_site / "public") == _clean_build(minimal_site, tmp_path / "clean")
    _edit_body(minimal_site, 2)
    assert _build(minimal_site) is not None  # the whole build saved a new state


def test_stored_html_reads_only_the_bodies_looked_up_and_lies_under_changes(
    tmp_path: Path,
) -> None:
    html = {"a": "<p>Ä</p>", "b": "<p>b</p>", "c": ""}
    stored = write_html(tmp_path / "bodies.bin", "f00d", html)
    loaded = pickle.loads(pickle.dumps(stored))
    assert loaded.attach(tmp_path / "bodies.bin")
    assert dict(loaded) == html
    layered = with_changes(with_changes(loaded, {"b": "<p>neu</p>"}), {"d": "<p>d</p>"})
    assert dict(layered) == {**html, "b": "<p>neu</p>", "d": "<p>d</p>"}
    assert len(layered) == 4 and "d" in layered and "e" not in layered
    assert not pickle.loads(pickle.dumps(stored)).attach(tmp_path / "missing.bin")
    other = write_html(tmp_path / "other.bin", "beef", html)
    assert not pickle.loads(pickle.dumps(other)).attach(tmp_path / "bodies.bin")
    (tmp_path / "bodies.bin.dead.new").write_bytes(b"half")  # a killed build's
    write_html(tmp_path / "bodies.bin", "cafe", html)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bodies.bin", "other.bin"]


def test_site_pact_finds_every_pact_by_key_also_after_pickling(minimal_site: Path) -> None:
    site = check(minimal_site, BuildOptions(now=dt.datetime(2003, 1, 1, tzinfo=dt.UTC))).site
    assert len(site.pacts) >= 2
    pickled = io.BytesIO()
    dump(site, pickled)  # as the build state saves it (read-only indexes included)
    copied = pickle.loads(pickled.getvalue())
    for pact in site.pacts:
        assert site.pact(pact.key) is pact
        assert copied.pact(pact.key) == pact
    with pytest.raises(KeyError):
        site.pact("kein-pakt")


def test_after_a_quick_rebuild_nothing_changed_and_a_deleted_file_is_noticed(
    minimal_site: Path, tmp_path: Path
) -> None:
    _build(minimal_site)
    _edit_body(minimal_site, 1)
    assert _build(minimal_site) is not None
    assert _build(minimal_site) == 0
    first = _tree(minimal_site / "public")
    _age_output_folders(minimal_site)
    (minimal_site / "public/pakte/alpha/aktuelles/erste-meldung/index.html").unlink()
    assert _build(minimal_site) is None
    assert _tree(minimal_site / "public") == first == _clean_build(minimal_site, tmp_path / "c")


def test_saving_the_state_never_writes_into_another_builds_temporary_file(
    tmp_path: Path,
) -> None:
    target = tmp_path / "summary.pickle"
    running = tmp_path / "summary.pickle.4242.new"  # another build, writing it now
    running.write_bytes(b"half written")
    killed = tmp_path / "summary.pickle.4343.new"  # left by a build killed an hour ago
    killed.write_bytes(b"left over")
    hour_ago = time.time_ns() - 3600 * 1_000_000_000
    os.utime(killed, ns=(hour_ago, hour_ago))
    save(target, {"built": 1})
    assert load(target) == {"built": 1}
    assert running.read_bytes() == b"half written"
    assert not killed.exists()
