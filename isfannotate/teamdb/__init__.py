"""The team database (docs/team-database.md): a PostgreSQL server holds the team's documents,
scheme, registry, guidelines, assignments, every annotator's layer, gold and decisions; every
desktop keeps working offline on its own project file and syncs with it.

The only package that imports psycopg (the optional ``team`` extra), lazily: importing this
package costs nothing, and a missing extra is one line (``TeamDbError``).

- ``create_team(dsn, source_project)``: tables, roles and row-level security, then the corpus;
- ``add_annotator(dsn, name)`` / ``remove_annotator(dsn, name)``;
- ``join(dsn, project_path, annotator=...)``: a new working copy; ``link(project, dsn)``,
  ``team_link(project)``;
- ``sync(project)``: both ways (an annotator's layer up; the lead's merge of every layer);
- ``status(dsn or project)``.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

# (no module of this package is named like a function here: importing ``teamdb.x`` sets the
# package's attribute ``x``, which would hide the function)
from .connect import TeamDbError
from .reports import AnnotatorStatus, CreateReport, SyncReport, TeamStatus

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]

__all__ = ["AnnotatorStatus", "CreateReport", "SyncReport", "TeamDbError", "TeamStatus", "add_annotator",
           "create_team", "join", "link", "remove_annotator", "status", "sync", "team_link"]


def create_team(dsn: str, source_project: Any, *, progress: Progress | None = None,
                cancel: Cancel | None = None) -> CreateReport:
    from .admin import create_team as run
    return run(dsn, source_project, progress=progress, cancel=cancel)


def add_annotator(dsn: str, name: str, *, password: str | None = None) -> str:
    from .admin import add_annotator as run
    return run(dsn, name, password=password)


def remove_annotator(dsn: str, name: str) -> None:
    from .admin import remove_annotator as run
    run(dsn, name)


def join(dsn: str, project_path: Any, *, annotator: str, progress: Progress | None = None,
         cancel: Cancel | None = None) -> Any:
    from .syncing import join as run
    return run(dsn, project_path, annotator=annotator, progress=progress, cancel=cancel)


def link(project: Any, dsn: str) -> dict[str, Any]:
    from .syncing import link as run
    return run(project, dsn)


def team_link(project: Any) -> dict[str, Any] | None:
    from .team import team_link as run
    return run(project)


def sync(project: Any, *, progress: Progress | None = None, cancel: Cancel | None = None) -> SyncReport:
    from .syncing import sync as run
    return run(project, progress=progress, cancel=cancel)


def status(dsn_or_project: Any) -> TeamStatus:
    from .admin import status as run
    return run(dsn_or_project)
