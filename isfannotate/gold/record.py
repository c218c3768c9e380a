"""The gold record (schema ``isfannotate.gold/1``, docs/gold-jsonl.md): the one model of a gold JSONL
line, used by import (validation at the boundary) and by export (the dict builders below,
whose keys a test holds equal to the models' fields; plain dicts keep the export fast).
"""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from pydantic import ValidationError as PydanticValidationError

from ..errors import InputError
from ..models import UNANIMOUS as UNANIMOUS  # named here too (gold.UNANIMOUS)


class _M(BaseModel):
    model_config = ConfigDict(extra="ignore")


class GoldActor(_M):
    id: str
    name: str
    type: str
    aliases: list[str] = []
    external_id: str | None = None


class GoldTarget(_M):
    id: str
    name: str


class GoldSpan(_M):
    id: str
    start: int
    end: int
    label: str
    text: str
    actor_id: str | None = None
    attrs: dict[str, Any] = {}


class GoldClaim(_M):
    span: str
    source_kind: Literal["actor", "article"] | None = None
    source: str | None = None
    source_span: str | None = None
    cue: str | None = None
    quote: Literal["direct", "reported"] | None = None


class GoldStance(_M):
    id: str
    holder: str | None = None
    target: str | None = None
    polarity: str
    conditions: str | None = None
    evidence: list[str] = []


class GoldRelation(_M):
    head: str
    tail: str
    label: str


class GoldRecord(_M):
    schema_: Literal["isfannotate.gold/1", "isfannotate.gold/2"]
    id: str | None = None
    text: str
    sha256: str | None = None
    offset_unit: Literal["codepoint"] = "codepoint"
    meta: dict[str, Any] = {}
    doc_labels: dict[str, Any] = {}
    actors: list[GoldActor] = []
    targets: list[GoldTarget] = []
    spans: list[GoldSpan] = []
    claims: list[GoldClaim] = []
    stances: list[GoldStance] = []
    relations: list[GoldRelation] = []
    provenance: dict[str, Any] = {}

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    @classmethod
    def parse(cls, obj: dict[str, Any], src: str, line: int) -> GoldRecord:
        try:
            return cls.model_validate({**obj, "schema_": obj.get("schema")})
        except PydanticValidationError as e:
            err = e.errors()[0]
            loc = ".".join(str(p) for p in err["loc"]).replace("schema_", "schema")
            raise InputError(src, f"gold record field {loc}: {err['msg']}", line) from None


# ------------------------------------------------------- builders (export path, plain dicts)
def actor_record(actor_id: str, name: str, type: str, aliases: list[str], external_id: str | None) -> dict[str, Any]:
    return {"id": actor_id, "name": name, "type": type, "aliases": list(aliases), "external_id": external_id}


def target_record(target_id: str, name: str) -> dict[str, Any]:
    return {"id": target_id, "name": name}


def span_record(span_id: str, start: int, end: int, label: str, text: str, actor_id: str | None,
                attrs: dict[str, Any]) -> dict[str, Any]:
    return {"id": span_id, "start": start, "end": end, "label": label, "text": text, "actor_id": actor_id,
            "attrs": attrs}


def claim_record(span: str, source_kind: str | None, source: str | None, source_span: str | None,
                 cue: str | None, quote: str | None) -> dict[str, Any]:
    return {"span": span, "source_kind": source_kind, "source": source, "source_span": source_span, "cue": cue,
            "quote": quote}


def stance_record(stance_id: str, holder: str | None, target: str | None, polarity: str, conditions: str | None,
                  evidence: list[str]) -> dict[str, Any]:
    return {"id": stance_id, "holder": holder, "target": target, "polarity": polarity, "conditions": conditions,
            "evidence": evidence}


def relation_record(head: str, tail: str, label: str) -> dict[str, Any]:
    return {"head": head, "tail": tail, "label": label}
