"""Build, with python-docx, Word files that comply with every nd30.md rule the checker knows.

``build_plan()`` makes the Kế hoạch of nd30.md §7 (header table, KẾ HOẠCH, trích yếu, body, Nơi nhận and
signature table) followed by two appendix sections; ``build_appendix_file()`` makes a file that holds
appendices only. Tests then break one rule at a time with the helpers at the bottom (``find``, ``set_text``).
Page setup is written in twips, not Mm(): top/bottom 1134, left 1701, right 851 (Mm(15) would be 850).
"""

from __future__ import annotations

from pathlib import Path

import docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Pt, Twips

from generator.check.textwidth import text_width_mm

TNR = "Times New Roman"
A4 = (11906, 16838)
MARGINS = {"top": 1134, "bottom": 1134, "left": 1701, "right": 851}
TEXT_WIDTH = A4[0] - MARGINS["left"] - MARGINS["right"]  # 9354 twips = 165 mm
TWIPS_PER_MM = 1440 / 25.4
HEADER_COLUMNS = (3686, 5668)  # left 65 mm, right 100 mm (Mẫu 1.4 gives 100 mm to the Quốc hiệu column)
CLOSING_COLUMNS = (3969, 5385)
CELL_MARGIN = 85  # twips, as in Mẫu 1.4

NUMBER, DATE = "05", ("05", "02", "2024")
TRICH_YEU = "Tổ chức Ngày Chuyển đổi số quốc gia năm 2024"
APPENDICES = (
    (
        "I",
        "DANH SÁCH THÀNH PHẦN THAM DỰ HỌP MẶT",
        [("TT", "Đơn vị", "Số người"), ("1", "Phòng Văn hóa và Thông tin", "04")],
    ),
    ("II", "DỰ TRÙ KINH PHÍ THỰC HIỆN", [("TT", "Nội dung", "Số tiền (đồng)"), ("1", "Nước uống", "2.540.000")]),
)
BODY = [
    (
        "Thực hiện Kế hoạch số 2663/KH-UBND ngày 09/9/2024 của Ủy ban nhân dân tỉnh Long An về tổ chức các hoạt "
        "động hưởng ứng Ngày Chuyển đổi số quốc gia năm 2024; Ủy ban nhân dân thị xã Kiến Tường ban hành Kế hoạch "
        "như sau:",
        False,
    ),
    ("I. MỤC ĐÍCH, YÊU CẦU", True),
    ("1. Mục đích", True),
    ("a) Nâng cao nhận thức của cán bộ, công chức và Nhân dân về chuyển đổi số;", False),
    ("b) Lan tỏa các hoạt động chuyển đổi số trên địa bàn thị xã.", False),
    ("2. Yêu cầu", True),
    ("Các hoạt động được tổ chức thiết thực, tiết kiệm, hiệu quả.", False),
    ("II. NỘI DUNG", True),
    ("1. Tổ chức họp mặt đại diện các Tổ Công nghệ số cộng đồng (thành phần tại Phụ lục I kèm theo).", False),
    ("2. Kinh phí thực hiện theo Phụ lục II kèm theo.", False),
    ("III. TỔ CHỨC THỰC HIỆN", True),
    ("Phòng Văn hóa và Thông tin chủ trì, phối hợp với các cơ quan, đơn vị liên quan triển khai Kế hoạch này.", False),
    (
        "Trên đây là Kế hoạch tổ chức Ngày Chuyển đổi số quốc gia năm 2024 của Ủy ban nhân dân thị xã Kiến Tường./.",
        False,
    ),
]
RECIPIENTS = [
    "- UBND tỉnh Long An;",
    "- TT. Thị ủy, TT. HĐND thị xã;",
    "- CT, các PCT UBND thị xã;",
    "- Các phòng, ban, ngành thị xã;",
    "- UBND các xã, phường;",
    "- Lưu: VT, VHTT.",
]
SIGNATURE = ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]


def twips(mm: float) -> int:
    return round(mm * TWIPS_PER_MM)


# -- styles --------------------------------------------------------------------------------------------


def _tnr_fonts(rpr) -> None:
    """Times New Roman in all four font slots, theme references removed."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{slot}"), TNR)


def _setup_styles(doc) -> None:
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    _tnr_fonts(rpr)
    rpr.find(qn("w:sz")).set(qn("w:val"), "28")
    spacing = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:spacing')}")
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")
    normal = doc.styles["Normal"]
    normal.font.size = Pt(14)
    _tnr_fonts(normal.element.get_or_add_rPr())
    body = doc.styles.add_style("VB Body", 1)  # paragraph style
    body.base_style = normal
    fmt = body.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.first_line_indent = Twips(567)
    fmt.space_before = Twips(120)
    fmt.space_after = Twips(0)
    fmt.line_spacing = 1.2


# -- paragraphs and tables -------------------------------------------------------------------------------


def add_para(
    container,
    text: str = "",
    *,
    size: float = 14,
    bold=False,
    italic=False,
    center=False,
    before: int = 0,
    style=None,
    first: bool = False,
):
    """A paragraph with one run; ``first`` reuses the container's existing empty first paragraph (table cells)."""
    para = container.paragraphs[0] if first else container.add_paragraph(style=style)
    if text:
        run = para.add_run(text)
        run.font.size = Pt(size)
        run.bold = bold or None
        run.italic = italic or None
    if center:
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if before:
        para.paragraph_format.space_before = Twips(before)
    return para


