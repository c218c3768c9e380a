"""A loaded suggestion model: spaCy pipelines cached, proposals for one document at a time.

``Recommender.from_bytes`` unpacks a stored model and loads its one pipeline (the span tagger
and the two classifiers; models stored before kept three pipelines, still read); ``suggest`` is
then pure computation, callable from any thread (no Qt, no project access: the caller passes the
document's text and annotations).

The span tagger's predictions depend on the text alone, and so do the classifiers': both are kept
for the last few texts (``predict_spans``, ``classify``). The app asks for a document's suggestions
again after every change to its annotations; the text has not changed, so that asks the model
nothing and costs the proposals alone (a 5 KB article: ~25 ms of CPU down to ~5, on a thread that
shares the interpreter with the window's).

What a load costs (docs/suggestions.md): importing spaCy (most of it, once per process; without
its command line, ``lean``), then the tokenizer and the weights. The saved tokenizer is not read
back (``exclude=["tokenizer"]``): ``train`` never changes the blank language's tokenizer, so the
language's own is the same; it is built with its special cases added only when a text can use
them (``tokenizer.LazyTokenizer``: the same tokens, without building ~1,350 cases up front).
"""
from __future__ import annotations

import json
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..proposals import propose_claim, stance_holder
from . import Suggestion, require_spacy
from .data import stance_text
from .runner import unpack
from .tags import decode
from .tokenizer import REGISTERED, register
from .train import PIPELINE

if TYPE_CHECKING:
    from ..models import Claim, Span, Stance

SPAN_TEXTS_KEPT = 8         # texts whose span predictions a Recommender keeps (the documents last shown)
CLASSIFIED_KEPT = 4096      # texts whose classes it keeps (claims' texts: a few hundred bytes each)


@dataclass(frozen=True)
class _Pred:
    """A predicted span, shaped like a ``Span`` for the proposal functions."""
    id: str
    start: int
    end: int
    label: str
    actor_id: str | None = None


def _load(folder: Path) -> Any:
    """A saved pipeline (a spaCy ``Language``), with the tokenizer its language builds
    (``tokenizer.LazyTokenizer``)."""
    from spacy.util import load_model_from_path
    register()
    lazy = {"nlp": {"tokenizer": {"@tokenizers": REGISTERED}}}
    return load_model_from_path(folder, exclude=["tokenizer"], config=lazy)


