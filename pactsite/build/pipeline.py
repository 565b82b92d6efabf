"""The build: read, validate, model, render, write — one stage after the other."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

import jinja2

from pactsite.build.bodies import Bodies, render_guide_kept, start_rendering
from pactsite.build.hyphenation import hyphenation_table, start_hyphenation
from pactsite.build.linkcheck import check_rendered_links
from pactsite.build.spill import SpilledTexts, keep_all
from pactsite.build.webfeeds import add_website_news
from pactsite.build.workers import (
    IndexedLanguage,
    SearchIndexing,
    render_in_workers,
    render_pages_kept,
    start_search_index,
)
from pactsite.build.write import publish
from pactsite.buildinfo import BuildOptions as BuildOptions  # also known from here
from pactsite.buildinfo import BuildReport as BuildReport
from pactsite.cache.keys import CACHE_DIR
from pactsite.cache.pages import render_pages_cached, site_digest
from pactsite.cache.store import Cache
from pactsite.content.config import CONFIG_FILE, SiteConfig, in_language, load_config
from pactsite.content.sources import (
    SourceFile,
    SourceKind,
    Sources,
    listed_sources,
    read_sources,
)
from pactsite.content.timeline import is_past, is_running, next_change
from pactsite.diagnostics import BuildFailed, Diagnostic, Severity, has_errors
from pactsite.model import Kind, Site, Status
from pactsite.outputs import BuiltFile, PageJob
from pactsite.outputs.calendar import build_calendars
from pactsite.outputs.directory import (
    build_directory_cards,
    build_open_data,
    plan_directory,
    project_facet_values,
)
from pactsite.outputs.feeds import build_feeds, feed_links
from pactsite.outputs.help import HELP_URL, plan_help
from pactsite.outputs.images import ImageSet, apply_images, build_variants, check_images
from pactsite.outputs.pact_styles import build_pact_styles
from pactsite.outputs.pages import WIDE_TEMPLATES, collect_pages, plan_pages
from pactsite.outputs.redirects import build_redirects
from pactsite.outputs.schedule import build_next_build, describe_change
from pactsite.outputs.search.index import INDEX_FOLDER
from pactsite.outputs.sitemap import build_sitemap
from pactsite.outputs.static import collect_content_files, collect_static
from pactsite.outputs.structured_data import json_ld_script, structured_data
from pactsite.outputs.topics import plan_topics
from pactsite.render.audit import (
    BodySource,
    audit_network,
    audit_placeholders,
    is_placeholder_warning,
)
from pactsite.render.easyread import with_splits, words_to_split
from pactsite.render.hyphenate import long_words
from pactsite.render.links import (
    LinkedSite,
    LinkIndex,
    ResolvedLinks,
    build_index,
    language_index,
    resolve_links,
    rewrite_links,
)
from pactsite.render.markup import RenderedBody
from pactsite.render.related import relate_entries
from pactsite.render.theme import (
    CompiledTemplates,
    Theme,
    locate_theme,
    make_environment,
    template_caches,
)
from pactsite.urls import UrlScheme

if TYPE_CHECKING:  # imported where used: a rebuild after an edit does not load them
    from pactsite.outputs.languages import LanguageLinks
    from pactsite.outputs.network import WebsiteCheck
    from pactsite.outputs.report_page import LinkCheck


@dataclass(frozen=True, slots=True)
class Outline:
    """What of a rendered body other pages and the page data depend on, beyond its HTML."""

    has_text: bool
    heading_ids: tuple[str, ...]
    links: tuple[tuple[str, int, bool], ...]
    """(target, line, is image) of each link: plain values, as the build state keeps them."""

    def images(self) -> list[str]:
        """The images the body shows, in order."""
        return [target for target, _, is_image in self.links if is_image]


def outline(body: RenderedBody, text: str) -> Outline:
    """The outline of a rendered body whose Markdown text is `text`."""
    links = tuple((link.target, link.line, link.is_image) for link in body.links)
    return Outline(bool(text), tuple(heading.id for heading in body.headings), links)


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckedSite:
    """A site that passed validation: its model, URLs, linked bodies, images and theme."""

    root: Path
    config: SiteConfig
    urls: UrlScheme
    site: Site
    linked: LinkedSite
    theme: Theme
    warnings: tuple[Diagnostic, ...]
    images: ImageSet
    others: tuple[CheckedSite, ...] = ()
    """The site in each further language of `languages:` (none on a one-language site)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class BodyRecord:
    """What a rebuild of one body alone needs to know of the check (kept by the cache)."""

    link_index: LinkIndex
    """What the body links were resolved against."""
    outlines: Mapping[str, Outline]
    """What of each body matters beyond its HTML."""
    diagnostics: Mapping[str, tuple[Diagnostic, ...]]
    """The render, audit and link diagnostics of each body, by body key."""
    front_matter: Mapping[str, str]
    """The front matter text of each Markdown file, by site-relative path."""


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildRecord:
    """What a whole build knew, so that the next build can redo only what an edit touches."""

    checked: CheckedSite
    bodies: BodyRecord
    template_extras: Mapping[str, Any]
    """Template data computed from the whole site (related entries, the network graph) and
    the address of the help page."""
    reads: Mapping[str, frozenset[str]]
    """The body keys each page read, by output path (ALL_KEYS: it lists them all)."""
    outputs: frozenset[str]
    """The output path of every file written (a rebuild compares what it makes again with
    the files themselves, so no hash of them is kept)."""
    search_pages: tuple[str, ...] = ()
    """The output paths of the pages in the search index, in the order of their ids."""


