"""Coefficients on matched units, per *facet* (span label, actor link, claim source, stance
polarity, document labels): Cohen's kappa per pair, Fleiss' kappa, Krippendorff's alpha, Gwet's
AC1 and the observed agreement, with the units behind each list of disagreements. Pure; used by
``compute``."""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from . import measures
from .matching import _overlap
from .units import Unit, claim_source_key

UNLINKED = "(unlinked)"


@dataclass
class PairCoefficient:
    """Cohen's kappa for one pair: over units both marked on their shared documents;
    ``incomplete``: units there that only one of the two marked."""

    a: str
    b: str
    kappa: measures.Coefficient
    incomplete: int
    disagreements: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "kappa": self.kappa.to_dict(), "incomplete": self.incomplete,
                "disagreements": self.disagreements}


@dataclass
class FacetAgreement:
    """Coefficients for one compared part of the units (a *facet*: span label, actor link, ...).

    Unit counts (only units on documents with two or more coders can agree or disagree):
    ``n_units`` all of those, ``n_complete`` marked by every coder of their document,
    ``n_incomplete`` marked by some but not all, ``n_single_coder`` units on documents only one
    compared annotator has. ``cohen``: per pair; ``fleiss``: over complete units;
    ``alpha``: every unit coded by >= 2 (its own missing-value handling); ``ac1``: Gwet's AC1
    with missing ratings; ``agreement``: observed pairwise agreement on units coded by >= 2.
    ``disagreements``: units whose values differ; ``incomplete``: units some coder left out.
    """

    facet: str
    n_units: int
    n_complete: int
    n_incomplete: int
    n_single_coder: int
    cohen: list[PairCoefficient]
    fleiss: measures.Coefficient
    alpha: measures.Coefficient
    ac1: measures.Coefficient
    agreement: measures.Coefficient
    disagreements: list[str]
    incomplete: list[str]
    categories: list[str]

    @property
    def cohen_mean(self) -> float | None:
        return measures.mean_sd(p.kappa.value for p in self.cohen)[0]

    @property
    def cohen_sd(self) -> float | None:
        return measures.mean_sd(p.kappa.value for p in self.cohen)[1]

    @property
    def cohen_n_pairs(self) -> int:
        """Pairs with a Cohen's kappa (the mean and SD are over these)."""
        return measures.mean_sd(p.kappa.value for p in self.cohen)[2]

    def to_dict(self) -> dict[str, Any]:
        return {"facet": self.facet, "n_units": self.n_units, "n_complete": self.n_complete,
                "n_incomplete": self.n_incomplete, "n_single_coder": self.n_single_coder,
                "categories": self.categories,
                "cohen": {"mean": self.cohen_mean, "sd": self.cohen_sd, "n_pairs": self.cohen_n_pairs,
                          "pairs": [p.to_dict() for p in self.cohen]},
                "fleiss": self.fleiss.to_dict(), "alpha": self.alpha.to_dict(), "ac1": self.ac1.to_dict(),
                "agreement": self.agreement.to_dict(),
                "disagreements": self.disagreements, "incomplete": self.incomplete}


def _claim_source_values(u: Unit) -> tuple[Any, ...]:
    """Claim sources as categories; sources given only by a span count as equal when their
    source spans overlap (the first such span in coder order names the category)."""
    out = dict.fromkeys(u.coders)
    seen: list[tuple[int, int, str]] = []
    for a, c in u.versions.items():
        v = claim_source_key(c)
        if v.startswith("span:"):
            s, e = c.source_span
            for s2, e2, name in seen:
                if _overlap(s, e, s2, e2):
                    v = name
                    break
            else:
                seen.append((s, e, v))
        out[a] = v
    return tuple(out.values())


