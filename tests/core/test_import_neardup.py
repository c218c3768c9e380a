"""The import's near-duplicate search (issue 21): it runs in a second thread while SQLite writes
the documents, over the project's old documents and the new ones in import order; what it finds
is what the search over the stored project finds, and an error or a Cancel on either side leaves
the project as it was, with no thread left running."""
from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

import isfannotate.importing.documents as documents
from isfannotate import Project
from isfannotate.errors import JobCancelled
from isfannotate.neardup import find_groups
from isfannotate.store import changes

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def seed(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}_*.txt"))


def groups_of(p: Project) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for d in p.documents():
        if d.near_dup_group:
            out.setdefault(d.near_dup_group, []).append(d.id[:3])
    return out


def searching_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "near-duplicates"]


def test_a_later_import_regroups_old_and_new_documents_in_import_order(new_project, tmp_path):
    p = new_project()
    p.import_paths([seed("000"), seed("001"), seed("003"), seed("004")])
    assert groups_of(p) == {}
    again = tmp_path / "again.jsonl"       # 003 republished with a new headline, and 001's twin
    text3 = seed("003").read_text(encoding="utf-8")
    again.write_text(json.dumps({"id": "003-updated", "text": "Updated: " + text3}) + "\n", encoding="utf-8")
    report = p.import_paths([again, seed("002")])
    # g1 is the group whose first document came first (001, imported before 003)
    assert groups_of(p) == {"g1": ["001", "002"], "g2": ["003", "003"]}
    assert sorted(map(sorted, report.near_duplicate_groups)) == sorted(
        sorted(ids) for ids in [[d.id for d in p.documents() if d.near_dup_group == g] for g in ("g1", "g2")])
    # the same groups as a search over every stored text in import order
    docs = p.documents()
    assert [[docs[i].id for i in g] for g in find_groups([d.text for d in docs])] == [
        [d.id for d in docs if d.near_dup_group == g] for g in ("g1", "g2")]
    unrelated = tmp_path / "other.jsonl"
    unrelated.write_text(json.dumps({"id": "x", "text": "Nothing like the others at all."}) + "\n", encoding="utf-8")
    assert p.import_paths([unrelated]).near_duplicate_groups == []
    assert groups_of(p) == {"g1": ["001", "002"], "g2": ["003", "003"]}
    assert searching_threads() == []


def test_an_error_in_the_search_fails_the_import_and_changes_nothing(new_project, snapshot, monkeypatch):
    p = new_project()
    p.import_paths([seed("000")])
    before = snapshot(p)

    def broken(texts):
        raise MemoryError("no room for the shingles")

    monkeypatch.setattr(documents, "find_groups", broken)
    with pytest.raises(MemoryError, match="shingles"):
        p.import_paths([seed("001"), seed("002")])
    assert snapshot(p) == before
    assert searching_threads() == []


def test_a_cancel_while_the_rows_go_in_waits_for_the_search_and_changes_nothing(tmp_path, snapshot, monkeypatch):
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": f"a{i}", "text": f"Report {i}. " + "word " * 50}) + "\n"
                           for i in range(200)), encoding="utf-8")
    release = threading.Event()

    def held(texts):        # the search still running when the Cancel comes
        release.wait(30)
        return find_groups(texts)

    monkeypatch.setattr(documents, "find_groups", held)
    with Project.create(tmp_path / "p.isf") as p:
        before = snapshot(p)
        seen = []

        def run(project, forward, cancelled):
            def progress(done, total):
                if done * 2 > total and not seen:       # past the reading: the rows are going in
                    seen.append(len(searching_threads()))
                    job.cancel()
                    release.set()
                forward(done, total)
            return project.import_paths([src], progress=progress)

        job = p.jobs.submit("Importing", run)
        job.wait(60)
        assert isinstance(job.error, JobCancelled)
        assert seen == [1]
        assert snapshot(p) == before
        assert searching_threads() == []


def test_rows_in_multi_row_statements_are_the_rows_executemany_writes(new_project, monkeypatch):
    """More rows than one statement may bind go in several statements, in their order."""
    monkeypatch.setattr(changes, "_MAX_VARIABLES", 6 * 3)   # three documents to a statement
    cols = ("id", "seq", "text", "sha256", "meta", "imported_at")
    rows = [(f"d{i}", 10 - i, f"text {i}", f"{i:064x}", "{}", "2026-01-01") for i in range(7)]
    read = {}
    for one_statement in (False, True):
        p = new_project(f"p{one_statement}.isf")
        with p.action("import", None, None, "rows", undoable=False, bulk=True) as rec:
            rec.insert_tuples("documents", cols, rows, key_order=False, one_statement=one_statement)
        with p.snapshot() as conn:
            read[one_statement] = conn.execute(
                "SELECT rowid, id, seq, text, sha256, meta, imported_at FROM documents ORDER BY rowid").fetchall()
    assert read[True] == read[False] and [r[1] for r in read[True]] == [r[0] for r in rows]
