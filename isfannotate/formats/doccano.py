"""``doccano``: sequence-labelling JSONL ``{"id", "text", "label": [[start, end, label], ...]}``.

doccano's editor counts offsets in UTF-16 code units (JavaScript string indices; doccano issue
#2290), so offsets are converted from code points on the way out: a span after an emoji flag
moves by one unit per astral character before it. Files ``<split>.jsonl`` or ``all.jsonl``.
Only span labels are kept; actor links, attributes, claims, stances and relations are lost.
"""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from isfannotate.errors import InputError
from isfannotate.formats.common import ExportContext, by_split
from isfannotate.formats.parsed import (
    IMPORTED,
    ParsedCollection,
    ParsedDocument,
    ParsedRelation,
    ParsedSpan,
    SourceText,
    doc_id_of,
    expand_paths,
    index_keys,
    loads,
    parse_json_document,
    parse_json_line,
    raw_range,
    read_text_file,
)
from isfannotate.formats.reading import records
from isfannotate.gcpause import paused_gc
from isfannotate.utf16 import Utf16Map


def write(ctx: ExportContext, docs: list[dict[str, Any]]) -> None:
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


# =========================================================================== reading
#
# What doccano writes, and what we read (doccano counts offsets in UTF-16 code units, so
# every offset is converted; identity for a text without astral characters):
#   sequence labelling  {"id"?, "text" (or the older "data"), "label": [[start, end, label], ...]}
#   relation extraction {"text", "entities": [{"id", "start_offset", "end_offset", "label"}],
#                        "relations": [{"id"?, "from_id", "to_id", "type"}]}  (ids = entity ids)
#   text classification {"text", "label": ["pos", ...]} -> doc label ``label``
# A file is JSONL, or one JSON object spread over several lines, or a JSON list of objects.
# Other keys go to ``meta`` (an empty ``Comments`` list is dropped). Exact duplicate spans
# (same offsets and label) are kept once and counted.

_DOCCANO_ANNOTATION_KEYS = frozenset({"label", "labels", "entities"})
_KNOWN = frozenset({"id", "text", "data", "label", "labels", "entities", "relations", "meta", "annotations"})


def json_records(path: str, raw: str) -> list[tuple[int, object]]:
    """(line, value) of each record of a JSONL file, a pretty-printed single JSON object or
    a JSON list (its items all get the line where the list starts). Bad JSON -> InputError
    with the line."""
    stripped = raw.lstrip()
    if stripped.startswith("["):
        value = parse_json_document(path, raw)
        start = raw.count("\n", 0, len(raw) - len(stripped)) + 1
        return [(start, v) for v in value] if isinstance(value, list) else [(start, value)]
    out: list[tuple[int, object]] = []
    for lineno, line in enumerate(raw.split("\n"), 1):
        if not line.strip():
            continue
        try:
            value = loads(line)
        except json.JSONDecodeError:
            if not out and line.strip() == "{":
                # one object pretty-printed over several lines (doccano's own example files)
                return [(lineno, parse_json_document(path, raw))]  # a broken one: its own line
            if not out and line.lstrip().startswith("{"):
                try:
                    return [(lineno, loads(raw))]
                except json.JSONDecodeError:
                    pass
            parse_json_line(path, line, lineno)  # raises with the line's own message
            raise  # pragma: no cover
        out.append((lineno, value))
    return out


