"""From a PDF's positioned lines to blocks: headings, paragraphs, list items and table rows.

A PDF keeps no paragraphs, only lines placed on pages, so structure is read back from how the
lines look and sit. A heading is larger than the document's body text, or bold at body size, or
numbered like a clause ("4.2 Reporting"), and short; its level comes from its number or from its
size among the document's heading sizes. Lines join into a paragraph while they follow each
other at line spacing, and across a page break while the sentence is unfinished. A bullet or
"a)" starts a list item; its indent nests it. Tables come whole from the table finder.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from bot.policy.reading.blocks import Block, Heading, ListItem, Paragraph, TableRow
from bot.policy.reading.shapes import (
    BOLD_HEADING_WORDS,
    NUMBERED_HEADING_WORDS,
    heading_shaped,
    heading_text,
    is_capitals,
    numbered_level,
)

_LARGER = 1.05  # a heading's size is at least this much the body's…
_LARGER_BY = 0.9  # …and this many points more
_LARGE_HEADING_WORDS = 16
_NUMBERED_WORDS = 24  # a styled, numbered heading may wrap over two lines
_PARAGRAPH_GAP = 0.45  # of the font size: more space than this between lines ends a paragraph
_JOIN_GAP = 1.2  # of the font size: the most space between the lines of one heading
_INDENT = 2.0  # points: less than this is the same indent
_SHORT_LINE = 0.85  # of the text width: a line ending a paragraph usually stops short
_SENTENCE_ENDS = (".", "!", "?", ":", ";")
_BULLET = re.compile(
    "^(?:[\u2022\u25cf\u25aa\u25a0\u25e6\u25cb\u00b7\u2219\u2013\u2014*\u27a2\u25ba\u25b6\u2713"
    "\u2714\u2043\u2192\uf0a7\uf0b7\uf076\uf0d8\uf0fc\uf0a8\uf06e\uf075-]|o(?=\\s))\\s*(?P<text>.*)$"
)
_ORDERED = re.compile(
    r"^(?:\(?[a-zA-Z]\)|\(?[ivxIVX]{1,4}\)|\(\d{1,2}\)|\d{1,2}[.)]|[a-z]\.)\s+(?P<text>.*)$"
)
_TITLE_START = re.compile(r"^[\W_]*[^\W\d_a-z]|^\d")  # a capital letter, or a number
_LABEL = re.compile(r"\S:\s+\S")
_RUNS_ON = frozenset({"a", "an", "and", "as", "of", "or", "the", "with", "that", "which"})
_SINGLE_NUMBERED = re.compile(r"^\d{1,2}\.?\s+\S")


@dataclass(frozen=True)
class Line:
    """One line of text as placed on its page; distances in points from the page's top left."""

    page: int
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    chars: int


@dataclass
class Cell:
    x0: float
    top: float
    x1: float
    bottom: float
    text: str = ""
    bold: bool = False


@dataclass
class Table:
    rows: list[list[Cell]]
    x0: float
    top: float
    x1: float
    bottom: float

    def __post_init__(self) -> None:
        self._tops = [row[0].top for row in self.rows]
        self._cells = [cell for row in self.rows for cell in row]

    @classmethod
    def from_cells(cls, boxes: list[tuple[float, float, float, float]]) -> Table:
        """Cells (x0, top, x1, bottom) grouped into rows by their top edge."""
        rows: dict[float, list[Cell]] = {}
        for x0, top, x1, bottom in boxes:
            rows.setdefault(round(top, 1), []).append(Cell(x0, top, x1, bottom))
        return cls(
            [sorted(row, key=lambda c: c.x0) for _, row in sorted(rows.items())],
            x0=min(box[0] for box in boxes),
            top=min(box[1] for box in boxes),
            x1=max(box[2] for box in boxes),
            bottom=max(box[3] for box in boxes),
        )

    def cell_at(self, x: float, y: float) -> Cell | None:
        """The cell holding the point: first in the row starting just above it, then in any
        row (a cell merged down over several rows starts higher up)."""
        row = bisect.bisect_right(self._tops, y) - 1
        candidates = self.rows[row] if row >= 0 else []
        for cells in (candidates, self._cells):
            for cell in cells:
                if cell.x0 <= x <= cell.x1 and cell.top <= y <= cell.bottom:
                    return cell
        return None

    @property
    def text_top(self) -> float:
        """The top of the first row with text: where the table starts being read."""
        return next((row[0].top for row in self.rows if any(c.text for c in row)), self.top)


@dataclass
class PageContent:
    number: int
    height: float
    width: float
    lines: list[Line]
    tables: list[Table] = field(default_factory=list)


def read_layout(pages: Sequence[PageContent]) -> tuple[list[Block], str | None]:
    """The pages' blocks, and the document's title: the largest heading on its first page."""
    layout = _Layout(pages)
    return list(layout.blocks()), layout.title


