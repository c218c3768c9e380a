"""``isfannotate review list|decide``: per-unit decisions from the command line, through the same
core functions as the review window (``review_documents``, ``Project.decide``), so a decision
made here is the same action, shows in the app and names the same undo there.

A unit's id is its review key, ``KIND:DOCUMENT:HASH``: the hash is of every annotator's version
(``review.units._unit_key``), never a list position, so the id stays the same across runs until
an annotator changes their version (then the unit is new and undecided again).
"""
from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import IsfError
from .common import SubParsers, open_project

if TYPE_CHECKING:
    from ..project import Project
    from ..review.units import ReviewDoc, ReviewUnit

STATES = ("open", "undecided", "decided", "all", "agree", "disagree", "incomplete", "accepted", "rejected")


def add_review_parsers(sub: SubParsers) -> None:
    r = sub.add_parser("review", help="list units to review, decide one into gold",
                       description="Review and adjudication unit by unit, as in the app's review window "
                                   "(docs/reviewing.md). 'review list' prints each unit's id, state, what differs "
                                   "and every annotator's version; 'review decide' takes one annotator's version, "
                                   "an edited version, or rejects every version, as one action.")
    rs = r.add_subparsers(dest="review_command", metavar="list|decide", required=True)
    ls = rs.add_parser("list", help="the units of a project or document, with their versions",
                       description="Units in document order. --state (repeat it or give a comma list): open "
                                   "(undecided disagreements and incomplete units, the default), undecided, decided, "
                                   "all, or a unit state: agree, disagree, incomplete, accepted, rejected.")
    ls.add_argument("project")
    ls.add_argument("--document", metavar="ID", help="only this document")
    ls.add_argument("--state", action="append", metavar="STATE",
                    help=f"which units: {', '.join(STATES)} (default open)")
    ls.add_argument("--json", action="store_true",
                    help="print a JSON list of units: id, document, kind, state, differs, versions (annotator → "
                         "version), decision")
    d = rs.add_parser("decide", help="decide one unit into gold",
                      description="Decide UNIT (an id from 'review list'): --take an annotator's version, --reject "
                                  "every version, or --edit FILE (a JSON object shaped like a version in "
                                  "'review list --json'; the parts that may change are checked against the scheme). "
                                  "Deciding a unit again replaces the earlier decision; --undecide takes it back.")
    d.add_argument("project")
    d.add_argument("unit", help="a unit id from 'isfannotate review list'")
    how = d.add_mutually_exclusive_group(required=True)
    how.add_argument("--take", metavar="ANNOTATOR", help="accept this annotator's version")
    how.add_argument("--reject", action="store_true", help="reject every version (nothing goes into gold)")
    how.add_argument("--edit", metavar="FILE", help="accept the version in FILE (JSON)")
    how.add_argument("--undecide", action="store_true",
                     help="take back the unit's decision (what it put into gold goes; the unit is open again)")
    d.add_argument("--note", default="", help="the adjudicator's note, kept with the decision")
    d.add_argument("--by", default="lead", metavar="NAME", help="who decides (recorded as decided_by; default lead)")


def _states(given: list[str] | None) -> set[str]:
    out = set()
    for item in given or ["open"]:
        for s in item.split(","):
            s = s.strip()
            if s not in STATES:
                raise IsfError(f"--state {s!r}: choose from {', '.join(STATES)}")
            out.add(s)
    return out


def _wanted(unit: ReviewUnit, states: set[str]) -> bool:
    st = unit.state
    return ("all" in states or st in states
            or ("open" in states and not unit.decided and st in ("disagree", "incomplete"))
            or ("undecided" in states and not unit.decided)
            or ("decided" in states and unit.decided))


def _reviews(project: Project, documents: list[str] | None,
             progress: Callable[[int, int], None]) -> list[ReviewDoc]:
    """Every document's review in document order, read 500 documents at a time (with progress)."""
    from ..review import review_documents
    docs = documents if documents is not None else [d for d, _t in project.document_list()]
    out: list[ReviewDoc] = []
    for k in range(0, len(docs), 500):
        progress(k, len(docs))
        got = review_documents(project, docs[k:k + 500])
        out += [got[d] for d in docs[k:k + 500] if d in got]
    progress(len(docs), len(docs))
    return out


