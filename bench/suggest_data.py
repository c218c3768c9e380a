"""Generated-but-varied gold for the suggestion bench and the mechanics tests (never for quality
figures: quality is measured on real gold only, docs/suggestions.md).

Each article (~5 KB by default) is a sequence of sentences drawn at random from several
shapes: "ACTOR CUE that CLAIM.", "“CLAIM,” ACTOR CUE.", "According to ACTOR, CLAIM.", and
filler sentences without annotations. Actors are drawn from ~120 generated names (people with
titles, ministries, armed groups, states), cues from 14 reporting verbs, claims from
subject/verb/object/qualifier parts (thousands of combinations), stances from the claim's
verb (support/oppose) and its object (the target). Seeded: the same arguments give the same
records. Records are gold JSONL (``isfannotate.gold/1``) of layer gold, imported as such.
"""
from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

FIRST = ["Amina", "Boris", "Carla", "Dmitri", "Elena", "Farid", "Grace", "Hassan", "Ingrid", "Jamal", "Kenji",
         "Leila", "Marco", "Nadia", "Omar", "Priya", "Rafael", "Sofia", "Tariq", "Ursula"]
LAST = ["Ahmed", "Brandt", "Costa", "Dubois", "Eriksen", "Farouk", "Garcia", "Haddad", "Ivanov", "Jensen",
        "Khan", "Lopez", "Moreau", "Novak", "Okafor", "Petrov"]
TITLES = ["Foreign Minister", "President", "Defence Secretary", "spokesperson", "General", "Ambassador", ""]
ORGS = ["Ministry of Defence", "Foreign Office", "State Department", "United Nations", "European Union",
        "African Union", "Red Crescent", "Security Council", "National Army", "Liberation Front",
        "Coastal Brigade", "Interior Ministry"]
STATES = ["Pakistan", "Egypt", "Turkey", "Indonesia", "Jordan", "Qatar", "Norway", "Brazil", "Kenya", "Japan"]
CUES = ["said", "says", "told reporters", "warned", "argued", "insisted", "stated", "claimed", "added", "noted",
        "announced", "confirmed", "denied", "explained"]
SUBJ = ["the government", "the force", "the coalition", "our troops", "the mission", "the ceasefire", "the plan",
        "the agreement", "the talks", "the new council"]
VERB_POS = ["would support", "is ready to join", "will back", "welcomes", "is committed to"]
VERB_NEG = ["cannot accept", "will not join", "rejects", "opposes", "refuses to fund"]
OBJ = [("isf-troops", "the stabilisation force"), ("disarm", "the disarmament of armed groups"),
       ("aid", "the aid corridor"), ("border", "the border reopening"), ("talks", "direct negotiations")]
QUAL = ["", " before the end of the year", " under certain conditions", " in the coming weeks",
        " if the region stays calm", " without a United Nations mandate"]
FILLER = ["The meeting took place in the capital on Tuesday.", "Officials gave no further details.",
          "Talks are expected to continue next month.", "The region has seen months of unrest.",
          "Several delegations arrived late because of the weather.", "Markets reacted calmly to the news.",
          "Analysts expect a long process.", "The statement was published online."]


def _actors(rng: random.Random) -> list[dict]:
    out = []
    for i in range(60):
        first, last, t = rng.choice(FIRST), rng.choice(LAST), rng.choice(TITLES)
        name = f"{first} {last}"
        out.append({"id": f"p{i}", "name": name, "type": "person", "mention": f"{t} {name}".strip()})
    for i, o in enumerate(ORGS):
        out.append({"id": f"o{i}", "name": o, "type": "government_body", "mention": f"the {o}"})
    for i, s in enumerate(STATES):
        out.append({"id": f"s{i}", "name": s, "type": "state", "mention": s})
    return out


def article(rng: random.Random, actors: list[dict], n: int, size: int) -> dict:
    text = ""
    spans, claims, stances, used = [], [], [], {}

    def add(s: str, label: str | None = None, actor: dict | None = None) -> str | None:
        nonlocal text
        start = len(text)
        text += s
        if label is None:
            return None
        sid = f"s{n}_{len(spans)}"
        spans.append({"id": sid, "start": start, "end": len(text), "label": label, "text": s,
                      "actor_id": actor["id"] if actor else None, "attrs": {}})
        if actor:
            used[actor["id"]] = actor
        return sid

    while len(text) < size:
        shape = rng.random()
        if shape < 0.35:
            text += rng.choice(FILLER) + " "
            continue
        a = rng.choice(actors)
        pos = rng.random() < 0.5
        tgt, obj = rng.choice(OBJ)
        claim = f"{rng.choice(SUBJ)} {rng.choice(VERB_POS if pos else VERB_NEG)} {obj}{rng.choice(QUAL)}"
        if shape < 0.65:
            src = add(a["mention"], "ACTOR", a)
            add(" ")
            cue = add(rng.choice(CUES), "CUE")
            add(" that ")
            cl = add(claim, "CLAIM")
            add(". ")
        elif shape < 0.85:
            add("“")
            cl = add(claim[0].upper() + claim[1:], "CLAIM")
            add(",” ")
            src = add(a["mention"], "ACTOR", a)
            add(" ")
            cue = add(rng.choice(CUES), "CUE")
            add(". ")
        else:
            cue = add("According to", "CUE")
            add(" ")
            src = add(a["mention"], "ACTOR", a)
            add(", ")
            cl = add(claim, "CLAIM")
            add(". ")
        claims.append({"span": cl, "source_kind": "actor", "source": a["id"], "source_span": src, "cue": cue,
                       "quote": "reported"})
        stances.append({"id": f"st{n}_{len(stances)}", "holder": a["id"], "target": tgt,
                        "polarity": "support" if pos else "oppose", "conditions": None, "evidence": [cl]})
    text = text.rstrip()
    return {"schema": "isfannotate.gold/1", "id": f"gen{n:04d}", "text": text,
            "sha256": hashlib.sha256(text.encode()).hexdigest(), "offset_unit": "codepoint",
            "meta": {"title": f"generated {n}"}, "split": None, "near_duplicate_group": None, "layer": "gold",
            "doc_labels": {}, "spans": spans, "claims": claims, "stances": stances, "relations": [],
            "actors": [{k: v for k, v in x.items() if k != "mention"} | {"aliases": [x["mention"]]}
                       for x in used.values()],
            "targets": [{"id": t, "name": o} for t, o in OBJ], "provenance": {}}


def write_corpus(path: str | Path, n_docs: int, *, size: int = 5000, seed: int = 0, start: int = 0) -> Path:
    """Write *n_docs* generated gold records (ids gen<start>..) to *path* (JSONL)."""
    rng = random.Random(seed)
    actors = _actors(random.Random(1234))
    path = Path(path)
    with path.open("w", encoding="utf-8") as f:
        for n in range(start, start + n_docs):
            f.write(json.dumps(article(rng, actors, n, size), ensure_ascii=False) + "\n")
    return path
