import json
from pathlib import Path

import pytest

from isfannotate import Project
from isfannotate.errors import InputError, IsfError

REPO = Path(__file__).resolve().parents[2]
SEEDS = sorted((REPO / "seeds").glob("*.txt"))


def test_seeds_import_unchanged(seeded):
    docs = {d.id: d for d in seeded.documents()}
    assert sorted(docs) == [p.stem for p in SEEDS]
    for path in SEEDS:
        assert docs[path.stem].text == path.read_bytes().decode("utf-8")


def test_seed_near_duplicates_only_001_002(seeded):
    groups = {}
    for d in seeded.documents():
        if d.near_dup_group:
            groups.setdefault(d.near_dup_group, []).append(d.id[:3])
    assert list(groups.values()) == [["001", "002"]]


def test_the_same_text_twice_is_skipped_and_reported(seeded):
    report = seeded.import_paths([SEEDS[0]])
    assert report.added == [] and len(report.skipped) == 1
    assert SEEDS[0].stem in report.skipped[0]


def test_id_clash_gets_a_suffix(new_project, tmp_path):
    p = new_project()
    a = tmp_path / "a"
    b = tmp_path / "b"
    a.mkdir(), b.mkdir()
    (a / "story.txt").write_text("First story text.", encoding="utf-8")
    (b / "story.txt").write_text("A different story.", encoding="utf-8")
    report = p.import_paths([tmp_path])
    assert report.added == ["story", "story-2"]
    assert "story-2" in report.renamed[0]


def test_unicode_documents_stored_as_designed(new_project, tmp_path):
    p = new_project()
    (tmp_path / "bom_crlf.txt").write_bytes("\ufeffLine one\r\nLine two\r".encode("utf-8"))
    lines = [
        {"id": "flags", "text": "🇵🇰🇺🇸 Pakistan and the United States"},
        {"id": "zwj", "text": "👨‍👩‍👧 A family emoji, then Islamabad."},
        {"id": "urdu", "text": "پاکستان نے کہا کہ وہ حماس کو غیر مسلح نہیں کرے گا"},
        {"id": "combining", "text": "Cafe\u0301 society in Karachi"},
        {"id": 7, "text": "numeric id", "meta": {"outlet": "Dawn"}},
    ]
    (tmp_path / "docs.jsonl").write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8")
    p.import_paths([tmp_path / "bom_crlf.txt", tmp_path / "docs.jsonl"])
    docs = {d.id: d for d in p.documents()}
    assert docs["bom_crlf"].text == "Line one\nLine two\n"
    assert docs["flags"].text.index("Pakistan") == 5
    assert docs["combining"].text == "Cafe\u0301 society in Karachi"  # not NFC-normalised
    assert docs["urdu"].text == lines[2]["text"]
    assert docs["7"].meta == {"outlet": "Dawn"}
    # the document without an id gets one derived from its sha256
    (tmp_path / "noid.jsonl").write_text('{"text": "no id here"}\n', encoding="utf-8")
    report = p.import_paths([tmp_path / "noid.jsonl"])
    assert report.added[0].startswith("doc-") and len(report.added[0]) == 16


BAD_JSONL = [
    ('{"text": "ok"}\nnot json\n', 2, "not valid JSON"),
    ('{"text": "ok"}\n[1, 2]\n', 2, "must be a JSON object"),
    ('{"text": "ok"}\n\n{"id": "x"}\n', 3, 'no "text" field'),
    ('{"text": "ok"}\n{"text": "a\\ud800b"}\n', 2, "lone surrogate"),
    ('{"text": "ok"}\n{"text": 5}\n', 2, '"text" must be a string'),
    ('{"text": "   "}\n', 1, "empty"),
    ('{"text": "ok", "meta": []}\n', 1, '"meta" must be an object'),
]


@pytest.mark.parametrize("content,line,message", BAD_JSONL)
def test_bad_jsonl_fails_naming_file_and_line_and_changes_nothing(seeded, tmp_path, snapshot, content, line, message):
    good = tmp_path / "good.txt"
    good.write_text("A good document that must not be imported either.", encoding="utf-8")
    bad = tmp_path / "bad.jsonl"
    bad.write_text(content, encoding="utf-8")
    before = snapshot(seeded)
    with pytest.raises(InputError) as e:
        seeded.import_paths([good, bad])
    assert str(e.value).startswith(f"{bad}:{line}:") and message in str(e.value)
    assert snapshot(seeded) == before


@pytest.mark.parametrize("data,message", [
    (b"\xff\xfeU\x00r\x00", "invalid UTF-8"),
    (b"GIF89a\x00\x01\x02", "binary"),
    (b"", "empty"),
    (b"ok\xed\xa0\x80", "invalid UTF-8"),  # a surrogate encoded in UTF-8 is invalid UTF-8
])
def test_bad_txt_fails_and_changes_nothing(seeded, tmp_path, snapshot, data, message):
    (tmp_path / "a_good.txt").write_text("fine text", encoding="utf-8")
    (tmp_path / "b_bad.txt").write_bytes(data)
    before = snapshot(seeded)
    with pytest.raises(InputError) as e:
        seeded.import_paths([tmp_path])
    assert str(tmp_path / "b_bad.txt") in str(e.value) and message in str(e.value)
    assert snapshot(seeded) == before


def test_missing_path_and_unknown_extension(seeded, tmp_path):
    with pytest.raises(InputError, match="no such file"):
        seeded.import_paths([tmp_path / "nope.txt"])
    (tmp_path / "x.csv").write_text("a,b", encoding="utf-8")
    with pytest.raises(InputError, match="--format"):
        seeded.import_paths([tmp_path / "x.csv"])
    (tmp_path / "empty_dir").mkdir()
    with pytest.raises(IsfError, match="no files to import"):
        seeded.import_paths([tmp_path / "empty_dir"])


def test_50mb_jsonl_imports_with_progress(new_project, tmp_path):
    p = new_project()
    path = tmp_path / "big.jsonl"
    para = ("Officials in Islamabad said on Tuesday that troops could be sent to Gaza under conditions. " * 55)
    with open(path, "w", encoding="utf-8") as fh:
        n = 0
        while fh.tell() < 50 * 1024 * 1024:
            fh.write(json.dumps({"id": f"d{n}", "text": f"Report {n}. " + para}) + "\n")
            n += 1
    calls = []
    report = p.import_paths([path], progress=lambda done, total: calls.append((done, total)))
    assert len(report.added) == n == p.document_count()
    assert calls[0][0] == 0 and calls[-1][0] == calls[-1][1]
    assert len(calls) >= 3


def test_single_txt_over_the_limit_is_refused_with_the_limit(new_project, tmp_path):
    p = new_project()
    big = tmp_path / "huge.txt"
    big.write_bytes(b"word " * (11 * 1024 * 1024 // 5))
    with pytest.raises(InputError, match="limit of 10 MiB"):
        p.import_paths([big])
    assert p.document_count() == 0


def test_gold_lines_need_an_annotator(seeded, tmp_path):
    line = {"schema": "isfannotate.gold/1", "text": "Hello", "spans": []}
    path = tmp_path / "g.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="--annotator"):
        seeded.import_paths([path])


def test_project_reopens_with_documents(tmp_path):
    p = Project.create(tmp_path / "x.isf")
    p.import_paths(SEEDS[:2])
    p.close()
    assert not (tmp_path / "x.isf-wal").exists() or (tmp_path / "x.isf-wal").stat().st_size == 0
    with Project.open(tmp_path / "x.isf") as q:
        assert q.document_count() == 2
