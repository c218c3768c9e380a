"""Qt models for the stance map window: the matrix (holders × targets) and the evidence list.

Both are read-only table models over what ``isfannotate.stancemap`` returns; they build only
the cells the view asks for. Colours are the core's Okabe–Ito ``POLARITY_COLOURS`` (the same as
the exported pictures); a mixed cell is hatched and marked "◆ mixed" so it stands out without
colour. UI thread only.
"""
from __future__ import annotations

import textwrap

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate

from isfannotate.stancemap import MIXED, Cell, Evidence, StanceMap
from isfannotate.stancemap.render import cell_caption, colour

CellRole = Qt.ItemDataRole.UserRole + 1       # the Cell (or None) of a matrix index
EvidenceRole = Qt.ItemDataRole.UserRole + 2   # the Evidence of an evidence-list row


def _text_colour(hex_colour: str) -> QColor:
    """Black or white, whichever reads better on *hex_colour*."""
    c = QColor(hex_colour)
    return QColor("#000000") if (0.299 * c.red() + 0.587 * c.green() + 0.114 * c.blue()) > 140 else QColor("#ffffff")


class StanceMatrixModel(QAbstractTableModel):
    """Rows: holders; columns: targets (one column per target and layer when the map shows all
    annotators side by side). Sorted by count or by name (:meth:`set_map`)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.smap: StanceMap | None = None
        self.holders: list = []
        self.columns: list[tuple[object, str]] = []     # (target axis, layer)

    def set_map(self, smap: StanceMap | None, sort: str = "count") -> None:
        self.beginResetModel()
        self.smap = smap
        if smap is None:
            self.holders, self.columns = [], []
        else:
            self.holders = smap.sorted_holders(sort)
            self.columns = [(t, layer) for t in smap.sorted_targets(sort) for layer in smap.layers]
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt override)
        return 0 if parent.isValid() else len(self.holders)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt override)
        return 0 if parent.isValid() else len(self.columns)

    def cell_at(self, row: int, column: int) -> Cell | None:
        if not (0 <= row < len(self.holders) and 0 <= column < len(self.columns)):
            return None
        target, layer = self.columns[column]
        return self.smap.cell(self.holders[row].id, target.id, layer)

    def index_of(self, holder: str, target: str, layer: str | None = None) -> QModelIndex:
        """The index of the cell (holder, target[, layer]); invalid when not shown."""
        rows = [i for i, h in enumerate(self.holders) if h.id == holder]
        cols = [i for i, (t, L) in enumerate(self.columns) if t.id == target and (layer is None or L == layer)]
        return self.index(rows[0], cols[0]) if rows and cols else QModelIndex()

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        cell = self.cell_at(index.row(), index.column())
        if role == CellRole:
            return cell
        if cell is None:
            if role == Qt.ItemDataRole.ToolTipRole:
                h = self.holders[index.row()]
                t, _layer = self.columns[index.column()]
                return f"{h.name} → {t.name}: no stance"
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if not cell.mixed:
                return f"{cell.polarity}\n{cell.evidence} ev · {len(cell.documents)} doc"
            split = "\n".join(cell_caption(cell)[:-1])     # every polarity with its stances
            return f"◆ mixed\n{split}\n{cell.evidence} ev · {len(cell.documents)} doc"
        if role == Qt.ItemDataRole.BackgroundRole:
            brush = QBrush(QColor(colour(cell.polarity)))
            if cell.polarity == MIXED:
                brush.setStyle(Qt.BrushStyle.BDiagPattern)
            return brush
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor("#000000") if cell.mixed else _text_colour(colour(cell.polarity))
        if role == Qt.ItemDataRole.ToolTipRole:
            h = self.holders[index.row()]
            t, layer = self.columns[index.column()]
            return (f"{h.name} → {t.name} ({layer})\n{cell.label()}\n{cell.stances} stances, "
                    f"{cell.evidence} evidence spans, {len(cell.documents)} documents\nClick or Enter: the evidence")
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return cell.label()
        return None

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 (Qt override)
        if orientation == Qt.Orientation.Vertical:
            if not 0 <= section < len(self.holders):
                return None
            h = self.holders[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{h.name} ({h.count})"
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{h.name}: {h.kind.replace('_', ' ')}, {h.count} stances"
            return None
        if not 0 <= section < len(self.columns):
            return None
        t, layer = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            lines = textwrap.wrap(t.name, 22)
            name = "\n".join(lines[:2]) + ("…" if len(lines) > 2 else "")
            return f"{name}\n[{layer}]" if self.smap and len(self.smap.layers) > 1 else f"{name}\n({t.count})"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{t.name} ({t.id}), {t.count} stances" + (f", layer {layer}" if layer else "")
        return None


class EvidenceModel(QAbstractTableModel):
    """The evidence behind one cell, in date order: date, document, holder, polarity,
    conditions, layer, sentence."""

    HEADERS = ["Date", "Document", "Holder", "Polarity", "Conditions", "Layer", "Evidence sentence"]

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.items: list[Evidence] = []
        self.holder_name = ""

    def set_items(self, items: list[Evidence], holder_name: str) -> None:
        self.beginResetModel()
        self.items = list(items)
        self.holder_name = holder_name
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt override)
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt override)
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        e = self.items[index.row()]
        col = index.column()
        if role == EvidenceRole:
            return e
        if role == Qt.ItemDataRole.DisplayRole:
            return [e.date or "undated", e.title, self.holder_name, e.polarity, e.conditions or "", e.layer,
                    e.sentence or "(a stance without evidence span)"][col]
        if role == Qt.ItemDataRole.ToolTipRole:
            return (f"{e.title} ({e.document_id}), {e.date or 'undated'}{', ' + e.outlet if e.outlet else ''}\n"
                    f"{self.holder_name}: {e.polarity}{' — ' + e.conditions if e.conditions else ''}\n{e.sentence}\n"
                    "Click or Enter: open it in the document")
        if role == Qt.ItemDataRole.DecorationRole and col == 3:
            return QColor(colour(e.polarity))
        return None

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 (Qt override)
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None


class MatrixCellDelegate(QStyledItemDelegate):
    """Paints a cell: its polarity colour; a mixed cell pale with bold diagonal stripes in the
    mixed colour (it stands out in grey print too); the current cell framed in black rather
    than filled, so its colour stays readable."""

    def sizeHint(self, option, index: QModelIndex):  # noqa: N802 (Qt override)
        """Room for the text as painted: a mixed cell's text is bold, plus its white plate."""
        cell = index.data(CellRole)
        if cell is None or not cell.mixed:
            return super().sizeHint(option, index)
        font = QFont(option.font)
        font.setBold(True)
        fm = QFontMetrics(font)
        lines = (index.data(Qt.ItemDataRole.DisplayRole) or "").split("\n")
        return QSize(max(fm.horizontalAdvance(line) for line in lines) + 24, fm.height() * len(lines) + 12)

    def paint(self, painter: QPainter, option, index: QModelIndex) -> None:
        painter.save()
        r = option.rect.adjusted(1, 1, -1, -1)
        cell = index.data(CellRole)
        if cell is not None:
            if cell.mixed:
                painter.fillRect(r, QColor("#F6E3EE"))
                painter.setClipRect(r)
                painter.setPen(QPen(QColor(colour(MIXED)), 4))
                for x in range(r.left() - r.height(), r.right() + r.height(), 14):
                    painter.drawLine(x, r.bottom(), x + r.height(), r.top())
                painter.setClipping(False)
            else:
                painter.fillRect(r, QColor(colour(cell.polarity)))
            fg = index.data(Qt.ItemDataRole.ForegroundRole) or QColor("#000000")
            text = index.data(Qt.ItemDataRole.DisplayRole) or ""
            font = QFont(option.font)
            font.setBold(cell.mixed)
            if cell.mixed:       # a white plate under the text keeps it readable over the stripes
                fm = QFontMetrics(font)
                w = max(fm.horizontalAdvance(line) for line in text.split("\n")) + 10
                h = fm.height() * (text.count("\n") + 1) + 4
                painter.fillRect(r.center().x() - w // 2, r.center().y() - h // 2, w, h, QColor(255, 255, 255, 230))
            painter.setPen(fg)
            painter.setFont(font)
            painter.drawText(r, int(Qt.AlignmentFlag.AlignCenter), text)
        if option.state & QStyle.StateFlag.State_Selected:
            painter.setPen(QPen(QColor("#000000"), 3))
            painter.drawRect(r.adjusted(1, 1, -1, -1))
        painter.restore()
