"""The safe HTTP client (pactsite/remote/http.py) against a loopback server: every failure kind."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Iterator

import pytest

from pactsite import __version__
from pactsite.remote import http
from pactsite.remote.http import Failure, FailureKind, Limits, Request, Response, Validators

from remote_server import (
    Handler,
    RouteServer,
    answer,
    closed_port,
    endless,
    redirect,
    serving,
    silent,
)

QUICK = Limits(connect=1.0, read=1.0, total=1.0)
"""Limits that a test waits out quickly; a drip every 0.2 s meets the total, not the read."""


def conditional(handler: Handler) -> None:
    """Answer 304 to the version we gave out, else the body with its validators."""
    validators = {"ETag": '"v1"', "Last-Modified": "Sat, 05 Dec 2026 10:00:00 GMT"}
    if (
        handler.headers.get("If-None-Match") == '"v1"'
        or handler.headers.get("If-Modified-Since") == validators["Last-Modified"]
    ):
        answer(304, b"", validators)(handler)
    else:
        answer(200, b"fresh", {**validators, "Content-Type": "text/plain"})(handler)


def drip(handler: Handler) -> None:
    """Send a byte every 0.2 seconds: each read is quick, the whole never ends."""
    handler.send_response(200)
    handler.send_header("Content-Length", "1000")
    handler.end_headers()
    for _ in range(1000):
        if handler.server.stopping.wait(0.2):
            return
        handler.wfile.write(b"x")
        handler.wfile.flush()


def declared_big(handler: Handler) -> None:
    """Say that 50 MB follow (and send a few bytes only)."""
    handler.send_response(200)
    handler.send_header("Content-Length", "50000000")
    handler.end_headers()
    handler.wfile.write(b"x" * 1000)
    handler.close_connection = True


def compressed_bomb(handler: Handler) -> None:
    """A small gzip body that unpacks to 20 MB."""
    answer(200, gzip.compress(b"\0" * 20_000_000), {"Content-Encoding": "gzip"})(handler)


def concurrent(handler: Handler) -> None:
    """Count how many requests are in here at once, holding each a moment."""
    with server_lock:
        server_state["now"] += 1
        server_state["most"] = max(server_state["most"], server_state["now"])
    time.sleep(0.2)
    with server_lock:
        server_state["now"] -= 1
    answer(200, handler.path.encode())(handler)


server_lock = threading.Lock()
server_state = {"now": 0, "most": 0}


@pytest.fixture(scope="module")
def site() -> Iterator[RouteServer]:
    """A loopback site with one route per behaviour."""
    with serving({}) as server:
        base = server.base
        server.routes.update(
            {
                "/ok": answer(200, b"hello", {"Content-Type": "text/plain"}),
                "/ua": lambda h: answer(200, h.headers.get("User-Agent", "").encode())(h),
                "/conditional": conditional,
                "/500": answer(500, b"oops"),
                "/silent": silent,
                "/drip": drip,
                "/big": endless,
                "/declared-big": declared_big,
                "/bomb": compressed_bomb,
                "/loop": redirect("/loop"),
                "/moved": redirect("/moved-again", 301),
                "/moved-again": redirect(f"{base}/ok", 308),
                "/temporary": redirect("/ok", 302),
                "/then-moved": redirect("/moved", 302),
                "/to-other-local": redirect(base.replace("127.0.0.1", "127.0.0.2") + "/ok"),
                "/concurrent": concurrent,
                **{f"/hop{n}": redirect(f"/hop{n + 1}") for n in range(10)},
                "/hop10": answer(200, b"far"),
            }
        )
        yield server


def failure(result: Response | Failure) -> Failure:
    """The failure a fetch gave (fails the test if it gave an answer)."""
    assert isinstance(result, Failure), result
    return result


def success(result: Response | Failure) -> Response:
    """The answer a fetch gave (fails the test if it failed)."""
    assert isinstance(result, Response), result.message
    return result


def test_get_returns_status_body_and_headers(site: RouteServer) -> None:
    got = success(http.fetch(f"{site.base}/ok", allow_local=True))
    assert (got.status, got.body, got.content_type) == (200, b"hello", "text/plain")
    assert got.final_url == got.url == f"{site.base}/ok"
    assert got.permanent_redirect is None


def test_head_reads_no_body(site: RouteServer) -> None:
    got = success(http.fetch(f"{site.base}/ok", method="HEAD", allow_local=True))
    assert (got.status, got.body) == (200, b"")
    assert site.requests[-1][0] == "HEAD"


def test_user_agent_names_pactsite_and_its_version(site: RouteServer) -> None:
    got = success(http.fetch(f"{site.base}/ua", allow_local=True))
    assert got.body.decode().startswith(f"pactsite/{__version__} ")


def test_etag_and_last_modified_make_a_conditional_request(site: RouteServer) -> None:
    first = success(http.fetch(f"{site.base}/conditional", allow_local=True))
    assert not first.not_modified and first.body == b"fresh"
    again = success(
        http.fetch(f"{site.base}/conditional", validators=first.validators, allow_local=True)
    )
    assert again.not_modified and again.body == b""
    by_date = Validators(last_modified=first.last_modified)
    dated = success(http.fetch(f"{site.base}/conditional", validators=by_date, allow_local=True))
    assert dated.not_modified
    assert site.requests[-1][2]["If-Modified-Since"] == first.last_modified


def test_server_error_is_an_http_status_failure(site: RouteServer) -> None:
    got = failure(http.fetch(f"{site.base}/500", allow_local=True))
    assert (got.kind, got.status) == (FailureKind.HTTP_STATUS, 500)
    assert "500" in str(got.message)


def test_a_site_that_is_down_is_a_connection_failure() -> None:
    got = failure(http.fetch(f"http://127.0.0.1:{closed_port()}/feed", allow_local=True))
    assert got.kind == FailureKind.CONNECTION
    assert "refused" in str(got.message)


def test_an_unknown_host_is_a_connection_failure() -> None:
    got = failure(http.fetch("http://no-such-host.invalid/feed.xml"))
    assert got.kind == FailureKind.CONNECTION


def test_a_server_that_never_answers_costs_the_total_deadline_at_most(
    site: RouteServer,
) -> None:
    started = time.monotonic()
    got = failure(http.fetch(f"{site.base}/silent", limits=QUICK, allow_local=True))
    assert got.kind == FailureKind.TIMEOUT
    assert time.monotonic() - started < QUICK.total + 1


def test_a_dripping_server_is_stopped_at_the_total_deadline(site: RouteServer) -> None:
    started = time.monotonic()
    got = failure(http.fetch(f"{site.base}/drip", limits=QUICK, allow_local=True))
    assert got.kind == FailureKind.TIMEOUT
    assert time.monotonic() - started < QUICK.total + 1


@pytest.mark.slow
def test_with_the_default_limits_silence_costs_about_ten_seconds(site: RouteServer) -> None:
    started = time.monotonic()
    got = failure(http.fetch(f"{site.base}/silent", allow_local=True))
    assert got.kind == FailureKind.TIMEOUT
    assert time.monotonic() - started <= 10.5


def test_fifty_megabytes_are_not_read_whole(site: RouteServer) -> None:
    started = time.monotonic()
    got = failure(http.fetch(f"{site.base}/big", allow_local=True))
    assert got.kind == FailureKind.TOO_LARGE
    assert time.monotonic() - started < 5


def test_a_declared_size_over_the_limit_is_refused_before_reading(site: RouteServer) -> None:
    got = failure(http.fetch(f"{site.base}/declared-big", allow_local=True))
    assert got.kind == FailureKind.TOO_LARGE


def test_a_compressed_body_counts_as_unpacked(site: RouteServer) -> None:
    got = failure(http.fetch(f"{site.base}/bomb", allow_local=True))
    assert got.kind == FailureKind.TOO_LARGE


def test_a_redirect_loop_is_said_as_one(site: RouteServer) -> None:
    got = failure(http.fetch(f"{site.base}/loop", allow_local=True))
    assert got.kind == FailureKind.REDIRECT_LOOP
    assert "loop" in str(got.message)


def test_more_than_five_redirects_are_not_followed(site: RouteServer) -> None:
    got = failure(http.fetch(f"{site.base}/hop0", allow_local=True))
    assert got.kind == FailureKind.REDIRECT_LOOP
    assert success(http.fetch(f"{site.base}/hop5", allow_local=True)).body == b"far"


def test_permanent_redirects_give_the_new_address(site: RouteServer) -> None:
    got = success(http.fetch(f"{site.base}/moved", allow_local=True))
    assert got.body == b"hello"
    assert got.permanent_redirect == got.final_url == f"{site.base}/ok"


def test_a_temporary_redirect_is_no_new_address(site: RouteServer) -> None:
    for path in ("/temporary", "/then-moved"):
        got = success(http.fetch(f"{site.base}{path}", allow_local=True))
        assert got.final_url == f"{site.base}/ok"
        assert got.permanent_redirect is None


@pytest.mark.parametrize(
    "url",
    ["ftp://example.org/feed", "file:///etc/passwd", "javascript:alert(1)", "http://"],
)
def test_only_http_and_https_are_fetched(url: str) -> None:
    got = failure(http.fetch(url, allow_local=True))
    assert got.kind == FailureKind.REFUSED


def test_local_addresses_are_refused_without_the_environment_variable(
    site: RouteServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PACTSITE_ALLOW_LOCAL_URLS", raising=False)
    port = site.server_address[1]
    for url in (f"{site.base}/ok", f"http://localhost:{port}/ok"):
        got = failure(http.fetch(url))
        assert got.kind == FailureKind.REFUSED
        assert "PACTSITE_ALLOW_LOCAL_URLS" in str(got.message)
    assert not any(path == "/ok" and not headers for _, path, headers in site.requests)
    monkeypatch.setenv("PACTSITE_ALLOW_LOCAL_URLS", "1")
    assert success(http.fetch(f"http://localhost:{port}/ok")).body == b"hello"


def test_each_redirect_hop_is_checked_again(
    site: RouteServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(http, "address_allowed", lambda address: address == "127.0.0.1")
    assert success(http.fetch(f"{site.base}/ok", allow_local=False)).status == 200
    got = failure(http.fetch(f"{site.base}/to-other-local", allow_local=False))
    assert got.kind == FailureKind.REFUSED
    assert "127.0.0.2" in str(got.message)


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),
        ("2002:7f00:1::", False),
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
    ],
)
def test_local_and_reserved_addresses_are_not_public(address: str, public: bool) -> None:
    assert http.address_allowed(address) is public


def test_failures_are_said_in_german() -> None:
    got = failure(http.fetch(f"http://127.0.0.1:{closed_port()}/", allow_local=True))
    assert got.message.render("de") != got.message.render("en")


def test_fetch_many_keeps_the_order_and_the_per_host_limit(site: RouteServer) -> None:
    requests = [Request(f"{site.base}/concurrent?{n}") for n in range(6)]
    requests.insert(3, Request(f"{site.base}/500"))
    results = http.fetch_many(requests, workers=6, per_host=2, allow_local=True)
    assert [r.url for r in results] == [r.url for r in requests]
    assert isinstance(results[3], Failure)
    assert [success(r).body for i, r in enumerate(results) if i != 3] == [
        f"/concurrent?{n}".encode() for n in range(6)
    ]
    assert server_state["most"] == 2
