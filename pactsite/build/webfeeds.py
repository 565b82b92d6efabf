"""The pacts' website news in the site model, from the copies `feedstore` keeps.

`add_website_news` runs in the load phase of every build: from those files alone (no
network) it adds the pacts' website news to the site model and warns at the `feed:` line of
each pact whose feed failed or was never fetched. A feed never fails a build.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from pactsite.build.feedstore import FEEDS_DIR, StoredFeed, read_stored
from pactsite.content.config import SiteConfig
from pactsite.content.webfeed import parse_website_feed
from pactsite.diagnostics import Diagnostic, Severity
from pactsite.i18n import t
from pactsite.model import Pact, Site, WebsiteNews
from pactsite.render.webnews import website_news


def add_website_news(
    root: Path, site: Site, config: SiteConfig, now: dt.datetime
) -> tuple[Site, list[Diagnostic]]:
    """The site with its pacts' website news from the kept copies; warnings for the feeds
    that failed or were never fetched."""
    pacts = [pact for pact in site.pacts if pact.feed]
    if not pacts:
        return site, []
    folder = root / FEEDS_DIR
    news: list[WebsiteNews] = []
    warnings: list[Diagnostic] = []
    for pact in pacts:
        stored = read_stored(folder, pact.key)
        if stored is not None and stored.url != pact.feed:
            stored = None  # a copy of the address the pact had before
        news += _news_of(folder, pact, stored, config, now)
        warning = _warning(pact, stored)
        if warning is not None:
            warnings.append(warning)
    ordered = sorted(news, key=lambda item: (-item.published.timestamp(), item.id))
    return replace(site, website_news=tuple(ordered)), warnings


def _news_of(
    folder: Path, pact: Pact, stored: StoredFeed | None, config: SiteConfig, now: dt.datetime
) -> tuple[WebsiteNews, ...]:
    """The news of a pact's kept feed copy (none without one)."""
    if stored is None or not stored.good_since:
        return ()
    try:
        body = (folder / f"{pact.key}.feed").read_bytes()
    except OSError:
        return ()
    items, _ = parse_website_feed(body, stored.base or stored.url)
    return website_news(pact, items, config, now)


def _warning(pact: Pact, stored: StoredFeed | None) -> Diagnostic | None:
    """The warning at the `feed:` line of a pact whose feed failed or was never fetched."""
    line = pact.source.line_of("feed")
    if stored is None or (not stored.good_since and stored.problem is None):
        message = t(
            "the feed {url} has not been fetched yet, so its news are not shown", url=pact.feed
        )
        hint = t("build without --offline, with the network reachable")
    elif stored.problem is None:
        return None
    elif stored.good_since:
        message = t(
            "the feed {url} could not be fetched: {problem}; its news are shown as fetched "
            "on {day}",
            url=pact.feed,
            problem=stored.problem,
            day=stored.good_since,
        )
        hint = t("check the address and the pact's website; the next build tries again")
    else:
        message = t(
            "the feed {url} could not be fetched: {problem}; it has never been fetched, so "
            "its news are not shown",
            url=pact.feed,
            problem=stored.problem,
        )
        hint = t("check the address and the pact's website; the next build tries again")
    return Diagnostic(
        path=pact.source.path, line=line, message=message, hint=hint, severity=Severity.WARNING
    )
