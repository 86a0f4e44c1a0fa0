"""Load a plan file: bytes → text → YAML (with positions and comments) → validated `Plan`.

Every problem is reported with the file, line, column and field path, in Vietnamese, and nothing
is written before the whole plan has been loaded and computed.
"""

from __future__ import annotations

import difflib
import re
import typing
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from generator.errors import DataPath, PlanError, Problem
from generator.files import InputFileError, read_regular
from generator.model.schema import Plan
from generator.vi import format_number
from generator.vi.numbers import DIEM_LETTERS

MAX_ROMAN = 3999  # vi.roman writes 1 to 3,999
MAX_FILE_BYTES = 5 * 1024 * 1024
#: Budgets of one YAML file, checked on its event stream before anything is built: nesting depth,
#: nodes (a plan has a few thousand; the round-trip parser reads ~10,000 a second), nodes added by
#: aliases (a few nested &a/*a grow exponentially), digits of a number (Python refuses > 4,300),
#: problems listed for one file.
MAX_DEPTH, MAX_NODES, MAX_ALIAS_NODES, MAX_DIGITS, MAX_PROBLEMS = 64, 20_000, 100_000, 30, 100
#: Nodes of a units file (the communes of a whole country, ~60 nodes each).
UNITS_MAX_NODES = 1_000_000
_NUMBER_LIKE = re.compile(r"[-+]?(?:0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+|[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?)")
#: Characters XML 1.0 cannot hold (they would corrupt document.xml).
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass
class LoadedPlan:
    """A validated plan with where each value came from."""

    plan: Plan
    source: Path | None
    positions: dict[DataPath, tuple[int, int]] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)

    def problem(self, message: str, path: DataPath) -> Problem:
        """A Problem located at `path` (or its nearest located ancestor)."""
        return _locate(Problem(message, path, self.source), self.positions)


def position(positions: dict[DataPath, tuple[int, int]], path: DataPath) -> tuple[int | None, int | None]:
    """Line and column of `path`, or of its nearest ancestor that has one."""
    while path and path not in positions:
        path = path[:-1]
    return positions.get(path, (None, None))


def _locate(problem: Problem, positions: dict[DataPath, tuple[int, int]]) -> Problem:
    return Problem(problem.message, problem.path, problem.file, *position(positions, problem.path))


def read_text(path: Path) -> str:
    """Read a plan file as UTF-8 text, with a clear error for every way it can be wrong."""

    def fail(message: str, line: int | None = None) -> PlanError:
        return PlanError([Problem(message, (), path, line)])

    try:
        data = read_regular(path, MAX_FILE_BYTES, "tệp dữ liệu .yaml")
    except InputFileError as exc:
        raise fail(str(exc)) from None
    if not data.strip():
        raise fail("tệp rỗng: không có dữ liệu kế hoạch")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise fail("tệp được lưu ở bảng mã UTF-16; hãy lưu lại dưới dạng UTF-8")
    if b"\x00" in data:
        raise fail("đây không phải tệp văn bản (có byte 0): có lẽ là tệp nhị phân như .docx hay .xlsx")
    if data.startswith(b"\xef\xbb\xbf"):  # UTF-8 BOM (Notepad's default): harmless, drop it
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise fail(
            f"tệp không phải UTF-8 (byte 0x{data[exc.start]:02x}); có lẽ được lưu ở bảng mã {legacy_encoding(data)} — "
            "hãy mở bằng Notepad, chọn File › Save As, Encoding: UTF-8, rồi lưu lại",
            line,
        ) from None
    for number, line_text in enumerate(text.splitlines(), 1):
        indent = line_text[: len(line_text) - len(line_text.lstrip(" \t"))]
        if "\t" in indent:
            raise fail("thụt lề bằng phím Tab; YAML chỉ cho phép thụt lề bằng dấu cách", number)
    return text


