"""Held-out checks of issue 18 on real shapes: every item imported, converted or skipped with
its reason; refusals one line and byte-identical."""
from __future__ import annotations

import json

from isfannotate.cli import main as cli
from isfannotate.formats import labelstudio, webanno

STACKED_CHAIN = """#FORMAT=WebAnno TSV 3.3
#T_CH=webanno.custom.SimpleLink|referenceRelation|referenceType


#Text=This is a test .
1-1\t0-4\tThis\t*->1-1|*->2-3\t*[1]|*[2]\t
1-2\t5-7\tis\t*->1-2|*->2-2\t*[1]|*[2]\t
1-3\t8-9\ta\t*->1-3|*->2-1\t*[1]|*[2]\t
1-4\t10-14\ttest\t_\t_\t
1-5\t15-16\t.\t_\t_\t
"""


def test_webanno_chains_count_every_mention(tmp_path):
    f = tmp_path / "chain.tsv"
    f.write_text(STACKED_CHAIN, encoding="utf-8")
    coll = webanno.read([f])
    # two chains of three mentions each (INCEpTION's testStackedChain)
    assert coll.counts["chain mention", "SimpleLink", "skipped:chain layers (coreference) are not read"] == 6


def test_webanno_chain_layer_without_chains_counts_nothing(tmp_path):
    f = tmp_path / "none.tsv"
    f.write_text(STACKED_CHAIN.replace("*->1-1|*->2-3\t*[1]|*[2]", "_\t_").replace("*->1-2|*->2-2\t*[1]|*[2]", "_\t_")
                 .replace("*->1-3|*->2-1\t*[1]|*[2]", "_\t_"), encoding="utf-8")
    coll = webanno.read([f])
    assert not [k for k in coll.counts if k[0].startswith("chain")]


def _image_task(n):
    return {
        "id": n,
        "data": {"image": f"/data/upload/1/{n}.png"},
        "annotations": [
            {
                "id": n,
                "completed_by": 1,
                "result": [
                    {
                        "id": "r1",
                        "from_name": "label",
                        "to_name": "image",
                        "type": "polygonlabels",
                        "value": {"points": [[1, 2], [3, 4], [5, 6]], "polygonlabels": ["Car"]},
                    }
                ],
            }
        ],
        "predictions": [{"result": [{"id": "p", "type": "rectanglelabels", "value": {"rectanglelabels": ["Car"]}}]}],
    }


def test_labelstudio_image_task_is_skipped_not_imported_as_text(tmp_path):
    f = tmp_path / "tasks.json"
    text_task = {"id": 9, "data": {"text": "Hello Paris"}, "annotations": [{"id": 4, "completed_by": 1, "result": [
        {"id": "r3", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 6, "end": 11, "labels": ["LOC"]}}]}]}
    f.write_text(json.dumps([_image_task(1), text_task]), encoding="utf-8")
    coll = labelstudio.read([f])
    assert [d.text for d in coll.documents] == ["Hello Paris"]
    why = "skipped:a task without text (data.image is a file or URL)"
    assert coll.counts["document", "task", why] == 1
    assert coll.counts["result", "polygonlabels", why] == 1
    assert coll.counts["result", "rectanglelabels", why] == 1


def test_labelstudio_only_image_tasks_refused_with_the_reason(new_project, tmp_path, snapshot, capsys):
    p = new_project()
    path = p.path
    p.close()
    before = path.read_bytes()
    f = tmp_path / "img.json"
    f.write_text(json.dumps([_image_task(1), _image_task(2)]), encoding="utf-8")
    assert cli(["import", str(path), str(f), "--annotator", "a", "--add-labels"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "skipped 2 document task: a task without text" in err[0]
    assert path.read_bytes() == before


def test_ctrl_c_while_the_command_is_still_loading_is_one_line(tmp_path):
    """A Ctrl-C before cli.main runs (Python still importing pydantic ...): one line, exit 130."""
    import subprocess
    import sys

    code = ("import sys, os, signal; sys.argv[0] = '/usr/bin/isfannotate'; import isfannotate; "
            "os.kill(os.getpid(), signal.SIGINT); import time; time.sleep(5); print('not interrupted')")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 130, r.stderr
    assert r.stderr.strip().splitlines() == ["isfannotate: interrupted while starting; nothing was changed"]
    # cli.main puts Python's handler back: from there on Ctrl-C is KeyboardInterrupt, caught by main
    code = ("import sys, signal; sys.argv[0] = 'isfannotate'; from isfannotate.cli import main; "
            "main(['--version']); print(signal.getsignal(signal.SIGINT) is signal.default_int_handler)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.stdout.strip().splitlines()[-1] == "True"


def test_our_export_folder_imports_as_it_is(tmp_path, capsys):
    """``export --out DIR`` then ``import DIR``: the manifest.json beside the data is not read as data."""
    import pytest

    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps({"text": "Angela Merkel left Berlin.", "label": [[0, 13, "PER"], [19, 25, "LOC"]]}) + "\n",
        encoding="utf-8",
    )
    a, b = tmp_path / "a.isf", tmp_path / "b.isf"
    for fmt in ("doccano", "labelstudio"):
        for p in (a, b):
            if p.exists():
                p.unlink()
            assert cli(["init", str(p)]) == 0
        assert cli(["import", str(a), str(src), "--annotator", "x", "--add-labels"]) == 0
        out = tmp_path / f"out-{fmt}"
        assert cli(["export", str(a), "--format", fmt, "--layer", "x", "--all", "--out", str(out)]) == 0
        assert (out / "manifest.json").exists()
        capsys.readouterr()
        code = cli(["import", str(b), str(out), "--annotator", "x", "--add-labels"])
        cap = capsys.readouterr()
        if code != 0:
            pytest.fail(f"{fmt}: {cap.err}")
        assert "2 spans in 1 annotated documents" in cap.out


def test_conllu_with_entity_tags_in_misc(tmp_path):
    from isfannotate.formats import conll

    f = tmp_path / "u.conllu"
    f.write_text("# sent_id = 1\n# text = Angela Merkel left Berlin.\n"
                 "1\tAngela\tAngela\tPROPN\tNNP\t_\t3\tnsubj\t_\tNER=B-PER\n"
                 "2\tMerkel\tMerkel\tPROPN\tNNP\t_\t1\tflat\t_\tNER=I-PER\n"
                 "3\tleft\tleave\tVERB\tVBD\t_\t0\troot\t_\tNER=O\n"
                 "4\tBerlin\tBerlin\tPROPN\tNNP\t_\t3\tobj\t_\tNER=B-LOC|SpaceAfter=No\n"
                 "5\t.\t.\tPUNCT\t.\t_\t3\tpunct\t_\tNER=O\n\n", encoding="utf-8")
    assert conll.looks_like_conll(f.read_text(encoding="utf-8"))
    (doc,) = conll.read([f]).documents
    assert doc.text == "Angela Merkel left Berlin."
    assert [(doc.text[s.start:s.end], s.label) for s in doc.spans] == [("Angela Merkel", "PER"), ("Berlin", "LOC")]
