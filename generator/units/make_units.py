"""A units file made from the official unit data: every commune of a province (or those chosen),
with its header lines, name in running text, place name of the date line, kind and code, and the
assignments its skeleton declares (their defaults, to be reviewed)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from generator.errors import PlanError, Problem
from generator.model.loader import parse_yaml, read_text, to_plain
from generator.units.dvhc import KIND_WORD, Commune, Dvhc, Province
from generator.units.giao import Assignment, read_declaration

#: Written where a skeleton declares an assignment without a default: a value the clerk must set.
TO_FILL = {"so": 0, "chu": "…"}


def skeleton_assignments(skeleton: Path) -> list[Assignment]:
    """The assignments a skeleton declares (its ``giao:``); PlanError if it cannot be read."""
    data, positions, _ = to_plain(parse_yaml(read_text(skeleton), skeleton), skeleton)
    if not isinstance(data, dict):
        raise PlanError([Problem("khung kế hoạch phải là một nhóm khóa: giá trị", (), skeleton, 1, 1)])
    return read_declaration(data.get("giao"), skeleton, positions)


def _q(text: str) -> str:
    """A YAML scalar for `text`: plain where it reads back as the same text, else double-quoted."""
    plain = (
        text
        and text[0] not in "!&*-?:,[]{}#|>@`'\"%…"
        and not any(c in text for c in ":#[]{},\"'\n")
        and text.strip() == text
        and not text.replace(".", "").isdigit()
        and text.lower() not in ("null", "true", "false", "yes", "no", "on", "off", "~")
    )
    return text if plain else json.dumps(text, ensure_ascii=False)


def units_file_text(
    data: Dvhc,
    province: Province,
    communes: list[Commune],
    output: Path,
    skeleton: Path | None,
    assignments: list[Assignment],
    command: str,
) -> str:
    """The units file's text: a header saying where it comes from, then one entry per commune."""
    source = data.nguon
    if skeleton is not None:
        relative = Path(os.path.relpath(skeleton.resolve(), output.resolve().parent)).as_posix()
    else:
        relative = "ke-hoach-don-vi.yaml"
    kinds = sorted({c.kind for c in communes}, key=["xa", "phuong", "dac_khu"].index)
    words = ", ".join(KIND_WORD[kind] for kind in kinds)
    lines = [
        f"# Các {words} của {province.name[:1].lower()}{province.name[1:]}: {len(communes)} đơn vị (mã tỉnh {province.code}).",
        f"# Tạo bằng: {command}",
        f"# Dữ liệu: {source.get('goi')} {source.get('phien_ban')} (giấy phép {source.get('giay_phep')}), theo",
        *(f"#   {resolution}" for resolution in source.get("nghi_quyet", [])),
        "#",
        "# Mỗi đơn vị: ten (tên trong câu văn), ma (mã đơn vị hành chính), loai (" + ", ".join(kinds) + "),",
        "# tieu_de (dòng tên cơ quan ở đầu văn bản), ten_day_du, dia_danh (địa danh ở dòng ngày tháng, NĐ 30),",
        '# ky (người ký: thay "…" bằng họ tên), giao (phần được giao theo khung kế hoạch: xem lại từng số),',
        "# ghi_de (không bắt buộc: sửa riêng Kế hoạch của đơn vị, viết như tệp kế hoạch).",
        "",
        f"ke_hoach: {_q(relative)}"
        + ("" if skeleton is not None else "   # khung Kế hoạch cấp xã: sửa đường dẫn cho đúng"),
        "",
        "don_vi:",
    ]
    for commune in communes:
        lines += [
            f"  - ten: {_q(commune.in_text)}",
            f'    ma: "{commune.code}"',
            f"    loai: {commune.kind}",
            f"    tieu_de: [{', '.join(_q(line) for line in commune.header)}]",
            f"    ten_day_du: {_q(commune.full_name)}",
            f"    dia_danh: {_q(commune.place)}",
            '    ky: {tham_quyen: TM. ỦY BAN NHÂN DÂN, chuc_vu: [CHỦ TỊCH], ho_ten: "…"}',
        ]
        if assignments:
            values = []
            for a in assignments:
                value = a.default if a.default is not None else TO_FILL[a.kind]
                values.append(f"{a.name}: {value if isinstance(value, int) else _q(value)}")
            todo = [a.name for a in assignments if a.default is None]
            note = f"   # cần điền: {', '.join(todo)}" if todo else ""
            lines.append(f"    giao: {{{', '.join(values)}}}{note}")
    return "\n".join(lines) + "\n"
