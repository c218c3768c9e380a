"""File menu work in the window: new and open project, Open Recent, import and export.

``FileController`` shows the file dialogs (with ``open()``, never ``exec()``), runs import and
export in the project's job queue (the owner's one connection, one job at a time; progress and
Cancel in the status bar, no modal dialog, so annotating goes on), and reports back with signals:
the window opens a chosen project on ``projectChosen``, reloads its document list on
``documentsImported`` and catches up on ``jobEnded``. Errors go to the status bar, and on a real
display to a message box opened with ``open()``. Open Recent says which projects are open
elsewhere, from their lock files only.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from isfannotate import Project
from isfannotate.errors import IsfError
from isfannotate.models import GOLD
from isfannotate.store.ownership import owner_of

from ..app_settings import app_settings
from ..parts import WindowParts
from ..session import PROGRAM, Session
from .job_relay import JobRelay
from .job_status import JobStatus, too_late

PROJECT_FILTER = "isfannotate projects (*.isf);;All files (*)"


def headless() -> bool:
    """True on Qt's offscreen or minimal platform (tests, screenshots): no message boxes."""
    return QGuiApplication.platformName() in ("offscreen", "minimal")


class FileController(QObject):
    projectChosen = Signal(str)        # a project the user chose to open (the window opens it)
    documentsImported = Signal(str)    # an import finished: its summary
    jobEnded = Signal()                # a job ended (the project is free again)

    def __init__(self, session: Session, parts: WindowParts) -> None:
        super().__init__(parts.window)
        self.session = session
        self.parts = parts
        self.jobs: list[JobRelay] = []     # jobs submitted from this window that have not ended
        self.recent_menu: QMenu | None = None
        self.last_export = None
        self.job_status = JobStatus(parts.window)
        self.job_status.cancelRequested.connect(self._on_cancel_requested)

    def build_actions(self) -> None:
        m = self.parts.menus
        f = m.file
        m.add("&New Project…", self.new_project_dialog, QKeySequence.StandardKey.New, f)
        m.add("&Open Project…", self.open_project_dialog, QKeySequence.StandardKey.Open, f)
        self.recent_menu = f.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self.refresh_recent_menu)
        f.addSeparator()
        m.add("&Import…", self.import_dialog, "Ctrl+I", f)
        m.add("&Export…", self.export_dialog, "Ctrl+E", f)
        f.addSeparator()

    # --------------------------------------------------------------- errors
    def show_error(self, message: str) -> None:
        """One line in the status bar; on a real display also a message box (non-blocking)."""
        self.session.message(f"⚠ {message}", 10000)
        if not headless():
            box = QMessageBox(QMessageBox.Icon.Warning, "isfannotate", message, QMessageBox.StandardButton.Ok,
                              self.parts.window)
            self.parts.dialogs.show(box)

    # -------------------------------------------------------------- dialogs
    def _file_dialog(self, title: str, save: bool, on_chosen, name_filter: str = PROJECT_FILTER,
                     mode=None) -> QFileDialog:
        dlg = QFileDialog(self.parts.window, title)
        dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave if save else QFileDialog.AcceptMode.AcceptOpen)
        if mode is not None:
            dlg.setFileMode(mode)
        dlg.setNameFilter(name_filter)
        if save:
            dlg.setDefaultSuffix("isf")
        key = f"dialogs/{title}"     # each dialog starts where it was last used (QSettings)
        last = app_settings().value(key)
        if last and Path(str(last)).is_dir():
            dlg.setDirectory(str(last))
        dlg.filesSelected.connect(
            lambda paths, k=key: app_settings().setValue(k, str(Path(paths[0]).parent))
            if paths else None)
        dlg.filesSelected.connect(on_chosen)
        self.parts.dialogs.show(dlg)
        return dlg

    def new_project_dialog(self) -> QFileDialog:
        def chosen(paths: list[str]) -> None:
            try:
                Project.create(paths[0], program=PROGRAM).close()
            except IsfError as e:
                self.show_error(str(e))
                return
            self.projectChosen.emit(paths[0])
        return self._file_dialog("New project", True, chosen)

    def open_project_dialog(self) -> QFileDialog:
        return self._file_dialog("Open project", False, lambda paths: self.projectChosen.emit(paths[0]))

    def update_recent_menu(self) -> None:
        """Remember the open project for File → Open Recent; the menu lists the recent projects
        when it opens (``refresh_recent_menu``), not at the app's start: reading each one's lock
        file then cost the start ~10 ms, more on a shared folder."""
        from isfannotate import settings
        settings.add_recent(str(self.session.project.path))

    def refresh_recent_menu(self) -> None:
        """List the recent projects, each with who has it open elsewhere, read from its lock file
        only (a project's database is never opened for this). Called each time the menu opens."""
        from isfannotate import settings
        self.recent_menu.clear()
        mine = self.session.project.path.resolve() if self.session.project is not None else None
        for path in settings.recent():
            text = path
            if mine is not None and Path(path).resolve() == mine:
                text += " — open in this window"
            else:
                owner = owner_of(path)
                if owner is not None:
                    text += f" — open in {owner.describe()}"
            act = self.recent_menu.addAction(text)
            act.setData(path)
            act.triggered.connect(lambda _c=False, p=path: self.projectChosen.emit(p))

    # ----------------------------------------------------------------- jobs
    def run_job(self, title: str, fn, on_success=None, *, quiet: bool = False) -> JobRelay:
        """Run ``fn(project, progress, cancelled)`` in the project's job queue (the one owning
        connection, one job at a time; for import, export, and the coming merge and agreement);
        progress and Cancel show in the status bar, errors in the status bar, and
        ``on_success(result)`` runs on the UI thread. *quiet* (a job the app starts by itself,
        e.g. the automatic team sync): no "in the background" line and no error box; the caller
        says what its ``failed`` means."""
        job = JobRelay(self.session.project.jobs.submit(title, fn), self)
        if on_success is not None:
            job.succeeded.connect(on_success)
        # Cancel pressed during the job's commit: the work is kept; say so (after on_success's own message)
        job.succeeded.connect(lambda _r, j=job: j.cancel_requested and self.session.message(
            f"{j.title}: {too_late(j.title)} (Cancel came during its final commit: the work is kept)",
            10000))
        if not quiet:
            job.failed.connect(self.show_error)
        job.ended.connect(lambda j=job: self._on_job_ended(j))
        self.jobs.append(job)
        self.job_status.track(job)
        if not quiet:
            self.session.message(f"{title} in the background: you can go on annotating", 4000)
        return job

    def _on_job_ended(self, job: JobRelay) -> None:
        if job in self.jobs:
            self.jobs.remove(job)
        self.jobEnded.emit()

    def import_dialog(self):
        """File → Import: documents or another tool's annotations; the detected format is shown."""
        from .import_dialog import ImportDialog
        dlg = ImportDialog(None, self.parts.window)
        dlg.importRequested.connect(lambda opts: self.start_import(**opts))
        self.parts.dialogs.show(dlg)
        return dlg

    def start_import(self, paths: list[str], annotator: str | None = None, **options) -> JobRelay:
        """Import *paths* as a job (all-or-nothing; while it runs, actions are refused as busy).
        *options* are ``Project.import_paths``'s (format, annotator_map, add_labels, replace, ...)."""
        def work(project, progress, _cancelled):
            report = project.import_paths(paths, annotator=annotator, progress=progress, **options)
            notes = "; ".join(report.messages) if len(report.messages) <= 3 else ""
            return "; ".join(x for x in (report.detected and f"detected {report.detected}", notes,
                                         report.summary()) if x)
        return self.run_job("Importing", work, self.documentsImported.emit)

    def export_dialog(self):
        from .export_dialog import ExportDialog
        layers = self.session.read(self.session.project.layers, default=None)
        if layers is None:
            return None
        dlg = ExportDialog(layers, self.parts.window)
        dlg.gold_is_empty = self._gold_is_empty
        dlg.exportRequested.connect(lambda opts: self.start_export(**opts))
        self.parts.dialogs.show(dlg)
        return dlg

    def _gold_is_empty(self) -> bool:
        """No span and no stance in the gold layer (the export would refuse it): the dialog says
        so in the app's own words before a job starts. A busy project answers False (the job
        then reports)."""
        try:
            return not self.session.project.layer_has_annotations(GOLD)
        except IsfError:
            return False

    def start_export(self, fmt: str, layer: str = "gold", include_all: bool = False, split=None, seed: int = 0,
                     out_dir: str | None = None, force: bool = False) -> JobRelay:
        """Export as a job: it holds the project only while it reads, so annotating goes on."""
        def work(project, progress, cancelled):
            return project.export(fmt, out_dir, layer=layer, include_all=include_all, split=split, seed=seed,
                                  force=force, progress=progress, cancelled=cancelled)
        return self.run_job("Exporting", work, self._on_export_done)

    def _on_export_done(self, result) -> None:
        msg = f"exported {len(result.files)} files to {result.out_dir}"
        if result.warnings:
            msg += f" ({len(result.warnings)} warnings: see manifest.json)"
        if result.not_written:
            msg += "; not written, nothing to write in them: " + ", ".join(result.not_written)
        self.session.message(msg, 10000)
        self.last_export = result

    def _on_cancel_requested(self, job: JobRelay) -> None:
        job.cancel()
        self.session.message(f"{job.title}: cancelling…", 3000)
