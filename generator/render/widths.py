"""Column widths of a rendered document's tables, from their content (issue 15 point 2).

No figure or word may break inside a cell: every column is at least as wide as its widest
unbreakable token (a figure such as 999.999.999.999, or a word), measured with the Times New Roman
widths of `layout.text_width`, plus the cell margins. Two modes:

* fit (templates with designed widths): the template's widths are kept when everything fits;
  otherwise the columns that are too narrow grow to their minimum and the others give up their
  slack in proportion, so the table keeps its width;
* full (the general appendix template, whose columns come from the data): widths follow the
  content — each column gets its minimum, and the rest of the table's width goes to the columns in
  proportion to how much wider their text would like to be.

Only tables with borders are sized (data tables); layout tables (header, signature) are left alone.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from functools import lru_cache

from lxml import etree

from generator.render.layout import text_width
from generator.render.oxml import XML_DECLARATION, W, write_zip

_W = f"{{{W}}}"
DOCUMENT_PART = "word/document.xml"
DEFAULT_SIZE = 13.0  # pt: the table styles' size
DEFAULT_MARGIN = 108  # twips: Word's default left/right cell margin
#: Extra room per cell: renderers round advance widths differently (LibreOffice vs Word).
SLACK = 20
#: A column's text never asks for more than this (one long line of text wraps anyway).
MAX_DESIRED = 4200


@lru_cache(maxsize=32)
def _bold_styles(styles_xml: bytes | None) -> frozenset[str]:
    """Ids of paragraph styles whose text is bold."""
    if not styles_xml:
        return frozenset()
    root = etree.fromstring(styles_xml)
    bold = set()
    for style in root.iter(f"{_W}style"):
        b = style.find(f"{_W}rPr/{_W}b")
        if b is not None and b.get(f"{_W}val") not in ("0", "false"):
            bold.add(style.get(f"{_W}styleId", ""))
    return frozenset(bold)


def _cell_text(cell: etree._Element, bold_styles: frozenset[str]) -> list[tuple[str, float, bool]]:
    """Each paragraph of a cell as (text, size pt, bold)."""
    out = []
    for paragraph in cell.iter(f"{_W}p"):
        style = paragraph.find(f"{_W}pPr/{_W}pStyle")
        bold_paragraph = style is not None and style.get(f"{_W}val") in bold_styles
        text, size, bold = [], DEFAULT_SIZE, bold_paragraph
        for run in paragraph.iter(f"{_W}r"):
            pieces = [t.text or "" for t in run.iter(f"{_W}t")]
            if not any(pieces):
                continue
            text.extend(pieces)
            sz = run.find(f"{_W}rPr/{_W}sz")
            if sz is not None:
                size = max(size, int(sz.get(f"{_W}val", "26")) / 2)
            if run.find(f"{_W}rPr/{_W}b") is not None:
                bold = True
        if text:
            out.append(("".join(text), size, bold))
    return out


def _margins(table: etree._Element) -> int:
    margins = table.find(f"{_W}tblPr/{_W}tblCellMar")
    total = 0
    for side in ("left", "right"):
        element = margins.find(f"{_W}{side}") if margins is not None else None
        total += int(element.get(f"{_W}w")) if element is not None else DEFAULT_MARGIN
    return total


def _bordered(table: etree._Element) -> bool:
    borders = table.find(f"{_W}tblPr/{_W}tblBorders")
    return borders is not None and any(edge.get(f"{_W}val") not in ("nil", "none") for edge in borders)


def column_needs(table: etree._Element, bold_styles: frozenset[str]) -> tuple[list[int], list[int]]:
    """Per grid column: the least width (widest unbreakable token of any cell) and the width its longest
    line of plain (not bold) text would take."""
    columns = len(table.findall(f"{_W}tblGrid/{_W}gridCol"))
    least, wanted = [0] * columns, [0] * columns
    extra = _margins(table) + SLACK
    for row in table.iter(f"{_W}tr"):
        index = 0
        for cell in row.findall(f"{_W}tc"):
            span_element = cell.find(f"{_W}tcPr/{_W}gridSpan")
            span = int(span_element.get(f"{_W}val")) if span_element is not None else 1
            if span == 1 and index < columns:
                for text, size, bold in _cell_text(cell, bold_styles):
                    tokens = text.split() or [""]
                    least[index] = max(least[index], max(text_width(t, size, bold=bold) for t in tokens) + extra)
                    if not bold:  # headings, group and total labels may wrap: the lines' text sets the wish
                        wanted[index] = max(wanted[index], min(text_width(text, size) + extra, MAX_DESIRED))
            index += span
    return least, wanted


def plan_widths(current: list[int], least: list[int], wanted: list[int], *, full: bool) -> list[int] | None:
    """New widths of a table's columns (the same total as `current`), or None to keep them."""
    total = sum(current)
    if not full and all(c >= m for c, m in zip(current, least)):
        return None
    if sum(least) >= total:
        return list(least)
    if full:
        wanted = [max(w, m) for w, m in zip(wanted, least)]
        if sum(wanted) <= total:
            spare = total - sum(wanted)
            widths = [w + spare * w // sum(wanted) for w in wanted]
        else:
            room, asked = total - sum(least), sum(w - m for w, m in zip(wanted, least))
            widths = [m + room * (w - m) // asked for w, m in zip(wanted, least)]
    else:
        grown = [max(c, m) for c, m in zip(current, least)]
        excess = sum(grown) - total
        slack = [g - m for g, m in zip(grown, least)]
        widths = [g - excess * s // sum(slack) for g, s in zip(grown, slack)]
    widths[widths.index(max(widths))] += total - sum(widths)
    return widths if widths != current else None


_EVENTS = re.compile(
    r'<(?:(w:tbl)>|(/w:tbl)>|(w:tr)[ >]|(w:tc)>|(/w:p)>|w:gridCol w:w="(\d+)"|w:gridSpan w:val="(\d+)"|w:pStyle w:val="([^"]*)"'
    r'|(w:b)/>|(w:tblBorders)>|(w:tcMar|w:sz )|w:tblCellMar><w:left w:w="(\d+)" w:type="dxa"/><w:right w:w="(\d+)"'
    r"|w:t(?: [^>]*)?>([^<]*)</w:t>)"
)


def _fits_as_designed(xml: str, bold_styles: frozenset[str]) -> bool | None:
    """Whether every bordered table keeps its widths in fit mode, read on the document's text in one
    scan (no parse): True / False, or None where a table is not in the plain shape this reads (a
    nested table, cell margins or run sizes of its own): the tree decides then."""
    grid: list[int] = []
    text: list[str] = []
    depth, bordered, extra = 0, False, 2 * DEFAULT_MARGIN + SLACK
    column, span, bold = 0, 1, False
    for m in _EVENTS.finditer(xml):
        (tbl, end_tbl, tr, tc, end_p, grid_col, grid_span, style, b, borders, own, left, right, piece) = m.groups()
        if tbl:
            depth += 1
            if depth > 1:
                return None
            grid, bordered, extra = [], False, 2 * DEFAULT_MARGIN + SLACK
        elif depth == 0:
            continue
        elif end_tbl:
            depth -= 1
        elif piece is not None:
            text.append(piece)
        elif end_p:
            words = html.unescape("".join(text)).split()
            if bordered and span == 1 and column < len(grid) and words:
                room = grid[column] - extra
                if any(text_width(word, DEFAULT_SIZE, bold=bold) > room for word in words):
                    return False
            text, bold = [], False
        elif tc:
            column += span
            span, bold, text = 1, False, []
        elif tr:
            column, span = 0, 0  # the row's first <w:tc> stays at column 0
        elif grid_col:
            grid.append(int(grid_col))
        elif grid_span:
            span = int(grid_span)
        elif style is not None:
            bold = style in bold_styles
        elif b:
            bold = True
        elif borders:
            bordered = 'w:val="single"' in xml[m.end() : xml.index("</w:tblBorders>", m.end())]
        elif own:
            if bordered:
                return None
        elif left:
            extra = int(left) + int(right) + SLACK
    return True


def fit_document(document_xml: bytes, styles_xml: bytes | None, *, full: bool) -> str | None:
    """The text of document.xml (without its declaration, as lxml writes it) with its data tables'
    widths set from their content, or None when none changes."""
    bold_styles = _bold_styles(styles_xml)
    if not full and _fits_as_designed(document_xml.decode("utf-8"), bold_styles):
        return None  # (read on the text: a few times faster than through the tree)
    root = etree.fromstring(document_xml)
    changed = False
    for table in root.iter(f"{_W}tbl"):
        if not _bordered(table):
            continue
        grid = table.findall(f"{_W}tblGrid/{_W}gridCol")
        current = [int(float(col.get(f"{_W}w", "0"))) for col in grid]
        least, wanted = column_needs(table, bold_styles)
        widths = plan_widths(current, least, wanted, full=full)
        if widths is None:
            continue
        changed = True
        for col, width in zip(grid, widths):
            col.set(f"{_W}w", str(width))
        table_width = table.find(f"{_W}tblPr/{_W}tblW")
        if table_width is not None and table_width.get(f"{_W}type") == "dxa":
            table_width.set(f"{_W}w", str(sum(widths)))
        for row in table.findall(f"{_W}tr"):
            index = 0
            for cell in row.findall(f"{_W}tc"):
                span_element = cell.find(f"{_W}tcPr/{_W}gridSpan")
                span = int(span_element.get(f"{_W}val")) if span_element is not None else 1
                width_element = cell.find(f"{_W}tcPr/{_W}tcW")
                if width_element is not None:
                    width_element.set(f"{_W}w", str(sum(widths[index : index + span])))
                    width_element.set(f"{_W}type", "dxa")
                index += span
    if not changed:
        return None
    return str(etree.tostring(root, encoding="unicode"))


def fit_docx(docx: bytes, *, full: bool) -> tuple[bytes, str] | None:
    """A .docx with its data tables sized from their content (see `fit_document`) and the text of its
    document.xml (for joining ho-so.docx), or None when unchanged."""
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        styles = archive.read("word/styles.xml") if "word/styles.xml" in archive.namelist() else None
        fitted = fit_document(archive.read(DOCUMENT_PART), styles, full=full)
        if fitted is None:
            return None
        entries = [(info.filename, archive.read(info)) for info in archive.infolist()]
    data = (XML_DECLARATION + fitted).encode("utf-8")
    return write_zip([(name, data if name == DOCUMENT_PART else part) for name, part in entries]), fitted


@lru_cache(maxsize=64)
def template_grids(path: str) -> tuple[tuple[int, ...], ...]:
    """The column grids of a template's bordered tables, in order (read once per template)."""
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read(DOCUMENT_PART))
    return tuple(
        tuple(int(float(col.get(f"{_W}w", "0"))) for col in table.findall(f"{_W}tblGrid/{_W}gridCol"))
        for table in root.iter(f"{_W}tbl")
        if _bordered(table)
    )


def values_fit(grid: tuple[int, ...], columns: list[list[tuple[str, bool]]], margins: int = 2 * 85) -> bool:
    """Whether every word of the values filled into each column fits the column (13 pt, bold as given):
    the quick check of a template whose cells and their values are known (no document scan)."""
    for width, values in zip(grid, columns):
        room = width - margins - SLACK
        for text, bold in values:
            if any(text_width(word, DEFAULT_SIZE, bold=bold) > room for word in text.split()):
                return False
    return True
