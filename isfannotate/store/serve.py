"""The owner serves reads: a terminal's read command runs inside the program that owns the project.

One process owns an open project (``store.connection``). So that a lead can still run ``stats``
or ``export`` from a terminal while the app has the project open, the app listens on a local
socket and runs such a request as a job in the project's job queue (``store.jobs``): on the
owner's one connection, one job at a time, never a second connection. docs/storage.md, "Who
serves what".

Transport and trust:

- Where AF_UNIX exists (Linux, macOS, BSD) the server is a Unix domain socket in a folder only
  this user can enter (created 0700 and checked: owned by us, no group or other bits), named
  after the project's resolved path. Elsewhere (Windows) it is a TCP socket bound to 127.0.0.1
  only, on a random port. Nothing ever listens on any other address.
- The owner writes a random token (32 bytes) to a file beside the socket, mode 0600, and the
  client must send it; it is compared in constant time. The lock file (``ownership``) records
  the address only (``serve``), so it stays readable for the "open in ..." messages; a client
  trusts that address only when it is the socket in its own 0700 folder, or 127.0.0.1.
- The client waits at most ``ANSWER_WITHIN`` seconds for the job to start: an owner that does
  not answer, or is busy with a longer job, is reported in one line (``ServeError``).

The server knows nothing of the command line: it is given ``handler(project, argv, cwd,
cancelled)`` returning ``(exit code, stdout text, stderr text)`` and the names of the commands it
serves; ``cancelled()`` turns true when the client goes away while its command runs.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import select
import socket
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import IsfError, JobCancelled
from . import ownership

if TYPE_CHECKING:
    from .session import StoreSession

ANSWER_WITHIN = 2.0          # seconds a client waits for the owner to start its request
MAX_REQUEST = 1 << 20        # bytes of one request line
PROTOCOL = 1
TOKEN_SUFFIX = ".token"

Handler = Callable[[object, list[str], str, Callable[[], bool]], tuple[int, str, str]]


class ServeError(IsfError):
    """The owner was asked and could not serve: busy, silent, or it refused the request."""


class NotServed(Exception):
    """Nobody serves this project here (no address, a stale socket): open it as usual."""


@dataclass(frozen=True)
class Reply:
    code: int
    stdout: str
    stderr: str


# ------------------------------------------------------------------ where
def serve_dir() -> Path:
    """The folder of the sockets and tokens: $XDG_RUNTIME_DIR/isfannotate, else the data folder's
    ``serve``; a short folder in the temp dir when a socket path there would be too long."""
    from ..resources import data_dir
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    base = Path(runtime) / "isfannotate" if runtime and Path(runtime).is_dir() else data_dir() / "serve"
    if len(str(base)) > 80:            # AF_UNIX paths are limited to ~104 bytes
        base = Path(tempfile.gettempdir()) / f"isfannotate-{_uid()}"
    return base


def _uid() -> int | str:
    return os.getuid() if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")


def _private_dir(create: bool) -> Path:
    """The serve folder, made 0700 if *create*; raises NotServed when it is missing or anyone
    but this user could enter it."""
    d = serve_dir()
    if create:
        d.mkdir(mode=0o700, parents=True, exist_ok=True)
    return _checked_private(d)


def _checked_private(d: Path) -> Path:
    try:
        st = os.stat(d)
    except OSError:
        raise NotServed(f"{d}: missing") from None
    if hasattr(os, "getuid") and (st.st_uid != os.getuid() or stat.S_IMODE(st.st_mode) & 0o077):
        raise NotServed(f"{d}: not private to this user")
    return d


def _key(project_path: str | Path) -> str:
    return hashlib.sha256(str(Path(project_path).resolve()).encode("utf-8", "surrogatepass")).hexdigest()[:24]


def token_path(project_path: str | Path, folder: Path | None = None) -> Path:
    return (folder or serve_dir()) / (_key(project_path) + TOKEN_SUFFIX)


def socket_path(project_path: str | Path, folder: Path | None = None) -> Path:
    return (folder or serve_dir()) / (_key(project_path) + ".sock")


def _unix_available() -> bool:
    return hasattr(socket, "AF_UNIX")


# ------------------------------------------------------------------ wire
def _send(sock: socket.socket, message: dict[str, object]) -> None:
    sock.sendall(json.dumps(message).encode("utf-8") + b"\n")


def _read_line(sock: socket.socket, buf: bytearray, deadline: float | None) -> bytes | None:
    """One line (without its newline), or None when the peer closed first; socket.timeout when
    *deadline* (time.monotonic) passes."""
    while b"\n" not in buf:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            sock.settimeout(left)
        else:
            sock.settimeout(None)
        chunk = sock.recv(65536)
        if not chunk:
            return None
        buf.extend(chunk)
        if len(buf) > MAX_REQUEST and b"\n" not in buf:
            raise ValueError("request too long")
    line, _, rest = bytes(buf).partition(b"\n")
    buf[:] = rest
    return line


def _peer_gone(sock: socket.socket) -> bool:
    try:
        readable, _, _ = select.select([sock], [], [], 0)
        return bool(readable) and sock.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True


# ------------------------------------------------------------------ server
class Server:
    """Serves *commands* of an open *project* through *handler*, each request one job."""

    def __init__(self, project: StoreSession, handler: Handler, commands: Sequence[str], *,
                 transport: str | None = None, on_served: Callable[[list[str], int], None] | None = None) -> None:
        self.project = project
        self.handler = handler
        self.on_served = on_served      # called (on a server thread) with argv and exit code after each answer
        self.commands = tuple(commands)
        self.transport = transport or ("unix" if _unix_available() else "tcp")
        self.address = ""
        self._token = ""
        self._home = Path(project.path).resolve()
        self._lock_of = Path(os.path.abspath(project.path))   # beside the path as opened (a served job changes cwd)
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._files: list[Path] = []

    def start(self) -> Server:
        """Listen, write the token, record the address in the lock file. Raises OSError or
        NotServed (a folder others could enter) when it cannot serve; the project is untouched."""
        folder = _private_dir(create=True)
        try:
            self._listen(folder)
        except BaseException:
            if self._sock is not None:
                self._sock.close()
                self._sock = None
            self._remove_files()
            raise
        self._thread = threading.Thread(target=self._accept_loop, name="isfannotate-serve", daemon=True)
        self._thread.start()
        self._record(self.address)
        return self

    def _listen(self, folder: Path) -> None:
        token_file = token_path(self._home, folder)
        self._token = secrets.token_hex(32)
        token_file.unlink(missing_ok=True)
        fd = os.open(token_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._files.append(token_file)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(self._token)
        if self.transport == "unix":
            path = socket_path(self._home, folder)
            path.unlink(missing_ok=True)      # left by a crashed owner (one owner per project)
            self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self._sock.bind(str(path))
            self._files.append(path)
            os.chmod(path, 0o600)
            self.address = f"unix:{path}"
        else:
            self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self._sock.bind(("127.0.0.1", 0))      # loopback only, never another address
            self.address = f"tcp:127.0.0.1:{self._sock.getsockname()[1]}"
        self._sock.listen(8)
        self._sock.settimeout(0.2)

    def _remove_files(self) -> None:
        for f in self._files:
            try:
                f.unlink()
            except OSError:
                pass
        self._files = []

    def _record(self, address: str) -> None:
        owner = self.project.owner
        if owner is None or self.project.conn is None:
            return
        updated = replace(owner, serve=address)
        ownership.write_lock(self._lock_of, updated)
        self.project.owner = updated

    def stop(self) -> None:
        """Stop listening and remove the socket and token (before the project closes)."""
        if self._sock is None:
            return
        self._stop.set()
        try:
            self._sock.shutdown(socket.SHUT_RDWR)     # wakes accept() at once where the system allows
        except OSError:
            pass
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._sock.close()
        self._sock = None
        self._remove_files()
        if ownership.read_lock(self._lock_of) == self.project.owner:
            self._record("")

    def _accept_loop(self) -> None:
        listening = self._sock
        assert listening is not None            # set by start() before the thread runs
        while not self._stop.is_set():
            try:
                conn, _ = listening.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._serve_one, args=(conn,), name="isfannotate-serve-request",
                             daemon=True).start()

    def _serve_one(self, conn: socket.socket) -> None:
        with conn:
            try:
                self._answer(conn)
            except (OSError, ValueError):
                pass          # the client went away or sent garbage: nothing was run for it

    def _answer(self, conn: socket.socket) -> None:
        line = _read_line(conn, bytearray(), time.monotonic() + ANSWER_WITHIN)
        if line is None:
            return
        try:
            req = json.loads(line)
            token, argv, cwd = str(req["token"]), req["argv"], str(req["cwd"])
            if not (isinstance(argv, list) and argv and all(isinstance(x, str) for x in argv)):
                raise ValueError
        except (ValueError, KeyError, TypeError):
            _send(conn, {"refused": "not a request of this isfannotate"})
            return
        if not hmac.compare_digest(token.encode("utf-8", "replace"), self._token.encode("ascii")):
            _send(conn, {"refused": "wrong token"})
            return
        if argv[0] not in self.commands:
            _send(conn, {"refused": f"{argv[0]} is not served (only {', '.join(self.commands)})"})
            return
        started, moved = threading.Event(), threading.Event()

        def run(project: object, progress: object, cancelled: Callable[[], bool]) -> object:
            if _peer_gone(conn):        # the client gave up while it waited: never run it
                raise JobCancelled("the terminal stopped waiting")
            started.set()
            moved.set()
            return self.handler(project, list(argv), cwd, cancelled)

        running = self.project.jobs.current
        job = self.project.jobs.submit(f"isfannotate {argv[0]} (from a terminal)", run)
        job.on_done(lambda _job: moved.set())
        _send(conn, {"queued": running.title if running is not None else ""})
        told = False
        while not job.done:
            moved.wait(0.05)
            moved.clear()
            if started.is_set() and not told:
                _send(conn, {"started": True})
                told = True
            if not job.cancelled and not job.done and _peer_gone(conn):
                job.cancel()           # the client went away: never run it, or stop it at its next progress step
                if not started.is_set():
                    return
        if job.error is not None:
            if isinstance(job.error, JobCancelled):
                return
            if not told:
                _send(conn, {"started": True})
            _send(conn, {"code": 1, "stdout": "", "stderr": f"isfannotate {argv[0]}: the app failed: "
                                                             f"{type(job.error).__name__}: {job.error}\n"})
            return
        code, out, err = job.result
        if not told:
            _send(conn, {"started": True})
        _send(conn, {"code": code, "stdout": out, "stderr": err})
        if self.on_served is not None:
            self.on_served(list(argv), code)


# ------------------------------------------------------------------ client
def _connect(project_path: Path, address: str, folder: Path) -> socket.socket:
    kind, _, where = address.partition(":")
    if kind == "unix" and _unix_available():
        if Path(where) != socket_path(project_path, folder):
            raise NotServed("the recorded socket is not ours")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        target: str | tuple[str, int] = where
    elif kind == "tcp":
        host, _, port = where.rpartition(":")
        if host != "127.0.0.1" or not port.isdigit():
            raise NotServed("not a loopback address")
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        target = (host, int(port))
    else:
        raise NotServed("unknown address")
    sock.settimeout(ANSWER_WITHIN)
    try:
        sock.connect(target)
    except TimeoutError:
        sock.close()
        raise
    except OSError:
        sock.close()
        raise NotServed("nobody listens there") from None
    return sock


def _owner_folder(project_path: Path, address: str) -> Path:
    """The folder of the owner's token: beside the socket the lock file records when that folder
    is private to this user (ours, or another when the app started with another XDG_RUNTIME_DIR
    or ISFANNOTATE_DATA_DIR than this terminal, e.g. a desktop session and an ssh shell); ours
    for a TCP address."""
    kind, _, where = address.partition(":")
    if kind != "unix" or not _unix_available():
        return _private_dir(create=False)
    folder = Path(where).parent
    if Path(where) != socket_path(project_path, folder):
        raise NotServed("the recorded socket is not ours")
    return _checked_private(folder)


def request(project_path: str | Path, owner: ownership.OwnerInfo, argv: list[str], cwd: str, *,
            token: str | None = None, wait: float = ANSWER_WITHIN) -> Reply:
    """Ask *owner* (from the lock file) to run *argv* as if typed in *cwd*. Raises NotServed
    (open the project as usual), or ServeError with one line: busy, silent, refused."""
    path = Path(project_path)
    who = owner.describe()
    folder = _owner_folder(path, owner.serve)
    if token is None:
        try:
            token = token_path(path, folder).read_text(encoding="ascii").strip()
        except OSError:
            raise NotServed("no token") from None
    silent = ServeError(f"{path}: the project is open in {who}, which did not answer within {wait:g} s; "
                        f"try again, or close the project there")
    deadline = time.monotonic() + wait
    try:
        sock = _connect(path, owner.serve, folder)
    except TimeoutError:
        raise silent from None
    with sock:
        buf = bytearray()
        busy_with = None
        try:
            _send(sock, {"protocol": PROTOCOL, "token": token, "argv": argv, "cwd": cwd})
            while True:
                line = _read_line(sock, buf, deadline)
                if line is None:
                    raise ServeError(f"{path}: {who} closed the connection without an answer; try again")
                msg = json.loads(line)
                if "refused" in msg:
                    raise ServeError(f"{path}: {who} refused the request: {msg['refused']}")
                if "queued" in msg:
                    busy_with = msg["queued"]
                elif msg.get("started"):
                    break
        except TimeoutError:
            if busy_with:
                raise ServeError(f"{path}: the project is open in {who}, which is busy ({busy_with}); "
                                 f"try again when it has finished") from None
            raise silent from None
        except (OSError, ValueError) as e:
            raise ServeError(f"{path}: the connection to {who} failed ({e}); try again") from None
        try:
            line = _read_line(sock, buf, None)      # the job runs: as long as it takes
            if line is None:
                raise ServeError(f"{path}: {who} closed the connection before the command finished "
                                 f"(was the project closed?); run it again")
            msg = json.loads(line)
            return Reply(int(msg["code"]), str(msg["stdout"]), str(msg["stderr"]))
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise ServeError(f"{path}: the connection to {who} failed ({e}); run the command again") from None

