"""The pieces of the window that its controllers may use, handed to them at construction.

A controller (actors, claims, labelling, files) gets a :class:`WindowParts` and a
:class:`~isfannotate_ui.session.Session`; it never imports the window and never reads the
window's own members. The window builds the parts, then the controllers, then connects their
signals. Everything here lives on the UI thread.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QMainWindow, QTabWidget, QWidget

from .annotate.annotations_panel import AnnotationsPanel
from .annotate.article_view import ArticleView


def typing_key(seq: QKeySequence) -> bool:
    """True for a key that types something in a field: a letter, digit or sign, alone or with
    Shift (``A``, ``Shift+A``, ``1``). Such keys act only while the article view has focus."""
    if seq.count() != 1:
        return False
    combo = seq[0]
    mods = combo.keyboardModifiers() & ~Qt.KeyboardModifier.ShiftModifier & ~Qt.KeyboardModifier.KeypadModifier
    key = combo.key()
    return mods == Qt.KeyboardModifier.NoModifier and 0x20 < int(key.value if hasattr(key, "value") else key) < 0x7f


class Menus:
    """The window's menus and the one way to add a menu action with keys."""

    def __init__(self, window: QMainWindow, view: QWidget,
                 guard: Callable[[Callable[..., object]], Callable[..., object]] = lambda slot: slot) -> None:
        """*guard* wraps every action's slot (the window passes ``Session.guarded``: an error
        such as "busy" becomes a status-bar line)."""
        self._window = window
        self._view = view
        self.guard = guard
        mb = window.menuBar()
        self.file = mb.addMenu("&File")
        self.edit = mb.addMenu("&Edit")
        self.view = mb.addMenu("&View")
        self.annotate = mb.addMenu("&Annotate")
        self.review = mb.addMenu("&Review")
        self.help = mb.addMenu("&Help")

    def add(self, text: str, slot: Callable[[], object], shortcut=None, menu=None, tip: str = "",
            view_only: bool = False) -> QAction:
        """A menu action with keys (a key sequence, a standard key, or a list of sequences).
        *view_only* keys (Tab, Enter, Delete) act only while the article view has focus, so they
        keep their usual meaning in fields and lists. Keys that type (a letter, a digit) are
        always view-only: in a field they are typed, never taken as a command."""
        a = QAction(text, self._window)
        if shortcut is not None:
            a.setShortcuts(shortcut if isinstance(shortcut, list) else [QKeySequence(shortcut)])
            view_only = view_only or all(typing_key(seq) for seq in a.shortcuts())
            a.setShortcutContext(Qt.ShortcutContext.WidgetShortcut if view_only else Qt.ShortcutContext.WindowShortcut)
        guarded = self.guard(slot)
        a.triggered.connect(lambda _checked=False: guarded())
        if tip:
            a.setStatusTip(tip)
        (self._view if view_only else self._window).addAction(a)
        if menu is not None:
            menu.addAction(a)
        return a


class Dialogs:
    """Keeps the window's open non-modal dialogs alive (Python must hold a reference) and opens
    them with ``open()``, never ``exec()``. A dialog is dropped when it finishes."""

    def __init__(self) -> None:
        self._open: list[QDialog] = []

    def show(self, dlg: QDialog) -> QDialog:
        self._open.append(dlg)
        dlg.finished.connect(lambda _result, d=dlg: self._forget(d))
        dlg.open()
        return dlg

    def _forget(self, dlg: QDialog) -> None:
        if dlg in self._open:
            self._open.remove(dlg)

    def __len__(self) -> int:
        return len(self._open)

    def __getitem__(self, i: int) -> QDialog:
        return self._open[i]

    def __iter__(self):
        return iter(self._open)


@dataclass(frozen=True)
class WindowParts:
    """What a controller may touch: the article view, the side panel and its Annotations tab,
    the menus, the dialogs, and the window itself only as the parent of dialogs."""

    window: QWidget
    view: ArticleView
    side: QTabWidget
    annotations: AnnotationsPanel
    menus: Menus
    dialogs: Dialogs
