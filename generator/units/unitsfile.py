"""The units (xã, phường) of a town and their ward-level plans.

A units file lists the town's units and points to a ward-level plan skeleton (a complete plan,
same schema as any plan). A unit's plan data is built in three layers:

1. the skeleton;
2. the unit's facts: co_quan.ten, co_quan.ten_day_du, van_ban.dia_danh and ky are replaced by the
   unit's; ``bien`` is replaced by the unit's facts and the town plan's (its number, date, …), which
   text inserts as ``{=bien.name}`` and counts use as ``=bien.name``;
3. the unit's ``ghi_de:`` overlay (see `overlay`).

``{=bien.name}`` is filled here, in all the plan's text (the trích yếu and Nơi nhận too), by plain
look-up; compute evaluates the other references. Every problem is located in the file its value
came from: the skeleton, the units file or the town plan.
"""

from __future__ import annotations

import difflib
import re
import typing
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, StringConstraints, ValidationError, field_validator
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.resolver import VersionedResolver

from generator.errors import DataPath, PlanError, Problem
from generator.model.loader import UNITS_MAX_NODES, LoadedPlan, parse_yaml, position, read_text, to_plain, translate, validate_plain
from generator.render.renderer import document_number
from generator.model.schema import LOAI_VAN_BAN, ChuKy, Plan, Strict, Text
from generator.vi import format_date_short, format_number

Positions = Mapping[DataPath, tuple[int, int]]
Reference = typing.Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")]
BIEN_REFERENCE = re.compile(r"\{=bien\.([a-z][a-z0-9_]*)\}")
#: Plan fields a unit's own fields replace: plan path → field of the unit.
UNIT_FIELDS = {("co_quan", "ten"): "tieu_de", ("co_quan", "ten_day_du"): "ten_day_du", ("van_ban", "dia_danh"): "dia_danh", ("ky",): "ky"}


class Giao(Strict):
    """The unit's share of the town plan's assignments."""

    bang_ron: int = Field(ge=0, description="băng rôn 0,5m x 5,0m (tấm)")
    doan_vien: int = Field(ge=0, description="đoàn viên ra quân IT xanh")
    lanh_dao: int = Field(ge=0, description="lãnh đạo dự họp mặt")
    cong_chuc_cds: int = Field(ge=0, description="công chức phụ trách chuyển đổi số dự họp mặt")
    dai_dien_to: int = Field(ge=0, description="đại diện Tổ công nghệ số cộng đồng dự họp mặt")


class DonVi(Strict):
    """One xã or phường."""

    ten: Text = Field(description="Name in running text: Phường 1, xã Bình Hiệp")
    loai: Literal["phuong", "xa"]
    tieu_de: list[Text] = Field(min_length=1, description="Header lines: ỦY BAN NHÂN DÂN / PHƯỜNG 1")
    ten_day_du: Text
    dia_danh: Text
    ky: ChuKy
    ap: list[Text] = Field(min_length=1, description="Its ấp or khu phố")
    to_cnsc: int = Field(ge=0, description="Tổ công nghệ số cộng đồng")
    giao: Giao
    ghi_de: dict[str, Any] = Field(default_factory=dict, description="Overlay on the unit's plan data")

    @field_validator("ten")
    @classmethod
    def _has_slug(cls, value: str) -> str:
        if not slug(value):
            raise ValueError(f"tên {value!r} không cho ra được tên thư mục (cần có chữ hoặc số)")
        return value

    @property
    def slug(self) -> str:
        return slug(self.ten)

    def facts(self) -> dict[str, tuple[int | str, DataPath]]:
        """bien values of the unit, each with the field (in the unit's entry) it comes from."""
        ward = self.loai == "phuong"
        return {
            "ten": (self.ten, ("ten",)),
            "ten_day_du": (self.ten_day_du, ("ten_day_du",)),
            "cap": ("phường" if ward else "xã", ("loai",)),
            "ap_goi": ("khu phố" if ward else "ấp", ("loai",)),
            "ds_ap": (", ".join(self.ap), ("ap",)),
            "so_ap": (len(self.ap), ("ap",)),
            "to_cnsc": (self.to_cnsc, ("to_cnsc",)),
            **{name: (value, ("giao", name)) for name, value in self.giao.model_dump().items()},
        }


