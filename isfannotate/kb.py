"""Registry-driven help for annotators: alias occurrences, suggestions, validation.

Pure reads over a Project, plus the small actions on suggestions. Offsets are code points.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from .store import imports as stored
from .store import problems as problems_of
from .store.changes import Change

if TYPE_CHECKING:
    from .models import Actor
    from .store.base import ProjectBase

# Words that name an actor only in context: never stored as an alias without the user asking.
PRONOUNS = frozenset("""i me my mine we us our ours you your yours he him his she her hers it its they them their
theirs this that these those who whom whose which one ones someone somebody anyone everybody everyone""".split())


def is_safe_alias(text: str) -> bool:
    """True for a proper-name-like alias that may be offered with one key: not a pronoun, and
    with at least one capital letter (a common noun like "the army chief" is never added silently)."""
    t = " ".join(text.split())
    if not t or t.casefold() in PRONOUNS:
        return False
    return any(c.isupper() for c in t)


@dataclass(frozen=True)
class Occurrence:
    document_id: str
    start: int
    end: int
    text: str
    actor_id: str


@dataclass(frozen=True)
class Problem:
    kind: str        # "actor-unlinked" | "claim-without-source" | "stance-without-target" | "stance-without-holder"
    item_id: str     # span or stance id
    message: str


def _names_pattern(names: dict[str, str]) -> re.Pattern[str] | None:
    """One regex matching any of *names* (name -> actor id) as whole words, longest first."""
    alts = sorted((n for n in names if n), key=lambda n: (-len(n), n))
    if not alts:
        return None
    # "(?<!\w)" checked after each name's first character ("(?<!\w.)", two back), not before
    # the group: a pattern that starts with a look-behind makes re try every position of the
    # text, while one that starts with the names' first letters lets it skip to those letters
    # (1 MB with 7 names: 16 ms -> 2.5 ms; with 1,500 names: 363 ms -> 20 ms). Same matches.
    return re.compile("(?:" + "|".join(re.escape(n[0]) + r"(?<!\w.)" + re.escape(n[1:]) for n in alts)
                      + r")(?!\w)", re.DOTALL)


def actor_names(project: ProjectBase, actor_ids: list[str] | None = None) -> dict[str, str]:
    """name or alias -> actor id (a name claimed by two actors is left out: it is ambiguous)."""
    out: dict[str, str] = {}
    clash: set[str] = set()
    for a in project.actors():
        if actor_ids is not None and a.id not in actor_ids:
            continue
        for n in [a.name, *a.aliases]:
            n = " ".join(n.split())
            if len(n) < 2:
                continue
            if n in out and out[n] != a.id:
                clash.add(n)
            out[n] = a.id
    for n in clash:
        del out[n]
    return out


def occurrences(project: ProjectBase, layer: str, *, actor_id: str | None = None, text: str | None = None,
                document_ids: list[str] | None = None) -> list[Occurrence]:
    """Every whole-word occurrence of an actor's names (or of *text*) in the given documents that
    is not yet an ACTOR span of *layer*. Ordered by document (import order) then offset."""
    if text is not None:
        names = {" ".join(text.split()): actor_id or ""}
    else:
        names = actor_names(project, [actor_id] if actor_id else None)
    pattern = _names_pattern(names)
    if pattern is None:
        return []
    actor_label = project.scheme.actor_label
    docs = document_ids if document_ids is not None else [d for d, _ in project.document_list()]
    out = []
    for doc_id in docs:
        doc_text = project.document(doc_id).text
        taken = {(s.start, s.end) for s in project.spans(doc_id, layer) if s.label == actor_label}
        for m in pattern.finditer(doc_text):
            if (m.start(), m.end()) not in taken:
                out.append(Occurrence(doc_id, m.start(), m.end(), m.group(), names.get(m.group(), actor_id or "")))
    return out


def name_matches(project: ProjectBase, document_id: str, *, text: str | None = None) -> list[Occurrence]:
    """Every whole-word match of a registry name or alias in the document (longest name wins,
    ambiguous names left out), whether annotated or not. Depends only on the text and the
    registry, so a client may keep it until the registry changes. *text*: the document's text
    when the caller holds it (it never changes; reading 1 MB again costs a read)."""
    names = actor_names(project)
    pattern = _names_pattern(names)
    if pattern is None:
        return []
    if text is None:
        text = project.document(document_id).text
    return [Occurrence(document_id, m.start(), m.end(), m.group(), names[m.group()]) for m in pattern.finditer(text)]


def rejected_suggestions(project: ProjectBase, document_id: str, layer: str) -> set[tuple[int, int, str]]:
    """(start, end, actor id) of the suggestions rejected in *layer*'s document."""
    with project.snapshot() as conn:
        return stored.rejected_suggestions(conn, document_id, layer)


