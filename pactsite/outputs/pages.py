"""The HTML pages of the site: which pages exist, with which template and data."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import jinja2

from pactsite.content.config import SiteConfig
from pactsite.content.timeline import split_events
from pactsite.content.variants import original_key
from pactsite.diagnostics import Diagnostic
from pactsite.i18n import Text, t, verbatim
from pactsite.model import MEMBER_KINDS, Entry, Kind, Member, Pact, Site, WebsiteNews
from pactsite.outputs import BuiltFile, OutputFile, PageJob, Pagination
from pactsite.urls import UrlScheme, output_path


def plan_pages(site: Site, config: SiteConfig, urls: UrlScheme, now: dt.datetime) -> list[PageJob]:
    """List every HTML page of the site with its template and data, in a stable order."""
    return [
        PageJob(urls.home(), "home.html", _home(site, config, now)),
        PageJob(urls.pacts(), "pacts.html", {}),
        PageJob(f"{urls.root}404.html", "404.html", {}),
        PageJob(urls.network(), "network.html", {}),
        PageJob(urls.search(), "search.html", {}),
        *_section_pages(site, config, urls, now),
        *_pact_pages(site, config, urls, now),
        *_entry_pages(site),
        *(_sector_page(site, urls, sector) for sector in config.sectors),
        PageJob(urls.sectors(), "sectors.html", {"sectors": _sector_counts(site, config)}),
        PageJob(urls.funds(), "funds.html", {"funds": _fund_counts(site, config)}),
    ]


@dataclass(frozen=True, slots=True, kw_only=True)
class Counted:
    """One sector or fund of an overview page, with how much the site has of it."""

    slug: str
    label: str
    description: str = ""
    pacts: int = 0
    projects: int = 0
    news: int = 0
    events: int = 0


def _sector_counts(site: Site, config: SiteConfig) -> list[Counted]:
    """Every sector of the vocabulary, in its order, with its pacts, projects, news, events."""
    return [
        Counted(
            slug=slug,
            label=label,
            pacts=sum(slug in p.sectors for p in site.pacts),
            projects=sum(slug in p.sectors for p in site.projects),
            news=sum(slug in n.sectors for n in site.all_news),
            events=sum(slug in e.sectors for e in site.events),
        )
        for slug, label in config.sectors.items()
    ]


def _fund_counts(site: Site, config: SiteConfig) -> list[Counted]:
    """Every fund, in the order of site.yaml, with its projects and the pacts they belong to."""
    counted = []
    for fund in config.funds.values():
        funded = [p for p in site.projects if p.fund == fund.slug]
        counted.append(
            Counted(
                slug=fund.slug,
                label=fund.name,
                description=fund.description,
                pacts=len({key for p in funded for key in p.in_pacts}),
                projects=len(funded),
            )
        )
    return counted


def _home(site: Site, config: SiteConfig, now: dt.datetime) -> dict[str, Any]:
    upcoming, past = split_events(site.events, config.zone, now)
    return {
        "latest_news": site.all_news[:5],
        "current_projects": [p for p in site.projects if p.status.value == "running"][:6],
        "upcoming_events": upcoming[:5],
        "past_events": list(reversed(past))[:3],
    }


def _section_pages(
    site: Site, config: SiteConfig, urls: UrlScheme, now: dt.datetime, pact: Pact | None = None
) -> Iterator[PageJob]:
    scope = site.of_pact(pact.key) if pact else site
    key = pact.key if pact else None
    yield from _paginated(urls, scope.all_news, config.paginate, key, {"pact": pact})
    if pact:  # the network-wide directory is outputs.directory's
        yield PageJob(
            urls.section(Kind.PROJECT, key),
            "projects.html",
            {"projects": scope.projects, "pact": pact},
        )
    upcoming, past = split_events(scope.events, config.zone, now)
    yield PageJob(
        urls.section(Kind.EVENT, key),
        "events.html",
        {"upcoming": upcoming, "past": list(reversed(past)), "pact": pact},
    )


def _paginated(
    urls: UrlScheme,
    news: Sequence[Entry | WebsiteNews],
    per_page: int,
    pact: str | None,
    extra: dict[str, Any],
) -> Iterator[PageJob]:
    chunks = [news[i : i + per_page] for i in range(0, len(news), per_page)] or [[]]
    for number, chunk in enumerate(chunks, start=1):
        pagination = Pagination(
            number=number,
            count=len(chunks),
            previous_url=urls.section(Kind.NEWS, pact, number - 1) if number > 1 else "",
            next_url=urls.section(Kind.NEWS, pact, number + 1) if number < len(chunks) else "",
        )
        yield PageJob(
            urls.section(Kind.NEWS, pact, number),
            "news_list.html",
            {**extra, "items": chunk, "pagination": pagination},
        )


def _pact_pages(
    site: Site, config: SiteConfig, urls: UrlScheme, now: dt.datetime
) -> Iterator[PageJob]:
    variants = _variants_by_key(site)
    for pact in site.pacts:
        own = site.of_pact(pact.key)
        upcoming, past = split_events(own.events, config.zone, now)
        yield PageJob(
            urls.pact(pact.key),
            "pact.html",
            {
                "pact": pact,
                "own": own,
                "members_by_kind": group_members(pact.members),
                "upcoming": upcoming,
                "past": list(reversed(past)),
                "variants": variants.get(pact.key, []),
            },
        )
        yield from _section_pages(site, config, urls, now, pact)


def group_members(members: Sequence[Member]) -> list[tuple[str, list[Member]]]:
    """Group a pact's members by kind, in the fixed order of kinds, names sorted."""
    groups = []
    for kind in MEMBER_KINDS:
        of_kind = sorted((m for m in members if m.kind == kind), key=lambda m: m.name.casefold())
        if of_kind:
            groups.append((kind, of_kind))
    return groups


