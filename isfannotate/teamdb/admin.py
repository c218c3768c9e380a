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
from .connect import TeamDbError, connect, describe, psycopg, server_faults
from .reports import AnnotatorStatus, CreateReport, TeamStatus
from .schema import ddl, group_names, ident, literal
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


def _role_exists(conn: Any, name: str) -> bool:
    return conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone() is not None


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
            if conn.execute("SELECT to_regclass('team_info')").fetchone()[0] is not None:
                raise TeamDbError(f"team database {server}: already holds a team; sync with it (isfannotate team "
                                  "link, then team sync), or give an empty database")
            dbname = conn.execute("SELECT current_database()").fetchone()[0]
            lead, annotators = group_names(dbname)
            for role in (lead, annotators):
                if not _role_exists(conn, role):
                    conn.execute(f"CREATE ROLE {ident(role)} NOLOGIN")
            conn.execute(f"GRANT {ident(lead)} TO CURRENT_USER")
            for statement in ddl(dbname):
                conn.execute(statement)
            conn.commit()
            store_link(project, dsn, "lead", None)
            report = CreateReport(server, lead_group=lead, annotators_group=annotators)
            counts = lead_sync.push_shared(conn, project, progress=progress, cancel=cancel)
            report.documents, report.actors, report.targets = counts["documents"], counts["actors"], counts["targets"]
            report.assignments, report.examples = counts["assignments"], counts["guideline_examples"]
            report.decisions, report.gold_documents = counts["decisions"], counts["gold"]
    return report


def _groups(conn: Any) -> tuple[str, str]:
    return group_names(conn.execute("SELECT current_database()").fetchone()[0])


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
        if _role_exists(conn, name):
            if given is not None:
                conn.execute(f"ALTER ROLE {ident(name)} LOGIN PASSWORD {literal(scram_verifier(given))}")
            else:
                conn.execute(f"ALTER ROLE {ident(name)} LOGIN")
        else:
            password = given if given is not None else secrets.token_urlsafe(15)
            conn.execute(f"CREATE ROLE {ident(name)} LOGIN PASSWORD {literal(scram_verifier(password))}")
        conn.execute(f"GRANT {ident(annotators)} TO {ident(name)}")
        conn.execute("INSERT INTO members (role) VALUES (%s) ON CONFLICT (role) DO UPDATE SET removed_at = NULL",
                     (name,))
        conn.commit()
    return password if password is not None else ""


def remove_annotator(dsn: str, name: str) -> None:
    """Take *name* out of the team: out of the annotators' group (it can no longer connect to
    this database or sync), its open sessions ended. Its layer stays for the lead."""
    with connect(dsn) as conn, server_faults(dsn):
        check_team(conn, dsn)
        _lead, annotators = _groups(conn)
        row = conn.execute("SELECT 1 FROM members WHERE role = %s", (name,)).fetchone()
        if row is None:
            raise TeamDbError(f"team database {describe(dsn)}: {name!r} is not an annotator of this team")
        if _role_exists(conn, name):
            conn.execute(f"REVOKE {ident(annotators)} FROM {ident(name)}")
        conn.execute("UPDATE members SET removed_at = now() WHERE role = %s", (name,))
        conn.commit()
        # sessions already open keep their rights until they end: end them, where this role may
        # (a superuser, pg_signal_backend); else they end at their next connection
        try:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s "
                         "AND datname = current_database()", (name,))
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
    with connect(str(dsn)) as conn, server_faults(str(dsn)):
        check_team(conn, str(dsn))
        documents = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        rows = conn.execute(
            "SELECT m.role, m.last_sync, m.removed_at IS NOT NULL, "
            "(SELECT count(*) FROM assignments a WHERE a.annotator = m.role), "
            "(SELECT count(*) FROM assignments a JOIN doc_status s ON s.document_id = a.document_id "
            " AND s.layer = m.role AND s.status = 'done' WHERE a.annotator = m.role) "
            "FROM members m ORDER BY m.role").fetchall()
    out = TeamStatus(describe(str(dsn)), documents)
    for role, last, removed, assigned, done in rows:
        stamp = last.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if last is not None else None
        out.annotators.append(AnnotatorStatus(role, assigned, done, assigned - done, stamp, removed))
    return out