def filter_suggestions(matches: list[Occurrence], covered: set[tuple[int, int]],
                       rejected: set[tuple[int, int, str]]) -> list[Occurrence]:
    """The *matches* that are neither annotated (a span at the same offsets) nor rejected."""
    return [o for o in matches if (o.start, o.end) not in covered and (o.start, o.end, o.actor_id) not in rejected]


def suggestions(project: ProjectBase, document_id: str, layer: str) -> list[Occurrence]:
    """Registry names found in the document that are neither annotated (any span at those
    offsets in *layer*) nor rejected. Suggestions are not annotations: they are never stored
    as spans until accepted, and never exported or counted."""
    matches = name_matches(project, document_id)
    if not matches:
        return []
    covered = {(s.start, s.end) for s in project.spans(document_id, layer)}
    return filter_suggestions(matches, covered, rejected_suggestions(project, document_id, layer))


def reject_suggestion(
    project: ProjectBase, document_id: str, layer: str, start: int, end: int, actor_id: str
) -> Change:
    with project.action("reject suggestion", document_id, layer) as rec:
        rec.upsert("suggestion_decisions", {"document_id": document_id, "layer": layer, "start": start, "end": end,
                                            "actor_id": actor_id, "decision": "rejected"})
    return rec.change


def validate(project: ProjectBase, document_id: str, layer: str, *, only: Iterable[str] | None = None,
             text: str | None = None) -> list[Problem]:
    """What the scheme requires and the layer's annotations of the document lack, in document
    order: ACTOR spans without an actor, claims without a source, stances without a target or
    holder. One query per kind. *only*: check just these span and stance ids (after an action,
    the ids its change touched: see ``revalidate``). *text*: the document's text when the caller
    holds it (saves reading it; the stored text never changes)."""
    scheme = project.scheme
    if only is not None:
        only = list(only)
    with project.snapshot() as conn:
        rows = problems_of.spans_lacking_links(conn, document_id, layer, scheme.labels_with_role("actor"),
                                               scheme.labels_with_role("claim"), only)
        # snippets are cut in Python from the text, read once (or given): SQLite's substr() walks
        # the UTF-8 text from its start on every row, O(spans x text) (4.6 s for 10,000 problems
        # in a 1 MB article, 4 ms for one span at its end)
        doc_text = text if text is not None else problems_of.document_text(conn, document_id) if rows else ""
        stances = problems_of.stances_lacking_ends(conn, document_id, layer, only)
    return _problems(doc_text, rows, stances)


