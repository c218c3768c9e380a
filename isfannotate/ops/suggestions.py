"""Suggestion actions (issue 22): training a model as a job, switching it, and accepting or
rejecting what it suggests: ``project.suggestion_actions``.

Suggestions are never annotations: ``model_suggestions`` computes them and writes nothing.
Accepting one writes the annotation AND its line in ``suggestion_log`` in one action (one undo
step, which removes both); rejecting one writes only the log line, which keeps that suggestion
away for that text in that document (whatever model version makes it again).
"""
from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, cast

from ..errors import ValidationError
from ..ids import new_id, now
from ..models import GOLD, layer_name
from ..store.base import ProjectBase
from ..store.changes import Change, Recorder
from ..store.session import guard_public_methods, unguarded
from ..store.suggestions import MIN_SCORES_KEY, ModelInfo
from . import Part
from .spans import SpanActions

if TYPE_CHECKING:
    from ..suggest import Suggestion
    from ..suggest.recommender import Recommender

Progress = Callable[[int, int], None]

#: inputs a person needs for each kind by hand (a drag and a label key for a span; a claim also
#: needs its cue marked; a stance its holder, target and polarity chosen and confirmed), and
#: with a suggestion: one key (A) to accept, two to accept and fix, one (X) to reject
MANUAL_INPUTS = {"span": 2, "claim": 4, "stance": 4}


