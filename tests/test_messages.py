"""Messages are values until shown, then rendered in the reader's language."""

from __future__ import annotations

import ast
import importlib.util
import json
import re
from pathlib import Path

import lxml.html
import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from PIL import Image

from pactsite.diagnostics import Diagnostic
from pactsite.i18n import from_plain, site_language, t, to_plain, verbatim
from pactsite.serve import Outcome

from conftest import REPOSITORY, run_pactsite

SCRIPTS = REPOSITORY / "scripts"


def test_a_message_names_its_values_and_keeps_the_machine_readable_prefix() -> None:
    d = Diagnostic(
        path="content/a.md",
        line=3,
        message=t("key '{key}' is given twice", key="title"),
        hint=t("remove one of them"),
    )
    assert d.format() == "content/a.md:3: error: key 'title' is given twice; remove one of them"


def test_a_message_survives_the_trip_through_json_data_unchanged() -> None:
    text = t("{what} is wrong: {why}", what=verbatim("x"), why=t("it is {n}", n=3))
    assert from_plain(to_plain(text)) == text
    assert str(text) == "x is wrong: it is 3"


# --- the German catalog -------------------------------------------------------------------

PACKAGE = REPOSITORY / "pactsite"
CATALOG = PACKAGE / "locale/de/LC_MESSAGES/pactsite.po"
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def _code_templates() -> dict[str, str]:
    """Every t() template of the code, as Babel extracts it (`make messages`), and where."""
    found = extract_from_dir(PACKAGE, method_map=[("**.py", "python")], keywords={"t": None})
    return {str(message): f"pactsite/{file}:{line}" for file, line, message, _, _ in found}


def _german() -> Catalog:
    with CATALOG.open("rb") as source:
        return read_po(source)


def test_every_message_of_the_code_has_a_german_translation() -> None:
    catalog = _german()
    untranslated = [
        f"{where}: {template!r}"
        for template, where in sorted(_code_templates().items())
        if not (entry := catalog.get(template)) or not entry.string or entry.fuzzy
    ]
    assert untranslated == [], "run `make messages` and translate these in " + str(CATALOG)


def test_a_translation_names_the_same_values_as_its_english_template() -> None:
    differing = [
        (entry.id, entry.string)
        for entry in _german()
        if entry.id
        and entry.string
        and sorted(_PLACEHOLDER.findall(str(entry.id)))
        != sorted(_PLACEHOLDER.findall(str(entry.string)))
    ]
    assert differing == []


def test_every_template_is_a_plain_string_that_babel_can_extract() -> None:
    """An f-string or a variable inside t() would never be found by `make messages`."""
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "t"
            ):
                first = node.args[0] if node.args else None
                if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                    wrong.append(f"{path.relative_to(REPOSITORY)}:{node.lineno}")
                wrong += [
                    f"{path.relative_to(REPOSITORY)}:{node.lineno}: f-string value"
                    for value in node.keywords
                    if isinstance(value.value, ast.JoinedStr)
                ]
    assert wrong == []


def test_the_installed_catalog_is_the_current_translation() -> None:
    """The .mo that gettext reads (compiled at install, and by `make messages`) is up to date."""
    stale = [
        entry.id
        for entry in _german()
        if entry.id
        and entry.string
        and not entry.fuzzy
        and t(str(entry.id)).render("de") != entry.string
    ]
    assert stale == [], "recompile: make messages (or pip install -e .)"


def test_the_guides_table_of_messages_is_the_one_the_catalog_gives() -> None:
    spec = importlib.util.spec_from_file_location("message_table", SCRIPTS / "message_table.py")
    assert spec is not None and spec.loader is not None
    table = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(table)
    guide = (REPOSITORY / "docs/redaktion.md").read_text(encoding="utf-8")
    assert "`dem Bild '…' fehlt der Alternativtext`" in guide
    assert table.with_table(guide, table.message_table()) == guide, "run: make messages"


# --- the language of a site, and of a command ----------------------------------------------


@pytest.mark.parametrize(
    ("line", "language"),
    [
        ("language: de\n", "de"),
        ("language: en\n", "en"),
        ('language: "en"  # English\n', "en"),
        ("language: fr\n", "en"),
        ("title: Netz\n", "de"),
        ("  language: en\n", "de"),
    ],
)
def test_the_site_language_is_read_from_site_yaml(tmp_path: Path, line: str, language: str) -> None:
    (tmp_path / "site.yaml").write_text(f"title: Netz\n{line}", encoding="utf-8")
    assert site_language(tmp_path) == language


def test_the_site_language_is_read_also_after_a_byte_order_mark(tmp_path: Path) -> None:
    (tmp_path / "site.yaml").write_text("\ufefflanguage: en\ntitle: Net\n", encoding="utf-8")
    assert site_language(tmp_path) == "en"
    assert site_language(tmp_path / "missing") == "de"


def _broken(site: Path, language: str = "") -> Path:
    if language:
        config = site / "site.yaml"
        config.write_text(config.read_text() + f"language: {language}\n")
    Image.new("RGB", (40, 30), (200, 80, 40)).save(site / "content/pages/foto.png")
    (site / "content/pages/kaputt.md").write_text(
        "---\ntitle: Kaputt\n---\n\nText.\n\n![](foto.png)\n", encoding="utf-8"
    )
    return site