def check(root: Path, options: BuildOptions) -> CheckedSite:
    """Validate config, content and links; raise BuildFailed with every error found."""
    return check_recorded(root, options)[0]


def check_recorded(
    root: Path, options: BuildOptions, *, outlined: bool = False, rendering: bool = False
) -> tuple[CheckedSite, BodyRecord]:
    """Check the site like `check`; also return what a rebuild of one body alone needs.

    The record has the bodies' outlines and front matter with the cache, or when `outlined`.
    `rendering`: the pages will be rendered next (the titles' hyphenation is started early).
    """
    config, problems = load_config(root)
    if config is None:
        raise BuildFailed(problems)
    urls = UrlScheme(config.urls, config.base_url)
    read = _read(root, config, urls, options, rendering=rendering)
    problems += read.problems
    bodies, paths = read.in_language("")
    index = build_index(read.site, bodies, urls, read.sources.assets, read.hidden(), read.failed)
    resolved, link_problems = resolve_links(bodies, paths, index)
    warnings, placeholders = _editor_warnings(root, config, read)
    problems += [*placeholders, *link_problems, *_with_splits(warnings, root, options.cache)]
    problems += audit_network(read.site) if read.network_loaded() else []
    images, found = check_images(root, read.site, bodies, paths, index)
    problems += found
    record = _body_record(read, index, [*link_problems, *warnings], options.cache or outlined)
    linked = spill_linked_bodies(bodies, resolved, images)  # takes the bodies out
    languages = [_link_language(root, config, read, code, index) for code in read.site.translations]
    problems += [problem for language in languages for problem in language.problems]
    if options.strict:
        problems = [replace(p, severity=Severity.ERROR) for p in problems]
    problems += read.feed_warnings  # never errors: a pact's website being down fails no build
    theme, found = locate_theme(root, config)
    problems += found
    if has_errors(problems) or theme is None:
        raise BuildFailed(problems)
    checked = CheckedSite(
        root=root,
        config=config,
        urls=urls,
        site=read.site,
        linked=linked,
        theme=theme,
        warnings=tuple(problems),
        images=images,
        others=tuple(language.checked(root) for language in languages),
    )
    return checked, record


_T = TypeVar("_T")


def _of_language(site: Site, values: dict[str, _T], code: str = "") -> dict[str, _T]:
    """The bodies (or paths) of the site in one language, by key; `""`: the default's."""
    if not site.translations:
        return values  # one language: nothing to take apart
    if not code:
        return {key: value for key, value in values.items() if ":" not in key}
    prefix = f"{code}:"
    return {k.removeprefix(prefix): v for k, v in values.items() if k.startswith(prefix)}


