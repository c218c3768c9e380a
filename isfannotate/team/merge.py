"""Bringing annotators' files back: ``isfannotate merge PROJECT FILE...``.

An annotator's file is untrusted input: ``untrusted.UntrustedFile`` copies, checks, reads and
validates it (every row) before anything of it is written. The next file's copy, SQLite's
integrity check of it and the reading of its rows run in a worker thread while the previous file
is written.

Then, in ONE action (all-or-nothing, one undo step; a file refused half-way through rolls back
everything):
- documents are matched by the SHA-256 of their text;
- the file's registry and target list are reconciled by id, then external id, then canonical
  name (remembered per annotator in ``merge_ids``); new entries get new ids; differences are
  listed as conflicts for the lead to decide (``merge_conflicts``);
- each document's layer of the file's annotator is replaced by the file's version when the
  file's version changed since it was last merged (a digest per annotator and document,
  ``merge_digests``), and left alone otherwise, so merging the same file twice changes nothing
  and reads nothing of the project's layers (a file read ahead brings its digests, its links
  mapped as the annotator's last merge mapped them; a document never merged is written whatever
  its digest, which is made in a thread of its own, ``digests.LaterDigests``);
- nothing but that annotator's own layer is written; when the merge brings more spans than the
  project holds (a lead's first merge), the spans' secondary indexes are built once after the
  rows instead of updated row by row, inside the same transaction (``store.merging.DeferredIndexes``);
- the annotator's logged decisions on model suggestions (``suggestion_log``) that the project
  does not hold yet are added, by id (issue 22), whether or not the layer changed.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, IsfError, ValidationError
from ..gcpause import paused_gc
from ..ids import new_id, now
from ..models import layer_name, name_key
from ..store.connection import bulk_cache
from ..store.layers import clear_layer
from ..store.matching import match_entry
from ..store.merging import (
    DeferredIndexes,
    copy_spans,
    documents_by_sha,
    ids_taken,
    logged_suggestion_ids,
    merge_connection,
    merge_digests,
    merge_ids_by_annotator,
    merge_ids_of,
    merged_spans,
    recorded_conflicts,
    registry_entry,
    registry_ids,
)
from .digests import LaterDigests, document_digest, file_digests, group_rows, mapped_links
from .handout import handouts
from .untrusted import SPAN_COLUMNS, FileData, UntrustedFile

if TYPE_CHECKING:
    from ..store.base import ProjectBase
    from ..store.changes import Recorder


@dataclass
class FileReport:
    path: str
    annotator: str
    documents: int = 0          # documents in the file with this annotator's work
    replaced: int = 0           # documents whose layer changed
    unchanged: int = 0
    spans: int = 0
    new_actors: int = 0
    new_targets: int = 0
    suggestion_decisions: int = 0   # logged decisions on model suggestions brought in (not merged before)
    conflicts: list[str] = field(default_factory=list)


@dataclass
class MergeReport:
    files: list[FileReport] = field(default_factory=list)

    def summary(self) -> str:
        lines = []
        for f in self.files:
            line = (f"{f.path}: {f.annotator}: {f.documents} documents ({f.replaced} updated, "
                    f"{f.unchanged} unchanged), "
                    f"{f.spans} spans")
            if f.new_actors or f.new_targets:
                line += f", {f.new_actors} new actors, {f.new_targets} new targets"
            if f.suggestion_decisions:
                line += f", {f.suggestion_decisions} suggestion decisions"
            if f.conflicts:
                line += f", {len(f.conflicts)} registry conflicts to decide"
            lines.append(line)
        return "\n".join(lines)


# --------------------------------------------------------------------------- writing
def _reconcile(project: ProjectBase, rec: Recorder, data: FileData, report: FileReport, stamp: str,
               kind: str) -> dict[str, str]:
    """file id -> project id for the file's actors (or targets); new entries get new ids; the
    differences found are listed as conflicts."""
    conn = rec.conn
    table = "actors" if kind == "actor" else "targets"
    items = data.actors if kind == "actor" else data.targets
    fields = ("name", "type", "external_id") if kind == "actor" else ("name",)
    known = merge_ids_of(conn, data.annotator, kind)
    listed = recorded_conflicts(conn, data.annotator)
    out: dict[str, str] = {}
    for fid, item in sorted(items.items()):
        pid = known.get(fid)
        current = registry_entry(conn, kind, pid) if pid is not None else None
        if current is None:   # not matched in an earlier merge of this annotator's file (or gone since)
            found = match_entry(conn, kind, fid, item["name"], item.get("external_id") if kind == "actor" else None)
            pid = found[0] if found else None
            current = registry_entry(conn, kind, pid) if pid is not None else None
        if pid is None or current is None:
            pid = new_id("a" if kind == "actor" else "t")
            row = {**{k: item[k] for k in item}, "id": pid, "created_by": data.annotator, "created_at": stamp}
            after = rec.insert(table, row)
            project.log_registry(rec, kind, pid, f"merge from {data.annotator}", None, after)
            if kind == "actor":
                report.new_actors += 1
            else:
                report.new_targets += 1
        else:
            for f in fields:
                theirs = item.get(f)
                if f == "external_id" and not theirs:
                    continue
                if theirs != current[f]:
                    if f == "external_id" and not current[f]:   # a QID the annotator found: take it
                        after = rec.update(table, (pid,), {f: theirs})
                        project.log_registry(rec, kind, pid, f"merge from {data.annotator}",
                                             {k: current[k] for k in fields}, after)
                        continue
                    _conflict(rec, kind, pid, data, f, current[f], theirs, stamp, report, listed)
            if kind == "actor":
                mine = json.loads(current["aliases"])
                extra = [a for a in [item["name"], *json.loads(item["aliases"])]
                         if a not in mine and a != current["name"]]
                if extra:
                    after = rec.update("actors", (pid,), {"aliases": json.dumps([*mine, *extra], ensure_ascii=False)})
                    project.log_registry(rec, "actor", pid, f"merge from {data.annotator}", {"aliases": mine}, after)
        if known.get(fid) != pid:
            rec.upsert("merge_ids", {"annotator": data.annotator, "kind": kind, "file_id": fid, "project_id": pid})
        out[fid] = pid
    return out


def _conflict(rec: Recorder, kind: str, pid: str, data: FileData, field_name: str, ours: object, theirs: object,
              stamp: str, report: FileReport, listed: set[tuple[str, str, str, str]]) -> None:
    enc = json.dumps(theirs, ensure_ascii=False)
    report.conflicts.append(f"{kind} {pid} {field_name}: project {ours!r}, {data.annotator} {theirs!r}")
    if (kind, pid, field_name, enc) in listed:
        return
    listed.add((kind, pid, field_name, enc))
    rec.insert("merge_conflicts", {"id": new_id("mc"), "kind": kind, "entity_id": pid, "annotator": data.annotator,
                                   "source": Path(data.path).name, "field": field_name,
                                   "project_value": json.dumps(ours, ensure_ascii=False), "file_value": enc,
                                   "status": "open", "created_at": stamp})


# Worker threads that open, check and read the files after the first, each a file ahead: the
# file after next is ready when this one is written (with one, the third of three files was read
# while the second was written, and the writing waited for it).
CHECK_WORKERS = 2


def merge_files(project: ProjectBase, paths: Sequence[str | Path], *, new_annotators: Sequence[str] = (),
                progress: Callable[[int, int], None] | None = None) -> MergeReport:
    """Merge annotators' files into *project*, all-or-nothing, as one action.

    Each file's whole-file checks (SQLite's integrity check above all, see ``UntrustedFile``)
    run in worker threads: the first file's while its rows are read, the next ones', with the
    reading of their rows, while the files before them are written (``CHECK_WORKERS``). A
    file's rows are read and validated before any of them is written. Any refusal (a bad file,
    a second file of the same annotator, documents the project lacks, a file this project did
    not hand out to its annotator unless that annotator is one of *new_annotators*) rolls the
    whole action back."""
    if not paths:
        raise IsfError("give at least one annotator file to merge")
    try:
        welcome = {layer_name(n) for n in new_annotators}
    except ValidationError as e:
        raise IsfError(f"--new-annotator: {e}") from None
    scheme = project.scheme
    known = {name_key(name): name for name in project.layers()}
    with project.snapshot() as conn:   # the connection every write of the merge goes through, too
        handed = handouts(conn)
        sha_to_doc = documents_by_sha(conn)
        earlier = merge_ids_by_annotator(conn)
        registry = registry_ids(conn)
    report = MergeReport()
    stamp = now()
    by_layer: dict[str, str] = {}
    total = len(paths) * 2
    files = [UntrustedFile(p, scheme) for p in paths]
    # exits in reverse: the workers are joined before the temporary copies are removed
    with paused_gc(), ExitStack() as cleanup, \
            ThreadPoolExecutor(CHECK_WORKERS, thread_name_prefix="isf-merge-check") as pool, \
            ThreadPoolExecutor(1, thread_name_prefix="isf-merge-digest") as digest_pool:
        for f in files:
            cleanup.callback(f.close)
        # the first file is verified in a worker while it is read here; the next ones are opened,
        # verified and read there (CHECK_WORKERS files ahead at most) while the files before them
        # are written: the spans are copied by one INSERT ... SELECT, which runs inside SQLite
        # without the GIL, as do the integrity checks
        checked: list[Future[Any]] = [pool.submit(files[0].open().verify)]
        checked += [pool.submit(_check_and_read, f, earlier, registry) for f in files[1:1 + CHECK_WORKERS]]
        copies = cleanup.enter_context(merge_connection(conn))   # nothing in an attached copy may run
        try:
            with bulk_cache(conn), project.action("merge", None, None) as rec:
                indexes = DeferredIndexes(conn)
                digests = LaterDigests(digest_pool)
                for i, f in enumerate(files):
                    if progress:
                        progress(2 * i, total)
                    if i == 0:
                        data = f.read(checked[0].result)
                        f.release()
                    else:
                        data = checked[i].result()
                    if i > 0 and i + CHECK_WORKERS < len(files):
                        checked.append(pool.submit(_check_and_read, files[i + CHECK_WORKERS], earlier, registry))
                    check_file(data, by_layer, known, sha_to_doc)
                    _check_handout(data, handed, welcome)
                    if progress:
                        progress(2 * i + 1, total)
                    source = copies.attach(f.copy_path)
                    report.files.append(merge_layer(project, rec, data, sha_to_doc, stamp, source, indexes,
                                                    digests))
                unused = sorted(welcome - set(by_layer))
                if unused:
                    raise IsfError(f"--new-annotator {unused[0]}: no file given holds {unused[0]}'s work")
                digests.write(rec)
                indexes.restore()
                rec.change.description = ", ".join(by_layer)
        finally:
            for future in checked:
                future.cancel()
    return report


def _check_and_read(f: UntrustedFile, earlier: dict[str, dict[str, dict[str, str]]],
                    registry: dict[str, set[str]] | None = None) -> FileData:
    """Open, verify and read *f* (in the worker thread), keeping its checked copy; its rows
    grouped by document and each document's digest with the links mapped as the annotator's
    last merge mapped them (*earlier*: ``merge_ids_by_annotator``; an id it does not hold is
    taken as the project's own). ``plan_layer`` takes those digests when the registry's
    reconciliation maps every link the same way, and computes them again otherwise. *registry*
    (``registry_ids``): when an entry of the file's registry is neither mapped by that last
    merge nor an id of the project's, the reconciliation cannot map it to itself, so no digest
    is made here (a first merge of a file with actors of its own: every one would be made again)."""
    data = f.check().read()
    f.release()
    data.grouped = group_rows(data)
    known = earlier.get(data.annotator, {})
    ids = {kind: {fid: known.get(kind, {}).get(fid, fid) for fid in items}
           for kind, items in (("actor", data.actors), ("target", data.targets))}
    if registry is not None and any(fid not in known.get(kind, {}) and fid not in registry[kind]
                                    for kind in ids for fid in ids[kind]):
        return data
    data.digest_maps = (ids["actor"], ids["target"])
    data.digests = file_digests(data.grouped, ids["actor"], ids["target"])
    return data


def _check_handout(data: FileData, handed: dict[str, dict[str, Any]], welcome: set[str]) -> None:
    """A file is taken when this project handed it out to the annotator it holds, or when the
    lead names that annotator with ``--new-annotator``."""
    if data.annotator in welcome:
        return
    given = handed.get(data.handout_id) if data.handout_id else None
    if given is None:
        why = "was not handed out by this project"
    elif not isinstance(given, dict) or layer_name(str(given.get("annotator"))) != data.annotator:
        to = given.get("annotator") if isinstance(given, dict) else "?"
        why = f"was handed out to {to}, but holds the work of {data.annotator}"
    else:
        return
    raise InputError(data.path, f"{why}; to take it as {data.annotator}'s work, merge with "
                                f"--new-annotator {data.annotator}")


def check_file(data: FileData, by_layer: dict[str, str], known: dict[str, str], sha_to_doc: dict[str, str]) -> None:
    """What a file is checked against outside itself: the other files and the project."""
    if data.annotator in by_layer:
        raise IsfError(f"{data.path} and {by_layer[data.annotator]} both hold {data.annotator}'s work; "
                       "merge one of them")
    other = known.get(name_key(data.annotator))
    if other is not None and other != data.annotator:
        raise InputError(data.path, f"its annotator {data.annotator!r} would become a second layer beside {other!r}")
    missing = [fid for fid, (sha, _) in data.docs.items() if sha not in sha_to_doc]
    if missing:
        raise InputError(data.path, f"{len(missing)} of its documents are not in the project (e.g. {missing[0]!r}); "
                                    "import them first")
    by_layer[data.annotator] = data.path


@dataclass
class LayerPlan:
    """What a merge writes of one layer: the documents whose layer is replaced (project doc id,
    file doc id, its rows), the maps of the spans' links and documents, and the file's span and
    stance ids by document (to find the ids the project has taken)."""
    layer: str
    docs: list[tuple[str, str, dict[str, Any]]]
    maps: dict[str, dict[str, str]]
    span_doc: dict[str, str]
    stance_doc: dict[str, str]
    kept: int = 0   # spans left in place by ``clear_planned`` (stored as the file has them)
    # documents never merged before, their digest left to ``later_digests`` (``plan_layer(later=True)``):
    # (project doc id, its rows as planned, before ``clear_planned`` takes the spans it keeps)
    later: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    actor_map: dict[str, str] = field(default_factory=dict)


def merge_layer(project: ProjectBase, rec: Recorder, data: FileData, sha_to_doc: dict[str, str], stamp: str,
                source: str | None, indexes: DeferredIndexes | None = None,
                digests: LaterDigests | None = None) -> FileReport:
    """Merge one file's layer; *source*: the schema its checked copy is attached as (None: not
    attached, the spans are bound row by row); *indexes*: the span indexes a bulk write may
    build after its rows (see ``DeferredIndexes``); *digests*: where the digests of the documents
    never merged are made (None: here, first; else the caller writes them, ``LaterDigests.write``)."""
    fr, plan = plan_layer(project, rec, data, sha_to_doc, stamp, later=digests is not None)
    if digests is not None:
        digests.add(plan.layer, plan.later, plan.actor_map)
    clear_planned(rec, plan, indexes)
    write_planned(rec, plan, source, indexes)
    fr.suggestion_decisions = _merge_suggestion_log(rec, data, sha_to_doc)
    return fr


def plan_layer(project: ProjectBase, rec: Recorder, data: FileData, sha_to_doc: dict[str, str],
               stamp: str, *, later: bool = False) -> tuple[FileReport, LayerPlan]:
    """The registry reconciled (written) and what is to be written of the layer (read only).
    *later*: the digests of documents never merged before, which decide nothing, are left to
    ``later_digests`` (``plan.later``) unless the file's read made them already."""
    conn = rec.conn
    layer = data.annotator
    fr = FileReport(data.path, layer)
    actor_map = _reconcile(project, rec, data, fr, stamp, "actor")
    target_map = _reconcile(project, rec, data, fr, stamp, "target")
    project.ensure_annotator(rec, layer)
    moved = {k: v for k, v in actor_map.items() if k != v}   # usually none: the lead's own registry
    group = data.grouped if data.grouped is not None else group_rows(data)
    # digests made ahead with the links mapped as here (every id the rows refer to is in the
    # file's registry, validated, so the maps cover them all)
    ready = data.digests if data.digests is not None and data.digest_maps == (actor_map, target_map) else None
    data.grouped = data.digests = data.digest_maps = None   # (the groups are changed below)
    span_doc = data.span_doc
    stance_doc = {s["id"]: s["document_id"] for s in data.stances}
    merged = merge_digests(conn, layer)
    docs: list[tuple[str, str, dict[str, Any]]] = []   # (project doc id, file doc id, its rows), to be written
    put_off: list[tuple[str, dict[str, Any]]] = []
    for fdoc, parts in sorted(group.items()):
        doc = sha_to_doc[data.docs[fdoc][0]]
        spans = parts.setdefault("spans", [])   # the file's tuples: links mapped when written
        parts["claims"], parts["stances"] = mapped_links(parts, actor_map, target_map, doc)
        fr.documents += 1
        if later and ready is None and doc not in merged:   # replaced whatever its digest
            digest = None
            put_off.append((doc, dict(parts)))   # (its lists are only ever replaced, never changed)
        else:
            digest = ready[fdoc] if ready is not None else \
                document_digest(parts, parts["claims"], parts["stances"], actor_map)
            if merged.get(doc) == digest:
                fr.unchanged += 1
                continue
        parts["digest"] = digest
        docs.append((doc, fdoc, parts))
        fr.replaced += 1
        fr.spans += len(spans)
    maps = {"actor_id": moved, "document_id": {fdoc: doc for doc, fdoc, _ in docs if fdoc != doc}}
    return fr, LayerPlan(layer, docs, maps, span_doc, stance_doc, later=put_off, actor_map=actor_map)


