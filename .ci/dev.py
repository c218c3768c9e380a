#!/usr/bin/env python3
"""Set up everything isfannotate needs, then run the app or the tests.

    python3 .ci/dev.py app [ARGS...]    install, then open the app on the demo project (or ARGS for `isfannotate gui`)
    python3 .ci/dev.py test [ARGS...]   install (with test extras), check the code (ruff, mypy), then run the
                                        whole test suite (ARGS go to pytest)
    python3 .ci/dev.py bundle [--clean-debian]   build the standalone app (no Python needed to run it) and check it

Needs only python3 with venv (and git for the checkout). On Debian/Ubuntu it installs the few
system libraries Qt needs when they are missing (apt-get, as root or through sudo), and for the
tests the OS's PostgreSQL server (the `postgresql` package, as root only; the team database's tests
start a throwaway server). The virtual environment is `.venv/` in the checkout; it is reinstalled
when pyproject.toml changes.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")


def _load_qtdeps(name: str = "qtdeps"):
    """isfannotate/qtdeps.py holds the one list of Qt's system libraries (the `gui` command checks
    the same list), isfannotate/pgdeps.py where PostgreSQL's server programs are (the test fixture
    looks in the same places); loaded by path, since this script runs before the package is installed."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(f"_isfannotate_{name}", ROOT / "isfannotate" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module     # dataclasses look their module up while it runs
    spec.loader.exec_module(module)
    return module


QTDEPS = _load_qtdeps()
PGDEPS = _load_qtdeps("pgdeps")    # where PostgreSQL's server programs are (the team database's tests)
HEADLESS_LIBS = QTDEPS.HEADLESS_LIBS    # what Qt needs offscreen ...
DISPLAY_LIBS = QTDEPS.DISPLAY_LIBS      # ... and on a real X11 display (the xcb platform plugin)


def say(msg: str) -> None:
    print(f"[isfannotate setup] {msg}", flush=True)


def run(cmd: list[str], **kw) -> None:
    subprocess.run(cmd, check=True, **kw)


def missing_libs(libs: dict[str, str]) -> list[str]:
    return QTDEPS.missing_packages(libs)


def install_system_packages(pkgs: list[str], what: str = "libraries for Qt") -> None:
    if not pkgs:
        return
    if not shutil.which("apt-get"):
        say("Qt needs these system libraries, which this script installs only on Debian/Ubuntu: " + " ".join(pkgs))
        return
    prefix: list[str] = []
    if os.geteuid() != 0:
        if not shutil.which("sudo"):
            sys.exit(f"Qt needs system libraries; as root run: apt-get install -y {' '.join(pkgs)}")
        prefix = ["sudo"]
    say(f"installing system {what}: " + " ".join(pkgs))
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if not _APT_UPDATED:
        run(prefix + ["apt-get", "update", "-q"], env=env)
        _APT_UPDATED.append(True)
    run(prefix + ["apt-get", "install", "-y", "-q", "--no-install-recommends", *pkgs], env=env)


_APT_UPDATED: list[bool] = []    # apt-get update runs once per setup


def ensure_postgresql() -> None:
    """The team database's tests start a real PostgreSQL server: install the OS's `postgresql`
    package when its server programs are missing (Debian/Ubuntu, as root only); else one line
    saying how, and those tests skip (they fail instead under CI=true or ISFANNOTATE_REQUIRE_SHARED=1)."""
    folder = PGDEPS.find_server_bin()
    version = PGDEPS.server_version(folder) if folder is not None else None
    is_root = os.name != "nt" and os.geteuid() == 0
    plan = PGDEPS.install_plan(folder, version, has_apt=bool(shutil.which("apt-get")), is_root=is_root)
    if plan.note:
        say(plan.note)
    if plan.packages:
        try:
            install_system_packages(plan.packages, "packages for the team database's tests")
        except subprocess.CalledProcessError as e:
            say(f"installing {' '.join(plan.packages)} failed ({e}); the team-database tests skip")


def ensure_venv(extras: str) -> None:
    stamp_file = VENV / ".isfannotate-installed"
    want = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    have = stamp_file.read_text().split() if stamp_file.exists() else []
    if want in have and PY.exists():
        return
    if not PY.exists():
        say(f"creating the virtual environment {VENV}")
        try:
            run([sys.executable, "-m", "venv", str(VENV)])
        except subprocess.CalledProcessError:
            sys.exit("python3 -m venv failed: on Debian/Ubuntu install it with: apt-get install python3-venv")
    say("installing isfannotate and its dependencies (first time: a few minutes)")
    run([str(PY), "-m", "pip", "install", "-q", "--disable-pip-version-check", "-U", "pip"])
    spec = f".[{extras}]" if extras else "."
    run([str(PY), "-m", "pip", "install", "-q", "--disable-pip-version-check", "-e", spec], cwd=ROOT)
    stamp_file.write_text("\n".join([*have, want]))


def compile_sources() -> None:
    """Byte-compile the checkout's own modules (``__pycache__``, ignored by git), as ``pip install``
    does for an installed package: an editable install leaves that to Python's first import, which
    skips it when PYTHONDONTWRITEBYTECODE is set, and then every start compiles ~150 modules again
    (0.5 s of the app's start on this machine). Only changed files are compiled again."""
    run([str(PY), "-m", "compileall", "-q", "-j", "0", "isfannotate", "ui", "bench"], cwd=ROOT)


def code_checks(root: Path = ROOT) -> str | None:
    """Lint and types before the tests: ``ruff check .`` and ``mypy`` (both configured in
    pyproject.toml), each showing its own findings. None when both pass, else the one-line reason."""
    checks = [
        ([str(BIN / "ruff"), "check", "."],
         "ruff check . failed: fix the findings above (`.venv/bin/ruff check --fix` fixes some)"),
        ([str(BIN / "mypy")],
         "mypy failed: fix the type errors above (modules not yet strict: pyproject.toml's [tool.mypy] "
         "overrides, a list that may only shrink)"),
    ]
    for cmd, reason in checks:
        if subprocess.run(cmd, cwd=root).returncode != 0:
            return reason
    return None


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("app", "test", "bundle"):
        print(__doc__)
        return 2
    what, rest = argv[0], argv[1:]
    if what == "bundle":
        return subprocess.run([sys.executable, str(ROOT / ".ci" / "bundle.py"), *rest], cwd=ROOT).returncode
    if what == "test":
        install_system_packages(missing_libs(HEADLESS_LIBS))
        ensure_postgresql()
        ensure_venv("test")
        compile_sources()
        failed = code_checks()
        if failed:
            say(failed)
            return 1
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        return subprocess.run([str(PY), "-m", "pytest", *rest], cwd=ROOT, env=env).returncode
    has_display = bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) or sys.platform != "linux"
    install_system_packages(missing_libs({**HEADLESS_LIBS, **(DISPLAY_LIBS if has_display else {})}))
    ensure_venv("")
    compile_sources()
    cli = [str(BIN / "isfannotate"), "gui", *(rest or ["--demo"])]
    if not has_display:
        shot = ROOT / "exports" / "demo-screenshot.png"
        say("no display found (DISPLAY/WAYLAND_DISPLAY unset): rendering the app offscreen to " + str(shot))
        say("on a desktop session the same command opens the window")
        cli += ["--screenshot", str(shot)]
        return subprocess.run(cli, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}).returncode
    return subprocess.run(cli).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
