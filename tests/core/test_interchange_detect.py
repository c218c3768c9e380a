"""Format detection, the UTF-16 converter, and the readers' independence from storage."""
from __future__ import annotations

import json

import pytest

from isfannotate.errors import InputError
from isfannotate.exporting import export_records
from isfannotate.formats.detect import detect_format
from isfannotate.utf16 import Utf16Map, utf16_length


@pytest.mark.parametrize("parts, fmt", [
    (("brat-tutorial-news",), "brat"),
    (("brat-iaa-bratiaa",), "brat"),
    (("brat-opennlp-voa", "opennlp-1193.ann"), "brat"),
    (("brat-tdt-finnish", "wn071.txt"), "brat"),
    (("doccano", "export_sequence_labeling.example.jsonl"), "doccano"),
    (("doccano", "export_relation_extraction.example.PRETTY_PRINTED.json"), "doccano"),
    (("doccano", "import_relation_extraction.example.jsonl"), "doccano"),
    (("doccano", "import_sequence_labeling.overlapping.jsonl"), "doccano"),
    (("doccano", "import_sequence_labeling.example.conll"), "conll"),
    (("label-studio", "named_entity.task_with_annotations.json"), "labelstudio"),
    (("label-studio", "named_entity.tasks.json"), "labelstudio"),
    (("prodigy", "news_headlines_ner_manual.first40.jsonl"), "prodigy"),
    (("conll-iob", "uner_da_ddt-test.first40.iob2"), "conll"),
    (("conll-iob", "dkpro_conll2003_en-orig.conll"), "conll"),
    (("conll-iob", "doccano_conll_example.txt"), "conll"),
    (("conll-iob", "spacy_ner-token-per-line.iob"), "conll"),
    (("conll-iob",), "conll"),
    (("webanno-tsv3", "testSentenceWithEmoji.tsv"), "webanno-tsv3"),
    (("webanno-tsv3",), "webanno-tsv3"),
])
def test_every_shared_sample_is_detected(shared, parts, fmt):
    got, reason = detect_format([shared("peer-formats", *parts)])
    assert got == fmt and reason


def test_our_own_doccano_export_is_doccano_not_plain_jsonl(tmp_path):
    rec = {"id": "d1", "text": "Pakistan said", "spans": [{"id": "a", "start": 0, "end": 8, "label": "ACTOR",
                                                             "text": "Pakistan", "actor_id": None, "attrs": {}}]}
    export_records([rec], "doccano", tmp_path / "d", project_name="p", layer="alice")
    assert detect_format([tmp_path / "d" / "all.jsonl"])[0] == "doccano"
    # even when no line has a span: the label key says it is doccano
    (tmp_path / "e.jsonl").write_text('{"id": "x", "text": "abc", "label": []}\n')
    assert detect_format([tmp_path / "e.jsonl"])[0] == "doccano"
    for fmt in ("labelstudio", "prodigy", "brat"):
        export_records([rec], fmt, tmp_path / fmt, project_name="p", layer="alice")
    assert detect_format([tmp_path / "labelstudio" / "all.json"])[0] == "labelstudio"
    assert detect_format([tmp_path / "prodigy" / "all.jsonl"])[0] == "prodigy"
    assert detect_format([tmp_path / "brat"])[0] == "brat"


def test_plain_documents_and_gold_are_jsonl_and_txt(tmp_path, seeds_dir):
    (tmp_path / "plain.jsonl").write_text('{"text": "abc", "id": "1", "meta": {"a": 1}}\n{"text": "d"}\n')
    assert detect_format([tmp_path / "plain.jsonl"])[0] == "jsonl"
    (tmp_path / "gold.jsonl").write_text(json.dumps({"schema": "isfannotate.gold/1", "id": "1", "text": "a",
                                                     "spans": []}) + "\n")
    assert detect_format([tmp_path / "gold.jsonl"])[0] == "jsonl"
    assert detect_format([seeds_dir])[0] == "txt"  # scheme.json and manifest.json beside are not documents
    (tmp_path / "a.txt").write_text("Just an article.\nWith two lines.\n")
    assert detect_format([tmp_path / "a.txt"])[0] == "txt"


def test_undetectable_and_mixed_inputs_are_refused_listing_what_was_tried(tmp_path):
    (tmp_path / "odd.jsonl").write_text('{"body": "abc"}\n')
    with pytest.raises(InputError) as e:
        detect_format([tmp_path / "odd.jsonl"])
    assert "tried:" in str(e.value) and "doccano" in str(e.value) and "webanno-tsv3" in str(e.value)
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(InputError, match=r"bad\.json:1: bad JSON: .* \(column 2\)"):
        detect_format([tmp_path / "bad.json"])   # as its reader would say: where it breaks
    (tmp_path / "a.jsonl").write_text('{"text": "abc", "label": [[0, 1, "X"]]}\n')
    (tmp_path / "b.jsonl").write_text('{"text": "abc", "spans": [], "answer": "accept"}\n')
    with pytest.raises(InputError, match="different formats"):
        detect_format([tmp_path / "a.jsonl", tmp_path / "b.jsonl"])
    with pytest.raises(InputError, match="no such file"):
        detect_format([tmp_path / "missing.txt"])


# --------------------------------------------------------------------------- UTF-16


