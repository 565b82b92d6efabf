"""Live preview: build, serve on 127.0.0.1, rebuild on every change, reload the open pages."""

from __future__ import annotations

import datetime as dt
import errno
import secrets
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from pactsite.build.incremental import Memory, build_incremental
from pactsite.build.pipeline import BuildOptions, BuildReport
from pactsite.diagnostics import BuildFailed, Diagnostic, OutputError
from pactsite.i18n import SOURCE_LANGUAGE, Text, render, t, verbatim
from pactsite.serve.debounce import Debouncer
from pactsite.serve.server import LiveState, PreviewServer
from pactsite.serve.watch import SiteWatcher


class PortInUse(Exception):
    """Raised when another program already listens on the port."""

    exit_code = 1

    def __init__(self, port: int) -> None:
        self.text = t(
            "port {port} on 127.0.0.1 is already in use; stop the other server "
            "or choose another port with --port N",
            port=port,
        )
        super().__init__(str(self.text))


class CannotWatch(Exception):
    """Raised when the site folder cannot be watched (missing, or no inotify watches left)."""

    exit_code = 1

    def __init__(self, root: Path, error: OSError) -> None:
        hint = (
            t("; raise the limit with: {command}", command=_MORE_WATCHES)
            if error.errno == errno.ENOSPC
            else ""
        )
        self.text = t(
            "cannot watch {root}: {reason}{hint}",
            root=str(root),
            reason=verbatim(error.strerror or str(error)),
            hint=hint,
        )
        super().__init__(str(self.text))


_MORE_WATCHES = "sudo sysctl fs.inotify.max_user_watches=524288"


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    """How one build of the preview went: its report, or what failed, and how long it took."""

    first: bool
    seconds: float
    report: BuildReport | None = None
    diagnostics: tuple[Diagnostic, ...] = ()
    output_error: str | Text = ""

    @property
    def problems(self) -> tuple[str, ...]:
        """The error lines the overlay shows, in English; empty after a good build."""
        return self.problems_in(SOURCE_LANGUAGE)

    def problems_in(self, language: str) -> tuple[str, ...]:
        """The error lines the overlay shows, in `language`; empty after a good build."""
        if self.output_error:
            return (render(self.output_error, language),)
        return tuple(d.format(language) for d in self.diagnostics if d.is_error)


@dataclass(frozen=True, slots=True, kw_only=True)
class Preview:
    """What to preview: the site folder, the output folder, the port, the build options."""

    root: Path
    out_dir: Path
    port: int
    options: Callable[[], BuildOptions]
    memory: Memory = field(default_factory=Memory)
    """The last build's state: a rebuild redoes only what an edit touched."""
    language: str = SOURCE_LANGUAGE
    """The language of the messages in the error overlay."""
    refresh_feeds: Callable[[dt.datetime], bool] | None = None
    """Fetches the pacts' website feeds, saying whether a kept copy changed; None: offline."""


FEED_INTERVAL = 300.0
"""Seconds between two fetches of the pacts' website feeds while serving (not every save)."""


def serve_site(
    preview: Preview, told: Callable[[Outcome], None], ready: Callable[[str], None]
) -> None:
    """Build, serve and rebuild on changes until Ctrl-C (or SIGTERM); then stop cleanly.

    `told` hears of every build, `ready` gets the address once the server listens.
    Raises PortInUse if the port is taken, CannotWatch if the site cannot be watched.
    """
    state = LiveState(secrets.token_hex(4))
    server = _listen(preview, state)
    changes = _Changes()

    def rebuild(first: bool = False) -> None:
        outcome = _build_once(preview, first, changes.take())
        state.publish(outcome.problems_in(preview.language))
        told(outcome)

    def changed(paths: list[str] | None) -> None:
        changes.add(paths)
        debouncer.poke()

    debouncer = Debouncer(rebuild, quiet=0.05)
    watcher = SiteWatcher(preview.root, changed)
    feeds = _FeedRefresher(preview, lambda: changed(None))
    serving = threading.Thread(target=server.serve_forever, args=(_POLL,), name="pactsite-http")
    stop = _Stop()
    with stop.on_signals():
        try:
            _start_watching(watcher, preview.root)
            feeds.start()  # the first fetch before the first build
            rebuild(first=True)
            debouncer.start()
            stop.interrupts = False  # from here on, a signal only asks the loop below to end
            serving.start()
            ready(f"http://127.0.0.1:{server.server_address[1]}/")
            while not stop.asked.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            _ignore_interrupts()  # a second Ctrl-C must not break the clean-up
            if serving.is_alive():
                server.shutdown()
                serving.join()
            _close(state, feeds, watcher, debouncer, server)


