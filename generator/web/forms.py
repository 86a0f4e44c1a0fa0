"""The plan editor's form, driven by the plan model (generator.model.schema): data → form view,
submitted form → plan data, and plan data → the round-trip YAML (comments, order and quoting kept).

Form field names are data paths with a "d." prefix: ``d.phu_luc_2.bang.0.dong.2.don_gia``. Extra
leaves carry what a field is: ``__goc`` (the item's index in the file as opened, so a moved or kept
item keeps its comments), ``__loai``/``__van`` (a body paragraph's kind and text), ``__dong`` (a list
of text lines in one text box), ``__cap`` (a name: value list). A value the clerk did not touch
comes back as it was in the file, not as the form shows it.
"""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass
from typing import Any, Literal, Union

from pydantic import BaseModel
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from generator.model.schema import Block, Plan
from generator.model.yamlfile import new_map, same_style
from generator.vi import FigureError, parse_figure

PREFIX = "d."
ORIGIN, KIND, TEXT, LINES, PAIRS = "__goc", "__loai", "__van", "__dong", "__cap"
BLOCK_KINDS = {"doan": "Đoạn văn", "gach": "Gạch đầu dòng (-)", "cong": "Dấu cộng (+)", "diem": "Điểm a), b)…"}
MAX_ITEMS = 5000  # list items a form may hold (a bound on hostile input)
_STEP = r"(?:_{0,2}[a-z][a-z0-9_]{0,60}|[0-9]{1,4})"
FIELD_NAME = re.compile(rf"d\.{_STEP}(?:\.{_STEP}){{0,20}}\Z")

#: What the clerk reads for each key of the plan model; a key not listed shows its own name.
LABELS = {
    "co_quan": "Cơ quan ban hành",
    "ten": "Tên",
    "chu_quan": "Cơ quan chủ quản (nếu có)",
    "ten_day_du": "Tên đầy đủ (trong câu văn)",
    "viet_tat": "Viết tắt (ký hiệu)",
    "van_ban": "Văn bản",
    "loai": "Loại văn bản",
    "so": "Số",
    "ngay": "Ngày ký",
    "thang": "Tháng",
    "nam": "Năm",
    "dia_danh": "Địa danh",
    "trich_yeu": "Trích yếu",
    "bien": "Biến (giá trị dùng trong câu văn)",
    "quy_uoc_so": "Cách đọc số tiền bằng chữ",
    "linh": "linh/lẻ",
    "nghin": "nghìn/ngàn",
    "tu": "tư/bốn",
    "chan": "thêm “chẵn”",
    "mo_dau": "Mở đầu",
    "muc": "Các mục",
    "tieu_de": "Tiêu đề",
    "noi_dung": "Nội dung",
    "khoan": "Các khoản",
    "ket_thuc": "Đoạn kết thúc",
    "noi_nhan": "Nơi nhận (mỗi dòng một nơi)",
    "luu": "Lưu (mỗi dòng một mục)",
    "ky": "Người ký",
    "tham_quyen": "Thẩm quyền (TM., KT.)",
    "chuc_vu": "Chức vụ (mỗi dòng một dòng)",
    "ho_ten": "Họ và tên",
    "phu_luc_1": "Phụ lục: thành phần tham dự",
    "phu_luc_2": "Phụ lục: dự trù kinh phí",
    "nhom": "Các nhóm",
    "thanh_vien": "Thành viên",
    "so_luong": "Số lượng",
    "nguon_kinh_phi": "Nguồn kinh phí",
    "nguon_mac_dinh": "Nguồn mặc định",
    "bang": "Các bảng",
    "dong": "Các dòng",
    "don_vi_tinh": "Đơn vị tính",
    "don_gia": "Đơn giá",
    "nguon": "Nguồn",
    "ghi_chu": "Ghi chú",
    "id": "Mã (id)",
}
#: Figure shown beside each row of a list, by the list's key.
ROW_FIGURES = {"dong": "Thành tiền"}
#: Text fields shown as a text box of several lines.
LONG_TEXT = {"trich_yeu", "ket_thuc", "van_ban", "tieu_de"}


