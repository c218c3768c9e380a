from pathlib import Path

from isfannotate.neardup import containment, find_groups, shingles

SEEDS = sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))


def test_seed_containment_matches_design_figures():
    t1, t2 = (SEEDS[i].read_text(encoding="utf-8") for i in (1, 2))
    a, b = shingles(t1), shingles(t2)
    assert round(containment(a, b), 2) == 0.84
    assert round(len(a & b) / len(a | b), 2) == 0.63


def test_only_001_and_002_pair():
    texts = [p.read_text(encoding="utf-8") for p in SEEDS]
    assert find_groups(texts) == [[1, 2]]


def test_shared_boilerplate_sentence_alone_does_not_pair():
    boiler = "Subscribe to our newsletter for the latest news and analysis every day."
    texts = [
        f"{boiler}\nStory number {i} is about something else entirely, with its own words {i * 7}." for i in range(60)
    ]
    assert find_groups(texts) == []


def test_groups_are_transitive_and_deterministic():
    base = ("Pakistan has expressed its willingness to participate in a proposed force for Gaza. "
            "The nation is reportedly seeking a leadership role within it. "
            "Any participation would be subject to political, military and economic conditions. ")
    texts = ["Unrelated text about the weather in Lahore today and tomorrow morning.", base,
             base + "Also read: more stories.", "Headline. " + base]
    assert find_groups(texts) == [[1, 2, 3]]
    assert find_groups(list(texts)) == find_groups(texts)
