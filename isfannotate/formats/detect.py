"""Telling which tool wrote some files: :func:`detect_format`.

Looks at names and at the first records of each file, never at the whole of a big file. A
file that carries annotations is never taken for plain documents: plain ``txt`` is a text
file with no ``.ann`` beside it and no IOB column; plain ``jsonl`` lines hold only ``text``,
``id`` and ``meta`` (gold JSONL lines, recognised by their ``schema`` key, are ``jsonl`` too:
their importer reads the annotations). When the files cannot be told, or disagree, the error
lists what was tried.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from io import BufferedReader
from pathlib import Path
from typing import Any

from isfannotate.errors import InputError
from isfannotate.formats.conll import looks_like_conll
from isfannotate.formats.doccano import is_doccano1_annotations
from isfannotate.formats.labelstudio import is_json_min
from isfannotate.formats.parsed import loads

READ_FORMATS = ("brat", "doccano", "labelstudio", "prodigy", "conll", "webanno-tsv3")
"""The outside tools' formats we read, as ``--format`` names them."""
PLAIN_FORMATS = ("txt", "jsonl")

TRIED = (
    "brat (.ann beside .txt)",
    "doccano (JSON lines with text and label/entities)",
    "labelstudio (JSON tasks with data and annotations/completions)",
    "prodigy (JSON lines with spans/answer/_view_id)",
    "conll (token lines with an IOB tag column)",
    "webanno-tsv3 (#FORMAT=WebAnno TSV 3)",
    "jsonl (lines with text, id, meta only; gold lines with schema)",
    "txt (plain text)",
)

_SNIFF_BYTES = 1 << 20
_SNIFF_RECORDS = 50
_PLAIN_KEYS = frozenset({"text", "id", "meta"})
_PRODIGY_KEYS = frozenset({"_view_id", "_input_hash", "_task_hash", "_session_id", "answer", "spans", "tokens"})
_DOCCANO_KEYS = frozenset({"label", "labels", "entities"})
_LS_KEYS = frozenset({"annotations", "completions", "predictions"})
FOLDER_SUFFIXES = frozenset(
    {".txt", ".jsonl", ".ndjson", ".json", ".conll", ".conllu", ".iob", ".iob2", ".bio", ".tsv"}
)
"""In a folder, files with other suffixes (``.md``, ``.csv`` ...) are not documents."""
_IGNORED_NAMES = {"annotation.conf", "visual.conf", "tools.conf", "kb_shortcuts.conf"}


def detect_format(paths: Sequence[str | Path]) -> tuple[str, str]:
    """``(format, reason)`` for files or folders: a name from :data:`READ_FORMATS` or
    :data:`PLAIN_FORMATS`, and a short sentence saying why. InputError when the format
    cannot be told (listing the formats tried) or the files disagree."""
    found: dict[str, tuple[Path, str]] = {}
    files: list[tuple[Path, bool]] = []
    for p in map(Path, paths):
        if p.is_dir():
            anns = sorted(p.rglob("*.ann"))
            if anns:
                found.setdefault("brat", (p, f"{len(anns)} .ann file(s) under {p}"))
                continue
            files.extend((f, True) for f in sorted(p.rglob("*"))
                         if f.is_file() and not f.name.startswith(".") and f.suffix.lower() in FOLDER_SUFFIXES)
        elif p.is_file():
            files.append((p, False))
        else:
            raise InputError(str(p), "no such file or folder")
    for f, in_folder in files:
        if f.name in _IGNORED_NAMES:
            continue
        try:
            fmt, reason = sniff_file(f)
        except InputError:
            if in_folder and f.suffix.lower() == ".json":
                continue  # a settings file beside the documents (scheme.json, manifest.json)
            raise
        found.setdefault(fmt, (f, reason))
    if not found:
        raise InputError(", ".join(map(str, paths)) or "(nothing)",
                         "no files to import (looked for .txt, .jsonl, .json, .ann, .conll, .tsv and the like)")
    annotated = {k: v for k, v in found.items() if k not in PLAIN_FORMATS}
    if len(annotated) > 1 or (annotated and set(found) - set(annotated) - {"txt"}):
        listing = "; ".join(f"{v[0]}: {k}" for k, v in sorted(found.items()))
        raise InputError(str(next(iter(found.values()))[0]), f"these files are in different formats ({listing}); "
                         "import them separately or name one with --format")
    if annotated:
        fmt, (path, reason) = next(iter(annotated.items()))
        return fmt, reason
    if len(found) > 1:   # .txt and .jsonl documents together: both plain
        return "jsonl", "plain documents: " + "; ".join(f"{v[1]}" for _, v in sorted(found.items()))
    fmt, (path, reason) = next(iter(found.items()))
    return fmt, reason


