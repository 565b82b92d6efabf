"""The minimal fixture site builds into exactly the files of tests/golden/minimal/.

Any change to the output, wanted or not, shows up here as a diff. After an intended change,
rewrite the golden tree with `make golden` (or `PACTSITE_GOLDEN=write pytest
tests/test_golden.py`), look at `git diff tests/golden` as a reviewer would, and commit it.
The theme's static files (fonts, CSS, JavaScript, icons) are copied as they are: they are
compared with themes/default/static/ instead of being kept twice.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, REPOSITORY, copy_site, run_pactsite

GOLDEN = Path(__file__).parent / "golden" / "minimal"
STATIC = REPOSITORY / "themes" / "default" / "static"
NOW = "2026-11-24T12:00:00+01:00"
"""The build's clock, pinned: the feeds, the calendar and what is upcoming depend on it."""


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_the_minimal_site_builds_into_the_golden_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PACTSITE_LANG")  # the site's own language, as its visitors get it
    site = copy_site(FIXTURES / "minimal", tmp_path / "site")
    out = tmp_path / "public"
    run = run_pactsite(
        "build", "--site", str(site), "--output", str(out), "--no-cache", "--now", NOW
    )
    assert run.exit_code == 0, run.stderr
    built = _files(out)
    static = _files(STATIC)
    copied = {path: content for path, content in built.items() if path in static}
    assert copied == {path: static[path] for path in copied}
    made = {path: content for path, content in built.items() if path not in static}
    if os.environ.get("PACTSITE_GOLDEN") == "write":
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for path, content in made.items():
            (GOLDEN / path).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / path).write_bytes(content)
    golden = _files(GOLDEN)
    assert sorted(made) == sorted(golden), "files made or missing: run `make golden` if meant"
    differing = [path for path in made if made[path] != golden[path]]
    assert not differing, f"differ from tests/golden/minimal (`make golden` if meant): {differing}"
