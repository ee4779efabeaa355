"""Turn a school's policy document into a `PolicyDocument` of sections and passages.

Policies arrive as whatever Word produced: Markdown or plain-text exports, where a heading may be
a `#` line, a bold line, a numbered line or a line in capitals, and .docx files. Each format has a
reader that emits a flat stream of blocks; one builder turns any stream into sections, so every
format agrees on what a heading, a list and a list's lead-in are.
"""

from __future__ import annotations

import hashlib
import html
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import docx
from docx.document import Document as DocxDocument
from docx.oxml.numbering import CT_NumPr
from docx.styles.style import BaseStyle
from docx.table import Table, _Row
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run

from bot.policy.document import PATH_SEPARATOR, Passage, PolicyDocument, Section

_CONTEXT_LIMIT = 300
_BOLD_HEADING_WORDS = 12
_NUMBERED_HEADING_WORDS = 10
_CAPS_HEADING_WORDS = 8
# Editors wrap prose at 72-80 columns; lines past this width were written a paragraph per line.
_WRAP_WIDTH = 100
_REVIEW_DATE_LENGTH = 40  # longer, and the "date" is a sentence that mentions a year


# -- Blocks: what every reader emits ---------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    """A heading. Level None (a bold or capitals line) means one below the last levelled one."""

    text: str
    level: int | None
    # Numbered headings ("1. Purpose") nest by their number but never name the document.
    numbered: bool = False


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


Block = Heading | Paragraph | ListItem | TableRow


# -- Public API -------------------------------------------------------------------------------


def parse_markdown(text: str, *, source: Path, key_prefix: str = "") -> PolicyDocument:
    """Parse Markdown or plain text, hashing the text as UTF-8 (the loader hashes the bytes)."""
    return _build(
        _MarkdownReader(text).blocks(),
        source=source,
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        key_prefix=key_prefix,
    )


def parse_docx(path: Path, *, key_prefix: str = "") -> PolicyDocument:
    """Parse a Word document; python-docx errors propagate for the loader to explain."""
    data = path.read_bytes()
    return _build(
        list(_docx_blocks(docx.Document(io.BytesIO(data)))),
        source=path,
        content_hash=hashlib.sha256(data).hexdigest(),
        key_prefix=key_prefix,
    )


# -- Builder: blocks to sections ---------------------------------------------------------------


def _build(
    blocks: list[Block], *, source: Path, content_hash: str, key_prefix: str
) -> PolicyDocument:
    builder = _SectionBuilder()
    headings = {_bare_title(b.text) for b in blocks if isinstance(b, Heading)}
    for block in blocks:
        if not (isinstance(block, Paragraph) and _bare_title(block.text) in headings):
            builder.add(block)  # a line naming a heading is a contents entry, not policy text
    title = _title(blocks, source)
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
        if row.header:
            self._headers = row.cells
            return
        if not isinstance(self._previous, TableRow):
            self._headers = ()
        if text := _row_text(self._headers, row.cells):
            self._append(Passage(text))


_CONTENTS_NUMBERING = re.compile(r"^(?:section\s+)?[\d.]*\s*[:.\-–—]?\s*|\s*\.*\s*\d*$", re.I)


def _bare_title(text: str) -> str:
    """A heading or contents entry without its numbering or page number, for comparing."""
    return _CONTENTS_NUMBERING.sub("", text).casefold()


def _row_text(headers: tuple[str, ...], cells: tuple[str, ...]) -> str:
    """A table row read as a sentence fragment: "Header: value; Header: value"."""
    parts = []
    for n, cell in enumerate(cells):
        header = headers[n] if n < len(headers) else ""
        if cell:
            parts.append(f"{header}: {cell}" if header and header != cell else cell)
    return "; ".join(parts)


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


def _title(blocks: list[Block], source: Path) -> str:
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


def _review_date(blocks: list[Block]) -> str | None:
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


