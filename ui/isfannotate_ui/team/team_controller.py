"""The lead's team work in the window (issue 12): File → Assign…, Hand Out…, Merge…, and
Review → Agreement, Progress Board, Merge Conflicts.

``TeamController`` opens the dialogs (``open()``, never ``exec()``), runs hand-out, merge and
agreement as jobs of the project (``FileController.run_job``: the owner's one connection,
progress and Cancel in the status bar), and runs the lead's actions (assign, decide a
conflict) through ``Session.run_lead``, so they work whichever layer the window shows and
undo like any action. Click-throughs from the agreement view open the unit in the
annotator's layer through ``LayerController.open_span``. UI thread only.
"""
from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QAbstractItemView, QFileDialog, QMessageBox

from ..analysis_controller import AnalysisController
from ..files.file_controller import FileController
from ..parts import WindowParts
from ..session import Session
from .teamdb_controller import TeamDbController


class TeamController(QObject):
    def __init__(self, session: Session, parts: WindowParts, files: FileController,
                 analysis: AnalysisController) -> None:
        super().__init__(parts.window)
        self.session = session
        self.parts = parts
        self.files = files
        self.analysis = analysis
        self.merge_window = None
        self.agreement_window = None
        self.board = None
        self.last_handout: list | None = None
        self.teamdb = TeamDbController(session, parts, files)     # File → Team…: the team database, sync
        # by-hand assignment works on the documents selected in the list
        analysis.documents.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)

    def build_actions(self) -> None:
        m = self.parts.menus
        f = m.file
        f.addSeparator()
        m.add("&Assign Documents…", self.assign_dialog, None, f, tip="hand documents to annotators")
        m.add("&Hand Out…", self.handout_dialog, None, f, tip="one project file per annotator")
        m.add("&Merge Annotators' Files…", self.merge_file_dialog, None, f, tip="bring annotators' work back")
        self.teamdb.build_actions()
        r = m.review
        m.add("&Agreement…", self.show_agreement, "Ctrl+Shift+G", r, tip="inter-annotator agreement, drill-down")
        m.add("&Progress Board…", self.show_board, "Ctrl+Shift+B", r, tip="each annotator's progress")
        m.add("Merge &Conflicts…", self.show_conflicts, None, r, tip="registry conflicts from merges")

    # ---------------------------------------------------------------- assign
    def assign_dialog(self):
        from .assign_dialog import AssignDialog
        p = self.session.project
        dlg = AssignDialog(p.layers(), self.analysis.selected_documents(), p.assignments(), self.parts.window)
        dlg.assignRequested.connect(self.session.guarded(self.assign))
        self.parts.dialogs.show(dlg)
        return dlg

    def assign(self, opts: dict):
        p = self.session.project
        if opts.get("documents") is None:
            change = self.session.run_lead(p.assign_round_robin, opts["annotators"], overlap=opts.get("overlap", 2),
                                           seed=opts.get("seed", 0))
        else:
            change = self.session.run_lead(p.assign, opts["documents"], opts["annotators"])
        if change is not None:
            self.session.message(f"assigned: {change.description}", 6000)
            if self.board is not None and self.board.isVisible():
                self.board.refresh()
        return change

    # -------------------------------------------------------------- hand out
    def handout_dialog(self) -> QFileDialog:
        dlg = QFileDialog(self.parts.window, "Hand out: choose a folder for the annotators' files")
        dlg.setFileMode(QFileDialog.FileMode.Directory)
        dlg.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dlg.filesSelected.connect(lambda paths: self.start_handout(paths[0]))
        self.parts.dialogs.show(dlg)
        return dlg

    def start_handout(self, out_dir: str, force: bool = False):
        def work(project, progress, _cancelled):
            return project.handout(out_dir, force=force, progress=progress)

        def done(paths) -> None:
            self.last_handout = list(paths)
            self.session.message(f"handed out {len(paths)} files to {out_dir}: "
                                 + ", ".join(p.name for p in paths), 12000)
        job = self.files.run_job("Handing out", work, done)
        if not force:
            job.failed.connect(lambda message: self._offer_overwrite(out_dir, message))
        return job

    def _offer_overwrite(self, out_dir: str, message: str):
        """A hand-out refused because its files exist: offer to write over them (non-blocking)."""
        if "already exists" not in message:
            return None
        box = QMessageBox(QMessageBox.Icon.Question, "Hand out",
                          f"{message.split(';')[0]}.\nWrite the annotators' files again over the old ones?",
                          QMessageBox.StandardButton.NoButton, self.parts.window)
        box.setObjectName("handoutOverwrite")
        again = box.addButton("Overwrite", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Cancel", QMessageBox.ButtonRole.RejectRole)
        box.buttonClicked.connect(lambda b: self.start_handout(out_dir, force=True) if b is again else None)
        self.parts.dialogs.show(box)
        return box

    # ----------------------------------------------------------------- merge
    def merge_file_dialog(self) -> QFileDialog:
        dlg = QFileDialog(self.parts.window, "Merge annotators' files")
        dlg.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dlg.setNameFilter("isfannotate projects (*.isf);;All files (*)")
        dlg.filesSelected.connect(lambda paths: self.start_merge(list(paths)))
        self.parts.dialogs.show(dlg)
        return dlg

    def start_merge(self, paths: list[str], new_annotators: tuple[str, ...] = ()):
        """Merge *paths* as a job; the merge dialog shows progress, then the report and the
        registry conflicts to decide. *new_annotators*: names whose files are taken although
        this project did not hand them out (the dialog offers it when a merge is refused so)."""
        from .merge_dialog import MergeDialog
        dlg = MergeDialog(paths, self.parts.window)
        dlg.conflictDecided.connect(self.session.guarded(self.decide_conflict))
        dlg.newAnnotatorAccepted.connect(lambda name: (dlg.close(), self.start_merge(paths, (*new_annotators, name))))
        self.merge_window = dlg
        self.parts.dialogs.show(dlg)

        def work(project, progress, _cancelled):
            return project.merge(paths, new_annotators=new_annotators, progress=progress)

        def done(report) -> None:
            dlg.show_report(report.summary())
            self._fill_conflicts(dlg)
            self.session.message("merged: " + report.summary().replace("\n", "; "), 10000)
            if self.board is not None and self.board.isVisible():
                self.board.refresh()
            if self.agreement_window is not None and self.agreement_window.isVisible():
                job.ended.connect(self.compute_agreement)     # once the merge has let go of the project
        job = self.files.run_job("Merging", work, done)
        job.progressed.connect(dlg.set_progress)
        job.failed.connect(dlg.show_error)
        return job

    def _fill_conflicts(self, dlg) -> None:
        p = self.session.project
        names = {a.id: a.name for a in p.actors()} | {t.id: t.name for t in p.targets()}
        dlg.set_conflicts(p.merge_conflicts(), names)

    def show_conflicts(self):
        from .merge_dialog import MergeDialog
        dlg = MergeDialog([], self.parts.window)
        dlg.heading.setText("Registry conflicts that merges found: keep the project's value or take the file's.")
        dlg.progress.hide()
        dlg.report.hide()
        dlg.conflictDecided.connect(self.session.guarded(self.decide_conflict))
        self._fill_conflicts(dlg)
        self.merge_window = dlg
        self.parts.dialogs.show(dlg)
        return dlg

    def decide_conflict(self, conflict_id: str, choice: str):
        change = self.session.run_lead(self.session.project.resolve_conflict, conflict_id, choice)
        if change is not None:
            self.session.registry_changed()
            if self.merge_window is not None:
                self._fill_conflicts(self.merge_window)
        return change

    # ------------------------------------------------------- agreement, board
    def show_agreement(self):
        from ..agreement.agreement_view import AgreementWindow
        if self.agreement_window is None:
            self.agreement_window = AgreementWindow(self.parts.window)
            self.agreement_window.unitOpened.connect(self.session.guarded(self.analysis.open_span))
            self.agreement_window.refreshRequested.connect(self.compute_agreement)
        self.agreement_window.show()
        self.agreement_window.raise_()
        self.compute_agreement()
        return self.agreement_window

    def compute_agreement(self):
        """Agreement over every annotator layer, as a job; the window shows it when it ends."""
        win = self.agreement_window
        win.set_busy()

        def work(project, _progress, _cancelled):
            result = project.agreement()
            _ = result.unitizing    # αU is worked out on first use: here in the job, not in the window
            texts = {d: project.document(d).text for d in result.documents}
            return result, texts
        job = self.files.run_job("Measuring agreement", work, win.set_result)
        job.failed.connect(win.show_error)
        return job

    def show_board(self):
        from .progress_board import ProgressBoard
        if self.board is None:
            self.board = ProgressBoard(lambda: self.session.project, self.parts.window)
            self.board.layerRequested.connect(self.session.guarded(self.analysis.layers.show_layer))
        self.board.refresh()
        self.board.show()
        self.board.raise_()
        return self.board

    def close_windows(self) -> None:
        for w in (self.agreement_window, self.board):
            if w is not None:
                w.close()
