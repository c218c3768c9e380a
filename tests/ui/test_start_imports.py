"""What the app loads to show its first window (issue 21's start budget): the Qt-free core
comes before PySide6 (whose import hook reads the source of every module imported after it), and
the dialogs the first window does not show are imported when first opened. In a new process:
this test session has imported everything already."""
import os
import subprocess
import sys

from isfannotate.demo import build_demo

LATER = ("isfannotate_ui.team.teamdb_dialog", "isfannotate_ui.registry.registry_dialogs",
         "isfannotate_ui.registry.occurrences_dialog", "isfannotate_ui.dialogs.validation_dialog",
         "isfannotate_ui.dialogs.small_dialogs")

CODE = """
import sys
from isfannotate_ui.app import ensure_app, MainWindow
app = ensure_app()
w = MainWindow(sys.argv[1], "tester", remember_layout=False)
w.show()
app.processEvents()
w.grab()
order = list(sys.modules)
print(order.index("pydantic") < order.index("PySide6"), order.index("isfannotate.store.base") < order.index("PySide6"))
print(" ".join(m for m in sys.argv[2:] if m in sys.modules))
w.close()
"""


def test_the_first_window_loads_the_core_before_qt_and_no_dialog(tmp_path):
    demo = build_demo(tmp_path / "demo.isf")
    r = subprocess.run([sys.executable, "-c", CODE, str(demo), *LATER], capture_output=True, text=True, timeout=120,
                       env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "True True"
    assert lines[1:] in ([], [""])      # none of the dialogs
