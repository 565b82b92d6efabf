"""Reading editors' text files: UTF-8 with or without BOM, LF or CRLF."""

from __future__ import annotations

from pathlib import Path

from pactsite.diagnostics import Diagnostic

MAX_FILE_BYTES = 5 * 1024 * 1024


def read_text(path: Path, shown_as: str) -> tuple[str | None, Diagnostic | None]:
    """Read a UTF-8 text file, normalising BOM and line endings; report what fails."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, Diagnostic(
                path=shown_as,
                line=1,
                message=f"file is too large ({size // 1024} KiB)",
                hint=f"split it; text files may have at most {MAX_FILE_BYTES // 1024 // 1024} MiB",
            )
        data = path.read_bytes()
    except OSError as error:
        return None, Diagnostic(
            path=shown_as, line=1, message=f"cannot read file: {error.strerror}", hint=""
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return None, Diagnostic(
            path=shown_as,
            line=line,
            message="file is not UTF-8 text",
            hint="save it as UTF-8 in your editor (e.g. 'Save with encoding: UTF-8')",
        )
    if "\x00" in text:
        return None, Diagnostic(
            path=shown_as, line=1, message="file contains NUL bytes", hint="is it a binary file?"
        )
    return text.replace("\r\n", "\n").replace("\r", "\n"), None
