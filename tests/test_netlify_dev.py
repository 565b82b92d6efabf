"""The deploy configuration against the real thing, as far as this machine allows: the
Netlify CLI (`netlify dev --offline`) serves the example network's build with the
`netlify.toml` that `pactsite init` writes and the build's `_redirects`, and Chromium
checks there that every page kind gets the site CSP and loads under it, that /admin/ gets
only its own CSP and the editor starts, and that renamed pages redirect with 301.

`netlify dev` needs `--internal-disable-edge-functions` offline: otherwise it downloads
Deno for edge functions at start and stops with "fetch failed". It is the npm package
netlify-cli of package.json (`make tools` installs it); the test is skipped without it.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route

from pactsite.outputs.admin import DECAP_BASE, IDENTITY_SCRIPT

from conftest import PAGE_KINDS, REPOSITORY, run_pactsite
from static_server import headers_for, netlify_headers

pytestmark = pytest.mark.slow  # Netlify CLI

NETLIFY = REPOSITORY / "node_modules/.bin/netlify"
DECAP_DIST = os.environ.get("PACTSITE_DECAP_DIST", "")
READY_S = 120


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def network(example_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A network repository as `pactsite init` writes it, holding the example's build."""
    folder = tmp_path_factory.mktemp("netlify") / "netz"
    assert run_pactsite("init", str(folder)).exit_code == 0
    shutil.copytree(example_build, folder / "public")
    return folder


@pytest.fixture(scope="module")
def netlify_dev(network: Path) -> Iterator[str]:
    """`netlify dev --offline` serving the network's public/; yields its base URL."""
    if not NETLIFY.is_file():
        pytest.skip("netlify-cli is missing: run make tools (npm ci)")
    port, static = _free_port(), _free_port()
    home = network.parent / "home"
    home.mkdir()
    process = subprocess.Popen(
        [
            str(NETLIFY),
            "dev",
            "--offline",
            "--internal-disable-edge-functions",
            "--dir",
            "public",
            "--port",
            str(port),
            "--target-port",
            str(static),
            "--no-open",
            "--skip-gitignore",
        ],
        cwd=network,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "HOME": str(home), "NETLIFY_TELEMETRY_DISABLED": "1", "BROWSER": "none"},
    )
    ready = threading.Event()
    lines: list[str] = []

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if "Local dev server ready" in line:
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        assert ready.wait(READY_S), "netlify dev did not start:\n" + "".join(lines)
        yield f"http://localhost:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _rules(network: Path) -> list[tuple[str, dict[str, str]]]:
    return netlify_headers(network / "netlify.toml")


def _csp_headers(page_response: object) -> list[str]:
    headers = page_response.headers_array()  # type: ignore[attr-defined]
    return [h["value"] for h in headers if h["name"].lower() == "content-security-policy"]


def _watch_csp(page: Page) -> list[str]:
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return violations


@pytest.mark.parametrize("kind", sorted(PAGE_KINDS))
def test_every_page_kind_gets_the_site_csp_and_loads_under_it(
    netlify_dev: str, network: Path, chromium: Browser, kind: str
) -> None:
    site_csp = headers_for("/", _rules(network))["Content-Security-Policy"]
    page = chromium.new_page()
    violations = _watch_csp(page)
    response = page.goto(netlify_dev + PAGE_KINDS[kind])
    assert response is not None and response.status == 200
    assert _csp_headers(response) == [site_csp]
    page.wait_for_load_state("load")
    styled = page.evaluate(
        "[...document.styleSheets].length > 0"
        " && [...document.styleSheets].every(s => s.cssRules.length > 0)"
    )
    assert styled, "the page's style sheets did not load"
    assert violations == []
    page.close()


def test_a_missing_page_is_the_404_page_under_the_site_csp(
    netlify_dev: str, network: Path, chromium: Browser
) -> None:
    page = chromium.new_page()
    response = page.goto(netlify_dev + "/gibt-es-nicht/")
    assert response is not None and response.status == 404
    assert _csp_headers(response) == [headers_for("/", _rules(network))["Content-Security-Policy"]]
    page.close()


def test_renamed_pages_redirect_with_301_to_their_new_address(
    netlify_dev: str, network: Path
) -> None:
    rules = [line.split() for line in (network / "public/_redirects").read_text().splitlines()]
    assert rules
    host = netlify_dev.removeprefix("http://")
    for old, new, _status in rules:
        connection = http.client.HTTPConnection(host, timeout=30)
        connection.request("GET", old)
        answer = connection.getresponse()
        assert (answer.status, answer.getheader("Location")) == (301, new), old
        connection.close()


def test_admin_gets_only_its_own_csp_and_the_editor_starts(
    netlify_dev: str, network: Path, chromium: Browser
) -> None:
    admin_csp = headers_for("/admin/", _rules(network))["Content-Security-Policy"]
    page = chromium.new_page()
    violations = _watch_csp(page)
    if DECAP_DIST:
        page.route(DECAP_BASE + "**", _from_unpkg)
    # the Identity widget is another host, out of reach offline; Decap starts without it
    page.route(
        IDENTITY_SCRIPT,
        lambda route: route.fulfill(
            status=200, body="", headers={"Content-Type": "application/javascript"}
        ),
    )
    response = page.goto(netlify_dev + "/admin/")
    assert response is not None and response.status == 200
    assert _csp_headers(response) == [admin_csp]
    if not DECAP_DIST:
        pytest.skip("set PACTSITE_DECAP_DIST to start the real editor (make test does)")
    page.get_by_role("button", name=re.compile("Netlify Identity|Login")).wait_for()
    assert violations == []
    page.close()


def _from_unpkg(route: Route) -> None:
    """Answer as unpkg.com does for the pinned package: its bytes, with CORS."""
    name = route.request.url.removeprefix(DECAP_BASE)
    file = Path(DECAP_DIST) / name
    if "/" in name or not file.is_file():
        route.fulfill(status=404, body="")
        return
    route.fulfill(
        status=200,
        body=file.read_bytes(),
        headers={"Content-Type": "application/javascript", "Access-Control-Allow-Origin": "*"},
    )
