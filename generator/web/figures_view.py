"""The computed figures of a plan placed on the editor's page: each at the dom id of the field,
row or list it belongs to (line amounts, table totals with their words, group counts, the grand
total and its split by source), plus every figure of so-lieu.json for the side panel.

This is the one place of the workspace that knows the shape of `PlanFigures`; appendices are read
by their kind (attendees or budget), whatever list or field the model keeps them in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.compute.figures import PlanFigures
from generator.vi import amount_in_words, format_number, number_in_words


@dataclass
class PageFigures:
    #: dom id → short text (a row's amount, a reference's value)
    cells: dict[str, str] = field(default_factory=dict)
    #: dom id → lines (a list's or an appendix's totals, with their words)
    totals: dict[str, list[str]] = field(default_factory=dict)
    #: so-lieu.json: label → {"số", "bằng chữ"} or text
    panel: dict[str, object] = field(default_factory=dict)


def _appendix_keys(figures: PlanFigures) -> list[tuple[str, object, object]]:
    """(dom id of the appendix's place in the plan data, its figures, its data) for each appendix:
    an item of the `phu_luc` list (phu_luc-0, phu_luc-1…) or an old-style phu_luc_1/phu_luc_2."""
    plan = figures.plan
    listed = getattr(plan, "phu_luc", None) or []
    pairs = (
        list(zip((data for _, _, data in plan.appendices), figures.phu_luc))
        if hasattr(plan, "appendices")
        else [(getattr(plan, name), getattr(figures, name)) for name in ("phu_luc_1", "phu_luc_2")]
    )
    out = []
    for data, appendix in pairs:
        if data is None or appendix is None:
            continue
        index = next((i for i, item in enumerate(listed) if item is data), None)
        old = next((name for name in ("phu_luc_1", "phu_luc_2") if getattr(plan, name, None) is data), None)
        key = f"phu_luc-{index}" if index is not None else old
        if key:
            out.append((key, appendix, data))
    return out


def page_figures(figures: PlanFigures) -> PageFigures:
    from generator.compute.solieu import (
        figures_to_json,  # brings the renderer: not needed for the first page
    )

    convention = figures.plan.quy_uoc_so.convention()
    page = PageFigures(panel=figures_to_json(figures))
    for key, appendix, data in _appendix_keys(figures):
        if hasattr(appendix, "nhom") and hasattr(data, "nhom") and all(hasattr(g, "thanh_vien") for g in appendix.nhom):
            for g, group in enumerate(appendix.nhom):
                for m, member in enumerate(group.thanh_vien):
                    if _reference(data.nhom[g].thanh_vien[m].so_luong):
                        page.cells[f"{key}-nhom-{g}-thanh_vien-{m}-so_luong"] = f"= {format_number(member.so_luong)}"
                page.totals[f"{key}-nhom-{g}-thanh_vien"] = [f"Cộng nhóm {group.so}: {format_number(group.tong)} người"]
            page.totals[key] = [
                (f"Tổng cộng: {format_number(appendix.tong)} người ({number_in_words(appendix.tong, convention)})")
            ]
        if hasattr(appendix, "bang") and hasattr(appendix, "theo_nguon"):  # budget
            for t, table in enumerate(appendix.bang):
                grouped = bool(getattr(table, "nhom", ()))  # lines in groups: their rows are not numbered by table
                for d, line in enumerate(() if grouped else table.dong):
                    row = f"{key}-bang-{t}-dong-{d}"
                    page.cells[row] = format_number(line.thanh_tien)
                    if line.so_luong is not None and _reference(line.dong.so_luong):
                        page.cells[f"{row}-so_luong"] = f"= {format_number(line.so_luong)}"
                page.totals[f"{key}-bang-{t}-dong"] = [
                    f"Tổng cộng: {format_number(table.tong)} đồng",
                    f"Bằng chữ: {amount_in_words(table.tong, convention)}",
                ]
            lines = [
                f"Tổng kinh phí: {format_number(appendix.tong)} đồng",
                f"Bằng chữ: {amount_in_words(appendix.tong, convention)}",
            ]
            lines += [f"{source.ten}: {format_number(amount)} đồng" for source, amount in appendix.theo_nguon]
            page.totals[key] = lines
    return page


def _reference(value: object) -> bool:
    return isinstance(value, str) and value.startswith("=")
