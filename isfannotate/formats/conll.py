"""``conll``: IOB2, ``token<TAB>tag``, one token per line, a blank line after each sentence.

Each document starts with the line ``-DOCSTART- -X- O O`` and a blank line (the CoNLL-2003
document separator, in the exact form spaCy's ``spacy convert -c ner`` splits documents at;
every other CoNLL reader takes any line starting with ``-DOCSTART-``). The document ids are
in ``manifest.json`` (``documents_exported``, in file order), which our reader uses when it
reads the export folder back. Tags cover every span label: ACTOR spans labelled with the
actor's type (the spaCy ``doc.ents`` policy among them), then the other spans (CLAIM, CUE
...) longest first wherever their tokens are still free. A span that is nested in or overlaps
one already tagged cannot be written in one tag column: it is left out, warned about, and
counted per label (``counts.format.dropped`` in the manifest). Whitespace-only tokens are
left out; whitespace inside a token (never produced by spaCy's tokenizer for ordinary text)
becomes ``_``. Sentences an entity crosses are merged. Files ``<split>.conll`` or ``all.conll``.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from isfannotate.errors import InputError
from isfannotate.formats.common import (
    Entity,
    ExportContext,
    actor_entities,
    align,
    bio_tags,
    by_split,
    entity_label,
    is_space_token,
    sentence_blocks,
    span_where,
)
from isfannotate.formats.parsed import (
    IMPORTED,
    ParsedCollection,
    ParsedDocument,
    ParsedSpan,
    SourceText,
    expand_paths,
    read_text_file,
)
from isfannotate.formats.reading import records
from isfannotate.formats.tokens import blank_pipeline

_WS = re.compile(r"\s+")
DOCSTART = "-DOCSTART- -X- O O"


def tag_entities(doc: Any, record: dict[str, Any], ctx: ExportContext, dropped: Counter[Any]) -> list[Entity]:
    """ACTOR entities (:func:`actor_entities`), then every other span longest first where its
    tokens are free; the rest warned about and counted in ``dropped`` per label."""
    kept = actor_entities(doc, record, ctx, "conll tags")
    kept_ids = {e.span["id"] for e in kept}
    taken = {i: e for e in kept for i in range(e.token_start, e.token_end)}
    for span in record["spans"]:
        if span["label"] in ctx.actor_labels and span["id"] not in kept_ids:
            dropped[entity_label(span["label"])] += 1     # overlapping or unalignable: warned there
    others = sorted((s for s in record["spans"] if s["label"] not in ctx.actor_labels),
                    key=lambda s: (-(s["end"] - s["start"]), s["start"], s["id"]))
    for span in others:
        sp = align(doc, record, span, ctx, "conll tags")
        if sp is None:
            dropped[entity_label(span["label"])] += 1
            continue
        clash = next((taken[i] for i in range(sp.start, sp.end) if i in taken), None)
        if clash is not None:
            ctx.warn(f"{span_where(record, span)}: conll tags: overlaps span {clash.span['id']} "
                     f"[{clash.span['start']},{clash.span['end']}) ({clash.label}), left out")
            dropped[entity_label(span["label"])] += 1
            continue
        ent = Entity(sp.start, sp.end, entity_label(span["label"]), span.get("actor_id") or "", span)
        for i in range(sp.start, sp.end):
            taken[i] = ent
        kept.append(ent)
    kept.sort(key=lambda e: e.token_start)
    return kept


def write(ctx: ExportContext, docs: list[dict[str, Any]]) -> None:
    nlp = blank_pipeline(ctx.language)
    n_sent = n_ent = 0
    dropped: Counter[Any] = Counter()
    for stem, group in by_split(docs):
        with ctx.open_text(f"{stem}.conll") as fh:
            for record in ctx.each(group):
                doc = nlp(record["text"])
                ents = tag_entities(doc, record, ctx, dropped)
                n_ent += len(ents)
                tags = bio_tags(len(doc), ents)
                fh.write(f"{DOCSTART}\n\n")
                for a, b in sentence_blocks(doc, ents):
                    toks = [t for t in doc[a:b] if not is_space_token(t.text)]
                    if not toks:
                        continue
                    for t in toks:
                        fh.write(f"{_WS.sub('_', t.text)}\t{tags[t.i]}\n")
                    fh.write("\n")
                    n_sent += 1
    ctx.stats["extra"] = {"sentences": n_sent, "entities": n_ent, "dropped": dict(sorted(dropped.items()))}


# =========================================================================== reading
#
# One token per line, columns separated by TABs (or, in a line without a TAB, by runs of
# spaces), a blank line between sentences. Documents are split at ``-DOCSTART-`` lines and at
# ``# doc_id = X`` (our writer) / ``# newdoc id = X`` (CoNLL-U) comments. Tags are IOB2 or IOB1
# (an entity opened by ``I-``; converted and counted). The text is rebuilt from the tokens:
# a sentence with a ``# text = ...`` comment keeps that text when the tokens can be found in
# it in order (else it is rebuilt and counted); otherwise tokens are joined with one space,
# sentences with a newline. The token column is the second when the first holds running
# numbers (CoNLL-U, UNER), else the first. The tag column is ``tag_column`` (1-based, as
# ``cut -f`` counts) or, by default, the last column in which every row holds an IOB tag
# (so UNER's constant last column and its ``outer#inner`` column, and CoNLL-2003's chunk
# column before the entity column, are not taken).

IOB_TAG = re.compile(r"O|[BI]-[^\s#]+")
_COMMENT_KV = re.compile(r"#\s*([A-Za-z_][\w.-]*)\s*=\s?(.*)")
_RUNNING = re.compile(r"\d+")
_SKIP_ID = re.compile(r"\d+[-.]\d+")  # CoNLL-U multiword ranges and empty nodes

SUFFIXES = (".conll", ".conllu", ".iob", ".iob2", ".bio", ".tsv", ".txt")


def _cells(line: str) -> list[str]:
    return line.split("\t") if "\t" in line else line.split()


_MISC_NER = re.compile(r"(?:^|\|)(?:NER|Entity|NE)=([^|]*)")


def misc_tags(rows: list[list[str]]) -> bool:
    """CoNLL-U with its entity tags in MISC (``NER=B-PER|SpaceAfter=No``): the tag of every row is
    appended as an extra last column (so it is read like any tag column). True when done."""
    if not rows or any(len(r) != 10 for r in rows):
        return False
    found = [_MISC_NER.search(r[9]) for r in rows]
    tags = [m.group(1) for m in found if m is not None and IOB_TAG.fullmatch(m.group(1))]
    if len(tags) != len(rows):
        return False
    for r, tag in zip(rows, tags, strict=True):
        r.append(tag)
    return True


def looks_like_conll(head: str) -> bool:
    """True when every token line of ``head`` (the start of a file) has a column of IOB tags
    after its first column."""
    rows = []
    for line in head.split("\n")[:500]:
        line = line.rstrip("\r")
        if not line.strip() or line.startswith("#") or line.startswith("-DOCSTART-"):
            continue
        rows.append(_cells(line))
    if len(head) >= 1 << 20:
        rows = rows[:-1]  # the caller read the first MiB: its last line may be cut
    if not rows:
        return False
    misc_tags([r for r in rows if not _SKIP_ID.fullmatch(r[0])])
    width = min(len(r) for r in rows)
    if width >= 2 and any(all(IOB_TAG.fullmatch(r[k]) for r in rows) for k in range(1, width)):
        return True
    # nearly all lines hold an IOB column with entities in it: CoNLL with a broken line,
    # which the reader then refuses naming that line (better than importing it as plain text)
    if len(rows) < 5:
        return False
    for k in range(1, max(len(r) for r in rows)):
        tags = [r[k] for r in rows if len(r) > k and IOB_TAG.fullmatch(r[k])]
        if len(tags) >= 0.9 * len(rows) and any(t != "O" for t in tags):
            return True
    return False


def read(paths: Iterable[str | Path], *, tag_column: int | None = None) -> ParsedCollection:
    """Read CoNLL-style IOB files (files, or folders searched for ``*.conll``, ``*.iob`` ...;
    in a folder a ``.txt`` file is read only when it looks like CoNLL, so a README is not).

    ``tag_column`` is 1-based; None picks the last column of IOB tags (see the notes above).
    """
    coll = ParsedCollection("conll")
    for p in map(Path, paths):
        for path in expand_paths([p], SUFFIXES):
            if p.is_dir() and path.suffix.lower() == ".txt":
                with open(path, "rb") as fh:
                    if not looks_like_conll(fh.read(1 << 20).decode("utf-8", errors="ignore")):
                        continue
            _read_file(path, tag_column, coll)
    return coll


# CoNLL-2000 phrase chunk types: a column of ``B-NP``/``I-VP`` tags (CoNLL-2003's third
# column) holds chunks, not entities
CHUNK_TYPES = frozenset({"NP", "VP", "PP", "ADVP", "ADJP", "SBAR", "PRT", "INTJ", "CONJP", "LST", "UCP"})


def entity_count(tags: list[tuple[int, str]]) -> int:
    """Entities in a column of ``(line index, tag)``: every ``B-``, and every ``I-`` that does not
    continue the entity of the line before (IOB1 openings); a gap in line numbers (a sentence
    break) ends an entity."""
    n = 0
    prev_line, prev = -2, "O"
    for i, tag in tags:
        if tag.startswith("B-") or (tag.startswith("I-") and (i != prev_line + 1 or prev[2:] != tag[2:])):
            n += 1
        prev_line, prev = i, tag
    return n


def _pick_tag_column(where: str, body: dict[int, list[str]], tok_col: int, coll: ParsedCollection) -> int:
    """The column of IOB tags (0-based) when none is named: the one IOB column with entities in it
    (phrase-chunk columns aside). Several with entities: refused, listing them, since taking one
    would drop the others' entities without a word."""
    iob = [k for k in range(tok_col + 1, max(len(c) for c in body.values()))
           if all(len(c) > k and IOB_TAG.fullmatch(c[k]) for c in body.values())]
    if not iob:
        raise InputError(where, "conll: no column holds IOB tags (O, B-X, I-X) on every line; "
                         "name one with tag_column (--conll-tag-column N)", None)
    found = {}
    chunks = []
    for k in iob:
        labels = {c[k][2:] for c in body.values() if c[k] != "O"}
        if labels and labels <= CHUNK_TYPES:
            chunks.append(k)
            continue
        found[k] = entity_count([(i, c[k]) for i, c in body.items()])
    with_entities = [k for k, n in found.items() if n]
    if len(with_entities) > 1:
        listing = ", ".join(f"column {k + 1}: {found[k]} entities" for k in with_entities)
        raise InputError(where, f"conll: {len(with_entities)} columns hold IOB tags with entities ({listing}); "
                         "choose one with --conll-tag-column N", None)
    if with_entities:
        col = with_entities[0]
    elif found:
        col = max(found)
    else:
        raise InputError(where, "conll: the only IOB columns hold phrase chunks (NP, VP ...), not entities; "
                         "name a column with --conll-tag-column N", None)
    note = f"{where}: read the tags of column {col + 1}"
    if chunks:
        note += "; " + ", ".join(f"column {k + 1}" for k in chunks) + " holds phrase chunks, not read"
    coll.notes.append(note)
    return col