def read(paths: Sequence[str | Path]) -> ParsedCollection:
    """Read doccano JSONL exports (files, or folders searched for ``*.jsonl``/``*.json``)."""
    coll = ParsedCollection("doccano")
    imported: Counter[Any] = Counter()
    id_labels: set[str] = set()   # labels made from bare doccano label ids: every such span is converted
    with paused_gc():
        for path in expand_paths(paths, (".jsonl", ".json")):
            where = str(path)
            raw = read_text_file(path, one_document=False)
            raw = raw[1:] if raw.startswith("\ufeff") else raw
            for lineno, obj in records(json_records(where, raw)):
                if not isinstance(obj, dict):
                    raise InputError(where, f"doccano: expected a JSON object, got {type(obj).__name__}", lineno)
                doc = _document(where, lineno, obj, coll.counts, imported)
                if isinstance(obj.get("annotations"), list) and obj["annotations"]:
                    coll.documents.extend(_per_user(where, lineno, doc, obj, coll.counts, imported, id_labels))
                else:
                    if obj.get("annotations") == [] and not doc.spans and not doc.doc_labels \
                            and not _DOCCANO_ANNOTATION_KEYS & obj.keys():
                        doc.annotated = False   # doccano 1.x: nobody annotated this text
                    coll.documents.append(doc)
    for label, n in imported.items():
        status = "converted:a doccano label id (the file has no label name)" if label in id_labels else IMPORTED
        coll.counts["span", label, status] += n
    return coll


def _document(where: str, lineno: int, obj: dict[str, Any], counts: Counter[Any],
              imported: Counter[Any]) -> ParsedDocument:
    text = obj.get("text")
    if text is None and isinstance(obj.get("data"), str):
        text = obj["data"]
    if not isinstance(text, str):
        raise InputError(where, 'doccano: this line has no "text"', lineno)
    src = SourceText(text, where, lineno)
    meta = dict(obj["meta"]) if isinstance(obj.get("meta"), dict) else {}
    for k, v in obj.items():
        if k not in _KNOWN and not (k == "Comments" and v == []):
            meta[k] = v
    doc = ParsedDocument(where, doc_id_of(obj.get("id")), src.text, src.sha256, meta, None, line=lineno)
    labels = obj.get("label", obj.get("labels"))
    spans: list[ParsedSpan] = []
    if labels is not None:
        if not isinstance(labels, list):
            raise InputError(where, f'doccano: "label" must be a list, got {labels!r}', lineno)
        kinds = set(map(type, labels))  # C-level: no Python test per item in the common cases
        if kinds <= {list}:
            doc_labels, triples = [], labels
        elif kinds == {str}:
            doc_labels, triples = labels, []
        else:
            doc_labels = [x for x in labels if isinstance(x, str)]
            triples = [x for x in labels if not isinstance(x, str)]
        if doc_labels:
            doc.doc_labels["label"] = doc_labels
            for x in doc_labels:
                counts["doc_label", x, IMPORTED] += 1
        if triples:
            spans = _label_spans(where, lineno, src, triples, counts, imported)
    entities = obj.get("entities")
    if entities is not None:
        ents, alias, dropped = _entity_spans(where, lineno, src, entities, counts, imported)
        spans += ents
        keys = {s.key for s in spans}
        rels = obj.get("relations") or []
        if not isinstance(rels, list):
            raise InputError(where, '"relations" must be a list', lineno)
        for r in rels:
            if not isinstance(r, dict):
                raise InputError(where, f"doccano: bad relation {r!r}", lineno)
            head, tail, label = str(r.get("from_id")), str(r.get("to_id")), r.get("type", r.get("label"))
            head, tail = alias.get(head, head), alias.get(tail, tail)
            if not isinstance(label, str):
                raise InputError(where, f"doccano: relation without a type: {r!r}", lineno)
            if head in dropped or tail in dropped:
                counts["relation", label, "skipped:to a zero-length span"] += 1
                continue
            for end in (head, tail):
                if end not in keys:
                    raise InputError(
                        where, f"doccano: relation {r.get('id', '')!s} refers to entity {end}, which is not in "
                        '"entities"', lineno)
            doc.relations.append(ParsedRelation(head, tail, label, lineno))
            counts["relation", label, IMPORTED] += 1
    doc.spans = spans
    return doc


def is_doccano1_annotations(value: Any) -> bool:
    """doccano 1.0's export: ``"annotations": [{"label": <label id>, "start_offset", "end_offset",
    "user": <user id>}]``."""
    return isinstance(value, list) and bool(value) and all(
        isinstance(a, dict) and "start_offset" in a and "end_offset" in a for a in value
    )


ID_LABEL_PREFIX = "label-"