# -- Markdown and plain text ------------------------------------------------------------------

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:\s+(.*?))?(?:\s+#+)?\s*$")
_UNDERLINE = re.compile(r"^ {0,3}(={3,}|-{3,})\s*$")
_RULE = re.compile(r"^ {0,3}([-*_=])(?:\s*\1){2,}\s*$")
_BOLD_LINE = re.compile(r"^\s*(\*\*|__)(?P<text>(?:(?!\1).)+)\1\s*:?\s*$")
_BULLET = re.compile(r"^(?P<indent>\s*)(?P<marker>[-*+•o·▪◦])(?:\s+(?P<text>.*))?$")
_ORDERED = re.compile(
    r"^(?P<indent>\s*)(?P<marker>\d{1,3}[.)]|[a-zA-Z]\)|[ivxIVX]+\)"
    r"|\((?:\d{1,3}|[a-zA-Z]|[ivxIVX]+)\))(?:\s+(?P<text>.*))?$"
)
_MULTI_NUMBERED = re.compile(r"^\s*(?P<number>\d+(?:\.\d+)+)\.?\s+\S")
_SECTION_WORD = re.compile(
    r"^\s*(?:section|part)\s+(?P<number>\d+(?:\.\d+)*)\s*[:.\-–—]?\s+\S", re.IGNORECASE
)
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")

_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)(?:\{[^}]*\})?")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_SPAN = re.compile(r"\[([^\]]*)\]\{[^}]*\}")  # pandoc's [underlined]{.underline}
_AUTOLINK = re.compile(r"<(?:mailto:)?([^<>\s]+(?:@|://)[^<>\s]+)>")
_EMPHASIS = re.compile(r"(?<![\w*\\])(\*{1,3}|_{2,3})(?=[^\s*_])(.+?)(?<=[^\s\\])\1(?![\w*])")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_SPACE = re.compile(r"\s+")


@dataclass
class _OpenBlock:
    """A paragraph (depth None) or list item still collecting soft-wrapped lines."""

    lines: list[str]
    depth: int | None = None