def problems_of_rows(text: str, spans: Iterable[Sequence[Any]], claims: Mapping[str, Sequence[Any]],
                     stances: Iterable[Sequence[Any]], actor_labels: Iterable[str], claim_labels: Iterable[str]
                     ) -> list[Problem]:
    """:func:`validate`'s problems of a whole document, worked out from rows the caller already
    holds, with no read: *spans* as (id, start, end, label, actor_id, ...) rows of the layer's
    spans; *claims*: span id -> (source kind, source actor) of the layer's claims there;
    *stances* as (id, holder, target) in the order made; the scheme's actor and claim labels.
    The same problems in the same order (the window's open fills its problem list with this)."""
    actor, claim = frozenset(actor_labels), frozenset(claim_labels)
    lacking = []
    for row in spans:
        sid, start, end, label, link = row[0], row[1], row[2], row[3], row[4]
        if label in actor:
            if link is None:
                lacking.append((start, -end, label, sid, True))
                continue
        if label in claim:
            c = claims.get(sid)
            if c is None or c[0] is None or (c[0] == "actor" and c[1] is None):
                lacking.append((start, -end, label, sid, label in actor))
    lacking.sort()
    return _problems(text, [(sid, label, start, -neg_end, is_actor)
                            for start, neg_end, label, sid, is_actor in lacking], stances)


def _problems(text: str, rows: Iterable[Sequence[Any]], stances: Iterable[Sequence[Any]]) -> list[Problem]:
    """The problems of the spans that lack a link or source, (id, label, start, end, is an
    actor span) in document order, then of the stances that lack an end, (id, holder, target)."""
    problems: list[Problem] = []
    add = problems.append
    for sid, label, start, end, is_actor in rows:     # (thousands in a large document: _snippet inlined)
        snippet = " ".join(text[start:end if end < start + 80 else start + 80].split())
        if len(snippet) > 40:
            snippet = snippet[:39] + "…"
        if is_actor:
            add(Problem("actor-unlinked", sid, f"{label} “{snippet}” is not linked to an actor"))
        else:
            add(Problem("claim-without-source", sid, f"claim “{snippet}” has no source"))
    for sid, holder, target in stances:
        if target is None:
            problems.append(Problem("stance-without-target", sid, "a stance has no target"))
        if holder is None:
            problems.append(Problem("stance-without-holder", sid, "a stance has no holder"))
    return problems


def touched_items(change: Change) -> set[str]:
    """The span and stance ids whose problems *change* may have changed: spans it wrote (a link,
    a label), claims it wrote (their span), stances it wrote, and the claims whose source span
    it removed (their row is updated in the same change)."""
    ids = {op.key()[0] for op in change.ops if op.table in ("spans", "claims", "stances")}
    ids |= {op.key()[0] for op in change.rows("stance_evidence")}
    return ids


def revalidate(project: ProjectBase, document_id: str, layer: str, change: Change,
               problems: dict[str, list[Problem]], *, text: str | None = None) -> dict[str, list[Problem]]:
    """Bring *problems* (item id -> its problems, as from ``validate``) up to date after *change*
    by re-checking only the items it touched: O(change), not O(document)."""
    touched = touched_items(change)
    if not touched:
        return problems
    out = {k: v for k, v in problems.items() if k not in touched}
    for p in validate(project, document_id, layer, only=touched, text=text):
        out.setdefault(p.item_id, []).append(p)
    return out


_APOSTROPHES = "’'"


def split_possessive(text: str) -> tuple[str, str]:
    """A name and its possessive ending: "Pakistan’s" → ("Pakistan", "’s"), "Hamas’" →
    ("Hamas", "’"); anything else → (text, ""). Annotators mark the name without the ending
    (the seed 004 reference), and a possessive is never a new actor's name."""
    t = text.rstrip()
    if len(t) > 2 and t[-1] in "sS" and t[-2] in _APOSTROPHES and t[-3].isalpha():
        return t[:-2], t[-2:]
    if len(t) > 2 and t[-1] in _APOSTROPHES and t[-2] in "sS" and t[-3].isalpha():
        return t[:-1], t[-1:]
    return text, ""


def _fold(text: str) -> str:
    return " ".join(text.replace("’", "'").split()).casefold()


def _is_subsequence(needle: str, hay: str) -> bool:
    it = iter(hay)
    return all(c in it for c in needle)


