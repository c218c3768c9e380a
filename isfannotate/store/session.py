"""The session: the one owning connection, the guard every use of it goes through, one
transaction per action, undo/redo over change records, and the job queue.

Threading: the connection may be used from any thread, but only inside ``_using()`` (every
public reader and action is wrapped by ``uses_connection``). A transaction holds the guard from
BEGIN to COMMIT, so another thread's call can never join or be rolled back with it: it waits at
most ``connection_wait`` seconds (the job thread itself waits as long as needed) and is then
refused with ``Busy``.
"""
from __future__ import annotations

import contextlib
import functools
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ..errors import Busy, ProjectError, ValidationError
from ..ids import now
from ..models import GOLD
from . import connection, faults, journal, ownership
from .changes import Change, Recorder, inverse, replay
from .jobs import JobQueue

F = TypeVar("F", bound=Callable[..., Any])


def uses_connection(fn: F) -> F:
    """Run a method of the session's front inside its connection guard."""
    @functools.wraps(fn)
    def guarded(self: Any, *args: Any, **kwargs: Any) -> Any:
        with self._using():
            return fn(self, *args, **kwargs)
    return guarded  # type: ignore[return-value]


def unguarded(fn: F) -> F:
    """Mark a public method that takes the guard itself, only for the parts that use the
    connection (e.g. export: reads under the guard, writes files without it)."""
    fn._unguarded = True  # type: ignore[attr-defined]
    return fn


def guard_public_methods(cls: type) -> type:
    """Class decorator: wrap every public method defined on *cls* in ``uses_connection``."""
    for name, value in list(vars(cls).items()):
        if (not name.startswith("_") and callable(value) and not getattr(value, "_unguarded", False)
                and not isinstance(value, (staticmethod, classmethod, type))):
            setattr(cls, name, uses_connection(value))
    return cls


class OnConnection:
    """A group of reads mixed into the store (``ProjectBase``): the connection it reads through,
    declared, and a closed project refused in one line."""

    if TYPE_CHECKING:   # provided by StoreSession
        conn: sqlite3.Connection | None
        path: Path

    def _open_conn(self) -> sqlite3.Connection:
        if self.conn is None:
            raise ProjectError(f"{self.path}: the project is closed")
        return self.conn