class _MarkdownReader:
    """Reads Word-export Markdown or plain text, line by line, into blocks."""

    def __init__(self, text: str) -> None:
        self._lines = _attach_bare_numbers([line.expandtabs(4) for line in text.splitlines()])
        self._wrapped = _soft_wrapped(self._lines)
        self._blocks: list[Block] = []
        self._open: _OpenBlock | None = None
        self._after_blank = False
        self._list_indents: list[int] = []

    def blocks(self) -> list[Block]:
        i = 0
        while i < len(self._lines):
            line, hard_break = _strip_break(self._lines[i])
            if line.strip():
                i = self._read(i, line, hard_break)
                self._after_blank = False
            else:
                self._blank()
                i += 1
        self._close()
        return self._blocks

    def _read(self, i: int, line: str, hard_break: bool) -> int:
        """Handle the non-blank line at i and return the index of the next line to read."""
        if (underline := _UNDERLINE.match(line)) and (paragraph := self._open_paragraph()):
            self._open = None
            level = 1 if underline[1].startswith("=") else 2
            self._heading(Heading(_heading_text(" ".join(paragraph.lines)), level))
        elif _RULE.match(line):
            self._close_list()
        elif atx := _ATX.match(line):
            self._heading(Heading(_heading_text(atx[2] or ""), len(atx[1])))
        elif line.lstrip().startswith("|"):
            return self._table(i)
        elif bold := self._bold_heading(i):
            self._heading(Heading(bold[0], None))
            return bold[1]
        elif item := _BULLET.match(line) or _ORDERED.match(line):
            if self._numbered_heading(i, item):
                self._heading(Heading(_heading_text(line), 1, numbered=True))
            else:
                self._list_item(item)
        else:
            self._prose(i, line, hard_break)
        return i + 1

    def _blank(self) -> None:
        """Blank lines end paragraphs but not lists: Word exports scatter them between items."""
        if self._open_paragraph():
            self._close()
        self._after_blank = True

    def _close(self) -> None:
        if self._open and (text := _plain(" ".join(self._open.lines))):
            depth = self._open.depth
            self._blocks.append(Paragraph(text) if depth is None else ListItem(text, depth))
        self._open = None

    def _close_list(self) -> None:
        self._close()
        self._list_indents.clear()

    def _open_paragraph(self) -> _OpenBlock | None:
        return self._open if self._open and self._open.depth is None else None

    def _heading(self, heading: Heading) -> None:
        self._close_list()
        if heading.text:
            self._blocks.append(heading)

    def _table(self, start: int) -> int:
        self._close_list()
        end = start
        while end < len(self._lines) and self._lines[end].lstrip().startswith("|"):
            end += 1
        lines = self._lines[start:end]
        has_header = len(lines) > 1 and bool(_TABLE_RULE.match(lines[1]))
        rows = [_cells(line) for line in lines if not _TABLE_RULE.match(line)]
        self._blocks.extend(TableRow(cells, has_header and n == 0) for n, cells in enumerate(rows))
        return end

    def _bold_heading(self, start: int) -> tuple[str, int] | None:
        """A whole-line bold heading, joining bold lines split by hard breaks (a title block)."""
        parts: list[str] = []
        end = start
        while end < len(self._lines):
            line, hard_break = _strip_break(self._lines[end])
            if not (bold := _BOLD_LINE.match(line)):
                break
            parts.append(bold["text"])
            end += 1
            if not hard_break:
                break
        text = _heading_text(" ".join(parts))
        return (text, end) if _heading_shaped(text, _BOLD_HEADING_WORDS) else None

    def _numbered_heading(self, i: int, item: re.Match[str]) -> bool:
        """A lone "N. Short title" line is a section heading; the same shape in a run is a list."""
        number = _plain_number(item)
        if number is None or len(item["indent"]) > 3:
            return False
        if not _heading_shaped(_plain(item["text"] or ""), _NUMBERED_HEADING_WORDS):
            return False
        indent = len(item["indent"])
        previous = self._line_before(i, indent)
        if previous and (previous.rstrip().endswith(":") or _line_number(previous) == number - 1):
            return False
        following = self._line_after(i)
        return not following or (
            _line_number(following) != number + 1
            and _indent(following) <= indent  # no nested item or continuation
        )

    def _line_before(self, i: int, indent: int) -> str | None:
        """The nearest earlier non-blank line not indented past `indent` (so not nested in it)."""
        earlier = reversed(self._lines[:i])
        return next((line for line in earlier if line.strip() and _indent(line) <= indent), None)

    def _line_after(self, i: int) -> str | None:
        return next((line for line in self._lines[i + 1 :] if line.strip()), None)

    def _list_item(self, item: re.Match[str]) -> None:
        self._close()
        indent = len(item["indent"])
        while self._list_indents and indent < self._list_indents[-1]:
            self._list_indents.pop()
        if not self._list_indents or indent > self._list_indents[-1] + 1:
            self._list_indents.append(indent)
        self._open = _OpenBlock([item["text"] or ""], depth=len(self._list_indents) - 1)

    def _prose(self, i: int, line: str, hard_break: bool) -> None:
        starts_sentence = not self._mid_sentence(line)
        if (
            starts_sentence
            and not _continues(line, self._line_after(i))
            and (heading := _inferred_heading(line) or self._plain_heading(i, line))
        ):
            self._heading(heading)
            return
        if self._open and self._joins(line):
            self._open.lines.append(line.strip())
        else:
            self._close_list()
            self._open = _OpenBlock([line.strip()])
        if hard_break and self._open_paragraph():
            self._close()

    def _plain_heading(self, i: int, line: str) -> Heading | None:
        """A short title-like line standing alone between blank lines, as web pages and PDF
        copies leave headings once their styling is gone ("Employee's responsibilities")."""
        alone = self._after_blank or (not self._blocks and self._open is None)
        followed_by_blank = i + 1 >= len(self._lines) or not self._lines[i + 1].strip()
        following = self._line_after(i)
        before_list = following is not None and bool(
            _BULLET.match(following) or _ORDERED.match(following)
        )  # then it is the list's lead-in
        if alone and followed_by_blank and not before_list and _title_shaped(text := _plain(line)):
            return Heading(text, None)
        return None

    def _joins(self, line: str) -> bool:
        """Whether a prose line continues the open paragraph or list item, or starts anew."""
        if self._open is None:
            return False
        if not self._after_blank and _continues(self._open.lines[-1], line):
            return True  # a hard-wrapped sentence, as PDF copies and web pages break them
        if self._open.depth is None:
            return self._wrapped
        base = self._list_indents[0] if self._list_indents else 0
        return _indent(line) > base or (self._wrapped and not self._after_blank)

    def _mid_sentence(self, line: str) -> bool:
        """Whether the line would continue an unfinished sentence, so cannot be a heading."""
        return (
            self._open is not None
            and self._joins(line)
            and not self._open.lines[-1].rstrip().endswith(_SENTENCE_ENDS)
        )


_SENTENCE_ENDS = (".", "!", "?", ":", ";")
_BARE_NUMBER = re.compile(r"^\s*\d{1,3}(?:\.\d{1,3})*\.?\s*$")
# Words a line cannot end on when the sentence ends there too.
_JOINING_WORDS = frozenset(
    "a an and as at by for from in into of on or the their to which who with".split()  # noqa: SIM905
)


