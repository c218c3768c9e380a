"""Export rules: splits, output folders, file names, interruption, validation, manifest."""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

import pytest

from isfannotate.errors import IsfError
from isfannotate.exporting import ExportCancelled, export_records
from isfannotate.formats.common import NameAllocator, sanitise_name
from isfannotate.splits import assign_splits, check_ratios, reached_ratios


def rec(doc_id: str, text: str = "Pakistan offered troops.", group: str | None = None) -> dict:
    """A small valid gold record with one ACTOR span."""
    return {
        "schema": "isfannotate.gold/1",
        "id": doc_id,
        "text": text,
        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "offset_unit": "codepoint",
        "meta": {},
        "near_duplicate_group": group,
        "layer": "gold",
        "doc_labels": {},
        "actors": [{"id": "pk", "name": "Pakistan", "type": "state", "aliases": [], "external_id": None}],
        "targets": [],
        "spans": [
            {"id": "s1", "start": 0, "end": 8, "label": "ACTOR", "text": text[:8], "actor_id": "pk", "attrs": {}}
        ],
        "claims": [],
        "stances": [],
        "relations": [],
        "provenance": {},
    }


def many(n: int, groups: dict[int, str] | None = None) -> list[dict]:
    groups = groups or {}
    return [rec(f"doc{i:03d}", group=groups.get(i)) for i in range(n)]


def export(records, fmt, out, **kw):
    kw.setdefault("project_name", "demo")
    kw.setdefault("layer", "gold")
    return export_records(records, fmt, out, **kw)


# --------------------------------------------------------------------------- splits


def test_split_is_reproducible_from_the_seed_and_independent_of_input_order():
    docs = [(f"d{i}", None) for i in range(60)]
    a = assign_splits(docs, (0.8, 0.1, 0.1), seed=7)
    assert a == assign_splits(list(reversed(docs)), (0.8, 0.1, 0.1), seed=7)
    assert a != assign_splits(docs, (0.8, 0.1, 0.1), seed=8)
    assert sorted(reached_ratios(a, 3).items()) == [("dev", 0.1), ("test", 0.1), ("train", 0.8)]


def test_ten_documents_reach_the_requested_ratios():
    a = assign_splits([(f"d{i}", None) for i in range(10)], (0.8, 0.1, 0.1), seed=0)
    assert sorted(a.values()).count("train") == 8
    assert list(a.values()).count("dev") == 1 and list(a.values()).count("test") == 1


def test_near_duplicate_groups_land_whole_in_one_split():
    groups = {i: f"g{i % 5}" for i in range(0, 40, 2)}  # 20 documents in 5 groups of 4
    docs = [(f"d{i}", groups.get(i)) for i in range(40)]
    for seed in range(20):
        a = assign_splits(docs, (0.6, 0.2, 0.2), seed=seed)
        for g in set(groups.values()):
            assert len({a[f"d{i}"] for i, gg in groups.items() if gg == g}) == 1


@pytest.mark.parametrize("bad", [(0.8, 0.1), (0.5, 0.6, -0.1), (1.0,), (0.5, 0.5, 0.0), (0.25,) * 4, ("a", "b")])
def test_bad_ratios_are_refused(bad):
    with pytest.raises(IsfError):
        check_ratios(bad)


def test_ratios_within_tolerance_are_accepted():
    assert check_ratios((0.7, 0.2, 0.1 + 5e-7)) is not None
    assert check_ratios((0.5, 0.5)) == (0.5, 0.5)


def test_export_with_split_reports_reached_ratios_and_keeps_groups(tmp_path):
    records = many(20, {3: "g1", 4: "g1", 5: "g1", 11: "g2", 12: "g2"})
    result = export(records, "jsonl", tmp_path / "o", split=(0.7, 0.15, 0.15), seed=5)
    lines, labels = {}, {}
    for split in ("train", "dev", "test"):
        labels[split] = Counter()
        for line in (tmp_path / "o" / f"{split}.jsonl").read_text("utf-8").splitlines():
            d = json.loads(line)
            assert d["split"] == split
            lines[d["id"]] = split
            labels[split].update(s["label"] for s in d["spans"])
    assert len(lines) == 20
    assert len({lines["doc003"], lines["doc004"], lines["doc005"]}) == 1
    assert lines["doc011"] == lines["doc012"]
    split_info = result.manifest["split"]
    assert split_info["requested"] == {"train": 0.7, "dev": 0.15, "test": 0.15}
    for name in ("train", "dev", "test"):
        n = sum(1 for s in lines.values() if s == name)
        assert split_info["reached"][name] == round(n / 20, 6)
        assert result.counts["splits"][name]["documents"] == n
        assert result.counts["splits"][name]["labels"] == dict(sorted(labels[name].items()))     # counted per split
        assert result.counts["splits"][name]["spans"] == labels[name].total()
    assert result.counts["labels"] == dict(sorted(sum(labels.values(), Counter()).items()))
    assert result.manifest["near_duplicate_groups"] == {
        "g1": ["doc003", "doc004", "doc005"],
        "g2": ["doc011", "doc012"],
    }
    # same records and seed: same files, same digest; another seed: another split
    again = export(records, "jsonl", tmp_path / "again", split=(0.7, 0.15, 0.15), seed=5)
    assert again.manifest["content_sha256"] == result.manifest["content_sha256"]
    assert again.manifest["files"] == result.manifest["files"]
    other = export(records, "jsonl", tmp_path / "other", split=(0.7, 0.15, 0.15), seed=6)
    assert other.manifest["content_sha256"] != result.manifest["content_sha256"]


