"""Qt models for the review window: the queue (per document: units decided of units to decide,
open disagreements) and one document's units (state, kind, label, text, what differs, one
column per annotator with their version, the decision and the note).

Both are read-only table models over the core's ``review_queue()`` rows and ``ReviewDoc``
units (``isfannotate.review``); they build only what the view asks for. Text shown is always
plain (document text is never interpreted). UI thread only; offsets are code points.
"""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor, QFont

UnitRole = Qt.ItemDataRole.UserRole + 1
DocRole = Qt.ItemDataRole.UserRole + 2

STATE_COLOURS = {        # Okabe–Ito, pale: agree green, disagree vermillion, incomplete orange, decided blue/grey
    "agree": "#d7efe6", "disagree": "#f7d9c4", "incomplete": "#fbecc7", "accepted": "#cfe3f2", "rejected": "#e3e3e3",
}


def short(text: str, n: int = 60) -> str:
    t = " ".join(text.split())
    return t if len(t) <= n else t[:n - 1] + "…"


def version_line(unit, v: dict | None, text: str, actor_name) -> str:
    """One annotator's version of *unit* as a short plain line."""
    if v is None:
        return "—"
    if unit.kind == "span":
        s = f"{v.get('label')} “{short(text[v['start']:v['end']], 40)}”"
        return s + (f" → {actor_name(v['link'])}" if v.get("link") else "")
    if unit.kind == "claim":
        if v.get("source_kind") == "actor":
            src = actor_name(v.get("source")) if v.get("source") else "actor ?"
        else:
            src = v.get("source_kind") or "no source"
        extra = [x for x in (v.get("quote"), v.get("modality")) if x]
        return f"“{short(text[v['start']:v['end']], 30)}” ← {src}" + (f" ({', '.join(extra)})" if extra else "")
    if unit.kind == "stance":
        cond = f" if {v['conditions']}" if v.get("conditions") else ""
        return f"{actor_name(v.get('holder'))} → {actor_name(v.get('target'))}: {v.get('polarity')}{cond}"
    return f"{v.get('key')} = {v.get('value')}"


def _stance_text(unit, name) -> str:
    """A stance unit's "text": holder → target (its versions share them), by name."""
    if unit.kind != "stance" or not unit.versions:
        return ""
    v = next(iter(unit.versions.values()))
    return short(f"{name(v.get('holder'))} → {name(v.get('target'))}", 50)


class QueueModel(QAbstractTableModel):
    HEADERS = ["Document", "Decided", "Open"]

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list = []

    def set_rows(self, rows: list) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_of(self, doc_id: str) -> int:
        return next((i for i, r in enumerate(self.rows) if r.document_id == doc_id), -1)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt override)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt override)
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        if role == DocRole:
            return r.document_id
        if role == Qt.ItemDataRole.DisplayRole:
            mark = "✓ " if r.done else ""
            return [f"{mark}{short(r.title, 40)}", f"{r.decided}/{r.units}", str(r.open_disagreements)][index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{r.title} ({r.document_id}): {r.decided} of {r.units} units decided, {r.open_disagreements} open"
        return None

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 (Qt override)
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None


class UnitsModel(QAbstractTableModel):
    """One document's units. ``picked`` (annotator) is drawn bold in the current row."""

    FIXED = ["State", "Kind", "Label", "Text", "Differs"]
    TAIL = ["Decision", "Note"]

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.units: list = []
        self.coders: list[str] = []
        self.text = ""
        self.actor_name = lambda a: a or "?"
        self.picked: dict[str, str] = {}      # unit key -> annotator picked with 1–9

    def set_doc(self, rd, text: str, actor_name) -> None:
        self.beginResetModel()
        self.units = list(rd.units) if rd is not None else []
        self.coders = list(rd.coders) if rd is not None else []
        self.text = text
        self.actor_name = actor_name
        self.picked = {k: v for k, v in self.picked.items() if any(u.key == k for u in self.units)}
        self.endResetModel()

    def row_of(self, key: str) -> int:
        return next((i for i, u in enumerate(self.units) if u.key == key), -1)

    def annotator_of_column(self, column: int) -> str | None:
        i = column - len(self.FIXED)
        return self.coders[i] if 0 <= i < len(self.coders) else None

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt override)
        return 0 if parent.isValid() else len(self.units)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt override)
        return 0 if parent.isValid() else len(self.FIXED) + len(self.coders) + len(self.TAIL)

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        u = self.units[index.row()]
        col = index.column()
        n_fixed, n_coders = len(self.FIXED), len(self.coders)
        if role == UnitRole:
            return u
        if role == Qt.ItemDataRole.DisplayRole:
            if col < n_fixed:
                text = short(self.text[u.start:u.end], 50) if u.end > u.start else _stance_text(u, self.actor_name)
                return [u.state, u.kind, u.label or u.kind.upper(), text, ", ".join(u.differs()) or "—"][col]
            if col < n_fixed + n_coders:
                a = self.coders[col - n_fixed]
                return version_line(u, u.versions.get(a), self.text, self.actor_name)
            d = u.decision or {}
            if col == n_fixed + n_coders:
                if not d:
                    return ""
                chosen = d.get("chosen") or ""
                return f"{d.get('decision')}{' ' + chosen if chosen else ''} by {d.get('decided_by')}"
            return d.get("note") or ""
        if role == Qt.ItemDataRole.BackgroundRole and col == 0:
            return QColor(STATE_COLOURS.get(u.state, "#ffffff"))
        if role == Qt.ItemDataRole.FontRole and n_fixed <= col < n_fixed + n_coders:
            if self.picked.get(u.key) == self.coders[col - n_fixed]:
                f = QFont()
                f.setBold(True)
                f.setUnderline(True)
                return f
        if role == Qt.ItemDataRole.ToolTipRole:
            missing = ", ".join(u.missing) or "nobody"
            return f"{u.kind} {u.label} {u.start}–{u.end}: {u.state}; not marked by {missing}"
        return None

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 (Qt override)
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        n_fixed, n_coders = len(self.FIXED), len(self.coders)
        if section < n_fixed:
            return self.FIXED[section]
        if section < n_fixed + n_coders:
            return f"{section - n_fixed + 1} {self.coders[section - n_fixed]}"
        return self.TAIL[section - n_fixed - n_coders]
