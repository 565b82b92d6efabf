"""The items of the pacts' website feeds turned into the site's news: sanitised, dated,
limited per pact and by age, in a fixed order."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence

from pactsite.content.config import SiteConfig
from pactsite.content.webfeed import FeedItem
from pactsite.model import Pact, WebsiteNews
from pactsite.render.markup import plain_text, sanitize_foreign

SUMMARY_LENGTH = 300
"""Characters of an item's text shown in lists; the feeds carry the whole sanitised HTML."""


def website_news(
    pact: Pact, items: Sequence[FeedItem], config: SiteConfig, now: dt.datetime
) -> tuple[WebsiteNews, ...]:
    """The newest items of `pact`'s website feed, at most `feeds.pact_limit`, none older
    than `feeds.pact_max_age` days; the same items give the same news."""
    # by day, as pages change at midnight only (a build's state fits one day)
    oldest = now.astimezone(config.zone).date() - dt.timedelta(days=config.feeds.pact_max_age)
    sectors = _sector_names(config)
    chosen: dict[str, FeedItem] = {}
    for item in items:
        if item.published.astimezone(config.zone).date() >= oldest and item.id not in chosen:
            chosen[item.id] = item
    newest = sorted(chosen.values(), key=lambda item: (-item.published.timestamp(), item.id))
    return tuple(_news(pact, item, config, sectors) for item in newest[: config.feeds.pact_limit])


def _news(pact: Pact, item: FeedItem, config: SiteConfig, sectors: dict[str, str]) -> WebsiteNews:
    """One item as the site's news."""
    html = sanitize_foreign(item.html, item.link)
    matched = (sectors.get(name.strip().casefold(), "") for name in item.categories)
    return WebsiteNews(
        pact=pact.key,
        id=f"{pact.key}/website/{hashlib.blake2b(item.id.encode(), digest_size=8).hexdigest()}",
        title=plain_text(item.title) or item.link,
        url=item.link,
        published=item.published,
        date=item.published.astimezone(config.zone).date(),
        summary=_shortened(plain_text(html)),
        summary_html=html,
        sectors=tuple(dict.fromkeys(slug for slug in matched if slug)),
    )


def _sector_names(config: SiteConfig) -> dict[str, str]:
    """The site's sectors by slug and by label, case-folded: what a feed's categories match."""
    names = {label.casefold(): slug for slug, label in config.sectors.items()}
    names.update((slug.casefold(), slug) for slug in config.sectors)
    return names


def _shortened(text: str) -> str:
    """`text`, cut at a word before `SUMMARY_LENGTH` characters with an ellipsis if longer."""
    if len(text) <= SUMMARY_LENGTH:
        return text
    return text[:SUMMARY_LENGTH].rsplit(" ", 1)[0].rstrip(",;:.") + " …"