def _facet(name: str, annotators: list[str], units: list[Unit], values_of: Callable[[Unit], tuple[Any, ...] | None],
           scale: Iterable[str] | None = None) -> FacetAgreement:
    """Coefficients for one facet. ``values_of(unit)`` gives one value per coder of the unit's
    document (``None``: no value), or ``None`` when the facet does not apply to the unit.
    ``scale``: all the facet's possible values, if known (for AC1's number of categories).

    Units are tallied by their pattern (coders, values): all coefficients are computed from the
    distinct patterns with their counts, then the units behind disagreements are listed.
    """
    members: dict[tuple[Any, ...], list[int]] = {}  # pattern -> positions of its units in ``units``
    n_single = 0
    for k, u in enumerate(units):
        vals = values_of(u)
        if vals is None:
            continue
        if len(u.coders) < 2:
            n_single += 1
            continue
        key = (u.coders, vals)
        lst = members.get(key)
        if lst is None:
            members[key] = [k]
        else:
            lst.append(k)
    patterns = []
    complete_patterns = []
    n_complete = n_incomplete = 0
    cats: set[Any] = set()
    joint: dict[tuple[str, str], dict[tuple[Hashable, Hashable], int]] = {p: {} for p in combinations(annotators, 2)}
    pair_incomplete: dict[tuple[str, str], int] = dict.fromkeys(joint, 0)
    flags: dict[tuple[Any, ...], tuple[bool, bool, list[Any]]] = {}
    for key, lst in members.items():
        coders, vals = key
        w = len(lst)
        c = Counter(v for v in vals if v is not None)
        cats.update(c)
        patterns.append((c, w))
        complete = sum(c.values()) == len(coders)
        if complete:
            n_complete += w
            complete_patterns.append((c, w))
        else:
            n_incomplete += w
        pair_dis = []
        for i, j in combinations(range(len(coders)), 2):
            x, y = vals[i], vals[j]
            pair = (coders[i], coders[j])
            if x is None or y is None:
                if x is not None or y is not None:
                    pair_incomplete[pair] += w
                continue
            jt = joint[pair]
            jt[(x, y)] = jt.get((x, y), 0) + w
            if x != y:
                pair_dis.append(pair)
        if len(c) > 1 or not complete:
            flags[key] = (len(c) > 1, not complete, pair_dis)
    # the units behind each list, in unit order
    dis_pos: list[int] = []
    inc_pos: list[int] = []
    pair_pos: dict[tuple[str, str], list[int]] = {p: [] for p in joint}
    for key, (differ, missing, pair_dis) in flags.items():
        lst = members[key]
        if differ:
            dis_pos.extend(lst)
        if missing:
            inc_pos.extend(lst)
        for pair in pair_dis:
            pair_pos[pair].extend(lst)
    disagreements = [units[k].id for k in sorted(dis_pos)]
    incomplete = [units[k].id for k in sorted(inc_pos)]
    pair_ids = {pair: [units[k].id for k in sorted(pos)] for pair, pos in pair_pos.items()}
    cohen = [PairCoefficient(x, y, measures.cohen_kappa_joint(joint[(x, y)]), pair_incomplete[(x, y)],
                             pair_ids[(x, y)]) for x, y in joint]
    return FacetAgreement(name, n_complete + n_incomplete, n_complete, n_incomplete, n_single, cohen,
                          measures.fleiss_kappa_weighted(complete_patterns),
                          measures.krippendorff_alpha_weighted(patterns),
                          measures.gwet_ac1_weighted(patterns, cats | set(scale or ())),
                          measures.percent_agreement_weighted(patterns),
                          disagreements, incomplete, sorted(cats, key=str))


def _span_labels(u: Unit) -> tuple[Any, ...] | None:
    vs = u.versions
    if len(vs) == len(u.coders):  # versions are in coder order
        return tuple([v.label for v in vs.values()])
    return tuple([vs[c].label if c in vs else None for c in u.coders])


def _actor_links(link_labels: set[str]) -> Callable[[Unit], tuple[Any, ...] | None]:
    def values(u: Unit) -> tuple[Any, ...] | None:
        vs = u.versions
        out: list[Any] = [None] * len(u.coders)
        hit = False
        for k, c in enumerate(u.coders):
            v = vs.get(c)
            if v is not None and v.label in link_labels:
                out[k] = v.link if v.link is not None else UNLINKED
                hit = True
        return tuple(out) if hit else None
    return values


def _stance_polarities(u: Unit) -> tuple[Any, ...] | None:
    vs = u.versions
    return tuple(vs[c].polarity if c in vs else None for c in u.coders)


def _doc_label_values(u: Unit) -> tuple[Any, ...] | None:
    vs = u.versions
    return tuple(_label_value(vs[c].value) if c in vs else None for c in u.coders)


def _label_value(v: Any) -> str:
    """Document-label values compare as text: strings as they are, anything else as JSON
    (so that true and 1 stay different)."""
    return v if isinstance(v, str) else json.dumps(v, sort_keys=True, ensure_ascii=False)
