"""``webanno-tsv3``: WebAnno / INCEpTION TSV 3.x (reading only; we do not write it).

One file is one document. Headers name the layers (``#T_SP=`` span layers, ``#T_RL=``
relation layers with their ``BT_<base layer>`` column, ``#T_CH=`` chains); every ``#Text=``
line is a sentence; every row is a token (``1-2``) or a sub-token (``1-2.1``) with its offsets,
its text, then one column per layer feature. Offsets are UTF-16 code units (Java): the text
is rebuilt from the sentences at their offsets, every token text is checked against it, and
every offset is converted to code points (``isfannotate.utf16``).

What becomes what:
- a span layer value (``PERSON``, ``PERSON[1]`` over several rows, stacked
  ``PERSON[1]|LOCATION[2]``) -> a span; its label is the ``value`` feature (else the layer's
  first feature); other features -> attributes; ``*`` (no feature value) -> the layer's short
  name, counted as converted; zero-length spans (``7-7``) are skipped and counted;
- a relation layer value -> a relation from the span at the address in the ``BT_`` column
  (``1-1[1_2]``: token 1-1, source span id 1, target span id 2) to the span at the row;
  relations whose base layer is the token layer (no spans) are skipped and counted;
- chain layers (coreference) are skipped, every mention (chain link) counted.
An INCEpTION project export ``annotation/<document>/<user>.tsv`` gives document id
``<document>`` (extension dropped) and annotator ``<user>``; otherwise id = file stem.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from isfannotate.errors import InputError
from isfannotate.formats.parsed import (
    IMPORTED,
    ParsedCollection,
    ParsedDocument,
    ParsedRelation,
    ParsedSpan,
    SourceText,
    expand_paths,
    read_text_file,
)
from isfannotate.utf16 import Utf16Map, utf16_length

_ROW = re.compile(r"(\d+)-(\d+)(?:\.(\d+))?")
_OFFSETS = re.compile(r"(\d+)-(\d+)")
_VALUE = re.compile(r"(.*?)(?:\[(\d+)\])?", re.S)


def _value(item: str) -> re.Match[str]:
    """``value[id]`` of a cell item (the pattern matches any text, so always a match)."""
    m = _VALUE.fullmatch(item)
    assert m is not None
    return m
_BT = re.compile(r"(\d+-\d+(?:\.\d+)?)(?:\[(\d+)_(\d+)\])?")
_LINK = re.compile(r".*->(\d+-\d+)", re.S)
_ESCAPES = {"t": "\t", "n": "\n", "r": "\r"}
_UNESCAPE = re.compile(r"\\(.)", re.S)


def unescape(value: str) -> str:
    """TSV3 backslash escapes (``\\|``, ``\\[``, ``\\_``, ``\\t`` ...) -> the characters."""
    if "\\" not in value:
        return value
    return _UNESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(1)), value)


def split_stack(cell: str) -> list[str]:
    """Stacked values ``A[1]|B[2]`` -> ``["A[1]", "B[2]"]`` (``\\|`` does not split)."""
    return [p for p in re.split(r"(?<!\\)\|", cell)]


def short_name(layer: str) -> str:
    return layer.rsplit(".", 1)[-1]


NAMED_ENTITY = "de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity"


def read(paths: Sequence[str | Path], *, layer: str | None = None) -> ParsedCollection:
    """Read WebAnno/INCEpTION TSV3 files (files, or folders searched for ``*.tsv``).

    One span layer is read: ``layer`` (its full name, its short name ``NamedEntity``, or a
    dotted tail such as ``pos.POS``), by default the named-entity layer; the spans of every
    other layer, and relations over them, are skipped and counted per layer.
    """
    coll = ParsedCollection("webanno-tsv3")
    for path in expand_paths(paths, (".tsv",)):
        doc, chosen = _read_file(path, coll.counts, layer)
        coll.documents.append(doc)
        if chosen is not None:
            coll.notes.append(f"{path}: read the span layer {chosen}")
    return coll


def pick_layer(where: str, span_layers: list[str], wanted: str | None) -> str | None:
    """The span layer to read: ``wanted`` matched by full name, dotted tail or short name, else the
    named-entity layer; None when the file has no span layer at all (nothing to choose)."""
    if not span_layers:
        if wanted is not None:
            raise InputError(where, f"webanno-tsv3: no span layer {wanted!r}; this file has no span layer", None)
        return None
    listing = ", ".join(span_layers)
    if wanted is None:
        if NAMED_ENTITY in span_layers:
            return NAMED_ENTITY
        raise InputError(where, f"webanno-tsv3: no named-entity layer; this file has the span layers {listing}: "
                         "choose one with --webanno-layer LAYER", None)
    hits = [lay for lay in span_layers if lay == wanted or lay.endswith("." + wanted)]
    if len(hits) == 1:
        return hits[0]
    if not hits:
        raise InputError(where, f"webanno-tsv3: no span layer {wanted!r}; this file has {listing}", None)
    raise InputError(where, f"webanno-tsv3: {wanted!r} names {len(hits)} layers ({', '.join(hits)}); "
                     "give more of the name", None)


def _ids(path: Path) -> tuple[str, str | None]:
    if path.parent.parent.name in ("annotation", "curation"):
        doc = path.parent.name
        return (doc.rsplit(".", 1)[0] if "." in doc else doc), path.stem
    return path.stem, None


def _read_file(path: Path, counts: Counter[Any], wanted: str | None) -> tuple[ParsedDocument, str | None]:
    where = str(path)
    raw = read_text_file(path)
    raw = raw[1:] if raw.startswith("\ufeff") else raw
    lines = raw.split("\n")
    if not lines or not lines[0].startswith("#FORMAT=WebAnno TSV 3"):
        raise InputError(where, "webanno-tsv3: the first line must be #FORMAT=WebAnno TSV 3.x", 1)
    # -- headers: columns after the three base columns
    columns: list[tuple[str, str, str]] = []  # (kind SP/RL/CH, layer, feature)
    sentences: list[tuple[str, int]] = []  # (text, line)
    rows: list[tuple[int, list[str]]] = []
    for lineno, ln in enumerate(lines, 1):
        ln = ln.rstrip("\r")
        if lineno == 1 or not ln:
            continue
        if ln.startswith("#T_"):
            kind, _, spec = ln[3:].partition("=")
            if kind not in ("SP", "RL", "CH"):
                raise InputError(where, f"webanno-tsv3: unknown layer kind #T_{kind}", lineno)
            layer, *features = spec.split("|")
            for f in features or ([""] if kind == "SP" else []):
                columns.append((kind, layer, f))
            if kind == "RL" and not (features and features[-1].startswith("BT_")):
                raise InputError(where, "webanno-tsv3: a relation layer must end with its BT_ column", lineno)
        elif ln.startswith("#Text="):
            text = unescape(ln[6:])
            if sentences and (not rows or rows[-1][0] < sentences[-1][1]):
                # several #Text lines for one sentence: it contains line breaks
                sentences[-1] = (sentences[-1][0] + "\n" + text, sentences[-1][1])
            else:
                sentences.append((text, lineno))
        elif ln.startswith("#"):
            continue
        else:
            cells = ln.split("\t")
            if cells and cells[-1] == "":
                cells.pop()  # every row ends with a TAB
            if len(cells) != 3 + len(columns):
                raise InputError(where, f"webanno-tsv3: {len(cells)} columns where the headers make "
                                 f"{3 + len(columns)}", lineno)
            rows.append((lineno, cells))
    # -- the text: sentences at the UTF-16 offset of their first token
    first_row: dict[int, int] = {}
    for idx, (lineno, cells) in enumerate(rows):
        m = _ROW.fullmatch(cells[0])
        if not m:
            raise InputError(where, f"webanno-tsv3: bad token id {cells[0]!r}", lineno)
        first_row.setdefault(int(m.group(1)), idx)
    parts: list[str] = []
    pos16 = 0
    for n, (stext, sline) in enumerate(sentences, 1):
        if n not in first_row:
            raise InputError(where, f"webanno-tsv3: sentence {n} has no tokens", sline)
        om = _OFFSETS.fullmatch(rows[first_row[n]][1][1])
        if not om:
            raise InputError(where, "webanno-tsv3: bad offsets", rows[first_row[n]][0])
        start16 = int(om.group(1))
        if start16 < pos16:
            raise InputError(where, f"webanno-tsv3: sentence {n} starts at {start16}, inside the previous one",
                             sline)
        gap = start16 - pos16
        if gap:
            parts.append(("\n" + " " * (gap - 1)) if parts else " " * gap)
        parts.append(stext)
        pos16 = start16 + utf16_length(stext)
    text = "".join(parts)
    u16 = Utf16Map(text)
    src = SourceText(text, where)
    if src.changed:
        raise InputError(where, "webanno-tsv3: the text contains a carriage return or a byte order mark", None)
    doc_id, annotator = _ids(path)
    doc = ParsedDocument(where, doc_id, src.text, src.sha256, {}, annotator, line=1)

    # -- tokens: offsets converted and checked against the text
    tok: dict[str, tuple[int, int, int]] = {}  # address -> (start, end, line), code points
    for lineno, cells in rows:
        om = _OFFSETS.fullmatch(cells[1])
        if not om:
            raise InputError(where, f"webanno-tsv3: bad offsets {cells[1]!r}", lineno)
        a16, b16 = int(om.group(1)), int(om.group(2))
        if b16 < a16 or b16 > u16.utf16_length:
            raise InputError(where, f"webanno-tsv3: offsets {a16}-{b16} are past the end of the text "
                             f"({u16.utf16_length} UTF-16 units)", lineno)
        try:
            a, b = u16.from_utf16(a16), u16.from_utf16(b16)
        except ValueError as e:
            raise InputError(where, f"webanno-tsv3: {e}", lineno) from None
        token = unescape(cells[2])
        if text[a:b] != token:
            raise InputError(where, f"webanno-tsv3: token {token!r} does not match the text at {a16}-{b16} "
                             f"(UTF-16) = {text[a:b]!r}", lineno)
        tok[cells[0]] = (a, b, lineno)

    # -- span layers: the chosen one is read, the others counted
    layers_sp = [layer for kind, layer, _f in dict.fromkeys(columns) if kind == "SP"]
    layers_sp = list(dict.fromkeys(layers_sp))
    chosen = pick_layer(where, layers_sp, wanted)
    spans: dict[tuple[str, str], dict[str, Any]] = {}  # (layer, id or row:k) -> {start, end, label, attrs, line}
    at_row: dict[tuple[str, str], list[tuple[str, str]]] = {}  # (layer, address) -> span ids (stack order)
    for layer in layers_sp:
        every = [(i, f) for i, (k, lay, f) in enumerate(columns) if k == "SP" and lay == layer]
        # a slot (link) feature takes two columns: ROLE_<layer>:<feature>_<link type>, then the
        # target type; event arguments are not read (counted below)
        slots = {i for i, f in every if f.startswith("ROLE_")}
        slots |= {i + 1 for i in slots}
        cols = [(i, f) for i, f in every if i not in slots]
        label_col = next((i for i, f in cols if f == "value"), cols[0][0] if cols else None)
        if layer != chosen:
            # not read: its spans (distinct ids, or one per row without an id) counted under its name
            seen: set[str] = set()
            span_col = label_col if label_col is not None else min(slots)
            for _lineno, cells in rows:
                for k, item in enumerate(split_stack(cells[3 + span_col])):
                    m = _value(item)
                    if item not in ("_", ""):
                        seen.add(m.group(2) if m.group(2) is not None else f"{cells[0]}:{k}")
            if seen:
                counts["layer", short_name(layer),
                       "skipped:spans of a layer not read (choose it with --webanno-layer)"] += len(seen)
            continue
        for lineno, cells in rows:
            addr = cells[0]
            a, b, _ = tok[addr]
            for i in sorted(slots):
                links = [x for x in re.split(r"(?<!\\);", cells[3 + i]) if x not in ("_", "*", "")]
                if columns[i][2].startswith("ROLE_") and links:
                    counts["attribute", columns[i][2].split(":")[-1].rsplit("_", 1)[0],
                           "skipped:slot (link) features are not read"] += len(links)
            if label_col is not None:
                stack = split_stack(cells[3 + label_col])
            else:
                # a layer with slot features only: a span wherever its first role cell is filled,
                # labelled with the layer's name (a role is a link's, never the span's label)
                stack = ["*" if m.group(2) is None else f"*[{m.group(2)}]"
                         for m in map(_value, split_stack(cells[3 + min(slots)]))]
                stack = ["_"] if stack in (["*"], ["_"]) and cells[3 + min(slots)] == "_" else stack
            if stack == ["_"]:
                continue
            ids_here = []
            for k, item in enumerate(stack):
                m = _value(item)
                value, sid = m.group(1), m.group(2)
                key = (layer, sid) if sid is not None else (layer, f"{addr}:{k}")
                if key not in spans:
                    if value in ("*", "_"):
                        label, conv = short_name(layer), True
                    else:
                        label, conv = unescape(value), False
                    spans[key] = {"start": a, "end": b, "label": label, "attrs": {}, "line": lineno, "conv": conv}
                else:
                    sp = spans[key]
                    sp["start"], sp["end"] = min(sp["start"], a), max(sp["end"], b)
                ids_here.append(key)
                for i, f in cols:
                    if i == label_col:
                        continue
                    other = split_stack(cells[3 + i])
                    if k < len(other):
                        v = _value(other[k]).group(1)
                        if v not in ("_", "*"):
                            spans[key]["attrs"][f] = unescape(v)
            at_row[(layer, addr)] = ids_here
    keys: dict[tuple[str, str], str] = {}
    for (layer, sid), sp in spans.items():
        if sp["start"] == sp["end"]:
            counts["span", sp["label"], "skipped:zero-length"] += 1
            continue
        span_key = f"{short_name(layer)}:{sid}"
        keys[(layer, sid)] = span_key
        doc.spans.append(ParsedSpan(span_key, sp["start"], sp["end"], sp["label"], sp["attrs"], None, None, sp["line"]))
        what = []
        if (u16.to_utf16(sp["start"]), u16.to_utf16(sp["end"])) != (sp["start"], sp["end"]):
            what.append("UTF-16 offsets")
        if sp["conv"]:
            what.append("no feature value, labelled with the layer name")
        status = "converted:" + "; ".join(what) if what else IMPORTED
        counts["span", sp["label"], status] += 1

    # -- relation layers and chains
    rl_layers = list(dict.fromkeys(lay for k, lay, _f in columns if k == "RL"))
    for layer in rl_layers:
        cols = [(i, f) for i, (k, lay, f) in enumerate(columns) if k == "RL" and lay == layer]
        bt_col, bt = cols[-1][0], cols[-1][1][3:]
        if bt in layers_sp and bt != chosen:
            n = sum(len(split_stack(cells[3 + bt_col])) for _ln, cells in rows if cells[3 + bt_col] != "_")
            if n:
                counts["layer", short_name(layer),
                       f"skipped:relations over the layer {short_name(bt)}, which is not read"] += n
            continue
        feats = cols[:-1]
        label_col = next((i for i, f in feats if f == "value"), feats[0][0] if feats else None)
        for lineno, cells in rows:
            targets = split_stack(cells[3 + bt_col])
            if targets == ["_"]:
                continue
            labels = split_stack(cells[3 + label_col]) if label_col is not None else ["*"] * len(targets)
            for k, target in enumerate(targets):
                value = labels[k] if k < len(labels) else "*"
                label = short_name(layer) if value in ("*", "_") else unescape(value)
                if bt not in layers_sp:
                    counts["relation", label, f"skipped:between tokens of {short_name(bt)} (no span layer)"] += 1
                    continue
                m = _BT.fullmatch(target)
                if not m:
                    raise InputError(where, f"webanno-tsv3: bad relation source {target!r}", lineno)
                head = _span_at(where, lineno, bt, m.group(1), m.group(2), at_row, keys, tok)
                tail = _span_at(where, lineno, bt, cells[0], m.group(3), at_row, keys, tok)
                if head is None or tail is None:
                    counts["relation", label, "skipped:to a zero-length span"] += 1
                    continue
                doc.relations.append(ParsedRelation(head, tail, label, lineno))
                counts["relation", label, "converted:no feature value, labelled with the layer name"
                       if value in ("*", "_") else IMPORTED] += 1
    for layer in dict.fromkeys(lay for k, lay, _f in columns if k == "CH"):
        # every mention (link) of every chain is counted: cells ``type->chain-link``, stacked with ``|``
        ch_cols = [i for i, (k, lay, _f) in enumerate(columns) if k == "CH" and lay == layer]
        mentions: set[str] = set()
        for _ln, cells in rows:
            for i in ch_cols:
                for item in split_stack(cells[3 + i]):
                    m = _LINK.fullmatch(item)
                    if m:
                        mentions.add(m.group(1))
        if mentions:
            counts["chain mention", short_name(layer), "skipped:chain layers (coreference) are not read"] += len(
                mentions)
    doc.spans.sort(key=lambda s: (s.start, -s.end, s.label, s.key))
    return doc, chosen


def _span_at(where: str, lineno: int, layer: str, addr: str, sid: str | None,
             at_row: dict[tuple[str, str], list[tuple[str, str]]], keys: dict[tuple[str, str], str],
             tok: dict[str, Any]) -> str | None:
    """Key of the ``layer`` span at token ``addr`` (with id ``sid``; "0" or None = the one
    span without an id there). None when that span was skipped (zero-length)."""
    if addr not in tok:
        raise InputError(where, f"webanno-tsv3: a relation refers to token {addr}, which does not exist", lineno)
    here = at_row.get((layer, addr), [])
    if sid not in (None, "0"):
        want = (layer, sid)
        if want not in here:
            raise InputError(where, f"webanno-tsv3: a relation refers to span [{sid}] at token {addr}, "
                             "which is not there", lineno)
    else:
        plain = [k for k in here if ":" in k[1]]
        if len(plain) != 1:
            raise InputError(where, f"webanno-tsv3: a relation refers to the span at token {addr}, but there are "
                             f"{len(plain)} spans without an id there", lineno)
        want = plain[0]
    return keys.get(want)