def unit_json(unit: ReviewUnit) -> dict[str, Any]:
    """A unit as ``review list --json`` prints it."""
    dec = unit.decision
    return {"id": unit.key, "document": unit.doc, "kind": unit.kind, "state": unit.state, "differs": unit.differs(),
            "start": unit.start, "end": unit.end, "label": unit.label or None,
            "coders": list(unit.coders), "missing": list(unit.missing),
            "versions": {a: {k: v for k, v in unit.versions[a].items()} for a in unit.coders if a in unit.versions},
            "decision": None if dec is None else {k: dec.get(k) for k in ("decision", "chosen", "note",
                                                                            "decided_by", "decided_at")}}


def _version_text(kind: str, v: dict[str, Any], text: str, names: Callable[[str | None], str]) -> str:
    def quoted(s: int, e: int) -> str:
        t = " ".join(text[s:e].split())
        return f"“{t if len(t) <= 60 else t[:59] + '…'}”"
    if kind == "span":
        link = f" → {names(v['link'])}" if v.get("link") else ""
        return f"{v['label']} {v['start']}-{v['end']} {quoted(v['start'], v['end'])}{link}"
    if kind == "claim":
        src = "the article" if v.get("source_kind") == "article" else (names(v["source"]) if v.get("source") else "—")
        via = f" via {quoted(*v['source_span'])}" if v.get("source_span") else ""
        cue = f" cue {quoted(*v['cue'])}" if v.get("cue") else ""
        extra = "".join(f" {k} {v[k]}" for k in ("quote", "modality") if v.get(k))
        return f"source {src}{via}{cue}{extra}"
    if kind == "stance":
        cond = f" if {v['conditions']}" if v.get("conditions") else ""
        ev = f" ({len(v.get('evidence') or [])} evidence)"
        return f"{names(v.get('holder'))} → {names(v.get('target'))}: {v['polarity']}{cond}{ev}"
    return f"{v.get('key')} = {json.dumps(v.get('value'), ensure_ascii=False)}"


def cmd_review(args: argparse.Namespace) -> int:
    return {"list": cmd_review_list, "decide": cmd_review_decide}[args.review_command](args)


def cmd_review_list(args: argparse.Namespace) -> int:
    from ..progress import ProgressBar
    from ..review import unit_name
    states = _states(args.state)
    with open_project(args.project, "review", read_only=True) as project:
        if args.document:
            project.document(args.document)          # one line for an unknown document
        bar = ProgressBar("reading the review")
        reviews = _reviews(project, [args.document] if args.document else None, bar)
        bar.finish()
        units = [u for rd in reviews for u in rd.units if _wanted(u, states)]
        if args.json:
            print(json.dumps([unit_json(u) for u in units], ensure_ascii=False, indent=1, default=str))
            return 0
        names = _namer(project)
        shown = {u.doc for u in units}
        texts = {rd.doc: project.document(rd.doc).text for rd in reviews if rd.doc in shown}
        for u in units:
            text = texts[u.doc]
            if u.end > u.start:
                what = f"{u.kind} {u.label} {u.start}-{u.end} “{' '.join(text[u.start:u.end].split())[:60]}”"
            else:
                what = unit_name(project, u)            # STANCE holder → target, document label KEY
            differs = f"  differs: {', '.join(u.differs())}" if u.differs() else ""
            print(f"{u.key}  {what}  {u.state}{differs}")
            width = max(len(c) for c in u.coders) if u.coders else 0
            for c in u.coders:
                v = u.versions.get(c)
                print(
                    f"    {c + ':':<{width + 1}} " + (_version_text(u.kind, v, text, names) if v else "— (not marked)")
                )
            if u.decision:
                d = u.decision
                note = f"; note: {d['note']}" if d.get("note") else ""
                print(f"    decided: {d['decision']} {d.get('chosen') or ''} by {d.get('decided_by')}{note}".rstrip())
    n_open = sum(1 for u in units if not u.decided and u.state in ("disagree", "incomplete"))
    print(f"{len(units)} units ({', '.join(sorted(states))}); {n_open} open")
    return 0


def _namer(project: Project) -> Callable[[str | None], str]:
    names = {x.id: x.name for x in project.actors()} | {t.id: t.name for t in project.targets()}
    return lambda i: names.get(i, i) if i else "—"


