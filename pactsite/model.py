"""The site model: frozen, complete-when-constructed records of pacts and their entries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType

from pactsite.slugs import slugify

EntryKey = str
"""What editors type to reach an entry: `altmark/projects/jugend`, `pages/impressum`."""


class Kind(Enum):
    """The content types of DESIGN.md; the value is the folder name under a pact."""

    NEWS = "news"
    PROJECT = "projects"
    EVENT = "events"
    PAGE = "pages"


class Status(Enum):
    """The life cycle of a project."""

    PLANNED = "planned"
    RUNNING = "running"
    COMPLETED = "completed"


MEMBER_KINDS = ("company", "institution", "municipality", "chamber", "agency", "association")


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceRef:
    """Where something came from: the site-relative path and the body's first line."""

    path: str
    body_line: int = 1
    key_lines: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))

    def line_of(self, key: str) -> int:
        """The line of a front-matter key (`aliases`, `aliases.1`), else the first line."""
        return self.key_lines.get(key, 1)


@dataclass(frozen=True, slots=True, kw_only=True)
class Contact:
    """A contact person or office; every part optional."""

    name: str = ""
    organisation: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Member:
    """A member of a pact: a company, institution, municipality, chamber, agency or association."""

    name: str
    kind: str
    url: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Pact:
    """A regional pact: its profile from `pact.yaml` and its optional `index.md`."""

    key: EntryKey
    name: str
    short_name: str
    source: SourceRef
    region: str = ""
    state: str = ""
    website: str = ""
    contact: Contact | None = None
    members: tuple[Member, ...] = ()
    sectors: tuple[str, ...] = ()
    founded: str = ""
    funders: tuple[str, ...] = ()
    join: str = ""
    color: str = ""
    logo: str = ""
    editors: tuple[str, ...] = ()
    """Who may change the pact's folder: git hosting handles or e-mail addresses."""
    feed: str = ""
    """The news feed of the pact's own website (Atom, RSS or JSON Feed), if it has one."""
    body: str = ""
    body_source: SourceRef | None = None
    language: str = ""
    """The language of the pact's texts where it differs from the site's (a pact shown
    untranslated in a further language); empty on a one-language site."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    """What every news item, project, event and page has in common."""

    key: EntryKey
    kind: Kind
    pact: str | None
    slug: str
    title: str
    source: SourceRef
    has_body: bool = False
    """Whether the file has Markdown text below its front matter. The text itself is not
    kept: it is rendered while the site is checked, and templates show a body only as HTML
    (`html[key]`), which the page cache relies on."""
    summary: str = ""
    sectors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    """The tags as the editor wrote them; `Site.topics` groups them into topics."""
    draft: bool = False
    publish: dt.datetime | None = None
    expires: dt.datetime | None = None
    aliases: tuple[str, ...] = ()
    variant: str = ""
    """Set on another version of a page, e.g. `leichte-sprache`; empty on the page itself."""
    language: str = ""
    """The language code of a translation (in the site of that language); empty on an
    original."""
    pacts: tuple[str, ...] = ()
    """Further pacts the entry belongs to (`pacts: [altmark]`); its URL stays under `pact`."""
    copies: tuple[tuple[EntryKey, str], ...] = ()
    """Identical copies of this entry in other pacts (key, path): warned about, not built;
    their addresses redirect here and links to them lead here."""

    @property
    def in_pacts(self) -> tuple[str, ...]:
        """Every pact the entry is shown in: its own folder's first, then the ones it names."""
        if not self.pacts:  # the common case, without making a dict
            return (self.pact,) if self.pact else ()
        return tuple(dict.fromkeys((self.pact, *self.pacts))) if self.pact else self.pacts


@dataclass(frozen=True, slots=True, kw_only=True)
class News(Entry):
    """A news article."""

    date: dt.date
    updated: dt.date | None = None
    author: str = ""
    image: str = ""
    image_alt: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Project(Entry):
    """A project of the directory."""

    status: Status
    fund: str = ""
    target_groups: tuple[str, ...] = ()
    start: dt.date | None = None
    end: dt.date | None = None
    budget_eur: float | None = None
    partners: tuple[str, ...] = ()
    contact: str = ""
    location: str = ""
    image: str = ""
    image_alt: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Event(Entry):
    """A meeting or date; `start` is a date for all-day events, else an aware datetime."""

    start: dt.date | dt.datetime
    end: dt.date | dt.datetime | None = None
    location: str = ""
    organisers: tuple[str, ...] = ()

    @property
    def in_pacts(self) -> tuple[str, ...]:
        """Every pact the event is shown in; its organisers are among them."""
        own = (self.pact,) if self.pact else ()
        return tuple(dict.fromkeys((*own, *self.pacts, *self.organisers)))

    @property
    def all_day(self) -> bool:
        """Whether the event has no time of day."""
        return not isinstance(self.start, dt.datetime)


@dataclass(frozen=True, slots=True, kw_only=True)
class Page(Entry):
    """A page of the network or of one pact."""

    weight: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class Topic:
    """A tag of the site, however its entries spell it: its slug, label and entries."""

    slug: str
    label: str
    keys: tuple[EntryKey, ...]
    """The entries with this tag, newest first."""
    language: str = ""
    """The language of the label where it is not the page's: a tag of a further language's
    page that site.yaml's `translations:` does not translate."""


