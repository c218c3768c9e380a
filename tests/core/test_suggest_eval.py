"""``suggest eval``: the scoring against hand-computed examples, folds that keep near-duplicates
together, cross-validation on real gold (the seeds' gold fixture), and the CLI end to end."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from isfannotate import Project
from isfannotate.cli import main
from isfannotate.suggest.evaluate import assign_folds, score_spans

REPO = Path(__file__).resolve().parents[2]
SEED_GOLD = REPO / "tests" / "data" / "seed-gold-stances.jsonl"


def test_scores_equal_a_hand_computed_example():
    gold = [[(0, 5, "ACTOR"), (10, 20, "CLAIM"), (30, 34, "CUE")],
            [(0, 4, "ACTOR"), (8, 12, "ACTOR")]]
    pred = [[(0, 5, "ACTOR"), (12, 20, "CLAIM"), (40, 44, "CUE")],
            [(0, 4, "ACTOR"), (9, 12, "ACTOR"), (20, 25, "ACTOR")]]
    r = score_spans(gold, pred, ["ACTOR", "CLAIM", "CUE", "DATE"])
    # ACTOR exact: 2 right (0-5, 0-4); predicted 4, gold 3 -> P 2/4, R 2/3, F1 4/7
    assert r["ACTOR"]["exact"] == {"tp": 2, "fp": 2, "fn": 1, "precision": 0.5, "recall": 0.6667, "f1": 0.5714}
    # ACTOR overlap: 9-12 overlaps 8-12 as well -> 3 of 4 predicted, 3 of 3 gold
    assert r["ACTOR"]["overlap"] == {"tp": 3, "fp": 1, "fn": 0, "precision": 0.75, "recall": 1.0, "f1": 0.8571}
    assert r["CLAIM"]["exact"]["f1"] == 0.0 and r["CLAIM"]["overlap"]["f1"] == 1.0
    assert r["CUE"]["overlap"] == {"tp": 0, "fp": 1, "fn": 1, "precision": 0.0, "recall": 0.0, "f1": 0.0}
    assert r["DATE"]["exact"] == {"tp": 0, "fp": 0, "fn": 0, "precision": None, "recall": None, "f1": None}
    assert r["all"]["exact"] == {"tp": 2, "fp": 4, "fn": 3, "precision": 0.3333, "recall": 0.4, "f1": 0.3636}
    assert r["all"]["overlap"]["tp"] == 4 and r["all"]["overlap"]["fn"] == 1


def test_folds_keep_near_duplicate_groups_together():
    docs = [{"group": g} for g in ["a", "b", "b", "c", "d", "d", "d", "e"]]
    folds = assign_folds(docs, 3, seed=1)
    assert sorted(i for f in folds for i in f) == list(range(8))
    for group in "abcde":
        members = [i for i, d in enumerate(docs) if d["group"] == group]
        assert sum(1 for f in folds if set(members) <= set(f)) == 1
    assert assign_folds(docs, 3, seed=1) == folds


@pytest.fixture
def seed_gold(tmp_path):
    pytest.importorskip("spacy")
    path = tmp_path / "seeds.isf"
    p = Project.create(path, registry=REPO / "seeds" / "registry.json")
    p.import_paths([SEED_GOLD], annotator="gold")
    p.close()
    return path


def test_eval_cross_validates_real_gold_from_the_cli(seed_gold, tmp_path, capsys):
    """The seeds' gold (5 articles, 9 claims): every document is held out once, every gold span
    is counted once, and the figures are what five articles give (small, said in the output)."""
    out_json, out_png = tmp_path / "eval.json", tmp_path / "curve.png"
    rc = main(["suggest", "eval", str(seed_gold), "--folds", "2", "--curve", "1", "--json", str(out_json),
               "--png", str(out_png), "--epochs", "3"])   # the counting on real gold; the window's test: defaults
    text = capsys.readouterr().out
    assert rc == 0, text
    r = json.loads(out_json.read_text())
    assert r["folds"] == 2 and sum(r["fold_sizes"]) == r["documents"] == 5 and r["epochs"] == 3
    claims = r["spans"]["CLAIM"]["exact"]
    assert claims["tp"] + claims["fn"] == 9            # each gold claim scored once, on a held-out document
    assert r["stance_polarity"]["n"] == 9             # the stances citing a claim, each held out once
    assert 0 <= r["stance_polarity"]["majority_baseline"] <= 1 and "most common polarity" in text
    assert "say little" in r["note"] and "say little" in text
    assert [c["share"] for c in r["learning_curve"]] == [1.0]
    assert out_png.read_bytes()[:4] == b"\x89PNG"


def test_cli_train_run_stats_use_off(seed_gold, capsys):
    assert main(["suggest", "train", str(seed_gold), "--epochs", "2"]) == 0   # the mechanics: few epochs
    out = capsys.readouterr().out
    assert "model 1: trained on 5 documents of gold" in out and "enabled" in out
    assert main(["suggest", "run", str(seed_gold), "--layer", "zoe", "--json", "--min-score", "0"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert len(lines) == 5 and all("suggestions" in x for x in lines)
    with Project.open(seed_gold) as p:
        assert p.spans(lines[0]["document"], "zoe") == []     # run writes nothing
    assert main(["suggest", "stats", str(seed_gold)]) == 0
    assert "no decisions" in capsys.readouterr().out
    assert main(["suggest", "off", str(seed_gold)]) == 0
    assert main(["suggest", "run", str(seed_gold)]) == 2
    assert "no model is enabled" in capsys.readouterr().err
    assert main(["suggest", "use", str(seed_gold), "1"]) == 0
    assert "model 1 enabled" in capsys.readouterr().out
    assert main(["suggest", "models", str(seed_gold)]) == 0
    assert "1 (enabled)" in capsys.readouterr().out


def test_cli_refusals_are_one_line(tmp_path, capsys, monkeypatch):
    empty = tmp_path / "e.isf"
    Project.create(empty).close()
    pytest.importorskip("spacy")
    assert main(["suggest", "train", str(empty)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "nothing to learn from" in err
    assert main(["suggest", "eval", str(empty), "--curve", "0,2"]) == 2
    assert "--curve" in capsys.readouterr().err
    monkeypatch.setitem(sys.modules, "spacy", None)    # as if the ml extra were not installed
    assert main(["suggest", "train", str(empty)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "pip install 'isfannotate[ml]'" in err
