"""Phụ lục I and the Phụ lục II tables to an Excel workbook a finance officer can edit, and back.

Export: one sheet per appendix table (Phụ lục I, Bảng 1, Bảng 2, …) and a "Tổng hợp" sheet, with
real formulas for amounts (=D5*E5) and totals (=SUM), the funding source as a drop-down list (from
the hidden "Nguồn" sheet), a hidden key column to match rows on import, a frozen header, and
figures shown with "." between thousands whatever the computer's regional settings (see
NUMBER_FORMAT). Grey cells are computed and never read back.

Import reads only the cells a person types (content, unit, quantity, unit price, source, note),
never formula results (openpyxl does not compute them). The rule for every cell: a value equal to
what was exported leaves the plan file untouched (so a quantity "=phu_luc_1.tong", a text with
"{=…}" or a price written "700.000" stays as it is); a changed value replaces it. Rows without a
key are new lines; rows whose key is gone were deleted. Groups and tables cannot be added or removed
in Excel. A workbook is only read back into the plan it was exported from, while that plan's
appendices (and named values) are unchanged since the export; otherwise export again.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.formatting.rule import Rule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.styles.numbers import NumberFormat
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.tokens import CommentToken

from generator.compute.expr import check_data
from generator.compute.figures import TEXT_REFERENCE, PlanFigures
from generator.errors import PlanError, Problem
from generator.files import write_files
from generator.safezip import XLSX, PackageError, open_package
from generator.model.yamlfile import YamlFile, new_map, same_style, write_new_file
from generator.model.schema import Plan
from generator.compute.solieu import diff_figures, figures_to_json
from generator.vi import roman

#: Thousands shown with "." in any locale. "#,##0" would use the computer's own separator, and a
#: "." in a format code is the decimal point, so the dots are quoted literals between digit groups.
#: A format code holds at most two conditions, enough for < 1.000.000.000; larger amounts get their
#: format from conditional formatting (LARGE_FORMATS).
NUMBER_FORMAT = '[<1000]0;[<1000000]0"."000;0"."000"."000'
LARGE_FORMATS = ((10**12, '0"."000"."000"."000"."000'), (10**9, '0"."000"."000"."000'))

HEADER_ROW, FIRST_ROW = 4, 5
MAX_ROWS = 10_000  # rows of a sheet import reads
MAX_CELL_NUMBER = 10**15  # no count or price of a plan comes near
SOURCES_SHEET, META_SHEET, SUMMARY_SHEET = "Nguồn", "vanban", "Tổng hợp"
TOTAL_KEY, GROUP_KEY = "tong", "nhom:"
FONT = "Times New Roman"
GREY = PatternFill("solid", fgColor="E7E6E6")
HEAD = PatternFill("solid", fgColor="D9E1F2")
THIN = Side(style="thin", color="A6A6A6")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HINT = ("Sửa các ô nền trắng; ô nền xám do máy tính, không cần sửa. Thêm dòng: chèn dòng (Insert) ở chỗ bất kỳ giữa "
        "dòng tiêu đề và dòng tổng, rồi chép công thức ô xám từ dòng trên; bỏ dòng: xóa cả dòng. "
        "Gõ số liền, không dấu chấm (250000).")


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


def budget_rows(figures: PlanFigures, t: int) -> list[RowView]:
    table = figures.phu_luc_2.bang[t]
    rows = []
    for d, line in enumerate(table.dong):
        dong, notes = line.dong, {}
        if isinstance(dong.so_luong, str):
            notes["so_luong"] = (f"Số lượng do vanban tính từ {dong.so_luong}. Để nguyên thì vẫn tính theo tham chiếu; "
                                 "gõ số khác thì số đó thay cho tham chiếu.")
        for name in ("noi_dung", "ghi_chu"):
            raw = getattr(dong, name)
            if raw and TEXT_REFERENCE.search(raw):
                notes[name] = f"Có số liệu tự tính: {raw}\nĐể nguyên thì giữ tham chiếu; sửa thì lưu đúng chữ đã gõ."
        values = {"noi_dung": line.noi_dung, "don_vi_tinh": dong.don_vi_tinh, "so_luong": line.so_luong,
                  "don_gia": dong.don_gia, "nguon": line.nguon.ten, "ghi_chu": line.ghi_chu}
        rows.append(RowView(f"dong:{t}.{d}", values, notes))
    return rows


def attendee_rows(figures: PlanFigures, g: int) -> list[RowView]:
    nhom = figures.plan.phu_luc_1.nhom[g]
    rows = []
    for m, member in enumerate(figures.phu_luc_1.nhom[g].thanh_vien):
        raw = nhom.thanh_vien[m].so_luong
        notes = {"so_luong": f"Số lượng do vanban tính từ {raw}. Để nguyên thì vẫn tính theo tham chiếu."} if isinstance(raw, str) else {}
        rows.append(RowView(f"tv:{g}.{m}", {"ten": member.ten, "so_luong": member.so_luong}, notes))
    return rows


# --- export ----------------------------------------------------------------------------------------

def _font(bold: bool = False, italic: bool = False) -> Font:
    return Font(name=FONT, size=12, bold=bold, italic=italic)


def _sheet_top(ws: Worksheet, title: str, columns: tuple[Column, ...]) -> None:
    ws["A1"] = title
    ws["A1"].font = Font(name=FONT, size=13, bold=True)
    ws["A2"] = HINT
    ws["A2"].font = _font(italic=True)
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(columns) - 1)
    ws.row_dimensions[2].height = 48
    for column in columns:
        cell = ws[f"{column.letter}{HEADER_ROW}"]
        cell.value = column.title
        cell.font, cell.fill, cell.border = _font(bold=True), HEAD, BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[column.letter].width = column.width
    key = columns[-1].letter
    ws.column_dimensions[key].hidden = True
    ws.freeze_panes = f"A{FIRST_ROW}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"


def _style(cell, kind: str, *, bold: bool = False, grey: bool = False) -> None:
    cell.font, cell.border = _font(bold=bold), BOX
    if kind in ("count", "money", "computed"):
        cell.number_format = NUMBER_FORMAT
    else:
        cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="center" if kind == "stt" else None)
    if grey or kind in ("computed", "stt"):
        cell.fill = GREY


def _write_row(ws: Worksheet, row: int, columns: tuple[Column, ...], view: RowView, stt: object,
               formulas: dict[str, str] | None = None, *, bold: bool = False, grey: bool = False) -> None:
    """One row: row number, the view's values, `formulas` (column letter → formula), the key."""
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
        _style(cell, column.kind, bold=bold, grey=grey or note is not None and column.kind == "count")
        if note:
            cell.comment = Comment(note, "vanban", height=110, width=260)


