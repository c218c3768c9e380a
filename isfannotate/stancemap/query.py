"""The stance map: who stands where on what, and the evidence for it (issue 14).

Built in SQL plus a little Python (one grouped query over the stances in scope), so that a
map of 10,000 documents and 20,000 stances reads in well under 300 ms. Pure reads through a
project's readers; no Qt. Cells keep every polarity they saw: a holder whose stances on one
target disagree (across documents or within one) is *mixed*, shown as such, never averaged.
"""
from __future__ import annotations

import calendar
import datetime as _dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from ..errors import ValidationError
from ..models import GOLD
from ..store import stancemap as stored

if TYPE_CHECKING:
    from ..store.base import ProjectBase

ALL = "all"
MIXED = "mixed"


def date_interval(value: str | None) -> tuple[str, str] | None:
    """An ISO date, or a partial one ("2025", "2025-12"), as its first and last day (strings that
    compare in date order); None when there is no usable date (or no such day: "2025-02-30")."""
    if not isinstance(value, str):
        return None
    m = re.match(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value.strip())
    if not m:
        return None
    y, mo, d = m.groups()
    try:
        if d:
            day = _dt.date(int(y), int(mo), int(d)).isoformat()
            return day, day
        if mo:
            last = calendar.monthrange(int(y), int(mo))[1]
            return _dt.date(int(y), int(mo), 1).isoformat(), _dt.date(int(y), int(mo), last).isoformat()
    except ValueError:
        return None
    return f"{y}-01-01", f"{y}-12-31"


def display_type(stored: str) -> str:
    """An actor type as people write it: ``armed_group`` -> "armed group"."""
    return stored.replace("_", " ")


def _type_key(value: str) -> str:
    return "_".join(re.split(r"[\s_-]+", value.strip().casefold()))


@dataclass
class Scope:
    """Which stances a map shows. *layer*: gold (default), an annotator, or 'all' (every
    annotator side by side). The filters are optional; dates may be partial ("2025-12")."""
    layer: str = GOLD
    documents: Sequence[str] | None = None
    actor_types: Sequence[str] | None = None
    outlets: Sequence[str] | None = None
    date_from: str | None = None
    date_to: str | None = None


def resolve_scope(project: ProjectBase, scope: Scope) -> Scope:
    """*scope* with its filters checked and in stored form, the one place that normalises them.

    Actor types may be given as shown ("armed group") or as stored (``armed_group``), in any
    case; outlets in any case. An unknown type, outlet or unreadable date raises a
    ``ValidationError`` that lists the known ones (never an empty map without a word)."""
    types, outlets = scope.actor_types, scope.outlets
    if scope.actor_types:
        with project.snapshot() as conn:
            in_use = stored.actor_types_in_use(conn)
        known = {_type_key(t): t for t in [*project.scheme.actor_types, *in_use]}
        types = []
        for t in scope.actor_types:
            hit = known.get(_type_key(str(t)))
            if hit is None:
                raise ValidationError(f"unknown actor type {t!r}; known: "
                                      + ", ".join(sorted({display_type(k) for k in known.values()})))
            types.append(hit)
    if scope.outlets:
        with project.snapshot() as conn:
            in_use = stored.outlets_in_use(conn)
        known = {str(o).strip().casefold(): o for o in in_use}
        outlets = []
        for o in scope.outlets:
            hit = known.get(str(o).strip().casefold())
            if hit is None:
                raise ValidationError(f"unknown outlet {o!r}; known: " + (", ".join(map(str, in_use)) or
                                                                       "none (no document has an outlet in its meta)"))
            outlets.append(hit)
    for name, value in (("from", scope.date_from), ("to", scope.date_to)):
        if value is not None and date_interval(value) is None:
            raise ValidationError(f"date {name} {value!r}: use an ISO date such as 2025-12-17, 2025-12 or 2025")
    return replace(scope, actor_types=types, outlets=outlets)


