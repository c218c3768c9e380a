"""The push through the change journal against a real server (issue 23): a cut push resumes from
the server's cursor without loss or doubles, a sync with nothing new reads no layer, a copy the
server has no cursor for compares digests (as an older file does), a second working copy of the
same annotator gets its layer back and the two converge, and ``team create`` sends the
annotator layers the lead's project already holds."""
from __future__ import annotations

import psycopg
import pytest

from isfannotate.errors import JobCancelled
from isfannotate.teamdb import sync


def _annotate(p, doc, nth=0, layer=None):
    word = p.document(doc).text.split()[nth]
    i = p.document(doc).text.index(word)
    return p.annotate(doc, layer or p.author, i, i + len(word), "ACTOR").rows("spans")[0].after["id"]


@pytest.fixture
def reads(monkeypatch):
    """Counts the local reads of a layer's rows by the push."""
    from isfannotate.teamdb import journaled
    seen: list[list[str] | None] = []
    real = journaled.layer_rows

    def counted(conn, layer, documents=None):
        seen.append(documents)
        return real(conn, layer, documents)
    monkeypatch.setattr(journaled, "layer_rows", counted)
    return seen


def test_a_cut_push_resumes_from_the_cursor_and_a_sync_with_nothing_new_reads_nothing(team, monkeypatch, reads):
    from isfannotate.store.server import rows as srv
    docs = [d.id for d in team.lead.documents()]
    alice = team.join("alice")
    try:
        for d in docs:
            _annotate(alice, d)
        monkeypatch.setattr(srv, "BATCH", 1)
        asked: list[int] = []
        with pytest.raises(JobCancelled):
            sync(alice, cancel=lambda: asked.append(1) or len(asked) > 2)   # cut after two committed batches
        with psycopg.connect(team.dsn) as conn:
            assert conn.execute("SELECT count(*) FROM sync_marks WHERE layer = 'alice'").fetchone()[0] == 2
            (cursor,) = conn.execute("SELECT seq FROM sync_cursors WHERE layer = 'alice'").fetchone()
        reads.clear()
        rep = sync(alice)
        assert rep.pushed_documents == len(docs) - 2                         # the rest, from the cursor
        assert [d for part in reads for d in part or []] == docs[2:]         # in journal order, read once
        assert team.server_spans("alice") == team.spans(alice, "alice")       # each once
        reads.clear()
        assert sync(alice).pushed_documents == 0 and reads == []             # nothing new: no layer read
        _annotate(alice, docs[1], 2)
        assert sync(alice).pushed_documents == 1 and reads == [[docs[1]]]
        with psycopg.connect(team.dsn) as conn:
            assert conn.execute("SELECT seq FROM sync_cursors WHERE layer = 'alice'").fetchone()[0] > cursor
        alice.undo()                                                         # an undo is sent like any change
        assert sync(alice).pushed_documents == 1
        assert team.server_spans("alice") == team.spans(alice, "alice")
    finally:
        alice.close()


def test_without_a_cursor_every_journalled_document_is_compared_by_digest(team, reads):
    """What an older file, a copy new to this server or a server without cursors gets: the
    digest decides, so only what differs is sent, and the cursor is set for the next sync."""
    docs = [d.id for d in team.lead.documents()]
    alice = team.join("alice")
    try:
        for d in docs[:3]:
            _annotate(alice, d)
        sync(alice)
        _annotate(alice, docs[0], 3)
        with psycopg.connect(team.dsn) as conn:
            conn.execute("DELETE FROM sync_cursors WHERE layer = 'alice'")
        reads.clear()
        assert sync(alice).pushed_documents == 1
        assert sorted(reads[0] or []) == sorted(docs[:3])          # every journalled document compared
        assert team.server_spans("alice") == team.spans(alice, "alice")
        reads.clear()
        assert sync(alice).pushed_documents == 0 and reads == []
    finally:
        alice.close()