LINE_XML = {
    "drawingml": (
        '<w:r {ns}><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{emu}" cy="0"/>'
        '<wp:docPr id="{id}" name="Line {id}"/><a:graphic><a:graphicData '
        'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:cNvCnPr/>'
        '<wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{emu}" cy="0"/></a:xfrm>'
        '<a:prstGeom prst="line"><a:avLst/></a:prstGeom><a:ln w="9525"><a:solidFill><a:srgbClr val="000000"/>'
        "</a:solidFill></a:ln></wps:spPr><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:inline>"
        "</w:drawing></w:r>"
    ),
    "vml": '<w:r {ns}><w:pict><v:line from="0,0" to="{pt:.1f}pt,0" strokeweight=".5pt"/></w:pict></w:r>',
}
NAMESPACES = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)


def add_rule(container, length_mm: float, width: int, kind: str = "border"):
    """A paragraph drawing a centred horizontal line ``length_mm`` long in a ``width``-twip space.

    kind: "border" (bottom border of an empty paragraph, indented), "drawingml" (``wps:wsp`` line),
    "vml" (``v:line``) or "underscore" (a run of "_" at 13 pt).
    """
    para = container.add_paragraph()
    if kind == "border":
        side = (width - twips(length_mm)) // 2
        para.paragraph_format.left_indent = Twips(side)
        para.paragraph_format.right_indent = Twips(side)
        borders = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "auto")):
            bottom.set(qn(f"w:{key}"), value)
        borders.append(bottom)
        para._p.get_or_add_pPr().append(borders)
        return para
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if kind == "underscore":
        underscore_mm = 13 / 2 * 25.4 / 72  # half an em at 13 pt
        para.add_run("_" * round(length_mm / underscore_mm)).font.size = Pt(13)
    else:
        xml = LINE_XML[kind].format(
            ns=NAMESPACES, emu=round(length_mm * 36000), pt=length_mm * 72 / 25.4, id=id(para) % 10000
        )
        para._p.append(parse_xml(xml))
    return para


def _table(doc, rows: int, widths: tuple[int, ...], *, margin: int | None = None):
    table = doc.add_table(rows=rows, cols=len(widths))
    tblpr = table._tbl.tblPr
    tblw = tblpr.find(qn("w:tblW"))
    tblw.set(qn("w:type"), "dxa")
    tblw.set(qn("w:w"), str(sum(widths)))
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tblpr.append(layout)
    if margin is not None:
        margins = OxmlElement("w:tblCellMar")
        for side in ("left", "right"):
            el = OxmlElement(f"w:{side}")
            el.set(qn("w:w"), str(margin))
            el.set(qn("w:type"), "dxa")
            margins.append(el)
        tblpr.append(margins)
    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths):
        col.set(qn("w:w"), str(width))
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = Twips(width)
    return table


def _header_table(doc, draft: bool, lines: str) -> None:
    table = _table(doc, 2, HEADER_COLUMNS, margin=CELL_MARGIN)
    left, right = table.cell(0, 0), table.cell(0, 1)
    inner_left, inner_right = HEADER_COLUMNS[0] - 2 * CELL_MARGIN, HEADER_COLUMNS[1] - 2 * CELL_MARGIN
    if draft:
        mark = add_para(left, "DỰ THẢO", size=13, bold=True, first=True)
        _box(mark)
    add_para(left, "ỦY BAN NHÂN DÂN", size=13, bold=True, center=True, first=not draft)
    add_para(left, "THỊ XÃ KIẾN TƯỜNG", size=13, bold=True, center=True)
    add_rule(left, 20, inner_left, lines)
    add_para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=13, bold=True, center=True, first=True)
    add_para(right, "Độc lập - Tự do - Hạnh phúc", size=14, bold=True, center=True)
    add_rule(right, text_width_mm("Độc lập - Tự do - Hạnh phúc", 14), inner_right, lines)
    number = " " * 8 if draft else NUMBER
    day = " " * 6 if draft else DATE[0]
    add_para(table.cell(1, 0), f"Số: {number}/KH-UBND", size=13, center=True, first=True)
    add_para(
        table.cell(1, 1),
        f"Kiến Tường, ngày {day} tháng {DATE[1]} năm {DATE[2]}",
        size=14,
        italic=True,
        center=True,
        first=True,
    )