def _large_numbers(ws: Worksheet, cells: str) -> None:
    """Conditional formats for amounts of a thousand million and more (see NUMBER_FORMAT)."""
    for limit, code in LARGE_FORMATS:
        style = DifferentialStyle(numFmt=NumberFormat(numFmtId=300 + len(str(limit)), formatCode=code))
        ws.conditional_formatting.add(cells, Rule(type="cellIs", operator="greaterThanOrEqual", formula=[str(limit)],
                                                  dxf=style, stopIfTrue=True))


def _whole_numbers(ws: Worksheet, cells: str, minimum: int, what: str) -> None:
    check = DataValidation(type="whole", operator="greaterThanOrEqual", formula1=str(minimum), allow_blank=True,
                           showErrorMessage=True, errorTitle="Số không hợp lệ",
                           error=f"{what} phải là số nguyên từ {minimum} trở lên, gõ liền không dấu chấm.")
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
        _write_row(ws, row, BUDGET_COLUMNS, view, i + 1, {"F": f"=D{row}*E{row}"})
    last, total = FIRST_ROW + len(rows) - 1, FIRST_ROW + len(rows)
    # from the header to the row above: rows inserted anywhere in between are counted
    _write_row(ws, total, BUDGET_COLUMNS, RowView(TOTAL_KEY, {"noi_dung": "Tổng cộng"}), None,
               {"F": f"=SUM(F${HEADER_ROW}:INDEX(F:F,ROW()-1))"}, bold=True, grey=True)
    choice = DataValidation(type="list", formula1=sources, allow_blank=True, showErrorMessage=True,
                            errorTitle="Nguồn kinh phí", error="Chọn một nguồn trong danh sách.")
    choice.add(f"G{FIRST_ROW}:G{last}")
    ws.add_data_validation(choice)
    _whole_numbers(ws, f"D{FIRST_ROW}:D{last}", 1, "Số lượng")
    _whole_numbers(ws, f"E{FIRST_ROW}:E{last}", 0, "Đơn giá")
    _large_numbers(ws, f"E{FIRST_ROW}:F{total}")
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
        _write_row(ws, row, ATTENDEE_COLUMNS, RowView(f"{GROUP_KEY}{g}", {"ten": group.ten}), group.so, {"C": subtotal},
                   bold=True, grey=True)
        for i, view in enumerate(members):
            _write_row(ws, first + i, ATTENDEE_COLUMNS, view, i + 1)
        _whole_numbers(ws, f"C{first}:C{last}", 1, "Số lượng")
        row = last + 1
    total = "=" + "+".join(f"C{r}" for r in group_rows)
    _write_row(ws, row, ATTENDEE_COLUMNS, RowView(TOTAL_KEY, {"ten": "TỔNG CỘNG"}), None, {"C": total}, bold=True, grey=True)


