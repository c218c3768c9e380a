"""The app's code keeps to its side of the house (issue 21): no SQL in the app (it reads the
core's named methods) and names that say what they hold. Each check walks the source of every
module of ``isfannotate_ui`` (found by ``walk_packages``, as test_ui_imports.py finds them) and fails
with the places."""
from __future__ import annotations

import ast
import pkgutil
from pathlib import Path

import isfannotate_ui

SQL_CALLS = {"execute", "executemany", "executescript"}
CONNECTION_ATTRIBUTES = {"conn", "db"}        # the project's sqlite3 connection, its sqlite-utils Database
TERSE_MEMBERS = {"s", "ui"}                   # self.s (the session), self.ui (the window's parts)


def ui_sources() -> dict[str, Path]:
    found = {"isfannotate_ui": Path(isfannotate_ui.__file__)}
    for info in pkgutil.walk_packages(isfannotate_ui.__path__, "isfannotate_ui."):
        found[info.name] = Path(info.module_finder.find_spec(info.name).origin)
    return found


def places(check) -> list[str]:
    found = []
    for name, path in sorted(ui_sources().items()):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        found += [f"{name}:{node.lineno}: {what}" for node in ast.walk(tree) if (what := check(node))]
    return found


def sql(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SQL_CALLS:
        return f".{node.func.attr}(...)"
    if isinstance(node, ast.Attribute) and node.attr in CONNECTION_ATTRIBUTES:
        return f".{node.attr}"
    return None


def terse_member(node: ast.AST) -> str | None:
    if (isinstance(node, ast.Attribute) and node.attr in TERSE_MEMBERS and isinstance(node.value, ast.Name)
            and node.value.id == "self"):
        return f"self.{node.attr}"
    return None


def test_the_checks_see_what_they_look_for():
    assert sql(ast.parse("conn.execute('SELECT 1')").body[0].value) == ".execute(...)"
    assert sql(ast.parse("project.db").body[0].value) == ".db"
    assert sql(ast.parse("project.near_dup_groups()").body[0].value) is None
    assert terse_member(ast.parse("self.s").body[0].value) == "self.s"
    assert terse_member(ast.parse("self.session").body[0].value) is None


def test_no_sql_in_the_app():
    assert places(sql) == []


def test_no_terse_member_names_in_the_app():
    assert places(terse_member) == []