def _attach_bare_numbers(lines: list[str]) -> list[str]:
    """PDF copies put a clause number on a line of its own ("1.1" then its text): rejoin them."""
    joined: list[str] = []
    for line in lines:
        if joined and _BARE_NUMBER.match(joined[-1]) and line.strip():
            joined[-1] = f"{joined[-1].rstrip()} {line.strip()}"
        else:
            joined.append(line)
    return joined


def _continues(line: str, following: str | None) -> bool:
    """Whether `following` carries on the sentence `line` broke off: the line ends mid-phrase,
    or the next starts in lower case."""
    if following is None or line.rstrip().endswith(_SENTENCE_ENDS):
        return False
    start = _plain(following)[:1]
    last_word = line.rstrip().rsplit(" ", 1)[-1].lower()
    return start.islower() or last_word in _JOINING_WORDS or line.rstrip().endswith(",")


def _title_shaped(text: str) -> bool:
    """Short, capitalised, no sentence punctuation nor a "Label: value" colon."""
    return (
        text[:1].isupper()
        and ":" not in text
        and not _BULLET.match(text)
        and _heading_shaped(text, _CAPS_HEADING_WORDS)
    )


def _soft_wrapped(lines: list[str]) -> bool:
    """Whether line breaks inside a paragraph are wrapping, not paragraph ends.

    Word's plain-text export writes each paragraph on one long line with no blank line after it;
    text wrapped by an editor rarely has a line past the wrap width.
    """
    prose = [line for line in lines if line.strip() and not line.lstrip().startswith("|")]
    long_lines = sum(len(line) > _WRAP_WIDTH for line in prose)
    return long_lines * 10 <= len(prose)


def _strip_break(raw: str) -> tuple[str, bool]:
    """The line without a hard line-break marker (`\\` or two trailing spaces); had it one?"""
    line = raw.rstrip()
    if line.endswith("\\") and not line.endswith("\\\\"):
        return line[:-1].rstrip(), True
    return line, bool(line) and raw.endswith("  ")


def _cells(line: str) -> tuple[str, ...]:
    inner = line.strip().removeprefix("|")
    if inner.endswith("|") and not inner.endswith("\\|"):
        inner = inner[:-1]
    return tuple(_plain(cell) for cell in _CELL_SPLIT.split(inner))


def _plain_number(item: re.Match[str]) -> int | None:
    """The number of an "N." list marker (not "N)", "a)" or "(i)")."""
    marker = item["marker"]
    return int(marker[:-1]) if marker[:-1].isdigit() and marker.endswith(".") else None


def _line_number(line: str) -> int | None:
    item = _ORDERED.match(line)
    return _plain_number(item) if item else None


def _inferred_heading(line: str) -> Heading | None:
    """A numbered ("2.3 Title", "Section 4: Title") or capitals line shaped like a heading."""
    text = _heading_text(line)
    if level := _numbered_level(line):
        shaped = _heading_shaped(_plain(line), _NUMBERED_HEADING_WORDS)
        return Heading(text, level, numbered=True) if shaped else None
    return Heading(text, None) if _is_capitals(text) else None


def _numbered_level(line: str) -> int | None:
    """The depth of a "2.3 Title" or "Section 4: Title" line's number, if it has one."""
    match = _MULTI_NUMBERED.match(line) or _SECTION_WORD.match(line)
    return match["number"].count(".") + 1 if match else None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _is_capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return (
        len(letters) >= 2
        and all(c.isupper() for c in letters)
        and _heading_shaped(text, _CAPS_HEADING_WORDS)
    )


def _heading_shaped(text: str, max_words: int) -> bool:
    """Short and not a sentence: headings don't end in punctuation."""
    return 0 < len(text.split()) <= max_words and not text.endswith((".", "!", "?", ";", ",", ":"))


def _heading_text(raw: str) -> str:
    return _plain(raw).rstrip(":").rstrip()


def _plain(text: str) -> str:
    """Markdown inline markup to plain text; a link keeps its address in parentheses."""
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(_link_text, text)
    text = _SPAN.sub(r"\1", text)
    text = _AUTOLINK.sub(r"\1", text)
    while (unwrapped := _EMPHASIS.sub(r"\2", text)) != text:  # nested: **a *b* c**
        text = unwrapped
    text = _ESCAPE.sub(r"\1", text)
    return _squash(html.unescape(text))