def clear_planned(rec: Recorder, plan: LayerPlan, indexes: DeferredIndexes | None = None) -> None:
    """Delete the layer's rows (and digests) in the documents *plan* replaces (*indexes*: the
    merge's deferred span indexes, which know when the project holds no span of the layer). A
    span stored exactly as the file has it stays (and leaves the plan): a layer changed in one
    span of fifty deletes and writes one span, not fifty."""
    if plan.docs:
        replaced = [doc for doc, _, _ in plan.docs]
        search = indexes is None or indexes.may_hold(plan.layer)
        keep = _unchanged_spans(rec, plan) if search else set()
        clear_layer(rec, replaced, plan.layer, status=True, spans=search, keep_spans=keep)
        rec.delete_where("merge_digests", "document_id IN (SELECT value FROM json_each(?)) AND annotator=?",
                         (json.dumps(replaced), plan.layer))


def _unchanged_spans(rec: Recorder, plan: LayerPlan) -> set[str]:
    """The ids of the spans *plan* would write again exactly as the project stores them; they
    are taken out of the plan (``plan.kept`` counts them)."""
    stored = merged_spans(rec.conn, plan.layer, [doc for doc, _, _ in plan.docs])
    if not stored:
        return set()
    amap, dmap = plan.maps["actor_id"], plan.maps["document_id"]
    keep = {sid for _, _, parts in plan.docs for sid, d, a, b, lab, actor, attrs, c in parts["spans"]
            if stored.get(sid) == (dmap.get(d, d), a, b, lab, amap.get(actor, actor), attrs, c)}
    if keep:
        for _, _, parts in plan.docs:
            parts["spans"] = [s for s in parts["spans"] if s[0] not in keep]
        plan.kept = len(keep)
    return keep


