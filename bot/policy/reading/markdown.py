"""Markdown (.md, .markdown), read with markdown-it-py as CommonMark with GFM tables.

The library decides what the syntax means: where a paragraph or list ends, how lists nest, that an
HTML comment or a YAML front-matter block is not text, that `# x` in a code block is not a heading.
On top of that this reader adds what Word exports need, since many school policies reach Markdown
through Word: a paragraph that is all bold, numbered like a clause ("2.3 Staff use"), in capitals,
or a short title line standing on its own is taken for the heading it was, and a lone "1. Purpose"
is a numbered section rather than a one-item list.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.front_matter import front_matter_plugin

from bot.policy.document import PolicyDocument
from bot.policy.reading.blocks import Block, Heading, ListItem, Paragraph, TableRow, build
from bot.policy.reading.cleanup import clean
from bot.policy.reading.shapes import (
    BOLD_HEADING_WORDS,
    NUMBERED_HEADING_WORDS,
    heading_shaped,
    heading_text,
    inferred_heading,
    squash,
    title_shaped,
)

_MARKDOWN = MarkdownIt("commonmark").enable("table").use(front_matter_plugin)
# pandoc's [underlined]{.underline} spans and {width="2in"} attributes: markup, not text.
_SPAN = re.compile(r"\[([^\]]*)\]\{[^}]*\}")
_ATTRIBUTES = re.compile(r"\{(?:[.#][\w-]+|[\w-]+=)[^}]*\}")
_DECLARATION = re.compile(r"^<!(?!doctype\b)[a-z]", re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_FRONT_MATTER_TITLE = re.compile(r"^title:\s*(?P<title>.+?)\s*$", re.MULTILINE | re.IGNORECASE)


def parse_markdown(text: str, *, source: Path, key_prefix: str = "") -> PolicyDocument:
    """Parse Markdown, hashing the text as UTF-8 (the loader hashes the bytes on disk)."""
    root = SyntaxTreeNode(_MARKDOWN.parse(text))
    return build(
        clean(list(_blocks(root.children))),
        source=source,
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        key_prefix=key_prefix,
        title=_front_matter_title(root),
    )


def _front_matter_title(root: SyntaxTreeNode) -> str | None:
    """The `title:` of a YAML front-matter block, which static-site policies carry."""
    for node in root.children:
        if node.type == "front_matter" and (match := _FRONT_MATTER_TITLE.search(node.content)):
            return squash(match["title"].strip("'\"")) or None
    return None


def _blocks(nodes: list[SyntaxTreeNode]) -> Iterator[Block]:
    for n, node in enumerate(nodes):
        following = nodes[n + 1] if n + 1 < len(nodes) else None
        previous = nodes[n - 1] if n else None
        match node.type:
            case "heading":
                if title := heading_text(" ".join(_inline(node).lines)):
                    yield Heading(title, int(node.tag[1]), explicit=True)
            case "paragraph":
                yield from _paragraph(node, before_list=_is_list(following))
            case "bullet_list" | "ordered_list":
                if heading := _numbered_heading(node, previous):
                    yield heading
                else:
                    yield from _list_items(node, depth=0)
            case "table":
                yield from _table(node)
            case "blockquote":
                yield from _blocks(node.children)
            case "code_block" | "fence":
                if code := squash(node.content):
                    yield Paragraph(code)  # text the author indented, never a heading
            case "html_block":
                if html_text := _html_text(node.content):
                    yield Paragraph(html_text)
            # front_matter and hr carry no policy text


def _is_list(node: SyntaxTreeNode | None) -> bool:
    return node is not None and node.type in ("bullet_list", "ordered_list")


def _paragraph(node: SyntaxTreeNode, *, before_list: bool) -> Iterator[Block]:
    text = _inline(node)
    lines = [line for line in text.lines if line]
    if not lines:
        return
    joined = " ".join(lines)
    if text.bold and heading_shaped(heading_text(joined), BOLD_HEADING_WORDS):
        yield Heading(heading_text(joined), None)  # a bold title block split by hard breaks
        return
    if len(lines) == 1 and not text.wrapped:
        if heading := inferred_heading(joined):
            yield heading
            return
        if not before_list and title_shaped(joined):  # otherwise it is the list's lead-in
            yield Heading(joined, None)
            return
    yield from map(Paragraph, lines)  # a hard break separates lines, as in Word


def _numbered_heading(node: SyntaxTreeNode, previous: SyntaxTreeNode | None) -> Heading | None:
    """A one-item "N. Short title" list standing alone is a section heading, as Word exports
    number them; the same shape in a run of items, or after a "…:" lead-in, is a list."""
    if node.type != "ordered_list" or len(node.children) != 1:
        return None
    item = node.children[0]
    if item.markup != "." or len(item.children) != 1 or item.children[0].type != "paragraph":
        return None
    text = _inline(item.children[0])
    title = " ".join(text.lines)
    if text.wrapped or len(text.lines) != 1 or not heading_shaped(title, NUMBERED_HEADING_WORDS):
        return None
    if previous is not None and previous.type == "paragraph" and _ends_lead_in(previous):
        return None
    return Heading(f"{item.info}. {heading_text(title)}", 1, numbered=True)


def _ends_lead_in(paragraph: SyntaxTreeNode) -> bool:
    return " ".join(_inline(paragraph).lines).endswith(":")


def _list_items(node: SyntaxTreeNode, *, depth: int) -> Iterator[Block]:
    for item in node.children:
        paragraphs = [child for child in item.children if child.type == "paragraph"]
        text = squash(" ".join(" ".join(_inline(p).lines) for p in paragraphs))
        if text:
            yield ListItem(text, depth)
        for child in item.children:
            if _is_list(child):
                yield from _list_items(child, depth=depth + 1 if text else depth)
            elif child.type != "paragraph":
                yield from _blocks([child])


def _table(node: SyntaxTreeNode) -> Iterator[TableRow]:
    for part in node.children:  # thead, tbody
        for row in part.children:
            cells = tuple(squash(" ".join(_inline(cell).lines)) for cell in row.children)
            if any(cells):
                yield TableRow(cells, header=part.type == "thead")


def _html_text(html: str) -> str:
    """The text of a raw HTML block, comments dropped (they are notes, not policy)."""
    without_comments = _COMMENT.sub("", html)
    if not without_comments.strip():
        return ""
    reader = _HTMLText()
    reader.feed(without_comments)
    reader.close()
    return squash(" ".join(reader.parts))


class _HTMLText(HTMLParser):
    """The text of an HTML fragment (the standard library's parser: it is only a fragment)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_decl(self, decl: str) -> None:
        if not decl.lower().startswith("doctype"):
            self.parts.append(f"<!{decl}>")  # "<!channel>", typed as text (see _inline_html)

    def handle_comment(self, data: str) -> None:
        """Comments are gone before parsing: what is left is a "<!channel>" it took for one."""
        self.handle_decl(data)


@dataclass
class _Text:
    lines: list[str]
    bold: bool  # every visible character is inside **strong** emphasis
    wrapped: bool  # the source wrapped it over several lines


def _inline(node: SyntaxTreeNode) -> _Text:
    """A block's inline content as plain text, split at hard line breaks."""
    inline = node.children[0] if node.children and node.children[0].type == "inline" else node
    reader = _InlineReader()
    reader.read(inline.children, strong=False)
    lines = [squash(_ATTRIBUTES.sub("", _SPAN.sub(r"\1", line))) for line in reader.lines]
    return _Text(lines, reader.bold and reader.visible, reader.wrapped)


class _InlineReader:
    def __init__(self) -> None:
        self.lines = [""]
        self.bold = True
        self.visible = False
        self.wrapped = False

    def read(self, nodes: list[SyntaxTreeNode], *, strong: bool) -> None:
        for node in nodes:
            match node.type:
                case "text" | "code_inline":
                    self._write(node.content, strong=strong)
                case "softbreak":
                    self.wrapped = True
                    self._write(" ", strong=strong)
                case "hardbreak":
                    self.lines.append("")
                case "strong":
                    self.read(node.children, strong=True)
                case "link":
                    self._link(node, strong=strong)
                case "html_inline":
                    self._inline_html(node.content, strong=strong)
                case "image":
                    pass  # an image's alt text is a logo's name or a picture's, not policy text
                case _:
                    self.read(node.children, strong=strong)

    def _inline_html(self, html: str, *, strong: bool) -> None:
        """A tag is formatting and a comment a note, neither of them text; a <br> breaks the
        line. What CommonMark calls a declaration ("<!channel>") is no HTML an author of a
        policy writes, so it stays the text it was typed as."""
        if html.lower().startswith("<br"):
            self.lines.append("")
        elif _DECLARATION.match(html):
            self._write(html, strong=strong)

    def _link(self, node: SyntaxTreeNode, *, strong: bool) -> None:
        start = len(self.lines[-1])
        self.read(node.children, strong=strong)
        text = self.lines[-1][start:].strip().removeprefix("mailto:")
        url = unquote(str(node.attrs.get("href", ""))).removeprefix("mailto:")
        if node.markup == "autolink":  # <https://…>: the address is its own text
            text, url = text, text
        if text and url != text and not url.startswith("#"):
            self._write(f" ({url})", strong=strong)
        elif text != self.lines[-1][start:].strip():  # an autolink's "mailto:" shown as text
            self.lines[-1] = self.lines[-1][:start] + text

    def _write(self, text: str, *, strong: bool) -> None:
        self.lines[-1] += text
        if text.strip():
            self.visible = True
            self.bold = self.bold and strong
