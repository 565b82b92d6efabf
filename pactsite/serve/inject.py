"""What the preview adds to HTML responses: the live-reload script and the error overlay.

Pure functions on bytes; only the preview server calls them, never the build, so the
built site has no trace of either.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

LIVE_PREFIX = "/.pactsite/"
LIVE_EVENTS = LIVE_PREFIX + "live"
LIVE_SCRIPT = LIVE_PREFIX + "live.js"
LIVE_STYLE = LIVE_PREFIX + "live.css"
OVERLAY_ID = "pactsite-overlay"
_MAX_LINES = 50

_HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)
_HTML_LANG = re.compile(rb"""<html\b[^>]*?\slang=["']?([a-zA-Z]+)""", re.IGNORECASE)
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
    language = _HTML_LANG.search(page[: head_end.start()])
    box = overlay(problems, language.group(1).decode().lower() if language else "de")
    return page[: body_start.end()] + box.encode() + page[body_start.end() :]


def empty_page(version: str, problems: Sequence[str]) -> bytes:
    """A blank page that carries the overlay, for when there is no built page to show."""
    return decorate(_EMPTY_PAGE, version, problems)


@dataclass(frozen=True, slots=True)
class _OverlayTexts:
    """The overlay's own words in one language (the problem lines come in the site's)."""

    title: str
    advice: str
    more: str
    hide: str


_OVERLAY_TEXTS = {
    "de": _OverlayTexts(
        title="Die Website konnte nicht neu gebaut werden",
        advice="Zu sehen ist der letzte fehlerfreie Stand. Korrigieren und speichern Sie die "
        "Datei; die Seite lädt sich dann selbst neu.",
        more="… und {count} weitere (siehe Terminal)",
        hide="Ausblenden",
    ),
    "en": _OverlayTexts(
        title="The site could not be rebuilt",
        advice="You are seeing the last good build. Fix and save the file; the page then "
        "reloads itself.",
        more="… and {count} more (see the terminal)",
        hide="Hide",
    ),
}


def overlay(problems: Sequence[str], language: str = "de") -> str:
    """The error box: an alert with every problem line, escaped, in the page's `language`
    (German where pactsite has no words of that language)."""
    language = language if language in _OVERLAY_TEXTS else "de"
    texts = _OVERLAY_TEXTS[language]
    shown = [html.escape(line) for line in problems[:_MAX_LINES]]
    if len(problems) > _MAX_LINES:
        shown.append(texts.more.format(count=len(problems) - _MAX_LINES))
    lines = "\n".join(shown)
    return (
        f'\n<div id="{OVERLAY_ID}" class="pactsite-overlay" role="alert" '
        f'aria-labelledby="{OVERLAY_ID}-title" lang="{language}">\n'
        f'<div class="pactsite-overlay__box">\n'
        f'<p id="{OVERLAY_ID}-title" class="pactsite-overlay__title">{texts.title}</p>\n'
        f"<p>{texts.advice}</p>\n"
        f'<pre class="pactsite-overlay__lines">{lines}</pre>\n'
        f'<button type="button" class="pactsite-overlay__close" data-pactsite-close>'
        f"{texts.hide}</button>\n"
        f"</div>\n</div>\n"
    )
