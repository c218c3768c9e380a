"""The window's open project answers the terminal's read commands (``isfannotate.cli.served``).

While the app owns a project, ``isfannotate stats|export|agreement|stancemap|feedback PROJECT``
from a terminal run here, as jobs of the project's job queue (no Qt: the server and the jobs are
threads of the core). Serving starts when a project opens and stops before it closes.
"""
from __future__ import annotations

import sys
from collections.abc import Callable

from isfannotate import Project
from isfannotate.cli import main as cli_main
from isfannotate.cli.served import start_serving
from isfannotate.store.serve import NotServed

_servers: dict[int, object] = {}   # id(project) -> its Server, while it serves


def serve_reads(project: Project, say: Callable[[str, int], None] | None = None) -> bool:
    """Start serving *project*; *say(text, ms)* tells the window after each served command (it is
    called on a server thread: pass a Qt signal's emit, or a method that emits one). False (and one
    line on stderr) when this computer does not allow it, e.g. a socket folder others could enter:
    the terminal is then refused as before."""
    def served(argv: list[str], code: int) -> None:
        if say is not None:
            say(f"A terminal's isfannotate {argv[0]} ran here on this project "
                f"({'done' if code == 0 else f'exit status {code}'})", 6000)
    try:
        _servers[id(project)] = start_serving(project, cli_main, on_served=served)
    except (OSError, NotServed) as e:
        print(f"isfannotate gui: {project.path}: not serving the terminal's read commands: {e}", file=sys.stderr)
        return False
    return True


def stop_serving(project: Project) -> None:
    server = _servers.pop(id(project), None)
    if server is not None:
        server.stop()
