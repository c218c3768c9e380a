"""Small remembered settings shared by the CLI and the app (``settings.json`` in the data folder):
the default annotator and the recent projects."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from .resources import data_dir

MAX_RECENT = 10


def _path() -> Path:
    return data_dir() / "settings.json"


def load() -> dict[str, Any]:
    try:
        data = json.loads(_path().read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def save(data: dict[str, Any]) -> None:
    path = _path()
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def get(key: str, default: Any = None) -> Any:
    return load().get(key, default)


def put(key: str, value: Any) -> None:
    data = load()
    data[key] = value
    save(data)


def add_recent(path: str) -> None:
    path = os.path.abspath(path)
    data = load()
    recent = [p for p in data.get("recent", []) if p != path]
    data["recent"] = [path, *recent][:MAX_RECENT]
    save(data)


def recent() -> list[str]:
    return [p for p in load().get("recent", []) if os.path.exists(p)]
