"""CoNLL and WebAnno TSV3 readers: shared samples, tag-column choice, UTF-16, broken files."""
from __future__ import annotations

from collections import Counter

import pytest

from isfannotate.errors import InputError
from isfannotate.formats import conll, webanno


def ents(doc):
    return [(doc.text[s.start:s.end], s.label) for s in doc.spans]


# --------------------------------------------------------------------------- CoNLL


def test_uner_iob2_column_not_the_nested_or_constant_one(shared):
    coll = conll.read([shared("peer-formats", "conll-iob", "uner_da_ddt-test.first40.iob2")])
    (doc,) = coll.documents
    lines = doc.text.split("\n")
    assert len(lines) == 40
    assert lines[0].startswith("To kendte russiske historikere Andronik Mirganjan og Igor Klamkin tror ikke, at")
    assert Counter(s.label for s in doc.spans) == {"PER": 13, "LOC": 10, "ORG": 13}
    assert ents(doc)[:2] == [("Andronik Mirganjan", "PER"), ("Igor Klamkin", "PER")]
    assert "jernnæve" in doc.text
    # token count: every token placed
    assert sum(1 for _ in doc.text.split()) <= 587
    with pytest.raises(InputError, match="O#O") as e:  # the nested column is not IOB
        conll.read([shared("peer-formats", "conll-iob", "uner_da_ddt-test.first40.iob2")], tag_column=4)
    assert e.value.line == 3
    again = conll.read([shared("peer-formats", "conll-iob", "uner_da_ddt-test.first40.iob2")], tag_column=3)
    assert [(s.start, s.end, s.label) for s in again.documents[0].spans] == [
        (s.start, s.end, s.label) for s in doc.spans]


def test_conll2003_iob1_with_chunk_column(shared):
    coll = conll.read([shared("peer-formats", "conll-iob", "dkpro_conll2003_en-orig.conll")])
    (doc,) = coll.documents
    assert doc.text == "U.N. official Ekeus heads for Baghdad ."
    assert ents(doc) == [("U.N.", "ORG"), ("Ekeus", "PER"), ("Baghdad", "LOC")]
    assert coll.count("span", "converted") == 3  # IOB1: each entity opened by I-
    chunks = conll.read([shared("peer-formats", "conll-iob", "dkpro_conll2003_en-orig.conll")], tag_column=3)
    assert [s.label for s in chunks.documents[0].spans] == ["NP", "VP", "PP", "NP"]


def test_space_separated_doccano_example(shared):
    (doc,) = conll.read([shared("peer-formats", "conll-iob", "doccano_conll_example.txt")]).documents
    assert ents(doc) == [("EU", "ORG"), ("German", "MISC"), ("British", "MISC"), ("Peter Blackburn", "PER")]
    assert doc.text == "EU rejects German call to boycott British lamb .\nPeter Blackburn"


def test_spacy_token_per_line_no_sentence_breaks(shared):
    (doc,) = conll.read([shared("peer-formats", "conll-iob", "spacy_ner-token-per-line.iob")]).documents
    assert ents(doc) == [("Sebastian Thrun", "PERSON"), ("Google", "ORG"), ("2007", "DATE"), ("American", "NORP"),
                         ("Thrun", "PERSON"), ("Recode", "ORG"), ("earlier this week", "DATE")]
    assert "\n" not in doc.text and "“" in doc.text


def test_doccano_conll_fixture(shared):
    (doc,) = conll.read([shared("peer-formats", "doccano", "import_sequence_labeling.example.conll")]).documents
    assert ents(doc) == [("JAPAN", "LOC"), ("Nadim Ladki", "PER")]


