"""Agreement reports: readable text tables, documented JSON, and a self-contained HTML file.

``report_text(result)`` and ``report_json(result)`` return strings; ``write_html(result, path)``
writes one HTML file whose charts are PNGs drawn with matplotlib (Agg, no pyplot, no global
backend change) and inlined as base64 ``data:`` URIs: nothing is fetched when it is opened, and
matplotlib is imported only here, only when HTML is asked for. All text from the data
(annotator names, labels, document ids, covered text) is HTML-escaped.
The JSON keys are listed in docs/agreement.md.
"""
from __future__ import annotations

import base64
import html
import io
import json
import os
from pathlib import Path
from typing import Any

from ..errors import IsfError
from ..gcpause import paused_gc
from .compute import FACETS, AgreementResult, F1Summary, FacetAgreement
from .measures import Coefficient
from .units import ClaimAnn, DocLabelAnn, SpanAnn, StanceAnn, Unit

DRILL_LIMIT = 200  # disagreement units listed per figure in the HTML (the JSON has them all)


def _f(x: float | None, digits: int = 3) -> str:
    return "n/a" if x is None else f"{x:.{digits}f}"


def _ms(mean: float | None, sd: float | None) -> str:
    return "n/a" if mean is None else f"{mean:.3f} ± {sd:.3f}"


def _table(header: list[str], rows: list[list[str]], right: set[int] | None = None) -> str:
    right = right if right is not None else set(range(1, len(header)))
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(r):
        return "  ".join(str(c).rjust(w) if i in right else str(c).ljust(w) for i, (c, w) in enumerate(zip(r, widths)))
    return "\n".join([line(header), "  ".join("-" * w for w in widths), *map(line, rows)])


def _coef(c: Coefficient) -> str:
    return _f(c.value)


def _cohen_cell(fa: FacetAgreement) -> str:
    """One pair: its kappa; several: mean ± SD over the pairs that have one, and how many."""
    if len(fa.cohen) == 1:
        return _coef(fa.cohen[0].kappa)
    if fa.cohen_mean is None:
        return "n/a"
    return f"{_ms(fa.cohen_mean, fa.cohen_sd)} (n={fa.cohen_n_pairs})"


def facet_title(name: str) -> str:
    titles = {"span_label": "span label", "actor_link": "actor link", "claim_source": "claim source",
              "stance_polarity": "stance polarity"}
    if name in titles:
        return titles[name]
    return "document label " + name.split(":", 1)[1] if name.startswith("doc_label:") else name


# ----------------------------------------------------------------------------- text


