"""The lead's sync: push what the team shares (documents, scheme, registry, guideline examples,
assignments, decisions, gold), then pull every annotator's layer **through merge's checks**.

Pulling: for each annotator whose documents changed on the server since the lead last merged
them (the server's per-document digests against the lead's record, ``project_info.team_pulled``),
the changed documents' rows, with the lead's registry and that annotator's proposals over it,
go through ``team.merge_rows.merge_rows`` (the checks of ``merge`` on rows instead of files; no
scratch file is written), all layers as one action: every row validated against the scheme and
the texts, the registry reconciled (proposals become entries or listed conflicts), nothing but
the annotator's own layer written, all-or-nothing, one undo step.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import IsfError, JobCancelled
from ..ops.teamsync import record_pulled
from ..store.server import cursors, roles
from ..store.server import marks as server_marks
from ..store.server import proposals as server_proposals
from ..store.server import rows as srv
from ..store.server.schema import GOLD_LAYER
from ..store.teamsync import (
    LAYER_TABLES,
    LINK_KEY,
    PULLED_KEY,
    annotator_names,
    columns,
    digest,
    document_ids,
    documents_by_id,
    layer_rows_in_slices,
    project_json,
    project_value,
    table_rows,
)
from ..team.merge_rows import LayerIn, merge_rows
from . import journaled
from .connect import describe
from .reports import SyncReport

Progress = Callable[[int, int], None]
DOC_BATCH = 500
SOURCE = "the team database"   # where the rows come from, in the merge's messages and listed conflicts


def push_shared(conn: Any, project: Any, *, progress: Progress | None = None,
                cancel: Callable[[], bool] | None = None) -> dict[str, int]:
    """Make the server hold the lead's documents (new ones added; a text never changes), scheme
    and name, registry, guideline examples, assignments and decisions (mirrored), then push the
    gold layer (with its provenance) like a layer. Returns counts per kind."""
    with project.snapshot() as lc:
        local_docs = document_ids(lc)
        shared = {t: table_rows(lc, t) for t in ("actors", "targets", "guideline_examples", "assignments",
                                                 "decisions")}
        scheme = project_value(lc, "scheme")
        name = project_value(lc, "name") or Path(project.path).stem
    counts = {"documents": len(local_docs), **{t: len(r) for t, r in shared.items()}, "written": 0}
    server_docs = set(server_marks.server_document_ids(conn))
    missing = [d for d in local_docs if d not in server_docs]
    for start in range(0, len(missing), DOC_BATCH):
        _stop_if(cancel, f"after {start} of {len(missing)} new documents were sent")
        if progress is not None:
            progress(start, len(missing) + 1)
        with project.snapshot() as lc:
            batch = documents_by_id(lc, missing[start:start + DOC_BATCH])
        srv.copy_in(conn, "documents", batch)
        conn.commit()
        counts["written"] += len(batch)
    keys = {"actors": ("id",), "targets": ("id",), "guideline_examples": ("id",),
            "assignments": ("document_id", "annotator"), "decisions": ("unit_key",)}
    for table, key in keys.items():
        counts["written"] += srv.mirror(conn, table, key, shared[table])
    for item, value in (("scheme", scheme), ("name", name)):
        if value is not None:
            server_marks.set_team_info(conn, item, value)
    conn.commit()
    link = project_json_link(project)
    plan = journaled.Plan(conn, project, GOLD_LAYER, journaled.copy_id(project, link))
    counts["gold"], _rows = journaled.push_all(conn, project, GOLD_LAYER, plan, with_provenance=True, cancel=cancel)
    if progress is not None:
        progress(len(missing) + 1, len(missing) + 1)
    return counts


def project_json_link(project: Any) -> dict[str, Any]:
    with project.snapshot() as lc:
        link: dict[str, Any] = project_json(lc, LINK_KEY, None) or {}
    return link


def push_held_layers(conn: Any, project: Any, *, cancel: Callable[[], bool] | None = None) -> int:
    """``team create``: send the annotator layers the lead's project holds (from file merges) as
    the server's rows of those layers, recorded as merged (the lead's next sync does not merge
    them again); an annotator's new working copy then gets its layer back. Returns the layers sent."""
    with project.snapshot() as lc:
        layers = sorted(set(annotator_names(lc)) - {GOLD_LAYER})
    sent: dict[str, dict[str, str]] = {}
    for layer in layers:
        local = layer_rows_in_slices(project, layer)
        if not local:
            continue
        srv.push_layer(conn, layer, local, cancel=cancel)
        sent[layer] = {d: digest(rows) for d, rows in local.items()}
    if sent:
        record_pulled(project, sent)
    return len(sent)


def _stop_if(cancel: Callable[[], bool] | None, where: str) -> None:
    if cancel is not None and cancel():
        raise JobCancelled(f"sync cancelled {where}; sync again")


