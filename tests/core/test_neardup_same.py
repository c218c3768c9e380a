"""The near-duplicate detection made faster (issue 21's import budget: shingles joined in C, the
sentence split of long paragraphs only looked for where there is one) finds what it found
before: the same keys, the same shingles, the same groups, on a generated corpus with planted
near-duplicates in English, Arabic and emoji, CRLF, one-line and few-paragraph articles."""
from __future__ import annotations

import random
import re

import pytest

from isfannotate import neardup

_WORD = re.compile(r"\w+")


def _old_sentence_keys(text: str) -> set[str]:
    keys = set(text.split("\n"))
    if len(keys) <= neardup.FEW_PARAGRAPHS:
        for para in list(keys):
            keys.update(para.split(". "))
    else:
        for para in [p for p in keys if len(p) > neardup.LONG_PARAGRAPH]:
            keys.update(para.split(". "))
    return keys


def _old_shingles(text: str, k: int = neardup.SHINGLE_WORDS) -> set[str]:
    words = _WORD.findall(text.lower())
    return {" ".join(words[i:i + k]) for i in range(max(0, len(words) - k + 1))}


def _old_find_groups(texts: list[str], threshold: float = neardup.NEAR_DUP_CONTAINMENT) -> list[list[int]]:
    keyed = [_old_sentence_keys(t) for t in texts]
    counts: dict[str, set[int]] = {}
    for i, keys in enumerate(keyed):
        for key in keys:
            if len(key) >= neardup.MIN_SENTENCE_CHARS:
                counts.setdefault(key, set()).add(i)
    candidates = sorted({(a, b) for docs in counts.values() if 1 < len(docs) <= neardup.MAX_SENTENCE_POSTINGS
                         for a in docs for b in docs if a < b})
    parent = list(range(len(texts)))

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for a, b in candidates:
        ra, rb = find(a), find(b)
        if ra != rb and neardup.containment(_old_shingles(texts[a]), _old_shingles(texts[b])) >= threshold:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = {}
    for i in range(len(texts)):
        groups.setdefault(find(i), []).append(i)
    return [g for g in sorted(groups.values()) if len(g) > 1]


WORDS = {
    "en": "pakistan troops gaza force stabilisation minister said reported peace board security talks".split(),
    "ar": "باكستان القوات غزة قوة الاستقرار الوزير قال السلام مجلس الأمن المحادثات الحكومة".split(),
    "emoji": ["🇵🇰", "🇵🇸", "👍🏽", "Gaza", "force", "said", "👨‍👩‍👧", "peace", "talks", "é́", "ﬁne"],
}


def _article(rng: random.Random, lang: str) -> str:
    words = WORDS[lang] + WORDS["en"][:4]
    paras = [". ".join(" ".join(rng.choice(words) for _ in range(rng.randint(8, 16))) for _ in range(rng.randint(2, 5)))
             for _ in range(rng.choice([1, 2, 3, 6, 9]))]
    sep = rng.choice(["\n", "\n", "\r\n"])
    return sep.join(paras)


def _corpus(seed: int) -> list[str]:
    rng = random.Random(seed)
    texts = [_article(rng, rng.choice(list(WORDS))) for _ in range(300)]
    texts.append(" ".join(texts[:3]).replace("\n", " ") + ". " * 800)   # one line over LONG_PARAGRAPH
    for _ in range(40):   # planted: a headline added, paragraphs dropped, a sentence changed
        src = texts[rng.randrange(300)]
        paras = src.split("\n")
        kept = paras[:max(1, len(paras) - rng.randint(0, 2))]
        if rng.random() < 0.5:
            kept[0] = kept[0].replace(" ", " 🙂 ", 1)
        texts.append("Updated: headline\n" + "\n".join(kept))
    boiler = "Subscribe to our newsletter for the latest news and analysis every day"
    texts += [f"{boiler}\nStory {i} 🇵🇰 about something else, its own words {i * 7}." for i in range(60)]
    return texts


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_faster_detection_finds_the_groups_it_found_before(seed):
    texts = _corpus(seed)
    assert all(neardup.sentence_keys(t) == _old_sentence_keys(t) for t in texts)
    assert all(neardup.shingles(t) == _old_shingles(t) for t in texts[:80] + texts[-120:])
    groups = neardup.find_groups(texts)
    assert groups == _old_find_groups(texts)
    assert sum(len(g) for g in groups) >= 40     # the planted copies are found


def test_shingles_of_short_texts_and_other_sizes_are_as_before():
    for text in ["", "one", "a b c d", "a b c d e", "Ünïcode wörds, 🇵🇰 flags and قالت الحكومة"]:
        for k in (1, 2, 5):
            assert neardup.shingles(text, k) == _old_shingles(text, k)


def test_the_words_of_an_ascii_text_are_the_regex_s_words():
    """ASCII texts take another path to their words (str.translate and split): every ASCII
    character between, before and after words, control characters and the Kelvin sign (which
    lower-cases to ASCII) included."""
    every = "".join(chr(c) for c in range(128))
    for text in [every, f"ab{every}cd", every.upper() + " Word_1 x", "\u212aelvin and K", "a\x1cb\x1fc d\x0be"]:
        assert neardup.words_of(text) == _WORD.findall(text.lower())
        assert neardup.shingles(text, 2) == _old_shingles(text, 2)
