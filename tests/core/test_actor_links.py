"""Core actions behind the actor-linking UI: link with alias, create-and-link, search, quote mirror."""
from isfannotate.kb import search_actors

DOC4 = "004_925ac23fd4dc491f"


def test_link_actor_with_alias_is_one_undo_step(seeded):
    text = seeded.document(DOC4).text
    i = text.index("Washington")
    seeded.annotate(DOC4, "alice", i, i + 10, "ACTOR")
    [span] = seeded.spans(DOC4, "alice")
    seeded.update_actor("united-states", aliases=["US"])
    seeded.author = "alice"
    change = seeded.link_actor(span.id, "united-states", add_alias=True, layer="alice")
    assert seeded.actor("united-states").aliases == ["US", "Washington"]
    assert seeded.span(span.id).actor_id == "united-states"
    assert change.touched_ids("actors") == {"united-states"}
    assert seeded.registry_log()[-1]["author"] == "alice"
    seeded.undo()
    assert seeded.actor("united-states").aliases == ["US"] and seeded.span(span.id).actor_id is None
    # an existing name is not added twice
    seeded.link_actor(span.id, "united-states", add_alias=True)
    seeded.undo()
    seeded.update_actor("united-states", aliases=["US", "Washington"])
    seeded.link_actor(span.id, "united-states", add_alias=True)
    assert seeded.actor("united-states").aliases == ["US", "Washington"]


def test_create_actor_for_span_is_one_undo_step(seeded):
    text = seeded.document(DOC4).text
    i = text.index("State Department")
    seeded.annotate(DOC4, "alice", i, i + 16, "ACTOR")
    [span] = seeded.spans(DOC4, "alice")
    n = len(seeded.actors())
    change = seeded.create_actor_for_span(span.id, "US State Department", "government_body",
                                          aliases=["State Department"])
    actor = seeded.actor(seeded.span(span.id).actor_id)
    assert (actor.name, actor.type, actor.aliases) == ("US State Department", "government_body", ["State Department"])
    assert change.document_id == DOC4 and len(seeded.actors()) == n + 1
    seeded.undo()
    assert len(seeded.actors()) == n and seeded.span(span.id).actor_id is None
    seeded.redo()
    assert seeded.span(span.id).actor_id == actor.id


def test_search_actors_ranks_exact_prefix_contains_fuzzy(seeded):
    actors = seeded.actors()
    assert search_actors(actors, "Islamabad")[0].id == "pakistan"
    assert search_actors(actors, "rub")[0].id == "marco-rubio"
    assert search_actors(actors, "munir")[0].id == "asim-munir"          # a word of an alias
    assert "marco-rubio" in [a.id for a in search_actors(actors, "mrco rbio")]  # letters in order
    assert search_actors(actors, "pakistan’s army chief")[0].id == "asim-munir"
    assert search_actors(actors, "Pakist")[0].id == "pakistan"   # the name beats "Pakistan's army chief"
    assert search_actors(actors, "zzzz") == []
    assert len(search_actors(actors, "", limit=5)) == 5


def test_claim_quote_is_the_claims_own_field_not_an_attribute(seeded):
    text = seeded.document(DOC4).text
    c = text.index("Pakistan has offered")
    seeded.annotate(DOC4, "alice", c, c + 20, "CLAIM")
    [claim] = seeded.spans(DOC4, "alice")
    seeded.set_claim(claim.id, source_kind="article", quote="reported")
    seeded.set_span_attrs(claim.id, {"modality": "hedged"})
    assert seeded.claims(DOC4, "alice")[claim.id].quote == "reported"
    assert seeded.span(claim.id).attrs == {"modality": "hedged"}
    seeded.set_claim(claim.id, source_kind="article", quote=None)
    assert seeded.claims(DOC4, "alice")[claim.id].quote is None
    seeded.undo()
    assert seeded.claims(DOC4, "alice")[claim.id].quote == "reported"


def test_exactly_is_search_actors_exact_matches_without_a_walk(seeded):
    """``FoldedActors.exactly``: the actors search_actors ranks first (a name or alias that is the
    query, folded), in its order and within its limit, looked up; ``names`` the same test."""
    from isfannotate.kb import FoldedActors, _fold
    from isfannotate.models import Actor
    base = seeded.actors()
    twins = [Actor(id=f"twin-{i}", name=n, type="person", aliases=a) for i, (n, a) in enumerate(
        [("us", []), ("Usa", ["US"]), ("Pakistan Army", ["us"]), ("U S", []), ("Pakistan", ["Pak"])])]
    folded = FoldedActors.of([*base, *twins])
    queries = ["US", "us", "u  s", "Pakistan", "pakistan’s army chief", "Washington", "zzzz", "", "Pak"]
    queries += [n for a in base[:30] for n in (a.name, *a.aliases)]
    for q in queries:
        for limit in (1, 2, 5, 20):
            ranked = search_actors(folded, q, limit=limit) if _fold(q) else []
            first = [a for a in ranked if _fold(q) in {_fold(n) for n in (a.name, *a.aliases)}]
            assert folded.exactly(q, limit=limit) == first, (q, limit)
        assert folded.names(q) == any(_fold(q) in {_fold(n) for n in (a.name, *a.aliases)} for a in folded.actors)


def _search_as_before(actors, query, limit=20):
    """search_actors as it was written before its names' spaceless forms were kept: the reference."""
    from isfannotate.kb import FoldedActors, _fold, _is_subsequence
    folded = FoldedActors.of(actors)
    q = _fold(query)
    if not q:
        return list(folded.actors)[:limit]
    q_tight = q.replace(" ", "")
    scored = []
    for a, folds in zip(folded.actors, folded.folds, strict=True):
        best = None
        for k, f in enumerate(folds):
            if f == q:
                rank = 0
            elif f.startswith(q):
                rank = 1
            elif any(w.startswith(q) for w in f.split()) or f" {q}" in f:
                rank = 2
            elif q in f and len(q) >= 3:
                rank = 3
            elif len(q) >= 3 and _is_subsequence(q_tight, f.replace(" ", "")):
                rank = 4
            else:
                continue
            key = (rank, k > 0, len(f))
            if best is None or key < best:
                best = key
        if best is not None:
            scored.append((best, folds[0], a.id, a))
    scored.sort(key=lambda t: t[:3])
    return [t[3] for t in scored[:limit]]


def test_search_actors_ranks_as_before_on_many_queries(seeded):
    """The search keeps each name's spaceless form and letters (the fuzzy rank's test) and drops a
    redundant word test: the same actors in the same order as before, for every kind of query."""
    import random

    from isfannotate.kb import FoldedActors
    actors = seeded.actors()
    folded = FoldedActors.of(actors)
    rnd = random.Random(21)
    names = [n for a in actors for n in (a.name, *a.aliases)]
    queries = ["", "a", "us", "US", "pak", "mrco rbio", "asim mu", "  Pakistan ", "zzzz", "’s", "e e"]
    for n in rnd.sample(names, min(60, len(names))):
        i = rnd.randrange(len(n))
        queries += [n, n[:i + 1], n[i:], n.upper(), "".join(c for c in n if rnd.random() < 0.6), n.replace(" ", "")]
    for q in queries:
        for limit in (3, 12, 1000):
            assert search_actors(folded, q, limit=limit) == _search_as_before(actors, q, limit), (q, limit)
            assert search_actors(actors, q, limit=limit) == _search_as_before(actors, q, limit), (q, limit)
