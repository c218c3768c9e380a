"""The progress board (Review → Progress Board…): one row per annotator with the documents
assigned to them and done, their annotations, and their active time.

**Active time** is estimated from the timestamps the project keeps of each annotator's work
(spans and stances created, document statuses changed): the gaps between consecutive
timestamps are added up, counting a gap longer than ``IDLE_GAP`` seconds as a break (it adds
nothing). Label Studio records a lead time per annotation the same way. It is an estimate:
work that was later deleted leaves no timestamp, and merged files keep their annotators'
original times. Double-clicking a row shows that annotator's layer (read-only).
Reads go through the window's one project (``Project.work_by_annotator``). UI thread only.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

IDLE_GAP = 300      # seconds: a longer pause between two actions counts as a break


def _seconds(ts: str) -> float | None:
    try:
        return datetime.fromisoformat(ts.replace("Z", "+00:00")).timestamp()
    except (ValueError, AttributeError):
        return None


def active_seconds(timestamps: Iterable[str], idle_gap: float = IDLE_GAP) -> float:
    """Seconds of work implied by *timestamps* (ISO strings, any order): the sum of the gaps
    between consecutive ones that are at most *idle_gap* long."""
    xs = sorted(x for x in (_seconds(t) for t in timestamps) if x is not None)
    return sum(b - a for a, b in zip(xs, xs[1:], strict=False) if b - a <= idle_gap)


def hours_minutes(seconds: float) -> str:
    m = int(round(seconds / 60))
    return f"{m // 60} h {m % 60:02d} min" if m >= 60 else f"{m} min"


@dataclass
class Row:
    annotator: str
    assigned: int
    done: int
    done_assigned: int
    in_progress: int
    spans: int
    stances: int
    active: float
    last: str | None


def board_rows(project) -> list[Row]:
    """One row per annotator (assigned or with work), from one read of the project
    (``Project.work_by_annotator``)."""
    rows = []
    for a, work in project.work_by_annotator().items():
        mine = set(work.assigned)
        done = {d for d, s in work.statuses.items() if s == "done"}
        stamps = work.timestamps
        rows.append(Row(a, len(mine), len(done), len(done & mine),
                        sum(1 for s in work.statuses.values() if s == "in_progress"), work.spans, work.stances,
                        active_seconds(stamps), max(stamps) if stamps else None))
    return rows


def documents_done(project, annotators: list[str]) -> int:
    """How many documents at least one of *annotators* marked done (each counted once)."""
    work = project.work_by_annotator()
    return len({d for a in annotators if a in work for d, s in work[a].statuses.items() if s == "done"})


class ProgressBoard(QWidget):
    layerRequested = Signal(str)     # show this annotator's layer in the window

    HEADERS = ["Annotator", "Assigned", "Done (of assigned)", "In progress", "Spans", "Stances", "Active time",
               "Last action"]

    def __init__(self, project_reader: Callable[[], object], parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("progressBoard")
        self.setWindowTitle("Progress board")
        self._project = project_reader
        self.rows: list[Row] = []
        self.table = QTableWidget(0, len(self.HEADERS), self)
        self.table.setObjectName("progressTable")
        self.table.setHorizontalHeaderLabels(self.HEADERS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.total = QLabel(self)
        self.total.setObjectName("progressTotal")
        self.total.setTextFormat(Qt.TextFormat.PlainText)
        note = QLabel(f"Active time adds up the gaps between an annotator's recorded actions; a pause longer than "
                      f"{IDLE_GAP // 60} minutes counts as a break. Double-click a row to see that layer.", self)
        note.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.total)
        lay.addWidget(note)
        self.table.cellDoubleClicked.connect(lambda r, _c: self.layerRequested.emit(self.rows[r].annotator))
        self.resize(900, 360)

    def refresh(self) -> None:
        p = self._project()
        try:
            self.rows = board_rows(p)
        except Exception as e:  # noqa: BLE001 (busy while a job runs: said, not raised)
            self.total.setText(f"⚠ {e}")
            return
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            pct = f" ({100 * row.done_assigned // row.assigned}%)" if row.assigned else ""
            last = (row.last or "—")[:16].replace("T", " ")
            values = [row.annotator, str(row.assigned), f"{row.done} ({row.done_assigned}){pct}", str(row.in_progress),
                      str(row.spans), str(row.stances), hours_minutes(row.active), last]
            for c, v in enumerate(values):
                item = QTableWidgetItem(v)
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        n_docs = p.document_count()
        marks, docs_done = sum(r.done for r in self.rows), documents_done(p, [r.annotator for r in self.rows])
        self.total.setText(f"{len(self.rows)} annotators · {n_docs} documents, {docs_done} done by at least one "
                           f"annotator · {marks} done marks in all · "
                           f"{hours_minutes(sum(r.active for r in self.rows))} active in all")