class FormError(ValueError):
    """The submitted form is not a form this editor made (a hostile or broken request)."""


# --- the model's structure ------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    """What a value of the model is: model, list (of `item`), dict, choice, bool or scalar."""

    kind: str
    model: type[BaseModel] | None = None
    item: Shape | None = None
    choices: tuple = ()
    number: bool = False  # a scalar that may be a whole number
    variants: tuple = ()  # a union of models (appendix kinds): the one whose `loai` the data names


_SHAPES: dict[int, tuple[object, Shape]] = {}


def shape_of(annotation: object) -> Shape:
    """The shape of a model annotation (remembered: the model's annotations live as long as it)."""
    known = _SHAPES.get(id(annotation))
    if known is not None and known[0] is annotation:
        return known[1]
    shape = _shape_of(annotation)
    _SHAPES[id(annotation)] = (annotation, shape)
    return shape


def _shape_of(annotation: object) -> Shape:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return shape_of(typing.get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(members) == 1:
            return shape_of(members[0])
        shapes = [shape_of(m) for m in members]
        if all(shape.kind == "model" for shape in shapes):
            return Shape("union", variants=tuple(shape.model for shape in shapes))
        return Shape("scalar", number=any(shape.number for shape in shapes))
    if origin is list:
        return Shape("list", item=shape_of(typing.get_args(annotation)[0]))
    if origin is dict:
        return Shape("dict", item=shape_of(typing.get_args(annotation)[1]))
    if origin is Literal:
        return Shape("choice", choices=typing.get_args(annotation))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return Shape("model", model=annotation)
    if annotation is bool:
        return Shape("bool", choices=(True, False))
    return Shape("scalar", number=annotation is int)


def resolve(shape: Shape, *values: object) -> Shape:
    """A union of models as the model its data names by `loai` (the first kind when none does)."""
    if shape.kind != "union":
        return shape
    kinds = [v.get("loai") for v in values if isinstance(v, dict) and v.get("loai")]
    for model in shape.variants:
        info = model.model_fields.get("loai")
        if info is not None and kinds and (info.default == kinds[0] or kinds[0] in shape_of(info.annotation).choices):
            return Shape("model", model=model)
    return Shape("model", model=shape.variants[0])


def _flat(model: type[BaseModel]) -> bool:
    """A model whose fields are all one-line values (a grid row)."""
    return all(shape_of(f.annotation).kind in ("scalar", "choice", "bool") for f in model.model_fields.values())


def shown(value: object) -> str:
    """A value as the form shows it (and as it comes back untouched)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def label(key: str | int) -> str:
    return LABELS.get(str(key), str(key))


def dom_id(path: tuple) -> str:
    """The HTML id part of a data path (keys are [a-z0-9_], so '-' is free as a separator)."""
    return "-".join(str(p) for p in path) or "goc"


# --- data → form view --------------------------------------------------------------------------


def form_view(data: dict) -> list[dict]:
    """The editor's sections (header, body, appendices…), one per top-level field of the model."""
    return [
        _node(data.get(name, _MISSING), shape_of(info.annotation), (name,), info.is_required())
        for name, info in Plan.model_fields.items()
    ]


_MISSING = object()


def _node(value: object, shape: Shape, path: tuple, required: bool) -> dict:
    shape = resolve(shape, value)
    key = path[-1]
    base = {
        "path": path,
        "name": PREFIX + ".".join(map(str, path)),
        "id": dom_id(path),
        "label": label(key),
        "required": required,
    }
    if shape.kind == "model":
        if shape.model is Block:
            return {**base, "t": "block", **_block(value)}
        present = isinstance(value, dict)
        values = value if present else {}
        children = [
            _node(values.get(n, _MISSING), shape_of(f.annotation), (*path, n), f.is_required())
            for n, f in shape.model.model_fields.items()
        ]
        return {**base, "t": "group", "children": children, "present": present or required}
    if shape.kind == "list":
        items = value if isinstance(value, list) else []
        item = shape.item
        marked = [_marked(v, i) for i, v in enumerate(items)]
        if item.kind == "model" and item.model is Block:
            return {
                **base,
                "t": "blocks",
                "entries": [{**_node(v, item, (*path, i), True), "origin": o} for i, (v, o) in enumerate(marked)],
                "kinds": BLOCK_KINDS,
            }
        if item.kind == "model" and _flat(item.model):
            columns = [(n, label(n), f.is_required()) for n, f in item.model.model_fields.items()]
            rows = [
                {
                    "path": (*path, i),
                    "id": dom_id((*path, i)),
                    "origin": o,
                    "cells": [
                        _node(
                            (v if isinstance(v, dict) else {}).get(n, _MISSING),
                            shape_of(f.annotation),
                            (*path, i, n),
                            f.is_required(),
                        )
                        for n, f in item.model.model_fields.items()
                    ],
                }
                for i, (v, o) in enumerate(marked)
            ]
            return {**base, "t": "grid", "columns": columns, "rows": rows, "row_figure": ROW_FIGURES.get(str(key))}
        if item.kind in ("model", "union"):  # a union: each item drawn as the kind it names
            cards = [
                {**_node(v, item, (*path, i), True), "origin": o, "number": i + 1} for i, (v, o) in enumerate(marked)
            ]
            return {**base, "t": "cards", "entries": cards}
        return {**base, "t": "lines", "value": "\n".join(shown(v) for v in items)}
    if shape.kind == "dict":
        pairs = value.items() if isinstance(value, dict) else ()
        return {**base, "t": "pairs", "value": "\n".join(f"{k}: {shown(v)}" for k, v in pairs)}
    text = "" if value is _MISSING else shown(value)
    choices = [shown(c) for c in shape.choices]
    return {
        **base,
        "t": "field",
        "value": text,
        "choices": choices,
        "long": key in LONG_TEXT or len(text) > 80,
        "present": value is not _MISSING,
    }


def _marked(value: object, index: int) -> tuple[object, int | None]:
    """(the item, its index in the file as opened): marked by form data, else its own index."""
    if isinstance(value, dict) and ORIGIN in value:
        origin = value[ORIGIN]
        if "__gia_tri" in value:
            return value["__gia_tri"], origin
        return {k: v for k, v in value.items() if k != ORIGIN}, origin
    return value, index


def _block(value: object) -> dict:
    if isinstance(value, str):
        return {"kind": "doan", "text": value}
    if isinstance(value, dict):
        for kind in BLOCK_KINDS:
            if kind in value:
                return {"kind": kind, "text": shown(value[kind])}
    return {"kind": "gach", "text": ""}


# --- submitted form → data ---------------------------------------------------------------------


def form_tree(items: list[tuple[str, str]]) -> dict:
    """The d.* fields of a submitted form as a nested dict (list indexes as int keys)."""
    tree: dict = {}
    count = 0
    for name, value in items:
        if not name.startswith(PREFIX):
            continue
        count += 1
        if count > 50 * MAX_ITEMS:
            raise FormError("biểu mẫu có quá nhiều trường")
        if not FIELD_NAME.match(name):
            raise FormError(f"tên trường không hợp lệ: {name[:80]!r}")
        steps = [int(s) if s.isdigit() else s for s in name[len(PREFIX) :].split(".")]
        node = tree
        for step in steps[:-1]:
            node = node.setdefault(step, {})
            if not isinstance(node, dict):
                raise FormError(f"tên trường không hợp lệ: {name[:80]!r}")
        node[steps[-1]] = value
    return tree


def form_data(tree: dict, base: dict) -> dict:
    """The plan data the form holds, with ORIGIN marks on list items; `base` is the file as opened
    (plain data): what the clerk did not change is taken from it as it was written."""
    return _value(tree, Shape("model", model=Plan), base, required=True)


_EMPTY = object()


def _value(tree: object, shape: Shape, base: object, *, required: bool) -> object:
    shape = resolve(shape, tree, base)
    if shape.kind == "model":
        if not isinstance(tree, dict):
            return _EMPTY
        if shape.model is Block:
            if set(tree) - {KIND, TEXT, ORIGIN}:
                raise FormError("biểu mẫu có trường không thuộc kế hoạch")
            return _block_value(tree, base)
        if set(tree) - set(shape.model.model_fields) - {ORIGIN}:
            raise FormError(
                f"biểu mẫu có trường không thuộc kế hoạch: {', '.join(sorted(map(str, set(tree) - set(shape.model.model_fields))))[:80]}"
            )
        bases = base if isinstance(base, dict) else {}
        out: dict = {}
        for name, info in shape.model.model_fields.items():
            if name not in tree:
                if name in bases:  # a part the form did not show: kept as it was
                    out[name] = bases[name]
                continue
            value = _value(tree[name], shape_of(info.annotation), bases.get(name, _EMPTY), required=info.is_required())
            if value is _EMPTY:
                if info.is_required():
                    out[name] = ""
                elif name in bases and bases[name] is not None and not isinstance(bases[name], (list, dict)):
                    out[name] = None  # cleared: the key and its comment stay, the value is blank
                elif name in bases and bases[name] is None:
                    out[name] = None
                continue
            out[name] = value
        if ORIGIN in tree:
            out[ORIGIN] = _origin(tree[ORIGIN])
        if not any(k != ORIGIN for k in out) and not required:
            return _EMPTY
        return out
    if shape.kind == "list":
        if isinstance(tree, dict) and LINES in tree:
            lines = [line.strip() for line in str(tree[LINES]).splitlines() if line.strip()]
            old = base if isinstance(base, list) else []
            return [
                old[i] if i < len(old) and shown(old[i]) == line else _scalar(line, shape.item, _EMPTY)
                for i, line in enumerate(lines)
            ] or _EMPTY
        if not isinstance(tree, dict):
            return _EMPTY
        old = base if isinstance(base, list) else []
        out_list = []
        for index in sorted(k for k in tree if isinstance(k, int)):
            sub = tree[index]
            origin = _origin(sub.get(ORIGIN)) if isinstance(sub, dict) else None
            before = old[origin] if origin is not None and origin < len(old) else _EMPTY
            value = _value(sub, shape.item, before, required=True)
            if isinstance(value, dict):
                value[ORIGIN] = origin
            elif value is not _EMPTY and origin is not None:
                value = {ORIGIN: origin, "__gia_tri": value}
            if value is not _EMPTY:
                out_list.append(value)
        return out_list
    if shape.kind == "dict":
        if not isinstance(tree, dict) or PAIRS not in tree:
            return base if base is not _EMPTY else _EMPTY
        old = base if isinstance(base, dict) else {}
        out_map: dict = {}
        for line in str(tree[PAIRS]).splitlines():
            if not line.strip():
                continue
            key, sep, text = line.partition(":")
            key, text = key.strip(), text.strip()
            if not sep:
                key, text = line.strip(), ""
            out_map[key] = old[key] if key in old and shown(old[key]) == text else _scalar(text, shape.item, _EMPTY)
        return out_map or _EMPTY
    if isinstance(tree, dict):
        raise FormError("biểu mẫu không khớp với cấu trúc kế hoạch")
    return _scalar(str(tree), shape, base)


def _scalar(text: str, shape: Shape, base: object) -> object:
    if base is not _EMPTY and shown(base) == text:
        return base  # untouched: exactly as written in the file
    text = text.strip()
    if base is not _EMPTY and shown(base) == text:
        return base
    if not text:
        return _EMPTY
    if shape.kind == "bool" or (shape.kind == "choice" and all(isinstance(c, bool) for c in shape.choices)):
        return {"true": True, "false": False}.get(text, text)
    if shape.number and not text.startswith("="):
        if re.fullmatch(r"[0-9]{1,18}", text) and not isinstance(base, str):
            return int(text)
        if not isinstance(base, str):
            try:
                value = parse_figure(text)
            except FigureError:
                return text  # the model says what is wrong with it, at this field
            if value == int(value) and abs(value) < 10**18:
                return int(value)
    return text


def _block_value(tree: dict, base: object) -> object:
    kind, text = str(tree.get(KIND, "doan")), str(tree.get(TEXT, ""))
    if kind not in BLOCK_KINDS:
        raise FormError(f"loại đoạn không hợp lệ: {kind[:20]!r}")
    before = _block(base) if base is not _EMPTY else None
    if before and before["kind"] == kind and before["text"] == text:
        value: object = base
    elif kind == "doan" and (base is _EMPTY or isinstance(base, str)):
        value = text.strip()
    else:
        value = {kind: text.strip()}
    origin = _origin(tree.get(ORIGIN))
    return {ORIGIN: origin, "__gia_tri": value} if origin is not None else value


def _origin(text: object) -> int | None:
    text = str(text or "").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) >= MAX_ITEMS:
        raise FormError("vị trí gốc của một mục không hợp lệ")
    return int(text)


