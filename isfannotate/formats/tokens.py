"""Tokens and sentences for the token-based formats, from ``spacy.blank(language)`` + sentencizer.

spaCy is imported lazily (it is an optional extra and slow to import); one pipeline per language
is cached for the life of the process. Never loads a downloaded model: nothing here opens the
network.
"""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from isfannotate.errors import IsfError

if TYPE_CHECKING:  # pragma: no cover - typing only
    from spacy.language import Language


@lru_cache(maxsize=8)
def blank_pipeline(language: str) -> Language:
    """A blank spaCy pipeline for ``language`` with a rule-based sentencizer (cached)."""
    try:
        import spacy
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise IsfError(
            "this export format needs spaCy: pip install 'isfannotate[ml]'"
        ) from exc
    try:
        nlp = spacy.blank(language)
    except (ImportError, KeyError, ValueError) as exc:
        raise IsfError(f"spaCy has no tokenizer for language {language!r}: {exc}") from exc
    nlp.add_pipe("sentencizer")
    return nlp
