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
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from isfannotate.errors import InputError
from isfannotate.formats.common import ExportContext, by_split, span_links
from isfannotate.formats.parsed import (
    IMPORTED,
    ParsedCollection,
    ParsedDocument,
    ParsedRelation,
    ParsedSpan,
    SourceText,
    doc_id_of,
    expand_paths,
    json_lines,
    raw_range,
    read_text_file,
)
from isfannotate.formats.tokens import blank_pipeline
from isfannotate.gcpause import paused_gc


def split_tokens(doc: Any, starts: set[int], ends: set[int]) -> list[dict[str, Any]]:
    """spaCy tokens cut at every boundary in ``starts | ends`` (code points)."""
    cuts = starts | ends
    out: list[dict[str, Any]] = []
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


def write(ctx: ExportContext, docs: list[dict[str, Any]]) -> None:
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


# =========================================================================== reading
#
# Prodigy's database export is JSONL, one task per line: {"text", "tokens"?, "spans"?:
# [{"start", "end", "label", "token_start"?, "token_end"?, "text"?}], "relations"?: [{"head",
# "child", "head_span", "child_span", "label"}], "answer", "_session_id"?, "_view_id"?,
# "meta"?, ...}. Offsets are code points (Prodigy is Python). Only ``answer: accept`` is
# imported; ``reject`` and ``ignore`` are skipped and counted (a task with no answer, i.e. a
# source file, is taken as it is). Each ``_session_id`` (else ``_annotator_id``) is one
# source annotator. Span texts are kept exactly as annotated (the ": @ev" slip stays).


def read(paths: Sequence[str | Path]) -> ParsedCollection:
    """Read Prodigy JSONL (``prodigy db-out``; files, or folders searched for ``*.jsonl``)."""
    coll = ParsedCollection("prodigy")
    with paused_gc():
        for path in expand_paths(paths, (".jsonl",)):
            where = str(path)
            raw = read_text_file(path, one_document=False)
            raw = raw[1:] if raw.startswith("\ufeff") else raw
            seen: set[Any] = set()
            by_text: dict[tuple[Any, ...], ParsedDocument] = {}   # (text sha256, annotator) -> the document so far
            for lineno, task in json_lines(where, raw):
                doc = _task(where, lineno, task, coll.counts, seen)
                if doc is None:
                    continue
                first = by_text.get((doc.sha256, doc.annotator))
                if first is None:
                    by_text[(doc.sha256, doc.annotator)] = doc
                    coll.documents.append(doc)
                else:
                    _join(first, doc, coll.counts)
    return coll


def _join(first: ParsedDocument, doc: ParsedDocument, counts: Counter[Any]) -> None:
    """Several tasks on one text by one annotator (a binary ``ner.teach`` dataset: one
    suggestion per task) make one document: the later task's spans and relations join the
    first's (an exact duplicate span is kept once and counted)."""
    have = {(s.start, s.end, s.label): s.key for s in first.spans}
    alias: dict[str, str] = {}
    for s in doc.spans:
        k = (s.start, s.end, s.label)
        if k in have:
            alias[s.key] = have[k]
            # it was counted as it was read: move that count (imported, else a conversion) to skipped
            status = next(st for (kind, lab, st), n in counts.items()
                          if kind == "span" and lab == s.label and n > 0 and not st.startswith("skipped"))
            counts["span", s.label, status] -= 1
            if not counts["span", s.label, status]:
                del counts["span", s.label, status]
            counts["span", s.label, "skipped:exact duplicate (accepted in another task on the same text)"] += 1
            continue
        new_key = f"{doc.line}:{s.key}"
        alias[s.key] = have[k] = new_key
        s.key = new_key
        first.spans.append(s)
    for r in doc.relations:
        r.head_key, r.tail_key = alias[r.head_key], alias[r.tail_key]
        first.relations.append(r)
    for name, v in doc.doc_labels.items():
        if name == "accept" and isinstance(first.doc_labels.get(name), list):
            first.doc_labels[name] = first.doc_labels[name] + [x for x in v if x not in first.doc_labels[name]]
        else:
            first.doc_labels[name] = v


_BINARY_VIEWS = frozenset({"ner", "classification", "binary"})
"""Views of Prodigy's binary recipes (``ner.teach``, ``textcat.teach``): each task is one
suggestion that the annotator accepted or rejected."""


def _skip(counts: Counter[Any], view: str, why: str, spans_in: list[Any], rels_in: list[Any]) -> None:
    """Count a task that is not imported, with every span and relation in it."""
    counts["document", view, f"skipped:{why}"] += 1
    for s in spans_in:
        counts["span", str(s.get("label")) if isinstance(s, dict) else "?", f"skipped:{why}"] += 1
    for r in rels_in:
        counts["relation", str(r.get("label")) if isinstance(r, dict) else "?", f"skipped:{why}"] += 1


