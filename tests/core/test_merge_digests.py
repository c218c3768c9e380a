"""Where a merge makes its documents' digests: the files read ahead make theirs in the checking
workers, their links mapped as the annotator's last merge mapped them (taken when the registry
maps them the same way again); the digests of documents never merged, which decide nothing,
are made in a thread of their own while SQLite copies the spans. The merge's own thread makes
the rest. Whatever thread makes them, merging the same files again changes nothing."""
from __future__ import annotations

import shutil
import threading

import pytest

from isfannotate import Project
from isfannotate.store.bundles import connect_bundle
from isfannotate.team import digests as digests_module
from isfannotate.team import merge as merge_module

from .test_merge_pipeline import _four_files, _layers


def _spy_on_digests(monkeypatch) -> list[str]:
    """The name of the thread each document's digest is made in."""
    threads: list[str] = []
    real = digests_module.document_digest

    def spy(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)
    monkeypatch.setattr(digests_module, "document_digest", spy)
    monkeypatch.setattr(merge_module, "document_digest", spy)
    return threads


@pytest.mark.parametrize("own_actor", [False, True])
def test_digests_are_made_off_the_merge_thread_where_they_can_be(seeds_dir, tmp_path, monkeypatch, own_actor):
    """First merge: no digest on the merge's thread (the first file's are put off, the others'
    made ahead or put off when the links map otherwise). Merge again: only the first file's, read
    on the merge's thread; the files read ahead come with digests of the links mapped as the
    last merge mapped them, own actors too. Nothing is rewritten, and the layers are those of
    files merged one at a time."""
    lead, files = _four_files(seeds_dir, tmp_path, own_actor)
    alone = tmp_path / "alone.isf"
    shutil.copyfile(lead, alone)
    with Project.open(alone) as p:
        for f in files:
            p.merge([f])
        expected = _layers(p)
    threads = _spy_on_digests(monkeypatch)
    main = threading.current_thread().name
    with Project.open(lead) as p:
        first = p.merge(files)
        assert all(f.replaced == f.documents > 0 for f in first.files)
        assert main not in threads and "isf-merge-digest" in " ".join(threads)
        assert _layers(p) == expected
        stored = p.conn.execute("SELECT count(*) FROM merge_digests").fetchone()[0]
        assert stored == sum(f.documents for f in first.files)
        threads.clear()
        again = p.merge(files)
        assert all(f.replaced == 0 and f.unchanged == f.documents for f in again.files)
        assert threads.count(main) == again.files[0].documents
        assert _layers(p) == expected


def test_an_annotators_copy_is_written_without_syncing(tmp_path):
    """The checked copy is scratch: its writes (an older file's migration, the dropped indexes)
    and the checkpoint when its connection closes never wait for the disk."""
    conn = connect_bundle(tmp_path / "copy.isf")
    try:
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 0
        assert conn.execute("PRAGMA trusted_schema").fetchone()[0] == 0
    finally:
        conn.close()


def test_documents_without_a_digest_are_written_and_digested_later(seeds_dir, tmp_path, monkeypatch):
    """Documents of a file some of which were merged before (their digests kept) and some not:
    the first are compared on the merge's thread and left alone, the others written again, their
    digests made in the digest thread; merged once more, nothing changes."""
    lead, files = _four_files(seeds_dir, tmp_path, own_actor=True)
    threads = _spy_on_digests(monkeypatch)
    main = threading.current_thread().name
    with Project.open(lead) as p:
        p.merge(files[:1])
        expected = _layers(p)
        with p.conn:
            forgotten = p.conn.execute("DELETE FROM merge_digests WHERE rowid % 2 = 0").rowcount
        assert forgotten > 0
        threads.clear()
        report = p.merge(files[:1]).files[0]
        assert report.replaced == forgotten and report.unchanged == report.documents - forgotten
        assert threads.count(main) == report.unchanged
        assert threads.count("isf-merge-digest_0") == forgotten
        assert _layers(p) == expected
        again = p.merge(files[:1]).files[0]
        assert again.replaced == 0 and again.unchanged == again.documents


def test_a_first_merge_of_files_with_actors_of_their_own_makes_each_digest_once(seeds_dir, tmp_path, monkeypatch):
    """Files whose registry holds entries of their own, never merged: the reconciliation gives
    those entries ids of the project's, so digests made ahead with the links as the file has
    them would all be made again; the checking workers make none, the digest thread makes each
    document's once. Merged again, the workers make theirs (the last merge's maps known)."""
    lead, files = _four_files(seeds_dir, tmp_path, own_actor=True)
    threads = _spy_on_digests(monkeypatch)
    with Project.open(lead) as p:
        first = p.merge(files)
        assert len(threads) == sum(f.documents for f in first.files)
        assert not [t for t in threads if t.startswith("isf-merge-check")]
        threads.clear()
        again = p.merge(files)
        assert all(f.unchanged == f.documents for f in again.files)
        assert sum(t.startswith("isf-merge-check") for t in threads) == sum(f.documents for f in again.files[1:])