@dataclass(frozen=True, slots=True, kw_only=True)
class _Language:
    """The site in a further language, checked and linked; its theme is found when used."""

    config: SiteConfig
    urls: UrlScheme
    site: Site
    linked: LinkedSite
    images: ImageSet
    problems: list[Diagnostic]

    def checked(self, root: Path) -> CheckedSite:
        """The checked site of this language (its problems are the default site's)."""
        theme, _ = locate_theme(root, self.config)
        assert theme is not None  # the default language's theme was found: the same folder
        return CheckedSite(
            root=root,
            config=self.config,
            urls=self.urls,
            site=self.site,
            linked=self.linked,
            theme=theme,
            warnings=(),
            images=self.images,
        )


def _link_language(
    root: Path, config: SiteConfig, read: _Read, code: str, default_index: LinkIndex
) -> _Language:
    """The site in language `code`: its bodies linked to its own pages, else to the default
    language's (a warning each), under `/<code>/`, with that language's settings."""
    site = read.site.translations[code]
    config = in_language(config, code)
    urls = UrlScheme(config.urls, config.base_url, root=f"/{code}/")
    bodies, paths = read.in_language(code)
    own = build_index(site, bodies, urls, read.sources.assets, read.hidden(), read.failed)
    index = language_index(own, default_index, config.languages[0])
    resolved, problems = resolve_links(bodies, paths, index)
    images, found = check_images(root, site, bodies, paths, index)
    linked = spill_linked_bodies(bodies, resolved, images)
    return _Language(
        config=config,
        urls=urls,
        site=site,
        linked=linked,
        images=images,
        problems=[*problems, *found],
    )


@dataclass(frozen=True, slots=True)
class _Read:
    """The sources read, the site model and its rendered bodies, and what went wrong."""

    sources: Sources
    site: Site
    failed: frozenset[str]
    """The files that did not load."""
    body_sources: dict[str, BodySource]
    bodies: Bodies
    problems: list[Diagnostic]
    feed_warnings: list[Diagnostic]
    """What went wrong with the pacts' website feeds (`build/webfeeds.py`)."""

    def paths(self) -> dict[str, str]:
        """The site-relative file of each body, by body key."""
        return {key: source.path for key, source in self.body_sources.items()}

    def in_language(self, code: str) -> tuple[dict[str, RenderedBody], dict[str, str]]:
        """The rendered bodies and their files of the site in language `code` (`""`: the
        default language), by key."""
        rendered = self.bodies.rendered
        return _of_language(self.site, rendered, code), _of_language(self.site, self.paths(), code)

    def hidden(self) -> list[str]:
        """The keys and files of the entries not shown (drafts, not yet or no longer)."""
        return [*self.site.hidden, *self.site.hidden.values()]

    def network_loaded(self) -> bool:
        """Whether the network's pages loaded (else they would be reported once more)."""
        return not any(path.startswith("content/pages/") for path in self.failed)


def _read(
    root: Path, config: SiteConfig, urls: UrlScheme, options: BuildOptions, *, rendering: bool
) -> _Read:
    """Read the sources, assemble the site model and render its bodies (and, `rendering`
    pages next, start the hyphenation of their titles meanwhile)."""
    from pactsite.content.assemble import Visibility, assemble_site

    cache = Cache(root) if options.cache else None
    if rendering:  # forked first, while this process has no other thread
        start_hyphenation(config.languages, root / CACHE_DIR if options.cache else None)
    # a body's HTML depends on its file alone: the workers read and render the bodies
    # while this process reads the files too and assembles the site model
    bodies_rendering = start_rendering(listed_sources(root), options.jobs, cache)
    try:
        sources, problems = read_sources(root)
        visibility = Visibility(drafts=options.drafts, now=options.now)
        site, found = assemble_site(sources, config, urls, visibility)
        problems += found
        site, feed_warnings = add_website_news(root, site, config, options.now)
        failed = frozenset(p.path for p in problems if p.is_error)
        body_sources = _body_sources(site, sources, failed)
        bodies = bodies_rendering.finish(body_sources)
    finally:
        bodies_rendering.close()
        if cache is not None:
            cache.close()
    problems += bodies.problems
    return _Read(sources, site, failed, body_sources, bodies, problems, feed_warnings)


