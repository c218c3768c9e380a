"""The documents shown: the document list, moving through it, and the layer the window shows."""
