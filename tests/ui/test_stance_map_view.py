"""The stance map window (issue 14): the matrix on the seed corpus with gold stances, the
evidence under a cell, click-through to the span in the document, filters, export."""
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog

from isfannotate_ui.stancemap.stance_map_models import CellRole

GOLD = Path(__file__).resolve().parents[1] / "data" / "seed-gold-stances.jsonl"


@pytest.fixture
def gold_window(window):
    window.project.import_paths([GOLD], annotator="gold")
    return window


def actor_id(p, name):
    return next(a.id for a in p.actors() if a.name == name)


def test_matrix_shows_the_exact_cells_and_the_mixed_one(qtbot, gold_window):
    w = gold_window
    smw = w.analysis.show_stance_map()
    qtbot.addWidget(smw)
    m = smw.model
    assert [h.name for h in m.holders] == ["Pakistan", "Hamas", "United States"]
    assert [t.id for t, _layer in m.columns] == ["isf-troops", "disarm-hamas", "isf-command"]
    mixed = m.index(0, 0).data(CellRole)
    assert mixed.mixed and mixed.polarities == {"support": 2, "oppose": 1, "conditional": 1}
    assert m.index(0, 0).data().startswith("◆ mixed")
    assert m.index(0, 0).data(Qt.ItemDataRole.BackgroundRole).style() == Qt.BrushStyle.BDiagPattern
    assert m.index(1, 1).data().startswith("oppose")               # Hamas → disarm-hamas
    assert m.index(1, 0).data(CellRole) is None                    # Hamas has no stance on troops
    assert "1 mixed cell" in smw.summary.text()
    smw.sort.setCurrentIndex(smw.sort.findData("name"))
    assert [h.name for h in m.holders] == ["Hamas", "Pakistan", "United States"]


