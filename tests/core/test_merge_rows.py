"""Issue 23: the merge that takes rows (the lead's pull from the team database) instead of files:
the same checks as an annotator's file, the same result as merging that file, idempotent, and a
refusal in one line naming the layer and the document, leaving the project unchanged."""
from __future__ import annotations

import shutil
import sqlite3
import unicodedata
from pathlib import Path

import pytest

from isfannotate import Project
from isfannotate.errors import IsfError
from isfannotate.store.teamsync import LAYER_TABLES, columns, layer_rows, table_rows
from isfannotate.team.merge_rows import LayerIn, merge_rows

from .test_merge_refusals import digest
from .test_team import DOC4, _annotate

# What a merge writes, compared between the two ways in (no value made up at merge time: a new
# registry entry gets a new id either way, so a stance's target is compared by its name, and a
# digest, which holds that id, is not compared).
COMPARED = {
    "spans": 'id, document_id, layer, start, "end", label, actor_id, attrs, author, created_at',
    "claims": "span_id, source_kind, source_actor, source_span, cue_span, quote",
    "stances": "id, document_id, layer, holder, (SELECT name FROM targets t WHERE t.id = target), polarity, "
               "conditions, author",
    "stance_evidence": "stance_id, span_id, position",
    "doc_status": "document_id, layer, status, reason",
    "doc_labels": "document_id, layer, key, value",
    "merge_digests": "annotator, document_id",
    "actors": "name, type, aliases, external_id",
    "targets": "name, description",
    "annotators": "name",
}


@pytest.fixture
def lead(tmp_path, seeds_dir):
    p = Project.create(tmp_path / "corpus.isf", registry=seeds_dir / "registry.json")
    p.import_paths(sorted(seeds_dir.glob("*.txt")))
    p.assign_round_robin(["alice", "bob"], overlap=2)
    files = {unicodedata.normalize("NFC", f.stem.split("-", 1)[1]): f for f in p.handout(tmp_path / "out")}
    p.close()
    _annotate(files["alice"], "alice")
    _annotate(files["bob"], "bob")
    return tmp_path / "corpus.isf", files


def rows_of(path: Path, who: str, tamper: str | None = None) -> LayerIn:
    """*who*'s layer in the file at *path* as rows (what the lead's sync reads of the server):
    read from a copy, after *tamper* (SQL) ran on it."""
    copy = path.with_name(path.stem + "-rows.isf")
    shutil.copyfile(path, copy)
    conn = sqlite3.connect(copy)
    try:
        if tamper:
            conn.execute("PRAGMA foreign_keys=OFF")
            conn.execute("PRAGMA ignore_check_constraints=ON")   # rows the server could hold, not a file
            conn.executescript(tamper)
        per_doc = layer_rows(conn, who)
        rows: dict[str, list[tuple]] = {t: [] for t in LAYER_TABLES}
        for parts in per_doc.values():
            for table in LAYER_TABLES:
                rows[table] += parts.get(table, [])
        return LayerIn(who, sorted(per_doc), {t: columns(t) for t in ("actors", "targets", *LAYER_TABLES)}, rows,
                       table_rows(conn, "actors"), table_rows(conn, "targets"))
    finally:
        conn.close()
        copy.unlink()


