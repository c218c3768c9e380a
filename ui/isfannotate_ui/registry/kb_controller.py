"""Actors, registry, occurrences, suggestions, validation and document labels in the window:
``KbController`` builds their side tabs and actions and turns signals into core actions through
``Session.run`` (errors land in the status bar; the window repaints from the change), through the
session and the ``WindowParts`` only. Claims, stances and relations: ``claims_controller``."""
from __future__ import annotations

from collections import Counter

from PySide6.QtCore import QObject, QPoint, Signal
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QDialog  # (each dialog is imported when first opened, not at start)

from isfannotate import kb

from ..annotate.article_view import SpanStyle
from ..annotate.doc_labels_panel import DocLabelsForm
from ..annotate.guide_panel import GuidePanel
from ..parts import WindowParts
from ..session import Session
from .actor_link import ActorLinkButton, ActorPicker
from .registry_panel import RegistryPanel
from .suggestion_sync import SUGGESTION_PREFIX, suggestion_id, sync_at_offsets

SUGGESTION_COLOR = "#7f7f7f"


class KbController(QObject):
    stanceRequested = Signal(str)   # a validation problem about a stance was clicked: show that stance

    def __init__(self, session: Session, parts: WindowParts) -> None:
        super().__init__(parts.window)
        self.session, self.parts = session, parts
        self.problems: dict[str, list[str]] = {}     # item id -> its problems' messages
        self._found: dict[str, list] | None = None    # item id -> its Problems, for revalidate
        #: items whose problems the last change altered (None: all may have, after a full check)
        self.changed_problem_items: set[str] | None = set()
        self._suggestions: dict[str, object] = {}   # style id -> Occurrence
        self._matches: list | None = None            # registry name matches in the document
        self._rejected: set | None = None
        self._covered: Counter = Counter()           # (start, end) -> how many spans sit there (at names)
        self._matches_at: dict | None = None         # (start, end) -> name matches there; None: not drawn
        self._link_span: str | None = None
        self._actor_button: ActorLinkButton | None = None
        self.picker, self.registry, self.doc_labels = None, None, None   # ActorPicker, RegistryPanel, DocLabelsForm
        self.guide = GuidePanel(parts.side)
        self.show_suggestions = True

    # ----------------------------------------------------------------- setup
    def build_actions(self) -> None:
        m, a = self.parts.menus, self.parts.menus.annotate
        a.addSeparator()
        m.add("&Link Actor…", self.link_selected, "Ctrl+L", a, tip="Link the selected ACTOR span to a registry actor")
        m.add("Annotate All &Occurrences…", self.occurrences_dialog, "Ctrl+Shift+A", a,
               tip="Every other mention of the selected span's actor")
        a.addSeparator()
        m.add("&Accept Suggestion", self.accept_suggestion, "A", a)
        m.add("Re&ject Suggestion", self.reject_suggestion, "X", a)
        m.add("Accept All Su&ggestions", self.accept_all_suggestions, "Shift+A", a)
        m.view.addSeparator()
        self.suggestions_action = m.add("Show &Suggestions", self.toggle_suggestions, None, m.view)
        self.suggestions_action.setCheckable(True)
        self.suggestions_action.setChecked(True)
        m.add("A&nnotations and Document Labels", self.focus_doc_labels, "Ctrl+1", m.view)
        m.add("&Actors", lambda: self.show_tab(self.registry), "Ctrl+2", m.view)
        m.add("&Guidelines", lambda: self.show_tab(self.guide), "Ctrl+5", m.view)
        m.add("Registry &History…", self.history_dialog, None, m.review)
        self.model.build_actions()

    def project_opened(self) -> None:
        """(Re)build what depends on the scheme: the picker, the Actors tab, the document labels."""
        session, parts, scheme = self.session, self.parts, self.session.project.scheme
        if self.picker is not None:
            self.picker.deleteLater()
        self.picker = ActorPicker(scheme.actor_types, parts.view.viewport())
        self.picker.actorChosen.connect(self.session.guarded(self._on_actor_chosen))
        self.picker.createRequested.connect(self.session.guarded(self._on_create_actor))
        self.picker.cancelled.connect(self.session.guarded(self._on_picker_closed))
        if self.registry is None:
            self.registry = RegistryPanel(scheme.actor_types, parts.side)
            self.registry.actorSaved.connect(self.session.guarded(self._on_actor_saved))
            self.registry.mergeRequested.connect(self.session.guarded(self.merge_dialog))
            self.registry.occurrencesRequested.connect(self.session.guarded(self.occurrences_dialog))
            self.registry.historyRequested.connect(self.session.guarded(self.history_dialog))
            parts.side.insertTab(1, self.registry, "Actors")
            parts.side.addTab(self.guide, "Guide")
        self.registry.set_actors(session.project.actors())
        if self.doc_labels is not None:
            self.doc_labels.deleteLater()
        self.doc_labels = DocLabelsForm(scheme.doc_labels, parts.annotations)
        self.doc_labels.labelEdited.connect(self.session.guarded(self._on_doc_label))
        parts.annotations.layout().insertWidget(0, self.doc_labels)
        self.guide.set_scheme(scheme)
        self.model.project_opened()

    def focus_doc_labels(self) -> None:
        """Ctrl+1: the Annotations tab, the focus in the first document label (Tab: the next)."""
        self.parts.side.setCurrentWidget(self.parts.annotations)
        if self.doc_labels is not None and self.doc_labels.editors:
            first = next(iter(self.doc_labels.editors.values()))
            first.setFocus()

    def show_tab(self, widget) -> None:
        self.parts.side.setCurrentWidget(widget)

    # ------------------------------------------------------------ document
    def document_shown(self) -> None:
        """A document is shown: its suggestions (drawn in the article) and document labels now;
        the problems list is emptied until ``fill_panels``."""
        session = self.session
        self._suggestions.clear()
        self._matches = self._rejected = None
        if self.picker is not None:
            self.picker.hide()
        self.refresh_suggestions()
        self.model.document_shown()
        self._found, self.problems, self.changed_problem_items = None, {}, None
        self.parts.annotations.set_problems([])
        if self.doc_labels is not None:
            values = session.project.doc_labels(session.doc_id, session.annotator) if session.annotator else {}
            self.doc_labels.set_values(values)

    def fill_panels(self, problems: list | None = None) -> None:
        """The shown document's problems (or *problems*, as ``validate``'s), after its first paint."""
        self.refresh_validation(problems=problems)

    def after_change(self, change) -> None:
        session = self.session
        self.changed_problem_items = set()
        if self._link_span is not None:
            span = session.spans.get(self._link_span)
            if span is None or session.project.scheme.label(span.label).role != "actor":
                self.close_picker()  # the span was relabelled or deleted meanwhile
        tables = {op.table for op in change.ops}
        if tables & {"actors", "targets"} or change.document_id is None:
            self.registry.set_actors(session.project.actors())
        if session.doc_id is None or self.model.after_change(change):   # (returns None)
            return
        if tables & {"spans", "actors", "suggestion_decisions"}:
            if (tables & {"actors", "suggestion_decisions"} or self._matches_at is None
                    or change.document_id != session.doc_id or change.layer != session.annotator):
                self.refresh_suggestions(registry_changed="actors" in tables,
                                         decisions_changed="suggestion_decisions" in tables)
            else:
                self._refresh_suggestions_for_spans(change)
        if "doc_labels" in tables and self.doc_labels is not None:
            self.doc_labels.set_values(session.project.doc_labels(session.doc_id, session.annotator))
        if self._may_change_problems(change, tables):
            self.refresh_validation(change)

    def _may_change_problems(self, change, tables: set[str]) -> bool:
        """Validation looks at actor links, claims and stances: a change that only adds or
        removes other spans (a CUE, a generic label) cannot change its result."""
        if tables & {"claims", "stances", "stance_evidence", "actors"}:
            return True
        scheme = self.session.project.scheme
        for op in change.rows("spans"):
            labels = {row["label"] for row in (op.before, op.after) if row is not None}
            if any(scheme.label(lab) is not None and scheme.label(lab).role in ("actor", "claim") for lab in labels):
                return True
        return False

    def refresh_validation(self, change=None, problems: list | None = None) -> None:
        """The document's problems: all of them, or after *change* (of the shown document) only
        what it touched (``validate(only=...)``, as ``Project.revalidate``), in document order.
        After a change the list is updated row by row, and ``changed_problem_items`` says whose
        problems changed (None after a full check): a key press costs O(change), not O(problems)."""
        session, parts = self.session, self.parts
        if session.doc_id is None or not session.annotator:
            self._found, self.problems, self.changed_problem_items = {}, {}, None
            parts.annotations.set_problems([])
            return
        if change is None or change.document_id != session.doc_id or self._found is None:
            found: dict[str, list] = {}
            for p in problems if problems is not None else session.project.validate(
                    session.doc_id, session.annotator, text=session.text):   # (or as given: a full check)
                found.setdefault(p.item_id, []).append(p)
            self._found = found
            self.problems = {item: [p.message for p in ps] for item, ps in found.items()}
            self.changed_problem_items = None
            places = session.span_places()     # no Span of each made for it
            parts.annotations.set_problems([(self._problem_key(item, places), item, msgs)
                                            for item, msgs in self.problems.items()])
            return
        # what Project.revalidate does, in place: its copy of 10,000 problems cost 1 ms a key press
        touched = kb.touched_items(change)
        fresh: dict[str, list] = {}
        if touched:
            for p in session.project.validate(session.doc_id, session.annotator, only=touched, text=session.text):
                fresh.setdefault(p.item_id, []).append(p)
        changed = set()
        for item in touched:
            if item in fresh:
                self._found[item] = fresh[item]
            else:
                self._found.pop(item, None)
            msgs = [p.message for p in fresh.get(item, ())]
            if msgs != self.problems.get(item, []):
                changed.add(item)
                if msgs:
                    self.problems[item] = msgs
                else:
                    self.problems.pop(item, None)
                parts.annotations.update_problem(item, self._problem_key(item), msgs)
        self.changed_problem_items = changed

    def _problem_key(self, item: str, places: dict[str, tuple[int, int, str]] | None = None) -> tuple:
        """Spans in the text's order, then the rest (stances); *places*: ``Session.span_places``."""
        sp = self.session.spans.get(item) if places is None else None
        at = places.get(item) if places is not None else (sp.start, sp.end, sp.label) if sp is not None else None
        return (0, at[0], -at[1], at[2], item) if at is not None else (1, 0, 0, "", item)

    # ----------------------------------------------------------- suggestions
    def suggestion_styles(self) -> list[SpanStyle]:
        return [self._suggestion_style(sid, o) for sid, o in self._suggestions.items()] + self.model.styles()

    def _suggestion_style(self, sid: str, o, label: str | None = None) -> SpanStyle:
        name = self.session.actor_text(o.actor_id)
        return SpanStyle(sid, o.start, o.end, label or self.session.project.scheme.actor_label or "ACTOR",
                         SUGGESTION_COLOR, "suggestion", f"suggestion: {name} (A accept, X reject)")

    def refresh_suggestions(self, registry_changed: bool = True, decisions_changed: bool = True) -> None:
        """Draw the registry's suggestions for the document (never stored until accepted).
        The name matches are kept until the registry changes and the rejections until a
        decision changes; what is annotated comes from the window's spans (no query)."""
        session, parts = self.session, self.parts
        new: dict[str, object] = {}
        # a layer shown read-only gets no suggestions: they could not be taken
        if self.show_suggestions and session.doc_id is not None and session.annotator \
                and session.project.scheme.actor_label and not session.read_only:
            with session.project.read_snapshot():   # kb reads the connection itself: hold the project's guard
                if registry_changed or self._matches is None:
                    self._matches = kb.name_matches(session.project, session.doc_id, text=session.text)
                if decisions_changed or self._rejected is None:
                    self._rejected = kb.rejected_suggestions(session.project, session.doc_id, session.annotator)
            self._matches_at = {}
            for o in self._matches:
                self._matches_at.setdefault((o.start, o.end), []).append(o)
            # spans per (start, end), counted only where a name matches: only those are ever read
            starts = {o.start for o in self._matches}
            self._covered = Counter((r[1], r[2]) for r in session.span_rows() if r[1] in starts)
            for o in kb.filter_suggestions(self._matches, self._covered.keys(), self._rejected):
                new[suggestion_id(o)] = o
        else:
            self._matches_at = None
        gone = [sid for sid in self._suggestions if sid not in new]
        added = [sid for sid in new if sid not in self._suggestions]
        self._suggestions = new
        if gone:
            parts.view.remove_spans(gone)
        if added:
            label = session.project.scheme.actor_label or "ACTOR"     # once, not per suggestion
            parts.view.add_spans([self._suggestion_style(sid, new[sid], label) for sid in added])

    def _refresh_suggestions_for_spans(self, change) -> None:
        """After a change to spans alone: only suggestions at its rows' offsets can appear or go."""
        gone, added = sync_at_offsets(change, self._covered, self._matches_at, self._rejected, self._suggestions)
        if gone:
            self.parts.view.remove_spans(gone)
        if added:
            self.parts.view.add_spans([self._suggestion_style(sid, self._suggestions[sid]) for sid in added])

    def is_suggestion(self, style_id: str | None) -> bool:   # the registry's or the model's
        return bool(style_id) and (style_id.startswith(SUGGESTION_PREFIX) or self.model.owns(style_id))

    def suggestion_here(self):
        """The selected suggestion, else the innermost one under the caret."""
        sel = self.parts.view.selected_span_id()
        if self.is_suggestion(sel):
            return self._suggestions.get(sel)
        rng = self.parts.view.selected_range()
        if rng is not None:   # selected text (a find match, a drag): the suggestion it covers (B10)
            inside = [o for o in self._suggestions.values() if rng[0] <= o.start and o.end <= rng[1]]
            if inside:
                return min(inside, key=lambda o: (o.start - rng[0]) + (rng[1] - o.end))
        for st in self.parts.view.spans_at(self.parts.view.cursor_position()):
            if st.kind == "suggestion" and st.id in self._suggestions:
                return self._suggestions[st.id]
        return None

    def _registry_suggestion(self):
        o = self.suggestion_here()
        if o is None or not self.session.require_annotator():
            self.session.message("No suggestion here (suggestions are drawn dashed)", 3000)
            return None
        return o

    def accept_suggestion(self) -> None:
        session, parts = self.session, self.parts
        if self.model.accept_here() or (o := self._registry_suggestion()) is None:   # the model's first
            return
        with session.selecting():   # the new span is selected next: the panel shows it once
            change = session.run(session.project.accept_suggestion, session.doc_id, session.annotator, o.start,
                                 o.end, o.actor_id)
        if change is not None:
            parts.view.select_span(change.rows("spans")[0].after["id"])

    def reject_suggestion(self) -> None:
        session = self.session
        if self.model.reject_here() or (o := self._registry_suggestion()) is None:   # the model's first
            return
        session.run(session.project.reject_suggestion, session.doc_id, session.annotator, o.start, o.end, o.actor_id)

    def accept_all_suggestions(self) -> None:
        session = self.session
        if session.doc_id is None or not session.require_annotator() or self.model.accept_all():   # the model's first
            return
        if not self._suggestions:
            session.message("No suggestions in this document", 3000)
            return
        session.run(session.project.accept_all_suggestions, session.doc_id, session.annotator)

    def toggle_suggestions(self) -> None:
        self.show_suggestions = not self.show_suggestions
        self.suggestions_action.setChecked(self.show_suggestions)
        self.refresh_suggestions()

    # ---------------------------------------------------------- actor links
    def start_link(self, span_id: str) -> None:
        """Show the actor picker next to *span_id* (non-blocking)."""
        session, parts = self.session, self.parts
        span = session.spans[span_id]
        self._link_span = span_id
        self.picker.start(session.text[span.start:span.end], session.actor_folds(), span.actor_id)
        cur = QTextCursor(parts.view.document())
        cur.setPosition(parts.view.offsets.to_qt(span.end))
        rect = parts.view.cursorRect(cur)
        vp = parts.view.viewport()
        x = min(max(0, rect.left() - 40), max(0, vp.width() - self.picker.width()))
        y = rect.bottom() + 4
        if y + self.picker.height() > vp.height():
            y = max(0, rect.top() - self.picker.height() - 4)
        self.picker.move(QPoint(x, y))

    def known_actor(self, text: str) -> str | None:
        """The registry actor whose name or alias is exactly *text* (spaces and ’ / ' aside, case
        kept: "US" is the United States, "us" is not), when exactly one is; None otherwise (the
        picker is opened instead). A lookup in the folded names' index, not a registry search."""
        def norm(t: str) -> str:
            return " ".join(t.split()).replace("’", "'")
        want = norm(text)
        exact = [a for a in self.session.actor_folds().exactly(text, limit=5)
                 if want in {norm(n) for n in (a.name, *a.aliases)}]
        return exact[0].id if len(exact) == 1 else None

    def link_selected(self) -> None:
        session, parts = self.session, self.parts
        sid = parts.view.selected_span_id()
        span = session.spans.get(sid) if sid else None
        role = session.project.scheme.label(span.label).role if span else None
        if role != "actor":
            session.message("Select an ACTOR span first (Tab moves between spans)", 3000)
            return
        self.start_link(sid)

    def _on_actor_chosen(self, actor_id: str, add_alias: bool) -> None:
        session, sid = self.session, self._link_span
        self._on_picker_closed()
        if sid in session.spans:
            session.run(session.project.link_actor, sid, actor_id, layer=session.annotator, add_alias=add_alias)

    def _on_create_actor(self, name: str, type_: str, keep_alias: bool) -> None:
        session, sid = self.session, self._link_span
        self._on_picker_closed()
        if sid not in session.spans:
            return
        span = session.spans[sid]
        text = " ".join(session.text[span.start:span.end].split())
        aliases = [text] if keep_alias and text != name else []
        session.run(session.project.create_actor_for_span, sid, name, type_, aliases=aliases, layer=session.annotator)

    def close_picker(self) -> None:
        """Hide the picker without linking (another span was chosen, or the span changed)."""
        if self.picker is not None and self.picker.isVisible():
            self.picker.hide()
            self._link_span = None
            self.parts.view.setFocus()

    def on_span_selected(self, span_id: str) -> None:
        if self._link_span is not None and span_id != self._link_span:
            self.close_picker()

    def _on_picker_closed(self) -> None:
        sid = self._link_span
        self._link_span = None
        self.parts.view.setFocus()
        if sid in self.session.spans and self.parts.view.selected_span_id() != sid:
            self.parts.view.select_span(sid)

    def actor_row(self, span):
        """The details row for an ACTOR span: its actor, and a button to change the link (one
        button, kept by the panel and given the span each time)."""
        session, parts = self.session, self.parts
        if self._actor_button is None:
            self._actor_button = ActorLinkButton(parts.annotations.details)
            parts.annotations.keep_in_details(self._actor_button)
            self._actor_button.linkRequested.connect(session.guarded(self.start_link))
        linked = f"{session.actor_text(span.actor_id, with_type=True)} — change…" if span.actor_id else None
        return self._actor_button.for_span(span.id, linked or "⚠ not linked — link… (Ctrl+L)")

    # -------------------------------------------------------------- registry
    def _on_actor_saved(self, actor_id: str, values: dict) -> None:
        session = self.session
        if actor_id:
            session.run(session.project.update_actor, actor_id, **values)
        else:
            change = session.run(session.project.add_actor, values["name"], values["type"], aliases=values["aliases"],
                                 external_id=values["external_id"], note=values["note"])
            if change is not None:
                self.registry.select_actor(change.rows("actors")[0].after["id"])

    def merge_dialog(self, actor_id: str) -> QDialog:
        from .registry_dialogs import MergeDialog
        session, parts = self.session, self.parts
        dlg = MergeDialog(session.project.actors(), actor_id, parts.window)
        dlg.mergeChosen.connect(session.guarded(self._merge))
        parts.dialogs.show(dlg)
        return dlg

    def _merge(self, keep: str, drop: str) -> None:
        if self.session.run(self.session.project.merge_actors, keep, drop) is not None:
            self.registry.select_actor(keep)

    def history_dialog(self) -> QDialog:
        from .registry_dialogs import RegistryLogDialog
        return self.parts.dialogs.show(RegistryLogDialog(self.session.project.registry_log(), self.parts.window))

    # ----------------------------------------------------------- occurrences
    def occurrences_dialog(self, actor_id: str | None = None) -> QDialog | None:
        """Every other unannotated mention of an actor (the registry's chosen one, else the
        selected ACTOR span's actor, else the selected span's text)."""
        session, parts = self.session, self.parts
        if session.doc_id is None or not session.require_annotator():
            return None
        text = None
        if actor_id is None:
            sid = parts.view.selected_span_id()
            span = session.spans.get(sid) if sid else None
            if span is not None and session.project.scheme.label(span.label).role == "actor":
                actor_id = span.actor_id
                text = None if actor_id else session.text[span.start:span.end]
            elif parts.side.currentWidget() is self.registry:
                actor_id = self.registry.current_actor_id()
        if actor_id is None and text is None:
            session.message("Select an ACTOR span (or an actor in the Actors tab) first", 4000)
            return None
        name = session.project.actor(actor_id).name if actor_id else f"“{text}”"
        layer, doc = session.annotator, session.doc_id

        def fetch(whole: bool) -> list:
            return session.project.occurrences(layer, actor_id=actor_id, text=text,
                                               document_ids=None if whole else [doc])

        from .occurrences_dialog import OccurrencesDialog
        dlg = OccurrencesDialog(name, fetch, lambda d: session.project.document(d).text, doc, parts.window)
        dlg.annotateRequested.connect(session.guarded(self._annotate_occurrences))
        parts.dialogs.show(dlg)
        return dlg

    def _annotate_occurrences(self, occ: list) -> None:
        """All ticked occurrences, in one document or across the project, as ONE undo step."""
        session = self.session
        label = session.project.scheme.actor_label
        if not occ or session.run(session.project.annotate_across, session.annotator,
                                  [(o.document_id, o.start, o.end, label, o.actor_id or None) for o in occ]) is None:
            return
        docs = len({o.document_id for o in occ})
        n = len(occ)
        session.message(f"annotated {n} mention{'s' if n != 1 else ''} in {docs} "
                        f"document{'s' if docs != 1 else ''} (Ctrl+Z undoes all)", 4000)

    # ------------------------------------------------------ labels and done
    def _on_doc_label(self, key: str, value) -> None:
        session = self.session
        if session.doc_id is not None and session.require_annotator():
            session.run(session.project.set_doc_label, session.doc_id, session.annotator, key, value)

    def mark_done(self) -> QDialog | None:
        """Mark the document done; with validation problems, ask for a reason (non-blocking)."""
        session, parts = self.session, self.parts
        problems = session.project.validate(session.doc_id, session.annotator)
        if not problems:
            session.run(session.project.set_status, session.doc_id, session.annotator, "done")
            return None
        from ..dialogs.validation_dialog import MarkDoneDialog
        dlg = MarkDoneDialog(problems, parts.window)
        doc = session.doc_id
        dlg.markDoneAnyway.connect(lambda reason: session.run(session.project.set_status, doc, session.annotator,
                                                              "done", reason=reason))
        dlg.problemClicked.connect(session.guarded(self._go_to_problem))
        parts.dialogs.show(dlg)
        return dlg

    def _go_to_problem(self, item_id: str) -> None:
        session, parts = self.session, self.parts
        if item_id in session.spans:
            parts.view.select_span(item_id)
        else:
            self.stanceRequested.emit(item_id)


