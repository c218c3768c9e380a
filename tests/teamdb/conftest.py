"""A team on a real PostgreSQL server (the session's, tests/pgserver.py): the lead's project
with the five seed articles assigned to alice and bob, the team database created from it, both
annotators added (their passwords in the test's pgpass file, as in ~/.pgpass)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest


@dataclass
class Team:
    dsn: str
    lead: Any
    server: Any
    tmp: Path
    passwords: dict[str, str]

    def annotator_dsn(self, name: str) -> str:
        from isfannotate.teamdb.connect import with_user
        return with_user(self.dsn, name)

    def join(self, name: str, file: str | None = None):
        from isfannotate import Project
        from isfannotate.teamdb import join
        path = join(self.dsn, self.tmp / (file or f"{name}.isf"), annotator=name)
        p = Project.open(path)
        p.author = name
        return p

    def raw(self, name: str):
        """A plain psycopg connection as *name* (what a script with their credentials gets)."""
        import psycopg
        return psycopg.connect(self.annotator_dsn(name))

    def server_spans(self, layer: str) -> list[tuple]:
        """*layer*'s spans on the server as sorted (document, start, end, label, actor)."""
        import psycopg
        with psycopg.connect(self.dsn) as conn:
            return sorted(tuple(r) for r in conn.execute(
                'SELECT document_id, start, "end", label, actor_id FROM spans WHERE layer=%s', (layer,)).fetchall())

    @staticmethod
    def spans(p, layer: str) -> list[tuple]:
        """*layer*'s spans in project *p*, as :meth:`server_spans` gives the server's."""
        return layer_spans(p, layer)


def layer_spans(p, layer: str) -> list[tuple]:
    """*layer*'s spans in project *p* as sorted (document, start, end, label, actor)."""
    with p.snapshot() as conn:
        return sorted(conn.execute('SELECT document_id, start, "end", label, actor_id FROM spans WHERE layer=?',
                                   (layer,)).fetchall())


@pytest.fixture(name="layer_spans")
def layer_spans_fixture():
    """:func:`layer_spans`, for a test without the ``team`` fixture."""
    return layer_spans


@pytest.fixture
def team(team_db, seeded, pg_server, tmp_path) -> Team:
    from isfannotate.teamdb import add_annotator, create_team
    docs = [d.id for d in seeded.documents()]
    seeded.assign(docs, ["alice", "bob"])
    create_team(team_db, seeded)
    passwords = {}
    for name in ("alice", "bob"):   # roles are the server's: the same person in every test's team
        passwords[name] = add_annotator(team_db, name, password=f"{name}-secret-pw")
        if name not in pg_server.known:
            pg_server.add_password(name, passwords[name])
            pg_server.known.add(name)
    return Team(team_db, seeded, pg_server, tmp_path, passwords)
