"""``attribution-parc``: claims as source–cue–content triples, in the manner of PARC 3.0 and
PolNeAR (attribution relations).

Files ``<split>.jsonl`` or ``all.jsonl``, one attribution per line::

    {"doc_id", "id", "content": {"start", "end", "text"}, "source": {...} | null,
     "cue": {...} | null, "source_kind": "actor" | "article", "source_actor": {"id", "name", "type"} | null,
     "quote": "direct" | "reported" | null, "context"}

Mapping: our CLAIM span is PARC's *content*; the claim's source span (the ACTOR mention) is
the *source*; its CUE span is the *cue*. A claim attributed to the article has no source span
(PARC's implicit writer source: ``source_kind: "article"``); a claim whose source actor is
named elsewhere has ``source: null`` and ``source_actor`` set. PARC's direct / indirect /
mixed attribution type maps from our quote type: direct → direct, reported → indirect.
Offsets are code points; ``context`` is the sentence(s) around the content.
"""
from __future__ import annotations

import json
from typing import Any

from isfannotate.formats.common import ExportContext, actor_index, by_split, span_index
from isfannotate.formats.rows import _Sentences
from isfannotate.formats.tokens import blank_pipeline

PARC_TYPES = {"direct": "direct", "reported": "indirect"}


def _span(s: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if s is None else {"start": s["start"], "end": s["end"], "text": s["text"]}


def write(ctx: ExportContext, docs: list[dict[str, Any]]) -> None:
    nlp = blank_pipeline(ctx.language)
    rows = 0
    for stem, group in by_split(docs):
        with ctx.open_text(f"{stem}.jsonl") as fh:
            for record in ctx.each(group):
                if not record["claims"]:
                    continue
                spans = span_index(record)
                actors = actor_index(record)
                sents = _Sentences(nlp(record["text"]))
                for cl in record["claims"]:
                    content = spans[cl["span"]]
                    actor = actors.get(cl.get("source") or "")
                    fh.write(json.dumps({
                        "doc_id": record["id"],
                        "id": content["id"],
                        "content": _span(content),
                        "source": _span(spans.get(cl.get("source_span") or "")),
                        "cue": _span(spans.get(cl.get("cue") or "")),
                        "source_kind": cl.get("source_kind"),
                        "source_actor": {"id": actor["id"], "name": actor["name"], "type": actor["type"]}
                        if actor else None,
                        "quote": cl.get("quote"),
                        "parc_type": PARC_TYPES.get(cl.get("quote") or ""),
                        "context": sents.context([(content["start"], content["end"])]),
                    }, ensure_ascii=False) + "\n")
                    rows += 1
    ctx.stats["extra"] = {"rows": rows}
