"""A loopback HTTP server that stands in for other sites: each path answers as a route says.

A route is a function of the request handler; `answer()` makes the usual ones. The server
stops its stalling routes when it stops, so a test never waits on a thread.
"""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

from static_server import POLL_SECONDS

Route = Callable[["Handler"], None]


class Handler(http.server.BaseHTTPRequestHandler):
    """Answers each request with the route of its path (404 without one)."""

    protocol_version = "HTTP/1.1"
    server: RouteServer

    def do_GET(self) -> None:
        self.server.requests.append((self.command, self.path, dict(self.headers.items())))
        route = self.server.routes.get(self.path.split("?")[0])
        try:
            if route is None:
                answer(404, b"not here")(self)
            else:
                route(self)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading, as it should past its limits

    def do_HEAD(self) -> None:
        self.do_GET()

    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output quiet."""


class RouteServer(http.server.ThreadingHTTPServer):
    """A threading server with its routes, the requests it saw and a stop event."""

    daemon_threads = True

    def __init__(self, routes: Mapping[str, Route]) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.routes = dict(routes)
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.stopping = threading.Event()

    @property
    def base(self) -> str:
        """The server's base URL, without a trailing slash."""
        return f"http://127.0.0.1:{self.server_address[1]}"


def answer(
    status: int,
    body: bytes = b"",
    headers: Mapping[str, str] | None = None,
) -> Route:
    """A route that sends `status`, `headers` and `body` (not for HEAD)."""

    def route(handler: Handler) -> None:
        handler.send_response(status)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        if handler.command != "HEAD":
            handler.wfile.write(body)

    return route


def redirect(location: str, status: int = 302) -> Route:
    """A route that redirects to `location`."""
    return answer(status, b"", {"Location": location})


def silent(handler: Handler) -> None:
    """A route that accepts the connection and never answers (until the server stops)."""
    handler.server.stopping.wait(60)
    handler.close_connection = True


def endless(handler: Handler, chunk: bytes = b"x" * 65536, total: int = 50_000_000) -> None:
    """A route that sends `total` bytes (50 MB) without saying how many."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/xml")
    handler.send_header("Connection", "close")
    handler.end_headers()
    handler.close_connection = True
    sent = 0
    while sent < total and not handler.server.stopping.is_set():
        handler.wfile.write(chunk)
        sent += len(chunk)


@contextmanager
def serving(routes: Mapping[str, Route]) -> Iterator[RouteServer]:
    """Run a `RouteServer` with `routes` in a thread; stop it afterwards."""
    server = RouteServer(routes)
    thread = threading.Thread(target=server.serve_forever, args=(POLL_SECONDS,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (a site that is down)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
