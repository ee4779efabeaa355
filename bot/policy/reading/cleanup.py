"""What every reader drops before sections are built: text on the page that is not policy.

A school's letterhead (address, phone, email, website, "Member of the Oak Learning Trust"), a
contents list, and captions over figures and tables look like headings to a reader that goes by
shape; taken for headings, they would swallow the sections after them. Each reader knows its
format's page furniture (a PDF's running headers, a web page's navigation); this filter knows
what such lines say, so it applies to every format alike.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from itertools import pairwise
from typing import Protocol

from bot.policy.reading.blocks import (
    Block,
    Caption,
    Heading,
    ListItem,
    Paragraph,
    TableRow,
    bare_title,
)

# The top of a document, before its first real passage, is where letterheads sit.
_BODY_WORDS = 12
_LETTERHEAD_WORDS = 14
_ADDRESS_LINE_WORDS = 6
_ADDRESS_LINES = 4

_MEMBERSHIP = re.compile(
    r"^(?:an?\s+|proud(?:ly)?\s+(?:to\s+be\s+)?(?:an?\s+)?)?"
    r"(?:member|part|academy|school|partner)\s+(?:school\s+)?(?:of|within|in)\s+(?:the\s+)?"
    r".{0,80}\b(?:trust|alliance|federation|partnership|network|collaborative|group|mat)\b\.?$",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_URL = re.compile(
    r"\b(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:org|com|net|sch|uk|edu|gov)"
    r"(?:\.[a-z]{2,3})*(?:/\S*)?\b",
    re.IGNORECASE,
)
_PHONE = re.compile(r"(?<!\w)\+?\(?\d[\d\s().-]{6,}\d\b")
_PHONE_DIGITS = 9  # fewer, and it is a date or a reference number
_UK_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")
_US_ZIP = re.compile(r"\b[A-Z]{2}\s+\d{5}(?:-\d{4})?\b")
_CONTACT_LABELS = re.compile(
    r"\b(?:tel(?:ephone)?|phone|fax|e-?mail|web(?:site)?|t|e|w|f|p|head\s?teacher|principal)\b"
    r"\.?\s*:?",
    re.IGNORECASE,
)
_ADDRESS = re.compile(
    r"\d|,$|\b(?:road|rd|street|st|lane|avenue|ave|drive|close|way|hill|park|house|court|place"
    r"|crescent|grove|square|terrace|gardens|green|row|walk)\b",
    re.IGNORECASE,
)
_INSTITUTION = re.compile(
    r"\b(?:school|academy|college|primary|nursery|pre-school|infants?|juniors?|trust)\b",
    re.IGNORECASE,
)
_POLICY = re.compile(r"\b(?:polic(?:y|ies)|procedures?|guidance|agreement|code)\b", re.I)
_LOGO = re.compile(r"^(?:.*\s)?logo$", re.IGNORECASE)
_CAPTION = re.compile(
    r"^(?:figure|fig\.?|table|diagram|chart|graph|image|illustration|photo(?:graph)?|picture)"
    r"\s+(?:\d+|[ivx]+)[a-z]?(?:\.\d+)?\b\s*(?:[:.\-–—]|$)",
    re.IGNORECASE,
)
_CONTENTS = re.compile(r"^(?:table\s+of\s+)?contents?(?:\s+page)?\s*:?$|^index$", re.IGNORECASE)
# "Purpose ........ 3", "Purpose … 3", "Purpose	3": a contents entry's page number.
_PAGE_REFERENCE = re.compile(r"(?:\.{3,}|…+|\t|\s{3,}|_{3,})\s*(?:page\s+)?\d{1,3}$", re.I)
_ENTRY_PAGE = re.compile(r"\D\s(\d{1,3})(?:\s*[-–]\s*\d{1,3})?$")
_PAGE_LIST_ENTRIES = 3
_TRAILING_PAGE = re.compile(r"\s(?:page\s+)?\d{1,3}$", re.IGNORECASE)


_MARGIN = 0.12  # of the page height: where running headers and footers sit
_RUNNING = 0.5  # of the pages: a margin line on at least this many is a running header or footer
_CONTENTS_TOP = 0.4  # of the page height: a contents page names itself above this
_CONTENTS_ENTRIES = 0.5  # of a page's lines ending in page numbers: the contents carry on
_PAGE_NUMBER = re.compile(
    r"^[-–—]?\s*(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?\s*[-–—]?$", re.IGNORECASE
)
_DIGITS = re.compile(r"\d+")


class PlacedLine(Protocol):
    """A line of a printed page, where it sits measured from the page's top."""

    @property
    def text(self) -> str: ...
    @property
    def top(self) -> float: ...
    @property
    def bottom(self) -> float: ...
    @property
    def size(self) -> float: ...


