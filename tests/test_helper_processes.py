"""A build killed with SIGKILL at any stage leaves none of its helper processes behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import FIXTURES, copy_site

pytestmark = [
    pytest.mark.faults,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc"),
]

STAGES = {
    # stage: (function that announces it, then waits; functions that only wait)
    "reading": ("pactsite.build.bodies:_read_and_render", ()),
    "rendering": ("pactsite.build.workers:_render_chunk", ()),
    "indexing": ("pactsite.build.workers:build_search_index", ()),
    "indexing apart": ("pactsite.build.workers:read_part", ()),
    "writing": (
        "pactsite.build.write:_sync",
        ("pactsite.build.workers:build_search_index",),
    ),
}
"""Where each stage is held (in the build, a worker or the indexing process) so that it can
be killed there: a private function of the module that calls it, replaced by the driver."""

DRIVER = """
import importlib, os, sys, time
from pactsite.cli import main

def held(function, mark):
    def wrapper(*args, **kwargs):
        if mark:
            with open(sys.argv[2], "a") as marks:
                marks.write(f"{mark} {os.getpid()}\\n")
        time.sleep(300)  # until killed
    return wrapper

def replace(target, mark):
    module_name, name = target.split(":")
    module = importlib.import_module(module_name)
    setattr(module, name, held(getattr(module, name), mark))

stage, announcing, waiting = sys.argv[3], sys.argv[4], sys.argv[5:]
replace(announcing, stage)
for target in waiting:
    replace(target, "")
importlib.import_module("pactsite.build.workers").INDEX_APART_FROM = 1
importlib.import_module("pactsite.build.workers").INDEX_SPLIT_FROM = 2
main(["build", "--site", sys.argv[1], "--no-cache", "--jobs", "2"])
"""
"""Builds the site in argv[1] with a stage held; the held function notes the stage and its
process id in the file argv[2]."""


def _group(pgid: int) -> dict[int, str]:
    """The living (not zombie) processes of a process group, with their command lines."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:  # ended meanwhile
            continue
        state, _ppid, group = stat.rpartition(")")[2].split()[:3]
        if int(group) == pgid and state != "Z":
            found[int(entry.name)] = cmdline
    return found


def _wait(condition: Callable[[], object], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


@pytest.mark.parametrize("stage", list(STAGES))
def test_a_build_killed_at_each_stage_leaves_no_process(tmp_path: Path, stage: str) -> None:
    site = copy_site(FIXTURES / "minimal", tmp_path / "site")
    marks = tmp_path / "marks.txt"
    announcing, waiting = STAGES[stage]
    build = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(site), str(marks), stage, announcing, *waiting],
        env={**os.environ, "PACTSITE_MIN_ITEMS_PER_WORKER": "1"},
        start_new_session=True,  # its own process group, which its helpers inherit
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        held = _wait(lambda: build.poll() is not None or marks.exists(), 60)
        held = held and marks.exists()
        assert held, f"the build did not reach {stage}: {build.communicate()[1].decode()}"
        helpers = set(_group(build.pid)) - {build.pid}
        assert helpers, f"no helper process runs while {stage}"
        build.send_signal(signal.SIGKILL)
        build.wait()
        gone = _wait(lambda: not set(_group(build.pid)) & helpers, 10)
        assert gone, f"left running after a kill while {stage}: {_group(build.pid)}"
    finally:
        for pid in _group(build.pid):  # the test's own mess, should it fail
            os.kill(pid, signal.SIGKILL)
        build.wait()
        build.stderr.close()  # type: ignore[union-attr]
