"""Importing spaCy without its command line: what a fresh process pays before it loads a model.

``import spacy`` runs ``from .cli.info import info`` (for ``spacy.info``), and ``spacy.cli``
imports every command: typer, weasel, rich, jinja2, requests, httpx, and the quickstart
templates' YAML. Inference needs none of it. Measured on this machine (CPU seconds, the machine
shared): ``import spacy`` 0.95-1.07 plainly, 0.71-0.81 without the command line
(docs/suggestions.md, "What it costs").

``import_spacy`` puts two placeholder modules in ``sys.modules`` while spaCy's ``__init__``
runs: ``spacy.cli`` (a package whose real ``__init__`` has not run, on the real folder) and
``spacy.cli.info`` whose ``info`` imports the real command on its first call. Both are removed
again at once, so a later ``import spacy.cli`` (or ``spacy.info()``) gets the real modules.
Should a spaCy release need more of ``spacy.cli`` at import, the lean import fails and spaCy
is imported plainly: slower, never broken.
"""
from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from pathlib import Path
from typing import Any

_PLACEHOLDERS = ("spacy.cli.info", "spacy.cli")


def _info(*args: Any, **kwargs: Any) -> Any:
    """``spacy.info``: the real command, imported on its first call."""
    return importlib.import_module("spacy.cli.info").info(*args, **kwargs)


def import_spacy() -> types.ModuleType:
    """spaCy, imported without ``spacy.cli`` when spaCy is not imported yet (ImportError when
    spaCy is not installed)."""
    if "spacy" in sys.modules:     # imported already (or blocked: None, an ImportError)
        return importlib.import_module("spacy")
    spec = importlib.util.find_spec("spacy")
    if spec is None or spec.origin is None:
        raise ImportError("spacy")
    cli = types.ModuleType("spacy.cli")
    cli.__path__ = [str(Path(spec.origin).parent / "cli")]
    info = types.ModuleType("spacy.cli.info")
    info.info = _info     # type: ignore[attr-defined]
    sys.modules["spacy.cli"], sys.modules["spacy.cli.info"] = cli, info
    try:
        return importlib.import_module("spacy")
    except ImportError:
        # a spaCy that needs more of its command line at import: import it plainly
        for name in _PLACEHOLDERS:
            sys.modules.pop(name, None)
        return importlib.import_module("spacy")
    finally:
        for name, placeholder in zip(_PLACEHOLDERS, (info, cli), strict=True):
            if sys.modules.get(name) is placeholder:
                del sys.modules[name]
        module = sys.modules.get("spacy")
        if module is not None and getattr(module, "cli", None) is cli:
            delattr(module, "cli")