def write_planned(rec: Recorder, plan: LayerPlan, source: str | None, indexes: DeferredIndexes | None) -> None:
    """Write the layer's rows of the documents *plan* replaces (``clear_planned`` first)."""
    if not plan.docs:
        return
    layer, docs, maps = plan.layer, plan.docs, plan.maps
    if indexes is not None:
        indexes.before_insert(sum(len(parts["spans"]) for _, _, parts in docs))
    if plan.kept:   # the file's copy holds the spans left in place too: the others are bound row by row
        source = None
    try:   # the annotator's ids are kept: almost always free in the project
        with rec.attempt():
            # every span of the file's layer written (a first merge): copied without a filter by document
            every = sum(len(parts["spans"]) for _, _, parts in docs) == len(plan.span_doc)
            _write_layer(rec, layer, docs, maps, set(), set(), source, every)
    except sqlite3.IntegrityError:   # some are taken (by another document or layer): new ids for those
        taken_spans = ids_taken(rec.conn, "spans", plan.span_doc)
        taken_stances = ids_taken(rec.conn, "stances", plan.stance_doc)
        _write_layer(rec, layer, docs, maps, taken_spans, taken_stances, None)


def _merge_suggestion_log(rec: Recorder, data: FileData, sha_to_doc: dict[str, str]) -> int:
    """Bring in the file's logged decisions on model suggestions that the project's log does not
    hold yet (by id: merging the same file again adds nothing), under the project's document ids
    and the file's annotator; a model version the project does not have is kept as it is. Returns
    how many were added. (The log is append-only: a decision changes no layer, so it is merged
    whether or not its document's layer was.)"""
    if not data.suggestion_log:
        return 0
    have = logged_suggestion_ids(rec.conn, [r["id"] for r in data.suggestion_log])
    rows = [{**r, "document_id": sha_to_doc[data.docs[r["document_id"]][0]], "layer": data.annotator}
            for r in data.suggestion_log if r["id"] not in have]
    rec.insert_many("suggestion_log", rows)
    return len(rows)


