"""Checking and normalising gold records before an export: every span's text against its
offsets, every id reference, the keys and schema of each line."""
from __future__ import annotations

import hashlib
from typing import Any

from isfannotate.errors import IsfError
from isfannotate.formats.jsonl import GOLD_KEYS_2
from isfannotate.models import GOLD_SCHEMA_DEFAULT, GOLD_SCHEMA_IDS

__all__ = ["normalise"]


def _fail(doc_id: object, message: str) -> IsfError:
    return IsfError(f"document {doc_id!r}: {message}")


def _normalise(record: dict[str, Any], layer: str, index: int, version: int = GOLD_SCHEMA_DEFAULT) -> dict[str, Any]:
    """A copy of ``record`` in canonical key order with defaults filled in, after checking
    every span (``text == doc_text[start:end]``) and every id reference. Raises IsfError."""
    if not isinstance(record, dict):
        raise IsfError(f"record {index + 1}: not a JSON object")
    doc_id = record.get("id")
    if not isinstance(doc_id, str) or not doc_id:
        raise IsfError(f"record {index + 1}: missing or empty document id")
    text = record.get("text")
    if not isinstance(text, str):
        raise _fail(doc_id, "missing text")
    unknown = [k for k in record if k not in GOLD_KEYS_2]
    if unknown:
        raise _fail(doc_id, f"unknown field {unknown[0]!r} (not in {GOLD_SCHEMA_IDS[2]})")
    if record.get("schema", GOLD_SCHEMA_IDS[1]) not in GOLD_SCHEMA_IDS.values():
        raise _fail(doc_id, f"schema {record.get('schema')!r} is not {' or '.join(GOLD_SCHEMA_IDS.values())}")
    if record.get("offset_unit", "codepoint") != "codepoint":
        raise _fail(doc_id, f"offset_unit {record.get('offset_unit')!r}: only 'codepoint' is exported")
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    if record.get("sha256", digest) != digest:
        raise _fail(doc_id, "sha256 does not match the text")

    out: dict[str, Any] = {
        "schema": GOLD_SCHEMA_IDS[version],
        "id": doc_id,
        "text": text,
        "sha256": digest,
        "offset_unit": "codepoint",
        "meta": record.get("meta") or {},
        "split": None,
        "near_duplicate_group": record.get("near_duplicate_group"),
        "layer": record.get("layer") or layer,
        "doc_labels": record.get("doc_labels") or {},
        "actors": record.get("actors") or [],
        "targets": record.get("targets") or [],
        "spans": record.get("spans") or [],
        "claims": record.get("claims") or [],
        "stances": record.get("stances") or [],
        "relations": record.get("relations") or [],
        "provenance": record.get("provenance") or {},
    }
    if version == 2:
        out["notes"] = record.get("notes") or {}
        out["doc_label_provenance"] = record.get("doc_label_provenance") or {}
        out["rejected"] = record.get("rejected") or []

    spans = out["spans"]
    span_ids = _spans_look_valid(text, spans)
    if span_ids is None:
        _check_spans_slowly(doc_id, text, spans)
        span_ids = {s["id"] for s in spans}
    actor_ids = {a["id"] for a in out["actors"]}
    target_ids = {t["id"] for t in out["targets"]}

    unknown_actor = {s.get("actor_id") for s in spans} - actor_ids - {None}
    if unknown_actor:
        bad = next(s for s in spans if s.get("actor_id") in unknown_actor)
        raise _fail(doc_id, f"span {bad['id']!r} refers to unknown actor {bad['actor_id']!r}")

    claims, stances, relations = out["claims"], out["stances"], out["relations"]
    # Set arithmetic first (fast); the loops below only run to name a broken reference.
    refs_ok = (
        {c.get("span") for c in claims} <= span_ids
        and {c.get("source_span") for c in claims} | {c.get("cue") for c in claims} <= span_ids | {None}
        and {c.get("source") for c in claims} <= actor_ids | {None}
        and {st.get("holder") for st in stances} <= actor_ids | {None}
        and {st.get("target") for st in stances} <= target_ids | {None}
        and {ev for st in stances for ev in (st.get("evidence") or [])} <= span_ids
        and {r.get("head") for r in relations} | {r.get("tail") for r in relations} <= span_ids
    )
    if not refs_ok:
        _name_broken_reference(doc_id, out, span_ids, actor_ids, target_ids)
    return out


def _name_broken_reference(
    doc_id: str, out: dict[str, Any], span_ids: set[Any], actor_ids: set[Any], target_ids: set[Any]
) -> None:
    """Raise an IsfError naming the first reference to a span, actor or target that does not exist."""

    def need(ref: object, pool: set[Any], what: str, owner: str) -> None:
        if ref is not None and ref not in pool:
            raise _fail(doc_id, f"{owner} refers to unknown {what} {ref!r}")

    for claim in out["claims"]:
        owner = f"claim on span {claim.get('span')!r}"
        if claim.get("span") not in span_ids:
            raise _fail(doc_id, f"{owner} refers to unknown span {claim.get('span')!r}")
        need(claim.get("source"), actor_ids, "actor", owner)
        need(claim.get("source_span"), span_ids, "span", owner)
        need(claim.get("cue"), span_ids, "span", owner)
    for stance in out["stances"]:
        owner = f"stance {stance.get('id')!r}"
        need(stance.get("holder"), actor_ids, "actor", owner)
        need(stance.get("target"), target_ids, "target", owner)
        for ev in stance.get("evidence") or []:
            need(ev, span_ids, "evidence span", owner)
    for rel in out["relations"]:
        owner = f"relation {rel.get('label')!r}"
        need(rel.get("head"), span_ids, "span", owner)
        need(rel.get("tail"), span_ids, "span", owner)

    raise _fail(doc_id, "has a reference that is not a plain id")


def _spans_look_valid(text: str, spans: list[Any]) -> set[Any] | None:
    """Fast check of every span (this loop is most of the jsonl budget): one slice comparison
    and a few integer comparisons per span, unique ids. Returns the span ids; None means: look
    closer."""
    n = len(text)
    try:
        for span in spans:
            start = span["start"]
            end = span["end"]
            if (
                text[start:end] != span["text"]
                or type(start) is not int
                or type(end) is not int
                or start < 0
                or start >= end
                or end > n
                or not span["label"]
            ):
                return None
    except (KeyError, TypeError):
        return None
    ids = {s["id"] for s in spans}      # (returned: the caller needs them too)
    return ids if len(ids) == len(spans) else None


def _check_spans_slowly(doc_id: str, text: str, spans: list[Any]) -> None:
    """Find and report the first bad span (the fast path in :func:`_normalise` only detects)."""
    n = len(text)
    span_ids: set[str] = set()
    for span in spans:
        try:
            sid, start, end, label, stext = span["id"], span["start"], span["end"], span["label"], span["text"]
        except (KeyError, TypeError) as exc:
            raise _fail(doc_id, f"span {span!r} lacks {exc}") from None
        if sid in span_ids:
            raise _fail(doc_id, f"span id {sid!r} used twice")
        span_ids.add(sid)
        if not isinstance(label, str) or not label:
            raise _fail(doc_id, f"span {sid!r} has no label")
        if type(start) is not int or type(end) is not int or not 0 <= start < end <= n:
            raise _fail(doc_id, f"span {sid!r} [{start},{end}) is not within the text (length {n}) or is empty")
        if text[start:end] != stext:
            raise _fail(
                doc_id,
                f"span {sid!r} [{start},{end}) {label} has text {stext!r} but the document has "
                f"{text[start:end]!r} there",
            )


# --------------------------------------------------------------------------- helpers


normalise = _normalise
