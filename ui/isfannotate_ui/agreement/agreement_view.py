"""The agreement view (Review → Agreement…): the annotator-pair matrix, per label, per document
and the coefficients together, and the disagreements behind any number.

Every figure is a clickable cell: clicking it lists the units behind its disagreements below
(each with every annotator's version side by side and the parts that differ). Clicking a
unit opens it in the document, in the layer of the annotator whose column was clicked (or
the first annotator who marked it), with that annotator's span selected: the window emits
``unitOpened(document id, layer, start, end, span id)``. The figures are the core's
``AgreementResult`` (docs/agreement.md), computed as a job by the team controller and handed
in with :meth:`AgreementWindow.set_result`. UI thread only; offsets are code points.
"""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from isfannotate.agreement.describe import describe_version

IdsRole = Qt.ItemDataRole.UserRole + 1      # a figure cell's disagreement unit ids
WhatRole = Qt.ItemDataRole.UserRole + 2     # what the figure is ("alice × bob, exact F1")


def fmt(v: float | None) -> str:
    return "—" if v is None else f"{v:.3f}"


def _tint(v: float | None) -> QColor:
    """Pale red (low) to pale green (high) behind a figure; grey when undefined."""
    if v is None:
        return QColor("#eeeeee")
    v = max(0.0, min(1.0, v))
    return QColor.fromHsvF(0.33 * v, 0.28, 1.0)


def version_text(v, text: str | None, names: dict[str, str] | None = None) -> str:
    """One annotator's version of a unit as a short line, as the reports show it: a span as its
    label, text and actor name; a claim as source → claim text; a stance as holder → target:
    polarity (names from the registry when given)."""
    if v is None:
        return "—"
    return describe_version(v, names, text)


class DisagreementModel(QAbstractTableModel):
    """Units behind a figure: unit, document, kind, state, what differs, then one column per
    annotator with their version ("—": they did not mark it)."""

    FIXED = ["Unit", "Document", "Kind", "State", "Differs"]

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.units: list = []
        self.annotators: list[str] = []
        self.texts: dict[str, str] = {}
        self.names: dict[str, str] | None = None

    def set_units(self, units: list, annotators: list[str], texts: dict[str, str],
                  names: dict[str, str] | None = None) -> None:
        self.beginResetModel()
        self.units, self.annotators, self.texts, self.names = list(units), list(annotators), texts, names
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt override)
        return 0 if parent.isValid() else len(self.units)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt override)
        return 0 if parent.isValid() else len(self.FIXED) + len(self.annotators)

    def annotator_of_column(self, column: int) -> str | None:
        i = column - len(self.FIXED)
        return self.annotators[i] if 0 <= i < len(self.annotators) else None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        u = self.units[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col < len(self.FIXED):
                return [u.id, u.doc, u.kind, u.state, ", ".join(u.differs()) or "—"][col]
            a = self.annotator_of_column(col)
            if a not in u.coders:
                return "(not theirs)"
            return version_text(u.versions.get(a), self.texts.get(u.doc), self.names)
        if role == Qt.ItemDataRole.ToolTipRole:
            a = self.annotator_of_column(col)
            who = a if a in u.versions else next(iter(u.versions), "")
            return f"Click: open {u.doc} in {who}'s layer at this unit"
        if role == Qt.ItemDataRole.BackgroundRole and col >= len(self.FIXED):
            a = self.annotator_of_column(col)
            if a in u.coders and a not in u.versions:
                return QColor("#fde2e2")
        return None

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 (Qt override)
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.FIXED[section] if section < len(self.FIXED) else self.annotator_of_column(section)
        return None


def _table(parent: QWidget, name: str, headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers), parent)
    t.setObjectName(name)
    t.setHorizontalHeaderLabels(headers)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.verticalHeader().setVisible(False)
    t.horizontalHeader().setStretchLastSection(True)
    return t


def _figure(value: float | None, ids: list[str], what: str, text: str | None = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text if text is not None else fmt(value))
    item.setData(IdsRole, list(ids))
    item.setData(WhatRole, what)
    item.setBackground(_tint(value))
    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
    item.setToolTip(f"{what}: {len(ids)} disagreement{'s' if len(ids) != 1 else ''} behind it — click to list them")
    return item


