"""docs/team-database.md's set-up and backup recipes, run against the real server: a lead who is
no superuser (a login with CREATEROLE that owns the team's database) creates the team, annotators
sync; ``pg_dump --enable-row-security`` as the lead (plain pg_dump is stopped by the forced
row-level security), the database dropped and restored with ``pg_restore`` and the database's
rights put back; the desktops' next syncs bring the server up to date, and a removed annotator is
refused in one line."""
from __future__ import annotations

import subprocess

import psycopg
import pytest

from isfannotate import Project

LEAD = "anna_lead"
ALICE_PW = "alice-secret-pw"      # the session's alice (tests/teamdb/conftest.py keeps the same one)


def spans_on_server(dsn: str, layer: str) -> list[tuple]:
    with psycopg.connect(dsn) as conn:
        return sorted(tuple(r) for r in conn.execute(
            'SELECT id, document_id, start, "end", label FROM spans WHERE layer=%s', (layer,)))


def spans_here(p, layer: str) -> list[tuple]:
    with p.snapshot() as conn:
        return sorted(conn.execute('SELECT id, document_id, start, "end", label FROM spans WHERE layer=?',
                                   (layer,)).fetchall())


def annotate(p, doc_id: str, phrase: str) -> None:
    text = p.document(doc_id).text
    i = text.index(phrase)
    p.annotate(doc_id, "alice", i, i + len(phrase), "ACTOR")


def test_a_lead_without_superuser_backs_up_and_restores_the_team(pg_server, team_db, seeded, tmp_path):
    from isfannotate import teamdb

    super_dsn = team_db
    dbname = super_dsn.rsplit("/", 1)[1] + "_team"
    with psycopg.connect(pg_server.dsn(), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (LEAD,)).fetchone() is None:
            conn.execute(f"CREATE ROLE {LEAD} LOGIN CREATEROLE PASSWORD 'anna-lead-pw'")
            pg_server.add_password(LEAD, "anna-lead-pw")
        conn.execute(f'CREATE DATABASE "{dbname}" OWNER {LEAD}')
        conn.execute(f"GRANT pg_signal_backend TO {LEAD}")
    lead_dsn = pg_server.dsn(dbname, user=LEAD)
    seeded.assign([d.id for d in seeded.documents()], ["alice"])
    teamdb.create_team(lead_dsn, seeded)
    teamdb.add_annotator(lead_dsn, "alice", password=ALICE_PW)
    if "alice" not in pg_server.known:
        pg_server.add_password("alice", ALICE_PW)
        pg_server.known.add("alice")
    alice = Project.open(teamdb.join(lead_dsn, tmp_path / "alice.isf", annotator="alice"))
    try:
        docs = [d.id for d in alice.documents()]
        annotate(alice, docs[4], "Marco Rubio")
        teamdb.sync(alice)
        teamdb.sync(seeded)

        dump = tmp_path / "team.dump"
        conninfo = f"host={pg_server.host} port={pg_server.port} dbname={dbname} user={LEAD}"
        plain = subprocess.run([str(pg_server.bindir / "pg_dump"), "--format=custom", f"--file={dump}", conninfo],
                               capture_output=True, text=True, timeout=120)
        assert plain.returncode != 0 and "row-level security" in plain.stderr
        done = subprocess.run([str(pg_server.bindir / "pg_dump"), "--format=custom", "--enable-row-security",
                               f"--file={dump}", conninfo], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        before = spans_on_server(lead_dsn, "alice")

        annotate(alice, docs[4], "Pakistan")            # after the dump: the restored server lacks it
        teamdb.sync(alice)
        with psycopg.connect(pg_server.dsn(), autocommit=True) as conn:   # the server's disk is lost
            conn.execute(f'DROP DATABASE "{dbname}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{dbname}" OWNER {LEAD}')
        restored = subprocess.run([str(pg_server.bindir / "pg_restore"), "--no-owner", "--exit-on-error",
                                   f"--dbname={conninfo}", str(dump)], capture_output=True, text=True, timeout=120)
        assert restored.returncode == 0, restored.stderr
        with psycopg.connect(lead_dsn, autocommit=True) as conn:
            conn.execute(f'REVOKE ALL ON DATABASE "{dbname}" FROM PUBLIC')
            conn.execute(f'GRANT CONNECT, TEMPORARY ON DATABASE "{dbname}" TO isf_{dbname}_lead, '
                         f'isf_{dbname}_annotators')
        assert spans_on_server(lead_dsn, "alice") == before != spans_here(alice, "alice")

        report = teamdb.sync(alice)                     # the desktop brings the server up to date
        assert report.pushed_documents == 1
        assert spans_on_server(lead_dsn, "alice") == spans_here(alice, "alice")
        assert len(teamdb.sync(seeded).merged) == 1
        assert spans_here(seeded, "alice") == spans_here(alice, "alice")

        teamdb.remove_annotator(lead_dsn, "alice")       # the database's rights hold again
        with pytest.raises(teamdb.TeamDbError) as e:
            teamdb.sync(alice)
        assert "\n" not in str(e.value) and "ask the lead" in str(e.value)
    finally:
        alice.close()
