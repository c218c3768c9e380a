"""The document list: every document with its status for the current annotator, a filter and a search.

A plain list model over (id, title) tuples, so 100,000 documents open and scroll at once.
"""
from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QItemSelectionModel, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QListView, QVBoxLayout, QWidget

from ..row_painter import RowLook, RowPainter
from ..scroll_bar_cache import cache_scroll_bars

STATUS_MARK = {"new": "○", "in_progress": "◐", "done": "✓"}
STATUS_TEXT = {"new": "new", "in_progress": "in progress", "done": "done"}
StatusRole = Qt.ItemDataRole.UserRole + 1
IdRole = Qt.ItemDataRole.UserRole + 2


class DocumentListModel(QAbstractListModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, str]] = []
        self._row_of: dict[str, int] = {}
        self._status: dict[str, str] = {}
        self._current: str | None = None
        self._groups: dict[str, str] = {}

    def reset(self, rows: list[tuple[str, str]], statuses: dict[str, str], groups: dict[str, str]) -> None:
        self.beginResetModel()
        self._rows = rows
        self._row_of = {doc_id: i for i, (doc_id, _) in enumerate(rows)}
        self._status = dict(statuses)
        self._groups = groups
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt override)
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        doc_id, title = self._rows[index.row()]
        status = self._status.get(doc_id, "new")
        if role == Qt.ItemDataRole.DisplayRole:
            mark = STATUS_MARK[status]
            short = title if len(title) <= 60 else title[:59] + "…"
            group = f"  ≈{self._groups[doc_id]}" if doc_id in self._groups else ""  # near-duplicate group
            return f"{mark} {short}\n    {doc_id}{group}"
        if role == Qt.ItemDataRole.ToolTipRole:
            extra = f"\nnear-duplicate group {self._groups[doc_id]}" if doc_id in self._groups else ""
            return f"{doc_id}: {title[:200]}\nstatus: {STATUS_TEXT[status]}{extra}"
        if role == Qt.ItemDataRole.FontRole and doc_id == self._current:
            font = QFont()
            font.setBold(True)
            return font
        if role == StatusRole:
            return status
        if role == IdRole:
            return doc_id
        return None

    def look(self, row: int) -> RowLook:
        """What the list's ``RowPainter`` draws for *row*: its two lines, bold for the shown document."""
        first, second = self.data(self.index(row), Qt.ItemDataRole.DisplayRole).split("\n", 1)
        return (first, second), None, self._rows[row][0] == self._current

    def row_of(self, doc_id: str) -> int:
        return self._row_of.get(doc_id, -1)

    def doc_id(self, row: int) -> str:
        return self._rows[row][0]

    def status(self, doc_id: str) -> str:
        """The current annotator's status of *doc_id* as the list shows it (new when unknown)."""
        return self._status.get(doc_id, "new")

    def set_status(self, doc_id: str, status: str) -> None:
        self._status[doc_id] = status
        self._changed(doc_id)

    def set_current(self, doc_id: str | None) -> None:
        old, self._current = self._current, doc_id
        for d in (old, doc_id):
            if d is not None:
                self._changed(d)

    def _changed(self, doc_id: str) -> None:
        row = self._row_of.get(doc_id, -1)
        if row >= 0:
            idx = self.index(row)
            self.dataChanged.emit(idx, idx)


