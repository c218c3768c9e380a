"""The Suggestions window's verdict rule (suggestions/verdict.py, docs/suggestions.md), on
hand-made figures."""
from __future__ import annotations

from isfannotate.store.suggestions import ModelInfo
from isfannotate_ui.suggestions.verdict import verdict


def model(n_docs=40, version=2):
    return ModelInfo(version=version, created_at="2026-12-07T00:00", layer="gold", include_layers=[],
                     n_documents=n_docs, labels=["ACTOR"], enabled=True)


def stats(accepted, corrected, rejected, saved_per_doc, version=2):
    n = accepted + corrected + rejected
    return {"versions": [{"model_version": version, "documents": 3, "inputs_saved": 0,
                          "inputs_saved_per_document": saved_per_doc,
                          "labels": {"ACTOR": {"accepted": accepted, "corrected": corrected, "rejected": rejected,
                                               "decisions": n, "acceptance_rate": None, "corrected_share": None}}}]}


def evaluation(f1, docs=40):
    return {"documents": docs, "spans": {"all": {"overlap": {"f1": f1}, "exact": {"f1": f1}}}}


def test_no_model_is_too_early():
    assert verdict(None, {"versions": []}).word == "too early"


def test_decisions_decide_when_there_are_30():
    assert verdict(model(), stats(5, 3, 22, -0.5)).word == "hurts"        # 8/30 = 27 % < 30 %
    v = verdict(model(), stats(9, 0, 21, 0.1))                            # exactly 30 %: not hurts
    assert v.word == "too early" and "30%" in v.reason
    assert verdict(model(), stats(12, 3, 15, 2.0)).word == "helps"       # 15/30 = 50 %, inputs saved
    assert verdict(model(), stats(12, 3, 15, 0.0)).word == "too early"   # 50 % but nothing saved
    # decisions of another version do not count for this one
    assert verdict(model(version=3), stats(12, 3, 15, 2.0, version=2)).word == "too early"


def test_evaluation_decides_with_fewer_decisions_and_enough_documents():
    few = stats(2, 0, 1, 1.0)
    assert verdict(model(), few, evaluation(0.1)).word == "hurts"
    assert verdict(model(), few, evaluation(0.5)).word == "helps"
    assert verdict(model(), few, evaluation(0.3)).word == "too early"
    assert verdict(model(), few, evaluation(0.9, docs=5)).word == "too early"   # 5 documents tell nothing
    v = verdict(model(n_docs=5), few)
    assert v.word == "too early" and "learned from 5 documents" in v.reason