_POLL = 0.1
"""Seconds between the HTTP loop's looks at whether to stop: shutdown() waits for the next
one (socketserver's default is half a second)."""


def _start_watching(watcher: SiteWatcher, root: Path) -> None:
    """Start watching the site's files; CannotWatch if they cannot be watched."""
    try:
        watcher.start()
    except OSError as error:
        raise CannotWatch(root, error) from None


def _listen(preview: Preview, state: LiveState) -> PreviewServer:
    """The preview's HTTP server, listening on its port; PortInUse if the port is taken."""
    try:
        return PreviewServer(preview.port, preview.out_dir.absolute(), state, preview.language)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise PortInUse(preview.port) from None
        raise


def _close(
    state: LiveState,
    feeds: _FeedRefresher,
    watcher: SiteWatcher,
    debouncer: Debouncer,
    server: PreviewServer,
) -> None:
    """Close the live reload's connections, stop fetching feeds, watching and rebuilding,
    free the port."""
    state.close()
    feeds.stop()
    watcher.stop()
    debouncer.stop()
    server.server_close()


class _FeedRefresher:
    """Fetches the website feeds every `FEED_INTERVAL` seconds; a changed copy rebuilds."""

    def __init__(self, preview: Preview, rebuild: Callable[[], None]) -> None:
        self._refresh = preview.refresh_feeds
        self._rebuild = rebuild
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pactsite-feeds", daemon=True)

    def start(self) -> None:
        """Fetch now, then every `FEED_INTERVAL` seconds in the background (not offline)."""
        if self._refresh is not None:
            self._refresh(dt.datetime.now(dt.UTC))
            self._thread.start()

    def stop(self) -> None:
        """Stop fetching; a fetch under way ends within its deadline."""
        self._stopped.set()

    def _run(self) -> None:
        while self._refresh is not None and not self._stopped.wait(FEED_INTERVAL):
            if self._refresh(dt.datetime.now(dt.UTC)):
                self._rebuild()


class _Stop:
    """Ctrl-C and SIGTERM: interrupt the start-up, later only ask the main loop to end.

    Interrupting the HTTP server itself could close a connection a request thread is
    still reading from, so once serving, the server is shut down from the main loop.
    """

    def __init__(self) -> None:
        self.asked = threading.Event()
        self.interrupts = True

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.asked.set()
        if self.interrupts:
            raise KeyboardInterrupt

    @contextmanager
    def on_signals(self) -> Iterator[None]:
        """Handle SIGINT and SIGTERM in this block; the old handlers come back afterwards."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
        for sig in previous:
            signal.signal(sig, self._handle)
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


class _Changes:
    """The files the watcher reported since the last rebuild took them (None: unknown)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._paths: set[str] | None = set()

    def add(self, paths: list[str] | None) -> None:
        """Note changed files; None: something changed that a list of files cannot say."""
        with self._lock:
            if paths is None or self._paths is None:
                self._paths = None
            else:
                self._paths.update(paths)

    def take(self) -> set[str] | None:
        """The files noted so far, and start a new list."""
        with self._lock:
            taken, self._paths = self._paths, set()
        return taken


def _build_once(preview: Preview, first: bool, changed: set[str] | None = None) -> Outcome:
    started = time.perf_counter()

    def took() -> float:
        return time.perf_counter() - started

    try:
        options = preview.options()
        report = build_incremental(
            preview.root, preview.out_dir, options, preview.memory, None if first else changed
        )
    except BuildFailed as failed:
        return Outcome(first=first, seconds=took(), diagnostics=failed.diagnostics)
    except OutputError as error:
        return Outcome(first=first, seconds=took(), output_error=error.text)
    except Exception as error:  # a preview outlives a bug; the terminal says what
        message = t("unexpected error: {error}", error=verbatim(f"{type(error).__name__}: {error}"))
        return Outcome(first=first, seconds=took(), output_error=message)
    return Outcome(first=first, seconds=took(), report=report)


def _ignore_interrupts() -> None:
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_IGN)
