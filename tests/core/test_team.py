"""Handing out work and bringing it back (issue 12): assign, handout, merge."""
from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys

import pytest

from isfannotate import Project
from isfannotate.cli import main as cli
from isfannotate.errors import InputError, IsfError, ValidationError

DOC4 = "004_925ac23fd4dc491f"


@pytest.fixture
def lead(tmp_path, seeds_dir):
    p = Project.create(tmp_path / "corpus.isf", registry=seeds_dir / "registry.json")
    p.import_paths(sorted(seeds_dir.glob("*.txt")))
    yield p
    p.close()


def test_round_robin_is_balanced_seeded_and_checked(lead):
    lead.assign_round_robin(["alice", "bob", "chen"], overlap=2, seed=3)
    a = lead.assignments()
    assert sorted(len(v) for v in a.values()) == [3, 3, 4]          # 5 documents x 2 = 10
    per_doc = {}
    for ann, docs in a.items():
        for d in docs:
            per_doc.setdefault(d, []).append(ann)
    assert len(per_doc) == 5 and all(len(v) == 2 for v in per_doc.values())
    lead.assign_round_robin(["alice", "bob", "chen"], overlap=2, seed=3)
    assert lead.assignments() == a                                   # same seed, same plan
    with pytest.raises(ValidationError, match="overlap"):
        lead.assign_round_robin(["alice", "bob"], overlap=3)
    with pytest.raises(ValidationError, match="two layers"):
        lead.assign_round_robin(["alice", "Alice"], overlap=1)
    lead.undo()
    lead.undo()
    assert lead.assignments() == {}


def handouts(lead, tmp_path):
    lead.assign_round_robin(["alice", "bob"], overlap=2)   # both get every document: full overlap
    return {p.stem.rsplit("-", 1)[1]: p for p in lead.handout(tmp_path / "out")}


def test_handout_files_hold_one_annotator_and_refuse_other_layers(lead, tmp_path):
    lead.annotate(DOC4, "zoe", 0, 4, "ACTOR")      # someone else's work: must not travel
    lead.assign_round_robin(["alice", "bob", "chen"], overlap=1)
    files = lead.handout(tmp_path / "out")
    assert sorted(f.name for f in files) == ["corpus-alice.isf", "corpus-bob.isf", "corpus-chen.isf"]
    total = 0
    for f in files:
        who = f.stem.split("-")[1]
        with Project.open(f) as h:
            assert h.recorded_annotator == who
            assert [d.id for d in h.documents()] == lead.assignments()[who]
            assert h.scheme.guidelines == lead.scheme.guidelines and len(h.actors()) == len(lead.actors())
            assert h.layers() in ([], [who])
            assert h.conn.execute("SELECT count(*) FROM spans").fetchone()[0] == 0
            total += h.document_count()
            doc = h.documents()[0].id
            h.annotate(doc, who, 0, 3, "ACTOR")
            with pytest.raises(ValidationError, match=f"handed out to {who}"):
                h.annotate(doc, "Alice" if who != "Alice" else "x", 0, 3, "ACTOR")
            with pytest.raises(ValidationError):
                h.annotate(doc, "gold", 0, 3, "ACTOR")
        raw = f.read_bytes()
        assert b"zoe" not in raw
    assert total == 5
    with pytest.raises(IsfError, match="already exists"):
        lead.handout(tmp_path / "out")


def _annotate(path, who, actor_name="Marco Rubio"):
    with Project.open(path) as h:
        text = h.document(DOC4).text
        i = text.index("Rubio")
        c = h.annotate(DOC4, who, i, i + 5, "ACTOR")
        sid = c.rows("spans")[0].after["id"]
        rubio = next(a.id for a in h.actors() if a.name == actor_name)
        h.link_actor(sid, rubio)
        j = text.index("Pakistan has offered")
        claim = h.annotate(DOC4, who, j, j + 20, "CLAIM").rows("spans")[0].after["id"]
        h.set_claim(claim, source_span=sid, quote="reported")
        h.add_actor("Brand New Ministry", "government_body", actor_id="a-new-" + who)
        h.add_target("a new question", target_id="t-new-" + who)
        h.set_stance(DOC4, who, holder=rubio, target="t-new-" + who, polarity="support", evidence=[claim])
        h.set_status(DOC4, who, "done", reason="test")


