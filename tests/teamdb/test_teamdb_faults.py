"""Faults during a team sync, against a real PostgreSQL server (issue 23): the server stopped in
the middle of a sync (``pg_ctl stop -m immediate``), the connection cut (its backend terminated),
the app killed during a sync, the same sync run twice (again, and at the same time from a second
program), two annotators syncing at once. Each time: nothing lost, nothing doubled (the rows on
the server equal the working copy's), one clear line, and the next sync completes.

This module runs its own server (it is stopped and started again here, so the session's server
that other tests share is never touched). A sync is stopped at a chosen batch through its
progress callback (the job's own), never by sleeping: the push commits 250 documents per batch,
so the corpus has 300 short documents (two batches).
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from isfannotate import Project
from isfannotate.errors import IsfError

REPO = Path(__file__).resolve().parents[2]
DOCS = 300
WORDS = "Pakistan said the army would leave the valley before the talks in Islamabad".split()


# ----------------------------------------------------------------------------- the server
@pytest.fixture(scope="module")
def fault_server(pg_server):
    """A server of this module's own (the session's is left alone), with stop and restart."""
    import isf_tests_pgserver as pgserver

    class FaultServer(pgserver.PgServer):
        def kill(self) -> None:
            """``pg_ctl stop -m immediate``: every backend dies at once, as in a crash."""
            self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "immediate", "-w")

        def restart(self) -> None:
            opts = (f"-c listen_addresses={self.host} -p {self.port} -k {self.sockdir} -c fsync=off "
                    "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60")
            self._run("pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data), "-l", str(self.log), "-o", opts)

    server = FaultServer(pg_server.bindir).start()
    yield server
    server.stop()


@pytest.fixture
def team(fault_server, tmp_path, monkeypatch):
    """A team of 300 documents (all assigned to alice and bob) on the module's server; returns
    (dsn, lead project path, tmp)."""
    from isfannotate import teamdb

    monkeypatch.setenv("PGPASSFILE", str(fault_server.pgpass))
    for var in ("PGSERVICE", "PGSERVICEFILE", "PGUSER", "PGHOST", "PGPORT", "PGDATABASE", "PGPASSWORD"):
        monkeypatch.delenv(var, raising=False)
    dsn = fault_server.dsn(fault_server.create_database("fault"))
    docs = tmp_path / "docs.jsonl"
    with open(docs, "w", encoding="utf-8") as fh:
        for d in range(DOCS):
            fh.write(json.dumps({"id": f"d{d:03d}", "text": f"{d} " + " ".join(WORDS)}) + "\n")
    lead = tmp_path / "lead.isf"
    with Project.create(lead, registry=REPO / "seeds" / "registry.json") as p:
        p.import_paths([docs])
        p.assign([d.id for d in p.documents()], ["alice", "bob"])
        teamdb.create_team(dsn, p)
    for name in ("alice", "bob"):
        teamdb.add_annotator(dsn, name, password=f"{name}-fault-pw")
        if name not in fault_server.known:
            fault_server.add_password(name, f"{name}-fault-pw")
            fault_server.known.add(name)
    return dsn, lead, tmp_path


def join(dsn: str, tmp: Path, name: str) -> Path:
    """*name*'s working copy, every document annotated (one ACTOR span each, ten with two)."""
    from isfannotate import teamdb
    from isfannotate.teamdb.connect import with_user

    path = teamdb.join(with_user(dsn, name), tmp / f"{name}.isf", annotator=name)
    with Project.open(path) as p:
        items = [(d.id, 0, len(d.id) - 1, "ACTOR", None) for d in p.documents()]
        items += [(d.id, d.text.index("Pakistan"), d.text.index("Pakistan") + 8, "ACTOR", None)
                  for d in p.documents()[:10]]
        p.annotate_across(name, items)
    return path


def local_spans(path_or_project, layer: str) -> list[tuple]:
    def read(p):
        with p.snapshot() as conn:
            return sorted(conn.execute('SELECT id, document_id, start, "end", label FROM spans WHERE layer=?',
                                       (layer,)).fetchall())
    if isinstance(path_or_project, Project):
        return read(path_or_project)
    with Project.open(path_or_project) as p:
        return read(p)


def server_counts(dsn: str, layer: str) -> tuple[list[tuple], int, int]:
    """(the layer's spans on the server, their number of distinct ids, sync marks)."""
    import psycopg
    with psycopg.connect(dsn) as conn:
        spans = sorted(tuple(r) for r in conn.execute(
            'SELECT id, document_id, start, "end", label FROM spans WHERE layer=%s', (layer,)))
        distinct = conn.execute("SELECT count(DISTINCT id) FROM spans WHERE layer=%s", (layer,)).fetchone()[0]
        marks = conn.execute("SELECT count(*) FROM sync_marks WHERE layer=%s", (layer,)).fetchone()[0]
    return spans, distinct, marks


def assert_exact(dsn: str, path, layer: str) -> None:
    """Nothing lost, nothing doubled: the server holds exactly the working copy's rows."""
    mine = local_spans(path, layer)
    theirs, distinct, marks = server_counts(dsn, layer)
    assert len(mine) == DOCS + 10
    assert theirs == mine and distinct == len(mine) and marks == DOCS


def one_line(message: str, *, forbidden=("fault-pw", "Traceback")) -> str:
    assert message and "\n" not in message, message
    for word in forbidden:
        assert word not in message
    return message


def stop_at_second_batch(action):
    """A progress callback that runs *action* once, when the push reaches its second batch (the
    first is committed on the server by then)."""
    fired = []

    def progress(done: int, total: int) -> None:
        if total == DOCS + 0 and 0 < done < total and not fired or (total > 250 and done >= 250 and not fired):
            fired.append((done, total))
            action()
    progress.fired = fired
    return progress