def page_furniture(
    pages: Sequence[Sequence[PlacedLine]], heights: Sequence[float]
) -> set[tuple[int, int]]:
    """The (page, line) positions of running headers and footers, page numbers and contents
    pages: lines that are printed on the page but are not the policy."""
    dropped = _running_lines(pages, heights)
    dropped |= _contents_pages(pages, heights)
    return dropped


def _running_lines(
    pages: Sequence[Sequence[PlacedLine]], heights: Sequence[float]
) -> set[tuple[int, int]]:
    """Lines in the top or bottom margin repeated on most pages, and page numbers ("3",
    "Page 3 of 12") there. A line repeated but for its numbers ("Page 3", "Page 4") is running
    only in body type or smaller: a heading at the top of every page has its own number too."""
    sizes: Counter[float] = Counter()
    for lines in pages:
        for line in lines:
            sizes[line.size] += len(line.text)
    body = sizes.most_common(1)[0][0] if sizes else 0.0
    margins: dict[tuple[int, int], str] = {}
    for n, lines in enumerate(pages):
        for m, line in enumerate(lines):
            if line.top < heights[n] * _MARGIN or line.bottom > heights[n] * (1 - _MARGIN):
                text = line.text.casefold()
                margins[(n, m)] = _DIGITS.sub("#", text) if line.size <= body else text
    pages_with = Counter(text for _, text in {(n, text) for (n, _), text in margins.items()})
    needed = max(2, math.ceil(len(pages) * _RUNNING))
    return {
        (n, m)
        for (n, m), text in margins.items()
        if pages_with[text] >= needed or _PAGE_NUMBER.match(pages[n][m].text.strip())
    }


def _contents_pages(
    pages: Sequence[Sequence[PlacedLine]], heights: Sequence[float]
) -> set[tuple[int, int]]:
    """A "Contents" line near a page's top and the entries after it, and the pages after that
    while most of their lines end in page numbers."""
    dropped: set[tuple[int, int]] = set()
    in_contents = False
    for n, lines in enumerate(pages):
        if in_contents:
            entries = sum(_is_page_reference(line.text) for line in lines)
            if lines and entries >= len(lines) * _CONTENTS_ENTRIES:
                dropped |= {(n, m) for m in range(len(lines))}
                continue
            in_contents = False
        start = next(
            (
                m
                for m, line in enumerate(lines)
                if _CONTENTS.match(line.text.strip()) and line.top < heights[n] * _CONTENTS_TOP
            ),
            None,
        )
        if start is not None:
            entries_end = _contents_end(lines, start + 1)
            dropped |= {(n, m) for m in range(start, entries_end)}
            in_contents = entries_end == len(lines)
    return dropped


def _contents_end(lines: Sequence[PlacedLine], start: int) -> int:
    """Where a contents list ends: at a sentence, or at the first heading it listed, printed
    again where its section begins on the same page."""
    seen: set[str] = set()
    for m in range(start, len(lines)):
        text = lines[m].text.strip()
        entry = bare_title(_TRAILING_PAGE.sub("", text).rstrip(":"))
        sentence = len(text.split()) > _BODY_WORDS or (text.endswith(".") and " " in text)
        if (sentence and not _is_page_reference(text)) or entry in seen:
            return m
        seen.add(entry)
    return len(lines)


