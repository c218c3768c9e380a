"""``conll``: IOB2, ``token<TAB>tag``, one token per line, a blank line after each sentence.

Each document starts with a comment line ``# doc_id = <id>`` (CoNLL-U style, as in the UNER
files; not ``-DOCSTART-``). Tags cover the ACTOR spans labelled with the actor's type, under
the same non-overlap policy as spaCy ``doc.ents``. Whitespace-only tokens are left out;
whitespace inside a token (never produced by spaCy's tokenizer for ordinary text) becomes
``_``. Sentences an entity crosses are merged. Files ``<split>.conll`` or ``all.conll``.
"""
from __future__ import annotations

import re

from isfannotate.formats.common import (
    ExportContext,
    actor_entities,
    bio_tags,
    by_split,
    is_space_token,
    sentence_blocks,
)
from isfannotate.formats.tokens import blank_pipeline

_WS = re.compile(r"\s+")


def comment_value(value: str) -> str:
    """A document id made safe for a one-line comment (control characters and newlines -> ``_``)."""
    return "".join(ch if ch.isprintable() else "_" for ch in value)


def write(ctx: ExportContext, docs: list[dict]) -> None:
    nlp = blank_pipeline(ctx.language)
    n_sent = 0
    for stem, group in by_split(docs):
        with ctx.open_text(f"{stem}.conll") as fh:
            for record in ctx.each(group):
                doc = nlp(record["text"])
                ents = actor_entities(doc, record, ctx, "conll tags")
                tags = bio_tags(len(doc), ents)
                fh.write(f"# doc_id = {comment_value(record['id'])}\n")
                for a, b in sentence_blocks(doc, ents):
                    toks = [t for t in doc[a:b] if not is_space_token(t.text)]
                    if not toks:
                        continue
                    for t in toks:
                        fh.write(f"{_WS.sub('_', t.text)}\t{tags[t.i]}\n")
                    fh.write("\n")
                    n_sent += 1
    ctx.stats["extra"] = {"sentences": n_sent}
