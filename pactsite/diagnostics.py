"""Diagnostics: what is wrong with the input, where, and how to fix it."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

from pactsite.i18n import SOURCE_LANGUAGE, Text, render, t

# Control characters (line breaks, terminal escapes) quoted from the input would split a
# diagnostic over lines or recolour the editor's terminal; they are shown escaped.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _escape_controls(text: str) -> str:
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


class Severity(Enum):
    """How bad a diagnostic is; errors fail the build, warnings do not."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"
    """Something to do that is no problem (`check --missing-translations`)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Diagnostic:
    """One problem in the input, located by site-relative path and 1-based line."""

    path: str
    line: int
    message: str | Text
    hint: str | Text = ""
    severity: Severity = Severity.ERROR

    def format(self, language: str = SOURCE_LANGUAGE) -> str:
        """Render as `path:line: error: message; hint`, the way compilers do.

        The prefix stays English in every language (problem matchers and GitHub read it);
        the message and hint are shown in `language`.
        """
        return f"{self.path}:{self.line}: {self.severity.value}: {self.text(language)}"

    def text(self, language: str = SOURCE_LANGUAGE) -> str:
        """The message and its hint in `language`, as `message; hint`."""
        message, hint = render(self.message, language), render(self.hint, language)
        return _escape_controls(f"{message}; {hint}" if hint else message)

    @property
    def is_error(self) -> bool:
        """Whether this diagnostic fails the build."""
        return self.severity is Severity.ERROR


class BuildFailed(Exception):
    """Raised when a build has errors; carries every diagnostic of the run."""

    exit_code = 1

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = tuple(sort_diagnostics(diagnostics))
        errors = sum(1 for d in self.diagnostics if d.is_error)
        super().__init__(f"{errors} error(s)")


class OutputError(Exception):
    """Raised when the output folder cannot be written (read-only, disk full)."""

    exit_code = 1

    def __init__(self, text: str | Text) -> None:
        self.text = text
        super().__init__(str(text))

    def format(self, language: str = SOURCE_LANGUAGE) -> str:
        """The message in `language`."""
        return render(self.text, language)


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Order diagnostics by file and line, so reports are stable and readable."""
    return sorted(diagnostics, key=lambda d: (d.path, d.line, str(d.message)))


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    """Whether any of the diagnostics is an error."""
    return any(d.is_error for d in diagnostics)


def did_you_mean(wrong: str, known: Iterable[str]) -> Text:
    """Suggest the closest known spelling, or list the known ones (empty if none are known)."""
    candidates = sorted(set(known))
    close = difflib.get_close_matches(wrong, candidates, n=1, cutoff=0.6)
    listing = ", ".join(candidates[:12]) + (", ..." if len(candidates) > 12 else "")
    if close:
        return t("did you mean '{close}'? (known: {known})", close=close[0], known=listing)
    if candidates:
        return t("use one of: {known}", known=listing)
    return Text("")
