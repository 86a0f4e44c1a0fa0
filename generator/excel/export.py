"""Export: the appendices of a plan to a workbook a finance officer can edit.

Real formulas for amounts (=D5*E5) and totals (=SUM), the funding source as a drop-down list
(from the hidden "Nguồn" sheet), a hidden key column to match rows on import, a frozen header,
figures with "." between thousands up to the tỷ group whatever the computer's regional settings
(`layout.number_format`), computed and linked cells grey and locked (sheet protection without a
password), a few empty rows with their formulas for new lines.
"""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.formatting.rule import Rule
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.styles.numbers import NumberFormat
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from generator.compute.figures import PlanFigures
from generator.excel.layout import (
    ATTENDEE_COLUMNS,
    BOX,
    BUDGET_COLUMNS,
    FIRST_ROW,
    FONT,
    GREY,
    GROUP_KEY,
    HEAD,
    HEADER_ROW,
    HINT,
    LARGE_FORMATS,
    META_SHEET,
    SOURCES_SHEET,
    SPARE_ROWS,
    SUMMARY_SHEET,
    TOTAL_KEY,
    Column,
    RowView,
    attendee_rows,
    budget_rows,
    fingerprint,
    font,
    number_format,
    table_sheet,
)
from generator.files import write_files
from generator.model.yamlfile import YamlFile

EMPTY_SHEET = "Không có phụ lục"
UNLOCKED, LOCKED = Protection(locked=False), Protection(locked=True)


def _sheet_top(ws: Worksheet, title: str, columns: tuple[Column, ...]) -> None:
    ws["A1"] = title
    ws["A1"].font = Font(name=FONT, size=13, bold=True)
    ws["A2"] = HINT
    ws["A2"].font = font(italic=True)
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(columns) - 1)
    ws.row_dimensions[2].height = 48
    for column in columns:
        cell = ws[f"{column.letter}{HEADER_ROW}"]
        cell.value = column.title
        cell.font, cell.fill, cell.border = font(bold=True), HEAD, BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[column.letter].width = column.width
    key = columns[-1].letter
    ws.column_dimensions[key].hidden = True
    ws.freeze_panes = f"A{FIRST_ROW}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"


def _style(cell, kind: str, *, bold: bool = False, grey: bool = False, shown: object = None) -> None:
    """Font, border, number format (by the figure `shown`), grey and locked, or white and editable."""
    cell.font, cell.border = font(bold=bold), BOX
    if kind in ("count", "money", "computed"):
        cell.number_format = number_format(cell.value if shown is None else shown)
    else:
        cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="center" if kind == "stt" else None)
    if grey or kind in ("computed", "stt", "key"):
        cell.fill = GREY if kind != "key" else PatternFill()
    else:
        cell.protection = UNLOCKED


def _protect(ws: Worksheet) -> None:
    """Grey cells locked, without a password: Excel refuses edits there; rows may still be inserted."""
    ws.protection.sheet = True
    ws.protection.insertRows = ws.protection.formatColumns = ws.protection.formatRows = False
    ws.protection.autoFilter = ws.protection.sort = False


def _write_row(
    ws: Worksheet,
    row: int,
    columns: tuple[Column, ...],
    view: RowView,
    stt: object,
    formulas: dict[str, str] | None = None,
    *,
    bold: bool = False,
    grey: bool = False,
    shown: dict[str, object] | None = None,
) -> None:
    """One row: row number, the view's values, `formulas` (column letter → formula, its value in
    `shown`), the key."""
    for column in columns:
        cell = ws[f"{column.letter}{row}"]
        if formulas and column.letter in formulas:
            cell.value = formulas[column.letter]
        elif column.kind == "stt":
            cell.value = stt
        elif column.kind == "key":
            cell.value = view.key
        else:
            cell.value = view.values.get(column.field)
        note = view.notes.get(column.field) if column.field else None
        _style(
            cell,
            column.kind,
            bold=bold,
            grey=grey or note is not None and column.kind == "count",
            shown=(shown or {}).get(column.letter),
        )
        if note:
            cell.comment = Comment(note, "vanban", height=110, width=260)


def _large_numbers(ws: Worksheet, cells: str) -> None:
    """Conditional formats for amounts of a thousand million and more (see NUMBER_FORMAT)."""
    for limit, code in LARGE_FORMATS:
        style = DifferentialStyle(numFmt=NumberFormat(numFmtId=300 + len(str(limit)), formatCode=code))
        ws.conditional_formatting.add(
            cells, Rule(type="cellIs", operator="greaterThanOrEqual", formula=[str(limit)], dxf=style, stopIfTrue=True)
        )


