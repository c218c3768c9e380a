"""End-to-end sync against a real PostgreSQL server (issue 23): annotators push their layers, the
lead pulls them through merge's checks, gold, decisions and guideline examples go back, a second
sync changes nothing, offline edits sync exactly, a cut push resumes without loss or doubles."""
from __future__ import annotations

import pytest

from isfannotate.errors import JobCancelled
from isfannotate.teamdb import status, sync, team_link


def _annotate(p, doc, phrase, label="ACTOR"):
    text = p.document(doc).text
    i = text.index(phrase)
    return p.annotate(doc, p.author, i, i + len(phrase), label).rows("spans")[0].after["id"]


def test_create_then_join_gets_the_corpus_and_assignments(team):
    docs = [d.id for d in team.lead.documents()]
    alice = team.join("alice")
    try:
        assert [d.id for d in alice.documents()] == docs
        assert alice.recorded_annotator == "alice"
        assert sorted(alice.assignments()["alice"]) == sorted(docs)
        assert "bob" not in alice.assignments()          # only its own assignments come down
        assert {a.id for a in alice.actors()} == {a.id for a in team.lead.actors()}
        link = team_link(alice)
        assert link["role"] == "annotator" and link["annotator"] == "alice"
        assert "secret" not in link["dsn"] and "password" not in link["dsn"]
    finally:
        alice.close()
    assert team_link(team.lead)["role"] == "lead"


def test_annotators_push_lead_merges_gold_and_examples_come_back(team):
    docs = [d.id for d in team.lead.documents()]
    alice, bob = team.join("alice"), team.join("bob")
    try:
        _annotate(alice, docs[0], "Pakistan")
        alice.set_status(docs[0], "alice", "done", reason="test")
        _annotate(bob, docs[0], "Pakistan")
        _annotate(bob, docs[1], docs and bob.document(docs[1]).text.split()[0])
        ra, rb = sync(alice), sync(bob)
        assert (ra.pushed_documents, rb.pushed_documents) == (1, 2)
        assert team.server_spans("alice") == team.spans(alice, "alice")

        lead_report = sync(team.lead)
        assert len(lead_report.merged) == 2
        assert team.spans(team.lead, "alice") == team.spans(alice, "alice")
        assert team.spans(team.lead, "bob") == team.spans(bob, "bob")
        assert team.lead.status(docs[0], "alice") == "done"

        from isfannotate.review import review_document
        unit = next(u for u in review_document(team.lead, docs[0]).units if u.kind == "span")
        team.lead.decide(docs[0], unit.key, "accepted", annotator="alice")
        team.lead.add_guideline_example(docs[0], unit.key)
        sync(team.lead)
        assert team.server_spans("gold") == team.spans(team.lead, "gold") != []

        ra2 = sync(alice)
        assert ra2.examples == 1
        assert len(alice.guideline_examples()) == 1
        assert team.spans(alice, "gold") == []          # blind annotation: gold never comes down
        st = status(team.dsn)
        assert {a.name: (a.assigned, a.done) for a in st.annotators} == {"alice": (5, 1), "bob": (5, 0)}
        assert all(a.last_sync for a in st.annotators)
    finally:
        alice.close()
        bob.close()


def test_a_second_sync_changes_nothing(team, snapshot):
    docs = [d.id for d in team.lead.documents()]
    alice = team.join("alice")
    try:
        _annotate(alice, docs[2], "Pakistan")
        sync(alice)
        again = sync(alice)
        assert (again.pushed_documents, again.pulled_documents, again.registry_updated, again.proposals) == (0, 0, 0, 0)
        sync(team.lead)
        before = snapshot(team.lead)
        rep = sync(team.lead)
        after = snapshot(team.lead)
        assert rep.merged == [] and rep.pushed_documents == 0
        before.pop("project_info"), after.pop("project_info")   # the link's last sync time
        assert before == after
    finally:
        alice.close()


def test_offline_edits_sync_exactly(team):
    docs = [d.id for d in team.lead.documents()]
    alice = team.join("alice")
    try:
        first = _annotate(alice, docs[0], "Pakistan")
        _annotate(alice, docs[1], alice.document(docs[1]).text.split()[0])
        sync(alice)
        # offline: a deletion, an edit, a new document's work
        alice.delete_span(first)
        _annotate(alice, docs[3], alice.document(docs[3]).text.split()[0])
        rep = sync(alice)
        assert rep.pushed_documents == 2                  # docs[0] (now empty) and docs[3]
        assert team.server_spans("alice") == team.spans(alice, "alice")
        sync(team.lead)
        assert team.spans(team.lead, "alice") == team.spans(alice, "alice")
    finally:
        alice.close()


