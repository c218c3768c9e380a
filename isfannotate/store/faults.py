"""The store's boundary for machine faults: SQLite's and the operating system's errors about
the disk become ``StorageError``s with one line the user can act on (docs/storage.md, "What
each fault gives").

SQLite reports a full disk as SQLITE_FULL (it maps ENOSPC to it, and so does a file that reached
``PRAGMA max_page_count``), a read-only file as SQLITE_READONLY, damage as SQLITE_CORRUPT or
SQLITE_NOTADB, and other failures of the disk as SQLITE_IOERR/SQLITE_CANTOPEN. Anything else
(a constraint, a programming error) is not a fault of the machine and is left alone.
"""
from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import DamagedProject, DiskFull, IsfError, ReadOnlyStorage, StorageError

SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_CANTOPEN = 14
SQLITE_FULL = 13
SQLITE_NOTADB = 26

FULL_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
READ_ONLY_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM}


def sqlite_code(e: BaseException) -> int | None:
    """The primary SQLite result code of *e* (None when it carries none)."""
    code = getattr(e, "sqlite_errorcode", None)
    if code is None:
        text = str(e).lower()
        if "database or disk is full" in text:
            return SQLITE_FULL
        if "readonly" in text or "read-only" in text:
            return SQLITE_READONLY
        if "malformed" in text or "not a database" in text:
            return SQLITE_CORRUPT
        if "disk i/o error" in text:
            return SQLITE_IOERR
        return None
    return int(code) & 0xFF


def disk_full(path: str | Path, what: str = "the last action") -> DiskFull:
    """*what*: the thing that was not saved (``the last action``, ``the lock file``)."""
    return DiskFull(f"{path}: the disk is full: {what} was not saved; every action before it is saved "
                    f"(free some space on the disk and try again)")


def read_only(path: str | Path, detail: str) -> ReadOnlyStorage:
    return ReadOnlyStorage(f"{path} is read-only: {detail}")


def damaged(path: str | Path, detail: str) -> DamagedProject:
    return DamagedProject(f"{path}: the project file is damaged ({detail}); nothing was changed; "
                          f"run: isfannotate check {path}")


def translate(e: BaseException, path: str | Path, what: str = "the last action") -> IsfError | None:
    """The ``StorageError`` for *e*, or None when *e* is not a fault of the machine's storage."""
    if isinstance(e, IsfError):
        return None
    if isinstance(e, UnicodeDecodeError) and isinstance(e.object, bytes) and e.object.startswith(b"malformed"):
        # SQLite's own message quotes the damaged schema, which Python then cannot decode
        return damaged(path, e.object.decode("utf-8", "replace"))
    if isinstance(e, UnicodeDecodeError) or (isinstance(e, sqlite3.OperationalError)
                                             and "could not decode to utf-8" in str(e).lower()):
        return damaged(path, "it holds text that is not UTF-8")
    if isinstance(e, OSError):
        if e.errno in FULL_ERRNOS:
            return disk_full(path, what)
        if e.errno in READ_ONLY_ERRNOS:
            return read_only(path, f"{what} cannot be written ({e.strerror}: {e.filename})")
        if e.errno == errno.EIO:
            return StorageError(f"{path}: the disk reported an I/O error ({e.strerror}); {what} was not saved; "
                                f"check the disk, then run: isfannotate check {path}")
        return None
    if not isinstance(e, (sqlite3.OperationalError, sqlite3.DatabaseError)) or isinstance(
            e, (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError)):
        return None
    code = sqlite_code(e)
    if code == SQLITE_FULL:
        return disk_full(path, what)
    if code == SQLITE_READONLY:
        return read_only(path, f"{what} cannot be written ({e}); copy the project to a folder you can write to")
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return damaged(path, str(e))
    if code in (SQLITE_IOERR, SQLITE_CANTOPEN):
        return StorageError(f"{path}: the disk failed ({e}); {what} was not saved; every action before it is "
                            f"saved; check the disk and the folder, then run: isfannotate check {path}")
    return None


def _from_sqlite(e: BaseException) -> bool:
    """Whether *e* came from SQLite: its errors, or its message that Python could not decode."""
    return isinstance(e, sqlite3.Error) or (isinstance(e, UnicodeDecodeError) and isinstance(e.object, bytes)
                                            and e.object.startswith(b"malformed"))


@contextmanager
def storage_faults(path: str | Path, what: str = "the last action", *, sqlite_only: bool = False) -> Iterator[None]:
    """Raise the ``StorageError`` for a fault of the storage inside the block (others pass).
    *sqlite_only*: translate SQLite's errors only, for blocks that also read the user's own
    files (an unreadable input file is not a read-only project)."""
    try:
        yield
    except (sqlite3.Error, OSError, UnicodeDecodeError) as e:
        if sqlite_only and not _from_sqlite(e):
            raise
        err = translate(e, path, what)
        if err is None:
            raise
        raise err from e
