"""The project directory: facet pages that work without JavaScript, funds, and open data.

Every list of the directory is cut into pages of PAGE_SIZE projects (`/projekte/seite/2/`,
`/projekte/branche/chemie/seite/2/`), so that no page grows with the network; the filter
script loads every project's list item from CARDS_URL when the directory has more than one
page.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, cast

import jinja2

from pactsite.content.config import SiteConfig
from pactsite.model import Project, Site, Status
from pactsite.outputs import OutputFile, PageJob, Pagination
from pactsite.urls import UrlScheme

PAGE_SIZE = 50
"""Projects per page of a directory list: about 60 KB of HTML, whatever the network's size."""
CARDS_URL = "/projekte/karten.json"
"""Every project's list item, in the directory's order, for the filter script."""

STATUS_SLUGS = {
    Status.RUNNING: "laufend",
    Status.PLANNED: "geplant",
    Status.COMPLETED: "abgeschlossen",
}
OPEN_DATA_FIELDS = (
    ("id", "stable identifier: pact/projects/slug"),
    ("title", "title"),
    ("url", "absolute address of the project's page"),
    ("pact", "key of the pact"),
    ("pact_name", "name of the pact"),
    ("status", "planned, running or completed"),
    ("sectors", "sector keys, separated by '|'"),
    ("fund", "key of the fund, or empty"),
    ("target_groups", "target group keys, separated by '|'"),
    ("start", "start date, YYYY-MM-DD, or empty"),
    ("end", "end date, YYYY-MM-DD, or empty"),
    ("budget_eur", "budget in euros, or empty"),
    ("location", "place"),
    ("summary", "one-sentence summary"),
)


@dataclass(frozen=True, slots=True)
class FacetValue:
    """One value of a facet with its static page and how many projects have it."""

    slug: str
    label: str
    count: int
    url: str


@dataclass(frozen=True, slots=True)
class Facet:
    """A dimension to filter projects by, with all of its values."""

    name: str
    segment: str
    values: tuple[FacetValue, ...]


def facets(site: Site, config: SiteConfig, urls: UrlScheme, labels: dict[str, str]) -> list[Facet]:
    """The five facets of the directory with counts over all projects."""
    base = urls.section_projects()
    specs: list[tuple[str, str, list[tuple[str, str]], Callable[[Project], Sequence[str]]]] = [
        ("pact", "pakt", [(p.key, p.short_name) for p in site.pacts], lambda p: p.in_pacts),
        ("sector", "branche", list(config.sectors.items()), lambda p: p.sectors),
        ("fund", "foerderung", [(k, f.name) for k, f in config.funds.items()], lambda p: [p.fund]),
        (
            "status",
            "status",
            [(STATUS_SLUGS[s], labels[s.value]) for s in STATUS_SLUGS],
            lambda p: [STATUS_SLUGS[p.status]],
        ),
        (
            "target_group",
            "zielgruppe",
            list(config.target_groups.items()),
            lambda p: p.target_groups,
        ),
    ]
    return [
        Facet(
            name,
            segment,
            tuple(
                FacetValue(
                    slug,
                    label,
                    sum(1 for p in site.projects if slug in values_of(p)),
                    f"{base}{segment}/{slug}/",
                )
                for slug, label in choices
            ),
        )
        for name, segment, choices, values_of in specs
    ]


def project_facet_values(project: Project) -> dict[str, str]:
    """The `data-` attributes a project's list item carries for the filter script."""
    return {
        "pakt": " ".join(project.in_pacts),
        "branche": " ".join(project.sectors),
        "foerderung": project.fund,
        "status": STATUS_SLUGS[project.status],
        "zielgruppe": " ".join(project.target_groups),
    }


def plan_directory(
    site: Site, config: SiteConfig, urls: UrlScheme, labels: dict[str, str]
) -> Iterator[PageJob]:
    """The directory, a static page per facet value, and a page per fund."""
    all_facets = facets(site, config, urls, labels)
    yield from _paginated(urls.section_projects(), urls, site.projects, all_facets, None)
    members: dict[str, Callable[[Project, str], bool]] = {
        "pakt": lambda p, v: v in p.in_pacts,
        "branche": lambda p, v: v in p.sectors,
        "foerderung": lambda p, v: p.fund == v,
        "status": lambda p, v: STATUS_SLUGS[p.status] == v,
        "zielgruppe": lambda p, v: v in p.target_groups,
    }
    for facet in all_facets:
        for value in facet.values:
            chosen = [p for p in site.projects if members[facet.segment](p, value.slug)]
            yield from _paginated(value.url, urls, chosen, all_facets, (facet, value))
    for fund in config.funds.values():
        funded = [p for p in site.projects if p.fund == fund.slug]
        yield PageJob(
            urls.fund(fund.slug),
            "fund.html",
            {"fund": fund, "projects": funded, **budget_totals(site, funded)},
        )


