"""Starting the desktop app: ``create_main_window`` (for tests and scripts) and ``run`` (the CLI's ``gui``)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

# The Qt-free core (pydantic, the store: ~150 modules) is imported before PySide6, not after: once
# PySide6 is loaded, its import hook reads the source of every module that imports anything (to
# look for "PySide6" in it), and the core's modules never use Qt. Same modules, less CPU at start.
from isfannotate.cli.common import GUI_WINDOWS as WINDOWS
from isfannotate.errors import IsfError

# isort: split
from PySide6.QtCore import QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from .main_window import MainWindow

_QUIET = ("This plugin does not support propagateSizeHints()", "This plugin does not support raise()")


def _qt_messages(mode: QtMsgType, context, message: str) -> None:
    """Drop the offscreen plugin's harmless chatter; pass everything else to stderr."""
    if message not in _QUIET:
        sys.stderr.write(message + "\n")


def ensure_app() -> QApplication:
    """The application, made once. Qt's raster engine splits every fill taller than ~96 lines over a
    thread pool and waits for it; for a window's small fills (a scroll bar, a list's background)
    waking a thread costs more than the fill, and on a busy 2-core machine the wait is for a core:
    a 16 × 300 scroll bar took 0.55 ms wall with the pool, 0.16 ms without (docs/benchmarks.md). So
    the pool is off (``QT_NO_GUI_THREADPOOL``, which Qt reads once) unless the environment says
    otherwise (``ISFANNOTATE_QT_THREADPOOL=1`` keeps it)."""
    app = QApplication.instance()
    if app is None:
        if os.environ.get("ISFANNOTATE_QT_THREADPOOL") != "1":
            os.environ.setdefault("QT_NO_GUI_THREADPOOL", "1")
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


def take_screenshot(window: MainWindow, path: str | Path, shown: QWidget | None = None) -> None:
    """Grab *shown* (a window opened from *window* by :func:`open_window`; default the main
    window) once it has settled: events processed, side panels filled, jobs ended."""
    ensure_app()
    window.show()
    if shown is not None and shown is not window:
        shown.show()
    settle(window)
    (shown or window).grab().save(str(path))


def settle(window: MainWindow, timeout: float = 120.0) -> None:
    """Process events until *window*'s jobs (e.g. the agreement's) have ended and delivered
    their results, and its side panels are filled. UI thread only."""
    import time
    app = ensure_app()
    for _ in range(5):
        app.processEvents()
    end = time.monotonic() + timeout
    while window.files.jobs and time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)
    for _ in range(5):
        app.processEvents()
    window.session.settle()     # the side panels too, if a paint has not filled them yet


def open_window(window: MainWindow, name: str, document: str | None = None) -> QWidget:
    """Open the window called *name* (``WINDOWS``) from the main *window*, with content to look
    at: the review on *document* (or the first open disagreement), the agreement over every
    annotator, the stance map (every annotator side by side when gold has no stance), the
    progress board, the first annotator's feedback. Returns it (the main window for "main")."""
    if name not in WINDOWS:
        raise IsfError(f"--window {name!r}: choose from {', '.join(WINDOWS)}")
    if name == "main":
        return window
    if name == "review":
        return window.reviewing.show_review(document)
    if name == "agreement":
        return window.team.show_agreement()
    if name == "progress":
        return window.team.show_board()
    if name == "feedback":
        return window.reviewing.show_feedback()
    if name == "suggestions":
        return window.kb.model.open_window()
    sm = window.analysis.show_stance_map()
    if sm.smap is not None and not sm.smap.cells:
        from isfannotate.stancemap import ALL
        sm.set_layer(ALL)
        sm.refresh()
    if sm.smap is not None and sm.smap.cells:
        layer, holder, target = next(iter(sm.smap.cells))
        sm.select_cell(holder, target, layer)
    return sm


def run(project_path: str, annotator: str | None = None, screenshot: str | None = None,
        document: str | None = None, size: str = "1280x800", window_name: str = "main") -> int:
    """Open the window (event loop) or, with *screenshot*, render it to a PNG and exit.
    *window_name* (``WINDOWS``) opens that window too and, with *screenshot*, grabs it.
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
        try:
            window.resize(int(w), int(h))
            window.show()
            shown = open_window(window, window_name, document)   # IsfError: e.g. no such document
            shown.resize(int(w), int(h))
            take_screenshot(window, screenshot, shown)
        finally:
            window.close()          # releases the project, also when refused
        print(f"screenshot written to {screenshot}")
        return 0
    window.show()
    if window_name != "main":
        open_window(window, window_name, document)
    if not annotator:
        QTimer.singleShot(0, window.ask_annotator)
    return app.exec()
