"""Agreement reports: readable text tables, documented JSON, and a self-contained HTML file.

``report_text(result)`` and ``report_json(result)`` return strings; ``write_html(result, path)``
writes one HTML file whose charts are PNGs drawn with matplotlib (Agg, no pyplot, no global
backend change) and inlined as base64 ``data:`` URIs: nothing is fetched when it is opened, and
matplotlib is imported only here, only when HTML is asked for. All text from the data
(annotator names, labels, document ids, covered text) is HTML-escaped.
The JSON keys are listed in docs/agreement.md.
"""
from __future__ import annotations

import json
from collections.abc import Sequence

from ..gcpause import paused_gc
from .compute import FACETS, AgreementResult, F1Summary
from .describe import describe_version, unit_range, unit_sentence, unit_text
from .facets import FacetAgreement
from .measures import Coefficient
from .units import Unit

DRILL_LIMIT = 200  # disagreement units listed per figure in the HTML (the JSON has them all)
TEXT_UNITS = 100   # units listed per disagreement list in the text report by default (None: all)


def _f(x: float | None, digits: int = 3) -> str:
    return "n/a" if x is None else f"{x:.{digits}f}"


def _ms(mean: float | None, sd: float | None) -> str:
    return "n/a" if mean is None else f"{mean:.3f} ± {sd:.3f}"


def _table(header: list[str], rows: list[list[str]], right: set[int] | None = None) -> str:
    right = right if right is not None else set(range(1, len(header)))
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(r: Sequence[object]) -> str:
        return "  ".join(
            str(c).rjust(w) if i in right else str(c).ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )

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


