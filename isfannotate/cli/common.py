"""What the commands share."""
from __future__ import annotations

import argparse
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias, cast

if TYPE_CHECKING:
    from ..project import Project

# what add_*_parsers receive: the sub-parsers of the `isfannotate` command
SubParsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"

_served = threading.local()   # .project, .home: set while this thread runs a command for the owner


def open_project(path: str, command: str, read_only: bool = False) -> Project:
    """Open *path* as its one owner, named ``isfannotate COMMAND`` in the lock file. While the
    program that owns it serves this command (``cli.served``), the owner's open project instead."""
    owner = getattr(_served, "project", None)
    if owner is not None:
        from ..errors import IsfError
        if not (Path(path).exists() and os.path.samefile(path, _served.home)):
            raise IsfError(f"{path}: not the project this program serves")
        # the proxy answers for the owner's Project (every other member through __getattr__)
        return cast("Project", ServedProject(owner, path))
    from ..project import Project
    return Project.open(path, read_only=read_only, program=f"isfannotate {command}")


def serving_thread() -> bool:
    """True on a thread that runs a command for the project's owner."""
    return getattr(_served, "project", None) is not None


# Set by a command that leaves nothing for the process to do once it returns (see ``nothing_left``).
_end_at_once = threading.Event()


def nothing_left() -> None:
    """Called by a command (``merge``) once its work is committed, its project closed and its
    report printed: when it runs as the program's own command line (``cli.main()`` without
    arguments, on the main thread, not served by the app), the process then ends as the command
    returns, without Python's teardown of its modules and objects, which a person waited for
    (after a merge, on two loaded cores: 0.31-0.45 s of wall, ~0.3 s of CPU; docs/benchmarks.md).
    Nothing of ours runs at exit: no ``atexit`` handler, every temporary folder removed by the
    command itself, every project closed; stdout and stderr are flushed."""
    if threading.current_thread() is threading.main_thread() and not serving_thread():
        _end_at_once.set()


def forget_nothing_left() -> None:
    """A new command line starts: an earlier command's ``nothing_left`` (in-process) is forgotten."""
    _end_at_once.clear()


def end_if_nothing_left(code: int) -> None:
    """End the process with *code* now when the command asked for it (``nothing_left``)."""
    if not _end_at_once.is_set():
        return
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):   # a closed pipe (already told) or a closed stream
            pass
    os._exit(code)


@contextmanager
def serving(project: Project, home: Path) -> Iterator[None]:
    """On this thread, ``open_project(path)`` of the file *home* gives the owner's *project*."""
    _served.project, _served.home = project, home
    try:
        yield
    finally:
        _served.project = _served.home = None


class ServedProject:
    """The owner's open project as a served command sees it: left open at the end of the
    command's ``with``, and named by the path the user typed (as ``Project.open`` would be)."""

    def __init__(self, project: Project, path: str) -> None:
        self._project = project
        self.path = Path(path)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._project, name)

    def __enter__(self) -> ServedProject:
        return self

    def __exit__(self, *exc: object) -> None:
        return None       # the owner keeps it open

    def stats(self) -> dict[str, Any]:
        st: dict[str, Any] = self._project.stats()
        st["path"] = str(self.path)
        return st


# The app's windows ``gui --window`` opens (and ``--screenshot`` grabs); the app dispatches on them.
GUI_WINDOWS = ("main", "review", "agreement", "stancemap", "progress", "feedback", "suggestions")
