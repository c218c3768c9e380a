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


def _cycles(package: str) -> list[list[str]]:
    """Strongly connected groups of modules of *package* (type-checking imports included)."""
    import grimp
    graph = grimp.build_graph(package)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 5000))
    for m in sorted(graph.modules):
        if m not in index:
            visit(m)
    return found


def test_no_import_circles_in_the_core():
    assert _cycles("isfannotate") == []


def test_no_import_circles_in_the_app():
    assert _cycles("isfannotate_ui") == []