def test_documents_split_by_doc_id_comments_and_docstart(tmp_path):
    p = tmp_path / "x.conll"
    p.write_text("# doc_id = a\nPakistan\tB-state\nsaid\tO\n\n# doc_id = b\nHamas\tB-armed_group\n\n")
    coll = conll.read([p])
    assert [(d.doc_id, d.text, ents(d)) for d in coll.documents] == [
        ("a", "Pakistan said", [("Pakistan", "state")]), ("b", "Hamas", [("Hamas", "armed_group")])]
    p.write_text("-DOCSTART- -X- O O\n\nA NN I-NP B-PER\n\n-DOCSTART- -X- O O\n\nB NN I-NP I-LOC\n")
    coll = conll.read([p])
    assert [(d.doc_id, ents(d)) for d in coll.documents] == [("x-1", [("A", "PER")]), ("x-2", [("B", "LOC")])]


def test_text_comment_that_does_not_hold_the_tokens_is_rebuilt_and_counted(tmp_path):
    p = tmp_path / "x.conll"
    p.write_text("# text = Pakistan's offer\n1\tPakistan\tB-LOC\n2\t's\tO\n3\toffer\tO\n\n"
                 "# text = something else\n1\tGaza\tB-LOC\n\n")
    coll = conll.read([p])
    (doc,) = coll.documents
    assert doc.text == "Pakistan's offer\nGaza"
    assert ents(doc) == [("Pakistan", "LOC"), ("Gaza", "LOC")]
    assert coll.counts["sentence", "# text", "converted:the tokens are not in # text, text rebuilt from them"] == 1


def test_conll_broken_variants(tmp_path):
    p = tmp_path / "x.conll"
    p.write_text("Pakistan\tB-LOC\nsaid\n")
    with pytest.raises(InputError) as e:
        conll.read([p])
    assert e.value.line == 2
    p.write_text("Pakistan\tX-LOC\nsaid\tO\n")
    with pytest.raises(InputError, match="no column holds IOB tags"):
        conll.read([p])
    with pytest.raises(InputError, match="column 5"):
        conll.read([tmp_path / "x.conll"], tag_column=5)


# --------------------------------------------------------------------------- WebAnno TSV3


def tsv(shared, name):
    (doc,) = webanno.read([shared("peer-formats", "webanno-tsv3", name)], layer="Span").documents
    return doc


def test_webanno_emoji_offsets_are_utf16(shared):
    coll = webanno.read([shared("peer-formats", "webanno-tsv3", "testSentenceWithEmoji.tsv")], layer="Span")
    (doc,) = coll.documents
    assert doc.text == "I like it 😊 ."
    assert [(s.start, s.end, doc.text[s.start:s.end]) for s in doc.spans] == [(10, 11, "😊")]
    assert doc.text[12:13] == "."  # UTF-16 13-14


def test_webanno_stacked_multi_token(shared):
    doc = tsv(shared, "testMultiTokenStackedSpanWithFeatureValue.tsv")
    assert sorted((s.start, s.end, s.label) for s in doc.spans) == [(0, 16, "LOCATION"), (0, 16, "PERSON")]


def test_webanno_relation_between_multi_token_spans(shared):
    doc = tsv(shared, "testSingleNonMultiTokenRelationWithoutFeatureValue.tsv")
    assert [(s.key, doc.text[s.start:s.end]) for s in doc.spans] == [("Span:1", "This is"), ("Span:2", "a test")]
    assert [(r.head_key, r.tail_key, r.label) for r in doc.relations] == [("Span:1", "Span:2", "Relation")]


def test_webanno_token_relations_are_skipped_and_counted(shared):
    coll = webanno.read([shared("peer-formats", "webanno-tsv3", "testSingleTokenRelationWithFeatureValue.tsv")])
    assert coll.documents[0].relations == []
    assert coll.counts["relation", "nsubj", "skipped:between tokens of Token (no span layer)"] == 1


