"""Writing the stance map: the matrix as CSV, the matrix and the network as PNG or SVG.

Pictures are drawn with matplotlib's Agg backend (no window, no Qt), imported only when a
picture is asked for. matplotlib is the plotting library Python users know, makes both PNG
and SVG from one drawing, and needs no network. The network picture is a bipartite drawing
(holders left, targets right) whose layout is readable at 50 × 20 and deterministic; the
network *files* (GEXF, GraphML) are written with networkx in ``export.py``.
"""
from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from .query import MIXED, Cell, StanceMap, describe_scope

if TYPE_CHECKING:   # matplotlib is imported only when a picture is drawn
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

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


def cell_text(cell: Cell) -> str:
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


def cell_caption(cell: Cell, width: int = 24) -> list[str]:
    """What a picture's cell says: every polarity with its count, the most frequent first
    ("2 support / 1 oppose"), wrapped to *width* characters at the slashes, then the evidence
    and document counts ("3 ev. · 2 doc.")."""
    parts = [f"{n} {p}" for p, n in sorted(cell.polarities.items(), key=lambda pn: (-pn[1], pn[0]))]
    lines: list[str] = []
    for part in parts:
        if lines and len(lines[-1]) + 3 + len(part) <= width:
            lines[-1] += " / " + part
        else:
            if lines:
                lines[-1] += " /"
            lines.append(part)
    lines.append(f"{cell.evidence} ev. · {len(cell.documents)} doc.")
    return lines


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _ink(hex_colour: str) -> str:
    """Black or white text, whichever reads better on *hex_colour*."""
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 140 else "white"


def _figure(width: float, height: float) -> tuple[Figure, Axes]:
    """A figure on its own Agg canvas: no pyplot, no global backend switch that could disturb
    a Qt app in the same process."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    return fig, fig.subplots()


HEADER_LINE = 0.24    # inches per header line


def _header(fig: Figure, lines: list[tuple[str, float, str]]) -> float:
    """Title, scope and caption lines at the top left of *fig*, each in full: the figure is made
    wide enough for the longest. Returns the header's height in inches."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]  # Agg's (see _figure); matplotlib leaves it untyped
    texts = []
    for text, size, weight in lines:
        texts.append(fig.text(0, 1, text, fontsize=size, fontweight=weight, ha="left", va="top"))
    need = max(t.get_window_extent(renderer).width for t in texts) / fig.dpi + 0.5
    w, h = fig.get_size_inches()
    if need > w:
        fig.set_size_inches(need, h)
        w = need
    for i, t in enumerate(texts):
        t.set_position((0.2 / w, 1 - (0.15 + i * HEADER_LINE) / h))
    return 0.25 + len(lines) * HEADER_LINE


def _save(fig: Figure, path: str | Path, header_in: float) -> None:
    h = fig.get_size_inches()[1]
    fig.tight_layout(rect=(0, 0, 1, 1 - header_in / h))
    fig.savefig(path, dpi=110)    # tight_layout and the header's sizing keep every text inside


def _title_lines(smap: StanceMap, title: str, caption: str) -> list[tuple[str, float, str]]:
    return [(title, 12, "bold"), ("Scope: " + describe_scope(smap.scope, smap.layers), 9, "normal"),
            (caption, 8, "normal")]


def _legend_handles(polarities: Iterable[str]) -> list[Patch]:
    from matplotlib.patches import Patch
    handles = [Patch(facecolor=colour(p), edgecolor="black", label=p) for p in polarities]
    handles.append(Patch(facecolor=colour(MIXED), edgecolor="black", hatch="///",
                         label="mixed: the holder's stances disagree"))
    return handles


