"""`pactsite check --external`: dead, slow and moved links found at file:line, live ones left
alone, answers kept for a day, in every report format, on the network page.

A loopback server stands in for the pacts' websites (PACTSITE_ALLOW_LOCAL_URLS=1); no test
reaches the internet.
"""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest
import yaml

from conftest import REPOSITORY, run_pactsite
from static_server import POLL_SECONDS

SLOW_SECONDS = 3.0
"""How long /langsam keeps a request waiting: longer than the tests' --timeout 1."""


class _Handler(http.server.BaseHTTPRequestHandler):
    """Pages of a pact's website: live, gone, moved, slow, and one that refuses HEAD."""

    requests: list[tuple[str, str]]

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def do_GET(self) -> None:
        self._answer(head=False)

    def _answer(self, *, head: bool) -> None:
        self.requests.append((self.command, self.path))
        if self.path.startswith("/langsam"):
            time.sleep(SLOW_SECONDS)
        if self.path.startswith("/umgezogen"):
            self._send(301, head, location="/neu")
        elif self.path == "/nur-get" and head:
            self._send(405, head)
        elif self.path == "/verboten":
            self._send(403, head)
        elif self.path == "/entfernt":
            self._send(410, head)
        elif self.path in ("/", "/neu", "/nur-get", "/langsam", "/seite"):
            self._send(200, head)
        else:
            self._send(404, head)

    def _send(self, status: int, head: bool, location: str = "") -> None:
        body = b"<!DOCTYPE html><title>Seite</title><p>Inhalt</p>"
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class Website:
    """The loopback server: its address and the requests it got, as (method, path)."""

    def __init__(self, url: str, requests: list[tuple[str, str]]) -> None:
        self.url = url
        self.requests = requests


@pytest.fixture
def website() -> Iterator[Website]:
    """A pact's website on 127.0.0.1 that counts the requests it gets."""
    requests: list[tuple[str, str]] = []
    handler = type("Handler", (_Handler,), {"requests": requests})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(POLL_SECONDS,), daemon=True)
    thread.start()
    try:
        yield Website(f"http://127.0.0.1:{server.server_port}", requests)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def local_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    """Allow addresses on 127.0.0.1, as an intranet's build would."""
    monkeypatch.setenv("PACTSITE_ALLOW_LOCAL_URLS", "1")


NEWS = "content/pacts/alpha/news/2002-10-22-erste-meldung.md"


def _linking_site(site: Path, base: str) -> Path:
    """The minimal site with links to `base`: a news item, pact.yaml and site.yaml."""
    news = site / NEWS
    news.write_text(
        "---\ntitle: Erste Meldung\ndate: 2002-10-22\n---\n"
        "Ein Absatz.\n\n"
        f"Die [alte Seite]({base}/fehlt) gibt es nicht mehr.\n\n"  # line 7
        f"Die [Projektseite]({base}/umgezogen) ist umgezogen.\n\n"  # line 9
        f'<{base}/seite> ist da, <a href="{base}/nur-get">diese</a> auch.\n',  # line 11
        encoding="utf-8",
    )
    profile = site / "content/pacts/alpha/pact.yaml"
    text = profile.read_text(encoding="utf-8")
    text = text.replace("https://alpha.example.org/", f"{base}/")  # line 4
    text = text.replace("https://gmbh.example.org/", f"{base}/gmbh-weg")  # line 9
    profile.write_text(text, encoding="utf-8")
    config = site / "site.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "{name: Lokales Kapital für soziale Zwecke}",
            f"{{name: Lokales Kapital, url: {base}/fonds-weg}}",  # line 9
        ),
        encoding="utf-8",
    )
    return site


def _check(site: Path, *args: str) -> object:
    return run_pactsite("check", "--external", "--timeout", "1", "--site", str(site), *args)


def test_dead_links_are_warnings_at_their_file_and_line(
    minimal_site: Path, website: Website, local_urls: None
) -> None:
    run = _check(_linking_site(minimal_site, website.url))
    assert run.exit_code == 0, run.stderr
    base = website.url
    assert (
        f"{NEWS}:7: warning: link not reachable (404): {base}/fehlt; "
        "check the address or remove the link"
    ) in run.stderr
    assert (
        f"content/pacts/alpha/pact.yaml:9: warning: link not reachable (404): {base}/gmbh-weg"
    ) in run.stderr
    assert f"site.yaml:8: warning: link not reachable (404): {base}/fonds-weg" in run.stderr


