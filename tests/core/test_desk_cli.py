"""Issue 20, the command line: a folder's registry.json is imported (or said skipped), and
``gui`` names Qt's missing platform libraries before Qt starts."""
import json

import pytest

from isfannotate import qtdeps
from isfannotate.cli import main


def _stats(proj, capsys):
    capsys.readouterr()
    assert main(["stats", proj, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_importing_a_folder_with_a_registry_loads_it_into_an_empty_registry(tmp_path, seeds_dir, capsys):
    proj = str(tmp_path / "c.isf")
    assert main(["init", proj]) == 0
    assert main(["import", proj, str(seeds_dir)]) == 0
    n = len(json.loads((seeds_dir / "registry.json").read_text(encoding="utf-8"))["actors"])
    assert f"{n} actors from {seeds_dir / 'registry.json'}" in capsys.readouterr().out
    assert _stats(proj, capsys)["actors"] == n


def test_a_folder_registry_is_not_loaded_over_an_existing_registry_and_the_summary_says_so(tmp_path, seeds_dir,
                                                                                          capsys):
    reg = tmp_path / "one.json"
    reg.write_text(json.dumps({"actors": [{"id": "a_x", "name": "X", "type": "person"}]}), encoding="utf-8")
    proj = str(tmp_path / "c.isf")
    assert main(["init", proj, "--registry", str(reg)]) == 0
    assert main(["import", proj, str(seeds_dir)]) == 0
    out = capsys.readouterr().out
    assert "registry.json not loaded: the project already has 1 actors" in out
    assert _stats(proj, capsys)["actors"] == 1


def test_a_folder_registry_the_project_already_holds_is_said_to_be_there_not_refused(tmp_path, seeds_dir, capsys):
    """The README's run: init with the seeds' registry, then import the seeds folder (which holds the
    same registry.json): the summary says its actors are there, not that it was "not loaded"."""
    proj = str(tmp_path / "c.isf")
    assert main(["init", proj, "--registry", str(seeds_dir / "registry.json")]) == 0
    capsys.readouterr()
    assert main(["import", proj, str(seeds_dir)]) == 0
    out = capsys.readouterr().out
    n = len(json.loads((seeds_dir / "registry.json").read_text(encoding="utf-8"))["actors"])
    assert f"registry.json: its {n} actors are already in the project" in out and "not loaded" not in out
    assert _stats(proj, capsys)["actors"] == n


def test_a_bad_folder_registry_refuses_the_import_in_one_line(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Pakistan said so.", encoding="utf-8")
    (folder / "registry.json").write_text('{"actors": [}', encoding="utf-8")
    proj = str(tmp_path / "c.isf")
    assert main(["init", proj]) == 0
    capsys.readouterr()
    assert main(["import", proj, str(folder)]) == 2
    err = capsys.readouterr().err
    assert "registry.json:1: not valid JSON" in err and "Traceback" not in err
    assert _stats(proj, capsys)["documents"] == 0


LISTING_WITHOUT_THREE = "\n".join(
    f"\t{lib} (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/{lib}"
    for lib in {**qtdeps.HEADLESS_LIBS, **qtdeps.DISPLAY_LIBS}
    if lib not in ("libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxcb-xinerama.so.0"))


def test_gui_names_the_missing_qt_libraries_and_the_apt_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(qtdeps, "ldconfig_listing", lambda: LISTING_WITHOUT_THREE)
    monkeypatch.setattr(qtdeps.sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    proj = str(tmp_path / "c.isf")
    assert main(["init", proj]) == 0
    capsys.readouterr()
    assert main(["gui", proj]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "libxcb-icccm4, libxcb-keysyms1, libxcb-xinerama0" in err
    assert "sudo apt-get install libxcb-icccm4 libxcb-keysyms1 libxcb-xinerama0" in err
    assert "libxcb-cursor0" not in err


@pytest.mark.parametrize("env,expected", [
    ({"DISPLAY": ":0"}, True),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, False),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "xcb"}, True),
    ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}, False),
    ({}, False),
])
def test_the_library_check_runs_only_where_qt_starts_its_x11_plugin(env, expected):
    assert qtdeps.uses_xcb(env, "linux") is expected
    assert qtdeps.uses_xcb(env, "win32") is False
    assert (qtdeps.display_problem(env, "linux", LISTING_WITHOUT_THREE) is not None) is expected


def test_the_library_check_can_be_turned_off():
    env = {"DISPLAY": ":0", "ISFANNOTATE_SKIP_QT_CHECK": "1"}
    assert qtdeps.display_problem(env, "linux", LISTING_WITHOUT_THREE) is None


def test_libraries_a_standalone_build_carries_count_as_present(tmp_path, monkeypatch):
    (tmp_path / "_internal").mkdir()
    for lib in ("libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxcb-xinerama.so.0"):
        (tmp_path / "_internal" / lib).write_bytes(b"")
    monkeypatch.setattr(qtdeps.sys, "frozen", True, raising=False)
    monkeypatch.setattr(qtdeps.sys, "executable", str(tmp_path / "isfannotate"))
    monkeypatch.setattr(qtdeps, "ldconfig_listing", lambda: LISTING_WITHOUT_THREE)
    assert qtdeps.display_problem({"DISPLAY": ":0"}, "linux") is None
