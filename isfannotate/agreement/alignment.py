"""The alignment of the spans of all coders of one document into units, on plain keys: each
span is its (start, end, label, link). ``units.align_spans`` builds its units from
:func:`span_groups`; the review queue counts units with :func:`span_counts` without building
them. Both run the same search (:func:`_nodes`, :func:`_join`), so the two cannot drift.
docs/agreement.md states the rules.
"""
from __future__ import annotations

from collections import _count_elements  # type: ignore[attr-defined]  # (Counter's C counter)
from collections.abc import Sequence
from typing import Any

from .matching import _overlap

#: A span joins a unit of a *different* label only when their overlap covers at least this share
#: of the longer of the two (so an ACTOR nested in a CLAIM is not a label disagreement with it).
CROSS_LABEL_MIN_OVERLAP = 0.5

Key = tuple[Any, ...]      # (start, end, label, link)


def span_groups(keys: Sequence[Sequence[Key]], cross_label_min_overlap: float = CROSS_LABEL_MIN_OVERLAP
                ) -> tuple[list[int], list[tuple[int, list[int], int, int]]]:
    """The alignment of ``align_spans`` on plain keys: *keys* holds, per coder (in coder order),
    the (start, end, label, link) of each of their spans. Returns (the coder of each span, by
    its index over all coders' spans in order; the units in unit order, each as (rank, the
    indices of its spans in coder order, start, end))."""
    ann, nodes = _nodes(keys)
    # Nodes in unit order: (start, end, label, link) of their first version, then coder and
    # input order. Sorted by start first, so the same order drives the search for overlaps.
    ranked = sorted(nodes, key=lambda nd: _order(nd, ann))
    full = (1 << len(keys)) - 1
    out = []
    open_nodes, open_ranks = [], []
    for rank, node in enumerate(ranked):
        if node[0] == full:      # identical versions of every coder, in coder order: a unit of its own
            out.append((rank, node[2:], node[1][0], node[1][1]))
        else:                    # (a node every coder is in cannot join anything: left out of the search)
            open_nodes.append(node)
            open_ranks.append(rank)
    for unit in _join(open_nodes, cross_label_min_overlap):
        if len(unit) == 1:
            node = open_nodes[unit[0]]
            out.append((open_ranks[unit[0]], node[2:], node[1][0], node[1][1]))
        else:
            ms = [open_nodes[x] for x in unit]
            idx = sorted([i for node in ms for i in node[2:]], key=ann.__getitem__)
            out.append((min([open_ranks[x] for x in unit]), idx, min([node[1][0] for node in ms]),
                        max([node[1][1] for node in ms])))
    out.sort()
    return ann, out


def span_counts(keys: Sequence[Sequence[Key]], cross_label_min_overlap: float = CROSS_LABEL_MIN_OVERLAP
                ) -> tuple[int, int]:
    """(units, open units) of :func:`span_groups`' alignment of *keys*, without building the
    units. A unit is open when a coder lacks it or its versions differ: every unit but those
    every coder holds identically (a unit of several versions joins different keys)."""
    if len(keys) < 2:
        return sum(map(len, keys)), 0   # one coder: every span a unit of its own, agreeing
    ann, nodes = _nodes(keys)
    full = (1 << len(keys)) - 1
    open_nodes = [node for node in nodes if node[0] != full]
    if not open_nodes:
        return len(nodes), 0
    open_nodes.sort(key=lambda nd: _order(nd, ann))
    units = len(_join(open_nodes, cross_label_min_overlap))
    return len(nodes) - len(open_nodes) + units, units


def flat_span_counts(rows: Sequence[Sequence[Any]], coders: Sequence[Any], bits: dict[Any, int] | None = None,
                     cross_label_min_overlap: float = CROSS_LABEL_MIN_OVERLAP) -> tuple[int, int]:
    """:func:`span_counts` of one document's spans given flat: *rows* holds every coder's spans
    in coder order (then in each coder's order), each as (coder, start, end, label, id, link),
    the coder an item of *coders*; *bits* a distinct bit for each coder (it may hold more:
    one map for a whole project; by default by coder order).

    In fewer Python operations: the keys every coder holds once are counted in C (a dict of
    counts) and never become nodes; only the others go through the search for overlaps. A
    coder holding one key twice, or a link of "" (ordered as no link), takes
    :func:`span_counts`' path."""
    n = len(coders)
    if n < 2:
        return len(rows), 0
    keys = [(s, e, label, link) for _, s, e, label, _, link in rows]
    counts: dict[Key, int] = {}
    _count_elements(counts, keys)
    if len(set(zip([row[0] for row in rows], keys, strict=True))) != len(keys):
        return span_counts(_by_coder(rows, coders), cross_label_min_overlap)
    full = list(counts.values()).count(n)
    if full == len(counts):
        return full, 0
    if bits is None:
        bits = {c: 1 << i for i, c in enumerate(coders)}
    nodes: dict[Key, list[Any]] = {}
    for i, key in enumerate(keys):
        if counts[key] != n:
            node = nodes.get(key)
            if node is None:   # (unit order: key, then coder and input order, as _order; keys are unique here)
                start, end, label, link = key
                if link == "":
                    return span_counts(_by_coder(rows, coders), cross_label_min_overlap)
                nodes[key] = [start, end, label, link or "", i, bits[rows[i][0]], link]
            else:
                node[5] |= bits[rows[i][0]]
    starts, ends, labels, _, first, mask, links = zip(*sorted(nodes.values()), strict=True)
    units = len(_join_lists(list(mask), first, starts, ends, labels, links, cross_label_min_overlap))
    return full + units, units


