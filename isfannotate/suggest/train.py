"""Training the suggestion model (run in the child process, ``worker``; also in-process by tests).

Three small spaCy components trained from blank pipelines (no pretrained download, no network),
then saved as ONE pipeline (``pipeline/``: one tokenizer and vocabulary to load, which is most of
a load's cost; models stored before kept three folders, which ``Recommender`` still reads):
- ``spans``: one ``tagger`` over every span label at once. Labels overlap (an ACTOR inside a
  CLAIM), so a token's tag is the combination of its B/I tags in every label ("ACTOR-B CLAIM-I",
  "O" for none); at suggestion time each label's B/I/O probabilities are summed out of the
  combinations and decoded into spans (``tags``). Linear in tokens: a ``spancat`` over clause
  candidates measured 7 s per update of 8 articles (45,000 candidates), far over the budget.
  Small tok2vec: hash embeddings width 64, four CNN layers of window 1 (sees 4 tokens each side);
- ``stance``: a bag-of-words ``textcat`` over "holder | target | claim" for the polarity;
- ``target``: a bag-of-words ``textcat`` over the claim for the target (when gold has two or more);
plus ``meta.json``: the labels, the training documents, and what gold says of the claim-source
proposals (how often the gold source was the proposal's first, second... candidate) and of the
cue proposal, which scores the proposals at suggestion time.
"""
from __future__ import annotations

import json
import random
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .tags import token_tags

WIDTH = 32
# the words (lowercased) and their shapes ("Xxxxx", "dd"): capitals matter for names; four CNN
# layers of window 1 let a token see four tokens on each side. Measured on this machine with 8
# other processes running: 13,000 tokens/s in training, 11 ms to tag a 5 KB article
# (width 64 with prefix and suffix embeddings: 5,100 tokens/s and 45 ms).
TOK2VEC = {"@architectures": "spacy.Tok2Vec.v2",
           "embed": {"@architectures": "spacy.MultiHashEmbed.v2", "width": WIDTH, "attrs": ["NORM", "SHAPE"],
                     "rows": [5000, 500], "include_static_vectors": False},
           "encode": {"@architectures": "spacy.MaxoutWindowEncoder.v2", "width": WIDTH, "depth": 4,
                      "window_size": 1, "maxout_pieces": 2}}
TAGGER = {"model": {"@architectures": "spacy.Tagger.v2", "nO": None, "normalize": False, "tok2vec": TOK2VEC}}
TEXTCAT = {"model": {"@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": True, "ngram_size": 2,
                     "no_output_layer": False, "length": 16384}}
TOKEN_BUDGET = 600_000     # from scratch: epochs = this / the corpus's tokens, within 1..30
UPDATE_EPOCHS = 3          # resuming: the new documents plus as many old ones, sampled
BATCH = 8
TEXTCAT_BATCH = 64
TEXTCAT_EPOCHS = 5
TEXTCAT_MAX = 800          # examples per classifier (sampled beyond): 1,800 took 10 s, most of an update


def _span_examples(nlp: Any, docs: list[dict[str, Any]], labels: set[str]) -> tuple[list[Any], int]:
    from spacy.training import Example
    out: list[Any] = []
    dropped = 0
    for d in docs:
        pred = nlp.make_doc(d["text"])
        tags, lost = token_tags(pred, [(s, e, lab) for s, e, lab in d["spans"] if lab in labels])
        dropped += lost
        out.append(Example.from_dict(pred, {"tags": tags}))
    return out, dropped


def _textcat_examples(nlp: Any, items: list[tuple[str, str]], classes: list[str]) -> list[Any]:
    from spacy.training import Example
    out = []
    for text, cls in items:
        ref = nlp.make_doc(text)
        ref.cats = {c: float(c == cls) for c in classes}
        out.append(Example(nlp.make_doc(text), ref))
    return out


