"""Rebuild only what an edit touched, or else the whole site, with the same result.

After a whole build with the cache on, the build's state is kept: the checked site, which
bodies each page read, a hash of every output file, and the size and modification time of
every input file (in `.pactsite-cache/`, see `pactsite.cache.state`, or in memory for
`serve`).
The next build compares the input files with that state. When only the Markdown bodies of entries
changed (front matter byte for byte the same) and each changed body keeps its headings,
the pages it links to, its warnings and the images it shows, nothing but that body's own
HTML differs in the site model. Then only the pages that show the body, the feeds that
carry it and the search index are made again, links on those pages are checked, and the
files whose bytes changed are replaced in the output folder. Anything else, or any doubt
(a moment of the schedule passed, the output folder was touched, the code changed), runs
the whole build, which reuses the body and page caches.
"""

from __future__ import annotations

import contextlib
import pickle
import secrets
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from pactsite.build.bodies import render_bodies_cached
from pactsite.build.feedstore import FEEDS_DIR
from pactsite.build.linkcheck import check_page_links
from pactsite.build.pipeline import (
    BuildOptions,
    BuildRecord,
    BuildReport,
    CheckedSite,
    Outline,
    build,
    build_recorded,
    outline,
    page_jobs,
    template_environment,
)
from pactsite.build.write import changed_files, update_in_place
from pactsite.cache.keys import CACHE_DIR, LINKS_FILE
from pactsite.cache.state import (
    HTML_FILE,
    JOURNAL_FILE,
    STATE_FILE,
    STATE_FILES,
    SUMMARY_FILE,
    Look,
    Places,
    Stats,
    StoredHtml,
    Summary,
    append_to_journal,
    compare,
    fits,
    from_cache,
    load,
    look,
    read_journal,
    rescan,
    restat_folders,
    save,
    scan,
    stamp,
    unchanged_report,
    with_changes,
    write_html,
    written_outputs,
)
from pactsite.content.sources import split_front_matter
from pactsite.content.textfile import read_text
from pactsite.model import Kind
from pactsite.outputs import OutputFile, PageJob
from pactsite.outputs.feeds import build_feeds
from pactsite.outputs.help import guide_candidates, locate_guide
from pactsite.outputs.images import apply_images
from pactsite.outputs.pages import (
    ALL_KEYS,
    ReadRecorder,
    collect_pages,
    entry_page,
    render_pages_recorded,
)
from pactsite.outputs.search.index import update_search_index
from pactsite.render.audit import BodySource
from pactsite.render.links import link_site
from pactsite.render.markup import LinkRef, RenderedBody
from pactsite.render.theme import theme_folders
from pactsite.urls import UrlScheme, output_path


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildState:
    """What the last build knew: its inputs and outputs (the summary) and its site model."""

    summary: Summary
    bodies: Mapping[str, tuple[str, str]]
    """Entry source path → (body key, front matter text)."""
    record: BuildRecord
    delta: Delta | None = None
    """What changed from the state before, when only that needs saving."""


class Memory:
    """The state of the last build, kept in memory (by `serve`, between its rebuilds)."""

    def __init__(self) -> None:
        self.state: BuildState | None = None


def build_incremental(
    root: Path,
    out_dir: Path,
    options: BuildOptions,
    memory: Memory | None = None,
    changed: Collection[str] | None = None,
    seen: Look | None = None,
) -> BuildReport:
    """Build like `build`; with the cache on, redo only what the edits since the last build need.

    `changed` (from `serve`'s watcher, with `memory`): the only files that changed since
    the last build; then only they are looked at, not every file of the site. `seen`: what
    `state.look` found just before (else this looks itself).
    """
    if not options.cache:
        return build(root, out_dir, options)
    places = input_places(root, out_dir)
    if memory is not None:
        found = _compare_with_memory(memory, changed, places, options, out_dir)
    else:
        found = _compare_with_saved(root, out_dir, options, places, seen)
    if found.report is not None:
        return found.report
    if found.state is not None and found.edited:
        done = _rebuild_changed(root, out_dir, options, found.state, found.inputs, found.edited)
        if done is not None:
            report, new_state = done
            _keep(root, memory, new_state)
            return report
    _keep(root, memory, None)  # a failed whole build must not leave a state behind
    report, state = _build_whole(root, out_dir, options, places, found.inputs)
    _keep(root, memory, state)
    return report


