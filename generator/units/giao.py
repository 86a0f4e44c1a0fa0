"""The assignments (giao) a ward skeleton declares: what each unit of a units file is given.

A skeleton lists them under a top-level ``giao:`` key (taken out before the skeleton is validated
as a plan), each a name with its kind and, optionally, a default and a description::

    giao:
      bang_ron: {kieu: so, mo_ta: "băng rôn 0,5m x 5,0m (tấm)"}
      thi_sinh: {kieu: so, mac_dinh: 0}
      dia_diem: {kieu: chu, mac_dinh: "Hội trường"}
      doan_vien: so                      # the kind alone

Kinds: ``so`` a whole number ≥ 0, ``chu`` text. A unit must give every assignment without a
default and no other; each becomes ``bien.<name>`` in the unit's plan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import Field, create_model

from generator.errors import DataPath, PlanError, Problem
from generator.model.loader import position
from generator.model.schema import Strict, Text

KINDS = {"so": "số nguyên ≥ 0", "chu": "chữ"}
NAME = re.compile(r"^[a-z][a-z0-9_]*$")
#: bien names the units file fills itself: an assignment may not take one.
RESERVED = {"ten", "ten_day_du", "cap", "ap_goi", "ds_ap", "so_ap", "to_cnsc", "ma"}


@dataclass(frozen=True)
class Assignment:
    name: str
    kind: str
    default: int | str | None
    description: str


def read_declaration(raw: object, source: Path, positions: dict[DataPath, tuple[int, int]]) -> list[Assignment]:
    """The skeleton's ``giao:`` (plain data) as assignments; PlanError (located) if it is not well formed."""
    if raw is None:
        return []
    problems: list[Problem] = []

    def problem(message: str, path: DataPath) -> None:
        problems.append(Problem(message, path, source, *position(positions, path)))

    if not isinstance(raw, dict):
        problem("giao: phải là một nhóm tên: kiểu (ví dụ bang_ron: {kieu: so})", ("giao",))
        raise PlanError(problems)
    out = []
    for name, spec in raw.items():
        where = ("giao", name)
        spec = {"kieu": spec} if isinstance(spec, str) else spec
        if not NAME.match(name) or name in RESERVED:
            problem(
                f"tên {name!r} không dùng được: chỉ chữ thường không dấu, số và '_', không trùng "
                f"{', '.join(sorted(RESERVED))}",
                where,
            )
            continue
        if not isinstance(spec, dict) or spec.get("kieu") not in KINDS or set(spec) - {"kieu", "mac_dinh", "mo_ta"}:
            problem("cần {kieu: so} hoặc {kieu: chu}, có thể thêm mac_dinh: và mo_ta:", where)
            continue
        default = spec.get("mac_dinh")
        wrong_number = spec["kieu"] == "so" and (
            not isinstance(default, int) or isinstance(default, bool) or default < 0
        )
        if default is not None and (wrong_number or spec["kieu"] == "chu" and not isinstance(default, str)):
            problem(f"mac_dinh phải là {KINDS[spec['kieu']]}, thấy {default!r}", (*where, "mac_dinh"))
            continue
        out.append(Assignment(name, spec["kieu"], default, str(spec.get("mo_ta") or "")))
    if problems:
        raise PlanError(problems)
    return out


def giao_model(assignments: list[Assignment]) -> type[Strict]:
    """The pydantic model of a unit's ``giao:`` for these assignments."""
    fields: dict[str, Any] = {}
    for a in assignments:
        kind = int if a.kind == "so" else Text
        extra = {"ge": 0} if a.kind == "so" else {}
        default = ... if a.default is None else a.default
        fields[a.name] = (kind, Field(default, description=a.description or None, **extra))
    return create_model("Giao", __base__=Strict, **fields)
