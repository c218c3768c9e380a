"""The stance editor: holder (actor autocomplete) → target (from the target list, or a new one
added inline), polarity, conditions, evidence spans. Shown inside the Stances tab, never modal.

Keyboard: the holder searches names and aliases as the actor picker does (``kb.search_actors``);
Tab goes holder → target → conditions → evidence → Save; the number keys 1–5 choose the polarity
while the focus is in the editor but not in a text field, and save the stance when its holder and
target are chosen (the polarity is the last key); Enter (or Ctrl+Enter) anywhere in the editor
saves, Esc cancels. Every edit of a new stance emits ``draftChanged`` so the window can
keep it as a draft."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QCompleter,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from isfannotate.kb import search_actors

NEW_TARGET = "\x00new"


class StanceEditor(QGroupBox):
    saved = Signal(dict)             # stance_id (or None), holder, target, polarity, conditions, evidence
    cancelled = Signal()
    targetCreated = Signal(str)      # name of a new target
    addEvidenceRequested = Signal()  # add the span selected in the text
    evidenceClicked = Signal(str)    # span id
    draftChanged = Signal()          # a field of a new stance changed (keep it as a draft)

    def __init__(self, polarities: list[str], parent: QWidget | None = None) -> None:
        super().__init__("Stance", parent)
        self.setObjectName("stanceEditor")
        self._stance_id: str | None = None
        self._actors: list = []
        self.holder = QComboBox(self)
        self.holder.setObjectName("stanceHolder")
        self.holder.setEditable(True)
        self.holder.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        # one search for names and aliases, the actor picker's (B8): the completer shows its answer
        self._offers = QStringListModel(self)
        completer = QCompleter(self._offers, self.holder)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.holder.setCompleter(completer)
        self.holder.lineEdit().textEdited.connect(self._on_holder_typed)
        self.holder.lineEdit().setPlaceholderText("who holds it (type a name)")
        self.target = QComboBox(self)
        self.target.setObjectName("stanceTarget")
        self.new_target = QLineEdit(self)
        self.new_target.setObjectName("newTargetName")
        self.new_target.setPlaceholderText("name of the new target, then Enter")
        self.new_target.hide()
        self.polarity = QButtonGroup(self)
        self.polarity_buttons: dict[str, QRadioButton] = {}
        for i, p in enumerate(polarities):
            b = QRadioButton(p, self)
            b.setObjectName(f"polarity_{p}")
            b.setToolTip(f"key {i + 1}")
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)   # the number keys choose; Tab never lands here
            self.polarity.addButton(b, i)
            self.polarity_buttons[p] = b
        pol = QWidget(self)
        pol_grid = QVBoxLayout(pol)
        pol_grid.setContentsMargins(0, 0, 0, 0)
        # two lines of radio buttons so five polarities fit a narrow side panel
        first, second = QHBoxLayout(), QHBoxLayout()
        for i, b in enumerate(self.polarity_buttons.values()):
            (first if i < 3 else second).addWidget(b)
        first.addStretch(1)
        second.addStretch(1)
        pol_grid.addLayout(first)
        pol_grid.addLayout(second)
        for combo in (self.holder, self.target):
            # long actor or target names must not widen the side panel (the article would re-wrap)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(12)
        self.conditions = QLineEdit(self)
        self.conditions.setObjectName("stanceConditions")
        self.conditions.setPlaceholderText("optional, e.g. only if the ISF does not disarm Hamas")
        self.evidence = QListWidget(self)
        self.evidence.setObjectName("stanceEvidence")
        self.evidence.setWordWrap(True)
        self.evidence.setMaximumHeight(96)
        add = QPushButton("Add selected span", self)
        add.setObjectName("addEvidence")
        remove = QPushButton("Remove", self)
        remove.setObjectName("removeEvidence")
        ev_buttons = QHBoxLayout()
        ev_buttons.addWidget(add)
        ev_buttons.addWidget(remove)
        ev_buttons.addStretch(1)
        self.keys_hint = QLabel(" · ".join(f"{i + 1} {p}" for i, p in enumerate(polarities))
                                + " (saves when holder and target are set) · Enter saves · Esc cancels", self)
        self.keys_hint.setObjectName("stanceKeys")
        self.keys_hint.setWordWrap(True)
        self.keys_hint.setStyleSheet("color: palette(placeholder-text); font-size: 11px;")
        self.save = QPushButton("Save stance", self)
        self.save.setObjectName("saveStance")
        self.save.setDefault(True)
        cancel = QPushButton("Cancel", self)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.save)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Holder", self.holder)
        form.addRow("Target", self.target)
        form.addRow("", self.new_target)
        form.addRow("Polarity", pol)
        form.addRow("Conditions", self.conditions)
        form.addRow("Evidence", self.evidence)
        form.addRow("", self._wrap(ev_buttons))
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.keys_hint)
        lay.addLayout(buttons)
        self.cancel_button = cancel
        QWidget.setTabOrder(self.holder, self.target)
        QWidget.setTabOrder(self.target, self.new_target)
        QWidget.setTabOrder(self.new_target, self.conditions)
        QWidget.setTabOrder(self.conditions, self.evidence)
        QWidget.setTabOrder(self.evidence, add)
        QWidget.setTabOrder(add, remove)
        QWidget.setTabOrder(remove, self.save)
        QWidget.setTabOrder(self.save, cancel)
        for w in (self, *self.findChildren(QWidget)):
            w.installEventFilter(self)
        self.holder.completer().popup().installEventFilter(self)
        self.holder.currentIndexChanged.connect(lambda _i: self._draft())
        self.holder.lineEdit().textEdited.connect(lambda _t: self._draft())
        self.target.currentIndexChanged.connect(lambda _i: self._draft())
        self.polarity.idToggled.connect(lambda _i, on: self._draft() if on else None)
        self.conditions.textEdited.connect(lambda _t: self._draft())
        self.target.currentIndexChanged.connect(self._on_target_changed)
        self.new_target.returnPressed.connect(self._on_new_target)
        add.clicked.connect(self.addEvidenceRequested)
        remove.clicked.connect(self._remove_evidence)
        self.evidence.itemClicked.connect(lambda it: self.evidenceClicked.emit(it.data(Qt.ItemDataRole.UserRole)))
        self.save.clicked.connect(self._on_save)
        cancel.clicked.connect(self.cancelled)

    def _wrap(self, layout) -> QWidget:
        w = QWidget(self)
        layout.setContentsMargins(0, 0, 0, 0)
        w.setLayout(layout)
        return w

    # ------------------------------------------------------------------ public
    def edit(self, actors: list, targets: list, stance=None, *, holder: str | None = None,
             evidence: list[tuple[str, str]] = (), candidates: list[str] = (), target: str | None = None,
             polarity: str | None = None, conditions: str | None = None) -> None:
        """Fill the editor: an existing *stance*, or a new one with *holder* and *evidence*
        ((span id, description) pairs) prefilled; *candidates* (actor ids, e.g. the claim's
        subject and source) come first in the holder's list. *target*, *polarity* and
        *conditions* refill a draft."""
        self._stance_id = stance.id if stance else None
        self.setTitle("Edit stance" if stance else "New stance")
        self._actors = list(actors)
        self._filling = True
        self.holder.blockSignals(True)
        self.holder.clear()
        self.holder.addItem("", None)
        first = [a for c in candidates for a in actors if a.id == c]
        for a in first + [a for a in actors if a.id not in candidates]:
            self.holder.addItem(f"{a.name} ({a.type.replace('_', ' ')})", a.id)
        hid = stance.holder if stance else holder
        self.holder.setCurrentIndex(max(0, self.holder.findData(hid)) if hid else 0)
        self.holder.blockSignals(False)
        self.set_targets(targets, stance.target if stance else target)
        pol = stance.polarity if stance else polarity
        self.polarity.setExclusive(False)
        for p, b in self.polarity_buttons.items():
            b.setChecked(p == pol)
        self.polarity.setExclusive(True)
        self.conditions.setText((stance.conditions or "") if stance else (conditions or ""))
        self.evidence.clear()
        for sid, desc in evidence:
            self.add_evidence(sid, desc)
        self._filling = False
        self.show()

    @property
    def stance_id(self) -> str | None:
        return self._stance_id

    def set_targets(self, targets: list, select: str | None = None) -> None:
        self.target.blockSignals(True)
        self.target.clear()
        self.target.addItem("— choose a target —", None)
        for t in targets:
            self.target.addItem(t.name, t.id)
            if t.description:
                self.target.setItemData(self.target.count() - 1, t.description, Qt.ItemDataRole.ToolTipRole)
        self.target.addItem("+ new target…", NEW_TARGET)
        self.target.setCurrentIndex(max(0, self.target.findData(select)) if select else 0)
        self.target.blockSignals(False)
        self.new_target.hide()

    def add_evidence(self, span_id: str, description: str) -> None:
        if any(self.evidence.item(i).data(Qt.ItemDataRole.UserRole) == span_id for i in range(self.evidence.count())):
            return
        item = QListWidgetItem(description)
        item.setData(Qt.ItemDataRole.UserRole, span_id)
        self.evidence.addItem(item)

    def evidence_ids(self) -> list[str]:
        return [self.evidence.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.evidence.count())]

    def holder_id(self) -> str | None:
        """The holder: the chosen item, else the best registry match for what was typed."""
        text = self.holder.currentText().strip()
        i = self.holder.findText(text)
        if i >= 0:
            return self.holder.itemData(i)
        if not text:
            return None
        found = search_actors(self._actors, text, limit=1)
        return found[0].id if found else None

    def values(self) -> dict:
        b = self.polarity.checkedButton()
        return {"stance_id": self._stance_id, "holder": self.holder_id(), "target": self.target.currentData(),
                "polarity": b.text() if b else None, "conditions": self.conditions.text().strip() or None,
                "evidence": self.evidence_ids()}

    # --------------------------------------------------------------- internals
    _filling = False

    def _draft(self) -> None:
        if not self._filling and self._stance_id is None and self.isVisible():
            self.draftChanged.emit()

    def _on_holder_typed(self, text: str) -> None:
        found = search_actors(self._actors, text, limit=12) if text.strip() else []
        self._offers.setStringList([f"{a.name} ({a.type.replace('_', ' ')})" for a in found])
        if found:
            self.holder.completer().complete()

    def eventFilter(self, obj: QObject, e: QEvent) -> bool:  # noqa: N802 (Qt override)
        t = e.type()
        if t not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return super().eventFilter(obj, e)
        k = e.key()
        popup = self.holder.completer().popup()
        if k in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if obj is popup or obj is self.new_target or (popup.isVisible() and obj is self.holder.lineEdit()):
                return False        # the completer takes its row; the new target's name is made
            if t == QEvent.Type.ShortcutOverride:
                e.accept()          # Ctrl+Enter here saves the stance, it never marks the document done (B3)
                return True
            self.holder.completer().popup().hide()
            self._on_save()
            return True
        if k == Qt.Key.Key_Escape and obj is not popup:
            if t == QEvent.Type.ShortcutOverride:
                e.accept()
                return True
            self.cancelled.emit()
            return True
        if (Qt.Key.Key_1 <= k <= Qt.Key.Key_9 and not isinstance(obj, QLineEdit)
                and not (e.modifiers() & ~Qt.KeyboardModifier.KeypadModifier)):
            b = self.polarity.button(k - Qt.Key.Key_1)
            if b is not None:
                if t == QEvent.Type.ShortcutOverride:
                    e.accept()
                    return True
                b.setChecked(True)
                if self.holder_id() and self.target.currentData() not in (None, NEW_TARGET):
                    self._on_save()     # holder and target chosen: the polarity is the last key, it saves
                return True
        return super().eventFilter(obj, e)

    def _on_target_changed(self, _i: int) -> None:
        if self.target.currentData() == NEW_TARGET:
            self.new_target.show()
            self.new_target.setFocus()
        else:
            self.new_target.hide()

    def _on_new_target(self) -> None:
        name = self.new_target.text().strip()
        if name:
            self.new_target.clear()
            self.targetCreated.emit(name)

    def _remove_evidence(self) -> None:
        row = self.evidence.currentRow()
        if row >= 0:
            self.evidence.takeItem(row)

    def _on_save(self) -> None:
        self.saved.emit(self.values())
