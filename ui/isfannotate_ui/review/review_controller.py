"""Review in the window (issue 13): Review → Review Disagreements… opens the review window;
its decisions, auto-merge, notes and guideline examples run as core actions through
``Session.run_lead`` (one undoable action each, whatever layer the main window shows), and
the Guide tab lists the guideline examples under their labels as plain text.

``ReviewController`` reads only through the session's project (the window's one connection).
After every action it reads the document's review and the queue again (the core caches the
queue per document and drops what an action touched). UI thread only.
"""
from __future__ import annotations

from PySide6.QtCore import QObject

from ..files.file_controller import FileController
from ..files.job_relay import JobRelay
from ..parts import WindowParts
from ..session import Session
from .guide_examples import GuideExamples

REVIEW_ACTIONS = ("decision:", "note", "guideline example")
# More documents than this to count (a first opening after an import or a merge; ~0.5 ms each
# when they hold claims): the review window opens at once and the queue is counted as a job.
COUNT_AS_JOB = 300


def is_review_action(change) -> bool:
    """The lead's review work: a decision, a note, an auto-merge or a worked example."""
    return change.action in REVIEW_ACTIONS or change.action.startswith("auto-merge")


class ReviewController(QObject):
    def __init__(self, session: Session, parts: WindowParts, guide, files: FileController) -> None:
        """*guide*: the Guide tab's panel; the examples list is added under it. *files* runs the
        queue's first count as a job."""
        super().__init__(parts.window)
        self.session = session
        self.parts = parts
        self.files = files
        self.counting: JobRelay | None = None    # the queue's first count, while it runs
        self.window = None
        self.feedback_window = None
        self._targets: dict[str, str] | None = None
        self.open_span = None          # set by the window: LayerController.open_span-like click-through
        self.examples = GuideExamples(guide)
        guide.layout().addWidget(self.examples)
        self.guide = guide
        self._examples_read = False     # read when the Guide tab is first shown (refresh_examples)
        parts.side.currentChanged.connect(self._on_tab_changed)

    def build_actions(self) -> None:
        m = self.parts.menus
        r = m.review
        r.addSeparator()
        m.add("&Review Disagreements…", self.show_review, "Ctrl+Shift+R", r,
              tip="decide what goes into gold, unit by unit")
        m.add("Review &This Document", lambda: self.show_review(self.session.doc_id), None, r,
              tip="the shown document in the review window")
        m.add("&Feedback…", self.show_feedback, None, r,
              tip="an annotator's decided units: their version, the gold and the note; agreement with gold per label")
        m.add("Auto-merge &Unanimous into Gold", lambda: self.auto_merge("unanimous"), None, r,
              tip="every unit all the document's annotators agree on, in one action")

    def project_opened(self) -> None:
        self.close_windows()
        # the Guide tab's worked examples are read when that tab is shown: reading them loads
        # the review code and queries the gold, ~40 ms of the app's start for a hidden tab
        self._examples_read = False
        self.examples.set_examples([])      # not the last project's
        self._on_tab_changed()

    def _on_tab_changed(self, _index: int = -1) -> None:
        if not self._examples_read and self.session.project is not None \
                and self.parts.side.currentWidget() is self.guide:
            self.refresh_examples()

    def refresh_examples(self) -> None:
        self._examples_read = True
        rows = self.session.read(self.session.project.guideline_examples, default=[])
        self.examples.set_examples(rows or [])

    # ---------------------------------------------------------------- window
    def show_review(self, doc_id: str | None = None):
        from .review_view import ReviewWindow
        if self.window is None:
            w = ReviewWindow(self.name_of, self.parts.window)
            w.decisionRequested.connect(self.session.guarded(self.decide))
            w.autoMergeRequested.connect(self.session.guarded(lambda mode, k: self.auto_merge(mode, k or None)))
            w.exampleRequested.connect(self.session.guarded(self.add_example))
            w.nextRequested.connect(self.session.guarded(self.next_disagreement))
            w.noteEdited.connect(self.session.guarded(self.set_note))
            w.documentChosen.connect(self.session.guarded(self.open_document))
            w.editRequested.connect(self.session.guarded(self.edit_dialog))
            w.undoRequested.connect(self.session.guarded(self.undo_decision))
            w.reactivated.connect(self.session.guarded(lambda: self.open_document(w.doc_id, w.current_key())))
            self.window = w
        if self.counting is not None or self._count_as_job(doc_id):
            self.window.show()      # (filled when the count ends)
            self.window.raise_()
            return self.window
        self._fill(doc_id)
        self.window.show()
        self.window.raise_()
        self.window.units.setFocus()
        return self.window

    def _count_as_job(self, doc_id: str | None) -> bool:
        """Start the queue's first count as a job when many documents are to be counted (the
        window would freeze for seconds): True when started."""
        uncounted = self.session.read(self.session.project.review_queue_uncounted, default=0) or 0
        if uncounted <= COUNT_AS_JOB:
            return False
        self.window.set_counting(uncounted)

        def work(project, progress, _cancelled):
            return project.review_queue(progress=progress)
        job = self.files.run_job("Counting the review queue", work, lambda _q: self._counted(job, doc_id))
        job.failed.connect(lambda msg: self.counting is job and self.window.status.setText(msg))
        job.ended.connect(lambda: self._count_ended(job))
        self.counting = job
        return True

    def _count_ended(self, job: JobRelay) -> None:
        if self.counting is job:
            self.counting = None

    def _counted(self, job: JobRelay, doc_id: str | None) -> None:
        """The count *job* ended: its window is filled (not when the project or window changed since)."""
        if self.counting is not job or self.window is None:
            return
        self.counting = None
        self.window.status.setText("")
        self._fill(doc_id)
        if self.window.isVisible():
            self.window.units.setFocus()

    def _fill(self, doc_id: str | None) -> None:
        """The queue, and the document *doc_id* (or the first open disagreement) shown."""
        self.refresh_queue()
        target = doc_id or self.window.doc_id
        if target is None:
            nxt = self.session.project.next_disagreement()
            target = nxt[0] if nxt else (self.window.queue_model.rows[0].document_id
                                         if self.window.queue_model.rows else None)
        if target is not None:
            self.open_document(target)

    def name_of(self, ident: str | None) -> str:
        """An actor's or a stance target's name for the review window (the id when unknown)."""
        if not ident:
            return "?"
        if self._targets is None:     # read once per document shown (painting asks per cell)
            self._targets = {t.id: t.name for t in self.session.read(self.session.project.targets, default=[]) or []}
        return self._targets.get(ident) or self.session.actor_text(ident)

    def refresh_queue(self) -> None:
        if self.counting is None:      # (else the count's end fills the queue)
            self.window.set_queue(self.session.project.review_queue())

    def open_document(self, doc_id: str, unit_key: str | None = None) -> None:
        p = self.session.project
        self._targets = None
        self.window.show_document(p.review(doc_id), p.document(doc_id).text, unit_key)
        self.refresh_queue()
        self.window.units.setFocus()

    # --------------------------------------------------------------- actions
    def decide(self, doc_id: str, unit_key: str, decision: str, annotator: str = "", edited=None, note: str = ""):
        change = self.session.run_lead(self.session.project.decide, doc_id, unit_key, decision,
                                       annotator=annotator or None, edited=edited, note=note)
        if change is None:
            return None
        self.session.message(f"{decision} ✓ (Ctrl+Z undoes it)", 3000)
        nxt = self.session.project.next_disagreement(doc_id, unit_key)
        if nxt is None:
            self.open_document(doc_id, unit_key)
            self.window.status.setText("every disagreement is decided ✓")
        else:
            self.open_document(*nxt)
        return change

    def undo_decision(self, redo: bool = False):
        """Ctrl+Z / Ctrl+Shift+Z in the review window: undo (redo) the project's last action when
        it is the lead's work on gold (a decision, a note, an auto-merge, a worked example), through
        the main window's undo so every view repaints; else say where the last action was.
        Returns the change applied, or None."""
        p = self.session.project
        change = p.next_redo if redo else p.next_undo
        verb = "redo" if redo else "undo"
        if change is None:
            self.window.status.setText(f"nothing to {verb} in this session")
            return None
        if not is_review_action(change):
            undo_key = "Ctrl+Shift+Z" if redo else "Ctrl+Z"
            self.window.status.setText(f"the last action is “{self.parts.window.describe_change(change)}”, not a "
                                       f"decision: {verb} it in the main window ({undo_key})")
            return None
        (self.parts.window.redo if redo else self.parts.window.undo)()
        doc = change.document_id or self.window.doc_id
        if doc is not None:
            self.open_document(doc, self.window.current_key() if doc == self.window.doc_id else None)
        else:
            self.refresh_queue()
        said = self.parts.window.describe_change(change)
        self.window.status.setText(f"{verb} {said}" + ("" if redo else " (Ctrl+Shift+Z redoes it)"))
        self.session.message(f"{verb} {said}", 4000)
        return change

    def edit_dialog(self, doc_id: str, unit_key: str, picked: str = ""):
        """Ctrl+E: edit the picked (or most shared) version's parts, then accept it."""
        from .review_edit_dialog import ReviewEditDialog
        p = self.session.project
        unit = p.review(doc_id).unit(unit_key)
        if unit is None or not unit.versions:
            self.window.status.setText("this unit has no version to edit (R rejects it)")
            return None
        who = picked if picked in unit.versions else unit.groups()[0][1][0]
        base = {**unit.versions[who], "_from": who}
        dlg = ReviewEditDialog(unit, base, [x.name for x in p.scheme.span_labels],
                               [(a.id, a.name) for a in p.actors()], list(p.scheme.stance.polarities), self.window)
        note = self.window.note.text()
        dlg.editedAccepted.connect(self.session.guarded(
            lambda edited: self.decide(doc_id, unit_key, "accepted", who, edited or None, note)))
        self.parts.dialogs.show(dlg)
        return dlg

    def next_disagreement(self, backwards: bool = False):
        w = self.window
        if self.counting is not None:   # N before the queue is counted: not a second count on this thread
            w.status.setText("still counting the review queue: N finds the next disagreement once it is done")
            return None
        nxt = self.session.project.next_disagreement(w.doc_id, w.current_key(), backwards=backwards)
        if nxt is None:
            w.status.setText("no more undecided disagreements" + (" before this one" if backwards else ""))
            return None
        self.open_document(*nxt)
        return nxt

    def auto_merge(self, mode: str, min_k: int | None = None):
        change = self.session.run_lead(self.session.project.adjudicate_auto, mode, min_k=min_k)
        if change is not None:
            self.session.message(f"auto-merge {mode}: {change.description} into gold (one action: Ctrl+Z undoes it)",
                                 8000)
            if self.window is not None:
                if self.window.doc_id:
                    self.open_document(self.window.doc_id)
                else:
                    self.refresh_queue()
        return change

    def set_note(self, doc_id: str, unit_key: str, note: str):
        change = self.session.run_lead(self.session.project.set_review_note, doc_id, unit_key, note)
        if change is not None:
            self.open_document(doc_id, unit_key)
        return change

    def add_example(self, doc_id: str, unit_key: str):
        change = self.session.run_lead(self.session.project.add_guideline_example, doc_id, unit_key)
        if change is not None:
            self.refresh_examples()
            self.window.status.setText(f"added to the guidelines under {change.description} (Guide tab)")
        return change

    # -------------------------------------------------------------- feedback
    def show_feedback(self, annotator: str | None = None):
        from .feedback_view import FeedbackWindow
        if self.feedback_window is None:
            fw = FeedbackWindow(lambda a: self.session.actor_text(a) if a else "?", self.parts.window)
            fw.annotatorChosen.connect(self.session.guarded(self.load_feedback))
            if self.open_span is not None:
                fw.unitOpened.connect(self.session.guarded(self.open_span))
            self.feedback_window = fw
        layers = self.session.project.layers()
        who = annotator or (self.session.me if self.session.me in layers else (layers[0] if layers else None))
        self.feedback_window.set_annotators(layers, who)
        if who is not None:
            self.load_feedback(who)
        self.feedback_window.show()
        self.feedback_window.raise_()
        return self.feedback_window

    def load_feedback(self, annotator: str) -> None:
        p = self.session.project
        try:
            fb = p.feedback(annotator)
        except Exception as e:  # noqa: BLE001 (IsfError: no such layer, busy: shown, not raised)
            self.feedback_window.show_error(str(e))
            return
        texts = {d: p.document(d).text for d in fb.documents}
        self.feedback_window.set_feedback(fb, texts)

    def close_windows(self) -> None:
        self.counting = None    # (a count still running fills no window when it ends)
        for attr in ("window", "feedback_window"):
            w = getattr(self, attr)
            if w is not None:
                w.close()
                w.deleteLater()
                setattr(self, attr, None)