def report_text(result: AgreementResult, *, max_documents: int = 20, max_units: int | None = TEXT_UNITS) -> str:
    """The default report: summary, span F1 (all / per label / per pair / worst documents), αU,
    the coefficients per facet with their unit counts, then every disagreement list unit by unit
    (at most ``max_units`` units per list; None: all). Undefined figures print as ``n/a`` with
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
    rows += [
        [lbl, cell(ex.labels.get(lbl)), cell(ov.labels.get(lbl))] for lbl in sorted(set(ex.labels) | set(ov.labels))
    ]
    out.append(_table(["label", "exact match", "overlap match"], rows))

    out.append("\nAnnotator pairs (|A∩B| / |A| / |B|)")
    rows = []
    for pe, po, info in zip(ex.total.pairs, ov.total.pairs, result.pairs, strict=True):
        rows.append([f"{pe.a} – {pe.b}", str(info["shared_documents"]),
                     f"{_f(pe.f1)} ({pe.matched}/{pe.n_a}/{pe.n_b})", f"{_f(po.f1)} ({po.matched}/{po.n_a}/{po.n_b})"])
    out.append(
        _table(["pair", "shared docs", "exact F1", "overlap F1"], rows) if rows else "(fewer than two annotators)"
    )
    no_shared = [f"{p['a']} – {p['b']}" for p in result.pairs if p["shared_documents"] == 0]
    if no_shared:
        out.append("No shared documents (no figure, not a perfect one): " + ", ".join(no_shared))

    docs = sorted(ov.documents.items(), key=lambda kv: (kv[1].mean if kv[1].mean is not None else 2.0, kv[0]))
    if docs:
        shown = docs[:max_documents]
        out.append(f"\nDocuments, lowest overlap F1 first ({len(shown)} of {len(docs)} compared; disagreements: "
                   "units behind the F1 of that mode)")
        out.append(_table(["document", "pairs", "exact F1", "exact: disagreements", "overlap F1",
                           "overlap: disagreements"],
                          [[d, str(len(s.pairs)), _f(ex.documents[d].mean), str(len(ex.documents[d].disagreements)),
                            _f(s.mean), str(len(s.disagreements))]
                           for d, s in shown], right={1, 2, 3, 4, 5}))

    out.extend(_unitizing_text(result))
    out.append("\nMatched units (aligned as one unit per overlap, docs/agreement.md): coefficients (units: on "
               "documents with ≥ 2 annotators; complete: marked by all of them; incomplete: by some; single: "
               "documents only one annotator has; differ: units whose values differ)")
    rows = []
    notes: list[str] = []
    for name, fa in result.facets.items():
        if fa.n_units == 0 and fa.n_single_coder == 0 and name not in FACETS:
            continue
        rows.append(
            [
                facet_title(name),
                str(fa.n_units),
                str(fa.n_complete),
                str(fa.n_incomplete),
                str(fa.n_single_coder),
                _cohen_cell(fa),
                _coef(fa.fleiss),
                _coef(fa.alpha),
                _coef(fa.ac1),
                _coef(fa.agreement),
                str(len(fa.disagreements)),
            ]
        )
        for label, c in (("Fleiss κ", fa.fleiss), ("α", fa.alpha), ("AC1", fa.ac1)):
            if c.value is None and fa.n_units:
                notes.append(f"{facet_title(name)}, {label}: {c.note}")
    out.append(_table(["facet", "units", "complete", "incomplete", "single", "Cohen κ", "Fleiss κ", "Kripp. α",
                       "Gwet AC1", "observed", "differ"], rows, right=set(range(1, 11))))
    out.append("Cohen κ: one pair, or mean ± SD over the n pairs that have one; Fleiss κ on complete units; "
               "α on units coded by ≥ 2; AC1 with missing ratings.")
    if len(result.annotators) > 2:
        out.append("\nCohen κ per pair (units both marked; incomplete: marked by one of the two)")
        prow = []
        for name, fa in result.facets.items():
            for p in fa.cohen:
                if p.kappa.n_units or p.incomplete:
                    prow.append(
                        [facet_title(name), f"{p.a} – {p.b}", _coef(p.kappa), str(p.kappa.n_units), str(p.incomplete)]
                    )
        out.append(_table(["facet", "pair", "κ", "units", "incomplete"], prow, right={2, 3, 4}) if prow else "(none)")
    if notes:
        out.append("\nn/a: " + "; ".join(notes))
    out.extend(_disagreements_text(result, max_units))
    return "\n".join(out) + "\n"


def _unitizing_text(result: AgreementResult) -> list[str]:
    u = result.unitizing
    out = ["\nKrippendorff's αU (spans, unitizing: where the units are and what they are; each pair on its "
           "shared documents laid end to end; mean ± population SD over pairs)"]
    if u is None or not u.pairs:
        out.append(f"(no figure: {u.note if u is not None and u.note else 'fewer than two annotators'})")
        return out
    m, sd, n = u.mean_sd()
    rows = [["all labels", "n/a" if m is None else f"{_ms(m, sd)} (n={n})"]]
    for lbl in u.labels:
        lm, lsd, ln = u.mean_sd(lbl)
        rows.append([lbl, "n/a" if lm is None else f"{_ms(lm, lsd)} (n={ln})"])
    out.append(_table(["label", "αU"], rows))
    if len(u.pairs) > 1:
        out.append(_table(["pair", "documents", "αU", "D_o", "D_e"],
                          [[f"{p.a} – {p.b}", str(p.documents), _f(p.overall.value), _f(p.overall.d_o, 5),
                            _f(p.overall.d_e, 5)] for p in u.pairs], right={1, 2, 3, 4}))
    merged = sum(p.overall.merged for p in u.pairs)
    if merged:
        out.append(f"({merged} overlapping spans of one label by one annotator were merged into their union for αU)")
    return out


def disagreement_lists(result: AgreementResult) -> list[tuple[str, str, list[str]]]:
    """Every list of disagreements in the reports, in report order, as (key, title, unit ids):
    span F1 exact match, span F1 overlap match, then per facet the units whose values differ
    and the incomplete units. The text, JSON and HTML reports all list these."""
    ex, ov = result.span_f1["exact"], result.span_f1["overlap"]
    out = [("span_f1:exact", "Spans, exact match (same label, start and end): units behind the exact F1",
            ex.total.disagreements),
           ("span_f1:overlap", "Spans, overlap match (same label, overlapping): units behind the overlap F1",
            ov.total.disagreements)]
    for name, fa in result.facets.items():
        if fa.disagreements:
            out.append((f"{name}:differ", f"{facet_title(name)} (matched units): values differ", fa.disagreements))
        if fa.incomplete:
            out.append((f"{name}:incomplete", f"{facet_title(name)} (matched units): marked by some annotators only",
                        fa.incomplete))
    return out


def unit_lines(result: AgreementResult, u: Unit, indent: str = "  ") -> list[str]:
    """A unit in plain text: where it is, what differs, its text, then one line per annotator."""
    text = result.texts.get(u.doc) if result.texts else None
    rng = unit_range(u)
    where = f"{rng[0]}–{rng[1]}" if rng else u.kind.replace("_", " ")
    head = f"{indent}{u.doc}  {where}  [{', '.join(u.differs()) or u.state}]"
    t = unit_text(u, text)
    if t is not None and u.kind in ("span", "claim"):
        head += f'  "{_clip(t)}"'
    lines = [head]
    if t is not None and u.kind == "stance":
        lines.append(f'{indent}    evidence: "{_clip(t, 200)}"')
    sentence = unit_sentence(u, text)
    if sentence is not None:
        lines.append(f"{indent}    sentence: {_clip(sentence, 200)}")
    width = max((len(a) for a in u.coders), default=0)
    for a in u.coders:
        v = u.versions.get(a)
        lines.append(f"{indent}    {a.ljust(width)}  " + (describe_version(v, result.names, text) if v is not None
                                                          else "— not marked —"))
    return lines


def _clip(s: str, n: int = 80) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[:n - 1] + "…"


def _disagreements_text(result: AgreementResult, max_units: int | None) -> list[str]:
    out = ["\nDisagreements, unit by unit (every list; the JSON report has the same lists under span_f1 and facets)"]
    for _key, title, ids in disagreement_lists(result):
        out.append(f"\n{title}: {len(ids)} unit(s)")
        shown = ids if max_units is None else ids[:max_units]
        for uid in shown:
            out.extend(unit_lines(result, result.units[uid]))
        if len(shown) < len(ids):
            out.append(f"  … and {len(ids) - len(shown)} more (all: --units 0, or --json)")
    return out


# ----------------------------------------------------------------------------- json


def report_json(result: AgreementResult, *, units: bool = True, indent: int | None = None) -> str:
    """``result.to_dict()`` as JSON (keys in docs/agreement.md); ``units=False`` leaves out the
    ``units`` table that the ``disagreements`` lists refer to."""
    with paused_gc():  # tens of thousands of small dicts that all stay alive until dumped
        return json.dumps(result.to_dict(units=units), ensure_ascii=False, indent=indent, sort_keys=False)


