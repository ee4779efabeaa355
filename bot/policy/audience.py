"""Whom a passage is addressed to, and whom a question is about.

Staff ask about themselves. A policy with a pupils' part (an acceptable-use agreement, a table of
pupils' sanctions) uses the same words as its staff part, so a question about what staff may do
can land on what pupils may not. A passage's audience is read from its headings, its lead-in and
(for a table row) its column headers; one addressed only to pupils or parents ranks a little
lower unless the question is about them. The tilt is small: it settles near ties and never
outweighs a clearly better match.
"""

from __future__ import annotations

import re

from bot.policy.document import Passage, Section

PUPILS = frozenset(
    {
        "pupil",
        "pupils",
        "student",
        "students",
        "child",
        "children",
        "learner",
        "learners",
        "kid",
        "kids",
        "youngsters",
        "parent",
        "parents",
        "carer",
        "carers",
        "guardian",
        "guardians",
        "families",
        "family",
    }
)
STAFF = frozenset(
    {
        "staff",
        "employee",
        "employees",
        "teacher",
        "teachers",
        "colleague",
        "colleagues",
        "adult",
        "adults",
        "governor",
        "governors",
        "volunteer",
        "volunteers",
        "worker",
        "workers",
        "personnel",
        "member",
        "members",
    }
)
_WORD = re.compile(r"[a-z]+")


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def for_others(section: Section, passage: Passage) -> bool:
    """Whether the passage is addressed to pupils or parents and not to staff: said so by its
    headings or its lead-in (a table row's lead-in carries its column headers)."""
    said = _words(" ".join((*section.path[1:], section.title, passage.context or "")))
    return bool(said & PUPILS) and not said & STAFF


def about_others(question: str) -> bool:
    """Whether the question is about pupils or parents rather than the member of staff asking."""
    return bool(_words(question) & PUPILS)
