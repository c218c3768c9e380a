"""The UI package has no import circles: the window imports its controllers, the controllers
import the session and the window's parts, never the window (issue 8).

Every module of ``isfannotate_ui`` is found with ``pkgutil.walk_packages`` (not a hand-picked
list) and its imports are read from the source, all of them: top level, inside functions and
under ``TYPE_CHECKING``, since a circle hidden in a function is still a circle.
"""
import ast
import pkgutil
from pathlib import Path

import isfannotate_ui

PACKAGE = "isfannotate_ui"


def ui_modules() -> dict[str, Path]:
    found = {PACKAGE: Path(isfannotate_ui.__file__)}
    for info in pkgutil.walk_packages(isfannotate_ui.__path__, PACKAGE + "."):
        spec = info.module_finder.find_spec(info.name)
        found[info.name] = Path(spec.origin)
    return found


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's own modules that module *name* (at *path*) imports, anywhere in its source."""
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            targets = [mod] + [f"{mod}.{a.name}" for a in node.names]
        for t in targets:
            # "from . import x" names a module; "from .x import Y" names the module .x
            while t and t not in known:
                t = t.rpartition(".")[0]
            if t and t != name and t != PACKAGE:
                out.add(t)
    return out


def ui_graph() -> dict[str, set[str]]:
    mods = ui_modules()
    return {name: imports_of(name, path, set(mods)) for name, path in mods.items()}


def test_the_walk_finds_every_module():
    mods = ui_modules()
    root = Path(isfannotate_ui.__file__).parent
    on_disk = {".".join((PACKAGE,) + p.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
               for p in root.rglob("*.py")}
    assert set(mods) == on_disk
    assert f"{PACKAGE}.main_window" in mods and f"{PACKAGE}.registry.kb_controller" in mods


def test_the_check_sees_a_circle(import_cycles):
    assert import_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert import_cycles({"a": {"b"}, "b": set()}) == []


def test_ui_package_has_no_import_cycles(import_cycles):
    assert import_cycles(ui_graph()) == []


def test_controllers_never_import_the_window():
    graph = ui_graph()
    window = f"{PACKAGE}.main_window"
    importers = sorted(m for m, deps in graph.items() if window in deps)
    assert importers == [f"{PACKAGE}.app"]


def test_no_ui_module_is_over_500_lines():
    long = {name: n for name, path in ui_modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > 500}
    assert long == {}
