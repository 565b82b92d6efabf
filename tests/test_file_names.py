"""File names as editors and the web editor write them, and every link form that names them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import Run, parse_page

NEWS = "content/pacts/alpha/news"


def _write(site: Path, relative: str, text: str) -> None:
    path = site / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _hrefs(page: Path) -> list[str]:
    return [str(href) for href in parse_page(page).xpath('//div[@class="prose"]//a/@href')]


def test_markdown_extension_in_any_case_and_spelling_is_a_page(
    minimal_site: Path, build_minimal: Callable[..., tuple[Run, Path]]
) -> None:
    _write(minimal_site, f"{NEWS}/2003-02-01-lang.markdown", "---\ntitle: Lang\n---\nA.\n")
    _write(minimal_site, "content/pages/GROSS.MD", "---\ntitle: Groß\n---\nB.\n")
    run, out = build_minimal()
    assert run.exit_code == 0, run.stderr
    assert (out / "pakte/alpha/aktuelles/lang/index.html").is_file()
    assert (out / "gross/index.html").is_file()


def test_date_prefix_with_space_or_underscore_is_dropped_and_dates_the_news(
    minimal_site: Path, build_minimal: Callable[..., tuple[Run, Path]]
) -> None:
    _write(minimal_site, f"{NEWS}/2026-12-05 Übergänge.md", "---\ntitle: Übergänge\n---\nA.\n")
    _write(minimal_site, f"{NEWS}/2026-12-06_Straße frei.md", "---\ntitle: Frei\n---\nB.\n")
    run, out = build_minimal()
    assert run.exit_code == 0, run.stderr
    page = out / "pakte/alpha/aktuelles/uebergaenge/index.html"
    assert 'datetime="2026-12-05' in page.read_text(encoding="utf-8")
    assert (out / "pakte/alpha/aktuelles/strasse-frei/index.html").is_file()


def test_pact_links_reach_a_file_by_its_name_with_or_without_date_and_md(
    minimal_site: Path, build_minimal: Callable[..., tuple[Run, Path]]
) -> None:
    # as the web editor names files: date, then the title as it was typed
    _write(minimal_site, f"{NEWS}/2026-12-05-übergänge.md", "---\ntitle: Übergänge\n---\nA.\n")
    forms = [
        "pact:alpha/news/2002-10-22-erste-meldung",
        "pact:alpha/news/2002-10-22-erste-meldung.md",
        "pact:alpha/news/erste-meldung",
        "pact:alpha/news/erste-meldung.md",
        "pact:alpha/news/2026-12-05-übergänge",
        "pact:alpha/news/uebergaenge",
        "../../alpha/news/2026-12-05-%C3%BCberg%C3%A4nge.md",
    ]
    links = " ".join(f"[{n}]({form})" for n, form in enumerate(forms))
    _write(
        minimal_site,
        "content/pacts/beta/news/2003-01-05-dritte-meldung.md",
        f"---\ntitle: Dritte Meldung\ndate: 2003-01-05\n---\n{links}\n",
    )
    run, out = build_minimal()
    assert run.exit_code == 0, run.stderr
    hrefs = _hrefs(out / "pakte/beta/aktuelles/dritte-meldung/index.html")
    assert hrefs == [
        *["/pakte/alpha/aktuelles/erste-meldung/"] * 4,
        *["/pakte/alpha/aktuelles/uebergaenge/"] * 3,
    ]


def test_a_pacts_description_needs_no_front_matter(
    minimal_site: Path, build_minimal: Callable[..., tuple[Run, Path]]
) -> None:
    _write(minimal_site, "content/pacts/alpha/index.md", "## Ziele für 2003\n\nDer Pakt Alpha.\n")
    run, out = build_minimal()
    assert run.exit_code == 0, run.stderr
    assert "Der Pakt Alpha." in (out / "pakte/alpha/index.html").read_text(encoding="utf-8")
