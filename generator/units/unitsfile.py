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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
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
from generator.units.unitsyaml import (
    ItemsReader,
    LazyPositions,
    Unread,
    fast_load,
    items_of,
    read_units_text,
)

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
    ma: typing.Annotated[str, StringConstraints(pattern=r"^[0-9]{5}$")] | None = Field(
        default=None, description="Official code"
    )
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
    cap_tren: Reference = Field(
        validation_alias=AliasChoices("cap_tren", "thi_xa"),
        description="In the higher plan (thi_xa: the name of earlier files)",
    )


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
        return f"{text[: MAX_SLUG - 9].rstrip('-')}-{digest}"
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


def load_units(
    path: str | Path,
    reader: ItemsReader | None = None,
    parts: int = 8,
    meanwhile: Callable[[LoadedPlan], None] | None = None,
) -> Units:
    """Read a units file and its skeleton; PlanError if either cannot be used at all.

    With `reader` (e.g. `read_items` mapped over worker processes) a long don_vi list is read in
    `parts` parts, side by side, while the rest of the file and the skeleton are read here, and
    its units are checked as the parts come in; the data is the same. `meanwhile`, if given, is
    called with the skeleton before the units are (e.g. to prepare the templates).
    """
    path = Path(path)
    text = read_text(path)
    data, pending = read_units_text(text, path, reader, parts)
    positions = LazyPositions(text, path)
    # while the don_vi list is read elsewhere, the rest of the file is checked with a stand-in for it
    head = _head({**data, "don_vi": [None]} if pending else data, path, positions)
    skeleton_path = path.parent / head.ke_hoach
    try:
        skeleton_raw = parse_yaml(read_text(skeleton_path), skeleton_path)
    except PlanError as exc:  # a file that cannot be read is reported where the units file names it
        where = position(positions, ("ke_hoach",))
        raise PlanError(
            [
                p
                if p.line is not None
                else Problem(f"khung kế hoạch {head.ke_hoach!r}: {p.message}", ("ke_hoach",), path, *where)
                for p in exc.problems
            ]
        ) from None
    skeleton_data, skeleton_positions, skeleton_warnings = to_plain(skeleton_raw, skeleton_path)
    declared = skeleton_data.pop("giao", None) if isinstance(skeleton_data, dict) else None
    assignments = read_declaration(declared, skeleton_path, skeleton_positions)
    lines = skeleton_data.pop("doi_chieu", None) if isinstance(skeleton_data, dict) else None
    doi_chieu, doi_chieu_from = head.doi_chieu, None
    if lines is not None and "doi_chieu" not in data:  # the skeleton's lines, where the units file has none
        doi_chieu = _head(
            {"ke_hoach": "-", "doi_chieu": lines, "don_vi": [None]}, skeleton_path, skeleton_positions
        ).doi_chieu
        doi_chieu_from = (skeleton_path, skeleton_positions)
    skeleton = validate_plain(skeleton_data, skeleton_positions, skeleton_warnings, skeleton_path)
    used = _bien_used(skeleton_data, assignments, skeleton)
    model = unit_model(assignments, set(used))
    if meanwhile:
        meanwhile(skeleton)
    try:
        units, problems = _units(items_of(pending) if pending else head.don_vi, path, positions, model, skeleton_path)
    except Unread:  # a part did not read as part of the whole: the whole file, whose errors are located
        head = _head(to_plain(fast_load(text, path), path)[0], path, positions)
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
        raise PlanError(
            [
                Problem(
                    f"khung dùng bien.{name} mà không có giá trị nào tên đó; nếu là phần giao cho đơn vị, hãy khai báo "
                    f"trong giao: của khung; các tên có thể dùng: {hint}",
                    used[name],
                    skeleton.source,
                    *position(skeleton.positions, used[name]),
                )
                for name in unknown
            ]
        )
    return used


def _head(data: object, path: Path, positions: Positions) -> UnitsFile:
    try:
        return UnitsFile.model_validate(data)
    except ValidationError as exc:
        raise PlanError([_problem(err, data, path, positions, UnitsFile) for err in exc.errors()]) from None


def _units(
    entries: Iterable[object], path: Path, positions: Positions, model: type[DonVi], skeleton: Path
) -> tuple[list[Unit], dict[int, PlanError]]:
    """Each entry of don_vi as a unit; those with invalid data (or a folder name taken) with their
    problems. PlanError if any unit misses or misnames an assignment of the skeleton: the file
    does not fit its skeleton, and no unit is built."""
    units, problems, seen, misfit = [], {}, {}, []
    for index, entry in enumerate(entries):
        base = ("don_vi", index)
        name = (
            entry.get("ten")
            if isinstance(entry, dict) and isinstance(entry.get("ten"), str)
            else f"đơn vị thứ {index + 1}"
        )
        try:
            # kept as the plain DonVi (its giao a dict): a model made at run time does not pickle
            checked = model.model_validate(entry)
            don_vi = DonVi.model_construct(**{**dict(checked), "giao": checked.giao.model_dump()})
        except ValidationError as exc:
            units.append(Unit(index, name, slug(name) or f"don-vi-{index + 1}", None))
            found = [_problem(err, entry, path, positions, model, base) for err in exc.errors()]
            misfit += [
                Problem(
                    f"{name}: {p.message.split('; các khóa hợp lệ')[0]} (khung {skeleton.name} khai báo giao: {_declared(model)})",
                    *_at(p),
                )
                for err, p in zip(exc.errors(), found)
                if _is_misfit(err)
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


def _problem(
    err: dict, data: object, source: Path, positions: Positions, model: type[BaseModel], base: DataPath = ()
) -> Problem:
    """A pydantic error of the units file in Vietnamese (the loader's wording), located."""
    problem = translate(err, data, source, model)
    message = problem.message
    if err["type"] == "literal_error" and problem.path[-1:] == ("loai",):
        choices = ", ".join(f"{kind} ({word})" for kind, (word, _) in KINDS.items())
        message = f"loại đơn vị {err.get('input')!r} không hợp lệ; chỉ nhận: {choices}"
    elif err["type"] == "string_pattern_mismatch" and problem.path[-1:] == ("ma",):
        message = (
            f'mã đơn vị hành chính gồm đúng 5 chữ số (ghi trong ngoặc kép, ví dụ "27787"), thấy {err.get("input")!r}'
        )
    path = (*base, *problem.path)
    return Problem(message, path, source, *position(positions, path))
