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

from PySide6.QtCore import QPoint, QSettings

from isfannotate.errors import IsfError
from isfannotate.store.changes import Change

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


def last_view(path: Path, doc_id: str) -> tuple[int | None, str | None]:
    """How *doc_id* of the project at *path* was left: the code point at the top of the article
    (its scroll position) and the selected span's id; (None, None) when another document was."""
    v = app_settings().value(_view_key(path))
    parts = str(v).split("|", 2) if v else []
    if len(parts) != 3 or parts[2] != doc_id:
        return None, None
    scroll, span, _ = parts
    return (int(scroll) if scroll.isdigit() else None), (span or None)


def _view_key(path: Path) -> str:
    return "lastView/" + _place_key(path).partition("/")[2]


def remember_place(path: Path, doc_id: str, caret: int, settings: QSettings | None = None,
                   scroll: int | None = None, span: str | None = None) -> None:
    """Remember *doc_id* and *caret* (and *scroll*, the code point at the top of the article, and
    the selected *span*) for
    the project at *path*. Pass the window's *settings*: a ``QSettings`` made and dropped per
    call writes the file at once (~1–3 ms on every document opened); a kept one writes later,
    from the event loop or when it is synced or deleted."""
    settings = settings if settings is not None else app_settings()
    settings.setValue(_place_key(path), f"{doc_id}@{caret}")
    settings.setValue(_view_key(path), f"{scroll if scroll is not None else ''}|{span or ''}|{doc_id}")


class Places:
    """The window's memory of where each project was left, written through its kept *settings*.

    ``leave(..., later=True)`` (a document is being left for another) holds the place until
    ``write_pending``, which the window calls once the next document's side panels are filled,
    after its first paint: QSettings writes its file from the event loop, and that write
    (~1–3 ms) must not come before the paint."""

    def __init__(self, settings: QSettings) -> None:
        self.settings = settings
        self._pending: tuple | None = None

    def leave(self, path: Path, doc_id: str, view, later: bool = False) -> None:
        """Leave *doc_id* as the article *view* shows it: caret, scroll position, selected span."""
        place = (path, doc_id, view.cursor_position(), self.settings, top_code_point(view), view.selected_span_id())
        self._pending = place if later else None
        if not later:
            remember_place(*place)

    def write_pending(self, *_args) -> None:
        if self._pending is not None:
            remember_place(*self._pending)
            self._pending = None

    def restore(self, path: Path, doc_id: str, view, caret: int) -> None:
        """Show *doc_id* (just loaded in *view*) as it was left: the selected span, the caret,
        and the scroll position, set again once the window is laid out (``apply_scroll``)."""
        scroll, span = last_view(path, doc_id)
        if span is not None and view.span(span) is not None:
            view.select_span(span)
        if caret:
            view.scroll_to(min(caret, len(view.text())))
        self._scroll = (view, scroll) if scroll is not None else None
        self.apply_scroll()

    _scroll = None

    def apply_scroll(self) -> None:
        """Scroll to the remembered position (again once shown: before, the view has no size)."""
        if self._scroll is not None:
            view, cp = self._scroll
            scroll_to_top(view, cp)
            if view.isVisible():
                self._scroll = None


def top_code_point(view) -> int:
    """The code point at the top left of the article *view* (where it is scrolled to)."""
    return view.offsets.from_qt(view.cursorForPosition(QPoint(0, 0)).position())


def scroll_to_top(view, cp: int) -> None:
    """Scroll *view* so the line holding code point *cp* is its first. A plain text view scrolls
    by lines and counts a block it has not laid out yet as one line, so the line number is the
    block's first line (as the view counts it now) plus the line of *cp* inside the block."""
    q = view.offsets.to_qt(min(max(cp, 0), len(view.text())))
    block = view.document().findBlock(q)
    if not block.isValid():
        return
    layout = block.layout()
    line = layout.lineForTextPosition(q - block.position()) if layout is not None else None
    inside = line.lineNumber() if line is not None and line.isValid() else 0
    view.verticalScrollBar().setValue(block.firstLineNumber() + inside)


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
