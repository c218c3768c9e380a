"""Ids and timestamps for new rows. Ids are random (never derived from ``hash()`` or the clock
order); timestamps are UTC ISO 8601 with milliseconds."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def new_id(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:16]}"


class IdMaker:
    """New ids for bulk work (imports): one random 10-hex base per maker and a counter, so a
    hundred thousand ids cost no system calls; as unique as ``new_id`` (the base is random)."""

    def __init__(self) -> None:
        self._base = uuid.uuid4().hex[:10]
        self._n = 0

    def __call__(self, prefix: str) -> str:
        self._n += 1
        return f"{prefix}{self._base}{self._n:06x}"

    def many(self, prefix: str, count: int) -> list[str]:
        """*count* new ids at once (the same ids as *count* calls would give)."""
        first, self._n = self._n + 1, self._n + count
        head = f"{prefix}{self._base}"
        return [f"{head}{n:06x}" for n in range(first, first + count)]
