"""The web editor /admin/: its Decap CMS configuration matches the schema that validates content."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import Browser, Page, Route

from pactsite.content.schema import (
    EVENT_FIELDS,
    NEWS_FIELDS,
    PACT_FIELDS,
    PAGE_FIELDS,
    PROJECT_FIELDS,
    STATUSES,
    FieldSpec,
    FieldType,
)
from pactsite.outputs.admin import DECAP_BASE, DECAP_INTEGRITY, DECAP_SCRIPT, IDENTITY_SCRIPT

from conftest import REPOSITORY, parse_page, run_pactsite
from static_server import headers_for, netlify_headers, serve

TYPES = {
    "news": NEWS_FIELDS,
    "projects": PROJECT_FIELDS,
    "events": EVENT_FIELDS,
    "pages": PAGE_FIELDS,
}
SITE = yaml.safe_load((REPOSITORY / "site.yaml").read_text(encoding="utf-8"))
PACTS = sorted(p.name for p in (REPOSITORY / "content/pacts").iterdir() if p.is_dir())


@pytest.fixture(scope="module")
def cms(example_build: Path) -> dict[str, Any]:
    """The generated config.yml of the example network, parsed."""
    parsed: dict[str, Any] = yaml.safe_load(
        (example_build / "admin/config.yml").read_text(encoding="utf-8")
    )
    return parsed


def _vocabulary(name: str) -> set[str]:
    if name == "pacts":
        return set(PACTS)
    if name == "statuses":
        return set(STATUSES)
    if name == "member_kinds":
        return {"company", "institution", "municipality", "chamber", "agency", "association"}
    return set(SITE[name])


def _assert_fields_match(fields: list[dict[str, Any]], specs: Sequence[FieldSpec]) -> None:
    by_name = {f["name"]: f for f in fields}
    assert set(by_name) - {"body"} == {s.name for s in specs}
    for spec in specs:
        field = by_name[spec.name]
        assert field["required"] is spec.required, spec.name
        assert field["label"] == spec.label
        if spec.vocabulary:
            assert field["widget"] == "select", spec.name
            assert {o["value"] for o in field["options"]} == _vocabulary(spec.vocabulary)
            assert all(o["label"] for o in field["options"])
            assert field.get("multiple", False) is (spec.type is FieldType.CHOICE_LIST)
        if spec.type in (FieldType.DATE, FieldType.MOMENT):
            assert field["widget"] == "datetime" and field["format"].startswith("YYYY-MM-DD")
        if spec.fields:
            _assert_fields_match(field["fields"], spec.fields)


def test_every_pact_has_a_restricted_collection_per_type_with_every_field(
    cms: dict[str, Any],
) -> None:
    # the originals' collections (their versions' are tests/test_cms_versions.py's)
    by_folder = {c["folder"]: c for c in cms["collections"] if c.get("extension") == "md"}
    for pact in PACTS:
        for folder, specs in TYPES.items():
            collection = by_folder[f"content/pacts/{pact}/{folder}"]
            assert collection["create"] is True
            assert collection["media_folder"] == ""  # images beside the Markdown
            assert collection["fields"][-1]["widget"] == "markdown"
            _assert_fields_match(collection["fields"], specs)
    _assert_fields_match(by_folder["content/pages"]["fields"], PAGE_FIELDS)
    assert len(by_folder) == len(PACTS) * len(TYPES) + 1


def test_pact_profiles_are_editable_with_every_profile_field(cms: dict[str, Any]) -> None:
    (profiles,) = [c for c in cms["collections"] if c["name"] == "pact-profiles"]
    assert sorted(f["name"] for f in profiles["files"]) == PACTS
    for file in profiles["files"]:
        assert file["file"] == f"content/pacts/{file['name']}/pact.yaml"
        _assert_fields_match(file["fields"], PACT_FIELDS)


def test_every_vocabulary_value_of_site_yaml_is_an_option(cms: dict[str, Any]) -> None:
    text = yaml.safe_dump(cms, allow_unicode=True)
    for vocabulary in ("sectors", "funds", "target_groups"):
        for value in SITE[vocabulary]:
            assert f"value: {value}\n" in text, value


def test_editorial_workflow_and_git_gateway_as_site_yaml_says(cms: dict[str, Any]) -> None:
    assert cms["publish_mode"] == "editorial_workflow"
    assert cms["backend"] == {"name": "git-gateway", "branch": "main"}
    assert cms["locale"] == "de"


def test_admin_page_is_not_indexed_and_loads_only_the_pinned_editor(example_build: Path) -> None:
    page = parse_page(example_build / "admin/index.html")
    assert page.xpath("//meta[@name='robots']/@content") == ["noindex"]
    assert page.xpath("//script/@src") == [IDENTITY_SCRIPT, DECAP_SCRIPT]
    assert "@3." in DECAP_SCRIPT  # a pinned version, never "latest"
    (decap,) = page.xpath("//script[@integrity]")
    assert decap.get("src") == DECAP_SCRIPT and decap.get("integrity") == DECAP_INTEGRITY
    assert decap.get("crossorigin") == "anonymous"  # unpkg sends CORS headers; SRI needs them
    assert "/admin/" not in (example_build / "sitemap.xml").read_text(encoding="utf-8")
    for html in example_build.rglob("*.html"):
        assert 'href="/admin/' not in html.read_text(encoding="utf-8"), html


def test_admin_has_its_own_csp_and_visitor_pages_keep_the_strict_one() -> None:
    rules = netlify_headers(REPOSITORY / "netlify.toml")
    admin_csp = headers_for("/admin/index.html", rules)["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in admin_csp
    # scripts from unpkg.com only under the pinned version's path
    assert re.findall(r"https://unpkg\.com\S*", admin_csp) == [DECAP_BASE.rsplit("dist/", 1)[0]]
    visitor_csp = headers_for("/aktuelles/", rules)["Content-Security-Policy"]
    assert "unpkg" not in visitor_csp and "'unsafe-eval'" not in visitor_csp


def test_without_cms_setting_there_is_no_admin(build_minimal: Any, minimal_site: Path) -> None:
    run, out = build_minimal()
    assert run.exit_code == 0, run.stderr
    assert not (out / "admin").exists()
    config = minimal_site / "site.yaml"
    config.write_text(
        config.read_text(encoding="utf-8") + "cms: {enabled: true, branch: redaktion}\n",
        encoding="utf-8",
    )
    run, out = build_minimal()
    assert run.exit_code == 0, run.stderr
    parsed = yaml.safe_load((out / "admin/config.yml").read_text(encoding="utf-8"))
    assert parsed["backend"]["branch"] == "redaktion"


def test_a_rebuild_in_the_same_process_writes_the_changed_configuration(
    build_minimal: Any, minimal_site: Path
) -> None:
    """The configuration's YAML is kept for rebuilds (serve): only while it is the same."""
    config = minimal_site / "site.yaml"
    text = config.read_text(encoding="utf-8")
    branches = []
    for branch in ("redaktion", "entwurf", "redaktion"):
        config.write_text(text + f"cms: {{enabled: true, branch: {branch}}}\n", encoding="utf-8")
        run, out = build_minimal()
        assert run.exit_code == 0, run.stderr
        parsed = yaml.safe_load((out / "admin/config.yml").read_text(encoding="utf-8"))
        branches.append(parsed["backend"]["branch"])
    assert branches == ["redaktion", "entwurf", "redaktion"]


