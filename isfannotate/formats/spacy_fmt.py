"""``spacy``: one ``DocBin`` per split (``<split>.spacy`` or ``all.spacy``).

Tokens and sentences come from ``spacy.blank(language)`` + sentencizer. ACTOR spans become
``doc.ents`` labelled with the linked actor's type (``kb_id`` = actor id), non-overlapping,
longest first; every span (any label) goes into ``doc.spans["sc"]``. Spans are aligned with
``doc.char_span(..., alignment_mode="strict")``, falling back to ``"expand"`` with a warning;
a span that cannot be aligned at all is reported, never silently dropped. ``doc.user_data``
holds the document id, sha256, split and layer.
"""
from __future__ import annotations

from typing import Any

from isfannotate.formats.common import ExportContext, actor_entities, align, by_split
from isfannotate.formats.tokens import blank_pipeline


def write(ctx: ExportContext, docs: list[dict[str, Any]]) -> None:
    from spacy.tokens import DocBin, Span

    nlp = blank_pipeline(ctx.language)
    n_ents = n_sc = 0
    for stem, group in by_split(docs):
        bin_ = DocBin(store_user_data=True)
        for record in ctx.each(group):
            doc = nlp(record["text"])
            ents = actor_entities(doc, record, ctx, "spacy doc.ents")
            doc.ents = [Span(doc, e.token_start, e.token_end, label=e.label, kb_id=e.kb_id) for e in ents]
            group_spans = []
            for span in record["spans"]:
                sp = align(doc, record, span, ctx, 'spacy doc.spans["sc"]')
                if sp is not None:
                    group_spans.append(
                        Span(doc, sp.start, sp.end, label=span["label"], kb_id=span.get("actor_id") or "")
                    )
            doc.spans["sc"] = group_spans
            doc.user_data["isfannotate"] = {
                "id": record["id"],
                "sha256": record["sha256"],
                "split": record["split"],
                "layer": record["layer"],
            }
            doc.user_data["id"] = record["id"]
            n_ents += len(ents)
            n_sc += len(group_spans)
            bin_.add(doc)
        ctx.write_bytes(f"{stem}.spacy", bin_.to_bytes())
    ctx.stats["extra"] = {"ents": n_ents, "spans_sc": n_sc}
