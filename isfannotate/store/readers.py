"""The readers: documents, spans, the registry, claims and stances, as model objects.

Shared by the app, the CLI, export and agreement through ``Project``. Every public method runs
inside the session's connection guard. Offsets are code points, end exclusive.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..errors import ValidationError
from ..models import (
    GOLD,
    Actor,
    Claim,
    Document,
    LazyModels,
    Relation,
    Span,
    Stance,
    Target,
    span_from_row,
)
from .session import OnConnection, guard_public_methods

_CLAIM_FIELDS = ("span_id", "source_kind", "source_actor", "source_span", "cue_span", "quote")

SPAN_COLS = 'id, document_id, layer, start, "end", label, actor_id, attrs, author'


@guard_public_methods
class Readers(OnConnection):
    """Read-only queries of a project (mixed into ``Project``; needs ``self.conn``)."""

    _doc_lengths: dict[str, int]

    def documents(self) -> list[Document]:
        """All documents in import order (with their text)."""
        rows = self._open_conn().execute(
            "SELECT id, text, sha256, meta, near_dup_group, seq FROM documents ORDER BY seq").fetchall()
        return [Document.model_construct(id=r[0], text=r[1], sha256=r[2], meta=json.loads(r[3]),
                                         near_dup_group=r[4], seq=r[5]) for r in rows]

    def document_list(self) -> list[tuple[str, str]]:
        """(id, title) for every document in import order, without loading texts: for long lists."""
        rows = self._open_conn().execute(
            "SELECT id, coalesce(json_extract(meta, '$.title'), substr(text, 1, 120)) FROM documents ORDER BY seq")
        return [(r[0], " ".join((r[1] or "").split())) for r in rows]

    def document(self, document_id: str) -> Document:
        r = self._open_conn().execute("SELECT id, text, sha256, meta, near_dup_group, seq FROM documents WHERE id=?",
                              (document_id,)).fetchone()
        if r is None:
            raise ValidationError(f"no document with id {document_id!r}")
        self._doc_lengths[r[0]] = len(r[1])
        return Document.model_construct(id=r[0], text=r[1], sha256=r[2], meta=json.loads(r[3]),
                                        near_dup_group=r[4], seq=r[5])

    def document_count(self) -> int:
        return int(self._open_conn().execute("SELECT count(*) FROM documents").fetchone()[0])

    def spans(self, document_id: str, layer: str) -> list[Span]:
        """The spans of one document in one layer, ordered by start, then longest first."""
        rows = self._open_conn().execute(
            f'SELECT {SPAN_COLS} FROM spans WHERE document_id=? AND layer=? ORDER BY start, "end" DESC, label, id',
            (document_id, layer)).fetchall()
        return [span_from_row(r) for r in rows]

    def span_rows(self, document_id: str, layer: str) -> list[tuple[Any, ...]]:
        """The spans of one document in one layer as plain rows, (id, start, end, label, actor_id,
        attrs as JSON text, author), in the order of the (document, layer, start) index: by start.
        For clients that draw thousands of spans and need no model per span (the window's open);
        ``models.span_from_short_row`` makes a ``Span`` of one."""
        return self._open_conn().execute(
            'SELECT id, start, "end", label, actor_id, attrs, author FROM spans WHERE document_id=? AND layer=? '
            'ORDER BY start', (document_id, layer)).fetchall()

    def span(self, span_id: str) -> Span:
        r = self._open_conn().execute(f"SELECT {SPAN_COLS} FROM spans WHERE id=?", (span_id,)).fetchone()
        if r is None:
            raise ValidationError(f"no span with id {span_id!r}")
        return span_from_row(r)

    def layers(self) -> list[str]:
        """Annotator layers that hold any annotation or status, sorted; 'gold' not included."""
        rows = self._open_conn().execute(
            "SELECT layer FROM spans UNION SELECT layer FROM doc_status UNION SELECT layer FROM stances "
            "UNION SELECT name FROM annotators").fetchall()
        return sorted({r[0] for r in rows} - {GOLD})

    def status(self, document_id: str, layer: str) -> str:
        r = self._open_conn().execute("SELECT status FROM doc_status WHERE document_id=? AND layer=?",
                              (document_id, layer)).fetchone()
        return r[0] if r else "new"

    def statuses(self, layer: str) -> dict[str, str]:
        """document id -> status for *layer* (documents without a row are 'new' and omitted)."""
        return dict(self._open_conn().execute("SELECT document_id, status FROM doc_status WHERE layer=?", (layer,)))

    def actors(self) -> list[Actor]:
        rows = self._open_conn().execute(
            "SELECT id, name, type, aliases, external_id, note FROM actors ORDER BY name COLLATE NOCASE, id")
        return [Actor.model_construct(id=r[0], name=r[1], type=r[2], aliases=json.loads(r[3]),
                                      external_id=r[4], note=r[5]) for r in rows]

    def actor(self, actor_id: str) -> Actor:
        r = self._open_conn().execute("SELECT id, name, type, aliases, external_id, note FROM actors WHERE id=?",
                              (actor_id,)).fetchone()
        if r is None:
            raise ValidationError(f"no actor with id {actor_id!r}")
        return Actor.model_construct(id=r[0], name=r[1], type=r[2], aliases=json.loads(r[3]),
                                     external_id=r[4], note=r[5])

    def targets(self) -> list[Target]:
        rows = self._open_conn().execute("SELECT id, name, description FROM targets ORDER BY name COLLATE NOCASE, id")
        return [Target.model_construct(id=r[0], name=r[1], description=r[2]) for r in rows]

    def claims(self, document_id: str, layer: str) -> Mapping[str, Claim]:
        """The layer's claims of the document by span id (read-only); each ``Claim`` is made when
        first read (``LazyModels``): the window reads a few of 6,000 when it opens a document."""
        rows = self._open_conn().execute(
            "SELECT c.span_id, c.source_kind, c.source_actor, c.source_span, c.cue_span, c.quote "
            "FROM claims c JOIN spans s ON s.id = c.span_id WHERE s.document_id=? AND s.layer=?",
            (document_id, layer))
        return LazyModels(Claim, _CLAIM_FIELDS, {r[0]: r for r in rows})

    def stances(self, document_id: str, layer: str) -> list[Stance]:
        rows = self._open_conn().execute(
            "SELECT id, holder, target, polarity, conditions FROM stances WHERE document_id=? AND layer=? "
            "ORDER BY created_at, id", (document_id, layer)).fetchall()
        evidence: dict[str, list[str]] = {}
        for sid, span_id in self._open_conn().execute(
                "SELECT e.stance_id, e.span_id FROM stance_evidence e JOIN stances s ON s.id = e.stance_id "
                "WHERE s.document_id=? AND s.layer=? ORDER BY e.position", (document_id, layer)):
            evidence.setdefault(sid, []).append(span_id)
        return [Stance.model_construct(id=r[0], document_id=document_id, layer=layer, holder=r[1], target=r[2],
                                       polarity=r[3], conditions=r[4], evidence=evidence.get(r[0], []))
                for r in rows]

    def relations(self, document_id: str, layer: str) -> list[Relation]:
        rows = self._open_conn().execute("SELECT id, head, tail, label FROM relations WHERE document_id=? AND layer=? "
                                 "ORDER BY id", (document_id, layer))
        return [Relation.model_construct(id=r[0], document_id=document_id, layer=layer, head=r[1], tail=r[2],
                                         label=r[3]) for r in rows]

    def doc_labels(self, document_id: str, layer: str) -> dict[str, Any]:
        return {k: json.loads(v) for k, v in self._open_conn().execute(
            "SELECT key, value FROM doc_labels WHERE document_id=? AND layer=? ORDER BY key", (document_id, layer))}

    def _doc_length(self, document_id: str) -> int:
        n = self._doc_lengths.get(document_id)
        if n is None:
            r = self._open_conn().execute("SELECT length(text) FROM documents WHERE id=?", (document_id,)).fetchone()
            if r is None:
                raise ValidationError(f"no document with id {document_id!r}")
            n = self._doc_lengths[document_id] = r[0]
        return n

    def assignments(self) -> dict[str, list[str]]:
        """annotator -> the ids of the documents assigned to them, in import order."""
        out: dict[str, list[str]] = {}
        for ann, doc in self._open_conn().execute(
                "SELECT a.annotator, a.document_id FROM assignments a JOIN documents d ON d.id = a.document_id "
                "ORDER BY a.annotator, d.seq"):
            out.setdefault(ann, []).append(doc)
        return out
