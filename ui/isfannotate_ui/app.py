"""Starting the desktop app: ``create_main_window`` (for tests and scripts) and ``run`` (the CLI's ``gui``)."""
from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QtMsgType, QTimer, qInstallMessageHandler
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from isfannotate.errors import IsfError

from .main_window import MainWindow


_QUIET = ("This plugin does not support propagateSizeHints()",)


def _qt_messages(mode: QtMsgType, context, message: str) -> None:
    """Drop the offscreen plugin's harmless chatter; pass everything else to stderr."""
    if message not in _QUIET:
        sys.stderr.write(message + "\n")


def ensure_app() -> QApplication:
    app = QApplication.instance()
    if app is None:
        qInstallMessageHandler(_qt_messages)
        app = QApplication(sys.argv[:1])
        app.setApplicationName("isfannotate")
        app.setOrganizationName("isfannotate")
    return app


def create_main_window(project_path: str | Path, annotator: str | None) -> MainWindow:
    """Build the main window on *project_path* for *annotator* without starting the event loop.
    Raises ``ProjectLocked`` (one line naming the owner) when another program or window has the
    project open: one owner per project."""
    ensure_app()
    return MainWindow(project_path, annotator)


def take_screenshot(window: MainWindow, path: str | Path) -> None:
    app = ensure_app()
    window.show()
    for _ in range(5):
        app.processEvents()
    window.session.settle()     # the side panels too, if a paint has not filled them yet
    window.grab().save(str(path))


def run(project_path: str, annotator: str | None = None, screenshot: str | None = None,
        document: str | None = None, size: str = "1280x800") -> int:
    """Open the window (event loop) or, with *screenshot*, render it to a PNG and exit.
    Without an annotator (and no remembered one) the window asks once, non-blocking."""
    from isfannotate import settings
    app = ensure_app()
    if annotator is None:
        annotator = settings.get("annotator")
    try:
        window = MainWindow(project_path, annotator, remember_layout=not screenshot)
    except IsfError as e:
        # e.g. ProjectLocked: the project is open in another program or window. The command
        # line prints the one line; on a desktop (no terminal to read) it is also shown.
        if not screenshot and QGuiApplication.platformName() not in ("offscreen", "minimal"):
            box = QMessageBox(QMessageBox.Icon.Warning, "isfannotate", str(e), QMessageBox.StandardButton.Ok)
            box.finished.connect(app.quit)
            box.open()
            app.exec()
        raise
    if document:
        window.show_document(document)
    if screenshot:
        w, _, h = size.partition("x")
        window.resize(int(w), int(h))
        take_screenshot(window, screenshot)
        window.close()
        print(f"screenshot written to {screenshot}")
        return 0
    window.show()
    if not annotator:
        QTimer.singleShot(0, window.ask_annotator)
    return app.exec()
