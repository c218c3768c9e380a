"""sync_at_offsets: after a change to spans, only suggestions at its rows' offsets appear or go."""
from collections import Counter
from types import SimpleNamespace as NS

from isfannotate_ui.registry.suggestion_sync import suggestion_id, sync_at_offsets


class FakeChange:
    def __init__(self, ops):
        self._ops = ops

    def rows(self, table):
        return self._ops if table == "spans" else []


def row(start, end):
    return {"start": start, "end": end}


def test_a_span_hides_the_suggestion_at_its_offsets_and_deleting_it_brings_it_back():
    pak, isl = NS(start=0, end=8, actor_id="pk"), NS(start=20, end=29, actor_id="pk")
    matches_at = {(0, 8): [pak], (20, 29): [isl]}
    covered = Counter({(20, 29): 1})
    shown = {suggestion_id(pak): pak}
    gone, added = sync_at_offsets(FakeChange([NS(before=None, after=row(0, 8))]), covered, matches_at, set(), shown)
    assert gone == [suggestion_id(pak)] and added == [] and shown == {}
    gone, added = sync_at_offsets(FakeChange([NS(before=row(20, 29), after=None)]), covered, matches_at, set(), shown)
    assert added == [suggestion_id(isl)] and gone == []
    rejected = {(0, 8, "pk")}       # a rejected one stays away when its span goes
    gone, added = sync_at_offsets(FakeChange([NS(before=row(0, 8), after=None)]), covered, matches_at, rejected, shown)
    assert (gone, added) == ([], []) and set(shown) == {suggestion_id(isl)}
    # a span elsewhere (one word longer) leaves every suggestion as it was
    elsewhere = FakeChange([NS(before=None, after=row(20, 35))])
    assert sync_at_offsets(elsewhere, covered, matches_at, set(), shown) == ([], [])
