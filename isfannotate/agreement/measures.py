"""Agreement coefficients as small pure functions (standard library only).

Every function takes plain Python data and returns a :class:`Coefficient`, whose ``value`` is
``None`` (with a ``note``) when the coefficient is undefined, e.g. when every rating falls in
one category so that chance agreement is 1 and kappa is 0/0. Nothing here knows about spans.

Ratings are given as *units x coders*: one sequence per unit, one entry per coder, ``None`` for
a coder who gave no value. Categories are any hashable values compared with ``==``.
Formulas, sources and a worked example: docs/agreement.md.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Coefficient:
    """A coefficient with what it was computed from.

    ``value``: the coefficient, or ``None`` when undefined; ``observed`` / ``expected``: the
    observed agreement and the chance agreement (for alpha: 1 - D_o and 1 - D_e, so every
    coefficient reads as (observed - expected) / (1 - expected)); ``n_units``: units used;
    ``n_values``: ratings used; ``note``: why the value is None, or "".
    """

    value: float | None
    observed: float | None
    expected: float | None
    n_units: int
    n_values: int
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _chance_corrected(po: float, pe: float, n_units: int, n_values: int) -> Coefficient:
    if n_units == 0:
        return Coefficient(None, None, None, 0, n_values, "no units to compare")
    if math.isclose(pe, 1.0, abs_tol=1e-12):
        return Coefficient(None, po, pe, n_units, n_values,
                           "undefined: a single category was used, so chance agreement is 1")
    return Coefficient((po - pe) / (1.0 - pe), po, pe, n_units, n_values)


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> Coefficient:
    """Cohen's (1960) kappa for two coders who both rated the same units (``a[i]``, ``b[i]``).

    p_o = share of units with equal values; p_e = sum over categories k of p_a(k) * p_b(k),
    each coder's own marginal shares. kappa = (p_o - p_e) / (1 - p_e).
    """
    if len(a) != len(b):
        raise ValueError("cohen_kappa: both coders must rate the same units")
    n = len(a)
    if n == 0:
        return _chance_corrected(0.0, 0.0, 0, 0)
    po = sum(x == y for x, y in zip(a, b, strict=True)) / n
    ca, cb = Counter(a), Counter(b)
    pe = sum(ca[k] * cb[k] for k in ca) / (n * n)
    return _chance_corrected(po, pe, n, 2 * n)


def cohen_kappa_table(table: Sequence[Sequence[float]]) -> Coefficient:
    """Cohen's kappa from a square confusion table (rows: coder 1, columns: coder 2)."""
    q = len(table)
    if any(len(row) != q for row in table):
        raise ValueError("cohen_kappa_table: the table must be square")
    n = sum(sum(row) for row in table)
    if n == 0:
        return _chance_corrected(0.0, 0.0, 0, 0)
    po = sum(table[k][k] for k in range(q)) / n
    pe = sum(sum(table[k]) * sum(row[k] for row in table) for k in range(q)) / (n * n)
    return _chance_corrected(po, pe, int(n), int(2 * n))


def category_counts(ratings: Iterable[Sequence[Hashable | None]]) -> list[Counter[Hashable]]:
    """Per unit, how many coders chose each category (``None`` left out)."""
    return [Counter(v for v in unit if v is not None) for unit in ratings]


def fleiss_kappa(counts: Iterable[Mapping[Hashable, int]]) -> Coefficient:
    """Fleiss' (1971) kappa from per-unit category counts ``{category: n_coders}``.

    Units rated by fewer than two coders are left out (they cannot agree or disagree). Every
    unit may have its own number of raters n_i (the usual generalisation; with one n for all
    units this is exactly Fleiss 1971):
    P_i = (sum_k n_ik^2 - n_i) / (n_i (n_i - 1)), P_bar = mean of P_i,
    p_k = sum_i n_ik / sum_i n_i, P_e = sum_k p_k^2, kappa = (P_bar - P_e) / (1 - P_e).
    """
    return fleiss_kappa_weighted((c, 1) for c in counts)


