"""The architecture holds (issue 8): the core imports no Qt, the formats do not reach into
storage, the core's layers point one way, and neither package has an import circle."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_every_core_module_imports_without_qt():
    """Every module found by walk_packages (not a hand-picked list) is imported in a fresh
    interpreter; none of them may pull in PySide6, shiboken6 or the app."""
    code = ("import importlib, pkgutil, sys, isfannotate\n"
            "mods = [m.name for m in pkgutil.walk_packages(isfannotate.__path__, 'isfannotate.')\n"
            "        if not m.name.endswith('__main__')]  # __main__ would run the CLI\n"
            "for m in mods: importlib.import_module(m)\n"
            "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'isfannotate_ui'))]\n"
            "assert not bad, bad\n"
            "print(len(mods))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert int(r.stdout) > 30


def test_import_linter_contracts_are_kept():
    r = subprocess.run([sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
                        "sys.argv = ['lint-imports', 'pyproject.toml']; lint_imports_command()"],
                       cwd=REPO, capture_output=True, text=True, timeout=300)
    assert "Contracts: 3 kept, 0 broken" in r.stdout, r.stdout + r.stderr


def test_no_import_circles_in_the_core(import_cycles):
    """Type-checking imports included (a circle through a type hint is still a circle).
    The app's package is checked by tests/ui/test_ui_imports.py, from its source."""
    import grimp
    graph = grimp.build_graph("isfannotate")
    assert import_cycles({m: graph.find_modules_directly_imported_by(m) for m in graph.modules}) == []