@dataclass(frozen=True)
class FoldedActors:
    """Actors with every name and alias folded once (case, ’ and spaces: ``_fold``), what
    ``search_actors`` compares a query with. The app makes one per registry version, so a label
    key that opens the actor picker folds no name again (a registry of thousands of names)."""

    actors: tuple[Actor, ...]
    folds: tuple[tuple[str, ...], ...]      # per actor: its name, then its aliases, folded

    @classmethod
    def of(cls, actors: Iterable[Actor]) -> FoldedActors:
        listed = tuple(actors)
        return cls(listed, tuple(tuple(_fold(n) for n in (a.name, *a.aliases)) for a in listed))

    @cached_property
    def tight(self) -> tuple[tuple[tuple[str, frozenset[str]], ...], ...]:
        """Per actor, per folded name: the name without spaces and its letters, what the fuzzy
        rank of ``search_actors`` compares (made once, on first use, not per query and name)."""
        return tuple(tuple((t, frozenset(t)) for t in (f.replace(" ", "") for f in folds)) for folds in self.folds)

    @cached_property
    def _by_fold(self) -> dict[str, list[tuple[int, int]]]:
        """folded name -> (actor's place, the name's place among its names) of every actor that
        has it: made once, on first use (a frozen dataclass: cached_property writes past it)."""
        out: dict[str, list[tuple[int, int]]] = {}
        for i, folds in enumerate(self.folds):
            for k, f in enumerate(folds):
                out.setdefault(f, []).append((i, k))
        return out

    def names(self, text: str) -> bool:
        """True when *text*, folded, is an actor's name or alias."""
        return _fold(text) in self._by_fold

    def exactly(self, query: str, limit: int = 20) -> list[Actor]:
        """What ``search_actors(self, query, limit)`` returns of the actors a name or alias of
        which IS *query* folded (its rank 0), in its order, without looking at the others: a
        lookup, not a walk over the registry (the label key's check of a known name)."""
        q = _fold(query)
        if not q:
            return []
        best: dict[int, bool] = {}      # actor's place -> only an alias matched
        for i, k in self._by_fold.get(q, ()):
            best[i] = best.get(i, True) and k > 0
        ranked = sorted(((alias, len(q), self.folds[i][0], self.actors[i].id), i) for i, alias in best.items())
        return [self.actors[i] for _, i in ranked[:limit]]


def search_actors(actors: Iterable[Actor] | FoldedActors, query: str, limit: int = 20) -> list[Actor]:
    """Actors whose name or an alias matches *query*, best first: exact, prefix, a word's prefix,
    contained (three letters or more), then the query's letters in order (fuzzy); within a rank a match on the canonical
    name beats one on an alias, and a shorter name a longer one. Case- and apostrophe-insensitive;
    an empty query lists every actor by name. *actors* may come folded already (``FoldedActors``)."""
    folded = actors if isinstance(actors, FoldedActors) else FoldedActors.of(actors)
    q = _fold(query)
    if not q:
        return list(folded.actors)[:limit]
    q_tight = q.replace(" ", "")
    q_letters = set(q_tight)
    long_q = len(q) >= 3
    scored = []
    for a, folds, tights in zip(folded.actors, folded.folds, folded.tight, strict=True):
        best = None
        for k, f in enumerate(folds):
            if f == q:
                rank = 0
            elif f.startswith(q):
                rank = 1
            elif f" {q}" in f:      # a later word begins with it (the first word's case is rank 1)
                rank = 2
            elif long_q and q in f:   # "US" inside "Russia" is noise, "pak" inside a name is not
                rank = 3
            elif long_q and q_letters <= tights[k][1] and _is_subsequence(q_tight, tights[k][0]):
                rank = 4
            else:
                continue
            key = (rank, k > 0, len(f))   # then the canonical name before an alias, shorter first
            if best is None or key < best:
                best = key
        if best is not None:
            scored.append((best, folds[0], a.id, a))
    scored.sort(key=lambda t: t[:3])
    return [t[3] for t in scored[:limit]]
