"""`pactsite serve` in real Chromium: edits reload the open page, errors show as an overlay."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import lxml.html
import pytest
from playwright.sync_api import Browser, Page, expect
from test_accessibility import axe_violations
from watchdog.events import (
    EVENT_TYPE_CLOSED_NO_WRITE,
    EVENT_TYPE_CREATED,
    EVENT_TYPE_DELETED,
    EVENT_TYPE_MODIFIED,
    EVENT_TYPE_MOVED,
    EVENT_TYPE_OPENED,
    FileSystemEvent,
)

from pactsite.serve.debounce import Debouncer
from pactsite.serve.inject import decorate
from pactsite.serve.watch import SiteWatcher, is_source_change

from conftest import run_pactsite

WAIT_MS = 30_000  # generous: the machine is shared and small
WAIT_S = WAIT_MS / 1000
IMPRESSUM = "content/pages/impressum.md"
PAGE = "---\ntitle: Impressum\nweight: {weight}\n---\n{text}\n"
PACTSITE = [sys.executable, "-m", "pactsite"]
REBUILT = r"^rebuilt in \d+\.\d\d s"


class Served:
    """A `pactsite serve` subprocess on a free port, with its output collected line by line."""

    def __init__(self, site: Path, port: int = 0) -> None:
        self.site = site
        self.process = subprocess.Popen(
            [*PACTSITE, "serve", "--site", str(site), "--port", str(port)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.lines: list[str] = []
        self.finished = False
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.url = self.wait_for(r"^serving .* on (http://127\.0\.0\.1:\d+)/").group(1)

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self.finished = True
            self._changed.notify_all()

    def wait_for(self, pattern: str, after: int = 0) -> re.Match[str]:
        """Wait for an output line (from line number `after` on) that matches `pattern`."""

        def found() -> re.Match[str] | None:
            return next(filter(None, (re.search(pattern, ln) for ln in self.lines[after:])), None)

        with self._changed:
            self._changed.wait_for(lambda: found() is not None or self.finished, WAIT_S)
            match = found()
        assert match, f"no line matching {pattern!r} in:\n" + "\n".join(self.lines)
        return match

    def count(self, pattern: str, after: int = 0) -> int:
        """How many output lines (from line number `after` on) match `pattern`."""
        with self._changed:
            return sum(1 for line in self.lines[after:] if re.search(pattern, line))

    def mark(self) -> int:
        """The number of output lines so far, to look only at what comes later."""
        with self._changed:
            return len(self.lines)

    def interrupt(self, stop: signal.Signals = signal.SIGINT) -> int:
        """Press Ctrl-C (or send another signal); return the exit code."""
        self.process.send_signal(stop)
        code = self.process.wait(timeout=WAIT_S)
        self._reader.join(timeout=WAIT_S)
        return code


@pytest.fixture
def served(minimal_site: Path) -> Iterator[Served]:
    """`pactsite serve` on a fresh copy of the minimal site."""
    preview = Served(minimal_site)
    yield preview
    if preview.process.poll() is None:
        preview.process.send_signal(signal.SIGINT)
        try:
            preview.process.wait(timeout=WAIT_S)
        except subprocess.TimeoutExpired:
            preview.process.kill()
            preview.process.wait()


@pytest.fixture
def page(chromium: Browser) -> Iterator[Page]:
    """A fresh browser tab."""
    context = chromium.new_context()
    tab = context.new_page()
    tab.set_default_timeout(WAIT_MS)
    yield tab
    context.close()


def open_connected(page: Page, url: str) -> None:
    """Open a page and wait until its live-reload connection is open."""
    with page.expect_request(re.compile(r"/\.pactsite/live$")):
        page.goto(url)


def write(site: Path, relative: str, text: str) -> None:
    """Save a file the simple way: truncate and write in place."""
    (site / relative).write_text(text, encoding="utf-8")


def save_atomically(site: Path, relative: str, text: str) -> None:
    """Save a file the way many editors do: write a temp file, then rename it over the old."""
    target = site / relative
    temp = target.with_name(f".{target.name}.tmp{os.getpid()}")
    temp.write_text(text, encoding="utf-8")
    temp.replace(target)


def test_editing_a_page_source_reloads_the_open_page(served: Served, page: Page) -> None:
    open_connected(page, served.url + "/impressum/")
    main = page.locator("main")
    expect(main).to_contain_text("Verantwortlich: Testnetz.")

    write(served.site, IMPRESSUM, PAGE.format(weight=1, text="Neu verantwortlich: Frau Beispiel."))
    expect(main).to_contain_text("Neu verantwortlich: Frau Beispiel.", timeout=WAIT_MS)

    save_atomically(served.site, IMPRESSUM, PAGE.format(weight=1, text="Atomar gespeichert."))
    expect(main).to_contain_text("Atomar gespeichert.", timeout=WAIT_MS)
    expect(main).not_to_contain_text("Frau Beispiel")
    assert served.count(REBUILT) >= 2


def test_served_pages_carry_the_reload_script_but_the_build_output_has_none(
    served: Served, page: Page
) -> None:
    open_connected(page, served.url + "/impressum/")
    expect(page.locator('script[src="/.pactsite/live.js"]')).to_have_count(1)
    write(served.site, IMPRESSUM, PAGE.format(weight=1, text="Nach dem Neubau."))
    expect(page.locator("main")).to_contain_text("Nach dem Neubau.", timeout=WAIT_MS)

    public = served.site / "public"
    assert (public / "impressum" / "index.html").read_text(encoding="utf-8").count("Neubau")
    traces = [
        path.relative_to(public)
        for path in public.rglob("*")
        if path.is_file()
        and re.search(rb"\.pactsite/live|EventSource|pactsite-overlay", path.read_bytes())
    ]
    assert traces == []
    assert not list(public.rglob("live.js"))


def test_broken_front_matter_shows_an_overlay_with_file_and_line_until_fixed(
    served: Served, page: Page
) -> None:
    open_connected(page, served.url + "/impressum/")
    overlay = page.get_by_role("alert")
    expect(overlay).to_have_count(0)

    write(served.site, IMPRESSUM, PAGE.format(weight="viel", text="Kaputt."))
    expect(overlay).to_contain_text(
        "content/pages/impressum.md:3: error: weight: expected a whole number", timeout=WAIT_MS
    )
    expect(page.locator("main")).to_contain_text("Verantwortlich: Testnetz.")  # the last good
    served.wait_for(r"^content/pages/impressum\.md:3: error: weight")
    served.wait_for(r"^rebuild failed in \d+\.\d\d s: 1 error\(s\)")

    other = page.context.new_page()  # every page shows the overlay while the build is broken
    other.goto(served.url + "/pakte/")
    expect(other.get_by_role("alert")).to_contain_text("impressum.md:3")
    expect(other.get_by_role("button", name="Ausblenden")).to_be_focused()
    other.get_by_role("button", name="Ausblenden").click()
    expect(other.get_by_role("alert")).to_be_hidden()

    write(served.site, IMPRESSUM, PAGE.format(weight=1, text="Wieder heil."))
    expect(page.locator("main")).to_contain_text("Wieder heil.", timeout=WAIT_MS)
    expect(overlay).to_have_count(0)


@pytest.mark.parametrize("width", [320, 1280])
def test_the_overlay_passes_axe(served: Served, page: Page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    open_connected(page, served.url + "/impressum/")
    write(served.site, IMPRESSUM, PAGE.format(weight="viel", text="Kaputt."))
    expect(page.get_by_role("alert")).to_contain_text("impressum.md:3", timeout=WAIT_MS)
    serious = [v for v in axe_violations(page) if v["impact"] in ("serious", "critical")]
    assert serious == [], serious


def test_the_overlay_escapes_what_it_quotes(served: Served, page: Page) -> None:
    open_connected(page, served.url + "/impressum/")
    write(served.site, IMPRESSUM, PAGE.format(weight="<b>viel</b>", text="Kaputt."))
    overlay = page.get_by_role("alert")
    expect(overlay).to_contain_text("got '<b>viel</b>'", timeout=WAIT_MS)
    expect(overlay.locator("b")).to_have_count(0)


@pytest.mark.parametrize(
    ("html_tag", "title", "button"),
    [
        ('<html lang="en-GB">', "The site could not be rebuilt", "Hide"),
        ('<html lang="de">', "Die Website konnte nicht neu gebaut werden", "Ausblenden"),
        ('<html lang="fr">', "Die Website konnte nicht neu gebaut werden", "Ausblenden"),
    ],
)
def test_the_overlay_speaks_the_language_of_the_page(
    html_tag: str, title: str, button: str
) -> None:
    page = f"<!DOCTYPE html>{html_tag}<head><title>x</title></head><body><p>x</p></body></html>"
    problem = "content/pages/impressum.md:3: error: weight: expected a whole number"
    decorated = decorate(page.encode(), "1", [problem]).decode()
    root = lxml.html.fromstring(decorated)
    box = root.get_element_by_id("pactsite-overlay")
    assert box.get("lang") == ("en" if "en" in html_tag else "de")
    assert box.xpath("string(.//p[1])") == title
    assert box.xpath("string(.//button)") == button
    assert box.xpath("string(.//pre)") == problem


def test_a_burst_of_twenty_writes_rebuilds_once_or_a_few_times(served: Served, page: Page) -> None:
    open_connected(page, served.url + "/impressum/")
    before = served.mark()
    for number in range(20):
        write(served.site, IMPRESSUM, PAGE.format(weight=1, text=f"Fassung {number}."))
    expect(page.locator("main")).to_contain_text("Fassung 19.", timeout=WAIT_MS)
    served.wait_for(REBUILT, after=before)
    assert 1 <= served.count(REBUILT, after=before) <= 3, served.lines[before:]


def test_deleting_and_renaming_sources_updates_the_open_pages(served: Served, page: Page) -> None:
    open_connected(page, served.url + "/pakte/alpha/aktuelles/")
    main = page.locator("main")
    expect(main).to_contain_text("Erste Meldung")
    (served.site / "content/pacts/alpha/news/2002-10-22-erste-meldung.md").unlink()
    expect(main).not_to_contain_text("Erste Meldung", timeout=WAIT_MS)

    outside = served.site.parent / "gamma"  # a folder made elsewhere and moved in
    shutil.copytree(served.site / "content/pacts/beta", outside)
    (outside / "pact.yaml").write_text("name: Pakt Gamma\n", encoding="utf-8")
    pacts = served.site / "content/pacts"
    links = page.locator("main a[href^='/pakte/']")

    open_connected(page, served.url + "/pakte/")
    expect(page.locator('main a[href="/pakte/beta/"]')).to_have_count(1)
    pact_links = links.count()
    outside.rename(pacts / "gamma")
    expect(page.locator('main a[href="/pakte/gamma/"]')).to_have_count(1, timeout=WAIT_MS)
    (pacts / "gamma").rename(pacts / "delta")
    expect(page.locator('main a[href="/pakte/delta/"]')).to_have_count(1, timeout=WAIT_MS)
    expect(page.locator('main a[href="/pakte/gamma/"]')).to_have_count(0)
    shutil.rmtree(pacts / "delta")
    expect(page.locator('main a[href="/pakte/delta/"]')).to_have_count(0, timeout=WAIT_MS)
    expect(links).to_have_count(pact_links)
    page.goto(served.url + "/pakte/delta/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Seite nicht gefunden")


def test_a_deleted_and_recreated_content_folder_is_watched_again(
    served: Served, page: Page
) -> None:
    open_connected(page, served.url + "/impressum/")
    content, kept = served.site / "content", served.site.parent / "content-kept"
    shutil.copytree(content, kept)
    before = served.mark()
    shutil.rmtree(content)
    served.wait_for(r"^(rebuilt|rebuild failed) in", after=before)
    shutil.copytree(kept, content)
    expect(page.locator("main")).to_contain_text("Verantwortlich: Testnetz.", timeout=WAIT_MS)
    write(served.site, IMPRESSUM, PAGE.format(weight=1, text="Im neuen Ordner."))
    expect(page.locator("main")).to_contain_text("Im neuen Ordner.", timeout=WAIT_MS)


SET_HIDDEN = """hidden => {
    Object.defineProperty(document, "hidden", {value: hidden, configurable: true});
    document.dispatchEvent(new Event("visibilitychange"));
}"""


def test_a_hidden_tab_lets_go_of_its_connection_and_catches_up_when_shown(
    served: Served, page: Page
) -> None:
    open_connected(page, served.url + "/impressum/")
    main = page.locator("main")
    page.evaluate(SET_HIDDEN, True)
    before = served.mark()
    write(served.site, IMPRESSUM, PAGE.format(weight=1, text="Während die Seite verborgen war."))
    served.wait_for(REBUILT, after=before)
    page.wait_for_timeout(1000)  # a connected page would reload within milliseconds
    expect(main).to_contain_text("Verantwortlich: Testnetz.")
    with page.expect_request(re.compile(r"/\.pactsite/live$")):
        page.evaluate(SET_HIDDEN, False)
    expect(main).to_contain_text("Während die Seite verborgen war.", timeout=WAIT_MS)


def test_editor_swap_and_temp_files_do_not_trigger_a_rebuild(served: Served, page: Page) -> None:
    open_connected(page, served.url + "/impressum/")
    before = served.mark()
    pages = served.site / "content/pages"
    litter = [".#impressum.md", "impressum.md~", ".impressum.md.swp", "4913", "x.tmp", ".DS_Store"]
    for name in litter:
        (pages / name).write_text("Müll", encoding="utf-8")
    (pages / ".impressum.md.swp").write_text("mehr Müll", encoding="utf-8")
    for name in litter:
        (pages / name).unlink()
    (served.site / ".git").mkdir()
    (served.site / ".git" / "index").write_text("git", encoding="utf-8")
    # Proving that nothing happens takes a pause; a rebuild would start 0.1 s after an event.
    time.sleep(1.5)
    write(served.site, IMPRESSUM, PAGE.format(weight=1, text="Echte Änderung."))
    expect(page.locator("main")).to_contain_text("Echte Änderung.", timeout=WAIT_MS)
    served.wait_for(REBUILT, after=before)
    assert served.count(REBUILT, after=before) == 1, served.lines[before:]


def test_a_page_reloads_when_it_reconnects_to_a_newer_build(minimal_site: Path, page: Page) -> None:
    first = Served(minimal_site)
    open_connected(page, first.url + "/impressum/")
    assert first.interrupt() == 0  # the page loses its live connection and keeps retrying
    write(minimal_site, IMPRESSUM, PAGE.format(weight=1, text="Geändert, als niemand lief."))
    port = int(first.url.rsplit(":", 1)[1])
    second = Served(minimal_site, port)
    try:
        expect(page.locator("main")).to_contain_text("als niemand lief", timeout=WAIT_MS)
    finally:
        assert second.interrupt() == 0


def test_a_site_broken_from_the_start_shows_the_overlay_until_fixed(
    minimal_site: Path, page: Page
) -> None:
    write(minimal_site, IMPRESSUM, PAGE.format(weight="viel", text="Kaputt."))
    preview = Served(minimal_site)
    try:
        preview.wait_for(r"^build failed in .*; nothing built yet$")
        open_connected(page, preview.url + "/impressum/")
        expect(page.get_by_role("alert")).to_contain_text("content/pages/impressum.md:3")
        write(minimal_site, IMPRESSUM, PAGE.format(weight=1, text="Endlich gebaut."))
        expect(page.locator("main")).to_contain_text("Endlich gebaut.", timeout=WAIT_MS)
        expect(page.get_by_role("alert")).to_have_count(0)
    finally:
        assert preview.interrupt() == 0


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_stops_cleanly_with_exit_code_0(
    served: Served, page: Page, stop: signal.Signals
) -> None:
    open_connected(page, served.url + "/impressum/")  # a live connection is open
    assert served.interrupt(stop) == 0
    output = "\n".join(served.lines)
    assert "Traceback" not in output, output
    assert served.lines[-1] == "stopped"


def test_a_port_in_use_is_a_clear_error(minimal_site: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = subprocess.run(
            [*PACTSITE, "serve", "--site", str(minimal_site), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=WAIT_S * 2,
            check=False,
        )
    assert run.returncode == 1
    assert f"error: port {port} on 127.0.0.1 is already in use" in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize(
    ("relative", "is_directory", "counts"),
    [
        ("content/pages/impressum.md", False, True),
        ("content/pacts/alpha", True, True),
        ("content", True, True),
        ("site.yaml", False, True),
        ("themes/default/templates/base.html", False, True),
        ("templates/page.html", False, True),
        ("static/logo.svg", False, True),
        ("content/pages/.#impressum.md", False, False),
        ("content/pages/#impressum.md#", False, False),
        ("content/pages/impressum.md~", False, False),
        ("content/pages/.impressum.md.swp", False, False),
        ("content/pages/.impressum.md.swx", False, False),
        ("content/pages/4913", False, False),
        ("content/pages/impressum.md.tmp", False, False),
        ("content/pages/.DS_Store", False, False),
        ("content/pages/impressum.md___jb_tmp___", False, False),
        ("content/.git/index", False, False),
        ("site.yaml~", False, False),
        ("public/index.html", False, False),
        (".public.staging/index.html", False, False),
        ("README.md", False, False),
    ],
)
def test_only_real_sources_count_as_changes(
    relative: str, is_directory: bool, counts: bool
) -> None:
    root = Path("/site")
    path = str(root / relative)
    assert is_source_change(root, EVENT_TYPE_CREATED, is_directory, [path]) is counts
    assert is_source_change(root, EVENT_TYPE_DELETED, is_directory, [path]) is counts


def test_an_atomic_save_counts_by_its_destination_and_reads_do_not_count() -> None:
    root = Path("/site")
    temp, source = "/site/content/pages/.impressum.md.tmp1", "/site/content/pages/impressum.md"
    assert is_source_change(root, EVENT_TYPE_MOVED, False, [temp, source])
    assert is_source_change(root, EVENT_TYPE_MOVED, False, [source, source + "~"])
    assert not is_source_change(root, EVENT_TYPE_MOVED, False, [temp, temp + "~"])
    assert not is_source_change(root, EVENT_TYPE_OPENED, False, [source])
    assert not is_source_change(root, EVENT_TYPE_CLOSED_NO_WRITE, False, [source])
    assert not is_source_change(root, EVENT_TYPE_MODIFIED, True, ["/site/content/pages"])


def test_reading_the_sources_as_every_build_does_raises_no_file_events(
    minimal_site: Path,
) -> None:
    """At 50,000 pages the open and close events of a build's reads overflowed the kernel's
    queue, and watchdog walked the whole tree after each overflow, for minutes."""
    seen: list[str] = []
    changed: list[list[str] | None] = []
    watcher = _CountingWatcher(minimal_site, changed.append, seen)
    watcher.start()
    try:
        sources = [p for p in (minimal_site / "content").rglob("*") if p.is_file()]
        for _ in range(20):
            for source in sources:
                source.read_bytes()
        time.sleep(0.5)
        assert seen == []
        news = next(p for p in sources if p.suffix == ".md")
        news.write_text(news.read_text(encoding="utf-8") + "\nNeu.\n", encoding="utf-8")
        deadline = time.monotonic() + 10
        while not changed and time.monotonic() < deadline:
            time.sleep(0.05)
        assert changed and changed[0] == [str(news)]
    finally:
        watcher.stop()


class _CountingWatcher(SiteWatcher):
    """A SiteWatcher that notes the type of every event watchdog hands it."""

    def __init__(
        self, root: Path, changed: Callable[[list[str] | None], None], seen: list[str]
    ) -> None:
        super().__init__(root, changed)
        self._seen = seen

    def on_any_event(self, event: FileSystemEvent) -> None:
        self._seen.append(event.event_type)
        super().on_any_event(event)


def test_a_burst_of_pokes_runs_the_action_once_after_a_quiet_moment() -> None:
    runs: list[float] = []
    done = threading.Event()

    def action() -> None:
        runs.append(time.monotonic())
        done.set()

    debouncer = Debouncer(action, quiet=0.3, longest=5.0)
    debouncer.start()
    try:
        for _ in range(20):
            debouncer.poke()
            time.sleep(0.01)
        last_poke = time.monotonic()
        assert done.wait(WAIT_S)
        time.sleep(0.5)  # a second run would come 0.3 s after a stray poke
    finally:
        debouncer.stop()
    assert len(runs) == 1
    assert runs[0] - last_poke >= 0.25


def test_a_missing_site_folder_is_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    run = run_pactsite("serve", "--site", str(missing), "--port", "0")
    assert run.exit_code == 1
    assert f"error: there is no site.yaml in {missing} or a folder above it" in run.stderr
    assert "Traceback" not in run.stderr


def test_rebuilds_update_the_search_index_and_use_the_cache(served: Served) -> None:
    served.wait_for(r"^serving ")
    after = served.mark()
    write(served.site, IMPRESSUM, PAGE.format(weight=1, text="Zaunkönigsuche im Impressum."))
    served.wait_for(REBUILT, after)
    page = (served.site / "public/impressum/index.html").read_text(encoding="utf-8")
    assert "Zaunkönigsuche" in page
    words = (served.site / "public/suchindex/w/zau.json").read_text(encoding="utf-8")
    assert '"zaunkonigsuche":["zaunkonigsuch",1]' in words
    assert (served.site / ".pactsite-cache").is_dir()


def test_a_text_edit_rewrites_only_its_page_and_equals_a_clean_build(
    served: Served, tmp_path: Path
) -> None:
    served.wait_for(r"^serving ")
    after = served.mark()
    news = served.site / "content/pacts/alpha/news/2002-10-22-erste-meldung.md"
    news.write_text(news.read_text(encoding="utf-8") + "\nZaunkönig im Text.\n", "utf-8")
    rewritten = int(served.wait_for(r"rebuilt in .*, (\d+) files rewritten\)", after).group(1))
    # the page, the 3 feeds each of the network, the pact and the sector, and the search
    # index's files of the page, of its new words, of the keys near them (for typos) and of
    # the compounds ending like them; not ~80 files
    assert 0 < rewritten <= 20
    clean = tmp_path / "clean"
    done = run_pactsite("build", "--site", str(served.site), "--output", str(clean), "--no-cache")
    assert done.exit_code == 0, done.stderr
    served_files = _files(served.site / "public")
    assert served_files == _files(clean)


def _files(folder: Path) -> dict[str, bytes]:
    found = {p.relative_to(folder).as_posix(): p for p in folder.rglob("*") if p.is_file()}
    return {name: p.read_bytes() for name, p in found.items()}