def _summary_sheet(wb: Workbook, figures: PlanFigures, tables: list[tuple[str, int]]) -> None:
    budget = figures.phu_luc_2
    ws = wb.create_sheet(SUMMARY_SHEET)
    ws["A1"] = f"{budget.ten}: {budget.tieu_de} — tổng hợp (tự tính từ các bảng)"
    ws["A1"].font = Font(name=FONT, size=13, bold=True)
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 70, 20
    row = 3
    for (name, total), table in zip(tables, budget.bang):
        ws[f"A{row}"], ws[f"B{row}"] = f"{name}: {table.bang.tieu_de}", f"='{name}'!F{total}"
        row += 1
    ws[f"A{row}"], ws[f"B{row}"] = "Tổng kinh phí", f"=SUM(B3:B{row - 1})"
    grand = row
    row += 2
    first_source = row
    for source in figures.plan.phu_luc_2.nguon_kinh_phi:
        terms = [f"SUMIF('{name}'!G:G,A{row},'{name}'!F:F)" for name, _ in tables]
        ws[f"A{row}"], ws[f"B{row}"] = source.ten, "=" + "+".join(terms)
        row += 1
    ws[f"A{row}"] = "Dòng chưa chọn nguồn (khi nhập lại sẽ theo nguồn của bảng)"
    ws[f"B{row}"] = f"=B{grand}-SUM(B{first_source}:B{row - 1})"
    row += 1
    for r in range(3, row):
        if ws[f"A{r}"].value is not None:
            _style(ws[f"A{r}"], "text", bold=r == grand)
            _style(ws[f"B{r}"], "computed", bold=r == grand)
    _large_numbers(ws, f"B3:B{row}")


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


# --- import: reading cells -------------------------------------------------------------------------

@dataclass
class ReadRow:
    row: int
    key: str | None
    values: dict[str, object]


class _Cells:
    """Reads and checks typed cells, collecting every problem with its sheet and cell."""

    def __init__(self, source: Path):
        self.source = source
        self.problems: list[Problem] = []

    def fail(self, ws: Worksheet, ref: str | None, reason: str) -> None:
        where = f"{ws.title}!{ref}" if ref else ws.title
        self.problems.append(Problem(f"{where}: {reason}", (), self.source))

    def value(self, ws: Worksheet, column: Column, row: int, source_names: list[str]) -> object:
        ref = f"{column.letter}{row}"
        cell = ws[ref]
        value = cell.value
        if isinstance(value, str) and cell.data_type == "f":
            self.fail(ws, ref, f"ô có công thức {value!r}; hãy gõ giá trị (vanban không đọc kết quả công thức)")
            return None
        if isinstance(value, str):
            value = value.strip() or None
        if value is None:
            return None
        if isinstance(value, (datetime, date, time)):
            self.fail(ws, ref, "Excel đã tự đổi ô này thành ngày tháng; gõ lại (với chữ: thêm dấu ' ở đầu)")
            return None
        if column.kind in ("count", "money"):
            return self._number(ws, ref, value, column)
        text = value if isinstance(value, str) else _number_text(value)
        for _, source, why in check_data(text):  # a reference typed in a cell obeys the plan's rules
            self.fail(ws, ref, f"tham chiếu {{={source}}} không hợp lệ: {why}")
        if column.kind == "source" and text not in source_names:
            self.fail(ws, ref, f"nguồn kinh phí «{text}» không có trong danh sách ({'; '.join(source_names)})")
            return None
        return text

    def _number(self, ws: Worksheet, ref: str, value: object, column: Column) -> int | None:
        what = column.title.split(" (")[0].lower()
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(ws, ref, f"{what} phải là số, thấy chữ «{value}» (gõ số liền, không dấu chấm, ví dụ 250000)")
            return None
        if not -MAX_CELL_NUMBER <= value <= MAX_CELL_NUMBER:  # also inf (<v>1e309</v>) and NaN
            self.fail(ws, ref, f"{what} quá lớn hoặc không phải số ({value})")
            return None
        if value != int(value):
            self.fail(ws, ref, f"{what} phải là số nguyên, thấy {value} (có phần thập phân)")
            return None
        minimum = 1 if column.kind == "count" else 0
        if value < minimum:
            self.fail(ws, ref, f"{what} phải từ {minimum} trở lên, thấy {int(value)}")
            return None
        return int(value)


