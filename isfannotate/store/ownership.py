"""Who owns an open project: the lock file beside it (``<project>.lock``).

SQLite's own lock (exclusive locking mode, ``store.connection``) is what keeps a second opener
out on one machine; it carries no pid, host or user, so the owner also writes this small JSON
file for the messages, for File → Open Recent (which never opens the databases), and as the
guard between machines sharing a folder, where file locks cannot be trusted.

- A lock file from this host whose pid is dead is stale: ignored and replaced. The file also
  records the process's start time (Linux: ``/proc/PID/stat``, field 22), so a pid that was
  reused by an unrelated process is stale too. Where the start time cannot be read (other
  systems; psutil is not a dependency) the pid alone decides.
- Whatever the lock file holds (garbage, a negative or huge pid, bytes that are not UTF-8)
  reads as "no owner": SQLite's own lock is what keeps a second opener out on this machine.
- A lock file from another host is reported, never broken silently: ``isfannotate unlock``
  breaks it after asking.
"""
from __future__ import annotations

import contextlib
import getpass
import json
import os
import socket
import sys
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..errors import ProjectError

LOCK_SUFFIX = ".lock"
MAX_LOCK_BYTES = 64 * 1024   # a lock file is ~200 bytes; anything larger is not ours


def lock_path(project_path: str | Path) -> Path:
    p = Path(project_path)
    return p.with_name(p.name + LOCK_SUFFIX)


def this_host() -> str:
    return socket.gethostname()


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in this environment
        return ""


def start_time(pid: int) -> str | None:
    """When process *pid* started, as the kernel counts it (Linux: clock ticks since boot, field
    22 of ``/proc/PID/stat``); None when it cannot be read here (no such process, another system)."""
    try:
        with open(f"/proc/{int(pid)}/stat", "rb") as fh:
            raw = fh.read()
        fields = raw[raw.rindex(b")") + 2:].split()   # the name (field 2) may hold spaces and ")"
        return fields[19].decode("ascii")             # field 22; fields[0] is field 3
    except (OSError, ValueError, IndexError, OverflowError):
        return None


def pid_alive(pid: int) -> bool:
    """Whether a process with *pid* runs on this machine (False for values no pid can have)."""
    if not isinstance(pid, int) or pid <= 0 or pid > 2**31 - 1:
        return False
    if sys.platform == "win32":  # pragma: no cover - Windows only
        import ctypes
        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        ctypes.windll.kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        ctypes.windll.kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError, ValueError):
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


@dataclass(frozen=True)
class OwnerInfo:
    """What a lock file says about the process that owns a project."""
    pid: int
    host: str
    user: str
    program: str
    since: str
    start: str | None = None   # the process's start time (``start_time``), None when unknown
    #: where this owner serves read commands to the terminal (``store.serve``): "unix:PATH" or
    #: "tcp:127.0.0.1:PORT"; empty when it does not serve
    serve: str = ""

    @property
    def local(self) -> bool:
        return self.host == this_host()

    @property
    def alive(self) -> bool:
        """False for a stale lock: a dead pid on this host, or a pid now used by another process
        (its start time differs). A remote owner cannot be checked."""
        if not self.local:
            return True
        if not pid_alive(self.pid):
            return False
        if self.start is None:
            return True
        now_start = start_time(self.pid)
        return now_start is None or now_start == self.start

    def describe(self) -> str:
        who = f"pid {self.pid}" + ("" if self.local else f" on {self.host}")
        if self.user:
            who += f", user {self.user}"
        return f"{self.program} ({who}) since {self.since[:16].replace('T', ' ')}"


def current(program: str) -> OwnerInfo:
    return OwnerInfo(pid=os.getpid(), host=this_host(), user=_user(), program=program,
                     since=datetime.now(UTC).isoformat(timespec="seconds"), start=start_time(os.getpid()))


def _text(value: object, limit: int = 200) -> str:
    return "".join(c if c.isprintable() else "?" for c in str(value))[:limit]


def read_lock(project_path: str | Path) -> OwnerInfo | None:
    """The lock file's owner, stale or not; None when there is none or it holds anything else
    than a lock (garbage, a pid that is not a whole number, bytes that are not UTF-8)."""
    try:
        with open(lock_path(project_path), "rb") as fh:
            raw = fh.read(MAX_LOCK_BYTES + 1)
        if len(raw) > MAX_LOCK_BYTES:
            return None
        data = json.loads(raw.decode("utf-8"))
        pid = data["pid"]
        if isinstance(pid, bool) or not isinstance(pid, (int, str)):
            return None
        pid = int(pid)
        start = data.get("start")
        return OwnerInfo(pid=pid, host=_text(data["host"]), user=_text(data.get("user", "")),
                         program=_text(data.get("program", "isfannotate")), since=_text(data.get("since", "")),
                         start=None if start is None else _text(start), serve=_text(data.get("serve", ""), 400))
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None


def check_lock_path(project_path: str | Path) -> None:
    """Raise ``ProjectError`` when the lock file's place is taken by something that is not a
    file (a folder): the lock could not be written, and nothing may be written before that is known."""
    path = lock_path(project_path)
    if (path.exists() or path.is_symlink()) and not path.is_file():
        raise ProjectError(f"{path} is not a file (a folder?); isfannotate keeps the project's lock there: "
                           f"move it away, then try again")


def owner_of(project_path: str | Path) -> OwnerInfo | None:
    """Who has *project_path* open, from its lock file only (the database is never opened):
    None when it is free or the lock is stale."""
    info = read_lock(project_path)
    return info if info is not None and info.alive else None


def write_lock(project_path: str | Path, info: OwnerInfo) -> None:
    """Write the lock file (through a temporary file, removed whatever happens). Raises the
    ``OSError`` of a failed write (a full disk, a read-only folder) or ``ProjectError`` when
    the lock's place is not a file."""
    check_lock_path(project_path)
    path = lock_path(project_path)
    tmp = path.with_name(f"{path.name}.{info.pid}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(asdict(info)))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def remove_lock(project_path: str | Path, info: OwnerInfo | None = None) -> None:
    """Remove the lock file; with *info*, only while it is still that owner's."""
    path = lock_path(project_path)
    if info is not None and read_lock(project_path) != info:
        return
    with contextlib.suppress(OSError):   # gone already, or not ours to remove (a folder)
        path.unlink()
