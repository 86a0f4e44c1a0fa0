"""Write the docxtpl templates in templates/ (run once after changing the layout; output committed).

    python tools/make_templates.py

The templates are ordinary .docx files: a clerk may open and edit them in Word or LibreOffice.
Layout values come from generator.render.layout (NĐ 30/2020: A4, margins, TNR, sizes per element).
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from generator.render import layout as L  # noqa: E402
from generator.render.renderer import FIXED_CORE_PROPERTIES  # noqa: E402

STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"

OUT = Path(__file__).resolve().parents[1] / "templates"
FONT = "Times New Roman"

# name: (size pt, bold, italic, alignment, first-line indent, before, after, line, extra pPr)
STYLES = {
    "VB Than": (14, False, False, "both", 567, 120, 0, 276, ""),
    "VB Than cuoi": (14, False, False, "both", 567, 120, 0, 276, "<w:keepNext/>"),
    "VB Muc": (14, True, False, "both", 567, 120, 0, 276, "<w:keepNext/>"),
    "VB Khoan": (14, True, False, "both", 567, 120, 0, 276, "<w:keepNext/>"),
    "VB Phan": (14, True, False, "center", 0, 120, 0, 276, "<w:keepNext/>"),
    "VB Du thao": (
        13,
        True,
        False,
        "left",
        0,
        0,
        120,
        240,
        '<w:pBdr><w:top w:val="single" w:sz="8" w:space="1" w:color="auto"/>'
        '<w:left w:val="single" w:sz="8" w:space="4" w:color="auto"/>'
        '<w:bottom w:val="single" w:sz="8" w:space="1" w:color="auto"/>'
        '<w:right w:val="single" w:sz="8" w:space="4" w:color="auto"/></w:pBdr>'
        '<w:ind w:left="0" w:right="7700" w:firstLine="0"/>',
    ),
    "VB Chu quan": (13, False, False, "center", 0, 0, 0, 240, ""),
    "VB Co quan": (13, True, False, "center", 0, 0, 0, 240, ""),
    "VB Quoc hieu": (13, True, False, "center", 0, 0, 0, 240, ""),
    "VB Tieu ngu": (14, True, False, "center", 0, 0, 0, 240, ""),
    "VB Gach": (
        6,
        False,
        False,
        "center",
        0,
        0,
        0,
        240,
        '<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="auto"/></w:pBdr>',
    ),
    "VB So ky hieu": (13, False, False, "center", 0, 120, 0, 240, ""),
    "VB Dia danh ngay": (14, False, True, "center", 0, 120, 0, 240, ""),
    "VB Ten loai": (14, True, False, "center", 0, 360, 0, 240, "<w:keepNext/>"),
    "VB Trich yeu": (14, True, False, "center", 0, 0, 0, 240, "<w:keepNext/>"),
    "VB Noi nhan": (12, True, True, "left", 0, 0, 0, 240, ""),
    "VB Noi nhan dong": (11, False, False, "left", 0, 0, 0, 240, ""),
    "VB Ky": (14, True, False, "center", 0, 0, 0, 240, ""),
    "VB Phu luc so": (14, True, False, "center", 0, 0, 0, 240, "<w:keepNext/>"),
    "VB Phu luc tieu de": (14, True, False, "center", 0, 0, 0, 240, "<w:keepNext/>"),
    "VB Kem theo": (14, False, True, "center", 0, 0, 0, 240, "<w:keepNext/>"),
    "VB Bang tieu de": (14, True, False, "both", 567, 240, 120, 240, "<w:keepNext/>"),
    "VB Bang": (13, False, False, "left", 0, 40, 40, 240, ""),
    "VB Bang giua": (13, False, False, "center", 0, 40, 40, 240, ""),
    "VB Bang so": (13, False, False, "right", 0, 40, 40, 240, ""),
    "VB Bang dam": (13, True, False, "center", 0, 40, 40, 240, ""),
    "VB Bang so dam": (13, True, False, "right", 0, 40, 40, 240, ""),
    "VB Bang chu": (13, False, True, "left", 0, 40, 40, 240, ""),
    "VB Ket thuc": (14, False, False, "right", 0, 120, 0, 240, ""),
    "VB So trang": (14, False, False, "center", 0, 0, 0, 240, ""),
}


def _rpr(size: float, bold: bool = False, italic: bool = False) -> str:
    return (
        f'<w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>'
        + ("<w:b/><w:bCs/>" if bold else "")
        + ("<w:i/><w:iCs/>" if italic else "")
        + f'<w:color w:val="000000"/><w:sz w:val="{int(size * 2)}"/><w:szCs w:val="{int(size * 2)}"/>'
        + '<w:lang w:val="vi-VN"/></w:rPr>'
    )


def _reset_styles(doc) -> None:
    """Keep only the base styles, set TNR 14 black as the document default, add ours."""
    styles = doc.styles.element
    keep = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList"}
    for style in list(styles.findall(qn("w:style"))):
        if style.get(qn("w:styleId")) not in keep:
            styles.remove(style)
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None:
        styles.remove(defaults)
    styles.insert(
        0,
        parse_xml(
            f"<w:docDefaults {nsdecls('w')}><w:rPrDefault>{_rpr(14)}</w:rPrDefault>"
            '<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault>'
            "</w:docDefaults>"
        ),
    )
    latent = styles.find(qn("w:latentStyles"))
    if latent is not None:
        styles.remove(latent)
    for name, (size, bold, italic, jc, first, before, after, line, extra) in STYLES.items():
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
        style.quick_style = True
        ind = "" if "<w:ind " in extra else f'<w:ind w:left="0" w:right="0" w:firstLine="{first}"/>'
        ppr = parse_xml(f"<w:pPr {nsdecls('w')}>{_ppr_children(extra, ind, before, after, line, jc)}</w:pPr>")
        old = style.element.find(qn("w:pPr"))
        if old is not None:
            style.element.remove(old)
        style.element.append(ppr)
        style.element.append(parse_xml(_rpr(size, bold, italic).replace("<w:rPr>", f"<w:rPr {nsdecls('w')}>", 1)))


def _ppr_children(extra: str, ind: str, before: int, after: int, line: int, jc: str) -> str:
    # Schema order: keepNext, pBdr, spacing, ind, jc
    keep = "<w:keepNext/>" if "<w:keepNext/>" in extra else ""
    rest = extra.replace("<w:keepNext/>", "")
    bdr, ind_extra = "", ""
    if "<w:pBdr>" in rest:
        bdr = rest[rest.index("<w:pBdr>") : rest.index("</w:pBdr>") + len("</w:pBdr>")]
    if "<w:ind " in rest:
        start = rest.index("<w:ind ")
        ind_extra = rest[start : rest.index("/>", start) + 2]
    spacing = f'<w:spacing w:before="{before}" w:after="{after}" w:line="{line}" w:lineRule="auto"/>'
    return f'{keep}{bdr}{spacing}{ind_extra or ind}<w:jc w:val="{jc}"/>'


def _page_setup(doc, *, restart: bool) -> None:
    sect = doc.sections[0]._sectPr
    for child in list(sect):
        sect.remove(child)
    sect.append(parse_xml(f'<w:pgSz {nsdecls("w")} w:w="{L.PAGE_WIDTH}" w:h="{L.PAGE_HEIGHT}"/>'))
    sect.append(
        parse_xml(
            f'<w:pgMar {nsdecls("w")} w:top="{L.MARGIN_TOP}" w:right="{L.MARGIN_RIGHT}" w:bottom="{L.MARGIN_BOTTOM}" '
            f'w:left="{L.MARGIN_LEFT}" w:header="{L.HEADER_DISTANCE}" w:footer="567" w:gutter="0"/>'
        )
    )
    if restart:
        sect.append(parse_xml(f'<w:pgNumType {nsdecls("w")} w:start="1"/>'))
    sect.append(parse_xml(f'<w:cols {nsdecls("w")} w:space="720"/>'))
    sect.append(parse_xml(f"<w:titlePg {nsdecls('w')}/>"))
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    header = section.header
    header.is_linked_to_previous = False
    p = header.paragraphs[0]
    p.style = doc.styles["VB So trang"]
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin"/></w:r>'))
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'))
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="separate"/></w:r>'))
    p._p.append(parse_xml(f"<w:r {nsdecls('w')}><w:t>2</w:t></w:r>"))
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>'))
    first = section.first_page_header
    first.is_linked_to_previous = False
    first.paragraphs[0].style = doc.styles["VB So trang"]


def _new_document(*, restart: bool):
    doc = Document()
    _reset_styles(doc)
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    _page_setup(doc, restart=restart)
    props = doc.core_properties
    for name, value in FIXED_CORE_PROPERTIES.items():
        setattr(props, name, value)
    settings = doc.settings.element
    for tag in ("w:rsids", "w:proofState"):
        for el in settings.findall(qn(tag)):
            settings.remove(el)
    # python-docx's default template brings a thumbnail of itself (shown as a preview of our file)
    # and Word 2010's stylesWithEffects.xml (430 KB, none of our styles): a file without them is the same
    for rels, kind in ((doc.part.package.rels, RT.THUMBNAIL), (doc.part.rels, STYLES_WITH_EFFECTS)):
        for rid in [rid for rid, rel in rels.items() if rel.reltype == kind]:
            del rels[rid]
    return doc


def _style_id(doc, name: str) -> str:
    return doc.styles[name].style_id


def para(doc, style: str, text: str = "") -> str:
    """A paragraph of `style` holding `text` (which may be a docxtpl tag) in one plain run."""
    from xml.sax.saxutils import escape

    run = f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>' if text else ""
    return f'<w:p><w:pPr><w:pStyle w:val="{_style_id(doc, style)}"/></w:pPr>{run}</w:p>'


def cell(width: int, content: str, *, span: int = 1, vmerge: str | None = None) -> str:
    span_xml = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{span_xml}<w:vAlign w:val="center"/></w:tcPr>{content}</w:tc>'


def row(cells: list[str], *, header: bool = False, cant_split: bool = True) -> str:
    props = ("<w:cantSplit/>" if cant_split else "") + ("<w:tblHeader/>" if header else "")
    return f"<w:tr><w:trPr>{props}</w:trPr>{''.join(cells)}</w:tr>"


def table(widths: list[int], rows: list[str], *, borders: bool, indent: int = 0, zero_margins: bool = False) -> str:
    border = "single" if borders else "nil"
    edges = "".join(
        f'<w:{edge} w:val="{border}" w:sz="4" w:space="0" w:color="auto"/>'
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    margins = (
        '<w:tblCellMar><w:left w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar>'
        if zero_margins
        else ('<w:tblCellMar><w:left w:w="85" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>')
    )
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    return (
        f'<w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:tblInd w:w="{indent}" w:type="dxa"/>'
        f'<w:tblBorders>{edges}</w:tblBorders><w:tblLayout w:type="fixed"/>{margins}'
        f'<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>'
        f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
    )


def append(doc, xml: str) -> None:
    wrapped = parse_xml(f"<w:body {nsdecls('w')}>{xml}</w:body>")
    sect = doc.element.body.find(qn("w:sectPr"))
    for child in list(wrapped):
        sect.addprevious(child)


def tieu_ngu_paragraph(doc) -> str:
    width = L.text_width("Độc lập - Tự do - Hạnh phúc", 14, bold=True)
    indent = (L.HEADER_RIGHT - round(width * 1.03)) // 2
    return (
        f'<w:p><w:pPr><w:pStyle w:val="{_style_id(doc, "VB Tieu ngu")}"/>'
        '<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="auto"/></w:pBdr>'
        f'<w:ind w:left="{indent}" w:right="{indent}" w:firstLine="0"/></w:pPr>'
        "<w:r><w:t>Độc lập - Tự do - Hạnh phúc</w:t></w:r></w:p>"
    )


def ke_hoach() -> None:
    doc = _new_document(restart=False)
    P = lambda style, text="": para(doc, style, text)  # noqa: E731
    left = (
        P("VB Chu quan", "{%p for dong in co_quan.chu_quan %}")
        + P("VB Chu quan", "{{ dong }}")
        + P("VB Chu quan", "{%p endfor %}")
        + P("VB Co quan", "{%p for dong in co_quan.ten %}")
        + P("VB Co quan", "{{ dong }}")
        + P("VB Co quan", "{%p endfor %}")
        + P("VB Gach")
    )
    right = P("VB Quoc hieu", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") + tieu_ngu_paragraph(doc)
    header = table(
        [L.HEADER_LEFT, L.HEADER_RIGHT],
        [
            row([cell(L.HEADER_LEFT, left), cell(L.HEADER_RIGHT, right)]),
            row(
                [
                    cell(L.HEADER_LEFT, P("VB So ky hieu", "Số: {{ van_ban.so|so_van_ban }}/{{ ky_hieu }}")),
                    cell(L.HEADER_RIGHT, P("VB Dia danh ngay", "{{ van_ban.dia_danh }}, {{ van_ban|ngay_van_ban }}")),
                ]
            ),
        ],
        borders=False,
        indent=L.HEADER_INDENT,
        zero_margins=True,
    )
    blocks = lambda name: (  # noqa: E731
        P("VB Than", f"{{%p for b in {name} %}}")
        + P("VB Than", '{%p if b.kind == "muc" %}')
        + P("VB Muc", "{{r b.rich }}")
        + P("VB Than", '{%p elif b.kind == "phan" %}')
        + P("VB Phan", "{{r b.rich }}")
        + P("VB Than", '{%p elif b.kind == "khoan" %}')
        + P("VB Khoan", "{{r b.rich }}")
        + P("VB Than", "{%p else %}")
        + P("VB Than", "{{r b.rich }}")
        + P("VB Than", "{%p endif %}")
        + P("VB Than", "{%p endfor %}")
    )
    noi_nhan = (
        P("VB Noi nhan", "Nơi nhận:")
        + P("VB Noi nhan dong", "{%p for n in noi_nhan %}")
        + P("VB Noi nhan dong", "- {{ n }};")
        + P("VB Noi nhan dong", "{%p endfor %}")
        + P("VB Noi nhan dong", "- Lưu: {{ luu }}.")
    )
    ky = (
        P("VB Ky", "{%p if ky.tham_quyen %}")
        + P("VB Ky", "{{ ky.tham_quyen }}")
        + P("VB Ky", "{%p endif %}")
        + P("VB Ky", "{%p for dong in ky.chuc_vu %}")
        + P("VB Ky", "{{ dong }}")
        + P("VB Ky", "{%p endfor %}")
        + P("VB Ky") * 4
        + P("VB Ky", "{{ ky.ho_ten }}")
    )
    append(
        doc,
        (
            _draft_mark(doc)
            + header
            + P("VB Ten loai", "{{ ten_loai }}")
            + P("VB Trich yeu", "{{ van_ban.trich_yeu }}")
            + P("VB Gach")
            + blocks("mo_dau")
            + blocks("than")
            + P("VB Than cuoi", "{{r ket_thuc }}")
            + table(
                [L.SIGN_LEFT, L.SIGN_RIGHT],
                [row([cell(L.SIGN_LEFT, noi_nhan), cell(L.SIGN_RIGHT, ky)])],
                borders=False,
                zero_margins=True,
            )
        ),
    )
    doc.save(OUT / "ke-hoach.docx")


def _draft_mark(doc) -> str:
    """The project's draft convention (NĐ 30 has none): a boxed DỰ THẢO at the top left."""
    P = lambda style, text="": para(doc, style, text)  # noqa: E731
    return P("VB Du thao", "{%p if du_thao %}") + P("VB Du thao", "DỰ THẢO") + P("VB Du thao", "{%p endif %}")


