"""Ids and timestamps for new rows. Ids are random (never derived from ``hash()`` or the clock
order); timestamps are UTC ISO 8601 with milliseconds."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def new_id(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:16]}"
