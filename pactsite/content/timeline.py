"""Time on a static site: when an event starts and is over, and when the output next changes.

A static site changes only when it is built. What the build shows depends on its `now`:
entries appear at `publish` and vanish at `expires`, an event is shown as running from its
start and moves from the upcoming to the past events when it is over. The earliest of these
moments after `now` is when the site should be built again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from zoneinfo import ZoneInfo

from pactsite.model import Event, Site


def event_start(event: Event, zone: ZoneInfo) -> dt.datetime:
    """When an event begins: its start time, or midnight of its first day."""
    if isinstance(event.start, dt.datetime):
        return event.start
    return dt.datetime.combine(event.start, dt.time(), tzinfo=zone)


def event_over(event: Event, zone: ZoneInfo) -> dt.datetime | None:
    """When an event is over: its end time, else midnight after its last day (None: never)."""
    if isinstance(event.end, dt.datetime):
        return event.end
    last = event.end or event.start
    day = last.date() if isinstance(last, dt.datetime) else last
    if day >= dt.date.max:
        return None
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone)


def is_past(event: Event, zone: ZoneInfo, now: dt.datetime) -> bool:
    """Whether the event is over at `now`."""
    over = event_over(event, zone)
    return over is not None and over <= now


def is_running(event: Event, zone: ZoneInfo, now: dt.datetime) -> bool:
    """Whether the event has begun and is not over at `now`."""
    return event_start(event, zone) <= now and not is_past(event, zone, now)


def split_events(
    events: Sequence[Event], zone: ZoneInfo, now: dt.datetime
) -> tuple[list[Event], list[Event]]:
    """Split events (in date order) into upcoming or running, and past, as of `now`."""
    upcoming = [e for e in events if not is_past(e, zone, now)]
    past = [e for e in events if is_past(e, zone, now)]
    return upcoming, past


def change_moments(site: Site, zone: ZoneInfo) -> Iterator[dt.datetime]:
    """Every moment at which a build's output changes: publish, expires, event start and end."""
    yield from site.scheduled
    for event in site.events:
        yield event_start(event, zone)
        over = event_over(event, zone)
        if over is not None:
            yield over


def next_change(site: Site, zone: ZoneInfo, now: dt.datetime) -> dt.datetime | None:
    """The first moment after `now` at which the site would look different, in `zone`."""
    later = [m for m in change_moments(site, zone) if m > now]
    if not later:
        return None
    try:
        return min(later).astimezone(zone)
    except OverflowError:
        return min(later)
