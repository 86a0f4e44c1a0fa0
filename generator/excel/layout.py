"""The layout an appendix workbook shares between export and import: sheets, columns, keys, formats.

One sheet per appendix table (Phụ lục I, Bảng 1, Bảng 2, …) and a "Tổng hợp" sheet; a hidden key
column matches rows on import; grey cells (computed, or quantities linked to another figure) are
locked by sheet protection without a password, white cells are what a person edits.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from openpyxl.styles import Border, Font, PatternFill, Side

from generator.compute.figures import TEXT_REFERENCE, PlanFigures
from generator.model.schema import Plan

#: Thousands shown with "." in any locale. "#,##0" would use the computer's own separator, and a
#: "." in a format code is the decimal point, so the dots are quoted literals between digit groups.
#: A format code holds at most two conditions, enough for < 1.000.000.000; larger amounts get their
#: format from conditional formatting (LARGE_FORMATS).
NUMBER_FORMAT = '[<1000]0;[<1000000]0"."000;0"."000"."000'
#: The same from a thousand up to 999.999.999.999 (the tỷ group): for cells holding a million or more.
LARGE_NUMBER_FORMAT = '[<1000000]0"."000;[<1000000000]0"."000"."000;0"."000"."000"."000'
LARGE_FORMATS = ((10**12, '0"."000"."000"."000"."000'), (10**9, '0"."000"."000"."000'))

HEADER_ROW, FIRST_ROW = 4, 5
SOURCES_SHEET, META_SHEET, SUMMARY_SHEET = "Nguồn", "vanban", "Tổng hợp"
TOTAL_KEY, GROUP_KEY = "tong", "nhom:"
FONT = "Times New Roman"
GREY = PatternFill("solid", fgColor="E7E6E6")
HEAD = PatternFill("solid", fgColor="D9E1F2")
THIN = Side(style="thin", color="A6A6A6")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HINT = (
    "Sửa các ô nền trắng; ô nền xám do máy tính (đã khóa, Excel không cho sửa). Thêm dòng: gõ vào các dòng trống "
    "phía trên dòng tổng, hoặc chèn dòng (Insert) giữa dòng tiêu đề và dòng tổng; bỏ dòng: xóa nội dung các ô trắng "
    "của dòng. Gõ số liền (250000) hoặc có dấu chấm (250.000)."
)
SPARE_ROWS = 3  # empty rows with their formulas above each total, for new lines


def number_format(value: object) -> str:
    """The format of a figure cell: thousands grouped with "." in any locale, up to the tỷ group.

    A format code holds two conditions at most: cells of a million or more get the one that groups
    up to 999.999.999.999 (and needs 1.000 at least), the others the one from 0 to 999.999.999.
    """
    large = isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 1_000_000
    return LARGE_NUMBER_FORMAT if large else NUMBER_FORMAT


def font(bold: bool = False, italic: bool = False) -> Font:
    return Font(name=FONT, size=12, bold=bold, italic=italic)


@dataclass(frozen=True)
class Column:
    letter: str
    title: str
    width: float
    field: str | None = None  # the plan field the column edits; None: computed or row number
    kind: str = "text"  # text, count, money, source, computed, stt, key


BUDGET_COLUMNS = (
    Column("A", "STT", 6, kind="stt"),
    Column("B", "Nội dung", 48, "noi_dung"),
    Column("C", "Đơn vị tính", 12, "don_vi_tinh"),
    Column("D", "Số lượng", 11, "so_luong", "count"),
    Column("E", "Đơn giá (đồng)", 15, "don_gia", "money"),
    Column("F", "Thành tiền (đồng)", 17, kind="computed"),
    Column("G", "Nguồn kinh phí", 30, "nguon", "source"),
    Column("H", "Ghi chú", 28, "ghi_chu"),
    Column("I", "Khóa (không sửa)", 14, kind="key"),
)
ATTENDEE_COLUMNS = (
    Column("A", "TT", 6, kind="stt"),
    Column("B", "Đơn vị", 64, "ten"),
    Column("C", "Số lượng đại biểu", 14, "so_luong", "count"),
    Column("D", "Khóa (không sửa)", 14, kind="key"),
)


def table_sheet(number: int) -> str:
    return f"Bảng {number}"


def fingerprint(plan: Plan) -> str:
    """What a workbook was exported from: the appendices and named values of the plan."""
    parts = {name: getattr(plan, name) for name in ("phu_luc_1", "phu_luc_2")}
    data = {name: value.model_dump(mode="json") if value else None for name, value in parts.items()}
    data["bien"] = plan.bien
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()[:20]


# --- what each row shows ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RowView:
    """One exported row: its key, the values shown, and notes for cells computed from references."""

    key: str
    values: dict[str, object]
    notes: dict[str, str] = field(default_factory=dict)
    #: Why the whole row is computed elsewhere and locked (a lump sum, multiplier columns), with its
    #: amount; "" for an ordinary row.
    fixed: str = ""
    amount: int | None = None


def budget_rows(figures: PlanFigures, t: int) -> list[RowView]:
    table = figures.phu_luc_2.bang[t]
    rows = []
    for d, line in enumerate(table.dong):
        dong, notes = line.dong, {}
        if isinstance(dong.so_luong, str):
            notes["so_luong"] = (
                f"Số lượng do vanban tính từ {dong.so_luong} (ô đã khóa). Muốn đổi, hãy sửa ở ô gốc "
                "hoặc trong tệp dữ liệu."
            )
        for name in ("noi_dung", "ghi_chu"):
            raw = getattr(dong, name)
            if raw and TEXT_REFERENCE.search(raw):
                notes[name] = f"Có số liệu tự tính: {raw}\nĐể nguyên thì giữ tham chiếu; sửa thì lưu đúng chữ đã gõ."
        values = {
            "noi_dung": line.noi_dung,
            "don_vi_tinh": dong.don_vi_tinh,
            "so_luong": line.so_luong,
            "don_gia": dong.don_gia,
            "nguon": line.nguon.ten,
            "ghi_chu": line.ghi_chu,
        }
        fixed = (
            "khoán gọn"
            if dong.khoan_gon is not None
            else "có cột hệ số (số ngày, số buổi…)"
            if table.bang.he_so
            else ""
        )
        rows.append(RowView(f"dong:{t}.{d}", values, notes, fixed, line.thanh_tien))
    return rows


def attendee_rows(figures: PlanFigures, g: int) -> list[RowView]:
    nhom = figures.plan.phu_luc_1.nhom[g]
    rows = []
    for m, member in enumerate(figures.phu_luc_1.nhom[g].thanh_vien):
        raw = nhom.thanh_vien[m].so_luong
        notes = {"so_luong": f"Số lượng do vanban tính từ {raw} (ô đã khóa)."} if isinstance(raw, str) else {}
        rows.append(RowView(f"tv:{g}.{m}", {"ten": member.ten, "so_luong": member.so_luong}, notes))
    return rows
