"""Fuzzing the JSON-shaped readers (doccano, Prodigy, Label Studio, plain and gold JSONL, and
format detection) from valid seed files: truncations, inserted and replaced bytes, deep
nesting, other encodings, values of the wrong type and huge values.

The only outcomes allowed: the import succeeds with every item counted (imported + converted
+ skipped == the items in the file), or it is refused with an IsfError (exit 2 in the CLI).
Anything else (a RecursionError, a TypeError, a KeyError ...) is a bug. Bounded: a few
dozen examples per test and no deadline, so this file runs in well under a minute.
"""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from isfannotate.errors import IsfError
from isfannotate.formats import doccano, labelstudio, prodigy
from isfannotate.formats.detect import detect_format

FUZZ = settings(max_examples=int(os.environ.get("ISF_FUZZ_EXAMPLES", "40")), deadline=None,
                derandomize=os.environ.get("ISF_FUZZ_RANDOM") != "1",
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# --------------------------------------------------------------------------- seeds (our own, in the tools' shapes)

TEXT = "😊 Pakistan will not disarm Hamas,\r\nMunir said in Rawalpindi."


def _lines(rows) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")


SEEDS: dict[str, tuple[str, bytes]] = {
    "doccano-seq": (
        "d.jsonl",
        _lines(
            [
                {"id": 1, "text": TEXT, "label": [[3, 11, "GPE"], [28, 33, "ORG"], [3, 11, "GPE"], [5, 5, "X"]]},
                {"id": 2, "text": "Gaza talks", "label": ["relevant"]},
                {"text": "Rafah", "label": []},
            ]
        ),
    ),
    "doccano-rel": (
        "r.jsonl",
        _lines(
            [
                {
                    "text": TEXT,
                    "entities": [
                        {"id": 10, "start_offset": 3, "end_offset": 11, "label": "GPE"},
                        {"id": 11, "start_offset": 28, "end_offset": 33, "label": "ORG"},
                    ],
                    "relations": [{"id": 1, "from_id": 10, "to_id": 11, "type": "opposes"}],
                }
            ]
        ),
    ),
    "doccano-1": (
        "d1.jsonl",
        _lines(
            [
                {
                    "id": 1,
                    "text": "EU rejects German call",
                    "annotations": [
                        {
                            "id": 1,
                            "label": 2,
                            "label_name": "ORG",
                            "start_offset": 0,
                            "end_offset": 2,
                            "user": 1,
                            "user_name": "user1",
                        },
                        {"id": 2, "label": 3, "start_offset": 11, "end_offset": 17, "user": 2},
                    ],
                    "meta": {},
                },
                {"id": 2, "text": "Nobody", "annotations": []},
            ]
        ),
    ),
    "prodigy": (
        "p.jsonl",
        _lines(
            [
                {
                    "text": TEXT,
                    "spans": [
                        {"start": 2, "end": 10, "label": "GPE", "token_start": 1, "token_end": 1},
                        {"start": 27, "end": 32, "label": "ORG", "token_start": 5, "token_end": 5},
                    ],
                    "relations": [
                        {
                            "head": 1,
                            "child": 5,
                            "label": "opposes",
                            "head_span": {"start": 2, "end": 10, "label": "GPE"},
                            "child_span": {"start": 27, "end": 32, "label": "ORG"},
                        }
                    ],
                    "answer": "accept",
                    "_view_id": "relations",
                    "_session_id": "x-alice",
                    "_task_hash": 1,
                    "meta": {"id": "a"},
                },
                {
                    "text": "Gaza talks",
                    "spans": [{"start": 0, "end": 4, "label": "LOC"}],
                    "answer": "reject",
                    "_view_id": "ner",
                    "_session_id": "x-alice",
                    "_task_hash": 2,
                },
                {
                    "text": "Gaza talks",
                    "spans": [{"start": 0, "end": 4, "label": "GPE"}],
                    "answer": "accept",
                    "_view_id": "ner",
                    "_session_id": "x-alice",
                    "_task_hash": 3,
                },
                {"text": " ", "spans": [], "answer": "accept", "_task_hash": 4},
                {"text": "Is this news?", "label": "NEWS", "answer": "accept", "_view_id": "classification"},
            ]
        ),
    ),
    "labelstudio": (
        "ls.json",
        json.dumps(
            [
                {
                    "id": 1,
                    "data": {"text": TEXT},
                    "annotations": [
                        {
                            "completed_by": 1,
                            "result": [
                                {
                                    "id": "a",
                                    "type": "labels",
                                    "from_name": "label",
                                    "to_name": "text",
                                    "value": {"start": 2, "end": 10, "text": "Pakistan", "labels": ["GPE"]},
                                },
                                {
                                    "id": "b",
                                    "type": "labels",
                                    "from_name": "label",
                                    "to_name": "text",
                                    "value": {"start": 27, "end": 32, "labels": ["ORG", "ACTOR"]},
                                },
                                {
                                    "id": "a",
                                    "type": "choices",
                                    "from_name": "certainty",
                                    "value": {"choices": ["high"]},
                                },
                                {
                                    "type": "relation",
                                    "from_id": "a",
                                    "to_id": "b",
                                    "direction": "right",
                                    "labels": ["opposes"],
                                },
                                {"type": "choices", "from_name": "relevance", "value": {"choices": ["yes"]}},
                            ],
                        },
                        {"completed_by": 2, "was_cancelled": True, "result": []},
                    ],
                    "predictions": [
                        {"result": [{"id": "p", "type": "labels", "value": {"start": 0, "end": 1, "labels": ["X"]}}]}
                    ],
                },
                {"id": 2, "data": {"text": "Gaza talks"}, "annotations": []},
            ],
            ensure_ascii=False,
            indent=1,
        ).encode("utf-8"),
    ),
    "plain": ("docs.jsonl", _lines([{"id": "a", "text": TEXT, "meta": {"outlet": "Dawn"}}, {"text": "Second one"}])),
}

SPECIAL = [b"[", b"{", b"]", b"}", b'"', b"\\", b",", b":", b"\x00", b"\xff", b"\xc3", b"\n", b"\r", b"null",
           b"-1", b"1e999", b"99999999999999999999999", b'"\\ud800"', b"\xef\xbb\xbf", b"NaN", b"[" * 3000,
           b'{"a":' * 2000]


@st.composite
def mutation(draw, data: bytes) -> bytes:
    kind = draw(st.sampled_from(["truncate", "insert", "replace", "nest", "encode", "duplicate", "deep-line"]))
    n = len(data)
    if kind == "truncate":
        return data[: draw(st.integers(0, n - 1))]
    if kind == "insert":
        i = draw(st.integers(0, n))
        return data[:i] + draw(st.one_of(st.sampled_from(SPECIAL), st.binary(min_size=1, max_size=6))) + data[i:]
    if kind == "replace":
        i = draw(st.integers(0, n - 1))
        return data[:i] + bytes([draw(st.integers(0, 255))]) + data[i + 1:]
    if kind == "nest":
        depth = draw(st.sampled_from([1, 2, 50, 999, 5000, 100_000]))
        return b"[" * depth + data + b"]" * draw(st.sampled_from([0, depth]))
    if kind == "encode":
        text = data.decode("utf-8")
        enc = draw(st.sampled_from(["utf-16", "utf-16-le", "latin-1", "cp1252", "utf-8-sig"]))
        return text.encode(enc, errors="replace")
    if kind == "duplicate":
        lines = data.split(b"\n")
        i = draw(st.integers(0, len(lines) - 1))
        return b"\n".join(lines[: i + 1] + [lines[i]] + lines[i + 1:])
    lines = data.split(b"\n")
    i = draw(st.integers(0, len(lines) - 1))
    return b"\n".join(lines[:i] + [b"[" * 100_000] + lines[i:])


JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.integers(-3, 80), st.floats(allow_nan=False),
              st.text(max_size=6), st.sampled_from(["", " ", "GPE", "Straße", "\ud800x", "x" * 10_000])),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)),
    max_leaves=6)