class DoiChieu(Strict):
    """A reconciliation line: the units' figures must add up to the town plan's."""

    ten: Text
    don_vi: Reference = Field(description="In each unit's plan: id.so_luong, nguon.tong, bien.name")
    thi_xa: Reference = Field(description="In the town plan")


class UnitsFile(Strict):
    """The top level of a units file; each unit is validated on its own."""

    ke_hoach: Text = Field(description="The ward-level plan skeleton, relative to the units file")
    doi_chieu: list[DoiChieu] = Field(default_factory=list)
    don_vi: list[Any] = Field(min_length=1)


def slug(name: str) -> str:
    """ASCII folder name: "Phường 1" → "phuong-1", "xã Bình Hiệp" → "xa-binh-hiep"."""
    text = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def overlay(base: dict, changes: dict, on_replace: Callable[[DataPath], None] | None = None, path: DataPath = ()) -> dict:
    """`base` with `changes` laid over it; `base` itself is not modified.

    Mappings merge key by key, recursively; any other value (a list, text, a number, null) replaces
    what was there whole: a list is never merged item by item. `on_replace` is told each path replaced.
    """
    merged = dict(base)
    for key, value in changes.items():
        here = (*path, key)
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = overlay(merged[key], value, on_replace, here)
        else:
            merged[key] = value
            if on_replace:
                on_replace(here)
    return merged


# --- reading the units file --------------------------------------------------------------------

@dataclass(frozen=True)
class Unit:
    """A unit entry of the units file: `don_vi` is None when its data is invalid."""

    index: int
    ten: str
    slug: str
    don_vi: DonVi | None


@dataclass
class Units:
    """A loaded units file with its skeleton; units with invalid data carry their problems."""

    source: Path
    positions: Positions
    doi_chieu: list[DoiChieu]
    units: list[Unit]
    problems: dict[int, PlanError]
    skeleton: LoadedPlan
    skeleton_data: dict

    def problem(self, message: str, path: DataPath) -> Problem:
        """A problem located at `path` of the units file."""
        return Problem(message, path, self.source, *position(self.positions, path))

    @cached_property
    def skeleton_parts(self) -> dict[int, tuple[object, object]]:
        """Each mapping and list of `skeleton_data` with no {=bien.name} in the text under it, by id
        (found again as this very object): the part, and what it validated to in the skeleton's plan
        (a model), or else the part itself."""
        parts: dict[int, tuple[object, object]] = {}
        _parts_without_bien(self.skeleton_data, self.skeleton.plan, parts)
        return parts


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


def _fast_load(text: str, path: Path) -> object:
    """Plain data through libyaml (ruamel.yaml.clib) — a units file may list hundreds of units;
    on a syntax error the round-trip parser gives the located message."""
    try:
        return _libyaml_load(text)
    except YAMLError:
        parse_yaml(text, path, max_nodes=UNITS_MAX_NODES)
        raise


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
    lines = text[keys[0].end():].split("\n")[1:]
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
    texts = ["don_vi:\n" + "\n".join(line for item in items[i:i + size] for line in item) + "\n" for i in range(0, len(items), size)]
    return text[:keys[0].start()] + "don_vi: []\n" + "\n".join(lines[end:]), texts


def read_items(part: str) -> list | None:
    """The items of a part of a don_vi list (`split_items`) as plain data; None if it does not read as one."""
    try:
        data = _libyaml_load(part)
    except YAMLError:
        return None
    items = data.get("don_vi") if isinstance(data, dict) and len(data) == 1 else None
    return to_plain(items)[0] if isinstance(items, list) else None


def _read(text: str, path: Path, reader: ItemsReader | None, parts: int) -> tuple[dict, Iterable[list | None] | None]:
    """The units file as plain data, and its don_vi list's parts as `reader` gives them where the
    list splits (the data's don_vi is then empty), else None."""
    split = split_items(text, parts) if reader is not None else None
    if split is not None:
        head, texts = split
        pending = reader(texts)
        try:
            data = to_plain(_libyaml_load(head), path)[0]
        except YAMLError:
            data = None
        if isinstance(data, dict) and data.get("don_vi") == []:
            return data, pending
    return to_plain(_fast_load(text, path), path)[0], None


class _Unread(Exception):
    """A part of the don_vi list did not read as it does in the whole file."""


def _items(parts: Iterable[list | None]) -> Iterator[object]:
    """The don_vi entries, part by part as the parts are read; _Unread at a part that was not."""
    for part in parts:
        if part is None:
            raise _Unread
        yield from part


