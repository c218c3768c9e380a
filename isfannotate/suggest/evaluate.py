"""``suggest eval``: how good the suggestions are on documents the model never saw.

Cross-validation by document: the documents are split into K folds, near-duplicate groups kept in
one fold; each fold is predicted by a model trained on the other folds (``train``, in this
process: a CLI command or a job; nothing is written to the project). Spans are scored per label
against the layer's spans with the agreement's matching (``agreement.matching``): exact (same
label, start and end) and overlap (same label, at least one shared code point, one-to-one). A
predicted span counts when its score is at least *min_score*. Stance polarity is scored as
accuracy on the held-out claims that have a stance. The learning curve repeats the same folds with
a growing share of each training part. Never measured on training documents.
"""
from __future__ import annotations

import random
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..agreement.matching import match_pair
from . import SuggestError
from .data import training_data

if TYPE_CHECKING:
    from ..store.base import ProjectBase


@dataclass
class _S:     # what matching reads of a span (``agreement.matching.SpanAnn``)
    start: int
    end: int
    label: str


def assign_folds(docs: list[dict[str, Any]], k: int, seed: int) -> list[list[int]]:
    """Document indices per fold: whole near-duplicate groups, shuffled by *seed*, each given to
    the fold with the fewest documents so far (ties: the lower fold)."""
    groups: dict[str, list[int]] = {}
    for i, d in enumerate(docs):
        groups.setdefault(d["group"], []).append(i)
    order = sorted(groups)
    random.Random(seed).shuffle(order)
    folds: list[list[int]] = [[] for _ in range(k)]
    for g in order:
        target = min(range(k), key=lambda f: (len(folds[f]), f))
        folds[target].extend(groups[g])
    return [sorted(f) for f in folds]


def score_spans(gold: Sequence[Sequence[tuple[int, int, str]]], pred: Sequence[Sequence[tuple[int, int, str]]],
                labels: Sequence[str] | None = None) -> dict[str, Any]:
    """Per label and over all labels, exact and overlap: tp, fp, fn, precision, recall, f1, from
    the per-document lists of gold and predicted (start, end, label)."""
    counts: dict[str, dict[str, list[int]]] = {}
    for g_doc, p_doc in zip(gold, pred, strict=True):
        g = [_S(*x) for x in g_doc]
        p = [_S(*x) for x in p_doc]
        for mode in ("exact", "overlap"):
            pairs = match_pair(g, p, mode)
            for lab in {x.label for x in g} | {x.label for x in p}:
                c = counts.setdefault(lab, {}).setdefault(mode, [0, 0, 0])
                tp = sum(1 for i, _ in pairs if g[i].label == lab)
                c[0] += tp
                c[1] += sum(1 for x in p if x.label == lab) - tp
                c[2] += sum(1 for x in g if x.label == lab) - tp
    names = sorted(set(counts) | set(labels or ()))
    out = {lab: {mode: _prf(*counts.get(lab, {}).get(mode, [0, 0, 0])) for mode in ("exact", "overlap")}
           for lab in names}
    out["all"] = {mode: _prf(*(sum(counts.get(lab, {}).get(mode, [0, 0, 0])[i] for lab in names) for i in range(3)))
                  for mode in ("exact", "overlap")}
    return out


def _prf(tp: int, fp: int, fn: int) -> dict[str, Any]:
    p = tp / (tp + fp) if tp + fp else None
    r = tp / (tp + fn) if tp + fn else None
    f = 2 * p * r / (p + r) if p is not None and r is not None and p + r else (0.0 if tp + fp + fn else None)
    return {"tp": tp, "fp": fp, "fn": fn, "precision": _r(p), "recall": _r(r), "f1": _r(f)}


def _r(x: float | None) -> float | None:
    return round(x, 4) if x is not None else None


