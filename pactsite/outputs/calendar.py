"""iCalendar (RFC 5545) files: all events of the network, of each pact, and one per event.

Written with the `icalendar` library, which folds lines and escapes text. Times of day are
given in UTC (`...Z`): exact for every year, with no VTIMEZONE to keep in step with the
time-zone database; `X-WR-TIMEZONE` tells calendar programs the network's zone for display.
All-day events are DATE values. UIDs are `<entry key>@<tag authority>` and DTSTAMP is the
event's own date (its publish moment, else its start), so rebuilds give the same bytes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pactsite.content.config import SiteConfig
from pactsite.model import Event, Site
from pactsite.outputs import OutputFile
from pactsite.urls import UrlScheme, output_path

if TYPE_CHECKING:
    import icalendar

PRODUCT_ID = "-//pactsite//pactsite//DE"
_END = b"END:VCALENDAR\r\n"


def build_calendars(
    site: Site, config: SiteConfig, urls: UrlScheme, now: dt.datetime
) -> list[OutputFile]:
    """Write `/termine.ics`, `/pakte/<pact>/termine.ics` and `<event page>.ics` for each event.

    Subscribed calendars never carry drafts or events before their publish moment; each
    event page (also in a `--drafts` preview) has its own file.
    """
    vevents = {event.key: _vevent(event, config, urls).to_ical() for event in site.events}
    public = [e for e in site.events if not e.draft and (e.publish is None or e.publish <= now)]
    files = [_file(urls.calendar(), config.title, [vevents[e.key] for e in public], config)]
    for pact in site.pacts:
        events = [vevents[e.key] for e in public if pact.key in e.in_pacts]
        name = f"{pact.name} – {config.title}"
        files.append(_file(urls.calendar(pact.key), name, events, config))
    files.extend(
        _file(urls.event_calendar(event), event.title, [vevents[event.key]], config)
        for event in site.events
    )
    return files


def event_uid(event: Event, config: SiteConfig) -> str:
    """The event's UID for calendar programs: stable across rebuilds and site moves."""
    return f"{event.key}@{config.tag_authority}"


def _file(url: str, name: str, vevents: Sequence[bytes], config: SiteConfig) -> OutputFile:
    """A calendar of already serialised events (each event goes into up to three files).

    `icalendar` writes a calendar as its own lines, then each event's, then `END:VCALENDAR`;
    so the events' bytes go right before that last line.
    """
    import icalendar  # here: a quick rebuild writes no calendar and need not import it

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", config.timezone)
    head = calendar.to_ical()
    if not head.endswith(_END):
        raise ValueError(f"icalendar wrote an unexpected end: {head[-40:]!r}")
    return OutputFile(output_path(url), head[: -len(_END)] + b"".join(vevents) + _END)


def _vevent(event: Event, config: SiteConfig, urls: UrlScheme) -> icalendar.Event:
    import icalendar

    vevent = icalendar.Event()
    vevent.add("uid", event_uid(event, config))
    vevent.add("dtstamp", _utc(event.publish or _moment(event.start, config)))
    vevent.add("summary", event.title)
    if event.all_day:
        start = _day(event.start)
        vevent.add("dtstart", start)
        last = _day(event.end) if event.end is not None else start
        if last > start and last < dt.date.max:  # DTEND of a DATE event is exclusive
            vevent.add("dtend", last + dt.timedelta(days=1))
    else:
        vevent.add("dtstart", _utc(_moment(event.start, config)))
        if event.end is not None:
            end = event.end
            if not isinstance(end, dt.datetime) and end < dt.date.max:
                end = end + dt.timedelta(days=1)  # a date as end: the end of that day
            vevent.add("dtend", _utc(_moment(end, config)))
    if event.location:
        vevent.add("location", event.location)
    vevent.add("description", event.summary or event.title)
    vevent.add("url", urls.absolute(urls.entry(event)))
    if event.sectors:
        vevent.add("categories", [config.sectors[s] for s in event.sectors])
    return vevent


def _day(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _moment(value: dt.date | dt.datetime, config: SiteConfig) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value, dt.time(), tzinfo=config.zone)


def _utc(moment: dt.datetime) -> dt.datetime:
    """The moment in UTC; the edges of the calendar (year 1, year 9999) clamp."""
    try:
        return moment.astimezone(dt.UTC)
    except OverflowError:
        edge = dt.datetime.min if moment.year < 2 else dt.datetime.max
        return edge.replace(microsecond=0, tzinfo=dt.UTC)