def plain(value: object) -> object:
    """Form data without the ORIGIN marks: what the plan model validates."""
    if isinstance(value, dict):
        if "__gia_tri" in value:
            return plain(value["__gia_tri"])
        return {k: plain(v) for k, v in value.items() if k != ORIGIN}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


# --- structural edits --------------------------------------------------------------------------


def edit_list(data: dict, path: tuple, action: str, index: int | None) -> dict:
    """Add (after `index`, or at the end), remove or move up/down an item of the list at `path`."""
    node: Any = data
    shape = Shape("model", model=Plan)
    for step in path:
        shape = resolve(shape, node)
        if shape.kind == "model":
            info = shape.model.model_fields.get(str(step)) if shape.model else None
            if info is None or not isinstance(node, dict):
                raise FormError("đường dẫn không có trong kế hoạch")
            node = node.setdefault(str(step), [] if shape_of(info.annotation).kind == "list" else {})
            shape = shape_of(info.annotation)
        elif shape.kind == "list" and isinstance(step, int) and isinstance(node, list) and step < len(node):
            node, shape = node[step], shape.item
            node = node.get("__gia_tri", node) if isinstance(node, dict) else node
        else:
            raise FormError("đường dẫn không có trong kế hoạch")
    if shape.kind != "list" or not isinstance(node, list):
        raise FormError("chỉ thêm, xóa, chuyển được các mục của một danh sách")
    n = len(node)
    if action == "them":
        at = n if index is None else min(index + 1, n)
        node.insert(at, new_item(shape.item))
    elif index is None or not 0 <= index < n:
        raise FormError("không có mục này trong danh sách")
    elif action == "xoa":
        del node[index]
    elif action == "len" and index > 0:
        node[index - 1], node[index] = node[index], node[index - 1]
    elif action == "xuong" and index < n - 1:
        node[index + 1], node[index] = node[index], node[index + 1]
    elif action not in ("len", "xuong"):
        raise FormError(f"thao tác không hợp lệ: {action[:20]!r}")
    return data


