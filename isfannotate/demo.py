"""The demo project: built from ``seeds/`` in the user's data folder on first use."""
from __future__ import annotations

from pathlib import Path

from .project import Project
from .resources import data_dir, seeds_dir


def demo_path() -> Path:
    return data_dir() / "demo.isf"


def build_demo(path: Path | None = None) -> Path:
    """Create the demo project from the seeds if it does not exist yet; return its path."""
    path = path or demo_path()
    if path.exists():
        return path
    seeds = seeds_dir()
    tmp = path.with_name(path.name + ".building")
    for leftover in (tmp, Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm")):
        leftover.unlink(missing_ok=True)
    project = Project.create(tmp, seeds / "scheme.json", seeds / "registry.json", name="ISF demo",
                             program="isfannotate demo builder")
    try:
        project.import_paths(sorted(seeds.glob("*.txt")))   # titles, outlets, dates from seeds/manifest.json
    finally:
        project.close()
    tmp.rename(path)
    return path