def test_a_cut_push_resumes_without_loss_or_doubles(team):
    from isfannotate.store.server import rows as srv
    from isfannotate.store.teamsync import layer_rows
    from isfannotate.teamdb.connect import connect

    docs = [d.id for d in team.lead.documents()]
    alice = team.join("alice")
    try:
        for d in docs:
            _annotate(alice, d, alice.document(d).text.split()[0])
        with alice.snapshot() as conn:
            local = layer_rows(conn, "alice")
        asked = []

        def cancel():
            asked.append(1)
            return len(asked) > 2          # cut after two committed batches
        with connect(team.annotator_dsn("alice")) as conn:
            with pytest.raises(JobCancelled):
                srv.push_layer(conn, "alice", local, batch=1, cancel=cancel)
            assert len(srv.marks(conn, "alice")) == 2
            conn.rollback()
            done, _rows = srv.push_layer(conn, "alice", local, batch=1)
            assert done == len(docs) - 2
        assert team.server_spans("alice") == team.spans(alice, "alice")   # each once
        assert sync(alice).pushed_documents == 0
    finally:
        alice.close()


def test_the_lead_merges_through_merge_checks_a_bad_layer_is_refused_the_others_merge(team):
    """alice's rows written past our client (raw SQL with her credentials: a label the scheme
    lacks, a span past the text's end) are refused whole by merge's checks; bob's layer merges."""
    docs = [d.id for d in team.lead.documents()]
    alice, bob = team.join("alice"), team.join("bob")
    try:
        _annotate(alice, docs[0], "Pakistan")
        _annotate(bob, docs[0], "Pakistan")
        sync(alice)
        sync(bob)
        with team.raw("alice") as conn:
            conn.execute("UPDATE spans SET label = 'NOT_A_LABEL', \"end\" = 10000000 WHERE layer = 'alice'")
            conn.execute("UPDATE sync_marks SET digest = 'tampered' WHERE layer = 'alice'")
        rep = sync(team.lead)
        assert [line.split(":")[0] for line in rep.merged] == ["bob"]
        assert len(rep.refused) == 1 and rep.refused[0].startswith("alice: not merged: ")
        assert "\n" not in rep.refused[0] and "isf-team-pull" not in rep.refused[0]
        assert team.spans(team.lead, "alice") == [] and len(team.spans(team.lead, "bob")) == 1
        assert any(line.startswith("alice: not merged") for line in rep.lines())
    finally:
        alice.close()
        bob.close()


def test_registry_proposals_are_reconciled_by_the_lead_merge(team):
    """alice's new actor becomes a lead's entry her span links to; her renaming of an entry the
    lead has is a conflict listed for the lead; her copy keeps her version until it is merged."""
    docs = [d.id for d in team.lead.documents()]
    alice = team.join("alice")
    try:
        sid = _annotate(alice, docs[0], "Pakistan")
        alice.create_actor_for_span(sid, "Pakistani Army", alice.scheme.actor_types[0])
        known = alice.actors()[0]
        alice.update_actor(known.id, name=known.name + " (renamed)")
        rep = sync(alice)
        assert rep.proposals == 2
        assert alice.actor(known.id).name == known.name + " (renamed)"      # kept until the lead merges it
        lead_rep = sync(team.lead)
        new = [a for a in team.lead.actors() if a.name == "Pakistani Army"]
        assert len(new) == 1
        assert team.spans(team.lead, "alice")[0][4] == new[0].id                 # her link follows the entry
        assert len(lead_rep.conflicts) == 1 and "(renamed)" in lead_rep.conflicts[0]
        assert team.lead.actor(known.id).name == known.name                   # the lead decides
        assert sync(team.lead).conflicts == []                                # merged once
        sync(alice)
        assert alice.actor(known.id).name == known.name                       # the lead's version now
        assert any(a.name == "Pakistani Army" for a in alice.actors())
    finally:
        alice.close()


def test_a_cancelled_lead_sync_changes_nothing_and_the_next_one_merges(team, snapshot):
    docs = [d.id for d in team.lead.documents()]
    alice = team.join("alice")
    try:
        _annotate(alice, docs[0], "Pakistan")
        sync(alice)
        before = snapshot(team.lead)
        with pytest.raises(JobCancelled, match="nothing of it was merged"):
            sync(team.lead, cancel=lambda: True)
        assert snapshot(team.lead) == before
        assert len(sync(team.lead).merged) == 1
        assert team.spans(team.lead, "alice") == team.spans(alice, "alice")
    finally:
        alice.close()


def test_a_proposal_alone_is_merged_once(team):
    """An annotator who only added a registry entry (no span yet): the lead's sync takes it."""
    alice = team.join("alice")
    try:
        alice.add_actor("Norwegian Refugee Council", alice.scheme.actor_types[0])
        assert sync(alice).proposals == 1 and sync(alice).proposals == 0
        rep = sync(team.lead)
        assert rep.refused == [] and [a.name for a in team.lead.actors()].count("Norwegian Refugee Council") == 1
        sync(team.lead)
        assert [a.name for a in team.lead.actors()].count("Norwegian Refugee Council") == 1
    finally:
        alice.close()


