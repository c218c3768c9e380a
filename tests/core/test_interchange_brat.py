"""brat standoff reader: the shared samples give the README's exact results; broken files are
refused with file and line; offsets survive BOM, CRLF and astral characters."""
from __future__ import annotations

from collections import Counter

import pytest

from isfannotate.errors import InputError
from isfannotate.formats import brat


def tuples(doc):
    return [(s.start, s.end, s.label, doc.text[s.start:s.end]) for s in doc.spans]


def by_id(coll):
    return {d.doc_id: d for d in coll.documents}


def kinds(doc):
    return Counter(s.label for s in doc.spans)


def test_tutorial_news_counts_and_items(shared):
    coll = brat.read([shared("peer-formats", "brat-tutorial-news")])
    docs = by_id(coll)
    assert sorted(docs) == ["000-introduction", "060-relation_annotation", "100-attribute_annotation",
                            "110-note_annotation"]
    # T counts, R + one relation per event role
    assert [len(docs[k].spans) for k in sorted(docs)] == [7, 10, 26, 14]
    intro = docs["000-introduction"]
    t = tuples(intro)
    for item in [(418, 426, "Organization", "Citibank"), (456, 468, "Money", "$100 million"),
                 (473, 496, "Person", "Raul Salinas de Gortari")]:
        assert item in t
    spans = {s.key: s for s in intro.spans}
    rels = {(r.head_key, r.tail_key, r.label) for r in intro.relations}
    assert ("T4", "T5", "Family") in rels and ("T6", "T7", "Origin") in rels
    # E1 Transfer-money:T3 Giver-Arg:T1 Money-Arg:T2 Beneficiary-Arg:T4 Recipient-Arg:T6
    assert {("T3", "T1", "Giver-Arg"), ("T3", "T2", "Money-Arg"), ("T3", "T4", "Beneficiary-Arg"),
            ("T3", "T6", "Recipient-Arg")} <= rels
    assert len(intro.relations) == 2 + 4
    assert spans["T4"].attrs == {"Mention": "Name", "Individual": True}
    assert spans["T3"].attrs == {"Confidence": "High"}  # A5 on E1 -> its trigger
    assert spans["T5"].external_id == "Wikipedia:64488"
    assert spans["T5"].external_name == "Carlos Salinas de Gortari"
    assert spans["T2"].attrs == {"note": "100000000 USD"}
    c = coll.counts
    assert c["equivalence", "Alias", "skipped:equivalence set (brat *)"] == 1
    # 100: Org-Arg2 / Org-Arg3 -> Org-Arg (the conf declares Org-Arg+)
    attr_doc = docs["100-attribute_annotation"]
    assert {r.label for r in attr_doc.relations} == {"Reporter-Arg", "Event-Arg", "Org-Arg"}
    assert len(attr_doc.relations) == 20
    assert c["relation", "Org-Arg", "converted:event role Org-Arg2 -> Org-Arg as a relation from the trigger"] == 8
    # E1 Report ... Event-Arg:E2 -> the trigger of E2
    assert ("T17", "T18", "Event-Arg") in {(r.head_key, r.tail_key, r.label) for r in attr_doc.relations}
    notes = docs["110-note_annotation"]
    nspans = {s.key: s for s in notes.spans}
    assert nspans["T1"].attrs["note"] == "Should fictional places be annotated?"
    assert nspans["T5"].attrs["note"].startswith("Annotate as one merge event")  # note on E1 -> trigger T5
    assert c["note", "AnnotatorNotes", "skipped:note on a relation"] == 1
    assert c.get(("event", "Transfer-money", "converted:trigger span + 4 role relations")) == 1
    assert coll.declared["entities"] == ["Person", "Organization", "GPE", "Money"]
    assert "Merge-org" in coll.declared["events"] and "Confidence" in coll.declared["attributes"]
    assert coll.count("span") == 57 and coll.count("span", "skipped") == 0