def matrix_figure(smap: StanceMap, *, sort: str = "count", polarities: list[str] | None = None,
                  title: str = "Stance map") -> tuple[Figure, float]:
    """The matrix as a matplotlib figure that stands alone: the title, the scope and filters,
    a coloured cell per holder and target with every polarity and its count, evidence and
    documents; mixed cells hatched; the legend."""
    from matplotlib.patches import Rectangle
    holders, targets = smap.sorted_holders(sort), smap.sorted_targets(sort)
    layers = smap.layers
    cols = [(t, layer) for t in targets for layer in layers]
    ncols = max(1, len(cols))
    captions = {k: cell_caption(c) for k, c in smap.cells.items()}
    nlines = max([len(x) for x in captions.values()] or [1])
    row_h = max(0.42, 0.13 * nlines + 0.14)
    fig, ax = _figure(min(60, 4.5 + 1.45 * ncols), min(60, 2.6 + row_h * max(1, len(holders))))
    for i, h in enumerate(holders):
        for j, (t, layer) in enumerate(cols):
            c = smap.cell(h.id, t.id, layer)
            if c is None:
                continue
            fill = colour(c.polarity)
            ax.add_patch(Rectangle((j, i), 1, 1, facecolor=fill, edgecolor="white",
                                   hatch="///" if c.mixed else None, linewidth=1.5))
            box = {"facecolor": "white", "edgecolor": "none", "alpha": 0.9, "pad": 1.5} if c.mixed else None
            ax.text(j + 0.5, i + 0.5, "\n".join(captions[(layer, h.id, t.id)]), ha="center", va="center",
                    fontsize=7, color="black" if c.mixed else _ink(fill), bbox=box,
                    fontweight="bold" if c.mixed else "normal")
    ax.set_xlim(0, ncols)
    ax.set_ylim(max(1, len(holders)), 0)
    ax.set_yticks([i + 0.5 for i in range(len(holders))], [f"{h.name} ({h.count})" for h in holders], fontsize=8)
    labels = [f"{t.name}\n[{layer}]" if len(layers) > 1 else f"{t.name} ({t.count})" for t, layer in cols]
    ax.set_xticks([j + 0.5 for j in range(len(labels))], labels, rotation=30, ha="right", fontsize=8)
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    pols = polarities or sorted({p for c in smap.cells.values() for p in c.polarities})
    ax.legend(handles=_legend_handles(pols), loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8,
              frameon=False)
    n = sum(c.stances for c in smap.cells.values())
    header = _header(fig, _title_lines(smap, title, (
        f"{_n(len(holders), 'holder')} (rows) × {_n(len(targets), 'target')} (columns) · {_n(n, 'stance')} · "
        "a cell: each polarity with its stances, then evidence spans and documents; (N): stances")))
    return fig, header


def draw_matrix(smap: StanceMap, path: str | Path, *, sort: str = "count", polarities: list[str] | None = None,
                title: str = "Stance map") -> None:
    """The matrix as PNG or SVG (by *path*'s extension), see :func:`matrix_figure`."""
    fig, header = matrix_figure(smap, sort=sort, polarities=polarities, title=title)
    _save(fig, path, header)


def edge_label(cell: Cell) -> str:
    """What an edge says: its stances, split by polarity when mixed ("3: 2 support, 1 oppose")."""
    if not cell.mixed:
        return f"{cell.stances} {cell.polarity}"
    split = ", ".join(f"{n} {p}" for p, n in sorted(cell.polarities.items(), key=lambda pn: (-pn[1], pn[0])))
    return f"{cell.stances}: {split}"


