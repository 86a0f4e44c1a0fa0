"""A small document model for the corpus, its writer (python-docx) and where each figure lands.

A document is a list of blocks: `Para` (a body paragraph, or one inside a text box) and `Tbl` (rows
of `Cell`, which may span grid columns or continue a vertical merge). Text is a list of segments:
plain strings and `Slot`s — the figures, words and numbers the ground truth speaks of. Places are
counted the way a reader of the .docx counts them: body paragraphs 1, 2, … (text-box paragraphs
are not body paragraphs), top-level tables 1, 2, …, rows 1-based with the header, grid columns 0-based.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Mm, Pt

Value = int | Decimal | str
VML = "urn:schemas-microsoft-com:vml"


@dataclass(frozen=True)
class Slot:
    """A fact as printed: its key (unique in the document), text and value (an amount for words)."""

    key: str
    text: str
    value: Value
    kind: str  # "money", "count", "factor", "words", "numeral"


@dataclass
class Para:
    segs: list
    bold: bool = False
    italic: bool = False
    center: bool = False
    page_break: bool = False
    textbox: bool = False


@dataclass
class Cell:
    segs: list
    span: int = 1
    vmerge: str | None = None  # "restart" or "continue"
    bold: bool = False


@dataclass
class Row:
    cells: list[Cell]
    header: bool = False  # repeated at the top of each page (w:tblHeader)


@dataclass
class Tbl:
    rows: list[Row]
    widths: list[int] = field(default_factory=list)  # mm per grid column
    grid: bool = True  # borders (a heading typed in a table has none)


def text_of(segs: list, faults: dict[str, str] | None = None) -> str:
    faults = faults or {}
    return "".join(s if isinstance(s, str) else faults.get(s.key, s.text) for s in segs)


def slots_of(segs: list) -> list[tuple[int, Slot]]:
    """(offset in the clean text, slot) of each slot of a segment list."""
    out, offset = [], 0
    for s in segs:
        if isinstance(s, Slot):
            out.append((offset, s))
            offset += len(s.text)
        else:
            offset += len(s)
    return out


def places(blocks: list) -> dict[str, dict]:
    """Slot key → {"paragraph": n} | {"table": n, "row": r, "column": c} | {"textbox": n}, with "start"."""
    out: dict[str, dict] = {}
    paragraphs = tables = boxes = 0
    for block in blocks:
        if isinstance(block, Para):
            if block.textbox:
                paragraphs += 1  # the anchor paragraph holding the box
                boxes += 1
                where = {"textbox": boxes}
            else:
                paragraphs += 1
                where = {"paragraph": paragraphs}
            for offset, slot in slots_of(block.segs):
                out[slot.key] = {**where, "start": offset}
            continue
        tables += 1
        for r, row in enumerate(block.rows, 1):
            column = 0
            for cell in row.cells:
                for offset, slot in slots_of(cell.segs):
                    out[slot.key] = {"table": tables, "row": r, "column": column, "start": offset}
                column += cell.span
    return out


def all_slots(blocks: list) -> list[Slot]:
    out = []
    for block in blocks:
        if isinstance(block, Para):
            out += [s for _, s in slots_of(block.segs)]
        else:
            out += [s for row in block.rows for cell in row.cells for _, s in slots_of(cell.segs)]
    return out


# --- writing ----------------------------------------------------------------------------------


def write(path: Path, blocks: list, faults: dict[str, str] | None = None) -> Path:
    """The .docx of `blocks`, each slot printed as `faults[key]` when given, else as its text."""
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = "Times New Roman", Pt(13)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin, section.top_margin, section.bottom_margin = (
        Mm(30),
        Mm(15),
        Mm(20),
        Mm(20),
    )
    for block in blocks:
        if isinstance(block, Para) and block.textbox:
            _textbox(doc, text_of(block.segs, faults), block.bold, block.page_break)
        elif isinstance(block, Para):
            p = doc.add_paragraph()
            run = p.add_run(text_of(block.segs, faults))
            run.bold, run.italic = block.bold or None, block.italic or None
            if block.center:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            if block.page_break:
                p.paragraph_format.page_break_before = True
        else:
            _table(doc, block, faults)
    doc.save(str(path))
    return path


def _table(doc, block: Tbl, faults) -> None:
    """The table's XML written directly (python-docx's cell access is quadratic in the table's size)."""
    width = sum(c.span for c in block.rows[0].cells)
    grid = block.widths or [int(160 / width)] * width
    rows = []
    for row in block.rows:
        cells = []
        for cell in row.cells:
            props = (f'<w:gridSpan w:val="{cell.span}"/>' if cell.span > 1 else "") + (
                f'<w:vMerge w:val="{cell.vmerge}"/>'
                if cell.vmerge == "restart"
                else "<w:vMerge/>"
                if cell.vmerge == "continue"
                else ""
            )
            text = "" if cell.vmerge == "continue" else text_of(cell.segs, faults)
            cells.append(f"<w:tc><w:tcPr>{props}</w:tcPr>{_paragraph_xml(text, cell.bold or row.header)}</w:tc>")
        header = "<w:trPr><w:tblHeader/></w:trPr>" if row.header else ""
        rows.append(f"<w:tr>{header}{''.join(cells)}</w:tr>")
    borders = (
        "".join(
            f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
            for side in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        if block.grid
        else ""
    )
    xml = (
        f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblW w:w="0" w:type="auto"/><w:jc w:val="center"/>'
        f'<w:tblBorders>{borders}</w:tblBorders><w:tblLook w:val="04A0"/></w:tblPr>'
        f"<w:tblGrid>{''.join(f'<w:gridCol w:w={chr(34)}{int(mm * 56.7)}{chr(34)}/>' for mm in grid)}</w:tblGrid>"
        f"{''.join(rows)}</w:tbl>"
    )
    doc.element.body.sectPr.addprevious(parse_xml(xml))


def _paragraph_xml(text: str, bold: bool) -> str:
    """One paragraph; a line break in the text is a w:br, as Word writes Shift+Enter."""
    runs = "<w:br/>".join(f'<w:t xml:space="preserve">{escape(part)}</w:t>' for part in text.split("\n"))
    props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f"<w:p><w:r>{props}{runs}</w:r></w:p>" if text else "<w:p/>"


def _textbox(doc, text: str, bold: bool, page_break: bool) -> None:
    """A paragraph anchoring a VML text box that holds `text` (as Word 2003+ and LibreOffice read it)."""
    bold_xml = "<w:rPr><w:b/></w:rPr>" if bold else ""
    lines = "".join(
        f'<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r>{bold_xml}<w:t xml:space="preserve">'
        f"{escape(line)}</w:t></w:r></w:p>"
        for line in text.split("\n")
    )
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.page_break_before = page_break or None
    run = paragraph.add_run()
    run._r.append(
        parse_xml(
            f'<w:pict {nsdecls("w")} xmlns:v="{VML}"><v:shape style="width:160mm;height:22mm" stroked="f">'
            f"<v:textbox><w:txbxContent>{lines}</w:txbxContent></v:textbox>"
            f"</v:shape></w:pict>"
        )
    )


__all__ = ["Cell", "Para", "Row", "Slot", "Tbl", "all_slots", "places", "slots_of", "text_of", "write"]
