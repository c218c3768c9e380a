"""The actor picker: an autocomplete over the registry that floats next to a new ACTOR span.

It never blocks: Enter links the highlighted actor, Ctrl+Enter links it and keeps the span text
as a new alias, the last row creates an actor named after the field, Esc leaves the span
unlinked. The window turns its signals into core actions.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from isfannotate.kb import FoldedActors, is_safe_alias, search_actors, split_possessive
from isfannotate.proposals import guess_actor_type

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
        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.query = QLineEdit(self)
        self.query.setObjectName("actorQuery")
        self.query.setPlaceholderText("name or alias…")
        self.matches = QListWidget(self)
        self.matches.setObjectName("actorMatches")
        self.matches.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.matches.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.matches.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.matches.setUniformItemSizes(True)
        self.type = QComboBox(self)
        self.type.setObjectName("actorType")
        for t in actor_types:
            self.type.addItem(t.replace("_", " "), t)
        self.alias = QCheckBox(self)
        self.alias.setObjectName("addAlias")
        hint = QLabel("Enter link · Ctrl+Enter link + alias · Esc leave unlinked", self)
        quiet = hint.palette()
        quiet.setColor(QPalette.ColorRole.WindowText, quiet.color(QPalette.ColorRole.PlaceholderText))
        hint.setPalette(quiet)
        hint.setForegroundRole(QPalette.ColorRole.WindowText)   # not the article page's Text, inherited
        small = hint.font()
        small.setPixelSize(11)
        hint.setFont(small)
        row = QHBoxLayout()
        row.addWidget(QLabel("type for a new actor:", self))
        row.addWidget(self.type, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 6, 8, 6)
        lay.addWidget(self.title)
        lay.addWidget(self.query)
        lay.addWidget(self.matches)
        lay.addLayout(row)
        lay.addWidget(self.alias)
        lay.addWidget(hint)
        self.setFixedWidth(400)
        self.query.textChanged.connect(self._on_query_changed)
        self.query.installEventFilter(self)
        self.type.installEventFilter(self)   # Enter on the type field creates the actor
        self.matches.itemClicked.connect(lambda _i: self.accept())
        self.matches.currentRowChanged.connect(lambda _r: self._update_alias())
        self.hide()

    def paintEvent(self, e) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QColor("#888888"))
        painter.setBrush(self.palette().window())
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 4.0, 4.0)
        painter.end()

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
        self.title.setText(f"Link “{self._short(self._span_text)}” to an actor")
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
            if ending:      # a new actor from a possessive is an explicit choice: nothing preselected
                self.matches.setCurrentRow(-1)
                self._update_alias()
            else:           # an unknown name: "create" is proposed
                self.matches.setCurrentRow(self.matches.count() - 1)
        if current_id is not None:
            for i in range(self.matches.count()):
                if self.matches.item(i).data(Qt.ItemDataRole.UserRole) == current_id:
                    self.matches.setCurrentRow(i)
        self.adjustSize()
        self.show()
        self.raise_()
        self.query.setFocus()

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
        self.matches.clear()
        for a in search_actors(self._folded, text, limit=12):
            names = [n for n in a.aliases if text.strip() and text.strip().casefold() in n.casefold()]
            extra = f" · aka {names[0]}" if names else ""
            item = QListWidgetItem(f"{a.name}  ({a.type.replace('_', ' ')}){extra}")
            item.setData(Qt.ItemDataRole.UserRole, a.id)
            item.setToolTip("\n".join([a.name, *a.aliases]))
            self.matches.addItem(item)
        name = text.strip()
        if name:
            item = QListWidgetItem(f"+ Create actor “{self._short(name)}”")
            item.setData(Qt.ItemDataRole.UserRole, CREATE)
            self.matches.addItem(item)
        self.matches.setCurrentRow(0)
        rows = max(3, min(8, self.matches.count()))
        self.matches.setFixedHeight(rows * max(18, self.matches.sizeHintForRow(0)) + 6)
        self.adjustSize()
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
