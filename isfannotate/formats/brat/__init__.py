"""``brat``: standoff, ``<name>.txt`` + ``<name>.ann`` per document, plus ``annotation.conf``.

Offsets are code points (brat counts characters of the Python-decoded text). A span that
contains a line break is written as a discontinuous ``T`` line with one fragment per line
(``T1 CLAIM 10 20;21 30``), the text column holding the fragments joined by one space, as brat
itself does. What goes where:

- span -> ``T`` (label with whitespace replaced by ``_``);
- actor link -> ``N`` line ``Reference T1 isfannotate:<actor id>`` with the canonical name;
- span attributes -> ``A`` lines (``true`` booleans as binary attributes, other values with
  whitespace replaced by ``_``, lists joined by ``,``), except the text attribute ``note``
  (where the reader puts ``AnnotatorNotes``) -> one ``#N AnnotatorNotes`` line per line of it;
- relation -> ``R`` line; claim source span -> ``R`` ``source``; claim cue -> ``R`` ``cue``;
  claim quote type and source kind -> ``A`` ``Quote`` / ``Source_kind``; claim source actor ->
  ``N`` line with the database ``isfannotate_source``;
- stance -> an ``AnnotatorNotes`` line on each evidence span (human-readable, not structured).

Lost: document labels, provenance, actor types and aliases (the registry), targets except by
name in the stance note. File names are sanitised document ids (see ``file_names`` in the
manifest for the mapping).
"""
from __future__ import annotations

import re
from typing import Any

from isfannotate.formats.common import ExportContext, NameAllocator, actor_index

from .lines import _BREAK_RE

_WS = re.compile(r"\s+")


def scheme_names(scheme: dict[str, Any] | None, *keys: str) -> list[str]:
    """Names listed under the first of ``keys`` present in the scheme (e.g. ``span_labels``,
    then ``labels``), whether given as strings, dicts (``name``/``id``/``label``/``value``) or
    a mapping from name to properties. Empty when absent."""
    if not isinstance(scheme, dict):
        return []
    items = next((scheme[k] for k in keys if k in scheme), None)
    names: list[str] = []
    if isinstance(items, dict):
        names = [str(k) for k in items]
    elif isinstance(items, list):
        for item in items:
            if isinstance(item, str):
                names.append(item)
            elif isinstance(item, dict):
                for k in ("name", "id", "label", "value"):
                    if isinstance(item.get(k), str):
                        names.append(item[k])
                        break
    return names


NOTE_ATTR = "note"
"""The span attribute that holds brat ``AnnotatorNotes`` text (read and written as notes)."""


def brat_token(value: str) -> str:
    """A type, attribute value or normalisation id without whitespace (brat splits on it)."""
    return _WS.sub("_", value.strip()) or "_"


