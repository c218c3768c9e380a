"""Issue 18: which WebAnno TSV3 layer and which CoNLL tag column is read; everything else counted."""
from __future__ import annotations

import pytest

from isfannotate.cli import main
from isfannotate.errors import InputError
from isfannotate.formats import conll, webanno

NE = "de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity"
POS = "de.tudarmstadt.ukp.dkpro.core.api.lexmorph.type.pos.POS"
LEMMA = "de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Lemma"
DEP = "de.tudarmstadt.ukp.dkpro.core.api.syntax.type.dependency.Dependency"

# the shape of INCEpTION's tsv3 example2 resource: POS, Lemma, named entities, dependencies over POS
TSV_POS_NE = (
    f"#FORMAT=WebAnno TSV 3.3\n#T_SP={POS}|PosValue|coarseValue\n#T_SP={LEMMA}|value\n#T_SP={NE}|identifier|value\n"
    f"#T_RL={DEP}|DependencyType|flavor|BT_{POS}\n\n\n"
    "#Text=Hamas , in Gaza , spoke .\n"
    "1-1\t0-5\tHamas\tNNP\tPROPN\tHamas\t_\tORG\tnsubj\tbasic\t1-6\t\n"
    "1-2\t6-7\t,\t,\tPUNCT\t,\t_\t_\tpunct\tbasic\t1-1\t\n"
    "1-3\t8-10\tin\tIN\tADP\tin\t_\t_\tcase\tbasic\t1-4\t\n"
    "1-4\t11-15\tGaza\tNNP\tPROPN\tGaza\thttp://www.wikidata.org/entity/Q39760\tLOC\tnmod\tbasic\t1-1\t\n"
    "1-5\t16-17\t,\t,\tPUNCT\t,\t_\t_\tpunct\tbasic\t1-1\t\n"
    "1-6\t18-23\tspoke\tVBD\tVERB\tspeak\t_\t_\t_\t_\t_\t\n"
    "1-7\t24-25\t.\t.\tPUNCT\t.\t_\t_\tpunct\tbasic\t1-6\t\n")


def ents(doc):
    return [(doc.text[s.start:s.end], s.label) for s in doc.spans]


@pytest.fixture
def pos_ne(tmp_path):
    p = tmp_path / "example2.tsv"
    p.write_text(TSV_POS_NE, "utf-8")
    return p


def test_named_entity_layer_read_by_default_other_layers_counted(pos_ne):
    coll = webanno.read([pos_ne])
    (doc,) = coll.documents
    assert ents(doc) == [("Hamas", "ORG"), ("Gaza", "LOC")]
    assert doc.spans[1].attrs == {"identifier": "http://www.wikidata.org/entity/Q39760"}
    why = "skipped:spans of a layer not read (choose it with --webanno-layer)"
    assert coll.counts["layer", "POS", why] == 7
    assert coll.counts["layer", "Lemma", why] == 7
    assert coll.counts["layer", "Dependency", "skipped:relations over the layer POS, which is not read"] == 6
    assert coll.span_labels == ["LOC", "ORG"]
    assert any("read the span layer " + NE in n for n in coll.notes)


def test_webanno_layer_picks_pos_by_dotted_tail_and_reads_its_relations(pos_ne):
    coll = webanno.read([pos_ne], layer="pos.POS")
    (doc,) = coll.documents
    assert [lab for _t, lab in ents(doc)] == ["NNP", ",", "IN", "NNP", ",", "VBD", "."]
    assert len(doc.relations) == 6
    assert (
        coll.counts["layer", "NamedEntity", "skipped:spans of a layer not read (choose it with --webanno-layer)"] == 2
    )
    lemma = webanno.read([pos_ne], layer="Lemma")
    assert [lab for _t, lab in ents(lemma.documents[0])][-2:] == ["speak", "."]


def test_without_named_entity_layer_refused_listing_layers(tmp_path):
    p = tmp_path / "a.tsv"
    p.write_text(TSV_POS_NE.replace(f"#T_SP={NE}|identifier|value\n", "").replace(
        "\t_\tORG", "").replace("\thttp://www.wikidata.org/entity/Q39760\tLOC", "").replace("\t_\t_\tpunct", "\tpunct")
        .replace("\t_\t_\tcase", "\tcase").replace("\t_\t_\t_\t_\t_\t\n", "\t_\t_\t_\t\n"), "utf-8")
    with pytest.raises(InputError, match="no named-entity layer") as e:
        webanno.read([p])
    assert POS in str(e.value) and LEMMA in str(e.value) and "--webanno-layer" in str(e.value)
    with pytest.raises(InputError, match="no span layer 'Entity'"):
        webanno.read([p], layer="Entity")


def test_a_file_without_span_layers_is_read_for_its_text_unless_a_layer_is_asked_for(shared):
    path = shared("peer-formats", "webanno-tsv3", "testSingleTokenRelationWithFeatureValue.tsv")
    coll = webanno.read([path])
    assert coll.documents[0].spans == [] and coll.count("relation", "skipped") == 1
    with pytest.raises(InputError, match="this file has no span layer"):
        webanno.read([path], layer="NamedEntity")


