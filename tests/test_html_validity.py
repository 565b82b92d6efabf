"""Every page of the built example network passes the Nu Html Checker with zero errors."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import FIXTURES, REPOSITORY, run_pactsite

pytestmark = pytest.mark.slow  # Java

VNU = REPOSITORY / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def _check(*paths: Path) -> list[dict[str, object]]:
    java = shutil.which("java")
    assert java, "java is missing: run make test, which installs it"
    assert VNU.is_file(), "vnu.jar is missing: run make test, which runs npm ci"
    result = subprocess.run(
        [
            java,
            "-jar",
            str(VNU),
            "--format",
            "json",
            "--also-check-css",
            "--skip-non-html",
            *map(str, paths),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return list(json.loads(result.stderr or "{}").get("messages", []))


def test_every_page_and_stylesheet_passes_the_nu_html_checker(example_build: Path) -> None:
    pages = sorted(example_build.rglob("*.html")) + sorted(example_build.rglob("*.css"))
    assert len(pages) > 40
    errors = [m for m in _check(*pages) if m.get("type") == "error"]
    assert errors == [], "\n".join(
        f"{m.get('url')}:{m.get('lastLine')}: {m.get('message')}" for m in errors
    )


def test_every_page_of_a_network_in_two_languages_passes_the_nu_html_checker(
    tmp_path: Path,
) -> None:
    out = tmp_path / "public"
    run = run_pactsite(
        "build", "--site", str(FIXTURES / "bilingual"), "--output", str(out), "--no-cache"
    )
    assert run.exit_code == 0, run.stderr
    pages = sorted(out.rglob("*.html"))
    assert len([p for p in pages if p.is_relative_to(out / "en")]) > 20
    errors = [m for m in _check(*pages) if m.get("type") == "error"]
    assert errors == [], "\n".join(
        f"{m.get('url')}:{m.get('lastLine')}: {m.get('message')}" for m in errors
    )


def test_the_checker_finds_errors_when_there_are_some(tmp_path: Path) -> None:
    broken = tmp_path / "broken.html"
    broken.write_text("<!DOCTYPE html><html><head></head><body><p><div></p></body></html>")
    assert any(m.get("type") == "error" for m in _check(broken))
