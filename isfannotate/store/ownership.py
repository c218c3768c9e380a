"""Who owns an open project: the lock file beside it (``<project>.lock``).

SQLite's own lock (exclusive locking mode, ``store.connection``) is what keeps a second opener
out on one machine; it carries no pid, host or user, so the owner also writes this small JSON
file for the messages, for File → Open Recent (which never opens the databases), and as the
guard between machines sharing a folder, where file locks cannot be trusted.

- A lock file from this host whose pid is dead is stale: ignored and replaced.
- A lock file from another host is reported, never broken silently: ``isfannotate unlock``
  breaks it after asking.
"""
from __future__ import annotations

import getpass
import json
import os
import socket
import sys
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

LOCK_SUFFIX = ".lock"


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


def pid_alive(pid: int) -> bool:
    """Whether a process with *pid* runs on this machine."""
    if pid <= 0:
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
    except ProcessLookupError:
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
    #: where this owner serves read commands to the terminal (``store.serve``): "unix:PATH" or
    #: "tcp:127.0.0.1:PORT"; empty when it does not serve
    serve: str = ""

    @property
    def local(self) -> bool:
        return self.host == this_host()

    @property
    def alive(self) -> bool:
        """False for a stale lock: a dead pid on this host. A remote owner cannot be checked."""
        return not self.local or pid_alive(self.pid)

    def describe(self) -> str:
        who = f"pid {self.pid}" + ("" if self.local else f" on {self.host}")
        if self.user:
            who += f", user {self.user}"
        return f"{self.program} ({who}) since {self.since[:16].replace('T', ' ')}"


def current(program: str) -> OwnerInfo:
    return OwnerInfo(pid=os.getpid(), host=this_host(), user=_user(), program=program,
                     since=datetime.now(timezone.utc).isoformat(timespec="seconds"))


def read_lock(project_path: str | Path) -> OwnerInfo | None:
    """The lock file's owner, stale or not; None when there is none or it is unreadable."""
    try:
        data = json.loads(lock_path(project_path).read_text(encoding="utf-8"))
        return OwnerInfo(pid=int(data["pid"]), host=str(data["host"]), user=str(data.get("user", "")),
                         program=str(data.get("program", "isfannotate")), since=str(data.get("since", "")),
                         serve=str(data.get("serve", "")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def owner_of(project_path: str | Path) -> OwnerInfo | None:
    """Who has *project_path* open, from its lock file only (the database is never opened):
    None when it is free or the lock is stale."""
    info = read_lock(project_path)
    return info if info is not None and info.alive else None


def write_lock(project_path: str | Path, info: OwnerInfo) -> None:
    path = lock_path(project_path)
    tmp = path.with_name(f"{path.name}.{info.pid}.tmp")
    tmp.write_text(json.dumps(asdict(info)), encoding="utf-8")
    os.replace(tmp, path)


def remove_lock(project_path: str | Path, info: OwnerInfo | None = None) -> None:
    """Remove the lock file; with *info*, only while it is still that owner's."""
    path = lock_path(project_path)
    if info is not None and read_lock(project_path) != info:
        return
    try:
        path.unlink()
    except FileNotFoundError:
        pass
