"""``isfannotate stats`` and ``isfannotate check``."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .store import schema

if TYPE_CHECKING:
    from .store.base import ProjectBase


def stats(project: "ProjectBase") -> dict[str, Any]:
    conn = project.conn
    one = lambda sql, *a: conn.execute(sql, a).fetchone()[0]  # noqa: E731
    layers: dict[str, Any] = {}
    for layer, n in conn.execute("SELECT layer, count(*) FROM spans GROUP BY layer ORDER BY layer"):
        layers[layer] = {"spans": n, "labels": dict(conn.execute(
            "SELECT label, count(*) FROM spans WHERE layer=? GROUP BY label ORDER BY label", (layer,)))}
    for layer, status, n in conn.execute("SELECT layer, status, count(*) FROM doc_status GROUP BY layer, status"):
        layers.setdefault(layer, {"spans": 0, "labels": {}})[status] = n
    groups = [r[0] for r in conn.execute(
        "SELECT group_concat(id, ', ') FROM (SELECT id, near_dup_group FROM documents WHERE near_dup_group "
        "IS NOT NULL ORDER BY seq) GROUP BY near_dup_group ORDER BY min(rowid)")]
    return {
        "project": project.name,
        "path": str(project.path),
        "schema_version": project.schema_version,
        "documents": one("SELECT count(*) FROM documents"),
        "characters": one("SELECT coalesce(sum(length(text)), 0) FROM documents"),
        "actors": one("SELECT count(*) FROM actors"),
        "targets": one("SELECT count(*) FROM targets"),
        "stances": one("SELECT count(*) FROM stances"),
        "claims": one("SELECT count(*) FROM claims"),
        "relations": one("SELECT count(*) FROM relations"),
        "layers": layers,
        "near_duplicate_groups": groups,
    }


def check(project: "ProjectBase") -> list[str]:
    """Problems found (empty when the project is sound): SQLite integrity, foreign keys, schema
    version, and every span consistent with its document's text."""
    conn = project.conn
    problems = []
    res = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    if res != ["ok"]:
        problems.extend(f"integrity: {r}" for r in res[:20])
    for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check").fetchall()[:20]:
        problems.append(f"foreign key: {table} row {rowid} points at a missing {parent}")
    if project.schema_version != schema.SCHEMA_VERSION:
        problems.append(f"schema version {project.schema_version}, expected {schema.SCHEMA_VERSION}")
    from .textclean import sha256_text
    for doc_id, text, sha in conn.execute("SELECT id, text, sha256 FROM documents"):
        if sha256_text(text) != sha:
            problems.append(f"document {doc_id}: text does not match its sha256 (the text changed after import)")
    for sid, doc_id, start, end, n in conn.execute(
            'SELECT s.id, s.document_id, s.start, s."end", length(d.text) FROM spans s JOIN documents d '
            'ON d.id = s.document_id WHERE s.start < 0 OR s."end" <= s.start OR s."end" > length(d.text)'):
        problems.append(f"span {sid} in {doc_id}: {start}-{end} is outside the text (length {n})")
    labels = {lab.name for lab in project.scheme.span_labels}
    for sid, label in conn.execute("SELECT id, label FROM spans"):
        if label not in labels:
            problems.append(f"span {sid}: label {label!r} is not in the scheme")
    return problems
