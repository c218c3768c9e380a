"""``jsonl``: the gold JSONL itself, one document per line, ``split`` filled in.

Files ``<split>.jsonl`` (train/dev/test) or ``all.jsonl``, UTF-8, LF line ends. Plain
``json`` encoding with ``ensure_ascii=False``: no per-record schema validation on this path
(the orchestrator has checked every span and reference), so 100,000 spans export inside the
0.5 s budget. Each line is encoded once and feeds the file, its digest and the content digest.
"""
from __future__ import annotations

import hashlib

from isfannotate.formats.common import ExportContext, by_split


def write(ctx: ExportContext, docs: list[dict]) -> None:
    from isfannotate.exporting import CONTENT_DIGEST_PREFIX, gold_lines

    digest = hashlib.sha256(CONTENT_DIGEST_PREFIX + b"jsonl\n")
    for stem, group in by_split(docs):
        with ctx.open_hashed(f"{stem}.jsonl") as fh:
            for _doc, line in zip(ctx.each(group), gold_lines(group)):
                data = (line + "\n").encode("utf-8", "surrogatepass")
                fh.write(data)
                digest.update(data)
    ctx.stats["content_sha256"] = digest.hexdigest()