def _swap_value(rnd: random.Random, obj, value):
    """Replace one value somewhere inside ``obj`` (a JSON document) with ``value``."""
    path = []
    node = obj
    while isinstance(node, (dict, list)) and node and (not path or rnd.random() < 0.7):
        key = rnd.choice(list(node)) if isinstance(node, dict) else rnd.randrange(len(node))
        path.append((node, key))
        node = node[key]
    if path:
        parent, key = path[-1]
        parent[key] = value
        return obj
    return value


@st.composite
def wrong_types(draw, fmt: str, data: bytes) -> bytes:
    rnd = random.Random(draw(st.integers(0, 2**32)))
    value = draw(JSON_VALUES)
    if fmt == "labelstudio":
        return json.dumps(_swap_value(rnd, json.loads(data), value), ensure_ascii=False).encode(
            "utf-8", "surrogatepass"
        )
    rows = [json.loads(x) for x in data.decode("utf-8").splitlines() if x.strip()]
    i = rnd.randrange(len(rows))
    rows[i] = _swap_value(rnd, rows[i], value)
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8", "surrogatepass")


READERS = {"doccano-seq": doccano.read, "doccano-rel": doccano.read, "doccano-1": doccano.read,
           "prodigy": prodigy.read, "labelstudio": labelstudio.read}


