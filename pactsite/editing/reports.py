"""Diagnostics for people and machines: plain text, GitHub annotations, JSON, a report page."""

from __future__ import annotations

import json
from collections.abc import Sequence

from pactsite.diagnostics import Diagnostic, sort_diagnostics
from pactsite.i18n import SOURCE_LANGUAGE, Text, render, t

FORMATS = ("text", "github", "json", "html")


def format_report(
    diagnostics: Sequence[Diagnostic], fmt: str, language: str = SOURCE_LANGUAGE
) -> str:
    """Render diagnostics in one of FORMATS; the text format is `path:line: error: ...`.

    Messages and hints are in `language`; the keys, severities and prefixes stay English.
    """
    ordered = sort_diagnostics(diagnostics)
    if fmt == "github":
        return "".join(_github(d, language) + "\n" for d in ordered)
    if fmt == "json":
        records = [
            {
                "path": d.path,
                "line": d.line,
                "severity": d.severity.value,
                "message": render(d.message, language),
                "hint": render(d.hint, language),
            }
            for d in ordered
        ]
        return json.dumps(records, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if fmt == "html":
        from pactsite.outputs.report_page import report_page  # Markdown: only for this format

        return report_page(ordered, language)
    return "".join(d.format(language) + "\n" for d in ordered)


def summary(diagnostics: Sequence[Diagnostic]) -> Text:
    """Count errors and warnings."""
    errors = sum(1 for d in diagnostics if d.is_error)
    return t(
        "{errors} error(s), {warnings} warning(s)",
        errors=errors,
        warnings=len(diagnostics) - errors,
    )


def _github(diagnostic: Diagnostic, language: str) -> str:
    """A GitHub Actions workflow command that annotates the file and line."""

    def data(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def prop(text: str) -> str:
        return data(text).replace(":", "%3A").replace(",", "%2C")

    text = diagnostic.text(language)
    level = {"error": "error", "warning": "warning"}.get(diagnostic.severity.value, "notice")
    where = f"file={prop(diagnostic.path)},line={diagnostic.line}"
    return f"::{level} {where},title=pactsite::{data(text)}"
