"""Units as a person reads them: a span as its label and text (→ actor name), a claim as source
→ claim text, a stance as holder → target: polarity with its evidence, each with the sentence
around it. Pure functions on ``units`` values; ``names`` maps actor and target ids to names and
``text`` is the document's text (both optional: without them ids and offsets are shown)."""
from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from .units import ClaimAnn, DocLabelAnn, SpanAnn, StanceAnn, Unit, version_dict

SENTENCE_LIMIT = 320  # characters of context at most, cut with "…"

_END = re.compile(r"[.!?…。！？][\"'”’»)\]]*\s+|\n\s*\n|\n")


def sentence_around(text: str, start: int, end: int, limit: int = SENTENCE_LIMIT) -> tuple[str, int]:
    """The sentence (or sentences) holding ``text[start:end]`` and where it starts in ``text``.

    A sentence ends after . ! ? … (with closing quotes or brackets) followed by white space, or at
    a line break. Longer than ``limit`` characters: cut around the span, "…" marking each cut
    (the returned offset is then that of the first character kept)."""
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    # look for the sentence ends only within reach (a long text without one stays cheap)
    lo = floor = max(0, start - 2 * limit)
    for m in _END.finditer(text, floor, start):
        lo = m.end()
    stop = _END.search(text, max(end, lo), min(len(text), end + 2 * limit))
    hi = stop.start() + len(stop.group(0).rstrip()) if stop else min(len(text), end + 2 * limit)
    while lo < start and text[lo].isspace():
        lo += 1
    if hi - lo > limit:
        room = max(0, limit - (end - start)) // 2
        lo2, hi2 = max(lo, start - room), min(hi, end + room)
        s = ("…" if lo2 > lo else "") + text[lo2:hi2] + ("…" if hi2 < hi else "")
        return s, lo2
    return text[lo:hi], lo


def _name(names: Mapping[str, str] | None, ident: str | None, missing: str = "(none)") -> str:
    if ident is None:
        return missing
    return names.get(ident, ident) if names else ident


def _slice(text: str | None, s: int, e: int) -> str | None:
    return text[s:e] if text is not None and 0 <= s <= e <= len(text) else None


def describe_version(v: Any, names: Mapping[str, str] | None = None, text: str | None = None) -> str:
    """One annotator's version of a unit as one plain-text line: ``ACTOR "Marco Rubio" → Rubio``,
    ``Rubio → "the deal is dead"`` (claim: source → claim text), ``Pakistan → disarmament:
    oppose``, ``topic = "security"``. Offsets are shown when there is no text."""
    if isinstance(v, SpanAnn):
        covered = _slice(text, v.start, v.end)
        what = f'"{covered}"' if covered is not None else f"{v.start}–{v.end}"
        out = f"{v.label} {what}"
        if v.link:
            out += f" → {_name(names, v.link)}"
        return out
    if isinstance(v, ClaimAnn):
        if v.source_kind == "article":
            src = "the article"
        elif v.source:
            src = _name(names, v.source)
        elif v.source_span is not None:
            src_text = _slice(text, *v.source_span)
            src = f'"{src_text}"' if src_text is not None else f"span {v.source_span[0]}–{v.source_span[1]}"
        else:
            src = "(source not set)"
        claim = _slice(text, v.start, v.end)
        return f"{src} → " + (f'"{claim}"' if claim is not None else f"claim {v.start}–{v.end}")
    if isinstance(v, StanceAnn):
        return f"{_name(names, v.holder, '(no holder)')} → {_name(names, v.target, '(no target)')}: {v.polarity}"
    if isinstance(v, DocLabelAnn):
        return f"{v.key} = {json.dumps(v.value, ensure_ascii=False)}"
    return str(v)


def unit_range(u: Unit) -> tuple[int, int] | None:
    """Where the unit is in its document: the hull of the versions' offsets; for a stance, of
    its versions' evidence; None for a document label or a stance without evidence."""
    if u.kind in ("span", "claim"):
        return (u.start, u.end)
    if u.kind == "stance":
        ev = [e for v in u.versions.values() for e in v.evidence]
        if ev:
            return (min(s for s, _ in ev), max(e for _, e in ev))
    return None


def unit_text(u: Unit, text: str | None) -> str | None:
    """The unit's text: a span's or claim's covered text; a stance's evidence (joined with " … ")."""
    if text is None:
        return None
    if u.kind in ("span", "claim"):
        return _slice(text, u.start, u.end)
    if u.kind == "stance":
        seen: list[tuple[int, int]] = []
        for v in u.versions.values():
            for e in v.evidence:
                if e not in seen:
                    seen.append(e)
        parts = [text[s:e] for s, e in sorted(seen) if 0 <= s <= e <= len(text)]
        return " … ".join(parts) if parts else None
    return None


def unit_sentence(u: Unit, text: str | None) -> str | None:
    """The sentence around the unit (see :func:`sentence_around`), or None."""
    rng = unit_range(u)
    if text is None or rng is None:
        return None
    return sentence_around(text, *rng)[0]


def unit_dict(
    u: Unit, texts: Mapping[str, str] | None = None, names: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """``u.to_dict()`` plus what a person reads: ``versions_shown`` (annotator → one line, as
    :func:`describe_version`), and, with ``texts``, ``text`` and ``sentence``."""
    d = u.to_dict()
    if u.kind not in ("span", "claim"):   # no offsets of their own: the evidence's hull, or none
        rng = unit_range(u)
        d["start"], d["end"] = rng if rng is not None else (None, None)
    text = texts.get(u.doc) if texts else None
    d["versions_shown"] = {a: describe_version(v, names, text) for a, v in u.versions.items()}
    if u.kind == "stance" and names:
        for a, v in u.versions.items():
            d["versions"][a]["holder_name"] = _name(names, v.holder) if v.holder else None
            d["versions"][a]["target_name"] = _name(names, v.target) if v.target else None
    if text is not None:
        t = unit_text(u, text)
        if t is not None:
            d["text"] = t
        s = unit_sentence(u, text)
        if s is not None:
            d["sentence"] = s
    return d


__all__ = ["describe_version", "sentence_around", "unit_dict", "unit_range", "unit_sentence", "unit_text",
           "version_dict"]