def one_line(value: str) -> str:
    return " ".join(_BREAK_RE.split(value)).replace("\t", " ")


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The pieces of ``[start, end)`` between line breaks (non-empty), in code points."""
    out = []
    a = start
    for m in _BREAK_RE.finditer(text, start, end):
        if m.start() > a:
            out.append((a, m.start()))
        a = m.end()
    if end > a:
        out.append((a, end))
    return out


def _attr_value(value: object) -> str | bool | None:
    if value is None or value is False:
        return None
    if value is True:
        return True
    if isinstance(value, list):
        return brat_token(",".join(str(v) for v in value)) if value else None
    return brat_token(str(value))


def write(ctx: ExportContext, docs: list[dict[str, Any]]) -> None:
    names = NameAllocator()
    mapping: dict[str, str] = {}
    entity_types: list[str] = [brat_token(n) for n in scheme_names(ctx.scheme, "span_labels", "labels")]
    relation_types: list[str] = [brat_token(n) for n in scheme_names(ctx.scheme, "relation_types", "relations")]
    attr_values: dict[str, set[Any]] = {}

    def note_type(bucket: list[str], value: str) -> None:
        if value not in bucket:
            bucket.append(value)

    for record in ctx.each(docs):
        stem = names.allocate(record["id"])
        mapping[record["id"]] = stem
        text = record["text"]
        actors = actor_index(record)
        lines: list[str] = []
        tid: dict[str, str] = {}
        n_a = n_n = n_r = n_note = 0

        # the helpers below run only within this record's iteration: its lines, actors and ids bound here
        def attr(name: str, target: str, value: object, lines: list[str] = lines) -> None:
            nonlocal n_a
            v = _attr_value(value)
            if v is None:
                return
            n_a += 1
            attr_values.setdefault(name, set()).add(v)
            lines.append(f"A{n_a}\t{name} {target}" + ("" if v is True else f" {v}"))

        def norm(
            target: str, db: str, actor_id: str, lines: list[str] = lines, actors: dict[str, Any] = actors
        ) -> None:
            nonlocal n_n
            n_n += 1
            name = actors.get(actor_id, {}).get("name", "")
            lines.append(f"N{n_n}\tReference {target} {db}:{brat_token(actor_id)}\t{one_line(name)}")

        for span in record["spans"]:
            frags = fragments(text, span["start"], span["end"])
            if not frags:
                ctx.warn(
                    f"{record['id']}: span {span['id']} [{span['start']},{span['end']}) "
                    f"{span['text']!r}: brat: only line breaks, left out"
                )
                continue
            label = brat_token(span["label"])
            note_type(entity_types, label)
            t = f"T{len(tid) + 1}"
            tid[span["id"]] = t
            where = ";".join(f"{a} {b}" for a, b in frags)
            lines.append(f"{t}\t{label} {where}\t{' '.join(text[a:b] for a, b in frags)}")
            if span.get("actor_id"):
                norm(t, "isfannotate", span["actor_id"])
            for key, value in sorted((span.get("attrs") or {}).items()):
                if key == NOTE_ATTR and isinstance(value, str):
                    # the reader's note text (brat AnnotatorNotes; several joined by line breaks)
                    # goes back as notes, free text, not as an attribute token
                    for note in value.split("\n"):
                        n_note += 1
                        lines.append(f"#{n_note}\tAnnotatorNotes {t}\t{one_line(note)}")
                    continue
                attr(brat_token(key), t, value)

        def rel(label: str, head: str, tail: str, lines: list[str] = lines, tid: dict[str, str] = tid) -> None:
            nonlocal n_r
            if head not in tid or tail not in tid:
                return
            n_r += 1
            note_type(relation_types, label)
            lines.append(f"R{n_r}\t{label} Arg1:{tid[head]} Arg2:{tid[tail]}\t")

        for r in record["relations"]:
            rel(brat_token(r["label"]), r["head"], r["tail"])
        for cl in record["claims"]:
            ct = tid.get(cl["span"])
            if ct is None:
                continue
            if cl.get("source_span"):
                rel("source", cl["span"], cl["source_span"])
            if cl.get("cue"):
                rel("cue", cl["span"], cl["cue"])
            attr("Source_kind", ct, cl.get("source_kind"))
            attr("Quote", ct, cl.get("quote"))
            if cl.get("source"):
                norm(ct, "isfannotate_source", cl["source"])
        targets = {x["id"]: x for x in record["targets"]}
        for st in record["stances"]:
            holder = actors.get(st.get("holder") or "", {}).get("name", st.get("holder"))
            target = targets.get(st.get("target") or "", {}).get("name", st.get("target"))
            note = f"stance {st.get('id')}: {holder} -> {target}: {st.get('polarity')}"
            if st.get("conditions"):
                note += f"; conditions: {st['conditions']}"
            for ev in st.get("evidence") or []:
                if ev in tid:
                    n_note += 1
                    lines.append(f"#{n_note}\tAnnotatorNotes {tid[ev]}\t{one_line(note)}")

        ctx.write_text(f"{stem}.txt", text)
        ctx.write_text(f"{stem}.ann", "".join(line + "\n" for line in lines))

    conf = ["[entities]", *entity_types, "", "[relations]"]
    conf += [f"{r}\tArg1:<ENTITY>, Arg2:<ENTITY>" for r in relation_types]
    conf += ["<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>", "", "[events]", "", "[attributes]"]
    for name in sorted(attr_values):
        values = attr_values[name]
        if values == {True}:
            conf.append(f"{name}\tArg:<ENTITY>")
        else:
            vals = sorted(str(v) if v is not True else "true" for v in values)
            conf.append(f"{name}\tArg:<ENTITY>, Value:{'|'.join(vals)}")
    ctx.write_text("annotation.conf", "\n".join(conf) + "\n")
    ctx.stats["names"] = mapping


from .read import read, read_conf  # noqa: E402,F401  (the reader half of this tool's module)

__all__ = ["write", "read", "read_conf", "fragments"]
