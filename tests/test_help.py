"""The editors' guide: built under /hilfe/ for every site, and complete about the fields."""

from __future__ import annotations

from pathlib import Path

import pytest

from pactsite.editing.scaffold import SPECS

from conftest import REPOSITORY, parse_page, run_pactsite

GUIDE = (REPOSITORY / "docs/redaktion.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", sorted(SPECS))
def test_the_guide_names_every_field_of_every_type(kind: str) -> None:
    missing = [s.name for s in SPECS[kind] if f"`{s.name}" not in GUIDE]
    assert missing == []


def test_help_page_has_the_guide_with_a_contents_list(example_build: Path) -> None:
    page = parse_page(example_build / "hilfe/index.html")
    assert page.xpath("//h1/text()") == ["Anleitung für die Redaktion"]
    contents = page.xpath("//nav[@class='help-contents']//a/@href")
    ids = set(page.xpath("//main//h2/@id"))
    assert len(contents) > 5 and {c.removeprefix("#") for c in contents} <= ids
    assert "pakte-leiste" in page.text_content()
    network = parse_page(example_build / "netzwerk/index.html")
    assert "/hilfe/#leiste-zum-kopieren" in network.xpath("//main//a/@href")


def test_a_new_site_gets_the_shipped_guide_and_a_site_can_bring_its_own(tmp_path: Path) -> None:
    site = tmp_path / "netz"
    assert run_pactsite("init", str(site)).exit_code == 0
    assert run_pactsite("build", "--site", str(site)).exit_code == 0
    assert "Fehlermeldungen" in (site / "public/hilfe/index.html").read_text(encoding="utf-8")
    (site / "docs").mkdir()
    (site / "docs/redaktion.md").write_text("# Unsere Hilfe\n\n## Kontakt\n\nText.\n")
    assert run_pactsite("build", "--site", str(site)).exit_code == 0
    own = parse_page(site / "public/hilfe/index.html")
    assert own.xpath("//h1/text()") == ["Unsere Hilfe"]


@pytest.fixture
def new_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A site made by `pactsite init`, built with a user cache folder of its own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    site = tmp_path / "netz"
    assert run_pactsite("init", str(site)).exit_code == 0
    return site


def test_the_shipped_guide_is_rendered_once_per_user_and_a_broken_copy_is_rendered_again(
    new_site: Path, tmp_path: Path
) -> None:
    site = new_site
    assert run_pactsite("build", "--site", str(site), "--no-cache").exit_code == 0
    fresh = (site / "public/hilfe/index.html").read_bytes()
    (kept,) = (tmp_path / "cache/pactsite").glob("guide-*.pickle")
    kept.write_bytes(b"not a pickle")
    assert run_pactsite("build", "--site", str(site), "--no-cache").exit_code == 0
    assert (site / "public/hilfe/index.html").read_bytes() == fresh
    assert kept.read_bytes() != b"not a pickle", "the broken copy was replaced"
    assert run_pactsite("build", "--site", str(site), "--no-cache").exit_code == 0
    assert (site / "public/hilfe/index.html").read_bytes() == fresh, "from the kept copy"


def test_a_sites_own_guide_is_not_kept_in_the_user_cache(new_site: Path, tmp_path: Path) -> None:
    site = new_site
    (site / "docs").mkdir()
    (site / "docs/redaktion.md").write_text("# Unsere Hilfe\n\n## Kontakt\n\nText.\n")
    assert run_pactsite("build", "--site", str(site)).exit_code == 0
    assert list((tmp_path / "cache").rglob("guide-*")) == []
