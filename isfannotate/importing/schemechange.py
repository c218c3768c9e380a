"""Labels that an import brings and the scheme lacks: listed (refused) by default, added with
``--add-labels`` — inside the import's own action, so an import that fails adds nothing."""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..errors import IsfError
from ..scheme import LABEL_NAME_RULE, DocLabelDef, RelationType, Scheme, SpanLabel, is_label_name

if TYPE_CHECKING:
    from ..store.base import ProjectBase
    from ..store.changes import Recorder

# Okabe–Ito, in the order new labels take them (colour-blind safe; docs/architecture.md)
_COLOURS = ["#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#E69F00", "#999999"]


def missing_labels(scheme: Scheme, spans: Iterable[str], relations: Iterable[str],
                   doc_labels: Iterable[str]) -> dict[str, list[str]]:
    have_spans = {lab.name for lab in scheme.span_labels}
    have_rel = {r.name for r in scheme.relation_types}
    have_doc = {d.name for d in scheme.doc_labels}
    return {"span labels": sorted(set(spans) - have_spans), "relations": sorted(set(relations) - have_rel),
            "document labels": sorted(set(doc_labels) - have_doc)}


def describe(missing: dict[str, list[str]]) -> str:
    return "; ".join(f"{k}: {', '.join(v)}" for k, v in missing.items() if v)


def extended_scheme(scheme: Scheme, missing: dict[str, list[str]], *, add: bool, source: str) -> Scheme:
    """*scheme* plus the *missing* labels (generic role, a palette colour, no key), or an
    IsfError listing them when not *add*."""
    if not any(missing.values()):
        return scheme
    if not add:
        raise IsfError(f"{source}: labels that are not in the project's scheme: {describe(missing)}; "
                       "add them with --add-labels (or change the scheme first)")
    bad = [n for n in missing["span labels"] if not is_label_name(n)]
    bad += [n for n in missing["relations"] + missing["document labels"] if not n.strip()]
    if bad:
        raise IsfError(f"{source}: {', '.join(repr(b) for b in bad)} cannot be a label name of the scheme "
                       f"({LABEL_NAME_RULE}; relation and document labels: not empty)")
    n = len(scheme.span_labels)
    spans = [*scheme.span_labels, *(SpanLabel(name=name, color=_COLOURS[(n + i) % len(_COLOURS)],
                                              description=f"added by an import from {source}")
                                    for i, name in enumerate(missing["span labels"]))]
    rels = [*scheme.relation_types, *(RelationType(name=name) for name in missing["relations"])]
    docs = [*scheme.doc_labels, *(DocLabelDef(name=name, type="text") for name in missing["document labels"])]
    return scheme.model_copy(update={"span_labels": spans, "relation_types": rels, "doc_labels": docs})


def write_scheme(project: ProjectBase, rec: Recorder, scheme: Scheme) -> None:
    """Store *scheme* in the open action (undone with it) and make the project use it."""
    rec.update("project_info", ("scheme",), {"value": scheme.model_dump_json()})
    project.invalidate()   # read again from the row just written (and again after a rollback)


def added_names(missing: dict[str, list[str]]) -> list[str]:
    return [f"{kind[:-1]} {name}" for kind, names in missing.items() for name in names]


__all__ = ["missing_labels", "extended_scheme", "write_scheme", "describe", "added_names"]
