"""The job queue: long work (import, export, merge, agreement) through the owner's connection.

One worker thread runs one job at a time, in submission order. A job is ``fn(project,
progress, cancelled)``; it uses the same ``Project`` (the one connection), so no second
connection to the file ever exists. While a job is inside a transaction it holds the session's
guard; any other thread's call waits at most ``project.connection_wait`` seconds and is then
refused with ``Busy``: never joined to the job's transaction, never lost silently.

Callbacks (``on_progress``, ``on_done``) run on the job thread; a UI bridges them to its own
thread (the app uses Qt signals with queued connections).
"""
from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Any

from ..errors import JobCancelled

ProgressCb = Callable[[int, int], None]


class Job:
    """One submitted job: its title, progress, cancellation and outcome."""

    def __init__(self, title: str, fn: Callable[..., Any]):
        self.title = title
        self._fn = fn
        self._cancel = threading.Event()
        self._finished = threading.Event()
        self._progress_cbs: list[ProgressCb] = []
        self._done_cbs: list[Callable[[Job], None]] = []
        self._lock = threading.Lock()
        self.result: Any = None
        self.error: BaseException | None = None
        self.last_progress: tuple[int, int] = (0, 0)

    # ---------------------------------------------------------------- caller side
    def cancel(self) -> None:
        """Ask the job to stop: its next progress() call raises JobCancelled (its transaction is
        rolled back). A job that has not started yet never runs."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    @property
    def done(self) -> bool:
        return self._finished.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the job has finished (True) or *timeout* seconds passed (False)."""
        return self._finished.wait(timeout)

    def on_progress(self, cb: ProgressCb) -> None:
        self._progress_cbs.append(cb)

    def on_done(self, cb: Callable[[Job], None]) -> None:
        """Call *cb(job)* when the job ends (at once, on this thread, if it already has)."""
        with self._lock:
            if not self._finished.is_set():
                self._done_cbs.append(cb)
                return
        cb(self)

    def outcome(self) -> Any:
        """The result, or raise the job's error (after wait())."""
        if self.error is not None:
            raise self.error
        return self.result

    # ------------------------------------------------------------------ job side
    def progress(self, done: int, total: int) -> None:
        if self._cancel.is_set():
            raise JobCancelled(f"{self.title}: cancelled; nothing was changed")
        self.last_progress = (done, total)
        for cb in self._progress_cbs:
            cb(done, total)

    def _run(self, project: object) -> None:
        try:
            if self._cancel.is_set():
                raise JobCancelled(f"{self.title}: cancelled before it started; nothing was changed")
            self.result = self._fn(project, self.progress, lambda: self._cancel.is_set())
        except BaseException as e:  # handed to the caller through .error / on_done
            self.error = e
        with self._lock:
            self._finished.set()
            cbs, self._done_cbs = self._done_cbs, []
        for cb in cbs:
            cb(self)


class JobQueue:
    """Runs a project's jobs one at a time on one daemon thread, started on first use."""

    def __init__(self, project: object) -> None:
        """*project*: the store every job function receives (passed through, never used here)."""
        self._project = project
        self._queue: queue.Queue[Job | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self.current: Job | None = None
        self._pending = 0
        self._count_lock = threading.Lock()

    @property
    def thread(self) -> threading.Thread | None:
        return self._thread

    @property
    def busy(self) -> bool:
        """True while a job runs or waits."""
        return self._pending > 0

    def submit(self, title: str, fn: Callable[..., Any]) -> Job:
        """Queue ``fn(project, progress, cancelled)``; returns its Job at once."""
        job = Job(title, fn)
        with self._count_lock:
            self._pending += 1
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="isfannotate-jobs", daemon=True)
            self._thread.start()
        self._queue.put(job)
        return job

    def _loop(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            self.current = job
            try:
                job._run(self._project)
            finally:
                self.current = None
                with self._count_lock:
                    self._pending -= 1

    def shutdown(self, cancel: bool = False) -> None:
        """Wait for the queued jobs (or cancel them) and stop the thread."""
        if self._thread is None:
            return
        if cancel:
            for job in list(self._queue.queue):
                if job is not None:
                    job.cancel()
            if self.current is not None:
                self.current.cancel()
        self._queue.put(None)
        self._thread.join()
        self._thread = None
