"""``doccano``: sequence-labelling JSONL ``{"id", "text", "label": [[start, end, label], ...]}``.

doccano's editor counts offsets in UTF-16 code units (JavaScript string indices; doccano issue
#2290), so offsets are converted from code points on the way out: a span after an emoji flag
moves by one unit per astral character before it. Files ``<split>.jsonl`` or ``all.jsonl``.
Only span labels are kept; actor links, attributes, claims, stances and relations are lost.
"""
from __future__ import annotations

import json

from isfannotate.formats.common import ExportContext, by_split
from isfannotate.utf16 import Utf16Map


def write(ctx: ExportContext, docs: list[dict]) -> None:
    for stem, group in by_split(docs):
        with ctx.open_text(f"{stem}.jsonl") as fh:
            for record in ctx.each(group):
                u16 = Utf16Map(record["text"]).to_utf16
                labels = [
                    [u16(s["start"]), u16(s["end"]), s["label"]]
                    for s in sorted(record["spans"], key=lambda s: (s["start"], -s["end"], s["label"]))
                ]
                row = {"id": record["id"], "text": record["text"], "label": labels}
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