class _Positions(Mapping):
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


def load_units(path: str | Path, reader: ItemsReader | None = None, parts: int = 8,
               meanwhile: Callable[[LoadedPlan], None] | None = None) -> Units:
    """Read a units file and its skeleton; PlanError if either cannot be used at all.

    With `reader` (e.g. `read_items` mapped over worker processes) a long don_vi list is read in
    `parts` parts, side by side, while the rest of the file and the skeleton are read here, and
    its units are checked as the parts come in; the data is the same. `meanwhile`, if given, is
    called with the skeleton before the units are (e.g. to prepare the templates).
    """
    path = Path(path)
    text = read_text(path)
    data, pending = _read(text, path, reader, parts)
    positions = _Positions(text, path)
    # while the don_vi list is read elsewhere, the rest of the file is checked with a stand-in for it
    head = _head({**data, "don_vi": [None]} if pending else data, path, positions)
    skeleton_path = path.parent / head.ke_hoach
    try:
        skeleton_raw = parse_yaml(read_text(skeleton_path), skeleton_path)
    except PlanError as exc:  # a file that cannot be read is reported where the units file names it
        where = position(positions, ("ke_hoach",))
        raise PlanError([
            p if p.line is not None else Problem(f"khung kế hoạch {head.ke_hoach!r}: {p.message}", ("ke_hoach",), path, *where)
            for p in exc.problems
        ]) from None
    skeleton_data, skeleton_positions, skeleton_warnings = to_plain(skeleton_raw, skeleton_path)
    skeleton = validate_plain(skeleton_data, skeleton_positions, skeleton_warnings, skeleton_path)
    if meanwhile:
        meanwhile(skeleton)
    try:
        units, problems = _units(_items(pending) if pending else head.don_vi, path, positions)
    except _Unread:  # a part did not read as part of the whole: the whole file, whose errors are located
        head = _head(to_plain(_fast_load(text, path), path)[0], path, positions)
        units, problems = _units(head.don_vi, path, positions)
    return Units(path, positions, head.doi_chieu, units, problems, skeleton, skeleton_data)


def _head(data: object, path: Path, positions: Positions) -> UnitsFile:
    try:
        return UnitsFile.model_validate(data)
    except ValidationError as exc:
        raise PlanError([_problem(err, data, path, positions, UnitsFile) for err in exc.errors()]) from None


def _units(entries: Iterable[object], path: Path, positions: Positions) -> tuple[list[Unit], dict[int, PlanError]]:
    """Each entry of don_vi as a unit; those with invalid data (or a folder name taken) with their problems."""
    units, problems, seen = [], {}, {}
    for index, entry in enumerate(entries):
        base = ("don_vi", index)
        name = entry.get("ten") if isinstance(entry, dict) and isinstance(entry.get("ten"), str) else f"đơn vị thứ {index + 1}"
        try:
            don_vi = DonVi.model_validate(entry)
        except ValidationError as exc:
            units.append(Unit(index, name, slug(name) or f"don-vi-{index + 1}", None))
            problems[index] = PlanError([_problem(err, entry, path, positions, DonVi, base) for err in exc.errors()])
            continue
        if don_vi.slug in seen:
            units.append(Unit(index, name, f"{don_vi.slug}-{index + 1}", None))
            message = f"trùng tên thư mục {don_vi.slug!r} với đơn vị thứ {seen[don_vi.slug] + 1}; mỗi đơn vị một tên"
            problems[index] = PlanError([Problem(message, (*base, "ten"), path, *position(positions, (*base, "ten")))])
            continue
        seen[don_vi.slug] = index
        units.append(Unit(index, don_vi.ten, don_vi.slug, don_vi))
    return units, problems


def _problem(err: dict, data: object, source: Path, positions: Positions, model: type[BaseModel], base: DataPath = ()) -> Problem:
    """A pydantic error of the units file in Vietnamese (the loader's wording), located."""
    problem = translate(err, data, source, model)
    path = (*base, *problem.path)
    return Problem(problem.message, path, source, *position(positions, path))


# --- a unit's plan -----------------------------------------------------------------------------