@dataclass(frozen=True, slots=True)
class _Found:
    """What a build found of the last one: its state, the inputs now, the files edited since
    (None: unknown), and the report when nothing changed."""

    state: BuildState | None
    inputs: Stats
    edited: list[str] | None
    report: BuildReport | None = None


def _compare_with_memory(
    memory: Memory,
    changed: Collection[str] | None,
    places: Places,
    options: BuildOptions,
    out_dir: Path,
) -> _Found:
    """The state `serve` kept in `memory`, and what changed since (`changed`: the files its
    watcher saw, if it knows them)."""
    state = memory.state
    inputs = None
    if state is not None and changed is not None:
        inputs = rescan(state.summary.inputs, changed)
    if inputs is None:
        inputs = scan(places)  # before building: a later edit shows as a change
    if state is None or not fits(state.summary, options, out_dir):
        return _Found(state, inputs, None)
    # serve alone writes its output folder while it runs: only check it is still there
    edited = compare(state.summary, inputs, (out_dir / "index.html").is_file())
    report = unchanged_report(state.summary) if edited == [] else None
    return _Found(state, inputs, edited, report)


def _compare_with_saved(
    root: Path, out_dir: Path, options: BuildOptions, places: Places, seen: Look | None
) -> _Found:
    """The state saved in the cache (loaded only when some inputs changed), and what changed."""
    seen = seen if seen is not None else look(root, out_dir, options)
    if seen.report is not None:
        return _Found(None, {}, None, seen.report)
    fresh = seen.summary is None or seen.inputs is None or seen.summary.places != places
    inputs = scan(places) if fresh or seen.inputs is None else seen.inputs
    edited = None if fresh else seen.changed
    state = None
    if seen.summary is not None and edited:
        state = _load_state(root, seen.summary)
    return _Found(state, inputs, edited)


def _build_whole(
    root: Path, out_dir: Path, options: BuildOptions, places: Places, inputs: Stats
) -> tuple[BuildReport, BuildState]:
    """Build the whole site; return its report and the state to keep for the next build."""
    report, record = build_recorded(root, out_dir, options)
    outputs, folders = written_outputs(out_dir, record.outputs)
    summary = Summary(
        token=secrets.token_hex(8),
        stamp=stamp(options, out_dir),
        places=places,
        inputs=inputs,
        outputs=outputs,
        folders=folders,
        since=options.now,
        until=report.next_change,
        zone=record.checked.config.zone,
        report=report,
    )
    return report, BuildState(summary=summary, bodies=_entry_bodies(root, record), record=record)


def input_places(root: Path, out_dir: Path) -> Places:
    """Where the files are that a build of the site `root` may read."""
    # the kept copies of the pacts' website feeds: a changed feed is a changed input
    folders = [root, *theme_folders(root), Path(__file__).parent.parent, root / FEEDS_DIR]
    candidates = [str(path.absolute()) for path in guide_candidates(root)]
    guide = locate_guide(root)
    first = candidates.index(str(guide.absolute())) if guide is not None else len(candidates)
    return Places(
        folders=tuple(dict.fromkeys(str(f.absolute()) for f in folders)),
        # the last link check's answers: the network page shows whether websites answered
        files=(*candidates[first : first + 1], str((root / CACHE_DIR / LINKS_FILE).absolute())),
        absent=tuple(candidates[:first]),
        skip=frozenset({str(out_dir.absolute()), str((root / CACHE_DIR).absolute())}),
    )


