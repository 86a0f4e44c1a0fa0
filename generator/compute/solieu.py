"""Số liệu: every computed figure of a plan under a label a person can read, and what changed.

`figures_to_json` gives a flat mapping, label → {"số": n, "bằng chữ": "…"} (money in words with
"đồng", counts of people without), plus the document number and date as text. Labels name where a
figure stands ("Phụ lục II, bảng 1, tổng cộng"; a line by its content, so inserting a line does not
rename the others). `build` writes it as so-lieu.json; `diff_figures` compares two of them.
"""

from __future__ import annotations

import difflib
import re

from generator.compute.figures import (
    TEXT_REFERENCE,
    AttendeeFigures,
    BudgetFigures,
    GeneralTableFigures,
    PersonsFigures,
    PlanFigures,
)
from generator.model.loader import LoadedPlan
from generator.model.schema import LOAI_VAN_BAN, Block, Plan
from generator.render.renderer import document_date, document_number, plain
from generator.vi import BLANK, amount_in_words, format_number, number_in_words, roman

NUMBER_LABEL = "Văn bản, số và ký hiệu"
DATE_LABEL = "Văn bản, ngày tháng năm"
WORDS = "bằng chữ"
VALUE = "số"
LABEL_TEXT = 60  # characters of a line's content kept in its label
EXCERPT = 30  # characters of context around a text change
#: The key of so-lieu.json listing the files of the set: name → {"sha256": …, "bytes": …}.
MANIFEST = "tệp"