def _editor_warnings(
    root: Path, config: SiteConfig, read: _Read
) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """The bodies' audit warnings, and the placeholders still in the site's files."""
    if config.demo:  # a demonstration network's placeholders are meant so
        return [w for w in read.bodies.warnings if not is_placeholder_warning(w)], []
    return read.bodies.warnings, audit_placeholders(root, CONFIG_FILE, read.sources, read.site)


def _with_splits(warnings: list[Diagnostic], root: Path, cache: bool) -> list[Diagnostic]:
    """The warnings, those of long words in Leichte Sprache with a split suggested: their
    words hyphenated in one ask of the hyphenation process (its patterns stay out of this
    one), kept in the build cache like the titles' words."""
    words = words_to_split(warnings)
    if not words:
        return warnings
    table = hyphenation_table(words, "de", root / CACHE_DIR if cache else None, early=False)
    return with_splits(warnings, table)


def _body_record(
    read: _Read, index: LinkIndex, found: Sequence[Diagnostic], cache: bool
) -> BodyRecord:
    """What a rebuild of one body needs: outlines and front matter only with the cache."""
    bodies, sources = read.bodies.rendered, read.body_sources
    return BodyRecord(
        link_index=index,
        outlines={k: outline(b, sources[k].text) for k, b in bodies.items()} if cache else {},
        diagnostics=_by_body(read.paths(), [*read.bodies.problems, *found]),
        front_matter={f.path: f.front_matter for f in read.sources.files} if cache else {},
    )


def _by_body(
    paths: Mapping[str, str], diagnostics: Sequence[Diagnostic]
) -> dict[str, tuple[Diagnostic, ...]]:
    """Group the body diagnostics by the body key whose file they name (entries only)."""
    keys_of_path: dict[str, list[str]] = {}
    for key, path in paths.items():
        keys_of_path.setdefault(path, []).append(key)
    found: dict[str, list[Diagnostic]] = {key: [] for key in paths}
    for diagnostic in diagnostics:
        keys = keys_of_path.get(diagnostic.path, [])
        if len(keys) == 1:  # a pact's profile and join text share a file: not grouped
            found[keys[0]].append(diagnostic)
    return {key: tuple(found[key]) for key in paths if len(keys_of_path[paths[key]]) == 1}


def verify(root: Path, options: BuildOptions) -> CheckedSite:
    """Check the site and render it in memory, so template and profile links are checked too."""
    checked = check(root, options)
    render_site(checked, options.now)
    return checked


def verify_outlined(root: Path, options: BuildOptions) -> tuple[CheckedSite, BodyRecord]:
    """Verify the site like `verify`; also return its bodies' outlines and front matter."""
    checked, record = check_recorded(root, options, outlined=True)
    render_site(checked, options.now)
    return checked, record


def build(root: Path, out_dir: Path, options: BuildOptions) -> BuildReport:
    """Build the site at `root` into `out_dir`; on any error, `out_dir` stays as it was."""
    checked, _ = check_recorded(root, options, rendering=True)
    return _build(checked, out_dir, options).report


def build_recorded(
    root: Path, out_dir: Path, options: BuildOptions
) -> tuple[BuildReport, BuildRecord]:
    """Build the whole site like `build`; also return what the next build can reuse."""
    checked, bodies = check_recorded(root, options, rendering=True)
    built = _build(checked, out_dir, options)
    record = BuildRecord(
        checked=checked,
        bodies=bodies,
        template_extras=built.stage.extras,
        reads=built.stage.reads,
        outputs=built.outputs,
        search_pages=built.search_pages,
    )
    return built.report, record


@dataclass(frozen=True, slots=True)
class _Built:
    """A build's report, its pages, and the output path of every file written."""

    report: BuildReport
    stage: _PageStage
    outputs: frozenset[str]
    search_pages: tuple[str, ...]