def evaluate(project: ProjectBase, layer: str, *, folds: int = 5, seed: int = 0,
             shares: Sequence[float] = (0.25, 0.5, 0.75, 1.0), min_score: float = 0.5, epochs: int | None = None,
             progress: Callable[[int, int], None] | None = None,
             cancelled: Callable[[], bool] | None = None) -> dict[str, Any]:
    from ..errors import JobCancelled
    from .recommender import Recommender
    from .train import train
    data = training_data(project, layer)
    docs = data["docs"]
    groups = len({d["group"] for d in docs})
    if folds < 2:
        raise SuggestError("--folds must be 2 or more (cross-validation holds each fold out once)")
    if groups < folds:
        raise SuggestError(f"{groups} document group{'s' if groups != 1 else ''} in {layer} ({len(docs)} documents "
                           f"{data['rule']}): too few for {folds} folds; use --folds {max(groups, 2)} or fewer"
                           if groups >= 2 else f"{len(docs)} document(s) {data['rule']} in {layer}: "
                           "cross-validation needs two or more")
    shares = sorted({min(max(float(s), 0.01), 1.0) for s in shares} | {1.0})
    parts = assign_folds(docs, folds, seed)
    total = folds * len(shares)
    step = 0
    rng = random.Random(seed)
    curve: list[dict[str, Any]] = []
    result_full = None
    stance_right = stance_n = majority_right = 0
    for share in shares:
        gold_all: list[list[tuple[int, int, str]]] = []
        pred_all: list[list[tuple[int, int, str]]] = []
        n_train = []
        for held in parts:
            if cancelled is not None and cancelled():
                raise JobCancelled("evaluation cancelled; nothing was changed")
            held_set = set(held)
            train_idx = [i for i in range(len(docs)) if i not in held_set]
            if share < 1.0:
                train_idx = sorted(rng.sample(train_idx, max(1, round(len(train_idx) * share))))
            n_train.append(len(train_idx))
            sub = {**data, "docs": [docs[i] for i in train_idx], "seed": seed}
            if epochs is not None:
                sub["epochs"] = epochs
            with tempfile.TemporaryDirectory(prefix="isf-eval-") as tmp:
                # in this process (the CLI's, or a job's): evaluation writes nothing to the project
                train(sub, tmp, seed=seed, progress=lambda d, t: _check(cancelled))
                rec = Recommender(None, Path(tmp))
            for i in held:
                d = docs[i]
                gold_all.append([(s, e, lab) for s, e, lab in d["spans"]])
                pred_all.append([(s, e, lab) for s, e, lab, _ in rec.predict_spans(d["text"], min_score)])
                if share == 1.0:
                    seen = Counter(st["polarity"] for j in train_idx for st in docs[j]["stances"])
                    majority = min(seen, key=lambda c: (-seen[c], c)) if seen else None
                    for st in d["stances"]:
                        got = rec.classify(rec.stance, st["text"])
                        stance_n += 1
                        stance_right += bool(got and got[0] == st["polarity"])
                        majority_right += st["polarity"] == majority
            step += 1
            if progress:
                progress(step, total)
        scores = score_spans(gold_all, pred_all, data["labels"])
        curve.append({"share": share, "train_documents": round(sum(n_train) / len(n_train), 1),
                      "f1_exact": scores["all"]["exact"]["f1"], "f1_overlap": scores["all"]["overlap"]["f1"],
                      "per_label_f1_overlap": {lab: v["overlap"]["f1"] for lab, v in scores.items() if lab != "all"}})
        if share == 1.0:
            result_full = scores
    return {"layer": layer, "folds": folds, "seed": seed, "min_score": min_score, "epochs": epochs or "default",
            "documents": len(docs),
            "document_groups": groups, "skipped_documents": len(data["skipped"]), "rule": data["rule"],
            "fold_sizes": [len(p) for p in parts], "spans": result_full,
            "stance_polarity": {"n": stance_n, "accuracy": _r(stance_right / stance_n) if stance_n else None,
                                "majority_baseline": _r(majority_right / stance_n) if stance_n else None},
            "learning_curve": curve,
            "note": ("held-out documents only; with fewer than 50 documents these figures say little "
                     "(each fold's model learned from a handful of articles)") if len(docs) < 50 else
                    "held-out documents only"}


def _check(cancelled: Callable[[], bool] | None) -> None:
    if cancelled is not None and cancelled():
        from ..errors import JobCancelled
        raise JobCancelled("evaluation cancelled; nothing was changed")


def write_png(result: dict[str, Any], path: str | Path) -> Path:
    """The learning curve (F1 exact and overlap over the training share) as a PNG (matplotlib Agg)."""
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    curve = result["learning_curve"]
    fig = Figure(figsize=(6, 4), dpi=100)
    ax = fig.add_subplot()
    xs = [c["train_documents"] for c in curve]
    for key, name in (("f1_overlap", "F1 overlap"), ("f1_exact", "F1 exact")):
        ax.plot(xs, [c[key] if c[key] is not None else float("nan") for c in curve], marker="o", label=name)
    ax.set_xlabel("training documents per fold")
    ax.set_ylabel("F1 on held-out documents (all labels)")
    ax.set_ylim(0, 1)
    ax.set_title(f"{result['folds']}-fold cross-validation on {result['layer']} ({result['documents']} documents)")
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path)
    return path
