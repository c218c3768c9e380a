"""The fast path of the plain JSONL reader: the file's lines parsed as bytes by orjson.

It reads what the standard reader (``documents._read_jsonl``) reads, to the same documents, or
gives up (returns None) at the first line it cannot vouch for, and the standard reader then
reads the whole file again and names the error. It never raises for the input: a bad line,
invalid UTF-8 anywhere, a NUL byte, a UTF-16 file, a lone surrogate, NaN, an integer beyond
64 bits (orjson would read it as a float), a value of a wrong type, an over-long line, a blank
line of non-ASCII spaces are all left to the standard reader. Each line is parsed where it lies
in the file's bytes: no copy of its decoded text or of its lines, and not the
standard library's slower decoder (10,050 articles of 5 KB: ~0.07 s CPU against ~0.35 s).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from ..errors import InputError
from ..textclean import MAX_DOCUMENT_BYTES, clean_and_hash

# source ("file:line"), wanted id, cleaned text, its sha256, meta
DocFields = tuple[str, str | None, str, str, dict[str, Any]]

# an integer that orjson reads as a float has 19 digits or more (beyond 64 bits)
_LONG_DIGITS = re.compile(rb"\d{19}")


def _has_float(value: Any) -> bool:
    """True when a parsed value holds a float anywhere (orjson reads an integer beyond 64 bits
    as a float where the standard library keeps the integer: see ``_unsure``)."""
    if isinstance(value, float):
        return True
    if isinstance(value, dict):
        return any(_has_float(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_float(v) for v in value)
    return False


def _unsure(value: Any, line: bytes | memoryview) -> bool:
    """Whether orjson may have read *value* otherwise than the standard library: only when it
    holds a float and its line a run of 19 digits (a float such as a score of 0.87 is read
    alike, and does not send the whole file to the slower reader)."""
    return _has_float(value) and _LONG_DIGITS.search(line) is not None


def read_jsonl_fast(path: str | Path, read: Callable[[float], None] | None = None
                    ) -> tuple[list[DocFields], list[tuple[str, int, dict[str, Any]]]] | None:
    """``parse_jsonl_bytes`` of the file *path* (None when it cannot be read)."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    return parse_jsonl_bytes(str(path), data, read)


def parse_jsonl_bytes(path: str, data: bytes, read: Callable[[float], None] | None = None
                      ) -> tuple[list[DocFields], list[tuple[str, int, dict[str, Any]]]] | None:
    """(documents, gold records) of *data*, the bytes of the JSONL file *path*, or None when the
    standard reader must read them (an empty file too). *read(fraction)* is told how far into
    the file it is (25 times). Each line is parsed where it lies in the bytes, never copied.
    (The caller reads the file, not maps it: a mapped file that another program shortens
    meanwhile kills the process with SIGBUS.)"""
    if not data:
        return None
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or data.find(b"\x00") >= 0:
        return None
    docs: list[DocFields] = []
    gold: list[tuple[str, int, dict[str, Any]]] = []
    loads, find, size = orjson.loads, data.find, len(data)
    step = max(1, size // 25)
    pos = 3 if data[:3] == b"\xef\xbb\xbf" else 0
    mark = step
    lineno = 0
    with memoryview(data) as whole:
        while pos < size:
            end = find(b"\n", pos)
            if end < 0:
                end = size
            lineno += 1
            if read is not None and end >= mark:
                read(end / size)
                mark = end + step
            start, pos = pos, end + 1
            if end - start > MAX_DOCUMENT_BYTES:
                return None
            if end == start:
                continue
            try:
                obj = loads(whole[start:end])
            except orjson.JSONDecodeError:
                if data[start:end].isspace():   # a blank line of ASCII spaces
                    continue
                return None
            if type(obj) is not dict:
                return None
            if "schema" in obj:
                if _unsure(obj, whole[start:end]):
                    return None
                gold.append((path, lineno, obj))
                continue
            text = obj.get("text")
            doc_id = obj.get("id")
            meta = obj.get("meta", {})
            if type(text) is not str or type(meta) is not dict or (meta and _unsure(meta, whole[start:end])):
                return None
            if doc_id is not None:
                if type(doc_id) is not str and type(doc_id) is not int:
                    return None
                doc_id = str(doc_id).strip() or None
            try:
                cleaned, sha = clean_and_hash(text, path, lineno)
            except InputError:
                return None
            docs.append((f"{path}:{lineno}", doc_id, cleaned, sha, {**meta}))
    if not docs and not gold:
        return None     # nothing but blank lines: the standard reader says the file is empty
    return docs, gold