ALT_DE = (
    "content/pages/kaputt.md:7: error: dem Bild 'foto.png' fehlt der "
    "Alternativtext; schreiben Sie zwischen [ und ], was das Bild zeigt, z. B. "
    "![Teilnehmende beim Treffen](foto.png)"
)
ALT_EN = (
    "content/pages/kaputt.md:7: error: image 'foto.png' has no alt text; say "
    "what the picture shows between [ and ], e.g. "
    "![Teilnehmende beim Treffen](foto.png)"
)


def test_a_german_site_gets_its_messages_in_german_and_english_with_lang_en(
    minimal_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PACTSITE_LANG")
    site = _broken(minimal_site, "de")
    german = run_pactsite("check", "--site", str(site))
    english = run_pactsite("check", "--site", str(site), "--lang", "en")
    assert german.exit_code == english.exit_code == 1
    assert ALT_DE in german.stderr.splitlines()
    assert ALT_EN in english.stderr.splitlines()
    assert re.fullmatch(r"Fehler: 1, Warnungen: \d+", german.stderr.splitlines()[-1])
    assert re.fullmatch(r"1 error\(s\), \d+ warning\(s\)", english.stderr.splitlines()[-1])
    # the same defects, one line each, in either language
    assert len(german.stderr.splitlines()) == len(english.stderr.splitlines())


def test_an_english_site_gets_english_and_german_with_lang_de(
    minimal_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PACTSITE_LANG")
    site = _broken(minimal_site, "en")
    assert ALT_EN in run_pactsite("check", "--site", str(site)).stderr.splitlines()
    assert ALT_DE in run_pactsite("check", "--site", str(site), "--lang", "de").stderr.splitlines()


def test_a_site_without_a_language_is_german(
    minimal_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PACTSITE_LANG")
    assert "language:" not in (minimal_site / "site.yaml").read_text()
    run = run_pactsite("check", "--site", str(_broken(minimal_site)))
    assert ALT_DE in run.stderr.splitlines()


def test_the_machine_formats_carry_german_messages_and_english_keys(minimal_site: Path) -> None:
    site = str(_broken(minimal_site))
    github = run_pactsite("check", "--site", site, "--lang", "de", "--format", "github")
    assert github.exit_code == 1
    assert (
        "::error file=content/pages/kaputt.md,line=7,title=pactsite::dem Bild "
        "'foto.png' fehlt der Alternativtext; schreiben Sie"
    ) in github.output
    records = json.loads(
        run_pactsite("check", "--site", site, "--lang", "de", "--format", "json").output
    )
    record = next(
        r
        for r in records
        if r["path"] == "content/pages/kaputt.md"
        and r["line"] == 7
        and "Alternativtext" in r["message"]
    )
    assert record == {
        "path": "content/pages/kaputt.md",
        "line": 7,
        "severity": "error",
        "message": "dem Bild 'foto.png' fehlt der Alternativtext",
        "hint": "schreiben Sie zwischen [ und ], was das Bild zeigt, z. B. "
        "![Teilnehmende beim Treffen](foto.png)",
    }
    page = lxml.html.fromstring(
        run_pactsite("check", "--site", site, "--lang", "de", "--format", "html").output
    )
    assert page.get("lang") == "de"
    assert page.xpath("//h1/text()") == ["Prüfbericht der Inhalte"]
    cells = [[td.text_content() for td in tr.xpath("td")] for tr in page.xpath("//tbody/tr")]
    assert ["Fehler", "content/pages/kaputt.md", "7", ALT_DE.split(": error: ")[1]] in cells


def test_the_build_says_what_it_did_in_german_also_when_nothing_changed(
    minimal_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PACTSITE_LANG")
    first = run_pactsite("build", "--site", str(minimal_site))
    again = run_pactsite("build", "--site", str(minimal_site))
    for run in (first, again):
        assert run.exit_code == 0, run.stderr
        assert re.search(r"^nach .* gebaut – Seiten: \d+, Dateien: \d+", run.output, re.MULTILINE)
        assert run.output.splitlines()[-1].startswith("nächste Änderung: ")
    assert "; nur geänderte Dateien neu geschrieben: 0" in again.output


def test_the_preview_overlay_shows_the_problems_in_the_sites_language() -> None:
    problem = Diagnostic(path="content/pages/a.md", line=2, message=t("table has no header row"))
    outcome = Outcome(first=True, seconds=0.1, diagnostics=(problem,))
    assert outcome.problems_in("de") == (
        "content/pages/a.md:2: error: die Tabelle hat keine Kopfzeile",
    )
    assert outcome.problems == ("content/pages/a.md:2: error: table has no header row",)


def test_an_unknown_command_is_told_in_the_site_language_with_exit_1(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    english = run_pactsite("chek")
    assert english.exit_code == 1
    assert english.stderr.startswith("error: there is no command 'chek'; did you mean 'check'?")
    monkeypatch.setenv("PACTSITE_LANG", "de")
    german = run_pactsite("chek")
    assert german.exit_code == 1
    assert german.stderr.startswith("error: den Befehl 'chek' gibt es nicht; meinten Sie 'check'?")


def test_an_unknown_check_format_is_told_in_the_site_language_with_exit_1(
    monkeypatch: pytest.MonkeyPatch, minimal_site: Path
) -> None:
    english = run_pactsite("check", "--site", str(minimal_site), "--format", "pdf")
    assert english.exit_code == 1
    assert english.stderr == "error: unknown --format 'pdf'; use one of: text, github, json, html\n"
    monkeypatch.setenv("PACTSITE_LANG", "de")
    german = run_pactsite("check", "--site", str(minimal_site), "--format", "pdf")
    assert german.exit_code == 1
    assert german.stderr.startswith("error: unbekanntes --format 'pdf'; verwenden Sie eines von")
