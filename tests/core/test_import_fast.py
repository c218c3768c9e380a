"""The fast paths of the plain JSONL import (issue 21's import budget) read what the standard
paths read: the orjson reader gives the standard reader's documents or hands the file back to
it, and the detector's search of the rest of a file finds the lines a search line by line found."""
from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from isfannotate.errors import InputError
from isfannotate.formats import detect
from isfannotate.importing.documents import _read_jsonl
from isfannotate.importing.fastjsonl import read_jsonl_fast

PIECES = ["Pakistan sent troops.", "🇵🇰 Rubio said so.", "قالت الحكومة إن القوات", "line one\r\nline two\rthree",
          "tab\there", "quote \" and \\ backslash", "\u2028 separator", "é" * 50, "\ufeffBOM inside"]


def _corpus(rng: random.Random, n: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i in range(n):
        obj: dict[str, Any] = {"text": " ".join(rng.choice(PIECES) for _ in range(rng.randint(1, 6)))}
        if rng.random() < 0.7:
            obj["id"] = rng.choice([f"d{i}", i, f"  d{i}  ", "   "])
        if rng.random() < 0.3:
            obj["meta"] = {"outlet": rng.choice(PIECES), "n": i, "tags": ["a", {"b": None}], "ok": True}
        out.append(obj)
    return out


def _standard(path: Path, data: bytes) -> tuple[list[tuple[Any, ...]], list[Any]]:
    docs: list[Any] = []
    gold: list[Any] = []
    _read_jsonl(path, data, docs, gold)
    return [(d.source, d.wanted_id, d.text, d.sha, d.meta) for d in docs], gold


@pytest.mark.parametrize("seed", range(6))
def test_the_fast_reader_gives_the_standard_readers_documents(tmp_path, seed):
    rng = random.Random(seed)
    lines = [json.dumps(o, ensure_ascii=rng.random() < 0.5) for o in _corpus(rng, 60)]
    lines.insert(rng.randrange(len(lines)), "   ")                      # a blank line
    lines.insert(rng.randrange(len(lines)), json.dumps({"schema": "isfannotate-gold/1", "text": "x", "spans": []}))
    sep = "\r\n" if seed % 2 else "\n"
    data = (("\ufeff" if seed % 3 == 0 else "") + sep.join(lines) + sep).encode("utf-8")
    path = tmp_path / "a.jsonl"
    path.write_bytes(data)
    fast = read_jsonl_fast(path)
    assert fast is not None
    assert (fast[0], fast[1]) == _standard(path, data)
    assert len(fast[0]) == 60 and len(fast[1]) == 1


@pytest.mark.parametrize("line", [
    b'{"text": "a", "meta": {"n": 123456789012345678901234567890}}',   # orjson would read a float
    b'{"text": "a", "meta": {"x": NaN}}',
    b'{"text": "lone \\ud800 surrogate"}',
    b'{"text": "bad \xff byte"}',
    b'{"text": "a", "id": true}',
    b'{"text": 5}',
    b'{"id": "no text"}',
    b'["not", "an", "object"]',
    b'{"text": "a"',
    b'\xc2\xa0',                                  # a blank line of a no-break space
    b'{"text": "nul \\u0000 inside"}',
])
def test_the_fast_reader_leaves_what_it_cannot_vouch_for_to_the_standard_reader(tmp_path, line):
    data = b'{"text": "fine", "id": "a"}\n' + line + b'\n{"text": "also fine"}\n'
    path = tmp_path / "a.jsonl"
    path.write_bytes(data)
    assert read_jsonl_fast(path) is None
    try:
        _standard(path, data)   # whatever the standard reader makes of it (a document, or the error naming line 2)
    except InputError as e:
        assert "a.jsonl" in str(e) and "2" in str(e)


def test_floats_in_meta_and_gold_keep_the_fast_path_and_read_as_the_standard_reader_does(tmp_path):
    """A float (a score, a weight) is read alike by both readers: only a 19-digit run, which may be
    an integer beyond 64 bits, sends a file to the standard reader."""
    data = (b'{"text": "one", "id": "a", "meta": {"score": 0.87, "w": [1.5e3, -2.25], "n": 12}}\n'
            b'{"schema": "isfannotate-gold/1", "text": "x", "spans": [], "meta": {"p": 0.5}}\n'
            b'{"text": "two", "meta": {"big": 1234567890123456789}}\n')
    path = tmp_path / "a.jsonl"
    path.write_bytes(data)
    fast = read_jsonl_fast(path)
    assert fast is not None
    assert (fast[0], fast[1]) == _standard(path, data)
    assert fast[0][0][4] == {"score": 0.87, "w": [1500.0, -2.25], "n": 12}
    path.write_bytes(data.replace(b"0.87", b"0.8700000000000000000001"))   # a float of 19+ digits: not vouched for
    assert read_jsonl_fast(path) is None


@pytest.mark.parametrize("data", [b"", b"  \n\r\n \n", b"\xff\xfe{\x00}", b'{"text": "a"}\x00\n'])
def test_the_fast_reader_leaves_empty_and_binary_files_to_the_standard_reader(tmp_path, data):
    path = tmp_path / "a.jsonl"
    path.write_bytes(data)
    assert read_jsonl_fast(path) is None
    assert read_jsonl_fast(tmp_path / "missing.jsonl") is None


def test_the_fast_reader_reports_its_progress_through_the_file(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text("".join(json.dumps({"text": f"document {i} " * 20}) + "\n" for i in range(500)), encoding="utf-8")
    seen: list[float] = []
    fast = read_jsonl_fast(path, seen.append)
    assert fast is not None and len(fast[0]) == 500
    assert len(seen) >= 20 and seen == sorted(seen) and 0 < seen[0] < 0.1 and seen[-1] > 0.95


def _old_later_annotated_records(path: Path) -> list[Any]:
    """The detector's search line by line, as it was before the search of the whole rest."""
    out = []
    with open(path, "rb") as fh:
        fh.seek(detect._SNIFF_BYTES)
        fh.readline()
        for raw in fh:
            line = raw.decode("utf-8", errors="ignore")
            if detect._ANNOTATION_KEYS.search(line):
                try:
                    out.append(detect.loads(line))
                except ValueError:
                    continue
                if len(out) >= detect._SNIFF_RECORDS:
                    break
    return out


@pytest.mark.parametrize("block", [None, 997, 5000])
@pytest.mark.parametrize("ascii_only", [True, False])
def test_the_detectors_search_of_the_rest_finds_the_lines_a_search_line_by_line_found(tmp_path, monkeypatch,
                                                                                     ascii_only, block):
    if block is not None:   # blocks shorter and longer than a line: lines cut at every place
        monkeypatch.setattr(detect, "_BLOCK", block)
    rng = random.Random(11)
    filler = json.dumps({"text": "x" * 2000}) + "\n"
    lines = [filler] * (detect._SNIFF_BYTES // len(filler) + 3)
    tricky = ['{"text": "a", "label": [[0, 1, "X"]]}\n', '{"text": "b", "spans" :\t[]}\n',
              '{"text": "c", "labels"\x0b: []}\n',           # not JSON: found, not parsed
              '{"text": "d", "label"\n', ': "split over two lines"}\n',
              '{"text": "he said \\"label\\": no"}\n', '{"text": "e", "_view_id"\r: "ner"}\n',
              '{"text": "f", "answer": "accept"} {"label": 1}\n']
    if not ascii_only:
        tricky += ['{"text": "🇵🇰 g", "entities": []}\n', '{"text": "h \u00a0", "label"\u00a0: 1}\n',
                   '{"text": "عربي", "annotations": []}\n']
    for _ in range(150):
        lines.append(rng.choice(tricky) if rng.random() < 0.4 else filler)
    data = "".join(lines).encode("utf-8")
    if not ascii_only:
        data += b'{"text": "bad \xff byte", "label": "kept as the old search kept it"}\n'
    data += b'{"text": "the last line, no newline", "label": 1}'
    path = tmp_path / "a.jsonl"
    path.write_bytes(data)
    assert detect._later_annotated_records(path) == _old_later_annotated_records(path)
    assert len(detect._later_annotated_records(path)) > 5
