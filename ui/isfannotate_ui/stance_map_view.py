"""The stance map window (View → Stance Map, Ctrl+M): who stands where on what, and the evidence.

A matrix of holders × targets for a scope (layer: gold, an annotator, or all side by side;
all documents, the shown one, or those selected in the list; actor type, outlet and date
filters), sorted by count or name, colour-coded with the core's Okabe–Ito palette, mixed
cells hatched and marked. Arrow keys move between cells; the current cell's evidence lists
below (holder, polarity, conditions, document title and date, the sentence) beside the
holder × target timeline. Clicking an evidence item, or Enter, emits
``evidenceOpened(document id, layer, start, end, span id)``: the window opens the document in
that layer with the span selected (read-only where it is not one's own). The Network tab
draws the same scope with ``stancemap.render.draw_network``; Export writes CSV, PNG or SVG.

The window reads through the main window's one project (``project_reader()``, never a second
connection). UI thread only; offsets are code points.
"""
from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QModelIndex, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QPushButton, QScrollArea, QSplitter, QTableView, QTabWidget, QVBoxLayout, QWidget)

from isfannotate.stancemap import ALL, MIXED, Evidence, Scope, StanceMap, build_map, evidence, timeline
from isfannotate.stancemap.render import POLARITY_COLOURS, colour, draw_matrix, draw_network, write_csv

from .stance_map_models import CellRole, EvidenceModel, EvidenceRole, MatrixCellDelegate, StanceMatrixModel

EXPORT_FILTER = "CSV matrix (*.csv);;Matrix picture (*.png *.svg);;Network picture (*.png *.svg)"


class _Matrix(QTableView):
    """The matrix; Enter opens the current cell's first evidence item."""
    enterPressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.enterPressed.emit()
            return
        super().keyPressEvent(event)


