"""``isfannotate suggest train|run|eval|stats|use|off``: the suggestion model (docs/suggestions.md)."""
from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

from ..errors import IsfError
from .common import SubParsers, open_project


def add_suggest_parsers(sub: SubParsers) -> None:
    s = sub.add_parser("suggest", help="suggestions learned from gold (train, run, eval, stats)",
                       description="A small model trained on the project's gold (spaCy, on this computer, no "
                                   "network) that suggests spans, claims' sources and cues, and stances. "
                                   "Needs: pip install 'isfannotate[ml]'. Docs: docs/suggestions.md.")
    ss = s.add_subparsers(dest="suggest_command", metavar="SUBCOMMAND", required=True)
    t = ss.add_parser("train", help="train a model (stored in the project as the next version, enabled)",
                      description="Train on the layer's documents marked done (or, if none is, those holding "
                                  "annotations) in a child process; the model is stored as the next version and "
                                  "enabled. Ctrl+C stops it and leaves the project unchanged.")
    t.add_argument("project")
    t.add_argument("--layer", default="gold", help="the layer to learn from (default: gold)")
    t.add_argument("--include-layers", metavar="A,B", help="also learn from these layers' annotations, for "
                   "documents the layer does not cover")
    t.add_argument("--update", action="store_true", help="continue from the enabled model on the documents it has "
                   "not seen plus a sample of the others (fast)")
    t.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    t.add_argument("--epochs", type=int, default=None, metavar="N",
                   help="passes over the data when training from scratch (default: 600,000 tokens' worth, 1 to 30)")
    r = ss.add_parser("run", help="print the enabled model's suggestions (writes nothing)",
                      description="Print the suggestions for one document (or every document) of a layer: "
                                  "kind, offsets, label, score and the text. Writes nothing.")
    r.add_argument("project")
    r.add_argument("--document", metavar="ID", help="only this document")
    r.add_argument("--layer", default="gold", help="the layer the suggestions are for (default: gold)")
    r.add_argument("--min-score", type=float, default=None, metavar="X",
                   help="leave out scores below X (default: the project's minimum score per label)")
    r.add_argument("--json", action="store_true", help="print JSON lines (one per document)")
    e = ss.add_parser("eval", help="cross-validated precision, recall and F1, and a learning curve",
                      description="K-fold cross-validation by document (near-duplicates kept in one fold): "
                                  "precision, recall, F1 per label, exact and overlap, stance polarity accuracy, "
                                  "and a learning curve over 25/50/75/100%% of each training part. Writes nothing "
                                  "to the project.")
    e.add_argument("project")
    e.add_argument("--layer", default="gold")
    e.add_argument("--folds", type=int, default=5, metavar="K", help="number of folds (default 5)")
    e.add_argument("--json", metavar="FILE", help="write the result as JSON")
    e.add_argument("--png", metavar="FILE", help="draw the learning curve as PNG")
    e.add_argument("--seed", type=int, default=0, help="fold assignment and sampling seed (default 0)")
    e.add_argument("--min-score", type=float, default=0.5, metavar="X", help="a suggestion counts at score ≥ X")
    e.add_argument("--epochs", type=int, default=None, metavar="N", help="each fold's training: as suggest train's")
    e.add_argument("--curve", default="0.25,0.5,0.75,1", metavar="S,...",
                   help="shares of each training part for the learning curve (default 0.25,0.5,0.75,1)")
    st = ss.add_parser("stats", help="acceptance per model version and label, from the logged decisions",
                       description="Per model version and label: accepted, corrected before acceptance, rejected, "
                                   "acceptance rate, and the inputs saved per document (docs/suggestions.md).")
    st.add_argument("project")
    st.add_argument("--json", action="store_true", help="print JSON")
    u = ss.add_parser("use", help="enable a stored model version")
    u.add_argument("project")
    u.add_argument("model_version", type=int, metavar="VERSION")
    o = ss.add_parser("off", help="switch suggestions off (no model suggests anything)")
    o.add_argument("project")
    ls = ss.add_parser("models", help="list the stored model versions")
    ls.add_argument("project")


def _layers(text: str | None) -> list[str]:
    return [x.strip() for x in (text or "").split(",") if x.strip()]


def cmd_suggest(a: argparse.Namespace) -> int:
    return {"train": _train, "run": _run, "eval": _eval, "stats": _stats, "use": _use, "off": _off,
            "models": _models}[a.suggest_command](a)


def _train(a: argparse.Namespace) -> int:
    from ..progress import ProgressBar
    from ..suggest import require_spacy
    require_spacy()
    with open_project(a.project, "suggest train") as project:
        bar = ProgressBar("training")
        info = project.train_suggestions(a.layer, _layers(a.include_layers), update=a.update, progress=bar,
                                         seed=a.seed, epochs=a.epochs)
        bar.finish()
    m = info.metrics
    print(f"model {info.version}: trained on {info.n_documents} documents of {info.layer} "
          f"({m.get('mode')}, {m.get('epochs', '-')} epochs, {m.get('seconds')} s); labels: {', '.join(info.labels)}; "
          f"{m.get('skipped_documents', 0)} documents skipped (not annotated); enabled")
    if m.get("spans_not_on_token_boundaries"):
        print(f"  {m['spans_not_on_token_boundaries']} spans not on word boundaries (or overlapping one of the same "
              "label) were left out of training")
    return 0


