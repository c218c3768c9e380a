"""Reading brat standoff (``.txt`` + ``.ann``, ``annotation.conf``) into the neutral parsed
model. The writer and what both share are in ``brat/__init__``."""
from __future__ import annotations

import re
from collections import Counter, defaultdict
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
    read_text_file,
)
from isfannotate.formats.reading import reading_files

from .lines import _BREAK_RE, _LINE_BREAKS

# =========================================================================== reading
#
# brat counts offsets in code points of the .txt as Python reads it without newline
# translation (codecs.open), so a CR or a BOM counts: offsets are checked against the raw
# text, then moved to the cleaned text (parsed.SourceText). Fields are TAB-separated; the
# reader also takes runs of spaces (OpenNLP-1193 files). What each line becomes:
#   T -> span (discontinuous: refused, or split; fragments separated only by line breaks,
#        which is how brat and our writer store a span across lines, are joined back);
#   R -> relation (first two arguments, in order); E -> one relation per role from the
#        trigger span, roles with their numeric suffix removed (Org-Arg2 -> Org-Arg, as brat
#        itself reads them); A/M -> span attribute (binary -> True); N -> external id;
#   #  -> ``note`` text attribute (another note type, e.g. Lemma -> attribute of that name);
#   attributes, notes and normalisations on an event go to its trigger span; on a relation
#   they are skipped and counted; ``*`` equivalence sets are skipped and counted.

_SEP = "[\t ]"
_T_RE = re.compile(
    rf"(T\S*){_SEP}+(\S+){_SEP}+(\d+{_SEP}+\d+(?:{_SEP}*;{_SEP}*\d+{_SEP}+\d+)*)(?:\t(.*)|{_SEP}+(.*)|{_SEP}*)$"
)
_R_RE = re.compile(rf"(R\S*){_SEP}+(\S+){_SEP}+(\S+):(\S+){_SEP}+(\S+):(\S+)(?:{_SEP}.*)?$")
_E_RE = re.compile(rf"(E\S*){_SEP}+([^\s:]+):(\S+)((?:{_SEP}+\S+:\S+)*){_SEP}*$")
_A_RE = re.compile(rf"([AM]\S*){_SEP}+(\S+){_SEP}+(\S+)(?:{_SEP}+(\S+))?{_SEP}*$")
_N_RE = re.compile(rf"(N\S*){_SEP}+(\S+){_SEP}+(\S+){_SEP}+(\S+?)(?:\t(.*)|{_SEP}+(.*)|{_SEP}*)$")
_NOTE_RE = re.compile(rf"(#\S*){_SEP}+(\S+){_SEP}+(\S+)(?:\t(.*)|{_SEP}+(.*)|{_SEP}*)$")
_EQUIV_RE = re.compile(rf"\*{_SEP}+(\S+)(?:{_SEP}+(.*))?$")
_FRAG_RE = re.compile(r"(\d+)[\t ]+(\d+)")
_ROLE_SUFFIX = re.compile(r"(?<=\D)\d+$")

CONF_SECTIONS = {"entities": "entities", "spans": "entities", "relations": "relations", "events": "events",
                 "attributes": "attributes"}


def read_conf(path: Path) -> dict[str, list[str]]:
    """Type names declared by a brat ``annotation.conf``: ``entities`` (also from the legacy
    ``[spans]`` section), ``relations``, ``events``, ``attributes``. Hierarchy indentation,
    ``!`` (abstract types), comments and ``<MACRO>`` lines are understood and dropped."""
    out: dict[str, list[str]] = {k: [] for k in ("entities", "relations", "events", "attributes")}
    section = None
    for raw in read_text_file(path).splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = CONF_SECTIONS.get(line[1:-1].strip().lower())
            continue
        if section is None or line.startswith("<"):
            continue
        name = re.split(r"[\s,]", line, maxsplit=1)[0].lstrip("!")
        if name and name not in out[section]:
            out[section].append(name)
    return out


def _find_conf(ann: Path, root: Path | None) -> Path | None:
    """brat looks for ``annotation.conf`` in the document's folder, then upwards."""
    d = ann.parent
    while True:
        c = d / "annotation.conf"
        if c.is_file():
            return c
        if root is None or d == root or d.parent == d or root not in d.parents:
            return None
        d = d.parent


def _sibling(path: Path, suffix: str) -> Path:
    """``doc.train-1.ann`` -> ``doc.train-1.txt`` (``with_suffix`` would only see ``.ann``,
    but a stem with dots must keep them)."""
    return path.with_name(path.name[: -len(path.suffix)] + suffix)


