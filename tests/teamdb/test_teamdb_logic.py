"""The team database's logic without a server: addresses kept without passwords, the SCRAM
verifier, what a push sends, the server schema's security on every table, the one-line faults,
and psycopg confined to ``isfannotate/teamdb``."""
from __future__ import annotations

import ast
import base64
import hashlib
import hmac
import importlib
import pkgutil
from pathlib import Path

import pytest

import isfannotate.teamdb as teamdb
from isfannotate.store.server.rows import to_push
from isfannotate.store.teamsync import EMPTY_DIGEST, LAYER_TABLES, digest
from isfannotate.teamdb.connect import TeamDbError, describe, explain, parse_dsn, strip_password, with_user

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("dsn, stored", [
    ("postgresql://ann:s3cret@db.example.org:6432/team?sslmode=verify-full",
     "postgresql://ann@db.example.org:6432/team?sslmode=verify-full"),
    ("postgresql://ann@db.example.org/team", "postgresql://ann@db.example.org/team"),
    ("host=db port=5432 dbname=team user=ann password='it''s'", "host=db port=5432 dbname=team user=ann"),
    ("service=team", "service=team"),
])
def test_a_stored_address_has_no_password(dsn, stored):
    assert strip_password(dsn) == stored
    assert "password" not in parse_dsn(strip_password(dsn))


def test_addresses_as_people_read_them():
    assert describe("postgresql://ann:pw@db:6432/team") == "ann@db:6432/team"
    assert describe("service=team user=ann") == "ann@service team"
    assert parse_dsn(with_user("postgresql://lead:pw@db/team", "José Díaz")) == {
        "host": "db", "dbname": "team", "user": "José Díaz"}
    with pytest.raises(TeamDbError, match="not a PostgreSQL address"):
        parse_dsn("db.example.org")


def test_the_scram_verifier_is_the_one_postgresql_computes():
    """RFC 7677's way, checked independently: a client proof made from the password verifies
    against the stored key, and the format is PostgreSQL's."""
    from isfannotate.teamdb.admin import scram_verifier
    salt = b"0123456789abcdef"
    v = scram_verifier("pencil", salt=salt)
    head, keys = v.split("$", 1)[1].split("$")
    assert v.startswith("SCRAM-SHA-256$4096:") and base64.b64decode(head.split(":")[1]) == salt
    stored, server = (base64.b64decode(k) for k in keys.split(":"))
    salted = hashlib.pbkdf2_hmac("sha256", b"pencil", salt, 4096)
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    assert hashlib.sha256(client_key).digest() == stored
    assert hmac.new(salted, b"Server Key", "sha256").digest() == server
    assert scram_verifier("pencil") != scram_verifier("pencil")   # a new salt each time


def test_a_push_sends_exactly_the_documents_that_differ():
    rows_a = {"spans": [("s1", "d1", "alice", 0, 5, "ACTOR", None, "{}", "alice", "t")]}
    local = {"d1": rows_a, "d2": {"spans": []}}
    assert [d for d, _ in to_push(local, {})] == ["d1"]                      # d2 holds nothing: nothing to send
    assert to_push(local, {"d1": digest(rows_a)}) == []                     # acknowledged: nothing
    assert [d for d, _ in to_push(local, {"d1": "old"})] == ["d1"]          # changed since
    assert to_push({}, {"d3": digest(rows_a)}) == [("d3", EMPTY_DIGEST)]     # emptied: sent empty
    assert digest({"spans": [(1,), (2,)]}) == digest({"spans": [(2,), (1,)]})   # order-free


def test_every_server_table_is_under_forced_row_level_security():
    from isfannotate.store.server.schema import ddl
    statements = ddl("team")
    created = [s.split()[2].strip('"') for s in statements if s.startswith("CREATE TABLE")]
    for table in created:
        assert f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY' in statements
        assert f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY' in statements
    assert set(LAYER_TABLES) <= set(created)
    granted = [s for s in statements if s.startswith("GRANT") and '"isf_team_annotators"' in s]
    assert not any("decisions" in s or "provenance" in s for s in granted)   # the lead's alone


