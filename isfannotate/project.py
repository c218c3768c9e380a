"""``Project``: the one entry point for the desktop app, the CLI, scripts and tests.

Every user action is one method that validates, writes in one transaction (``BEGIN
IMMEDIATE`` ... ``COMMIT`` with WAL and synchronous=FULL) and returns a ``Change``. Undo and
redo over those changes live here. All offsets are code points, end exclusive.

Threading: a Project (its connection) belongs to the thread that opened it. Workers open
their own ``Project.open(path)``.
"""
from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from . import storage
from .changes import Change, Recorder, inverse, replay
from .errors import ProjectError, ValidationError
from .models import (GOLD, STATUSES, Actor, Claim, Document, Relation, Span, Stance, Target,
                     layer_name, span_from_row)
from .scheme import Scheme, load_scheme, parse_scheme

Progress = Callable[[int, int], None]
_SPAN_COLS = 'id, document_id, layer, start, "end", label, actor_id, attrs, author'


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def new_id(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:16]}"


class Project:
    """An open project file. Use ``Project.create`` / ``Project.open``; close it (or use ``with``)."""

    def __init__(self, path: Path, conn: sqlite3.Connection):
        self.path = Path(path)
        self.conn = conn
        self._scheme: Scheme | None = None
        self._doc_lengths: dict[str, int] = {}
        self._undo: list[Change] = []
        self._redo: list[Change] = []
        self.author = "unknown"

    # ----------------------------------------------------------------- lifecycle
    @classmethod
    def create(cls, path: str | Path, scheme: Scheme | str | Path | None = None,
               registry: str | Path | None = None, *, name: str | None = None) -> "Project":
        """Create a new project file with *scheme* (default: the seeds' scheme) and, when given,
        a starter actor registry (JSON ``{"actors": [...]}``). The scheme's targets are loaded."""
        from .resources import default_scheme_path
        if scheme is None:
            scheme = default_scheme_path()
        if not isinstance(scheme, Scheme):
            scheme = load_scheme(scheme)
        path = Path(path)
        if path.parent and not path.parent.exists():
            raise ProjectError(f"{path}: folder {path.parent} does not exist")
        conn = storage.open_database(path, create=True)
        project = cls(path, conn)
        project.author = "lead"
        with project._tx():
            conn.execute("INSERT INTO project_info VALUES ('scheme', ?)", (scheme.model_dump_json(),))
            conn.execute("INSERT INTO project_info VALUES ('name', ?)", (name or path.stem,))
            conn.execute("INSERT INTO project_info VALUES ('created_at', ?)", (now(),))
            for t in scheme.targets:
                conn.execute("INSERT INTO targets (id, name, description, created_by, created_at) "
                             "VALUES (?, ?, ?, 'scheme', ?)", (t.id, t.name, t.description, now()))
            if registry is not None:
                from .registry import read_registry_file
                for actor in read_registry_file(registry):
                    conn.execute(
                        "INSERT INTO actors (id, name, type, aliases, external_id, note, created_by, created_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, 'registry', ?)",
                        (actor.id, actor.name, actor.type, json.dumps(actor.aliases, ensure_ascii=False),
                         actor.external_id, actor.note, now()))
        return project

    @classmethod
    def open(cls, path: str | Path) -> "Project":
        return cls(Path(path), storage.open_database(path, create=False))

    def close(self) -> None:
        """Checkpoint the WAL and close: the file is then self-contained."""
        if self.conn is not None:
            storage.close(self.conn)
            self.conn = None

    def __enter__(self) -> "Project":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def copy_to(self, dest: str | Path) -> None:
        """Write a self-contained copy of the project (``VACUUM INTO``), e.g. to hand to someone."""
        dest = Path(dest)
        if dest.exists():
            raise ProjectError(f"{dest}: already exists")
        self.conn.execute("VACUUM INTO ?", (str(dest),))

    @property
    def db(self):
        """A sqlite-utils ``Database`` on this project's connection, for schema work and bulk writes."""
        import sqlite_utils
        return sqlite_utils.Database(self.conn)

    @property
    def name(self) -> str:
        row = self.conn.execute("SELECT value FROM project_info WHERE key='name'").fetchone()
        return row[0] if row else self.path.stem

    @property
    def scheme(self) -> Scheme:
        if self._scheme is None:
            raw = self.conn.execute("SELECT value FROM project_info WHERE key='scheme'").fetchone()
            if raw is None:
                raise ProjectError(f"{self.path}: the project has no scheme")
            self._scheme = parse_scheme(json.loads(raw[0]), f"{self.path} (stored scheme)")
        return self._scheme

    @property
    def schema_version(self) -> int:
        return storage.schema_version(self.conn)

    # ------------------------------------------------------------- transactions
    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    @contextmanager
    def _action(self, action: str, document_id: str | None, layer: str | None,
                description: str = "") -> Iterator[Recorder]:
        change = Change(action, document_id, layer, description=description)
        with self._tx():
            rec = Recorder(self.conn, change)
            yield rec
            if layer is not None and layer != GOLD:
                self._ensure_annotator(rec, layer)
        if change.ops:
            self._undo.append(change)
            self._redo.clear()

    def _ensure_annotator(self, rec: Recorder, layer: str) -> None:
        if self.conn.execute("SELECT 1 FROM annotators WHERE name=?", (layer,)).fetchone() is None:
            rec.insert("annotators", {"name": layer, "created_at": now()})

    # --------------------------------------------------------------- undo/redo
    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def undo(self) -> Change | None:
        """Undo the last action of this session; returns the change applied (for repainting)."""
        if not self._undo:
            return None
        change = self._undo.pop()
        inv = inverse(change)
        with self._tx():
            replay(self.conn, inv)
            self._log_registry_undo(change, "undo")
        self._redo.append(change)
        return inv

    def redo(self) -> Change | None:
        if not self._redo:
            return None
        change = self._redo.pop()
        fwd = Change(change.action, change.document_id, change.layer,
                     [op for op in change.ops if op.table != "registry_log"], change.description)
        with self._tx():
            replay(self.conn, fwd)
            self._log_registry_undo(change, "redo")
        self._undo.append(change)
        return fwd

    def _log_registry_undo(self, change: Change, what: str) -> None:
        for op in change.rows("registry_log"):
            row = op.after
            self.conn.execute(
                "INSERT INTO registry_log (at, author, kind, entity_id, op, before, after) VALUES (?,?,?,?,?,?,?)",
                (now(), self.author, row["kind"], row["entity_id"], f"{what}:{row['op']}", row["after"], row["before"]))

    # ----------------------------------------------------------------- reading
    def documents(self) -> list[Document]:
        """All documents in import order (with their text)."""
        rows = self.conn.execute(
            "SELECT id, text, sha256, meta, near_dup_group, seq FROM documents ORDER BY seq").fetchall()
        return [Document.model_construct(id=r[0], text=r[1], sha256=r[2], meta=json.loads(r[3]),
                                         near_dup_group=r[4], seq=r[5]) for r in rows]

    def document_list(self) -> list[tuple[str, str]]:
        """(id, title) for every document in import order, without loading texts: for long lists."""
        rows = self.conn.execute(
            "SELECT id, coalesce(json_extract(meta, '$.title'), substr(text, 1, 120)) FROM documents ORDER BY seq")
        return [(r[0], " ".join((r[1] or "").split())) for r in rows]

    def document(self, document_id: str) -> Document:
        r = self.conn.execute("SELECT id, text, sha256, meta, near_dup_group, seq FROM documents WHERE id=?",
                              (document_id,)).fetchone()
        if r is None:
            raise ValidationError(f"no document with id {document_id!r}")
        self._doc_lengths[r[0]] = len(r[1])
        return Document.model_construct(id=r[0], text=r[1], sha256=r[2], meta=json.loads(r[3]),
                                        near_dup_group=r[4], seq=r[5])

    def document_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM documents").fetchone()[0]

    def spans(self, document_id: str, layer: str) -> list[Span]:
        """The spans of one document in one layer, ordered by start, then longest first."""
        rows = self.conn.execute(
            f'SELECT {_SPAN_COLS} FROM spans WHERE document_id=? AND layer=? ORDER BY start, "end" DESC, label, id',
            (document_id, layer)).fetchall()
        return [span_from_row(r) for r in rows]

    def span(self, span_id: str) -> Span:
        r = self.conn.execute(f"SELECT {_SPAN_COLS} FROM spans WHERE id=?", (span_id,)).fetchone()
        if r is None:
            raise ValidationError(f"no span with id {span_id!r}")
        return span_from_row(r)

    def layers(self) -> list[str]:
        """Annotator layers that hold any annotation or status, sorted; 'gold' not included."""
        rows = self.conn.execute(
            "SELECT layer FROM spans UNION SELECT layer FROM doc_status UNION SELECT layer FROM stances "
            "UNION SELECT name FROM annotators").fetchall()
        return sorted({r[0] for r in rows} - {GOLD})

    def status(self, document_id: str, layer: str) -> str:
        r = self.conn.execute("SELECT status FROM doc_status WHERE document_id=? AND layer=?",
                              (document_id, layer)).fetchone()
        return r[0] if r else "new"

    def statuses(self, layer: str) -> dict[str, str]:
        """document id -> status for *layer* (documents without a row are 'new' and omitted)."""
        return dict(self.conn.execute("SELECT document_id, status FROM doc_status WHERE layer=?", (layer,)))

    def actors(self) -> list[Actor]:
        rows = self.conn.execute(
            "SELECT id, name, type, aliases, external_id, note FROM actors ORDER BY name COLLATE NOCASE, id")
        return [Actor.model_construct(id=r[0], name=r[1], type=r[2], aliases=json.loads(r[3]),
                                      external_id=r[4], note=r[5]) for r in rows]

    def actor(self, actor_id: str) -> Actor:
        r = self.conn.execute("SELECT id, name, type, aliases, external_id, note FROM actors WHERE id=?",
                              (actor_id,)).fetchone()
        if r is None:
            raise ValidationError(f"no actor with id {actor_id!r}")
        return Actor.model_construct(id=r[0], name=r[1], type=r[2], aliases=json.loads(r[3]),
                                     external_id=r[4], note=r[5])

    def targets(self) -> list[Target]:
        rows = self.conn.execute("SELECT id, name, description FROM targets ORDER BY name COLLATE NOCASE, id")
        return [Target.model_construct(id=r[0], name=r[1], description=r[2]) for r in rows]

    def claims(self, document_id: str, layer: str) -> dict[str, Claim]:
        rows = self.conn.execute(
            "SELECT c.span_id, c.source_kind, c.source_actor, c.source_span, c.cue_span, c.quote "
            "FROM claims c JOIN spans s ON s.id = c.span_id WHERE s.document_id=? AND s.layer=?",
            (document_id, layer))
        return {r[0]: Claim.model_construct(span_id=r[0], source_kind=r[1], source_actor=r[2], source_span=r[3],
                                            cue_span=r[4], quote=r[5]) for r in rows}

    def stances(self, document_id: str, layer: str) -> list[Stance]:
        rows = self.conn.execute(
            "SELECT id, holder, target, polarity, conditions FROM stances WHERE document_id=? AND layer=? "
            "ORDER BY created_at, id", (document_id, layer)).fetchall()
        evidence: dict[str, list[str]] = {}
        for sid, span_id in self.conn.execute(
                "SELECT e.stance_id, e.span_id FROM stance_evidence e JOIN stances s ON s.id = e.stance_id "
                "WHERE s.document_id=? AND s.layer=? ORDER BY e.position", (document_id, layer)):
            evidence.setdefault(sid, []).append(span_id)
        return [Stance.model_construct(id=r[0], document_id=document_id, layer=layer, holder=r[1], target=r[2],
                                       polarity=r[3], conditions=r[4], evidence=evidence.get(r[0], []))
                for r in rows]

    def relations(self, document_id: str, layer: str) -> list[Relation]:
        rows = self.conn.execute("SELECT id, head, tail, label FROM relations WHERE document_id=? AND layer=? "
                                 "ORDER BY id", (document_id, layer))
        return [Relation.model_construct(id=r[0], document_id=document_id, layer=layer, head=r[1], tail=r[2],
                                         label=r[3]) for r in rows]

    def doc_labels(self, document_id: str, layer: str) -> dict[str, Any]:
        return {k: json.loads(v) for k, v in self.conn.execute(
            "SELECT key, value FROM doc_labels WHERE document_id=? AND layer=? ORDER BY key", (document_id, layer))}

    # ------------------------------------------------------------ span actions
    def _doc_length(self, document_id: str) -> int:
        n = self._doc_lengths.get(document_id)
        if n is None:
            r = self.conn.execute("SELECT length(text) FROM documents WHERE id=?", (document_id,)).fetchone()
            if r is None:
                raise ValidationError(f"no document with id {document_id!r}")
            n = self._doc_lengths[document_id] = r[0]
        return n

    def _check_label(self, label: str) -> None:
        if self.scheme.label(label) is None:
            known = ", ".join(lab.name for lab in self.scheme.span_labels)
            raise ValidationError(f"label {label!r} is not in the scheme (labels: {known})")

    def _touch_status(self, rec: Recorder, document_id: str, layer: str) -> None:
        r = self.conn.execute("SELECT status FROM doc_status WHERE document_id=? AND layer=?",
                              (document_id, layer)).fetchone()
        if r is None:
            rec.insert("doc_status", {"document_id": document_id, "layer": layer, "status": "in_progress",
                                      "reason": None, "updated_at": now()})

    def _span_row(self, document_id: str, layer: str, start: int, end: int, label: str,
                  actor_id: str | None, attrs: dict | None) -> dict:
        if not (isinstance(start, int) and isinstance(end, int)) or not 0 <= start < end <= self._doc_length(document_id):
            raise ValidationError(f"span {start}-{end} is outside document {document_id!r} "
                                  f"(0-{self._doc_length(document_id)}) or empty")
        self._check_label(label)
        if actor_id is not None:
            self.actor(actor_id)
        return {"id": new_id("s"), "document_id": document_id, "layer": layer, "start": start, "end": end,
                "label": label, "actor_id": actor_id, "attrs": json.dumps(attrs or {}, ensure_ascii=False),
                "author": layer, "created_at": now()}

    def annotate(self, document_id: str, layer: str, start: int, end: int, label: str, *,
                 actor_id: str | None = None, attrs: dict | None = None) -> Change:
        """Add a span [start, end) (code points) labelled *label* to *layer*. Refuses an exact
        duplicate (same layer, offsets and label)."""
        layer = layer_name(layer, allow_gold=True)
        row = self._span_row(document_id, layer, start, end, label, actor_id, attrs)
        if self.conn.execute('SELECT 1 FROM spans WHERE document_id=? AND layer=? AND start=? AND "end"=? AND label=?',
                             (document_id, layer, start, end, label)).fetchone():
            raise ValidationError(f"{label} {start}-{end} is already annotated in {layer}'s layer")
        with self._action("annotate", document_id, layer, f"{label} {start}-{end}") as rec:
            rec.insert("spans", row)
            self._touch_status(rec, document_id, layer)
        return rec.change

    def annotate_many(self, document_id: str, layer: str,
                      items: Sequence[tuple[int, int, str, str | None]]) -> Change:
        """Add several spans (start, end, label, actor_id) to one document as ONE undoable
        action; exact duplicates of existing spans are skipped."""
        return self.annotate_across(layer, [(document_id, s, e, lab, act) for s, e, lab, act in items])

    def annotate_across(self, layer: str, items: Sequence[tuple[str, int, int, str, str | None]]) -> Change:
        """Add spans (document id, start, end, label, actor_id) in any number of documents as ONE
        undoable action ("annotate all occurrences" over the project). The change's document is
        None when it touches several. Exact duplicates of existing spans are skipped."""
        layer = layer_name(layer, allow_gold=True)
        rows = [self._span_row(d, layer, s, e, lab, act, None) for d, s, e, lab, act in items]
        docs = list(dict.fromkeys(row["document_id"] for row in rows))
        with self._action("annotate all", docs[0] if len(docs) == 1 else None, layer,
                          f"{len(rows)} spans" + (f" in {len(docs)} documents" if len(docs) > 1 else "")) as rec:
            for row in rows:
                if not self.conn.execute(
                        'SELECT 1 FROM spans WHERE document_id=? AND layer=? AND start=? AND "end"=? AND label=?',
                        (row["document_id"], layer, row["start"], row["end"], row["label"])).fetchone():
                    rec.insert("spans", row)
            for d in docs:
                self._touch_status(rec, d, layer)
        return rec.change

    def _own_span(self, span_id: str, layer: str | None) -> Span:
        span = self.span(span_id)
        if layer is not None and span.layer != layer:
            raise ValidationError(f"span {span_id} belongs to {span.layer}'s layer; {layer} cannot edit it")
        return span

    def relabel(self, span_id: str, label: str, *, layer: str | None = None) -> Change:
        span = self._own_span(span_id, layer)
        self._check_label(label)
        with self._action("relabel", span.document_id, span.layer, f"{span.label} → {label}") as rec:
            values: dict[str, Any] = {"label": label}
            scheme = self.scheme
            if scheme.label(label).role != "actor":
                values["actor_id"] = None
            rec.update("spans", (span_id,), values)
            if scheme.label(span.label).role == "claim" and scheme.label(label).role != "claim":
                rec.delete("claims", (span_id,))
        return rec.change

    def delete_span(self, span_id: str, *, layer: str | None = None) -> Change:
        """Remove a span with everything that hangs on it (claim, evidence, relations), as one action."""
        span = self._own_span(span_id, layer)
        with self._action("delete", span.document_id, span.layer, f"{span.label} {span.start}-{span.end}") as rec:
            self._delete_span_rows(rec, span_id)
        return rec.change

    def _delete_span_rows(self, rec: Recorder, span_id: str) -> None:
        for (claim_id,) in self.conn.execute("SELECT span_id FROM claims WHERE source_span=? OR cue_span=?",
                                             (span_id, span_id)).fetchall():
            row = self.conn.execute("SELECT source_span, cue_span FROM claims WHERE span_id=?", (claim_id,)).fetchone()
            rec.update("claims", (claim_id,), {"source_span": None if row[0] == span_id else row[0],
                                               "cue_span": None if row[1] == span_id else row[1]})
        rec.delete("claims", (span_id,))
        for (sid,) in self.conn.execute("SELECT stance_id FROM stance_evidence WHERE span_id=?", (span_id,)).fetchall():
            rec.delete("stance_evidence", (sid, span_id))
        for (rid,) in self.conn.execute("SELECT id FROM relations WHERE head=? OR tail=?",
                                        (span_id, span_id)).fetchall():
            rec.delete("relations", (rid,))
        rec.delete("provenance", (span_id,))
        rec.delete("spans", (span_id,))

    def set_span_attrs(self, span_id: str, attrs: dict[str, Any], *, layer: str | None = None) -> Change:
        """Set (merge) attributes on a span; a value of None removes that attribute."""
        span = self._own_span(span_id, layer)
        label = self.scheme.label(span.label)
        defs = {a.name: a for a in label.attributes} if label else {}
        merged = dict(span.attrs)
        for k, v in attrs.items():
            if v is None:
                merged.pop(k, None)
                continue
            d = defs.get(k)
            if d is not None:
                if d.type == "choice" and v not in d.choices:
                    raise ValidationError(f"{span.label}.{k} must be one of {', '.join(d.choices)}, not {v!r}")
                if d.type == "boolean" and not isinstance(v, bool):
                    raise ValidationError(f"{span.label}.{k} must be true or false")
            merged[k] = v
        with self._action("attributes", span.document_id, span.layer) as rec:
            rec.update("spans", (span_id,), {"attrs": json.dumps(merged, ensure_ascii=False)})
        return rec.change

    def link_actor(self, span_id: str, actor_id: str | None, *, layer: str | None = None,
                   add_alias: bool = False) -> Change:
        """Link a span to an actor (None unlinks). With *add_alias*, the span's text becomes an
        alias of the actor in the same action (one undo step), unless it already is a name of it."""
        span = self._own_span(span_id, layer)
        actor = self.actor(actor_id) if actor_id is not None else None
        with self._action("link actor", span.document_id, span.layer) as rec:
            rec.update("spans", (span_id,), {"actor_id": actor_id})
            if add_alias and actor is not None:
                self._append_alias(rec, actor, self.document(span.document_id).text[span.start:span.end])
        return rec.change

    def create_actor_for_span(self, span_id: str, name: str, type: str, *, aliases: Iterable[str] = (),
                              external_id: str | None = None, layer: str | None = None,
                              actor_id: str | None = None) -> Change:
        """Add a registry actor and link *span_id* to it, as ONE action (one undo step)."""
        span = self._own_span(span_id, layer)
        row = self._actor_row(name, type, aliases, external_id, "", actor_id)
        aid = row["id"]
        with self._action("create actor", span.document_id, span.layer, name) as rec:
            after = rec.insert("actors", row)
            self._log(rec, "actor", aid, "add", None, after)
            rec.update("spans", (span_id,), {"actor_id": aid})
        return rec.change

    def set_status(self, document_id: str, layer: str, status: str, *, reason: str | None = None) -> Change:
        """Set a document's status in a layer: 'new', 'in_progress' or 'done'. Marking done is
        refused while ``validate`` finds problems, unless a *reason* for overriding is given."""
        if status not in STATUSES:
            raise ValidationError(f"status must be one of {', '.join(STATUSES)}")
        self._doc_length(document_id)
        layer = layer_name(layer, allow_gold=True)
        if status == "done" and not (reason and reason.strip()):
            problems = self.validate(document_id, layer)
            if problems:
                raise ValidationError(f"cannot mark done: {len(problems)} problem{'s' if len(problems) > 1 else ''} "
                                      f"({'; '.join(p.message for p in problems[:3])}{'; …' if len(problems) > 3 else ''})"
                                      "; resolve them or give a reason to override")
        with self._action("status", document_id, layer, status) as rec:
            rec.upsert("doc_status", {"document_id": document_id, "layer": layer, "status": status,
                                      "reason": reason, "updated_at": now()})
        return rec.change

    # -------------------------------------------------------- claims & stances
    def set_claim(self, span_id: str, *, source_kind: str | None = None, source_actor: str | None = None,
                  source_span: str | None = None, cue_span: str | None = None, quote: str | None = None,
                  layer: str | None = None) -> Change:
        """Set a CLAIM span's source (an actor, optionally via the ACTOR span naming them, or the
        article), cue span and quote type. A source span implies its actor."""
        span = self._own_span(span_id, layer)
        if self.scheme.label(span.label).role != "claim":
            raise ValidationError(f"span {span_id} is a {span.label}, not a claim")
        if source_kind not in (None, "actor", "article"):
            raise ValidationError("source_kind must be 'actor' or 'article'")
        if quote not in (None, "direct", "reported"):
            raise ValidationError("quote must be 'direct' or 'reported'")
        for other in (source_span, cue_span):
            if other is not None:
                o = self.span(other)
                if o.document_id != span.document_id or o.layer != span.layer:
                    raise ValidationError(f"span {other} is not in the same document and layer as the claim")
        if source_span is not None:
            source_kind = "actor"
            source_actor = source_actor or self.span(source_span).actor_id
        if source_kind == "article":
            source_actor = source_span = None
        if source_actor is not None:
            self.actor(source_actor)
            source_kind = "actor"
        with self._action("claim", span.document_id, span.layer) as rec:
            rec.upsert("claims", {"span_id": span_id, "source_kind": source_kind, "source_actor": source_actor,
                                  "source_span": source_span, "cue_span": cue_span, "quote": quote})
        return rec.change

    def set_stance(self, document_id: str, layer: str, *, holder: str | None, target: str | None,
                   polarity: str, conditions: str | None = None, evidence: Sequence[str] = (),
                   stance_id: str | None = None) -> Change:
        """Create (or, with *stance_id*, replace) a stance record: holder actor → target, polarity,
        conditions, evidence spans (in this document and layer)."""
        layer = layer_name(layer, allow_gold=True)
        if polarity not in self.scheme.stance.polarities:
            raise ValidationError(f"polarity must be one of {', '.join(self.scheme.stance.polarities)}")
        if holder is not None:
            self.actor(holder)
        if target is not None and not self.conn.execute("SELECT 1 FROM targets WHERE id=?", (target,)).fetchone():
            raise ValidationError(f"no target with id {target!r}")
        for sid in evidence:
            s = self.span(sid)
            if s.document_id != document_id or s.layer != layer:
                raise ValidationError(f"evidence span {sid} is not in document {document_id} / layer {layer}")
        sid = stance_id or new_id("st")
        with self._action("stance", document_id, layer) as rec:
            row = {"id": sid, "document_id": document_id, "layer": layer, "holder": holder, "target": target,
                   "polarity": polarity, "conditions": conditions or None, "author": layer, "created_at": now()}
            if stance_id is not None:
                old = self.conn.execute("SELECT created_at FROM stances WHERE id=?", (stance_id,)).fetchone()
                if old is None:
                    raise ValidationError(f"no stance with id {stance_id!r}")
                row["created_at"] = old[0]
                for (span_id,) in self.conn.execute("SELECT span_id FROM stance_evidence WHERE stance_id=?",
                                                    (stance_id,)).fetchall():
                    rec.delete("stance_evidence", (stance_id, span_id))
            rec.upsert("stances", row)
            for pos, span_id in enumerate(dict.fromkeys(evidence)):
                rec.insert("stance_evidence", {"stance_id": sid, "span_id": span_id, "position": pos})
            self._touch_status(rec, document_id, layer)
        return rec.change

    def delete_stance(self, stance_id: str) -> Change:
        r = self.conn.execute("SELECT document_id, layer FROM stances WHERE id=?", (stance_id,)).fetchone()
        if r is None:
            raise ValidationError(f"no stance with id {stance_id!r}")
        with self._action("delete stance", r[0], r[1]) as rec:
            for (span_id,) in self.conn.execute("SELECT span_id FROM stance_evidence WHERE stance_id=?",
                                                (stance_id,)).fetchall():
                rec.delete("stance_evidence", (stance_id, span_id))
            rec.delete("provenance", (stance_id,))
            rec.delete("stances", (stance_id,))
        return rec.change

    def add_relation(self, head: str, tail: str, label: str) -> Change:
        h, t = self.span(head), self.span(tail)
        if (h.document_id, h.layer) != (t.document_id, t.layer):
            raise ValidationError("a relation joins two spans of the same document and layer")
        rel = next((r for r in self.scheme.relation_types if r.name == label), None)
        if rel is None:
            raise ValidationError(f"relation {label!r} is not in the scheme")
        if rel.head_labels and h.label not in rel.head_labels:
            raise ValidationError(f"{label} starts at a {', '.join(rel.head_labels)} span, not {h.label}")
        if rel.tail_labels and t.label not in rel.tail_labels:
            raise ValidationError(f"{label} ends at a {', '.join(rel.tail_labels)} span, not {t.label}")
        with self._action("relation", h.document_id, h.layer) as rec:
            rec.insert("relations", {"id": new_id("r"), "document_id": h.document_id, "layer": h.layer,
                                     "head": head, "tail": tail, "label": label})
        return rec.change

    def delete_relation(self, relation_id: str) -> Change:
        r = self.conn.execute("SELECT document_id, layer FROM relations WHERE id=?", (relation_id,)).fetchone()
        if r is None:
            raise ValidationError(f"no relation with id {relation_id!r}")
        with self._action("delete relation", r[0], r[1]) as rec:
            rec.delete("relations", (relation_id,))
        return rec.change

    def set_doc_label(self, document_id: str, layer: str, key: str, value: Any) -> Change:
        """Set a document-level label from the scheme (None clears it)."""
        defs = {d.name: d for d in self.scheme.doc_labels}
        if key not in defs:
            raise ValidationError(f"document label {key!r} is not in the scheme")
        d = defs[key]
        if value is not None and d.type == "choice" and value not in d.choices:
            raise ValidationError(f"{key} must be one of {', '.join(d.choices)}")
        layer = layer_name(layer, allow_gold=True)
        self._doc_length(document_id)
        with self._action("document label", document_id, layer) as rec:
            if value is None:
                rec.delete("doc_labels", (document_id, layer, key))
            else:
                rec.upsert("doc_labels", {"document_id": document_id, "layer": layer, "key": key,
                                          "value": json.dumps(value, ensure_ascii=False)})
        return rec.change

    # --------------------------------------------------------------- registry
    def _log(self, rec: Recorder, kind: str, entity_id: str, op: str, before: dict | None, after: dict | None) -> None:
        rec.insert("registry_log", {"at": now(), "author": self.author, "kind": kind, "entity_id": entity_id,
                                    "op": op, "before": json.dumps(before, ensure_ascii=False) if before else None,
                                    "after": json.dumps(after, ensure_ascii=False) if after else None})

    def _actor_row(self, name: str, type: str, aliases: Iterable[str], external_id: str | None, note: str,
                   actor_id: str | None) -> dict:
        """A validated new registry row: name and aliases with whitespace folded, a known type, a free id."""
        name = " ".join(name.split())
        if not name:
            raise ValidationError("an actor needs a name")
        if type not in self.scheme.actor_types:
            raise ValidationError(f"actor type must be one of {', '.join(self.scheme.actor_types)}")
        aid = actor_id or new_id("a")
        if self.conn.execute("SELECT 1 FROM actors WHERE id=?", (aid,)).fetchone():
            raise ValidationError(f"actor id {aid!r} is taken")
        folded = dict.fromkeys(" ".join(a.split()) for a in aliases)
        return {"id": aid, "name": name, "type": type,
                "aliases": json.dumps([a for a in folded if a and a != name], ensure_ascii=False),
                "external_id": external_id or None, "note": note, "created_by": self.author, "created_at": now()}

    def add_actor(self, name: str, type: str, *, aliases: Iterable[str] = (), external_id: str | None = None,
                  note: str = "", actor_id: str | None = None) -> Change:
        row = self._actor_row(name, type, aliases, external_id, note, actor_id)
        aid, name = row["id"], row["name"]
        with self._action("add actor", None, None, name) as rec:
            after = rec.insert("actors", row)
            self._log(rec, "actor", aid, "add", None, after)
        return rec.change

    def update_actor(self, actor_id: str, *, name: str | None = None, type: str | None = None,
                     aliases: Sequence[str] | None = None, external_id: str | None = ..., note: str | None = None) -> Change:
        actor = self.actor(actor_id)
        values: dict[str, Any] = {}
        if name is not None:
            name = " ".join(name.split())
            if not name:
                raise ValidationError("an actor needs a name")
            values["name"] = name
        if type is not None:
            if type not in self.scheme.actor_types:
                raise ValidationError(f"actor type must be one of {', '.join(self.scheme.actor_types)}")
            values["type"] = type
        if aliases is not None:
            final_name = values.get("name", actor.name)
            values["aliases"] = json.dumps([a.strip() for a in dict.fromkeys(aliases) if a.strip() and a.strip() != final_name],
                                           ensure_ascii=False)
        if external_id is not ...:
            values["external_id"] = external_id or None
        if note is not None:
            values["note"] = note
        with self._action("edit actor", None, None, actor.name) as rec:
            after = rec.update("actors", (actor_id,), values)
            if rec.change.ops:
                self._log(rec, "actor", actor_id, "edit", actor.model_dump(), after)
        return rec.change

    def _append_alias(self, rec: Recorder, actor: Actor, alias: str) -> bool:
        """Add *alias* (whitespace folded) to *actor* inside the open action, logged; False when
        it is empty or already one of the actor's names."""
        alias = " ".join(alias.split())
        if not alias or alias == actor.name or alias in actor.aliases:
            return False
        after = rec.update("actors", (actor.id,), {"aliases": json.dumps([*actor.aliases, alias], ensure_ascii=False)})
        self._log(rec, "actor", actor.id, "edit", actor.model_dump(), after)
        return True

    def add_alias(self, actor_id: str, alias: str) -> Change:
        actor = self.actor(actor_id)
        with self._action("add alias", None, None, actor.name) as rec:
            if not self._append_alias(rec, actor, alias):
                raise ValidationError(f"{' '.join(alias.split())!r} is already a name of {actor.name}")
        return rec.change

    def merge_actors(self, keep_id: str, drop_id: str) -> Change:
        """Merge actor *drop_id* into *keep_id*: every link follows (spans, claim sources, stance
        holders); the dropped actor's name and aliases become aliases of the kept one."""
        if keep_id == drop_id:
            raise ValidationError("cannot merge an actor with itself")
        keep, drop = self.actor(keep_id), self.actor(drop_id)
        with self._action("merge actors", None, None, f"{drop.name} → {keep.name}") as rec:
            for (sid,) in self.conn.execute("SELECT id FROM spans WHERE actor_id=?", (drop_id,)).fetchall():
                rec.update("spans", (sid,), {"actor_id": keep_id})
            for (cid,) in self.conn.execute("SELECT span_id FROM claims WHERE source_actor=?", (drop_id,)).fetchall():
                rec.update("claims", (cid,), {"source_actor": keep_id})
            for (stid,) in self.conn.execute("SELECT id FROM stances WHERE holder=?", (drop_id,)).fetchall():
                rec.update("stances", (stid,), {"holder": keep_id})
            aliases = [a for a in dict.fromkeys([*keep.aliases, drop.name, *drop.aliases]) if a != keep.name]
            rec.update("actors", (keep_id,), {"aliases": json.dumps(aliases, ensure_ascii=False),
                                              "external_id": keep.external_id or drop.external_id})
            rec.delete("actors", (drop_id,))
            self._log(rec, "actor", drop_id, f"merge into {keep_id}", drop.model_dump(), None)
        return rec.change

    def add_target(self, name: str, *, description: str = "", target_id: str | None = None) -> Change:
        name = " ".join(name.split())
        if not name:
            raise ValidationError("a target needs a name")
        tid = target_id or new_id("t")
        if self.conn.execute("SELECT 1 FROM targets WHERE id=?", (tid,)).fetchone():
            raise ValidationError(f"target id {tid!r} is taken")
        with self._action("add target", None, None, name) as rec:
            after = rec.insert("targets", {"id": tid, "name": name, "description": description,
                                           "created_by": self.author, "created_at": now()})
            self._log(rec, "target", tid, "add", None, after)
        return rec.change

    def registry_log(self) -> list[dict]:
        cur = self.conn.execute("SELECT * FROM registry_log ORDER BY seq")
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r)) for r in cur]

    # ------------------------------------------------ registry help & checks
    def validate(self, document_id: str, layer: str):
        """Problems the scheme finds in a layer's document (see ``kb.validate``)."""
        from .kb import validate
        return validate(self, document_id, layer)

    def occurrences(self, layer: str, *, actor_id: str | None = None, text: str | None = None,
                    document_ids: list[str] | None = None):
        """Unannotated whole-word occurrences of an actor's names or of *text* (see ``kb.occurrences``)."""
        from .kb import occurrences
        return occurrences(self, layer, actor_id=actor_id, text=text, document_ids=document_ids)

    def suggestions(self, document_id: str, layer: str):
        from .kb import suggestions
        return suggestions(self, document_id, layer)

    def accept_suggestion(self, document_id: str, layer: str, start: int, end: int, actor_id: str) -> Change:
        label = self.scheme.actor_label
        if label is None:
            raise ValidationError("the scheme has no actor label")
        return self.annotate(document_id, layer, start, end, label, actor_id=actor_id)

    def accept_all_suggestions(self, document_id: str, layer: str) -> Change:
        label = self.scheme.actor_label
        if label is None:
            raise ValidationError("the scheme has no actor label")
        return self.annotate_many(document_id, layer, [(o.start, o.end, label, o.actor_id)
                                                       for o in self.suggestions(document_id, layer)])

    def reject_suggestion(self, document_id: str, layer: str, start: int, end: int, actor_id: str) -> Change:
        from .kb import reject_suggestion
        return reject_suggestion(self, document_id, layer, start, end, actor_id)

    # ------------------------------------------------------- import / export
    def import_paths(self, paths: Sequence[str | Path], *, format: str = "auto", annotator: str | None = None,
                     replace: bool = False, progress: Progress | None = None):
        """Import documents (and gold JSONL annotations) all-or-nothing. See ``importing``."""
        from .importing import import_paths
        return import_paths(self, paths, format=format, annotator=annotator, replace=replace, progress=progress)

    def gold_records(self, layer: str = GOLD, *, include_all: bool = False,
                     progress: Progress | None = None) -> tuple[list[dict], list[tuple[str, str]]]:
        """Gold JSONL records (DESIGN.md) of *layer*, and the (document id, reason) left out."""
        from .gold import gold_records
        return gold_records(self, layer, include_all=include_all, progress=progress)

    def export(self, fmt: str, out_dir: str | Path | None = None, *, layer: str = GOLD, include_all: bool = False,
               split: tuple[float, ...] | None = None, seed: int = 0, force: bool = False,
               progress: Progress | None = None, cancelled: Callable[[], bool] | None = None):
        """Export *layer* in *fmt* following DESIGN.md's export rules; returns an ExportResult."""
        from .gold import export_project
        return export_project(self, fmt, out_dir, layer=layer, include_all=include_all, split=split, seed=seed,
                              force=force, progress=progress, cancelled=cancelled)

    def stats(self) -> dict[str, Any]:
        from .checks import stats
        return stats(self)

    def check(self) -> list[str]:
        from .checks import check
        return check(self)
