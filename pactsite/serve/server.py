"""The preview's HTTP server: the built files, with live reload and the error overlay added."""

from __future__ import annotations

import http.server
import io
import re
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import unquote, urlsplit

from pactsite.i18n import SOURCE_LANGUAGE, Text, render, t
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

    def __init__(
        self, port: int, folder: Path, state: LiveState, language: str = SOURCE_LANGUAGE
    ) -> None:
        self.folder = folder
        self.state = state
        self.language = language
        """The language of the refusals, in the terminal and on their small error pages."""
        super().__init__(("127.0.0.1", port), PreviewHandler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore browsers that close a connection early; anything else in one line, since
        the terminal is the editor's and a traceback there reads like a broken build."""
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError):
            return
        kind = type(error).__name__
        line = t(
            "serve: a request failed: {kind}: {error}", kind=kind, error=_printable(str(error))
        )
        sys.stderr.write(f"{render(line, self.language)}\n")

    def hosts(self) -> frozenset[str]:
        """The Host header values a browser sends for this server's address."""
        port = self.server_address[1]
        names = ("127.0.0.1", "localhost", "[::1]")
        default = names if port == 80 else ()  # browsers leave out the default port
        return frozenset((*(f"{name}:{port}" for name in names), *default))


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the output folder; adds the reload script and overlay to HTML; streams versions."""

    server: PreviewServer
    # Status lines even for requests that are not HTTP (no HTTP/0.9 answers without them)
    default_request_version = "HTTP/1.0"

    def __init__(self, request: Any, client_address: Any, server: PreviewServer) -> None:
        super().__init__(request, client_address, server, directory=str(server.folder))

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet: the terminal is for build messages (refusals are told by send_error)."""

    def parse_request(self) -> bool:
        """Read the request line and headers; refuse a Host that is not this server's own.

        A page on another site can make a browser send requests here under its own host
        name, once that name resolves to 127.0.0.1 (DNS rebinding), and read the answers,
        drafts included; the browser still sends that name in Host.
        """
        if not super().parse_request():
            return False
        host = (self.headers.get("Host") or "").strip().lower()
        if host not in self.server.hosts():
            port = self.server.server_address[1]
            explain = t("This preview answers only to http://127.0.0.1:{port}/", port=port)
            self.send_error(421, HTTPStatus(421).phrase, explain)
            return False
        return True

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
        malformed = _malformed(path)
        if malformed:
            self.send_error(400, malformed)
            return None
        try:
            target = Path(self.translate_path(self.path))
            if target.is_dir() and path.endswith("/"):
                target = target / "index.html"
            return self._send_file(target, snapshot)
        except (OSError, ValueError):  # a name the file system cannot take: too long, ...
            self.send_error(400, t("Bad Request: no file can have this address"))
            return None

    def _send_file(self, target: Path, snapshot: Snapshot) -> BinaryIO | None:
        if target.suffix.lower() in {".html", ".htm"}:
            try:
                page = target.read_bytes()
            except OSError:
                self.send_error(404)
                return None
            body = decorate(page, snapshot.version, snapshot.problems)
            return self._answer(200, body, "text/html; charset=utf-8")
        return super().send_head()

    def send_error(
        self, code: int, message: str | Text | None = None, explain: str | Text | None = None
    ) -> None:
        """Answer unknown paths with the site's 404 page (or a blank one) with live reload;
        any other error with a plain page and one line in the terminal, in the preview's
        language."""
        if code != 404:
            language = self.server.language
            request = getattr(self, "requestline", "") or ""
            shown = "'" + _printable(request)[:120] + "'"
            reason = render(message, language) if message else HTTPStatus(code).phrase
            line = t(
                "serve: refused {request}: {code} {reason}",
                request=shown if request else t("a request"),
                code=code,
                reason=_printable(reason)[:120],
            )
            sys.stderr.write(f"{render(line, language)}\n")
            self.error_message_format = _error_page(language)
            # the status line keeps the English phrase: it must be Latin-1, and is for programs
            shown_explain = render(explain, language) if explain else reason
            super().send_error(code, HTTPStatus(code).phrase, shown_explain)
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


_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def _malformed(path: str) -> Text | None:
    """Why a request path cannot name a file of the site, or None if it can."""
    if _BAD_ESCAPE.search(path):
        return t("Bad Request: a % not followed by two hexadecimal digits")
    try:
        name = unquote(path, errors="strict")
    except UnicodeDecodeError:
        return t("Bad Request: the percent-encoded address is not UTF-8")
    if "\0" in name:
        return t("Bad Request: a NUL character in the address")
    return None


def _error_page(language: str) -> str:
    """The small page of a refusal, its words in `language` (a %-format, as http.server's)."""
    title = render(t("Error {code}", code="%(code)d"), language)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{language}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n</head>\n<body>\n<h1>{title}: %(message)s</h1>\n"
        "<p>%(explain)s</p>\n</body>\n</html>\n"
    )


def _printable(text: str) -> str:
    """`text` on one line with control characters escaped, so that a request cannot write
    escape sequences or line breaks into the terminal."""
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)