class StoreSession:
    """An open project file, owned by this process: the store the core's jobs receive.
    Subclassed by ``Project``, the public front. (The app's ``Session`` is another thing: a
    window's hold on an open project.)"""

    def __init__(self, path: Path, conn: sqlite3.Connection, owner: ownership.OwnerInfo | None = None,
                 *, read_only: bool = False):
        self.path = Path(path)
        self.conn: sqlite3.Connection | None = conn
        self.owner = owner
        self.read_only = read_only
        self.author = "unknown"
        #: seconds a call from another thread waits while a job uses the connection (the app: ~0.05)
        self.connection_wait = 30.0
        self.jobs = JobQueue(self)
        self._guard = threading.RLock()
        #: a handed-out file accepts its annotator's layer only (set by ``Project.open``)
        self.only_layer: str | None = None
        self._undo: list[Change] = []
        self._redo: list[Change] = []

    # ------------------------------------------------------------------ guard
    @contextmanager
    def _using(self) -> Iterator[sqlite3.Connection]:
        if self.conn is None:
            raise ProjectError(f"{self.path}: the project is closed")
        on_job_thread = threading.current_thread() is self.jobs.thread
        if not self._guard.acquire(timeout=-1 if on_job_thread else self.connection_wait):
            job = self.jobs.current
            what = job.title if job is not None else "a background job"
            raise Busy(f"busy: {what} is using the project; nothing was changed; try again when it finishes")
        try:
            with faults.storage_faults(self.path, sqlite_only=True):   # a full disk, a read-only file: one StorageError
                yield self.conn
        finally:
            self._guard.release()

    def connection_guard(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        """The guard itself (no transaction): what every public reader and action holds while it
        uses the connection. The action parts (``ops``) take it around each of their methods."""
        return self._using()

    # ----------------------------------------------------------- transactions
    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE ... COMMIT), holding the guard throughout."""
        if self.read_only:
            raise ProjectError(f"{self.path}: opened read-only; nothing can be changed")
        with self._using() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                # SQLite may have rolled back already (a full disk, an I/O error): the first error is the one told
                if conn.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                raise

    @contextmanager
    def read_snapshot(self) -> Iterator[sqlite3.Connection]:
        """Reads that see one consistent state (one read transaction), holding the guard."""
        with self._using() as conn:
            if conn.in_transaction:   # already inside a transaction of this thread
                yield conn
                return
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                if conn.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("COMMIT")

    # ------------------------------------------------ the public store interface
    # The core's jobs (import, merge, review, gold, registry help) receive the project as a store
    # and use only these: ``action`` to write, ``snapshot`` to read, ``ensure_annotator``,
    # ``log_registry`` and ``invalidate``. They never touch the session's private members.

    def snapshot(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        """A guarded read transaction: every read of a job goes through it (export included), so
        it waits for another thread's open action instead of reading its uncommitted rows."""
        return self.read_snapshot()

    def action(self, name: str, document_id: str | None, layer: str | None, description: str = "", *,
               undoable: bool = True, bulk: bool = False,
               keys_at_end: bool = False) -> contextlib.AbstractContextManager[Recorder]:
        """One user action: a write transaction whose every write goes through the yielded
        ``Recorder``; it goes on the undo stack when it changed anything (and *undoable*).
        *bulk*: a large write (an import, a lead's first pull) that goes through a rollback journal instead of the WAL
        (``connection.bulk_journal``): its pages are written once, with no checkpoint after it.
        *keys_at_end*: foreign keys checked once before the commit instead of row by row
        (``connection.keys_checked_at_end``; a lead's first pull): a row referring to nothing
        still refuses the whole action, with ``sqlite3.IntegrityError``."""
        return self._action(name, document_id, layer, description, undoable=undoable, bulk=bulk,
                            keys_at_end=keys_at_end)

    def ensure_annotator(self, rec: Recorder, layer: str) -> None:
        """Record *layer* as an annotator (inside an action) unless it is one already."""
        self._ensure_annotator(rec, layer)

    def invalidate(self) -> None:
        """Drop what this front caches from stored rows (overridden): after a job rewrote them
        or rolled back a change it made to them."""

    @contextmanager
    def _action(self, action: str, document_id: str | None, layer: str | None,
                description: str = "", *, undoable: bool = True, bulk: bool = False,
                keys_at_end: bool = False) -> Iterator[Recorder]:
        if self.only_layer is not None and layer is not None and layer != self.only_layer:
            raise ValidationError(f"this file was handed out to {self.only_layer}; it cannot hold {layer}'s work")
        change = Change(action, document_id, layer, description=description)
        with self._outside_tx(bulk, connection.bulk_journal), \
                self._outside_tx(keys_at_end, connection.keys_checked_at_end), self._tx() as conn:
            rec = Recorder(conn, change)
            yield rec
            if layer is not None and layer != GOLD:
                self._ensure_annotator(rec, layer)
            if change.wrote:
                journal.record(conn, change)
                self._after_change(change)
                if keys_at_end:
                    connection.check_foreign_keys(conn)
        if undoable and change.wrote:
            self._undo.append(change)
            self._redo.clear()

    @contextmanager
    def _outside_tx(self, on: bool, setting: Callable[[sqlite3.Connection], Any]) -> Iterator[None]:
        """A connection *setting* (``connection.bulk_journal``, ``connection.keys_checked_at_end``)
        around an action's transaction when *on*, under the guard."""
        if not on or self.read_only:
            yield
            return
        with self._using() as conn, setting(conn):
            yield

    def _ensure_annotator(self, rec: Recorder, layer: str) -> None:
        if rec.conn.execute("SELECT 1 FROM annotators WHERE name=?", (layer,)).fetchone() is None:
            rec.insert("annotators", {"name": layer, "created_at": now()})

    # -------------------------------------------------------------- undo/redo
    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def next_undo(self) -> Change | None:
        """The change Undo would revert (for menus: its action and description)."""
        return self._undo[-1] if self._undo else None

    @property
    def next_redo(self) -> Change | None:
        return self._redo[-1] if self._redo else None

    def undo(self) -> Change | None:
        """Undo the last action of this session; returns the change applied (for repainting)."""
        if not self._undo:
            return None
        change = self._undo[-1]
        inv = inverse(change)
        with self._tx() as conn:
            replay(conn, inv)
            self._log_registry_undo(conn, change, "undo")
            journal.record(conn, inv)
            self._after_change(inv)
        self._after_replay(inv)
        self._undo.pop()
        self._redo.append(change)
        return inv

    def redo(self) -> Change | None:
        if not self._redo:
            return None
        change = self._redo[-1]
        fwd = Change(change.action, change.document_id, change.layer,
                     [op for op in change.ops if op.table != "registry_log"], change.description)
        with self._tx() as conn:
            replay(conn, fwd)
            self._log_registry_undo(conn, change, "redo")
            journal.record(conn, fwd)
            self._after_change(fwd)
        self._after_replay(fwd)
        self._redo.pop()
        self._undo.append(change)
        return fwd

    def _after_replay(self, change: Change) -> None:
        """Drop what a front caches from rows *change* rewrote (overridden)."""

    def _after_change(self, change: Change) -> None:
        """Inside the transaction of every action, undo and redo: keep derived tables in step
        (overridden)."""

    def _log_registry_undo(self, conn: sqlite3.Connection, change: Change, what: str) -> None:
        for op in change.rows("registry_log"):
            row = op.after
            if row is None:
                continue
            conn.execute(
                "INSERT INTO registry_log (at, author, kind, entity_id, op, before, after) VALUES (?,?,?,?,?,?,?)",
                (now(), self.author, row["kind"], row["entity_id"], f"{what}:{row['op']}", row["after"], row["before"]))

    # -------------------------------------------------------------- lifecycle
    def close(self) -> None:
        """Wait for the running job, checkpoint the WAL and close; the lock file goes with it.
        The file is then self-contained."""
        if self.conn is None:
            return
        self.jobs.shutdown()
        with self._guard:
            conn, self.conn = self.conn, None
            connection.close(conn, self.path, self.owner)
            # what undo kept (a merge's: every row it wrote) serves no one once closed: freed now,
            # by its count of references, not at the next collection of the project's cycle
            self._undo.clear()
            self._redo.clear()

    def copy_to(self, dest: str | Path) -> None:
        """Write a self-contained copy of the project (``VACUUM INTO``), e.g. to hand to someone."""
        dest = Path(dest)
        if dest.exists():
            raise ProjectError(f"{dest}: already exists")
        with self._using() as conn:
            if self.read_only:   # VACUUM INTO only reads this file, but query_only refuses it
                conn.execute("PRAGMA query_only=OFF")
            try:
                conn.execute("VACUUM INTO ?", (str(dest),))
            except BaseException:   # a full disk: no half-written copy is left behind
                for part in (dest, dest.with_name(dest.name + "-journal")):
                    with contextlib.suppress(OSError):
                        part.unlink()
                raise
            finally:
                if self.read_only:
                    conn.execute("PRAGMA query_only=ON")
