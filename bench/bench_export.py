"""Export benchmark: gold JSONL with 100,000 spans against the 0.5 s budget (docs/architecture.md).

Run: .venv/bin/python bench/bench_export.py [--docs 2000] [--spans-per-doc 50] [--repeat 5] [--all-formats]

Records are generated deterministically (seeded random.Random): news-like text of about
2.5 KB per document starting with an emoji flag (so offsets past non-BMP characters are
exercised), ACTOR spans linked to actors, CLAIM spans with ACTORs nested inside, a claim
record per CLAIM and a stance per document. Each run exports into a fresh temporary folder
through the public entry point ``export_records`` (validation, split assignment, staging,
manifest and renames included). Prints the median of ``--repeat`` runs; ``--all-formats``
also times every other format once.
"""
from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from isfannotate.exporting import FORMATS, export_records  # noqa: E402

WORDS = (
    "the of and to in a that for on is said troops force stabilisation international minister "
    "government security army chief officials plan peace would not has been will its with by from "
    "as at an told sources meeting proposed contribute soldiers deployment ceasefire mandate "
    "resolution council foreign ministry spokesperson statement according military diplomatic"
).split()
NAMES = ["Pakistan", "Islamabad", "Hamas", "Marco Rubio", "Asim Munir", "Donald Trump", "Gaza", "United Nations"]
BUDGET_S = 0.5


def make_record(rnd: random.Random, n: int, spans_per_doc: int) -> dict:
    pieces = ["🇵🇰🇺🇸 "]
    pos = len(pieces[0])
    spans = []
    claims = []
    sid = 0
    actors = {}
    while len(spans) < spans_per_doc:
        # a sentence: filler words, then an actor, then a claim with a nested actor
        filler = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(4, 10))) + " "
        pieces.append(filler)
        pos += len(filler)
        name = rnd.choice(NAMES)
        aid = name.lower().replace(" ", "-")
        actors[aid] = {"id": aid, "name": name, "type": "person" if " " in name else "state",
                       "aliases": [], "external_id": None}
        spans.append({"id": f"s{sid}", "start": pos, "end": pos + len(name), "label": "ACTOR", "text": name,
                      "actor_id": aid, "attrs": {}})
        sid += 1
        pieces.append(name + " said that ")
        pos += len(name) + len(" said that ")
        inner = rnd.choice(NAMES)
        claim_text = f"{inner} " + " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(5, 12)))
        iid = inner.lower().replace(" ", "-")
        actors[iid] = {"id": iid, "name": inner, "type": "person" if " " in inner else "state",
                       "aliases": [], "external_id": None}
        spans.append({"id": f"s{sid}", "start": pos, "end": pos + len(claim_text), "label": "CLAIM",
                      "text": claim_text, "actor_id": None, "attrs": {}})
        claims.append({"span": f"s{sid}", "source_kind": "actor", "source": aid, "source_span": f"s{sid - 1}",
                       "cue": None, "quote": "reported"})
        sid += 1
        spans.append({"id": f"s{sid}", "start": pos, "end": pos + len(inner), "label": "ACTOR", "text": inner,
                      "actor_id": iid, "attrs": {}})
        sid += 1
        pieces.append(claim_text + ". ")
        pos += len(claim_text) + 2
    spans = spans[:spans_per_doc]
    ids = {s["id"] for s in spans}
    claims = [c for c in claims if c["span"] in ids and c["source_span"] in ids]
    text = "".join(pieces)
    first_claim = next(s["id"] for s in spans if s["label"] == "CLAIM")
    return {
        "schema": "isfannotate.gold/1", "id": f"doc{n:05d}", "text": text,
        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(), "offset_unit": "codepoint",
        "meta": {"source": "bench"}, "near_duplicate_group": f"g{n // 2}" if n % 10 < 2 else None,
        "layer": "gold", "doc_labels": {"relevance": "relevant"},
        "actors": sorted(actors.values(), key=lambda a: a["id"]),
        "targets": [{"id": "troops", "name": "contributing troops to the ISF"}],
        "spans": spans, "claims": claims,
        "stances": [{"id": "st1", "holder": "pakistan" if "pakistan" in actors else next(iter(sorted(actors))),
                     "target": "troops", "polarity": "support", "conditions": None, "evidence": [first_claim]}],
        "relations": [], "provenance": {},
    }


def timed(records, fmt, split, repeat: int) -> tuple[float, float, int]:
    times = []
    size = 0
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            result = export_records(records, fmt, Path(tmp) / "out", project_name="bench", layer="gold", split=split)
            times.append(time.perf_counter() - t0)
            size = sum(p.stat().st_size for p in result.files)
    return statistics.median(times), min(times), size


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--spans-per-doc", type=int, default=50)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--all-formats", action="store_true")
    args = ap.parse_args()

    rnd = random.Random(20251217)
    records = [make_record(rnd, n, args.spans_per_doc) for n in range(args.docs)]
    n_spans = sum(len(r["spans"]) for r in records)
    n_chars = sum(len(r["text"]) for r in records)
    print(f"{args.docs} documents, {n_spans:,} spans, {n_chars / 1e6:.1f} M characters; median of {args.repeat}\n")
    print(f"| {'work':<40} | {'median':>8} | {'best':>8} | {'output':>8} | {'budget':>7} | ok |")
    print(f"|{'-' * 42}|{'-' * 10}|{'-' * 10}|{'-' * 10}|{'-' * 9}|----|")
    for label, split in (("jsonl, no split", None), ("jsonl, --split 0.8,0.1,0.1", (0.8, 0.1, 0.1))):
        med, best, size = timed(records, "jsonl", split, args.repeat)
        ok = "yes" if med <= BUDGET_S else "NO"
        print(
            f"| {'export ' + label:<40} | {med:>6.3f} s | {best:>6.3f} s | {size / 1e6:>5.1f} MB "
            f"| {BUDGET_S:>5.1f} s | {ok:<2} |"
        )
    if args.all_formats:
        for fmt in FORMATS:
            if fmt == "jsonl":
                continue
            med, best, size = timed(records, fmt, None, 1)
            print(f"| {'export ' + fmt:<40} | {med:>6.3f} s | {best:>6.3f} s | {size / 1e6:>5.1f} MB | {'-':>7} |    |")


if __name__ == "__main__":
    main()
