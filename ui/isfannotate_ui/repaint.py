"""Drawing the shown document: the article's highlights, the Annotations list and the selected
span's details, from the session and, after an action, from its change record.

``DocumentPainter`` redraws only what a change touched (the change carries the rows, so a key
press needs no query). It tells the window with ``repainted(saved)`` so the window updates its
status line. Reads it makes can raise ``Busy`` while a job holds the project; the window catches
that and draws the document again when the job ends. UI thread only; offsets are code points.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QWidget

from isfannotate.store.changes import Change
from isfannotate.errors import IsfError
from isfannotate.gcpause import paused_gc
from isfannotate.models import Span

from .article_view import SpanStyle
from .claims_controller import ClaimsController
from .document_list import DocumentPane
from .kb_controller import KbController
from .parts import WindowParts
from .session import Session


class DocumentPainter(QObject):
    repainted = Signal(bool)    # after a change was drawn (True: it saved something)
    panelsFilled = Signal(str)  # document id: the side panels show it (after its first paint)
    panelsMissed = Signal(str)  # why they could not be filled (a job holds the project)

    def __init__(self, session: Session, parts: WindowParts, documents: DocumentPane, kb: KbController,
                 claims: ClaimsController) -> None:
        super().__init__(parts.window)
        self.s = session
        self.ui = parts
        self.documents = documents
        self.kb = kb
        self.claims = claims
        parts.view.spanSelected.connect(session.guarded(self.on_span_selected))
        parts.annotations.spanClicked.connect(self._on_panel_span_clicked)
        parts.annotations.attributeEdited.connect(session.guarded(self._on_attribute_edited))
        parts.view.set_tooltip_provider(self.tooltip)
        # the problem lines above the details keep two lines of room, shown or not: the details
        # (and a claim's pick buttons) do not jump when "has no source" comes or goes
        warnings = parts.annotations.warnings
        policy = warnings.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        warnings.setSizePolicy(policy)
        warnings.setMinimumHeight(2 * warnings.fontMetrics().lineSpacing() + 4)

    def paint_document(self) -> None:
        """Draw the article of the document the session holds, all of what its first paint shows
        (text, spans, suggestions), and empty the side panels of the document shown before;
        ``fill_panels`` fills them (the window runs it after that paint)."""
        s = self.s
        colors, trusted = s.colors, SpanStyle.trusted
        # styles from the rows read at open: no Span object per span before the first paint
        self.ui.view.set_document(s.text, [trusted(r[0], r[1], r[2], r[3], colors.get(r[3], "#999999"))
                                           for r in s.span_rows()])
        self.documents.show_current(s.doc_id)
        self.kb.document_shown()
        self.claims.document_shown()
        self.ui.annotations.set_lazy_items([], lambda sid: self._panel_row(s.spans[sid])[2:])
        self.ui.annotations.clear_details()

    def fill_panels_after_paint(self) -> None:
        """Fill the side panels once the article has been painted (at once when it is hidden).
        Until then the session holds the fill as deferred: any action settles it first."""
        def fill() -> None:     # this document's fill: a paint of the one shown before must not run it
            self._fill_deferred()
        self.s.defer(fill)
        if self.ui.view.viewport().isVisible():
            self.ui.view.call_after_next_paint(lambda: self.s.settle(only=fill))
        else:
            self.s.settle()

    def _fill_deferred(self) -> None:
        s = self.s
        if s.project is None or s.doc_id is None:
            return
        try:
            with paused_gc():
                self.fill_panels()
        except IsfError as e:
            self.panelsMissed.emit(str(e))
            return
        self.panelsFilled.emit(s.doc_id)

    def fill_panels(self) -> None:
        """Fill the side panels for the shown document: the annotation list, the problems, the
        claims, stances and relations (tooltips and list rows are built later, when shown)."""
        self.kb.fill_panels()
        self.claims.fill_panels()
        self.refresh_panel()

    def style(self, span: Span) -> SpanStyle:
        """What the view draws for *span*; its hover text is built only on hover (``tooltip``)."""
        return SpanStyle(span.id, span.start, span.end, span.label, self.s.colors.get(span.label, "#999999"))

    def tooltip(self, span_id: str) -> str:
        """The hover text of an annotation: label, actor, a claim's source, who annotated."""
        s = self.s
        s.settle()      # the claims are read with the side panels: a hover before they fill waits for them
        span = s.spans.get(span_id)
        if span is None:
            return ""
        tip = span.label
        if span.actor_id:
            tip += f" → {s.actor_text(span.actor_id, with_type=True)}"
        source = self.claims.source_line(span)
        if source:
            tip += f"\n{source}"
        tip += f"\nby {span.author}"
        return tip

    def restyle(self, span_ids: list[str]) -> None:
        for sid in span_ids:
            span = self.s.spans.get(sid)
            if span is not None:
                self.ui.view.update_span(self.style(span))

    def _panel_row(self, sp: Span) -> tuple:
        """The annotation list's row for span *sp*: (order key, id, colour, line 1, line 2, tooltip)."""
        s = self.s
        text = " ".join(s.span_text(sp).split())
        line2 = self.claims.source_line(sp) or ""
        if not line2 and s.role(sp.label) == "cue":   # a CUE: the claim it introduces, never an empty line
            of = [cid for cid in self.claims.claims_with_cue(sp.id) if cid in s.spans]
            line2 = (f"cue of {self.claims.describe(of[0])}" + (f" and {len(of) - 1} more" if len(of) > 1 else "")
                     if of else "cue of no claim yet")
        if sp.actor_id:
            line2 = f"→ {s.actor_text(sp.actor_id, with_type=True)}"
        problems = self.kb.problems.get(sp.id, [])
        mark = "⚠ " if problems else ""
        return ((sp.start, -sp.end, sp.label), sp.id, s.colors.get(sp.label, "#999999"),
                f"{mark}{sp.label}  “{text[:60]}{'…' if len(text) > 60 else ''}”", line2,
                "\n".join(f"⚠ {p}" for p in problems))

    def refresh_panel(self, only: set[str] | None = None) -> None:
        """Rebuild the annotation list, or with *only* update just those spans' rows."""
        spans = self.s.spans
        if only is None:
            # rows are formatted when the list first draws them: only the visible ones are
            self.ui.annotations.set_lazy_items([((sp.start, -sp.end, sp.label), sp.id) for sp in spans.values()],
                                               lambda sid: self._panel_row(spans[sid])[2:])
            return
        for sid in only:
            span = spans.get(sid)
            if span is None:
                self.ui.annotations.remove_item(sid)
            else:
                self.ui.annotations.upsert_item(*self._panel_row(span))

    # ------------------------------------------------------------ changes
    def apply_change(self, change: Change) -> None:
        """Repaint from a change record: only the spans it touched are redrawn."""
        s = self.s
        s.settle()      # a change from a job, before the side panels filled: fill them first
        if change.rows("actors"):
            s.registry_changed()
        if change.rows("claims"):
            self.claims.load_claims()
        if change.document_id == s.doc_id and change.layer == s.annotator:
            added, removed, updated = s.take_change(change)
            if removed:
                self.ui.view.remove_spans(removed)
            if added:
                self.ui.view.add_spans([self.style(sp) for sp in added])
            for sp in updated:
                self.ui.view.update_span(self.style(sp))
        elif change.document_id is None and s.doc_id is not None:
            # registry edits: actor names in tooltips and the panel may have changed
            spans = s.reload_spans()
            self.ui.view.set_spans([self.style(sp) for sp in spans] + self.kb.suggestion_styles())
        self.after_change(change)

    def after_change(self, change: Change) -> None:
        self.s.settle()     # e.g. undo in another document: that document was just shown
        for op in change.rows("doc_status"):
            row = op.after or op.before
            if row["layer"] == self.s.annotator:
                self.documents.model.set_status(row["document_id"], op.after["status"] if op.after else "new")
        self.kb.after_change(change)
        self.claims.after_change(change)
        problems_changed = self.kb.changed_problem_items   # None: all problems were checked again
        if change.document_id == self.s.doc_id and change.layer == self.s.annotator and problems_changed is not None:
            touched = {op.key()[0] for op in change.rows("spans")} | change.touched_ids("claims")
            touched |= {row["cue_span"] for op in change.rows("claims") for row in (op.before, op.after)
                        if row is not None and row.get("cue_span")}   # a CUE's row names its claim
            self.refresh_panel(only=touched | problems_changed)
        else:
            self.refresh_panel()
        self.on_span_selected(self.ui.view.selected_span_id() or "")
        self.repainted.emit(True)

    # ------------------------------------------------------------- side panel
    def on_span_selected(self, span_id: str) -> None:
        if self.claims.on_span_selected(span_id):
            return
        self.kb.on_span_selected(span_id)
        self.ui.annotations.select(span_id or None)
        span = self.s.spans.get(span_id) if span_id else None
        if span is None:
            self.ui.annotations.clear_details()
            return
        label = self.s.project.scheme.label(span.label)
        details = self.ui.annotations.details
        focus = QApplication.focusWidget()
        keep = focus.objectName() if focus is not None and details.isAncestorOf(focus) else ""
        self.ui.annotations.show_details(span.id, span.label, self.s.span_text(span),
                                         label.attributes if label else [], span.attrs, self.detail_rows(span))
        self._claim_tab_order(details)
        if keep:
            # the details are rebuilt after every edit: the field that had the focus keeps it, so
            # the next key goes on there and never to the document search (B1)
            again = details.findChild(QWidget, keep)
            if again is not None:
                again.show()      # a new row is shown by the layout only later: show it now to focus it
                again.setFocus(Qt.FocusReason.OtherFocusReason)

    def _claim_tab_order(self, details: QWidget) -> None:
        """Tab in a claim's details: source → cue → quote → the attributes (modality) → the pick
        buttons, then back to the article, never on to the document filter."""
        names = ["claimSource", "claimCue", "claimQuote"]
        chain = [w for n in names if (w := details.findChild(QWidget, n)) is not None]
        if not chain:
            return
        chain += [w for w in details.findChildren(QWidget) if w.objectName().startswith("attr_")]
        chain += [w for n in ("pick_source", "pick_cue") if (w := details.findChild(QWidget, n)) is not None]
        chain.append(self.ui.view)
        for a, b in zip(chain, chain[1:]):
            QWidget.setTabOrder(a, b)

    def detail_rows(self, span: Span) -> list[tuple[str, QWidget]]:
        """Extra rows of the details form for *span*: the actor link, the claim's source and cue."""
        role = self.s.role(span.label)
        if role == "actor":
            return [("Actor", self.kb.actor_row(span))]
        if role == "claim":
            return [("", self.claims.claim_editor(span))]
        return []

    def _on_panel_span_clicked(self, span_id: str) -> None:
        if span_id in self.s.spans:
            self.ui.view.select_span(span_id)

    def _on_attribute_edited(self, span_id: str, name: str, value) -> None:
        s = self.s
        if span_id in s.spans and s.spans[span_id].attrs.get(name) != value:
            s.run(s.project.set_span_attrs, span_id, {name: value}, layer=s.annotator)