def test_a_typo_in_the_cms_setting_is_an_error(minimal_site: Path) -> None:
    config = minimal_site / "site.yaml"
    config.write_text(
        config.read_text(encoding="utf-8") + "cms:\n  enabled: yes please\n  backnd: github\n",
        encoding="utf-8",
    )
    run = run_pactsite("check", "--site", str(minimal_site))
    assert run.exit_code == 1
    assert "unknown cms setting 'backnd'; did you mean 'backend'?" in run.stderr
    assert "cms.enabled must be true or false" in run.stderr


def test_a_field_with_an_empty_vocabulary_is_left_out_not_offered_empty(
    build_minimal: Any, minimal_site: Path
) -> None:
    config = minimal_site / "site.yaml"
    text = config.read_text(encoding="utf-8").replace(
        "target_groups:\n  arbeitslose: Arbeitslose\n", ""
    )
    config.write_text(text + "cms: {enabled: true}\n", encoding="utf-8")
    project = minimal_site / "content/pacts/alpha/projects/qualifizierung.md"
    project.write_text(
        project.read_text(encoding="utf-8").replace("target_groups: [arbeitslose]\n", ""),
        encoding="utf-8",
    )
    run, out = build_minimal()
    assert run.exit_code == 0, run.stderr
    parsed = yaml.safe_load((out / "admin/config.yml").read_text(encoding="utf-8"))
    projects = next(c for c in parsed["collections"] if c["name"] == "alpha-projects")
    names = [f["name"] for f in projects["fields"]]
    assert "target_groups" not in names and "fund" in names
    selects = [
        f for c in parsed["collections"] for f in c.get("fields", []) if f.get("widget") == "select"
    ]
    assert selects and all(f["options"] for f in selects)


