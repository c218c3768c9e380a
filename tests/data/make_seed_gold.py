"""Writes tests/data/seed-gold-stances.jsonl: a gold layer of stances for seeds 000-004, made
through the API (CLAIM spans as evidence, stances with holders from the seeds' registry), for
the stance-map tests. Run it again after changing the list below:

    .venv/bin/python tests/data/make_seed_gold.py
"""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

from isfannotate import Project

REPO = Path(__file__).resolve().parents[2]
OUT = Path(__file__).with_name("seed-gold-stances.jsonl")

# (document, holder, target, polarity, evidence phrase, conditions)
STANCES = [
    ("000_79b6248a8f5a8456", "Pakistan", "isf-troops", "conditional",
     "Pakistan could consider contributing troops", "not if the force must disarm Hamas"),
    ("000_79b6248a8f5a8456", "Pakistan", "disarm-hamas", "oppose", "it wasn’t Islamabad’s job to “disarm” Hamas", None),
    ("000_79b6248a8f5a8456", "Hamas", "disarm-hamas", "oppose", "Hamas has not agreed to disarm", None),
    ("001_9bdde0be44e8882d", "Pakistan", "isf-troops", "support",
     "Pakistan has expressed its willingness to participate in a proposed International Stabilisation Force", None),
    ("002_ef57260f37dd3d36", "Pakistan", "isf-command", "support", "even seeking a leadership role", None),
    ("003_6e62d58ac1819318", "Pakistan", "isf-troops", "oppose",
     "no decision has been taken to join the force as of now", None),
    ("003_6e62d58ac1819318", "United States", "isf-troops", "support",
     "Washington may be using long-standing bilateral ties to pressure Pakistan to contribute troops", None),
    ("004_925ac23fd4dc491f", "Pakistan", "isf-troops", "support", "Pakistan has offered to send troops", None),
    ("004_925ac23fd4dc491f", "Pakistan", "disarm-hamas", "oppose", "will not disarm Hamas", None),
]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        p = Project.create(Path(tmp) / "g.isf", registry=REPO / "seeds" / "registry.json")
        p.import_paths(sorted((REPO / "seeds").glob("*.txt")))
        actors = {a.name: a.id for a in p.actors()}
        for doc, holder, target, polarity, phrase, cond in STANCES:
            text = p.document(doc).text
            i = text.index(phrase)
            span = p.annotate(doc, "gold", i, i + len(phrase), "CLAIM").rows("spans")[0].after["id"]
            p.set_stance(doc, "gold", holder=actors[holder], target=target, polarity=polarity, conditions=cond,
                         evidence=[span])
        for doc in {s[0] for s in STANCES}:
            p.set_status(doc, "gold", "done", reason="test fixture: claims without sources")
        records, _ = p.gold_records("gold")
        p.close()
    with open(OUT, "w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"wrote {OUT} ({len(records)} records)")


if __name__ == "__main__":
    main()
