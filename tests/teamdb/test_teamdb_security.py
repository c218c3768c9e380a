"""Row-level security, enforced by the PostgreSQL server (issue 23): an annotator's role reads
its own layer only (blind annotation) and writes only its own layer, never gold or decisions,
with our client or with raw SQL; a removed annotator can no longer connect or sync."""
from __future__ import annotations

import psycopg
import pytest

from isfannotate.teamdb import TeamDbError, remove_annotator, sync


def _annotate(p, doc, phrase):
    text = p.document(doc).text
    i = text.index(phrase)
    p.annotate(doc, p.author, i, i + len(phrase), "ACTOR")


@pytest.fixture
def both(team):
    """alice and bob each pushed a span; the lead merged and decided one unit into gold."""
    docs = [d.id for d in team.lead.documents()]
    alice, bob = team.join("alice"), team.join("bob")
    _annotate(alice, docs[0], "Pakistan")
    _annotate(bob, docs[0], "Pakistan")
    sync(alice)
    sync(bob)
    sync(team.lead)
    from isfannotate.review import review_document
    unit = next(u for u in review_document(team.lead, docs[0]).units if u.kind == "span")
    team.lead.decide(docs[0], unit.key, "accepted", annotator="alice")
    sync(team.lead)
    yield team, alice, bob, docs
    alice.close()
    bob.close()


def test_raw_sql_sees_only_the_own_layer(both):
    team, _alice, _bob, _docs = both
    with team.raw("alice") as conn:
        assert {r[0] for r in conn.execute("SELECT layer FROM spans")} == {"alice"}
        assert {r[0] for r in conn.execute("SELECT layer FROM sync_marks")} == {"alice"}
        assert {r[0] for r in conn.execute("SELECT annotator FROM assignments")} == {"alice"}
        assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 5   # the corpus is shared
        for table in ("decisions", "provenance"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(f"SELECT * FROM {table}")
            conn.rollback()
    with psycopg.connect(team.dsn) as conn:   # the lead sees everything
        assert {r[0] for r in conn.execute("SELECT layer FROM spans")} == {"alice", "bob", "gold"}


def test_raw_sql_cannot_write_another_layer_gold_or_decisions(both):
    team, _alice, _bob, docs = both
    with team.raw("alice") as conn:
        for layer in ("bob", "gold"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
                conn.execute("INSERT INTO spans (id, document_id, layer, start, \"end\", label, attrs, author, "
                             "created_at) VALUES ('sx', %s, %s, 0, 5, 'ACTOR', '{}', 'alice', 'now')", (docs[0], layer))
            conn.rollback()
        # another layer's rows are invisible, so updates and deletes reach none of them
        assert conn.execute("UPDATE spans SET label = 'X' WHERE layer = 'bob'").rowcount == 0
        assert conn.execute("DELETE FROM spans WHERE layer <> 'alice'").rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("UPDATE spans SET layer = 'bob' WHERE layer = 'alice'")
        conn.rollback()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO decisions (unit_key, document_id, kind, decision, gold_items, note, decided_by, "
                         "decided_at) VALUES ('k', %s, 'span', 'accepted', '[]', '', 'alice', 'now')", (docs[0],))
        conn.rollback()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE team_info SET value = '{}' WHERE key = 'scheme'")
        conn.rollback()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO registry_proposals (annotator, kind, entity_id, row) "
                         "VALUES ('bob', 'actor', 'a1', '{}')")
        conn.rollback()
        conn.execute("INSERT INTO registry_proposals (annotator, kind, entity_id, row) "
                     "VALUES ('alice', 'actor', 'a-new', '{}')")   # proposing is allowed
        conn.commit()
    with psycopg.connect(team.dsn) as conn:
        assert conn.execute("SELECT count(*) FROM spans WHERE layer = 'bob'").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM decisions").fetchone()[0] == 1


def test_our_client_cannot_push_another_layer(both):
    from isfannotate.store.server import rows as srv
    from isfannotate.store.teamsync import layer_rows
    from isfannotate.teamdb.connect import connect, server_faults

    team, alice, _bob, _docs = both
    with alice.snapshot() as conn:
        mine = layer_rows(conn, "alice")
    from isfannotate.store.teamsync import columns
    for layer in ("bob", "gold"):   # alice's rows relabelled as another layer's, pushed as that layer
        def relabel(t, r, layer=layer):
            return tuple(layer if c == "layer" else v for c, v in zip(columns(t), r, strict=True))
        theirs = {doc: {t: [relabel(t, r) for r in rows] for t, rows in tables.items()} for doc, tables in mine.items()}
        with connect(team.annotator_dsn("alice")) as conn:
            with pytest.raises(TeamDbError, match="refused by the server.*row-level security"), \
                    server_faults(team.dsn):
                srv.push_layer(conn, layer, theirs)
    with psycopg.connect(team.dsn) as conn:
        assert conn.execute("SELECT count(*) FROM spans WHERE layer = 'bob'").fetchone()[0] == 1


def test_a_removed_annotator_can_no_longer_connect_or_sync(both, snapshot):
    team, alice, _bob, docs = both
    remove_annotator(team.dsn, "alice")
    _annotate(alice, docs[1], alice.document(docs[1]).text.split()[0])
    before = snapshot(alice)
    with pytest.raises(TeamDbError, match="may no longer use the team database") as e:
        sync(alice)
    assert "\n" not in str(e.value) and "secret" not in str(e.value)
    assert snapshot(alice) == before
    with pytest.raises(psycopg.OperationalError, match="permission denied"):
        team.raw("alice")
    from isfannotate.teamdb import status
    assert [a.removed for a in status(team.dsn).annotators if a.name == "alice"] == [True]


def test_a_lead_without_superuser_rights_runs_the_team(team_db, pg_server, seeded, tmp_path):
    """What an IT person hands a lead: a role with CREATEROLE that owns the team's database (no
    superuser). It creates the team, adds an annotator, merges their work; policies bind it too
    (FORCE), through the lead's group."""
    from isfannotate import Project
    from isfannotate.teamdb import add_annotator, create_team, join, remove_annotator
    from isfannotate.teamdb.connect import with_user

    dbname = team_db.rsplit("/", 1)[1]
    with psycopg.connect(team_db, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = 'lena'").fetchone() is None:
            conn.execute("CREATE ROLE lena LOGIN CREATEROLE PASSWORD 'lena-pw'")
            pg_server.add_password("lena", "lena-pw")
        conn.execute(f'ALTER DATABASE "{dbname}" OWNER TO lena')
        conn.execute("GRANT CREATE ON SCHEMA public TO lena")
    lead_dsn = with_user(team_db, "lena")
    seeded.assign([d.id for d in seeded.documents()], ["alice"])
    create_team(lead_dsn, seeded)
    add_annotator(lead_dsn, "alice", password="alice-secret-pw")
    if "alice" not in pg_server.known:
        pg_server.add_password("alice", "alice-secret-pw")
        pg_server.known.add("alice")
    alice = Project.open(join(lead_dsn, tmp_path / "alice.isf", annotator="alice"))
    alice.author = "alice"
    try:
        _annotate(alice, seeded.documents()[0].id, "Pakistan")
        sync(alice)
        assert len(sync(seeded).merged) == 1
        assert len(seeded.spans(seeded.documents()[0].id, "alice")) == 1
        remove_annotator(lead_dsn, "alice")
        with pytest.raises(TeamDbError, match="may no longer use"):
            sync(alice)
    finally:
        alice.close()
