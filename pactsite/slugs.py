"""Slugs: the URL-safe names of files, entries and headings."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

_TRANSLITERATION = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ẞ": "Ss"}
)
DATE_PREFIX = re.compile(r"^(\d{4}-\d{2}-\d{2})[-_\s]+(?=\S)")
"""A leading date in a file name, `2026-12-05-`, `2026-12-05_` or `2026-12-05 `."""
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
VALID_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG_LENGTH = 120


def slugify(text: str) -> str:
    """Turn any text into a slug: NFC, umlauts transliterated, ASCII, lower case, dashes."""
    text = unicodedata.normalize("NFC", text).translate(_TRANSLITERATION)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")
    return slug[:MAX_SLUG_LENGTH].rstrip("-")


def slug_from_filename(stem: str) -> str:
    """Derive an entry's slug from its file name without extension (date prefix dropped)."""
    stem = unicodedata.normalize("NFC", stem)
    return slugify(DATE_PREFIX.sub("", stem))


def date_from_filename(stem: str) -> dt.date | None:
    """The date of a file name's date prefix (`2026-12-05 Übergänge`), if it has a valid one."""
    match = DATE_PREFIX.match(stem)
    try:
        return dt.date.fromisoformat(match[1]) if match else None
    except ValueError:
        return None


def heading_id(text: str, separator: str = "-") -> str:
    """Derive a heading's id for `#fragment` links ("Ziele für 2003" -> "ziele-fuer-2003")."""
    return slugify(text).replace("-", separator) or "abschnitt"


def collision_key(slug: str) -> str:
    """Key under which two slugs collide (case-insensitive, NFC)."""
    return unicodedata.normalize("NFC", slug).casefold()


def is_valid_slug(slug: str) -> bool:
    """Whether a slug is safe as one URL path segment."""
    return bool(VALID_SLUG.match(slug)) and len(slug) <= MAX_SLUG_LENGTH


def sort_key(text: str) -> tuple[str, str]:
    """Sort German text as a dictionary does (DIN 5007-1): Ä with A, ß as ss, case ignored."""
    base = unicodedata.normalize("NFKD", unicodedata.normalize("NFC", text).replace("ß", "ss"))
    folded = "".join(c for c in base if not unicodedata.combining(c)).casefold()
    return folded, text
