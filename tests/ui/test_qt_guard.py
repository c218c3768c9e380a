"""The PySide6 pin (docs/architecture.md, conventions): 6.12.0 on Python 3.11 kills the process after a few thousand
calls of a Qt method that returns nothing. Run that pattern in a subprocess so a regression
fails this test instead of the whole run."""
import os
import subprocess
import sys

import pytest

CODE = r"""
import sys
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QPlainTextEdit
app = QApplication([])
obj = QObject()
edit = QPlainTextEdit()
for i in range(30000):
    obj.setObjectName("n")          # returns None
    edit.setReadOnly(i % 2 == 0)    # returns None
print("ok")
"""


def test_installed_pyside6_is_not_the_crashing_combination():
    import PySide6
    if sys.version_info[:2] == (3, 11):
        assert not PySide6.__version__.startswith("6.12.0"), "pyproject must keep Python 3.11 off PySide6 6.12.0"


@pytest.mark.timeout(120)
def test_void_qt_calls_do_not_crash_the_interpreter():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    r = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, env=env, timeout=110)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr[-2000:]
