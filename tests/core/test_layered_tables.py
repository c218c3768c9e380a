"""The one list of tables with a layer column (store/bundles.py's LAYERED), which handing out,
merging and checking a file all walk, against the schema of a new project."""
from __future__ import annotations

from isfannotate import Project
from isfannotate.store.bundles import LAYERED


def test_every_table_with_a_layer_column_is_in_the_one_list(tmp_path):
    p = Project.create(tmp_path / "p.isf")
    try:
        tables = [r[0] for r in p.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        layered = {t for t in tables if "layer" in [c[1] for c in p.conn.execute(f'PRAGMA table_info("{t}")')]}
    finally:
        p.close()
    # models: a model is trained from layers, not a layer's work; a handout keeps the enabled one.
    # change_journal: which layer changed where, not a layer's work; a handout keeps its annotator's rows
    assert layered - {"models", "change_journal"} == set(LAYERED)
