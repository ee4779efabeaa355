"""What a heading looks like once its styling is gone, shared by every reader.

A line may be a heading because of its markup, but also because of its shape: short, not a
sentence, numbered like a clause ("2.3 Staff use", "Section 4: Complaints") or in capitals.
"""

from __future__ import annotations

import re

from bot.policy.reading.blocks import Heading

BOLD_HEADING_WORDS = 12
NUMBERED_HEADING_WORDS = 10
CAPS_HEADING_WORDS = 8

_MULTI_NUMBERED = re.compile(r"^\s*(?P<number>\d+(?:\.\d+)+)\.?\s+\S")
_SECTION_WORD = re.compile(
    r"^\s*(?:section|part)\s+(?P<number>\d+(?:\.\d+)*)\s*[:.\-–—]?\s+\S", re.IGNORECASE
)
BULLET = re.compile(r"^(?P<indent>\s*)(?P<marker>[-*+•o·▪◦])(?:\s+(?P<text>.*))?$")
_SPACE = re.compile(r"\s+")
_FILL_IN = re.compile(r"\.{4,}|…{2,}|_{4,}")


def squash(text: str) -> str:
    """Runs of white space, line breaks included, as one space."""
    return _SPACE.sub(" ", text).strip()


def heading_shaped(text: str, max_words: int) -> bool:
    """Short and not a sentence: headings don't end in punctuation, sit in brackets or leave a
    blank to fill in ("Signed: ………")."""
    return (
        0 < len(text.split()) <= max_words
        and not text.endswith((".", "!", "?", ";", ",", ":"))
        and not (text.startswith("(") and text.endswith(")"))
        and not _FILL_IN.search(text)
    )


def heading_text(text: str) -> str:
    """A heading as shown: a trailing colon ("Visitors:") is punctuation, not the title."""
    return text.rstrip(":").rstrip()


def title_shaped(text: str) -> bool:
    """Short, capitalised, no sentence punctuation nor a "Label: value" colon."""
    return (
        text[:1].isupper()
        and ":" not in text
        and not BULLET.match(text)
        and heading_shaped(text, CAPS_HEADING_WORDS)
    )


def is_capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return (
        len(letters) >= 2
        and all(c.isupper() for c in letters)
        and heading_shaped(text, CAPS_HEADING_WORDS)
    )


def numbered_level(text: str) -> int | None:
    """The depth of a "2.3 Title" or "Section 4: Title" line's number, if it has one."""
    match = _MULTI_NUMBERED.match(text) or _SECTION_WORD.match(text)
    return match["number"].count(".") + 1 if match else None


def inferred_heading(text: str) -> Heading | None:
    """A numbered ("2.3 Title", "Section 4: Title") or capitals line shaped like a heading."""
    if level := numbered_level(text):
        shaped = heading_shaped(text, NUMBERED_HEADING_WORDS)
        return Heading(heading_text(text), level, numbered=True) if shaped else None
    title = heading_text(text)
    return Heading(title, None) if is_capitals(title) else None
