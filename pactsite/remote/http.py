"""One safe HTTP client for what pactsite reads from other sites (pact feeds, link checks).

API (everything else is private):

- `fetch(url, *, method="GET", validators=None, limits=Limits(), allow_local=None)`
  → `Response | Failure`. Never raises for anything the network or the server does.
- `fetch_many(requests, *, workers=8, per_host=2, limits=Limits(), allow_local=None)`
  → one `Response | Failure` per `Request`, in the order given; fetched in threads, at most
  `per_host` at a time from one host name.
- `Request(url, method="GET", validators=None)`: one of the URLs for `fetch_many`.
- `Validators(etag, last_modified)`: what the last good answer said, for a conditional
  request (`If-None-Match`, `If-Modified-Since`); `Response.validators` gives the next ones.
- `Response` (frozen): `url` asked for, `final_url` after redirects, `status`,
  `permanent_redirect` (where the chain of 301/308 answers from `url` ends, else None),
  `etag`, `last_modified`, `content_type`, `body` (bytes; empty for HEAD and 304);
  `not_modified` is True for a 304 to a conditional request.
- `Failure` (frozen): `url`, `kind` (a `FailureKind`: refused, timeout, too-large,
  redirect-loop, connection, http-status), `message` (a `Text` for `t()`), `status` (the
  HTTP status for http-status), `final_url`.
- `Limits(connect=5.0, read=5.0, total=10.0, max_bytes=5_000_000, max_redirects=5)`.
- `local_urls_allowed()`: whether `PACTSITE_ALLOW_LOCAL_URLS=1` is set.
- `USER_AGENT`: "pactsite/<version> (…)", sent with every request.
- `address_allowed(address)`: whether an IP address counts as public.

What makes it safe: only http and https; every host name is resolved here, each of its
addresses checked (loopback, private, link-local, shared, reserved, multicast and
unspecified are refused unless local URLs are allowed), and the connection is made to the
checked address (the name kept for the Host header, TLS SNI and the certificate check), so
a second DNS answer cannot point it elsewhere (DNS rebinding); every redirect hop is
resolved and checked again, at most `max_redirects` of them, a loop is said as one; a
connect and a read timeout, and a total deadline over all hops and the whole body (a server
that never answers, or one that drips, costs at most `total` seconds plus one connect
timeout at worst); the body is streamed and reading stops past `max_bytes` (a declared
Content-Length over the limit is refused before reading; a compressed body counts as
decompressed). The one gap: the system resolver (`getaddrinfo`) has its own timeout, not
ours.

urllib3 rather than urllib: it connects to a given address while verifying the certificate
for the host name (`server_hostname`, `assert_hostname`), streams and decodes bodies with
bounded decompression, and maps timeouts to distinct exceptions; urllib can do none of that
without subclassing http.client's internals.
"""

from __future__ import annotations

import enum
import ipaddress
import os
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import urllib3
from urllib3.exceptions import HTTPError, NewConnectionError
from urllib3.exceptions import TimeoutError as Urllib3Timeout

from pactsite import __version__
from pactsite.i18n import Text, t

USER_AGENT = f"pactsite/{__version__} (static site generator of a network of pacts)"
ALLOW_LOCAL_ENV = "PACTSITE_ALLOW_LOCAL_URLS"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT = frozenset({301, 308})
_CHUNK = 64 * 1024


class FailureKind(enum.StrEnum):
    """Why a URL gave no usable answer."""

    REFUSED = "refused"
    TIMEOUT = "timeout"
    TOO_LARGE = "too-large"
    REDIRECT_LOOP = "redirect-loop"
    CONNECTION = "connection"
    HTTP_STATUS = "http-status"


@dataclass(frozen=True, slots=True)
class Limits:
    """How long and how much one fetch may take."""

    connect: float = 5.0
    read: float = 5.0
    total: float = 10.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5