class AgreementWindow(QWidget):
    unitOpened = Signal(str, str, int, int, str)     # document id, layer, start, end, span id ("" none)
    refreshRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("agreementWindow")
        self.setWindowTitle("Agreement")
        self.result = None
        self.texts: dict[str, str] = {}
        self.mode = QComboBox(self)
        self.mode.setObjectName("agreementMode")
        self.mode.addItem("exact match (label, start, end)", "exact")
        self.mode.addItem("overlap match", "overlap")
        self.mode.currentIndexChanged.connect(lambda _i: self._fill())
        again = QPushButton("Measure again", self)
        again.clicked.connect(self.refreshRequested.emit)
        self.status = QLabel("", self)
        self.status.setObjectName("agreementStatus")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        top = QHBoxLayout()
        top.addWidget(QLabel("Span F1:", self))
        top.addWidget(self.mode)
        top.addWidget(again)
        top.addWidget(self.status, 1)

        self.pairs = _table(self, "agreementPairs", [])
        self.labels = _table(self, "agreementLabels", ["Label", "F1 mean", "± SD", "pairs", "αU"])
        self.documents = _table(self, "agreementDocuments", ["Document", "F1 mean", "coders"])
        self.facets = _table(self, "agreementFacets", ["Compared", "Cohen κ (mean)", "Fleiss κ", "Krippendorff α",
                                                       "Gwet AC1", "units", "incomplete"])
        grid = QGridLayout()
        self.boxes: list[QGroupBox] = []
        for i, w in enumerate([self.pairs, self.labels, self.documents]):
            box = QGroupBox(self)
            QVBoxLayout(box).addWidget(w)
            grid.addWidget(box, 0, i)
            self.boxes.append(box)
        self._titles("exact")
        box = QGroupBox("Labels, links, claim sources and stances on matched units (aligned by overlap; "
                        "incomplete units counted beside each figure)", self)
        QVBoxLayout(box).addWidget(self.facets)
        grid.addWidget(box, 1, 0, 1, 3)
        figures = QWidget(self)
        figures.setLayout(grid)

        self.list_title = QLabel("Click a number to list the disagreements behind it.", self)
        self.list_title.setObjectName("disagreementTitle")
        self.list_title.setTextFormat(Qt.TextFormat.PlainText)
        self.dis_model = DisagreementModel(self)
        self.dis_view = QTableView(self)
        self.dis_view.setObjectName("disagreementList")
        self.dis_view.setModel(self.dis_model)
        self.dis_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.dis_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.dis_view.verticalHeader().hide()
        self.dis_view.horizontalHeader().setStretchLastSection(True)
        lower = QWidget(self)
        ll = QVBoxLayout(lower)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.list_title)
        ll.addWidget(self.dis_view, 1)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(figures)
        split.addWidget(lower)
        split.setSizes([430, 300])
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(split, 1)
        for t in (self.pairs, self.labels, self.documents, self.facets):
            t.cellClicked.connect(lambda r, c, t=t: self.list_figure(t.item(r, c)))
        self.dis_view.clicked.connect(self._on_unit_clicked)
        self.dis_view.activated.connect(self._on_unit_clicked)
        self.resize(1200, 780)

    def _titles(self, mode: str) -> None:
        """Every table says its match mode (and αU, which has none, says what it is)."""
        for box, title in zip(self.boxes, (f"Annotator pairs ({mode}-match F1, all labels)",
                                           f"Per label ({mode}-match F1; αU: unitizing α)",
                                           f"Per document ({mode}-match F1)"), strict=True):
            box.setTitle(title)

    # ------------------------------------------------------------- result
    def set_busy(self) -> None:
        self.status.setText("measuring…")

    def show_error(self, message: str) -> None:
        self.status.setText(f"⚠ {message}")

    def set_result(self, outcome) -> None:
        """*outcome*: (AgreementResult, document texts by id) from the team controller's job."""
        self.result, self.texts = outcome
        r = self.result
        alpha_u = r.unitizing.mean_sd()[0] if r.unitizing is not None else None
        self.status.setText(f"{len(r.annotators)} annotators ({', '.join(r.annotators)}), "
                            f"{len(r.documents)} documents, {len(r.units)} units; αU (all labels) {fmt(alpha_u)}")
        self._fill()

    def _fill(self) -> None:
        r = self.result
        if r is None:
            return
        f1 = r.span_f1[self.mode.currentData()]
        self._titles(f1.mode)
        names = r.annotators
        unitizing = r.unitizing
        self.pairs.clear()
        self.pairs.setRowCount(len(names))
        self.pairs.setColumnCount(len(names))
        self.pairs.setHorizontalHeaderLabels(names)
        self.pairs.setVerticalHeaderLabels(names)
        self.pairs.verticalHeader().setVisible(True)
        by_pair = {(p.a, p.b): p for p in f1.total.pairs}
        for i, a in enumerate(names):
            for j, b in enumerate(names):
                p = by_pair.get((a, b)) or by_pair.get((b, a))
                if i == j or p is None:
                    item = QTableWidgetItem("—" if i == j else "no shared documents")
                    item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                else:
                    item = _figure(p.f1, p.disagreements, f"{a} × {b}, {f1.mode} F1")
                    item.setToolTip(f"{a} × {b}: F1 {fmt(p.f1)} ({p.matched} matched of {p.n_a} and {p.n_b}, "
                                    f"{p.documents} shared documents) — click for the disagreements")
                self.pairs.setItem(i, j, item)
        self.pairs.resizeColumnsToContents()
        self._rows(self.labels, [[(lab, None, None), (s.mean, s.disagreements, f"label {lab}, {f1.mode}-match F1"),
                                  (s.sd, None, None), (str(s.n_pairs), None, None),
                                  (unitizing.mean_sd(lab)[0] if unitizing is not None else None, None, None)]
                                 for lab, s in sorted(f1.labels.items())])
        self._rows(
            self.documents,
            [
                [
                    (doc, None, None),
                    (s.mean, s.disagreements, f"document {doc}, {f1.mode}-match F1"),
                    (", ".join(r.documents.get(doc, [])), None, None),
                ]
                for doc, s in sorted(f1.documents.items())
            ],
        )
        rows = []
        for name, fa in r.facets.items():
            ids = list(dict.fromkeys(fa.disagreements + fa.incomplete))
            rows.append([(name.replace("_", " "), None, None), (fa.cohen_mean, fa.disagreements, f"{name}: Cohen κ"),
                         (fa.fleiss.value, fa.disagreements, f"{name}: Fleiss κ"),
                         (fa.alpha.value, fa.disagreements, f"{name}: α"),
                         (fa.ac1.value, fa.disagreements, f"{name}: AC1"),
                         (str(fa.n_units), ids, f"{name}: every disagreement and incomplete unit"),
                         (str(fa.n_incomplete), fa.incomplete, f"{name}: incomplete units")])
        self._rows(self.facets, rows)

    def _rows(self, table: QTableWidget, rows: list[list[tuple]]) -> None:
        table.setRowCount(len(rows))
        for r, cells in enumerate(rows):
            for c, (value, ids, what) in enumerate(cells):
                if ids is None:
                    text = value if isinstance(value, str) else fmt(value)
                    item = QTableWidgetItem(text)
                else:
                    item = _figure(value if not isinstance(value, str) else None, ids, what,
                                   value if isinstance(value, str) else None)
                table.setItem(r, c, item)
        table.resizeColumnsToContents()

    # ------------------------------------------------------- drill-down
    def list_figure(self, item: QTableWidgetItem | None) -> int:
        """List the units behind *item*'s figure; returns how many."""
        if item is None or item.data(IdsRole) is None or self.result is None:
            return 0
        ids = item.data(IdsRole)
        units = self.result.disagreements(ids)
        self.dis_model.set_units(units, self.result.annotators, self.texts, self.result.names)
        self._fit_columns()
        self.list_title.setText(f"{item.data(WhatRole)}: {len(units)} unit{'s' if len(units) != 1 else ''} "
                                "behind it. Click a unit (in an annotator's column) to open it in their layer.")
        return len(units)

    def _fit_columns(self) -> None:
        """Columns to their contents; when that is wider than the view, the annotators' columns
        share what is left and their text wraps (rows grow) instead of running off the edge."""
        view = self.dis_view
        view.setWordWrap(True)
        view.resizeColumnsToContents()
        fixed = len(self.dis_model.FIXED)
        n = self.dis_model.columnCount()
        header = view.horizontalHeader()
        total = sum(header.sectionSize(c) for c in range(n))
        room = view.viewport().width()
        if n > fixed and total > room:
            left = room - sum(header.sectionSize(c) for c in range(fixed))
            width = max(160, left // (n - fixed))
            for c in range(fixed, n):
                header.resizeSection(c, min(header.sectionSize(c), width))
        view.resizeRowsToContents()

    def _on_unit_clicked(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        u = self.dis_model.units[index.row()]
        who = self.dis_model.annotator_of_column(index.column())
        if who not in u.versions:
            who = next((a for a in u.coders if a in u.versions), None)
        if who is None:
            return
        v = u.versions[who]
        start = getattr(v, "start", None)
        end = getattr(v, "end", None)
        span_id = getattr(v, "id", None) if hasattr(v, "label") else None
        self.unitOpened.emit(u.doc, who, -1 if start is None else start, -1 if end is None else end, span_id or "")