def new_item(shape: Shape) -> object:
    """An empty item of a list: its required fields blank (the editor then says what to fill)."""
    shape = resolve(shape)
    if shape.kind == "model" and shape.model is Block:
        return {"gach": ""}
    if shape.kind == "model":
        out: dict = {}
        for name, info in shape.model.model_fields.items():
            sub = shape_of(info.annotation)
            if info.is_required():
                out[name] = (
                    [new_item(sub.item)]
                    if sub.kind == "list" and sub.item.kind == "model"
                    else []
                    if sub.kind == "list"
                    else ""
                )
        if {"tieu_de", "van_ban"} <= set(shape.model.model_fields) and "tieu_de" not in out:
            out["tieu_de"] = ""  # a khoản needs one of the two; start with a title
        return out
    return ""


def paste_rows(data: dict, path: tuple, text: str) -> dict:
    """Rows copied from Excel (tab-separated lines) appended to the grid at `path`, in column order."""
    rows = [line.split("\t") for line in text.replace("\r\n", "\n").split("\n") if line.strip()]
    if len(rows) > MAX_ITEMS:
        raise FormError("dán quá nhiều dòng một lần")
    node: Any = data
    shape = Shape("model", model=Plan)
    for step in path:
        shape = resolve(shape, node)
        if shape.kind == "model" and isinstance(node, dict):
            info = shape.model.model_fields.get(str(step)) if shape.model else None
            if info is None:
                raise FormError("đường dẫn không có trong kế hoạch")
            node, shape = node.setdefault(str(step), []), shape_of(info.annotation)
        elif shape.kind == "list" and isinstance(node, list) and isinstance(step, int) and step < len(node):
            node, shape = node[step], shape.item
        else:
            raise FormError("đường dẫn không có trong kế hoạch")
    if shape.kind != "list" or shape.item.kind != "model" or not _flat(shape.item.model):
        raise FormError("chỉ dán được vào một bảng")
    columns = [n for n in shape.item.model.model_fields if n != "id"]
    for cells in rows:
        item = {name: cells[i].strip() for i, name in enumerate(columns) if i < len(cells) and cells[i].strip()}
        for name, value in item.items():
            item[name] = _scalar(value, shape_of(shape.item.model.model_fields[name].annotation), _EMPTY)
        node.append(item)
    return data