def _pairwise_agreement(
    patterns: Iterable[tuple[Mapping[Hashable, int], int]],
) -> tuple[float, int, int, dict[Hashable, float]]:
    """Over the units rated by >= 2 coders: sum of P_i (weighted), units, values, and the
    weighted category totals (Fleiss' p_k before dividing)."""
    p_sum = 0.0
    totals: dict[Hashable, float] = {}
    n_units = n_values = 0
    for c, w in patterns:
        ni = sum(c.values())
        if ni < 2:
            continue
        n_units += w
        n_values += ni * w
        p_sum += w * (sum(v * v for v in c.values()) - ni) / (ni * (ni - 1))
        for k, v in c.items():
            totals[k] = totals.get(k, 0) + v * w
    return p_sum, n_units, n_values, totals


def fleiss_kappa_weighted(patterns: Iterable[tuple[Mapping[Hashable, int], int]]) -> Coefficient:
    """:func:`fleiss_kappa` from ``(category counts, number of units with those counts)`` pairs."""
    p_sum, n_units, n_values, totals = _pairwise_agreement(patterns)
    if not n_units:
        return _chance_corrected(0.0, 0.0, 0, 0)
    pe = sum((v / n_values) ** 2 for v in totals.values())
    return _chance_corrected(p_sum / n_units, pe, n_units, n_values)


def krippendorff_alpha_nominal(ratings: Iterable[Sequence[Hashable | None]]) -> Coefficient:
    """Krippendorff's alpha, nominal metric, with missing values (``None``).

    Only *pairable* units (coded by at least two coders) count. From the coincidence matrix
    o_ck = sum_u (number of c-k pairs of values from different coders in u) / (m_u - 1), with
    n_c = sum_k o_ck and n = sum_c n_c:
    alpha = 1 - D_o / D_e = 1 - (n - 1) * sum_{c != k} o_ck / sum_{c != k} n_c n_k.
    Per unit, sum_{c != k} o_ck = (m_u^2 - sum_c m_uc^2) / (m_u - 1), so no matrix is built.
    ``observed`` is 1 - D_o and ``expected`` 1 - D_e.
    """
    return krippendorff_alpha_from_counts(category_counts(ratings))


def krippendorff_alpha_from_counts(counts: Iterable[Mapping[Hashable, int]]) -> Coefficient:
    """:func:`krippendorff_alpha_nominal` from per-unit category counts."""
    return krippendorff_alpha_weighted((c, 1) for c in counts)


def krippendorff_alpha_weighted(patterns: Iterable[tuple[Mapping[Hashable, int], int]]) -> Coefficient:
    """:func:`krippendorff_alpha_nominal` from ``(category counts, number of units)`` pairs."""
    disagree = 0.0
    totals: dict[Hashable, int] = {}
    n_units = 0
    for c, w in patterns:
        m = sum(c.values())
        if m < 2:
            continue
        n_units += w
        disagree += w * (m * m - sum(v * v for v in c.values())) / (m - 1)
        for k, v in c.items():
            totals[k] = totals.get(k, 0) + v * w
    n = sum(totals.values())
    if n_units == 0:
        return Coefficient(None, None, None, 0, 0, "no unit coded by two or more coders")
    d_o = disagree / n
    d_e = (n * n - sum(v * v for v in totals.values())) / (n * (n - 1))
    if d_e == 0:
        return Coefficient(None, 1 - d_o, 1.0, n_units, n,
                           "undefined: a single category was used, so expected disagreement is 0")
    return Coefficient(1 - d_o / d_e, 1 - d_o, 1 - d_e, n_units, n)


def gwet_ac1(ratings: Iterable[Sequence[Hashable | None]], categories: Iterable[Hashable] | None = None) -> Coefficient:
    """Gwet's AC1 (Gwet 2008; the multi-coder form with missing ratings of Gwet 2014, ch. 4).

    p_a = mean over units rated by >= 2 coders of sum_k r_ik (r_ik - 1) / (r_i (r_i - 1));
    pi_k = mean over units rated by >= 1 coder of r_ik / r_i;
    p_e = sum_k pi_k (1 - pi_k) / (q - 1), with q the number of categories (those given in
    ``categories``, else those used); AC1 = (p_a - p_e) / (1 - p_e).
    For two coders and no missing values this is Gwet's two-rater AC1.
    """
    return gwet_ac1_from_counts(category_counts(ratings), categories)