class Recommender:
    # spaCy's objects (a ``Language``, its text classifiers), typed loosely: compiled parts without types
    nlp: Any
    spans: Any
    stance: Any
    target: Any

    def __init__(self, version: int | None, folder: Path):
        require_spacy()
        self.version = version
        self.meta: dict[str, Any] = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        if (folder / PIPELINE).exists():
            nlp = _load(folder / PIPELINE)
            self.nlp = nlp
            self.spans = nlp if "tagger" in nlp.pipe_names else None
            self.stance = nlp.get_pipe("stance") if "stance" in nlp.pipe_names else None
            self.target = nlp.get_pipe("target") if "target" in nlp.pipe_names else None
        else:   # stored before one pipeline: three, each its own
            parts = {n: _load(folder / n) if (folder / n).exists() else None for n in ("spans", "stance", "target")}
            self.spans = parts["spans"]
            self.stance = parts["stance"].get_pipe("textcat") if parts["stance"] else None
            self.target = parts["target"].get_pipe("textcat") if parts["target"] else None
            self.nlp = next((x for x in parts.values() if x is not None), None)
        self._ranks: dict[int | None, int] = {int(k) if k != "None" else None: v
                                              for k, v in self.meta.get("source_ranks", {}).items()}
        self._cue_score = (self.meta.get("cue_right", 0) + 1) / (self.meta.get("cue_total", 0) + 2)
        self._predicted: dict[tuple[str, float], tuple[tuple[int, int, str, float], ...]] = {}
        self._classified: dict[tuple[str, str], tuple[str, float] | None] = {}

    def _rank_score(self, k: int | None) -> float:
        """How often gold's source was the proposal's candidate *k* (add-one over ~5 candidates)."""
        return (self._ranks.get(k, 0) + 1) / (sum(self._ranks.values()) + 5)

    @classmethod
    def from_bytes(cls, version: int | None, blob: bytes) -> Recommender:
        with tempfile.TemporaryDirectory(prefix="isf-model-") as tmp:
            return cls(version, unpack(blob, Path(tmp)))

    @property
    def labels(self) -> list[str]:
        return list(self.meta.get("span_labels", []))

    def forget(self) -> None:
        """Drop the answers kept for texts already seen: the next ask runs the models again."""
        with _KEEPING:
            self._predicted.clear()
            self._classified.clear()

    # ------------------------------------------------------------------ spans
    def predict_spans(self, text: str, min_score: float = 0.0) -> list[tuple[int, int, str, float]]:
        """(start, end, label, score) of the span model on *text* (see ``tags.decode``); kept for
        the last ``SPAN_TEXTS_KEPT`` texts (the same text predicts the same spans)."""
        if self.spans is None or not text.strip():
            return []
        key = (text, min_score)
        got = self._predicted.get(key)
        if got is None:
            tagger = self.spans.get_pipe("tagger")
            doc = self.spans.make_doc(text)
            probs = tagger.model.predict([doc])[0]
            got = tuple(decode(doc, list(tagger.labels), probs, self.labels, min_score))
            _keep(self._predicted, key, got, SPAN_TEXTS_KEPT)
        return list(got)

    def uncertainty(self, text: str) -> float:
        """How unsure the span model is on *text*: the mean over its tokens of 1 - the probability
        of the most likely tag (0: sure of every token). For "which document next"."""
        if self.spans is None or not text.strip():
            return 0.0
        import numpy
        tagger = self.spans.get_pipe("tagger")
        doc = self.spans.make_doc(text)
        probs = numpy.asarray(tagger.model.predict([doc])[0], dtype="float64")
        if not len(probs):
            return 0.0
        if not numpy.allclose(probs.sum(axis=1), 1.0, atol=1e-3):
            probs = numpy.exp(probs - probs.max(axis=1, keepdims=True))
            probs /= probs.sum(axis=1, keepdims=True)
        return float(1.0 - probs.max(axis=1).mean())

    def classify(self, pipe: Any, text: str) -> tuple[str, float] | None:
        """The best class of a text classifier (``self.stance`` or ``self.target``) and its score;
        kept for the last ``CLASSIFIED_KEPT`` texts."""
        if pipe is None:
            return None
        key = ("stance" if pipe is self.stance else "target" if pipe is self.target else str(id(pipe)), text)
        if key in self._classified:
            return self._classified[key]
        cats = pipe(self.nlp.make_doc(text)).cats
        got: tuple[str, float] | None = None
        if cats:
            best = max(cats.items(), key=lambda kv: (kv[1], kv[0]))
            got = best[0], float(best[1])
        _keep(self._classified, key, got, CLASSIFIED_KEPT)
        return got

    # ---------------------------------------------------------------- document
    def suggest(self, text: str, spans: list[Span], claims: Mapping[str, Claim], stances: list[Stance], *,
                roles: dict[str, str], actor_names: dict[str, str], target_names: dict[str, str],
                min_score: float = 0.0) -> list[Suggestion]:
        """Suggestions for one document: spans the layer lacks (claims with a proposed source and
        cue), and stances for its claims that no stance cites. *spans*, *claims*, *stances*: the
        layer's (``Span``, ``Claim``, ``Stance`` objects); *roles*: label -> role."""
        have = {(s.start, s.end, s.label) for s in spans}
        preds = [p for p in self.predict_spans(text, min_score) if p[:3] not in have]
        actor_role = {lab for lab, r in roles.items() if r == "actor"}
        cue_role = {lab for lab, r in roles.items() if r == "cue"}
        pseudo = [_Pred(f"pred:{s}:{e}", s, e, lab) for s, e, lab, _ in preds
                  if lab in actor_role or lab in cue_role]
        context = list(spans) + pseudo
        by_id = {s.id: s for s in context}
        out: list[Suggestion] = []
        for s, e, lab, score in preds:
            if roles.get(lab) != "claim":
                out.append(Suggestion("span", s, e, lab, score, self.version))
                continue
            prop = propose_claim(text, (s, e), context, claims, actor_role=actor_role, cue_role=cue_role)
            source: tuple[str, object] | None = None
            source_score: float | None = None
            cue: tuple[int, int] | None = None
            cue_score: float | None = None
            if prop.sources:
                k, first = 0, prop.sources[0]
                if first[0] == "span" and first[1] in by_id:
                    src = by_id[first[1]]
                    source = ("span", (src.start, src.end))
                else:
                    source = first
                source_score = self._rank_score(k)
            c = by_id.get(prop.cue_span) if prop.cue_span else None
            cue = (c.start, c.end) if c is not None else prop.new_cue
            if cue is not None:
                cue_score = self._cue_score
            out.append(Suggestion("claim", s, e, lab, score, self.version, source=source, source_score=source_score,
                                  cue=cue, cue_score=cue_score))
        # stances for the layer's claims that no stance cites yet
        cited = {sid for st in stances for sid in st.evidence}
        for sp in spans:
            if roles.get(sp.label) != "claim" or sp.id in cited:
                continue
            holder, _ = stance_holder(sp, spans, claims.get(sp.id))
            claim_text = text[sp.start:sp.end]
            tgt = self.classify(self.target, claim_text)
            target, target_score = (tgt if tgt else (None, None))
            pol = self.classify(self.stance, stance_text(actor_names.get(holder or "", ""),
                                                         target_names.get(target or "", ""), claim_text))
            if pol is None or pol[1] < min_score:
                continue
            out.append(Suggestion("stance", sp.start, sp.end, pol[0], pol[1], self.version, holder=holder,
                                  target=target, target_score=target_score))
        return out


_KEEPING = threading.Lock()


def _keep(cache: dict[Any, Any], key: Any, value: Any, most: int) -> None:
    """Put *key* in *cache*, dropping the oldest entries beyond *most* (insertion order); one
    thread at a time (a Recommender may serve the window's background thread and a job)."""
    with _KEEPING:
        cache[key] = value
        while len(cache) > most:
            cache.pop(next(iter(cache)), None)