def test_a_permanent_redirect_names_the_new_address(
    minimal_site: Path, website: Website, local_urls: None
) -> None:
    run = _check(_linking_site(minimal_site, website.url))
    assert (
        f"{NEWS}:9: warning: link moved permanently: {website.url}/umgezogen → "
        f"{website.url}/neu; write the new address"
    ) in run.stderr


def test_live_links_are_left_alone_and_a_refused_head_is_asked_by_get(
    minimal_site: Path, website: Website, local_urls: None
) -> None:
    run = _check(_linking_site(minimal_site, website.url))
    assert f"{NEWS}:11: warning: link not" not in run.stderr
    assert "pact.yaml:4: warning: link not" not in run.stderr  # the website itself answers
    assert ("HEAD", "/nur-get") in website.requests
    assert ("GET", "/nur-get") in website.requests
    assert ("GET", "/seite") not in website.requests  # HEAD was enough


def test_a_server_that_does_not_answer_costs_the_timeout_and_is_a_warning(
    minimal_site: Path, website: Website, local_urls: None
) -> None:
    site = _linking_site(minimal_site, website.url)
    (site / "content/pages/impressum.md").write_text(
        f"---\ntitle: Impressum\n---\n\nDer [Server]({website.url}/langsam) schläft.\n",
        encoding="utf-8",
    )
    started = time.monotonic()
    run = _check(site)
    assert time.monotonic() - started < SLOW_SECONDS + 2
    assert (
        f"content/pages/impressum.md:5: warning: link not reachable (no complete answer "
        f"within 1 seconds): {website.url}/langsam"
    ) in run.stderr


def test_a_page_that_refuses_robots_is_not_dead_but_a_removed_one_is(
    minimal_site: Path, website: Website, local_urls: None
) -> None:
    (minimal_site / "content/pages/impressum.md").write_text(
        "---\ntitle: Impressum\n---\n\n"
        f"Die [Satzung]({website.url}/verboten) zeigt der Server nur Menschen.\n\n"
        f"Die [Broschüre]({website.url}/entfernt) ist zurückgezogen.\n",
        encoding="utf-8",
    )
    run = _check(minimal_site)
    assert "/verboten" not in run.stderr
    assert (
        f"content/pages/impressum.md:7: warning: link not reachable (410): {website.url}/entfernt"
    ) in run.stderr


def test_a_server_that_never_answers_is_waited_for_once_not_once_a_link(
    minimal_site: Path, website: Website, local_urls: None
) -> None:
    links = "".join(f"[Seite {n}]({website.url}/langsam-{n})\n\n" for n in range(6))
    (minimal_site / "content/pages/impressum.md").write_text(
        f"---\ntitle: Impressum\n---\n\n{links}", encoding="utf-8"
    )
    run = _check(minimal_site)
    assert run.stderr.count("link not reachable (no complete answer within 1 seconds)") == 6
    assert len(website.requests) == 2  # the two that timed out together; the rest not asked


def test_one_slow_page_does_not_make_the_rest_of_a_live_server_dead(
    minimal_site: Path, website: Website, local_urls: None
) -> None:
    links = "".join(f"[Seite]({website.url}{path})\n\n" for path in ("/", "/langsam", "/neu"))
    (minimal_site / "content/pages/impressum.md").write_text(
        f"---\ntitle: Impressum\n---\n\n{links}[Seite]({website.url}/seite)\n",
        encoding="utf-8",
    )
    run = _check(minimal_site)
    assert run.stderr.count("link not reachable") == 1
    assert "impressum.md:7: warning: link not reachable (no complete answer" in run.stderr
    assert {path for _, path in website.requests} == {"/", "/langsam", "/neu", "/seite"}


def test_a_second_check_within_a_day_asks_no_server(
    minimal_site: Path, website: Website, local_urls: None
) -> None:
    site = _linking_site(minimal_site, website.url)
    first = _check(site)
    asked = len(website.requests)
    assert asked >= 7
    second = _check(site)
    assert len(website.requests) == asked
    assert second.stderr == first.stderr
    assert "7 address(es), 0 asked now" in second.output
    next_day = _check(site, "--now", "2099-01-01T00:00:00Z")
    assert len(website.requests) > asked
    assert "external links: 7 address(es); 4 warning(s)" in next_day.output  # all asked


def test_strict_makes_dead_links_errors(
    minimal_site: Path, website: Website, local_urls: None
) -> None:
    site = _linking_site(minimal_site, website.url)
    run = _check(site, "--strict")
    assert run.exit_code == 1
    assert f"{NEWS}:7: error: link not reachable (404)" in run.stderr
    as_json = _check(site, "--strict", "--format", "json")
    assert as_json.exit_code == 1
    dead = [r for r in json.loads(as_json.output) if r["message"].startswith("link not")]
    assert dead and {r["severity"] for r in dead} == {"error"}


