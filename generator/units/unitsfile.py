"""Reading a units file: the units (xã, phường, đặc khu) a higher plan goes to, and the ward
skeleton their plans are made from (see generator.units.unitplan for a unit's plan).

A units file points to the skeleton (a complete plan, same schema as any plan, with a ``giao:``
declaration of what each unit is assigned: generator.units.giao) and lists the units. Each unit is
validated on its own (an invalid one is reported and the others still built), except where the
file does not fit its skeleton at all — an assignment missing or misnamed — which stops the batch
before anything is written. Every problem is located (file, line, field).
"""

from __future__ import annotations

import hashlib
import re
import typing
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    Field,
    StringConstraints,
    ValidationError,
    create_model,
    field_validator,
)
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.resolver import VersionedResolver

from generator.errors import DataPath, PlanError, Problem
from generator.model.loader import (
    LoadedPlan,
    parse_yaml,
    position,
    read_text,
    to_plain,
    translate,
    validate_plain,
)
from generator.model.schema import ChuKy, Strict, Text
from generator.units.giao import Assignment, giao_model, read_declaration

Positions = Mapping[DataPath, tuple[int, int]]
Reference = typing.Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")]
#: A bien name anywhere in a skeleton's text: {=bien.name}, =bien.name, {=bien.a + bien.b}.
BIEN_NAME = re.compile(r"\bbien\.([a-z][a-z0-9_]*)")
#: Unit kinds: the value in a units file → the word in running text, and what its parts are called.
KINDS = {"phuong": ("phường", "khu phố"), "xa": ("xã", "ấp"), "dac_khu": ("đặc khu", "khu phố, ấp")}
#: Folder names Windows refuses whatever the extension, and the longest slug (MAX_PATH is 260).
WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
MAX_SLUG = 60


class DonVi(Strict):
    """One xã, phường or đặc khu; its ``giao`` is the model the skeleton declares (`unit_model`)."""

    ten: Text = Field(description="Name in running text: Phường 1, xã Bình Hiệp")
    ma: typing.Annotated[str, StringConstraints(pattern=r"^[0-9]{5}$")] | None = Field(default=None, description="Official code")
    loai: Literal["phuong", "xa", "dac_khu"]
    tieu_de: list[Text] = Field(min_length=1, description="Header lines: ỦY BAN NHÂN DÂN / PHƯỜNG 1")
    ten_day_du: Text
    dia_danh: Text
    ky: ChuKy | None = Field(default=None, description="The signer; the skeleton's if not given")
    ap: list[Text] | None = Field(default=None, min_length=1, description="Its ấp or khu phố")
    to_cnsc: int | None = Field(default=None, ge=0, description="Tổ công nghệ số cộng đồng")
    giao: Any = Field(default=None, description="Assignments, as the skeleton declares them (`unit_model`)")
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
        word, parts = KINDS[self.loai]
        facts: dict[str, tuple[int | str, DataPath]] = {
            "ten": (self.ten, ("ten",)),
            "ten_day_du": (self.ten_day_du, ("ten_day_du",)),
            "cap": (word, ("loai",)),
            "ap_goi": (parts, ("loai",)),
        }
        if self.ma is not None:
            facts["ma"] = (self.ma, ("ma",))
        if self.ap is not None:
            facts.update(ds_ap=(", ".join(self.ap), ("ap",)), so_ap=(len(self.ap), ("ap",)))
        if self.to_cnsc is not None:
            facts["to_cnsc"] = (self.to_cnsc, ("to_cnsc",))
        given = self.giao if isinstance(self.giao, dict) else {}
        facts.update((name, (value, ("giao", name))) for name, value in given.items())
        return facts


#: Unit fields a skeleton makes required by using the bien values they give.
_FIELD_OF_FACT = {"ds_ap": "ap", "so_ap": "ap", "to_cnsc": "to_cnsc", "ma": "ma"}