def _whole_numbers(ws: Worksheet, cells: str, minimum: int, what: str) -> None:
    check = DataValidation(
        type="whole",
        operator="greaterThanOrEqual",
        formula1=str(minimum),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Số không hợp lệ",
        error=f"{what} phải là số nguyên từ {minimum} trở lên, gõ liền không dấu chấm.",
    )
    check.add(cells)
    ws.add_data_validation(check)


def _budget_sheet(wb: Workbook, figures: PlanFigures, t: int, sources: str) -> tuple[str, int]:
    """One Phụ lục II table; returns (sheet name, total row)."""
    budget, table = figures.phu_luc_2, figures.phu_luc_2.bang[t]
    ws = wb.create_sheet(table_sheet(table.so))
    _sheet_top(ws, f"{budget.ten} — {table_sheet(table.so)}: {table.bang.tieu_de}", BUDGET_COLUMNS)
    rows = budget_rows(figures, t)
    for i, view in enumerate(rows):
        row = FIRST_ROW + i
        if view.fixed:  # a lump sum or a line with multipliers: its amount as computed, the row locked
            _write_row(ws, row, BUDGET_COLUMNS, view, i + 1, {"F": view.amount}, grey=True, shown={"F": view.amount})
        else:
            _write_row(
                ws, row, BUDGET_COLUMNS, view, i + 1, {"F": f"=D{row}*E{row}"}, shown={"F": table.dong[i].thanh_tien}
            )
    for row in range(FIRST_ROW + len(rows), FIRST_ROW + len(rows) + SPARE_ROWS):  # for new lines
        _write_row(
            ws,
            row,
            BUDGET_COLUMNS,
            RowView("", {}),
            None,
            {"F": f'=IF(COUNT(D{row},E{row})=2,D{row}*E{row},"")'},
            shown={"F": table.tong},
        )
    last = FIRST_ROW + len(rows) + SPARE_ROWS - 1
    total = last + 1
    # from the header to the row above: rows inserted anywhere in between are counted
    _write_row(
        ws,
        total,
        BUDGET_COLUMNS,
        RowView(TOTAL_KEY, {"noi_dung": "Tổng cộng"}),
        None,
        {"F": f"=SUM(F${HEADER_ROW}:INDEX(F:F,ROW()-1))"},
        bold=True,
        grey=True,
        shown={"F": table.tong},
    )
    choice = DataValidation(
        type="list",
        formula1=sources,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Nguồn kinh phí",
        error="Chọn một nguồn trong danh sách.",
    )
    choice.add(f"G{FIRST_ROW}:G{last}")
    ws.add_data_validation(choice)
    _whole_numbers(ws, f"D{FIRST_ROW}:D{last}", 1, "Số lượng")
    _whole_numbers(ws, f"E{FIRST_ROW}:E{last}", 0, "Đơn giá")
    _large_numbers(ws, f"E{FIRST_ROW}:F{total}")
    _protect(ws)
    return ws.title, total


def _attendee_sheet(wb: Workbook, figures: PlanFigures) -> None:
    attendees = figures.phu_luc_1
    ws = wb.create_sheet(attendees.ten)
    _sheet_top(ws, f"{attendees.ten}: {attendees.tieu_de}", ATTENDEE_COLUMNS)
    row, group_rows = FIRST_ROW, []
    for g, group in enumerate(attendees.nhom):
        members = attendee_rows(figures, g)
        group_rows.append(row)
        first, last = row + 1, row + len(members)
        # below this row, down to the row above the next group (or the total): rows inserted in between count
        subtotal = f"=SUM(INDEX(C:C,ROW()+1):INDEX(C:C,ROW(C{last + 1})-1))"
        _write_row(
            ws,
            row,
            ATTENDEE_COLUMNS,
            RowView(f"{GROUP_KEY}{g}", {"ten": group.ten}),
            group.so,
            {"C": subtotal},
            bold=True,
            shown={"C": group.tong},
        )
        ws[f"C{row}"].fill = GREY
        ws[f"C{row}"].protection = LOCKED
        for i, view in enumerate(members):
            _write_row(ws, first + i, ATTENDEE_COLUMNS, view, i + 1)
        _whole_numbers(ws, f"C{first}:C{last}", 1, "Số lượng")
        row = last + 1
    total = "=" + "+".join(f"C{r}" for r in group_rows)
    _write_row(
        ws,
        row,
        ATTENDEE_COLUMNS,
        RowView(TOTAL_KEY, {"ten": "TỔNG CỘNG"}),
        None,
        {"C": total},
        bold=True,
        grey=True,
        shown={"C": attendees.tong},
    )
    _protect(ws)


