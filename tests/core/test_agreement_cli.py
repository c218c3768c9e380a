"""`isfannotate agreement` on a real project (issue 12): tables, JSON, a self-contained HTML."""
from __future__ import annotations

import json
import re

from isfannotate import Project
from isfannotate.cli import main as cli


def test_agreement_command_tables_json_and_html(shared, tmp_path, capsys):
    path = tmp_path / "iaa.isf"
    with Project.create(path) as p:
        p.import_paths([shared("peer-formats", "brat-iaa-bratiaa")], add_labels=True)
    assert cli(["agreement", str(path)]) == 0
    text = capsys.readouterr().out
    assert "0.8904" in text or "0.890" in text
    assert cli(["agreement", str(path), "--json", "--annotators", "Lisa,Maria"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["annotators"] == ["Lisa", "Maria"]
    html = tmp_path / "r.html"
    assert cli(["agreement", str(path), "--html", str(html)]) == 0
    page = html.read_text(encoding="utf-8")
    assert "data:image/png;base64," in page
    assert not re.search(r"""(src|href)=["']https?://""", page)      # nothing fetched: no CDN
    assert cli(["agreement", str(path), "--annotators", "Lisa,Nobody"]) == 2
    assert "Nobody" in capsys.readouterr().err


def test_agreement_needs_two_layers(seeded, capsys):
    seeded.annotate("004_925ac23fd4dc491f", "alice", 0, 4, "ACTOR")
    path = seeded.path
    seeded.close()
    assert cli(["agreement", str(path)]) == 2
    assert "at least two" in capsys.readouterr().err
