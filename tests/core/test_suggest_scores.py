"""Suggestions (issue 22), the remaining gaps: the minimum score per label lives in the project
(an undoable action; it travels with handouts), Shift+A's registry-and-model acceptance is one
action, a model is ONE saved spaCy pipeline (models stored before as three still load), and the
number of epochs can be asked for (tests/core/test_suggest_core.py's update test). On the
session's trained project (tests/conftest.py), copied."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from isfannotate import Project
from isfannotate.errors import ValidationError

pytest.importorskip("spacy")

DOC = "gen0100"      # a plain document of the session's project: nobody annotated it


@pytest.fixture
def project(suggest_model_project, tmp_path):
    path = tmp_path / "p.isf"
    shutil.copy(suggest_model_project, path)
    p = Project.open(path)
    yield p
    p.close()


def test_minimum_scores_default_set_undo_and_refusals(project, snapshot):
    p = project
    labels = [lab.name for lab in p.scheme.span_labels]
    assert p.suggestion_min_scores() == {**{lab: 0.5 for lab in labels}, "stance": 0.5}
    assert not p.suggestion_min_scores_stored()
    p.set_suggestion_min_scores({"ACTOR": 0.8, "stance": 0.3})
    assert p.suggestion_min_scores()["ACTOR"] == 0.8 and p.suggestion_min_scores()["stance"] == 0.3
    assert p.suggestion_min_scores()["CLAIM"] == 0.5
    p.undo()                                              # one undo step restores them
    assert p.suggestion_min_scores()["ACTOR"] == 0.5 and not p.suggestion_min_scores_stored()
    p.redo()
    assert p.suggestion_min_scores()["ACTOR"] == 0.8
    before = snapshot(p)
    with pytest.raises(ValidationError, match="no span label 'NOPE'"):
        p.set_suggestion_min_scores({"NOPE": 0.5})
    with pytest.raises(ValidationError, match="from 0 to 1"):
        p.set_suggestion_min_scores({"CUE": 1.5})
    with pytest.raises(ValidationError, match="from 0 to 1"):
        p.set_suggestion_min_scores({"CUE": "high"})
    assert snapshot(p) == before                         # refusals change nothing


def test_minimum_scores_are_kept_in_the_file_and_travel_with_handouts(suggest_model_project, tmp_path):
    path = tmp_path / "p.isf"
    shutil.copy(suggest_model_project, path)
    with Project.open(path) as p:
        p.set_suggestion_min_scores({"CLAIM": 0.9})
    with Project.open(path) as p:                          # kept in the file, not in this computer's settings
        assert p.suggestion_min_scores()["CLAIM"] == 0.9
        p.assign([DOC], ["gina"])
        (handout,) = p.handout(tmp_path / "out")
    with Project.open(handout) as h:                       # the annotator gets the lead's minimum scores
        assert h.suggestion_min_scores()["CLAIM"] == 0.9


def test_accept_all_uses_the_projects_minimum_scores(project):
    p = project
    found = p.model_suggestions(DOC, "ivy", min_score=p.min_score_map())
    labels = {s.label for s in found if s.kind != "stance"}
    assert labels, "the session's model suggests spans in a document like its training data"
    high = sorted(labels)[0]
    p.set_suggestion_min_scores({high: 1.0})             # nothing of that label reaches 1.0
    p.accept_all_model_suggestions(DOC, "ivy")
    got = {s.label for s in p.spans(DOC, "ivy")}
    logged = {r["label"] for r in p.suggestion_log(layer="ivy")}
    assert high not in logged and logged                 # none of that label accepted, the others were
    assert got


def test_accept_all_with_the_registry_is_one_action_and_one_undo(project, snapshot):
    p = project
    names = p.registry_recommendations(DOC, "jo")
    model = p.model_suggestions(DOC, "jo", min_score=p.min_score_map())
    assert names and model, "the document holds registry names and model suggestions"
    before = snapshot(p)
    change = p.accept_all_model_suggestions(DOC, "jo", registry=True)
    spans = {(s.start, s.end, s.label): s for s in p.spans(DOC, "jo")}
    for o in names:                                      # every registry name, linked to its actor
        assert spans[(o.start, o.end, o.label)].actor_id == o.actor_id
    assert {s.key for s in model if s.kind != "stance"} <= set(spans)
    # the model's decisions are logged, the registry's names are not (as when accepted alone)
    assert all(r["model_version"] == 1 for r in p.suggestion_log(layer="jo"))
    assert change.action == "accept all suggestions"
    p.undo()                                             # ONE step undoes both kinds
    assert snapshot(p) == before
    assert p.spans(DOC, "jo") == [] and p.suggestion_log(layer="jo") == []


def test_a_model_is_one_pipeline_and_older_three_folder_models_still_load(project):
    import spacy

    from isfannotate.suggest.recommender import Recommender
    from isfannotate.suggest.runner import unpack

    p = project
    info = p.suggestion_model()
    text = p.document(DOC).text
    with tempfile.TemporaryDirectory() as tmp:
        folder = unpack(p.suggestion_model_bytes(info.version), Path(tmp) / "new")
        assert sorted(x.name for x in folder.iterdir()) == ["meta.json", "pipeline"]
        new = Recommender(1, folder)
        assert new.nlp.pipe_names == ["tagger", "stance", "target"]
        # the layout of models stored before: three pipelines, each its own folder
        old = Path(tmp) / "old"
        old.mkdir()
        shutil.copy(folder / "meta.json", old / "meta.json")
        whole = spacy.load(folder / "pipeline")
        spacy.load(folder / "pipeline", exclude=["stance", "target"]).to_disk(old / "spans")
        for name in ("stance", "target"):
            one = spacy.blank("en")
            one.add_pipe(name, source=whole)
            one.rename_pipe(name, "textcat")
            one.to_disk(old / name)
        former = Recommender(1, old)
    # the same weights give the same suggestions, whichever layout they were read from
    assert new.predict_spans(text) == former.predict_spans(text)
    claim = text[:200]
    assert new.classify(new.stance, claim) == former.classify(former.stance, claim)
    assert new.classify(new.target, claim) == former.classify(former.target, claim)
    # the tokenizer the config builds (the saved one is not read back) splits as the trained one
    assert [t.text for t in new.nlp.make_doc(text)] == [t.text for t in spacy.blank("en").make_doc(text)]


def test_suggest_run_leaves_out_what_is_under_the_projects_minimum_scores(suggest_model_project, tmp_path, capsys):
    import json

    from isfannotate.cli import main

    path = tmp_path / "p.isf"
    shutil.copy(suggest_model_project, path)
    with Project.open(path) as p:
        p.set_suggestion_min_scores({"ACTOR": 0.0, "CLAIM": 0.0, "CUE": 0.0, "stance": 0.0})
    assert main(["suggest", "run", str(path), "--document", DOC, "--layer", "kim", "--json"]) == 0
    low = json.loads(capsys.readouterr().out)["suggestions"]
    # a span label with a suggestion the old default (0.5 for every label) showed
    label = min(s["label"] for s in low if s["kind"] != "stance" and s["score"] >= 0.5)
    with Project.open(path) as again:
        again.set_suggestion_min_scores({label: 1.0})
    assert main(["suggest", "run", str(path), "--document", DOC, "--layer", "kim", "--json"]) == 0
    high = json.loads(capsys.readouterr().out)["suggestions"]
    assert not [s for s in high if s["label"] == label] and len(high) == len(low) - sum(
        1 for s in low if s["label"] == label)
    assert main(["suggest", "run", str(path), "--document", DOC, "--layer", "kim", "--json", "--min-score", "0"]) == 0
    assert len(json.loads(capsys.readouterr().out)["suggestions"]) == len(low)   # --min-score: every label
