"""Export gold JSONL records to training and interchange formats.

The one entry point is :func:`export_records`. It takes gold records as plain dicts (schema
``isfannotate.gold/1``, code-point offsets), so it does not depend on the storage. It
validates every span, assigns splits, writes each file under a temporary name in the output
folder and renames them only once everything is written (``manifest.json`` last), so an
interrupted or cancelled export leaves no file with a final name.

Heavy libraries (spaCy) are imported only by the formats that need them.
"""
from __future__ import annotations

import hashlib
import importlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import orjson

from isfannotate.errors import IsfError
from isfannotate.formats.common import ExportCancelled, ExportContext, sanitise_name
from isfannotate.splits import SPLIT_NAMES, assign_splits, check_ratios, reached_ratios

__all__ = ["FORMATS", "ExportResult", "ExportCancelled", "export_records", "GOLD_SCHEMA_ID", "gold_schema"]

GOLD_SCHEMA_ID = "isfannotate.gold/1"
GOLD_SCHEMA_IDS = {1: "isfannotate.gold/1", 2: "isfannotate.gold/2"}
GOLD_SCHEMA_DEFAULT = 2

FORMATS = ("jsonl", "spacy", "hf", "stances", "claims", "stance-semeval", "attribution-parc", "brat", "doccano",
           "labelstudio", "prodigy", "conll")

_MODULES = {
    "jsonl": "jsonl",
    "spacy": "spacy_fmt",
    "hf": "hf",
    "stances": "rows",
    "claims": "rows",
    "stance-semeval": "semeval",
    "attribution-parc": "parc",
    "brat": "brat",
    "doccano": "doccano",
    "labelstudio": "labelstudio",
    "prodigy": "prodigy",
    "conll": "conll",
}

# Formats that tokenize with spaCy (an optional extra: pip install 'isfannotate[ml]').
NEEDS_SPACY = frozenset({"spacy", "hf", "stances", "claims", "stance-semeval", "attribution-parc", "prodigy", "conll"})
ML_EXTRA_HINT = "pip install 'isfannotate[ml]'"


def missing_requirement(fmt: str) -> str | None:
    """Why *fmt* cannot be written in this installation (a one-line reason naming the extra to
    install), or None. Checks without importing the library, so it is cheap for dialogs."""
    if fmt in NEEDS_SPACY:
        from importlib.util import find_spec
        if find_spec("spacy") is None:
            return f"the {fmt} format needs spaCy, which is not installed: {ML_EXTRA_HINT}"
    return None


# How each format counts offsets (recorded in the manifest; explained in docs/formats.md).
OFFSET_UNITS = {
    "jsonl": "codepoint",
    "spacy": "codepoint",
    "hf": "token (offsets column in code points)",
    "stances": "codepoint",
    "claims": "codepoint",
    "stance-semeval": "none (sentences)",
    "attribution-parc": "codepoint",
    "brat": "codepoint",
    "doccano": "utf16",
    "labelstudio": "codepoint",
    "prodigy": "codepoint",
    "conll": "token",
}

# Gold JSONL keys in the order DESIGN.md lists them; output lines follow this order.
GOLD_KEYS = (
    "schema", "id", "text", "sha256", "offset_unit", "meta", "split", "near_duplicate_group",
    "layer", "doc_labels", "actors", "targets", "spans", "claims", "stances", "relations", "provenance",
)


@dataclass
class ExportResult:
    """What an export wrote. ``files`` are final paths (manifest last); ``warnings`` name the
    document and offsets of every span that was dropped, expanded or could not be aligned."""

    out_dir: Path
    files: list[Path]
    counts: dict
    warnings: list[str] = field(default_factory=list)
    manifest: dict = field(default_factory=dict)
    not_written: list[str] = field(default_factory=list)   # files left out: nothing to write in them


# What /2 adds to a line (docs/gold-jsonl.md): the adjudicator's notes, document-label provenance,
# and the rejected units.
GOLD2_EXTRA = ("notes", "doc_label_provenance", "rejected")
GOLD_KEYS_2 = (*GOLD_KEYS, *GOLD2_EXTRA)


def gold_schema(version: int = 1) -> dict:
    """The shipped JSON Schema (draft 2020-12) of one gold JSONL line of schema *version*."""
    from importlib import resources

    text = resources.files("isfannotate").joinpath(f"schemas/gold-{version}.schema.json").read_text("utf-8")
    return json.loads(text)


