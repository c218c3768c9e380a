"""The annotation scheme: data, not code. Validated with pydantic at the boundary.

A scheme file is JSON. Errors name the file and the field (``scheme.json: span_labels.1.key:
...``). The default scheme is ``seeds/scheme.json``.
"""
from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from pydantic import (
    ValidationError as PydanticValidationError,
)

from .errors import InputError

# Keys the annotation window keeps for itself (docs/annotating.md); a scheme may not bind them to labels.
RESERVED_KEYS = frozenset({"S", "W", "A", "X"})
_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


def is_label_name(name: str) -> bool:
    """A span label name: a letter of any script first, then letters (with their combining
    marks, as in Devanagari), decimal digits, ``_`` and ``-``: ``Straßenname``, ``Universität``,
    ``ORG-2``. No spaces, so a label survives whitespace-separated formats (brat, CoNLL)."""
    if not name or not unicodedata.category(name[0]).startswith("L"):
        return False
    return all(ch in "_-" or unicodedata.category(ch)[0] in "LM" or unicodedata.category(ch) == "Nd"
               for ch in name[1:])


LABEL_NAME_RULE = "a letter first, then letters, digits, _ and -"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AttributeDef(_Model):
    name: str = Field(min_length=1)
    type: Literal["choice", "text", "boolean"]
    choices: list[str] = []
    description: str = ""

    @model_validator(mode="after")
    def _choices(self) -> Self:
        if self.type == "choice" and not self.choices:
            raise ValueError(f"attribute {self.name!r} of type choice needs a non-empty 'choices' list")
        return self


class SpanLabel(_Model):
    name: str = Field(min_length=1)
    key: str | None = Field(default=None, description="one character, e.g. '1'")
    color: str = "#999999"
    description: str = ""
    examples: list[str] = []
    role: Literal["actor", "claim", "cue", "generic"] = "generic"
    attributes: list[AttributeDef] = []

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not is_label_name(v):
            raise ValueError(f"label name {v!r} is not allowed ({LABEL_NAME_RULE})")
        return v

    @model_validator(mode="after")
    def _check(self) -> Self:
        if not _HEX.match(self.color):
            raise ValueError(f"color {self.color!r} is not of the form #RRGGBB")
        if self.key is not None:
            if len(self.key) != 1:
                raise ValueError(f"key {self.key!r} must be a single character")
            if self.key.upper() in RESERVED_KEYS:
                raise ValueError(f"key {self.key!r} is reserved by the annotation window "
                                 f"(reserved: {', '.join(sorted(RESERVED_KEYS))})")
        return self


class RelationType(_Model):
    name: str = Field(min_length=1)
    head_labels: list[str] = []
    tail_labels: list[str] = []
    description: str = ""


class TargetDef(_Model):
    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    description: str = ""


class DocLabelDef(_Model):
    name: str = Field(min_length=1)
    type: Literal["choice", "text", "boolean"] = "choice"
    choices: list[str] = []
    description: str = ""


class StanceDef(_Model):
    polarities: list[str] = ["support", "oppose", "conditional", "neutral", "unclear"]
    description: str = ""


class Scheme(_Model):
    name: str = "Untitled scheme"
    language: str = "en"
    span_labels: list[SpanLabel] = Field(min_length=1)
    actor_types: list[str] = ["person", "state", "government_body", "international_organisation",
                              "armed_group", "media", "other"]
    relation_types: list[RelationType] = []
    stance: StanceDef = StanceDef()
    targets: list[TargetDef] = []
    doc_labels: list[DocLabelDef] = []
    guidelines: str = ""

    @model_validator(mode="after")
    def _unique(self) -> Self:
        names = [label.name for label in self.span_labels]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise ValueError(f"span label names must be unique; repeated: {', '.join(sorted(dup))}")
        keys = [label.key for label in self.span_labels if label.key]
        dupk = {k for k in keys if keys.count(k) > 1}
        if dupk:
            raise ValueError(f"span label keys must be unique; repeated: {', '.join(sorted(dupk))}")
        for rel in self.relation_types:
            for lab in rel.head_labels + rel.tail_labels:
                if lab not in names:
                    raise ValueError(f"relation {rel.name!r} names unknown span label {lab!r}")
        return self

    def label(self, name: str) -> SpanLabel | None:
        for label in self.span_labels:
            if label.name == name:
                return label
        return None

    def labels_with_role(self, role: str) -> list[str]:
        return [label.name for label in self.span_labels if label.role == role]

    @property
    def actor_label(self) -> str | None:
        found = self.labels_with_role("actor")
        return found[0] if found else None


def parse_scheme(data: dict[str, Any], path: str) -> Scheme:
    """Validate a scheme dict; the error names *path* and the first bad field."""
    try:
        return Scheme.model_validate(data)
    except PydanticValidationError as e:
        err = e.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "(top level)"
        more = f" (and {e.error_count() - 1} more problems)" if e.error_count() > 1 else ""
        raise InputError(path, f"scheme field {field}: {err['msg']}{more}") from None


def load_scheme(path: str | Path) -> Scheme:
    """Read a scheme JSON file. Its ``guidelines`` may name a markdown file next to it, which is inlined."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as e:
        raise InputError(str(path), f"cannot read the scheme: {e.strerror}") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as e:
        raise InputError(str(path), f"not valid JSON: {e.msg} (column {e.colno})", e.lineno) from None
    if not isinstance(data, dict):
        raise InputError(str(path), "a scheme must be a JSON object")
    guide = data.get("guidelines")
    if isinstance(guide, str) and guide.endswith(".md") and "\n" not in guide:
        gpath = path.parent / guide
        if gpath.is_file():
            data = {**data, "guidelines": gpath.read_text(encoding="utf-8")}
    return parse_scheme(data, str(path))