def _number_text(value: object) -> str:
    return str(int(value)) if isinstance(value, float) and value == int(value) else str(value)


def read_rows(ws: Worksheet, columns: tuple[Column, ...], cells: _Cells, source_names: list[str]) -> list[ReadRow]:
    """The non-empty rows between the header and the total row, in order (of a group row only its name)."""
    key_column = columns[-1].letter
    rows, total = [], None
    if ws.max_row > MAX_ROWS:  # rows vanban reads, not the sheet's declared size (XFD1048576)
        cells.fail(ws, f"A{ws.max_row}", f"trang tính có dữ liệu đến dòng {ws.max_row}; vanban chỉ đọc {MAX_ROWS} dòng đầu — xóa các dòng thừa bên dưới")
    for row in range(FIRST_ROW, min(ws.max_row, MAX_ROWS) + 1):
        key = str(ws[f"{key_column}{row}"].value or "").strip() or None
        if key == TOTAL_KEY:
            total = row
            continue
        group = bool(key and key.startswith(GROUP_KEY))
        inputs = [c for c in columns if c.field and (c.field == "ten" or not group)]
        typed = any(ws[f"{c.letter}{row}"].value not in (None, "") for c in inputs)
        if typed and total is not None:
            cells.fail(ws, f"A{row}", "dòng nằm dưới dòng tổng cộng; hãy chèn dòng mới ở giữa bảng, phía trên dòng tổng")
        elif typed or group:
            rows.append(ReadRow(row, key, {c.field: cells.value(ws, c, row, source_names) for c in inputs}))
    return rows


# --- import: writing back ------------------------------------------------------------------------

@dataclass
class Changes:
    """What an import did to one table or group."""

    where: str
    changed: int = 0
    added: int = 0
    removed: int = 0

    def __str__(self) -> str:
        return f"{self.where}: sửa {self.changed} dòng, thêm {self.added} dòng, bỏ {self.removed} dòng"

    @property
    def any(self) -> bool:
        return bool(self.changed or self.added or self.removed)


def _set(node: CommentedMap, name: str, value: object) -> None:
    if value is None:
        node.pop(name, None)
    else:
        node[name] = same_style(node.get(name), value)


def apply_rows(where: str, seq: CommentedSeq, views: list[RowView], rows: list[ReadRow], order: tuple[str, ...],
               write) -> Changes:
    """Update `seq` (YAML list) from `rows`: changed cells written with `write(node, field, value)`,
    rows without a known key added, keys no row has any more removed."""
    originals = {view.key: (i, view) for i, view in enumerate(views)}
    changes = Changes(where)
    flow = bool(len(seq)) and isinstance(seq[0], CommentedMap) and seq[0].fa.flow_style()
    items: list[tuple[object, int | None]] = []
    used: set[str] = set()
    for read in rows:
        if read.key in originals and read.key not in used and any(v is not None for v in read.values.values()):
            used.add(read.key)
            index, view = originals[read.key]
            node = seq[index]
            differing = [name for name in order if read.values.get(name) != view.values.get(name)]
            for name in differing:
                write(node, name, read.values.get(name))
            changes.changed += bool(differing)
            items.append((node, index))
        elif any(v is not None for v in read.values.values()):
            node = new_map(flow=flow)
            sample = seq[0] if len(seq) and isinstance(seq[0], CommentedMap) else {}
            for name in order:
                write(node, name, read.values.get(name))
                if name in node:  # quoted like the lines already there
                    node[name] = same_style(sample.get(name), node[name])
            changes.added += 1
            items.append((node, None))
    changes.removed = len(views) - len(used)
    if changes.any:
        replace_items(seq, items)
    return changes


