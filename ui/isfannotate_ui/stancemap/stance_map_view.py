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

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from isfannotate.stancemap import (
    ALL,
    MIXED,
    Scope,
    StanceMap,
    build_map,
    describe_scope,
    display_type,
    evidence,
    timeline,
)
from isfannotate.stancemap.export import stance_rows, write_gexf, write_graphml, write_long_csv
from isfannotate.stancemap.render import POLARITY_COLOURS, draw_matrix, draw_network, write_csv

from .stance_map_models import CellRole, EvidenceModel, EvidenceRole, MatrixCellDelegate, StanceMatrixModel
from .stance_timeline import TimelineStrip

# what the Export menu offers: (kind, menu text, file dialog filter)
EXPORTS = [
    ("matrix-csv", "Matrix as CSV…", "CSV matrix (*.csv)"),
    ("long-csv", "One row per stance (long CSV)…", "Long CSV, one row per stance (*.csv)"),
    ("matrix-picture", "Matrix picture (PNG, SVG)…", "Matrix picture (*.png *.svg)"),
    ("network-picture", "Network picture (PNG, SVG)…", "Network picture (*.png *.svg)"),
    ("gexf", "Network for Gephi (GEXF)…", "GEXF network (*.gexf)"),
    ("graphml", "Network as GraphML…", "GraphML network (*.graphml)"),
]
EXPORT_FILTER = ";;".join(f for _k, _t, f in EXPORTS)
DATE_SAMPLE = "2025-11-18"     # the widest date a field must show in full