def scan_inputs(root: Path, out_dir: Path) -> Stats:
    """Size and modification time of every file a build of `root` may read (see `scan`)."""
    return scan(input_places(root, out_dir))


def _load_state(root: Path, summary: Summary) -> BuildState | None:
    """The whole state that `summary` belongs to, or None if there is none that fits.

    The state saved last in full, with the changes journaled since applied.
    """
    folder = root / CACHE_DIR
    saved = load(folder / STATE_FILE)
    if not isinstance(saved, tuple) or len(saved) != 3:
        return None
    token, bodies, record = saved
    if not isinstance(record, BuildRecord):
        return None
    html = record.checked.linked.html
    if not isinstance(html, StoredHtml) or not html.attach(folder / HTML_FILE):
        return None
    deltas = []
    for delta in list(read_journal(folder / JOURNAL_FILE, Delta)):
        if token == summary.token:
            break
        if delta.parent == token:
            deltas.append(delta)
            token = delta.token
    if token != summary.token:
        return None
    return BuildState(summary=summary, bodies=bodies, record=_apply(record, deltas))


def _keep(root: Path, memory: Memory | None, state: BuildState | None) -> None:
    """Keep `state` for the next build (None: keep none), in `memory` or in the cache."""
    if memory is not None:
        memory.state = replace(state, delta=None) if state is not None else None
        return
    folder = root / CACHE_DIR
    with contextlib.suppress(OSError, pickle.PicklingError):
        if state is None:
            for name in STATE_FILES:
                (folder / name).unlink(missing_ok=True)
            return
        # the summary last: with the old summary, the new state is never taken (token)
        if state.delta is None or not append_to_journal(folder / JOURNAL_FILE, state.delta):
            _save_whole(folder, state)
        save(folder / SUMMARY_FILE, state.summary)


def _save_whole(folder: Path, state: BuildState) -> None:
    """Save the whole state (its bodies' HTML in a file of their own), with no journal."""
    token, checked = state.summary.token, state.record.checked
    html = write_html(folder / HTML_FILE, token, checked.linked.html)
    linked = replace(checked.linked, html=html)
    record = replace(state.record, checked=replace(checked, linked=linked))
    save(folder / STATE_FILE, (token, state.bodies, record))
    (folder / JOURNAL_FILE).unlink(missing_ok=True)


def _entry_bodies(root: Path, record: BuildRecord) -> dict[str, tuple[str, str]]:
    """Each entry's source file (absolute) → its body key and its front matter text."""
    found = {}
    for entry in record.checked.site.entries.values():
        front = record.bodies.front_matter.get(entry.source.path)
        if entry.key in record.bodies.diagnostics and front is not None:
            found[str((root / entry.source.path).absolute())] = (entry.key, front)
    return found


def _rebuild_changed(
    root: Path,
    out_dir: Path,
    options: BuildOptions,
    state: BuildState,
    inputs: Stats,
    changed: list[str],
) -> tuple[BuildReport, BuildState] | None:
    """Redo only what the `changed` files touch; None when the whole site must be built.

    The caller found the state fit for these options and the output folder as the state
    left it. A site of several languages is built whole (see `_changed_bodies`).
    """
    sources = _changed_bodies(changed, state)
    if sources is None:
        return None
    bodies = _relink(state.record, sources)  # every changed file is a body: not empty
    if bodies is None:
        return None
    html, outlines = bodies
    relinked = _with_bodies(state.record, html, outlines).checked
    rerendered = _rerender(relinked, state, options, set(sources), out_dir)
    if rerendered is None:
        return None
    files, page_reads = rerendered
    record, summary = state.record, state.summary
    written = changed_files(files, out_dir)
    search = _search_index(written, record, out_dir)
    if search is None:
        return None
    written += search[0]
    removed = search[1]
    update_in_place(written, out_dir, removed)
    delta = Delta(
        parent=summary.token,
        token=secrets.token_hex(8),
        html=html,
        outlines=outlines,
        written=frozenset(str(f.path) for f in written),
        removed=frozenset(removed),
        reads=page_reads,
    )
    return _changed_state(state, delta, inputs, out_dir)


