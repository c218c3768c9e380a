import hashlib
import shutil
import sqlite3

import pytest
import sqlite_utils

from isfannotate import Project
from isfannotate.errors import ProjectError
from isfannotate.store.schema import SCHEMA_VERSION, migration_set


def test_connection_settings(new_project):
    p = new_project()
    assert p.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert p.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert p.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert p.schema_version == SCHEMA_VERSION


def test_close_checkpoints_into_one_file(tmp_path, seeds_dir):
    p = Project.create(tmp_path / "a.isf")
    p.import_paths(sorted(seeds_dir.glob("*.txt")))
    doc = p.documents()[0]
    p.annotate(doc.id, "alice", 0, 5, "ACTOR")
    p.close()
    wal = tmp_path / "a.isf-wal"
    assert not wal.exists() or wal.stat().st_size == 0
    # the main file alone holds everything
    shutil.copy(tmp_path / "a.isf", tmp_path / "copy.isf")
    with Project.open(tmp_path / "copy.isf") as q:
        assert len(q.spans(doc.id, "alice")) == 1


def test_copy_to_writes_a_self_contained_file(seeded, tmp_path):
    doc = seeded.documents()[0]
    seeded.annotate(doc.id, "alice", 0, 5, "ACTOR")
    seeded.copy_to(tmp_path / "handoff.isf")
    with Project.open(tmp_path / "handoff.isf") as q:
        assert len(q.spans(doc.id, "alice")) == 1


def test_migration_from_older_schema_keeps_data_and_backs_up(tmp_path):
    path = tmp_path / "old.isf"
    db = sqlite_utils.Database(path)
    migration_set().apply(db, stop_before="m002_suggestions_and_notes")
    db.execute("INSERT INTO project_info VALUES ('scheme', ?)",
               ['{"span_labels": [{"name": "ACTOR", "role": "actor"}]}'])
    db.execute("INSERT INTO documents (id, seq, text, sha256, meta, imported_at) VALUES "
               "('d1', 1, 'Munir said so.', 'x', '{}', 't')")
    db.execute("INSERT INTO spans (id, document_id, layer, start, \"end\", label, attrs, author, created_at) "
               "VALUES ('s1', 'd1', 'alice', 0, 5, 'ACTOR', '{}', 'alice', 't')")
    db.conn.commit()
    db.close()
    with Project.open(path) as p:
        assert p.schema_version == SCHEMA_VERSION
        assert [(s.id, s.start, s.end) for s in p.spans("d1", "alice")] == [("s1", 0, 5)]
        assert "suggestion_decisions" in p.db.table_names()
    backup = tmp_path / "old.isf.v1.bak"
    assert backup.exists()
    old = sqlite3.connect(backup)
    assert "suggestion_decisions" not in [r[0] for r in old.execute("SELECT name FROM sqlite_master")]
    old.close()


def test_newer_schema_is_refused(tmp_path):
    p = Project.create(tmp_path / "new.isf")
    p.conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                   "VALUES ('isfannotate', 'm999_future', 'x')")
    p.close()
    with pytest.raises(ProjectError, match="newer isfannotate"):
        Project.open(tmp_path / "new.isf")


def test_not_a_project_is_refused(tmp_path):
    (tmp_path / "notes.isf").write_text("hello", encoding="utf-8")
    with pytest.raises(ProjectError, match="not an SQLite file"):
        Project.open(tmp_path / "notes.isf")
    sqlite3.connect(tmp_path / "other.db").execute("CREATE TABLE x (a)").connection.close()
    with pytest.raises(ProjectError, match="no project tables"):
        Project.open(tmp_path / "other.db")
    with pytest.raises(ProjectError, match="no such project"):
        Project.open(tmp_path / "missing.isf")