def test_click_a_cell_lists_evidence_and_lands_on_the_span(qtbot, gold_window):
    w = gold_window
    p = w.project
    smw = w.analysis.show_stance_map()
    qtbot.addWidget(smw)
    pk = actor_id(p, "Pakistan")
    idx = smw.model.index_of(pk, "disarm-hamas")
    rect = smw.table.visualRect(idx)
    qtbot.mouseClick(smw.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    ev = smw.ev_model.items
    assert len(ev) == 2 and {e.polarity for e in ev} == {"oppose"}
    assert smw.ev_model.index(0, 2).data() == "Pakistan"
    assert all(e.sentence and e.title for e in ev)
    assert "Pakistan → " in smw.timeline.title
    # clicking the first item opens its document in the gold layer with the span selected
    first = ev[0]
    rect = smw.evidence_view.visualRect(smw.ev_model.index(0, 6))
    qtbot.mouseClick(smw.evidence_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert w.doc_id == first.document_id and w.annotator == "gold" and w.session.read_only
    sid = w.view.selected_span_id()
    assert sid == first.span_id
    span = w.session.spans[sid]
    assert (span.start, span.end) == (first.start, first.end)
    assert w.layers.banner.isVisible()


def test_arrow_keys_move_between_cells_and_enter_opens(qtbot, gold_window):
    w = gold_window
    smw = w.analysis.show_stance_map()
    qtbot.addWidget(smw)
    qtbot.waitExposed(smw)
    smw.windowHandle().requestActivate()   # keys go to the active window's focus, not the main window's view
    qtbot.waitUntil(lambda: QApplication.activeWindow() is smw, timeout=3000)
    smw.table.setFocus()
    smw.table.setCurrentIndex(smw.model.index(0, 0))
    qtbot.keyClick(smw.table, Qt.Key.Key_Right)                 # Pakistan → disarm-hamas
    assert smw.table.currentIndex().column() == 1
    assert {e.polarity for e in smw.ev_model.items} == {"oppose"}
    qtbot.keyClick(smw.table, Qt.Key.Key_Down)                  # Hamas → disarm-hamas
    assert smw.ev_model.index(0, 2).data() == "Hamas"
    qtbot.keyClick(smw.table, Qt.Key.Key_Return)
    e = smw.ev_model.items[0]
    assert w.doc_id == e.document_id and w.view.selected_span_id() == e.span_id


def test_filters_layers_and_exports(qtbot, gold_window, tmp_path):
    w = gold_window
    p = w.project
    smw = w.analysis.show_stance_map()
    qtbot.addWidget(smw)
    smw.actor_type.setCurrentIndex(smw.actor_type.findData("armed_group"))
    assert [h.name for h in smw.model.holders] == ["Hamas"]
    smw.actor_type.setCurrentIndex(0)
    assert [smw.outlet.itemData(i) for i in range(smw.outlet.count())] == [None, "Middle East Eye", "NewsX"]
    smw.outlet.setCurrentIndex(smw.outlet.findData("Middle East Eye"))
    mee = {d.id for d in p.documents() if d.meta.get("outlet") == "Middle East Eye"}
    assert all(smw.model.index(r, c).data(CellRole) is None or smw.model.index(r, c).data(CellRole).documents <= mee
               for r in range(smw.model.rowCount()) for c in range(smw.model.columnCount()))
    smw.outlet.setCurrentIndex(0)
    w.show_document("004_925ac23fd4dc491f")
    smw.docs.setCurrentIndex(smw.docs.findData("current"))
    assert {(t.id, smw.model.index(0, c).data().split("\n")[0]) for c, (t, _L) in enumerate(smw.model.columns)} == {
        ("isf-troops", "support"), ("disarm-hamas", "oppose")}
    # the documents selected in the list
    docs = w.documents
    sm = docs.view.selectionModel()
    sm.clearSelection()
    idx = docs.proxy.mapFromSource(docs.model.index(docs.model.row_of("004_925ac23fd4dc491f")))
    sm.select(idx, sm.SelectionFlag.Select)
    smw.docs.setCurrentIndex(smw.docs.findData("selected"))
    assert smw.scope.documents == ["004_925ac23fd4dc491f"] and smw.model.rowCount() == 1
    smw.docs.setCurrentIndex(0)
    smw.date_from.setText("2099")
    smw.refresh()
    assert smw.model.rowCount() == 0 and "no stances" in smw.summary.text()
    smw.date_from.setText("")
    # an annotator's layer, and all layers side by side
    text = p.document("004_925ac23fd4dc491f").text
    i = text.index("Pakistan")
    p.annotate("004_925ac23fd4dc491f", "bob", i, i + 8, "CLAIM")
    p.set_stance("004_925ac23fd4dc491f", "bob", holder=actor_id(p, "Pakistan"), target="isf-troops",
                 polarity="oppose", evidence=[p.spans("004_925ac23fd4dc491f", "bob")[0].id])
    smw.load_choices()
    smw.set_layer("all")
    assert [L for _t, L in smw.model.columns] == ["bob"]
    for name in ("map.csv", "map.png", "map.svg"):
        smw.export_to(str(tmp_path / name))
        assert (tmp_path / name).stat().st_size > 0
    smw.export_to(str(tmp_path / "net.png"), "Network picture (*.png *.svg)")
    assert (tmp_path / "net.png").read_bytes()[:4] == b"\x89PNG"
    smw.tabs.setCurrentIndex(1)
    assert not smw.network.pixmap().isNull()


def test_typed_dates_fit_filter_the_map_and_exports_are_in_the_menu(qtbot, gold_window, tmp_path):
    """Issue 19: the date fields show a whole date, a typed date filters the map, a bad one is
    said; the Export menu writes the long CSV, GEXF and GraphML of the window's scope."""
    w = gold_window
    smw = w.analysis.show_stance_map()
    qtbot.addWidget(smw)
    qtbot.waitExposed(smw)
    smw.windowHandle().requestActivate()   # keys go to the active window's focus, not the main window's view
    qtbot.waitUntil(lambda: QApplication.activeWindow() is smw, timeout=3000)
    fm = smw.date_from.fontMetrics()
    for field in (smw.date_from, smw.date_to):
        assert field.width() >= fm.horizontalAdvance("2025-11-18") + 12   # was 28 px: "-18"
    assert smw.model.rowCount() == 3
    smw.date_from.setFocus()
    qtbot.keyClicks(smw.date_from, "2025-12-18")
    qtbot.keyClick(smw.date_from, Qt.Key.Key_Return)
    smw.date_to.setFocus()
    qtbot.keyClicks(smw.date_to, "2025-12-19")
    qtbot.keyClick(smw.date_to, Qt.Key.Key_Return)
    assert smw.date_from.text() == "2025-12-18", smw.date_from.text()
    assert smw.scope.date_from == "2025-12-18" and smw.scope.date_to == "2025-12-19"
    dates = {d.id: d.meta.get("date") for d in w.project.documents()}
    shown = {d for r in range(smw.model.rowCount()) for c in range(smw.model.columnCount())
             if smw.model.index(r, c).data(CellRole) for d in smw.model.index(r, c).data(CellRole).documents}
    assert shown and {dates[d] for d in shown} == {"2025-12"}      # only the month-only documents may fall in it
    assert "dates 2025-12-18 to 2025-12-19" in smw.summary.text()
    smw.date_to.selectAll()
    qtbot.keyClicks(smw.date_to, "19/12/2025")
    qtbot.keyClick(smw.date_to, Qt.Key.Key_Return)
    assert "use an ISO date" in smw.summary.text() and smw.model.rowCount() == 0
    smw.date_to.clear()
    smw.date_from.clear()
    smw.refresh()
    smw.actor_type.setCurrentIndex(smw.actor_type.findText("armed group"))
    assert [h.name for h in smw.model.holders] == ["Hamas"]
    smw.actor_type.setCurrentIndex(0)
    kinds = [a.objectName() for a in smw.export_menu.actions()]
    assert {"mapExport-long-csv", "mapExport-gexf", "mapExport-graphml"} <= set(kinds)
    out = tmp_path / "long.csv"
    dlg = smw.export_dialog("long-csv")
    qtbot.addWidget(dlg)
    dlg.filesSelected.emit([str(out)])          # what the dialog emits when the user saves
    dlg.close()
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("stance_id,layer,holder") and len(lines) == 1 + 9
    import networkx as nx
    for kind, read in (("gexf", nx.read_gexf), ("graphml", nx.read_graphml)):
        path = tmp_path / f"net.{kind}"
        smw.export_menu.actions()[kinds.index(f"mapExport-{kind}")].trigger()
        dlg = smw.findChildren(QFileDialog)[-1]
        assert dlg.nameFilters()[0].endswith(f"(*.{kind})")
        dlg.filesSelected.emit([str(path)])
        dlg.close()
        assert read(path).number_of_edges() == 5


def test_nothing_clipped_at_the_default_size(qtbot, gold_window):
    """Issue 19: headers, cells (a mixed cell lists its split in bold) and evidence rows fit
    their text at the window's default size."""
    from PySide6.QtGui import QFont, QFontMetrics
    w = gold_window
    smw = w.analysis.show_stance_map()
    qtbot.addWidget(smw)
    qtbot.waitExposed(smw)
    assert (smw.width(), smw.height()) == (1150, 760)
    smw.select_cell(actor_id(w.project, "Pakistan"), "isf-troops")
    qtbot.wait(50)
    table, header = smw.table, smw.table.horizontalHeader()
    bold = QFont(header.font())
    bold.setBold(True)                          # the current column's header is drawn bold
    fm = QFontMetrics(bold)
    for c in range(smw.model.columnCount()):
        text = smw.model.headerData(c, Qt.Orientation.Horizontal)
        assert header.sectionSize(c) >= max(fm.horizontalAdvance(x) for x in text.split("\n")) + 8, text
        for r in range(smw.model.rowCount()):
            idx = smw.model.index(r, c)
            hint = table.itemDelegate().sizeHint(table.viewOptions() if hasattr(table, "viewOptions") else
                                                 _option(table, idx), idx)
            assert table.columnWidth(c) >= hint.width() and table.rowHeight(r) >= hint.height(), (r, c)
    mixed = smw.model.index(0, 0).data()
    assert "2 support" in mixed and "1 conditional / 1 oppose" in mixed
    ev = smw.evidence_view
    assert ev.model().rowCount() == 4
    for r in range(ev.model().rowCount()):
        assert ev.rowHeight(r) >= ev.sizeHintForRow(r)
    assert header.height() >= fm.height() * 3
    # the timeline: the two month-only stances are one bar over December, not points before the 17th
    marks = smw.timeline.marks
    month = next(m for m in marks if not m.exact)
    assert (month.label, month.start, month.end, len(month.items)) == ("2025-12", "2025-12-01", "2025-12-31", 2)
    assert sorted(m.label for m in marks if m.exact) == ["2025-12-17", "2025-12-20"]
    assert not smw.timeline.grab().isNull()
    assert smw.timeline.height() >= smw.timeline.minimumHeight()


def _option(view, index):
    from PySide6.QtWidgets import QStyleOptionViewItem
    opt = QStyleOptionViewItem()
    opt.initFrom(view)
    opt.font = view.font()
    opt.fontMetrics = view.fontMetrics()
    opt.rect = view.visualRect(index)
    return opt
