"""`pip install .` must give a working app and CLI: the wheel carries seeds/, the schemas and the UI."""
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                        str(out), str(REPO)], capture_output=True, text=True, timeout=300)
    if r.returncode != 0 and "hatchling" in r.stderr:
        r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(REPO)],
                           capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    [whl] = out.glob("isfannotate-*.whl")
    return whl


@pytest.mark.timeout(300)
def test_wheel_contents(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for seed in (REPO / "seeds").iterdir():
        assert f"isfannotate/_seeds/{seed.name}" in names
    assert "isfannotate/schemas/gold-1.schema.json" in names
    assert "isfannotate_ui/__init__.py" in names and "isfannotate/cli/__init__.py" in names
    assert not any(n.startswith(("ui/", "tests/", "seeds/")) for n in names)


@pytest.mark.timeout(300)
def test_demo_builds_from_the_installed_wheel(wheel, tmp_path):
    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    code = (f"import sys; sys.path.insert(0, {str(unpacked)!r})\n"
            "import isfannotate, isfannotate.resources as r\n"
            f"assert isfannotate.__file__.startswith({str(unpacked)!r}), isfannotate.__file__\n"
            f"assert str(r.seeds_dir()).startswith({str(unpacked)!r})\n"
            "from isfannotate.demo import build_demo\n"
            "from isfannotate import Project\n"
            "p = Project.open(build_demo())\n"
            "print(p.document_count(), len(p.actors()), len(p.targets()))\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                       env={"ISFANNOTATE_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"})
    assert r.returncode == 0, r.stderr
    docs, actors, targets = map(int, r.stdout.split())
    assert docs == 5 and actors > 20 and targets >= 5
