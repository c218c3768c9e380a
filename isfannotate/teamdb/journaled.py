"""A layer's push through the change journal (``store.journal``), and an annotator's own layer
brought back from the server when another working copy of theirs sent it.

The server keeps, per layer and working copy (a random id in the project's team link), the last
journal seq it acknowledged, written in the same transaction as each batch of rows. A push sends
only the documents journalled past that cursor, so a sync with nothing new reads a few short
rows; a push cut off resumes from the last committed batch. Where the journal cannot answer (this
copy never pushed to this server, the server keeps no cursors, or its cursor is past what this
file ever journalled: a file restored or copied), every journalled document is compared by its
digest instead, as before the journal.

Documents the server holds from another copy of the same annotator (its marks name the copy)
that this copy did not change since its cursor are pulled into this copy; a document both
changed keeps this copy's version (it is sent)."""
from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from ..errors import JobCancelled
from ..ops.teamsync import replace_layer_documents, update_link
from ..store import journal
from ..store.server import cursors
from ..store.server import proposals as server_proposals
from ..store.server import rows as srv
from ..store.teamsync import columns, digest, layer_rows, layer_rows_in_slices, table_rows

Progress = Callable[[int, int], None]
_REFS = {"actors": (("spans", "actor_id"), ("claims", "source_actor"), ("stances", "holder")),
         "targets": (("stances", "target"),)}


def copy_id(p: Any, link: dict[str, Any]) -> str:
    """This working copy's id in its team link (made on its first push)."""
    copy = link.get("copy")
    if not isinstance(copy, str) or not copy:
        copy = uuid.uuid4().hex
        update_link(p, copy=copy)
    return copy


class Plan:
    """What the journal says: the candidates past the server's cursor, and whether the cursor
    was usable (*exact*) or every journalled document is compared (the digest)."""

    def __init__(self, conn: Any, p: Any, layer: str, copy: str):
        with_cursor = cursors.has_cursors(conn)
        at = cursors.cursor(conn, layer, copy) if with_cursor else None
        with p.snapshot() as lc:
            seqs = journal.entries(lc, layer)
            top = journal.last_seq(lc)
        self.exact = at is not None and at <= top
        since = at if self.exact and at is not None else 0
        self.unchanged = at == top and self.exact
        self.journaled = srv.Journaled({d: s for d, s in seqs.items() if s > since}, copy, top, with_cursor)
        self.marks = cursors.marks_by_copy(conn, layer, with_cursor)
        conn.commit()


def push(conn: Any, p: Any, layer: str, plan: Plan, *, with_provenance: bool = False,
         progress: Progress | None = None, cancel: Callable[[], bool] | None = None) -> tuple[int, int]:
    """Send *layer*'s documents the plan names whose digest differs from the server's, in
    journal order, a batch per committed transaction that also moves the copy's cursor. Each
    batch's local rows are read (a snapshot per batch: a key press waits for one at most) while
    the previous batch is written on the server, by a second thread that alone uses *conn*.
    Returns (documents sent, rows written)."""
    if plan.unchanged:
        return 0, 0
    jr = plan.journaled
    docs = sorted(jr.candidates, key=jr.candidates.__getitem__)
    server_marks = {d: m[0] for d, m in plan.marks.items()}
    size, had = srv.BATCH, set(server_marks)
    sent = rows = 0
    with ThreadPoolExecutor(1, thread_name_prefix="isf-team-push") as writer:
        pending: Future[int] | None = None
        for start in range(0, max(len(docs), 1), size):
            part = docs[start:start + size]
            with p.snapshot() as lc:
                local = layer_rows(lc, layer, part) if part else {}
            todo = srv.to_push(local, server_marks, part)
            if pending is not None:
                rows += pending.result()          # the previous batch is committed
            if cancel is not None and cancel():
                raise JobCancelled(f"sync cancelled after {sent} of {len(docs)} documents; sync again to send "
                                   "the rest")
            if progress is not None:
                progress(start, len(docs))
            seq = jr.final if start + size >= len(docs) else jr.candidates[part[-1]]
            pending = writer.submit(srv.send_batch, conn, layer, local, todo, with_provenance=with_provenance,
                                    had=had, cursor=(jr.copy, seq) if jr.with_cursor else None)
            sent += len(todo)
        if pending is not None:
            rows += pending.result()
    if progress is not None:
        progress(len(docs), len(docs))
    return sent, rows


def push_all(conn: Any, p: Any, layer: str, plan: Plan, *, with_provenance: bool = False,
             cancel: Callable[[], bool] | None = None) -> tuple[int, int]:
    """The lead's gold: through the journal when the cursor answers, else every document compared."""
    if plan.exact:
        return push(conn, p, layer, plan, with_provenance=with_provenance, cancel=cancel)
    local = layer_rows_in_slices(p, layer)
    server_marks = {d: m[0] for d, m in plan.marks.items()}
    done = srv.push_layer(conn, layer, local, with_provenance=with_provenance, cancel=cancel,
                          server_marks=server_marks)
    if plan.journaled.with_cursor:
        cursors.set_cursor(conn, layer, plan.journaled.copy, plan.journaled.final)
        conn.commit()
    return done


def pull_own(conn: Any, p: Any, layer: str, plan: Plan) -> tuple[int, list[str]]:
    """Bring into this copy the documents of its layer another copy sent (see the module's
    docstring). Returns (documents written, skipped with the reason)."""
    copy = plan.journaled.copy
    foreign = sorted(d for d, (_dg, cp) in plan.marks.items()
                     if d not in plan.journaled.candidates and (not plan.exact or cp != copy))
    if not foreign:
        return 0, []
    with p.snapshot() as lc:
        local = layer_rows(lc, layer, foreign)
        have = {t: {r[0] for r in table_rows(lc, t)} for t in _REFS}
        held = {r[0] for r in table_rows(lc, "documents")}
    differ = [d for d in foreign if d in held and digest(local.get(d, {})) != plan.marks[d][0]]
    same = [d for d in foreign if d in held and d not in set(differ)]
    skipped = [f"{d}: your layer there is of a document this copy lacks" for d in foreign if d not in held]
    written = 0
    if differ:
        rows = srv.fetch_layers(conn, {layer: differ})[layer]
        proposed = {t: {k: json.loads(v) for k, v in server_proposals.proposals_of(conn, kind).items()}
                    for t, kind in (("actors", "actor"), ("targets", "target"))}
        registry: dict[str, list[Any]] = {}
        for table, refs in _REFS.items():
            wanted = {r[columns(t).index(c)] for t, c in refs for r in rows.get(t, [])} - have[table] - {None}
            found = [tuple(proposed[table][i].get(c) for c in columns(table)) for i in sorted(wanted)
                     if i in proposed[table]]
            if len(found) < len(wanted):
                skipped.append(f"{len(differ)} documents of your layer refer to registry entries neither the "
                               "team nor your proposals hold; not brought back")
                differ = []
            registry[table] = found
        if differ:
            replace_layer_documents(p, layer, differ, rows, registry)
            written = len(differ)
    if plan.journaled.with_cursor:
        cursors.claim_marks(conn, layer, copy, same + differ)   # differ: emptied when not brought back
    conn.commit()
    return written, skipped