def unit_model(assignments: list[Assignment], used: set[str]) -> type[DonVi]:
    """DonVi with ``giao`` as the skeleton declares it, and the unit fields its text uses required."""
    model = giao_model(assignments)
    required = any(a.default is None for a in assignments)
    fields: dict[str, Any] = {"giao": (model, Field(... if required else model()))}
    for fact, name in _FIELD_OF_FACT.items():
        if fact in used:
            fields[name] = (DonVi.model_fields[name].annotation, Field(..., **_constraints(name)))
    return create_model("DonVi", __base__=DonVi, **fields)


def _constraints(name: str) -> dict:
    return {"ap": {"min_length": 1}, "to_cnsc": {"ge": 0}}.get(name, {})


class DoiChieu(Strict):
    """A reconciliation line: the units' figures must add up to the higher plan's."""

    ten: Text
    don_vi: Reference = Field(description="In each unit's plan: id.so_luong, nguon.tong, bien.name")
    cap_tren: Reference = Field(validation_alias=AliasChoices("cap_tren", "thi_xa"),
                                description="In the higher plan (thi_xa: the name of earlier files)")


class UnitsFile(Strict):
    """The top level of a units file; each unit is validated on its own."""

    ke_hoach: Text = Field(description="The ward-level plan skeleton, relative to the units file")
    doi_chieu: list[DoiChieu] = Field(default_factory=list)
    don_vi: list[Any] = Field(min_length=1)


def slug(name: str) -> str:
    """ASCII folder name Windows opens: "Phường 1" → "phuong-1", "xã Bình Hiệp" → "xa-binh-hiep";
    a reserved device name gets "-dv" ("con" → "con-dv"); a long one is cut to MAX_SLUG with a
    short hash of the whole (names that differ keep different folders)."""
    text = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if text in WINDOWS_RESERVED:
        return f"{text}-dv"
    if len(text) > MAX_SLUG:
        digest = hashlib.sha1(text.encode("ascii")).hexdigest()[:8]
        return f"{text[:MAX_SLUG - 9].rstrip('-')}-{digest}"
    return text


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
    assignments: list[Assignment] = field(default_factory=list)
    #: Where doi_chieu comes from: the units file, or the skeleton when the units file has none.
    doi_chieu_from: tuple[Path, Positions] | None = None
    #: What unitplan works out once per file (the skeleton's parts without bien).
    cache: dict = field(default_factory=dict, repr=False)

    def problem(self, message: str, path: DataPath) -> Problem:
        """A problem located at `path` of the units file."""
        return Problem(message, path, self.source, *position(self.positions, path))

    def doi_chieu_problem(self, message: str, k: int, key: str) -> Problem:
        """A problem of reconciliation line `k` (its `key`: don_vi or cap_tren), in the file it comes from."""
        source, positions = self.doi_chieu_from or (self.source, self.positions)
        if key == "cap_tren" and ("doi_chieu", k, "thi_xa") in positions:
            key = "thi_xa"  # the name of earlier files
        path = ("doi_chieu", k, key)
        return Problem(message, path, source, *position(positions, path))

    @property
    def kinds(self) -> list[str]:
        """The kinds of unit in the file, as words in running text: ["xã", "phường"]."""
        present = {u.don_vi.loai for u in self.units if u.don_vi is not None}
        return [KINDS[kind][0] for kind in ("xa", "phuong", "dac_khu") if kind in present] or ["xã", "phường"]


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
    """Plain data through libyaml (ruamel.yaml.clib) — a units file may list thousands of units;
    on an error the round-trip parser gives the located message, or else (a YAML tag, which the
    round-trip parser takes and this refuses) the error is located here."""
    try:
        data = _libyaml_load(text)
    except YAMLError as exc:
        parse_yaml(text, path)
        mark = getattr(exc, "problem_mark", None) if isinstance(exc, MarkedYAMLError) else None
        where = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
        tag = re.search(r"tag '([^']*)'", str(exc))
        what = f"thẻ YAML {tag.group(1)!r}" if tag else "một cách viết YAML"
        message = f"tệp đơn vị không dùng {what}: hãy bỏ thẻ (phần bắt đầu bằng '!') và ghi giá trị bình thường"
        raise PlanError([Problem(message, (), path, *where)]) from None
    limit = MAX_NODES_BASE + MAX_NODES_PER_CHAR * len(text)
    if "*" in text and _expanded_size(data, limit) > limit:  # aliases (*name) that multiply: refused before they are copied
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
        return to_plain(parse_yaml(self._text, self._path), self._path)[1]

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
    declared = skeleton_data.pop("giao", None) if isinstance(skeleton_data, dict) else None
    assignments = read_declaration(declared, skeleton_path, skeleton_positions)
    lines = skeleton_data.pop("doi_chieu", None) if isinstance(skeleton_data, dict) else None
    doi_chieu, doi_chieu_from = head.doi_chieu, None
    if lines is not None and "doi_chieu" not in data:  # the skeleton's lines, where the units file has none
        doi_chieu = _head({"ke_hoach": "-", "doi_chieu": lines, "don_vi": [None]}, skeleton_path, skeleton_positions).doi_chieu
        doi_chieu_from = (skeleton_path, skeleton_positions)
    skeleton = validate_plain(skeleton_data, skeleton_positions, skeleton_warnings, skeleton_path)
    used = _bien_used(skeleton_data, assignments, skeleton)
    model = unit_model(assignments, set(used))
    if meanwhile:
        meanwhile(skeleton)
    try:
        units, problems = _units(_items(pending) if pending else head.don_vi, path, positions, model, skeleton_path)
    except _Unread:  # a part did not read as part of the whole: the whole file, whose errors are located
        head = _head(to_plain(_fast_load(text, path), path)[0], path, positions)
        units, problems = _units(head.don_vi, path, positions, model, skeleton_path)
    if len(problems) == len(units):  # no unit can be built: nothing is written
        raise PlanError([p for index in sorted(problems) for p in problems[index].problems])
    return Units(path, positions, doi_chieu, units, problems, skeleton, skeleton_data, assignments, doi_chieu_from)


