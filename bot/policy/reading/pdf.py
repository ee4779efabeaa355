"""PDF (.pdf): the text layer read with pypdfium2, tables found with pdfplumber's table finder.

Why not pdfplumber or pypdf alone. CPU seconds to read published school policies on the
development machine (2 cores); the whole parse for this reader, the library's own pass for the
others:

| policy length | 51 pages | 14 pages | 13 pages | 8 pages |
|---|--:|--:|--:|--:|
| pdfplumber 0.11: characters with size and font, `find_tables` | 13.3 s | 3.2 s | 1.6 s | 1.0 s |
| pypdf 7: `extract_text`, which has no sizes, fonts or tables | 4.9 s | 1.2 s | 0.7 s | 0.6 s |
| this reader: pypdfium2 text and fonts, pdfplumber's finder | 1.2 s | 0.14 s | 0.13 s | 0.10 s |

A policy must load in under 3 s. pdfplumber parses pages with pdfminer.six, which builds a Python
object per character; pypdf is faster but still too slow, and its plain text has no sizes or
weights to tell a heading from body text (its visitor callbacks have them, at more cost). The
words were the same: pypdf and PDFium gave identical words on all seven policies, while
pdfplumber's `extract_text` doubled letters printed twice over to look bold ("DDooccuummeenntt")
and split sideways table headings into letters. pypdfium2 is PDFium, the engine Chrome uses,
and pdfplumber already depends on it to render pages. Tables are found by pdfplumber's table
finder (edges to intersections to cells to tables, after Nurminen and Tabula) fed with the ruling
lines PDFium reports, so no page is parsed twice.
"""

from __future__ import annotations

import ctypes
import hashlib
import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber.table import (
    cells_to_tables,
    edges_to_intersections,
    intersections_to_cells,
    merge_edges,
)

from bot.policy.document import PolicyDocument
from bot.policy.reading.blocks import build
from bot.policy.reading.cleanup import clean, page_furniture
from bot.policy.reading.pdflayout import Cell, Line, PageContent, Table, read_layout

# pdfplumber's default tolerances (points) for snapping and joining ruling lines.
_SNAP = 3.0
_MIN_EDGE = 3.0
_THIN = 2.0  # points: a rectangle thinner than this is a ruled line
_LINE_OR_RECTANGLE = (2, 4, 5)  # segments in a path that is one line, or one rectangle
_STYLE_SAMPLES = 12  # characters per line whose font is looked up: enough to tell its style
_BOLD_WEIGHT = 600
_MOSTLY_BOLD = 0.8  # a bold line may have a plain bullet or number in front
_FORCE_BOLD = 1 << 18  # the font descriptor's ForceBold flag
_BOLD_NAME = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
_LINE_BREAK = "\r\n"  # PDFium's own marker between lines
_SOFT_HYPHEN = "\ufffe"  # how PDFium reports a hyphen that breaks a word at a line's end


class ScannedPDFError(Exception):
    """The PDF has pages but no text on them: a scan, which needs OCR before it can be read."""


class PDFReadError(Exception):
    """PDFium could not open the file: damaged, not a PDF, or protected by a password."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.password = "password" in problem.lower()


def parse_pdf(data: bytes, *, source: Path, key_prefix: str = "") -> PolicyDocument:
    """Parse a PDF's text layer; raise `ScannedPDFError` if it has none."""
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        raise PDFReadError(str(error)) from error
    try:
        pages = [_read_page(document, n) for n in range(len(document))]
    finally:
        document.close()
    dropped = page_furniture([page.lines for page in pages], [page.height for page in pages])
    for n, page in enumerate(pages):
        page.lines = [line for m, line in enumerate(page.lines) if (n, m) not in dropped]
    if not any(page.lines or page.tables for page in pages):
        raise ScannedPDFError  # at most a page number stamped on each picture of a page
    blocks, title = read_layout(pages)
    return build(
        clean(blocks),
        source=source,
        content_hash=hashlib.sha256(data).hexdigest(),
        key_prefix=key_prefix,
        title=title,
    )


