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
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

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
    find_line,
    json_list_items,
    raw_range,
    read_text_file,
)
from isfannotate.formats.reading import records
from isfannotate.gcpause import paused_gc


def _scheme_labels(scheme: dict[str, Any] | None) -> list[str]:
    from isfannotate.formats.brat import scheme_names

    return scheme_names(scheme, "span_labels", "labels")


def write(ctx: ExportContext, docs: list[dict[str, Any]]) -> None:
    labels: set[str] = set(_scheme_labels(ctx.scheme))
    relation_labels: set[str] = set()
    task_id = 0
    for stem, group in by_split(docs):
        tasks = []
        for record in ctx.each(group):
            task_id += 1
            result: list[dict[str, Any]] = []
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


# =========================================================================== reading
#
# A Label Studio JSON export is a list of tasks (or one task object):
#   {"id", "data": {"text": ..., ...}, "annotations" (old exports: "completions"): [
#       {"completed_by", "was_cancelled"?, "result": [
#           {"id", "type": "labels", "from_name", "value": {"start", "end", "text"?, "labels": [...]}},
#           {"type": "relation", "from_id", "to_id", "direction", "labels": [...]},
#           {"type": "choices", "from_name", "value": {"choices": [...]}} ...]}],
#    "predictions": [...]}
# One document per (task, annotation); the annotation's ``completed_by`` is its annotator.
# Offsets are code points (Label Studio >= 1.0); where ``value.text`` disagrees with the slice,
# UTF-16 units (older frontends) are tried. Per-region choices/textarea/rating results (same
# ``id`` as a labels region) become attributes of that span; task-level ones document labels.

_VALUE_TYPES = {"choices": "choices", "textarea": "text", "rating": "rating", "number": "number",
                "datetime": "datetime", "taxonomy": "taxonomy"}


def read(paths: Sequence[str | Path]) -> ParsedCollection:
    """Read Label Studio JSON exports (files, or folders searched for ``*.json``)."""
    coll = ParsedCollection("labelstudio")
    with paused_gc():
        for path in expand_paths(paths, (".json",)):
            where = str(path)
            raw = read_text_file(path, one_document=False)
            raw = raw[1:] if raw.startswith("\ufeff") else raw
            line, counted = 1, 0
            for n, (start, end, task) in enumerate(records(json_list_items(where, raw)), 1):
                line += raw.count("\n", counted, start)
                counted = start
                if isinstance(task, dict) and "data" not in task and is_json_min(task):
                    task = json_min_task(task, coll.counts)
                elif isinstance(task, dict) and "data" not in task and not task.keys() & _TASK_KEYS:
                    # Label Studio's import form ``[{"text": ...}]``: the task's fields are its data
                    task = {"data": task}
                    coll.counts["document", "task", 'converted:a task without "data" (import form)'] += 1
                _task(where, _Loc(raw, start, end, line), n, task, coll)
    return coll


class _Loc:
    """Where a task sits in its file: its first line, and the line of a string inside it (for
    errors about values a JSON parser does not place)."""

    __slots__ = ("raw", "start", "end", "line")

    def __init__(self, raw: str, start: int, end: int, line: int) -> None:
        self.raw, self.start, self.end, self.line = raw, start, end, line

    def find(self, needle: str) -> int | None:
        return find_line(self.raw, needle, self.line, self.start, self.end)


_TASK_KEYS = frozenset({"annotations", "completions", "predictions", "result"})
_MIN_KEYS = frozenset({"id", "annotator", "annotation_id", "created_at", "updated_at", "lead_time"})


def _region_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(
        isinstance(x, dict) and "start" in x and "end" in x and isinstance(x.get("labels"), list) for x in value
    )


def is_json_min(record: dict[str, Any]) -> bool:
    """Label Studio's JSON-MIN export: one flat object per task, ``text`` beside the data
    fields and one key per labelling control (``{"label": [{"start", "end", "text", "labels"}]}``)."""
    return isinstance(record.get("text"), str) and any(_region_list(v) for k, v in record.items() if k != "text")


def json_min_task(record: dict[str, Any], counts: Counter[Any]) -> dict[str, Any]:
    """A JSON-MIN record as a task of the full export. Region lists become ``labels`` results;
    every other value (data fields and choices cannot be told apart there) goes to ``data``,
    which the reader keeps as meta."""
    data: dict[str, Any] = {"text": record["text"]}
    result = []
    for k, v in record.items():
        if k == "text" or k in _MIN_KEYS:
            continue
        if _region_list(v):
            for i, x in enumerate(v):
                value = {"start": x["start"], "end": x["end"], "labels": x["labels"]}
                if isinstance(x.get("text"), str):
                    value["text"] = x["text"]
                result.append({"id": f"{k}-{i + 1}", "type": "labels", "from_name": k, "value": value})
        else:
            data[k] = v
    counts["document", "JSON-MIN", "converted:flat JSON-MIN task (relations are not in this export)"] += 1
    return {"id": record.get("id"), "data": data,
            "annotations": [{"completed_by": record.get("annotator"), "result": result}]}


