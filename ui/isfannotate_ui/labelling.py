"""Labelling keys in the window: the label keys (1–9 and the scheme's own), relabel, delete,
Tab between spans, Enter for details, W for word snapping and Ctrl+Enter for done.

``LabellingController`` turns those keys into core actions through ``Session.run``. It uses the
actors controller for suggestions and the actor picker, and reaches the window only through the
session and the ``WindowParts`` it is given. Offsets are code points.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QWidget

from isfannotate.gcpause import paused_gc

from .annotate.label_bar import LabelBar
from .annotate.palette import color_for_label
from .parts import WindowParts
from .registry.kb_controller import KbController
from .session import Session


class LabellingController(QObject):
    def __init__(self, session: Session, parts: WindowParts, label_bar: LabelBar, kb: KbController) -> None:
        super().__init__(parts.window)
        self.session = session
        self.parts = parts
        self.label_bar = label_bar
        self.kb = kb
        self.claims = None       # the ClaimsController (set by the window): claim proposals
        self.label_actions: dict[str, QAction] = {}
        self.snap_action: QAction | None = None
        self._label_menu_anchor: QAction | None = None
        label_bar.labelClicked.connect(session.guarded(self.apply_label))
        label_bar.snapClicked.connect(self.toggle_snap)

    # ----------------------------------------------------------------- setup
    def build_actions(self) -> None:
        """View → Snap and the Annotate menu's span keys; label keys come with the scheme."""
        m = self.parts.menus
        self.snap_action = m.add("Snap Selections to &Words", self.toggle_snap, "W", m.view)
        self.snap_action.setCheckable(True)
        self.snap_action.setChecked(True)
        a = m.annotate
        self._label_menu_anchor = a.addSeparator()
        m.add("Next Span", lambda: self.step_span(1), "Tab", a, view_only=True)
        m.add("Previous Span", lambda: self.step_span(-1), "Shift+Tab", a, view_only=True)
        m.add("Span &Details", self.focus_details, [QKeySequence("Return"), QKeySequence("Enter")], a, view_only=True)
        self.delete_action = m.add("&Delete Span", self.delete_selected, [QKeySequence("Delete")], a, view_only=True)
        # a span one word too long or short: one key, one undo step (Alt+Shift: the end; +Ctrl: the start)
        for text, edge, step, keys in (("Span End One Word Left", "end", -1, "Alt+Shift+Left"),
                                       ("Span End One Word Right", "end", 1, "Alt+Shift+Right"),
                                       ("Span Start One Word Left", "start", -1, "Alt+Ctrl+Shift+Left"),
                                       ("Span Start One Word Right", "start", 1, "Alt+Ctrl+Shift+Right")):
            m.add(text, lambda e=edge, st=step: self.resize_selected(e, st), keys, a, view_only=True)

    def project_opened(self) -> None:
        """One action per span label of the scheme (its key, or 1–9 in order) and the label bar."""
        window, menu = self.parts.window, self.parts.menus.annotate
        for act in self.label_actions.values():
            self.parts.view.removeAction(act)
            menu.removeAction(act)
        self.label_actions.clear()
        labels = []
        self.session.colors.clear()
        apply = self.session.guarded(self.apply_label)
        for i, lab in enumerate(self.session.project.scheme.span_labels):
            color = lab.color or color_for_label(i)
            self.session.colors[lab.name] = color
            key = lab.key or (str(i + 1) if i < 9 else None)
            tip = lab.description
            if lab.examples:
                tip += "\nExamples: " + "; ".join(f"“{e}”" for e in lab.examples)
            labels.append((lab.name, key, color, tip))
            act = QAction(f"Label as {lab.name}", window)
            if key:
                act.setShortcut(QKeySequence(key))
            # a label key types in a field: it labels only while the article view has focus (B2)
            act.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            act.triggered.connect(lambda _c=False, n=lab.name: apply(n))
            self.parts.view.addAction(act)
            menu.insertAction(self._label_menu_anchor, act)
            self.label_actions[lab.name] = act
        self.label_bar.set_labels(labels)

    # --------------------------------------------------------------- actions
    def apply_label(self, label: str) -> None:
        """The label key: annotate the selection, or relabel the selected span. Python's cyclic
        collector is paused for the key's work (``paused_gc``): a collection that walks a
        10,000-span document's objects inside a press would land in the key budget's p95 (one
        after opening such a document took 14-25 ms, isfannotate/gcpause.py). Not while asking
        who the annotator is (that may wait for a person)."""
        if self.session.doc_id is None or not self.session.require_annotator():
            return
        with paused_gc():
            self._apply_label(label)

    def _apply_label(self, label: str) -> None:
        session, view = self.session, self.parts.view
        if self.claims is not None:
            self.claims.dismiss_proposal(quiet=True)    # the next action ends a proposal
        rng = view.selected_range()
        sid = view.selected_span_id()
        if rng is None and self.kb.model.owns(sid):   # the model's: accepted with this label (a correction if other)
            self.kb.model.accept_here(corrected_label=label)
            return
        if rng is None and self.kb.is_suggestion(sid):
            if label == session.project.scheme.actor_label:
                self.kb.accept_suggestion()
                return
            rng = (view.span(sid).start, view.span(sid).end)
        if rng is not None:
            role = session.role(label)
            known = self.kb.known_actor(session.text[rng[0]:rng[1]]) if role == "actor" else None
            with session.selecting():   # its new span is selected next: the panel shows it once
                change = session.run(session.project.annotate, session.doc_id, session.annotator, rng[0], rng[1],
                                     label, actor_id=known)
            if change is not None:
                new_id = change.rows("spans")[0].after["id"]
                view.select_span(new_id)    # the caret to its start: the text selection goes (one cursor move)
                if role == "actor" and known is not None:
                    # a known name or alias is linked as it is made (one undo step); Ctrl+L changes it
                    session.message(f"{label} → {session.actor_text(known, with_type=True)} "
                                    "(a known name; Ctrl+L changes it)", 4000)
                elif role == "actor":
                    self.kb.start_link(new_id)
                elif role == "claim" and self.claims is not None:
                    self.claims.propose(new_id)
            return
        if sid is not None:
            if session.spans[sid].label != label:
                session.run(session.project.relabel, sid, label, layer=session.annotator)
            return
        session.message("Select some text first (drag, double-click, or Shift+arrows)", 4000)

    def delete_selected(self) -> None:
        session, view = self.session, self.parts.view
        sid = view.selected_span_id()
        if sid is None:
            session.message("No span selected (Tab selects the next one)", 3000)
            return
        if self.kb.is_suggestion(sid):
            self.kb.reject_suggestion()
            return
        nxt = view.next_span_id(sid) or view.previous_span_id(sid)
        deleted = session.run(session.project.delete_span, sid, layer=session.annotator) is not None
        if deleted and nxt and nxt in session.spans:
            view.select_span(nxt)

    def resize_selected(self, edge: str, step: int) -> None:
        """Move the selected span's *edge* ("start" / "end") one word left (-1) or right (1)."""
        session, view = self.session, self.parts.view
        sid = view.selected_span_id()
        if sid is None or sid not in session.spans:
            session.message("Select a span first (click it, or Tab) to move its start or end by a word", 4000)
            return
        session.run(session.project.resize_span_by_word, sid, edge, step, layer=session.annotator)

    def step_span(self, step: int) -> None:
        if self.claims is not None and self.claims.has_proposal():
            self.claims.cycle_proposal(step)    # Tab / Shift+Tab cycle a proposal's sources
            return
        view = self.parts.view
        sid = view.selected_span_id()
        if self.kb.is_suggestion(sid):      # from a suggestion: the next / previous suggestion (F8 from anywhere)
            self.kb.model.step(step)
            return
        while True:  # annotations only: suggestions are reached with F8, a click, or the caret (A / X)
            sid = view.next_span_id(sid) if step > 0 else view.previous_span_id(sid)
            if sid is None or not self.kb.is_suggestion(sid):
                break
        if sid is not None:
            view.select_span(sid)

    def toggle_snap(self) -> None:
        view = self.parts.view
        on = not view.snap_words()
        view.set_snap_words(on)
        self.snap_action.setChecked(on)
        self.label_bar.set_snap(on)

    def focus_details(self) -> None:
        """Enter: put the focus in the selected span's details (the first editable field)."""
        parts = self.parts
        if self.claims is not None and self.claims.accept_proposal():
            return
        if self.kb.is_suggestion(parts.view.selected_span_id()):     # Enter on a suggestion accepts it, as A
            self.kb.accept_suggestion()
            return
        if parts.view.selected_span_id() is None:
            return
        parts.side.setCurrentWidget(parts.annotations)
        source = parts.annotations.details.findChild(QWidget, "claimSource")
        if source is not None:     # a claim: its source first (Tab: cue, quote, modality)
            source.show()
            source.setFocus()
            return
        form = parts.annotations.form
        for i in range(form.rowCount()):
            item = form.itemAt(i, form.ItemRole.FieldRole)
            w = item.widget() if item else None
            if w is not None and w.focusPolicy() != Qt.FocusPolicy.NoFocus and not isinstance(w, QLabel):
                w.setFocus()
                return

    def toggle_done(self) -> None:
        session = self.session
        if session.doc_id is None or not session.require_annotator():
            return
        status = session.read(session.project.status, session.doc_id, session.annotator)
        if status == "done":
            session.run(session.project.set_status, session.doc_id, session.annotator, "in_progress")
        elif status is not None:
            self.kb.mark_done()