@dataclass(frozen=True)
class _Style:
    size: float
    bold: bool
    upright: bool


class _PageReader:
    """One page's characters, grouped into lines by PDFium's own line breaks."""

    def __init__(self, page: pdfium.PdfPage, number: int) -> None:
        self.page = page
        self.number = number
        self.height = page.get_height()
        self.textpage = page.get_textpage()
        self.count = self.textpage.count_chars()
        self.text = self._text()
        self._styles: dict[int, _Style | None] = {}

    def _text(self) -> str:
        text = self.textpage.get_text_range(0, self.count) if self.count else ""
        if len(text) == self.count:
            return text.replace(_SOFT_HYPHEN, "-")
        # Characters outside the Basic Multilingual Plane take two UTF-16 units: go one by one.
        raw = self.textpage.raw
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(raw, i)) for i in range(self.count))
        return text.replace(_SOFT_HYPHEN, "-")

    def spans(self) -> Iterator[tuple[int, int]]:
        """Each line's character range, by the line breaks PDFium puts between them."""
        start = 0
        while start < self.count:
            end = self.text.find(_LINE_BREAK, start)
            end = self.count if end < 0 else end
            if self.text[start:end].strip():
                yield start, end
            start = end + len(_LINE_BREAK)

    def style(self, index: int) -> _Style | None:
        """The size, weight and slant of the text object the character belongs to."""
        obj = pdfium_c.FPDFText_GetTextObject(self.textpage.raw, index)
        key = ctypes.cast(obj, ctypes.c_void_p).value
        if key is None:
            return None  # a space or line break PDFium generated
        if key not in self._styles:
            self._styles[key] = _object_style(obj)
        return self._styles[key]

    def box(self, index: int) -> tuple[float, float, float, float]:
        """(x0, top, x1, bottom) of a character's line-height box, measured from the page top."""
        rect = pdfium_c.FS_RECTF()
        pdfium_c.FPDFText_GetLooseCharBox(self.textpage.raw, index, rect)
        return rect.left, self.height - rect.top, rect.right, self.height - rect.bottom


def _object_style(obj: Any) -> _Style:
    size = ctypes.c_float()
    pdfium_c.FPDFTextObj_GetFontSize(obj, size)
    matrix = pdfium_c.FS_MATRIX()
    pdfium_c.FPDFPageObj_GetMatrix(obj, matrix)
    font = pdfium_c.FPDFTextObj_GetFont(obj)
    name = ctypes.create_string_buffer(128)
    pdfium_c.FPDFFont_GetBaseFontName(font, name, len(name))
    bold = (
        pdfium_c.FPDFFont_GetWeight(font) >= _BOLD_WEIGHT
        or bool(pdfium_c.FPDFFont_GetFlags(font) & _FORCE_BOLD)
        or bool(_BOLD_NAME.search(name.value.decode("latin-1")))
        or pdfium_c.FPDFTextObj_GetTextRenderMode(obj) == pdfium_c.FPDF_TEXTRENDERMODE_FILL_STROKE
    )
    scale = math.hypot(matrix.c, matrix.d) or 1.0
    upright = abs(matrix.b) < 1e-3 and abs(matrix.c) < 1e-3 and matrix.a > 0 and matrix.d > 0
    return _Style(round(size.value * scale * 2) / 2, bold, upright)


def _read_page(document: pdfium.PdfDocument, number: int) -> PageContent:
    page = document[number]
    reader = _PageReader(page, number)
    try:
        tables = _tables(page, reader.height)
        cells = _CellTexts()
        lines: list[Line] = []
        for start, end in reader.spans():
            kept = list(range(start, end))
            if tables and _crosses(reader, start, end, tables):
                kept = [i for i in kept if not cells.take(reader, i, tables)]
                cells.line_break()
            if line := _line(reader, kept):
                lines.append(line)
        cells.fill(tables)
        return PageContent(number, reader.height, page.get_width(), lines, tables)
    finally:
        reader.textpage.close()
        page.close()


