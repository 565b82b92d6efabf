"""News feeds: Atom 1.0, RSS 2.0 and JSON Feed 1.1 of the network, each pact, each sector and
each topic, and `/feeds.opml` listing them all.

Entry ids are `tag:` URIs (RFC 4151) made of the tag authority (`feeds.tag_authority` in
site.yaml, else the host of `base_url`), the article's date and its entry key, so they stay
the same across rebuilds and when the site moves to another address. Every date is the
article's own, so two builds of the same content give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from pactsite.content.config import SiteConfig
from pactsite.model import Entry, News, Site, Topic, WebsiteNews
from pactsite.outputs import OutputFile
from pactsite.render.markup import absolute_urls
from pactsite.urls import UrlScheme, output_path

ATOM_NS = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
GENERATOR = "pactsite"
OPML_PATH = "/feeds.opml"
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# Characters XML 1.0 cannot carry at all, not even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True, slots=True)
class FeedFormat:
    """One feed format: its file name, media type and name for people."""

    file_name: str
    media_type: str
    label: str


ATOM = FeedFormat("feed.xml", "application/atom+xml", "Atom")
RSS = FeedFormat("rss.xml", "application/rss+xml", "RSS 2.0")
JSON_FEED = FeedFormat("feed.json", "application/feed+json", "JSON Feed")
FORMATS = (ATOM, RSS, JSON_FEED)


@dataclass(frozen=True, slots=True)
class FeedScope:
    """Whose news a feed carries: the network's, one pact's, one sector's or one topic's."""

    title: str
    page_url: str
    pact: str | None = None
    sector: str | None = None
    topic: str | None = None


@dataclass(frozen=True, slots=True)
class FeedLink:
    """A feed as a page announces it: title, media type and site-absolute URL."""

    title: str
    media_type: str
    url: str
    label: str


@dataclass(frozen=True, slots=True)
class _Item:
    """One article, ready for every format."""

    id: str
    title: str
    url: str
    published: dt.datetime
    updated: dt.datetime
    author: str
    author_url: str
    categories: tuple[tuple[str, str, str], ...]  # slug, label, absolute sector URL
    topics: tuple[tuple[str, str, str], ...]  # slug, label, absolute topic URL
    summary: str
    content_html: str


def feed_scopes(site: Site, config: SiteConfig, urls: UrlScheme) -> list[FeedScope]:
    """Every feed scope the site has: the network, each pact, each sector, each topic."""
    return [
        FeedScope(config.title, urls.home()),
        *(FeedScope(p.name, urls.pact(p.key), pact=p.key) for p in site.pacts),
        *(
            FeedScope(f"{label} – {config.title}", urls.sector(slug), sector=slug)
            for slug, label in config.sectors.items()
        ),
        *(_topic_scope(topic, config, urls) for topic in site.topics),
    ]


def _topic_scope(topic: Topic, config: SiteConfig, urls: UrlScheme) -> FeedScope:
    return FeedScope(f"{topic.label} – {config.title}", urls.topic(topic.slug), topic=topic.slug)


def feed_links(
    site: Site,
    config: SiteConfig,
    urls: UrlScheme,
    pact: str | None = None,
    sector: str | None = None,
    topic: str | None = None,
) -> list[FeedLink]:
    """The feeds of one scope (the network when no pact, sector or topic is given)."""
    if pact:
        scope = FeedScope(site.pact(pact).name, urls.pact(pact), pact=pact)
    elif topic:
        scope = _topic_scope(site.topics_by_slug[topic], config, urls)
    elif sector:
        label = config.sectors[sector]
        scope = FeedScope(f"{label} – {config.title}", urls.sector(sector), sector=sector)
    else:
        scope = FeedScope(config.title, urls.home())
    return [
        FeedLink(
            f"{scope.title} ({fmt.label})",
            fmt.media_type,
            urls.feed(fmt.file_name, scope.pact, scope.sector, scope.topic),
            fmt.label,
        )
        for fmt in FORMATS
    ]


def scope_news(
    site: Site,
    scope: FeedScope,
    limit: int,
    now: dt.datetime,
    public: Sequence[News] | None = None,
) -> list[News]:
    """The newest articles of a scope, newest first (the site's order), at most `limit`.

    Drafts and articles whose `publish` moment is ahead never go into a feed, not even in a
    preview build (`--drafts`): feed readers keep what they have once seen. `public` may
    give the site's public articles, when known.
    """
    if public is None:
        public = [n for n in site.news if is_public(n, now)]
    if scope.pact:
        public = [n for n in public if scope.pact in n.in_pacts]
    elif scope.topic:
        tagged = frozenset(site.topics_by_slug[scope.topic].keys)
        public = [n for n in public if n.key in tagged]
    elif scope.sector:
        public = [n for n in public if scope.sector in n.sectors]
    return list(public[:limit])


def _in_scope(entry: Entry, scope: FeedScope, site: Site) -> bool:
    """Whether a scope's feeds may carry the entry (if it is new enough)."""
    if scope.pact:
        return scope.pact in entry.in_pacts
    if scope.topic:
        return any(topic.slug == scope.topic for topic in site.topics_of(entry))
    return not scope.sector or scope.sector in entry.sectors


def is_public(entry: Entry, now: dt.datetime) -> bool:
    """Whether an entry is out for everyone at `now`: no draft, and its publish moment passed."""
    return not entry.draft and (entry.publish is None or entry.publish <= now)


def tag_id(authority: str, day: dt.date, key: str) -> str:
    """A `tag:` URI (RFC 4151) that names an entry for good."""
    return f"tag:{authority},{day.isoformat()}:{key}"


def published_at(news: News, config: SiteConfig) -> dt.datetime:
    """When an article appeared: its date (midnight in the site's zone), or its later
    `publish` moment."""
    moment = dt.datetime.combine(news.date, dt.time(), tzinfo=config.zone)
    if news.publish is not None and news.publish > moment:
        return news.publish.astimezone(config.zone)
    return moment


def build_feeds(
    site: Site,
    config: SiteConfig,
    urls: UrlScheme,
    html: Mapping[str, str],
    now: dt.datetime,
    carrying: Collection[str] | None = None,
) -> Iterator[OutputFile]:
    """Write the three feeds of every scope and `/feeds.opml`, which lists exactly them.

    With `carrying`, only the feeds that carry one of those news keys (and no OPML). One
    file at a time, as it is asked for: together, the feeds are large.
    """
    listed: list[tuple[FeedFormat, FeedScope]] = []
    candidates = [site.entries[key] for key in carrying] if carrying is not None else []
    public = [n for n in site.news if is_public(n, now)]
    made: dict[str, _Item] = {}  # an article is in the network's, its pact's, its sectors' feeds
    scoped: list[tuple[FeedScope, list[_Item]]] = []
    for scope in feed_scopes(site, config, urls):
        if carrying is not None and not any(_in_scope(n, scope, site) for n in candidates):
            continue  # cheaper than finding the scope's news
        news_items = scope_news(site, scope, config.feeds.limit, now, public)
        if carrying is not None and not any(n.key in carrying for n in news_items):
            continue
        items = []
        for news in news_items:
            if news.key not in made:
                made[news.key] = _item(news, site, config, urls, html)
            items.append(made[news.key])
        scoped.append((scope, _with_website_news(items, site, scope, config, urls)))
    uses = Counter(item for _, items in scoped for item in items)
    for fmt, render in ((ATOM, _atom), (RSS, _rss), (JSON_FEED, _json_feed)):
        # each article is written once in each format, and kept until its last feed
        written: _Written = {}
        left = Counter(uses)
        for scope, items in scoped:
            url = urls.feed(fmt.file_name, scope.pact, scope.sector, scope.topic)
            yield OutputFile(output_path(url), render(scope, items, config, urls, written))
            listed.append((fmt, scope))
            for item in items:
                left[item] -= 1
                if not left[item]:
                    written.pop(item, None)
    if carrying is None:
        yield OutputFile(output_path(OPML_PATH), _opml(listed, config, urls))


def _item(
    news: News, site: Site, config: SiteConfig, urls: UrlScheme, html: Mapping[str, str]
) -> _Item:
    url = urls.absolute(urls.entry(news))
    published = published_at(news, config)
    updated = published
    if news.updated is not None:
        updated = max(published, dt.datetime.combine(news.updated, dt.time(), tzinfo=config.zone))
    pact = site.pact(news.pact) if news.pact else None
    return _Item(
        # a translation is an entry of its own: a reader of both feeds sees both
        id=tag_id(config.tag_authority, news.date, f"{news.key}/{news.language}".rstrip("/")),
        title=news.title,
        url=url,
        published=published,
        updated=updated,
        author=pact.name if pact else config.title,
        author_url=urls.absolute(urls.pact(pact.key) if pact else urls.home()),
        categories=tuple(
            (s, config.sectors[s], urls.absolute(urls.sector(s))) for s in news.sectors
        ),
        topics=tuple(
            (topic.slug, topic.label, urls.absolute(urls.topic(topic.slug)))
            for topic in site.topics_of(news)
        ),
        summary=news.summary,
        content_html=absolute_urls(html.get(news.key, ""), url),
    )


def _with_website_news(
    items: list[_Item], site: Site, scope: FeedScope, config: SiteConfig, urls: UrlScheme
) -> list[_Item]:
    """A scope's articles and the website news that fit it, newest first, at most the limit."""
    fitting = [n for n in site.website_news if _fits(n, scope)]
    if not fitting:
        return items
    both = [*items, *(_website_item(n, site, config, urls) for n in fitting)]
    return sorted(both, key=lambda item: item.published, reverse=True)[: config.feeds.limit]


def _fits(news: WebsiteNews, scope: FeedScope) -> bool:
    """Whether a scope's feeds carry a website news item: its pact's, its sectors' (a topic's
    never: website feeds give no tags of this site)."""
    if scope.pact:
        return news.pact == scope.pact
    if scope.topic:
        return False
    return not scope.sector or scope.sector in news.sectors


def _website_item(news: WebsiteNews, site: Site, config: SiteConfig, urls: UrlScheme) -> _Item:
    """A news item of a pact's website feed: it links to the original, its HTML sanitised."""
    pact = site.pact(news.pact)
    published = news.published.astimezone(config.zone)
    return _Item(
        id=tag_id(config.tag_authority, news.date, news.id),
        title=news.title,
        url=news.url,
        published=published,
        updated=published,
        author=pact.name,
        author_url=urls.absolute(urls.pact(pact.key)),
        categories=tuple(
            (s, config.sectors[s], urls.absolute(urls.sector(s))) for s in news.sectors
        ),
        topics=(),
        summary=news.summary,
        content_html=news.summary_html,
    )


def _feed_updated(items: Sequence[_Item]) -> dt.datetime:
    """The newest entry's date: never the build time, so rebuilds are byte-identical."""
    return max((i.updated for i in items), default=_EPOCH)


def _text(value: str) -> str:
    return _NOT_XML.sub("", value)


def _add(parent: ET.Element, tag: str, body: str = "", **attributes: str) -> ET.Element:
    """Append an element; ElementTree escapes its text and attributes when serialising."""
    element = ET.SubElement(parent, tag, {k: _text(v) for k, v in attributes.items()})
    if body:
        element.text = _text(body)
    return element


def _xml(
    root: ET.Element, entries: Sequence[bytes] = (), parent: ET.Element | None = None
) -> bytes:
    """The XML file of `root`, with the `entries` (each written by `_entry_xml` at the depth
    of a child of `parent`) as the last children of `parent`."""
    if parent is not None:
        ET.SubElement(parent, _ENTRIES_TAG)
    ET.indent(root, space=" ")
    body = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    parts = [b'<?xml version="1.0" encoding="utf-8"?>\n']
    if parent is not None:
        # the entries are in every feed of their pact, sectors and topics: each is written
        # once (`_entry_xml`) and put in place of the marker, with the indentation before it
        start = body.index(_ENTRIES)
        before = body.rindex("\n", 0, start)
        indentation = body[before:start].encode()
        parts.append(body[:before].encode())
        for entry in entries:
            parts += (indentation, entry)
        body = body[start + len(_ENTRIES) :]
    parts += (body.encode(), b"\n")
    # joined once: each text of a feed's size is a new allocation that the system maps
    # afresh, page by page (bench/RESULTS.md)
    return b"".join(parts)


_ENTRIES_TAG = "pactsite-entries"
"""The element that stands where a feed's entries go until they are put in."""
_ENTRIES = f"<{_ENTRIES_TAG} />"
"""That element as written."""


def _entry_xml(entry: ET.Element, depth: int) -> bytes:
    """An entry written as `_xml` writes it as a child of an element at `depth`."""
    ET.indent(entry, space=" ", level=depth + 1)
    return ET.tostring(entry, encoding="unicode", short_empty_elements=True).encode()


_Written = dict[_Item, bytes]
"""Each article as written in the feeds of one format."""


def _atom(
    scope: FeedScope, items: Sequence[_Item], config: SiteConfig, urls: UrlScheme, written: _Written
) -> bytes:
    # The namespace is written as a plain attribute: no global prefix registry is touched.
    feed = ET.Element("feed", {"xmlns": ATOM_NS, XML_LANG: config.language})
    self_url = urls.absolute(urls.feed(ATOM.file_name, scope.pact, scope.sector, scope.topic))
    _add(feed, "id", self_url)
    _add(feed, "title", scope.title, type="text")
    if config.description:
        _add(feed, "subtitle", config.description, type="text")
    _add(feed, "link", rel="self", type=ATOM.media_type, href=self_url)
    _add(feed, "link", rel="alternate", type="text/html", href=urls.absolute(scope.page_url))
    _add(feed, "updated", _feed_updated(items).isoformat())
    author = _add(feed, "author")
    _add(author, "name", scope.title if scope.pact else config.title)
    _add(feed, "generator", GENERATOR)
    entries = [_written(_atom_entry, item, config, urls, written) for item in items]
    return _xml(feed, entries, feed) if entries else _xml(feed)


def _written(
    write: _Writer, item: _Item, config: SiteConfig, urls: UrlScheme, written: _Written
) -> bytes:
    """An item as `write` writes it for the feeds of one format, written once."""
    found = written.get(item)
    if found is None:
        found = written[item] = write(item, config, urls)
    return found


_Writer = Callable[[_Item, SiteConfig, UrlScheme], bytes]
"""How one format writes an item."""


def _atom_entry(item: _Item, config: SiteConfig, urls: UrlScheme) -> bytes:
    """An item as an Atom feed's entry."""
    entry = ET.Element("entry")
    _add(entry, "id", item.id)
    _add(entry, "title", item.title, type="text")
    _add(entry, "link", rel="alternate", type="text/html", href=item.url)
    _add(entry, "published", item.published.isoformat())
    _add(entry, "updated", item.updated.isoformat())
    person = _add(entry, "author")
    _add(person, "name", item.author)
    _add(person, "uri", item.author_url)
    for slug, label, _sector_url in item.categories:
        scheme = urls.absolute(f"/{config.urls.sectors}/")
        _add(entry, "category", term=slug, label=label, scheme=scheme)
    for slug, label, _topic_url in item.topics:
        scheme = urls.absolute(urls.topics())
        _add(entry, "category", term=slug, label=label, scheme=scheme)
    if item.summary:
        _add(entry, "summary", item.summary, type="text")
    _add(entry, "content", item.content_html, type="html")
    return _entry_xml(entry, 0)


def _rss(
    scope: FeedScope, items: Sequence[_Item], config: SiteConfig, urls: UrlScheme, written: _Written
) -> bytes:
    rss = ET.Element(
        "rss",
        {
            "version": "2.0",
            "xmlns:atom": ATOM_NS,
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
            "xmlns:dc": "http://purl.org/dc/elements/1.1/",
        },
    )
    channel = _add(rss, "channel")
    _add(channel, "title", scope.title)
    _add(channel, "link", urls.absolute(scope.page_url))
    _add(channel, "description", config.description or scope.title)
    _add(channel, "language", config.language)
    _add(channel, "lastBuildDate", email.utils.format_datetime(_feed_updated(items)))
    _add(channel, "generator", GENERATOR)
    self_url = urls.absolute(urls.feed(RSS.file_name, scope.pact, scope.sector, scope.topic))
    _add(channel, "atom:link", href=self_url, rel="self", type=RSS.media_type)
    entries = [_written(_rss_item, item, config, urls, written) for item in items]
    return _xml(rss, entries, channel) if entries else _xml(rss)


def _rss_item(item: _Item, config: SiteConfig, urls: UrlScheme) -> bytes:
    """An item as an RSS feed's item."""
    entry = ET.Element("item")
    _add(entry, "title", item.title)
    _add(entry, "link", item.url)
    _add(entry, "guid", item.id, isPermaLink="false")
    _add(entry, "pubDate", email.utils.format_datetime(item.published))
    _add(entry, "dc:creator", item.author)
    for _slug, label, category_url in (*item.categories, *item.topics):
        _add(entry, "category", label, domain=category_url)
    _add(entry, "description", item.summary or item.content_html)
    _add(entry, "content:encoded", item.content_html)
    return _entry_xml(entry, 1)


def _json_feed(
    scope: FeedScope, items: Sequence[_Item], config: SiteConfig, urls: UrlScheme, written: _Written
) -> bytes:
    feed: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": scope.title,
        "home_page_url": urls.absolute(scope.page_url),
        "feed_url": urls.absolute(
            urls.feed(JSON_FEED.file_name, scope.pact, scope.sector, scope.topic)
        ),
        "language": config.language,
    }
    if config.description:
        feed["description"] = config.description
    feed["authors"] = [{"name": scope.title if scope.pact else config.title}]
    if not items:
        feed["items"] = []
        return (json.dumps(feed, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    # the items are the last key: each is written once (`_json_item`) and put in after it
    head = json.dumps(feed, ensure_ascii=False, indent=1).removesuffix("\n}")
    parts = [head.encode(), b',\n "items": [']
    for item in items:
        parts += (b"\n  ", _written(_json_item, item, config, urls, written), b",")
    parts[-1] = b"\n ]\n}\n"  # no comma after the last item
    return b"".join(parts)


def _json_item(item: _Item, config: SiteConfig, urls: UrlScheme) -> bytes:
    """An item as a JSON feed's item, indented as `_json_feed` writes it."""
    data = {
        "id": item.id,
        "url": item.url,
        "title": item.title,
        "content_html": item.content_html,
        **({"summary": item.summary} if item.summary else {}),
        "date_published": item.published.isoformat(),
        "date_modified": item.updated.isoformat(),
        "authors": [{"name": item.author, "url": item.author_url}],
        **_json_tags(item),
    }
    # a new line in JSON text is always between values (in a string it is "\n")
    return json.dumps(data, ensure_ascii=False, indent=1).replace("\n", "\n  ").encode()


def _json_tags(item: _Item) -> dict[str, list[str]]:
    """The labels of an item's sectors and topics (JSON Feed has no other categories)."""
    labels = [label for _slug, label, _url in (*item.categories, *item.topics)]
    return {"tags": list(dict.fromkeys(labels))} if labels else {}


def _opml(
    listed: Sequence[tuple[FeedFormat, FeedScope]], config: SiteConfig, urls: UrlScheme
) -> bytes:
    opml = ET.Element("opml", {"version": "2.0"})
    head = _add(opml, "head")
    _add(head, "title", f"{config.title} – Feeds")
    body = _add(opml, "body")
    for fmt in FORMATS:
        group = _add(body, "outline", text=fmt.label, title=fmt.label)
        for _fmt, scope in (pair for pair in listed if pair[0] is fmt):
            _add(
                group,
                "outline",
                type="rss",
                text=scope.title,
                title=scope.title,
                xmlUrl=urls.absolute(
                    urls.feed(fmt.file_name, scope.pact, scope.sector, scope.topic)
                ),
                htmlUrl=urls.absolute(scope.page_url),
            )
    return _xml(opml)


def media_types() -> dict[str, str]:
    """The media type of each feed file name (for headers and tests)."""
    return {
        **{fmt.file_name: fmt.media_type for fmt in FORMATS},
        PurePosixPath(OPML_PATH).name: "text/x-opml",
    }
