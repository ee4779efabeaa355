"""The block model every reader emits, and the builder that folds blocks into sections.

Readers know their format; the builder knows what a section is. Keeping them apart means a
heading, a list's lead-in or a table row with its column headers reads the same in every format.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.policy.document import PATH_SEPARATOR, Passage, PolicyDocument, Section

_CONTEXT_LIMIT = 300
_REVIEW_DATE_LENGTH = 40  # longer, and the "date" is a sentence that mentions a year


@dataclass(frozen=True)
class Heading:
    """A heading. Level None (a bold or capitals line) means one below the last levelled one."""

    text: str
    level: int | None
    # Numbered headings ("1. Purpose") nest by their number but never name the document.
    numbered: bool = False
    # Marked up as a heading (a Markdown `#`, an HTML <h2>, a Word heading style), rather than
    # inferred from how a line looks; an inferred one just above a table may be its caption.
    explicit: bool = False


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class ListItem:
    text: str
    depth: int = 0  # 0 for a top-level item


@dataclass(frozen=True)
class TableRow:
    cells: tuple[str, ...]
    header: bool = False  # names the columns, so later rows read "Header: value"


@dataclass(frozen=True)
class Caption:
    """A table's title ("Staff actions / sanctions"): context for its rows, not a section."""

    text: str


Block = Heading | Paragraph | ListItem | TableRow | Caption


def build(
    blocks: Sequence[Block],
    *,
    source: Path,
    content_hash: str,
    key_prefix: str,
    title: str | None = None,
) -> PolicyDocument:
    """Fold blocks into a document; `title` when the file names itself (HTML <title>, front
    matter), else the first top-level heading, else the file name."""
    builder = _SectionBuilder()
    headings = {bare_title(b.text) for b in blocks if isinstance(b, Heading)}
    for block in blocks:
        if not (isinstance(block, Paragraph) and bare_title(block.text) in headings):
            builder.add(block)  # a line naming a heading is a contents entry, not policy text
    title = title or _title(blocks, source)
    sections = [
        Section(key=f"{key_prefix}{n}", document_title=title, path=d.path, passages=d.passages)
        for n, d in enumerate(builder.drafts, start=1)
    ]
    return PolicyDocument(
        title=title,
        source=source,
        sections=sections,
        content_hash=content_hash,
        review_date=_review_date(blocks),
    )


@dataclass
class _Draft:
    """A section before the document title, which every `Section` carries, is known."""

    path: tuple[str, ...]
    passages: list[Passage] = field(default_factory=list)


class _SectionBuilder:
    """Folds blocks into sections, tracking the open headings and the list being read."""

    def __init__(self) -> None:
        self.drafts: list[_Draft] = []
        self._headings: list[tuple[int, str]] = []
        self._anchor = 0  # level of the last heading that had a level of its own
        self._previous: Block | None = None
        self._paragraphs = 0  # paragraphs so far in the current section
        self._lead_in: str | None = None
        self._items: list[tuple[int, str]] = []  # the open list items, outermost first
        self._headers: tuple[str, ...] = ()
        self._caption: str | None = None

    def add(self, block: Block) -> None:
        match block:
            case Heading():
                self._open_section(block)
            case Paragraph():
                self._paragraphs += 1
                self._append(Passage(block.text))
            case ListItem():
                self._append(self._list_passage(block))
            case TableRow():
                self._table_row(block)
            case Caption():
                self._caption = block.text
        self._previous = block

    def _open_section(self, heading: Heading) -> None:
        level = self._anchor + 1 if heading.level is None else heading.level
        if heading.level is not None:
            self._anchor = heading.level
        while self._headings and self._headings[-1][0] >= level:
            self._headings.pop()
        self._headings.append((level, heading.text))
        self.drafts.append(_Draft(tuple(text for _, text in self._headings)))
        self._paragraphs = 0

    def _append(self, passage: Passage) -> None:
        if not self.drafts:  # text before the first heading
            self.drafts.append(_Draft(()))
        self.drafts[-1].passages.append(passage)

    def _list_passage(self, item: ListItem) -> Passage:
        if not isinstance(self._previous, ListItem):
            self._lead_in = self._introduction()
            self._items = []
        while self._items and self._items[-1][0] >= item.depth:
            self._items.pop()
        parent = self._items[-1][1] if self._items else None
        self._items.append((item.depth, item.text))
        return Passage(item.text, _context(self._lead_in, parent))

    def _introduction(self) -> str | None:
        """The paragraph just before a list, when it introduces the list."""
        previous = self._previous
        if isinstance(previous, Paragraph) and (
            previous.text.endswith(":") or self._paragraphs == 1
        ):
            return previous.text
        return None

    def _table_row(self, row: TableRow) -> None:
        if not isinstance(self._previous, TableRow):
            self._headers = ()
            if not isinstance(self._previous, Caption):
                self._caption = None
        if row.header:
            self._headers = row.cells
            return
        if text := _row_text(self._headers, row.cells):
            self._append(Passage(text, _context(self._caption, None)))


