"""Word documents (.docx), read with python-docx.

Word says what a heading is (its heading styles) and what a list is (numbering), so this reader
trusts the styles and falls back on shape only for bold one-line paragraphs, which is how many
schools' policies make their headings.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import docx
from docx.document import Document as DocxDocument
from docx.oxml.numbering import CT_NumPr
from docx.styles.style import BaseStyle
from docx.table import Table, _Row
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run

from bot.policy.document import PolicyDocument
from bot.policy.reading.blocks import Block, Heading, ListItem, Paragraph, TableRow, build
from bot.policy.reading.cleanup import clean
from bot.policy.reading.shapes import BOLD_HEADING_WORDS, heading_shaped, squash


def parse_docx(path: Path, *, key_prefix: str = "", data: bytes | None = None) -> PolicyDocument:
    """Parse a Word document (`data`, else the file at `path`); python-docx errors propagate
    for the loader to explain."""
    if data is None:
        data = path.read_bytes()
    return build(
        clean(list(_docx_blocks(docx.Document(io.BytesIO(data))))),
        source=path,
        content_hash=hashlib.sha256(data).hexdigest(),
        key_prefix=key_prefix,
    )


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
    lines = [line for line in map(squash, paragraph.text.split("\n")) if line]
    if not lines:
        return
    text = " ".join(lines)
    if (level := _docx_heading_level(style)) is not None:
        yield Heading(text.rstrip(":").rstrip(), level, explicit=True)
    elif "list" in style.lower() or _numbering(paragraph) is not None:
        yield ListItem(text, _docx_list_depth(paragraph, style))
    elif _is_bold(paragraph) and heading_shaped(text.rstrip(":"), BOLD_HEADING_WORDS):
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
            cells.append(squash(cell.text))
        previous = cell
    return tuple(cells)


def _is_header_row(row: _Row) -> bool:
    """Marked "repeat as header row" in Word, or every cell in it bold."""
    if row._tr.xpath("./w:trPr/w:tblHeader"):
        return True
    paragraphs = [p for cell in row.cells for p in cell.paragraphs if p.text.strip()]
    return bool(paragraphs) and all(_is_bold(p) for p in paragraphs)
