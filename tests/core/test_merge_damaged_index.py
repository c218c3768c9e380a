"""An annotator's file with a damaged index (issue 21's fourth merge pass). The merge drops the
temporary copy's secondary indexes before SQLite's integrity check and reads every table by a
scan, so: a key index (PRIMARY KEY, UNIQUE) that does not match its table is still refused by
the integrity check; a secondary index whose b-tree is broken is refused when it is dropped; a
secondary index whose entries are wrong is dropped unread, and the merge takes the tables' rows,
exactly as from the sound file."""
from __future__ import annotations

import shutil
import sqlite3
import unicodedata
from pathlib import Path

import pytest

from isfannotate import Project

from .test_merge_refusals import refused_by_cli
from .test_team import DOC4, _annotate, _layers


@pytest.fixture
def lead(tmp_path, seeds_dir):
    p = Project.create(tmp_path / "corpus.isf", registry=seeds_dir / "registry.json")
    p.import_paths(sorted(seeds_dir.glob("*.txt")))
    p.assign_round_robin(["alice", "bob"], overlap=2)
    files = {unicodedata.normalize("NFC", f.stem.split("-", 1)[1]): f for f in p.handout(tmp_path / "out")}
    p.close()
    _annotate(files["alice"], "alice")
    return tmp_path / "corpus.isf", files["alice"]


def _damaged(path: Path, index: str, find: bytes | None, replace: bytes, tmp_path: Path) -> Path:
    """A copy of *path* with the bytes *find* inside *index*'s root page (a small file's index
    is that one page) replaced by *replace* (None: the page's first byte, its type)."""
    out = tmp_path / f"damaged-{index}.isf"
    shutil.copyfile(path, out)
    conn = sqlite3.connect(out)
    try:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name=?", (index,)).fetchone()[0]
    finally:
        conn.close()
    data = bytearray(out.read_bytes())
    start = (root - 1) * page_size
    if find is None:
        data[start] = replace[0]
    else:
        at = data.find(find, start, start + page_size)
        assert at >= 0, f"{find!r} is not in {index}'s page"
        data[at:at + len(find)] = replace
    out.write_bytes(bytes(data))
    return out


def _a_span_id(path: Path) -> bytes:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT id FROM spans WHERE layer='alice' ORDER BY id").fetchone()[0].encode()
    finally:
        conn.close()


def test_a_key_index_that_does_not_match_its_table_is_refused(lead, tmp_path, capsys):
    corpus, alice = lead
    sid = _a_span_id(alice)
    bad = _damaged(alice, "sqlite_autoindex_spans_1", sid, sid[:-1] + b"~", tmp_path)
    refused_by_cli(corpus, [str(bad)], capsys, bad.name, "integrity check")


def test_a_secondary_index_with_a_broken_b_tree_is_refused(lead, tmp_path, capsys):
    corpus, alice = lead
    bad = _damaged(alice, "spans_doc_layer", None, b"\x07", tmp_path)   # 7: no b-tree page type
    refused_by_cli(corpus, [str(bad)], capsys, bad.name, "damaged")


def test_a_secondary_index_with_wrong_entries_is_dropped_unread(lead, tmp_path):
    """Its entries say another layer: nothing reads the file through it, so the merge takes the
    same rows as from the sound file."""
    corpus, alice = lead
    bad = _damaged(alice, "spans_doc_layer", b"alice", b"alicf", tmp_path)
    conn = sqlite3.connect(bad)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok"   # SQLite sees the damage
    finally:
        conn.close()
    results = []
    for f in (alice, bad):
        work = tmp_path / f"lead-{f.stem}.isf"
        shutil.copyfile(corpus, work)
        with Project.open(work) as p:
            p.merge([f])
            assert len(p.spans(DOC4, "alice")) == 2
            results.append(_layers(p))
    assert results[0] == results[1]
