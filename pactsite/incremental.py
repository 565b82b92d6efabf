"""Rebuild only what an edit touched, or else the whole site, with the same result.

After a whole build with the cache on, the build's state is kept: the checked site, which
bodies each page read, a hash of every output file, and the size and modification time of
every input file (in `.pactsite-cache/state.pickle`, or in memory for `serve`). The next
build compares the input files with that state. When only the Markdown bodies of entries
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
import copyreg
import datetime as dt
import hashlib
import os
import pickle
import stat
import time
import types
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from pactsite import __version__
from pactsite.artifact import OutputFile, PageJob
from pactsite.audit import BodySource
from pactsite.bodies import render_bodies_cached
from pactsite.build import (
    BuildOptions,
    BuildRecord,
    BuildReport,
    CheckedSite,
    Outline,
    build,
    build_recorded,
    content_hash,
    outline,
    page_jobs,
    template_environment,
)
from pactsite.cache import CACHE_DIR
from pactsite.linkcheck import check_page_links
from pactsite.links import link_site
from pactsite.markup import LinkRef, RenderedBody
from pactsite.model import Kind
from pactsite.outputs.feeds import build_feeds
from pactsite.outputs.help import locate_guide
from pactsite.outputs.images import ImageStats, apply_images
from pactsite.outputs.pages import (
    ALL_KEYS,
    ReadRecorder,
    collect_pages,
    entry_page,
    render_pages_recorded,
)
from pactsite.outputs.search import INDEX_FOLDER, build_search_index, indexed_pages
from pactsite.sources import split_front_matter
from pactsite.textfile import read_text
from pactsite.theme import theme_folders
from pactsite.urls import UrlScheme, output_path
from pactsite.write import update_in_place

STATE_FILE = "state.pickle"
_RACY_NS = 2_000_000_000
_FORMAT = 1

Stats = dict[str, tuple[int, int]]
"""Size and modification time (ns) of files, by path; for inputs modified just before the
scan, minus a hash of the bytes instead of the time."""


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildState:
    """What the last build knew: its inputs, its outputs and its site model."""

    stamp: str
    """pactsite's version and the options: another stamp, another build."""
    inputs: Stats
    outputs: frozenset[str]
    """The files in the output folder, by path below it."""
    bodies: Mapping[str, tuple[str, str]]
    """Entry source path → (body key, front matter text)."""
    since: dt.datetime
    until: dt.datetime | None
    search_stale: bool
    """Whether the search index was carried over from an older build (`serve`)."""
    report: BuildReport
    record: BuildRecord


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
) -> BuildReport:
    """Build like `build`; with the cache on, redo only what the edits since the last build need.

    `changed` (from `serve`'s watcher, with `memory`): the only files that changed since
    the last build; then only they are looked at, not every file of the site.
    """
    if not options.cache:
        return build(root, out_dir, options)
    state = memory.state if memory is not None else load_state(root)
    inputs = None
    if memory is not None and state is not None and changed is not None:
        inputs = _rescan(state.inputs, changed)
    if inputs is None:
        inputs = scan_inputs(root, out_dir)  # before building: a later edit shows as a change
    if state is not None:
        done = _rebuild_changed(root, out_dir, options, state, inputs, memory is not None)
        if done is not None:
            report, new_state = done
            if new_state is not state:  # not after a build that found nothing changed
                _keep(root, memory, new_state)
            return report
    _keep(root, memory, None)  # a failed whole build must not leave a state behind
    report, record = build_recorded(root, out_dir, options)
    state = BuildState(
        stamp=_stamp(options, out_dir),
        inputs=inputs,
        outputs=list_outputs(out_dir),
        bodies=_entry_bodies(root, record.checked),
        since=options.now,
        until=report.next_change,
        search_stale=options.search_index == "reuse",
        report=report,
        record=record,
    )
    _keep(root, memory, state)
    return report


