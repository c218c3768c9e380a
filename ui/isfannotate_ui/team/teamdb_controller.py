"""The team database in the window: File → Team…, Sync now, and the automatic sync.

Everything that talks to the PostgreSQL server runs as a job of the project's job queue
(``FileController.run_job``: the owner's one connection, progress and Cancel in the status bar),
through ``isfannotate.teamdb`` only; the window's thread never opens a connection to the server,
so a slow or lost server never holds a key press. The automatic sync is a ``QTimer`` that submits
the same job every few minutes while the open project is linked; it skips a turn while another job
runs, and a failed automatic sync is one line in the status bar (no message box), tried again at
the next turn. The interval ("every N minutes", or off) is an app setting. UI thread only.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QFileDialog

from isfannotate.errors import JobCancelled

from ..app_settings import app_settings
from ..files.file_controller import FileController
from ..files.job_relay import JobRelay
from ..parts import WindowParts
from ..session import Session

if TYPE_CHECKING:   # imported when first opened, not at start
    from .teamdb_dialog import TeamDbDialog

AUTO_KEY = "team/autoSyncSeconds"
AUTO_DEFAULT = 300          # seconds: every five minutes
SYNC_TITLE = "Syncing"
CANCELLED = ("sync cancelled: what was already sent is kept on the server and nothing is doubled; "
             "the next sync goes on from there")


@dataclass
class LinkInfo:
    server: str
    annotator: str | None
    lead: bool
    shown: str = ""                  # user@host:port/database, as a person names it
    last_sync: str | None = None


def read_link(project: Any) -> LinkInfo | None:
    """The open project's link to a team database (a read of the local project only), or None."""
    from isfannotate import teamdb
    link = teamdb.team_link(project)
    if not link:
        return None
    return LinkInfo(server=link["dsn"], annotator=link.get("annotator"), lead=link.get("role") == "lead",
                    shown=link.get("server") or link["dsn"], last_sync=link.get("last_sync"))


