"""The lead's team work: writing each annotator's project file (handout) and bringing the files
back (merge). Assignment itself is an action (``ops/team.py``)."""