def _text_of(where: str, loc: _Loc, n: int, task: dict[str, Any]) -> tuple[str, str | None]:
    data = task.get("data")
    if not isinstance(data, dict):
        raise InputError(where, f'labelstudio: task {n} has no "data" object', loc.find('"data"'))
    if isinstance(data.get("text"), str):
        return data["text"], "text"
    strings = [k for k, v in data.items() if isinstance(v, str) and k not in ("doc_id", "id")]
    if len(strings) == 1:
        return data[strings[0]], strings[0]
    raise InputError(
        where, f'labelstudio: task {n}: cannot tell which "data" field holds the text (no "text"; '
        f"string fields: {', '.join(strings) or 'none'})", loc.line)


_MEDIA = re.compile(r"(?:https?://|s3://|gs://|azure-blob://|/data/|data:)\S*\Z|\S+\.(?:png|jpe?g|gif|bmp|tiff?|webp|"
                    r"svg|mp3|wav|ogg|flac|m4a|mp4|webm|avi|mov|pdf)\Z", re.I)


def _annotator(ann: dict[str, Any]) -> str | None:
    who = ann.get("completed_by")
    if isinstance(who, dict):
        who = who.get("email") or who.get("username") or who.get("id")
    if who is None:
        who = ann.get("created_username")
    return None if who is None or who == "" else str(who)


def _task(where: str, loc: _Loc, n: int, task: Any, coll: ParsedCollection) -> None:
    counts = coll.counts
    if not isinstance(task, dict):
        raise InputError(where, f"labelstudio: task {n} is not a JSON object", loc.line)
    text, text_key = _text_of(where, loc, n, task)
    if text_key != "text" and _MEDIA.match(text):
        # an image/audio/video task (``data.image`` = a URL): no text to annotate; the task and
        # everything in it is counted as skipped
        why = f"a task without text (data.{text_key} is a file or URL)"
        counts["document", "task", f"skipped:{why}"] += 1
        for ann in (task.get("annotations") or task.get("completions") or []) + (task.get("predictions") or []):
            _skip(ann, why, counts, document=False)
        return
    src = SourceText(text, where, loc.line)
    data = task["data"]
    doc_id = doc_id_of(data.get("doc_id")) or doc_id_of(task.get("id"))
    meta = {k: v for k, v in data.items() if k not in (text_key, "doc_id")}
    if isinstance(task.get("meta"), dict):
        meta.update(task["meta"])
    if task.get("id") is not None and "doc_id" in data:
        meta.setdefault("labelstudio_task", task["id"])
    preds = task.get("predictions") or []
    if not isinstance(preds, list):
        raise InputError(where, f'labelstudio: task {n}: "predictions" must be a list', loc.line)
    for pred in preds:
        _skip(pred, "prediction (not an annotation)", counts)
    anns = task.get("annotations")
    if anns is None:
        anns = task.get("completions")
    if anns is None:
        anns = []
    if not isinstance(anns, list):
        raise InputError(where, f'labelstudio: task {n}: "annotations" must be a list', loc.line)
    seen_annotators: set[Any] = set()
    docs = []
    for ann in anns:
        if not isinstance(ann, dict):
            raise InputError(where, f"labelstudio: task {n}: an annotation is not a JSON object", loc.line)
        if ann.get("was_cancelled"):
            _skip(ann, "cancelled (skipped in Label Studio)", counts)
            continue
        who = _annotator(ann)
        if who in seen_annotators:
            _skip(ann, "a second annotation by the same annotator", counts)
            continue
        seen_annotators.add(who)
        doc = ParsedDocument(where, doc_id, src.text, src.sha256, dict(meta), who, line=loc.line)
        _result(where, loc, n, src, ann.get("result") or [], doc, counts)
        docs.append(doc)
    if not docs:
        # nobody annotated this task (no annotation, only predictions, or only cancelled ones): the
        # document is added, but it is in no annotator's layer and not done
        docs.append(ParsedDocument(where, doc_id, src.text, src.sha256, dict(meta), line=loc.line, annotated=False))
    coll.documents.extend(docs)


def _skip(ann: Any, why: str, counts: Counter[Any], document: bool = True) -> None:
    """Count an annotation or prediction that is not imported, with every result in it."""
    if document:
        counts["document", "prediction" if why.startswith("prediction") else "annotation", f"skipped:{why}"] += 1
    result = ann.get("result") if isinstance(ann, dict) else None
    for r in result if isinstance(result, list) else []:
        rtype = r.get("type") if isinstance(r, dict) else None
        value = _value_of(r)
        if rtype == "labels" and isinstance(value.get("labels"), list):
            for label in value["labels"] or ["(none)"]:
                counts["span", str(label), f"skipped:{why}"] += 1
        elif rtype == "relation":
            labels = r.get("labels") if isinstance(r.get("labels"), list) else []
            for label in labels or ["related"]:
                counts["relation", str(label), f"skipped:{why}"] += 1
        else:
            counts["result", str(rtype), f"skipped:{why}"] += 1


