"""Where the OS's PostgreSQL server programs are, and what to install when they are missing.

The team database's tests start a real PostgreSQL server (``initdb``, ``pg_ctl``, ``postgres``) in a
temporary folder, and ``.ci/dev.py test`` installs the OS's ``postgresql`` package on Debian/Ubuntu
when those programs are missing, as it installs Qt's libraries. Both ask this module, so the test
fixture and the installer agree on where the programs are. Like ``qtdeps.py``, it imports only the
standard library and nothing of isfannotate: ``.ci/dev.py`` loads it by path before the virtual
environment exists. The app's own commands never need a server on this machine.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

SERVER_PROGRAMS = ("initdb", "pg_ctl", "postgres")
MIN_VERSION = 15
DEBIAN_PACKAGES = ["postgresql"]
#: where distributions keep the server programs off PATH (Debian/Ubuntu, RHEL/Fedora's PGDG packages)
SEARCH_GLOBS = ("/usr/lib/postgresql/*/bin", "/usr/pgsql-*/bin")


def _has_programs(folder: Path) -> bool:
    return all(os.access(folder / name, os.X_OK) and (folder / name).is_file() for name in SERVER_PROGRAMS)


def _version_of_folder(folder: Path) -> int | None:
    """The major version a distribution's folder names (``/usr/lib/postgresql/15/bin`` -> 15)."""
    for part in reversed(folder.parts):
        m = re.fullmatch(r"(?:pgsql-)?(\d+)(?:\.\d+)?", part)
        if m:
            return int(m.group(1))
    return None


def candidate_folders(environ: dict[str, str] | None = None, globs: tuple[str, ...] = SEARCH_GLOBS) -> list[Path]:
    """The folders to look in, best first: ``ISFANNOTATE_PG_BIN`` (set by hand to choose a server),
    the folder of ``pg_ctl`` on PATH, then the distributions' versioned folders, newest first."""
    env = os.environ if environ is None else environ
    out: list[Path] = []
    if env.get("ISFANNOTATE_PG_BIN"):
        out.append(Path(env["ISFANNOTATE_PG_BIN"]))
    on_path = shutil.which("pg_ctl", path=env.get("PATH", os.defpath))
    if on_path:
        out.append(Path(on_path).resolve().parent)
    found: list[Path] = []
    for pattern in globs:
        anchor = Path(pattern).anchor
        found += [Path(p) for p in Path(anchor).glob(pattern[len(anchor):])]
    out += sorted(found, key=lambda p: _version_of_folder(p) or 0, reverse=True)
    return out


def find_server_bin(environ: dict[str, str] | None = None, globs: tuple[str, ...] = SEARCH_GLOBS) -> Path | None:
    """The first folder holding all of initdb, pg_ctl and postgres, or None."""
    for folder in candidate_folders(environ, globs):
        if _has_programs(folder):
            return folder
    return None


def server_version(folder: Path) -> int | None:
    """The server's major version (``postgres --version``: "postgres (PostgreSQL) 15.18" -> 15)."""
    try:
        out = subprocess.run([str(folder / "postgres"), "--version"], capture_output=True, text=True,
                             timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return _version_of_folder(folder)
    m = re.search(r"(\d+)(?:\.\d+)?", out)
    return int(m.group(1)) if m else _version_of_folder(folder)


@dataclass
class InstallPlan:
    """What the test command does about PostgreSQL: ``packages`` to install with apt-get (empty:
    nothing), and ``note``: one line to print (a hint, or why nothing is installed)."""
    packages: list[str] = field(default_factory=list)
    note: str | None = None


def install_plan(folder: Path | None, version: int | None, *, has_apt: bool, is_root: bool) -> InstallPlan:
    """Decide, from what was found (*folder* of the server programs and its *version*) and the
    machine (apt-get present, running as root), what to install. Installs only as root on
    Debian/Ubuntu; otherwise a one-line hint, and the team-database tests skip (or fail under CI)."""
    if folder is not None and (version is None or version >= MIN_VERSION):
        return InstallPlan()
    if folder is not None:
        return InstallPlan(note=f"PostgreSQL {version} found in {folder}, but the team database needs "
                                f"{MIN_VERSION} or newer: install a newer server "
                                "(https://www.postgresql.org/download/) or set ISFANNOTATE_PG_BIN to its bin folder; "
                                "the team-database tests skip")
    if not has_apt:
        return InstallPlan(note="PostgreSQL's server programs (initdb, pg_ctl, postgres) are not installed; install "
                                f"PostgreSQL {MIN_VERSION}+ from your OS or set ISFANNOTATE_PG_BIN to its bin folder; "
                                "the team-database tests skip")
    if not is_root:
        return InstallPlan(note="PostgreSQL's server programs are not installed; as root run: apt-get install -y "
                                "--no-install-recommends postgresql (the team-database tests skip meanwhile)")
    return InstallPlan(packages=list(DEBIAN_PACKAGES))
