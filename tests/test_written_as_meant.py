"""What an editor wrote reaches the built site as written: cents, unpublished link targets."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

from conftest import Run, parse_page

PROJECT = "content/pacts/alpha/projects/qualifizierung.md"


def test_cent_amounts_are_shown_with_cents_not_rounded(
    minimal_site: Path, build_minimal: Callable[..., tuple[Run, Path]]
) -> None:
    project = minimal_site / PROJECT
    project.write_text(
        project.read_text(encoding="utf-8").replace("budget_eur: 25000", "budget_eur: 1250.50"),
        encoding="utf-8",
    )
    run, out = build_minimal()
    assert run.exit_code == 0, run.stderr
    page = parse_page(out / "pakte/alpha/projekte/qualifizierung/index.html")
    assert "1.250,50\xa0Euro" in page.text_content()
    fund = parse_page(out / "foerderung/lokales-kapital/index.html")
    assert "1.250,50\xa0Euro" in fund.text_content()
    raw = (out / "projekte.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(raw), delimiter=";"))
    # with ';' as separator, German Excel reads a decimal comma as a number
    assert rows[0]["budget_eur"] == "1250,50"


def test_a_link_to_a_draft_is_shown_as_its_text_not_as_a_dead_link(
    minimal_site: Path, build_minimal: Callable[..., tuple[Run, Path]]
) -> None:
    news = minimal_site / "content/pacts/alpha/news/2002-11-01-zweite-meldung.md"
    news.write_text(
        "---\ntitle: Zweite\ndate: 2002-11-01\n---\n"
        "Siehe [den Entwurf](pact:alpha/news/entwurf).\n",
        encoding="utf-8",
    )
    run, out = build_minimal()
    assert run.exit_code == 0, run.stderr
    assert "which is a draft or not published now" in run.stderr
    page = out / "pakte/alpha/aktuelles/zweite-meldung/index.html"
    body = page.read_text(encoding="utf-8")
    assert "pact:alpha/news/entwurf" not in body
    assert "Siehe den Entwurf." in parse_page(page).text_content()
