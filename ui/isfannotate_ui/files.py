"""File menu work in the window: new and open project, Open Recent, import and export.

``FileController`` shows the file dialogs (with ``open()``, never ``exec()``), runs import and
export as background jobs, and reports back with signals: the window opens a chosen project on
``projectChosen`` and reloads its document list on ``documentsImported``. Errors go to the status
bar, and on a real display to a message box opened with ``open()``.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from isfannotate import Project
from isfannotate.errors import IsfError

from .parts import WindowParts
from .session import Session

PROJECT_FILTER = "isfannotate projects (*.isf);;All files (*)"


def headless() -> bool:
    """True on Qt's offscreen or minimal platform (tests, screenshots): no message boxes."""
    return QGuiApplication.platformName() in ("offscreen", "minimal")


class FileController(QObject):
    projectChosen = Signal(str)        # a project the user chose to open (the window opens it)
    documentsImported = Signal(str)    # an import finished: its summary

    def __init__(self, session: Session, parts: WindowParts) -> None:
        super().__init__(parts.window)
        self.s = session
        self.ui = parts
        self.jobs: list = []
        self.recent_menu: QMenu | None = None
        self.last_export = None

    def build_actions(self) -> None:
        m = self.ui.menus
        f = m.file
        m.add("&New Project…", self.new_project_dialog, QKeySequence.StandardKey.New, f)
        m.add("&Open Project…", self.open_project_dialog, QKeySequence.StandardKey.Open, f)
        self.recent_menu = f.addMenu("Open &Recent")
        f.addSeparator()
        m.add("&Import Documents…", self.import_dialog, "Ctrl+I", f)
        m.add("&Export…", self.export_dialog, "Ctrl+E", f)
        f.addSeparator()

    # --------------------------------------------------------------- errors
    def show_error(self, message: str) -> None:
        """One line in the status bar; on a real display also a message box (non-blocking)."""
        self.s.message(f"⚠ {message}", 10000)
        if not headless():
            box = QMessageBox(QMessageBox.Icon.Warning, "isfannotate", message, QMessageBox.StandardButton.Ok,
                              self.ui.window)
            self.ui.dialogs.show(box)

    # -------------------------------------------------------------- dialogs
    def _file_dialog(self, title: str, save: bool, on_chosen, name_filter: str = PROJECT_FILTER,
                     mode=None) -> QFileDialog:
        dlg = QFileDialog(self.ui.window, title)
        dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave if save else QFileDialog.AcceptMode.AcceptOpen)
        if mode is not None:
            dlg.setFileMode(mode)
        dlg.setNameFilter(name_filter)
        if save:
            dlg.setDefaultSuffix("isf")
        dlg.filesSelected.connect(on_chosen)
        self.ui.dialogs.show(dlg)
        return dlg

    def new_project_dialog(self) -> QFileDialog:
        def chosen(paths: list[str]) -> None:
            try:
                Project.create(paths[0]).close()
            except IsfError as e:
                self.show_error(str(e))
                return
            self.projectChosen.emit(paths[0])
        return self._file_dialog("New project", True, chosen)

    def open_project_dialog(self) -> QFileDialog:
        return self._file_dialog("Open project", False, lambda paths: self.projectChosen.emit(paths[0]))

    def update_recent_menu(self) -> None:
        """Remember the open project and list the recent ones in File → Open Recent."""
        from isfannotate import settings
        settings.add_recent(str(self.s.project.path))
        self.recent_menu.clear()
        for path in settings.recent():
            act = self.recent_menu.addAction(path)
            act.triggered.connect(lambda _c=False, p=path: self.projectChosen.emit(p))

    # ----------------------------------------------------------------- jobs
    def import_dialog(self) -> QFileDialog:
        return self._file_dialog("Import documents", False, self.start_import,
                                 "Documents (*.txt *.jsonl);;All files (*)", QFileDialog.FileMode.ExistingFiles)

    def start_import(self, paths: list[str], annotator: str | None = None):
        """Import *paths* in a worker thread (its own connection) with a cancellable progress dialog."""
        from .workers import Job
        project_path = str(self.s.project.path)

        def work(progress, _cancelled):
            with Project.open(project_path) as p:
                return p.import_paths(paths, annotator=annotator, progress=progress).summary()

        job = Job(self.ui.window, "Importing documents", work)
        job.done.connect(self.documentsImported.emit)
        job.error.connect(self.show_error)
        self.jobs.append(job)
        job.start()
        return job

    def export_dialog(self):
        from .export_dialog import ExportDialog
        dlg = ExportDialog(self.s.project.layers(), self.ui.window)
        dlg.exportRequested.connect(lambda opts: self.start_export(**opts))
        self.ui.dialogs.show(dlg)
        return dlg

    def start_export(self, fmt: str, layer: str = "gold", include_all: bool = False, split=None, seed: int = 0,
                     out_dir: str | None = None, force: bool = False):
        """Export in a worker thread (its own connection) with a cancellable progress dialog."""
        from .workers import Job
        project_path = str(self.s.project.path)

        def work(progress, cancelled):
            with Project.open(project_path) as p:
                return p.export(fmt, out_dir, layer=layer, include_all=include_all, split=split, seed=seed,
                                force=force, progress=progress, cancelled=cancelled)

        job = Job(self.ui.window, "Exporting", work)
        job.done.connect(self._on_export_done)
        job.error.connect(self.show_error)
        self.jobs.append(job)
        job.start()
        return job

    def _on_export_done(self, result) -> None:
        msg = f"exported {len(result.files)} files to {result.out_dir}"
        if result.warnings:
            msg += f" ({len(result.warnings)} warnings: see manifest.json)"
        self.s.message(msg, 10000)
        self.last_export = result

    def wait_for_jobs(self) -> None:
        for job in self.jobs:
            job.wait()
