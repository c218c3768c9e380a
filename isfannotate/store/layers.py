"""Removing a layer's annotations of some documents inside an action (imports with --replace,
merges): every row logged in the change record, dependants first, so nothing is left to
ON DELETE CASCADE and undo puts everything back."""
from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .changes import Recorder


def clear_layer(rec: Recorder, document_ids: Sequence[str], layer: str, *, status: bool = False,
                spans: bool = True, keep_spans: Collection[str] = ()) -> None:
    """Delete *layer*'s spans, claims, stances, evidence, relations, document labels and their
    provenance in *document_ids* (and their status rows when *status*). *spans* False: the
    caller knows the project holds no span of *layer* (a merge whose bulk write dropped the
    spans' indexes, see ``merging.DeferredIndexes.may_hold``), so the spans and what hangs on
    them (claims, their provenance) are not searched: without the indexes each search would
    read every span. *keep_spans*: ids of spans left in place (a merge that writes them again
    exactly as they are); what hangs on them (claims, provenance) is deleted all the same."""
    if not document_ids:
        return
    d = json.dumps(list(document_ids))
    in_docs = "document_id IN (SELECT value FROM json_each(?)) AND layer=?"
    if spans:
        rec.delete_where("claims", f"span_id IN (SELECT id FROM spans WHERE {in_docs})", (d, layer))
    rec.delete_where("stance_evidence", f"stance_id IN (SELECT id FROM stances WHERE {in_docs})", (d, layer))
    if spans:
        rec.delete_where("provenance", f"item_id IN (SELECT id FROM spans WHERE {in_docs} "
                                       f"UNION SELECT id FROM stances WHERE {in_docs})", (d, layer, d, layer))
    else:
        rec.delete_where("provenance", f"item_id IN (SELECT id FROM stances WHERE {in_docs})", (d, layer))
    tables = ("stances", "relations", *(("spans",) if spans else ()), "doc_labels",
              *(("doc_status",) if status else ()))
    for table in tables:
        if table == "spans" and keep_spans:
            rec.delete_where(table, f"{in_docs} AND id NOT IN (SELECT value FROM json_each(?))",
                             (d, layer, json.dumps(list(keep_spans))))
        else:
            rec.delete_where(table, in_docs, (d, layer))
