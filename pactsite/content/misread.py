"""Values that YAML reads differently from what the editor wrote, told by the field's meaning.

YAML 1.1 turns `95.000` into 95.0, `06106` into an octal number, `no` into false, `16:00`
into 960 minutes, and `#1 im Kreis` into a comment. The field says what was meant (an
amount, a text, a date); the text as written is checked against it, and a difference is an
error whose hint is the line to write instead.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pactsite.content.coerce import CoercionError
from pactsite.content.yamldoc import Written, quoted
from pactsite.i18n import t

_GROUPED = re.compile(r"^\d{1,3}(?:[. ]\d{3})+(?:,\d+)?$")
"""German thousands separators: `95.000`, `1.250,50`, `95 000`."""
_DECIMAL_COMMA = re.compile(r"^\d+,\d+$")
_CURRENCY = re.compile(r"^(?:€|EUR)\s*|\s*(?:€|EUR|Euro|Eur)$", re.IGNORECASE)
_LEADING_ZERO = re.compile(r"^[-+]?0\d+$")
_GERMAN_DATE = re.compile(
    r"^(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4})(?:,?\s+(\d{1,2})[:.](\d{2})(?:\s*Uhr)?)?$"
)
_GERMAN_MONTH_DATE = re.compile(r"^(\d{1,2})\.\s*([A-Za-zäÄ]+)\.?\s+(\d{4})$")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("januar", "jan", "jänner"),
            ("februar", "feb"),
            ("märz", "mär", "maerz", "mrz"),
            ("april", "apr"),
            ("mai",),
            ("juni", "jun"),
            ("juli", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("oktober", "okt"),
            ("november", "nov"),
            ("dezember", "dez"),
        ),
        start=1,
    )
    for name in names
}
_TRUE_WORDS = ("ja", "wahr", "true", "yes", "on")
_FALSE_WORDS = ("nein", "falsch", "false", "no", "off")


def check_text(
    raw: Any, written: Written | None, *, required: bool = False, prose: bool = False
) -> None:
    """Raise if a text field's value is not the text the editor wrote.

    `prose`: a field of free text (title, summary), where `Platz # 1 im Kreis` is text with a
    `#` in it: a comment one space after a plain value is taken for cut-off text. A comment
    after two or more spaces (`status: running   # planned, ...`, as `pactsite new`
    writes them) is a comment.
    """
    if written is None:
        return
    _check_comment(raw, written, required=required, prose=prose)
    if not written.plain or isinstance(raw, str) or (raw is None and not written.text):
        return
    if isinstance(raw, dt.date) and raw.isoformat() == written.text:
        return
    if isinstance(raw, int | float) and not isinstance(raw, bool) and str(raw) == written.text:
        return
    raise _read_otherwise(raw, written)


def _check_comment(raw: Any, written: Written, *, required: bool, prose: bool) -> None:
    """Raise if YAML took text the editor wrote after a `#` for a comment."""
    comment = written.rest.strip()
    cut_off = written.rest and (
        _looks_like_text(comment) or (prose and _one_space_comment(written.rest))
    )
    if raw is not None and written.plain and cut_off:
        raise CoercionError(
            t("YAML reads everything from ' #' on as a comment and drops it"),
            t("put the value in quotes: {line}", line=written.as_line(quoted(written.whole))),
        )
    if raw is None and written.rest and (required or _looks_like_text(comment)):
        raise CoercionError(
            t("the value starts with '#', which YAML reads as a comment, so the field is empty"),
            t("put the value in quotes: {line}", line=written.as_line(quoted(comment))),
        )


def _read_otherwise(raw: Any, written: Written) -> CoercionError:
    """The error for a plain value YAML read as something else than text (yes/no, empty,
    minutes, a number or date written otherwise)."""
    fix = t("put it in quotes: {line}", line=written.as_line(quoted(written.text)))
    if isinstance(raw, bool):
        return CoercionError(
            t(
                "YAML reads '{written}' as yes/no (true or false), not as text",
                written=written.text,
            ),
            fix,
        )
    if raw is None:
        return CoercionError(t("YAML reads '{written}' as empty", written=written.text), fix)
    if isinstance(raw, int) and ":" in written.text:
        return CoercionError(
            t(
                "YAML reads '{written}' as a number of minutes ({value})",
                written=written.text,
                value=raw,
            ),
            fix,
        )
    return CoercionError(
        t(
            "YAML reads '{written}' as {value}, not as the text written",
            written=written.text,
            value=str(raw),
        ),
        fix,
    )


def _one_space_comment(rest: str) -> bool:
    """`Platz # 1`: the comment follows the value after exactly one space."""
    return rest.startswith(" #") or rest.startswith("\t#")


def _looks_like_text(comment: str) -> bool:
    """A comment that is no comment: `#1`, `#hashtag` (a comment has a space after `#`)."""
    return len(comment) > 1 and not comment[1].isspace()


def check_number(raw: Any, written: Written | None) -> None:
    """Raise if an amount or count is written in a form YAML reads otherwise (`95.000`)."""
    if written is None or not written.plain:
        return
    text = _CURRENCY.sub("", written.text.strip())
    if _GROUPED.match(text) or _DECIMAL_COMMA.match(text):
        number = text.replace(".", "").replace(" ", "").replace(",", ".")
        raise CoercionError(
            t(
                "'{written}' is written with German separators, which YAML reads otherwise "
                "(the dot is a decimal point to YAML)",
                written=written.text,
            ),
            t("write {line}", line=written.as_line(number)),
        )
    if _LEADING_ZERO.match(text):
        raise CoercionError(
            t(
                "YAML reads the leading zero of '{written}' as an octal number ({value})",
                written=written.text,
                value=str(raw),
            ),
            t("write {line}", line=written.as_line(str(int(text)))),
        )
    if text != written.text.strip() and re.match(r"^\d+(?:\.\d+)?$", text):
        raise CoercionError(
            t("'{written}' is not a number", written=written.text),
            t("write the number without a currency sign: {line}", line=written.as_line(text)),
        )


def check_date(raw: Any, written: Written | None, *, with_time: bool, day: str = "") -> None:
    """Raise if a date is written in German notation (`12.03.2003`) or read as minutes.

    `day` is the date the entry is on, if known (an event's start), for the line to write.
    """
    if written is None:
        return
    text = written.text.strip()
    german = _GERMAN_DATE.match(text)
    month_date = _GERMAN_MONTH_DATE.match(text)
    corrected = ""
    if german:
        corrected = _iso(int(german[3]), int(german[2]), int(german[1]))
        if corrected and german[4] and with_time:
            corrected = f'"{corrected} {int(german[4]):02d}:{german[5]}"'
    elif month_date and month_date[2].lower() in _MONTHS:
        corrected = _iso(int(month_date[3]), _MONTHS[month_date[2].lower()], int(month_date[1]))
    if corrected:
        raise CoercionError(
            t("'{written}' is a date in German notation", written=written.text),
            t("write the date as YYYY-MM-DD: {line}", line=written.as_line(corrected)),
        )
    if written.plain and isinstance(raw, int) and not isinstance(raw, bool) and ":" in text:
        day = day or "YYYY-MM-DD"
        example = f'"{day} {text}"' if with_time else day
        raise CoercionError(
            t("YAML reads '{written}' as a number of minutes, not as a date", written=written.text),
            t("write the date with the time in quotes: {line}", line=written.as_line(example))
            if with_time
            else t("write the date as YYYY-MM-DD: {line}", line=written.as_line(example)),
        )


def _iso(year: int, month: int, day: int) -> str:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return ""


def check_bool(raw: Any, written: Written | None) -> None:
    """Raise with the line to write if a yes/no field holds `ja`, `nein` or quoted words."""
    if isinstance(raw, bool) and (written is None or written.plain):
        return
    word = str(raw).strip().lower()
    if word in _TRUE_WORDS or word in _FALSE_WORDS:
        value = "true" if word in _TRUE_WORDS else "false"
        shown = written.text if written else str(raw)
        raise CoercionError(
            t("expected true or false, got '{written}'", written=shown),
            t("write {line}", line=written.as_line(value) if written else value),
        )
