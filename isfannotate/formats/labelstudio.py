"""``labelstudio``: a JSON list of Label Studio tasks with one annotation each, plus the
labelling config ``config.xml`` (``<Labels name="label" toName="text">`` and ``<Relations>``).

Offsets are code points: Label Studio stores Text region offsets as code points since
label-studio-frontend PR #308 (label-studio PR #1559, "store code points instead of js length").
Every span is a ``labels`` region whose ``id`` is the span id; relations, claim sources
(``source``) and claim cues (``cue``) are ``relation`` results (claim -> source span / cue).
Lost: actor links, attributes, claim source kind and quote type, stances, document labels.
Files ``<split>.json`` or ``all.json``; task ``id`` counts from 1, ``data.doc_id`` is ours.
"""
from __future__ import annotations

import json
from xml.sax.saxutils import quoteattr

from isfannotate.formats.common import ExportContext, by_split, span_links


def _scheme_labels(scheme: dict | None) -> list[str]:
    from isfannotate.formats.brat import scheme_names

    return scheme_names(scheme, "span_labels", "labels")


def write(ctx: ExportContext, docs: list[dict]) -> None:
    labels: set[str] = set(_scheme_labels(ctx.scheme))
    relation_labels: set[str] = set()
    task_id = 0
    for stem, group in by_split(docs):
        tasks = []
        for record in ctx.each(group):
            task_id += 1
            result: list[dict] = []
            for s in record["spans"]:
                labels.add(s["label"])
                result.append(
                    {
                        "id": s["id"],
                        "from_name": "label",
                        "to_name": "text",
                        "type": "labels",
                        "value": {"start": s["start"], "end": s["end"], "text": s["text"], "labels": [s["label"]]},
                    }
                )
            for head, tail, label in span_links(record):
                relation_labels.add(label)
                result.append(
                    {"type": "relation", "from_id": head, "to_id": tail, "direction": "right", "labels": [label]}
                )
            tasks.append(
                {
                    "id": task_id,
                    "data": {"text": record["text"], "doc_id": record["id"]},
                    "annotations": [{"result": result}],
                }
            )
        ctx.write_text(f"{stem}.json", json.dumps(tasks, ensure_ascii=False, indent=1) + "\n")
    lines = ["<View>", '  <Labels name="label" toName="text">']
    lines += [f"    <Label value={quoteattr(lab)}/>" for lab in sorted(labels)]
    lines.append("  </Labels>")
    if relation_labels:
        lines.append("  <Relations>")
        lines += [f"    <Relation value={quoteattr(lab)}/>" for lab in sorted(relation_labels)]
        lines.append("  </Relations>")
    lines += ['  <Text name="text" value="$text"/>', "</View>", ""]
    ctx.write_text("config.xml", "\n".join(lines))