class TimelineStrip(QWidget):
    """One holder's stances on one target in date order: a dot per stance, coloured by polarity."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stanceTimeline")
        self.items: list[Evidence] = []
        self.title = ""
        self.setMinimumHeight(110)

    def set_items(self, items: list[Evidence], title: str) -> None:
        self.items, self.title = list(items), title
        self.setToolTip("\n".join(f"{e.date or 'undated'}  {e.polarity}  {e.title}" for e in self.items))
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt override)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("#ffffff"))
        p.setPen(QColor("#333333"))
        p.drawText(QRectF(8, 4, self.width() - 16, 36), Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap,
                   self.title or "Over time: choose a cell")
        if not self.items:
            return
        y, left, right = 60.0, 60.0, self.width() - 60.0
        p.setPen(QPen(QColor("#999999"), 1))
        p.drawLine(QPointF(left, y), QPointF(right, y))
        n = len(self.items)
        step = (right - left) / max(1, n - 1)
        for i, e in enumerate(self.items):
            x = left + i * step if n > 1 else (left + right) / 2
            p.setPen(QPen(QColor("#333333"), 1))
            p.setBrush(QColor(colour(e.polarity)))
            p.drawEllipse(QPointF(x, y), 7, 7)
            p.drawText(QRectF(x - 60, y + 10, 120, 16), Qt.AlignmentFlag.AlignHCenter, e.date or "undated")
            p.drawText(QRectF(x - 60, y + 25, 120, 16), Qt.AlignmentFlag.AlignHCenter, e.polarity)


def legend(parent: QWidget) -> QWidget:
    """Swatches for the polarities and the hatched mixed cell."""
    box = QWidget(parent)
    box.setObjectName("stanceLegend")
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    for pol, hexc in POLARITY_COLOURS.items():
        pm = QPixmap(16, 16)
        pm.fill(QColor("#ffffff"))
        painter = QPainter(pm)
        brush = QBrush(QColor(hexc))
        if pol == MIXED:
            brush.setStyle(Qt.BrushStyle.BDiagPattern)
        painter.fillRect(0, 0, 16, 16, brush)
        painter.setPen(QColor("#555555"))
        painter.drawRect(0, 0, 15, 15)
        painter.end()
        sw = QLabel(box)
        sw.setPixmap(pm)
        row.addWidget(sw)
        row.addWidget(QLabel("◆ mixed (polarities differ)" if pol == MIXED else pol, box))
        row.addSpacing(8)
    row.addStretch(1)
    return box


class StanceMapWindow(QWidget):
    """The stance map; a top-level window that the main window keeps (one per main window)."""

    evidenceOpened = Signal(str, str, int, int, str)   # document id, layer, start, end, span id ("" none)

    def __init__(self, project_reader: Callable[[], object], documents: Callable[[str], list[str] | None],
                 parent: QWidget | None = None) -> None:
        """*project_reader*: returns the window's open Project; *documents(kind)*: the document
        ids for 'current' or 'selected' (None: all)."""
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("stanceMapWindow")
        self.setWindowTitle("Stance map")
        self._project = project_reader
        self._documents = documents
        self.smap: StanceMap | None = None
        self.scope = Scope()
        self._network: QPixmap | None = None

        self.layer = QComboBox(self)
        self.layer.setObjectName("mapLayer")
        self.docs = QComboBox(self)
        self.docs.setObjectName("mapDocuments")
        for text, kind in [("all documents", "all"), ("the shown document", "current"),
                           ("documents selected in the list", "selected")]:
            self.docs.addItem(text, kind)
        self.sort = QComboBox(self)
        self.sort.setObjectName("mapSort")
        self.sort.addItem("sort by count", "count")
        self.sort.addItem("sort by name", "name")
        self.actor_type = QComboBox(self)
        self.actor_type.setObjectName("mapActorType")
        self.outlet = QComboBox(self)
        self.outlet.setObjectName("mapOutlet")
        self.date_from = QLineEdit(self)
        self.date_from.setPlaceholderText("from (2025-12)")
        self.date_to = QLineEdit(self)
        self.date_to.setPlaceholderText("to")
        for w in (self.date_from, self.date_to):
            w.setMaximumWidth(110)
        export = QPushButton("Export…", self)
        export.setObjectName("mapExport")
        export.clicked.connect(self.export_dialog)
        top = QHBoxLayout()
        for text, w in [("Layer", self.layer), ("Documents", self.docs), ("", self.sort),
                        ("Actor type", self.actor_type), ("Outlet", self.outlet), ("Dates", self.date_from),
                        ("–", self.date_to)]:
            if text:
                top.addWidget(QLabel(text, self))
            top.addWidget(w)
        top.addStretch(1)
        top.addWidget(export)

        self.model = StanceMatrixModel(self)
        self.table = _Matrix(self)
        self.table.setObjectName("stanceMatrix")
        self.table.setModel(self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setDefaultSectionSize(150)
        self.table.verticalHeader().setDefaultSectionSize(44)
        self.table.horizontalHeader().setMinimumHeight(58)
        self.table.setItemDelegate(MatrixCellDelegate(self.table))
        self.summary = QLabel(self)
        self.summary.setObjectName("mapSummary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)

        self.ev_model = EvidenceModel(self)
        self.evidence_view = QTableView(self)
        self.evidence_view.setObjectName("evidenceList")
        self.evidence_view.setModel(self.ev_model)
        self.evidence_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.evidence_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.evidence_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.evidence_view.setWordWrap(True)
        self.evidence_view.horizontalHeader().setStretchLastSection(True)
        self.evidence_view.verticalHeader().hide()
        self.timeline = TimelineStrip(self)

        matrix_page = QWidget(self)
        ml = QVBoxLayout(matrix_page)
        ml.setContentsMargins(0, 0, 0, 0)
        ml.addWidget(self.table, 1)
        ml.addWidget(legend(matrix_page))
        ml.addWidget(self.summary)
        self.network = QLabel(self)
        self.network.setObjectName("stanceNetwork")
        self.network.setAlignment(Qt.AlignmentFlag.AlignCenter)
        net_scroll = QScrollArea(self)
        net_scroll.setWidget(self.network)
        net_scroll.setWidgetResizable(True)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(matrix_page, "Matrix")
        self.tabs.addTab(net_scroll, "Network")
        lower = QSplitter(Qt.Orientation.Horizontal, self)
        lower.addWidget(self.evidence_view)
        lower.addWidget(self.timeline)
        lower.setSizes([820, 300])
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.tabs)
        split.addWidget(lower)
        split.setSizes([420, 260])
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(split, 1)

        self.table.selectionModel().currentChanged.connect(self._on_current_cell)
        self.table.clicked.connect(self._on_current_cell)
        self.table.enterPressed.connect(self.open_first_evidence)
        self.evidence_view.clicked.connect(self._on_evidence_activated)
        self.evidence_view.activated.connect(self._on_evidence_activated)
        self.tabs.currentChanged.connect(lambda _i: self._draw_network_if_shown())
        for combo in (self.layer, self.docs, self.actor_type, self.outlet):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.sort.currentIndexChanged.connect(lambda _i: self._show_map())
        for w in (self.date_from, self.date_to):
            w.editingFinished.connect(self.refresh)
        self.resize(1150, 760)

    # ------------------------------------------------------------ scope
    def load_choices(self) -> None:
        """Fill the layer, actor type and outlet choices from the project (keeps current picks)."""
        p = self._project()
        with p.read_snapshot() as conn:   # the outlets only: never every document's text
            outlets = [r[0] for r in conn.execute(
                "SELECT DISTINCT json_extract(meta, '$.outlet') AS o FROM documents WHERE o IS NOT NULL ORDER BY o")]
        for combo, items in [
            (self.layer, [("gold", "gold"), ("all annotators side by side", ALL)] + [(L, L) for L in p.layers()]),
            (self.actor_type, [("any", None)] + [(t.replace("_", " "), t) for t in p.scheme.actor_types]),
            (self.outlet, [("any", None)] + [(str(o), o) for o in outlets]),
        ]:
            keep = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            for text, data in items:
                combo.addItem(text, data)
            i = combo.findData(keep)
            combo.setCurrentIndex(i if i >= 0 else 0)
            combo.blockSignals(False)

    def set_layer(self, layer: str) -> None:
        i = self.layer.findData(layer)
        if i < 0:
            self.layer.addItem(layer, layer)
            i = self.layer.count() - 1
        self.layer.setCurrentIndex(i)

    def current_scope(self) -> Scope:
        docs = self._documents(self.docs.currentData())
        at = self.actor_type.currentData()
        out = self.outlet.currentData()
        return Scope(layer=self.layer.currentData() or "gold", documents=docs, actor_types=[at] if at else None,
                     outlets=[out] if out else None, date_from=self.date_from.text().strip() or None,
                     date_to=self.date_to.text().strip() or None)

    def refresh(self) -> None:
        """Build the map for the chosen scope (a read through the window's project)."""
        self.scope = self.current_scope()
        try:
            self.smap = build_map(self._project(), self.scope)
        except Exception as e:  # noqa: BLE001 (IsfError: busy, no layer; shown, never raised)
            self.smap = None
            self.summary.setText(f"⚠ {e}")
            self.model.set_map(None)
            return
        self._network = None
        self._show_map()
        self._draw_network_if_shown()

    def _show_map(self) -> None:
        self.model.set_map(self.smap, self.sort.currentData())
        self.ev_model.set_items([], "")
        self.timeline.set_items([], "")
        if self.smap is None:
            return
        mixed = len(self.smap.mixed_cells)
        n = sum(c.stances for c in self.smap.cells.values())
        self.summary.setText(f"{len(self.smap.holders)} holders × {len(self.smap.targets)} targets · {n} stances · "
                             f"{mixed} mixed cell{'s' if mixed != 1 else ''} · layer {self.scope.layer}"
                             + ("" if n else " — no stances in this scope (gold empty? try an annotator's layer)"))

    # ---------------------------------------------------------- evidence
    def select_cell(self, holder: str, target: str, layer: str | None = None) -> bool:
        idx = self.model.index_of(holder, target, layer)
        if not idx.isValid():
            return False
        self.table.setCurrentIndex(idx)
        self._on_current_cell(idx)
        return True

    def _on_current_cell(self, index: QModelIndex, _previous: QModelIndex | None = None) -> None:
        cell = index.data(CellRole) if index.isValid() else None
        if cell is None:
            self.ev_model.set_items([], "")
            self.timeline.set_items([], "")
            return
        holder = self.model.holders[index.row()]
        target, layer = self.model.columns[index.column()]
        scope = Scope(**{**self.scope.__dict__, "layer": layer})
        p = self._project()
        try:
            items = evidence(p, cell.holder, cell.target, scope)
            over_time = timeline(p, cell.holder, cell.target, scope)
        except Exception as e:  # noqa: BLE001 (busy: said, not raised)
            self.summary.setText(f"⚠ {e}")
            return
        self.ev_model.set_items(items, holder.name)
        for col, width in enumerate((80, 190, 100, 105, 170, 70)):
            self.evidence_view.setColumnWidth(col, width)
        self.evidence_view.resizeRowsToContents()
        self.timeline.set_items(over_time, f"Over time: {holder.name} → {target.name} ({cell.label()})")

    def open_first_evidence(self) -> None:
        if self.ev_model.rowCount() == 0:
            self._on_current_cell(self.table.currentIndex())
        if self.ev_model.rowCount():
            self.evidence_view.setCurrentIndex(self.ev_model.index(0, 0))
            self._on_evidence_activated(self.ev_model.index(0, 0))

    def _on_evidence_activated(self, index: QModelIndex) -> None:
        e = index.data(EvidenceRole) if index.isValid() else None
        if e is None:
            return
        start = -1 if e.start is None else e.start
        end = -1 if e.end is None else e.end
        self.evidenceOpened.emit(e.document_id, e.layer, start, end, e.span_id or "")

    # ------------------------------------------------------ network, export
    def _draw_network_if_shown(self) -> None:
        if self.tabs.currentIndex() != 1 or self.smap is None:
            return
        if self._network is None:
            with tempfile.TemporaryDirectory(prefix="isf-stancemap-") as tmp:
                path = str(Path(tmp) / "network.png")
                draw_network(self.smap, path)
                self._network = QPixmap(path)
        self.network.setPixmap(self._network)

    def export_dialog(self) -> QFileDialog:
        dlg = QFileDialog(self, "Export the stance map")
        dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dlg.setNameFilter(EXPORT_FILTER)
        dlg.filesSelected.connect(lambda paths: self.export_to(paths[0], dlg.selectedNameFilter()))
        dlg.open()
        return dlg

    def export_to(self, path: str, what: str = "") -> str:
        """Write the map: ``.csv`` the matrix; ``.png``/``.svg`` the matrix, or the network when
        *what* names it. Returns a line for the summary."""
        if self.smap is None:
            return ""
        kind = Path(path).suffix.lower()
        sort = self.sort.currentData()
        if kind == ".csv":
            write_csv(self.smap, path, sort=sort)
        elif "network" in what.lower():
            draw_network(self.smap, path)
        else:
            draw_matrix(self.smap, path, sort=sort)
        line = f"exported {path}"
        self.summary.setText(line)
        return line