def _edit_from_file(path: str, unit: ReviewUnit) -> tuple[str, dict[str, Any]]:
    """(the annotator whose version FILE starts from, the parts it changes). FILE is a version as
    ``review list --json`` prints it; the parts it does not change may be left out."""
    from ..review.decide import EDITABLE
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except OSError as e:
        raise IsfError(f"{path}: cannot read: {e.strerror}") from None
    except UnicodeDecodeError as e:
        raise IsfError(f"{path}: byte {e.start}: not UTF-8 text; save the version as UTF-8 JSON") from None
    try:
        v = json.loads(raw)
    except json.JSONDecodeError as e:
        raise IsfError(f"{path}: line {e.lineno}: not JSON ({e.msg})") from None
    if not isinstance(v, dict):
        raise IsfError(f"{path}: line 1: a version is a JSON object, as in 'review list --json'")
    if not unit.versions:
        raise IsfError(f"{unit.key} has no version to edit; --reject it")
    known = set().union(*(set(x) for x in unit.versions.values()))
    unknown = sorted(set(v) - known)
    if unknown:
        raise IsfError(f"{path}: {', '.join(unknown)} is not part of a {unit.kind} version "
                       f"(parts: {', '.join(sorted(known))})")
    fixed = {k: x for k, x in v.items() if k not in EDITABLE[unit.kind]}
    base = next((c for c in unit.coders if c in unit.versions
                 and all(unit.versions[c].get(k) == x for k, x in fixed.items())), None)
    if base is None:
        raise IsfError(f"{path}: {', '.join(sorted(fixed))} differ from every annotator's version; a {unit.kind}'s "
                       f"editable parts are {', '.join(EDITABLE[unit.kind])} (leave the others out or as listed)")
    edited = {k: x for k, x in v.items() if k in EDITABLE[unit.kind] and x != unit.versions[base].get(k)}
    return base, edited


def cmd_review_decide(args: argparse.Namespace) -> int:
    from ..models import layer_name
    from ..review import review_document
    kind, _, rest = args.unit.partition(":")
    doc, _, _hash = rest.rpartition(":")
    with open_project(args.project, "review") as project:
        try:
            project.author = layer_name(args.by)
        except IsfError as e:
            raise IsfError(f"--by {args.by!r}: {e}") from None
        known = {d for d, _t in project.document_list()}
        if not (kind and doc and _hash) or doc not in known:
            raise IsfError(f"no unit {args.unit!r}: unit ids look like span:DOCUMENT:HASH (isfannotate review list "
                           f"{args.project} --state all)")
        unit = review_document(project, doc).unit(args.unit)
        if unit is None:
            raise IsfError(f"no unit {args.unit!r} in document {doc} (an annotator may have changed their version, "
                           f"which makes it a new unit): isfannotate review list {args.project} --document {doc} "
                           "--state all")
        if args.take is not None and args.take not in unit.versions:
            has = ", ".join(c for c in unit.coders if c in unit.versions)
            raise IsfError(f"{args.take!r} has no version of {args.unit} (versions: {has or 'none'})")
        if args.undecide:
            from ..review import undecide
            change = undecide(project, doc, unit.key)
        elif args.reject:
            change = project.decide(doc, unit.key, "rejected", note=args.note)
        elif args.edit:
            who, edited = _edit_from_file(args.edit, unit)
            change = project.decide(doc, unit.key, "accepted", annotator=who, edited=edited or None, note=args.note)
        else:
            change = project.decide(doc, unit.key, "accepted", annotator=args.take, note=args.note)
        queue = project.review_queue()
        text = project.document(doc).text
    print(f"{_with_text(change.description, text)} ({args.unit}); {queue.decided} of {queue.units} units decided, "
          f"{queue.open_disagreements} disagreements left for review")
    return 0


def _with_text(description: str, text: str) -> str:
    """"take alice on ACTOR 22-33" → "take alice on ACTOR “Marco Rubio”" (as the app names it)."""
    m = re.search(r"(\S+) (\d+)-(\d+)$", description)
    if m is None or int(m.group(3)) > len(text):
        return description
    t = " ".join(text[int(m.group(2)):int(m.group(3))].split())
    return description[:m.start()] + f"{m.group(1)} “{t if len(t) <= 40 else t[:39] + '…'}”"


REVIEW_COMMANDS = {"review": cmd_review}
