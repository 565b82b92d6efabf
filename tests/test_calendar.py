"""Calendars and time: iCalendar files read back with `icalendar`, upcoming and past events
by the build's clock, publish and expires, and the next moment the site changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from pactsite.render.hyphenate import SOFT_HYPHEN

from conftest import REPOSITORY, Run, parse_page, run_pactsite

Build = Callable[..., tuple[Run, Path]]
BERLIN = ZoneInfo("Europe/Berlin")
ALTMARK_UID = "altmark/events/treffen@pakte.example.org"
HALLE_UID = "halle/events/erfahrungsaustausch@pakte.example.org"
NEW_YEAR = "2003-01-01T12:00+01:00"


@pytest.fixture(scope="module")
def pinned_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Path]:
    """The example network built as of 1 January 2003, noon in Berlin."""
    out = tmp_path_factory.mktemp("pinned") / "public"
    run = run_pactsite("build", "--site", str(REPOSITORY), "--output", str(out), "--now", NEW_YEAR)
    assert run.exit_code == 0, run.stderr
    return run, out


def events_of(path: Path) -> dict[str, icalendar.Event]:
    """The VEVENTs of an .ics file by UID."""
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_network_calendar_has_every_event_with_times_in_the_right_zone(
    pinned_build: tuple[Run, Path],
) -> None:
    _, out = pinned_build
    calendar = icalendar.Calendar.from_ical((out / "termine.ics").read_bytes())
    assert str(calendar["VERSION"]) == "2.0" and calendar["PRODID"]
    events = events_of(out / "termine.ics")
    assert set(events) == {ALTMARK_UID, HALLE_UID}
    altmark = events[ALTMARK_UID]
    assert altmark.decoded("DTSTART") == dt.datetime(2003, 1, 15, 16, 0, tzinfo=BERLIN)
    assert altmark.decoded("DTEND") == dt.datetime(2003, 1, 15, 18, 0, tzinfo=BERLIN)
    assert altmark.decoded("DTSTART").tzinfo is not None
    assert (
        str(altmark["SUMMARY"]) == "Fortsetzung des Erfahrungsaustauschs der Pakte in der Altmark"
    )
    assert str(altmark["URL"]) == "https://pakte.example.org/pakte/altmark/termine/treffen/"
    assert str(altmark["LOCATION"]).startswith("Altmark")
    assert str(altmark["DESCRIPTION"]).startswith("Die Pakte setzen")
    halle = events[HALLE_UID]
    assert halle.decoded("DTSTART") == dt.date(2002, 10, 16)  # all day: a DATE value
    assert "DTEND" not in halle
    assert b"DTSTART;VALUE=DATE:20021016" in (out / "termine.ics").read_bytes()


def test_dtstamp_is_the_events_own_date_not_the_build_time(pinned_build: tuple[Run, Path]) -> None:
    _, out = pinned_build
    events = events_of(out / "termine.ics")
    assert events[ALTMARK_UID].decoded("DTSTAMP") == dt.datetime(2003, 1, 15, 15, 0, tzinfo=dt.UTC)
    assert events[HALLE_UID].decoded("DTSTAMP") == dt.datetime(2002, 10, 15, 22, 0, tzinfo=dt.UTC)


def test_each_pact_has_a_calendar_of_its_own_events(pinned_build: tuple[Run, Path]) -> None:
    _, out = pinned_build
    assert set(events_of(out / "pakte/altmark/termine.ics")) == {ALTMARK_UID}
    assert set(events_of(out / "pakte/halle/termine.ics")) == {HALLE_UID}
    assert events_of(out / "pakte/worms/termine.ics") == {}


def test_upcoming_events_offer_their_ics_file_past_ones_do_not(
    pinned_build: tuple[Run, Path],
) -> None:
    _, out = pinned_build  # on 1 January 2003: Altmark's meeting is ahead, Halle's is past
    upcoming, past = "pakte/altmark/termine/treffen", "pakte/halle/termine/erfahrungsaustausch"
    links = parse_page(out / upcoming / "index.html").xpath(
        "//main//a[normalize-space()='In den Kalender']/@href"
    )
    assert links == [f"/{upcoming}.ics"]
    assert set(events_of(out / f"{upcoming}.ics")) == {ALTMARK_UID}
    page = parse_page(out / past / "index.html")
    assert not page.xpath("//main//a[@type='text/calendar' or contains(@href, '.ics')]")
    assert "bereits stattgefunden" in page.xpath("string(//main)")
    assert set(events_of(out / f"{past}.ics")) == {HALLE_UID}  # the file stays for old links


def test_lines_are_folded_and_text_escaped(minimal_site: Path, build_minimal: Build) -> None:
    (minimal_site / "content/pacts/alpha/events/2003-03-01-lang.md").write_text(
        "---\ntitle: 'Treffen; Komma, Backslash \\ und ein sehr langer Titel, der weit über "
        "fünfundsiebzig Zeichen hinausgeht'\nstart: 2003-03-01\nend: 2003-03-02\n"
        "location: 'Saal 1, Rathaus; Eingang B'\n---\nText.\n",
        encoding="utf-8",
    )
    run, out = build_minimal()
    assert run.exit_code == 0, run.stderr
    raw = (out / "termine.ics").read_bytes()
    assert all(len(line) <= 75 for line in raw.split(b"\r\n")), "lines must be folded"
    assert b"LOCATION:Saal 1\\, Rathaus\\; Eingang B" in raw
    event = events_of(out / "termine.ics")["alpha/events/lang@test.example.org"]
    assert str(event["SUMMARY"]).startswith("Treffen; Komma, Backslash \\ und")
    assert event.decoded("DTSTART") == dt.date(2003, 3, 1)
    assert event.decoded("DTEND") == dt.date(2003, 3, 3)  # exclusive: two whole days


def test_events_page_shows_upcoming_first_then_past_by_the_builds_clock(
    pinned_build: tuple[Run, Path], tmp_path: Path
) -> None:
    def sections(out: Path) -> list[tuple[str, list[str]]]:
        page = parse_page(out / "termine/index.html")
        found = []
        for heading in page.xpath("//main//h2"):
            cards = heading.xpath("following-sibling::*[1][self::ul]//h3/a/text()")
            titles = [c.replace(SOFT_HYPHEN, "").strip() for c in cards]
            found.append((heading.text_content().strip(), titles))
        return found

    _, out = pinned_build
    assert sections(out) == [
        ("Nächste Termine", ["Fortsetzung des Erfahrungsaustauschs der Pakte in der Altmark"]),
        ("Vergangene Termine", ["Informations- und Erfahrungsaustausch der Pakte für Arbeit"]),
    ]
    later = tmp_path / "later"
    run = run_pactsite(
        "build",
        "--site",
        str(REPOSITORY),
        "--output",
        str(later),
        "--now",
        "2003-01-15T18:00+01:00",
    )
    assert run.exit_code == 0, run.stderr
    assert sections(later) == [
        ("Nächste Termine", []),
        (
            "Vergangene Termine",
            [
                "Fortsetzung des Erfahrungsaustauschs der Pakte in der Altmark",
                "Informations- und Erfahrungsaustausch der Pakte für Arbeit",
            ],
        ),
    ]


def test_event_page_says_when_the_event_is_running_or_over(tmp_path: Path) -> None:
    page = "pakte/altmark/termine/treffen/index.html"
    states = {}
    for now in ("2003-01-15T16:30+01:00", "2003-01-15T18:00+01:00"):
        out = tmp_path / now[11:13]
        run = run_pactsite("build", "--site", str(REPOSITORY), "--output", str(out), "--now", now)
        assert run.exit_code == 0, run.stderr
        states[now] = parse_page(out / page).xpath("string(//p[contains(@class, 'event-state')])")
    assert states == {
        "2003-01-15T16:30+01:00": "Dieser Termin läuft gerade.",
        "2003-01-15T18:00+01:00": "Dieser Termin hat bereits stattgefunden.",
    }


def test_the_build_prints_and_writes_the_next_change(pinned_build: tuple[Run, Path]) -> None:
    run, out = pinned_build
    assert "next change: 2003-01-15 16:00 Europe/Berlin" in run.output.splitlines()
    assert (out / ".pactsite/next-build.txt").read_text(encoding="utf-8") == (
        "2003-01-15T16:00:00+01:00\nnext change: 2003-01-15 16:00 Europe/Berlin\n"
    )


@pytest.mark.parametrize(
    ("now", "line"),
    [
        ("2003-01-15T16:00+01:00", "2003-01-15T18:00:00+01:00"),  # running: next is its end
        ("2003-01-15T18:00+01:00", "none"),  # nothing ahead
    ],
)
def test_next_change_moves_on_with_the_clock(tmp_path: Path, now: str, line: str) -> None:
    out = tmp_path / "public"
    run = run_pactsite("build", "--site", str(REPOSITORY), "--output", str(out), "--now", now)
    assert run.exit_code == 0, run.stderr
    assert (out / ".pactsite/next-build.txt").read_text(encoding="utf-8").splitlines()[0] == line


def _news(site: Path, name: str, extra: str) -> None:
    (site / "content/pacts/alpha/news" / name).write_text(
        f"---\ntitle: Zeitgesteuert\ndate: 2003-02-01\n{extra}\n---\nText.\n", encoding="utf-8"
    )


def test_publish_and_expires_show_an_entry_only_in_between(
    minimal_site: Path, build_minimal: Build
) -> None:
    _news(minimal_site, "2003-02-01-zeit.md", 'publish: "2003-02-01 09:00"\nexpires: 2003-03-01')
    page = Path("pakte/alpha/aktuelles/zeit/index.html")
    seen = {}
    for now in ("2003-02-01T08:59+01:00", "2003-02-01T09:00+01:00", "2003-03-01T00:00+01:00"):
        run, out = build_minimal("--now", now)
        assert run.exit_code == 0, run.stderr
        seen[now] = ((out / page).is_file(), run.output.splitlines()[-1])
    assert seen == {
        "2003-02-01T08:59+01:00": (False, "next change: 2003-02-01 09:00 Europe/Berlin"),
        "2003-02-01T09:00+01:00": (True, "next change: 2003-03-01 00:00 Europe/Berlin"),
        "2003-03-01T00:00+01:00": (False, "next change: none"),
    }


def test_publish_is_compared_in_the_sites_time_zone(
    minimal_site: Path, build_minimal: Build
) -> None:
    _news(minimal_site, "2003-02-01-zeit.md", 'publish: "2003-07-01 09:00"')
    # 08:30 UTC is 10:30 in Berlin (summer time): published
    run, out = build_minimal("--now", "2003-07-01T08:30:00+00:00")
    assert run.exit_code == 0, run.stderr
    assert (out / "pakte/alpha/aktuelles/zeit/index.html").is_file()
    # 06:30 UTC is 08:30 in Berlin: not yet
    run, out = build_minimal("--now", "2003-07-01T06:30:00+00:00")
    assert not (out / "pakte/alpha/aktuelles/zeit/index.html").is_file()


def test_a_preview_shows_scheduled_entries_but_not_expired_ones(
    minimal_site: Path, build_minimal: Build
) -> None:
    _news(minimal_site, "2003-02-01-bald.md", "publish: 2099-01-01")
    _news(minimal_site, "2003-02-01-weg.md", "expires: 2003-01-01")
    run, out = build_minimal("--drafts", "--now", "2003-06-01T00:00+02:00")
    assert run.exit_code == 0, run.stderr
    assert (out / "pakte/alpha/aktuelles/bald/index.html").is_file()
    assert not (out / "pakte/alpha/aktuelles/weg/index.html").is_file()


def test_a_bad_pinned_clock_is_refused(minimal_site: Path) -> None:
    run = run_pactsite("build", "--site", str(minimal_site), "--now", "morgen")
    assert run.exit_code == 2
    assert "'morgen' is not an ISO 8601 moment" in run.stderr


def test_a_drafts_publish_date_does_not_call_for_a_build(
    minimal_site: Path, build_minimal: Build
) -> None:
    _news(minimal_site, "2003-02-01-zeit.md", "publish: 2003-02-01\ndraft: true")
    run, _ = build_minimal("--now", "2003-01-20T00:00+01:00")
    assert run.output.splitlines()[-1] == "next change: none"
    run, _ = build_minimal("--drafts", "--now", "2003-01-20T00:00+01:00")
    assert run.output.splitlines()[-1] == "next change: 2003-02-01 00:00 Europe/Berlin"
