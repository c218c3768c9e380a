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
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from operator import itemgetter
from pathlib import Path
from types import ModuleType
from typing import Any

from isfannotate.errors import IsfError
from isfannotate.exporting.records import normalise
from isfannotate.formats.common import ExportCancelled, ExportContext, sanitise_name
from isfannotate.formats.jsonl import gold_lines
from isfannotate.models import GOLD_SCHEMA_DEFAULT, GOLD_SCHEMA_IDS
from isfannotate.splits import SPLIT_NAMES, assign_splits, check_ratios, reached_ratios

__all__ = ["FORMATS", "ExportResult", "ExportCancelled", "export_records", "GOLD_SCHEMA_IDS", "gold_schema"]


FORMATS = ("jsonl", "spacy", "hf", "stances", "claims", "stance-semeval", "attribution-parc", "brat", "doccano",
           "labelstudio", "prodigy", "conll")

def _format_module(fmt: str) -> ModuleType:
    """The writer module of *fmt*, imported at the first export (not when a dialog or the CLI
    imports this package: the readers of brat and the rest cost half a second under load).
    Plain import statements, which the import tools see."""
    from isfannotate.formats import (
        brat,
        conll,
        doccano,
        hf,
        jsonl,
        labelstudio,
        parc,
        prodigy,
        rows,
        semeval,
        spacy_fmt,
    )
    return {"jsonl": jsonl, "spacy": spacy_fmt, "hf": hf, "stances": rows, "claims": rows, "stance-semeval": semeval,
            "attribution-parc": parc, "brat": brat, "doccano": doccano, "labelstudio": labelstudio,
            "prodigy": prodigy, "conll": conll}[fmt]

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



@dataclass
class ExportResult:
    """What an export wrote. ``files`` are final paths (manifest last); ``warnings`` name the
    document and offsets of every span that was dropped, expanded or could not be aligned."""

    out_dir: Path
    files: list[Path]
    counts: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)
    not_written: list[str] = field(default_factory=list)   # files left out: nothing to write in them




def gold_schema(version: int = 1) -> dict[str, Any]:
    """The shipped JSON Schema (draft 2020-12) of one gold JSONL line of schema *version*."""
    from importlib import resources

    text = resources.files("isfannotate").joinpath(f"schemas/gold-{version}.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def tool_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("isfannotate")
    except PackageNotFoundError:
        return "0+unknown"


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


_label_of = itemgetter("label")


def _counts(docs: list[dict[str, Any]], n_splits: int | None, warnings: int) -> dict[str, Any]:
    # labels counted in C, split by split (100,000 spans: no tuple made per span)
    by_split: dict[Any, Counter[Any]] = {}
    for d in docs:
        counter = by_split.get(d["split"])
        if counter is None:
            counter = by_split[d["split"]] = Counter()
        counter.update(map(_label_of, d["spans"]))
    labels: Counter[Any] = Counter()
    for counter in by_split.values():
        for label, n in counter.items():
            labels[label] += n
    per_split: dict[str, dict[str, Any]] = {}
    for name in SPLIT_NAMES[: n_splits or 0]:
        split_labels = dict(by_split.get(name, {}))
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


def content_digest(fmt: str, group_digests: Iterable[tuple[str, str]]) -> str:
    """SHA-256 naming the exported content: the format, then per split (file stem) the SHA-256
    of that split's gold JSONL lines. No time in it: the same records, split and seed give
    the same digest in every run and on every machine, whatever the format's own bytes."""
    h = hashlib.sha256(CONTENT_DIGEST_PREFIX + f"{fmt}\n".encode())
    for stem, digest in group_digests:
        h.update(f"{stem} {digest}\n".encode())
    return h.hexdigest()


def gold_group_digests(docs: list[dict[str, Any]]) -> list[tuple[str, str]]:
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
    records: Sequence[dict[str, Any]],
    fmt: str,
    out_dir: Path | str | None = None,
    *,
    project_name: str,
    layer: str,
    left_out: Iterable[tuple[str, str]] = (),
    split: Sequence[float] | None = None,
    seed: int = 0,
    force: bool = False,
    scheme: dict[str, Any] | None = None,
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
    docs = [normalise(r, layer, i, schema_version) for i, r in enumerate(records)]
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

    module = _format_module(fmt)
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
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "format": fmt,
            "gold_schema": GOLD_SCHEMA_IDS[schema_version],
            "offset_unit": OFFSET_UNITS[fmt],
            "project": project_name,
            "layer": layer,
            "language": language,
            "split": None
            if ratios is None
            else {
                "requested": dict(zip(SPLIT_NAMES, ratios, strict=False)),
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


def _groups(docs: list[dict[str, Any]]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for d in docs:
        if d["near_duplicate_group"] is not None:
            groups.setdefault(d["near_duplicate_group"], []).append(d["id"])
    return dict(sorted(groups.items()))