def _box(para) -> None:
    """Border on four sides (the boxed "DỰ THẢO" mark)."""
    borders = OxmlElement("w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), "6")
        borders.append(el)
    para._p.get_or_add_pPr().append(borders)


def _closing_table(doc) -> None:
    table = _table(doc, 1, CLOSING_COLUMNS)
    left, right = table.cell(0, 0), table.cell(0, 1)
    add_para(left, "Nơi nhận:", size=12, bold=True, italic=True, first=True)
    for line in RECIPIENTS:
        add_para(left, line, size=11)
    for n, line in enumerate(SIGNATURE):
        add_para(right, line, size=14, bold=True, center=True, first=n == 0)
    for _ in range(3):
        add_para(right)
    add_para(right, "Nguyễn Văn A", size=14, bold=True, center=True)


def add_page_field(paragraph) -> None:
    """A PAGE field (complex field with a cached result "1")."""

    def run_with(child):
        run = paragraph.add_run()
        run._r.append(child)
        return run

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(begin)
    run_with(instr)
    run_with(separate)
    paragraph.add_run("1")
    run_with(end)


def _page_setup(section, *, landscape: bool = False) -> None:
    width, height = (A4[1], A4[0]) if landscape else A4
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Twips(width), Twips(height)
    for side, value in MARGINS.items():
        setattr(section, f"{side}_margin", Twips(value))
    section.header_distance = section.footer_distance = Twips(567)
    section.gutter = Twips(0)
    section.different_first_page_header_footer = True


def restart_numbering(section) -> None:
    """``<w:pgNumType w:start="1"/>`` (placed before ``w:cols`` as the schema orders it)."""
    sect_pr = section._sectPr
    numbering = OxmlElement("w:pgNumType")
    numbering.set(qn("w:start"), "1")
    cols = sect_pr.find(qn("w:cols"))
    if cols is not None:
        cols.addprevious(numbering)
    else:
        sect_pr.append(numbering)


def _appendix(
    doc, label: str, title: str, rows, *, draft: bool, new_section: bool, landscape: bool, lines: str = "border"
) -> None:
    if new_section:
        section = doc.add_section(WD_SECTION.NEW_PAGE)
        _page_setup(section, landscape=landscape)
        restart_numbering(section)
    width = doc.sections[-1].page_width.twips - MARGINS["left"] - MARGINS["right"]
    add_para(doc, f"Phụ lục {label}", size=14, bold=True, center=True)
    add_para(doc, title, size=14, bold=True, center=True)
    number, day = (" " * 6, " " * 6) if draft else (NUMBER, DATE[0])
    add_para(
        doc,
        f"(Kèm theo Kế hoạch số {number}/KH-UBND ngày {day} tháng {DATE[1]} năm {DATE[2]} "
        "của Ủy ban nhân dân thị xã Kiến Tường)",
        size=13,
        italic=True,
        center=True,
    )
    add_rule(doc, 30, width, lines)
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = doc.styles["Table Grid"]
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            add_para(table.cell(r, c), value, size=13, bold=r == 0, first=True)
    add_para(doc, "./.")


def new_document():
    doc = docx.Document()
    _setup_styles(doc)
    section = doc.sections[0]
    _page_setup(section)
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_page_field(header)
    return doc


def build_plan(*, draft: bool = False, appendices: bool = True, lines: str = "border"):
    """The Kế hoạch of nd30.md §7, then (``appendices``) Phụ lục I (portrait) and II (landscape) in own sections.

    ``lines``: how the short horizontal lines are drawn (see ``add_rule``).
    """
    doc = new_document()
    _header_table(doc, draft, lines)
    add_para(doc, "KẾ HOẠCH", bold=True, center=True, before=240)
    add_para(doc, TRICH_YEU, bold=True, center=True)
    add_rule(doc, 0.4 * min(text_width_mm(TRICH_YEU, 14), TEXT_WIDTH / TWIPS_PER_MM), TEXT_WIDTH, lines)
    for text, bold in BODY:
        add_para(doc, text, bold=bold, style="VB Body")
    _closing_table(doc)
    if appendices:
        for n, (label, title, rows) in enumerate(APPENDICES):
            _appendix(doc, label, title, rows, draft=draft, new_section=True, landscape=n == 1, lines=lines)
    return doc


def build_appendix_file(labels: tuple[str, ...] = ("I",)):
    """A file holding appendices only (like phu-luc-1.docx), each after the first in its own section."""
    doc = new_document()
    for n, label in enumerate(labels):
        _, title, rows = next(a for a in APPENDICES if a[0] == label)
        _appendix(doc, label, title, rows, draft=False, new_section=n > 0, landscape=False)
    return doc


# -- helpers to break a rule -----------------------------------------------------------------------------


def all_paragraphs(doc):
    """Body paragraphs, table-cell paragraphs, then header and footer paragraphs."""
    yield from doc.paragraphs
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs
    for section in doc.sections:
        for part in (section.header, section.footer):
            if not part.is_linked_to_previous:
                yield from part.paragraphs


def find(doc, start: str):
    """The first paragraph whose text starts with ``start``."""
    return next(p for p in all_paragraphs(doc) if p.text.startswith(start))


def set_text(paragraph, text: str) -> None:
    """Replace the text, keeping the first run's formatting."""
    runs = paragraph.runs
    runs[0].text = text
    for run in runs[1:]:
        run._r.getparent().remove(run._r)


def save(doc, path: Path) -> Path:
    doc.save(path)
    return path
