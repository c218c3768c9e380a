"""Computing model suggestions off the window's thread.

``Background`` runs one function at a time on its own Python thread (loading a model imports
spaCy and takes seconds; suggesting for an article tens of milliseconds) and hands the result
to the UI thread through a queued Qt signal. Only the newest request of each *kind* counts: an
older one still waiting is dropped, and a result whose token is no longer the newest is never
delivered (the annotator moved on to another document meanwhile).
"""
from __future__ import annotations

import atexit
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal


class Background(QObject):
    finished = Signal(str, int, object, object)      # kind, token, result, error (UI thread)
    _done_on_thread = Signal(str, int, object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._pending: dict[str, tuple[int, Callable[[], Any]]] = {}
        self._latest: dict[str, int] = {}
        self._token = 0
        self._stop = False
        self._busy = False
        self._thread: threading.Thread | None = None
        self._done_on_thread.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        # a program ending while a model loads waits for it (at most a few seconds) rather than
        # pulling its temporary folder from under it (a traceback at exit)
        atexit.register(self.stop, 10.0)

    def submit(self, kind: str, fn: Callable[[], Any]) -> int:
        """Run *fn()* on the background thread; its result arrives as ``finished(kind, token, ...)``."""
        with self._lock:
            self._token += 1
            token = self._token
            self._pending[kind] = (token, fn)
            self._latest[kind] = token
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="isfannotate-suggest", daemon=True)
                self._thread.start()
            self._wake.notify()
        return token

    def forget(self, kind: str) -> None:
        """Drop *kind*'s waiting request and any result still on its way."""
        with self._lock:
            self._pending.pop(kind, None)
            self._token += 1
            self._latest[kind] = self._token

    def is_current(self, kind: str, token: int) -> bool:
        return self._latest.get(kind) == token

    @property
    def idle(self) -> bool:
        with self._lock:
            return not self._pending and not self._busy

    def stop(self, wait: float = 0.0) -> None:
        """No more requests; with *wait*, give the one running up to *wait* seconds to finish."""
        with self._lock:
            self._stop = True
            self._pending.clear()
            self._wake.notify()
            thread = self._thread
        if wait and thread is not None and thread is not threading.current_thread():
            thread.join(wait)

    def _loop(self) -> None:
        while True:
            with self._lock:
                while not self._pending and not self._stop:
                    self._wake.wait()
                if self._stop:
                    return
                kind = next(iter(self._pending))
                token, fn = self._pending.pop(kind)
                self._busy = True
            result = error = None
            try:
                result = fn()
            except BaseException as e:   # noqa: BLE001 (handed to the UI thread, shown as one line)
                error = e
            with self._lock:
                self._busy = False
            try:
                self._done_on_thread.emit(kind, token, result, error)
            except RuntimeError:     # the window is gone
                return

    def _deliver(self, kind: str, token: int, result: Any, error: Any) -> None:
        if self.is_current(kind, token):
            self.finished.emit(kind, token, result, error)