def _per_user(where: str, lineno: int, doc: ParsedDocument, obj: dict[str, Any], counts: Counter[Any],
              imported: Counter[Any], id_labels: set[str]) -> list[ParsedDocument]:
    """One document per annotator of a doccano 1.x line.

    doccano 1.0 writes ``{"label": <label id>, "label_name": "ORG", "start_offset", "end_offset",
    "user": <user id>, "user_name": "user1"}``; older 1.x exports have no names. The label is
    ``label_name``; a bare id (no name anywhere) becomes ``label-<id>`` (a label name must start
    with a letter), counted as converted. The annotator is ``user_name``, else the ``user`` id."""
    anns = obj["annotations"]
    if not is_doccano1_annotations(anns):
        raise InputError(where, 'doccano: "annotations" must be a list of {"label", "start_offset", '
                         '"end_offset", "user"}', lineno)
    stated = obj.get("text")
    raw = stated if isinstance(stated, str) else obj["data"]
    src = SourceText(raw, where, lineno)  # offsets count into the text as doccano stored it
    by_user: dict[str | int | None, list[Any]] = {}   # user name, else user id -> annotations
    for a in anns:
        who = a.get("user_name") if isinstance(a.get("user_name"), str) and a["user_name"].strip() else a.get("user")
        if who is not None and not isinstance(who, (str, int)) or isinstance(who, bool):
            raise InputError(where, f"doccano: annotation user must be a name or an id, got {who!r}", lineno)
        by_user.setdefault(who, []).append(a)
    out = []
    for user, items in by_user.items():
        ents = []
        for i, a in enumerate(items):
            label = a.get("label_name") if isinstance(a.get("label_name"), str) else a.get("label")
            if isinstance(label, int) and not isinstance(label, bool):
                label = f"{ID_LABEL_PREFIX}{label}"
                id_labels.add(label)
            elif not isinstance(label, str):
                raise InputError(where, f"doccano: annotation {a.get('id', i)!s} has no label name or id", lineno)
            ents.append({"id": str(i), "start_offset": a["start_offset"], "end_offset": a["end_offset"],
                         "label": label})
        spans, _alias, _dropped = _entity_spans(where, lineno, src, ents, counts, imported)
        out.append(ParsedDocument(doc.path, doc.doc_id, doc.text, doc.sha256, dict(doc.meta),
                                  None if user is None else str(user), doc.spans + spans, list(doc.relations),
                                  dict(doc.doc_labels), doc.line))
        counts["document", "doccano 1.x", "converted:one layer per user"] += 1
    return out


def _label_spans(
    where: str, lineno: int, src: SourceText, triples: list[Any], counts: Counter[Any], imported: Counter[Any]
) -> list[ParsedSpan]:
    """``[[start, end, label], ...]`` -> spans (keys = list positions). The fast path (no
    astral character, nothing cleaned) checks inline: this runs 50 times per document on
    imports of 10,000 documents."""
    n = len(src.raw)
    fast = src.u16.is_identity and not src.changed
    plain = fast and _all_plain(triples, n)
    if not plain:
        for t in triples:
            if type(t) is not list or len(t) != 3:
                raise InputError(where, f"doccano: a label must be [start, end, label], got {t!r}", lineno)
    if len(triples) > 1 and len(set(map(tuple, triples) if plain else map(_hashable, triples))) != len(triples):
        seen: set[Any] = set()
        unique = []
        for t in triples:
            k = _hashable(t)
            if k in seen:
                if not isinstance(t[2], str):
                    raise InputError(where, f"doccano: label {t[2]!r} of span {t!r} is not a string", lineno)
                counts["span", t[2], "skipped:exact duplicate"] += 1
                continue
            seen.add(k)
            unique.append(t)
        triples = unique
    if plain:
        labels = [t[2] for t in triples]
        imported.update(labels)
        return [ParsedSpan(k, s, e, lab, {}, None, None, lineno)
                for k, (s, e, lab) in zip(index_keys(len(triples)), triples, strict=True)]
    out: list[ParsedSpan] = []
    labels = []
    for i, t in enumerate(triples):
        if type(t) is list and len(t) == 3:
            s, e, lab = t
            if fast and type(s) is int and type(e) is int and 0 <= s < e <= n and type(lab) is str:
                out.append(ParsedSpan(str(i), s, e, lab, {}, None, None, lineno))
                labels.append(lab)
                continue
        else:
            raise InputError(where, f"doccano: a label must be [start, end, label], got {t!r}", lineno)
        if not isinstance(lab, str):
            raise InputError(where, f"doccano: label {lab!r} of span {t!r} is not a string", lineno)
        if s == e and type(s) is int:
            counts["span", lab, "skipped:zero-length"] += 1
            continue
        a, b, conv = raw_range(src, s, e, None, path=where, line=lineno, what=f"span {t!r}", utf16=True)
        out.append(ParsedSpan(str(i), a, b, lab, {}, None, None, lineno))
        if conv:
            counts["span", lab, "converted:UTF-16 offsets"] += 1
        elif (a, b) != (s, e):
            counts["span", lab, "converted:offsets moved by text cleaning (BOM/CRLF)"] += 1
        else:
            labels.append(lab)
    imported.update(labels)
    return out


