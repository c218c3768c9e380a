"""The shape of a project file: tables are defined only in the numbered migrations here.

Opening, owning and closing the file is ``store.connection``; this module only says what the
tables are and how a file of an older version is brought up to date.
"""
from __future__ import annotations

import functools
import sqlite3
import sys
from typing import Any, Protocol


class MigrationDb(Protocol):
    """What a migration uses of its database: sqlite-utils' ``Database`` when a project is created
    or upgraded, a plain connection's wrapper when the reference schema is built."""

    def execute(self, sql: str, parameters: Any = ...) -> Any: ...
    def executescript(self, sql: str) -> Any: ...

MIGRATION_SET = "isfannotate"
MIGRATIONS_TABLE = "_sqlite_migrations"   # sqlite-utils' own table of applied migrations


def m001_initial(db: MigrationDb) -> None:
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


def m002_suggestions_and_notes(db: MigrationDb) -> None:
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


def m003_near_duplicate_index(db: MigrationDb) -> None:
    """The near-duplicate group is stored after the text, so reading it from every row walks every
    text's overflow pages (50 MB for 10,000 articles). A partial index answers "which documents
    are in a group" without touching the texts (import, the document list, stats)."""
    db.execute("CREATE INDEX documents_near_dup ON documents(near_dup_group) WHERE near_dup_group IS NOT NULL")


def m004_team(db: MigrationDb) -> None:
    """The lead's team work: which annotator gets which document, how a merged annotator file's
    registry entries map to the project's and what each document's merged layer held (so
    merging again changes nothing), and the registry conflicts a merge found for the lead."""
    db.executescript(
        """
        CREATE TABLE assignments (
            document_id TEXT NOT NULL REFERENCES documents(id),
            annotator TEXT NOT NULL,
            assigned_at TEXT NOT NULL,
            PRIMARY KEY (document_id, annotator)
        );
        CREATE INDEX assignments_annotator ON assignments(annotator);
        CREATE TABLE merge_ids (
            annotator TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('actor', 'target')),
            file_id TEXT NOT NULL,
            project_id TEXT NOT NULL,
            PRIMARY KEY (annotator, kind, file_id)
        );
        CREATE TABLE merge_digests (
            annotator TEXT NOT NULL,
            document_id TEXT NOT NULL REFERENCES documents(id),
            digest TEXT NOT NULL,
            PRIMARY KEY (annotator, document_id)
        );
        CREATE TABLE merge_conflicts (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('actor', 'target')),
            entity_id TEXT NOT NULL,
            annotator TEXT NOT NULL,
            source TEXT NOT NULL,
            field TEXT NOT NULL,
            project_value TEXT,
            file_value TEXT,
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'kept', 'taken')),
            created_at TEXT NOT NULL,
            UNIQUE (kind, entity_id, annotator, field, file_value)
        );
        """
    )


def m005_review(db: MigrationDb) -> None:
    """Adjudication: the lead's decision on each aligned unit (what went into gold, by whom,
    when, with a note), worked examples for the guidelines (kept apart from the scheme and
    shown as plain text), and a per-document cache of the review counts that every action on
    the document drops (so the queue of 10,000 documents opens at once)."""
    db.executescript(
        """
        CREATE TABLE decisions (
            unit_key TEXT PRIMARY KEY,
            document_id TEXT NOT NULL REFERENCES documents(id),
            kind TEXT NOT NULL CHECK (kind IN ('span', 'claim', 'stance', 'doc_label')),
            decision TEXT NOT NULL CHECK (decision IN ('accepted', 'rejected')),
            version TEXT,
            chosen TEXT,
            gold_items TEXT NOT NULL DEFAULT '[]',
            note TEXT NOT NULL DEFAULT '',
            decided_by TEXT NOT NULL,
            decided_at TEXT NOT NULL
        );
        CREATE INDEX decisions_doc ON decisions(document_id);
        CREATE TABLE guideline_examples (
            id TEXT PRIMARY KEY,
            label TEXT NOT NULL,
            document_id TEXT,
            text TEXT NOT NULL,
            versions TEXT NOT NULL,
            decision TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE review_cache (
            document_id TEXT PRIMARY KEY REFERENCES documents(id),
            units INTEGER NOT NULL,
            decided INTEGER NOT NULL,
            open_disagreements INTEGER NOT NULL
        );
        """
    )


