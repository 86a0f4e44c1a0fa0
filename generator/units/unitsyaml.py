"""Reading a units file's YAML fast: libyaml through ruamel.yaml.clib, each distinct scalar
resolved once, and a long don_vi list split in parts that worker processes read side by side.
Positions (line, column) are worked out only when a problem is to be located; a file that is not
plain YAML (a tag, aliases that multiply) is refused with its line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.resolver import VersionedResolver

from generator.errors import PlanError, Problem
from generator.model.loader import UNITS_MAX_NODES, parse_yaml, to_plain


class _DocumentResolver(VersionedResolver):
    """ruamel's resolver, working out a document's YAML version, its rules and the tag of each
    distinct scalar once: ruamel works them all out again for every scalar, most of the time of
    reading a long units file (whose units repeat the same values). No path resolver is registered,
    so a node's tag follows from its kind, value and implicitness alone."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._resolved: dict[tuple, Any] = {}

    @cached_property
    def processing_version(self) -> Any:
        return super().processing_version

    @cached_property
    def versioned_resolver(self) -> Any:
        return super().versioned_resolver

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        key = (kind, value, implicit)
        if key not in self._resolved:
            self._resolved[key] = super().resolve(kind, value, implicit)
        return self._resolved[key]


def fast_load(text: str, path: Path) -> object:
    """Plain data through libyaml (ruamel.yaml.clib) — a units file may list thousands of units;
    on an error the round-trip parser gives the located message, or else (a YAML tag, which the
    round-trip parser takes and this refuses) the error is located here."""
    try:
        data = _libyaml_load(text)
    except (YAMLError, ValueError) as exc:  # ValueError: an integer too long to convert (over 4,300 digits)
        parse_yaml(text, path, max_nodes=UNITS_MAX_NODES)  # locates it (the budgets are checked first)
        mark = getattr(exc, "problem_mark", None) if isinstance(exc, MarkedYAMLError) else None
        where = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
        tag = re.search(r"tag '([^']*)'", str(exc))
        what = f"thẻ YAML {tag.group(1)!r}" if tag else "một cách viết YAML"
        message = f"tệp đơn vị không dùng {what}: hãy bỏ thẻ (phần bắt đầu bằng '!') và ghi giá trị bình thường"
        raise PlanError([Problem(message, (), path, *where)]) from None
    limit = MAX_NODES_BASE + MAX_NODES_PER_CHAR * len(text)
    if (
        "*" in text and _expanded_size(data, limit) > limit
    ):  # aliases (*name) that multiply: refused before they are copied
        alias = re.search(r"(?:^|[\s\[{,:])\*[^\s,\]}]+", text, re.MULTILINE)
        line = text.count("\n", 0, alias.start()) + 1 if alias else None
        figure = f"{limit:,}".replace(",", ".")
        message = f"tệp đơn vị dùng bí danh YAML (*tên) lồng nhau, mở ra quá {figure} giá trị; hãy ghi thẳng giá trị thay cho bí danh"
        raise PlanError([Problem(message, (), path, line, None)])
    return data


#: The most values a units file may hold once its aliases are copied out: a fixed allowance and a
#: number per character of the file (a file without aliases holds fewer values than characters).
MAX_NODES_BASE, MAX_NODES_PER_CHAR = 100_000, 10


def _expanded_size(data: object, limit: int) -> int:
    """How many values `data` holds with shared parts counted each time they appear, counting
    stopped past `limit` (so bounded in time whatever the aliases)."""
    count, stack = 0, [data]
    while stack and count <= limit:
        node = stack.pop()
        count += 1
        if isinstance(node, dict):
            stack.extend(node.values())
            count += len(node)
        elif isinstance(node, list):
            stack.extend(node)
    return count


def _libyaml_load(text: str) -> object:
    yaml = YAML(typ="safe")
    yaml.Resolver = _DocumentResolver
    return yaml.load(text)


