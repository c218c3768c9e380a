"""SQLite storage: one project = one file. Tables are defined only in the numbered migrations here.

Connection settings (DESIGN.md invariant 3): WAL, synchronous=FULL, foreign keys on; our own
code controls transactions (``isolation_level=None``; actions use ``BEGIN IMMEDIATE``).
"""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ProjectError

if TYPE_CHECKING:
    import sqlite_utils

MIGRATION_SET = "isfannotate"
MIGRATIONS_TABLE = "_sqlite_migrations"   # sqlite-utils' own table of applied migrations


def m001_initial(db: "sqlite_utils.Database") -> None:
    db.executescript(
        """
        CREATE TABLE project_info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE documents (
            id TEXT PRIMARY KEY,
            seq INTEGER NOT NULL UNIQUE,
            text TEXT NOT NULL,
            sha256 TEXT NOT NULL UNIQUE,
            meta TEXT NOT NULL DEFAULT '{}',
            near_dup_group TEXT,
            imported_at TEXT NOT NULL
        );
        CREATE TABLE annotators (name TEXT PRIMARY KEY, created_at TEXT NOT NULL);
        CREATE TABLE actors (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            type TEXT NOT NULL,
            aliases TEXT NOT NULL DEFAULT '[]',
            external_id TEXT,
            note TEXT NOT NULL DEFAULT '',
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE targets (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE registry_log (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            author TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('actor', 'target')),
            entity_id TEXT NOT NULL,
            op TEXT NOT NULL,
            before TEXT,
            after TEXT
        );
        CREATE TABLE spans (
            id TEXT PRIMARY KEY,
            document_id TEXT NOT NULL REFERENCES documents(id),
            layer TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            label TEXT NOT NULL,
            actor_id TEXT REFERENCES actors(id),
            attrs TEXT NOT NULL DEFAULT '{}',
            author TEXT NOT NULL,
            created_at TEXT NOT NULL,
            CHECK (start >= 0 AND "end" > start)
        );
        CREATE INDEX spans_doc_layer ON spans(document_id, layer, start);
        CREATE INDEX spans_actor ON spans(actor_id);
        CREATE TABLE claims (
            span_id TEXT PRIMARY KEY REFERENCES spans(id) ON DELETE CASCADE,
            source_kind TEXT CHECK (source_kind IN ('actor', 'article')),
            source_actor TEXT REFERENCES actors(id),
            source_span TEXT REFERENCES spans(id) ON DELETE SET NULL,
            cue_span TEXT REFERENCES spans(id) ON DELETE SET NULL,
            quote TEXT CHECK (quote IN ('direct', 'reported'))
        );
        CREATE TABLE stances (
            id TEXT PRIMARY KEY,
            document_id TEXT NOT NULL REFERENCES documents(id),
            layer TEXT NOT NULL,
            holder TEXT REFERENCES actors(id),
            target TEXT REFERENCES targets(id),
            polarity TEXT NOT NULL,
            conditions TEXT,
            author TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX stances_doc_layer ON stances(document_id, layer);
        CREATE TABLE stance_evidence (
            stance_id TEXT NOT NULL REFERENCES stances(id) ON DELETE CASCADE,
            span_id TEXT NOT NULL REFERENCES spans(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            PRIMARY KEY (stance_id, span_id)
        );
        CREATE TABLE relations (
            id TEXT PRIMARY KEY,
            document_id TEXT NOT NULL REFERENCES documents(id),
            layer TEXT NOT NULL,
            head TEXT NOT NULL REFERENCES spans(id) ON DELETE CASCADE,
            tail TEXT NOT NULL REFERENCES spans(id) ON DELETE CASCADE,
            label TEXT NOT NULL
        );
        CREATE INDEX relations_doc_layer ON relations(document_id, layer);
        CREATE TABLE doc_status (
            document_id TEXT NOT NULL REFERENCES documents(id),
            layer TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('new', 'in_progress', 'done')),
            reason TEXT,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (document_id, layer)
        );
        CREATE TABLE doc_labels (
            document_id TEXT NOT NULL REFERENCES documents(id),
            layer TEXT NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (document_id, layer, key)
        );
        CREATE TABLE provenance (
            item_id TEXT PRIMARY KEY,
            document_id TEXT NOT NULL REFERENCES documents(id),
            data TEXT NOT NULL
        );
        """
    )


