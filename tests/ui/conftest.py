import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def project_path(tmp_path):
    """A project file with the seeds, the seeds' registry and a Unicode test document."""
    from isfannotate import Project

    path = tmp_path / "ui.isf"
    p = Project.create(path, registry=REPO / "seeds" / "registry.json")
    p.import_paths(sorted((REPO / "seeds").glob("*.txt")))
    extra = tmp_path / "unicode.jsonl"
    extra.write_text(
        json.dumps(
            {"id": "zz-unicode", "text": "🇵🇰🇺🇸 Pakistan and 👨‍👩‍👧 families. پاکستان نے کہا\nIslamabad agreed."},
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    p.import_paths([extra])
    p.close()
    return path


def _open_window(qtbot, path, annotator: str):
    """A main window on the project *path* for *annotator*, 1280×800, shown and active."""
    from isfannotate_ui.app import create_main_window

    w = create_main_window(path, annotator)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitActive(w)
    return w


@pytest.fixture
def open_window(qtbot):
    """``open_window(path, annotator)``: a main window, 1280×800, shown and active."""
    return lambda path, annotator: _open_window(qtbot, path, annotator)


@pytest.fixture(scope="session")
def hard_data():
    """bench/hard_data.py (the benches' generated hard documents) as a module."""
    import importlib.util
    import sys
    spec = importlib.util.spec_from_file_location("hard_data", REPO / "bench" / "hard_data.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["hard_data"] = module      # its dataclass looks its module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def window_on_hard_doc(qtbot, tmp_path, hard_data, open_window):
    """A window on a new 50 KB / 500-span hard document (bench/hard_data.py), its side panels
    filled, the keyboard in the article: (window, document)."""
    doc = hard_data.make_hard_doc("hard", 50_000, 500, unlinked=0.0)
    w = open_window(hard_data.write_project(tmp_path / "hard.isf", [doc]), "bench")
    with qtbot.waitSignal(w.painter.panelsFilled, timeout=30000):
        w.show_document("hard")
    w.view.setFocus()
    yield w, doc
    w.close()


@pytest.fixture
def window(qtbot, project_path):
    w = _open_window(qtbot, project_path, "alice")
    yield w
    w.close()


def select(window, start: int, end: int) -> None:
    """Select [start, end) code points as a keyboard user would end up with."""
    window.view.setFocus()
    window.view.set_text_cursor_range(start, end)


@pytest.fixture
def sel():
    return select


def show_filled(qtbot, window, doc_id: str) -> None:
    """Show *doc_id* and wait until its side panels are filled, as they are right after the
    article's first paint (``DocumentPainter.fill_panels_after_paint``)."""
    with qtbot.waitSignal(window.painter.panelsFilled, timeout=5000):
        window.show_document(doc_id)


@pytest.fixture
def filled(qtbot):
    """``filled(window, doc_id)``: show a document and wait for its side panels (see show_filled)."""
    return lambda window, doc_id: show_filled(qtbot, window, doc_id)
