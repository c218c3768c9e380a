"""Issue 18: merge refuses what it would lose or make up, naming the file; every refusal leaves
the project byte-identical."""
from __future__ import annotations

import glob
import hashlib
import os
import sqlite3
import tempfile
import unicodedata
from pathlib import Path

import pytest

from isfannotate import Project
from isfannotate.cli import main as cli
from isfannotate.errors import InputError, IsfError
from isfannotate.team import untrusted

from .test_team import DOC4, _annotate, _tamper


@pytest.fixture
def lead(tmp_path, seeds_dir):
    p = Project.create(tmp_path / "corpus.isf", registry=seeds_dir / "registry.json")
    p.import_paths(sorted(seeds_dir.glob("*.txt")))
    yield p
    p.close()


def hand_out(lead, tmp_path, names=("alice", "bob")):
    lead.assign_round_robin(list(names), overlap=len(names))
    return {unicodedata.normalize("NFC", p.stem.split("-", 1)[1]): p for p in lead.handout(tmp_path / "out")}


def digest(path: Path) -> str:
    h = hashlib.sha256()
    for p in (path, path.with_name(path.name + "-wal")):
        if p.exists():
            h.update(p.read_bytes())
    return h.hexdigest()


def refused_by_cli(path: Path, args: list[str], capsys, *words) -> str:
    before = digest(path)
    capsys.readouterr()
    assert cli(["merge", str(path), *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    for w in words:
        assert w in err, err
    assert digest(path) == before
    return err


def test_rows_in_another_layer_refuse_the_file_naming_the_layers(lead, tmp_path, capsys):
    files = hand_out(lead, tmp_path)
    _annotate(files["alice"], "alice")
    # a span copied into ben's layer inside alice's file
    _tamper(files["alice"], "INSERT INTO spans (id, document_id, layer, start, \"end\", label, actor_id, attrs, "
                            "author, created_at) SELECT id || '-x', document_id, 'ben', start, \"end\", label, "
                            "actor_id, attrs, 'ben', created_at FROM spans WHERE label = 'ACTOR'")
    path = lead.path
    lead.close()
    refused_by_cli(path, [str(files["alice"])], capsys, str(files["alice"]), "ben", "alice's file")


def test_a_file_not_handed_out_needs_new_annotator(lead, tmp_path, capsys, seeds_dir):
    hand_out(lead, tmp_path)
    name = "<script>x</script>"
    other = Project.create(tmp_path / "elsewhere.isf", registry=seeds_dir / "registry.json")
    other.import_paths([seeds_dir / f"{DOC4}.txt"])
    other.close()
    _annotate(tmp_path / "elsewhere.isf", name)
    path = lead.path
    lead.close()
    refused_by_cli(path, [str(tmp_path / "elsewhere.isf")], capsys, "was not handed out by this project",
                   f"--new-annotator {name}")
    # naming someone else does not let it in, and a name no file holds is refused
    refused_by_cli(path, [str(tmp_path / "elsewhere.isf"), "--new-annotator", "carol"], capsys, "not handed out")
    assert cli(["merge", str(path), str(tmp_path / "elsewhere.isf"), "--new-annotator", name]) == 0
    with Project.open(path) as p:
        assert len(p.spans(DOC4, name)) == 2


def test_new_annotator_naming_no_file_is_refused(lead, tmp_path, capsys):
    files = hand_out(lead, tmp_path)
    _annotate(files["alice"], "alice")
    path = lead.path
    lead.close()
    refused_by_cli(path, [str(files["alice"]), "--new-annotator", "zed"], capsys, "no file given holds zed's work")


def test_a_file_handed_to_one_annotator_holding_anothers_work_is_refused(lead, tmp_path, capsys):
    files = hand_out(lead, tmp_path)
    _annotate(files["alice"], "alice")
    _tamper(files["alice"], "UPDATE project_info SET value='carol' WHERE key='annotator'; "
                            + "".join(f"UPDATE {t} SET layer='carol' WHERE layer='alice'; " for t in untrusted.LAYERED))
    path = lead.path
    lead.close()
    refused_by_cli(path, [str(files["alice"])], capsys, "was handed out to alice, but holds the work of carol")


def test_a_handout_of_another_project_is_refused(lead, tmp_path, capsys, seeds_dir):
    twin = Project.create(tmp_path / "twin.isf", registry=seeds_dir / "registry.json")
    twin.import_paths(sorted(seeds_dir.glob("*.txt")))
    twin.assign_round_robin(["alice"], overlap=1)
    (theirs,) = twin.handout(tmp_path / "twin-out")
    twin.close()
    hand_out(lead, tmp_path)
    _annotate(theirs, "alice")
    path = lead.path
    lead.close()
    refused_by_cli(path, [str(theirs)], capsys, "not handed out by this project")


def test_an_annotator_name_not_in_nfc_keeps_its_spans(lead, tmp_path):
    nfc = "José"
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfd != nfc
    files = hand_out(lead, tmp_path, names=(nfc,))
    _annotate(files[nfc], nfc)
    # the file as another program (or file system) left it: the name decomposed everywhere
    _tamper(files[nfc], f"UPDATE project_info SET value='{nfd}' WHERE key='annotator'; "
                        + "".join(f"UPDATE {t} SET layer='{nfd}' WHERE layer='{nfc}'; " for t in untrusted.LAYERED))
    report = lead.merge([files[nfc]])
    assert report.files[0].annotator == nfc and report.files[0].spans == 2
    assert lead.layers() == [nfc]
    assert len(lead.spans(DOC4, nfc)) == 2


def test_a_sparse_file_is_refused_before_it_is_copied(lead, tmp_path, capsys, monkeypatch):
    # a temp folder of this test's own: other processes' merges on the machine cannot show up in it
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    files = hand_out(lead, tmp_path)
    _annotate(files["alice"], "alice")
    real = files["alice"].stat().st_size
    os.truncate(files["alice"], real + (64 << 20))          # a hole: a few KB on disk
    copies = set(glob.glob(os.path.join(tempfile.gettempdir(), "isf-merge-*")))
    path = lead.path
    lead.close()
    refused_by_cli(path, [str(files["alice"])], capsys, "64.", "its SQLite header declares", str(files["alice"]))
    assert set(glob.glob(os.path.join(tempfile.gettempdir(), "isf-merge-*"))) == copies


def test_size_checks_from_the_header(tmp_path, monkeypatch):
    conn = sqlite3.connect(tmp_path / "a.db")
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    header = (tmp_path / "a.db").read_bytes()[:100]
    size = (tmp_path / "a.db").stat().st_size
    untrusted.check_size("a.db", header, size, False)                       # as declared: fine
    with pytest.raises(InputError, match="declares"):
        untrusted.check_size("a.db", header, size - 1, False)                # truncated
    untrusted.check_size("a.db", header, size - 1, True)                     # a WAL may hold the rest
    with pytest.raises(InputError, match="shorter than an SQLite header"):
        untrusted.check_size("a.db", header[:50], 50, False)
    monkeypatch.setattr(untrusted, "MAX_FILE_BYTES", size - 1)
    with pytest.raises(InputError, match="more than an annotator's file can be"):
        untrusted.check_size("a.db", header, size, False)


def test_handout_records_what_it_handed_out(lead, tmp_path):
    from isfannotate.team.handout import handouts
    files = hand_out(lead, tmp_path)
    handed = handouts(lead.conn)
    assert sorted(h["annotator"] for h in handed.values()) == ["alice", "bob"]
    for name, f in files.items():
        conn = sqlite3.connect(f)
        hid = conn.execute("SELECT value FROM project_info WHERE key='handout_id'").fetchone()[0]
        assert conn.execute("SELECT value FROM project_info WHERE key='handouts'").fetchone() is None
        conn.close()
        assert handed[hid]["annotator"] == name and handed[hid]["file"] == f.name
    with pytest.raises(IsfError, match="--new-annotator"):
        lead.merge([files["alice"]], new_annotators=["\x00"])
