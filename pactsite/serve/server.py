"""The preview's HTTP server: the built files, with live reload and the error overlay added."""

from __future__ import annotations

import http.server
import io
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from pactsite.serve.inject import LIVE_EVENTS, LIVE_SCRIPT, LIVE_STYLE, decorate, empty_page

_ASSETS = {
    LIVE_SCRIPT: ("live.js", "text/javascript; charset=utf-8"),
    LIVE_STYLE: ("live.css", "text/css; charset=utf-8"),
}
_KEEPALIVE = 15.0


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The state pages are served in: the build version and the last build's error lines."""

    version: str
    problems: tuple[str, ...]


class LiveState:
    """The current build version and errors, shared between the builder and the handlers."""

    def __init__(self, instance: str) -> None:
        self._instance = instance
        self._builds = 0
        self._problems: tuple[str, ...] = ()
        self._closed = False
        self._changed = threading.Condition()

    def snapshot(self) -> Snapshot:
        """The current version and error lines."""
        with self._changed:
            return Snapshot(f"{self._instance}.{self._builds}", self._problems)

    def publish(self, problems: Sequence[str]) -> None:
        """Record a finished build (failed if `problems`) and wake the live connections."""
        with self._changed:
            self._builds += 1
            self._problems = tuple(problems)
            self._changed.notify_all()

    def wait(self, seen: str, timeout: float) -> str | None:
        """Wait until the version differs from `seen` or `timeout` passes; None once closed."""
        with self._changed:
            self._changed.wait_for(
                lambda: self._closed or self.snapshot().version != seen, timeout=timeout
            )
            return None if self._closed else self.snapshot().version

    def close(self) -> None:
        """End every live connection."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()


class PreviewServer(http.server.ThreadingHTTPServer):
    """A threading server whose request threads never keep the process alive."""

    daemon_threads = True

    def __init__(self, port: int, folder: Path, state: LiveState) -> None:
        self.folder = folder
        self.state = state
        super().__init__(("127.0.0.1", port), PreviewHandler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore browsers that close a connection early; report anything else."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the output folder; adds the reload script and overlay to HTML; streams versions."""

    server: PreviewServer

    def __init__(self, request: Any, client_address: Any, server: PreviewServer) -> None:
        super().__init__(request, client_address, server, directory=str(server.folder))

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet: the terminal is for build messages."""

    def end_headers(self) -> None:
        """Forbid caching: every reload must show the newest build."""
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self) -> None:
        """Serve the live stream, the preview's own files, or the site."""
        if urlsplit(self.path).path == LIVE_EVENTS:
            self._stream_versions()
            return
        super().do_GET()

    def send_head(self) -> BinaryIO | None:
        """Answer with the headers; return the body to copy, decorating HTML pages."""
        snapshot = self.server.state.snapshot()  # before reading: never label new as old
        path = urlsplit(self.path).path
        if path in _ASSETS:
            name, content_type = _ASSETS[path]
            return self._answer(200, (Path(__file__).parent / name).read_bytes(), content_type)
        target = Path(self.translate_path(self.path))
        if target.is_dir() and path.endswith("/"):
            target = target / "index.html"
        if target.suffix.lower() in {".html", ".htm"}:
            try:
                page = target.read_bytes()
            except OSError:
                self.send_error(404)
                return None
            body = decorate(page, snapshot.version, snapshot.problems)
            return self._answer(200, body, "text/html; charset=utf-8")
        return super().send_head()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Answer unknown paths with the site's 404 page (or a blank one) with live reload."""
        if code != 404:
            super().send_error(code, message, explain)
            return
        snapshot = self.server.state.snapshot()
        try:
            page = (self.server.folder / "404.html").read_bytes()
        except OSError:
            page = empty_page(snapshot.version, snapshot.problems)
        else:
            page = decorate(page, snapshot.version, snapshot.problems)
        body = self._answer(404, page, "text/html; charset=utf-8")
        if self.command != "HEAD":
            self.wfile.write(body.read())

    def _answer(self, code: int, body: bytes, content_type: str) -> BinaryIO:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def _stream_versions(self) -> None:
        """Server-Sent Events: the current version now, then each new one as builds finish."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        state = self.server.state
        version: str | None = state.snapshot().version
        try:
            self.wfile.write(b"retry: 500\n\n")
            while version is not None:
                self.wfile.write(f"event: version\ndata: {version}\n\n".encode())
                self.wfile.flush()
                while (newer := state.wait(version, _KEEPALIVE)) == version:
                    self.wfile.write(b": still here\n\n")
                    self.wfile.flush()
                version = newer
        except ConnectionError:
            return
