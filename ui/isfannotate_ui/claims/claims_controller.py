"""Claims, stances and relations in the window: the claim rows of a CLAIM span's details, the
Stances tab with its editor (key S), and the Relations tab. Signals become core actions through
``Session.run``; the window is reached only through the session and the ``WindowParts``."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QObject, Signal

from isfannotate.models import LazyModels
from isfannotate.proposals import ClaimProposal, stance_holder

from ..app_settings import app_settings
from ..parts import WindowParts
from ..session import Session
from .claim_editor import ClaimEditor
from .claim_flow import ProposalsMixin, StanceDraftsMixin, quoted
from .relations_panel import RelationsPanel
from .stance_panel import StancePanel

__all__ = ["ClaimsController", "quoted"]


class ClaimsController(ProposalsMixin, StanceDraftsMixin, QObject):
    spansRestyled = Signal(list)    # span ids whose drawing (a claim's source in its tooltip) changed

    def __init__(self, session: Session, parts: WindowParts) -> None:
        super().__init__(parts.window)
        self.session = session
        self.parts = parts
        self._relation_spans_stale = False   # the Relations tab's span list, rebuilt when shown
        self.claims: Mapping[str, Any] = {}   # span id -> Claim, for the current document and layer
        self._pick: tuple[str, str] | None = None   # (claim span id, "source" | "cue")
        self.proposal: ClaimProposal | None = None  # shown for self._proposal_claim until Enter / Esc / next action
        self._proposal_claim: str | None = None
        self._proposal_index = 0
        self.stances: StancePanel | None = None
        self.relations: RelationsPanel | None = None
        self.drafts = app_settings()    # half-filled stances (claim_flow)
        self._cue_index: tuple[dict, dict[str, list[str]]] | None = None   # (claims read, cue -> claims)
        self.stance_ends: list[tuple[str, str | None, str | None]] = []   # (id, holder, target) as read
        parts.side.currentChanged.connect(self._on_tab_changed)

    def build_actions(self) -> None:
        m, side = self.parts.menus, self.parts.side
        m.annotate.addSeparator()
        m.add("New &Stance", self.new_stance, "S", m.annotate,
              tip="A stance from the selection (as a CLAIM) or the selected claim")
        m.add("Proposal: Next &Quote Type", self.cycle_proposal_quote, "Q", m.annotate,
              tip="While a new claim's proposal is shown: direct → reported → none")
        m.add("Add to Stance as &Evidence", self.add_to_stance, "Shift+S", m.annotate,
              tip="The selected span becomes more evidence of the stance being written")
        m.add("&Stances", lambda: side.setCurrentWidget(self.stances), "Ctrl+3", m.view)
        m.add("&Relations", lambda: side.setCurrentWidget(self.relations), "Ctrl+4", m.view)

    def project_opened(self) -> None:
        session, parts, scheme = self.session, self.parts, self.session.project.scheme
        for panel in (self.stances, self.relations):
            if panel is not None:
                parts.side.removeTab(parts.side.indexOf(panel))
                panel.deleteLater()
        self.stances = StancePanel(scheme.stance.polarities, parts.side)
        self.relations = RelationsPanel(scheme.relation_types, parts.side)
        guide = parts.side.count() - 1
        parts.side.insertTab(guide, self.stances, "Stances")
        parts.side.insertTab(guide + 1, self.relations, "Relations")
        ed = self.stances.editor
        self.stances.newRequested.connect(session.guarded(self.new_stance))
        self.stances.editRequested.connect(session.guarded(self.edit_stance))
        self.stances.deleteRequested.connect(session.guarded(self._delete_stance))
        self.stances.stanceSelected.connect(session.guarded(self.highlight_stance))
        ed.saved.connect(session.guarded(self._save_stance))
        ed.cancelled.connect(self._on_stance_cancelled)
        ed.draftChanged.connect(self._keep_draft)
        ed.targetCreated.connect(session.guarded(self._create_target))
        ed.addEvidenceRequested.connect(session.guarded(self._add_selected_evidence))
        ed.evidenceClicked.connect(self._select_span)
        self.relations.addRequested.connect(lambda h, t, lab: session.run(session.project.add_relation, h, t, lab))
        self.relations.deleteRequested.connect(lambda rid: session.run(session.project.delete_relation, rid))
        self.relations.relationSelected.connect(session.guarded(self._highlight_relation))

    # ---------------------------------------------------------------- shared
    def describe(self, span_id: str) -> str:
        """How a span is named in lists: an actor span by its actor, others by their text."""
        session = self.session
        span = session.spans.get(span_id)
        if span is None:
            return span_id
        if span.actor_id:
            return session.actor_text(span.actor_id)
        return quoted(session.text[span.start:span.end])

    def _select_span(self, span_id: str) -> None:
        if span_id in self.session.spans:
            self.parts.view.select_span(span_id)

    def load_claims(self) -> None:
        """Read the shown document's claims (the window draws a claim's source in its tooltip)."""
        session = self.session
        shown = session.doc_id and session.annotator
        self.claims = session.project.claims(session.doc_id, session.annotator) if shown else {}

    def claims_with_cue(self, cue_id: str) -> list[str]:
        """The claims (span ids) whose cue is the span *cue_id*, from an index made once per read
        of the claims: a CUE row of the annotation list asked each of ~6,000 claims (1 ms a row)."""
        if self._cue_index is None or self._cue_index[0] is not self.claims:
            index: dict[str, list[str]] = {}
            claims = self.claims    # read from the rows: no Claim made of each (LazyModels)
            cues = claims.field("cue_span") if isinstance(claims, LazyModels) else \
                ((cid, c.cue_span) for cid, c in claims.items())
            for cid, cue in cues:
                if cue:
                    index.setdefault(cue, []).append(cid)
            self._cue_index = (self.claims, index)
        return self._cue_index[1].get(cue_id, [])

    def document_shown(self) -> None:
        """A document is shown: forget the last one's claims and empty the Stances and Relations
        lists until ``fill_panels`` reads the new one's."""
        self._pick = None
        self.dismiss_proposal(quiet=True)
        self.claims = {}
        if self.stances is not None:
            self.stances.editor.hide()
            self.stances.set_items([])
            self.relations.set_items([], [])

    def fill_panels(self) -> None:
        """The shown document's claims, stances and relations, after its first paint."""
        self.refresh()
        self._restore_draft()

    def refresh(self) -> None:
        """Reload claims, stances and relations of the document (small lists)."""
        session = self.session
        self._relation_spans_stale = False
        if session.doc_id is None or not session.annotator:
            self.claims, self.stance_ends = {}, []
            self.stances.set_items([])
            self.relations.set_items([], [])
            return
        self.claims = session.project.claims(session.doc_id, session.annotator)
        targets = {t.id: t.name for t in session.project.targets()}
        items = []
        stances = session.project.stances(session.doc_id, session.annotator)
        self.stance_ends = [(st.id, st.holder, st.target) for st in stances]
        for st in stances:
            holder = self._actor_name(st.holder) if st.holder else "⚠ no holder"
            target = targets.get(st.target, st.target) if st.target else "⚠ no target"
            line = f"{holder} → {target}: {st.polarity}" + (f" (if {st.conditions})" if st.conditions else "")
            ev = "; ".join(self.describe(e) for e in st.evidence) or "no evidence"
            items.append((st.id, line, f"{line}\nevidence: {ev}"))
        self.stances.set_items(items)
        rels = [(r.id, f"{self.describe(r.head)} —{r.label}→ {self.describe(r.tail)}")
                for r in session.project.relations(session.doc_id, session.annotator)]
        # the From/To choices list every span: built when the Relations tab is shown (10,000 spans
        # cost ~100 ms, on every document opened, for a tab that is usually hidden)
        shown = self.parts.side.currentWidget() is self.relations
        spans = [(sp.id, sp.label, quoted(session.text[sp.start:sp.end], 30)
                  + (f" → {self._actor_name(sp.actor_id)}" if sp.actor_id else ""))
                 for sp in sorted(session.spans.values(), key=lambda sp: (sp.start, -sp.end))] if shown else []
        self._relation_spans_stale = not shown
        self.relations.set_items(rels, spans)

    def _on_tab_changed(self, _index: int) -> None:
        if self._relation_spans_stale and self.parts.side.currentWidget() is self.relations:
            self.refresh()

    def _actor_name(self, actor_id: str) -> str:
        return self.session.actor_text(actor_id)

    _DEPENDS_ON = {"claims", "stances", "stance_evidence", "relations", "targets", "actors"}

    def after_change(self, change) -> None:
        """Reload what the change can affect. A change to spans alone (a key press) only makes
        the Relations tab's list of spans stale; it is rebuilt when that tab is shown."""
        session, parts = self.session, self.parts
        if session.doc_id is None:
            return
        tables = {op.table for op in change.ops}
        only_new_spans = all(op.kind == "insert" for op in change.rows("spans"))
        if tables & self._DEPENDS_ON or not only_new_spans or change.document_id != session.doc_id:
            self.refresh()
        elif "spans" in tables:
            self._relation_spans_stale = True
            if parts.side.currentWidget() is self.relations:
                self.refresh()
        # a claim's source shows in its tooltip: redraw claims whose row changed
        restyled = []
        for op in change.rows("claims"):
            sid = (op.after or op.before)["span_id"]
            if sid in session.spans and parts.view.span(sid) is not None:
                restyled.append(sid)
        if restyled:
            self.spansRestyled.emit(restyled)

    # ---------------------------------------------------------------- claims
    def source_line(self, span) -> str | None:
        """"source: Marco Rubio" for a CLAIM span (None for other spans)."""
        session = self.session
        if session.project.scheme.label(span.label).role != "claim":
            return None
        c = self.claims.get(span.id)
        if c is None or c.source_kind is None:
            return "⚠ no source yet"
        if c.source_kind == "article":
            return "source: the article"
        if c.source_actor:
            return f"source: {self._actor_name(c.source_actor)}"
        if c.source_span:
            return f"source: {self.describe(c.source_span)} (⚠ span not linked to an actor)"
        return "⚠ no source yet"

    def claim_editor(self, span) -> ClaimEditor:
        session, parts = self.session, self.parts
        scheme = session.project.scheme
        def distance(sp) -> int:
            return span.start - sp.end if sp.end <= span.start else sp.start - span.end if sp.start >= span.end else 0

        def context(sp) -> str:
            """Where the mention is: before / inside / after the claim, with the words around it."""
            left = " ".join(session.text[max(0, sp.start - 24):sp.start].split()[-3:])
            right = " ".join(session.text[sp.end:sp.end + 24].split()[:3])
            where = "before" if sp.end <= span.start else "after" if sp.start >= span.end else "inside"
            return f"{where} · …{left} [{' '.join(session.text[sp.start:sp.end].split())}] {right}…"

        # nearest the claim first: the right "Pakistan" of ten is the one beside it
        ordered = sorted(session.spans.values(), key=lambda sp: (abs(distance(sp)), sp.start))
        actor_spans = []
        for sp in ordered:
            if scheme.label(sp.label).role == "actor":
                name = self._actor_name(sp.actor_id) if sp.actor_id else "⚠ unlinked"
                actor_spans.append((sp.id, f"{name} · {context(sp)}"))
        cue_spans = [(sp.id, f"{quoted(session.text[sp.start:sp.end], 20)} · {context(sp)}") for sp in ordered
                     if scheme.label(sp.label).role == "cue"]
        ed = ClaimEditor(self.claims.get(span.id), actor_spans, cue_spans, session.project.actors(),
                         parts.annotations.details)
        ed.setObjectName("claimEditor")
        ed.claimEdited.connect(lambda values, sid=span.id: self.set_claim(sid, **values))
        ed.pickRequested.connect(lambda which, sid=span.id: self.start_pick(sid, which))
        return ed

    def set_claim(self, span_id: str, **values) -> None:
        session = self.session
        session.run(session.project.set_claim, span_id, layer=session.annotator, **values)

    def start_pick(self, claim_id: str, which: str) -> None:
        self._pick = (claim_id, which)
        self.parts.view.setFocus()
        self.session.message(f"Click (or Tab to) the {which} span in the text; Esc cancels", 6000)

    def cancel_pick(self) -> bool:
        """Stop picking a claim's source or cue (Esc). True if a pick was under way."""
        if self._pick is None:
            return False
        self._pick = None
        self.session.message("picking cancelled: the claim is as it was", 3000)
        return True

    def on_span_selected(self, span_id: str) -> bool:
        """While picking a claim's source or cue, the selected span is taken. True if consumed."""
        if self._proposal_claim is not None and span_id != self._proposal_claim:
            self.dismiss_proposal()
        if self._pick is None or not span_id or span_id == self._pick[0] or span_id not in self.session.spans:
            if not span_id and self._pick is not None:
                self._pick = None
                self.session.message("picking cancelled: nothing was selected, the claim is as it was", 4000)
            return False
        claim_id, which = self._pick
        self._pick = None
        c = self.claims.get(claim_id)
        values = {"source_kind": c.source_kind, "source_actor": c.source_actor, "source_span": c.source_span,
                  "cue_span": c.cue_span, "quote": c.quote} if c else {}
        if which == "source":
            values.update(source_kind="actor", source_span=span_id, source_actor=None)
        else:
            values["cue_span"] = span_id
        self.parts.view.select_span(claim_id)
        session = self.session
        if session.run(session.project.set_claim, claim_id, layer=session.annotator, **values) is not None:
            self.session.message(f"{which} of the claim: {self.describe(span_id)} (Ctrl+Z undoes)", 4000)
        return True

    # --------------------------------------------------------------- stances
    def new_stance(self) -> None:
        """S: a stance from the selection (annotated as a CLAIM unless it is one) or from the
        selected span; the holder is prefilled from the claim's source actor."""
        session, parts = self.session, self.parts
        if session.doc_id is None or not session.require_annotator():
            return
        claim_label = next(iter(session.project.scheme.labels_with_role("claim")), None)
        evidence_id = None
        rng = parts.view.selected_range()
        if rng is not None:
            existing = next((sp for sp in session.spans.values() if (sp.start, sp.end) == rng
                             and session.project.scheme.label(sp.label).role == "claim"), None)
            if existing is not None:
                evidence_id = existing.id
            elif claim_label is not None:
                change = session.run(session.project.annotate, session.doc_id, session.annotator, rng[0], rng[1],
                                     claim_label)
                if change is None:
                    return
                evidence_id = change.rows("spans")[0].after["id"]
                parts.view.set_text_cursor_range(rng[1], rng[1])
                parts.view.select_span(evidence_id)
        elif parts.view.selected_span_id() in session.spans:
            evidence_id = parts.view.selected_span_id()
        holder, candidates = None, []
        if evidence_id is not None:
            span = session.spans[evidence_id]
            holder, candidates = stance_holder(span, list(session.spans.values()), self.claims.get(evidence_id))
            if holder is None:
                holder = span.actor_id
        self.dismiss_proposal(quiet=True)
        ev = [(evidence_id, self._evidence_line(evidence_id))] if evidence_id else []
        ed = self.stances.editor
        ed.edit(session.project.actors(), session.project.targets(), holder=holder, evidence=ev, candidates=candidates)
        parts.side.setCurrentWidget(self.stances)
        # the holder is proposed: start on the target (Shift+Tab goes back to the holder)
        (ed.target if holder else ed.holder).setFocus()

    def add_to_stance(self) -> None:
        """Shift+S: the selected span (a claim) becomes more evidence of the stance being written;
        the focus goes back to the editor (a number key or Enter saves)."""
        session, parts = self.session, self.parts
        ed = self.stances.editor if self.stances is not None else None
        sid = parts.view.selected_span_id()
        if ed is None or not ed.isVisible():
            session.message("No stance is being written: S starts one from the selected claim", 3000)
            return
        if sid not in session.spans:
            session.message("Select a span in the text first (click it, or Tab)", 3000)
            return
        ed.add_evidence(sid, self._evidence_line(sid))
        parts.side.setCurrentWidget(self.stances)
        ed.target.setFocus()
        session.message(f"evidence {self.describe(sid)} added to the stance (a number key or Enter saves)", 3000)

    def _evidence_line(self, span_id: str) -> str:
        sp = self.session.spans[span_id]
        return f"{sp.label} {quoted(self.session.text[sp.start:sp.end], 110)}"

    def edit_stance(self, stance_id: str) -> None:
        session, parts = self.session, self.parts
        st = next((x for x in session.project.stances(session.doc_id, session.annotator) if x.id == stance_id), None)
        if st is None:
            return
        ev = [(e, self._evidence_line(e)) for e in st.evidence if e in session.spans]
        self.stances.editor.edit(session.project.actors(), session.project.targets(), st, evidence=ev)
        parts.side.setCurrentWidget(self.stances)

    def show_stance(self, stance_id: str) -> None:
        self.parts.side.setCurrentWidget(self.stances)
        self.stances.select(stance_id)
        self.edit_stance(stance_id)

    def _save_stance(self, v: dict) -> None:
        session, parts = self.session, self.parts
        if v["polarity"] is None:
            session.message("⚠ choose a polarity", 4000)
            return
        change = session.run(session.project.set_stance, session.doc_id, session.annotator,
                             holder=v["holder"], target=v["target"],
                             polarity=v["polarity"], conditions=v["conditions"], evidence=v["evidence"],
                             stance_id=v["stance_id"])
        if change is not None:
            self.stances.editor.hide()
            self._drop_draft()
            sid = change.rows("stances")[0].after["id"] if change.rows("stances") else v["stance_id"]
            if sid:
                self.stances.select(sid)
            parts.view.setFocus()

    def _delete_stance(self, stance_id: str) -> None:
        session = self.session
        deleted = session.run(session.project.delete_stance, stance_id) is not None
        if deleted and self.stances.editor.stance_id == stance_id:
            self.stances.editor.hide()

    def _create_target(self, name: str) -> None:
        session = self.session
        change = session.run(session.project.add_target, name)
        if change is not None:
            self.stances.editor.set_targets(session.project.targets(), change.rows("targets")[0].after["id"])

    def _add_selected_evidence(self) -> None:
        sid = self.parts.view.selected_span_id()
        if sid in self.session.spans:
            self.stances.editor.add_evidence(sid, self._evidence_line(sid))
        else:
            self.session.message("Select a span in the text first (click it, or Tab)", 3000)

    def highlight_stance(self, stance_id: str) -> None:
        """Select the stance's first evidence span in the article (scrolling to it)."""
        session, parts = self.session, self.parts
        st = next((x for x in session.project.stances(session.doc_id, session.annotator) if x.id == stance_id), None)
        if st is not None:
            for e in st.evidence:
                if e in session.spans:
                    parts.view.select_span(e)
                    return

    # ------------------------------------------------------------- relations
    def _highlight_relation(self, relation_id: str) -> None:
        session = self.session
        r = next((r for r in session.project.relations(session.doc_id, session.annotator) if r.id == relation_id), None)
        if r is not None:
            self._select_span(r.head)   # where the arrow starts; the tail is named in the list
