"""OffsetMap: code points <-> Qt UTF-16 positions, checked against Qt itself."""
from __future__ import annotations

import random

import pytest
from PySide6.QtGui import QTextCursor, QTextDocument

from isfannotate_ui.annotate.offsets import DISPLAY_PIECE, SPLIT_OVER, OffsetMap, display_breaks, with_breaks

pytestmark = pytest.mark.usefixtures("qapp")  # QTextDocument wants a Qt application

MIXED = (
    "🇵🇰 Pakistan, 👨\u200d👩\u200d👧 family, پاکستان کی فوج, café (e\u0301), "
    "line\u2028separator, para\u2029graph, 😀 end\nnext 🇺🇸 line"
)


def qt_document(text: str) -> QTextDocument:
    doc = QTextDocument()
    doc.setPlainText(text)
    return doc


def qt_slice(doc: QTextDocument, qs: int, qe: int) -> str:
    cur = QTextCursor(doc)
    cur.setPosition(qs)
    cur.setPosition(qe, QTextCursor.MoveMode.KeepAnchor)
    # selectedText shows block separators (LF, U+2029) as U+2029
    return cur.selectedText()


def as_qt_shows(s: str) -> str:
    return s.replace("\n", "\u2029")


def test_flag_shifts_by_two_units():
    text = "🇵🇰 Pakistan"
    m = OffsetMap(text)
    assert text[3:11] == "Pakistan"
    assert m.to_qt(3) == 5 and m.to_qt(11) == 13
    assert m.from_qt(5) == 3 and m.from_qt(13) == 11
    assert m.qt_length == 13 and m.length == 11
    doc = qt_document(text)
    assert doc.find("Pakistan").selectionStart() == 5
    assert qt_slice(doc, *m.to_qt_range(3, 11)) == "Pakistan"


def test_zwj_family_counts_each_astral_code_point():
    family = "👨\u200d👩\u200d👧"
    text = family + " x"
    m = OffsetMap(text)
    assert len(family) == 5  # three people, two joiners
    assert m.to_qt(5) == 8  # three astral characters add one unit each
    assert m.from_qt(9) == 6 and text[6] == "x"
    assert qt_slice(qt_document(text), *m.to_qt_range(0, 5)) == family


@pytest.mark.parametrize("text", ["پاکستان کی فوج", "cafe\u0301 and re\u0301sume\u0301", "plain ascii"])
def test_bmp_texts_are_identity(text):
    m = OffsetMap(text)
    assert m.is_identity
    assert [m.to_qt(i) for i in range(len(text) + 1)] == list(range(len(text) + 1))
    doc = qt_document(text)
    assert doc.characterCount() - 1 == len(text)
    assert qt_slice(doc, 2, 7) == text[2:7]


def test_line_and_paragraph_separators_do_not_shift_positions():
    text = "a\u2028b\u2029c 😀 d\u2028e"
    m = OffsetMap(text)
    doc = qt_document(text)
    assert doc.characterCount() - 1 == m.qt_length == len(text) + 1
    assert doc.blockCount() == 2  # U+2029 splits a block, U+2028 does not
    for cp in range(len(text)):
        assert qt_slice(doc, m.to_qt(cp), m.to_qt(cp + 1)) == as_qt_shows(text[cp])
    assert qt_slice(doc, m.to_qt(text.index("d")), m.to_qt(len(text))) == "d\u2028e"


def test_round_trip_on_every_position_of_a_mixed_text():
    m = OffsetMap(MIXED)
    doc = qt_document(MIXED)
    assert doc.characterCount() - 1 == m.qt_length
    qts = [m.to_qt(cp) for cp in range(len(MIXED) + 1)]
    assert qts == sorted(set(qts))  # strictly increasing
    for cp, q in enumerate(qts):
        assert m.from_qt(q) == cp
        assert m.from_qt(q, round_up=True) == cp
    for cp in range(len(MIXED)):
        assert qt_slice(doc, qts[cp], qts[cp + 1]) == as_qt_shows(MIXED[cp])


