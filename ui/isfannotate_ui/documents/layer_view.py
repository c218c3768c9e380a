"""View → Layer: show any layer of the project read-only, and open a span in a given layer.

The window shows one layer at a time (``Session.annotator``). One's own layer is editable;
another annotator's layer, ``unanimous`` (derived, as the export builds it) and ``gold`` are
shown read-only, with a banner above the article saying whose layer it is and how to go back,
and every edit refused with a status-bar line (``Session.refuse_read_only``).

``LayerController`` builds the menu (filled each time it opens, from ``Project.layers()``),
owns the banner, and offers :meth:`LayerController.open_span`, which the stance map's evidence
list and the agreement view call to land on a span in a layer. It asks the window to show a
document through the ``documentRequested`` signal; it never touches the window's members.
UI thread only; offsets are code points.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QLabel, QMenu, QWidget

from isfannotate.models import GOLD, UNANIMOUS

from ..parts import WindowParts
from ..session import Session


class LayerBanner(QLabel):
    """The line above the article while a read-only layer is shown (hidden otherwise)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("layerBanner")
        self.setTextFormat(self.textFormat().PlainText)
        self.setStyleSheet("background: #FFF3CD; color: #5c4400; padding: 4px 8px; border-bottom: 1px solid #E69F00;")
        self.setWordWrap(False)
        self.hide()

    def show_layer(self, layer: str, me: str | None) -> None:
        what = {GOLD: "the gold layer", UNANIMOUS: "the unanimous layer (what every annotator who marked "
                "the document done agrees on)"}.get(layer, f"{layer}'s layer")
        back = f"View → Layer → {me} to edit your own" if me else "nothing can be edited here"
        self.setText(f"Read-only: showing {what}. {back} (Ctrl+Shift+L).")
        self.show()


class LayerController(QObject):
    documentRequested = Signal(str)     # the window shows this document (in the shown layer)
    layerShown = Signal(str)            # after the layer changed and the document was shown again

    def __init__(self, session: Session, parts: WindowParts) -> None:
        super().__init__(parts.window)
        self.session = session
        self.parts = parts
        self.banner = LayerBanner(parts.window)
        self.menu: QMenu | None = None
        self._group: QActionGroup | None = None

    def build_actions(self) -> None:
        m = self.parts.menus
        self.menu = m.view.addMenu("&Layer")
        self.menu.setObjectName("layerMenu")
        self.menu.aboutToShow.connect(self.session.guarded(self.fill_menu))
        m.add("Show &My Layer", lambda: self.show_layer(None), "Ctrl+Shift+L", m.view,
              tip="back to your own, editable layer")

    def layer_choices(self) -> list[str]:
        """The layers View → Layer offers: one's own first, the annotators', unanimous, gold."""
        me = self.session.me
        others = [L for L in self.session.project.layers() if L != me]
        return ([me] if me else []) + others + [UNANIMOUS, GOLD]

    def fill_menu(self) -> None:
        self.menu.clear()
        self._group = QActionGroup(self.menu)
        for layer in self.layer_choices():
            text = f"{layer} (mine)" if layer == self.session.me else layer
            act = QAction(text, self.menu, checkable=True)
            act.setData(layer)
            act.setChecked(layer == self.session.annotator)
            act.triggered.connect(lambda _c=False, L=layer: self.session.guarded(self.show_layer)(L))
            self._group.addAction(act)
            self.menu.addAction(act)

    def show_layer(self, layer: str | None) -> None:
        """Show *layer* (None: one's own) and draw the shown document again in it."""
        self.session.show_layer(layer)
        if self.session.read_only:
            self.banner.show_layer(self.session.annotator, self.session.me)
        else:
            self.banner.hide()
        if self.session.doc_id is not None:
            self.documentRequested.emit(self.session.doc_id)
        self.layerShown.emit(self.session.annotator or "")

    def open_span(self, doc_id: str, layer: str, start: int | None = None, end: int | None = None,
                  span_id: str | None = None) -> str | None:
        """Show *doc_id* in *layer* with the span selected: *span_id* when it is shown, else the
        layer's span at exactly [start, end), else the text [start, end). Returns the selected
        span's id (None when only the text was selected)."""
        if layer != self.session.annotator:
            self.session.show_layer(layer)
            if self.session.read_only:
                self.banner.show_layer(self.session.annotator, self.session.me)
            else:
                self.banner.hide()
            self.layerShown.emit(self.session.annotator or "")
        self.documentRequested.emit(doc_id)
        if self.session.doc_id != doc_id:
            return None     # the window could not show it (busy): it said so
        view = self.parts.view
        sid = span_id if span_id in self.session.spans else None
        if sid is None and start is not None:
            sid = next((sp.id for sp in sorted(self.session.spans.values(), key=lambda x: x.label)
                        if sp.start == start and sp.end == end), None)
        if start is not None:
            view.scroll_to(start)
        if sid is not None:
            view.select_span(sid)
            return sid
        if start is not None and end is not None:
            view.set_text_cursor_range(start, end)
        return None