def test_merge_two_annotators_then_again_changes_nothing(lead, tmp_path, snapshot):
    files = handouts(lead, tmp_path)
    _annotate(files["alice"], "alice")
    _annotate(files["bob"], "bob")
    report = lead.merge([files["alice"], files["bob"]])
    assert [(f.annotator, f.replaced, f.spans) for f in report.files] == [("alice", 1, 2), ("bob", 1, 2)]
    # bob's new actor has the same canonical name as alice's: one registry entry, not two
    assert [f.new_actors for f in report.files] == [1, 0] and not report.files[0].conflicts
    assert [a.name for a in lead.actors()].count("Brand New Ministry") == 1
    assert sorted(lead.layers()) == ["alice", "bob"]
    a_spans = lead.spans(DOC4, "alice")
    assert [s.label for s in a_spans].count("ACTOR") == 1
    claim = next(iter(lead.claims(DOC4, "alice").values()))
    assert claim.quote == "reported" and claim.source_actor is not None
    stance = lead.stances(DOC4, "alice")[0]
    new_target = next(t for t in lead.targets() if t.name == "a new question")
    assert stance.target == new_target.id and stance.target != "t-new-alice"   # new entries get new ids
    assert lead.status(DOC4, "alice") == "done"
    before = snapshot(lead)
    again = lead.merge([files["alice"], files["bob"]])
    assert [(f.replaced, f.unchanged) for f in again.files] == [(0, 1), (0, 1)]
    assert snapshot(lead) == before
    lead.undo()                                                  # the first merge is one undo step
    assert lead.spans(DOC4, "alice") == [] and lead.spans(DOC4, "bob") == []


def test_registry_conflict_is_listed_and_decided(lead, tmp_path):
    files = handouts(lead, tmp_path)
    with Project.open(files["alice"]) as h:
        munir = next(a for a in h.actors() if "Munir" in a.name)
        h.update_actor(munir.id, name="Field Marshal Asim Munir (army chief)")
    _annotate(files["alice"], "alice")
    report = lead.merge([files["alice"]])
    assert len(report.files[0].conflicts) == 1 and "Munir" in report.files[0].conflicts[0]
    open_ = lead.merge_conflicts()
    assert len(open_) == 1 and open_[0]["field"] == "name" and open_[0]["annotator"] == "alice"
    assert lead.merge([files["alice"]]).files[0].conflicts   # still reported, not listed twice
    assert len(lead.merge_conflicts()) == 1
    lead.resolve_conflict(open_[0]["id"], "taken")
    assert lead.actor(munir.id).name == "Field Marshal Asim Munir (army chief)"
    assert lead.merge_conflicts() == []


def _tamper(path, sql, foreign_keys=False):
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
    conn.executescript(sql)
    conn.commit()
    conn.close()


@pytest.mark.parametrize("sql,message", [
    ('UPDATE spans SET "end" = 999999 WHERE label = \'ACTOR\'', "outside its text"),
    ("UPDATE spans SET label = 'WEAPON' WHERE label = 'ACTOR'", "label 'WEAPON' is not in the scheme"),
    ("UPDATE spans SET actor_id = 'a-nobody' WHERE label = 'ACTOR'", "is not in the file's registry"),
    ("UPDATE claims SET cue_span = 's-missing'", "not in the same document"),
    ("CREATE TRIGGER t AFTER INSERT ON spans BEGIN DELETE FROM spans; END;", "trigger t"),
    ("CREATE VIEW v AS SELECT * FROM spans;", "view v"),
    ("CREATE TABLE extra (x);", "not an isfannotate project's"),
    ("UPDATE documents SET text = text || ' (edited)'", "does not match its sha256"),
    ("UPDATE spans SET attrs = '[1]' WHERE label = 'ACTOR'", "attributes are not a JSON object"),
    ("UPDATE spans SET attrs = 'not json' WHERE label = 'ACTOR'", "attributes are not a JSON object"),
    ("UPDATE spans SET start = 2.5 WHERE label = 'ACTOR'", "outside its text"),
    ("PRAGMA ignore_check_constraints=ON; UPDATE spans SET start = 'x' WHERE label = 'ACTOR'", "integrity check"),
    ("UPDATE spans SET document_id = 'nowhere' WHERE label = 'ACTOR'", "is not in the file"),
])
def test_tampered_files_are_refused_and_the_project_is_unchanged(lead, tmp_path, snapshot, sql, message):
    files = handouts(lead, tmp_path)
    _annotate(files["alice"], "alice")
    _tamper(files["alice"], sql)
    before = snapshot(lead)
    with pytest.raises(InputError, match=message) as e:
        lead.merge([files["alice"]])
    assert str(files["alice"]) in str(e.value)
    assert snapshot(lead) == before