def _is_page_reference(text: str) -> bool:
    return bool(_PAGE_REFERENCE.search(text) or _TRAILING_PAGE.search(text))


def clean(blocks: Sequence[Block]) -> list[Block]:
    """The blocks without letterhead, contents lists and captions; table captions kept as the
    context of their rows."""
    blocks = [block for block in blocks if not _is_rule(block)]
    blocks = _without_page_lists(_without_contents(blocks))
    blocks = _without_letterhead(blocks)
    return _captions(blocks)


def _is_rule(block: Block) -> bool:
    """A line of underscores, dashes or dots: a rule drawn with characters, no text."""
    texts = block.cells if isinstance(block, TableRow) else (block.text,)
    return not any(any(c.isalnum() for c in text) for text in texts)


def _text(block: Block) -> str | None:
    return block.text if isinstance(block, Heading | Paragraph) else None


# -- Letterhead -------------------------------------------------------------------------------


def _without_letterhead(blocks: Sequence[Block]) -> list[Block]:
    """Drop membership lines everywhere, and contact lines at the top or posing as headings."""
    kept: list[Block] = []
    top = True
    for block in blocks:
        text = _text(block)
        if text is not None and len(text.split()) <= _LETTERHEAD_WORDS:
            if _MEMBERSHIP.match(text):
                continue
            if _is_contact(text) and (top or isinstance(block, Heading)):
                if top:
                    _drop_address_run(kept)
                continue
            if top and _LOGO.match(text):
                continue
        kept.append(block)
        top = top and not _is_body(block)
    return kept


def _is_contact(text: str) -> bool:
    """A line of address, phone, email and web details and little else."""
    if len(text.split()) > _LETTERHEAD_WORDS or text.rstrip().endswith(("?", "!")):
        return False
    found = False
    rest = text
    for pattern in (_EMAIL, _URL, _PHONE, _UK_POSTCODE, _US_ZIP):
        rest = pattern.sub(_blank_out, rest)
        found = found or "\0" in rest
        rest = rest.replace("\0", " ")
    if not found:
        return False
    rest = _CONTACT_LABELS.sub(" ", rest)
    words = re.findall(r"[^\W\d_]{2,}", rest)
    return len(words) <= _ADDRESS_LINE_WORDS and not re.search(r"\.\s+[A-Z]", rest)


def _blank_out(match: re.Match[str]) -> str:
    """A contact detail's place in the line, marked; a short run of digits is not a phone."""
    value = match[0]
    if match.re is _PHONE and sum(c.isdigit() for c in value) < _PHONE_DIGITS:
        return value
    return "\0"


def _drop_address_run(kept: list[Block]) -> None:
    """An address runs over a few lines above its postcode or phone line ("Oak Primary School",
    "12 Acorn Lane"): those go too."""
    for _ in range(_ADDRESS_LINES):
        text = _text(kept[-1]) if kept else None
        if text is None or len(text.split()) > _ADDRESS_LINE_WORDS:
            return
        if not (_ADDRESS.search(text) or _INSTITUTION.search(text)) or _POLICY.search(text):
            return
        kept.pop()


def _is_body(block: Block) -> bool:
    """The first real passage: the letterhead, if any, is above it."""
    if isinstance(block, ListItem | TableRow):
        return True
    if isinstance(block, Heading):
        return block.explicit or block.numbered
    return isinstance(block, Paragraph) and len(block.text.split()) >= _BODY_WORDS


# -- Contents ---------------------------------------------------------------------------------