#: Windows-1258 writes Vietnamese with these bytes: ă â đ ơ ư (and capitals), and tone marks as
#: combining characters after the vowel (0xCC ` 0xEC ´ 0xD2 ~ 0xDE ? 0xF2 .).
_CP1258_LETTERS = frozenset(b"\xe3\xc3\xe2\xc2\xf0\xd0\xf5\xd5\xfd\xdd")
_CP1258_TONES = frozenset(b"\xcc\xec\xd2\xde\xf2")
_VOWELS = frozenset(b"aeiouyAEIOUY\xe3\xc3\xe2\xc2\xf5\xd5\xfd\xdd\xea\xca\xf4\xd4")


def legacy_encoding(data: bytes) -> str:
    """The likely 8-bit code page of a file that is not UTF-8 (for the message)."""
    tones = sum(1 for a, b in zip(data, data[1:]) if b in _CP1258_TONES and a in _VOWELS)
    letters = sum(1 for b in data if b in _CP1258_LETTERS)
    if tones and tones + letters >= 3:
        return "Windows-1258 (tiếng Việt của Windows)"
    high = [b for b in data if b >= 0x80]
    if high and sum(1 for b in high if 0xA1 <= b <= 0xBF or b >= 0xC6) > 0.8 * len(high) and not tones:
        return "TCVN3 (ABC) hoặc Latin-1/Windows-1252"
    return "Latin-1/Windows-1252"


def parse_yaml(text: str, source: Path | None, *, max_nodes: int = MAX_NODES) -> CommentedMap:
    """Parse YAML text (round-trip, so positions and comments are kept), within the budgets."""
    check_budgets(text, source, max_nodes)
    try:
        data = YAML(typ="rt").load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        what = exc.problem or exc.context or "cú pháp không hợp lệ"
        raise PlanError([Problem(f"lỗi cú pháp YAML: {_yaml_problem_vi(what)}", (), source, line, col)]) from None
    except YAMLError as exc:
        raise PlanError([Problem(f"lỗi cú pháp YAML: {exc}", (), source)]) from None
    if not isinstance(data, CommentedMap):
        raise PlanError([Problem("tệp phải là một bảng khóa: giá trị (co_quan:, van_ban:, …)", (), source, 1, 1)])
    return data


def check_budgets(text: str, source: Path | None, max_nodes: int = MAX_NODES) -> None:
    """PlanError at the first place the YAML text breaks a budget: nesting deeper than MAX_DEPTH,
    more than `max_nodes` nodes, aliases that add more than MAX_ALIAS_NODES nodes once expanded,
    a number longer than MAX_DIGITS, or a tag
    (!!binary, !!python/…, !anything: a plan file holds plain text and numbers). Read as libyaml
    events (no tree is built); a syntax error is left to the parser, which locates it."""
    from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, NodeEvent, ScalarEvent

    def fail(message: str, event) -> PlanError:
        mark = event.start_mark
        return PlanError([Problem(message, (), source, *((mark.line + 1, mark.column + 1) if mark else ()))])

    sizes: dict[str, int] = {}  # anchor → nodes of its value, aliases expanded
    stack: list[list] = [[None, 0]]  # open collections: [anchor, nodes so far]
    nodes = by_alias = 0
    try:
        for event in YAML(typ="safe").parse(text):
            if (
                isinstance(event, NodeEvent)
                and not isinstance(event, AliasEvent)
                and event.tag
                and not _implicit(event)
            ):
                raise fail(f"không dùng thẻ YAML ({event.tag}) trong tệp dữ liệu; hãy ghi giá trị thường", event)
            nodes += 1
            if nodes > max_nodes:
                raise fail(
                    f"tệp có quá nhiều phần tử (hơn {max_nodes:,}); một kế hoạch chỉ có vài nghìn".replace(",", "."),
                    event,
                )
            if isinstance(event, CollectionStartEvent):
                stack.append([event.anchor, 1])
                if len(stack) > MAX_DEPTH:
                    raise fail(f"dữ liệu lồng nhau quá sâu (hơn {MAX_DEPTH} cấp)", event)
                continue
            if isinstance(event, CollectionEndEvent):
                anchor, count = stack.pop()
            elif isinstance(event, ScalarEvent):
                if not event.style and len(event.value) > MAX_DIGITS and _NUMBER_LIKE.fullmatch(event.value):
                    raise fail(f"số quá dài ({len(event.value)} chữ số; tối đa {MAX_DIGITS})", event)
                anchor, count = event.anchor, 1
            elif isinstance(event, AliasEvent):
                anchor, count = None, sizes.get(event.anchor, 1)
                by_alias += count
                if by_alias > MAX_ALIAS_NODES:
                    raise fail(
                        f"các bí danh YAML (& / *) mở ra quá nhiều phần tử (hơn {MAX_ALIAS_NODES:,})".replace(",", "."),
                        event,
                    )
            else:
                continue
            if anchor:
                sizes[anchor] = count
            stack[-1][1] += count
    except YAMLError:
        return  # the round-trip parser reports it, located