def report_text(result: AgreementResult, *, max_documents: int = 20) -> str:
    """The default report: summary, span F1 (all / per label / per pair / worst documents) and
    the coefficients per facet with their unit counts. Undefined figures print as ``n/a`` with
    the reason below the table."""
    out: list[str] = []
    multi = sum(len(c) >= 2 for c in result.documents.values())
    out.append(f"Agreement of {len(result.annotators)} annotators ({', '.join(result.annotators)}) "
               f"on {len(result.documents)} documents ({multi} with two or more annotators)")
    out.append("Offsets are code points. F1 = 2|A∩B|/(|A|+|B|) per annotator pair; mean ± population SD "
               "over pairs (n = pairs with a figure).")
    ex, ov = result.span_f1["exact"], result.span_f1["overlap"]

    def cell(s: F1Summary | None) -> str:
        return "n/a" if s is None or s.mean is None else f"{_ms(s.mean, s.sd)} (n={s.n_pairs})"

    out.append("\nSpan F1")
    rows = [["all labels", cell(ex.total), cell(ov.total)]]
    rows += [[lbl, cell(ex.labels.get(lbl)), cell(ov.labels.get(lbl))] for lbl in sorted(set(ex.labels) | set(ov.labels))]
    out.append(_table(["label", "exact match", "overlap match"], rows))

    out.append("\nAnnotator pairs (|A∩B| / |A| / |B|)")
    rows = []
    for pe, po, info in zip(ex.total.pairs, ov.total.pairs, result.pairs):
        rows.append([f"{pe.a} – {pe.b}", str(info["shared_documents"]),
                     f"{_f(pe.f1)} ({pe.matched}/{pe.n_a}/{pe.n_b})", f"{_f(po.f1)} ({po.matched}/{po.n_a}/{po.n_b})"])
    out.append(_table(["pair", "shared docs", "exact F1", "overlap F1"], rows) if rows else "(fewer than two annotators)")
    no_shared = [f"{p['a']} – {p['b']}" for p in result.pairs if p["shared_documents"] == 0]
    if no_shared:
        out.append("No shared documents (no figure, not a perfect one): " + ", ".join(no_shared))

    docs = sorted(ov.documents.items(), key=lambda kv: (kv[1].mean if kv[1].mean is not None else 2.0, kv[0]))
    if docs:
        shown = docs[:max_documents]
        out.append(f"\nDocuments, lowest overlap F1 first ({len(shown)} of {len(docs)} compared)")
        out.append(_table(["document", "pairs", "exact F1", "overlap F1", "disagreements"],
                          [[d, str(len(s.pairs)), _f(ex.documents[d].mean), _f(s.mean), str(len(s.disagreements))]
                           for d, s in shown], right={1, 2, 3, 4}))

    out.append("\nMatched units: coefficients (units: on documents with ≥ 2 annotators; complete: marked by all "
               "of them; incomplete: by some; single: documents only one annotator has)")
    rows = []
    notes: list[str] = []
    for name, fa in result.facets.items():
        if fa.n_units == 0 and fa.n_single_coder == 0 and name not in FACETS:
            continue
        rows.append([facet_title(name), str(fa.n_units), str(fa.n_complete), str(fa.n_incomplete), str(fa.n_single_coder),
                     _cohen_cell(fa),
                     _coef(fa.fleiss), _coef(fa.alpha), _coef(fa.ac1), _coef(fa.agreement), str(len(fa.disagreements))])
        for label, c in (("Fleiss κ", fa.fleiss), ("α", fa.alpha), ("AC1", fa.ac1)):
            if c.value is None and fa.n_units:
                notes.append(f"{facet_title(name)}, {label}: {c.note}")
    out.append(_table(["facet", "units", "complete", "incomplete", "single", "Cohen κ", "Fleiss κ", "Kripp. α",
                       "Gwet AC1", "observed", "disagree"], rows, right=set(range(1, 11))))
    out.append("Cohen κ: one pair, or mean ± SD over the n pairs that have one; Fleiss κ on complete units; "
               "α on units coded by ≥ 2; AC1 with missing ratings.")
    if len(result.annotators) > 2:
        out.append("\nCohen κ per pair (units both marked; incomplete: marked by one of the two)")
        prow = []
        for name, fa in result.facets.items():
            for p in fa.cohen:
                if p.kappa.n_units or p.incomplete:
                    prow.append([facet_title(name), f"{p.a} – {p.b}", _coef(p.kappa), str(p.kappa.n_units), str(p.incomplete)])
        out.append(_table(["facet", "pair", "κ", "units", "incomplete"], prow, right={2, 3, 4}) if prow else "(none)")
    if notes:
        out.append("\nn/a: " + "; ".join(notes))
    return "\n".join(out) + "\n"


# ----------------------------------------------------------------------------- json


def report_json(result: AgreementResult, *, units: bool = True, indent: int | None = None) -> str:
    """``result.to_dict()`` as JSON (keys in docs/agreement.md); ``units=False`` leaves out the
    ``units`` table that the ``disagreements`` lists refer to."""
    with paused_gc():  # tens of thousands of small dicts that all stay alive until dumped
        return json.dumps(result.to_dict(units=units), ensure_ascii=False, indent=indent, sort_keys=False)


# ----------------------------------------------------------------------------- html