class _CellTexts:
    """The characters that fall inside table cells, gathered per cell in reading order."""

    def __init__(self) -> None:
        self._chars: dict[int, list[str]] = {}
        self._bold: dict[int, bool] = {}
        self._placed: dict[int, set[tuple[str, int, int]]] = {}

    def take(self, reader: _PageReader, index: int, tables: list[Table]) -> bool:
        """Put the character in the cell it sits in, if any; whether it did."""
        x0, top, x1, bottom = reader.box(index)
        cell = _cell_at(tables, (x0 + x1) / 2, (top + bottom) / 2)
        if cell is None:
            return False
        char = reader.text[index]
        place = (char, round(x0), round(top))
        if place in self._placed.setdefault(id(cell), set()):
            return True  # the same letter printed twice over, to look bold
        self._placed[id(cell)].add(place)
        self._chars.setdefault(id(cell), []).append(char)
        if not char.isspace() and (style := reader.style(index)) is not None:
            self._bold[id(cell)] = self._bold.get(id(cell), True) and style.bold
        return True

    def line_break(self) -> None:
        """The end of a line of text: inside a cell it separates words."""
        for chars in self._chars.values():
            if chars and chars[-1] != " ":
                chars.append(" ")

    def fill(self, tables: list[Table]) -> None:
        for table in tables:
            for row in table.rows:
                for cell in row:
                    cell.text = " ".join("".join(self._chars.get(id(cell), [])).split())
                    cell.bold = self._bold.get(id(cell), False)


def _crosses(reader: _PageReader, start: int, end: int, tables: list[Table]) -> bool:
    """Whether the line's height overlaps a table's: only then are its characters placed."""
    first, last = reader.box(start), reader.box(end - 1)
    top, bottom = min(first[1], last[1]), max(first[3], last[3])
    return any(table.top <= bottom and top <= table.bottom for table in tables)


def _cell_at(tables: list[Table], x: float, y: float) -> Cell | None:
    for table in tables:
        if table.x0 <= x <= table.x1 and table.top <= y <= table.bottom:
            return table.cell_at(x, y)
    return None


def _line(reader: _PageReader, indices: list[int]) -> Line | None:
    text = "".join(reader.text[i] for i in indices)
    visible = [i for i in indices if not reader.text[i].isspace()]
    if not visible:
        return None
    step = max(1, len(visible) // _STYLE_SAMPLES)
    styles = [style for i in visible[::step] if (style := reader.style(i)) is not None]
    if styles and not all(style.upright for style in styles):
        return None  # sideways text: a watermark or a margin note, not a line of the policy
    sizes = Counter(style.size for style in styles)
    first, last = reader.box(visible[0]), reader.box(visible[-1])
    return Line(
        page=reader.number,
        text=" ".join(text.split()),
        x0=first[0],
        x1=last[2],
        top=min(first[1], last[1]),
        bottom=max(first[3], last[3]),
        size=sizes.most_common(1)[0][0] if sizes else 0.0,
        bold=bool(styles) and sum(style.bold for style in styles) >= len(styles) * _MOSTLY_BOLD,
        chars=len(visible),
    )


# -- Tables -----------------------------------------------------------------------------------


def _tables(page: pdfium.PdfPage, height: float) -> list[Table]:
    """Tables drawn with ruling lines, found by pdfplumber's finder. A box drawn round a title
    page or a note is no table: a table has at least two rows of two or more cells."""
    edges = list(_edges(page, height))
    if len(edges) < 4:
        return []
    merged = merge_edges(
        edges,
        snap_x_tolerance=_SNAP,
        snap_y_tolerance=_SNAP,
        join_x_tolerance=_SNAP,
        join_y_tolerance=_SNAP,
    )
    long_enough = [
        e for e in merged if e["width" if e["orientation"] == "h" else "height"] >= _MIN_EDGE
    ]
    cells = intersections_to_cells(edges_to_intersections(long_enough, _SNAP, _SNAP))
    tables = [Table.from_cells(group) for group in cells_to_tables(cells)]
    return [table for table in tables if sum(len(row) >= 2 for row in table.rows) >= 2]


def _edges(page: pdfium.PdfPage, height: float) -> Iterator[dict[str, Any]]:
    """Horizontal and vertical segments of the page's paths, in pdfplumber's edge form.

    Most ruling lines are single lines or rectangles (a thin filled one, as Word draws cell
    borders), read from their bounds; other paths are walked segment by segment."""
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    for n in range(pdfium_c.FPDFPage_CountObjects(page.raw)):  # the raw API: 3,000 paths a page
        obj = pdfium_c.FPDFPage_GetObject(page.raw, n)
        if pdfium_c.FPDFPageObj_GetType(obj) != pdfium_c.FPDF_PAGEOBJ_PATH:
            continue
        segments = pdfium_c.FPDFPath_CountSegments(obj)
        if segments in _LINE_OR_RECTANGLE:
            pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top)
            box = (left.value, height - top.value, right.value, height - bottom.value)
            yield from _box_edges(box, line=segments == _LINE_OR_RECTANGLE[0])
        else:
            yield from _path_edges(obj, segments, height)