def gwet_ac1_from_counts(counts: Iterable[Mapping[Hashable, int]],
                        categories: Iterable[Hashable] | None = None) -> Coefficient:
    """:func:`gwet_ac1` from per-unit category counts."""
    return gwet_ac1_weighted(((c, 1) for c in counts), categories)


def gwet_ac1_weighted(patterns: Iterable[tuple[Mapping[Hashable, int], int]],
                      categories: Iterable[Hashable] | None = None) -> Coefficient:
    """:func:`gwet_ac1` from ``(category counts, number of units)`` pairs."""
    pa_sum = 0.0
    n2 = n1 = n_values = 0
    pi: dict[Hashable, float] = {}
    for c, w in patterns:
        r = sum(c.values())
        if r == 0:
            continue
        n1 += w
        n_values += r * w
        for k, v in c.items():
            pi[k] = pi.get(k, 0.0) + w * v / r
        if r >= 2:
            n2 += w
            pa_sum += w * sum(v * (v - 1) for v in c.values()) / (r * (r - 1))
    if n2 == 0:
        return Coefficient(None, None, None, 0, n_values, "no unit coded by two or more coders")
    cats = set(pi) | set(categories or ())
    q = len(cats)
    pa = pa_sum / n2
    if q < 2:
        return Coefficient(None, pa, None, n2, n_values, "undefined: a single category was used")
    pe = sum((pi.get(k, 0.0) / n1) * (1 - pi.get(k, 0.0) / n1) for k in cats) / (q - 1)
    return _chance_corrected(pa, pe, n2, n_values)


def percent_agreement_weighted(patterns: Iterable[tuple[Mapping[Hashable, int], int]]) -> Coefficient:
    """Observed pairwise agreement over units rated by >= 2 coders (Fleiss' P_bar), no chance
    correction (``value == observed``), from ``(category counts, number of units)`` pairs."""
    p_sum, n_units, n_values, _ = _pairwise_agreement(patterns)
    if not n_units:
        return Coefficient(None, None, None, 0, 0, "no units to compare")
    p = p_sum / n_units
    return Coefficient(p, p, None, n_units, n_values)


def cohen_kappa_joint(joint: Mapping[tuple[Hashable, Hashable], int]) -> Coefficient:
    """Cohen's kappa from joint counts ``{(value of coder 1, value of coder 2): n_units}``."""
    n = sum(joint.values())
    if n == 0:
        return _chance_corrected(0.0, 0.0, 0, 0)
    ca: dict[Hashable, float] = {}
    cb: dict[Hashable, float] = {}
    agree = 0
    for (x, y), w in joint.items():
        ca[x] = ca.get(x, 0) + w
        cb[y] = cb.get(y, 0) + w
        if x == y:
            agree += w
    pe = sum(v * cb.get(k, 0) for k, v in ca.items()) / (n * n)
    return _chance_corrected(agree / n, pe, n, 2 * n)


def f1(matched: int, n_a: int, n_b: int) -> float | None:
    """Pairwise F1 = 2|A∩B| / (|A| + |B|) (symmetric, so no annotator is the reference);
    ``None`` when neither annotator has anything to compare."""
    total = n_a + n_b
    return None if total == 0 else 2.0 * matched / total


def mean_sd(values: Iterable[float | None]) -> tuple[float | None, float | None, int]:
    """Mean and *population* standard deviation (ddof = 0, as bratiaa reports) of the values
    that are not None, and how many there were."""
    vs = [v for v in values if v is not None]
    if not vs:
        return None, None, 0
    m = math.fsum(vs) / len(vs)
    return m, math.sqrt(math.fsum((v - m) ** 2 for v in vs) / len(vs)), len(vs)
