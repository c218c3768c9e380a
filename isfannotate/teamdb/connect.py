"""Reaching the team's PostgreSQL server: the DSN (kept without its password), psycopg imported
lazily, and every server fault turned into one line naming the server and what to do.

This is the only place (with the other ``teamdb`` modules) that imports psycopg, the ``team``
extra; a missing extra is one line too.
"""
from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from ..errors import IsfError


class TeamDbError(IsfError):
    """The team database refused or failed: one line naming the server (never a password) and
    what to do."""


def psycopg() -> Any:
    """The psycopg module, or one line saying how to install the ``team`` extra."""
    try:
        import psycopg as module
    except ImportError:
        raise TeamDbError("the team database needs psycopg (the 'team' extra): "
                          "pip install 'isfannotate[team]'") from None
    return module


# ----------------------------------------------------------------------------- the DSN
_KEYWORD = re.compile(r"(\w+)\s*=\s*('(?:[^'\\]|\\.)*'|\S+)")


def parse_dsn(dsn: str) -> dict[str, str]:
    """The connection parameters of a libpq URI (``postgresql://user@host:port/db?sslmode=...``)
    or keyword string (``host=... dbname=...``, ``service=team``)."""
    dsn = dsn.strip()
    if not dsn:
        raise TeamDbError("no team database given: use postgresql://USER@HOST:PORT/DATABASE or service=NAME")
    if dsn.startswith(("postgresql://", "postgres://")):
        parts = urlsplit(dsn)
        out: dict[str, str] = {}
        if parts.username:
            out["user"] = unquote(parts.username)
        if parts.password:
            out["password"] = unquote(parts.password)
        if parts.hostname:
            out["host"] = parts.hostname
        try:
            port = parts.port
        except ValueError:
            raise TeamDbError(f"{strip_password(dsn)}: the port is not a number") from None
        if port:
            out["port"] = str(port)
        if parts.path.strip("/"):
            out["dbname"] = unquote(parts.path.strip("/"))
        out.update(parse_qsl(parts.query))
        return out
    out = {}
    for key, value in _KEYWORD.findall(dsn):
        if value.startswith("'"):
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        out[key] = value
    if not out:
        raise TeamDbError(f"{dsn!r} is not a PostgreSQL address: use postgresql://USER@HOST:PORT/DATABASE "
                          "or service=NAME")
    return out


def make_dsn(params: dict[str, str]) -> str:
    """A keyword DSN of *params* (libpq quoting)."""
    def q(v: str) -> str:
        return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'" if (not v or re.search(r"[\s'\\]", v)) else v
    return " ".join(f"{k}={q(str(v))}" for k, v in params.items())


def strip_password(dsn: str) -> str:
    """*dsn* without its password, in the form it was given (what a project stores and what
    messages show)."""
    if dsn.startswith(("postgresql://", "postgres://")):
        parts = urlsplit(dsn)
        if parts.password is None:
            return dsn
        user = quote(unquote(parts.username or ""), safe="")
        host = parts.netloc.rsplit("@", 1)[1]
        return parts._replace(netloc=f"{user}@{host}" if user else host).geturl()
    params = {k: v for k, v in parse_dsn(dsn).items() if k != "password"}
    return make_dsn(params)


def with_user(dsn: str, user: str) -> str:
    """*dsn* with its user set to *user* (the password left out: it comes from ~/.pgpass)."""
    params = {k: v for k, v in parse_dsn(dsn).items() if k != "password"}
    params["user"] = user
    return make_dsn(params)


def describe(dsn: str) -> str:
    """The server as a person names it: ``user@host:port/dbname`` (or the service), no password."""
    p = parse_dsn(dsn)
    if "service" in p and "host" not in p:
        where = f"service {p['service']}"
    else:
        where = f"{p.get('host', 'localhost')}:{p.get('port', '5432')}/{p.get('dbname', p.get('user', '?'))}"
    return f"{p['user']}@{where}" if p.get("user") else where


# ----------------------------------------------------------------------------- faults
def explain(exc: BaseException, dsn: str, doing: str = "sync") -> TeamDbError:
    """One line for a psycopg error: who, what happened, what to do. *doing*: the command the
    error cut ("sync", "team status", ...), named in what to do."""
    server = describe(dsn)
    again = "sync again" if doing == "sync" else f"run {doing} again"
    text = " ".join(str(exc).split())
    low = text.lower()
    if "password authentication failed" in low or "no password supplied" in low:
        return TeamDbError(f"team database {server}: the password was refused; put the right one in ~/.pgpass "
                           f"(or the service file) and {again}")
    if "not permitted to log in" in low or "permission denied for database" in low or "not a member" in low \
            or "role" in low and "does not exist" in low:
        return TeamDbError(f"team database {server}: this role may no longer use the team database (removed by "
                           "the lead?); ask the lead")
    if "database" in low and "does not exist" in low:
        return TeamDbError(f"team database {server}: no such database; check the address, or create the team "
                           "(isfannotate team create)")
    if ("terminating connection" in low or "server closed the connection" in low or "consuming input failed" in low
            or "connection is lost" in low or "connection already closed" in low or "the connection is closed" in low
            or "administrator command" in low or "sending query" in low):
        kept = "; what was sent before is kept on the server" if doing == "sync" else ""
        return TeamDbError(f"team database {server}: the connection was lost during the {doing} (the server "
                           f"stopped or the network dropped){kept}; {again} when it is back")
    if ("connection refused" in low or "could not connect" in low or "timeout" in low or "timed out" in low
            or "could not translate host" in low or "no route" in low or "network is unreachable" in low):
        mine = " (your work stays in your project)" if doing == "sync" else ""
        return TeamDbError(f"team database {server}: the server cannot be reached; check the network and that "
                           f"PostgreSQL runs there, then {again}{mine}")
    if "permission denied" in low or "row-level security" in low:
        return TeamDbError(f"team database {server}: refused by the server ({text[:160]})")
    return TeamDbError(f"team database {server}: {text[:200]}")


@contextlib.contextmanager
def server_faults(dsn: str, doing: str = "sync") -> Iterator[None]:
    """Turn psycopg's errors inside the block into ``TeamDbError`` (one line)."""
    pg = psycopg()
    try:
        yield
    except pg.Error as e:
        raise explain(e, dsn, doing) from None


def connect(dsn: str, *, autocommit: bool = False, connect_timeout: int = 10, doing: str = "sync") -> Any:
    """A psycopg connection to *dsn* (the password from ~/.pgpass, the service file or the
    DSN itself); faults become one ``TeamDbError`` line."""
    pg = psycopg()
    params = parse_dsn(dsn)
    params.setdefault("connect_timeout", str(connect_timeout))
    params.setdefault("application_name", "isfannotate")
    with server_faults(dsn, doing):
        return pg.connect(make_dsn(params), autocommit=autocommit)