#: Reads parts of a units file's don_vi list (`split_items`), maybe in other processes: the parts'
#: texts → each part's items as plain data (None for a part that does not read), in order, as read.
ItemsReader = Callable[[list[str]], Iterable["list | None"]]
_ITEMS_KEY = re.compile(r"^don_vi:[ \t]*(?:#.*)?$", re.MULTILINE)
#: What a file split in parts could read differently: anchors, aliases, tags, directives, document markers, tabs.
_NOT_SPLIT = re.compile(r"(?:^|[\s\[{,])[&*!]\S|^(?:%|---|\.\.\.)|\t", re.MULTILINE)


def _may_not_split(text: str) -> bool:
    """A quick look for what `_NOT_SPLIT` finds (its search is slower)."""
    return any(mark in text for mark in "&*!%\t") or any(mark in f"\n{text}" for mark in ("\n---", "\n..."))


def split_items(text: str, parts: int) -> tuple[str, list[str]] | None:
    """The units file's text with an empty don_vi list, and that list's items in up to `parts`
    texts, each "don_vi:" and some items as they stand — where reading the parts is reading the
    whole: one top-level don_vi, a block list with every item at one indentation, and none of
    `_NOT_SPLIT`. None otherwise."""
    keys = list(_ITEMS_KEY.finditer(text))
    if len(keys) != 1 or _may_not_split(text) and _NOT_SPLIT.search(text):
        return None
    lines = text[keys[0].end() :].split("\n")[1:]
    items: list[list[str]] = []
    indent, end = None, len(lines)
    for number, line in enumerate(lines):
        content = line.lstrip(" ")
        if not content or content.startswith("#"):
            if items:
                items[-1].append(line)
            continue
        depth = len(line) - len(content)
        starts_item = content.startswith("- ") or content == "-"
        if indent is None and not starts_item:
            return None
        indent = depth if indent is None else indent
        if depth == indent and starts_item:
            items.append([line])
        elif depth > indent:
            items[-1].append(line)
        else:
            end = number
            break
    if not items:
        return None
    size = -(-len(items) // parts)
    texts = [
        "don_vi:\n" + "\n".join(line for item in items[i : i + size] for line in item) + "\n"
        for i in range(0, len(items), size)
    ]
    return text[: keys[0].start()] + "don_vi: []\n" + "\n".join(lines[end:]), texts


def read_items(part: str) -> list | None:
    """The items of a part of a don_vi list (`split_items`) as plain data; None if it does not read as one."""
    try:
        data = _libyaml_load(part)
    except (YAMLError, ValueError):  # read again as a whole, which locates the problem
        return None
    items = data.get("don_vi") if isinstance(data, dict) and len(data) == 1 else None
    return to_plain(items)[0] if isinstance(items, list) else None


def read_units_text(
    text: str, path: Path, reader: ItemsReader | None, parts: int
) -> tuple[dict, Iterable[list | None] | None]:
    """The units file as plain data, and its don_vi list's parts as `reader` gives them where the
    list splits (the data's don_vi is then empty), else None."""
    split = split_items(text, parts) if reader is not None else None
    if split is not None:
        head, texts = split
        pending = reader(texts)
        try:
            data = to_plain(_libyaml_load(head), path)[0]
        except (YAMLError, ValueError):
            data = None
        if isinstance(data, dict) and data.get("don_vi") == []:
            return data, pending
    return to_plain(fast_load(text, path), path)[0], None


class Unread(Exception):
    """A part of the don_vi list did not read as it does in the whole file."""


def items_of(parts: Iterable[list | None]) -> Iterator[object]:
    """The don_vi entries, part by part as the parts are read; Unread at a part that was not."""
    for part in parts:
        if part is None:
            raise Unread
        yield from part


class LazyPositions(Mapping):
    """Line and column of every value of the units file, parsed (round-trip) only when a problem is located."""

    def __init__(self, text: str, path: Path):
        self._text, self._path = text, path

    @cached_property
    def _table(self) -> dict:
        return to_plain(parse_yaml(self._text, self._path, max_nodes=UNITS_MAX_NODES), self._path)[1]

    def __getitem__(self, key):
        return self._table[key]

    def __iter__(self):
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)