def test_a_second_working_copy_gets_its_layer_back_and_the_copies_converge(team):
    docs = [d.id for d in team.lead.documents()]
    first = team.join("alice")
    try:
        _annotate(first, docs[0])
        _annotate(first, docs[1])
        sync(first)
        second = team.join("alice", "alice-2.isf")   # another desktop: team join again (a new file)
    finally:
        first.close()
    try:
        assert team.spans(second, "alice") == team.server_spans("alice") != []   # nothing lost
        _annotate(second, docs[2])
        _annotate(second, docs[0], 1)
        assert sync(second).pushed_documents == 2
    finally:
        second.close()
    from isfannotate import Project
    with Project.open(team.tmp / "alice.isf") as first, Project.open(team.tmp / "alice-2.isf") as second:
        rep = sync(first)
        assert rep.own_documents == 2 and rep.pushed_documents == 0
        assert team.spans(first, "alice") == team.spans(second, "alice") == team.server_spans("alice")
        assert sync(first).own_documents == 0 and sync(second).own_documents == 0
    assert len(sync(team.lead).merged) == 1


def test_create_sends_the_layers_the_lead_holds_from_file_merges(tmp_path, team_db, seeded, pg_server, layer_spans):
    from isfannotate.teamdb import add_annotator, create_team, join
    docs = [d.id for d in seeded.documents()]
    seeded.assign(docs, ["alice"])
    _annotate(seeded, docs[0], layer="alice")   # as a file merge would have brought it
    report = create_team(team_db, seeded)
    assert report.layers == 1 and "1 annotators' layers" in report.lines()[0]
    password = add_annotator(team_db, "alice", password="alice-secret-pw")
    if "alice" not in pg_server.known:
        pg_server.add_password("alice", password)
        pg_server.known.add("alice")
    assert sync(seeded).merged == []                     # recorded as merged: not merged again
    from isfannotate import Project
    from isfannotate.teamdb.connect import with_user
    with Project.open(join(with_user(team_db, "alice"), tmp_path / "alice.isf", annotator="alice")) as alice:
        assert layer_spans(alice, "alice") == layer_spans(seeded, "alice") != []


def test_a_team_database_of_the_first_version_syncs_and_the_lead_upgrades_it(team):
    docs = [d.id for d in team.lead.documents()]
    with psycopg.connect(team.dsn) as conn:   # as `team create` of the first version made it
        conn.execute("DROP TABLE sync_cursors")
        conn.execute("ALTER TABLE sync_marks DROP COLUMN copy")
        conn.execute("UPDATE team_info SET value = '1' WHERE key = 'server_schema'")
    alice = team.join("alice")
    try:
        _annotate(alice, docs[0])
        assert sync(alice).pushed_documents == 1                    # the digest: no cursor to keep
        assert sync(alice).pushed_documents == 0
        assert len(sync(team.lead).merged) == 1                     # and the lead's sync upgrades the server
        with psycopg.connect(team.dsn) as conn:
            assert conn.execute("SELECT value FROM team_info WHERE key = 'server_schema'").fetchone()[0] == "2"
        _annotate(alice, docs[1])
        assert sync(alice).pushed_documents == 1
        with psycopg.connect(team.dsn) as conn:
            assert conn.execute("SELECT count(*) FROM sync_cursors WHERE layer = 'alice'").fetchone()[0] == 1
        assert team.server_spans("alice") == team.spans(alice, "alice")
    finally:
        alice.close()


def test_the_lead_s_pull_analyzes_the_layers_a_big_push_left_with_stale_statistics(team):
    """After a push of many rows PostgreSQL's planner still believes the layer tables small (until
    autovacuum analyzes them, a minute or so later); the lead's pull analyzes the tables changed by
    more than a tenth first, and none when nothing changed since."""
    import time

    from isfannotate.store.server.marks import refresh_statistics
    with psycopg.connect(team.dsn) as conn:
        refresh_statistics(conn, ["sync_marks"])          # whatever ``create`` left
        conn.execute("INSERT INTO sync_marks (layer, document_id, digest) "
                     "SELECT 'alice', 'x' || i, 'd' FROM generate_series(1, 300) i")
        conn.commit()
    with psycopg.connect(team.dsn, autocommit=True) as conn:
        deadline = time.monotonic() + 15     # the server counts a finished session's changes within a second or so
        while time.monotonic() < deadline:
            conn.execute("SELECT pg_stat_clear_snapshot()")
            (mods,) = conn.execute("SELECT n_mod_since_analyze FROM pg_stat_user_tables "
                                   "WHERE relname = 'sync_marks'").fetchone()
            if mods >= 300:
                break
            time.sleep(0.2)
        assert refresh_statistics(conn, ["sync_marks", "spans"]) == ["sync_marks"]
        conn.execute("SELECT pg_stat_clear_snapshot()")
        assert refresh_statistics(conn, ["sync_marks", "spans"]) == []
