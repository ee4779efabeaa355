"""What every reader drops before sections are built: text on the page that is not policy.

A school's letterhead (address, phone, email, website, "Member of the Oak Learning Trust"), a
contents list, and captions over figures and tables look like headings to a reader that goes by
shape; taken for headings, they would swallow the sections after them. Each reader knows its
format's page furniture (a PDF's running headers, a web page's navigation); this filter knows
what such lines say, so it applies to every format alike.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

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
_TRAILING_PAGE = re.compile(r"\s(?:page\s+)?\d{1,3}$", re.IGNORECASE)


def clean(blocks: Sequence[Block]) -> list[Block]:
    """The blocks without letterhead, contents lists and captions; table captions kept as the
    context of their rows."""
    blocks = _without_contents(blocks)
    blocks = _without_letterhead(blocks)
    return _captions(blocks)


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
