"""Suggestions learned from gold (issue 22): training as a cancellable job, suggestions never
written as annotations, accept/reject/undo, rejections remembered, stats from the log, handouts.

One small model is trained once per test session on generated gold (``suggest_model_project``
in tests/conftest.py; bench/suggest_data.py: the mechanics only; quality figures come from real
gold, tests/core/test_suggest_eval.py); this module works on its own copy."""
from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from isfannotate import Project
from isfannotate.errors import JobCancelled, ValidationError
from isfannotate.suggest import Suggestion

pytest.importorskip("spacy")

REPO = Path(__file__).resolve().parents[2]


def _corpus_module():
    spec = importlib.util.spec_from_file_location("suggest_data", REPO / "bench" / "suggest_data.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def trained(tmp_path_factory, suggest_model_project):
    """The session's trained project (tests/conftest.py), copied for this module's tests."""
    path = tmp_path_factory.mktemp("suggest") / "p.isf"
    shutil.copy(suggest_model_project, path)
    p = Project.open(path)
    yield p, p.suggestion_model()
    p.close()


def _worker_children() -> list[int]:
    """Our child processes running the trainer (Linux /proc)."""
    import os
    out = []
    for d in Path("/proc").glob("[0-9]*"):
        try:
            stat = (d / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            state = stat.rsplit(")", 1)[1].split()[0]
            if ppid == os.getpid() and state != "Z" and b"isfannotate.suggest.worker" in (d / "cmdline").read_bytes():
                out.append(int(d.name))
        except (OSError, ValueError, IndexError):
            continue
    return out


def _doc(p):
    return p.document_list()[0][0]


def test_training_stores_one_enabled_version_with_counts(trained):
    p, info = trained
    assert info.version == 1 and info.enabled and info.n_documents == 24
    assert info.labels == ["ACTOR", "CLAIM", "CUE"] and info.size > 0
    assert [m.version for m in p.suggestion_models()] == [1]
    assert info.metrics["documents"] == 24 and info.metrics["skipped_documents"] == 0
    assert info.metrics["epochs"] == 20                # as asked (tests/conftest.py)


def test_suggestions_are_never_written_as_annotations(trained, snapshot):
    p, _ = trained
    doc = _doc(p)
    before = snapshot(p)
    found = p.model_suggestions(doc, "alice")
    assert found, "the model trained on this kind of text suggests something in a fresh layer"
    assert {s.kind for s in found} <= {"span", "claim", "stance"}
    assert all(s.model_version == 1 and 0 <= s.score <= 1 for s in found)
    assert snapshot(p) == before
    assert p.spans(doc, "alice") == []
    # the gold layer already holds what the model learned from it: those are left out
    gold = {(s.start, s.end, s.label) for s in p.spans(doc, "gold")}
    assert not [s for s in p.model_suggestions(doc, "gold") if s.kind != "stance" and s.key in gold]


def test_accept_reject_undo_and_rejections_stay_away(trained):
    p, _ = trained
    doc = p.document_list()[1][0]
    found = [s for s in p.model_suggestions(doc, "carol") if s.kind == "span"]
    assert len(found) >= 2
    first, second = found[0], found[1]
    change = p.accept_model_suggestion(doc, "carol", first)
    spans = p.spans(doc, "carol")
    assert [(s.start, s.end, s.label) for s in spans] == [first.key]
    log = p.suggestion_log(layer="carol")
    assert [(r["decision"], r["start"], r["end"], r["label"], r["model_version"]) for r in log] == \
        [("accept", first.start, first.end, first.label, 1)]
    assert change.rows("suggestion_log") and change.rows("spans")
    p.undo()   # one undo step removes the span and its log line
    assert p.spans(doc, "carol") == [] and p.suggestion_log(layer="carol") == []
    p.reject_model_suggestion(doc, "carol", second)
    again = p.model_suggestions(doc, "carol")
    assert second.key not in {s.key for s in again if s.kind == second.kind}
    assert first.key in {s.key for s in again}
    p.undo()   # undoing the rejection brings the suggestion back
    assert second.key in {s.key for s in p.model_suggestions(doc, "carol") if s.kind == second.kind}


def test_a_claim_comes_with_its_source_and_cue_in_one_step(trained):
    p, _ = trained
    doc = p.document_list()[2][0]
    text = p.document(doc).text
    # a claim suggestion as the model makes them: proposed source (an actor span to create) and cue
    gold = p.spans(doc, "gold")
    claim = next(s for s in gold if s.label == "CLAIM")
    actor = next(s for s in gold if s.label == "ACTOR")
    cue = next(s for s in gold if s.label == "CUE")
    s = Suggestion("claim", claim.start, claim.end, "CLAIM", 0.9, 1, source=("span", (actor.start, actor.end)),
                   source_score=0.8, cue=(cue.start, cue.end), cue_score=0.7)
    p.accept_model_suggestion(doc, "dave", s)
    spans = {(x.start, x.end, x.label): x for x in p.spans(doc, "dave")}
    assert set(spans) == {(claim.start, claim.end, "CLAIM"), (actor.start, actor.end, "ACTOR"),
                          (cue.start, cue.end, "CUE")}
    c = p.claims(doc, "dave")[spans[(claim.start, claim.end, "CLAIM")].id]
    assert c.source_span == spans[(actor.start, actor.end, "ACTOR")].id
    assert c.cue_span == spans[(cue.start, cue.end, "CUE")].id
    assert c.source_kind == "actor" and text[actor.start:actor.end]
    p.undo()
    assert p.spans(doc, "dave") == [] and p.claims(doc, "dave") == {}


def test_accept_all_is_one_step_and_refuses_a_done_document(trained, snapshot):
    p, _ = trained
    doc = p.document_list()[3][0]
    found = p.model_suggestions(doc, "erin", min_score=0.5)
    assert found
    change = p.accept_all_model_suggestions(doc, "erin", 0.5)
    got = {(x.start, x.end, x.label) for x in p.spans(doc, "erin")}
    wanted = {s.key for s in found if s.kind != "stance"}
    # every suggestion became a span, and the only others are the accepted claims' sources and cues
    extra = {(*s.source[1], "ACTOR") for s in found if s.kind == "claim" and s.source and s.source[0] == "span"} | \
        {(*s.cue, "CUE") for s in found if s.kind == "claim" and s.cue}
    assert wanted <= got and got - wanted <= extra
    assert len(change.rows("suggestion_log")) == len(found)
    assert p.model_suggestions(doc, "erin", min_score=0.5) == [] or all(
        s.kind == "stance" for s in p.model_suggestions(doc, "erin", min_score=0.5))
    p.undo()
    assert p.spans(doc, "erin") == [] and p.suggestion_log(layer="erin") == []
    p.set_status(doc, "erin", "done", reason="test")
    before = snapshot(p)
    with pytest.raises(ValidationError, match="marked done"):
        p.accept_all_model_suggestions(doc, "erin", 0.5)
    assert snapshot(p) == before


def test_acceptance_rates_equal_hand_counts(trained):
    p, _ = trained
    doc = p.document_list()[4][0]
    gold = [s for s in p.spans(doc, "gold") if s.label in ("ACTOR", "CUE")]
    actors = [s for s in gold if s.label == "ACTOR"][:3]
    cues = [s for s in gold if s.label == "CUE"][:2]
    sug = {s.id: Suggestion("span", s.start, s.end, s.label, 0.8, 1) for s in actors + cues}
    p.accept_model_suggestion(doc, "frank", sug[actors[0].id])
    p.accept_model_suggestion(doc, "frank", sug[actors[1].id])
    p.reject_model_suggestion(doc, "frank", sug[actors[2].id])
    c = cues[0]
    p.accept_model_suggestion(doc, "frank", sug[c.id], corrected=(c.start, c.end + 1, "CUE"))
    p.reject_model_suggestion(doc, "frank", sug[cues[1].id])
    stats = p.suggestion_stats(layer="frank")["versions"]
    assert len(stats) == 1 and stats[0]["model_version"] == 1 and stats[0]["documents"] == 1
    labels = stats[0]["labels"]
    assert labels["ACTOR"] | {} == {"accepted": 2, "corrected": 0, "rejected": 1, "decisions": 3,
                                    "acceptance_rate": round(2 / 3, 4), "corrected_share": 0.0}
    assert labels["CUE"] == {"accepted": 0, "corrected": 1, "rejected": 1, "decisions": 2, "acceptance_rate": 0.5,
                             "corrected_share": 1.0}
    # by hand: 2 accepted spans save 1 each, a corrected one 0, each rejection costs 1
    assert stats[0]["inputs_saved"] == 2 + 0 - 2 and stats[0]["inputs_saved_per_document"] == 0.0
    corrected = [r for r in p.suggestion_log(layer="frank") if r["decision"] == "correct"]
    assert [(r["corrected_start"], r["corrected_end"], r["corrected_label"]) for r in corrected] == \
        [(c.start, c.end + 1, "CUE")]
    assert (c.start, c.end + 1, "CUE") in {(s.start, s.end, s.label) for s in p.spans(doc, "frank")}


def test_switching_off_and_back(trained):
    p, _ = trained
    doc = _doc(p)
    p.set_suggestions_enabled(None)
    try:
        assert p.suggestion_model() is None and p.model_suggestions(doc, "alice") == []
        with pytest.raises(ValidationError, match="no suggestion model version 7"):
            p.set_suggestions_enabled(7)
    finally:
        p.set_suggestions_enabled(1)
    assert p.suggestion_model().version == 1 and p.model_suggestions(doc, "alice")


def test_cancelled_training_leaves_the_project_unchanged(trained, snapshot):
    p, _ = trained
    before = snapshot(p)
    job = p.jobs.submit("train", lambda proj, prog, cancel: proj.train_suggestions(progress=prog, cancelled=cancel))
    seen = []

    def on_progress(done, total):
        seen.extend(_worker_children())
        job.cancel()                                   # cancel as soon as the child reports

    job.on_progress(on_progress)
    assert job.wait(120)
    with pytest.raises(JobCancelled):
        job.outcome()
    if Path("/proc/self/stat").exists():               # Linux: the training child ran, and was killed
        assert seen and _worker_children() == []
    assert snapshot(p) == before
    assert [m.version for m in p.suggestion_models()] == [1]


def test_update_continues_from_the_enabled_model(tmp_path):
    mod = _corpus_module()
    p = Project.create(tmp_path / "u.isf")
    try:
        p.import_paths([mod.write_corpus(tmp_path / "a.jsonl", 6, size=800, seed=1)], annotator="gold")
        with pytest.raises(Exception, match="needs an enabled model"):
            p.train_suggestions(update=True)
        with pytest.raises(ValidationError, match="epochs must be 1 or more"):
            p.train_suggestions(epochs=0)
        first = p.train_suggestions(epochs=2)        # as asked (the default would be 30 here)
        assert first.metrics["epochs"] == 2 and first.metrics["mode"] == "scratch"
        p.import_paths([mod.write_corpus(tmp_path / "b.jsonl", 2, size=800, seed=2, start=100)], annotator="gold")
        second = p.train_suggestions(update=True)
        assert second.version == 2 and second.enabled and not p.suggestion_model(first.version).enabled
        assert second.metrics["mode"] == "update" and second.metrics["new_documents"] == 2
        assert second.metrics["replayed_documents"] == 2 and second.n_documents == 8
    finally:
        p.close()


def test_a_handout_carries_the_enabled_model(trained, tmp_path):
    p, info = trained
    docs = [d for d, _ in p.document_list()][:2]
    p.assign(docs, ["gina"])
    paths = p.handout(tmp_path / "out")
    assert len(paths) == 1
    with Project.open(paths[0]) as h:
        models = h.suggestion_models()
        assert [(m.version, m.enabled) for m in models] == [(info.version, True)]
        assert h.suggestion_model_bytes(info.version) == p.suggestion_model_bytes(info.version)
        assert h.model_suggestions(docs[0], "gina")


def test_the_registry_matcher_is_a_recommender_of_the_same_interface(seeded):
    p = seeded
    doc = p.document_list()[4][0]
    found = p.registry_recommendations(doc, "hal")
    assert found and all(s.kind == "span" and s.label == "ACTOR" and s.actor_id and s.model_version is None
                         for s in found)
    assert [(s.start, s.end, s.actor_id) for s in found] == [(o.start, o.end, o.actor_id)
                                                             for o in p.suggestions(doc, "hal")]
    p.accept_model_suggestion(doc, "hal", found[0])
    span = p.spans(doc, "hal")[0]
    assert (span.start, span.end, span.actor_id) == (found[0].start, found[0].end, found[0].actor_id)
    assert p.suggestion_log(layer="hal")[0]["model_version"] is None


def test_documents_by_uncertainty_orders_unfinished_documents(trained):
    p, _ = trained
    order = p.documents_by_uncertainty("kim")
    ids = [d for d, _ in p.document_list()]
    assert sorted(d for d, _ in order) == sorted(ids)
    values = [u for _, u in order]
    assert values == sorted(values, reverse=True) and all(0 <= u <= 1 for u in values)
    p.set_status(ids[0], "kim", "done", reason="test")
    assert ids[0] not in [d for d, _ in p.documents_by_uncertainty("kim")]


def test_the_model_is_asked_once_per_text_and_suggestions_still_follow_the_layer(trained):
    """A document's suggestions asked again after a change (the app does after every key) ask
    the span model nothing: its predictions for the text are kept. What the layer holds still
    counts: a span annotated as suggested leaves the suggestions, and comes back when undone."""
    p, _ = trained
    rec = p.load_suggestion_model()
    text = p.document("gen0101").text
    first = p.model_suggestions("gen0101", "carol", min_score=0.0)
    spans = [s for s in first if s.kind == "span"]
    assert spans
    tagger = rec.spans.get_pipe("tagger")
    model, asked = tagger.model, []

    class Counting:     # the thinc model behind the tagger, counting its calls
        def predict(self, docs):
            asked.append(len(docs))
            return model.predict(docs)

        def __getattr__(self, name):
            return getattr(model, name)
    tagger.model = Counting()
    try:
        again = rec.predict_spans(text)
        again_spans = list(again)
        again.clear()                                       # a caller's list is its own
        assert rec.predict_spans(text) and asked == []
        sg = spans[0]
        p.annotate("gen0101", "carol", sg.start, sg.end, sg.label)
        now = p.model_suggestions("gen0101", "carol", min_score=0.0)
        assert asked == []
        assert all((s.kind, s.start, s.end, s.label) != (sg.kind, sg.start, sg.end, sg.label) for s in now)
        p.undo()
        assert p.model_suggestions("gen0101", "carol", min_score=0.0) == first
        assert asked == []
        rec.predict_spans(text + " And more.")              # another text: the model is asked
        assert asked == [1]
        rec.forget()                                        # nothing kept: asked again
        assert rec.predict_spans(text) == again_spans and asked == [1, 1]
    finally:
        tagger.model = model