def _read_or_refuse(fn, path):
    try:
        return fn([path])
    except IsfError:
        return None


def _detect_or_refuse(path):
    try:
        return detect_format([path])
    except IsfError:
        return None


@pytest.mark.parametrize("fmt", sorted(SEEDS))
def test_mutated_files_are_imported_or_refused(fmt, tmp_path):
    """Detection, the reader and the whole import (a real project): success or IsfError."""
    from isfannotate import Project

    name, seed = SEEDS[fmt]
    project = Project.create(tmp_path / "p.isf")
    path = tmp_path / name

    @FUZZ
    @given(st.one_of(mutation(seed), wrong_types(fmt, seed)))
    def check(data: bytes) -> None:
        path.write_bytes(data)
        _detect_or_refuse(path)
        if fmt in READERS:
            _read_or_refuse(READERS[fmt], path)
        try:
            project.import_paths([path], annotator="fuzz", add_labels=True, replace=True)
        except IsfError:
            pass

    try:
        check()
    finally:
        project.close()


def test_gold_jsonl_mutations_are_imported_or_refused(tmp_path):
    from isfannotate import Project

    src = Project.create(tmp_path / "src.isf")
    src.import_paths([_write(tmp_path / "a.txt", TEXT)])
    doc = src.documents()[0].id
    text = src.document(doc).text
    i = text.index("Pakistan")
    src.annotate(doc, "alice", i, i + 8, "ACTOR", actor_id=None)
    src.export("jsonl", tmp_path / "out", layer="alice", include_all=True)
    src.close()
    seed = (tmp_path / "out" / "all.jsonl").read_bytes()
    project = Project.create(tmp_path / "p.isf")
    path = tmp_path / "gold.jsonl"

    @FUZZ
    @given(st.one_of(mutation(seed), wrong_types("gold", seed)))
    def check(data: bytes) -> None:
        path.write_bytes(data)
        _detect_or_refuse(path)
        try:
            project.import_paths([path], annotator="fuzz", add_labels=True, replace=True)
        except IsfError:
            pass

    try:
        check()
    finally:
        project.close()


def _write(path: Path, text: str) -> Path:
    path.write_text(text, "utf-8")
    return path


# --------------------------------------------------------------------------- every span counted

OFFSETS = st.one_of(st.integers(-2, 40), st.integers(), st.sampled_from([0.5, "3", None, True, [1]]))
LABELS = st.one_of(st.sampled_from(["GPE", "ORG", "Straße"]), st.text(max_size=4), st.integers(0, 3), st.none())
TEXTS = st.sampled_from([TEXT, "Gaza talks", " ", "", "🇵🇰 flag\r\n", "e\u0301t\u00e9"])


@FUZZ
@given(st.lists(st.tuples(TEXTS, st.lists(st.tuples(OFFSETS, OFFSETS, LABELS), max_size=5)), min_size=1, max_size=4),
       st.booleans())
def test_doccano_counts_every_span(tmp_path_factory, docs, as_entities):
    path = tmp_path_factory.mktemp("d") / "d.jsonl"
    rows = []
    for text, spans in docs:
        if as_entities:
            rows.append({"text": text, "entities": [{"id": i, "start_offset": s, "end_offset": e, "label": lab}
                                                    for i, (s, e, lab) in enumerate(spans)]})
        else:
            rows.append({"text": text, "label": [[s, e, lab] for s, e, lab in spans]})
    path.write_bytes(_lines(rows))
    coll = _read_or_refuse(doccano.read, path)
    if coll is not None:
        assert coll.count("span") == sum(len(s) for _, s in docs)