@dataclass(frozen=True, slots=True)
class Validators:
    """What an earlier answer said about its version, for a conditional request."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class Request:
    """One URL to fetch with `fetch_many`."""

    url: str
    method: str = "GET"
    validators: Validators | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Response:
    """An answer with a status below 400 (after redirects), and its body."""

    url: str
    final_url: str
    status: int
    permanent_redirect: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    body: bytes = b""

    @property
    def not_modified(self) -> bool:
        """Whether the server said the version we have is still current (304)."""
        return self.status == 304

    @property
    def validators(self) -> Validators:
        """The validators to send with the next request for the same URL."""
        return Validators(etag=self.etag, last_modified=self.last_modified)


@dataclass(frozen=True, slots=True, kw_only=True)
class Failure:
    """No usable answer: what kind of failure, said for people."""

    url: str
    kind: FailureKind
    message: Text
    status: int | None = None
    final_url: str | None = None


class _Stop(Exception):
    """Ends a fetch with a failure (internal: `fetch` turns it into a `Failure`)."""

    def __init__(self, kind: FailureKind, message: Text, status: int | None = None) -> None:
        super().__init__(str(message))
        self.kind = kind
        self.message = message
        self.status = status


@dataclass(frozen=True, slots=True)
class _Target:
    """Where one hop goes: the URL's parts and the checked address to connect to."""

    scheme: str
    host: str
    port: int
    address: str
    path: str


def local_urls_allowed() -> bool:
    """Whether addresses in local networks may be fetched (`PACTSITE_ALLOW_LOCAL_URLS=1`)."""
    return os.environ.get(ALLOW_LOCAL_ENV) == "1"


def fetch(
    url: str,
    *,
    method: str = "GET",
    validators: Validators | None = None,
    limits: Limits | None = None,
    allow_local: bool | None = None,
) -> Response | Failure:
    """Fetch `url` safely (see the module docstring); a `Failure` instead of raising."""
    limits = limits or Limits()
    allow = local_urls_allowed() if allow_local is None else allow_local
    deadline = time.monotonic() + limits.total
    hops = _Hops(url)
    try:
        return _follow(hops, method, validators, limits, allow, deadline)
    except _Stop as stop:
        return Failure(
            url=url, kind=stop.kind, message=stop.message, status=stop.status, final_url=hops.url
        )


class _Hops:
    """The redirect chain of one fetch: where it is, where it has been."""

    def __init__(self, url: str) -> None:
        self.start = url
        self.url = url
        self.seen = {url}
        self.permanent: str | None = None
        self.still_permanent = True

    def redirect(self, status: int, location: str, limit: int) -> None:
        """Go on to `location`, or stop at a loop or past `limit` hops."""
        target = urljoin(self.url, location)
        if target in self.seen:
            raise _Stop(FailureKind.REDIRECT_LOOP, t("the redirects go in a loop"))
        if len(self.seen) > limit:
            raise _Stop(
                FailureKind.REDIRECT_LOOP,
                t("more than {count} redirects", count=limit),
            )
        self.still_permanent = self.still_permanent and status in _PERMANENT
        if self.still_permanent:
            self.permanent = target
        self.seen.add(target)
        self.url = target


def _follow(
    hops: _Hops,
    method: str,
    validators: Validators | None,
    limits: Limits,
    allow_local: bool,
    deadline: float,
) -> Response:
    """Fetch hop after hop until an answer that is not a redirect."""
    while True:
        target = _target(hops.url, allow_local)
        with _open(target, method, validators, limits, deadline) as answer:
            location = answer.headers.get("Location")
            if answer.status in _REDIRECTS and location:
                hops.redirect(answer.status, location, limits.max_redirects)
                if answer.status == 303:
                    method = "GET" if method != "HEAD" else method
                continue
            if answer.status >= 400:
                raise _Stop(
                    FailureKind.HTTP_STATUS,
                    t(
                        "the server answered {status} {reason}",
                        status=answer.status,
                        reason=answer.reason or "",
                    ),
                    answer.status,
                )
            body = b"" if method == "HEAD" else _read_body(answer, limits, deadline)
            return _response(hops, answer, body)


