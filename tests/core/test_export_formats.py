"""Every export format, loaded back with its real consumer and compared span by span.

The corpus is built here (emoji flags, a ZWJ family, Urdu, combining marks, nested and
overlapping spans, a claim with source and cue, a stance, a relation) plus the five seed texts.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from isfannotate.exporting import FORMATS, export_records, gold_schema

ACTORS = {
    "pk": ("Pakistan", "state"),
    "us": ("United States", "state"),
    "rubio": ("Marco Rubio", "person"),
    "hamas": ("Hamas", "armed group"),
    "munir": ("Asim Munir", "person"),
    "trump": ("Donald Trump", "person"),
    "gaza": ("Gaza", "other"),
}
TARGETS = {"troops": "contributing troops to the ISF", "disarm": "disarming Hamas"}


def make_record(doc_id, text, spans, claims=(), stances=(), relations=(), group=None, meta=None):
    """A valid gold record (no ``split``). ``spans``: (id, surface, label, actor id, nth occurrence)."""
    out_spans = []
    for sid, surface, label, actor_id, *rest in spans:
        nth = rest[0] if rest else 0
        start = -1
        for _ in range(nth + 1):
            start = text.index(surface, start + 1)
        out_spans.append(
            {"id": sid, "start": start, "end": start + len(surface), "label": label, "text": surface,
             "actor_id": actor_id, "attrs": {}}
        )
    claims = [dict(c) for c in claims]
    stances = [dict(s) for s in stances]
    actor_ids = {s["actor_id"] for s in out_spans if s["actor_id"]}
    actor_ids |= {c["source"] for c in claims if c.get("source")} | {s["holder"] for s in stances}
    return {
        "schema": "isfannotate.gold/1",
        "id": doc_id,
        "text": text,
        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "offset_unit": "codepoint",
        "meta": meta or {},
        "near_duplicate_group": group,
        "layer": "gold",
        "doc_labels": {},
        "actors": [
            {"id": a, "name": ACTORS[a][0], "type": ACTORS[a][1], "aliases": [], "external_id": None}
            for a in sorted(actor_ids)
        ],
        "targets": [{"id": t, "name": TARGETS[t]} for t in sorted({s["target"] for s in stances})],
        "spans": out_spans,
        "claims": claims,
        "stances": stances,
        "relations": list(relations),
        "provenance": {},
    }


def claim(span, source=None, source_span=None, cue=None, quote=None, kind="actor"):
    return {"span": span, "source_kind": kind, "source": source, "source_span": source_span, "cue": cue, "quote": quote}


FLAGS = "🇵🇰🇺🇸 Pakistan and the United States agreed on Friday. Rubio said that Pakistan has offered to send troops."
ZWJ = "The family 👨‍👩‍👧 watched as Hamas officials met in Gaza.\nHamas rejected disarmament outright."
URDU = "پاکستان نے کہا کہ وہ فوج بھیجے گا۔"
COMBINING = "Le ministre e\u0301tait a\u0300 Islamabad hier. Asim Munir, le che\u0301f, a parle\u0301."

SEED_PHRASES = {
    "000": "Pakistan has curried favour with the US",
    "001": "Pakistan has expressed its willingness to participate",
    "002": "Pakistan has indicated its willingness to join",
    "003": "Pakistan’s offer to provide troops",
    "004": "Pakistan has offered to send troops",
}


def build_corpus(seeds_dir: Path) -> list[dict]:
    docs = [
        make_record(
            "flags",
            FLAGS,
            [
                ("a1", "Pakistan", "ACTOR", "pk"),
                ("a2", "the United States", "ACTOR", "us"),
                ("a3", "Rubio", "ACTOR", "rubio"),
                ("c1", "Pakistan has offered to send troops", "CLAIM", None),
                ("a4", "Pakistan", "ACTOR", "pk", 1),  # nested inside the CLAIM
                ("q1", "said", "CUE", None),
            ],
            claims=[claim("c1", "rubio", "a3", "q1", "reported")],
            stances=[
                {
                    "id": "st1",
                    "holder": "pk",
                    "target": "troops",
                    "polarity": "support",
                    "conditions": "a leadership role",
                    "evidence": ["c1"],
                }
            ],
            relations=[{"head": "a2", "tail": "a1", "label": "agrees_with"}],
        ),
        make_record(
            "zwj",
            ZWJ,
            [
                ("a1", "Hamas", "ACTOR", "hamas"),
                ("a2", "Gaza", "ACTOR", "gaza"),
                ("a3", "Hamas", "ACTOR", "hamas", 1),
                ("x1", "👨‍👩‍👧", "EMOJI", None),
                # a CLAIM across the line break: brat writes it as two fragments
                ("c1", "met in Gaza.\nHamas rejected disarmament", "CLAIM", None),
            ],
            claims=[claim("c1", kind="article")],
            stances=[
                {
                    "id": "st1",
                    "holder": "hamas",
                    "target": "disarm",
                    "polarity": "oppose",
                    "conditions": None,
                    "evidence": ["c1"],
                }
            ],
        ),
        make_record(
            "urdu",
            URDU,
            [("a1", "پاکستان", "ACTOR", "pk"), ("c1", "وہ فوج بھیجے گا", "CLAIM", None)],
            claims=[claim("c1", "pk", "a1", None, "direct")],
        ),
        make_record(
            "combining",
            COMBINING,
            [
                ("a1", "Islamabad", "ACTOR", "pk"),
                ("a2", "Asim Munir", "ACTOR", "munir"),
                ("a3", "che\u0301f", "ROLE", None),
            ],
        ),
    ]
    for path in sorted(seeds_dir.glob("*.txt")):
        text = path.read_text("utf-8")
        key = path.name[:3]
        spans = [
            ("a1", "Pakistan", "ACTOR", "pk"),
            ("a2", "Gaza", "ACTOR", "gaza"),
            ("c1", SEED_PHRASES[key], "CLAIM", None),
        ]
        if key == "000":
            # overlapping ACTORs: the longer one wins in doc.ents / BIO, the shorter is reported
            spans += [("a3", "Field Marshal Asim Munir", "ACTOR", "munir"), ("a4", "Asim Munir", "ACTOR", "munir")]
        else:
            spans.append(("a3", "Trump", "ACTOR", "trump"))
        group = "g-seeds" if key in ("001", "002") else None
        docs.append(
            make_record(
                path.stem, text, spans, claims=[claim("c1", kind="article")], group=group, meta={"file": path.name}
            )
        )
    return docs


@pytest.fixture
def corpus(seeds_dir):
    docs = build_corpus(seeds_dir)
    assert len(docs) == 9
    return docs


def expected_entities(record) -> set[tuple[int, int, str]]:
    """ACTOR spans by actor type, longest first, overlapping ones left out (independent oracle)."""
    types = {a["id"]: "_".join(a["type"].split()) for a in record["actors"]}
    actors = sorted(
        (s for s in record["spans"] if s["label"] == "ACTOR"), key=lambda s: (s["start"] - s["end"], s["start"])
    )
    kept: list[dict] = []
    for s in actors:
        if all(s["end"] <= k["start"] or k["end"] <= s["start"] for k in kept):
            kept.append(s)
    return {(s["start"], s["end"], types.get(s["actor_id"], "ACTOR")) for s in kept}


def all_spans(record) -> set[tuple[int, int, str]]:
    return {(s["start"], s["end"], s["label"]) for s in record["spans"]}


def bio_to_spans(tags: list[str], offsets: list[tuple[int, int]]) -> set[tuple[int, int, str]]:
    out, cur = set(), None
    for tag, (a, b) in zip(tags + ["O"], offsets + [(0, 0)], strict=True):
        if cur and not (tag.startswith("I-") and tag[2:] == cur[2]):
            out.add(tuple(cur))
            cur = None
        if tag.startswith("B-"):
            cur = [a, b, tag[2:]]
        elif tag.startswith("I-"):
            assert cur is not None, "I- tag without B- (not IOB2)"
            cur[1] = b
    return out


def run(corpus, fmt, tmp_path, **kw):
    return export_records(corpus, fmt, tmp_path / fmt, project_name="demo", layer="gold", **kw)


def overlap_warnings(result):
    return [w for w in result.warnings if "overlaps the longer actor span" in w]


def test_corpus_is_valid_and_every_format_is_listed():
    assert FORMATS == ("jsonl", "spacy", "hf", "stances", "claims", "stance-semeval", "attribution-parc", "brat",
                       "doccano", "labelstudio", "prodigy", "conll")


# --------------------------------------------------------------------------- jsonl


def test_jsonl_validates_against_the_shipped_schema_and_round_trips(corpus, tmp_path):
    import jsonschema

    schema = gold_schema(1)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    result = run(corpus, "jsonl", tmp_path, schema_version=1)   # --schema 1 for existing readers
    assert [p.name for p in result.files] == ["all.jsonl", "manifest.json"]
    lines = (tmp_path / "jsonl" / "all.jsonl").read_text("utf-8").splitlines()
    assert len(lines) == len(corpus)
    assert "🇵🇰🇺🇸" in lines[0]  # ensure_ascii=False
    for line, record in zip(lines, corpus, strict=True):
        data = json.loads(line)
        validator.validate(data)
        assert data == {**record, "split": None}
        assert list(data) == ["schema", "id", "text", "sha256", "offset_unit", "meta", "split", "near_duplicate_group",
                              "layer", "doc_labels", "actors", "targets", "spans", "claims", "stances", "relations",
                              "provenance"]
        for s in data["spans"]:
            assert data["text"][s["start"]:s["end"]] == s["text"]
    assert result.warnings == []


def test_jsonl_schema_2_is_the_default_and_validates(corpus, tmp_path):
    import jsonschema

    schema = gold_schema(2)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    result = run(corpus, "jsonl", tmp_path)
    assert result.manifest["gold_schema"] == "isfannotate.gold/2"
    for line in (tmp_path / "jsonl" / "all.jsonl").read_text("utf-8").splitlines():
        data = json.loads(line)
        validator.validate(data)
        assert data["schema"] == "isfannotate.gold/2"
        assert list(data)[-3:] == ["notes", "doc_label_provenance", "rejected"]


def test_line_encoder_writes_json_that_reads_back_identically(corpus):
    from isfannotate.exporting.records import normalise as _normalise
    from isfannotate.formats.jsonl import gold_lines

    docs = [_normalise(r, "gold", i) for i, r in enumerate(corpus)]
    docs[0]["spans"][0] = {**docs[0]["spans"][0], "attrs": {"certainty": "high", "quoted": True, "tags": ["a", "é"]}}
    docs[1]["spans"] = []
    docs[2]["text"] = 'quote " back\\slash \u2028 tab\t nul\0 \U0001F1F5'
    docs[2]["spans"] = [
        {"id": 's"1', "start": 0, "end": 5, "label": "Q\u00e9", "text": "quote", "actor_id": None, "attrs": {}}
    ]
    docs[3]["spans"] = [{"id": 7, "start": 0, "end": 2, "label": "X", "text": "Le", "actor_id": None, "attrs": {}}]
    docs[4]["meta"] = {"big": 2 ** 70, "lone": "\ud800"}   # orjson refuses both: the fallback writes them
    for doc, line in zip(docs, gold_lines(docs), strict=True):
        assert line.endswith(b"\n") and b"\n" not in line[:-1]
        assert json.loads(line.decode("utf-8", "surrogatepass")) == doc
        assert list(json.loads(line.decode("utf-8", "surrogatepass"))) == list(doc)   # keys in schema order


def test_schema_rejects_a_broken_line(corpus):
    import jsonschema

    validator = jsonschema.Draft202012Validator(gold_schema())
    bad = {**corpus[0], "split": "holdout"}
    assert not validator.is_valid(bad)
    assert not validator.is_valid({**corpus[0], "split": None, "offset_unit": "utf16"})
    assert not validator.is_valid({**corpus[0], "split": None, "extra": 1})
    assert validator.is_valid({**corpus[0], "split": None})


def test_schema_describes_every_property():
    def walk(node, path):
        if isinstance(node, dict):
            if "properties" in node:
                for name, sub in node["properties"].items():
                    assert sub.get("description"), f"{path}.{name} has no description"
            for k, v in node.items():
                walk(v, f"{path}.{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{path}[{i}]")

    walk(gold_schema(1), "$")
    walk(gold_schema(2), "$")


def test_docs_show_the_shipped_schema_verbatim():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "gold-jsonl.md").read_text("utf-8")
    block = doc.split("<!-- schema:begin -->\n```json\n", 1)[1].split("\n```\n<!-- schema:end -->", 1)[0]
    assert json.loads(block) == gold_schema(1)
    block2 = doc.split("<!-- schema2:begin -->\n```json\n", 1)[1].split("\n```\n<!-- schema2:end -->", 1)[0]
    assert json.loads(block2) == gold_schema(2)
    example = json.loads(doc.split("pretty-printed)\n\n```json\n", 1)[1].split("\n```", 1)[0])
    assert not [s for s in example["spans"] if example["text"][s["start"]:s["end"]] != s["text"]]


# --------------------------------------------------------------------------- spaCy


def test_spacy_docbin_ents_and_span_group_match_exactly(corpus, tmp_path):
    import spacy
    from spacy.tokens import DocBin

    result = run(corpus, "spacy", tmp_path)
    assert (tmp_path / "spacy" / "all.spacy").exists()
    nlp = spacy.blank("en")
    docs = list(DocBin().from_disk(tmp_path / "spacy" / "all.spacy").get_docs(nlp.vocab))
    assert [d.user_data["id"] for d in docs] == [r["id"] for r in corpus]
    for doc, record in zip(docs, corpus, strict=True):
        assert doc.text == record["text"]
        assert doc.user_data["isfannotate"]["sha256"] == record["sha256"]
        assert {(e.start_char, e.end_char, e.label_) for e in doc.ents} == expected_entities(record)
        for e in doc.ents:
            span = next(
                s
                for s in record["spans"]
                if (s["start"], s["end"]) == (e.start_char, e.end_char) and s["label"] == "ACTOR"
            )
            assert e.kb_id_ == span["actor_id"]
        assert {(s.start_char, s.end_char, s.label_) for s in doc.spans["sc"]} == all_spans(record)
        assert doc.has_annotation("SENT_START")
    labels = {e.label_ for d in docs for e in d.ents}
    assert {"state", "person", "armed_group", "other"} <= labels
    # the only warning: the shorter of two overlapping ACTORs in seed 000 left out of doc.ents
    assert len(result.warnings) == 1
    (w,) = overlap_warnings(result)
    assert "000_79b6248a8f5a8456: span a4 [428,438) 'Asim Munir'" in w and "a3 [414,438)" in w


def test_spacy_unaligned_span_expands_with_warning_and_unalignable_is_reported(tmp_path):
    import spacy
    from spacy.tokens import DocBin

    text = "Pakistani troops. Gaza  x"
    rec = make_record("d", text, [("a1", "Pakistan", "ACTOR", "pk"), ("w1", " ", "WS", None, 1)])
    result = export_records([rec], "spacy", tmp_path / "o", project_name="p", layer="gold")
    (doc,) = DocBin().from_disk(tmp_path / "o" / "all.spacy").get_docs(spacy.blank("en").vocab)
    assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == [(0, 9, "state")]
    assert any("d: span a1 [0,8) 'Pakistan'" in w and "expanded to [0,9) 'Pakistani'" in w for w in result.warnings)
    start = text.index(". ") + 1  # the space after "." is trailing whitespace, not a token
    assert any(f"d: span w1 [{start},{start + 1})" in w and "cannot be aligned" in w for w in result.warnings)
    assert [s.label_ for s in doc.spans["sc"]] == ["ACTOR"]


def test_actor_spans_follow_the_schemes_actor_role(tmp_path):
    import spacy
    from spacy.tokens import DocBin

    scheme = {"span_labels": [{"name": "WHO", "role": "actor"}, {"name": "ACTOR", "role": "generic"}],
              "relation_types": [{"name": "allied_with"}]}
    text = "Pakistan and Hamas talked."
    rec = make_record("d", text, [("a1", "Pakistan", "WHO", "pk"), ("a2", "Hamas", "WHO", None),
                                  ("x1", "talked", "ACTOR", None)])
    export_records([rec], "spacy", tmp_path / "o", project_name="p", layer="gold", scheme=scheme)
    (doc,) = DocBin().from_disk(tmp_path / "o" / "all.spacy").get_docs(spacy.blank("en").vocab)
    assert [(e.text, e.label_) for e in doc.ents] == [("Pakistan", "state"), ("Hamas", "WHO")]
    export_records([rec], "brat", tmp_path / "b", project_name="p", layer="gold", scheme=scheme)
    conf = (tmp_path / "b" / "annotation.conf").read_text("utf-8")
    assert conf.startswith("[entities]\nWHO\nACTOR\n") and "allied_with\tArg1:<ENTITY>" in conf


# --------------------------------------------------------------------------- Hugging Face


def test_hf_token_classification_loads_with_datasets_and_bio_round_trips(corpus, tmp_path):
    import datasets

    run(corpus, "hf", tmp_path, split=(0.6, 0.2, 0.2), seed=3)
    folder = tmp_path / "hf"
    labels = json.loads((folder / "labels.json").read_text("utf-8"))
    assert labels[0] == "O" and all(re.fullmatch(r"[BI]-\S+", t) for t in labels[1:])
    files = {s: str(folder / f"{s}.jsonl") for s in ("train", "dev", "test") if (folder / f"{s}.jsonl").exists()}
    assert set(files) == {"train", "dev", "test"}
    ds = datasets.load_dataset("json", data_files=files, cache_dir=str(tmp_path / "hf-cache"))
    by_id = {r["id"]: r for r in corpus}
    found: dict[str, set] = {r["id"]: set() for r in corpus}
    n_rows = 0
    for split in ds:
        for row in ds[split]:
            n_rows += 1
            text = by_id[row["doc_id"]]["text"]
            offsets = [tuple(o) for o in row["offsets"]]
            assert row["tokens"] == [text[a:b] for a, b in offsets]
            tags = [labels[i] for i in row["ner_tags"]]
            found[row["doc_id"]] |= bio_to_spans(tags, offsets)
    assert n_rows > len(corpus)  # one row per sentence
    for doc_id, record in by_id.items():
        assert found[doc_id] == expected_entities(record), doc_id


# --------------------------------------------------------------------------- rows


def test_stance_rows(corpus, tmp_path):
    run(corpus, "stances", tmp_path)
    rows = [json.loads(x) for x in (tmp_path / "stances" / "all.jsonl").read_text("utf-8").splitlines()]
    assert len(rows) == 2
    first = rows[0]
    assert first == {
        "doc_id": "flags", "stance_id": "st1", "holder": "pk", "holder_name": "Pakistan", "target": "troops",
        "target_name": "contributing troops to the ISF", "polarity": "support", "conditions": "a leadership role",
        "evidence": [{"start": FLAGS.index("Pakistan has"), "end": FLAGS.index("Pakistan has") + 35,
                      "text": "Pakistan has offered to send troops"}],
        "evidence_text": "Pakistan has offered to send troops",
        "context": "Rubio said that Pakistan has offered to send troops.",
    }
    # evidence across a line break: the context covers both sentences
    assert (
        rows[1]["context"]
        == "The family 👨‍👩‍👧 watched as Hamas officials met in Gaza.\nHamas rejected disarmament outright."
    )
    for row in rows:
        assert all(e["text"] in row["context"] for e in row["evidence"])


def test_claim_rows(corpus, tmp_path):
    run(corpus, "claims", tmp_path)
    rows = [json.loads(x) for x in (tmp_path / "claims" / "all.jsonl").read_text("utf-8").splitlines()]
    assert len(rows) == 8  # flags, zwj, urdu and the five seeds
    by_doc = {r["doc_id"]: r for r in rows}
    assert by_doc["flags"] == {
        "doc_id": "flags", "span_id": "c1", "claim_text": "Pakistan has offered to send troops",
        "start": FLAGS.index("Pakistan has"), "end": FLAGS.index("Pakistan has") + 35, "source_kind": "actor",
        "source": "rubio", "source_name": "Marco Rubio", "source_span_text": "Rubio", "cue_text": "said",
        "quote": "reported", "context": "Rubio said that Pakistan has offered to send troops.",
    }
    assert by_doc["zwj"]["source_kind"] == "article" and by_doc["zwj"]["source"] is None
    assert by_doc["urdu"]["context"] == URDU and by_doc["urdu"]["quote"] == "direct"
    texts = {r["id"]: r["text"] for r in corpus}
    for row in rows:
        assert texts[row["doc_id"]][row["start"]:row["end"]] == row["claim_text"]
        assert row["claim_text"] in row["context"]


# --------------------------------------------------------------------------- brat


def parse_ann(path: Path) -> dict:
    out = {"T": {}, "R": [], "N": [], "A": [], "#": []}
    for line in path.read_text("utf-8").split("\n"):
        if not line:
            continue
        ident, rest = line.split("\t", 1)
        if ident[0] == "T":
            head, covered = rest.split("\t")
            label, where = head.split(" ", 1)
            frags = [tuple(int(x) for x in f.split()) for f in where.split(";")]
            out["T"][ident] = (label, frags, covered)
        elif ident[0] == "R":
            label, a1, a2 = rest.rstrip("\t").split(" ")
            out["R"].append((label, a1.removeprefix("Arg1:"), a2.removeprefix("Arg2:")))
        elif ident[0] == "N":
            head, name = rest.split("\t")
            _, target, ref = head.split(" ")
            out["N"].append((target, ref, name))
        elif ident[0] == "A":
            out["A"].append(tuple(rest.split(" ")))
        else:
            out["#"].append(rest)
    return out


def test_brat_standoff_slices_match_every_span(corpus, tmp_path):
    result = run(corpus, "brat", tmp_path)
    folder = tmp_path / "brat"
    names = result.manifest["file_names"]
    conf = (folder / "annotation.conf").read_text("utf-8")
    assert "[entities]\nACTOR\nCLAIM\n" in conf and "agrees_with\tArg1:<ENTITY>, Arg2:<ENTITY>" in conf
    assert "Quote\tArg:<ENTITY>, Value:direct|reported" in conf
    for record in corpus:
        stem = names[record["id"]]
        txt = (folder / f"{stem}.txt").read_bytes().decode("utf-8")
        assert txt == record["text"]
        ann = parse_ann(folder / f"{stem}.ann")
        got = set()
        for label, frags, covered in ann["T"].values():
            assert " ".join(txt[a:b] for a, b in frags) == covered
            got.add((frags[0][0], frags[-1][1], label))
        assert got == all_spans(record)
        by_t = {t: (f[0][0], f[-1][1]) for t, (_, f, _) in ann["T"].items()}
        linked = {(by_t[t], ref) for t, ref, _ in ann["N"] if ref.startswith("isfannotate:")}
        assert linked == {
            ((s["start"], s["end"]), f"isfannotate:{s['actor_id']}") for s in record["spans"] if s["actor_id"]
        }
    flags = parse_ann(folder / "flags.ann")
    tid = {(f[0][0], f[-1][1], lab): t for t, (lab, f, _) in flags["T"].items()}
    span = {s["id"]: tid[(s["start"], s["end"], s["label"])] for s in corpus[0]["spans"]}
    assert ("source", span["c1"], span["a3"]) in flags["R"]
    assert ("cue", span["c1"], span["q1"]) in flags["R"]
    assert ("agrees_with", span["a2"], span["a1"]) in flags["R"]
    assert ("Quote", span["c1"], "reported") in flags["A"]
    assert any(
        n.startswith("AnnotatorNotes " + span["c1"]) and "Pakistan -> contributing troops to the ISF: support" in n
        for n in flags["#"]
    )
    zwj = parse_ann(folder / "zwj.ann")
    (multi,) = [f for _, f, _ in zwj["T"].values() if len(f) > 1]
    assert len(multi) == 2  # the CLAIM across "\n"


# --------------------------------------------------------------------------- doccano


def test_doccano_offsets_are_utf16_code_units(corpus, tmp_path):
    run(corpus, "doccano", tmp_path)
    rows = [json.loads(x) for x in (tmp_path / "doccano" / "all.jsonl").read_text("utf-8").splitlines()]
    assert [r["id"] for r in rows] == [r["id"] for r in corpus]
    for row, record in zip(rows, corpus, strict=True):
        assert row["text"] == record["text"]
        units = row["text"].encode("utf-16-le")
        got = {(units[2 * s:2 * e].decode("utf-16-le"), lab) for s, e, lab in row["label"]}
        assert got == {(s["text"], s["label"]) for s in record["spans"]}
        assert len(row["label"]) == len(record["spans"])
    flags = rows[0]
    # "Pakistan" follows two flags (four astral code points): code points 5..13, UTF-16 9..17
    assert [9, 17, "ACTOR"] in flags["label"]
    peer_keys = {"text", "label"}
    assert peer_keys <= set(flags)


# --------------------------------------------------------------------------- Label Studio


def test_labelstudio_tasks_match_peer_shape_and_slices(corpus, tmp_path, shared):
    peer = json.loads(
        shared("peer-formats", "label-studio", "named_entity.task_with_annotations.json").read_text("utf-8")
    )
    peer_region = peer["annotations"][0]["result"][0]
    run(corpus, "labelstudio", tmp_path)
    tasks = json.loads((tmp_path / "labelstudio" / "all.json").read_text("utf-8"))
    assert isinstance(tasks, list) and len(tasks) == len(corpus)
    for task, record in zip(tasks, corpus, strict=True):
        assert task["data"]["text"] == record["text"] and task["data"]["doc_id"] == record["id"]
        result = task["annotations"][0]["result"]
        regions = [r for r in result if r["type"] == "labels"]
        for r in regions:
            assert set(r) == set(peer_region) - {"source"}
            assert set(r["value"]) == set(peer_region["value"])
            v = r["value"]
            assert record["text"][v["start"]:v["end"]] == v["text"]
        assert {(r["value"]["start"], r["value"]["end"], r["value"]["labels"][0]) for r in regions} == all_spans(record)
        ids = {r["id"] for r in regions}
        for rel in (r for r in result if r["type"] == "relation"):
            assert rel["from_id"] in ids and rel["to_id"] in ids and rel["direction"] == "right"
    rels = {
        (r["from_id"], r["to_id"], r["labels"][0])
        for r in tasks[0]["annotations"][0]["result"]
        if r["type"] == "relation"
    }
    assert rels == {("a2", "a1", "agrees_with"), ("c1", "a3", "source"), ("c1", "q1", "cue")}
    config = (tmp_path / "labelstudio" / "config.xml").read_text("utf-8")
    import xml.etree.ElementTree as ET

    root = ET.fromstring(config)
    assert {lab.get("value") for lab in root.iter("Label")} >= {"ACTOR", "CLAIM", "CUE"}


# --------------------------------------------------------------------------- Prodigy


def test_prodigy_tokens_and_inclusive_token_end(corpus, tmp_path, shared):
    peer_line = (
        shared("peer-formats", "prodigy", "news_headlines_ner_manual.first40.jsonl").read_text("utf-8").splitlines()[0]
    )
    peer = json.loads(peer_line)
    run(corpus, "prodigy", tmp_path)
    tasks = [json.loads(x) for x in (tmp_path / "prodigy" / "all.jsonl").read_text("utf-8").splitlines()]
    for task, record in zip(tasks, corpus, strict=True):
        assert task["meta"]["id"] == record["id"] and task["answer"] == "accept"
        assert set(peer["tokens"][0]) <= set(task["tokens"][0])
        assert set(peer["spans"][0]) <= set(task["spans"][0])
        toks = task["tokens"]
        assert [t["id"] for t in toks] == list(range(len(toks)))
        assert "".join(t["text"] + (" " if t["ws"] else "") for t in toks) == record["text"]
        for sp in task["spans"]:
            assert toks[sp["token_start"]]["start"] == sp["start"]
            assert toks[sp["token_end"]]["end"] == sp["end"]  # token_end inclusive
        assert {(s["start"], s["end"], s["label"]) for s in task["spans"]} == all_spans(record)
    # the claim source as a Prodigy relation, head/child on the spans' last tokens
    rel = next(r for r in tasks[0]["relations"] if r["label"] == "source")
    assert (rel["head_span"]["start"], rel["child_span"]["start"]) == (
        FLAGS.index("Pakistan has"),
        FLAGS.index("Rubio"),
    )
    assert rel["head"] == rel["head_span"]["token_end"]


def test_prodigy_splits_tokens_at_span_boundaries(tmp_path):
    text = "Pakistani troops  arrived."
    rec = make_record("d", text, [("a1", "Pakistan", "ACTOR", "pk"), ("w1", " arrived", "X", None)])
    export_records([rec], "prodigy", tmp_path / "o", project_name="p", layer="gold")
    (task,) = [json.loads(x) for x in (tmp_path / "o" / "all.jsonl").read_text("utf-8").splitlines()]
    toks = task["tokens"]
    for sp in task["spans"]:
        assert toks[sp["token_start"]]["start"] == sp["start"] and toks[sp["token_end"]]["end"] == sp["end"]
    assert [t["text"] for t in toks[:2]] == ["Pakistan", "i"]
    assert "".join(t["text"] + (" " if t["ws"] else "") for t in toks) == text


# --------------------------------------------------------------------------- CoNLL


def read_conll(path: Path) -> dict[str, list[list[tuple[str, str]]]]:
    """Documents start at ``-DOCSTART- -X- O O``; their ids are in the manifest, in order."""
    manifest = json.loads((path.parent / "manifest.json").read_text("utf-8"))
    ids = iter(d["id"] for d in manifest["documents_exported"])
    docs: dict[str, list[list[tuple[str, str]]]] = {}
    current = None
    sentence: list = []
    for line in path.read_text("utf-8").split("\n"):
        if line == "-DOCSTART- -X- O O":
            assert not sentence
            current = docs.setdefault(next(ids), [])
        elif not line:
            if sentence:
                current.append(sentence)
                sentence = []
        else:
            token, tag = line.split("\t")
            sentence.append((token, tag))
    assert not sentence and next(ids, None) is None
    return docs


def expected_conll(record) -> tuple[set[tuple[int, int, str]], Counter]:
    """The ACTOR entities, then every other span longest first where no kept one overlaps it
    (independent oracle); and the left-out spans per label."""
    kept = expected_entities(record)
    actor_kept = {(a, b) for a, b, _l in kept}
    dropped = Counter("_".join(s["label"].split()) for s in record["spans"]
                      if s["label"] == "ACTOR" and (s["start"], s["end"]) not in actor_kept)
    for s in sorted((s for s in record["spans"] if s["label"] != "ACTOR"),
                    key=lambda s: (s["start"] - s["end"], s["start"], s["id"])):
        if all(s["end"] <= a or b <= s["start"] for a, b, _l in kept):
            kept.add((s["start"], s["end"], s["label"]))
        else:
            dropped[s["label"]] += 1
    return kept, dropped


def test_conll_iob2_reassembles_to_our_entities(corpus, tmp_path):
    result = run(corpus, "conll", tmp_path)
    docs = read_conll(tmp_path / "conll" / "all.conll")
    assert list(docs) == [r["id"] for r in corpus]
    dropped_total: Counter = Counter()
    for record in corpus:
        text, cursor = record["text"], 0
        tags, offsets = [], []
        for sentence in docs[record["id"]]:
            for token, tag in sentence:
                start = text.index(token, cursor)
                assert not text[cursor:start].strip(), f"skipped text {text[cursor:start]!r}"
                cursor = start + len(token)
                tags.append(tag)
                offsets.append((start, cursor))
        assert not text[cursor:].strip()
        want, dropped = expected_conll(record)
        assert bio_to_spans(tags, offsets) == want, record["id"]
        dropped_total += dropped
    # issue 18: other labels than actors are written; what does not fit is counted, per label
    assert {"CLAIM", "CUE"} <= {t[2:] for d in docs.values() for sent in d for _tok, t in sent if t != "O"}
    assert result.manifest["counts"]["format"]["dropped"] == dict(sorted(dropped_total.items()))
    assert result.manifest["counts"]["warnings"] >= sum(dropped_total.values()) > 0


def test_conll_with_the_urdu_tokenizer(corpus, tmp_path):
    urdu = [r for r in corpus if r["id"] == "urdu"]
    export_records(urdu, "conll", tmp_path / "ur", project_name="p", layer="gold", language="ur")
    (sentences,) = read_conll(tmp_path / "ur" / "all.conll").values()
    assert sentences[0][0] == ("پاکستان", "B-state")


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_writes_a_manifest(corpus, tmp_path, fmt):
    result = run(corpus, fmt, tmp_path, split=(0.5, 0.25, 0.25), seed=1)
    manifest = json.loads((tmp_path / fmt / "manifest.json").read_text("utf-8"))
    assert manifest == result.manifest
    assert manifest["format"] == fmt and manifest["layer"] == "gold" and manifest["project"] == "demo"
    assert result.files[-1].name == "manifest.json"
    listed = {f["name"] for f in manifest["files"]}
    assert listed == {p.name for p in result.files} - {"manifest.json"}
    for entry in manifest["files"]:
        assert hashlib.sha256((tmp_path / fmt / entry["name"]).read_bytes()).hexdigest() == entry["sha256"]
    assert not [p for p in (tmp_path / fmt).iterdir() if p.name.startswith(".")]
