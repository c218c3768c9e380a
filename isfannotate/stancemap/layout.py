"""Placing stances in time: exact dates are points, partial dates intervals (issue 19).

A stance dated "2025-12" happened some day in December: drawn as a point on the 1st (or
sorted before the 17th) it would invent an order the sources never gave, and a holder would
seem to move from one position to another. Here an exact date is a point, a month-only or
year-only date an interval over its whole month or year, and stances that share one interval
are one mark, never ordered among themselves. Pure functions, no Qt: the app's timeline draws
what :func:`timeline_marks` returns.
"""
from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .query import date_interval


@dataclass(frozen=True)
class Mark:
    """Stances that share one date or one interval: *start* and *end* are their first and last
    possible day (ISO, inclusive). *exact*: a single day (a point). *items* are in input order,
    which means nothing in time: they are concurrent as far as the sources say. *row*: the first
    row this mark's items take (points: row 0 upward; intervals: rows 1 and below, never
    overlapping another interval on the same row)."""
    start: str
    end: str
    exact: bool
    items: tuple[Any, ...]
    row: int

    @property
    def label(self) -> str:
        if self.exact:
            return self.start
        if self.start[5:] == "01-01" and self.end[5:] == "12-31":
            return self.start[:4]
        return self.start[:7]

    def days(self) -> tuple[int, int]:
        """First day and the day after the last, as ordinals (for an x axis)."""
        return (_dt.date.fromisoformat(self.start).toordinal(),
                _dt.date.fromisoformat(self.end).toordinal() + 1)


def precedes(a: Mark, b: Mark) -> bool:
    """True when everything in *a* certainly happened before *b* (a's last day before b's first);
    a month and a day inside it precede neither way."""
    return a.end < b.start


def timeline_marks(items: Iterable[Any], date_of: Callable[[Any], str | None] = lambda e: e.date,
                   ) -> tuple[list[Mark], list[Any]]:
    """The marks of *items* (grouped by their date's interval) in order of first day, then last
    day; and the undated items apart. Intervals get rows so that two intervals that overlap in
    time never share one: each item of an interval takes its own row, all spanning the same days."""
    groups: dict[tuple[str, str], list[Any]] = {}
    undated: list[Any] = []
    for item in items:
        iv = date_interval(date_of(item))
        if iv is None:
            undated.append(item)
        else:
            groups.setdefault(iv, []).append(item)
    marks: list[Mark] = []
    row_ends: list[str] = []        # per interval row (row 1 + i): the last day it is taken up to
    for (start, end), group in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        if start == end:
            marks.append(Mark(start, end, True, tuple(group), 0))
            continue
        need = len(group)
        row = 0
        while any(row + k < len(row_ends) and row_ends[row + k] >= start for k in range(need)):
            row += 1
        for k in range(need):
            while len(row_ends) <= row + k:
                row_ends.append("")
            row_ends[row + k] = end
        marks.append(Mark(start, end, False, tuple(group), 1 + row))
    return marks, undated
