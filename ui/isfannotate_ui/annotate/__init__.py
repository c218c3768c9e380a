"""The article and what draws and edits it: the view, its span index and painters, the label bar,
the find bar, and the side panels of the shown document."""
