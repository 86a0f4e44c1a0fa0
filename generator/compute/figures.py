"""Pure computation: every figure, number and cross-reference of a plan, derived from its data.

Nothing here formats for print except the values a reference inserts into running text.
References: a count may be "=phu_luc_1.tong"; text may hold "{=phu_luc_1.tong}"; a column of a
general table may be a formula over its row ("so_nguoi * muc_chi"). All of them are evaluated by
`evaluate_expression` (compute/expr.py, a small bounded language) over the computed figures only,
with cycle detection.

Appendices are named by their id (an old file's phu_luc_1/phu_luc_2 are ids too) and numbered
I, II, III… by position. Money is whole đồng: a line with a decimal quantity or multiplier is
computed exactly (Decimal) and rounded once to whole đồng, half up (ROUND_HALF_UP: 0,5 đồng → 1).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import partial
from typing import Any

from generator.compute import expr
from generator.compute.expr import TEXT_REFERENCE
from generator.errors import DataPath, PlanError, Problem, format_path
from generator.model.schema import (
    REFERENCE_PREFIX,
    AppendixData,
    Bang,
    BangChung,
    Block,
    CotBang,
    CotDanhSach,
    DanhSachNguoi,
    Dong,
    Khoan,
    Muc,
    Nguoi,
    NguonKinhPhi,
    PhuLuc1,
    PhuLuc2,
    Plan,
    VanBanPhuLuc,
)
from generator.vi import diem_letter, format_number, roman
from generator.vi.words import MAX_AMOUNT

#: A field of a name ("phu_luc_2.tong", "bien.ten"): looked up directly (true, false, none and not are words of the language).
PLAIN_REFERENCE = re.compile(r"(?!(?:true|false|none|not)\.)([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)")
RESERVED_NAMES = ("bien",)
#: The label of a body paragraph by its kind (a diem's is its letter).
BLOCK_LABELS = {"doan": "", "gach": "-", "cong": "+"}
#: The rounding rule of money: to whole đồng, half up.
ROUNDING = ROUND_HALF_UP
Number = int | Decimal
#: What a name's field gives a reference, computed when asked for.
Getter = Callable[[], object]


def evaluate_expression(expression: str, names: Mapping[str, object]) -> object:
    """THE evaluator of references and formulas: `expression` over `names` (compute/expr.py);
    expr.ReferenceError_ when it cannot be had."""
    return expr.evaluate(expression, names)


def round_dong(value: Number) -> int:
    """Money to whole đồng: exact for int, half up for Decimal (12.345,5 → 12.346)."""
    if isinstance(value, int):
        return value
    return int(value.quantize(Decimal(1), rounding=ROUNDING))


@dataclass(frozen=True)
class LineFigures:
    stt: int
    dong: Dong
    noi_dung: str
    ghi_chu: str | None
    so_luong: Number | None  # None for a lump sum
    thanh_tien: int
    nguon: NguonKinhPhi
    he_so: tuple[Number, ...] = ()


@dataclass(frozen=True)
class LineGroupFigures:
    so: str  # Roman numeral
    ten: str
    dong: tuple[LineFigures, ...]
    tong: int


@dataclass(frozen=True)
class TableFigures:
    so: int
    bang: Bang
    dong: tuple[LineFigures, ...]  # every line, groups flattened
    tong: int
    nhom: tuple[LineGroupFigures, ...] = ()


@dataclass(frozen=True)
class BudgetFigures:
    ten: str
    tieu_de: str
    bang: tuple[TableFigures, ...]
    tong: int
    theo_nguon: tuple[tuple[NguonKinhPhi, int], ...]
    nguon_mac_dinh: str
    id: str = "phu_luc_2"
    loai: str = "du_toan"


@dataclass(frozen=True)
class MemberFigures:
    stt: int
    ten: str
    so_luong: int


@dataclass(frozen=True)
class GroupFigures:
    so: str  # Roman numeral
    ten: str
    thanh_vien: tuple[MemberFigures, ...]
    tong: int


@dataclass(frozen=True)
class AttendeeFigures:
    ten: str
    tieu_de: str
    nhom: tuple[GroupFigures, ...]
    tong: int
    id: str = "phu_luc_1"
    cot: CotDanhSach = CotDanhSach()
    loai: str = "danh_sach"


@dataclass(frozen=True)
class PersonGroupFigures:
    so: str
    ten: str
    nguoi: tuple[tuple[int, Nguoi], ...]  # (STT, person)
    tong: int


@dataclass(frozen=True)
class PersonsFigures:
    id: str
    ten: str
    tieu_de: str
    cot: tuple[str, ...]
    nhom: tuple[PersonGroupFigures, ...]  # one untitled group when the list is not grouped
    tong: int
    grouped: bool
    loai: str = "danh_sach_nguoi"


@dataclass(frozen=True)
class GeneralTableFigures:
    id: str
    ten: str
    tieu_de: str
    cot: tuple[CotBang, ...]
    dong: tuple[tuple[Any, ...], ...]  # typed values per column (int, Decimal, str, None)
    tong: tuple[Number | None, ...]  # per column: its total, or None
    bang_chu: int | None  # the amount read in words under the table, if any
    loai: str = "bang"


@dataclass(frozen=True)
class BodyBlock:
    """One paragraph of the body, numbered: kind in phan, muc, khoan, khoan_van_ban, doan, gach, cong, diem."""

    kind: str
    label: str
    text: str


@dataclass(frozen=True)
class TextAppendixFigures:
    id: str
    ten: str
    tieu_de: str
    khoi: tuple[BodyBlock, ...]
    loai: str = "van_ban"


AppendixFigures = AttendeeFigures | BudgetFigures | PersonsFigures | GeneralTableFigures | TextAppendixFigures


@dataclass(frozen=True)
class PlanFigures:
    plan: Plan
    mo_dau: tuple[BodyBlock, ...]
    than: tuple[BodyBlock, ...]
    ket_thuc: str
    phu_luc: tuple[AppendixFigures, ...] = ()

    def _old(self, name: str) -> Any:
        return next(
            (f for (key, _, data), f in zip(self.plan.appendices, self.phu_luc) if data is getattr(self.plan, name)),
            None,
        )

    @property
    def phu_luc_1(self) -> AttendeeFigures | None:
        """The figures of an old file's phu_luc_1, or of the danh_sach with that id (else None)."""
        found: AttendeeFigures | None = self._old("phu_luc_1")
        return found

    @property
    def phu_luc_2(self) -> BudgetFigures | None:
        """The figures of an old file's phu_luc_2, or of the du_toan with that id (else None)."""
        found: BudgetFigures | None = self._old("phu_luc_2")
        return found