def _build(checked: CheckedSite, out_dir: Path, options: BuildOptions) -> _Built:
    """Render every file of a checked site and publish them; the search index last."""
    stage = _render_page_stage(checked, options.now, options.jobs, options.cache)
    # not in `check`: the index is for visitors only. It is made while the rest is made.
    with _start_search_index(checked, stage) as indexing:
        files = _complete_rendering(checked, stage, options.now)
        variants, image_stats, broken = build_variants(checked.root, _images(checked))
        _stop_on(checked, broken)
        upcoming = next_change(checked.site, checked.config.zone, options.now)
        files += keep_all([*variants, build_next_build(upcoming, checked.config)])
        links = _link_check(checked)
        from pactsite.outputs.report_page import build_report_page

        files += keep_all([build_report_page(checked.warnings, checked.config.language, links)])
        index = publish(files, out_dir, late=(_index_folders(checked), indexing.finish_with_files))
    report = BuildReport(
        files=len(files) + len(index.files),
        pages=len(stage.pages) + sum(len(other.pages) for _, other in stage.others),
        warnings=checked.warnings,
        next_change=upcoming,
        next_change_line=describe_change(upcoming, checked.config),
        images=image_stats,
    )
    outputs = frozenset(str(f.path) for each in (files, index.files) for f in each)
    return _Built(report, stage, outputs, index.pages)


def _start_search_index(checked: CheckedSite, stage: _PageStage) -> SearchIndexing:
    """Start indexing the pages of every language, each with its stems, in one process."""
    others = [
        IndexedLanguage(other_stage.pages, other.config.language, other.urls.root.strip("/"))
        for other, other_stage in stage.others
    ]
    return start_search_index(stage.pages, checked.config.language, others)


def _index_folders(checked: CheckedSite) -> list[PurePosixPath]:
    """The search index folders of every language: `suchindex`, `en/suchindex`, …"""
    roots = [PurePosixPath(other.urls.root.strip("/")) for other in checked.others]
    return [PurePosixPath(INDEX_FOLDER), *(root / INDEX_FOLDER for root in roots)]


def render_site(
    checked: CheckedSite, now: dt.datetime, workers: int = 1, cache: bool = False
) -> tuple[list[BuiltFile], int]:
    """Render every output file of a checked site as of `now`; return files and page count."""
    stage = _render_page_stage(checked, now, workers, cache)
    return _complete_rendering(checked, stage, now), len(stage.pages)


def template_extras(checked: CheckedSite) -> dict[str, Any]:
    """The template data that takes the whole site to compute: related pages, network graph."""
    from pactsite.render.graph import network_graph

    return {
        "related": relate_entries(checked.site),
        "network_graph": network_graph(checked.site, checked.linked.backlinks),
    }


def template_environment(
    checked: CheckedSite, now: dt.datetime, extras: Mapping[str, Any], *, cache: bool = False
) -> jinja2.Environment:
    """The Jinja environment with every page's shared data, as of `now`.

    With `cache`, compiled templates are kept in `.pactsite-cache/templates/`.
    """
    config, site = checked.config, checked.site
    today = now.astimezone(config.zone).date()
    urls = checked.urls
    template_data = {
        "site": site,
        "config": config,
        "urls": urls,
        "html": checked.linked.html,
        "backlinks": checked.linked.backlinks,
        **extras,
        "facet_values": project_facet_values,
        "today": today,
        "Kind": Kind,
        "feed_links": functools.partial(feed_links, site, config, urls),
        "structured_data": functools.partial(structured_data, site, config, urls),
        "json_ld": json_ld_script,
        "event_running": lambda event: is_running(event, config.zone, now),
        "event_past": lambda event: is_past(event, config.zone, now),
        "hero_images": checked.images.heroes,
    }
    folder = checked.root / CACHE_DIR if cache else None
    hyphenation = hyphenation_table(title_words(checked), config.language, folder)
    env = make_environment(checked.theme, config, template_data, hyphenation)
    # compiling the templates afresh took longer than rendering a page
    site_folder = checked.root / CACHE_DIR / "templates" if cache else None
    env.bytecode_cache = CompiledTemplates(*template_caches(env, site_folder))
    return env


def title_words(checked: CheckedSite) -> set[str]:
    """The long words of everything the templates show as a title or heading."""
    site, config = checked.site, checked.config
    titles = [config.title, *config.sectors.values(), *config.target_groups.values()]
    titles += [fund.name for fund in config.funds.values()]
    titles += [text for p in site.pacts for text in (p.name, p.short_name)]
    titles += [entry.title for entry in site.entries.values()]
    titles += [topic.label for topic in site.topics]
    titles += [str(text) for text in checked.theme.strings["ui"].values()]
    return long_words(titles)


