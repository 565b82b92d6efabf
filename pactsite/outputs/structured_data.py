"""schema.org JSON-LD for search engines: NewsArticle, Event, Organization, CreativeWork.

The JSON goes into `<script type="application/ld+json">`, which browsers treat as data and
never execute (so the CSP's script-src does not apply). `<`, `>` and `&` are written as
`\\u003c`, `\\u003e` and `\\u0026`, so no text can close the element or open a comment.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from markupsafe import Markup

from pactsite.content.config import SiteConfig
from pactsite.model import Entry, Event, News, Pact, Project, Site
from pactsite.urls import UrlScheme

CONTEXT = "https://schema.org"
_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}


def script_json(data: Any) -> str:
    """Serialise data as JSON that is safe between `<script>` tags."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False, separators=(",", ":"))
    for char, escaped in _ESCAPES.items():
        text = text.replace(char, escaped)
    return text


def json_ld_script(data: dict[str, Any] | None) -> Markup:
    """The `<script type="application/ld+json">` element for data, or nothing."""
    if not data:
        return Markup("")
    return Markup(f'<script type="application/ld+json">{script_json(data)}</script>')


def structured_data(
    site: Site, config: SiteConfig, urls: UrlScheme, entry: Entry | None, pact: Pact | None
) -> dict[str, Any] | None:
    """The JSON-LD of a page: its entry's, else its pact's on the pact's profile."""
    if isinstance(entry, News):
        return _news(entry, site, config, urls)
    if isinstance(entry, Event):
        return _event(entry, site, config, urls)
    if isinstance(entry, Project):
        return _project(entry, site, config, urls)
    if entry is None and pact is not None:
        return {"@context": CONTEXT, **_organization(pact, urls, full=True)}
    return None


def _organization(pact: Pact, urls: UrlScheme, *, full: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@type": "Organization",
        "name": pact.name,
        "url": urls.absolute(urls.pact(pact.key)),
    }
    if not full:
        return data
    if pact.short_name != pact.name:
        data["alternateName"] = pact.short_name
    if pact.website:
        data["sameAs"] = [pact.website]
    if pact.region:
        data["areaServed"] = pact.region
    if pact.founded:
        data["foundingDate"] = pact.founded
    contact = pact.contact
    if contact and (contact.email or contact.phone):
        point: dict[str, Any] = {"@type": "ContactPoint", "contactType": "customer support"}
        if contact.email:
            point["email"] = contact.email
        if contact.phone:
            point["telephone"] = contact.phone
        data["contactPoint"] = point
    if contact and contact.address:
        data["address"] = contact.address
    if pact.members:
        data["member"] = [
            {"@type": "Organization", "name": m.name, **({"url": m.url} if m.url else {})}
            for m in pact.members
        ]
    return data


def _publisher(config: SiteConfig, urls: UrlScheme) -> dict[str, Any]:
    return {"@type": "Organization", "name": config.title, "url": urls.absolute(urls.home())}


def _common(entry: Entry, config: SiteConfig, urls: UrlScheme) -> dict[str, Any]:
    data: dict[str, Any] = {"url": urls.absolute(urls.entry(entry)), "inLanguage": config.language}
    if entry.summary:
        data["description"] = entry.summary
    if entry.sectors:
        data["keywords"] = ", ".join(config.sectors[s] for s in entry.sectors)
    return data


def _news(news: News, site: Site, config: SiteConfig, urls: UrlScheme) -> dict[str, Any]:
    url = urls.absolute(urls.entry(news))
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "NewsArticle",
        "headline": news.title,
        "mainEntityOfPage": url,
        "datePublished": _day(news.date, config),
        "dateModified": _day(news.updated or news.date, config),
        **_common(news, config, urls),
        "publisher": _publisher(config, urls),
    }
    if news.pact:
        data["author"] = _organization(site.pact(news.pact), urls)
    return data


def _event(event: Event, site: Site, config: SiteConfig, urls: UrlScheme) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "Event",
        "name": event.title,
        "startDate": event.start.isoformat(),
        **({"endDate": event.end.isoformat()} if event.end else {}),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        **_common(event, config, urls),
    }
    if event.location:
        data["location"] = {"@type": "Place", "name": event.location, "address": event.location}
    hosts = event.organisers or ((event.pact,) if event.pact else ())
    if hosts:
        data["organizer"] = [_organization(site.pact(h), urls) for h in hosts]
    return data


def _project(project: Project, site: Site, config: SiteConfig, urls: UrlScheme) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "CreativeWork",
        "additionalType": "Project",
        "name": project.title,
        **_common(project, config, urls),
        "creativeWorkStatus": project.status.value,
    }
    if project.pact:
        data["creator"] = _organization(site.pact(project.pact), urls)
    if project.start or project.end:
        start = project.start.isoformat() if project.start else ".."
        end = project.end.isoformat() if project.end else ".."
        data["temporalCoverage"] = f"{start}/{end}"
    if project.fund and project.fund in config.funds:
        fund = config.funds[project.fund]
        data["funder"] = {"@type": "Organization", "name": fund.name}
    if project.location:
        data["locationCreated"] = {"@type": "Place", "name": project.location}
    return data


def _day(day: dt.date, config: SiteConfig) -> str:
    return dt.datetime.combine(day, dt.time(), tzinfo=config.zone).isoformat()
