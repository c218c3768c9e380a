"""Small generic dialogs shared by the features."""
