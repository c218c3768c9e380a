"""Cleaning document text once, at import (docs/architecture.md, invariant 2).

Rules, and nothing more: strict UTF-8, a leading BOM dropped, CRLF and lone CR turned into
LF, lone surrogates and NUL bytes rejected. No Unicode normalisation: annotators annotate
what is there. Offsets everywhere are code points into the returned string.
"""
from __future__ import annotations

import hashlib

from .errors import InputError

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
"""One document may be at most 10 MiB of UTF-8 (a file of many documents may be larger)."""



def _line_of(data: bytes | str, offset: int) -> int:
    if isinstance(data, bytes):
        return data.count(b"\n", 0, offset) + 1
    return data.count("\n", 0, offset) + 1


def decode_utf8(data: bytes, path: str, *, limit: int | None = MAX_DOCUMENT_BYTES) -> str:
    """Decode strict UTF-8; the error names the file, line and byte offset of the first bad byte.
    *limit* (bytes) applies to a file that is one document; JSONL files are limited per line."""
    if limit is not None and len(data) > limit:
        raise InputError(
            path,
            f"{len(data) / 1048576:.1f} MiB is over the limit of "
            f"{MAX_DOCUMENT_BYTES // 1048576} MiB for one document (split it, or use JSONL with one document per line)",
        )
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise InputError(path, "invalid UTF-8: the file is UTF-16 (it starts with a UTF-16 byte order mark); "
                               "save it as UTF-8", 1)
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError(path, f"contains a NUL byte at byte {nul}: this looks like a binary file, not text",
                         _line_of(data, nul))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(path, f"invalid UTF-8 at byte {e.start} ({data[e.start:e.start + 4]!r}); "
                               "save the file as UTF-8", _line_of(data, e.start)) from None


def clean_text(text: str, path: str, line: int | None = None) -> str:
    """Return the stored form of *text*: BOM dropped, newlines as LF. Rejects NUL characters and
    text that is empty or only whitespace (lone surrogates: see ``clean_and_hash``). *line* is
    the JSONL line, if any."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        i = text.index("\x00")
        raise InputError(path, f"contains a NUL character at character {i}: this looks like binary data",
                         line if line is not None else _line_of(text, i))
    if not text or text.isspace():   # (not text.strip(): a copy of every text)
        raise InputError(path, "the document is empty", line)
    return text


def clean_and_hash(text: str, path: str, line: int | None = None) -> tuple[str, str]:
    """``clean_text`` plus the SHA-256 of the result. Lone surrogates (which JSON's \\ud800
    escapes can produce) cannot be encoded as UTF-8, so the encoding for the hash is also the
    check for them."""
    text = clean_text(text, path, line)
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as e:
        where = line if line is not None else _line_of(text, e.start)
        raise InputError(path, f"lone surrogate U+{ord(text[e.start]):04X} at character {e.start}: "
                               "not valid Unicode text", where) from None
    return text, hashlib.sha256(data).hexdigest()


def sha256_text(text: str) -> str:
    """SHA-256 of the cleaned text's UTF-8 bytes: how documents match across projects."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
