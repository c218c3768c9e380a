"""Long work off the UI thread (import, export): a QThread running a function that opens its
own Project connection, with a progress dialog that can cancel. Results come back on the UI
thread through signals."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget


class Cancelled(Exception):
    """Raised inside the worker's progress callback when the user pressed Cancel."""


class _Worker(QObject):
    progressed = Signal(int, int)
    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, fn: Callable[..., Any]) -> None:
        super().__init__()
        self.fn = fn
        self.cancel_requested = False

    def run(self) -> None:
        def progress(done: int, total: int) -> None:
            if self.cancel_requested:
                raise Cancelled()
            self.progressed.emit(int(done), int(total))

        try:
            result = self.fn(progress, lambda: self.cancel_requested)
        except Cancelled:
            self.failed.emit("cancelled: nothing was changed")
        except Exception as e:  # shown to the user; the core raises IsfError with a one-line reason
            self.failed.emit(str(e) or type(e).__name__)
        else:
            self.finished.emit(result)


class Job(QObject):
    """Run ``fn(progress, cancelled)`` in a thread; ``done(result)`` or ``error(message)`` on the UI thread."""

    done = Signal(object)
    error = Signal(str)

    def __init__(self, parent: QWidget, title: str, fn: Callable[..., Any]) -> None:
        super().__init__(parent)
        self.thread = QThread(self)
        self.worker = _Worker(fn)
        self.worker.moveToThread(self.thread)
        self.dialog = QProgressDialog(title, "Cancel", 0, 0, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setMinimumDuration(400)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self._on_cancel)
        self.thread.started.connect(self.worker.run)
        self.worker.progressed.connect(self._on_progress)
        self.worker.finished.connect(self._on_finished)
        self.worker.failed.connect(self._on_failed)

    def start(self) -> None:
        self.thread.start()

    def wait(self, ms: int = 60000) -> bool:
        return self.thread.wait(ms)

    def _on_cancel(self) -> None:
        self.worker.cancel_requested = True

    def _on_progress(self, done: int, total: int) -> None:
        scale = max(1, total // 1_000_000 + 1)  # QProgressDialog takes ints
        self.dialog.setMaximum(total // scale)
        self.dialog.setValue(done // scale)

    def _end(self) -> None:
        self.dialog.close()
        self.thread.quit()
        self.thread.wait()

    def _on_finished(self, result: object) -> None:
        self._end()
        self.done.emit(result)

    def _on_failed(self, message: str) -> None:
        self._end()
        self.error.emit(message)