def test_tdt_finnish_unicode_and_legacy_spans_section(shared):
    coll = brat.read([shared("peer-formats", "brat-tdt-finnish")])
    (doc,) = coll.documents
    assert len(doc.text) == 629 and sum(ord(ch) > 127 for ch in doc.text) == 14
    assert len(doc.spans) == 74 and len(doc.relations) == 72
    t = tuples(doc)
    for item in [(72, 78, "Adv", "tänään"), (109, 122, "A", "Nelipäiväisen"),
                 (362, 390, "N", "työmarkkinakeskusjärjestöjen")]:
        assert item in t
    assert ("T2", "T3", "nommod") in {(r.head_key, r.tail_key, r.label) for r in doc.relations}
    assert coll.count("attribute") == 227
    t1 = next(s for s in doc.spans if s.key == "T1")
    assert t1.attrs["Lemma"] == " Halonen"  # kept as written, leading space included
    assert coll.counts["note", "Lemma", "converted:note type Lemma as the text attribute Lemma"] == 74
    assert "N" in coll.declared["entities"] and "nommod" in coll.declared["relations"]  # [spans] section


def test_opennlp_voa_overlap_relations_and_lenient_fields(shared):
    with pytest.raises(InputError) as e:
        brat.read([shared("peer-formats", "brat-opennlp-voa")])
    assert e.value.path.endswith("opennlp-1193.ann") and e.value.line == 1
    assert "discontinuous" in str(e.value)
    coll = brat.read([shared("peer-formats", "brat-opennlp-voa")], split_discontinuous=True)
    docs = by_id(coll)
    ov = docs["voa-with-entities-overlapping"]
    assert kinds(ov) == {"Person": 6, "Location": 10, "Date": 3}
    t = tuples(ov)
    assert (1168, 1177, "Location", "Pyongyang") in t and (1168, 1177, "Person", "Pyongyang") in t
    assert (21, 33, "Person", "Barack Obama") in t and (913, 928, "Person", "Lee Myung - bak") in t
    assert sum("note" in s.attrs for s in ov.spans) == 2
    rel = docs["voa-with-relations"]
    assert len(rel.spans) == 18 and len(rel.relations) == 7 and {r.label for r in rel.relations} == {"Related"}
    assert ("T2", "T3", "Related") == (rel.relations[0].head_key, rel.relations[0].tail_key, rel.relations[0].label)
    one = docs["opennlp-1193"]
    assert tuples(one) == [(0, 7, "Name", "spanA_1"), (8, 15, "Name", "spanA_2"), (17, 24, "Name", "spanA_3"),
                           (26, 33, "Name", "spanB_1"), (34, 39, "Event", "spanC"), (40, 47, "Name", "spanB_2")]
    assert coll.counts["span", "Name", "converted:discontinuous fragment split into its own span"] == 5


def test_dkpro_discontinuous_and_notes(shared):
    with pytest.raises(InputError) as e:
        brat.read([shared("peer-formats", "brat-dkpro-discontinuous", "document0d.ann")])
    assert e.value.line == 2 and "T2" in str(e.value)
    coll = brat.read([shared("peer-formats", "brat-dkpro-discontinuous")], split_discontinuous=True)
    docs = by_id(coll)
    d0 = docs["document0d"]
    assert d0.text == "This is\nan other test.\n"
    assert [x[3] for x in tuples(d0)] == ["This", "is", "n", "other test", "."]
    d1 = docs["document1"]
    assert len(d1.spans) == 4
    rels = {(r.head_key, r.tail_key, r.label) for r in d1.relations}
    assert rels == {("T3", "T4", "Origin"), ("T2", "T1", "Org"), ("T2", "T3", "Org")}
    spans = {s.key: s for s in d1.spans}
    assert spans["T1"].attrs["note"] == "This is a named entity."
    assert spans["T2"].attrs["note"] == "This is an event."
    assert coll.counts["note", "AnnotatorNotes", "skipped:note on a relation"] == 1