def appendix_labels(plan: Plan) -> dict[str, str]:
    """Appendix id → 'Phụ lục I', 'Phụ lục II'… by position; 'Phụ lục' when there is only one (NĐ 30 AP-02)."""
    ids = [key for key, _, _ in plan.appendices]
    if len(ids) == 1:
        return {ids[0]: "Phụ lục"}
    return {key: f"Phụ lục {roman(i)}" for i, key in enumerate(ids, 1)}


class _Lazy(Mapping[str, object]):
    """A read-only mapping whose values are computed on first access (for the sandbox)."""

    def __init__(self, getters: dict[str, Getter]):
        self._getters = getters

    def __getitem__(self, key: str) -> object:
        return self._getters[key]()

    def __iter__(self) -> Iterator[str]:
        return iter(self._getters)

    def __len__(self) -> int:
        return len(self._getters)

    def field(self, name: str) -> Getter | None:
        """The getter the sandbox calls for ".name"; None where it has none, or where ".name" is a
        method of the mapping (.items)."""
        return None if hasattr(_Lazy, name) else self._getters.get(name)


@dataclass(frozen=True)
class _Line:
    """A budget line with where it is: its path, its table, its group (or None)."""

    path: DataPath
    table: int
    group: int | None
    dong: Dong


class _Calculator:
    """Resolves counts, amounts and totals on demand, detecting reference cycles."""

    def __init__(self, plan: Plan):
        self.plan = plan
        self.problems: list[Problem] = []
        self._cache: dict[DataPath, Number] = {}
        self._stack: list[DataPath] = []
        self.labels = appendix_labels(plan)
        self.names: dict[str, _Lazy] = {}
        self._seen: dict[str, DataPath] = {}
        self._rows: dict[DataPath, list[tuple[Any, ...]]] = {}
        self._register_names()

    # -- names a reference can use ------------------------------------------------------------
    def _add(self, name: str | None, path: DataPath, getters: dict[str, Getter]) -> None:
        if name is None:
            return
        if name in RESERVED_NAMES or name in self._seen:
            first = format_path(self._seen[name]) if name in self._seen else "tên dành riêng"
            self.problems.append(Problem(f"id {name!r} bị trùng (đã dùng ở {first})", (*path, "id")))
            return
        self._seen[name] = path
        self.names[name] = _Lazy(getters)

    def _register_names(self) -> None:
        plan = self.plan
        self.names["bien"] = _Lazy({key: partial(_constant, value) for key, value in plan.bien.items()})
        for key, root, data in plan.appendices:
            label: Getter = partial(self.labels.__getitem__, key)
            if isinstance(data, PhuLuc1):
                self._add(key, root, {"tong": partial(self.attendees_total, root), "ten": label})
                self._register_attendees(root, data)
            elif isinstance(data, PhuLuc2):
                self._add(key, root, {"tong": partial(self.grand_total, root), "ten": label})
                self._register_budget(root, data)
            elif isinstance(data, DanhSachNguoi):
                self._add(key, root, {"tong": partial(_person_count, data), "ten": label})
                for g, group in enumerate(data.nhom):
                    self._add(group.id, (*root, "nhom", g), {"tong": partial(_constant, len(group.nguoi))})
            elif isinstance(data, BangChung):
                totals: dict[str, Getter] = {
                    c.id: partial(self.column_total, root, data, c.id) for c in data.cot if c.tong
                }
                last = [c.id for c in data.cot if c.tong]
                getters: dict[str, Getter] = {"ten": label, "so_dong": partial(_constant, len(data.dong)), **totals}
                if last:
                    getters.setdefault("tong", totals[last[-1]])
                self._add(key, root, getters)
            else:
                self._add(key, root, {"ten": label})

    def _register_attendees(self, root: DataPath, data: PhuLuc1) -> None:
        for g, nhom in enumerate(data.nhom):
            self._add(nhom.id, (*root, "nhom", g), {"tong": partial(self.group_total, root, g)})
            for m, tv in enumerate(nhom.thanh_vien):
                self._add(
                    tv.id, (*root, "nhom", g, "thanh_vien", m), {"so_luong": partial(self.member_count, root, g, m)}
                )

    def _register_budget(self, root: DataPath, data: PhuLuc2) -> None:
        for s in data.nguon_kinh_phi:
            self._add(s.id, (*root, "nguon_kinh_phi"), {"tong": partial(self.source_total, root, s.id)})
        for t, bang in enumerate(data.bang):
            self._add(bang.id, (*root, "bang", t), {"tong": partial(self.table_total, root, t)})
            for g, group in enumerate(bang.nhom):
                self._add(group.id, (*root, "bang", t, "nhom", g), {"tong": partial(self.group_amount, root, t, g)})
            for line in self.lines(root, t):
                self._add(
                    line.dong.id,
                    line.path,
                    {
                        "so_luong": partial(self.line_quantity, line),
                        "don_gia": partial(_constant, line.dong.don_gia),
                        "thanh_tien": partial(self.line_amount, line),
                    },
                )

    # -- evaluation ---------------------------------------------------------------------------
    def evaluate(
        self, expression: str, path: DataPath, names: Mapping[str, object] | None = None, what: str = "tham chiếu"
    ) -> object:
        """Evaluate a reference (or, with `names`, a formula over a row); errors become PlanError at `path`."""
        try:
            return self._value(expression) if names is None else evaluate_expression(expression, names)
        except _Cycle:
            raise
        except expr.ReferenceError_ as exc:
            hint = self._hint if names is None else (lambda _: f"; các cột có thể dùng: {', '.join(names)}")
            raise _fail(path, what + expr.message(expression, exc, hint).removeprefix("tham chiếu")) from None

    def _value(self, expression: str) -> object:
        """The value of a reference expression: a plain field of a name found directly (several times
        faster), any other evaluated by compute/expr.py."""
        plain = PLAIN_REFERENCE.fullmatch(expression)
        in_names = plain and plain[1] in self.names and "self" not in self.names
        field = self.names[plain[1]].field(plain[2]) if plain and in_names else None
        if field:
            try:
                return field()
            except (TypeError, LookupError):
                pass  # expr reports it as a reference that cannot be evaluated
        return evaluate_expression(expression, self.names)

    def _hint(self, expression: str) -> str:
        words = re.findall(r"[a-z_][a-z0-9_]*", expression)
        if len(words) > 1 and words[0] in self.names:  # a known name, a missing field: its fields
            fields = list(self.names[words[0]])
            close = difflib.get_close_matches(words[1], fields, n=1)
            if close:
                return f"; có phải ý bạn là {words[0]}.{close[0]}?"
            if not fields:
                return f"; {words[0]} chưa có trường nào: hãy khai báo trong mục {words[0]}: của tệp dữ liệu"
            return f"; {words[0]} chỉ có: {', '.join(f'{words[0]}.{f}' for f in fields)}"
        close = difflib.get_close_matches(words[0], list(self.names), n=1) if words else []
        return (
            f"; có phải ý bạn là {close[0]!r}?" if close else f"; các tên có thể dùng: {', '.join(sorted(self.names))}"
        )

    def count(self, raw: int | Decimal | str, path: DataPath, *, decimal: bool = False) -> Number:
        """A count or quantity: a literal, or a reference evaluated once (cached), cycle-checked."""
        if not isinstance(raw, str):
            return raw
        if path in self._cache:
            return self._cache[path]
        if path in self._stack:
            chain = self._stack[self._stack.index(path) :] + [path]
            raise _Cycle(path, "tham chiếu vòng tròn: " + " → ".join(format_path(p) for p in chain))
        self._stack.append(path)
        try:
            value = self.evaluate(raw[len(REFERENCE_PREFIX) :], path)
        finally:
            self._stack.pop()
        if isinstance(value, Decimal) and value == value.to_integral_value():
            value = int(value)
        # a decimal quantity is typed, or taken as it is from another line; a computed one must be whole
        plain = PLAIN_REFERENCE.fullmatch(raw[len(REFERENCE_PREFIX) :].strip())
        allowed = (int, Decimal) if decimal and plain else (int,)
        if isinstance(value, bool) or not isinstance(value, allowed):
            shown = format_number(value) if isinstance(value, (int, Decimal)) else repr(value)
            raise _fail(path, f"tham chiếu {raw!r} phải cho ra số nguyên, thấy {shown}")
        if value < 1 and not (decimal and value > 0):
            raise _fail(path, f"tham chiếu {raw!r} cho ra {value}; số lượng phải từ 1 trở lên")
        self._cache[path] = value
        return value

    # -- danh_sach ----------------------------------------------------------------------------
    def _attendees(self, root: DataPath) -> PhuLuc1:
        data = self._data(root)
        assert isinstance(data, PhuLuc1)
        return data

    def _budget(self, root: DataPath) -> PhuLuc2:
        data = self._data(root)
        assert isinstance(data, PhuLuc2)
        return data

    def _data(self, root: DataPath) -> AppendixData:
        return next(data for _, path, data in self.plan.appendices if path == root)

    def member_count(self, root: DataPath, g: int, m: int) -> int:
        tv = self._attendees(root).nhom[g].thanh_vien[m]
        value = self.count(tv.so_luong, (*root, "nhom", g, "thanh_vien", m, "so_luong"))
        assert isinstance(value, int)
        return value

    def group_total(self, root: DataPath, g: int) -> int:
        return sum(self.member_count(root, g, m) for m in range(len(self._attendees(root).nhom[g].thanh_vien)))

    def attendees_total(self, root: DataPath) -> int:
        return sum(self.group_total(root, g) for g in range(len(self._attendees(root).nhom)))

    # -- du_toan ------------------------------------------------------------------------------
    def lines(self, root: DataPath, t: int) -> list[_Line]:
        bang = self._budget(root).bang[t]
        base = (*root, "bang", t)
        found = [_Line((*base, "dong", d), t, None, dong) for d, dong in enumerate(bang.dong)]
        for g, group in enumerate(bang.nhom):
            found += [_Line((*base, "nhom", g, "dong", d), t, g, dong) for d, dong in enumerate(group.dong)]
        return found

    def line_quantity(self, line: _Line) -> Number | None:
        if line.dong.so_luong is None:
            return None
        return self.count(line.dong.so_luong, (*line.path, "so_luong"), decimal=True)

    def line_multipliers(self, root: DataPath, line: _Line) -> tuple[Number, ...]:
        bang = self._budget(root).bang[line.table]
        if line.dong.khoan_gon is not None:
            return ()
        return tuple(self.count(line.dong.he_so[h.id], (*line.path, "he_so", h.id), decimal=True) for h in bang.he_so)

    def line_amount(self, line: _Line) -> int:
        dong = line.dong
        if dong.khoan_gon is not None:
            return dong.khoan_gon
        root = line.path[: line.path.index("bang")]
        quantity = self.line_quantity(line)
        assert quantity is not None and dong.don_gia is not None
        exact: Number = quantity * dong.don_gia
        for factor in self.line_multipliers(root, line):
            exact = exact * factor
        amount = round_dong(exact)
        if amount > MAX_AMOUNT:
            raise _fail(
                line.path,
                f"thành tiền {format_number(amount)} vượt giới hạn đọc bằng chữ ({format_number(MAX_AMOUNT)})",
            )
        return amount

    def group_amount(self, root: DataPath, t: int, g: int) -> int:
        return _capped(
            sum(self.line_amount(line) for line in self.lines(root, t) if line.group == g),
            (*root, "bang", t, "nhom", g),
        )

    def table_total(self, root: DataPath, t: int) -> int:
        return _capped(sum(self.line_amount(line) for line in self.lines(root, t)), (*root, "bang", t))

    def grand_total(self, root: DataPath) -> int:
        return _capped(sum(self.table_total(root, t) for t in range(len(self._budget(root).bang))), root)

    def line_source(self, root: DataPath, line: _Line) -> str:
        p2 = self._budget(root)
        return line.dong.nguon or p2.bang[line.table].nguon or p2.nguon_mac_dinh

    def source_total(self, root: DataPath, source: str) -> int:
        p2 = self._budget(root)
        return sum(
            self.line_amount(line)
            for t in range(len(p2.bang))
            for line in self.lines(root, t)
            if self.line_source(root, line) == source
        )

    # -- bang ---------------------------------------------------------------------------------
    def table_rows(self, root: DataPath, data: BangChung) -> list[tuple[Any, ...]]:
        if root in self._rows:
            return self._rows[root]
        rows = [self._row(root, data, r) for r in range(len(data.dong))]
        self._rows[root] = rows
        return rows

    def _row(self, root: DataPath, data: BangChung, r: int) -> tuple[Any, ...]:
        row = data.dong[r]
        values: dict[str, Any] = {}
        for column in data.cot:
            path = (*root, "dong", r, column.id)
            if column.cong_thuc is None:
                values[column.id] = _typed(row.get(column.id), column, path)
        for column in data.cot:
            if column.cong_thuc is not None:
                path = (*root, "cot", data.cot.index(column), "cong_thuc")
                numbers = {
                    k: (Decimal(v) if isinstance(v, int) else v)
                    for k, v in values.items()
                    if v is not None and not isinstance(v, str)
                }
                result = self.evaluate(column.cong_thuc, path, numbers, what=f"công thức dòng {r + 1}")
                values[column.id] = _formula_value(result, column, (*root, "dong", r))
        return tuple(values[c.id] for c in data.cot)

    def column_total(self, root: DataPath, data: BangChung, column: str) -> Number:
        c = [x.id for x in data.cot].index(column)
        total: Number = sum((row[c] for row in self.table_rows(root, data) if row[c] is not None), 0)
        if total > MAX_AMOUNT:
            raise _fail(
                (*root, "cot", c), f"tổng cột {format_number(total)} vượt giới hạn ({format_number(MAX_AMOUNT)})"
            )
        return total

    # -- text ---------------------------------------------------------------------------------
    def text(self, text: str, path: DataPath) -> str:
        """Replace each {=expression} in running text with its value (numbers in Vietnamese format)."""

        def value(match: re.Match[str]) -> str:
            result = self.evaluate(match.group(1), path)
            if isinstance(result, (int, Decimal)) and not isinstance(result, bool):
                return format_number(result)
            if isinstance(result, str):
                return result
            raise _fail(path, f"tham chiếu {match.group(0)!r} phải cho ra số hoặc chữ, thấy {result!r}")

        return TEXT_REFERENCE.sub(value, text) if "{=" in text else text