def _response(hops: _Hops, answer: urllib3.BaseHTTPResponse, body: bytes) -> Response:
    """The frozen result of the last hop."""
    headers = answer.headers
    return Response(
        url=hops.start,
        final_url=hops.url,
        status=answer.status,
        permanent_redirect=hops.permanent,
        etag=headers.get("ETag"),
        last_modified=headers.get("Last-Modified"),
        content_type=headers.get("Content-Type"),
        body=body,
    )


def _target(url: str, allow_local: bool) -> _Target:
    """Where `url` leads: refused unless http(s) to a host whose addresses may be reached."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise _Stop(
            FailureKind.REFUSED,
            t("only http and https addresses are fetched, not {scheme}", scheme=scheme or "''"),
        )
    try:
        host = (parts.hostname or "").encode("idna").decode("ascii")
        port = parts.port or (443 if scheme == "https" else 80)
    except (ValueError, UnicodeError):
        host, port = "", 0
    if not host:
        raise _Stop(FailureKind.REFUSED, t("{url} is not a valid web address", url=url))
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return _Target(scheme, host, port, _resolve(host, port, allow_local), path)


def _resolve(host: str, port: int, allow_local: bool) -> str:
    """The address to connect to; refused if any address of `host` is in a local network."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise _Stop(
            FailureKind.CONNECTION, t("the host name {host} was not found", host=host)
        ) from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not allow_local:
        for address in addresses:
            if not address_allowed(address):
                raise _Stop(
                    FailureKind.REFUSED,
                    t(
                        "{host} is in a local network ({address}); only public addresses are "
                        "fetched (PACTSITE_ALLOW_LOCAL_URLS=1 allows local ones)",
                        host=host,
                        address=address,
                    ),
                )
    return addresses[0]


def address_allowed(address: str) -> bool:
    """Whether `address` is a public one (not loopback, private, link-local, reserved, ...)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None:
            ip = embedded
    return ip.is_global and not ip.is_multicast


@contextmanager
def _open(
    target: _Target,
    method: str,
    validators: Validators | None,
    limits: Limits,
    deadline: float,
) -> Iterator[urllib3.BaseHTTPResponse]:
    """Send one request to the checked address; the answer's body is not read yet."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _timeout(limits)
    timeout = urllib3.Timeout(
        connect=min(limits.connect, remaining), read=min(limits.read, remaining)
    )
    pool = _pool(target, timeout)
    try:
        answer = pool.urlopen(
            method,
            target.path,
            headers=_headers(target, validators),
            retries=False,
            redirect=False,
            assert_same_host=False,
            preload_content=False,
        )
    except (HTTPError, OSError) as error:
        pool.close()
        # NewConnectionError is a ConnectTimeoutError too, for compatibility: test it first.
        if isinstance(error, Urllib3Timeout) and not isinstance(error, NewConnectionError):
            raise _timeout(limits) from None
        raise _Stop(FailureKind.CONNECTION, _connection_message(error)) from None
    try:
        yield answer
    finally:
        answer.release_conn()
        pool.close()


def _pool(target: _Target, timeout: urllib3.Timeout) -> urllib3.HTTPConnectionPool:
    """A one-connection pool to the checked address, verifying TLS for the host name."""
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            target.address,
            target.port,
            timeout=timeout,
            retries=False,
            cert_reqs="CERT_REQUIRED",
            assert_hostname=target.host,
            server_hostname=target.host,
        )
    return urllib3.HTTPConnectionPool(target.address, target.port, timeout=timeout, retries=False)


def _headers(target: _Target, validators: Validators | None) -> dict[str, str]:
    """The request headers: the host name (we connect to its address), who asks, versions."""
    default = 443 if target.scheme == "https" else 80
    host = f"[{target.host}]" if ":" in target.host else target.host
    headers = {
        "Host": host if target.port == default else f"{host}:{target.port}",
        "User-Agent": USER_AGENT,
        "Accept": "*/*",
        "Accept-Encoding": "gzip, deflate",
    }
    if validators and validators.etag:
        headers["If-None-Match"] = validators.etag
    if validators and validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified
    return headers


