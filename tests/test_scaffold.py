"""`pactsite new` and `init`: files in the right place that build at once, never overwritten."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import select
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from pactsite.content.schema import FieldType, Validation, base_vocabularies, validate_fields
from pactsite.content.yamldoc import parse_yaml
from pactsite.editing.scaffold import SPECS, entry_file, pact_file

from conftest import Run, run_pactsite

TODAY = dt.datetime.now(ZoneInfo("Europe/Berlin")).date().isoformat()
VOCABULARIES = base_vocabularies(("ikt", "chemie"), ("lokales-kapital",), ("kmu",), ("alpha",))
_FIELD_LINE = re.compile(r"^# ( *(?:- )?[a-z_]+:.*)$")


def _front_matter(text: str) -> str:
    return text.split("---\n")[1] if text.startswith("---\n") else text


def _uncommented(text: str) -> str:
    """The template with every commented-out field switched on."""
    return "\n".join(
        m.group(1) if (m := _FIELD_LINE.match(line)) else line
        for line in _front_matter(text).splitlines()
    )


def _validate(kind: str, yaml_text: str) -> list[str]:
    doc, problems = parse_yaml(yaml_text, "new.md")
    assert doc is not None, problems
    where = Validation(doc, "new.md", VOCABULARIES, ZoneInfo("Europe/Berlin"))
    _values, found = validate_fields(doc.value, SPECS[kind], where)
    return [p.format() for p in found]


def _template(kind: str) -> str:
    if kind == "pact":
        return pact_file("gamma", "Pakt Gamma", dt.date(2026, 1, 2), VOCABULARIES).text
    return entry_file(kind, "Treffen in Halle", "alpha", dt.date(2026, 1, 2), VOCABULARIES).text


@pytest.mark.parametrize("kind", sorted(SPECS))
def test_every_field_of_a_type_is_in_its_template_and_valid_when_switched_on(kind: str) -> None:
    text = _template(kind)
    as_is = yaml.safe_load(_front_matter(text))
    switched_on = yaml.safe_load(_uncommented(text))
    for spec in SPECS[kind]:
        assert spec.name in switched_on, spec.name
        assert (spec.name in as_is) == spec.required, spec.name
        if spec.type is FieldType.OBJECT_LIST:
            assert set(switched_on[spec.name][0]) == {f.name for f in spec.fields}
        if spec.type is FieldType.OBJECT:
            assert set(switched_on[spec.name]) == {f.name for f in spec.fields}
    assert _validate(kind, _front_matter(text)) == []
    assert _validate(kind, _uncommented(text)) == []


def test_a_template_explains_fields_in_german_and_lists_the_vocabulary() -> None:
    text = _template("project")
    assert "# Stand (Pflichtfeld):" in text
    assert "#   Erlaubte Werte: ikt, chemie" in text
    assert "#   Erlaubte Werte: planned, running, completed" in text


def test_new_news_creates_a_dated_file_in_the_pact_that_builds(minimal_site: Path) -> None:
    run = run_pactsite(
        "new", "news", "--site", str(minimal_site), "--pact", "alpha", "Größte Messe"
    )
    assert run.exit_code == 0, run.stderr
    path = minimal_site / f"content/pacts/alpha/news/{TODAY}-groesste-messe.md"
    assert run.output.strip() == str(path)
    assert 'title: "Größte Messe"' in path.read_text(encoding="utf-8")
    built = run_pactsite("build", "--site", str(minimal_site))
    assert built.exit_code == 0, built.stderr
    assert (minimal_site / "public/pakte/alpha/aktuelles/groesste-messe/index.html").is_file()


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("project", "content/pacts/alpha/projects/neues-vorhaben.md"),
        ("event", "content/pacts/alpha/events/2026-12-01-neues-vorhaben.md"),
        ("page", "content/pacts/alpha/pages/neues-vorhaben.md"),
    ],
)
def test_new_entry_goes_where_design_says_and_the_site_checks(
    minimal_site: Path, kind: str, expected: str
) -> None:
    args = ["new", kind, "--site", str(minimal_site), "--pact", "alpha", "--date", "2026-12-01"]
    run = run_pactsite(*args, "Neues Vorhaben")
    assert run.exit_code == 0, run.stderr
    assert (minimal_site / expected).is_file()
    checked = run_pactsite("check", "--site", str(minimal_site))
    assert checked.exit_code == 0, checked.stderr


def test_new_network_page_and_new_pact_build(minimal_site: Path) -> None:
    page = run_pactsite("new", "page", "--site", str(minimal_site), "Über uns")
    pact = run_pactsite("new", "pact", "--site", str(minimal_site), "gamma", "--name", "Pakt G")
    assert page.exit_code == 0 and pact.exit_code == 0, page.stderr + pact.stderr
    assert (minimal_site / "content/pages/ueber-uns.md").is_file()
    assert (minimal_site / "content/pacts/gamma/pact.yaml").is_file()
    built = run_pactsite("build", "--site", str(minimal_site))
    assert built.exit_code == 0, built.stderr
    assert (minimal_site / "public/pakte/gamma/index.html").is_file()


def test_a_second_new_refuses_and_keeps_the_file(minimal_site: Path) -> None:
    args = ("new", "project", "--site", str(minimal_site), "--pact", "alpha", "Doppelt")
    assert run_pactsite(*args).exit_code == 0
    path = minimal_site / "content/pacts/alpha/projects/doppelt.md"
    path.write_text(path.read_text(encoding="utf-8") + "Eigener Text.\n", encoding="utf-8")
    again = run_pactsite(*args)
    assert again.exit_code == 1
    assert "already exists" in again.stderr and str(path) in again.stderr
    assert path.read_text(encoding="utf-8").endswith("Eigener Text.\n")


def test_new_pact_refuses_an_existing_folder_and_a_bad_name(minimal_site: Path) -> None:
    existing = run_pactsite("new", "pact", "--site", str(minimal_site), "alpha", "--name", "A")
    assert existing.exit_code == 1 and "already exists" in existing.stderr
    bad = run_pactsite("new", "pact", "--site", str(minimal_site), "Neuer Pakt", "--name", "N")
    assert bad.exit_code == 1 and "'neuer-pakt'" in bad.stderr


def test_without_a_terminal_missing_values_are_an_error_not_a_question(minimal_site: Path) -> None:
    no_pact = run_pactsite("new", "news", "--site", str(minimal_site), "Titel")
    assert no_pact.exit_code == 1 and "--pact" in no_pact.stderr
    no_title = run_pactsite("new", "news", "--site", str(minimal_site), "--pact", "alpha")
    assert no_title.exit_code == 1 and "Titel is missing" in no_title.stderr
    unknown = run_pactsite("new", "news", "--site", str(minimal_site), "--pact", "alfa", "T")
    assert unknown.exit_code == 1 and "did you mean 'alpha'" in unknown.stderr


def test_in_a_terminal_missing_values_are_asked_for(minimal_site: Path) -> None:
    """Run the real command in a pseudo-terminal and answer its questions."""
    main_fd, child_fd = os.openpty()
    command = [str(Path(sys.executable).parent / "pactsite"), "new", "event"]
    process = subprocess.Popen(
        [*command, "--site", str(minimal_site)],
        stdin=child_fd,
        stdout=child_fd,
        stderr=child_fd,
        close_fds=True,
    )
    os.close(child_fd)
    transcript = b""

    def read_until(wanted: bytes) -> None:
        nonlocal transcript
        while wanted not in transcript:
            ready, _, _ = select.select([main_fd], [], [], 20)
            assert ready, transcript
            transcript += os.read(main_fd, 1024)

    read_until(b"Pakt")
    os.write(main_fd, b"alpha\n")
    read_until(b"Titel")
    os.write(main_fd, "Sommerfest in Gröbers\n".encode())
    assert process.wait(timeout=30) == 0, transcript
    with contextlib.suppress(OSError):  # the terminal closes with the process
        read_until(b".md")
    os.close(main_fd)
    assert (
        minimal_site / f"content/pacts/alpha/events/{TODAY}-sommerfest-in-groebers.md"
    ).is_file()


def test_new_outside_a_site_says_what_to_do(tmp_path: Path) -> None:
    run = run_pactsite("new", "news", "--site", str(tmp_path), "--pact", "a", "T")
    assert run.exit_code == 1
    assert "no site.yaml" in run.stderr and "pactsite init" in run.stderr


def test_init_creates_a_site_that_builds_and_refuses_a_second_time(tmp_path: Path) -> None:
    site = tmp_path / "netz"
    run = run_pactsite("init", str(site))
    assert run.exit_code == 0, run.stderr
    for page in ("impressum", "datenschutz", "barrierefreiheit", "leichte-sprache"):
        assert "Platzhalter" in (site / f"content/pages/{page}.md").read_text(encoding="utf-8")
    config = yaml.safe_load((site / "site.yaml").read_text(encoding="utf-8"))
    assert config["sectors"] and config["funds"] and config["target_groups"]
    built = run_pactsite("build", "--site", str(site))
    assert built.exit_code == 0, built.stderr
    assert ": error: " not in built.stderr  # its placeholders are warnings (test_placeholders)
    assert (site / "public/pakte/beispiel/index.html").is_file()
    again = run_pactsite("init", str(site))
    assert again.exit_code == 1 and "already holds a site" in again.stderr


def test_new_refuses_a_title_whose_address_exists_under_another_date(minimal_site: Path) -> None:
    args = ("new", "news", "--site", str(minimal_site), "--pact", "alpha")
    run = run_pactsite(*args, "--date", "2026-01-01", "Erste Meldung")
    assert run.exit_code == 1
    assert "2002-10-22-erste-meldung.md already has this address" in run.stderr
    assert not (minimal_site / "content/pacts/alpha/news/2026-01-01-erste-meldung.md").exists()


def test_a_wrong_date_option_names_the_date_to_write_and_exits_1(minimal_site: Path) -> None:
    def new_event(day: str) -> Run:
        site = str(minimal_site)
        return run_pactsite("new", "event", "--site", site, "--pact", "alpha", "T", "--date", day)

    german = new_event("12.03.2026")
    assert german.exit_code == 1
    assert "write --date 2026-03-12" in german.stderr and "Usage" not in german.stderr
    impossible = new_event("2026-02-30")
    assert impossible.exit_code == 1
    assert "there is no day 30 in 2026-02: the month has 28 days" in impossible.stderr
    month = new_event("2026-13-01")
    assert month.exit_code == 1 and "there is no month 13" in month.stderr


def test_the_template_explains_each_field_without_repeating_its_label(
    minimal_site: Path,
) -> None:
    site = str(minimal_site)
    run = run_pactsite(
        "new", "news", "--site", site, "--pact", "alpha", "Neu", "--date", "2003-01-02"
    )
    assert run.exit_code == 0, run.stderr
    text = (minimal_site / "content/pacts/alpha/news/2003-01-02-neu.md").read_text(encoding="utf-8")
    for line in text.splitlines():
        label, _, explanation = line.removeprefix("# ").partition(": ")
        assert label.removesuffix(" (Pflichtfeld)") != explanation, line