@dataclass
class _Open:
    """The heading, paragraph or list item whose lines are still being gathered."""

    kind: str  # "heading", "paragraph" or "item"
    lines: list[Line]
    depth: int = 0
    marker_x0: float = 0.0

    @property
    def last(self) -> Line:
        return self.lines[-1]

    @property
    def text(self) -> str:
        text = ""
        for line in self.lines:
            joined = text.endswith("-") and line.text[:1].islower()  # a hyphenated word
            text = f"{text}{'' if joined or not text else ' '}{line.text}"
        return text


class _Layout:
    def __init__(self, pages: Sequence[PageContent]) -> None:
        self.pages = pages
        lines = [line for page in pages for line in page.lines]
        sizes: Counter[float] = Counter()
        for line in lines:
            sizes[line.size] += line.chars
        self.body = sizes.most_common(1)[0][0] if sizes else 0.0
        self.right = max((line.x1 for line in lines), default=0.0)
        self.left = min((line.x0 for line in lines), default=0.0)
        self.levels = self._size_levels(lines)
        self._open: _Open | None = None
        self._markers: list[float] = []  # indents of the open list's markers, outermost first
        self.title: str | None = None
        self._title_size: float | None = None

    def _larger(self, line: Line) -> bool:
        return line.size >= self.body * _LARGER and line.size >= self.body + _LARGER_BY

    def _size_levels(self, lines: list[Line]) -> dict[float, int]:
        """Heading sizes, largest first, to levels; the largest is the title (level 0) when it
        is used on the first page only."""
        larger = [line for line in lines if self._larger(line) and self._heading_shaped(line)]
        sizes = sorted({line.size for line in larger}, reverse=True)
        first = 1
        if sizes and all(line.page == 0 for line in larger if line.size == sizes[0]):
            first = 0
        return {size: n for n, size in enumerate(sizes, start=first)}

    def _heading_shaped(self, line: Line) -> bool:
        limit = _LARGE_HEADING_WORDS if self._larger(line) else BOLD_HEADING_WORDS
        return heading_shaped(heading_text(line.text), limit)

    # -- reading order ----------------------------------------------------------------------

    def blocks(self) -> Iterator[Block]:
        for page in self.pages:
            for item in _reading_order(page):
                if isinstance(item, Table):
                    yield from self._close()
                    self._markers = []
                    yield from _table_rows(item)
                else:
                    yield from self._line(item)
        yield from self._close()

    def _line(self, line: Line) -> Iterator[Block]:
        marker = _BULLET.match(line.text) or _ORDERED.match(line.text)
        if (not marker or self._lettered_heading(line)) and self._is_heading(line):
            if self._open and self._open.kind == "heading" and self._same_heading(line):
                self._open.lines.append(line)
                return
            yield from self._close()
            self._markers = []
            self._open = _Open("heading", [line])
        elif marker:
            yield from self._close()
            self._open = _Open("item", [], depth=self._depth(line.x0), marker_x0=line.x0)
            if marker["text"]:
                self._open.lines.append(_replace_text(line, marker["text"]))
        elif self._open and self._open.kind != "heading" and self._continues(line):
            self._open.lines.append(line)
        else:
            yield from self._close()
            if not self._open_list_continues(line):
                self._markers = []
            self._open = _Open("paragraph", [line])

    def _close(self) -> Iterator[Block]:
        current, self._open = self._open, None
        if current is None or not current.lines:
            return
        text = current.text
        if current.kind == "item":
            yield ListItem(text, current.depth)
        elif current.kind == "heading":
            yield from self._heading(current, text)
        else:
            yield Paragraph(text)

    def _heading(self, current: _Open, text: str) -> Iterator[Block]:
        """The heading the lines make, or a paragraph if together they read as a sentence."""
        first = current.lines[0]
        title = heading_text(text)
        limit = _LARGE_HEADING_WORDS if self._larger(first) else BOLD_HEADING_WORDS
        numbered = bool(numbered_level(title) or _SINGLE_NUMBERED.match(title))
        if not heading_shaped(title, _NUMBERED_WORDS if numbered else limit):
            yield Paragraph(text)
            return
        if first.page == 0 and (self._title_size is None or first.size > self._title_size):
            self.title, self._title_size = title, first.size
        if level := numbered_level(title):
            yield Heading(title, level, numbered=True)
        elif _SINGLE_NUMBERED.match(title):
            yield Heading(title, 1, numbered=True)
        elif first.size in self.levels:
            yield Heading(title, self.levels[first.size])
        else:  # bold at body size: below every larger heading
            yield Heading(title, len([s for s in self.levels if s > first.size]) + 1)

    # -- what a line is ---------------------------------------------------------------------

    def _is_heading(self, line: Line) -> bool:
        """Larger or bold, numbered like a clause, or in capitals; short, and starting as a
        title does (a large line in lower case carries on a poster's sentence)."""
        text = heading_text(line.text)
        ordered = _ORDERED.match(text)
        if not self._heading_shaped(line) or not _TITLE_START.match(
            ordered["text"] if ordered else text
        ):
            return False
        if _LABEL.search(text) and not numbered_level(text):
            return False  # "Date of review: January 2018" is a label and its value
        if text.rsplit(" ", 1)[-1].lower() in _RUNS_ON:
            return False  # the line breaks off mid-phrase: a bold sentence, not a title
        if self._larger(line) or (line.bold and line.size >= self.body - 0.5):
            return True
        if numbered_level(text) and heading_shaped(text, NUMBERED_HEADING_WORDS):
            return True
        return is_capitals(text)

    def _lettered_heading(self, line: Line) -> bool:
        """A lettered or numbered line ("(a) Governors") in bold or larger type heads a
        subsection; in body type it is a list item. A bullet never heads anything."""
        return not _BULLET.match(line.text) and (self._larger(line) or line.bold)

    def _same_heading(self, line: Line) -> bool:
        """A heading wrapped onto a second line: same page, size and weight, close below."""
        last = self._open.last if self._open else None
        return (
            last is not None
            and last.page == line.page
            and last.size == line.size
            and last.bold == line.bold
            and -line.size / 2 <= line.top - last.bottom <= line.size * _JOIN_GAP
            and not numbered_level(line.text)
        )

    def _continues(self, line: Line) -> bool:
        """Whether the line carries on the open paragraph or list item."""
        assert self._open is not None
        last = self._open.last if self._open.lines else None
        if last is None:  # a bullet on a line of its own: this is the item's text
            return True
        if last.page != line.page:  # over a page break, while the sentence is unfinished
            return not last.text.endswith(_SENTENCE_ENDS)
        gap = line.top - last.bottom
        if gap > max(last.size, line.size) * _PARAGRAPH_GAP or gap < -last.size / 2:
            return False
        if abs(line.size - last.size) >= 1:
            return False
        if self._open.kind == "item":
            return line.x0 > self._open.marker_x0 + _INDENT
        stops_short = last.x1 < self.left + (self.right - self.left) * _SHORT_LINE
        indented = line.x0 > last.x0 + 3 * _INDENT
        return not (last.text.endswith(_SENTENCE_ENDS) and (stops_short or indented))

    def _open_list_continues(self, line: Line) -> bool:
        """A paragraph indented under the list's items belongs to the list's run."""
        return bool(self._markers) and line.x0 > self._markers[0] + _INDENT

    def _depth(self, x0: float) -> int:
        """A marker's nesting, from its indent against the open list's markers."""
        while self._markers and x0 < self._markers[-1] - _INDENT:
            self._markers.pop()
        if not self._markers or x0 > self._markers[-1] + _INDENT:
            self._markers.append(x0)
        return len(self._markers) - 1


