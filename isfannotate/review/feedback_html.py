"""Feedback as one self-contained HTML page per annotator: inline CSS, no script, no external
asset; every piece of text from the project (names, labels, document text, notes) is escaped.
Units where gold differs from the annotator come first, each with the sentence, their version,
gold's version and the lead's note; the units where they matched gold follow, folded."""
from __future__ import annotations

import html
import os
import re
from collections.abc import Iterable
from pathlib import Path

from .feedback import Feedback, FeedbackItem, where

CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;
     margin:2em auto;max-width:980px;color:#222;padding:0 1em}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.8em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5em 0}
td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}
.unit{border:1px solid #ddd;border-left:4px solid #c0392b;border-radius:4px;padding:.5em .8em;margin:.7em 0}
.unit.same{border-left-color:#27ae60}.where{color:#666;font-size:.9em}
.sentence{background:#fafafa;padding:.3em .5em;margin:.3em 0;font-style:italic}
table.v{border:none;margin:.2em 0}table.v td{border:none;padding:1px 8px 1px 0}td.k{color:#666;width:4.5em}
.yours{color:#8e2c1f}.gold{color:#1d6b3c}.note{background:#fff8dc;padding:.1em .3em}
details{margin:.4em 0}summary{cursor:pointer}.muted{color:#888}
"""


def _unit_html(i: FeedbackItem) -> str:
    e = html.escape
    cls = "unit same" if i.taken else "unit"
    parts = [f"<div class='{cls}'><div class=where>{e(i.unit.doc)} · {e(where(i))} · {e(i.decision)}"
             f"{' · same as gold' if i.taken else ' · gold differs from yours'}</div>"]
    if i.sentence:
        parts.append(f"<div class=sentence>{e(i.sentence)}</div>")
    parts.append("<table class=v>")
    parts.append(f"<tr><td class=k>yours</td><td class=yours>{e(i.mine_shown)}</td></tr>")
    parts.append(f"<tr><td class=k>gold</td><td class=gold>{e(i.gold_shown)}</td></tr>")
    if i.note:
        parts.append(f"<tr><td class=k>note</td><td><span class=note>{e(i.note)}</span></td></tr>")
    parts.append("</table></div>")
    return "".join(parts)


def render_feedback_html(fb: Feedback, *, project_name: str = "") -> str:
    """The page for one annotator, as a string."""
    e = html.escape
    items = fb.items
    diff = [i for i in items if not i.taken]
    same = [i for i in items if i.taken]
    title = f"Feedback for {fb.annotator}" + (f" — {project_name}" if project_name else "")
    p = [f"<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>{e(title)}</title><style>{CSS}</style>"
         f"</head><body><h1>{e(title)}</h1>",
         f"<p>{len(items)} decided unit(s) on your documents; gold differs from your version in {len(diff)}. "
         "Each unit shows the sentence, your version, gold's version and the lead's note.</p>",
         "<h2>Agreement with gold per label (span F1)</h2>"]
    if fb.per_label:
        p.append("<table><tr><th>label</th><th>exact match</th><th>overlap match</th><th>your spans</th></tr>")
        for label, f in sorted(fb.per_label.items()):
            ex = "—" if f["exact"] is None else f"{f['exact']:.3f}"
            ov = "—" if f["overlap"] is None else f"{f['overlap']:.3f}"
            p.append(f"<tr><td>{e(label)}</td><td class=num>{ex}</td><td class=num>{ov}</td>"
                     f"<td class=num>{f['n']}</td></tr>")
        p.append("</table>")
    else:
        p.append("<p class=muted>Gold has no decided document of yours yet.</p>")
    p.append(f"<h2>Where gold differs from you ({len(diff)})</h2>")
    p.extend(_unit_html(i) for i in diff)
    if not diff:
        p.append("<p class=muted>None.</p>")
    p.append(f"<h2>Where gold took your version ({len(same)})</h2>")
    if same:
        p.append(f"<details><summary>show the {len(same)} unit(s)</summary>"
                 f"{''.join(_unit_html(i) for i in same)}</details>")
    else:
        p.append("<p class=muted>None.</p>")
    p.append("</body></html>\n")
    return "".join(p)


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_feedback_html(fb: Feedback, path: str | os.PathLike[str], *, project_name: str = "") -> Path:
    """Write one annotator's page to ``path`` (written to ``path.part`` and renamed)."""
    out = Path(path)
    _write(out, render_feedback_html(fb, project_name=project_name))
    return out


def file_name(annotator: str, taken: set[str]) -> str:
    """``feedback-<annotator>.html`` with the name made safe for any file system (unique in ``taken``)."""
    safe = re.sub(r"[^\w.-]+", "_", annotator, flags=re.UNICODE).strip("._") or "annotator"
    name, k = f"feedback-{safe}.html", 2
    while name.lower() in taken:
        name, k = f"feedback-{safe}-{k}.html", k + 1
    taken.add(name.lower())
    return name


def write_feedback_pages(feedbacks: Iterable[Feedback], directory: str | os.PathLike[str], *,
                         project_name: str = "") -> list[Path]:
    """One page per annotator in ``directory`` (created if needed); the paths written."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    taken: set[str] = set()
    out = []
    for fb in feedbacks:
        path = d / file_name(fb.annotator, taken)
        _write(path, render_feedback_html(fb, project_name=project_name))
        out.append(path)
    return out
