"""The feeds of the pacts' own websites (`feed:` in pact.yaml) in the network's news.

A loopback server stands in for the pacts' websites (PACTSITE_ALLOW_LOCAL_URLS=1): feeds in
all three formats with hostile HTML, and every fault a website can have. No test reaches
the internet.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Iterator
from pathlib import Path

import feedparser
import lxml.etree
import pytest
from test_feeds import atom_schema  # noqa: F401  (a fixture)

from pactsite.build.feedstore import FEEDS_DIR

from conftest import Run, parse_page, run_pactsite
from remote_server import Handler, RouteServer, answer, endless, redirect, serving

NOW = "2003-02-01T12:00+01:00"
HOSTILE = (
    '<p>Neue <strong>Stellen</strong> <a href="javascript:pwned(1)">hier</a> '
    '<a href="/stellen">Liste</a><img src="https://tracker.example/pixel.gif" '
    'onerror="pwned(2)"><script>pwned(3)</script>'
    '<span onclick="pwned(4)">Klick</span></p>'
)
FORBIDDEN = ("pwned", "javascript:", "onerror", "onclick", "tracker.example")


def atom(title: str = "Stellenbörse eröffnet", day: str = "2003-01-20") -> bytes:
    """An Atom feed with one hostile item (and one without a date, which is left out)."""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
 <title>Pakt Alpha</title><id>urn:alpha</id><updated>{day}T10:00:00Z</updated>
 <entry><title>{title}</title><id>urn:alpha:1</id>
  <link href="https://alpha.example.org/aktuelles/stellen"/>
  <updated>{day}T10:00:00Z</updated>
  <category term="chemie"/>
  <summary type="html">{escape(HOSTILE)}</summary></entry>
 <entry><title>Ohne Datum</title><id>urn:alpha:2</id>
  <link href="https://alpha.example.org/ohne-datum"/></entry>
</feed>""".encode()


def rss() -> bytes:
    """An RSS 2.0 feed with one hostile item (and one without a date, in an undated feed)."""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Alpha</title><link>https://alpha.example.org/</link>
<description>x</description>
<item><title>Stellenbörse eröffnet</title><link>https://alpha.example.org/aktuelles/stellen</link>
<guid>https://alpha.example.org/aktuelles/stellen</guid>
<pubDate>Mon, 20 Jan 2003 10:00:00 GMT</pubDate>
<description>{escape(HOSTILE)}</description></item>
<item><title>Ohne Datum</title><link>https://alpha.example.org/ohne-datum</link></item>
</channel></rss>""".encode()


def json_feed() -> bytes:
    """A JSON Feed 1.1 with one hostile item."""
    item = {
        "id": "1",
        "url": "https://alpha.example.org/aktuelles/stellen",
        "title": "Stellenbörse eröffnet",
        "content_html": HOSTILE,
        "date_published": "2003-01-20T10:00:00Z",
        "tags": ["Chemische Industrie"],
    }
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": "Alpha", "items": [item]}
    return json.dumps(feed).encode()


def escape(html: str) -> str:
    """`html` as text inside XML."""
    return html.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Switch:
    """A route whose answer a test changes between builds."""

    def __init__(self) -> None:
        self.route = answer(200, atom(), {"Content-Type": "application/atom+xml"})

    def __call__(self, handler: Handler) -> None:
        self.route(handler)


@pytest.fixture
def website(monkeypatch: pytest.MonkeyPatch) -> Iterator[RouteServer]:
    """A pact's website on 127.0.0.1, local addresses allowed."""
    monkeypatch.setenv("PACTSITE_ALLOW_LOCAL_URLS", "1")
    conditional_atom = atom()

    def conditional(handler: Handler) -> None:
        if handler.headers.get("If-None-Match") == '"v1"':
            answer(304, b"", {"ETag": '"v1"'})(handler)
        else:
            answer(200, conditional_atom, {"ETag": '"v1"'})(handler)

    routes = {
        "/atom.xml": answer(200, atom(), {"Content-Type": "application/atom+xml"}),
        "/rss.xml": answer(200, rss(), {"Content-Type": "application/rss+xml"}),
        "/feed.json": answer(200, json_feed(), {"Content-Type": "application/feed+json"}),
        "/conditional.xml": conditional,
        "/switch.xml": Switch(),
        "/loop": redirect("/loop"),
    }
    with serving(routes) as server:
        yield server


