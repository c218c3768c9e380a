"""The fast paths of claims and stances (issue 9), mixed into ``ClaimsController``:

- a new CLAIM's proposal (source, cue, quote type, modality from the text around it, see
  ``isfannotate.proposals``), shown in the status bar until Enter accepts it (one undo step),
  Tab / Shift+Tab cycle its source candidates, or Esc / the next action dismisses it;
- a half-filled new stance kept as a draft and brought back when its document is shown again.
"""
from __future__ import annotations

import hashlib
import json

from isfannotate.proposals import ClaimProposal, propose_claim


def quoted(text: str, n: int = 40) -> str:
    t = " ".join(text.split())
    return f"“{t if len(t) <= n else t[:n - 1] + '…'}”"


class ProposalsMixin:
    """Needs ``session`` (Session), ``parts`` (WindowParts), ``claims``, ``describe``, ``source_line`` and
    ``_actor_name`` from the controller."""

    proposal: ClaimProposal | None = None
    _proposal_claim: str | None = None
    _proposal_index = 0

    def propose(self, claim_id: str) -> None:
        """A new CLAIM: propose its source, cue, quote type and modality from the text around it.
        Shown in the status bar until Enter (accept), Esc or the next action; Tab / Shift+Tab
        cycle the source candidates."""
        session = self.session
        scheme = session.project.scheme
        span = session.spans.get(claim_id)
        if span is None:
            return
        mod = next((a for a in (scheme.label(span.label).attributes or []) if a.name == "modality"), None)
        self.proposal = propose_claim(
            session.text, (span.start, span.end), list(session.spans.values()), self.claims,
            actor_role=set(scheme.labels_with_role("actor")), cue_role=set(scheme.labels_with_role("cue")),
            attribute_choices=list(mod.choices) if mod is not None else [])
        if mod is None:
            self.proposal.modality = None
        self._proposal_claim = claim_id
        self._proposal_index = 0
        self._show_proposal()

    def _source_text(self, cand) -> str:
        kind, value = cand
        if kind == "article":
            return "the article"
        if kind == "actor":
            return self._actor_name(value)
        sp = self.session.spans.get(value)
        text = quoted(self.session.text[sp.start:sp.end], 30) if sp else value
        return text + (f" → {self._actor_name(sp.actor_id)}" if sp and sp.actor_id else "")

    def proposal_text(self) -> str:
        p = self.proposal
        if p is None:
            return ""
        parts = []
        if p.sources:
            parts.append(f"source {self._source_text(p.sources[self._proposal_index])}"
                         + (f" ({self._proposal_index + 1}/{len(p.sources)})" if len(p.sources) > 1 else ""))
        if p.cue_span:
            parts.append(f"cue {self.describe(p.cue_span)}")
        elif p.new_cue:
            parts.append(f"cue {quoted(self.session.text[p.new_cue[0]:p.new_cue[1]], 24)} (new)")
        parts.append(f"quote {p.quote or 'none'}")
        if p.modality:
            parts.append(p.modality)
        return "Proposed: " + " · ".join(parts) + " — Enter accepts · Tab other source · Q quote type · Esc dismisses"

    def _show_proposal(self) -> None:
        self.session.message(self.proposal_text(), 0)

    def has_proposal(self) -> bool:
        return self.proposal is not None and self._proposal_claim in self.session.spans

    def cycle_proposal(self, step: int) -> None:
        """Tab / Shift+Tab while a proposal is shown: the next / previous source candidate."""
        if not self.has_proposal() or not self.proposal.sources:
            return
        self._proposal_index = (self._proposal_index + step) % len(self.proposal.sources)
        self._show_proposal()

    def cycle_proposal_quote(self) -> None:
        """Q while a proposal is shown: its quote type goes direct → reported → none → direct."""
        if not self.has_proposal():
            self.session.message("Q changes the quote type of a claim's proposal (none is shown)", 3000)
            return
        order = ["direct", "reported", None]
        self.proposal.quote = order[(order.index(self.proposal.quote) + 1) % 3]
        self._show_proposal()

    def dismiss_proposal(self, quiet: bool = False) -> bool:
        """Esc or the next action: the proposal goes, nothing is written. True if one was shown."""
        if self.proposal is None:
            return False
        self.proposal = None
        self._proposal_claim = None
        if not quiet:
            self.session.message("proposal dismissed: the claim has no source yet (Enter: details)", 3000)
        return True

    def accept_proposal(self) -> bool:
        """Enter while a proposal is shown: write it (source, cue — annotated if new —, quote
        type and modality) as ONE undo step. True if there was one."""
        if not self.has_proposal():
            self.dismiss_proposal(quiet=True)
            return False
        session, p, claim_id = self.session, self.proposal, self._proposal_claim
        self.proposal = None
        self._proposal_claim = None
        values: dict = {"quote": p.quote, "cue_span": p.cue_span}
        if p.sources:
            kind, value = p.sources[self._proposal_index]
            if kind == "article":
                values["source_kind"] = "article"
            elif kind == "actor":
                values.update(source_kind="actor", source_actor=value)
            else:
                values.update(source_kind="actor", source_span=value)
        cue_label = next(iter(session.project.scheme.labels_with_role("cue")), None)
        if p.new_cue and cue_label:
            values["new_cue"] = (p.new_cue[0], p.new_cue[1], cue_label)
        if p.modality:
            values["attrs"] = {"modality": p.modality}
        change = session.run(session.project.set_claim, claim_id, layer=session.annotator, **values)
        if change is not None:
            self.parts.view.select_span(claim_id)
            source = self.source_line(session.spans[claim_id]) or ""
            session.message(f"claim: {source} — accepted (Ctrl+Z undoes)", 4000)
        return True



