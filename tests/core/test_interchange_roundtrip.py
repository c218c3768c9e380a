"""Export -> import -> export, for every format we both write and read (docs/importing.md).

brat, doccano, Label Studio and Prodigy: spans (offsets and labels) and relations are
identical. CoNLL: tokens and BIO tags are identical; labels do not round-trip (the export
writes actor types), so the second export is made from ACTOR spans typed by the read labels.
Texts carry emoji flags, a ZWJ family, Urdu, combining marks and a span across a line break.
"""
from __future__ import annotations

import pytest

from isfannotate.exporting import export_records
from isfannotate.formats import brat, conll, doccano, labelstudio, prodigy

TEXTS = {
    "flags": "🇵🇰🇺🇸 Pakistan and the United States agreed on Friday. Rubio said that Pakistan has offered "
             "to send troops.",
    "zwj": "The family 👨‍👩‍👧 watched as Hamas officials met in Gaza.\nHamas rejected disarmament outright.",
    "urdu": "پاکستان نے کہا کہ وہ فوج بھیجے گا۔",
    "combining": "Le ministre e\u0301tait a\u0300 Islamabad hier. Asim Munir, le che\u0301f, a parle\u0301.",
}
SPANS = {
    "flags": [("Pakistan", "ACTOR", 0), ("the United States", "ACTOR", 0), ("Rubio", "ACTOR", 0),
              ("Pakistan has offered to send troops", "CLAIM", 0), ("Pakistan", "ACTOR", 1), ("said", "CUE", 0)],
    "zwj": [("Hamas", "ACTOR", 0), ("Gaza", "ACTOR", 0), ("Hamas", "ACTOR", 1), ("👨‍👩‍👧", "EMOJI", 0),
            ("met in Gaza.\nHamas rejected disarmament", "CLAIM", 0)],
    "urdu": [("پاکستان", "ACTOR", 0), ("وہ فوج بھیجے گا", "CLAIM", 0)],
    "combining": [("Islamabad", "ACTOR", 0), ("Asim Munir", "ACTOR", 0), ("che\u0301f", "ROLE", 0)],
}
RELATIONS = {"flags": [(3, 2, "source"), (3, 5, "cue"), (1, 0, "agrees_with")], "zwj": [(4, 2, "source")],
             "urdu": [(1, 0, "source")], "combining": []}
TYPES = {"Pakistan": "state", "the United States": "state", "Rubio": "person", "Hamas": "armed_group",
         "Gaza": "place", "پاکستان": "state", "Islamabad": "state", "Asim Munir": "person"}


def record(doc_id, text, spans, relations, actors=None):
    return {"id": doc_id, "text": text, "spans": spans, "relations": relations, "actors": actors or []}


def corpus() -> list[dict]:
    out = []
    for doc_id, text in sorted(TEXTS.items()):
        spans = []
        for i, (surface, label, nth) in enumerate(SPANS[doc_id]):
            start = -1
            for _ in range(nth + 1):
                start = text.index(surface, start + 1)
            spans.append({"id": f"s{i}", "start": start, "end": start + len(surface), "label": label,
                          "text": surface, "actor_id": None, "attrs": {}})
        rels = [{"head": f"s{h}", "tail": f"s{t}", "label": lab} for h, t, lab in RELATIONS[doc_id]]
        # in the order the readers give them back, so a second export can be byte-identical
        spans.sort(key=lambda x: (x["start"], -x["end"], x["label"]))
        out.append(record(doc_id, text, spans, rels))
    return out


def from_parsed(coll, ids=None) -> list[dict]:
    """Parsed documents back into export records (span ids = the reader's keys)."""
    out = []
    for n, d in enumerate(coll.documents):
        spans = [{"id": s.key, "start": s.start, "end": s.end, "label": s.label, "text": d.text[s.start:s.end],
                  "actor_id": None, "attrs": {}} for s in d.spans]
        rels = [{"head": r.head_key, "tail": r.tail_key, "label": r.label} for r in d.relations]
        out.append(record(d.doc_id or (ids[n] if ids else f"d{n}"), d.text, spans, rels))
    return out