@dataclass
class _Origins:
    """Where each part of a unit's plan data came from, to locate problems: the skeleton, unless a
    path (or an ancestor) was replaced from the units file or the town plan."""

    skeleton: LoadedPlan
    replaced: dict[DataPath, tuple[Path | None, DataPath, Positions]] = field(default_factory=dict)
    #: Mappings an overlay merged into (not replaced): a problem of the mapping itself points there.
    merged: dict[DataPath, tuple[Path | None, DataPath, Positions]] = field(default_factory=dict)

    def replace(self, path: DataPath, source: Path | None, source_path: DataPath, positions: Positions) -> None:
        self.replaced.pop(path, None)  # `replaced` keeps the order of replacement
        self.replaced[path] = (source, source_path, positions)

    def problem(self, message: str, path: DataPath) -> Problem:
        # the part of `path` replaced last: it replaced any part under it replaced before
        replaced = [key for key in self.replaced if key == path[: len(key)]]
        if replaced:
            source, base, positions = self.replaced[replaced[-1]]
            where = (*base, *path[len(replaced[-1]):])
            return Problem(message, where, source, *position(positions, where))
        if path in self.merged:
            source, where, positions = self.merged[path]
            return Problem(message, where, source, *position(positions, where))
        return Problem(message, path, self.skeleton.source, *position(self.skeleton.positions, path))


@dataclass
class UnitPlan(LoadedPlan):
    """A unit's validated plan; its problems are located through `origins`."""

    unit: Unit | None = None
    origins: _Origins | None = None

    def problem(self, message: str, path: DataPath) -> Problem:
        return self.origins.problem(message, path)


def town_facts(town: LoadedPlan) -> dict[str, tuple[int | str, DataPath]]:
    """bien values the ward plans take from the town plan: who issued it, its number, date and subject
    (number and day as "…" while the town plan is a draft)."""
    plan: Plan = town.plan
    v = plan.van_ban
    number = document_number(v.so) if v.so is not None else "…"
    day = format_date_short(date(v.nam, v.thang, v.ngay)) if v.ngay is not None else "…"
    return {
        "thi_xa": (plan.co_quan.ten_day_du, ("co_quan", "ten_day_du")),
        "kh_thi_xa_so": (number, ("van_ban", "so")),
        "kh_thi_xa_ky_hieu": (f"{LOAI_VAN_BAN[v.loai][2]}-{plan.co_quan.viet_tat}", ("co_quan", "viet_tat")),
        "kh_thi_xa_ngay": (day, ("van_ban", "ngay")),
        "kh_thi_xa_trich_yeu": (v.trich_yeu[:1].lower() + v.trich_yeu[1:], ("van_ban", "trich_yeu")),
    }


def unit_plan(town: LoadedPlan, units: Units, unit: Unit) -> UnitPlan:
    """The validated plan of one unit; PlanError (located) if its data is invalid.

    Its data is built of what the loader made plain and clean (the skeleton's, the units file's and
    the town plan's data), so it is validated as it is; text made here (facts joined or lower-cased,
    text with values filled in) is made NFC again.
    """
    if unit.don_vi is None:
        raise units.problems[unit.index]
    don_vi, base = unit.don_vi, ("don_vi", unit.index)
    origins = _Origins(units.skeleton)
    data = dict(units.skeleton_data)
    for plan_path, name in UNIT_FIELDS.items():
        value = getattr(don_vi, name)
        data = overlay(data, _nested(plan_path, value.model_dump(exclude_none=True) if isinstance(value, BaseModel) else value))
        origins.replace(plan_path, units.source, (*base, name), units.positions)
    data["bien"] = {}
    origins.replace(("bien",), units.source, base, units.positions)
    for facts, source, source_base, positions in (
        (town_facts(town), town.source, (), town.positions),
        (don_vi.facts(), units.source, base, units.positions),
    ):
        for name, (value, where) in facts.items():
            data["bien"][name] = unicodedata.normalize("NFC", value) if isinstance(value, str) else value
            origins.replace(("bien", name), source, (*source_base, *where), positions)
    data = overlay(data, don_vi.ghi_de, lambda path: origins.replace(path, units.source, (*base, "ghi_de", *path), units.positions))
    origins.merged = {path: (units.source, (*base, "ghi_de", *path), units.positions) for path in _mappings(don_vi.ghi_de)}
    data = _fill_bien(data, origins, units.skeleton_parts)
    try:
        plan = validate_plain(data, {}, []).plan
    except PlanError as exc:
        raise PlanError([origins.problem(p.message, p.path) for p in exc.problems]) from None
    return UnitPlan(plan, units.source, {}, [], unit, origins)