def _implicit(event) -> bool:
    implicit = event.implicit
    return any(implicit) if isinstance(implicit, tuple) else bool(implicit)


def _yaml_problem_vi(problem: str) -> str:
    known = {
        "found duplicate key": "khóa bị lặp lại",
        "mapping values are not allowed here": "không được đặt dấu ':' ở đây (thiếu ngoặc kép quanh văn bản có dấu ':'?)",
        "found character '\\t' that cannot start any token": "có ký tự Tab",
        "could not find expected ':'": "thiếu dấu ':' sau khóa",
        "did not find expected key": "thụt lề không khớp hoặc thiếu khóa",
        "found unexpected end of stream": "tệp kết thúc khi chưa đóng ngoặc kép/ngoặc",
        "expected <block end>": "thụt lề không khớp: dòng này thụt vào khác các khóa cùng cấp ở trên; hãy để nó thẳng "
        "hàng với khóa cùng cấp (cùng số dấu cách đầu dòng), hoặc thụt vào thêm nếu là khóa con",
        "expected a comment or a line break": "thừa ký tự sau giá trị; nếu là văn bản, hãy đặt cả dòng trong ngoặc kép",
        "found unknown escape character": "ký tự \\ lạ trong ngoặc kép; dùng \\\\ hoặc ngoặc đơn",
        "found undefined alias": "không có neo (&tên) cho tham chiếu * này",
        "found character": "ký tự không được đứng đầu giá trị; hãy đặt văn bản trong ngoặc kép",
        "expected ',' or '}'": "ngoặc {…} chưa đóng hoặc thiếu dấu phẩy giữa các khóa",
        "expected ',' or ']'": "ngoặc […] chưa đóng hoặc thiếu dấu phẩy giữa các mục",
        "while scanning a quoted scalar": "ngoặc kép chưa đóng",
        "while parsing": "cú pháp không hợp lệ",
    }
    for english, vietnamese in known.items():
        if problem.startswith(english):
            return vietnamese
    return "cú pháp không hợp lệ ở đây; kiểm tra thụt lề, dấu ':' và ngoặc kép ở dòng này và dòng trên"