def replace_items(seq: CommentedSeq, items: list[tuple[object, int | None]]) -> None:
    """Put `items` (node, old index or None) into `seq`, keeping each kept item's comments; the
    comment lines a removed item carried for what follows it move to the item now before them."""
    old_comments = dict(seq.ca.items)
    kept = {old: new for new, (_, old) in enumerate(items) if old is not None}
    tails: dict[int, str] = {}
    for old in range(len(seq)):
        if old in kept:
            continue
        tail = _take_tail(seq, old, old_comments)
        before = [kept[k] for k in kept if k < old]
        if tail and before:
            tails[max(before)] = tails.get(max(before), "") + tail
    seq.ca.items.clear()
    nodes = [node for node, _ in items]
    del seq[:]
    seq.extend(nodes)
    for old, new in kept.items():
        if old in old_comments:
            seq.ca.items[new] = old_comments[old]
    for new, tail in tails.items():
        _add_tail(seq, new, tail)


def _tail_slot(seq: CommentedSeq, index: int, comments: dict) -> tuple[list, int] | None:
    """Where the comment after item `index` lives: (comment entry, position in it)."""
    item = seq[index]
    if isinstance(item, CommentedMap) and not item.fa.flow_style() and len(item):
        last = list(item)[-1]
        if isinstance(item[last], (CommentedMap, CommentedSeq)):
            return None
        return item.ca.items.setdefault(last, [None, None, None, None]), 2
    return comments.setdefault(index, [None, None, None, None]), 0


def _take_tail(seq: CommentedSeq, index: int, comments: dict) -> str:
    slot = _tail_slot(seq, index, comments)
    token = slot[0][slot[1]] if slot else None
    if token is None:
        return ""
    _, _, rest = token.value.partition("\n")
    return rest


def _add_tail(seq: CommentedSeq, index: int, tail: str) -> None:
    slot = _tail_slot(seq, index, seq.ca.items)
    if slot is None:
        return
    entry, position = slot
    if entry[position] is None:
        entry[position] = CommentToken("\n" + tail, CommentMark(0), None)
    else:
        entry[position].value += tail


def _budget_writer(plan: Plan, t: int, source_ids: dict[str, str]):
    """Writes a Phụ lục II field to a YAML line; the source only when it differs from the inherited one."""
    p2 = plan.phu_luc_2
    inherited = p2.bang[t].nguon or p2.nguon_mac_dinh

    def write(node: CommentedMap, name: str, value: object) -> None:
        if name == "nguon":
            chosen = source_ids.get(value) if value else None
            _set(node, "nguon", None if chosen in (None, inherited) else chosen)
        else:
            _set(node, name, value)

    return write


@dataclass
class Imported:
    """The plan data after an import, what changed in each table or group, and the figures that moved."""

    document: YamlFile
    changes: list[Changes]
    figures: list[str]
    modified: bool


def import_xlsx(workbook_path: Path, plan_path: Path) -> Imported:
    """Read an edited workbook into the plan data (not yet written).

    PlanError, with nothing changed, for bad cells, a workbook of another plan, or an invalid result.
    """
    workbook_path = Path(workbook_path)
    document = YamlFile.read(plan_path)
    unchanged = document.dump()
    figures = document.compute()
    plan = figures.plan
    wb = _open(workbook_path)
    _check_origin(wb, plan, workbook_path, Path(plan_path))
    cells = _Cells(workbook_path)
    work: list[tuple] = []  # the arguments of apply_rows, for each table and group
    if plan.phu_luc_1:
        work += _attendee_work(wb, document, figures, cells)
    if plan.phu_luc_2:
        names = [s.ten for s in plan.phu_luc_2.nguon_kinh_phi]
        ids = {s.ten: s.id for s in plan.phu_luc_2.nguon_kinh_phi}
        order = tuple(c.field for c in BUDGET_COLUMNS if c.field)
        for t, table in enumerate(figures.phu_luc_2.bang):
            ws = _sheet(wb, table_sheet(table.so), workbook_path)
            rows = read_rows(ws, BUDGET_COLUMNS, cells, names)
            for read in rows:
                _require(cells, ws, read, ("noi_dung", "so_luong", "don_gia"), BUDGET_COLUMNS)
            seq = document.data["phu_luc_2"]["bang"][t]["dong"]
            work.append((ws.title, seq, budget_rows(figures, t), rows, order, _budget_writer(plan, t, ids)))
    if cells.problems:
        raise PlanError(cells.problems)
    before = figures_to_json(figures)
    changes = [apply_rows(*job) for job in work]
    after = document.compute()
    return Imported(document, changes, diff_figures(before, figures_to_json(after)), document.dump() != unchanged)