def _short(text: str, limit: int = LABEL_TEXT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _unique(label: str, used: set[str]) -> str:
    candidate, n = label, 1
    while candidate in used:
        n += 1
        candidate = f"{label} ({n})"
    used.add(candidate)
    return candidate


def figures_to_json(figures: PlanFigures) -> dict:
    """All computed figures of a plan, label → {"số", "bằng chữ"}, plus the document number and date."""
    plan = figures.plan
    convention = plan.quy_uoc_so.convention()
    _, _, abbreviation = LOAI_VAN_BAN[plan.van_ban.loai]
    number = document_number(plan.van_ban.so).strip()
    out: dict[str, object] = {
        NUMBER_LABEL: f"{number}/{abbreviation}-{plan.co_quan.viet_tat}" if number else None,
        DATE_LABEL: document_date(plan.van_ban).replace(BLANK, " … "),
    }
    used: set[str] = set()

    def count(label: str, n: int) -> None:
        out[_unique(label, used)] = {VALUE: n, WORDS: number_in_words(n, convention)}

    def money(label: str, n: int) -> None:
        out[_unique(label, used)] = {VALUE: n, WORDS: amount_in_words(n, convention)}

    for part in figures.phu_luc:
        if isinstance(part, AttendeeFigures):
            p1 = part
            for group in p1.nhom:
                for member in group.thanh_vien:
                    count(f"{p1.ten}, nhóm {group.so}, {_short(member.ten)}", member.so_luong)
                count(f"{p1.ten}, nhóm {group.so}, cộng", group.tong)
            count(f"{p1.ten}, tổng cộng", p1.tong)
        elif isinstance(part, PersonsFigures):
            for people in part.nhom if part.grouped else ():
                count(f"{part.ten}, nhóm {people.so}, số người", people.tong)
            count(f"{part.ten}, tổng số người", part.tong)
        elif isinstance(part, GeneralTableFigures):
            for column, total in zip(part.cot, part.tong):
                if total is not None and column.kieu in ("tien", "so_nguyen"):
                    (money if column.kieu == "tien" else count)(
                        f"{part.ten}, cột {_short(column.ten)}, tổng cộng", int(total)
                    )
        if not isinstance(part, BudgetFigures):
            continue
        p2 = part
        for table in p2.bang:
            for line in table.dong:
                content = TEXT_REFERENCE.sub("…", line.dong.noi_dung)
                money(f"{p2.ten}, bảng {table.so}, {_short(plain(content))}, thành tiền", line.thanh_tien)
            for group in table.nhom:
                money(f"{p2.ten}, bảng {table.so}, nhóm {group.so}, cộng", group.tong)
            money(f"{p2.ten}, bảng {table.so}, tổng cộng", table.tong)
        for source, amount in p2.theo_nguon:
            money(f"{p2.ten}, nguồn {source.ten}", amount)
        money(f"{p2.ten}, tổng cộng", p2.tong)
    return out


def _natural(label: str) -> list:
    """Sort key reading numbers as numbers (bảng 2 before bảng 10)."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", label)]


def _show(entry: object) -> str:
    if isinstance(entry, dict):
        return format_number(entry[VALUE])
    return "(để trống)" if entry is None else str(entry)


def diff_figures(old: dict, new: dict) -> list[str]:
    """ "label: old → new" for each figure that changed, was added or was removed."""
    lines = []
    for label in sorted((old.keys() | new.keys()) - {MANIFEST}, key=_natural):
        before, after = old.get(label, ...), new.get(label, ...)
        if before == after:
            continue
        if before is ...:
            lines.append(f"{label}: thêm mới {_show(after)}")
        elif after is ...:
            lines.append(f"{label}: đã bỏ (trước đây {_show(before)})")
        elif _show(before) != _show(after):
            lines.append(f"{label}: {_show(before)} → {_show(after)}")
        else:  # same figure, other words (the convention changed)
            lines.append(f"{label}, {WORDS}: {before[WORDS]} → {after[WORDS]}")
    return lines


# --- text ----------------------------------------------------------------------------------------


def _blocks(label: str, blocks: list[Block]) -> list[tuple[str, str]]:
    return [(f"{label}, đoạn {i}", b.text) for i, b in enumerate(blocks, 1)]


def text_units(plan: Plan, labels: dict[str, str]) -> list[tuple[str, str]]:
    """Every text of the plan in document order, as (where, text)."""
    units = [
        ("Tên cơ quan", " / ".join(plan.co_quan.ten)),
        ("Tên cơ quan trong văn bản", plan.co_quan.ten_day_du),
        ("Cơ quan chủ quản", " / ".join(plan.co_quan.chu_quan)),
        ("Địa danh", plan.van_ban.dia_danh),
        ("Trích yếu", plan.van_ban.trich_yeu),
        *_blocks("Mở đầu", plan.mo_dau),
    ]
    for m, muc in enumerate(plan.muc, 1):
        base = f"Mục {roman(m)}"
        units += [(f"{base}, tiêu đề", muc.tieu_de), *_blocks(base, muc.noi_dung)]
        for k, khoan in enumerate(muc.khoan, 1):
            where = f"{base}, khoản {k}"
            units += [(where, khoan.tieu_de or khoan.van_ban), *_blocks(where, khoan.noi_dung)]
    units += [("Kết thúc", plan.ket_thuc)]
    units += [(f"Nơi nhận, dòng {i}", text) for i, text in enumerate(plan.noi_nhan, 1)]
    units += [
        ("Lưu", ", ".join(plan.luu)),
        ("Người ký", " / ".join([plan.ky.tham_quyen or "", *plan.ky.chuc_vu, plan.ky.ho_ten])),
    ]
    if plan.phu_luc_1:
        label = labels["phu_luc_1"]
        units.append((f"{label}, tiêu đề", plan.phu_luc_1.tieu_de))
        units += [(f"{label}, nhóm {roman(g)}", nhom.ten) for g, nhom in enumerate(plan.phu_luc_1.nhom, 1)]
    if plan.phu_luc_2:
        label = labels["phu_luc_2"]
        units.append((f"{label}, tiêu đề", plan.phu_luc_2.tieu_de))
        units += [(f"{label}, nguồn {s.id}", s.ten) for s in plan.phu_luc_2.nguon_kinh_phi]
        for t, bang in enumerate(plan.phu_luc_2.bang, 1):
            units.append((f"{label}, bảng {t}", bang.tieu_de))
            for d, dong in enumerate(bang.dong, 1):
                units.append(
                    (
                        f"{label}, bảng {t}, dòng {d}, đơn vị tính và ghi chú",
                        f"{dong.don_vi_tinh or ''} | {dong.ghi_chu or ''}",
                    )
                )
    return units


def _context(text: str, left: bool) -> str:
    """Up to EXCERPT characters of context, cut at a space; "…" where the text goes on."""
    if len(text) <= EXCERPT:
        return text
    if left:
        cut = text[-EXCERPT:]
        return "…" + cut[cut.find(" ") + 1 :] if " " in cut else "…" + cut
    cut = text[:EXCERPT]
    return (cut[: cut.rfind(" ")] if " " in cut else cut) + "…"


def describe_change(old: str, new: str, limit: int = 3) -> str:
    """Each changed part of a text, word by word, with a little context: «…old…» → «…new…»."""
    a, b = re.findall(r"\w+|\W", old), re.findall(r"\w+|\W", new)
    spans: list[list[int]] = []  # [a1, a2, b1, b2], changes closer than EXCERPT characters merged
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        if spans and len("".join(a[spans[-1][1] : a1])) < EXCERPT:
            spans[-1][1], spans[-1][3] = a2, b2
        else:
            spans.append([a1, a2, b1, b2])
    parts = []
    for a1, a2, b1, b2 in spans:
        left, right = _context("".join(a[:a1]), True), _context("".join(a[a2:]), False)
        parts.append(f"«{left}{''.join(a[a1:a2])}{right}» → «{left}{''.join(b[b1:b2])}{right}»")
    shown = "; ".join(parts[:limit])
    return shown + (f" (và {len(parts) - limit} chỗ khác)" if len(parts) > limit else "")


def diff_text(old: list[tuple[str, str]], new: list[tuple[str, str]]) -> list[str]:
    """Changed, added and removed texts, aligned so an inserted paragraph does not shift the rest."""
    lines = []
    matcher = difflib.SequenceMatcher(a=[t for _, t in old], b=[t for _, t in new], autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            continue
        pairs = min(a2 - a1, b2 - b1) if op == "replace" else 0
        lines += [f"{new[b1 + i][0]}: {describe_change(old[a1 + i][1], new[b1 + i][1])}" for i in range(pairs)]
        lines += [f"{where}: đã bỏ «{_short(text, 2 * EXCERPT)}»" for where, text in old[a1 + pairs : a2]]
        lines += [f"{where}: thêm «{_short(text, 2 * EXCERPT)}»" for where, text in new[b1 + pairs : b2]]
    return lines


def input_figures(figures: PlanFigures) -> dict[str, tuple[str, dict[str, object], list[str]]]:
    """Each line and member as typed: label → (kind, {what: value}, labels of the figures it feeds).

    Labels are those of `figures_to_json` (a budget line by its content, a member by its name), so
    an input is matched across two plans as its figures are.
    """
    out: dict[str, tuple[str, dict[str, object], list[str]]] = {}
    used: set[str] = set()
    if figures.phu_luc_1:
        p1 = figures.phu_luc_1
        for group in p1.nhom:
            for member in group.thanh_vien:
                label = _unique(f"{p1.ten}, nhóm {group.so}, {_short(member.ten)}", used)
                out[label] = (
                    "member",
                    {"số lượng": member.so_luong},
                    [f"{p1.ten}, nhóm {group.so}, cộng", f"{p1.ten}, tổng cộng"],
                )
            _unique(f"{p1.ten}, nhóm {group.so}, cộng", used)
        _unique(f"{p1.ten}, tổng cộng", used)
    if figures.phu_luc_2:
        p2 = figures.phu_luc_2
        for table in p2.bang:
            for line in table.dong:
                content = TEXT_REFERENCE.sub("…", line.dong.noi_dung)
                label = _unique(f"{p2.ten}, bảng {table.so}, {_short(plain(content))}, thành tiền", used)
                typed = {
                    "số lượng": line.dong.so_luong,
                    "đơn giá": line.dong.don_gia,
                    "nguồn": line.nguon.ten,
                    "đơn vị tính": line.dong.don_vi_tinh,
                }
                fed = [
                    label,
                    f"{p2.ten}, bảng {table.so}, tổng cộng",
                    f"{p2.ten}, nguồn {line.nguon.ten}",
                    f"{p2.ten}, tổng cộng",
                ]
                out[label.removesuffix(", thành tiền")] = ("line", typed, fed)
    return out


def _typed(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return format_number(value)
    return "(để trống)" if value is None else str(value)


def diff_inputs(old: PlanFigures, new: PlanFigures, changed_figures: list[tuple[str, str]]) -> list[str]:
    """Each changed input (quantity, price, source, count; a line added or removed) followed, indented,
    by the computed changes it caused; then the computed changes no single input explains.

    `changed_figures` is (label, "label: old → new") for every figure that changed.
    """
    before, after = input_figures(old), input_figures(new)
    remaining = dict(changed_figures)
    lines = []
    for label in sorted(before.keys() | after.keys(), key=_natural):
        was, now = before.get(label), after.get(label)
        if was and now:
            edits = [
                f"{what} {_typed(was[1][what])} → {_typed(now[1][what])}"
                for what in now[1]
                if was[1][what] != now[1][what]
            ]
            if not edits:
                continue
            lines.append(f"{label}: {'; '.join(edits)}")
        elif now:
            lines.append(f"{label}: thêm ({'; '.join(f'{k} {_typed(v)}' for k, v in now[1].items() if v is not None)})")
        else:
            lines.append(
                f"{label}: đã bỏ (trước đây {'; '.join(f'{k} {_typed(v)}' for k, v in was[1].items() if v is not None)})"
            )
        for fed in dict.fromkeys((was or now)[2] + (now or was)[2]):
            if fed in remaining and fed != label:
                lines.append(f"  {remaining.pop(fed)}")
        remaining.pop(label, None)  # a member's count is its own figure: shown as the input
    if remaining:
        lines.append("Số liệu khác thay đổi theo (tham chiếu, tổng cộng):")
        lines += [f"  {line}" for line in remaining.values()]
    return lines


def diff_plans(old: LoadedPlan, new: LoadedPlan) -> list[str]:
    """The changed inputs with the figures they moved, then the changed text by section."""
    from generator.compute.figures import appendix_labels
    from generator.compute.located import compute_loaded

    old_figures, new_figures = compute_loaded(old), compute_loaded(new)
    old_json, new_json = figures_to_json(old_figures), figures_to_json(new_figures)
    figures = diff_figures(old_json, new_json)
    labelled = [(line.split(": ", 1)[0].removesuffix(f", {WORDS}"), line) for line in figures]
    inputs = diff_inputs(old_figures, new_figures, labelled)
    text = diff_text(text_units(old.plan, appendix_labels(old.plan)), text_units(new.plan, appendix_labels(new.plan)))
    return inputs + text
