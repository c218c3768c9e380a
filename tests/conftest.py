"""Shared fixtures: keep the user's real world out of the tests.

Qt runs offscreen; settings, data folders and Hugging Face caches point into tmp_path.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_DATASETS_OFFLINE"] = "1"

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Point XDG folders, HF caches and the app's data folder at a private temp dir."""
    home = tmp_path_factory.mktemp("home")
    for var, sub in [
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_CACHE_HOME", "cache"),
        ("HF_HOME", "hf"),
        ("ISFANNOTATE_DATA_DIR", "isfdata"),
        ("XDG_RUNTIME_DIR", "run"),        # where an open project's server listens (store/serve.py)
    ]:
        d = home / sub
        d.mkdir()
        monkeypatch.setenv(var, str(d))
    yield


def shared_path(*parts: str) -> Path:
    """A path under ../shared; skip (or fail under ISFANNOTATE_REQUIRE_SHARED=1) when absent."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        if os.environ.get("ISFANNOTATE_REQUIRE_SHARED") == "1":
            pytest.fail(f"{p} is required (ISFANNOTATE_REQUIRE_SHARED=1) but missing")
        pytest.skip(f"{p} not present (../shared is not beside this checkout)")
    return p


@pytest.fixture
def shared():
    return shared_path


@pytest.fixture
def seeds_dir() -> Path:
    return REPO / "seeds"


@pytest.fixture
def new_project(tmp_path):
    """A fresh project with the default scheme and the seeds' registry (closed at teardown)."""
    from isfannotate import Project

    opened = []

    def make(name: str = "p.isf", registry: bool = True):
        p = Project.create(tmp_path / name, registry=REPO / "seeds" / "registry.json" if registry else None)
        opened.append(p)
        return p

    yield make
    for p in opened:
        p.close()


@pytest.fixture
def seeded(new_project):
    """A project holding the five seed articles."""
    p = new_project()
    p.import_paths(sorted((REPO / "seeds").glob("*.txt")))
    return p


def db_snapshot(project_or_path) -> dict:
    """Every row of every table of a project, for 'left unchanged' assertions: an open Project
    is read through its own connection (no one else may open it), a closed file directly."""
    import sqlite3

    def rows(conn):
        # the change journal records an undo as one more change (the push must send it): not compared
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                             "AND name <> 'change_journal' ORDER BY name")]
        return {t: sorted(repr(r) for r in conn.execute(f'SELECT * FROM "{t}"') if r[0] != "change_journal")
                for t in tables}

    if hasattr(project_or_path, "conn"):
        with project_or_path._using() as conn:
            return rows(conn)
    conn = sqlite3.connect(project_or_path)
    try:
        return rows(conn)
    finally:
        conn.close()


@pytest.fixture
def snapshot():
    return db_snapshot


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return groups


@pytest.fixture(name="import_cycles")
def _import_cycles_fixture():
    """``import_cycles(graph)``: the import circles of a module graph (core and UI tests)."""
    return import_cycles


REVIEW_DOC = "004_925ac23fd4dc491f"
REVIEW_TEAM = ("alice", "bob", "chen")


def annotate_three(p) -> None:
    """Three annotators on seed 004 with known disagreements (review and adjudication tests):
    - "Marco Rubio" (alice, bob) vs "Rubio" (chen): one ACTOR unit, boundary differs;
    - "Pakistan" ACTOR nested in the CLAIM "Pakistan has offered to send troops": all agree;
    - the claim's source: Rubio (alice, chen) vs the article (bob);
    - a stance Pakistan -> isf-troops: support (alice, bob) vs conditional (chen);
    - "Hamas": only alice and bob (incomplete).
    Everyone marks the document done; the project's author becomes "lead"."""
    d = REVIEW_DOC
    text = p.document(d).text

    def at(phrase):
        i = text.index(phrase)
        return i, i + len(phrase)

    actors = {a.name: a.id for a in p.actors()}
    for who in REVIEW_TEAM:
        s, e = at("Rubio") if who == "chen" else at("Marco Rubio")
        rubio = p.annotate(d, who, s, e, "ACTOR", actor_id=actors["Marco Rubio"]).rows("spans")[0].after["id"]
        cs, ce = at("Pakistan has offered to send troops")
        claim = p.annotate(d, who, cs, ce, "CLAIM").rows("spans")[0].after["id"]
        p.annotate(d, who, cs, cs + 8, "ACTOR", actor_id=actors["Pakistan"])       # nested in the claim
        if who == "bob":
            p.set_claim(claim, source_kind="article", quote="reported")
        else:
            p.set_claim(claim, source_span=rubio, quote="reported")
        if who != "chen":
            hs, he = at("Hamas")
            p.annotate(d, who, hs, he, "ACTOR", actor_id=actors["Hamas"])
        p.set_stance(d, who, holder=actors["Pakistan"], target="isf-troops",
                     polarity="conditional" if who == "chen" else "support", evidence=[claim])
        p.set_status(d, who, "done", reason="test")
    p.author = "lead"


