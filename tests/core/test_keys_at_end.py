"""A lead's first pull (a merge of rows bringing more spans than the project holds) checks the
foreign keys once, before its commit, instead of row by row (``action(keys_at_end=True)``,
``connection.keys_checked_at_end``): a row referring to nothing still refuses the whole action,
the connection has its foreign keys on again afterwards, whatever happened, and the rows
written are the same."""
from __future__ import annotations

import shutil
import sqlite3

import pytest

from isfannotate import Project
from isfannotate.team import merge_rows as merge_rows_module
from isfannotate.team.merge_rows import merge_rows

from . import test_merge_rows

lead = test_merge_rows.lead     # the fixture: a corpus handed out to alice and bob, both files annotated
rows_of, dump = test_merge_rows.rows_of, test_merge_rows.dump
SOURCE = "the team database"


def _keys(p: Project) -> int:
    return int(p.conn.execute("PRAGMA foreign_keys").fetchone()[0])


def _span(doc: str, sid: str = "s-keys") -> dict[str, object]:
    return {"id": sid, "document_id": doc, "layer": "alice", "start": 0, "end": 3, "label": "ACTOR",
            "actor_id": None, "attrs": "{}", "author": "alice", "created_at": "2026-12-08T00:00:00.000+00:00"}


def test_an_action_checking_keys_at_end_refuses_a_row_that_refers_to_nothing(new_project, seeds_dir):
    p = new_project()
    p.import_paths(sorted(seeds_dir.glob("*.txt"))[:1])
    doc = p.documents()[0].id
    before = p.conn.execute("SELECT count(*) FROM spans").fetchone()[0]
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"), \
            p.action("test", None, None, keys_at_end=True) as rec:
        good, bad = _span(doc, "s-ok"), _span("no-such-document", "s-bad")
        rec.insert_tuples("spans", tuple(good), [tuple(good.values()), tuple(bad.values())])
        assert _keys(p) == 0   # checked at the end, not row by row
    assert _keys(p) == 1
    assert p.conn.execute("SELECT count(*) FROM spans").fetchone()[0] == before   # the whole action rolled back
    assert not p.can_undo
    with pytest.raises(sqlite3.IntegrityError):   # and row by row again afterwards
        p.conn.execute("INSERT INTO spans (id, document_id, layer, start, \"end\", label, attrs, author, created_at) "
                       "VALUES ('s-x', 'nowhere', 'alice', 0, 3, 'ACTOR', '{}', 'alice', 'now')")


def test_an_action_checking_keys_at_end_writes_and_undoes_as_any_other(new_project, seeds_dir):
    p = new_project()
    p.import_paths(sorted(seeds_dir.glob("*.txt"))[:1])
    doc = p.documents()[0].id
    with p.action("test", None, None, keys_at_end=True) as rec:
        rec.insert("spans", _span(doc))
    assert _keys(p) == 1
    assert [s.id for s in p.spans(doc, "alice")] == ["s-keys"]
    p.undo()
    assert p.spans(doc, "alice") == []


def test_a_large_pull_checks_the_keys_once_and_writes_the_same_rows(lead, tmp_path, monkeypatch):
    corpus, files = lead
    given = [rows_of(files["alice"], "alice"), rows_of(files["bob"], "bob")]
    row_by_row, at_end = tmp_path / "row.isf", tmp_path / "end.isf"
    shutil.copyfile(corpus, row_by_row)
    shutil.copyfile(corpus, at_end)
    with Project.open(row_by_row) as p:   # the seeds' few spans: below the threshold, keys row by row
        seen = []
        merge_rows(p, given, source=SOURCE, progress=lambda done, total: seen.append(_keys(p)))
        assert seen == [1, 1]
    monkeypatch.setattr(merge_rows_module, "BULK_SPANS", 1)
    with Project.open(at_end) as p:
        seen = []
        report = merge_rows(p, given, source=SOURCE, progress=lambda done, total: seen.append(_keys(p)))
        assert seen == [0, 0]   # while the layers are written
        assert [f.replaced for f in report.files] == [1, 1]
        assert _keys(p) == 1
        assert p.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert dump(at_end) == dump(row_by_row)


def test_a_large_pull_whose_rows_break_a_key_merges_nothing(lead, tmp_path, monkeypatch):
    """Validation refuses a span of a document the project lacks before anything is written; a
    key broken past it (here: a document deleted under the merge) is found by the check at the
    end, and the pull is refused whole."""
    corpus, files = lead
    given = [rows_of(files["alice"], "alice"), rows_of(files["bob"], "bob")]
    monkeypatch.setattr(merge_rows_module, "BULK_SPANS", 1)
    shutil.copyfile(corpus, tmp_path / "before.isf")
    with Project.open(corpus) as p:
        doc = given[0].rows["spans"][0][given[0].columns["spans"].index("document_id")]

        def drop_a_document(done: int, total: int) -> None:
            if done == 1:   # alice's layer written, bob's not yet: her document goes, keys off
                p.conn.execute("DELETE FROM spans WHERE document_id = ? AND layer <> 'alice'", (doc,))
                p.conn.execute("DELETE FROM documents WHERE id = ?", (doc,))
        with pytest.raises(Exception, match="break a rule of the project's tables"):
            merge_rows(p, given, source=SOURCE, progress=drop_a_document)
        assert _keys(p) == 1
    assert dump(corpus) == dump(tmp_path / "before.isf")
