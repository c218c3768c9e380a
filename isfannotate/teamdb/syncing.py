"""A project's link to its team database and the annotator's sync.

The link lives in the project (``project_info.team_link``): the DSN **without a password**
(host, port, database, user, or a libpq service name), the role (``annotator`` or ``lead``) and
the annotator's name. Passwords come from ``~/.pgpass`` or the service file, as PostgreSQL users
keep them.

An annotator's sync pushes its own layer: the documents whose rows differ from what the server
holds (a digest per document, kept on the server beside the rows in the same transaction), in
committed batches, so a sync cut off anywhere resumes without loss or duplicates; then its
registry proposals; then pulls the documents, scheme, registry, guideline examples and its
assignments. The lead's sync is ``teamdb.lead``.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import ProjectError
from ..ops.teamsync import Pulled, apply_pull, update_link
from ..store.server import marks as server_marks
from ..store.server import members as server_members
from ..store.server import proposals as server_proposals
from ..store.server import rows as srv
from ..store.teamsync import columns, document_ids, table_rows
from . import journaled
from .connect import TeamDbError, connect, describe, parse_dsn, server_faults, with_user
from .reports import SyncReport
from .team import check_team, opened, role_of, store_link, team_link

Progress = Callable[[int, int], None]


def link(project: Any, dsn: str) -> dict[str, Any]:
    """Link an existing project (the lead's corpus, or an annotator's copy) to the team database
    at *dsn* (checked: reachable, a team, and this role's part in it). Returns the link."""
    with opened(project) as p:
        with connect(dsn) as conn, server_faults(dsn):
            check_team(conn, dsn)
            user, role = role_of(conn)
        if role == "annotator":
            mine = p.recorded_annotator
            if mine is not None and mine != user:
                raise TeamDbError(f"{p.path}: this copy is {mine}'s; the address logs in as {user}")
        return store_link(p, dsn, role, user if role == "annotator" else None)


def join(dsn: str, project_path: Path, *, annotator: str, progress: Progress | None = None,
         cancel: Callable[[], bool] | None = None) -> Path:
    """A new working copy for *annotator* at *project_path* (a project file), linked to the team
    database (the DSN's user set to *annotator*, its password left to ~/.pgpass), filled by a
    first sync. Refuses an existing file."""
    from ..project import Project
    from ..scheme import parse_scheme

    path = Path(project_path)
    if path.exists():
        raise ProjectError(f"{path}: already exists; choose a new file for the working copy")
    if parse_dsn(dsn).get("user") != annotator:
        dsn = with_user(dsn, annotator)
    with connect(dsn) as conn, server_faults(dsn):
        info = check_team(conn, dsn)
        user, role = role_of(conn)
        if role != "annotator":
            raise TeamDbError(f"team database {describe(dsn)}: {user} is the lead; join as an annotator")
    scheme = parse_scheme(json.loads(info["scheme"]), f"{describe(dsn)} (the team's scheme)")
    p = Project.create(path, scheme=scheme, name=info.get("name") or path.stem)
    try:
        p.author = annotator
        store_link(p, dsn, "annotator", annotator)
        p.only_layer = annotator
        sync(p, progress=progress, cancel=cancel, dsn=dsn)   # as given: a password in it serves this once
    except BaseException:
        p.close()
        path.unlink(missing_ok=True)
        raise
    p.close()
    return path


def sync(project: Any, *, progress: Progress | None = None, cancel: Callable[[], bool] | None = None,
         dsn: str | None = None) -> SyncReport:
    """Sync *project* (a path or an open project) with its team database, both ways. *dsn*:
    this once, the address to use instead of the stored one (e.g. with a password in it)."""
    with opened(project) as p:
        lk = team_link(p)
        if lk is None:
            raise TeamDbError(f"{p.path}: not linked to a team database; join one (isfannotate team join) or link "
                              "it (isfannotate team link PROJECT DSN)")
        dsn = dsn or lk["dsn"]
        with connect(dsn) as conn, server_faults(dsn):
            check_team(conn, dsn)
            user, role = role_of(conn)
            if role == "lead":
                from .lead import sync_lead
                report = sync_lead(conn, p, dsn, progress=progress, cancel=cancel)
            else:
                if lk.get("annotator") not in (None, user):
                    raise TeamDbError(f"{p.path}: this copy is {lk['annotator']}'s, the server knows this login as "
                                      f"{user}; fix the address (isfannotate team link)")
                report = _sync_annotator(conn, p, dsn, user, lk, progress=progress, cancel=cancel)
            server_members.mark_synced(conn)
            conn.commit()
        update_link(p, last_sync=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    return report


def _proposals(conn: Any, p: Any, user: str) -> int:
    """Send the registry entries this copy has that differ from the server's (new ones, or
    changed): the lead's sync merges them like a file's registry. Returns the count sent."""
    sent = 0
    with p.snapshot() as lc:
        local = {"actor": table_rows(lc, "actors"), "target": table_rows(lc, "targets")}
    for kind, table in (("actor", "actors"), ("target", "targets")):
        server = {r[0]: tuple(r) for r in srv.select(conn, table)}
        proposed = server_proposals.proposals_of(conn, kind)
        for row in local[kind]:
            if server.get(row[0]) == tuple(row):
                continue
            value = json.dumps(dict(zip(columns(table), row, strict=True)), ensure_ascii=False, sort_keys=True)
            if proposed.get(row[0]) == value:
                continue
            server_proposals.propose(conn, kind, row[0], value)
            sent += 1
    conn.commit()
    return sent


def _pull(conn: Any, p: Any, user: str) -> Pulled:
    with p.snapshot() as lc:
        local_ids = set(document_ids(lc))
    server_ids = server_marks.server_document_ids(conn)
    missing = [d for d in server_ids if d not in local_ids]
    pulled = Pulled()
    if missing:
        pulled.documents = srv.select(conn, "documents", "WHERE t.id = ANY(%s) ORDER BY t.seq", (missing,))
    pulled.scheme = srv.info(conn).get("scheme")
    pulled.actors = srv.select(conn, "actors")
    pulled.targets = srv.select(conn, "targets")
    pulled.examples = srv.select(conn, "guideline_examples")
    pulled.assignments = srv.select(conn, "assignments", "WHERE t.annotator = current_user")
    pulled.keep_local = server_proposals.open_proposal_keys(conn)
    conn.commit()
    return pulled


def _sync_annotator(conn: Any, p: Any, dsn: str, user: str, link: dict[str, Any], *, progress: Progress | None,
                    cancel: Callable[[], bool] | None) -> SyncReport:
    report = SyncReport(describe(dsn), "annotator", user)
    report.proposals = _proposals(conn, p, user)
    plan = journaled.Plan(conn, p, user, journaled.copy_id(p, link))
    report.pushed_documents, report.pushed_rows = journaled.push(conn, p, user, plan, progress=progress,
                                                                 cancel=cancel)
    applied = apply_pull(p, _pull(conn, p, user), user)
    report.own_documents, skipped = journaled.pull_own(conn, p, user, plan)
    report.skipped_documents += skipped
    report.pulled_documents, report.skipped_documents = applied.documents, applied.skipped_documents
    report.scheme_updated, report.registry_updated = applied.scheme, applied.registry
    report.examples, report.assignments = applied.examples, applied.assignments
    return report
