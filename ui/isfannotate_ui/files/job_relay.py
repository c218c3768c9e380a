"""A core job (``project.jobs``) seen from Qt: its progress and its end as signals on the UI thread.

The core runs one job at a time on its own thread, through the project's one connection, and
calls back on that thread. ``JobRelay`` re-emits those calls as Qt signals; the relay lives on
the UI thread, so Qt queues them and its slots run on the UI thread (never touch widgets from a
job callback directly).
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

from isfannotate.errors import JobCancelled


class JobRelay(QObject):
    """Signals for one submitted core ``Job``. Create it on the UI thread, right after submitting."""

    progressed = Signal(int, int)      # done, total (in the job's own units)
    succeeded = Signal(object)         # the job's result
    failed = Signal(str)               # one line: the error, or "…: cancelled; nothing was changed"
    ended = Signal()                   # after succeeded or failed

    _ended_on_job_thread = Signal(object, object)   # result, error

    def __init__(self, job, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.job = job
        self.title: str = job.title
        self.cancel_requested = False
        self._relayed = False
        # always queued: the slot runs on the UI thread even when the job ended before this line
        self._ended_on_job_thread.connect(self._on_end, Qt.ConnectionType.QueuedConnection)
        job.on_progress(self._progressed_on_job_thread)
        job.on_done(self._done_on_job_thread)

    def cancel(self) -> None:
        """Ask the job to stop; it ends with ``failed`` (its work rolled back), soon, not at once."""
        self.cancel_requested = True
        self.job.cancel()

    @property
    def done(self) -> bool:
        """True once the job has finished on its thread (``ended`` may still be on its way)."""
        return self.job.done

    @property
    def has_ended(self) -> bool:
        """True once ``ended`` has been emitted (on the UI thread)."""
        return self._relayed

    # ------------------------------------------------------------- job thread
    def _progressed_on_job_thread(self, done: int, total: int) -> None:
        try:
            self.progressed.emit(int(done), int(total))
        except RuntimeError:   # the window (and this relay) is gone: nobody to tell
            pass

    def _done_on_job_thread(self, job) -> None:
        try:
            self._ended_on_job_thread.emit(job.result, job.error)
        except RuntimeError:   # the window (and this relay) is gone: nobody to tell
            pass

    # --------------------------------------------------------------- UI thread
    def _on_end(self, result: Any, error: BaseException | None) -> None:
        if self._relayed:
            return
        self._relayed = True
        if error is None:
            self.succeeded.emit(result)
        elif isinstance(error, JobCancelled):
            self.failed.emit(str(error))
        else:  # shown to the user; the core raises IsfError with a one-line reason
            self.failed.emit(str(error) or type(error).__name__)
        self.ended.emit()