def content(records) -> list:
    """What must survive: per document (by text), spans as (start, end, label) and relations
    as ((head start, end, label), (tail start, end, label), label)."""
    out = []
    for r in records:
        by_id = {s["id"]: (s["start"], s["end"], s["label"]) for s in r["spans"]}
        out.append((r["text"], sorted(by_id.values()),
                    sorted((by_id[x["head"]], by_id[x["tail"]], x["label"]) for x in r["relations"])))
    return sorted(out)


def export(records, fmt, out):
    return export_records(records, fmt, out, project_name="rt", layer="alice")


READERS = {
    "brat": (brat.read, lambda d: [d]),
    "doccano": (doccano.read, lambda d: [d / "all.jsonl"]),
    "labelstudio": (labelstudio.read, lambda d: [d / "all.json"]),
    "prodigy": (prodigy.read, lambda d: [d / "all.jsonl"]),
}


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_spans_labels_relations_survive_export_import_export(fmt, tmp_path):
    read, files = READERS[fmt]
    records = corpus()
    if fmt == "doccano":  # doccano keeps span labels only (see formats/doccano.py)
        for r in records:
            r["relations"] = []
    export(records, fmt, tmp_path / "one")
    first = read(files(tmp_path / "one"))
    assert first.count(status="skipped") == 0
    again = from_parsed(first, [r["id"] for r in records])
    assert content(again) == content(records)
    export(again, fmt, tmp_path / "two")
    second = from_parsed(read(files(tmp_path / "two")), [r["id"] for r in records])
    assert content(second) == content(records)
    if fmt in ("brat", "doccano"):
        for f in sorted((tmp_path / "one").iterdir()):
            if f.name != "manifest.json":
                assert f.read_bytes() == (tmp_path / "two" / f.name).read_bytes(), f.name


def conll_rows(path) -> list[tuple[str, str]]:
    return [tuple(line.split("\t")) for line in path.read_text("utf-8").splitlines()
            if line and not line.startswith("-DOCSTART-")]


def test_conll_tokens_and_tags_survive_but_labels_are_actor_types(tmp_path):
    records = corpus()
    for r in records:
        actors = {}
        for s in r["spans"]:
            if s["label"] == "ACTOR":
                aid = TYPES[s["text"]] + ":" + s["text"]
                s["actor_id"] = aid
                actors[aid] = {"id": aid, "name": s["text"], "type": TYPES[s["text"]], "aliases": [],
                               "external_id": None}
        r["actors"] = list(actors.values())
        r["relations"] = []
        r["spans"] = [s for s in r["spans"] if s["label"] == "ACTOR"]   # other labels are written too
        r["claims"] = []
    export(records, "conll", tmp_path / "one")
    rows_one = conll_rows(tmp_path / "one" / "all.conll")
    coll = conll.read([tmp_path / "one" / "all.conll"])
    assert [d.doc_id for d in coll.documents] == [r["id"] for r in records]
    # labels come back as the actor types the export wrote, not as ACTOR
    assert set(coll.span_labels) <= set(TYPES.values())
    again = []
    for d in coll.documents:
        spans, actors = [], {}
        for s in d.spans:
            aid = f"t:{s.label}"
            actors[aid] = {"id": aid, "name": s.label, "type": s.label, "aliases": [], "external_id": None}
            spans.append({"id": s.key, "start": s.start, "end": s.end, "label": "ACTOR",
                          "text": d.text[s.start:s.end], "actor_id": aid, "attrs": {}})
        again.append(record(d.doc_id, d.text, spans, [], list(actors.values())))
    export(again, "conll", tmp_path / "two")
    assert conll_rows(tmp_path / "two" / "all.conll") == rows_one
