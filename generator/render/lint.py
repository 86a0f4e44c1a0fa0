"""Template lint (`vanban lint-template`): docxtpl-lint's static checks with our Jinja environment.

docxtpl-lint finds unclosed or stray tags, Jinja syntax errors, {%tr %}/{%p %} misuse, text lost
next to a paragraph/row tag, unknown filters; given sample data (the contexts vanban builds from a
plan) it also names fields the template uses that vanban does not provide.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from docxtpl import RichText
from docxtpl_lint import lint
from pydantic import BaseModel

from generator.compute.figures import PlanFigures
from generator.render.renderer import attendees_context, budget_context, general_context, make_environment, plan_context
from generator.vi import CANONICAL

#: Vietnamese one-line summaries of docxtpl-lint's rules (their ids are kept in every message).
SUMMARY_VI = {
    "DTL001": "thẻ mở mà không đóng",
    "DTL002": "thẻ trải qua nhiều đoạn (định dạng các đoạn sẽ mất)",
    "DTL003": "mã mẫu nằm trong phần sửa đổi (track changes) chưa chấp nhận",
    "DTL101": "khối chưa đóng (thiếu {% end… %})",
    "DTL102": "end/else/elif không có khối mở tương ứng",
    "DTL103": "lỗi cú pháp Jinja",
    "DTL104": "bộ lọc không tồn tại",
    "DTL105": "phép thử (test) không tồn tại",
    "DTL106": "biến của vòng lặp dùng ngoài vòng lặp",
    "DTL201": "thẻ {%p/tr/tc/r %} chứa '%' hoặc '}'",
    "DTL202": "có dấu cách giữa {% và tr/tc",
    "DTL203": "thẻ {%tr %}/{%tc %} nằm ngoài bảng",
    "DTL204": "thẻ mở và thẻ đóng khác tiền tố (p/tr/tc)",
    "DTL205": "khối {%tr %} trải qua hai bảng",
    "DTL206": "{%tr %} mở và đóng trong cùng một hàng",
    "DTL207": "khối {%tc %} phải nằm trong một hàng",
    "DTL208": "thẻ cellbg/colspan/vm/hm nằm ngoài ô bảng",
    "DTL209": "chữ đặt cạnh thẻ {%p/tr/tc %} sẽ bị mất",
    "DTL210": "{%p %} mở và đóng trong cùng một đoạn",
    "DTL301": "trường không có trong dữ liệu vanban cung cấp",
    "DTL303": "vòng lặp trên giá trị không lặp được",
    "DTL306": "bộ lọc danh sách dùng cho giá trị không phải danh sách",
    "DTL307": "thẻ {{r }} cần văn bản định dạng (RichText), dữ liệu là giá trị thường",
    "DTL308": "ký tự & hoặc < có thể làm hỏng tài liệu khi không bật autoescape",
}


@dataclass(frozen=True)
class LintFinding:
    rule: str
    severity: str
    where: str
    snippet: str
    message: str

    def __str__(self) -> str:
        summary = SUMMARY_VI.get(self.rule, self.rule)
        return f"{self.rule} {self.where}: {summary} — «{self.snippet}» ({self.message})"


#: Every field a block of the general appendix template has (a plan may have no table, or no paragraph).
_CELL = {"kieu": "trai", "rich": None, "span": 1}
GENERAL_BLOCK = {"kind": "bang", "rich": None, "dau": [{"o": [_CELL]}], "dong": [{"o": [_CELL]}]}


def sample_data(figures: PlanFigures) -> dict:
    """Every field any of our templates may use, built from a real plan (plain values, RichText kept)."""
    from generator.papers.build import sample_contexts  # the papers' templates (vanban build --bo-ho-so)

    merged: dict = {}
    makers = [plan_context, attendees_context, budget_context]
    makers += [
        lambda f, draft, a=a: general_context(f, draft=draft, appendix=a)
        for a in figures.phu_luc
        if a.loai != "danh_sach"
    ]
    contexts = [make(figures, draft=False) for make in makers] + sample_contexts(figures)
    for raw in contexts:
        context = _plain(raw)
        if "khoi" in context:  # blocks of several kinds: the linter reads the first as the shape of all
            context["khoi"] = [
                {k: v for block in [GENERAL_BLOCK, *reversed(context["khoi"])] for k, v in block.items()}
            ]
        for key, value in context.items():
            if isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key] = {**merged[key], **value}
            else:
                merged[key] = value
    return merged


def _plain(value: object) -> object:
    """Plain data for docxtpl-lint. A RichText becomes None: the linter flags any non-None value at a
    {{r }} tag (it cannot tell a RichText object from a string), and None still counts as present."""
    if isinstance(value, RichText):
        return None
    if isinstance(value, BaseModel):
        return _plain(value.model_dump())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _where(location) -> str:
    where = (
        "tiêu đề trang"
        if location.part.startswith("header")
        else ("chân trang" if location.part.startswith("footer") else "thân")
    )
    where += f", đoạn {location.paragraph}"
    for cell in location.cells:
        where += f", bảng {cell.table} hàng {cell.row} ô {cell.col}"
    return where


def lint_template(path: Path, figures: PlanFigures | None = None) -> list[LintFinding]:
    """Lint one .docx template; with `figures`, also check every field it uses exists."""
    data = sample_data(figures) if figures is not None else None
    result = lint(str(path), data, jinja_env=make_environment(CANONICAL), autoescape=True)
    return [
        LintFinding(issue.rule, issue.severity, _where(issue.location), issue.snippet, issue.message)
        for issue in result.issues
    ]
