"""``isfannotate stats`` and ``isfannotate check``."""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, Protocol

from ..errors import IsfError, ProjectError
from ..scheme import Scheme
from . import schema


class Checked(Protocol):
    """What the counts and the checks read of a project (``ProjectBase`` has it)."""
    conn: sqlite3.Connection | None
    path: Path

    @property
    def name(self) -> str: ...
    @property
    def schema_version(self) -> int: ...
    @property
    def scheme(self) -> Scheme: ...


def _open(project: Checked) -> sqlite3.Connection:
    if project.conn is None:
        raise ProjectError(f"{project.path}: the project is closed")
    return project.conn


def stats(project: Checked) -> dict[str, Any]:
    conn = _open(project)

    def one(sql: str) -> int:
        return int(conn.execute(sql).fetchone()[0])
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


def _undecodable(conn: sqlite3.Connection) -> list[str]:
    """Every text value SQLite holds that is not UTF-8 (Python cannot read it), by table, column
    and row; read as bytes, so nothing here fails on what it reports."""
    problems: list[str] = []
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
    for table in tables:
        columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
        for column in columns:
            rows = conn.execute(f'SELECT rowid, CAST("{column}" AS BLOB) FROM "{table}" '
                                f'WHERE typeof("{column}") = \'text\'')
            for rowid, raw in rows:
                try:
                    raw.decode("utf-8")
                except UnicodeDecodeError as e:
                    problems.append(f"undecodable text: {table}.{column} row {rowid}: byte {e.start} is not UTF-8")
                    if len(problems) >= 50:
                        return problems
    return problems


def check(project: Checked) -> list[str]:
    """Problems found (empty when the project is sound): SQLite integrity, foreign keys, schema
    version, text SQLite holds but cannot be read as UTF-8, and every span consistent with its
    document's text. Damage is reported in this list, never raised."""
    conn = _open(project)
    problems: list[str] = []
    try:
        res = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as e:
        return [f"damaged: the database is malformed ({e}); restore a backup copy, or recover what SQLite "
                f"can read with: sqlite3 {project.path} .recover"]
    if res != ["ok"]:
        problems.extend(f"integrity: {r}" for r in res[:20])
    try:
        problems.extend(_undecodable(conn))
    except sqlite3.DatabaseError as e:
        problems.append(f"damaged: the database is malformed ({e})")
    if problems:   # the checks below read the text: they would stop at the first damaged row
        return problems
    try:
        problems.extend(_consistency(project, conn))
    except (sqlite3.DatabaseError, UnicodeDecodeError) as e:
        problems.append(f"damaged: {e}")
    except IsfError as e:   # e.g. a stored scheme that no longer reads
        problems.append(str(e))
    return problems


def _consistency(project: Checked, conn: sqlite3.Connection) -> list[str]:
    problems: list[str] = []
    for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check").fetchall()[:20]:
        problems.append(f"foreign key: {table} row {rowid} points at a missing {parent}")
    if project.schema_version != schema.SCHEMA_VERSION:
        problems.append(f"schema version {project.schema_version}, expected {schema.SCHEMA_VERSION}")
    from ..textclean import sha256_text
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
