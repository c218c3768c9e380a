"""Worked examples under the guidelines (Guide tab): units the lead decided and added to the
guidelines, grouped under their label, each with the text, every annotator's version, the
decision and the note.

Shown as plain text, never markdown or rich text: the examples quote article text
(invariant 7). A read-only ``QPlainTextEdit`` builds its layout lazily, so a long list stays
cheap. UI thread only.
"""
from __future__ import annotations

import json

from PySide6.QtWidgets import QPlainTextEdit, QWidget


def _decoded(raw) -> dict:
    """A stored JSON field, decoded (the core may hand it over decoded already)."""
    if isinstance(raw, dict):
        return raw
    try:
        out = json.loads(raw)
    except (TypeError, ValueError):
        return {}
    return out if isinstance(out, dict) else {}


def _versions(raw) -> list[str]:
    versions = _decoded(raw)
    out = []
    for who, v in versions.items():
        if not isinstance(v, dict):
            continue
        parts = [str(v[k]) for k in ("label", "polarity", "value", "source_kind") if v.get(k)]
        if "start" in v and "end" in v:
            parts.append(f"{v['start']}–{v['end']}")
        for k in ("link", "source", "holder", "target", "conditions", "quote", "modality"):
            if v.get(k):
                parts.append(f"{k} {v[k]}")
        out.append(f"    {who}: {', '.join(parts)}")
    return out


def examples_text(rows: list[dict]) -> str:
    """The examples as plain text, under their labels in label order."""
    if not rows:
        return ""
    lines = ["Worked examples from review"]
    label = None
    for r in sorted(rows, key=lambda r: (r["label"], r["created_at"])):
        if r["label"] != label:
            label = r["label"]
            lines += ["", f"{label}", "-" * len(label)]
        d = _decoded(r["decision"])
        decision = d.get("decision", "?") + (f" ({d['chosen']}'s version)" if d.get("chosen") else "")
        quoted = f"“{r['text']}”" if r.get("text") else "(no text span: a stance or document label)"
        lines.append(f"• {quoted}  [{r.get('document_id') or ''}]")
        lines += _versions(r["versions"])
        lines.append(f"    decided: {decision}" + (f" by {d['decided_by']}" if d.get("decided_by") else ""))
        if r.get("note"):
            lines.append(f"    note: {r['note']}")
    return "\n".join(lines)


class GuideExamples(QPlainTextEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("guideExamples")
        self.setReadOnly(True)
        self.hide()

    def set_examples(self, rows: list[dict]) -> None:
        text = examples_text(rows)
        self.setPlainText(text)
        self.setVisible(bool(text))