def test_every_format_carries_the_link_warnings(
    minimal_site: Path, website: Website, local_urls: None
) -> None:
    site = _linking_site(minimal_site, website.url)
    github = _check(site, "--format", "github").output
    assert f"::warning file={NEWS},line=7,title=pactsite::link not reachable (404)" in github
    records = json.loads(_check(site, "--format", "json").output)
    assert {
        "path": NEWS,
        "line": 9,
        "severity": "warning",
        "message": f"link moved permanently: {website.url}/umgezogen → {website.url}/neu",
        "hint": "write the new address",
    } in records


def test_the_german_report_page_lists_dead_links(
    minimal_site: Path, website: Website, local_urls: None
) -> None:
    run = _check(_linking_site(minimal_site, website.url), "--format", "html", "--lang", "de")
    page = lxml.html.fromstring(run.output)
    rows = [[td.text_content() for td in tr.xpath("td")] for tr in page.xpath("//tbody/tr")]
    assert [
        "Warnung",
        NEWS,
        "7",
        f"Link nicht erreichbar (404): {website.url}/fehlt; Adresse prüfen oder Link entfernen",
    ] in rows
    moved = f"Link dauerhaft umgezogen: {website.url}/umgezogen → {website.url}/neu"
    assert ["Warnung", NEWS, "9", f"{moved}; neue Adresse eintragen"] in rows


