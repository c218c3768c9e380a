"""The team database's local writes (``isfannotate.teamdb``), each one action through the store's
recorder: what an annotator's sync brings down (documents, scheme, registry, guideline examples,
its assignments), the link to the server, and the lead's record of what it merged.

Nothing here talks to the server: ``teamdb`` reads it and hands plain rows in.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..store.teamsync import (
    LINK_KEY,
    PULLED_KEY,
    Row,
    annotator_assignments,
    columns,
    document_ids,
    max_seq,
    project_json,
    project_value,
    table_rows,
)

if TYPE_CHECKING:
    from ..store.base import ProjectBase


@dataclass
class Pulled:
    """What an annotator's sync brought down from the server (rows in ``columns(table)`` order)."""
    documents: list[Row] = field(default_factory=list)
    scheme: str | None = None
    actors: list[Row] = field(default_factory=list)
    targets: list[Row] = field(default_factory=list)
    examples: list[Row] = field(default_factory=list)
    assignments: list[Row] = field(default_factory=list)   # (document_id, annotator, assigned_at)
    keep_local: set[tuple[str, str]] = field(default_factory=set)   # (kind, id) with an open proposal


@dataclass
class Applied:
    documents: int = 0
    skipped_documents: list[str] = field(default_factory=list)   # "id: reason"
    scheme: bool = False
    registry: int = 0
    examples: int = 0
    assignments: int = 0


def _as_dicts(table: str, rows: list[Row]) -> list[dict[str, Any]]:
    cols = columns(table)
    return [dict(zip(cols, r, strict=True)) for r in rows]


def apply_pull(project: ProjectBase, pulled: Pulled, annotator: str) -> Applied:
    """Write what the server holds and this copy lacks, in one action (not undoable: undoing a
    sync would only be pulled again). Documents are added (never changed: a text never
    changes); a document whose text this copy holds under another id is skipped with the
    reason. The registry takes the server's version of each entry, except entries the annotator
    proposed a change to that the lead has not merged yet."""
    out = Applied()
    with project.action("team sync", None, None, "pulled from the team database", undoable=False) as rec:
        conn = rec.conn
        have = document_ids(conn)
        by_sha = {sha: d for d, sha in have.items()}
        seqs = {r[0] for r in conn.execute("SELECT seq FROM documents")} if pulled.documents else set()
        top = max_seq(conn)
        new_docs = []
        for row in _as_dicts("documents", pulled.documents):
            if row["id"] in have:
                continue
            if row["sha256"] in by_sha:
                out.skipped_documents.append(f"{row['id']}: its text is here already as {by_sha[row['sha256']]}")
                continue
            if row["seq"] in seqs:
                top += 1
                row["seq"] = top
            seqs.add(row["seq"])
            top = max(top, row["seq"])
            new_docs.append(row)
        rec.insert_many("documents", new_docs)
        out.documents = len(new_docs)
        if pulled.scheme is not None and pulled.scheme != project_value(conn, "scheme"):
            rec.upsert("project_info", {"key": "scheme", "value": pulled.scheme})
            out.scheme = True
        for table, kind, rows in (("actors", "actor", pulled.actors), ("targets", "target", pulled.targets)):
            held = {r[0]: r for r in table_rows(conn, table)}
            for entry in rows:
                if (kind, entry[0]) in pulled.keep_local or held.get(entry[0]) == tuple(entry):
                    continue
                rec.upsert(table, dict(zip(columns(table), entry, strict=True)))
                out.registry += 1
        local_examples = set(table_rows(conn, "guideline_examples"))
        if local_examples != set(map(tuple, pulled.examples)):
            rec.delete_where("guideline_examples", "1=1", ())
            rec.insert_many("guideline_examples", _as_dicts("guideline_examples", pulled.examples))
            out.examples = len(pulled.examples)
        known = set(have) | {r["id"] for r in new_docs}
        server = {r[0]: r for r in pulled.assignments if r[0] in known}
        local = annotator_assignments(conn, annotator)
        gone = sorted(local - set(server))
        for doc in gone:
            rec.delete("assignments", (doc, annotator))
        added = [dict(zip(("document_id", "annotator", "assigned_at"), server[d], strict=True))
                 for d in sorted(set(server) - local)]
        rec.insert_many("assignments", added)
        out.assignments = len(gone) + len(added)
        if new_docs or out.scheme:
            project.ensure_annotator(rec, annotator)
    if out.scheme:
        project.invalidate()
    return out


def set_link(project: ProjectBase, link: dict[str, Any] | None, *, annotator: str | None = None) -> None:
    """Store (or with None remove) the project's link to its team database; *annotator* also
    records the copy's annotator (the app then writes that layer only)."""
    with project.action("team link", None, None, "team database", undoable=False) as rec:
        if link is None:
            rec.delete("project_info", (LINK_KEY,))
        else:
            rec.upsert("project_info", {"key": LINK_KEY, "value": json.dumps(link, ensure_ascii=False)})
        if annotator is not None:
            rec.upsert("project_info", {"key": "annotator", "value": annotator})
            project.ensure_annotator(rec, annotator)


def update_link(project: ProjectBase, **values: Any) -> None:
    """Merge *values* into the stored link (e.g. the last sync time), one small action."""
    with project.snapshot() as conn:
        link = project_json(conn, LINK_KEY, None)
    if link is None:
        return
    link.update(values)
    with project.action("team link", None, None, "team database", undoable=False) as rec:
        rec.upsert("project_info", {"key": LINK_KEY, "value": json.dumps(link, ensure_ascii=False)})


def record_pulled(project: ProjectBase, pulled: dict[str, dict[str, str]]) -> None:
    """The lead's record of what each annotator's layer held when it was last merged."""
    with project.snapshot() as conn:
        known = project_json(conn, PULLED_KEY, {})
    for layer, marks in pulled.items():
        known.setdefault(layer, {}).update(marks)
    with project.action("team sync", None, None, "merged from the team database", undoable=False) as rec:
        rec.upsert("project_info", {"key": PULLED_KEY, "value": json.dumps(known, sort_keys=True)})


_OWN_ORDER = ("spans", "claims", "stances", "stance_evidence", "relations", "doc_status", "doc_labels")


def replace_layer_documents(project: ProjectBase, layer: str, documents: list[str], rows: dict[str, list[Row]],
                            registry: dict[str, list[Row]]) -> None:
    """Make *layer*'s rows of *documents* what the team database holds (*rows*: table -> rows in
    ``columns(table)`` order), in one action (not undoable: it would only be pulled again): what
    another working copy of the same annotator sent. *registry* (table -> rows) are entries the
    rows refer to that this copy lacks (the annotator's own proposals), added first."""
    if not documents:
        return
    from ..store.layers import clear_layer
    with project.action("team sync", None, layer, "your layer from the team database", undoable=False) as rec:
        for table, entries in registry.items():
            rec.insert_many(table, _as_dicts(table, entries))
        clear_layer(rec, documents, layer, status=True)
        for table in _OWN_ORDER:
            rec.insert_tuples(table, columns(table), [tuple(r) for r in rows.get(table, [])])
