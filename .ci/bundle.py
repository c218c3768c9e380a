#!/usr/bin/env python3
"""Build, and check, the standalone isfannotate app: one archive that runs without Python.

    python3 .ci/dev.py bundle                 build dist/isfannotate-VERSION-linux-ARCH.tar.gz, then smoke-test it
    python3 .ci/dev.py bundle --clean-debian  ... and run it inside a fresh Debian 12 (a debootstrap chroot) that has
                                              no Python and only the libraries a desktop has (root, Linux, ~5 min
                                              the first time: the chroot is kept in build/bundle/debian12)

The bundler is PyInstaller (one folder, not one file: a one-file build unpacks ~150 MB to /tmp at every
start). It runs in its own virtual environment, `.venv-bundle/`, where isfannotate is installed from the
checkout as a wheel would be (so the seeds and schemas ship inside the package), without the test and ml
extras: the spaCy exports say in one line that they need the `ml` extra, as in any install without it.

Other systems (not buildable here: PyInstaller builds for the system it runs on, and this repository's
CI is Linux only; nothing below is tested):
- Windows 10/11: install Python 3.11 or 3.12 from python.org, then in the checkout run
  `py .ci\\dev.py bundle`; the result is dist\\isfannotate-VERSION-windows-AMD64.zip holding
  isfannotate\\isfannotate.exe (Qt's own DLLs come from the PySide6 wheel; nothing else to install).
- macOS 12+: `python3 .ci/dev.py bundle` with python.org's universal2 Python; the result is
  dist/isfannotate-VERSION-darwin-ARCH.tar.gz. An app that is not signed and notarised is stopped by
  Gatekeeper: sign with `codesign --deep -s "Developer ID Application: ..."` and notarise with
  `xcrun notarytool` before handing it out (or annotators right-click → Open the first time).
"""
from __future__ import annotations

import hashlib
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv-bundle"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
WORK = ROOT / "build" / "bundle"
DIST = ROOT / "dist"
PYINSTALLER = "pyinstaller>=6.10,<7"
# The libraries a Debian 12 desktop has (X, GL, fonts, D-Bus, GLib): what the bundle may rely on.
DESKTOP_PACKAGES = [
    "libgl1", "libegl1", "libxkbcommon0", "libxkbcommon-x11-0", "libfontconfig1", "fonts-dejavu-core",
    "libfreetype6", "libdbus-1-3", "libglib2.0-0", "libx11-xcb1", "libxcb-cursor0", "libxcb-icccm4",
    "libxcb-image0", "libxcb-keysyms1", "libxcb-randr0", "libxcb-render-util0", "libxcb-shape0",
    "libxcb-xinerama0", "libxcb-xkb1",
]


def say(msg: str) -> None:
    print(f"[isfannotate bundle] {msg}", flush=True)


def run(cmd: list, **kw) -> None:
    subprocess.run([str(c) for c in cmd], check=True, **kw)


def version() -> str:
    for line in (ROOT / "pyproject.toml").read_text(encoding="utf-8").splitlines():
        if line.startswith("version"):
            return line.split("=", 1)[1].strip().strip('"')
    raise SystemExit("pyproject.toml has no version")


def archive_path() -> Path:
    system = {"linux": "linux", "win32": "windows", "darwin": "darwin"}.get(sys.platform, sys.platform)
    ext = ".zip" if os.name == "nt" else ".tar.gz"
    return DIST / f"isfannotate-{version()}-{system}-{platform.machine()}{ext}"


