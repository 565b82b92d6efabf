"""The soft hyphens of a site's long title words, worked out in a process of its own.

The hyphenation patterns would add 20 MB to the build process's peak
(`pactsite.render.hyphenate`); a short-lived interpreter loads them instead, answers for
the words the build does not know yet, and ends. What it answered is kept in the build
cache, so that a rebuild asks only for the words of new titles (usually none).
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import sys
from collections.abc import Iterable
from pathlib import Path

from pactsite import __version__

_TIMEOUT = 60
"""Seconds the hyphenation process may take; without its answer titles are not hyphenated."""


def hyphenation_table(words: Iterable[str], language: str, folder: Path | None) -> dict[str, str]:
    """Each of `words` that can be hyphenated, with its soft hyphens: from the file kept in
    `folder` (the build cache; None for none), else asked of a process of its own."""
    wanted = set(words)
    kept_file = folder / f"hyphenation-{language}.json" if folder is not None else None
    version = _version()
    kept = _read_kept(kept_file, version)
    known = _ANSWERED.setdefault(language, {})
    unknown = wanted - kept.keys()
    if unknown:
        kept.update({word: known[word] for word in unknown if word in known})
        missing = sorted(wanted - kept.keys())
        answered = _ask(missing, language) if missing else {}
        if answered is None:
            return {w: kept[w] for w in wanted if w in kept and kept[w] != w}
        known.update({word: answered.get(word, word) for word in missing})
        kept.update({word: known[word] for word in missing})
        _write_kept(kept_file, kept, version)
    return {word: kept[word] for word in wanted if kept[word] != word}


_ANSWERED: dict[str, dict[str, str]] = {}
"""The answers this process was given, by language: later builds in it (`serve`, tests) ask
only for words it has not seen."""


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


def _ask(words: list[str], language: str) -> dict[str, str] | None:
    """The hyphenation process's answer for `words`; None if it gave none."""
    import subprocess  # here: a rebuild that knows its words starts no process

    command = [sys.executable, "-m", "pactsite.render.hyphenate", language]
    try:
        done = subprocess.run(
            command,
            input=json.dumps(words),
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=_TIMEOUT,
            check=False,
        )
        answer = json.loads(done.stdout) if done.returncode == 0 else None
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    return {str(k): str(v) for k, v in answer.items()} if isinstance(answer, dict) else None