def test_bratiaa_one_layer_per_annotator_folder(shared):
    coll = brat.read([shared("peer-formats", "brat-iaa-bratiaa")])
    per = Counter()
    for d in coll.documents:
        per[d.annotator] += len(d.spans)
    assert per == {"Lisa": 404, "Maria": 404, "Max": 358, "Peter": 401}
    assert len({d.doc_id for d in coll.documents}) == 7
    lisa29 = next(d for d in coll.documents if d.annotator == "Lisa" and d.doc_id == "esp.train-doc-29")
    assert (361, 397, "PER", "Nobel de Literatura Camilo José Cela") in tuples(lisa29)
    assert coll.span_labels == ["LOC", "MISC", "ORG", "PER"]


# --------------------------------------------------------------------------- broken and edge cases


def write_pair(tmp_path, text: str | bytes, ann: str, name: str = "doc"):
    txt = tmp_path / f"{name}.txt"
    if isinstance(text, bytes):
        txt.write_bytes(text)
    else:
        txt.write_bytes(text.encode("utf-8"))
    (tmp_path / f"{name}.ann").write_bytes(ann.encode("utf-8"))
    return tmp_path / f"{name}.ann"


def test_offsets_past_the_end_are_refused(tmp_path):
    ann = write_pair(tmp_path, "Pakistan", "T1\tACTOR 0 8\tPakistan\nT2\tACTOR 3 20\tistan\n")
    with pytest.raises(InputError) as e:
        brat.read([ann])
    assert e.value.line == 2 and "past the end" in str(e.value) and str(ann) in str(e.value)


def test_relation_to_a_missing_span_is_refused(tmp_path):
    ann = write_pair(tmp_path, "Pakistan and Gaza", "T1\tACTOR 0 8\tPakistan\nR1\tnear Arg1:T1 Arg2:T9\t\n")
    with pytest.raises(InputError) as e:
        brat.read([ann])
    assert e.value.line == 2 and "T9" in str(e.value)


def test_text_column_that_does_not_match_is_refused(tmp_path):
    ann = write_pair(tmp_path, "Pakistan and Gaza", "T1\tACTOR 0 8\tPakistan\nT2\tACTOR 13 17\tGoza\n")
    with pytest.raises(InputError) as e:
        brat.read([ann])
    assert e.value.line == 2 and "Goza" in str(e.value)


def test_unknown_line_and_duplicate_id_are_refused(tmp_path):
    ann = write_pair(tmp_path, "Pakistan", "T1\tACTOR 0 8\tPakistan\nX1\twhat\n")
    with pytest.raises(InputError, match="unknown annotation type") as e:
        brat.read([ann])
    assert e.value.line == 2
    ann = write_pair(tmp_path, "Pakistan", "T1\tACTOR 0 8\tPakistan\nT1\tACTOR 0 3\tPak\n")
    with pytest.raises(InputError, match="used twice") as e:
        brat.read([ann])
    assert e.value.line == 2


def test_utf16_offsets_are_tried_when_the_text_column_disagrees(tmp_path):
    text = "🇵🇰 Pakistan and Gaza"
    # a tool that counted UTF-16 units: Pakistan at 5-13 instead of 3-11
    ann = write_pair(tmp_path, text, "T1\tACTOR 5 13\tPakistan\nT2\tACTOR 18 22\tGaza\n")
    coll = brat.read([ann])
    (doc,) = coll.documents
    assert tuples(doc) == [(3, 11, "ACTOR", "Pakistan"), (16, 20, "ACTOR", "Gaza")]
    assert coll.counts["span", "ACTOR", "converted:UTF-16 offsets"] == 2
    # code points that match stay code points
    ann = write_pair(tmp_path, text, "T1\tACTOR 3 11\tPakistan\n")
    (doc,) = brat.read([ann]).documents
    assert tuples(doc) == [(3, 11, "ACTOR", "Pakistan")]