def ensure_bundle_venv() -> None:
    """A virtual environment with PyInstaller and isfannotate installed from this checkout (not editable)."""
    stamp = VENV / ".isfannotate-bundle"
    sources = sorted(p for d in ("isfannotate", "ui", "seeds") for p in (ROOT / d).rglob("*")
                     if p.is_file() and "__pycache__" not in p.parts)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes())
    for p in sources:
        digest.update(str(p.relative_to(ROOT)).encode() + b"\0" + p.read_bytes())
    want = digest.hexdigest()
    if PY.exists() and stamp.exists() and stamp.read_text() == want:
        return
    if not PY.exists():
        say(f"creating {VENV}")
        run([sys.executable, "-m", "venv", VENV])
        run([PY, "-m", "pip", "install", "-q", "--disable-pip-version-check", "-U", "pip"])
    say("installing isfannotate (as a wheel would) and PyInstaller into it")
    run([PY, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--force-reinstall", "--no-deps", "."],
        cwd=ROOT)
    run([PY, "-m", "pip", "install", "-q", "--disable-pip-version-check", ".", PYINSTALLER], cwd=ROOT)
    stamp.write_text(want)


def build() -> Path:
    ensure_bundle_venv()
    WORK.mkdir(parents=True, exist_ok=True)
    launcher = WORK / "isfannotate_launcher.py"
    launcher.write_text("import sys\nfrom isfannotate.cli import main\nsys.exit(main())\n", encoding="utf-8")
    out = WORK / "dist"
    say("running PyInstaller (a few minutes)")
    t0 = time.monotonic()
    run([PY, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN", "--onedir",
         "--name", "isfannotate", "--distpath", out, "--workpath", WORK / "work", "--specpath", WORK,
         # the cli loads the app and some formats lazily; collect every module of both packages
         "--collect-submodules", "isfannotate", "--collect-submodules", "isfannotate_ui",
         "--collect-data", "isfannotate",
         # matplotlib draws with Agg only; Tk is not part of the app
         "--exclude-module", "tkinter", "--exclude-module", "matplotlib.backends.backend_tkagg",
         "--exclude-module", "spacy", "--exclude-module", "datasets",
         launcher], cwd=WORK)
    say(f"PyInstaller took {time.monotonic() - t0:.0f} s")
    folder = out / "isfannotate"
    DIST.mkdir(exist_ok=True)
    target = archive_path()
    if target.exists():
        target.unlink()
    if target.suffix == ".zip":
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
            for p in sorted(folder.rglob("*")):
                z.write(p, Path("isfannotate") / p.relative_to(folder))
    else:
        with tarfile.open(target, "w:gz", compresslevel=6) as t:
            t.add(folder, arcname="isfannotate")
    say(f"built {target.relative_to(ROOT)}: {target.stat().st_size / 2**20:.0f} MiB packed, "
        f"{folder_size(folder) / 2**20:.0f} MiB unpacked")
    return target


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


SMOKE = r'''
set -eu
cd "$1"
tar xzf "$2"
export HOME="$PWD/home" ISFANNOTATE_DATA_DIR="$PWD/data" QT_QPA_PLATFORM=offscreen
mkdir -p "$HOME"
app=./isfannotate/isfannotate
seeds=$(dirname "$(find "$PWD/isfannotate" -name scheme.json -path '*_seeds*' | head -1)")
now() { date +%s%N; }
t0=$(now); $app --version; t1=$(now)
echo "start to --version: $(( (t1 - t0) / 1000000 )) ms"
t0=$(now); $app gui --demo --annotator annotator --screenshot "$PWD/demo.png"; t1=$(now)
echo "start to the demo's first window, rendered to demo.png: $(( (t1 - t0) / 1000000 )) ms"
test -s "$PWD/demo.png"
$app stats "$ISFANNOTATE_DATA_DIR/demo.isf"
$app init "$PWD/p.isf" --registry "$seeds/registry.json"
$app import "$PWD/p.isf" "$seeds"
$app assign "$PWD/p.isf" --annotators ayesha,ben --overlap 2 --seed 1
$app handout "$PWD/p.isf" --out "$PWD/handout"
$app check "$PWD/p.isf"
set +e
$app export "$PWD/p.isf" --format spacy --all --out "$PWD/out" 2>"$PWD/err.txt"; rc=$?
set -e
cat "$PWD/err.txt"
test "$rc" -eq 2 && ! grep -q Traceback "$PWD/err.txt"
if command -v Xvfb >/dev/null; then
  Xvfb :71 -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 & xpid=$!
  sleep 1
  DISPLAY=:71 QT_QPA_PLATFORM=xcb $app gui --demo --screenshot "$PWD/demo-x11.png"
  kill $xpid
  test -s "$PWD/demo-x11.png"
  echo "the same on a real X display (Xvfb, Qt's xcb platform): ok"
fi
echo "bundle smoke test: ok"
'''


def smoke(archive: Path, *, chroot: Path | None = None) -> None:
    """Unpack the archive in an empty folder and run the app's commands from it, with no Python on PATH."""
    if chroot is None:
        with tempfile.TemporaryDirectory(prefix="isf-bundle-") as tmp:
            env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
            run(["sh", "-c", SMOKE, "smoke", tmp, archive], env=env)
        return
    inside = chroot / "smoke"
    shutil.rmtree(inside, ignore_errors=True)
    inside.mkdir()
    shutil.copy2(archive, inside / archive.name)
    (inside / "smoke.sh").write_text(SMOKE, encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin:/usr/sbin:/sbin", "LANG": "C.UTF-8"}
    with mounted_proc(chroot):
        run(["chroot", chroot, "sh", "-c", "! command -v python3 && ! ls /usr/bin/python* 2>/dev/null "
             "&& echo 'no Python in this system'"], env=env)
        run(["chroot", chroot, "sh", "/smoke/smoke.sh", "/smoke", f"/smoke/{archive.name}"], env=env)
    shutil.copy2(inside / "demo.png", WORK / "clean-debian-demo.png")
    if (inside / "demo-x11.png").exists():
        shutil.copy2(inside / "demo-x11.png", WORK / "clean-debian-demo-x11.png")
    say(f"the chroot's screenshot: {(WORK / 'clean-debian-demo.png').relative_to(ROOT)}")


class mounted_proc:
    def __init__(self, root: Path):
        self.proc = root / "proc"

    def __enter__(self):
        run(["mount", "-t", "proc", "proc", self.proc])

    def __exit__(self, *exc):
        subprocess.run(["umount", "-l", str(self.proc)], check=False)


def clean_debian() -> Path:
    """A minimal Debian 12 (debootstrap --variant=minbase) plus the desktop libraries, and nothing else."""
    if os.geteuid() != 0 or not sys.platform.startswith("linux"):
        raise SystemExit("--clean-debian needs root on Linux (debootstrap and chroot)")
    root = WORK / "debian12"
    if (root / ".ready").exists():
        return root
    if not shutil.which("debootstrap"):
        say("installing debootstrap")
        run(["apt-get", "install", "-y", "-q", "debootstrap"], env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    shutil.rmtree(root, ignore_errors=True)
    say(f"debootstrap bookworm into {root.relative_to(ROOT)} (a few minutes)")
    run(["debootstrap", "--variant=minbase", "bookworm", root, "http://deb.debian.org/debian"])
    say("installing the desktop libraries in it: " + " ".join(DESKTOP_PACKAGES))
    env = {"PATH": "/usr/bin:/bin:/usr/sbin:/sbin", "DEBIAN_FRONTEND": "noninteractive", "LANG": "C.UTF-8"}
    with mounted_proc(root):
        # xvfb: an X server to run the app on Qt's real X11 platform, as on a desktop
        run(["chroot", root, "apt-get", "install", "-y", "-q", "--no-install-recommends", "xvfb", *DESKTOP_PACKAGES],
            env=env)
    (root / ".ready").write_text("ok\n")
    return root


def main(argv: list[str]) -> int:
    target = build()
    say("smoke test on this machine, unpacked outside the checkout")
    smoke(target)
    if "--clean-debian" in argv:
        root = clean_debian()
        say("smoke test in the clean Debian 12")
        smoke(target, chroot=root)
    say(f"done: {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