def sniff_file(path: Path) -> tuple[str, str]:
    """``(format, reason)`` of one file (InputError listing the formats tried when unknown)."""
    name = path.name.lower()
    if name.endswith(".ann"):
        return "brat", f"{path.name} is a brat .ann file"
    head = _head(path)
    if head.startswith("#FORMAT=WebAnno TSV 3"):
        return "webanno-tsv3", f"{path.name} starts with #FORMAT=WebAnno TSV 3"
    if _OLD_WEBANNO.search(head[:4096]):
        raise InputError(str(path), "this is a WebAnno TSV file of an old version (TSV 1 or 2), which is not "
                         "supported: export the documents as WebAnno TSV 3 (\"WebAnno TSV v3.x\") from "
                         "INCEpTION or WebAnno and import that")
    if name.endswith(".txt") and path.with_name(path.name[:-4] + ".ann").is_file():
        return "brat", f"{path.name} has a .ann file beside it"
    stripped = head.lstrip()
    if stripped.startswith(("{", "[")):
        return _sniff_json(path, head)
    if looks_like_conll(head):
        return "conll", f"{path.name} has token lines with an IOB tag column"
    if name.endswith((".json", ".jsonl")):
        raise _unknown(path, "it is not JSON")
    if name.endswith((".conll", ".conllu", ".iob", ".iob2", ".bio")):
        raise _unknown(path, "no column holds IOB tags (O, B-X, I-X) on every line")
    return "txt", f"{path.name} is plain text (no .ann beside it, no IOB column)"


_OLD_WEBANNO = re.compile(
    r"\A\s*(?:#FORMAT=WebAnno TSV [012]\b|#\s*(?:de\.tudarmstadt\.ukp\.|webanno\.custom\.))"
    r"|^#id=\d+\s*\n#text=", re.MULTILINE)
"""WebAnno TSV 1/2: a ``#FORMAT=WebAnno TSV 2`` line, or a header naming DKPro/WebAnno layer
types (`` # de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity | value``), or ``#id=``
``#text=`` sentence headers."""


def _head(path: Path) -> str:
    with open(path, "rb") as fh:
        data = fh.read(_SNIFF_BYTES)
    text = data.decode("utf-8", errors="ignore")
    return text[1:] if text.startswith("\ufeff") else text


class UnknownFormat(InputError):
    """The file reads, but fits none of the formats (never to be imported as plain documents:
    the keys it holds would be lost)."""


def _unknown(path: Path, why: str) -> InputError:
    return UnknownFormat(str(path), f"cannot tell the format ({why}); tried: {'; '.join(TRIED)}")


def _records_after(head: str) -> list[Any]:
    """Records of a JSONL head past the first ``_SNIFF_RECORDS`` that carry annotation keys."""
    out = []
    lines = [ln for ln in head.split("\n") if ln.strip()][_SNIFF_RECORDS:]
    for line in lines:
        if _ANNOTATION_KEYS.search(line):
            try:
                out.append(loads(line))
            except ValueError:
                continue
    return out


def _records(path: Path, head: str) -> list[Any]:
    stripped = head.lstrip()
    whole = None
    if stripped.startswith("[") or stripped.startswith("{\n") or stripped.startswith("{\r\n") \
            or stripped.rstrip() == "{":
        try:
            whole = loads(path.read_text("utf-8-sig"))
        except UnicodeDecodeError:
            whole = None
        except json.JSONDecodeError as e:
            # a JSON document (a list of tasks, a pretty-printed object) broken here, which is what
            # its reader says too
            raise InputError(str(path), f"bad JSON: {e.msg} (column {e.colno})", e.lineno) from None
        if whole is not None:
            return (whole if isinstance(whole, list) else [whole])[:_SNIFF_RECORDS]
    out = []
    lines = head.split("\n")
    if len(head) == _SNIFF_BYTES:
        lines = lines[:-1]  # the last line may be cut
    for lineno, line in enumerate(lines, 1):
        if line.strip():
            try:
                out.append(loads(line))
            except json.JSONDecodeError as e:
                if out:   # the records before it tell the format; its reader names this line
                    break
                raise InputError(str(path), f"bad JSON: {e.msg} (column {e.colno})", lineno) from None
            if len(out) >= _SNIFF_RECORDS:
                break
    return out


_ANNOTATION_KEYS = re.compile(
    r'"(?:label|labels|entities|spans|answer|_view_id|_task_hash|annotations|completions|predictions|schema)"\s*:'
)


# the same keys with the JSON whitespace a line can hold between a key and its colon: searched
# in the bytes of many lines at once, a match never runs past the end of its line
_ANNOTATION_KEYS_IN_LINE = re.compile(_ANNOTATION_KEYS.pattern.replace(r"\s*", r"[ \t\r\x0b\x0c\x1c-\x1f]*")
                                      .encode("ascii"))


