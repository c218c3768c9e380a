"""Read commands served by the program that owns the project (docs/storage.md, "Who serves what").

``forward`` is the terminal's side: when the project's lock file names a local owner that serves,
the command line goes there instead of being refused. ``start_serving`` is the owner's side (the
app calls it): each request runs ``main(argv)`` as a job on the owner's project, with this
thread's stdout and stderr captured and the terminal's working folder, so the output, the files
written and the exit code are those the command gives on a closed project.
"""
from __future__ import annotations

import io
import os
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..errors import IsfError
from ..progress import stop_when
from ..store import ownership, serve
from .common import serving, serving_thread

if TYPE_CHECKING:
    from ..project import Project

#: the commands that only read: served by an owner. Every other command is refused as before.
SERVED = ("stats", "export", "agreement", "stancemap", "feedback")

_RUN = threading.Lock()   # one served command at a time in this process: it changes cwd and sys.stdout


def forward(project: str, argv: list[str]) -> int | None:
    """Run *argv* in the owner of *project* when one serves it on this computer: print its output,
    return its exit code. None when nobody serves it (open the project as usual). Raises
    ``IsfError`` (one line) when the owner is busy, silent for ``serve.ANSWER_WITHIN`` s, or refuses."""
    if serving_thread():
        return None
    owner = ownership.read_lock(project)
    if owner is None or not owner.serve or not owner.local or not owner.alive:
        return None
    try:
        reply = serve.request(project, owner, argv, os.getcwd())
    except serve.NotServed:
        return None
    sys.stdout.write(reply.stdout)
    sys.stdout.flush()
    sys.stderr.write(reply.stderr)
    sys.stderr.flush()
    return reply.code


class _ThreadStream(io.TextIOBase):
    """sys.stdout/sys.stderr while a command is served: the serving thread writes to *buf*,
    every other thread (the app's) to the stream it had."""

    def __init__(self, base: TextIO | None, buf: io.StringIO, thread: int) -> None:
        self._base, self._buf, self._thread = base, buf, thread

    def _target(self) -> TextIO | None:
        return self._buf if threading.get_ident() == self._thread else self._base

    def write(self, s: str) -> int:
        target = self._target()
        return target.write(s) if target is not None else len(s)

    def flush(self) -> None:
        target = self._target()
        if target is not None:
            target.flush()

    def isatty(self) -> bool:
        target = self._target()
        return target is not self._buf and target is not None and target.isatty()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]  # read-only here, as on sys.stdout
        return getattr(self._base, "encoding", "utf-8")


@contextmanager
def _captured() -> Iterator[tuple[io.StringIO, io.StringIO]]:
    out, err = io.StringIO(), io.StringIO()
    me = threading.get_ident()
    old_out, old_err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _ThreadStream(old_out, out, me), _ThreadStream(old_err, err, me)
    try:
        yield out, err
    finally:
        sys.stdout, sys.stderr = old_out, old_err


def run_served(main: Callable[[list[str]], int], project: Project, home: Path, argv: list[str], cwd: str,
               cancelled: Callable[[], bool] = lambda: False) -> tuple[int, str, str]:
    """Run ``main(argv)`` in *cwd* against the owner's *project* (the file *home*); returns the
    exit code and what it wrote to stdout and stderr. Its progress bars raise ``JobCancelled``
    once *cancelled()* (the terminal went away), as Ctrl+C would stop it on a closed project."""
    with _RUN, _captured() as (out, err), stop_when(cancelled):
        try:
            before = os.getcwd()
            try:
                os.chdir(cwd)
            except OSError as e:
                raise IsfError(f"cannot work in {cwd}: {e.strerror}") from None
            try:
                with serving(project, home):
                    code = main(argv)
            finally:
                os.chdir(before)
        except IsfError as e:
            print(f"isfannotate {argv[0]}: {e}", file=sys.stderr)
            code = 2
        except SystemExit as e:       # argparse; the terminal parsed the same line already
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
        except BaseException:         # as the command would have crashed on a closed project
            traceback.print_exc()
            code = 1
    return code, out.getvalue(), err.getvalue()


def start_serving(project: Project, main: Callable[[list[str]], int], *, transport: str | None = None,
                  on_served: Callable[[list[str], int], None] | None = None) -> serve.Server:
    """Serve the read commands of the open *project* (its owner: the app) until ``.stop()``;
    *on_served(argv, exit code)* after each, on a server thread. Raises ``OSError`` or
    ``serve.NotServed`` when it cannot (then nothing changed)."""
    home = Path(project.path).resolve()
    def handler(p: Any, argv: list[str], cwd: str, cancelled: Callable[[], bool]) -> tuple[int, str, str]:
        return run_served(main, p, home, argv, cwd, cancelled)
    return serve.Server(project, handler, SERVED, transport=transport, on_served=on_served).start()
