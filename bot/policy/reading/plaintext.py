"""Plain text (.txt), as Word's "Plain Text" export and copies out of PDFs and web pages leave it.

With no markup to go by, a line's shape says what it is: a `#` line, a bold line, a numbered or
capitals line or a short title line standing alone is a heading; a lone "1. Purpose" is a heading
but a run of numbered lines is a list; hard-wrapped sentences are joined again, a clause number
on a line of its own is joined to its text, and indentation nests lists.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass
from pathlib import Path

from bot.policy.document import PolicyDocument
from bot.policy.reading.blocks import Block, Heading, ListItem, Paragraph, TableRow, build
from bot.policy.reading.cleanup import clean
from bot.policy.reading.shapes import (
    BOLD_HEADING_WORDS,
    BULLET,
    NUMBERED_HEADING_WORDS,
    heading_shaped,
    inferred_heading,
    squash,
    title_shaped,
)

# Editors wrap prose at 72-80 columns; lines past this width were written a paragraph per line.
_WRAP_WIDTH = 100


def parse_plain_text(text: str, *, source: Path, key_prefix: str = "") -> PolicyDocument:
    """Parse plain text, hashing it as UTF-8 (the loader hashes the bytes on disk)."""
    return build(
        clean(_PlainTextReader(text).blocks()),
        source=source,
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        key_prefix=key_prefix,
    )


_ATX = re.compile(r"^ {0,3}(#{1,6})(?:\s+(.*?))?(?:\s+#+)?\s*$")
_UNDERLINE = re.compile(r"^ {0,3}(={3,}|-{3,})\s*$")
_RULE = re.compile(r"^ {0,3}([-*_=])(?:\s*\1){2,}\s*$")
_BOLD_LINE = re.compile(r"^\s*(\*\*|__)(?P<text>(?:(?!\1).)+)\1\s*:?\s*$")
_ORDERED = re.compile(
    r"^(?P<indent>\s*)(?P<marker>\d{1,3}[.)]|[a-zA-Z]\)|[ivxIVX]+\)"
    r"|\((?:\d{1,3}|[a-zA-Z]|[ivxIVX]+)\))(?:\s+(?P<text>.*))?$"
)
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")

_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)(?:\{[^}]*\})?")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_SPAN = re.compile(r"\[([^\]]*)\]\{[^}]*\}")  # pandoc's [underlined]{.underline}
_AUTOLINK = re.compile(r"<(?:mailto:)?([^<>\s]+(?:@|://)[^<>\s]+)>")
_EMPHASIS = re.compile(r"(?<![\w*\\])(\*{1,3}|_{2,3})(?=[^\s*_])(.+?)(?<=[^\s\\])\1(?![\w*])")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


@dataclass
class _OpenBlock:
    """A paragraph (depth None) or list item still collecting soft-wrapped lines."""

    lines: list[str]
    depth: int | None = None


class _PlainTextReader:
    """Reads plain text (with whatever Markdown it happens to hold) line by line into blocks."""

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
            self._heading(Heading(_heading_text(" ".join(paragraph.lines)), level, explicit=True))
        elif _RULE.match(line):
            self._close_list()
        elif atx := _ATX.match(line):
            self._heading(Heading(_heading_text(atx[2] or ""), len(atx[1]), explicit=True))
        elif line.lstrip().startswith("|"):
            return self._table(i)
        elif bold := self._bold_heading(i):
            self._heading(Heading(bold[0], None))
            return bold[1]
        elif item := BULLET.match(line) or _ORDERED.match(line):
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
        return (text, end) if heading_shaped(text, BOLD_HEADING_WORDS) else None

    def _numbered_heading(self, i: int, item: re.Match[str]) -> bool:
        """A lone "N. Short title" line is a section heading; the same shape in a run is a list."""
        number = _plain_number(item)
        if number is None or len(item["indent"]) > 3:
            return False
        if not heading_shaped(_plain(item["text"] or ""), NUMBERED_HEADING_WORDS):
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
            BULLET.match(following) or _ORDERED.match(following)
        )  # then it is the list's lead-in
        if alone and followed_by_blank and not before_list and title_shaped(text := _plain(line)):
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


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


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
    return squash(html.unescape(text))


def _link_text(link: re.Match[str]) -> str:
    text, url = link[1], link[2].removeprefix("mailto:")
    return text if url == text or url.startswith("#") else f"{text} ({url})"


def _inferred_heading(line: str) -> Heading | None:
    return inferred_heading(_plain(line))
