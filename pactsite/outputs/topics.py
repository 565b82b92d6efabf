"""The topic pages: one per tag, listing its entries across the pacts, and their overview."""

from __future__ import annotations

from collections.abc import Iterator

from pactsite.content.config import SiteConfig
from pactsite.model import Site, Topic
from pactsite.outputs import PageJob, Pagination
from pactsite.urls import UrlScheme


def plan_topics(site: Site, config: SiteConfig, urls: UrlScheme) -> list[PageJob]:
    """The overview of all topics and the (paginated) page of each; none without tags."""
    if not site.topics:
        return []
    return [
        PageJob(urls.topics(), "topics.html", {"topics": site.topics}),
        *(job for topic in site.topics for job in _topic_pages(site, topic, config, urls)),
    ]


def _topic_pages(
    site: Site, topic: Topic, config: SiteConfig, urls: UrlScheme
) -> Iterator[PageJob]:
    per_page = config.paginate
    keys = topic.keys
    chunks = [keys[i : i + per_page] for i in range(0, len(keys), per_page)] or [()]
    for number, chunk in enumerate(chunks, start=1):
        pagination = Pagination(
            number=number,
            count=len(chunks),
            previous_url=urls.topic(topic.slug, number - 1) if number > 1 else "",
            next_url=urls.topic(topic.slug, number + 1) if number < len(chunks) else "",
        )
        yield PageJob(
            urls.topic(topic.slug, number),
            "topic.html",
            {
                "topic": topic,
                "items": [site.entries[key] for key in chunk],
                "pagination": pagination,
            },
        )
