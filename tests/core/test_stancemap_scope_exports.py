"""The stance map's filters, long CSV, network files, pictures and timeline intervals (issue 19),
on the seed corpus with a gold layer of stances (tests/data/seed-gold-stances.jsonl)."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from isfannotate.cli import main as cli
from isfannotate.errors import IsfError
from isfannotate.stancemap import Scope, build_map, date_interval, resolve_scope
from isfannotate.stancemap.export import LONG_COLUMNS, network_graph, stance_rows
from isfannotate.stancemap.layout import precedes, timeline_marks
from isfannotate.stancemap.render import POLARITY_COLOURS, cell_caption, edge_label, matrix_figure, network_figure

GOLD = Path(__file__).resolve().parents[1] / "data" / "seed-gold-stances.jsonl"


@pytest.fixture
def corpus(seeded):
    seeded.import_paths([GOLD], annotator="gold")
    return seeded


def holder_names(smap):
    return [h.name for h in smap.sorted_holders("name")]


# ------------------------------------------------------------------ filters
def test_actor_types_in_display_or_stored_form_and_unknown_refused(corpus):
    for form in ("armed group", "armed_group", "Armed-Group", " ARMED GROUP "):
        assert holder_names(build_map(corpus, Scope(actor_types=[form]))) == ["Hamas"], form
    assert resolve_scope(corpus, Scope(actor_types=["armed group"])).actor_types == ["armed_group"]
    with pytest.raises(IsfError) as e:
        build_map(corpus, Scope(actor_types=["militia"]))
    assert "unknown actor type 'militia'" in str(e.value) and "armed group" in str(e.value) and "state" in str(e.value)


def test_outlets_any_case_and_unknown_refused_with_the_known_ones(corpus):
    newsx = {d.id for d in corpus.documents() if d.meta.get("outlet") == "NewsX"}
    smap = build_map(corpus, Scope(outlets=["newsx"]))
    assert smap.cells and all(c.documents <= newsx for c in smap.cells.values())
    with pytest.raises(IsfError) as e:
        build_map(corpus, Scope(outlets=["Dawn"]))
    assert "unknown outlet 'Dawn'" in str(e.value) and "Middle East Eye, NewsX" in str(e.value)
    with pytest.raises(IsfError, match="date from '12/2025'"):
        build_map(corpus, Scope(date_from="12/2025"))


def test_cli_filters_and_refusals(corpus, capsys):
    path = corpus.path
    corpus.close()
    before = path.read_bytes()
    assert cli(["stancemap", str(path), "--actor-type", "armed group"]) == 0
    out = capsys.readouterr().out
    assert "Hamas → disarming Hamas: oppose" in out and "Pakistan" not in out
    assert "scope: layer gold · all documents · actor type armed group" in out
    assert cli(["stancemap", str(path), "--outlet", "NewsX", "--actor-type", "state"]) == 0
    out = capsys.readouterr().out
    assert "outlet NewsX" in out and "Hamas" not in out
    # 2025-12-18 .. 2025-12-31: the documents of 12-20 and 12-24, and the month-only ones (they may fall in it)
    assert cli(["stancemap", str(path), "--from", "2025-12-18", "--to", "2025-12-31"]) == 0
    out = capsys.readouterr().out
    assert "dates 2025-12-18 to 2025-12-31" in out
    for args, said in ((["--actor-type", "militia"], "known: "),
                       (["--outlet", "Dawn"], "known: Middle East Eye, NewsX"),
                       (["--from", "yesterday"], "use an ISO date")):
        assert cli(["stancemap", str(path), *args]) == 2
        err = capsys.readouterr().err.strip()
        assert said in err and len(err.splitlines()) == 1 and "Traceback" not in err
    assert path.read_bytes() == before


def test_date_filter_counts_partial_dates_as_their_interval(corpus):
    dates = {d.id: d.meta.get("date") for d in corpus.documents()}
    smap = build_map(corpus, Scope(date_from="2025-12-18", date_to="2025-12-19"))
    docs = set().union(*(c.documents for c in smap.cells.values()))
    # no exact date in 18-19 December: only the month-only documents can fall in it
    assert docs and {dates[d] for d in docs} == {"2025-12"}


# ---------------------------------------------------------------- long CSV
def test_long_csv_one_row_per_stance(corpus, tmp_path, capsys):
    smap = build_map(corpus)
    rows = stance_rows(corpus)
    assert len(rows) == sum(c.stances for c in smap.cells.values()) == 9
    path = corpus.path
    corpus.close()
    out = tmp_path / "long.csv"
    assert cli(["stancemap", str(path), "--long", str(out)]) == 0
    assert f"wrote {out} (9 stances, one per row)" in capsys.readouterr().out
    with out.open(encoding="utf-8", newline="") as fh:
        table = list(csv.DictReader(fh))
    assert list(table[0]) == LONG_COLUMNS == [
        "stance_id", "layer", "holder", "holder_id", "holder_type", "target", "target_id", "polarity", "conditions",
        "document", "title", "date", "outlet", "evidence_count", "evidence_text"]
    assert len(table) == 9
    pk_troops = [r for r in table if r["holder"] == "Pakistan" and r["target_id"] == "isf-troops"]
    assert sorted(r["polarity"] for r in pk_troops) == ["conditional", "oppose", "support", "support"]
    r004 = next(r for r in pk_troops if r["document"] == "004_925ac23fd4dc491f")
    assert (r004["evidence_text"], r004["evidence_count"], r004["layer"], r004["date"]) == \
        ("Pakistan has offered to send troops", "1", "gold", "2025-12")
    assert r004["target"] == "contributing troops to the ISF" and r004["holder_type"] == "state"
    assert next(r for r in pk_troops if r["document"].startswith("000"))["conditions"] == \
        "not if the force must disarm Hamas"
    assert {r["outlet"] for r in table} == {"", "Middle East Eye", "NewsX"}
    hamas = [r for r in table if r["holder_type"] == "armed group"]
    assert len(hamas) == 1 and hamas[0]["holder"] == "Hamas"


# ----------------------------------------------------------- network files
def test_gexf_and_graphml_load_back_with_counts(corpus, tmp_path, capsys):
    import networkx as nx
    path = corpus.path
    corpus.close()
    gexf, graphml = tmp_path / "m.gexf", tmp_path / "m.graphml"
    assert cli(["stancemap", str(path), "--gexf", str(gexf), "--graphml", str(graphml)]) == 0
    assert f"wrote {gexf} (5 edges)" in capsys.readouterr().out
    for g in (nx.read_gexf(gexf), nx.read_graphml(graphml)):
        assert g.is_directed() and g.number_of_edges() == 5
        labels = {n: d["label"] for n, d in g.nodes(data=True)}
        kinds = {d["label"]: d["kind"] for _n, d in g.nodes(data=True)}
        assert kinds["Pakistan"] == "actor" and kinds["contributing troops to the ISF"] == "target"
        assert {d["label"]: d["actor_type"] for _n, d in g.nodes(data=True)}["Hamas"] == "armed group"
        edges = {(labels[u], labels[v]): d for u, v, d in g.edges(data=True)}
        mixed = edges[("Pakistan", "contributing troops to the ISF")]
        assert (int(mixed["stances"]), int(mixed["n_support"]), int(mixed["n_oppose"]), int(mixed["n_conditional"]),
                int(mixed["n_neutral"]), mixed["polarity"], int(mixed["documents"]), int(mixed["evidence"])) == \
            (4, 2, 1, 1, 0, "mixed", 4, 4)
        assert mixed["mixed"] in (True, "true")
        plain = edges[("Pakistan", "disarming Hamas")]
        assert (int(plain["stances"]), int(plain["n_oppose"]), int(plain["n_support"]), plain["polarity"]) == \
            (2, 2, 0, "oppose")
        assert sum(int(d["stances"]) for d in edges.values()) == 9


def test_network_of_all_layers_keeps_one_edge_per_layer(corpus):
    pk = next(a.id for a in corpus.actors() if a.name == "Pakistan")
    d = "004_925ac23fd4dc491f"
    for who, pol in (("alice", "support"), ("bob", "oppose")):
        corpus.set_stance(d, who, holder=pk, target="isf-troops", polarity=pol)
    g = network_graph(build_map(corpus, Scope(layer="all")))
    assert g.is_multigraph()
    assert sorted((k, e["polarity"]) for _u, _v, k, e in g.edges(keys=True, data=True)) == \
        [("alice", "support"), ("bob", "oppose")]


# ---------------------------------------------------------------- pictures
def _texts_inside(fig):
    from matplotlib.text import Text
    fig.canvas.draw()
    box = fig.bbox
    out = []
    for t in fig.findobj(Text):
        if not t.get_visible() or not t.get_text().strip():
            continue
        e = t.get_window_extent()
        out.append((t.get_text(), e.x0 >= box.x0 - 1 and e.x1 <= box.x1 + 1 and e.y0 >= box.y0 - 1
                    and e.y1 <= box.y1 + 1))
    return out


def test_matrix_picture_stands_alone(corpus):
    small = build_map(corpus, Scope(actor_types=["armed group"]))    # one cell: the title used to be cut
    title = "Stance map — a project with a rather long name for a map of one cell"
    fig, header = matrix_figure(small, title=title)
    fig.tight_layout(rect=(0, 0, 1, 1 - header / fig.get_size_inches()[1]))
    texts = _texts_inside(fig)
    assert all(inside for _t, inside in texts), [t for t, inside in texts if not inside]
    said = [t for t, _inside in texts]
    assert title in said
    assert "Scope: layer gold · all documents · actor type armed group" in said
    full = build_map(corpus)
    pk = next(a.id for a in corpus.actors() if a.name == "Pakistan")
    mixed = full.cell(pk, "isf-troops")
    assert cell_caption(mixed) == ["2 support /", "1 conditional / 1 oppose", "4 ev. · 4 doc."]
    fig, _h = matrix_figure(full)
    assert "2 support /\n1 conditional / 1 oppose\n4 ev. · 4 doc." in [t for t, _i in _texts_inside(fig)]


def test_network_picture_edges_opaque_in_legend_colours_with_counts(corpus, tmp_path):
    from matplotlib.colors import to_hex
    smap = build_map(corpus)
    fig, _header = network_figure(smap, title="Stance network — seeds")
    ax = fig.axes[0]
    edges = [ln for ln in ax.get_lines()]
    assert len(edges) == 5
    legend = {h.get_label(): to_hex(h.get_color()) for h in ax.get_legend().legend_handles}
    for ln in edges:
        assert ln.get_alpha() in (None, 1.0)
        assert to_hex(ln.get_color()) in {POLARITY_COLOURS[p].lower() for p in ("support", "oppose", "mixed")}
        assert to_hex(ln.get_color()) in legend.values()
    said = [t for t, inside in _texts_inside(fig)]
    assert "4: 2 support, 1 conditional, 1 oppose" in said and "2 oppose" in said
    pk = next(a.id for a in corpus.actors() if a.name == "Pakistan")
    assert edge_label(smap.cell(pk, "isf-command")) == "1 support"
    assert any(t.startswith("Scope: layer gold") for t in said)


# ---------------------------------------------------------------- timeline
class Item:
    def __init__(self, date, polarity):
        self.date, self.polarity = date, polarity


def test_partial_dates_are_intervals_and_never_ordered_inside():
    assert date_interval("2025-02") == ("2025-02-01", "2025-02-28")
    assert date_interval("2024-02") == ("2024-02-01", "2024-02-29")
    assert date_interval("2025-02-30") is None and date_interval("2025-13") is None
    items = [Item("2025-12-17", "support"), Item("2025-12", "oppose"), Item("2025-12-24", "support"),
             Item("2025-11-30", "conditional"), Item("2025-12", "support"), Item(None, "neutral"),
             Item("2025", "unclear")]
    marks, undated = timeline_marks(items)
    assert [u.polarity for u in undated] == ["neutral"]
    by = {m.label: m for m in marks}
    month, d17, d24, nov = by["2025-12"], by["2025-12-17"], by["2025-12-24"], by["2025-11-30"]
    assert not month.exact and (month.start, month.end) == ("2025-12-01", "2025-12-31")
    assert [i.polarity for i in month.items] == ["oppose", "support"]      # one mark: concurrent, no order
    assert d17.exact and d17.row == 0 and month.row >= 1
    assert not precedes(month, d17) and not precedes(d17, month)           # the month says nothing about the 17th
    assert not precedes(month, d24) and precedes(nov, month) and precedes(d17, d24)
    year = by["2025"]
    assert (year.start, year.end) == ("2025-01-01", "2025-12-31") and not precedes(year, month)
    # overlapping intervals never share a row; each item of an interval takes its own row
    rows_month = set(range(month.row, month.row + len(month.items)))
    rows_year = set(range(year.row, year.row + len(year.items)))
    assert not rows_month & rows_year
    assert month.days() == (d17.days()[0] - 16, d17.days()[0] + 15)


def test_long_rows_evidence_text_in_code_points_after_an_emoji(new_project, tmp_path):
    p = new_project()
    f = tmp_path / "a.txt"
    f.write_text("🇵🇰 Pakistan will send troops. Ok.", encoding="utf-8")
    p.import_paths([f])
    d = p.documents()[0].id
    i = p.document(d).text.index("Pakistan will")
    sp = p.annotate(d, "gold", i, i + len("Pakistan will send troops"), "CLAIM").rows("spans")[0].after["id"]
    pk = next(a.id for a in p.actors() if a.name == "Pakistan")
    p.set_stance(d, "gold", holder=pk, target="isf-troops", polarity="support", evidence=[sp])
    p.set_stance(d, "gold", holder=pk, target="disarm-hamas", polarity="oppose")     # no evidence: still a row
    rows = {r.target_id: r for r in stance_rows(p)}
    assert rows["isf-troops"].evidence == ("Pakistan will send troops",)
    assert rows["disarm-hamas"].evidence == () and rows["disarm-hamas"].csv_row()[-2:] == [0, ""]


def test_crowded_network_leaves_labels_out_and_says_how_many():
    from matplotlib.text import Text

    from isfannotate.stancemap.query import Axis, Cell, StanceMap
    cells = {}
    for h in range(40):
        for t in range(10):
            cells[("gold", f"a{h}", f"t{t}")] = Cell("gold", f"a{h}", f"t{t}", {"support": 1 + (h + t) % 3},
                                                    {f"d{h}"}, 1)
    smap = StanceMap(Scope(), ["gold"], [Axis(f"a{h}", f"Actor {h}", "state", 10) for h in range(40)],
                     [Axis(f"t{t}", f"Question {t}", "target", 40) for t in range(10)], cells)
    fig, _header = network_figure(smap)
    texts = [t.get_text() for t in fig.findobj(Text)]
    labels = [t for t in texts if t.endswith(" support")]
    caption = next(t for t in texts if t.startswith("40 holders"))
    left_out = 400 - len(labels)
    assert 0 < left_out < 400
    assert f"{left_out} edges without a label for lack of room" in caption
    assert sum(t == "3 support" for t in labels) >= sum(t == "1 support" for t in labels)   # most stances first


def test_scope_line_names_the_layers_side_by_side():
    from isfannotate.stancemap import describe_scope
    assert describe_scope(Scope(layer="all"), ["alice", "bob"]) == "layers alice, bob side by side · all documents"
    assert describe_scope(Scope(documents=["d1", "d2", "d3", "d4"], outlets=["Dawn", "NewsX"],
                                date_to="2025-12")) == \
        "layer gold · 4 documents · outlet Dawn or NewsX · dates … to 2025-12"
