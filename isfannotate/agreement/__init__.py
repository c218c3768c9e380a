"""Inter-annotator agreement as pure functions: no Qt, no SQLite, no project or storage import.

Build one :class:`Layer` per annotator (``Layer.from_records`` takes the project's read
models), call :func:`compute_agreement`, and render the result with :func:`report_text`,
:func:`report_json` or :func:`write_html`. Units and matching: ``units``; coefficients:
``measures``; αU: ``unitizing``; definitions and a worked example: docs/agreement.md.

The names below load their module on first use: the review queue, which needs only the
alignment (``units``, ``alignment``), does not import the coefficients and reports.
"""
from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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
    from .report import report_json, report_text
    from .report_html import write_html
    from .unitizing import UnitizingAlpha, UnitizingResult, UnitizingSummary, unitizing_alpha
    from .units import ClaimAnn, DocLabelAnn, DocumentUnits, Layer, SpanAnn, StanceAnn, Unit, align_spans, build_units

_HOME = {
    "compute": ("AgreementResult", "F1Summary", "PairF1", "SpanF1", "compute_agreement"),
    "facets": ("FacetAgreement", "PairCoefficient"),
    "matching": ("match_pair",),
    "measures": ("Coefficient", "cohen_kappa", "cohen_kappa_table", "fleiss_kappa", "gwet_ac1",
                 "krippendorff_alpha_nominal", "mean_sd"),
    "report": ("report_json", "report_text"),
    "report_html": ("write_html", "render_html"),
    "unitizing": ("UnitizingAlpha", "UnitizingResult", "UnitizingSummary", "unitizing_alpha"),
    "units": ("ClaimAnn", "DocLabelAnn", "DocumentUnits", "Layer", "SpanAnn", "StanceAnn", "Unit", "align_spans",
              "build_units"),
}
_MODULE_OF = {name: module for module, names in _HOME.items() for name in names}

__all__ = [
    "AgreementResult", "ClaimAnn", "Coefficient", "DocLabelAnn", "DocumentUnits", "F1Summary", "FacetAgreement",
    "Layer", "PairCoefficient", "PairF1", "SpanAnn", "SpanF1", "StanceAnn", "Unit", "align_spans", "build_units",
    "cohen_kappa", "cohen_kappa_table", "compute_agreement", "fleiss_kappa", "gwet_ac1",
    "krippendorff_alpha_nominal", "match_pair", "mean_sd", "report_json", "report_text", "unitizing_alpha",
    "UnitizingAlpha", "UnitizingResult", "UnitizingSummary", "write_html",
]


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value      # (looked up once)
    return value
