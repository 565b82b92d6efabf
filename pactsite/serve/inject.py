"""What the preview adds to HTML responses: the live-reload script and the error overlay.

Pure functions on bytes; only the preview server calls them, never the build, so the
built site has no trace of either.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

LIVE_PREFIX = "/.pactsite/"
LIVE_EVENTS = LIVE_PREFIX + "live"
LIVE_SCRIPT = LIVE_PREFIX + "live.js"
LIVE_STYLE = LIVE_PREFIX + "live.css"
OVERLAY_ID = "pactsite-overlay"
_MAX_LINES = 50

_HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)
_BODY_START = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)
_EMPTY_PAGE = (
    b'<!DOCTYPE html>\n<html lang="de">\n<head>\n<meta charset="utf-8">\n'
    b"<title>pactsite serve</title>\n</head>\n<body>\n</body>\n</html>\n"
)


def decorate(page: bytes, version: str, problems: Sequence[str]) -> bytes:
    """Add the live-reload script (and, after a failed build, the overlay) to an HTML page.

    Fragments without `</head>` are returned unchanged.
    """
    head_end = _HEAD_END.search(page)
    if head_end is None:
        return page
    tags = f'<script src="{LIVE_SCRIPT}" data-version="{html.escape(version)}" defer></script>\n'
    if problems:
        tags = f'<link rel="stylesheet" href="{LIVE_STYLE}">\n' + tags
    page = page[: head_end.start()] + tags.encode() + page[head_end.start() :]
    body_start = _BODY_START.search(page)
    if not problems or body_start is None:
        return page
    return page[: body_start.end()] + overlay(problems).encode() + page[body_start.end() :]


def empty_page(version: str, problems: Sequence[str]) -> bytes:
    """A blank page that carries the overlay, for when there is no built page to show."""
    return decorate(_EMPTY_PAGE, version, problems)


def overlay(problems: Sequence[str]) -> str:
    """The error box: an alert with every problem line, escaped."""
    shown = [html.escape(line) for line in problems[:_MAX_LINES]]
    if len(problems) > _MAX_LINES:
        shown.append(f"… und {len(problems) - _MAX_LINES} weitere (siehe Terminal)")
    lines = "\n".join(shown)
    return (
        f'\n<div id="{OVERLAY_ID}" class="pactsite-overlay" role="alert" '
        f'aria-labelledby="{OVERLAY_ID}-title" lang="de">\n'
        f'<div class="pactsite-overlay__box">\n'
        f'<p id="{OVERLAY_ID}-title" class="pactsite-overlay__title">'
        f"Die Website konnte nicht neu gebaut werden</p>\n"
        f"<p>Zu sehen ist der letzte fehlerfreie Stand. Korrigieren und speichern Sie die "
        f"Datei; die Seite lädt sich dann selbst neu.</p>\n"
        f'<pre class="pactsite-overlay__lines" lang="en">{lines}</pre>\n'
        f'<button type="button" class="pactsite-overlay__close" data-pactsite-close>'
        f"Ausblenden</button>\n"
        f"</div>\n</div>\n"
    )
