"""Opening a project file: one owner at a time (DESIGN.md invariant 3, docs/storage.md).

The owner's connection uses WAL in SQLite's *exclusive locking mode*: it takes an exclusive
lock on the file at its first read and keeps it until it closes, and it keeps the WAL index in
its own memory instead of a shared ``-shm`` file. No other connection, in this process or
another, can then read or write the file, so no two processes ever share a WAL index (what
lost acknowledged work on SQLite < 3.51). A second opener is refused at once: the busy timeout
is 0, so the refusal never waits. After a crash the next owner replays the WAL from the
``-wal`` file itself, so every committed action comes back.

Connection settings: WAL, synchronous=FULL (safe against power loss), foreign keys on, our own
code controls transactions (``isolation_level=None``). The connection may be used from any
thread (``check_same_thread=False``), but only through the session's guard (``store.session``).
"""
from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import ProjectError, ProjectLocked
from . import ownership, schema

BUSY_TIMEOUT_MS = 0   # the ownership probe never waits: a refusal is immediate


def _locked_message(path: Path, owner: ownership.OwnerInfo | None) -> str:
    if owner is None:
        return (f"{path}: the project is open in another program (it left no lock file, perhaps the sqlite3 "
                f"tool or an older isfannotate); close it there and try again")
    if not owner.local:
        return (f"{path}: the project is open on another computer: {owner.describe()}; close it there, or if "
                f"that computer no longer uses it, run: isfannotate unlock {path}")
    return f"{path}: the project is open in {owner.describe()}; close it there (or use that window) and try again"


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA locking_mode=EXCLUSIVE")   # before the first access: no shared WAL index
    return conn


def _take_ownership(conn: sqlite3.Connection, path: Path) -> None:
    """Take the file's exclusive lock now, or raise ProjectLocked at once."""
    try:
        conn.execute("PRAGMA journal_mode=WAL").fetchone()
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()   # the first read takes the lock
    except sqlite3.OperationalError as e:
        if "locked" in str(e) or "busy" in str(e):
            raise ProjectLocked(_locked_message(path, ownership.owner_of(path)), ownership.owner_of(path)) from None
        raise ProjectError(f"{path}: cannot open the project: {e}") from None
    except sqlite3.DatabaseError as e:
        raise ProjectError(f"{path}: not an isfannotate project ({e})") from None
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")


def open_database(path: str | Path, *, create: bool, read_only: bool = False,
                  program: str = "isfannotate") -> tuple[sqlite3.Connection, ownership.OwnerInfo]:
    """Open (or create) a project file as its one owner, upgrading an older schema after a backup
    copy. Returns the connection and the owner record written to the lock file.

    Raises ProjectLocked when another program owns the file (never waits), ProjectError for a
    missing file (when not creating), a file that is not a project, or one from a newer version.
    *read_only*: the connection refuses writes (``PRAGMA query_only``) but still owns the file,
    so it recovers a crashed owner's WAL like any owner."""
    path = Path(path)
    exists = path.exists() and path.stat().st_size > 0
    if not exists and not create:
        if path.exists():
            raise ProjectError(f"{path}: the file is empty, not an isfannotate project "
                               f"(delete it, or create a project elsewhere with: isfannotate init PATH)")
        raise ProjectError(f"{path}: no such project (create one with: isfannotate init {path})")
    if exists and create:
        raise ProjectError(f"{path}: already exists; open it instead of creating it")
    if exists:
        with open(path, "rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                raise ProjectError(f"{path}: not an isfannotate project (not an SQLite file)")
    elif path.exists():
        path.unlink()   # an empty file given to create: SQLite would adopt it anyway
    held = ownership.read_lock(path)
    if held is not None and not held.local:
        raise ProjectLocked(_locked_message(path, held), held)
    conn = _connect(path)
    try:
        _take_ownership(conn, path)
        if exists:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if "documents" not in tables or schema.MIGRATIONS_TABLE not in tables:
                raise ProjectError(f"{path}: not an isfannotate project (no project tables)")
            applied = schema.applied(conn)
            known = [fn.__name__ for fn in schema.MIGRATIONS]
            if [n for n in applied if n not in known]:
                raise ProjectError(
                    f"{path}: written by a newer isfannotate (schema {len(applied)}, this version "
                    f"knows {schema.SCHEMA_VERSION}); upgrade isfannotate to open it")
            if applied != known:
                if read_only:
                    raise ProjectError(f"{path}: written by an older isfannotate; open it once for writing "
                                       f"to upgrade it (a backup copy is kept)")
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                shutil.copy2(path, path.with_name(f"{path.name}.v{len(applied)}.bak"))
                schema.migrate(conn)
        else:
            schema.migrate(conn)
        owner = ownership.current(program)
        ownership.write_lock(path, owner)
        if read_only:
            conn.execute("PRAGMA query_only=ON")
    except BaseException:
        conn.close()
        raise
    return conn, owner


def close(conn: sqlite3.Connection, path: str | Path, owner: ownership.OwnerInfo | None) -> None:
    """Checkpoint the WAL into the main file (a closed project is one self-contained file), close,
    and remove the lock file if it is still ours."""
    try:
        conn.execute("PRAGMA query_only=OFF")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
        ownership.remove_lock(path, owner)


BULK_CACHE_MIB = 64


@contextmanager
def bulk_cache(conn: sqlite3.Connection, mib: int = BULK_CACHE_MIB) -> Iterator[None]:
    """A larger page cache for one bulk write (a merge, an import), restored after it.

    SQLite's default cache (2 MiB) is far smaller than the indexes a bulk insert walks: 150,000
    span rows went into the project in 0.82 s with it, and 0.65 s with 64 MiB, which is then
    handed back. The cache only grows with the pages actually touched."""
    before = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute(f"PRAGMA cache_size={-mib * 1024}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size={before}")