def _appendix_heading(doc) -> str:
    P = lambda style, text="": para(doc, style, text)  # noqa: E731
    return (
        _draft_mark(doc)
        + P("VB Phu luc so", "{{ phu_luc.ten }}")
        + P("VB Phu luc tieu de", "{{ phu_luc.tieu_de }}")
        + P(
            "VB Kem theo",
            "(Kèm theo {{ ten_loai_thuong }} số {{ van_ban.so|so_van_ban }}/{{ ky_hieu }} "
            "{{ van_ban|ngay_van_ban }} của {{ co_quan.ten_day_du }})",
        )
        + P("VB Gach")
    )


def phu_luc_1() -> None:
    doc = _new_document(restart=True)
    P = lambda style, text="": para(doc, style, text)  # noqa: E731
    widths = [900, 6654, 1800]
    rows = [
        row(
            [
                cell(widths[0], P("VB Bang dam", "{{ phu_luc.cot.stt }}")),
                cell(widths[1], P("VB Bang dam", "{{ phu_luc.cot.ten }}")),
                cell(widths[2], P("VB Bang dam", "{{ phu_luc.cot.so_luong }}")),
            ],
            header=True,
        ),
        row([cell(sum(widths), P("VB Bang", "{%tr for nhom in phu_luc.nhom %}"), span=3)]),
        row(
            [
                cell(widths[0], P("VB Bang dam", "{{ nhom.so }}")),
                cell(widths[1], P("VB Bang dam", "{{ nhom.ten }}")),
                cell(widths[2], P("VB Bang dam", "{{ nhom.tong|so }}")),
            ]
        ),
        row([cell(sum(widths), P("VB Bang", "{%tr for tv in nhom.thanh_vien %}"), span=3)]),
        row(
            [
                cell(widths[0], P("VB Bang giua", "{{ tv.stt }}")),
                cell(widths[1], P("VB Bang", "{{ tv.ten }}")),
                cell(widths[2], P("VB Bang giua", "{{ tv.so_luong|so }}")),
            ]
        ),
        row([cell(sum(widths), P("VB Bang", "{%tr endfor %}"), span=3)]),
        row([cell(sum(widths), P("VB Bang", "{%tr endfor %}"), span=3)]),
        row(
            [
                cell(widths[0], P("VB Bang dam")),
                cell(widths[1], P("VB Bang dam", "TỔNG CỘNG")),
                cell(widths[2], P("VB Bang dam", "{{ phu_luc.tong|so }}")),
            ]
        ),
    ]
    append(doc, _appendix_heading(doc) + table(widths, rows, borders=True) + P("VB Ket thuc", "./."))
    doc.save(OUT / "phu-luc-1.docx")