def _changed_state(
    state: BuildState, delta: Delta, inputs: Stats, out_dir: Path
) -> tuple[BuildReport, BuildState]:
    """The report of a rebuild that changed `delta`, and the state after it."""
    record, summary = _apply(state.record, [delta]), state.summary
    report = replace(
        summary.report,
        files=len(record.outputs),
        rewritten=len(delta.written) + len(delta.removed),
        images=from_cache(summary.report.images),
    )
    paths = delta.written
    summary = replace(
        summary,
        token=delta.token,
        inputs=inputs,
        outputs=(summary.outputs - delta.removed) | paths,
        folders=restat_folders(out_dir, summary.folders, [*paths, *delta.removed]),
        report=report,
    )
    return report, replace(state, summary=summary, record=record, delta=delta)


@dataclass(frozen=True, slots=True, kw_only=True)
class Delta:
    """What a rebuild of changed bodies changed in the state (saved as such: it is small)."""

    parent: str
    """The token of the state it changes."""
    token: str
    """The token of the changed state."""
    html: Mapping[str, str]
    """The new HTML of the bodies, by key."""
    outlines: Mapping[str, Outline]
    written: frozenset[str]
    """The output files written."""
    removed: frozenset[str]
    """The output files removed."""
    reads: Mapping[str, frozenset[str]]
    """The body keys each page made again read, by path."""


def _apply(record: BuildRecord, deltas: Sequence[Delta]) -> BuildRecord:
    """The record with the changes of `deltas`, one after the other."""
    html: dict[str, str] = {}
    outlines: dict[str, Outline] = {}
    outputs = set(record.outputs)
    reads = dict(record.reads)
    for delta in deltas:
        html.update(delta.html)
        outlines.update(delta.outlines)
        outputs -= delta.removed
        outputs |= delta.written
        reads.update(delta.reads)
    record = _with_bodies(record, html, outlines)
    return replace(record, outputs=frozenset(outputs), reads=reads)


def _with_bodies(
    record: BuildRecord, html: Mapping[str, str], outlines: Mapping[str, Outline]
) -> BuildRecord:
    """The record with these bodies' HTML and outlines."""
    checked, bodies = record.checked, record.bodies
    linked = replace(checked.linked, html=with_changes(checked.linked.html, html))
    return replace(
        record,
        checked=replace(checked, linked=linked),
        bodies=replace(bodies, outlines={**bodies.outlines, **outlines}),
    )


def _changed_bodies(changed: list[str], state: BuildState) -> dict[str, BodySource] | None:
    """The new body of each changed entry file, if only bodies changed; else None.

    Always None for a site of several languages: it is built whole (an edit reaches the
    pages of each language the entry is translated into, and their language links).
    """
    if state.record.checked.others:
        return None
    site, outlines = state.record.checked.site, state.record.bodies.outlines
    sources = {}
    for path in changed:
        known = state.bodies.get(path)
        if known is None:
            return None
        key, front_matter = known
        entry = site.entries[key]
        text, _ = read_text(Path(path), entry.source.path)
        split = split_front_matter(text) if text is not None else None
        if split is None or split[0] != front_matter or split[2] != entry.source.body_line:
            return None
        if not split[1] or not outlines[key].has_text:
            return None  # whether there is a body at all is part of the page's data
        sources[key] = BodySource(entry.source.path, split[1], split[2])
    return sources