def _without_contents(blocks: Sequence[Block]) -> list[Block]:
    """Drop a "Contents" line and the entries after it, and any line with a dotted page number."""
    headings = [bare_title(b.text.rstrip(":")) for b in blocks if isinstance(b, Heading)]
    kept: list[Block] = []
    in_contents = False
    for n, block in enumerate(blocks):
        text = block.text if isinstance(block, Heading | Paragraph | ListItem) else None
        if text is not None and _CONTENTS.match(text.strip()):
            in_contents = True
            continue
        if text is not None and _PAGE_REFERENCE.search(text):
            continue
        if in_contents and text is not None:
            entry = bare_title(_TRAILING_PAGE.sub("", text).rstrip(":"))
            later = headings[sum(isinstance(b, Heading) for b in blocks[: n + 1]) :]
            if entry in later or _TRAILING_PAGE.search(text):
                continue
        in_contents = False
        kept.append(block)
    return kept


def _without_page_lists(blocks: Sequence[Block]) -> list[Block]:
    """Drop a run of short entries ending in page numbers that only go up ("Legislation 41",
    "Glossary 44–48"): a list of what is on which page, wherever it is printed. Numbers that
    count up one at a time ("Key Stage 1", "Key Stage 2", "Key Stage 3") are a list of things."""
    dropped: set[int] = set()
    run: list[tuple[int, int]] = []  # (block index, page number)
    for n, block in enumerate([*blocks, None]):
        text = block.text if isinstance(block, Paragraph | ListItem) else ""
        page = _ENTRY_PAGE.search(text) if len(text.split()) <= _BODY_WORDS else None
        if page and (not run or int(page[1]) >= run[-1][1]):
            run.append((n, int(page[1])))
            continue
        numbers = [number for _, number in run]
        counting = all(b - a == 1 for a, b in pairwise(numbers))
        if len(run) >= _PAGE_LIST_ENTRIES and not counting:
            dropped |= {index for index, _ in run}
        run = [(n, int(page[1]))] if page else []
    return [block for n, block in enumerate(blocks) if n not in dropped]


# -- Captions ---------------------------------------------------------------------------------


def _captions(blocks: Sequence[Block]) -> list[Block]:
    """Figure captions go; a table's caption becomes the context of its rows."""
    kept: list[Block] = []
    for n, block in enumerate(blocks):
        text = _text(block)
        if text is None:
            kept.append(block)
            continue
        table_follows = _table_follows(blocks, n)
        if _CAPTION.match(text):
            if table_follows:
                kept.append(Caption(text))
            continue
        if isinstance(block, Heading) and table_follows and _is_table_title(blocks, n):
            kept.append(Caption(text))
            continue
        if (
            isinstance(block, Paragraph)
            and table_follows
            and kept
            and isinstance(kept[-1], Caption)
        ):
            kept[-1] = Caption(f"{kept[-1].text}: {text.rstrip(':')}")  # "Incidents:" under it
            continue
        kept.append(block)
    return kept


def _table_follows(blocks: Sequence[Block], n: int) -> bool:
    """A table starts right after block n, or after one short label line ("Incidents:")."""
    after = blocks[n + 1 : n + 3]
    if after and isinstance(after[0], TableRow):
        return True
    return (
        len(after) == 2
        and isinstance(after[0], Paragraph)
        and after[0].text.endswith(":")
        and len(after[0].text.split()) <= 4
        and isinstance(after[1], TableRow)
    )


def _is_table_title(blocks: Sequence[Block], n: int) -> bool:
    """An inferred heading over nothing but a table (and perhaps a label line above it), with
    no sub-sections of its own after it: it names the table, and as a heading it would swallow
    the sections that follow."""
    heading = blocks[n]
    assert isinstance(heading, Heading)
    if heading.explicit or heading.numbered:
        return False
    end = next((m for m in range(n + 1, len(blocks)) if isinstance(blocks[m], Heading)), None)
    section = blocks[n + 1 : end]
    rows = sum(isinstance(b, TableRow) for b in section)
    if rows < len(section) - 1:  # more than the table and a label
        return False
    following = blocks[end] if end is not None else None
    if not isinstance(following, Heading) or heading.level is None:
        return True
    return following.level is not None and following.level <= heading.level