def test_slot_feature_role_is_never_a_label(tmp_path):
    # the shape of testMultiTokenSlotFeature: a host layer with only a slot feature
    p = tmp_path / "slot.tsv"
    p.write_text("#FORMAT=WebAnno TSV 3.3\n#T_SP=webanno.custom.SimpleSpan|\n"
                 "#T_SP=webanno.custom.SimpleLinkHost|ROLE_webanno.custom.SimpleLinkHost:links_webanno.custom."
                 "LinkType|webanno.custom.SimpleSpan\n\n\n#Text=This is a test .\n"
                 "1-1\t0-4\tThis\t*[2]\t_\t_\t\n1-2\t5-7\tis\t*[2]\t_\t_\t\n1-3\t8-9\ta\t*[3]\t_\t_\t\n"
                 "1-4\t10-14\ttest\t*[3]\t_\t_\t\n1-5\t15-16\t.\t_\tp1;p2\t1-1[2];1-3[3]\t\n", "utf-8")
    coll = webanno.read([p], layer="SimpleLinkHost")
    (doc,) = coll.documents
    assert ents(doc) == [(".", "SimpleLinkHost")]
    assert coll.counts["attribute", "links", "skipped:slot (link) features are not read"] == 2
    assert "p1" not in coll.span_labels and "p1;p2" not in coll.span_labels
    spans = webanno.read([p], layer="SimpleSpan")
    assert ents(spans.documents[0]) == [("This is", "SimpleSpan"), ("a test", "SimpleSpan")]
    assert (
        spans.counts["layer", "SimpleLinkHost", "skipped:spans of a layer not read (choose it with --webanno-layer)"]
        == 1
    )


def test_webanno_file_read_as_conll_is_refused_not_a_crash(pos_ne, tmp_path, capsys):
    with pytest.raises(InputError, match="webanno-tsv3"):
        conll.read([pos_ne])
    proj = tmp_path / "p.isf"
    assert main(["init", str(proj)]) == 0
    before = proj.read_bytes()
    capsys.readouterr()
    assert main(["import", str(proj), str(pos_ne), "--format", "conll", "--annotator", "ann"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "example2.tsv" in err and "Traceback" not in err
    assert proj.read_bytes() == before


def test_cli_webanno_layer_and_counts(pos_ne, tmp_path, capsys):
    proj = tmp_path / "p.isf"
    assert main(["init", str(proj)]) == 0
    assert main(["import", str(proj), str(pos_ne), "--annotator", "ann", "--add-labels"]) == 0
    out = capsys.readouterr().out
    assert "read the span layer " + NE in out
    assert "skipped 7 layer POS: spans of a layer not read" in out
    p2 = tmp_path / "q.isf"
    assert main(["init", str(p2)]) == 0
    capsys.readouterr()
    assert main(["import", str(p2), str(pos_ne), "--annotator", "ann", "--webanno-layer", "Nope"]) == 2
    assert "no span layer 'Nope'" in capsys.readouterr().err
    assert main(["import", str(p2), str(pos_ne), "--format", "brat", "--webanno-layer", "POS"]) == 2


# --------------------------------------------------------------------------- CoNLL

# GermEval 2014 shape: running number, token, outer NER, nested NER
GERMEVAL = ("#\thttp://de.wikipedia.org/wiki/Example [2009-10-17]\n"
            "1\tDie\tO\tO\n2\tBerliner\tB-ORG\tB-LOCderiv\n3\tVerkehrsbetriebe\tI-ORG\tO\n4\tund\tO\tO\n"
            "5\tdie\tO\tO\n6\tDeutsche\tB-ORG\tB-LOCderiv\n7\tBahn\tI-ORG\tO\n8\tin\tO\tO\n9\tBerlin\tB-LOC\tO\n"
            "10\t.\tO\tO\n\n")


def test_two_iob_columns_with_entities_refused_listing_counts(tmp_path):
    p = tmp_path / "germeval.tsv"
    p.write_text(GERMEVAL, "utf-8")
    with pytest.raises(InputError) as e:
        conll.read([p])
    msg = str(e.value)
    assert "column 3: 3 entities" in msg and "column 4: 2 entities" in msg and "--conll-tag-column" in msg
    outer = conll.read([p], tag_column=3)
    assert ents(outer.documents[0]) == [("Berliner Verkehrsbetriebe", "ORG"), ("Deutsche Bahn", "ORG"),
                                        ("Berlin", "LOC")]
    assert outer.notes == [f"{p}: read the tags of column 3 (--conll-tag-column)"]
    inner = conll.read([p], tag_column=4)
    assert [lab for _t, lab in ents(inner.documents[0])] == ["LOCderiv", "LOCderiv"]


def test_one_iob_column_with_entities_is_read_and_named(tmp_path, shared):
    p = tmp_path / "a.conll"
    p.write_text("Hamas\tB-ORG\tO\nspoke\tO\tO\n\n", "utf-8")
    coll = conll.read([p])
    assert ents(coll.documents[0]) == [("Hamas", "ORG")]
    assert coll.notes == [f"{p}: read the tags of column 2"]
    c03 = conll.read([shared("peer-formats", "conll-iob", "dkpro_conll2003_en-orig.conll")])
    assert "column 3 holds phrase chunks, not read" in c03.notes[0] and "column 4" in c03.notes[0]


def test_cli_two_columns_exit_2_then_column_chosen(tmp_path, capsys):
    p = tmp_path / "germeval.tsv"
    p.write_text(GERMEVAL, "utf-8")
    proj = tmp_path / "p.isf"
    assert main(["init", str(proj)]) == 0
    before = proj.read_bytes()
    capsys.readouterr()
    assert main(["import", str(proj), str(p), "--format", "conll", "--annotator", "ann", "--add-labels"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "column 3: 3 entities" in err
    assert proj.read_bytes() == before
    assert main(["import", str(proj), str(p), "--format", "conll", "--annotator", "ann", "--add-labels",
                 "--conll-tag-column", "3"]) == 0
    out = capsys.readouterr().out
    assert "read the tags of column 3" in out and "3 spans" in out
