"""``suggest stats``: what the logged decisions say of each model version and label."""
from __future__ import annotations

from typing import Any


def stats_from_log(rows: list[dict[str, Any]], manual_inputs: dict[str, int]) -> dict[str, Any]:
    """{"versions": [{"model_version", "documents", "inputs_saved", "inputs_saved_per_document",
    "labels": {label: {accepted, corrected, rejected, decisions, acceptance_rate, corrected_share}}}]}.

    Inputs saved: for an accepted suggestion, the inputs its kind costs by hand less one (the
    accepting key); for a corrected one, less two (accept and fix); a rejection costs one (X)."""
    versions: dict[Any, dict[str, Any]] = {}
    for r in rows:
        v = versions.setdefault(r["model_version"], {"labels": {}, "docs": set(), "saved": 0})
        v["docs"].add((r["document_id"], r["layer"]))
        lab = v["labels"].setdefault(f"{r['kind']}:{r['label']}" if r["kind"] == "stance" else r["label"],
                                     {"accepted": 0, "corrected": 0, "rejected": 0})
        cost = manual_inputs.get(r["kind"], 2)
        if r["decision"] == "accept":
            lab["accepted"] += 1
            v["saved"] += cost - 1
        elif r["decision"] == "correct":
            lab["corrected"] += 1
            v["saved"] += cost - 2
        else:
            lab["rejected"] += 1
            v["saved"] -= 1
    out = []
    for version in sorted(versions, key=lambda x: (x is None, x)):
        v = versions[version]
        labels = {}
        for name, c in sorted(v["labels"].items()):
            n = c["accepted"] + c["corrected"] + c["rejected"]
            took = c["accepted"] + c["corrected"]
            labels[name] = {**c, "decisions": n, "acceptance_rate": round(took / n, 4) if n else None,
                            "corrected_share": round(c["corrected"] / took, 4) if took else None}
        docs = len(v["docs"])
        out.append({"model_version": version, "documents": docs, "inputs_saved": v["saved"],
                    "inputs_saved_per_document": round(v["saved"] / docs, 2) if docs else None, "labels": labels})
    return {"versions": out}