def phu_luc_2() -> None:
    doc = _new_document(restart=True)
    P = lambda style, text="": para(doc, style, text)  # noqa: E731
    w = [760, 2714, 1010, 900, 1300, 1420, 1250]  # twips: STT, a 7-digit price, "Tập thể" on one line
    full = sum(w)
    heads = ["STT", "Nội dung", "Đơn vị tính", "Số lượng", "Đơn giá (đồng)", "Thành tiền (đồng)", "Ghi chú"]
    rows = [
        row([cell(w[i], P("VB Bang dam", h)) for i, h in enumerate(heads)], header=True),
        row([cell(full, P("VB Bang", "{%tr for d in bang.dong %}"), span=7)]),
        row(
            [
                cell(w[0], P("VB Bang giua", "{{ d.stt }}")),
                cell(w[1], P("VB Bang", "{{ d.noi_dung }}")),
                cell(w[2], P("VB Bang giua", "{{ d.don_vi_tinh or '' }}")),
                cell(w[3], P("VB Bang so", "{{ d.so_luong|so if d.so_luong is not none else '' }}")),
                cell(w[4], P("VB Bang so", "{{ d.don_gia|so if d.don_gia is not none else '' }}")),
                cell(w[5], P("VB Bang so", "{{ d.thanh_tien|so }}")),
                cell(w[6], P("VB Bang", "{{ d.ghi_chu }}")),
            ]
        ),
        row([cell(full, P("VB Bang", "{%tr endfor %}"), span=7)]),
        row(
            [
                cell(sum(w[:5]), P("VB Bang dam", "Tổng cộng"), span=5),
                cell(w[5], P("VB Bang so dam", "{{ bang.tong|so }}")),
                cell(w[6], P("VB Bang")),
            ]
        ),
        row([cell(full, P("VB Bang chu", "Bằng chữ: {{ bang.tong|chu }}"), span=7)]),
    ]
    sw = [760, 5644, 2950]
    summary = [
        row(
            [
                cell(sw[0], P("VB Bang dam", "STT")),
                cell(sw[1], P("VB Bang dam", "Nguồn kinh phí")),
                cell(sw[2], P("VB Bang dam", "Số tiền (đồng)")),
            ],
            header=True,
        ),
        row([cell(sum(sw), P("VB Bang", "{%tr for n in phu_luc.theo_nguon %}"), span=3)]),
        row(
            [
                cell(sw[0], P("VB Bang giua", "{{ n.stt }}")),
                cell(sw[1], P("VB Bang", "{{ n.ten }}")),
                cell(sw[2], P("VB Bang so", "{{ n.tong|so }}")),
            ]
        ),
        row([cell(sum(sw), P("VB Bang", "{%tr endfor %}"), span=3)]),
        row(
            [
                cell(sw[0] + sw[1], P("VB Bang dam", "Tổng kinh phí thực hiện Kế hoạch"), span=2),
                cell(sw[2], P("VB Bang so dam", "{{ phu_luc.tong|so }}")),
            ]
        ),
        row([cell(sum(sw), P("VB Bang chu", "Bằng chữ: {{ phu_luc.tong|chu }}"), span=3)]),
    ]
    append(
        doc,
        (
            _appendix_heading(doc)
            + P("VB Bang tieu de", "{%p for bang in phu_luc.bang %}")
            + P("VB Bang tieu de", "{{ bang.so }}. {{ bang.tieu_de }}")
            + table(w, rows, borders=True)
            + P("VB Bang tieu de", "{%p endfor %}")
            + P("VB Bang tieu de", "{{ phu_luc.bang|length + 1 }}. Tổng hợp kinh phí theo nguồn")
            + table(sw, summary, borders=True)
            + P("VB Ket thuc", "./.")
        ),
    )
    doc.save(OUT / "phu-luc-2.docx")


