"""What every format shares: staged (temporary-name) files, progress and cancellation,
sanitised file names, split grouping, and the ACTOR-entity policy of the token formats.

All offsets here are Unicode code points into the document text, end exclusive.
"""
from __future__ import annotations

import hashlib
import os
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO

from isfannotate.errors import IsfError

if TYPE_CHECKING:  # pragma: no cover - typing only
    from spacy.tokens import Doc
    from spacy.tokens import Span as SpacySpan

SPLIT_ORDER = ("train", "dev", "test")


class ExportCancelled(IsfError):
    """The caller's ``cancelled()`` returned True; no file of the export was given its final name."""


# --------------------------------------------------------------------------- file names

_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{p}{i}" for p in ("COM", "LPT") for i in range(10)}
_WINDOWS_RESERVED |= {f"{p}{d}" for p in ("COM", "LPT") for d in "\u00b9\u00b2\u00b3"}
MAX_NAME_CHARS = 64


def sanitise_name(raw: str) -> str:
    """A file-name stem derived from a document id, safe on Linux, macOS and Windows.

    Keeps letters and digits of any script plus ``-``, ``_`` and ``.``; every other character
    (path separators, NUL and control characters, ``:*?"<>|``, spaces, emoji) becomes ``_``.
    Leading and trailing dots and underscores-only results are neutralised, Windows device
    names (``CON``, ``com1.txt`` ...) get a ``_`` prefix, and a stem longer than
    ``MAX_NAME_CHARS`` is cut and suffixed with a digest of the full id. Never empty, never
    ``.`` or ``..``, never contains a separator. Not unique: see :class:`NameAllocator`.
    """
    chars = [ch if (ch.isalnum() or ch in "-_.") and ch.isprintable() else "_" for ch in raw]
    name = "".join(chars).strip(".")
    if not name:
        name = "_"
    if name.split(".", 1)[0].upper() in _WINDOWS_RESERVED:
        name = "_" + name
    if len(name) > MAX_NAME_CHARS:
        digest = hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:10]
        name = name[: MAX_NAME_CHARS - 11].rstrip(".") + "-" + digest
    return name


class NameAllocator:
    """Gives each document id a distinct sanitised stem.

    Two ids that sanitise to the same stem, or to stems that differ only in case or Unicode
    normalisation (one file on Windows and macOS), get distinct stems: the later one is
    suffixed with a digest of its id (and a counter in the unlikely event that still clashes).
    """

    def __init__(self, reserved: Iterable[str] = ()) -> None:
        self._taken: set[str] = {self._key(r) for r in reserved}

    @staticmethod
    def _key(name: str) -> str:
        return unicodedata.normalize("NFC", name).casefold()

    def allocate(self, doc_id: str) -> str:
        base = sanitise_name(doc_id)
        name = base
        if self._key(name) in self._taken:
            digest = hashlib.sha256(doc_id.encode("utf-8", "surrogatepass")).hexdigest()[:8]
            name = f"{base[: MAX_NAME_CHARS - 9]}-{digest}"
            n = 2
            while self._key(name) in self._taken:
                name = f"{base[: MAX_NAME_CHARS - 12]}-{digest}-{n}"
                n += 1
        self._taken.add(self._key(name))
        return name


# --------------------------------------------------------------------------- staging