class _Cycle(PlanError):
    def __init__(self, path: DataPath, message: str):
        super().__init__([Problem(message, path)])


def _fail(path: DataPath, message: str) -> PlanError:
    return PlanError([Problem(message, path)])


def _capped(total: int, path: DataPath) -> int:
    if total > MAX_AMOUNT:
        raise _fail(path, f"tổng {format_number(total)} vượt giới hạn đọc bằng chữ ({format_number(MAX_AMOUNT)})")
    return total


def _typed(value: Any, column: CotBang, path: DataPath) -> Any:
    """A cell of a general table checked against its column's type."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    kind = column.kieu
    if kind == "chu":
        return str(value)
    if kind in ("ngay", "gio"):
        return _date_or_time(value, kind, path)
    if isinstance(value, bool):
        raise _fail(path, f"cột {column.ten!r} cần một số, thấy {value!r}")
    number: Number
    if isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, str):
        from generator.vi import FigureError, parse_figure

        try:
            number = parse_figure(value.strip())
        except FigureError as exc:
            raise _fail(path, f"cột {column.ten!r}: {exc}") from None
    elif isinstance(value, (int, Decimal)):
        number = value
    else:
        raise _fail(path, f"cột {column.ten!r} cần một số, thấy {value!r}")
    if kind in ("so_nguyen", "tien"):
        if number != int(number):
            what = "số nguyên đồng" if kind == "tien" else "số nguyên"
            raise _fail(path, f"cột {column.ten!r} cần {what}, thấy {format_number(number)}")
        number = int(number)
    if not -MAX_AMOUNT <= number <= MAX_AMOUNT:
        raise _fail(path, f"cột {column.ten!r}: {format_number(number)} vượt giới hạn ({format_number(MAX_AMOUNT)})")
    return number


_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_TIME = re.compile(r"(\d{1,2})\s*(?:h|giờ|:)\s*(\d{2})?")


def _date_or_time(value: Any, kind: str, path: DataPath) -> str:
    """dd/mm/yyyy (a YAML date too) or hh:mm / 7h30 → printed the same way every time (07h30)."""
    import datetime

    if kind == "ngay":
        if isinstance(value, datetime.date):
            return f"{value.day:02d}/{value.month:02d}/{value.year}"
        match = _DATE.fullmatch(str(value).strip())
        if match:
            day, month, year = (int(x) for x in match.groups())
            try:
                datetime.date(year, month, day)
            except ValueError:
                raise _fail(path, f"ngày {value!r} không tồn tại") from None
            return f"{day:02d}/{month:02d}/{year}"
        raise _fail(path, f"ngày {value!r} không đúng dạng ngày/tháng/năm (ví dụ 15/10/2026)")
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 3600:
        value = f"{value // 3600}:{value % 3600 // 60:02d}"  # YAML 1.1 reads 7:30 as sexagesimal minutes
    match = _TIME.fullmatch(str(value).strip())
    if match:
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if hour < 24 and minute < 60:
            return f"{hour:02d}h{minute:02d}"
    raise _fail(path, f"giờ {value!r} không đúng dạng (ví dụ 07h30 hoặc 7:30)")


def _formula_value(result: object, column: CotBang, path: DataPath) -> Number:
    """A formula's result in its column's type: money rounded to whole đồng (half up), integers exact."""
    if isinstance(result, bool) or not isinstance(result, (int, Decimal, float)):
        raise _fail(path, f"công thức cột {column.ten!r} phải cho ra số, thấy {result!r}")
    number = Decimal(repr(result)) if isinstance(result, float) else result
    try:
        if column.kieu == "tien":
            value: Number = round_dong(number)
        elif column.kieu == "so_nguyen":
            if number != int(number):
                raise _fail(path, f"công thức cột {column.ten!r} cho ra {format_number(number)}, cột cần số nguyên")
            value = int(number)
        else:
            value = (
                number.quantize(Decimal("0.01"), rounding=ROUNDING).normalize()
                if isinstance(number, Decimal)
                else number
            )
    except InvalidOperation:
        raise _fail(path, f"công thức cột {column.ten!r}: số quá lớn") from None
    if not -MAX_AMOUNT <= value <= MAX_AMOUNT:
        raise _fail(
            path,
            f"công thức cột {column.ten!r} cho ra {format_number(value)}, vượt giới hạn ({format_number(MAX_AMOUNT)})",
        )
    return value


def _constant(value: object) -> object:
    return value


def _person_count(data: DanhSachNguoi) -> int:
    return sum(len(group) for group in _person_groups(data))


def _person_groups(data: DanhSachNguoi) -> list[list[Nguoi]]:
    return [list(g.nguoi) for g in data.nhom] if data.nhom else [list(data.nguoi)]


def _blocks(calc: _Calculator, blocks: list[Block], path: DataPath) -> list[BodyBlock]:
    out, letter = [], 0
    for i, block in enumerate(blocks):
        kind = block.kind
        letter = (
            letter + 1 if kind == "diem" else (letter if kind in ("gach", "cong") else 0)
        )  # - and + sit under a điểm
        label = f"{diem_letter(letter)})" if kind == "diem" else BLOCK_LABELS[kind]
        out.append(BodyBlock(kind, label, calc.text(block.text, (*path, i, kind))))
    return out


class _Body:
    """Numbers and texts of a body (Phần, Mục, khoản to 1.1.1, điểm…), collecting problems."""

    def __init__(self, calc: _Calculator, problems: list[Problem]):
        self.calc, self.problems = calc, problems

    def attempt(self, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except PlanError as exc:
            self.problems.extend(exc.problems)
            return None

    def blocks(self, blocks: list[Block], path: DataPath) -> list[BodyBlock]:
        return self.attempt(lambda: _blocks(self.calc, blocks, path)) or []

    def muc(self, muc: list[Muc], base: DataPath) -> list[BodyBlock]:
        body: list[BodyBlock] = []
        for m, item in enumerate(muc):
            path = (*base, m)
            body.append(BodyBlock("muc", f"{roman(m + 1)}.", item.tieu_de.upper()))
            body += self.blocks(item.noi_dung, (*path, "noi_dung"))
            body += self.khoan(item.khoan, (*path, "khoan"), "")
        return body

    def khoan(self, khoan: list[Khoan], base: DataPath, prefix: str) -> list[BodyBlock]:
        body: list[BodyBlock] = []
        for k, item in enumerate(khoan):
            path, label = (*base, k), f"{prefix}{k + 1}."
            if item.tieu_de is not None:
                title = item.tieu_de
                body.append(
                    BodyBlock("khoan", label, self.attempt(lambda: self.calc.text(title, (*path, "tieu_de"))) or "")
                )
            else:
                text = item.van_ban or ""
                body.append(
                    BodyBlock(
                        "khoan_van_ban", label, self.attempt(lambda: self.calc.text(text, (*path, "van_ban"))) or ""
                    )
                )
            body += self.blocks(item.noi_dung, (*path, "noi_dung"))
            body += self.khoan(item.khoan, (*path, "khoan"), label)
        return body

    def plan_body(self, plan: Plan) -> list[BodyBlock]:
        if not plan.phan:
            return self.muc(plan.muc, ("muc",))
        body: list[BodyBlock] = []
        for p, phan in enumerate(plan.phan):
            body.append(BodyBlock("phan", "", f"Phần {roman(p + 1)}"))
            body.append(BodyBlock("phan", "", phan.tieu_de.upper()))
            body += self.blocks(phan.noi_dung, ("phan", p, "noi_dung"))
            body += self.muc(phan.muc, ("phan", p, "muc"))
        return body


def compute(plan: Plan) -> PlanFigures:
    """Compute every figure of the plan; raises PlanError listing all problems found."""
    calc = _Calculator(plan)
    problems = list(calc.problems)
    body = _Body(calc, problems)
    than = body.plan_body(plan)
    mo_dau = body.blocks(plan.mo_dau, ("mo_dau",))
    ket_thuc = body.attempt(lambda: calc.text(plan.ket_thuc, ("ket_thuc",))) or ""
    appendices = [body.attempt(partial(_appendix, calc, body, key, root, data)) for key, root, data in plan.appendices]
    if problems:
        raise PlanError(_unique(problems))
    return PlanFigures(plan, tuple(mo_dau), tuple(than), ket_thuc, tuple(appendices))


def _unique(problems: list[Problem]) -> list[Problem]:
    seen, out = set(), []
    for p in problems:
        if (p.path, p.message) not in seen:
            seen.add((p.path, p.message))
            out.append(p)
    return out


def _appendix(calc: _Calculator, body: _Body, key: str, root: DataPath, data: AppendixData) -> AppendixFigures:
    label = calc.labels[key]
    if isinstance(data, PhuLuc1):
        return _attendees(calc, key, root, data)
    if isinstance(data, PhuLuc2):
        return _budget(calc, key, root, data)
    if isinstance(data, DanhSachNguoi):
        groups = _person_groups(data)
        numbered, stt = [], 0
        for g, persons in enumerate(groups):
            rows = []
            for person in persons:
                stt += 1
                rows.append((stt, person))
            name = data.nhom[g].ten if data.nhom else ""
            numbered.append(PersonGroupFigures(roman(g + 1), name, tuple(rows), len(persons)))
        return PersonsFigures(key, label, data.tieu_de, tuple(data.cot), tuple(numbered), stt, bool(data.nhom))
    if isinstance(data, BangChung):
        rows = calc.table_rows(root, data)
        totals = tuple(calc.column_total(root, data, c.id) if c.tong else None for c in data.cot)
        money = [t for c, t in zip(data.cot, totals) if c.kieu == "tien" and t is not None]
        words = int(money[-1]) if data.bang_chu and money else None
        return GeneralTableFigures(key, label, data.tieu_de, tuple(data.cot), tuple(rows), totals, words)
    assert isinstance(data, VanBanPhuLuc)
    khoi = body.blocks(data.noi_dung, (*root, "noi_dung")) + body.muc(data.muc, (*root, "muc"))
    return TextAppendixFigures(key, label, data.tieu_de, tuple(khoi))


def _attendees(calc: _Calculator, key: str, root: DataPath, p1: PhuLuc1) -> AttendeeFigures:
    groups = tuple(
        GroupFigures(
            roman(g + 1),
            nhom.ten,
            tuple(MemberFigures(m + 1, tv.ten, calc.member_count(root, g, m)) for m, tv in enumerate(nhom.thanh_vien)),
            calc.group_total(root, g),
        )
        for g, nhom in enumerate(p1.nhom)
    )
    return AttendeeFigures(calc.labels[key], p1.tieu_de, groups, calc.attendees_total(root), key, p1.cot)


def _budget(calc: _Calculator, key: str, root: DataPath, p2: PhuLuc2) -> BudgetFigures:
    sources = {s.id: s for s in p2.nguon_kinh_phi}

    def line_figures(stt: int, line: _Line) -> LineFigures:
        dong = line.dong
        return LineFigures(
            stt,
            dong,
            calc.text(dong.noi_dung, (*line.path, "noi_dung")),
            calc.text(dong.ghi_chu, (*line.path, "ghi_chu")) if dong.ghi_chu else None,
            calc.line_quantity(line),
            calc.line_amount(line),
            sources[calc.line_source(root, line)],
            calc.line_multipliers(root, line),
        )

    tables = []
    for t, bang in enumerate(p2.bang):
        lines = calc.lines(root, t)
        plain = [line for line in lines if line.group is None]
        flat = [line_figures(d + 1, line) for d, line in enumerate(plain)]
        groups = []
        for g, group in enumerate(bang.nhom):  # lines numbered on through the groups (1, 2 | 3, 4)
            members = tuple(
                line_figures(len(flat) + d + 1, line) for d, line in enumerate(x for x in lines if x.group == g)
            )
            flat += members
            groups.append(LineGroupFigures(roman(g + 1), group.ten, members, calc.group_amount(root, t, g)))
        tables.append(TableFigures(t + 1, bang, tuple(flat), calc.table_total(root, t), tuple(groups)))
    split = tuple((s, calc.source_total(root, s.id)) for s in p2.nguon_kinh_phi if calc.source_total(root, s.id))
    return BudgetFigures(
        calc.labels[key], p2.tieu_de, tuple(tables), calc.grand_total(root), split, p2.nguon_mac_dinh, key
    )
