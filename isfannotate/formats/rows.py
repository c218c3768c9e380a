"""``stances`` and ``claims``: one JSON row per stance or per claim, ready for a classifier.

Files ``<split>.jsonl`` or ``all.jsonl``. ``context`` is the sentence or sentences (spaCy blank
+ sentencizer) containing the evidence or claim span; non-adjacent sentence groups are joined
with `` … ``. Offsets (``start``/``end``, evidence ``start``/``end``) are code points.
"""
from __future__ import annotations

import bisect
import json
from typing import Any

from isfannotate.formats.common import ExportContext, actor_index, by_split, span_index
from isfannotate.formats.tokens import blank_pipeline

ELLIPSIS_JOIN = " … "


class _Sentences:
    """Sentence character ranges of one document, for context lookups."""

    def __init__(self, doc: Any) -> None:   # a spaCy Doc
        self.text = doc.text
        self.ranges = [(s.start_char, s.end_char) for s in doc.sents] or [(0, len(doc.text))]
        self.starts = [a for a, _ in self.ranges]

    def covering(self, start: int, end: int) -> tuple[int, int]:
        first = max(bisect.bisect_right(self.starts, start) - 1, 0)
        last = max(bisect.bisect_right(self.starts, max(end - 1, start)) - 1, first)
        return self.ranges[first][0], max(self.ranges[last][1], end)

    def context(self, spans: list[tuple[int, int]]) -> str:
        blocks = sorted(self.covering(s, e) for s, e in spans)
        merged: list[list[int]] = []
        for a, b in blocks:
            if merged and a <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        return ELLIPSIS_JOIN.join(self.text[a:b].strip() for a, b in merged)


def _stance_rows(record: dict[str, Any], sents: _Sentences) -> list[dict[str, Any]]:
    spans = span_index(record)
    actors = actor_index(record)
    targets = {t["id"]: t for t in record["targets"]}
    rows = []
    for st in record["stances"]:
        evidence = [spans[e] for e in st.get("evidence") or []]
        holder = actors.get(st.get("holder") or "")
        target = targets.get(st.get("target") or "")
        rows.append(
            {
                "doc_id": record["id"],
                "stance_id": st.get("id"),
                "holder": st.get("holder"),
                "holder_name": holder["name"] if holder else None,
                "target": st.get("target"),
                "target_name": target["name"] if target else None,
                "polarity": st.get("polarity"),
                "conditions": st.get("conditions"),
                "evidence": [{"start": s["start"], "end": s["end"], "text": s["text"]} for s in evidence],
                "evidence_text": ELLIPSIS_JOIN.join(s["text"] for s in evidence),
                "context": sents.context([(s["start"], s["end"]) for s in evidence]) if evidence else "",
            }
        )
    return rows


def _claim_rows(record: dict[str, Any], sents: _Sentences) -> list[dict[str, Any]]:
    spans = span_index(record)
    actors = actor_index(record)
    rows = []
    for cl in record["claims"]:
        span = spans[cl["span"]]
        source = actors.get(cl.get("source") or "")
        source_span = spans.get(cl.get("source_span") or "")
        cue = spans.get(cl.get("cue") or "")
        rows.append(
            {
                "doc_id": record["id"],
                "span_id": span["id"],
                "claim_text": span["text"],
                "start": span["start"],
                "end": span["end"],
                "source_kind": cl.get("source_kind"),
                "source": cl.get("source"),
                "source_name": source["name"] if source else None,
                "source_span_text": source_span["text"] if source_span else None,
                "cue_text": cue["text"] if cue else None,
                "quote": cl.get("quote"),
                "context": sents.context([(span["start"], span["end"])]),
            }
        )
    return rows


def write(ctx: ExportContext, docs: list[dict[str, Any]]) -> None:
    kind = ctx.stats["format"]
    make = _stance_rows if kind == "stances" else _claim_rows
    key = "stances" if kind == "stances" else "claims"
    nlp = blank_pipeline(ctx.language)
    n_rows = 0
    for stem, group in by_split(docs):
        with ctx.open_text(f"{stem}.jsonl") as fh:
            for record in ctx.each(group):
                if not record[key]:
                    continue
                for row in make(record, _Sentences(nlp(record["text"]))):
                    fh.write(json.dumps(row, ensure_ascii=False) + "\n")
                    n_rows += 1
    ctx.stats["extra"] = {"rows": n_rows}