def test_opening_an_up_to_date_project_does_not_load_sqlite_utils(tmp_path):
    """Start-up speed: sqlite-utils (and pandas, which it imports when installed) is only
    needed to create or upgrade a project."""
    import subprocess
    import sys
    Project.create(tmp_path / "fast.isf").close()
    code = ("import sys\nfrom isfannotate import Project\n"
            f"p = Project.open({str(tmp_path / 'fast.isf')!r}); p.document_count(); p.close()\n"
            "assert 'sqlite_utils' not in sys.modules and 'pandas' not in sys.modules, 'loaded'")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_sqlite_utils_is_imported_without_pandas_and_numpy(tmp_path):
    """sqlite-utils imports pandas and numpy whenever they are installed (0.37 s), only to accept
    their values, which we never pass: they stay unloaded, and importable afterwards."""
    import subprocess
    import sys
    code = ("import sys\nfrom isfannotate.store import schema\n"
            "su = schema.sqlite_utils_module()\n"
            "assert 'pandas' not in sys.modules and 'numpy' not in sys.modules, 'loaded'\n"
            f"from isfannotate import Project\nProject.create({str(tmp_path / 'new.isf')!r}).close()\n"
            "assert 'pandas' not in sys.modules, 'loaded by create'\n"
            "import importlib.util\n"
            "if importlib.util.find_spec('numpy'):\n    import numpy\n    assert numpy.zeros(2).sum() == 0\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_every_column_that_refers_to_a_span_is_indexed(new_project):
    """Deleting a span makes SQLite look up the rows still referring to it; a column without an
    index made every deleted span scan its table (a merge replacing 15,000 spans: 18.8 s)."""
    conn = new_project().conn
    refs = [(t, fk["from"]) for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            for fk in (dict(zip(("id", "seq", "table", "from", "to"), r[:5], strict=True))
                       for r in conn.execute("SELECT * FROM pragma_foreign_key_list(?)", (t,)))
            if fk["table"] in ("spans", "stances")]
    assert ("claims", "source_span") in refs and ("stance_evidence", "span_id") in refs
    for table, column in refs:
        leading = {r[0] for (name,) in conn.execute("SELECT name FROM pragma_index_list(?)", (table,))
                   for r in conn.execute("SELECT name FROM pragma_index_info(?) WHERE seqno = 0", (name,))}
        assert column in leading, f"{table}.{column} refers to a span or stance and has no index"
        plan = " ".join(r[3] for r in conn.execute(f'EXPLAIN QUERY PLAN SELECT 1 FROM {table} WHERE "{column}" = ?',
                                                    ("x",)))
        assert "USING" in plan and "SCAN" not in plan, (table, column, plan)


def test_a_version_7_file_loses_only_the_unused_notes_table_on_its_first_writable_open(tmp_path):
    """Migration 8 (issue 21) drops ``notes``, which nothing wrote or read; a v7 file upgrades
    after its backup copy, with its work intact; a read-only open asks for a writable one first."""
    path = tmp_path / "v7.isf"
    db = sqlite_utils.Database(path)
    migration_set().apply(db, stop_before="m008_drop_notes")
    db.execute("PRAGMA user_version=7")
    db.execute("INSERT INTO project_info VALUES ('scheme', ?)",
               ['{"span_labels": [{"name": "ACTOR", "role": "actor"}]}'])
    db.execute("INSERT INTO documents (id, seq, text, sha256, meta, imported_at) VALUES "
               "('d1', 1, 'Munir said so.', ?, '{}', 't')", [hashlib.sha256(b"Munir said so.").hexdigest()])
    db.execute("INSERT INTO spans (id, document_id, layer, start, \"end\", label, attrs, author, created_at) "
               "VALUES ('s1', 'd1', 'alice', 0, 5, 'ACTOR', '{}', 'alice', 't')")
    db.conn.commit()
    db.close()
    before = path.read_bytes()
    with pytest.raises(ProjectError, match="open it once"):
        Project.open(path, read_only=True)
    assert path.read_bytes() == before   # a refusal leaves the file byte-identical (not even switched to WAL)
    with Project.open(path) as p:
        assert p.schema_version == SCHEMA_VERSION == 9
        assert "notes" not in p.db.table_names()
        with p.snapshot() as conn:   # migration 9: the journal starts with every layer's documents
            assert conn.execute("SELECT layer, document_id FROM change_journal").fetchall() == [("alice", "d1")]
        assert [(s.id, s.start, s.end) for s in p.spans("d1", "alice")] == [("s1", 0, 5)]
        assert p.check() == []
    backup = sqlite3.connect(tmp_path / "v7.isf.v7.bak")
    assert "notes" in [r[0] for r in backup.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    backup.close()
    with Project.open(path, read_only=True) as p:   # upgraded: now it opens read-only too
        assert p.schema_version == SCHEMA_VERSION
