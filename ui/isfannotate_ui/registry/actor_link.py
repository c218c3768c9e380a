"""The actor picker: an autocomplete over the registry that floats next to a new ACTOR span.

It never blocks: Enter links the highlighted actor, Ctrl+Enter links it and keeps the span text
as a new alias, the last row creates an actor named after the field, Esc leaves the span
unlinked. The window turns its signals into core actions.

Only the fields that take the keyboard or the mouse are widgets (the query, the type, the alias
box): the title, the candidates (``picker_rows.py``), the type's caption and the hint are drawn by
the picker's own paint event, in the places its layout keeps for them. Qt pays for every widget on
each repaint of the window while the picker is shown, and a label key opens it.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFrame,
    QLineEdit,
    QPushButton,
    QToolTip,
    QWidget,
)

from isfannotate.kb import FoldedActors, is_safe_alias, search_actors, split_possessive
from isfannotate.proposals import guess_actor_type

from .picker_rows import PickerRow, PickerRows

CREATE = "\x00create"


class ActorLinkButton(QPushButton):
    """The details row's "link…" / "change…" button of an ACTOR span: made once, given the span
    shown each time (``for_span``); a click asks to link that span."""
    linkRequested = Signal(str)    # span id

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._span_id = ""
        self.clicked.connect(lambda *_: self.linkRequested.emit(self._span_id))

    def for_span(self, span_id: str, text: str) -> QPushButton:
        self._span_id = span_id
        self.setText(text)
        self.setObjectName("actorLinkButton")
        return self


class ActorPicker(QFrame):
    actorChosen = Signal(str, bool)       # actor id, add the span text as an alias
    createRequested = Signal(str, str, bool)  # name, type, keep the span text as an alias
    cancelled = Signal()

    HINT = "Enter link · Ctrl+Enter link + alias · Esc leave unlinked"
    TYPE_CAPTION = "type for a new actor:"

    def __init__(self, actor_types: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("actorPicker")
        # a one-pixel frame drawn rounded by paintEvent: no style sheet (it made the style draw the
        # picker and every field in it the slow way, on each label key that opens it)
        self.setFrameShape(QFrame.Shape.Box)
        self.setLineWidth(1)
        # the application's font and colours, not the article's serif on its page colour
        self.setFont(QApplication.font())
        pal, app = self.palette(), QApplication.palette()
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive, QPalette.ColorGroup.Disabled):
            pal.setColor(group, QPalette.ColorRole.Window, app.color(group, QPalette.ColorRole.Window))
        self.setPalette(pal)
        self._actors: list = []
        self._folded = FoldedActors.of(())
        self._span_text = ""
        self._name = ""     # the span text without a possessive ending
        self._title = ""
        self._starting = False      # start() updates the alias box and the layout once, at its end
        self._pressed = -1          # the row a mouse button went down on
        self.hint_font = QFont(self.font())
        self.hint_font.setPixelSize(11)
        self.hint_color = pal.color(QPalette.ColorRole.PlaceholderText)     # a quiet hint
        self.query = QLineEdit(self)
        self.query.setObjectName("actorQuery")
        self.query.setPlaceholderText("name or alias…")
        self.matches = PickerRows(self, self._on_row_changed)
        self.type = QComboBox(self)
        self.type.setObjectName("actorType")
        for t in actor_types:
            self.type.addItem(t.replace("_", " "), t)
        self.alias = QCheckBox(self)
        self.alias.setObjectName("addAlias")
        # where the drawn parts go (set by _relayout, the places the labels had in a box layout)
        self._title_rect, self._caption_rect, self._hint_rect = QRect(), QRect(), QRect()
        self._sizes: tuple = ((), QSize(), 0)
        self.setFixedWidth(400)
        self.setAccessibleDescription(self.HINT)
        self.query.textChanged.connect(self._on_query_changed)
        self.query.installEventFilter(self)
        self.type.installEventFilter(self)   # Enter on the type field creates the actor
        self.hide()

    def paintEvent(self, e) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QColor("#888888"))
        painter.setBrush(self.palette().window())
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 4.0, 4.0)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        # the texts as the labels drew them (the style's item text, left and centred vertically,
        # within the label), each drawn once into a tile (picker_rows.Tiles)
        window, tiles = self.palette().window(), self.matches.tiles
        context = tiles.context()
        for rect, text in ((self._title_rect, self._title), (self._caption_rect, self.TYPE_CAPTION),
                           (self._hint_rect, self.HINT)):
            if text and not rect.isEmpty():
                tiles.paint(painter, rect.topLeft(), ("label", text), context, rect.size(), window,
                            lambda p, r, t=text: self._draw_label(p, r, t))
        self.matches.paint(painter)
        painter.end()

    def _draw_label(self, painter: QPainter, rect: QRect, text: str) -> None:
        """*text* in *rect* as a QLabel drew it; the hint in its small font and quiet colour."""
        flags = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextForceLeftToRight)
        pal, role = self.palette(), self.foregroundRole()
        if text == self.HINT:
            painter.setFont(self.hint_font)
            pal = QPalette(pal)
            pal.setColor(QPalette.ColorRole.WindowText, self.hint_color)
            role = QPalette.ColorRole.WindowText
        self.style().drawItemText(painter, rect, flags, pal, True, text, role)

    # ------------------------------------------------------------------ public
    def start(self, span_text: str, actors: list | FoldedActors, current_id: str | None = None) -> None:
        """Show the picker for a span reading *span_text*, over *actors* (the registry; folded once
        per registry version by the session: ``Session.actor_folds``)."""
        self._span_text = " ".join(span_text.split())
        # "Pakistan’s" is Pakistan plus an ending: the registry is searched for the name, and the
        # name (never the possessive) would be a new actor's name or an alias
        name, ending = split_possessive(self._span_text)
        self._name = name
        self._folded = actors if isinstance(actors, FoldedActors) else FoldedActors.of(actors)
        self._actors = list(self._folded.actors)
        self._title = f"Link “{self._short(self._span_text)}” to an actor"
        self.setAccessibleName(self._title)
        self._starting = True
        try:
            if self.query.text() == name:
                self._on_query_changed(name)    # (no textChanged: search once, not twice)
            else:
                self.query.setText(name)        # textChanged searches
            self.query.selectAll()
            types = [self.type.itemData(i) for i in range(self.type.count())]
            guess = guess_actor_type(name, types)
            self.type.setCurrentIndex(max(0, self.type.findData(guess)) if guess else 0)
            exact = self._folded.names(name)
            if not exact and current_id is None and self.matches.count():
                # a new actor from a possessive is an explicit choice: nothing preselected;
                # an unknown name: "create" is proposed
                self.matches.setCurrentRow(-1 if ending else self.matches.count() - 1)
            if current_id is not None:
                for i in range(self.matches.count()):
                    if self.matches.item(i).data(Qt.ItemDataRole.UserRole) == current_id:
                        self.matches.setCurrentRow(i)
        finally:
            self._starting = False
        self._update_alias()
        self._relayout()
        self.show()
        self.raise_()
        self.query.setFocus()

    def hint_rect(self) -> QRect:
        """Where the key hint is drawn (its text is ``HINT``, its colour ``hint_color``)."""
        return QRect(self._hint_rect)

    def current_actor_id(self) -> str | None:
        item = self.matches.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def choose(self, actor_id: str) -> None:
        """Highlight *actor_id* in the list (as Up/Down would)."""
        for i in range(self.matches.count()):
            if self.matches.item(i).data(Qt.ItemDataRole.UserRole) == actor_id:
                self.matches.setCurrentRow(i)
                return
        raise KeyError(actor_id)

    def accept(self, force_alias: bool = False) -> None:
        aid = self.current_actor_id()
        if aid is None:
            return
        add_alias = self.alias.isEnabled() and (force_alias or self.alias.isChecked())
        self.hide()
        if aid == CREATE:
            self.createRequested.emit(self.query.text().strip(), self.type.currentData(), add_alias)
        else:
            self.actorChosen.emit(aid, add_alias)

    def cancel(self) -> None:
        self.hide()
        self.cancelled.emit()

    # --------------------------------------------------------------- internals
    @staticmethod
    def _short(text: str, n: int = 40) -> str:
        return text if len(text) <= n else text[:n - 1] + "…"

    def _on_query_changed(self, text: str) -> None:
        rows = []
        for a in search_actors(self._folded, text, limit=12):
            names = [n for n in a.aliases if text.strip() and text.strip().casefold() in n.casefold()]
            extra = f" · aka {names[0]}" if names else ""
            tip = "\n".join([a.name, *a.aliases])
            rows.append(PickerRow(f"{a.name}  ({a.type.replace('_', ' ')}){extra}", a.id, tip))
        name = text.strip()
        if name:
            rows.append(PickerRow(f"+ Create actor “{self._short(name)}”", CREATE))
        changed = self.matches.set_rows(rows)
        starting, self._starting = self._starting, True
        self.matches.setCurrentRow(0)
        self._starting = starting
        if not starting:    # typing: start() does these once at its end
            self._update_alias()
            if changed:
                self._relayout()

    def _relayout(self) -> None:
        """One layout pass, by hand: the places a vertical box layout (margins 8, 6; spacing 6) gave
        the title, the query, the list (3 to 8 rows high), the type's caption and field, the alias
        box and the hint."""
        fm = QFontMetrics(self.font())
        left, width, gap = 9, 382, 6       # inside the one-pixel frame
        y = 7
        self._title_rect = QRect(left, y, width, fm.size(0, self._title).height())
        y = self._title_rect.bottom() + 1 + gap
        y = _place(self.query, left, y, width) + gap
        self.matches.place(QRect(left, y, width, self.matches.fixed_height()))
        y = self.matches.rect.bottom() + 1 + gap
        caption, hint_h = self._fixed_sizes()
        cw, tw = _share(width - gap, caption.width(), self.type.minimumSizeHint().width())
        th = self.type.sizeHint().height()
        rh = max(caption.height(), th)
        self._caption_rect = QRect(left, y, cw, rh)
        self.type.setGeometry(left + cw + gap, y + (rh - th) // 2, width - gap - cw, th)
        y = _place(self.alias, left, y + rh + gap, width) + gap
        self._hint_rect = QRect(left, y, width, hint_h)
        self.resize(400, self._hint_rect.bottom() + 1 + 7)
        self.update()

    def _fixed_sizes(self) -> tuple[QSize, int]:
        """The type caption's size and the hint's height (measured once per font)."""
        key = (self.font().key(), self.hint_font.key())
        if self._sizes[0] != key:
            self._sizes = (key, QFontMetrics(self.font()).size(0, self.TYPE_CAPTION),
                           QFontMetrics(self.hint_font).size(0, self.HINT).height())
        return self._sizes[1], self._sizes[2]

    def _on_row_changed(self) -> None:
        item = self.matches.currentItem()
        self.query.setAccessibleDescription(item.text() if item is not None else "")
        if not self._starting:
            self._update_alias()

    def _update_alias(self) -> None:
        """Offer the span text as a new alias when the chosen actor does not have it yet.
        Ticked by default only for a proper-name-like text (never a pronoun or common noun)."""
        aid = self.current_actor_id()
        t = self._name
        if aid is None:     # a possessive with no registry name: the choice is the annotator's
            self.alias.setText("↓ / ↑ choose an actor, or “+ Create” for a new one")
            self.alias.setEnabled(False)
            self.alias.setChecked(False)
            return
        if aid == CREATE:
            new = t != " ".join(self.query.text().split())
        else:
            actor = next((a for a in self._actors if a.id == aid), None)
            new = actor is not None and t != actor.name and t not in actor.aliases
        self.alias.setText(f"add “{self._short(t, 30)}” as an alias" if new else "the span text is already a name")
        self.alias.setEnabled(bool(new and t))
        self.alias.setChecked(bool(new and t) and is_safe_alias(t))

    def eventFilter(self, obj: QObject, e: QEvent) -> bool:  # noqa: N802 (Qt override)
        keys = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape, Qt.Key.Key_Up, Qt.Key.Key_Down)
        if e.type() == QEvent.Type.ShortcutOverride and e.key() in keys:
            e.accept()  # these keys belong to the picker, not to the window's shortcuts
            return True
        if e.type() not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return super().eventFilter(obj, e)
        if obj is self.type and e.key() not in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape):
            return super().eventFilter(obj, e)   # Up / Down choose the type
        if e.type() == QEvent.Type.KeyPress and e.key() in keys:
            k = e.key()
            if k in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.accept(force_alias=bool(e.modifiers() & Qt.KeyboardModifier.ControlModifier))
            elif k == Qt.Key.Key_Escape:
                self.cancel()
            else:
                row = self.matches.currentRow() + (1 if k == Qt.Key.Key_Down else -1)
                if 0 <= row < self.matches.count():
                    self.matches.setCurrentRow(row)
            return True
        return super().eventFilter(obj, e)

    # ------------------------------------------------------ the mouse on the rows
    def mousePressEvent(self, e) -> None:  # noqa: N802 (Qt override)
        self._pressed = self.matches.row_at(e.position().toPoint())
        if self._pressed >= 0 and e.button() == Qt.MouseButton.LeftButton:
            self.matches.setCurrentRow(self._pressed)
        super().mousePressEvent(e)

    def mouseReleaseEvent(self, e) -> None:  # noqa: N802 (Qt override)
        row, self._pressed = self._pressed, -1
        if row >= 0 and row == self.matches.row_at(e.position().toPoint()):
            self.accept()           # a click on a row links it (as the list's itemClicked did)
        super().mouseReleaseEvent(e)

    def wheelEvent(self, e) -> None:  # noqa: N802 (Qt override)
        if self.matches.rect.contains(e.position().toPoint()):
            steps = e.angleDelta().y() / 120 * QApplication.wheelScrollLines()
            self.matches.scroll_by(-round(steps))
        e.accept()

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ToolTip:     # a row's names, as the list's items had them
            row = self.matches.row_at(e.pos())
            item = self.matches.item(row)
            if item is not None and item.toolTip():
                QToolTip.showText(e.globalPos(), item.toolTip(), self)
            else:
                QToolTip.hideText()
                e.ignore()
            return True
        return super().event(e)


def _place(widget: QWidget, x: int, y: int, width: int) -> int:
    """Put *widget* at (x, y), *width* wide and as high as it asks; the y below it."""
    h = widget.sizeHint().height()
    widget.setGeometry(x, y, width, h)
    return y + h


def _share(space: int, caption: int, field: int) -> tuple[int, int]:
    """The widths of the type's caption and field in *space*: the caption as wide as its text and
    the field the rest; when both do not fit, the widest gives way first (as a box layout does)."""
    if caption + field <= space:
        return caption, space - caption
    small, big = sorted((caption, field))
    if 2 * small >= space:      # both are cut to the same width
        each, extra = divmod(space, 2)
        return each, each + extra
    return (caption, space - caption) if caption == small else (space - field, field)
