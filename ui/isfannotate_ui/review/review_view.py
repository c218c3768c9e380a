"""The review window (Review → Review Disagreements…, Ctrl+Shift+R): the lead decides, unit by
unit, what goes into gold.

Left, the queue: every document someone worked on, with units decided of units to decide and
the open disagreements, and the overall progress above it. Right, the document: one merged,
read-only view with a mark per annotator (each annotator a colour, nested and overlapping
versions stacked as underlines; hovering says whose version it is), and under it the units,
one row each, with every annotator's version side by side, what differs, the decision and
the note.

Keys act only in the review area (the merged view and the units table), never in the note
field and never in the annotation window, so they cannot clash with the scheme's label keys
or S/W/A/X there:

- **Enter** accept (the version picked with 1–9, else the largest group's);
- **E** accept the picked version with its boundary edited to the text selected in the view;
- **Ctrl+E** edit the picked version's other parts (label, link, source, quote, polarity,
  conditions, value), then accept it;
- **R** reject every version: asks first in the status line; **R** again confirms, any other
  key or unit cancels;
- **Ctrl+Z** / **Ctrl+Shift+Z** undo / redo the last decision (named in the status line),
  through the project's undo, the same history as the main window's;
- **N** / **Shift+N** next / previous undecided disagreement, across documents;
- **1–9** pick annotator 1–9's version (the column headers are numbered);
- **G** add the current (decided) unit to the guidelines as a worked example.

Every decision is one core action run through the session (``run_lead``), so Ctrl+Z here or
in the main window undoes it; auto-merge is one action too. A note typed before picking a
version (1–9) stays: the note field is reset only when another unit becomes current. UI thread
only; offsets are code points.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..annotate.article_view import ArticleView
from ..annotate.span_index import SpanStyle
from .review_models import DocRole, QueueModel, UnitsModel

ANNOTATOR_COLOURS = ["#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#0072B2", "#D55E00", "#F0E442", "#999999", "#000000"]


class ReviewWindow(QWidget):
    """Emits ``decisionRequested(doc, unit key, 'accepted'|'rejected', annotator or "", edited dict or None, note)``,
    ``autoMergeRequested(mode, min K or 0)``, ``exampleRequested(doc, unit key)``,
    ``nextRequested(backwards)`` and ``noteEdited(doc, unit key, note)``; the review controller
    runs the core actions and calls :meth:`show_document` / :meth:`set_queue` again."""

    decisionRequested = Signal(str, str, str, str, object, str)
    autoMergeRequested = Signal(str, int)
    exampleRequested = Signal(str, str)
    nextRequested = Signal(bool)
    noteEdited = Signal(str, str, str)
    editRequested = Signal(str, str, str)            # doc, unit key, picked annotator ("" none)
    undoRequested = Signal(bool)                     # redo: Ctrl+Shift+Z
    reactivated = Signal()                           # the window became active again: read the review again
    documentChosen = Signal(str)

    def __init__(self, actor_name: Callable[[str | None], str], parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("reviewWindow")
        self.setWindowTitle("Review")
        self.actor_name = actor_name
        self.doc_id: str | None = None
        self.rd = None
        self._note_key: str | None = None        # the unit the note field was filled for
        self._reject_armed: str | None = None    # R pressed once on this unit: R again rejects

        # --- top: overall progress and auto-merge
        self.overall = QProgressBar(self)
        self.overall.setObjectName("reviewOverall")
        self.overall.setFormat("%v of %m units decided")
        self.mode = QComboBox(self)
        self.mode.setObjectName("autoMergeMode")
        self.mode.addItem("unanimous", "unanimous")
        self.mode.addItem("majority", "majority")
        self.min_k = QSpinBox(self)
        self.min_k.setRange(2, 99)          # one annotator is no majority (issue 19)
        self.min_k.setPrefix("min K ")
        self.min_k.setToolTip("majority: a version held by more than half of the document's annotators, and by "
                              "at least K of them (K ≥ 2); a tie is never decided")
        merge = QPushButton("Auto-merge", self)
        merge.setObjectName("autoMerge")
        merge.setToolTip("put every unanimous (or majority) unit into gold in one action; never overwrites a decision")
        merge.clicked.connect(lambda: self.autoMergeRequested.emit(
            self.mode.currentData(), self.min_k.value() if self.mode.currentData() == "majority" else 0))
        self.min_k.setEnabled(False)          # K is majority's
        self.mode.currentIndexChanged.connect(lambda _i: self.min_k.setEnabled(self.mode.currentData() == "majority"))
        top = QHBoxLayout()
        top.addWidget(self.overall, 1)
        top.addWidget(QLabel("Auto-merge:", self))
        top.addWidget(self.mode)
        top.addWidget(self.min_k)
        top.addWidget(merge)

        # --- left: the queue
        self.queue_model = QueueModel(self)
        self.queue = QTableView(self)
        self.queue.setObjectName("reviewQueue")
        self.queue.setModel(self.queue_model)
        self.queue.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.queue.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.queue.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.queue.verticalHeader().hide()
        qh = self.queue.horizontalHeader()
        qh.setStretchLastSection(False)
        qh.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)       # the title takes what is left
        for c in (1, 2):
            qh.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        self.queue.clicked.connect(lambda i: self.documentChosen.emit(i.data(DocRole)))

        # --- right: the review area (keys act here only)
        self.area = QWidget(self)
        self.area.setObjectName("reviewArea")
        self.legend = QLabel(self.area)
        self.legend.setObjectName("reviewLegend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)   # annotator names only, escaped
        self.view = ArticleView(self.area)
        self.view.setObjectName("reviewText")
        self.units_model = UnitsModel(self)
        self.units = QTableView(self.area)
        self.units.setObjectName("reviewUnits")
        self.units.setModel(self.units_model)
        self.units.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.units.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.units.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.units.verticalHeader().hide()
        self.units.horizontalHeader().setStretchLastSection(True)
        self.units.selectionModel().currentRowChanged.connect(self._on_current_unit)
        self.units.setWordWrap(True)
        self.units.installEventFilter(self)
        split = QSplitter(Qt.Orientation.Vertical, self.area)
        split.addWidget(self.view)
        split.addWidget(self.units)
        split.setSizes([290, 320])
        al = QVBoxLayout(self.area)
        al.setContentsMargins(0, 0, 0, 0)
        al.addWidget(self.legend)
        al.addWidget(split, 1)

        self.note = QLineEdit(self)
        self.note.setObjectName("reviewNote")
        self.note.setPlaceholderText("note on this unit (saved with the decision, or on Enter once decided)")
        self.note.returnPressed.connect(self._on_note_entered)
        self.note.textEdited.connect(lambda _t: setattr(self, "_reject_armed", None))
        self.hint = QLabel("Enter accept · E accept with the selected boundary · Ctrl+E edit, then accept · "
                           "R R reject all · 1–9 pick a version · N / Shift+N next / previous disagreement · "
                           "G add to guidelines · Ctrl+Z / Ctrl+Shift+Z undo / redo a decision", self)
        self.hint.setWordWrap(True)
        self.hint.setObjectName("reviewKeys")
        self.status = QLabel(self)
        self.status.setObjectName("reviewStatus")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        right = QWidget(self)
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.area, 1)
        rl.addWidget(self.note)
        rl.addWidget(self.hint)
        rl.addWidget(self.status)
        main = QSplitter(Qt.Orientation.Horizontal, self)
        main.addWidget(self.queue)
        main.addWidget(right)
        main.setSizes([290, 990])
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(main, 1)
        self._build_keys()
        self.resize(1300, 820)

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        # an undo in the main window, or work there, may have changed what is decided
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow() and self.doc_id is not None:
            self.reactivated.emit()
        super().changeEvent(event)

    # ------------------------------------------------------------------ keys
    def _key(self, keys: list[str], slot) -> QAction:
        a = QAction(self.area)
        a.setShortcuts([QKeySequence(k) for k in keys])
        a.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)   # the review area only
        a.triggered.connect(lambda _c=False: self._on_key(slot))
        self.area.addAction(a)
        return a

    def _build_keys(self) -> None:
        self._key(["Return", "Enter"], self.accept_current)
        self._key(["E"], self.accept_edited)
        self._key(["Ctrl+E"], self.edit_current)
        self._key(["R"], self.reject_current)
        self._key(["N"], lambda: self.nextRequested.emit(False))
        self._key(["Shift+N"], lambda: self.nextRequested.emit(True))
        self._key(["G"], self.example_current)
        for i in range(1, 10):
            self._key([str(i)], lambda i=i: self.pick(i))
        # the whole window (the note field keeps its own Ctrl+Z for its text while it has focus)
        for keys, redo in ((["Ctrl+Z"], False), (["Ctrl+Shift+Z", "Ctrl+Y"], True)):
            a = QAction(self)
            a.setShortcuts([QKeySequence(k) for k in keys])
            a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            a.triggered.connect(lambda _c=False, r=redo: self._request_undo(r))
            self.addAction(a)

    def _on_key(self, slot) -> None:
        if slot != self.reject_current:      # any other key cancels a pending R
            self._reject_armed = None
        slot()

    def _request_undo(self, redo: bool) -> None:
        self._reject_armed = None
        self.undoRequested.emit(redo)

    # ---------------------------------------------------------------- showing
    def set_queue(self, queue) -> None:
        self.queue_model.set_rows(queue.rows)
        self.overall.setRange(0, max(queue.units, 1))
        self.overall.setValue(queue.decided)
        self.overall.setFormat(f"{queue.decided} of {queue.units} units decided · "
                               f"{queue.open_disagreements} open disagreements")
        if self.doc_id is not None:
            row = self.queue_model.row_of(self.doc_id)
            if row >= 0:
                self.queue.selectRow(row)

    def set_counting(self, documents: int) -> None:
        """The queue is being counted (a job): no rows yet, a busy bar and what it waits for."""
        self.queue_model.set_rows([])
        self.overall.setRange(0, 0)
        self.overall.setFormat("")
        self.status.setText(f"counting the units and disagreements of {documents:,} documents (once; the status "
                            "bar shows progress and Cancel)…")

    def show_document(self, rd, text: str, unit_key: str | None = None) -> None:
        """Show *rd* (a ``ReviewDoc``) over *text*, with *unit_key* (or the first open unit) current."""
        keep = unit_key or self.current_key()
        same_doc = self.doc_id == rd.doc
        self.doc_id, self.rd = rd.doc, rd
        colours = {a: ANNOTATOR_COLOURS[i % len(ANNOTATOR_COLOURS)] for i, a in enumerate(rd.coders)}
        styles = []
        for u in rd.units:
            for a, v in u.versions.items():
                start, end = v.get("start"), v.get("end")
                if start is None or end is None or end <= start:
                    continue
                styles.append(SpanStyle(f"{u.key}|{a}", start, end, f"{a}: {u.label}", colours[a], "annotation",
                                        f"{a}: {u.label} ({u.state})"))
        if same_doc:
            self.view.set_spans(styles)
        else:
            self.view.set_document(text, styles)
        self.legend.setText("Marks: " + " ".join(
            f'<span style="background:{c}; color:#000">&nbsp;{i + 1} {_esc(a)}&nbsp;</span>'
            for i, (a, c) in enumerate(colours.items())))
        self.units_model.set_doc(rd, text, self.actor_name)
        self.units.resizeColumnsToContents()
        self._content_widths = [self.units.columnWidth(c) for c in range(self.units_model.columnCount())]
        self._fit_columns()
        row = self.units_model.row_of(keep) if keep else -1
        if row < 0:
            row = next((i for i, u in enumerate(self.units_model.units) if not u.decided and u.state != "agree"), 0)
        if self.units_model.rowCount():
            self.units.setCurrentIndex(self.units_model.index(row, 0))
            self._on_current_unit(self.units_model.index(row, 0))
        self.setWindowTitle(f"Review — {rd.doc}")

    def _fit_columns(self) -> None:
        """Every annotator's column in view: the fixed columns capped, the annotators sharing what
        is left of the table's width (their versions wrap), the note taking the rest."""
        widths = getattr(self, "_content_widths", None)
        if not widths or len(widths) != self.units_model.columnCount():
            return
        n_fixed, n_coders = len(UnitsModel.FIXED), len(self.units_model.coders)
        caps = {0: 90, 1: 60, 2: 80, 3: 150, 4: 110}
        fixed = [min(widths[c], caps.get(c, 200)) for c in range(n_fixed)]
        decision = min(widths[n_fixed + n_coders], 170) if len(widths) > n_fixed + n_coders else 0
        left = self.units.viewport().width() - sum(fixed) - decision - 40
        each = max(120, min(260, left // max(n_coders, 1)))
        for c, w in enumerate(fixed):
            self.units.setColumnWidth(c, w)
        for c in range(n_fixed, n_fixed + n_coders):
            self.units.setColumnWidth(c, each)
        if decision:
            self.units.setColumnWidth(n_fixed + n_coders, decision)
        self.units.resizeRowsToContents()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt override)
        if obj is self.units and event.type() == QEvent.Type.Resize:
            self._fit_columns()
        return super().eventFilter(obj, event)

    def current_unit(self):
        idx = self.units.currentIndex()
        return self.units_model.units[idx.row()] if idx.isValid() and idx.row() < len(self.units_model.units) else None

    def current_key(self) -> str | None:
        u = self.current_unit()
        return u.key if u is not None else None

    def _on_current_unit(self, index: QModelIndex, _prev: QModelIndex | None = None) -> None:
        u = self.units_model.units[index.row()] if index.isValid() else None
        if u is None:
            return
        if u.key != self._reject_armed:
            self._reject_armed = None
        if u.key != self._note_key:      # another unit: its saved note (a note being typed stays)
            self._note_key = u.key
            self.note.setText((u.decision or {}).get("note") or "")
        picked = self.units_model.picked.get(u.key)
        first = picked if picked in u.versions else next(iter(u.versions), None)
        if first is not None:
            sid = f"{u.key}|{first}"
            try:
                self.view.select_span(sid)
            except KeyError:
                if u.end > u.start:
                    self.view.scroll_to(u.start)
        self.status.setText(f"{u.kind} {u.label}: {u.state}" + (f" — differs in {', '.join(u.differs())}"
                                                                 if u.differs() else "")
                            + (f" — not marked by {', '.join(u.missing)}" if u.missing else ""))
        if self._reject_armed == u.key:      # shown again (e.g. the window reactivated): still asking
            self._ask_reject(u)

    # --------------------------------------------------------------- actions
    def pick(self, n: int) -> None:
        """1–9: pick annotator *n*'s version of the current unit (Enter then accepts it)."""
        u = self.current_unit()
        if u is None or not 1 <= n <= len(self.units_model.coders):
            return
        who = self.units_model.coders[n - 1]
        if who not in u.versions:
            self.status.setText(f"{who} has no version of this unit (R rejects every version)")
            return
        self.units_model.picked[u.key] = who
        row = self.units.currentIndex().row()
        self.units_model.dataChanged.emit(self.units_model.index(row, 0),
                                          self.units_model.index(row, self.units_model.columnCount() - 1))
        self._on_current_unit(self.units.currentIndex())
        self.status.setText(f"picked {who}'s version: Enter accepts it")

    def _ask_reject(self, u) -> None:
        self.status.setText(f"reject every version ({len(u.versions)}) of this {u.kind} {u.label}? R again "
                            "rejects; any other key keeps them".replace("  ", " "))

    def accept_current(self) -> None:
        u = self.current_unit()
        if u is not None:
            self.decisionRequested.emit(self.doc_id, u.key, "accepted", self.units_model.picked.get(u.key, ""), None,
                                        self.note.text())

    def accept_edited(self) -> None:
        """E: accept with the boundary edited to the text selected in the merged view."""
        u = self.current_unit()
        rng = self.view.selected_range()
        if u is None or u.kind != "span" or rng is None:
            self.status.setText("E: select the right boundary in the text first (a span unit), then press E")
            return
        self.decisionRequested.emit(self.doc_id, u.key, "accepted", self.units_model.picked.get(u.key, ""),
                                    {"start": rng[0], "end": rng[1]}, self.note.text())

    def edit_current(self) -> None:
        u = self.current_unit()
        if u is not None:
            self.editRequested.emit(self.doc_id, u.key, self.units_model.picked.get(u.key, ""))

    def reject_current(self) -> None:
        """R asks (in the status line, non-modal); R again on the same unit rejects every version."""
        u = self.current_unit()
        if u is None:
            return
        if self._reject_armed != u.key:
            self._reject_armed = u.key
            self._ask_reject(u)
            return
        self._reject_armed = None
        self.decisionRequested.emit(self.doc_id, u.key, "rejected", "", None, self.note.text())


    def example_current(self) -> None:
        u = self.current_unit()
        if u is not None:
            self.exampleRequested.emit(self.doc_id, u.key)

    def _on_note_entered(self) -> None:
        u = self.current_unit()
        if u is not None and u.decided:
            self.noteEdited.emit(self.doc_id, u.key, self.note.text())
        self.units.setFocus()


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
