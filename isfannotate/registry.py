"""The actor registry file format (``seeds/registry.json``):
``{"actors": [{id, name, type, aliases, external_id, note}]}``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError as PydanticValidationError

from .errors import InputError
from .models import Actor


def read_registry_file(path: str | Path) -> list[Actor]:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise InputError(str(path), f"cannot read: {e.strerror}") from None
    except json.JSONDecodeError as e:
        raise InputError(str(path), f"not valid JSON: {e.msg}", e.lineno) from None
    actors = data.get("actors") if isinstance(data, dict) else None
    if not isinstance(actors, list):
        raise InputError(str(path), 'a registry is a JSON object with an "actors" list')
    out, seen = [], set()
    for i, item in enumerate(actors):
        try:
            actor = Actor.model_validate(item)
        except PydanticValidationError as e:
            err = e.errors()[0]
            raise InputError(str(path), f"actors.{i}.{'.'.join(map(str, err['loc']))}: {err['msg']}") from None
        if actor.id in seen:
            raise InputError(str(path), f"actors.{i}: duplicate id {actor.id!r}")
        seen.add(actor.id)
        out.append(actor)
    return out


REGISTRY_FILE = "registry.json"


def actor_rows(actors: list[Actor], created_by: str = "registry") -> list[dict[str, Any]]:
    """Rows of the ``actors`` table for *actors* read from a registry file."""
    from .ids import now
    stamp = now()
    return [{"id": a.id, "name": a.name, "type": a.type, "aliases": json.dumps(a.aliases, ensure_ascii=False),
             "external_id": a.external_id, "note": a.note, "created_by": created_by, "created_at": stamp}
            for a in actors]
