"""The span that tints each piece of a block (``annotate.innermost``): the same choice as asking
every span for every piece, which the highlighter did before (quadratic in a block's spans)."""
from __future__ import annotations

import random

from isfannotate_ui.annotate.innermost import block_pieces, innermost
from isfannotate_ui.annotate.span_index import SpanStyle


def asked_of_every_span(ordered, cuts):
    """What the highlighter computed before: per piece, the first annotation covering it in
    *ordered*, else the first other span covering it."""
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        chosen = None
        for s in ordered:
            if s.start <= a and s.end >= b:
                if s.kind == "annotation":
                    chosen = s
                    break
                if chosen is None:
                    chosen = s
        out.append(chosen)
    return out


def order_and_cut(spans, b0, bend):
    """The order and the cuts ``block_pieces`` gives ``innermost`` for a block [b0, bend)."""
    ordered = sorted(spans, key=lambda s: (s.length, s.kind != "annotation"))
    return ordered, block_pieces(spans, b0, bend)[0]


def test_innermost_chooses_as_every_span_asked_on_random_blocks():
    rnd = random.Random(22)
    for trial in range(400):
        b0 = rnd.choice([0, 50, 1000])
        bend = b0 + rnd.randint(1, 300)
        spans = []
        for i in range(rnd.randint(0, 60)):
            a = rnd.randint(max(0, b0 - 20), bend - 1)
            e = rnd.randint(a + 1, min(bend + 20, a + rnd.choice([3, 10, 80])))
            kind = rnd.choice(["annotation", "suggestion", "suggestion"])
            spans.append(SpanStyle(f"s{trial}-{i}", a, e, "L", "#ff0000", kind))
        if spans and rnd.random() < 0.3:          # the same place twice: the order in the block decides
            s = rnd.choice(spans)
            kind = rnd.choice(["annotation", "suggestion"])
            spans.append(SpanStyle(s.id + "b", s.start, s.end, "M", "#00ff00", kind))
        ordered, cuts = order_and_cut(spans, b0, bend)
        assert innermost(ordered, cuts) == asked_of_every_span(ordered, cuts), trial
        assert block_pieces(spans, b0, bend) == (cuts, innermost(ordered, cuts))


def test_innermost_annotation_wins_over_a_shorter_suggestion():
    note = SpanStyle("n", 0, 10, "ACTOR", "#ff0000")
    sugg = SpanStyle("s", 2, 4, "CUE", "#00ff00", "suggestion")
    ordered, cuts = order_and_cut([note, sugg], 0, 12)
    assert cuts == [0, 2, 4, 10, 12]
    assert innermost(ordered, cuts) == [note, note, note, None]
