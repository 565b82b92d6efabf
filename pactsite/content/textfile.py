"""Reading editors' text files: UTF-8 with or without BOM, LF or CRLF."""

from __future__ import annotations

from pathlib import Path

from pactsite.diagnostics import Diagnostic
from pactsite.i18n import t

MAX_FILE_BYTES = 5 * 1024 * 1024


def read_text(path: Path, shown_as: str) -> tuple[str | None, Diagnostic | None]:
    """Read a UTF-8 text file, normalising BOM and line endings; report what fails."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, Diagnostic(
                path=shown_as,
                line=1,
                message=t("file is too large ({size} KiB)", size=size // 1024),
                hint=t(
                    "split it; text files may have at most {limit} MiB",
                    limit=MAX_FILE_BYTES // 1024 // 1024,
                ),
            )
        data = path.read_bytes()
    except OSError as error:
        return None, Diagnostic(
            path=shown_as,
            line=1,
            message=t("cannot read file: {reason}", reason=str(error.strerror)),
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return None, Diagnostic(
            path=shown_as,
            line=line,
            message=t("file is not UTF-8 text"),
            hint=t("save it as UTF-8 in your editor (e.g. 'Save with encoding: UTF-8')"),
        )
    if "\x00" in text:
        return None, Diagnostic(
            path=shown_as,
            line=1,
            message=t("file contains NUL bytes"),
            hint=t("is it a binary file?"),
        )
    return text.replace("\r\n", "\n").replace("\r", "\n"), None
