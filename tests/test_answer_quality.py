"""How often staff's casual questions land on the right section of the policy.

Run with `pytest -s tests/test_answer_quality.py` to see the figures and the misses.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from textwrap import dedent

from bot.policy.loader import default_policy_path, load_policies
from bot.policy.search import PolicyIndex

QUESTIONS = Path(__file__).parent / "data" / "default_policy_questions.toml"


@dataclass(frozen=True)
class Question:
    text: str
    sections: frozenset[str]  # the headings any of which answers it


@dataclass
class Scores:
    asked: int = 0
    top1: int = 0
    top3: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def top1_rate(self) -> float:
        return self.top1 / self.asked

    @property
    def top3_rate(self) -> float:
        return self.top3 / self.asked


def score(index: PolicyIndex, questions: Sequence[Question]) -> Scores:
    scores = Scores()
    for question in questions:
        titles = [hit.section.title for hit in index.search(question.text).hits]
        scores.asked += 1
        if titles[:1] and titles[0] in question.sections:
            scores.top1 += 1
        else:
            wanted = " / ".join(sorted(question.sections))
            scores.misses.append(f"{question.text!r}: wanted {wanted}, got {titles}")
        if any(title in question.sections for title in titles[:3]):
            scores.top3 += 1
    return scores


def report(name: str, scores: Scores) -> None:
    print(f"\n{name}: {scores.asked} questions")
    print(f"  top-1 {scores.top1}/{scores.asked} = {scores.top1_rate:.3f}")
    print(f"  top-3 {scores.top3}/{scores.asked} = {scores.top3_rate:.3f}")
    for miss in scores.misses:
        print(f"  missed {miss}")


def test_default_policy_answers_staff_questions() -> None:
    data = tomllib.loads(QUESTIONS.read_text(encoding="utf-8"))
    questions = [
        Question(q["text"], frozenset([q["section"], *q.get("also", [])])) for q in data["question"]
    ]
    off_topic = [q["text"] for q in data["off_topic"]]
    index = PolicyIndex(load_policies(default_policy_path()))
    titles = {s.title for s in index.policies.sections}
    assert {s for q in questions for s in q.sections} <= titles, "the question file names a heading"

    scores = score(index, questions)
    answered = [text for text in off_topic if index.search(text).confident]
    declined = len(off_topic) - len(answered)

    report("default policy", scores)
    print(f"  off-topic declined {declined}/{len(off_topic)} = {declined / len(off_topic):.3f}")
    for text in answered:
        print(f"  answered off-topic {text!r}")
    # Lower than the hand-built vocabulary once reached here alone: fused with plain BM25 it
    # does better on real schools' policies (`make eval`), which is what matters.
    assert scores.top1_rate >= 0.80
    assert scores.top3_rate >= 0.95
    assert declined / len(off_topic) >= 0.70


# A school's policy as Word's plain-text export writes it: a bold title block, numbered sections,
# bold-line sub-headings, one paragraph a line, no `#`.
FLAT_POLICY = dedent(
    """\
    **Greenfield Academy**\\
    **Staff Use of Social Media**

    Approved by governors: March 2025

    1. Purpose

    This policy sets out how everyone who works at Greenfield Academy should conduct themselves online, so that pupils are kept safe and the academy's good name is protected.

    It applies to teachers, teaching assistants, supply staff, volunteers and governors, whether they are at school or at home.

    2. Personal accounts

    2.1 Privacy settings

    Staff should keep their personal profiles private and check their privacy settings at least once a term, as the sites change them without warning.

    Do not list Greenfield Academy as your employer on personal profiles unless the profile is set to private.

    2.2 Contact with pupils

    Staff must never send or accept friend requests from pupils, and must not follow pupils or message them privately on any personal account. This also applies to pupils who have left the academy until they are 18.

    If a pupil tries to contact you through an app or site, do not reply; tell the designated safeguarding lead the same day.

    3. Academy accounts

    **Setting up an account**

    A department or club that wants its own page must ask the headteacher in writing. Nobody may open an account in the academy's name until the headteacher has agreed.

    **Pictures of pupils**

    Only upload photographs or video of pupils whose parents have given consent on the admissions form. Never put a pupil's full name next to their picture, and never show pupils in swimwear or PE kit.

    Use academy cameras and tablets for taking images, not your own phone, and delete the images from the device once they have been uploaded.

    4. Talking about the academy online

    Staff must not criticise colleagues, pupils, parents or the academy on social media, and must not share anything confidential, such as exam results before they are published or details of a pupil's circumstances.

    5. Online abuse of staff

    If you are targeted with abuse, threats or unkind comments online, do not respond. Take screenshots, then report it to your line manager, who will help you ask the site to remove it.

    6. Press and media

    If a journalist or reporter gets in touch about the academy, do not comment. Pass their details to the business manager, who deals with all press enquiries.

    7. Breaches of this policy

    A breach of this policy may lead to disciplinary action, and serious cases can be reported to the police or to the Teaching Regulation Agency.
    """  # noqa: E501 - Word's export writes each paragraph on one line
)

# (question, the heading that answers it)
FLAT_QUESTIONS = [
    ("is it ok to friend a kid from my form on facebook", "2.2 Contact with pupils"),
    ("how often should i check my privacy settings", "2.1 Privacy settings"),
    ("can i put greenfield as my workplace on linkedin", "2.1 Privacy settings"),
    ("want to start an insta for the chess club, who do i ask", "Setting up an account"),
    ("can i take pics of the class on my own phone", "Pictures of pupils"),
    ("a newspaper rang asking about our ofsted, what do i say", "6. Press and media"),
    ("someone keeps posting nasty comments about me on facebook", "5. Online abuse of staff"),
    ("can i moan about my head of dept on twitter", "4. Talking about the academy online"),
    ("what happens if i break the rules", "7. Breaches of this policy"),
    ("does this apply to supply teachers", "1. Purpose"),
    ("a year 13 who left last summer added me on snapchat", "2.2 Contact with pupils"),
]


def test_flat_word_export_policy_answers_staff_questions(tmp_path: Path) -> None:
    path = tmp_path / "staff-social-media.txt"
    path.write_text(FLAT_POLICY, encoding="utf-8")
    index = PolicyIndex(load_policies(path))
    titles = {s.title for s in index.policies.sections}
    assert {title for _, title in FLAT_QUESTIONS} <= titles, "the policy parsed as meant"

    scores = score(index, [Question(text, frozenset({title})) for text, title in FLAT_QUESTIONS])

    report("flat Word-export policy", scores)
    assert scores.top1_rate >= 0.9


# A web-page policy with no headings at all: lead-in paragraphs over bullets, worded the ways
# policies word things and staff don't ("correspond", "devices", "visits", "aims").
BULLET_POLICY = dedent(
    """\
    Staff online conduct

    The aims of this guidance are to keep children safe and to protect the good name of the school.

    Staff are expected to:

    - avoid corresponding with families through personal social media; use the school email
    - keep personal devices out of sight on educational visits and outings
    - refuse any invitation from a current pupil to connect online

    Volunteers are expected to:

    - share no images of children from their time in school

    Pupils should know that most sites require users to be at least 13.
    """
)

# (question, a phrase of the passage that answers it)
BULLET_QUESTIONS = [
    ("is it ok to message a parent on facebook", "corresponding with families"),
    ("can i use my phone on the school trip", "personal devices"),
    ("how old do kids have to be for tiktok", "at least 13"),
    ("what's the point of this policy", "The aims of this guidance"),
    ("can parent helpers post pics from class", "share no images"),
]


def test_a_policy_without_headings_answers_in_its_own_words(tmp_path: Path) -> None:
    path = tmp_path / "online-conduct.md"
    path.write_text(BULLET_POLICY, encoding="utf-8")
    index = PolicyIndex(load_policies(path))

    for question, phrase in BULLET_QUESTIONS:
        best = index.search(question).best
        assert best is not None and phrase in best.passage.text, question