def _cells_row(doc, loop: str, *, header: bool) -> list[str]:
    """Rows of a table whose rows and cells both come from the data: {%tr for %} over rows, {%tc for %}
    over cells; each cell left, centred or right as its `kieu` says, its text as runs (bold kept),
    spanning `span` grid columns."""
    P = lambda style, text="": para(doc, style, text)  # noqa: E731
    w = L.TEXT_WIDTH // 3
    content = (
        P("VB Bang", '{%p if c.kieu == "phai" %}')
        + P("VB Bang so", "{% colspan c.span %}{{r c.rich }}")
        + P("VB Bang", '{%p elif c.kieu == "giua" %}')
        + P("VB Bang giua", "{{r c.rich }}")
        + P("VB Bang", "{%p else %}")
        + P("VB Bang", "{{r c.rich }}")
        + P("VB Bang", "{%p endif %}")
    )
    return [
        row([cell(L.TEXT_WIDTH, P("VB Bang", f"{{%tr for r in {loop} %}}"), span=3)]),
        row(
            [cell(w, P("VB Bang", "{%tc for c in r.o %}")), cell(w, content), cell(w, P("VB Bang", "{%tc endfor %}"))],
            header=header,
        ),
        row([cell(L.TEXT_WIDTH, P("VB Bang", "{%tr endfor %}"), span=3)]),
    ]