def tool_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("isfannotate")
    except PackageNotFoundError:
        return "0+unknown"


# --------------------------------------------------------------------------- validation


def _fail(doc_id: object, message: str) -> IsfError:
    return IsfError(f"document {doc_id!r}: {message}")


def _normalise(record: dict, layer: str, index: int, version: int = GOLD_SCHEMA_DEFAULT) -> dict:
    """A copy of ``record`` in canonical key order with defaults filled in, after checking
    every span (``text == doc_text[start:end]``) and every id reference. Raises IsfError."""
    if not isinstance(record, dict):
        raise IsfError(f"record {index + 1}: not a JSON object")
    doc_id = record.get("id")
    if not isinstance(doc_id, str) or not doc_id:
        raise IsfError(f"record {index + 1}: missing or empty document id")
    text = record.get("text")
    if not isinstance(text, str):
        raise _fail(doc_id, "missing text")
    unknown = [k for k in record if k not in GOLD_KEYS_2]
    if unknown:
        raise _fail(doc_id, f"unknown field {unknown[0]!r} (not in {GOLD_SCHEMA_IDS[2]})")
    if record.get("schema", GOLD_SCHEMA_ID) not in GOLD_SCHEMA_IDS.values():
        raise _fail(doc_id, f"schema {record.get('schema')!r} is not {' or '.join(GOLD_SCHEMA_IDS.values())}")
    if record.get("offset_unit", "codepoint") != "codepoint":
        raise _fail(doc_id, f"offset_unit {record.get('offset_unit')!r}: only 'codepoint' is exported")
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    if record.get("sha256", digest) != digest:
        raise _fail(doc_id, "sha256 does not match the text")

    out = {
        "schema": GOLD_SCHEMA_IDS[version],
        "id": doc_id,
        "text": text,
        "sha256": digest,
        "offset_unit": "codepoint",
        "meta": record.get("meta") or {},
        "split": None,
        "near_duplicate_group": record.get("near_duplicate_group"),
        "layer": record.get("layer") or layer,
        "doc_labels": record.get("doc_labels") or {},
        "actors": record.get("actors") or [],
        "targets": record.get("targets") or [],
        "spans": record.get("spans") or [],
        "claims": record.get("claims") or [],
        "stances": record.get("stances") or [],
        "relations": record.get("relations") or [],
        "provenance": record.get("provenance") or {},
    }
    if version == 2:
        out["notes"] = record.get("notes") or {}
        out["doc_label_provenance"] = record.get("doc_label_provenance") or {}
        out["rejected"] = record.get("rejected") or []

    spans = out["spans"]
    if not _spans_look_valid(text, spans):
        _check_spans_slowly(doc_id, text, spans)
    span_ids = {s["id"] for s in spans}
    actor_ids = {a["id"] for a in out["actors"]}
    target_ids = {t["id"] for t in out["targets"]}

    unknown_actor = {s.get("actor_id") for s in spans} - actor_ids - {None}
    if unknown_actor:
        bad = next(s for s in spans if s.get("actor_id") in unknown_actor)
        raise _fail(doc_id, f"span {bad['id']!r} refers to unknown actor {bad['actor_id']!r}")

    claims, stances, relations = out["claims"], out["stances"], out["relations"]
    # Set arithmetic first (fast); the loops below only run to name a broken reference.
    refs_ok = (
        {c.get("span") for c in claims} <= span_ids
        and {c.get("source_span") for c in claims} | {c.get("cue") for c in claims} <= span_ids | {None}
        and {c.get("source") for c in claims} <= actor_ids | {None}
        and {st.get("holder") for st in stances} <= actor_ids | {None}
        and {st.get("target") for st in stances} <= target_ids | {None}
        and {ev for st in stances for ev in (st.get("evidence") or [])} <= span_ids
        and {r.get("head") for r in relations} | {r.get("tail") for r in relations} <= span_ids
    )
    if not refs_ok:
        _name_broken_reference(doc_id, out, span_ids, actor_ids, target_ids)
    return out