_ENTRY_TEMPLATES = {
    Kind.NEWS: "news.html",
    Kind.PROJECT: "project.html",
    Kind.EVENT: "event.html",
    Kind.PAGE: "page.html",
}


def _entry_pages(site: Site) -> Iterator[PageJob]:
    variants = _variants_by_key(site)
    for entry in site.entries.values():
        yield _entry_page(site, entry, variants.get(entry.key, []))


def entry_page(site: Site, entry: Entry) -> PageJob:
    """The page job of one entry, as `plan_pages` makes it."""
    return _entry_page(site, entry, _variants_by_key(site).get(entry.key, []))


def _variants_by_key(site: Site) -> dict[str, list[Entry]]:
    variants: dict[str, list[Entry]] = {}
    for variant in site.variants:
        variants.setdefault(variant.key.removesuffix(f"/{variant.variant}"), []).append(variant)
    return variants


def _entry_page(site: Site, entry: Entry, variants: list[Entry]) -> PageJob:
    pact = site.pact(entry.pact) if entry.pact else None
    if entry.variant:  # `base`: its original; none for a version of a pact's description
        base = site.entries.get(original_key(entry))
        return PageJob("", "variant.html", {"entry": entry, "pact": pact, "base": base})
    context: dict[str, Any] = {"entry": entry, "pact": pact, "variants": variants}
    if entry.kind is Kind.PAGE and entry.slug == EASY_READ_PAGE and not entry.pact:
        context["easy_read"] = easy_read_groups(site)
    return PageJob("", _ENTRY_TEMPLATES[entry.kind], context)


EASY_READ_PAGE = "leichte-sprache"
"""The network page that explains the site in Leichte Sprache and lists every version."""


@dataclass(frozen=True, slots=True, kw_only=True)
class EasyReadGroup:
    """The Leichte Sprache versions of one kind (or of one pact's pages), with their titles."""

    kind: str
    """`network`, `pact`, `news`, `projects` or `events`."""
    pact: Pact | None
    items: tuple[tuple[Entry, str], ...]


def easy_read_groups(site: Site) -> list[EasyReadGroup]:
    """Every page's Leichte Sprache version, grouped: the network's pages, each pact's
    description and pages, then news (newest first), projects and events."""
    found: dict[tuple[str, str], list[tuple[Entry, str]]] = {}
    for variant in site.variants:
        original = site.entries.get(original_key(variant))
        if original is None:  # a pact's description: titled by the pact's name
            title = variant.title or site.pact(variant.pact or "").name
            found.setdefault(("pact", variant.pact or ""), []).insert(0, (variant, title))
        elif variant.kind is Kind.PAGE:
            group = ("pact", variant.pact) if variant.pact else ("network", "")
            found.setdefault(group, []).append((variant, variant.title))
        else:
            found.setdefault((variant.kind.value, ""), []).append((variant, variant.title))
    order = {e.key: n for n, e in enumerate((*site.news, *site.projects, *site.events))}
    groups = [EasyReadGroup(kind="network", pact=None, items=tuple(found.get(("network", ""), ())))]
    groups += [
        EasyReadGroup(kind="pact", pact=p, items=tuple(found.get(("pact", p.key), ())))
        for p in site.pacts
    ]
    for kind in ("news", "projects", "events"):
        items = sorted(found.get((kind, ""), ()), key=lambda i: order.get(original_key(i[0]), 0))
        groups.append(EasyReadGroup(kind=kind, pact=None, items=tuple(items)))
    return [g for g in groups if g.items]


def _sector_page(site: Site, urls: UrlScheme, sector: str) -> PageJob:
    return PageJob(
        urls.sector(sector),
        "sector.html",
        {
            "sector": sector,
            "pacts": [p for p in site.pacts if sector in p.sectors],
            "projects": [p for p in site.projects if sector in p.sectors],
            "news": [n for n in site.all_news if sector in n.sectors],
            "events": [e for e in site.events if sector in e.sectors],
        },
    )


