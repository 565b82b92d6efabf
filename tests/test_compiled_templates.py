"""The compiled templates kept in the user's cache folder, for every site with the theme."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from pactsite.render import theme

from conftest import FIXTURES, Run, copy_site, run_pactsite

NOW = "2026-12-06T10:00:00"


def _build(site: Path, cache_home: Path) -> subprocess.CompletedProcess[str]:
    """Build `site` in a process of its own (the templates compiled in this one do not count)."""
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home), "PACTSITE_NOW": NOW}
    command = [sys.executable, "-m", "pactsite", "build", "--site", str(site), "--no-cache"]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False)


@pytest.fixture
def build_as_new_process(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path, Path], Run]:
    """Build in this process as a new one would: the templates compiled in this process
    before are forgotten (a process of its own costs an interpreter and a whole build's
    imports; the test above keeps one pair of them)."""

    def build(site: Path, cache_home: Path) -> Run:
        monkeypatch.setattr(theme, "_COMPILED", {})
        monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
        return run_pactsite("build", "--site", str(site), "--no-cache", "--now", NOW)

    return build


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_second_site_finds_the_theme_compiled_and_builds_the_same(tmp_path: Path) -> None:
    first = copy_site(FIXTURES / "minimal", tmp_path / "first")
    second = copy_site(FIXTURES / "minimal", tmp_path / "second")
    cache_home = tmp_path / "cache"
    assert _build(first, cache_home).returncode == 0
    (kept,) = (cache_home / "pactsite").glob("templates-*")
    compiled = sorted(kept.iterdir())
    assert len(compiled) > 10, "the theme's templates are kept, one file each"
    before = {file: file.stat().st_mtime_ns for file in compiled}
    assert _build(second, cache_home).returncode == 0
    assert {file: file.stat().st_mtime_ns for file in kept.iterdir()} == before, "none compiled"
    assert _tree(first / "public") == _tree(second / "public")


def test_a_broken_compiled_template_is_compiled_again(
    tmp_path: Path, build_as_new_process: Callable[[Path, Path], Run]
) -> None:
    site = copy_site(FIXTURES / "minimal", tmp_path / "site")
    cache_home = tmp_path / "cache"
    assert build_as_new_process(site, cache_home).exit_code == 0
    built = _tree(site / "public")
    for file in next((cache_home / "pactsite").glob("templates-*")).iterdir():
        file.write_bytes(b"not compiled code")
    run = build_as_new_process(site, cache_home)
    assert run.exit_code == 0, run.stderr
    assert _tree(site / "public") == built


def test_a_changed_site_template_is_not_taken_from_the_user_cache(
    tmp_path: Path, build_as_new_process: Callable[[Path, Path], Run]
) -> None:
    site = copy_site(FIXTURES / "minimal", tmp_path / "site")
    cache_home = tmp_path / "cache"
    (site / "templates").mkdir()
    page = site / "templates" / "404.html"
    page.write_text('{% extends "theme/404.html" %}{% block title %}Eins{% endblock %}')
    assert build_as_new_process(site, cache_home).exit_code == 0
    page.write_text('{% extends "theme/404.html" %}{% block title %}Zwei{% endblock %}')
    assert build_as_new_process(site, cache_home).exit_code == 0
    assert "<title>Zwei" in (site / "public" / "404.html").read_text(encoding="utf-8")


def test_a_user_cache_that_cannot_be_written_is_no_error(
    tmp_path: Path, build_as_new_process: Callable[[Path, Path], Run]
) -> None:
    site = copy_site(FIXTURES / "minimal", tmp_path / "site")
    not_a_folder = tmp_path / "cache"
    not_a_folder.write_text("a file where the cache folder would be")
    run = build_as_new_process(site, not_a_folder)
    assert run.exit_code == 0, run.stderr
    assert (site / "public" / "index.html").exists()
