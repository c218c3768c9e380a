"""Reads of the suggestion models and of the suggestion log (issue 22). Part of the store (``ProjectBase``).

The models table holds each trained version with its bytes (a tar of spaCy's output); the log
holds every accept, reject and correction of a model's suggestion, with the model version.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .session import OnConnection, guard_public_methods

if TYPE_CHECKING:
    from ..scheme import Scheme


@dataclass(frozen=True)
class ModelInfo:
    """One stored model version (without its bytes)."""
    version: int
    created_at: str
    layer: str
    include_layers: list[str]
    n_documents: int
    labels: list[str]
    metrics: dict[str, Any] = field(default_factory=dict)
    enabled: bool = False
    size: int = 0


_MODEL_COLS = "version, created_at, layer, include_layers, n_documents, labels, metrics, enabled, length(blob)"


def _info(r: sqlite3.Row | tuple[Any, ...]) -> ModelInfo:
    return ModelInfo(version=r[0], created_at=r[1], layer=r[2], include_layers=json.loads(r[3]), n_documents=r[4],
                     labels=json.loads(r[5]), metrics=json.loads(r[6]), enabled=bool(r[7]), size=r[8])


MIN_SCORES_KEY = "suggestion_min_scores"   # project_info: {span label or "stance": minimum score}
DEFAULT_MIN_SCORE = 0.5


LOG_COLS = ("id", "document_id", "layer", "model_version", "kind", "label", "start", "end", "score", "decision",
            "corrected_start", "corrected_end", "corrected_label", "at")


@guard_public_methods
class SuggestionReads(OnConnection):
    """Mixed into the store, ``ProjectBase`` (needs ``conn``, ``path`` and ``scheme``)."""

    if TYPE_CHECKING:   # what the store it is mixed into provides (ProjectBase)
        @property
        def scheme(self) -> Scheme: ...

    def suggestion_models(self) -> list[ModelInfo]:
        """Every stored model version, oldest first."""
        return [_info(r) for r in self._open_conn().execute(f"SELECT {_MODEL_COLS} FROM models ORDER BY version")]

    def suggestion_model(self, version: int | None = None) -> ModelInfo | None:
        """Version *version*, or (None) the enabled one; None when there is none."""
        if version is None:
            r = self._open_conn().execute(f"SELECT {_MODEL_COLS} FROM models WHERE enabled=1").fetchone()
        else:
            r = self._open_conn().execute(f"SELECT {_MODEL_COLS} FROM models WHERE version=?", (version,)).fetchone()
        return _info(r) if r else None

    def suggestion_model_bytes(self, version: int) -> bytes:
        r = self._open_conn().execute("SELECT blob FROM models WHERE version=?", (version,)).fetchone()
        return bytes(r[0]) if r else b""

    def suggestion_min_scores(self) -> dict[str, float]:
        """The project's minimum score per span label of the scheme, and "stance" for a stance's
        polarity (0.5 where none was set): a suggestion under it is not shown, and Shift+A does not
        accept it. Stored in the project, so it travels with handouts like the model."""
        row = self._open_conn().execute("SELECT value FROM project_info WHERE key=?", (MIN_SCORES_KEY,)).fetchone()
        try:
            stored = json.loads(row[0]) if row else {}
        except ValueError:
            stored = {}
        stored = stored if isinstance(stored, dict) else {}
        labels = [lab.name for lab in self.scheme.span_labels] + ["stance"]
        out = {}
        for lab in labels:
            value = stored.get(lab, DEFAULT_MIN_SCORE)
            out[lab] = float(value) if isinstance(value, (int, float)) and 0 <= value <= 1 else DEFAULT_MIN_SCORE
        return out

    def suggestion_min_scores_stored(self) -> bool:
        """Whether the project holds minimum scores of its own (else every label has the default)."""
        row = self._open_conn().execute("SELECT 1 FROM project_info WHERE key=?", (MIN_SCORES_KEY,)).fetchone()
        return row is not None

    def annotated_documents(self, layer: str) -> list[str]:
        """Ids of the documents holding any span or stance in *layer*, in import order."""
        return [r[0] for r in self._open_conn().execute(
            "SELECT id FROM documents WHERE id IN (SELECT document_id FROM spans WHERE layer=? "
            "UNION SELECT document_id FROM stances WHERE layer=?) ORDER BY seq", (layer, layer))]

    def rejected_model_suggestions(self, document_id: str, layer: str) -> set[tuple[str, int, int, str]]:
        """(kind, start, end, label) of the model suggestions rejected in this document and layer:
        they are never offered again there (whatever model version made them)."""
        return {(r[0], r[1], r[2], r[3]) for r in self._open_conn().execute(
            'SELECT kind, start, "end", label FROM suggestion_log WHERE document_id=? AND layer=? '
            "AND decision='reject'", (document_id, layer))}

    def suggestion_log(self, *, layer: str | None = None) -> list[dict[str, Any]]:
        """Every logged decision on a model suggestion (oldest first), as dicts of LOG_COLS."""
        cols = ", ".join(f'"{c}"' for c in LOG_COLS)
        sql = f"SELECT {cols} FROM suggestion_log" + (" WHERE layer=?" if layer else "") + " ORDER BY at, id"
        return [dict(zip(LOG_COLS, r, strict=True)) for r in self._open_conn().execute(sql, (layer,) if layer else ())]
