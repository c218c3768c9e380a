"""The stance map as data for other tools: one row per stance (CSV for pivots) and the
holder → target network (GEXF for Gephi, GraphML for networkx, igraph, yEd).

The long CSV reads the same stances as the map (same scope, same filters, a target set), so
its rows add up to the map's cells. The network is written with networkx, imported only here,
when a network file is asked for.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import IsfError
from ..store import stancemap as stored
from .query import Scope, StanceMap, _date_ok, _filter, _layers, display_type, resolve_scope

if TYPE_CHECKING:
    from ..store.base import ProjectBase

LONG_COLUMNS = ["stance_id", "layer", "holder", "holder_id", "holder_type", "target", "target_id", "polarity",
                "conditions", "document", "title", "date", "outlet", "evidence_count", "evidence_text"]
EVIDENCE_JOIN = " | "


@dataclass(frozen=True)
class StanceRow:
    stance_id: str
    layer: str
    holder: str
    holder_id: str
    holder_type: str
    target: str
    target_id: str
    polarity: str
    conditions: str
    document: str
    title: str
    date: str
    outlet: str
    evidence: tuple[str, ...]     # the text of each evidence span, in the stance's order

    def csv_row(self) -> list[str | int]:
        return [self.stance_id, self.layer, self.holder, self.holder_id, self.holder_type, self.target,
                self.target_id, self.polarity, self.conditions, self.document, self.title, self.date, self.outlet,
                len(self.evidence), EVIDENCE_JOIN.join(self.evidence)]


def stance_rows(project: ProjectBase, scope: Scope | None = None) -> list[StanceRow]:
    """Every stance the map of *scope* counts (a holder and a target set), one row each, in
    layer, document and creation order, with the text of its evidence spans (code points)."""
    scope = resolve_scope(project, scope or Scope())
    layers = _layers(project, scope.layer)
    out: list[StanceRow] = []
    with project.snapshot() as conn:
        last, ev = None, []
        for *head, text in stored.stances_with_evidence_texts(conn, _filter(scope, layers)):
            if last is not None and head[0] != last[0]:
                out.append(_row(last, ev))
                last, ev = None, []
            if last is None:
                if not _date_ok(scope, head[11]):
                    continue
                last = head
            if text is not None:
                ev.append(text)
        if last is not None:
            out.append(_row(last, ev))
    return out


def _row(head: list[Any], ev: list[str]) -> StanceRow:
    sid, layer, holder, holder_id, htype, target, target_id, pol, cond, doc, title, date, outlet = head
    return StanceRow(sid, layer, holder, holder_id, display_type(htype or ""), target, target_id, pol, cond or "", doc,
                     title or "", date or "", "" if outlet is None else str(outlet), tuple(ev))


def write_long_csv(rows: list[StanceRow], path: str | Path) -> int:
    """One row per stance under the header :data:`LONG_COLUMNS`; returns the rows written."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(LONG_COLUMNS)
        for r in rows:
            w.writerow(r.csv_row())
    return len(rows)


def network_graph(smap: StanceMap, polarities: list[str] | None = None) -> Any:
    """The map as a networkx graph: a node per holder (``actor:ID``, kind "actor", its type) and
    per target (``target:ID``, kind "target"); an edge holder → target per cell with ``stances``
    (the total, also ``weight``), ``n_<polarity>`` for every polarity (0 when none), ``polarity``
    (the one polarity, or "mixed"), ``mixed``, ``documents``, ``evidence`` and ``layer``. One layer
    gives a DiGraph; several (layer 'all') a MultiDiGraph keyed by layer."""
    try:
        import networkx as nx
    except ImportError:   # a dependency; said in one line if an install lacks it
        raise IsfError("network export needs networkx: pip install networkx") from None
    pols = list(polarities or [])
    for c in smap.cells.values():
        for p in sorted(c.polarities):
            if p not in pols:
                pols.append(p)
    multi = len(smap.layers) > 1
    g: Any = nx.MultiDiGraph() if multi else nx.DiGraph()
    g.graph["layers"] = ", ".join(smap.layers)
    for h in smap.sorted_holders("name"):
        g.add_node(f"actor:{h.id}", label=h.name, kind="actor", actor_type=display_type(h.kind), stances=h.count)
    for t in smap.sorted_targets("name"):
        g.add_node(f"target:{t.id}", label=t.name, kind="target", actor_type="", stances=t.count)
    for (layer, holder, target), c in sorted(smap.cells.items()):
        attrs = {"stances": c.stances, "weight": c.stances, "polarity": c.polarity, "mixed": c.mixed,
                 "documents": len(c.documents), "evidence": c.evidence, "layer": layer,
                 **{f"n_{p}": c.polarities.get(p, 0) for p in pols}}
        if multi:
            g.add_edge(f"actor:{holder}", f"target:{target}", key=layer, **attrs)
        else:
            g.add_edge(f"actor:{holder}", f"target:{target}", **attrs)
    return g


def write_gexf(smap: StanceMap, path: str | Path, polarities: list[str] | None = None) -> None:
    g = network_graph(smap, polarities)
    import networkx as nx
    nx.write_gexf(g, str(path))


def write_graphml(smap: StanceMap, path: str | Path, polarities: list[str] | None = None) -> None:
    g = network_graph(smap, polarities)
    import networkx as nx
    nx.write_graphml(g, str(path))
