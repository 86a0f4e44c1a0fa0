"""Pure computation: every figure, number and cross-reference of a plan, derived from its data.

Nothing here formats for print except the values a reference inserts into running text.
References: a count may be "=phu_luc_1.tong"; text may hold "{=phu_luc_1.tong}". They are
evaluated with Jinja's sandbox over the computed figures only, with cycle detection.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache

from jinja2 import StrictUndefined, TemplateError, Undefined, UndefinedError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from generator.errors import DataPath, PlanError, Problem, format_path
from generator.model.schema import MAX_AMOUNT, REFERENCE_PREFIX, Bang, Block, Dong, NguonKinhPhi, Plan
from generator.vi import diem_letter, format_number, roman

TEXT_REFERENCE = re.compile(r"\{=([^{}]+)\}")
#: A field of a name ("phu_luc_2.tong", "bien.ten"): looked up without the sandbox, as it would look
#: it up (true, false, none and not are Jinja's own words).
PLAIN_REFERENCE = re.compile(r"(?!(?:true|false|none|not)\.)([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)")
_SANDBOX = SandboxedEnvironment(undefined=StrictUndefined)
ROOT_NAMES = ("phu_luc_1", "phu_luc_2", "bien")
#: The label of a body paragraph by its kind (a diem's is its letter).
BLOCK_LABELS = {"doan": "", "gach": "-", "cong": "+"}


@dataclass(frozen=True)
class LineFigures:
    stt: int
    dong: Dong
    noi_dung: str
    ghi_chu: str | None
    so_luong: int
    thanh_tien: int
    nguon: NguonKinhPhi


@dataclass(frozen=True)
class TableFigures:
    so: int
    bang: Bang
    dong: tuple[LineFigures, ...]
    tong: int


@dataclass(frozen=True)
class BudgetFigures:
    ten: str
    tieu_de: str
    bang: tuple[TableFigures, ...]
    tong: int
    theo_nguon: tuple[tuple[NguonKinhPhi, int], ...]
    nguon_mac_dinh: str


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


@dataclass(frozen=True)
class BodyBlock:
    """One paragraph of the body, numbered: kind in muc, khoan, khoan_van_ban, doan, gach, cong, diem."""

    kind: str
    label: str
    text: str


@dataclass(frozen=True)
class PlanFigures:
    plan: Plan
    mo_dau: tuple[BodyBlock, ...]
    than: tuple[BodyBlock, ...]
    ket_thuc: str
    phu_luc_1: AttendeeFigures | None
    phu_luc_2: BudgetFigures | None

    @property
    def phu_luc(self) -> tuple[AttendeeFigures | BudgetFigures, ...]:
        return tuple(p for p in (self.phu_luc_1, self.phu_luc_2) if p is not None)


def appendix_labels(plan: Plan) -> dict[str, str]:
    """'Phụ lục I', 'Phụ lục II' when there are two or more appendices, else 'Phụ lục' (NĐ 30 AP-02)."""
    present = [name for name in ("phu_luc_1", "phu_luc_2") if getattr(plan, name) is not None]
    if len(present) == 1:
        return {present[0]: "Phụ lục"}
    return {name: f"Phụ lục {roman(i)}" for i, name in enumerate(present, 1)}


class _Lazy(Mapping):
    """A read-only mapping whose values are computed on first access (for the sandbox)."""

    def __init__(self, getters: dict[str, Callable[[], object]]):
        self._getters = getters

    def __getitem__(self, key: str) -> object:
        return self._getters[key]()

    def __iter__(self) -> Iterator[str]:
        return iter(self._getters)

    def __len__(self) -> int:
        return len(self._getters)

    def field(self, name: str) -> Callable[[], object] | None:
        """The getter the sandbox calls for ".name"; None where it has none, or where ".name" is a
        method of the mapping (.items)."""
        return None if hasattr(_Lazy, name) else self._getters.get(name)


class _Calculator:
    """Resolves counts, amounts and totals on demand, detecting reference cycles."""

    def __init__(self, plan: Plan):
        self.plan = plan
        self.problems: list[Problem] = []
        self._cache: dict[DataPath, int] = {}
        self._stack: list[DataPath] = []
        self.labels = appendix_labels(plan)
        self.names: dict[str, _Lazy] = {}
        self._register_names()

    # -- names a reference can use ------------------------------------------------------------
    def _register_names(self) -> None:
        plan, seen = self.plan, {}
        self.names["bien"] = _Lazy({key: (lambda v=value: v) for key, value in plan.bien.items()})

        def add(name: str | None, path: DataPath, getters: dict[str, Callable[[], object]]) -> None:
            if name is None:
                return
            if name in ROOT_NAMES or name in seen:
                first = format_path(seen[name]) if name in seen else "tên dành riêng"
                self.problems.append(Problem(f"id {name!r} bị trùng (đã dùng ở {first})", (*path, "id")))
                return
            seen[name] = path
            self.names[name] = _Lazy(getters)

        if plan.phu_luc_1:
            p1 = ("phu_luc_1",)
            self.names["phu_luc_1"] = _Lazy({"tong": self.attendees_total, "ten": lambda: self.labels["phu_luc_1"]})
            for g, nhom in enumerate(plan.phu_luc_1.nhom):
                add(nhom.id, (*p1, "nhom", g), {"tong": lambda g=g: self.group_total(g)})
                for m, tv in enumerate(nhom.thanh_vien):
                    add(tv.id, (*p1, "nhom", g, "thanh_vien", m), {"so_luong": lambda g=g, m=m: self.member_count(g, m)})
        if plan.phu_luc_2:
            p2 = ("phu_luc_2",)
            self.names["phu_luc_2"] = _Lazy({"tong": self.grand_total, "ten": lambda: self.labels["phu_luc_2"]})
            for s in plan.phu_luc_2.nguon_kinh_phi:
                add(s.id, (*p2, "nguon_kinh_phi"), {"tong": lambda s=s.id: self.source_total(s)})
            for t, bang in enumerate(plan.phu_luc_2.bang):
                add(bang.id, (*p2, "bang", t), {"tong": lambda t=t: self.table_total(t)})
                for d, dong in enumerate(bang.dong):
                    add(dong.id, (*p2, "bang", t, "dong", d), {
                        "so_luong": lambda t=t, d=d: self.line_quantity(t, d),
                        "don_gia": lambda dong=dong: dong.don_gia,
                        "thanh_tien": lambda t=t, d=d: self.line_amount(t, d),
                    })

    # -- evaluation ---------------------------------------------------------------------------
    def evaluate(self, expression: str, path: DataPath) -> object:
        """Evaluate a reference expression in the sandbox; errors become PlanError at `path`."""
        try:
            value = self._value(expression)
            if isinstance(value, Undefined):  # a missing field returns an undefined value: same message as raised
                value._fail_with_undefined_error()
            return value
        except _Cycle:
            raise
        except UndefinedError as exc:
            raise _fail(path, f"tham chiếu {expression.strip()!r} không tồn tại ({_undefined_vi(exc)}){self._hint(expression)}")
        except SecurityError:
            raise _fail(path, f"tham chiếu {expression.strip()!r} bị chặn: chỉ được dùng số liệu của kế hoạch")
        except TemplateError as exc:
            raise _fail(path, f"tham chiếu {expression.strip()!r} không hợp lệ: {exc}")
        except (TypeError, ArithmeticError) as exc:
            raise _fail(path, f"tham chiếu {expression.strip()!r} không tính được: {exc}")

    def _value(self, expression: str) -> object:
        """The value of a reference expression: a plain field of a name found directly (several times
        faster), any other evaluated in the sandbox. (With a name "self" the sandbox cannot be called
        at all, and each reference fails: then none is found directly either.)"""
        plain = PLAIN_REFERENCE.fullmatch(expression)
        in_names = plain and plain[1] in self.names and "self" not in self.names
        field = self.names[plain[1]].field(plain[2]) if in_names else None
        if field:
            try:
                return field()
            except (TypeError, LookupError):
                pass  # the sandbox makes these an undefined value, as it does below
        return _compiled(expression)(**self.names)

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
        return f"; có phải ý bạn là {close[0]!r}?" if close else f"; các tên có thể dùng: {', '.join(sorted(self.names))}"

    def count(self, raw: int | str, path: DataPath) -> int:
        """A count or quantity: a literal, or a reference evaluated once (cached), cycle-checked."""
        if isinstance(raw, int):
            return raw
        if path in self._cache:
            return self._cache[path]
        if path in self._stack:
            chain = self._stack[self._stack.index(path):] + [path]
            raise _Cycle(path, "tham chiếu vòng tròn: " + " → ".join(format_path(p) for p in chain))
        self._stack.append(path)
        try:
            value = self.evaluate(raw[len(REFERENCE_PREFIX):], path)
        finally:
            self._stack.pop()
        if isinstance(value, bool) or not isinstance(value, int):
            raise _fail(path, f"tham chiếu {raw!r} phải cho ra số nguyên, thấy {value!r}")
        if value < 1:
            raise _fail(path, f"tham chiếu {raw!r} cho ra {value}; số lượng phải từ 1 trở lên")
        self._cache[path] = value
        return value

    # -- figures ------------------------------------------------------------------------------
    def member_count(self, g: int, m: int) -> int:
        tv = self.plan.phu_luc_1.nhom[g].thanh_vien[m]
        return self.count(tv.so_luong, ("phu_luc_1", "nhom", g, "thanh_vien", m, "so_luong"))

    def group_total(self, g: int) -> int:
        return sum(self.member_count(g, m) for m in range(len(self.plan.phu_luc_1.nhom[g].thanh_vien)))

    def attendees_total(self) -> int:
        return sum(self.group_total(g) for g in range(len(self.plan.phu_luc_1.nhom)))

    def line_quantity(self, t: int, d: int) -> int:
        dong = self.plan.phu_luc_2.bang[t].dong[d]
        return self.count(dong.so_luong, ("phu_luc_2", "bang", t, "dong", d, "so_luong"))

    def line_amount(self, t: int, d: int) -> int:
        amount = self.line_quantity(t, d) * self.plan.phu_luc_2.bang[t].dong[d].don_gia
        if amount > MAX_AMOUNT:
            raise _fail(("phu_luc_2", "bang", t, "dong", d), f"thành tiền {format_number(amount)} vượt giới hạn đọc bằng chữ")
        return amount

    def table_total(self, t: int) -> int:
        return _capped(sum(self.line_amount(t, d) for d in range(len(self.plan.phu_luc_2.bang[t].dong))), ("phu_luc_2", "bang", t))

    def grand_total(self) -> int:
        return _capped(sum(self.table_total(t) for t in range(len(self.plan.phu_luc_2.bang))), ("phu_luc_2",))

    def line_source(self, t: int, d: int) -> str:
        p2 = self.plan.phu_luc_2
        return p2.bang[t].dong[d].nguon or p2.bang[t].nguon or p2.nguon_mac_dinh

    def source_total(self, source: str) -> int:
        p2 = self.plan.phu_luc_2
        return sum(
            self.line_amount(t, d)
            for t, bang in enumerate(p2.bang)
            for d in range(len(bang.dong))
            if self.line_source(t, d) == source
        )

    def text(self, text: str, path: DataPath) -> str:
        """Replace each {=expression} in running text with its value (numbers in Vietnamese format)."""
        def value(match: re.Match) -> str:
            result = self.evaluate(match.group(1), path)
            if isinstance(result, int) and not isinstance(result, bool):
                return format_number(result)
            if isinstance(result, str):
                return result
            raise _fail(path, f"tham chiếu {match.group(0)!r} phải cho ra số hoặc chữ, thấy {result!r}")

        return TEXT_REFERENCE.sub(value, text) if "{=" in text else text


@lru_cache(maxsize=4096)
def _compiled(expression: str):
    """A reference expression compiled once per process (plans of a batch share their references)."""
    return _SANDBOX.compile_expression(expression, undefined_to_none=False)


class _Cycle(PlanError):
    def __init__(self, path: DataPath, message: str):
        super().__init__([Problem(message, path)])


def _fail(path: DataPath, message: str) -> PlanError:
    return PlanError([Problem(message, path)])


def _capped(total: int, path: DataPath) -> int:
    if total > MAX_AMOUNT:
        raise _fail(path, f"tổng {format_number(total)} vượt giới hạn đọc bằng chữ ({format_number(MAX_AMOUNT)})")
    return total


def _undefined_vi(exc: UndefinedError) -> str:
    match = re.search(r"'([^']+)' is undefined|has no attribute '([^']+)'", str(exc))
    if match:
        return f"không có {match.group(1) or match.group(2)!r}"
    return str(exc)


def _blocks(calc: _Calculator, blocks: list[Block], path: DataPath) -> list[BodyBlock]:
    out, letter = [], 0
    for i, block in enumerate(blocks):
        kind = block.kind
        letter = letter + 1 if kind == "diem" else (letter if kind == "cong" else 0)
        label = f"{diem_letter(letter)})" if kind == "diem" else BLOCK_LABELS[kind]
        out.append(BodyBlock(kind, label, calc.text(block.text, (*path, i, kind))))
    return out


def compute(plan: Plan) -> PlanFigures:
    """Compute every figure of the plan; raises PlanError listing all problems found."""
    calc = _Calculator(plan)
    problems = list(calc.problems)

    def attempt(fn: Callable[[], object]) -> object:
        try:
            return fn()
        except PlanError as exc:
            problems.extend(exc.problems)
            return None

    body: list[BodyBlock] = []
    for m, muc in enumerate(plan.muc):
        base = ("muc", m)
        body.append(BodyBlock("muc", f"{roman(m + 1)}.", muc.tieu_de.upper()))
        body += attempt(lambda: _blocks(calc, muc.noi_dung, (*base, "noi_dung"))) or []
        for k, khoan in enumerate(muc.khoan):
            kpath = (*base, "khoan", k)
            if khoan.tieu_de is not None:
                body.append(BodyBlock("khoan", f"{k + 1}.", attempt(lambda: calc.text(khoan.tieu_de, (*kpath, "tieu_de"))) or ""))
            else:
                body.append(BodyBlock("khoan_van_ban", f"{k + 1}.", attempt(lambda: calc.text(khoan.van_ban, (*kpath, "van_ban"))) or ""))
            body += attempt(lambda: _blocks(calc, khoan.noi_dung, (*kpath, "noi_dung"))) or []
    mo_dau = attempt(lambda: _blocks(calc, plan.mo_dau, ("mo_dau",))) or []
    ket_thuc = attempt(lambda: calc.text(plan.ket_thuc, ("ket_thuc",))) or ""
    p1 = attempt(lambda: _attendees(calc)) if plan.phu_luc_1 else None
    p2 = attempt(lambda: _budget(calc)) if plan.phu_luc_2 else None
    if problems:
        raise PlanError(_unique(problems))
    return PlanFigures(plan, tuple(mo_dau), tuple(body), ket_thuc, p1, p2)


def _unique(problems: list[Problem]) -> list[Problem]:
    seen, out = set(), []
    for p in problems:
        if (p.path, p.message) not in seen:
            seen.add((p.path, p.message))
            out.append(p)
    return out


def _attendees(calc: _Calculator) -> AttendeeFigures:
    p1 = calc.plan.phu_luc_1
    groups = tuple(
        GroupFigures(
            roman(g + 1),
            nhom.ten,
            tuple(MemberFigures(m + 1, tv.ten, calc.member_count(g, m)) for m, tv in enumerate(nhom.thanh_vien)),
            calc.group_total(g),
        )
        for g, nhom in enumerate(p1.nhom)
    )
    return AttendeeFigures(calc.labels["phu_luc_1"], p1.tieu_de, groups, calc.attendees_total())


def _budget(calc: _Calculator) -> BudgetFigures:
    p2 = calc.plan.phu_luc_2
    sources = {s.id: s for s in p2.nguon_kinh_phi}
    tables = tuple(
        TableFigures(
            t + 1,
            bang,
            tuple(
                LineFigures(
                    d + 1,
                    dong,
                    calc.text(dong.noi_dung, ("phu_luc_2", "bang", t, "dong", d, "noi_dung")),
                    calc.text(dong.ghi_chu, ("phu_luc_2", "bang", t, "dong", d, "ghi_chu")) if dong.ghi_chu else None,
                    calc.line_quantity(t, d),
                    calc.line_amount(t, d),
                    sources[calc.line_source(t, d)],
                )
                for d, dong in enumerate(bang.dong)
            ),
            calc.table_total(t),
        )
        for t, bang in enumerate(p2.bang)
    )
    split = tuple((s, calc.source_total(s.id)) for s in p2.nguon_kinh_phi if calc.source_total(s.id))
    return BudgetFigures(calc.labels["phu_luc_2"], p2.tieu_de, tables, calc.grand_total(), split, p2.nguon_mac_dinh)
