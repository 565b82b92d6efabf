"""Asking whether addresses still answer: HEAD first, GET where a server will not say by HEAD.

Many servers answer HEAD with 405 or 501, some with 404 or 403 for a page they show to GET,
some close the connection: every such HEAD is asked again by GET. A GET reads no more than
`PROBE_BYTES` of the page: a larger one answered, which is all a link check needs to know.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from pactsite.remote.http import Failure, FailureKind, Limits, Request, Response, fetch_many

PROBE_BYTES = 256 * 1024
PER_HOST = 2
"""Requests at a time to one host: a check of a site that links one host a hundred times
must not look like an attack on it. A host that timed out and answered nothing else is
asked no more in this check: its other addresses get the same answer."""
_ASK_AGAIN = frozenset({FailureKind.HTTP_STATUS, FailureKind.CONNECTION})


def probe(
    urls: Sequence[str], *, timeout: float = 10.0, workers: int = 8
) -> dict[str, Response | Failure]:
    """The answer to each of `urls` (at most about `timeout` seconds each), by address."""
    limits = Limits(connect=min(5.0, timeout), read=timeout, total=timeout, max_bytes=PROBE_BYTES)
    asked = fetch_many(
        [Request(url, method="HEAD") for url in urls],
        workers=workers,
        per_host=PER_HOST,
        limits=limits,
        give_up_silent=True,
    )
    answers = dict(zip(urls, asked, strict=True))
    again = [url for url, answer in answers.items() if _ask_again(answer)]
    got = fetch_many(
        [Request(url) for url in again],
        workers=workers,
        per_host=PER_HOST,
        limits=limits,
        give_up_silent=True,
    )
    for url, answer in zip(again, got, strict=True):
        answers[url] = _without_body(answer)
    return answers


def _ask_again(answer: Response | Failure) -> bool:
    """Whether a HEAD answer may differ from what GET would get (405, 501, a reset, ...)."""
    return isinstance(answer, Failure) and answer.kind in _ASK_AGAIN


def _without_body(answer: Response | Failure) -> Response | Failure:
    """The answer without the page it read (a check keeps thousands of them)."""
    return replace(answer, body=b"") if isinstance(answer, Response) else answer
