"""Other tools' annotations are written in bulk (issue 21's doccano budget): span rows as tuples
logged by the recorder in bulk, ids made many at a time. What lands is what the per-row path
wrote: every column, one id per span, attributes and external ids where the file has them."""
from __future__ import annotations

import json

from isfannotate.ids import IdMaker


def test_many_ids_at_once_are_the_ids_one_at_a_time_would_be():
    one, bulk = IdMaker(), IdMaker()
    bulk._base = one._base
    expected = [one("s") for _ in range(5)] + [one("r")]
    got = bulk.many("s", 3) + bulk.many("s", 2) + bulk.many("s", 0) + [bulk("r")]
    assert got == expected and len(set(got)) == 6


def test_a_doccano_import_writes_every_span_with_every_column(new_project, tmp_path):
    p = new_project(registry=False)
    lines = [{"id": 1, "text": "Pakistan sent troops to Gaza.", "label": [[0, 8, "ACTOR"], [24, 28, "ACTOR"]]},
             {"id": 2, "text": "🇵🇰 Rubio said so.", "entities": [
                 {"id": 7, "label": "ACTOR", "start_offset": 5, "end_offset": 10}],
              "relations": []}]
    f = tmp_path / "d.jsonl"
    f.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    report = p.import_paths([f], annotator="bob", format="doccano")
    assert report.spans == 3 and report.layers == {"bob": 2}
    rows = p.conn.execute('SELECT id, document_id, layer, start, "end", label, actor_id, attrs, author, created_at '
                          "FROM spans ORDER BY document_id, start").fetchall()
    texts = {d.id: d.text for d in p.documents()}
    assert sorted((texts[r[1]][r[3]:r[4]], r[2], r[5], r[6], r[7], r[8]) for r in rows) == [
        ("Gaza", "bob", "ACTOR", None, "{}", "bob"), ("Pakistan", "bob", "ACTOR", None, "{}", "bob"),
        ("Rubio", "bob", "ACTOR", None, "{}", "bob")]
    assert len({r[0] for r in rows}) == 3 and all(r[9] for r in rows)
    assert {r[9] for r in rows} == {p.conn.execute("SELECT max(created_at) FROM spans").fetchone()[0]}