def _write_layer(rec: Recorder, layer: str, docs: list[tuple[str, str, dict[str, Any]]],
                 maps: dict[str, dict[str, str]], taken_spans: set[str],
                 taken_stances: set[str], source: str | None, every: bool = False) -> None:
    """Insert *layer*'s rows of *docs*: the spans' links and documents mapped by *maps*
    (column -> {file value: project value}); the ids in *taken_spans* / *taken_stances* get new
    ones. With *source* (the file's attached copy, and no id taken) the spans are copied inside
    SQLite (*every*: they are all of the layer's spans in the file), else bound row by row."""
    spans_out: list[tuple[Any, ...]] = []
    new: dict[str, list[dict[str, Any]]] = {k: [] for k in ("claims", "stances", "stance_evidence", "relations",
                                                  "doc_labels", "doc_status", "merge_digests")}
    amap, dmap = maps["actor_id"].get, maps["document_id"]
    for doc, _fdoc, parts in docs:
        spans, stances = parts["spans"], parts["stances"]
        ids = {s[0]: new_id("s") for s in spans if s[0] in taken_spans} if taken_spans else {}
        sids = {st["id"]: new_id("st") if st["id"] in taken_stances else st["id"] for st in stances}
        rid = ids.get
        spans_out += [(rid(sid, sid), *rest) for sid, *rest in spans] if ids else spans
        if parts["digest"] is not None:   # (None: written by ``merge_layer`` once made, see ``later_digests``)
            new["merge_digests"].append({"annotator": layer, "document_id": doc, "digest": parts["digest"]})
        # (the claims and evidence are this document's own rows, made by ``mapped_links`` or as
        # read: with no span id renamed, they are written as they are)
        new["claims"] += [{**c, "span_id": rid(c["span_id"], c["span_id"]),
                           "source_span": rid(c["source_span"], c["source_span"]),
                           "cue_span": rid(c["cue_span"], c["cue_span"])} for c in parts["claims"]] if ids \
            else parts["claims"]
        new["stances"] += [{"id": sids[st["id"]], "document_id": doc, "layer": layer, "holder": st["holder"],
                            "target": st["target"], "polarity": st["polarity"], "conditions": st["conditions"],
                            "author": layer, "created_at": st["created_at"]} for st in stances]
        new["stance_evidence"] += [{"stance_id": sids[e["stance_id"]], "span_id": rid(e["span_id"], e["span_id"]),
                                    "position": e["position"]} for e in parts.get("evidence", [])]
        new["relations"] += [{"id": new_id("r"), "document_id": doc, "layer": layer, "head": rid(r["head"], r["head"]),
                              "tail": rid(r["tail"], r["tail"]), "label": r["label"]}
                             for r in parts.get("relations", [])]
        new["doc_labels"] += [{"document_id": doc, "layer": layer, "key": d["key"], "value": d["value"]}
                              for d in parts.get("doc_labels", [])]
        new["doc_status"] += [{"document_id": doc, "layer": layer, "status": s["status"], "reason": s["reason"],
                               "updated_at": s["updated_at"]} for s in parts.get("status", [])]
    same = {"layer": layer, "author": layer}
    if source is not None and not taken_spans:
        copy_spans(rec, source, layer, None if every else [fdoc for _, fdoc, _ in docs], spans_out, maps, same)
    else:
        if maps["actor_id"] or dmap:
            spans_out = [(sid, dmap.get(d, d), a, b, lab, amap(actor, actor), attrs, c)
                         for sid, d, a, b, lab, actor, attrs, c in spans_out]
        rec.insert_tuples("spans", SPAN_COLUMNS, spans_out, same)
    for table, rows in new.items():
        rec.insert_many(table, rows)