# --- data → round-trip YAML --------------------------------------------------------------------


def apply(target: CommentedMap, data: dict) -> CommentedMap:
    """Write form data into the file's round-trip data in place: unchanged values are left alone,
    list items keep their comments when kept or moved (by ORIGIN), new keys go at the end."""
    _apply_map(target, data)
    return target


def _apply_map(target: CommentedMap, data: dict) -> None:
    for key in [k for k in target if k not in data]:
        del target[key]
    for key, value in data.items():
        if key == ORIGIN:
            continue
        if key in target:
            target[key] = _merge(target[key], value)
        else:
            target[key] = _fresh(value)


def _merge(old: object, new: object) -> object:
    if isinstance(new, dict) and "__gia_tri" in new:
        new = new["__gia_tri"]
    if isinstance(new, dict) and isinstance(old, CommentedMap):
        _apply_map(old, new)
        return old
    if isinstance(new, list) and isinstance(old, CommentedSeq):
        _apply_seq(old, new)
        return old
    if new is old or (type(new) is type(old) and new == old and not isinstance(new, (dict, list))):
        return old
    if isinstance(new, (dict, list)):
        return _fresh(new)
    return same_style(old, new)


def _apply_seq(target: CommentedSeq, items: list) -> None:
    old = list(target)
    comments = dict(target.ca.items)
    merged, moved = [], {}
    for index, item in enumerate(items):
        origin = item.get(ORIGIN) if isinstance(item, dict) else index if not isinstance(item, (dict, list)) else None
        if origin is not None and origin < len(old):
            merged.append(_merge(old[origin], item))
            if origin in comments:
                moved[index] = comments[origin]
        else:
            merged.append(_fresh(item))
    del target[:]
    target.ca.items.clear()
    target.extend(merged)
    target.ca.items.update(moved)


def _fresh(value: object) -> object:
    """New data as round-trip nodes (new rows of a flow-style table stay on one line)."""
    if isinstance(value, dict) and "__gia_tri" in value:
        return _fresh(value["__gia_tri"])
    if isinstance(value, dict):
        flat = all(not isinstance(v, (dict, list)) for k, v in value.items() if k != ORIGIN)
        node = new_map(flow=flat and len(value) > 1)
        for key, sub in value.items():
            if key != ORIGIN:
                node[key] = _fresh(sub)
        return node
    if isinstance(value, list):
        return CommentedSeq(_fresh(v) for v in value)
    return value