def _brat_pairs(paths: Sequence[str | Path]) -> list[tuple[Path, Path | None, Path | None]]:
    """(txt, ann or None, root folder or None) for every document under ``paths``."""
    out: list[tuple[Path, Path | None, Path | None]] = []
    seen: set[Path] = set()

    def add(txt: Path, ann: Path | None, root: Path | None) -> None:
        key = txt.resolve()
        if key in seen:
            return
        seen.add(key)
        out.append((txt, ann, root))

    for p in map(Path, paths):
        if p.is_dir():
            # in a folder, the .ann files make the collection (a README.txt is not a document)
            for ann in sorted(f for f in p.rglob("*.ann") if f.is_file() and not f.name.startswith(".")):
                txt = _sibling(ann, ".txt")
                if not txt.is_file():
                    raise InputError(str(ann), "brat: no matching .txt file beside this .ann file")
                add(txt, ann, p)
        elif p.suffix == ".ann":
            txt = _sibling(p, ".txt")
            if not txt.is_file():
                raise InputError(str(p), "brat: no matching .txt file beside this .ann file")
            add(txt, p, None)
        elif p.suffix == ".txt":
            ann = _sibling(p, ".ann")
            add(p, ann if ann.is_file() else None, None)
        elif p.exists():
            raise InputError(str(p), "brat: expected a folder, .ann or .txt files")
        else:
            raise InputError(str(p), "no such file or folder")
    reading_files(f for txt, ann, _root in out for f in (txt, ann) if f is not None)
    return out


def read(paths: Sequence[str | Path], *, split_discontinuous: bool = False) -> ParsedCollection:
    """Read brat standoff (``.txt`` + ``.ann`` pairs; folders searched recursively).

    A document in a subfolder of a given folder gets the first subfolder's name as its
    annotator (the bratiaa layout ``root/<annotator>/<doc>.ann``), else None. Document id =
    file stem. A discontinuous ``T`` is refused unless ``split_discontinuous`` (then each
    fragment is a span: the first in text order keeps the id, relations point at it; the
    others get ``T1.2``, ``T1.3`` ... and the same attributes). See the module notes above.
    """
    coll = ParsedCollection("brat")
    confs: dict[Path, None] = {}
    for txt, ann, root in _brat_pairs(paths):
        annotator = None
        if root is not None:
            rel = txt.relative_to(root).parts
            annotator = rel[0] if len(rel) > 1 else None
        raw = read_text_file(txt)
        src = SourceText(raw, str(txt))
        doc = ParsedDocument(str(ann or txt), txt.stem, src.text, src.sha256, annotator=annotator)
        if ann is not None:
            _read_ann(ann, src, doc, coll.counts, split_discontinuous)
            conf = _find_conf(ann, root)
            if conf is not None:
                confs.setdefault(conf, None)
        coll.documents.append(doc)
    for conf in confs:
        for section, names in read_conf(conf).items():
            bucket = coll.declared.setdefault(section, [])
            bucket.extend(n for n in names if n not in bucket)
    return coll


def _stated_matches(raw: str, frags: list[tuple[int, int]], stated: str) -> bool:
    pieces = [raw[a:b] for a, b in frags]
    if stated in (" ".join(pieces), " ".join(raw[a:b] for a, b in sorted(frags))):
        return True
    # a span across a line break: brat shows the break as a space in the text column
    flat = _BREAK_RE.sub(" ", " ".join(pieces)).replace("\t", " ")
    return stated == flat


