"""The German report page of a build's warnings and errors, for editors, not programmers.

`pactsite check --format html` prints it; every build also publishes it as
`/.pactsite/pruefbericht.html`, so the deploy log can link to it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from pactsite.artifact import OutputFile
from pactsite.diagnostics import Diagnostic, sort_diagnostics
from pactsite.explain import Explanation, explain, parse_explanations
from pactsite.outputs.help import locate_guide

REPORT_FILE = PurePosixPath(".pactsite/pruefbericht.html")


def guide_explanations(root: Path) -> list[Explanation]:
    """The German explanations of messages from the site's (or the shipped) editors' guide."""
    guide = locate_guide(root)
    return parse_explanations(guide.read_text(encoding="utf-8")) if guide else []


def build_report_page(root: Path, diagnostics: Sequence[Diagnostic]) -> OutputFile:
    """The report page of this build's warnings, as a file of the site."""
    page = report_page(sort_diagnostics(diagnostics), guide_explanations(root))
    return OutputFile(REPORT_FILE, page.encode("utf-8"))


def _with_code(text: str) -> str:
    """Escape the guide's text and turn its `code` spans into <code> elements."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text, quote=False))


def report_page(diagnostics: Sequence[Diagnostic], explanations: Sequence[Explanation]) -> str:
    """A German report page that editors can read: one row per problem."""
    errors = sum(1 for d in diagnostics if d.is_error)
    rows = "".join(
        "<tr>"
        f"<td>{'Fehler' if d.is_error else 'Hinweis'}</td>"
        f"<td><code>{html.escape(d.path)}</code></td><td>{d.line}</td>"
        f"<td>{_with_code(explain(str(d.message), explanations)) or '–'}</td>"
        f'<td><span lang="en">{html.escape(d.text())}</span></td>'
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
        '<meta name="robots" content="noindex">\n'
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
