"""The report page of a build's warnings and errors (Prüfbericht), for editors, not programmers.

`pactsite check --format html` prints it; every build also publishes it as
`/.pactsite/pruefbericht.html`, so the deploy log can link to it. It is written in the
language of the messages: German for a German site.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from pactsite.diagnostics import Diagnostic, Severity, sort_diagnostics
from pactsite.i18n import Text, message_language, t
from pactsite.outputs import OutputFile

REPORT_FILE = PurePosixPath(".pactsite/pruefbericht.html")


@dataclass(frozen=True, slots=True)
class LinkCheck:
    """What the last `check --external` found: its day, and its warnings where it found them."""

    day: dt.date
    diagnostics: tuple[Diagnostic, ...]


def build_report_page(
    diagnostics: Sequence[Diagnostic], site_language: str, links: LinkCheck | None = None
) -> OutputFile:
    """The report page of this build's warnings, as a file of the site, in its language.

    With `links`, a section lists what the last check of the external links found.
    """
    page = report_page(sort_diagnostics(diagnostics), message_language(site_language), links)
    return OutputFile(REPORT_FILE, page.encode("utf-8"))


def _said(text: Text, language: str) -> str:
    """`text` in `language`, escaped for HTML."""
    return html.escape(text.render(language), quote=False)


def _problem_table(
    diagnostics: Sequence[Diagnostic], language: str, caption: Text | None = None
) -> str:
    """The table of the problems: kind, file, line, and what is wrong and how to fix it."""
    kinds = {
        Severity.ERROR: _said(t("Error"), language),
        Severity.WARNING: _said(t("Warning"), language),
        Severity.NOTE: _said(t("To do"), language),
    }
    rows = "".join(
        "<tr>"
        f"<td>{kinds[d.severity]}</td>"
        f"<td><code>{html.escape(d.path)}</code></td><td>{d.line}</td>"
        f"<td>{html.escape(d.text(language), quote=False)}</td>"
        "</tr>\n"
        for d in diagnostics
    )
    said_caption = _said(caption or t("Problems found"), language)
    headers = "".join(
        f'<th scope="col">{_said(header, language)}</th>'
        for header in (t("Kind"), t("File"), t("Line"), t("What is wrong and how to fix it"))
    )
    return (
        f"<table><caption>{said_caption}</caption><thead><tr>{headers}</tr></thead><tbody>\n"
        f"{rows}</tbody></table>"
    )


def report_page(
    diagnostics: Sequence[Diagnostic], language: str, links: LinkCheck | None = None
) -> str:
    """A report page that editors can read, in `language`: one row per problem."""
    say = functools.partial(_said, language=language)
    errors = sum(1 for d in diagnostics if d.is_error)
    verdict = (
        say(
            t("The site cannot be built like this: {errors} error(s) must be fixed.", errors=errors)
        )
        if errors
        else say(t("No errors: the site can be built."))
    )
    table = _problem_table(diagnostics, language) if diagnostics else ""
    if links is not None:
        table += _links_section(links, language)
    title = say(t("Content check report"))
    intro = say(
        t(
            "pactsite has checked all content. Each row names the file and the line in it, "
            "what is wrong and how to fix it. Open the file in your editor, go to that line "
            "and save it after the correction. The editors' guide explains all messages in "
            "the section “{section}” (on the site under /hilfe/).",
            section=t("Error messages and what they mean"),
        )
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{language}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="robots" content="noindex">\n'
        f"<title>{title}</title>\n</head>\n<body>\n<main>\n"
        f"<h1>{title}</h1>\n"
        f"<p>{intro}</p>\n"
        f"<p>{verdict}</p>\n{table}\n</main>\n</body>\n</html>\n"
    )


def _links_section(links: LinkCheck, language: str) -> str:
    """The section on the last check of the external links (`pactsite check --external`)."""
    title = t("Links to other websites (checked on {day})", day=links.day.isoformat())
    found = sort_diagnostics(links.diagnostics)
    said = (
        t(
            "When the external links were last checked, these did not answer or had moved. "
            "Each row names the file and the line of the link."
        )
        if found
        else t("When the external links were last checked, all of them answered.")
    )
    table = _problem_table(found, language, title) if found else ""
    return f"\n<h2>{_said(title, language)}</h2>\n<p>{_said(said, language)}</p>\n{table}"