def _read_file(path: Path, tag_column: int | None, coll: ParsedCollection) -> None:
    where = str(path)
    raw = read_text_file(path, one_document=False)
    raw = raw[1:] if raw.startswith("\ufeff") else raw
    lines = [ln.rstrip("\r") for ln in raw.split("\n")]
    # -- pass 1: token rows and their column count (a "#..." line is a comment unless it
    #    splits like the token rows and ends in a tag: "# NN O" in a space-separated file)
    rows = {i: _cells(ln) for i, ln in enumerate(lines) if ln.strip() and not ln.startswith("#")
            and not ln.startswith("-DOCSTART-")}
    widths = {len(c) for c in rows.values()}
    if not rows:
        raise InputError(where, "conll: no token lines", None)
    ncols = max(widths, key=lambda w: sum(1 for c in rows.values() if len(c) == w))
    for i, ln in enumerate(lines):
        if ln.startswith("#") and not _COMMENT_KV.fullmatch(ln):
            cells = _cells(ln)
            if len(cells) == ncols and IOB_TAG.fullmatch(cells[-1]):
                rows[i] = cells
    for i, cells in rows.items():
        if len(cells) < 2:
            raise InputError(where, f"conll: a token line needs a token and a tag: {lines[i]!r}", i + 1)
    body = {i: c for i, c in sorted(rows.items()) if not _SKIP_ID.fullmatch(c[0])}
    if not body:
        hint = (" (this is WebAnno TSV: import it with --format webanno-tsv3)"
                if lines[0].startswith("#FORMAT=WebAnno") else "")
        raise InputError(where, "conll: every token line has a range id (1-2) and no token line is left" + hint, None)
    tok_col = 1 if ncols >= 3 and all(_RUNNING.fullmatch(c[0]) for c in body.values()) else 0
    from_misc = tag_column is None and misc_tags(list(body.values()))
    if from_misc:
        coll.notes.append(f"{where}: CoNLL-U: read the entity tags in MISC (NER=...), column 10")
        tag_column = 11
    # -- the tag column
    if tag_column is not None:
        col = tag_column - 1
        if col < 0 or col == tok_col:
            raise InputError(where, f"conll: tag column {tag_column} is not a tag column (columns count from 1; "
                             f"column {tok_col + 1} holds the tokens)", None)
        for i, c in sorted(body.items()):
            if len(c) <= col:
                raise InputError(where, f"conll: this line has no column {tag_column}", i + 1)
            if not IOB_TAG.fullmatch(c[col]):
                raise InputError(where, f"conll: column {tag_column} holds {c[col]!r}, not an IOB tag", i + 1)
    else:
        col = _pick_tag_column(where, body, tok_col, coll)
    if tag_column is not None and not from_misc:
        coll.notes.append(f"{where}: read the tags of column {col + 1} (--conll-tag-column)")
    # -- pass 2: documents and sentences
    docs: list[_RawDoc] = []
    cur = _RawDoc(None, 1)

    def close_doc(next_id: str | None, line_no: int) -> None:
        nonlocal cur
        if any(cur.sents):
            docs.append(cur)
        cur = _RawDoc(next_id, line_no)

    for i, ln in enumerate(lines):
        if i in rows:
            if i in body:
                cur.sents[-1].append((body[i][tok_col], body[i][col], i + 1))
            continue
        if ln.startswith("-DOCSTART-"):
            close_doc(None, i + 1)
            continue
        m = _COMMENT_KV.fullmatch(ln) if ln.startswith("#") else None
        if m:
            key, value = m.group(1).lower(), m.group(2)
            if key in ("doc_id", "newdoc id", "newdoc"):
                close_doc(value.strip() or None, i + 1)
            elif key == "text":
                if cur.sents[-1]:
                    cur.sents.append([])
                    cur.texts.append(None)
                cur.texts[-1] = value
            continue
        if ln.startswith("#"):
            if ln.startswith("# newdoc"):
                close_doc(None, i + 1)
            continue
        if not ln.strip() and cur.sents[-1]:
            cur.sents.append([])
            cur.texts.append(None)
    close_doc(None, len(lines))
    named = exported_ids(path)
    if named is not None and (len(named) != len(docs) or any(d.id for d in docs)):
        named = None
    if named is not None:
        coll.notes.append(f"{where}: document ids from {path.parent / 'manifest.json'}")
    for n, d in enumerate(records(docs), 1):
        doc_id = d.id or (named[n - 1] if named else path.stem if len(docs) == 1 else f"{path.stem}-{n}")
        coll.documents.append(_build(where, doc_id, d, coll.counts))


