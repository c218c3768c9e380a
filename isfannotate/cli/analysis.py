"""The reading commands: agreement and stancemap."""
from __future__ import annotations

import argparse

from ..errors import IsfError
from .common import SubParsers, open_project


def add_analysis_parsers(sub: SubParsers) -> None:
    add_agreement_parser(sub)
    add_adjudicate_parser(sub)
    add_feedback_parser(sub)
    s = sub.add_parser("stancemap", help="who stands where on what",
                       description="The stance map: holders × targets with polarity (mixed when a holder's "
                                   "stances disagree), stance/document/evidence counts. Prints a table; writes "
                                   "the matrix (CSV, PNG, SVG), one row per stance (--long), the network as a "
                                   "picture or for Gephi/networkx (GEXF, GraphML) on request.")
    s.add_argument("project")
    s.add_argument(
        "--layer", default="gold", help="gold (default), an annotator, or all (every annotator side by side)"
    )
    s.add_argument("--documents", metavar="ID,...", help="only these documents")
    s.add_argument("--actor-type", action="append", metavar="TYPE", dest="actor_types",
                   help="only holders of this type ('armed group' or armed_group; repeat for several)")
    s.add_argument("--outlet", action="append", metavar="NAME", dest="outlets",
                   help="only documents of this outlet (the document meta's 'outlet'; repeat for several)")
    s.add_argument("--from", metavar="DATE", dest="date_from",
                   help="only documents dated on or after DATE (ISO; 2025-12 and 2025 mean the whole month/year)")
    s.add_argument("--to", metavar="DATE", dest="date_to", help="only documents dated on or before DATE (ISO)")
    s.add_argument("--sort", choices=["count", "name"], default="count", help="order of rows and columns")
    s.add_argument("--csv", metavar="FILE", help="write the matrix as CSV")
    s.add_argument("--long", metavar="FILE", help="write one row per stance as CSV (for pivots)")
    s.add_argument("--png", metavar="FILE", help="draw the matrix as PNG")
    s.add_argument("--svg", metavar="FILE", help="draw the matrix as SVG")
    s.add_argument("--network-png", metavar="FILE", help="draw the network as PNG")
    s.add_argument("--network-svg", metavar="FILE", help="draw the network as SVG")
    s.add_argument("--gexf", metavar="FILE", help="write the network as GEXF (Gephi)")
    s.add_argument("--graphml", metavar="FILE", help="write the network as GraphML (networkx, igraph, yEd)")

def add_agreement_parser(sub: SubParsers) -> None:
    g = sub.add_parser("agreement", help="inter-annotator agreement",
                       description="Span F1 (exact and overlap) per label, document and annotator pair, with the "
                                   "mean and population SD over pairs; Cohen's and Fleiss' kappa, Krippendorff's "
                                   "alpha and Gwet's AC1 on matched units (labels, actor links, claim sources, "
                                   "stance polarity, document labels). Incomplete units are counted, never dropped. "
                                   "Definitions: docs/agreement.md.")
    g.add_argument("project")
    g.add_argument("--annotators", metavar="A,B,...", help="compare only these layers (default: every annotator)")
    g.add_argument("--json", action="store_true", help="print JSON with the documented keys")
    g.add_argument("--html", metavar="FILE", help="write a self-contained HTML report with charts (instead of "
                                                  "printing the text report; prints where it went)")
    g.add_argument("--units", type=int, default=100, metavar="N",
                   help="disagreement units listed per list in the text report (default 100; 0: all)")


def add_adjudicate_parser(sub: SubParsers) -> None:
    j = sub.add_parser("adjudicate", help="put agreed units into gold",
                       description="Auto-merge into the gold layer, in one action: 'unanimous' takes the units every "
                                   "annotator who marked the document done has identically; 'majority' a version "
                                   "held by a strict majority of them (more than half: a tie is never decided) and "
                                   "by at least K of them (--min K, K >= 2, default 2). Decisions already made are "
                                   "never overwritten; running it twice changes nothing. The rest is decided with "
                                   "'isfannotate review' or in the app's review window (docs/reviewing.md).")
    j.add_argument("project")
    j.add_argument("--auto", required=True, choices=["unanimous", "majority"])
    j.add_argument("--min", type=int, metavar="K",
                   help="with majority: at least K annotators hold the version, besides more than half (K >= 2)")


def cmd_adjudicate(args: argparse.Namespace) -> int:
    from ..progress import ProgressBar
    if args.min is not None and (args.auto != "majority" or args.min < 2):   # refused before the project is opened
        raise IsfError("--min K goes with --auto majority" if args.auto != "majority" else
                       f"--min {args.min}: a majority needs at least 2 annotators who agree (K >= 2)")
    with open_project(args.project, "adjudicate") as project:
        project.author = "lead"
        bar = ProgressBar("adjudicating")
        change = project.adjudicate_auto(args.auto, min_k=args.min, progress=bar)
        bar.finish()
        queue = project.review_queue()
    n = len(change.rows("decisions"))
    print(f"{n} units accepted into gold ({args.auto}); {queue.decided} of {queue.units} units decided, "
          f"{queue.open_disagreements} disagreements left for review")
    return 0


def add_feedback_parser(sub: SubParsers) -> None:
    f = sub.add_parser("feedback", help="an annotator's decided units and agreement with gold",
                       description="For one annotator (or every annotator): their agreement with gold per label "
                                   "(span F1 over the documents gold has decided) and each decided unit on their "
                                   "documents with their version, gold's version, the sentence and the lead's note. "
                                   "--html writes one self-contained page per annotator.")
    f.add_argument("project")
    f.add_argument("annotator", nargs="?", help="the annotator (omitted: every annotator)")
    f.add_argument("--all", action="store_true", help="every annotator (as when ANNOTATOR is omitted)")
    f.add_argument("--html", metavar="PATH", help="write HTML: a FILE for one annotator, a DIR (one page per "
                                                  "annotator, feedback-NAME.html) for every annotator")
    f.add_argument("--json", action="store_true", help="print JSON (one object per annotator, in a list)")