def _read_body(answer: urllib3.BaseHTTPResponse, limits: Limits, deadline: float) -> bytes:
    """The body, read in chunks; stopped past `max_bytes` or the deadline."""
    declared = answer.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise _too_large(limits)
    chunks: list[bytes] = []
    size = 0
    try:
        _shorten_read_timeout(answer, limits, deadline)
        # read1: one receive at a time, so that a dripping server meets the deadline
        while chunk := answer.read1(_CHUNK, decode_content=True):
            size += len(chunk)
            if size > limits.max_bytes:
                raise _too_large(limits)
            chunks.append(chunk)
            _shorten_read_timeout(answer, limits, deadline)
    except Urllib3Timeout:
        raise _timeout(limits) from None
    except (HTTPError, OSError) as error:
        raise _Stop(FailureKind.CONNECTION, _connection_message(error)) from None
    return b"".join(chunks)


def _shorten_read_timeout(
    answer: urllib3.BaseHTTPResponse, limits: Limits, deadline: float
) -> None:
    """Let the next read wait no longer than what is left of the deadline."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _timeout(limits)
    sock = getattr(getattr(answer, "connection", None), "sock", None)
    if isinstance(sock, socket.socket):
        sock.settimeout(min(limits.read, remaining))


def _timeout(limits: Limits) -> _Stop:
    """The failure of a server that did not answer in time."""
    seconds = f"{limits.total:g}"
    return _Stop(
        FailureKind.TIMEOUT, t("no complete answer within {seconds} seconds", seconds=seconds)
    )


def _too_large(limits: Limits) -> _Stop:
    """The failure of an answer larger than the limit."""
    size = f"{limits.max_bytes / 1_000_000:g}"
    return _Stop(FailureKind.TOO_LARGE, t("the answer is larger than {size} MB", size=size))


def _connection_message(error: BaseException) -> Text:
    """What went wrong with the connection, in a few words."""
    reason = getattr(error, "reason", None) or error
    if isinstance(reason, ConnectionRefusedError) or "refused" in str(reason).lower():
        return t("the server refused the connection")
    if "certificate" in str(reason).lower() or "ssl" in type(reason).__name__.lower():
        return t("the secure connection failed: {reason}", reason=str(reason))
    return t("the connection failed: {reason}", reason=str(reason))


def fetch_many(
    requests: Sequence[Request],
    *,
    workers: int = 8,
    per_host: int = 2,
    limits: Limits | None = None,
    allow_local: bool | None = None,
) -> list[Response | Failure]:
    """Fetch all `requests` in threads, at most `per_host` at a time per host; in order."""
    if not requests:
        return []
    hosts = [_host_key(request.url) for request in requests]
    gates = {host: threading.Semaphore(per_host) for host in hosts}

    def one(index: int) -> Response | Failure:
        request = requests[index]
        with gates[hosts[index]]:
            return fetch(
                request.url,
                method=request.method,
                validators=request.validators,
                limits=limits,
                allow_local=allow_local,
            )

    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(requests)))) as pool:
        futures = {index: pool.submit(one, index) for index in _interleaved(hosts)}
        return [futures[index].result() for index in range(len(requests))]


def _host_key(url: str) -> str:
    """The host name a URL is counted under for the per-host limit."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _interleaved(hosts: Sequence[str]) -> Iterator[int]:
    """Indices in turns across hosts, so that workers wait little on one host's limit."""
    queues: dict[str, list[int]] = {}
    for index, host in enumerate(hosts):
        queues.setdefault(host, []).append(index)
    rounds = max(len(queue) for queue in queues.values())
    for turn in range(rounds):
        for queue in queues.values():
            if turn < len(queue):
                yield queue[turn]
