"""The public store interface (issue 21): every read of a job, export included, goes through
the connection guard, so no job ever sees another action's uncommitted rows."""
from __future__ import annotations

import threading

from isfannotate import Project

DOC4 = "004_925ac23fd4dc491f"


def _project(tmp_path, seeds_dir):
    path = tmp_path / "s.isf"
    with Project.create(path) as p:
        p.import_paths([seeds_dir / f"{DOC4}.txt"])
        p.annotate(DOC4, "alice", 0, 4, "ACTOR")
    return path


def test_export_waits_for_an_open_action_and_never_reads_its_uncommitted_rows(tmp_path, seeds_dir):
    """A job holds an action open with an uncommitted change (the layer's only span deleted),
    then rolls it back; an export started meanwhile from another thread must wait for the guard
    and read the committed state (before the fix it counted the layer's spans without the guard,
    saw none and refused: "layer 'alice' has no annotations")."""
    with Project.open(_project(tmp_path, seeds_dir)) as p:
        p.connection_wait = 10
        started, release = threading.Event(), threading.Event()
        span_id = p.spans(DOC4, "alice")[0].id

        def uncommitted_then_rolled_back(project, progress, cancelled):
            with project.action("relabel", DOC4, "alice") as rec:
                rec.delete("spans", (span_id,))
                started.set()
                release.wait(10)
                raise RuntimeError("rolled back on purpose")

        job = p.jobs.submit("a long action", uncommitted_then_rolled_back)
        assert started.wait(10)
        threading.Timer(0.3, release.set).start()
        steps: list[tuple[int, int]] = []
        result = p.export("jsonl", tmp_path / "out", layer="alice", include_all=True,
                          progress=lambda done, total: steps.append((done, total)))
        job.wait(10)
        assert "rolled back" in str(job.error)
        text = "".join(f.read_text(encoding="utf-8") for f in result.files if f.suffix == ".jsonl")
        assert f'"{span_id}"' in text and '"ACTOR"' in text
        assert steps and steps[-1][0] == steps[-1][1]     # progress is passed on to the caller


def test_a_column_set_on_many_rows_is_recorded_and_undone_without_reading_the_text(tmp_path, seeds_dir):
    """The import's near-duplicate regrouping writes through the recorder (``set_column``): one
    statement, logged as partial rows (id and column), undone like any action."""
    with Project.open(_project(tmp_path, seeds_dir)) as p:
        with p.action("regroup", None, None) as rec:
            rec.set_column("documents", "near_dup_group", [(DOC4, None, "g7")])
        ops = rec.change.ops
        assert [(op.table, op.before, op.after) for op in ops] == [
            ("documents", {"id": DOC4, "near_dup_group": None}, {"id": DOC4, "near_dup_group": "g7"})]
        assert p.document(DOC4).near_dup_group == "g7"
        p.undo()
        assert p.document(DOC4).near_dup_group is None


def test_actors_and_targets_are_matched_by_one_rule(tmp_path, seeds_dir):
    """Gold import and merge share ``store.matching``: the same id, else (actors) the same
    external id, else the same name ignoring case; the lowest id wins a tie."""
    from isfannotate.store.matching import match_entry

    with Project.open(_project(tmp_path, seeds_dir)) as p:
        p.add_actor("Freedonia", "state", actor_id="zz", external_id="Q1")
        p.add_actor("freedonia", "state", actor_id="aa")
        with p.snapshot() as conn:
            assert match_entry(conn, "actor", "zz", "other") == ("zz", "same id")
            assert match_entry(conn, "actor", "x", "other", "Q1") == ("zz", "same external id 'Q1'")
            assert match_entry(conn, "actor", "x", "FREEDONIA") == ("aa", "same name 'FREEDONIA'")
            assert match_entry(conn, "actor", "x", "nobody", "Q9") is None
            target = p.targets()[0]
            assert match_entry(conn, "target", "x", target.name.upper()) == (
                target.id,
                f"same name {target.name.upper()!r}",
            )
