"""bench_flow's "with the model" run (issue 22): seed 004 annotated with a suggestion model in
the loop, trained on the gold of the four other seeds (tests/data/seed-gold-stances.jsonl: their
claims and stances) plus the registry's name suggestions, as a person would use them.

The person takes the registry's suggestions at once (Shift+A, the wrong ones deleted), as in the
"with suggestions" run, and makes the claims as there. The model's span suggestions would come
first, but a model that learned from seven claims suggests none at ≥ 0.5 on seed 004 (the run
counts them). Then, for the stances: when at least one of the model's stance suggestions is
right (holder, target and polarity as in the reference, one piece of evidence, no conditions),
the person walks the suggestions from the top (Ctrl+Home, F8, then Tab past a wrong one, A on a
right one: the next is selected by itself); every other stance is made by hand as before. Inputs
are counted as in bench_flow (every key, click and drag).
"""
from __future__ import annotations

import json
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GOLD = REPO / "tests" / "data" / "seed-gold-stances.jsonl"


def build(path: Path, doc: str) -> dict:
    """A project at *path*: the seeds' registry, the other seeds' gold, seed *doc* as plain text,
    and a model trained on that gold (switched on). Returns the model's metrics."""
    from isfannotate import Project
    gold = path.with_suffix(".gold.jsonl")
    gold.write_text("".join(line + "\n" for line in GOLD.read_text(encoding="utf-8").splitlines()
                            if line.strip() and json.loads(line)["id"] != doc), encoding="utf-8")
    p = Project.create(path, registry=REPO / "seeds" / "registry.json")
    try:
        p.import_paths([gold], annotator="gold")
        p.import_paths([REPO / "seeds" / f"{doc}.txt"])
        info = p.train_suggestions("gold")
        return {"documents": info.n_documents, "labels": info.labels, "train_seconds": info.metrics.get("seconds")}
    finally:
        p.close()


def wait_for_suggestions(window) -> None:
    import time

    from PySide6.QtWidgets import QApplication
    ctl = window.kb.model
    app = QApplication.instance()
    end = time.monotonic() + 60
    while time.monotonic() < end:
        app.processEvents()
        if ctl.bg.idle and not ctl._again.isActive() and ctl._for == (window.session.doc_id, window.session.annotator):
            return
        time.sleep(0.01)
    raise AssertionError("the model's suggestions never arrived")


def make_stances_from_suggestions(window, d, ref: dict, seen: dict, stance_min: float | None = None) -> set[str]:
    """The reference stances accepted from the model's suggestions (ids); the rest are made by hand.
    *stance_min*: the stances' minimum score as the lead set it in the Suggestions window (None: 0.5)."""
    from PySide6.QtCore import Qt
    K = Qt.Key
    ctl = window.kb.model
    if stance_min is not None:
        ctl.set_threshold("stance", stance_min)
    wait_for_suggestions(window)
    p = window.project
    by_id = {s["id"]: s for s in ref["spans"]}
    names = {a["id"]: a["name"] for a in ref["actors"]}

    def matches(sg, st) -> bool:
        if sg.kind != "stance" or st["conditions"] is not None or len(st["evidence"]) != 1:
            return False
        ev = by_id[st["evidence"][0]]
        holder = p.actor(sg.holder).name if sg.holder else None
        return ((sg.start, sg.end) == (ev["start"], ev["end"]) and holder == names[st["holder"]]
                and sg.target == st["target"] and sg.label == st["polarity"])

    shown = ctl.shown()
    seen["model_span_suggestions"] = sum(1 for sg in shown if sg.kind != "stance")
    seen["model_stance_suggestions"] = sum(1 for sg in shown if sg.kind == "stance")
    every = ctl._all     # at any score: what a lower minimum score would have shown
    seen["model_suggestions_any_score"] = len(every)
    seen["model_stance_suggestions_right_any_score"] = sum(1 for st in ref["stances"] if any(matches(sg, st)
                                                                                           for sg in every))
    right = {st["id"]: sg for st in ref["stances"] for sg in shown if matches(sg, st)}
    seen["model_stance_suggestions_right"] = len(right)
    if not right:
        return set()
    d.c.on("stance_suggestions", "")
    d.key(K.Key_Home, Qt.KeyboardModifier.ControlModifier, widget=window.view)
    d.key(K.Key_F8, widget=window.view)
    todo = dict(right)
    while todo:
        sel = window.view.selected_span_id()
        sg = ctl._shown.get(sel) if sel else None
        hit = next((sid for sid, want in todo.items() if want == sg), None)
        if hit is not None:
            d.key(K.Key_A, widget=window.view)
            del todo[hit]
            wait_for_suggestions(window)
        else:
            before = sel
            d.key(K.Key_Tab, widget=window.view)
            if window.view.selected_span_id() in (None, before):
                break
    return set(right) - set(todo)
