"""`pactsite serve` answers malformed requests and foreign host names with a 4xx and one
log line, over real sockets, and a browser cannot reach it under another name (DNS
rebinding)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from test_serve import Served

from pactsite.serve.server import LiveState, PreviewServer

from conftest import CHROMIUM_ARGS, FIXTURES, copy_site
from static_server import POLL_SECONDS

if TYPE_CHECKING:  # Playwright takes a second to import: only browser tests pay for it
    from playwright.sync_api import Browser


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One preview of the minimal site for every request below."""
    site = copy_site(FIXTURES / "minimal", tmp_path_factory.mktemp("serve") / "site")
    preview = Served(site)
    preview.wait_for(r"^built \d+ pages")
    yield preview
    preview.interrupt()


def _ask(served: Served, request: bytes) -> bytes:
    """Send raw bytes, read the whole answer (the server closes after one request)."""
    port = int(served.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(request)
        connection.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


def _status(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


def _host(served: Served) -> bytes:
    return served.url.removeprefix("http://").encode()


MALFORMED = {
    "NUL byte encoded": b"GET /%00 HTTP/1.1",
    "NUL byte in a folder": b"GET /aktuelles/%00/ HTTP/1.1",
    "NUL byte raw": b"GET /\x00 HTTP/1.1",
    "percent-encoding that is not UTF-8": b"GET /%e4%ff.html HTTP/1.1",
    "surrogate in percent-encoding": b"GET /%ed%a0%80.html HTTP/1.1",
    "percent sign without two hex digits": b"GET /%zz/ HTTP/1.1",
    "name too long for the file system": b"GET /" + b"a" * 300 + b"/ HTTP/1.1",
    "request line over 64 KiB": b"GET /" + b"a" * 70_000 + b" HTTP/1.1",
    "TLS handshake on the HTTP port": b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
    "too many headers": b"GET / HTTP/1.1\r\n" + b"X-A: b\r\n" * 200,
}


@pytest.mark.parametrize("request_line", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_request_gets_a_4xx_and_one_log_line_never_a_traceback(
    served: Served, request_line: bytes
) -> None:
    before = served.mark()
    answer = _ask(served, request_line + b"\r\nHost: " + _host(served) + b"\r\n\r\n")
    assert answer.startswith(b"HTTP/1.0 4"), answer[:200]
    refused = served.wait_for(r"^serve: refused ", before)
    assert str(_status(answer)) in refused.string
    ok = _ask(served, b"GET / HTTP/1.1\r\nHost: " + _host(served) + b"\r\n\r\n")
    assert _status(ok) == 200  # still serving
    assert served.count(r"^serve: ", before) == 1
    assert served.count(r"Traceback|Error:|Exception", before) == 0, served.lines[before:]


def test_a_missing_page_with_umlauts_is_a_404_page_not_a_refusal(served: Served) -> None:
    answer = _ask(served, b"GET /%C3%BCber/ HTTP/1.1\r\nHost: " + _host(served) + b"\r\n\r\n")
    assert _status(answer) == 404 and b"<html" in answer


@pytest.mark.parametrize(
    "host", ["evil.example:{port}", "127.0.0.1.nip.io:{port}", "127.0.0.1", "localhost:1"]
)
def test_a_request_for_another_host_name_is_misdirected(served: Served, host: str) -> None:
    port = served.url.rsplit(":", 1)[1]
    before = served.mark()
    answer = _ask(served, f"GET / HTTP/1.1\r\nHost: {host.format(port=port)}\r\n\r\n".encode())
    assert _status(answer) == 421
    assert b"Misdirected" in answer and b"pactsite" not in answer.split(b"\r\n\r\n", 1)[1]
    served.wait_for(r"^serve: refused 'GET / HTTP/1.1': 421", before)


def test_a_request_without_a_host_is_misdirected(served: Served) -> None:
    assert _status(_ask(served, b"GET / HTTP/1.1\r\n\r\n")) == 421


@pytest.mark.parametrize("name", ["127.0.0.1", "localhost", "LOCALHOST"])
def test_its_own_addresses_are_answered(served: Served, name: str) -> None:
    port = served.url.rsplit(":", 1)[1]
    answer = _ask(served, f"GET / HTTP/1.1\r\nHost: {name}:{port}\r\n\r\n".encode())
    assert _status(answer) == 200


def test_a_browser_reaching_the_preview_under_a_rebound_name_reads_nothing(
    served: Served, chromium: Browser
) -> None:
    # A second Chromium (of the session's Playwright) that resolves the attacker's name to
    # 127.0.0.1, as after DNS rebinding.
    rebinding = [*CHROMIUM_ARGS, "--host-resolver-rules=MAP rebind.test 127.0.0.1"]
    port = served.url.rsplit(":", 1)[1]
    browser = chromium.browser_type.launch(executable_path="/usr/bin/chromium", args=rebinding)
    try:
        page = browser.new_page()
        response = page.goto(f"http://rebind.test:{port}/")
        assert response is not None and response.status == 421
        own = page.goto(f"{served.url}/")
        assert own is not None and own.status == 200
    finally:
        browser.close()


def test_the_preview_is_not_left_behind_by_a_client_that_hangs_up(served: Served) -> None:
    port = int(served.url.rsplit(":", 1)[1])
    before = served.mark()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(b"GET / HTTP/1.1\r\nHost: " + _host(served))  # no end of headers
    assert _status(_ask(served, b"GET / HTTP/1.1\r\nHost: " + _host(served) + b"\r\n\r\n")) == 200
    assert served.count(r"Traceback", before) == 0


def test_refusals_are_in_the_language_of_the_preview(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server = PreviewServer(0, tmp_path, LiveState("test"), language="de")
    thread = threading.Thread(target=server.serve_forever, args=(POLL_SECONDS,), daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
            connection.sendall(f"GET /%zz/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
            connection.shutdown(socket.SHUT_WR)
            answer = b""
            while chunk := connection.recv(65536):
                answer += chunk
    finally:
        server.shutdown()
        server.server_close()
    page = answer.decode("utf-8", errors="replace")
    assert _status(answer) == 400
    assert '<html lang="de">' in page and "Fehler 400" in page
    assert "zwei Hexadezimalziffern" in page
    assert "serve: abgelehnt" in capsys.readouterr().err
