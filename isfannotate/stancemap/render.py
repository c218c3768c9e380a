"""Writing the stance map: the matrix as CSV, the matrix and the network as PNG or SVG.

Pictures are drawn with matplotlib's Agg backend (no window, no Qt), imported only when a
picture is asked for. matplotlib is the plotting library Python users know, makes both PNG
and SVG from one drawing, and needs no network; networkx was not needed: the network is a
bipartite drawing (holders left, targets right) whose layout is readable at 50 × 20 and
deterministic.
"""
from __future__ import annotations

import csv
from pathlib import Path

from .query import MIXED, StanceMap

# Okabe–Ito (colour-blind safe); mixed also gets a hatch, so it stands out without colour.
POLARITY_COLOURS = {
    "support": "#009E73",      # bluish green
    "oppose": "#D55E00",       # vermillion
    "conditional": "#E69F00",  # orange
    "neutral": "#999999",      # grey
    "unclear": "#56B4E9",      # sky blue
    MIXED: "#CC79A7",          # reddish purple, hatched
}
OTHER_COLOUR = "#0072B2"       # blue: a polarity a project's scheme adds


def colour(polarity: str) -> str:
    return POLARITY_COLOURS.get(polarity, OTHER_COLOUR)


def cell_text(cell) -> str:
    """What a CSV cell holds: the polarity (or mixed with the polarities) and the counts."""
    return (f"{cell.label()} | stances {cell.stances} | documents {len(cell.documents)} | "
            f"evidence {cell.evidence}")


def write_csv(smap: StanceMap, path: str | Path, *, sort: str = "count") -> None:
    """Holders as rows, targets as columns (one column per target and layer when the map shows
    several layers); an empty cell is no stance."""
    holders, targets = smap.sorted_holders(sort), smap.sorted_targets(sort)
    multi = len(smap.layers) > 1
    cols = [(t, layer) for t in targets for layer in smap.layers]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["holder", "holder type", *[f"{t.name} [{layer}]" if multi else t.name for t, layer in cols]])
        for h in holders:
            row = [h.name, h.kind]
            for t, layer in cols:
                c = smap.cell(h.id, t.id, layer)
                row.append(cell_text(c) if c else "")
            w.writerow(row)


def _figure(width: float, height: float):
    """A figure on its own Agg canvas: no pyplot, no global backend switch that could disturb
    a Qt app in the same process."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    return fig, fig.subplots()


def _legend_handles(polarities):
    from matplotlib.patches import Patch
    handles = [Patch(facecolor=colour(p), edgecolor="black", label=p) for p in polarities]
    handles.append(Patch(facecolor=colour(MIXED), edgecolor="black", hatch="///",
                         label="mixed: the holder's stances disagree"))
    return handles


def draw_matrix(smap: StanceMap, path: str | Path, *, sort: str = "count", polarities=None) -> None:
    """The matrix as PNG or SVG (by *path*'s extension): a coloured cell per holder and target
    with its stance and document counts; mixed cells hatched."""
    from matplotlib.patches import Rectangle
    holders, targets = smap.sorted_holders(sort), smap.sorted_targets(sort)
    layers = smap.layers
    ncols = max(1, len(targets) * len(layers))
    fig, ax = _figure(min(40, 3 + 1.1 * ncols), min(40, 2.5 + 0.38 * max(1, len(holders))))
    for i, h in enumerate(holders):
        for j, (t, layer) in enumerate((t, layer) for t in targets for layer in layers):
            c = smap.cell(h.id, t.id, layer)
            if c is None:
                continue
            ax.add_patch(Rectangle((j, i), 1, 1, facecolor=colour(c.polarity), edgecolor="white",
                                       hatch="///" if c.mixed else None, linewidth=1.5))
            ax.text(j + 0.5, i + 0.5, f"{c.stances}/{len(c.documents)}d", ha="center", va="center", fontsize=7,
                    color="black")
    ax.set_xlim(0, ncols)
    ax.set_ylim(len(holders), 0)
    ax.set_yticks([i + 0.5 for i in range(len(holders))], [h.name for h in holders], fontsize=8)
    labels = [f"{t.name}\n[{layer}]" if len(layers) > 1 else t.name for t in targets for layer in layers]
    ax.set_xticks([j + 0.5 for j in range(len(labels))], labels, rotation=35, ha="right", fontsize=8)
    ax.set_aspect("auto")
    ax.set_title(f"Stances — layer {', '.join(layers)} (cell: stances / documents)", fontsize=10)
    pols = polarities or sorted({p for c in smap.cells.values() for p in c.polarities})
    ax.legend(handles=_legend_handles(pols), loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8,
              frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def draw_network(smap: StanceMap, path: str | Path, *, polarities=None) -> None:
    """Holders (left) and targets (right) as nodes, stances as edges coloured by polarity, wider
    with more stances; mixed edges dashed. Readable for 50 holders and 20 targets."""
    holders, targets = smap.sorted_holders("name"), smap.sorted_targets("name")
    n = max(len(holders), len(targets), 1)
    fig, ax = _figure(12, min(40, 2 + 0.32 * n))
    hy = {h.id: (i + 0.5) * n / max(1, len(holders)) for i, h in enumerate(holders)}
    ty = {t.id: (i + 0.5) * n / max(1, len(targets)) for i, t in enumerate(targets)}
    for c in sorted(smap.cells.values(), key=lambda c: c.stances):
        ax.plot([0, 1], [hy[c.holder], ty[c.target]], color=colour(c.polarity), alpha=0.8,
                linewidth=1 + 1.5 * min(c.stances, 6) ** 0.5, linestyle="--" if c.mixed else "-", zorder=1)
    ax.scatter([0] * len(holders), list(hy.values()), s=40, color="#333333", zorder=2)
    ax.scatter([1] * len(targets), list(ty.values()), s=60, marker="s", color="#0072B2", zorder=2)
    for h in holders:
        ax.text(-0.02, hy[h.id], h.name, ha="right", va="center", fontsize=8)
    for t in targets:
        ax.text(1.02, ty[t.id], t.name, ha="left", va="center", fontsize=8)
    ax.set_xlim(-0.6, 1.6)
    ax.set_ylim(n + 0.5, -0.5)
    ax.axis("off")
    ax.set_title(f"Who stands where on what — layer {', '.join(smap.layers)}", fontsize=10)
    pols = polarities or sorted({p for c in smap.cells.values() for p in c.polarities})
    ax.legend(handles=_legend_handles(pols), loc="lower center", ncol=4, fontsize=8, frameon=False,
              bbox_to_anchor=(0.5, -0.02))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
