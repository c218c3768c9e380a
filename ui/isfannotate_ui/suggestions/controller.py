"""The model's suggestions in the window: drawn, navigated, accepted, rejected, trained.

``SuggestionController`` asks the project for the enabled model's suggestions of the shown
document on a background thread (``Background``: loading a model imports spaCy), keeps them
unfiltered, and draws those at or above the minimum score of their label (a setting of the
Suggestions window) in the article, dashed and hatched like the registry's suggestions, with the
label's colour and the score in the tooltip. The ``KbController`` hands it the keys it owns
(A / Enter accept, X reject, Shift+A accept all) when the suggestion concerned is the model's;
Tab / Shift+Tab from a selected suggestion go to the next / previous suggestion (labelling.py),
F8 / Shift+F8 from anywhere. Training and evaluation run as jobs of the project's job queue.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from isfannotate.errors import IsfError

from ..annotate.span_index import SpanStyle
from ..app_settings import app_settings
from ..registry.suggestion_sync import SUGGESTION_PREFIX
from .background import Background
from .ordering import UncertaintyOrder

PREFIX = "msugg:"
STANCE_COLOR = "#6a5acd"
DEFAULT_MIN_SCORE = 0.5
SETTINGS_KEY = "suggestions/min_score"   # where the app kept them before they moved into the project


def style_id(s) -> str:
    return f"{PREFIX}{s.kind}:{s.start}:{s.end}:{s.label}"


def describe(s, actor_text=lambda a: a) -> str:
    """One suggestion as its tooltip and status line say it."""
    if s.kind == "stance":
        head = f"stance suggestion: {s.label}, holder {actor_text(s.holder) if s.holder else '?'}" \
               f", target {s.target or '?'} (score {s.score:.2f})"
    else:
        head = f"{s.label} suggestion (score {s.score:.2f})"
    extra = []
    if s.kind == "claim":
        if s.source is not None:
            kind, value = s.source
            where = {"article": "the article", "actor": f"actor {actor_text(value)}"}.get(
                kind, f"the name at {value[0]}-{value[1]}" if kind == "span" else str(value))
            extra.append(f"source: {where}" + (f" ({s.source_score:.2f})" if s.source_score is not None else ""))
        if s.cue is not None:
            extra.append(f"cue at {s.cue[0]}-{s.cue[1]}" + (f" ({s.cue_score:.2f})" if s.cue_score is not None else ""))
    version = f"model {s.model_version}" if s.model_version is not None else "registry"
    return "\n".join([head, *extra, f"{version} · A or Enter accept · X reject · Tab next suggestion"])


class SuggestionController(QObject):
    ready = Signal()            # the shown document's suggestions were (re)computed and drawn
    modelsChanged = Signal()    # a model was trained, switched, or evaluated

    def __init__(self, session, parts, kb, files, documents) -> None:
        super().__init__(parts.window)
        self.session, self.parts, self.kb, self.files = session, parts, kb, files
        self.bg = Background(self)
        self.bg.finished.connect(self._on_finished)
        self.order = UncertaintyOrder(session, documents, self.bg)
        self.thresholds: dict[str, float] = {}
        self.stance_threshold = DEFAULT_MIN_SCORE
        self.evaluation: dict | None = None
        self.train_layer = "gold"
        self.update_model = False
        self.error: str | None = None
        self._all: list = []                 # the shown document's suggestions, unfiltered
        self._shown: dict[str, object] = {}  # style id -> Suggestion, as drawn
        self._for: tuple | None = None       # (document, layer) that _all belongs to
        self._again = QTimer(self)
        self._again.setSingleShot(True)
        self._again.setInterval(120)
        self._again.timeout.connect(self.request)
        self.window = None
        parts.view.spanSelected.connect(self.on_selected)     # the status line names a selected suggestion
        # the model is asked again once the person pauses: a caret move or a selection (a key, a
        # click) puts the waiting request off again, so it does not run beside the next keys' work
        parts.view.cursorPositionChanged.connect(self._put_off)
        self.train_job = None
        self.eval_job = None
        self.preload_token: int | None = None    # the background load started when the project opened
        self.model_loaded = False                # ... and finished
        self.eval_error: str | None = None   # the last evaluation's failure or cancellation, said in the window

    # ----------------------------------------------------------------- setup
    def build_actions(self) -> None:
        m = self.parts.menus
        self.kb.suggestions_action.triggered.connect(self.document_shown)   # View → Show Suggestions
        m.add("Next Suggestion", lambda: self.step(1), "F8", m.annotate,
              tip="Select the next suggestion (then Tab / Shift+Tab move between suggestions)")
        m.add("Previous Suggestion", lambda: self.step(-1), "Shift+F8", m.annotate)
        m.review.addSeparator()
        m.add("&Train Suggestions…", self.train, None, m.review,
              tip="Train the suggestion model on gold in the background (status bar: progress and Cancel)")
        m.add("Su&ggestions…", self.open_window, None, m.review,
              tip="Model versions, switch, minimum scores, acceptance and the verdict")
        self.order.action = m.add("Order Documents by Model &Uncertainty", self.order.toggle, None, m.view)
        self.order.action.setCheckable(True)

    def project_opened(self) -> None:
        self.bg.forget("document")
        self.preload_token = None
        self.model_loaded = False
        self.order.reset()
        self.evaluation = None
        self._all, self._shown, self._for = [], {}, None
        self._migrate_settings()
        self.load_thresholds()
        if self.window is not None:
            self.window.close()
            self.window = None
        self.preload()

    def preload(self) -> None:
        """Start loading the enabled model (importing spaCy) in the background as soon as the
        project opens, so the first document's suggestions do not wait for it."""
        project = self.session.project
        try:
            enabled = project.suggestion_model() is not None
        except IsfError:
            return
        if enabled and self.kb.show_suggestions:
            self.preload_token = self.bg.submit("load", lambda: project.load_suggestion_model() is not None)

    def _migrate_settings(self) -> None:
        """Minimum scores this computer kept before they lived in the project: copied once into
        the first project opened that has none of its own (not on the undo stack), then forgotten."""
        saved = app_settings().value(SETTINGS_KEY, None)
        session = self.session
        if not saved or session.read_only or session.project.suggestion_min_scores_stored():
            return
        known = session.project.suggestion_min_scores()
        try:
            values = {k: float(v) for k, v in dict(saved).items() if k in known and 0 <= float(v) <= 1}
            session.project.set_suggestion_min_scores(values, undoable=False)
        except (IsfError, TypeError, ValueError):
            return
        app_settings().remove(SETTINGS_KEY)

    def load_thresholds(self) -> None:
        """The project's minimum scores (``suggestion_min_scores``), read again."""
        project = self.session.project
        scores = self.session.read(project.suggestion_min_scores, default=None)
        if scores is None:
            return
        self.stance_threshold = scores.pop("stance", DEFAULT_MIN_SCORE)
        self.thresholds = scores

    # --------------------------------------------------------------- drawing
    def styles(self) -> list[SpanStyle]:
        return [self._style(sid, sg) for sid, sg in self._shown.items()]

    def _style(self, sid: str, sg) -> SpanStyle:
        if sg.kind == "stance":
            return SpanStyle(sid, sg.start, sg.end, f"STANCE {sg.label}", STANCE_COLOR, "suggestion",
                             describe(sg, self.session.actor_text))
        color = self.session.colors.get(sg.label, "#7f7f7f")
        return SpanStyle(sid, sg.start, sg.end, sg.label, color, "suggestion", describe(sg, self.session.actor_text))

    def min_score(self, sg) -> float:
        return self.stance_threshold if sg.kind == "stance" else self.thresholds.get(sg.label, DEFAULT_MIN_SCORE)

    def min_scores(self) -> dict[str, float]:
        """label -> minimum score, as ``Project.model_suggestions`` takes it (a stance's label is its polarity)."""
        out = dict(self.thresholds)
        for pol in self.session.project.scheme.stance.polarities:
            out[pol] = self.stance_threshold
        return out

    def set_threshold(self, label: str, value: float) -> None:
        """The minimum score of *label* ("stance" for stances), kept in the project by an action
        (Ctrl+Z undoes it), applied at once."""
        session = self.session
        if session.run_lead(session.project.set_suggestion_min_scores, {label: float(value)}) is not None:
            self.load_thresholds()
            self._redraw()
        elif self.window is not None:
            self.window.refresh()     # refused: the spin box shows the stored value again

    def _active(self) -> bool:
        session = self.session
        return bool(self.kb.show_suggestions and session.project is not None and session.doc_id is not None
                    and session.annotator
                    and not session.read_only)

    def _redraw(self) -> None:
        new: dict[str, object] = {}
        if self._active() and self._for == (self.session.doc_id, self.session.annotator):
            # a name the registry suggests already (grey, linked to its actor) is not suggested twice
            # (read only when a model suggests an actor: a label key on 10,000 spans must not walk them all)
            actor = self.session.project.scheme.actor_label
            named: set[tuple[int, int]] | None = None
            for sg in self._all:
                if sg.score < self.min_score(sg):
                    continue
                if sg.label == actor:
                    if named is None:
                        named = {(st.start, st.end) for st in self.parts.view.spans()
                                 if st.id.startswith(SUGGESTION_PREFIX)}
                    if (sg.start, sg.end) in named:
                        continue
                new[style_id(sg)] = sg
        view = self.parts.view
        gone = [sid for sid in self._shown if sid not in new]
        added = [sid for sid in new if sid not in self._shown]
        self._shown = new
        if gone:
            view.remove_spans(gone)
        if added:
            view.add_spans([self._style(sid, new[sid]) for sid in added])

    # ------------------------------------------------------------- computing
    def document_shown(self) -> None:
        self._all, self._for = [], None
        self._redraw()
        self.request()

    def request(self) -> None:
        """Compute the shown document's suggestions in the background (drawn when ready)."""
        if not self._active():
            self.bg.forget("document")
            return
        project, doc, layer = self.session.project, self.session.doc_id, self.session.annotator
        try:
            model = project.suggestion_model()
        except IsfError:        # a job holds the project: asked again after the next change
            return
        if model is None:
            self.bg.forget("document")
            self._all, self._for = [], (doc, layer)
            self._redraw()
            self.ready.emit()
            return
        self.bg.submit("document", lambda: ((doc, layer), project.model_suggestions(doc, layer, min_score=0.0)))

    def _on_finished(self, kind: str, _token: int, result, error) -> None:
        if kind == "load":        # the model loaded ahead of the first document (an error shows there)
            self.model_loaded = error is None and bool(result)
            return
        if kind != "document":
            self.order.finished(kind, result, error)
            return
        if error is not None:
            self.error = str(error) or type(error).__name__
            self.session.message(f"⚠ suggestions: {self.error}", 6000)
            return
        self.error = None
        key, found = result
        if key != (self.session.doc_id, self.session.annotator):
            return
        self._all, self._for = list(found), key
        self._redraw()
        self.ready.emit()

    def after_change(self, change) -> None:
        tables = {op.table for op in change.ops}
        if "project_info" in tables:      # minimum scores set, undone or redone
            self.load_thresholds()
            self._redraw()
            if self.window is not None:
                self.window.refresh()
        if change.document_id == self.session.doc_id and change.layer == self.session.annotator and \
                tables & {"spans", "claims", "stances", "stance_evidence", "suggestion_log"}:
            # what the change annotated or rejected goes at once; the rest is asked again (in the
            # background, once the person pauses: ``_again``, put off by every key that moves the
            # caret or selects; the background thread shares the interpreter with this one)
            self._drop_settled(change)
            self._again.start()

    def _drop_settled(self, change) -> None:
        """Take the suggestions *change* annotated or decided out of those kept and those drawn:
        O(the change), not O(the document's suggestions) (a key press on an article with a model's
        suggestions walked every one of them for every row of the change, and redrew them all)."""
        decided = {(r["kind"], r["start"], r["end"], r["label"])
                   for op in change.rows("suggestion_log") if (r := op.after) is not None}
        made = {(r["start"], r["end"], r["label"]) for op in change.rows("spans") if (r := op.after) is not None}
        if not decided and not made:
            return

        def settled(sg) -> bool:
            return (sg.kind, sg.start, sg.end, sg.label) in decided or \
                (sg.kind != "stance" and (sg.start, sg.end, sg.label) in made)
        self._all = [sg for sg in self._all if not settled(sg)]
        gone = [sid for sid, sg in self._shown.items() if settled(sg)]
        for sid in gone:
            del self._shown[sid]
        if gone:
            self.parts.view.remove_spans(gone)

    def refresh(self) -> None:
        """Models or settings changed: ask again, and refresh the Suggestions window."""
        self.request()
        if self.window is not None:
            self.window.refresh()
        self.modelsChanged.emit()

    # ------------------------------------------------------------ decisions
    def owns(self, style_id_: str | None) -> bool:
        return bool(style_id_) and style_id_.startswith(PREFIX)

    def shown(self) -> list:
        """The drawn suggestions in document order."""
        return sorted(self._shown.values(), key=lambda sg: (sg.start, -sg.end, sg.kind, sg.label))

    def here(self):
        """The selected model suggestion; else, unless a registry suggestion is selected, the
        innermost model suggestion under the caret."""
        view = self.parts.view
        sel = view.selected_span_id()
        if self.owns(sel):
            return self._shown.get(sel)
        if sel and sel.startswith(SUGGESTION_PREFIX):
            return None
        pos = view.cursor_position()
        under = [sg for sg in self._shown.values() if sg.start <= pos < sg.end]
        return min(under, key=lambda sg: sg.end - sg.start) if under else None

    def accept_here(self, corrected_label: str | None = None) -> bool:
        """A / Enter (or a label key on a selected model suggestion: accepted with that label,
        logged as a correction when it differs). False when no model suggestion is concerned."""
        sg = self.here()
        if sg is None:
            return False
        session = self.session
        if not session.require_annotator():
            return True
        corrected = None
        if corrected_label is not None and corrected_label != sg.label and sg.kind != "stance":
            corrected = (sg.start, sg.end, corrected_label)
        nxt = self._next_id(style_id(sg), 1)
        change = session.run(session.project.accept_model_suggestion, session.doc_id, session.annotator, sg,
                             corrected=corrected)
        if change is not None:
            what = describe(sg, session.actor_text).splitlines()[0]
            session.message(f"accepted: {what}; Ctrl+Z undoes"
                            + ("" if nxt is None else " · next suggestion selected"), 4000)
            self._select(nxt)
        return True

    def reject_here(self) -> bool:
        sg = self.here()
        if sg is None:
            return False
        session = self.session
        if not session.require_annotator():
            return True
        nxt = self._next_id(style_id(sg), 1)
        if session.run(session.project.reject_model_suggestion, session.doc_id, session.annotator, sg) is not None:
            self._select(nxt)
        return True

    def accept_all(self) -> bool:
        """Shift+A: every model suggestion at or above its label's minimum score, one undo step.
        False when the model shows none (the registry's Shift+A then runs)."""
        session = self.session
        if not self._shown:
            return False
        if session.doc_id is None or not session.require_annotator():
            return True
        n, names = len(self._shown), self._registry_count()
        change = session.run(session.project.accept_all_model_suggestions, session.doc_id, session.annotator,
                             self.min_scores(), registry=bool(names))
        if change is not None:
            also = f" and {names} registry names" if names else ""
            session.message(f"{n} model suggestions{also} accepted (one undo step: Ctrl+Z)", 5000)
        return True

    def _registry_count(self) -> int:
        return sum(1 for st in self.parts.view.spans() if st.id.startswith(SUGGESTION_PREFIX))

    def _next_id(self, sid: str | None, step: int) -> str | None:
        """The next / previous suggestion (the model's or the registry's) in the article's order."""
        view = self.parts.view
        here = view.span(sid) if sid else None
        while True:
            sid = view.next_span_id(sid) if step > 0 else view.previous_span_id(sid)
            if sid is None:
                return None
            st = view.span(sid)
            if self.kb.is_suggestion(sid) and (here is None or (st.start, st.end) != (here.start, here.end)):
                return sid

    def _select(self, sid: str | None) -> None:
        if sid is not None and self.parts.view.span(sid) is not None:
            self.parts.view.select_span(sid)

    def step(self, step: int) -> None:
        """F8 / Shift+F8 (and Tab / Shift+Tab from a selected suggestion): the next / previous
        suggestion, the model's and the registry's, in document order."""
        view = self.parts.view
        sid = view.selected_span_id()
        if not self.kb.is_suggestion(sid):       # from the caret (an annotation selected or none)
            pos = view.cursor_position()
            after = [st.id for st in view.spans() if self.kb.is_suggestion(st.id)
                     and (st.start >= pos if step > 0 else st.start < pos)]
            target = (after[0] if step > 0 else after[-1]) if after else None
        else:
            target = self._next_id(sid, step)
        if target is None:
            self.session.message("No more suggestions in this document" if self._shown or self._registry_count()
                           else "No suggestions in this document", 3000)
            return
        view.select_span(target)

    def _put_off(self, *_args) -> None:
        """A waiting request to ask the model again waits ``_again``'s interval from now."""
        if self._again.isActive():
            self._again.start()

    def on_selected(self, span_id: str) -> None:
        self._put_off()
        sg = self._shown.get(span_id) if self.owns(span_id) else None
        if sg is not None:
            self.session.message(describe(sg, self.session.actor_text).replace("\n", " · "), 8000)

    # -------------------------------------------------------------- jobs
    def train(self, layer: str | None = None, update: bool | None = None):
        """Train on *layer* (default: the window's choice, gold) as a job; the window stays usable."""
        layer = layer or self.train_layer
        update = self.update_model if update is None else update
        if self.train_job is not None and not self.train_job.has_ended:
            self.session.message("A model is already training (status bar: Cancel)", 4000)
            return self.train_job

        def work(project, progress, cancelled):
            return project.train_suggestions(layer, update=update, progress=progress, cancelled=cancelled)
        self.train_job = self.files.run_job("Training suggestions", work, self._on_trained)
        return self.train_job

    def _on_trained(self, info) -> None:
        secs = info.metrics.get("seconds")
        self.session.message(f"suggestion model {info.version} trained on {info.n_documents} documents"
                       + (f" in {secs:.0f} s" if secs else "") + "; it is switched on", 6000)
        self.order.reset()
        self.refresh()

    def evaluate(self, folds: int = 5, curve: bool = True):
        """Cross-validate on the training layer as a job (*curve*: with the learning curve, four
        times the work); the window shows the figures when it ends, or why it did not."""
        if self.eval_job is not None and not self.eval_job.has_ended:
            return self.eval_job
        layer = self.train_layer
        shares = (0.25, 0.5, 0.75, 1.0) if curve else (1.0,)

        def work(project, progress, cancelled):
            return project.evaluate_suggestions(layer, folds=folds, shares=shares, progress=progress,
                                                cancelled=cancelled)
        self.eval_error = None
        self.eval_job = self.files.run_job("Evaluating suggestions", work, self._on_evaluated)
        self.eval_job.failed.connect(self._on_eval_failed)
        self.eval_job.ended.connect(self._on_eval_ended)
        if self.window is not None:
            self.window.refresh()
        return self.eval_job

    def _on_evaluated(self, result) -> None:
        self.evaluation = result
        self.refresh()

    def _on_eval_failed(self, message: str) -> None:
        self.eval_error = message

    def _on_eval_ended(self) -> None:
        if self.window is not None:
            self.window.refresh()

    def switch(self, version: int | None) -> None:
        self.session.run_lead(self.session.project.set_suggestions_enabled, version)
        self.order.reset()
        self.refresh()

    def open_window(self):
        from .window import SuggestionsWindow
        if self.window is None:
            self.window = SuggestionsWindow(self, self.parts.window)
        self.window.refresh()
        self.window.show()
        self.window.raise_()
        return self.window
