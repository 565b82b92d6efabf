"""Diagnostics for people and machines: plain text, GitHub annotations, JSON, a German page."""

from __future__ import annotations

import json
from collections.abc import Sequence

from pactsite.diagnostics import Diagnostic, sort_diagnostics
from pactsite.explain import Explanation
from pactsite.i18n import render

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
                "message": render(d.message),
                "hint": render(d.hint),
            }
            for d in ordered
        ]
        return json.dumps(records, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if fmt == "html":
        from pactsite.outputs.report_page import report_page  # Markdown: only for this format

        return report_page(ordered, explanations)
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

    text = diagnostic.text()
    level = "error" if diagnostic.is_error else "warning"
    where = f"file={prop(diagnostic.path)},line={diagnostic.line}"
    return f"::{level} {where},title=pactsite::{data(text)}"