@pytest.mark.parametrize("text", [
    "🇵🇰 Pakistan", "The family 👨‍👩‍👧 watched", "پاکستان نے کہا", "e\u0301tait a\u0300", "plain ascii", "",
    "😊😊a😊", "\U0010ffff end",
])
def test_utf16_map_agrees_with_the_utf16_encoding(text):
    m = Utf16Map(text)
    assert m.utf16_length == utf16_length(text) == len(text.encode("utf-16-le")) // 2
    for cp in range(len(text) + 1):
        unit = len(text[:cp].encode("utf-16-le")) // 2
        assert m.to_utf16(cp) == unit
        assert m.from_utf16(unit) == cp
    assert m.is_identity == (m.utf16_length == len(text))


def test_utf16_map_refuses_offsets_inside_a_pair_or_outside():
    m = Utf16Map("🇵🇰 Pakistan")
    assert m.to_utf16(3) == 5 and m.from_utf16(5) == 3  # "Pakistan": Python 3, Qt/JS 5
    for bad in (1, 3):
        with pytest.raises(ValueError, match="surrogate"):
            m.from_utf16(bad)
    with pytest.raises(ValueError):
        m.from_utf16(14)
    with pytest.raises(ValueError):
        m.to_utf16(12)


def _imports(module: str) -> set[str]:
    """Modules ``module`` imports at its top level (relative imports resolved), from its source."""
    import ast
    import importlib.util

    spec = importlib.util.find_spec(module)
    with open(spec.origin, encoding="utf-8") as fh:
        tree = ast.parse(fh.read())
    out = set()
    package = module if spec.submodule_search_locations else module.rsplit(".", 1)[0]
    for node in tree.body:
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            out.add(base)
            out.update(f"{base}.{a.name}" for a in node.names)
    return out


def _is_module(name: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, AttributeError, ValueError):
        return False


def test_readers_do_not_touch_storage():
    """The readers' own import closure (the package ``__init__`` aside) holds no project,
    storage, importer, gold, SQLite or Qt module."""
    todo = ["isfannotate.formats." + m for m in ("brat", "doccano", "labelstudio", "prodigy", "conll", "webanno",
                                                  "detect", "parsed", "readers")] + ["isfannotate.utf16"]
    seen: set[str] = set()
    while todo:
        mod = todo.pop()
        if mod in seen:
            continue
        seen.add(mod)
        for dep in _imports(mod):
            if dep.startswith("isfannotate.") and dep not in seen:
                if _is_module(dep):
                    todo.append(dep)
            else:
                seen.add(dep)
    forbidden = {"isfannotate.project", "isfannotate.storage", "isfannotate.importing", "isfannotate.gold",
                 "sqlite3", "sqlite_utils", "PySide6"}
    assert not {m for m in seen if m.split(".")[0] in ("sqlite3", "sqlite_utils", "PySide6") or m in forbidden}
    assert "isfannotate.formats.brat" in seen and "isfannotate.textclean" in seen


def test_read_annotations_detects_and_dispatches(shared, tmp_path):
    from isfannotate.errors import IsfError
    from isfannotate.formats.readers import read_annotations

    coll = read_annotations([shared("peer-formats", "webanno-tsv3", "testSentenceWithEmoji.tsv")], webanno_layer="Span")
    assert coll.format == "webanno-tsv3" and coll.documents[0].text == "I like it 😊 ."
    coll = read_annotations([shared("peer-formats", "brat-opennlp-voa")], "brat", split_discontinuous=True)
    assert len(coll.documents) == 3
    coll = read_annotations([shared("peer-formats", "conll-iob", "dkpro_conll2003_en-orig.conll")],
                            conll_tag_column=3)
    assert coll.span_labels == ["NP", "PP", "VP"]
    with pytest.raises(IsfError, match="brat only"):
        read_annotations([shared("peer-formats", "prodigy")], "prodigy", split_discontinuous=True)
    (tmp_path / "a.txt").write_text("plain")
    with pytest.raises(IsfError, match="plain documents"):
        read_annotations([tmp_path / "a.txt"])
    with pytest.raises(IsfError, match="unknown format"):
        read_annotations([tmp_path / "a.txt"], "spacy")


def test_annotations_after_the_sniffed_head_are_not_missed(tmp_path):
    p = tmp_path / "late.jsonl"
    lines = [json.dumps({"id": str(i), "text": f"doc {i}"}) for i in range(60)]
    lines.append(json.dumps({"id": "x", "text": "Gaza", "label": [[0, 4, "LOC"]]}))
    p.write_text("\n".join(lines) + "\n")
    assert detect_format([p])[0] == "doccano"
    big = tmp_path / "big.jsonl"
    filler = json.dumps({"text": "x" * 1000}) + "\n"
    big.write_text(filler * 1100 + json.dumps({"text": "Gaza", "spans": [], "answer": "accept"}) + "\n")
    assert detect_format([big])[0] == "prodigy"


def test_conll_with_one_broken_line_is_still_conll_and_then_refused(tmp_path):
    from isfannotate.formats import conll

    p = tmp_path / "x.txt"
    rows = ["Pakistan\tB-LOC", "said\tO", "it\tO", "would\tO", "send\tO", "troops\tO", "to\tO", "Gaza\tB-LOC",
            "soon", ".\tO"]
    p.write_text("\n".join(rows) + "\n")
    assert detect_format([p])[0] == "conll"
    with pytest.raises(InputError) as e:
        conll.read([p])
    assert e.value.line == 9
