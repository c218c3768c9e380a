"""Registry actions: actors and targets. Every edit is also written to the append-only
registry log with its author (docs/architecture.md: the registry belongs to the project)."""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from types import EllipsisType
from typing import Any

from ..errors import ValidationError
from ..ids import new_id, now
from ..models import Actor
from ..store.changes import Change, Recorder
from ..store.session import guard_public_methods
from . import Part


@guard_public_methods
class RegistryActions(Part):
    """Actors and targets, each edit logged: ``project.registry_actions``. Needs the store only.
    ``new_actor_row`` and ``append_alias`` also serve the span part."""

    for_parts = ("new_actor_row", "append_alias")

    def new_actor_row(self, name: str, type: str, aliases: Iterable[str], external_id: str | None, note: str,
                      actor_id: str | None) -> dict[str, Any]:
        """A validated new registry row: name and aliases with whitespace folded, a known type, a free id."""
        name = " ".join(name.split())
        if not name:
            raise ValidationError("an actor needs a name")
        if type not in self.store.scheme.actor_types:
            raise ValidationError(f"actor type must be one of {', '.join(self.store.scheme.actor_types)}")
        aid = actor_id or new_id("a")
        if self.conn.execute("SELECT 1 FROM actors WHERE id=?", (aid,)).fetchone():
            raise ValidationError(f"actor id {aid!r} is taken")
        folded = dict.fromkeys(" ".join(a.split()) for a in aliases)
        return {"id": aid, "name": name, "type": type,
                "aliases": json.dumps([a for a in folded if a and a != name], ensure_ascii=False),
                "external_id": external_id or None, "note": note, "created_by": self.store.author, "created_at": now()}

    def add_actor(self, name: str, type: str, *, aliases: Iterable[str] = (), external_id: str | None = None,
                  note: str = "", actor_id: str | None = None) -> Change:
        row = self.new_actor_row(name, type, aliases, external_id, note, actor_id)
        aid, name = row["id"], row["name"]
        with self.store.action("add actor", None, None, name) as rec:
            after = rec.insert("actors", row)
            self.store.log_registry(rec, "actor", aid, "add", None, after)
        return rec.change

    def update_actor(self, actor_id: str, *, name: str | None = None, type: str | None = None,
                     aliases: Sequence[str] | None = None, external_id: str | None | EllipsisType = ...,
                     note: str | None = None) -> Change:
        actor = self.store.actor(actor_id)
        values: dict[str, Any] = {}
        if name is not None:
            name = " ".join(name.split())
            if not name:
                raise ValidationError("an actor needs a name")
            values["name"] = name
        if type is not None:
            if type not in self.store.scheme.actor_types:
                raise ValidationError(f"actor type must be one of {', '.join(self.store.scheme.actor_types)}")
            values["type"] = type
        if aliases is not None:
            final_name = values.get("name", actor.name)
            kept = [a.strip() for a in dict.fromkeys(aliases) if a.strip() and a.strip() != final_name]
            values["aliases"] = json.dumps(kept, ensure_ascii=False)
        if not isinstance(external_id, EllipsisType):
            values["external_id"] = external_id or None
        if note is not None:
            values["note"] = note
        with self.store.action("edit actor", None, None, actor.name) as rec:
            after = rec.update("actors", (actor_id,), values)
            if rec.change.size:
                self.store.log_registry(rec, "actor", actor_id, "edit", actor.model_dump(), after)
        return rec.change

    def append_alias(self, rec: Recorder, actor: Actor, alias: str) -> bool:
        """Add *alias* (whitespace folded) to *actor* inside the open action, logged; False when
        it is empty or already one of the actor's names."""
        alias = " ".join(alias.split())
        if not alias or alias == actor.name or alias in actor.aliases:
            return False
        after = rec.update("actors", (actor.id,), {"aliases": json.dumps([*actor.aliases, alias], ensure_ascii=False)})
        self.store.log_registry(rec, "actor", actor.id, "edit", actor.model_dump(), after)
        return True

    def add_alias(self, actor_id: str, alias: str) -> Change:
        actor = self.store.actor(actor_id)
        with self.store.action("add alias", None, None, actor.name) as rec:
            if not self.append_alias(rec, actor, alias):
                raise ValidationError(f"{' '.join(alias.split())!r} is already a name of {actor.name}")
        return rec.change

    def merge_actors(self, keep_id: str, drop_id: str) -> Change:
        """Merge actor *drop_id* into *keep_id*: every link follows (spans, claim sources, stance
        holders); the dropped actor's name and aliases become aliases of the kept one."""
        if keep_id == drop_id:
            raise ValidationError("cannot merge an actor with itself")
        keep, drop = self.store.actor(keep_id), self.store.actor(drop_id)
        with self.store.action("merge actors", None, None, f"{drop.name} → {keep.name}") as rec:
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
            self.store.log_registry(rec, "actor", drop_id, f"merge into {keep_id}", drop.model_dump(), None)
        return rec.change

    def add_target(self, name: str, *, description: str = "", target_id: str | None = None) -> Change:
        name = " ".join(name.split())
        if not name:
            raise ValidationError("a target needs a name")
        tid = target_id or new_id("t")
        if self.conn.execute("SELECT 1 FROM targets WHERE id=?", (tid,)).fetchone():
            raise ValidationError(f"target id {tid!r} is taken")
        with self.store.action("add target", None, None, name) as rec:
            after = rec.insert("targets", {"id": tid, "name": name, "description": description,
                                           "created_by": self.store.author, "created_at": now()})
            self.store.log_registry(rec, "target", tid, "add", None, after)
        return rec.change

    def registry_log(self) -> list[dict[str, Any]]:
        cur = self.conn.execute("SELECT * FROM registry_log ORDER BY seq")
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r, strict=True)) for r in cur]