class StanceDraftsMixin:
    """Needs ``session``, ``parts``, ``stances``, ``_evidence_line`` and ``drafts`` (a kept ``QSettings``:
    one made per read syncs the file, ~1–3 ms on every document opened) from the controller."""

    # A half-filled new stance is kept in QSettings (per user, keyed by project file and
    # document), not in the project: a draft is nobody's annotation, must not enter the undo
    # history, exports or agreement, and is written on every edit.
    def _draft_key(self) -> str | None:
        session = self.session
        if session.project is None or session.doc_id is None:
            return None
        h = hashlib.sha1(str(session.project.path.resolve()).encode()).hexdigest()[:16]
        return f"stanceDrafts/{h}/{session.annotator}/{session.doc_id}"

    def _keep_draft(self) -> None:
        key = self._draft_key()
        ed = self.stances.editor
        if key is None:
            return
        v = ed.values()
        v["holder"] = ed.holder_id()
        self.drafts.setValue(key, json.dumps(v))

    def _drop_draft(self) -> None:
        key = self._draft_key()
        if key is not None:
            self.drafts.remove(key)

    def _on_stance_cancelled(self) -> None:
        self.stances.editor.hide()
        self._drop_draft()
        self.parts.view.setFocus()
        self.session.message("stance cancelled", 2000)

    def _restore_draft(self) -> None:
        key = self._draft_key()
        if key is None or self.stances is None:
            return
        raw = self.drafts.value(key)
        if not raw:
            return
        try:
            v = json.loads(raw)
        except (TypeError, ValueError):
            return
        session = self.session
        ev = [(e, self._evidence_line(e)) for e in v.get("evidence") or [] if e in session.spans]
        self.stances.editor.edit(session.project.actors(), session.project.targets(), holder=v.get("holder"),
                                 evidence=ev, target=v.get("target"), polarity=v.get("polarity"),
                                 conditions=v.get("conditions"))
        self.parts.side.setCurrentWidget(self.stances)
        session.message("a half-filled stance came back as a draft (Enter saves, Esc drops it)", 6000)