@dataclass(frozen=True, slots=True, kw_only=True)
class WebsiteNews:
    """A news item from the feed of a pact's own website: no page here, it links there."""

    pact: str
    id: str
    """Stable and unique: the pact and a digest of the item's id in its feed."""
    title: str
    url: str
    """The original on the pact's website."""
    published: dt.datetime
    date: dt.date
    """`published` in the site's time zone: what lists show and sort by."""
    summary: str = ""
    """Plain text, short, for lists."""
    summary_html: str = ""
    """Sanitised HTML (the Markdown allow-list, no images, absolute links), for feeds."""
    sectors: tuple[str, ...] = ()
    """The site's sectors the feed gave as categories of the item."""

    @property
    def in_pacts(self) -> tuple[str, ...]:
        """The pact whose website the item comes from."""
        return (self.pact,)


def _frozen_map() -> Mapping[EntryKey, Entry]:
    return MappingProxyType({})


def _frozen_paths() -> Mapping[EntryKey, str]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True, kw_only=True)
class Site:
    """The whole network: pacts and their entries, with the indexes the outputs need."""

    pacts: tuple[Pact, ...]
    entries: Mapping[EntryKey, Entry] = field(default_factory=_frozen_map)
    news: tuple[News, ...] = ()
    projects: tuple[Project, ...] = ()
    events: tuple[Event, ...] = ()
    pages: tuple[Page, ...] = ()
    variants: tuple[Page, ...] = ()
    hidden: Mapping[EntryKey, str] = field(default_factory=_frozen_paths)
    """Entries not shown in this build (drafts, not yet or no longer published): key -> path."""
    scheduled: tuple[dt.datetime, ...] = ()
    """Every publish and expires moment of the site's entries, shown or not, in order."""
    topics: tuple[Topic, ...] = ()
    """The topics of the shown entries' tags, in the order of their labels."""
    topic_of_tag: Mapping[str, str] = field(default_factory=_frozen_paths)
    """The slug of the topic of each tag in use, by the tag's slug."""
    website_news: tuple[WebsiteNews, ...] = ()
    """News from the feeds of the pacts' own websites, newest first."""
    translations: Mapping[str, Site] = field(default_factory=lambda: MappingProxyType({}))
    """The site in each further language (its entries: those translated, same keys)."""
    pacts_by_key: Mapping[str, Pact] = field(init=False, repr=False, compare=False)
    """The pacts by key (made from `pacts`; the outputs look pacts up tens of thousands of
    times)."""

    topics_by_slug: Mapping[str, Topic] = field(init=False, repr=False, compare=False)
    """The topics by slug (made from `topics`)."""

    def __post_init__(self) -> None:
        index = MappingProxyType({p.key: p for p in self.pacts})
        object.__setattr__(self, "pacts_by_key", index)
        topics = MappingProxyType({topic.slug: topic for topic in self.topics})
        object.__setattr__(self, "topics_by_slug", topics)

    def pact(self, key: str) -> Pact:
        """Return the pact with this key (KeyError if there is none)."""
        return self.pacts_by_key[key]

    def of_pact(self, pact: str) -> PactEntries:
        """Return the news, projects, events and pages of one pact."""
        return PactEntries(
            news=tuple(n for n in self.news if pact in n.in_pacts),
            website_news=tuple(n for n in self.website_news if n.pact == pact),
            projects=tuple(p for p in self.projects if pact in p.in_pacts),
            events=tuple(e for e in self.events if pact in e.in_pacts),
            pages=tuple(p for p in self.pages if p.pact == pact),
        )

    def topics_of(self, entry: Entry) -> tuple[Topic, ...]:
        """The topics of an entry's tags, in the order it names them."""
        return self.topics_of_tags(entry.tags)

    def topics_of_tags(self, tags: Sequence[str]) -> tuple[Topic, ...]:
        """The topics of these tags, in their order (one topic once)."""
        if not tags:
            return ()
        slugs = dict.fromkeys(self.topic_of_tag.get(slugify(tag), "") for tag in tags)
        return tuple(self.topics_by_slug[s] for s in slugs if s in self.topics_by_slug)

    @property
    def all_news(self) -> tuple[News | WebsiteNews, ...]:
        """The network's articles and the pacts' website news, newest first."""
        return merged_news(self.news, self.website_news)

    @property
    def network_pages(self) -> tuple[Page, ...]:
        """Pages that belong to the network rather than to one pact."""
        return tuple(p for p in self.pages if p.pact is None)


@dataclass(frozen=True, slots=True, kw_only=True)
class PactEntries:
    """The entries of one pact, in the site's orders."""

    news: tuple[News, ...]
    projects: tuple[Project, ...]
    events: tuple[Event, ...]
    pages: tuple[Page, ...]
    website_news: tuple[WebsiteNews, ...] = ()

    @property
    def all_news(self) -> tuple[News | WebsiteNews, ...]:
        """The pact's news and its website's, newest first."""
        return merged_news(self.news, self.website_news)


def merged_news(
    news: Sequence[News], website_news: Sequence[WebsiteNews]
) -> tuple[News | WebsiteNews, ...]:
    """Articles and website news in one list, newest first; on the same day articles first."""
    if not website_news:
        return tuple(news)
    both: list[News | WebsiteNews] = [*news, *website_news]
    return tuple(sorted(both, key=lambda item: item.date, reverse=True))  # stable