def _hashable(item: Any) -> object:
    return tuple(map(_hashable, item)) if isinstance(item, list) else item if isinstance(item, (str, int, float)) \
        else id(item)


def _all_plain(triples: list[Any], n: int) -> bool:
    """Every item is ``[int, int, str]`` with ``0 <= start < end <= n`` (checked with C-level
    ``map``s: the common case must not pay a Python-level test per span)."""
    if set(map(type, triples)) != {list} or set(map(len, triples)) != {3}:
        return False
    starts, ends, labels = zip(*triples, strict=True)
    return (
        set(map(type, starts)) == {int}
        and set(map(type, ends)) == {int}
        and set(map(type, labels)) == {str}
        and min(starts) >= 0
        and max(ends) <= n
        and all(map(int.__lt__, starts, ends))
    )


def _entity_spans(
    where: str, lineno: int, src: SourceText, entities: Any, counts: Counter[Any], imported: Counter[Any]
) -> tuple[list[ParsedSpan], dict[str, str], set[str]]:
    """Entities -> spans; also the ids of exact duplicates -> the id kept, and the ids of
    zero-length entities (skipped)."""
    if not isinstance(entities, list):
        raise InputError(where, '"entities" must be a list', lineno)
    out: list[ParsedSpan] = []
    seen_ids: set[str] = set()
    seen: dict[tuple[Any, ...], str] = {}
    alias: dict[str, str] = {}
    dropped: set[str] = set()
    for ent in entities:
        if not isinstance(ent, dict) or "start_offset" not in ent or "end_offset" not in ent:
            raise InputError(where, f"doccano: an entity needs start_offset and end_offset: {ent!r}", lineno)
        key = str(ent.get("id", len(out)))
        if key in seen_ids:
            raise InputError(where, f"doccano: entity id {key} is used twice", lineno)
        seen_ids.add(key)
        s, e, lab = ent["start_offset"], ent["end_offset"], ent.get("label")
        if not isinstance(lab, str):
            raise InputError(where, f"doccano: entity {key} has no label", lineno)
        if s == e and type(s) is int:
            counts["span", lab, "skipped:zero-length"] += 1
            dropped.add(key)
            continue
        a, b, conv = raw_range(src, s, e, None, path=where, line=lineno, what=f"entity {key}", utf16=True)
        if (a, b, lab) in seen:
            # relations may name either copy: they now point at the one kept
            counts["span", lab, "skipped:exact duplicate"] += 1
            alias[key] = seen[(a, b, lab)]
            continue
        seen[(a, b, lab)] = key
        out.append(ParsedSpan(key, a, b, lab, {}, None, None, lineno))
        if conv:
            counts["span", lab, "converted:UTF-16 offsets"] += 1
        elif (a, b) != (s, e):
            counts["span", lab, "converted:offsets moved by text cleaning (BOM/CRLF)"] += 1
        else:
            imported[lab] += 1
    return out, alias, dropped