class _Filter(QSortFilterProxyModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.status: str | None = None
        self.needle = ""
        self.rank: dict[str, float] | None = None     # doc id -> order key, highest first (None: as stored)

    def lessThan(self, a: QModelIndex, b: QModelIndex) -> bool:  # noqa: N802 (Qt override)
        if self.rank is None:
            return a.row() < b.row()
        ra, rb = self.rank.get(a.data(IdRole), -1.0), self.rank.get(b.data(IdRole), -1.0)
        return (-ra, a.row()) < (-rb, b.row())

    def set(self, status: str | None, needle: str) -> None:
        self.status, self.needle = status, needle.casefold()
        self.invalidate()

    def filterAcceptsRow(self, row: int, parent: QModelIndex) -> bool:  # noqa: N802 (Qt override)
        if self.status is None and not self.needle:
            return True
        idx = self.sourceModel().index(row, 0, parent)
        if self.status is not None and idx.data(StatusRole) != self.status:
            return False
        return not self.needle or self.needle in (idx.data(Qt.ItemDataRole.DisplayRole) or "").casefold()


class DocumentPane(QWidget):
    """Search box, status filter and the list (objectName ``documentList``)."""

    documentActivated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = DocumentListModel(self)
        self.proxy = _Filter(self)
        self.proxy.setSourceModel(self.model)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search documents")
        self.search.setClearButtonEnabled(True)
        self.filter = QComboBox(self)
        for text, value in [("all documents", None), ("new", "new"), ("in progress", "in_progress"), ("done", "done")]:
            self.filter.addItem(f"filter: {text}", value)
        self.view = QListView(self)
        self.view.setObjectName("documentList")
        self.view.setModel(self.proxy)
        self.view.setUniformItemSizes(True)
        # a title longer than the pane ends in "…" (the tooltip has it whole), never behind a scrollbar
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        # rows drawn from the model's look, not by the style (row_painter.py)
        self.view.setItemDelegate(RowPainter(lambda ix: self.model.look(self.proxy.mapToSource(ix).row()), self.view))
        cache_scroll_bars(self.view)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 0, 4)
        lay.addWidget(self.search)
        lay.addWidget(self.view, 1)
        lay.addWidget(self.filter)
        self.search.textChanged.connect(self._on_filter_changed)
        self.filter.currentIndexChanged.connect(self._on_filter_changed)
        self.view.activated.connect(self._on_activated)
        self.view.clicked.connect(self._on_activated)

    def set_rank(self, rank: dict[str, float] | None) -> None:
        """Order the list by *rank* (doc id -> key, highest first; missing ones last), or as stored (None)."""
        self.proxy.rank = rank
        self.proxy.sort(0 if rank is not None else -1)
        self.proxy.invalidate()

    def _on_filter_changed(self, *_args) -> None:
        self.proxy.set(self.filter.currentData(), self.search.text())

    def _on_activated(self, index: QModelIndex) -> None:
        mods = QApplication.keyboardModifiers()
        if mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier):
            return      # Ctrl/Shift+click adds to the selection (File → Assign), the shown document stays
        doc_id = index.data(IdRole)
        if doc_id:
            self.documentActivated.emit(doc_id)

    def show_current(self, doc_id: str) -> None:
        self.model.set_current(doc_id)
        row = self.model.row_of(doc_id)
        if row >= 0:
            idx = self.proxy.mapFromSource(self.model.index(row))
            if idx.isValid():
                # explicit: the list allows several selected (File → Assign), and setCurrentIndex
                # would read the keys held (Ctrl of Ctrl+PgUp) as "add to the selection"
                flags = QItemSelectionModel.SelectionFlag
                self.view.selectionModel().setCurrentIndex(idx, flags.ClearAndSelect)
                self.view.scrollTo(idx)
            else:       # filtered out: nothing else may look current
                self.view.selectionModel().clearSelection()

    def neighbour(self, doc_id: str | None, step: int) -> str | None:
        """The next (step=1) or previous (-1) document in the list as filtered."""
        n = self.proxy.rowCount()
        if n == 0:
            return None
        row = -1
        if doc_id is not None:
            src = self.model.row_of(doc_id)
            if src >= 0:
                row = self.proxy.mapFromSource(self.model.index(src)).row()
        target = row + step if row >= 0 else (0 if step > 0 else n - 1)
        if not 0 <= target < n:
            return None
        return self.proxy.index(target, 0).data(IdRole)