def test_two_annotators_syncing_at_once_lose_nothing(team):
    import threading
    docs = [d.id for d in team.lead.documents()]
    alice, bob = team.join("alice"), team.join("bob")
    try:
        for p in (alice, bob):
            for d in docs:
                _annotate(p, d, p.document(d).text.split()[0])
        errors: list[BaseException] = []

        def run(p):
            try:
                sync(p)
            except BaseException as e:   # noqa: BLE001 - reported below
                errors.append(e)
        threads = [threading.Thread(target=run, args=(p,)) for p in (alice, bob)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert errors == []
        assert team.server_spans("alice") == team.spans(alice, "alice")
        assert team.server_spans("bob") == team.spans(bob, "bob")
        assert [line.split(":")[0] for line in sync(team.lead).merged] == ["alice", "bob"]
    finally:
        alice.close()
        bob.close()


def test_the_lead_reads_each_changed_layer_s_documents_only(team):
    """The lead's pull reads the server for every changed layer before writing anything: each
    layer gets exactly its own rows of the documents asked for it, claims and evidence (read by
    their spans' and stances' ids) included, nothing else."""
    from isfannotate.store.server import rows as srv
    from isfannotate.store.teamsync import layer_rows
    from isfannotate.teamdb.connect import connect

    docs = [d.id for d in team.lead.documents()]
    alice, bob = team.join("alice"), team.join("bob")
    try:
        for p, mine in ((alice, docs[:3]), (bob, docs[1:4])):
            for d in mine:
                _annotate(p, d, p.document(d).text.split()[0])
            sync(p)
        want = {"alice": [docs[0], docs[2]], "bob": [docs[1], docs[2], docs[3]]}
        with connect(team.dsn) as conn:
            got = srv.fetch_layers(conn, want)
        for p, layer in ((alice, "alice"), (bob, "bob")):
            with p.snapshot() as lc:
                local = layer_rows(lc, layer, want[layer])
            expected = {t: sorted(r for d in want[layer] for r in local.get(d, {}).get(t, []))
                        for t in ("spans", "claims", "stances", "stance_evidence", "relations", "doc_status",
                                  "doc_labels")}
            assert {t: sorted(got[layer].get(t, [])) for t in expected} == expected
            assert len(got[layer]["spans"]) == len(want[layer])
    finally:
        alice.close()
        bob.close()


def test_a_repush_replaces_claims_and_evidence_exactly(team):
    """A document pushed again after its claim span and stance were deleted and new ones made:
    the server drops the old claims and evidence (found by the old spans' and stances' ids) and
    holds exactly the new ones, in that layer only; bob's rows of the same document stay."""
    import psycopg

    doc = [d.id for d in team.lead.documents()][0]
    alice, bob = team.join("alice"), team.join("bob")
    try:
        holder = alice.actors()[0].id
        for p in (alice, bob):
            words = p.document(doc).text.split()
            claim = _annotate(p, doc, " ".join(words[:3]), "CLAIM")
            p.set_claim(claim, source_kind="article", quote="reported")
            p.set_stance(doc, p.author, holder=holder, target="isf-troops", polarity="support", evidence=[claim])
            sync(p)
        old = [s.id for s in alice.spans(doc, "alice")]
        for sid in old:
            alice.delete_span(sid)
        for st in alice.stances(doc, "alice"):
            alice.delete_stance(st.id)
        words = alice.document(doc).text.split()
        claim = _annotate(alice, doc, " ".join(words[1:4]), "CLAIM")
        alice.set_claim(claim, source_kind="article", quote="direct")
        alice.set_stance(doc, "alice", holder=holder, target="isf-troops", polarity="oppose", evidence=[claim])
        assert sync(alice).pushed_documents == 1

        def server(table, layer):
            with psycopg.connect(team.dsn) as conn:
                return conn.execute(f"SELECT count(*) FROM {table} WHERE layer = %s", (layer,)).fetchone()[0]
        with psycopg.connect(team.dsn) as conn:
            assert [r[0] for r in conn.execute("SELECT span_id FROM claims WHERE layer = 'alice'")] == [claim]
            assert [r[0] for r in conn.execute("SELECT span_id FROM stance_evidence WHERE layer = 'alice'")] == [claim]
        assert (server("claims", "bob"), server("stance_evidence", "bob"), server("stances", "bob")) == (1, 1, 1)
        assert server("stances", "alice") == 1
    finally:
        alice.close()
        bob.close()