def test_without_split_there_is_no_split(tmp_path):
    result = export(many(3), "jsonl", tmp_path / "o")
    assert [p.name for p in result.files] == ["all.jsonl", "manifest.json"]
    assert all(json.loads(x)["split"] is None for x in (tmp_path / "o" / "all.jsonl").read_text().splitlines())
    assert result.manifest["split"] is None and result.counts["splits"] == {}


def test_input_records_are_not_modified(tmp_path):
    records = many(4)
    before = json.dumps(records, sort_keys=True)
    export(records, "jsonl", tmp_path / "o", split=(0.5, 0.5))
    assert json.dumps(records, sort_keys=True) == before


# --------------------------------------------------------------------------- output folder


def test_non_empty_folder_is_refused_unless_force(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(IsfError) as err:
        export(many(2), "jsonl", out)
    assert str(out) in str(err.value) and "--force" in str(err.value)
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    result = export(many(2), "jsonl", out, force=True)
    assert sorted(p.name for p in out.iterdir()) == ["all.jsonl", "manifest.json", "notes.txt"]
    assert (out / "notes.txt").read_text() == "mine"
    assert result.out_dir == out


def test_force_replaces_the_files_of_an_earlier_export(tmp_path):
    out = tmp_path / "out"
    export(many(10), "jsonl", out, split=(0.8, 0.1, 0.1))
    assert (out / "train.jsonl").exists()
    export(many(10), "jsonl", out, force=True)
    assert sorted(p.name for p in out.iterdir()) == ["all.jsonl", "manifest.json"]


def test_empty_existing_folder_is_fine_and_a_file_is_refused(tmp_path):
    (tmp_path / "empty").mkdir()
    export(many(1), "jsonl", tmp_path / "empty")
    (tmp_path / "afile").write_text("x")
    with pytest.raises(IsfError, match="not a folder"):
        export(many(1), "jsonl", tmp_path / "afile")


def test_default_folder_is_under_exports_in_the_current_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = export(many(1), "doccano", None, project_name="my project", layer="gold")
    assert result.out_dir.parent == tmp_path / "exports"
    assert result.out_dir.name.startswith("my_project-gold-doccano-")
    second = export(many(1), "doccano", None, project_name="my project", layer="gold")
    assert second.out_dir != result.out_dir


def test_unknown_format_is_refused(tmp_path):
    with pytest.raises(IsfError, match="unknown export format"):
        export(many(1), "xml", tmp_path / "o")
    assert not (tmp_path / "o").exists()


# --------------------------------------------------------------------------- file names


HOSTILE_IDS = [
    "../../x", "CON", "con.txt", "a/b", "a_b", "..", ".", "a\\b", "nul\0byte", "COM1", "lpt9.tar",
    "x" * 300, "x" * 300 + "y", "A", "a", "e\u0301", "\u00e9", "trailing. ", "C:evil", " ", "🇵🇰",
]


@pytest.mark.parametrize("raw", HOSTILE_IDS + [""])
def test_sanitised_names_are_plain_file_names(raw):
    name = sanitise_name(raw)
    assert name and name not in (".", "..")
    assert not any(c in name for c in '/\\\0:*?"<>|')
    assert not name.endswith((".", " "))
    assert name.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL", "COM1", "LPT9"}
    assert len(name) <= 64


def test_name_allocator_keeps_clashing_ids_apart():
    alloc = NameAllocator()
    names = [alloc.allocate(i) for i in HOSTILE_IDS]
    keys = {n.casefold() for n in names}
    assert len(keys) == len(HOSTILE_IDS)


def test_brat_files_for_hostile_ids_stay_inside_the_folder(tmp_path):
    out = tmp_path / "deep" / "out"
    records = [rec(i, text=f"Pakistan said {n}.") for n, i in enumerate(HOSTILE_IDS)]
    result = export(records, "brat", out)
    root = out.resolve()
    for p in result.files:
        assert p.resolve().parent == root
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file() and p.resolve().parent != root) == []
    names = result.manifest["file_names"]
    assert len(set(names.values())) == len(HOSTILE_IDS)
    for n, doc_id in enumerate(HOSTILE_IDS):
        assert (out / f"{names[doc_id]}.txt").read_text("utf-8") == f"Pakistan said {n}."
    assert len(list(out.iterdir())) == 2 * len(HOSTILE_IDS) + 2  # + annotation.conf, manifest.json


# --------------------------------------------------------------------------- interruption


def no_final_files(folder: Path) -> bool:
    return not folder.exists() or not any(folder.iterdir())