ALL_KEYS = "*"
"""Noted as read when a page lists every body: such a page depends on all of them."""


class ReadRecorder(Mapping[str, str]):
    """A read-only mapping that notes which keys a page render looks up (for the page cache)."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self._values = values
        self.reads: set[str] = set()

    def __getitem__(self, key: str) -> str:
        self.reads.add(key)
        return self._values[key]

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self.reads.add(key)
        return key in self._values

    def __iter__(self) -> Iterator[str]:
        self.reads.add(ALL_KEYS)
        return iter(self._values)

    def __len__(self) -> int:
        self.reads.add(ALL_KEYS)
        return len(self._values)


Rendered = tuple[OutputFile | Diagnostic, frozenset[str]]
"""A rendered page (or its template error) and the body keys it read."""

Page = TypeVar("Page", bound=BuiltFile)


def render_pages(
    jobs: Sequence[PageJob], env: jinja2.Environment, urls: UrlScheme
) -> tuple[list[OutputFile], list[Diagnostic]]:
    """Render page jobs to files (`.../slug/index.html`); template errors become diagnostics."""
    return collect_pages(result for result, _ in render_pages_recorded(jobs, env, urls))


def collect_pages(results: Iterable[Page | Diagnostic]) -> tuple[list[Page], list[Diagnostic]]:
    """Split rendered pages from template errors (each distinct error once)."""
    files = []
    problems: dict[tuple[str, int, str | Text], Diagnostic] = {}
    for result in results:
        if isinstance(result, Diagnostic):
            problems[(result.path, result.line, result.message)] = result
        else:
            files.append(result)
    return files, list(problems.values())


def render_pages_recorded(
    jobs: Sequence[PageJob], env: jinja2.Environment, urls: UrlScheme
) -> list[Rendered]:
    """Render each job, noting the bodies it read, in order."""
    return [render_recorded(job, env, urls) for job in jobs]


WIDE_TEMPLATES = frozenset({"directory.html", "sector.html", "network.html", "fund.html"})
"""The templates of pages that list all or much of the site, by far the largest pages:
`page_jobs` puts them first, and they are rendered before the others."""


def count_wide(jobs: Sequence[PageJob]) -> int:
    """How many jobs at the start of `jobs` render pages of `WIDE_TEMPLATES`."""
    return next((n for n, job in enumerate(jobs) if job.template not in WIDE_TEMPLATES), len(jobs))


def compile_templates(jobs: Iterable[PageJob], env: jinja2.Environment) -> None:
    """Compile each template the jobs use once, now (so forked processes find them compiled);
    a template with errors is reported when its pages are rendered."""
    for name in dict.fromkeys(job.template for job in jobs):
        with contextlib.suppress(jinja2.TemplateError):
            env.get_template(name)


def render_recorded(job: PageJob, env: jinja2.Environment, urls: UrlScheme) -> Rendered:
    """Render one job, noting the bodies it read where the template data records them."""
    recorder = env.globals.get("html")
    if isinstance(recorder, ReadRecorder):
        recorder.reads = set()
    result = render_page(job, env, urls)
    reads = recorder.reads if isinstance(recorder, ReadRecorder) else set()
    return result, frozenset(reads)


def render_page(job: PageJob, env: jinja2.Environment, urls: UrlScheme) -> OutputFile | Diagnostic:
    """Render one job to its file, or to the diagnostic of its template error."""
    url = job.url or urls.entry(job.context["entry"])
    try:
        template = env.get_template(job.template)
        html = template.render(**job.context, page_url=url)
    except jinja2.TemplateError as error:
        return template_diagnostic(error, job.template)
    origin = template.filename or job.template
    shown = job.context.get("entry") or job.context.get("pact")
    source = shown.source.path if shown is not None else ""
    return OutputFile(output_path(url), html.encode("utf-8"), origin, source)


def template_diagnostic(error: jinja2.TemplateError, template: str) -> Diagnostic:
    """Locate a template error at its template file and line, as far as Jinja tells."""
    if isinstance(error, jinja2.TemplateSyntaxError):
        return Diagnostic(
            path=error.filename or error.name or template,
            line=error.lineno or 1,
            message=t("template error: {error}", error=verbatim(str(error.message))),
            hint=t("fix the template"),
        )
    frame = _template_frame(error)
    return Diagnostic(
        path=frame[0] if frame else template,
        line=frame[1] if frame else 1,
        message=t("template error: {error}", error=verbatim(str(error))),
        hint=t("check the names used in the template"),
    )


def _template_frame(error: BaseException) -> tuple[str, int] | None:
    """Find the innermost template file and line in a traceback (Jinja rewrites frames)."""
    found = None
    trace = error.__traceback__
    while trace is not None:
        filename = trace.tb_frame.f_code.co_filename
        if filename.endswith(".html") or "/templates/" in filename:
            found = (filename, trace.tb_lineno)
        trace = trace.tb_next
    return found
