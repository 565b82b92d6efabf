"""What the last `check --external` found out about each external address, kept for a day.

The results lie in `.pactsite-cache/links.json`, one record per address (without its
`#fragment`), written sorted so that the same results give the same file. A rerun within a
day takes them from here instead of asking the servers again; the build reads them to show
on the network page whether each pact's website answered (as of the date of the check). A
file that cannot be read is no results at all: the next check asks again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from pactsite.cache.keys import CACHE_DIR, LINKS_FILE
from pactsite.diagnostics import Diagnostic, Severity
from pactsite.i18n import PlainText, Text, from_plain, to_plain

LIFETIME = dt.timedelta(days=1)
"""How long a result is taken as still true: websites move and die over weeks, not hours."""
_FORMAT = 2


class Outcome(Enum):
    """What asking for an address came to."""

    LIVE = "live"
    """It answered (2xx, or a refusal that shows the page is there: 401, 403, 429)."""
    MOVED = "moved"
    """It answered with a permanent redirect (301, 308) to an address that answers."""
    DEAD = "dead"
    """Not found, gone, a server error, no answer, no such host, a broken TLS connection."""
    REFUSED = "refused"
    """Not asked: a local or private address, and PACTSITE_ALLOW_LOCAL_URLS is not set."""


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkResult:
    """The answer to one address: its outcome, the HTTP status, why it failed, where it moved."""

    url: str
    outcome: Outcome
    checked: dt.datetime
    """When it was asked (UTC)."""
    status: int = 0
    """The HTTP status that decided the outcome; 0 when there was no answer."""
    reason: str | Text = ""
    """Why there was no answer, said for people (`no complete answer within 10 seconds`)."""
    location: str = ""
    """Where a MOVED address moved to: the address to write instead."""

    def fresh(self, now: dt.datetime) -> bool:
        """Whether the result is recent enough to be reused at `now`."""
        return now - LIFETIME < self.checked <= now + dt.timedelta(minutes=5)


def link_key(url: str) -> str:
    """The address a result is kept under: without `#fragment` (no server ever sees it)."""
    return url.strip().partition("#")[0]


@dataclass(frozen=True, slots=True, kw_only=True)
class LastCheck:
    """The last `check --external`: when it ran, its answers, and what it warned about."""

    checked: dt.datetime
    results: Mapping[str, LinkResult]
    """The answer for every address of the site, by address (some from the day before)."""
    findings: tuple[Diagnostic, ...] = ()
    """Its warnings at the places that link a dead or moved address."""


def load_last_check(root: Path) -> LastCheck | None:
    """The last check's answers and warnings; None if there is none (or it cannot be read)."""
    try:
        data = json.loads((root / CACHE_DIR / LINKS_FILE).read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("format") != _FORMAT:
            return None
        checked = _moment(data["checked"])
        findings = tuple(_finding(*finding) for finding in data.get("findings", ()))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    results: dict[str, LinkResult] = {}
    for url, record in (data.get("links") or {}).items():
        with contextlib.suppress(KeyError, TypeError, ValueError):
            results[url] = _result(url, record)
    return LastCheck(checked=checked, results=results, findings=findings)


def load_link_results(root: Path) -> dict[str, LinkResult]:
    """Every answer of the last check by address (fresh or not); {} if there is none."""
    last = load_last_check(root)
    return dict(last.results) if last is not None else {}


def _moment(written: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(written)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _result(url: str, record: Mapping[str, Any]) -> LinkResult:
    return LinkResult(
        url=url,
        outcome=Outcome(record["outcome"]),
        checked=_moment(record["checked"]),
        status=int(record.get("status", 0)),
        reason=from_plain(record.get("reason", "")),
        location=str(record.get("location", "")),
    )


def _finding(path: str, line: int, message: PlainText, hint: PlainText) -> Diagnostic:
    return Diagnostic(
        path=str(path),
        line=int(line),
        message=from_plain(message),
        hint=from_plain(hint),
        severity=Severity.WARNING,
    )


def store_last_check(root: Path, last: LastCheck) -> None:
    """Keep the check for the next one and the build; a cache that fails only costs time."""
    records = {
        url: {
            "status": result.status,
            "reason": to_plain(result.reason),
            "location": result.location,
            "outcome": result.outcome.value,
            "checked": _written(result.checked),
        }
        for url, result in last.results.items()
    }
    findings = [[d.path, d.line, to_plain(d.message), to_plain(d.hint)] for d in last.findings]
    data = {
        "format": _FORMAT,
        "checked": _written(last.checked),
        "links": records,
        "findings": findings,
    }
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    folder = root / CACHE_DIR
    with contextlib.suppress(OSError):
        folder.mkdir(exist_ok=True)
        staged = folder / f"{LINKS_FILE}.{os.getpid()}"
        staged.write_text(text, encoding="utf-8")
        staged.replace(folder / LINKS_FILE)  # a build reading it sees the old or the new


def _written(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")