@pytest.fixture(name="annotate_three")
def _annotate_three_fixture():
    return annotate_three


SUGGEST_EPOCHS = 20   # measured: 12 suggest no claim above 0.5, 18 do (claims with source and cue)


@pytest.fixture(scope="session")
def suggest_model_project(tmp_path_factory) -> Path:
    """A project FILE (copy it before writing: tests share it) with the seeds' registry, 24
    generated gold documents (bench/suggest_data.py: the suggestion mechanics only, never
    quality), a small suggestion model trained on them once per session (version 1, enabled),
    and two plain documents, gen0100 and gen0101, that nobody annotated."""
    pytest.importorskip("spacy")
    import importlib.util
    import json

    from isfannotate import Project

    spec = importlib.util.spec_from_file_location("suggest_data", REPO / "bench" / "suggest_data.py")
    data = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(data)
    folder = tmp_path_factory.mktemp("suggest_model")
    p = Project.create(folder / "trained.isf", registry=REPO / "seeds" / "registry.json")
    try:
        p.import_paths([data.write_corpus(folder / "gold.jsonl", 24, size=1200, seed=1)], annotator="gold")
        p.train_suggestions("gold", epochs=SUGGEST_EPOCHS)
        data.write_corpus(folder / "new.jsonl", 2, size=1200, seed=7, start=100)
        plain = folder / "plain.jsonl"
        plain.write_text("".join(json.dumps({"id": r["id"], "text": r["text"]}) + "\n" for r in
                                 map(json.loads, (folder / "new.jsonl").read_text().splitlines())))
        p.import_paths([plain])
    finally:
        p.close()
    return folder / "trained.isf"


# --------------------------------------------------------------------------- a real PostgreSQL server
def _pgserver_module():
    import importlib.util
    import sys

    if "isf_tests_pgserver" not in sys.modules:
        spec = importlib.util.spec_from_file_location("isf_tests_pgserver", Path(__file__).with_name("pgserver.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules["isf_tests_pgserver"] = module
        spec.loader.exec_module(module)
    return sys.modules["isf_tests_pgserver"]


@pytest.fixture(scope="session")
def pg_server():
    """A real PostgreSQL server for the session (tests/pgserver.py): skipped when the OS has no
    PostgreSQL binaries, failed instead under CI=true or ISFANNOTATE_REQUIRE_SHARED=1."""
    pgserver = _pgserver_module()
    try:
        import psycopg  # noqa: F401
    except ImportError:
        if pgserver.required():
            pytest.fail("psycopg is required (CI=true or ISFANNOTATE_REQUIRE_SHARED=1): pip install -e .[team,test]")
        pytest.skip("psycopg is not installed (the 'team' extra)")
    if pgserver.binaries() is None:
        if pgserver.required():
            pytest.fail("PostgreSQL's initdb/pg_ctl are required (CI=true or ISFANNOTATE_REQUIRE_SHARED=1) but "
                        "missing; install the postgresql package")
        pytest.skip("no PostgreSQL binaries (initdb, pg_ctl) on this machine")
    server = pgserver.server()
    yield server
    pgserver.stop()


@pytest.fixture
def team_db(pg_server, monkeypatch):
    """A new empty database on the session's server; its DSN (the superuser, no password in it:
    PGPASSFILE points at the server's pgpass file, as ~/.pgpass would)."""
    monkeypatch.setenv("PGPASSFILE", str(pg_server.pgpass))
    for var in ("PGSERVICE", "PGSERVICEFILE", "PGUSER", "PGHOST", "PGPORT", "PGDATABASE", "PGPASSWORD"):
        monkeypatch.delenv(var, raising=False)
    name = pg_server.create_database()
    yield pg_server.dsn(name)
    pg_server.drop_database(name)
