"""The model in the loop, in the window (issue 22): the model's suggestions drawn, navigated,
accepted and rejected (``controller``), computed off the window's thread (``background``),
trained and evaluated as jobs, the Suggestions window (``window``) with its verdict
(``verdict``), and the document list ordered by the model's uncertainty (``ordering``).
"""
from .controller import SuggestionController

__all__ = ["SuggestionController"]
