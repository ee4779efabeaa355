"""Which questions mean the same as one SLT answered: paraphrases yes, neighbours no."""

from __future__ import annotations

import pytest

from bot.policy.loader import default_policy_path, load_policies
from bot.policy.meaning import closest, same_meaning, similarity
from bot.policy.search import PolicyIndex

SAVED = "can i follow an ex student on insta"


@pytest.fixture(scope="module")
def index() -> PolicyIndex:
    return PolicyIndex(load_policies(default_policy_path()))


@pytest.mark.parametrize(
    "asked",
    [
        "Can I follow an ex-student on Instagram?",
        "may i friend a former pupil on instagram",
        "can i folow ex students on insta",
        "Could I follow ex students on insta please?",
    ],
)
def test_the_same_question_in_other_words_means_the_same(index: PolicyIndex, asked: str) -> None:
    assert same_meaning(index.concepts(asked), index.concepts(SAVED))


@pytest.mark.parametrize(
    "asked",
    [
        "can i follow a pupil's parent on instagram",
        "can i follow former staff on instagram",
        "can i post photos of pupils on instagram",
        "instagram",
        "where do i order whiteboard pens",
        "who approves a new school account",
        "",
    ],
)
def test_a_neighbouring_or_unrelated_question_does_not(index: PolicyIndex, asked: str) -> None:
    assert not same_meaning(index.concepts(asked), index.concepts(SAVED))


def test_closest_picks_the_best_match_or_none(index: PolicyIndex) -> None:
    saved = [
        ("photos", index.concepts("can i post photos of pupils on the school facebook")),
        ("former", index.concepts(SAVED)),
    ]
    assert closest(index.concepts("may i friend a former pupil on instagram"), saved) == "former"
    assert closest(index.concepts("what is the wifi password"), saved) is None
    assert similarity(index.concepts(SAVED), index.concepts(SAVED)) == 1.0
