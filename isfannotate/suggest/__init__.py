"""Suggestions learned from the project's gold (issue 22): the model in the loop, Qt-free.

- ``data``: the training data, read from a layer (and, if chosen, other layers' annotations);
- ``worker``: the child process that trains (``python -m isfannotate.suggest.worker``), one
  thread, lower priority; ``runner`` starts it, streams its progress, kills it on cancel;
- ``recommender``: a loaded model (spaCy pipelines cached) that proposes spans, claims' sources
  and cues, and stances for a document;
- ``evaluate``: cross-validation by document, per-label precision/recall/F1, learning curve.

spaCy is imported only inside the functions that need it (the ``ml`` extra).
docs/suggestions.md describes how it works and what the figures mean.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Any

from ..errors import IsfError
from ..store.suggestions import ModelInfo

__all__ = ["ML_MISSING", "ModelInfo", "Suggestion", "SuggestError", "require_spacy"]

ML_MISSING = "suggestions need spaCy, which is not installed: pip install 'isfannotate[ml]'"


class SuggestError(IsfError):
    """A suggestion model that cannot be trained, loaded or used (the message says why and what to do)."""


def require_spacy() -> ModuleType:
    """spaCy, or a one-line SuggestError naming the pip command. Imported without its command
    line when not imported yet (``lean``: a quarter less of a fresh process's load)."""
    from .lean import import_spacy
    try:
        return import_spacy()
    except ImportError:
        raise SuggestError(ML_MISSING) from None


@dataclass(frozen=True)
class Suggestion:
    """One proposal of a model (or of the registry matcher): never an annotation until accepted.

    kind: "span" (a span of *label*), "claim" (a span whose label has the claim role, with the
    proposed ``source`` — ("span", (start, end)) of a proposed or existing actor span, ("actor",
    actor id) or ("article", None) — and ``cue`` (start, end)), or "stance" (for the claim at
    start-end: ``label`` is the polarity, with ``holder`` actor id and ``target`` target id).
    Offsets are code points, end exclusive."""
    kind: str
    start: int
    end: int
    label: str
    score: float
    model_version: int | None
    source: tuple[str, object] | None = None
    source_score: float | None = None
    cue: tuple[int, int] | None = None
    cue_score: float | None = None
    holder: str | None = None
    target: str | None = None
    target_score: float | None = None
    actor_id: str | None = None      # the registry matcher's actor, or a linked name's

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.label)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "start": self.start, "end": self.end, "label": self.label,
               "score": round(self.score, 4), "model_version": self.model_version}
        for name in ("source", "source_score", "cue", "cue_score", "holder", "target", "target_score", "actor_id"):
            value = getattr(self, name)
            if value is not None:
                out[name] = list(value) if isinstance(value, tuple) else value
        return out