def with_feed(site: Path, url: str, pact: str = "alpha") -> int:
    """Give the pact a `feed:`; return its line in pact.yaml."""
    profile = site / "content" / "pacts" / pact / "pact.yaml"
    text = profile.read_text(encoding="utf-8").rstrip("\n") + f"\nfeed: {url}\n"
    profile.write_text(text, encoding="utf-8")
    return text.count("\n")


def build(site: Path, *args: str, out: str = "public") -> Run:
    """Build the site at the pinned moment; fail the test on a failed build."""
    run = run_pactsite(
        "build", "--site", str(site), "--now", NOW, "--output", str(site / out), *args
    )
    assert run.exit_code == 0, run.stderr
    return run


def output_text(out: Path) -> str:
    """Every page and feed of a built site, as one text."""
    suffixes = (".html", ".xml", ".json")
    return "\n".join(shown(p) for p in sorted(out.rglob("*")) if p.suffix in suffixes)


def shown(path: Path) -> str:
    """A built file's text without the soft hyphens of long words in titles."""
    return path.read_text(encoding="utf-8").replace("\xad", "")


@pytest.mark.parametrize("path", ["/atom.xml", "/rss.xml", "/feed.json"])
def test_website_news_appear_marked_linked_and_sanitised(
    minimal_site: Path, website: RouteServer, path: str
) -> None:
    with_feed(minimal_site, website.base + path)
    build(minimal_site)
    out = minimal_site / "public"
    original = "https://alpha.example.org/aktuelles/stellen"
    for page in ("aktuelles/index.html", "pakte/alpha/index.html", "index.html"):
        html = parse_page(out / page)
        links = html.xpath(f'//article[a or .//a[@href="{original}"]]//a[@href="{original}"]')
        assert links and links[0].text.replace("\xad", "") == "Stellenbörse eröffnet", page
        card = links[0].getparent().getparent()
        assert "von der Website des Pakts Alpha" in card.text_content(), page
    assert "von der Website" not in (out / "pakte/beta/index.html").read_text(encoding="utf-8")
    assert not (out / "pakte/alpha/aktuelles/stellen").exists()  # no page of its own
    text = output_text(out)
    for forbidden in FORBIDDEN:
        assert forbidden not in text
    # an undated item takes its feed's date; without one (RSS here) it is left out
    assert ("Ohne Datum" in text) == (path == "/atom.xml")


def test_website_news_are_in_the_network_pact_and_fitting_sector_feeds(
    minimal_site: Path,
    website: RouteServer,
    atom_schema: lxml.etree.RelaxNG,  # noqa: F811
) -> None:
    with_feed(minimal_site, website.base + "/atom.xml")
    build(minimal_site)
    out = minimal_site / "public"
    original = "https://alpha.example.org/aktuelles/stellen"
    for feed in ("feed.xml", "pakte/alpha/feed.xml", "branchen/chemie/feed.xml"):
        parsed = feedparser.parse((out / feed).read_bytes())
        assert not parsed.bozo, feed
        entry = next(e for e in parsed.entries if e.link == original)
        assert "https://test.example.org/stellen" not in entry.summary
        assert 'href="https://alpha.example.org/stellen"' in entry.content[0].value
        assert atom_schema.validate(lxml.etree.parse(str(out / feed))), atom_schema.error_log
    for feed in ("pakte/beta/feed.xml", "branchen/ikt/feed.xml"):
        assert original not in (out / feed).read_text(encoding="utf-8")
    items = json.loads((out / "feed.json").read_text(encoding="utf-8"))["items"]
    assert any(item["url"] == original for item in items)
    rss = feedparser.parse((out / "rss.xml").read_bytes())
    assert not rss.bozo and any(item.link == original for item in rss.entries)


def test_a_feed_nested_too_deeply_is_no_feed_not_a_crash() -> None:
    from pactsite.content.webfeed import parse_website_feed

    items, problem = parse_website_feed(b"{" + b'"a":[' * 100_000, "https://a.example/")
    assert items == () and problem is not None


def test_the_same_fetched_feed_gives_byte_identical_output(
    minimal_site: Path, website: RouteServer
) -> None:
    with_feed(minimal_site, website.base + "/atom.xml")
    build(minimal_site, "--no-cache", out="first")
    time.sleep(1.1)  # a fetch time in the output would differ now
    build(minimal_site, "--no-cache", out="second")
    first, second = minimal_site / "first", minimal_site / "second"
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for file in files:
        assert (first / file).read_bytes() == (second / file).read_bytes(), file