def page_jobs(checked: CheckedSite, now: dt.datetime) -> list[PageJob]:
    """Every page of the site but the help pages, with its template and data.

    The pages that list the whole site come first (`WIDE_TEMPLATES`): they are the largest,
    and are rendered by workers of their own while this process
    holds least.
    """
    config, site = checked.config, checked.site
    urls = checked.urls
    statuses = {s.value: str(checked.theme.strings["ui"][f"status_{s.value}"]) for s in Status}
    jobs = [
        *plan_directory(site, config, urls, statuses),
        *plan_pages(site, config, urls, now),
        *plan_topics(site, config, urls),
    ]
    return sorted(jobs, key=lambda job: job.template not in WIDE_TEMPLATES)  # stable


@dataclass(frozen=True, slots=True)
class _PageStage:
    """The rendered pages, and what the next build can reuse of rendering them."""

    pages: list[BuiltFile]
    env: jinja2.Environment
    extras: dict[str, Any]
    reads: dict[str, frozenset[str]]
    cards: list[BuiltFile]
    others: tuple[tuple[CheckedSite, _PageStage], ...] = ()
    """The pages of each further language, rendered like these."""
    languages: LanguageLinks | None = None
    """Which page exists in which language (several languages only)."""


def _render_page_stage(
    checked: CheckedSite, now: dt.datetime, workers: int, cache: bool
) -> _PageStage:
    """Render the HTML pages (the work of the worker processes), in every language."""
    if not checked.others:
        return _render_pages(checked, now, workers, cache, None)
    links = _language_links(checked, now)
    stage = _render_pages(checked, now, workers, cache, links)
    others = tuple(
        (other, _render_pages(other, now, workers, cache, links.of(other.config.language), checked))
        for other in checked.others
    )
    return replace(stage, others=others, languages=links)


def _language_links(checked: CheckedSite, now: dt.datetime) -> LanguageLinks:
    """Which page exists in which language, from the pages each language's site plans."""
    from pactsite.outputs.languages import language_links

    sites = (checked, *checked.others)
    return language_links(
        checked.config.languages,
        {each.config.language: each.urls.home() for each in sites},
        {
            each.config.language: [_url(job, each.urls) for job in page_jobs(each, now)]
            for each in sites
        },
    )


def _url(job: PageJob, urls: UrlScheme) -> str:
    """The address of a planned page (an entry's page is planned without it)."""
    return job.url or urls.entry(job.context["entry"])


def _render_pages(
    checked: CheckedSite,
    now: dt.datetime,
    workers: int,
    cache: bool,
    languages: LanguageLinks | None,
    default: CheckedSite | None = None,
) -> _PageStage:
    """Render the HTML pages of one language's site; the help pages with the default's
    (`default`: the default language's site, when this is a further one)."""
    urls = checked.urls
    help_jobs, help_problems = (
        plan_help(checked.root, render_guide_kept) if urls.root == "/" else ([], [])
    )
    extras = {
        **template_extras(checked),
        "help_url": HELP_URL if help_jobs else "",
        "website_checks": _website_checks(checked),
    }
    if languages is not None:
        extras["languages"] = languages
    if default is not None:
        from pactsite.outputs.languages import network_links

        extras["network_links"] = network_links(
            default.site,
            default.urls.entry,
            checked.site,
            urls.entry,
            default.config.language,
        )
    env = template_environment(checked, now, extras, cache=cache)
    jobs = page_jobs(checked, now)
    # before the workers are forked: the directory's pages then find every card rendered
    cards = keep_all(build_directory_cards(checked.site, env, urls.root))
    reads: dict[str, frozenset[str]] = {}
    if cache:
        pages, problems, reads = _render_pages_cached(checked, env, jobs, help_jobs, workers, now)
    else:
        pages, problems = render_pages_kept([*jobs, *help_jobs], env, urls, workers)
    _stop_on(checked, [*problems, *help_problems])
    return _PageStage(pages, env, extras, reads, cards)


