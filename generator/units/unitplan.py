"""A unit's plan: the ward skeleton with the unit's facts, the higher plan's and the unit's overlay.

A unit's plan data is built in three layers:

1. the skeleton;
2. the unit's facts: co_quan.ten, co_quan.ten_day_du, van_ban.dia_danh and ky (if the unit gives
   one) are replaced by the unit's; ``bien`` is replaced by the unit's facts, its assignments
   (``giao:``) and the higher plan's facts (its body, number, date, …), which text inserts as
   ``{=bien.name}`` and counts use as ``=bien.name``;
3. the unit's ``ghi_de:`` overlay (see `overlay`).

``{=bien.name}`` is filled here, in all the plan's text (the trích yếu and Nơi nhận too), by plain
look-up; compute evaluates the other references. Every problem is located in the file its value
came from: the skeleton, the units file or the higher plan.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel

from generator.errors import DataPath, PlanError, Problem
from generator.model.loader import LoadedPlan, position, validate_plain
from generator.model.schema import LOAI_VAN_BAN, Plan
from generator.render.renderer import document_number
from generator.units.unitsfile import HIGHER_FACTS, Positions, Unit, Units
from generator.vi import format_date_short, format_number

BIEN_REFERENCE = re.compile(r"\{=bien\.([a-z][a-z0-9_]*)\}")
#: Plan fields a unit's own fields replace: plan path → field of the unit.
UNIT_FIELDS = {
    ("co_quan", "ten"): "tieu_de",
    ("co_quan", "ten_day_du"): "ten_day_du",
    ("van_ban", "dia_danh"): "dia_danh",
    ("ky",): "ky",
}


def overlay(
    base: dict, changes: dict, on_replace: Callable[[DataPath], None] | None = None, path: DataPath = ()
) -> dict:
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


@dataclass
class _Origins:
    """Where each part of a unit's plan data came from, to locate problems: the skeleton, unless a
    path (or an ancestor) was replaced from the units file or the higher plan."""

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
            where = (*base, *path[len(replaced[-1]) :])
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


def higher_facts(town: LoadedPlan) -> dict[str, tuple[int | str, DataPath]]:
    """bien values the ward plans take from the higher plan (a province's, or a town's): who issued
    it, its number, date and subject (number and day as "…" while it is a draft)."""
    plan: Plan = town.plan
    v = plan.van_ban
    number = document_number(v.so) if v.so is not None else "…"
    day = format_date_short(date(v.nam, v.thang, v.ngay)) if v.ngay is not None else "…"
    values = (
        (plan.co_quan.ten_day_du, ("co_quan", "ten_day_du")),
        (number, ("van_ban", "so")),
        (f"{LOAI_VAN_BAN[v.loai][2]}-{plan.co_quan.viet_tat}", ("co_quan", "viet_tat")),
        (day, ("van_ban", "ngay")),
        (v.trich_yeu[:1].lower() + v.trich_yeu[1:], ("van_ban", "trich_yeu")),
    )
    return dict(zip(HIGHER_FACTS, values))


def unit_plan(town: LoadedPlan, units: Units, unit: Unit) -> UnitPlan:
    """The validated plan of one unit; PlanError (located) if its data is invalid.

    Its data is built of what the loader made plain and clean (the skeleton's, the units file's and
    the higher plan's data), so it is validated as it is; text made here (facts joined or lower-cased,
    text with values filled in) is made NFC again.
    """
    if unit.don_vi is None:
        raise units.problems[unit.index]
    don_vi, base = unit.don_vi, ("don_vi", unit.index)
    origins = _Origins(units.skeleton)
    data = dict(units.skeleton_data)
    for plan_path, name in UNIT_FIELDS.items():
        value = getattr(don_vi, name)
        if value is None:  # no signer of its own: the skeleton's
            continue
        data = overlay(
            data, _nested(plan_path, value.model_dump(exclude_none=True) if isinstance(value, BaseModel) else value)
        )
        origins.replace(plan_path, units.source, (*base, name), units.positions)
    data["bien"] = {}
    origins.replace(("bien",), units.source, base, units.positions)
    for facts, source, source_base, positions in (
        (higher_facts(town), town.source, (), town.positions),
        (don_vi.facts(), units.source, base, units.positions),
    ):
        for name, (value, where) in facts.items():
            data["bien"][name] = unicodedata.normalize("NFC", value) if isinstance(value, str) else value
            origins.replace(("bien", name), source, (*source_base, *where), positions)
    data = overlay(
        data, don_vi.ghi_de, lambda path: origins.replace(path, units.source, (*base, "ghi_de", *path), units.positions)
    )
    origins.merged = {
        path: (units.source, (*base, "ghi_de", *path), units.positions) for path in _mappings(don_vi.ghi_de)
    }
    data = _fill_bien(data, origins, skeleton_parts(units))
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
                    shown[name] = (
                        format_number(found) if isinstance(found, int) and not isinstance(found, bool) else str(found)
                    )
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


def skeleton_parts(units: Units) -> dict[int, tuple[object, object]]:
    """Each mapping and list of the skeleton's data with no {=bien.name} in the text under it, by id
    (found again as this very object): the part, and what it validated to in the skeleton's plan
    (a model), or else the part itself. Worked out once per units file."""
    if "parts" not in units.cache:
        parts: dict[int, tuple[object, object]] = {}
        _parts_without_bien(units.skeleton_data, units.skeleton.plan, parts)
        units.cache["parts"] = parts
    return units.cache["parts"]