def _box_edges(box: tuple[float, float, float, float], *, line: bool) -> Iterator[dict[str, Any]]:
    x0, top, x1, bottom = box
    if x1 - x0 < _THIN or bottom - top < _THIN:  # a line, or a rectangle drawn as one
        middle_x, middle_y = (x0 + x1) / 2, (top + bottom) / 2
        if x1 - x0 < _THIN:
            yield from _edge((middle_x, top), (middle_x, bottom))
        else:
            yield from _edge((x0, middle_y), (x1, middle_y))
    elif not line:  # a diagonal line draws no ruling
        for a, b in (((x0, top), (x1, top)), ((x0, bottom), (x1, bottom))):
            yield from _edge(a, b)
        for a, b in (((x0, top), (x0, bottom)), ((x1, top), (x1, bottom))):
            yield from _edge(a, b)


def _path_edges(path: Any, segments: int, height: float) -> Iterator[dict[str, Any]]:
    matrix = pdfium_c.FS_MATRIX()
    pdfium_c.FPDFPageObj_GetMatrix(path, matrix)
    points: list[tuple[float, float]] = []
    start: tuple[float, float] | None = None
    for n in range(segments):
        segment = pdfium_c.FPDFPath_GetPathSegment(path, n)
        x, y = ctypes.c_float(), ctypes.c_float()
        pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
        point = (
            matrix.a * x.value + matrix.c * y.value + matrix.e,
            height - (matrix.b * x.value + matrix.d * y.value + matrix.f),
        )
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO or not points:
            start = point
        elif kind == pdfium_c.FPDF_SEGMENT_LINETO:
            yield from _edge(points[-1], point)
        points.append(point)
        if pdfium_c.FPDFPathSegment_GetClose(segment) and start is not None:
            yield from _edge(point, start)


def _edge(a: tuple[float, float], b: tuple[float, float]) -> Iterator[dict[str, Any]]:
    x0, x1 = sorted((a[0], b[0]))
    top, bottom = sorted((a[1], b[1]))
    if abs(x1 - x0) < 1 and bottom - top >= _MIN_EDGE:
        orientation = "v"
    elif abs(bottom - top) < 1 and x1 - x0 >= _MIN_EDGE:
        orientation = "h"
    else:
        return
    yield {
        "object_type": "line",
        "orientation": orientation,
        "x0": x0,
        "x1": x1 if orientation == "h" else x0,
        "top": top,
        "bottom": bottom if orientation == "v" else top,
        "width": x1 - x0 if orientation == "h" else 0.0,
        "height": bottom - top if orientation == "v" else 0.0,
    }
