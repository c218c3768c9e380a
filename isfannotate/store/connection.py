"""Opening a project file: one owner at a time (docs/architecture.md, invariant 3, docs/storage.md).

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

import contextlib
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import DiskFull, ProjectError, ProjectLocked, ReadOnlyStorage, StorageError
from . import faults, ownership, schema

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


def _uri(path: Path, **params: int) -> str:
    return path.resolve().as_uri() + "?" + "&".join(f"{k}={v}" for k, v in params.items())


def _left_beside(path: Path) -> str | None:
    """The suffix of a file with content beside *path* that says the file alone is not the
    project's last committed state: ``-wal`` (it was not closed cleanly) or ``-journal`` (an owner
    killed in a bulk write's rollback journal, see ``bulk_journal``); None when there is none."""
    for suffix in ("-wal", "-journal"):
        try:
            if path.with_name(path.name + suffix).stat().st_size > 0:
                return suffix
        except OSError:
            pass
    return None


def _wal_left(path: Path) -> bool:
    """Whether a ``-wal`` or ``-journal`` file with content sits beside *path* (``_left_beside``)."""
    return _left_beside(path) is not None


def _verdict(path: Path, tables: set[str], applied: list[str], user_version: int) -> None:
    """Raise ProjectError unless these are the tables of a project this version can open."""
    if "documents" not in tables or schema.MIGRATIONS_TABLE not in tables:
        raise ProjectError(f"{path}: not an isfannotate project (no project tables)")
    known = [fn.__name__ for fn in schema.MIGRATIONS]
    newer = [n for n in applied if n not in known]
    if newer or user_version > schema.SCHEMA_VERSION:
        version = max(user_version, len(applied))
        raise ProjectError(f"{path}: written by a newer isfannotate (schema {version}, this version knows "
                           f"{schema.SCHEMA_VERSION}); upgrade isfannotate to open it")


def _read_shape(conn: sqlite3.Connection) -> tuple[set[str], list[str], int]:
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    applied = schema.applied(conn) if schema.MIGRATIONS_TABLE in tables else []
    return tables, applied, schema.schema_version(conn)


def _probe(path: Path) -> None:
    """Refuse a file that is not ours, or is newer, without writing a byte of it: read its main
    file as it is (``immutable=1``: no lock, no journal, no WAL replayed). Undecided (returns)
    when the file cannot be read this way, or when its schema is empty and a ``-wal`` file sits
    beside it (a project that crashed before its first checkpoint): the owner's open decides."""
    try:
        conn = sqlite3.connect(_uri(path, immutable=1), uri=True)
        try:
            tables, applied, user_version = _read_shape(conn)
        finally:
            conn.close()
    except (sqlite3.Error, UnicodeDecodeError) as e:
        if faults.sqlite_code(e) == faults.SQLITE_NOTADB:
            raise ProjectError(f"{path}: not an isfannotate project ({e})") from None
        return
    if not tables and _wal_left(path):
        return
    _verdict(path, tables, applied, user_version)


def _file_read_only(path: Path) -> str | None:
    """Why the existing file *path* cannot be written, or None (it is opened for writing and
    closed, nothing written)."""
    if not path.exists():
        return None
    try:
        with open(path, "r+b"):
            pass
    except OSError as e:
        if e.errno in faults.READ_ONLY_ERRNOS:
            return f"the file cannot be written ({e.strerror})"
        raise
    return None


def _writable(path: Path) -> str | None:
    """Why *path* (an existing file) or its folder cannot be written, or None when both can.
    Writes nothing to the file; in the folder, a probe file is made and removed at once."""
    why = _file_read_only(path)
    if why is not None:
        return why
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, probe = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".probe", dir=folder)
    except OSError as e:
        if e.errno in faults.READ_ONLY_ERRNOS:
            return f"its folder {folder} cannot be written ({e.strerror})"
        if e.errno in faults.FULL_ERRNOS:
            return None
        raise
    os.close(fd)
    os.unlink(probe)
    return None


def _read_only_message(path: Path, why: str, read_only: bool) -> str:
    if read_only and _left_beside(path) == "-journal":
        return (f"{why}, and an import or a team pull into it was interrupted (its -journal file is beside it, to "
                f"undo what had been written); copy the project and its -journal file to a folder you can write to and "
                f"use the copy")
    if read_only:   # only reached when a -wal file is beside it
        return (f"{why}, and the project was not closed cleanly (its -wal file is beside it, with work not yet "
                f"in the file); copy the project and its -wal file to a folder you can write to and use the copy")
    return (f"{why}; commands that only read it (stats, check, export, agreement) work there; to change it, "
            f"copy it to a folder you can write to")