def test_a_local_address_is_not_asked_without_the_permission(
    minimal_site: Path, website: Website, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PACTSITE_ALLOW_LOCAL_URLS", raising=False)
    run = _check(_linking_site(minimal_site, website.url))
    assert website.requests == []
    assert (
        f"{NEWS}:7: warning: link not checked (it leads into a local network): "
        f"{website.url}/fehlt; link an address that visitors can reach"
    ) in run.stderr
    monkeypatch.setenv("PACTSITE_ALLOW_LOCAL_URLS", "1")  # a refusal is not kept as an answer
    assert f"{NEWS}:7: warning: link not reachable (404)" in _check(minimal_site).stderr


def test_without_external_nothing_is_asked(minimal_site: Path, website: Website) -> None:
    site = _linking_site(minimal_site, website.url)
    assert run_pactsite("check", "--site", str(site)).exit_code == 0
    assert run_pactsite("build", "--site", str(site)).exit_code == 0
    assert website.requests == []
    assert not (site / ".pactsite-cache/links.json").exists()


def _website_rows(site: Path) -> list[list[str]]:
    page = lxml.html.fromstring((site / "public/netzwerk/index.html").read_bytes())
    rows = page.xpath('//section[@aria-labelledby="ps_websites"]//tbody/tr')
    return [[" ".join(td.text_content().split()) for td in tr.xpath("td")] for tr in rows]


def test_the_network_page_shows_whether_each_website_answered_the_last_check(
    minimal_site: Path, website: Website, local_urls: None
) -> None:
    site = _linking_site(minimal_site, website.url)
    beta = site / "content/pacts/beta/pact.yaml"
    beta.write_text(f"name: Pakt Beta\nwebsite: {website.url}/beta-weg\n", encoding="utf-8")
    assert run_pactsite("build", "--site", str(site)).exit_code == 0
    assert _website_rows(site) == []  # not checked yet
    _check(site, "--now", "2026-12-06T10:00:00Z")
    assert run_pactsite("build", "--site", str(site)).exit_code == 0  # the answers are new
    assert _website_rows(site) == [
        ["Alpha", "Website von Alpha", "erreichbar am 6. Dezember 2026"],
        ["Pakt Beta", "Website von Pakt Beta", "nicht erreichbar am 6. Dezember 2026"],
    ]
    page = (site / "public/netzwerk/index.html").read_bytes()
    assert run_pactsite("build", "--site", str(site), "--no-cache").exit_code == 0
    assert run_pactsite("build", "--site", str(site)).exit_code == 0
    assert (site / "public/netzwerk/index.html").read_bytes() == page  # same answers, same page


def test_without_a_link_check_the_network_page_says_nothing_of_websites(
    minimal_site: Path,
) -> None:
    assert run_pactsite("build", "--site", str(minimal_site)).exit_code == 0
    assert _website_rows(minimal_site) == []
    assert b"ps_websites" not in (minimal_site / "public/netzwerk/index.html").read_bytes()


FAKE_PACTSITE = """#!/bin/sh
if [ "$1" = codeowners ]; then
  printf '# owners\\n/content/pacts/alpha/ @anna a@b.org\\n'; exit 0
fi
echo "content/pacts/alpha/news/x.md:7: warning: Link nicht erreichbar (404): https://x.net/a; \
Adresse prüfen oder Link entfernen" >&2
echo "site.yaml:8: warning: Link dauerhaft umgezogen: http://f.net/ → https://f.net/; \
neue Adresse eintragen" >&2
echo "content/pages/b.md:3: warning: Linktext ist eine nackte Adresse" >&2
"""
FAKE_GH = """#!/bin/sh
echo "$*" >> "$GH_LOG"
"""


def _run_issue_step(network: Path, tmp_path: Path) -> list[str]:
    """Run the workflow's issue step as GitHub would (bash -eo pipefail), with a `pactsite`
    that prints two link warnings and a `gh` that records what it is asked."""
    workflow = yaml.safe_load(
        (network / ".github/workflows/links-pruefen.yml").read_text(encoding="utf-8")
    )
    step = workflow["jobs"]["links"]["steps"][-1]
    tools = tmp_path / "bin"
    tools.mkdir()
    for name, text in (("pactsite", FAKE_PACTSITE), ("gh", FAKE_GH)):
        (tools / name).write_text(text, encoding="utf-8")
        (tools / name).chmod(0o755)
    log = tmp_path / "gh.log"
    env = {**os.environ, "PATH": f"{tools}:{os.environ['PATH']}", "GH_LOG": str(log)}
    subprocess.run(["bash", "-eo", "pipefail", "-c", step["run"]], cwd=network, env=env, check=True)
    return log.read_text(encoding="utf-8").splitlines()


def test_init_writes_a_weekly_link_check_that_opens_an_issue_for_the_editors(
    tmp_path: Path,
) -> None:
    network = tmp_path / "netz"
    assert run_pactsite("init", str(network)).exit_code == 0
    text = (network / ".github/workflows/links-pruefen.yml").read_text(encoding="utf-8")
    workflow = yaml.safe_load(text)
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads the key `on` as true
    _, _, day, month, weekday = triggers["schedule"][0]["cron"].split()
    assert (day, month) == ("*", "*") and weekday.isdigit()  # once a week
    assert workflow["permissions"]["issues"] == "write"
    runs = [step.get("run", "") for step in workflow["jobs"]["links"]["steps"]]
    assert "pactsite check --external --format github" in runs
    calls = _run_issue_step(network, tmp_path)
    assert calls[-1].startswith("issue create --title Links prüfen")
    issue = (network / "issue.md").read_text(encoding="utf-8")
    assert "`content/pacts/alpha/news/x.md:7: warning: Link nicht erreichbar (404)" in issue
    assert "Adresse prüfen oder Link entfernen` @anna" in issue  # the pact's editors
    assert "https://f.net/; neue Adresse eintragen`" in issue
    assert "nackte Adresse" not in issue  # only the link check's findings
    assert text in (REPOSITORY / "docs/deploying.md").read_text(encoding="utf-8")


def test_the_builds_report_page_lists_what_the_last_link_check_found(
    minimal_site: Path, website: Website, local_urls: None
) -> None:
    site = _linking_site(minimal_site, website.url)
    assert run_pactsite("build", "--site", str(site)).exit_code == 0
    report = site / "public/.pactsite/pruefbericht.html"
    assert "<h2>" not in report.read_text(encoding="utf-8")  # no check, no section
    _check(site, "--now", "2026-12-06T10:00:00Z")
    assert run_pactsite("build", "--site", str(site)).exit_code == 0
    page = lxml.html.fromstring(report.read_bytes())
    assert (
        page.xpath("//h2")[0].text_content() == "Links auf andere Websites (geprüft am 2026-12-06)"
    )
    table = page.xpath("//table")[-1]
    rows = [[td.text_content() for td in tr.xpath("td")] for tr in table.xpath("tbody/tr")]
    assert rows[0][:3] == ["Warnung", NEWS, "7"]
    assert rows[0][3].startswith(f"Link nicht erreichbar (404): {website.url}/fehlt")
    assert len(rows) == 4  # /fehlt, /umgezogen, /gmbh-weg, /fonds-weg


def test_a_pacts_feed_address_is_checked_at_its_line(
    minimal_site: Path, website: Website, local_urls: None
) -> None:
    beta = minimal_site / "content/pacts/beta/pact.yaml"
    beta.write_text(f"name: Pakt Beta\nfeed: {website.url}/feed-weg.xml\n", encoding="utf-8")
    run = _check(minimal_site, "--offline")
    assert (
        f"content/pacts/beta/pact.yaml:2: warning: link not reachable (404): "
        f"{website.url}/feed-weg.xml"
    ) in run.stderr
