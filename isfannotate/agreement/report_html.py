"""The HTML agreement report: one self-contained file whose charts are PNGs drawn with
matplotlib (Agg, no pyplot, no global backend change) inlined as base64 ``data:`` URIs. Nothing is
fetched when it is opened, matplotlib is imported only here, and all text from the data
(annotator names, labels, document ids, covered text, names) is HTML-escaped. Every figure's
disagreements drill down, for both match modes (the lists of ``report.disagreement_lists``)."""
from __future__ import annotations

import base64
import html
import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import IsfError
from .compute import AgreementResult
from .describe import describe_version, unit_range, unit_sentence, unit_text
from .facets import FacetAgreement
from .report import DRILL_LIMIT, _coef, _cohen_cell, _f, _ms, facet_title
from .units import Unit

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def _or_zero(x: float | None) -> float:
    return 0.0 if x is None else x


def _png(fig: Figure) -> str:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _charts(result: AgreementResult) -> dict[str, str]:
    """The charts as PNG data URIs (matplotlib imported here, only when HTML is asked for)."""
    from matplotlib.figure import Figure

    charts: dict[str, str] = {}
    names = result.annotators
    n = len(names)
    if n >= 2:
        fig = Figure(figsize=(4.2 * 2 + 1, 0.5 * n + 2.6), layout="constrained")
        axes = fig.subplots(1, 2)
        for ax, mode in zip(axes, ("exact", "overlap"), strict=True):
            mat = [[float("nan")] * n for _ in range(n)]
            for p in result.span_f1[mode].total.pairs:
                i, j = names.index(p.a), names.index(p.b)
                v = p.f1 if p.f1 is not None else float("nan")
                mat[i][j] = mat[j][i] = v
            im = ax.imshow(mat, vmin=0, vmax=1, cmap="viridis")
            ax.set_xticks(range(n), names, rotation=45, ha="right")
            ax.set_yticks(range(n), names)
            for i in range(n):
                for j in range(n):
                    v = mat[i][j]
                    label = "—" if i == j else heat_label(v)
                    ax.text(j, i, label, ha="center", va="center",
                            color="white" if v == v and v < 0.6 else "black", fontsize=9)
            ax.set_title(f"span F1, {mode} match")
        fig.colorbar(im, ax=list(axes), shrink=0.8)
        charts["pairs"] = _png(fig)
    ex, ov = result.span_f1["exact"], result.span_f1["overlap"]
    labels = sorted(set(ex.labels) | set(ov.labels))
    if labels:
        fig = Figure(figsize=(max(5.0, 0.9 * len(labels) + 2), 3.4), layout="constrained")
        ax = fig.subplots()
        w = 0.38
        for k, (mode, s) in enumerate((("exact", ex), ("overlap", ov))):
            means = [_or_zero(s.labels[lbl].mean) if lbl in s.labels else 0.0 for lbl in labels]
            sds = [_or_zero(s.labels[lbl].sd) if lbl in s.labels else 0.0 for lbl in labels]
            ax.bar([i + (k - 0.5) * w for i in range(len(labels))], means, w, yerr=error_bars(means, sds), capsize=3,
                   label=mode)
        ax.set_xticks(range(len(labels)), labels, rotation=30 if len(labels) > 6 else 0)
        ax.set_ylim(0, 1.2)
        ax.set_yticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
        ax.set_ylabel("mean F1 over pairs (± SD)")
        ax.set_title("span F1 per label")
        ax.legend(loc="upper center", ncol=2, fontsize=8)
        charts["labels"] = _png(fig)
    docs = sorted(((d, s.mean) for d, s in ov.documents.items() if s.mean is not None), key=lambda t: (t[1], t[0]))
    if docs:
        shown = docs[:30]
        fig = Figure(figsize=(6.5, 0.28 * len(shown) + 1.4), layout="constrained")
        ax = fig.subplots()
        ax.barh(range(len(shown)), [m for _, m in shown], color="#4c72b0")
        ax.set_yticks(range(len(shown)), [d if len(d) <= 32 else d[:30] + "…" for d, _ in shown], fontsize=8)
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_xlabel("mean overlap F1 over pairs")
        ax.set_title(f"lowest documents ({len(shown)} of {len(docs)})")
        charts["documents"] = _png(fig)
    shown_facets = [(k, v) for k, v in result.facets.items() if v.n_units]
    if shown_facets:
        fig = Figure(figsize=(max(5.5, 1.3 * len(shown_facets) + 2), 3.4), layout="constrained")
        ax = fig.subplots()
        kinds: list[tuple[str, Callable[[FacetAgreement], float | None]]] = [
            ("Cohen κ (mean)", lambda f: f.cohen_mean), ("Fleiss κ", lambda f: f.fleiss.value),
            ("Krippendorff α", lambda f: f.alpha.value), ("Gwet AC1", lambda f: f.ac1.value)]
        w = 0.2
        for k, (lbl, get) in enumerate(kinds):
            vals = [get(f) for _, f in shown_facets]
            ax.bar([i + (k - 1.5) * w for i in range(len(shown_facets))], [v if v is not None else 0 for v in vals], w,
                   label=lbl)
        ax.axhline(0, color="black", linewidth=0.6)
        ax.set_xticks(range(len(shown_facets)), [facet_title(k) for k, _ in shown_facets],
                      rotation=20 if len(shown_facets) > 4 else 0)
        ax.set_ylim(min(-0.1, ax.get_ylim()[0]), 1.25)
        ax.set_yticks([t for t in (-1.0, -0.5, 0, 0.2, 0.4, 0.6, 0.8, 1.0) if t >= ax.get_ylim()[0]])
        ax.set_title("coefficients on matched units (missing bar: n/a)")
        ax.legend(fontsize=8, loc="upper center", ncol=4)
        charts["facets"] = _png(fig)
    return charts


