"""isfannotate: annotate actors, claims and stances in news articles.

The Qt-free core. ``from isfannotate import Project; p = Project.open(path)``.
Offsets everywhere are Unicode code points into the stored text, end exclusive.
"""
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
