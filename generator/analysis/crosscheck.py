"""Figures typed by hand in a plan's text, checked against the computed ones before `build` writes.

The rendered combined file (ho-so.docx, or ke-hoach.docx without appendices) goes through the very
analysis and checks of `vanban audit` (`audit_analysis`): a total, a split by source or a number of
attendees typed in the body that the appendices contradict is a problem, located at the line of
the plan file where the figure was typed, with the reference that would keep it right.
"""

from __future__ import annotations

import re

from generator.analysis.audit import audit_analysis
from generator.analysis.docread import Paragraph
from generator.analysis.recognise import states_figures
from generator.compute.figures import TEXT_REFERENCE, appendix_labels
from generator.compute.solieu import text_units
from generator.errors import Problem
from generator.model.loader import LoadedPlan

#: Findings the generator's own tables cannot cause: only text typed in the data can.
TYPED = {"SAI-TONG-KINH-PHI", "SAI-PHAN-BO-NGUON", "SAI-BANG-CHU", "LECH-SO-NGUOI", "SO-SAI-DINH-DANG"}


def typed_figure_problems(loaded: LoadedPlan, files: dict[str, bytes]) -> list[Problem]:
    """Problems for every typed figure that contradicts a computed one (empty when all agree).

    The document is read only when some text of the plan states a total or a count with a figure
    typed in it (not only references): reading it costs more than the rest of a build.
    """
    name = "ho-so.docx" if "ho-so.docx" in files else "ke-hoach.docx"
    if name not in files or not any(
        _typed_statement(text) for _, text in text_units(loaded.plan, appendix_labels(loaded.plan))
    ):
        return []
    analysis, findings = audit_analysis(files[name], name)
    approximate = {c.where for c in analysis.counts if c.approximate}
    problems = []
    for finding in findings:
        if finding.code not in TYPED or (finding.code == "LECH-SO-NGUOI" and finding.where in approximate):
            continue
        message = (
            f"số liệu gõ tay trong văn bản mâu thuẫn với số liệu đã tính ({finding.code}, {finding.where} của {name}): "
            f"{finding.message} Thấy: {finding.found}; đúng: {finding.expected}. "
            f"Đừng gõ số: {_hint(finding.code, loaded)} để số luôn khớp với phụ lục."
        )
        problems.append(_located(loaded, finding.found, _paragraph_text(analysis, finding.where), message))
    return problems


def _typed_statement(text: str) -> bool:
    """A stated total or count (references read as figures) holding a figure typed by hand."""
    return states_figures(TEXT_REFERENCE.sub("0", text)) and bool(re.search(r"\d", TEXT_REFERENCE.sub("", text)))


def _hint(code: str, loaded: LoadedPlan) -> str:
    if code == "LECH-SO-NGUOI":
        return "dùng {=phu_luc_1.tong}"
    if code == "SAI-PHAN-BO-NGUON" and loaded.plan.phu_luc_2:
        sources = ", ".join(f"{{={s.id}.tong}}" for s in loaded.plan.phu_luc_2.nguon_kinh_phi)
        return f"dùng tổng của từng nguồn ({sources})"
    return "dùng {=phu_luc_2.tong}"


def _paragraph_text(analysis, where: str) -> str:
    number = re.match(r"đoạn (\d+)", where)
    for block in analysis.document.blocks:
        if number and isinstance(block, Paragraph) and block.number == int(number.group(1)):
            return block.clean
    return ""


def _located(loaded: LoadedPlan, found: str, paragraph: str, message: str) -> Problem:
    """The problem at the line of the plan file holding the typed figure (and its field): of the
    lines holding that figure, the one sharing most words with the paragraph it was printed in."""
    figure = re.search(r"\d[\d.,]*\d|\d", found)
    line = None
    if figure and loaded.source is not None:
        try:
            lines = loaded.source.read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError):
            lines = []
        pattern = re.compile(rf"(?<![\d.,]){re.escape(figure.group(0))}(?![\d]|[.,]\d)")
        words = set(re.findall(r"\w+", paragraph.lower()))
        candidates = [
            (len(words & set(re.findall(r"\w+", text.lower()))), -n, n)
            for n, text in enumerate(lines, 1)
            if pattern.search(text)
        ]
        line = max(candidates)[2] if candidates else None
    if line is None:
        return Problem(message, (), loaded.source)
    at_line = [path for path, (row, _) in loaded.positions.items() if row == line]
    path = max(at_line, key=len) if at_line else ()
    column = loaded.positions[path][1] if path else None
    return Problem(message, path, loaded.source, line, column)
