"""The training data of a suggestion model, read from a project through its readers.

Which documents teach: those marked done in the layer; when the layer has none marked done
(gold imported from files, say), every document holding annotations in it. With
*include_layers*, a document the layer does not cover takes the annotations of the first
included layer that covers it by the same rule. Every document is either used or counted in
``skipped`` with its reason.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..proposals import propose_claim

if TYPE_CHECKING:
    from ..models import Span
    from ..store.base import ProjectBase


def _covered(project: ProjectBase, layer: str, doc_ids: list[str]) -> tuple[set[str], str]:
    statuses = project.statuses(layer)
    done = {d for d, s in statuses.items() if s == "done"}
    if done:
        return done, "marked done"
    return set(project.annotated_documents(layer)), "annotated"


def training_data(project: ProjectBase, layer: str, include_layers: Sequence[str] = (), *,
                  only: set[str] | None = None, seen: set[str] | None = None, seed: int = 0) -> dict[str, Any]:
    """{"lang", "labels", "roles", "docs": [...], "skipped": [(id, reason)], "rule": ...}; each doc:
    id, text, group (near-duplicate group or id), layer, spans [[start, end, label]], claims
    [{span, source_rank, cue}], stances [{text, polarity, target}]."""
    scheme = project.scheme
    roles = {lab.name: lab.role for lab in scheme.span_labels}
    actor_role = set(scheme.labels_with_role("actor"))
    cue_role = set(scheme.labels_with_role("cue"))
    ids = [d for d, _ in project.document_list()]
    if only is not None:
        ids = [d for d in ids if d in only]
    covers = [(lay, *_covered(project, lay, ids)) for lay in (layer, *include_layers)]
    actors = {a.id: a.name for a in project.actors()}
    targets = {t.id: t.name for t in project.targets()}
    docs, skipped = [], []
    usable = []
    for doc_id in ids:
        src = next((lay for lay, cov, _ in covers if doc_id in cov), None)
        if src is None:
            skipped.append((doc_id, f"not {covers[0][2]} in {layer}" + (" nor in an included layer" if include_layers
                                                                         else "")))
            continue
        usable.append((doc_id, src))
    n_seen = 0
    if seen is not None:
        # an update: the documents the previous model has not seen, plus as many of the others
        import random
        new = [u for u in usable if u[0] not in seen]
        old = [u for u in usable if u[0] in seen]
        n_seen = len(old)
        keep = set(random.Random(seed).sample(range(len(old)), min(len(old), max(len(new), 1))))
        usable = new + [u for k, u in enumerate(old) if k in keep]
    for doc_id, src in usable:
        doc = project.document(doc_id)
        spans = project.spans(doc_id, src)
        claims = project.claims(doc_id, src)
        by_id = {s.id: s for s in spans}
        out_claims = []
        for sid, c in claims.items():
            s = by_id.get(sid)
            if s is None:
                continue
            prop = propose_claim(doc.text, (s.start, s.end), spans, {k: v for k, v in claims.items() if k != sid},
                                 actor_role=actor_role, cue_role=cue_role)
            gold_src = (("span", c.source_span) if c.source_span else ("article", None) if c.source_kind == "article"
                        else ("actor", c.source_actor) if c.source_actor else None)
            rank = None

            def actor_of(span_id: str | None, by_id: dict[str, Span] = by_id) -> str | None:
                sp = by_id.get(span_id) if span_id is not None else None
                return sp.actor_id if sp is not None else None
            if gold_src is not None:
                for k, cand in enumerate(prop.sources):
                    if cand == gold_src or (gold_src[0] == "actor" and cand[0] == "span"
                                            and actor_of(cand[1]) is not None and actor_of(cand[1]) == gold_src[1]):
                        rank = k
                        break
                aid = actor_of(gold_src[1]) if gold_src[0] == "span" else None
                if rank is None and aid:
                    rank = next((k for k, cand in enumerate(prop.sources)
                                 if cand[0] == "span" and actor_of(cand[1]) == aid), None)
            cue = by_id.get(c.cue_span) if c.cue_span else None
            prop_cue = by_id.get(prop.cue_span) if prop.cue_span is not None else None
            proposed_cue = (prop_cue.start, prop_cue.end) if prop_cue is not None else prop.new_cue
            out_claims.append({"span": [s.start, s.end], "has_source": gold_src is not None, "source_rank": rank,
                               "cue": [cue.start, cue.end] if cue else None,
                               "cue_proposed_right": bool(cue and proposed_cue == (cue.start, cue.end))})
        out_stances = []
        for st in project.stances(doc_id, src):
            ev = [by_id[e] for e in st.evidence if e in by_id and roles.get(by_id[e].label) == "claim"]
            for e in ev[:1]:
                out_stances.append({"text": stance_text(actors.get(st.holder or "", ""),
                                                        targets.get(st.target or "", ""), doc.text[e.start:e.end]),
                                    "claim_text": doc.text[e.start:e.end],
                                    "polarity": st.polarity, "target": st.target})
        docs.append({"id": doc_id, "text": doc.text, "group": doc.near_dup_group or doc_id, "layer": src,
                     "spans": [[s.start, s.end, s.label] for s in spans], "claims": out_claims,
                     "stances": out_stances})
    return {"lang": "en", "labels": [lab.name for lab in scheme.span_labels], "roles": roles,
            "polarities": list(scheme.stance.polarities), "targets": sorted(targets), "docs": docs,
            "skipped": skipped, "rule": covers[0][2], "seen_usable": n_seen}


def stance_text(holder: str, target: str, claim: str) -> str:
    """What the stance classifier reads: "holder | target | claim text"."""
    return f"{holder} | {target} | {' '.join(claim.split())}"
