"""The feed of a pact's own website, read: Atom or RSS (feedparser) or JSON Feed → its items.

Pure: bytes in, items or a problem out. The HTML of the items is as the feed gave it; it is
sanitised where it is turned into the site's news (`pactsite.render.webnews`). An item
without a date of its own takes the feed's (never the time of fetching: the same feed
must give the same pages); items without an http(s) link or any date are left out: they
can neither link to the original nor be put in order.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from pactsite.i18n import Text, t


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One item of a website's feed, as the feed gave it."""

    id: str
    title: str
    link: str
    published: dt.datetime
    html: str
    categories: tuple[str, ...] = ()


def parse_website_feed(body: bytes, url: str) -> tuple[tuple[FeedItem, ...], Text | None]:
    """The items of a feed's bytes fetched from `url`; or a problem if it is none."""
    if body.lstrip()[:1] == b"{":
        return _json_feed(body, url)
    import feedparser  # imported only for sites whose pacts have feeds

    parsed = feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)
    if not parsed.get("version"):
        return (), t("the address gives no feed (Atom, RSS or JSON Feed)")
    problem = parsed.get("bozo_exception")
    if problem is not None and "SAX" in type(problem).__name__:
        # cut short or broken: what the loose parser makes of it may lack items
        return (), t("the feed is not valid XML: {reason}", reason=str(problem))
    channel = parsed.get("feed", {})
    dated = channel.get("updated_parsed") or channel.get("published_parsed")
    found = (_xml_item(entry, url, dated) for entry in parsed.entries)
    return tuple(item for item in found if item is not None), None


def _xml_item(entry: Any, base: str, feed_date: Any) -> FeedItem | None:
    """An item of an Atom or RSS feed, as feedparser gives it; dated by the feed if undated."""
    link = _link(entry.get("link", ""), base)
    moment = entry.get("published_parsed") or entry.get("updated_parsed") or feed_date
    if not link or moment is None:
        return None
    contents = entry.get("content") or []
    html = entry.get("summary") or (contents[0].get("value", "") if contents else "")
    return FeedItem(
        id=str(entry.get("id") or link),
        title=str(entry.get("title", "")),
        link=link,
        published=dt.datetime.fromtimestamp(calendar.timegm(moment), dt.UTC),
        html=str(html),
        categories=tuple(str(tag.get("term") or "") for tag in entry.get("tags", [])),
    )


def _json_feed(body: bytes, url: str) -> tuple[tuple[FeedItem, ...], Text | None]:
    """The items of a JSON Feed (https://jsonfeed.org/version/1.1)."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:  # nested too deeply
        return (), t("the feed is not valid JSON: {reason}", reason=str(error))
    version = data.get("version") if isinstance(data, dict) else None
    items = data.get("items") if isinstance(data, dict) else None
    if not str(version).startswith("https://jsonfeed.org/version/") or not isinstance(items, list):
        return (), t("the address gives no feed (Atom, RSS or JSON Feed)")
    found = (_json_item(item, url) for item in items if isinstance(item, dict))
    return tuple(item for item in found if item is not None), None


def _json_item(item: dict[str, Any], base: str) -> FeedItem | None:
    """An item of a JSON Feed."""
    link = _link(str(item.get("url") or ""), base)
    moment = _moment(item.get("date_published") or item.get("date_modified"))
    if not link or moment is None:
        return None
    html = item.get("summary") or item.get("content_html") or ""
    if not item.get("content_html") and not item.get("summary") and item.get("content_text"):
        html = str(item["content_text"]).replace("&", "&amp;").replace("<", "&lt;")
    tags = item.get("tags")
    tags = tags if isinstance(tags, list) else []
    return FeedItem(
        id=str(item.get("id") or link),
        title=str(item.get("title") or ""),
        link=link,
        published=moment,
        html=str(html),
        categories=tuple(str(tag) for tag in tags),
    )


def _link(value: str, base: str) -> str:
    """The item's link made absolute; empty unless it is http(s)."""
    link = urljoin(base, value.strip()) if value.strip() else ""
    return link if urlsplit(link).scheme in ("http", "https") else ""


def _moment(value: object) -> dt.datetime | None:
    """An RFC 3339 moment of a JSON Feed, in UTC; None if there is none."""
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
