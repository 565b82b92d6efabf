"""Messages are values until shown, then rendered in the reader's language."""

from __future__ import annotations

from pactsite.diagnostics import Diagnostic
from pactsite.i18n import from_plain, t, to_plain, verbatim


def test_a_message_names_its_values_and_keeps_the_machine_readable_prefix() -> None:
    d = Diagnostic(
        path="content/a.md",
        line=3,
        message=t("key '{key}' is given twice", key="title"),
        hint=t("remove one of them"),
    )
    assert d.format() == "content/a.md:3: error: key 'title' is given twice; remove one of them"


def test_a_message_survives_the_trip_through_json_data_unchanged() -> None:
    text = t("{what} is wrong: {why}", what=verbatim("x"), why=t("it is {n}", n=3))
    assert from_plain(to_plain(text)) == text
    assert str(text) == "x is wrong: it is 3"
