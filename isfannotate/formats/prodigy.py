"""``prodigy``: Prodigy task JSONL, ``{"text", "tokens", "spans", "relations", "meta", "answer"}``.

Tokens come from ``spacy.blank(language)`` and are further split at every span boundary (and
a whitespace character a span starts or ends on becomes its own token), so every span keeps
its exact character offsets and satisfies ``tokens[token_start].start == start`` and
``tokens[token_end].end == end`` with ``token_end`` inclusive, as Prodigy stores it. Offsets
are code points (Prodigy is Python). All spans are written (overlapping spans suit the
``spans_manual`` view; ``ner_manual`` accepts non-overlapping ones). Relations, claim sources
and cues are Prodigy ``relations`` (``head``/``child`` = last token of each span). Lost: actor
links, attributes, stances, quote types, document labels. Files ``<split>.jsonl``/``all.jsonl``.
"""
from __future__ import annotations

import json

from isfannotate.formats.common import ExportContext, by_split, span_links
from isfannotate.formats.tokens import blank_pipeline


def split_tokens(doc, starts: set[int], ends: set[int]) -> list[dict]:
    """spaCy tokens cut at every boundary in ``starts | ends`` (code points)."""
    cuts = starts | ends
    out: list[dict] = []
    text = doc.text
    for tok in doc:
        a, b = tok.idx, tok.idx + len(tok.text)
        points = [a] + sorted(p for p in cuts if a < p < b) + [b]
        for i in range(len(points) - 1):
            out.append({"text": text[points[i] : points[i + 1]], "start": points[i], "end": points[i + 1], "ws": False})
        if tok.whitespace_:
            gap = b  # one trailing whitespace character at [b, b+1)
            if gap in starts or gap + 1 in ends:
                out.append({"text": text[gap : gap + 1], "start": gap, "end": gap + 1, "ws": False})
            else:
                out[-1]["ws"] = True
    for i, t in enumerate(out):
        t["id"] = i
    return [{"text": t["text"], "start": t["start"], "end": t["end"], "id": t["id"], "ws": t["ws"]} for t in out]


def write(ctx: ExportContext, docs: list[dict]) -> None:
    nlp = blank_pipeline(ctx.language)
    for stem, group in by_split(docs):
        with ctx.open_text(f"{stem}.jsonl") as fh:
            for record in ctx.each(group):
                spans = sorted(record["spans"], key=lambda s: (s["start"], -s["end"], s["label"], s["id"]))
                tokens = split_tokens(
                    nlp(record["text"]), {s["start"] for s in spans}, {s["end"] for s in spans}
                )
                first = {t["start"]: t["id"] for t in tokens}
                last = {t["end"]: t["id"] for t in tokens}
                by_id = {}
                out_spans = []
                for s in spans:
                    ps = {
                        "start": s["start"],
                        "end": s["end"],
                        "label": s["label"],
                        "token_start": first[s["start"]],
                        "token_end": last[s["end"]],
                    }
                    by_id[s["id"]] = ps
                    out_spans.append(ps)
                rels = span_links(record)
                relations = [
                    {
                        "head": by_id[h]["token_end"],
                        "child": by_id[c]["token_end"],
                        "head_span": by_id[h],
                        "child_span": by_id[c],
                        "label": label,
                    }
                    for h, c, label in rels
                ]
                task = {
                    "text": record["text"],
                    "tokens": tokens,
                    "spans": out_spans,
                    "relations": relations,
                    "meta": {"id": record["id"]},
                    "answer": "accept",
                }
                fh.write(json.dumps(task, ensure_ascii=False) + "\n")