def network_figure(smap: StanceMap, *, polarities: list[str] | None = None,
                   title: str = "Stance network") -> tuple[Figure, float]:
    """Holders (left) and targets (right) as nodes, stances as opaque edges in the legend's
    colours, wider with more stances, each labelled with its counts; mixed edges dashed in the
    mixed colour. Readable for 50 holders and 20 targets."""
    from matplotlib.lines import Line2D
    holders, targets = smap.sorted_holders("name"), smap.sorted_targets("name")
    n = max(len(holders), len(targets), 1)
    fig, ax = _figure(12, min(60, 2.8 + 0.36 * n))
    hy = {h.id: (i + 0.5) * n / max(1, len(holders)) for i, h in enumerate(holders)}
    ty = {t.id: (i + 0.5) * n / max(1, len(targets)) for i, t in enumerate(targets)}
    multi = len(smap.layers) > 1

    def width(c: Cell) -> float:
        return float(1 + 1.5 * min(c.stances, 6) ** 0.5)

    ax.set_xlim(-0.6, 1.6)
    ax.set_ylim(n + 0.5, -0.5)
    # label boxes in data units, estimated from the figure's size (no drawing needed): a label
    # slides along its edge to the first free place, so crossing edges keep readable counts
    fw, fh = fig.get_size_inches()
    x_per_in, y_per_in = 2.2 / (fw * 0.8), (n + 1) / (fh * 0.8)
    placed: list[tuple[float, float, float, float]] = []
    unlabelled = 0
    for key, c in sorted(smap.cells.items(), key=lambda kc: (-kc[1].stances, kc[0])):
        y0, y1 = hy[c.holder], ty[c.target]
        ax.plot([0, 1], [y0, y1], color=colour(c.polarity), alpha=1.0, linewidth=width(c),
                linestyle=(0, (4, 2)) if c.mixed else "-", solid_capstyle="butt", zorder=1)
        text = edge_label(c) + (f" [{key[0]}]" if multi else "")
        half_w = (len(text) * 7 * 0.55 / 72 + 0.1) * x_per_in / 2
        half_h = (7 * 1.7 / 72) * y_per_in / 2
        for along in (0.5, 0.35, 0.65, 0.25, 0.75, 0.42, 0.58, 0.18, 0.82):
            cx, cy = along, y0 + (y1 - y0) * along
            box = (cx - half_w, cy - half_h, cx + half_w, cy + half_h)
            if not any(box[0] < o[2] and o[0] < box[2] and box[1] < o[3] and o[1] < box[3] for o in placed):
                break
        else:              # no free place: left out and counted (the most stances are labelled first)
            unlabelled += 1
            continue
        placed.append(box)
        ax.text(cx, cy, text, ha="center", va="center", fontsize=7, zorder=3,
                bbox={"facecolor": "white", "edgecolor": colour(c.polarity), "boxstyle": "round,pad=0.2",
                      "linewidth": 1})
    ax.scatter([0] * len(holders), list(hy.values()), s=40, color="#333333", zorder=2)
    ax.scatter([1] * len(targets), list(ty.values()), s=60, marker="s", color="#0072B2", zorder=2)
    for h in holders:
        ax.text(-0.02, hy[h.id], f"{h.name} ({h.count})", ha="right", va="center", fontsize=8)
    for t in targets:
        ax.text(1.02, ty[t.id], f"{t.name} ({t.count})", ha="left", va="center", fontsize=8)
    ax.axis("off")
    pols = polarities or sorted({p for c in smap.cells.values() for p in c.polarities})
    handles = [Line2D([0], [0], color=colour(p), linewidth=3, label=p) for p in pols]
    handles.append(Line2D([0], [0], color=colour(MIXED), linewidth=3, linestyle=(0, (4, 2)),
                          label="mixed: the holder's stances disagree"))
    ax.legend(handles=handles, loc="upper center", ncol=min(6, len(handles)), fontsize=8, frameon=False,
              bbox_to_anchor=(0.5, 0.0))
    nst = sum(c.stances for c in smap.cells.values())
    caption = (f"{_n(len(holders), 'holder')} (left) → {_n(len(targets), 'target')} (right) · "
               f"{_n(nst, 'stance')} · "
               "an edge: its stances by polarity, wider with more; (N): stances")
    if unlabelled:
        caption += f" · {_n(unlabelled, 'edge')} without a label for lack of room (all counts: --gexf, --long)"
    header = _header(fig, _title_lines(smap, title, caption))
    return fig, header


def draw_network(smap: StanceMap, path: str | Path, *, polarities: list[str] | None = None,
                 title: str = "Stance network") -> None:
    """The network as PNG or SVG (by *path*'s extension), see :func:`network_figure`."""
    fig, header = network_figure(smap, polarities=polarities, title=title)
    _save(fig, path, header)
