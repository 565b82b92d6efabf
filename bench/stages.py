"""Time each stage of one pactsite build in this process; print the stages, slowest first.

    python bench/stages.py SITE_DIR [--jobs N] [--cache]

Wraps the stage functions that pactsite.build.pipeline calls with a timer (wall clock), builds into
SITE_DIR/public, and prints seconds and share of the build for each stage. For where the
time goes inside a stage, use a profiler, e.g. `pyinstrument -m pactsite build`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pactsite.build.pipeline as pipeline

STAGES = [
    "load_config", "read_sources", "assemble_site", "render_bodies_cached", "build_index",
    "link_site", "audit_network", "locate_theme", "relate_entries", "network_graph",
    "plan_pages", "plan_directory", "site_digest", "render_pages_kept", "render_pages_cached",
    "collect_static", "collect_content_files", "build_sitemap", "build_network_files",
    "build_open_data", "build_redirects", "check_rendered_links", "publish",
    "check_images", "apply_images", "build_variants", "build_feeds", "build_calendars",
    "build_search_index", "start_search_index", "build_admin",
    "plan_help", "next_change",
]  # fmt: skip
"""`start_search_index` only starts the indexing process; `publish` waits for it (in its second
writer thread) before writing its files."""


def timed(name: str, function: Callable[..., Any], spent: dict[str, float]) -> Callable[..., Any]:
    """Wrap `function` so that its wall time adds up in spent[name]."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - start

    return wrapper


def main() -> None:
    """Build the site once with every stage timed; print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--cache", action="store_true")
    args = parser.parse_args()
    spent: dict[str, float] = {}
    for name in STAGES:
        if hasattr(pipeline, name):
            setattr(pipeline, name, timed(name, getattr(pipeline, name), spent))
    options = pipeline.BuildOptions(
        now=dt.datetime.now(dt.UTC),
        jobs=args.jobs,
        cache=args.cache,
    )
    start = time.perf_counter()
    pipeline.build(args.site, args.site / "public", options)
    total = time.perf_counter() - start
    for name, seconds in sorted(spent.items(), key=lambda item: -item[1]):
        print(f"{name:24} {seconds:7.2f} s {100 * seconds / total:5.1f} %")
    print(f"{'build (total)':24} {total:7.2f} s")


if __name__ == "__main__":
    main()
