"""The ``isfannotate`` command line: ``main`` runs it (``commands.py``: the parser and every command).

Importing the package loads no command: the app imports ``cli.served`` (the terminal's read
commands, answered by the open window) and ``cli.common`` at its start, and the command modules
(import, export, analysis, review, team, suggest: ~0.1 s) load when a command line runs.
"""
from __future__ import annotations


def main(argv: list[str] | None = None) -> int:
    """Run the command line on *argv* (default ``sys.argv[1:]``); returns the exit status. Run as
    the program's own command line (no *argv*), a command that leaves nothing to do after it
    (``common.nothing_left``: a merge) ends the process at once instead of returning."""
    from . import common
    from .commands import main as run
    common.forget_nothing_left()
    code = run(argv)
    if argv is None:
        common.end_if_nothing_left(code)
    return code
