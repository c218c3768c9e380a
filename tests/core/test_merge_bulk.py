"""A bulk merge or import writes the spans with their secondary indexes dropped and built once
after the rows (``store.merging.DeferredIndexes``): what it clears and writes is the same as with
the indexes kept, undo puts the project back, and the indexes end as they were."""
from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from isfannotate import Project
from isfannotate.store.merging import DeferredIndexes

from .test_team import DOC4, _annotate, _layers, handouts


def _one_more_span(path: Path, who: str, word: str) -> None:
    with Project.open(path) as h:
        i = h.document(DOC4).text.index(word)
        h.annotate(DOC4, who, i, i + len(word), "ACTOR")


def _files(seeds_dir: Path, tmp_path: Path) -> tuple[Path, dict[str, Path]]:
    """A lead's project and its handouts: alice with three spans, bob with two, and bob's file
    again with a third span (his layer changed)."""
    lead = Project.create(tmp_path / "lead.isf", registry=seeds_dir / "registry.json")
    lead.import_paths(sorted(seeds_dir.glob("*.txt")))
    files = handouts(lead, tmp_path)
    lead.close()
    _annotate(files["alice"], "alice")
    _annotate(files["bob"], "bob")
    _one_more_span(files["alice"], "alice", "Pakistan")
    files["bob2"] = tmp_path / "bob2.isf"
    shutil.copyfile(files["bob"], files["bob2"])
    _one_more_span(files["bob2"], "bob", "Pakistan")
    return tmp_path / "lead.isf", files


def _merges(lead: Path, work: Path, rounds: list[list[Path]], monkeypatch, min_rows: int) -> tuple[dict, list]:
    """*rounds* of merges into a copy of *lead*, the indexes deferred from *min_rows* spans on;
    the layers at the end and what ``may_hold`` answered."""
    monkeypatch.setattr(DeferredIndexes, "MIN_ROWS", min_rows)
    asked: list[tuple[str, bool]] = []
    real = DeferredIndexes.may_hold

    def spy(self, layer):
        asked.append((layer, real(self, layer)))
        return asked[-1][1]
    monkeypatch.setattr(DeferredIndexes, "may_hold", spy)
    shutil.copyfile(lead, work)
    with Project.open(work) as p:
        for files in rounds:
            p.merge(files)
        return _layers(p), asked


@pytest.mark.parametrize("rounds", [["alice+bob"], ["bob", "alice+bob2"]])
def test_a_layer_cleared_after_the_indexes_were_dropped_is_cleared_as_with_them(seeds_dir, tmp_path,
                                                                                 monkeypatch, rounds):
    """The second file of a bulk merge is cleared after the first one's write dropped the spans'
    indexes. A layer the project held no span of is not searched then (each search would read
    every span); a layer it held is cleared in full: bob's earlier two spans are replaced, not
    kept beside the new three. Either way the result equals a merge that kept the indexes."""
    lead, files = _files(seeds_dir, tmp_path)
    plan = [[files[w] for w in r.split("+")] for r in rounds]
    kept, _ = _merges(lead, tmp_path / "kept.isf", plan, monkeypatch, 10 ** 9)
    deferred, asked = _merges(lead, tmp_path / "deferred.isf", plan, monkeypatch, 1)
    assert deferred == kept
    bob = [s for s in deferred["spans"] if s[1] == "bob"]
    if len(rounds) == 1:   # a first merge: bob had nothing to clear
        assert ("bob", False) in asked and len(bob) == 2
    else:                      # bob's layer was merged before: cleared in full after alice's drop
        assert ("bob", True) in asked and len(bob) == 3


def test_undo_of_a_bulk_merge_restores_the_project_exactly(seeds_dir, tmp_path, monkeypatch):
    """Undo of a merge whose spans went in with the indexes dropped gives back every row as it
    was (the layers, the indexes, SQLite's integrity), and redo writes the same layers again."""
    lead, files = _files(seeds_dir, tmp_path)
    monkeypatch.setattr(DeferredIndexes, "MIN_ROWS", 1)
    with Project.open(lead) as p:
        p.merge([files["bob"]])
        before = _layers(p)
        p.merge([files["alice"], files["bob2"]])
        after = _layers(p)
        assert after != before
        p.undo()
        assert _layers(p) == before
        p.redo()
        assert _layers(p) == after
    conn = sqlite3.connect(lead)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='spans'")}
        assert {"spans_doc_layer", "spans_actor"} <= names
    finally:
        conn.close()


def test_a_bulk_tool_import_builds_the_span_indexes_after_its_rows(tmp_path, monkeypatch):
    """An import of more spans than the project holds drops the spans' secondary indexes and
    builds them before its commit: the same spans as with them kept, and the indexes back."""
    src = tmp_path / "doccano.jsonl"
    text = "Pakistan has offered to send troops, the minister said."
    src.write_text(json.dumps({"id": "d1", "text": text, "label": [[0, 8, "ACTOR"], [9, 20, "CLAIM"]]}) + "\n",
                   encoding="utf-8")
    built: list[str] = []
    real = DeferredIndexes.restore

    def spy(self):
        built.extend(self.sql)
        real(self)
    monkeypatch.setattr(DeferredIndexes, "restore", spy)
    results = []
    for min_rows in (10 ** 9, 1):
        monkeypatch.setattr(DeferredIndexes, "MIN_ROWS", min_rows)
        with Project.create(tmp_path / f"p{min_rows}.isf") as p:
            p.import_paths([src], annotator="alice")
            results.append(p.conn.execute('SELECT layer, start, "end", label FROM spans ORDER BY start').fetchall())
            plan = " ".join(r[3] for r in p.conn.execute(
                "EXPLAIN QUERY PLAN SELECT * FROM spans WHERE document_id = ? AND layer = ?", ("d1", "alice")))
            assert "spans_doc_layer" in plan
    assert results[0] == results[1] == [("alice", 0, 8, "ACTOR"), ("alice", 9, 20, "CLAIM")]
    assert sorted(built) == ["spans_actor", "spans_doc_layer"]


def test_digests_made_in_the_worker_equal_those_made_while_planning(seeds_dir, tmp_path):
    """Files 2..n are grouped and digested in the worker thread while the file before them is
    written; the first file while planning. Merging the same files in the other order changes
    nothing, whichever way each digest was made."""
    lead, files = _files(seeds_dir, tmp_path)
    with Project.open(lead) as p:
        p.merge([files["alice"], files["bob"]])
        report = p.merge([files["bob"], files["alice"]])
        assert [(f.documents, f.unchanged, f.replaced) for f in report.files] == [(1, 1, 0), (1, 1, 0)]
        report = p.merge([files["alice"], files["bob2"]])
        assert [(f.annotator, f.replaced) for f in report.files] == [("alice", 0), ("bob", 1)]