def heat_label(v: float) -> str:
    """A heat-map cell: 3 decimals, as in the tables beside it (NaN: no figure)."""
    return "n/a" if v != v else _f(v)


def error_bars(means: list[float], sds: list[float]) -> list[list[float]]:
    """± SD error bars clipped to [0, 1]: (lower, upper) lengths for matplotlib's ``yerr``."""
    return [
        [min(sd, m) for m, sd in zip(means, sds, strict=True)],
        [min(sd, max(0.0, 1.0 - m)) for m, sd in zip(means, sds, strict=True)],
    ]


def _units_table(result: AgreementResult, ids: list[str]) -> str:
    e = html.escape
    if not ids:
        return "<p class=muted>No disagreements.</p>"
    head = "".join(f"<th>{e(a)}</th>" for a in result.annotators)
    rows = []
    for uid in ids[:DRILL_LIMIT]:
        u: Unit = result.units[uid]
        text = result.texts.get(u.doc) if result.texts else None
        cells = []
        for a in result.annotators:
            if a not in u.coders:
                cells.append("<td class=muted>(not this annotator's document)</td>")
            elif a in u.versions:
                cells.append(f"<td>{e(describe_version(u.versions[a], result.names, text))}</td>")
            else:
                cells.append("<td class=missing>— not marked —</td>")
        rng = unit_range(u)
        where = f"{rng[0]}–{rng[1]}" if rng else "—"
        snippet = unit_text(u, text) or ""
        snippet = snippet if len(snippet) <= 120 else snippet[:117] + "…"
        sentence = unit_sentence(u, text) or ""
        rows.append(f"<tr><td>{e(u.doc)}</td><td class=nowrap>{where}</td><td>{e(u.kind.replace('_', ' '))}</td>"
                    f"<td>{e(', '.join(u.differs()) or u.state)}</td><td class=text>{e(snippet)}</td>"
                    f"<td class=text>{e(sentence)}</td>{''.join(cells)}</tr>")
    more = (
        f"<p class=muted>… and {len(ids) - DRILL_LIMIT} more (all are in the JSON report).</p>"
        if len(ids) > DRILL_LIMIT
        else ""
    )
    return ("<table class=units><tr><th>document</th><th>offsets</th><th>kind</th><th>differs</th><th>text</th>"
            f"<th>sentence</th>{head}</tr>" + "".join(rows) + "</table>" + more)


def _details(result: AgreementResult, title: str, ids: list[str]) -> str:
    return (f"<details><summary>{html.escape(title)}: {len(ids)} unit(s)</summary>"
            f"{_units_table(result, ids)}</details>")


CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;
     margin:2em auto;max-width:1200px;color:#222;padding:0 1em}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5em 0}