def _relink(
    record: BuildRecord, sources: Mapping[str, BodySource]
) -> tuple[dict[str, str], dict[str, Outline]] | None:
    """The new bodies' HTML and outlines, if nothing but their HTML changes; else None."""
    checked, index = record.checked, record.bodies.link_index
    bodies = render_bodies_cached(sources, 1, None)
    if bodies.problems:
        return None
    paths = {key: source.path for key, source in sources.items()}
    outlines = {key: outline(body, sources[key].text) for key, body in bodies.rendered.items()}
    old = {key: record.bodies.outlines[key] for key in sources}
    linked, link_problems = link_site(bodies.rendered, paths, index)
    before, _ = link_site({key: _links_only(old[key]) for key in old}, paths, index)
    if linked.backlinks != before.backlinks or linked.assets != before.assets:
        return None
    for key in bodies.rendered:
        if outlines[key].heading_ids != old[key].heading_ids:
            return None  # other pages may link to the headings
        if outlines[key].images() != old[key].images():
            return None  # other images need other variants and sizes
        if old[key].images() and any(d.path == paths[key] for d in checked.warnings):
            return None  # an image's warning names its line, which may have moved
        found = tuple(d for d in [*link_problems, *bodies.warnings] if d.path == paths[key])
        if found != record.bodies.diagnostics.get(key):
            return None  # the warnings of the build would change
    return dict(apply_images(linked.html.items(), checked.images)), outlines


def _links_only(outlined: Outline) -> RenderedBody:
    """A body with just the links of an outline (to resolve them as they were)."""
    links = tuple(LinkRef(target, line, is_image) for target, line, is_image in outlined.links)
    return RenderedBody(html="", headings=(), links=links)


def _rerender(
    checked: CheckedSite, state: BuildState, options: BuildOptions, keys: set[str], out_dir: Path
) -> tuple[list[OutputFile], dict[str, frozenset[str]]] | None:
    """The pages and feeds that show the bodies `keys`, made again; None on any problem."""
    record, config, site, now = state.record, checked.config, checked.site, options.now
    urls = checked.urls
    affected = {p for p, read in record.reads.items() if ALL_KEYS in read or read & keys}
    own = {_path(job, urls): job for job in (entry_page(site, site.entries[key]) for key in keys)}
    if affected <= own.keys():  # as a rule, only the entry's own page shows its body
        jobs = [job for path, job in own.items() if path in affected]
    else:
        jobs = [job for job in page_jobs(checked, now) if _path(job, urls) in affected]
    if len(jobs) != len(affected):
        return None  # a page not planned here (e.g. the help page) read a body
    env = template_environment(checked, now, record.template_extras, cache=True)
    env.globals["html"] = ReadRecorder(checked.linked.html)
    rendered = render_pages_recorded(jobs, env, urls)
    pages, problems = collect_pages(result for result, _ in rendered)
    if problems:
        return None
    reads = {str(r.path): read for r, read in rendered if isinstance(r, OutputFile)}
    news = {k for k in keys if site.entries[k].kind is Kind.NEWS and not site.entries[k].variant}
    feeds = list(build_feeds(site, config, urls, checked.linked.html, now, news)) if news else []
    fresh = {str(page.path): page for page in pages}

    def page_text(path: str) -> str | None:
        if path in fresh:
            return fresh[path].content.decode("utf-8")
        try:
            return (out_dir / path).read_text(encoding="utf-8")
        except OSError:
            return None

    if check_page_links(pages, set(record.outputs), page_text, checked.root):
        return None  # the whole build reports them
    return [*pages, *feeds], reads


def _path(job: PageJob, urls: UrlScheme) -> str:
    return str(output_path(job.url or urls.entry(job.context["entry"])))


def _search_index(
    written: list[OutputFile], record: BuildRecord, out_dir: Path
) -> tuple[list[OutputFile], set[str]] | None:
    """The search index files that change with `written`, and the ones to remove; None if
    the index must be made whole."""
    try:
        return update_search_index(
            record.search_pages,
            written,
            lambda path: (out_dir / path).read_bytes(),
            record.checked.config.language,
        )
    except (OSError, ValueError, KeyError, TypeError):  # not the index the state knows
        return None
