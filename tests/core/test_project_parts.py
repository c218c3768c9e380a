"""``Project`` by composition (issue 21): the store with the action parts built on it.

Each part works on a bare store (a ``ProjectBase``, no ``Project``); ``Project``'s classes hold
no action group; its flat methods are forwards, one per public method of a part; a part uses
only what it declares (its store, the parts it is given); every name docs/api.md uses exists."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from isfannotate import Project
from isfannotate.agreement import report_json, report_text, write_html
from isfannotate.ops import Part, forward
from isfannotate.ops.claims import ClaimActions
from isfannotate.ops.registry import RegistryActions
from isfannotate.ops.spans import SpanActions
from isfannotate.ops.suggestions import SuggestActions
from isfannotate.ops.team import TeamActions
from isfannotate.stancemap import evidence, timeline
from isfannotate.store import connection
from isfannotate.store.base import ProjectBase

REPO = Path(__file__).resolve().parents[2]
PARTS = {"registry_actions": RegistryActions, "span_actions": SpanActions, "claim_actions": ClaimActions,
         "team_actions": TeamActions, "suggestion_actions": SuggestActions}
TEXT = "Pakistan said it could send troops to the ISF, the minister told reporters."


@pytest.fixture
def store(tmp_path):
    with Project.create(tmp_path / "p.isf") as p:
        doc = tmp_path / "doc.txt"
        doc.write_text(TEXT, encoding="utf-8")
        p.import_paths([doc])
    conn, owner = connection.open_database(tmp_path / "p.isf", create=False)
    bare = ProjectBase(tmp_path / "p.isf", conn, owner)
    bare.author = "lead"
    yield bare
    bare.close()


def test_every_part_works_on_a_bare_store_without_a_project(store):
    assert not isinstance(store, Project)
    registry = RegistryActions(store)
    spans = SpanActions(store, registry)
    claims = ClaimActions(store, spans)
    team = TeamActions(store)
    suggestions = SuggestActions(store, spans)
    doc = store.documents()[0].id

    registry.add_actor("Pakistan", "state", actor_id="pk")
    spans.annotate(doc, "alice", 0, 8, "ACTOR", actor_id="pk")
    claim_start = TEXT.index("it could")
    claim = spans.annotate(doc, "alice", claim_start, TEXT.index(", the"), "CLAIM").rows("spans")[0].after["id"]
    actor_span = store.spans(doc, "alice")[0].id
    claims.set_claim(claim, source_span=actor_span, new_cue=(9, 13, "CUE"))
    team.assign([doc], ["alice", "bob"])
    assert suggestions.set_suggestions_enabled(None).size == 0   # no model: nothing to switch off
    assert suggestions.model_suggestions(doc, "alice") == []

    assert [a.id for a in store.actors()] == ["pk"]
    assert {s.label for s in store.spans(doc, "alice")} == {"ACTOR", "CLAIM", "CUE"}
    assert store.claims(doc, "alice")[claim].source_actor == "pk"
    assert store.assignments() == {"alice": [doc], "bob": [doc]}
    assert [r["op"] for r in registry.registry_log()] == ["add"]
    assert store.next_undo.action == "assign"   # the parts' actions are the store's, undone like any
    store.undo()
    assert store.assignments() == {}


def test_projects_classes_hold_no_action_group_only_parts():
    assert Project.__bases__ == (ProjectBase,)
    assert not [c for c in Project.__mro__ if issubclass(c, Part)]


def test_a_project_holds_one_of_each_part_built_on_itself(tmp_path):
    with Project.create(tmp_path / "p.isf") as p:
        for name, cls in PARTS.items():
            part = getattr(p, name)
            assert type(part) is cls and part.store is p
        assert p.span_actions.registry_actions is p.registry_actions
        assert p.claim_actions.span_actions is p.span_actions is p.suggestion_actions.span_actions
        assert p.annotate.__self__ is p.span_actions   # a forward is the part's own bound method


def _forwards() -> dict[str, forward]:
    return {name: value for name, value in vars(Project).items() if isinstance(value, forward)}


def test_every_public_method_of_a_part_is_forwarded_once_to_the_right_part():
    forwards = _forwards()
    for name, fw in forwards.items():
        assert fw.part in PARTS, name
        assert getattr(PARTS[fw.part], name) is fw.method, name
        assert fw.__doc__ == fw.method.__doc__
    for part_name, cls in PARTS.items():
        public = {n for n, v in vars(cls).items() if callable(v) and not n.startswith("_")}
        assert public - set(cls.for_parts) == {n for n, fw in forwards.items() if fw.part == part_name}, part_name


def test_a_forward_keeps_the_name_it_forwards():
    with pytest.raises((TypeError, RuntimeError)) as e:   # Python 3.11 wraps it in a RuntimeError
        class Wrong(ProjectBase):
            tag = forward("span_actions", SpanActions.annotate)
    assert "use the same name" in str(e.value.__cause__ or e.value)


def _self_reaches(cls: ast.ClassDef) -> list[tuple[int, str]]:
    return [(n.lineno, n.attr) for n in ast.walk(cls) if isinstance(n, ast.Attribute)
            and isinstance(n.value, ast.Name) and n.value.id == "self"]


def test_a_part_reaches_only_what_it_declares():
    """``self.x`` in a part is one of its own members, one it set in ``__init__`` or ``Part``'s
    (``store``, ``conn``): never the connection or an action of a class it is mixed with."""
    base = {"store", "conn", "_using", "for_parts"}
    wrong = []
    for path in sorted((REPO / "isfannotate" / "ops").glob("*.py")):
        for cls in ast.parse(path.read_text(encoding="utf-8")).body:
            if not isinstance(cls, ast.ClassDef) or cls.name not in {c.__name__ for c in PARTS.values()}:
                continue
            own = {n.name for n in cls.body if isinstance(n, ast.FunctionDef)}
            own |= {t.id for n in cls.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}
            own |= {t.attr for n in ast.walk(cls) if isinstance(n, (ast.Assign, ast.AnnAssign))
                    for t in (n.targets if isinstance(n, ast.Assign) else [n.target])
                    if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self"}
            wrong += [f"{path.name}:{line}: self.{attr}" for line, attr in _self_reaches(cls)
                      if attr not in own | base]
    assert wrong == []


def _api_names() -> set[str]:
    text = (REPO / "docs" / "api.md").read_text(encoding="utf-8")
    names = set()
    for code in re.findall(r"`([^`\n]+)`", text):
        m = re.match(r"(?:p\.)?([a-z_][a-z0-9_]*)(?:\(|$)", code)
        if m:
            names.add(m.group(1))
    for block in re.findall(r"```python\n(.*?)```", text, re.S):
        names |= set(re.findall(r"\bp\.([a-z_][a-z0-9_]*)", block))
    return names


# Names in backticks in docs/api.md that are not the project's: arguments, a keyword, and
# functions of other modules (checked to exist below)
NOT_THE_PROJECTS = {"done", "total", "reason", "min_k", "with", "evidence", "timeline", "report_json",
                    "report_text", "write_html"}


def test_every_name_docs_api_uses_still_exists(tmp_path):
    names = _api_names()
    assert {"annotate", "set_status", "merge_conflicts", "recorded_annotator", "snapshot", "action"} <= names
    assert all(callable(f) for f in (evidence, timeline, report_json, report_text, write_html))
    with Project.create(tmp_path / "p.isf") as p:
        missing = sorted(n for n in names - NOT_THE_PROJECTS if not hasattr(p, n))
    assert missing == []