_CONTENTS_NUMBERING = re.compile(r"^(?:section\s+)?[\d.]*\s*[:.\-–—]?\s*|\s*\.*\s*\d*$", re.I)


def bare_title(text: str) -> str:
    """A heading or contents entry without its numbering or page number, for comparing."""
    return _CONTENTS_NUMBERING.sub("", text).casefold()


def _row_text(headers: tuple[str, ...], cells: tuple[str, ...]) -> str:
    """A table row read as a sentence fragment: "Header: value; Header: value", and a
    "Label:" cell followed by its value as "Label: value"."""
    text = ""
    for n, cell in enumerate(cells):
        header = headers[n] if n < len(headers) else ""
        if cell:
            part = f"{header}: {cell}" if header and header != cell else cell
            text += f"{' ' if text.endswith(':') else '; ' if text else ''}{part}"
    return text


def _context(lead_in: str | None, parent: str | None) -> str | None:
    """A list item's lead-in and parent item, clipped so the context never dwarfs the item."""
    if parent:
        parent = _clip_head(parent, _CONTEXT_LIMIT // 2 if lead_in else _CONTEXT_LIMIT)
    if lead_in:
        room = _CONTEXT_LIMIT - (len(parent) + len(PATH_SEPARATOR) if parent else 0)
        lead_in = _clip_tail(lead_in, room)
    return PATH_SEPARATOR.join(part for part in (lead_in, parent) if part) or None


def _clip_head(text: str, limit: int) -> str:
    """Keep the start of a long parent item: that is where it names its topic."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _clip_tail(text: str, limit: int) -> str:
    """Keep the end of a long lead-in: the words just before the list introduce it."""
    if len(text) <= limit:
        return text
    return "…" + text[len(text) - limit + 1 :].split(" ", 1)[-1]


def _title(blocks: Sequence[Block], source: Path) -> str:
    """A `#`/Word-styled top heading, else the first heading, else the file name in words."""
    headings = [b for b in blocks if isinstance(b, Heading)]
    marked = (h for h in headings if h.level is not None and h.level <= 1 and not h.numbered)
    first = next(marked, None) or next(iter(headings), None)
    if first:
        return first.text
    words = " ".join(re.split(r"[-_\s]+", source.stem)).strip()
    return words[:1].upper() + words[1:]


_REVIEW_DATE = re.compile(
    r"^(?:to be reviewed|review date|review due|review by|next review(?: date)?"
    r"|date of (?:the )?next review)\b\s*(?:on\b|by\b)?\s*[:\-–—]?\s*(?P<date>.*\d.*)$",
    re.IGNORECASE,
)


def _review_date(blocks: Sequence[Block]) -> str | None:
    """The date part of the first "Review date: …"-style line, as the document writes it."""
    for block in blocks:
        for text in _block_texts(block):
            match = _REVIEW_DATE.match(text)
            if match and len(date := match["date"].strip().rstrip(".;,")) <= _REVIEW_DATE_LENGTH:
                return date
    return None


def _block_texts(block: Block) -> Iterator[str]:
    if isinstance(block, TableRow):  # a review date in a table: | Review date | Sept 2025 |
        yield from block.cells
        yield from (f"{a}: {b}" for a, b in zip(block.cells, block.cells[1:], strict=False))
    else:
        yield block.text
