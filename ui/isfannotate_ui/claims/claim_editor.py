"""The claim part of a CLAIM span's details: its source (an ACTOR span of the document, a
registry actor, or the article itself), its cue span and its quote type (direct / reported).
Every change leaves as one ``claimEdited`` signal carrying
the whole claim (the core's ``set_claim`` arguments)."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QPushButton, QWidget


class ClaimEditor(QWidget):
    claimEdited = Signal(dict)    # source_kind, source_actor, source_span, cue_span, quote
    pickRequested = Signal(str)   # "source" | "cue": the next span clicked in the text is used

    def __init__(self, claim, actor_spans: list[tuple[str, str]], cue_spans: list[tuple[str, str]], actors: list,
                 parent: QWidget | None = None) -> None:
        """*actor_spans* / *cue_spans*: (span id, description) of the document's ACTOR / CUE spans."""
        super().__init__(parent)
        self.source = QComboBox(self)
        self.source.setObjectName("claimSource")
        self.source.addItem("— no source yet —", "")
        self.source.addItem("the article itself", "article")
        for sid, desc in actor_spans:
            self.source.addItem(desc, f"span:{sid}")
        self.source.insertSeparator(self.source.count())
        for a in actors:
            self.source.addItem(f"{a.name} ({a.type.replace('_', ' ')})", f"actor:{a.id}")
        self.source.setMaxVisibleItems(20)
        self.source.setMinimumContentsLength(18)
        self.source.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.cue = QComboBox(self)
        self.cue.setObjectName("claimCue")
        self.cue.addItem("— no cue —", None)
        for sid, desc in cue_spans:
            self.cue.addItem(desc, sid)
        self.cue.setMinimumContentsLength(18)
        self.cue.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        for combo in (self.source, self.cue):   # the list shows each mention's words around it in full
            combo.view().setMinimumWidth(460)
            combo.view().setTextElideMode(Qt.TextElideMode.ElideNone)
        self.quote = QComboBox(self)
        self.quote.setObjectName("claimQuote")
        for text, value in (("—", None), ("direct", "direct"), ("reported", "reported")):
            self.quote.addItem(text, value)
        self._set_current(claim)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Source", self._with_pick(self.source, "source"))
        form.addRow("Cue", self._with_pick(self.cue, "cue"))
        form.addRow("Quote", self.quote)
        self.source.currentIndexChanged.connect(lambda _i: self._emit())
        self.cue.currentIndexChanged.connect(lambda _i: self._emit())
        self.quote.currentIndexChanged.connect(lambda _i: self._emit())

    def _with_pick(self, combo: QComboBox, which: str) -> QWidget:
        w = QWidget(self)
        row = QHBoxLayout(w)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(combo, 1)
        pick = QPushButton("pick", w)
        pick.setMaximumWidth(48)
        pick.setObjectName(f"pick_{which}")
        pick.setToolTip(f"Click the {which} span in the text next")
        pick.clicked.connect(lambda: self.pickRequested.emit(which))
        row.addWidget(pick)
        return w

    def _set_current(self, claim) -> None:
        for combo in (self.source, self.cue, self.quote):
            combo.blockSignals(True)
        if claim is None or claim.source_kind is None:
            self.source.setCurrentIndex(0)
        elif claim.source_kind == "article":
            self.source.setCurrentIndex(1)
        else:
            i = self.source.findData(f"span:{claim.source_span}") if claim.source_span else -1
            if i < 0:
                i = self.source.findData(f"actor:{claim.source_actor}")
            self.source.setCurrentIndex(max(0, i))
        self.cue.setCurrentIndex(max(0, self.cue.findData(claim.cue_span)) if claim and claim.cue_span else 0)
        self.quote.setCurrentIndex(max(0, self.quote.findData(claim.quote)) if claim and claim.quote else 0)
        for combo in (self.source, self.cue, self.quote):
            combo.blockSignals(False)

    def select_source(self, kind: str, value: str | None = None) -> None:
        """Choose the source: ("article"), ("span", span id) or ("actor", actor id)."""
        i = self.source.findData(kind if value is None else f"{kind}:{value}")
        if i < 0:
            raise KeyError((kind, value))
        self.source.setCurrentIndex(i)

    def select_cue(self, span_id: str | None) -> None:
        i = self.cue.findData(span_id)
        if i < 0:
            raise KeyError(span_id)
        self.cue.setCurrentIndex(i)

    def values(self) -> dict:
        kind, _, value = (self.source.currentData() or "").partition(":")
        out = {"source_kind": None, "source_actor": None, "source_span": None, "cue_span": self.cue.currentData(),
               "quote": self.quote.currentData()}
        if kind == "article":
            out["source_kind"] = "article"
        elif kind == "span":
            out["source_kind"], out["source_span"] = "actor", value
        elif kind == "actor":
            out["source_kind"], out["source_actor"] = "actor", value
        return out

    def _emit(self) -> None:
        self.claimEdited.emit(self.values())
