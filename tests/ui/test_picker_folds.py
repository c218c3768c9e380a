"""The actor picker's names are folded once per registry version (issue 21's key budget): a label
key that opens the picker, and its check for a known name, fold the query, not every name and
alias of the registry again; a registry change folds them anew."""
from __future__ import annotations

from PySide6.QtCore import Qt

from isfannotate import kb

DOC4 = "004_925ac23fd4dc491f"


def test_a_label_key_folds_no_registry_name_again(qtbot, window, sel, monkeypatch):
    window.show_document(DOC4)
    text = window.view.text()
    names = sum(1 + len(a.aliases) for a in window.session.actors())
    assert names > 20
    i = text.index("Pakistan")
    sel(window, i + 3, i + 6)
    qtbot.keyClick(window.view, Qt.Key.Key_1)        # the first key folds the registry once
    assert window.kb.picker.isVisible()
    qtbot.keyClick(window.kb.picker.query, Qt.Key.Key_Escape)
    calls = []
    real = kb._fold
    monkeypatch.setattr(kb, "_fold", lambda t: calls.append(t) or real(t))
    j = text.index("Stabilisation")
    sel(window, j + 2, j + 5)
    qtbot.keyClick(window.view, Qt.Key.Key_1)
    picker = window.kb.picker
    assert picker.isVisible() and picker.matches.count() >= 1
    assert len(calls) < 10, f"{len(calls)} names folded for one key ({names} in the registry)"
    # a new actor (a registry change) is found by the next opening
    window.session.registry_changed()
    calls.clear()
    assert window.session.actor_folds() is not None and len(calls) >= names
