"""Project files: new, open, import and export as jobs, and the status bar's job indicator."""
