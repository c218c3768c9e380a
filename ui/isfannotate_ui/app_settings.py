"""The app's remembered places, layout, dialog folders and drafts: one INI file in the data folder.

``ISFANNOTATE_DATA_DIR`` names that folder (default: the platform's user data folder, Linux
``~/.local/share/isfannotate``), so a second data folder (a test, a course, another project set)
keeps its own settings instead of sharing ``~/.config/isfannotate/isfannotate.conf``. Every
``QSettings`` of the app comes from ``app_settings()``.
"""
from __future__ import annotations

from PySide6.QtCore import QSettings

from isfannotate.resources import data_dir

SETTINGS_FILE = "isfannotate.ini"


def app_settings() -> QSettings:
    """A ``QSettings`` on ``<data folder>/isfannotate.ini`` (INI format). Made per use is fine;
    keep one where writes happen per keystroke (see window_memory.remember_place)."""
    return QSettings(str(data_dir() / SETTINGS_FILE), QSettings.Format.IniFormat)
