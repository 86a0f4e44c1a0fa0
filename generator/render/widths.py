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

import io
import zipfile

from lxml import etree

from generator.render.layout import text_width
from generator.render.oxml import W, write_zip

_W = f"{{{W}}}"
DOCUMENT_PART = "word/document.xml"
DEFAULT_SIZE = 13.0  # pt: the table styles' size
DEFAULT_MARGIN = 108  # twips: Word's default left/right cell margin
#: Extra room per cell: renderers round advance widths differently (LibreOffice vs Word).
SLACK = 20
#: A column's text never asks for more than this (one long line of text wraps anyway).
MAX_DESIRED = 4200


def _bold_styles(styles_xml: bytes | None) -> set[str]:
    """Ids of paragraph styles whose text is bold."""
    if not styles_xml:
        return set()
    root = etree.fromstring(styles_xml)
    return {
        style.get(f"{_W}styleId", "")
        for style in root.iter(f"{_W}style")
        if style.find(f"{_W}rPr/{_W}b") is not None and style.find(f"{_W}rPr/{_W}b").get(f"{_W}val") not in ("0", "false")
    }


def _cell_text(cell: etree._Element, bold_styles: set[str]) -> list[tuple[str, float, bool]]:
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


def column_needs(table: etree._Element, bold_styles: set[str]) -> tuple[list[int], list[int]]:
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


def fit_document(document_xml: bytes, styles_xml: bytes | None, *, full: bool) -> bytes | None:
    """document.xml with its data tables' widths set from their content, or None when none changes."""
    root = etree.fromstring(document_xml)
    bold_styles = _bold_styles(styles_xml)
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
                    width_element.set(f"{_W}w", str(sum(widths[index:index + span])))
                    width_element.set(f"{_W}type", "dxa")
                index += span
    if not changed:
        return None
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def fit_docx(docx: bytes, *, full: bool) -> bytes | None:
    """A .docx with its data tables sized from their content (see `fit_document`), or None when unchanged."""
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        entries = [(info.filename, archive.read(info)) for info in archive.infolist()]
    parts = dict(entries)
    fitted = fit_document(parts[DOCUMENT_PART], parts.get("word/styles.xml"), full=full)
    if fitted is None:
        return None
    return write_zip([(name, fitted if name == DOCUMENT_PART else data) for name, data in entries])
