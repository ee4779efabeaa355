"""Saved web pages (.html, .htm), read with Beautiful Soup over lxml.

A school's web page says what a heading is (h1–h6), what a list is and how lists nest, and which
table cells head their columns, so this reader trusts the markup. Around the policy is the site:
navigation, banners, footers, sidebars, forms and scripts are not policy text, nor are comments or
server-side code saved with the page (`<?php … ?>`). Older sites mark headings only with bold or
big type, so a paragraph that is all bold and shaped like a heading is taken for one; tables
used for page layout are read as the text they hold, not as rows.
"""

from __future__ import annotations

import hashlib
import re
import warnings
from collections.abc import Iterator
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, PageElement, Tag, XMLParsedAsHTMLWarning

from bot.policy.document import PolicyDocument
from bot.policy.reading.blocks import (
    Block,
    Caption,
    Heading,
    ListItem,
    Paragraph,
    TableRow,
    build,
)
from bot.policy.reading.cleanup import clean
from bot.policy.reading.shapes import (
    BOLD_HEADING_WORDS,
    heading_shaped,
    heading_text,
    inferred_heading,
    squash,
)

# Server-side code saved with the page: PHP, ASP and the XML declaration's kin. What a block of
# PHP prints from a heredoc (`$html .= <<<END … END;`) is the page's own markup, so it stays.
_SERVER_CODE = re.compile(rb"<\?.*?(?:\?>|\Z)|<%.*?(?:%>|\Z)", re.DOTALL)
_HEREDOC = re.compile(rb"<<<\s*[\"']?(\w+)[\"']?\r?\n(.*?)\r?\n\s*\1\b", re.DOTALL)
_PHP_VARIABLE = re.compile(rb"\{?\$\w+(?:->\w+|\[[^\]]*\])*\}?")


def _names(names: str) -> frozenset[str]:
    return frozenset(names.split())


_SITE_FURNITURE = _names(
    "script style noscript template nav aside form button select textarea input iframe object "
    "embed svg canvas map head img picture video audio"
)
_PAGE_FURNITURE = frozenset({"header", "footer"})  # the site's, unless inside the article
_FURNITURE_ROLES = frozenset({"navigation", "banner", "contentinfo", "search", "complementary"})
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_LISTS = frozenset({"ul", "ol", "menu"})
_EMPHASIS = frozenset({"strong", "b"})
_PLAIN, _BOLD, _LARGE = 0, 1, 2  # how a run of text is emphasised
_BLOCKS = _names(
    "p div section article main body blockquote center dl dt dd pre address figure figcaption "
    "fieldset details summary li table tr td th thead tbody tfoot caption hr"
)
_LAYOUT_INSIDE = frozenset({"table", "p", "div", "ul", "ol", *_HEADINGS})
_UNTITLED = frozenset({"", "home", "home page", "untitled", "document", "untitled document"})
_LINK_LINE_WORDS = 6


def parse_html(data: bytes, *, source: Path, key_prefix: str = "") -> PolicyDocument:
    """Parse a saved web page; the encoding comes from its BOM or <meta charset>."""
    with warnings.catch_warnings():  # an XHTML page is still read as HTML
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(_SERVER_CODE.sub(_printed_markup, data), "lxml")
    body = soup.body or soup
    return build(
        clean(list(_Reader(marked_headings=body.find(list(_HEADINGS)) is not None).read(body))),
        source=source,
        content_hash=hashlib.sha256(data).hexdigest(),
        key_prefix=key_prefix,
        title=_title(soup),
    )


def _printed_markup(code: re.Match[bytes]) -> bytes:
    """What a block of server code prints as literal markup: its heredocs, variables left out."""
    return b"\n".join(_PHP_VARIABLE.sub(b"", body) for _, body in _HEREDOC.findall(code[0]))


def _title(soup: BeautifulSoup) -> str | None:
    """The page's first <h1>, else its <title> unless that is a placeholder ("Home Page")."""
    for tag in (soup.find("h1"), soup.title):
        if isinstance(tag, Tag) and not _is_furniture(tag):
            text = squash(tag.get_text(" "))
            if text.casefold() not in _UNTITLED:
                return text
    return None


def _is_furniture(tag: Tag) -> bool:
    """Site navigation and the like, wherever it sits in the page."""
    for element in (tag, *tag.parents):
        if not isinstance(element, Tag):
            continue
        if element.name in _SITE_FURNITURE - {"head"} or _furniture(element):
            return True
    return False


def _furniture(tag: Tag) -> bool:
    if tag.name in _SITE_FURNITURE or tag.has_attr("hidden"):
        return True
    if str(tag.get("role", "")).lower() in _FURNITURE_ROLES:
        return True
    if str(tag.get("aria-hidden", "")).lower() == "true":
        return True
    if tag.name in _PAGE_FURNITURE:
        return tag.find_parent(["article", "main"]) is None
    return False