def switch_to(website: RouteServer, route: object) -> None:
    """Let the switchable feed answer with `route` from now on."""
    switch = website.routes["/switch.xml"]
    assert isinstance(switch, Switch)
    switch.route = route  # type: ignore[assignment]


def bad_xml(handler: Handler) -> None:
    answer(200, b"<?xml version='1.0'?><feed><entry>", {"Content-Type": "text/xml"})(handler)


def not_a_feed(handler: Handler) -> None:
    answer(200, b"<!doctype html><html><body>Willkommen</body></html>")(handler)


@pytest.mark.parametrize(
    ("fault", "said"),
    [
        (answer(500, b"oops"), "500"),
        (endless, "larger than 5 MB"),
        (redirect("/loop"), "loop"),
        (bad_xml, "not valid XML"),
        (not_a_feed, "no feed"),
    ],
    ids=["500", "50-MB", "redirect-loop", "invalid-xml", "not-a-feed"],
)
def test_a_failing_feed_keeps_the_last_good_copy_and_warns_at_the_feed_line(
    minimal_site: Path, website: RouteServer, fault: object, said: str
) -> None:
    line = with_feed(minimal_site, website.base + "/switch.xml")
    build(minimal_site)
    switch_to(website, fault)
    run = build(minimal_site)
    warning = f"content/pacts/alpha/pact.yaml:{line}: warning: the feed"
    assert warning in run.stderr, run.stderr
    assert said in run.stderr
    assert "shown as fetched on 20" in run.stderr  # since when: the day of the good copy
    news = shown(minimal_site / "public/aktuelles/index.html")
    assert "Stellenbörse eröffnet" in news