def _name_broken_reference(doc_id: str, out: dict, span_ids: set, actor_ids: set, target_ids: set) -> None:
    """Raise an IsfError naming the first reference to a span, actor or target that does not exist."""

    def need(ref: object, pool: set, what: str, owner: str) -> None:
        if ref is not None and ref not in pool:
            raise _fail(doc_id, f"{owner} refers to unknown {what} {ref!r}")

    for claim in out["claims"]:
        owner = f"claim on span {claim.get('span')!r}"
        if claim.get("span") not in span_ids:
            raise _fail(doc_id, f"{owner} refers to unknown span {claim.get('span')!r}")
        need(claim.get("source"), actor_ids, "actor", owner)
        need(claim.get("source_span"), span_ids, "span", owner)
        need(claim.get("cue"), span_ids, "span", owner)
    for stance in out["stances"]:
        owner = f"stance {stance.get('id')!r}"
        need(stance.get("holder"), actor_ids, "actor", owner)
        need(stance.get("target"), target_ids, "target", owner)
        for ev in stance.get("evidence") or []:
            need(ev, span_ids, "evidence span", owner)
    for rel in out["relations"]:
        owner = f"relation {rel.get('label')!r}"
        need(rel.get("head"), span_ids, "span", owner)
        need(rel.get("tail"), span_ids, "span", owner)

    raise _fail(doc_id, "has a reference that is not a plain id")


def _spans_look_valid(text: str, spans: list) -> bool:
    """Fast check of every span (this loop is most of the jsonl budget): one slice comparison
    and a few integer comparisons per span, unique ids. False means: look closer."""
    n = len(text)
    try:
        for span in spans:
            start = span["start"]
            end = span["end"]
            if (
                text[start:end] != span["text"]
                or type(start) is not int
                or type(end) is not int
                or start < 0
                or start >= end
                or end > n
                or not span["label"]
            ):
                return False
    except (KeyError, TypeError):
        return False
    return len({s["id"] for s in spans}) == len(spans)


def _check_spans_slowly(doc_id: str, text: str, spans: list) -> None:
    """Find and report the first bad span (the fast path in :func:`_normalise` only detects)."""
    n = len(text)
    span_ids: set[str] = set()
    for span in spans:
        try:
            sid, start, end, label, stext = span["id"], span["start"], span["end"], span["label"], span["text"]
        except (KeyError, TypeError) as exc:
            raise _fail(doc_id, f"span {span!r} lacks {exc}") from None
        if sid in span_ids:
            raise _fail(doc_id, f"span id {sid!r} used twice")
        span_ids.add(sid)
        if not isinstance(label, str) or not label:
            raise _fail(doc_id, f"span {sid!r} has no label")
        if type(start) is not int or type(end) is not int or not 0 <= start < end <= n:
            raise _fail(doc_id, f"span {sid!r} [{start},{end}) is not within the text (length {n}) or is empty")
        if text[start:end] != stext:
            raise _fail(
                doc_id,
                f"span {sid!r} [{start},{end}) {label} has text {stext!r} but the document has "
                f"{text[start:end]!r} there",
            )


# --------------------------------------------------------------------------- helpers


def _default_out_dir(project_name: str, layer: str, fmt: str) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    base = Path.cwd() / "exports" / f"{sanitise_name(project_name)}-{sanitise_name(layer)}-{fmt}-{stamp}"
    candidate, n = base, 2
    while candidate.exists() and any(candidate.iterdir()):
        candidate = base.with_name(f"{base.name}-{n}")
        n += 1
    return candidate


