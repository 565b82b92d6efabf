"""The soft hyphens of a site's long title words, worked out in a process of its own.

The hyphenation patterns would add 20 MB to the build process's peak
(`pactsite.render.hyphenate`); a short-lived interpreter loads them instead, answers for
the words the build does not know yet, and ends. What it answered is kept in the build
cache, so that a rebuild asks only for the words of new titles (usually none). A build that
will ask (no answers kept) starts the process as it begins reading (`start_hyphenation`):
the interpreter starts and loads the patterns meanwhile, and is sent the words once the
site's titles are known.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from pactsite import __version__

if TYPE_CHECKING:
    import subprocess

_TIMEOUT = 60
"""Seconds the hyphenation process may take; without its answer titles are not hyphenated."""


def start_hyphenation(languages: Iterable[str], folder: Path | None) -> None:
    """Start the hyphenation process of each language whose answers are neither kept in
    `folder` (the build cache; None for none) nor known to this process, for
    `hyphenation_table` to send it the words later. Call it only after forking workers:
    a forked process would hold the process's input open."""
    for language in languages:
        known = language in _STARTED or _ANSWERED.get(language)
        if known or (folder is not None and _kept_file(folder, language).is_file()):
            continue
        with contextlib.suppress(OSError):
            _STARTED[language] = _start(language)


def hyphenation_table(
    words: Iterable[str], language: str, folder: Path | None, *, early: bool = True
) -> dict[str, str]:
    """Each of `words` that can be hyphenated, with its soft hyphens: from the file kept in
    `folder` (the build cache; None for none), else asked of a process of its own (the one
    started early, unless not `early`: that one waits for the titles)."""
    wanted = set(words)
    kept_file = _kept_file(folder, language) if folder is not None else None
    version = _version()
    kept = _read_kept(kept_file, version)
    known = _ANSWERED.setdefault(language, {})
    unknown = wanted - kept.keys()
    if unknown:
        kept.update({word: known[word] for word in unknown if word in known})
        missing = sorted(wanted - kept.keys())
        answered = _ask(missing, language, early) if missing else {}
        if answered is None:
            return {w: kept[w] for w in wanted if w in kept and kept[w] != w}
        known.update({word: answered.get(word, word) for word in missing})
        kept.update({word: known[word] for word in missing})
        _write_kept(kept_file, kept, version)
    return {word: kept[word] for word in wanted if kept[word] != word}


_ANSWERED: dict[str, dict[str, str]] = {}
"""The answers this process was given, by language: later builds in it (`serve`, tests) ask
only for words it has not seen."""
_STARTED: dict[str, subprocess.Popen[str]] = {}
"""The hyphenation processes started before their words were known, by language."""


def _stop_started() -> None:
    """End the processes started for a build that asked them nothing (it failed, or its
    titles had no long word): their input ends, and they with it."""
    for process in _STARTED.values():
        with contextlib.suppress(OSError, ValueError):
            process.communicate("[]", timeout=_TIMEOUT)
    _STARTED.clear()


atexit.register(_stop_started)  # nothing to do in a process that started none


def _kept_file(folder: Path, language: str) -> Path:
    return folder / f"hyphenation-{language}.json"


def _version() -> str:
    """What the answers depend on besides the words: pactsite's and pyphen's versions."""
    spec = importlib.util.find_spec("pyphen")  # without importing it (30 ms)
    origin = Path(spec.origin) if spec is not None and spec.origin else None
    stamp = origin.stat().st_mtime_ns if origin is not None and origin.exists() else 0
    return f"{__version__} {origin} {stamp}"


def _read_kept(path: Path | None, version: str) -> dict[str, str]:
    if path is None:
        return {}
    with contextlib.suppress(OSError, ValueError):
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and data.get("version") == version:
            words = data.get("words")
            if isinstance(words, dict):
                return {str(k): str(v) for k, v in words.items()}
    return {}


def _write_kept(path: Path | None, words: dict[str, str], version: str) -> None:
    if path is None:
        return
    data = {"version": version, "words": dict(sorted(words.items()))}
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _ask(words: list[str], language: str, early: bool) -> dict[str, str] | None:
    """The hyphenation process's answer for `words` (with `early`, of the one started for
    `language` beforehand, if any; else of a new one); None if it gave none."""
    import subprocess  # here: a rebuild that knows its words starts no process

    try:
        process = (_STARTED.pop(language, None) if early else None) or _start(language)
        try:
            out, _ = process.communicate(json.dumps(words), timeout=_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            return None
        answer = json.loads(out) if process.returncode == 0 else None
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    return {str(k): str(v) for k, v in answer.items()} if isinstance(answer, dict) else None


def _start(language: str) -> subprocess.Popen[str]:
    """A hyphenation process for `language`, loading its patterns and waiting for words."""
    import subprocess

    return subprocess.Popen(
        [sys.executable, "-m", "pactsite.render.hyphenate", language],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        encoding="utf-8",
    )