def _reading_order(page: PageContent) -> list[Line | Table]:
    """The page's lines in the order the PDF draws them, which is the order they were written
    (a heading beside a reference box stays whole), with each table before the first line
    below its first row of text (a heading may sit inside the table's frame)."""
    items: list[Line | Table] = list(page.lines)
    for table in sorted(page.tables, key=lambda t: t.text_top, reverse=True):
        at = next(
            (
                n
                for n, item in enumerate(items)
                if isinstance(item, Line) and item.top > table.text_top
            ),
            len(items),
        )
        items.insert(at, table)
    return items


def _replace_text(line: Line, text: str) -> Line:
    return Line(
        line.page, text, line.x0, line.x1, line.top, line.bottom, line.size, line.bold, line.chars
    )


def _table_rows(table: Table) -> Iterator[TableRow]:
    """The table's rows; the first names the columns when it is bold and the rest are not."""
    first = [cell for cell in table.rows[0] if cell.text]
    rest = [cell for row in table.rows[1:] for cell in row if cell.text]
    header = bool(first) and all(c.bold for c in first) and not all(c.bold for c in rest)
    for n, row in enumerate(_joined_rows(table.rows)):
        yield TableRow(tuple(cell.text for cell in row), header=header and n == 0)


def _joined_rows(rows: list[list[Cell]]) -> Iterator[list[Cell]]:
    """Rows with text; a row that only carries on the sentence of the row above, in the same
    column, is joined to it (PDFs shade or rule some tables line by line)."""
    previous: list[Cell] | None = None
    for row in rows:
        filled = [cell for cell in row if cell.text]
        if not filled:
            continue
        if previous is not None and _carries_on(previous, filled):
            last = next(cell for cell in previous if cell.text)
            last.text = f"{last.text} {filled[0].text}"
            continue
        if previous is not None:
            yield previous
        previous = row
    if previous is not None:
        yield previous


def _carries_on(previous: list[Cell], filled: list[Cell]) -> bool:
    above = [cell for cell in previous if cell.text]
    return (
        len(above) == 1
        and len(filled) == 1
        and abs(above[0].x0 - filled[0].x0) <= _INDENT
        and not above[0].text.endswith(_SENTENCE_ENDS)
    )