td,th{border:1px solid #ddd;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}.muted{color:#888}.missing{color:#b00}
td.text{max-width:24em;white-space:pre-wrap}.nowrap{white-space:nowrap}
details{margin:.3em 0}summary{cursor:pointer}img{max-width:100%}
"""


def render_html(result: AgreementResult, *, title: str = "Agreement report") -> str:
    """The HTML report as a string (see :func:`write_html`)."""
    e = html.escape
    charts = _charts(result)
    ex, ov = result.span_f1["exact"], result.span_f1["overlap"]
    p: list[str] = [f"<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>{e(title)}</title>"
                    f"<style>{CSS}</style></head><body><h1>{e(title)}</h1>"]
    multi = sum(len(c) >= 2 for c in result.documents.values())
    p.append(f"<p>{len(result.annotators)} annotators ({e(', '.join(result.annotators))}), {len(result.documents)} "
             f"documents, {multi} with two or more annotators. Offsets are code points. Definitions: docs/agreement.md "
             "of isfannotate. F1 = 2|A∩B|/(|A|+|B|) per annotator pair, mean ± population SD over pairs.</p>")

    p.append("<h2>Annotator pairs</h2>")
    if "pairs" in charts:
        p.append(f"<img alt='pair matrix of span F1' src='{charts['pairs']}'>")
    p.append("<table><tr><th>pair</th><th>shared documents</th><th>exact F1</th><th>|A∩B| / |A| / |B|</th>"
             "<th>overlap F1</th><th>|A∩B| / |A| / |B|</th></tr>")
    for pe, po, info in zip(ex.total.pairs, ov.total.pairs, result.pairs, strict=True):
        p.append(f"<tr><td>{e(pe.a)} – {e(pe.b)}</td><td class=num>{info['shared_documents']}</td>"
                 f"<td class=num>{_f(pe.f1)}</td><td class=num>{pe.matched}/{pe.n_a}/{pe.n_b}</td>"
                 f"<td class=num>{_f(po.f1)}</td><td class=num>{po.matched}/{po.n_a}/{po.n_b}</td></tr>")
    p.append("</table>")
    for pe, po in zip(ex.total.pairs, ov.total.pairs, strict=True):
        p.append(_details(result, f"exact-match disagreements {pe.a} – {pe.b}", pe.disagreements))
        p.append(_details(result, f"overlap-match disagreements {po.a} – {po.b}", po.disagreements))

    p.append("<h2>Span F1 per label</h2>")
    if "labels" in charts:
        p.append(f"<img alt='span F1 per label' src='{charts['labels']}'>")
    p.append("<table><tr><th>label</th><th>exact (mean ± SD, pairs)</th><th>overlap (mean ± SD, pairs)</th></tr>")
    p.append(f"<tr><td><b>all labels</b></td><td class=num>{_ms(ex.total.mean, ex.total.sd)} ({ex.total.n_pairs})</td>"
             f"<td class=num>{_ms(ov.total.mean, ov.total.sd)} ({ov.total.n_pairs})</td></tr>")
    for lbl in sorted(set(ex.labels) | set(ov.labels)):
        a, b = ex.labels.get(lbl), ov.labels.get(lbl)
        p.append(
            f"<tr><td>{e(lbl)}</td><td class=num>{_ms(a.mean, a.sd) if a else 'n/a'} ({a.n_pairs if a else 0})</td>"
            f"<td class=num>{_ms(b.mean, b.sd) if b else 'n/a'} ({b.n_pairs if b else 0})</td></tr>"
        )
    p.append("</table>")
    for lbl in sorted(set(ex.labels) | set(ov.labels)):
        for mode, sf in (("exact", ex), ("overlap", ov)):
            if lbl in sf.labels:
                p.append(_details(result, f"{mode}-match disagreements on {lbl}", sf.labels[lbl].disagreements))
    p.append(_unitizing_html(result))

    p.append("<h2>Matched units (aligned by overlap): coefficients</h2>")
    if "facets" in charts:
        p.append(f"<img alt='coefficients per facet' src='{charts['facets']}'>")
    p.append("<p>units: on documents with two or more annotators; complete: marked by all of them; incomplete: by some "
             "(never dropped: counted here and listed below); single: on documents only one annotator has. Fleiss κ on "
             "complete units, Krippendorff α (nominal) on units coded by two or more, Gwet AC1 with missing ratings, "
             "Cohen κ per pair on units both marked.</p>")
    p.append(
        "<table><tr><th>facet</th><th>units</th><th>complete</th><th>incomplete</th><th>single</th><th>Cohen κ</th>"
        "<th>Fleiss κ</th><th>Krippendorff α</th><th>Gwet AC1</th><th>observed</th></tr>"
    )
    for name, fa in result.facets.items():
        ck = _cohen_cell(fa)
        p.append(
            f"<tr><td>{e(facet_title(name))}</td><td class=num>{fa.n_units}</td><td class=num>{fa.n_complete}</td>"
            f"<td class=num>{fa.n_incomplete}</td><td class=num>{fa.n_single_coder}</td><td class=num>{ck}</td>"
            f"<td class=num title='{e(fa.fleiss.note)}'>{_coef(fa.fleiss)}</td>"
            f"<td class=num title='{e(fa.alpha.note)}'>{_coef(fa.alpha)}</td>"
            f"<td class=num title='{e(fa.ac1.note)}'>{_coef(fa.ac1)}</td><td class=num>{_coef(fa.agreement)}</td></tr>"
        )
    p.append("</table>")
    for name, fa in result.facets.items():
        if fa.disagreements:
            p.append(_details(result, f"{facet_title(name)}: units whose values differ", fa.disagreements))
        if fa.incomplete:
            p.append(_details(result, f"{facet_title(name)}: incomplete units", fa.incomplete))
    if len(result.annotators) > 2:
        p.append(
            "<h3>Cohen κ per pair</h3><table><tr><th>facet</th><th>pair</th><th>κ</th><th>units</th>"
            "<th>incomplete</th></tr>"
        )
        for name, fa in result.facets.items():
            for c in fa.cohen:
                if c.kappa.n_units or c.incomplete:
                    p.append(
                        f"<tr><td>{e(facet_title(name))}</td><td>{e(c.a)} – {e(c.b)}</td>"
                        f"<td class=num>{_coef(c.kappa)}</td>"
                        f"<td class=num>{c.kappa.n_units}</td><td class=num>{c.incomplete}</td></tr>"
                    )
        p.append("</table>")

    p.append("<h2>Documents</h2>")
    if "documents" in charts:
        p.append(f"<img alt='lowest documents' src='{charts['documents']}'>")
    p.append("<p>Lowest overlap F1 first. Each mode's column lists the units behind that mode's F1.</p>")
    p.append("<table><tr><th>document</th><th>annotators</th><th>exact F1</th><th>exact-match disagreements</th>"
             "<th>overlap F1</th><th>overlap-match disagreements</th></tr>")
    for d, coders in sorted(
        result.documents.items(),
        key=lambda kv: (
            ov.documents[kv[0]].mean if kv[0] in ov.documents and ov.documents[kv[0]].mean is not None else 2.0,
            kv[0],
        ),
    ):
        s_ex, s_ov = ex.documents.get(d), ov.documents.get(d)
        drills = []
        for summary in (s_ex, s_ov):
            ids = summary.disagreements if summary else []
            drills.append(_details(result, "units", ids) if ids else "0")
        p.append(
            f"<tr><td>{e(d)}</td><td>{e(', '.join(coders))}</td><td class=num>{_f(s_ex.mean) if s_ex else 'n/a'}</td>"
            f"<td>{drills[0]}</td><td class=num>{_f(s_ov.mean) if s_ov else 'n/a'}</td><td>{drills[1]}</td></tr>"
        )
    p.append("</table></body></html>\n")
    return "".join(p)


def write_html(result: AgreementResult, path: str | os.PathLike[str], *, title: str = "Agreement report") -> Path:
    """Write the self-contained HTML report to ``path`` (charts inline as PNG ``data:`` URIs,
    no script, no stylesheet or font fetched) and return the path. Needs matplotlib (a
    dependency); without it raises IsfError with a one-line reason. The file is written
    to ``path.part`` first and renamed, so a failed run leaves no half report."""
    try:
        import matplotlib  # noqa: F401  (only to say clearly what is missing)
    except ImportError:
        raise IsfError("the HTML agreement report needs matplotlib: pip install matplotlib") from None
    text = render_html(result, title=title)
    out = Path(path)
    tmp = out.with_name(out.name + ".part")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, out)
    return out


def _unitizing_html(result: AgreementResult) -> str:
    e = html.escape
    u = result.unitizing
    p = ["<h2>Krippendorff's αU (spans, unitizing)</h2>",
         "<p>Agreement on where the units of each label are and what they are (Krippendorff 1995, 2004; as DKPro "
         "Agreement and INCEpTION compute it). Each pair on its shared documents laid end to end; mean ± population "
         "SD over pairs.</p>"]
    if u is None or not u.pairs:
        p.append(
            f"<p class=muted>No figure: {e(u.note if u is not None and u.note else 'fewer than two annotators')}.</p>"
        )
        return "".join(p)
    m, sd, n = u.mean_sd()
    p.append("<table><tr><th>label</th><th>αU (mean ± SD)</th><th>pairs</th></tr>")
    p.append(f"<tr><td><b>all labels</b></td><td class=num>{_ms(m, sd)}</td><td class=num>{n}</td></tr>")
    for lbl in u.labels:
        lm, lsd, ln = u.mean_sd(lbl)
        p.append(f"<tr><td>{e(lbl)}</td><td class=num>{_ms(lm, lsd)}</td><td class=num>{ln}</td></tr>")
    p.append("</table><table><tr><th>pair</th><th>documents</th><th>αU</th><th>D<sub>o</sub></th><th>D<sub>e</sub></th></tr>")
    for q in u.pairs:
        p.append(
            f"<tr><td>{e(q.a)} – {e(q.b)}</td><td class=num>{q.documents}</td><td class=num>{_f(q.overall.value)}</td>"
            f"<td class=num>{_f(q.overall.d_o, 5)}</td><td class=num>{_f(q.overall.d_e, 5)}</td></tr>"
        )
    p.append("</table>")
    return "".join(p)
