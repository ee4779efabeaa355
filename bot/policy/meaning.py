"""Whether two questions mean the same, so a question SLT have answered is recognised when
someone asks it again in other words.

Both are read as search reads them (`QuestionAnalyzer`: shorthand, typos, stemming, synonym
groups). Each question's meaningful words must be found in the other: a word as typed counts
fully, a synonym ("friend" for "follow") a little less, and a word that only sets the scene
("on Instagram") little. Kept conservative: both ways must be covered, and at least two words
that say what the question is about must be shared, so an unrelated question that shares a
word or two never gets someone else's answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar

from bot.policy.analysis import Concept

SAME_MEANING = 0.8  # each question's share of its meaning found in the other, at least
SYNONYM_MATCH = 0.8  # how much a synonym-only match counts of a word's meaning
MIN_SHARED = 2  # words that say what the question is about, found in both

T = TypeVar("T")


def _match(concept: Concept, other: Sequence[Concept]) -> float:
    """How well `other` says what `concept` says: 1 as typed, less as a synonym, 0 not at all."""
    if any(o.stem == concept.stem for o in other):
        return 1.0
    groups = set(concept.groups)
    return SYNONYM_MATCH if any(groups & set(o.groups) for o in other) else 0.0


def _coverage(concepts: Sequence[Concept], other: Sequence[Concept]) -> tuple[float, int]:
    """The share of `concepts`' meaning found in `other`, and how many subject words were."""
    total = sum(c.weight for c in concepts)
    found = [(c, _match(c, other)) for c in concepts]
    share = sum(c.weight * quality for c, quality in found) / total if total else 0.0
    subjects = sum(1 for c, quality in found if quality and c.specific and c.weight == 1.0)
    return share, subjects


def similarity(a: Sequence[Concept], b: Sequence[Concept]) -> float:
    """0 to 1: the lesser of how much of each question the other covers; 0 when they share
    fewer than `MIN_SHARED` subject words."""
    share_a, subjects_a = _coverage(a, b)
    share_b, subjects_b = _coverage(b, a)
    if min(subjects_a, subjects_b) < MIN_SHARED:
        return 0.0
    return min(share_a, share_b)


def same_meaning(a: Sequence[Concept], b: Sequence[Concept]) -> bool:
    return similarity(a, b) >= SAME_MEANING


def closest(
    question: Sequence[Concept], candidates: Iterable[tuple[T, Sequence[Concept]]]
) -> T | None:
    """The candidate whose question means the same as `question` most closely, if any does."""
    best: tuple[float, T] | None = None
    for item, concepts in candidates:
        score = similarity(question, concepts)
        if score >= SAME_MEANING and (best is None or score > best[0]):
            best = (score, item)
    return best[1] if best else None
