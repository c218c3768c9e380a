"""The annotation window: documents | article | side panel, keyboard first, every action saved.

The window is one client of the core: each user action calls one ``Project`` method through
``Session.run``, and the window repaints from the ``Change`` it returns (``changeApplied``).
Its jobs live in controllers that get the session and the ``WindowParts`` and answer with
signals: ``LabellingController`` (label keys), ``KbController`` (actors, registry, suggestions,
validation), ``ClaimsController`` (claims, stances, relations), ``FileController`` (project
files, import and export as jobs) and ``DocumentPainter`` (highlights, the Annotations list and
details, redrawn from change records). The window owns the widgets, the project's lifecycle,
undo/redo, the status line and find. Offsets from the article view are code points.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QLabel, QMainWindow, QMessageBox, QSplitter, QTabWidget, QVBoxLayout, QWidget

from isfannotate import Project
from isfannotate.errors import IsfError
from isfannotate.gcpause import paused_gc
from isfannotate.store.changes import Change

from .analysis_controller import WINDOW_KEYS, AnalysisController
from .annotate.annotations_panel import AnnotationsPanel
from .annotate.article_view import ArticleView
from .annotate.find_bar import FindBar
from .annotate.label_bar import LabelBar
from .app_settings import app_settings
from .claims.claims_controller import ClaimsController
from .document_painter import DocumentPainter
from .documents.document_list import DocumentPane
from .documents.layer_view import LayerController
from .documents.navigation import DocumentNavigator
from .files.file_controller import FileController, headless
from .labelling import LabellingController
from .parts import Dialogs, Menus, WindowParts
from .registry.kb_controller import KbController
from .review.review_controller import ReviewController
from .session import Session, close_project, open_project
from .suggestions import SuggestionController
from .team.team_controller import TeamController
from .window_memory import Places, describe_change, first_split, last_place, restore_layout


class MainWindow(QMainWindow):
    documentShown = Signal(str)     # its article is drawn by the next paint, then painter.panelsFilled

    def __init__(self, project_path: str | Path, annotator: str | None, parent: QWidget | None = None,
                 *, remember_layout: bool = True) -> None:
        """*remember_layout*: restore and save the window's size and pane widths (off for screenshots)."""
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.session = Session(annotator, self)
        self.dialogs = Dialogs()
        self._settings = app_settings()   # kept: see remember_place
        self.places = Places(self._settings)

        self.documents = DocumentPane(self)
        self.label_bar = LabelBar(self)
        self.view = ArticleView(self)
        self.find_row = FindBar(self)
        self.find_bar = self.find_row.edit
        self.find_count = self.find_row.count
        self.side = QTabWidget(self)
        self.side.setObjectName("sidePanel")
        self.annotations = AnnotationsPanel(self)
        self.side.addTab(self.annotations, "Annotations")
        self.side.setUsesScrollButtons(True)
        self.side.setDocumentMode(True)     # no frame round the panel: it cost ~1 ms of every window paint
        self.menus = Menus(self, self.view, guard=self.session.guarded)
        self._stale = False     # a repaint met a running job: draw the document again once it ends
        self._close_when_free = False   # closing was asked while a job ran: close when it has ended
        #: closing while a job runs asks first (non-blocking); headless runs just wait for the job
        self.ask_before_closing = not headless()
        parts = WindowParts(self, self.view, self.side, self.annotations, self.menus, self.dialogs)
        self.kb = KbController(self.session, parts)             # actors, registry, suggestions, validation
        self.claims = ClaimsController(self.session, parts)     # claims, stances, relations
        self.labelling = LabellingController(self.session, parts, self.label_bar, self.kb)
        self.labelling.claims = self.claims
        self.files = FileController(self.session, parts)        # project files, import, export
        self.kb.model = SuggestionController(self.session, parts, self.kb, self.files, self.documents)   # issue 22
        self.painter = DocumentPainter(self.session, parts, self.documents, self.kb, self.claims)
        self.layers = LayerController(self.session, parts)      # View → Layer: any layer, read-only
        self.analysis = AnalysisController(self.session, parts, self.documents, self.layers)   # stance map
        self.team = TeamController(self.session, parts, self.files, self.analysis)   # hand out, merge, agreement
        self.reviewing = ReviewController(self.session, parts, self.kb.guide, self.files)   # review window, auto-merge
        self.reviewing.open_span = self.analysis.open_span
        self.navigator = DocumentNavigator(self.session, parts, self.documents, self.show_document)

        center = QWidget(self)
        cl = QVBoxLayout(center)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.setSpacing(0)
        cl.addWidget(self.layers.banner)
        cl.addWidget(self.label_bar)
        cl.addWidget(self.find_row)
        cl.addWidget(self.view, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.documents)
        self.splitter.addWidget(center)
        self.splitter.addWidget(self.side)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setSizes([250, 620, 410])
        self.setCentralWidget(self.splitter)

        self.status_label = QLabel(self)
        self.status_label.setObjectName("statusInfo")
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.files.job_status)
        self.statusBar().addPermanentWidget(QLabel("Ctrl+Z undo · F1 keys", self))

        self._build_actions()
        self.session.changeApplied.connect(self._on_change_applied)
        self.session.changeApplied.connect(self.navigator.after_change)     # after the repaint
        self.session.statusMessage.connect(self.statusBar().showMessage)
        self.session.annotatorNeeded.connect(self.ask_annotator)
        self.kb.stanceRequested.connect(self.claims.show_stance)
        self.claims.spansRestyled.connect(self.painter.restyle)
        self.painter.repainted.connect(self._on_repainted)
        self.painter.panelsMissed.connect(self._on_panels_missed)
        self.painter.panelsFilled.connect(self.places.write_pending)
        self.files.projectChosen.connect(self.open_project_or_warn)
        self.files.documentsImported.connect(self._on_documents_imported)
        self.files.jobEnded.connect(self._on_job_ended)
        self.documents.documentActivated.connect(self.show_document)
        self.layers.documentRequested.connect(self.show_document)
        self.layers.layerShown.connect(self._on_layer_shown)
        self.find_bar.returnPressed.connect(self.find_next)

        self.open_project(project_path)
        self._remember_layout = remember_layout
        if remember_layout:
            self._restore_layout()

    # ------------------------------------------------------------ the session
    @property
    def project(self) -> Project | None:
        """The open project (read through it in tests: a second ``Project.open`` is refused)."""
        return self.session.project

    @property
    def annotator(self) -> str | None:
        return self.session.annotator

    @property
    def doc_id(self) -> str | None:
        return self.session.doc_id

    # ------------------------------------------------------------------ actions
    def _build_actions(self) -> None:
        m = self.menus
        self.file_menu, self.edit_menu, self.view_menu = m.file, m.edit, m.view
        self.annotate_menu, self.review_menu, self.help_menu = m.annotate, m.review, m.help
        self.files.build_actions()
        self.team.build_actions()           # File → Assign, Hand Out, Merge; Review → Agreement, Progress Board
        m.add("&Quit", self.close, QKeySequence.StandardKey.Quit, m.file)

        self.undo_action = m.add("&Undo", self.undo, [QKeySequence("Ctrl+Z")], m.edit)
        self.redo_action = m.add("&Redo", self.redo, [QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")], m.edit)
        m.edit.addSeparator()
        m.add("&Find in Document", self.show_find, QKeySequence.StandardKey.Find, m.edit)

        self.labelling.build_actions()      # View → Snap; Annotate → label keys, span keys
        self.layers.build_actions()         # View → Layer
        self.analysis.build_actions()       # View → Stance Map
        self.reviewing.build_actions()      # Review → Review Disagreements, Auto-merge
        m.view.addSeparator()
        m.add("&Next Document", lambda: self.step_document(1), "Ctrl+PgDown", m.view)
        m.add("&Previous Document", lambda: self.step_document(-1), "Ctrl+PgUp", m.view)
        m.add("Clear Selection", self.clear_selection, "Esc", m.annotate)
        m.annotate.addSeparator()
        self.done_action = m.add("Mark Document &Done", self.labelling.toggle_done,
                                 [QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")], m.annotate)
        self.navigator.build_actions()      # Annotate → After Done, Go to the Next Unfinished Document
        self.kb.build_actions()
        self.claims.build_actions()
        m.add("&Keyboard Shortcuts", self.show_shortcuts, "F1", m.help)
        m.add("&About isfannotate", self.show_about, None, m.help)

    # ---------------------------------------------------------------- project
    def open_project(self, path: str | Path) -> None:
        """Open *path* in this window, closing the current project once the new one is open.
        Raises ``IsfError`` (the current project stays open) when *path* cannot be opened, e.g.
        ``ProjectLocked`` when another program or window has it open."""
        if self.project is not None and Path(path).resolve() == self.project.path.resolve():
            self.statusBar().showMessage(f"{path} is already open in this window", 4000)
            return
        if self.project is not None and self.files.jobs:
            job = self.files.jobs[0]
            self.statusBar().showMessage(f"⚠ {job.title} is still running: wait for it, or cancel it in the "
                                         f"status bar, then open {path}", 8000)
            return
        project = open_project(path, self.session.message)
        if self.project is not None:
            self._remember_place()
            close_project(self.project)   # no job of ours runs: checkpoints and releases the file
        self.analysis.close_windows()
        self.team.close_windows()
        recorded = project.recorded_annotator     # a handed-out file names its annotator: use it, never ask
        if recorded and recorded != self.session.me:
            self.session.set_annotator(recorded)
        self.session.set_project(project)
        self.layers.banner.hide()
        self.labelling.project_opened()
        self.kb.project_opened()
        self.claims.project_opened()
        self.reviewing.project_opened()
        self.reload_document_list()
        self._update_title()
        self.files.update_recent_menu()
        last, pos = self._last_place()
        first = last if last is not None and self.documents.model.row_of(last) >= 0 else \
            self.documents.neighbour(None, 1)
        if first is not None:
            self.show_document(first)
            if first == last:     # where the annotator left off: span, caret, scroll
                self.places.restore(self.project.path, first, self.view, pos)
        else:
            self.view.set_document("")
            self._update_status()

    def _last_place(self) -> tuple[str | None, int]:
        return last_place(self.project.path)

    def _remember_place(self, later: bool = False) -> None:
        if self.project is not None and self.doc_id is not None:
            self.places.leave(self.project.path, self.doc_id, self.view, later=later)

    def open_project_or_warn(self, path: str) -> None:
        """Open *path*; when it cannot be opened say why and keep the current project."""
        try:
            self.open_project(path)
        except IsfError as e:
            self.files.show_error(str(e))

    def reload_document_list(self) -> None:
        p = self.project
        rows = p.document_list()
        statuses = p.statuses(self.annotator) if self.annotator else {}
        self.documents.model.reset(rows, statuses, p.near_dup_groups())
        if self.doc_id:
            self.documents.show_current(self.doc_id)

    def _on_documents_imported(self, summary: str) -> None:
        self.reload_document_list()
        self.statusBar().showMessage(summary, 8000)
        if self.doc_id is None:
            first = self.documents.neighbour(None, 1)
            if first:
                self.show_document(first)

    def set_annotator(self, name: str) -> None:
        self.session.set_annotator(name)
        if self.project is not None:
            self.reload_document_list()
            if self.doc_id:
                self.show_document(self.doc_id)
        self._update_title()

    def ask_annotator(self) -> QDialog:
        """Ask for the annotator's name (first start); non-blocking."""
        from .dialogs.small_dialogs import AnnotatorDialog
        dlg = AnnotatorDialog(self)
        dlg.nameChosen.connect(self.session.guarded(self._on_annotator_chosen))
        self.dialogs.show(dlg)
        return dlg

    def _on_annotator_chosen(self, name: str) -> None:
        from isfannotate import settings
        settings.put("annotator", name)
        self.set_annotator(name)

    def _update_title(self) -> None:
        name = self.project.name if self.project else "isfannotate"
        who = self.session.me or "no annotator"
        if self.session.read_only:
            who += f" — showing {self.annotator}, read-only"
        self.setWindowTitle(f"isfannotate — {name} ({who})")

    def _on_layer_shown(self, _layer: str) -> None:
        self.reload_document_list()
        self._update_title()
        self._update_status()

    # --------------------------------------------------------------- document
    def show_document(self, doc_id: str) -> bool:
        """Show *doc_id*; False (said in the status bar) while a job holds the project (shown when it ends)."""
        try:
            self._show_document(doc_id)
        except IsfError as e:
            self.session.refused(e)   # a storage fault stays until the next message
            self._stale = True
            return False
        return True

    def _show_document(self, doc_id: str) -> None:
        self._remember_place(later=True)        # the document being left, at its caret
        with paused_gc():      # 10,000 spans: no full collections mid-load (isfannotate.gcpause)
            self.session.load_document(doc_id)
            self.painter.paint_document()
        self._update_status()
        self.view.setFocus()
        self.painter.fill_panels_after_paint()     # painter.panelsFilled says when
        self.documentShown.emit(doc_id)

    def _on_panels_missed(self, why: str) -> None:
        self._stale = True      # a job held the project: the document is shown again when it ends
        self.statusBar().showMessage(f"⚠ {why}", 6000)

    def step_document(self, step: int) -> None:
        """Ctrl+PgDn / Ctrl+PgUp; at the end, on to the first unfinished document (navigation)."""
        self.navigator.step(step)

    def _update_status(self, saved: bool = False) -> None:
        who = self.session.me or "no annotator"
        if self.session.read_only:
            who += f" · showing {self.annotator} (read-only)"
        where = self.doc_id or "no document"
        status = self.project.status(self.doc_id, self.annotator) if (self.doc_id and self.annotator) else "new"
        n = self.session.span_count()
        text = f"{who} · {where} · {n} span{'s' if n != 1 else ''} · {status.replace('_', ' ')}"
        if saved:
            text += " · saved ✓"
        self.status_label.setText(text)
        # Ctrl+Z stays live at the start of history, to say there is nothing more to undo
        last = self.project.next_undo
        if last is not None:
            self.undo_action.setText(f"&Undo {self.describe_change(last)}")
        else:
            self.undo_action.setText("&Undo (nothing to undo)")

    # --------------------------------------------------------------- editing
    def clear_selection(self) -> None:
        """Esc: stop picking a source, else close the find bar (its match stays selected), else unselect."""
        if self.claims.cancel_pick() or self.claims.dismiss_proposal():
            return
        if self.find_bar.isVisible():
            self.find_row.hide()
            self.view.setFocus()
            return
        self.view.clear_span_selection()
        self.view.set_text_cursor_range(self.view.cursor_position(), self.view.cursor_position())
        self.view.setFocus()

    def undo(self) -> None:
        if not self.project.can_undo:
            self.statusBar().showMessage("Nothing to undo: this is the start of this session's history", 4000)
            return
        self._replay(self.project.undo(), "undo")   # Busy (a job runs) is shown by the action's guard

    def redo(self) -> None:
        if not self.project.can_redo:
            self.statusBar().showMessage("Nothing to redo", 3000)
            return
        self._replay(self.project.redo(), "redo")

    def describe_change(self, change: Change) -> str:
        """"annotate ACTOR “State Department”" rather than "annotate ACTOR 2327-2343"."""
        return describe_change(change, self.session.text if change.document_id == self.doc_id else None,
                               self.project)

    def _replay(self, change: Change | None, verb: str = "undo") -> None:
        if change is None:
            self.statusBar().showMessage("nothing to undo or redo", 2000)
            return
        if change.document_id is not None and change.document_id != self.doc_id:
            # show where the undone work was (a busy read leaves it to _catch_up)
            if self.show_document(change.document_id):
                self._repaint_or_catch_up(self.painter.after_change, change)
        else:
            self._repaint_or_catch_up(self.painter.apply_change, change)
        said = self.describe_change(change)
        self.statusBar().showMessage(said if said.startswith(("undo ", "redo ")) else f"{verb} {said}", 3000)

    # ------------------------------------------------------------ repainting
    def _on_change_applied(self, change: Change) -> None:
        self._repaint_or_catch_up(self.painter.apply_change, change)

    def apply_change(self, change: Change) -> None:
        """Repaint from a change record (see ``DocumentPainter.apply_change``)."""
        self.painter.apply_change(change)

    def _on_repainted(self, saved: bool) -> None:
        try:
            self._update_status(saved=saved)    # reads the document's status: a job may hold the project
        except IsfError as e:
            self._stale = True
            self.statusBar().showMessage(f"saved ✓ — the window catches up when the job ends ({e})", 6000)

    def _repaint_or_catch_up(self, repaint, change: Change) -> None:
        """Repaint after an action. The action is saved; if a read for the repaint meets a
        running job (busy), say so and draw the document again when the job ends."""
        try:
            repaint(change)
        except IsfError as e:
            self._stale = True
            self.statusBar().showMessage(f"saved ✓ — the window catches up when the job ends ({e})", 6000)

    def _catch_up(self) -> None:
        """After a job: statuses in the list, and the document again if a repaint was missed."""
        if self.project is None:
            return
        try:
            self.reload_document_list()
        except IsfError:
            return   # another job holds the project; its end calls this again
        if self._stale and self.doc_id is not None:
            self._stale = not self.show_document(self.doc_id)

    # ------------------------------------------------------------------- find
    def show_find(self) -> None:
        self.find_row.show()
        self.find_bar.setFocus()
        self.find_bar.selectAll()

    def find_next(self) -> None:
        """Enter in the find bar: the next match after the caret, selected (see ``FindBar``)."""
        hit = self.find_row.next_match(self.session.text, self.view.cursor_position())
        if hit is None:
            if self.find_bar.text():
                self.statusBar().showMessage(f"“{self.find_bar.text()}” is not in this document", 3000)
            return
        self.view.scroll_to(hit[0])
        self.view.set_text_cursor_range(*hit)

    # -------------------------------------------------------------------- help
    def show_shortcuts(self) -> QDialog:
        from .dialogs.small_dialogs import ShortcutsDialog
        return self.dialogs.show(ShortcutsDialog(self, extra=WINDOW_KEYS))

    def show_about(self) -> None:
        from isfannotate import __version__
        box = QMessageBox(QMessageBox.Icon.Information, "About isfannotate",
                          f"isfannotate {__version__}\nAnnotate actors, claims and stances in news articles.\n"
                          "Every action is saved as you make it.", QMessageBox.StandardButton.Ok, self)
        self.dialogs.show(box)

    # ------------------------------------------------------------------ layout
    def _ask_before_closing(self) -> None:
        job = self.files.jobs[0]
        box = QMessageBox(QMessageBox.Icon.Question, "isfannotate",
                          f"{job.title} is still running. Stop it and close? Nothing it did is kept.",
                          QMessageBox.StandardButton.NoButton, self)
        stop = box.addButton("Stop and close", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Keep working", QMessageBox.ButtonRole.RejectRole)
        box.buttonClicked.connect(lambda b: self._close_after_jobs() if b is stop else None)
        self.dialogs.show(box)

    def _close_after_jobs(self) -> None:
        """Cancel the running jobs and close once they have ended (their work rolled back)."""
        self._close_when_free = True
        for job in list(self.files.jobs):
            job.cancel()
        self.statusBar().showMessage("stopping the running job, then closing…", 0)
        if not self.files.jobs:
            self.close()

    def _on_job_ended(self) -> None:
        if self._close_when_free and not self.files.jobs:
            self.close()
            return
        self._catch_up()

    def _restore_layout(self) -> None:
        self._first_split = restore_layout(self._settings, self, self.splitter)   # True: split when shown

    _first_split = False

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        QTimer.singleShot(0, self.places.apply_scroll)     # laid out now: the scroll bar has its range
        if self._first_split:
            self._first_split = False
            self.splitter.setSizes(first_split(self.width()))

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        if self.files.jobs and not self._close_when_free and self.ask_before_closing:
            # a job runs: ask (without blocking) whether to cancel it; the window stays meanwhile
            event.ignore()
            self._ask_before_closing()
            return
        self._remember_place()
        if self._remember_layout:
            s = self._settings
            s.setValue("window/geometry", self.saveGeometry())
            s.setValue("window/splitter", self.splitter.saveState())
        self._settings.sync()
        self.analysis.close_windows()
        self.team.close_windows()
        self.reviewing.close_windows()
        if self.project is not None:
            close_project(self.project)  # waits for a running job, checkpoints the WAL: the file is self-contained
            self.session.project = None
        super().closeEvent(event)