def _link_text(link: re.Match[str]) -> str:
    text, url = link[1], link[2].removeprefix("mailto:")
    return text if url == text or url.startswith("#") else f"{text} ({url})"


def _squash(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


# -- Word (.docx) -----------------------------------------------------------------------------

_HEADING_STYLE = re.compile(r"^heading\s*(\d)$", re.IGNORECASE)
_STYLE_NUMBER = re.compile(r"(\d+)$")


def _docx_blocks(document: DocxDocument) -> Iterator[Block]:
    """Paragraphs and tables in document order."""
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            yield from _docx_table(item)
        else:
            yield from _docx_paragraph(item)


def _docx_paragraph(paragraph: DocxParagraph) -> Iterator[Block]:
    style = paragraph.style.name if paragraph.style is not None and paragraph.style.name else ""
    lines = [line for line in map(_squash, paragraph.text.split("\n")) if line]
    if not lines:
        return
    text = " ".join(lines)
    if (level := _docx_heading_level(style)) is not None:
        yield Heading(text.rstrip(":").rstrip(), level)
    elif "list" in style.lower() or _numbering(paragraph) is not None:
        yield ListItem(text, _docx_list_depth(paragraph, style))
    elif _is_bold(paragraph) and _heading_shaped(text.rstrip(":"), _BOLD_HEADING_WORDS):
        yield Heading(text.rstrip(":").rstrip(), None)
    else:  # a line break inside a paragraph separates lines, as a hard break does in Markdown
        yield from map(Paragraph, lines)


def _docx_heading_level(style: str) -> int | None:
    """Title sits above Heading 1, so a document's Heading 1s nest under its title."""
    if style.lower() == "title":
        return 0
    match = _HEADING_STYLE.match(style)
    return int(match[1]) if match else None


def _numbering(paragraph: DocxParagraph) -> CT_NumPr | None:
    ppr = paragraph._p.pPr
    numbering = ppr.numPr if ppr is not None else None
    return cast(CT_NumPr | None, numbering)


def _docx_list_depth(paragraph: DocxParagraph, style: str) -> int:
    """Depth from the numbering level, else from a "List Bullet 2"-style name."""
    numbering = _numbering(paragraph)
    level = numbering.ilvl if numbering is not None else None
    if level is not None:
        return int(cast(Any, level).val)
    number = _STYLE_NUMBER.search(style)
    return int(number[1]) - 1 if number else 0


def _is_bold(paragraph: DocxParagraph) -> bool:
    """Whether every run with text is bold, directly or through its style."""
    runs = [
        run
        for content in paragraph.iter_inner_content()
        for run in ([content] if isinstance(content, Run) else content.runs)
        if run.text.strip()
    ]
    return bool(runs) and all(_run_bold(run, paragraph) for run in runs)


def _run_bold(run: Run, paragraph: DocxParagraph) -> bool:
    if run.bold is not None:
        return run.bold
    for style in (run.style, paragraph.style):
        if (bold := _style_bold(style)) is not None:
            return bold
    return False


def _style_bold(style: BaseStyle | None) -> bool | None:
    # Paragraph and character styles have a font and a base style; others have neither.
    current: Any = style
    while current is not None:
        bold = getattr(getattr(current, "font", None), "bold", None)
        if bold is not None:
            return bool(bold)
        current = getattr(current, "base_style", None)
    return None


def _docx_table(table: Table) -> Iterator[TableRow]:
    rows = list(table.rows)
    for n, row in enumerate(rows):
        cells = _docx_cells(row)
        header = n == 0 and len(rows) > 1 and _is_header_row(row)
        if any(cells):
            yield TableRow(cells, header)


def _docx_cells(row: _Row) -> tuple[str, ...]:
    """Cell texts, once per cell: python-docx repeats a merged cell for each column it spans."""
    cells = []
    previous = None
    for cell in row.cells:
        if previous is None or cell._tc is not previous._tc:
            cells.append(_squash(cell.text))
        previous = cell
    return tuple(cells)


def _is_header_row(row: _Row) -> bool:
    """Marked "repeat as header row" in Word, or every cell in it bold."""
    if row._tr.xpath("./w:trPr/w:tblHeader"):
        return True
    paragraphs = [p for cell in row.cells for p in cell.paragraphs if p.text.strip()]
    return bool(paragraphs) and all(_is_bold(p) for p in paragraphs)