def m006_span_reference_indexes(db: MigrationDb) -> None:
    """Indexes on the columns that refer to a span. Deleting a span makes SQLite look for rows
    that still refer to it (the foreign keys); without these, each deleted span scanned the
    claims, the evidence and the relations whole: replacing a tenth of three annotators'
    150,000 spans in a merge took 18.8 s."""
    db.executescript(
        """
        CREATE INDEX claims_source_span ON claims(source_span) WHERE source_span IS NOT NULL;
        CREATE INDEX claims_cue_span ON claims(cue_span) WHERE cue_span IS NOT NULL;
        CREATE INDEX stance_evidence_span ON stance_evidence(span_id);
        CREATE INDEX relations_head ON relations(head);
        CREATE INDEX relations_tail ON relations(tail);
        """
    )


def m007_suggestion_models(db: MigrationDb) -> None:
    """Suggestions learned from gold (issue 22): the trained models, versioned (``blob``: a tar of
    spaCy's ``to_disk`` output; at most one ``enabled``), and the log of every accept, reject and
    correction of a model's suggestion (``suggest stats`` reads it; a logged rejection keeps that
    suggestion away for that text in that document)."""
    db.executescript(
        """
        CREATE TABLE models (
            version INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL,
            layer TEXT NOT NULL,
            include_layers TEXT NOT NULL DEFAULT '[]',
            n_documents INTEGER NOT NULL,
            labels TEXT NOT NULL DEFAULT '[]',
            metrics TEXT NOT NULL DEFAULT '{}',
            enabled INTEGER NOT NULL DEFAULT 0 CHECK (enabled IN (0, 1)),
            blob BLOB NOT NULL
        );
        CREATE TABLE suggestion_log (
            id TEXT PRIMARY KEY,
            document_id TEXT NOT NULL REFERENCES documents(id),
            layer TEXT NOT NULL,
            model_version INTEGER,
            kind TEXT NOT NULL CHECK (kind IN ('span', 'claim', 'stance')),
            label TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            score REAL,
            decision TEXT NOT NULL CHECK (decision IN ('accept', 'reject', 'correct')),
            corrected_start INTEGER,
            corrected_end INTEGER,
            corrected_label TEXT,
            at TEXT NOT NULL
        );
        CREATE INDEX suggestion_log_doc ON suggestion_log(document_id, layer);
        """
    )


def m008_drop_notes(db: MigrationDb) -> None:
    """The ``notes`` table of m002 (free text per document and layer) was never written or read:
    adjudication notes live in ``decisions``. Dropped (issue 21); a file that still has it is
    upgraded like any older file, after the backup copy."""
    db.execute("DROP TABLE IF EXISTS notes")


def m009_change_journal(db: MigrationDb) -> None:
    """The change journal (store/journal.py): per (layer, document), the seq of the last change,
    written with every action, undo and redo; the team database's push reads it. A file of an
    older version starts with a row for every annotator's (and gold's) layer and every document,
    so its first push compares them all (the digest) and keeps its own work over the server's."""
    db.executescript(
        """
        CREATE TABLE change_journal (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            layer TEXT NOT NULL,
            document_id TEXT NOT NULL,
            UNIQUE (layer, document_id)
        );
        INSERT INTO change_journal (layer, document_id)
            SELECT l.layer, d.id FROM (SELECT name AS layer FROM annotators UNION SELECT layer FROM spans
                UNION SELECT layer FROM stances UNION SELECT layer FROM doc_status UNION SELECT layer FROM doc_labels
                UNION SELECT layer FROM relations) l, documents d ORDER BY l.layer, d.seq;
        """
    )