def _value_of(result: Any) -> dict[str, Any]:
    """A result's ``value`` object ({} when it has none or it is not an object)."""
    value = result.get("value") if isinstance(result, dict) else None
    return value if isinstance(value, dict) else {}


def _result(where: str, loc: _Loc, n: int, src: SourceText, result: Any, doc: ParsedDocument,
            counts: Counter[Any]) -> None:
    if not isinstance(result, list):
        raise InputError(where, f'labelstudio: task {n}: "result" must be a list', loc.line)
    regions: dict[str, list[str]] = {}  # region id -> span keys (one per label)
    spans: dict[str, ParsedSpan] = {}
    later = []
    for i, r in enumerate(result):
        if not isinstance(r, dict):
            raise InputError(where, f"labelstudio: task {n}: a result is not a JSON object", loc.line)
        rtype = r.get("type") if isinstance(r.get("type"), str) else repr(r.get("type"))
        value = _value_of(r)
        if rtype == "labels":
            rid = str(r.get("id", f"r{i}"))
            labels = value.get("labels")
            what = f"region {rid}"
            if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
                raise InputError(where, f"labelstudio: {what}: value.labels must be a list of strings",
                                 loc.find(f'"{rid}"'))
            if rid in regions:
                raise InputError(where, f"labelstudio: region id {rid} is used twice in one annotation",
                                 loc.find(f'"{rid}"'))
            stated = value.get("text") if isinstance(value.get("text"), str) else None
            try:
                a, b, conv = raw_range(src, value.get("start"), value.get("end"), stated, path=where, line=None,
                                       what=f"labelstudio: {what}")
            except InputError as e:
                raise InputError(where, str(e).split(": ", 1)[1], loc.find(f'"{rid}"')) from None
            keys = []
            for j, label in enumerate(labels):
                key = rid if j == 0 else f"{rid}#{j + 1}"
                if a == b:
                    counts["span", label, "skipped:zero-length"] += 1
                    continue
                spans[key] = ParsedSpan(key, a, b, label)
                keys.append(key)
                status = ("converted:UTF-16 offsets" if conv else
                          "converted:one region with several labels, one span per label" if len(labels) > 1 else
                          "converted:offsets moved by text cleaning (BOM/CRLF)" if src.changed and
                          (a, b) != (value.get("start"), value.get("end")) else IMPORTED)
                counts["span", label, status] += 1
            if not labels:
                counts["span", "(none)", "skipped:region without a label"] += 1
            regions[rid] = keys
        elif rtype == "relation" or rtype in _VALUE_TYPES:
            later.append(r)
        else:
            counts["result", str(rtype), f"skipped:result type {rtype} is not read"] += 1
    relations = []
    for r in later:
        rtype = r["type"]
        value = _value_of(r)
        if rtype == "relation":
            ends = []
            for side in ("from_id", "to_id"):
                rid = str(r.get(side))
                if rid not in regions:
                    raise InputError(where, f"labelstudio: task {n}: a relation refers to region {rid}, "
                                     "which is not a labels region of this annotation", loc.find(f'"{rid}"'))
                ends.append(rid)
            labels = r.get("labels") or []
            if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
                raise InputError(where, f"labelstudio: task {n}: relation labels must be a list of strings",
                                 loc.find('"relation"'))
            head, tail = regions[ends[0]], regions[ends[1]]
            if not head or not tail:
                counts["relation", (labels or ["related"])[0], "skipped:to a skipped region"] += 1
                continue
            h, t = head[0], tail[0]
            status = IMPORTED
            if r.get("direction") == "left":
                h, t = t, h
                status = "converted:direction left, stored head -> tail"
            elif r.get("direction") == "bi":
                status = "converted:bidirectional, stored as from -> to"
            if not labels:
                labels = ["related"]
                status = "converted:unlabelled relation labelled related"
            for label in labels:
                relations.append(ParsedRelation(h, t, label))
                counts["relation", label, status] += 1
            continue
        name = str(r.get("from_name") or rtype)
        v = value.get(_VALUE_TYPES[rtype])
        if isinstance(v, list) and len(v) == 1 and rtype in ("choices", "textarea"):
            v = v[0]
        region = r.get("id")
        if region is not None and str(region) in regions:
            for key in regions[str(region)]:
                spans[key].attrs[name] = v
            counts["attribute", name, IMPORTED] += 1
        elif "start" in value:
            counts["attribute", name, "skipped:per-region value without its labels region"] += 1
        else:
            doc.doc_labels[name] = v
            counts["doc_label", name, IMPORTED] += 1
    doc.spans = sorted(spans.values(), key=lambda s: (s.start, -s.end, s.label, s.key))
    doc.relations = relations
