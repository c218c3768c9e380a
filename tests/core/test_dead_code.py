"""No dead code (issue 21): every function, method, class, property and attribute defined in the
core or the app is used somewhere in the repository (the core, the app, the tests, the benches,
the CI scripts), by vulture's reading of the source. What a framework calls by name (Qt's
overrides, pydantic's validators, Python's protocols) is listed below with the reason."""
from __future__ import annotations

from pathlib import Path

import pytest

vulture = pytest.importorskip("vulture")

REPO = Path(__file__).resolve().parents[2]
CHECKED = ("isfannotate", "ui/isfannotate_ui")
READ = (*CHECKED, "tests", "bench", ".ci")

# name -> why it stays although nothing in the repository calls it
CALLED_BY_NAME = {
    # Qt calls these overrides of its classes
    "headerData": "QAbstractItemModel", "paint": "QStyledItemDelegate", "lessThan": "QSortFilterProxyModel",
    "filterAcceptsRow": "QSortFilterProxyModel", "highlightBlock": "QSyntaxHighlighter", "toolTip": "QWidget",
    # Python calls these
    "__getattr__": "module attribute hook (lazy imports)", "writable": "io protocol of the served stdout",
    # pydantic calls its validators
    "_choices": "pydantic field validator", "_unique": "pydantic model validator",
    # a part of Project, reached by its forwards through the part's name (ops.forward)
    "team_actions": "Project's part, forwarded by name",
    # public attributes kept for callers
    "last_progress": "Job: the last (done, total) reported, for callers that poll",
    # widgets the window names for its menus and actions (tests and users find them by name)
    "edit_menu": "window menu", "file_menu": "window menu", "help_menu": "window menu",
    "redo_action": "window action", "done_action": "window action", "delete_action": "window action",
    "cancel_button": "dialog button", "export_button": "view button",
    # owned by other work in progress (issue 21/22): the owner removes or uses them
    "read_annotator_file": "team/untrusted.py (the store-team work)",
}


def unused() -> list[str]:
    v = vulture.Vulture()
    v.scavenge([str(REPO / p) for p in READ if (REPO / p).exists()])
    out = []
    for item in v.get_unused_code(min_confidence=60):
        path = Path(item.filename).resolve()
        rel = path.relative_to(REPO).as_posix()
        if item.typ == "variable" or not rel.startswith(CHECKED) or ".venv" in path.parts:
            continue   # variables: mostly arguments a signature needs
        if item.name in CALLED_BY_NAME:
            continue
        out.append(f"{rel}:{item.first_lineno}: {item.message}")
    return sorted(out)


def test_nothing_defined_in_the_core_or_the_app_is_unused():
    assert unused() == []


def test_the_walk_finds_an_unused_function(tmp_path):
    (tmp_path / "m.py").write_text("def used():\n    return 1\n\n\ndef forgotten():\n    return 2\n\n\nused()\n")
    v = vulture.Vulture()
    v.scavenge([str(tmp_path)])
    assert [i.name for i in v.get_unused_code(min_confidence=60)] == ["forgotten"]
