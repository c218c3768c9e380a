"""Issue 19: any window headless. ``gui PROJECT --screenshot OUT.png --window NAME`` opens that
window with content (the review on the first open disagreement, the agreement measured, the
stance map with a cell, the progress board, an annotator's feedback), lets it settle and saves
it; an unknown name is refused in one line listing the names."""
import pytest
from PySide6.QtGui import QImage

from isfannotate.cli import main as cli
from isfannotate.cli.common import GUI_WINDOWS


@pytest.fixture
def three_closed(seeded, annotate_three):
    annotate_three(seeded)
    path = seeded.path
    seeded.close()
    return path


def colours(img: QImage) -> int:
    """How many distinct colours a coarse grid of the picture holds (a blank grab has 1 or 2)."""
    return len({img.pixel(x, y) for x in range(0, img.width(), 16) for y in range(0, img.height(), 16)})


def test_every_window_screenshots_headless(qtbot, three_closed, tmp_path, capsys):
    shots = {}
    for name in GUI_WINDOWS:
        png = tmp_path / f"{name}.png"
        assert cli(["gui", str(three_closed), "--annotator", "lead", "--screenshot", str(png),
                    "--window", name, "--size", "1100x700"]) == 0, name
        img = QImage(str(png))
        assert img.width() >= 1100 and img.height() >= 700, name
        assert colours(img) > 8, name
        shots[name] = img
    # each is its own window, not the main window six times
    assert len({bytes(img.constBits()) for img in shots.values()}) == len(GUI_WINDOWS)
    assert cli(["gui", str(three_closed), "--screenshot", str(tmp_path / "x.png"), "--window", "board"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == ("isfannotate gui: --window 'board': choose from main, review, agreement, stancemap, "
                       "progress, feedback, suggestions")
    assert not (tmp_path / "x.png").exists()
    assert cli(["gui", str(three_closed), "--screenshot", str(tmp_path / "x.png"), "--size", "big"]) == 2
    assert capsys.readouterr().err.strip() == ("isfannotate gui: --size 'big': give the window size as "
                                               "WIDTHxHEIGHT, e.g. 1280x800")
    assert cli(["gui", str(three_closed), "--screenshot", str(tmp_path / "x.png"), "--window", "review",
                "--document", "nope"]) == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == "isfannotate gui: no document with id 'nope'"
    assert not (tmp_path / "x.png").exists()
    assert cli(["stats", str(three_closed)]) == 0          # the refused window let the project go


def test_open_window_gives_each_window_content(qtbot, window, annotate_three):
    from isfannotate_ui.app import open_window, settle
    annotate_three(window.project)
    window.session.set_annotator("lead")
    rw = open_window(window, "review")
    assert rw.objectName() == "reviewWindow" and rw.current_unit() is not None
    assert rw.current_unit().state in ("disagree", "incomplete")
    aw = open_window(window, "agreement")
    settle(window)
    assert aw.pairs.rowCount() == 3
    sm = open_window(window, "stancemap")          # gold has no stance: every annotator side by side
    assert sm.smap is not None and len(sm.smap.cells) == 3
    board = open_window(window, "progress")
    assert board.table.rowCount() == 3
    fb = open_window(window, "feedback")
    assert fb.annotator.currentText() in ("alice", "bob", "chen", "lead")
    assert open_window(window, "main") is window
    for w in (rw, aw, sm, board, fb):
        qtbot.addWidget(w)
