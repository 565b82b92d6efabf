"""Coercion of plain YAML values into typed values, with editor-readable failures."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

from pactsite.i18n import Text, t


class CoercionError(ValueError):
    """A value has the wrong type or form; carries a message and a hint for the editor."""

    def __init__(self, message: Text, hint: Text | str = "", at: str = "") -> None:
        super().__init__(str(message))
        self.message = message
        self.hint = hint
        self.at = at
        """The key path of the part of the value that is wrong (a list item), if not all."""


_DATETIME_TEXT = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_DATE_HINT = t("write a date as YYYY-MM-DD, e.g. 2002-10-22")
_DATETIME_HINT = t('write YYYY-MM-DD or "YYYY-MM-DD HH:MM" in quotes, e.g. "2002-10-16 10:00"')


def describe(value: Any) -> Text:
    """Name a YAML value's type the way an editor would understand it."""
    names = {
        bool: t("yes/no"),
        int: t("number"),
        float: t("number"),
        str: t("text"),
        list: t("list"),
        dict: t("map"),
        type(None): t("nothing"),
    }
    return names.get(type(value), t("{type}", type=type(value).__name__))


def to_text(value: Any) -> str:
    """Accept text (numbers are turned into text, since editors write `founded: 2001`)."""
    if isinstance(value, bool | list | dict) or value is None:
        raise CoercionError(
            t("expected text, got {kind}", kind=describe(value)), t("write the value as text")
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def to_text_list(value: Any) -> tuple[str, ...]:
    """Accept a list of texts; a single text is taken as a list of one."""
    if isinstance(value, str):
        return (value.strip(),)
    if not isinstance(value, list):
        raise CoercionError(
            t("expected a list, got {kind}", kind=describe(value)), t("write a list: [a, b]")
        )
    return tuple(to_text(item) for item in value)


def to_bool(value: Any) -> bool:
    """Accept true/false."""
    if not isinstance(value, bool):
        raise CoercionError(
            t("expected true or false, got '{value}'", value=str(value)), t("write true or false")
        )
    return value


def to_int(value: Any) -> int:
    """Accept a whole number."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise CoercionError(
            t("expected a whole number, got '{value}'", value=str(value)), t("write e.g. 10")
        )
    return value


def to_number(value: Any) -> float:
    """Accept a number, e.g. an amount in euros."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CoercionError(
            t("expected a number, got '{value}'", value=str(value)),
            t("write digits without currency sign, e.g. 25000"),
        )
    return float(value)


def to_date(value: Any) -> dt.date:
    """Accept a calendar date (YYYY-MM-DD)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = _DATETIME_TEXT.match(str(value).strip()) if isinstance(value, str) else None
    if not match or match.group(2):
        raise CoercionError(t("expected a date, got '{value}'", value=str(value)), _DATE_HINT)
    return _parse_date(match.group(1), _DATE_HINT)


def to_date_or_datetime(value: Any, zone: ZoneInfo) -> dt.date | dt.datetime:
    """Accept a date (all day) or a date with time, returned aware in `zone`."""
    if isinstance(value, dt.datetime):
        try:
            return value.astimezone(zone) if value.tzinfo else value.replace(tzinfo=zone)
        except OverflowError:  # e.g. 9999-12-31 23:00-12:00 is in the year 10000 in Berlin
            raise CoercionError(
                t("date and time out of range: '{value}'", value=str(value)), _DATETIME_HINT
            ) from None
    if isinstance(value, dt.date):
        return value
    match = _DATETIME_TEXT.match(value.strip()) if isinstance(value, str) else None
    if not match:
        raise CoercionError(
            t("expected a date or date and time, got '{value}'", value=str(value)), _DATETIME_HINT
        )
    day = _parse_date(match.group(1), _DATETIME_HINT)
    if not match.group(2):
        return day
    hour, minute, second = int(match.group(2)), int(match.group(3)), int(match.group(4) or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise CoercionError(t("invalid time in '{value}'", value=str(value)), _DATETIME_HINT)
    return dt.datetime.combine(day, dt.time(hour, minute, second), tzinfo=zone)


def to_moment(value: Any, zone: ZoneInfo) -> dt.datetime:
    """Accept a date (midnight) or date and time, as an aware datetime in `zone`."""
    moment = to_date_or_datetime(value, zone)
    if isinstance(moment, dt.datetime):
        return moment
    return dt.datetime.combine(moment, dt.time(), tzinfo=zone)


def _parse_date(text: str, hint: Text) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise CoercionError(
            t("invalid date '{date}': {reason}", date=text, reason=str(error)), hint
        ) from None


def to_url(value: Any) -> str:
    """Accept an absolute http(s) URL."""
    text = to_text(value)
    if not re.match(r"^https?://[^\s/]+", text):
        raise CoercionError(
            t("expected a web address, got '{value}'", value=text), t("start it with https://")
        )
    return text


def to_email(value: Any) -> str:
    """Accept an e-mail address."""
    text = to_text(value)
    if not _EMAIL.match(text):
        raise CoercionError(
            t("'{value}' is not an e-mail address", value=text), t("write e.g. info@example.org")
        )
    return text


def to_color(value: Any) -> str:
    """Accept a colour as #rrggbb."""
    text = to_text(value)
    if not _COLOR.match(text):
        raise CoercionError(
            t("'{value}' is not a colour", value=text),
            t('write it as "#rrggbb" in quotes, e.g. "#005a9c"'),
        )
    return text.lower()


_HANDLE = re.compile(r"^@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:/[A-Za-z0-9._-]+)?$")


def to_editor_list(value: Any) -> tuple[str, ...]:
    """Accept git hosting handles (`@name`, `@org/team`) or e-mail addresses, as a list."""
    editors = to_text_list(value)
    for editor in editors:
        if not (_HANDLE.match(editor) or _EMAIL.match(editor)):
            raise CoercionError(
                t("'{value}' is neither a handle like @name nor an e-mail address", value=editor),
                t('write a handle with @ in quotes, e.g. "@erika-muster", or an e-mail address'),
            )
    return tuple(dict.fromkeys(editors))