def _website_checks(checked: CheckedSite) -> tuple[WebsiteCheck, ...]:
    """Whether each pact's website answered the last `check --external`.

    Read also with `--no-cache`: the answers are an input (what was seen), not work to
    redo, and the same site must give the same pages with or without the cache.
    """
    from pactsite.cache.weblinks import Outcome, load_link_results
    from pactsite.outputs.network import website_checks

    zone = checked.config.zone
    answers = {
        url: (
            result.outcome in (Outcome.LIVE, Outcome.MOVED),
            result.checked.astimezone(zone).date(),
        )
        for url, result in load_link_results(checked.root).items()
        if result.outcome is not Outcome.REFUSED
    }
    return website_checks(checked.site, answers)


def _link_check(checked: CheckedSite) -> LinkCheck | None:
    """What the last `check --external` found, for the report page; None if none ran."""
    from pactsite.cache.weblinks import load_last_check
    from pactsite.outputs.report_page import LinkCheck

    last = load_last_check(checked.root)
    if last is None:
        return None
    return LinkCheck(last.checked.astimezone(checked.config.zone).date(), last.findings)


def _complete_rendering(
    checked: CheckedSite, stage: _PageStage, now: dt.datetime
) -> list[BuiltFile]:
    """The rendered pages and every other file, with the links of all of them checked.

    Each family's files are kept (`spill.keep`) as soon as they are made, before the next
    family is made: the build never holds the bytes of two at once.
    """
    from pactsite.outputs.admin import build_admin
    from pactsite.outputs.network import build_network_files

    config, site, env, pages, urls = (
        checked.config,
        checked.site,
        stage.env,
        stage.pages,
        checked.urls,
    )
    processed = _images(checked).infos  # published as variants only: the originals carry EXIF
    assets = (a for a in _assets(checked) if a not in processed)
    files = [*pages]
    files += keep_all(collect_static([checked.theme.folder / "static", checked.theme.site_static]))
    files += keep_all(build_pact_styles(site))
    files += keep_all(collect_content_files(checked.root, assets))
    for other, other_stage in stage.others:
        files += [*other_stage.pages, *_language_files(other, other_stage, now)]
        pages = [*pages, *other_stage.pages]
    alternates = stage.languages.any_alternates if stage.languages else None
    files += keep_all(build_sitemap((f.path for f in pages), urls, alternates))
    roots = [other.urls.root for other in checked.others]
    files += keep_all(build_redirects(site.entries.values(), urls, roots))
    files += keep_all(build_network_files(site, config, urls, env))
    files += keep_all(build_open_data(site, config, urls))
    files += stage.cards
    files += keep_all(build_feeds(site, config, urls, checked.linked.html, now))
    files += keep_all(build_calendars(site, config, urls, now))
    files += keep_all(build_admin(site, config, checked.theme.strings["ui"]))
    broken = check_rendered_links(files, checked.root, _images(checked).variant_paths())
    _stop_on(checked, broken)
    return files


def _images(checked: CheckedSite) -> ImageSet:
    """The images the bodies of every language show (each language's page markup has its
    own `ImageSet`; the variants are made once for all)."""
    if not checked.others:
        return checked.images
    sets = (checked.images, *(other.images for other in checked.others))
    infos = {asset: info for each in sets for asset, info in each.infos.items()}
    uses = tuple(use for each in sets for use in each.uses)
    return replace(checked.images, infos=MappingProxyType(dict(sorted(infos.items()))), uses=uses)


def _assets(checked: CheckedSite) -> list[str]:
    """The files of `content/` the bodies of every language link to."""
    if not checked.others:
        return list(checked.linked.assets)
    return sorted({a for each in (checked, *checked.others) for a in each.linked.assets})


def _language_files(checked: CheckedSite, stage: _PageStage, now: dt.datetime) -> list[BuiltFile]:
    """The files of a further language beside its pages, under its root: open data, the
    network files, directory cards, feeds and calendars. Style sheets,
    the content's files, redirects and the web editor are the default language's, shared."""
    from pactsite.outputs.network import build_network_files

    config, site, urls = checked.config, checked.site, checked.urls
    files = keep_all(build_open_data(site, config, urls))
    files += keep_all(build_network_files(site, config, urls, stage.env))
    files += stage.cards
    files += keep_all(build_feeds(site, config, urls, checked.linked.html, now))
    files += keep_all(build_calendars(site, config, urls, now))
    return files  # the search index is made meanwhile with the default language's


