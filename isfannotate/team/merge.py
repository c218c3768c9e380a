"""Bringing annotators' files back: ``isfannotate merge PROJECT FILE...``.

An annotator's file is untrusted input. It is never opened in place: it is copied (with a
``-wal`` a crashed app left beside it) into a temporary folder, and the copy is opened with
``PRAGMA trusted_schema=OFF``. It is refused when it is still owned by a running app, fails
SQLite's integrity check, holds triggers or views or any table that is not exactly ours, or
comes from a newer version; an older one is migrated as that temporary copy. Nothing it
contains is executed: it is only read with plain SELECTs, and every row is validated
(offsets inside the text, labels in the scheme, references that resolve) before anything is
written.

Then, in ONE action (all-or-nothing, one undo step):
- documents are matched by the SHA-256 of their text;
- the file's registry and target list are reconciled by id, then external id, then canonical
  name (remembered per annotator in ``merge_ids``); new entries get new ids; differences are
  listed as conflicts for the lead to decide (``merge_conflicts``);
- each document's layer of the file's annotator is replaced by the file's version when the
  file's version changed since it was last merged (a digest per annotator and document,
  ``merge_digests``), and left alone otherwise, so merging the same file twice changes nothing
  and reads nothing of the project's layers;
- nothing but that annotator's own layer is written.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError, IsfError, ValidationError
from ..ids import new_id, now
from ..models import GOLD, layer_name
from ..scheme import Scheme, parse_scheme
from ..store import ownership, schema
from ..store.layers import clear_layer

if TYPE_CHECKING:
    from ..changes import Recorder
    from ..store.base import ProjectBase


@dataclass
class FileReport:
    path: str
    annotator: str
    documents: int = 0          # documents in the file with this annotator's work
    replaced: int = 0           # documents whose layer changed
    unchanged: int = 0
    spans: int = 0
    new_actors: int = 0
    new_targets: int = 0
    conflicts: list[str] = field(default_factory=list)


@dataclass
class MergeReport:
    files: list[FileReport] = field(default_factory=list)

    def summary(self) -> str:
        lines = []
        for f in self.files:
            line = (f"{f.path}: {f.annotator}: {f.documents} documents ({f.replaced} updated, {f.unchanged} unchanged), "
                    f"{f.spans} spans")
            if f.new_actors or f.new_targets:
                line += f", {f.new_actors} new actors, {f.new_targets} new targets"
            if f.conflicts:
                line += f", {len(f.conflicts)} registry conflicts to decide"
            lines.append(line)
        return "\n".join(lines)


# --------------------------------------------------------------------------- reading a file
def _reference_schema() -> set[tuple[str, str, str]]:
    """(type, name, sql) of every table and index a project of this version has."""
    import sqlite_utils
    conn = sqlite3.connect(":memory:")
    schema.migration_set().apply(sqlite_utils.Database(conn))
    rows = {tuple(r) for r in conn.execute("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL")}
    conn.close()
    return rows


@dataclass
class _FileData:
    path: str
    annotator: str
    scheme: Scheme
    docs: dict[str, tuple[str, str]]                 # file doc id -> (sha256, text)
    actors: dict[str, dict]
    targets: dict[str, dict]
    spans: list[dict]
    claims: list[dict]
    stances: list[dict]
    evidence: list[dict]
    relations: list[dict]
    doc_labels: list[dict]
    status: list[dict]


def _rows(conn: sqlite3.Connection, sql: str, params: Sequence = ()) -> list[dict]:
    cur = conn.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def read_annotator_file(path: str | Path, reference: set | None = None) -> _FileData:
    """Copy, check and read an annotator's file; raises InputError naming the file."""
    path = Path(path)
    src = str(path)
    if not path.is_file():
        raise InputError(src, "no such file")
    owner = ownership.owner_of(path)
    if owner is not None:
        raise InputError(src, f"still open in {owner.describe()}; close it there, then merge")
    with open(path, "rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise InputError(src, "not an isfannotate project (not an SQLite file)")
    with tempfile.TemporaryDirectory(prefix="isf-merge-") as tmp:
        copy = Path(tmp) / "in.isf"
        shutil.copyfile(path, copy)
        wal = path.with_name(path.name + "-wal")
        if wal.exists():   # a crashed app's last work: replayed into the copy, never into the original
            shutil.copyfile(wal, Path(tmp) / "in.isf-wal")
        conn = sqlite3.connect(copy, isolation_level=None)
        try:
            conn.execute("PRAGMA trusted_schema=OFF")
            try:
                return _read_checked(conn, src, reference)
            except sqlite3.DatabaseError as e:
                raise InputError(src, f"damaged or not a project file ({e})") from None
        finally:
            conn.close()


def _read_checked(conn: sqlite3.Connection, src: str, reference: set | None) -> _FileData:
    objects = conn.execute("SELECT type, name FROM sqlite_master WHERE type IN ('trigger', 'view')").fetchall()
    if objects:
        raise InputError(src, "holds " + ", ".join(f"{t} {n}" for t, n in objects)
                         + "; a project file never has triggers or views, so it is refused")
    check = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    if check != ["ok"]:
        raise InputError(src, f"fails SQLite's integrity check: {check[0]}")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "documents" not in tables or schema.MIGRATIONS_TABLE not in tables:
        raise InputError(src, "not an isfannotate project (no project tables)")
    applied = schema.applied(conn)
    known = [fn.__name__ for fn in schema.MIGRATIONS]
    if [n for n in applied if n not in known]:
        raise InputError(src, "written by a newer isfannotate; upgrade isfannotate to merge it")
    if applied != known:
        schema.migrate(conn)   # the temporary copy only
    reference = reference if reference is not None else _reference_schema()
    have = {tuple(r) for r in conn.execute("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL")}
    if have - reference:
        odd = sorted(n for _, n, _ in have - reference)
        raise InputError(src, f"its tables are not an isfannotate project's ({', '.join(odd[:5])}); refused")
    conn.execute("PRAGMA query_only=ON")
    info = dict(conn.execute("SELECT key, value FROM project_info"))
    try:
        scheme = parse_scheme(json.loads(info["scheme"]), f"{src} (stored scheme)")
    except (KeyError, ValueError) as e:
        raise InputError(src, f"its stored scheme is missing or invalid: {e}") from None
    docs = {}
    for doc_id, text, sha in conn.execute("SELECT id, text, sha256 FROM documents"):
        if not isinstance(text, str) or hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest() != sha:
            raise InputError(src, f"document {doc_id!r}: its text does not match its sha256")
        docs[doc_id] = (sha, text)
    layers = {r[0] for r in conn.execute("SELECT layer FROM spans UNION SELECT layer FROM stances "
                                         "UNION SELECT layer FROM doc_status")} - {GOLD}
    annotator = info.get("annotator")
    if annotator is None:
        if len(layers) > 1:
            raise InputError(src, f"holds several annotators' layers ({', '.join(sorted(layers))}) and records no "
                                  "annotator; merge files written by 'isfannotate handout'")
        if not layers:
            raise InputError(src, "holds no annotator's work")
        annotator = next(iter(layers))
    try:
        annotator = layer_name(annotator)
    except ValidationError as e:
        raise InputError(src, str(e)) from None
    q = (annotator,)
    return _FileData(
        path=src, annotator=annotator, scheme=scheme, docs=docs,
        actors={r["id"]: r for r in _rows(conn, "SELECT id, name, type, aliases, external_id, note FROM actors")},
        targets={r["id"]: r for r in _rows(conn, "SELECT id, name, description FROM targets")},
        spans=_rows(conn, 'SELECT id, document_id, start, "end", label, actor_id, attrs, created_at FROM spans '
                          "WHERE layer=?", q),
        claims=_rows(conn, "SELECT c.* FROM claims c JOIN spans s ON s.id=c.span_id WHERE s.layer=?", q),
        stances=_rows(conn, "SELECT id, document_id, holder, target, polarity, conditions, created_at FROM stances "
                            "WHERE layer=?", q),
        evidence=_rows(conn, "SELECT e.* FROM stance_evidence e JOIN stances s ON s.id=e.stance_id WHERE s.layer=? "
                             "ORDER BY e.stance_id, e.position", q),
        relations=_rows(conn, "SELECT id, document_id, head, tail, label FROM relations WHERE layer=?", q),
        doc_labels=_rows(conn, "SELECT document_id, key, value FROM doc_labels WHERE layer=?", q),
        status=_rows(conn, "SELECT document_id, status, reason, updated_at FROM doc_status WHERE layer=?", q),
    )


# --------------------------------------------------------------------------- validation
def check_scheme(project_scheme: Scheme, file_scheme: Scheme, src: str) -> None:
    """The file's labels, attributes, actor types and polarities must be a subset of the project's."""
    diff = []
    mine = {lab.name: lab for lab in project_scheme.span_labels}
    for lab in file_scheme.span_labels:
        if lab.name not in mine:
            diff.append(f"label {lab.name}")
            continue
        attrs = {a.name: a for a in mine[lab.name].attributes}
        for a in lab.attributes:
            if a.name not in attrs or attrs[a.name].type != a.type:
                diff.append(f"attribute {lab.name}.{a.name}")
            elif a.type == "choice" and set(a.choices) - set(attrs[a.name].choices):
                diff.append(f"choices {lab.name}.{a.name}: {', '.join(sorted(set(a.choices) - set(attrs[a.name].choices)))}")
    diff += [f"actor type {t}" for t in file_scheme.actor_types if t not in project_scheme.actor_types]
    diff += [f"polarity {p}" for p in file_scheme.stance.polarities if p not in project_scheme.stance.polarities]
    rels = {r.name for r in project_scheme.relation_types}
    diff += [f"relation {r.name}" for r in file_scheme.relation_types if r.name not in rels]
    dls = {d.name for d in project_scheme.doc_labels}
    diff += [f"document label {d.name}" for d in file_scheme.doc_labels if d.name not in dls]
    if diff:
        raise InputError(src, "its scheme is not a subset of the project's; not in the project: " + "; ".join(diff))


def _validate_rows(data: _FileData, scheme: Scheme) -> None:
    src = data.path
    labels = {lab.name: lab for lab in scheme.span_labels}
    for a in data.actors.values():
        if a["type"] not in scheme.actor_types:
            raise InputError(src, f"actor {a['id']}: type {a['type']!r} is not in the scheme")
        try:
            aliases = json.loads(a["aliases"])
        except (TypeError, ValueError):
            aliases = None
        if not isinstance(aliases, list) or not all(isinstance(x, str) for x in aliases):
            raise InputError(src, f"actor {a['id']}: aliases are not a JSON list of names")
        if not isinstance(a["name"], str) or not a["name"].strip():
            raise InputError(src, f"actor {a['id']}: no name")
    spans = {}
    for s in data.spans:
        doc = data.docs.get(s["document_id"])
        if doc is None:
            raise InputError(src, f"span {s['id']}: document {s['document_id']!r} is not in the file")
        if not (isinstance(s["start"], int) and isinstance(s["end"], int) and 0 <= s["start"] < s["end"] <= len(doc[1])):
            raise InputError(src, f"span {s['id']} {s['start']}-{s['end']} is outside its text "
                                  f"(length {len(doc[1])}) or empty")
        if s["label"] not in labels:
            raise InputError(src, f"span {s['id']}: label {s['label']!r} is not in the scheme")
        if s["actor_id"] is not None and s["actor_id"] not in data.actors:
            raise InputError(src, f"span {s['id']}: actor {s['actor_id']!r} is not in the file's registry")
        try:
            if s["attrs"] != "{}" and not isinstance(json.loads(s["attrs"]), dict):
                raise ValueError("not an object")
        except (TypeError, ValueError):
            raise InputError(src, f"span {s['id']}: attributes are not a JSON object") from None
        spans[s["id"]] = s
    for c in data.claims:
        claim = spans.get(c["span_id"])
        for ref in (c["span_id"], c["source_span"], c["cue_span"]):
            if ref is not None and (ref not in spans or spans[ref]["document_id"] != claim["document_id"]):
                raise InputError(src, f"claim {c['span_id']}: span {ref!r} is not in the same document and layer")
        if c["source_actor"] is not None and c["source_actor"] not in data.actors:
            raise InputError(src, f"claim {c['span_id']}: source {c['source_actor']!r} is not in the file's registry")
    stances = {}
    for st in data.stances:
        if st["document_id"] not in data.docs:
            raise InputError(src, f"stance {st['id']}: document {st['document_id']!r} is not in the file")
        if st["polarity"] not in scheme.stance.polarities:
            raise InputError(src, f"stance {st['id']}: polarity {st['polarity']!r} is not in the scheme")
        if st["holder"] is not None and st["holder"] not in data.actors:
            raise InputError(src, f"stance {st['id']}: holder {st['holder']!r} is not in the file's registry")
        if st["target"] is not None and st["target"] not in data.targets:
            raise InputError(src, f"stance {st['id']}: target {st['target']!r} is not in the file's target list")
        stances[st["id"]] = st
    for e in data.evidence:
        if e["stance_id"] not in stances or e["span_id"] not in spans \
                or spans[e["span_id"]]["document_id"] != stances[e["stance_id"]]["document_id"]:
            raise InputError(src, f"stance {e['stance_id']}: evidence {e['span_id']!r} does not resolve")
    for r in data.relations:
        for end in (r["head"], r["tail"]):
            if end not in spans or spans[end]["document_id"] != r["document_id"]:
                raise InputError(src, f"relation {r['id']}: span {end!r} is not in the same document and layer")
    doc_label_names = {d.name for d in scheme.doc_labels}
    for d in data.doc_labels:
        if d["key"] not in doc_label_names or d["document_id"] not in data.docs:
            raise InputError(src, f"document label {d['key']!r} of {d['document_id']!r} does not resolve")
    for st in data.status:
        if st["status"] not in ("new", "in_progress", "done") or st["document_id"] not in data.docs:
            raise InputError(src, f"document status {st['status']!r} of {st['document_id']!r} is not valid")


# --------------------------------------------------------------------------- writing
def _reconcile(project: "ProjectBase", rec: "Recorder", data: _FileData, report: FileReport, stamp: str,
               kind: str) -> dict[str, str]:
    """file id -> project id for the file's actors (or targets); new entries get new ids; the
    differences found are listed as conflicts."""
    conn = rec.conn
    table = "actors" if kind == "actor" else "targets"
    items = data.actors if kind == "actor" else data.targets
    fields = ("name", "type", "external_id") if kind == "actor" else ("name",)
    out: dict[str, str] = {}
    for fid, item in sorted(items.items()):
        pid = None
        row = conn.execute("SELECT project_id FROM merge_ids WHERE annotator=? AND kind=? AND file_id=?",
                           (data.annotator, kind, fid)).fetchone()
        if row and conn.execute(f"SELECT 1 FROM {table} WHERE id=?", (row[0],)).fetchone():
            pid = row[0]
        if pid is None and conn.execute(f"SELECT 1 FROM {table} WHERE id=?", (fid,)).fetchone():
            pid = fid
        if pid is None and kind == "actor" and item.get("external_id"):
            r = conn.execute("SELECT id FROM actors WHERE external_id=? ORDER BY id", (item["external_id"],)).fetchone()
            pid = r[0] if r else None
        if pid is None:
            r = conn.execute(f"SELECT id FROM {table} WHERE name=? COLLATE NOCASE ORDER BY id", (item["name"],)).fetchone()
            pid = r[0] if r else None
        if pid is None:
            pid = new_id("a" if kind == "actor" else "t")
            row = {**{k: item[k] for k in item}, "id": pid, "created_by": data.annotator, "created_at": stamp}
            after = rec.insert(table, row)
            project._log(rec, kind, pid, f"merge from {data.annotator}", None, after)
            if kind == "actor":
                report.new_actors += 1
            else:
                report.new_targets += 1
        else:
            current = dict(zip(fields, conn.execute(f"SELECT {', '.join(fields)} FROM {table} WHERE id=?",
                                                    (pid,)).fetchone()))
            for f in fields:
                theirs = item.get(f)
                if f == "external_id" and not theirs:
                    continue
                if theirs != current[f]:
                    if f == "external_id" and not current[f]:   # a QID the annotator found: take it
                        after = rec.update(table, (pid,), {f: theirs})
                        project._log(rec, kind, pid, f"merge from {data.annotator}", current, after)
                        continue
                    _conflict(rec, kind, pid, data, f, current[f], theirs, stamp, report)
            if kind == "actor":
                mine = json.loads(conn.execute("SELECT aliases FROM actors WHERE id=?", (pid,)).fetchone()[0])
                name = conn.execute("SELECT name FROM actors WHERE id=?", (pid,)).fetchone()[0]
                extra = [a for a in [item["name"], *json.loads(item["aliases"])]
                         if a not in mine and a != name]
                if extra:
                    after = rec.update("actors", (pid,), {"aliases": json.dumps([*mine, *extra], ensure_ascii=False)})
                    project._log(rec, "actor", pid, f"merge from {data.annotator}", {"aliases": mine}, after)
        if rec.conn.execute("SELECT 1 FROM merge_ids WHERE annotator=? AND kind=? AND file_id=? AND project_id=?",
                            (data.annotator, kind, fid, pid)).fetchone() is None:
            rec.upsert("merge_ids", {"annotator": data.annotator, "kind": kind, "file_id": fid, "project_id": pid})
        out[fid] = pid
    return out


def _conflict(rec, kind, pid, data, field_name, ours, theirs, stamp, report) -> None:
    enc = json.dumps(theirs, ensure_ascii=False)
    report.conflicts.append(f"{kind} {pid} {field_name}: project {ours!r}, {data.annotator} {theirs!r}")
    if rec.conn.execute("SELECT 1 FROM merge_conflicts WHERE kind=? AND entity_id=? AND annotator=? AND field=? "
                        "AND file_value=?", (kind, pid, data.annotator, field_name, enc)).fetchone():
        return
    rec.insert("merge_conflicts", {"id": new_id("mc"), "kind": kind, "entity_id": pid, "annotator": data.annotator,
                                   "source": Path(data.path).name, "field": field_name,
                                   "project_value": json.dumps(ours, ensure_ascii=False), "file_value": enc,
                                   "status": "open", "created_at": stamp})


def _digest(spans, claims, stances, evidence, relations, labels, status) -> str:
    """A digest of one document's layer as the file has it (after the registry mapping), free of
    ids and of order: what a merge of this document wrote last time is remembered by it, so
    merging the same file again reads nothing of the project's layer and changes nothing."""
    def f(v) -> str:
        return "\x00" if v is None else str(v)
    # one f-string per span (its parts as text; an unset link reads "None", which no actor id is)
    key = {s["id"]: f"{s['start']}\x1f{s['end']}\x1f{s['label']}\x1f{s['actor_id']}\x1f{s['attrs']}" for s in spans}
    ev: dict[str, list[str]] = {}
    for e in evidence:
        ev.setdefault(e["stance_id"], []).append(key[e["span_id"]])
    parts = [
        sorted(key.values()),
        sorted("\x1e".join((key[c["span_id"]], f(c["source_kind"]), f(c["source_actor"]), f(key.get(c["source_span"])),
                             f(key.get(c["cue_span"])), f(c["quote"]))) for c in claims),
        sorted("\x1e".join((f(st["holder"]), f(st["target"]), st["polarity"], f(st["conditions"]),
                             "\x1d".join(ev.get(st["id"], [])))) for st in stances),
        sorted("\x1e".join((key[r["head"]], key[r["tail"]], r["label"])) for r in relations),
        sorted(f"{d['key']}\x1e{d['value']}" for d in labels),
        sorted(f"{s['status']}\x1e{f(s['reason'])}" for s in status),
    ]
    h = hashlib.sha256()
    for part in parts:
        h.update("\n".join(part).encode("utf-8", "surrogatepass"))
        h.update(b"\x02")
    return h.hexdigest()


def merge_files(project: "ProjectBase", paths: Sequence[str | Path], *,
                progress: Callable[[int, int], None] | None = None) -> MergeReport:
    """Merge annotators' files into *project*, all-or-nothing, as one action."""
    if not paths:
        raise IsfError("give at least one annotator file to merge")
    reference = _reference_schema()
    scheme = project.scheme
    datas = []
    for i, p in enumerate(paths):
        if progress:
            progress(i, len(paths) * 2)
        data = read_annotator_file(p, reference)
        check_scheme(scheme, data.scheme, data.path)
        _validate_rows(data, scheme)
        datas.append(data)
    by_layer: dict[str, str] = {}
    known = {name.casefold(): name for name in project.layers()}
    for d in datas:
        if d.annotator in by_layer:
            raise IsfError(f"{d.path} and {by_layer[d.annotator]} both hold {d.annotator}'s work; merge one of them")
        other = known.get(d.annotator.casefold())
        if other is not None and other != d.annotator:
            raise InputError(d.path, f"its annotator {d.annotator!r} would become a second layer beside {other!r}")
        by_layer[d.annotator] = d.path
    sha_to_doc = dict(project.conn.execute("SELECT sha256, id FROM documents"))
    for d in datas:
        missing = [fid for fid, (sha, _) in d.docs.items() if sha not in sha_to_doc]
        if missing:
            raise InputError(d.path, f"{len(missing)} of its documents are not in the project (e.g. {missing[0]!r}); "
                                     "import them first")
    report = MergeReport()
    stamp = now()
    with project._action("merge", None, None, ", ".join(d.annotator for d in datas)) as rec:
        for i, data in enumerate(datas):
            if progress:
                progress(len(paths) + i, len(paths) * 2)
            report.files.append(_merge_one(project, rec, data, sha_to_doc, stamp))
    return report


def _merge_one(project, rec, data: _FileData, sha_to_doc: dict[str, str], stamp: str) -> FileReport:
    conn = rec.conn
    layer = data.annotator
    fr = FileReport(data.path, layer)
    actor_map = _reconcile(project, rec, data, fr, stamp, "actor")
    target_map = _reconcile(project, rec, data, fr, stamp, "target")
    project._ensure_annotator(rec, layer)
    group: dict[str, dict[str, list]] = {}
    for name in ("spans", "stances", "relations", "doc_labels", "status"):
        for row in getattr(data, name):
            group.setdefault(row["document_id"], {}).setdefault(name, []).append(row)
    span_doc = {s["id"]: s["document_id"] for s in data.spans}
    stance_doc = {s["id"]: s["document_id"] for s in data.stances}
    for c in data.claims:
        group[span_doc[c["span_id"]]].setdefault("claims", []).append(c)
    for e in data.evidence:
        group[stance_doc[e["stance_id"]]].setdefault("evidence", []).append(e)
    merged = dict(conn.execute("SELECT document_id, digest FROM merge_digests WHERE annotator=?", (layer,)))
    replaced: list[str] = []
    new: dict[str, list[dict]] = {k: [] for k in ("spans", "claims", "stances", "stance_evidence", "relations",
                                                  "doc_labels", "doc_status", "merge_digests")}
    taken_spans = {r[0] for r in conn.execute("SELECT id FROM spans WHERE id IN (SELECT value FROM json_each(?))",
                                              (json.dumps(list(span_doc)),))}
    taken_stances = {r[0] for r in conn.execute("SELECT id FROM stances WHERE id IN (SELECT value FROM json_each(?))",
                                                (json.dumps(list(stance_doc)),))}
    for fdoc, parts in sorted(group.items()):
        doc = sha_to_doc[data.docs[fdoc][0]]
        spans = [{**s, "document_id": doc, "actor_id": actor_map.get(s["actor_id"])} for s in parts.get("spans", [])]
        claims = [{**c, "source_actor": actor_map.get(c["source_actor"])} for c in parts.get("claims", [])]
        stances = [{**s, "document_id": doc, "holder": actor_map.get(s["holder"]), "target": target_map.get(s["target"])}
                   for s in parts.get("stances", [])]
        evidence = parts.get("evidence", [])
        relations = parts.get("relations", [])
        labels = parts.get("doc_labels", [])
        status = parts.get("status", [])
        fr.documents += 1
        digest = _digest(spans, claims, stances, evidence, relations, labels, status)
        if merged.get(doc) == digest:
            fr.unchanged += 1
            continue
        replaced.append(doc)
        new["merge_digests"].append({"annotator": layer, "document_id": doc, "digest": digest})
        # keep the annotator's ids unless one is taken in the project by another document or layer
        ids = {s["id"]: new_id("s") if s["id"] in taken_spans else s["id"] for s in spans}
        sids = {st["id"]: new_id("st") if st["id"] in taken_stances else st["id"] for st in stances}
        new["spans"] += [{"id": ids[s["id"]], "document_id": doc, "layer": layer, "start": s["start"], "end": s["end"],
                          "label": s["label"], "actor_id": s["actor_id"], "attrs": s["attrs"], "author": layer,
                          "created_at": s["created_at"]} for s in spans]
        new["claims"] += [{**c, "span_id": ids[c["span_id"]], "source_span": ids.get(c["source_span"]),
                           "cue_span": ids.get(c["cue_span"])} for c in claims]
        new["stances"] += [{"id": sids[st["id"]], "document_id": doc, "layer": layer, "holder": st["holder"],
                            "target": st["target"], "polarity": st["polarity"], "conditions": st["conditions"],
                            "author": layer, "created_at": st["created_at"]} for st in stances]
        new["stance_evidence"] += [{"stance_id": sids[e["stance_id"]], "span_id": ids[e["span_id"]],
                                    "position": e["position"]} for e in evidence]
        new["relations"] += [{"id": new_id("r"), "document_id": doc, "layer": layer, "head": ids[r["head"]],
                              "tail": ids[r["tail"]], "label": r["label"]} for r in relations]
        new["doc_labels"] += [{"document_id": doc, "layer": layer, "key": d["key"], "value": d["value"]} for d in labels]
        new["doc_status"] += [{"document_id": doc, "layer": layer, "status": s["status"], "reason": s["reason"],
                               "updated_at": s["updated_at"]} for s in status]
        fr.replaced += 1
        fr.spans += len(spans)
    if replaced:
        clear_layer(rec, replaced, layer, status=True)
        rec.delete_where("merge_digests", "document_id IN (SELECT value FROM json_each(?)) AND annotator=?",
                         (json.dumps(replaced), layer))
        for table, rows in new.items():
            rec.insert_many(table, rows)
    return fr