def _paginated(
    url: str,
    urls: UrlScheme,
    projects: Sequence[Project],
    all_facets: list[Facet],
    chosen: tuple[Facet, FacetValue] | None,
) -> Iterator[PageJob]:
    """The pages of one list of the directory, PAGE_SIZE projects each."""
    chunks = [projects[i : i + PAGE_SIZE] for i in range(0, len(projects), PAGE_SIZE)] or [[]]

    def page(number: int) -> str:
        return url if number <= 1 else f"{url}{urls.patterns.pagination}/{number}/"

    for number, chunk in enumerate(chunks, start=1):
        pagination = Pagination(
            number=number,
            count=len(chunks),
            previous_url=page(number - 1) if number > 1 else "",
            next_url=page(number + 1) if number < len(chunks) else "",
        )
        yield PageJob(
            page(number),
            "directory.html",
            {
                "facets": all_facets,
                "projects": chunk,
                "total": len(projects),
                "first": (number - 1) * PAGE_SIZE + 1,
                "chosen": chosen,
                "pagination": pagination,
                "cards_url": urls.root + CARDS_URL[1:] if len(chunks) > 1 else "",
            },
        )


def build_directory_cards(site: Site, env: jinja2.Environment, root: str = "/") -> list[OutputFile]:
    """Write CARDS_URL (below the language's `root`): the list item of every project, as the
    directory's pages have it."""
    card = cast(Callable[..., str], env.globals["partial_cached"])  # the pages' cards, shared
    items = [str(card("directory_item.html", key=p.key)) for p in site.projects]
    text = json.dumps({"items": items}, ensure_ascii=False, separators=(",", ":")) + "\n"
    return [OutputFile(PurePosixPath((root + CARDS_URL[1:]).lstrip("/")), text.encode("utf-8"))]


def budget_totals(site: Site, projects: Sequence[Project]) -> dict[str, Any]:
    """Budgets per pact and overall, only where given, and how many projects give none."""
    per_pact: dict[str, float] = {}
    for project in projects:
        if project.budget_eur is not None and project.pact:
            per_pact[project.pact] = per_pact.get(project.pact, 0.0) + project.budget_eur
    return {
        "totals": [(site.pact(key), total) for key, total in sorted(per_pact.items())],
        "total": sum(per_pact.values()),
        "without_budget": sum(1 for p in projects if p.budget_eur is None),
    }


def open_data_records(site: Site, urls: UrlScheme) -> list[dict[str, Any]]:
    """One record per project with the fields of OPEN_DATA_FIELDS."""
    return [
        {
            "id": p.key,
            "title": p.title,
            "url": urls.absolute(urls.entry(p)),
            "pact": p.pact or "",
            "pact_name": site.pact(p.pact).name if p.pact else "",
            "status": p.status.value,
            "sectors": list(p.sectors),
            "fund": p.fund,
            "target_groups": list(p.target_groups),
            "start": p.start.isoformat() if p.start else "",
            "end": p.end.isoformat() if p.end else "",
            "budget_eur": p.budget_eur,
            "location": p.location,
            "summary": p.summary,
        }
        for p in sorted(site.projects, key=lambda p: p.key)
    ]


def build_open_data(site: Site, config: SiteConfig, urls: UrlScheme) -> list[OutputFile]:
    """Write `/projekte.json` (with a field description) and `/projekte.csv` (UTF-8, ';')."""
    records = open_data_records(site, urls)
    document = {
        "title": f"{config.title}: Projekte",
        "url": urls.absolute(urls.section_projects()),
        "fields": dict(OPEN_DATA_FIELDS),
        "projects": records,
    }
    text = json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    return [
        OutputFile(PurePosixPath("projekte.json"), text.encode("utf-8")),
        OutputFile(PurePosixPath("projekte.csv"), _csv(records)),
    ]


def _csv(records: list[dict[str, Any]]) -> bytes:
    """CSV as German spreadsheets open it: BOM, semicolons, CRLF, lists joined by '|'."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    names = [name for name, _ in OPEN_DATA_FIELDS]
    writer.writerow(names)
    for record in records:
        writer.writerow([_cell(record[name]) for name in names])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return "|".join(value)
    if isinstance(value, float):
        # a decimal comma: with ';' as separator, German Excel reads '1250.5' as a date or text
        return f"{value:.2f}".removesuffix(".00").replace(".", ",")
    return "" if value is None else str(value)
