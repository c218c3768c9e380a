"""``isfannotate team ...``: the team database on a PostgreSQL server (docs/team-database.md).

Progress goes to stderr, the summaries to stdout; every fault is one line (exit 2). A DSN is a
libpq address (``postgresql://USER@HOST:PORT/DB`` or ``service=NAME``); passwords come from
~/.pgpass or the service file, never from the command line we store.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .common import SubParsers


def add_teamdb_parsers(sub: SubParsers) -> None:
    t = sub.add_parser("team", help="the team database on a PostgreSQL server",
                       description="Share documents, assignments, scheme, registry and guidelines through a "
                                   "PostgreSQL database; each desktop keeps working offline and syncs "
                                   "(docs/team-database.md).")
    ts = t.add_subparsers(dest="team_command", metavar="SUBCOMMAND", required=True)
    c = ts.add_parser("create", help="create the team database from the lead's project",
                      description="In an empty PostgreSQL database: the tables, the lead's and the annotators' "
                                  "group roles and row-level security, then the corpus of PROJECT (documents, "
                                  "scheme, registry, guidelines, assignments, decisions, gold). PROJECT is then "
                                  "linked to it as the lead's.")
    c.add_argument("dsn", metavar="DSN")
    c.add_argument("--from", dest="source", required=True, metavar="PROJECT", help="the lead's project file")
    a = ts.add_parser("add-annotator", help="add an annotator (a PostgreSQL login role)",
                      description="Create NAME's login role in the team's annotators group; prints the "
                                  "generated password once (it is stored nowhere: tell it to NAME).")
    a.add_argument("dsn", metavar="DSN")
    a.add_argument("name", metavar="NAME")
    a.add_argument("--password-stdin", action="store_true", help="read the password from stdin instead")
    r = ts.add_parser("remove-annotator", help="take an annotator out of the team",
                      description="NAME can no longer connect to the team database or sync; the layer stays.")
    r.add_argument("dsn", metavar="DSN")
    r.add_argument("name", metavar="NAME")
    j = ts.add_parser("join", help="make an annotator's working copy",
                      description="Write PROJECT, a new project file for annotator NAME, linked to the team "
                                  "database, with the documents, scheme, registry and NAME's assignments.")
    j.add_argument("dsn", metavar="DSN")
    j.add_argument("project", metavar="PROJECT")
    j.add_argument("--as", dest="annotator", required=True, metavar="NAME")
    lk = ts.add_parser("link", help="link an existing project to the team database",
                       description="Store DSN (without its password) in PROJECT: the lead's corpus, or an "
                                   "annotator's copy.")
    lk.add_argument("project", metavar="PROJECT")
    lk.add_argument("dsn", metavar="DSN")
    s = ts.add_parser("sync", help="sync a project with its team database, both ways",
                      description="An annotator sends their layer and registry proposals and receives new "
                                  "documents, assignments, scheme, registry and guideline examples; the lead "
                                  "merges every annotator's layer (merge's checks) and sends the rest and gold.")
    s.add_argument("project", metavar="PROJECT")
    st = ts.add_parser("status", help="per annotator: assigned, done, pending, last sync",
                       description="TARGET is a DSN or a linked project file.")
    st.add_argument("target", metavar="DSN|PROJECT")


def _print(lines: list[str]) -> None:
    for line in lines:
        print(line)


def cmd_team(args: argparse.Namespace) -> int:
    from .. import teamdb
    from ..progress import ProgressBar

    sub = args.team_command
    if sub == "create":
        bar = ProgressBar("creating the team database")
        report = teamdb.create_team(args.dsn, Path(args.source), progress=bar)
        bar.finish()
        _print(report.lines())
    elif sub == "add-annotator":
        given = sys.stdin.readline().rstrip("\n") if args.password_stdin else None
        password = teamdb.add_annotator(args.dsn, args.name, password=given)
        if password and given is None:
            print(f"{args.name}: password {password}")
            print("tell it to them once; they keep it in ~/.pgpass (it is stored nowhere else)", file=sys.stderr)
        else:
            print(f"{args.name}: added to the team")
    elif sub == "remove-annotator":
        teamdb.remove_annotator(args.dsn, args.name)
        print(f"{args.name}: removed from the team (their layer stays)")
    elif sub == "join":
        bar = ProgressBar("joining")
        path = teamdb.join(args.dsn, Path(args.project), annotator=args.annotator, progress=bar)
        bar.finish()
        print(path)
    elif sub == "link":
        link = teamdb.link(Path(args.project), args.dsn)
        print(f"{args.project}: linked to {link['server']} as {link['role']}")
    elif sub == "sync":
        bar = ProgressBar("syncing")
        synced = teamdb.sync(Path(args.project), progress=bar)
        bar.finish()
        _print(synced.lines())
    else:   # status
        _print(teamdb.status(args.target).lines())
    return 0


TEAMDB_COMMANDS = {"team": cmd_team}
