"""Hard data for the window benchmarks: what users bring, not what the app would like.

A generated news-like article (seeded ``random.Random``, never ``hash()`` or the clock),
written as one gold JSONL line and imported for one annotator, as after an import from
another tool. Its spans hold every case the issue lists:

- ACTOR spans unlinked (``unlinked=1.0``) or all linked (``0.0``), and CLAIMs without a source
  (both are validation problems, one row each in the problems list);
- CLAIMs that cross paragraph breaks;
- chains nested 8 deep (CLAIM ⊃ CLAIM ⊃ ... ⊃ ACTOR);
- registry names that appear in the text only inside or across spans, so 100% of the
  suggestions the window draws overlap an annotation;
- optionally the whole text as one paragraph with no line break (``one_paragraph=True``).

Offsets are code points (the text starts with a flag emoji, two code points outside the BMP).
"""
from __future__ import annotations

import hashlib
import json
import random
import re
from bisect import bisect_left
from dataclasses import dataclass
from pathlib import Path

WORDS = (
    "the of and to in a that for on is said troops force stabilisation international minister "
    "government security army chief president officials plan peace would not has been will its "
    "with by from as at an told sources meeting proposed contribute soldiers deployment ceasefire "
    "mandate resolution council foreign ministry spokesperson statement according military "
    "diplomatic decision parliament opposition concerns regional"
).split()
# registry names: they occur in the text only where a span covers or crosses them
NAMES = ["Pakistan", "Islamabad", "Hamas", "Washington", "Rubio", "Munir", "Reuters"]
NAME_RATE = 0.012   # per word: about a quarter of the spans are the names' ACTORs


@dataclass
class HardDoc:
    doc_id: str
    text: str
    spans: list[dict]          # gold span records
    claims: list[dict]
    actors: list[dict]
    n_suggestion_sites: int    # registry-name occurrences (each overlaps a span)

    def record(self) -> dict:
        return {"schema": "isfannotate.gold/1", "id": self.doc_id, "text": self.text,
                "sha256": hashlib.sha256(self.text.encode("utf-8")).hexdigest(), "offset_unit": "codepoint",
                "meta": {"title": f"hard case {self.doc_id}"}, "layer": "gold", "doc_labels": {},
                "actors": self.actors, "targets": [], "spans": self.spans, "claims": self.claims,
                "stances": [], "relations": [], "provenance": {}}


def _text(rnd: random.Random, size: int, one_paragraph: bool) -> str:
    paras, n = [], 0
    while n < size:
        words = [rnd.choice(NAMES) if rnd.random() < NAME_RATE else rnd.choice(WORDS)
                 for _ in range(rnd.randint(40, 120))]
        words[0] = words[0].capitalize()
        p = " ".join(words) + "."
        paras.append(p)
        n += len(p) + 1
    text = "🇵🇰 " + ((" " if one_paragraph else "\n").join(paras))
    return text[:size].rstrip()


def _words(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"\w+", text)]


def make_hard_doc(doc_id: str, size: int, n_spans: int, *, unlinked: float = 1.0, one_paragraph: bool = False,
                  seed: int = 20261129) -> HardDoc:
    """An article of about *size* code points with *n_spans* spans (see the module docstring)."""
    rnd = random.Random(seed)
    text = _text(rnd, size, one_paragraph)
    words = _words(text)
    actors = [{"id": f"a{i}", "name": name, "type": "state", "aliases": [], "external_id": None}
              for i, name in enumerate(NAMES)]
    actor_of = {a["name"]: a["id"] for a in actors}
    spans: list[dict] = []
    claims: list[dict] = []
    used: set[tuple[int, int, str]] = set()

    def add(start: int, end: int, label: str, actor: str | None = None) -> None:
        if (start, end, label) in used or start >= end:
            return
        used.add((start, end, label))
        sid = f"s{len(spans)}"
        linked = actor if (label == "ACTOR" and actor and rnd.random() >= unlinked) else None
        spans.append({"id": sid, "start": start, "end": end, "label": label, "actor_id": linked, "attrs": {}})
        if label == "CLAIM":
            claims.append({"span": sid, "source_kind": None, "source": None, "source_span": None, "cue": None,
                           "quote": None})

    # every registry name in the text gets an ACTOR span one word longer than the name: its
    # suggestion overlaps that span without matching it, so every suggestion overlaps
    sites = 0
    for i, (a, b) in enumerate(words[:-1]):
        if text[a:b] in actor_of:
            sites += 1
            add(a, words[i + 1][1], "ACTOR", actor_of[text[a:b]])
    para_ends = [m.start() for m in re.finditer("\n", text)]
    kinds = ["nest8", "cross", "claim", "actor", "cue"]
    while len(spans) < n_spans:
        kind = rnd.choice(kinds)
        w = rnd.randrange(2, len(words) - 60)
        if kind == "nest8":          # 7 CLAIMs, each inside the previous, around one ACTOR
            k = 40
            for depth in range(7):
                add(words[w + depth][0], words[w + k - depth][1], "CLAIM")
            add(words[w + k // 2][0], words[w + k // 2][1], "ACTOR", actors[0]["id"])
        elif kind == "cross" and para_ends:   # a claim from one paragraph into the next
            p = rnd.choice(para_ends)
            i = bisect_left(words, (p, p))
            if 3 <= i < len(words) - 3:
                add(words[i - rnd.randint(1, min(i, 30))][0], words[min(len(words) - 1, i + rnd.randint(0, 30))][1],
                    "CLAIM")
        elif kind == "claim":
            add(words[w][0], words[w + rnd.randint(6, 40)][1], "CLAIM")
        elif kind == "actor":
            add(words[w][0], words[w + rnd.randint(0, 1)][1], "ACTOR", actors[1]["id"])
        else:
            add(words[w][0], words[w + rnd.randint(0, 2)][1], "CUE")
    spans = spans[:n_spans]
    keep = {s["id"] for s in spans}
    claims = [c for c in claims if c["span"] in keep]
    for s in spans:
        s["text"] = text[s["start"]:s["end"]]
    return HardDoc(doc_id, text, spans, claims, actors, sites)


def write_project(path: Path, docs: list[HardDoc], annotator: str = "bench") -> Path:
    """A new project at *path* holding *docs*, imported from gold JSONL into *annotator*'s layer."""
    from isfannotate import Project
    src = path.with_suffix(".jsonl")
    with open(src, "w", encoding="utf-8") as fh:
        for d in docs:
            fh.write(json.dumps(d.record(), ensure_ascii=False) + "\n")
    p = Project.create(path)
    try:
        p.author = annotator
        p.import_paths([src], format="jsonl", annotator=annotator)
    finally:
        p.close()
    return path
