"""Shared helpers: build fixture sites through the real command line."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import lxml.html
import pytest
from click.testing import CliRunner

from pactsite.cli import main

from static_server import netlify_headers, serve

if TYPE_CHECKING:  # Playwright takes a second to import: only browser tests pay for it
    from playwright.sync_api import Browser, Page

FIXTURES = Path(__file__).parent / "fixtures"
REPOSITORY = Path(__file__).parent.parent


BROWSER_FIXTURES = {"chromium", "page"}
"""Fixtures that start Chromium: a test that uses one, even through other fixtures, is marked
`browser` (`make test-fast` leaves those out)."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses a browser fixture `browser`."""
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True, scope="session")
def english_messages() -> Iterator[None]:
    """Tests read pactsite's messages in English, the language of its templates, although the
    fixture sites are German; tests of the German messages pass `--lang de` or unset this
    (tests/test_messages.py). Session-wide, so fixtures that build once get it too."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PACTSITE_LANG", "en")
        yield


@dataclass
class Run:
    """The outcome of one pactsite command."""

    exit_code: int
    output: str
    stderr: str


def run_pactsite(*args: str) -> Run:
    """Run the pactsite CLI in-process; fail on any uncaught exception (a traceback)."""
    result = CliRunner().invoke(main, list(args), catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(result.exit_code, result.stdout, result.stderr)


def copy_site(source: Path, target: Path) -> Path:
    """Copy a fixture site to a temporary folder."""
    shutil.copytree(source, target, dirs_exist_ok=True)
    return target


def parse_page(path: Path) -> lxml.html.HtmlElement:
    """Parse a built HTML page."""
    return lxml.html.fromstring(path.read_bytes())


@pytest.fixture
def minimal_site(tmp_path: Path) -> Path:
    """A fresh copy of the minimal fixture site."""
    return copy_site(FIXTURES / "minimal", tmp_path / "site")


@pytest.fixture(scope="session")
def example_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example network of this repository, built once per test session."""
    out = tmp_path_factory.mktemp("example") / "public"
    run = run_pactsite("build", "--site", str(REPOSITORY), "--output", str(out))
    assert run.exit_code == 0, run.stderr
    return out


@pytest.fixture
def build_minimal(minimal_site: Path) -> Callable[..., tuple[Run, Path]]:
    """Build the minimal site with extra arguments; return the run and the output folder."""

    def build(*args: str) -> tuple[Run, Path]:
        out = minimal_site / "public"
        return run_pactsite("build", "--site", str(minimal_site), *args), out

    return build


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGE_KINDS = {
    "home": "/",
    "pacts": "/pakte/",
    "pact": "/pakte/halle/",
    "news": "/pakte/halle/aktuelles/schaffung-und-sicherung-neuer-arbeitsplaetze/",
    "project": "/pakte/worms/projekte/so-wirts/",
    "event": "/pakte/altmark/termine/treffen/",
    "page": "/ueber-uns/",
    "news-list": "/aktuelles/",
    "projects-list": "/projekte/",
    "events-list": "/termine/",
    "pact-news-list": "/pakte/halle/aktuelles/",
    "sector": "/branchen/chemie/",
    "sectors": "/branchen/",
    "topic": "/themen/qualifizierung/",
    "topics": "/themen/",
    "funds": "/foerderung/",
    "fund": "/foerderung/lokales-kapital/",
    "easy-read-page": "/leichte-sprache/",
    "404": "/404.html",
    "leichte-sprache": "/ueber-uns/leichte-sprache/",
    "accessibility-statement": "/barrierefreiheit/",
    "network": "/netzwerk/",
    "network-bar": "/netzwerk/leiste.html",
    "help": "/hilfe/",
    "search": "/suche/",
}


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Browser) -> Iterator[Page]:
    """A desktop-sized tab under the CSP of netlify.toml, like a visitor's (not bypassed:
    the pages must work under it). Test modules that need another tab define their own."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


@pytest.fixture(scope="session")
def example_served(example_build: Path) -> Iterator[str]:
    """The built example network on 127.0.0.1 with the headers of netlify.toml."""
    with serve(example_build, netlify_headers(REPOSITORY / "netlify.toml")) as base:
        yield base
