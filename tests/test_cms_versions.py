"""The web editor offers versions in Leichte Sprache (and further languages) of every page,
named as the build reads them (issue 23, item 6)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from pactsite.content.schema import NEWS_FIELDS, PACT_VARIANT_FIELDS, VARIANT_FIELDS
from pactsite.outputs.admin import translation_version, version_collections

from conftest import FIXTURES, copy_site, parse_page, run_pactsite

FOLDERS = ("news", "projects", "events", "pages")


def _cms_site(site: Path) -> Path:
    config = site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "cms: {enabled: true}\n")
    return site


def _config(site: Path) -> dict[str, Any]:
    run = run_pactsite("build", "--site", str(site))
    assert run.exit_code == 0, run.stderr
    parsed: dict[str, Any] = yaml.safe_load((site / "public/admin/config.yml").read_text())
    return parsed


def _decap_path(collection: dict[str, Any], data: dict[str, Any]) -> str:
    """The file Decap writes for a new entry: the collection's slug template filled from the
    entry's fields (as decap-cms-core's slugFormatter does), then `<folder>/<slug>.<ext>`."""
    slug = re.sub(r"\{\{fields\.(\w+)\}\}", lambda m: str(data[m[1]]), collection["slug"])
    return f"{collection['folder']}/{slug}.{collection['extension']}"


def _decap_slug(path: str, collection: dict[str, Any]) -> str:
    """An existing file's slug as Decap's relation widget stores it for `{{slug}}`: the file
    name without the folder and the collection's extension (decap-cms-core entrySlug)."""
    return path.removeprefix(collection["folder"] + "/").removesuffix("." + collection["extension"])


def test_every_folder_has_a_collection_of_leichte_sprache_versions(minimal_site: Path) -> None:
    parsed = _config(_cms_site(minimal_site))
    by_name = {c["name"]: c for c in parsed["collections"]}
    assert "i18n" not in parsed  # Decap's i18n would look for name.de.md: see admin.py
    for original_name in [f"{p}-{f}" for p in ("alpha", "beta") for f in FOLDERS] + [
        "network-pages"
    ]:
        original, version = by_name[original_name], by_name[f"{original_name}-ls"]
        assert original["extension"] == "md"
        assert version["folder"] == original["folder"]
        assert version["extension"] == "ls.md"
        assert version["slug"] == "{{fields.original}}"
        relation, *fields = version["fields"]
        assert relation == {
            **relation,
            "name": "original",
            "widget": "relation",
            "collection": original_name,
            "value_field": "{{slug}}",
            "required": True,
        }
        assert [(f["name"], f["required"]) for f in fields] == [
            (spec.name, spec.required) for spec in VARIANT_FIELDS[1:]
        ] + [("body", False)]
    pacts = by_name["pact-descriptions-ls"]
    assert [f["file"] for f in pacts["files"]] == [
        "content/pacts/alpha/index.ls.md",
        "content/pacts/beta/index.ls.md",
    ]
    assert [f["name"] for f in pacts["files"][0]["fields"]] == [
        *(spec.name for spec in PACT_VARIANT_FIELDS),
        "body",
    ]


def test_a_version_saved_as_the_editor_names_it_is_built_as_the_originals_version(
    minimal_site: Path,
) -> None:
    parsed = _config(_cms_site(minimal_site))
    by_name = {c["name"]: c for c in parsed["collections"]}
    news, version = by_name["alpha-news"], by_name["alpha-news-ls"]
    chosen = _decap_slug(f"{news['folder']}/2002-10-22-erste-meldung.md", news)
    path = _decap_path(version, {"original": chosen, "title": "Einfach"})
    assert path == "content/pacts/alpha/news/2002-10-22-erste-meldung.ls.md"
    saved = f"---\noriginal: {chosen}\ntitle: Einfach\n---\nDas ist einfach.\n"
    (minimal_site / path).write_text(saved, encoding="utf-8")
    pact_file = by_name["pact-descriptions-ls"]["files"][0]["file"]
    (minimal_site / pact_file).write_text("---\ntitle: Alpha einfach\n---\nHallo.\n")
    run = run_pactsite("build", "--site", str(minimal_site))
    assert run.exit_code == 0, run.stderr
    out = minimal_site / "public"
    built = parse_page(out / "pakte/alpha/aktuelles/erste-meldung/leichte-sprache/index.html")
    assert built.xpath("string(//h1)") == "Einfach"
    pact = parse_page(out / "pakte/alpha/leichte-sprache/index.html")
    assert pact.xpath("string(//h1)") == "Alpha einfach"