def test_webanno_sub_token_spans_and_zero_length(shared):
    coll = webanno.read(
        [shared("peer-formats", "webanno-tsv3", "testStackedSubMultiTokenSpanWithFeatureValue.tsv")], layer="Span"
    )
    (doc,) = coll.documents
    got = {s.label: doc.text[s.start:s.end] for s in doc.spans}
    assert got["2a"] == "aaaaaa bbbbbb" and got["9a"] == "aaa bbbbbb ccc" and got["3a"] == "b" and got["4b"] == "bbb"
    assert len(doc.spans) == 18
    assert coll.count("span", "skipped") == 6
    zero = webanno.read(
        [shared("peer-formats", "webanno-tsv3", "testZeroLengthSpansWithFeatureValues.tsv")], layer="Span"
    )
    assert zero.documents[0].spans == []
    assert zero.counts["span", "PERSON", "skipped:zero-length"] == 1
    assert zero.counts["span", "ORG", "skipped:zero-length"] == 1


HEAD = ("#FORMAT=WebAnno TSV 3.3\n#T_SP=webanno.custom.Span|value\n"
        "#T_RL=webanno.custom.Relation|value|BT_webanno.custom.Span\n\n\n")


def test_webanno_broken_variants(tmp_path):
    p = tmp_path / "a.tsv"
    p.write_text(HEAD + "#Text=Gaza now\n1-1\t0-4\tGaza\tLOC\t_\t_\t\n1-2\t5-12\tnow\t_\t_\t_\t\n")
    with pytest.raises(InputError, match="past the end") as e:
        webanno.read([p], layer="Span")
    assert e.value.line == 8
    p.write_text(HEAD + "#Text=Gaza now\n1-1\t0-4\tGaza\tLOC\t_\t_\t\n1-2\t5-8\tnow\tT\tr\t1-3\t\n")
    with pytest.raises(InputError, match="1-3") as e:
        webanno.read([p], layer="Span")
    assert e.value.line == 8
    p.write_text(HEAD + "#Text=Gaza now\n1-1\t0-4\tGozo\tLOC\t_\t_\t\n")
    with pytest.raises(InputError, match="does not match") as e:
        webanno.read([p], layer="Span")
    assert e.value.line == 7


def test_webanno_inception_export_layout_names_the_annotator(tmp_path):
    d = tmp_path / "annotation" / "story.txt"
    d.mkdir(parents=True)
    (d / "alice.tsv").write_text(HEAD + "#Text=Gaza now\n1-1\t0-4\tGaza\tLOC\t_\t_\t\n1-2\t5-8\tnow\t_\t_\t_\t\n")
    (doc,) = webanno.read([tmp_path], layer="Span").documents
    assert (doc.doc_id, doc.annotator, ents(doc)) == ("story", "alice", [("Gaza", "LOC")])


def test_webanno_sentence_with_a_line_break_has_two_text_lines(tmp_path):
    p = tmp_path / "a.tsv"
    p.write_text(
        "#FORMAT=WebAnno TSV 3.3\n#T_SP=webanno.custom.Span|value\n\n\n#Text=Gaza\n#Text=now 😊\n"
        "1-1\t0-4\tGaza\tLOC\t\n1-2\t5-8\tnow\t_\t\n1-3\t9-11\t😊\tEMO\t\n\n#Text=Hamas\n2-1\t12-17\tHamas\tORG\t\n",
        "utf-8",
    )
    (doc,) = webanno.read([p], layer="Span").documents
    assert doc.text == "Gaza\nnow 😊\nHamas"
    assert ents(doc) == [("Gaza", "LOC"), ("😊", "EMO"), ("Hamas", "ORG")]


def test_webanno_slot_features_are_skipped_and_counted(tmp_path):
    p = tmp_path / "a.tsv"
    p.write_text("#FORMAT=WebAnno TSV 3.3\n"
                 "#T_SP=webanno.custom.Event|ROLE_webanno.custom.Event:args_webanno.custom.EventArgsLink|"
                 "webanno.custom.Span|value\n\n\n#Text=Gaza talks\n"
                 "1-1\t0-4\tGaza\t_\t_\t_\t\n1-2\t5-10\ttalks\tplace\t1-1\tTALK\t\n")
    coll = webanno.read([p], layer="Event")
    (doc,) = coll.documents
    assert ents(doc) == [("talks", "TALK")]
    assert coll.count("attribute", "skipped") == 1
