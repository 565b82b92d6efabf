"""Preview server: serves the built folder on 127.0.0.1 (live reload comes later)."""

from __future__ import annotations

import contextlib
import functools
import http.server
from pathlib import Path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files; answers unknown paths with the site's 404 page."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        not_found = Path(self.directory) / "404.html"
        if code == 404 and not_found.is_file():
            body = not_found.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().send_error(code, message, explain)


def serve_folder(folder: Path, port: int) -> None:
    """Serve `folder` on http://127.0.0.1:port until interrupted."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    with (
        http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server,
        contextlib.suppress(KeyboardInterrupt),
    ):
        server.serve_forever()
