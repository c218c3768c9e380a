"""The lead's team work in the window (issue 12): assign, hand out, merge with its conflicts,
the agreement view with its drill-down to the unit in the annotator's layer, the progress
board, and the unanimous layer offered by Export."""
import os
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt

from isfannotate import Project

DOC4 = "004_925ac23fd4dc491f"
DOC3 = "003_6e62d58ac1819318"


def shot(widget, tmp_path, name):
    """Screenshots go to $ISF_SHOTS when set (to look at them), else into the test's folder."""
    folder = Path(os.environ.get("ISF_SHOTS") or tmp_path)
    widget.grab().save(str(folder / name))


def wait_jobs(qtbot, window):
    qtbot.waitUntil(lambda: not window.files.jobs, timeout=20000)


def test_assign_round_robin_and_by_hand_from_the_list(qtbot, window):
    dlg = window.team.assign_dialog()
    dlg.annotators.setText("bob, carol")
    dlg.overlap.setValue(2)
    qtbot.mouseClick(dlg.findChild(type(dlg.round_robin), "assignRoundRobin"), Qt.MouseButton.LeftButton)
    dlg._on_ok()
    got = window.project.assignments()
    assert sorted(got) == ["bob", "carol"] and len(got["bob"]) == len(got["carol"]) == 6
    # by hand: the documents selected in the list, to dave
    docs = window.documents
    sm = docs.view.selectionModel()
    sm.clearSelection()
    for doc in (DOC3, DOC4):
        idx = docs.proxy.mapFromSource(docs.model.index(docs.model.row_of(doc)))
        sm.select(idx, QItemSelectionModel.SelectionFlag.Select)
    dlg = window.team.assign_dialog()
    assert dlg.by_hand.isEnabled() and "2 documents" in dlg.by_hand.text()
    dlg.by_hand.setChecked(True)
    dlg.annotators.setText("dave")
    dlg._on_ok()
    assert sorted(window.project.assignments()["dave"]) == [DOC3, DOC4]
    window.undo()                                       # one undoable action
    assert "dave" not in window.project.assignments()
    # a bad overlap is said in the dialog, not raised
    dlg = window.team.assign_dialog()
    dlg.annotators.setText("bob")
    dlg.overlap.setValue(3)
    dlg._on_ok()
    assert "overlap" in dlg.error.text()


def _work_in(path, who, start_word, label="ACTOR", rename=None):
    with Project.open(path) as h:
        assert h.recorded_annotator == who
        text = h.document(DOC4).text
        i = text.index(start_word)
        h.annotate(DOC4, who, i, i + len(start_word), label)
        h.set_status(DOC4, who, "done", reason="test")
        if rename:
            munir = next(a for a in h.actors() if "Munir" in a.name)
            h.update_actor(munir.id, name=rename)