class _Reader:
    """Walks the page in document order, gathering inline text into paragraphs."""

    def __init__(self, *, marked_headings: bool) -> None:
        self._marked_headings = marked_headings
        self._lines: list[list[tuple[str, int]]] = [[]]  # runs of (text, emphasis)

    def read(self, element: Tag) -> Iterator[Block]:
        yield from self._children(element, emphasis=_PLAIN)
        yield from self._flush()

    def _children(self, element: Tag, *, emphasis: int) -> Iterator[Block]:
        for child in element.children:
            if type(child) is NavigableString:  # not a comment, CDATA or declaration
                self._lines[-1].append((str(child), emphasis))
            elif isinstance(child, Tag) and not _furniture(child):
                yield from self._element(child, emphasis=emphasis)

    def _element(self, tag: Tag, *, emphasis: int) -> Iterator[Block]:
        name = tag.name
        if name == "br":
            self._lines.append([])
        elif name in _HEADINGS:
            yield from self._flush()
            if text := heading_text(_text(tag)):
                yield Heading(text, _HEADINGS[name], explicit=True)
        elif name in _LISTS:
            yield from self._flush()
            yield from self._list(tag, depth=0)
        elif name == "table" and not _is_layout(tag):
            yield from self._flush()
            yield from _table(tag)
        elif name in _BLOCKS:
            yield from self._flush()
            if _is_link_line(tag):
                return
            yield from self._children(tag, emphasis=emphasis)
            yield from self._flush()
        else:  # inline: a, span, font, em, u…
            if name == "big" or _big_font(tag):
                emphasis = _LARGE
            elif name in _EMPHASIS:
                emphasis = max(emphasis, _BOLD)
            yield from self._children(tag, emphasis=emphasis)

    def _flush(self) -> Iterator[Block]:
        """The inline text gathered so far, as a heading or as paragraphs (one per line)."""
        lines = [
            (text, min((weight for part, weight in runs if part.strip()), default=_PLAIN))
            for runs in self._lines
            if (text := squash("".join(part for part, _ in runs)))
        ]
        self._lines = [[]]
        if not lines:
            return
        joined = " ".join(text for text, _ in lines)
        emphasis = min(weight for _, weight in lines)
        if emphasis >= _BOLD and heading_shaped(heading_text(joined), BOLD_HEADING_WORDS):
            # Large type heads the page when it has no marked headings; bold nests below.
            top = emphasis == _LARGE and not self._marked_headings
            yield Heading(heading_text(joined), 1 if top else None)
        elif len(lines) == 1 and (heading := inferred_heading(joined)):
            yield heading
        else:
            yield from (Paragraph(text) for text, _ in lines)

    def _list(self, tag: Tag, *, depth: int) -> Iterator[Block]:
        for item in tag.children:
            if not isinstance(item, Tag) or _furniture(item):
                continue
            if item.name in _LISTS:  # a list nested straight in a list, as old editors write
                yield from self._list(item, depth=depth + 1)
                continue
            sublists = [c for c in item.children if isinstance(c, Tag) and c.name in _LISTS]
            own = [c for c in item.children if not any(c is sublist for sublist in sublists)]
            text = squash(" ".join(_text(child) for child in own))
            if text:
                yield ListItem(text, depth)
            for sublist in sublists:
                yield from self._list(sublist, depth=depth + 1 if text else depth)


def _text(node: PageElement) -> str:
    """The visible text of a node: comments, scripts and images' alt text left out; block
    elements and line breaks separate words, inline ones (<b>Staff</b>'s) do not."""
    return squash(_raw_text(node))


def _raw_text(node: PageElement) -> str:
    if isinstance(node, NavigableString):
        return str(node) if type(node) is NavigableString else ""
    if not isinstance(node, Tag) or _furniture(node):
        return ""
    inner = "".join(_raw_text(child) for child in node.children)
    if node.name == "br" or node.name in _BLOCKS or node.name in _LISTS or node.name in _HEADINGS:
        return f" {inner} "
    return inner


def _is_link_line(tag: Tag) -> bool:
    """A short line that is nothing but a link ("Back to Main Page", "Home"): navigation."""
    links = tag.find_all("a")
    text = _text(tag)
    return (
        len(links) == 1
        and bool(text)
        and _text(links[0]) == text
        and len(text.split()) <= _LINK_LINE_WORDS
    )


def _big_font(tag: Tag) -> bool:
    """<font size="+1"> or size 4 and up: how old sites made headings."""
    if tag.name != "font":
        return False
    size = str(tag.get("size", "")).strip()
    return size.startswith("+") or (size.isdigit() and int(size) >= 4)


def _is_layout(table: Tag) -> bool:
    """A table that lays out the page rather than holding data: its cells hold paragraphs,
    lists or tables, or it has a single row or column."""
    rows = _rows(table)
    if len(rows) < 2 or max(len(_cells(row)) for row in rows) < 2:
        return True
    return any(cell.find(_LAYOUT_INSIDE) is not None for row in rows for cell in _cells(row))


def _rows(table: Tag) -> list[Tag]:
    """The table's own rows, not those of tables nested in it."""
    return [row for row in table.find_all("tr") if row.find_parent("table") is table]


def _cells(row: Tag) -> list[Tag]:
    return [cell for cell in row.find_all(["td", "th"], recursive=False)]


def _table(table: Tag) -> Iterator[Block]:
    caption = table.find("caption")
    if isinstance(caption, Tag) and (text := _text(caption)):
        yield Caption(text)
    for n, row in enumerate(_rows(table)):
        cells = _cells(row)
        texts = tuple(_text(cell) for cell in cells)
        header = (row.find_parent("thead") is not None) or (
            n == 0 and all(cell.name == "th" for cell in cells)
        )
        if any(texts):
            yield TableRow(texts, header)
