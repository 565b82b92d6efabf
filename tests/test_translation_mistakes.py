"""The mistakes editors make in naming translations and Leichte Sprache versions of a
network in two languages: each one error at its file, with the name to give it, and
nothing built silently from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES, copy_site, run_pactsite

BILINGUAL = FIXTURES / "bilingual"
NOW = ("--now", "2003-01-15T16:00+01:00")
NEWS = "content/pacts/alpha/news/2002-10-22-erste-meldung"


def _site(tmp_path: Path) -> Path:
    return copy_site(BILINGUAL, tmp_path / "site")


def _write(site: Path, relative: str, text: str) -> None:
    path = site / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _errors(site: Path, *args: str) -> tuple[int, list[str]]:
    run = run_pactsite("check", "--site", str(site), *NOW, *args)
    return run.exit_code, [line for line in run.stderr.splitlines() if ": error: " in line]


@pytest.mark.parametrize("name", [f"{NEWS}.en.ls.md", f"{NEWS}.ls.en.md"])
def test_a_leichte_sprache_version_with_a_language_code_is_one_error_naming_both_names(
    tmp_path: Path, name: str
) -> None:
    site = _site(tmp_path)
    _write(site, name, "---\ntitle: Das erste Treffen\n---\nWir treffen uns.\n")
    code, errors = _errors(site)
    assert code == 1
    assert errors == [
        f"{name}:1: error: a file is either a translation ('.en') or the Leichte Sprache "
        "version ('.ls'), not both: Leichte Sprache is German and has no translation; rename "
        "it to 2002-10-22-erste-meldung.ls.md if it is in Leichte Sprache, or to "
        "2002-10-22-erste-meldung.en.md if it is in 'en'"
    ]


def test_a_language_written_as_a_word_in_a_file_name_is_an_error_not_a_new_page(
    tmp_path: Path,
) -> None:
    site = _site(tmp_path)
    (site / f"{NEWS}.en.md").rename(site / f"{NEWS}.engl.md")
    code, errors = _errors(site, "--lang", "de")
    assert code == 1
    assert errors == [
        f"{NEWS}.engl.md:1: error: '.engl' im Dateinamen ist kein Sprachkürzel; meinten Sie "
        "'.en'? Benennen Sie die Datei in 2002-10-22-erste-meldung.en.md um"
    ]


def test_a_translation_ending_in_markdown_translates_the_original_ending_in_md(
    tmp_path: Path,
) -> None:
    site = _site(tmp_path)
    (site / f"{NEWS}.en.md").rename(site / f"{NEWS}.en.markdown")
    run = run_pactsite("build", "--site", str(site), "--output", str(site / "public"), *NOW)
    assert run.exit_code == 0, run.stderr
    page = site / "public/en/pakte/alpha/aktuelles/erste-meldung/index.html"
    assert "<h1" in page.read_text(encoding="utf-8")


def test_missing_translations_does_not_ask_for_a_translation_of_a_leichte_sprache_version(
    tmp_path: Path,
) -> None:
    site = _site(tmp_path)
    _write(site, f"{NEWS}.ls.md", "---\ntitle: Das erste Treffen\n---\nWir treffen uns.\n")
    _write(site, "content/pacts/alpha/index.ls.md", "Der Pakt hilft bei der Arbeit.\n")
    run = run_pactsite("check", "--site", str(site), "--missing-translations", "en", *NOW)
    assert run.exit_code == 0, run.stderr
    assert ".ls" not in run.output
    assert run.output.splitlines()[-1] == "3 not yet translated into 'en'"


def test_languages_written_without_brackets_is_an_error_showing_the_list_it_means(
    tmp_path: Path,
) -> None:
    site = _site(tmp_path)
    config = (site / "site.yaml").read_text(encoding="utf-8")
    (site / "site.yaml").write_text(config.replace("languages: [de, en]", "languages: de, en"))
    code, errors = _errors(site, "--lang", "de")
    assert code == 1
    assert len(errors) == 1
    assert errors[0].endswith(
        "error: languages muss eine Liste von Sprachkürzeln sein; schreiben Sie die Kürzel in "
        "eckigen Klammern: languages: [de, en]; das erste ist die Sprache der Startseite"
    )


@pytest.mark.parametrize("setting", ["languages: [en, de]", "languages:\n  - en\n  - de"])
def test_a_network_whose_first_language_is_english_gets_its_messages_in_english(
    tmp_path: Path, setting: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PACTSITE_LANG")  # the language comes from site.yaml alone
    site = tmp_path / "site"
    _write(site, "site.yaml", f"title: Net\nbase_url: https://net.test/\n{setting}\n")
    _write(site, "content/pages/about.md", "---\ntitle: About\n---\nWe are a network.\n")
    _write(site, "content/pages/about.fr.md", "---\ntitle: À propos\n---\nUn réseau.\n")
    code, errors = _errors(site)
    assert code == 1
    assert errors == [
        "content/pages/about.fr.md:1: error: 'fr' in the file name is a language the site "
        "does not have; add fr to languages in site.yaml, or rename the file without '.fr'"
    ]


def test_translations_in_pact_yaml_of_a_one_language_site_say_what_they_need(
    tmp_path: Path,
) -> None:
    site = _site(tmp_path)
    config = (site / "site.yaml").read_text(encoding="utf-8")
    (site / "site.yaml").write_text(config.replace("languages: [de, en]", "language: de"))
    for translation in site.glob("content/**/*.en.md"):
        translation.unlink()
    code, errors = _errors(site, "--lang", "de")
    assert code == 1
    assert len(errors) == 1
    assert errors[0].startswith("content/pacts/alpha/pact.yaml:")
    assert errors[0].endswith(
        "error: 'translations' gilt nur für eine Website in mehreren Sprachen; nennen Sie die "
        "Sprachen in site.yaml, z. B. languages: [de, en], oder löschen Sie 'translations:'"
    )


@pytest.mark.parametrize(
    "folder",
    ["content/en/pacts/alpha/news", "content/pacts/alpha/news/en", "content/pacts/alpha/news/EN"],
)
def test_a_translation_in_a_folder_named_like_its_language_is_told_where_it_belongs(
    tmp_path: Path, folder: str
) -> None:
    site = _site(tmp_path)
    _write(site, f"{folder}/2002-11-01-zweite-meldung.md", "---\ntitle: Second\n---\nText.\n")
    code, errors = _errors(site)
    assert code == 1
    assert errors == [
        f"{folder}/2002-11-01-zweite-meldung.md:1: error: this file is not in a folder pactsite "
        "knows; a translation lies beside its original, with the language in its name: move it "
        "to content/pacts/alpha/news/2002-11-01-zweite-meldung.en.md"
    ]


def test_a_translation_named_after_a_translation_is_told_the_name_of_the_original(
    tmp_path: Path,
) -> None:
    site = _site(tmp_path)
    _write(site, "content/pages/impressum.en.en.md", "---\ntitle: Imprint\n---\nText.\n")
    code, errors = _errors(site)
    assert code == 1
    assert errors == [
        "content/pages/impressum.en.en.md:1: error: the file name has two language codes: it "
        "names a translation as its original; rename it to impressum.en.md; in the web editor, "
        "pick the original in the default language under 'Fassung von'"
    ]


def test_a_translated_pact_name_written_without_its_field_says_which_fields_to_write(
    tmp_path: Path,
) -> None:
    site = _site(tmp_path)
    profile = site / "content/pacts/alpha/pact.yaml"
    text = profile.read_text(encoding="utf-8")
    profile.write_text(text[: text.index("translations:")] + "translations:\n  en: Alpha Pact\n")
    code, errors = _errors(site)
    assert code == 1
    assert [error.split(": error: ")[1] for error in errors] == [
        "expected a map of 'key: value' lines; below it, write one indented 'field: value' "
        "line per field: name, short_name, region, join"
    ]
