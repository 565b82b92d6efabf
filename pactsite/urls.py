"""The URL of everything, and the output file each URL is written to."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import urljoin

from pactsite.model import Entry, Kind

_NOT_PLAIN_PATH = re.compile(r"[:?#;\\\s]|//|(?:^|/)\.")
"""What makes urljoin do more than append a relative path to a base URL: a scheme, a
query, a fragment, parameters, a backslash or white space, an empty or a dot segment."""


@functools.cache
def _appends(base_url: str) -> bool:
    """Whether urljoin appends a plain relative path to `base_url` as it is (a base that
    ends in "/", with no query, fragment, dot segment or empty segment)."""
    return urljoin(base_url, "a/b") == base_url + "a/b"


SEARCH_SEGMENT = "suche"
NETWORK_SEGMENT = "netzwerk"
"""The fixed top-level segments of the search and network pages (not configurable)."""

_KIND_SECTION = {Kind.NEWS: "news", Kind.PROJECT: "projects", Kind.EVENT: "events"}


class UnsafeOutputPathError(ValueError):
    """A URL would be written outside the output folder."""


@dataclass(frozen=True, slots=True, kw_only=True)
class UrlPatterns:
    """The first path segment of each section; German by default."""

    pacts: str = "pakte"
    news: str = "aktuelles"
    projects: str = "projekte"
    events: str = "termine"
    sectors: str = "branchen"
    funds: str = "foerderung"
    topics: str = "themen"
    pagination: str = "seite"


@dataclass(frozen=True, slots=True)
class UrlScheme:
    """Builds site-absolute URLs (`/pakte/altmark/`) from the configured path segments."""

    patterns: UrlPatterns
    base_url: str = "/"
    root: str = "/"
    """Where the site of this scheme's language begins: `/`, or `/en/` for a further one."""

    def home(self) -> str:
        """The network's start page."""
        return self.root

    def pacts(self) -> str:
        """The list of all pacts."""
        return f"{self.root}{self.patterns.pacts}/"

    def pact(self, pact: str) -> str:
        """A pact's profile page."""
        return f"{self.root}{self.patterns.pacts}/{pact}/"

    def section(self, kind: Kind, pact: str | None = None, page: int = 1) -> str:
        """The list of news, projects or events, network-wide or of one pact, paginated."""
        segment = getattr(self.patterns, _KIND_SECTION[kind])
        prefix = self.pact(pact) if pact else self.root
        url = f"{prefix}{segment}/"
        return url if page <= 1 else f"{url}{self.patterns.pagination}/{page}/"

    def section_projects(self) -> str:
        """The project directory."""
        return self.section(Kind.PROJECT)

    def fund(self, fund: str) -> str:
        """The projects of one fund, with their budgets."""
        return f"{self.root}{self.patterns.funds}/{fund}/"

    def funds(self) -> str:
        """The overview of all funds."""
        return f"{self.root}{self.patterns.funds}/"

    def search(self) -> str:
        """The search page."""
        return f"{self.root}{SEARCH_SEGMENT}/"

    def network(self) -> str:
        """The network's page: the map of links between the pacts, and the embeds."""
        return f"{self.root}{NETWORK_SEGMENT}/"

    def sectors(self) -> str:
        """The overview of all sectors."""
        return f"{self.root}{self.patterns.sectors}/"

    def sector(self, sector: str) -> str:
        """Everything of one sector across pacts."""
        return f"{self.root}{self.patterns.sectors}/{sector}/"

    def topics(self) -> str:
        """The overview of all topics (the tags of the entries)."""
        return f"{self.root}{self.patterns.topics}/"

    def topic(self, topic: str, page: int = 1) -> str:
        """The entries of one topic across pacts, paginated."""
        url = f"{self.root}{self.patterns.topics}/{topic}/"
        return url if page <= 1 else f"{url}{self.patterns.pagination}/{page}/"

    def entry(self, entry: Entry) -> str:
        """The page of one news item, project, event or page (or of a version of one)."""
        if entry.pact and not entry.slug:  # a version of a pact's description
            return f"{self.pact(entry.pact)}{entry.variant}/"
        url = self.entry_at(entry.kind, entry.pact, entry.slug)
        return f"{url}{entry.variant}/" if entry.variant else url

    def entry_at(self, kind: Kind, pact: str | None, slug: str) -> str:
        """The page of an entry given by kind, pact and slug."""
        if kind is Kind.PAGE:
            return f"{self.pact(pact)}{slug}/" if pact else f"{self.root}{slug}/"
        return f"{self.section(kind, pact)}{slug}/"

    def feed(
        self,
        file_name: str,
        pact: str | None = None,
        sector: str | None = None,
        topic: str | None = None,
    ) -> str:
        """A news feed file (`feed.xml`, `rss.xml`, `feed.json`) of the network, a pact, a
        sector or a topic."""
        if pact:
            return f"{self.pact(pact)}{file_name}"
        if topic:
            return f"{self.topic(topic)}{file_name}"
        return f"{self.sector(sector)}{file_name}" if sector else f"{self.root}{file_name}"

    def calendar(self, pact: str | None = None) -> str:
        """The iCalendar file of all events of the network or of one pact."""
        return f"{self.pact(pact) if pact else self.root}{self.patterns.events}.ics"

    def event_calendar(self, entry: Entry) -> str:
        """The iCalendar file of one event, beside its page (`.../termine/treffen.ics`)."""
        return self.entry(entry).rstrip("/") + ".ics"

    def absolute(self, url: str) -> str:
        """Make a site-absolute URL absolute with the configured base URL."""
        relative = url.lstrip("/")
        if _appends(self.base_url) and not _NOT_PLAIN_PATH.search(relative):
            return self.base_url + relative  # what urljoin gives here, in a tenth of its time
        return urljoin(self.base_url, relative)

    def reserved_pact_segments(self) -> frozenset[str]:
        """Path segments below a pact that its own pages must not take."""
        p = self.patterns
        return frozenset({p.news, p.projects, p.events, p.pagination})

    def reserved_network_segments(self) -> frozenset[str]:
        """Top-level path segments that network pages must not take."""
        p = self.patterns
        return frozenset(
            {
                p.pacts,
                p.news,
                p.projects,
                p.events,
                p.sectors,
                p.funds,
                p.topics,
                NETWORK_SEGMENT,
                "dateien",
                "css",
                "404",
            }
        )


def output_path(url: str) -> PurePosixPath:
    """Map a site-absolute URL to a relative output file; refuse anything outside the root."""
    if not url.startswith("/") or "\\" in url or "\x00" in url:
        raise UnsafeOutputPathError(url)
    relative = url.lstrip("/")
    if url.endswith("/"):
        relative += "index.html"
    if any(part in ("..", ".", "") for part in relative.split("/")):
        raise UnsafeOutputPathError(url)
    return PurePosixPath(relative)


def output_url(path: PurePosixPath) -> str:
    """The site-absolute URL of an output file, as `output_path` maps it (`a/index.html` is
    `/a/`)."""
    return ("/" + str(path)).removesuffix("index.html")


def alias_url(alias: str) -> str:
    """Normalise an old address as editors write it (`/alt/`, `alt`, `/alt/index.html`)."""
    url = "/" + alias.strip().lstrip("/")
    url = url.removesuffix("index.html")
    return url if url.endswith(("/", ".html")) else url + "/"