#: bien values of the higher plan (generator.units.unitplan.higher_facts) and of every unit.
HIGHER_FACTS = ("cap_tren", "kh_cap_tren_so", "kh_cap_tren_ky_hieu", "kh_cap_tren_ngay", "kh_cap_tren_trich_yeu")
UNIT_FACTS = ("ten", "ten_day_du", "cap", "ap_goi", *_FIELD_OF_FACT)


def _bien_used(data: dict, assignments: list[Assignment], skeleton: LoadedPlan) -> dict[str, DataPath]:
    """Every bien name the skeleton's text uses, with where it is first used; PlanError (located
    in the skeleton) for a name nothing gives — before any unit is read."""
    used: dict[str, DataPath] = {}

    def walk(node: object, path: DataPath) -> None:
        if isinstance(node, str):
            if "bien." in node:
                for name in BIEN_NAME.findall(node):
                    used.setdefault(name, path)
        elif isinstance(node, dict):
            for key, value in node.items():
                walk(value, (*path, key))
        elif isinstance(node, list):
            for index, item in enumerate(node):
                walk(item, (*path, index))

    walk({key: value for key, value in data.items() if key != "bien"}, ())
    known = {*HIGHER_FACTS, *UNIT_FACTS, *(a.name for a in assignments), *(data.get("bien") or {})}
    unknown = [name for name in used if name not in known]
    if unknown:
        hint = ", ".join(sorted(known))
        raise PlanError([
            Problem(f"khung dùng bien.{name} mà không có giá trị nào tên đó; nếu là phần giao cho đơn vị, hãy khai báo "
                    f"trong giao: của khung; các tên có thể dùng: {hint}", used[name], skeleton.source,
                    *position(skeleton.positions, used[name]))
            for name in unknown
        ])
    return used


