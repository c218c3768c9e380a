"""A model's tokenizer that adds the language's special cases only when a text can use them.

Building spaCy's English tokenizer adds its ~1,350 special cases ("don't", "U.S.", ":)") one by
one, each with its tokens' lexemes: 85 % of ``spacy.blank("en")`` and most of loading a model
once spaCy is imported (profiled with cProfile; docs/suggestions.md, "What it costs"). A model
suggests for a few documents, which use a handful of them.

``LazyTokenizer`` holds a spaCy ``Tokenizer`` built with the same prefixes, suffixes, infixes,
token and URL patterns but no special case, and the language's special cases aside. Before it
tokenizes a text it adds every special case whose string occurs in the text once its whitespace
is removed (a special case applies only to a string of the text, or, through spaCy's special
matcher, to tokens that spell it; either way its string, spaces aside, is in the text: keys
holding whitespace are added at once). The tokens are the same as the full tokenizer's
(tests/core/test_suggest_tokenizer.py compares both on the seed articles and on every special
case); spaCy flushes its cache whenever a case is added.

Callable from any thread: one lock around adding and tokenizing.
"""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

REGISTERED = "isfannotate.LazyTokenizer.v1"


class LazyTokenizer:
    """Called like a spaCy tokenizer (``nlp.tokenizer = LazyTokenizer(...)``)."""

    def __init__(self, tokenizer: Any, special_cases: dict[str, Any]) -> None:
        """*tokenizer*: a spaCy ``Tokenizer`` (compiled, without types) holding no special case."""
        self.tokenizer = tokenizer
        self._pending = {k: v for k, v in special_cases.items() if k and not any(c.isspace() for c in k)}
        self._lock = threading.Lock()
        self._scanned: set[int] = set()    # texts looked at already (a document is suggested for again and again)
        for key in sorted(set(special_cases) - set(self._pending)):
            tokenizer.add_special_case(key, special_cases[key])
        # pending keys by their first two characters: a text's pairs of characters pick the few to look for
        self._by_head: dict[str, list[str]] = {}
        for key in self._pending:
            self._by_head.setdefault(key[:2], []).append(key)

    @property
    def added(self) -> int:
        """How many special cases the tokenizer holds so far."""
        return len(self.tokenizer.rules or {})

    def __call__(self, text: str) -> Doc:
        with self._lock:
            if self._pending and hash(text) not in self._scanned:
                self._add_for(text)
                if len(self._scanned) > 10_000:
                    self._scanned.clear()
                self._scanned.add(hash(text))
            doc: Doc = self.tokenizer(text)
            return doc

    def _add_for(self, text: str) -> None:
        squeezed = "".join(text.split())
        heads = set(squeezed) | {squeezed[i:i + 2] for i in range(len(squeezed) - 1)}
        found = sorted(k for head in heads.intersection(self._by_head) for k in self._by_head[head]
                       if k in self._pending and k in squeezed)
        for key in found:
            self.tokenizer.add_special_case(key, self._pending.pop(key))


def lazy_tokenizer(nlp: Language) -> LazyTokenizer:
    """The language's tokenizer (as spaCy's ``spacy.Tokenizer.v1`` builds it) with its special
    cases added lazily."""
    from spacy import util
    from spacy.tokenizer import Tokenizer  # type: ignore[import-not-found]  # compiled, no types
    d = nlp.Defaults
    tokenizer = Tokenizer(
        nlp.vocab, rules={},
        prefix_search=util.compile_prefix_regex(d.prefixes).search if d.prefixes else None,
        suffix_search=util.compile_suffix_regex(d.suffixes).search if d.suffixes else None,
        infix_finditer=util.compile_infix_regex(d.infixes).finditer if d.infixes else None,
        token_match=d.token_match, url_match=d.url_match)
    return LazyTokenizer(tokenizer, dict(d.tokenizer_exceptions or {}))


_registered = False


def register() -> None:
    """Make ``{"@tokenizers": REGISTERED}`` known to spaCy's registry (once)."""
    global _registered
    if not _registered:
        from spacy.util import registry
        registry.tokenizers.register(REGISTERED, func=lambda: lazy_tokenizer)
        _registered = True
