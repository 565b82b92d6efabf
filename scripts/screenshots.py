"""Screenshot pages of a built site at phone and desktop widths in Debian's Chromium.

Usage: .venv/bin/python scripts/screenshots.py public/ screenshots/ / /pakte/halle/ ...
"""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

WIDTHS = {"phone": 360, "desktop": 1280}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main(site: Path, out: Path, urls: list[str]) -> None:
    """Serve `site` on loopback and screenshot each URL at each width into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        for name, width in WIDTHS.items():
            page = browser.new_page(viewport={"width": width, "height": 900})
            for url in urls:
                page.goto(base + url)
                slug = url.strip("/").replace("/", "_") or "home"
                page.screenshot(path=str(out / f"{slug}-{name}.png"), full_page=True)
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:] or ["/"])
