"""Diagnostics for people and machines: plain text, GitHub annotations, JSON, a German page."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence

from pactsite.diagnostics import Diagnostic, sort_diagnostics
from pactsite.explain import Explanation, explain

FORMATS = ("text", "github", "json", "html")


def format_report(
    diagnostics: Sequence[Diagnostic], fmt: str, explanations: Sequence[Explanation] = ()
) -> str:
    """Render diagnostics in one of FORMATS; the text format is `path:line: error: ...`.

    The html page explains each message in German where the editors' guide does.
    """
    ordered = sort_diagnostics(diagnostics)
    if fmt == "github":
        return "".join(_github(d) + "\n" for d in ordered)
    if fmt == "json":
        records = [
            {
                "path": d.path,
                "line": d.line,
                "severity": d.severity.value,
                "message": d.message,
                "hint": d.hint,
            }
            for d in ordered
        ]
        return json.dumps(records, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if fmt == "html":
        return _html_page(ordered, explanations)
    return "".join(d.format() + "\n" for d in ordered)


def summary(diagnostics: Sequence[Diagnostic]) -> str:
    """Count errors and warnings."""
    errors = sum(1 for d in diagnostics if d.is_error)
    return f"{errors} error(s), {len(diagnostics) - errors} warning(s)"


def _github(diagnostic: Diagnostic) -> str:
    """A GitHub Actions workflow command that annotates the file and line."""

    def data(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def prop(text: str) -> str:
        return data(text).replace(":", "%3A").replace(",", "%2C")

    text = f"{diagnostic.message}; {diagnostic.hint}" if diagnostic.hint else diagnostic.message
    level = "error" if diagnostic.is_error else "warning"
    where = f"file={prop(diagnostic.path)},line={diagnostic.line}"
    return f"::{level} {where},title=pactsite::{data(text)}"


def _with_code(text: str) -> str:
    """Escape the guide's text and turn its `code` spans into <code> elements."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text, quote=False))


def _html_page(diagnostics: Sequence[Diagnostic], explanations: Sequence[Explanation]) -> str:
    """A German report page that editors can read: one row per problem."""
    errors = sum(1 for d in diagnostics if d.is_error)
    rows = "".join(
        "<tr>"
        f"<td>{'Fehler' if d.is_error else 'Hinweis'}</td>"
        f"<td><code>{html.escape(d.path)}</code></td><td>{d.line}</td>"
        f"<td>{_with_code(explain(d.message, explanations)) or '–'}</td>"
        f'<td><span lang="en">{html.escape(d.message)}; {html.escape(d.hint)}</span></td>'
        "</tr>\n"
        for d in diagnostics
    )
    verdict = (
        f"<p>Die Website kann so nicht gebaut werden: {errors} Fehler müssen behoben werden.</p>"
        if errors
        else "<p>Keine Fehler: Die Website kann gebaut werden.</p>"
    )
    table = (
        '<table><caption>Gefundene Probleme</caption><thead><tr><th scope="col">Art</th>'
        '<th scope="col">Datei</th><th scope="col">Zeile</th><th scope="col">Was falsch ist '
        'und wie Sie es beheben</th><th scope="col">Meldung von pactsite</th></tr></thead>'
        "<tbody>\n"
        f"{rows}</tbody></table>"
        if diagnostics
        else ""
    )
    return (
        '<!DOCTYPE html>\n<html lang="de">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<title>Prüfbericht der Inhalte</title>\n</head>\n<body>\n<main>\n"
        "<h1>Prüfbericht der Inhalte</h1>\n"
        "<p>pactsite hat alle Inhalte geprüft. Jede Zeile nennt die Datei und die Zeile "
        "darin, was falsch ist und wie Sie es beheben. Öffnen Sie die Datei in Ihrem "
        "Editor, gehen Sie zur genannten Zeile und speichern Sie nach der Korrektur. "
        "Die letzte Spalte ist die Meldung von pactsite im Wortlaut (englisch); alle "
        "Meldungen erklärt die Anleitung für Redaktionen im Abschnitt "
        "„Fehlermeldungen und was sie bedeuten“ (auf der Website unter /hilfe/).</p>\n"
        f"{verdict}\n{table}\n</main>\n</body>\n</html>\n"
    )
