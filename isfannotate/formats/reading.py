"""How far a reader of another tool's files is, for the import job that runs it.

``reading_progress(progress)`` around a reader's call (on the job's thread) turns what the
readers say into the job's progress: ``reading_files`` (the files a reader will read, from
``parsed.expand_paths``), ``opening`` (``parsed.read_text_file`` starts on a file) and
``records`` (the items of a file, as a reader goes through them). Without ``reading_progress``
each is a no-op.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any


class ReadProgress:
    """A reader's progress over its files, for the import job that runs it (``reading_progress``).

    Each file's share of the whole is its size; the readers say when they open a file
    (``read_text_file``) and how far they are through its records (``records``, ``json_lines``).
    ``progress(done, SCALE)`` is the job's callback, which may raise ``JobCancelled``: a Cancel
    pressed while a big file is parsed stops the import there, before anything is written."""

    SCALE = 1000

    def __init__(self, progress: Callable[[int, int], object]) -> None:
        self._progress = progress
        self._sizes: dict[Path, int] = {}
        self._total = 0      # bytes of every file the readers listed
        self._done = 0       # bytes of the files finished
        self._current = 0    # bytes of the file being read
        self._step = -1

    def add_files(self, files: Iterable[Path]) -> None:
        for f in files:
            if f not in self._sizes:
                try:
                    size = max(1, f.stat().st_size)
                except OSError:
                    size = 1
                self._sizes[f] = size
                self._total += size

    def open_file(self, path: Path) -> None:
        """The reader starts on *path*: the file before it is done."""
        self._done += self._current
        self._current = self._sizes.get(path, 0)
        self.within(0, 1)

    def within(self, done: int, total: int) -> None:
        """*done* of the current file's *total* records read."""
        if self._total <= 0:
            return
        frac = (self._done + self._current * (done / total if total else 1.0)) / self._total
        step = min(self.SCALE, int(frac * self.SCALE))
        if step > self._step:
            self._step = step
            self._progress(step, self.SCALE)


_READING: ContextVar[ReadProgress | None] = ContextVar("isfannotate_read_progress", default=None)


@contextmanager
def reading_progress(progress: Callable[[int, int], object] | None) -> Iterator[None]:
    """Report the progress of the readers called inside (on this thread) to *progress*."""
    token = _READING.set(ReadProgress(progress) if progress is not None else None)
    try:
        yield
    finally:
        _READING.reset(token)


def reading_files(files: Iterable[Path]) -> None:
    """A reader's list of the files it will read (for the progress; nothing when none is asked)."""
    rp = _READING.get()
    if rp is not None:
        rp.add_files(files)


def records(items: Sequence[Any]) -> Iterator[Any]:
    """The items of a file, saying how far through them the reader is (about 250 times a file)."""
    rp = _READING.get()
    if rp is None:
        yield from items
        return
    n = len(items)
    every = max(1, n // 250)
    for k, item in enumerate(items):
        if not k % every:
            rp.within(k, n)
        yield item
    rp.within(n, n)


def opening(path: Path) -> None:
    """A reader starts on the file at *path* (the file before it is done)."""
    rp = _READING.get()
    if rp is not None:
        rp.open_file(path)