def _attendee_work(wb, document: YamlFile, figures: PlanFigures, cells: _Cells) -> list:
    """(where, YAML list, views, rows, fields, writer) for each Phụ lục I group; group names updated."""
    attendees = figures.phu_luc_1
    ws = _sheet(wb, attendees.ten, cells.source)
    rows = read_rows(ws, ATTENDEE_COLUMNS, cells, [])
    groups: dict[int, list[ReadRow]] = {}
    current = None
    for read in rows:
        number = read.key[len(GROUP_KEY):] if read.key and read.key.startswith(GROUP_KEY) else ""
        if number.isdigit() and int(number) < len(attendees.nhom):
            current = int(number)
            groups[current] = []
            name = read.values.get("ten")
            node = document.data["phu_luc_1"]["nhom"][current]
            if name is None:
                cells.fail(ws, f"B{read.row}", "tên nhóm không được để trống")
            elif name != attendees.nhom[current].ten:
                node["ten"] = same_style(node["ten"], name)
        elif current is None:
            cells.fail(ws, f"B{read.row}", "dòng nằm trên nhóm đầu tiên; hãy chèn dòng mới bên dưới một dòng nhóm")
        else:
            _require(cells, ws, read, ("ten", "so_luong"), ATTENDEE_COLUMNS)
            groups[current].append(read)
    for g, group in enumerate(attendees.nhom):
        if g not in groups:
            cells.fail(ws, None, f"thiếu dòng nhóm {roman(g + 1)} ({group.ten}); không xóa dòng nhóm trong Excel")
    return [
        (f"{ws.title}, nhóm {roman(g + 1)}", document.data["phu_luc_1"]["nhom"][g]["thanh_vien"],
         attendee_rows(figures, g), groups.get(g, []), ("ten", "so_luong"), _set)
        for g in range(len(attendees.nhom))
    ]


def _require(cells: _Cells, ws: Worksheet, read: ReadRow, names: tuple[str, ...], columns: tuple[Column, ...]) -> None:
    """A row with anything typed needs its content and figures (unless it is being emptied)."""
    if all(v is None for v in read.values.values()):
        return
    for column in columns:
        if column.field in names and read.values.get(column.field) is None and ws[f"{column.letter}{read.row}"].value in (None, ""):
            cells.fail(ws, f"{column.letter}{read.row}", f"thiếu {column.title.split(' (')[0].lower()}")


def _open(path: Path):
    try:
        return load_workbook(open_package(path, XLSX), data_only=False)  # budgets first (generator/safezip.py)
    except PackageError as exc:
        raise PlanError([Problem(f"không đọc được bảng tính .xlsx: {exc}", (), path)]) from None
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise PlanError([Problem(f"không đọc được bảng tính .xlsx ({exc.__class__.__name__}: {exc})", (), path)]) from None


def _sheet(wb, name: str, source: Path) -> Worksheet:
    if name not in wb.sheetnames:
        raise PlanError([Problem(f"thiếu trang tính «{name}» (đừng đổi tên hay xóa trang tính)", (), source)])
    return wb[name]


def _check_origin(wb, plan: Plan, workbook_path: Path, plan_path: Path) -> None:
    if META_SHEET not in wb.sheetnames:
        raise PlanError([Problem("bảng tính này không do `vanban export-xlsx` tạo; hãy xuất từ tệp dữ liệu rồi sửa trên đó",
                                 (), workbook_path)])
    if wb[META_SHEET]["B1"].value != fingerprint(plan):
        raise PlanError([Problem(
            f"phụ lục trong {plan_path.name} đã khác so với lúc xuất bảng tính này (hoặc bảng tính của kế hoạch khác); "
            f"hãy xuất lại bằng `vanban export-xlsx {plan_path}` rồi nhập số liệu vào bảng mới", (), workbook_path)])


def import_into_file(workbook_path: Path, plan_path: Path) -> Imported:
    """`import_xlsx`, then the plan file written atomically when anything changed."""
    imported = import_xlsx(workbook_path, plan_path)
    if imported.modified:
        write_new_file(Path(plan_path), imported.document.dump())
    return imported

