"""File → Team…: the team database (PostgreSQL) as the window sees it.

The server (a connection string without password, or a libpq service name), the annotator's
name, **Join** (a new working copy of the team's project for that annotator) and **Link** (this
project), **Sync now**, the automatic sync (every N minutes, or off), the last sync's result, and
for a lead the team's status (per annotator: assigned, done, last sync). The dialog only collects
and shows: it emits requests and the ``TeamDbController`` runs them as jobs (nothing here talks to
the server). Opened with ``open()``, never ``exec()``.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

STATUS_COLUMNS = ["Annotator", "Assigned", "Done", "Pending", "Last sync"]


def password_in(dsn: str) -> bool:
    """True when *dsn* carries a password (``password=…`` or ``user:secret@host``): those belong in
    ~/.pgpass or the service file, never in a project file."""
    text = dsn.strip()
    if "password=" in text.replace(" ", "").lower():
        return True
    if "://" in text:
        auth = text.split("://", 1)[1].split("/", 1)[0]
        return "@" in auth and ":" in auth.rsplit("@", 1)[0]
    return False


class TeamDbDialog(QDialog):
    joinRequested = Signal(str, str)      # server, annotator: a new working copy for them
    linkRequested = Signal(str)           # server: link the open project to it
    syncRequested = Signal()
    statusRequested = Signal()            # a lead's Refresh of the team table
    autoSyncChanged = Signal(int)         # minutes between automatic syncs; 0: off

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Team database")
        self.setObjectName("teamDbDialog")
        self.resize(640, 600)
        self.linked = QLabel("", self)
        self.linked.setObjectName("teamLinked")
        self.linked.setWordWrap(True)
        self.server = QLineEdit(self)
        self.server.setObjectName("teamServer")
        self.server.setPlaceholderText("host=db.example.org dbname=team user=alice   or   service=ourteam")
        self.server.setToolTip("A PostgreSQL connection string without the password (libpq reads it from "
                               "~/.pgpass), or service=NAME from ~/.pg_service.conf")
        self.annotator = QLineEdit(self)
        self.annotator.setObjectName("teamAnnotator")
        self.annotator.setPlaceholderText("your name in the team (the lead gave it to you)")
        self.join = QPushButton("Join…", self)
        self.join.setObjectName("teamJoin")
        self.join.setToolTip("Make a new project file on this computer: your working copy of the team's project")
        self.link = QPushButton("Link this project", self)
        self.link.setObjectName("teamLink")
        self.link.setToolTip("Sync the project open in this window with the team database")
        self.sync = QPushButton("Sync now", self)
        self.sync.setObjectName("teamSyncNow")
        self.sync.setDefault(True)
        self.auto = QCheckBox("Sync automatically every", self)
        self.auto.setObjectName("teamAutoSync")
        self.minutes = QSpinBox(self)
        self.minutes.setObjectName("teamAutoMinutes")
        self.minutes.setRange(1, 240)
        self.minutes.setSuffix(" min")
        self.minutes.setValue(5)
        self.report = QPlainTextEdit(self)
        self.report.setObjectName("teamLastSync")
        self.report.setReadOnly(True)
        self.report.setPlaceholderText("no sync yet in this session")
        self.report.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.report.setMinimumHeight(70)
        self.error = QLabel("", self)
        self.error.setObjectName("teamError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")

        conn = QGroupBox("Server", self)
        form = self.form = QFormLayout(conn)
        form.addRow(self.linked)
        form.addRow("Server", self.server)
        form.addRow("Annotator", self.annotator)
        row = QHBoxLayout()
        row.addWidget(self.join)
        row.addWidget(self.link)
        row.addStretch(1)
        form.addRow(row)

        syncing = self.syncing = QGroupBox("Sync", self)
        sl = QVBoxLayout(syncing)
        row = QHBoxLayout()
        row.addWidget(self.sync)
        row.addSpacing(16)
        row.addWidget(self.auto)
        row.addWidget(self.minutes)
        row.addStretch(1)
        sl.addLayout(row)
        sl.addWidget(QLabel("Last sync", self))
        sl.addWidget(self.report, 1)

        self.team_box = QGroupBox("Team (lead)", self)
        self.team_box.setObjectName("teamStatusBox")
        tl = QVBoxLayout(self.team_box)
        self.table = QTableWidget(0, len(STATUS_COLUMNS), self)
        self.table.setObjectName("teamStatus")
        self.table.setHorizontalHeaderLabels(STATUS_COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.refresh = QPushButton("Refresh", self)
        self.refresh.setObjectName("teamRefresh")
        tl.addWidget(self.table)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.refresh)
        tl.addLayout(row)

        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        lay = self.lay = QVBoxLayout(self)
        lay.addWidget(conn)
        lay.addWidget(syncing, 1)
        lay.addWidget(self.team_box, 2)
        lay.addWidget(self.error)
        lay.addWidget(close)

        self.join.clicked.connect(self._on_join)
        self.link.clicked.connect(self._on_link)
        self.sync.clicked.connect(self._on_sync)
        self.refresh.clicked.connect(self.statusRequested.emit)
        self.auto.toggled.connect(self._on_auto_changed)
        self.minutes.valueChanged.connect(self._on_auto_changed)
        self.set_link(None, None, lead=False)

    # ------------------------------------------------------------ filling
    def set_link(self, server: str | None, annotator: str | None, *, lead: bool, shown: str | None = None,
                 last_sync: str | None = None) -> None:
        """Show what the open project is linked to: *server* (its address, None: not linked),
        *shown* (how it is named: user@host:port/database), the last sync's time."""
        if server:
            who = "the lead's project" if lead else f"annotator {annotator}" if annotator else "linked"
            when = f"; last synced {last_sync.replace('T', ' ').replace('Z', ' UTC')}" if last_sync else ""
            self.linked.setText(f"This project syncs with <b>{_escape(shown or server)}</b> ({who}{when}).")
            self.server.setText(server)
            if annotator:
                self.annotator.setText(annotator)
        else:
            self.linked.setText("This project is not linked to a team database. Join a team (a new working "
                                "copy) or link this project.")
        self.form.setRowVisible(self.annotator, not (server and lead))   # a lead is no annotator
        self.sync.setEnabled(bool(server))
        team = bool(server) and lead
        self.team_box.setVisible(team)
        self.lay.setStretchFactor(self.syncing, 0 if team else 1)
        self.report.setMaximumHeight(110 if team else 16777215)

    def set_auto(self, minutes: int) -> None:
        """Show the automatic sync's setting without emitting ``autoSyncChanged``."""
        for w in (self.auto, self.minutes):
            w.blockSignals(True)
        self.auto.setChecked(minutes > 0)
        if minutes > 0:
            self.minutes.setValue(minutes)
        self.minutes.setEnabled(minutes > 0)
        for w in (self.auto, self.minutes):
            w.blockSignals(False)

    def set_busy(self, what: str | None) -> None:
        """While a request runs (*what*: "syncing…"), its buttons wait; None: free again."""
        for b in (self.join, self.link, self.sync, self.refresh):
            b.setEnabled(what is None)
        if what is None and not self.linked.text().startswith("This project syncs"):
            self.sync.setEnabled(False)
        if what:
            self.error.setText("")
            self.report.setPlaceholderText(what)

    def show_report(self, lines: list[str]) -> None:
        self.error.setText("")
        self.report.setPlainText("\n".join(lines))

    def show_error(self, message: str) -> None:
        self.error.setText(message)

    def set_status(self, rows: list[tuple[object, ...]]) -> None:
        """*rows*: (annotator, assigned, done, pending, last sync or None) per annotator."""
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                item = QTableWidgetItem("never" if value is None else str(value))
                if isinstance(value, int):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)

    # ------------------------------------------------------------ requests
    def _server(self) -> str | None:
        dsn = self.server.text().strip()
        if not dsn:
            self.error.setText("name the server first: a connection string, or service=NAME")
            return None
        if password_in(dsn):
            self.error.setText("no password here: put it in ~/.pgpass (or the service file); the project "
                               "keeps the server without it")
            return None
        return dsn

    def _on_join(self) -> None:
        dsn = self._server()
        name = self.annotator.text().strip()
        if dsn is None:
            return
        if not name:
            self.error.setText("your name in the team first (the lead added it on the server)")
            return
        self.joinRequested.emit(dsn, name)

    def _on_link(self) -> None:
        dsn = self._server()
        if dsn is not None:
            self.linkRequested.emit(dsn)

    def _on_sync(self) -> None:
        self.syncRequested.emit()

    def _on_auto_changed(self, *_args: object) -> None:
        self.minutes.setEnabled(self.auto.isChecked())
        self.autoSyncChanged.emit(self.minutes.value() if self.auto.isChecked() else 0)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