class _Matrix(QTableView):
    """The matrix; Enter opens the current cell's first evidence item."""
    enterPressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.enterPressed.emit()
            return
        super().keyPressEvent(event)


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
        self.date_from.setObjectName("mapDateFrom")
        self.date_from.setPlaceholderText("from: 2025-12")
        self.date_to = QLineEdit(self)
        self.date_to.setObjectName("mapDateTo")
        self.date_to.setPlaceholderText("to: 2025-12-31")
        for w in (self.date_from, self.date_to):     # a whole date and the placeholder, never cut
            fm = w.fontMetrics()
            w.setMinimumWidth(max(fm.horizontalAdvance(DATE_SAMPLE), fm.horizontalAdvance(w.placeholderText())) + 24)
            w.setToolTip("ISO date: 2025-12-17, or a month (2025-12) or a year (2025) meaning all of it; Enter applies")
        self.export_button = export = QPushButton("Export", self)
        export.setObjectName("mapExport")
        self.export_menu = QMenu(export)
        for kind, text, _filter in EXPORTS:
            act = self.export_menu.addAction(text)
            act.setObjectName(f"mapExport-{kind}")
            act.triggered.connect(lambda _checked=False, k=kind: self.export_dialog(k))
        export.setMenu(self.export_menu)
        top = QHBoxLayout()
        for text, w in [("Layer", self.layer), ("Documents", self.docs), ("", self.sort)]:
            if text:
                top.addWidget(QLabel(text, self))
            top.addWidget(w)
        top.addStretch(1)
        top.addWidget(export)
        filters = QHBoxLayout()
        for text, w in [("Actor type", self.actor_type), ("Outlet", self.outlet), ("Dates", self.date_from),
                        ("–", self.date_to)]:
            filters.addWidget(QLabel(text, self))
            filters.addWidget(w)
        filters.addStretch(1)

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
        self.summary.setWordWrap(True)     # a long scope wraps; it never widens the window

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
        # the sentence column stretches with the window: rows follow it, so no sentence is cut
        # (one cell's evidence: a few rows, cheap to measure)
        self.evidence_view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
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
        self.net_scroll = net_scroll = QScrollArea(self)
        net_scroll.setWidget(self.network)
        net_scroll.setWidgetResizable(True)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(matrix_page, "Matrix")
        self.tabs.addTab(net_scroll, "Network")
        lower = QSplitter(Qt.Orientation.Horizontal, self)
        lower.addWidget(self.evidence_view)
        lower.addWidget(self.timeline)
        lower.setSizes([760, 390])
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.tabs)
        split.addWidget(lower)
        split.setSizes([420, 260])
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addLayout(filters)
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
        outlets = p.outlets()   # the outlets only: never every document's text
        for combo, items in [
            (self.layer, [("gold", "gold"), ("all annotators side by side", ALL)] + [(L, L) for L in p.layers()]),
            (self.actor_type, [("any", None)] + [(display_type(t), t) for t in p.scheme.actor_types]),
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
        self._fit_columns()
        self.ev_model.set_items([], "")
        self.timeline.set_items([], "")
        if self.smap is None:
            return
        mixed = len(self.smap.mixed_cells)
        n = sum(c.stances for c in self.smap.cells.values())
        scope = describe_scope(self.scope, self.smap.layers)
        self.summary.setText(f"{len(self.smap.holders)} holders × {len(self.smap.targets)} targets · {n} stances · "
                             f"{mixed} mixed cell{'s' if mixed != 1 else ''} · {scope}"
                             + ("" if n else " — no stances in this scope (gold empty? try an annotator's layer)"))

    def _fit_columns(self) -> None:
        """Each target column as wide as its header and cells need (at least 150 px), so no
        header or cell text is clipped."""
        header = self.table.horizontalHeader()
        self.table.resizeColumnsToContents()
        for col in range(self.model.columnCount()):
            header.resizeSection(col, max(150, header.sectionSize(col) + 12))
        self.table.resizeRowsToContents()
        for row in range(self.model.rowCount()):
            self.table.setRowHeight(row, max(44, self.table.rowHeight(row)))

    def _fit_evidence_columns(self) -> None:
        """Short columns fit their contents; the document and conditions columns get a fair
        width; the evidence sentence takes the rest."""
        view = self.evidence_view
        fm = view.fontMetrics()
        for col in (0, 2, 3, 5):
            view.resizeColumnToContents(col)
        view.setColumnWidth(1, min(view.sizeHintForColumn(1), 14 * fm.horizontalAdvance("x") + 60, 170))
        view.setColumnWidth(4, min(max(fm.horizontalAdvance("Conditions") + 16, view.sizeHintForColumn(4)), 130))

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
        self._fit_evidence_columns()
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
                p = self._project()
                draw_network(self.smap, path, polarities=list(p.scheme.stance.polarities),
                             title=f"Stance network — {p.name}")
                self._network = QPixmap(path)
        self._fit_network()

    def _fit_network(self) -> None:
        """The network picture at most as wide as its tab (scaled down, never up), so its labels
        are never cut off at the window's edge."""
        if self._network is None:
            return
        room = self.net_scroll.viewport().width() - 4
        pm = self._network
        if pm.width() > room > 100:
            pm = pm.scaledToWidth(room, Qt.TransformationMode.SmoothTransformation)
        self.network.setPixmap(pm)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        if self.tabs.currentIndex() == 1:
            self._fit_network()

    def export_dialog(self, kind: str = "matrix-csv") -> QFileDialog:
        """The save dialog for one export of the Export menu (opened, never exec'd)."""
        text, filt = next((t, f) for k, t, f in EXPORTS if k == kind)
        dlg = QFileDialog(self, "Export the stance map: " + text.rstrip("…"))
        dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dlg.setNameFilter(filt)
        dlg.setDefaultSuffix(filt.split("*.")[1].split(" ")[0].rstrip(")"))
        dlg.filesSelected.connect(lambda paths: self.export_to(paths[0], kind))
        dlg.open()
        return dlg

    def export_to(self, path: str, what: str = "") -> str:
        """Write the map in the window's scope: *what* is an export kind (:data:`EXPORTS`) or a
        dialog filter naming one; without it the extension decides (``.csv`` the matrix,
        ``.png``/``.svg`` the matrix picture, ``.gexf``, ``.graphml``). Returns a line for the summary."""
        if self.smap is None:
            return ""
        kind = next((k for k, t, f in EXPORTS if what in (k, t, f)), "")
        if not kind:
            suffix = Path(path).suffix.lower()
            kind = {".csv": "matrix-csv", ".gexf": "gexf", ".graphml": "graphml"}.get(suffix, "matrix-picture")
            if "network" in what.lower() and suffix in (".png", ".svg"):
                kind = "network-picture"
        p = self._project()
        sort = self.sort.currentData()
        pols = list(p.scheme.stance.polarities)
        title = f"Stance map — {p.name}"
        try:
            if kind == "matrix-csv":
                write_csv(self.smap, path, sort=sort)
            elif kind == "long-csv":
                n = write_long_csv(stance_rows(p, self.scope), path)
                path = f"{path} ({n} stances)"
            elif kind == "network-picture":
                draw_network(self.smap, path, polarities=pols, title=title)
            elif kind == "gexf":
                write_gexf(self.smap, path, pols)
            elif kind == "graphml":
                write_graphml(self.smap, path, pols)
            else:
                draw_matrix(self.smap, path, sort=sort, polarities=pols, title=title)
        except Exception as e:  # noqa: BLE001 (a full disk or a busy project: said, not raised)
            line = f"⚠ export failed: {e}"
        else:
            line = f"exported {path}"
        self.summary.setText(line)
        return line