def sync_work(project: Any, progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> Any:
    """The sync job: ``teamdb.sync`` on the job thread. A Cancel stops it between batches with an
    honest line (the batches sent are kept: a sync resumes, it is never all-or-nothing)."""
    from isfannotate import teamdb

    def step(done: int, total: int) -> None:
        try:
            if cancelled():
                raise JobCancelled(CANCELLED)
            progress(done, total)        # the job's own: raises its "nothing was changed" when cancelled
        except JobCancelled:
            raise JobCancelled(CANCELLED) from None
    return teamdb.sync(project, progress=step, cancel=cancelled)


class TeamDbController(QObject):
    synced = Signal(object)         # a SyncReport: a sync ended well
    syncFailed = Signal(str)        # one line: a sync (by hand or automatic) did not complete

    def __init__(self, session: Session, parts: WindowParts, files: FileController) -> None:
        super().__init__(parts.window)
        self.session = session
        self.parts = parts
        self.files = files
        self.dialog: TeamDbDialog | None = None
        self.sync_job: JobRelay | None = None
        self.last_lines: list[str] = []
        self.last_error: str | None = None
        self.auto_runs = 0              # automatic syncs started (tests and the status line read it)
        self.timer = QTimer(self)
        self.timer.setObjectName("teamAutoSyncTimer")
        self.timer.timeout.connect(self.auto_sync)
        try:
            seconds = float(str(app_settings().value(AUTO_KEY, AUTO_DEFAULT)))
        except (TypeError, ValueError):
            seconds = AUTO_DEFAULT
        self.set_auto_seconds(seconds, remember=False)

    def build_actions(self) -> None:
        m = self.parts.menus
        m.add("&Team…", self.show_dialog, None, m.file, tip="the team database: join, link, sync")

    # --------------------------------------------------------------- the link
    def link_info(self) -> LinkInfo | None:
        p = self.session.project
        if p is None:
            return None
        info: LinkInfo | None = self.session.read(read_link, p, default=None)
        return info

    # ----------------------------------------------------------------- dialog
    def show_dialog(self) -> TeamDbDialog:
        if self.dialog is None:
            from .teamdb_dialog import TeamDbDialog
            dlg = TeamDbDialog(self.parts.window)
            dlg.syncRequested.connect(self.session.guarded(self.sync_now))
            dlg.linkRequested.connect(self.session.guarded(self.link))
            dlg.joinRequested.connect(self.session.guarded(self.join_dialog))
            dlg.statusRequested.connect(self.session.guarded(self.refresh_status))
            dlg.autoSyncChanged.connect(lambda minutes: self.set_auto_seconds(minutes * 60))
            dlg.finished.connect(lambda _r: setattr(self, "dialog", None))
            self.dialog = dlg
        self._fill_dialog()
        self.parts.dialogs.show(self.dialog)
        info = self.link_info()
        if info is not None and info.lead:
            self.refresh_status()
        return self.dialog

    def _fill_dialog(self) -> None:
        dlg = self.dialog
        if dlg is None:
            return
        info = self.link_info()
        dlg.set_link(info.server if info else None, info.annotator if info else self.session.me,
                     lead=bool(info and info.lead), shown=info.shown if info else None,
                     last_sync=info.last_sync if info else None)
        if info is None and self.session.me:
            dlg.annotator.setText(self.session.me)
        dlg.set_auto(self.auto_minutes())
        if self.last_lines:
            dlg.show_report(self.last_lines)
        if self.last_error:
            dlg.show_error(self.last_error)
        if self.sync_job is not None:
            dlg.set_busy("syncing…")

    # ------------------------------------------------------------------- sync
    def sync_now(self, auto: bool = False) -> JobRelay | None:
        """Sync the open project with its team database as a job (None: not linked, or a sync
        already runs). *auto*: started by the timer (its failure is one status-bar line)."""
        if self.sync_job is not None:
            if not auto:
                self.session.message("a sync is already running", 3000)
            return None
        info = self.link_info()
        if info is None:
            if not auto:
                self.session.message("this project is not linked to a team database: File → Team…", 5000)
            return None
        job = self.files.run_job(SYNC_TITLE, sync_work, self._on_synced, quiet=auto)
        job.failed.connect(lambda message, a=auto: self._on_sync_failed(message, a))
        job.ended.connect(self._on_sync_ended)
        self.sync_job = job
        if self.dialog is not None:
            self.dialog.set_busy("syncing…")
            job.progressed.connect(self._on_progress)
        return job

    def _on_progress(self, done: int, total: int) -> None:
        if self.dialog is not None:
            self.dialog.set_busy(f"syncing… {done:,} of {total:,}")

    def _on_synced(self, report: Any) -> None:
        self.last_lines = list(report.lines())
        self.last_error = None
        first = self.last_lines[0] if self.last_lines else "synced"
        self.session.message(f"team sync: {first}", 8000)
        self.session.registry_changed()     # the registry may have come in with the sync
        if self.dialog is not None:
            self.dialog.show_report(self.last_lines)
        self.synced.emit(report)

    def _on_sync_failed(self, message: str, auto: bool) -> None:
        self.last_error = message
        if auto:   # one line, no box: the timer tries again at its next turn
            minutes = self.auto_minutes()
            self.session.message(f"⚠ automatic sync did not complete: {message}"
                                 + (f" (next try in {minutes} min)" if minutes else ""), 15000)
        if self.dialog is not None:
            self.dialog.show_error(message)
        self.syncFailed.emit(message)

    def _dialog_error(self, message: str) -> None:
        if self.dialog is not None:
            self.dialog.show_error(message)

    def _on_sync_ended(self) -> None:
        self.sync_job = None
        if self.dialog is not None:
            self.dialog.set_busy(None)
            self._fill_dialog()

    # -------------------------------------------------------- automatic sync
    def auto_minutes(self) -> int:
        return round(self.timer.interval() / 60000) if self.timer.isActive() else 0

    def set_auto_seconds(self, seconds: float, remember: bool = True) -> None:
        """Sync automatically every *seconds* (0: off); remembered as the app's setting."""
        if seconds > 0:
            self.timer.start(max(50, int(seconds * 1000)))
        else:
            self.timer.stop()
        if remember:
            app_settings().setValue(AUTO_KEY, seconds)

    def auto_sync(self) -> JobRelay | None:
        """The timer's turn: sync when the project is linked and no other job runs (else skip
        this turn quietly: the next one comes)."""
        p = self.session.project
        if p is None or self.files.jobs or self.sync_job is not None:
            return None
        if self.link_info() is None:
            return None
        self.auto_runs += 1
        return self.sync_now(auto=True)

    # ------------------------------------------------------------ join, link
    def join_dialog(self, server: str, annotator: str) -> QFileDialog:
        """Join: choose where the new working copy goes, then make it (a job) and open it."""
        dlg = QFileDialog(self.parts.window, "Join the team: save your working copy as")
        dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dlg.setNameFilter("isfannotate projects (*.isf)")
        dlg.setDefaultSuffix("isf")
        dlg.selectFile(f"{annotator}.isf")
        dlg.filesSelected.connect(lambda paths: paths and self.join(server, annotator, paths[0]))
        self.parts.dialogs.show(dlg)
        return dlg

    def join(self, server: str, annotator: str, path: str) -> JobRelay:
        """Make *path*, *annotator*'s working copy of the team's project, as a job; open it in this
        window when the job has ended (the first sync brings the documents)."""
        def work(_project: Any, _progress: Any, _cancelled: Any) -> Any:
            from isfannotate import teamdb
            return teamdb.join(server, Path(path), annotator=annotator)

        def done(made: Path) -> None:
            self.session.message(f"joined the team as {annotator}: {made}", 8000)
            job.ended.connect(lambda: self.files.projectChosen.emit(str(made)))   # after the job let go
        job = self.files.run_job("Joining the team", work, done)
        job.failed.connect(self._dialog_error)
        return job

    def link(self, server: str) -> JobRelay:
        def work(project: Any, _progress: Any, _cancelled: Any) -> Any:
            from isfannotate import teamdb
            return teamdb.link(project, server)

        def done(_result: Any) -> None:
            self.session.message(f"this project now syncs with {server}: Sync now, or wait for the automatic sync",
                                 8000)
            self._fill_dialog()
        job = self.files.run_job("Linking", work, done)
        job.failed.connect(self._dialog_error)
        return job

    # ------------------------------------------------------------ team status
    def refresh_status(self) -> JobRelay | None:
        """A lead's team table, read from the server as a job."""
        info = self.link_info()
        if info is None:
            return None

        def work(_project: Any, _progress: Any, _cancelled: Any) -> Any:
            from isfannotate import teamdb
            return status_rows(teamdb.status(info.server))

        def done(rows: list[tuple[Any, ...]]) -> None:
            if self.dialog is not None:
                self.dialog.set_status(rows)
        job = self.files.run_job("Reading the team's status", work, done, quiet=True)
        job.failed.connect(self._dialog_error)
        return job


def status_rows(status: Any) -> list[tuple[Any, ...]]:
    """(annotator, assigned, done, pending, last sync) per annotator of a ``TeamStatus``."""
    return [(a.name, a.assigned, a.done, a.pending, _when(a.last_sync)) for a in status.annotators]


def _when(value: Any) -> str | None:
    if value is None:
        return None
    text = value.isoformat(sep=" ", timespec="minutes") if hasattr(value, "isoformat") else str(value)
    return text

