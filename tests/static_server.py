"""A loopback server for built sites that sends the headers `netlify.toml` declares."""

from __future__ import annotations

import fnmatch
import functools
import http.server
import threading
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def netlify_headers(config: Path) -> list[tuple[str, dict[str, str]]]:
    """Read the `[[headers]]` rules of a netlify.toml: (path pattern, headers)."""
    rules = tomllib.loads(config.read_text(encoding="utf-8")).get("headers", [])
    return [(rule["for"], dict(rule.get("values", {}))) for rule in rules]


def headers_for(path: str, rules: list[tuple[str, dict[str, str]]]) -> dict[str, str]:
    """The headers Netlify would send for a request path (later rules add to earlier ones)."""
    chosen: dict[str, str] = {}
    for pattern, values in rules:
        if fnmatch.fnmatchcase(path, pattern.replace("*", "*")):
            chosen.update(values)
    return chosen


POLL_SECONDS = 0.02
"""How often a test server's loop looks whether it is to stop: `shutdown()` waits up to one
such interval, and the default half second made each test with a server half a second longer."""


@contextmanager
def serve(folder: Path, rules: list[tuple[str, dict[str, str]]] | None = None) -> Iterator[str]:
    """Serve `folder` on 127.0.0.1 with Netlify's header rules; yield the base URL."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def _rule_headers(self) -> dict[str, str]:
            return headers_for(self.path.split("?")[0], rules or [])

        def send_header(self, keyword: str, value: str) -> None:
            # A Content-Type rule replaces the guessed type, as on Netlify (not a second one).
            ruled = {name.lower() for name in self._rule_headers()}
            if keyword.lower() == "content-type" and "content-type" in ruled:
                return
            super().send_header(keyword, value)

        def end_headers(self) -> None:
            for name, value in self._rule_headers().items():
                super().send_header(name, value)
            super().end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    handler = functools.partial(Handler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(POLL_SECONDS,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