def cmd_feedback(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from ..review.feedback_html import write_feedback_html, write_feedback_pages
    if args.all and args.annotator:
        raise IsfError("give an ANNOTATOR or --all, not both")
    with open_project(args.project, "feedback", read_only=True) as project:
        names = [args.annotator] if args.annotator else project.layers()
        if not names:
            raise IsfError(f"{args.project}: no annotator layers yet")
        fbs = [project.feedback(n) for n in names]
        pname = project.name
    if args.html:
        try:
            if args.annotator:
                if Path(args.html).is_dir():
                    raise IsfError(f"{args.html} is a folder: for one annotator --html takes a file name "
                                   "(for every annotator, omit ANNOTATOR and give a folder)")
                paths = [write_feedback_html(fbs[0], args.html, project_name=pname)]
            else:
                if Path(args.html).exists() and not Path(args.html).is_dir():
                    raise IsfError(f"{args.html} is a file: for every annotator --html takes a folder")
                paths = write_feedback_pages(fbs, args.html, project_name=pname)
        except OSError as e:
            raise IsfError(f"{args.html}: cannot write: {e.strerror}") from None
        for fb, path in zip(fbs, paths, strict=True):
            print(f"wrote feedback for {fb.annotator} to {path}")
        return 0
    if args.json:
        print(json.dumps([fb.to_dict() for fb in fbs], ensure_ascii=False, indent=1))
        return 0
    print("\n".join(fb.text() for fb in fbs), end="")
    return 0


def cmd_agreement(args: argparse.Namespace) -> int:
    from ..agreement import report_json, report_text, write_html
    from ..team.layers import agreement
    names = [x.strip() for x in args.annotators.split(",") if x.strip()] if args.annotators else None
    if args.units < 0:
        raise IsfError(f"--units takes a number of units, 0 for all (got {args.units})")
    with open_project(args.project, "agreement", read_only=True) as project:
        result = agreement(project, names, with_texts=True)
        title = f"Agreement — {project.name}"
    if args.html:
        try:
            write_html(result, args.html, title=title)
        except OSError as e:
            raise IsfError(f"{args.html}: cannot write: {e.strerror}") from None
    if args.json:
        print(report_json(result))
    elif args.html:
        print(f"wrote the HTML agreement report to {args.html}")
    else:
        print(report_text(result, max_units=args.units or None), end="")
    return 0


def cmd_stancemap(args: argparse.Namespace) -> int:
    from ..stancemap import Scope, build_map, describe_scope, export, render, resolve_scope
    docs = [d.strip() for d in args.documents.split(",") if d.strip()] if args.documents else None
    with open_project(args.project, "stancemap", read_only=True) as project:
        if docs:
            for d in docs:
                project.document(d)
        scope = resolve_scope(project, Scope(layer=args.layer, documents=docs, actor_types=args.actor_types,
                                             outlets=args.outlets, date_from=args.date_from, date_to=args.date_to))
        smap = build_map(project, scope)
        rows = export.stance_rows(project, scope) if args.long else None
        polarities = list(project.scheme.stance.polarities)
        title, net_title = f"Stance map — {project.name}", f"Stance network — {project.name}"
    if not smap.cells:
        raise IsfError(f"no stances with a holder and a target in this scope ({describe_scope(scope)})")
    writers = (
        (args.csv, lambda p: render.write_csv(smap, p, sort=args.sort), ""),
        (args.long, lambda p: export.write_long_csv(rows or [], p), f" ({len(rows or [])} stances, one per row)"),
        (args.png, lambda p: render.draw_matrix(smap, p, sort=args.sort, polarities=polarities, title=title), ""),
        (args.svg, lambda p: render.draw_matrix(smap, p, sort=args.sort, polarities=polarities, title=title), ""),
        (args.network_png, lambda p: render.draw_network(smap, p, polarities=polarities, title=net_title), ""),
        (args.network_svg, lambda p: render.draw_network(smap, p, polarities=polarities, title=net_title), ""),
        (args.gexf, lambda p: export.write_gexf(smap, p, polarities), f" ({len(smap.cells)} edges)"),
        (args.graphml, lambda p: export.write_graphml(smap, p, polarities), f" ({len(smap.cells)} edges)"))
    for path, draw, what in writers:
        if path:
            try:
                draw(path)
            except OSError as e:
                raise IsfError(f"{path}: cannot write: {e.strerror}") from None
            print(f"wrote {path}{what}")
    if scope.actor_types or scope.outlets or scope.date_from or scope.date_to or docs:
        print(f"scope: {describe_scope(scope)}")
    for layer in smap.layers:
        if len(smap.layers) > 1:
            print(f"[{layer}]")
        for h in smap.sorted_holders(args.sort):
            for t in smap.sorted_targets(args.sort):
                c = smap.cell(h.id, t.id, layer)
                if c is not None:
                    flag = "  <- mixed evidence" if c.mixed else ""
                    print(f"{h.name} → {t.name}: {c.label()} ({c.stances} stances, {len(c.documents)} documents, "
                          f"{c.evidence} evidence){flag}")
    return 0

ANALYSIS_COMMANDS = {"stancemap": cmd_stancemap, "agreement": cmd_agreement, "adjudicate": cmd_adjudicate,
                     "feedback": cmd_feedback}