def dump(path: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    try:
        return {t: sorted(conn.execute(f"SELECT {cols} FROM {t}").fetchall(), key=repr) for t, cols in COMPARED.items()}
    finally:
        conn.close()


def test_rows_merge_as_the_file_would_and_again_change_nothing(lead, tmp_path):
    corpus, files = lead
    by_file, by_rows = tmp_path / "by-file.isf", tmp_path / "by-rows.isf"
    shutil.copyfile(corpus, by_file)
    shutil.copyfile(corpus, by_rows)
    with Project.open(by_file) as p:
        file_report = p.merge([files["alice"], files["bob"]])
    given = [rows_of(files["alice"], "alice"), rows_of(files["bob"], "bob")]
    with Project.open(by_rows) as p:
        report = merge_rows(p, given, source="the team database")
        assert [(f.path, f.documents, f.replaced, f.unchanged, f.spans, f.new_actors, f.new_targets)
                for f in report.files] == \
               [(f"the team database: {f.annotator}'s layer", f.documents, f.replaced, f.unchanged, f.spans,
                 f.new_actors, f.new_targets) for f in file_report.files]
        assert [f.replaced for f in report.files] == [1, 1]
        # one action, one undo step
        assert p.next_undo is not None and p.next_undo.action == "merge"
        again = merge_rows(p, given, source="the team database")
        assert [(f.replaced, f.unchanged) for f in again.files] == [(0, 1), (0, 1)]
    assert dump(by_rows) == dump(by_file)
    # the file merged after the rows finds nothing new either (the same digests)
    with Project.open(by_rows) as p:
        assert all(f.replaced == 0 for f in p.merge([files["alice"], files["bob"]]).files)


@pytest.mark.parametrize("tamper,words", [
    ('UPDATE spans SET "end" = 999999 WHERE label = \'ACTOR\'', ["outside its text"]),
    ("UPDATE spans SET label = 'WEAPON' WHERE label = 'ACTOR'", ["label 'WEAPON' is not in the scheme"]),
    ("UPDATE spans SET actor_id = 'a-nobody' WHERE label = 'ACTOR'", ["is not in the file's registry"]),
    ("UPDATE claims SET cue_span = 's-missing'", ["not in the same document"]),
    ("UPDATE stances SET polarity = 'adores'", ["polarity 'adores' is not in the scheme"]),
    ("UPDATE doc_status SET status = 'shipped'", ["document status 'shipped'"]),
])
def test_bad_rows_refuse_the_layer_naming_it_and_the_document(lead, tmp_path, tamper, words):
    corpus, files = lead
    before = digest(corpus)
    bad = rows_of(files["alice"], "alice", tamper)
    good = rows_of(files["bob"], "bob")
    with Project.open(corpus) as p:
        with pytest.raises(IsfError) as e:
            merge_rows(p, [good, bad], source="the team database")
        assert not p.can_undo
    msg = str(e.value)
    assert "\n" not in msg and msg.startswith(f"the team database: alice's layer, document {DOC4}: "), msg
    for w in words:
        assert w in msg, msg
    assert digest(corpus) == before


def test_rows_of_another_layer_refuse_the_layer(lead, tmp_path):
    corpus, files = lead
    before = digest(corpus)
    bad = rows_of(files["alice"], "alice")
    at = bad.columns["spans"].index("layer")
    bad.rows["spans"][0] = (*bad.rows["spans"][0][:at], "ben", *bad.rows["spans"][0][at + 1:])
    with Project.open(corpus) as p:
        with pytest.raises(IsfError, match=rf"^the team database: alice's layer, document {DOC4}: holds spans rows "
                                           r"of another layer \('ben'\); refused$"):
            merge_rows(p, [bad], source="the team database")
    assert digest(corpus) == before


def test_registry_and_missing_documents_refused_naming_the_layer(lead, tmp_path):
    corpus, files = lead
    before = digest(corpus)
    bad_actor = rows_of(files["alice"], "alice", "UPDATE actors SET type = 'spaceship' WHERE id = 'a-new-alice'")
    null_note = rows_of(files["alice"], "alice")   # a proposal read from JSON can hold anything
    at = null_note.columns["actors"].index("note")
    null_note.actors = [(*r[:at], None, *r[at + 1:]) if r[0] == "a-new-alice" else r for r in null_note.actors]
    unknown_doc = rows_of(files["alice"], "alice")
    unknown_doc.documents.append("no-such-document")
    with Project.open(corpus) as p:
        with pytest.raises(IsfError, match=r"^the team database: alice's layer, its registry: actor a-new-alice: "
                                           r"type 'spaceship' is not in the scheme$"):
            merge_rows(p, [bad_actor], source="the team database")
        with pytest.raises(IsfError, match=r"^the team database: alice's layer, its registry: actor 'a-new-alice': "
                                           r"note is NoneType, not text$"):
            merge_rows(p, [null_note], source="the team database")
        with pytest.raises(IsfError, match=r"^the team database: alice's layer: 1 of its documents are not in the "
                                           r"project \(e.g. 'no-such-document'\)"):
            merge_rows(p, [unknown_doc], source="the team database")
        with pytest.raises(IsfError, match="both hold alice's work"):
            merge_rows(p, [rows_of(files["alice"], "alice"), rows_of(files["alice"], "alice")],
                       source="the team database")
    assert digest(corpus) == before


def _schema(path: Path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return sorted(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master "
                                   "WHERE name NOT LIKE 'sqlite_%'"))
    finally:
        conn.close()


@pytest.mark.parametrize("how", ["files", "rows"])
def test_a_bulk_merge_builds_the_span_indexes_after_its_rows(lead, tmp_path, monkeypatch, how):
    """A merge that inserts more spans than the project holds drops the spans' two secondary
    indexes and builds them again before its commit: the schema ends as it was, the queries
    that use them still answer, undo removes the rows, and a refusal after the drop leaves the
    project byte-identical (the drop is rolled back with everything)."""
    from isfannotate.store.merging import DeferredIndexes

    corpus, files = lead
    monkeypatch.setattr(DeferredIndexes, "MIN_ROWS", 1)
    dropped: list[str] = []
    real = DeferredIndexes.before_insert

    def spy(self, rows):
        real(self, rows)
        dropped.extend(self.sql)
    monkeypatch.setattr(DeferredIndexes, "before_insert", spy)
    schema = _schema(corpus)
    before = digest(corpus)
    bad = rows_of(files["bob"], "bob", 'UPDATE spans SET "end" = 999999 WHERE label = \'ACTOR\'')
    with Project.open(corpus) as p:
        if how == "files":
            broken = tmp_path / "broken.isf"
            shutil.copyfile(files["bob"], broken)
            conn = sqlite3.connect(broken)
            conn.execute('UPDATE spans SET "end" = 999999 WHERE label = \'ACTOR\'')
            conn.commit()
            conn.close()
            with pytest.raises(IsfError, match="outside its text"):
                p.merge([files["alice"], broken])
        else:
            with pytest.raises(IsfError, match="outside its text"):
                merge_rows(p, [rows_of(files["alice"], "alice"), bad], source="the team database")
    assert digest(corpus) == before and _schema(corpus) == schema
    with Project.open(corpus) as p:
        if how == "files":
            p.merge([files["alice"], files["bob"]])
        else:
            merge_rows(p, [rows_of(files["alice"], "alice"), rows_of(files["bob"], "bob")], source="x")
        assert sorted(set(dropped)) == ["spans_actor", "spans_doc_layer"]
        assert len(p.spans(DOC4, "alice")) == 2 and len(p.spans(DOC4, "bob")) == 2
        p.undo()
        assert p.spans(DOC4, "alice") == [] and p.spans(DOC4, "bob") == []
    assert _schema(corpus) == schema
    conn = sqlite3.connect(corpus)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        plan = " ".join(r[3] for r in conn.execute("EXPLAIN QUERY PLAN SELECT * FROM spans WHERE document_id = ? "
                                                   "AND layer = ?", (DOC4, "alice")))
        assert "spans_doc_layer" in plan
    finally:
        conn.close()