def _open_immutable(path: Path) -> sqlite3.Connection:
    """A reader's connection to a project in a read-only place that was closed cleanly (no
    ``-wal`` beside it): nothing can change the file, so SQLite reads it without locks."""
    conn = sqlite3.connect(_uri(path, immutable=1), uri=True, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA query_only=ON")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def _take_ownership(conn: sqlite3.Connection, path: Path, exists: bool, read_only: bool = False) -> None:
    """Take the file's lock now (or raise ProjectLocked at once), check the file is ours (and, for
    a reader, already upgraded), and only then switch it to WAL: nothing is written to a file
    that is not a project, nor to one a reader must refuse."""
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()   # the first read takes the lock
        if exists:
            _verdict(path, *_read_shape(conn))
            if read_only and schema.applied(conn) != [fn.__name__ for fn in schema.MIGRATIONS]:
                raise ProjectError(f"{path}: written by an older isfannotate; open it once for writing "
                                   f"to upgrade it (a backup copy is kept)")
        conn.execute("PRAGMA journal_mode=WAL").fetchone()
    except sqlite3.OperationalError as e:
        if "locked" in str(e) or "busy" in str(e):
            owner = ownership.owner_of(path)
            raise ProjectLocked(_locked_message(path, owner), owner) from None
        raise
    except sqlite3.DatabaseError as e:
        if faults.sqlite_code(e) == faults.SQLITE_NOTADB:
            raise ProjectError(f"{path}: not an isfannotate project ({e})") from None
        raise
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")


def open_database(path: str | Path, *, create: bool, read_only: bool = False,
                  program: str = "isfannotate", break_lock: ownership.OwnerInfo | None = None
                  ) -> tuple[sqlite3.Connection, ownership.OwnerInfo | None]:
    """Open (or create) a project file as its one owner, upgrading an older schema after a backup
    copy. Returns the connection and the owner record written to the lock file (None when a
    reader could not write one: a read-only folder, a full disk).

    Raises ProjectLocked when another program owns the file (never waits), ProjectError for a
    missing file (when not creating), a file that is not a project, or one from a newer version
    (nothing is written to such a file), and a ``StorageError`` for a fault of the disk (full,
    read-only, damaged). *read_only*: the connection refuses writes (``PRAGMA query_only``) but
    still owns the file, so it recovers a crashed owner's WAL like any owner; in a read-only
    place, a project closed cleanly is read as it is, without a lock. *break_lock*: another
    computer's lock (as read) that is replaced by this opener's once it holds the project."""
    path = Path(path)
    exists = path.exists() and path.is_file() and path.stat().st_size > 0
    if path.exists() and not path.is_file():
        raise ProjectError(f"{path}: is a folder, not an isfannotate project")
    if not exists and not create:
        if path.exists():
            raise ProjectError(f"{path}: the file is empty, not an isfannotate project "
                               f"(delete it, or create a project elsewhere with: isfannotate init PATH)")
        raise ProjectError(f"{path}: no such project (create one with: isfannotate init {path})")
    if exists and create:
        raise ProjectError(f"{path}: already exists; open it instead of creating it")
    if exists:
        try:
            with open(path, "rb") as fh:
                magic = fh.read(16)
        except OSError as e:
            raise ProjectError(f"{path}: cannot be read ({e.strerror})") from None
        if magic != b"SQLite format 3\x00":
            raise ProjectError(f"{path}: not an isfannotate project (not an SQLite file)")
        _probe(path)
    ownership.check_lock_path(path)
    held = ownership.read_lock(path)
    if held is not None and not held.local and held != break_lock:
        raise ProjectLocked(_locked_message(path, held), held)
    why = _file_read_only(path) if exists else None
    if why is None:
        try:
            return _open_owner(path, exists, read_only, program)
        except StorageError as e:
            if isinstance(e, DiskFull):
                raise
            why = _writable(path)
            if why is None:
                raise
    if not exists:
        raise ReadOnlyStorage(f"{path}: cannot create the project there: {why}; create it in a folder you can "
                              f"write to") from None
    if not read_only or _wal_left(path):
        raise faults.read_only(path, _read_only_message(path, why, read_only)) from None
    return _open_read_only_place(path), None


def _open_owner(path: Path, exists: bool, read_only: bool,
                program: str) -> tuple[sqlite3.Connection, ownership.OwnerInfo | None]:
    if not exists and path.exists():
        path.unlink()   # an empty file given to create: SQLite would adopt it anyway
    conn = None
    try:
        with faults.storage_faults(path, "opening the project" if exists else "the new project"):
            conn = _connect(path)
            _take_ownership(conn, path, exists, read_only)
            if exists:
                applied = schema.applied(conn)
                if applied != [fn.__name__ for fn in schema.MIGRATIONS]:
                    if read_only:
                        raise ProjectError(f"{path}: written by an older isfannotate; open it once for writing "
                                           f"to upgrade it (a backup copy is kept)")
                    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                    _backup(path, len(applied))
                    schema.migrate(conn)
            else:
                schema.migrate(conn)
        me = ownership.current(program)
        owner: ownership.OwnerInfo | None = me
        try:
            ownership.write_lock(path, me)
        except OSError as e:
            if not read_only:
                raise faults.translate(e, path, "the lock file") or ProjectError(
                    f"{path}: cannot write the lock file ({e.strerror}: {e.filename})") from None
            owner = None   # a reader goes on without one: SQLite's lock still keeps others out here
        if read_only:
            conn.execute("PRAGMA query_only=ON")
    except sqlite3.Error as e:   # what storage_faults did not recognise
        _close_quietly(conn)
        if not exists:
            _remove_created(path)
        raise ProjectError(f"{path}: cannot open the project: {e}") from None
    except BaseException:
        _close_quietly(conn)
        if not exists:
            _remove_created(path)
        raise
    return conn, owner


def _open_read_only_place(path: Path) -> sqlite3.Connection:
    conn = _open_immutable(path)
    try:
        with faults.storage_faults(path, "reading the project"):
            _verdict(path, *_read_shape(conn))
            if schema.applied(conn) != [fn.__name__ for fn in schema.MIGRATIONS]:
                raise ProjectError(f"{path}: written by an older isfannotate and in a read-only place; copy it to "
                                   f"a folder you can write to and open it once for writing to upgrade it")
    except BaseException:
        conn.close()
        raise
    return conn


def _backup(path: Path, version: int) -> None:
    backup = path.with_name(f"{path.name}.v{version}.bak")
    try:
        shutil.copy2(path, backup)
    except OSError as e:
        with contextlib.suppress(OSError):
            backup.unlink()
        raise faults.translate(e, path, "the backup copy before the upgrade") or e from None


def _close_quietly(conn: sqlite3.Connection | None) -> None:
    if conn is not None:
        with contextlib.suppress(sqlite3.Error):
            conn.close()


def _remove_created(path: Path) -> None:
    """A project whose creation failed (a full disk) leaves no half-made files behind."""
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-journal")):
        with contextlib.suppress(OSError):
            p.unlink()


def close(conn: sqlite3.Connection, path: str | Path, owner: ownership.OwnerInfo | None) -> None:
    """Checkpoint the WAL into the main file (a closed project is one self-contained file), close,
    and remove the lock file if it is still ours. A checkpoint that fails (a full disk) is not a
    failure: the WAL stays beside the file with every committed action, and the next opener
    replays it."""
    try:
        conn.execute("PRAGMA query_only=OFF")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.Error:
        pass
    finally:
        _close_quietly(conn)
        if owner is not None:
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


@contextmanager
def bulk_journal(conn: sqlite3.Connection) -> Iterator[None]:
    """A rollback journal instead of the WAL for one bulk write (an import, a lead's first pull),
    outside any transaction: the WAL is checkpointed and the connection switched to ``journal_mode=DELETE``
    for the block, then back to WAL.

    In WAL mode, 50 MB of new documents are written twice: into the WAL at the commit, then into
    the file by the checkpoint that follows it (0.3-0.8 s of a 10,000-article import). With a
    rollback journal, new pages go straight into the file and only the pages the transaction
    changes that were already in the file are copied to the journal first. The transaction stays
    as safe (synchronous=FULL: the journal is synced before the file is written, the file before
    the commit): a kill leaves a hot ``-journal`` that the next owner's first read rolls back, so
    the project is as before the import. The exclusive lock is held throughout, as in WAL mode.
    A connection that is not in WAL mode (a handed-out file, a read-only place) is left as it is."""
    if conn.in_transaction or conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        yield
        return
    conn.execute("PRAGMA journal_mode=DELETE").fetchone()
    try:
        yield
    finally:
        with contextlib.suppress(sqlite3.Error):   # a full disk: the rollback journal stays, as safe
            conn.execute("PRAGMA journal_mode=WAL").fetchone()


@contextmanager
def keys_checked_at_end(conn: sqlite3.Connection) -> Iterator[None]:
    """Foreign keys checked once at the end of one bulk write instead of row by row (a lead's
    first pull), outside any transaction: the connection's ``foreign_keys`` is off for the block
    and on again after it; the writer calls ``check_foreign_keys`` before its commit.

    Row by row, each of 500,000 span rows opens the documents' and the actors' keys again for its
    probe (0.6-0.9 s of the pull's thread CPU on this machine); ``PRAGMA foreign_key_check`` walks
    the tables once. The app writes dependent rows itself (never through ON DELETE actions), so
    nothing else changes. A connection in a transaction, or without foreign keys, is left as it is."""
    if conn.in_transaction or not conn.execute("PRAGMA foreign_keys").fetchone()[0]:
        yield
        return
    conn.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        if conn.in_transaction:   # the block failed and its transaction did not end: the pragma would be a no-op
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        conn.execute("PRAGMA foreign_keys=ON")


def check_foreign_keys(conn: sqlite3.Connection) -> None:
    """Raise ``sqlite3.IntegrityError`` (as a write with foreign keys on would have) when a row of
    the database refers to a row that is not there: the check ``keys_checked_at_end`` leaves to
    the writer, inside its transaction (the error rolls it back)."""
    bad = conn.execute("PRAGMA foreign_key_check").fetchone()
    if bad is not None:
        table, rowid, parent, _ = bad
        raise sqlite3.IntegrityError(f"FOREIGN KEY constraint failed ({table} row {rowid} refers to no {parent} row)")