# The numbered migrations, in order: the only place tables are defined. Append; never edit one
# that has shipped.
MIGRATIONS = [m001_initial, m002_suggestions_and_notes, m003_near_duplicate_index, m004_team, m005_review,
              m006_span_reference_indexes, m007_suggestion_models, m008_drop_notes, m009_change_journal]
SCHEMA_VERSION = len(MIGRATIONS)


def sqlite_utils_module() -> Any:
    """``sqlite_utils``, imported without pandas and numpy. sqlite-utils imports both whenever
    they are installed (the ``ml`` extra brings them), only to accept their values in inserts,
    which we never pass; that import measured 0.37 s, paid by the first project created,
    migrated or merged in a process. Those of the two not already loaded are hidden during the
    import (and importable again right after)."""
    if "sqlite_utils" in sys.modules:
        return sys.modules["sqlite_utils"]
    hidden = [name for name in ("pandas", "numpy") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None    # type: ignore[assignment]  # makes "import <name>" fail at once
    try:
        import sqlite_utils
    finally:
        for name in hidden:
            del sys.modules[name]
    return sqlite_utils


def migration_set() -> Any:
    """The sqlite-utils ``Migrations`` of MIGRATIONS. Built on demand: importing sqlite-utils
    is kept off the path of opening an up-to-date project, so the app starts fast."""
    Migrations = sqlite_utils_module().migrations.Migrations  # noqa: N806
    m = Migrations(MIGRATION_SET)
    for fn in MIGRATIONS:
        m()(fn)
    return m


def applied(conn: sqlite3.Connection) -> list[str]:
    """Names of the applied migrations of our set, in order (plain SQL: no sqlite-utils needed)."""
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (MIGRATIONS_TABLE,)).fetchone():
        return []
    return [r[0] for r in conn.execute(f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set=? ORDER BY rowid",
                                       (MIGRATION_SET,))]


def migrate(conn: sqlite3.Connection) -> None:
    """Apply the migrations that *conn*'s file lacks and record the schema version."""
    migration_set().apply(sqlite_utils_module().Database(conn))
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


# sqlite-utils' table of applied migrations, as its Migrations create it (a test compares the
# reference built here with one built by sqlite-utils itself)
_MIGRATIONS_SQL = (
    'CREATE TABLE "_sqlite_migrations" (\n   "id" INTEGER PRIMARY KEY,\n   "migration_set" TEXT,\n'
    '   "name" TEXT,\n   "applied_at" TEXT\n)',
    'CREATE UNIQUE INDEX "idx__sqlite_migrations_migration_set_name"\n    ON "_sqlite_migrations" '
    '("migration_set", "name")')


class _PlainDatabase:
    """What our migrations use of a ``sqlite_utils.Database``: ``execute`` and ``executescript``."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def execute(self, sql: str, parameters: Any = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, parameters)

    def executescript(self, sql: str) -> sqlite3.Cursor:
        return self.conn.executescript(sql)


@functools.lru_cache(maxsize=1)
def reference_schema() -> frozenset[tuple[str, str, str]]:
    """(type, name, sql) of every table and index a project of this version has (built once),
    from the migrations run on a plain in-memory connection: importing sqlite-utils for it cost
    a merge in a new process about 0.2-0.3 s (issue 21)."""
    conn = sqlite3.connect(":memory:")
    try:
        for sql in _MIGRATIONS_SQL:
            conn.execute(sql)
        db = _PlainDatabase(conn)
        for migration in MIGRATIONS:
            migration(db)
        return frozenset(tuple(r) for r in conn.execute("SELECT type, name, sql FROM sqlite_master "
                                                        "WHERE sql IS NOT NULL"))
    finally:
        conn.close()


def reference_schema_by_sqlite_utils() -> frozenset[tuple[str, str, str]]:
    """The same, built the way a project is created (sqlite-utils' Migrations): for the test."""
    conn = sqlite3.connect(":memory:")
    try:
        migration_set().apply(sqlite_utils_module().Database(conn))
        return frozenset(tuple(r) for r in conn.execute("SELECT type, name, sql FROM sqlite_master "
                                                        "WHERE sql IS NOT NULL"))
    finally:
        conn.close()
