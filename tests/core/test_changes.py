"""The change record's bulk form and nested attempts (changes.py), on a real project file."""
from __future__ import annotations

import sqlite3

import pytest

from isfannotate import Project


@pytest.fixture
def project(tmp_path):
    p = Project.create(tmp_path / "c.isf")
    yield p
    p.close()


def _doc(p, tmp_path):
    src = tmp_path / "d.txt"
    src.write_text("Rubio met Munir in Islamabad.", encoding="utf-8")
    p.import_paths([src])
    return p.documents()[0].id


COLS = ("id", "document_id", "start", "end", "label", "actor_id", "attrs", "created_at")


def test_bulk_rows_are_logged_as_tuples_and_become_ops_when_read(project, tmp_path):
    doc = _doc(project, tmp_path)
    rows = [("s-a", doc, 0, 5, "ACTOR", None, "{}", "t"), ("s-b", doc, 10, 15, "ACTOR", None, "{}", "t")]
    with project._action("bulk", None, "zoe") as rec:
        rec.insert_tuples("spans", COLS, rows, {"layer": "zoe", "author": "it's zoe"})
        change = rec.change
        assert change.size == 2 and change._bulk          # two rows in bulk, no Op built
    assert change.size == 3                               # + the new annotator, at the action's end
    stored = project.conn.execute("SELECT id, layer, author FROM spans ORDER BY id").fetchall()
    assert stored == [("s-a", "zoe", "it's zoe"), ("s-b", "zoe", "it's zoe")]   # the quote is kept
    ops = change.rows("spans")
    assert [op.after["id"] for op in ops] == ["s-a", "s-b"] and ops[0].after["layer"] == "zoe"
    assert not change._bulk and change.size == 3
    project.undo()
    assert project.conn.execute("SELECT count(*) FROM spans").fetchone()[0] == 0
    project.redo()
    assert project.conn.execute("SELECT count(*) FROM spans").fetchone()[0] == 2


def test_a_failed_attempt_leaves_no_rows_and_no_ops(project, tmp_path):
    doc = _doc(project, tmp_path)
    with project._action("try", None, "zoe") as rec:
        rec.insert_tuples(
            "spans", COLS, [("s-a", doc, 0, 5, "ACTOR", None, "{}", "t")], {"layer": "zoe", "author": "z"}
        )
        before = rec.change.size
        with pytest.raises(sqlite3.IntegrityError):
            with rec.attempt():
                rec.insert_tuples("spans", COLS, [("s-b", doc, 0, 5, "ACTOR", None, "{}", "t"),
                                                  ("s-a", doc, 1, 5, "ACTOR", None, "{}", "t")],   # taken id
                                  {"layer": "zoe", "author": "z"})
        assert rec.change.size == before
        with rec.attempt():
            rec.insert_tuples(
                "spans", COLS, [("s-c", doc, 2, 5, "ACTOR", None, "{}", "t")], {"layer": "zoe", "author": "z"}
            )
    ids = [r[0] for r in project.conn.execute("SELECT id FROM spans ORDER BY id")]
    assert ids == ["s-a", "s-c"]
    assert [op.after["id"] for op in project.next_undo.rows("spans")] == ["s-a", "s-c"]


def test_an_insert_that_cannot_be_read_back_rolls_back_rather_than_log_an_empty_op(project):
    # A row gone by the time it is read back (here a trigger deletes it) used to be logged as
    # Op(table, None, None): an op undo cannot apply. The action now refuses and rolls back.
    project.conn.execute("CREATE TEMP TRIGGER vanish AFTER INSERT ON project_info "
                         "BEGIN DELETE FROM project_info WHERE key = NEW.key; END")
    undo_depth = project.can_undo
    with pytest.raises(RuntimeError, match="cannot be read back"), project._action("info", None, None) as rec:
        rec.insert("project_info", {"key": "k", "value": "v"})
    assert project.can_undo == undo_depth


def test_size_counts_bulk_rows_without_going_through_the_ops(project, tmp_path):
    """``size`` is kept as rows are logged (a merge asks it several times over tens of thousands
    of ops): it equals the ops' count once expanded, after bulk rows, single rows, an empty bulk
    and a failed attempt alike."""
    doc = _doc(project, tmp_path)
    same = {"layer": "zoe", "author": "z"}
    with project._action("sizes", None, "zoe") as rec:
        rec.insert_tuples("spans", COLS, [(f"s-{i}", doc, i, i + 3, "ACTOR", None, "{}", "t") for i in range(5)], same)
        rec.change.add_bulk("spans", COLS, [], same)   # a copy that inserted nothing
        rec.insert("annotators", {"name": "zoe", "created_at": "t"})
        assert rec.change.size == 6
        with pytest.raises(sqlite3.IntegrityError), rec.attempt():
            rec.insert_tuples("spans", COLS, [("s-9", doc, 0, 5, "ACTOR", None, "{}", "t"),
                                              ("s-0", doc, 0, 5, "ACTOR", None, "{}", "t")], same)
        assert rec.change.size == 6
        change = rec.change
    assert change.size == len(change.ops) == 6 and not change._bulk


def test_a_change_wrote_something_exactly_when_its_size_is_not_zero():
    """``Change.wrote`` (what an action asks before journalling and keeping an undo step) agrees
    with ``size`` without counting every op: a bulk insert of no rows wrote nothing."""
    from isfannotate.store.changes import Change, Op
    change = Change("merge", None, None)
    assert not change.wrote and change.size == 0
    change.add_bulk("spans", COLS, [], {"layer": "ann"})
    assert not change.wrote and change.size == 0
    change.add_bulk("spans", COLS, [("s1", "d", 0, 5, "ACTOR", None, "{}", "t")], {"layer": "ann"})
    assert change.wrote and change.size == 1
    only_op = Change("edit", None, None, [Op("spans", None, {"id": "s2"})])
    assert only_op.wrote and only_op.size == 1