def unit_plans(town: LoadedPlan, units: Units) -> list[tuple[Unit, UnitPlan | PlanError]]:
    """Every unit's plan, or the problems that keep it from being built (the others still are)."""
    out: list[tuple[Unit, UnitPlan | PlanError]] = []
    for unit in units.units:
        try:
            out.append((unit, unit_plan(town, units, unit)))
        except PlanError as exc:
            out.append((unit, exc))
    return out


def _mappings(data: dict, path: DataPath = ()) -> Iterator[DataPath]:
    """The path of every mapping inside `data` (the overlay's groups of keys)."""
    for key, value in data.items():
        if isinstance(value, dict):
            yield (*path, key)
            yield from _mappings(value, (*path, key))


def _nested(path: DataPath, value: object) -> dict:
    for key in reversed(path):
        value = {key: value}
    return value


def _fill_bien(data: dict, origins: _Origins, skeleton_parts: dict[int, tuple[object, object]]) -> dict:
    """Every {=bien.name} in the plan's text replaced by its value, by plain look-up; the text
    filled is NFC again (a value may begin with a combining mark).

    A part of the skeleton's data with nothing to fill in (the data holds such parts themselves:
    `overlay` copies only what it changes) is given as the skeleton's plan has it: validation takes
    a model as it is, and this one was validated from that very part.

    Plain names need no expression compiler, and this reaches text compute does not read (the
    trích yếu, Nơi nhận); expressions ({=bien.a + bien.b}) and counts (=bien.name) are left to compute.
    """
    bien = data.get("bien") if isinstance(data.get("bien"), dict) else {}
    shown: dict[str, str] = {}  # each value as text, made where first filled in
    problems: list[Problem] = []

    def fill(node: object, path: DataPath) -> object:
        if isinstance(node, str):
            return fill_text(node, path) if "{=bien." in node else node
        known = skeleton_parts.get(id(node))
        if known and known[0] is node:
            return known[1]
        if isinstance(node, dict):
            return {key: fill(value, (*path, key)) for key, value in node.items()}
        if isinstance(node, list):
            return [fill(item, (*path, index)) for index, item in enumerate(node)]
        return node

    def fill_text(text: str, path: DataPath) -> str:
        parts = list(_bien_split(text))
        for i in range(1, len(parts), 2):
            name = parts[i]
            if name in bien:
                if name not in shown:
                    found = bien[name]
                    shown[name] = format_number(found) if isinstance(found, int) and not isinstance(found, bool) else str(found)
                parts[i] = shown[name]
                continue
            parts[i] = f"{{=bien.{name}}}"
            close = difflib.get_close_matches(name, list(bien), n=1)
            hint = f"có phải ý bạn là {close[0]!r}?" if close else f"các tên có thể dùng: {', '.join(sorted(bien))}"
            problems.append(origins.problem(f"tham chiếu {parts[i]!r} không tồn tại; {hint}", path))
        return unicodedata.normalize("NFC", "".join(parts))

    filled = {key: value if key == "bien" else fill(value, (key,)) for key, value in data.items()}
    if problems:
        raise PlanError(problems)
    return filled


def _parts_without_bien(node: object, validated: object, parts: dict[int, tuple[object, object]]) -> bool:
    """Whether `node` (plain data validated to `validated`) has no {=bien.name} in its text; each
    mapping and list in it without one goes in `parts` by id, with its model where it has one."""
    if isinstance(node, str):
        return "{=bien." not in node
    if isinstance(node, dict):
        model = validated if isinstance(validated, BaseModel) else None
        below = [(value, getattr(model, key, None)) for key, value in node.items()]
    elif isinstance(node, list):
        items = validated if isinstance(validated, list) else []
        below = [(item, items[index] if index < len(items) else None) for index, item in enumerate(node)]
    else:
        return True
    if all([_parts_without_bien(value, model, parts) for value, model in below]):
        parts[id(node)] = (node, validated if isinstance(validated, BaseModel) else node)
        return True
    return False


@lru_cache(maxsize=4096)
def _bien_split(text: str) -> tuple[str, ...]:
    """`text` split around its {=bien.name}: text, name, text, …, name, text (every unit has the skeleton's text)."""
    return tuple(BIEN_REFERENCE.split(text))