def _summary_sheet(wb: Workbook, figures: PlanFigures, tables: list[tuple[str, int]]) -> None:
    budget = figures.phu_luc_2
    ws = wb.create_sheet(SUMMARY_SHEET)
    ws["A1"] = f"{budget.ten}: {budget.tieu_de} — tổng hợp (tự tính từ các bảng)"
    ws["A1"].font = Font(name=FONT, size=13, bold=True)
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 70, 20
    row, shown = 3, {}
    for (name, total), table in zip(tables, budget.bang):
        ws[f"A{row}"], ws[f"B{row}"] = f"{name}: {table.bang.tieu_de}", f"='{name}'!F{total}"
        shown[row] = table.tong
        row += 1
    ws[f"A{row}"], ws[f"B{row}"] = "Tổng kinh phí", f"=SUM(B3:B{row - 1})"
    grand = row
    shown[row] = budget.tong
    row += 2
    first_source = row
    amounts = dict((source.id, amount) for source, amount in budget.theo_nguon)
    for source in figures.plan.phu_luc_2.nguon_kinh_phi:
        shown[row] = amounts.get(source.id, 0)
        terms = [f"SUMIF('{name}'!G:G,A{row},'{name}'!F:F)" for name, _ in tables]
        ws[f"A{row}"], ws[f"B{row}"] = source.ten, "=" + "+".join(terms)
        row += 1
    ws[f"A{row}"] = "Dòng chưa chọn nguồn (khi nhập lại sẽ theo nguồn của bảng)"
    ws[f"B{row}"] = f"=B{grand}-SUM(B{first_source}:B{row - 1})"
    row += 1
    for r in range(3, row):
        if ws[f"A{r}"].value is not None:
            _style(ws[f"A{r}"], "text", bold=r == grand, grey=True)
            _style(ws[f"B{r}"], "computed", bold=r == grand, shown=shown.get(r, 0))
    _large_numbers(ws, f"B3:B{row}")
    ws.protection.sheet = True


def export_workbook(figures: PlanFigures) -> bytes:
    """The workbook of a computed plan, as .xlsx bytes."""
    plan = figures.plan
    wb = Workbook()
    wb.remove(wb.active)
    if figures.phu_luc_1:
        _attendee_sheet(wb, figures)
    if figures.phu_luc_2:
        names = [s.ten for s in plan.phu_luc_2.nguon_kinh_phi]
        sources_range = f"'{SOURCES_SHEET}'!$A$1:$A${len(names)}"
        tables = [_budget_sheet(wb, figures, t, sources_range) for t in range(len(figures.phu_luc_2.bang))]
        _summary_sheet(wb, figures, tables)
        ws = wb.create_sheet(SOURCES_SHEET)
        for i, name in enumerate(names, 1):
            ws[f"A{i}"] = name
        ws.sheet_state = "hidden"
    if not wb.sheetnames:  # a plan without appendices: a sheet that says so (a workbook needs a visible sheet)
        ws = wb.create_sheet(EMPTY_SHEET)
        ws["A1"] = "Kế hoạch này không có phụ lục (Phụ lục I, Phụ lục II) nên không có số liệu để sửa trong Excel."
        ws["A2"] = "Thêm phu_luc_1 hoặc phu_luc_2 vào tệp dữ liệu rồi xuất lại bằng vanban export-xlsx."
        ws["A1"].font, ws["A2"].font = font(bold=True), font(italic=True)
        ws.column_dimensions["A"].width = 100
    meta = wb.create_sheet(META_SHEET)
    meta["A1"], meta["B1"] = "dấu dữ liệu", fingerprint(plan)
    meta.sheet_state = "veryHidden"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export_xlsx(plan_path: Path, out: Path) -> Path:
    """Write the workbook of a plan file atomically; returns its path."""
    out = Path(out)
    return write_files(out.parent, {out.name: export_workbook(YamlFile.read(plan_path).compute())})[0]
