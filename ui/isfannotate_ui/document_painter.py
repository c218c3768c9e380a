"""Drawing the shown document: the article's highlights, the Annotations list and the selected
span's details, from the session and, after an action, from its change record.

``DocumentPainter`` redraws only what a change touched (the change carries the rows, so a key
press needs no query). It tells the window with ``repainted(saved)`` so the window updates its
status line. Reads it makes can raise ``Busy`` while a job holds the project; the window catches
that and draws the document again when the job ends. UI thread only; offsets are code points.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QWidget

from isfannotate import kb
from isfannotate.errors import IsfError
from isfannotate.gcpause import paused_gc
from isfannotate.models import LazyModels, Span
from isfannotate.store.changes import Change

from .annotate.article_view import SpanStyle
from .claims.claims_controller import ClaimsController
from .documents.document_list import DocumentPane
from .parts import WindowParts
from .quiet_layout import quiet_layout_requests
from .registry.kb_controller import KbController
from .session import Session


class DocumentPainter(QObject):
    repainted = Signal(bool)    # after a change was drawn (True: it saved something)
    panelsFilled = Signal(str)  # document id: the side panels show it (after its first paint)
    panelsMissed = Signal(str)  # why they could not be filled (a job holds the project)

    def __init__(self, session: Session, parts: WindowParts, documents: DocumentPane, kb: KbController,
                 claims: ClaimsController) -> None:
        super().__init__(parts.window)
        self.session = session
        self.parts = parts
        self.documents = documents
        self.kb = kb
        self.claims = claims
        parts.view.spanSelected.connect(session.guarded(self.on_span_selected))
        parts.annotations.spanClicked.connect(self._on_panel_span_clicked)
        parts.annotations.attributeEdited.connect(session.guarded(self._on_attribute_edited))
        parts.view.set_tooltip_provider(self.tooltip)
        quiet_layout_requests(parts.side)   # new texts in the details repaint them, not the whole side panel,
        quiet_layout_requests(parts.window.statusBar())     # and the span count in the status bar only itself
        # a text selection may become a span: its list rows are drawn ahead, while the person looks
        self._warm_key: tuple | None = None
        self._warm_timer = QTimer(self, singleShot=True, interval=0)
        self._warm_timer.timeout.connect(self._warm_rows)
        parts.view.rangeSelected.connect(self._on_range_selected)
        # the problem lines above the details keep two lines of room, shown or not: the details
        # (and a claim's pick buttons) do not jump when "has no source" comes or goes
        warnings = parts.annotations.warnings
        policy = warnings.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        warnings.setSizePolicy(policy)
        warnings.setMinimumHeight(2 * warnings.fontMetrics().lineSpacing() + 4)

    def _on_range_selected(self, start: int, end: int) -> None:
        self._warm_key = (start, -end)
        self._warm_timer.start()    # once the event loop is idle: a drag selects many ranges

    def _warm_rows(self) -> None:
        """Draw ahead the annotation list's rows around where a span over the selected text would
        be listed (the list scrolls there when a label key makes it): the key's repaint copies
        them. Not before the side panels are filled (nothing waits here)."""
        key, self._warm_key = self._warm_key, None
        if key is None or not self.session.settled:
            return
        try:
            self.parts.annotations.warm_for(key)
        except IsfError:
            pass    # a row's text read while a job holds the project: the key draws it then

    def paint_document(self) -> None:
        """Draw the article of the document the session holds, all of what its first paint shows
        (text, spans, suggestions), and empty the side panels of the document shown before;
        ``fill_panels`` fills them (the window runs it after that paint)."""
        session = self.session
        colors, trusted = session.colors, SpanStyle.trusted
        # styles from the rows read at open: no Span object per span before the first paint
        self.parts.view.set_document(session.text, [trusted(r[0], r[1], r[2], r[3], colors.get(r[3], "#999999"))
                                                    for r in session.span_rows()])
        self.documents.show_current(session.doc_id)
        self.kb.document_shown()
        self.claims.document_shown()
        self.parts.annotations.set_lazy_items([], lambda sid: self._panel_row(session.spans[sid])[2:])
        self.parts.annotations.clear_details()

    def fill_panels_after_paint(self) -> None:
        """Fill the side panels once the article has been painted (at once when it is hidden).
        Until then the session holds the fill as deferred: any action settles it first."""
        def fill() -> None:     # this document's fill: a paint of the one shown before must not run it
            self._fill_deferred()
        self.session.defer(fill)
        if self.parts.view.viewport().isVisible():
            self.parts.view.call_after_next_paint(lambda: self.session.settle(only=fill))
        else:
            self.session.settle()

    def _fill_deferred(self) -> None:
        session = self.session
        if session.project is None or session.doc_id is None:
            return
        try:
            with paused_gc():
                self.fill_panels()
        except IsfError as e:
            self.panelsMissed.emit(str(e))
            return
        self.panelsFilled.emit(session.doc_id)
        # the fill made no Span of each span (Session.span) nor Claim of each claim: they are made
        # once the event loop is idle, after the panels' paint: a key press waits for none of them
        doc = session.doc_id
        QTimer.singleShot(0, lambda: self._make_spans(doc))

    def _make_spans(self, doc_id: str) -> None:
        """The shown document's Spans, and its Claims (``LazyModels``), made while the app is idle."""
        if self.session.doc_id != doc_id:
            return
        with paused_gc():
            self.session.spans  # noqa: B018 (made on first use)
            if isinstance(self.claims.claims, LazyModels):
                self.claims.claims.make_all()

    def fill_panels(self) -> None:
        """Fill the side panels for the shown document: the annotation list, the problems, the
        claims, stances and relations (tooltips and list rows are built later, when shown). The
        problems are worked out from the rows the window holds (its spans, the claims and stances
        just read for their panels): the same as ``validate``'s, without reading the spans again."""
        self.claims.fill_panels()
        self.kb.fill_panels(self.held_problems())
        self.refresh_panel()

    def held_problems(self) -> list | None:
        """``validate``'s problems of the shown document, from the rows the window holds (None
        when it holds no stored layer's rows: ``validate`` reads them)."""
        session = self.session
        rows = session.link_rows() if session.doc_id is not None and session.annotator else None
        if rows is None:
            return None
        claims = self.claims.claims
        if isinstance(claims, LazyModels):      # (from the rows: no Claim made of each)
            kinds, actors = dict(claims.field("source_kind")), dict(claims.field("source_actor"))
            sources = {cid: (kind, actors[cid]) for cid, kind in kinds.items()}
        else:
            sources = {cid: (c.source_kind, c.source_actor) for cid, c in claims.items()}
        scheme = session.project.scheme
        return kb.problems_of_rows(session.text, rows, sources, self.claims.stance_ends,
                                   scheme.labels_with_role("actor"), scheme.labels_with_role("claim"))

    def style(self, span: Span) -> SpanStyle:
        """What the view draws for *span*; its hover text is built only on hover (``tooltip``)."""
        return SpanStyle(span.id, span.start, span.end, span.label, self.session.colors.get(span.label, "#999999"))

    def tooltip(self, span_id: str) -> str:
        """The hover text of an annotation: label, actor, a claim's source, who annotated."""
        session = self.session
        session.settle()      # the claims are read with the side panels: a hover before they fill waits for them
        span = session.spans.get(span_id)
        if span is None:
            return ""
        tip = span.label
        if span.actor_id:
            tip += f" → {session.actor_text(span.actor_id, with_type=True)}"
        source = self.claims.source_line(span)
        if source:
            tip += f"\n{source}"
        tip += f"\nby {span.author}"
        return tip

    def restyle(self, span_ids: list[str]) -> None:
        for sid in span_ids:
            span = self.session.spans.get(sid)
            if span is not None:
                self.parts.view.update_span(self.style(span))

    def _panel_row(self, sp: Span) -> tuple:
        """The annotation list's row for span *sp*: (order key, id, colour, line 1, line 2, tooltip)."""
        session = self.session
        text = " ".join(session.span_text(sp).split())
        line2 = self.claims.source_line(sp) or ""
        if not line2 and session.role(sp.label) == "cue":   # a CUE: the claim it introduces, never an empty line
            of = [cid for cid in self.claims.claims_with_cue(sp.id) if session.has_span(cid)]
            line2 = (f"cue of {self.claims.describe(of[0])}" + (f" and {len(of) - 1} more" if len(of) > 1 else "")
                     if of else "cue of no claim yet")
        if sp.actor_id:
            line2 = f"→ {session.actor_text(sp.actor_id, with_type=True)}"
        problems = self.kb.problems.get(sp.id, [])
        mark = "⚠ " if problems else ""
        return ((sp.start, -sp.end, sp.label), sp.id, session.colors.get(sp.label, "#999999"),
                f"{mark}{sp.label}  “{text[:60]}{'…' if len(text) > 60 else ''}”", line2,
                "\n".join(f"⚠ {p}" for p in problems))

    def refresh_panel(self, only: set[str] | None = None) -> None:
        """Rebuild the annotation list, or with *only* update just those spans' rows."""
        session = self.session
        if only is None:
            # rows are formatted when the list first draws them: only the visible ones are, each
            # from its own span (no Span of the other 10,000 is made for it: Session.span)
            def row(sid: str) -> tuple:
                sp = session.span(sid)
                assert sp is not None, sid
                return self._panel_row(sp)[2:]
            self.parts.annotations.set_lazy_items([((a, -b, label), sid) for sid, (a, b, label)
                                                   in session.span_places().items()], row)
            return
        spans = session.spans
        for sid in only:
            span = spans.get(sid)
            if span is None:
                self.parts.annotations.remove_item(sid)
            else:
                self.parts.annotations.upsert_item(*self._panel_row(span))

    # ------------------------------------------------------------ changes
    def apply_change(self, change: Change) -> None:
        """Repaint from a change record: only the spans it touched are redrawn."""
        session = self.session
        session.settle()      # a change from a job, before the side panels filled: fill them first
        if change.rows("actors"):
            session.registry_changed()
        if change.rows("claims"):
            self.claims.load_claims()
        if change.document_id == session.doc_id and change.layer == session.annotator:
            added, removed, updated = session.take_change(change)
            if removed:
                self.parts.view.remove_spans(removed)
            if added:
                self.parts.view.add_spans([self.style(sp) for sp in added])
            for sp in updated:
                self.parts.view.update_span(self.style(sp))
        elif change.document_id is None and session.doc_id is not None:
            # registry edits: actor names in tooltips and the panel may have changed
            spans = session.reload_spans()
            self.parts.view.set_spans([self.style(sp) for sp in spans] + self.kb.suggestion_styles())
        self.after_change(change)

    def after_change(self, change: Change) -> None:
        self.session.settle()     # e.g. undo in another document: that document was just shown
        for op in change.rows("doc_status"):
            row = op.after or op.before
            if row["layer"] == self.session.annotator:
                self.documents.model.set_status(row["document_id"], op.after["status"] if op.after else "new")
        self.kb.after_change(change)
        self.claims.after_change(change)
        problems_changed = self.kb.changed_problem_items   # None: all problems were checked again
        shown = change.document_id == self.session.doc_id and change.layer == self.session.annotator
        if shown and problems_changed is not None:
            touched = {op.key()[0] for op in change.rows("spans")} | change.touched_ids("claims")
            touched |= {row["cue_span"] for op in change.rows("claims") for row in (op.before, op.after)
                        if row is not None and row.get("cue_span")}   # a CUE's row names its claim
            self.refresh_panel(only=touched | problems_changed)
        else:
            self.refresh_panel()
        if self.session.selection_follows:      # the caller selects a span next (Session.selecting):
            self._tell_selection(self.parts.view.selected_span_id() or "")     # its panel is shown then
        else:
            self.on_span_selected(self.parts.view.selected_span_id() or "")
        self.repainted.emit(True)

    # ------------------------------------------------------------- side panel
    def _tell_selection(self, span_id: str) -> bool:
        """Tell the claims and actors controllers what is selected; True when a claim's pick took it."""
        if self.claims.on_span_selected(span_id):
            return True
        self.kb.on_span_selected(span_id)
        return False

    def on_span_selected(self, span_id: str) -> None:
        if self._tell_selection(span_id) or self.session.selection_follows:
            return      # (selection_follows: the action's caller selects a span next, its panel is shown then)
        self.parts.annotations.select(span_id or None)
        span = self.session.spans.get(span_id) if span_id else None
        if span is None:
            self.parts.annotations.clear_details()
            return
        label = self.session.project.scheme.label(span.label)
        details = self.parts.annotations.details
        focus = QApplication.focusWidget()
        keep = focus.objectName() if focus is not None and details.isAncestorOf(focus) else ""
        self.parts.annotations.show_details(span.id, span.label, self.session.span_text(span),
                                            label.attributes if label else [], span.attrs, self.detail_rows(span))
        if label is not None and label.role == "claim":    # only a claim's details have that chain
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
        chain.append(self.parts.view)
        for a, b in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(a, b)

    def detail_rows(self, span: Span) -> list[tuple[str, QWidget]]:
        """Extra rows of the details form for *span*: the actor link, the claim's source and cue."""
        role = self.session.role(span.label)
        if role == "actor":
            return [("Actor", self.kb.actor_row(span))]
        if role == "claim":
            return [("", self.claims.claim_editor(span))]
        return []

    def _on_panel_span_clicked(self, span_id: str) -> None:
        if span_id in self.session.spans:
            self.parts.view.select_span(span_id)

    def _on_attribute_edited(self, span_id: str, name: str, value) -> None:
        session = self.session
        if span_id in session.spans and session.spans[span_id].attrs.get(name) != value:
            session.run(session.project.set_span_attrs, span_id, {name: value}, layer=session.annotator)
