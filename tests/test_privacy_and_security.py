"""Privacy and security: nothing from other hosts, no cookies, strict headers, no CSP breach."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

from conftest import PAGE_KINDS, REPOSITORY, parse_page
from static_server import netlify_headers

if TYPE_CHECKING:  # Playwright takes a second to import: only browser tests pay for it
    from playwright.sync_api import Browser

LOADING_ATTRIBUTES = (
    "//script/@src | //img/@src | //img/@srcset | //source/@src | //source/@srcset"
    " | //iframe/@src | //frame/@src | //object/@data | //embed/@src | //video/@poster"
    " | //audio/@src | //video/@src | //track/@src | //input/@src | //form/@action"
    " | //link[not(contains(' alternate canonical author license next prev ',"
    " concat(' ', normalize-space(@rel), ' ')))]/@href"
)
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)|@import\s+['"]([^'"]+)""")
TRACKERS = (
    "google-analytics",
    "googletagmanager",
    "matomo",
    "piwik",
    "doubleclick",
    "facebook.net",
    "hotjar",
    "plausible",
    "document.cookie",
)


def _foreign(url: str) -> bool:
    """Whether loading `url` would contact another host."""
    parts = urlsplit(url.strip().split(" ")[0])
    return bool(parts.netloc) or parts.scheme not in ("", "data")


ADMIN_PAGE = Path("admin/index.html")
"""The web editor for pact editors (Decap CMS): the one page that loads code from other hosts,
by design and under its own CSP in netlify.toml. Visitors never reach it; tests/test_cms.py
checks what it loads. Only this exact file is exempt from the scan."""


def foreign_loads(site: Path) -> list[str]:
    """Every reference in visitor pages and stylesheets that would load from another host."""
    found = []
    for page in sorted(site.rglob("*.html")):
        if page.relative_to(site) == ADMIN_PAGE:
            continue
        for value in parse_page(page).xpath(LOADING_ATTRIBUTES):
            candidates = value.split(",") if "srcset" in str(value.attrname) else [value]
            found += [f"{page}: {c}" for c in candidates if _foreign(c)]
    for sheet in sorted(site.rglob("*.css")):
        for match in CSS_URL.finditer(sheet.read_text(encoding="utf-8")):
            url = match.group(1) or match.group(2)
            if _foreign(url):
                found.append(f"{sheet}: {url}")
    return found


def test_nothing_in_the_built_site_loads_from_another_host(example_build: Path) -> None:
    assert foreign_loads(example_build) == []


def test_the_scan_catches_a_foreign_font_script_and_image(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(
        '<html><head><link rel="stylesheet" href="https://cdn.example/x.css">'
        '<script src="//cdn.example/x.js"></script></head>'
        '<body><img src="a.png" srcset="a.png 1x, https://img.example/b.png 2x"></body></html>'
    )
    (tmp_path / "style.css").write_text("@font-face { src: url('https://fonts.example/f.woff2'); }")
    assert len(foreign_loads(tmp_path)) == 4


def test_no_trackers_analytics_or_cookies_anywhere(example_build: Path) -> None:
    for path in example_build.rglob("*"):
        if path.suffix in (".html", ".js", ".css", ".json", ".xml"):
            text = path.read_text(encoding="utf-8").lower()
            assert not [t for t in TRACKERS if t in text], path
    assert "set-cookie" not in (REPOSITORY / "netlify.toml").read_text().lower()


def test_netlify_sends_strict_security_headers() -> None:
    rules = dict(netlify_headers(REPOSITORY / "netlify.toml"))
    headers = rules["/*"]
    csp = headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "default-src 'self'" in csp and "object-src 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"]
    assert "camera=()" in headers["Permissions-Policy"]
    assert headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.mark.parametrize("kind", sorted(PAGE_KINDS))
def test_no_csp_violation_no_cookie_and_no_foreign_request_in_chromium(
    chromium: Browser, example_served: str, kind: str
) -> None:
    context = chromium.new_context()
    context.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    page = context.new_page()
    messages: list[str] = []
    requested: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    page.on("request", lambda request: requested.append(request.url))
    response = page.goto(example_served + PAGE_KINDS[kind])
    assert response is not None
    assert "Content-Security-Policy" in {k.title(): v for k, v in response.headers.items()} or (
        "content-security-policy" in response.headers
    )
    page.wait_for_load_state("networkidle")
    violations = page.evaluate("window.__violations")
    context_cookies = context.cookies()
    context.close()
    assert violations == []
    assert [m for m in messages if "Content Security Policy" in m] == []
    assert context_cookies == []
    assert [u for u in requested if not u.startswith(example_served)] == []


def test_a_csp_violation_would_be_noticed(chromium: Browser, example_served: str) -> None:
    context = chromium.new_context()
    context.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.__violations.push(e.violatedDirective));"
    )
    page = context.new_page()
    page.goto(example_served + "/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = '1';"
        " document.body.append(s); }"
    )
    page.wait_for_timeout(200)
    violations = page.evaluate("window.__violations")
    context.close()
    assert violations, "inline script was not reported as a violation"