def test_crlf_and_bom_offsets_count_the_raw_file_and_move_to_the_clean_text(tmp_path):
    raw = "\ufeffIslamabad said.\r\nپاکستان نے کہا\r\nMunir e\u0301tait la\u0300.\r\n"
    clean = "Islamabad said.\nپاکستان نے کہا\nMunir e\u0301tait la\u0300.\n"
    r = raw
    i1, i2, i3 = r.index("Islamabad"), r.index("پاکستان"), r.index("e\u0301tait")
    ann = write_pair(tmp_path, raw, f"T1\tACTOR {i1} {i1 + 9}\tIslamabad\nT2\tACTOR {i2} {i2 + 7}\tپاکستان\n"
                     f"T3\tWORD {i3} {i3 + 6}\te\u0301tait\n")
    coll = brat.read([ann])
    (doc,) = coll.documents
    assert doc.text == clean
    assert tuples(doc) == [(0, 9, "ACTOR", "Islamabad"), (16, 23, "ACTOR", "پاکستان"),
                           (37, 43, "WORD", "e\u0301tait")]
    assert coll.count("span", "converted") == 3  # every span moved by the BOM


def test_span_across_a_line_break_is_one_span_and_a_real_gap_needs_split(tmp_path):
    text = "met in Gaza.\nHamas rejected"
    ann = write_pair(tmp_path, text, "T1\tCLAIM 0 12;13 27\tmet in Gaza. Hamas rejected\n")
    coll = brat.read([ann])
    assert tuples(coll.documents[0]) == [(0, 27, "CLAIM", text)]
    assert coll.counts["span", "CLAIM", "converted:fragments across line breaks joined"] == 1


def test_split_fragments_share_attributes_and_relations_use_the_first(tmp_path):
    ann = write_pair(tmp_path, "aa bb cc dd", "T1\tX 6 8;0 2\tcc aa\nT2\tY 9 11\tdd\nA1\tNeg T1\n"
                     "R1\tr Arg1:T2 Arg2:T1\t\n")
    coll = brat.read([ann], split_discontinuous=True)
    (doc,) = coll.documents
    assert [(s.key, s.start, s.end, s.attrs) for s in doc.spans] == [
        ("T1", 0, 2, {"Neg": True}), ("T1.2", 6, 8, {"Neg": True}), ("T2", 9, 11, {})]
    assert [(r.head_key, r.tail_key) for r in doc.relations] == [("T2", "T1")]


def test_missing_txt_is_refused(tmp_path):
    (tmp_path / "lonely.ann").write_text("T1\tX 0 1\ta\n")
    with pytest.raises(InputError, match="no matching .txt"):
        brat.read([tmp_path])


def test_dotted_stems_and_readme_files_in_a_folder(tmp_path):
    write_pair(tmp_path, "Gaza", "T1\tLOC 0 4\tGaza\n", name="esp.train-doc-1")
    (tmp_path / "README.txt").write_text("not a document")
    coll = brat.read([tmp_path])
    assert [d.doc_id for d in coll.documents] == ["esp.train-doc-1"]


@pytest.mark.parametrize("doc_id, t, r, e, a, n, notes, star", [
    ("000-introduction", 7, 2, 1, 5, 1, 1, 0),
    ("060-relation_annotation", 10, 1, 0, 0, 0, 0, 1),
    ("100-attribute_annotation", 26, 0, 10, 6, 0, 0, 0),
    ("110-note_annotation", 14, 2, 2, 0, 0, 3, 0),
])
def test_tutorial_news_table_of_counts(shared, doc_id, t, r, e, a, n, notes, star):
    coll = brat.read([shared("peer-formats", "brat-tutorial-news", f"{doc_id}.ann")])
    assert coll.count("span") == t == len(coll.documents[0].spans)
    assert coll.count("relation", "imported") == r
    assert coll.count("event") == e
    assert coll.count("attribute") == a
    assert coll.count("normalization") == n
    assert coll.count("note") == notes
    assert coll.count("equivalence") == star


def test_notes_may_hold_unicode_line_separators(tmp_path):
    ann = write_pair(tmp_path, "Gaza", "T1\tLOC 0 4\tGaza\n#1\tAnnotatorNotes T1\tfirst\u2028second\x85third\n")
    (doc,) = brat.read([ann]).documents
    assert doc.spans[0].attrs["note"] == "first\u2028second\x85third"
