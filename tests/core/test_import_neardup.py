"""The import's near-duplicate regrouping (issue 21): the project's old documents are read before
the new rows go in, and the search runs over them and the new ones in import order; what it finds
is what the search over the stored project finds, and an error in it leaves the project as it was."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import isfannotate.importing.documents as documents
from isfannotate import Project
from isfannotate.neardup import find_groups

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def seed(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}_*.txt"))


def groups_of(p: Project) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for d in p.documents():
        if d.near_dup_group:
            out.setdefault(d.near_dup_group, []).append(d.id[:3])
    return out


def test_a_later_import_regroups_old_and_new_documents_in_import_order(new_project, tmp_path):
    p = new_project()
    p.import_paths([seed("000"), seed("001"), seed("003"), seed("004")])
    assert groups_of(p) == {}
    again = tmp_path / "again.jsonl"       # 003 republished with a new headline, and 001's twin
    text3 = seed("003").read_text(encoding="utf-8")
    again.write_text(json.dumps({"id": "003-updated", "text": "Updated: " + text3}) + "\n", encoding="utf-8")
    report = p.import_paths([again, seed("002")])
    # g1 is the group whose first document came first (001, imported before 003)
    assert groups_of(p) == {"g1": ["001", "002"], "g2": ["003", "003"]}
    assert sorted(map(sorted, report.near_duplicate_groups)) == sorted(
        sorted(ids) for ids in [[d.id for d in p.documents() if d.near_dup_group == g] for g in ("g1", "g2")])
    # the same groups as a search over every stored text in import order
    docs = p.documents()
    assert [[docs[i].id for i in g] for g in find_groups([d.text for d in docs])] == [
        [d.id for d in docs if d.near_dup_group == g] for g in ("g1", "g2")]
    unrelated = tmp_path / "other.jsonl"
    unrelated.write_text(json.dumps({"id": "x", "text": "Nothing like the others at all."}) + "\n", encoding="utf-8")
    assert p.import_paths([unrelated]).near_duplicate_groups == []
    assert groups_of(p) == {"g1": ["001", "002"], "g2": ["003", "003"]}


def test_an_error_in_the_search_fails_the_import_and_changes_nothing(new_project, snapshot, monkeypatch):
    p = new_project()
    p.import_paths([seed("000")])
    before = snapshot(p)

    def broken(texts):
        raise MemoryError("no room for the shingles")

    monkeypatch.setattr(documents, "find_groups", broken)
    with pytest.raises(MemoryError, match="shingles"):
        p.import_paths([seed("001"), seed("002")])
    assert snapshot(p) == before