@guard_public_methods
class SuggestActions(Part):
    """Training, switching and evaluating models; accepting and rejecting their suggestions:
    ``project.suggestion_actions``. Needs the store and the span part (an accepted suggestion is
    a span, added with the same checks)."""

    def __init__(self, store: ProjectBase, span_actions: SpanActions) -> None:
        super().__init__(store)
        self.span_actions = span_actions
        self._recommenders: dict[int, Recommender] = {}

    # ------------------------------------------------------------- training
    @unguarded
    def train_suggestions(self, layer: str = GOLD, include_layers: Sequence[str] = (), *, update: bool = False,
                          progress: Progress | None = None, cancelled: Callable[[], bool] | None = None,
                          seed: int = 0, epochs: int | None = None) -> ModelInfo:
        """Train a model on *layer* (and *include_layers*) in a child process and store it as the
        next version, enabled, in ONE action at the end: a cancelled or failed training leaves the
        project unchanged. *update*: continue from the enabled model on the documents it has not
        seen plus a sample of the others (much faster; see docs/suggestions.md). *epochs*: passes
        over the data from scratch (default: 600,000 tokens' worth, 1 to 30). A job function:
        ``project.jobs.submit("train", lambda p, prog, cancel: p.train_suggestions(progress=prog,
        cancelled=cancel))``."""
        from ..suggest import SuggestError, require_spacy
        from ..suggest.data import training_data
        from ..suggest.runner import run_training
        require_spacy()
        if epochs is not None and epochs < 1:
            raise ValidationError(f"epochs must be 1 or more, not {epochs}")
        layer = layer_name(layer, allow_gold=True)
        include = [layer_name(x, allow_gold=True) for x in include_layers if x != layer]
        resume = seen = None
        if update:
            prev = self.store.suggestion_model()
            if prev is None:
                raise SuggestError("--update needs an enabled model to continue from; train one first")
            resume = self.store.suggestion_model_bytes(prev.version)
            from ..suggest.runner import read_meta
            seen = set(read_meta(resume).get("train_docs", []))
        data = training_data(self.store, layer, include, seen=seen, seed=seed)
        if not data["docs"]:
            raise SuggestError(f"nothing to learn from: no document is {data['rule']} in {layer}"
                               + (f" or in {', '.join(include)}" if include else "")
                               + "; annotate some (or import gold) first")
        data["seed"] = seed
        if epochs is not None:
            data["epochs"] = int(epochs)
        blob, metrics = run_training(data, resume_blob=resume, progress=progress, cancelled=cancelled)
        metrics["skipped_documents"] = len(data["skipped"])
        return self._store_model(layer, include, metrics.get("trained_documents", len(data["docs"])), metrics, blob)

    def _store_model(self, layer: str, include: list[str], n_docs: int, metrics: dict[str, Any],
                     blob: bytes) -> ModelInfo:
        with self.store.action("train suggestions", None, None, "model", undoable=False) as rec:
            version = (self.conn.execute("SELECT max(version) FROM models").fetchone()[0] or 0) + 1
            rec.change.description = f"model {version}"
            for (v,) in self.conn.execute("SELECT version FROM models WHERE enabled=1").fetchall():
                rec.update("models", (v,), {"enabled": 0})
            rec.insert("models", {"version": version, "created_at": now(), "layer": layer,
                                  "include_layers": json.dumps(include), "n_documents": n_docs,
                                  "labels": json.dumps(metrics.get("labels", [])),
                                  "metrics": json.dumps(metrics), "enabled": 1, "blob": blob})
        self._recommenders = {}
        stored = self.store.suggestion_model(version)
        if stored is None:   # written in the action just committed
            raise ValidationError(f"model version {version} was not stored")
        return stored

    def set_suggestions_enabled(self, version: int | None) -> Change:
        """Enable model *version* (the others off), or None: no model suggests anything."""
        if version is not None and self.store.suggestion_model(version) is None:
            known = ", ".join(str(m.version) for m in self.store.suggestion_models()) or "none yet"
            raise ValidationError(f"no suggestion model version {version} (versions: {known})")
        with self.store.action("suggestions", None, None, f"model {version}" if version else "off",
                          undoable=False) as rec:
            for (v, enabled) in self.conn.execute("SELECT version, enabled FROM models").fetchall():
                want = int(v == version)
                if enabled != want:
                    rec.update("models", (v,), {"enabled": want})
        return rec.change

    # ------------------------------------------------------------ suggesting
    @unguarded
    def load_suggestion_model(self, version: int | None = None) -> Recommender | None:
        """The ``Recommender`` of model *version* (default: the enabled one), loaded once and
        cached; None when no model is enabled. Call it off the window's thread (it imports spaCy)."""
        info = self.store.suggestion_model(version)
        if info is None:
            return None
        cache = self._recommenders
        rec = cache.get(info.version)
        if rec is None:
            from ..suggest.recommender import Recommender
            blob = self.store.suggestion_model_bytes(info.version)
            rec = cache[info.version] = Recommender.from_bytes(info.version, blob)
        return rec

    @unguarded
    def model_suggestions(self, document_id: str, layer: str, *, min_score: float | dict[str, float] | None = None,
                          version: int | None = None) -> list[Suggestion]:
        """The enabled model's suggestions for a document's *layer* (``suggest.Suggestion``), those
        the layer already holds and those rejected there left out; writes nothing. *min_score*: one
        number, or label -> number (a stance's label is its polarity; missing labels: 0.5)."""
        rec = self.load_suggestion_model(version)
        if rec is None:
            return []
        with self.store.snapshot():
            doc = self.store.document(document_id)
            spans = self.store.spans(document_id, layer)
            claims = self.store.claims(document_id, layer)
            stances = self.store.stances(document_id, layer)
            rejected = self.store.rejected_model_suggestions(document_id, layer)
            actors = {a.id: a.name for a in self.store.actors()}
            targets = {t.id: t.name for t in self.store.targets()}
            roles: dict[str, str] = {lab.name: lab.role for lab in self.store.scheme.span_labels}
        floor = min_score if isinstance(min_score, (int, float)) else 0.0
        found = rec.suggest(doc.text, spans, claims, stances, roles=roles, actor_names=actors, target_names=targets,
                            min_score=min(floor, 0.5) if isinstance(min_score, dict) else floor)
        out = []
        for s in found:
            limit = (min_score.get(s.label, 0.5) if isinstance(min_score, dict) else
                     min_score if min_score is not None else 0.0)
            if s.score >= limit and (s.kind, s.start, s.end, s.label) not in rejected:
                out.append(s)
        return out

    @unguarded
    def documents_by_uncertainty(self, layer: str, document_ids: Sequence[str] | None = None, *,
                                 progress: Progress | None = None,
                                 cancelled: Callable[[], bool] | None = None) -> list[tuple[str, float]]:
        """(document id, uncertainty) of the documents not marked done in *layer* (or of
        *document_ids*), most uncertain first (``Recommender.uncertainty``; ties by import
        order): "which document next". Empty when no model is enabled. A job function."""
        rec = self.load_suggestion_model()
        if rec is None:
            return []
        statuses = self.store.statuses(layer)
        ids = list(document_ids) if document_ids is not None else [
            d for d, _ in self.store.document_list() if statuses.get(d) != "done"]
        out = []
        for i, doc_id in enumerate(ids):
            if cancelled is not None and cancelled():
                from ..errors import JobCancelled
                raise JobCancelled("ordering by uncertainty cancelled")
            out.append((doc_id, rec.uncertainty(self.store.document(doc_id).text), i))
            if progress:
                progress(i + 1, len(ids))
        return [(d, u) for d, u, _ in sorted(out, key=lambda t: (-t[1], t[2]))]

    def registry_recommendations(self, document_id: str, layer: str) -> list[Suggestion]:
        """The registry matcher as a recommender of the same interface: its actor suggestions
        (``kb.suggestions``: registry names and aliases not yet marked, rejections left out) as
        ``Suggestion`` objects of kind span, score 1, no model version, with their actor."""
        from ..kb import suggestions
        from ..suggest import Suggestion
        label = self.store.scheme.actor_label
        if label is None:
            return []
        return [Suggestion("span", o.start, o.end, label, 1.0, None, actor_id=o.actor_id)
                for o in suggestions(self.store, document_id, layer)]

    # ------------------------------------------------------ accept / reject
    def _log_row(self, document_id: str, layer: str, s: Suggestion, decision: str,
                 corrected: tuple[int, int, str] | None = None) -> dict[str, Any]:
        return {"id": new_id("sl"), "document_id": document_id, "layer": layer, "model_version": s.model_version,
                "kind": s.kind, "label": s.label, "start": s.start, "end": s.end, "score": s.score,
                "decision": decision, "corrected_start": corrected[0] if corrected else None,
                "corrected_end": corrected[1] if corrected else None,
                "corrected_label": corrected[2] if corrected else None, "at": now()}

    def _find_span(self, document_id: str, layer: str, start: int, end: int, labels: set[str]) -> str | None:
        r = self.conn.execute(
            f'SELECT id FROM spans WHERE document_id=? AND layer=? AND start=? AND "end"=? '
            f"AND label IN ({', '.join('?' * len(labels))}) ORDER BY id", (document_id, layer, start, end, *labels)
        ).fetchone() if labels else None
        return r[0] if r else None

    def _apply(self, rec: Recorder, document_id: str, layer: str, s: Suggestion,
               corrected: tuple[int, int, str] | None = None) -> None:
        """The rows of accepting *s* (with *corrected* (start, end, label) for a span or claim)."""
        scheme = self.store.scheme
        start, end, label = corrected if corrected else (s.start, s.end, s.label)
        if s.kind == "stance":
            claim_labels = set(scheme.labels_with_role("claim"))
            evidence = self._find_span(document_id, layer, s.start, s.end, claim_labels)
            if evidence is None:
                raise ValidationError(f"the claim {s.start}-{s.end} of this stance suggestion is no longer there")
            if label not in scheme.stance.polarities:
                raise ValidationError(f"polarity must be one of {', '.join(scheme.stance.polarities)}")
            sid = new_id("st")
            rec.insert("stances", {"id": sid, "document_id": document_id, "layer": layer, "holder": s.holder,
                                   "target": s.target, "polarity": label, "conditions": None, "author": layer,
                                   "created_at": now()})
            rec.insert("stance_evidence", {"stance_id": sid, "span_id": evidence, "position": 0})
            return
        if self._find_span(document_id, layer, start, end, {label}):
            raise ValidationError(f"{label} {start}-{end} is already annotated in {layer}'s layer")
        actor_id = None
        span_label = scheme.label(label)
        if span_label is not None and span_label.role == "actor":
            actor_id = s.actor_id if s.actor_id and not corrected else self._registry_actor(document_id, start, end)
        row = self.span_actions.new_span_row(document_id, layer, start, end, label, actor_id, None)
        rec.insert("spans", row)
        if s.kind != "claim":
            return
        source_span = source_actor = None
        source_kind = None
        if s.source is not None:
            kind, value = s.source
            if kind == "article":
                source_kind = "article"
            elif kind == "actor":
                source_kind, source_actor = "actor", value
            elif kind == "span":
                a_start, a_end = cast(tuple[int, int], value)
                actor_labels = set(scheme.labels_with_role("actor"))
                source_span = self._find_span(document_id, layer, a_start, a_end, actor_labels)
                if source_span is None and actor_labels:
                    a_row = self.span_actions.new_span_row(document_id, layer, a_start, a_end, sorted(actor_labels)[0],
                                           self._registry_actor(document_id, a_start, a_end), None)
                    rec.insert("spans", a_row)
                    source_span = a_row["id"]
                if source_span is not None:
                    source_kind = "actor"
                    source_actor = self.conn.execute("SELECT actor_id FROM spans WHERE id=?",
                                                     (source_span,)).fetchone()[0]
        cue_span = None
        if s.cue is not None:
            cue_labels = set(scheme.labels_with_role("cue"))
            cue_span = self._find_span(document_id, layer, s.cue[0], s.cue[1], cue_labels)
            if cue_span is None and cue_labels:
                c_row = self.span_actions.new_span_row(document_id, layer, s.cue[0], s.cue[1], sorted(cue_labels)[0],
                                                       None, None)
                rec.insert("spans", c_row)
                cue_span = c_row["id"]
        rec.insert("claims", {"span_id": row["id"], "source_kind": source_kind, "source_actor": source_actor,
                              "source_span": source_span, "cue_span": cue_span, "quote": None})

    def _registry_actor(self, document_id: str, start: int, end: int) -> str | None:
        from ..kb import actor_names, split_possessive
        text = " ".join(self.store.document(document_id).text[start:end].split())
        return actor_names(self.store).get(split_possessive(text)[0])

    def accept_model_suggestion(self, document_id: str, layer: str, suggestion: Suggestion, *,
                                corrected: tuple[int, int, str] | None = None) -> Change:
        """Accept *suggestion* (a ``Suggestion`` of ``model_suggestions``) into *layer*, logged, in
        one action. A span or claim comes with its proposed actor link (the registry's name at
        those offsets), source and cue; a stance with its holder and target. *corrected*: the
        (start, end, label) the annotator fixed it to before accepting (logged as a correction)."""
        layer = layer_name(layer, allow_gold=True)
        if corrected is not None and tuple(corrected) == (suggestion.start, suggestion.end, suggestion.label):
            corrected = None
        what = f"{suggestion.label} {suggestion.start}-{suggestion.end}"
        with self.store.action("accept suggestion", document_id, layer, what) as rec:
            self._apply(rec, document_id, layer, suggestion, corrected)
            rec.insert("suggestion_log", self._log_row(document_id, layer, suggestion,
                                                       "correct" if corrected else "accept", corrected))
            self.span_actions.touch_status(rec, document_id, layer)
        return rec.change

    def reject_model_suggestion(self, document_id: str, layer: str, suggestion: Suggestion) -> Change:
        """Reject *suggestion*: logged, and never suggested again for that text in that document
        (undo brings it back)."""
        layer = layer_name(layer, allow_gold=True)
        self.store.document_length(document_id)
        with self.store.action("reject suggestion", document_id, layer,
                          f"{suggestion.label} {suggestion.start}-{suggestion.end}") as rec:
            rec.insert("suggestion_log", self._log_row(document_id, layer, suggestion, "reject"))
        return rec.change

    @unguarded
    def accept_all_model_suggestions(self, document_id: str, layer: str,
                                     min_score: float | dict[str, float] | None = None, *,
                                     registry: bool = False) -> Change:
        """Every suggestion at or above *min_score* (None: the project's minimum score per label,
        ``suggestion_min_scores``) in the document, accepted as ONE action (one undo step): spans
        first, then stances (of the claims there before). *registry*: the registry matcher's actor
        suggestions too, in the same action (Shift+A when both are shown). Refuses a document
        marked done (nothing changes)."""
        layer = layer_name(layer, allow_gold=True)
        if self.store.status(document_id, layer) == "done":
            raise ValidationError(f"{document_id} is marked done: accepting all suggestions would change it; "
                                  "set it back to in progress first, or accept them one by one")
        found = self.model_suggestions(document_id, layer, min_score=self.min_score_map() if min_score is None
                                       else min_score)
        extra = self.registry_recommendations(document_id, layer) if registry else []
        return self._accept_many(document_id, layer, found, extra)

    def min_score_map(self) -> dict[str, float]:
        """``suggestion_min_scores`` as ``model_suggestions`` takes it: a stance's label is its polarity."""
        scores = self.store.suggestion_min_scores()
        stance = scores.pop("stance")
        scores.update({pol: stance for pol in self.store.scheme.stance.polarities})
        return scores

    def set_suggestion_min_scores(self, scores: dict[str, float], *, undoable: bool = True) -> Change:
        """Set the minimum score of some labels (span labels of the scheme, or "stance"), kept in
        the project (it travels with handouts); one undoable action. Unknown labels or scores
        outside 0..1 are refused (nothing changes)."""
        known = self.store.suggestion_min_scores()
        for label, value in scores.items():
            if label not in known:
                raise ValidationError(f"no span label {label!r} in the scheme (labels: {', '.join(known)})")
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
                raise ValidationError(f"the minimum score of {label} must be a number from 0 to 1, not {value!r}")
        new = {**known, **{k: round(float(v), 4) for k, v in scores.items()}}
        what = ", ".join(f"{k} {v:g}" for k, v in scores.items())
        with self.store.action("minimum scores", None, None, what, undoable=undoable) as rec:
            if new != known or not self.store.suggestion_min_scores_stored():
                rec.upsert("project_info", {"key": MIN_SCORES_KEY, "value": json.dumps(new, ensure_ascii=False)})
        return rec.change

    def _accept_many(self, document_id: str, layer: str, found: list[Suggestion],
                     registry: Sequence[Suggestion] = ()) -> Change:
        n = len(found) + len(registry)
        with self.store.action("accept all suggestions", document_id, layer, f"{n} suggestions") as rec:
            # the registry's names first (linked to their actor; a model suggestion of the same
            # span is then already there), plain spans, then claims (their proposed source and cue
            # may be among those spans: they are then used, not added twice), then stances
            order = {"span": 0, "claim": 1, "stance": 2}
            tagged = [(s, False) for s in registry] + [(s, True) for s in found]
            for s, logged in sorted(tagged, key=lambda t: (order[t[0].kind], t[1], t[0].start, -t[0].end,
                                                           t[0].label)):
                if s.kind != "stance" and self._find_span(document_id, layer, s.start, s.end, {s.label}):
                    continue   # the same span suggested twice (as a span and as a claim's source or cue)
                self._apply(rec, document_id, layer, s)
                if logged:   # the registry's accepted names are not logged (as when accepted alone)
                    rec.insert("suggestion_log", self._log_row(document_id, layer, s, "accept"))
            self.span_actions.touch_status(rec, document_id, layer)
        return rec.change

    # ------------------------------------------------------------- measuring
    def suggestion_stats(self, *, layer: str | None = None) -> dict[str, Any]:
        """Per model version and label, from the logged decisions: accepted, corrected (accepted
        after a fix), rejected, the acceptance rate ((accepted + corrected) / all decisions), and
        the inputs saved per document (MANUAL_INPUTS; docs/suggestions.md)."""
        from ..suggest.stats import stats_from_log
        return stats_from_log(self.store.suggestion_log(layer=layer), MANUAL_INPUTS)

    @unguarded
    def evaluate_suggestions(self, layer: str = GOLD, *, folds: int = 5, seed: int = 0,
                             shares: Sequence[float] = (0.25, 0.5, 0.75, 1.0), min_score: float = 0.5,
                             epochs: int | None = None, progress: Progress | None = None,
                             cancelled: Callable[[], bool] | None = None) -> dict[str, Any]:
        """Cross-validation by document on *layer* (see ``suggest.evaluate``); writes nothing.
        *epochs*: each fold's training from scratch (default as ``train_suggestions``)."""
        from ..suggest.evaluate import evaluate
        layer = layer_name(layer, allow_gold=True)
        if epochs is not None and epochs < 1:
            raise ValidationError(f"epochs must be 1 or more, not {epochs}")
        return evaluate(self.store, layer, folds=folds, seed=seed, shares=shares, min_score=min_score, epochs=epochs,
                        progress=progress, cancelled=cancelled)