def _run(a: argparse.Namespace) -> int:
    from ..suggest import require_spacy
    require_spacy()
    with open_project(a.project, "suggest run", read_only=True) as project:
        if project.suggestion_model() is None:
            raise IsfError("no model is enabled: train one (isfannotate suggest train PROJECT) or enable one "
                           "(isfannotate suggest use PROJECT VERSION)")
        ids = [a.document] if a.document else [d for d, _ in project.document_list()]
        for doc_id in ids:
            text = project.document(doc_id).text
            found = project.model_suggestions(doc_id, a.layer, min_score=project.min_score_map() if a.min_score is None
                                              else a.min_score)
            if a.json:
                print(json.dumps({"document": doc_id, "suggestions": [s.to_json() | {"text": text[s.start:s.end]}
                                                                      for s in found]}, ensure_ascii=False))
                continue
            print(f"{doc_id}: {len(found)} suggestions")
            for s in found:
                extra = ""
                if s.kind == "claim":
                    extra = f"  source {s.source} cue {s.cue}"
                elif s.kind == "stance":
                    extra = f"  holder {s.holder} target {s.target}"
                snippet = " ".join(text[s.start:s.end].split())
                snippet = snippet if len(snippet) <= 70 else snippet[:67] + "…"
                print(f"  {s.kind:6} {s.start}-{s.end} {s.label} {s.score:.2f} “{snippet}”{extra}")
    return 0


def _fmt(x: float | None) -> str:
    return "  -  " if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.3f}"


def _shares(text: str) -> list[float]:
    try:
        shares = [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise IsfError(f"--curve {text}: give shares between 0 and 1, comma-separated (0.25,0.5,1)") from None
    if not shares or any(not 0 < x <= 1 for x in shares):
        raise IsfError(f"--curve {text}: give shares between 0 and 1, comma-separated (0.25,0.5,1)")
    return shares


def _eval(a: argparse.Namespace) -> int:
    from ..progress import ProgressBar
    from ..suggest import require_spacy
    require_spacy()
    for out in (a.json, a.png):
        if out and not Path(out).parent.exists():
            raise IsfError(f"{out}: folder {Path(out).parent} does not exist")
    with open_project(a.project, "suggest eval", read_only=True) as project:
        bar = ProgressBar("cross-validating")
        result = project.evaluate_suggestions(a.layer, folds=a.folds, seed=a.seed, min_score=a.min_score,
                                              shares=_shares(a.curve), epochs=a.epochs, progress=bar)
        bar.finish()
    print(f"{result['folds']}-fold cross-validation on {result['layer']}: {result['documents']} documents "
          f"({result['document_groups']} groups), folds of {result['fold_sizes']}; {result['note']}")
    print(f"{'label':<12} {'P exact':>8} {'R exact':>8} {'F1 exact':>8}   {'P over':>8} {'R over':>8} {'F1 over':>8}"
          f"  {'gold':>5}")
    for lab, v in result["spans"].items():
        ex, ov = v["exact"], v["overlap"]
        print(f"{lab:<12} {_fmt(ex['precision']):>8} {_fmt(ex['recall']):>8} {_fmt(ex['f1']):>8}   "
              f"{_fmt(ov['precision']):>8} {_fmt(ov['recall']):>8} {_fmt(ov['f1']):>8}  {ex['tp'] + ex['fn']:>5}")
    sp = result["stance_polarity"]
    print(f"stance polarity: accuracy {_fmt(sp['accuracy'])} on {sp['n']} held-out stances "
          f"(always the training part's most common polarity: {_fmt(sp['majority_baseline'])})")
    print("learning curve (all labels, F1 exact / overlap): " + "; ".join(
        f"{c['train_documents']:g} docs {_fmt(c['f1_exact'])}/{_fmt(c['f1_overlap'])}"
        for c in result["learning_curve"]))
    if a.json:
        Path(a.json).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {a.json}")
    if a.png:
        from ..suggest.evaluate import write_png
        write_png(result, a.png)
        print(f"wrote {a.png}")
    return 0


def _stats(a: argparse.Namespace) -> int:
    with open_project(a.project, "suggest stats", read_only=True) as project:
        result = project.suggestion_stats()
    if a.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return 0
    if not result["versions"]:
        print("no decisions on model suggestions logged yet")
        return 0
    for v in result["versions"]:
        name = f"model {v['model_version']}" if v["model_version"] is not None else "no model version"
        print(f"{name}: {v['documents']} documents, inputs saved {v['inputs_saved']} "
              f"({v['inputs_saved_per_document']} per document)")
        print(f"  {'label':<20} {'accepted':>8} {'corrected':>9} {'rejected':>8} {'acceptance':>10}")
        for lab, c in v["labels"].items():
            rate = "-" if c["acceptance_rate"] is None else f"{c['acceptance_rate']:.0%}"
            print(f"  {lab:<20} {c['accepted']:>8} {c['corrected']:>9} {c['rejected']:>8} {rate:>10}")
    return 0


def _use(a: argparse.Namespace) -> int:
    with open_project(a.project, "suggest use") as project:
        project.set_suggestions_enabled(a.model_version)
    print(f"model {a.model_version} enabled")
    return 0


def _off(a: argparse.Namespace) -> int:
    with open_project(a.project, "suggest off") as project:
        project.set_suggestions_enabled(None)
    print("suggestions switched off (no model enabled); isfannotate suggest use PROJECT VERSION switches one on")
    return 0


def _models(a: argparse.Namespace) -> int:
    with open_project(a.project, "suggest models", read_only=True) as project:
        models = project.suggestion_models()
    if not models:
        print("no models yet: isfannotate suggest train PROJECT")
    for m in models:
        print(f"{m.version}{' (enabled)' if m.enabled else ''}: {m.created_at} on {m.layer}"
              f"{' + ' + ','.join(m.include_layers) if m.include_layers else ''}, {m.n_documents} documents, "
              f"labels {', '.join(m.labels)}, {m.size // 1024} KB")
    return 0


SUGGEST_COMMANDS = {"suggest": cmd_suggest}
