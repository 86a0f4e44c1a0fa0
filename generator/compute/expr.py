"""References: a small expression language with explicit limits.

A reference ("=phu_luc_1.tong", "{=bien.a + bien.b}") is parsed by Python's `ast` and accepted only
if every node is on a short whitelist: names, one field of a name (``hop_mat.tong``, ``bien['x']``),
whole numbers, decimals (exact: `Decimal`) and short strings, arithmetic (+ - * / // % **), comparisons, and/or/not,
``a if c else b`` and the filters in FILTERS (``phu_luc_1.tong | string``). No calls, no attribute
of a value, nothing beginning with "_", no repr of an object. Every operand and result is bounded
(MAX_NUMBER, MAX_TEXT) and checked before an operation that could grow it is done, so a reference
costs microseconds whatever it says.

`compile_reference` checks the syntax and the limits that do not need the plan (what the importers
use); `evaluate` runs it over the plan's names.
"""

from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from generator.errors import PlanError, Problem

#: A reference in running text: {=expression}.
TEXT_REFERENCE = re.compile(r"\{=([^{}]+)\}")
MAX_SOURCE = 500  # characters of one reference
MAX_NODES = 200  # syntax-tree nodes of one reference
MAX_NUMBER = 10**18  # |operand| and |result|
MAX_TEXT = 2_000  # characters of a text operand or result
CONSTANTS = {"true": True, "false": False, "True": True, "False": False}

Value = int | Decimal | str | bool
#: name → its fields (a plan's figures), or name → a value (a formula's row: "so_nguoi * muc_chi").
Names = Mapping[str, object]


class ReferenceError_(Exception):
    """A reference that cannot be evaluated; the message is Vietnamese."""


class Undefined(ReferenceError_):
    """A name or field that does not exist (the caller may add a "did you mean")."""


class Blocked(ReferenceError_):
    """Syntax outside the language (a call, a private attribute, an unknown filter)."""


class Invalid(ReferenceError_):
    """Not parseable, a limit exceeded, or an operation on the wrong kinds of value."""


def _text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise Invalid(f"{what} phải là chữ")
    return value


FILTERS: dict[str, Callable[[Value], Value]] = {
    "abs": lambda v: abs(_number(v)),
    "int": lambda v: int(_number(v)) if not isinstance(v, str) else _int_text(v),
    "string": lambda v: _show(v),
    "upper": lambda v: _text(v, "upper").upper(),
    "lower": lambda v: _text(v, "lower").lower(),
    "capitalize": lambda v: _text(v, "capitalize").capitalize(),
    "trim": lambda v: _text(v, "trim").strip(),
}


def _number(value: object) -> int | Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise Invalid(f"cần một số, thấy chữ {_brief(value)}")
    return value


def _int_text(text: str) -> int:
    text = text.strip()
    if not (text.isascii() and text.lstrip("-").isdigit()) or len(text) > 19:
        raise Invalid(f"không đổi được {_brief(text)} thành số")
    return _bounded(int(text))


