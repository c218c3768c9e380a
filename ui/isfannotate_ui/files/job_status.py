"""The status bar's job indicator: what runs ("Exporting"), a progress bar, and Cancel.

Not a dialog: annotating goes on while a job runs. Hidden when no job runs. Jobs run one at a
time (the core's queue), so it shows the oldest job that has not ended and how many wait.
"""
from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from .job_relay import JobRelay

TOO_LATE = "too late to cancel:"
DONE_WORDS = {"Importing": "imported", "Exporting": "exported", "Merging": "merged", "Syncing": "synced"}
LATE_NOTICE_MS = 6000


def too_late(title: str) -> str:
    """"too late to cancel: imported" (for a job titled "Importing")."""
    return f"{TOO_LATE} {DONE_WORDS.get(title.split()[0], 'done') if title else 'done'}"


class JobStatus(QWidget):
    cancelRequested = Signal(object)    # the JobRelay whose Cancel was pressed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("jobStatus")
        self.label = QLabel(self)
        self.label.setObjectName("jobTitle")
        self.bar = QProgressBar(self)
        self.bar.setObjectName("jobProgress")
        self.bar.setFixedWidth(160)
        self.bar.setMaximumHeight(16)
        self.bar.setTextVisible(False)
        self.cancel = QPushButton("Cancel", self)
        self.cancel.setObjectName("jobCancel")
        self.cancel.setToolTip("Stop the job; nothing it did is kept")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 6, 0)
        lay.setSpacing(6)
        lay.addWidget(self.label)
        lay.addWidget(self.bar)
        lay.addWidget(self.cancel)
        self.cancel.clicked.connect(self._on_cancel_clicked)
        self._jobs: list[JobRelay] = []
        self._late: JobRelay | None = None     # a job that ended although Cancel was pressed
        self.hide()

    def track(self, job: JobRelay) -> None:
        """Show *job* (after the ones already shown) until it ends."""
        self._jobs.append(job)
        job.progressed.connect(lambda done, total, j=job: self._on_progress(j, done, total))
        job.succeeded.connect(lambda _result, j=job: self._on_succeeded(j))
        job.ended.connect(lambda j=job: self._on_ended(j))
        self._show_current()

    def current(self) -> JobRelay | None:
        return self._jobs[0] if self._jobs else None

    def _show_current(self) -> None:
        self._late = None
        job = self.current()
        if job is None:
            self.hide()
            return
        waiting = len(self._jobs) - 1
        self.label.setText(f"{job.title}…" + (f" (+{waiting} waiting)" if waiting else ""))
        self.bar.setRange(0, 0)   # busy until the job reports its first progress
        self.cancel.setEnabled(not job.cancel_requested)
        self.show()

    def _on_progress(self, job: JobRelay, done: int, total: int) -> None:
        if job is not self.current() or total <= 0 or done <= 0:
            return   # nothing counted yet (e.g. an export still reading): keep the busy indicator
        scale = max(1, total // 1_000_000 + 1)   # QProgressBar takes ints
        self.bar.setRange(0, total // scale)
        self.bar.setValue(min(done, total) // scale)

    def _on_succeeded(self, job: JobRelay) -> None:
        """A Cancel that came after the job's last step (during its commit) did not stop it:
        say so where "cancelling…" stood, for a few seconds, rather than leave that standing."""
        if not job.cancel_requested or job is not self.current():
            return
        self._late = job
        self.label.setText(f"{job.title}: {too_late(job.title)}")
        self.bar.setRange(0, 1)
        self.bar.setValue(1)
        self.cancel.setEnabled(False)

    def _on_ended(self, job: JobRelay) -> None:
        if job in self._jobs:
            self._jobs.remove(job)
        if self._late is job and not self._jobs:
            QTimer.singleShot(LATE_NOTICE_MS, self, self._show_current)   # the notice stays a moment, then goes
            return
        self._show_current()

    def _on_cancel_clicked(self) -> None:
        job = self.current()
        if job is not None:
            self.cancel.setEnabled(False)
            self.label.setText(f"{job.title}: cancelling…")
            self.cancelRequested.emit(job)
