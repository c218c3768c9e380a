"""The system libraries Qt's platform plugins need on Linux, and a check that names what is missing.

One place for the list: ``isfannotate gui`` checks it before Qt starts (Qt's own message names
only the first library it missed, often the wrong one: xcb-cursor), and ``.ci/dev.py`` loads this
file by path (before the virtual environment exists) to install the same packages. So this module
imports only the standard library, and nothing of isfannotate.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

# shared library -> Debian package: what Qt needs offscreen ...
HEADLESS_LIBS = {
    "libGL.so.1": "libgl1", "libEGL.so.1": "libegl1", "libxkbcommon.so.0": "libxkbcommon0",
    "libfontconfig.so.1": "libfontconfig1", "libdbus-1.so.3": "libdbus-1-3", "libglib-2.0.so.0": "libglib2.0-0",
}
# ... and on a real X11 display (the xcb platform plugin).
DISPLAY_LIBS = {
    "libxcb-cursor.so.0": "libxcb-cursor0", "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxcb-icccm.so.4": "libxcb-icccm4", "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1", "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0", "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0", "libxcb-xkb.so.1": "libxcb-xkb1", "libX11-xcb.so.1": "libx11-xcb1",
    "libfreetype.so.6": "libfreetype6", "libharfbuzz.so.0": "libharfbuzz0b", "libfontconfig.so.1": "fonts-dejavu-core",
}


def ldconfig_listing() -> str | None:
    """The text of ``ldconfig -p`` (the libraries the dynamic linker knows), or None where there is
    no ldconfig (not Linux, or a system without it): then nothing can be said about libraries."""
    if not sys.platform.startswith("linux"):
        return None
    ldconfig = shutil.which("ldconfig") or ("/sbin/ldconfig" if Path("/sbin/ldconfig").exists() else None)
    if ldconfig is None:
        return None
    try:
        return subprocess.run([ldconfig, "-p"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return None


def missing_packages(libs: dict[str, str], listing: str | None = None) -> list[str]:
    """The Debian packages (in the order of *libs*, each once) whose library is not in *listing*
    (``ldconfig -p`` text; read now when None). Empty when the listing cannot be read."""
    if listing is None:
        listing = ldconfig_listing()
    if listing is None:
        return []
    pkgs: list[str] = []
    for lib, pkg in libs.items():
        if lib not in listing and pkg not in pkgs:
            pkgs.append(pkg)
    return pkgs


def uses_xcb(environ: os._Environ[str] | dict[str, str] | None = None, platform: str | None = None) -> bool:
    """True when Qt will start its X11 (xcb) platform plugin: Linux, a DISPLAY, and neither an
    explicit other platform (offscreen, minimal, wayland) nor a Wayland session."""
    env = os.environ if environ is None else environ
    if not (platform or sys.platform).startswith("linux") or not env.get("DISPLAY"):
        return False
    chosen = env.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        return chosen.split(";")[0].split(":")[0] == "xcb"
    return not env.get("WAYLAND_DISPLAY")


def bundled_libraries() -> str:
    """The file names of the shared libraries a standalone build carries beside its program
    (``sys.frozen``, PyInstaller): those need no system package. Empty when not frozen."""
    if not getattr(sys, "frozen", False):
        return ""
    roots = {Path(sys.executable).resolve().parent, Path(getattr(sys, "_MEIPASS", sys.executable)).resolve()}
    names = {f.name for root in roots if root.is_dir() for f in root.rglob("*.so*")}
    return "\n".join(sorted(names))


def display_problem(environ: os._Environ[str] | dict[str, str] | None = None, platform: str | None = None,
                    listing: str | None = None) -> str | None:
    """One line naming the missing packages and the ``apt-get install`` line when the X11 plugin
    would start without its libraries; None when nothing is missing (or nothing can be checked).
    ``ISFANNOTATE_SKIP_QT_CHECK=1`` turns the check off (a system that keeps its libraries where
    ``ldconfig`` does not list them)."""
    env = os.environ if environ is None else environ
    if env.get("ISFANNOTATE_SKIP_QT_CHECK") == "1" or not uses_xcb(environ, platform):
        return None
    if listing is None:
        listing = ldconfig_listing()
        if listing is None:
            return None
        listing += "\n" + bundled_libraries()
    pkgs = missing_packages({**HEADLESS_LIBS, **DISPLAY_LIBS}, listing)
    if not pkgs:
        return None
    return (f"Qt's X11 platform needs system libraries that are missing: {', '.join(pkgs)}; "
            f"install them with: sudo apt-get install {' '.join(pkgs)} "
            "(or run with QT_QPA_PLATFORM=offscreen and --screenshot for no window)")
