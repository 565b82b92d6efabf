"""Debouncing: a burst of pokes runs an action once, after a quiet moment, in its own thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Debouncer:
    """Runs `action` in a worker thread once pokes have been quiet for `quiet` seconds.

    A steady stream of pokes still runs the action at least every `longest` seconds; pokes
    during a run lead to one more run afterwards.
    """

    def __init__(self, action: Callable[[], None], quiet: float = 0.1, longest: float = 1.0):
        self._action = action
        self._quiet = quiet
        self._longest = longest
        self._lock = threading.Lock()
        self._pending = threading.Event()
        self._stopping = threading.Event()
        self._last = 0.0
        self._thread = threading.Thread(target=self._run, name="pactsite-rebuild", daemon=True)

    def start(self) -> None:
        """Start the worker thread."""
        self._thread.start()

    def poke(self) -> None:
        """Ask for a run; the run waits until the pokes stop for a moment."""
        with self._lock:
            self._last = time.monotonic()
        self._pending.set()

    def stop(self) -> None:
        """Stop the worker, letting a run in progress finish."""
        self._stopping.set()
        self._pending.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        while True:
            self._pending.wait()
            if self._stopping.is_set():
                return
            first = time.monotonic()
            while True:
                with self._lock:
                    quiet_until = self._last + self._quiet
                now = time.monotonic()
                if now >= quiet_until or now - first >= self._longest:
                    break
                if self._stopping.wait(quiet_until - now):
                    return
            self._pending.clear()
            self._action()
