"""The desktop app (PySide6): the only code of the project that imports Qt.

It reads and writes the project only through the core's public ``Project`` (no SQL here), on
the UI thread, through the window's one ``Session``. Its layout, top-down:

- ``app.py`` starts it; ``main_window.py`` builds the window, its parts and its controllers and
  connects them; ``session.py`` holds the open project, who annotates and the document shown
  (``serving.py``: while it is open, the project answers the terminal's read commands);
  ``parts.py`` hands the window's pieces to the controllers (which never import the window).
- Window-level coordinators that tie several features together: ``labelling.py`` (the label
  keys), ``document_painter.py`` (drawing a document and each change to it),
  ``analysis_controller.py`` (the analysis windows and their click-throughs); and
  ``window_memory.py`` and ``app_settings.py`` (what the app remembers).
- One folder per feature: ``annotate/`` (the article view and what draws on it, the label bar,
  the side panels of the shown document), ``documents/`` (the document list, moving through
  it, the layer shown), ``files/`` (project files, import and export as jobs, the job
  indicator), ``claims/`` (claims, stances, relations), ``registry/`` (actors, the picker,
  suggestions), ``team/`` (assign, hand out, merge, the progress board), ``review/``,
  ``agreement/``, ``stancemap/``, and ``dialogs/`` (small dialogs the features share).

A feature folder imports ``annotate/``, ``dialogs/``, ``session`` and ``parts``, never the window
(tests/ui/test_ui_imports.py); no module imports another in a circle.
"""