def _show(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _brief(value: object) -> str:
    text = value if isinstance(value, str) else _show(value) if isinstance(value, (int, Decimal)) else "?"
    return repr(text if len(text) <= 40 else text[:40] + "…")


def _bounded(value: object) -> Value:
    """A value inside the limits, or Invalid."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        if abs(value) > MAX_NUMBER:
            raise Invalid(f"số vượt giới hạn {MAX_NUMBER:.0e} của tham chiếu")
        return value
    if isinstance(value, float):  # exact from here on (a float only comes from data read elsewhere)
        if not math.isfinite(value):
            raise Invalid(f"số vượt giới hạn {MAX_NUMBER:.0e} của tham chiếu")
        value = Decimal(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite() or abs(value) > MAX_NUMBER:
            raise Invalid(f"số vượt giới hạn {MAX_NUMBER:.0e} của tham chiếu")
        return value
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            raise Invalid(f"chữ dài quá {MAX_TEXT} ký tự")
        return value
    raise Invalid("chỉ dùng được số và chữ")


# --- operations, each bounded before it runs ---------------------------------------------------


def _power(a: Value, b: Value) -> Value:
    a, b = _number(a), _number(b)
    if isinstance(b, int) and b >= 0 and abs(a) > 1 and b * math.log2(abs(a)) > 64:
        raise Invalid(f"lũy thừa vượt giới hạn {MAX_NUMBER:.0e} của tham chiếu")
    if isinstance(b, Decimal) and abs(b) > 64:
        raise Invalid("số mũ quá lớn")
    if a == 0 and b < 0:
        raise Invalid("chia cho 0")
    result = a**b
    if isinstance(result, complex):
        raise Invalid("lũy thừa không ra số thực")
    return result


def _multiply(a: Value, b: Value) -> Value:
    if isinstance(a, str) or isinstance(b, str):
        text, times = (a, b) if isinstance(a, str) else (b, a)
        if isinstance(times, bool) or not isinstance(times, int):
            raise Invalid("chỉ nhân được chữ với một số nguyên")
        if len(text) * max(times, 0) > MAX_TEXT:
            raise Invalid(f"chữ dài quá {MAX_TEXT} ký tự")
        return text * times
    return _number(a) * _number(b)


def _add(a: Value, b: Value) -> Value:
    if isinstance(a, str) and isinstance(b, str):
        if len(a) + len(b) > MAX_TEXT:
            raise Invalid(f"chữ dài quá {MAX_TEXT} ký tự")
        return a + b
    return _number(a) + _number(b)


def _divide(op: Callable[[Value, Value], Value]) -> Callable[[Value, Value], Value]:
    def run(a: Value, b: Value) -> Value:
        if _number(b) == 0:
            raise Invalid("chia cho 0")
        return op(_number(a), b)

    return run


def _arith(op: Callable[[Value, Value], Value]) -> Callable[[Value, Value], Value]:
    return lambda a, b: op(_number(a), _number(b))


def _ordered(op: Callable[[Value, Value], bool]) -> Callable[[Value, Value], bool]:
    def run(a: Value, b: Value) -> bool:
        if isinstance(a, str) != isinstance(b, str):
            raise Invalid("không so sánh được số với chữ")
        return op(a, b)

    return run


def _contains(a: Value, b: Value) -> bool:
    return _text(a, "vế trái của 'in'") in _text(b, "vế phải của 'in'")


BINARY = {
    ast.Add: _add,
    ast.Sub: _arith(operator.sub),
    ast.Mult: _multiply,
    ast.Pow: _power,
    ast.Div: _divide(lambda a, b: Decimal(a) / Decimal(b)),
    ast.FloorDiv: _divide(operator.floordiv),
    ast.Mod: _divide(operator.mod),
}
COMPARE = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: _ordered(operator.lt),
    ast.LtE: _ordered(operator.le),
    ast.Gt: _ordered(operator.gt),
    ast.GtE: _ordered(operator.ge),
    ast.In: _contains,
    ast.NotIn: lambda a, b: not _contains(a, b),
}


# --- compiling ---------------------------------------------------------------------------------

Node = Callable[[Names], Value]


@lru_cache(maxsize=4096)
def compile_reference(source: str) -> Node:
    """A reference compiled into a function of the plan's names; Invalid or Blocked when it is not
    in the language or breaks a limit that does not depend on the plan (cached per process)."""
    text = source.strip()
    if not text:
        raise Invalid("tham chiếu rỗng")
    if len(text) > MAX_SOURCE:
        raise Invalid(f"tham chiếu dài quá {MAX_SOURCE} ký tự")
    try:
        tree = ast.parse(text, mode="eval")
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        raise Invalid("sai cú pháp (chỉ dùng tên.trường, số, phép tính + - * / và so sánh)") from None
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise Invalid(f"tham chiếu quá phức tạp (quá {MAX_NODES} thành phần)")
    return _compile(tree.body)


def _compile(node: ast.AST) -> Node:  # noqa: C901 - one branch per node kind of the language
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise Blocked(f"giá trị {type(value).__name__} không dùng được")
        value = _bounded(Decimal(repr(value)) if isinstance(value, float) else value)
        return lambda names: value
    if isinstance(node, ast.Name):
        return _name(node.id)
    if isinstance(node, (ast.Attribute, ast.Subscript)):
        return _field(node)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _filter(node)
    if isinstance(node, ast.BinOp) and type(node.op) in BINARY:
        op, left, right = BINARY[type(node.op)], _compile(node.left), _compile(node.right)
        return lambda names: _bounded(op(left(names), right(names)))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        operand, sign = _compile(node.operand), -1 if isinstance(node.op, ast.USub) else 1
        return lambda names: sign * _number(operand(names))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        operand = _compile(node.operand)
        return lambda names: not operand(names)
    if isinstance(node, ast.BoolOp):
        parts, is_and = [_compile(v) for v in node.values], isinstance(node.op, ast.And)
        return lambda names: _bool_op(parts, names, is_and)
    if isinstance(node, ast.Compare) and all(type(op) in COMPARE for op in node.ops):
        first, ops = (
            _compile(node.left),
            [(COMPARE[type(op)], _compile(c)) for op, c in zip(node.ops, node.comparators)],
        )
        return lambda names: _compare(first, ops, names)
    if isinstance(node, ast.IfExp):
        test, body, orelse = _compile(node.test), _compile(node.body), _compile(node.orelse)
        return lambda names: body(names) if test(names) else orelse(names)
    if isinstance(node, ast.Call):
        raise Blocked("không được gọi hàm hay phương thức")
    raise Blocked(f"cú pháp {type(node).__name__} không được dùng (chỉ tên.trường, số, chữ, phép tính, so sánh)")


def _bool_op(parts: list[Node], names: Names, is_and: bool) -> Value:
    value: Value = is_and
    for part in parts:
        value = part(names)
        if bool(value) != is_and:
            return value
    return value


def _compare(first: Node, ops: list[tuple[Callable, Node]], names: Names) -> bool:
    left = first(names)
    for op, part in ops:
        right = part(names)
        if not op(left, right):
            return False
        left = right
    return True


def _name(name: str) -> Node:
    if name.startswith("_"):
        raise Blocked(f"tên {name!r} không được dùng")
    if name in CONSTANTS:
        value = CONSTANTS[name]
        return lambda names: value

    def value(names: Names) -> Value:
        if name in names:
            if isinstance(names[name], (int, float, Decimal, str)):  # a value of a formula's row
                return _bounded(names[name])
            if names[name] is None:
                raise Invalid(f"{name!r} chưa có giá trị ở dòng này")
            raise Invalid(f"{name!r} là một nhóm số liệu; hãy ghi một trường của nó, ví dụ {name}.tong")
        raise Undefined(f"không có {name!r}")

    return value


def _field(node: ast.Attribute | ast.Subscript) -> Node:
    """name.field or name['field']: the only lookups there are."""
    if isinstance(node, ast.Attribute):
        key = node.attr
    elif isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        key = node.slice.value
    else:
        raise Blocked("chỉ lấy được trường của một tên, ví dụ bien['ten']")
    if key.startswith("_"):
        raise Blocked(f"trường {key!r} không được dùng")
    if not isinstance(node.value, ast.Name) or node.value.id in CONSTANTS:
        raise Blocked(
            f"chỉ lấy được trường của một tên (phu_luc_1.tong, bien.ten), không lấy được .{key} của một giá trị"
        )
    root = node.value.id
    if root.startswith("_"):
        raise Blocked(f"tên {root!r} không được dùng")

    def value(names: Names) -> Value:
        fields = names.get(root)
        if not isinstance(fields, Mapping):
            raise Undefined(f"không có {root!r}")
        if key not in _keys(fields):
            raise Undefined(f"không có {key!r}")
        return _bounded(fields[key])

    return value


def _keys(fields: Mapping[str, object]) -> Iterable[str]:
    return fields.keys() if isinstance(fields, dict) else set(iter(fields))


def _filter(node: ast.BinOp) -> Node:
    name = node.right.id if isinstance(node.right, ast.Name) else None
    if name not in FILTERS:
        shown = f"bộ lọc {name!r} không có" if name else "bộ lọc không nhận tham số"
        raise Blocked(f"{shown}; chỉ dùng: {', '.join(FILTERS)}")
    operand, run = _compile(node.left), FILTERS[name]
    return lambda names: _bounded(run(operand(names)))


def evaluate(source: str, names: Names) -> Value:
    """The value of a reference over `names` (name → its fields); ReferenceError_ when it cannot be had."""
    try:
        return compile_reference(source)(names)
    except (TypeError, ValueError, ArithmeticError, LookupError) as exc:  # kinds mixed in a way not caught above
        raise Invalid(f"không tính được ({exc.__class__.__name__})") from None


def message(source: str, exc: ReferenceError_, hint: Callable[[str], str] | None = None) -> str:
    """The clerk's message for a reference that failed (hint: a "did you mean" for a missing name)."""
    shown = _brief(source.strip())
    if isinstance(exc, Undefined):
        return f"tham chiếu {shown} không tồn tại ({exc}){hint(source) if hint else ''}"
    if isinstance(exc, Blocked):
        return f"tham chiếu {shown} bị chặn: {exc}; chỉ được dùng số liệu của kế hoạch"
    return f"tham chiếu {shown} không hợp lệ: {exc}"


def references_in(text: str) -> list[str]:
    """The expressions of the {=…} references in running text."""
    return TEXT_REFERENCE.findall(text)


def require_valid(data: object, source: Path | None = None) -> None:
    """PlanError naming each reference in plan data that is not in the language (what `import` and
    `import-xlsx` check before writing a plan)."""
    found = check_data(data)
    if found:
        raise PlanError(
            [Problem(f"tham chiếu {_brief(ref)} không hợp lệ: {why}", where, source) for where, ref, why in found]
        )


def check_data(data: object, path: tuple = ()) -> list[tuple[tuple, str, str]]:
    """Every reference in plan data (a quantity "=…" or text "{=…}") that is not in the language:
    (path, reference, reason)."""
    found: list[tuple[tuple, str, str]] = []
    stack: list[tuple[tuple, object]] = [(path, data)]
    while stack:
        where, node = stack.pop()
        if isinstance(node, Mapping):
            stack.extend(((*where, str(k)), v) for k, v in node.items())
        elif isinstance(node, (list, tuple)):
            stack.extend(((*where, i), v) for i, v in enumerate(node))
        elif isinstance(node, str):
            sources = (
                [node.strip()[1:]] if node.strip().startswith("=") else references_in(node) if "{=" in node else []
            )
            for source in sources:
                try:
                    compile_reference(source)
                except ReferenceError_ as exc:
                    found.append((where, source, str(exc)))
    return sorted(found, key=lambda item: str(item[0]))