def test_position_inside_a_surrogate_pair_rounds_outward():
    text = "x😀y"
    m = OffsetMap(text)
    assert m.to_qt(1) == 1 and m.to_qt(2) == 3
    assert m.from_qt(2) == 1  # inside the pair: down to the emoji's start
    assert m.from_qt(2, round_up=True) == 2  # or up past it
    assert m.from_qt_range(2, 2) == (1, 2)  # never half an emoji
    assert m.from_qt_range(4, 2) == (1, 3)  # reversed ranges are ordered


def test_out_of_range_is_an_error():
    m = OffsetMap("🇵🇰 ab")
    with pytest.raises(ValueError):
        m.to_qt(6)
    with pytest.raises(ValueError):
        m.to_qt(-1)
    with pytest.raises(ValueError):
        m.from_qt(m.qt_length + 1)
    assert m.to_qt(5) == m.qt_length


def test_one_megabyte_with_scattered_emoji():
    rnd = random.Random(5)
    pieces = []
    n = 0
    while n < 1_000_000:
        word = rnd.choice(["Pakistan", "troops", "Gaza", "پاکستان", "force", "😀", "🇵🇰", "said"])
        pieces.append(word)
        n += len(word) + 1
    text = " ".join(pieces)
    m = OffsetMap(text)
    astral = sum(1 for c in text if ord(c) > 0xFFFF)
    assert astral > 1000
    assert m.qt_length == len(text.encode("utf-16-le")) // 2 == len(text) + astral
    for cp in rnd.sample(range(len(text) + 1), 2000):
        q = m.to_qt(cp)
        assert q == len(text[:cp].encode("utf-16-le")) // 2
        assert m.from_qt(q) == cp


def test_display_breaks_are_extra_units_that_map_to_the_next_code_point():
    text = "ab 😀 cd ef 🇵🇰 gh"
    breaks = [text.index("cd"), text.index("gh")]
    m = OffsetMap(text, breaks)
    shown = with_breaks(text, breaks)
    doc = qt_document(shown)
    assert doc.blockCount() == 3 and not m.is_identity
    assert m.qt_length == doc.characterCount() - 1
    qts = [m.to_qt(cp) for cp in range(len(text) + 1)]
    assert qts == sorted(set(qts))
    for cp, q in enumerate(qts):
        assert m.from_qt(q) == cp == m.from_qt(q, round_up=True)
    for cp in range(len(text)):   # every code point is where Qt shows it
        assert qt_slice(doc, qts[cp], qts[cp] + len(text[cp].encode("utf-16-le")) // 2) == text[cp]
    for b in breaks:              # the end of a display block (before the inserted LF) is the break
        block = doc.findBlock(m.to_qt(b))
        assert block.position() == m.to_qt(b) and m.from_qt(block.position() - 1) == b
    emoji = text.index("😀")
    assert m.from_qt(m.to_qt(emoji) + 1) == emoji and m.from_qt(m.to_qt(emoji) + 1, round_up=True) == emoji + 1
    with pytest.raises(ValueError):
        OffsetMap(text, [5, 3])


def test_only_paragraphs_longer_than_the_limit_get_display_breaks():
    long = " ".join(["stabilisation"] * 2000)          # ~28,000 code points, one paragraph
    text = "short one\n" + long + "\nshort two"
    breaks = display_breaks(text)
    assert breaks and all(10 < b < 10 + len(long) for b in breaks)
    assert all(text[b - 1] == " " for b in breaks)      # cut after a space, inside the paragraph
    pieces = [b - a for a, b in zip([10, *breaks], [*breaks, 10 + len(long)], strict=True)]
    assert max(pieces) <= DISPLAY_PIECE * 5 // 4 and min(pieces) >= DISPLAY_PIECE // 2
    assert display_breaks("x" * SPLIT_OVER) == [] and display_breaks("seed 000 line " * 400) == []
    assert display_breaks("x" * 20_000)                  # no space at all: cut anyway