@pytest.mark.parametrize("message, expected", [
    ("connection failed: Connection refused", "cannot be reached"),
    ('FATAL:  password authentication failed for user "ann"', "password was refused"),
    ('FATAL:  permission denied for database "team"', "may no longer use the team database"),
    ("server closed the connection unexpectedly", "the connection was lost during the sync (the server stopped "
     "or the network dropped); what was sent before is kept on the server; sync again when it is back"),
    ("terminating connection due to administrator command", "the connection was lost during the sync"),
    ("consuming input failed: server closed the connection unexpectedly", "the connection was lost during the sync"),
])
def test_faults_are_one_line_naming_the_server(message, expected):
    e = explain(Exception(message + "\nDETAIL: more"), "postgresql://ann:pw@db:5432/team")
    assert expected in str(e) and "\n" not in str(e) and "ann@db:5432/team" in str(e) and ":pw" not in str(e)


def test_team_status_faults_say_what_to_run_again():
    e = explain(Exception("connection failed: Connection refused"), "postgresql://ann@db/team", "team status")
    assert str(e) == ("team database ann@db:5432/team: the server cannot be reached; check the network and that "
                      "PostgreSQL runs there, then run team status again")
    e = explain(Exception("server closed the connection unexpectedly"), "postgresql://ann@db/team", "team status")
    assert "lost during the team status" in str(e) and "kept on the server" not in str(e)


def test_the_public_functions_stay_functions_after_every_module_is_loaded():
    for mod in pkgutil.iter_modules(teamdb.__path__):
        importlib.import_module(f"isfannotate.teamdb.{mod.name}")
    for name in teamdb.__all__:
        assert not hasattr(getattr(teamdb, name), "__path__") and not type(getattr(teamdb, name)).__name__ == "module"


def test_psycopg_is_imported_only_by_the_teamdb_package_and_it_touches_no_project_file():
    places, sqlite_in_teamdb = [], []
    for path in sorted((REPO / "isfannotate").rglob("*.py")) + sorted((REPO / "ui").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        if "psycopg" not in source and "sqlite" not in source:
            continue   # (parsing only the files that could hold such an import)
        tree = ast.parse(source)
        in_teamdb = "teamdb" in path.relative_to(REPO).parts[:2]
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for n in names:
                if n.split(".")[0] == "psycopg" and not in_teamdb:
                    places.append(f"{path}:{node.lineno}")
                if n.split(".")[0] in ("sqlite3", "sqlite_utils") and in_teamdb:
                    sqlite_in_teamdb.append(f"{path}:{node.lineno}")
    assert places == [] and sqlite_in_teamdb == []


def test_a_missing_team_extra_is_one_line(monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(TeamDbError, match=r"pip install 'isfannotate\[team\]'"):
        teamdb.status("postgresql://ann@db/team")


def test_the_layer_read_in_slices_is_the_layer_read_whole(seeded, annotate_three):
    """The push reads the layer a slice of documents per snapshot (a key press waits for one
    slice at most): the same rows as one read of the whole layer, claims and evidence included."""
    from isfannotate.store.teamsync import layer_rows, layer_rows_in_slices
    annotate_three(seeded)
    for d in [d.id for d in seeded.documents()][:3]:
        text = seeded.document(d).text
        seeded.annotate(d, "alice", 0, len(text.split()[0]), "ACTOR")
    with seeded.snapshot() as conn:
        whole = layer_rows(conn, "alice")
    assert set(whole) and {"spans", "claims", "stances", "stance_evidence"} <= {t for v in whole.values() for t in v}
    assert layer_rows_in_slices(seeded, "alice", size=1) == whole
    assert layer_rows_in_slices(seeded, "alice", size=2) == whole
