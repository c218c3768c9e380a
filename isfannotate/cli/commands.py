"""The ``isfannotate`` command line. Starts without importing Qt; ``gui`` imports the app lazily.

Every command has --help and exits non-zero with a one-line reason on bad input (exit 2).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..errors import IsfError
from ..exporting import FORMATS as EXPORT_FORMATS
from ..importing import FORMATS as IMPORT_FORMATS
from ..plural import counted
from .analysis import ANALYSIS_COMMANDS, add_analysis_parsers
from .common import GUI_WINDOWS
from .common import open_project as _open
from .review import REVIEW_COMMANDS, add_review_parsers
from .served import SERVED, forward
from .suggest import SUGGEST_COMMANDS, add_suggest_parsers
from .team import TEAM_COMMANDS, add_team_parsers
from .teamdb import TEAMDB_COMMANDS, add_teamdb_parsers

EPILOG = "Offsets are Unicode code points. Docs: docs/ in the source, or README.md."


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="isfannotate", description="Annotate actors, claims and stances in news articles.",
                                epilog=EPILOG)
    p.add_argument("--version", action="store_true", help="print the version and exit")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    g = sub.add_parser("gui", help="open the desktop app", description="Open the desktop app on PROJECT, "
                       "on the demo project (--demo), or on the last project.")
    g.add_argument("project", nargs="?", help="project file (.isf)")
    g.add_argument("--demo", action="store_true", help="open the demo project built from seeds/ (created on first use)")
    g.add_argument("--annotator", help="annotate as NAME (remembered as the default)")
    g.add_argument("--screenshot", metavar="PNG", help="render the window offscreen to PNG and exit")
    g.add_argument("--document", metavar="ID", help="with --screenshot: the document to show")
    g.add_argument("--size", default="1280x800", help="with --screenshot: window size WxH (default 1280x800)")
    g.add_argument("--window", default="main", metavar="NAME",
                   help="open (and with --screenshot grab) this window: " + "|".join(GUI_WINDOWS))

    i = sub.add_parser("init", help="create a project", description="Create a new, empty project file.")
    i.add_argument("project", help="path of the new project file (suggested extension .isf)")
    i.add_argument("--scheme", help="scheme JSON file (default: the seeds' scheme)")
    i.add_argument("--registry", help="starter actor registry JSON (default: none)")

    im = sub.add_parser("import", help="import documents or annotations",
                        description="Import .txt files, folders of them, JSONL (plain documents or gold JSONL), and "
                                    "other tools' annotations (brat, doccano, Label Studio, Prodigy, CoNLL, WebAnno "
                                    "TSV3) as annotators' layers. All-or-nothing: one bad file or line and nothing "
                                    "is imported. --format auto says what it detected.")
    im.add_argument("project")
    im.add_argument("paths", nargs="+", metavar="PATH")
    im.add_argument("--format", default="auto", choices=list(IMPORT_FORMATS), help="input format (default: auto)")
    im.add_argument("--annotator", help="layer for annotations that name no annotator (a name, or gold)")
    im.add_argument("--annotator-map", metavar="SRC=NAME,...",
                    help="layer names for the annotators a file names (Label Studio completed_by, Prodigy "
                         "_session_id, ...); unmapped ones keep their own name")
    im.add_argument(
        "--add-labels", action="store_true", help="add labels the scheme lacks (default: refuse, listing them)"
    )
    im.add_argument("--replace", action="store_true", help="replace a layer's existing annotations of a document")
    im.add_argument("--split-discontinuous", action="store_true",
                    help="brat: import each fragment of a discontinuous span as its own span (default: refuse)")
    im.add_argument("--conll-tag-column", type=int, metavar="N",
                    help="CoNLL: the 1-based column holding the IOB tags (default: the one IOB column with "
                         "entities; several: refused, listing them)")
    im.add_argument("--webanno-layer", metavar="LAYER",
                    help="WebAnno TSV3: the span layer to read, e.g. NamedEntity, pos.POS or a custom layer's name "
                         "(default: the named-entity layer; other layers are skipped and counted)")

    ex = sub.add_parser("export", help="export a layer as a dataset", description="Export a layer (default gold).")
    ex.add_argument("project")
    ex.add_argument("--format", required=True, choices=list(EXPORT_FORMATS))
    ex.add_argument("--out", help="output folder (default: exports/<project>-<layer>-<format>-<time>/)")
    ex.add_argument("--layer", default="gold", help="gold (default) or an annotator's name")
    ex.add_argument("--all", action="store_true", help="export every document, not only those marked done")
    ex.add_argument("--split", help="ratios TRAIN,DEV,TEST, e.g. 0.8,0.1,0.1")
    ex.add_argument("--seed", type=int, default=0, help="seed of the split (default 0)")
    ex.add_argument("--force", action="store_true", help="write into a non-empty output folder")
    ex.add_argument("--schema", type=int, choices=[1, 2], default=2,
                    help="gold record version (default 2: adds adjudication notes, document-label provenance and "
                         "rejected units; 1 for existing readers)")

    s = sub.add_parser("stats", help="counts of documents, spans, layers", description="Print project statistics.")
    s.add_argument("project")
    s.add_argument("--json", action="store_true", help="print JSON")

    c = sub.add_parser("check", help="check a project's integrity",
                       description="SQLite integrity check, schema version, and every span against its text.")
    c.add_argument("project")

    add_team_parsers(sub)
    add_teamdb_parsers(sub)
    add_analysis_parsers(sub)
    add_review_parsers(sub)
    add_suggest_parsers(sub)

    u = sub.add_parser("unlock", help="break a project's lock left by another computer",
                       description="A project is owned by one program at a time; its lock file names the owner. "
                                   "A lock left by a program that died on this computer is ignored anyway; one "
                                   "from another computer (a shared or synced folder) is broken here, after asking.")
    u.add_argument("project")
    u.add_argument("--yes", action="store_true", help="do not ask (for scripts)")
    return p




def cmd_init(args: argparse.Namespace) -> int:
    from ..project import Project
    Project.create(args.project, args.scheme, args.registry, program="isfannotate init").close()
    print(f"created {args.project}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from ..progress import ProgressBar
    with _open(args.project, "import") as project:
        bar = ProgressBar("importing")
        report = project.import_paths(args.paths, format=args.format, annotator=args.annotator,
                                      annotator_map=args.annotator_map, add_labels=args.add_labels,
                                      replace=args.replace, split_discontinuous=args.split_discontinuous,
                                      conll_tag_column=args.conll_tag_column, webanno_layer=args.webanno_layer,
                                      progress=bar)
        bar.finish()
    if report.detected:
        print(f"detected {report.detected}")
    for line in report.messages + report.skipped + report.renamed + report.table():
        print(line)
    for g in report.near_duplicate_groups:
        print("near-duplicates: " + ", ".join(g))
    print(report.summary())
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from ..progress import ProgressBar
    split = None
    if args.split:
        try:
            split = tuple(float(x) for x in args.split.split(","))
        except ValueError:
            raise IsfError(f"--split takes ratios like 0.8,0.1,0.1, not {args.split!r}") from None
    with _open(args.project, "export", read_only=True) as project:
        bar = ProgressBar("exporting")
        result = project.export(args.format, args.out, layer=args.layer, include_all=args.all, split=split,
                                seed=args.seed, force=args.force, progress=bar, schema=args.schema)
        bar.finish()
    for w in result.warnings:
        print(f"warning: {w}", file=sys.stderr)
    dropped = (result.counts.get("format") or {}).get("dropped") if isinstance(result.counts, dict) else None
    if dropped:
        print("left out (nested or overlapping, see the warnings): "
              + ", ".join(f"{label} {n}" for label, n in dropped.items()))
    for name in result.not_written:
        print(f"not written: {name} (nothing to write in it)")
    print(f"exported {counted(len(result.files), 'file')} to {result.out_dir}")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    with _open(args.project, "stats", read_only=True) as project:
        st = project.stats()
    if args.json:
        print(json.dumps(st, ensure_ascii=False, indent=1))
        return 0
    print(f"{st['project']}  ({st['path']}, schema {st['schema_version']})")
    print(f"documents {st['documents']}  characters {st['characters']}  actors {st['actors']}  "
          f"targets {st['targets']}  claims {st['claims']}  stances {st['stances']}  relations {st['relations']}")
    for layer, info in st["layers"].items():
        labels = ", ".join(f"{k} {v}" for k, v in info["labels"].items())
        done = info.get("done", 0)
        print(f"  layer {layer}: {counted(info['spans'], 'span')} ({labels or 'none'}); "
              f"{counted(done, 'document')} done")
    for g in st["near_duplicate_groups"]:
        print(f"  near-duplicates: {g}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from ..errors import DamagedProject
    try:
        with _open(args.project, "check", read_only=True) as project:
            problems = project.check()
            n = project.document_count() if not problems else 0
    except DamagedProject as e:   # too damaged to open: that is the finding
        problems = [str(e)]
    if problems:
        for p in problems:
            print(p)
        print(f"isfannotate check: {args.project}: {counted(len(problems), 'problem')} (listed above)", file=sys.stderr)
        return 2
    print(f"ok: {counted(n, 'document')}, every span consistent with its text")
    return 0


def cmd_gui(args: argparse.Namespace) -> int:
    from .. import settings
    from ..demo import build_demo
    if args.window not in GUI_WINDOWS:
        raise IsfError(f"--window {args.window!r}: choose from {', '.join(GUI_WINDOWS)}")
    w, _, h = args.size.partition("x")
    if not (w.isdigit() and h.isdigit() and int(w) > 0 and int(h) > 0):
        raise IsfError(f"--size {args.size!r}: give the window size as WIDTHxHEIGHT, e.g. 1280x800")
    if args.demo:
        path = build_demo()
    elif args.project:
        path = Path(args.project)
        if not path.exists():
            raise IsfError(f"{path}: no such project (create one with: isfannotate init {path})")
    else:
        recent = settings.recent()
        path = Path(recent[0]) if recent else build_demo()
    annotator = args.annotator
    if annotator:
        from ..errors import ValidationError
        from ..models import layer_name
        try:
            annotator = layer_name(annotator)
        except ValidationError as e:
            raise IsfError(str(e)) from None
        settings.put("annotator", annotator)
    elif args.screenshot:
        annotator = settings.get("annotator") or "annotator"
    if args.screenshot:   # headless: no display needed (a set QT_QPA_PLATFORM is kept)
        import os
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ..qtdeps import display_problem
    problem = display_problem()     # before Qt starts: its own message names the wrong library
    if problem:
        raise IsfError(problem)
    try:
        from isfannotate_ui.app import run
    except ImportError as e:
        raise IsfError(f"the desktop app cannot start: {e} (install isfannotate with its Qt dependency)") from None
    if not args.screenshot:
        settings.add_recent(str(path))
    code: int = run(str(path), annotator=annotator, screenshot=args.screenshot, document=args.document,
                    size=args.size, window_name=args.window)
    return code


def cmd_unlock(args: argparse.Namespace) -> int:
    from ..store import ownership
    path = Path(args.project)
    if not path.exists():
        raise IsfError(f"{path}: no such project")
    held = ownership.read_lock(path)
    if held is None:
        if ownership.lock_path(path).is_file():   # a lock file that holds no owner (garbage): nobody's
            ownership.remove_lock(path)
            print(f"{path}: removed a lock file that named no owner")
            return 0
        print(f"{path}: not locked")
        return 0
    if held.local and held.alive:
        raise IsfError(f"{path}: open in {held.describe()} on this computer; close it there "
                       "(unlock only breaks a lock left by a dead program or another computer)")
    if held.local:
        ownership.remove_lock(path, held)
        print(f"{path}: removed a stale lock of {held.describe()} (that program is no longer running)")
        return 0
    if not args.yes:
        if not sys.stdin.isatty():
            raise IsfError(f"{path}: locked by {held.describe()}; run with --yes to break that lock")
        try:
            answer = input(f"{path} is open on {held.host}: {held.describe()}.\nBreak this lock? Only do this if "
                           f"that computer no longer has the project open, or its work may be lost. [y/N] ")
        except EOFError:   # Ctrl-D: no
            answer = ""
            print()
        if answer.strip().lower() not in ("y", "yes"):
            print("left locked")
            return 1
    from ..errors import ProjectLocked
    from ..project import Project
    # Own the project first (recovering the WAL that owner may have left); the lock goes only
    # once this computer holds the project, never before.
    try:
        Project.open(path, read_only=True, program="isfannotate unlock", break_lock=held).close()
    except ProjectLocked:
        raise IsfError(f"{path}: the project is still in use (its file is locked, by a program on this computer "
                       f"or through the shared folder); the lock of {held.describe()} was left as it is") from None
    ownership.remove_lock(path, held)   # when this opener could not write its own lock over it
    print(f"{path}: lock of {held.describe()} broken")
    return 0


COMMANDS = {
    **TEAM_COMMANDS,
    **TEAMDB_COMMANDS,
    **ANALYSIS_COMMANDS,
    **REVIEW_COMMANDS,
    **SUGGEST_COMMANDS,
    "unlock": cmd_unlock,
    "init": cmd_init,
    "import": cmd_import,
    "export": cmd_export,
    "stats": cmd_stats,
    "check": cmd_check,
    "gui": cmd_gui,
}


def _internal_error(command: str, e: BaseException) -> int:
    """The last line of defence: a defect of isfannotate, told in one line with where the details
    went (a report file), never as a traceback on the terminal."""
    import tempfile
    import traceback
    where = e.__traceback__
    while where is not None and where.tb_next is not None:
        where = where.tb_next
    place = f" at {Path(where.tb_frame.f_code.co_filename).name}:{where.tb_lineno}" if where is not None else ""
    try:
        fd, report = tempfile.mkstemp(prefix="isfannotate-error-", suffix=".txt")
        with open(fd, "w", encoding="utf-8") as fh:
            fh.write(f"isfannotate {command}\n{' '.join(sys.argv)}\n\n")
            traceback.print_exception(e, file=fh)
        said = f"the details are in {report}; please send that file with a bug report"
    except OSError:
        said = "please report it with the command you ran"
    print(f"isfannotate {command}: internal error ({type(e).__name__}{place}: {e}); nothing more was changed "
          f"after the last completed step; {said}", file=sys.stderr)
    return 70   # EX_SOFTWARE


def _quiet_closed_pipe() -> int:
    """stdout's reader went away (``| head``): end quietly, as Unix tools do. Python's own flush
    at exit would raise again, so stdout is pointed at devnull (Python docs, "Note on SIGPIPE")."""
    import os
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
    return 141   # 128 + SIGPIPE, what a shell reports for a tool ended by a closed pipe


def main(argv: list[str] | None = None) -> int:
    import signal
    import sqlite3
    import threading
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.default_int_handler)   # from here on Ctrl-C is caught below
    parser = _parser()
    a = parser.parse_args(argv)
    if a.version:
        from .. import __version__
        print(__version__)
        return 0
    if a.command is None:
        a = parser.parse_args(["gui"])
    try:
        if a.command in SERVED:   # the app owns the project here: it runs the read command (cli.served)
            code = forward(a.project, sys.argv[1:] if argv is None else list(argv))
            if code is not None:
                return code
        code = COMMANDS[a.command](a)
        if sys.stdout is not None:
            sys.stdout.flush()   # a closed pipe shows here, inside the guard, not in Python's exit
        return code
    except IsfError as e:
        print(f"isfannotate {a.command}: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"isfannotate {a.command}: interrupted; nothing was changed by the unfinished step", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return _quiet_closed_pipe()
    except (sqlite3.Error, OSError) as e:   # a fault of the machine the store did not translate
        from ..store import faults
        project = getattr(a, "project", None) or "the project"
        err: IsfError | None
        if isinstance(e, OSError):   # a file of the user's (an input, an output folder) or the disk under it
            where = e.filename or project
            err = (faults.disk_full(where, "the last step") if e.errno in faults.FULL_ERRNOS
                   else IsfError(f"{where}: {e.strerror or e}"))
        else:
            err = faults.translate(e, project, "the last step")
        if err is None:
            return _internal_error(a.command, e)
        print(f"isfannotate {a.command}: {err}", file=sys.stderr)
        return 2
    except Exception as e:  # noqa: BLE001 - a defect: one line and a report file, never a traceback
        return _internal_error(a.command, e)


if __name__ == "__main__":
    sys.exit(main())
