"""Issue 18: fuzzing the WebAnno TSV3, CoNLL and brat readers with hypothesis.

Each example starts from a valid file written here (in the shapes of the real exports) and
breaks it: truncations, dropped or added columns, lines swapped or repeated, numbers made huge
or negative, bytes that are not UTF-8, stray BOMs, CRs and NULs. The only outcomes allowed are
an IsfError (one line, naming the file) or a collection whose counts account for every span it
holds. Bounded: a few hundred examples per reader, well under a minute in all.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from isfannotate.errors import IsfError  # noqa: E402
from isfannotate.formats import brat, conll, webanno  # noqa: E402

from .test_token_readers_choice import GERMEVAL, TSV_POS_NE  # noqa: E402

FUZZ = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

TSV_CUSTOM = (
    "#FORMAT=WebAnno TSV 3.3\n#T_SP=webanno.custom.Span|value\n"
    "#T_SP=webanno.custom.Event|ROLE_webanno.custom.Event:args_webanno.custom.EventArgsLink|"
    "webanno.custom.Span\n#T_RL=webanno.custom.Relation|value|BT_webanno.custom.Span\n\n\n"
    "#Text=Gaza now 😊\n1-1\t0-4\tGaza\tLOC[1]\t_\t_\t_\t_\t\n1-2\t5-8\tnow\tTIME\tplace\t1-1[1]\tr\t1-1[1_0]\t\n"
    "1-3\t9-11\t😊\t*\t_\t_\t_\t_\t\n\n#Text=Hamas\n2-1\t12-17\tHamas\tORG|LOC\t_\t_\t_\t_\t\n"
    "2-1.1\t12-14\tHa\tX\t_\t_\t_\t_\t\n"
)
CONLL_U = ("# newdoc id = d1\n# text = To kendte Andronik Mirganjan.\n1\tTo\tO\ts\n2\tkendte\tO\ts\n"
           "3\tAndronik\tB-PER\ts\n4\tMirganjan\tI-PER\ts\n5\t.\tO\ts\n\n-DOCSTART- -X- O O\n\n"
           "1-2\tdu\t_\t_\n1\tde\tI-LOC\ts\n2\tle\tI-LOC\ts\n\n")
CONLL_2003 = ("-DOCSTART- -X- -X- O\n\nEU NNP B-NP I-ORG\nrejects VBZ B-VP O\nGerman JJ B-NP I-MISC\n"
              "call NN I-NP O\n. . O O\n\n")
BRAT_TXT = "Pakistan offered troops to Gaza.\nHamas said no.\n"
BRAT_ANN = ("T1\tActor 0 8\tPakistan\nT2\tPlace 27 31\tGaza\nT3\tActor 33 38\tHamas\nT4\tClaim 39;43 44;46\tsaid no\n"
            "R1\tTo Arg1:T1 Arg2:T2\nE1\tOffer:T1 Dest-Arg:T2\nA1\tNegated E1\nA2\tConfidence T1 High\n"
            "N1\tReference T1 Wikidata:Q843\tPakistan\n#1\tAnnotatorNotes T3\tthe group\n*\tAlias T1 T3\n")


def mutate(data, raw: bytes) -> bytes:
    """Apply a few random breakages to *raw*."""
    lines = raw.split(b"\n")
    for _ in range(data.draw(st.integers(0, 4), label="n")):
        op = data.draw(st.sampled_from(["cut", "col-", "col+", "swap", "dup", "num", "bytes", "char", "drop"]),
                       label="op")
        i = data.draw(st.integers(0, max(len(lines) - 1, 0)), label="line")
        if not lines:
            break
        line = lines[i]
        if op == "cut":
            blob = b"\n".join(lines)
            lines = blob[: data.draw(st.integers(0, len(blob)), label="at")].split(b"\n")
        elif op == "col-" and b"\t" in line:
            cells = line.split(b"\t")
            del cells[data.draw(st.integers(0, len(cells) - 1), label="c")]
            lines[i] = b"\t".join(cells)
        elif op == "col+":
            cells = line.split(b"\t")
            cells.insert(
                data.draw(st.integers(0, len(cells)), label="c"),
                data.draw(st.sampled_from([b"", b"_", b"B-X", b"I-", b"*[3]", b"1-1[9_9]", b"O#O"]), label="v"),
            )
            lines[i] = b"\t".join(cells)
        elif op == "swap":
            j = data.draw(st.integers(0, len(lines) - 1), label="j")
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "dup":
            lines.insert(i, line)
        elif op == "num":
            digits = [k for k, ch in enumerate(line) if 48 <= ch <= 57]
            if digits:
                k = data.draw(st.sampled_from(digits), label="d")
                big = data.draw(st.sampled_from([b"99999999999999999999999", b"-3", b"0", b"4294967296", b"1e9"]),
                                label="big")
                lines[i] = line[:k] + big + line[k + 1:]
        elif op == "bytes":
            k = data.draw(st.integers(0, len(line)), label="k")
            junk = data.draw(st.sampled_from([b"\xff\xfe", b"\xc3", b"\xed\xa0\x80", b"\x00", b"\r", b"\xef\xbb\xbf",
                                              b"\x85", b"\\", b"|", b"[", b"]"]), label="junk")
            lines[i] = line[:k] + junk + line[k:]
        elif op == "char":
            k = data.draw(st.integers(0, len(line)), label="k")
            ch = data.draw(st.characters(blacklist_categories=("Cs",)), label="ch").encode("utf-8")
            lines[i] = line[:k] + ch + line[k:]
        elif op == "drop":
            del lines[i]
    return b"\n".join(lines)


def accounted(coll) -> None:
    """Every span the collection holds is counted as imported or converted, and nothing more."""
    spans = sum(len(d.spans) for d in coll.documents)
    assert coll.count("span") - coll.count("span", "skipped") == spans
    for d in coll.documents:
        for s in d.spans:
            assert 0 <= s.start < s.end <= len(d.text) or (s.start == s.end and 0 <= s.start <= len(d.text))
        for r in d.relations:
            keys = {s.key for s in d.spans}
            assert r.head_key in keys and r.tail_key in keys


OUTCOMES: dict[str, int] = {}


def run(read, path: Path) -> None:
    try:
        coll = read(path)
    except IsfError as e:
        assert "Traceback" not in str(e)
        assert str(path.name) in str(e) or str(path.parent.name) in str(e), str(e)
        OUTCOMES["refused"] = OUTCOMES.get("refused", 0) + 1
        return
    accounted(coll)
    OUTCOMES["read"] = OUTCOMES.get("read", 0) + 1


@FUZZ
@given(st.data(), st.sampled_from([TSV_POS_NE, TSV_CUSTOM]), st.sampled_from([None, "Span", "POS", "Event"]))
def test_fuzz_webanno(data, seed, layer):
    raw = mutate(data, seed.encode("utf-8"))
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "f.tsv"
        p.write_bytes(raw)
        run(lambda q: webanno.read([q], layer=layer), p)


@FUZZ
@given(st.data(), st.sampled_from([GERMEVAL, CONLL_U, CONLL_2003, TSV_POS_NE]), st.sampled_from([None, 2, 3, 4]))
def test_fuzz_conll(data, seed, column):
    raw = mutate(data, seed.encode("utf-8"))
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "f.conll"
        p.write_bytes(raw)
        run(lambda q: conll.read([q], tag_column=column), p)


@FUZZ
@given(st.data(), st.booleans(), st.booleans())
def test_fuzz_brat(data, break_text, split):
    ann = mutate(data, BRAT_ANN.encode("utf-8"))
    txt = mutate(data, BRAT_TXT.encode("utf-8")) if break_text else BRAT_TXT.encode("utf-8")
    with tempfile.TemporaryDirectory() as d:
        (Path(d) / "doc.txt").write_bytes(txt)
        (Path(d) / "doc.ann").write_bytes(ann)
        run(lambda q: brat.read([q], split_discontinuous=split), Path(d) / "doc.ann")


def test_fuzzing_reached_both_outcomes():
    """The examples above both read and refused files (else the mutations were too mild or too wild)."""
    if not OUTCOMES:
        pytest.skip("run with the fuzz tests")
    assert OUTCOMES.get("read", 0) > 20 and OUTCOMES.get("refused", 0) > 20, OUTCOMES