def test_a_span_the_sql_check_suspects_but_the_rules_accept_is_merged(lead, tmp_path):
    """The spans are screened inside SQLite, which is stricter than the rules (its JSON has no
    NaN): a suspect is judged by the rules themselves, so nothing valid is refused."""
    files = handouts(lead, tmp_path)
    _annotate(files["alice"], "alice")
    _tamper(files["alice"], "UPDATE spans SET attrs = '{\"weight\": NaN}' WHERE label = 'ACTOR'")
    report = lead.merge([files["alice"]])
    assert report.files[0].spans == 2
    actor = next(s for s in lead.spans(DOC4, "alice") if s.label == "ACTOR")
    assert "weight" in actor.attrs


def test_span_and_stance_ids_taken_in_the_project_get_new_ids(lead, tmp_path, snapshot):
    """The annotator's ids are kept unless the project already uses one (another layer here):
    those get new ids, and the claim's source, the stance and its evidence follow them."""
    files = handouts(lead, tmp_path)
    _annotate(files["alice"], "alice")
    with Project.open(files["alice"]) as h:
        actor_id = next(s.id for s in h.spans(DOC4, "alice") if s.label == "ACTOR")
        stance_id = h.stances(DOC4, "alice")[0].id
    zoe = lead.annotate(DOC4, "zoe", 0, 4, "ACTOR").rows("spans")[0].after["id"]
    lead.conn.execute("UPDATE spans SET id=? WHERE id=?", (actor_id, zoe))   # the same id, in zoe's layer
    lead.set_stance(DOC4, "zoe", holder=lead.actors()[0].id, target=lead.targets()[0].id, polarity="oppose")
    lead.conn.execute("UPDATE stances SET id=? WHERE layer='zoe'", (stance_id,))
    lead.merge([files["alice"]])
    spans = {s.label: s for s in lead.spans(DOC4, "alice")}
    assert spans["ACTOR"].id != actor_id and lead.spans(DOC4, "zoe")[0].id == actor_id
    claim = lead.claims(DOC4, "alice")[spans["CLAIM"].id]
    assert claim.source_span == spans["ACTOR"].id
    stance = lead.stances(DOC4, "alice")[0]
    assert stance.id != stance_id and stance.evidence == [spans["CLAIM"].id]
    def rows():   # the registry log is append-only: undo and redo add to it
        return {t: v for t, v in snapshot(lead).items() if t not in ("registry_log", "sqlite_sequence")}
    merged = rows()
    lead.undo()
    assert lead.spans(DOC4, "alice") == [] and lead.spans(DOC4, "zoe")[0].id == actor_id
    lead.redo()
    assert rows() == merged


def _layers(project):   # everything but ids and times, which differ between two projects
    return {"spans": project.conn.execute('SELECT document_id, layer, start, "end", label, actor_id, attrs, author '
                                          "FROM spans ORDER BY 1, 2, 3, 4, 5").fetchall(),
            "stances": project.conn.execute("SELECT document_id, layer, holder, polarity, conditions, author "
                                            "FROM stances ORDER BY 1, 2").fetchall(),
            "claims": project.conn.execute("SELECT source_kind, source_actor, quote FROM claims").fetchall(),
            "doc_status": project.conn.execute("SELECT document_id, layer, status FROM doc_status ORDER BY 1, 2")
            .fetchall()}


def test_spans_bound_row_by_row_equal_spans_copied_inside_sqlite(seeds_dir, tmp_path):
    """Past SQLite's limit of attached files the spans are bound row by row: the same rows, the
    same undo. The file's documents here have other ids than the project's (matched by hash)."""
    results = []
    for limit in (10, 0):
        lead = Project.create(tmp_path / f"l{limit}.isf", registry=seeds_dir / "registry.json")
        lead.import_paths(sorted(seeds_dir.glob("*.txt")))
        files = handouts(lead, tmp_path / f"h{limit}")
        _annotate(files["alice"], "alice")
        _tamper(files["alice"], "".join(f"UPDATE {t} SET document_id = 'renamed' WHERE document_id = '{DOC4}';"
                                        for t in ("spans", "stances", "doc_status", "relations", "doc_labels",
                                                  "assignments", "provenance"))
                + f"UPDATE documents SET id = 'renamed' WHERE id = '{DOC4}';")
        lead.conn.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, limit)
        lead.merge([files["alice"], files["bob"]])
        assert {s.label for s in lead.spans(DOC4, "alice")} == {"ACTOR", "CLAIM"}
        results.append(_layers(lead))
        ops = lead.next_undo.rows("spans")
        assert {op.after["document_id"] for op in ops} == {DOC4} and all(op.after["layer"] == "alice" for op in ops)
        lead.undo()
        assert lead.spans(DOC4, "alice") == []
        lead.redo()
        assert _layers(lead) == results[-1]
        lead.close()
    assert results[0] == results[1]