def _changed_layers(conn: Any, pulled: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """layer -> {document id: server digest} of the documents changed since the lead merged them."""
    out: dict[str, dict[str, str]] = {}
    for layer, doc, dg in server_marks.annotator_marks(conn):
        if pulled.get(layer, {}).get(doc) != dg:
            out.setdefault(layer, {})[doc] = dg
    return out


def pull_layers(conn: Any, project: Any, report: SyncReport,
                progress: Progress | None = None, cancel: Callable[[], bool] | None = None) -> None:
    """Merge every annotator's changed documents (and open registry proposals) into the lead's
    project through ``merge_rows`` (see the module's docstring): all annotators in one merge
    (one action); when merge refuses one of them, each on its own, so that a refused layer is
    listed with the reason and the others still merge. The server is read in one REPEATABLE
    READ transaction (the marks and the rows they describe agree)."""
    with project.snapshot() as lc:
        pulled = project_json(lc, PULLED_KEY, {})
        actors, targets = table_rows(lc, "actors"), table_rows(lc, "targets")
        local_docs = set(document_ids(lc))
    server_marks.refresh_statistics(conn, LAYER_TABLES)   # before the one snapshot the pull reads
    server_marks.begin_repeatable_read(conn)
    changed = _changed_layers(conn, pulled)
    proposals = server_proposals.open_proposals(conn)
    layers = sorted(set(changed) | set(proposals))
    merged: dict[str, list[str]] = {}   # layer -> its documents merged
    for layer in layers:
        docs = sorted(changed.get(layer, {}))
        unknown = [d for d in docs if d not in local_docs]
        if unknown:
            report.skipped_documents.append(f"{layer}: {len(unknown)} documents the lead's project does not "
                                            f"have (e.g. {unknown[0]}), not merged")
            docs = [d for d in docs if d in local_docs]
        merged[layer] = docs
    _stop_if(cancel, "before merging the annotators' work; nothing of it was merged")
    if progress is not None:
        progress(0, 2 * len(layers) + 1)   # reading the server: every layer at once
    fetched = srv.fetch_layers(conn, merged)
    cols = {t: columns(t) for t in ("actors", "targets", *LAYER_TABLES)}
    given: list[LayerIn] = []
    for layer in layers:
        mine = {"actor": {r[0]: r for r in actors}, "target": {r[0]: r for r in targets}}
        for kind, entity, raw in proposals.get(layer, []):
            table = "actors" if kind == "actor" else "targets"
            value = json.loads(raw)
            mine[kind][entity] = tuple(value.get(c) for c in columns(table))
        given.append(LayerIn(layer, merged[layer], cols, fetched[layer], list(mine["actor"].values()),
                             list(mine["target"].values())))
    _stop_if(cancel, "before merging the annotators' work; nothing of it was merged")
    _merge(project, given, report, progress)
    taken = [layer for layer in layers if layer not in report.refused_layers]
    if taken:
        record_pulled(project, {layer: {d: changed[layer][d] for d in merged[layer]} for layer in taken})
    for layer in taken:
        server_proposals.mark_merged(conn, layer, proposals.get(layer, []))
    conn.commit()


def _merge(project: Any, given: list[LayerIn], report: SyncReport, progress: Progress | None) -> None:
    if not given:
        return
    try:
        results = [merge_rows(project, given, source=SOURCE, progress=progress)]
    except JobCancelled:
        raise
    except IsfError as e:
        results = []
        if len(given) == 1:
            _refuse(report, given[0].annotator, e)
        else:   # find the layer(s) merge refuses: each on its own
            for layer in given:
                try:
                    results.append(merge_rows(project, [layer], source=SOURCE, progress=progress))
                except JobCancelled:
                    raise
                except IsfError as e:
                    _refuse(report, layer.annotator, e)
    for result in results:
        for fr in result.files:
            extra = f", {fr.new_actors} new actors" if fr.new_actors else ""
            report.merged.append(f"{fr.annotator}: {fr.documents} documents ({fr.replaced} "
                                 f"updated, {fr.unchanged} unchanged), {fr.spans} spans{extra}")
            report.conflicts += fr.conflicts


def _refuse(report: SyncReport, layer: str, e: BaseException) -> None:
    report.refused_layers.add(layer)
    report.refused.append(f"{layer}: not merged: {e}")


def sync_lead(conn: Any, project: Any, dsn: str, *, progress: Progress | None = None,
              cancel: Callable[[], bool] | None = None) -> SyncReport:
    """The lead's sync: pull and merge the annotators' layers first (so the registry the lead
    then sends holds what they proposed), then push what the team shares and gold."""
    report = SyncReport(describe(dsn), "lead")
    if not cursors.has_cursors(conn):   # a team database of server schema 1: the lead owns its tables
        roles.upgrade_team(conn)
        conn.commit()
    pull_layers(conn, project, report, progress=progress, cancel=cancel)
    counts = push_shared(conn, project, progress=progress, cancel=cancel)
    report.shared_rows, report.pushed_documents = counts["written"], counts["gold"]
    return report