def _previous_export_files(out_dir: Path) -> list[Path]:
    """Files listed by an earlier isfannotate manifest in ``out_dir`` (replaced on --force)."""
    manifest = out_dir / "manifest.json"
    try:
        data = json.loads(manifest.read_text("utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(data, dict) or data.get("tool") != "isfannotate":
        return []
    out = []
    for entry in data.get("files") or []:
        name = entry.get("name") if isinstance(entry, dict) else None
        if isinstance(name, str) and name and re.fullmatch(r"[^/\\\0]+", name) and name not in (".", ".."):
            out.append(out_dir / name)
    return out + [manifest]


def _counts(docs: list[dict], n_splits: int | None, warnings: int) -> dict:
    by_split_label = Counter((d["split"], s["label"]) for d in docs for s in d["spans"])
    labels: Counter = Counter()
    for (_split, label), n in by_split_label.items():
        labels[label] += n
    per_split: dict[str, dict] = {}
    for name in SPLIT_NAMES[: n_splits or 0]:
        split_labels = {lab: n for (sp, lab), n in by_split_label.items() if sp == name}
        per_split[name] = {
            "documents": sum(1 for d in docs if d["split"] == name),
            "spans": sum(split_labels.values()),
            "labels": dict(sorted(split_labels.items())),
        }
    return {
        "documents": len(docs),
        "spans": sum(labels.values()),
        "labels": dict(sorted(labels.items())),
        "claims": sum(len(d["claims"]) for d in docs),
        "stances": sum(len(d["stances"]) for d in docs),
        "relations": sum(len(d["relations"]) for d in docs),
        "splits": per_split,
        "warnings": warnings,
    }


CONTENT_DIGEST_PREFIX = b"isfannotate-export/1\n"


def _json_line(record: dict) -> bytes:
    """One gold JSONL line (with its newline) in orjson's compact form.

    orjson encodes 100,000 spans' records about four times faster than the standard library
    (bench/bench_export.py). It refuses integers over 64 bits (a free ``meta`` from an import
    may hold one) and lone surrogates; those records go through ``json`` with the same compact
    separators, so every line has one form."""
    try:
        return orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE)
    except (orjson.JSONEncodeError, TypeError):
        return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8", "surrogatepass")


def gold_lines(docs: Iterable[dict]) -> Iterator[bytes]:
    """The gold JSONL line (UTF-8, newline included) of each normalised record, keys in the
    order DESIGN.md lists them."""
    for d in docs:
        keys = GOLD_KEYS_2 if d["schema"] == GOLD_SCHEMA_IDS[2] else GOLD_KEYS
        yield _json_line({k: d[k] for k in keys})


def content_digest(fmt: str, group_digests: Iterable[tuple[str, str]]) -> str:
    """SHA-256 naming the exported content: the format, then per split (file stem) the SHA-256
    of that split's gold JSONL lines. No time in it: the same records, split and seed give
    the same digest in every run and on every machine, whatever the format's own bytes."""
    h = hashlib.sha256(CONTENT_DIGEST_PREFIX + f"{fmt}\n".encode())
    for stem, digest in group_digests:
        h.update(f"{stem} {digest}\n".encode())
    return h.hexdigest()


def gold_group_digests(docs: list[dict]) -> list[tuple[str, str]]:
    """(file stem, SHA-256 of the gold JSONL lines) per split, in export order."""
    from isfannotate.formats.common import by_split

    out = []
    for stem, group in by_split(docs):
        h = hashlib.sha256()
        for line in gold_lines(group):
            h.update(line)
        out.append((stem, h.hexdigest()))
    return out


# --------------------------------------------------------------------------- entry point


def export_records(
    records: Sequence[dict],
    fmt: str,
    out_dir: Path | str | None = None,
    *,
    project_name: str,
    layer: str,
    left_out: Iterable[tuple[str, str]] = (),
    split: Sequence[float] | None = None,
    seed: int = 0,
    force: bool = False,
    scheme: dict | None = None,
    language: str = "en",
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    schema_version: int = GOLD_SCHEMA_DEFAULT,
) -> ExportResult:
    """Write ``records`` (gold JSONL dicts, code-point offsets) in format ``fmt`` to ``out_dir``.

    Validates every span and reference first (IsfError naming the document and span), refuses a
    non-empty ``out_dir`` unless ``force``, splits by document when ``split`` ratios are given
    (near-duplicate groups whole, reproducible from ``seed``), writes all files under temporary
    names and renames them when complete, ``manifest.json`` last. ``progress(done, total)`` is
    called with 0 before the first document and with ``total`` once the files are in place;
    ``cancelled()`` is polled before each document and raises :class:`ExportCancelled`. Any
    exception (including one raised by ``progress``) removes every temporary file. Runs in the
    calling thread; safe to call from a worker thread.
    """
    if fmt not in FORMATS:
        raise IsfError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    missing = missing_requirement(fmt)
    if missing:
        raise IsfError(missing)
    ratios = check_ratios(split)
    if type(seed) is not int:
        raise IsfError(f"--seed takes an integer, got {seed!r}")

    if schema_version not in GOLD_SCHEMA_IDS:
        raise IsfError(f"--schema takes 1 or 2, not {schema_version!r}")
    docs = [_normalise(r, layer, i, schema_version) for i, r in enumerate(records)]
    seen: set[str] = set()
    for d in docs:
        if d["id"] in seen:
            raise IsfError(f"document id {d['id']!r} appears twice in the export")
        seen.add(d["id"])

    assignment: dict[str, str] = {}
    if ratios is not None:
        assignment = assign_splits([(d["id"], d["near_duplicate_group"]) for d in docs], ratios, seed)
        for d in docs:
            d["split"] = assignment[d["id"]]
        rank = {name: i for i, name in enumerate(SPLIT_NAMES)}
        docs.sort(key=lambda d: rank[d["split"]])  # stable: input order within a split

    if out_dir is None:
        target = _default_out_dir(project_name, layer, fmt)
    else:
        target = Path(out_dir)
    if target.exists() and not target.is_dir():
        raise IsfError(f"{target} exists and is not a folder")
    previous: list[Path] = []
    if target.is_dir() and any(target.iterdir()):
        if not force:
            raise IsfError(f"{target} is not empty; choose another --out or pass --force to write into it")
        previous = _previous_export_files(target)
    created = not target.exists()
    target.mkdir(parents=True, exist_ok=True)

    module = importlib.import_module(f"isfannotate.formats.{_MODULES[fmt]}")
    ctx = ExportContext(
        target,
        language=language,
        scheme=scheme,
        layer=layer,
        project_name=project_name,
        total=len(docs),
        progress=progress,
        cancelled=cancelled,
    )
    try:
        ctx.report(0)
        ctx.stats["format"] = fmt
        module.write(ctx, docs)
        ctx.check_cancelled()
        not_written = ctx.drop_empty()
        if not ctx.staged_names():
            what = f" ({', '.join(not_written)} would be empty)" if not_written else ""
            raise IsfError(f"{fmt}: nothing to write in the {len(docs)} exported documents of layer {layer!r}"
                           f"{what}; no file was written")
        counts = _counts(docs, len(ratios) if ratios else None, len(ctx.warnings))
        if ctx.stats.get("extra"):
            counts["format"] = ctx.stats["extra"]
        written = ctx.staged_names()
        files_meta = []
        for name in sorted(written):
            size, digest = ctx.file_digest(name)
            files_meta.append({"name": name, "bytes": size, "sha256": digest})
        manifest = {
            "tool": "isfannotate",
            "tool_version": tool_version(),
            "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "format": fmt,
            "gold_schema": GOLD_SCHEMA_IDS[schema_version],
            "offset_unit": OFFSET_UNITS[fmt],
            "project": project_name,
            "layer": layer,
            "language": language,
            "split": None
            if ratios is None
            else {
                "requested": dict(zip(SPLIT_NAMES, ratios)),
                "reached": reached_ratios(assignment, len(ratios)),
                "seed": seed,
                "method": "near-duplicate groups whole; seeded sha256 order; largest shortfall first",
            },
            "counts": counts,
            "documents_exported": [{"id": d["id"], "split": d["split"]} for d in docs],
            "documents_left_out": [{"id": str(i), "reason": str(r)} for i, r in left_out],
            "near_duplicate_groups": _groups(docs),
            "scheme": scheme,
            "content_sha256": content_digest(fmt, ctx.stats.get("gold_digests") or gold_group_digests(docs)),
            "files": files_meta,
            "warnings": list(ctx.warnings),
            "not_written": [{"name": n, "reason": "nothing to write"} for n in not_written],
        }
        if ctx.stats.get("names"):
            manifest["file_names"] = ctx.stats["names"]
        ctx.write_text("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
        ctx.check_cancelled()
        keep = set(written) | {"manifest.json"}
        for old in previous:
            if old.name not in keep:
                old.unlink(missing_ok=True)
        files = ctx.commit(last="manifest.json")
    except BaseException:
        ctx.abort()
        if created:
            try:
                target.rmdir()
            except OSError:
                pass
        raise
    ctx.report(len(docs))
    return ExportResult(out_dir=target, files=files, counts=counts, warnings=list(ctx.warnings), manifest=manifest,
                        not_written=not_written)


def _groups(docs: list[dict]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for d in docs:
        if d["near_duplicate_group"] is not None:
            groups.setdefault(d["near_duplicate_group"], []).append(d["id"])
    return dict(sorted(groups.items()))
