"""The feeds of the pacts' own websites: fetched at the edge, the last good copy kept.

`refresh_feeds` runs before a build (not with `--offline`): it fetches every pact's `feed:`
concurrently with `pactsite.remote.http` (conditional requests, timeouts, size limit, no
local addresses) and keeps, per pact, the last good copy in `.pactsite-cache/feeds/`:
`<pact>.feed` the bytes as fetched, `<pact>.json` the address, the validators (ETag,
Last-Modified), the day of the last success and what went wrong at the last try. A
file there changes only when what a build shows changes (new bytes, another problem,
another day of success), and the folder is an input of the build, so an incremental build
sees a changed feed as a changed input.

`pactsite.build.webfeeds` reads those files in the load phase of every build.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pactsite.cache.keys import CACHE_DIR
from pactsite.content.webfeed import parse_website_feed
from pactsite.i18n import Text

if TYPE_CHECKING:
    from pactsite.remote.http import Failure, Response, Validators

# Light to import: the command line refreshes the feeds before it looks whether anything
# changed, and that look must not import the pipeline (Markdown, Jinja2, ...) nor, for a
# site without feeds, anything of the network.

FEEDS_DIR = f"{CACHE_DIR}/feeds"
"""The last good copy of each pact's website feed, in the site folder."""
_FEED_LINE = re.compile(rb"^feed\s*:", re.MULTILINE)


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredFeed:
    """What `<pact>.json` says of the last good copy of a pact's feed, and of the last try."""

    url: str
    base: str = ""
    """The address the copy came from after redirects (its relative links are relative to it)."""
    etag: str | None = None
    last_modified: str | None = None
    good_since: str = ""
    """The day (ISO, UTC) the copy was last fetched or confirmed; empty: never."""
    problem: Text | None = None
    """What went wrong at the last try; None: it went well."""


def configured_feeds(root: Path) -> dict[str, str]:
    """The `feed:` address of each pact by pact key, read quickly from the pact.yaml files."""
    found: dict[str, str] = {}
    for profile in sorted((root / "content" / "pacts").glob("*/pact.yaml")):
        with contextlib.suppress(OSError):
            data = profile.read_bytes()
            if _FEED_LINE.search(data):
                url = _feed_value(data)
                if url:
                    found[profile.parent.name] = url
    return found


def _feed_value(data: bytes) -> str:
    """The `feed:` value of a pact.yaml's bytes, if it is an http(s) address."""
    import yaml  # only for sites with a feed; validation reports a broken file

    try:
        values = yaml.safe_load(data)
    except (yaml.YAMLError, UnicodeDecodeError):
        return ""
    url = values.get("feed") if isinstance(values, dict) else None
    return url.strip() if isinstance(url, str) and url.startswith(("http://", "https://")) else ""


def refresh_feeds(root: Path, today: dt.date) -> bool:
    """Fetch every pact's feed and keep what came; whether a kept file changed."""
    feeds = configured_feeds(root)
    if not feeds:
        return False
    from pactsite.remote.http import Request, fetch_many

    folder = root / FEEDS_DIR
    stored = {pact: read_stored(folder, pact) for pact in feeds}
    requests = [
        Request(url, validators=_validators(folder, pact, stored[pact], url))
        for pact, url in feeds.items()
    ]
    changed = False
    for (pact, url), result in zip(feeds.items(), fetch_many(requests), strict=True):
        changed |= _keep(folder, pact, url, stored[pact], result, today)
    return changed


def _validators(folder: Path, pact: str, stored: StoredFeed | None, url: str) -> Validators | None:
    """The validators of the kept copy, if it is a copy of `url` and still there."""
    from pactsite.remote.http import Validators

    if stored is None or stored.url != url or not stored.good_since:
        return None
    if not (folder / f"{pact}.feed").is_file():
        return None  # a "not modified" would leave nothing to show
    return Validators(etag=stored.etag, last_modified=stored.last_modified)


def _keep(
    folder: Path,
    pact: str,
    url: str,
    stored: StoredFeed | None,
    result: Response | Failure,
    today: dt.date,
) -> bool:
    """Keep what one fetch gave: a new good copy, or the old one and what went wrong."""
    from pactsite.remote.http import Failure

    same = stored if stored is not None and stored.url == url else StoredFeed(url=url)
    if isinstance(result, Failure):
        return _write_meta(folder, pact, replace(same, problem=result.message))
    if result.not_modified:
        return _write_meta(folder, pact, replace(same, good_since=today.isoformat(), problem=None))
    _, problem = parse_website_feed(result.body, result.final_url)
    if problem is not None:
        return _write_meta(folder, pact, replace(same, problem=problem))
    fresh = StoredFeed(
        url=url,
        base=result.final_url,
        etag=result.etag,
        last_modified=result.last_modified,
        good_since=today.isoformat(),
    )
    body_changed = _write(folder / f"{pact}.feed", result.body)
    return _write_meta(folder, pact, fresh) or body_changed


def read_stored(folder: Path, pact: str) -> StoredFeed | None:
    """The kept state of a pact's feed; None if there is none (or it cannot be read)."""
    try:
        data = json.loads((folder / f"{pact}.json").read_text(encoding="utf-8"))
        return StoredFeed(
            url=str(data["url"]),
            base=str(data.get("base") or ""),
            etag=data.get("etag"),
            last_modified=data.get("last_modified"),
            good_since=str(data.get("good_since") or ""),
            problem=_text(data["problem"]) if data.get("problem") else None,
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_meta(folder: Path, pact: str, stored: StoredFeed) -> bool:
    """Write `<pact>.json`; whether it changed."""
    data = {
        "url": stored.url,
        "base": stored.base,
        "etag": stored.etag,
        "last_modified": stored.last_modified,
        "good_since": stored.good_since,
        "problem": _plain(stored.problem) if stored.problem is not None else None,
    }
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, indent=1) + "\n"
    return _write(folder / f"{pact}.json", text.encode("utf-8"))


def _write(path: Path, content: bytes) -> bool:
    """Replace the file at `path` with `content` unless it holds that; whether it did."""
    with contextlib.suppress(OSError):
        if path.read_bytes() == content:
            return False
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}")
        partial.write_bytes(content)
        partial.replace(path)
    except OSError:
        return False  # no cache then: the next build fetches again
    return True


def _plain(text: Text) -> list[Any]:
    """A message as JSON: its template and its values (messages nest)."""
    return [
        text.template,
        [[name, _plain(v) if isinstance(v, Text) else v] for name, v in text.values],
    ]


def _text(value: Any) -> Text:
    """A message from its JSON form (`_plain`)."""
    template, values = value
    return Text(
        str(template),
        tuple((str(name), _text(v) if isinstance(v, list) else str(v)) for name, v in values),
    )
