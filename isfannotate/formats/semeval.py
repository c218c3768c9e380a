"""``stance-semeval``: stance detection rows in the SemEval-2016 Task 6 / P-Stance layout.

Files ``<split>.tsv`` or ``all.tsv``, tab-separated with a header: ``ID, Target, Text, Stance``
(SemEval-2016's columns, in its order), then ``Holder``, ``Polarity`` and ``Document`` for
readers that want them. ``Text`` is the sentence or sentences holding the stance's evidence
(spaCy blank + sentencizer, as the ``stances`` rows); a stance without evidence has no text
and is left out. Label mapping: support → FAVOR, oppose → AGAINST, neutral → NONE;
conditional and unclear stances have no SemEval label and are left out, counted in the
manifest (``extra.left_out``). Tabs and newlines inside a text become spaces.
"""
from __future__ import annotations

from typing import Any

from isfannotate.formats.common import ExportContext, actor_index, by_split, span_index
from isfannotate.formats.rows import _Sentences
from isfannotate.formats.tokens import blank_pipeline

LABELS = {"support": "FAVOR", "oppose": "AGAINST", "neutral": "NONE"}
COLUMNS = ("ID", "Target", "Text", "Stance", "Holder", "Polarity", "Document")


def _clean(text: str) -> str:
    return " ".join(text.split())


def write(ctx: ExportContext, docs: list[dict[str, Any]]) -> None:
    nlp = blank_pipeline(ctx.language)
    rows = 0
    left_out: dict[str, int] = {}
    for stem, group in by_split(docs):
        before = rows
        with ctx.open_text(f"{stem}.tsv") as fh:
            fh.write("\t".join(COLUMNS) + "\n")
            for record in ctx.each(group):
                if not record["stances"]:
                    continue
                spans = span_index(record)
                actors = actor_index(record)
                targets = {t["id"]: t["name"] for t in record["targets"]}
                sents = None
                for st in record["stances"]:
                    label = LABELS.get(st["polarity"])
                    evidence = [spans[e] for e in st.get("evidence") or []]
                    why = None if label else f"polarity {st['polarity']}"
                    if why is None and not evidence:
                        why = "no evidence span"
                    if why is None and not st.get("target"):
                        why = "no target"
                    if why is not None:
                        left_out[why] = left_out.get(why, 0) + 1
                        continue
                    assert label is not None   # a polarity without a label was left out just above
                    if sents is None:
                        sents = _Sentences(nlp(record["text"]))
                    holder = actors.get(st.get("holder") or "")
                    fh.write("\t".join(_clean(x) for x in (
                        st["id"], targets.get(st["target"], st["target"]),
                        sents.context([(s["start"], s["end"]) for s in evidence]), label,
                        holder["name"] if holder else "", st["polarity"], record["id"])) + "\n")
                    rows += 1
        if rows == before:
            ctx.mark_empty(f"{stem}.tsv")   # a header and no row: nothing to write
    ctx.stats["extra"] = {"rows": rows, "left_out": left_out, "labels": LABELS}
