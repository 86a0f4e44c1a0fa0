"""Import: an edited appendix workbook back into the plan file.

Only the cells a person types are read (content, unit, quantity, unit price, source, note), never
formula results (openpyxl does not compute them). Every edited cell is applied or rejected with its
sheet!cell and a reason: a value equal to what was exported leaves the plan file untouched (so a
quantity "=phu_luc_1.tong", a text with "{=…}" or a price written "700.000" stays as it is); a
changed value replaces it and is listed; a figure may be typed as in the plan file ("1.250.000").
A locked cell that was changed anyway (a formula typed over, a linked quantity, a row number) is
rejected. Rows without a key are new lines; rows whose key is gone, or whose white cells were
emptied, were deleted. Groups and tables cannot be added or removed in Excel. A workbook is only
read back into the plan it was exported from, while that plan's appendices (and named values) are
unchanged since the export; otherwise export again. Any rejected cell: nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.tokens import CommentToken

from generator.compute.expr import check_data
from generator.compute.figures import PlanFigures
from generator.compute.solieu import diff_figures, figures_to_json
from generator.errors import PlanError, Problem
from generator.excel.layout import (
    ATTENDEE_COLUMNS,
    BUDGET_COLUMNS,
    FIRST_ROW,
    GROUP_KEY,
    META_SHEET,
    SUMMARY_SHEET,
    TOTAL_KEY,
    Column,
    RowView,
    attendee_rows,
    budget_rows,
    fingerprint,
    table_sheet,
)
from generator.model.schema import Plan
from generator.model.yamlfile import YamlFile, new_map, same_style, write_new_file
from generator.safezip import XLSX, PackageError, open_package
from generator.vi import FigureError, format_number, parse_figure, roman


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
        self.renamed: list[str] = []  # group names changed, as edits applied

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
        if isinstance(value, str):  # typed as text: read as the plan file reads it ("1.250.000")
            try:
                value = parse_figure(value)
            except FigureError as exc:
                self.fail(ws, ref, f"{what} phải là số, thấy chữ «{value}» ({exc}; gõ 250000 hoặc 250.000)")
                return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) and not hasattr(value, "as_integer_ratio"):
            self.fail(ws, ref, f"{what} phải là số, thấy «{value}» (gõ số liền, ví dụ 250000, hoặc 250.000)")
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


MAX_ROWS = 10_000  # rows of a sheet import reads
MAX_CELL_NUMBER = 10**15  # no count or price of a plan comes near


def appendix_node(data: CommentedMap, key: str) -> CommentedMap:
    """The YAML node of an appendix by id: an old file's top-level phu_luc_1/phu_luc_2, or the
    entry of the `phu_luc:` list with that id."""
    if key in data:
        return data[key]
    return next(entry for entry in data.get("phu_luc") or [] if entry.get("id") == key)


def _number_text(value: object) -> str:
    return str(int(value)) if isinstance(value, float) and value == int(value) else str(value)


def check_locked(
    ws: Worksheet,
    columns: tuple[Column, ...],
    rows: list[ReadRow],
    views: list[RowView],
    cells: _Cells,
    numbers: dict[str, object],
) -> None:
    """Reject every locked cell changed anyway: a value typed over a formula, a linked quantity
    changed, a row number changed (`numbers`: key → the row number exported)."""
    by_key = {view.key: view for view in views}
    for read in rows:
        view = by_key.get(read.key)
        for column in columns:
            ref = f"{column.letter}{read.row}"
            cell = ws[ref]
            if view and view.fixed and column.kind == "computed":
                continue  # a fixed row's amount: checked by _check_fixed
            if (
                column.kind == "computed"
                or (read.key == TOTAL_KEY or (read.key or "").startswith(GROUP_KEY))
                and column.kind == "count"
            ):
                if cell.value not in (None, "") and cell.data_type != "f":
                    cells.fail(
                        ws,
                        ref,
                        f"ô tự tính ({column.title.split(' (')[0]}) bị gõ đè bằng «{_shown(cell.value)}» thay cho "
                        "công thức — không nhận; hãy sửa Số lượng hoặc Đơn giá, rồi hoàn tác ô này (Ctrl+Z)",
                    )
            elif (
                view
                and column.field in view.notes
                and column.kind == "count"
                and read.values.get(column.field) != view.values.get(column.field)
            ):
                typed = read.values.get(column.field)
                cells.fail(
                    ws,
                    ref,
                    f"số lượng này lấy từ tham chiếu (ô đã khóa) nên không nhận «{_shown(typed)}»; muốn đổi, "
                    f"hãy sửa ở ô gốc hoặc trong tệp dữ liệu ({view.notes[column.field].split(' (')[0]})",
                )
            elif (
                column.kind == "stt"
                and read.key in numbers
                and cell.value != numbers[read.key]
                and cell.value is not None
            ):
                cells.fail(
                    ws,
                    ref,
                    f"số thứ tự do vanban đánh tự động (ô đã khóa) nên không nhận «{_shown(cell.value)}»; "
                    f"hãy để {numbers[read.key]}",
                )


def _shown(value: object) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value == int(value):
        return format_number(int(value))
    return str(value)


def check_summary(ws: Worksheet, cells: _Cells) -> None:
    """Every figure of the Tổng hợp sheet is a formula: one typed over is rejected."""
    for row in range(1, min(ws.max_row, MAX_ROWS) + 1):
        cell = ws[f"B{row}"]
        if cell.value not in (None, "") and cell.data_type != "f":
            cells.fail(
                ws,
                f"B{row}",
                f"ô tự tính bị gõ đè bằng «{_shown(cell.value)}» — không nhận; trang Tổng hợp "
                "tự cộng từ các bảng, hãy sửa ở các bảng",
            )


def read_rows(ws: Worksheet, columns: tuple[Column, ...], cells: _Cells, source_names: list[str]) -> list[ReadRow]:
    """The non-empty rows between the header and the total row, in order (of a group row only its name)."""
    key_column = columns[-1].letter
    rows, total = [], None
    if ws.max_row > MAX_ROWS:  # rows vanban reads, not the sheet's declared size (XFD1048576)
        cells.fail(
            ws,
            f"A{ws.max_row}",
            f"trang tính có dữ liệu đến dòng {ws.max_row}; vanban chỉ đọc {MAX_ROWS} dòng đầu — xóa các dòng thừa bên dưới",
        )
    for row in range(FIRST_ROW, min(ws.max_row, MAX_ROWS) + 1):
        key = str(ws[f"{key_column}{row}"].value or "").strip() or None
        if key == TOTAL_KEY:
            total = row
            rows.append(ReadRow(row, key, {}))
            continue
        group = bool(key and key.startswith(GROUP_KEY))
        inputs = [c for c in columns if c.field and (c.field == "ten" or not group)]
        typed = any(ws[f"{c.letter}{row}"].value not in (None, "") for c in inputs)
        if typed and total is not None:
            cells.fail(
                ws, f"A{row}", "dòng nằm dưới dòng tổng cộng; hãy chèn dòng mới ở giữa bảng, phía trên dòng tổng"
            )
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
    edits: list[str] = field(default_factory=list)  # "sheet!cell: title: old → new", one per cell applied

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


def apply_rows(
    where: str,
    sheet: str,
    columns: tuple[Column, ...],
    seq: CommentedSeq,
    views: list[RowView],
    rows: list[ReadRow],
    order: tuple[str, ...],
    write,
) -> Changes:
    """Update `seq` (YAML list) from `rows`: changed cells written with `write(node, field, value)`
    (each listed with its sheet!cell), rows without a known key added, keys no row has any more removed."""
    originals = {view.key: (i, view) for i, view in enumerate(views)}
    changes = Changes(where)
    titles = {c.field: (c.letter, c.title.split(" (")[0]) for c in columns if c.field}
    rows = [read for read in rows if read.key != TOTAL_KEY and not (read.key or "").startswith(GROUP_KEY)]
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
                letter, title = titles[name]
                changes.edits.append(
                    f"{sheet}!{letter}{read.row}: {title}: {_edit(view.values.get(name))} → "
                    f"{_edit(read.values.get(name))}"
                )
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
            changes.edits.append(f"{sheet}!A{read.row}: dòng mới «{read.values.get(order[0])}»")
            items.append((node, None))
    changes.removed = len(views) - len(used)
    if changes.any:
        replace_items(seq, items)
    return changes


def _edit(value: object) -> str:
    return "(trống)" if value is None else f"«{_shown(value)}»"


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
            views = budget_rows(figures, t)
            check_locked(ws, BUDGET_COLUMNS, rows, views, cells, {view.key: i + 1 for i, view in enumerate(views)})
            fixed = {view.key: view for view in views if view.fixed}
            for read in rows:
                if read.key in fixed:
                    _check_fixed(cells, ws, read, fixed[read.key])
                elif read.key != TOTAL_KEY:
                    _require(cells, ws, read, ("noi_dung", "so_luong", "don_gia"), BUDGET_COLUMNS)
            seq = appendix_node(document.data, "phu_luc_2")["bang"][t]["dong"]
            work.append((ws.title, ws.title, BUDGET_COLUMNS, seq, views, rows, order, _budget_writer(plan, t, ids)))
        if SUMMARY_SHEET in wb.sheetnames:
            check_summary(wb[SUMMARY_SHEET], cells)
    if cells.problems:
        raise PlanError(cells.problems)
    before = figures_to_json(figures)
    changes = [apply_rows(*job) for job in work]
    if cells.renamed:
        changes.insert(
            0, Changes(f"{figures.phu_luc_1.ten}, tên nhóm", changed=len(cells.renamed), edits=cells.renamed)
        )
    after = document.compute()
    return Imported(document, changes, diff_figures(before, figures_to_json(after)), document.dump() != unchanged)


def _attendee_work(wb, document: YamlFile, figures: PlanFigures, cells: _Cells) -> list:
    """(where, YAML list, views, rows, fields, writer) for each Phụ lục I group; group names updated."""
    attendees = figures.phu_luc_1
    ws = _sheet(wb, attendees.ten, cells.source)
    rows = read_rows(ws, ATTENDEE_COLUMNS, cells, [])
    views = [view for g in range(len(attendees.nhom)) for view in attendee_rows(figures, g)]
    numbers = {view.key: int(view.key.split(".")[1]) + 1 for view in views}
    numbers.update({f"{GROUP_KEY}{g}": group.so for g, group in enumerate(attendees.nhom)})
    check_locked(ws, ATTENDEE_COLUMNS, rows, views, cells, numbers)
    rows = [read for read in rows if read.key != TOTAL_KEY]
    groups: dict[int, list[ReadRow]] = {}
    current, renamed = None, []
    for read in rows:
        number = read.key[len(GROUP_KEY) :] if read.key and read.key.startswith(GROUP_KEY) else ""
        if number.isdigit() and int(number) < len(attendees.nhom):
            current = int(number)
            groups[current] = []
            name = read.values.get("ten")
            node = appendix_node(document.data, "phu_luc_1")["nhom"][current]
            if name is None:
                cells.fail(ws, f"B{read.row}", "tên nhóm không được để trống")
            elif name != attendees.nhom[current].ten:
                node["ten"] = same_style(node["ten"], name)
                renamed.append(f"{ws.title}!B{read.row}: tên nhóm: «{attendees.nhom[current].ten}» → «{name}»")
        elif current is None:
            cells.fail(ws, f"B{read.row}", "dòng nằm trên nhóm đầu tiên; hãy chèn dòng mới bên dưới một dòng nhóm")
        else:
            _require(cells, ws, read, ("ten", "so_luong"), ATTENDEE_COLUMNS)
            groups[current].append(read)
    for g, group in enumerate(attendees.nhom):
        if g not in groups:
            cells.fail(ws, None, f"thiếu dòng nhóm {roman(g + 1)} ({group.ten}); không xóa dòng nhóm trong Excel")
    cells.renamed += renamed
    return [
        (
            f"{ws.title}, nhóm {roman(g + 1)}",
            ws.title,
            ATTENDEE_COLUMNS,
            appendix_node(document.data, "phu_luc_1")["nhom"][g]["thanh_vien"],
            attendee_rows(figures, g),
            groups.get(g, []),
            ("ten", "so_luong"),
            _set,
        )
        for g in range(len(attendees.nhom))
    ]


def _check_fixed(cells: _Cells, ws: Worksheet, read: ReadRow, view: RowView) -> None:
    """A lump-sum line or a line with multiplier columns is exported locked: any figure of it changed
    is rejected (it is edited in the plan file, where its amount is computed)."""
    for column in BUDGET_COLUMNS:
        if column.kind == "computed":
            value = ws[f"{column.letter}{read.row}"].value
            if value != view.amount:
                cells.fail(
                    ws,
                    f"{column.letter}{read.row}",
                    f"dòng {view.fixed}: thành tiền {_shown(view.amount)} do vanban tính "
                    "(ô đã khóa) — hãy sửa dòng này trong tệp dữ liệu",
                )
        elif column.field in ("so_luong", "don_gia") and read.values.get(column.field) != view.values.get(column.field):
            cells.fail(
                ws,
                f"{column.letter}{read.row}",
                f"dòng {view.fixed}: {column.title.split(' (')[0].lower()} "
                "không sửa trong bảng tính (ô đã khóa) — hãy sửa trong tệp dữ liệu",
            )


def _require(cells: _Cells, ws: Worksheet, read: ReadRow, names: tuple[str, ...], columns: tuple[Column, ...]) -> None:
    """A row with anything typed needs its content and figures (unless it is being emptied)."""
    if all(v is None for v in read.values.values()):
        return
    for column in columns:
        if (
            column.field in names
            and read.values.get(column.field) is None
            and ws[f"{column.letter}{read.row}"].value in (None, "")
        ):
            cells.fail(ws, f"{column.letter}{read.row}", f"thiếu {column.title.split(' (')[0].lower()}")


def _open(path: Path):
    try:
        return load_workbook(open_package(path, XLSX), data_only=False)  # budgets first (generator/safezip.py)
    except PackageError as exc:
        raise PlanError([Problem(f"không đọc được bảng tính .xlsx: {exc}", (), path)]) from None
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise PlanError(
            [Problem(f"không đọc được bảng tính .xlsx ({exc.__class__.__name__}: {exc})", (), path)]
        ) from None


def _sheet(wb, name: str, source: Path) -> Worksheet:
    if name not in wb.sheetnames:
        raise PlanError([Problem(f"thiếu trang tính «{name}» (đừng đổi tên hay xóa trang tính)", (), source)])
    return wb[name]


def _check_origin(wb, plan: Plan, workbook_path: Path, plan_path: Path) -> None:
    if META_SHEET not in wb.sheetnames:
        raise PlanError(
            [
                Problem(
                    "bảng tính này không do `vanban export-xlsx` tạo; hãy xuất từ tệp dữ liệu rồi sửa trên đó",
                    (),
                    workbook_path,
                )
            ]
        )
    if wb[META_SHEET]["B1"].value != fingerprint(plan):
        raise PlanError(
            [
                Problem(
                    f"phụ lục trong {plan_path.name} đã khác so với lúc xuất bảng tính này (hoặc bảng tính của kế hoạch khác); "
                    f"hãy xuất lại bằng `vanban export-xlsx {plan_path}` rồi nhập số liệu vào bảng mới",
                    (),
                    workbook_path,
                )
            ]
        )


def import_into_file(workbook_path: Path, plan_path: Path) -> Imported:
    """`import_xlsx`, then the plan file written atomically when anything changed."""
    imported = import_xlsx(workbook_path, plan_path)
    if imported.modified:
        write_new_file(Path(plan_path), imported.document.dump())
    return imported
