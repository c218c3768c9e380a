"""Seed 004 annotated fully through the window, as a person would, then exported as gold JSONL
records and re-imported into a fresh project with identical spans, claims and stances."""
import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from isfannotate import Project

REPO = Path(__file__).resolve().parents[2]

DOC4 = "004_925ac23fd4dc491f"
CTRL = Qt.KeyboardModifier.ControlModifier
CLAIM = "Pakistan has offered to send troops for a proposed International Stabilisation Force (ISF) in Gaza"
EVIDENCE = "Pakistan has said it is willing to take part in peacekeeping but will not disarm Hamas"
ACTORS = [  # (text, occurrence, what is typed in the picker, actor id)
    ("Marco Rubio", 0, None, "marco-rubio"),
    ("Pakistan", 0, None, "pakistan"),
    ("Washington", 0, None, "united-states"),
    ("Asim Munir", 0, None, "asim-munir"),
    ("Pakistan", 7, None, "pakistan"),          # "Pakistan has said ..." (inside the evidence claim)
    ("Hamas", 0, None, "hamas"),
    ("Ishaq Dar", 0, "Dar", "ishaq-dar"),
    ("Reuters", 0, "reut", "reuters"),
]


def key(qtbot, w, k, mod=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(w.view, k, mod)


def find(text, needle, nth=0):
    i = -1
    for _ in range(nth + 1):
        i = text.index(needle, i + 1)
    return i


def test_annotate_seed_004_and_round_trip_gold_jsonl(qtbot, window, sel, tmp_path):
    window.show_document(DOC4)
    text = window.view.text()
    picker = window.kb.picker
    spans = {}
    for needle, nth, typed, actor in ACTORS:
        i = find(text, needle, nth)
        sel(window, i, i + len(needle))
        key(qtbot, window, Qt.Key.Key_1)
        if not picker.isVisible():      # a known name or alias: linked as it is made
            assert window.project.span(window.view.selected_span_id()).actor_id == actor
            spans[(needle, nth)] = window.view.selected_span_id()
            continue
        if typed is not None:
            picker.query.clear()
            qtbot.keyClicks(picker.query, typed)
        assert picker.current_actor_id() == actor, needle
        qtbot.keyClick(picker.query, Qt.Key.Key_Return)
        spans[(needle, nth)] = window.view.selected_span_id()
    rubio, pakistan_said = spans[("Marco Rubio", 0)], spans[("Pakistan", 7)]
    # the cue and Rubio's claim, its source the Rubio span
    i = find(text, "said")
    sel(window, i, i + 4)
    key(qtbot, window, Qt.Key.Key_3)
    said = window.view.selected_span_id()
    i = find(text, CLAIM)
    sel(window, i, i + len(CLAIM))
    key(qtbot, window, Qt.Key.Key_2)
    claim = window.view.selected_span_id()
    key(qtbot, window, Qt.Key.Key_Return)
    editor = window.annotations.findChild(QComboBox, "claimSource").parent().parent()
    editor.select_source("span", rubio)
    window.annotations.findChild(QComboBox, "claimSource").parent().parent().select_cue(said)
    quote = window.annotations.findChild(QComboBox, "claimQuote")
    quote.setCurrentIndex(quote.findData("reported"))
    # the stance, from the evidence sentence (S makes it a CLAIM), with the article's Pakistan as its source
    i = find(text, EVIDENCE)
    sel(window, i, i + len(EVIDENCE))
    key(qtbot, window, Qt.Key.Key_S)
    ed = window.claims.stances.editor
    evidence = ed.evidence_ids()[0]
    ed.holder.lineEdit().clear()
    qtbot.keyClicks(ed.holder.lineEdit(), "Pakistan (state)")
    ed.target.setCurrentIndex(ed.target.findData("disarm-hamas"))
    qtbot.mouseClick(ed.polarity_buttons["oppose"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(ed.save, Qt.MouseButton.LeftButton)
    window.view.select_span(evidence)
    window.annotations.findChild(QComboBox, "claimSource").parent().parent().select_source("span", pakistan_said)
    # the relation and the document labels
    rel = window.claims.relations
    window.side.setCurrentWidget(rel)    # as Ctrl+4 does: the From/To choices are filled when the tab shows
    rel.choose("SOURCE_OF", rubio, claim)
    qtbot.mouseClick(rel.add, Qt.MouseButton.LeftButton)
    for name, value in (("relevance", "relevant"), ("framing", "diplomacy")):
        combo = window.annotations.findChild(QComboBox, f"doclabel_{name}")
        combo.setCurrentIndex(combo.findData(value))
    assert window.annotations.warnings.text() == ""
    key(qtbot, window, Qt.Key.Key_Return, CTRL)   # no problems: done at once
    p = window.project
    assert p.status(DOC4, "alice") == "done"
    records, left_out = p.gold_records("alice")
    [rec] = records
    assert {d for d, _ in left_out} == {d for d, _ in p.document_list()} - {DOC4}
    assert rec["id"] == DOC4 and rec["doc_labels"] == {"relevance": "relevant", "framing": "diplomacy"}
    assert {a["id"] for a in rec["actors"]} == {a for *_, a in ACTORS}
    by_id = {s["id"]: s for s in rec["spans"]}
    assert sorted((s["text"], s["label"], s["actor_id"]) for s in rec["spans"]) == sorted(
        [(n, "ACTOR", a) for n, _, _, a in ACTORS] + [("said", "CUE", None), (CLAIM, "CLAIM", None),
                                                       (EVIDENCE, "CLAIM", None)])
    assert all(s["text"] == text[s["start"]:s["end"]] for s in rec["spans"])
    claims = {by_id[c["span"]]["text"]: c for c in rec["claims"]}
    assert claims[CLAIM] == {"span": claim, "source_kind": "actor", "source": "marco-rubio", "source_span": rubio,
                             "cue": said, "quote": "reported"}
    assert claims[EVIDENCE]["source"] == "pakistan" and claims[EVIDENCE]["source_span"] == pakistan_said
    [st] = rec["stances"]
    assert (st["holder"], st["target"], st["polarity"], st["evidence"]) == ("pakistan", "disarm-hamas", "oppose",
                                                                          [evidence])
    assert rec["relations"] == [{"head": rubio, "tail": claim, "label": "SOURCE_OF"}]

    # written as gold JSONL and imported into a fresh project: the same annotations
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    fresh = Project.create(tmp_path / "fresh.isf", registry=REPO / "seeds" / "registry.json")
    try:
        fresh.import_paths([gold], annotator="bob")
        [doc] = fresh.documents()
        assert doc.text == text

        def spans_of(p, doc_id, layer):
            return {s.id: (s.start, s.end, s.label, s.actor_id) for s in p.spans(doc_id, layer)}

        mine = spans_of(p, DOC4, "alice")
        my_claims = {mine[k]: (c.source_kind, c.source_actor, mine.get(c.source_span), mine.get(c.cue_span), c.quote)
                     for k, c in p.claims(DOC4, "alice").items()}
        my_stances = [(s.holder, s.target, s.polarity, s.conditions, [mine[e] for e in s.evidence])
                      for s in p.stances(DOC4, "alice")]
        my_rel = [(mine[r.head], mine[r.tail], r.label) for r in p.relations(DOC4, "alice")]
        theirs = spans_of(fresh, doc.id, "bob")
        assert sorted(theirs.values()) == sorted(mine.values())
        assert {theirs[k]: (c.source_kind, c.source_actor, theirs.get(c.source_span), theirs.get(c.cue_span), c.quote)
                for k, c in fresh.claims(doc.id, "bob").items()} == my_claims
        assert [(s.holder, s.target, s.polarity, s.conditions, [theirs[e] for e in s.evidence])
                for s in fresh.stances(doc.id, "bob")] == my_stances
        assert [(theirs[r.head], theirs[r.tail], r.label) for r in fresh.relations(doc.id, "bob")] == my_rel
        assert fresh.doc_labels(doc.id, "bob") == {"relevance": "relevant", "framing": "diplomacy"}
    finally:
        fresh.close()