def scan_inputs(root: Path, out_dir: Path) -> Stats:
    """Size and modification time of every file a build may read, by absolute path.

    A file modified in the last seconds also gets a hash of its bytes (its time is -1): a
    second write within the clock's resolution would not change its time, so for such a
    file the next build compares the bytes (as git does with "racily clean" files).
    """
    folders = [root, *theme_folders(root), Path(__file__).parent]
    skip = {out_dir.absolute(), (root / CACHE_DIR).absolute()}
    found: Stats = {}
    for folder in dict.fromkeys(f.absolute() for f in folders):
        found.update(_stats(folder, skip))
    guide = locate_guide(root)
    if guide is not None:
        info = guide.stat()
        found[str(guide.absolute())] = (info.st_size, info.st_mtime_ns)
    recent = time.time_ns() - _RACY_NS
    for path, (size, mtime) in found.items():
        if mtime > recent:
            found[path] = (size, -_file_hash(path))
    return found


def _same_file(path: str, now: tuple[int, int], before: tuple[int, int]) -> bool:
    """Whether the file at `path`, with stats `now`, holds what it held with stats `before`."""
    if before[1] >= 0 or now[0] != before[0]:
        return now == before
    return (now[1] if now[1] < 0 else -_file_hash(path)) == before[1]


def _file_hash(path: str) -> int:
    """A positive 63-bit hash of a file's bytes (0 if it cannot be read)."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        return 0
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest()) >> 1


def _rescan(inputs: Stats, changed: Collection[str]) -> Stats | None:
    """`inputs` with the stats of the `changed` files updated; None if one is a folder."""
    updated = dict(inputs)
    recent = time.time_ns() - _RACY_NS
    for path in changed:
        try:
            info = Path(path).lstat()
        except FileNotFoundError:
            updated.pop(path, None)
            continue
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode):
            return None
        mtime = info.st_mtime_ns
        updated[path] = (info.st_size, -_file_hash(path) if mtime > recent else mtime)
    return updated


def list_outputs(out_dir: Path) -> frozenset[str]:
    """The files in the output folder, by path below it.

    Names only: a deleted or added file (or folder) shows; a file edited by hand in the
    output folder does not (its time would cost a system call per file).
    """
    base = str(out_dir.absolute())
    return frozenset(entry.path[len(base) + 1 :] for entry in _files_below(base, hidden=True))


def load_state(root: Path) -> BuildState | None:
    """The state saved by the last build in `root`, or None if there is none that fits."""
    try:
        with (root / CACHE_DIR / STATE_FILE).open("rb") as file:
            saved = pickle.load(file)
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError):
        return None
    if not isinstance(saved, tuple) or len(saved) != 2 or saved[0] != _FORMAT:
        return None
    state = saved[1]
    return state if isinstance(state, BuildState) else None


def _keep(root: Path, memory: Memory | None, state: BuildState | None) -> None:
    if memory is not None:
        memory.state = state
        return
    target = root / CACHE_DIR / STATE_FILE
    with contextlib.suppress(OSError, pickle.PicklingError):
        if state is None:
            target.unlink(missing_ok=True)
            return
        target.parent.mkdir(exist_ok=True)
        temporary = target.with_name(STATE_FILE + ".new")
        with temporary.open("wb") as file:
            pickle.dump((_FORMAT, state), file, protocol=pickle.HIGHEST_PROTOCOL)
        temporary.replace(target)


def _stats(folder: Path, skip: set[Path]) -> Stats:
    """Every regular file below `folder` (`skip` and hidden names left out)."""
    found: Stats = {}
    for entry in _files_below(str(folder), skip=skip):
        if entry.is_file(follow_symlinks=False):
            info = entry.stat(follow_symlinks=False)
            found[entry.path] = (info.st_size, info.st_mtime_ns)
    return found


def _files_below(
    folder: str, *, skip: set[Path] | None = None, hidden: bool = False
) -> Iterator[os.DirEntry[str]]:
    """Every entry below `folder` that is not a folder, without following links.

    Folders in `skip` are left out, and unless `hidden`, names starting with "." and
    `__pycache__` folders.
    """
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            entries = list(os.scandir(current))
        except OSError:
            continue
        for entry in entries:
            if not hidden and (entry.name.startswith(".") or entry.name == "__pycache__"):
                continue
            if not entry.is_dir(follow_symlinks=False):
                yield entry
            elif skip is None or Path(entry.path) not in skip:
                pending.append(entry.path)


def _stamp(options: BuildOptions, out_dir: Path) -> str:
    return repr((__version__, options.drafts, options.strict, str(out_dir.absolute())))


def _entry_bodies(root: Path, checked: CheckedSite) -> dict[str, tuple[str, str]]:
    """Each entry's source file (absolute) → its body key and its front matter text."""
    found = {}
    for entry in checked.site.entries.values():
        front = checked.front_matter.get(entry.source.path)
        if entry.key in checked.body_diagnostics and front is not None:
            found[str((root / entry.source.path).absolute())] = (entry.key, front)
    return found


