"""Diagnostics for people and machines: plain text, GitHub annotations, JSON, a German page."""

from __future__ import annotations

import html
import json
from collections.abc import Sequence

from pactsite.diagnostics import Diagnostic, sort_diagnostics

FORMATS = ("text", "github", "json", "html")


def format_report(diagnostics: Sequence[Diagnostic], fmt: str) -> str:
    """Render diagnostics in one of FORMATS; the text format is `path:line: error: ...`."""
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
        return _html_page(ordered)
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


def _html_page(diagnostics: Sequence[Diagnostic]) -> str:
    """A German report page that editors can read: one row per problem."""
    errors = sum(1 for d in diagnostics if d.is_error)
    rows = "".join(
        "<tr>"
        f"<td>{'Fehler' if d.is_error else 'Hinweis'}</td>"
        f"<td><code>{html.escape(d.path)}</code></td><td>{d.line}</td>"
        f"<td>{html.escape(d.message)}</td><td>{html.escape(d.hint)}</td>"
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
        '<th scope="col">Datei</th><th scope="col">Zeile</th><th scope="col">Was ist falsch'
        '</th><th scope="col">Wie Sie es beheben</th></tr></thead><tbody>\n'
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
        "Editor, gehen Sie zur genannten Zeile und speichern Sie nach der Korrektur.</p>\n"
        f"{verdict}\n{table}\n</main>\n</body>\n</html>\n"
    )
