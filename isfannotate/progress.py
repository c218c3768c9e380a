"""A terminal progress bar for long CLI work: appears only once the work has taken a second."""
from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from .errors import JobCancelled

_stop = threading.local()


@contextmanager
def stop_when(cancelled: Callable[[], bool]) -> Iterator[None]:
    """On this thread, every ProgressBar call raises ``JobCancelled`` once ``cancelled()`` is
    true: a command served to a terminal (``store.serve``) stops when that terminal goes away."""
    _stop.cancelled = cancelled
    try:
        yield
    finally:
        _stop.cancelled = None


class ProgressBar:
    """Call with (done, total). Draws on stderr after *delay* seconds, when stderr is a terminal
    (or ISFANNOTATE_PROGRESS=1 forces it, for tests and logs)."""

    def __init__(self, label: str, delay: float = 1.0, stream: TextIO | None = None,
                 force: bool | None = None) -> None:
        import os
        self.label = label
        self.delay = delay
        self.stream = stream or sys.stderr
        self.start = time.monotonic()
        self.enabled = force if force is not None else (
            os.environ.get("ISFANNOTATE_PROGRESS") == "1" or getattr(self.stream, "isatty", lambda: False)())
        if getattr(_stop, "cancelled", None) is not None:
            self.enabled = False      # served to a terminal: never drawn into the captured output
        self.drawn = False
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        cancelled = getattr(_stop, "cancelled", None)
        if cancelled is not None and cancelled():
            raise JobCancelled(f"{self.label}: stopped, the terminal that asked for it went away; nothing was written")
        if not self.enabled:
            return
        t = time.monotonic()
        if t - self.start < self.delay or (t - self._last < 0.1 and done < total):
            return
        self._last = t
        frac = done / total if total else 1.0
        bar = "#" * int(frac * 30)
        self.stream.write(f"\r{self.label} [{bar:<30}] {frac:6.1%}")
        self.stream.flush()
        self.drawn = True

    def finish(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()


class Phases:
    """One job's progress over its phases, on one scale of ``SCALE`` steps, never going back.

    ``part(lo, hi)`` gives a ``progress(done, total)`` callback for one phase that fills the
    share lo..hi of the scale (0..1); the job's own callback is called only when the step
    changes. ``end()`` reports the whole scale: a job calls it as the last thing before its
    commit, so a Cancel pressed later cannot stop it (the import is then too late to cancel)."""

    SCALE = 1000

    def __init__(self, progress: Callable[[int, int], object] | None) -> None:
        self._progress = progress
        self._last = -1

    def report(self, frac: float) -> None:
        if self._progress is None:
            return
        step = min(self.SCALE, max(0, int(frac * self.SCALE)))
        if step > self._last:
            self._last = step
            self._progress(step, self.SCALE)

    def part(self, lo: float, hi: float) -> Callable[[int, int], None]:
        def cb(done: int, total: int) -> None:
            self.report(lo + (hi - lo) * (done / total if total else 1.0))
        return cb

    def end(self) -> None:
        self.report(1.0)


def chunks(n: int, parts: int = 25) -> list[tuple[int, int]]:
    """(start, stop) of about *parts* equal slices of range(n) (at least one row each)."""
    size = max(1, -(-n // parts))
    return [(i, min(n, i + size)) for i in range(0, n, size)]
