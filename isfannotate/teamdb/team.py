"""What every team database command needs: the team's checks on the server (a team of our
version; the connected role's part in it) and a project's stored link to its team database."""
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..ops.teamsync import set_link
from ..store.server import roles
from ..store.server.rows import info as team_info
from ..store.server.schema import COMPATIBLE, SERVER_SCHEMA, group_names
from ..store.teamsync import LINK_KEY, project_json
from .connect import TeamDbError, describe, strip_password


def check_team(conn: Any, dsn: str) -> dict[str, str]:
    """The team database's ``team_info``, refused with one line when *dsn*'s database holds no
    team or one of another version."""
    if not roles.holds_team(conn):
        raise TeamDbError(f"team database {describe(dsn)}: holds no team (or this role may not see it); create "
                          "it with isfannotate team create, or check the address")
    info = team_info(conn)
    if info.get("server_schema") not in COMPATIBLE:
        raise TeamDbError(f"team database {describe(dsn)}: schema version {info.get('server_schema')} where this "
                          f"isfannotate knows {SERVER_SCHEMA}; use the isfannotate version the team uses")
    from ..store.schema import SCHEMA_VERSION
    if info.get("app_schema") != str(SCHEMA_VERSION):
        raise TeamDbError(f"team database {describe(dsn)}: made for project files of version {info.get('app_schema')}, "
                          f"this isfannotate writes version {SCHEMA_VERSION}; use the isfannotate version the team "
                          "uses")
    return info


@contextlib.contextmanager
def opened(project: Any) -> Iterator[Any]:
    """*project* itself when it is an open project, else the project file at that path, opened
    for the block (and closed after)."""
    if hasattr(project, "snapshot"):
        yield project
        return
    from ..project import Project
    p = Project.open(Path(project), program="isfannotate team")
    try:
        yield p
    finally:
        p.close()


def team_link(project: Any) -> dict[str, Any] | None:
    """The project's link to its team database: {"dsn", "role", "annotator"?, "last_sync"?}, or None."""
    with opened(project) as p, p.snapshot() as conn:
        link: dict[str, Any] | None = project_json(conn, LINK_KEY, None)
        return link


def store_link(project: Any, dsn: str, role: str, annotator: str | None) -> dict[str, Any]:
    link = {"dsn": strip_password(dsn), "role": role, "server": describe(dsn)}
    if annotator is not None:
        link["annotator"] = annotator
    set_link(project, link, annotator=annotator)
    return link


def role_of(conn: Any) -> tuple[str, str]:
    """(current user, "lead" | "annotator") on the server; refused when neither."""
    user, is_lead, is_annotator = roles.current_role(conn, *group_names(roles.current_database(conn)))
    if is_lead:
        return user, "lead"
    if is_annotator:
        return user, "annotator"
    raise TeamDbError(f"role {user} is neither the lead nor an annotator of this team; ask the lead")