def phu_luc() -> None:
    """The general appendix: paragraphs of the body's kinds and tables of any columns (danh_sach_nguoi,
    bang, van_ban, and a du_toan with multiplier columns or groups). Column widths are set from the
    content when the document is rendered."""
    doc = _new_document(restart=True)
    P = lambda style, text="": para(doc, style, text)  # noqa: E731
    w = L.TEXT_WIDTH // 3
    rows = _cells_row(doc, "k.dau", header=True) + _cells_row(doc, "k.dong", header=False)
    append(
        doc,
        (
            _appendix_heading(doc)
            + P("VB Than", "{%p for k in khoi %}")
            + P("VB Than", '{%p if k.kind == "bang" %}')
            + table([w, w, L.TEXT_WIDTH - 2 * w], rows, borders=True)
            + P("VB Than", '{%p elif k.kind == "tieu_de_bang" %}')
            + P("VB Bang tieu de", "{{r k.rich }}")
            + P("VB Than", '{%p elif k.kind == "chu" %}')
            + P("VB Bang chu", "{{r k.rich }}")
            + P("VB Than", '{%p elif k.kind == "muc" %}')
            + P("VB Muc", "{{r k.rich }}")
            + P("VB Than", '{%p elif k.kind == "khoan" %}')
            + P("VB Khoan", "{{r k.rich }}")
            + P("VB Than", '{%p elif k.kind == "phan" %}')
            + P("VB Phan", "{{r k.rich }}")
            + P("VB Than", "{%p else %}")
            + P("VB Than", "{{r k.rich }}")
            + P("VB Than", "{%p endif %}")
            + P("VB Than", "{%p endfor %}")
            + P("VB Ket thuc", "./.")
        ),
    )
    doc.save(OUT / "phu-luc.docx")


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    ke_hoach()
    phu_luc_1()
    phu_luc_2()
    phu_luc()
    print("Đã ghi", ", ".join(sorted(p.name for p in OUT.glob("*.docx"))))