@pytest.mark.parametrize("fmt", ["jsonl", "spacy", "brat", "labelstudio"])
def test_cancel_leaves_no_file_with_a_final_name(tmp_path, fmt):
    calls = {"n": 0}

    def cancelled():
        calls["n"] += 1
        return calls["n"] > 3

    out = tmp_path / "o"
    with pytest.raises(ExportCancelled):
        export(many(8), fmt, out, split=(0.5, 0.5), cancelled=cancelled)
    assert no_final_files(out)


def test_an_exception_from_progress_cleans_up_in_an_existing_folder(tmp_path):
    out = tmp_path / "o"
    out.mkdir()
    (out / "keep.txt").write_text("x")

    def progress(done, total):
        if done == 4:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        export(many(8), "hf", out, force=True, progress=progress)
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]


def test_progress_reports_start_and_end(tmp_path):
    seen = []
    export(many(5), "conll", tmp_path / "o", progress=lambda d, t: seen.append((d, t)))
    assert seen[0] == (0, 5) and seen[-1] == (5, 5)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    seen.clear()
    with pytest.raises(IsfError, match="nothing to write"):   # issue 18: nothing to write, no file
        export([], "jsonl", tmp_path / "empty", progress=lambda d, t: seen.append((d, t)))
    assert seen == [(0, 0)] and not (tmp_path / "empty").exists()


# --------------------------------------------------------------------------- validation


def test_span_text_mismatch_is_refused_naming_document_and_span(tmp_path):
    bad = rec("doc-7")
    bad["spans"].append(
        {"id": "s9", "start": 9, "end": 16, "label": "CLAIM", "text": "offered!", "actor_id": None, "attrs": {}}
    )
    with pytest.raises(IsfError) as err:
        export([rec("ok"), bad], "jsonl", tmp_path / "o")
    msg = str(err.value)
    assert "doc-7" in msg and "s9" in msg and "[9,16)" in msg and "\n" not in msg
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    "mutate, words",
    [
        (lambda r: r["spans"][0].update(end=99), "not within the text"),
        (lambda r: r["spans"][0].update(actor_id="nobody"), "unknown actor"),
        (lambda r: r.update(sha256="0" * 64), "sha256"),
        (lambda r: r.update(offset_unit="utf16"), "offset_unit"),
        (lambda r: r.update(bogus=1), "unknown field"),
        (lambda r: r["relations"].append({"head": "s1", "tail": "zz", "label": "x"}), "unknown span"),
        (lambda r: r["claims"].append({"span": "zz", "source_kind": "article", "source": None,
                                       "source_span": None, "cue": None, "quote": None}), "unknown span"),
    ],
)
def test_broken_records_are_refused(tmp_path, mutate, words):
    bad = rec("d1")
    mutate(bad)
    with pytest.raises(IsfError, match=words):
        export([bad], "jsonl", tmp_path / "o")


def test_duplicate_document_ids_are_refused(tmp_path):
    with pytest.raises(IsfError, match="appears twice"):
        export([rec("a"), rec("a")], "jsonl", tmp_path / "o")


# --------------------------------------------------------------------------- manifest


def test_manifest_records_counts_left_out_scheme_and_version(tmp_path):
    scheme = {"labels": [{"name": "ACTOR", "color": "#ff0000"}, {"name": "CLAIM", "color": "#00ff00"}]}
    result = export(many(4), "brat", tmp_path / "o", left_out=[("doc9", "not marked done")], scheme=scheme,
                    split=(0.5, 0.5), seed=2)
    m = json.loads((tmp_path / "o" / "manifest.json").read_text("utf-8"))
    assert m["tool"] == "isfannotate" and m["tool_version"]
    assert m["format"] == "brat" and m["offset_unit"] == "codepoint"
    assert m["documents_left_out"] == [{"id": "doc9", "reason": "not marked done"}]
    assert sorted(d["id"] for d in m["documents_exported"]) == [f"doc{i:03d}" for i in range(4)]
    assert m["scheme"] == scheme
    assert m["counts"]["labels"] == {"ACTOR": 4}
    assert sum(s["labels"].get("ACTOR", 0) for s in m["counts"]["splits"].values()) == 4
    assert len(m["content_sha256"]) == 64 and m["created_at"]
    assert "CLAIM" in (tmp_path / "o" / "annotation.conf").read_text("utf-8")
    assert result.counts == m["counts"]


def test_content_digest_is_the_same_across_formats_and_runs(tmp_path):
    records = many(12, {0: "g", 1: "g"})
    digests = {
        fmt: export(records, fmt, tmp_path / fmt, split=(0.5, 0.25, 0.25), seed=4).manifest["content_sha256"]
        for fmt in ("jsonl", "doccano")
    }
    again = export(records, "jsonl", tmp_path / "again", split=(0.5, 0.25, 0.25), seed=4).manifest["content_sha256"]
    assert again == digests["jsonl"]
    assert digests["jsonl"] != digests["doccano"]  # the format is part of what is named
    changed = [dict(r) for r in records]
    changed[5] = rec("doc005", text="Pakistan declined troops.")
    other = export(changed, "jsonl", tmp_path / "changed", split=(0.5, 0.25, 0.25), seed=4).manifest["content_sha256"]
    assert other != digests["jsonl"]
