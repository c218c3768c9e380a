"""Errors the user sees. Each carries a one-line message naming the file and line or offset."""
from __future__ import annotations


class IsfError(Exception):
    """Base class for every error isfannotate reports to a user (CLI prints str(e), exit 2)."""


class InputError(IsfError):
    """Bad input file: the message names the file and the line (or byte offset)."""

    def __init__(self, path: str, message: str, line: int | None = None):
        self.path = str(path)
        self.line = line
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {message}")


class ValidationError(IsfError):
    """An action or a scheme that breaks a rule of the model."""


class ProjectError(IsfError):
    """A project file that cannot be opened or used (newer version, not a project, locked)."""


class ProjectLocked(ProjectError):
    """The project is open in another program (or another window): one owner per project.

    ``owner`` is the ``OwnerInfo`` read from the lock file, or None when the owner left none."""

    def __init__(self, message: str, owner: object | None = None) -> None:
        self.owner = owner
        super().__init__(message)


class Busy(IsfError):
    """A background job of this project is using its connection; the call was not carried out."""


class JobCancelled(IsfError):
    """Raised inside a job's progress callback once the job was cancelled; the job's transaction
    is rolled back, so nothing it did is kept."""


class StorageError(ProjectError):
    """The machine's storage failed under the project (a full disk, a read-only folder or file,
    a damaged file, an I/O error). Raised instead of ``sqlite3.OperationalError``/``OSError``
    (``store.faults`` translates them at the store's boundary); the message says what was
    kept and what to do."""


class DiskFull(StorageError):
    """The disk (or the project's size limit) is full: the action was not applied; every action
    before it is saved."""


class ReadOnlyStorage(StorageError):
    """The project's file or its folder cannot be written (permissions, a read-only mount)."""


class DamagedProject(StorageError):
    """The project file is damaged (SQLite reports it malformed, or its text cannot be decoded)."""