def _by_coder(rows: Sequence[Sequence[Any]], coders: Sequence[Any]) -> list[list[Key]]:
    return [[(s, e, label, link) for who, s, e, label, _, link in rows if who == c] for c in coders]


def _order(node: list[Any], ann: list[int]) -> tuple[Any, ...]:
    """A node's place in unit order: (start, end, label, link) of its first version, then its
    coder and input order."""
    start, end, label, link = node[1]
    return start, end, label, link or "", ann[node[2]], node[2]


def _nodes(keys: Sequence[Sequence[Key]]) -> tuple[list[int], list[list[Any]]]:
    """(the coder of each span by its index over all coders' spans; the nodes). A node joins
    identical spans (offsets, label, link) of different coders: [coder mask, key, the span
    indices in coder order]. The greedy of :func:`_join` would take their pairs first anyway
    (no pair ranks before an identical one), so this only saves work. A coder's k-th identical
    copy joins the k-th node of that key."""
    ann: list[int] = []
    groups: dict[Key, list[list[Any]]] = {}
    nodes: list[list[Any]] = []
    base = 0
    for ai, got in enumerate(keys):
        bit = 1 << ai
        ann.extend([ai] * len(got))
        for i, key in enumerate(got, base):
            copies = groups.get(key)
            if copies is None:
                node: list[Any] = [bit, key, i]
                groups[key] = [node]
                nodes.append(node)
                continue
            for node in copies:
                if not node[0] & bit:
                    node[0] |= bit
                    node.append(i)
                    break
            else:
                node = [bit, key, i]
                copies.append(node)
                nodes.append(node)
        base += len(got)
    return ann, nodes


def _join(nodes: list[list[Any]], cross_label_min_overlap: float) -> list[list[int]]:
    """Join *nodes* (in unit order, none holding every coder) into units: candidate pairs are
    nodes without a common coder that overlap (same label), or that overlap by at least
    ``cross_label_min_overlap`` of the longer (different labels), taken best first by (same
    label, same link, larger overlap, smaller boundary distance, then input order); a pair
    joins its two units when every two of the result's nodes overlap. Returns the units as
    lists of positions in *nodes*."""
    return _join_lists([node[0] for node in nodes], [node[2] for node in nodes], [node[1][0] for node in nodes],
                       [node[1][1] for node in nodes], [node[1][2] for node in nodes], [node[1][3] for node in nodes],
                       cross_label_min_overlap)


def _join_lists(mask: list[int], first: Sequence[int], starts: Sequence[int], ends: Sequence[int],
                nlabel: Sequence[Any], nlink: Sequence[Any], cross_label_min_overlap: float) -> list[list[int]]:
    """:func:`_join` on the nodes' columns: coder mask (updated in place), first span index,
    start, end, label and link of each node, in unit order."""
    n_nodes = len(mask)
    edges = []
    for n in range(n_nodes):
        s0, e0, a0, l0, k0 = starts[n], ends[n], mask[n], nlabel[n], nlink[n]
        for m in range(n + 1, n_nodes):
            s1 = starts[m]
            if s1 >= e0 and not (s1 == e0 == s0):
                break
            if mask[m] & a0:
                continue
            e1 = ends[m]
            ov = (e0 if e0 < e1 else e1) - s1  # s1 >= s0
            if ov <= 0:
                if not (s1 == s0 and e1 == e0):
                    continue
                ov = 1  # two empty spans at one offset
            same_label = l0 == nlabel[m]
            if not same_label and ov < cross_label_min_overlap * max(e0 - s0, e1 - s1):
                continue
            fn, fm = first[n], first[m]
            # (the first spans of two nodes never tie: the positions n, m never decide)
            edges.append((not same_label, k0 != nlink[m], -ov, abs(s0 - s1) + abs(e0 - e1),
                          fn if fn < fm else fm, fm if fn < fm else fn, n, m))
    if not edges:
        return [[n] for n in range(n_nodes)]
    edges.sort()
    unit_of = list(range(n_nodes))
    members: dict[int, list[int]] = {n: [n] for n in range(n_nodes)}
    for e in edges:
        u, v = unit_of[e[6]], unit_of[e[7]]
        if u == v or mask[u] & mask[v]:
            continue
        mu, mv = members[u], members[v]
        if (len(mu) > 1 or len(mv) > 1) and any(
                not _overlap(starts[p], ends[p], starts[q], ends[q]) for p in mu for q in mv):
            continue
        if len(mu) < len(mv):
            u, v, mu, mv = v, u, mv, mu
        mu.extend(mv)
        mask[u] |= mask[v]
        for n in mv:
            unit_of[n] = u
        del members[v]
    return list(members.values())
