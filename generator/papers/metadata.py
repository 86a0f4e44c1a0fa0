"""Electronic-document metadata (NĐ 30/2020, Phụ lục VI): one JSON beside each paper, for the
office's document system — số, ký hiệu, ngày, cơ quan, tên loại, trích yếu, số trang, người ký,
nơi nhận. The page count is estimated from the text (Times New Roman widths, the templates' sizes
and spacing) until a PDF is made, then counted in the PDF (`count_pdf_pages`).
"""

from __future__ import annotations

import io
import json
import math
import re
import zipfile
from pathlib import Path

from lxml import etree

from generator.papers.contexts import Header
from generator.render import layout as L

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEXT_WIDTH = L.PAGE_WIDTH - L.MARGIN_LEFT - L.MARGIN_RIGHT  # twips
PAGE_TEXT_HEIGHT = L.PAGE_HEIGHT - L.MARGIN_TOP - L.MARGIN_BOTTOM
LINE = 370  # a 14 pt line at 1.15 spacing, twips
PARAGRAPH_GAP = 120
TABLE_LINE = 340  # a 13 pt line in a table cell with its 2 pt above and below
PDF_PAGE = re.compile(rb"/Type\s*/Page(?![a-z])")


def estimate_pages(docx: bytes) -> int:
    """Pages of a rendered paper, estimated: each paragraph's lines at 14 pt over the text width; a
    table row as high as its fullest cell (13 pt lines over the cell's width)."""
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        body = etree.fromstring(archive.read("word/document.xml")).find(f"{W}body")
    height = 0
    for block in body:
        if block.tag == f"{W}p":
            height += _lines(block, TEXT_WIDTH - 567, 14) * LINE + PARAGRAPH_GAP
        elif block.tag == f"{W}tbl":
            for tr in block.iter(f"{W}tr"):
                cells = [(tc, int(tc.find(f"{W}tcPr/{W}tcW").get(f"{W}w", TEXT_WIDTH))) for tc in tr.iter(f"{W}tc")]
                height += (
                    max((sum(_lines(p, max(w - 170, 200), 13) for p in tc.iter(f"{W}p")) for tc, w in cells), default=1)
                    * TABLE_LINE
                )
    return max(1, math.ceil(height / PAGE_TEXT_HEIGHT))


def _lines(p, width: int, size: int) -> int:
    text = "".join(t.text or "" for t in p.iter(f"{W}t"))
    return max(1, math.ceil(L.text_width(text, size) / width)) if text else 1


def metadata(header: Header, file: str, docx: bytes, plan_number: str | None) -> dict:
    ky = header.ky
    return {
        "tep": file,
        "ten_loai": header.loai,
        "so": f"{header.so:02d}" if header.so else None,
        "ky_hieu": header.ky_hieu,
        "so_ky_hieu": header.so_ky_hieu.strip() if header.so else None,
        "ngay": f"{header.nam:04d}-{header.thang:02d}-{header.ngay:02d}" if header.ngay else None,
        "thang": header.thang,
        "nam": header.nam,
        "co_quan_ban_hanh": header.co_quan,
        "trich_yeu": header.trich_yeu,
        "ngon_ngu": "Tiếng Việt",
        "so_trang": estimate_pages(docx),
        "so_trang_theo": "ước tính",
        "nguoi_ky": {"ho_ten": ky.ho_ten, "chuc_vu": " ".join(x for x in [ky.tham_quyen, *ky.chuc_vu] if x)},
        "noi_nhan": list(header.noi_nhan),
        "du_thao": header.du_thao,
        "ke_hoach": plan_number,
        **({"han_bao_cao": header.han.isoformat()} if header.han else {}),
    }


def as_bytes(data: dict) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode("utf-8")


def count_pdf_pages(pdf: Path) -> int | None:
    """Pages of a PDF (its page objects), or None when it cannot be read."""
    try:
        count = len(PDF_PAGE.findall(Path(pdf).read_bytes()))
    except OSError:
        return None
    return count or None