def _png(fig) -> str:
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
        for ax, mode in zip(axes, ("exact", "overlap")):
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
                    label = "—" if i == j else "n/a" if v != v else f"{v:.2f}"
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
            means = [s.labels[lbl].mean if lbl in s.labels and s.labels[lbl].mean is not None else 0 for lbl in labels]
            sds = [s.labels[lbl].sd if lbl in s.labels and s.labels[lbl].sd is not None else 0 for lbl in labels]
            ax.bar([i + (k - 0.5) * w for i in range(len(labels))], means, w, yerr=sds, capsize=3, label=mode)
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
        kinds = [("Cohen κ (mean)", lambda f: f.cohen_mean), ("Fleiss κ", lambda f: f.fleiss.value),
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


def describe_version(v: Any) -> str:
    """One annotator's version of a unit as a short plain-text line."""
    if isinstance(v, SpanAnn):
        return f"{v.label} {v.start}–{v.end}" + (f" → {v.link}" if v.link else "")
    if isinstance(v, ClaimAnn):
        src = v.source_kind or "unset"
        if v.source:
            src += f" {v.source}"
        if v.source_span:
            src += f" (span {v.source_span[0]}–{v.source_span[1]})"
        return f"claim {v.start}–{v.end}, source: {src}"
    if isinstance(v, StanceAnn):
        return f"{v.holder} → {v.target}: {v.polarity}"
    if isinstance(v, DocLabelAnn):
        return f"{v.key} = {json.dumps(v.value, ensure_ascii=False)}"
    return str(v)


def _units_table(result: AgreementResult, ids: list[str]) -> str:
    e = html.escape
    if not ids:
        return "<p class=muted>No disagreements.</p>"
    head = "".join(f"<th>{e(a)}</th>" for a in result.annotators)
    rows = []
    for uid in ids[:DRILL_LIMIT]:
        u: Unit = result.units[uid]
        cells = []
        for a in result.annotators:
            if a not in u.coders:
                cells.append("<td class=muted>(not this annotator's document)</td>")
            elif a in u.versions:
                cells.append(f"<td>{e(describe_version(u.versions[a]))}</td>")
            else:
                cells.append("<td class=missing>— not marked —</td>")
        text = ""
        if result.texts and u.doc in result.texts and u.end > u.start:
            snippet = result.texts[u.doc][u.start:u.end]
            text = e(snippet if len(snippet) <= 120 else snippet[:117] + "…")
        rows.append(f"<tr><td>{e(u.doc)}</td><td class=nowrap>{u.start}–{u.end}</td><td>{e(', '.join(u.differs()) or u.state)}</td>"
                    f"<td class=text>{text}</td>{''.join(cells)}</tr>")
    more = f"<p class=muted>… and {len(ids) - DRILL_LIMIT} more (all are in the JSON report).</p>" if len(ids) > DRILL_LIMIT else ""
    return (f"<table class=units><tr><th>document</th><th>offsets</th><th>differs</th><th>text</th>{head}</tr>"
            + "".join(rows) + "</table>" + more)


def _details(result: AgreementResult, title: str, ids: list[str]) -> str:
    return (f"<details><summary>{html.escape(title)}: {len(ids)} unit(s)</summary>"
            f"{_units_table(result, ids)}</details>")


CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;max-width:1200px;color:#222;padding:0 1em}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}.muted{color:#888}.missing{color:#b00}
td.text{max-width:24em;white-space:pre-wrap}.nowrap{white-space:nowrap}details{margin:.3em 0}summary{cursor:pointer}img{max-width:100%}
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
    for pe, po, info in zip(ex.total.pairs, ov.total.pairs, result.pairs):
        p.append(f"<tr><td>{e(pe.a)} – {e(pe.b)}</td><td class=num>{info['shared_documents']}</td>"
                 f"<td class=num>{_f(pe.f1)}</td><td class=num>{pe.matched}/{pe.n_a}/{pe.n_b}</td>"
                 f"<td class=num>{_f(po.f1)}</td><td class=num>{po.matched}/{po.n_a}/{po.n_b}</td></tr>")
    p.append("</table>")
    for pe in ov.total.pairs:
        p.append(_details(result, f"overlap-match disagreements {pe.a} – {pe.b}", pe.disagreements))

    p.append("<h2>Span F1 per label</h2>")
    if "labels" in charts:
        p.append(f"<img alt='span F1 per label' src='{charts['labels']}'>")
    p.append("<table><tr><th>label</th><th>exact (mean ± SD, pairs)</th><th>overlap (mean ± SD, pairs)</th></tr>")
    p.append(f"<tr><td><b>all labels</b></td><td class=num>{_ms(ex.total.mean, ex.total.sd)} ({ex.total.n_pairs})</td>"
             f"<td class=num>{_ms(ov.total.mean, ov.total.sd)} ({ov.total.n_pairs})</td></tr>")
    for lbl in sorted(set(ex.labels) | set(ov.labels)):
        a, b = ex.labels.get(lbl), ov.labels.get(lbl)
        p.append(f"<tr><td>{e(lbl)}</td><td class=num>{_ms(a.mean, a.sd) if a else 'n/a'} ({a.n_pairs if a else 0})</td>"
                 f"<td class=num>{_ms(b.mean, b.sd) if b else 'n/a'} ({b.n_pairs if b else 0})</td></tr>")
    p.append("</table>")
    for lbl, s in sorted(ov.labels.items()):
        p.append(_details(result, f"overlap-match disagreements on {lbl}", s.disagreements))

    p.append("<h2>Matched units: coefficients</h2>")
    if "facets" in charts:
        p.append(f"<img alt='coefficients per facet' src='{charts['facets']}'>")
    p.append("<p>units: on documents with two or more annotators; complete: marked by all of them; incomplete: by some "
             "(never dropped: counted here and listed below); single: on documents only one annotator has. Fleiss κ on "
             "complete units, Krippendorff α (nominal) on units coded by two or more, Gwet AC1 with missing ratings, "
             "Cohen κ per pair on units both marked.</p>")
    p.append("<table><tr><th>facet</th><th>units</th><th>complete</th><th>incomplete</th><th>single</th><th>Cohen κ</th>"
             "<th>Fleiss κ</th><th>Krippendorff α</th><th>Gwet AC1</th><th>observed</th></tr>")
    for name, fa in result.facets.items():
        ck = _cohen_cell(fa)
        p.append(f"<tr><td>{e(facet_title(name))}</td><td class=num>{fa.n_units}</td><td class=num>{fa.n_complete}</td>"
                 f"<td class=num>{fa.n_incomplete}</td><td class=num>{fa.n_single_coder}</td><td class=num>{ck}</td>"
                 f"<td class=num title='{e(fa.fleiss.note)}'>{_coef(fa.fleiss)}</td>"
                 f"<td class=num title='{e(fa.alpha.note)}'>{_coef(fa.alpha)}</td>"
                 f"<td class=num title='{e(fa.ac1.note)}'>{_coef(fa.ac1)}</td><td class=num>{_coef(fa.agreement)}</td></tr>")
    p.append("</table>")
    for name, fa in result.facets.items():
        if fa.disagreements:
            p.append(_details(result, f"{facet_title(name)}: units whose values differ", fa.disagreements))
        if fa.incomplete:
            p.append(_details(result, f"{facet_title(name)}: incomplete units", fa.incomplete))
    if len(result.annotators) > 2:
        p.append("<h3>Cohen κ per pair</h3><table><tr><th>facet</th><th>pair</th><th>κ</th><th>units</th><th>incomplete</th></tr>")
        for name, fa in result.facets.items():
            for c in fa.cohen:
                if c.kappa.n_units or c.incomplete:
                    p.append(f"<tr><td>{e(facet_title(name))}</td><td>{e(c.a)} – {e(c.b)}</td><td class=num>{_coef(c.kappa)}</td>"
                             f"<td class=num>{c.kappa.n_units}</td><td class=num>{c.incomplete}</td></tr>")
        p.append("</table>")

    p.append("<h2>Documents</h2>")
    if "documents" in charts:
        p.append(f"<img alt='lowest documents' src='{charts['documents']}'>")
    p.append("<table><tr><th>document</th><th>annotators</th><th>exact F1</th><th>overlap F1</th><th>disagreements</th></tr>")
    for d, coders in sorted(result.documents.items(),
                            key=lambda kv: (ov.documents[kv[0]].mean if kv[0] in ov.documents and ov.documents[kv[0]].mean is not None
                                            else 2.0, kv[0])):
        s_ex, s_ov = ex.documents.get(d), ov.documents.get(d)
        ids = s_ov.disagreements if s_ov else []
        drill = _details(result, "units", ids) if ids else ""
        p.append(f"<tr><td>{e(d)}</td><td>{e(', '.join(coders))}</td><td class=num>{_f(s_ex.mean) if s_ex else 'n/a'}</td>"
                 f"<td class=num>{_f(s_ov.mean) if s_ov else 'n/a'}</td><td>{drill}</td></tr>")
    p.append("</table></body></html>\n")
    return "".join(p)


def write_html(result: AgreementResult, path: str | os.PathLike, *, title: str = "Agreement report") -> Path:
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
