"""The "Actors" side tab: the project's actor registry, searchable, with an editor.

The panel only shows and collects: each edit leaves as a signal that the window turns into one
undoable core action (``update_actor``, ``add_actor``, ``merge_actors``).
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from isfannotate.kb import search_actors


class RegistryPanel(QWidget):
    actorSaved = Signal(str, dict)        # actor id ("" for a new actor), values
    mergeRequested = Signal(str)          # the selected actor's id: choose whom to merge with
    occurrencesRequested = Signal(str)    # actor id
    historyRequested = Signal()

    def __init__(self, actor_types: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._actors: list = []
        self._current: str | None = None
        self._stale = False
        self.search = QLineEdit(self)
        self.search.setObjectName("actorSearch")
        self.search.setPlaceholderText("search names and aliases…")
        self.search.setClearButtonEnabled(True)
        self.table = QTableWidget(0, 4, self)
        self.table.setObjectName("actorTable")
        self.table.setHorizontalHeaderLabels(["Name", "Type", "Aliases", "Ext. id"])
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        h = self.table.horizontalHeader()
        h.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        h.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(1, 104)   # long types elide; the full type is in the editor
        for c in (2, 3):
            h.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)

        box = QGroupBox("Actor", self)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.name = QLineEdit(box)
        self.name.setObjectName("actorName")
        self.type = QComboBox(box)
        self.type.setObjectName("actorTypeEdit")
        for t in actor_types:
            self.type.addItem(t.replace("_", " "), t)
        self.aliases = QPlainTextEdit(box)
        self.aliases.setObjectName("actorAliases")
        self.aliases.setPlaceholderText("one alias per line")
        self.aliases.setTabChangesFocus(True)
        self.aliases.setFixedHeight(84)
        self.external = QLineEdit(box)
        self.external.setObjectName("actorExternalId")
        self.external.setPlaceholderText("e.g. Q843 (Wikidata)")
        self.note = QLineEdit(box)
        self.note.setObjectName("actorNote")
        form.addRow("Name", self.name)
        form.addRow("Type", self.type)
        form.addRow("Aliases", self.aliases)
        form.addRow("External id", self.external)
        form.addRow("Note", self.note)
        self.save = QPushButton("Save", box)
        self.save.setObjectName("saveActor")
        self.new = QPushButton("New actor", box)
        self.new.setObjectName("newActor")
        buttons = QHBoxLayout()
        buttons.addWidget(self.new)
        buttons.addStretch(1)
        buttons.addWidget(self.save)
        form.addRow(buttons)

        self.merge = QPushButton("Merge…", self)
        self.merge.setObjectName("mergeActor")
        self.merge.setToolTip("Merge this actor with another: every link follows the one you keep")
        self.occ = QPushButton("Occurrences…", self)
        self.occ.setObjectName("actorOccurrences")
        self.occ.setToolTip("Annotate every other mention of this actor (Ctrl+Shift+A)")
        self.history = QPushButton("History", self)
        self.history.setObjectName("registryHistory")
        self.history.setToolTip("Who changed what in the registry and the target list")
        tools = QHBoxLayout()
        tools.addWidget(self.merge)
        tools.addWidget(self.occ)
        tools.addStretch(1)
        tools.addWidget(self.history)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.search)
        lay.addWidget(self.table, 1)
        lay.addLayout(tools)
        lay.addWidget(box)

        self.search.textChanged.connect(lambda _t: self._fill())
        self.table.itemSelectionChanged.connect(self._on_row_selected)
        self.save.clicked.connect(self._on_save)
        self.new.clicked.connect(self.start_new)
        self.merge.clicked.connect(lambda: self._current and self.mergeRequested.emit(self._current))
        self.occ.clicked.connect(lambda: self._current and self.occurrencesRequested.emit(self._current))
        self.history.clicked.connect(self.historyRequested)
        self._show(None)

    # ------------------------------------------------------------------ public
    def set_actors(self, actors: list) -> None:
        """Show the registry (keeps the search and the selected actor when it still exists)."""
        self._actors = list(actors)
        self._stale = not self.isVisible()
        if not self._stale:   # a hidden tab fills its table when shown (fast start)
            self._fill()
        if self._current is not None and not any(a.id == self._current for a in self._actors):
            self._current = None
        self._show(self._current)

    def showEvent(self, e) -> None:  # noqa: N802 (Qt override)
        if self._stale:
            self._stale = False
            self._fill()
        super().showEvent(e)

    def current_actor_id(self) -> str | None:
        return self._current

    def select_actor(self, actor_id: str | None) -> None:
        self._current = actor_id
        if actor_id is not None and not any(self.table.item(r, 0).data(Qt.ItemDataRole.UserRole) == actor_id
                                            for r in range(self.table.rowCount())):
            self.search.clear()
        self._fill()
        self._show(actor_id)

    def start_new(self) -> None:
        """Clear the editor: Save then adds a new actor."""
        self._current = None
        self.table.clearSelection()
        self._show(None)
        self.name.setFocus()

    # --------------------------------------------------------------- internals
    def _fill(self) -> None:
        shown = search_actors(self._actors, self.search.text(), limit=len(self._actors) or 1)
        if not self.search.text().strip():
            shown = self._actors
        self.table.blockSignals(True)
        self.table.setRowCount(len(shown))
        for r, a in enumerate(shown):
            cells = [a.name, a.type.replace("_", " "), str(len(a.aliases)), a.external_id or ""]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, a.id)
                if c == 0 and a.aliases:
                    item.setToolTip("aliases: " + "; ".join(a.aliases))
                self.table.setItem(r, c, item)
            if a.id == self._current:
                self.table.selectRow(r)
        self.table.blockSignals(False)

    def _on_row_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self._current = self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)
            self._show(self._current)

    def _show(self, actor_id: str | None) -> None:
        a = next((x for x in self._actors if x.id == actor_id), None)
        self.name.setText(a.name if a else "")
        self.type.setCurrentIndex(max(0, self.type.findData(a.type)) if a else 0)
        self.aliases.setPlainText("\n".join(a.aliases) if a else "")
        self.external.setText((a.external_id or "") if a else "")
        self.note.setText(a.note if a else "")
        self.save.setText("Save" if a else "Add actor")
        self.merge.setEnabled(a is not None)
        self.occ.setEnabled(a is not None)

    def _on_save(self) -> None:
        values = {"name": self.name.text().strip(), "type": self.type.currentData(),
                  "aliases": [x.strip() for x in self.aliases.toPlainText().splitlines() if x.strip()],
                  "external_id": self.external.text().strip() or None, "note": self.note.text().strip()}
        self.actorSaved.emit(self._current or "", values)
