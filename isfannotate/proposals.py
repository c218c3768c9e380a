"""Proposals made while annotating: a new CLAIM's source, cue, quote type and modality from the
text around it, a stance's holder from its claim, and a new actor's type from its words.

Pure functions over the document text and its spans (code point offsets); the app shows what
they propose and the annotator accepts (Enter), cycles (Tab) or dismisses (Esc) it.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

#: reporting phrases that join a source to what it said (a CUE), longest first where they overlap
_CUE = re.compile(
    r"\b(?:according to|reports? (?:say|says|said|suggest|suggests)|"
    r"(?:(?:has|have|had|is|was|were|are) )?(?:said|says|say|told|tells|added|adds|continued|continues|stated|"
    r"states|announced|announces|claimed|claims|argued|argues|insisted|insists|warned|warns|noted|notes|"
    r"explained|explains|reported|reports|confirmed|confirms|denied|denies|admitted|admits|believes|believed))\b",
    re.IGNORECASE)
_ARTICLE_CUES = ("reports say", "reports said", "reports suggest", "reports suggests", "report says")
_HEDGES = re.compile(r"\b(?:may|might|could|reportedly|possibly|perhaps|likely|allegedly|would)\b", re.IGNORECASE)
_OPEN_QUOTES = "“\"‘«"
_CLOSE_QUOTES = "”\"’»"

#: words of a name that give an actor's type (checked in this order; the registry's type names too)
_TYPE_WORDS = [
    ("government_body", ("department", "ministry", "office", "agency", "council", "commission", "parliament",
                         "senate", "congress", "government", "cabinet", "administration", "foreign office",
                         "embassy", "court", "bureau", "authority", "pentagon", "white house", "kremlin")),
    ("armed_group", ("army", "forces", "militia", "brigade", "brigades", "military", "hamas", "hezbollah")),
    ("media", ("news", "times", "post", "press", "tv", "television", "radio", "agency news", "journal",
               "reuters", "herald", "gazette", "tribune", "broadcasting")),
    ("international_org", ("united nations", "nations", "union", "organisation", "organization", "fund",
                           "bank", "nato", "alliance", "league")),
    ("party", ("party",)),
    ("company", ("inc", "ltd", "corp", "corporation", "company", "group")),
]


@dataclass
class ClaimProposal:
    """What a new claim's surroundings suggest. ``sources`` are the candidates in the order Tab
    cycles them: ("span", span id), ("actor", actor id) or ("article", None); the first is proposed."""

    sources: list[tuple[str, str | None]] = field(default_factory=list)
    cue_span: str | None = None                      # an existing CUE span
    new_cue: tuple[int, int] | None = None           # a reporting phrase not annotated yet
    quote: str | None = None
    modality: str | None = None


def _sentence_start(text: str, pos: int, limit: int = 160) -> int:
    lo = max(0, pos - limit)
    cut = max(text.rfind("\n", lo, pos), text.rfind(". ", lo, pos), text.rfind("? ", lo, pos),
              text.rfind("! ", lo, pos))
    return lo if cut < 0 else cut + 1


def _sentence_end(text: str, pos: int, limit: int = 60) -> int:
    hi = min(len(text), pos + limit)
    ends = [i for i in (text.find("\n", pos, hi), text.find(".", pos, hi)) if i >= 0]
    return min(ends) if ends else hi


def propose_claim(text: str, claim: tuple[int, int], spans: list[Any], claims: Mapping[str, Any], *,
                  actor_role: set[str], cue_role: set[str], attribute_choices: Sequence[str] = ()) -> ClaimProposal:
    """Propose a source, cue, quote type and modality for the claim at *claim* (start, end).

    *spans*: the document's spans (objects with id, start, end, label, actor_id); *claims*: span
    id -> existing claims (their ``source_actor`` is used for a pronoun source, "he continued");
    *actor_role* / *cue_role*: the labels with those roles."""
    cs, ce = claim
    out = ClaimProposal()
    before_lo = _sentence_start(text, cs)
    after_hi = _sentence_end(text, ce)
    actors = [s for s in spans if s.label in actor_role and not (cs <= s.start and s.end <= ce)]
    cues = [s for s in spans if s.label in cue_role and not (cs <= s.start and s.end <= ce)]
    # the cue: an annotated CUE nearest before the claim in its sentence, else a reporting phrase
    # there, else one just after it ("…, he continued")
    cue_range = None
    before = [c for c in cues if before_lo <= c.start and c.end <= cs]
    if before:
        c = max(before, key=lambda c: c.end)
        out.cue_span, cue_range = c.id, (c.start, c.end)
    else:
        found = [m for m in _CUE.finditer(text, before_lo, cs)]
        if found:
            m = found[-1]
            cue_range = (m.start(), m.end())
        else:
            after = [c for c in cues if ce <= c.start and c.end <= after_hi]
            if after:
                c = min(after, key=lambda c: c.start)
                out.cue_span, cue_range = c.id, (c.start, c.end)
            else:
                later = _CUE.search(text, ce, after_hi)
                if later:
                    cue_range = (later.start(), later.end())
        if cue_range is not None and out.cue_span is None:
            out.new_cue = cue_range
    # the source: the actor joined by the cue ("Rubio said", "according to Reuters"), else none
    cue_text = text[cue_range[0]:cue_range[1]].casefold() if cue_range else ""
    first: tuple[str, str | None] | None = None
    if cue_text in _ARTICLE_CUES:
        first = ("article", None)
    elif cue_range is not None:
        if cue_text.startswith("according to"):
            after_cue = [a for a in actors if cue_range[1] <= a.start <= cue_range[1] + 2]
            if after_cue:
                first = ("span", after_cue[0].id)
        else:
            lo = _sentence_start(text, cue_range[0])
            near = [a for a in actors if lo <= a.start and a.end <= cue_range[0] and cue_range[0] - a.end <= 40]
            if near:
                first = ("span", max(near, key=lambda a: a.end).id)
        if first is None:
            # a pronoun ("he continued"): the source of the claim before this one
            prior = [(sid, c) for sid, c in claims.items() if c.source_actor and sid in {s.id for s in spans}]
            starts = {s.id: s.start for s in spans}
            prior = [(starts[sid], c.source_actor) for sid, c in prior if starts[sid] < cs]
            if prior:
                first = ("actor", max(prior)[1])
    # candidates for Tab: the proposal, then the ACTOR spans nearest the claim, then the article
    def dist(a: Any) -> int:
        return int(cs - a.end if a.end <= cs else (a.start - ce) + 1)
    ranked = sorted(actors, key=lambda a: (dist(a) < 0, abs(dist(a))))
    cands = [first] if first else []
    cands += [("span", a.id) for a in ranked if ("span", a.id) != first]
    if ("article", None) not in cands:
        cands.append(("article", None))
    out.sources = cands
    # quote type from quotation marks, modality from hedges
    j = cs - 1
    while j >= 0 and text[j] in " \t":
        j -= 1
    opened = j >= 0 and text[j] in _OPEN_QUOTES
    out.quote = "direct" if opened or (ce < len(text) and text[ce:ce + 1] in _CLOSE_QUOTES) else "reported"
    if "hedged" in attribute_choices or not attribute_choices:
        hedged = bool(_HEDGES.search(text, cs, ce)) or cue_text in _ARTICLE_CUES
        out.modality = "hedged" if hedged else "asserted"
    return out


def guess_actor_type(name: str, types: list[str]) -> str | None:
    """The type a new actor named *name* most likely has, among the scheme's *types*: from its
    words ("State Department" → government_body), else None (keep the picker's default)."""
    words = re.findall(r"[a-z]+", name.casefold())
    joined = " ".join(words)
    for t in types:   # a type's own name in the words ("… Party", "… Company")
        if t.replace("_", " ") in joined and t not in ("person", "state"):
            return t
    for t, keys in _TYPE_WORDS:
        if t in types and any((" " in k and k in joined) or k in words for k in keys):
            return t
    return None


def stance_holder(claim_span: Any, spans: list[Any], claim: Any) -> tuple[str | None, list[str]]:
    """A stance's proposed holder from its *claim_span* and claim record: the actor the claim is
    about when it opens with a linked ACTOR span other than its source ("Washington has been
    urging…"), else the claim's source. Returns (holder, candidates in order)."""
    inner = sorted((s for s in spans if s.actor_id and claim_span.start <= s.start and s.end <= claim_span.end
                    and s.id != claim_span.id), key=lambda s: s.start)
    source = claim.source_actor if claim is not None else None
    cands: list[str] = []
    subject = inner[0].actor_id if inner and inner[0].start == claim_span.start else None
    for a in [subject, source, *(s.actor_id for s in inner)]:
        if a and a not in cands:
            cands.append(a)
    return (subject or source), cands