def _head(data: object, path: Path, positions: Positions) -> UnitsFile:
    try:
        return UnitsFile.model_validate(data)
    except ValidationError as exc:
        raise PlanError([_problem(err, data, path, positions, UnitsFile) for err in exc.errors()]) from None


def _units(entries: Iterable[object], path: Path, positions: Positions, model: type[DonVi],
           skeleton: Path) -> tuple[list[Unit], dict[int, PlanError]]:
    """Each entry of don_vi as a unit; those with invalid data (or a folder name taken) with their
    problems. PlanError if any unit misses or misnames an assignment of the skeleton: the file
    does not fit its skeleton, and no unit is built."""
    units, problems, seen, misfit = [], {}, {}, []
    for index, entry in enumerate(entries):
        base = ("don_vi", index)
        name = entry.get("ten") if isinstance(entry, dict) and isinstance(entry.get("ten"), str) else f"đơn vị thứ {index + 1}"
        try:
            # kept as the plain DonVi (its giao a dict): a model made at run time does not pickle
            checked = model.model_validate(entry)
            don_vi = DonVi.model_construct(**{**dict(checked), "giao": checked.giao.model_dump()})
        except ValidationError as exc:
            units.append(Unit(index, name, slug(name) or f"don-vi-{index + 1}", None))
            found = [_problem(err, entry, path, positions, model, base) for err in exc.errors()]
            misfit += [
                Problem(f"{name}: {p.message.split('; các khóa hợp lệ')[0]} (khung {skeleton.name} khai báo giao: {_declared(model)})",
                        *_at(p))
                for err, p in zip(exc.errors(), found) if _is_misfit(err)
            ]
            problems[index] = PlanError(found)
            continue
        folder = don_vi.slug
        if folder in seen and don_vi.ma is not None:  # Xã Tân Thành, Xã Tân Thạnh: the code tells them apart
            folder = f"{folder}-{don_vi.ma}"
        if folder in seen:
            units.append(Unit(index, name, f"{don_vi.slug}-{index + 1}", None))
            message = f"trùng tên thư mục {folder!r} với đơn vị thứ {seen[folder] + 1}; mỗi đơn vị một tên (hoặc ghi ma: để phân biệt)"
            problems[index] = PlanError([Problem(message, (*base, "ten"), path, *position(positions, (*base, "ten")))])
            continue
        seen[folder] = index
        units.append(Unit(index, don_vi.ten, folder, don_vi))
    if misfit:
        raise PlanError(misfit)
    return units, problems


def _is_misfit(err: dict) -> bool:
    """An assignment missing or misnamed (not a wrong value): the unit does not fit the skeleton."""
    loc = err["loc"]
    return bool(loc) and loc[0] == "giao" and err["type"] in ("missing", "extra_forbidden") and len(loc) <= 2


def _declared(model: type[DonVi]) -> str:
    names = list(model.model_fields["giao"].annotation.model_fields)
    return ", ".join(names) if names else "(không có)"


def _at(problem: Problem) -> tuple:
    return problem.path, problem.file, problem.line, problem.column


def _problem(err: dict, data: object, source: Path, positions: Positions, model: type[BaseModel], base: DataPath = ()) -> Problem:
    """A pydantic error of the units file in Vietnamese (the loader's wording), located."""
    problem = translate(err, data, source, model)
    message = problem.message
    if err["type"] == "literal_error" and problem.path[-1:] == ("loai",):
        choices = ", ".join(f"{kind} ({word})" for kind, (word, _) in KINDS.items())
        message = f"loại đơn vị {err.get('input')!r} không hợp lệ; chỉ nhận: {choices}"
    elif err["type"] == "string_pattern_mismatch" and problem.path[-1:] == ("ma",):
        message = f"mã đơn vị hành chính gồm đúng 5 chữ số (ghi trong ngoặc kép, ví dụ \"27787\"), thấy {err.get('input')!r}"
    path = (*base, *problem.path)
    return Problem(message, path, source, *position(positions, path))
