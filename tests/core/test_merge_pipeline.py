"""How ``merge_files`` goes through several files: the files after the first are opened, checked
and read in worker threads (``CHECK_WORKERS`` files ahead) while the ones before them are
written, and the spans are copied inside SQLite (the link and document maps joined only when
they map something, the copy filtered by document only when some of a file's documents are
left alone). Whatever the order the work is done in, the project ends as a merge of one file at
a time leaves it, and a bad file anywhere leaves it unchanged."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from isfannotate import InputError, Project
from isfannotate.team import merge as merge_module

from .test_team import _layers as _layers_by_id
from .test_team import _tamper

WHO = ("alice", "bob", "chen", "dana")


def _layers(project: Project) -> dict:
    """The layers, a span's actor by name (an actor new to the project gets a random id)."""
    names = {a.id: a.name for a in project.actors()}
    out = _layers_by_id(project)
    out["spans"] = sorted((*s[:5], names.get(s[5]), *s[6:]) for s in out["spans"])
    return out


def _annotate_all(path: Path, who: str, own_actor: bool) -> None:
    """A span on the first word of every document (linked, in the first two, to an actor of the
    file's own when *own_actor*: it gets a new id in the project), and its status."""
    with Project.open(path) as h:
        own = h.add_actor(f"Ministry of {who}", "government_body").rows("actors")[0].after["id"] if own_actor else None
        for k, doc in enumerate(h.documents()):
            end = doc.text.index(" ")
            sid = h.annotate(doc.id, who, 0, end, "ACTOR").rows("spans")[0].after["id"]
            if own is not None and k < 2:
                h.link_actor(sid, own)
            h.set_status(doc.id, who, "done", reason="test")


def _move_a_span(path: Path, who: str) -> None:
    """The file's layer changes in its first document only."""
    with Project.open(path) as h:
        doc = h.documents()[0]
        span = h.spans(doc.id, who)[0]
        h.delete_span(span.id)
        h.annotate(doc.id, who, 1, span.end, "ACTOR")


def _four_files(seeds_dir: Path, tmp_path: Path, own_actor: bool) -> tuple[Path, list[Path]]:
    lead = tmp_path / "lead.isf"
    with Project.create(lead, registry=seeds_dir / "registry.json") as p:
        p.import_paths(sorted(seeds_dir.glob("*.txt")))
        p.assign_round_robin(list(WHO), overlap=2)
        files = sorted(p.handout(tmp_path / "out"))
    for f in files:
        _annotate_all(f, f.stem.rsplit("-", 1)[1], own_actor)
    return lead, files


@pytest.mark.parametrize("own_actor", [False, True])
def test_four_files_at_once_end_as_merged_one_at_a_time(seeds_dir, tmp_path, own_actor):
    """More files than workers: each is read ahead and merged as if alone; merged again, nothing
    changes; one document changed in two files replaces those two layers there only (the copy
    filtered by document), the same as bound row by row past the limit of attached files."""
    assert merge_module.CHECK_WORKERS < len(WHO) - 1
    lead, files = _four_files(seeds_dir, tmp_path, own_actor)
    together, alone = tmp_path / "together.isf", tmp_path / "alone.isf"
    shutil.copyfile(lead, together)
    shutil.copyfile(lead, alone)
    with Project.open(alone) as p:
        for f in files:
            p.merge([f])
        expected = _layers(p)
    with Project.open(together) as p:
        report = p.merge(files)
        assert [f.annotator for f in report.files] == sorted(WHO)
        assert all(f.replaced == f.documents > 0 for f in report.files)
        assert _layers(p) == expected
        assert {f.new_actors for f in report.files} == ({1} if own_actor else {0})
        again = p.merge(files)
        assert all(f.replaced == 0 and f.unchanged == f.documents for f in again.files)
        assert _layers(p) == expected
    for f in files[:2]:
        _move_a_span(f, f.stem.rsplit("-", 1)[1])
    results = []
    for limit in (10, 0):   # copied inside SQLite; bound row by row
        work = tmp_path / f"changed{limit}.isf"
        shutil.copyfile(together, work)
        with Project.open(work) as p:
            p.conn.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, limit)
            report = p.merge(files)
            assert [f.replaced for f in report.files] == [1, 1, 0, 0]
            results.append(_layers(p))
            p.undo()
            assert _layers(p) == expected
            p.redo()
            assert _layers(p) == results[-1]
    assert results[0] == results[1] != expected
    starts = {(s[1], s[2]) for s in results[0]["spans"]}
    assert {("alice", 1), ("bob", 1)} <= starts and not {("chen", 1), ("dana", 1)} & starts


@pytest.mark.parametrize("bad", [0, 1, 3])
def test_a_bad_file_anywhere_among_four_refuses_the_merge_naming_it(seeds_dir, tmp_path, snapshot, bad):
    """The first file (read here), the second (read ahead at once) or the last (read ahead while
    the ones before it are written): the refusal names that file and nothing is merged."""
    lead, files = _four_files(seeds_dir, tmp_path, own_actor=False)
    _tamper(files[bad], 'UPDATE spans SET "end" = 100000 WHERE rowid = (SELECT min(rowid) FROM spans)')
    with Project.open(lead) as p:
        before = snapshot(p)
        with pytest.raises(InputError, match=files[bad].name) as e:
            p.merge(files)
        assert "outside its text" in str(e.value)
        assert snapshot(p) == before
        assert p.next_undo is None


def _span_ops(change) -> tuple[int, int]:
    ops = change.rows("spans")
    return sum(op.kind == "delete" for op in ops), sum(op.kind == "insert" for op in ops)


def test_a_layer_changed_in_one_span_rewrites_that_span_only(seeds_dir, tmp_path):
    """A document's layer is replaced when it changed; the spans the project already stores as
    the file has them stay in place (deleting a span makes SQLite visit every row that may refer
    to it), while the claims on them are written again: the same layer as a merge into a fresh
    project gives, and undo gives the layer before back."""
    lead, files = _four_files(seeds_dir, tmp_path, own_actor=False)
    alice = files[0]
    with Project.open(alice) as h:
        doc = h.documents()[0]
        words = [i for i, c in enumerate(doc.text) if c == " "][:4]
        ids = [h.annotate(doc.id, "alice", a + 1, b, "ACTOR").rows("spans")[0].after["id"]
               for a, b in zip(words, words[1:], strict=False)]
        cid = h.annotate(doc.id, "alice", 0, words[0], "CLAIM").rows("spans")[0].after["id"]
        h.set_claim(cid, source_span=ids[0], quote="reported")
    with Project.open(lead) as p:
        p.merge([alice])
        before = _layers(p)
    with Project.open(alice) as h:
        h.delete_span(ids[1])
        h.set_claim(cid, quote="direct")
    fresh = tmp_path / "fresh.isf"
    with Project.create(fresh, registry=seeds_dir / "registry.json") as p:
        p.import_paths(sorted(seeds_dir.glob("*.txt")))
        p.merge([alice], new_annotators=["alice"])
        expected = _layers(p)
    with Project.open(lead) as p:
        report = p.merge([alice])
        assert report.files[0].replaced == 1
        assert _span_ops(p.next_undo) == (1, 0)   # the deleted span; the others stay
        assert _layers(p) == expected and ("direct",) in [c[2:] for c in expected["claims"]]
        p.undo()
        assert _layers(p) == before
        p.redo()
        assert _layers(p) == expected