_BLOCK = 4 << 20   # the rest of a file is searched in blocks of whole lines of about this size


def _later_annotated_records(path: Path) -> list[Any]:
    """Lines past the sniffed head that carry an annotation key (a cheap substring test,
    then a parse of only those lines), so a JSONL whose first 50 lines are plain is not taken
    for plain documents when later lines carry labels. The rest is searched a block of lines at
    a time (one call each), not decoded and searched line by line: the same lines in the same
    order (a key followed by a space JSON does not allow cannot parse either), except a key
    broken by invalid UTF-8 bytes, which the line by line search saw once the bytes were
    dropped (such a file cannot be imported in any format)."""
    out: list[Any] = []
    with open(path, "rb") as fh:
        fh.seek(_SNIFF_BYTES)
        fh.readline()  # the rest of a line the head cut
        for line in _lines_matching(fh):
            try:
                out.append(loads(line.decode("utf-8", errors="ignore")))
            except ValueError:
                continue
            if len(out) >= _SNIFF_RECORDS:
                break
    return out


def _lines_matching(fh: BufferedReader) -> Iterator[bytes]:
    """The lines from *fh* on (each with its newline) in which an annotation key matches. The
    file is read into one reused buffer (a fresh 4 MiB for each block cost as much as the search)."""
    buf = bytearray(_BLOCK)
    have = 0                      # bytes of buf in use: the cut line carried over, then a block
    while True:
        if have == len(buf):      # a line longer than the buffer
            buf.extend(bytes(len(buf)))
        with memoryview(buf) as view:
            got = fh.readinto(view[have:])
        have += got
        if have == 0:
            return
        end = have if not got else buf.rfind(b"\n", 0, have) + 1   # whole lines only, but at the end
        pos = 0
        while (m := _ANNOTATION_KEYS_IN_LINE.search(buf, pos, end)) is not None:
            start = buf.rfind(b"\n", 0, m.start()) + 1
            stop = buf.find(b"\n", m.end(), end)
            pos = end if stop < 0 else stop + 1
            yield bytes(buf[start:pos])
        buf[:have - end] = buf[end:have]   # the same length: moved in place
        have -= end
        if not got:
            return


def _sniff_json(path: Path, head: str) -> tuple[str, str]:
    records = [r for r in _records(path, head) if isinstance(r, dict)]
    if not records:
        raise _unknown(path, "no JSON objects")
    plain = all(set(r) <= _PLAIN_KEYS for r in records)
    if plain and len(head) >= _SNIFF_BYTES:
        records += [r for r in _later_annotated_records(path) if isinstance(r, dict)]
    elif plain and len(records) >= _SNIFF_RECORDS:
        records += [r for r in _records_after(head) if isinstance(r, dict)]
    verdicts: dict[str, str] = {}
    for r in records:
        keys = set(r)
        if "schema" in keys:
            verdicts.setdefault("jsonl", f"{path.name}: gold JSONL lines (schema {r['schema']!r})")
        elif (is_doccano1_annotations(r.get("annotations")) or r.get("annotations") == [] and
              isinstance(r.get("text"), str)) and "data" not in keys:
            verdicts.setdefault("doccano", f"{path.name}: doccano 1.0 lines (annotations with start_offset)")
        elif is_json_min(r):
            verdicts.setdefault("labelstudio", f"{path.name}: Label Studio JSON-MIN tasks (text + regions)")
        elif isinstance(r.get("data"), dict) and (keys & _LS_KEYS or "id" in keys):
            verdicts.setdefault("labelstudio", f"{path.name}: Label Studio tasks (data + "
                                f"{'/'.join(sorted(keys & _LS_KEYS)) or 'id'})")
        elif keys & _PRODIGY_KEYS:
            verdicts.setdefault("prodigy", f"{path.name}: Prodigy tasks ({', '.join(sorted(keys & _PRODIGY_KEYS))})")
        elif keys & _DOCCANO_KEYS:
            verdicts.setdefault("doccano", f"{path.name}: doccano lines ({', '.join(sorted(keys & _DOCCANO_KEYS))})")
        elif keys <= _PLAIN_KEYS:   # without "text" too: the plain reader names the line
            verdicts.setdefault("jsonl", f"{path.name}: plain JSONL documents (text, id, meta)")
        else:
            raise _unknown(path, f"a record has the keys {', '.join(sorted(keys))}")
    annotated = [k for k in verdicts if k != "jsonl"]
    if len(annotated) > 1:
        raise InputError(str(path), f"records of several formats in one file: {', '.join(sorted(annotated))}")
    if annotated:
        return annotated[0], verdicts[annotated[0]]
    return "jsonl", verdicts["jsonl"]