def _plain(
    node: object, path: DataPath, positions: dict, warnings: list[Problem], source: Path | None, budget: list[int]
) -> object:
    """ruamel nodes → plain Python, NFC text, XML-illegal characters removed; positions recorded.
    `budget` counts the nodes still allowed (aliases share nodes that this expands) and the depth."""
    budget[0] -= 1
    if budget[0] < 0 or len(path) > MAX_DEPTH:
        what = (
            f"lồng nhau quá sâu (hơn {MAX_DEPTH} cấp)"
            if len(path) > MAX_DEPTH
            else "có quá nhiều phần tử (bí danh & / * lồng nhau?)"
        )
        raise PlanError([_locate(Problem(f"dữ liệu {what}", path[:MAX_DEPTH], source), positions)])
    if isinstance(node, dict):
        out = {}
        for key in node:
            child = (*path, str(key))
            if isinstance(node, CommentedMap) and key in (node.lc.data or {}):
                line, col = node.lc.value(key)
                positions[child] = (line + 1, col + 1)
            out[str(key)] = _plain(node[key], child, positions, warnings, source, budget)
        return out
    if isinstance(node, list):
        out_list = []
        for index, item in enumerate(node):
            child = (*path, index)
            if isinstance(node, CommentedSeq) and index in (node.lc.data or {}):
                line, col = node.lc.item(index)
                positions[child] = (line + 1, col + 1)
            out_list.append(_plain(item, child, positions, warnings, source, budget))
        return out_list
    if isinstance(node, str):
        text = unicodedata.normalize("NFC", str(node))
        cleaned = XML_ILLEGAL.sub("", text)
        if cleaned != text:
            warnings.append(
                _locate(Problem("đã bỏ ký tự điều khiển không in được trong văn bản", path, source), positions)
            )
        return cleaned
    if isinstance(node, bool):
        return bool(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    return node


def load_plan(path: str | Path) -> LoadedPlan:
    """Load and validate a plan file; raises PlanError listing every problem found."""
    path = Path(path)
    raw = parse_yaml(read_text(path), path)
    return validate_data(raw, path)


def to_plain(raw: object, source: Path | None = None) -> tuple[object, dict[DataPath, tuple[int, int]], list[Problem]]:
    """Parsed YAML → (plain data with NFC text, positions of every key and item, warnings)."""
    positions: dict[DataPath, tuple[int, int]] = {(): (1, 1)}
    warnings: list[Problem] = []
    return _plain(raw, (), positions, warnings, source, [UNITS_MAX_NODES + MAX_ALIAS_NODES]), positions, warnings


def validate_data(raw: CommentedMap | dict, source: Path | None = None) -> LoadedPlan:
    """Validate already-parsed YAML data (e.g. after an overlay) into a LoadedPlan."""
    return validate_plain(*to_plain(raw, source), source)


def validate_plain(
    data: dict, positions: dict[DataPath, tuple[int, int]], warnings: list[Problem], source: Path | None = None
) -> LoadedPlan:
    """Validate data that is plain and clean already: made by `to_plain`, or built only of what it made."""
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        problems = [_locate(translate(err, data, source), positions) for err in errors[:MAX_PROBLEMS]]
        if len(errors) > MAX_PROBLEMS:
            problems.append(
                Problem(f"… và {len(errors) - MAX_PROBLEMS} lỗi khác (chỉ liệt kê {MAX_PROBLEMS} lỗi đầu)", (), source)
            )
        raise PlanError(list(dict.fromkeys(problems))) from None
    limits = plan_limits(plan)
    if limits:
        raise PlanError([_locate(Problem(message, path, source), positions) for message, path in limits])
    return LoadedPlan(plan, source, positions, warnings)


def plan_limits(plan: Plan) -> list[tuple[str, DataPath]]:
    """What the numbering can print: Mục and groups in Roman numerals up to 3,999; at most as many
    điểm in a row as there are letters (a to y)."""
    found = []
    for name, items, path in (
        ("mục", plan.muc, ("muc",)),
        ("nhóm", plan.phu_luc_1.nhom if plan.phu_luc_1 else [], ("phu_luc_1", "nhom")),
    ):
        if len(items) > MAX_ROMAN:
            found.append((f"có {len(items)} {name}; số La Mã chỉ viết được đến {MAX_ROMAN} — hãy gộp bớt", path))
    lists = [(plan.mo_dau, ("mo_dau",))]
    for m, muc in enumerate(plan.muc):
        lists.append((muc.noi_dung, ("muc", m, "noi_dung")))
        lists += [(khoan.noi_dung, ("muc", m, "khoan", k, "noi_dung")) for k, khoan in enumerate(muc.khoan)]
    for blocks, path in lists:
        run = 0
        for i, block in enumerate(blocks):
            run = run + 1 if block.kind == "diem" else (run if block.kind == "cong" else 0)
            if run > len(DIEM_LETTERS):
                found.append(
                    (
                        f"điểm thứ {run} liên tiếp: chỉ có {len(DIEM_LETTERS)} chữ cái đánh điểm (a đến y); "
                        "hãy tách thành khoản mới hoặc dùng gạch đầu dòng",
                        (*path, i, "diem"),
                    )
                )
                break
    return found


# --- pydantic errors in Vietnamese -------------------------------------------------------------

_MESSAGES = {
    "missing": "thiếu trường bắt buộc",
    "int_type": "phải là số nguyên",
    "int_parsing": "phải là số nguyên",
    "int_from_float": "phải là số nguyên (không có phần thập phân)",
    "string_type": "phải là văn bản (chuỗi)",
    "list_type": "phải là một danh sách (các dòng bắt đầu bằng '- ')",
    "dict_type": "phải là một nhóm khóa: giá trị",
    "model_type": "phải là một nhóm khóa: giá trị",
    "model_attributes_type": "phải là một nhóm khóa: giá trị",
    "bool_type": "phải là true hoặc false",
    "bool_parsing": "phải là true hoặc false",
    "string_too_short": "không được để trống",
}


def translate(err: dict, data: object, source: Path | None, model: type[BaseModel] = Plan) -> Problem:
    """A pydantic error of `data` (validated as `model`) as a Vietnamese Problem (not yet located)."""
    loc = _data_path(err["loc"], data)
    kind, ctx = err["type"], err.get("ctx") or {}
    comma = _comma_figure(loc, data) if kind == "extra_forbidden" else None
    if comma:
        loc, message = comma
    elif kind == "extra_forbidden":
        message = f"khóa không hợp lệ {loc[-1]!r}"
        valid = _field_names(loc[:-1], model, data)
        suggestions = difflib.get_close_matches(str(loc[-1]), valid, n=1, cutoff=0.6)
        if suggestions:
            message += f"; có phải ý bạn là {suggestions[0]!r}?"
        else:
            message += f"; các khóa hợp lệ: {', '.join(valid)}"
    elif kind == "too_short":
        message = f"không được để trống (cần ít nhất {ctx.get('min_length', 1)} mục)"
    elif kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        sign = {"greater_than_equal": "≥", "greater_than": ">", "less_than_equal": "≤", "less_than": "<"}[kind]
        bound = next(iter(ctx.values()), "")
        message = f"phải {sign} {bound}, thấy {err.get('input')!r}"
    elif kind == "literal_error":
        message = f"giá trị {err.get('input')!r} không hợp lệ; chỉ nhận: {ctx.get('expected', '')}"
    elif kind == "string_pattern_mismatch":
        message = f"{err.get('input')!r} không đúng dạng (chỉ chữ thường không dấu, số và '_', bắt đầu bằng chữ)"
    elif kind == "union_tag_invalid":
        loc = (*loc, "loai")
        message = f"loại phụ lục {ctx.get('tag')!r} không có; chỉ nhận: {ctx.get('expected_tags', '')}"
    elif kind == "union_tag_not_found":
        message = "phụ lục thiếu loai: (danh_sach, danh_sach_nguoi, du_toan, bang hoặc van_ban)"
    elif kind == "value_error":
        message = str(ctx.get("error", err["msg"]))
        loc = (*loc, *getattr(ctx.get("error"), "path", ()))
    else:
        message = _MESSAGES.get(kind, err["msg"])
        if kind != "missing" and "input" in err and not isinstance(err["input"], (dict, list)):
            message += f", thấy {err['input']!r}"
    return Problem(message, loc, source)


def _comma_figure(loc: DataPath, data: object) -> tuple[DataPath, str] | None:
    """`{…, don_gia: 1,250,000}`: YAML splits the figure at its commas into a number and keys "250",
    "0" (with no value). The key before them and the message saying so; None for any other key."""
    node = data
    for step in loc[:-1]:
        try:
            node = node[step]
        except (LookupError, TypeError):
            return None
    if not isinstance(node, dict) or not str(loc[-1]).isdigit() or node.get(loc[-1], 0) is not None:
        return None
    keys = list(node)
    index = keys.index(loc[-1]) if loc[-1] in keys else 0
    while index > 0 and str(keys[index - 1]).isdigit() and node[keys[index - 1]] is None:
        index -= 1
    if index == 0 or not isinstance(node[keys[index - 1]], int):
        return None
    field_, first = keys[index - 1], node[keys[index - 1]]
    rest = [str(k) for k in keys[index:] if str(k).isdigit() and node[k] is None]
    strays = ", ".join(repr(k) for k in rest[:4])
    message = (
        f"{field_} viết với dấu phẩy trong ngoặc {{…}}: YAML hiểu dấu phẩy là dấu ngăn các khóa, nên đọc thành "
        f"{field_}: {first} và các khóa lạ {strays}. "
    )
    # a thousands separator: groups of three digits ("000" reads as the key 0); else a decimal comma
    if all(len(k) == 3 or (k == "0" and field_ != "so_luong") for k in rest):
        whole = f"{first}{''.join(k.zfill(3) for k in rest)}"
        message += f'Hãy viết liền ({field_}: {whole}) hoặc theo kiểu Việt Nam trong ngoặc kép ({field_}: "{format_number(int(whole))}")'
    else:  # a decimal comma
        message += f"{field_} phải là số nguyên: hãy ghi một số nguyên, ví dụ {field_}: {first}"
    return (*loc[:-1], field_), message


def _data_path(loc: tuple, data: object) -> DataPath:
    """pydantic's loc without its internal steps (union members, validator names)."""
    path: list[str | int] = []
    node = data
    for step in loc:
        if isinstance(node, dict) and isinstance(step, str) and step not in node and node.get("loai") == step:
            continue  # the tag of a discriminated union (an appendix's kind), not a key
        if isinstance(node, dict) and isinstance(step, str) and step in node:
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and step < len(node):
            node = node[step]
        elif isinstance(step, str) and isinstance(node, dict) and step.isidentifier() and "[" not in step:
            node = None  # a missing or unknown key: keep it in the path, stop descending
        else:
            continue
        path.append(step)
    return tuple(path)


def _field_names(path: DataPath, model: type[BaseModel] | None, data: object = None) -> list[str]:
    node = data
    for step in path:
        node = node[step] if isinstance(node, (dict, list)) and _has(node, step) else None
        if isinstance(step, int) or model is None:
            continue
        info = model.model_fields.get(step)
        kind = None
        if isinstance(node, list) and len(path) > path.index(step) + 1:
            item = node[path[path.index(step) + 1]] if _has(node, path[path.index(step) + 1]) else None
            kind = item.get("loai") if isinstance(item, dict) else None
        model = _model_in(info.annotation, kind) if info else None
    return list(model.model_fields) if model else []


def _has(node: dict | list, step: object) -> bool:
    return (isinstance(node, dict) and step in node) or (
        isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node)
    )


def _model_in(annotation: object, kind: object = None) -> type[BaseModel] | None:
    """The model inside an annotation; in a union tagged by `loai`, the member of that `kind`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if kind is None or "loai" not in annotation.model_fields:
            return annotation
        return annotation if kind in typing.get_args(annotation.model_fields["loai"].annotation) else None
    for arg in typing.get_args(annotation):
        found = _model_in(arg, kind)
        if found:
            return found
    return _model_in(annotation) if kind is not None else None


__all__ = [
    "LoadedPlan",
    "load_plan",
    "validate_data",
    "validate_plain",
    "read_text",
    "parse_yaml",
    "to_plain",
    "translate",
    "position",
]