DECAP_DIST = os.environ.get("PACTSITE_DECAP_DIST", "")
"""A local copy of decap-cms's dist/ folder (`npm pack decap-cms@<DECAP_VERSION>` and
unpack); the test that runs the real editor needs it, since tests have no network.
`make test` fetches it at install time and sets this variable, so there it always runs."""


Serving = Callable[[Page], list[str]]


@pytest.fixture
def decap_from_unpkg() -> Serving:
    """Let a tab fetch the pinned Decap CMS from https://unpkg.com as a browser would, with
    the package's bytes and unpkg's CORS header; the browser itself checks the page's
    integrity hash and CSP. Returns the list of files it fetched from there."""
    dist = Path(DECAP_DIST)

    def route(page: Page) -> list[str]:
        fetched: list[str] = []

        def answer(route: Route) -> None:
            name = route.request.url.removeprefix(DECAP_BASE)
            fetched.append(name)
            file = dist / name
            if "/" in name or not file.is_file():
                route.fulfill(status=404, body="not found")
                return
            route.fulfill(
                status=200,
                body=file.read_bytes(),
                headers={
                    "Content-Type": "application/javascript; charset=utf-8",
                    "Access-Control-Allow-Origin": "*",
                },
            )

        page.route(DECAP_BASE + "**", answer)
        return fetched

    return route


NEEDS_DECAP = pytest.mark.skipif(
    not DECAP_DIST,
    reason="set PACTSITE_DECAP_DIST to a local decap-cms dist/ folder (make test does)",
)


@NEEDS_DECAP
def test_the_pinned_decap_cms_file_has_the_integrity_hash_of_the_npm_package() -> None:
    digest = hashlib.sha384((Path(DECAP_DIST) / "decap-cms.js").read_bytes()).digest()
    assert "sha384-" + base64.b64encode(digest).decode() == DECAP_INTEGRITY


def _save(page: Page) -> list[list[str]]:
    """Save the entry in the editor; every file saved so far, as [path, content]."""
    page.get_by_role("button", name="Speichern").click()
    page.get_by_text("Status: Entwurf").wait_for()
    saved: list[list[str]] = page.evaluate(
        "Object.values(window.repoFilesUnpublished)"
        ".flatMap(e => e.diffs.map(d => [d.path, d.content]))"
    )
    return saved


@pytest.fixture
def editor_site(example_build: Path, tmp_path: Path) -> Path:
    """The built example with its editor on Decap's in-browser test backend, no login."""
    site = tmp_path / "public"
    shutil.copytree(example_build, site)
    admin = site / "admin/index.html"
    admin.write_text(
        admin.read_text(encoding="utf-8").replace(
            f'<script src="{IDENTITY_SCRIPT}"></script>\n', ""
        ),
        encoding="utf-8",
    )
    config = site / "admin/config.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("name: git-gateway", "name: test-repo"),
        encoding="utf-8",
    )
    return site