def _read_ann(path: Path, src: SourceText, doc: ParsedDocument, counts: Counter[Any], split: bool) -> None:
    where = str(path)
    ann = read_text_file(path)
    ann = ann[1:] if ann.startswith("\ufeff") else ann
    tlines: dict[str, tuple[int, str, list[tuple[int, int]], str | None]] = {}
    events: dict[str, tuple[int, str, str, list[tuple[str, str]]]] = {}
    rels: dict[str, tuple[int, str, str, str]] = {}
    others: list[tuple[int, str, re.Match[str]]] = []
    ids: dict[str, int] = {}

    def new_id(ident: str, lineno: int) -> None:
        if ident in ids:
            raise InputError(where, f"brat: id {ident} is used twice (first on line {ids[ident]})", lineno)
        ids[ident] = lineno

    # split on LF only: str.splitlines() would also split inside a note at U+2028, U+0085 ...
    for lineno, line in enumerate(ann.split("\n"), 1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        first = line[0]
        if first == "T":
            m = _T_RE.match(line)
            if not m:
                raise InputError(where, f"brat: cannot read this text-bound annotation: {line!r}", lineno)
            ident = m.group(1)
            new_id(ident, lineno)
            frags = [(int(a), int(b)) for a, b in _FRAG_RE.findall(m.group(3))]
            stated = m.group(4) if m.group(4) is not None else m.group(5)
            tlines[ident] = (lineno, m.group(2), frags, stated)
        elif first == "E":
            m = _E_RE.match(line)
            if not m:
                raise InputError(where, f"brat: cannot read this event: {line!r}", lineno)
            new_id(m.group(1), lineno)
            args = [tuple(a.rsplit(":", 1)) for a in m.group(4).split()]
            events[m.group(1)] = (lineno, m.group(2), m.group(3), args)
        elif first == "R":
            m = _R_RE.match(line)
            if not m:
                raise InputError(where, f"brat: cannot read this relation: {line!r}", lineno)
            new_id(m.group(1), lineno)
            rels[m.group(1)] = (lineno, m.group(2), m.group(4), m.group(6))
        elif first in "AMN#*":
            rx = {"A": _A_RE, "M": _A_RE, "N": _N_RE, "#": _NOTE_RE, "*": _EQUIV_RE}[first]
            m = rx.match(line)
            if not m:
                raise InputError(where, f"brat: cannot read this line: {line!r}", lineno)
            if first in "AMN":
                new_id(m.group(1), lineno)
            others.append((lineno, first, m))
        else:
            raise InputError(where, f"brat: unknown annotation type {line.split()[0]!r}", lineno)

    # -- spans: check every stated text, offsets past the end, then move to clean offsets
    text = src.text
    keys_of: dict[str, list[str]] = {}  # brat T id -> span keys (several when split)
    spans: dict[str, ParsedSpan] = {}
    for ident, (lineno, label, frags, stated) in tlines.items():
        what = f"{ident} {label}"
        for a, b in frags:
            if b < a:
                raise InputError(where, f"brat: {what}: bad offsets: start {a}, end {b}", lineno)
            if b > len(src.raw) and (stated is None or src.u16.is_identity or b > src.u16.utf16_length):
                raise InputError(
                    where, f"brat: {what}: offsets {a}-{b} are past the end of the text ({len(src.raw)} characters)",
                    lineno,
                )
        status = IMPORTED
        past = any(b > len(src.raw) for _a, b in frags)  # only possible in UTF-16 units (checked above)
        if past or (stated is not None and not _stated_matches(src.raw, frags, stated)):
            alt = _utf16_frags(src, frags)
            if alt is None or stated is None or not _stated_matches(src.raw, alt, stated):
                shown = " ".join(src.raw[a:b] for a, b in frags)
                raise InputError(
                    where,
                    f"brat: {what}: the text column {stated!r} does not match the document text "
                    f"{shown!r} at {';'.join(f'{a} {b}' for a, b in frags)} (tried code points and UTF-16 units)",
                    lineno,
                )
            frags = alt
            status = "converted:UTF-16 offsets"
        clean = sorted((src.to_clean(a), src.to_clean(b)) for a, b in frags)
        if src.changed and status == IMPORTED and any(
            (ca, cb) != (a, b) for (ca, cb), (a, b) in zip(clean, sorted(frags), strict=True)
        ):
            status = "converted:offsets moved by text cleaning (BOM/CRLF)"
        nonempty = [(a, b) for a, b in clean if b > a]
        if not nonempty:
            counts["span", label, "skipped:zero-length"] += 1
            keys_of[ident] = []
            continue
        if len(nonempty) > 1 and all(
            a2 >= b1 and all(ch in _LINE_BREAKS for ch in text[b1:a2])
            for (_a1, b1), (a2, _b2) in zip(nonempty, nonempty[1:], strict=False)
        ):
            # fragments separated only by line breaks: one span across lines
            nonempty = [(nonempty[0][0], nonempty[-1][1])]
            status = "converted:fragments across line breaks joined"
        if len(nonempty) > 1:
            if not split:
                raise InputError(
                    where,
                    f"brat: {what} is discontinuous ({';'.join(f'{a} {b}' for a, b in frags)}); spans here are "
                    "contiguous: import with split_discontinuous (--split-discontinuous) to make one span per fragment",
                    lineno,
                )
            keys = []
            for i, (a, b) in enumerate(nonempty):
                key = ident if i == 0 else f"{ident}.{i + 1}"
                keys.append(key)
                spans[key] = ParsedSpan(key, a, b, label, {}, None, None, lineno)
                counts["span", label, "converted:discontinuous fragment split into its own span"] += 1
            keys_of[ident] = keys
            continue
        a, b = nonempty[0]
        spans[ident] = ParsedSpan(ident, a, b, label, {}, None, None, lineno)
        keys_of[ident] = [ident]
        counts["span", label, status] += 1

    def ref(ident: str, lineno: int, what: str) -> str:
        """The span key an argument names (an event names its trigger)."""
        if ident in events:
            ident = events[ident][2]
        if ident not in tlines:
            raise InputError(
                where, f"brat: {what} refers to {ident}, which is not a text-bound annotation here", lineno
            )
        keys = keys_of[ident]
        if not keys:
            raise InputError(where, f"brat: {what} refers to {ident}, a zero-length span that was skipped", lineno)
        return keys[0]

    relations: list[ParsedRelation] = []
    for ident, (lineno, label, a1, a2) in sorted(rels.items(), key=lambda kv: kv[1][0]):
        relations.append(ParsedRelation(ref(a1, lineno, ident), ref(a2, lineno, ident), label, lineno))
        counts["relation", label, IMPORTED] += 1
    for ident, (lineno, etype, trigger, args) in sorted(events.items(), key=lambda kv: kv[1][0]):
        if trigger not in tlines:
            raise InputError(
                where, f"brat: event {ident}: trigger {trigger} is not a text-bound annotation here", lineno
            )
        head = ref(trigger, lineno, ident)
        for role, target in args:
            label = _ROLE_SUFFIX.sub("", role)
            relations.append(ParsedRelation(head, ref(target, lineno, f"{ident} {role}"), label, lineno))
            what = "event role" + (f" {role} -> {label}" if label != role else "")
            counts["relation", label, f"converted:{what} as a relation from the trigger"] += 1
        counts["event", etype, f"converted:trigger span + {len(args)} role relations" if args
               else "converted:trigger span"] += 1

    # -- attributes, normalisations, notes, equivalences
    notes: dict[tuple[str, str], list[str]] = defaultdict(list)
    for lineno, kind, m in others:
        if kind == "*":
            counts["equivalence", m.group(1), "skipped:equivalence set (brat *)"] += 1
            continue
        if kind in "AM":
            ident, name, target, value = m.group(1), m.group(2), m.group(3), m.group(4)
            ckind = "attribute"
        elif kind == "N":
            ident, name, target = m.group(1), m.group(2), m.group(3)
            ckind = "normalization"
        else:
            ident, name, target = m.group(1), m.group(2), m.group(3)
            ckind = "note"
        if target in rels:
            counts[ckind, name, f"skipped:{ckind} on a relation"] += 1
            continue
        if target not in tlines and target not in events:
            raise InputError(where, f"brat: {ident} refers to {target}, which is not an annotation here", lineno)
        on_event = target in events
        keys = keys_of[events[target][2] if on_event else target]
        if not keys:
            counts[ckind, name, "skipped:its span was zero-length"] += 1
            continue
        status = "converted:on an event, kept on its trigger span" if on_event else IMPORTED
        if kind in "AM":
            for k in keys:
                spans[k].attrs[name] = True if value is None else value
            counts[ckind, name, status] += 1
        elif kind == "N":
            ext = m.group(4)
            name_text = m.group(5) if m.group(5) is not None else m.group(6)
            if spans[keys[0]].external_id is not None:
                counts[ckind, name, "skipped:a second normalization of the same span"] += 1
                continue
            for k in keys:
                spans[k].external_id = ext
                spans[k].external_name = name_text or None
            counts[ckind, name, status] += 1
        else:
            note = m.group(4) if m.group(4) is not None else (m.group(5) or "")
            attr = "note" if name == "AnnotatorNotes" else name
            if attr != "note" and status == IMPORTED:
                status = f"converted:note type {name} as the text attribute {name}"
            for k in keys:
                notes[(k, attr)].append(note)
            counts[ckind, name, status] += 1
    for (k, attr), values in notes.items():
        spans[k].attrs[attr] = "\n".join(values)

    doc.spans = sorted(spans.values(), key=lambda s: (s.start, -s.end, s.label, s.key))
    doc.relations = relations


def _utf16_frags(src: SourceText, frags: list[tuple[int, int]]) -> list[tuple[int, int]] | None:
    m = src.u16
    if m.is_identity:
        return None
    try:
        return [(m.from_utf16(a), m.from_utf16(b)) for a, b in frags]
    except ValueError:
        return None