def test_file_still_open_in_an_app_and_a_newer_or_damaged_file_are_refused(lead, tmp_path, snapshot):
    files = handouts(lead, tmp_path)
    holder = subprocess.Popen([sys.executable, "-c", "import sys; from isfannotate import Project; "
                               "p = Project.open(sys.argv[1], program='isfannotate gui'); print('open', flush=True); "
                               "sys.stdin.readline()", str(files["alice"])],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(InputError, match="still open in isfannotate gui"):
            lead.merge([files["alice"]])
    finally:
        holder.stdin.close()
        holder.stdout.close()
        holder.wait(30)
    _tamper(files["bob"], "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                          "VALUES ('isfannotate', 'm999_future', 'x')")
    before = snapshot(lead)
    with pytest.raises(InputError, match="newer isfannotate"):
        lead.merge([files["alice"], files["bob"]])                  # one bad file: nothing merged
    assert snapshot(lead) == before
    junk = tmp_path / "junk.isf"
    junk.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    with pytest.raises(InputError, match="junk.isf"):
        lead.merge([junk])


def test_an_older_file_is_migrated_as_a_copy_never_in_place(lead, tmp_path):
    files = handouts(lead, tmp_path)
    _annotate(files["alice"], "alice")
    _tamper(files["alice"], "DROP TABLE merge_conflicts; DROP TABLE merge_ids; DROP TABLE merge_digests; "
                            "DROP TABLE assignments; "
                            "DELETE FROM _sqlite_migrations WHERE name = 'm004_team'; PRAGMA user_version = 3;")
    digest = hashlib.sha256(files["alice"].read_bytes()).hexdigest()
    report = lead.merge([files["alice"]])
    assert report.files[0].replaced == 1
    assert hashlib.sha256(files["alice"].read_bytes()).hexdigest() == digest
    assert not list(tmp_path.glob("out/*.bak"))


def test_cli_assign_handout_merge(lead, tmp_path, capsys):
    path = lead.path
    lead.close()
    assert cli(["assign", str(path), "--annotators", "alice,bob", "--overlap", "2"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "assigned 5 documents to 2 annotators, 2 per document (seed 0)"
    assert out[3].split() == ["alice", "5", "bob", "5"] and out[4].split() == ["bob", "5", "alice", "5"]
    assert cli(["handout", str(path), "--out", str(tmp_path / "h")]) == 0
    _annotate(tmp_path / "h" / "corpus-alice.isf", "alice")
    assert cli(["merge", str(path), str(tmp_path / "h" / "corpus-alice.isf")]) == 0
    assert "1 updated" in capsys.readouterr().out
    assert cli(["merge", str(path), str(tmp_path / "missing.isf")]) == 2
    assert "missing.isf: no such file" in capsys.readouterr().err
    with Project.open(path) as p:
        assert len(p.spans(DOC4, "alice")) == 2


def test_merge_in_a_new_process_does_not_import_sqlite_utils(lead, tmp_path):
    """A merge checks each file's schema against a reference built without sqlite-utils (whose
    import cost a merge in a new process 0.2-0.3 s; issue 21); the reference equals the one
    sqlite-utils' migrations build."""
    from isfannotate.store.schema import reference_schema, reference_schema_by_sqlite_utils
    assert reference_schema() == reference_schema_by_sqlite_utils()
    files = handouts(lead, tmp_path)
    _annotate(files["alice"], "alice")
    lead_path = lead.path
    lead.close()
    code = ("import sys\nfrom isfannotate import Project\nwith Project.open(sys.argv[1]) as p:\n"
            "    r = p.merge([sys.argv[2]])\nprint(r.files[0].spans, 'sqlite_utils' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(lead_path), str(files["alice"])], capture_output=True,
                         text=True, check=True).stdout.split()
    assert out == ["2", "False"]


def test_cli_assign_prints_what_it_assigned_with_the_overlap(lead, capsys):
    path = lead.path
    lead.close()
    assert cli(["assign", str(path), "--annotators", "alice,bob,chen", "--overlap", "2", "--documents",
                "004_925ac23fd4dc491f"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "assigned 1 documents to 3 annotators, 2 per document (seed 0)"
    rows = {line.split()[0]: line.split()[1:] for line in out[3:]}
    assert sorted(int(r[0]) for r in rows.values()) == [0, 1, 1]     # one document, two of the three
    nobody = next(n for n, r in rows.items() if r[0] == "0")
    assert rows[nobody] == ["0", "—"]
