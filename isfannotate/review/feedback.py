"""Feedback to annotators (issues 13, 19): each annotator's decided units with their version,
gold's version, the sentence around the unit and the lead's note, and their agreement with gold
per label (span F1, exact and overlap, over the documents gold has decided).

Versions are shown as a person reads them (``agreement.describe``): a span as its label, text and
actor name; a claim as source → claim text; a stance as holder → target: polarity. The HTML page
per annotator is in ``feedback_html``."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..agreement.describe import describe_version, sentence_around
from ..agreement.units import ClaimAnn, DocLabelAnn, SpanAnn, StanceAnn
from ..errors import IsfError
from ..models import GOLD
from ..store import review as stored
from .units import ReviewUnit, review_documents, version_key

if TYPE_CHECKING:
    from ..store.base import ProjectBase


@dataclass
class FeedbackItem:
    unit: ReviewUnit
    mine: dict[str, Any] | None          # this annotator's version (None: they did not mark the unit)
    decision: str              # accepted / rejected
    taken: bool                # the gold version is theirs (exactly)
    note: str
    gold: dict[str, Any] | None = None   # gold's version (None: rejected, nothing in gold)
    mine_shown: str = ""       # both versions as one readable line each
    gold_shown: str = ""
    text: str = ""             # the unit's text (a stance: its evidence)
    sentence: str = ""         # the sentence around it


@dataclass
class Feedback:
    annotator: str
    documents: dict[str, list[FeedbackItem]] = field(default_factory=dict)
    # label -> {"exact": f1, "overlap": f1, "n": spans}
    per_label: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def items(self) -> list[FeedbackItem]:
        return [i for items in self.documents.values() for i in items]

    def text(self) -> str:
        n = len(self.items)
        changed = sum(1 for i in self.items if not i.taken)
        lines = [f"Feedback for {self.annotator}: {n} decided unit(s) on your documents, {changed} where gold "
                 "differs from your version", "", "Your agreement with gold per label (span F1)"]
        for label, f in sorted(self.per_label.items()):
            ex = "—" if f["exact"] is None else f"{f['exact']:.3f}"
            ov = "—" if f["overlap"] is None else f"{f['overlap']:.3f}"
            lines.append(f"  {label:<16} exact {ex}  overlap {ov}  ({f['n']} of your spans)")
        if not self.per_label:
            lines.append("  (gold has no decided document of yours yet)")
        for doc, items in self.documents.items():
            diff = [i for i in items if not i.taken]
            same = [i for i in items if i.taken]
            lines.append("")
            lines.append(f"{doc}: {len(items)} decided unit(s), {len(diff)} differ from yours")
            for i in diff:
                lines.append(f"  ≠ {where(i)}  ({i.decision})")
                if i.sentence:
                    lines.append(f"      sentence: {_one_line(i.sentence)}")
                lines.append(f"      yours:    {i.mine_shown}")
                lines.append(f"      gold:     {i.gold_shown}")
                if i.note:
                    lines.append(f"      note:     {i.note}")
            for i in same:
                lines.append(f"  ✓ {where(i)}: {i.mine_shown}" + (f" — note: {i.note}" if i.note else ""))
        return "\n".join(lines) + "\n"

    def to_dict(self) -> dict[str, Any]:
        return {"annotator": self.annotator, "per_label": self.per_label,
                "units": [{"document": i.unit.doc, "kind": i.unit.kind, "decision": i.decision, "same_as_gold": i.taken,
                           "yours": i.mine, "gold": i.gold, "yours_shown": i.mine_shown, "gold_shown": i.gold_shown,
                           "text": i.text, "sentence": i.sentence, "note": i.note} for i in self.items]}


def where(i: FeedbackItem) -> str:
    """Kind, label and offsets of an item's unit (a stance: its evidence's, if any)."""
    u = i.unit
    kind = f"{u.kind} {u.label}".strip() if u.kind == "span" else u.kind.replace("_", " ")
    rng = _range(u, i.mine, i.gold)
    return f"{kind} {rng[0]}–{rng[1]}" if rng else kind


def _one_line(s: str) -> str:
    return " ".join(s.split())


def _range(u: ReviewUnit, *versions: dict[str, Any] | None) -> tuple[int, int] | None:
    if u.kind in ("span", "claim"):
        return (u.start, u.end)
    if u.kind == "stance":
        ev = [e for v in (*versions, *u.versions.values()) if v for e in (v.get("evidence") or ()) if e]
        if ev:
            return (min(e[0] for e in ev), max(e[1] for e in ev))
    return None


def show_version(kind: str, doc: str, v: dict[str, Any] | None, names: dict[str, str], text: str | None,
                 missing: str) -> str:
    """A review version (the dict ``review.units`` reads) as one readable line."""
    if v is None:
        return missing
    ann: Any
    if kind == "span":
        ann = SpanAnn(doc, v["start"], v["end"], v.get("label", ""), v.get("link"))
    elif kind == "claim":
        ss = v.get("source_span")
        ann = ClaimAnn(doc, v["start"], v["end"], v.get("source_kind"), v.get("source"), tuple(ss) if ss else None)
    elif kind == "stance":
        ann = StanceAnn(doc, v.get("holder"), v.get("target"), v.get("polarity", ""))
    else:
        ann = DocLabelAnn(doc, v.get("key", ""), v.get("value"))
    out = describe_version(ann, names, text)
    if kind == "stance":
        if v.get("conditions"):
            out += f" (conditions: {v['conditions']})"
        ev = [text[e[0]:e[1]] for e in (v.get("evidence") or ()) if text is not None and e]
        if ev:
            out += " — evidence: " + " … ".join(f'"{t}"' for t in ev)
    if kind == "claim" and v.get("quote"):
        out += f" [{v['quote']}]"
    return out


def feedback(project: ProjectBase, annotator: str) -> Feedback:
    if annotator not in project.layers():
        raise IsfError(f"no layer {annotator!r} (layers: {', '.join(project.layers()) or 'none'})")
    from ..agreement import compute_agreement
    from ..team.layers import annotator_layers, registry_names
    out = Feedback(annotator)
    names = registry_names(project)
    with project.snapshot() as conn:
        docs = stored.decided_documents_of(conn, annotator)
        texts = stored.texts_of(conn, docs)
    for doc, rd in review_documents(project, docs).items():
        text = texts.get(doc)
        items = []
        for u in rd.units:
            if u.decision is None or annotator not in u.coders:
                continue
            mine = u.versions.get(annotator)
            gold = None
            if u.decision["decision"] == "accepted":
                gold = json.loads(u.decision.get("version") or "{}") or None
                taken = mine is not None and gold is not None and version_key(u.kind, mine) == version_key(u.kind, gold)
            else:
                taken = mine is None   # rejected: right if they had not marked it either
            item = FeedbackItem(u, mine, u.decision["decision"], taken, u.decision.get("note") or "", gold,
                                show_version(u.kind, doc, mine, names, text, "— you did not mark it —"),
                                show_version(u.kind, doc, gold, names, text, "— rejected: not in gold —"))
            rng = _range(u, mine, gold)
            if text is not None and rng is not None:
                item.text = text[rng[0]:rng[1]]
                item.sentence = sentence_around(text, *rng)[0]
            items.append(item)
        if items:
            out.documents[doc] = items
    with project.snapshot() as conn:
        gold_docs = stored.documents_done_in(conn, GOLD)
    layers = annotator_layers(project, [annotator, GOLD], done_only=False, documents=sorted(gold_docs))
    if gold_docs and all(layer.documents for layer in layers):
        result = compute_agreement(layers)
        for label, ex in result.span_f1["exact"].labels.items():
            ov = result.span_f1["overlap"].labels.get(label)
            n = sum(1 for s in layers[0].spans if s.label == label)
            out.per_label[label] = {"exact": ex.mean, "overlap": ov.mean if ov else None, "n": n}
    return out
