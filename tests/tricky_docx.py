"""Word files with the constructions readers get wrong, written with python-docx plus raw OOXML.

- toggle bold: a paragraph style that is bold, and in it a run whose character style is bold too —
  Word shows that run NOT bold (bold is a toggle property, ECMA-376 §17.7.3);
- style inheritance: a paragraph style based on a bold one, with nothing of its own;
- a complex field (with its cached result) and a simple field;
- a text box anchored in a paragraph (its text is not the paragraph's);
- a budget table with a cell spanning five columns and a "Ghi chú" cell merged down two rows.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
V = 'xmlns:v="urn:schemas-microsoft-com:vml"'

#: (text, shown bold) of the toggle paragraph, as Word shows it.
TOGGLE_RUNS = [("Thực hiện Kế hoạch số 12/KH-UBND ", True), ("của Ủy ban nhân dân tỉnh", False), (" năm 2024.", True)]
INHERITED = "Căn cứ tình hình thực tế của địa phương."
FIELD_TEXT = "Tổ chức ngày 10 tháng 10, trang 1."
BOXED = "CHỮ TRONG KHUNG"
BOX_PARAGRAPH = "Văn bản có khung chữ bên cạnh."
#: (nội dung, đơn vị tính, số lượng, đơn giá); the Ghi chú of both lines is one merged cell.
LINES = [("Nước uống", "Người", 130, 20_000), ("Băng rôn", "Cái", 16, 225_000)]
NOTE = "Xã hội hóa"
HEADERS = ["STT", "Nội dung", "Đơn vị tính", "Số lượng", "Đơn giá (đồng)", "Thành tiền (đồng)", "Ghi chú"]


def fmt(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _field_paragraph(doc) -> None:
    """ "Tổ chức ngày 10 tháng 10, trang 1." with "10" a complex DATE field and "1" a simple PAGE field."""
    p = doc.add_paragraph("Tổ chức ngày ")
    p._p.append(parse_xml(f'<w:r {W}><w:fldChar w:fldCharType="begin"/></w:r>'))
    p._p.append(parse_xml(f'<w:r {W}><w:instrText xml:space="preserve"> DATE \\@ "d" </w:instrText></w:r>'))
    p._p.append(parse_xml(f'<w:r {W}><w:fldChar w:fldCharType="separate"/></w:r>'))
    p._p.append(parse_xml(f"<w:r {W}><w:t>10</w:t></w:r>"))
    p._p.append(parse_xml(f'<w:r {W}><w:fldChar w:fldCharType="end"/></w:r>'))
    p._p.append(parse_xml(f'<w:r {W}><w:t xml:space="preserve"> tháng 10, trang </w:t></w:r>'))
    p._p.append(parse_xml(f'<w:fldSimple {W} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'))
    p._p.append(parse_xml(f"<w:r {W}><w:t>.</w:t></w:r>"))


def _text_box_paragraph(doc) -> None:
    p = doc.add_paragraph(BOX_PARAGRAPH)
    p._p.append(
        parse_xml(
            f'<w:r {W} {V}><w:pict><v:shape style="width:100pt;height:20pt"><v:textbox><w:txbxContent>'
            f"<w:p><w:r><w:t>{BOXED}</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
        )
    )


def _budget_table(doc) -> None:
    total = sum(q * price for _, _, q, price in LINES)
    table = doc.add_table(rows=len(LINES) + 2, cols=len(HEADERS))
    for col, text in enumerate(HEADERS):
        table.cell(0, col).text = text
    for row, (content, unit, quantity, price) in enumerate(LINES, 1):
        values = [str(row), content, unit, fmt(quantity), fmt(price), fmt(quantity * price)]
        for col, text in enumerate(values):
            table.cell(row, col).text = text
    note = table.cell(1, 6).merge(table.cell(len(LINES), 6))  # vertical merge: Ghi chú of both lines
    note.text = NOTE
    last = len(LINES) + 1
    label = table.cell(last, 0).merge(table.cell(last, 4))  # horizontal merge: the total's label
    label.text = "Tổng cộng"
    table.cell(last, 5).text = fmt(total)


def write_tricky(path: Path) -> Path:
    """The tricky document (a small plan: title, opening, one Mục, a budget table)."""
    doc = Document()
    styles = doc.styles
    bold_para = styles.add_style("Đoạn đậm", WD_STYLE_TYPE.PARAGRAPH)
    bold_para.font.bold = True
    bold_char = styles.add_style("Chữ đậm", WD_STYLE_TYPE.CHARACTER)
    bold_char.font.bold = True
    child = styles.add_style("Đoạn con", WD_STYLE_TYPE.PARAGRAPH)
    child.base_style = bold_para
    doc.add_paragraph("KẾ HOẠCH")
    doc.add_paragraph("Tổ chức hoạt động năm 2024")
    toggle = doc.add_paragraph(style=bold_para)
    for text, shown_bold in TOGGLE_RUNS:
        run = toggle.add_run(text)
        if not shown_bold:
            run.style = bold_char
    doc.add_paragraph(INHERITED, style=child)
    _field_paragraph(doc)
    _text_box_paragraph(doc)
    doc.add_paragraph("I. KINH PHÍ")
    _budget_table(doc)
    total = sum(q * price for _, _, q, price in LINES)
    doc.add_paragraph(f"Tổng kinh phí: {fmt(total)} đồng.")
    doc.save(path)
    return path
