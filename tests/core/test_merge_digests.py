"""An annotator's file's checked copy is scratch."""
from __future__ import annotations

from isfannotate.store.bundles import connect_bundle


def test_an_annotators_copy_is_written_without_syncing(tmp_path):
    """The checked copy is scratch: its writes (an older file's migration, the dropped indexes)
    and the checkpoint when its connection closes never wait for the disk."""
    conn = connect_bundle(tmp_path / "copy.isf")
    try:
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 0
        assert conn.execute("PRAGMA trusted_schema").fetchone()[0] == 0
    finally:
        conn.close()
