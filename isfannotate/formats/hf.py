"""``hf``: Hugging Face token classification, one JSONL row per sentence.

Rows ``{"id", "doc_id", "tokens", "ner_tags", "offsets"}`` in ``<split>.jsonl`` (or
``all.jsonl``) plus ``labels.json`` (the tag list: ``O`` first, then ``B-X``, ``I-X`` per
label in sorted order; ``ner_tags`` index into it). Tags are IOB2 over the ACTOR spans,
labelled with the actor's type, under the same non-overlap policy as spaCy ``doc.ents``.
``offsets`` gives each token's ``[start, end)`` in code points into the document text, so rows
map back to the gold spans exactly. Whitespace-only tokens are left out; sentences an entity
crosses are merged into one row. Loads with ``datasets.load_dataset("json", data_files=...)``.
"""
from __future__ import annotations

import json
from typing import Any

from isfannotate.formats.common import (
    ExportContext,
    actor_entities,
    bio_tags,
    by_split,
    is_space_token,
    sentence_blocks,
)
from isfannotate.formats.tokens import blank_pipeline


def write(ctx: ExportContext, docs: list[dict[str, Any]]) -> None:
    nlp = blank_pipeline(ctx.language)
    rows_by_stem: list[tuple[str, list[dict[str, Any]]]] = []
    labels: set[str] = set()
    for stem, group in by_split(docs):
        rows: list[dict[str, Any]] = []
        for record in ctx.each(group):
            doc = nlp(record["text"])
            ents = actor_entities(doc, record, ctx, "hf ner_tags")
            labels.update(e.label for e in ents)
            tags = bio_tags(len(doc), ents)
            for n, (a, b) in enumerate(sentence_blocks(doc, ents)):
                toks = [t for t in doc[a:b] if not is_space_token(t.text)]
                if not toks:
                    continue
                rows.append(
                    {
                        "id": f"{record['id']}#{n}",
                        "doc_id": record["id"],
                        "tokens": [t.text for t in toks],
                        "ner_tags": [tags[t.i] for t in toks],
                        "offsets": [[t.idx, t.idx + len(t.text)] for t in toks],
                    }
                )
        rows_by_stem.append((stem, rows))
    label_list = ["O"] + [f"{p}-{lab}" for lab in sorted(labels) for p in ("B", "I")]
    index = {tag: i for i, tag in enumerate(label_list)}
    n_rows = 0
    for stem, rows in rows_by_stem:
        with ctx.open_text(f"{stem}.jsonl") as fh:
            for row in rows:
                row["ner_tags"] = [index[t] for t in row["ner_tags"]]
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        n_rows += len(rows)
    ctx.write_text("labels.json", json.dumps(label_list, ensure_ascii=False, indent=1) + "\n")
    ctx.stats["extra"] = {"rows": n_rows, "tags": len(label_list)}
