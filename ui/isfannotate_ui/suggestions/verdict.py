"""The Suggestions window's plain verdict on the enabled model: helps / too early / hurts.

Qt-free. The rule (docs/suggestions.md says it for users), first match wins:

1. no model enabled: too early;
2. at least ``MIN_DECISIONS`` logged decisions on the enabled version (accept, correct, reject):
   acceptance rate under ``HURTS_RATE``: hurts (most suggestions cost an X);
   acceptance rate at least ``HELPS_RATE`` and inputs saved per document above 0: helps;
   otherwise: too early (mixed; keep deciding);
3. fewer decisions, an evaluation (cross-validation, held-out documents only) on at least
   ``MIN_DOCUMENTS`` documents: overlap F1 under ``HURTS_F1``: hurts; at least ``HELPS_F1``:
   helps; otherwise too early;
4. otherwise: too early (the model learned from fewer than ``MIN_DOCUMENTS`` documents, or
   nothing has measured it yet).
"""
from __future__ import annotations

from dataclasses import dataclass

MIN_DECISIONS = 30
HURTS_RATE = 0.30
HELPS_RATE = 0.50
MIN_DOCUMENTS = 20
HURTS_F1 = 0.20
HELPS_F1 = 0.50


@dataclass(frozen=True)
class Verdict:
    word: str       # "helps" | "too early" | "hurts"
    reason: str     # one sentence, with the figures it rests on


def version_stats(stats: dict, version: int | None) -> dict | None:
    """The entry of *version* in ``Project.suggestion_stats()``, or None."""
    for v in stats.get("versions", []):
        if v.get("model_version") == version:
            return v
    return None


def decisions(vstats: dict | None) -> tuple[int, int]:
    """(accepted + corrected, all decisions) over every label of one version's stats."""
    if not vstats:
        return 0, 0
    took = sum(c["accepted"] + c["corrected"] for c in vstats["labels"].values())
    return took, sum(c["decisions"] for c in vstats["labels"].values())


def verdict(model, stats: dict, evaluation: dict | None = None) -> Verdict:
    """*model*: the enabled ``ModelInfo`` (or None); *stats*: ``suggestion_stats()``;
    *evaluation*: ``evaluate_suggestions()``'s result, when it was run."""
    if model is None:
        return Verdict("too early", "no model is switched on: train one (Review → Train Suggestions) or pick a version")
    vs = version_stats(stats, model.version)
    took, n = decisions(vs)
    if n >= MIN_DECISIONS:
        rate = took / n
        saved = vs.get("inputs_saved_per_document") or 0
        figures = f"{took} of {n} suggestions of model {model.version} accepted ({rate:.0%}), " \
                  f"{saved:+g} inputs per document"
        if rate < HURTS_RATE:
            return Verdict("hurts", f"{figures}: under {HURTS_RATE:.0%}, most suggestions cost a rejection; "
                                    "switch it off or train on more gold")
        if rate >= HELPS_RATE and saved > 0:
            return Verdict("helps", f"{figures}: keep it on")
        return Verdict("too early", f"{figures}: mixed; decide on more suggestions")
    if evaluation and evaluation.get("spans") and evaluation.get("documents", 0) >= MIN_DOCUMENTS:
        f1 = evaluation["spans"]["all"]["overlap"]["f1"] or 0.0
        figures = f"cross-validated overlap F1 {f1:.2f} on {evaluation['documents']} documents " \
                  f"(and {n} decision{'s' if n != 1 else ''} logged)"
        if f1 < HURTS_F1:
            return Verdict("hurts", f"{figures}: under {HURTS_F1:.2f}, most suggestions would be wrong")
        if f1 >= HELPS_F1:
            return Verdict("helps", f"{figures}: at least {HELPS_F1:.2f}")
        return Verdict("too early", f"{figures}: between {HURTS_F1:.2f} and {HELPS_F1:.2f}; more gold will tell")
    if model.n_documents < MIN_DOCUMENTS:
        return Verdict("too early", f"model {model.version} learned from {model.n_documents} document"
                                    f"{'s' if model.n_documents != 1 else ''} (under {MIN_DOCUMENTS}) "
                                    f"and {n} of its suggestions were decided (under {MIN_DECISIONS})")
    return Verdict("too early", f"{n} decisions logged (under {MIN_DECISIONS}) and no evaluation yet: "
                                "run Evaluate, or decide on more suggestions")
