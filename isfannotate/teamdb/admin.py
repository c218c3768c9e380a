"""Setting a team database up and looking after its people: ``create_team`` (tables, roles,
policies, then the lead's corpus), ``add_annotator`` / ``remove_annotator`` and ``status``.

Passwords: a new annotator's password is generated (or given), set on the server as a
SCRAM-SHA-256 verifier computed here (the clear text never reaches the server's logs), returned
once, and stored nowhere by us.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import UTC
from pathlib import Path
from typing import Any

from ..errors import ValidationError
from ..models import GOLD, layer_name
from ..store.server import members, roles
from ..store.server.schema import group_names
from .connect import TeamDbError, connect, describe, psycopg, server_faults
from .reports import AnnotatorStatus, CreateReport, TeamStatus
from .team import check_team, opened, store_link, team_link


def scram_verifier(password: str, *, iterations: int = 4096, salt: bytes | None = None) -> str:
    """PostgreSQL's stored form of a SCRAM-SHA-256 password (RFC 5802/7677), as ``\\password`` sends it."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()

    def b64(b: bytes) -> str:
        return base64.b64encode(b).decode()
    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def create_team(dsn: str, source_project: Any, *, progress: Callable[[int, int], None] | None = None,
                cancel: Callable[[], bool] | None = None) -> CreateReport:
    """Create the team database in *dsn*'s (empty) database: the tables, the two group roles and
    the row-level security policies, then the lead's corpus from *source_project* (a path, or an
    open ``Project``): documents, scheme, registry, guideline examples, assignments, decisions
    and gold. The project is then linked to the team database as the lead's."""
    from . import lead as lead_sync

    server = describe(dsn)
    with opened(source_project) as project:
        with connect(dsn) as conn, server_faults(dsn):
            if roles.holds_team(conn):
                raise TeamDbError(f"team database {server}: already holds a team; sync with it (isfannotate team "
                                  "link, then team sync), or give an empty database")
            dbname = roles.current_database(conn)
            lead, annotators = group_names(dbname)
            roles.install_team(conn, dbname, lead, annotators)
            conn.commit()
            store_link(project, dsn, "lead", None)
            report = CreateReport(server, lead_group=lead, annotators_group=annotators)
            counts = lead_sync.push_shared(conn, project, progress=progress, cancel=cancel)
            report.documents, report.actors, report.targets = counts["documents"], counts["actors"], counts["targets"]
            report.assignments, report.examples = counts["assignments"], counts["guideline_examples"]
            report.decisions, report.gold_documents = counts["decisions"], counts["gold"]
            report.layers = lead_sync.push_held_layers(conn, project, cancel=cancel)
    return report


def _groups(conn: Any) -> tuple[str, str]:
    return group_names(roles.current_database(conn))


def add_annotator(dsn: str, name: str, *, password: str | None = None) -> str:
    """Make *name* an annotator of the team: a LOGIN role in the annotators' group (its layer is
    named after it). Returns the password (generated when None: tell it to the annotator once;
    it is stored nowhere). An existing role (the person is in another team on this server) only
    joins the group and keeps its password unless one is given; then "" is returned."""
    try:
        name = layer_name(name)
    except ValidationError as e:
        raise TeamDbError(f"annotator {name!r}: {e}") from None
    if name == GOLD or name.startswith("isf_"):
        raise TeamDbError(f"annotator {name!r}: the name is reserved; choose another")
    with connect(dsn) as conn, server_faults(dsn):
        check_team(conn, dsn)
        _lead, annotators = _groups(conn)
        given = password
        if roles.role_exists(conn, name):
            roles.set_login(conn, name, scram_verifier(given) if given is not None else None, create=False)
        else:
            password = given if given is not None else secrets.token_urlsafe(15)
            roles.set_login(conn, name, scram_verifier(password), create=True)
        roles.grant_group(conn, annotators, name)
        members.add_member(conn, name)
        conn.commit()
    return password if password is not None else ""


def remove_annotator(dsn: str, name: str) -> None:
    """Take *name* out of the team: out of the annotators' group (it can no longer connect to
    this database or sync), its open sessions ended. Its layer stays for the lead."""
    with connect(dsn) as conn, server_faults(dsn):
        check_team(conn, dsn)
        _lead, annotators = _groups(conn)
        if not members.is_member(conn, name):
            raise TeamDbError(f"team database {describe(dsn)}: {name!r} is not an annotator of this team")
        if roles.role_exists(conn, name):
            roles.revoke_group(conn, annotators, name)
        members.mark_removed(conn, name)
        conn.commit()
        # sessions already open keep their rights until they end: end them, where this role may
        # (a superuser, pg_signal_backend); else they end at their next connection
        try:
            roles.end_sessions(conn, name)
            conn.commit()
        except psycopg().Error:
            conn.rollback()


def status(dsn: Any) -> TeamStatus:
    """Per annotator: documents assigned, marked done on the server, pending, last sync. *dsn*:
    the team database's address, or a linked project (a path or an open project)."""
    if hasattr(dsn, "snapshot") or Path(str(dsn)).is_file():
        link = team_link(dsn if hasattr(dsn, "snapshot") else Path(str(dsn)))
        if link is None:
            raise TeamDbError(f"{getattr(dsn, 'path', dsn)}: not linked to a team database (isfannotate team link "
                              "PROJECT DSN)")
        dsn = link["dsn"]
    with connect(str(dsn), doing="team status") as conn, server_faults(str(dsn), "team status"):
        check_team(conn, str(dsn))
        documents = members.document_count(conn)
        rows = members.members_status(conn)
    out = TeamStatus(describe(str(dsn)), documents)
    for role, last, removed, assigned, done in rows:
        stamp = last.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if last is not None else None
        out.annotators.append(AnnotatorStatus(role, assigned, done, assigned - done, stamp, removed))
    return out
