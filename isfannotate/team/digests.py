"""What a merge compares of an annotator's layer (``team.merge``): the file's rows grouped by
document, and each document's digest, free of ids and of order, as the file has it (its links
mapped to the project's registry ids); and the digests of documents never merged, made in a
thread of their own (``LaterDigests``)."""
from __future__ import annotations

import hashlib
from concurrent.futures import Executor, Future
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..store.changes import Recorder
    from .untrusted import FileData

Rows = list[dict[str, Any]]


def span_keys(spans: list[tuple[Any, ...]], amap: Callable[[Any], Any] | None = None) -> dict[str, str]:
    """span id -> the span's parts as text, its link mapped by *amap* (an unset link reads
    "None", which no actor id is), for *spans* in SPAN_COLUMNS order. (Two comprehensions: the
    usual case, no link mapped, makes no call per span.)"""
    if amap is None:
        return {sid: f"{a}\x1f{b}\x1f{lab}\x1f{actor}\x1f{attrs}" for sid, _d, a, b, lab, actor, attrs, _c in spans}
    return {sid: f"{a}\x1f{b}\x1f{lab}\x1f{amap(actor)}\x1f{attrs}" for sid, _d, a, b, lab, actor, attrs, _c in spans}


def layer_digest(key: dict[str, str], claims: Rows, stances: Rows, evidence: Rows, relations: Rows, labels: Rows,
                 status: Rows) -> str:
    """A digest of one document's layer as the file has it (after the registry mapping), free of
    ids and of order: what a merge of this document wrote last time is remembered by it, so
    merging the same file again reads nothing of the project's layer and changes nothing.
    *key*: ``span_keys`` of the document's spans."""
    def f(v: object) -> str:
        return "\x00" if v is None else str(v)
    ev: dict[str, list[str]] = {}
    for e in evidence:
        ev.setdefault(e["stance_id"], []).append(key[e["span_id"]])
    parts = [
        sorted(key.values()),
        sorted("\x1e".join((key[c["span_id"]], f(c["source_kind"]), f(c["source_actor"]), f(key.get(c["source_span"])),
                             f(key.get(c["cue_span"])), f(c["quote"]))) for c in claims),
        sorted("\x1e".join((f(st["holder"]), f(st["target"]), st["polarity"], f(st["conditions"]),
                             "\x1d".join(ev.get(st["id"], [])))) for st in stances),
        sorted("\x1e".join((key[r["head"]], key[r["tail"]], r["label"])) for r in relations),
        sorted(f"{d['key']}\x1e{d['value']}" for d in labels),
        sorted(f"{s['status']}\x1e{f(s['reason'])}" for s in status),
    ]
    h = hashlib.sha256()
    for part in parts:
        h.update("\n".join(part).encode("utf-8", "surrogatepass"))
        h.update(b"\x02")
    return h.hexdigest()


def group_rows(data: FileData) -> dict[str, dict[str, Any]]:
    """The file's rows by file document: {doc: {"spans": [...], "claims": [...], ...}}."""
    group: dict[str, dict[str, Any]] = {fdoc: {"spans": list(rows)}
                                         for fdoc, rows in groupby(data.spans, itemgetter(1))}
    for name in ("stances", "relations", "doc_labels", "status"):
        for row in getattr(data, name):
            group.setdefault(row["document_id"], {}).setdefault(name, []).append(row)
    stance_doc = {s["id"]: s["document_id"] for s in data.stances}
    for c in data.claims:
        group[data.span_doc[c["span_id"]]].setdefault("claims", []).append(c)
    for e in data.evidence:
        group[stance_doc[e["stance_id"]]].setdefault("evidence", []).append(e)
    return group


def mapped_links(parts: dict[str, Any], actor_map: dict[str, str], target_map: dict[str, str],
                 doc: str | None = None) -> tuple[Rows, Rows]:
    """One document's claims and stances (*parts*: a ``group_rows`` entry) with their links
    mapped to the project's ids (an id not in the map reads None), the stances' document set to
    *doc* when given."""
    amap, tmap = actor_map.get, target_map.get
    claims = [{**c, "source_actor": amap(c["source_actor"])} for c in parts.get("claims", [])]
    stances = [{**s, "document_id": s["document_id"] if doc is None else doc, "holder": amap(s["holder"]),
                "target": tmap(s["target"])} for s in parts.get("stances", [])]
    return claims, stances


def document_digest(parts: dict[str, Any], claims: Rows, stances: Rows, actor_map: dict[str, str]) -> str:
    """``layer_digest`` of one document (*parts*: a ``group_rows`` entry; *claims* and *stances*:
    its claims and stances with their links mapped, see ``mapped_links``), the spans' links
    mapped by *actor_map* (read as they are when it maps every id to itself)."""
    moved = any(k != v for k, v in actor_map.items())
    return layer_digest(span_keys(parts.get("spans", []), actor_map.get if moved else None), claims, stances,
                        parts.get("evidence", []), parts.get("relations", []), parts.get("doc_labels", []),
                        parts.get("status", []))


def file_digests(grouped: dict[str, dict[str, Any]], actor_map: dict[str, str],
                 target_map: dict[str, str]) -> dict[str, str]:
    """Every document's ``document_digest``, the links mapped by *actor_map* and *target_map*
    (a merge reads a file ahead with the maps the annotator's last merge gave: those the
    registry's reconciliation gives again, unless the registry changed)."""
    identity = all(k == v for k, v in actor_map.items()) and all(k == v for k, v in target_map.items())
    out = {}
    for fdoc, parts in grouped.items():
        claims, stances = ((parts.get("claims", []), parts.get("stances", [])) if identity
                           else mapped_links(parts, actor_map, target_map))
        out[fdoc] = document_digest(parts, claims, stances, actor_map)
    return out


def later_digests(layer: str, docs: list[tuple[str, dict[str, Any]]],
                  actor_map: dict[str, str]) -> list[dict[str, Any]]:
    """The ``merge_digests`` rows of *layer* in *docs* (project document id, its rows as
    ``plan_layer`` set them aside: ``LayerPlan.later``), the spans' links mapped by *actor_map*
    (safe in another thread: it reads only what was set aside)."""
    return [{"annotator": layer, "document_id": doc,
             "digest": document_digest(parts, parts["claims"], parts["stances"], actor_map)}
            for doc, parts in docs]


class LaterDigests:
    """The digests of documents never merged, which decide nothing (their layer is written
    whatever they are), made in *pool*'s thread while the merge's thread writes (SQLite's copy
    of the spans releases the GIL); ``write`` adds their ``merge_digests`` rows, at the end of
    the merge, when the thread is long done."""

    def __init__(self, pool: Executor):
        self.pool = pool
        self.owed: list[Future[list[dict[str, Any]]]] = []

    def add(self, layer: str, docs: list[tuple[str, dict[str, Any]]], actor_map: dict[str, str]) -> None:
        """Make the digests of *layer* in *docs* (see ``later_digests``)."""
        if docs:
            self.owed.append(self.pool.submit(later_digests, layer, docs, actor_map))

    def write(self, rec: Recorder) -> None:
        for owed in self.owed:
            rec.insert_many("merge_digests", owed.result())
        self.owed.clear()