def _rebuild_changed(
    root: Path,
    out_dir: Path,
    options: BuildOptions,
    state: BuildState,
    inputs: Stats,
    in_memory: bool,
) -> tuple[BuildReport, BuildState] | None:
    """Redo only what the changed bodies touch; None when the whole site must be built.

    `in_memory` (serve, which alone writes its output folder while it runs): only check
    that the output folder is still there, not every file name in it.
    """
    if state.stamp != _stamp(options, out_dir) or not _same_moment(state, options.now):
        return None
    if state.search_stale and options.search_index == "build":
        return None
    if inputs.keys() != state.inputs.keys():
        return None
    if in_memory:
        if not (out_dir / "index.html").is_file():
            return None
    elif list_outputs(out_dir) != state.outputs:
        return None
    checked = state.record.checked
    changed = [p for p, now in inputs.items() if not _same_file(p, now, state.inputs[p])]
    sources = _changed_bodies(changed, state, checked)
    if sources is None:
        return None
    if not changed:
        return replace(state.report, rewritten=0, images=_from_cache(state.report.images)), state
    relinked = _relink(checked, sources)  # every changed file is a body: `sources` is not empty
    if relinked is None:
        return None
    rerendered = _rerender(relinked, state, options, set(sources), out_dir)
    if rerendered is None:
        return None
    files, page_reads = rerendered
    record = state.record
    written = [f for f in files if record.outputs.get(str(f.path)) != content_hash(f.content)]
    search, removed = _search_index(written, record.outputs, options, out_dir)
    written += search
    update_in_place(written, out_dir)
    for path in removed:
        (out_dir / path).unlink(missing_ok=True)
    outputs = {p: h for p, h in record.outputs.items() if p not in removed}
    outputs.update({str(f.path): content_hash(f.content) for f in written})
    listed = (state.outputs - removed) | {str(f.path) for f in written}
    report = replace(
        state.report,
        files=len(outputs),
        rewritten=len(written) + len(removed),
        images=_from_cache(state.report.images),
    )
    reads = {**record.reads, **page_reads}
    return report, replace(
        state,
        inputs=inputs,
        search_stale=state.search_stale or (bool(files) and options.search_index == "reuse"),
        outputs=listed,
        report=report,
        record=replace(record, checked=relinked, outputs=outputs, reads=reads),
    )


def _from_cache(images: ImageStats) -> ImageStats:
    """The image counts of a build that took every image from the cache."""
    return ImageStats(processed=0, cached=images.processed + images.cached)


def _same_moment(state: BuildState, now: dt.datetime) -> bool:
    """Whether `now` sees the site as the last build did: no scheduled change, same day."""
    zone = state.record.checked.config.zone
    if now < state.since or (state.until is not None and now >= state.until):
        return False
    return now.astimezone(zone).date() == state.since.astimezone(zone).date()


def _changed_bodies(
    changed: list[str], state: BuildState, checked: CheckedSite
) -> dict[str, BodySource] | None:
    """The new body of each changed entry file, if only bodies changed; else None."""
    sources = {}
    for path in changed:
        known = state.bodies.get(path)
        if known is None:
            return None
        key, front_matter = known
        entry = checked.site.entries[key]
        text, _ = read_text(Path(path), entry.source.path)
        split = split_front_matter(text) if text is not None else None
        if split is None or split[0] != front_matter or split[2] != entry.source.body_line:
            return None
        if not split[1] or not checked.outlines[key][0]:
            return None  # whether there is a body at all is part of the page's data
        sources[key] = BodySource(entry.source.path, split[1], split[2])
    return sources


