"""The annotation window: documents | article | side panel, keyboard first, every action saved.

The window is one client of the core: each user action calls one ``Project`` method, and the
window repaints from the ``Change`` it returns. Offsets from the article view are code points.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QFileDialog, QLabel, QLineEdit, QMainWindow, QMessageBox, QSplitter,
                               QTabWidget, QVBoxLayout, QWidget)

from isfannotate import Project
from isfannotate.changes import Change
from isfannotate.errors import IsfError
from isfannotate.models import Span, span_from_dict

from .annotations_panel import AnnotationsPanel
from .article_view import ArticleView, SpanStyle
from .claims_controller import ClaimsController
from .dialogs import AnnotatorDialog, ShortcutsDialog
from .document_list import DocumentPane
from .kb_controller import KbController
from .label_bar import LabelBar
from .palette import color_for_label


class MainWindow(QMainWindow):
    documentShown = Signal(str)

    def __init__(self, project_path: str | Path, annotator: str | None, parent: QWidget | None = None,
                 *, remember_layout: bool = True) -> None:
        """*remember_layout*: restore and save the window's size and pane widths (off for screenshots)."""
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.project: Project | None = None
        self.annotator: str | None = annotator
        self.doc_id: str | None = None
        self._text = ""
        self._spans: dict[str, Span] = {}
        self._actors: dict | None = None   # registry copy for names; None = reload on next use
        self._colors: dict[str, str] = {}
        self._jobs: list = []
        self._dialogs: list = []

        self.documents = DocumentPane(self)
        self.label_bar = LabelBar(self)
        self.view = ArticleView(self)
        self.find_bar = QLineEdit(self)
        self.find_bar.setObjectName("findBar")
        self.find_bar.setPlaceholderText("find in document (Enter: next, Esc: close)")
        self.find_bar.hide()
        self.side = QTabWidget(self)
        self.side.setObjectName("sidePanel")
        self.annotations = AnnotationsPanel(self)
        self.side.addTab(self.annotations, "Annotations")
        self.side.setUsesScrollButtons(True)
        self.kb = KbController(self)            # actors, registry, suggestions, validation, doc labels
        self.claims = ClaimsController(self)    # claims, stances, relations

        center = QWidget(self)
        cl = QVBoxLayout(center)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.setSpacing(0)
        cl.addWidget(self.label_bar)
        cl.addWidget(self.find_bar)
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
        self.statusBar().addPermanentWidget(QLabel("Ctrl+Z undo · F1 keys", self))

        self._build_actions()
        self.documents.documentActivated.connect(self.show_document)
        self.view.spanSelected.connect(self._on_span_selected)
        self.label_bar.labelClicked.connect(self.apply_label)
        self.label_bar.snapClicked.connect(self.toggle_snap)
        self.annotations.spanClicked.connect(self._on_panel_span_clicked)
        self.annotations.attributeEdited.connect(self._on_attribute_edited)
        self.find_bar.returnPressed.connect(self.find_next)

        self.open_project(project_path)
        self._remember_layout = remember_layout
        if remember_layout:
            self._restore_layout()

    # ------------------------------------------------------------------ actions
    def _act(self, text: str, slot, shortcut=None, menu=None, tip: str = "", view_only: bool = False) -> QAction:
        """A menu action with keys. *view_only* keys (Tab, Enter, Delete) act only while the
        article view has focus, so they keep their usual meaning in fields and lists."""
        a = QAction(text, self)
        if shortcut is not None:
            a.setShortcuts(shortcut if isinstance(shortcut, list) else [QKeySequence(shortcut)])
            a.setShortcutContext(Qt.ShortcutContext.WidgetShortcut if view_only else Qt.ShortcutContext.WindowShortcut)
        a.triggered.connect(lambda _checked=False: slot())
        if tip:
            a.setStatusTip(tip)
        (self.view if view_only else self).addAction(a)
        if menu is not None:
            menu.addAction(a)
        return a

    def _build_actions(self) -> None:
        mb = self.menuBar()
        self.file_menu = mb.addMenu("&File")
        self.edit_menu = mb.addMenu("&Edit")
        self.view_menu = mb.addMenu("&View")
        self.annotate_menu = mb.addMenu("&Annotate")
        self.review_menu = mb.addMenu("&Review")
        self.help_menu = mb.addMenu("&Help")
        f = self.file_menu
        self._act("&New Project…", self.new_project_dialog, QKeySequence.StandardKey.New, f)
        self._act("&Open Project…", self.open_project_dialog, QKeySequence.StandardKey.Open, f)
        self.recent_menu = f.addMenu("Open &Recent")
        f.addSeparator()
        self._act("&Import Documents…", self.import_dialog, "Ctrl+I", f)
        self._act("&Export…", self.export_dialog, "Ctrl+E", f)
        f.addSeparator()
        self._act("&Quit", self.close, QKeySequence.StandardKey.Quit, f)

        self.undo_action = self._act("&Undo", self.undo, [QKeySequence("Ctrl+Z")], self.edit_menu)
        self.redo_action = self._act("&Redo", self.redo, [QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")],
                                     self.edit_menu)
        self.edit_menu.addSeparator()
        self._act("&Find in Document", self.show_find, QKeySequence.StandardKey.Find, self.edit_menu)

        v = self.view_menu
        self.snap_action = self._act("Snap Selections to &Words", self.toggle_snap, "W", v)
        self.snap_action.setCheckable(True)
        self.snap_action.setChecked(True)
        v.addSeparator()
        self._act("&Next Document", lambda: self.step_document(1), "Ctrl+PgDown", v)
        self._act("&Previous Document", lambda: self.step_document(-1), "Ctrl+PgUp", v)

        a = self.annotate_menu
        self.label_actions: dict[str, QAction] = {}
        self._label_menu_anchor = a.addSeparator()
        self._act("Next Span", lambda: self.step_span(1), "Tab", a, view_only=True)
        self._act("Previous Span", lambda: self.step_span(-1), "Shift+Tab", a, view_only=True)
        self._act("Span &Details", self.focus_details, [QKeySequence("Return"), QKeySequence("Enter")], a,
                  view_only=True)
        self.delete_action = self._act("&Delete Span", self.delete_selected, [QKeySequence("Delete")], a,
                                       view_only=True)
        self._act("Clear Selection", self.clear_selection, "Esc", a)
        a.addSeparator()
        self.done_action = self._act("Mark Document &Done", self.toggle_done,
                                     [QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")], a)
        self.kb.build_actions()
        self.claims.build_actions()
        self._act("&Keyboard Shortcuts", self.show_shortcuts, "F1", self.help_menu)
        self._act("&About isfannotate", self.show_about, None, self.help_menu)

    def _build_label_actions(self) -> None:
        for act in self.label_actions.values():
            self.removeAction(act)
            self.annotate_menu.removeAction(act)
        self.label_actions.clear()
        scheme = self.project.scheme
        labels = []
        for i, lab in enumerate(scheme.span_labels):
            color = lab.color or color_for_label(i)
            self._colors[lab.name] = color
            key = lab.key or (str(i + 1) if i < 9 else None)
            tip = lab.description
            if lab.examples:
                tip += "\nExamples: " + "; ".join(f"“{e}”" for e in lab.examples)
            labels.append((lab.name, key, color, tip))
            act = QAction(f"Label as {lab.name}", self)
            if key:
                act.setShortcut(QKeySequence(key))
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(lambda _c=False, n=lab.name: self.apply_label(n))
            self.addAction(act)
            self.annotate_menu.insertAction(self._label_menu_anchor, act)
            self.label_actions[lab.name] = act
        self.label_bar.set_labels(labels)

    # ---------------------------------------------------------------- project
    def open_project(self, path: str | Path) -> None:
        """Open *path* in this window (closing the current project)."""
        project = Project.open(path)
        if self.project is not None:
            self.project.close()
        self.project = project
        self._actors = None
        project.author = self.annotator or "unknown"
        self.doc_id = None
        self._build_label_actions()
        self.kb.project_opened()
        self.claims.project_opened()
        self.reload_document_list()
        self._update_title()
        self._update_recent_menu()
        first = self.documents.neighbour(None, 1)
        if first is not None:
            self.show_document(first)
        else:
            self.view.set_document("")
            self._update_status()

    def reload_document_list(self) -> None:
        p = self.project
        rows = p.document_list()
        statuses = p.statuses(self.annotator) if self.annotator else {}
        groups = dict(p.conn.execute("SELECT id, near_dup_group FROM documents WHERE near_dup_group IS NOT NULL"))
        self.documents.model.reset(rows, statuses, groups)
        if self.doc_id:
            self.documents.show_current(self.doc_id)

    def set_annotator(self, name: str) -> None:
        self.annotator = name
        if self.project is not None:
            self.project.author = name
            self.reload_document_list()
            if self.doc_id:
                self.show_document(self.doc_id)
        self._update_title()

    def ask_annotator(self) -> AnnotatorDialog:
        """Ask for the annotator's name (first start); non-blocking."""
        dlg = AnnotatorDialog(self)
        dlg.nameChosen.connect(self._on_annotator_chosen)
        self._dialogs.append(dlg)
        dlg.open()
        return dlg

    def _on_annotator_chosen(self, name: str) -> None:
        from isfannotate import settings
        settings.put("annotator", name)
        self.set_annotator(name)

    def _update_title(self) -> None:
        name = self.project.name if self.project else "isfannotate"
        who = self.annotator or "no annotator"
        self.setWindowTitle(f"isfannotate — {name} ({who})")

    # --------------------------------------------------------------- document
    def actor_text(self, actor_id: str, with_type: bool = False) -> str:
        """An actor as the window names it: "Pakistan" or "Pakistan (state)"; its id if it left the
        registry. Reads a per-window copy of the registry, dropped whenever the registry changes."""
        if self._actors is None:
            self._actors = {a.id: a for a in self.project.actors()}
        a = self._actors.get(actor_id)
        if a is None:
            return actor_id
        return f"{a.name} ({a.type.replace('_', ' ')})" if with_type else a.name

    def _style(self, span: Span) -> SpanStyle:
        tip = span.label
        if span.actor_id:
            tip += f" → {self.actor_text(span.actor_id, with_type=True)}"
        source = self.claims.source_line(span)
        if source:
            tip += f"\n{source}"
        tip += f"\nby {span.author}"
        return SpanStyle(span.id, span.start, span.end, span.label, self._colors.get(span.label, "#999999"),
                         "annotation", tip)

    def show_document(self, doc_id: str) -> None:
        doc = self.project.document(doc_id)
        self.doc_id = doc_id
        self._text = doc.text
        spans = self.project.spans(doc_id, self.annotator) if self.annotator else []
        self._spans = {s.id: s for s in spans}
        self.claims.claims = self.project.claims(doc_id, self.annotator) if self.annotator else {}
        self.view.set_document(doc.text, [self._style(s) for s in spans])
        self.documents.show_current(doc_id)
        self.kb.document_shown()
        self.claims.document_shown()
        self._refresh_panel()
        self.annotations.clear_details()
        self._update_status()
        self.view.setFocus()
        self.documentShown.emit(doc_id)

    def step_document(self, step: int) -> None:
        nxt = self.documents.neighbour(self.doc_id, step)
        if nxt is None:
            self.statusBar().showMessage("no more documents" if step > 0 else "this is the first document", 3000)
            return
        self.show_document(nxt)

    def _panel_row(self, s: Span) -> tuple:
        """The annotation list's row for span *s*: (order key, id, colour, line 1, line 2, tooltip)."""
        text = " ".join(self._text[s.start:s.end].split())
        line2 = self.claims.source_line(s) or ""
        if s.actor_id:
            line2 = f"→ {self.actor_text(s.actor_id, with_type=True)}"
        problems = self.kb.problems.get(s.id, [])
        mark = "⚠ " if problems else ""
        return ((s.start, -s.end, s.label), s.id, self._colors.get(s.label, "#999999"),
                f"{mark}{s.label}  “{text[:60]}{'…' if len(text) > 60 else ''}”", line2,
                "\n".join(f"⚠ {p}" for p in problems))

    def _refresh_panel(self, only: set[str] | None = None) -> None:
        """Rebuild the annotation list, or with *only* update just those spans' rows."""
        if only is None:
            self.annotations.set_items([self._panel_row(s) for s in self._spans.values()])
            return
        for sid in only:
            span = self._spans.get(sid)
            if span is None:
                self.annotations.remove_item(sid)
            else:
                self.annotations.upsert_item(*self._panel_row(span))

    def _update_status(self, saved: bool = False) -> None:
        who = self.annotator or "no annotator"
        where = self.doc_id or "no document"
        status = self.project.status(self.doc_id, self.annotator) if (self.doc_id and self.annotator) else "new"
        n = len(self._spans)
        text = f"{who} · {where} · {n} span{'s' if n != 1 else ''} · {status.replace('_', ' ')}"
        if saved:
            text += " · saved ✓"
        self.status_label.setText(text)
        self.undo_action.setEnabled(self.project.can_undo)
        self.redo_action.setEnabled(self.project.can_redo)
        if self.project.can_undo:
            last = self.project._undo[-1]
            self.undo_action.setText(f"&Undo {last.action} {last.description}".strip())
        else:
            self.undo_action.setText("&Undo")

    # ------------------------------------------------------------- labelling
    def _require_annotator(self) -> bool:
        if self.annotator:
            return True
        self.statusBar().showMessage("Say who you are first (File → the annotator prompt)", 4000)
        self.ask_annotator()
        return False

    def _run(self, fn, *args, **kwargs) -> Change | None:
        """Call a core action; show its error in the status bar instead of raising."""
        try:
            change = fn(*args, **kwargs)
        except IsfError as e:
            self.statusBar().showMessage(f"⚠ {e}", 6000)
            return None
        self.apply_change(change)
        return change

    def apply_label(self, label: str) -> None:
        """The label key: annotate the selection, or relabel the selected span."""
        if self.doc_id is None or not self._require_annotator():
            return
        rng = self.view.selected_range()
        sid = self.view.selected_span_id()
        if rng is None and self.kb.is_suggestion(sid):
            if label == self.project.scheme.actor_label:
                self.kb.accept_suggestion()
                return
            rng = (self.view.span(sid).start, self.view.span(sid).end)
        if rng is not None:
            change = self._run(self.project.annotate, self.doc_id, self.annotator, rng[0], rng[1], label)
            if change is not None:
                new_id = change.rows("spans")[0].after["id"]
                self.view.set_text_cursor_range(rng[1], rng[1])
                self.view.select_span(new_id)
                if self.project.scheme.label(label).role == "actor":
                    self.kb.start_link(new_id)
            return
        if sid is not None:
            if self._spans[sid].label != label:
                self._run(self.project.relabel, sid, label, layer=self.annotator)
            return
        self.statusBar().showMessage("Select some text first (drag, double-click, or Shift+arrows)", 4000)

    def delete_selected(self) -> None:
        sid = self.view.selected_span_id()
        if sid is None:
            self.statusBar().showMessage("No span selected (Tab selects the next one)", 3000)
            return
        if self.kb.is_suggestion(sid):
            self.kb.reject_suggestion()
            return
        nxt = self.view.next_span_id(sid) or self.view.previous_span_id(sid)
        if self._run(self.project.delete_span, sid, layer=self.annotator) is not None and nxt and nxt in self._spans:
            self.view.select_span(nxt)

    def step_span(self, step: int) -> None:
        cur = self.view.selected_span_id()
        sid = cur
        while True:  # annotations only: suggestions are reached with the caret (A / X)
            sid = self.view.next_span_id(sid) if step > 0 else self.view.previous_span_id(sid)
            if sid is None or not self.kb.is_suggestion(sid):
                break
        if sid is not None:
            self.view.select_span(sid)

    def clear_selection(self) -> None:
        """Esc: close the find bar (keeping what it found selected), else clear the selection."""
        if self.claims._pick is not None:
            self.claims._pick = None
            self.statusBar().showMessage("picking cancelled", 2000)
            return
        if self.find_bar.isVisible():
            self.find_bar.hide()
            self.view.setFocus()
            return
        self.view.clear_span_selection()
        self.view.set_text_cursor_range(self.view.cursor_position(), self.view.cursor_position())
        self.view.setFocus()

    def toggle_snap(self) -> None:
        on = not self.view.snap_words()
        self.view.set_snap_words(on)
        self.snap_action.setChecked(on)
        self.label_bar.set_snap(on)

    def focus_details(self) -> None:
        if self.view.selected_span_id() is None:
            return
        self.side.setCurrentWidget(self.annotations)
        for i in range(self.annotations.form.rowCount()):
            item = self.annotations.form.itemAt(i, self.annotations.form.ItemRole.FieldRole)
            w = item.widget() if item else None
            if w is not None and w.focusPolicy() != Qt.FocusPolicy.NoFocus and not isinstance(w, QLabel):
                w.setFocus()
                return

    def toggle_done(self) -> None:
        if self.doc_id is None or not self._require_annotator():
            return
        if self.project.status(self.doc_id, self.annotator) == "done":
            self._run(self.project.set_status, self.doc_id, self.annotator, "in_progress")
        else:
            self.kb.mark_done()

    def undo(self) -> None:
        self._replay(self.project.undo())

    def redo(self) -> None:
        self._replay(self.project.redo())

    def _replay(self, change: Change | None) -> None:
        if change is None:
            self.statusBar().showMessage("nothing to undo or redo", 2000)
            return
        if change.document_id is not None and change.document_id != self.doc_id:
            self.show_document(change.document_id)  # show where the undone work was
            self._after_change(change)
        else:
            self.apply_change(change)
        self.statusBar().showMessage(f"{change.action} {change.description}".strip(), 3000)

    # ------------------------------------------------------------ repainting
    def apply_change(self, change: Change) -> None:
        """Repaint from a change record: only the spans it touched are redrawn."""
        if change.rows("actors"):
            self._actors = None
        if change.rows("claims") and self.doc_id is not None and self.annotator:
            self.claims.claims = self.project.claims(self.doc_id, self.annotator)
        if change.document_id == self.doc_id and change.layer == self.annotator:
            add, remove, update = [], [], []
            for op in change.rows("spans"):
                if op.kind == "insert":
                    span = span_from_dict(op.after)  # the change carries the row: no query
                    self._spans[span.id] = span
                    add.append(self._style(span))
                elif op.kind == "delete":
                    self._spans.pop(op.before["id"], None)
                    remove.append(op.before["id"])
                else:
                    span = span_from_dict(op.after)  # the change carries the row: no query
                    self._spans[span.id] = span
                    update.append(self._style(span))
            if remove:
                self.view.remove_spans(remove)
            if add:
                self.view.add_spans(add)
            for s in update:
                self.view.update_span(s)
        elif change.document_id is None and self.doc_id is not None:
            # registry edits: actor names in tooltips and the panel may have changed
            spans = self.project.spans(self.doc_id, self.annotator) if self.annotator else []
            self._spans = {s.id: s for s in spans}
            self.view.set_spans([self._style(s) for s in spans] + self.kb.suggestion_styles())
        self._after_change(change)

    def _after_change(self, change: Change) -> None:
        for op in change.rows("doc_status"):
            row = op.after or op.before
            if row["layer"] == self.annotator:
                self.documents.model.set_status(row["document_id"], op.after["status"] if op.after else "new")
        problems_before = dict(self.kb.problems)
        self.kb.after_change(change)
        self.claims.after_change(change)
        if change.document_id == self.doc_id and change.layer == self.annotator:
            touched = {op.key()[0] for op in change.rows("spans")} | change.touched_ids("claims")
            touched |= {sid for sid in problems_before.keys() | self.kb.problems.keys()
                        if problems_before.get(sid) != self.kb.problems.get(sid)}
            self._refresh_panel(only=touched)
        else:
            self._refresh_panel()
        self._on_span_selected(self.view.selected_span_id() or "")
        self._update_status(saved=True)

    # ------------------------------------------------------------- side panel
    def _on_span_selected(self, span_id: str) -> None:
        if self.claims.on_span_selected(span_id):
            return
        self.kb.on_span_selected(span_id)
        self.annotations.select(span_id or None)
        span = self._spans.get(span_id) if span_id else None
        if span is None:
            self.annotations.clear_details()
            return
        label = self.project.scheme.label(span.label)
        self.annotations.show_details(span.id, span.label, self._text[span.start:span.end],
                                      label.attributes if label else [], span.attrs, self.detail_rows(span))

    def detail_rows(self, span: Span) -> list[tuple[str, QWidget]]:
        """Extra rows of the details form for *span*: the actor link, the claim's source and cue."""
        role = self.project.scheme.label(span.label).role
        if role == "actor":
            return [("Actor", self.kb.actor_row(span))]
        if role == "claim":
            return [("", self.claims.claim_editor(span))]
        return []

    def _on_panel_span_clicked(self, span_id: str) -> None:
        if span_id in self._spans:
            self.view.select_span(span_id)

    def _on_attribute_edited(self, span_id: str, name: str, value) -> None:
        if span_id in self._spans and self._spans[span_id].attrs.get(name) != value:
            self._run(self.project.set_span_attrs, span_id, {name: value}, layer=self.annotator)

    # ------------------------------------------------------------------- find
    def show_find(self) -> None:
        self.find_bar.show()
        self.find_bar.setFocus()
        self.find_bar.selectAll()

    def find_next(self) -> None:
        needle = self.find_bar.text()
        if not needle:
            return
        start = self.view.cursor_position()
        i = self._text.casefold().find(needle.casefold(), start)
        if i < 0:
            i = self._text.casefold().find(needle.casefold())
        if i < 0:
            self.statusBar().showMessage(f"“{needle}” is not in this document", 3000)
            return
        self.view.scroll_to(i)
        self.view.set_text_cursor_range(i, i + len(needle))

    # ------------------------------------------------------------ file dialogs
    def _file_dialog(self, title: str, save: bool, on_chosen, name_filter="isfannotate projects (*.isf);;All files (*)",
                     mode=None) -> QFileDialog:
        dlg = QFileDialog(self, title)
        dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave if save else QFileDialog.AcceptMode.AcceptOpen)
        if mode is not None:
            dlg.setFileMode(mode)
        dlg.setNameFilter(name_filter)
        if save:
            dlg.setDefaultSuffix("isf")
        dlg.filesSelected.connect(on_chosen)
        self._dialogs.append(dlg)
        dlg.open()
        return dlg

    def new_project_dialog(self) -> None:
        def chosen(paths):
            try:
                Project.create(paths[0]).close()
            except IsfError as e:
                self._on_job_error(str(e))
                return
            self._open_or_warn(paths[0])
        self._file_dialog("New project", True, chosen)

    def _open_or_warn(self, path: str) -> None:
        try:
            self.open_project(path)
        except IsfError as e:
            self._on_job_error(str(e))

    def open_project_dialog(self) -> None:
        self._file_dialog("Open project", False, lambda paths: self._open_or_warn(paths[0]))

    def _update_recent_menu(self) -> None:
        from isfannotate import settings
        settings.add_recent(str(self.project.path))
        self.recent_menu.clear()
        for path in settings.recent():
            act = self.recent_menu.addAction(path)
            act.triggered.connect(lambda _c=False, p=path: self._open_or_warn(p))

    def import_dialog(self) -> None:
        self._file_dialog("Import documents", False, self.start_import,
                          "Documents (*.txt *.jsonl);;All files (*)", QFileDialog.FileMode.ExistingFiles)

    def start_import(self, paths: list[str], annotator: str | None = None):
        """Import *paths* in a worker thread (its own connection) with a cancellable progress dialog."""
        from .workers import Job
        project_path = str(self.project.path)

        def work(progress, _cancelled):
            with Project.open(project_path) as p:
                return p.import_paths(paths, annotator=annotator, progress=progress).summary()

        job = Job(self, "Importing documents", work)
        job.done.connect(self._on_import_done)
        job.error.connect(self._on_job_error)
        self._jobs.append(job)
        job.start()
        return job

    def _headless(self) -> bool:
        from PySide6.QtGui import QGuiApplication
        return QGuiApplication.platformName() in ("offscreen", "minimal")

    def _on_import_done(self, summary: str) -> None:
        self.reload_document_list()
        self.statusBar().showMessage(summary, 8000)
        if self.doc_id is None:
            first = self.documents.neighbour(None, 1)
            if first:
                self.show_document(first)

    def export_dialog(self):
        from .export_dialog import ExportDialog
        dlg = ExportDialog(self.project.layers(), self)
        dlg.exportRequested.connect(lambda opts: self.start_export(**opts))
        self._dialogs.append(dlg)
        dlg.open()
        return dlg

    def start_export(self, fmt: str, layer: str = "gold", include_all: bool = False, split=None, seed: int = 0,
                     out_dir: str | None = None, force: bool = False):
        """Export in a worker thread (its own connection) with a cancellable progress dialog."""
        from .workers import Job
        project_path = str(self.project.path)

        def work(progress, cancelled):
            with Project.open(project_path) as p:
                r = p.export(fmt, out_dir, layer=layer, include_all=include_all, split=split, seed=seed,
                             force=force, progress=progress, cancelled=cancelled)
                return r

        job = Job(self, "Exporting", work)
        job.done.connect(self._on_export_done)
        job.error.connect(self._on_job_error)
        self._jobs.append(job)
        job.start()
        return job

    def _on_export_done(self, result) -> None:
        msg = f"exported {len(result.files)} files to {result.out_dir}"
        if result.warnings:
            msg += f" ({len(result.warnings)} warnings: see manifest.json)"
        self.statusBar().showMessage(msg, 10000)
        self.last_export = result

    def _on_job_error(self, message: str) -> None:
        self.statusBar().showMessage(f"⚠ {message}", 10000)
        if not self._headless():
            QMessageBox.warning(self, "isfannotate", message)

    # -------------------------------------------------------------------- help
    def show_shortcuts(self) -> ShortcutsDialog:
        dlg = ShortcutsDialog(self)
        self._dialogs.append(dlg)
        dlg.open()
        return dlg

    def show_about(self) -> None:
        from isfannotate import __version__
        QMessageBox.about(self, "About isfannotate",
                          f"isfannotate {__version__}\nAnnotate actors, claims and stances in news articles.\n"
                          "Every action is saved as you make it.")

    # ------------------------------------------------------------------ layout
    def _restore_layout(self) -> None:
        s = QSettings("isfannotate", "isfannotate")
        geo = s.value("window/geometry")
        if geo is not None:
            self.restoreGeometry(geo)
        state = s.value("window/splitter")
        if state is not None:
            self.splitter.restoreState(state)

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        if self._remember_layout:
            s = QSettings("isfannotate", "isfannotate")
            s.setValue("window/geometry", self.saveGeometry())
            s.setValue("window/splitter", self.splitter.saveState())
        for job in self._jobs:
            job.wait()
        if self.project is not None:
            self.project.close()  # checkpoints the WAL: the file is self-contained
            self.project = None
        super().closeEvent(event)