class ExportContext:
    """Everything a format writer needs: staged files, warnings, progress, cancellation.

    Files are written under hidden temporary names (``.<name>.partial``) in ``out_dir``;
    :meth:`commit` renames them to their final names (the manifest last), :meth:`abort`
    deletes them. Not thread-safe: one export runs in one thread (which may be a worker).
    """

    def __init__(
        self,
        out_dir: Path,
        *,
        language: str,
        scheme: dict[str, Any] | None,
        layer: str,
        project_name: str,
        total: int,
        progress: Callable[[int, int], None] | None,
        cancelled: Callable[[], bool] | None,
    ) -> None:
        self.out_dir = out_dir
        self.language = language
        self.scheme = scheme
        self.layer = layer
        self.project_name = project_name
        self.total = total
        self.warnings: list[str] = []
        self.actor_labels = actor_span_labels(scheme)
        self.stats: dict[str, Any] = {}
        self._progress = progress
        self._cancelled = cancelled
        self._done = 0
        self._staged: dict[str, Path] = {}
        self._empty: set[str] = set()
        self._digests: dict[str, HashingWriter] = {}
        self._out_resolved = out_dir.resolve()

    # -- progress and cancellation
    def check_cancelled(self) -> None:
        if self._cancelled is not None and self._cancelled():
            raise ExportCancelled(f"export to {self.out_dir} cancelled; nothing was written")

    def report(self, done: int) -> None:
        if self._progress is not None:
            self._progress(done, self.total)

    def each(self, docs: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """Iterate documents, polling ``cancelled`` before each and reporting progress after
        each (except the last: the orchestrator reports the end once files are in place)."""
        for doc in docs:
            self.check_cancelled()
            yield doc
            self._done += 1
            if self._done < self.total:
                self.report(self._done)

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    # -- files
    def _stage(self, name: str) -> Path:
        if not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
            raise IsfError(f"internal error: unsafe export file name {name!r}")
        if name in self._staged:
            raise IsfError(f"internal error: export file {name!r} written twice")
        final = self.out_dir / name
        if final.resolve().parent != self._out_resolved:
            raise IsfError(f"internal error: export file {name!r} would leave {self.out_dir}")
        tmp = self.out_dir / f".{name}.partial"
        self._staged[name] = tmp
        return tmp

    def open_text(self, name: str) -> TextIO:
        """A new UTF-8 text file (LF newlines) under a temporary name; close it before commit."""
        return open(self._stage(name), "w", encoding="utf-8", newline="\n")

    def write_text(self, name: str, text: str) -> None:
        with self.open_text(name) as fh:
            fh.write(text)

    def write_bytes(self, name: str, data: bytes) -> None:
        with open(self._stage(name), "wb") as fh:
            fh.write(data)

    def open_hashed(self, name: str) -> HashingWriter:
        """A new binary file under a temporary name that hashes what is written to it, so the
        manifest does not read it back (used on the budgeted jsonl path)."""
        writer = HashingWriter(open(self._stage(name), "wb"))
        self._digests[name] = writer
        return writer

    def file_digest(self, name: str) -> tuple[int, str]:
        """(size in bytes, sha256 hex) of a staged file that has been closed."""
        writer = self._digests.get(name)
        if writer is not None:
            return writer.size, writer.sha256.hexdigest()
        h = hashlib.sha256()
        size = 0
        with open(self._staged[name], "rb") as fh:
            while chunk := fh.read(1 << 20):
                h.update(chunk)
                size += len(chunk)
        return size, h.hexdigest()

    def mark_empty(self, name: str) -> None:
        """A staged file that holds no data (a header only): :meth:`drop_empty` drops it."""
        self._empty.add(name)

    def drop_empty(self) -> list[str]:
        """Delete every staged file that is empty (a split without one row of this format) or
        marked so, and return their names: a format with nothing to write writes no file (an
        empty JSONL file breaks its readers, e.g. ``datasets.load_dataset``)."""
        empty = [name for name in self._staged if name in self._empty or self.file_digest(name)[0] == 0]
        for name in empty:
            self._staged.pop(name).unlink(missing_ok=True)
            self._digests.pop(name, None)
        return empty

    def staged_names(self) -> list[str]:
        return list(self._staged)

    def commit(self, last: str | None = None) -> list[Path]:
        """Rename every staged file to its final name, ``last`` (the manifest) at the very end."""
        order = [n for n in self._staged if n != last] + ([last] if last in self._staged else [])
        finals = []
        for name in order:
            os.replace(self._staged[name], self.out_dir / name)
            finals.append(self.out_dir / name)
        self._staged.clear()
        return finals

    def abort(self) -> None:
        """Delete every staged temporary file (used on cancellation and on any error)."""
        for tmp in self._staged.values():
            try:
                tmp.unlink()
            except FileNotFoundError:
                pass
        self._staged.clear()


class HashingWriter:
    """Binary file writer that keeps the SHA-256 and size of everything written."""

    def __init__(self, fh: BinaryIO) -> None:
        self._fh = fh
        self.sha256 = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self._fh.write(data)
        self.sha256.update(data)
        self.size += len(data)

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> HashingWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --------------------------------------------------------------------------- grouping


def by_split(docs: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """(file stem, documents) per split in train/dev/test order, or ``[("all", docs)]`` without
    a split. Empty splits are left out (the manifest still counts them)."""
    if not docs or docs[0].get("split") is None:
        return [("all", docs)] if docs else []
    groups: dict[str, list[dict[str, Any]]] = {}
    for d in docs:
        groups.setdefault(d["split"], []).append(d)
    return [(name, groups[name]) for name in SPLIT_ORDER if name in groups]


def span_index(record: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["id"]: s for s in record["spans"]}


def span_links(record: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Every (head span, tail span, label) link of a record for formats with one relation list:
    the relations, then each claim's source span ("source") and cue ("cue")."""
    links = [(r["head"], r["tail"], r["label"]) for r in record["relations"]]
    for cl in record["claims"]:
        if cl.get("source_span"):
            links.append((cl["span"], cl["source_span"], "source"))
        if cl.get("cue"):
            links.append((cl["span"], cl["cue"], "cue"))
    return links


def actor_index(record: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["id"]: a for a in record["actors"]}


def span_where(record: dict[str, Any], span: dict[str, Any]) -> str:
    return f"{record['id']}: span {span['id']} [{span['start']},{span['end']}) {span['text']!r}"


# --------------------------------------------------------------------------- entities

ENTITY_SPAN_LABEL = "ACTOR"


def actor_span_labels(scheme: dict[str, Any] | None) -> frozenset[str]:
    """The span labels whose spans name actors: those with ``role: "actor"`` in the scheme's
    ``span_labels``, else ``ACTOR``."""
    if isinstance(scheme, dict):
        names = [
            str(lab["name"])
            for lab in scheme.get("span_labels") or []
            if isinstance(lab, dict) and lab.get("role") == "actor" and isinstance(lab.get("name"), str)
        ]
        if names:
            return frozenset(names)
    return frozenset({ENTITY_SPAN_LABEL})


def entity_label(actor_type: str | None) -> str:
    """The entity label for an actor type: whitespace runs become ``_`` (``government body`` ->
    ``government_body``) so the label survives whitespace-separated formats; no type -> ACTOR."""
    label = "_".join((actor_type or "").split())
    return label or ENTITY_SPAN_LABEL


@dataclass(frozen=True, slots=True)
class Entity:
    """An ACTOR span aligned to tokens: tokens ``[token_start, token_end)``."""

    token_start: int
    token_end: int
    label: str
    kb_id: str
    span: dict[str, Any]


def align(doc: Doc, record: dict[str, Any], span: dict[str, Any], ctx: ExportContext, what: str) -> SpacySpan | None:
    """``doc.char_span`` strict, else expand (with a warning), else None (with a warning)."""
    sp = doc.char_span(span["start"], span["end"], alignment_mode="strict")
    if sp is not None and len(sp):
        return sp
    sp = doc.char_span(span["start"], span["end"], alignment_mode="expand")
    if sp is None or not len(sp) or not sp.text.strip():
        ctx.warn(f"{span_where(record, span)}: {what}: cannot be aligned to tokens, left out")
        return None
    ctx.warn(
        f"{span_where(record, span)}: {what}: not on token boundaries, "
        f"expanded to [{sp.start_char},{sp.end_char}) {sp.text!r}"
    )
    return sp


def actor_entities(doc: Doc, record: dict[str, Any], ctx: ExportContext, what: str) -> list[Entity]:
    """ACTOR spans (labels with the scheme's actor role) as non-overlapping token entities,
    longest first.

    Label = the linked actor's type (:func:`entity_label`), the span's own label when unlinked. Overlaps
    are resolved longest (in characters) first, then earliest start, then span id; every span
    left out (overlap or unalignable) is reported in ``ctx.warnings``. Sorted by token start.
    """
    actors = actor_index(record)
    candidates = []
    for span in record["spans"]:
        if span["label"] not in ctx.actor_labels:
            continue
        sp = align(doc, record, span, ctx, what)
        if sp is None:
            continue
        actor = actors.get(span.get("actor_id") or "")
        label = entity_label(actor.get("type")) if actor else entity_label(span["label"])
        candidates.append(Entity(sp.start, sp.end, label, span.get("actor_id") or "", span))
    candidates.sort(key=lambda e: (-(e.span["end"] - e.span["start"]), e.span["start"], e.span["id"]))
    taken: dict[int, Entity] = {}
    kept = []
    for ent in candidates:
        clash = next((taken[i] for i in range(ent.token_start, ent.token_end) if i in taken), None)
        if clash is not None:
            ctx.warn(
                f"{span_where(record, ent.span)}: {what}: overlaps the longer actor span "
                f"{clash.span['id']} [{clash.span['start']},{clash.span['end']}), left out"
            )
            continue
        for i in range(ent.token_start, ent.token_end):
            taken[i] = ent
        kept.append(ent)
    kept.sort(key=lambda e: e.token_start)
    return kept


def bio_tags(n_tokens: int, entities: list[Entity]) -> list[str]:
    """IOB2 tags (``B-X`` opens every entity) over a document's tokens."""
    tags = ["O"] * n_tokens
    for ent in entities:
        tags[ent.token_start] = f"B-{ent.label}"
        for i in range(ent.token_start + 1, ent.token_end):
            tags[i] = f"I-{ent.label}"
    return tags


def sentence_blocks(doc: Doc, entities: list[Entity]) -> list[tuple[int, int]]:
    """Sentence token ranges, merged where an entity crosses a sentence boundary, so that no
    entity is cut in two by one-row-per-sentence formats."""
    blocks: list[list[int]] = [[s.start, s.end] for s in doc.sents]
    if not blocks:
        return []
    crossing = [(e.token_start, e.token_end) for e in entities]
    merged = [blocks[0]]
    for start, end in blocks[1:]:
        if any(a < start < b for a, b in crossing):
            merged[-1][1] = end
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


def is_space_token(text: str) -> bool:
    return not text.strip()