def describe_scope(scope: Scope, layers: Sequence[str] | None = None) -> str:
    """The scope in one line, for pictures and summaries: layer (with *layers*, the annotators
    that 'all' put side by side), documents and every filter."""
    if scope.layer == ALL and layers:
        parts = ["layers " + ", ".join(layers) + " side by side"]
    else:
        parts = [f"layer {scope.layer}"]
    docs = list(scope.documents) if scope.documents is not None else None
    if docs is None:
        parts.append("all documents")
    elif len(docs) <= 3:
        parts.append("documents " + ", ".join(docs))
    else:
        parts.append(f"{len(docs)} documents")
    if scope.actor_types:
        parts.append("actor type " + " or ".join(display_type(t) for t in scope.actor_types))
    if scope.outlets:
        parts.append("outlet " + " or ".join(map(str, scope.outlets)))
    if scope.date_from or scope.date_to:
        parts.append(f"dates {scope.date_from or '…'} to {scope.date_to or '…'}")
    return " · ".join(parts)


@dataclass
class Cell:
    layer: str
    holder: str
    target: str
    polarities: dict[str, int] = field(default_factory=dict)   # polarity -> stances
    documents: set[str] = field(default_factory=set)
    evidence: int = 0

    @property
    def stances(self) -> int:
        return sum(self.polarities.values())

    @property
    def mixed(self) -> bool:
        return len(self.polarities) > 1

    @property
    def polarity(self) -> str:
        return MIXED if self.mixed else next(iter(self.polarities))

    def label(self) -> str:
        """'support' or 'mixed: oppose 1, support 2' (polarities by name)."""
        if not self.mixed:
            return self.polarity
        return MIXED + ": " + ", ".join(f"{p} {n}" for p, n in sorted(self.polarities.items()))


@dataclass
class Axis:
    id: str
    name: str
    kind: str        # the actor's type, or 'target'
    count: int = 0   # stances in scope


@dataclass
class StanceMap:
    scope: Scope
    layers: list[str]
    holders: list[Axis]
    targets: list[Axis]
    cells: dict[tuple[str, str, str], Cell]   # (layer, holder, target) -> cell

    def cell(self, holder: str, target: str, layer: str | None = None) -> Cell | None:
        return self.cells.get((layer or self.layers[0], holder, target))

    def sorted_holders(self, by: str = "count") -> list[Axis]:
        return _sort(self.holders, by)

    def sorted_targets(self, by: str = "count") -> list[Axis]:
        return _sort(self.targets, by)

    @property
    def mixed_cells(self) -> list[Cell]:
        return [c for c in self.cells.values() if c.mixed]


def _sort(axes: list[Axis], by: str) -> list[Axis]:
    if by == "name":
        return sorted(axes, key=lambda a: (a.name.casefold(), a.id))
    if by == "count":
        return sorted(axes, key=lambda a: (-a.count, a.name.casefold(), a.id))
    raise ValidationError("sort by 'count' or 'name'")


def _layers(project: ProjectBase, layer: str) -> list[str]:
    if layer == ALL:
        layers = project.layers()
        if not layers:
            raise ValidationError("no annotator has annotations yet")
        return layers
    return [layer]


def _filter(scope: Scope, layers: list[str]) -> stored.StanceFilter:
    """The stored filter of *scope* (resolved) over *layers*; dates are filtered here, by ``_date_ok``."""
    return stored.StanceFilter(layers, scope.documents, scope.outlets, scope.actor_types)


def _date_ok(scope: Scope, date: str | None) -> bool:
    if scope.date_from is None and scope.date_to is None:
        return True
    iv = date_interval(date)
    if iv is None:
        return False
    lo_iv, hi_iv = date_interval(scope.date_from), date_interval(scope.date_to)
    lo = lo_iv[0] if lo_iv else "0000"
    hi = hi_iv[1] if hi_iv else "9999"
    return iv[1] >= lo and iv[0] <= hi


