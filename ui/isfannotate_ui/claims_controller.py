"""Claims, stances and relations in the window: the claim rows of a CLAIM span's details, the
Stances tab with its editor (key S), and the Relations tab. Signals become core actions through
the window's ``_run``."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject


from .claim_editor import ClaimEditor
from .relations_panel import RelationsPanel
from .stance_panel import StancePanel

if TYPE_CHECKING:
    from .main_window import MainWindow


def quoted(text: str, n: int = 40) -> str:
    t = " ".join(text.split())
    return f"“{t if len(t) <= n else t[:n - 1] + '…'}”"


class ClaimsController(QObject):
    def __init__(self, window: "MainWindow") -> None:
        super().__init__(window)
        self.w = window
        self._relation_spans_stale = False   # the Relations tab's span list, rebuilt when shown
        self.claims: dict = {}           # span id -> Claim, for the current document and layer
        self._pick: tuple[str, str] | None = None   # (claim span id, "source" | "cue")
        self.stances: StancePanel | None = None
        self.relations: RelationsPanel | None = None

    def build_actions(self) -> None:
        w = self.w
        w.annotate_menu.addSeparator()
        w._act("New &Stance", self.new_stance, "S", w.annotate_menu,
               tip="A stance from the selection (as a CLAIM) or the selected claim")
        w._act("&Stances", lambda: w.side.setCurrentWidget(self.stances), "Ctrl+3", w.view_menu)
        w._act("&Relations", lambda: w.side.setCurrentWidget(self.relations), "Ctrl+4", w.view_menu)

    def project_opened(self) -> None:
        w, scheme = self.w, self.w.project.scheme
        for panel in (self.stances, self.relations):
            if panel is not None:
                w.side.removeTab(w.side.indexOf(panel))
                panel.deleteLater()
        self.stances = StancePanel(scheme.stance.polarities, w)
        self.relations = RelationsPanel(scheme.relation_types, w)
        guide = w.side.count() - 1
        w.side.insertTab(guide, self.stances, "Stances")
        w.side.insertTab(guide + 1, self.relations, "Relations")
        w.side.currentChanged.connect(self._on_tab_changed)
        ed = self.stances.editor
        self.stances.newRequested.connect(self.new_stance)
        self.stances.editRequested.connect(self.edit_stance)
        self.stances.deleteRequested.connect(self._delete_stance)
        self.stances.stanceSelected.connect(self.highlight_stance)
        ed.saved.connect(self._save_stance)
        ed.targetCreated.connect(self._create_target)
        ed.addEvidenceRequested.connect(self._add_selected_evidence)
        ed.evidenceClicked.connect(self._select_span)
        self.relations.addRequested.connect(
            lambda h, t, lab: self.w._run(self.w.project.add_relation, h, t, lab))
        self.relations.deleteRequested.connect(lambda rid: self.w._run(self.w.project.delete_relation, rid))
        self.relations.relationSelected.connect(self._highlight_relation)

    # ---------------------------------------------------------------- shared
    def describe(self, span_id: str) -> str:
        """How a span is named in lists: an actor span by its actor, others by their text."""
        w = self.w
        span = w._spans.get(span_id)
        if span is None:
            return span_id
        if span.actor_id:
            return w.actor_text(span.actor_id)
        return quoted(w._text[span.start:span.end])

    def _select_span(self, span_id: str) -> None:
        if span_id in self.w._spans:
            self.w.view.select_span(span_id)

    def document_shown(self) -> None:
        self._pick = None
        if self.stances is not None:
            self.stances.editor.hide()
        self.refresh()

    def refresh(self) -> None:
        """Reload claims, stances and relations of the document (small lists)."""
        w = self.w
        self._relation_spans_stale = False
        if w.doc_id is None or not w.annotator:
            self.claims = {}
            self.stances.set_items([])
            self.relations.set_items([], [])
            return
        self.claims = w.project.claims(w.doc_id, w.annotator)
        targets = {t.id: t.name for t in w.project.targets()}
        items = []
        for st in w.project.stances(w.doc_id, w.annotator):
            holder = self._actor_name(st.holder) if st.holder else "⚠ no holder"
            target = targets.get(st.target, st.target) if st.target else "⚠ no target"
            line = f"{holder} → {target}: {st.polarity}" + (f" (if {st.conditions})" if st.conditions else "")
            ev = "; ".join(self.describe(e) for e in st.evidence) or "no evidence"
            items.append((st.id, line, f"{line}\nevidence: {ev}"))
        self.stances.set_items(items)
        rels = [(r.id, f"{self.describe(r.head)} —{r.label}→ {self.describe(r.tail)}")
                for r in w.project.relations(w.doc_id, w.annotator)]
        spans = [(s.id, s.label, quoted(w._text[s.start:s.end], 30) + (f" → {self._actor_name(s.actor_id)}"
                                                                          if s.actor_id else ""))
                 for s in sorted(w._spans.values(), key=lambda s: (s.start, -s.end))]
        self.relations.set_items(rels, spans)

    def _on_tab_changed(self, _index: int) -> None:
        if self._relation_spans_stale and self.w.side.currentWidget() is self.relations:
            self.refresh()

    def _actor_name(self, actor_id: str) -> str:
        return self.w.actor_text(actor_id)

    _DEPENDS_ON = {"claims", "stances", "stance_evidence", "relations", "targets", "actors"}

    def after_change(self, change) -> None:
        """Reload what the change can affect. A change to spans alone (a key press) only makes
        the Relations tab's list of spans stale; it is rebuilt when that tab is shown."""
        w = self.w
        if w.doc_id is None:
            return
        tables = {op.table for op in change.ops}
        only_new_spans = all(op.kind == "insert" for op in change.rows("spans"))
        if tables & self._DEPENDS_ON or not only_new_spans or change.document_id != w.doc_id:
            self.refresh()
        elif "spans" in tables:
            self._relation_spans_stale = True
            if w.side.currentWidget() is self.relations:
                self.refresh()
        # a claim's source shows in its tooltip: redraw claims whose row changed
        for op in change.rows("claims"):
            sid = (op.after or op.before)["span_id"]
            if sid in w._spans and w.view.span(sid) is not None:
                w.view.update_span(w._style(w._spans[sid]))

    # ---------------------------------------------------------------- claims
    def source_line(self, span) -> str | None:
        """"source: Marco Rubio" for a CLAIM span (None for other spans)."""
        w = self.w
        if w.project.scheme.label(span.label).role != "claim":
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
        w = self.w
        scheme = w.project.scheme
        ordered = sorted(w._spans.values(), key=lambda s: (s.start, -s.end))
        actor_spans = []
        for s in ordered:
            if scheme.label(s.label).role == "actor":
                text = " ".join(w._text[s.start:s.end].split())
                name = self._actor_name(s.actor_id) if s.actor_id else "⚠ unlinked"
                actor_spans.append((s.id, quoted(text, 28) + ("" if name == text else f" → {name}")))
        cue_spans = [(s.id, quoted(w._text[s.start:s.end], 28)) for s in ordered if scheme.label(s.label).role == "cue"]
        ed = ClaimEditor(self.claims.get(span.id), actor_spans, cue_spans, w.project.actors(), w.annotations.details)
        ed.setObjectName("claimEditor")
        ed.claimEdited.connect(lambda values, sid=span.id: self.set_claim(sid, **values))
        ed.pickRequested.connect(lambda which, sid=span.id: self.start_pick(sid, which))
        return ed

    def set_claim(self, span_id: str, **values) -> None:
        w = self.w
        w._run(w.project.set_claim, span_id, layer=w.annotator, **values)

    def start_pick(self, claim_id: str, which: str) -> None:
        self._pick = (claim_id, which)
        self.w.view.setFocus()
        self.w.statusBar().showMessage(f"Click (or Tab to) the {which} span in the text; Esc cancels", 6000)

    def on_span_selected(self, span_id: str) -> bool:
        """While picking a claim's source or cue, the selected span is taken. True if consumed."""
        if self._pick is None or not span_id or span_id == self._pick[0] or span_id not in self.w._spans:
            if not span_id:
                self._pick = None
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
        self.w.view.select_span(claim_id)
        self.set_claim(claim_id, **values)
        return True

    # --------------------------------------------------------------- stances
    def new_stance(self) -> None:
        """S: a stance from the selection (annotated as a CLAIM unless it is one) or from the
        selected span; the holder is prefilled from the claim's source actor."""
        w = self.w
        if w.doc_id is None or not w._require_annotator():
            return
        claim_label = next(iter(w.project.scheme.labels_with_role("claim")), None)
        evidence_id = None
        rng = w.view.selected_range()
        if rng is not None:
            existing = next((s for s in w._spans.values() if (s.start, s.end) == rng
                             and w.project.scheme.label(s.label).role == "claim"), None)
            if existing is not None:
                evidence_id = existing.id
            elif claim_label is not None:
                change = w._run(w.project.annotate, w.doc_id, w.annotator, rng[0], rng[1], claim_label)
                if change is None:
                    return
                evidence_id = change.rows("spans")[0].after["id"]
                w.view.set_text_cursor_range(rng[1], rng[1])
                w.view.select_span(evidence_id)
        elif w.view.selected_span_id() in w._spans:
            evidence_id = w.view.selected_span_id()
        holder = None
        if evidence_id is not None:
            c = self.claims.get(evidence_id)
            holder = c.source_actor if c else None
            if holder is None:
                holder = w._spans[evidence_id].actor_id
        ev = [(evidence_id, self._evidence_line(evidence_id))] if evidence_id else []
        self.stances.editor.edit(w.project.actors(), w.project.targets(), holder=holder, evidence=ev)
        w.side.setCurrentWidget(self.stances)
        self.stances.editor.holder.setFocus()

    def _evidence_line(self, span_id: str) -> str:
        s = self.w._spans[span_id]
        return f"{s.label} {quoted(self.w._text[s.start:s.end], 110)}"

    def edit_stance(self, stance_id: str) -> None:
        w = self.w
        st = next((s for s in w.project.stances(w.doc_id, w.annotator) if s.id == stance_id), None)
        if st is None:
            return
        ev = [(e, self._evidence_line(e)) for e in st.evidence if e in w._spans]
        self.stances.editor.edit(w.project.actors(), w.project.targets(), st, evidence=ev)
        w.side.setCurrentWidget(self.stances)

    def show_stance(self, stance_id: str) -> None:
        self.w.side.setCurrentWidget(self.stances)
        self.stances.select(stance_id)
        self.edit_stance(stance_id)

    def _save_stance(self, v: dict) -> None:
        w = self.w
        if v["polarity"] is None:
            w.statusBar().showMessage("⚠ choose a polarity", 4000)
            return
        change = w._run(w.project.set_stance, w.doc_id, w.annotator, holder=v["holder"], target=v["target"],
                        polarity=v["polarity"], conditions=v["conditions"], evidence=v["evidence"],
                        stance_id=v["stance_id"])
        if change is not None:
            self.stances.editor.hide()
            sid = change.rows("stances")[0].after["id"] if change.rows("stances") else v["stance_id"]
            if sid:
                self.stances.select(sid)
            w.view.setFocus()

    def _delete_stance(self, stance_id: str) -> None:
        w = self.w
        if w._run(w.project.delete_stance, stance_id) is not None and self.stances.editor.stance_id == stance_id:
            self.stances.editor.hide()

    def _create_target(self, name: str) -> None:
        w = self.w
        change = w._run(w.project.add_target, name)
        if change is not None:
            self.stances.editor.set_targets(w.project.targets(), change.rows("targets")[0].after["id"])

    def _add_selected_evidence(self) -> None:
        sid = self.w.view.selected_span_id()
        if sid in self.w._spans:
            self.stances.editor.add_evidence(sid, self._evidence_line(sid))
        else:
            self.w.statusBar().showMessage("Select a span in the text first (click it, or Tab)", 3000)

    def highlight_stance(self, stance_id: str) -> None:
        """Select the stance's first evidence span in the article (scrolling to it)."""
        w = self.w
        st = next((s for s in w.project.stances(w.doc_id, w.annotator) if s.id == stance_id), None)
        if st is not None:
            for e in st.evidence:
                if e in w._spans:
                    w.view.select_span(e)
                    return

    # ------------------------------------------------------------- relations
    def _highlight_relation(self, relation_id: str) -> None:
        w = self.w
        r = next((r for r in w.project.relations(w.doc_id, w.annotator) if r.id == relation_id), None)
        if r is not None:
            self._select_span(r.head)   # where the arrow starts; the tail is named in the list