@NEEDS_DECAP
def test_the_real_decap_cms_loads_the_config_and_saves_entries_the_build_accepts(
    chromium: Browser, editor_site: Path, tmp_path: Path, decap_from_unpkg: Serving
) -> None:
    site = editor_site
    picks = [("Stand", "laufend"), ("Branchen", "Chemische"), ("Förderung", "Lokales")]
    with serve(site, netlify_headers(REPOSITORY / "netlify.toml")) as base:
        page = chromium.new_page(viewport={"width": 1280, "height": 900})
        fetched = decap_from_unpkg(page)
        violations: list[str] = []
        page.on(
            "console",
            lambda m: (
                violations.append(m.text)
                if "Content Security Policy" in m.text or "integrity" in m.text
                else None
            ),
        )
        page.goto(base + "/admin/")
        page.get_by_role("button", name="Login").click()
        page.goto(base + "/admin/#/collections/halle-projects/new")
        page.get_by_label("Titel").first.fill("Prüfung im Editor")
        for label, text in picks:
            page.get_by_label(re.compile("^" + label)).first.click()
            page.keyboard.type(text)
            page.keyboard.press("Enter")
        page.locator("input[type=date]").first.fill("2026-11-23")
        _save(page)
        page.goto(base + "/admin/#/collections/halle-news/new")
        page.get_by_label("Titel").first.fill("Übergänge gestalten")
        page.locator("input[type=date]").first.fill("2026-11-02")
        saved = _save(page)
        page.close()
    assert violations == []
    assert "decap-cms.js" in fetched  # through the page's <script integrity=...>
    # file names as typed (the build transliterates them into addresses); news dated by
    # their date field, not by the day the file was created
    assert sorted(path for path, _ in saved) == [
        "content/pacts/halle/news/2026-11-02-übergänge-gestalten.md",
        "content/pacts/halle/projects/prüfung-im-editor.md",
    ]
    saved = sorted(saved, key=lambda pair: "projects" not in pair[0])
    copy = tmp_path / "site"
    shutil.copytree(REPOSITORY / "content", copy / "content")
    shutil.copy(REPOSITORY / "site.yaml", copy / "site.yaml")
    for path, content in saved:
        (copy / path).write_text(content, encoding="utf-8")
    linking = copy / "content/pages/verweise-im-test.md"
    linking.write_text(
        "---\ntitle: Verweise\n---\n[Projekt](pact:halle/projects/pruefung-im-editor) und "
        "[Meldung](pact:halle/news/uebergaenge-gestalten)\n",
        encoding="utf-8",
    )
    assert "status: running" in saved[0][1] and "chemie" in saved[0][1]
    checked = run_pactsite("check", "--site", str(copy))
    assert checked.exit_code == 0, checked.stderr


@NEEDS_DECAP
def test_the_real_decap_cms_saves_a_leichte_sprache_version_beside_its_original(
    chromium: Browser, editor_site: Path, tmp_path: Path, decap_from_unpkg: Serving
) -> None:
    site = editor_site
    folder = "content/pacts/halle/news"
    name = "2002-10-22-schaffung-und-sicherung-neuer-arbeitsplaetze.md"
    original = (REPOSITORY / folder / name).read_text(encoding="utf-8")
    # the test backend lists a folder by its whole path as one key of window.repoFiles
    seed = {folder: {name: {"content": original, "path": f"{folder}/{name}"}}}
    with serve(site, netlify_headers(REPOSITORY / "netlify.toml")) as base:
        page = chromium.new_page(viewport={"width": 1280, "height": 900})
        decap_from_unpkg(page)
        page.add_init_script(f"window.repoFiles = {json.dumps(seed)};")
        page.goto(base + "/admin/")
        page.get_by_role("button", name="Login").click()
        page.goto(base + "/admin/#/collections/halle-news-ls/new")
        page.get_by_label(re.compile("^Fassung von")).first.click()
        page.keyboard.type("Schaffung")
        page.get_by_text("Schaffung und Sicherung", exact=False).last.click()
        page.get_by_label("Titel").first.fill("Neue Arbeits·plätze in Halle")
        saved = _save(page)
        page.close()
    assert [path for path, _ in saved] == [f"{folder}/{name.removesuffix('.md')}.ls.md"]
    copy = tmp_path / "site"
    shutil.copytree(REPOSITORY / "content", copy / "content")
    shutil.copy(REPOSITORY / "site.yaml", copy / "site.yaml")
    (copy / saved[0][0]).write_text(saved[0][1], encoding="utf-8")
    out = tmp_path / "out"
    built = run_pactsite("build", "--site", str(copy), "--output", str(out))
    assert built.exit_code == 0, built.stderr
    version = out / "pakte/halle/aktuelles/schaffung-und-sicherung-neuer-arbeitsplaetze"
    heading = parse_page(version / "leichte-sprache/index.html").xpath("string(//h1)")
    assert heading == "Neue Arbeits·plätze in Halle"