def m002_suggestions_and_notes(db: "sqlite_utils.Database") -> None:
    """Decisions on registry suggestions (accepted ones become spans; rejected ones are remembered
    so they are not offered again) and free-text notes on documents."""
    db.executescript(
        """
        CREATE TABLE suggestion_decisions (
            document_id TEXT NOT NULL REFERENCES documents(id),
            layer TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            actor_id TEXT NOT NULL,
            decision TEXT NOT NULL CHECK (decision IN ('rejected')),
            PRIMARY KEY (document_id, layer, start, "end", actor_id)
        );
        CREATE TABLE notes (
            document_id TEXT NOT NULL REFERENCES documents(id),
            layer TEXT NOT NULL,
            text TEXT NOT NULL,
            PRIMARY KEY (document_id, layer)
        );
        """
    )


def m003_near_duplicate_index(db: "sqlite_utils.Database") -> None:
    """The near-duplicate group is stored after the text, so reading it from every row walks every
    text's overflow pages (50 MB for 10,000 articles). A partial index answers "which documents
    are in a group" without touching the texts (import, the document list, stats)."""
    db.execute("CREATE INDEX documents_near_dup ON documents(near_dup_group) WHERE near_dup_group IS NOT NULL")


# The numbered migrations, in order: the only place tables are defined. Append; never edit one
# that has shipped.
MIGRATIONS = [m001_initial, m002_suggestions_and_notes, m003_near_duplicate_index]
SCHEMA_VERSION = len(MIGRATIONS)


def migration_set():
    """The sqlite-utils ``Migrations`` of MIGRATIONS. Built on demand: importing sqlite-utils
    (which imports pandas when it is installed) is kept off the path of opening an up-to-date
    project, so the app starts fast."""
    from sqlite_utils.migrations import Migrations
    m = Migrations(MIGRATION_SET)
    for fn in MIGRATIONS:
        m()(fn)
    return m


def connect(path: str | Path) -> sqlite3.Connection:
    """Open a connection with the project's settings. Any thread may call this; a connection
    belongs to the thread that opened it."""
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=True, timeout=10)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=10000")
    return conn


def _applied(conn: sqlite3.Connection) -> list[str]:
    """Names of the applied migrations of our set, in order (plain SQL: no sqlite-utils needed)."""
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (MIGRATIONS_TABLE,)).fetchone():
        return []
    return [r[0] for r in conn.execute(f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set=? ORDER BY rowid",
                                       (MIGRATION_SET,))]


def open_database(path: str | Path, *, create: bool) -> sqlite3.Connection:
    """Open (or create) a project file, upgrading its schema after a backup copy.

    Raises ProjectError for a missing file (when not creating), a file that is not a project,
    or a project written by a newer isfannotate."""
    path = Path(path)
    exists = path.exists() and path.stat().st_size > 0
    if not exists and not create:
        raise ProjectError(f"{path}: no such project (create one with: isfannotate init {path})")
    if exists and create:
        raise ProjectError(f"{path}: already exists; open it instead of creating it")
    if exists:
        with open(path, "rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                raise ProjectError(f"{path}: not an isfannotate project (not an SQLite file)")
    conn = connect(path)
    try:
        if exists:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if "documents" not in tables or MIGRATIONS_TABLE not in tables:
                raise ProjectError(f"{path}: not an isfannotate project (no project tables)")
            applied = _applied(conn)
            known = [fn.__name__ for fn in MIGRATIONS]
            unknown = [n for n in applied if n not in known]
            if unknown:
                raise ProjectError(
                    f"{path}: written by a newer isfannotate (schema {len(applied)}, this version "
                    f"knows {SCHEMA_VERSION}); upgrade isfannotate to open it")
            if applied == known:
                return conn
            backup = path.with_name(f"{path.name}.v{len(applied)}.bak")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            shutil.copy2(path, backup)
        import sqlite_utils
        migration_set().apply(sqlite_utils.Database(conn))
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
    except BaseException:
        conn.close()
        raise
    return conn


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def close(conn: sqlite3.Connection) -> None:
    """Checkpoint the WAL into the main file, so a closed project is one self-contained file."""
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
