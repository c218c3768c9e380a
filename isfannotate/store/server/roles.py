"""The team database's setup and roles on the server: whether a database holds a team, the
group roles and the tables' statements (``schema.ddl``), annotators' LOGIN roles and their
group, and which part the connected role has."""
from __future__ import annotations

from typing import Any

from .schema import ddl, ident, literal, upgrade_ddl


def current_database(conn: Any) -> str:
    name: str = conn.execute("SELECT current_database()").fetchone()[0]
    return name


def holds_team(conn: Any) -> bool:
    """Whether the database holds a team's tables this role may see (``team_info``)."""
    return conn.execute("SELECT to_regclass('team_info')").fetchone()[0] is not None


def role_exists(conn: Any, name: str) -> bool:
    return conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone() is not None


def install_team(conn: Any, dbname: str, lead: str, annotators: str) -> None:
    """The two group roles (when the server has none of that name yet), the connected role made a
    member of the lead's, then the tables, grants and policies. Not committed."""
    for role in (lead, annotators):
        if not role_exists(conn, role):
            conn.execute(f"CREATE ROLE {ident(role)} NOLOGIN")
    conn.execute(f"GRANT {ident(lead)} TO CURRENT_USER")
    for statement in ddl(dbname):
        conn.execute(statement)


def set_login(conn: Any, name: str, verifier: str | None, *, create: bool) -> None:
    """*name* as a LOGIN role (created when *create*), with the password *verifier* (a SCRAM
    verifier, never the clear text) when given."""
    password = f" PASSWORD {literal(verifier)}" if verifier is not None else ""
    conn.execute(f"{'CREATE' if create else 'ALTER'} ROLE {ident(name)} LOGIN{password}")


def grant_group(conn: Any, group: str, name: str) -> None:
    conn.execute(f"GRANT {ident(group)} TO {ident(name)}")


def revoke_group(conn: Any, group: str, name: str) -> None:
    conn.execute(f"REVOKE {ident(group)} FROM {ident(name)}")


def end_sessions(conn: Any, name: str) -> None:
    """End *name*'s open sessions on this database (a superuser's or pg_signal_backend's right;
    the server refuses otherwise)."""
    conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s "
                 "AND datname = current_database()", (name,))


def current_role(conn: Any, lead: str, annotators: str) -> tuple[str, bool, bool]:
    """(the connected role, whether it is the lead (a member of *lead*, or a superuser), whether
    it is a member of *annotators*)."""
    user: str = conn.execute("SELECT current_user").fetchone()[0]
    is_super = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()[0]
    is_lead = bool(is_super or conn.execute("SELECT pg_has_role(current_user, %s, 'MEMBER')", (lead,)).fetchone()[0])
    is_annotator = bool(conn.execute("SELECT pg_has_role(current_user, %s, 'MEMBER')", (annotators,)).fetchone()[0])
    return user, is_lead, is_annotator


def upgrade_team(conn: Any) -> None:
    """Take a team database of server schema 1 to this version (the lead, its tables' owner). Not committed."""
    for statement in upgrade_ddl(current_database(conn)):
        conn.execute(statement)