def test_an_original_field_that_names_another_page_is_an_error(minimal_site: Path) -> None:
    path = minimal_site / "content/pacts/alpha/news/2002-10-22-erste-meldung.ls.md"
    path.write_text("---\ntitle: Einfach\noriginal: 2002-11-01-zweite-meldung\n---\nText.\n")
    run = run_pactsite("check", "--site", str(minimal_site))
    assert run.exit_code == 1
    assert (
        "content/pacts/alpha/news/2002-10-22-erste-meldung.ls.md:3: error: 'original' names "
        "'2002-11-01-zweite-meldung', but the file name makes this the version of "
        "'2002-10-22-erste-meldung'; rename the file to 2002-11-01-zweite-meldung.ls.md or "
        "correct 'original:'"
    ) in run.stderr


def test_a_further_language_gets_collections_of_translations_named_name_code_md() -> None:
    news = {"name": "alpha-news", "label": "Alpha: Aktuelles", "label_singular": "Meldung"}
    news |= {"folder": "content/pacts/alpha/news", "extension": "md", "slug": "{{slug}}"}
    (english,) = version_collections([(news, NEWS_FIELDS)], translation_version("en"), {})
    assert english["name"] == "alpha-news-en" and english["extension"] == "en.md"
    assert english["label"] == "Alpha: Aktuelles – English"
    assert _decap_path(english, {"original": "2002-10-22-treffen"}) == (
        "content/pacts/alpha/news/2002-10-22-treffen.en.md"
    )
    required = {f["name"] for f in english["fields"] if f["required"]}
    assert required == {"original", "title"}  # the facts are the original's


def test_a_translation_saved_as_the_editor_names_it_is_read_as_the_translation(
    tmp_path: Path,
) -> None:
    site = _cms_site(copy_site(FIXTURES / "bilingual", tmp_path / "site"))
    by_name = {c["name"]: c for c in _config(site)["collections"]}
    english = by_name["alpha-news-en"]
    assert english["extension"] == "en.md" and english["fields"][0]["collection"] == "alpha-news"
    news = by_name["alpha-news"]
    chosen = _decap_slug("content/pacts/alpha/news/2002-11-01-zweite-meldung.md", news)
    path = _decap_path(english, {"original": chosen, "title": "Second news"})
    assert path == "content/pacts/alpha/news/2002-11-01-zweite-meldung.en.md"
    (site / path).write_text(f"---\noriginal: {chosen}\ntitle: Second news\n---\nText.\n")
    run = run_pactsite("build", "--site", str(site))
    assert run.exit_code == 0, run.stderr
    page = site / "public/en/pakte/alpha/aktuelles/zweite-meldung/index.html"
    assert parse_page(page).xpath("string(//h1)") == "Second news"


def test_a_translation_form_offers_only_what_a_translation_says_not_the_originals_facts() -> None:
    news = {"name": "alpha-news", "label": "Alpha: Aktuelles", "label_singular": "Meldung"}
    news |= {"folder": "content/pacts/alpha/news", "extension": "md", "slug": "{{slug}}"}
    (english,) = version_collections([(news, NEWS_FIELDS)], translation_version("en"), {})
    names = [field["name"] for field in english["fields"]]
    assert names == ["original", "title", "summary", "author", "image_alt", "draft", "body"]


def test_the_pact_profile_form_of_a_bilingual_site_offers_the_translated_name(
    tmp_path: Path,
) -> None:
    site = _cms_site(copy_site(FIXTURES / "bilingual", tmp_path / "site"))
    by_name = {c["name"]: c for c in _config(site)["collections"]}
    profile = by_name["pact-profiles"]["files"][0]["fields"]
    (translations,) = [field for field in profile if field["name"] == "translations"]
    (english,) = translations["fields"]
    assert (english["name"], english["label"]) == ("en", "English")
    assert [field["name"] for field in english["fields"]] == [
        "name",
        "short_name",
        "region",
        "join",
    ]


def test_a_pact_description_saved_in_the_english_form_is_the_english_description(
    tmp_path: Path,
) -> None:
    site = _cms_site(copy_site(FIXTURES / "bilingual", tmp_path / "site"))
    by_name = {c["name"]: c for c in _config(site)["collections"]}
    files = {f["name"]: f for f in by_name["pact-descriptions-en"]["files"]}
    assert files["beta"]["file"] == "content/pacts/beta/index.en.md"
    assert [field["name"] for field in files["beta"]["fields"]] == ["title", "summary", "body"]
    (site / files["beta"]["file"]).write_text("---\nsummary: Beta in English\n---\nWe work.\n")
    run = run_pactsite("build", "--site", str(site))
    assert run.exit_code == 0, run.stderr
    page = parse_page(site / "public/en/pakte/beta/index.html")
    assert "We work." in page.xpath("string(//main)")
