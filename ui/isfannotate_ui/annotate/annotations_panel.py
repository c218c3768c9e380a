"""Side panel tab listing the current document's annotations, with the selected span's details
(label and attributes), editable. Click an item to jump to the span."""
from __future__ import annotations

import bisect
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..row_painter import RowLook, RowPainter
from ..scroll_bar_cache import cache_scroll_bars
from .focus_ring import FocusRing
from .palette import tint_color

_Index = QModelIndex | QPersistentModelIndex


class SpanRowsModel(QAbstractListModel):
    """The annotation list's rows in document order: (order key, span id) plus what each row shows.

    Rows are plain tuples; the view asks ``data`` only for the rows it draws, so 10,000 spans cost
    a sort and a dict, not 10,000 widgets or items. UI thread only."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.order: list[tuple[tuple, str]] = []     # (order key, span id), as shown
        self.keys: dict[str, tuple] = {}
        self.rows: dict[str, tuple[str, str, str, str]] = {}   # span id -> (colour, line 1, line 2, tooltip)
        self.provider: Callable[[str], tuple[str, str, str, str]] | None = None   # builds a row when first shown
        self._brushes: dict[str, QBrush] = {}
        self._colors: dict[str, QColor] = {}

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802 (Qt override)
        return 0 if parent.isValid() else len(self.order)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.order):
            return None
        span_id = self.order[index.row()][1]
        row = self.rows.get(span_id)
        if row is None:
            row = self.rows[span_id] = self.provider(span_id)
        color, line1, line2, tip = row
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{line1}\n    {line2}"
        if role == Qt.ItemDataRole.UserRole:
            return span_id
        if role == Qt.ItemDataRole.BackgroundRole:
            brush = self._brushes.get(color)
            if brush is None:
                brush = self._brushes[color] = QBrush(QColor(tint_color(color)))
            return brush
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(x for x in (line1, line2, tip) if x)
        return None

    def look(self, index: _Index) -> RowLook:
        """What the list's ``RowPainter`` draws for a row: the two lines, on the label's tint."""
        span_id = self.order[index.row()][1]
        row = self.rows.get(span_id)
        if row is None:
            row = self.rows[span_id] = self.provider(span_id)
        color, line1, line2, _tip = row
        tint = self._colors.get(color)
        if tint is None:
            tint = self._colors[color] = QColor(tint_color(color))
        return (line1, f"    {line2}" if line2 else ""), tint, False

    def reset(self, items: list[tuple]) -> None:
        self.beginResetModel()
        self.order = sorted((key, span_id) for key, span_id, *_ in items)
        self.keys = {span_id: key for key, span_id, *_ in items}
        self.rows = {item[1]: tuple(item[2:6]) + ("",) * (6 - len(item)) for item in items}
        self.provider = None
        self.endResetModel()

    def reset_lazy(self, keys: list[tuple[tuple, str]], provider: Callable[[str], tuple[str, str, str, str]]) -> None:
        """Rows in order of their keys, each built by *provider(span id)* when the view first
        draws it: opening 10,000 spans formats the ~20 rows on screen."""
        self.beginResetModel()
        self.order = sorted(keys)
        self.keys = {span_id: key for key, span_id in keys}
        self.rows = {}
        self.provider = provider
        self.endResetModel()

    def row_of(self, span_id: str) -> int | None:
        key = self.keys.get(span_id)
        if key is None:
            return None
        return bisect.bisect_left(self.order, (key, span_id))

    def upsert(self, key: tuple, span_id: str, row: tuple[str, str, str, str]) -> None:
        old = self.keys.get(span_id)
        if old is not None and old != key:
            self.remove(span_id)
            old = None
        self.rows[span_id] = row
        if old is None:
            i = bisect.bisect(self.order, (key, span_id))
            self.beginInsertRows(QModelIndex(), i, i)
            self.order.insert(i, (key, span_id))
            self.keys[span_id] = key
            self.endInsertRows()
        else:
            ix = self.index(self.row_of(span_id))
            self.dataChanged.emit(ix, ix)

    def remove(self, span_id: str) -> None:
        i = self.row_of(span_id)
        if i is None:
            return
        self.beginRemoveRows(QModelIndex(), i, i)
        self.order.pop(i)
        del self.keys[span_id]
        self.rows.pop(span_id, None)
        self.endRemoveRows()


class ProblemsModel(QAbstractListModel):
    """The document's problems, one row per message, in the order of their keys (document
    order), each row knowing its item id (a click selects it). Only the visible rows are ever
    drawn; ``update`` moves one item's rows (O(log n) plus the shift of a list)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.order: list[tuple[tuple, str, int]] = []    # (key, item id, message number)
        self.msgs: dict[str, list[str]] = {}
        self.keys: dict[str, tuple] = {}

    @property
    def lines(self) -> list[str]:
        return [self.msgs[item][k] for _, item, k in self.order]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802 (Qt override)
        return 0 if parent.isValid() else len(self.order)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.order):
            return None
        _, item, k = self.order[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return f"⚠ {self.msgs[item][k]}"
        if role == Qt.ItemDataRole.UserRole:
            return item
        return None

    def look(self, index: _Index) -> RowLook:
        _, item, k = self.order[index.row()]
        return (f"⚠ {self.msgs[item][k]}",), None, False

    def reset(self, entries: list[tuple[tuple, str, list[str]]]) -> None:
        """All problems: (key, item id, messages) per item."""
        self.beginResetModel()
        self.msgs = {item: list(msgs) for _, item, msgs in entries if msgs}
        self.keys = {item: key for key, item, msgs in entries if msgs}
        self.order = sorted((key, item, k) for key, item, msgs in entries for k in range(len(msgs)))
        self.endResetModel()

    def update(self, item: str, key: tuple, msgs: list[str]) -> None:
        """Replace *item*'s problems (none: its rows go)."""
        old = self.msgs.pop(item, None)
        if old:
            i = bisect.bisect_left(self.order, (self.keys.pop(item), item, 0))
            self.beginRemoveRows(QModelIndex(), i, i + len(old) - 1)
            del self.order[i:i + len(old)]
            self.endRemoveRows()
        if msgs:
            i = bisect.bisect_left(self.order, (key, item, 0))
            self.beginInsertRows(QModelIndex(), i, i + len(msgs) - 1)
            self.order[i:i] = [(key, item, k) for k in range(len(msgs))]
            self.msgs[item] = list(msgs)
            self.keys[item] = key
            self.endInsertRows()


class _Row:
    """A read-only look at one row, shaped like ``QListWidgetItem`` (text, toolTip, data) for
    scripts and tests that read the list."""

    def __init__(self, index: QModelIndex) -> None:
        self._index = index

    def text(self) -> str:
        return self._index.data(Qt.ItemDataRole.DisplayRole) or ""

    def toolTip(self) -> str:  # noqa: N802 (Qt naming)
        return self._index.data(Qt.ItemDataRole.ToolTipRole) or ""

    def data(self, role: int):
        return self._index.data(role)


class RowList(QTableView):
    """A one-column list of fixed-height rows, drawn only where visible, with ``count()``,
    ``item(row)`` and ``currentItem()`` like ``QListWidget`` for readers.

    A ``QTableView``, not a ``QListView``: on every inserted or changed row a ``QListView``
    walks all rows to lay them out, asking a Python model for an index per row (10,000 rows:
    20,000 Python calls, ~20 ms a key press); a table's fixed-size rows need no walk.
    """

    def __init__(self, model: SpanRowsModel | ProblemsModel, parent: QWidget | None = None, lines: int = 1) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.horizontalHeader().hide()
        self.horizontalHeader().setStretchLastSection(True)
        self.verticalHeader().hide()
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(lines * self.fontMetrics().lineSpacing() + 6)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        # rows drawn from the model's ``look``, not by the style (row_painter.py: a quarter of a repaint)
        self.setItemDelegate(RowPainter(model.look, self))
        cache_scroll_bars(self)

    def row_height(self) -> int:
        return self.verticalHeader().defaultSectionSize()

    def count(self) -> int:
        return self.model().rowCount()

    def item(self, row: int) -> _Row | None:
        return _Row(self.model().index(row, 0)) if 0 <= row < self.count() else None

    def currentItem(self) -> _Row | None:  # noqa: N802 (Qt naming)
        ix = self.currentIndex()
        return _Row(ix) if ix.isValid() else None

    def warm_around(self, row: int) -> int:
        """Draw ahead (``RowPainter.warm``) the rows a scroll to *row* would show, above or below
        it, when *row* is off screen; returns how many rows were drawn."""
        step = self.row_height()
        top, shown = self.rowAt(0), self.viewport().height() // step + 2
        if not self.isVisible() or step <= 0 or top < 0 or top <= row < top + shown - 2:
            return 0
        model = self.model()
        rows = range(max(0, row - shown), min(model.rowCount(), row + shown))
        return self.itemDelegate().warm(model.index(r, 0) for r in rows)


class ProblemsList(RowList):
    """The problems under the annotation list: at most ``VISIBLE_ROWS`` rows tall, scrolling."""

    VISIBLE_ROWS = 5

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(ProblemsModel(parent), parent)
        self.setObjectName("validationWarnings")
        pal = self.palette()    # a palette, not a style sheet: a style sheet slows every paint of the list
        pal.setColor(QPalette.ColorRole.Text, QColor("#8a4b00"))
        self.setPalette(pal)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

    def _rows_height(self, rows: int) -> int:
        return rows * self.row_height() + 2 * self.frameWidth()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(super().sizeHint().width(), self._rows_height(min(max(self.count(), 1), self.VISIBLE_ROWS)))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(super().minimumSizeHint().width(), self._rows_height(1))

    def text(self) -> str:
        """Every problem, one "⚠ ..." line each (for scripts and tests; the view draws only
        the visible rows)."""
        return "\n".join(f"⚠ {line}" for line in self.model().lines)


class AnnotationsPanel(QWidget):
    spanClicked = Signal(str)
    attributeEdited = Signal(str, str, object)   # span id, attribute name, value (None clears)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = SpanRowsModel(self)
        self.list = RowList(self.model, self, lines=2)
        self.list.setObjectName("annotationList")
        self.details = QGroupBox("Selected span", self)
        self.details.setObjectName("spanDetails")
        # the field that has the keyboard shows it: a frame in the highlight colour (some desktop
        # styles draw no focus on a combo box at all), drawn over it (focus_ring.py: no style sheet)
        self.focus_ring = FocusRing(self.details)
        self.form = QFormLayout(self.details)
        self.hint = QLabel("Select a span (click it, or Tab) to see its details.", self.details)
        self.hint.setWordWrap(True)
        self.form.addRow(self.hint)
        # the rows every span shows, made once (keep_in_details)
        self._kept: set[QWidget] = set()
        self._names: dict[str, QLabel] = {}
        self._rows: list[tuple[str, QWidget]] = []   # the rows shown, when all are kept
        self._label_value = self.keep_in_details(QLabel(self.details))
        self._label_value.setTextFormat(Qt.TextFormat.RichText)
        self._label_value.hide()
        self._text_value = self.keep_in_details(QLabel(self.details))
        self._text_value.setTextFormat(Qt.TextFormat.PlainText)  # document text is never rich text
        self._text_value.setWordWrap(True)
        self._text_value.hide()
        self.warnings = ProblemsList(self)
        self.warnings.hide()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.list, 3)
        lay.addWidget(self.warnings)
        lay.addWidget(self.details, 2)
        self.list.clicked.connect(self._on_index_clicked)
        self.list.activated.connect(self._on_index_clicked)
        self.warnings.clicked.connect(self._on_problem_clicked)
        self._span_id: str | None = None

    def set_items(self, items: list[tuple]) -> None:
        """Replace the list: (order key, span id, colour, first line, second line, tooltip) per span."""
        self.model.reset(items)
        if self._span_id in self.model.keys:
            self._set_current(self._span_id, scroll=False)

    def set_lazy_items(self, keys: list[tuple[tuple, str]], row: Callable[[str], tuple[str, str, str, str]]) -> None:
        """Replace the list with (order key, span id) pairs; *row(span id)* gives (colour, first line,
        second line, tooltip) when the row is first drawn (only visible rows are)."""
        self.model.reset_lazy(keys, row)
        if self._span_id in self.model.keys:
            self._set_current(self._span_id, scroll=False)

    def warm_for(self, key: tuple) -> int:
        """A span with order *key* (its start, minus its end) may be about to get a row: draw ahead
        the rows the list would show around it (a label key then copies them)."""
        return self.list.warm_around(bisect.bisect_left(self.model.order, (key,)))

    def upsert_item(self, key: tuple, span_id: str, color: str, line1: str, line2: str, tip: str = "") -> None:
        """Add or update one span's row, kept in order by *key*: a key press touches one row, not all."""
        self.model.upsert(key, span_id, (color, line1, line2, tip))
        self.list.executeDelayedItemsLayout()   # its scroll bar now: repainted with the rows, not a frame later

    def remove_item(self, span_id: str) -> None:
        self.model.remove(span_id)
        self.list.executeDelayedItemsLayout()

    def set_problems(self, entries: list[tuple[tuple, str, list[str]]]) -> None:
        """The document's problems under the list: (order key, item id, messages) per item, one
        row per message, in a list of fixed height (problem spans are also marked ⚠ above)."""
        self.warnings.model().reset(entries)
        self._problems_shown()

    def update_problem(self, item: str, key: tuple, msgs: list[str]) -> None:
        """One item's problems changed (*msgs* empty: it has none now)."""
        self.warnings.model().update(item, key, msgs)
        self._problems_shown()

    def _problems_shown(self) -> None:
        n = self.warnings.count()
        if (n > 0) != self.warnings.isVisibleTo(self):
            self.warnings.setVisible(n > 0)
        if n <= self.warnings.VISIBLE_ROWS:     # its height follows the count up to that many rows
            self.warnings.updateGeometry()

    def problem_count(self) -> int:
        return self.warnings.count()

    def select(self, span_id: str | None) -> None:
        self._span_id = span_id
        if span_id and span_id in self.model.keys:
            self._set_current(span_id, scroll=True)
        else:
            self.list.blockSignals(True)
            self.list.clearSelection()
            self.list.setCurrentIndex(QModelIndex())
            self.list.blockSignals(False)

    def _set_current(self, span_id: str, scroll: bool) -> None:
        ix = self.model.index(self.model.row_of(span_id))
        self.list.blockSignals(True)
        self.list.setCurrentIndex(ix)
        if scroll:
            self.list.scrollTo(ix)
        self.list.blockSignals(False)

    def _on_index_clicked(self, index: QModelIndex) -> None:
        self.spanClicked.emit(index.data(Qt.ItemDataRole.UserRole))

    def _on_problem_clicked(self, index: QModelIndex) -> None:
        item = index.data(Qt.ItemDataRole.UserRole)
        if item and item in self.model.keys:
            self.spanClicked.emit(item)

    def keep_in_details(self, widget: QWidget) -> QWidget:
        """Mark *widget* (a child of ``details``) as kept: the next span's details hide it instead of
        deleting it, and its owner shows it again with new content (a label key then builds no
        widget: making and polishing new ones cost more than the rest of the panel's update)."""
        self._kept.add(widget)
        return widget

    def _name(self, text: str) -> QLabel:
        """The form's row label *text*, made once and kept."""
        lab = self._names.get(text)
        if lab is None:
            lab = self._names[text] = self.keep_in_details(QLabel(text, self.details))
        return lab

    def clear_details(self) -> None:
        # deleteLater, not removeRow: an editor of the form may be the one whose signal got us here
        while self.form.rowCount() > 1:
            row = self.form.takeRow(1)
            for item in (row.labelItem, row.fieldItem):
                w = item.widget() if item is not None else None
                if w is None:
                    continue
                w.hide()
                if w in self._kept:
                    w.setObjectName("")     # its owner names it again when it shows it
                    continue
                for child in [w, *w.findChildren(QWidget)]:
                    child.setObjectName("")   # gone for findChild until deleted
                w.deleteLater()
        self._rows = []
        self.hint.show()

    def _add_row(self, name: str, field: QWidget) -> None:
        lab = self._name(name)
        lab.setBuddy(field)
        self.form.addRow(lab, field)
        if lab.isHidden():
            lab.show()
        if field in self._kept and field.isHidden():
            field.show()    # a kept field was hidden by clear_details: the layout shows only new ones

    def show_details(self, span_id: str, label: str, text: str, attributes: list, values: dict[str, Any],
                     extra_rows: list[tuple[str, QWidget]] = ()) -> None:
        """Show one span: its label, text, *extra_rows*, then the scheme attributes as editors."""
        shown = text if len(text) < 300 else text[:297] + "…"
        self._label_value.setText(f"<b>{label}</b>")
        self._text_value.setText(shown)
        rows = [("Label", self._label_value), ("Text", self._text_value), *extra_rows]
        if not attributes and rows == self._rows and all(w in self._kept for _n, w in extra_rows):
            return      # the same rows, all kept: their new texts are all there is to show
        self.clear_details()
        self.hint.hide()
        self._rows = rows if not attributes else []
        self._add_row("Label", self._label_value)
        self._add_row("Text", self._text_value)
        # the span's own rows (actor link; a claim's source, cue, quote) come first, then the
        # attributes (modality): the order Tab runs through them, top to bottom (issue 20)
        for name, widget in extra_rows:
            if name:
                self._add_row(name, widget)
            else:
                self.form.addRow(widget)  # a sub-form of its own spans both columns
        for a in attributes:
            self.form.addRow(a.name, self._editor(span_id, a, values.get(a.name)))
        self._show_new_rows()

    def _show_new_rows(self) -> None:
        """Show the rows just added now, not from the event loop (Qt's queued show): none a frame late."""
        for w in (self.form.itemAt(i).widget() for i in range(self.form.count())):
            if w is not None and w.isHidden() and not w.testAttribute(Qt.WidgetAttribute.WA_WState_ExplicitShowHide):
                w.show()

    def _editor(self, span_id: str, attr, value) -> QWidget:
        if attr.type == "choice":
            w = QComboBox(self.details)
            w.setObjectName(f"attr_{attr.name}")
            w.addItem("—", None)
            for c in attr.choices:
                w.addItem(c, c)
            w.setCurrentIndex(max(0, w.findData(value)))
            w.currentIndexChanged.connect(
                lambda _i, w=w: self.attributeEdited.emit(span_id, attr.name, w.currentData())
            )
            return w
        if attr.type == "boolean":
            w = QCheckBox(self.details)
            w.setObjectName(f"attr_{attr.name}")
            w.setChecked(bool(value))
            w.toggled.connect(lambda on: self.attributeEdited.emit(span_id, attr.name, bool(on)))
            return w
        w = QLineEdit(self.details)
        w.setObjectName(f"attr_{attr.name}")
        w.setText(value or "")
        w.editingFinished.connect(lambda w=w: self.attributeEdited.emit(span_id, attr.name, w.text() or None))
        return w