def _loop(nlp: Any, examples: list[Any], optimizer: Any, epochs: int, rng: random.Random, tick: Callable[[], None],
          size: int = BATCH) -> float:
    from spacy.util import minibatch
    batches: Callable[..., Any] = minibatch    # untyped in spaCy
    loss = 0.0
    for _ in range(epochs):
        rng.shuffle(examples)
        losses: dict[str, float] = {}
        for batch in batches(examples, size=size):
            nlp.update(batch, sgd=optimizer, drop=0.1, losses=losses)
            tick()
        loss = sum(losses.values())
    return loss


def steps(n_docs: int, n_stances: int, epochs: int) -> int:
    return epochs * -(-n_docs // BATCH) + 2 * TEXTCAT_EPOCHS * -(-min(n_stances, TEXTCAT_MAX) // TEXTCAT_BATCH)


def scratch_epochs(docs: list[dict[str, Any]]) -> int:
    tokens = sum(len(d["text"]) for d in docs) / 5.5   # about 5.5 characters a token in news English
    return max(1, min(30, int(TOKEN_BUDGET / max(tokens, 1))))


def train(data: dict[str, Any], out_dir: str | Path, *, resume_dir: str | Path | None = None, seed: int = 0,
          progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Train on *data* (``data.training_data``) and write the pipelines to *out_dir*; returns the
    metrics (counts and timings; never quality: that is ``evaluate``'s, on held-out documents).
    With *resume_dir* (a previous model's folder) the span model continues from it on the
    documents it has not seen plus a sample of the others (falls back to from scratch when the
    labels changed). ``data["epochs"]``, when set, replaces the epochs of a training from scratch."""
    import spacy
    from thinc.api import fix_random_seed
    fix_random_seed(seed)     # the weights' initialisation and dropout too: the same data and seed, the same model
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    t0 = time.perf_counter()
    docs = data["docs"]
    labels = sorted({lab for d in docs for _, _, lab in d["spans"]})
    stances = [s for d in docs for s in d["stances"]]
    metrics: dict[str, Any] = {"documents": len(docs), "spans": sum(len(d["spans"]) for d in docs),
                               "stances": len(stances), "labels": labels, "mode": "scratch"}
    prev_meta: dict[str, Any] | None = None
    prev_dir = Path(resume_dir) if resume_dir is not None else None
    if prev_dir is not None and (prev_dir / "meta.json").exists():
        prev_meta = json.loads((prev_dir / "meta.json").read_text(encoding="utf-8"))
    resume_from: tuple[Path, dict[str, Any]] | None = None    # the previous model's folder and meta
    if prev_dir is not None and prev_meta is not None and prev_meta.get("span_labels") == labels and (
            "tagger" in prev_meta.get("pipes", []) or (prev_dir / "spans").exists()):
        resume_from = (prev_dir, prev_meta)
    resume = resume_from is not None
    if prev_meta is not None and not resume:
        metrics["mode"] = "scratch (the labels changed since the previous model)"
    train_docs = docs
    epochs = int(data.get("epochs") or scratch_epochs(docs))
    new_ids: set[str] = set()
    if resume_from is not None:
        seen = set(resume_from[1].get("train_docs", []))
        new_ids = {d["id"] for d in docs if d["id"] not in seen}
        epochs = UPDATE_EPOCHS
        metrics.update(mode="update", new_documents=len(new_ids), replayed_documents=len(docs) - len(new_ids))
    total = steps(len(train_docs) if labels else 0, len(stances), epochs)
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(min(done, total), total)

    nlp = None
    if labels:
        if resume_from is not None:
            nlp = load_spans(resume_from[0])
            optimizer = nlp.resume_training()
            examples, dropped = _span_examples(nlp, train_docs, set(labels))
        else:
            nlp = spacy.blank(data.get("lang", "en"))
            nlp.add_pipe("tagger", config=TAGGER)
            examples, dropped = _span_examples(nlp, train_docs, set(labels))
            optimizer = nlp.initialize(lambda: examples)
        metrics["spans_not_on_token_boundaries"] = dropped
        metrics["epochs"] = epochs
        metrics["span_loss"] = round(_loop(nlp, examples, optimizer, epochs, rng, tick), 4)
    metrics["span_seconds"] = round(time.perf_counter() - t0, 2)
    # stance polarity and target: bag-of-words classifiers (fast; the gold has few stances)
    pol = sorted({s["polarity"] for s in stances})
    stance = target = None
    if len(pol) >= 2:
        stance = _train_textcat(data, [(s["text"], s["polarity"]) for s in stances], pol, rng, tick)
    tgt = sorted({s["target"] for s in stances if s["target"]})
    if len(tgt) >= 2:
        target = _train_textcat(data, [(s["claim_text"], s["target"]) for s in stances if s["target"]], tgt,
                                rng, tick)
    pipes = _save_pipeline(data.get("lang", "en"), nlp, stance, target, out_dir / PIPELINE)
    # what gold says of the claim proposals: counted once per document (an update adds its new ones)
    counted = [d for d in docs if d["id"] in new_ids] if resume else docs
    ranks = Counter(str(c["source_rank"]) for d in counted for c in d["claims"] if c["has_source"])
    with_cue = [c for d in counted for c in d["claims"] if c["cue"]]
    cue_right, cue_total = sum(c["cue_proposed_right"] for c in with_cue), len(with_cue)
    train_ids = [d["id"] for d in docs]
    if resume_from is not None:
        prev = resume_from[1]
        ranks.update(prev.get("source_ranks", {}))
        cue_right += prev.get("cue_right", 0)
        cue_total += prev.get("cue_total", 0)
        train_ids = list(dict.fromkeys(prev.get("train_docs", []) + train_ids))
    metrics["trained_documents"] = len(train_ids)
    meta = {"span_labels": labels, "train_docs": train_ids, "polarities": pol, "targets": tgt,
            "source_ranks": dict(ranks),
            "cue_right": cue_right, "cue_total": cue_total,
            "roles": data.get("roles", {}), "lang": data.get("lang", "en"), "pipes": pipes}
    (out_dir / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    metrics["seconds"] = round(time.perf_counter() - t0, 2)
    if progress:
        progress(total, total)
    return metrics


PIPELINE = "pipeline"   # the one saved pipeline: "tagger" (spans), "stance" and "target" (textcat)


def load_spans(folder: Path) -> Any:
    """The span tagger's pipeline of a model folder (one pipeline, or the older ``spans/``)."""
    import spacy
    if (folder / PIPELINE).exists():
        return spacy.load(folder / PIPELINE, exclude=["stance", "target"])
    return spacy.load(folder / "spans")


def _save_pipeline(lang: str, spans: Any, stance: Any, target: Any, path: Path) -> list[str]:
    """The tagger and the two classifiers as one pipeline at *path* (the classifiers copied in
    with ``source``: their weights as trained); returns its component names."""
    import spacy
    nlp = spans if spans is not None else spacy.blank(lang)
    for name, other in (("stance", stance), ("target", target)):
        if other is not None:
            nlp.add_pipe("textcat", name=name, source=other)
    nlp.to_disk(path)
    return list(nlp.pipe_names)


def _train_textcat(data: dict[str, Any], items: list[tuple[str, str]], classes: list[str],
                   rng: random.Random, tick: Callable[[], None]) -> Any:
    import spacy
    if len(items) > TEXTCAT_MAX:
        items = rng.sample(items, TEXTCAT_MAX)
        classes = [c for c in classes if any(cls == c for _, cls in items)]
        if len(classes) < 2:
            return None
    nlp = spacy.blank(data.get("lang", "en"))
    tc: Any = nlp.add_pipe("textcat", config=TEXTCAT)
    for c in classes:
        tc.add_label(c)
    examples = _textcat_examples(nlp, items, classes)
    optimizer = nlp.initialize(lambda: examples)
    _loop(nlp, examples, optimizer, TEXTCAT_EPOCHS, rng, tick, TEXTCAT_BATCH)
    return nlp
