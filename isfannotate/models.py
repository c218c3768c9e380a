"""The annotation model as the API returns it (pydantic v2, frozen).

Reads from the database build these with ``model_construct`` (the rows were validated when
written); actions validate their input. All offsets are code points, end exclusive.
"""
from __future__ import annotations

import json
import unicodedata
from collections.abc import ItemsView, Iterator, Mapping, Sequence, ValuesView
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from .errors import ValidationError

RESERVED_LAYERS = frozenset({"gold", "unanimous"})
GOLD = "gold"
UNANIMOUS = "unanimous"     # the derived layer: what every annotator who is done agrees on (gold.build)
STATUSES = ("new", "in_progress", "done")
#: The gold JSONL's schema id per version (docs/gold-jsonl.md): records are built as /1, an
#: export writes the version asked for (/2 by default).
GOLD_SCHEMA_IDS = {1: "isfannotate.gold/1", 2: "isfannotate.gold/2"}
GOLD_SCHEMA_DEFAULT = 2


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)


class Document(_Frozen):
    id: str
    text: str
    sha256: str
    meta: dict[str, Any] = {}
    near_dup_group: str | None = None
    seq: int = 0


class Span(_Frozen):
    id: str
    document_id: str
    layer: str
    start: int
    end: int
    label: str
    actor_id: str | None = None
    attrs: dict[str, Any] = {}
    author: str = ""

    def text_in(self, text: str) -> str:
        return text[self.start:self.end]


class Actor(_Frozen):
    id: str
    name: str
    type: str
    aliases: list[str] = []
    external_id: str | None = None
    note: str = ""


class Target(_Frozen):
    id: str
    name: str
    description: str = ""


class Claim(_Frozen):
    span_id: str
    source_kind: Literal["actor", "article"] | None = None
    source_actor: str | None = None
    source_span: str | None = None
    cue_span: str | None = None
    quote: Literal["direct", "reported"] | None = None


class Stance(_Frozen):
    id: str
    document_id: str
    layer: str
    holder: str | None
    target: str | None
    polarity: str
    conditions: str | None = None
    evidence: list[str] = []


class Relation(_Frozen):
    id: str
    document_id: str
    layer: str
    head: str
    tail: str
    label: str


def span_from_dict(row: dict[str, Any]) -> Span:
    """A Span from a ``spans`` row as a dict (as change records carry it)."""
    return span_from_row(tuple(row[k] for k in ("id", "document_id", "layer", "start", "end", "label",
                                                "actor_id", "attrs", "author")))


_SPAN_FIELDS = ("id", "document_id", "layer", "start", "end", "label", "actor_id", "attrs", "author")
_new_object = object.__new__
_set = object.__setattr__


def model_from_row(cls: type[BaseModel], fields: tuple[str, ...], row: Sequence[Any]) -> Any:
    """A *cls* from a row of our own tables (validated when written), every field in *fields*
    given in order: what ``cls.model_construct(**dict(zip(fields, row)))`` makes, at half the cost."""
    m = _new_object(cls)
    _set(m, "__dict__", dict(zip(fields, row, strict=True)))
    _set(m, "__pydantic_fields_set__", set(fields))
    _set(m, "__pydantic_extra__", None)
    _set(m, "__pydantic_private__", None)
    return m


class LazyModels(Mapping[str, Any]):
    """Models by id, each made from its row (``model_from_row``) when first read, then kept: a
    window that shows 20 of a document's 6,000 claims makes 20. Read-only, like the dict it stands for."""

    __slots__ = ("_cls", "_fields", "rows", "_made")

    def __init__(self, cls: type[BaseModel], fields: tuple[str, ...], rows: dict[str, Sequence[Any]]) -> None:
        self._cls, self._fields, self.rows = cls, fields, rows
        self._made: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = model_from_row(self._cls, self._fields, self.rows[key])
        return made

    def __iter__(self) -> Iterator[str]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __contains__(self, key: object) -> bool:
        return key in self.rows

    def make_all(self) -> None:
        """Make every model now (e.g. while the app is idle), not when it is first read."""
        if len(self._made) < len(self.rows):
            made, cls, fields = self._made, self._cls, self._fields
            self._made = {key: made.get(key) or model_from_row(cls, fields, row) for key, row in self.rows.items()}

    def items(self) -> ItemsView[str, Any]:
        """Every (id, model), in the rows' order: all made (``make_all``), then a dict's own view."""
        self.make_all()
        return self._made.items()

    def values(self) -> ValuesView[Any]:
        self.make_all()
        return self._made.values()

    def field(self, name: str) -> Iterator[tuple[str, Any]]:
        """(id, the field *name*) of every row, making no model."""
        k = self._fields.index(name)
        return ((key, row[k]) for key, row in self.rows.items())


def span_from_row(row: Sequence[Any]) -> Span:
    """Row order: id, document_id, layer, start, end, label, actor_id, attrs, author.

    Rows come from our own tables (validated when written), so no validation here; this is
    what ``Span.model_construct`` does with every field given, at half its cost (it runs for
    each of a document's spans when the window opens it: 10,000 in a 1 MB article)."""
    values = dict(zip(_SPAN_FIELDS, row, strict=True))
    values["attrs"] = {} if row[7] == "{}" else json.loads(row[7])
    return _trusted_span(values)


def _trusted_span(values: dict[str, Any]) -> Span:
    """A Span of *values* (every field, already valid), built as ``model_construct`` would."""
    span = _new_object(Span)
    _set(span, "__dict__", values)
    _set(span, "__pydantic_fields_set__", set(_SPAN_FIELDS))
    _set(span, "__pydantic_extra__", None)
    _set(span, "__pydantic_private__", None)
    return span


def layer_name(name: str, *, allow_gold: bool = False) -> str:
    """A layer (annotator) name: trimmed and NFC-normalised; 'gold' and 'unanimous' are reserved."""
    if not isinstance(name, str):
        raise ValidationError("an annotator name must be text")
    clean = unicodedata.normalize("NFC", name.strip())
    if not clean:
        raise ValidationError("an annotator name cannot be empty")
    if any(unicodedata.category(c).startswith("C") for c in clean):
        raise ValidationError(f"annotator name {clean!r} contains control characters")
    if clean.lower() in RESERVED_LAYERS and not (allow_gold and clean.lower() == GOLD):
        raise ValidationError(f"{clean!r} is a reserved layer name, not an annotator")
    return GOLD if clean.lower() == GOLD else clean


def name_key(name: str) -> str:
    """The key under which two annotator names are one person: NFC, case-folded, NFC again."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())


def span_from_short_row(document_id: str, layer: str, row: Sequence[Any]) -> Span:
    """A Span from a row of ``Readers.span_rows``: (id, start, end, label, actor_id, attrs, author)."""
    values = {"id": row[0], "document_id": document_id, "layer": layer, "start": row[1], "end": row[2],
              "label": row[3], "actor_id": row[4], "attrs": {} if row[5] == "{}" else json.loads(row[5]),
              "author": row[6]}
    return _trusted_span(values)
