"""Where the shipped files are: ``seeds/`` (in a wheel: ``isfannotate/_seeds``) and the JSON Schemas."""
from __future__ import annotations

import os
from pathlib import Path

import platformdirs

_PKG = Path(__file__).resolve().parent


def seeds_dir() -> Path:
    """The seed corpus folder: inside the installed package, or the repository's ``seeds/``."""
    for candidate in (_PKG / "_seeds", _PKG.parent / "seeds"):
        if (candidate / "scheme.json").is_file():
            return candidate
    raise FileNotFoundError("the seeds folder is missing from this installation of isfannotate")


def default_scheme_path() -> Path:
    return seeds_dir() / "scheme.json"


def data_dir() -> Path:
    """The user's data folder (demo project, remembered settings). ISFANNOTATE_DATA_DIR overrides it."""
    override = os.environ.get("ISFANNOTATE_DATA_DIR")
    path = Path(override) if override else Path(platformdirs.user_data_dir("isfannotate", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path