def _task(where: str, lineno: int, task: Any, counts: Counter[Any], seen: set[Any]) -> ParsedDocument | None:
    if not isinstance(task, dict):
        raise InputError(where, "prodigy: expected a JSON object", lineno)
    text = task.get("text")
    if not isinstance(text, str):
        raise InputError(where, 'prodigy: this task has no "text"', lineno)
    spans_in = task.get("spans") or []
    rels_in = task.get("relations") or []
    if not isinstance(spans_in, list) or not isinstance(rels_in, list):
        raise InputError(where, 'prodigy: "spans" and "relations" must be lists', lineno)
    answer = task.get("answer")
    view = str(task.get("_view_id") or "task")
    if answer is not None and answer != "accept":
        why = f"answer {answer}"
        if answer == "reject" and view in _BINARY_VIEWS:
            why = "rejected suggestion"
        _skip(counts, view, why, spans_in, rels_in)
        return None
    if not text.strip():
        _skip(counts, view, "the task's text is empty or only whitespace", spans_in, rels_in)
        return None
    who = task.get("_session_id")
    if who is None:
        who = task.get("_annotator_id")
    who = None if who is None else str(who)
    task_hash = task.get("_task_hash")
    if task_hash is not None:
        hkey = json.dumps(task_hash) if isinstance(task_hash, (list, dict)) else task_hash
        if (hkey, who) in seen:
            _skip(counts, view, "the same task answered twice in one session", spans_in, rels_in)
            return None
        seen.add((hkey, who))
    src = SourceText(text, where, lineno)
    meta = dict(task["meta"]) if isinstance(task.get("meta"), dict) else {}
    doc = ParsedDocument(where, doc_id_of(meta.get("id")), src.text, src.sha256, meta, who, line=lineno)
    if answer is None:
        counts["document", view, "converted:no answer (a source file), taken as it is"] += 1
    by_offsets: dict[tuple[Any, ...], str] = {}
    by_token_end: dict[int, str] = {}
    for i, s in enumerate(spans_in):
        if not isinstance(s, dict) or not isinstance(s.get("label"), str):
            raise InputError(where, f"prodigy: span {i} needs start, end and a label: {s!r}", lineno)
        label = s["label"]
        stated = s.get("text") if isinstance(s.get("text"), str) else None
        a, b, conv = raw_range(src, s.get("start"), s.get("end"), stated, path=where, line=lineno,
                               what=f"prodigy: span {i} ({label})")
        if a == b:
            counts["span", label, "skipped:zero-length"] += 1
            continue
        key = str(i)
        if (a, b, label) in by_offsets:
            counts["span", label, "skipped:exact duplicate"] += 1
            continue
        by_offsets[(a, b, label)] = key
        by_offsets.setdefault((a, b, None), key)
        if isinstance(s.get("token_end"), int):
            by_token_end.setdefault(s["token_end"], key)
        doc.spans.append(ParsedSpan(key, a, b, label, {}, None, None, lineno))
        counts["span", label, "converted:UTF-16 offsets" if conv else
               "converted:offsets moved by text cleaning (BOM/CRLF)" if src.changed and (a, b) != (s["start"], s["end"])
               else IMPORTED] += 1
    for r in rels_in:
        if not isinstance(r, dict) or not isinstance(r.get("label"), str):
            raise InputError(where, f"prodigy: a relation needs a label: {r!r}", lineno)
        ends = []
        for side in ("head", "child"):
            sp = r.get(f"{side}_span")
            end_key: str | None = None
            if isinstance(sp, dict):
                s0, e0 = sp.get("start"), sp.get("end")
                if isinstance(s0, int) and isinstance(e0, int):
                    s1, e1 = src.to_clean(s0), src.to_clean(e0)
                    sp_label = sp.get("label") if isinstance(sp.get("label"), str) else None
                    end_key = by_offsets.get((s1, e1, sp_label)) or by_offsets.get((s1, e1, None))
                where_span = f"{s0}-{e0}"
            else:
                token = r.get(side)
                end_key = by_token_end.get(token) if isinstance(token, int) else None
                where_span = f"token {token!r}"
            if end_key is None:
                raise InputError(where, f"prodigy: relation {r['label']} refers to the {side} span {where_span}, "
                                 'which is not in "spans"', lineno)
            ends.append(end_key)
        doc.relations.append(ParsedRelation(ends[0], ends[1], r["label"], lineno))
        counts["relation", r["label"], IMPORTED] += 1
    accept = task.get("accept")
    if isinstance(accept, list):
        doc.doc_labels["accept"] = accept
        counts["doc_label", "accept", IMPORTED] += 1
    elif isinstance(task.get("label"), str) and not spans_in:
        doc.doc_labels[task["label"]] = True
        counts["doc_label", task["label"], IMPORTED] += 1
    return doc
