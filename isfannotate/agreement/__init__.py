"""Inter-annotator agreement as pure functions: no Qt, no SQLite, no project or storage import.

Build one :class:`Layer` per annotator (``Layer.from_records`` takes the project's read
models), call :func:`compute_agreement`, and render the result with :func:`report_text`,
:func:`report_json` or :func:`write_html`. Units and matching: ``units``; coefficients:
``measures``; αU: ``unitizing``; definitions and a worked example: docs/agreement.md.
"""
from typing import Any

from .compute import AgreementResult, F1Summary, PairF1, SpanF1, compute_agreement
from .facets import FacetAgreement, PairCoefficient
from .matching import match_pair
from .measures import (
    Coefficient,
    cohen_kappa,
    cohen_kappa_table,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha_nominal,
    mean_sd,
)
from .unitizing import UnitizingAlpha, UnitizingResult, UnitizingSummary, unitizing_alpha
from .units import ClaimAnn, DocLabelAnn, DocumentUnits, Layer, SpanAnn, StanceAnn, Unit, align_spans, build_units

__all__ = [
    "AgreementResult", "ClaimAnn", "Coefficient", "DocLabelAnn", "DocumentUnits", "F1Summary", "FacetAgreement",
    "Layer", "PairCoefficient", "PairF1", "SpanAnn", "SpanF1", "StanceAnn", "Unit", "align_spans", "build_units",
    "cohen_kappa", "cohen_kappa_table", "compute_agreement", "fleiss_kappa", "gwet_ac1",
    "krippendorff_alpha_nominal", "match_pair", "mean_sd", "report_json", "report_text", "unitizing_alpha",
    "UnitizingAlpha", "UnitizingResult", "UnitizingSummary", "write_html",
]


def __getattr__(name: str) -> Any:
    # report.py stays out of the import until a report is asked for
    if name in ("report_text", "report_json"):
        from . import report
        return getattr(report, name)
    if name in ("write_html", "render_html"):
        from . import report_html
        return getattr(report_html, name)
    raise AttributeError(name)
