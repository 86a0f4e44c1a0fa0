"""Small .docx documents made with python-docx for the audit and import tests.

A document is a list of blocks: a str is a plain paragraph, a `P` a paragraph of formatted runs,
a `T` a table whose rows may merge cells (as our own Phụ lục II does for its total rows).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from docx import Document

BUDGET_HEADERS = ["STT", "Nội dung", "Đơn vị tính", "Số lượng", "Đơn giá (đồng)", "Thành tiền (đồng)", "Ghi chú"]


def fmt(n: int) -> str:
    """46670000 → '46.670.000', written here independently of generator.vi."""
    return f"{n:,}".replace(",", ".")


@dataclass
class P:
    """A paragraph of runs: (text, "b"/"i"/"") pairs."""

    runs: list[tuple[str, str]]


@dataclass
class T:
    """A table: rows of cell texts; `merge` maps a row index to the (first, last) columns merged."""

    rows: list[list[str]]
    merge: dict[int, tuple[int, int]] = field(default_factory=dict)


def write_docx(path: Path, blocks: list) -> Path:
    doc = Document()
    for block in blocks:
        if isinstance(block, str):
            doc.add_paragraph(block)
        elif isinstance(block, P):
            paragraph = doc.add_paragraph()
            for text, style in block.runs:
                run = paragraph.add_run(text)
                run.bold = style == "b" or None
                run.italic = style == "i" or None
        else:
            width = max(len(r) for r in block.rows)
            table = doc.add_table(rows=len(block.rows), cols=width)
            for r, row in enumerate(block.rows):
                first, last = block.merge.get(r, (None, None))
                if first is not None:
                    table.cell(r, first).merge(table.cell(r, last))
                for c, text in enumerate(row):
                    if first is not None and first < c <= last:
                        continue
                    table.cell(r, c).text = text
    doc.save(path)
    return path


def budget_table(
    lines: list[tuple],
    *,
    total: int | None,
    words: str | None,
    label: str = "Bằng chữ",
    headers: list[str] = BUDGET_HEADERS,
) -> T:
    """Our layout: lines (stt, nội dung, đvt, số lượng, đơn giá, thành tiền, ghi chú) as printed text;
    a "Tổng cộng" row merged over the first five columns; a "Bằng chữ" row merged over all."""
    rows = [list(headers)] + [[str(x) for x in line] for line in lines]
    merge = {}
    if total is not None:
        merge[len(rows)] = (0, 4)
        rows.append(["Tổng cộng", "", "", "", "", fmt(total), ""])
    if words is not None:
        merge[len(rows)] = (0, len(headers) - 1)
        rows.append([f"{label}: {words}"] + [""] * (len(headers) - 1))
    return T(rows, merge)


def budget_document(path: Path, table: T, heading: str = "1. Tổ chức họp mặt") -> Path:
    """Phụ lục II layout: the appendix title, a numbered heading, the table."""
    return write_docx(path, ["Phụ lục II", "DỰ TRÙ KINH PHÍ THỰC HIỆN", heading, table])
