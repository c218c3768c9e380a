"""What the window remembers between sessions and how it names what it did.

- The last document and caret of each project (QSettings, keyed by the project file's path), so
  the app reopens where the annotator left off.
- The first start's split of the window into documents / article / side panel.
- An action named with its text ("annotate ACTOR “State Department”"), for undo and redo.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from PySide6.QtCore import QSettings

from isfannotate.changes import Change
from isfannotate.errors import IsfError

from .app_settings import app_settings

_SPAN_DESC = re.compile(r"(\S+) (\d+)-(\d+)$")


def _place_key(path: Path) -> str:
    return "lastPlace/" + hashlib.sha1(str(Path(path).resolve()).encode()).hexdigest()[:16]


def last_place(path: Path) -> tuple[str | None, int]:
    """The document and caret (code points) the project at *path* was left at, or (None, 0)."""
    v = app_settings().value(_place_key(path))
    if not v or "@" not in str(v):
        return None, 0
    doc, _, pos = str(v).rpartition("@")
    return doc, int(pos) if pos.isdigit() else 0


def remember_place(path: Path, doc_id: str, caret: int, settings: QSettings | None = None) -> None:
    """Remember *doc_id* and *caret* for the project at *path*. Pass the window's *settings*: a
    ``QSettings`` made and dropped per call writes the file at once (~1–3 ms on every document
    opened); a kept one writes later, from the event loop or when it is synced or deleted."""
    (settings if settings is not None else app_settings()).setValue(
        _place_key(path), f"{doc_id}@{caret}")


class Places:
    """The window's memory of where each project was left, written through its kept *settings*.

    ``leave(..., later=True)`` (a document is being left for another) holds the place until
    ``write_pending``, which the window calls once the next document's side panels are filled,
    after its first paint: QSettings writes its file from the event loop, and that write
    (~1–3 ms) must not come before the paint."""

    def __init__(self, settings: QSettings) -> None:
        self.settings = settings
        self._pending: tuple | None = None

    def leave(self, path: Path, doc_id: str, caret: int, later: bool = False) -> None:
        self._pending = (path, doc_id, caret) if later else None
        if not later:
            remember_place(path, doc_id, caret, self.settings)

    def write_pending(self, *_args) -> None:
        if self._pending is not None:
            remember_place(*self._pending, self.settings)
            self._pending = None


def restore_layout(settings: QSettings, window, splitter) -> bool:
    """Restore *window*'s geometry and *splitter*'s pane widths from *settings*. True when there
    were no widths (the first start): split the panes when first shown (``first_split``)."""
    geo = settings.value("window/geometry")
    if geo is not None:
        window.restoreGeometry(geo)
    else:
        # the first start: most of the screen (a 1600×1000 screen gives 1440×900), centred
        screen = window.screen().availableGeometry()
        w, h = int(screen.width() * 0.9), int(screen.height() * 0.9)
        window.resize(w, h)
        window.move(screen.x() + (screen.width() - w) // 2, screen.y() + (screen.height() - h) // 2)
    state = settings.value("window/splitter")
    if state is not None:
        splitter.restoreState(state)
        return False
    return True


def first_split(width: int) -> list[int]:
    """Documents ~22%, side panel ~30%, the article the rest; with room enough (1200 px), the
    panes are never narrower than they were before (250 / 410)."""
    docs, side = int(width * 0.22), int(width * 0.30)
    if width >= 1200:
        docs, side = max(250, docs), max(410, side)
    return [docs, width - docs - side, side]


def describe_change(change: Change, text: str | None, project) -> str:
    """The change as the window names it, a span by its text: *text* is its document's text when
    known (else it is read from *project*, if it can be)."""
    desc = change.description or ""
    m = _SPAN_DESC.search(desc)
    if m and change.document_id is not None:
        start, end = int(m.group(2)), int(m.group(3))
        if text is None:
            try:
                text = project.document(change.document_id).text
            except IsfError:
                text = None
        if text is not None and end <= len(text):
            t = " ".join(text[start:end].split())
            desc = desc[:m.start()] + f"{m.group(1)} “{t if len(t) <= 40 else t[:39] + '…'}”"
    return f"{change.action} {desc}".strip()
