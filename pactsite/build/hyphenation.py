"""The soft hyphens of a site's long title words, worked out in a process of its own.

The hyphenation patterns would add 10 MB to the build process's peak
(`pactsite.render.hyphenate`); a short-lived process forked from the build (a new
interpreter where the system cannot fork) loads them instead, answers for the words the
build does not know yet, and ends. What it answered is kept in the build cache, so that a
rebuild asks only for the words of new titles (usually none). A build that will ask (no
answers kept) starts the process as it begins reading (`start_hyphenation`): the process
loads the patterns meanwhile, and is sent the words once the site's titles are known.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from pactsite import __version__

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.context import ForkContext, SpawnContext
    from multiprocessing.process import BaseProcess

_TIMEOUT = 60
"""Seconds the hyphenation process may take; without its answer titles are not hyphenated."""


def start_hyphenation(languages: Iterable[str], folder: Path | None) -> None:
    """Start the hyphenation process of each language whose answers are neither kept in
    `folder` (the build cache; None for none) nor known to this process, for
    `hyphenation_table` to send it the words later."""
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
_STARTED: dict[str, _Hyphenator] = {}
"""The hyphenation processes started before their words were known, by language."""


def _stop_started() -> None:
    """End the processes started for a build that asked them nothing (it failed, or its
    titles had no long word)."""
    for process in _STARTED.values():
        process.stop()
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
    try:
        process = (_STARTED.pop(language, None) if early else None) or _start(language)
    except OSError:
        return None
    return process.ask(words)


class _Hyphenator:
    """A process of its own that loads the patterns of a language, is sent words (once),
    answers with their hyphenation and ends."""

    def __init__(self, language: str) -> None:
        import multiprocessing as mp

        # forked where it can be: a new interpreter took twice the CPU time to start
        context: ForkContext | SpawnContext
        if "fork" in mp.get_all_start_methods():
            context = mp.get_context("fork")
        else:
            context = mp.get_context("spawn")
        self._receiving, sending = context.Pipe(duplex=True)
        self._process: BaseProcess = context.Process(
            target=_hyphenate_sent,
            args=(language, sending, os.getpid()),
            name="pactsite-hyphenation",
            daemon=True,
        )
        self._process.start()
        sending.close()

    def ask(self, words: list[str]) -> dict[str, str] | None:
        """The hyphenation of `words`; None if the process gave none in time."""
        try:
            self._receiving.send(words)
            answer = self._receiving.recv() if self._receiving.poll(_TIMEOUT) else None
        except (OSError, EOFError, ValueError):
            answer = None
        self.stop()
        return answer if isinstance(answer, dict) else None

    def stop(self) -> None:
        """End the process (it has answered, or will not be asked)."""
        self._receiving.close()
        if self._process.is_alive():
            self._process.kill()
        self._process.join()


def _hyphenate_sent(language: str, connection: Connection, parent: int) -> None:
    """The hyphenation process: load the patterns, then answer the words it is sent (with
    None if it cannot: the build then shows its titles without soft hyphens)."""
    from pactsite.build.workers import die_with_parent

    die_with_parent(parent)
    try:
        from pactsite.render.hyphenate import hyphenations, load_patterns

        load_patterns(language)
        words = connection.recv()
        connection.send(hyphenations(words, language))
    except EOFError:  # the build asked nothing
        pass
    except Exception:  # no traceback for editors; the build goes on without soft hyphens
        with contextlib.suppress(OSError, ValueError):
            connection.send(None)


def _start(language: str) -> _Hyphenator:
    """A hyphenation process for `language`, loading its patterns and waiting for words."""
    return _Hyphenator(language)