def test_hand_out_merge_conflicts_agreement_and_board(qtbot, window, tmp_path):
    p = window.project
    window.team.assign({"annotators": ["bob", "carol"], "overlap": 2, "seed": 0, "documents": None})
    window.team.start_handout(str(tmp_path / "out"))
    wait_jobs(qtbot, window)
    files = {f.stem.split("-")[-1]: f for f in window.team.last_handout}
    assert sorted(files) == ["bob", "carol"]
    # handing out again into the same folder asks before writing over the files
    window.team.last_handout = None
    window.team.start_handout(str(tmp_path / "out"))
    wait_jobs(qtbot, window)
    box = next(d for d in window.dialogs if d.objectName() == "handoutOverwrite")
    assert window.team.last_handout is None
    next(b for b in box.buttons() if b.text() == "Overwrite").click()
    wait_jobs(qtbot, window)
    assert sorted(f.stem.split("-")[-1] for f in window.team.last_handout) == ["bob", "carol"]
    _work_in(files["bob"], "bob", "Marco Rubio", rename="Asim Munir (army chief)")
    _work_in(files["carol"], "carol", "Marco Rubio")
    _work_in(files["carol"], "carol", "Pakistan")            # carol only: a disagreement

    window.team.start_merge([str(files["bob"]), str(files["carol"])])
    wait_jobs(qtbot, window)
    dlg = window.team.merge_window
    assert "bob" in dlg.report.toPlainText() and "carol" in dlg.report.toPlainText()
    assert dlg.progress.value() == dlg.progress.maximum()
    assert dlg.table.rowCount() == 1 and dlg.table.item(0, 2).text() == "name"
    shot(dlg, tmp_path, "merge-dialog.png")
    conflict = p.merge_conflicts()[0]
    qtbot.mouseClick(dlg.findChild(type(dlg.table.cellWidget(0, 6).children()[1]), f"keep-{conflict['id']}"),
                     Qt.MouseButton.LeftButton)
    assert p.merge_conflicts() == [] and dlg.table.rowCount() == 0
    assert sorted(p.layers()) == ["bob", "carol"]

    # agreement: the pair's number lists the disagreement; clicking it opens carol's span in her layer
    aw = window.team.show_agreement()
    qtbot.addWidget(aw)
    qtbot.waitUntil(lambda: aw.result is not None, timeout=20000)
    wait_jobs(qtbot, window)
    item = aw.pairs.item(0, 1)
    assert item.text() == "0.667"                              # 1 matched of 1 and 2
    aw.pairs.cellClicked.emit(0, 1)
    units = aw.dis_model.units
    assert len(units) == 1 and units[0].doc == DOC4 and set(units[0].versions) == {"carol"}
    carol_col = aw.dis_model.FIXED.__len__() + aw.dis_model.annotators.index("carol")
    rect = aw.dis_view.visualRect(aw.dis_model.index(0, carol_col))
    qtbot.mouseClick(aw.dis_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    text = p.document(DOC4).text
    i = text.index("Pakistan")
    assert window.doc_id == DOC4 and window.annotator == "carol" and window.session.read_only
    sel = window.view.selected_span_id()
    assert sel is not None and (window.session.spans[sel].start, window.session.spans[sel].end) == (i, i + 8)
    # the per-label figure for ACTOR lists the same unit
    row = next(r for r in range(aw.labels.rowCount()) if aw.labels.item(r, 0).text() == "ACTOR")
    assert aw.list_figure(aw.labels.item(row, 1)) == 1
    # and so do the per-document figure and the span-label facet's incomplete count
    assert aw.documents.item(0, 0).text() == DOC4 and aw.list_figure(aw.documents.item(0, 1)) == 1
    facet = next(r for r in range(aw.facets.rowCount()) if aw.facets.item(r, 0).text() == "span label")
    assert aw.facets.item(facet, 6).text() == "1" and aw.list_figure(aw.facets.item(facet, 6)) == 1
    aw.mode.setCurrentIndex(aw.mode.findData("overlap"))
    assert aw.pairs.item(0, 1).text() == "0.667"
    shot(aw, tmp_path, "agreement-view.png")

    # the progress board
    board = window.team.show_board()
    qtbot.addWidget(board)
    shot(board, tmp_path, "progress-board.png")
    rows = {r.annotator: r for r in board.rows}
    assert (rows["bob"].assigned, rows["bob"].done, rows["bob"].spans) == (6, 1, 1)
    assert (rows["carol"].done, rows["carol"].spans) == (1, 2)
    assert board.table.item(0, 0).text() == "bob"
    board.table.cellDoubleClicked.emit(0, 0)
    assert window.annotator == "bob" and window.session.read_only


def test_active_time_counts_gaps_up_to_the_idle_limit():
    from isfannotate_ui.team.progress_board import active_seconds
    stamps = ["2025-01-01T10:00:00Z", "2025-01-01T10:01:00Z", "2025-01-01T10:03:00Z",
              "2025-01-01T11:00:00Z", "2025-01-01T11:00:30Z"]
    assert active_seconds(stamps) == 60 + 120 + 30


def test_export_offers_the_unanimous_layer(window):
    dlg = window.files.export_dialog()
    assert dlg.layer.findData("unanimous") >= 0
    dlg.layer.setCurrentIndex(dlg.layer.findData("unanimous"))
    dlg.reject()


def test_merge_of_a_file_not_handed_out_offers_to_take_it_as_a_new_annotator(qtbot, window, tmp_path, seeds_dir):
    """Issue 18: refused with the reason; one click takes it as that annotator's work."""
    from isfannotate import Project
    p = window.project
    other = Project.create(tmp_path / "elsewhere.isf", registry=seeds_dir / "registry.json")
    other.import_paths([seeds_dir / f"{DOC4}.txt"])
    other.close()
    with Project.open(tmp_path / "elsewhere.isf") as h:      # dana's own project, not a hand-out
        text = h.document(DOC4).text
        h.annotate(DOC4, "dana", text.index("Rubio"), text.index("Rubio") + 5, "ACTOR")
    window.team.start_merge([str(tmp_path / "elsewhere.isf")])
    wait_jobs(qtbot, window)
    dlg = window.team.merge_window
    assert "was not handed out by this project" in dlg.report.toPlainText()
    assert "dana" not in p.layers()
    assert dlg.accept_new.isVisible() and "dana" in dlg.accept_new.text()
    shot(dlg, tmp_path, "merge-refused.png")
    qtbot.mouseClick(dlg.accept_new, Qt.MouseButton.LeftButton)
    wait_jobs(qtbot, window)
    assert "dana" in p.layers() and "dana" in window.team.merge_window.report.toPlainText()
