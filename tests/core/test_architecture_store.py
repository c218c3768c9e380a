"""The store is the one way in (issue 21): no job or window reaches into a project's private
members, and SQL runs only in the store (``isfannotate/store/``, reads) and the actions
(``isfannotate/ops/``, writes). Both are an ast walk over the source that names every place."""
from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CORE, APP = REPO / "isfannotate", REPO / "ui" / "isfannotate_ui"
# The team database's SQL on its PostgreSQL server is the store's too (``store/server/``):
# ``teamdb/`` connects, runs the sync jobs and reports, and calls it.
SQL_HOMES = (CORE / "store", CORE / "ops")
# Names a project (or the store it is) goes by where it is passed around.
STORE_NAMES = {"project", "proj", "store"}
SQL_CALLS = {"execute", "executemany", "executescript"}

# SQL still outside store/ and ops/, per file: the calls that had not moved yet. Empty since the
# team, review and stance map jobs moved theirs (issue 21): a file that runs SQL outside them fails.
# The app (ui/) runs no SQL at all: it is walked like the core.
SQL_NOT_MOVED_YET: dict[str, int] = {}


def _sources(*roots: Path):
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            if ".venv" not in path.parts:
                yield path, ast.parse(path.read_text(encoding="utf-8"), str(path))


def _rel(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def _names_a_store(node: ast.expr) -> bool:
    """``project``, ``store``, ``self.project``, ``self.s.project``, ``session.store`` ..."""
    if isinstance(node, ast.Name):
        return node.id in STORE_NAMES
    return isinstance(node, ast.Attribute) and node.attr in STORE_NAMES


def private_reaches() -> list[str]:
    places = []
    for path, tree in _sources(CORE, APP):
        if path.is_relative_to(CORE / "store"):
            continue
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")
                    and _names_a_store(node.value)):
                places.append(f"{_rel(path)}:{node.lineno}: {ast.unparse(node)}")
    return places


def sql_calls() -> list[tuple[str, str]]:
    places = []
    for path, tree in _sources(CORE, APP):
        if any(path.is_relative_to(home) for home in SQL_HOMES):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SQL_CALLS:
                places.append((_rel(path), f"{_rel(path)}:{node.lineno}: {ast.unparse(node.func)}(...)"))
    return places


def test_no_private_member_of_a_project_is_reached_outside_the_store():
    """Jobs and windows use the store's public interface (``action``, ``snapshot``,
    ``ensure_annotator``, ``log_registry``, ``invalidate``, the readers), never ``project._x``."""
    assert private_reaches() == []


def test_the_walk_sees_a_private_reach_and_an_execute(tmp_path):
    tree = ast.parse("def job(project, conn):\n    with project._tx() as c:\n        conn.execute('SELECT 1')\n")
    reaches = [n for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr.startswith("_")
               and _names_a_store(n.value)]
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
             and n.func.attr in SQL_CALLS]
    assert [ast.unparse(n) for n in reaches] == ["project._tx"] and len(calls) == 1


def test_sql_runs_only_in_the_store_and_the_actions():
    places = sql_calls()
    per_file = Counter(f for f, _ in places)
    grown = [where for f, where in places if per_file[f] > SQL_NOT_MOVED_YET.get(f, 0)]
    assert grown == [], "SQL outside isfannotate/store and isfannotate/ops (move it there):\n" + "\n".join(grown)
    shrunk = {f: (n, per_file.get(f, 0)) for f, n in SQL_NOT_MOVED_YET.items() if per_file.get(f, 0) < n}
    assert shrunk == {}, f"SQL was moved out (listed, found): shorten SQL_NOT_MOVED_YET: {shrunk}"


def test_importing_the_store_does_not_import_psycopg():
    """The team database's SQL lives in ``store/server/``, yet psycopg (the optional ``team``
    extra) is imported only when a team command connects: importing the store, every module of
    ``store.server`` and the project costs nothing of it."""
    import subprocess
    import sys
    code = ("import sys, importlib, pkgutil, isfannotate.store, isfannotate.store.server, isfannotate.project\n"
            "for m in pkgutil.walk_packages(isfannotate.store.__path__, 'isfannotate.store.'):\n"
            "    importlib.import_module(m.name)\n"
            "import isfannotate.teamdb\n"
            "assert 'isfannotate.store.server.rows' in sys.modules\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'psycopg'))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"


def test_the_team_database_runs_no_sql_outside_the_store():
    """``teamdb/`` is held to the rule like every package (it was a named exception until its
    SQL moved to ``store/server/``)."""
    teamdb = [where for f, where in sql_calls() if f.startswith("isfannotate/teamdb/")]
    assert teamdb == []
    assert any(path.is_relative_to(CORE / "store" / "server") for path, _tree in _sources(CORE / "store"))
