"""The lead's commands: assign, handout, merge."""
from __future__ import annotations

import argparse
import sys
from typing import Any

from ..errors import IsfError
from .common import SubParsers, nothing_left, open_project


def add_team_parsers(sub: SubParsers) -> None:
    a = sub.add_parser("assign", help="assign documents to annotators",
                       description="Assign every document to N annotators, round-robin (balanced, seeded). "
                                   "Replaces earlier assignments of those documents; undoable in the app.")
    a.add_argument("project")
    a.add_argument("--annotators", required=True, metavar="A,B,...", help="annotator names, comma-separated")
    a.add_argument("--overlap", type=int, default=2,
                   help="annotators per document (default 2, so that agreement can be measured)")
    a.add_argument("--seed", type=int, default=0, help="seed of the round-robin order (default 0)")
    a.add_argument("--documents", metavar="ID,...", help="only these documents (default: all)")

    h = sub.add_parser("handout", help="write one project file per annotator",
                       description="Write DIR/<project>-<annotator>.isf for every annotator with assigned "
                                   "documents: the scheme, guidelines, registry, targets and only their documents.")
    h.add_argument("project")
    h.add_argument("--out", required=True, metavar="DIR", help="folder for the files (created if needed)")
    h.add_argument("--force", action="store_true", help="overwrite existing files of the same names")

    m = sub.add_parser("merge", help="bring annotators' files back into the project",
                       description="Merge annotators' project files: documents matched by sha256, registries "
                                   "reconciled (conflicts listed), each annotator's layer only. All-or-nothing; "
                                   "merging the same file twice changes nothing.")
    m.add_argument("project")
    m.add_argument("files", nargs="+", metavar="FILE")
    m.add_argument("--new-annotator", action="append", default=[], metavar="NAME",
                   help="accept NAME's file although this project did not hand it out to NAME (a new annotator, "
                        "or a file made elsewhere); repeat for several")


def _names(raw: str) -> list[str]:
    names = [x.strip() for x in raw.split(",") if x.strip()]
    if not names:
        raise IsfError("--annotators takes names separated by commas, e.g. alice,bob,chen")
    return names


def cmd_assign(args: argparse.Namespace) -> int:
    docs = [d.strip() for d in args.documents.split(",") if d.strip()] if args.documents else None
    with open_project(args.project, "assign") as project:
        project.author = "lead"
        change = project.assign_round_robin(_names(args.annotators), overlap=args.overlap, seed=args.seed,
                                            document_ids=docs)
    print(assignment_table([op.after for op in change.rows("assignments") if op.after is not None],
                           _names(args.annotators), args.overlap, args.seed))
    return 0


def assignment_table(rows: list[dict[str, Any]], names: list[str], overlap: int, seed: int) -> str:
    """What one ``assign`` did: per annotator, how many documents and how many of them each other
    annotator shares (the overlap that agreement is measured on)."""
    per: dict[str, set[str]] = {n: set() for n in names}
    for r in rows:
        per.setdefault(r["annotator"], set()).add(r["document_id"])
    docs = {r["document_id"] for r in rows}
    lines = [f"assigned {len(docs)} documents to {len(per)} annotators, {overlap} per document (seed {seed})"]
    width = max(len("annotator"), *(len(n) for n in per))
    lines.append(f"{'annotator'.ljust(width)}  documents  shared with")
    lines.append(f"{'-' * width}  ---------  -----------")
    for n, mine in per.items():
        shared = ", ".join(f"{o} {len(mine & theirs)}" for o, theirs in per.items() if o != n and mine & theirs)
        lines.append(f"{n.ljust(width)}  {len(mine):>9}  {shared or '—'}")
    return "\n".join(lines)


def cmd_handout(args: argparse.Namespace) -> int:
    from ..progress import ProgressBar
    with open_project(args.project, "handout") as project:   # records what it handed out
        bar = ProgressBar("writing")
        paths = project.handout(args.out, force=args.force, progress=bar)
        bar.finish()
    for p in paths:
        print(p)
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    from ..progress import ProgressBar
    with open_project(args.project, "merge") as project:
        project.author = "lead"
        bar = ProgressBar("merging")
        report = project.merge(args.files, new_annotators=args.new_annotator, progress=bar)
        bar.finish()
    print(report.summary())
    conflicts = [c for f in report.files for c in f.conflicts]
    for c in conflicts:
        print(f"conflict: {c}", file=sys.stderr)
    if conflicts:
        print("decide the registry conflicts in the app (Team → Registry conflicts)", file=sys.stderr)
    nothing_left()   # committed, closed and told: the command line's process may end at once
    return 0


TEAM_COMMANDS = {"assign": cmd_assign, "handout": cmd_handout, "merge": cmd_merge}