def _stop_on(checked: CheckedSite, problems: Sequence[Diagnostic]) -> None:
    """The gate after a phase that found `problems`: fail with every diagnostic so far."""
    if problems:
        raise BuildFailed([*checked.warnings, *problems])


def _render_pages_cached(
    checked: CheckedSite,
    env: jinja2.Environment,
    jobs: list[PageJob],
    help_jobs: list[PageJob],
    workers: int,
    now: dt.datetime,
) -> tuple[list[BuiltFile], list[Diagnostic], dict[str, frozenset[str]]]:
    """Render the pages with the page cache; help pages (read from files) always afresh.

    Also return the body keys each page read, by output path.

    The site digest takes the template data, plus what the pages know of `now` (which
    events run or are past) and the help link, so a page is reused only when its template
    data would be the same.
    """
    config, site, theme = checked.config, checked.site, checked.theme
    data = {k: v for k, v in env.globals.items() if k not in ("t", "html")}
    data["html"] = None  # bodies are hashed per page, by what each page reads
    data["event_states"] = [
        (e.key, is_running(e, config.zone, now), is_past(e, config.zone, now)) for e in site.events
    ]
    data["strings"] = theme.strings
    folders = [theme.site_templates, theme.folder / "templates"]
    urls = checked.urls
    store = Cache(checked.root)
    try:
        results = render_pages_cached(
            jobs, env, urls, workers, store, lambda: site_digest(data, folders)
        )
    finally:
        store.close()
    results += list(render_in_workers(help_jobs, env, urls, 1))
    reads = {str(r.path): keys for r, keys in results if not isinstance(r, Diagnostic)}
    pages, problems = collect_pages(result for result, _ in results)
    return pages, problems, reads


def spill_linked_bodies(
    bodies: dict[str, RenderedBody], resolved: ResolvedLinks, images: ImageSet
) -> LinkedSite:
    """The site with each body's links and images rewritten, its HTML in the spill file.

    Takes the bodies out of `bodies` one by one: each is let go as soon as its linked copy
    is spilled (holding both copies of every body was the build's peak). Each page reads
    one or two bodies; the others wait in the spill file.
    """
    linked_html = rewrite_links(_taken(bodies), resolved)
    return resolved.linked(SpilledTexts(apply_images(linked_html, images)))


def _taken(bodies: dict[str, RenderedBody]) -> Iterator[tuple[str, RenderedBody]]:
    """Each body (key, body) in key order, taken out of `bodies` as it is given."""
    for key in sorted(bodies):
        yield key, bodies.pop(key)


def _body_sources(
    site: Site, sources: Sources, failed: Collection[str] = ()
) -> dict[str, BodySource]:
    """Every Markdown body of the site by key: pact descriptions, join texts, entries; the
    bodies of the further languages' sites as `<code>:<key>`.

    The bodies of entry files whose front matter has errors (`failed`) come too, so that
    their broken links are reported in the same run; the build fails anyway.
    """
    files = {file.path: file for file in sources.files}
    bodies = _site_bodies(site, files)
    for code, other in site.translations.items():
        bodies.update((f"{code}:{key}", body) for key, body in _site_bodies(other, files).items())
    for file in sources.files:
        if file.path in failed and file.kind not in _NOT_ENTRIES:
            bodies[f"{file.path}#unloaded"] = BodySource(file.path, file.body, file.body_line)
    return bodies


def _site_bodies(site: Site, files: Mapping[str, SourceFile]) -> dict[str, BodySource]:
    """The bodies of one language's site by key: pact descriptions, join texts, entries."""
    bodies: dict[str, BodySource] = {}
    for pact in site.pacts:
        if pact.body_source:
            bodies[pact.key] = BodySource(
                pact.body_source.path, pact.body, pact.body_source.body_line
            )
        if pact.join:
            bodies[f"{pact.key}#join"] = BodySource(pact.source.path, pact.join, 1)
    for entry in site.entries.values():
        text = files[entry.source.path].body
        bodies[entry.key] = BodySource(entry.source.path, text, entry.source.body_line)
    return bodies


_NOT_ENTRIES = (SourceKind.PACT_PROFILE, SourceKind.PACT_INDEX)