def build_map(project: ProjectBase, scope: Scope | None = None) -> StanceMap:
    """The map of *scope*: cells per (layer, holder, target), axes with their stance counts."""
    scope = resolve_scope(project, scope or Scope())
    layers = _layers(project, scope.layer)
    cells: dict[tuple[str, str, str], Cell] = {}
    holder_n: dict[str, int] = {}
    target_n: dict[str, int] = {}
    dated = scope.date_from is not None or scope.date_to is not None
    with project.snapshot() as conn:
        rows = stored.stances_for_cells(conn, _filter(scope, layers))
        for layer, holder, target, polarity, doc, date, n_ev in rows:
            if dated and not _date_ok(scope, date):
                continue
            key = (layer, holder, target)
            c = cells.get(key)
            if c is None:
                c = cells[key] = Cell(layer, holder, target)
            c.polarities[polarity] = c.polarities.get(polarity, 0) + 1
            c.documents.add(doc)
            c.evidence += n_ev
            holder_n[holder] = holder_n.get(holder, 0) + 1
            target_n[target] = target_n.get(target, 0) + 1
        names = stored.actor_names_and_types(conn, list(holder_n))
        tnames = stored.target_names(conn, list(target_n))
    holders = [Axis(h, names[h][0], names[h][1], n) for h, n in holder_n.items()]
    targets = [Axis(t, tnames.get(t, t), "target", n) for t, n in target_n.items()]
    return StanceMap(scope, layers, _sort(holders, "count"), _sort(targets, "count"), cells)


@dataclass(frozen=True)
class Evidence:
    stance_id: str
    layer: str
    document_id: str
    title: str
    date: str | None
    outlet: str | None
    holder: str
    target: str
    polarity: str
    conditions: str | None
    span_id: str | None
    start: int | None
    end: int | None
    sentence: str          # the sentence around the evidence span (the span's own text when short)


_SENTENCE_END = re.compile(r"[.!?…]['\"”’)]*\s|\n")


def sentence_around(text: str, start: int, end: int, limit: int = 400) -> str:
    """The sentence(s) holding [start, end) (code points), cut to about *limit* characters."""
    left = text.rfind("\n", max(0, start - limit), start) + 1
    for found in _SENTENCE_END.finditer(text, max(left, start - limit), start):
        left = found.end()
    m = _SENTENCE_END.search(text, end, min(len(text), end + limit))
    right = m.end() if m else min(len(text), end + limit)
    return " ".join(text[left:right].split())


def evidence(project: ProjectBase, holder: str, target: str, scope: Scope | None = None) -> list[Evidence]:
    """Every evidence span of the stances of *holder* on *target* in *scope*, in date order (a
    stance without evidence is listed once with no span), for the list under a cell and for
    the timeline."""
    scope = resolve_scope(project, scope or Scope())
    layers = _layers(project, scope.layer)
    out = []
    with project.snapshot() as conn:
        for sid, layer, doc, title, date, outlet, pol, cond, span_id, start, end, text in stored.evidence_of_cell(
                conn, _filter(scope, layers), holder, target):
            if not _date_ok(scope, date):
                continue
            sentence = sentence_around(text, start, end) if span_id else ""
            out.append(Evidence(sid, layer, doc, title, date, outlet, holder, target, pol, cond, span_id, start, end,
                                sentence))
    return sorted(out, key=lambda e: ((date_interval(e.date) or ("9999",))[0], ))


def timeline(project: ProjectBase, holder: str, target: str, scope: Scope | None = None) -> list[Evidence]:
    """One entry per stance of *holder* on *target*, in date order (undated last), so that a
    shift of position shows."""
    seen, out = set(), []
    for e in evidence(project, holder, target, scope):
        if e.stance_id not in seen:
            seen.add(e.stance_id)
            out.append(e)
    return out
