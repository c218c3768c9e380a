"""The document list and moving through it."""