def _relink(checked: CheckedSite, sources: Mapping[str, BodySource]) -> CheckedSite | None:
    """The checked site with the new bodies, if nothing but their HTML changes; else None."""
    index = checked.link_index
    if index is None:
        return None
    bodies = render_bodies_cached(sources, 1, None)
    if bodies.problems:
        return None
    paths = {key: source.path for key, source in sources.items()}
    outlines = {key: outline(body, sources[key].text) for key, body in bodies.rendered.items()}
    old = {key: checked.outlines[key] for key in sources}
    linked, link_problems = link_site(bodies.rendered, paths, index)
    before, _ = link_site({key: _links_only(old[key]) for key in old}, paths, index)
    if linked.backlinks != before.backlinks or linked.assets != before.assets:
        return None
    for key in bodies.rendered:
        if outlines[key][1] != old[key][1]:
            return None  # other pages may link to the headings
        if _images(outlines[key]) != _images(old[key]):
            return None  # other images need other variants and sizes
        if _images(old[key]) and any(d.path == paths[key] for d in checked.warnings):
            return None  # an image's warning names its line, which may have moved
        found = tuple(d for d in [*link_problems, *bodies.warnings] if d.path == paths[key])
        if found != checked.body_diagnostics.get(key):
            return None  # the warnings of the build would change
    html = {**checked.linked.html, **apply_images(linked.html, checked.images)}
    return replace(
        checked,
        linked=replace(checked.linked, html=types.MappingProxyType(html)),
        outlines={**checked.outlines, **outlines},
    )


def _images(outlined: Outline) -> list[str]:
    """The images a body shows, in order."""
    return [target for target, _, is_image in outlined[2] if is_image]


def _links_only(outlined: Outline) -> RenderedBody:
    """A body with just the links of an outline (to resolve them as they were)."""
    links = tuple(LinkRef(target, line, is_image) for target, line, is_image in outlined[2])
    return RenderedBody(html="", headings=(), links=links)


def _rerender(
    checked: CheckedSite, state: BuildState, options: BuildOptions, keys: set[str], out_dir: Path
) -> tuple[list[OutputFile], dict[str, frozenset[str]]] | None:
    """The pages and feeds that show the bodies `keys`, made again; None on any problem."""
    record, config, site, now = state.record, checked.config, checked.site, options.now
    urls = UrlScheme(config.urls, config.base_url)
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
    news = {key for key in keys if site.entries[key].kind is Kind.NEWS}
    feeds = build_feeds(site, config, urls, checked.linked.html, now, news) if news else []
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
    written: list[OutputFile], outputs: Mapping[str, str], options: BuildOptions, out_dir: Path
) -> tuple[list[OutputFile], set[str]]:
    """The search index files that change with `written`, and the ones to remove."""
    if options.search_index == "reuse" or not indexed_pages(written):
        return [], set()
    fresh = {str(f.path): f for f in written}
    pages = [
        fresh.get(path) or OutputFile(PurePosixPath(path), (out_dir / path).read_bytes())
        for path in outputs
        if path.endswith(".html") and not path.startswith(f"{INDEX_FOLDER}/")
    ]
    index = build_search_index(pages)
    kept = {str(f.path) for f in index}
    removed = {p for p in outputs if p.startswith(f"{INDEX_FOLDER}/") and p not in kept}
    changed = [f for f in index if outputs.get(str(f.path)) != content_hash(f.content)]
    return changed, removed


def _mapping_proxy(values: dict[str, object]) -> types.MappingProxyType[str, object]:
    """A read-only view of `values` (how a pickled view is restored)."""
    return types.MappingProxyType(values)


def _reduce_mapping_proxy(
    proxy: types.MappingProxyType[str, object],
) -> tuple[Callable[[dict[str, object]], object], tuple[dict[str, object]]]:
    return _mapping_proxy, (dict(proxy),)


copyreg.pickle(types.MappingProxyType, _reduce_mapping_proxy)  # type: ignore[arg-type]
