"""isfannotate: annotate actors, claims and stances in news articles.

The Qt-free core. ``from isfannotate import Project; p = Project.open(path)``.
Offsets everywhere are Unicode code points into the stored text, end exclusive.
"""
import sys as _sys

if _sys.argv and _sys.argv[0].replace("\\", "/").rsplit("/", 1)[-1].removesuffix(".exe") == "isfannotate":
    # the console command: a Ctrl-C while Python is still loading (before cli.main guards it) is one
    # line and exit 130, never a traceback; cli.main puts Python's own handler back at once
    import os as _os
    import signal as _signal

    def _interrupted_while_starting(_signum: int, _frame: object) -> None:
        _os.write(2, b"isfannotate: interrupted while starting; nothing was changed\n")
        _os._exit(130)

    if _signal.getsignal(_signal.SIGINT) is _signal.default_int_handler:
        _signal.signal(_signal.SIGINT, _interrupted_while_starting)

from .errors import InputError, IsfError, ProjectError, ValidationError
from .models import Actor, Claim, Document, Relation, Span, Stance, Target
from .project import Project
from .scheme import Scheme, load_scheme

__all__ = ["Project", "Scheme", "load_scheme", "Document", "Span", "Actor", "Target", "Claim", "Stance",
           "Relation", "IsfError", "InputError", "ProjectError", "ValidationError"]

try:
    from importlib.metadata import version as _version
    __version__ = _version("isfannotate")
except Exception:  # not installed (running from a checkout)
    __version__ = "0+unknown"
