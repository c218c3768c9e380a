"""What the commands share."""
from __future__ import annotations


def open_project(path: str, command: str, read_only: bool = False):
    """Open *path* as its one owner, named ``isfannotate COMMAND`` in the lock file."""
    from ..project import Project
    return Project.open(path, read_only=read_only, program=f"isfannotate {command}")


# The app's windows ``gui --window`` opens (and ``--screenshot`` grabs); the app dispatches on them.
GUI_WINDOWS = ("main", "review", "agreement", "stancemap", "progress", "feedback", "suggestions")
