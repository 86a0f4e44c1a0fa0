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


def _appendix_keys(figures: PlanFigures) -> list[tuple[str, object]]:
    """(field name in the plan data, appendix figures) for each appendix present."""
    out = []
    for name in ("phu_luc_1", "phu_luc_2"):
        value = getattr(figures, name, None)
        if value is not None:
            out.append((name, value))
    return out


def page_figures(figures: PlanFigures) -> PageFigures:
    from generator.compute.solieu import (
        figures_to_json,  # brings the renderer: not needed for the first page
    )

    convention = figures.plan.quy_uoc_so.convention()
    page = PageFigures(panel=figures_to_json(figures))
    for key, appendix in _appendix_keys(figures):
        if hasattr(appendix, "nhom"):  # attendees
            data = getattr(figures.plan, key)
            for g, group in enumerate(appendix.nhom):
                for m, member in enumerate(group.thanh_vien):
                    if _reference(data.nhom[g].thanh_vien[m].so_luong):
                        page.cells[f"{key}-nhom-{g}-thanh_vien-{m}-so_luong"] = f"= {format_number(member.so_luong)}"
                page.totals[f"{key}-nhom-{g}-thanh_vien"] = [f"Cộng nhóm {group.so}: {format_number(group.tong)} người"]
            page.totals[key] = [(f"Tổng cộng: {format_number(appendix.tong)} người "
                                 f"({number_in_words(appendix.tong, convention)})")]
        if hasattr(appendix, "bang"):  # budget
            for t, table in enumerate(appendix.bang):
                for d, line in enumerate(table.dong):
                    row = f"{key}-bang-{t}-dong-{d}"
                    page.cells[row] = format_number(line.thanh_tien)
                    if _reference(line.dong.so_luong):
                        page.cells[f"{row}-so_luong"] = f"= {format_number(line.so_luong)}"
                page.totals[f"{key}-bang-{t}-dong"] = [
                    f"Tổng cộng: {format_number(table.tong)} đồng",
                    f"Bằng chữ: {amount_in_words(table.tong, convention)}",
                ]
            lines = [f"Tổng kinh phí: {format_number(appendix.tong)} đồng",
                     f"Bằng chữ: {amount_in_words(appendix.tong, convention)}"]
            lines += [f"{source.ten}: {format_number(amount)} đồng" for source, amount in appendix.theo_nguon]
            page.totals[key] = lines
    return page


def _reference(value: object) -> bool:
    return isinstance(value, str) and value.startswith("=")
