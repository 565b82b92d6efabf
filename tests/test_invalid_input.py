"""Every kind of bad input is reported at its file and line, with a fix, and no traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, copy_site, run_pactsite

INVALID = FIXTURES / "invalid"
CASES = sorted(p.name for p in INVALID.iterdir() if p.is_dir())


def _overlay(case: str, target: Path, *, fresh: bool = True) -> Path:
    site = copy_site(FIXTURES / "minimal", target) if fresh else target
    for path in (INVALID / case).rglob("*"):
        if path.is_file() and path.name != "expected.txt":
            destination = site / path.relative_to(INVALID / case)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)
    return site


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_reported_at_file_and_line_with_a_fix(case: str, tmp_path: Path) -> None:
    site = _overlay(case, tmp_path / "site")
    run = run_pactsite("check", "--site", str(site))
    expected = (INVALID / case / "expected.txt").read_text(encoding="utf-8").strip()
    assert run.exit_code == 1
    assert "Traceback" not in run.stderr
    errors = [line for line in run.stderr.splitlines() if ": error: " in line]
    # each line of expected.txt is one defect and one error: no knock-on errors
    assert errors == expected.splitlines(), run.stderr


def test_all_errors_of_a_run_are_reported_at_once_with_a_count(tmp_path: Path) -> None:
    site = _overlay("unknown-sector", tmp_path / "site")
    for case in ("unknown-status", "yaml-syntax", "broken-link"):
        site = _overlay(case, site, fresh=False)
    run = run_pactsite("check", "--site", str(site))
    errors = [line for line in run.stderr.splitlines() if ": error: " in line]
    assert run.exit_code == 1
    assert len(errors) == 4, run.stderr
    assert run.stderr.splitlines()[-1].startswith("4 error(s)")


def test_failed_build_leaves_previous_public_untouched(tmp_path: Path) -> None:
    site = copy_site(FIXTURES / "minimal", tmp_path / "site")
    assert run_pactsite("build", "--site", str(site)).exit_code == 0
    before = {p: p.read_bytes() for p in (site / "public").rglob("*") if p.is_file()}
    site = _overlay("unknown-sector", site, fresh=False)
    (site / "content/pages/neu.md").write_text("---\ntitle: Neu\n---\n", encoding="utf-8")
    assert run_pactsite("build", "--site", str(site)).exit_code == 1
    after = {p: p.read_bytes() for p in (site / "public").rglob("*") if p.is_file()}
    assert after == before


def test_missing_site_yaml_names_the_fix(tmp_path: Path) -> None:
    for command in ("build", "check"):
        run = run_pactsite(command, "--site", str(tmp_path))
        assert run.exit_code == 1
        assert run.stderr == (
            f"error: there is no site.yaml in {tmp_path.absolute()} or a folder above it; "
            "create a site with pactsite init FOLDER, or give the site's folder with "
            "--site FOLDER\n"
        )


def test_check_does_not_say_nothing_was_written(tmp_path: Path) -> None:
    site = _overlay("unknown-status", tmp_path / "site")
    run = run_pactsite("check", "--site", str(site))
    assert run.exit_code == 1
    assert run.stderr.splitlines()[-1] == "1 error(s), 6 warning(s)", run.stderr


def test_bom_and_crlf_files_are_read_correctly(minimal_site: Path) -> None:
    page = minimal_site / "content/pages/kontakt.md"
    page.write_bytes(
        "\ufeff---\r\ntitle: Kontakt für alle\r\n---\r\nSchreiben Sie uns.\r\n".encode()
    )
    run = run_pactsite("build", "--site", str(minimal_site))
    assert run.exit_code == 0, run.stderr
    html = (minimal_site / "public/kontakt/index.html").read_text(encoding="utf-8")
    assert "<h1>Kontakt für alle</h1>" in html


def test_broken_links_of_a_file_with_a_front_matter_error_come_in_the_same_run(
    minimal_site: Path,
) -> None:
    news = minimal_site / "content/pacts/alpha/news/2002-11-01-zweite-meldung.md"
    news.write_text(
        "---\ntitle: Zweite\ndate: 1.11.2002\n---\n[x](pact:alpha/news/nix) [y](pact:beta)\n",
        encoding="utf-8",
    )
    run = run_pactsite("check", "--site", str(minimal_site))
    errors = [line for line in run.stderr.splitlines() if ": error: " in line]
    assert run.exit_code == 1
    assert [line.split(": error: ")[0] for line in errors] == [
        "content/pacts/alpha/news/2002-11-01-zweite-meldung.md:3",
        "content/pacts/alpha/news/2002-11-01-zweite-meldung.md:5",
    ], run.stderr
    assert "link to 'pact:alpha/news/nix' leads nowhere" in errors[1]


def test_a_broken_required_page_is_not_also_reported_missing(tmp_path: Path) -> None:
    site = _overlay("broken-required-page", tmp_path / "site")
    run = run_pactsite("check", "--strict", "--site", str(site))
    # the minimal site's example.org addresses are placeholders, errors too with --strict
    errors = [
        line
        for line in run.stderr.splitlines()
        if ": error: " in line and "is an example address" not in line
    ]
    assert run.exit_code == 1
    assert errors == [
        "content/pages/barrierefreiheit.md:2: error: the value of 'title' needs quotes; "
        'write title: "Barrierefreiheit: Erklärung"'
    ], run.stderr
