"""Feedback to annotators (issue 13): each annotator's documents with the decisions made on
them — their version, the gold decision and the adjudicator's note — and their agreement with
gold per label (span F1, exact and overlap, over the documents gold has decided)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import IsfError
from ..models import GOLD
from .units import ReviewUnit, review_documents, version_key

if TYPE_CHECKING:
    from ..store.base import ProjectBase


@dataclass
class FeedbackItem:
    unit: ReviewUnit
    mine: dict | None          # this annotator's version (None: they did not mark the unit)
    decision: str              # accepted / rejected
    taken: bool                # the gold version is theirs (exactly)
    note: str


@dataclass
class Feedback:
    annotator: str
    documents: dict[str, list[FeedbackItem]] = field(default_factory=dict)
    per_label: dict[str, dict] = field(default_factory=dict)     # label -> {"exact": f1, "overlap": f1, "n": spans}

    def text(self) -> str:
        lines = [f"Feedback for {self.annotator}: agreement with gold per label (span F1)"]
        for label, f in sorted(self.per_label.items()):
            ex = "—" if f["exact"] is None else f"{f['exact']:.3f}"
            ov = "—" if f["overlap"] is None else f"{f['overlap']:.3f}"
            lines.append(f"  {label:<16} exact {ex}  overlap {ov}  ({f['n']} of your spans)")
        for doc, items in self.documents.items():
            changed = [i for i in items if not i.taken]
            lines.append(f"{doc}: {len(items)} decided units, {len(changed)} differ from yours")
            for i in changed:
                u = i.unit
                what = f"{u.kind} {u.label} {u.start}-{u.end}".replace("  ", " ")
                lines.append(f"  {what}: {i.decision}" + (" (you did not mark it)" if i.mine is None else "")
                             + (f" — note: {i.note}" if i.note else ""))
        return "\n".join(lines)


def feedback(project: "ProjectBase", annotator: str) -> Feedback:
    if annotator not in project.layers():
        raise IsfError(f"no layer {annotator!r} (layers: {', '.join(project.layers()) or 'none'})")
    from ..agreement import compute_agreement
    from ..team.layers import annotator_layers
    out = Feedback(annotator)
    docs = [r[0] for r in project.conn.execute(
        "SELECT DISTINCT d.document_id FROM decisions d WHERE EXISTS (SELECT 1 FROM doc_status s WHERE "
        "s.document_id = d.document_id AND s.layer = ? AND s.status <> 'new')", (annotator,))]
    for doc, rd in review_documents(project, docs).items():
        items = []
        for u in rd.units:
            if u.decision is None or annotator not in u.coders:
                continue
            mine = u.versions.get(annotator)
            if u.decision["decision"] == "accepted":
                gold = json.loads(u.decision.get("version") or "{}")
                taken = mine is not None and version_key(u.kind, mine) == version_key(u.kind, gold)
            else:
                taken = mine is None   # rejected: right if they had not marked it either
            items.append(FeedbackItem(u, mine, u.decision["decision"], taken, u.decision.get("note") or ""))
        if items:
            out.documents[doc] = items
    gold_docs = {r[0] for r in project.conn.execute("SELECT document_id FROM doc_status WHERE layer=? AND "
                                                    "status='done'", (GOLD,))}
    layers = annotator_layers(project, [annotator, GOLD], done_only=False, documents=sorted(gold_docs))
    if gold_docs and all(layer.documents for layer in layers):
        result = compute_agreement(layers)
        for label, ex in result.span_f1["exact"].labels.items():
            ov = result.span_f1["overlap"].labels.get(label)
            n = sum(1 for s in layers[0].spans if s.label == label)
            out.per_label[label] = {"exact": ex.mean, "overlap": ov.mean if ov else None, "n": n}
    return out