@FUZZ
@given(st.lists(st.tuples(TEXTS, st.lists(st.tuples(OFFSETS, OFFSETS, LABELS), max_size=4),
                          st.sampled_from(["accept", "reject", "ignore", None]),
                          st.sampled_from(["ner", "ner_manual"]), st.integers(0, 3)), min_size=1, max_size=5))
def test_prodigy_counts_every_span(tmp_path_factory, tasks):
    path = tmp_path_factory.mktemp("p") / "p.jsonl"
    rows = [{"text": text, "spans": [{"start": s, "end": e, "label": lab} for s, e, lab in spans], "answer": answer,
             "_view_id": view, "_session_id": "s", "_task_hash": h}
            for text, spans, answer, view, h in tasks]
    path.write_bytes(_lines(rows))
    coll = _read_or_refuse(prodigy.read, path)
    if coll is not None:
        assert coll.count("span") == sum(len(t[1]) for t in tasks)


@FUZZ
@given(st.lists(st.tuples(TEXTS, st.lists(st.tuples(OFFSETS, OFFSETS, st.lists(LABELS, max_size=2)), max_size=4),
                          st.sampled_from(["annotations", "predictions", "both"]), st.booleans()),
                min_size=1, max_size=4))
def test_label_studio_counts_every_span(tmp_path_factory, tasks):
    path = tmp_path_factory.mktemp("l") / "ls.json"
    out, expected = [], 0
    for n, (text, regions, where, cancelled) in enumerate(tasks):
        result = [{"id": f"r{i}", "type": "labels", "from_name": "label", "to_name": "text",
                   "value": {"start": s, "end": e, "labels": labs}} for i, (s, e, labs) in enumerate(regions)]
        task = {"id": n, "data": {"text": text}}
        if where in ("annotations", "both"):
            task["annotations"] = [{"completed_by": 1, "was_cancelled": cancelled, "result": result}]
            expected += sum(max(1, len(labs)) for _, _, labs in regions)
        if where in ("predictions", "both"):
            task["predictions"] = [{"result": result}]
            expected += sum(max(1, len(labs)) for _, _, labs in regions)
        out.append(task)
    path.write_text(json.dumps(out, ensure_ascii=False), "utf-8")
    coll = _read_or_refuse(labelstudio.read, path)
    if coll is not None:
        assert coll.count("span") == expected


# --------------------------------------------------------------------------- the CLI itself


def test_cli_on_fuzzed_files_exits_0_or_2_without_a_traceback(tmp_path):
    """A few mutated files through ``python -m isfannotate import`` in a subprocess."""
    rnd = random.Random(18)
    proj = tmp_path / "p.isf"
    subprocess.run([sys.executable, "-m", "isfannotate", "init", str(proj)], check=True, capture_output=True)
    cases = []
    for fmt in ("doccano-seq", "prodigy", "labelstudio"):
        name, seed = SEEDS[fmt]
        cut = tmp_path / f"cut-{name}"
        cut.write_bytes(seed[: rnd.randrange(1, len(seed))])
        deep = tmp_path / f"deep-{name}"
        deep.write_bytes(b"[" * 100_000 + seed)
        cases += [cut, deep]
    script = ("import sys\nfrom isfannotate.cli import main\n"
              "codes = []\n"
              "for f in sys.argv[2:]:\n"
              "    try:\n"
              "        codes.append(main(['import', sys.argv[1], f, '--annotator', 'fuzz', '--add-labels']))\n"
              "    except SystemExit as e:\n"
              "        codes.append(e.code)\n"
              "print(codes)\n")
    r = subprocess.run([sys.executable, "-c", script, str(proj), *map(str, cases)], capture_output=True, text=True,
                       timeout=120)
    assert "Traceback" not in r.stderr, r.stderr
    codes = json.loads(r.stdout.strip().splitlines()[-1])
    assert set(codes) <= {0, 2} and len(codes) == len(cases), (codes, r.stderr)
    # and one through the real command line, as a user runs it
    r = subprocess.run([sys.executable, "-m", "isfannotate", "import", str(proj), str(cases[1])],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "Traceback" not in r.stderr and f"{cases[1]}:1:" in r.stderr