@dataclass
class _RawDoc:
    """One document as pass 2 collects it: its id (None: named later), its first line, and its
    sentences of (token, tag, line), each with the text a ``# text =`` comment stated (or None)."""
    id: str | None
    line: int
    sents: list[list[tuple[str, str, int]]] = field(default_factory=lambda: [[]])
    texts: list[str | None] = field(default_factory=lambda: [None])


def exported_ids(path: Path) -> list[str] | None:
    """The document ids of our own CoNLL export file ``path`` (``all.conll``, ``train.conll`` ...),
    in file order, from the ``manifest.json`` beside it; None when there is none to trust."""
    try:
        manifest = json.loads((path.parent / "manifest.json").read_text("utf-8"))
        if manifest.get("tool") != "isfannotate" or manifest.get("format") != "conll":
            return None
        ids = [d["id"] for d in manifest["documents_exported"]
               if d.get("split") == path.stem or (path.stem == "all" and d.get("split") is None)]
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None
    return ids if all(isinstance(i, str) and i for i in ids) else None


def _build(where: str, doc_id: str, d: _RawDoc, counts: Counter[Any]) -> ParsedDocument:
    pieces: list[str] = []
    offset = 0
    tokens: list[tuple[int, int, str, int, int]] = []  # start, end, tag, line, sentence
    for k, (sent, stated) in enumerate(zip(d.sents, d.texts, strict=True)):
        if not sent:
            continue
        placed = _place(stated, [t for t, _tag, _ln in sent]) if stated is not None else None
        if stated is not None and placed is not None:
            stext, pos = stated, placed
        else:
            if stated is not None:
                counts["sentence", "# text", "converted:the tokens are not in # text, text rebuilt from them"] += 1
            words: list[str] = []
            pos = []
            p = 0
            for t, _tag, _ln in sent:
                pos.append(p)
                words.append(t)
                p += len(t) + 1
            stext = " ".join(words)
        if pieces:
            offset += 1
        for (t, tag, ln), p in zip(sent, pos, strict=True):
            tokens.append((offset + p, offset + p + len(t), tag, ln, k))
        pieces.append(stext)
        offset += len(stext)
    text = "\n".join(pieces)
    src = SourceText(text, where, d.line)
    if src.changed:  # a token with a stray BOM: keep offsets honest rather than guess
        raise InputError(where, "conll: a token contains a byte order mark or a carriage return", d.line)
    doc = ParsedDocument(where, doc_id, src.text, src.sha256, {}, None, line=d.line)
    open_: list[Any] | None = None  # [start, end, label, line, sentence, status]

    def close() -> None:
        nonlocal open_
        if open_ is not None:
            key = str(len(doc.spans))
            doc.spans.append(ParsedSpan(key, open_[0], open_[1], open_[2], {}, None, None, open_[3]))
            counts["span", open_[2], open_[5]] += 1
            open_ = None

    for start, end, tag, ln, k in tokens:
        if tag == "O":
            close()
            continue
        kind, label = tag[0], tag[2:]
        if kind == "I" and open_ is not None and open_[2] == label and open_[4] == k:
            open_[1] = end
            continue
        close()
        status = IMPORTED if kind == "B" else "converted:IOB1 (an entity opened by I-)"
        open_ = [start, end, label, ln, k, status]
    close()
    return doc


def _place(text: str, tokens: list[str]) -> list[int] | None:
    """Start of each token in ``text``, in order, with only whitespace between; None when the
    tokens are not there as they are."""
    out = []
    p = 0
    for t in tokens:
        q = text.find(t, p)
        if q < 0 or text[p:q].strip():
            return None
        out.append(q)
        p = q + len(t)
    return out if not text[p:].strip() else None
