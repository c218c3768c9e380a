"""The test command's PostgreSQL install step (isfannotate/pgdeps.py, used by .ci/dev.py): which
server programs are found where, and what that decides (install, a hint, nothing), without apt."""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from isfannotate import pgdeps

REPO = Path(__file__).resolve().parents[2]


def fake_bin(folder: Path, programs=pgdeps.SERVER_PROGRAMS, version: str = "15.18") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in programs:
        f = folder / name
        f.write_text(f"#!/bin/sh\necho 'postgres (PostgreSQL) {version} (Debian {version}-0+deb12u1)'\n")
        f.chmod(0o755)
    return folder


def test_finds_the_debian_versioned_folder_newest_first(tmp_path):
    root = tmp_path / "usr/lib/postgresql"
    fake_bin(root / "13/bin", version="13.4")
    fake_bin(root / "16/bin", version="16.2")
    fake_bin(root / "9/bin", version="9.6")
    env = {"PATH": str(tmp_path / "empty")}
    found = pgdeps.find_server_bin(env, globs=(str(root / "*/bin"),))
    assert found == root / "16/bin"
    assert pgdeps.server_version(found) == 16


def test_a_folder_missing_one_program_is_not_a_server(tmp_path):
    root = tmp_path / "usr/lib/postgresql"
    fake_bin(root / "15/bin", programs=("pg_ctl", "postgres"))     # the client package alone: no initdb
    assert pgdeps.find_server_bin({"PATH": ""}, globs=(str(root / "*/bin"),)) is None


def test_path_and_the_chosen_folder_come_before_the_distributions(tmp_path):
    root = tmp_path / "usr/lib/postgresql"
    fake_bin(root / "16/bin")
    on_path = fake_bin(tmp_path / "local/bin")
    chosen = fake_bin(tmp_path / "chosen")
    globs = (str(root / "*/bin"),)
    assert pgdeps.find_server_bin({"PATH": str(on_path)}, globs=globs) == on_path.resolve()
    assert pgdeps.find_server_bin({"PATH": str(on_path), "ISFANNOTATE_PG_BIN": str(chosen)}, globs=globs) == chosen


@pytest.mark.parametrize("folder, version, apt, root, packages, note", [
    ("/usr/lib/postgresql/15/bin", 15, True, True, [], None),              # found: nothing to do
    ("/usr/lib/postgresql/17/bin", 17, False, False, [], None),
    (None, None, True, True, ["postgresql"], None),                       # Debian as root: install
    (None, None, True, False, [], "as root run: apt-get install -y --no-install-recommends postgresql"),
    (None, None, False, True, [], "set ISFANNOTATE_PG_BIN"),               # not Debian: a hint
    ("/usr/lib/postgresql/13/bin", 13, True, True, [], "needs 15 or newer"),   # too old: apt gives the same
])
def test_install_plan(folder, version, apt, root, packages, note):
    plan = pgdeps.install_plan(Path(folder) if folder else None, version, has_apt=apt, is_root=root)
    assert plan.packages == packages
    if note is None:
        assert plan.note is None
    else:
        assert note in plan.note and "\n" not in plan.note


def _load_dev(monkeypatch):
    spec = importlib.util.spec_from_file_location("_dev_under_test", REPO / ".ci" / "dev.py")
    dev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dev)
    return dev


def test_the_test_command_installs_postgresql_only_when_missing(tmp_path, monkeypatch, capsys):
    """dev.py's step, with apt-get replaced by a recorder: missing -> apt-get update once, then
    install postgresql; found -> nothing runs."""
    dev = _load_dev(monkeypatch)
    ran: list[list[str]] = []
    monkeypatch.setattr(dev, "run", lambda cmd, **kw: ran.append(cmd))
    monkeypatch.setattr(dev.shutil, "which", lambda name, **kw: "/usr/bin/apt-get" if name == "apt-get" else None)
    monkeypatch.setattr(dev.os, "geteuid", lambda: 0)
    monkeypatch.setattr(dev.PGDEPS, "find_server_bin", lambda *a, **k: None)
    dev.ensure_postgresql()
    assert ran == [["apt-get", "update", "-q"],
                   ["apt-get", "install", "-y", "-q", "--no-install-recommends", "postgresql"]]
    dev.install_system_packages(["libgl1"])        # a second install in the same setup: no second update
    assert ran[-1][:2] == ["apt-get", "install"] and len(ran) == 3

    ran.clear()
    monkeypatch.setattr(dev.PGDEPS, "find_server_bin", lambda *a, **k: fake_bin(tmp_path / "pg/15/bin"))
    dev.ensure_postgresql()
    assert ran == []

    monkeypatch.setattr(dev.PGDEPS, "find_server_bin", lambda *a, **k: None)
    monkeypatch.setattr(dev.os, "geteuid", lambda: 1000)
    dev.ensure_postgresql()
    assert ran == []
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1].startswith("[isfannotate setup] PostgreSQL's server programs are not installed; as root run")


@pytest.mark.skipif(not Path("/usr/lib/postgresql").exists() and not os.environ.get("ISFANNOTATE_PG_BIN"),
                    reason="no PostgreSQL on this machine")
def test_this_machines_server_is_found():
    folder = pgdeps.find_server_bin()
    assert folder is not None and pgdeps.server_version(folder) >= pgdeps.MIN_VERSION