def test_a_website_that_is_down_keeps_the_last_good_copy(
    minimal_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PACTSITE_ALLOW_LOCAL_URLS", "1")
    with serving({"/atom.xml": answer(200, atom())}) as server:
        line = with_feed(minimal_site, server.base + "/atom.xml")
        build(minimal_site)
    run = build(minimal_site)  # the server is gone: nothing listens on its port
    assert f"pact.yaml:{line}: warning: the feed" in run.stderr
    assert "refused the connection" in run.stderr
    assert "Stellenbörse" in shown(minimal_site / "public/aktuelles/index.html")


def test_a_website_that_never_answers_costs_the_fetch_deadline_at_most(
    minimal_site: Path, website: RouteServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pactsite.remote import http

    from remote_server import silent

    assert http.Limits().total == 10  # a build waits ten seconds at most for the feeds
    # the same path with a deadline of one second, so that the test waits one
    monkeypatch.setattr(http, "Limits", functools.partial(http.Limits, read=1.0, total=1.0))
    line = with_feed(minimal_site, website.base + "/switch.xml")
    switch_to(website, silent)
    started = time.monotonic()
    run = build(minimal_site)
    assert time.monotonic() - started < 1 + 5  # the fetch ≤ 1 s, the build the rest
    assert f"pact.yaml:{line}: warning: the feed" in run.stderr
    assert "never been fetched" in run.stderr


def test_a_feed_never_fetched_is_a_warning_and_offline_fetches_nothing(
    minimal_site: Path, website: RouteServer
) -> None:
    line = with_feed(minimal_site, website.base + "/atom.xml")
    run = build(minimal_site, "--offline")
    assert f"pact.yaml:{line}: warning: the feed" in run.stderr
    assert "not been fetched yet" in run.stderr
    assert website.requests == []


def test_offline_builds_from_the_kept_copy(minimal_site: Path, website: RouteServer) -> None:
    with_feed(minimal_site, website.base + "/switch.xml")
    build(minimal_site)
    asked = len(website.requests)
    switch_to(website, answer(200, atom(title="Neuere Meldung")))
    run = build(minimal_site, "--offline")
    assert len(website.requests) == asked
    assert "warning: the feed" not in run.stderr
    news = shown(minimal_site / "public/aktuelles/index.html")
    assert "Stellenbörse eröffnet" in news and "Neuere Meldung" not in news
    kept = json.loads((minimal_site / FEEDS_DIR / "alpha.json").read_text(encoding="utf-8"))
    assert kept["url"] == website.base + "/switch.xml"
    assert (minimal_site / FEEDS_DIR / "alpha.feed").read_bytes() == atom()


def test_a_changed_feed_changes_the_pages_of_an_incremental_build(
    minimal_site: Path, website: RouteServer
) -> None:
    with_feed(minimal_site, website.base + "/switch.xml")
    build(minimal_site)
    build(minimal_site)  # nothing changed: from the state
    switch_to(website, answer(200, atom(title="Neuere Meldung")))
    build(minimal_site)
    for page in ("aktuelles/index.html", "pakte/alpha/index.html", "feed.xml"):
        text = shown(minimal_site / "public" / page)
        assert "Neuere Meldung" in text and "Stellenbörse" not in text, page
    build(minimal_site, "--no-cache", "--offline", out="clean")  # the same, from scratch
    quick, clean = minimal_site / "public", minimal_site / "clean"
    files = sorted(p.relative_to(clean) for p in clean.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(quick) for p in quick.rglob("*") if p.is_file())
    assert [f for f in files if (quick / f).read_bytes() != (clean / f).read_bytes()] == []


def test_the_second_fetch_is_a_conditional_request(
    minimal_site: Path, website: RouteServer
) -> None:
    with_feed(minimal_site, website.base + "/conditional.xml")
    build(minimal_site)
    run = build(minimal_site)
    assert website.requests[-1][2].get("If-None-Match") == '"v1"'
    assert "warning: the feed" not in run.stderr
    assert "Stellenbörse" in shown(minimal_site / "public/aktuelles/index.html")


def test_a_local_address_is_refused_without_the_environment_variable(
    minimal_site: Path, website: RouteServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PACTSITE_ALLOW_LOCAL_URLS")
    line = with_feed(minimal_site, website.base + "/atom.xml")
    run = build(minimal_site)
    assert f"pact.yaml:{line}: warning: the feed" in run.stderr
    assert "local network" in run.stderr
    assert website.requests == []


def test_the_per_pact_limit_and_the_age_limit_keep_lists_short(
    minimal_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PACTSITE_ALLOW_LOCAL_URLS", "1")
    days = [f"2003-01-{d:02d}" for d in range(1, 16)] + ["2001-06-01"]
    items = [
        {
            "id": day,
            "url": f"https://alpha.example.org/{day}",
            "title": f"Meldung {day}",
            "date_published": f"{day}T08:00:00Z",
        }
        for day in days
    ]
    feed = json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": items}).encode()
    config = minimal_site / "site.yaml"
    config.write_text(config.read_text("utf-8") + "feeds: {pact_limit: 3, pact_max_age: 365}\n")
    with serving({"/feed.json": answer(200, feed)}) as server:
        with_feed(minimal_site, server.base + "/feed.json")
        build(minimal_site)
    text = output_text(minimal_site / "public")
    assert all(f"Meldung 2003-01-{d}" in text for d in (13, 14, 15))
    assert "Meldung 2003-01-12" not in text and "Meldung 2001-06-01" not in text


def test_a_feed_that_is_no_web_address_is_an_error_at_its_line(minimal_site: Path) -> None:
    line = with_feed(minimal_site, "ftp://alpha.example.org/feed.xml")
    run = run_pactsite("check", "--site", str(minimal_site), "--offline", "--lang", "de")
    assert run.exit_code == 1
    assert f"content/pacts/alpha/pact.yaml:{line}: error:" in run.stderr


def test_a_site_without_feeds_imports_no_http_library(minimal_site: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys; from pactsite.cli import main\n"
        "try: main(['build', '--site', sys.argv[1]])\n"
        "except SystemExit: pass\n"
        "print('urllib3' in sys.modules, 'feedparser' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(minimal_site)], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip().endswith("False False"), done.stdout + done.stderr


def test_serve_fetches_before_its_first_build_then_every_few_minutes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import datetime as dt
    import threading

    from pactsite import serve
    from pactsite.buildinfo import BuildOptions

    assert serve.FEED_INTERVAL >= 120  # not on every save
    fetched: list[dt.datetime] = []
    rebuilt = threading.Event()

    def refresh(now: dt.datetime) -> bool:
        fetched.append(now)
        return len(fetched) == 2  # the second fetch brings something new

    monkeypatch.setattr(serve, "FEED_INTERVAL", 0.1)
    preview = serve.Preview(
        root=tmp_path,
        out_dir=tmp_path / "public",
        port=0,
        options=lambda: BuildOptions(now=dt.datetime.now(dt.UTC)),
        refresh_feeds=refresh,
    )
    refresher = serve._FeedRefresher(preview, rebuilt.set)
    refresher.start()
    assert len(fetched) == 1  # at once, before the first build
    assert rebuilt.wait(5)  # a changed feed rebuilds the preview
    refresher.stop()
